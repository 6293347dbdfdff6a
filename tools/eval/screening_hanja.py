"""Korean names written in hanja (Han characters): cross-script pairs for ``screening_scripts``.

A Korean name can be written in hanja (金正恩) as well as in Hangul (김정은), and a Han-written name
read only in Mandarin ("Jin Zhengen") misses the Korean person. These pairs are public figures of
both Koreas with their names in hanja, as their governments, the press and reference works print
them, and the Latin spelling printed for them (McCune-Reischauer as the DPRK uses it, the personal
spellings of South Korea). They were written after the Sino-Korean readings
(``ml.screening.sino_korean``), which have no threshold or parameter of their own to choose on them;
so they check the readings and the rarity rule on real names, they tuned nothing. The last field
says who the person is. Written from public knowledge of these names (no network on this machine),
not copied from a list file.
"""

from __future__ import annotations

# (script label, name in hanja, Latin spelling as printed, who)
HANJA_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("Korean (hanja)", "金日成", "Kim Il Sung", "DPRK leader 1948-94"),
    ("Korean (hanja)", "金正日", "Kim Jong Il", "DPRK leader 1994-2011"),
    ("Korean (hanja)", "金正恩", "Kim Jong Un", "DPRK leader from 2011"),
    ("Korean (hanja)", "金與正", "Kim Yo Jong", "WPK department director"),
    ("Korean (hanja)", "金永南", "Kim Yong Nam", "DPRK head of state for foreign affairs 1998-2019"),
    ("Korean (hanja)", "崔龍海", "Choe Ryong Hae", "DPRK Supreme People's Assembly chairman"),
    ("Korean (hanja)", "朴奉珠", "Pak Pong Ju", "DPRK premier 2013-19"),
    ("Korean (hanja)", "張成澤", "Jang Song Thaek", "DPRK vice-chairman, executed 2013"),
    ("Korean (hanja)", "李雪主", "Ri Sol Ju", "wife of Kim Jong Un"),
    ("Korean (hanja)", "黃長燁", "Hwang Jang Yop", "WPK secretary, defected 1997"),
    ("Korean (hanja)", "朴正熙", "Park Chung-hee", "ROK president 1963-79"),
    ("Korean (hanja)", "全斗煥", "Chun Doo-hwan", "ROK president 1980-88"),
    ("Korean (hanja)", "盧泰愚", "Roh Tae-woo", "ROK president 1988-93"),
    ("Korean (hanja)", "金泳三", "Kim Young-sam", "ROK president 1993-98"),
    ("Korean (hanja)", "金大中", "Kim Dae-jung", "ROK president 1998-2003"),
    ("Korean (hanja)", "盧武鉉", "Roh Moo-hyun", "ROK president 2003-08"),
    ("Korean (hanja)", "李明博", "Lee Myung-bak", "ROK president 2008-13"),
    ("Korean (hanja)", "朴槿惠", "Park Geun-hye", "ROK president 2013-17"),
    ("Korean (hanja)", "文在寅", "Moon Jae-in", "ROK president 2017-22"),
    ("Korean (hanja)", "尹錫悅", "Yoon Suk-yeol", "ROK president 2022-25"),
    ("Korean (hanja)", "李在明", "Lee Jae-myung", "ROK president from 2025"),
    ("Korean (hanja)", "崔圭夏", "Choi Kyu-hah", "ROK president 1979-80"),
    ("Korean (hanja)", "尹潽善", "Yun Po-sun", "ROK president 1960-62"),
    ("Korean (hanja)", "潘基文", "Ban Ki-moon", "UN Secretary-General 2007-16"),
    ("Korean (hanja)", "金鍾泌", "Kim Jong-pil", "ROK prime minister 1971-75, 1998-2000"),
    ("Korean (hanja)", "韓悳洙", "Han Duck-soo", "ROK prime minister 2007-08, 2022-25"),
    ("Korean (hanja)", "鄭周永", "Chung Ju-yung", "Hyundai founder"),
    ("Korean (hanja)", "李健熙", "Lee Kun-hee", "Samsung chairman 1987-2020"),
    ("Korean (hanja)", "李承晩", "Syngman Rhee", "ROK president 1948-60; personal spelling, given name first"),
    ("Korean (hanja)", "柳寬順", "Yu Gwan-sun", "independence activist; Revised Romanization"),
)
