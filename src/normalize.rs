//! Text normalisation with an offset map back to the original bytes.
//!
//! Every field is normalised once: NFKC (full-width and mathematical letters
//! become plain ones), lower case, zero-width characters and combining marks
//! removed. Matching runs on the normalised text; every span found there is
//! mapped back to a byte span of the ORIGINAL text, so evidence always points
//! at what the seller wrote.
//!
//! ASCII text (most English items) takes a fast path: lower-casing is
//! byte-for-byte and the offset map is the identity, so no map is built.

use unicode_normalization::char::{compose, decompose_compatible};
use unicode_normalization::{is_nfkc_quick, IsNormalized};

/// A normalised view of one text with its map back to the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the
    /// character it came from. Empty when the mapping is the identity.
    map: Vec<u32>,
    /// For each byte of `text`, the end (exclusive) of that original character.
    map_end: Vec<u32>,
    /// Whether `text` is all ASCII.
    ascii: bool,
}

/// Characters that are dropped: zero-width and invisible formatting.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Combining marks that are dropped so `Herme\u{301}s` matches `hermes`.
#[inline]
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
}

impl Normalized {
    /// An empty view, to be reused with [`Normalized::set`].
    pub fn new() -> Normalized {
        Normalized::default()
    }

    /// Normalise `original` into this view (reusing its buffers).
    pub fn set(&mut self, original: &str) {
        self.text.clear();
        self.map.clear();
        self.map_end.clear();
        self.ascii = original.is_ascii();
        if self.ascii || !needs_folding(original) {
            // Only ASCII letters change, in place: byte offsets are the same,
            // so the map stays the identity (the common case, also for most
            // Chinese and Korean text).
            self.text.push_str(original);
            self.text.make_ascii_lowercase();
            return;
        }
        self.map.reserve(original.len());
        self.map_end.reserve(original.len());
        let mut tmp: Vec<char> = Vec::with_capacity(4);
        for (i, c) in original.char_indices() {
            let end = (i + c.len_utf8()) as u32;
            let start = i as u32;
            if c.is_ascii() {
                self.push(c.to_ascii_lowercase(), start, end);
                continue;
            }
            if is_stable(c) {
                self.push(c, start, end);
                continue;
            }
            if is_invisible(c) || is_combining(c) {
                continue;
            }
            if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes && !c.is_uppercase() {
                self.push(c, start, end);
                continue;
            }
            tmp.clear();
            decompose_compatible(c, |d| tmp.push(d));
            // Recompose what decomposition split (e.g. Latin letter + accent),
            // then drop the accents that are left.
            let mut composed: Vec<char> = Vec::with_capacity(tmp.len());
            for &d in &tmp {
                if let Some(last) = composed.last_mut() {
                    if let Some(cc) = compose(*last, d) {
                        *last = cc;
                        continue;
                    }
                }
                composed.push(d);
            }
            for d in composed {
                if is_invisible(d) || is_combining(d) {
                    continue;
                }
                for l in d.to_lowercase() {
                    self.push(l, start, end);
                }
            }
        }
        self.ascii = self.text.is_ascii();
    }

    /// Whether the normalised text is all ASCII (full-width letters become
    /// ASCII too).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    #[inline]
    fn push(&mut self, c: char, start: u32, end: u32) {
        let n = c.len_utf8();
        self.text.push(c);
        self.map.extend(std::iter::repeat_n(start, n));
        self.map_end.extend(std::iter::repeat_n(end, n));
    }

    /// Whether the normalised text is byte-for-byte aligned with the original.
    pub fn is_identity(&self) -> bool {
        self.map.is_empty()
    }

    /// Map a span of the ORIGINAL text to the normalised text (the smallest
    /// normalised span covering the characters that came from it).
    pub fn from_original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.map.is_empty() {
            return (start.min(self.text.len()), end.min(self.text.len()));
        }
        let a = self.map.iter().position(|&m| m as usize >= start).unwrap_or(self.map.len());
        let b = self.map_end.iter().rposition(|&m| m as usize <= end).map_or(a, |i| i + 1);
        (a, b.max(a))
    }

    /// Map a span `[start, end)` of the normalised text to the original text.
    pub fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.map.is_empty() {
            return (start, end);
        }
        if start >= end || start >= self.map.len() {
            let p = self.map.get(start).copied().unwrap_or_else(|| self.map_end.last().copied().unwrap_or(0));
            return (p as usize, p as usize);
        }
        (self.map[start] as usize, self.map_end[end - 1] as usize)
    }
}

/// Characters that normalisation never changes and that are common in
/// item text: CJK ideographs and Hangul syllables (checked by range, which is
/// much cheaper than the Unicode tables).
#[inline]
fn is_stable(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}' | '\u{3400}'..='\u{4DBF}')
}

/// The length of the character a byte opens when that character never
/// changes under normalisation and needs no decoding to know it: 1 for
/// ASCII, 3 for the lead bytes of U+4000–U+9FFF and U+B000–U+D7FF (CJK
/// ideographs, Yijing symbols, Hangul syllables and jamo, unassigned
/// points; checked character by character in the tests); else 0.
static STABLE_STEP: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            0..=0x7F => 1,
            0xE4..=0xE9 | 0xEB..=0xED => 3,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Whether any character of a non-ASCII text changes under normalisation
/// (other than ASCII lower-casing, which keeps offsets).
fn needs_folding(s: &str) -> bool {
    let b = s.as_bytes();
    // Most Chinese and Korean titles: every lead byte is ASCII or one that
    // `STABLE_STEP` skips (continuation bytes are below 0xC0), found by one
    // branch-free pass the compiler vectorises, with no stepping.
    if !any_unstable_lead(b) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // ASCII, and the lead bytes of the CJK and Hangul blocks (see
        // `STABLE_STEP`): no decoding, one table read a step (no branch on
        // which of the two it is).
        let stable = STABLE_STEP[x as usize];
        if stable != 0 {
            i += stable as usize;
            continue;
        }
        let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else { return true };
        i += c.len_utf8();
        if changes(c) {
            return true;
        }
    }
    false
}

/// A lead byte that `STABLE_STEP` does not skip (not ASCII, not a
/// continuation byte, not CJK or Hangul), in arithmetic the compiler can
/// vectorise.
#[inline(always)]
fn opens_unstable(x: u8) -> bool {
    (x >= 0xC0) & (x.wrapping_sub(0xE4) >= 6) & (x.wrapping_sub(0xEB) >= 3)
}

/// Whether some byte of `b` is a lead byte [`opens_unstable`] flags (a
/// character that is neither ASCII nor CJK/Hangul, see
/// [`is_cjk_hangul_lead`]): 32 bytes a step into a byte mask (vector
/// compares, no branch per byte).
#[inline]
fn any_unstable_lead(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(32);
    for c in &mut chunks {
        if c.iter().fold(0u8, |a, &x| a | opens_unstable(x) as u8) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&x| opens_unstable(x))
}

/// Whether normalisation changes the character `c` (beyond ASCII case).
fn changes(c: char) -> bool {
    if is_stable(c) {
        return false;
    }
    if is_invisible(c) || is_combining(c) || c.is_uppercase() {
        return true;
    }
    if is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes {
        return true;
    }
    // Lower-case letters that still change (e.g. final forms) are rare;
    // `to_lowercase` of a non-uppercase char is itself, except titlecase.
    c.is_alphabetic() && c.to_lowercase().next() != Some(c)
}

/// Normalise a pattern (name, alias, term) the same way as item text.
pub fn normalize_pattern(s: &str) -> String {
    let mut n = Normalized::new();
    n.set(s.trim());
    // Collapse runs of whitespace: patterns are written with single spaces.
    let mut out = String::with_capacity(n.text.len());
    let mut space = false;
    for c in n.text.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The ASCII base letter of an accented Latin letter (`é` → `e`), lower case.
pub(crate) fn base_letter(c: char) -> Option<u8> {
    let mut base = None;
    let mut n = 0;
    unicode_normalization::char::decompose_canonical(c, |d| {
        if n == 0 && d.is_ascii_alphabetic() {
            base = Some(d.to_ascii_lowercase() as u8);
        }
        n += 1;
    });
    base
}

/// A pattern with its accents removed (`hermès` → `hermes`), if it has any.
pub fn strip_accents(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    for c in s.chars() {
        // Only Latin/Greek/Cyrillic letters with combining accents; Hangul
        // syllables also decompose canonically (into jamo) and must stay whole.
        if c.is_ascii() || is_cjk_or_hangul(c) {
            out.push(c);
            continue;
        }
        let mut parts: Vec<char> = Vec::with_capacity(3);
        unicode_normalization::char::decompose_canonical(c, |d| parts.push(d));
        if parts.len() > 1 && parts[1..].iter().all(|&d| is_combining(d)) {
            out.push(parts[0]);
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// Whether `c` counts as a word character for Latin word boundaries
/// (letters and digits of alphabetic scripts, not CJK or Hangul, which have
/// no word boundaries).
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !is_cjk_or_hangul(c) && c.is_alphanumeric()
}

/// Lead byte of a three-byte UTF-8 sequence for U+4000–U+9FFF (CJK
/// ideographs) or U+B000–U+D7FF (Hangul syllables and jamo): byte scans
/// skip such a character whole, without decoding it (no such character is
/// a homoglyph, a Latin letter or invisible: `fold` tests each one).
#[inline]
pub(crate) const fn is_cjk_hangul_lead(b: u8) -> bool {
    matches!(b, 0xE4..=0xE9 | 0xEB..=0xED)
}

/// A Chinese ideograph (CJK Unified, Extension A, Compatibility).
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// CJK ideographs, kana and Hangul: scripts matched as substrings.
#[inline]
pub fn is_cjk_or_hangul(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{2E80}'..='\u{2FDF}' | '\u{3040}'..='\u{30FF}'
        | '\u{3130}'..='\u{318F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7AF}' | '\u{D7B0}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Normalized {
        let mut n = Normalized::new();
        n.set(s);
        n
    }

    #[test]
    fn ascii_is_lowercased_without_a_map() {
        let n = norm("NIKE Air");
        assert_eq!(n.text, "nike air");
        assert!(n.is_identity());
        assert_eq!(n.to_original(0, 4), (0, 4));
    }

    #[test]
    fn full_width_maps_back_to_original_bytes() {
        let s = "ＮＩＫＥ hoodie";
        let n = norm(s);
        assert_eq!(n.text, "nike hoodie");
        let (a, b) = n.to_original(0, 4);
        assert_eq!(&s[a..b], "ＮＩＫＥ");
        let (a, b) = n.to_original(5, 11);
        assert_eq!(&s[a..b], "hoodie");
    }

    #[test]
    fn math_letters_and_zero_width() {
        let s = "𝗡𝗜\u{200B}𝗞𝗘 bag";
        let n = norm(s);
        assert_eq!(n.text, "nike bag");
        let (a, b) = n.to_original(0, 4);
        assert_eq!(&s[a..b], "𝗡𝗜\u{200B}𝗞𝗘");
    }

    /// Every character whose lead byte `STABLE_STEP` skips is one that
    /// decoding would have let through unchanged.
    #[test]
    fn skipped_lead_bytes_open_only_unchanged_characters() {
        let mut n = 0;
        for c in (0x80..0x11_0000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            if STABLE_STEP[lead as usize] != 0 {
                assert!(!changes(c), "{c:?} U+{:04X}", c as u32);
                assert_eq!(STABLE_STEP[lead as usize] as usize, c.len_utf8());
                n += 1;
            }
        }
        assert_eq!(n, 0x6000 + 0x2800, "U+4000–U+9FFF and U+B000–U+D7FF");
    }

    /// The vectorised pre-check flags exactly the lead bytes the stepping
    /// loop decodes.
    #[test]
    fn unstable_lead_bytes_agree_with_the_step_table() {
        for x in 0..=255u8 {
            assert_eq!(opens_unstable(x), x >= 0xC0 && STABLE_STEP[x as usize] == 0, "{x:#04X}");
            // At every place of a whole chunk and of the remainder.
            for len in [1, 31, 32, 33, 64, 70] {
                for at in 0..len {
                    let mut b = vec![b'a'; len];
                    b[at] = x;
                    assert_eq!(any_unstable_lead(&b), opens_unstable(x), "{x:#04X} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn cjk_and_hangul_pass_through() {
        let s = "耐克 나이키 T恤";
        let n = norm(s);
        assert_eq!(n.text, "耐克 나이키 t恤");
        let (a, b) = n.to_original(7, 16);
        assert_eq!(&s[a..b], "나이키");
    }

    #[test]
    fn accents_and_combining_marks() {
        assert_eq!(norm("HERMÈS").text, "hermès");
        assert_eq!(norm("Herme\u{301}s").text, "hermes");
        assert_eq!(strip_accents("hermès").as_deref(), Some("hermes"));
        assert_eq!(strip_accents("nike"), None);
        assert_eq!(strip_accents("샤넬"), None);
        assert_eq!(strip_accents("까르띠에"), None);
    }

    #[test]
    fn full_width_punctuation_and_ligatures() {
        assert_eq!(norm("１：１ replica").text, "1:1 replica");
        assert_eq!(norm("ﬁt").text, "fit");
    }

    #[test]
    fn patterns_collapse_spaces() {
        assert_eq!(normalize_pattern("  Louis   Vuitton "), "louis vuitton");
    }
}
