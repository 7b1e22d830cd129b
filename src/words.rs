//! Whole-word literals on ASCII text, found with one hash probe per word
//! instead of the automaton's walk over every byte.
//!
//! Most literals (Latin mark names, category words, coded terms) are ASCII
//! and need a word boundary where they start or end with a letter or digit:
//! no letter may touch a literal's letter, no digit its digit. On ASCII text
//! such a literal can only match from the start of a run of letters (or
//! digits, or one other byte) to the end of one, so the engine looks up each
//! run, and while some literal continues it the runs that follow (`new` →
//! `new ` → `new balance`), in one hash table: a probe per word instead of an
//! automaton step per byte. Regex gates, which match anywhere, are found by
//! [`Substrings`]. The hits are the automaton's hits that pass its boundary
//! check, in the automaton's order once sorted by (end, start) (tested
//! against the automaton in the engine's tests).

use crate::fuzzy::{set_hash, set_hash_in};

/// The table of whole-word literals and of their run prefixes.
pub(crate) struct WordIndex {
    /// Open addressing, linear probing: `(hash >> 32) << 32 | (entry + 1)`,
    /// 0 for an empty slot.
    slots: Vec<u64>,
    entries: Vec<Entry>,
    /// Entry texts, back to back.
    arena: Vec<u8>,
    mask: usize,
    /// Bytes other than letters and digits that open a literal (`&`).
    opens: [bool; 256],
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    off: u32,
    len: u32,
    /// The automaton pattern with this text, or `NONE` for a prefix only.
    pat: u32,
    /// What the text after this one must open with for some longer
    /// literal to continue it ([`cont_bits`] of each continuation; 0 when
    /// none does): most words that open a multi-word name (`new`,
    /// `cotton`) are followed by other words, and this stops the lookup of
    /// the longer text there.
    cont: u64,
    /// The text's first eight bytes as a little-endian number (zero past
    /// its end): most words are verified with one compare, no byte loop.
    head: u64,
    /// The category of a pattern that is only a category word, or
    /// `NO_CAT`: reported by category, not as a hit (most words of a title
    /// that match anything are category words).
    cat: u8,
}

const NONE: u32 = u32::MAX;
const NO_CAT: u8 = u8::MAX;

/// The bits a continuation opening with `rest` sets: one for its first
/// byte (bits 0–31), and one for its first two bytes (bits 32–62), or bit
/// 63 when it has a single byte (then only the first byte is checked).
#[inline]
fn cont_bits(rest: &[u8]) -> u64 {
    let two = match rest.get(1) {
        Some(&c) => pair_bit(rest[0], c),
        None => 1 << 63,
    };
    1 << (rest[0] & 31) | two
}

#[inline]
fn pair_bit(a: u8, b: u8) -> u64 {
    1 << (32 + u32::from(a.wrapping_mul(7) ^ b) % 31)
}

/// Whether `cont` allows a continuation at `b[end..]` (never false for a
/// real one).
#[inline]
fn may_continue(cont: u64, b: &[u8], end: usize) -> bool {
    let Some(&x) = b.get(end) else { return false };
    if cont & 1 << (x & 31) == 0 {
        return false;
    }
    if cont >> 63 != 0 {
        return true;
    }
    b.get(end + 1).is_some_and(|&y| cont & pair_bit(x, y) != 0)
}

/// The first eight bytes of `b[i..e]` as a little-endian number, zero past
/// `e`: one masked read where eight bytes are in `b`.
#[inline]
fn head(b: &[u8], i: usize, e: usize) -> u64 {
    let n = (e - i).min(8);
    if n == 0 {
        return 0;
    }
    let mask = u64::MAX >> (64 - 8 * n);
    match b.get(i..i + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) & mask,
        None => {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&b[i..i + n]);
            u64::from_le_bytes(w)
        }
    }
}

/// The end of the run starting at `i`: letters, digits, or one other byte.
#[inline]
fn run_end(b: &[u8], i: usize) -> usize {
    let c = b[i];
    if c.is_ascii_alphabetic() {
        crate::fold::letter_run_end(b, i + 1)
    } else if c.is_ascii_digit() {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        j
    } else {
        i + 1
    }
}

impl WordIndex {
    /// Index the given `(pattern id, text)` pairs: unique ASCII texts (an
    /// empty one is skipped).
    #[cfg(test)]
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = (u32, &'a str)>) -> WordIndex {
        WordIndex::with_categories(patterns.into_iter().map(|(p, t)| (p, t, None)))
    }

    /// Index `(pattern id, text, category)` triples: unique ASCII texts (an
    /// empty one is skipped); a pattern with a category stands only for a
    /// category word of it and is reported through `find`'s `word`.
    pub(crate) fn with_categories<'a>(patterns: impl IntoIterator<Item = (u32, &'a str, Option<u8>)>) -> WordIndex {
        let mut by_text: std::collections::HashMap<&'a [u8], usize> = std::collections::HashMap::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut arena = Vec::new();
        let mut texts: Vec<&'a [u8]> = Vec::new();
        let mut entry = |key: &'a [u8], entries: &mut Vec<Entry>, arena: &mut Vec<u8>| -> usize {
            *by_text.entry(key).or_insert_with(|| {
                entries.push(Entry {
                    off: arena.len() as u32,
                    len: key.len() as u32,
                    pat: NONE,
                    cont: 0,
                    head: head(key, 0, key.len()),
                    cat: NO_CAT,
                });
                arena.extend_from_slice(key);
                texts.push(key);
                entries.len() - 1
            })
        };
        let mut opens = [false; 256];
        for (pat, text, cat) in patterns {
            let b = text.as_bytes();
            let Some(&first) = b.first() else { continue };
            if !first.is_ascii_alphanumeric() {
                opens[first as usize] = true;
            }
            let mut i = 0;
            loop {
                let e = run_end(b, i);
                if e == b.len() {
                    break;
                }
                let k = entry(&b[..e], &mut entries, &mut arena);
                entries[k].cont |= cont_bits(&b[e..]);
                i = e;
            }
            let k = entry(b, &mut entries, &mut arena);
            debug_assert_eq!(entries[k].pat, NONE, "duplicate pattern text");
            entries[k].pat = pat;
            entries[k].cat = cat.unwrap_or(NO_CAT);
        }
        let size = (entries.len() * 4).next_power_of_two().max(16);
        let mut slots = vec![0u64; size];
        let mask = size - 1;
        for (k, key) in texts.iter().enumerate() {
            let h = set_hash(key);
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (h >> 32) << 32 | (k as u64 + 1);
        }
        WordIndex { slots, entries, arena, mask, opens }
    }

    /// Heap bytes of the table.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.len() * 8 + self.entries.len() * std::mem::size_of::<Entry>() + self.arena.len()
    }

    /// The entry for `b[i..e]`, whose [`set_hash`] is `h`. The tag test
    /// comes first: a hit costs one predicted branch, and the probe goes on
    /// only past a slot of another key.
    #[inline(always)]
    fn get(&self, b: &[u8], i: usize, e: usize, h: u64) -> Option<Entry> {
        let tag = h >> 32;
        let (n, first) = (e - i, head(b, i, e));
        let mut at = h as usize & self.mask;
        loop {
            let s = self.slots[at];
            if s >> 32 == tag && s != 0 {
                let en = self.entries[(s as u32 - 1) as usize];
                if en.len as usize == n
                    && en.head == first
                    && (n <= 8 || self.arena[en.off as usize + 8..(en.off + en.len) as usize] == b[i + 8..e])
                {
                    return Some(en);
                }
            } else if s == 0 {
                return None;
            }
            at = (at + 1) & self.mask;
        }
    }

    /// Call `hit(pattern, start, end)` for every literal in the ASCII text
    /// `b` that starts and ends at run edges, by start, then by length, and
    /// `word(category, start)` instead for a pattern that is only a
    /// category word. Each run of letters or digits is pushed to `runs`
    /// with its [`set_hash`] (the misspelling matcher reuses them). Returns whether the text holds
    /// a `*` (a masked name for the misspelling matcher).
    #[inline]
    pub(crate) fn find(
        &self,
        b: &[u8],
        runs: &mut Vec<Run>,
        mut hit: impl FnMut(u32, usize, usize),
        mut word: impl FnMut(u8, usize),
    ) -> bool {
        let mut star = false;
        let mut i = 0;
        while i < b.len() {
            let alnum = b[i].is_ascii_alphanumeric();
            if !alnum {
                star |= b[i] == b'*';
                if !self.opens[b[i] as usize] {
                    i += 1;
                    continue;
                }
            }
            let first = run_end(b, i);
            let h = set_hash_in(b, i, first);
            if alnum {
                runs.push(Run { start: i as u32, end: first as u32, hash: h });
            }
            let mut end = first;
            let mut found = self.get(b, i, end, h);
            while let Some(e) = found {
                if e.cat != NO_CAT {
                    word(e.cat, i);
                } else if e.pat != NONE {
                    hit(e.pat, i, end);
                }
                if !may_continue(e.cont, b, end) {
                    break;
                }
                end = run_end(b, end);
                found = self.get(b, i, end, set_hash_in(b, i, end));
            }
            // The usual separator, one space before the next word, without a
            // turn of the loop (when no literal opens with a space).
            i = if b.get(first) == Some(&b' ')
                && b.get(first + 1).is_some_and(u8::is_ascii_alphanumeric)
                && !self.opens[b' ' as usize]
            {
                first + 1
            } else {
                first
            };
        }
        star
    }
}

/// The runs of ASCII letters and of digits of a text that is not all ASCII
/// (as [`WordIndex::find`] pushes them on ASCII text), for the misspelling
/// matcher's shortcut (`FuzzyIndex::nothing_in`): Chinese and Korean
/// stretches are skipped eight bytes at a time. Returns whether the text
/// holds a `*`, or `None` when it holds a character the matcher may fold
/// into a token (lead bytes `C2`–`E2`: U+0080–U+2FFF, accented Latin
/// letters among them), where the runs would not be its tokens.
pub(crate) fn runs_of_wide(b: &[u8], runs: &mut Vec<Run>) -> Option<bool> {
    const LO: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    if b.iter().fold(false, |a, &x| a | (x.wrapping_sub(0xC2) <= 0xE2 - 0xC2)) {
        return None;
    }
    let mut star = false;
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            // Per byte below 0x80: a letter (x | 0x20 in a..=z), a digit or
            // `*`; no carries cross bytes (each sum stays below 0x100).
            let ascii = !w & HI;
            let t = (w | 0x2020_2020_2020_2020) & LO;
            let letter = (t.wrapping_add(0x1f * ONES) & !t.wrapping_add(0x05 * ONES)) & HI;
            let d = w & LO;
            let digit = (d.wrapping_add(0x50 * ONES) & !d.wrapping_add(0x46 * ONES)) & HI;
            let z = w ^ (0x2a * ONES);
            let is_star = !(((z & LO).wrapping_add(LO)) | z) & HI;
            let m = (letter | digit | is_star) & ascii;
            if m == 0 {
                i += 8;
                continue;
            }
            i += (m.trailing_zeros() / 8) as usize;
        }
        let x = b[i];
        if x.is_ascii_alphanumeric() {
            let e = run_end(b, i);
            runs.push(Run { start: i as u32, end: e as u32, hash: set_hash_in(b, i, e) });
            i = e;
        } else {
            star |= x == b'*';
            i += 1;
        }
    }
    Some(star)
}

/// A run of ASCII letters or of digits, with the [`set_hash`] of its text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    pub start: u32,
    pub end: u32,
    pub hash: u64,
}

/// ASCII literals that match anywhere (regex gates: `st` inside `steel`
/// opens the regex), for ASCII text. The literals of two bytes or more go
/// to a SIMD packed searcher (Teddy, from the aho-corasick crate) that skips
/// most of the text; one-byte literals (`:`) to memchr. Where Teddy is not
/// available (too many literals, other CPUs), a byte-pair bitmap read at
/// every position. Every candidate start is verified against the literals.
pub(crate) struct Substrings {
    teddy: Option<aho_corasick::packed::Searcher>,
    /// Bit `b0 | b1 << 8`: some literal of two bytes or more starts with
    /// `b0 b1` (used without Teddy).
    pairs: Vec<u64>,
    /// The one-byte literals: `(pattern id, byte)`.
    singles: Vec<(u32, u8)>,
    /// Literals of two bytes or more by first byte: `(pattern id, text)`.
    by_first: Vec<Vec<(u32, Box<[u8]>)>>,
}

impl Substrings {
    /// Index `(pattern id, text)` pairs: unique, non-empty ASCII texts.
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = (u32, &'a str)>) -> Substrings {
        let mut pairs = vec![0u64; 1024];
        let mut by_first: Vec<Vec<(u32, Box<[u8]>)>> = vec![Vec::new(); 256];
        let mut singles = Vec::new();
        let mut teddy = aho_corasick::packed::Config::new().builder();
        for (pat, text) in patterns {
            match text.as_bytes() {
                [] => {}
                [b0] => singles.push((pat, *b0)),
                b @ [b0, b1, ..] => {
                    let k = *b0 as usize | (*b1 as usize) << 8;
                    pairs[k >> 6] |= 1 << (k & 63);
                    by_first[*b0 as usize].push((pat, b.into()));
                    teddy.add(b);
                }
            }
        }
        Substrings { teddy: teddy.build(), pairs, singles, by_first }
    }

    /// Call `hit(pattern, start, end)` for every occurrence in `b`.
    #[inline]
    pub(crate) fn find(&self, b: &[u8], mut hit: impl FnMut(u32, usize, usize)) {
        let mut at = |i: usize| {
            for (pat, text) in &self.by_first[b[i] as usize] {
                if b[i..].starts_with(text) {
                    hit(*pat, i, i + text.len());
                }
            }
        };
        match &self.teddy {
            // Each candidate start once: the leftmost match from there on,
            // then all literals checked at its start.
            Some(t) => {
                let mut from = 0;
                while let Some(m) = t.find_in(b, aho_corasick::Span::from(from..b.len())) {
                    at(m.start());
                    from = m.start() + 1;
                }
            }
            None => {
                for i in 0..b.len().saturating_sub(1) {
                    let k = b[i] as usize | (b[i + 1] as usize) << 8;
                    if self.pairs[k >> 6] & (1 << (k & 63)) != 0 {
                        at(i);
                    }
                }
            }
        }
        for &(pat, c) in &self.singles {
            for i in memchr::memchr_iter(c, b) {
                hit(pat, i, i + 1);
            }
        }
    }
}

impl std::fmt::Debug for Substrings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.singles.len() + self.by_first.iter().map(Vec::len).sum::<usize>();
        write!(f, "Substrings({n} literals, Teddy: {})", self.teddy.is_some())
    }
}

impl std::fmt::Debug for WordIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordIndex({} texts, {} bytes)", self.entries.len(), self.heap_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(idx: &WordIndex, text: &str) -> Vec<(u32, usize, usize)> {
        let mut v = Vec::new();
        let mut runs = Vec::new();
        let star = idx.find(text.as_bytes(), &mut runs, |p, s, e| v.push((p, s, e)), |_, _| unreachable!());
        assert_eq!(star, text.contains('*'));
        // Every run of letters or digits, hashed.
        let want: Vec<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let got: Vec<String> = runs.iter().map(|r| text[r.start as usize..r.end as usize].to_string()).collect();
        assert_eq!(got.concat(), want.concat());
        assert!(runs.iter().all(|r| r.hash == set_hash(&text.as_bytes()[r.start as usize..r.end as usize])));
        v
    }

    #[test]
    fn whole_words_and_phrases_by_run() {
        let idx = WordIndex::new([(0, "new"), (1, "new balance"), (2, "balance"), (3, "1:1"), (4, "nike"), (5, "3ce")]);
        assert_eq!(hits(&idx, "new balance 574"), vec![(0, 0, 3), (1, 0, 11), (2, 4, 11)]);
        assert_eq!(hits(&idx, "nike90 2nike nikes"), vec![(4, 0, 4), (4, 8, 12)], "letters touch letters only");
        assert_eq!(hits(&idx, "n*ke new*"), vec![(0, 5, 8)]);
        let spaced = WordIndex::new([(0, " a"), (1, "a"), (2, "")]);
        assert_eq!(hits(&spaced, "b a"), vec![(0, 1, 3), (1, 2, 3)], "a literal opening with a space");
        assert_eq!(hits(&idx, "bag 1:1 11:1 1:12"), vec![(3, 4, 7)]);
        assert_eq!(hits(&idx, "3ce lip 33ce"), vec![(5, 0, 3)]);
        assert_eq!(hits(&idx, "new  balance"), vec![(0, 0, 3), (2, 5, 12)], "separators are matched byte by byte");
        assert_eq!(hits(&idx, ""), vec![]);
        assert_eq!(hits(&idx, "new "), vec![(0, 0, 3)]);
    }

    #[test]
    fn literals_opening_or_closing_with_other_bytes() {
        let idx = WordIndex::new([(0, "co."), (1, "& off-white"), (2, "off-white")]);
        assert_eq!(hits(&idx, "tiffany&co.x"), vec![(0, 8, 11)], "no boundary after a dot");
        assert_eq!(hits(&idx, "a & off-white &off-white"), vec![(1, 2, 13), (2, 4, 13), (2, 15, 24)]);
    }

    #[test]
    fn substrings_anywhere() {
        let mut sub = Substrings::new([(0, "st"), (1, ":"), (2, "same"), (3, "sa"), (4, "ss")]);
        for teddy in [true, false] {
            if !teddy {
                sub.teddy = None;
            }
            for text in ["best: samesame:", "x", "", "sss: the same steel, best in class; sa"] {
                let mut v = Vec::new();
                sub.find(text.as_bytes(), |p, s, e| v.push((p, s, e)));
                v.sort();
                let mut want = Vec::new();
                for (p, lit) in ["st", ":", "same", "sa", "ss"].iter().enumerate() {
                    want.extend(text.match_indices(lit).map(|(i, _)| (p as u32, i, i + lit.len())));
                }
                // match_indices does not overlap: add the overlapping `ss`.
                if text.starts_with("sss") {
                    want.push((4, 1, 3));
                }
                want.sort();
                assert_eq!(v, want, "{text:?} (Teddy: {teddy})");
            }
        }
    }
}
