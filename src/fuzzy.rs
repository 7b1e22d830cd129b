//! Misspelt and masked Latin marks: `Addidas`, `Balenciagga`, `Louis Vuiton`,
//! `G*cci`.
//!
//! A symmetric-deletion index (as in SymSpell): every mark key (alias in
//! lower case, letters and digits only, `louisvuitton`) is stored with the
//! hashes of itself and of each one-character deletion. A text token (or
//! two adjacent tokens joined, for `louis vuiton`) is looked up the same
//! way; a shared deletion means edit distance at most 2, so each candidate is
//! verified to be within one insertion, deletion, substitution or adjacent
//! transposition. Each word of a multi-word name (`louis`, `vuitton`) is
//! indexed too: a misspelt word counts only when the text's neighbouring
//! tokens spell the name's other words exactly (`a-codl-wall`, `bell & rsos`),
//! so the other words vouch for the misspelt one. The deletion hashes of a token come from prefix and suffix
//! hashes in O(length), and a 2²⁰-bit filter answers most lookups without
//! touching the map, so clean items pay little.
//!
//! Safety: only keys of `min_len` or more characters are matched approximately
//! (short marks are never misspelt on purpose: `mike` is not `Nike`), the first
//! letter must agree (sellers keep it so buyers recognise the brand), and a
//! token that is an everyday English word (SCOWL list, `fuzzy_words.txt`) or a
//! literal of the ruleset (category words, guards, terms) is never reported:
//! `channel` is not Chanel, `casino` is not Casio.
//!
//! Masks: a token with one `*` in place of a letter (`g*cci`, `n*ke`)
//! matches a key of the same length that agrees on every other letter, for
//! keys of 4 or more characters.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::compile::Target;
use crate::normalize::base_letter;

const BASE: u64 = 0x100_0000_01b3;
const FILTER_BITS: u32 = 20;
/// Longest key indexed (longer aliases are matched exactly only).
const MAX_KEY: usize = 32;
/// Shortest key a masked token may match.
const MASK_MIN: usize = 4;

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;
type IdSet = HashSet<u64, BuildHasherDefault<IdHasher>>;

#[inline]
fn mix(h: u64, len: usize) -> u64 {
    let mut x = h ^ ((len as u64) << 56) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

#[inline]
fn hash(s: &[u8]) -> u64 {
    let mut h = 0u64;
    for &b in s {
        h = h.wrapping_mul(BASE).wrapping_add(b as u64);
    }
    mix(h, s.len())
}

/// Hash of a token for the word sets (everyday words, name words, the miss
/// cache): a few wide reads instead of a multiply per byte (as in wyhash).
/// A key of up to 8 bytes is read as one zero-padded number, so a run can
/// also be hashed in place with one masked read ([`set_hash_in`]). The
/// deletion map keeps the polynomial [`hash`], whose prefix and suffix
/// parts give every deletion's hash in O(1).
#[inline]
pub(crate) fn set_hash(k: &[u8]) -> u64 {
    let n = k.len();
    if n <= 8 {
        // The bytes at their places of a little-endian number: two
        // overlapping reads, or the first, middle and last byte.
        let a = if n >= 4 {
            r32(k, 0) | r32(k, n - 4) << (8 * (n - 4))
        } else if n > 0 {
            k[0] as u64 | (k[n / 2] as u64) << (8 * (n / 2)) | (k[n - 1] as u64) << (8 * (n - 1))
        } else {
            0
        };
        return short_hash(a, n);
    }
    let mut seed = SEED0 ^ (n as u64);
    let (a, b) = if n <= 16 {
        (r64(k, 0), r64(k, n - 8))
    } else {
        let mut i = 0;
        while n - i > 16 {
            seed = mum(r64(k, i) ^ SEED1, r64(k, i + 8) ^ seed);
            i += 16;
        }
        (r64(k, n - 16), r64(k, n - 8))
    };
    mum(SEED1 ^ (n as u64), mum(a ^ SEED1, b ^ seed))
}

/// [`set_hash`] of `b[i..e]`, a run inside a longer text: one read of the
/// eight bytes from `i`, masked to the run, when they are in the text.
#[inline]
pub(crate) fn set_hash_in(b: &[u8], i: usize, e: usize) -> u64 {
    let n = e - i;
    if n.wrapping_sub(1) < 8 && i + 8 <= b.len() {
        return short_hash(r64(b, i) & (u64::MAX >> (64 - 8 * n)), n);
    }
    set_hash(&b[i..e])
}

const SEED0: u64 = 0xa076_1d64_78bd_642f;
const SEED1: u64 = 0xe703_7ed1_a0b4_28db;

/// [`set_hash`] of a key of `n` ≤ 8 bytes read as the number `a`.
#[inline]
fn short_hash(a: u64, n: usize) -> u64 {
    mum(SEED1 ^ (n as u64), mum(a ^ SEED1, SEED0 ^ (n as u64)))
}

#[inline]
fn r64(k: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(k[i..i + 8].try_into().unwrap_or([0; 8]))
}

#[inline]
fn r32(k: &[u8], i: usize) -> u64 {
    u32::from_le_bytes(k[i..i + 4].try_into().unwrap_or([0; 4])) as u64
}

#[inline]
fn mum(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

/// One indexed key: a whole name, or one word of a multi-word name.
#[derive(Debug)]
struct Entry {
    /// The indexed string.
    key: Box<[u8]>,
    /// Words of the name (one for single-word names).
    words: Box<[Box<[u8]>]>,
    /// Which word `key` is, or `None` for the whole name (words joined).
    which: Option<usize>,
    target: Target,
}

/// Shortest word of a multi-word name matched with one edit (`neew era`,
/// `mui miu`, `ry ban`); an everyday word never matches a word this short.
const WORD_MIN: usize = 3;

/// A verified approximate match in the normalised text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FuzzyHit {
    pub target: Target,
    /// Byte span in the normalised text.
    pub start: usize,
    pub end: usize,
    /// A masked token (`g*cci`) rather than a misspelling.
    pub masked: bool,
}

/// Index of mark keys for approximate lookup. Immutable after build.
#[derive(Debug, Default)]
pub(crate) struct FuzzyIndex {
    entries: Vec<Entry>,
    /// hash of a key or of one of its deletions → entries: a span of `ids`.
    /// Built by [`FuzzyIndex::seal`] from `pairs`, so the build sorts one
    /// flat list instead of growing a vector per hash (100k marks: ~1M hashes).
    map: IdMap<(u32, u32)>,
    ids: Vec<u32>,
    /// (hash, entry) pairs added since the last seal.
    pairs: Vec<(u64, u32)>,
    filter: Vec<u64>,
    /// Hashes of tokens never reported (everyday words, ruleset literals).
    ordinary: IdSet,
    /// Keys of this length or more are matched with one edit.
    min_len: usize,
    /// Hashes of the words of multi-word names: a token too short to be a
    /// whole name is looked up only next to one of these.
    name_words: IdSet,
    /// Hashes of every everyday word (dictionary and ruleset literals): such
    /// a token is skipped with one probe instead of one per deletion.
    everyday: IdSet,
    /// Everyday words of three or four letters (`led`, `neo`, `mini`): never
    /// a misspelt three-letter word of a name (`neew era` is New Era, `neo
    /// era` is not).
    short_everyday: IdSet,
    /// BASE^i.
    pow: Vec<u64>,
    /// Bit `c - 'a'` set when some key starts with letter `c`.
    first_letters: u32,
    /// Shortest and longest key.
    key_len: (usize, usize),
    /// Most digits in any key.
    max_digits: u32,
}

/// Scratch for one lookup (token boundaries), reused across items.
#[derive(Debug, Default)]
pub(crate) struct FuzzyScratch {
    tokens: Vec<Token>,
    keybuf: Vec<u8>,
    ids: Vec<u32>,
    pre: Vec<u64>,
    suf: Vec<u64>,
    /// Hashes of tokens that had no candidate, direct-mapped: product
    /// wording repeats, so most tokens cost one hash. It only skips lookups
    /// whose answer is known to be empty, so results never depend on it.
    misses: Vec<u64>,
}

const MISS_SLOTS: usize = 4096;

/// One token of the text.
#[derive(Clone, Copy, Debug)]
struct Token {
    /// Byte span in the text.
    start: u32,
    end: u32,
    /// Span of the key: in the text itself, or in `keybuf` when letters
    /// were folded (`célinne` → `celinne`).
    key_start: u32,
    key_end: u32,
    in_buf: bool,
    /// Holds a `*`.
    masked: bool,
    digits: u32,
    /// `set_hash(key)`.
    hash: u64,
    /// Starts with a letter, so it may be a mark (others are only neighbours).
    lookup: bool,
}

impl Token {
    #[inline]
    fn key<'a>(&self, text: &'a [u8], keybuf: &'a [u8]) -> &'a [u8] {
        let src = if self.in_buf { keybuf } else { text };
        &src[self.key_start as usize..self.key_end as usize]
    }
}

/// Byte classes for the tokenizer.
const SEP: u8 = 0;
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const STAR: u8 = 3;
/// Lead byte of a CJK ideograph (U+4000–U+9FFF) or Hangul syllable (U+B000–U+CFFF).
const CJK: u8 = 4;
/// Any other non-ASCII byte.
const HIGH: u8 = 5;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            LETTER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b'*' {
            STAR
        } else if crate::normalize::is_cjk_hangul_lead(b) {
            CJK
        } else if b >= 0x80 {
            HIGH
        } else {
            SEP
        };
        i += 1;
    }
    t
};

/// How far [`FuzzyIndex::tokenize`] skips at a byte that opens no token:
/// 1 at a separator, 3 at a CJK or Hangul lead byte, 0 elsewhere. One table
/// read a step, because separators and CJK characters alternate in Chinese
/// and Korean titles and a branch on the class mispredicted.
static SKIP: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match BYTE_CLASS[i] {
            SEP => 1,
            CJK => 3,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Words of a normalised alias (`a. lange & söhne` has none: not plain ASCII).
pub(crate) fn words_of(norm: &str) -> Option<Vec<Vec<u8>>> {
    if !norm.is_ascii() {
        return None;
    }
    let words: Vec<Vec<u8>> = norm
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase().into_bytes())
        .collect();
    let total: usize = words.iter().map(|w| w.len()).sum();
    if words.is_empty() || total > MAX_KEY {
        return None;
    }
    Some(words)
}

/// Lower-case letters and digits of an alias (`Louis Vuitton` → `louisvuitton`);
/// `None` unless it is plain Latin.
pub(crate) fn key_of(norm: &str) -> Option<Vec<u8>> {
    if !norm.chars().all(|c| c.is_ascii() || c.is_whitespace()) {
        return None;
    }
    let k: Vec<u8> = norm.bytes().filter(|b| b.is_ascii_alphanumeric()).map(|b| b.to_ascii_lowercase()).collect();
    if k.is_empty() || k.len() > MAX_KEY || !k[0].is_ascii_alphabetic() {
        return None;
    }
    Some(k)
}

impl FuzzyIndex {
    pub(crate) fn new(min_len: usize) -> FuzzyIndex {
        FuzzyIndex {
            filter: vec![0u64; 1 << (FILTER_BITS - 6)],
            min_len: min_len.max(MASK_MIN + 1),
            pow: std::iter::successors(Some(1u64), |p| Some(p.wrapping_mul(BASE))).take(MAX_KEY + 3).collect(),
            ..FuzzyIndex::default()
        }
    }

    pub(crate) fn keys(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[inline]
    fn filter_bit(h: u64) -> (usize, u64) {
        let b = (h >> (64 - FILTER_BITS)) as usize;
        (b >> 6, 1u64 << (b & 63))
    }

    fn insert_hash(&mut self, h: u64, entry: u32) {
        let (w, bit) = Self::filter_bit(h);
        self.filter[w] |= bit;
        self.pairs.push((h, entry));
    }

    /// Turn the added (hash, entry) pairs into the lookup map. Called by
    /// [`FuzzyIndex::add_dictionary`], the last step of building.
    fn seal(&mut self) {
        if self.pairs.is_empty() {
            return;
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        for (&h, &(start, len)) in &self.map {
            pairs.extend(self.ids[start as usize..(start + len) as usize].iter().map(|&id| (h, id)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        self.ids = pairs.iter().map(|&(_, id)| id).collect();
        self.map = IdMap::default();
        self.map.reserve(pairs.len());
        let mut i = 0;
        while i < pairs.len() {
            let h = pairs[i].0;
            let j = i + pairs[i..].iter().take_while(|p| p.0 == h).count();
            self.map.insert(h, (i as u32, (j - i) as u32));
            i = j;
        }
    }

    /// Add a normalised alias for a mark target: the whole name, and each
    /// word of 3+ letters of a multi-word name.
    pub(crate) fn add(&mut self, norm: &str, target: Target) {
        let folded: String =
            norm.chars().map(|c| if latin_letter(c) { base_letter(c).map_or(c, char::from) } else { c }).collect();
        let Some(words) = words_of(&folded) else { return };
        let full: Vec<u8> = words.concat();
        let words: Box<[Box<[u8]>]> = words.into_iter().map(|w| w.into_boxed_slice()).collect();
        // A token opening with a digit is never looked up: a name opening
        // with one (`3 Concept Eyes`) is found by its other words only.
        if full[0].is_ascii_alphabetic() {
            self.add_entry(full, words.clone(), None, target);
        }
        if words.len() > 1 {
            // Not an opening number: `3` next to a short word is common.
            let opening_number = usize::from(!words[0][0].is_ascii_alphabetic());
            for w in words.iter().skip(opening_number) {
                self.name_words.insert(set_hash(w));
            }
            for (i, w) in words.iter().enumerate() {
                if w.len() >= WORD_MIN && w.iter().all(|b| b.is_ascii_alphabetic()) {
                    self.add_entry(w.to_vec(), words.clone(), Some(i), target);
                }
            }
        }
    }

    fn add_entry(&mut self, key: Vec<u8>, words: Box<[Box<[u8]>]>, which: Option<usize>, target: Target) {
        if key.len() < MASK_MIN.min(WORD_MIN) {
            return;
        }
        // The same key of the same target once; a word shared by two names
        // of one mark (`dunk` of Dunk High and Dunk Low) is kept for each,
        // as each name's other words differ.
        if self
            .entries
            .iter()
            .rev()
            .take(64)
            .any(|e| *e.key == *key && e.target == target && e.which == which && e.words == words)
        {
            return;
        }
        let id = self.entries.len() as u32;
        if key[0].is_ascii_lowercase() {
            self.first_letters |= 1 << (key[0] - b'a');
        }
        self.key_len = if self.entries.is_empty() {
            (key.len(), key.len())
        } else {
            (self.key_len.0.min(key.len()), self.key_len.1.max(key.len()))
        };
        self.max_digits = self.max_digits.max(key.iter().filter(|b| b.is_ascii_digit()).count() as u32);
        self.insert_hash(hash(&key), id);
        let mut del = Vec::with_capacity(key.len());
        for i in 0..key.len() {
            del.clear();
            del.extend_from_slice(&key[..i]);
            del.extend_from_slice(&key[i + 1..]);
            self.insert_hash(hash(&del), id);
        }
        self.entries.push(Entry { key: key.into_boxed_slice(), words, which, target });
    }

    /// Mark a token as ordinary: it is never reported as a misspelt mark.
    pub(crate) fn add_ordinary(&mut self, word: &[u8]) {
        self.ordinary.insert(set_hash(word));
        self.everyday.insert(set_hash(word));
    }

    /// Everyday words that are one edit from some whole name, so lookups
    /// can reject them with one set probe (called once, after all keys).
    pub(crate) fn add_dictionary(&mut self, words: &str) {
        self.seal();
        let mut s = FuzzyScratch::default();
        let mut ids = Vec::new();
        for w in words.lines() {
            let w = w.trim();
            if w.is_empty() || w.starts_with('#') {
                continue;
            }
            if w.len() < 5 {
                self.short_everyday.insert(set_hash(w.as_bytes()));
                continue;
            }
            ids.clear();
            self.lookup(&mut s.pre, &mut s.suf, w.as_bytes(), false, &mut ids);
            if ids.iter().any(|&id| self.entries[id as usize].which.is_none()) {
                self.ordinary.insert(set_hash(w.as_bytes()));
            }
            self.everyday.insert(set_hash(w.as_bytes()));
        }
    }

    #[inline]
    fn probe(&self, h: u64) -> Option<&[u32]> {
        let (w, bit) = Self::filter_bit(h);
        if self.filter[w] & bit == 0 {
            return None;
        }
        debug_assert!(self.pairs.is_empty(), "fuzzy index used before seal()");
        self.map.get(&h).map(|&(start, len)| &self.ids[start as usize..(start + len) as usize])
    }

    /// Exact filters from the index's shape, before any probe: a key within
    /// one edit shares the first letter, is at most one longer or shorter,
    /// and has at most one digit fewer (a masked token: same first letter;
    /// its length is checked by the lookup).
    #[inline]
    fn in_shape(&self, tok: &[u8], digits: u32, masked: bool) -> bool {
        tok[0].is_ascii_lowercase()
            && self.first_letters & (1 << (tok[0] - b'a')) != 0
            && (masked
                || (tok.len() + 1 >= self.key_len.0
                    && tok.len() <= self.key_len.1 + 1
                    && digits <= self.max_digits + 1))
    }

    /// An everyday word (`running`, `hoodie`) is never a misspelt mark: one
    /// probe instead of one per deletion, remembered as a known miss.
    #[inline]
    fn everyday_word(&self, misses: &mut [u64], th: u64) -> bool {
        let hit = self.everyday.contains(&th);
        if hit {
            misses[(th as usize) & (MISS_SLOTS - 1)] = th;
        }
        hit
    }

    /// Whether [`FuzzyIndex::find`] would find nothing in the ASCII text,
    /// decided from the runs of letters and digits the word lookup already
    /// hashed (`crate::words`), by the filters `find` applies to every token
    /// before a lookup (first letter, length, digits, known misses, everyday
    /// words). Most titles stop here, without tokens being built. A mask
    /// (`*` in the text: `masked`) or any token that passes the filters
    /// answers no.
    pub(crate) fn nothing_in(
        &self,
        s: &mut FuzzyScratch,
        text: &[u8],
        runs: &[crate::words::Run],
        masked: bool,
    ) -> bool {
        if self.entries.is_empty() {
            return true;
        }
        if masked {
            return false;
        }
        if s.misses.len() != MISS_SLOTS {
            s.misses = vec![0; MISS_SLOTS];
        }
        let n = runs.len();
        // The hash of the token opening at run `k`: runs that touch are one
        // token (`sku930509` is two runs).
        let token_end = |mut k: usize| {
            let mut en = runs[k].end;
            k += 1;
            while k < n && runs[k].start == en {
                en = runs[k].end;
                k += 1;
            }
            (en as usize, k)
        };
        let misses = &mut s.misses[..MISS_SLOTS];
        // The previous token: its span, and its hash when it is one run (a
        // longer token is hashed only when a short neighbour needs it).
        let mut prev_tok: Option<(usize, usize, Option<u64>)> = None;
        let mut k = 0;
        while k < n {
            let r = runs[k];
            let (st, mut en) = (r.start as usize, r.end as usize);
            k += 1;
            let single = k == n || runs[k].start as usize != en;
            let (th, prev) = if single {
                let prev = prev_tok.replace((st, en, Some(r.hash)));
                // Known misses first: most words of a manifest repeat.
                if misses[(r.hash as usize) & (MISS_SLOTS - 1)] == r.hash {
                    continue;
                }
                // A single run opening with a letter has no digits.
                if !self.in_shape(&text[st..en], 0, false) {
                    continue;
                }
                (r.hash, prev)
            } else {
                // Letters and digits (`sku930509`, `500ml`): the shape
                // first, which rules out most such tokens without hashing.
                (en, k) = token_end(k - 1);
                let prev = prev_tok.replace((st, en, None));
                let tok = &text[st..en];
                let digits = tok.iter().filter(|b| b.is_ascii_digit()).count() as u32;
                if !self.in_shape(tok, digits, false) {
                    continue;
                }
                let th = set_hash_in(text, st, en);
                prev_tok = Some((st, en, Some(th)));
                if misses[(th as usize) & (MISS_SLOTS - 1)] == th {
                    continue;
                }
                (th, prev)
            };
            if self.everyday_word(misses, th) {
                continue;
            }
            let tok = &text[st..en];
            // Too short for a whole name: only with a neighbouring name word.
            if tok.len() + 1 < self.min_len {
                let prev = prev.map(|(ps, pe, h)| h.unwrap_or_else(|| set_hash_in(text, ps, pe)));
                let near = |h: u64| self.name_words.contains(&h);
                let next = || {
                    let (e, j) = token_end(k);
                    if j == k + 1 {
                        runs[k].hash
                    } else {
                        set_hash_in(text, runs[k].start as usize, e)
                    }
                };
                if !(prev.is_some_and(near) || (k < n && near(next()))) {
                    continue;
                }
            }
            return false;
        }
        true
    }

    /// Find approximate mark matches in normalised (lower-case) text.
    pub(crate) fn find(&self, s: &mut FuzzyScratch, text: &str, out: &mut Vec<FuzzyHit>) {
        if self.entries.is_empty() {
            return;
        }
        if s.misses.len() != MISS_SLOTS {
            s.misses = vec![0; MISS_SLOTS];
        }
        self.tokenize(s, text);
        let bytes = text.as_bytes();
        let mut ids = std::mem::take(&mut s.ids);
        let ntok = s.tokens.len();
        for t in 0..ntok {
            let tk = s.tokens[t];
            if !tk.lookup {
                continue;
            }
            let tok = tk.key(bytes, &s.keybuf);
            let masked = tk.masked;
            let th = tk.hash;
            let n = tok.len();
            if !self.in_shape(tok, tk.digits, masked) {
                continue;
            }
            let slot = (th as usize) & (MISS_SLOTS - 1);
            if !masked && (s.misses[slot] == th || self.everyday_word(&mut s.misses, th)) {
                continue;
            }
            // Too short for a whole name: only a word of a multi-word name,
            // which needs a neighbour spelling another word of it.
            if !masked && n + 1 < self.min_len {
                let near = |j: usize| self.name_words.contains(&s.tokens[j].hash);
                if !((t > 0 && near(t - 1)) || (t + 1 < ntok && near(t + 1))) {
                    continue;
                }
            }
            ids.clear();
            self.lookup(&mut s.pre, &mut s.suf, tok, masked, &mut ids);
            // Whether a hit came from this token, or could in other words
            // around it (a word of a multi-word name): if neither, the token
            // never hits, wherever it stands, and is remembered as a miss.
            let mut hit_or_context = false;
            for &id in &ids {
                let e = &self.entries[id as usize];
                let span = match e.which {
                    None => {
                        if !masked && self.ordinary.contains(&th) {
                            continue;
                        }
                        (tk.start as usize, tk.end as usize)
                    }
                    // One word of a multi-word name: the neighbouring tokens
                    // must spell the other words exactly.
                    Some(k) => {
                        if e.key.len() < 4 && !masked && self.short_everyday.contains(&th) {
                            continue;
                        }
                        hit_or_context = true;
                        let n = e.words.len();
                        let total: usize = e.words.iter().map(|w| w.len()).sum();
                        if (!masked && total < self.min_len) || t < k || t + (n - 1 - k) >= ntok {
                            continue;
                        }
                        let first = t - k;
                        let ok = (0..n)
                            .filter(|&j| j != k)
                            .all(|j| s.tokens[first + j].key(bytes, &s.keybuf) == &*e.words[j])
                            && (first..first + n - 1).all(|j| {
                                let gap = &bytes[s.tokens[j].end as usize..s.tokens[j + 1].start as usize];
                                gap.len() <= 3 && gap.is_ascii()
                            });
                        if !ok {
                            continue;
                        }
                        (s.tokens[first].start as usize, s.tokens[first + n - 1].end as usize)
                    }
                };
                hit_or_context = true;
                if !out.iter().any(|h| h.target == e.target && h.start == span.0) {
                    out.push(FuzzyHit { target: e.target, start: span.0, end: span.1, masked });
                }
            }
            if !hit_or_context && !masked {
                s.misses[slot] = th;
            }
        }
        s.ids = ids;
    }

    /// Tokens: runs of letters/digits and `*` that start with a letter;
    /// accented Latin letters are folded to their base letter (`célinne` →
    /// `celinne`, key copied to `keybuf`), and a run holding any other
    /// non-ASCII letter is skipped. A plain ASCII token's key is the text
    /// itself, hashed as it is scanned: one pass, no copy.
    fn tokenize(&self, s: &mut FuzzyScratch, text: &str) {
        s.tokens.clear();
        s.keybuf.clear();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // Separators, and CJK and Hangul lead bytes (U+4000–U+9FFF,
            // U+B000–U+CFFF): the character is skipped without decoding.
            let skip = SKIP[b as usize];
            if skip != 0 {
                i += skip as usize;
                continue;
            }
            let class = BYTE_CLASS[b as usize];
            if class == HIGH && !text[i..].chars().next().is_some_and(latin_letter) {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let st = i;
            let mut digits = 0u32;
            let mut masked = false;
            // ASCII run: letters eight at a time, digits and masks one by one.
            loop {
                i = crate::fold::letter_run_end(bytes, i);
                match bytes.get(i).map(|&b| BYTE_CLASS[b as usize]) {
                    Some(DIGIT) => digits += 1,
                    Some(STAR) => masked = true,
                    _ => break,
                }
                i += 1;
            }
            let mut in_buf = false;
            let mut plain = true;
            let kst = s.keybuf.len();
            if i < bytes.len() && BYTE_CLASS[bytes[i] as usize] == HIGH {
                // A non-ASCII letter inside (or opening) the token: fold the
                // rest into `keybuf`.
                let first = text[i..].chars().next().filter(|&c| latin_letter(c));
                if first.is_some() {
                    in_buf = true;
                    s.keybuf.extend_from_slice(&bytes[st..i]);
                    while i < bytes.len() {
                        let b = bytes[i];
                        match BYTE_CLASS[b as usize] {
                            LETTER | DIGIT | STAR => {
                                digits += b.is_ascii_digit() as u32;
                                masked |= b == b'*';
                                s.keybuf.push(b);
                                i += 1;
                            }
                            HIGH => {
                                let Some(c) = text[i..].chars().next().filter(|&c| latin_letter(c)) else { break };
                                match base_letter(c) {
                                    Some(a) => s.keybuf.push(a),
                                    None => plain = false,
                                }
                                i += c.len_utf8();
                            }
                            _ => break,
                        }
                    }
                }
            }
            if !plain {
                s.keybuf.truncate(kst);
                continue;
            }
            let (key_start, key_end) = if in_buf { (kst, s.keybuf.len()) } else { (st, i) };
            // A token opening with a digit is never looked up itself, but
            // stays a neighbour for the words of multi-word names.
            let key = if in_buf { &s.keybuf[kst..] } else { &bytes[st..i] };
            let (first, hash) = (key[0], set_hash(key));
            s.tokens.push(Token {
                start: st as u32,
                end: i as u32,
                key_start: key_start as u32,
                key_end: key_end as u32,
                in_buf,
                masked,
                digits,
                hash,
                lookup: first.is_ascii_alphabetic(),
            });
        }
    }

    /// Entries one edit from a token (or matching a masked token), verified.
    fn lookup(&self, pre: &mut Vec<u64>, suf: &mut Vec<u64>, tok: &[u8], masked: bool, out: &mut Vec<u32>) {
        let n = tok.len();
        if masked {
            // Exactly one mask, not the first letter.
            let Some(p) = tok.iter().position(|&b| b == b'*') else { return };
            if p == 0 || tok.iter().filter(|&&b| b == b'*').count() != 1 || n < MASK_MIN {
                return;
            }
            let mut del = Vec::with_capacity(n);
            del.extend_from_slice(&tok[..p]);
            del.extend_from_slice(&tok[p + 1..]);
            if let Some(ids) = self.probe(hash(&del)) {
                for &id in ids {
                    let k = &self.entries[id as usize].key;
                    if k.len() == n && k[..p] == tok[..p] && k[p + 1..] == tok[p + 1..] && !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
            return;
        }
        if n + 1 < WORD_MIN || n > MAX_KEY + 1 {
            return;
        }
        // Prefix hashes pre[i] = h(tok[..i]), suffix hashes suf[i] = h(tok[i..]).
        let pow = &self.pow;
        pre.clear();
        pre.push(0);
        for &b in tok {
            let last = *pre.last().unwrap_or(&0);
            pre.push(last.wrapping_mul(BASE).wrapping_add(b as u64));
        }
        suf.clear();
        suf.resize(n + 1, 0);
        for i in (0..n).rev() {
            suf[i] = suf[i + 1].wrapping_add((tok[i] as u64).wrapping_mul(pow[n - 1 - i]));
        }
        let check = |ids: &[u32], out: &mut Vec<u32>| {
            for &id in ids {
                if out.contains(&id) {
                    continue;
                }
                let e = &self.entries[id as usize];
                let k = &e.key;
                // A whole name needs `min_len`; a word of a longer name
                // (checked against its neighbours later) needs `WORD_MIN` letters.
                let long_enough = if e.which.is_none() { k.len() >= self.min_len } else { k.len() >= WORD_MIN };
                if long_enough && k[0] == tok[0] && **k != *tok && within_one(tok, k) {
                    out.push(id);
                }
            }
        };
        // The token itself (keys one deletion away: `addidas` ⊃ `adidas`).
        if let Some(ids) = self.probe(mix(pre[n], n)) {
            check(ids, out);
        }
        // Each one-character deletion of the token.
        for i in 0..n {
            if i > 0 && tok[i] == tok[i - 1] {
                continue; // same string as deleting i-1
            }
            let h = pre[i].wrapping_mul(pow[n - 1 - i]).wrapping_add(suf[i + 1]);
            if let Some(ids) = self.probe(mix(h, n - 1)) {
                check(ids, out);
            }
        }
    }
}

/// A non-ASCII letter of an alphabetic script (Latin, Greek, Cyrillic), not CJK or Hangul.
fn latin_letter(c: char) -> bool {
    (0x80..0x2E80).contains(&(c as u32)) && c.is_alphabetic()
}

/// Optimal string alignment distance ≤ 1 (one insertion, deletion,
/// substitution or swap of neighbours).
pub(crate) fn within_one(a: &[u8], b: &[u8]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == la && p == lb {
        return true;
    }
    if la == lb {
        // Substitution at p, or swap of p and p+1.
        if a[p + 1..] == b[p + 1..] {
            return true;
        }
        return p + 1 < la && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..];
    }
    if la > lb {
        a[p + 1..] == b[p..]
    } else {
        a[p..] == b[p + 1..]
    }
}

/// Everyday English words (SCOWL), never reported as misspelt marks.
pub(crate) const WORDS: &str = include_str!("fuzzy_words.txt");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::AliasKind;

    /// A run hashed in place (one masked read) hashes as the run on its
    /// own, at every position and length, and short keys stay apart.
    #[test]
    fn set_hash_in_place_and_short_keys() {
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1d);
        let mut seen = std::collections::HashMap::new();
        for _ in 0..2_000 {
            let text: Vec<u8> = (0..next(40)).map(|_| b"ab z09-"[next(7)]).collect();
            for i in 0..=text.len() {
                for e in i..=text.len() {
                    let h = set_hash(&text[i..e]);
                    assert_eq!(set_hash_in(&text, i, e), h, "{:?}", &text[i..e]);
                    if let Some(other) = seen.insert(h, text[i..e].to_vec()) {
                        assert_eq!(other, &text[i..e], "two keys with one hash");
                    }
                }
            }
        }
        assert!(seen.len() > 100_000, "{}", seen.len());
    }

    fn t(mark: u32) -> Target {
        Target::Mark {
            mark,
            kind: AliasKind::Name,
            weight: 0.45,
            is_name: true,
            script: false,
            masked: false,
            generic: 0,
        }
    }

    fn index() -> FuzzyIndex {
        let mut ix = FuzzyIndex::new(6);
        for (i, name) in [
            "adidas",
            "louis vuitton",
            "balenciaga",
            "burberry",
            "chanel",
            "casio",
            "nike",
            "gucci",
            "a-cold-wall",
            "bell & ross",
            "hp laptop",
            "céline",
            "blue moon",
        ]
        .iter()
        .enumerate()
        {
            ix.add(name, t(i as u32));
        }
        ix.add_dictionary(WORDS);
        ix
    }

    fn found(ix: &FuzzyIndex, text: &str) -> Vec<(u32, String, bool)> {
        let mut s = FuzzyScratch::default();
        let mut out = Vec::new();
        ix.find(&mut s, text, &mut out);
        out.iter()
            .map(|h| {
                let Target::Mark { mark, .. } = h.target else { unreachable!() };
                (mark, text[h.start..h.end].to_string(), h.masked)
            })
            .collect()
    }

    /// Two names of one mark that share a word (`dunk` of Dunk High and
    /// Dunk Low, `air` of Air Jordan and Air Force 1): the misspelt shared
    /// word is found with either name's other words.
    #[test]
    fn a_word_shared_by_two_names_of_one_mark() {
        let mut ix = FuzzyIndex::new(6);
        for name in ["dunk high", "dunk low", "air force 1", "air jordan"] {
            ix.add(name, t(7));
        }
        ix.add_dictionary(WORDS);
        for (text, want) in [
            ("dnuk high", "dnuk high"),
            ("dnuk low", "dnuk low"),
            ("ari jordan", "ari jordan"),
            ("ari force 1", "ari force 1"),
        ] {
            assert_eq!(found(&ix, text), vec![(7, want.to_string(), false)], "{text}");
        }
    }

    #[test]
    fn within_one_edit() {
        assert!(within_one(b"addidas", b"adidas"));
        assert!(within_one(b"adidas", b"addidas"));
        assert!(within_one(b"adidsa", b"adidas"));
        assert!(within_one(b"adxdas", b"adidas"));
        assert!(!within_one(b"adxdxs", b"adidas"));
        assert!(!within_one(b"abcd", b"bcde"));
        assert!(!within_one(b"balenicaag", b"balenciaga"));
    }

    #[test]
    fn misspellings_are_found() {
        let ix = index();
        assert_eq!(found(&ix, "addidas running shoes"), vec![(0, "addidas".into(), false)]);
        assert_eq!(found(&ix, "balenciagga bag"), vec![(2, "balenciagga".into(), false)]);
        assert_eq!(found(&ix, "burbery scarf"), vec![(3, "burbery".into(), false)]);
        assert_eq!(found(&ix, "new louis vuiton bag"), vec![(1, "louis vuiton".into(), false)]);
        assert_eq!(found(&ix, "balenicaga tee"), vec![(2, "balenicaga".into(), false)]);
        assert_eq!(found(&ix, "louisvuiton bag"), vec![(1, "louisvuiton".into(), false)]);
        assert_eq!(found(&ix, "a-codl-wall hoodie"), vec![(8, "a-codl-wall".into(), false)]);
        assert_eq!(found(&ix, "bell & rsos watch"), vec![(9, "bell & rsos".into(), false)]);
        assert_eq!(found(&ix, "ble moon lipstick"), vec![(12, "ble moon".into(), false)]);
        assert_eq!(found(&ix, "louis v*itton"), vec![(1, "louis v*itton".into(), true)]);
    }

    #[test]
    fn ordinary_words_and_short_marks_are_not() {
        let ix = index();
        assert!(found(&ix, "tv channel remote").is_empty());
        assert!(found(&ix, "casino chips").is_empty());
        assert!(found(&ix, "mike and door").is_empty());
        assert!(found(&ix, "adidas shoes").is_empty(), "exact matches are the automaton's");
        assert!(found(&ix, "gucca bag").is_empty(), "5-letter marks are not matched approximately");
        assert!(found(&ix, "xdidas").is_empty(), "the first letter must agree");
        assert!(found(&ix, "hd laptop").is_empty(), "short words are not misspelt");
        assert!(found(&ix, "rsos watch").is_empty(), "a misspelt word needs the name's other words");
        assert!(found(&ix, "vuiton bag").is_empty());
    }

    #[test]
    fn masks() {
        let ix = index();
        assert_eq!(found(&ix, "g*cci belt"), vec![(7, "g*cci".into(), true)]);
        assert_eq!(found(&ix, "n*ke air"), vec![(6, "n*ke".into(), true)]);
        assert!(found(&ix, "*ike").is_empty());
        assert!(found(&ix, "n**e").is_empty());
    }

    #[test]
    fn accents_and_other_scripts() {
        let ix = index();
        assert_eq!(found(&ix, "包addidas包").len(), 1);
        assert_eq!(found(&ix, "céllne bag"), vec![(11, "céllne".into(), false)]);
        assert!(found(&ix, "ßaddidas").is_empty(), "a letter without an ASCII base spoils the token");
    }
}
