"""Fresh held-out cross-script name pairs: a third set, written before the second round of rules for
Chinese, Thai, Hebrew and Japanese kanji, screened once with the rules of that moment and then used
only to report (``tools/eval/screening_scripts.py``), never to choose a rule or a threshold.

Why a third set: the misses of the first held-out set (``screening_heldout``) were printed while the
first round of rules was written, so that set no longer measures rules written after it fairly.
None of the people below is in ``screening_pairs`` or ``screening_heldout``.

Who and which spelling: public figures, the native-script name as their own government or press
writes it, and the Latin spelling their passport, office or the English-language press prints
(Taiwanese Wade-Giles and personal spellings, Hong Kong Cantonese, the Hokkien / Teochew / Hakka /
Cantonese surnames of Singapore and Malaysia, Thai personal spellings, translated or traditional
Hebrew first names, Japanese family name first as the Japanese government writes it since 2020).
The last field says who the person is and whose spelling it is. The set was written from public
knowledge of these names (no network on this machine), not copied from a list file.
"""

from __future__ import annotations

# (script label, native-script name, Latin spelling as printed, who / whose spelling)
FRESH_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    # Mainland China: Hanyu Pinyin, as Xinhua and the PRC government print them.
    ("Chinese", "李强", "Li Qiang", "PRC premier; Xinhua"),
    ("Chinese", "王沪宁", "Wang Huning", "CPPCC chairman; Xinhua"),
    ("Chinese", "丁薛祥", "Ding Xuexiang", "PRC vice-premier; Xinhua"),
    ("Chinese", "朱镕基", "Zhu Rongji", "PRC premier 1998-2003; Xinhua"),
    ("Chinese", "刘鹤", "Liu He", "PRC vice-premier 2018-23; Xinhua"),
    # Taiwan: Wade-Giles and personal spellings, as the Presidential Office / Executive Yuan print them.
    ("Chinese", "侯友宜", "Hou Yu-ih", "New Taipei mayor; personal spelling, New Taipei City Government"),
    ("Chinese", "蕭美琴", "Hsiao Bi-khim", "ROC vice-president; Hokkien given name, Presidential Office"),
    ("Chinese", "蘇貞昌", "Su Tseng-chang", "ROC premier; Wade-Giles, Executive Yuan"),
    ("Chinese", "游錫堃", "Yu Shyi-kun", "Legislative Yuan president; personal spelling"),
    ("Chinese", "呂秀蓮", "Lu Hsiu-lien", "ROC vice-president 2000-08 (Annette Lu); Wade-Giles"),
    ("Chinese", "王金平", "Wang Jin-pyng", "Legislative Yuan president 1999-2016; personal spelling"),
    ("Chinese", "卓榮泰", "Cho Jung-tai", "ROC premier; Wade-Giles, Executive Yuan"),
    # Hong Kong: the Hong Kong Government Cantonese romanisation, as the HKSAR Government prints it.
    ("Chinese", "林鄭月娥", "Lam Cheng Yuet-ngor", "HK Chief Executive 2017-22 (Carrie Lam); HKSAR Government"),
    ("Chinese", "曾俊華", "Tsang Chun-wah", "HK Financial Secretary 2007-17 (John Tsang); HKSAR Government"),
    ("Chinese", "唐英年", "Tang Ying-yen", "HK Chief Secretary 2007-11 (Henry Tang); HKSAR Government"),
    ("Chinese", "李兆基", "Lee Shau-kee", "Henderson Land founder; company filings"),
    ("Chinese", "霍英東", "Fok Ying-tung", "HK businessman (Henry Fok); press"),
    ("Chinese", "周潤發", "Chow Yun-fat", "HK actor; press"),
    # Singapore and Malaysia: dialect surnames with dialect or Wade-Giles given names, as their
    # governments and parliaments print them.
    ("Chinese", "李显龙", "Lee Hsien Loong", "Singapore PM 2004-24; Prime Minister's Office Singapore"),
    ("Chinese", "吴作栋", "Goh Chok Tong", "Singapore PM 1990-2004; Hokkien/Teochew surname"),
    ("Chinese", "陈庆炎", "Tan Keng Yam", "Singapore president 2011-17 (Tony Tan); Hokkien"),
    ("Chinese", "林勋强", "Lim Hng Kiang", "Singapore minister; Hokkien, Parliament of Singapore"),
    ("Chinese", "黄永宏", "Ng Eng Hen", "Singapore defence minister; Hokkien, Parliament of Singapore"),
    ("Chinese", "王瑞杰", "Heng Swee Keat", "Singapore deputy PM; Teochew, Parliament of Singapore"),
    ("Chinese", "张志贤", "Teo Chee Hean", "Singapore deputy PM; Teochew, Parliament of Singapore"),
    ("Chinese", "杨荣文", "Yeo Yong Boon", "Singapore foreign minister 2004-11 (George Yeo); Hokkien"),
    ("Chinese", "许文远", "Khaw Boon Wan", "Singapore minister; Hokkien, Parliament of Singapore"),
    ("Chinese", "林吉祥", "Lim Kit Siang", "Malaysian opposition leader; Hokkien, Dewan Rakyat"),
    ("Chinese", "林冠英", "Lim Guan Eng", "Malaysian finance minister 2018-20; Hokkien, Dewan Rakyat"),
    ("Chinese", "魏家祥", "Wee Ka Siong", "Malaysian transport minister 2020-22; Hokkien, Dewan Rakyat"),
    ("Chinese", "郭鹤年", "Kuok Hock Nien", "Malaysian businessman (Robert Kuok); Hokkien, company filings"),
    # Thailand: personal spellings as their office, the Royal Gazette's English texts or the press print them.
    ("Thai", "สฤษดิ์ ธนะรัชต์", "Sarit Thanarat", "Thai PM 1959-63; press"),
    ("Thai", "ปรีดี พนมยงค์", "Pridi Banomyong", "Thai PM 1946; Pridi Banomyong Institute"),
    ("Thai", "แปลก พิบูลสงคราม", "Plaek Phibunsongkhram", "Thai PM 1938-44, 1948-57; press"),
    ("Thai", "เกรียงศักดิ์ ชมะนันทน์", "Kriangsak Chamanan", "Thai PM 1977-80; press"),
    ("Thai", "ธานินทร์ กรัยวิเชียร", "Thanin Kraivichien", "Thai PM 1976-77; press"),
    ("Thai", "สุจินดา คราประยูร", "Suchinda Kraprayoon", "Thai PM 1992; press"),
    ("Thai", "คึกฤทธิ์ ปราโมช", "Kukrit Pramoj", "Thai PM 1975-76; press"),
    ("Thai", "เสนีย์ ปราโมช", "Seni Pramoj", "Thai PM 1945-46, 1975, 1976; press"),
    ("Thai", "สุรินทร์ พิศสุวรรณ", "Surin Pitsuwan", "ASEAN Secretary-General 2008-12; ASEAN"),
    ("Thai", "กรณ์ จาติกวณิช", "Korn Chatikavanij", "Thai finance minister 2008-11; press"),
    ("Thai", "ชัชชาติ สิทธิพันธุ์", "Chadchart Sittipunt", "Bangkok governor; Bangkok Metropolitan Administration"),
    ("Thai", "เนวิน ชิดชอบ", "Newin Chidchob", "Thai politician; press"),
    ("Thai", "ศุภชัย พานิชภักดิ์", "Supachai Panitchpakdi", "WTO Director-General 2002-05; WTO"),
    ("Thai", "วิษณุ เครืองาม", "Wissanu Krea-ngam", "Thai deputy PM; Thai Government"),
    ("Thai", "สมคิด จาตุศรีพิทักษ์", "Somkid Jatusripitak", "Thai deputy PM; Thai Government"),
    ("Thai", "ดอน ปรมัตถ์วินัย", "Don Pramudwinai", "Thai foreign minister 2015-23; Ministry of Foreign Affairs"),
    ("Thai", "อนุพงษ์ เผ่าจินดา", "Anupong Paochinda", "Thai interior minister; Thai Government"),
    ("Thai", "ประภาส จารุเสถียร", "Praphas Charusathien", "Thai deputy PM 1963-73; press"),
    ("Thai", "จตุพร พรหมพันธุ์", "Jatuporn Prompan", "UDD leader; press"),
    ("Thai", "ปานปรีย์ พหิทธานุกร", "Parnpree Bahiddha-nukara", "Thai foreign minister 2023-24; MFA"),
    # Israel: as the Knesset, the President's or the Prime Minister's Office print them in English.
    ("Hebrew", "יצחק נבון", "Yitzhak Navon", "President of Israel 1978-83; Knesset"),
    ("Hebrew", "זלמן שזר", "Zalman Shazar", "President of Israel 1963-73; Knesset"),
    ("Hebrew", "אפרים קציר", "Ephraim Katzir", "President of Israel 1973-78; Knesset"),
    ("Hebrew", "עזר ויצמן", "Ezer Weizman", "President of Israel 1993-2000; Knesset"),
    ("Hebrew", "משה שרת", "Moshe Sharett", "Prime Minister of Israel 1954-55; Knesset"),
    ("Hebrew", "אבא אבן", "Abba Eban", "Israeli foreign minister 1966-74; Knesset"),
    ("Hebrew", "יגאל אלון", "Yigal Allon", "Israeli deputy PM; Knesset"),
    ("Hebrew", "מאיר כהנא", "Meir Kahane", "Kach founder (Kach is US-designated); press"),
    ("Hebrew", "ברוך גולדשטיין", "Baruch Goldstein", "Hebron massacre perpetrator 1994; press"),
    ("Hebrew", "ציפי לבני", "Tzipi Livni", "Israeli foreign minister 2006-09; Knesset"),
    ("Hebrew", "משה יעלון", "Moshe Ya'alon", "Israeli defence minister 2013-16; Knesset"),
    ("Hebrew", "גבי אשכנזי", "Gabi Ashkenazi", "IDF Chief of Staff 2007-11; Knesset"),
    ("Hebrew", "אמיר אוחנה", "Amir Ohana", "Knesset Speaker; Knesset"),
    ("Hebrew", "יריב לוין", "Yariv Levin", "Israeli justice minister; Knesset"),
    ("Hebrew", "מירי רגב", "Miri Regev", "Israeli transport minister; Knesset"),
    ("Hebrew", "ישראל כץ", "Israel Katz", "Israeli defence minister; Knesset"),
    ("Hebrew", "רפאל איתן", "Rafael Eitan", "IDF Chief of Staff 1978-83; Knesset"),
    ("Hebrew", "נתן שרנסקי", "Natan Sharansky", "Jewish Agency chairman; Knesset"),
    ("Hebrew", "יהודה גליק", "Yehuda Glick", "Knesset member 2016-19; Knesset"),
    ("Hebrew", "שלמה קרעי", "Shlomo Karhi", "Israeli communications minister; Knesset"),
    # Japan: family name first, Hepburn as the Prime Minister's Office / Cabinet or the press print them.
    ("Japanese (kanji)", "中曽根康弘", "Nakasone Yasuhiro", "PM of Japan 1982-87; Kantei"),
    ("Japanese (kanji)", "竹下登", "Takeshita Noboru", "PM of Japan 1987-89; Kantei"),
    ("Japanese (kanji)", "宮沢喜一", "Miyazawa Kiichi", "PM of Japan 1991-93; Kantei"),
    ("Japanese (kanji)", "村山富市", "Murayama Tomiichi", "PM of Japan 1994-96; Kantei"),
    ("Japanese (kanji)", "細川護熙", "Hosokawa Morihiro", "PM of Japan 1993-94; Kantei"),
    ("Japanese (kanji)", "海部俊樹", "Kaifu Toshiki", "PM of Japan 1989-91; Kantei"),
    ("Japanese (kanji)", "羽田孜", "Hata Tsutomu", "PM of Japan 1994; Kantei"),
    ("Japanese (kanji)", "田中角栄", "Tanaka Kakuei", "PM of Japan 1972-74; Kantei"),
    ("Japanese (kanji)", "佐藤栄作", "Sato Eisaku", "PM of Japan 1964-72; Kantei"),
    ("Japanese (kanji)", "岸信介", "Kishi Nobusuke", "PM of Japan 1957-60; Kantei"),
    ("Japanese (kanji)", "吉田茂", "Yoshida Shigeru", "PM of Japan 1946-47, 1948-54; Kantei"),
    ("Japanese (kanji)", "小沢一郎", "Ozawa Ichiro", "House of Representatives member; press"),
    ("Japanese (kanji)", "小池百合子", "Koike Yuriko", "Governor of Tokyo; Tokyo Metropolitan Government"),
    ("Japanese (kanji)", "茂木敏充", "Motegi Toshimitsu", "Japanese foreign minister 2019-21; MOFA"),
    ("Japanese (kanji)", "林芳正", "Hayashi Yoshimasa", "Chief Cabinet Secretary; Kantei"),
    ("Japanese (kanji)", "上川陽子", "Kamikawa Yoko", "Japanese foreign minister 2023-24; MOFA"),
    ("Japanese (kanji)", "石原慎太郎", "Ishihara Shintaro", "Governor of Tokyo 1999-2012; press"),
    ("Japanese (kanji)", "大谷翔平", "Ohtani Shohei", "baseball player; his own (passport-style) spelling"),
    ("Japanese (kanji)", "孫正義", "Son Masayoshi", "SoftBank founder; SoftBank Group"),
    ("Japanese (kanji)", "柳井正", "Yanai Tadashi", "Fast Retailing founder; Fast Retailing"),
)
