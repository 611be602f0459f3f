// Optional: a Print button for the checklist. Without JavaScript the browser menu prints.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
