"""A resident books a passport appointment on a 360 px phone, finds it again and cancels it."""
from datetime import date

import pytest

from ..factories import nik
from .axe import serious
from .pages import heading, heading_starts

pytestmark = pytest.mark.browser


def _book_and_cancel(page, base, serial, check_axe=False, stop_at_proof=False):
    page.goto(base + "/mpp/kota-kediri")
    page.get_by_role("searchbox", name="Cari layanan").fill("bikin paspor")
    page.locator("form.quick-search").get_by_role("button", name="Cari").click()
    page.locator("ol.results li a").first.click()
    heading_starts(page, "Paspor biasa")
    page.get_by_role("link", name="Pesan jadwal datang").click()
    if check_axe:
        assert serious(page) == []
    page.locator("ul.days a").first.click()
    page.get_by_role("button", name="Pesan jadwal ini").click()        # nothing filled in
    assert page.locator(".error-summary").is_visible()
    if check_axe:
        assert serious(page) == []
    page.locator(".radio input").first.check()
    page.get_by_label("Nama lengkap sesuai KTP").fill("Rahmawati")
    number = nik(serial, born=date(1979, 6, 1), woman=True)
    page.get_by_label("NIK").fill(" ".join(number[i:i + 4] for i in range(0, 16, 4)))
    page.get_by_label("Nomor ponsel").fill("0812-7777-1234")
    page.get_by_role("button", name="Pesan jadwal ini").click()
    heading(page, "Janji Anda tercatat")
    assert page.get_by_role("img", name="Kode QR janji").is_visible()
    code = page.locator(".ticket .code").inner_text().replace("-", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if stop_at_proof:
        return
    if check_axe:
        assert serious(page) == []
    page.get_by_role("button", name="Selesai").click()
    page.get_by_role("link", name="Janji saya").click()
    if check_axe:
        assert serious(page) == []
    page.get_by_label("Kode janji").fill(code.lower())
    page.get_by_label("4 angka terakhir NIK").fill(number[-4:])
    page.get_by_role("button", name="Lihat janji").click()
    assert page.locator(".ticket .code").inner_text().replace("-", "") == code
    page.get_by_role("link", name="Batalkan janji").click()
    page.get_by_role("button", name="Ya, batalkan janji").click()
    heading(page, "Janji tidak aktif")


def test_booking_to_cancellation_with_javascript(phone, live_server):
    _book_and_cancel(phone, live_server, 5001, check_axe=True)


def test_booking_to_cancellation_without_javascript(phone_without_js, live_server):
    _book_and_cancel(phone_without_js, live_server, 5002)


def _decoded(locator):
    """What a camera reads from the element as drawn: its screenshot through zxing-cpp."""
    import io

    import zxingcpp
    from PIL import Image
    image = Image.open(io.BytesIO(locator.screenshot()))
    return [(r.text, r.format) for r in zxingcpp.read_barcodes(image)]


def test_the_booking_qr_is_a_regular_qr_a_phone_reads_back(phone, live_server):
    """Issue 12: segno chose a Micro QR (M3) for the 10-character code, at about 60 px."""
    import zxingcpp
    _book_and_cancel(phone, live_server, 5003, stop_at_proof=True)
    qr = phone.get_by_role("img", name="Kode QR janji")
    box = qr.bounding_box()
    assert box["width"] >= 160 and box["height"] >= 160
    code = phone.locator(".ticket .code").inner_text().replace("-", "")
    assert _decoded(qr) == [(code, zxingcpp.BarcodeFormat.QRCode)]
    phone.emulate_media(media="print")
    printed = qr.bounding_box()["width"] * 25.4 / 96          # CSS px to millimetres
    assert printed >= 25
