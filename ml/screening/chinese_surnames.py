"""The Latin spellings of common Chinese family names across the Chinese languages.

A family name is printed by its bearer's own language and convention, not by one transliteration of
the character: 陳 is "Chen" in Hanyu Pinyin, "Ch'en" in Wade-Giles, "Chan" in Cantonese (Hong Kong),
"Tan" in Hokkien and Teochew (Singapore, Malaysia, the Philippines), "Chin" in Hakka; 黃 is "Huang",
"Wong", "Ng", "Wee" or "Oei" (Indonesia's Dutch-based spelling). The table below lists, for the
common family names, the spellings given by the usual published comparison tables of Chinese
surnames (Mandarin pinyin and Wade-Giles, Cantonese, Hokkien, Teochew, Hakka, and the Singaporean,
Malaysian and Indonesian registration spellings of the dialect readings). Each line is the
character(s), simplified and traditional where they differ, then its spellings.

The readings (``readings``) put each spelling in front of the given name's readings; what they find
is at most a near-hit, like every reading.
"""

from __future__ import annotations

from functools import cache

_TABLE = """
李 li lee lei lai
王 wang wong ong heng vong
张張 zhang chang cheung teo chong tiong
刘劉 liu lau lao low lew liew
陈陳 chen chan tan chin chun
杨楊 yang yeung yeo yong young iong
黄黃 huang wong ng ong oei wee bong
赵趙 zhao chao chiu chew chio
吴吳 wu ng goh woo ung
周 zhou chou chow chau chew
徐 xu hsu tsui chui chee
孙孫 sun suen soon sng
马馬 ma mah beh
朱 zhu chu choo
胡 hu wu woo aw oh ho
郭 guo kuo kwok kuok quek kwek
何 he ho hoe
林 lin lam lim lum liem
罗羅 luo lo law loh lor
高 gao kao ko koh
梁 liang leung leong neo
郑鄭 zheng cheng tay teh tee
谢謝 xie hsieh tse che chia seah sia cheah
宋 song sung soong
唐 tang tong tng
许許 xu hsu hui khaw koh kho
韩韓 han hon
冯馮 feng fung fong foong
邓鄧 deng teng tang
曹 cao tsao cho tso
彭 peng pang phang
曾 zeng tseng tsang chan
萧蕭 xiao hsiao siu siew seow
蔡 cai tsai choi chua chai choy
潘 pan poon phua pua
董 dong tung tong
袁 yuan yuen wan
叶葉 ye yeh yip yap yeap
蒋蔣 jiang chiang cheung chiong chng
杜 du tu to toh
苏蘇 su so soh
魏 wei ngai gwee wee
程 cheng ching
吕呂 lu lui loo
丁 ding ting teng
沈 shen sham shum sim
任 ren jen yam
姚 yao yiu
卢盧 lu lo lou loo
傅 fu foo poh
钟鍾 zhong chung chong
姜 jiang chiang keung kiang
崔 cui tsui chui
谭譚 tan tam tham
廖 liao liu liew leow
范 fan faan
汪 wang wong ong
陆陸 lu luk lok
金 jin chin kam kim
石 shi shih shek sek
戴 dai tai tay
贾賈 jia chia ka
夏 xia hsia ha
邱 qiu chiu yau khoo
方 fang fong png
侯 hou hau how
邹鄒 zou tsou chau chow
熊 xiong hsiung hung
秦 qin chin chun
白 bai pai pak peh
江 jiang chiang kong kang
严嚴 yan yen yim giam
赖賴 lai lye loa lua
洪 hong hung ang
莫 mo mok
孔 kong kung
柯 ke ko kor kua
游 you yu yau yew
庄莊 zhuang chuang chong chng
卓 zhuo cho cheuk toh
翁 weng yung ang ong
温溫 wen wan woon boon
施 shi shih see sze
颜顏 yan yen ngan gan
伍 wu ng goh
龙龍 long lung loong
黎 li lai lay
连連 lian lien
"""


@cache
def _spellings() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _TABLE.strip().splitlines():
        chars, *spellings = line.split()
        for ch in chars:
            table[ch] = tuple(spellings)
    return table


def surname_spellings(family: str) -> tuple[str, ...]:
    """Every listed Latin spelling of a one-character family name (none for others)."""
    return _spellings().get(family, ())
