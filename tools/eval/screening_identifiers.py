"""Birth years and nationalities of the public figures of the cross-script pairs, for screening them as the
product does: the document gives the person's birth date and nationality, and a real list gives the
listed person's (``tools/eval/screening_scripts.py`` puts these on the test list's entries and screens
each pair with them as well as by name alone).

Written from public knowledge (no network on this machine), for the Chinese pairs of the second fresh
held-out set (``screening_fourth``) and the Korean names in hanja (``screening_hanja``), after the rule
that uses them (``ml.screening.corroboration``) was written; no rule or threshold was chosen on them.
The Chinese pairs of the earlier sets (``screening_pairs``, ``screening_heldout``, ``screening_fresh``)
were given theirs later the same way, so that every Chinese set is screened as the product screens
(the fifth set, ``screening_fifth``, carries its own).
Nationality is the passport's (ISO 3166 alpha-3): Hong Kong and Macau people hold Chinese (CHN)
nationality; a person who changed it has the later one (Jensen Huang USA, Hwang Jang-yop ROK). Where
sources differ on the year by one (Kim Jong Il 1941/1942), either is within the year's tolerance
(``domain.screening_rules.EXACT_YEAR_TOLERANCE``).

The Hebrew pairs (``screening_pairs``, ``screening_heldout``, ``screening_fresh``) were given theirs the
same way, from public knowledge only where sure of both: every one an Israeli citizen (ISR; the
presidents, prime ministers, ministers and Knesset members among them had to be), with the birth year
of the public record. Four have a birth year only (nationality None): Ze'ev Jabotinsky (died 1940,
before Israeli nationality existed), Menachem Mendel Schneerson (lived in New York; his passport
nationality is not known here), Meir Kahane and Baruch Goldstein (born in the United States, US and
Israeli citizens both; which a document would show is not known here). The 47 were written after the
first try of the rarity rule on Hebrew matches, before any rule using them was chosen; the four
year-only ones after the first try with identifiers had shown Kahane missed without his.
"""

from __future__ import annotations

# native-script name -> (birth year, nationality or None when not known)
IDENTIFIERS: dict[str, tuple[int, str | None]] = {
    # second fresh held-out, Chinese
    "韩正": (1954, "CHN"), "蔡奇": (1955, "CHN"), "赵紫阳": (1919, "CHN"), "胡耀邦": (1915, "CHN"),
    "李鹏": (1928, "CHN"), "马云": (1964, "CHN"), "任正非": (1944, "CHN"),
    "謝長廷": (1946, "TWN"), "陳建仁": (1951, "TWN"), "蔣萬安": (1978, "TWN"), "朱立倫": (1961, "TWN"),
    "郝龍斌": (1952, "TWN"), "吳敦義": (1948, "TWN"), "吳釗燮": (1954, "TWN"), "施明德": (1941, "TWN"),
    "黃仁勳": (1963, "USA"), "盧秀燕": (1961, "TWN"),
    "陳方安生": (1940, "CHN"), "范徐麗泰": (1945, "CHN"), "葉劉淑儀": (1950, "CHN"), "陳茂波": (1955, "CHN"),
    "曾鈺成": (1947, "CHN"), "吳光正": (1946, "CHN"), "李柱銘": (1938, "CHN"),
    "何厚鏵": (1955, "CHN"), "崔世安": (1957, "CHN"), "賀一誠": (1957, "CHN"), "岑浩輝": (1962, "CHN"),
    "黄循财": (1972, "SGP"), "李光耀": (1923, "SGP"), "吴庆瑞": (1918, "SGP"), "王鼎昌": (1936, "SGP"),
    "陈振声": (1969, "SGP"), "颜金勇": (1959, "SGP"), "黄祖耀": (1929, "SGP"),
    "陈嘉庚": (1874, "CHN"), "黄家定": (1956, "MYS"), "蔡细历": (1947, "MYS"), "廖中莱": (1961, "MYS"),
    "陆兆福": (1977, "MYS"), "张庆信": (1961, "MYS"), "刘特佐": (1981, "MYS"), "杨忠礼": (1929, "MYS"),
    # hand-built, Chinese
    "习近平": (1953, "CHN"), "李克强": (1955, "CHN"), "胡锦涛": (1942, "CHN"), "温家宝": (1942, "CHN"),
    "江泽民": (1926, "CHN"), "王毅": (1953, "CHN"), "毛泽东": (1893, "CHN"), "邓小平": (1904, "CHN"),
    "周恩来": (1898, "CHN"), "王岐山": (1948, "CHN"), "赵乐际": (1957, "CHN"), "蔡英文": (1956, "TWN"),
    "马英九": (1950, "TWN"), "李嘉诚": (1928, "CHN"),
    # held-out, Chinese (Jimmy Lai holds British nationality)
    "蔣介石": (1887, "TWN"), "蔣經國": (1910, "TWN"), "李登輝": (1923, "TWN"), "陳水扁": (1950, "TWN"),
    "孫逸仙": (1866, "CHN"), "賴清德": (1959, "TWN"), "柯文哲": (1959, "TWN"), "韓國瑜": (1957, "TWN"),
    "連戰": (1936, "TWN"), "宋楚瑜": (1942, "TWN"), "董建華": (1937, "CHN"), "曾蔭權": (1944, "CHN"),
    "梁振英": (1954, "CHN"), "李家超": (1957, "CHN"), "黎智英": (1947, "GBR"), "黃之鋒": (1996, "CHN"),
    "何鴻燊": (1921, "CHN"),
    # fresh held-out, Chinese
    "李强": (1959, "CHN"), "王沪宁": (1955, "CHN"), "丁薛祥": (1962, "CHN"), "朱镕基": (1928, "CHN"),
    "刘鹤": (1952, "CHN"), "侯友宜": (1957, "TWN"), "蕭美琴": (1971, "TWN"), "蘇貞昌": (1947, "TWN"),
    "游錫堃": (1948, "TWN"), "呂秀蓮": (1944, "TWN"), "王金平": (1941, "TWN"), "卓榮泰": (1959, "TWN"),
    "林鄭月娥": (1957, "CHN"), "曾俊華": (1951, "CHN"), "唐英年": (1952, "CHN"), "李兆基": (1928, "CHN"),
    "霍英東": (1923, "CHN"), "周潤發": (1955, "CHN"), "李显龙": (1952, "SGP"), "吴作栋": (1941, "SGP"),
    "陈庆炎": (1940, "SGP"), "林勋强": (1954, "SGP"), "黄永宏": (1963, "SGP"), "王瑞杰": (1961, "SGP"),
    "张志贤": (1954, "SGP"), "杨荣文": (1954, "SGP"), "许文远": (1952, "SGP"), "林吉祥": (1941, "MYS"),
    "林冠英": (1960, "MYS"), "魏家祥": (1968, "MYS"), "郭鹤年": (1923, "MYS"),
    # Korean names in hanja
    "金日成": (1912, "PRK"), "金正日": (1941, "PRK"), "金正恩": (1984, "PRK"), "金與正": (1988, "PRK"),
    "金永南": (1928, "PRK"), "崔龍海": (1950, "PRK"), "朴奉珠": (1939, "PRK"), "張成澤": (1946, "PRK"),
    "李雪主": (1989, "PRK"), "黃長燁": (1923, "KOR"),
    "朴正熙": (1917, "KOR"), "全斗煥": (1931, "KOR"), "盧泰愚": (1932, "KOR"), "金泳三": (1927, "KOR"),
    "金大中": (1924, "KOR"), "盧武鉉": (1946, "KOR"), "李明博": (1941, "KOR"), "朴槿惠": (1952, "KOR"),
    "文在寅": (1953, "KOR"), "尹錫悅": (1960, "KOR"), "李在明": (1963, "KOR"), "崔圭夏": (1919, "KOR"),
    "尹潽善": (1897, "KOR"), "潘基文": (1944, "KOR"), "金鍾泌": (1926, "KOR"), "韓悳洙": (1949, "KOR"),
    "鄭周永": (1915, "KOR"), "李健熙": (1942, "KOR"), "李承晩": (1875, "KOR"), "柳寬順": (1902, "KOR"),
    # Hebrew, hand-built
    "בנימין נתניהו": (1949, "ISR"), "יצחק רבין": (1922, "ISR"), "שמעון פרס": (1923, "ISR"),
    "אריאל שרון": (1928, "ISR"), "גולדה מאיר": (1898, "ISR"), "משה דיין": (1915, "ISR"),
    "מנחם בגין": (1913, "ISR"), "אהוד ברק": (1942, "ISR"), "יאיר לפיד": (1963, "ISR"),
    "נפתלי בנט": (1972, "ISR"), "דוד בן גוריון": (1886, "ISR"), "ראובן ריבלין": (1939, "ISR"),
    "אהוד אולמרט": (1945, "ISR"), "בני גנץ": (1959, "ISR"), "אביגדור ליברמן": (1958, "ISR"),
    "יואב גלנט": (1958, "ISR"),
    # Hebrew, held-out
    "יצחק הרצוג": (1960, "ISR"), "שאול מופז": (1948, "ISR"), "עמיר פרץ": (1952, "ISR"),
    "איתמר בן גביר": (1976, "ISR"), "בצלאל סמוטריץ'": (1980, "ISR"), "גדעון סער": (1966, "ISR"),
    "יולי אדלשטיין": (1958, "ISR"), "חיים ויצמן": (1874, "ISR"), "לוי אשכול": (1895, "ISR"),
    "יצחק שמיר": (1915, "ISR"), "משה קצב": (1945, "ISR"), "אריה דרעי": (1959, "ISR"),
    "יעקב ליצמן": (1948, "ISR"),
    # Hebrew, fresh held-out
    "יצחק נבון": (1921, "ISR"), "זלמן שזר": (1889, "ISR"), "אפרים קציר": (1916, "ISR"),
    "עזר ויצמן": (1924, "ISR"), "משה שרת": (1894, "ISR"), "אבא אבן": (1915, "ISR"),
    "יגאל אלון": (1918, "ISR"), "ציפי לבני": (1958, "ISR"), "משה יעלון": (1950, "ISR"),
    "גבי אשכנזי": (1954, "ISR"), "אמיר אוחנה": (1976, "ISR"), "יריב לוין": (1969, "ISR"),
    "מירי רגב": (1965, "ISR"), "ישראל כץ": (1955, "ISR"), "רפאל איתן": (1929, "ISR"),
    "נתן שרנסקי": (1948, "ISR"), "יהודה גליק": (1965, "ISR"), "שלמה קרעי": (1981, "ISR"),
    # Hebrew, birth year only
    "זאב ז'בוטינסקי": (1880, None), "מנחם מנדל שניאורסון": (1902, None), "מאיר כהנא": (1932, None),
    "ברוך גולדשטיין": (1956, None),
}
