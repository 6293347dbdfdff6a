"""Third fresh held-out cross-script name pairs: a fifth set, Chinese only, with each person's birth year
and nationality, written before the fourth round of Chinese rules (the tone-aware readings of
``ml.screening.readings``) and screened once before it; then used only to report
(``tools/eval/screening_scripts.py``), never to choose a rule or a threshold, and its misses are not
read.

Why a fifth set: every earlier Chinese set has had its misses read while some rule was chosen, so none
of them measures the next rule fairly. None of the people below is in ``screening_pairs``,
``screening_heldout``, ``screening_fresh`` or ``screening_fourth``.

Who and which spelling, as in ``screening_fourth``: public figures, the native-script name as their
government or press writes it, the Latin spelling their passport, office or the English-language press
prints, spread over mainland Hanyu Pinyin (two compound family names among them), Taiwanese
Wade-Giles and personal spellings, the Hong Kong Government Cantonese romanisation, Macau's
Portuguese-based Cantonese spellings, and the Hokkien, Teochew, Hakka and Cantonese spellings of
Singapore and Malaysia. Birth year and passport nationality (ISO 3166 alpha-3; Hong Kong and Macau
people hold Chinese nationality) as a list entry and a document would give them; the evaluation puts
the same year on the listed entry and the query, so a year off by one would not change a figure.
Written from public knowledge (no network on this machine), not copied from a list file.
"""

from __future__ import annotations

# (native-script name, Latin spelling as printed, birth year, nationality, who / whose spelling)
FIFTH_FIGURES: tuple[tuple[str, str, int, str, str], ...] = (
    # Mainland China: Hanyu Pinyin, as Xinhua or the company prints it.
    ("李瑞环", "Li Ruihuan", 1934, "CHN", "CPPCC chairman 1993-2003; Xinhua"),
    ("乔石", "Qiao Shi", 1924, "CHN", "NPC chairman 1993-98; Xinhua"),
    ("吴邦国", "Wu Bangguo", 1941, "CHN", "NPC chairman 2003-13; Xinhua"),
    ("贾庆林", "Jia Qinglin", 1940, "CHN", "CPPCC chairman 2003-13; Xinhua"),
    ("张德江", "Zhang Dejiang", 1946, "CHN", "NPC chairman 2013-18; Xinhua"),
    ("俞正声", "Yu Zhengsheng", 1945, "CHN", "CPPCC chairman 2013-18; Xinhua"),
    ("薄熙来", "Bo Xilai", 1949, "CHN", "Chongqing party secretary 2007-12; Xinhua"),
    ("周永康", "Zhou Yongkang", 1942, "CHN", "security chief 2007-12; Xinhua"),
    ("令计划", "Ling Jihua", 1956, "CHN", "CPC General Office director 2007-12; Xinhua"),
    ("孟晚舟", "Meng Wanzhou", 1972, "CHN", "Huawei chair; Huawei"),
    ("马化腾", "Ma Huateng", 1971, "CHN", "Tencent founder (Pony Ma); company filings"),
    ("秦刚", "Qin Gang", 1966, "CHN", "PRC foreign minister 2022-23; Xinhua"),
    ("欧阳明高", "Ouyang Minggao", 1958, "CHN", "battery engineer, CAS academician; compound family name"),
    ("司马南", "Sima Nan", 1956, "CHN", "commentator; compound family name"),
    # Taiwan: Wade-Giles and personal spellings, as the government or the person print them.
    ("郝柏村", "Hau Pei-tsun", 1919, "TWN", "ROC premier 1990-93; Executive Yuan"),
    ("李遠哲", "Lee Yuan-tseh", 1936, "TWN", "Nobel chemist, Academia Sinica president; personal spelling"),
    ("張忠謀", "Chang Chung-mou", 1931, "TWN", "TSMC founder (Morris Chang); Wade-Giles"),
    ("郭台銘", "Gou Tai-ming", 1950, "TWN", "Foxconn founder (Terry Gou); personal spelling"),
    ("江宜樺", "Jiang Yi-huah", 1960, "TWN", "ROC premier 2013-14; personal spelling, Executive Yuan"),
    ("毛治國", "Mao Chi-kuo", 1948, "TWN", "ROC premier 2014-16; Executive Yuan"),
    ("林全", "Lin Chuan", 1951, "TWN", "ROC premier 2016-17; Executive Yuan"),
    ("陳菊", "Chen Chu", 1950, "TWN", "Kaohsiung mayor 2006-18; Wade-Giles"),
    ("連勝文", "Lien Sheng-wen", 1970, "TWN", "KMT vice-chairman; Wade-Giles"),
    ("錢復", "Chien Fu", 1935, "TWN", "ROC foreign minister 1990-96 (Fredrick Chien); Wade-Giles"),
    ("柯建銘", "Ker Chien-ming", 1951, "TWN", "DPP caucus whip; personal spelling, Legislative Yuan"),
    ("許信良", "Hsu Hsin-liang", 1941, "TWN", "DPP chairman 1996-98; Wade-Giles"),
    ("翁啟惠", "Wong Chi-huey", 1948, "TWN", "Academia Sinica president 2006-16; personal spelling"),
    ("鄭文燦", "Cheng Wen-tsan", 1967, "TWN", "Taoyuan mayor 2014-22; Wade-Giles"),
    ("林佳龍", "Lin Chia-lung", 1964, "TWN", "ROC foreign minister; Wade-Giles"),
    ("嚴家淦", "Yen Chia-kan", 1905, "TWN", "ROC president 1975-78; Wade-Giles"),
    ("陳冲", "Chen Chun", 1949, "TWN", "ROC premier 2012-13 (Sean Chen); Wade-Giles"),
    ("黃偉哲", "Huang Wei-che", 1963, "TWN", "Tainan mayor; Wade-Giles"),
    # Hong Kong: the Hong Kong Government Cantonese romanisation.
    ("梁錦松", "Leung Kam-chung", 1952, "CHN", "HK Financial Secretary 2001-03 (Antony Leung); HKSAR Government"),
    ("許仕仁", "Hui Si-yan", 1948, "CHN", "HK Chief Secretary 2005-07 (Rafael Hui); HKSAR Government"),
    ("梁愛詩", "Leung Oi-sie", 1939, "CHN", "HK Secretary for Justice 1997-2005 (Elsie Leung); HKSAR Government"),
    ("梁君彥", "Leung Kwan-yuen", 1951, "CHN", "LegCo president (Andrew Leung); Legislative Council"),
    ("張建宗", "Cheung Kin-chung", 1950, "CHN", "HK Chief Secretary 2018-21 (Matthew Cheung); HKSAR Government"),
    ("鄭若驊", "Cheng Yeuk-wah", 1958, "CHN", "HK Secretary for Justice 2018-22 (Teresa Cheng); HKSAR Government"),
    ("陳國基", "Chan Kwok-ki", 1959, "CHN", "HK Chief Secretary (Eric Chan); HKSAR Government"),
    ("鄧炳強", "Tang Ping-keung", 1965, "CHN", "HK Secretary for Security (Chris Tang); HKSAR Government"),
    ("李澤楷", "Li Tzar-kai", 1966, "CHN", "PCCW chairman (Richard Li); personal spelling, company filings"),
    ("劉德華", "Lau Tak-wah", 1961, "CHN", "HK actor (Andy Lau); press"),
    ("戴耀廷", "Tai Yiu-ting", 1964, "CHN", "law scholar (Benny Tai); press"),
    ("鄭裕彤", "Cheng Yu-tung", 1925, "CHN", "New World Development founder; company filings"),
    ("何超瓊", "Ho Chiu-king", 1962, "CHN", "Shun Tak chair (Pansy Ho); company filings"),
    # Macau: the Portuguese-based Cantonese spellings of the Macau SAR Government.
    ("黃少澤", "Wong Sio Chak", 1968, "CHN", "Macau Secretary for Security; Macau SAR Government"),
    ("陳海帆", "Chan Hoi Fan", 1967, "CHN", "Macau Secretary for Administration and Justice; Macau SAR Government"),
    ("梁維特", "Leong Vai Tac", 1963, "CHN", "Macau Secretary for Economy and Finance 2014-19; Macau SAR Government"),
    ("譚俊榮", "Tam Chon Weng", 1969, "CHN", "Macau Secretary for Social Affairs 2014-19; Macau SAR Government"),
    # Singapore: dialect spellings, as the Parliament of Singapore prints them.
    ("林文兴", "Lim Boon Heng", 1947, "SGP", "Singapore minister; Hokkien, Parliament of Singapore"),
    ("黄根成", "Wong Kan Seng", 1946, "SGP", "Singapore deputy PM 2005-11; Cantonese, Parliament of Singapore"),
    ("马宝山", "Mah Bow Tan", 1948, "SGP", "Singapore minister; Hainanese, Parliament of Singapore"),
    ("姚照东", "Yeo Cheow Tong", 1947, "SGP", "Singapore minister; Hokkien/Teochew, Parliament of Singapore"),
    ("林瑞生", "Lim Swee Say", 1954, "SGP", "Singapore minister; Hokkien, Parliament of Singapore"),
    ("王乙康", "Ong Ye Kung", 1969, "SGP", "Singapore health minister; Hokkien, Parliament of Singapore"),
    # Malaysia: as the Dewan Rakyat, the party or the press print them.
    ("翁诗杰", "Ong Tee Keat", 1956, "MYS", "MCA president 2008-10; Hokkien, Dewan Rakyat"),
    ("林良实", "Ling Liong Sik", 1943, "MYS", "MCA president 1986-2003; Foochow, Dewan Rakyat"),
    ("李三春", "Lee San Choon", 1935, "MYS", "MCA president 1975-83; Hakka/Cantonese, Dewan Rakyat"),
    ("陈修信", "Tan Siew Sin", 1916, "MYS", "Malaysian finance minister 1959-74; Hokkien, Dewan Rakyat"),
    ("郭素沁", "Kok Suh Sim", 1964, "MYS", "Malaysian minister (Teresa Kok); Cantonese, Dewan Rakyat"),
    ("林敬益", "Lim Keng Yaik", 1939, "MYS", "Gerakan president 1980-2007; Hokkien, Dewan Rakyat"),
    ("曹观友", "Chow Kon Yeow", 1958, "MYS", "Penang chief minister; Cantonese, Dewan Rakyat"),
)
