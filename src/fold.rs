//! The folded view: a second, aggressive normalisation that undoes seller
//! obfuscation — homoglyphs from other scripts (Cyrillic `о`, Greek `Ν`),
//! leetspeak (`N1KE`, `R0LEX`, `5AMSUNG`), separators inside a word
//! (`G-u-c-c-i`, `Guc*ci`, `N.I.K.E`) and spelled-out letters (`N I K E`).
//!
//! It is built only for items whose text shows one of these tricks
//! ([`needs_fold`] is a cheap byte scan), and only Latin mark names and
//! aliases are matched in it, through their own automaton of patterns folded
//! the same way. Like the normalised view it keeps a map back to the
//! original bytes.

use crate::confusables_table::CONFUSABLES;
use crate::normalize::{is_cjk_or_hangul, is_invisible};

/// Leetspeak substitutions, applied only inside tokens that also hold a letter.
#[inline]
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        _ => return None,
    })
}

/// A Latin letter with a diacritic (`è`, `ç`, `ü`, `ắ`): a letter of a
/// word for the separators next to it. A range test first, so Chinese and
/// Korean text never reaches the Unicode property lookup.
#[inline]
fn accented_latin(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') && c.is_alphabetic()
}

/// Punctuation sellers put inside a word.
#[inline]
fn is_inner_sep(c: char) -> bool {
    matches!(c, '.' | '-' | '*' | '_' | '~' | '·' | '•' | '\'' | '’' | '/' | '+' | '^' | '`' | '"' | ',' | '‧' | '・')
}

/// A non-ASCII character confusable with one ASCII letter or digit. A
/// bitmap of the table's keys in the first two planes (16 KB, built once)
/// answers most characters, Chinese and Korean ones included, without the
/// binary search.
#[inline]
pub fn confusable(c: char) -> Option<char> {
    const PLANES: u32 = 0x20000;
    static KEYS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    if c.is_ascii() {
        return None;
    }
    let cp = c as u32;
    if cp < PLANES {
        let keys = KEYS.get_or_init(|| {
            let mut v = vec![0u64; (PLANES / 64) as usize];
            for &(k, _) in CONFUSABLES.iter().filter(|(k, _)| (*k as u32) < PLANES) {
                v[(k as u32 / 64) as usize] |= 1 << (k as u32 % 64);
            }
            v
        });
        if keys[(cp / 64) as usize] & (1 << (cp % 64)) == 0 {
            return None;
        }
    }
    CONFUSABLES.binary_search_by(|(k, _)| k.cmp(&c)).ok().map(|i| CONFUSABLES[i].1)
}

/// Letters that follow a number in ordinary titles (`3color`, `5cm`,
/// `4gb`) or a language tag (`@en`): no leetspeak there.
fn is_unit(letters: &[u8]) -> bool {
    const UNITS: &[&str] = &[
        "cm", "mm", "m", "km", "kg", "g", "mg", "ml", "l", "oz", "lb", "lbs", "ft", "in", "inch", "gb", "tb", "mb",
        "kb", "mah", "mp", "hz", "ghz", "mhz", "pc", "pcs", "pk", "pack", "packs", "set", "sets", "color", "colors",
        "colour", "colours", "dvd", "cd", "xl", "xxl", "xxxl", "xs", "th", "st", "nd", "rd", "way", "ch", "pin",
        "port", "ply", "gen", "en", "de", "es", "fr", "pl", "it", "nl", "eu", "us", "uk", "jp", "pt", "ru", "sv", "da",
        "fi", "no", "ko", "zh", "ja", "yr", "yrs", "min", "hr", "hrs", "day", "days", "led", "in1", "w",
    ];
    letters.len() <= 7 && {
        let mut buf = [0u8; 7];
        for (d, s) in buf.iter_mut().zip(letters) {
            *d = s.to_ascii_lowercase();
        }
        let w = &buf[..letters.len()];
        UNITS.iter().any(|u| u.as_bytes() == w)
    }
}

/// ASCII letters, for the runs [`needs_fold`] skips in a tight loop.
static IS_ALPHA: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).is_ascii_alphabetic();
        i += 1;
    }
    t
};

/// The end of the run of ASCII letters starting at `i`: eight bytes at a
/// time, then byte by byte.
#[inline]
pub(crate) fn letter_run_end(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Per byte: x | 0x20 in 'a'..='z' and x < 0x80. No carries cross
        // bytes: (x & 0x7f) + 0x1f ≤ 0x9e.
        let y = w | 0x2020_2020_2020_2020;
        let t = y & LO;
        let ge_a = t.wrapping_add(0x1f1f_1f1f_1f1f_1f1f) & HI;
        let gt_z = t.wrapping_add(0x0505_0505_0505_0505) & HI;
        let letters = ge_a & !gt_z & !(y & HI);
        let other = !letters & HI;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && IS_ALPHA[b[i] as usize] {
        i += 1;
    }
    i
}

/// A character that makes [`needs_fold`] say yes: a homoglyph or an
/// invisible character outside CJK and Hangul. Characters of the first two
/// planes (with the emoji and mathematical letters of titles) are answered
/// from a bitmap built once from the tables (16 KB), instead of a binary
/// search of the confusables table per character.
fn fold_trigger(c: char) -> bool {
    const PLANES: u32 = 0x20000;
    fn slow(c: char) -> bool {
        !is_cjk_or_hangul(c) && (confusable(c).is_some() || is_invisible(c))
    }
    static BITS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let cp = c as u32;
    if cp >= PLANES {
        return slow(c);
    }
    let bits = BITS.get_or_init(|| {
        let mut v = vec![0u64; (PLANES / 64) as usize];
        let mut set = |c: char| {
            if !is_cjk_or_hangul(c) {
                v[(c as u32 / 64) as usize] |= 1 << (c as u32 % 64);
            }
        };
        CONFUSABLES.iter().filter(|(k, _)| (*k as u32) < PLANES).for_each(|&(k, _)| set(k));
        // Invisible characters all lie in these ranges (the bitmap test
        // checks every code point against `is_invisible`).
        (0x80..0x3200).chain(0xFE00..0x10000).filter_map(char::from_u32).filter(|&c| is_invisible(c)).for_each(set);
        v
    });
    bits[(cp / 64) as usize] & (1 << (cp % 64)) != 0
}

/// Cheap check on the ORIGINAL text: could folding change what matches?
///
/// Runs of letters and CJK/Hangul characters (most of every title) are
/// skipped without looking at each byte's meaning; only digits, punctuation,
/// spaces after one-letter tokens and other non-ASCII characters are
/// examined.
pub fn needs_fold(text: &str) -> bool {
    let b = text.as_bytes();
    let n = b.len();
    let mut prev_alpha = false;
    let mut single_run = 0u32; // consecutive one-character tokens
    let mut tok_len = 0u32;
    let mut i = 0;
    while i < n {
        let x = b[i];
        if IS_ALPHA[x as usize] {
            // Words and the single spaces between them in one loop.
            loop {
                let st = i;
                i = letter_run_end(b, i + 1);
                tok_len += (i - st) as u32;
                if i + 1 < n && b[i] == b' ' && IS_ALPHA[b[i + 1] as usize] {
                    if space_after(&mut tok_len, &mut single_run) {
                        return true;
                    }
                    i += 1;
                    continue;
                }
                break;
            }
            prev_alpha = true;
            continue;
        }
        if x >= 0x80 {
            tok_len = 0;
            // An accented Latin letter is a letter for the separator after
            // it (`Avè*ne`, `Poké*mon`); only the lead bytes of U+0080–U+07FF
            // and U+1000–U+1FFF are decoded to find out (not CJK or Hangul).
            let latin =
                (x < 0xE0 || x == 0xE1) && text.get(i..).and_then(|t| t.chars().next()).is_some_and(accented_latin);
            match non_ascii_step(text, i) {
                // An accented letter inside a Latin word (`Chanél`, `Gùcci`,
                // `Diór`): the folded view reads the word without accents.
                Some(next) if latin && (prev_alpha || b.get(next).is_some_and(u8::is_ascii_alphabetic)) => return true,
                Some(next) => i = next,
                None => return true,
            }
            prev_alpha = latin;
            // The CJK and Hangul characters and spaces that follow (most of
            // a Chinese or Korean title), one table read a step: no token
            // is open (`tok_len` is 0), so a space only ends a run of
            // one-character tokens.
            let (from, mut space) = (i, false);
            while let Some(&x) = b.get(i) {
                let step = CJK_OR_SPACE[x as usize];
                if step == 0 {
                    break;
                }
                space |= step == 1;
                i += step as usize;
            }
            if space {
                single_run = 0;
            }
            prev_alpha &= i == from;
            continue;
        }
        if x == b' ' {
            if space_after(&mut tok_len, &mut single_run) {
                return true;
            }
            prev_alpha = false;
            i += 1;
            continue;
        }
        tok_len += 1;
        if other_byte_folds(b, i, prev_alpha) {
            return true;
        }
        prev_alpha = false;
        i += 1;
        // The rest of a run of digits: neither after a letter nor opening
        // a word, so only its length counts (`sku930509`, `42码`).
        if x.is_ascii_digit() {
            let st = i;
            while i < n && b[i].is_ascii_digit() {
                i += 1;
            }
            tok_len += (i - st) as u32;
        }
    }
    false
}

/// 3 at the lead byte of a CJK ideograph or Hangul syllable (as
/// [`non_ascii_step`] skips it), 1 at a space, 0 elsewhere.
static CJK_OR_SPACE: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if crate::normalize::is_cjk_hangul_lead(i as u8) {
            3
        } else if i as u8 == b' ' {
            1
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The byte after the non-ASCII character at `text[i..]`, or `None` when
/// that character is a homoglyph or an invisible one (the folded view is
/// needed). Lead bytes of CJK ideographs (U+4000–U+9FFF) and Hangul
/// syllables (U+B000–U+CFFF) skip three bytes without decoding.
#[inline]
fn non_ascii_step(text: &str, i: usize) -> Option<usize> {
    let x = text.as_bytes()[i];
    if crate::normalize::is_cjk_hangul_lead(x) {
        return Some(i + 3);
    }
    // Continuation bytes.
    if x < 0xC0 {
        return Some(i + 1);
    }
    // Only letters of other scripts (not CJK/Hangul) can be homoglyphs.
    match text.get(i..).and_then(|s| s.chars().next()) {
        Some(c) if fold_trigger(c) => None,
        Some(c) => Some(i + c.len_utf8()),
        None => Some(i + 1),
    }
}

/// A space ends the token before it: whether that makes two one-character
/// tokens in a row (`n i k e`).
#[inline]
fn space_after(tok_len: &mut u32, single_run: &mut u32) -> bool {
    if *tok_len == 1 {
        *single_run += 1;
        if *single_run >= 2 {
            return true;
        }
    } else {
        *single_run = 0;
    }
    *tok_len = 0;
    false
}

/// Whether the ASCII byte `b[i]`, not a letter and not a space, shows a
/// trick: a leet digit or symbol, or a separator, inside or opening a word.
/// `prev_alpha`: `b[i - 1]` is a letter. Shared by [`needs_fold`] and
/// [`needs_fold_runs`].
#[inline]
fn other_byte_folds(b: &[u8], i: usize, prev_alpha: bool) -> bool {
    let c = b[i] as char;
    let is_leet = leet(c).is_some();
    if prev_alpha && (is_leet || is_inner_sep(c)) {
        // Everyday punctuation inside words (t-shirt, men's, wi-fi, a/b)
        // is a trick only between single letters (n-i-k-e, l.v); rarer
        // marks (gu*cci, g·u) count anywhere.
        let everyday_sep = matches!(c, '.' | '-' | '\'' | '/' | '+' | ',' | '"' | '`');
        let single_both =
            (i < 2 || !b[i - 2].is_ascii_alphanumeric()) && b.get(i + 2).is_none_or(|n| !n.is_ascii_alphanumeric());
        if is_leet || !everyday_sep || single_both {
            // letter followed by a digit/symbol/separator and then a letter
            match b.get(i + 1) {
                Some(&n) if n.is_ascii_alphabetic() => return true,
                // a substitute ending a word: GUCC1, CHANE1
                None if is_leet => return true,
                Some(&n) if is_leet && !n.is_ascii_alphanumeric() && n < 0x80 => return true,
                _ => {}
            }
        }
    }
    if is_leet && !prev_alpha && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
        // digit/symbol first, then two or more letters: 5amsung, 0mega,
        // 1BM; not 5g, 4k, 3d, nor units and language tags (3color, 5cm, @en),
        // nor a number before Chinese or Korean (150寸, 3D打印, 2인용).
        let run = letters_from(b, i + 1);
        if run >= 2 && !is_unit(&b[i + 1..i + 1 + run]) {
            return true;
        }
    }
    false
}

/// Bytes of the letters opening `b[from..]` (UTF-8) after a leet character:
/// ASCII letters and any other character but Chinese, Japanese kana and
/// Korean (a Cyrillic `а` in `5аmsung` counts; `寸` in `150寸` does not, as
/// no Latin mark goes on there).
fn letters_from(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        let x = b[i];
        if x.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        if x < 0x80 {
            break;
        }
        let w = match x {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        let c = b.get(i..i + w).and_then(|s| std::str::from_utf8(s).ok()).and_then(|s| s.chars().next());
        if c.is_some_and(crate::normalize::is_cjk_or_hangul) {
            break;
        }
        i += w;
    }
    i - from
}

/// [`needs_fold`] on ASCII text whose runs of letters and of digits the
/// word lookup has already found (`crate::words`, in order): the runs are
/// skipped in one step each, only the bytes between them are read. Gives
/// the same answer as `needs_fold` on the text (or on its lower-case form).
pub(crate) fn needs_fold_runs(b: &[u8], runs: &[crate::words::Run]) -> bool {
    let mut prev_alpha = false;
    let mut single_run = 0u32; // consecutive one-character tokens
    let mut tok_len = 0u32;
    // The bytes between runs, as `needs_fold` reads them.
    let gap = |from: usize, to: usize, prev_alpha: &mut bool, tok_len: &mut u32, single_run: &mut u32| -> bool {
        for i in from..to {
            if b[i] == b' ' {
                if space_after(tok_len, single_run) {
                    return true;
                }
            } else {
                *tok_len += 1;
                if other_byte_folds(b, i, *prev_alpha) {
                    return true;
                }
            }
            *prev_alpha = false;
        }
        false
    };
    let mut at = 0;
    for r in runs {
        let (st, en) = (r.start as usize, r.end as usize);
        if st == at + 1 && b[at] == b' ' {
            // The usual gap, one space, without the loop.
            if space_after(&mut tok_len, &mut single_run) {
                return true;
            }
            prev_alpha = false;
        } else if st != at && gap(at, st, &mut prev_alpha, &mut tok_len, &mut single_run) {
            return true;
        }
        if b[st].is_ascii_alphabetic() {
            prev_alpha = true;
        } else {
            // Digits: only the first can follow a letter or open a word.
            if other_byte_folds(b, st, prev_alpha) {
                return true;
            }
            prev_alpha = false;
        }
        tok_len += (en - st) as u32;
        at = en;
    }
    gap(at, b.len(), &mut prev_alpha, &mut tok_len, &mut single_run)
}

/// The folded text with, for each byte, the original span it came from.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    /// The folded text (lower-case ASCII letters and digits, spaces, anything else as is).
    pub text: String,
    map: Vec<(u32, u32)>,
    /// Reused buffers: characters with their original spans, and one
    /// character's normalisation.
    chars: Vec<(char, u32, u32)>,
    one: crate::normalize::Normalized,
}

impl Folded {
    /// Map a span of the folded text back to the original.
    pub fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || end > self.map.len() {
            return (0, 0);
        }
        (self.map[start].0 as usize, self.map[end - 1].1 as usize)
    }

    /// Fold `original` into this view (buffers reused).
    pub fn set(&mut self, original: &str) {
        self.text.clear();
        self.map.clear();
        // 1. Per character: confusables, NFKC-like compatibility folding, case.
        let mut chars = std::mem::take(&mut self.chars);
        chars.clear();
        for (i, c) in original.char_indices() {
            let (s, e) = (i as u32, (i + c.len_utf8()) as u32);
            if c.is_ascii() {
                chars.push((c.to_ascii_lowercase(), s, e));
                continue;
            }
            // Most of a Chinese or Korean title: ideographs and Hangul
            // syllables are neither invisible nor confusable (the tests
            // check every one) and stay as they are.
            if matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}') {
                chars.push((c, s, e));
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            if let Some(t) = confusable(c) {
                chars.push((t, s, e));
                continue;
            }
            if is_cjk_or_hangul(c) {
                chars.push((c, s, e));
                continue;
            }
            // Punctuation and symbols (，【】（）…) cannot spell a mark.
            if !c.is_alphanumeric() && !('\u{FF00}'..='\u{FFEF}').contains(&c) {
                chars.push((c, s, e));
                continue;
            }
            let mut buf = [0u8; 4];
            self.one.set(c.encode_utf8(&mut buf));
            for d in self.one.text.chars() {
                let d = confusable(d).unwrap_or(d);
                // Accents go too (`a v è n e` is Avène spelled out).
                let d = if d.is_ascii() || is_cjk_or_hangul(d) {
                    d
                } else {
                    crate::normalize::base_letter(d).map_or(d, char::from)
                };
                chars.push((d, s, e));
            }
        }
        // 2. Leetspeak inside tokens that hold a letter.
        let mut i = 0;
        while i < chars.len() {
            if chars[i].0.is_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && !chars[i].0.is_whitespace() {
                i += 1;
            }
            let tok = &mut chars[start..i];
            if tok.iter().any(|(c, _, _)| c.is_ascii_alphabetic()) {
                for k in 0..tok.len() {
                    if let Some(l) = leet(tok[k].0) {
                        // Keep plain numbers inside a token (`iphone 15`, `s24`):
                        // only substitute next to a letter or another substitute.
                        let prev_letter = k > 0 && tok[k - 1].0.is_ascii_alphabetic();
                        let next_letter = k + 1 < tok.len() && tok[k + 1].0.is_ascii_alphabetic();
                        if prev_letter || next_letter {
                            tok[k].0 = l;
                        }
                    }
                }
            }
        }
        // 3. Separators inside a word, and spaces inside spelled-out letters.
        let n = chars.len();
        let is_an = |c: char| c.is_ascii_alphanumeric();
        let mut k = 0;
        while k < n {
            let (c, s, e) = chars[k];
            if is_inner_sep(c) && k > 0 && k + 1 < n && is_an(chars[k - 1].0) && is_an(chars[k + 1].0) {
                k += 1;
                continue;
            }
            // A space between two letters spelled out one by one goes. A
            // letter counts as spelled out when whitespace, an inner
            // separator or `&` stands on its other side too, so names with
            // inner punctuation join as well (`G-S h o c k`, `C o c a-C o l
            // a`, `D o l c e&G a b b a n a`).
            if c == ' ' && k > 0 && k + 1 < n {
                let edge = |i: usize| chars[i].0.is_whitespace() || is_inner_sep(chars[i].0) || chars[i].0 == '&';
                let single = |i: usize| is_an(chars[i].0) && (i == 0 || edge(i - 1)) && (i + 1 == n || edge(i + 1));
                if single(k - 1) && single(k + 1) {
                    k += 1;
                    continue;
                }
            }
            self.map.extend(std::iter::repeat_n((s, e), c.len_utf8()));
            self.text.push(c);
            k += 1;
        }
        self.chars = chars;
    }
}

/// Fold a pattern the way item text is folded (for the folded automaton).
pub fn fold_pattern(p: &str) -> String {
    let mut f = Folded::default();
    f.set(p);
    f.text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        let mut f = Folded::default();
        f.set(s);
        f.text
    }

    /// `needs_fold` before words and the spaces between them were read in
    /// one loop and runs of digits skipped: the answer must not change. (What
    /// one digit or symbol says is `other_byte_folds` in both.)
    fn needs_fold_reference(text: &str) -> bool {
        let b = text.as_bytes();
        let n = b.len();
        let mut prev_alpha = false;
        let mut single_run = 0u32; // consecutive one-character tokens
        let mut tok_len = 0u32;
        let mut i = 0;
        while i < n {
            let x = b[i];
            if IS_ALPHA[x as usize] {
                let st = i;
                i = letter_run_end(b, i + 1);
                tok_len += (i - st) as u32;
                prev_alpha = true;
                continue;
            }
            if x >= 0x80 {
                tok_len = 0;
                let c = text[i..].chars().next().unwrap_or(' ');
                let latin = accented_latin(c);
                match non_ascii_step(text, i) {
                    Some(next) if latin && (prev_alpha || b.get(next).is_some_and(u8::is_ascii_alphabetic)) => {
                        return true
                    }
                    Some(next) => i = next,
                    None => return true,
                }
                prev_alpha = latin;
                continue;
            }
            if x == b' ' {
                if tok_len == 1 {
                    single_run += 1;
                    if single_run >= 2 {
                        return true;
                    }
                } else {
                    single_run = 0;
                }
                tok_len = 0;
                prev_alpha = false;
                i += 1;
                continue;
            }
            tok_len += 1;
            if other_byte_folds(b, i, prev_alpha) {
                return true;
            }
            prev_alpha = false;
            i += 1;
        }
        false
    }

    #[test]
    fn needs_fold_agrees_with_the_byte_by_byte_reference() {
        let parts = [
            "nike",
            "n",
            "i",
            " ",
            "  ",
            "k",
            "e",
            "gucc1",
            "1",
            "0",
            "5amsung",
            "3cm",
            ".",
            "-",
            "*",
            "'",
            "g",
            "ab",
            "香奈儿",
            "나이키",
            "а",
            "é",
            "ắ",
            "ｎ",
            "\u{200b}",
            "sku930509",
            "l.v",
            "x",
            "air max",
            "$",
            "/",
            "4k",
        ];
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let mut yes = 0;
        for _ in 0..200_000 {
            let t: String = (0..1 + next(8)).map(|_| parts[next(parts.len())]).collect();
            let want = needs_fold_reference(&t);
            assert_eq!(needs_fold(&t), want, "{t:?}");
            yes += want as usize;
        }
        assert!(yes > 20_000 && yes < 180_000, "{yes}");
    }

    #[test]
    fn needs_fold_from_runs_agrees_with_the_reference_on_ascii_text() {
        let parts = [
            "nike",
            "N",
            "i",
            " ",
            "  ",
            "K",
            "e",
            "GUCC1",
            "1",
            "0",
            "7",
            "2",
            "5amsung",
            "3cm",
            "@en",
            ".",
            "-",
            "*",
            "'",
            "_",
            "~",
            "^",
            ",",
            "\"",
            "`",
            "+",
            "!",
            "|",
            "$",
            "@",
            "/",
            "g",
            "ab",
            "sku930509",
            "l.v",
            "x",
            "air max",
            "4k",
            "iphone7",
            "3color",
            "n1ke",
            "a b c",
        ];
        let idx = crate::words::WordIndex::with_categories(std::iter::empty());
        let mut next = crate::test_rng(0x51_7cc1_b727_220a);
        let (mut yes, mut runs) = (0, Vec::new());
        for _ in 0..200_000 {
            let t: String = (0..1 + next(8)).map(|_| parts[next(parts.len())]).collect();
            let lower = t.to_ascii_lowercase();
            runs.clear();
            idx.find(lower.as_bytes(), &mut runs, |_, _, _| {}, |_, _| {});
            let want = needs_fold_reference(&t);
            assert_eq!(needs_fold_runs(lower.as_bytes(), &runs), want, "{t:?}");
            yes += want as usize;
        }
        assert!(yes > 20_000 && yes < 180_000, "{yes}");
    }

    /// `Folded::set` keeps CJK ideographs and Hangul syllables as they are
    /// without looking them up: none is invisible or confusable.
    #[test]
    fn ideographs_and_syllables_are_kept_as_they_are() {
        for c in ('\u{4E00}'..='\u{9FFF}').chain('\u{AC00}'..='\u{D7A3}') {
            assert!(!is_invisible(c) && confusable(c).is_none() && is_cjk_or_hangul(c), "{c:?}");
        }
    }

    #[test]
    fn confusable_agrees_with_the_table() {
        for cp in 0..0x3_0000u32 {
            if let Some(c) = char::from_u32(cp) {
                let want = CONFUSABLES.iter().find(|(k, _)| *k == c).map(|(_, t)| *t);
                assert_eq!(confusable(c), want, "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn fold_trigger_bitmap_agrees_with_the_tables() {
        for cp in 0x80..0x3_0000u32 {
            if let Some(c) = char::from_u32(cp) {
                let want = !is_cjk_or_hangul(c) && (confusable(c).is_some() || is_invisible(c));
                assert_eq!(fold_trigger(c), want, "U+{cp:04X}");
            }
        }
    }

    /// The characters that byte scans skip by their lead byte are never a
    /// reason to fold, nor letters the misspelling matcher reads.
    #[test]
    fn skipped_lead_bytes_open_no_trigger() {
        let mut n = 0;
        for c in (0x80..0x11_0000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            if crate::normalize::is_cjk_hangul_lead(c.encode_utf8(&mut buf).as_bytes()[0]) {
                assert!(!fold_trigger(c) && !accented_latin(c), "U+{:04X}", c as u32);
                assert!(!((0x80..0x2E80).contains(&(c as u32)) && c.is_alphabetic()));
                n += 1;
            }
        }
        assert_eq!(n, 0x6000 + 0x2800);
    }

    #[test]
    fn letter_runs() {
        for s in
            ["", "a", "abc def", "abcdefghijklmnop", "ABCxyzQRSTUVW1", "ab@[`{_z", "héllo", "zzzzzzzz zz", "AZaz09"]
        {
            let b = s.as_bytes();
            for i in 0..=b.len() {
                let want = i + b[i..].iter().take_while(|x| x.is_ascii_alphabetic()).count();
                assert_eq!(letter_run_end(b, i), want, "{s:?} from {i}");
            }
        }
        for x in 0..=255u8 {
            let b = [b'a', b'b', b'c', x, b'd', b'e', b'f', b'g', b'h'];
            let want = if x.is_ascii_alphabetic() { 9 } else { 3 };
            assert_eq!(letter_run_end(&b, 0), want, "byte {x:#x}");
        }
    }

    #[test]
    fn undoes_common_tricks() {
        assert_eq!(fold("N1KE hoodie"), "nike hoodie");
        assert_eq!(fold("GUCC1 bag"), "gucci bag");
        assert_eq!(fold("R0LEX watch"), "rolex watch");
        assert_eq!(fold("5AMSUNG phone"), "samsung phone");
        assert_eq!(fold("N I K E shoes"), "nike shoes");
        assert_eq!(fold("N.I.K.E shoes"), "nike shoes");
        assert_eq!(fold("G-u-c-c-i belt"), "gucci belt");
        assert_eq!(fold("Guc*ci belt"), "gucci belt");
        assert_eq!(fold("L-V bag"), "lv bag");
        assert_eq!(fold("A v è n e cream"), "avene cream");
        assert_eq!(fold("GUССI"), "gucci"); // Cyrillic С
        assert_eq!(fold("ΝΙΚΕ"), "nike"); // Greek capitals
        assert_eq!(fold("Ni\u{200B}ke"), "nike");
    }

    #[test]
    fn keeps_plain_numbers() {
        assert_eq!(fold("iphone 15 pro 256gb"), "iphone 15 pro 256gb");
        assert_eq!(fold("size 42 eu"), "size 42 eu");
    }

    #[test]
    fn spans_map_back() {
        let s = "G-u-c-c-i belt";
        let mut f = Folded::default();
        f.set(s);
        let (a, b) = f.to_original(0, 5);
        assert_eq!(&s[a..b], "G-u-c-c-i");
    }

    #[test]
    fn quick_check() {
        assert!(needs_fold("N1KE hoodie"));
        assert!(needs_fold("N I K E"));
        assert!(needs_fold("G-u-c-c-i"));
        assert!(needs_fold("GUССI"));
        assert!(needs_fold("5amsung"));
        assert!(needs_fold("GUCC1 handbag"));
        assert!(!needs_fold("cotton socks 5 pairs"));
        assert!(!needs_fold("耐克 运动鞋 42码"));
        assert!(!needs_fold("iphone 15 case"));
        assert!(!needs_fold("lamp sku452523"));
        // A number before Chinese or Korean opens no Latin word.
        assert!(!needs_fold("60/72/84/120/150寸高清手拉幕布"));
        assert!(!needs_fold("3D打印 模型"));
        assert!(!needs_fold("4인용 소파"));
        assert!(needs_fold("5аmsung"), "a Cyrillic letter after a leet digit");
        assert!(needs_fold("高清 5amsung 手机"));
    }
}
