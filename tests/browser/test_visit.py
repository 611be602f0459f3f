"""One trip for a newborn's papers at Kota Kediri, on a 360 px phone without JavaScript:
choose "kelahiran", get a plan, book it, read one proof with the merged checklist, cancel one
step."""
from datetime import date

import pytest

from ..factories import nik
from .axe import serious
from .pages import heading, shows

pytestmark = pytest.mark.browser


def test_a_birth_planned_booked_and_one_step_cancelled(phone_without_js, phone, live_server):
    page = phone_without_js
    page.goto(live_server + "/mpp/kota-kediri")
    page.get_by_role("link", name="Kelahiran anak").click()
    heading(page, "Kelahiran anak")
    page.get_by_role("link", name="Rencanakan satu kunjungan untuk 3 layanan").click()
    shows(page, "Hari dan jam yang cocok")
    assert page.get_by_label("Penerbitan Kartu Identitas Anak (KIA)").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("article.card").first.get_by_role("link").click()
    heading(page, "Pesan kunjungan")
    page.get_by_label("Nama lengkap sesuai KTP").fill("Ayu Pratiwi")
    page.get_by_label("NIK").fill(nik(6101, born=date(1994, 2, 3), woman=True))
    page.get_by_label("Nomor ponsel").fill("0812-6666-1234")
    page.get_by_role("button", name="Pesan semua langkah").click()
    heading(page, "Kunjungan Anda tercatat")
    checklist = page.locator("ul.checklist").inner_text()
    assert checklist.count("Fotokopi KK") == 1
    assert "untuk Penerbitan Akta Kelahiran, Penerbitan Kartu Identitas Anak (KIA)" in checklist
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Batalkan langkah ini").last.click()
    shows(page, "dibatalkan; langkah lain tetap.")
    assert page.get_by_role("button", name="Batalkan langkah ini").count() == 2
    # Another citizen, with JavaScript for axe, books the second day's plan.
    phone.goto(live_server + "/mpp/kota-kediri/peristiwa-hidup/kelahiran")
    assert serious(phone) == []
    phone.goto(live_server + "/mpp/kota-kediri/kunjungan?peristiwa=kelahiran")
    assert serious(phone) == []
    phone.locator("article.card").nth(1).get_by_role("link").click()
    heading(phone, "Pesan kunjungan")
    assert serious(phone) == []
    phone.get_by_label("Nama lengkap sesuai KTP").fill("Budi Santoso")
    phone.get_by_label("NIK").fill(nik(6102, born=date(1990, 7, 8)))
    phone.get_by_label("Nomor ponsel").fill("0812-6666-5678")
    phone.get_by_role("button", name="Pesan semua langkah").click()
    heading(phone, "Kunjungan Anda tercatat")
    assert serious(phone) == []
