"""Fourth fresh held-out cross-script name pairs: a sixth set, Chinese only, with each person's birth year
and nationality, written after every Chinese rule so far (the last: the Gwoyeu Romatzyh and Macau
readings) and committed before it was screened for the first time; screened once with the rules of
that moment, unchanged, and used only to report (``tools/eval/screening_scripts.py``), never to choose
a rule or a threshold; its misses are not read.

Why a sixth set: the third fresh held-out set (``screening_fifth``, 62 people) is the only Chinese set
never used to choose a rule, and 62 people is a small sample; a second clean set, screened with the
rules unchanged, gives the clean figure a second sample whatever it shows. None of the people below is
in ``screening_pairs``, ``screening_heldout``, ``screening_fresh``, ``screening_fourth``,
``screening_fifth`` or ``screening_hanja`` (neither the native name nor the Latin spelling;
``tests/unit/screening/test_pair_sets.py`` checks it).

Who and which spelling, as in ``screening_fifth``: public figures, the native-script name as their
government or press writes it (simplified characters in the mainland, Singapore and Malaysia,
traditional ones in Taiwan, Hong Kong and Macau and for scientists who left China before 1949), and
the Latin spelling their passport, office or the English-language press prints, spread over mainland
Hanyu Pinyin (two compound family names among them, 欧阳 and 令狐), Taiwanese Wade-Giles and personal
spellings, the Hong Kong Government Cantonese romanisation (a compound family name 司徒 "Szeto" and a
Shanghainese spelling among them), Macau's Portuguese-based Cantonese spellings, the Hokkien,
Teochew, Cantonese and Foochow spellings of Singapore and Malaysia, and overseas
Chinese whose own settled spelling the press prints. Birth year and passport nationality (ISO 3166
alpha-3; Hong Kong and Macau people hold Chinese nationality; a person who changed it has the later
one) as a list entry and a document would give them; the evaluation puts the same year on the listed
entry and the query, so a year off by one would not change a figure. Written from public knowledge (no
network on this machine), not copied from a list file; people whose spelling, birth year or
nationality was not sure here were left out.
"""

from __future__ import annotations

# (native-script name, Latin spelling as printed, birth year, nationality, who / whose spelling)
SIXTH_FIGURES: tuple[tuple[str, str, int, str, str], ...] = (
    # Mainland China: Hanyu Pinyin, as Xinhua, the PRC government or the company print it.
    ("刘少奇", "Liu Shaoqi", 1898, "CHN", "PRC chairman 1959-68; Xinhua"),
    ("朱德", "Zhu De", 1886, "CHN", "PLA founder, NPC chairman 1959-76; Xinhua"),
    ("华国锋", "Hua Guofeng", 1921, "CHN", "CPC chairman 1976-81; Xinhua"),
    ("杨尚昆", "Yang Shangkun", 1907, "CHN", "PRC president 1988-93; Xinhua"),
    ("陈云", "Chen Yun", 1905, "CHN", "CPC elder, Central Advisory Commission chairman; Xinhua"),
    ("曾庆红", "Zeng Qinghong", 1939, "CHN", "PRC vice-president 2003-08; Xinhua"),
    ("李长春", "Li Changchun", 1944, "CHN", "CPC Politburo Standing Committee 2002-12; Xinhua"),
    ("汪洋", "Wang Yang", 1955, "CHN", "CPPCC chairman 2018-23; Xinhua"),
    ("栗战书", "Li Zhanshu", 1950, "CHN", "NPC chairman 2018-23; Xinhua"),
    ("杨洁篪", "Yang Jiechi", 1950, "CHN", "PRC foreign minister 2007-13; Xinhua"),
    ("钱其琛", "Qian Qichen", 1928, "CHN", "PRC foreign minister 1988-98; Xinhua"),
    ("董明珠", "Dong Mingzhu", 1954, "CHN", "Gree Electric chair; company filings"),
    ("雷军", "Lei Jun", 1969, "CHN", "Xiaomi founder; company filings"),
    ("屠呦呦", "Tu Youyou", 1930, "CHN", "Nobel laureate in medicine 2015; Xinhua"),
    ("艾未未", "Ai Weiwei", 1957, "CHN", "artist; press"),
    ("欧阳自远", "Ouyang Ziyuan", 1935, "CHN", "lunar programme chief scientist; compound family name"),
    ("令狐安", "Linghu An", 1946, "CHN", "Yunnan party secretary 1997-2001; compound family name"),
    # Taiwan: Wade-Giles and personal spellings, as the Executive Yuan, the person or the press print them.
    ("孫運璿", "Sun Yun-suan", 1913, "TWN", "ROC premier 1978-84; Executive Yuan"),
    ("俞國華", "Yu Kuo-hwa", 1914, "TWN", "ROC premier 1984-89; personal spelling, Executive Yuan"),
    ("蕭萬長", "Siew Wan-chang", 1939, "TWN", "ROC vice-president 2008-12 (Vincent Siew); personal spelling"),
    ("唐飛", "Tang Fei", 1932, "TWN", "ROC premier 2000; Executive Yuan"),
    ("張俊雄", "Chang Chun-hsiung", 1938, "TWN", "ROC premier 2000-02, 2007-08; Wade-Giles"),
    ("劉兆玄", "Liu Chao-shiuan", 1943, "TWN", "ROC premier 2008-09; personal spelling, Executive Yuan"),
    ("洪秀柱", "Hung Hsiu-chu", 1948, "TWN", "KMT chairwoman 2015-17; Wade-Giles"),
    ("陳其邁", "Chen Chi-mai", 1964, "TWN", "Kaohsiung mayor; Wade-Giles"),
    ("彭明敏", "Peng Ming-min", 1923, "TWN", "DPP presidential candidate 1996; Wade-Giles"),
    ("周杰倫", "Chou Chieh-lun", 1979, "TWN", "singer (Jay Chou); Wade-Giles"),
    ("戴資穎", "Tai Tzu-ying", 1994, "TWN", "badminton player; Wade-Giles"),
    ("辜振甫", "Koo Chen-fu", 1917, "TWN", "Straits Exchange Foundation chairman; Hokkien family name"),
    ("蔡衍明", "Tsai Eng-meng", 1957, "TWN", "Want Want founder; personal spelling, company filings"),
    # Hong Kong: the Hong Kong Government Cantonese romanisation, as the HKSAR Government, the
    # Legislative Council or the person print it.
    ("司徒華", "Szeto Wah", 1931, "CHN", "HK Alliance founder; compound family name, Legislative Council"),
    ("李鵬飛", "Lee Peng-fei", 1940, "CHN", "Liberal Party founder (Allen Lee); Legislative Council"),
    ("田北俊", "Tien Pei-chun", 1947, "CHN", "Liberal Party chairman (James Tien); Mandarin spelling"),
    ("劉慧卿", "Lau Wai-hing", 1952, "CHN", "Democratic Party chair (Emily Lau); Legislative Council"),
    ("梁國雄", "Leung Kwok-hung", 1956, "CHN", "legislator 2004-16 ('Long Hair'); Legislative Council"),
    ("吳靄儀", "Ng Ngoi-yee", 1948, "CHN", "legislator 1995-2012 (Margaret Ng); Legislative Council"),
    ("何俊仁", "Ho Chun-yan", 1951, "CHN", "Democratic Party chairman (Albert Ho); Legislative Council"),
    ("陳日君", "Zen Ze-kiun", 1932, "CHN", "Cardinal, bishop of Hong Kong 2002-09 (Joseph Zen); Shanghainese"),
    ("譚耀宗", "Tam Yiu-chung", 1949, "CHN", "DAB chairman 2003-07; Legislative Council"),
    ("呂志和", "Lui Che-woo", 1929, "CHN", "Galaxy Entertainment founder; company filings"),
    ("梁朝偉", "Leung Chiu-wai", 1962, "CHN", "HK actor (Tony Leung); press"),
    ("周星馳", "Chow Sing-chi", 1962, "CHN", "HK actor and director (Stephen Chow); press"),
    # Macau: the Portuguese-based Cantonese spellings of the Macau SAR Government and the press.
    ("馬萬祺", "Ma Man Kei", 1919, "CHN", "Macau businessman, CPPCC vice-chairman; Macau SAR Government"),
    ("曹其真", "Chou Kei Jan", 1941, "CHN", "Macau Legislative Assembly president 1999-2009 (Susana Chou)"),
    ("歐文龍", "Ao Man Long", 1957, "CHN", "Macau Secretary for Transport and Public Works 1999-2006"),
    ("蘇嘉豪", "Sou Ka Hou", 1991, "CHN", "Macau legislator (Sulu Sou); Legislative Assembly"),
    # Singapore: dialect spellings, as the Prime Minister's Office and the Parliament of Singapore print them.
    ("杜进才", "Toh Chin Chye", 1921, "SGP", "Singapore deputy PM 1959-68; Hokkien/Teochew"),
    ("林金山", "Lim Kim San", 1916, "SGP", "Singapore minister; Hokkien, Parliament of Singapore"),
    ("韩瑞生", "Hon Sui Sen", 1916, "SGP", "Singapore finance minister 1970-83; Cantonese"),
    ("王邦文", "Ong Pang Boon", 1929, "SGP", "Singapore minister; Hokkien/Teochew, Parliament of Singapore"),
    ("黄金辉", "Wee Kim Wee", 1915, "SGP", "Singapore president 1985-93; Hokkien"),
    ("何晶", "Ho Ching", 1953, "SGP", "Temasek Holdings CEO 2004-21; Temasek"),
    ("刘程强", "Low Thia Khiang", 1956, "SGP", "Workers' Party secretary-general 2001-18; Teochew"),
    ("徐顺全", "Chee Soon Juan", 1962, "SGP", "SDP secretary-general; Hokkien"),
    ("詹时中", "Chiam See Tong", 1935, "SGP", "SDP founder, MP 1984-2011; Hokkien, Parliament of Singapore"),
    ("傅海燕", "Fu Hai Yien", 1964, "SGP", "Singapore minister (Grace Fu); Parliament of Singapore"),
    # Malaysia: as the Dewan Rakyat, the party, the company or the press print them.
    ("陈祯禄", "Tan Cheng Lock", 1883, "MYS", "MCA founder; Hokkien"),
    ("林苍祐", "Lim Chong Eu", 1919, "MYS", "Penang chief minister 1969-90; Hokkien"),
    ("许子根", "Koh Tsu Koon", 1949, "MYS", "Penang chief minister 1990-2008; Hokkien family name, Dewan Rakyat"),
    ("林梧桐", "Lim Goh Tong", 1918, "MYS", "Genting founder; Hokkien, company filings"),
    ("李宗伟", "Lee Chong Wei", 1982, "MYS", "badminton player; press"),
    ("杨紫琼", "Yeoh Choo Kheng", 1962, "MYS", "actress (Michelle Yeoh); Hokkien"),
    ("张念群", "Teo Nie Ching", 1981, "MYS", "Malaysian deputy minister; Teochew, Dewan Rakyat"),
    ("杨美盈", "Yeoh Tseow Suan", 1979, "MYS", "Malaysian minister (Hannah Yeoh); Hokkien, Dewan Rakyat"),
    ("张晓卿", "Tiong Hiew King", 1935, "MYS", "Rimbunan Hijau founder; Foochow, company filings"),
    ("陈志远", "Tan Chee Yioun", 1952, "MYS", "Berjaya founder (Vincent Tan); Hokkien, company filings"),
    # Overseas Chinese: the person's own settled spelling, as the press and their institutions print it.
    ("陳省身", "Chern Shiing-shen", 1911, "USA", "mathematician; personal (Gwoyeu Romatzyh) spelling"),
    ("貝聿銘", "Pei Ieoh Ming", 1917, "USA", "architect (I. M. Pei); personal spelling"),
    ("杨振宁", "Yang Chen-ning", 1922, "CHN", "Nobel physicist; Wade-Giles; Chinese nationality since 2015"),
    ("钱学森", "Tsien Hsue-shen", 1911, "CHN", "rocket scientist (Qian Xuesen); personal spelling"),
)
