//! Deterministic evasion variants of a mark alias, and trap phrases.
//!
//! Counterfeit sellers rarely write a mark plainly. This module rewrites an
//! alias the way they do (`../shared/docs/domain.md` §2.2, evasion taxonomy):
//! leetspeak (`N1KE`), spacing (`N I K E`), punctuation (`N.I.K.E`,
//! `G-u-c-c-i`, `Guc*ci`), Cyrillic/Greek homoglyphs, full-width and
//! mathematical letters (`ＮＩＫＥ`, `𝗡𝗜𝗞𝗘`), zero-width characters, mixed
//! case (`nIkE`), one-edit misspellings of longer marks (`Balenciagga`) and
//! Traditional Chinese spellings of Simplified aliases (`香奈兒`).
//!
//! Every technique is a pure function of the alias: the same alias always
//! gives the same variant (choices such as the punctuation style or the typo
//! position come from a fixed FNV-1a hash of the alias, not from a random
//! generator), so evaluation figures and `test --mutate` failures are
//! reproducible. A technique returns `None` when it does not apply (leetspeak
//! on `LV`, a typo in a short mark, Traditional Chinese for a Latin alias) or
//! would not change the alias.
//!
//! ```
//! use iprscreen::mutate::{variants, Technique};
//! assert_eq!(Technique::Leet.apply("NIKE").as_deref(), Some("N1KE"));
//! assert_eq!(Technique::Spacing.apply("NIKE").as_deref(), Some("N I K E"));
//! assert_eq!(Technique::Traditional.apply("香奈儿").as_deref(), Some("香奈兒"));
//! assert!(Technique::Typo.apply("Nike").is_none()); // too short to misspell safely
//! assert!(variants("耐克").iter().all(|(t, _)| *t == Technique::Zerowidth));
//! ```
//!
//! [`traps`] lists ordinary phrases that contain or nearly spell a mark
//! (`channel`, `casino`, 苹果汁, 오메가3 …) with the mark that must NOT be
//! reported for them.

use std::fmt;
use std::str::FromStr;

/// An evasion technique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Technique {
    /// First letter with a common leet form replaced (`N1KE`, `R0LEX`, `5AMSUNG`).
    Leet,
    /// A space between adjacent letters and digits (`N I K E`).
    Spacing,
    /// Dots (`N.I.K.E`), hyphens (`G-u-c-c-i`) or one asterisk (`Guc*ci`),
    /// the style chosen by a hash of the alias.
    Punctuation,
    /// The first and last letters that have a Cyrillic or Greek look-alike
    /// replaced by it (`Νikе`, table from Unicode confusables).
    Homoglyph,
    /// Full-width forms (`ＮＩＫＥ`, spaces as U+3000).
    Fullwidth,
    /// Mathematical bold sans-serif letters and digits (`𝗡𝗜𝗞𝗘`).
    Math,
    /// U+200B ZERO WIDTH SPACE between all characters.
    Zerowidth,
    /// Alternating case (`nIkE`).
    Case,
    /// One edit (deletion, duplication or transposition) of a Latin alias of
    /// at least 6 letters and digits (`Balenciagga`, `Burbery`).
    Typo,
    /// Simplified → Traditional Chinese (`香奈儿` → `香奈兒`).
    Traditional,
}

impl Technique {
    /// Every technique, in a fixed order.
    pub const ALL: [Technique; 10] = [
        Technique::Leet,
        Technique::Spacing,
        Technique::Punctuation,
        Technique::Homoglyph,
        Technique::Fullwidth,
        Technique::Math,
        Technique::Zerowidth,
        Technique::Case,
        Technique::Typo,
        Technique::Traditional,
    ];

    /// The technique's name (`leet`, `spacing`, …).
    pub fn name(self) -> &'static str {
        match self {
            Technique::Leet => "leet",
            Technique::Spacing => "spacing",
            Technique::Punctuation => "punctuation",
            Technique::Homoglyph => "homoglyph",
            Technique::Fullwidth => "fullwidth",
            Technique::Math => "math",
            Technique::Zerowidth => "zerowidth",
            Technique::Case => "case",
            Technique::Typo => "typo",
            Technique::Traditional => "traditional",
        }
    }

    /// Apply the technique to an alias; `None` when it does not apply or
    /// would leave the alias unchanged.
    pub fn apply(self, alias: &str) -> Option<String> {
        let out = match self {
            Technique::Leet => leet(alias),
            Technique::Spacing => spacing(alias),
            Technique::Punctuation => punctuation(alias),
            Technique::Homoglyph => homoglyph(alias),
            Technique::Fullwidth => fullwidth(alias),
            Technique::Math => math(alias),
            Technique::Zerowidth => zerowidth(alias),
            Technique::Case => case(alias),
            Technique::Typo => typo(alias),
            Technique::Traditional => traditional(alias),
        }?;
        (out != alias).then_some(out)
    }
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Technique {
    type Err = String;
    fn from_str(s: &str) -> Result<Technique, String> {
        Technique::ALL.iter().copied().find(|t| t.name() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "unknown technique `{s}` (expected one of {})",
                Technique::ALL.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// Every variant of `alias` that applies, one per technique, in
/// [`Technique::ALL`] order. Never contains the alias itself.
pub fn variants(alias: &str) -> Vec<(Technique, String)> {
    Technique::ALL.iter().filter_map(|&t| t.apply(alias).map(|v| (t, v))).collect()
}

// --- helpers -----------------------------------------------------------------

/// FNV-1a 64-bit: a fixed, platform-independent hash for deterministic choices.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// CJK ideographs, kana and Hangul (the scripts without word boundaries).
fn is_cjk(c: char) -> bool {
    crate::normalize::is_cjk_or_hangul(c)
}

fn is_han(c: char) -> bool {
    crate::normalize::is_han(c)
}

/// A Latin-script alias: at least one Latin letter and no CJK or Hangul
/// (`Nike`, `3CE`, `A. Lange & Söhne`; not `c家`, `361度`).
pub fn is_latin(alias: &str) -> bool {
    alias.chars().any(|c| c.is_alphabetic() && is_latin_letter(c)) && !alias.chars().any(is_cjk)
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

// --- techniques --------------------------------------------------------------

/// Letters with a common leetspeak digit.
const LEET: [(char, char); 6] = [('a', '4'), ('e', '3'), ('i', '1'), ('o', '0'), ('s', '5'), ('t', '7')];

/// Leetspeak: the FIRST letter that has a common leet form is replaced
/// (`NIKE` → `N1KE`, `GUCCI` → `GUCC1`, `ROLEX` → `R0LEX`, `SAMSUNG` → `5AMSUNG`).
pub fn leet(alias: &str) -> Option<String> {
    if !is_latin(alias) {
        return None;
    }
    let mut done = false;
    let out: String = alias
        .chars()
        .map(|c| {
            if done {
                return c;
            }
            match LEET.iter().find(|(l, _)| *l == c.to_ascii_lowercase()) {
                Some(&(_, d)) => {
                    done = true;
                    d
                }
                None => c,
            }
        })
        .collect();
    done.then_some(out)
}

/// Insert `sep` between every two adjacent letters or digits (`NIKE` →
/// `N.I.K.E`, `A-Cold-Wall` → `A-C.o.l.d-W.a.l.l`); existing spaces and
/// punctuation stay as they are.
fn between_alnum(alias: &str, sep: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in alias.chars() {
        if prev.is_some_and(|p| p.is_alphanumeric()) && c.is_alphanumeric() {
            out.push_str(sep);
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Spacing: one space between every two adjacent letters or digits (`N I K E`,
/// `L o u i s V u i t t o n`); Latin aliases.
pub fn spacing(alias: &str) -> Option<String> {
    if !is_latin(alias) {
        return None;
    }
    Some(between_alnum(alias, " ")).filter(|v| v != alias)
}

/// The longest run of letters and digits (first one on ties), as a char range.
fn longest_run(chars: &[char]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        let longer = match best {
            None => true,
            Some((s, e)) => i - start > e - s,
        };
        if longer {
            best = Some((start, i));
        }
    }
    best
}

/// Punctuation inside the mark; the style is picked by a hash of the alias:
/// dots between adjacent letters (`N.I.K.E`), hyphens (`G-u-c-c-i`, `L-V`),
/// or one asterisk in the middle of the longest word (`Guc*ci`).
pub fn punctuation(alias: &str) -> Option<String> {
    if !is_latin(alias) {
        return None;
    }
    match fnv(alias) % 3 {
        0 => Some(between_alnum(alias, ".")).filter(|v| v != alias),
        1 => Some(between_alnum(alias, "-")).filter(|v| v != alias),
        _ => {
            let mut chars: Vec<char> = alias.chars().collect();
            let (s, e) = longest_run(&chars)?;
            if e - s < 2 {
                return None;
            }
            chars.insert(s + (e - s).div_ceil(2), '*');
            Some(chars.into_iter().collect())
        }
    }
}

/// Cyrillic and Greek look-alikes of Latin letters.
///
/// Derived from the Unicode confusables data (UTS #39), file
/// `confusables.txt` version 14.0.0 (© Unicode, Inc., Unicode terms of use,
/// https://www.unicode.org/terms_of_use.html; copy in
/// `../shared/data/unicode/confusables.txt`): each source character below is
/// listed there with the Latin letter as its prototype (for `I` the file's
/// prototype is `l`, because Latin `I` itself is folded to `l`). Only the
/// look-alikes sellers commonly use are kept, one per letter.
pub const HOMOGLYPHS: &[(char, char)] = &[
    ('a', '\u{0430}'), // CYRILLIC SMALL LETTER A
    ('c', '\u{0441}'), // CYRILLIC SMALL LETTER ES
    ('d', '\u{0501}'), // CYRILLIC SMALL LETTER KOMI DE
    ('e', '\u{0435}'), // CYRILLIC SMALL LETTER IE
    ('h', '\u{04BB}'), // CYRILLIC SMALL LETTER SHHA
    ('i', '\u{0456}'), // CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    ('j', '\u{0458}'), // CYRILLIC SMALL LETTER JE
    ('o', '\u{043E}'), // CYRILLIC SMALL LETTER O
    ('p', '\u{0440}'), // CYRILLIC SMALL LETTER ER
    ('q', '\u{051B}'), // CYRILLIC SMALL LETTER QA
    ('s', '\u{0455}'), // CYRILLIC SMALL LETTER DZE
    ('v', '\u{03BD}'), // GREEK SMALL LETTER NU
    ('w', '\u{051D}'), // CYRILLIC SMALL LETTER WE
    ('x', '\u{0445}'), // CYRILLIC SMALL LETTER HA
    ('y', '\u{0443}'), // CYRILLIC SMALL LETTER U
    ('A', '\u{0410}'), // CYRILLIC CAPITAL LETTER A
    ('B', '\u{0412}'), // CYRILLIC CAPITAL LETTER VE
    ('C', '\u{0421}'), // CYRILLIC CAPITAL LETTER ES
    ('E', '\u{0415}'), // CYRILLIC CAPITAL LETTER IE
    ('H', '\u{041D}'), // CYRILLIC CAPITAL LETTER EN
    ('I', '\u{0406}'), // CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I (prototype `l`)
    ('J', '\u{0408}'), // CYRILLIC CAPITAL LETTER JE
    ('K', '\u{041A}'), // CYRILLIC CAPITAL LETTER KA
    ('M', '\u{041C}'), // CYRILLIC CAPITAL LETTER EM
    ('N', '\u{039D}'), // GREEK CAPITAL LETTER NU
    ('O', '\u{041E}'), // CYRILLIC CAPITAL LETTER O
    ('P', '\u{0420}'), // CYRILLIC CAPITAL LETTER ER
    ('S', '\u{0405}'), // CYRILLIC CAPITAL LETTER DZE
    ('T', '\u{0422}'), // CYRILLIC CAPITAL LETTER TE
    ('X', '\u{0425}'), // CYRILLIC CAPITAL LETTER HA
    ('Y', '\u{03A5}'), // GREEK CAPITAL LETTER UPSILON
    ('Z', '\u{0396}'), // GREEK CAPITAL LETTER ZETA
];

fn look_alike(c: char) -> Option<char> {
    HOMOGLYPHS.iter().find(|(l, _)| *l == c).map(|&(_, g)| g)
}

/// Homoglyphs: the first and the last letter that have a look-alike in
/// [`HOMOGLYPHS`] are replaced (one letter when only one has), so the result
/// mixes scripts inside one word, as sellers do (`Nike` → `Νikе`).
pub fn homoglyph(alias: &str) -> Option<String> {
    if !is_latin(alias) {
        return None;
    }
    let mut chars: Vec<char> = alias.chars().collect();
    let pos: Vec<usize> = (0..chars.len()).filter(|&i| look_alike(chars[i]).is_some()).collect();
    let (&first, &last) = (pos.first()?, pos.last()?);
    for i in [first, last] {
        if let Some(g) = look_alike(chars[i]) {
            chars[i] = g;
        }
    }
    Some(chars.into_iter().collect())
}

/// Full-width forms: printable ASCII → U+FF01..U+FF5E, space → U+3000
/// IDEOGRAPHIC SPACE (as a Chinese input method in full-width mode types it).
pub fn fullwidth(alias: &str) -> Option<String> {
    if !alias.chars().any(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(
        alias
            .chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect(),
    )
}

/// Mathematical bold sans-serif letters and digits (U+1D5D4…, U+1D7EC…).
pub fn math(alias: &str) -> Option<String> {
    if !alias.chars().any(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(
        alias
            .chars()
            .map(|c| {
                let cp = match c {
                    'A'..='Z' => 0x1D5D4 + (c as u32 - 'A' as u32),
                    'a'..='z' => 0x1D5EE + (c as u32 - 'a' as u32),
                    '0'..='9' => 0x1D7EC + (c as u32 - '0' as u32),
                    _ => return c,
                };
                char::from_u32(cp).unwrap_or(c)
            })
            .collect(),
    )
}

/// U+200B ZERO WIDTH SPACE between every two adjacent non-space characters
/// (any script: `N​I​K​E`, `耐​克`).
pub fn zerowidth(alias: &str) -> Option<String> {
    let chars: Vec<char> = alias.chars().collect();
    let mut out = String::new();
    let mut inserted = false;
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && !c.is_whitespace() && !chars[i - 1].is_whitespace() {
            out.push('\u{200B}');
            inserted = true;
        }
        out.push(c);
    }
    inserted.then_some(out)
}

/// Alternating case over the cased letters, starting lower (`Nike` → `nIkE`);
/// starting upper when that would give the alias back.
pub fn case(alias: &str) -> Option<String> {
    let cased = alias.chars().filter(|c| c.is_lowercase() || c.is_uppercase()).count();
    if cased < 2 {
        return None;
    }
    let alt = |upper_first: bool| -> String {
        let mut k = 0usize;
        let mut out = String::new();
        for c in alias.chars() {
            if c.is_lowercase() || c.is_uppercase() {
                let upper = (k % 2 == 1) ^ upper_first;
                if upper {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                k += 1;
            } else {
                out.push(c);
            }
        }
        out
    };
    let a = alt(false);
    Some(if a == alias { alt(true) } else { a })
}

/// A one-edit misspelling, only for Latin aliases of at least 6 letters and
/// digits (short marks are not misspelt: `mike` must not be `Nike`). The
/// edit is made in the longest run of letters and digits, never on its first
/// letter; the
/// kind (deletion `Burbery`, duplication `Addidas`, transposition
/// `Balenicaga`) and the position come from a hash of the alias.
pub fn typo(alias: &str) -> Option<String> {
    if !is_latin(alias) || alias.chars().filter(|c| c.is_alphanumeric()).count() < 6 {
        return None;
    }
    let mut chars: Vec<char> = alias.chars().collect();
    let (s, e) = longest_run(&chars)?;
    let w: Vec<char> = chars[s..e].to_vec();
    if w.len() < 3 {
        return None;
    }
    let h = fnv(alias);
    // Interior positions 1..=len-2.
    let interior = w.len() - 2;
    let p = 1 + ((h >> 8) as usize) % interior;
    let mut out_w = w.clone();
    let mut op = h % 3;
    if op == 2 {
        // Transposition of q and q+1 (q+1 may be the last letter); find a
        // pair of different characters, else fall back to a deletion.
        let mut done = false;
        for k in 0..interior {
            let q = 1 + (p - 1 + k) % interior;
            if w[q] != w[q + 1] {
                out_w.swap(q, q + 1);
                done = true;
                break;
            }
        }
        if !done {
            op = 0;
        }
    }
    match op {
        0 => {
            out_w.remove(p);
        }
        1 => out_w.insert(p, w[p]),
        _ => {}
    }
    chars.splice(s..e, out_w);
    Some(chars.into_iter().collect())
}

/// Simplified → Traditional characters for the Han characters of the default
/// registry's Chinese aliases (196 pairs).
///
/// Derived from OpenCC's `STCharacters.txt` followed by `TWVariants.txt`
/// (the `s2tw` chain; first candidate of each entry), Apache-2.0,
/// https://github.com/BYVoid/OpenCC, read from the copy in the `zhconv`
/// 0.4.2 crate's `data/` directory. Restricted to characters that occur in
/// `rulesets/default/marks.toml` aliases; 范 (surname in 范思哲), 后, 台 and 里
/// (transliteration characters that stay as they are) are left out because
/// OpenCC's first candidate is wrong for names.
const SIMPLIFIED: &str = "万与业东丝丰为丽乌乐乔云亚产亲众优会伦侬儿兰兹兽内冈军凯刚创别劲劳华协卫历变叶喽园国图圣墙复头奥娅娇宁宝实宫尔岚岛师帮幂库怀恋恒恶悦愤战扬时昵晓机来杰极柠桥梦榄榈欧汉汤泪洁浓温澜灵热爱犸狮狱猪猫玑玛现珑琼电画盖睐矿硕积简篮粮红约纪纳纺纽绒维缇缌缪罗职联肤胜脸苏苹荣莱莲萧萨蓝视览计记设诗诺谜谬贝贤贵费资赛车轮软达迈适钥铁铂铺锐门闪间队际雾韦韩韵页顿颜风飒飘飞饮马驰骑骚骧鱼鲁鲨鳄鸟鸿鹅麦黄龙龟";
/// The Traditional character for each character of [`SIMPLIFIED`], same order.
const TRADITIONAL: &str = "萬與業東絲豐為麗烏樂喬雲亞產親眾優會倫儂兒蘭茲獸內岡軍凱剛創別勁勞華協衛歷變葉嘍園國圖聖牆復頭奧婭嬌寧寶實宮爾嵐島師幫冪庫懷戀恆惡悅憤戰揚時暱曉機來傑極檸橋夢欖櫚歐漢湯淚潔濃溫瀾靈熱愛獁獅獄豬貓璣瑪現瓏瓊電畫蓋睞礦碩積簡籃糧紅約紀納紡紐絨維緹緦繆羅職聯膚勝臉蘇蘋榮萊蓮蕭薩藍視覽計記設詩諾謎謬貝賢貴費資賽車輪軟達邁適鑰鐵鉑鋪銳門閃間隊際霧韋韓韻頁頓顏風颯飄飛飲馬馳騎騷驤魚魯鯊鱷鳥鴻鵝麥黃龍龜";

fn to_traditional(c: char) -> Option<char> {
    SIMPLIFIED.chars().position(|s| s == c).and_then(|i| TRADITIONAL.chars().nth(i))
}

/// Simplified → Traditional Chinese with the embedded table (`香奈儿` →
/// `香奈兒`, `古驰` → `古馳`); `None` for aliases without a convertible character.
pub fn traditional(alias: &str) -> Option<String> {
    if !alias.chars().any(is_han) {
        return None;
    }
    let mut changed = false;
    let out: String = alias
        .chars()
        .map(|c| match to_traditional(c) {
            Some(t) => {
                changed = true;
                t
            }
            None => c,
        })
        .collect();
    changed.then_some(out)
}

// --- traps -------------------------------------------------------------------

/// Ordinary phrases that contain, or nearly spell, an alias of a mark of the
/// default registry, with the id of the mark that must NOT be reported as a
/// brand for them. Three families: near-misses that a misspelling matcher
/// must not take for the mark (`channel` ≠ Chanel, `casino` ≠ Casio,
/// `valentine` ≠ Valentino); substrings that word boundaries must reject
/// (`Sonya`, `nickel`, `coachella`); and Chinese/Korean ordinary words that
/// contain an alias (苹果汁, 小米粥, 三星堆, 博士帽, 联想记忆, 오메가3, 파인애플,
/// 현대 → 现代 "modern", 椰子 "coconut", 토스트 "toast").
///
/// Names equal to an ordinary word used as that word (`gap filler`, `guess
/// who`) are not traps here: a mark named outside its goods classes is
/// reported by design, as weak evidence.
pub fn traps() -> &'static [(&'static str, &'static str)] {
    TRAPS
}

const TRAPS: &[(&str, &str)] = &[
    // Near-misses (one edit from a mark name, or a longer ordinary word).
    ("2 channel audio amplifier", "chanel"),
    ("tv channel remote control", "chanel"),
    ("wedding chapel decoration", "chanel"),
    ("casino poker chips 500 pcs", "casio"),
    ("mike tyson boxing poster", "nike"),
    ("door stopper rubber wedge", "dior"),
    ("valentine card red heart", "valentino"),
    ("pet carrier bag small dog", "cartier"),
    ("leather couch cover 3 seater", "coach"),
    ("guest towel set cotton", "guess"),
    ("grand canyon souvenir magnet", "canon"),
    ("toy cannon model brass", "canon"),
    ("prado museum poster print", "prada"),
    ("fender guitar strap leather", "fendi"),
    ("lewis hamilton cap", "levis"),
    ("casino night party decorations", "casio"),
    // Substrings rejected by word boundaries.
    ("Sonya floral dress", "sony"),
    ("nickel plated ring 925", "nike"),
    ("coachella festival wristband", "coach"),
    ("diorama model kit", "dior"),
    ("pineapple slices canned", "apple"),
    // Ordinary phrases around a Latin alias.
    ("apple juice 1L organic", "apple"),
    ("big apple new york souvenir magnet", "apple"),
    ("omega-3 fish oil 120 capsules", "omega"),
    // Chinese ordinary words containing an alias.
    ("新鲜苹果汁 1升", "apple"),
    ("黄小米粥 速食", "xiaomi"),
    ("小米辣 新鲜 500g", "xiaomi"),
    ("三星堆 文创 青铜面具 摆件", "samsung"),
    ("博士帽 毕业礼服 学位服", "bose"),
    ("联想记忆 单词书", "lenovo"),
    ("最美的 连衣裙 夏季", "midea"),
    ("老板椅 办公椅 家用", "robam"),
    ("好奇心 儿童绘本", "huggies"),
    ("现代简约 台灯 卧室", "hyundai"),
    ("精工 打造 不锈钢 水杯", "seiko"),
    ("冠军 奖杯 定制 金属", "champion"),
    ("海南 椰子 新鲜 5个", "yeezy"),
    ("芒果干 500g 零食", "mango"),
    ("化石 标本 摆件", "fossil"),
    ("小香葱 新鲜 蔬菜", "chanel"),
    ("老花镜 男女 高清", "louis-vuitton"),
    ("哥伦比亚 咖啡豆 500g", "columbia"),
    ("三叶草 盆栽 绿植", "adidas"),
    ("海马 干货 500g", "omega"),
    // Korean ordinary words containing an alias.
    ("오메가3 영양제 120캡슐", "omega"),
    ("파인애플 통조림 3캔", "apple"),
    ("애플망고 5kg 제주", "apple"),
    ("게스트하우스 슬리퍼 10켤레", "guess"),
    ("보스턴백 여행용 대용량", "bose"),
    ("축구코치 자격증 교재", "coach"),
    ("발리 여행 가이드북", "bally"),
    ("토스트기 2구 스텐", "tous"),
    ("바버샵 이발 가위", "barbour"),
    ("디젤 엔진 오일 5L", "diesel"),
    ("아크네 흉터 패치 60매", "acne-studios"),
    ("갤럭시 무드등 별빛 프로젝터", "samsung"),
    ("판도라의 상자 보드게임", "pandora"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn leet_examples_from_the_issue() {
        assert_eq!(leet("NIKE").as_deref(), Some("N1KE"));
        assert_eq!(leet("GUCCI").as_deref(), Some("GUCC1"));
        assert_eq!(leet("ROLEX").as_deref(), Some("R0LEX"));
        assert_eq!(leet("SAMSUNG").as_deref(), Some("5AMSUNG"));
        assert_eq!(leet("Nike").as_deref(), Some("N1ke"));
        // No letter with a common leet form.
        assert_eq!(leet("LV"), None);
        assert_eq!(leet("MCM"), None);
        assert_eq!(leet("耐克"), None);
    }

    #[test]
    fn separators() {
        assert_eq!(spacing("NIKE").as_deref(), Some("N I K E"));
        assert_eq!(spacing("Louis Vuitton").as_deref(), Some("L o u i s V u i t t o n"));
        assert_eq!(spacing("N"), None);
        assert_eq!(spacing("A-Cold-Wall").as_deref(), Some("A-C o l d-W a l l"));
        assert_eq!(spacing("A.P.C."), None);
        assert_eq!(spacing("香奈儿"), None);
        for alias in ["NIKE", "Gucci", "LV", "Louis Vuitton", "Balenciaga", "New Balance", "Hermès"] {
            let p = punctuation(alias).unwrap();
            assert!(p.chars().any(|c| matches!(c, '.' | '-' | '*')), "{alias} -> {p}");
            let stripped: String = p.chars().filter(|c| !matches!(c, '.' | '-' | '*')).collect();
            assert_eq!(stripped, alias, "{alias} -> {p}");
        }
        // All three styles occur over a few aliases.
        let styles: std::collections::BTreeSet<char> =
            ["NIKE", "Gucci", "Prada", "Rolex", "Dior", "Celine", "Fendi", "Chanel"]
                .iter()
                .filter_map(|a| punctuation(a))
                .flat_map(|p| p.chars().filter(|c| matches!(c, '.' | '-' | '*')).take(1).collect::<Vec<_>>())
                .collect();
        assert_eq!(styles.len(), 3, "{styles:?}");
    }

    #[test]
    fn homoglyphs_mix_scripts_and_map_back() {
        let h = homoglyph("Nike").unwrap();
        assert_eq!(h, "\u{039D}ik\u{0435}");
        assert_eq!(h.chars().count(), 4);
        let h = homoglyph("GUCCI").unwrap();
        assert_ne!(h, "GUCCI");
        let back: String = h.chars().map(|c| HOMOGLYPHS.iter().find(|(_, g)| *g == c).map_or(c, |&(l, _)| l)).collect();
        assert_eq!(back, "GUCCI");
        assert_eq!(homoglyph("香奈儿"), None);
        // Every look-alike is Cyrillic or Greek, and differs from its letter.
        for &(l, g) in HOMOGLYPHS {
            assert!(l.is_ascii_alphabetic());
            assert!(matches!(g, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}'), "{g:?}");
        }
    }

    #[test]
    fn homoglyph_table_agrees_with_confusables_when_available() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/unicode/confusables.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} not found", path.display());
            return;
        };
        let mut proto = std::collections::HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim().trim_start_matches('\u{feff}');
            let f: Vec<&str> = line.split(';').map(str::trim).collect();
            if f.len() < 2 {
                continue;
            }
            let parse = |s: &str| -> String {
                s.split_whitespace()
                    .filter_map(|h| u32::from_str_radix(h, 16).ok())
                    .filter_map(char::from_u32)
                    .collect()
            };
            proto.insert(parse(f[0]), parse(f[1]));
        }
        for &(l, g) in HOMOGLYPHS {
            let p = proto.get(&g.to_string()).unwrap_or_else(|| panic!("{g:?} not in confusables.txt"));
            let ok = *p == l.to_string() || (l == 'I' && p == "l");
            assert!(ok, "{g:?} has prototype {p:?}, not {l:?}");
        }
    }

    #[test]
    fn widths_and_styles_fold_back_under_nfkc() {
        assert_eq!(fullwidth("NIKE").as_deref(), Some("ＮＩＫＥ"));
        assert_eq!(math("NIKE").as_deref(), Some("𝗡𝗜𝗞𝗘"));
        for alias in ["NIKE", "Louis Vuitton", "3CE", "Off-White", "A. Lange & Söhne"] {
            assert_eq!(fullwidth(alias).unwrap().nfkc().collect::<String>(), alias);
            assert_eq!(math(alias).unwrap().nfkc().collect::<String>(), alias);
        }
        assert_eq!(fullwidth("耐克"), None);
        assert_eq!(math("나이키"), None);
    }

    #[test]
    fn zero_width_inside_any_script() {
        assert_eq!(zerowidth("NIKE").as_deref(), Some("N\u{200B}I\u{200B}K\u{200B}E"));
        assert_eq!(zerowidth("耐克").as_deref(), Some("耐\u{200B}克"));
        assert_eq!(zerowidth("LV").as_deref(), Some("L\u{200B}V"));
        let z = zerowidth("Louis Vuitton").unwrap();
        assert_eq!(z.replace('\u{200B}', ""), "Louis Vuitton");
        assert_eq!(zerowidth("N"), None);
    }

    #[test]
    fn alternating_case() {
        assert_eq!(case("Nike").as_deref(), Some("nIkE"));
        assert_eq!(case("NIKE").as_deref(), Some("nIkE"));
        assert_eq!(case("nIkE").as_deref(), Some("NiKe"));
        assert_eq!(case("LV").as_deref(), Some("lV"));
        assert_eq!(case("耐克"), None);
    }

    fn damerau(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn typos_are_one_edit_and_length_gated() {
        for alias in
            ["Balenciaga", "Burberry", "Louis Vuitton", "Adidas", "Versace", "Moncler", "Valentino", "Canada Goose"]
        {
            let t = typo(alias).unwrap();
            assert_eq!(damerau(alias, &t), 1, "{alias} -> {t}");
            assert_eq!(t.chars().next(), alias.chars().next(), "{alias} -> {t}");
        }
        // Only letters are edited: separators stay where they are.
        let t = typo("A-Cold-Wall").unwrap();
        assert_eq!(t.matches('-').count(), 2, "{t}");
        assert_eq!(damerau("A-Cold-Wall", &t), 1, "{t}");
        for alias in ["Nike", "Gucci", "Dior", "LV", "Prada", "香奈儿迪奥", "Casio"] {
            assert_eq!(typo(alias), None, "{alias}");
        }
        // All three kinds of edit occur.
        let lens: std::collections::BTreeSet<i64> = [
            "Balenciaga",
            "Burberry",
            "Louis Vuitton",
            "Adidas",
            "Versace",
            "Moncler",
            "Valentino",
            "Canada Goose",
            "Givenchy",
            "Salvatore Ferragamo",
        ]
        .iter()
        .map(|a| typo(a).unwrap().chars().count() as i64 - a.chars().count() as i64)
        .collect();
        assert_eq!(lens, [-1, 0, 1].into_iter().collect());
    }

    #[test]
    fn traditional_chinese() {
        assert_eq!(traditional("香奈儿").as_deref(), Some("香奈兒"));
        assert_eq!(traditional("古驰").as_deref(), Some("古馳"));
        assert_eq!(traditional("路易威登"), None);
        assert_eq!(traditional("苹果").as_deref(), Some("蘋果"));
        assert_eq!(traditional("华为").as_deref(), Some("華為"));
        assert_eq!(traditional("范思哲"), None);
        assert_eq!(traditional("Nike"), None);
        assert_eq!(SIMPLIFIED.chars().count(), TRADITIONAL.chars().count());
    }

    #[test]
    fn variants_are_deterministic_and_never_the_alias() {
        for alias in
            ["Nike", "NIKE", "Louis Vuitton", "LV", "香奈儿", "나이키", "c家", "3CE", "Hermès", "A. Lange & Söhne"]
        {
            let v = variants(alias);
            assert_eq!(v, variants(alias));
            assert!(v.iter().all(|(_, s)| s != alias && !s.is_empty()), "{alias}: {v:?}");
            let mut ts: Vec<Technique> = v.iter().map(|(t, _)| *t).collect();
            ts.dedup();
            assert_eq!(ts.len(), v.len());
        }
        let nike: Vec<Technique> = variants("Nike").into_iter().map(|(t, _)| t).collect();
        assert!(
            nike.contains(&Technique::Leet)
                && !nike.contains(&Technique::Typo)
                && !nike.contains(&Technique::Traditional)
        );
        let chanel: Vec<Technique> = variants("香奈儿").into_iter().map(|(t, _)| t).collect();
        assert_eq!(chanel, [Technique::Zerowidth, Technique::Traditional]);
        let korean: Vec<Technique> = variants("나이키").into_iter().map(|(t, _)| t).collect();
        assert_eq!(korean, [Technique::Zerowidth]);
    }

    #[test]
    fn technique_names_round_trip() {
        for t in Technique::ALL {
            assert_eq!(t.name().parse::<Technique>(), Ok(t));
            assert_eq!(t.to_string(), t.name());
        }
        assert!("nope".parse::<Technique>().is_err());
    }

    #[test]
    fn traps_name_marks_of_the_default_registry() {
        let rs = crate::Ruleset::default_ruleset().unwrap();
        let ids: std::collections::HashSet<String> =
            rs.files.iter().flat_map(|f| f.mark.iter().map(|m| m.id.get_ref().clone())).collect();
        let mut seen = std::collections::HashSet::new();
        for (phrase, id) in traps() {
            assert!(ids.contains(*id), "trap `{phrase}` names unknown mark `{id}`");
            assert!(seen.insert(*phrase), "duplicate trap `{phrase}`");
        }
        assert!(traps().len() >= 40);
    }
}
