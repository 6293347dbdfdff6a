"""Second fresh held-out cross-script name pairs: a fourth set, Chinese and Thai only, written before
the third round of rules for those scripts, screened once with the rules of that moment and then used
only to report (``tools/eval/screening_scripts.py``), never to choose a rule or a threshold.

Why a fourth set: the misses of the fresh held-out set (``screening_fresh``) were printed after the
second round of rules, and one rule was chosen on them, so that set no longer measures later rules
fairly. None of the people below is in ``screening_pairs``, ``screening_heldout`` or ``screening_fresh``.

Who and which spelling: public figures, the native-script name as their own government or press
writes it, and the Latin spelling their passport, office or the English-language press prints, spread
over the conventions a customer's passport shows: mainland Hanyu Pinyin; Taiwanese Wade-Giles and
personal spellings (hyphenated, joined); the Hong Kong Government Cantonese romanisation, with the
married women's double family names; Macau's Portuguese-based Cantonese spellings; the Hokkien,
Teochew, Hakka, Cantonese and Foochow spellings of Singapore and Malaysia; Thai RTGS and the
letter-by-letter personal spellings of Sanskrit/Pali names. The last field says who the person is
and whose spelling it is. The set was written from public knowledge of these names (no network on
this machine), not copied from a list file.
"""

from __future__ import annotations

# (script label, native-script name, Latin spelling as printed, who / whose spelling)
FOURTH_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    # Mainland China: Hanyu Pinyin, as Xinhua, the PRC government or a PRC passport print them.
    ("Chinese", "韩正", "Han Zheng", "PRC vice-president; Xinhua"),
    ("Chinese", "蔡奇", "Cai Qi", "CPC Politburo Standing Committee; Xinhua"),
    ("Chinese", "赵紫阳", "Zhao Ziyang", "PRC premier 1980-87; Xinhua"),
    ("Chinese", "胡耀邦", "Hu Yaobang", "CPC general secretary 1982-87; Xinhua"),
    ("Chinese", "李鹏", "Li Peng", "PRC premier 1987-98; Xinhua"),
    ("Chinese", "马云", "Ma Yun", "Alibaba founder (Jack Ma); passport pinyin"),
    ("Chinese", "任正非", "Ren Zhengfei", "Huawei founder; Huawei"),
    # Taiwan: Wade-Giles and personal spellings, as the Presidential Office, MOFA or the person print them.
    ("Chinese", "謝長廷", "Hsieh Chang-ting", "ROC premier 2005-06 (Frank Hsieh); Wade-Giles, Executive Yuan"),
    ("Chinese", "陳建仁", "Chen Chien-jen", "ROC vice-president 2016-20, premier 2023-24; Presidential Office"),
    ("Chinese", "蔣萬安", "Chiang Wan-an", "Taipei mayor; Taipei City Government"),
    ("Chinese", "朱立倫", "Chu Li-luan", "KMT chairman (Eric Chu); Wade-Giles"),
    ("Chinese", "郝龍斌", "Hau Lung-pin", "Taipei mayor 2006-14; personal spelling"),
    ("Chinese", "吳敦義", "Wu Den-yih", "ROC vice-president 2012-16; personal spelling, Presidential Office"),
    ("Chinese", "吳釗燮", "Wu Jaushieh", "ROC foreign minister 2018-24 (Joseph Wu); given name joined, MOFA"),
    ("Chinese", "施明德", "Shih Ming-teh", "DPP chairman 1994-96; personal spelling"),
    ("Chinese", "黃仁勳", "Huang Jen-hsun", "NVIDIA founder (Jensen Huang); Wade-Giles, company filings"),
    ("Chinese", "盧秀燕", "Lu Shiow-yen", "Taichung mayor; personal spelling, Taichung City Government"),
    # Hong Kong: the Hong Kong Government Cantonese romanisation (a married woman's husband's family
    # name before her own), as the HKSAR Government prints it.
    ("Chinese", "陳方安生", "Chan Fang On-sang", "HK Chief Secretary 1997-2001 (Anson Chan); HKSAR Government"),
    ("Chinese", "范徐麗泰", "Fan Hsu Lai-tai", "LegCo president 1997-2008 (Rita Fan); Legislative Council"),
    ("Chinese", "葉劉淑儀", "Ip Lau Suk-yee", "Executive Council convenor (Regina Ip); Legislative Council"),
    ("Chinese", "陳茂波", "Chan Mo-po", "HK Financial Secretary (Paul Chan); HKSAR Government"),
    ("Chinese", "曾鈺成", "Tsang Yok-sing", "LegCo president 2008-16 (Jasper Tsang); Legislative Council"),
    ("Chinese", "吳光正", "Woo Kwong-ching", "Wharf chairman (Peter Woo); Shanghainese surname, company filings"),
    ("Chinese", "李柱銘", "Lee Chu-ming", "Democratic Party founder (Martin Lee); Legislative Council"),
    # Macau: the Portuguese-based Cantonese spellings of the Macau SAR Government.
    ("Chinese", "何厚鏵", "Ho Hau Wah", "Macau Chief Executive 1999-2009 (Edmund Ho); Macau SAR Government"),
    ("Chinese", "崔世安", "Chui Sai On", "Macau Chief Executive 2009-19 (Fernando Chui); Macau SAR Government"),
    ("Chinese", "賀一誠", "Ho Iat Seng", "Macau Chief Executive 2019-24; Macau SAR Government"),
    ("Chinese", "岑浩輝", "Sam Hou Fai", "Macau Chief Executive from 2024; Macau SAR Government"),
    # Singapore: dialect family names with dialect or Wade-Giles given names, as the Prime Minister's
    # Office and the Parliament of Singapore print them.
    ("Chinese", "黄循财", "Wong Shyun Tsai", "Singapore PM from 2024 (Lawrence Wong); Cantonese, PMO"),
    ("Chinese", "李光耀", "Lee Kuan Yew", "Singapore PM 1959-90; Hakka family, PMO"),
    ("Chinese", "吴庆瑞", "Goh Keng Swee", "Singapore deputy PM 1973-84; Hokkien/Teochew"),
    ("Chinese", "王鼎昌", "Ong Teng Cheong", "Singapore president 1993-99; Hokkien/Teochew"),
    ("Chinese", "陈振声", "Chan Chun Sing", "Singapore minister; Cantonese, Parliament of Singapore"),
    ("Chinese", "颜金勇", "Gan Kim Yong", "Singapore deputy PM; Hokkien, Parliament of Singapore"),
    ("Chinese", "黄祖耀", "Wee Cho Yaw", "UOB chairman emeritus; Hokkien, company filings"),
    # Malaysia: as the Dewan Rakyat, the party or the press print them.
    ("Chinese", "陈嘉庚", "Tan Kah Kee", "Singapore/Malaya businessman and philanthropist; Hokkien"),
    ("Chinese", "黄家定", "Ong Ka Ting", "MCA president 2003-08; Hokkien, Dewan Rakyat"),
    ("Chinese", "蔡细历", "Chua Soi Lek", "MCA president 2010-13; Hokkien, Dewan Rakyat"),
    ("Chinese", "廖中莱", "Liow Tiong Lai", "MCA president 2013-18; Hokkien, Dewan Rakyat"),
    ("Chinese", "陆兆福", "Loke Siew Fook", "Malaysian transport minister (Anthony Loke); Cantonese, Dewan Rakyat"),
    ("Chinese", "张庆信", "Tiong King Sing", "Malaysian tourism minister; Foochow, Dewan Rakyat"),
    ("Chinese", "刘特佐", "Low Taek Jho", "1MDB fugitive (Jho Low); Hokkien, US DOJ filings"),
    ("Chinese", "杨忠礼", "Yeoh Tiong Lay", "YTL Corporation founder; Hokkien, company filings"),
    # Thailand: RTGS and personal spellings as their office, the Royal Gazette's English texts or the
    # press print them.
    ("Thai", "พจน์ สารสิน", "Pote Sarasin", "Thai PM 1957; press"),
    ("Thai", "สัญญา ธรรมศักดิ์", "Sanya Dharmasakti", "Thai PM 1973-75; press"),
    ("Thai", "ควง อภัยวงศ์", "Khuang Aphaiwong", "Thai PM 1944-48; press"),
    ("Thai", "สุขุมพันธุ์ บริพัตร", "Sukhumbhand Paribatra", "Bangkok governor 2009-16; BMA"),
    ("Thai", "พิจิตต รัตตกุล", "Bhichit Rattakul", "Bangkok governor 1996-2000; BMA"),
    ("Thai", "อภิรักษ์ โกษะโยธิน", "Apirak Kosayodhin", "Bangkok governor 2004-08; BMA"),
    ("Thai", "จำลอง ศรีเมือง", "Chamlong Srimuang", "Bangkok governor 1985-92; press"),
    ("Thai", "อัศวิน ขวัญเมือง", "Aswin Kwanmuang", "Bangkok governor 2016-22; BMA"),
    ("Thai", "ธนินท์ เจียรวนนท์", "Dhanin Chearavanont", "Charoen Pokphand Group chairman; CP Group"),
    ("Thai", "เจริญ สิริวัฒนภักดี", "Charoen Sirivadhanabhakdi", "ThaiBev chairman; company filings"),
    ("Thai", "สนธิ ลิ้มทองกุล", "Sondhi Limthongkul", "PAD leader, publisher; press"),
    ("Thai", "กษิต ภิรมย์", "Kasit Piromya", "Thai foreign minister 2008-11; MFA"),
    ("Thai", "สุรเกียรติ์ เสถียรไทย", "Surakiart Sathirathai", "Thai foreign minister 2001-05; MFA"),
    ("Thai", "ปรีดิยาธร เทวกุล", "Pridiyathorn Devakula", "Bank of Thailand governor 2001-06; BOT"),
    ("Thai", "กิตติรัตน์ ณ ระนอง", "Kittiratt Na-Ranong", "Thai finance minister 2012-14; Thai Government"),
    ("Thai", "ณัฐวุฒิ ใสยเกื้อ", "Nattawut Saikua", "UDD leader; press"),
    ("Thai", "จาตุรนต์ ฉายแสง", "Chaturon Chaisang", "Thai deputy PM 2001-05; press"),
    ("Thai", "เฉลิม อยู่บำรุง", "Chalerm Yubamrung", "Thai deputy PM 2011-13; press"),
    ("Thai", "ธรรมนัส พรหมเผ่า", "Thamanat Prompow", "Thai agriculture minister 2023-24; press"),
    ("Thai", "ภูมิธรรม เวชยชัย", "Phumtham Wechayachai", "Thai deputy PM; Thai Government"),
    ("Thai", "พีระพันธุ์ สาลีรัฐวิภาค", "Pirapan Salirathavibhaga", "Thai energy minister; Thai Government"),
    ("Thai", "ปิยบุตร แสงกนกกุล", "Piyabutr Saengkanokkul", "Future Forward Party secretary-general; press"),
    ("Thai", "สุดารัตน์ เกยุราพันธุ์", "Sudarat Keyuraphan", "Thai public health minister 2001-05; press"),
    ("Thai", "ศักดิ์สยาม ชิดชอบ", "Saksayam Chidchob", "Thai transport minister 2019-23; Thai Government"),
)
