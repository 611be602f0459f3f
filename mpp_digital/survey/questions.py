"""The nine elements of the SKM, each with the regulation's question and its four answers."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Element:
    code: str              # the column: u1 … u9
    name: str              # "Persyaratan"
    question: str
    answers: tuple         # the words for 1, 2, 3 and 4


ELEMENTS = (
    Element("u1", _l("Persyaratan"),
            _l("Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis "
               "pelayanannya?"),
            (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    Element("u2", _l("Sistem, mekanisme, dan prosedur"),
            _l("Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?"),
            (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah"))),
    Element("u3", _l("Waktu penyelesaian"),
            _l("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
            (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat"))),
    Element("u4", _l("Biaya/tarif"),
            _l("Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?"),
            (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis"))),
    Element("u5", _l("Produk spesifikasi jenis pelayanan"),
            _l("Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang "
               "tercantum dalam standar pelayanan dengan hasil yang diberikan?"),
            (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    Element("u6", _l("Kompetensi pelaksana"),
            _l("Bagaimana pendapat Anda tentang kompetensi atau kemampuan petugas dalam "
               "pelayanan?"),
            (_l("Tidak kompeten"), _l("Kurang kompeten"), _l("Kompeten"),
             _l("Sangat kompeten"))),
    Element("u7", _l("Perilaku pelaksana"),
            _l("Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait "
               "kesopanan dan keramahan?"),
            (_l("Tidak sopan dan ramah"), _l("Kurang sopan dan ramah"), _l("Sopan dan ramah"),
             _l("Sangat sopan dan ramah"))),
    Element("u8", _l("Penanganan pengaduan, saran, dan masukan"),
            _l("Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?"),
            (_l("Tidak ada"), _l("Ada tetapi tidak berfungsi"), _l("Berfungsi kurang maksimal"),
             _l("Dikelola dengan baik"))),
    Element("u9", _l("Sarana dan prasarana"),
            _l("Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?"),
            (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik"))),
)

# The regulation's words for a unit's performance at each grade, for the published report.
GRADE_WORDS = {"A": _l("Sangat baik"), "B": _l("Baik"), "C": _l("Kurang baik"),
               "D": _l("Tidak baik")}
