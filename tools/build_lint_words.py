#!/usr/bin/env python3
"""Build the common-word lists of the over-broad alias lint (W003).

    python3 tools/build_lint_words.py              # data: <repo>/../shared/data
    python3 tools/build_lint_words.py --data DIR   # another copy of the data
    python3 tools/build_lint_words.py --check      # exit 1 if the files differ

Writes `src/lint/words_en.txt`, `src/lint/words_zh.txt` and
`src/lint/words_ko.txt`, which `src/lint.rs` embeds with `include_str!`.
Python 3.11+, standard library only; deterministic output (sorted, no
timestamps): running it twice gives the same bytes.

What an "ordinary word" is here
-------------------------------
A word that shows up in product titles as a plain word, not as the brand of
the goods, so a brand alias spelled the same would match in listings of
other brands. Each list is the union of

* words counted in real product titles (sources below): a token is kept
  when it occurs in at least MIN_DF titles whose labelled brand is another
  one (the title's own brand words are not counted), of at least
  MIN_BRANDS different brands, and (English) is a lower-case word of the
  system dictionary (`/usr/share/dict/words`, Debian's wamerican), which
  drops model numbers and product-line names (zbook, ipod);
* hand-picked everyday words (HAND_* below), above all the everyday words
  that are also brand names or product lines (apple, galaxy, coach, 苹果,
  博士, 鳄鱼, 갤럭시, 보스), which the counting leaves out on purpose.

The counting leaves out English tokens that are mostly their titles' own
brand (MAX_OWN_SHARE): the corpora are full of compatibility mentions
(`for apple`, `for dell`) that would otherwise make every big brand look
"ordinary". Whether a brand name is also an everyday word is a judgement,
made in HAND_*. The Chinese words are annotated product types and the
Korean titles do not contain their own brand, so both need no such filter.

Tokens: English titles are lower-cased and split into runs of letters
(3+ letters, no digits). Chinese titles have no spaces; the annotated
product-type spans are the words (Taobao HCCX spans; JD spans of the
non-brand, non-model labels). Korean titles are split on spaces and
punctuation (runs of 2+ Hangul syllables).

Sources (paths relative to shared/data; provenance and licences in its
SOURCES.md). Only word counts are taken from them, no titles:
  titles_en/walmart_amazon_electronics_records.tsv  megagonlabs/ditto (Apache-2.0)
  titles_en/laptops_{amazon,walmart}_products.csv    dliangsta/CS839-project
  titles_en/myntra_products_catalog.csv              KrishnakantDas/Myntra-content-based-recommendation-system
  titles_en/fashion_product_images_styles.csv        animmala3942/FashionProductRecommendationSystem
  titles_zh/taobao_ecommerce_ner_titles.tsv          allanj/ner_incomplete_annotation (Jie et al., NAACL 2019)
  titles_zh/jd_gaiic2022_titles_500.tsv              yanqiangmiffy/Product-Entity-Recognition (GAIIC 2022)
  titles_ko/musinsa_ranking_products.tsv             1Dohyeon/BDP-team7
"""

import argparse
import collections
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "lint"

# A token must occur in this many titles of other brands (or of no brand)...
MIN_DF = {"en": 5, "zh": 2, "ko": 4}
# ...of at least this many different brands: a word of one or two brands'
# titles is a product line (zephyrus, zbook, 눕시), not an ordinary word.
# The Chinese words are annotated product types already.
MIN_BRANDS = {"en": 4, "zh": 0, "ko": 3}

# Counted tokens that are brand, character or product-line names all the
# same (found by reading the counted lists; intel and google are ingredient
# and platform brands named in other brands' titles, never plain words).
EXCLUDE = set("""
ipod ipad iphone macbook packard hewlett galaxy thinkpad ideapad chromebook
intel google
포켓몬 애플워치 춘식이 산리오 디즈니 마블 헬로키티 스누피 짱구 라이언 리들샷
아이패드 아이폰 에어팟 에어팟케이스 애플펜슬 맥세이프 갤럭시 버즈 애플 오메가 슈프림
고어텍스 신슐레이트 윈드스토퍼 코듀라 웰론 에어로쿨 에어테크 눕시 마이멜로디 시나모롤
무신사 깡스타일리스트 오정규 힛탠다드 하찌 양키스 조던 어그 어그부츠 울리치 스마트톡
""".split())

csv.field_size_limit(1 << 24)


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
""".split()


# ---------------------------------------------------------------------------


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


EN_TOKEN = re.compile(r"[a-z]+")
# A token that is the title's own brand in this share of the titles that
# contain it is a brand name (apple 0.91, dell 0.84, boss 0.76), however
# often other brands' titles mention it (`for apple`, `for dell`).
MAX_OWN_SHARE = 0.25


def en_counts(data, dictionary):
    df = collections.Counter()
    own_df = collections.Counter()
    by_brand = collections.defaultdict(set)
    titles = []
    for r in read_tsv(data / "titles_en/walmart_amazon_electronics_records.tsv"):
        titles.append((r["title"], r["brand"]))
    for name in ("laptops_amazon_products.csv", "laptops_walmart_products.csv"):
        for r in read_csv(data / "titles_en" / name):
            titles.append((r["product_title"], r["brand"]))
    for r in read_csv(data / "titles_en/myntra_products_catalog.csv"):
        titles.append((r["Product_Name"], r["Product_Brand"]))
    # No brand column: the brand is the first word ("Puma Men Black Shoes").
    for r in read_csv(data / "titles_en/fashion_product_images_styles.csv"):
        title = r["productDisplayName"] or ""
        titles.append((title, title.split(" ")[0] if title else ""))
    for title, brand in titles:
        b = norm(brand or "")
        own = set(EN_TOKEN.findall(b))
        toks = {t for t in EN_TOKEN.findall(norm(title)) if len(t) >= 3 and t in dictionary}
        own_df.update(toks & own)
        df.update(toks - own)
        for t in toks - own:
            by_brand[t].add(b)
    brandish = {t for t, n in own_df.items() if n >= MAX_OWN_SHARE * (n + df[t])}
    return {t: n for t, n in df.items() if t not in brandish}, by_brand


def zh_counts(data):
    df = collections.Counter()
    for r in read_tsv(data / "titles_zh/taobao_ecommerce_ner_titles.tsv"):
        words = {norm(w) for w in (r["product_types_HCCX"] or "").split("|") if w}
        df.update(words)
    for r in read_tsv(data / "titles_zh/jd_gaiic2022_titles_500.tsv"):
        words = set()
        for e in (r["all_entities"] or "").split(" "):
            label, _, text = e.partition(":")
            text = norm(text)
            # 1 brand, 37 compatible brand, 3 model, 38 compatible model.
            if label not in ("1", "37", "3", "38") and text:
                words.add(text)
        df.update(words)
    return {w: n for w, n in df.items() if han(w) and 2 <= len(w) <= 6}, None


KO_SPLIT = re.compile(r"[^\uac00-\ud7a3]+")


def ko_counts(data):
    df = collections.Counter()
    by_brand = collections.defaultdict(set)
    for r in read_tsv(data / "titles_ko/musinsa_ranking_products.tsv"):
        b = norm(r["brandName"])
        own = set(KO_SPLIT.split(b))
        toks = {t for t in KO_SPLIT.split(norm(r["productName"])) if len(t) >= 2 and t not in own}
        df.update(toks)
        for t in toks:
            by_brand[t].add(b)
    return df, by_brand


HEADER = """\
# Common {lang} words for the over-broad alias lint (W003, src/lint.rs).
# GENERATED FILE - do not edit by hand. Regenerate with:
#   python3 tools/build_lint_words.py
# One normalised word a line (NFKC, lower case). {n} words: {counted} counted in
# product titles of other brands (at least {min_df} titles each), {hand} hand-picked
# in the script (everyday words that are also brand names: the counting leaves
# brand names out). Counted from: {sources}
# Provenance and licences of those files: shared/data/SOURCES.md. Only word
# counts were taken from them, no titles.
"""


def write(path, lang, counted, hand, min_df, sources):
    words = sorted(set(counted) | set(hand))
    text = HEADER.format(
        lang=lang,
        n=len(words),
        counted=len(set(counted)),
        hand=len(set(hand) - set(counted)),
        min_df=min_df,
        sources=sources,
    )
    return path, text + "".join(w + "\n" for w in words)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument(
        "--dict",
        type=Path,
        default=Path("/usr/share/dict/words"),
        help="English word list; counted English tokens must be in it in lower case "
        "(Debian: apt-get install wamerican)",
    )
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    a = ap.parse_args()
    if not a.dict.exists():
        sys.exit(f"{a.dict}: no English word list (Debian: apt-get install wamerican)")
    dictionary = {w for w in a.dict.read_text(encoding="utf-8").split() if w.islower() and w.isalpha()}
    en = en_counts(a.data, dictionary)
    zh = zh_counts(a.data)
    ko = ko_counts(a.data)
    hand_en = {norm(w) for w in HAND_EN}
    hand_zh = {norm(w) for w in HAND_ZH}
    hand_ko = {norm(w) for w in HAND_KO}

    def keep(counts, lang):
        df, by_brand = counts
        return {
            w
            for w, n in df.items()
            if n >= MIN_DF[lang]
            and w not in EXCLUDE
            and (by_brand is None or len(by_brand[w]) >= MIN_BRANDS[lang])
        }

    outs = [
        write(
            OUT / "words_en.txt",
            "English",
            keep(en, "en"),
            hand_en,
            MIN_DF["en"],
            "titles_en/walmart_amazon_electronics_records.tsv,\n#   titles_en/laptops_{amazon,walmart}_products.csv, titles_en/myntra_products_catalog.csv,\n#   titles_en/fashion_product_images_styles.csv.",
        ),
        write(
            OUT / "words_zh.txt",
            "Chinese (Simplified)",
            keep(zh, "zh"),
            hand_zh,
            MIN_DF["zh"],
            "the product-type spans of\n#   titles_zh/taobao_ecommerce_ner_titles.tsv and titles_zh/jd_gaiic2022_titles_500.tsv.",
        ),
        write(
            OUT / "words_ko.txt",
            "Korean",
            keep(ko, "ko"),
            hand_ko,
            MIN_DF["ko"],
            "the productName column of\n#   titles_ko/musinsa_ranking_products.tsv.",
        ),
    ]
    differ = False
    for path, text in outs:
        if a.check:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if old != text:
                print(f"{path.relative_to(REPO)} is out of date", file=sys.stderr)
                differ = True
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            words = sum(1 for line in text.splitlines() if not line.startswith("#"))
            print(f"wrote {path.relative_to(REPO)}: {words} words")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
