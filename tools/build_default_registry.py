#!/usr/bin/env python3
"""Build the default trademark registry `rulesets/default/marks.toml`.

Reads the brand lists in the shared data folder (see `SOURCES.md` there and
`rulesets/default/README.md`) and writes one `[[mark]]` table per mark.

    python3 tools/build_default_registry.py                 # data: <repo>/../shared/data
    python3 tools/build_default_registry.py --data DIR      # another copy of the data
    python3 tools/build_default_registry.py --out FILE      # write elsewhere

Python 3.11+, standard library only. The output is deterministic (sorted,
no timestamps): running it twice gives the same bytes.

How a mark is built
-------------------
* Backbone: every row of `brands/tangbuy_brand_shipping_restrictions.json`
  (620 rows). Each row is looked up in TANGBUY below, which gives the
  canonical name, Nice classes, holder and price floors, or folds the row
  into another mark (`@id`, product lines such as Air Jordan -> Nike) or
  excludes it (`-`, with the reason). Every row must be listed: an unknown
  row is an error, so a changed data file cannot slip through unreviewed.
  The row's Chinese name becomes an alias unless it is a description or
  junk (ZH_DROP).
* EXTRA adds marks that are not in that list but are in the other sources
  (luxdupes aliases and tag counts, the Korean brand lists) plus two
  required marks that are in no source (Sulwhasoo, JBL: source "curated").
* Korean names come from `brands/korean_english_fashion_brand_pairs.tsv`
  and `brands/korean_brand_synonyms_hangle_filter.tsv`: a Korean name is
  attached to a mark when one of the row's Latin spellings equals (ignoring
  case, accents, spaces and punctuation) the mark's name or one of its
  Latin aliases, or when KO_ROW_TARGET names the row.
* Seller aliases and nicknames come from
  `counterfeit/luxdupes_brand_aliases.json`. That file is mostly partial
  words, masked and homoglyph spellings and misspellings; every alias taken
  from it is listed by hand in LUXDUPES (and checked to occur in the file);
  the rest are dropped and counted by reason.
* CURATED aliases (the last column of TANGBUY / EXTRA) are ours: Traditional
  Chinese forms, missing Korean forms of required marks, model names, the
  nicknames 驴家 / LV家.
* Pinyin: the tone-less pinyin of the Chinese names of the top Chinese-market
  marks (PINYIN_TABLE, rules in the "Pinyin" section below), kind "alias".
* Tests: `mark_tests.toml` beside the output gets one positive case per mark
  and a positive and a negative case per added slang / pinyin alias (the
  "Generated ruleset tests" section below).
* `recorded = true` only for the REQUIRED list: "treated as recorded for
  screening", NOT an official customs recordation.

Alias hygiene (see README): junk and too-short aliases are dropped, masked and
homoglyph spellings are dropped (evasion is handled elsewhere), ordinary-word
aliases get `kind = "ordinary"`, no alias is shared by two marks (conflicts
are resolved and printed to stderr). Seller slang, alias by alias: not an
everyday word -> `nickname`; also an everyday word, a place or a name ->
`ordinary` (class-gated); one character or a partial word with an everyday
meaning -> not kept (LUX_SLANG_DROP); the everyday compounds of kept slang
(4G家用, 3D家居, 内存卡家用 …) are guards in rulesets/default/guards.toml.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict

# ---------------------------------------------------------------------------
# Curated tables
# ---------------------------------------------------------------------------

# Marks treated as recorded for screening, with the aliases each must have
# (text -> kind). Checked after writing.
REQUIRED: dict[str, dict[str, str]] = {
    "nike": {"耐克": "alias", "나이키": "alias"},
    "adidas": {"阿迪达斯": "alias", "아디다스": "alias"},
    "puma": {"彪马": "alias", "푸마": "alias"},
    "new-balance": {"新百伦": "alias", "뉴발란스": "alias"},
    "converse": {"匡威": "alias", "컨버스": "alias"},
    "vans": {"范斯": "alias", "반스": "alias"},
    "the-north-face": {"北面": "ordinary", "노스페이스": "alias"},
    "supreme": {"슈프림": "alias"},
    "levis": {"李维斯": "alias", "리바이스": "alias"},
    "ralph-lauren": {"拉夫劳伦": "alias", "랄프로렌": "alias"},
    "canada-goose": {"加拿大鹅": "alias", "캐나다구스": "alias"},
    "moncler": {"盟可睐": "alias", "몽클레르": "alias"},
    "burberry": {"博柏利": "alias", "巴宝莉": "alias", "버버리": "alias"},
    "balenciaga": {"巴黎世家": "alias", "발렌시아가": "alias"},
    "louis-vuitton": {"路易威登": "alias", "LV": "abbr", "루이비통": "alias"},
    "chanel": {"香奈儿": "alias", "샤넬": "alias"},
    "gucci": {"古驰": "alias", "구찌": "alias"},
    "prada": {"普拉达": "alias", "프라다": "alias"},
    "hermes": {"爱马仕": "alias", "에르메스": "alias"},
    "dior": {"迪奥": "alias", "디올": "alias"},
    "coach": {"蔻驰": "alias", "코치": "ordinary"},
    "michael-kors": {"迈克高仕": "alias", "마이클코어스": "alias"},
    "fendi": {"芬迪": "alias", "펜디": "alias"},
    "versace": {"范思哲": "alias", "베르사체": "alias"},
    "saint-laurent": {"圣罗兰": "alias", "YSL": "abbr", "생로랑": "alias"},
    "rolex": {"劳力士": "alias", "롤렉스": "alias"},
    "omega": {"欧米茄": "alias", "오메가": "alias"},
    "cartier": {"卡地亚": "alias", "까르띠에": "alias"},
    "casio": {"卡西欧": "alias", "카시오": "alias"},
    "apple": {"苹果": "ordinary", "애플": "alias", "iPhone": "model", "AirPods": "model"},
    "samsung": {"三星": "ordinary", "삼성": "alias", "Galaxy": "model"},
    "sony": {"索尼": "alias", "소니": "alias"},
    "huawei": {"华为": "alias", "화웨이": "alias"},
    "xiaomi": {"小米": "ordinary", "샤오미": "alias"},
    "dyson": {"戴森": "alias", "다이슨": "alias"},
    "jbl": {},
    "bose": {"博士": "ordinary", "보스": "ordinary"},
    "canon": {"佳能": "alias", "캐논": "alias"},
    "lenovo": {"联想": "ordinary", "레노버": "alias"},
    "nintendo": {"任天堂": "alias", "닌텐도": "alias"},
    "sulwhasoo": {"雪花秀": "alias", "설화수": "alias"},
    "mcm": {},
    "gentle-monster": {"젠틀몬스터": "alias"},
}

# Latin abbreviations allowed although shorter than 3 letters, or that are
# kept as `abbr` (must be really used for the brand).
ABBR_OK = {"m.a.c", "lv", "ck", "dg", "d&g", "ysl", "mcm", "jbl", "tnf", "cpb", "bape", "3ce", "vltn"}

# Everyday English words of up to five letters: never an alias (a brand's own
# name is allowed). Not exhaustive; it catches what the sources offer
# (Polo, Dunk, Zoom, Boss, Lady, Nano, Mont, Stock, Well, Done …).
STOP_WORDS = set("""
a about above after again air all also am an and any are arc art as at away baby back bad bag bags ball
ban band bank bar base be bear beat bed bee been best big bird black blue boat body bone book boot
boss bow box boy brand bread brown bull but buy by cake call camel can cap car card care case cat
chain chair cheap child chip city clean clear clock cloud club coach coat cold color come cool copy
cow crown cup cut dark day deal deep desk dog doll done door down dream dress drink drive duck dunk
each early earth east easy egg end even ever every eye face fair fall far farm fast fear feel field
fine fire first fish fit five flag flat flight fly fog food foot for form four fox free fresh frog
from fruit full fun game gate gel gift girl give glass go god gold golf good gray great green grey
gun hair half hand happy hard hat have he head heart hearts heavy hello her here high hill his home
horse hot house how ice in iron is it jack jeans job joy just key kid kids king kiss lab lady lamp
land large last late lead leaf left leg less life light like line lion lip list little live long
look lord love low lucky mach made make man many map mark max me men milk mind mini mint miss mix
mom money moon more most mother mount mouse much music my nail name nano navy near neck never new
next nice night no noon north not now nut of off oil old on one only open or orange other our out
over pack page paint pair palm pan panda paper park part party pay peace peak pen people pet phone
pick pig pink plan plant play plus point polo pool pop post power press pro pure queen quick race
rain rainbow ray real red rich right ring road rock roll room root rose round royal run safe salt
sand save say sea seat see set seven shark sharp she ship shoe shop short show side sign silk silver
sing sir six sky sleep slim small smart smile snow so soft some son song soul space speed
sport sports spot square star start stay steel step stock stone stop store story style sugar sun
super sure sweet table tail take talk tea team ten than that the them then there they thing think
this three tiger time tiny to today top touch tour town toy toys track trade train tree trip true
try turn two type under up us use very view wall war warm was watch water wave way we well west what
when white who why wild will win wind wine wing winter wise with wolf woman wood word work world year
yes you young your zero zone zoom
""".split())

# Kind overrides by alias text, whatever source the alias comes from.
# ORDINARY: also an everyday word (or a place, a common given name, a plain
# description), so only counted in class.
ORDINARY = set("""
苹果 三星 小米 博士 联想 聯想 蘋果 北面 椰子 红鞋 空中飞人 三叶草 大鹅 鳄鱼 化石 芒果 斑马 半球 老板 代表 复仇
蜘蛛 宫殿 热风 火焰 笑脸 万国 萬國 雷达 伯爵 精工 海马 战马 冠军 福神 好奇 现代 好孩子 大王 超能 晨光 好来 蓝月亮
风火轮 猫人 心桥 探路者 才子 暴龙 外星人 潘多拉 西太后 艾美 萧邦 肖邦 爱慕 伊索 巴利 猛犸象 鄂尔多斯 奔驰 凯莉
美的 得力 志高 劲霸 红蜻蜓 富贵鸟 三只松鼠 哥伦比亚 巴塔哥尼亚 狼爪 敬畏上帝 真实信仰 哈瓦那 贝利 品高 力士 飘柔
自然乐园 瞬间永恒 百变黏黏球 水雾魔珠 匹克 回力 艾米 埃米尔 黄金鹅 统帅 西蒙 宝马 铂金包 李 唯一
摩西 派克 其乐 吉普 美旅 乐瘦 日产
Kelly Tiffany Mont Blanc Bottega
코치 보스 갭 아미 아크네 토스 판도라 발리 게스 시리즈 헤드 갤럭시 어그 챔피언 바버 디젤
""".split()) | {"Mont Blanc"}
ORDINARY.discard("Mont")
ORDINARY.discard("Blanc")

NICKNAME = set("""
阿迪 香奈 香家 c家 小香 老花 威登 古家 迪家 卡家 劳家 蒙口 葆蝶 G家 D家 H家 L家 P家 魔音 大嘴猴 猿人头 恶魔岛
剪刀牌 红犀牛 冷墙
驴家 LV家 L牌 路登 蒙家 濛口 普家 古弛 酷奇 迪澳 帝陀 肯左 剋罗心
""".split())

MODEL = {"Air Jordan", "Galaxy", "갤럭시", "iPhone", "iPad", "AirPods", "MacBook", "PlayStation", "Neverfull",
         "Keepall", "Birkin", "铂金包", "G-Shock", "Baby-G", "지샥", "베이비지", "ThinkPad", "Alienware", "Wii",
         "Xbox", "Redmi", "Winflo", "Gel-Kayano", "Seamaster", "Speedmaster", "Armani Exchange",
         "Armani Jeans", "Armani Collezioni", "Emporio Armani", "Giorgio Armani", "Fear of God Essentials"}

# Chinese names in the tangbuy list that are not names of the mark:
# descriptions ("a brand of Adidas"), wrong or literal translations, or
# one-character junk. Value: why.
ZH_DROP = {
    "阿玛尼旗下品牌": "description (a sub-brand of Armani)",
    "阿迪达斯旗下品牌": "description (a sub-brand of Adidas)",
    "卡西欧旗下品牌": "description (a sub-brand of Casio)",
    "极速骑板旗下品牌": "description (a sub-brand of Quiksilver)",
    "任天堂出品": "description (made by Nintendo)",
    "阿迪达斯高尔夫球有限公司": "wrong (Adidas Golf company name, not TaylorMade)",
    "中国": "wrong (means 'China')",
    "她": "one character ('she')",
    "李": "one character (surname Li)",
    "后": "one character ('queen')",
    "UGG雪地靴": "description (UGG snow boots)",
    "像小男孩一样": "literal translation",
    "5+": "not Chinese, too short",
    "4调音": "literal translation",
    "冠军品牌": "description (champion brand)",
    "第3眼": "literal translation",
    "巴贝里尼": "wrong (Barberini, not Brioni)",
    "卡特": "ambiguous (Carter); Caterpillar is 卡特彼勒",
    "飞塔": "wrong (Fortinet)",
    "钻石": "not a name (diamond, the logo)",
    "欧派": "wrong (Oppein furniture)",
    "维尼熊": "wrong (Winnie the Pooh)",
    "索尼笔记本": "description (Sony notebook) of another mark",
    "思考本": "literal translation",
    "和行": "literal translation",
    "普雷斯顿": "ambiguous (Preston)",
    "必需品": "description (necessities)",
    "唯一": "everyday word",
    "完美": "everyday word",
    "三角": "everyday word",
    "统帅": "everyday word",
    "骆驼": "everyday word",
    "高尔夫": "everyday word",
    "稻草人": "everyday word",
    "清扬": "mark excluded",
    "马丁靴": "generic term for lace-up boots",
    "鳄鱼": "ambiguous: Lacoste and Crocodile International both use it; 鳄鱼夹 alligator clip",
    "蜘蛛": "everyday word (spider; 蜘蛛侠 Spider-Man goods)",
    "品高": "crosses word boundaries (新品高跟)",
    "负二": "mark excluded",
    "菲立斯葡萄酒": "mark excluded",
}

# Chinese names in the tangbuy list that are kept in a shorter form.
ZH_FIX = {"美国马球协会品牌": "美国马球协会"}  # "... brand" suffix removed

# Tangbuy rows.  Key: the English name exactly as in the file ("raw@中文" when
# the English name is repeated).  Value: "Name | classes | holder | prices | curated aliases"
#   Name    canonical Latin name; "@id" folds the row into mark `id`; "-" excludes it
#   classes Nice classes, space separated
#   holder  owning company (group where the registrant entity is not known to us); "" if unsure
#   prices  "category:min" (USD), only for luxury, watch and electronics marks
#   aliases curated aliases "text[:kind]" separated by ";" (kind default alias)
TANGBUY = r"""
Adidas | Adidas | 3 9 14 18 25 28 | adidas AG | | 愛迪達
Air Jordan | @nike | | | | Air Jordan:model
Alexander mcqueen | Alexander McQueen | 3 9 14 18 25 | Kering | clothing:150 bags:300 |
Alexander wang | Alexander Wang | 3 9 14 18 25 | | clothing:60 bags:150 |
ARCTERYX | Arc'teryx | 18 22 25 28 | Amer Sports | | Arcteryx; 始祖鳥
Armani | Armani | 3 9 14 18 25 | Giorgio Armani S.p.A. | | 아르마니
Armani collezioni | @armani | | | | Armani Collezioni:model
Armani exchange | @armani | | | | Armani Exchange:model
Armani jeans | @armani | | | | Armani Jeans:model
Audemars Piguet | Audemars Piguet | 14 | Audemars Piguet Holding SA | watches:10000 | 愛彼
Balenciaga | Balenciaga | 3 9 14 18 25 | Kering | clothing:100 bags:300 |
Bottega Veneta | Bottega Veneta | 3 9 14 18 25 | Kering | clothing:150 bags:400 | 寶緹嘉
Burberry | Burberry | 3 9 14 18 25 | Burberry Limited | clothing:80 bags:250 | 巴宝莉; 巴寶莉
Bvlgari | Bvlgari | 3 9 14 18 | Bulgari S.p.A. | jewelry:300 watches:2000 bags:400 | 寶格麗
Calvin Klein | Calvin Klein | 3 9 14 18 25 | Calvin Klein, Inc. | | CK:abbr
Cartier | Cartier | 3 9 14 18 | Cartier International AG | watches:2000 jewelry:500 | 卡地亞; 까르띠에
Celine | Celine | 3 9 14 18 25 | LVMH | clothing:200 bags:300 | 賽琳
Champion | Champion | 18 25 28 | | |
Chanel | Chanel | 3 9 14 18 25 | Chanel | bags:1500 clothing:300 jewelry:300 watches:3000 cosmetics:25 | 香奈兒
Chloe | Chloé | 3 9 14 18 25 | Richemont | clothing:150 bags:300 |
Christian Dior | Dior | 3 9 14 18 25 | Christian Dior Couture | clothing:200 bags:500 jewelry:200 cosmetics:20 | Christian Dior; 迪奧
Christian Louboutin | Christian Louboutin | 3 18 25 | Christian Louboutin | clothing:300 bags:300 cosmetics:30 |
Converse | Converse | 18 25 | Converse Inc. | |
Crocs | Crocs | 25 | Crocs, Inc. | |
Denim tears | Denim Tears | 25 | | |
Diesel | Diesel | 3 9 14 18 25 | Diesel S.p.A. | |
Emporio Armani | @armani | | | | Emporio Armani:model
Ermenegildo Zegna | Ermenegildo Zegna | 3 9 14 18 25 | Ermenegildo Zegna N.V. | clothing:100 |
Fendi | Fendi | 3 9 14 18 25 | LVMH | clothing:150 bags:400 |
Ferrari | Ferrari | 9 12 14 18 25 28 | Ferrari S.p.A. | |
Giorgio Armani | @armani | | | | Giorgio Armani:model
Givenchy | Givenchy | 3 9 14 18 25 | LVMH | clothing:150 bags:300 cosmetics:20 | 紀梵希
Gucci | Gucci | 3 9 14 18 25 | Guccio Gucci S.p.A. | clothing:100 bags:400 jewelry:150 watches:500 cosmetics:20 | 古馳
Hermes | Hermès | 3 9 14 18 25 | Hermès International | clothing:200 bags:500 jewelry:200 watches:1000 cosmetics:40 | 愛馬仕; Birkin:model; 铂金包:model
HOKA ONE ONE | Hoka | 25 | Deckers Outdoor Corporation | | Hoka One One
Kenzo | Kenzo | 3 9 14 18 25 | LVMH | |
Lacoste | Lacoste | 3 9 14 18 25 | Lacoste | |
Levi's | Levi's | 18 25 | Levi Strauss & Co. | | Levis; 李維斯
Loewe | Loewe | 3 9 14 18 25 | LVMH | clothing:150 bags:300 | 羅意威
Louis Vuitton | Louis Vuitton | 3 9 14 18 25 | Louis Vuitton Malletier | clothing:300 bags:500 jewelry:200 watches:2000 | 路易威登; 驴家:nickname; LV家:nickname
Max Mara | Max Mara | 18 25 | Max Mara Fashion Group | clothing:100 | MaxMara
MCM | MCM | 18 25 | | bags:100 |
MONCLER | Moncler | 9 18 25 | Moncler S.p.A. | clothing:150 bags:200 | 盟可睞
NBA | NBA | 9 16 25 28 41 | NBA Properties, Inc. | |
New Balance | New Balance | 18 25 | New Balance Athletics, Inc. | | 紐巴倫
NIKE | Nike | 9 14 18 25 28 | Nike, Inc. | | 耐吉; AJ1:model; AJ3:model; AJ4:model; AJ5:model; AJ6:model; AJ11:model; AJ12:model; AJ13:model; Air Force 1:model; 空军一号:model; SB Dunk:model; Dunk Low:model; Dunk High:model
OFF-WHITE | Off-White | 9 14 18 25 | | clothing:80 bags:200 | OffWhite
palace | Palace | 25 | | |
PATEK PHILIPPE | Patek Philippe | 14 | Patek Philippe SA | watches:10000 | 百達翡麗
Polo Ralph Lauren | Ralph Lauren | 3 9 14 18 25 | Ralph Lauren Corporation | | Polo Ralph Lauren; 拉夫勞倫; 랄프로렌
Prada | Prada | 3 9 14 18 25 | Prada S.A. | clothing:150 bags:400 | 普拉達
Puma | Puma | 18 25 28 | PUMA SE | | 彪馬
Reebok | Reebok | 18 25 28 | Authentic Brands Group | |
Rhude | Rhude | 25 | | |
Rolex | Rolex | 14 | Rolex SA | watches:3000 | 勞力士; 롤렉스
Salvatore Ferragamo | Salvatore Ferragamo | 3 9 14 18 25 | Salvatore Ferragamo S.p.A. | clothing:150 bags:300 | Ferragamo
sp5der | Sp5der | 25 | | |
STONE ISLAND | Stone Island | 25 | Sportswear Company S.p.A. | clothing:60 |
TaylorMade | TaylorMade | 25 28 | TaylorMade Golf Company | | Taylor Made; 泰勒梅
The North Face | The North Face | 18 22 25 | The North Face Apparel Corp. | |
Tiffany & Co. | Tiffany & Co. | 3 14 18 21 | Tiffany & Co. | jewelry:100 watches:1000 |
Tommy Hilfiger | Tommy Hilfiger | 3 9 14 18 25 | PVH Corp. | |
Valentino | Valentino | 3 9 14 18 25 | Valentino S.p.A. | clothing:150 bags:300 | 華倫天奴
Van Cleef & Arpels | Van Cleef & Arpels | 3 14 | Richemont | jewelry:800 watches:5000 | 梵克雅寶
Versace | Versace | 3 9 14 18 20 24 25 | Gianni Versace S.r.l. | clothing:100 bags:250 |
Y-3 | Y-3 | 18 25 | | |
Yves Saint Laurent | Saint Laurent | 3 9 14 18 25 | Kering | clothing:150 bags:300 cosmetics:20 | Yves Saint Laurent; 聖羅蘭
Apple | Apple | 9 14 | Apple Inc. | electronics:15 | iPhone:model; iPad:model; AirPods:model; MacBook:model; 蘋果; 애플; 아이폰:model; 에어팟:model; 아이패드:model; 맥북:model
Chrome Hearts | Chrome Hearts | 14 18 25 | Chrome Hearts LLC | clothing:150 jewelry:150 |
Coach | Coach | 3 9 14 18 25 | Tapestry, Inc. | bags:50 | 蔻馳
Evisu | Evisu | 25 | | |
Vans | Vans | 18 25 | VF Corporation | |
hello kitty | Hello Kitty | 3 9 14 16 18 21 24 25 28 30 | Sanrio Co., Ltd. | |
UGG | UGG | 18 25 | Deckers Outdoor Corporation | |
MICHAEL KORS | Michael Kors | 3 9 14 18 25 | Capri Holdings Limited | bags:50 watches:80 | 邁克高仕
Timberland | Timberland | 18 25 | VF Corporation | |
Mont Blanc | Montblanc | 3 9 14 16 18 | Richemont | bags:150 watches:1000 | Mont Blanc:ordinary; 萬寶龍
Swarovski | Swarovski | 9 14 21 | Swarovski AG | jewelry:20 |
Oakley | Oakley | 9 18 25 | Oakley, Inc. | |
Seiko | Seiko | 9 14 | Seiko Group Corporation | watches:50 |
Omega | Omega | 14 | Omega SA | watches:2000 | 歐米茄; Seamaster:model; Speedmaster:model
Samsung | Samsung | 7 9 11 | Samsung Electronics Co., Ltd. | electronics:10 | Galaxy:model; 삼성; 갤럭시:model
Ray Ban | Ray-Ban | 9 | EssilorLuxottica | | Ray Ban
YEEZY | Yeezy | 25 | | |
Casio | Casio | 9 14 15 | Casio Computer Co., Ltd. | watches:10 electronics:5 | 卡西歐
3 CONCEPT EYES | 3 Concept Eyes | 3 | | | 3CE:abbr
361° | 361° | 18 25 28 | | |
3M | 3M | 1 9 10 16 17 | 3M Company | |
4TUNE | - | # unidentified brand
Acer | Acer | 9 | Acer Inc. | electronics:10 |
Acne | Acne Studios | 18 25 | | clothing:80 |
Agnes B | agnès b. | 3 14 18 25 | | |
AHC | AHC | 3 | | |
Alienware | @dell | | | | Alienware:model
AMASS | Amass | 25 | | |
American Tourister | American Tourister | 18 | Samsonite | |
ami | Ami Paris | 18 25 | | |
Amii | Amii | 25 | | |
anello | Anello | 18 | | |
anessa | Anessa | 3 | Shiseido Company, Limited | |
Angry Birds | Angry Birds | 9 16 25 28 41 | Rovio Entertainment | |
ANTA | Anta | 18 25 28 | ANTA Sports Products Limited | |
Aokang | Aokang | 18 25 | | |
aptamil | Aptamil | 5 29 | Danone | |
Aquabeads | Aquabeads | 28 | Epoch Co., Ltd. | |
Aquascutum | Aquascutum | 18 25 | | |
arsenal | Arsenal | 16 25 28 41 | The Arsenal Football Club | |
ASOS | ASOS | 25 35 | ASOS plc | |
Asus | Asus | 9 | ASUSTeK Computer Inc. | electronics:10 |
Auby | Auby | 28 | | |
Audi | Audi | 12 28 | Audi AG | |
AUTRY. | Autry | 25 | | |
aux | AUX | 7 11 | | |
Avene | Avène | 3 | Pierre Fabre | |
balabala | Balabala | 25 | | |
baleno | Baleno | 25 | | |
banbao | Banbao | 28 | | |
bandai | Bandai | 9 28 | Bandai Co., Ltd. | |
Barbie | Barbie | 9 16 25 28 | Mattel, Inc. | |
basichouse | Basic House | 25 | | |
BCBG | BCBG | 18 25 | | |
beaba | Béaba | 8 10 21 | | |
Beats | Beats | 9 | Apple Inc. | electronics:30 | 魔音:nickname
beauty Blender | Beautyblender | 3 8 21 | | |
bejirog | Bejirog | 24 25 | | |
Belif | belif | 3 | LG H&H Co., Ltd. | |
belle | Belle | 18 25 | | |
Benefit | Benefit Cosmetics | 3 | LVMH | |
Benq | BenQ | 9 | BenQ Corporation | electronics:10 |
benz | Mercedes-Benz | 12 25 28 | Mercedes-Benz Group AG | | Mercedes; Benz; 奔驰:ordinary; 賓士
bioderma | Bioderma | 3 5 | NAOS | |
Biore | Bioré | 3 | Kao Corporation | |
Biotherm | Biotherm | 3 | L'Oréal | |
BMW | BMW | 12 25 28 | Bayerische Motoren Werke AG | |
Bobbi Brown | Bobbi Brown | 3 | The Estée Lauder Companies Inc. | |
bobdog | Bobdog | 25 | | |
bolon | Bolon | 9 | | |
Bosch | Bosch | 7 8 9 11 | Robert Bosch GmbH | |
Bose | Bose | 9 | Bose Corporation | electronics:15 | 보스:ordinary
bosideng | Bosideng | 25 | | |
brioni | Brioni | 3 25 | Kering | clothing:300 | 布里奥尼
Budweiser | Budweiser | 32 | Anheuser-Busch InBev | |
buick | Buick | 12 | General Motors | |
Bunchems | Bunchems | 28 | Spin Master | |
C.P.COMPANY | C.P. Company | 18 25 | | | CP Company
camel | - | # name is an everyday word (camel colour on clothing); its Chinese name 骆驼 too
Canon | Canon | 2 9 16 | Canon Inc. | electronics:10 | 캐논
carhartt | Carhartt | 18 25 | Carhartt, Inc. | |
castrol | Castrol | 1 4 | Castrol Limited | |
CAT | Caterpillar | 7 9 12 25 | Caterpillar Inc. | | 卡特彼勒
Cath Kidston | Cath Kidston | 18 21 24 25 | | |
ccdd | CCDD | 25 | | |
Cerruti 1881 | Cerruti 1881 | 3 14 25 | | |
chaoneng | Chaoneng | 3 | | |
charles keith | Charles & Keith | 18 25 | | |
chenguang | Chenguang | 16 | | |
chigo | Chigo | 11 | | |
ChowSangSang | Chow Sang Sang | 14 | | |
chowtaiseng | Chow Tai Seng | 14 | | |
ChowTaiSeng | Chow Tai Fook | 14 | Chow Tai Fook Jewellery Group | |
christopher kane | Christopher Kane | 18 25 | | |
Cisco | Cisco | 9 | Cisco Systems, Inc. | electronics:20 |
citizen | Citizen | 9 14 | Citizen Watch Co., Ltd. | watches:50 |
Clarins | Clarins | 3 | Clarins | |
Clarks | Clarks | 18 25 | C. & J. Clark International Limited | |
Clear | - | # name is an everyday word (clear); the engine cannot class-gate a canonical name
Clinique | Clinique | 3 | The Estée Lauder Companies Inc. | |
Colgate | Colgate | 3 21 | Colgate-Palmolive Company | |
Common Projects | Common Projects | 25 | | |
Corteiz | Corteiz | 25 | | |
cpb | Clé de Peau Beauté | 3 | Shiseido Company, Limited | | CPB:abbr
DanielWellington | Daniel Wellington | 14 | | watches:50 jewelry:20 |
daphne | Daphne | 18 25 | | |
darlie | Darlie | 3 21 | | |
dazzle | Dazzle | 25 | | |
DCSHOECOUSA | DC Shoes | 25 | | |
decathlon | Decathlon | 25 28 35 | Decathlon SA | |
deli | Deli | 16 | | |
Dell | Dell | 9 | Dell Inc. | electronics:10 |
dhc | DHC | 3 5 | DHC Corporation | |
Dickies | Dickies | 18 25 | | |
Disney | Disney | 3 9 14 16 18 24 25 28 41 | Disney Enterprises, Inc. | |
dissona | Dissona | 18 25 | | |
dkny | DKNY | 3 14 18 25 | | |
doraemon | Doraemon | 9 16 25 28 | | | 哆啦A梦
dove@多芬 | Dove | 3 30 | | |
dove@德芙 | Dove | 3 30 | | |
Dr. Martens@马丁靴 | Dr. Martens | 18 25 | | | Doc Martens
Dr. Martens@马丁大夫 | Dr. Martens | 18 25 | | |
DSQUARED2 | Dsquared2 | 3 9 14 18 25 | | clothing:100 |
Dunhill | Dunhill | 3 9 14 18 25 34 | | |
durex | Durex | 5 10 | Reckitt | |
d-wolves | D-Wolves | 25 | | |
Ecco | Ecco | 18 25 | ECCO Sko A/S | |
edwin | Edwin | 25 | | |
eland | E-Land | 25 | | |
Elizabeth Arden | Elizabeth Arden | 3 | | |
Elle | Elle | 3 14 16 18 25 | | |
emerson | Emerson | 7 9 11 | Emerson Electric Co. | |
emiliopucci | Emilio Pucci | 3 18 25 | LVMH | |
Epson | Epson | 2 9 | Seiko Epson Corporation | electronics:10 |
eral | Eral | 24 25 | | |
erdos | Erdos | 25 | | |
Eric Emanuel | Eric Emanuel | 25 | | |
ERKE | Erke | 25 28 | | |
Escada | Escada | 3 18 25 | | |
esprit | Esprit | 3 14 18 25 | | |
Estee Lauder | Estée Lauder | 3 | The Estée Lauder Companies Inc. | |
etam | Etam | 25 | | |
ethika | Ethika | 25 | | |
Evian | Evian | 3 32 | Danone | |
Fancl | Fancl | 3 5 | FANCL Corporation | |
Faure le Page | Fauré Le Page | 18 | | |
FGN | Fuguiniao | 18 25 | | | FGN:abbr
FivePlus | Five Plus | 25 | | |
FJALLRAVEN | Fjällräven | 18 25 | Fenix Outdoor International AG | |
flyco | Flyco | 8 11 | | |
Folli Follie | Folli Follie | 14 18 | | |
ford | Ford | 12 | Ford Motor Company | |
fortnite | Fortnite | 9 25 28 41 | Epic Games, Inc. | |
Fossil | Fossil | 9 14 18 | Fossil Group, Inc. | watches:30 |
franckmuller | Franck Muller | 14 | | watches:3000 |
Fred Perry | Fred Perry | 18 25 | | |
fresh | Fresh | 3 | LVMH | |
FridaKahlo | Frida Kahlo | 3 25 | | |
fsa | - | # unidentified brand (Chinese given as a wine)
Furla | Furla | 18 25 | Furla S.p.A. | bags:80 |
GAP | Gap | 18 25 | The Gap, Inc. | |
gentlemonster | Gentle Monster | 9 | IICOMBINED Co., Ltd. | | 젠틀몬스터
Geox | Geox | 25 | Geox S.p.A. | |
Gillette | Gillette | 3 8 | The Procter & Gamble Company | |
GIORDANO | Giordano | 25 | | |
Girard Perregaux | Girard-Perregaux | 14 | | watches:3000 | Girard Perregaux
girdear | Girdear | 25 | | |
gloria | Gloria | 25 | | |
Golden Goose | Golden Goose | 18 25 | Golden Goose S.p.A. | clothing:150 |
goldlion | Goldlion | 18 25 | | |
GOLF | - | # name is an everyday word (golf shirts, golf bags)
Goodbaby | Goodbaby | 12 20 28 | | |
GOON | GOO.N | 5 | Daio Paper Corporation | |
gree | Gree | 11 | Gree Electric Appliances, Inc. of Zhuhai | |
G-SHOCK@卡西欧旗下品牌 | @casio | | | | G-Shock:model; Baby-G:model
G-Star | G-Star RAW | 25 | | | G-Star
Guerlain | Guerlain | 3 | LVMH | |
Guess | Guess | 3 9 14 18 25 | Guess?, Inc. | |
GUND | Gund | 28 | Spin Master | |
GYMSHARK | Gymshark | 25 | Gymshark Limited | |
H&M | H&M | 3 25 | H & M Hennes & Mauritz AB | |
haier | Haier | 7 9 11 | Haier Group | |
HarleyDavidson | Harley-Davidson | 12 14 18 25 | H-D U.S.A., LLC | | Harley Davidson
HARRYPOTTER | Harry Potter | 9 16 25 28 41 | Warner Bros. Entertainment Inc. | |
headshoulder | Head & Shoulders | 3 | The Procter & Gamble Company | |
HELIOT EMIL | Heliot Emil | 25 | | |
hengyuanxiang | Hengyuanxiang | 23 25 | | |
henkel | Henkel | 1 3 | Henkel AG & Co. KGaA | |
hera | Hera | 3 | Amorepacific Corporation | |
heronpreston | Heron Preston | 25 | | |
Herschel | Herschel | 18 | Herschel Supply Company | |
hikvision | Hikvision | 9 | Hangzhou Hikvision Digital Technology Co., Ltd. | electronics:10 |
hisense | Hisense | 9 11 | Hisense Group | electronics:10 |
Hitachi | Hitachi | 7 9 11 | Hitachi, Ltd. | |
hla | HLA | 25 | | |
holikaholika | Holika Holika | 3 | | |
Hollister | Hollister | 3 18 25 | Abercrombie & Fitch | |
Honda | Honda | 7 12 | Honda Motor Co., Ltd. | |
hotwheels | Hot Wheels | 28 | Mattel, Inc. | |
hotwind | Hotwind | 18 25 | | |
house of hello | House of Hello | 25 | | |
HP | HP | 2 9 | HP Inc. | electronics:5 |
HUAWEI | Huawei | 9 | Huawei Technologies Co., Ltd. | electronics:10 | 華為; 화웨이; MateBook:model; MatePad:model
HUGGIES | Huggies | 5 | Kimberly-Clark | |
hyundai | Hyundai | 12 | Hyundai Motor Company | |
IBM | IBM | 9 | International Business Machines Corporation | |
inman | Inman | 25 | | |
innisfree | Innisfree | 3 | Amorepacific Corporation | |
instantlyageless | Instantly Ageless | 3 | | |
intel | Intel | 9 | Intel Corporation | electronics:20 |
jack wolfskin | Jack Wolfskin | 18 22 25 | | |
jackjones | Jack & Jones | 25 | Bestseller A/S | |
JACQUEMUS | Jacquemus | 18 25 | | |
Jansport | JanSport | 18 | VF Corporation | |
jeanrichard | JeanRichard | 14 | | |
jeanswest | Jeanswest | 25 | | |
Jeep | Jeep | 12 25 | FCA US LLC | |
jissbon | Jissbon | 10 | | |
Jmsolution | JMsolution | 3 | | |
jnby | JNBY | 25 | | |
joeone | Joeone | 25 | | |
Josiny | Josiny | 25 | | |
Juicy Couture | Juicy Couture | 3 18 25 | Authentic Brands Group | |
Jurlique | Jurlique | 3 | | |
juzui | Juzui | 25 | | |
kans | KanS | 3 | | |
karenwalker | Karen Walker | 9 14 25 | | |
Kate Spade | Kate Spade | 9 14 18 25 | Tapestry, Inc. | bags:50 |
KAWS | KAWS | 16 25 28 | | |
kboxing | K-Boxing | 25 | | |
keds | Keds | 25 | | |
kiehls | Kiehl's | 3 | L'Oréal | | Kiehls
KielJamesPatrick | Kiel James Patrick | 14 25 | | |
Kingston | Kingston | 9 | Kingston Technology Corporation | electronics:3 |
Kipling | Kipling | 18 | VF Corporation | |
Klipsch | Klipsch | 9 | Klipsch Group, Inc. | electronics:30 |
KOHLER | Kohler | 11 | Kohler Co. | |
konka | Konka | 9 11 | | |
KTM | KTM | 12 25 | KTM AG | |
Kurt Geiger London | Kurt Geiger | 18 25 | | |
La mer | La Mer | 3 | The Estée Lauder Companies Inc. | |
La prairie | La Prairie | 3 | Beiersdorf | |
lachapelle | La Chapelle | 25 | | |
lamborghini | Lamborghini | 12 25 28 | Automobili Lamborghini S.p.A. | |
LAMY | Lamy | 16 | C. Josef Lamy GmbH | |
Lancel | Lancel | 18 | | |
Lancome | Lancôme | 3 | L'Oréal | |
LAND ROVER | Land Rover | 12 | Jaguar Land Rover Limited | |
LANEIGE | Laneige | 3 | Amorepacific Corporation | |
lanyueliang | Blue Moon | 3 | | |
leader | - | # name is an everyday word (leader)
leaders | - | # name is an everyday word (leaders)
lego | LEGO | 9 16 25 28 | LEGO Juris A/S | |
lenovo | Lenovo | 9 | Lenovo Group Limited | electronics:10 | 聯想; 레노버
LeSportsac | LeSportsac | 18 | | |
lets slim | Let's Slim | 25 | | |
lexus | Lexus | 12 | Toyota Motor Corporation | |
LG | LG | 7 9 11 | LG Corp. | electronics:10 |
liangpinpuzi | Bestore | 29 30 | | |
libai | Liby | 3 | | |
lincoln | Lincoln | 12 | Ford Motor Company | |
lindafarrow | Linda Farrow | 9 | | |
lining | Li-Ning | 18 25 28 | Li Ning Company Limited | | Li Ning
Longchamp | Longchamp | 18 25 | | bags:80 |
Longines | Longines | 14 | The Swatch Group Ltd. | watches:500 |
lovemoschino | Love Moschino | 18 25 | | |
LRG | LRG | 25 | | |
lux | Lux | 3 | Unilever | |
L’Oreal | L'Oréal | 3 | L'Oréal | | Loreal
M.A.C | MAC Cosmetics | 3 | The Estée Lauder Companies Inc. | | M.A.C:abbr
Make Up Forever | Make Up For Ever | 3 | LVMH | | Make Up Forever
manchesterunited | Manchester United | 16 25 28 41 | Manchester United | | 曼联
MANGO | Mango | 3 14 18 25 | | |
mansurgavriel | Mansur Gavriel | 18 25 | | |
marcjacobs | Marc Jacobs | 3 9 14 18 25 | LVMH | |
Margiela | @maison-margiela | | | |
markfairwhale | Mark Fairwhale | 25 | | |
Max&Co | Max&Co. | 18 25 | Max Mara Fashion Group | |
Maybelline | Maybelline | 3 | L'Oréal | |
Meizu | Meizu | 9 | | electronics:10 |
mentholatum | Mentholatum | 3 5 | | |
metersbonwe | Metersbonwe | 25 | | |
Mexican | - | # name is an everyday word (Mexican)
mg | MG Motor | 12 | | |
Microsoft | Microsoft | 9 28 | Microsoft Corporation | electronics:10 | Xbox:model
midea | Midea | 7 11 | Midea Group | |
miffy | Miffy | 16 25 28 | | |
miiow | Miiow | 25 | | |
mindbridge | Mind Bridge | 25 | | |
minus two | - | # unidentified brand, name is an everyday phrase
Miss Sixty | Miss Sixty | 25 | | |
mistine | Mistine | 3 | | |
Mitsubishi | Mitsubishi | 7 9 11 12 | Mitsubishi Corporation | |
mlb | MLB | 18 25 28 41 | Major League Baseball Properties, Inc. | |
moco | MO&Co. | 25 | | |
molsion | Molsion | 9 | | |
monchichi | Monchhichi | 28 | | |
monsterenergy | Monster Energy | 32 | Monster Energy Company | |
montagut | Montagut | 25 | | |
moony | Moony | 5 | Unicharm Corporation | |
moschino | Moschino | 3 9 14 18 25 | Aeffe S.p.A. | |
moussy | Moussy | 25 | | |
moutai | Moutai | 33 | Kweichow Moutai Co., Ltd. | |
mujosh | Mujosh | 9 | | |
Mulberry | Mulberry | 18 25 | Mulberry Group plc | bags:150 |
MURATA | Murata | 9 | Murata Manufacturing Co., Ltd. | |
musenlin | Musenlin | 25 | | |
nanfu | Nanfu | 9 | | |
nanjiren | Nanjiren | 24 25 | | |
nanoblock | Nanoblock | 28 | | |
Nars | NARS | 3 | Shiseido Company, Limited | |
naturerepublic | Nature Republic | 3 | | |
nestle | Nestlé | 5 29 30 32 | Société des Produits Nestlé S.A. | |
New York Yankees | New York Yankees | 25 28 41 | | |
newera | New Era | 25 | | |
Nikon | Nikon | 9 | Nikon Corporation | electronics:10 |
Nina Ricci | Nina Ricci | 3 18 25 | | |
Nine West | Nine West | 18 25 | | |
nintendo | Nintendo | 9 28 | Nintendo Co., Ltd. | electronics:10 toys:10 | 닌텐도
nipponpaint | Nippon Paint | 2 | | |
nissan | Nissan | 12 | Nissan Motor Co., Ltd. | |
Nixon | Nixon | 9 14 | | watches:50 |
NOFS | NOFS | 25 | | |
O P I | OPI | 3 | | |
ochirly | Ochirly | 25 | | |
okamoto | Okamoto | 10 | Okamoto Industries, Inc. | |
Olay | Olay | 3 | The Procter & Gamble Company | |
oldnavy | Old Navy | 25 | The Gap, Inc. | |
Olympus | Olympus | 9 10 | | electronics:20 |
omron | Omron | 9 10 | Omron Corporation | |
only | - | # name is an everyday word (only)
OPPO | OPPO | 9 | Guangdong Oppo Mobile Telecommunications Corp., Ltd. | electronics:10 |
Oral-B | Oral-B | 3 21 | The Procter & Gamble Company | |
otterbox | OtterBox | 9 | | |
Pampers | Pampers | 5 | The Procter & Gamble Company | |
Panasonic | Panasonic | 7 8 9 11 | Panasonic Holdings Corporation | electronics:5 |
pandora | Pandora | 14 | Pandora A/S | jewelry:15 |
pantene | Pantene | 3 | The Procter & Gamble Company | |
Parker | Parker | 16 | | |
Patagonia | Patagonia | 18 22 25 | Patagonia, Inc. | |
Paul Frank | Paul Frank | 18 25 | | |
Paul Smith | Paul Smith | 3 9 14 18 25 | | |
PaulL&Shark | Paul & Shark | 25 | | |
PawPatrol | PAW Patrol | 9 16 25 28 | Spin Master | |
peacebird | Peacebird | 25 | | |
Peak | Peak | 18 25 28 | | |
Peppa Pig | Peppa Pig | 9 16 25 28 | | |
pepsicola | Pepsi | 32 | PepsiCo, Inc. | | Pepsi-Cola
perfect | - | # name is an everyday word (perfect)
peskoe | Peskoe | 11 | | |
Philips | Philips | 7 8 9 10 11 | Koninklijke Philips N.V. | electronics:5 |
Pierre Cardin | Pierre Cardin | 3 14 18 25 | | |
Pigeon | Pigeon | 3 5 10 21 | Pigeon Corporation | |
pinarello | Pinarello | 12 | | |
pinkfong | Pinkfong | 9 16 28 41 | | |
PJ Masks | PJ Masks | 9 16 25 28 | | |
PLAYBOY | Playboy | 3 9 14 16 18 25 | | |
POKEMON | Pokémon | 9 16 25 28 | | |
Police | Police | 9 14 | | |
PopSockets | PopSockets | 9 | | |
Porsche Design | Porsche Design | 9 14 18 25 | | |
ports | Ports 1961 | 25 | | |
PSD | - | # name too ambiguous (PSD is also a file format)
PXG | PXG | 25 28 | | |
Quiksilver | Quiksilver | 18 25 28 | | |
rapha | Rapha | 25 | | |
razer | Razer | 9 | Razer Inc. | electronics:10 |
reddragonfly | Red Dragonfly | 18 25 | | |
rejoice | Rejoice | 3 | The Procter & Gamble Company | |
REPRESENT | Represent | 25 | | |
REVENGE | Revenge | 25 | | |
Revlon | Revlon | 3 | | |
Ricoh | Ricoh | 9 | Ricoh Company, Ltd. | electronics:10 |
robam | Robam | 11 | | |
Roger Dubuis | Roger Dubuis | 14 | Richemont | watches:10000 |
Roxy | Roxy | 18 25 28 | | |
royalstar | Royalstar | 7 11 | | |
S.T.Dupont | S.T. Dupont | 14 16 18 34 | | |
safeguard | Safeguard | 3 | The Procter & Gamble Company | |
Salomon | Salomon | 18 25 28 | Amer Sports | |
samanthathavasa | Samantha Thavasa | 18 | | |
Sandisk | SanDisk | 9 | | electronics:3 |
SANDVIK | Sandvik | 6 7 8 | Sandvik AB | |
sanuk | Sanuk | 25 | | |
satchi | Satchi | 18 25 | | |
Schwarzkopf | Schwarzkopf | 3 | Henkel AG & Co. KGaA | |
semir | Semir | 25 | | |
Sephora | Sephora | 3 35 | LVMH | |
septwolves | Septwolves | 25 | | |
Sergio Rossi | Sergio Rossi | 18 25 | | |
Sesame Street | Sesame Street | 9 16 25 28 41 | Sesame Workshop | |
seven7 | Qipai | 25 | | |
Sharp | Sharp | 9 11 | Sharp Corporation | |
Shiseido | Shiseido | 3 | Shiseido Company, Limited | |
Shu Uemura | Shu Uemura | 3 | L'Oréal | |
Siemens | Siemens | 7 9 11 | Siemens AG | |
simon | Simon | 9 | | |
Sisley | Sisley | 3 25 | | |
Skechers | Skechers | 25 | Skechers U.S.A., Inc. | |
SK-II | SK-II | 3 | The Procter & Gamble Company | |
skyworth | Skyworth | 9 11 | | |
snidel | Snidel | 25 | | |
snoopy | Snoopy | 16 25 28 | | |
Sony | Sony | 9 28 | Sony Group Corporation | electronics:10 | PlayStation:model; 소니
Sony Ericsson | Sony Ericsson | 9 | | |
Specialized | Specialized | 12 25 | | |
Spin Master | Spin Master | 28 | Spin Master Ltd. | |
stanley | Stanley | 8 21 | | |
starbucks | Starbucks | 21 30 43 | Starbucks Corporation | |
Steve Madden | Steve Madden | 18 25 | | |
Stuart Weitzman | Stuart Weitzman | 18 25 | | |
tcl | TCL | 9 11 | | electronics:10 |
Ted Baker | Ted Baker | 3 18 25 | | |
teenagemutantninjaturtles | Teenage Mutant Ninja Turtles | 9 16 25 28 | | |
teenieweenie | Teenie Weenie | 25 | | |
TELFAR | Telfar | 18 25 | | |
tesla | Tesla | 9 12 | Tesla, Inc. | |
TEVA | Teva | 25 | Deckers Outdoor Corporation | |
thehistoryofwhoo | The History of Whoo | 3 | LG H&H Co., Ltd. | |
thermos | Thermos | 21 | | |
ThinkPad | @lenovo | | | | ThinkPad:model
ThomasFriends | Thomas & Friends | 9 16 25 28 | | |
Thrasher | Thrasher | 25 | | |
threesquirrels | Three Squirrels | 29 30 | | |
Tissot | Tissot | 14 | The Swatch Group Ltd. | watches:150 | 天梭
Titleist | Titleist | 25 28 | Acushnet Company | |
titoni | Titoni | 14 | | watches:100 |
Tom Ford | Tom Ford | 3 9 14 18 25 | | clothing:150 bags:300 cosmetics:30 |
Toms Shoes | Toms | 25 | | | Toms Shoes
toray | Toray | 1 22 24 | Toray Industries, Inc. | |
toread | Toread | 18 22 25 | | |
Tory Burch | Tory Burch | 3 14 18 25 | | bags:80 |
Toshiba | Toshiba | 7 9 11 | Toshiba Corporation | electronics:5 |
Tous | Tous | 14 18 | | |
toyota | Toyota | 12 | Toyota Motor Corporation | |
Transformers | Transformers | 16 25 28 | Hasbro, Inc. | |
Trapstar | Trapstar | 25 | | |
Travis Scott | Travis Scott | 25 | | |
triangle | - | # name is an everyday word (triangle)
tries | Tries | 25 | | |
tsingtao | Tsingtao | 32 | Tsingtao Brewery Co., Ltd. | |
tumi | Tumi | 18 | | bags:100 |
U.S. POLO ASSN. | U.S. Polo Assn. | 18 25 | | |
Umbro | Umbro | 25 28 | | |
Unicharm | Unicharm | 5 | Unicharm Corporation | |
Unilever | Unilever | 3 | Unilever | |
Uniqlo | Uniqlo | 25 | Fast Retailing Co., Ltd. | |
uno | UNO | 28 | Mattel, Inc. | |
Vaio | VAIO | 9 | VAIO Corporation | electronics:10 |
vanguard | Vanguard | 9 18 | | |
vatti | Vatti | 11 | | |
VDL | VDL | 3 | | |
veromoda | Vero Moda | 25 | Bestseller A/S | |
Vertu | Vertu | 9 | | electronics:1000 |
VETEMENTS | Vetements | 25 | | clothing:150 |
Vichy | Vichy | 3 | L'Oréal | |
Victoria's Secret | Victoria's Secret | 3 25 | | | Victorias Secret
Vidalsassoon | Vidal Sassoon | 3 8 11 | | |
Vivienne Westwood | Vivienne Westwood | 3 9 14 18 25 | | jewelry:50 |
vivo | vivo | 9 | vivo Mobile Communication Co., Ltd. | electronics:10 |
VIVO BRREFOOT | Vivobarefoot | 25 | | |
VLONE | Vlone | 25 | | |
volcom | Volcom | 25 | | |
Volkswagen | Volkswagen | 12 | Volkswagen AG | |
volvo | Volvo | 12 | | |
walmart | Walmart | 35 | Walmart Inc. | |
warrior | Warrior | 25 | | |
Wii | @nintendo | | | | Wii:model
Wilson | Wilson | 25 28 | | |
wodemeiliriji | My Beauty Diary | 3 | | |
Wrangler | Wrangler | 25 | | |
wuliangye | Wuliangye | 33 | | |
Xiaomi | Xiaomi | 7 9 11 | Xiaomi Inc. | electronics:5 | Redmi:model; 샤오미
xtep | Xtep | 25 28 | | |
Yamaha | Yamaha | 9 12 15 | | |
YEARCON | Yearcon | 25 | | |
yili | Yili | 29 30 | | |
Yonex | Yonex | 25 28 | Yonex Co., Ltd. | |
youngor | Youngor | 25 | | |
Za | ZA | 3 | | |
ZARA | Zara | 25 | Industria de Diseño Textil, S.A. | |
zebra | Zebra | 16 | | |
zenith | Zenith | 14 | LVMH | watches:3000 |
Zippo | Zippo | 34 | Zippo Manufacturing Company | |
polar skate co | Polar Skate Co. | 25 | | |
ED HARDY | Ed Hardy | 3 18 25 | | |
ecko | Ecko | 25 | | |
ALYX | Alyx | 14 18 25 | | |
alo | Alo Yoga | 25 | | |
broken planet | Broken Planet | 25 | | |
Zadig&Voltaire | Zadig & Voltaire | 3 18 25 | | |
Blauer | Blauer | 25 | | |
True Religion | True Religion | 25 | | |
The Row | The Row | 18 25 | | |
Hogan | Hogan | 18 25 | Tod's S.p.A. | |
Casablanca | Casablanca | 25 | | |
Drew House | Drew House | 25 | | |
human made | Human Made | 25 | | |
Maison Margiela | Maison Margiela | 3 9 14 18 25 | OTB | clothing:150 bags:300 | Margiela
Hellstar | Hellstar | 25 | | |
Far Archive | Far Archive | 25 | | |
Havaianas | Havaianas | 25 | | |
NewJnxs | NewJnxs | 25 | | |
Maison MIHARA YASUHIRO | Maison Mihara Yasuhiro | 25 | | | Mihara Yasuhiro
A Bathing Ape | A Bathing Ape | 18 25 | | | BAPE:abbr
Abercrombie & Fitch | Abercrombie & Fitch | 3 18 25 | Abercrombie & Fitch | | Abercrombie
amiri | Amiri | 25 | | clothing:150 |
Anna Sui | Anna Sui | 3 18 25 | | |
asics | ASICS | 18 25 28 | ASICS Corporation | | 亞瑟士
BALLY | Bally | 18 25 | | bags:200 |
BALMAIN | Balmain | 3 18 25 | | clothing:150 |
BIRKENSTOCK | Birkenstock | 25 | | |
Breguet | Breguet | 14 | The Swatch Group Ltd. | watches:10000 |
Canada goose | Canada Goose | 18 25 | Canada Goose Inc. | clothing:80 | 加拿大鵝
Chaumet | Chaumet | 14 | LVMH | jewelry:500 watches:2000 |
Chopard | Chopard | 3 14 | | jewelry:500 watches:2000 |
CocaCola | Coca-Cola | 32 | The Coca-Cola Company | | Coca Cola
Columbia | Columbia | 18 22 25 | Columbia Sportswear Company | |
Comme des Garcons | Comme des Garçons | 3 18 25 | | |
Dolce&Gabbana | Dolce & Gabbana | 3 9 14 18 25 | Dolce & Gabbana S.r.l. | clothing:150 bags:300 | Dolce&Gabbana
dyson | Dyson | 7 8 9 11 | Dyson Technology Limited | electronics:20 | 다이슨
ESSENTIALS | @fear-of-god | | | | Fear of God Essentials:model
fear of god | Fear of God | 25 | | |
FILA | Fila | 18 25 28 | FILA Holdings Corp. | |
GALLERY DEPT. | Gallery Dept. | 25 | | |
Goyard | Goyard | 18 | | bags:300 |
Hublot | Hublot | 14 | LVMH | watches:3000 |
Hugo Boss | Hugo Boss | 3 9 14 18 25 | HUGO BOSS AG | | 雨果博斯
IWC | IWC | 14 | Richemont | watches:2500 | IWC Schaffhausen; 万国表; 萬國表
Jaeger LeCoultre | Jaeger-LeCoultre | 14 | Richemont | watches:3000 | Jaeger LeCoultre
Jimmy Choo | Jimmy Choo | 3 9 18 25 | Capri Holdings Limited | clothing:200 bags:300 |
Kappa | Kappa | 18 25 28 | BasicNet S.p.A. | |
Lanvin | Lanvin | 3 18 25 | | clothing:100 |
Lee | Lee | 25 | Kontoor Brands, Inc. | |
Lululemon | Lululemon | 18 25 28 | lululemon athletica inc. | |
Miu Miu | Miu Miu | 3 9 14 18 25 | Prada S.A. | clothing:150 bags:300 | MiuMiu; 缪缪
Moose knuckles | Moose Knuckles | 25 | | |
nfl | NFL | 25 28 41 | NFL Properties LLC | |
onitsukatiger | Onitsuka Tiger | 18 25 | ASICS Corporation | |
palm angels | Palm Angels | 25 | | clothing:80 |
panerai | Panerai | 14 | Richemont | watches:3000 | 沛納海
Piaget | Piaget | 14 | Richemont | jewelry:800 watches:5000 |
PINKO | Pinko | 18 25 | | |
play | - | # name is an everyday word (play); Comme des Garçons PLAY is covered by that mark
Rado | Rado | 14 | The Swatch Group Ltd. | watches:500 |
rimowa | Rimowa | 18 | LVMH | bags:300 |
Samsonite | Samsonite | 18 | Samsonite | | 新秀丽; 新秀麗
Thom Browne | Thom Browne | 18 25 | | clothing:150 |
Tod's | Tod's | 18 25 | Tod's S.p.A. | clothing:150 bags:300 |
Tudor | Tudor | 14 | Montres Tudor SA | watches:1500 |
Under Armour | Under Armour | 18 25 28 | Under Armour, Inc. | |
Vacheron Constantin | Vacheron Constantin | 14 | Richemont | watches:8000 | 江詩丹頓
"""

# Marks not in the tangbuy list. Key: id. Value: "source | Name | classes | holder | prices | aliases"
# source: luxdupes (alias file), luxtags (tag counts), ko-pairs, ko-hangle, curated
EXTRA = r"""
supreme | ko-hangle | Supreme | 18 25 | | |
sulwhasoo | curated | Sulwhasoo | 3 | Amorepacific Corporation | | 雪花秀; 설화수
jbl | curated | JBL | 9 | Harman International Industries, Incorporated | electronics:10 |
a-cold-wall | luxdupes | A-Cold-Wall | 25 | | |
aesop | luxdupes | Aesop | 3 | | |
aimer | luxdupes | Aimer | 25 | | |
kanebo | luxdupes | Kanebo | 3 | Kanebo Cosmetics Inc. | |
allie | luxdupes | Allie | 3 | Kanebo Cosmetics Inc. | |
amina-muaddi | luxdupes | Amina Muaddi | 25 | | clothing:300 |
apm-monaco | luxdupes | APM Monaco | 14 | | jewelry:30 |
axxzia | luxdupes | Axxzia | 3 | | |
berluti | luxdupes | Berluti | 18 25 | LVMH | clothing:200 bags:300 |
blancpain | luxdupes | Blancpain | 14 | The Swatch Group Ltd. | watches:5000 | 寶珀
boucheron | luxdupes | Boucheron | 3 14 | Kering | jewelry:500 watches:2000 |
boy-london | luxdupes | Boy London | 25 | | |
breitling | luxdupes | Breitling | 14 | Breitling SA | watches:2000 | 百年靈
brunello-cucinelli | luxdupes | Brunello Cucinelli | 18 25 | | clothing:200 |
cosme-decorte | luxdupes | Cosme Decorté | 3 | Kosé Corporation | | Decorté
david-yurman | luxdupes | David Yurman | 14 | | jewelry:100 |
de-beers | luxdupes | De Beers | 14 | | jewelry:300 |
descente | luxdupes | Descente | 25 28 | Descente Ltd. | |
diptyque | luxdupes | Diptyque | 3 4 | | |
dita | luxdupes | DITA | 9 | | |
evidens-de-beaute | luxdupes | Evidens de Beauté | 3 | | |
john-galliano | luxdupes | John Galliano | 3 18 25 | | |
giuseppe-zanotti | luxdupes | Giuseppe Zanotti | 18 25 | | clothing:200 |
glashutte-original | luxdupes | Glashütte Original | 14 | The Swatch Group Ltd. | watches:3000 |
goros | luxdupes | Goro's | 14 | | jewelry:100 |
harry-winston | luxdupes | Harry Winston | 14 | The Swatch Group Ltd. | jewelry:1000 watches:5000 |
helena-rubinstein | luxdupes | Helena Rubinstein | 3 | L'Oréal | |
helly-hansen | luxdupes | Helly Hansen | 25 28 | | |
issey-miyake | luxdupes | Issey Miyake | 3 18 25 | | | Pleats Please:model
jean-paul-gaultier | luxdupes | Jean Paul Gaultier | 3 25 | | |
jil-sander | luxdupes | Jil Sander | 3 18 25 | | |
jo-malone | luxdupes | Jo Malone | 3 4 | The Estée Lauder Companies Inc. | |
kolon-sport | luxdupes | Kolon Sport | 18 22 25 | | |
a-lange-sohne | luxdupes | A. Lange & Söhne | 14 | Richemont | watches:10000 | Lange & Söhne
loro-piana | luxdupes | Loro Piana | 18 24 25 | LVMH | clothing:300 |
lartisan-parfumeur | luxdupes | L'Artisan Parfumeur | 3 | | |
loccitane | luxdupes | L'Occitane | 3 | | | Loccitane
mach-mach | luxdupes | Mach & Mach | 25 | | |
maison-michel | luxdupes | Maison Michel | 25 | | |
mammut | luxdupes | Mammut | 18 22 25 28 | | |
marni | luxdupes | Marni | 18 25 | | clothing:100 |
mastermind-japan | luxdupes | Mastermind Japan | 25 | | |
matthew-williamson | luxdupes | Matthew Williamson | 25 | | |
maurice-lacroix | luxdupes | Maurice Lacroix | 14 | | watches:300 |
maybach | luxdupes | Maybach | 12 | Mercedes-Benz Group AG | |
mido | luxdupes | Mido | 14 | The Swatch Group Ltd. | watches:300 |
mikimoto | luxdupes | Mikimoto | 3 14 | | jewelry:200 |
movado | luxdupes | Movado | 14 | Movado Group, Inc. | watches:150 |
nicholas-kirkwood | luxdupes | Nicholas Kirkwood | 25 | | |
parfums-de-marly | luxdupes | Parfums de Marly | 3 | | |
acqua-di-parma | luxdupes | Acqua di Parma | 3 | LVMH | |
penhaligons | luxdupes | Penhaligon's | 3 | | |
philipp-plein | luxdupes | Philipp Plein | 14 18 25 | | |
porsche | luxdupes | Porsche | 12 25 28 | Dr. Ing. h.c. F. Porsche AG | |
premiata | luxdupes | Premiata | 25 | | |
rag-bone | luxdupes | Rag & Bone | 25 | | |
richard-mille | luxdupes | Richard Mille | 14 | | watches:50000 |
roberto-cavalli | luxdupes | Roberto Cavalli | 3 14 18 25 | | |
roger-vivier | luxdupes | Roger Vivier | 18 25 | Tod's S.p.A. | clothing:200 bags:300 |
sandro | luxdupes | Sandro | 18 25 | | |
snow-peak | luxdupes | Snow Peak | 8 11 21 22 25 | Snow Peak, Inc. | |
stella-mccartney | luxdupes | Stella McCartney | 3 18 25 | | clothing:100 bags:200 |
stussy | luxdupes | Stüssy | 25 | | |
tag-heuer | luxdupes | TAG Heuer | 9 14 | LVMH | watches:800 | 泰格豪雅
we11done | luxdupes | We11done | 25 | | |
x-bionic | luxdupes | X-Bionic | 25 | | |
yohji-yamamoto | luxdupes | Yohji Yamamoto | 25 | | |
delvaux | luxtags | Delvaux | 18 | | bags:500 |
qeelin | luxtags | Qeelin | 14 | Kering | jewelry:300 |
sevenfriday | luxtags | SevenFriday | 14 | | watches:400 |
graff | luxtags | Graff | 14 | | jewelry:1000 |
zimmermann | luxtags | Zimmermann | 25 | | clothing:150 |
rick-owens | luxtags | Rick Owens | 18 25 | | clothing:150 |
manolo-blahnik | luxtags | Manolo Blahnik | 25 | | clothing:300 |
oris | luxtags | Oris | 14 | Oris SA | watches:700 |
grand-seiko | luxtags | Grand Seiko | 14 | Seiko Group Corporation | watches:2000 |
nomos-glashutte | luxtags | NOMOS Glashütte | 14 | | watches:1000 | Nomos
corum | luxtags | Corum | 14 | | watches:2000 |
parmigiani-fleurier | luxtags | Parmigiani Fleurier | 14 | | watches:8000 | Parmigiani
bell-ross | luxtags | Bell & Ross | 14 | | watches:1500 |
ulysse-nardin | luxtags | Ulysse Nardin | 14 | | watches:3000 |
juun-j | ko-pairs | Juun.J | 25 | | |
nobis | ko-pairs | Nobis | 25 | | |
suitsupply | ko-pairs | Suitsupply | 25 | | |
ganni | ko-pairs | Ganni | 25 | | |
maison-kitsune | ko-pairs | Maison Kitsuné | 25 | | |
a-p-c | ko-pairs | A.P.C. | 18 25 | | |
parajumpers | ko-pairs | Parajumpers | 25 | | |
barbour | ko-pairs | Barbour | 25 | J. Barbour & Sons Ltd | |
vanessa-bruno | ko-pairs | Vanessa Bruno | 18 25 | | |
jill-stuart | ko-pairs | Jill Stuart | 3 18 25 | | |
maje | ko-pairs | Maje | 25 | | |
alice-olivia | ko-pairs | Alice + Olivia | 25 | | |
brooks-brothers | ko-pairs | Brooks Brothers | 25 | | |
james-perse | ko-pairs | James Perse | 25 | | |
pearly-gates | ko-pairs | Pearly Gates | 25 28 | | |
missha | ko-pairs | Missha | 3 | | |
allsaints | ko-pairs | AllSaints | 18 25 | | |
malbon-golf | ko-pairs | Malbon Golf | 25 28 | | |
vuori | ko-pairs | Vuori | 25 | | |
massimo-dutti | ko-pairs | Massimo Dutti | 25 | Industria de Diseño Textil, S.A. | |
beanpole | ko-pairs | Beanpole | 18 25 | Samsung C&T Corporation | |
hazzys | ko-pairs | Hazzys | 25 | | |
daks | ko-pairs | DAKS | 18 25 | | |
j-lindeberg | ko-pairs | J.Lindeberg | 25 28 | | |
marimekko | ko-pairs | Marimekko | 18 24 25 | | |
callaway | ko-pairs | Callaway | 25 28 | | |
brompton | ko-pairs | Brompton | 12 | | |
club-monaco | ko-pairs | Club Monaco | 25 | | |
diadora | ko-pairs | Diadora | 25 28 | | |
le-coq-sportif | ko-pairs | Le Coq Sportif | 25 28 | | |
dynafit | ko-pairs | Dynafit | 25 28 | | |
blackyak | ko-pairs | Blackyak | 18 22 25 | | |
dunlop | ko-pairs | Dunlop | 12 28 | | |
footjoy | ko-pairs | FootJoy | 25 28 | Acushnet Company | |
nepa | ko-pairs | Nepa | 25 | | |
anne-klein | ko-pairs | Anne Klein | 14 18 25 | | |
claudie-pierlot | ko-pairs | Claudie Pierlot | 25 | | |
bimba-y-lola | ko-pairs | Bimba y Lola | 18 25 | | |
ader-error | ko-pairs | Ader Error | 25 | | |
andersson-bell | ko-pairs | Andersson Bell | 25 | | |
munsingwear | ko-pairs | Munsingwear | 25 | | |
"""

# luxdupes records (keyword exactly as in the file) -> "target | kept aliases"
#   target  mark id, or "-" to skip the whole record (ambiguous or not a brand)
#   kept    "text[:kind][@id]" separated by ";" -- the text must occur in the
#           record's findName (or keyword); "-text" drops a Chinese part of the
#           keyword, which is otherwise taken as an alias automatically.
LUXDUPES = r"""
ACOLDWALL | a-cold-wall | 冷墙
Adidas/阿迪达斯 | adidas | 阿迪; 三叶草
AESOP/伊索 | aesop |
AHC | ahc |
AIGLE/始祖鸟 | arcteryx |
AIMER MEN/爱慕先生 | aimer | 爱慕
Alexander McQueen/亚历山大麦昆 | alexander-mcqueen | McQueen; 麦昆
Alexander Wang/亚历山大·王 | alexander-wang |
Allie/嘉娜宝 | allie | -嘉娜宝; 嘉娜宝@kanebo
Amina Muaddi | amina-muaddi |
Amiri/艾米 | amiri | -艾米
Apm monaco | apm-monaco |
Armani/阿玛尼 | armani | 阿家:ordinary
ASICS/亚瑟士 | asics |
Asics GelKayano  | asics |
Audemars/爱彼 | audemars-piguet | Audemars; 艾彼
AXXZIA/晓姿 | axxzia |
Balenciaga/巴黎世家 | balenciaga |
BALLY/巴利 | bally |
Balmain/巴尔曼 | balmain |
Berluti/伯尔鲁帝 | berluti | 布鲁提
Biother/碧欧泉 | biotherm |
Birkenstock/勃肯 | birkenstock |
Blancpain/宝珀 | blancpain |
Bobbi Brown/芭比波朗 | bobbi-brown |
BOLON/暴龙 | bolon |
Bottega/葆蝶家 | bottega-veneta | Bottega; 葆蝶
Boucheron/宝诗龙 | boucheron |
Boy London | boy-london |
Breguet/宝玑 | breguet |
BREITLING/百年灵 | breitling |
Brunello Cucinelli/布鲁内洛·库奇内利 | brunello-cucinelli | Cucinelli; 库奇内利
Bulgari/宝格丽 | bvlgari | Bulgari
Burberry/博柏利 | burberry | 战马
Bvlgari/宝格丽 | bvlgari |
Byrdeo/百瑞德 | - |
Calvin Klein/凯文克莱 | calvin-klein |
Canada Goose/加拿大鹅 | canada-goose | 大鹅
Carhartt/卡哈特 | carhartt |
Carrie Atelier | - |
Cartier/卡地亚 | cartier | 卡家
CASIO/卡西欧 | casio |
Celine/思琳/赛琳 | celine | Céline; 塞林
Champion/冠军 | champion |
Chanel/香奈儿 | chanel | 香奈; 香家; c家; 小香
Chaumet/尚美巴黎 | chaumet |
Chloe/蔻依 | chloe |
Chopard/萧邦/肖邦 | chopard | -肖邦
Christian Louboutin/克里斯提·鲁布托 | christian-louboutin | Louboutin; 鲁布托
Christopher Kane/克里斯托弗·凯恩 | christopher-kane |
Chrome Hearts/克罗心 | chrome-hearts | 剋罗心
CLARINS/娇韵诗 | clarins |
Clinique/倩碧 | clinique |
Coach/蔻驰 | coach |
Converse/匡威 | converse |
COSME DECORTE 黛珂 | cosme-decorte | 黛珂
D&G/杜嘉班纳 | dolce-gabbana | D&G:abbr; DG:abbr; Gabbana
Daniel Wellington/丹尼尔惠灵顿 | daniel-wellington |
DAVID BECKHAM/贝克汉姆 | - |
David Yurman/大卫·雅曼 | david-yurman | Yurman
De Beers/戴比尔斯 | de-beers |
Descente/迪桑特 | descente |
Dickies/迪凯斯 | dickies |
Dikies/迪克斯 | - |
DIESEL/迪赛 | diesel |
Dior/迪奥 | dior | 迪家; D家; 迪澳
DIPTYQUE/蒂普克提 | diptyque |
DITA/迪塔 | dita |
DrMartens/马丁博士 | dr-martens | Martens
Dsquared/D二次方 | dsquared2 | Dsquared
ECCO/爱步 | ecco |
Elizabeth Arden/伊丽莎白·雅顿 | elizabeth-arden |
Essentials/街头潮牌 | - |
Estee Lauder/雅诗兰黛 | estee-lauder |
evidens/伊菲丹 | evidens-de-beaute |
Evisu/福神 | evisu |
Fendi/芬迪 | fendi |
FILA/斐乐 | fila |
FOG Essential | fear-of-god |
Franck Muller/法穆兰 | franck-muller |
Galliano/约翰·加利亚诺 | john-galliano | 加利亚诺
GENTLE MONSTER | gentle-monster |
Gina | - |
Giuseppe Zanotti/朱塞佩·萨诺第 | giuseppe-zanotti | Zanotti; 萨诺第
Givenchy/纪梵希 | givenchy |
Glashutte/格拉苏蒂 | glashutte-original |
Goros/高桥吾郎 | goros | Goros
Goyard/高雅德 | goyard |
Gucci/古驰 | gucci | 古家; 古奇; 古琦; G家; 古弛; 酷奇; 古池:ordinary
Guerlain/娇兰 | guerlain |
Harry Winston/海瑞温斯顿 | harry-winston |
Helena Rubinstein/赫莲娜 | helena-rubinstein |
HELLY HANSEN/海丽汉森 | helly-hansen |
Hermes/爱马仕 | hermes | H家
HOGAN | hogan |
HUBLOT/宇舶/恒宝 | hublot |
HUGO Boss | hugo-boss |
issey miyake/三宅一生 | issey-miyake |
IWC/万国 | iwc |
JACOUEMUS/嘉珂慕诗 | - |
Jacquemus | jacquemus |
Jaeger-LeCoultre/积家 | jaeger-lecoultre | LeCoultre
Jean Paul Gaultier/高提耶 | jean-paul-gaultier | Gaultier
JIL SANDER/吉尔·桑达 | jil-sander |
Jimmy Choo | jimmy-choo |
Jo Malone/祖玛珑 | jo-malone |
Joseph | - |
Jordan/乔丹 | - |
Kelly/凯莉 | hermes | Kelly
KENZO/高田贤三 | kenzo | 肯左
Kiehl’s/科颜氏 | kiehls | Kiehl
kolon sport/可隆 | kolon-sport |
LACOSTE/鳄鱼 | lacoste | 法国鳄鱼; -鳄鱼
Lacroix | - |
La Mer/海蓝之谜 | la-mer |
Lancome/兰蔻 | lancome |
Lange/朗格 | a-lange-sohne |
Lanvin/浪凡 | lanvin |
La Prairie/莱珀妮 | la-prairie |
LI NING/李宁 | li-ning |
Loewe/罗意威 | loewe | 罗家:ordinary
Lola Rose/罗拉 | - |
Longines/浪琴 | longines |
Loro Piana/诺悠翩雅 | loro-piana |
LV/路易威登 | louis-vuitton | LV:abbr; Vuitton; Neverfull; Keepall; 老花; 威登; L家; 路登; L牌
L’Artisan Parfumeur/阿蒂仙 | lartisan-parfumeur |
L’OCCITANE/欧舒丹 | loccitane | Occitane
L’ORÉAL/欧莱雅 | loreal |
Mach & Mach | mach-mach |
Maison Michel | maison-michel |
Mammut/猛犸象 | mammut |
margiela/马吉拉 | maison-margiela |
MARIE MAGE | - |
Marni | marni |
master mind | mastermind-japan |
Matthew Williamson/马修·威廉姆森 | matthew-williamson |
Maurice Lacroix/艾美 | maurice-lacroix |
Max Mara/麦丝玛拉 | max-mara |
MAYBACH/迈巴赫 | maybach |
MCM | mcm |
MercedesBenz/梅赛德斯奔驰 | mercedes-benz | 梅赛德斯
Michael Kors/迈克高仕 | michael-kors |
Mido/美度 | mido |
Mikimoto/御木本 | mikimoto |
Mira Martinova | - |
MiuMiu/谬谬 | miu-miu |
MLB/美联棒 | mlb |
MONCLER/蒙口 | moncler | 蒙家; 濛口
Montblanc/万宝龙 | montblanc |
MOSCHINO/莫斯奇诺 | moschino |
Movado/摩凡陀 | movado |
Nars | nars |
New Balance/新百伦 | new-balance |
Nicholas Kirkwood | nicholas-kirkwood |
Nike/耐克 | nike | Winflo
NY/New York Yankees | new-york-yankees | Yankees
Off White | off-white |
OLAY/玉兰油 | olay |
Ole Lynggard | - |
OMEGA/欧米茄 | omega | 海马
Palm Angels | palm-angels |
Panerai/沛纳海 | panerai |
ParfumsdeMarly/瑪麗之香 | parfums-de-marly |
Parma/帕尔玛 | acqua-di-parma | -帕尔玛
patagonia/巴塔哥尼亚 | patagonia |
Patek Philippe/百达翡丽 | patek-philippe |
Paul Smith/保罗史密斯 | paul-smith |
Penhaligon’s/潘海利根 | penhaligons |
PHILIPP PLEIN/菲利普普莱茵 | philipp-plein |
Piaget/伯爵 | piaget |
Polo ralph lauren/拉夫劳伦 | ralph-lauren |
Porsche/保时捷 | porsche |
Prada/普拉达 | prada | P家; 普家
PREMIATA/普拉米亚达 | premiata |
Puma/彪马 | puma |
POLO/保罗 | - |
Rag & Bone/瑞格布恩 | rag-bone |
RayBan/雷朋 | ray-ban | RayBan
Richard Mille/ 理查米尔 | richard-mille |
Roberto Cavalli | roberto-cavalli |
ROBERTO CAVALLI/罗伯特·卡沃利 | roberto-cavalli | Cavalli; 卡沃利
Roger Dubuis/罗杰杜彼 | roger-dubuis | Dubuis
Roger Vivier,罗杰维维亚 | roger-vivier | Vivier
Rolex/劳力士 | rolex | 劳家
Salomon/萨洛蒙 | salomon |
Salvatore Ferragamo/菲拉格慕 | salvatore-ferragamo |
SANDOZ/山度 | - |
Sandro | sandro |
Seiko/精工 | seiko |
Self Portrait | - |
ShuUemura/植村秀 | shu-uemura |
Sisley/希思黎 | sisley | 希世黎
SK-II | sk-ii | SK2
Snow Peak | snow-peak |
Stella McCartney | stella-mccartney |
Stone Island/石头岛 | stone-island |
STUSSY/斯图西 | stussy |
Swarovski/施华洛世奇 | swarovski |
TAG Heuer/泰格豪雅竞 | tag-heuer | -泰格豪雅竞; Heuer
TheNorthFace/乐斯菲斯 | the-north-face | TNF:abbr
Thom Browne/汤姆布朗 | thom-browne |
Tiffany/蒂芙尼 | tiffany-co | Tiffany
Timberland/添柏岚 | timberland |
TODS/托德斯 | tods | Tods
TOM FORD/汤姆福特 | tom-ford |
Tommy Hilfiger/汤米希尔费格 | tommy-hilfiger | Hilfiger
Tory Burch/汤丽柏琦 | tory-burch |
TUDOR/帝舵 | tudor | 帝陀
Under Armour/安德玛 | under-armour |
vacheron constantin/江诗丹顿 | vacheron-constantin | Vacheron
Valentino/华伦天奴 | valentino | VLTN:abbr
Van Cleef/梵克雅宝 | van-cleef-arpels | Van Cleef
vans/范斯 | vans |
Versace/范思哲 | versace |
Victoria/维多利亚 | - |
Vivienne Westwood/西太后 | vivienne-westwood |
WellDone | we11done |
X-BIONIC | x-bionic |
Yohji Yamamoto/山本耀司 | yohji-yamamoto |
YSL/圣罗兰 | saint-laurent | YSL:abbr
Zegna/杰尼亚 | ermenegildo-zegna |
ZENITH/真力时 | zenith |
"""

# Seller slang in the luxdupes file that is deliberately NOT kept (the
# rest of what is not kept is partial words, masks and misspellings, counted
# by reason). Text -> why.
LUX_SLANG_DROP = {
    "驴": "one character (donkey: 驴友 hikers, 驴行, 驴伴 a luggage brand, 驴肉); "
          "the engine warns (W002) on one-character aliases; LV is covered by 驴家 / LV家 / L家",
    "爱马": "partial, and 'horse lover' (爱马人士 equestrian goods)",
    "劳力": "partial, and 'labour'",
    "宝莉": "partial; 小马宝莉 is My Little Pony",
    "巴宝": "partial of 巴宝莉",
    "世家": "'aristocratic family', in many shop names",
    "加拿大": "the country",
    "大王": "'king' (and GOO.N's name)",
}

# Korean names from the Korean files that are not taken, and why.
KO_DROP = {
    "랜드로바": "a Korean shoe brand (Landrova), not Land Rover",
    "비비안판도라": "a Korean lingerie line, not Pandora",
    "카파시계": "sub-line",
    "이지스피릿": "another brand (Easy Spirit), listed under Geox",
    "에코": "everyday word (eco: 에코백 eco-bag, 에코레더)",
    "에코체": "unclear spelling",
    "지프": "crosses word boundaries (빈티지프레피 'vintage preppy')",
    "오프화이트": "also the colour off-white",
    "가니": "crosses word boundaries (오가닉 'organic')",
    "리닝": "crosses word boundaries (클리닝 'cleaning', care labels)",
    "마크바이": "partial ('Marc by')",
}

# Korean rows whose Latin spelling cannot be matched by the key rule above
# (key shorter than 3 letters, or a sub-line spelled out with the mark's name).
# Latin spelling as in the file -> (mark id, kind).
KO_ROW_TARGET = {
    "Y-3": ("y-3", "alias"),                                  # 와이쓰리 ("Y three"), hangle-filter
    "PLEATS PLEASE ISSEY MIYAKE": ("issey-miyake", "model"),  # 플리츠플리츠, the Pleats Please line
}

# Informal Korean spellings: kind regardless of the Latin alias the row matched
# (the emporioarmani row gives 알마니, an informal spelling of Armani itself,
# not only of the Emporio line).
KO_KIND = {"알마니": "alias"}

# Alias conflicts settled by hand: text -> mark that keeps it.
CONFLICT_WINNER = {"大王": "goo-n", "艾米": "amii", "尤妮佳": "unicharm"}

PRICE_CATEGORIES = ["clothing", "bags", "watches", "jewelry", "electronics", "cosmetics", "toys", "food", "other", "any"]
KIND_ORDER = ["alias", "abbr", "model", "nickname", "ordinary"]
SOURCE_RANK = {"name": 0, "tangbuy": 1, "curated": 2, "korean": 3, "luxdupes": 4, "pinyin": 5}

# ---------------------------------------------------------------------------
# Pinyin
# ---------------------------------------------------------------------------
# Sellers write the pinyin of a Chinese brand name to get past keyword
# filters and Chinese-less search boxes (xiangnaier, luyiweideng, aimashi,
# adidasi, babaoli). The registry gets, as kind "alias", the tone-less pinyin
# (lower case, syllables joined, no spaces: the engine matches Latin aliases
# on word boundaries) of the Chinese names of the top Chinese-market marks:
#   * marks: REQUIRED, the Tangbuy "international" tier, or at least
#     PINYIN_MIN_FAME listings in the luxdupes tag counts;
#   * names: the mark's plain Chinese aliases (kind alias, Han characters
#     only once middle dots are removed); nicknames and ordinary-word aliases
#     are not used (小香 -> xiaoxiang, 苹果 -> pingguo are everyday words);
#   * kept when the name has 3 syllables or more (xiangnaier); 2-syllable
#     pinyin only when it is on PINYIN_TWO_SYLLABLE (distinctive, checked by
#     hand: naike, guchi …) — most 2-syllable pinyin is also a common word or
#     a person's name (diao, wansi, jianeng, leipeng);
#   * dropped: pinyin equal to the mark's name (huawei, fendi), on
#     PINYIN_DROP (literal translations and common words, with the reason),
#     an everyday English word (STOP_WORDS, in clean), or shared with another
#     mark (conflicts, in clean). When /usr/share/dict/words exists, kept
#     pinyin that is a dictionary word is reported on stderr (review it; the
#     output does not depend on that file).
# PINYIN_TABLE is a small table of the characters these names use (one
# reading each, the one used in the brand name: 柏 bai in 博柏利, 乐 le in
# 乐斯菲斯, 大 da). A character missing from it is an error, so a new name
# cannot slip through unreviewed. Format: "syllable:characters".
PINYIN_MIN_FAME = 1000
PINYIN_TABLE = """
a:阿 ai:愛爱艾埃 an:安 ao:奥奧 ba:巴 bai:柏百 ban:班 bao:宝寶葆 bi:彼 biao:彪表 bo:伯博 bu:布步 chi:馳驰 da:大达達 dai:戴
dao:岛 de:德的 deng:登 di:地蒂迪 die:蝶 du:杜 e:鳄鵝鹅 er:儿兒尔 fa:法 fan:梵范 fei:翡菲费 fen:芬 fu:夫芙 gao:高 ge:格
gong:工公 gu:古 guo:国 hua:华花華 huai:怀 huo:霍 ji:吉紀纪 jia:伽佳加嘉家茄 jian:简 jiao:娇 jie:杰 jing:精 ka:卡 kai:凯
ke:克可柯 kou:蔻 kuang:匡 kun:昆 la:拉 lai:睐睞莱 lan:兰岚篮蘭 lang:朗 lao:劳勞 le:乐 lei:勒泪雷 li:丽利力历李莉麗黎里 lin:林琳
ling:令 long:龍龙 lu:路鲁 lun:伦倫 luo:洛罗羅 ma:玛馬马 mai:迈邁麦 man:曼 mao:猫 mei:梅美 meng:盟 mi:米 miu:谬繆缪 mu:姆慕
na:拿纳 nai:奈耐 neng:能 ni:尼 niao:鳥鸟 niu:牛紐 nu:奴 ou:欧歐 peng:朋 pu:普 qi:奇琦 ren:任 rui:锐 sai:塞賽赛 san:三
se:瑟 sen:森 shan:山 sheng:圣生聖 shi:世仕士始施石诗 si:丝思斯司 suo:索 tai:泰 tang:堂汤 te:特 ti:緹缇提 tian:天添田 tou:头
tuo:托 wan:万萬 wang:王 wei:为威為維维薇韦 wen:文 wu:伍 xi:希西 xian:先贤 xiang:香 xin:心新 xiu:秀 xue:雪 ya:亚亞雅 yan:眼
yi:伊依意易 yu:鱼 yun:韵 zai:仔 zhe:哲 zhi:职治 zhou:周 zu:祖
ding:丁
qiao:乔
"""
PINYIN_TWO_SYLLABLE = {"naike", "guchi", "kuangwei", "biaoma", "kouchi"}
PINYIN_DROP = {
    "niuzaideyanlei": "literal translation (Denim Tears: 'the cowboy's tears')",
    "jinggongbiao": "common words ('precision watch'; 精工 is also 'fine workmanship')",
    "shitoudao": "literal translation, ordinary words ('stone island')",
    "meizhilan": "description ('American pro basketball')",
    "aimuxiansheng": "description ('Mr. Aimer', a shop name)",
    "difunigongsi": "description ('Tiffany company'); difuni is kept",
}

# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

CJK_RANGES = [(0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF), (0xF900, 0xFAFF),
              (0x20000, 0x3134F)]


def is_cjk(c: str) -> bool:
    o = ord(c)
    return any(a <= o <= b for a, b in CJK_RANGES)


def has_cjk(s: str) -> bool:
    return any(is_cjk(c) for c in s)


def is_hangul(c: str) -> bool:
    o = ord(c)
    return 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def has_hangul(s: str) -> bool:
    return any(is_hangul(c) for c in s)


INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]")


def norm(s: str) -> str:
    """Like the engine's normalize_pattern: NFKC, lower case, invisibles and
    stray combining marks removed, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s.strip())
    s = INVISIBLE.sub("", s).lower()
    s = unicodedata.normalize("NFC", s)
    s = COMBINING.sub("", s)
    return re.sub(r"\s+", " ", s).strip()


def strip_accents(s: str) -> str:
    return unicodedata.normalize("NFC", COMBINING.sub("", unicodedata.normalize("NFD", s)))


def key(s: str) -> str:
    """Loose key for matching spellings across files: no case, accents, spaces, punctuation."""
    s = strip_accents(unicodedata.normalize("NFKC", s)).lower()
    return re.sub(r"[^a-z0-9]", "", s)


def make_id(name: str) -> str:
    s = strip_accents(unicodedata.normalize("NFKC", name)).lower()
    s = s.replace("'", "").replace("\u2019", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def toml_str(s: str) -> str:
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u%04X" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def warn(msg: str) -> None:
    print(msg, file=sys.stderr)


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------


class Mark:
    def __init__(self, mid: str, name: str, classes: list[int], holder: str, prices: list[tuple[str, float]], source: str):
        self.id = mid
        self.name = name
        self.classes = sorted(set(classes))
        self.holder = holder
        self.prices = prices
        self.sources = {source}
        self.raw_names: set[str] = {name}      # Latin spellings seen in the sources (for Korean matching)
        self.fame = 0
        self.international = False


class Cand:
    __slots__ = ("mark", "text", "kind", "source", "note")

    def __init__(self, mark: str, text: str, kind: str, source: str, note: str = ""):
        self.mark, self.text, self.kind, self.source, self.note = mark, text, kind, source, note


def parse_table(text: str, ncols: int) -> list[list[str]]:
    rows = []
    for line in text.strip("\n").splitlines():
        if not line.strip():
            continue
        if "| - |" in line or line.split("|")[1].strip() == "-":
            parts = [p.strip() for p in line.split("|", 2)]
            rows.append(parts)
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != ncols:
            raise SystemExit(f"table row has {len(parts)} columns, expected {ncols}: {line}")
        rows.append(parts)
    return rows


def parse_prices(s: str) -> list[tuple[str, float]]:
    out = []
    for item in s.split():
        cat, v = item.split(":")
        if cat not in PRICE_CATEGORIES:
            raise SystemExit(f"unknown price category {cat}")
        out.append((cat, float(v)))
    order = {c: i for i, c in enumerate(PRICE_CATEGORIES)}
    return sorted(out, key=lambda p: order[p[0]])


def parse_alias_specs(s: str) -> list[tuple[str, str]]:
    out = []
    for item in s.split(";"):
        item = item.strip()
        if not item:
            continue
        text, kind = item, "alias"
        m = re.match(r"^(.*):(alias|abbr|nickname|model|ordinary)$", item)
        if m:
            text, kind = m.group(1).strip(), m.group(2)
        out.append((text, kind))
    return out


def script_dir() -> str:
    return os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build(data: str):
    marks: dict[str, Mark] = {}
    cands: list[Cand] = []
    stats = Counter()
    dropped = Counter()           # reason -> count
    dropped_examples = defaultdict(list)

    def drop(reason: str, text: str):
        dropped[reason] += 1
        if len(dropped_examples[reason]) < 12:
            dropped_examples[reason].append(text)

    # --- tangbuy backbone ---------------------------------------------------
    with open(os.path.join(data, "brands/tangbuy_brand_shipping_restrictions.json"), encoding="utf-8") as f:
        tb = json.load(f)["brands"]
    tb_rows = [(r, "international") for r in tb["international_brands"]] + [(r, "regular") for r in tb["regular_brands"]]
    table = {}
    for parts in parse_table(TANGBUY, 6):
        table[parts[0]] = parts
    en_count = Counter(r["brand_english_name"] for r, _ in tb_rows)
    used_keys = set()
    excluded = []
    folded = []
    for r, tier in tb_rows:
        en, zh = r["brand_english_name"], r["brand_chinese_name"]
        k = en if en_count[en] == 1 else f"{en}@{zh}"
        if k not in table:
            raise SystemExit(f"tangbuy row not reviewed in TANGBUY: {k!r}")
        used_keys.add(k)
        parts = table[k]
        target = parts[1]
        if target == "-":
            excluded.append((en, parts[2].lstrip("# ").strip() if len(parts) > 2 else ""))
            stats["tangbuy rows excluded"] += 1
            continue
        _, _, classes, holder, prices, aliases = parts
        if target.startswith("@"):
            mid = target[1:]
            folded.append((en, mid))
            stats["tangbuy rows folded into another mark"] += 1
        else:
            mid = make_id(target)
            if mid in marks:
                m = marks[mid]
                if m.classes != sorted({int(c) for c in classes.split()}):
                    raise SystemExit(f"duplicate rows for {mid} disagree on classes")
            else:
                m = Mark(mid, target, [int(c) for c in classes.split()], holder, parse_prices(prices), "tangbuy")
                marks[mid] = m
            if k != "ChowTaiSeng":  # the data's English for 周大福 is Chow Tai Seng's
                m.raw_names.add(en)
            if tier == "international":
                m.international = True
        for text, kind in parse_alias_specs(aliases):
            cands.append(Cand(mid, text, kind, "curated"))
        # Chinese cell
        if zh:
            for part in re.split(r"[/／]", zh):
                part = part.strip()
                # join CJK words written with a space ("路易 威登")
                part = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", part)
                if not part:
                    continue
                part = ZH_FIX.get(part, part)
                if part in ZH_DROP:
                    drop("tangbuy: " + ZH_DROP[part], part)
                    continue
                if not has_cjk(part):
                    drop("tangbuy: Chinese cell has no Chinese", part)
                    continue
                cands.append(Cand(mid, part, "alias", "tangbuy"))
                if "·" in part or "‧" in part or "．" in part or "." in part and has_cjk(part):
                    cands.append(Cand(mid, re.sub(r"[·‧．.]", "", part), "alias", "tangbuy", "dot-free form"))
        else:
            stats["tangbuy rows without a Chinese name"] += 1
    for k in table:
        if k not in used_keys:
            raise SystemExit(f"TANGBUY lists a row that is not in the data: {k!r}")
    stats["tangbuy rows"] = len(tb_rows)

    # --- extra marks --------------------------------------------------------
    for parts in parse_table(EXTRA, 7):
        mid, source, name, classes, holder, prices, aliases = parts
        if make_id(name) != mid:
            raise SystemExit(f"EXTRA id {mid} does not match name {name} ({make_id(name)})")
        if mid in marks:
            raise SystemExit(f"EXTRA mark {mid} already exists")
        marks[mid] = Mark(mid, name, [int(c) for c in classes.split()], holder, parse_prices(prices), source)
        for text, kind in parse_alias_specs(aliases):
            cands.append(Cand(mid, text, kind, "curated"))
        stats["extra marks (" + source + ")"] += 1

    for mid in list(REQUIRED) + [c.mark for c in cands]:
        if mid not in marks:
            raise SystemExit(f"unknown mark id {mid}")

    # Latin keys of every mark (name, source spellings, Latin aliases that are not abbreviations)
    def mark_keys():
        idx: dict[str, str] = {}
        clash = set()
        for m in marks.values():
            ks = {key(n) for n in m.raw_names}
            for c in cands:
                if c.mark == m.id and not has_cjk(c.text) and c.kind in ("alias", "model"):
                    ks.add(key(c.text))
            for k in ks:
                if len(k) < 3:
                    continue
                if k in idx and idx[k] != m.id:
                    clash.add(k)
                idx[k] = m.id
        for k in clash:
            warn(f"note: Latin key {k!r} belongs to several marks; not used for matching")
            idx.pop(k, None)
        return idx

    # --- luxdupes -----------------------------------------------------------
    with open(os.path.join(data, "counterfeit/luxdupes_brand_aliases.json"), encoding="utf-8") as f:
        lux = json.load(f)
    lux_table = {}
    for line in LUXDUPES.strip("\n").splitlines():
        kw, target, kept = [p.strip() for p in line.split("|")]
        lux_table[kw] = (target, kept)
    for rec in lux:
        kw = rec["keyword"].strip()
        if kw not in lux_table:
            raise SystemExit(f"luxdupes record not reviewed in LUXDUPES: {rec['keyword']!r}")
        target, kept = lux_table[kw]
        finds = [x for x in rec["findName"].split(",")]
        kw_parts = [p.strip() for p in re.split(r"[/,]", kw) if p.strip()]
        if target == "-":
            for x in finds:
                drop("luxdupes: record skipped (ambiguous, misspelt or not a brand)", x.strip())
            continue
        marks[target].sources.add("luxdupes")
        for p in kw_parts:
            if not has_cjk(p):
                marks[target].raw_names.add(p)
        specs = parse_alias_specs(kept)
        keep_map = {}
        minus = set()
        for text, kind in specs:
            if text.startswith("-"):
                minus.add(text[1:])
                continue
            tgt = target
            if "@" in text and not text.startswith("@"):
                text, tgt = text.split("@", 1)
            keep_map[text.casefold()] = (text, kind, tgt)
        found = set()
        for x in finds:
            t = x.strip()
            if not t:
                continue
            if has_cjk(t) and t.casefold() in {p.casefold() for p in kw_parts}:
                continue  # the keyword's Chinese name, taken below
            if t.casefold() in keep_map:
                text, kind, tgt = keep_map[t.casefold()]
                found.add(t.casefold())
                cands.append(Cand(tgt, text, kind, "luxdupes"))
                continue
            raw = x
            if t in LUX_SLANG_DROP:
                drop("luxdupes: slang not kept: " + LUX_SLANG_DROP[t], t)
            elif re.search(r"[*～~▫@【】]", raw) or raw != raw.strip() and len(raw.strip()) <= 2:
                drop("luxdupes: masked or spaced-out fragment", raw)
            elif unicodedata.normalize("NFKC", t) != t:
                drop("luxdupes: homoglyph spelling (handled by normalisation/evasion)", t)
            elif (has_cjk(t) and len(t) < 2) or (not has_cjk(t) and len(t) < 3):
                drop("luxdupes: too short", t)
            elif any(key(t) == key(n) for n in marks[target].raw_names | {marks[target].name}):
                drop("luxdupes: same as the mark's name", t)
            else:
                drop("luxdupes: partial word, misspelling or ambiguous (not kept)", t)
        # Chinese parts of the keyword ("Chanel/香奈儿")
        for p in kw_parts:
            if p.casefold() in keep_map:
                if p.casefold() not in found:
                    text, kind, tgt = keep_map[p.casefold()]
                    cands.append(Cand(tgt, text, kind, "luxdupes"))
                    found.add(p.casefold())
                continue
            if has_cjk(p) and not has_hangul(p):
                if p in minus:
                    drop("luxdupes: keyword part dropped by hand", p)
                    continue
                if re.search(r"[A-Za-z]", p):
                    continue  # "COSME DECORTE 黛珂": handled through keep list
                cands.append(Cand(target, p, "alias", "luxdupes"))
                if "·" in p:
                    cands.append(Cand(target, p.replace("·", ""), "alias", "luxdupes", "dot-free form"))
        for k in keep_map:
            if k not in found:
                raise SystemExit(f"LUXDUPES keeps {k!r} for {kw!r} but it is not in the record")

    # --- fame from tag counts ----------------------------------------------
    idx = mark_keys()
    with open(os.path.join(data, "counterfeit/luxdupes_brand_tag_counts.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = int(row["count"])
            for part in row["name"].split("/"):
                mid = idx.get(key(part))
                if mid:
                    marks[mid].fame = max(marks[mid].fame, n)
                    break
            else:
                stats["tag-count names not matched to a mark"] += 1

    # --- Korean -------------------------------------------------------------
    ko_rows: list[tuple[list[str], list[str], str]] = []  # (latin spellings, korean names, file)
    with open(os.path.join(data, "brands/korean_english_fashion_brand_pairs.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            kor, eng = (row["brandNameKor"] or "").strip(), (row["brandNameEng"] or "").strip().rstrip(";")
            if kor and eng:
                ko_rows.append(([eng], [kor], "pairs"))
    with open(os.path.join(data, "brands/korean_brand_synonyms_hangle_filter.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            names = [(row["brand"] or "").strip()] + [s.strip().strip('"') for s in (row["brandSynonyms"] or "").split("|")]
            names = [n for n in names if n]
            lat = [n for n in names if not has_hangul(n) and not has_cjk(n)]
            kor = [n for n in names if has_hangul(n)]
            if lat and kor:
                ko_rows.append((lat, kor, "hangle"))
    idx = mark_keys()
    # kind inherited from the Latin alias the Korean row matched (e.g. Galaxy -> 갤럭시 model)
    latin_kind = {}
    for c in cands:
        if not has_cjk(c.text):
            latin_kind[(c.mark, key(c.text))] = c.kind
    for lat, kor, src in ko_rows:
        hits = {idx[key(l)]: key(l) for l in lat if key(l) in idx}
        forced = [KO_ROW_TARGET[l] for l in lat if l in KO_ROW_TARGET]
        if forced:
            (mid, fkind), = set(forced)
            if mid not in marks:
                raise SystemExit(f"KO_ROW_TARGET names an unknown mark {mid}")
            hits = {mid: None}
            latin_kind[(mid, None)] = fkind
        if len(hits) != 1:
            if len(hits) > 1:
                warn(f"note: Korean row {kor} matches several marks {sorted(hits)}; skipped")
            continue
        (mid, k), = hits.items()
        kind = latin_kind.get((mid, k), "alias")
        if kind not in ("alias", "model"):
            kind = "alias"
        for kname in kor:
            kname = re.sub(r"\s+", " ", kname).strip()
            if kname in KO_DROP:
                drop("korean: " + KO_DROP[kname], kname)
                continue
            cands.append(Cand(mid, kname, KO_KIND.get(kname, kind), "korean", src))
            marks[mid].sources.add("korean")

    # --- pinyin of the Chinese names of the top Chinese-market marks -------
    py_of = {}
    for line in PINYIN_TABLE.split():
        syl, chars = line.split(":")
        for ch in chars:
            if ch in py_of:
                raise SystemExit(f"PINYIN_TABLE lists {ch} twice")
            py_of[ch] = syl
    top = {m.id for m in marks.values() if m.id in REQUIRED or m.international or m.fame >= PINYIN_MIN_FAME}
    stats["pinyin: top Chinese-market marks"] = len(top)
    seen_py = set()
    for c in list(cands):
        if c.mark not in top or c.kind != "alias" or has_hangul(c.text):
            continue
        if c.text in ORDINARY or c.text in NICKNAME or c.text in MODEL or c.text in ZH_DROP:
            continue
        han = re.sub(r"[·‧．.]", "", c.text)
        if not han or not all(is_cjk(ch) for ch in han):
            continue
        missing = sorted({ch for ch in han if ch not in py_of})
        if missing:
            raise SystemExit(f"PINYIN_TABLE has no reading for {''.join(missing)} (in {c.text!r} of {c.mark})")
        syls = [py_of[ch] for ch in han]
        py = "".join(syls)
        if (c.mark, py) in seen_py:
            continue
        seen_py.add((c.mark, py))
        m = marks[c.mark]
        if any(key(py) == key(n) for n in m.raw_names | {m.name}):
            drop("pinyin: same as the mark's name", py)
        elif py in PINYIN_DROP:
            drop("pinyin: " + PINYIN_DROP[py], py)
        elif len(syls) < 3 and py not in PINYIN_TWO_SYLLABLE:
            drop("pinyin: two syllables, not distinctive", py)
        else:
            cands.append(Cand(c.mark, py, "alias", "pinyin", c.text))
            stats["pinyin aliases generated"] += 1
    for py in sorted(PINYIN_TWO_SYLLABLE | set(PINYIN_DROP)):
        if py not in {p for _, p in seen_py}:
            raise SystemExit(f"pinyin {py!r} is listed but no top mark's Chinese name gives it")

    return marks, cands, stats, dropped, dropped_examples, excluded, folded


def clean(marks, cands, dropped, dropped_examples):
    """Apply kind overrides and hygiene; resolve conflicts. Returns mark -> [(text, kind)]."""

    def drop(reason, text):
        dropped[reason] += 1
        if len(dropped_examples[reason]) < 12:
            dropped_examples[reason].append(text)

    required_texts = {(mid, t) for mid, al in REQUIRED.items() for t in al}
    # 1. kind overrides and per-alias hygiene
    ok: list[Cand] = []
    for c in cands:
        t = re.sub(r"\s+", " ", c.text).strip()
        c.text = t
        if c.source != "curated" or c.kind == "alias":
            if t in ORDINARY:
                c.kind = "ordinary"
            elif t in NICKNAME:
                c.kind = "nickname"
            elif t in MODEL:
                c.kind = "model"
        if re.search(r"[*～~▫【】]", t):
            drop("masked", t)
            continue
        cjk = has_cjk(t)
        n = norm(t)
        if cjk:
            if len(n) < 2:
                drop("one CJK character", t)
                continue
        else:
            letters = re.sub(r"[^a-z0-9&]", "", n)
            if len(letters) < 3 and not (c.kind == "abbr" and n in ABBR_OK):
                drop("Latin alias shorter than 3 letters", t)
                continue
            if c.kind == "abbr" and n not in ABBR_OK:
                drop("abbreviation not on the allow list", t)
                continue
            if n in STOP_WORDS and key(t) != key(marks[c.mark].name):
                drop("everyday English word of up to 5 letters", t)
                continue
        ok.append(c)

    # 2. per mark: dedupe, drop aliases equal to the mark's own name
    per_mark: dict[str, dict[str, Cand]] = defaultdict(dict)
    rank = {k: i for i, k in enumerate(["model", "alias", "abbr", "nickname", "ordinary"])}
    for c in ok:
        m = marks[c.mark]
        n = norm(c.text)
        # exact forms only: an accented alias of an unaccented name ("Céline" of
        # "Celine") matches accented text, which the name does not
        if n == norm(m.name):
            drop("same as the mark's name", c.text)
            continue
        prev = per_mark[c.mark].get(n)
        if prev is None:
            per_mark[c.mark][n] = c
        else:
            # keep the stricter kind (ordinary beats alias) and the better source
            if c.kind == "ordinary" or prev.kind == "ordinary":
                prev.kind = "ordinary"
            elif rank[c.kind] < rank[prev.kind]:
                prev.kind = c.kind
            if SOURCE_RANK[c.source] < SOURCE_RANK[prev.source]:
                prev.source = c.source
                prev.text = c.text if c.text[:1].isupper() or has_cjk(c.text) else prev.text
            drop("duplicate within a mark (same text from several sources)", c.text)

    # 3. cross-mark conflicts (names count as owned by their mark)
    # keyed by the accent-free form: the engine also matches that form of every pattern
    owners: dict[str, list[tuple[str, Cand | None, str]]] = defaultdict(list)
    for m in marks.values():
        owners[strip_accents(norm(m.name))].append((m.id, None, ""))
    for mid, d in per_mark.items():
        for n, c in d.items():
            owners[strip_accents(n)].append((mid, c, n))
    conflicts = []
    for n, lst in sorted(owners.items()):
        mids = sorted({mid for mid, _, _ in lst})
        if len(mids) < 2:
            continue
        name_owners = [mid for mid, c, _ in lst if c is None]
        texts = [c.text for _, c, _ in lst if c is not None]
        if texts and texts[0] in CONFLICT_WINNER:
            winner = CONFLICT_WINNER[texts[0]]
        elif name_owners:
            if len(name_owners) > 1:
                raise SystemExit(f"two marks have the same name {n!r}: {name_owners}")
            winner = name_owners[0]
        else:
            def score(mid):
                m = marks[mid]
                return (mid in REQUIRED, m.fame, m.international, -len(m.id))
            winner = max(mids, key=lambda mid: (score(mid), mid))
        for mid, c, own_key in lst:
            if c is not None and mid != winner:
                if (mid, c.text) in required_texts:
                    raise SystemExit(f"required alias {c.text!r} of {mid} lost a conflict to {winner}")
                del per_mark[mid][own_key]
                conflicts.append((c.text, mid, winner))
                drop("shared with another mark (kept on the better-known one)", c.text)
    for text, loser, winner in conflicts:
        warn(f"conflict: alias {text!r} dropped from {loser}, kept on {winner}")

    # 4. redundant CJK aliases: contains another plain CJK alias of the same mark
    out: dict[str, list[Cand]] = {}
    for mid, d in per_mark.items():
        cs = list(d.values())
        plain = [c for c in cs if c.kind == "alias" and has_cjk(c.text)]
        keep = []
        for c in cs:
            if (c.kind == "alias" and has_cjk(c.text) and (mid, c.text) not in required_texts
                    and any(o is not c and norm(o.text) in norm(c.text) and norm(o.text) != norm(c.text) for o in plain)):
                drop("redundant: contains a shorter Chinese/Korean alias of the same mark", c.text)
                continue
            keep.append(c)
        out[mid] = keep
    return out, conflicts


def render(marks, aliases, out_path, regen_cmd):
    lines = [
        "# Default trademark registry of the iprscreen ruleset.",
        "# GENERATED FILE - do not edit by hand. Regenerate with:",
        f"#   {regen_cmd}",
        "# Sources, licences and what is estimated: rulesets/default/README.md",
        "# `recorded = true` means \"treated as recorded for screening\" (hand-picked list),",
        "# NOT an official customs recordation; no registration numbers are given.",
        "",
    ]
    kind_rank = {k: i for i, k in enumerate(KIND_ORDER)}
    for mid in sorted(marks):
        m = marks[mid]
        lines.append("[[mark]]")
        lines.append(f"id = {toml_str(m.id)}")
        lines.append(f"name = {toml_str(m.name)}")
        lines.append(f"holder = {toml_str(m.holder)}")
        lines.append("classes = [" + ", ".join(str(c) for c in m.classes) + "]")
        if mid in REQUIRED:
            lines.append("recorded = true")
        al = sorted(aliases.get(mid, []), key=lambda c: (kind_rank[c.kind], norm(c.text), c.text))
        if al:
            lines.append("aliases = [")
            for c in al:
                if c.kind == "alias":
                    lines.append(f"  {toml_str(c.text)},")
                else:
                    lines.append(f"  {{ text = {toml_str(c.text)}, kind = {toml_str(c.kind)} }},")
            lines.append("]")
        if m.prices:
            lines.append("genuine_price = [")
            for cat, v in m.prices:
                lines.append(f"  {{ category = {toml_str(cat)}, min = {v:.1f}, currency = \"USD\" }},")
            lines.append("]")
        lines.append("")
    text = "\n".join(lines)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return text


# ---------------------------------------------------------------------------
# Generated ruleset tests (rulesets/default/mark_tests.toml)
# ---------------------------------------------------------------------------
# Every mark gets one positive case: its canonical name in a title of its own
# goods category (the first of Nice 25, 18, 14, 9, 3, 28, food, then a few
# other classes), with that category's HS code; on a counterfeit-prone
# category an in-class mark must reach "medium". The titles are written from
# templates here, not copied from the title data sets (those are test data
# that must not ship in the product; this file is embedded in the binary).
# The seller slang, informal spellings and ordinary-word aliases added for
# issue 3 (and the nicknames the issue names) get a positive case (the alias
# in a title of the mark's category) and a negative case: the everyday use
# of the words, written in ALIAS_NEGATIVE. Every pinyin alias gets a positive
# case and a negative one: the pinyin inside a longer romanised word (a
# company name such as "Shenzhen Naikeda Technology"), which must not match.
TEMPLATES = {
    # category: (HS code, English, Chinese, Korean)
    "clothing": ("6110", "{} cotton hoodie men black", "{} 男士 连帽卫衣 黑色", "{} 남성 후드티 블랙"),
    "bags": ("4202", "{} leather shoulder bag women", "{} 女士 真皮 单肩包", "{} 여성 가죽 숄더백"),
    "watches": ("9102", "{} stainless steel wrist watch men", "{} 男士 机械 手表", "{} 남성 손목시계 메탈"),
    "electronics": ("8518", "{} wireless bluetooth earphones", "{} 无线 蓝牙耳机", "{} 블루투스 무선 이어폰"),
    "cosmetics": ("3304", "{} moisturizing face cream 50ml", "{} 保湿 面霜 50ml", "{} 수분 크림 50ml"),
    "toys": ("9503", "{} plastic toy figure set for kids", "{} 儿童 玩具 公仔", "{} 어린이 장난감 피규어"),
    "food": ("2106", "{} snack gift box 500g", "{} 零食 礼盒 500g", "{} 과자 선물세트 500g"),
}
# Marks with none of the classes above: a plain title of their goods, no HS
# code (category "other": the mark is still reported, at a lower weight).
OTHER_TEMPLATES = [
    (12, "{} car floor mats set"), (16, "{} ballpoint pen set"), (21, "{} stainless steel vacuum flask"),
    (11, "{} electric kettle 1.7l"), (7, "{} vacuum cleaner spare filter"), (10, "{} 12 pcs pack"),
    (5, "{} baby diapers size m 60 pcs"),
]
CATEGORY_ORDER = [(25, "clothing"), (18, "bags"), (14, "watches"), (9, "electronics"), (3, "cosmetics"),
                  (28, "toys")] + [(c, "food") for c in (29, 30, 31, 32, 33, 34)]
PRONE = {"clothing", "bags", "watches", "electronics", "cosmetics"}

# alias text -> negative description (the everyday use; the alias's mark
# must not be reported). Every text must be an alias in the registry.
ALIAS_NEGATIVE = {
    # added for issue 3
    "驴家": "驴肉火烧 真空包装 河北特产",
    "LV家": "LV家用配电箱 低压 空开",
    "L牌": "奥迪A4L牌照框 不锈钢",
    "路登": "户外越野山路登山鞋 男",
    "卡家": "内存卡家用监控摄像头 64G",
    "蒙家": "内蒙家乡特产 牛肉干 500g",
    "濛口": "烟雨濛濛口红 哑光 持久",
    "普家": "普通家用 折叠雨伞 晴雨两用",
    "古弛": "松弛感 古风 连衣裙 女",
    "酷奇": "超酷奇葩 搞怪 T恤 男",
    "古池": "日式 古池 庭院 石灯笼 摆件",
    "迪澳": "迪拜 澳洲 旅行 收纳包",
    "帝陀": "帝王 陀螺 儿童玩具",
    "肯左": "肯定 左右 对称 耳环",
    "剋罗心": "克罗地亚 国家队 球衣",
    "阿家": "阿家小厨 卤味 熟食 500g",
    "罗家": "罗家湾 特产 腊肉 礼盒",
    "VLTN": "valentine's day gift box for her",
    "希世黎": "希世之宝 收藏 摆件",
    "와이쓰리": "와이파이 공유기 쓰리홀",
    "알마니": "할머니 니트 조끼",
    "플리츠플리츠": "플리츠 스커트 롱 여성",
    # nicknames named in issue 3 that were already in the registry
    "小香": "小香薯 地瓜 5斤装",
    "老花": "老花镜 男 高清 防蓝光",
    "大鹅": "铁锅炖大鹅 调料包",
    "c家": "Type-C家用充电器 快充头",
    "G家": "4G家用无线路由器 插卡",
    "古家": "明清古家具 老榆木 茶几",
    "D家": "3D家居装饰墙贴 客厅",
}
# Aliases added for issue 3 that get only a positive case (a product line).
ALIAS_POSITIVE_ONLY = {"엠포리오알마니"}


def mark_category(classes):
    for c, cat in CATEGORY_ORDER:
        if c in classes:
            return cat
    return None


def render_tests(marks, aliases, out_path, regen_cmd):
    lines = [
        "# Ruleset tests for the default registry (marks.toml).",
        "# GENERATED FILE - do not edit by hand. Regenerate with:",
        f"#   {regen_cmd}",
        "# What is generated and why: the TEMPLATES / ALIAS_NEGATIVE section of",
        "# tools/build_default_registry.py. Titles are written from templates, not",
        "# copied from any data set.",
        "",
    ]

    def case(name, desc, hs=None, marks_=None, no_marks=None, min_level=None, note=None):
        if note:
            lines.append(f"# {note}")
        lines.append("[[test]]")
        lines.append(f"name = {toml_str(name)}")
        lines.append(f"description = {toml_str(desc)}")
        if hs:
            lines.append(f"hs_code = {toml_str(hs)}")
        if marks_:
            lines.append("marks = [" + ", ".join(toml_str(x) for x in marks_) + "]")
        if no_marks:
            lines.append("no_marks = [" + ", ".join(toml_str(x) for x in no_marks) + "]")
        if min_level:
            lines.append(f"min_level = {toml_str(min_level)}")
        lines.append("")

    def script(text):
        return 3 if has_hangul(text) else 2 if has_cjk(text) else 1

    counts = Counter()
    lines.append("# --- one positive case per mark " + "-" * 45)
    lines.append("")
    for mid in sorted(marks):
        m = marks[mid]
        cat = mark_category(m.classes)
        if cat:
            hs, en = TEMPLATES[cat][0], TEMPLATES[cat][1]
            case(f"mark-{mid}", en.format(m.name), hs, [mid], min_level="medium" if cat in PRONE else None)
        else:
            tmpl = next((t for c, t in OTHER_TEMPLATES if c in m.classes), "{} 1 pc")
            case(f"mark-{mid}", tmpl.format(m.name), None, [mid])
        counts["mark"] += 1

    owner = {}
    for mid, al in aliases.items():
        for c in al:
            owner[c.text] = (mid, c)
    for t in list(ALIAS_NEGATIVE) + sorted(ALIAS_POSITIVE_ONLY):
        if t not in owner:
            raise SystemExit(f"ALIAS_NEGATIVE / ALIAS_POSITIVE_ONLY names {t!r}, which is not an alias in the registry")

    def positive(mid, c, idx):
        m = marks[mid]
        cat = mark_category(m.classes) or "clothing"
        hs, en, zh, ko = TEMPLATES[cat]
        tmpl = {1: en, 2: zh, 3: ko}[script(c.text)]
        if c.source == "pinyin":
            tmpl = zh
        in_class = mark_category(m.classes) is not None
        case(f"alias-{mid}-{idx}-positive", tmpl.format(c.text), hs, [mid],
             min_level="medium" if in_class and cat in PRONE else None,
             note=f"{c.kind} `{c.text}` of {m.name}" + (f" (pinyin of {c.note})" if c.source == "pinyin" else ""))

    lines.append("# --- seller slang, informal spellings, ordinary-word aliases (issue 3) " + "-" * 8)
    lines.append("")
    for i, t in enumerate(list(ALIAS_NEGATIVE) + sorted(ALIAS_POSITIVE_ONLY)):
        mid, c = owner[t]
        positive(mid, c, f"s{i:02d}")
        counts["alias positive"] += 1
        if t in ALIAS_NEGATIVE:
            case(f"alias-{mid}-s{i:02d}-negative", ALIAS_NEGATIVE[t], None, None, [mid],
                 note=f"everyday words around `{t}` are not {marks[mid].name}")
            counts["alias negative"] += 1

    lines.append("# --- pinyin aliases " + "-" * 58)
    lines.append("")
    pys = sorted(((mid, c) for mid, al in aliases.items() for c in al if c.source == "pinyin"),
                 key=lambda x: (x[0], x[1].text))
    for i, (mid, c) in enumerate(pys):
        positive(mid, c, f"p{i:02d}")
        case(f"alias-{mid}-p{i:02d}-negative", f"Shenzhen {c.text.capitalize()}da Technology Co., Ltd. sample parcel",
             None, None, [mid], note=f"`{c.text}` inside a longer romanised word is not {marks[mid].name}")
        counts["pinyin positive"] += 1
        counts["pinyin negative"] += 1
    text = "\n".join(lines)
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return counts



# Real-title cases (tests/data/cases/mark_real_titles.toml). Only from the
# title sets whose repository licence allows redistribution (Apache-2.0:
# Walmart-Amazon electronics and the WDC shoes/watches titles, both from
# megagonlabs/ditto; see SOURCES.md); the other title sets are test data that
# stay in the shared folder. A title is used for a mark when it starts with
# the mark's name (brand-first listing) and has no compatibility wording;
# Walmart-Amazon rows also need the mark in their brand column. First such
# title in file order, one per mark. Test fixture only: not embedded.
REAL_TITLE_SOURCES = [
    ("titles_en/walmart_amazon_electronics_records.tsv", "Walmart-Amazon (megagonlabs/ditto, Apache-2.0)"),
    ("titles_en/wdc_shoes_titles.txt", "WDC shoes (megagonlabs/ditto, Apache-2.0)"),
    ("titles_en/wdc_watches_titles.txt", "WDC watches (megagonlabs/ditto, Apache-2.0)"),
]


def render_real_title_tests(data, marks, out_path, regen_cmd):
    titles = []
    for rel, label in REAL_TITLE_SOURCES:
        path = os.path.join(data, rel)
        with open(path, encoding="utf-8") as f:
            if rel.endswith(".tsv"):
                for row in csv.DictReader(f, delimiter="\t"):
                    titles.append((label, row["title"], key(row["brand"] or "")))
            else:
                for line in f:
                    titles.append((label, line.strip(), None))
    compat = re.compile(r"(?<![a-z0-9])(?:for|compatible|fits|replacement)(?![a-z0-9])")
    lines = [
        "# Real product titles that name a default-registry mark (one per mark).",
        "# GENERATED FILE - do not edit by hand. Regenerate with:",
        f"#   {regen_cmd}",
        "# Sources (licence of the repository): " + "; ".join(label for _, label in REAL_TITLE_SOURCES) + ".",
        "# Rule: REAL_TITLE_SOURCES in tools/build_default_registry.py.",
        "",
    ]
    n = 0
    for mid in sorted(marks):
        m = marks[mid]
        start = re.compile(r"^[\s\"']*" + re.escape(norm(m.name)) + r"(?![a-z0-9])")
        for label, t, brand in titles:
            nt = norm(t)
            if not start.match(nt) or compat.search(nt) or len(t) > 200:
                continue
            if brand is not None and brand != key(m.name):
                continue
            lines.append(f"# {label}")
            lines.append("[[test]]")
            lines.append(f"name = {toml_str('real-title-' + mid)}")
            lines.append(f"description = {toml_str(t)}")
            lines.append(f"marks = [{toml_str(mid)}]")
            lines.append("")
            n += 1
            break
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    return n


def validate(path: str) -> list[str]:
    errors = []
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    allowed = {"id", "name", "holder", "classes", "recorded", "valid_until", "contact", "aliases",
               "registrations", "authorized", "infringers", "genuine_price"}
    if set(doc) != {"mark"}:
        errors.append(f"unexpected top-level keys {set(doc) - {'mark'}}")
    seen_ids = set()
    owner: dict[str, str] = {}
    by_id = {}
    for m in doc.get("mark", []):
        mid = m.get("id", "")
        by_id[mid] = m
        extra = set(m) - allowed
        if extra:
            errors.append(f"{mid}: unknown fields {extra}")
        if not re.fullmatch(r"[a-z0-9_-]+", mid):
            errors.append(f"bad id {mid!r}")
        if mid in seen_ids:
            errors.append(f"duplicate id {mid}")
        seen_ids.add(mid)
        if not m.get("name"):
            errors.append(f"{mid}: empty name")
        cl = m.get("classes", [])
        if not cl or any(not isinstance(c, int) or not 1 <= c <= 45 for c in cl):
            errors.append(f"{mid}: classes {cl}")
        if m.get("recorded") and mid not in REQUIRED:
            errors.append(f"{mid}: recorded but not on the required list")
        texts = [m["name"]]
        for a in m.get("aliases", []):
            if isinstance(a, str):
                texts.append(a)
            else:
                if set(a) - {"text", "kind", "weight"}:
                    errors.append(f"{mid}: alias fields {set(a)}")
                if a.get("kind", "alias") not in KIND_ORDER:
                    errors.append(f"{mid}: alias kind {a.get('kind')}")
                texts.append(a["text"])
        for t in texts:
            for n in {norm(t), strip_accents(norm(t))}:
                if not n:
                    errors.append(f"{mid}: empty alias")
                if n in owner and owner[n] != mid:
                    errors.append(f"alias {t!r} shared by {owner[n]} and {mid}")
                owner.setdefault(n, mid)
        for p in m.get("genuine_price", []):
            if p.get("category") not in PRICE_CATEGORIES or not p.get("min", 0) > 0 or p.get("currency") != "USD":
                errors.append(f"{mid}: bad price {p}")
    for mid, req in REQUIRED.items():
        m = by_id.get(mid)
        if m is None:
            errors.append(f"required mark {mid} missing")
            continue
        if not m.get("recorded"):
            errors.append(f"required mark {mid} not recorded")
        have = {}
        for a in m.get("aliases", []):
            if isinstance(a, str):
                have[a] = "alias"
            else:
                have[a["text"]] = a.get("kind", "alias")
        for t, kind in req.items():
            if t not in have:
                errors.append(f"required alias {t!r} of {mid} missing")
            elif have[t] != kind:
                errors.append(f"required alias {t!r} of {mid} has kind {have[t]}, expected {kind}")
    return errors


def main() -> int:
    repo = os.path.dirname(script_dir())
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.normpath(os.path.join(repo, "..", "shared", "data")),
                    help="shared data folder (default: <repo>/../shared/data)")
    ap.add_argument("--out", default=os.path.join(repo, "rulesets", "default", "marks.toml"),
                    help="output file (default: <repo>/rulesets/default/marks.toml)")
    args = ap.parse_args()

    marks, cands, stats, dropped, examples, excluded, folded = build(args.data)
    aliases, conflicts = clean(marks, cands, dropped, examples)
    render(marks, aliases, args.out, "python3 tools/build_default_registry.py")
    tests_out = os.path.join(os.path.dirname(args.out), "mark_tests.toml")
    test_counts = render_tests(marks, aliases, tests_out, "python3 tools/build_default_registry.py")
    real_out = os.path.join(repo, "tests", "data", "cases", "mark_real_titles.toml")
    test_counts["real-title cases"] = render_real_title_tests(args.data, marks, real_out,
                                                              "python3 tools/build_default_registry.py")
    errors = validate(args.out)

    # guards.toml says every guard contains an alias of this registry or a
    # coded word (a `terms` rule of rules.toml): check it
    guards_path = os.path.join(os.path.dirname(args.out), "guards.toml")
    rules_path = os.path.join(os.path.dirname(args.out), "rules.toml")
    if os.path.exists(guards_path):
        with open(guards_path, "rb") as f:
            guards = [g["text"] for g in tomllib.load(f).get("guard", [])]
        texts = {norm(m.name) for m in marks.values()} | {norm(c.text) for al in aliases.values() for c in al}
        if os.path.exists(rules_path):
            with open(rules_path, "rb") as f:
                rules = tomllib.load(f).get("rule", [])
            texts |= {norm(t) for r in rules if r.get("kind") == "terms" for t in r.get("terms", [])}
        for g in guards:
            if not any(t in norm(g) for t in texts):
                warn(f"note: guard {g!r} contains no name, alias or coded word of the ruleset; it never applies")
    words_file = "/usr/share/dict/words"
    if os.path.exists(words_file):
        with open(words_file, encoding="utf-8", errors="replace") as f:
            words = {w.strip().lower() for w in f}
        for mid, al in sorted(aliases.items()):
            for c in al:
                if c.source == "pinyin" and c.text in words:
                    warn(f"review: pinyin alias {c.text!r} of {mid} is a word in {words_file}")
    kinds = Counter(c.kind for al in aliases.values() for c in al)
    scripts = Counter("zh" if has_cjk(c.text) and not has_hangul(c.text) else "ko" if has_hangul(c.text) else "latin"
                      for al in aliases.values() for c in al)
    print(f"wrote {os.path.relpath(args.out)}")
    print(f"marks: {len(marks)} (recorded: {sum(1 for m in marks if m in REQUIRED)}, "
          f"with genuine_price: {sum(1 for m in marks.values() if m.prices)}, "
          f"with holder: {sum(1 for m in marks.values() if m.holder)})")
    for k, v in sorted(stats.items()):
        print(f"  {k}: {v}")
    print(f"aliases: {sum(kinds.values())} — by kind: " + ", ".join(f"{k} {kinds[k]}" for k in KIND_ORDER)
          + " — by script: " + ", ".join(f"{k} {v}" for k, v in sorted(scripts.items())))
    print(f"conflicts resolved: {len(conflicts)} (details on stderr)")
    print(f"wrote {os.path.relpath(tests_out)} and {os.path.relpath(real_out)}: "
          + ", ".join(f"{k} {v}" for k, v in test_counts.items()))
    print("aliases dropped, by reason:")
    for reason, n in sorted(dropped.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {n:4d}  {reason}  e.g. {', '.join(examples[reason][:6])}")
    print(f"tangbuy rows excluded: {', '.join(e for e, _ in excluded)}")
    if errors:
        for e in errors:
            print("ERROR: " + e, file=sys.stderr)
        return 1
    print("validation: OK (tomllib parse, unique ids, unique aliases, classes 1..45, required marks and aliases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
