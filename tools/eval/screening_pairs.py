"""Hand-built cross-script name pairs for the screening evaluation (``tools/eval/screening_scripts.py``).

The lists in ``../shared/data/sanctions`` carry original-script names for Arabic and Cyrillic only (the
UN's ``NAME_ORIGINAL_SCRIPT``). For the other scripts the pairs below were written for this evaluation,
before any rule was tuned, and none of them was used to tune anything:

- ``LISTED_KOREAN``: UN-listed DPRK individuals (the list prints McCune-Reischauer only) with their
  names in Hangul as written by us from that romanisation; they check the reading conventions on the
  real entries, not against an independent source.
- ``PUBLIC_FIGURES``: well-known people with their native-script name and the Latin spelling the
  press uses. They are not on any list: the evaluation adds them as a test list "EVAL public
  figures" and screens the native-script names against it. Some use a romanisation other than the
  one the reading follows (Wade-Giles, Cantonese, personal spellings): they stay in, as misses.
"""

from __future__ import annotations

LISTED_KOREAN: tuple[tuple[str, str], ...] = (
    ("KPi.001", "윤호진"), ("KPi.002", "리제선"), ("KPi.006", "백창호"), ("KPi.009", "김광일"),
    ("KPi.013", "최춘식"), ("KPi.014", "최성일"), ("KPi.015", "현광일"), ("KPi.016", "장범수"),
    ("KPi.017", "장영선"), ("KPi.018", "전명국"), ("KPi.019", "강문길"), ("KPi.020", "강룡"),
    ("KPi.022", "김규"), ("KPi.024", "김영철"), ("KPi.025", "고태훈"), ("KPi.026", "리만건"),
    ("KPi.027", "류진"), ("KPi.029", "박춘일"), ("KPi.030", "김성철"),
)

# (script label, native-script name, usual Latin spelling)
PUBLIC_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("Korean", "김정은", "Kim Jong Un"), ("Korean", "김여정", "Kim Yo Jong"), ("Korean", "문재인", "Moon Jae-in"),
    ("Korean", "윤석열", "Yoon Suk-yeol"), ("Korean", "이재명", "Lee Jae-myung"), ("Korean", "박근혜", "Park Geun-hye"),
    ("Korean", "반기문", "Ban Ki-moon"), ("Korean", "이명박", "Lee Myung-bak"), ("Korean", "노무현", "Roh Moo-hyun"),
    ("Korean", "김대중", "Kim Dae-jung"),
    ("Chinese", "习近平", "Xi Jinping"), ("Chinese", "李克强", "Li Keqiang"), ("Chinese", "胡锦涛", "Hu Jintao"),
    ("Chinese", "温家宝", "Wen Jiabao"), ("Chinese", "江泽民", "Jiang Zemin"), ("Chinese", "王毅", "Wang Yi"),
    ("Chinese", "毛泽东", "Mao Zedong"), ("Chinese", "邓小平", "Deng Xiaoping"), ("Chinese", "周恩来", "Zhou Enlai"),
    ("Chinese", "王岐山", "Wang Qishan"), ("Chinese", "赵乐际", "Zhao Leji"), ("Chinese", "蔡英文", "Tsai Ing-wen"),
    ("Chinese", "马英九", "Ma Ying-jeou"), ("Chinese", "李嘉诚", "Li Ka-shing"),
    ("Japanese (kana)", "あべ しんぞう", "Abe Shinzo"), ("Japanese (kana)", "きしだ ふみお", "Kishida Fumio"),
    ("Japanese (kana)", "すが よしひで", "Suga Yoshihide"),
    ("Japanese (kana)", "こいずみ じゅんいちろう", "Koizumi Junichiro"),
    ("Japanese (kana)", "いしば しげる", "Ishiba Shigeru"), ("Japanese (kana)", "あさはら しょうこう", "Asahara Shoko"),
    ("Japanese (kana)", "むらかみ はるき", "Murakami Haruki"), ("Japanese (kana)", "つかさ しのぶ", "Tsukasa Shinobu"),
    ("Japanese (kana)", "たかやま きよし", "Takayama Kiyoshi"), ("Japanese (kana)", "のだ よしひこ", "Noda Yoshihiko"),
    ("Japanese (kanji)", "安倍 晋三", "Abe Shinzo"), ("Japanese (kanji)", "岸田 文雄", "Kishida Fumio"),
    ("Japanese (kanji)", "麻原 彰晃", "Asahara Shoko"), ("Japanese (kanji)", "村上 春樹", "Murakami Haruki"),
    ("Hebrew", "בנימין נתניהו", "Benjamin Netanyahu"), ("Hebrew", "יצחק רבין", "Yitzhak Rabin"),
    ("Hebrew", "שמעון פרס", "Shimon Peres"), ("Hebrew", "אריאל שרון", "Ariel Sharon"),
    ("Hebrew", "גולדה מאיר", "Golda Meir"), ("Hebrew", "משה דיין", "Moshe Dayan"),
    ("Hebrew", "מנחם בגין", "Menachem Begin"), ("Hebrew", "אהוד ברק", "Ehud Barak"),
    ("Hebrew", "יאיר לפיד", "Yair Lapid"),
    ("Hebrew", "נפתלי בנט", "Naftali Bennett"), ("Hebrew", "דוד בן גוריון", "David Ben-Gurion"),
    ("Hebrew", "ראובן ריבלין", "Reuven Rivlin"), ("Hebrew", "אהוד אולמרט", "Ehud Olmert"),
    ("Hebrew", "בני גנץ", "Benny Gantz"), ("Hebrew", "אביגדור ליברמן", "Avigdor Lieberman"),
    ("Hebrew", "יואב גלנט", "Yoav Gallant"),
    ("Thai", "ทักษิณ ชินวัตร", "Thaksin Shinawatra"), ("Thai", "ยิ่งลักษณ์ ชินวัตร", "Yingluck Shinawatra"),
    ("Thai", "ประยุทธ์ จันทร์โอชา", "Prayut Chan-o-cha"), ("Thai", "อภิสิทธิ์ เวชชาชีวะ", "Abhisit Vejjajiva"),
    ("Thai", "เศรษฐา ทวีสิน", "Srettha Thavisin"), ("Thai", "แพทองธาร ชินวัตร", "Paetongtarn Shinawatra"),
    ("Thai", "ชวน หลีกภัย", "Chuan Leekpai"), ("Thai", "อนุทิน ชาญวีรกูล", "Anutin Charnvirakul"),
    ("Thai", "ประวิตร วงษ์สุวรรณ", "Prawit Wongsuwan"), ("Thai", "สุเทพ เทือกสุบรรณ", "Suthep Thaugsuban"),
    ("Greek", "Αλέξης Τσίπρας", "Alexis Tsipras"), ("Greek", "Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis"),
    ("Greek", "Γιάνης Βαρουφάκης", "Yanis Varoufakis"), ("Greek", "Ανδρέας Παπανδρέου", "Andreas Papandreou"),
    ("Greek", "Κωνσταντίνος Καραμανλής", "Konstantinos Karamanlis"), ("Greek", "Αντώνης Σαμαράς", "Antonis Samaras"),
    ("Greek", "Νίκος Αναστασιάδης", "Nicos Anastasiades"), ("Greek", "Μελίνα Μερκούρη", "Melina Mercouri"),
    ("Greek", "Ευάγγελος Βενιζέλος", "Evangelos Venizelos"),
)

# Ordinary names: faker locales whose names come in their own script, and Latin-script locales as
# the baseline (label, locale, nationality alpha-3).
NATIVE_LOCALES: tuple[tuple[str, str, str], ...] = (
    ("Arabic", "ar_AA", "EGY"), ("Arabic", "ar_SA", "SAU"), ("Arabic (Persian)", "fa_IR", "IRN"),
    ("Hebrew", "he_IL", "ISR"), ("Korean", "ko_KR", "KOR"), ("Japanese", "ja_JP", "JPN"),
    ("Chinese", "zh_CN", "CHN"), ("Chinese", "zh_TW", "TWN"), ("Thai", "th_TH", "THA"),
    ("Greek", "el_GR", "GRC"), ("Cyrillic", "ru_RU", "RUS"), ("Cyrillic", "uk_UA", "UKR"),
)
LATIN_LOCALES: tuple[tuple[str, str, str], ...] = (
    ("Latin", "en_US", "USA"), ("Latin", "de_DE", "DEU"), ("Latin", "fr_FR", "FRA"), ("Latin", "es_MX", "MEX"),
    ("Latin", "tr_TR", "TUR"), ("Latin", "en_PK", "PAK"), ("Latin", "id_ID", "IDN"), ("Latin", "vi_VN", "VNM"),
    ("Latin", "ha_NG", "NGA"), ("Latin", "pl_PL", "POL"),
)
