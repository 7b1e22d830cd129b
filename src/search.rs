//! Registry search: a tantivy index over the marks of a ruleset (names,
//! aliases, holders, Nice classes, registration numbers), built on disk once
//! and reused, with typo-tolerant lookup.
//!
//! ```no_run
//! use iprscreen::search::RegistryIndex;
//! use iprscreen::Ruleset;
//!
//! let rs = Ruleset::default_ruleset()?;
//! let dir = iprscreen::search::default_index_dir(&rs);
//! let index = RegistryIndex::open_or_build(&rs, &dir)?;
//! let hits = index.search("adldas", 5)?;          // typo: finds Adidas first
//! assert_eq!(hits[0].mark_id, "adidas");
//! let hits = index.search("香奈兒", 5)?;           // Traditional Chinese: Chanel
//! let hits = index.search("nike class:25", 5)?;   // filtered by Nice class
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How text is indexed
//!
//! Every name, alias, holder and registration number is normalised with
//! [`normalize_pattern`] (NFKC, lower case), Chinese is folded from
//! Traditional to Simplified (OpenCC tables, via `zhconv`), and accents are
//! stripped as an extra variant. The analysis is done here, not by a tantivy
//! tokenizer, so every field uses tantivy's built-in `raw` tokenizer with one
//! value per term, and the on-disk index needs no custom tokenizer to be read:
//!
//! | field | terms |
//! |---|---|
//! | `name_exact`, `alias_exact` | the whole normalised text, and its compact form without spaces and punctuation (`louisvuitton`) |
//! | `name_word`, `alias_word`, `holder_word` | Latin words (and digits) |
//! | `cjk` | character bigrams of every Chinese/Japanese/Korean run (a one-character run is its own term) |
//! | `reg` | registration numbers, compact |
//! | `id` | the mark id |
//! | `class` | Nice classes (u64) |
//!
//! A query is analysed the same way and becomes one boolean query: exact
//! terms weigh most, then BM25 word matches, then `FuzzyTermQuery` matches
//! (edit distance 1 for words of 4–7 characters, 2 from 8; transpositions
//! cost 1), then prefixes. `class:N` (`class:18,25` for either) and
//! `holder:WORD` (`holder:"two words"`) are filters that must hold.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::directory::{MmapDirectory, RamDirectory};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::store::Compressor;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, TantivyDocument, Term};

use crate::normalize::{is_cjk_or_hangul, is_word_char, normalize_pattern, strip_accents};
use crate::ruleset::MarkDef;
use crate::Ruleset;

/// Bumped whenever the schema or the analysis changes: old indexes are rebuilt.
const FORMAT: u32 = 1;
/// The file, written last, that marks a directory as a complete index.
const META_FILE: &str = "iprscreen-registry.json";

/// Registry search failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Reading or writing the index directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The directory exists, is not empty and is not an iprscreen registry index.
    #[error("{path}: exists and is not an iprscreen registry index; refusing to overwrite it")]
    NotAnIndex {
        /// The directory.
        path: String,
    },
    /// The query cannot be understood (bad `class:` value, nothing to search for).
    #[error("query: {0}")]
    Query(String),
    /// tantivy failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// The mark id.
    pub mark_id: String,
    /// The canonical name.
    pub name: String,
    /// Relevance (higher is better; only comparable within one query).
    pub score: f32,
    /// Which field matched best: `name`, `alias`, `id`, `registration`,
    /// `holder`, or `filter` (only `class:`/`holder:` filters were given).
    pub matched_field: String,
    /// How: `exact`, `word`, `fuzzy`, `prefix`, `bigram` or `filter`.
    pub how: String,
    /// The aliases that matched the query (original spelling).
    pub matched_aliases: Vec<String>,
    /// Every alias of the mark.
    pub aliases: Vec<String>,
    /// Nice classes.
    pub classes: Vec<u32>,
    /// The holder ("" when unknown).
    pub holder: String,
    /// Registration numbers (`OFFICE:NUMBER` or the bare number).
    pub registrations: Vec<String>,
    /// Treated as recorded with customs.
    pub recorded: bool,
}

/// Two marks whose names or aliases are identical or near-identical.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Duplicate {
    /// First mark id (alphabetically).
    pub a: String,
    /// Second mark id.
    pub b: String,
    /// The text of `a` that collides (original spelling).
    pub a_text: String,
    /// The text of `b` that collides.
    pub b_text: String,
    /// Edit distance between the two normalised texts (0: identical after
    /// normalisation and Traditional→Simplified folding).
    pub distance: u32,
}

/// What is stored per mark (one JSON blob per document).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredMark {
    id: String,
    name: String,
    holder: String,
    classes: Vec<u32>,
    aliases: Vec<String>,
    registrations: Vec<String>,
    recorded: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    name_exact: Field,
    name_word: Field,
    alias_exact: Field,
    alias_word: Field,
    cjk: Field,
    holder_word: Field,
    reg: Field,
    class: Field,
    data: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // One raw term per value; the analysis is ours (see module docs).
    let raw = |freqs: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer("raw").set_index_option(if freqs {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            }),
        )
    };
    let f = Fields {
        id: b.add_text_field("id", raw(false)),
        name_exact: b.add_text_field("name_exact", raw(false)),
        name_word: b.add_text_field("name_word", raw(true)),
        alias_exact: b.add_text_field("alias_exact", raw(false)),
        alias_word: b.add_text_field("alias_word", raw(true)),
        cjk: b.add_text_field("cjk", raw(true)),
        holder_word: b.add_text_field("holder_word", raw(true)),
        reg: b.add_text_field("reg", raw(false)),
        class: b.add_u64_field("class", NumericOptions::default().set_indexed()),
        data: b.add_text_field("data", TextOptions::default().set_stored()),
    };
    (b.build(), f)
}

/// The marks of a ruleset, in load order.
fn marks(rs: &Ruleset) -> impl Iterator<Item = &MarkDef> {
    rs.files.iter().flat_map(|f| f.mark.iter())
}

fn stored(m: &MarkDef) -> StoredMark {
    StoredMark {
        id: m.id.get_ref().clone(),
        name: m.name.get_ref().clone(),
        holder: m.holder.clone(),
        classes: m.classes.iter().map(|c| *c.get_ref()).collect(),
        aliases: m.aliases.iter().map(|a| a.text().to_string()).collect(),
        registrations: m
            .registrations
            .iter()
            .map(|r| if r.office.is_empty() { r.number.clone() } else { format!("{}:{}", r.office, r.number) })
            .collect(),
        recorded: m.recorded,
    }
}

/// A stable content hash (FNV-1a, 64 bit) of everything the index holds,
/// with the index format and the tantivy version, as 16 hex digits.
pub fn marks_hash(rs: &Ruleset) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut put = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    put(&format!("format {FORMAT} tantivy {}", tantivy::version_string()));
    // A fingerprint of the normalisation and folding, so an index built by
    // a binary that normalised differently is rebuilt, not half-matched.
    put(&format!("{:?}", Analysed::of("ＮＩＫＥ Hermès A.-B & Co 香奈兒 샤넬 𝗡𝗶𝗸𝗲 Ⅻ")));
    for m in marks(rs) {
        let s = stored(m);
        put(&s.id);
        put(&s.name);
        put(&s.holder);
        put(&format!("{:?}", s.classes));
        for a in &s.aliases {
            put(a);
        }
        put("\u{1e}");
        for r in &s.registrations {
            put(r);
        }
        put(if s.recorded { "r" } else { "-" });
    }
    format!("{h:016x}")
}

/// The default index directory of a ruleset:
/// `$XDG_CACHE_HOME/iprscreen/registry-<hash>`, else
/// `$HOME/.cache/iprscreen/registry-<hash>`, else under the temp directory.
pub fn default_index_dir(rs: &Ruleset) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("iprscreen").join(format!("registry-{}", marks_hash(rs)))
}

#[derive(Serialize, Deserialize)]
struct Meta {
    format: u32,
    hash: String,
    marks: usize,
    tantivy: String,
}

/// A registry index on disk, open for searching.
pub struct RegistryIndex {
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
    hash: String,
    marks: usize,
    built: bool,
}

impl std::fmt::Debug for RegistryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryIndex")
            .field("dir", &self.dir)
            .field("hash", &self.hash)
            .field("marks", &self.marks)
            .field("built", &self.built)
            .finish()
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io { path: path.display().to_string(), source }
}

fn read_meta(dir: &Path) -> Option<Meta> {
    let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

impl RegistryIndex {
    /// Open the index in `dir` if it was built from the same marks (same
    /// content hash), else (re)build it there. A directory that exists, is
    /// not empty and is not an index built by this function is never touched.
    ///
    /// The index is built in a sibling temporary directory and renamed into
    /// place, so a reader never sees a half-built index and two processes
    /// building at once both end up with a complete one.
    pub fn open_or_build(rs: &Ruleset, dir: &Path) -> Result<RegistryIndex, SearchError> {
        let hash = marks_hash(rs);
        if let Some(meta) = read_meta(dir) {
            if meta.hash == hash && meta.format == FORMAT {
                if let Ok(ix) = RegistryIndex::open(dir, hash.clone(), meta.marks, false) {
                    return Ok(ix);
                }
            }
        }
        RegistryIndex::build(rs, dir, hash)
    }

    /// Rebuild the index in `dir` even if it is up to date.
    pub fn rebuild(rs: &Ruleset, dir: &Path) -> Result<RegistryIndex, SearchError> {
        RegistryIndex::build(rs, dir, marks_hash(rs))
    }

    fn open(dir: &Path, hash: String, marks: usize, built: bool) -> Result<RegistryIndex, SearchError> {
        let index = Index::open_in_dir(dir)?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(SearchError::Query("index schema differs".into()));
        }
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(RegistryIndex { reader, fields, dir: dir.to_path_buf(), hash, marks, built })
    }

    fn build(rs: &Ruleset, dir: &Path, hash: String) -> Result<RegistryIndex, SearchError> {
        // Refuse to replace anything that is not ours.
        if dir.exists() && read_meta(dir).is_none() {
            let mut entries = std::fs::read_dir(dir).map_err(io_err(dir))?;
            if entries.next().is_some() {
                return Err(SearchError::NotAnIndex { path: dir.display().to_string() });
            }
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let file_name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "registry".into());
        let tmp = parent.join(format!(".{file_name}.tmp-{}-{stamp}", std::process::id()));
        let result = RegistryIndex::write(rs, &tmp, &hash);
        let count = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        };
        // Swap it into place. Only a directory holding our meta file (or an
        // empty one) is removed.
        if dir.exists() {
            if read_meta(dir).is_some() || std::fs::read_dir(dir).map(|mut e| e.next().is_none()).unwrap_or(false) {
                let _ = std::fs::remove_dir_all(dir);
            } else {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(SearchError::NotAnIndex { path: dir.display().to_string() });
            }
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            let _ = std::fs::remove_dir_all(&tmp);
            // Another process may have won the race with the same content.
            match read_meta(dir) {
                Some(meta) if meta.hash == hash => {}
                _ => return Err(SearchError::Io { path: dir.display().to_string(), source: e }),
            }
        }
        RegistryIndex::open(dir, hash, count, true)
    }

    /// Write a complete index into the new directory `tmp`; returns the number of marks.
    fn write(rs: &Ruleset, tmp: &Path, hash: &str) -> Result<usize, SearchError> {
        std::fs::create_dir_all(tmp).map_err(io_err(tmp))?;
        let (schema, f) = schema();
        let settings = IndexSettings {
            docstore_compression: Compressor::None,
            docstore_compress_dedicated_thread: false,
            ..IndexSettings::default()
        };
        // Built in memory, then written out in one pass: tantivy's on-disk
        // directory syncs every file it writes during indexing.
        let ram = RamDirectory::create();
        let index = Index::create(ram.clone(), schema, settings)?;
        // One thread, the minimum budget: one segment, no merges.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        let mut count = 0;
        for m in marks(rs) {
            writer.add_document(document(&f, m))?;
            count += 1;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let disk = MmapDirectory::open(tmp).map_err(tantivy::TantivyError::from)?;
        ram.persist(&disk)?;
        let meta = Meta {
            format: FORMAT,
            hash: hash.to_string(),
            marks: count,
            tantivy: tantivy::version_string().to_string(),
        };
        let path = tmp.join(META_FILE);
        std::fs::write(&path, serde_json::to_string(&meta).unwrap_or_default()).map_err(io_err(&path))?;
        Ok(count)
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The content hash of the indexed marks.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Number of marks indexed.
    pub fn len(&self) -> usize {
        self.marks
    }

    /// Whether the index holds no mark.
    pub fn is_empty(&self) -> bool {
        self.marks == 0
    }

    /// Whether this call built (or rebuilt) the index rather than reusing it.
    pub fn was_built(&self) -> bool {
        self.built
    }

    /// Search the registry. Free text (any script) plus filters `class:N`
    /// (`class:18,25`: either class; several `class:` filters must all hold)
    /// and `holder:WORD` / `holder:"several words"`. Results are best first;
    /// an empty vector means nothing matched.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let parsed = parse_query(query)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let analysed = parsed.text.as_deref().map(Analysed::of);
        if let Some(a) = &analysed {
            let text_query = text_query(f, a);
            if text_query.is_empty() {
                return Err(SearchError::Query(format!("nothing to search for in `{query}`")));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(text_query))));
        }
        for classes in &parsed.classes {
            let any: Vec<(Occur, Box<dyn Query>)> = classes
                .iter()
                .map(|c| {
                    let t = Term::from_field_u64(f.class, u64::from(*c));
                    (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>)
                })
                .collect();
            must.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))));
        }
        for words in &parsed.holders {
            for w in words {
                let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(
                    Occur::Should,
                    Box::new(TermQuery::new(Term::from_field_text(f.holder_word, w), IndexRecordOption::Basic)),
                )];
                let d = fuzzy_distance(w.chars().count());
                if d > 0 {
                    any.push((
                        Occur::Should,
                        Box::new(FuzzyTermQuery::new(Term::from_field_text(f.holder_word, w), d, true)),
                    ));
                }
                must.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))));
            }
        }
        if must.is_empty() {
            must.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (rank, (score, addr)) in top.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(m) =
                doc.get_first(f.data).and_then(|v| v.as_str()).and_then(|s| serde_json::from_str::<StoredMark>(s).ok())
            else {
                continue;
            };
            let why = match &analysed {
                Some(a) => explain(a, &m),
                None => Why { field: "filter", how: "filter", aliases: Vec::new() },
            };
            hits.push(Hit {
                rank: rank + 1,
                mark_id: m.id,
                name: m.name,
                score: (score * 100.0).round() / 100.0,
                matched_field: why.field.to_string(),
                how: why.how.to_string(),
                matched_aliases: why.aliases,
                aliases: m.aliases,
                classes: m.classes,
                holder: m.holder,
                registrations: m.registrations,
                recorded: m.recorded,
            });
        }
        Ok(hits)
    }

    /// Pairs of different marks whose name or aliases are identical after
    /// normalisation (and Traditional→Simplified folding), or near-identical
    /// Latin spellings (compact forms of 6+ characters one edit apart, 10+
    /// characters two edits apart). Found with the index: one term/fuzzy
    /// query per name and alias.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>, SearchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        // Every stored mark, by document address.
        let all = searcher.search(&AllQuery, &TopDocs::with_limit(self.marks.max(1)).order_by_score())?;
        let mut docs: HashMap<tantivy::DocAddress, StoredMark> = HashMap::new();
        for (_, addr) in &all {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            if let Some(m) =
                doc.get_first(f.data).and_then(|v| v.as_str()).and_then(|s| serde_json::from_str::<StoredMark>(s).ok())
            {
                docs.insert(*addr, m);
            }
        }
        let mut found: BTreeMap<(String, String), Duplicate> = BTreeMap::new();
        let mut addrs: Vec<_> = docs.keys().copied().collect();
        addrs.sort();
        for addr in addrs {
            let m = &docs[&addr];
            for text in std::iter::once(&m.name).chain(m.aliases.iter()) {
                let keys = dupe_keys(text);
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for k in &keys {
                    for field in [f.name_exact, f.alias_exact] {
                        let t = Term::from_field_text(field, k);
                        clauses.push((Occur::Should, Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic))));
                        let d = dupe_distance(k);
                        if d > 0 {
                            clauses.push((Occur::Should, Box::new(FuzzyTermQuery::new(t, d, true))));
                        }
                    }
                }
                if clauses.is_empty() {
                    continue;
                }
                let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(50).order_by_score())?;
                for (_, other_addr) in top {
                    if other_addr == addr {
                        continue;
                    }
                    let Some(o) = docs.get(&other_addr) else { continue };
                    if o.id == m.id {
                        continue;
                    }
                    // Which text of the other mark collides, and how closely.
                    let mut best: Option<(u32, &String)> = None;
                    for other_text in std::iter::once(&o.name).chain(o.aliases.iter()) {
                        let other_keys = dupe_keys(other_text);
                        for k in &keys {
                            for ok in &other_keys {
                                let d = dupe_distance(k).min(dupe_distance(ok));
                                if let Some(dist) = edit_distance(k, ok, d) {
                                    if best.is_none_or(|(bd, _)| dist < bd) {
                                        best = Some((dist, other_text));
                                    }
                                }
                            }
                        }
                    }
                    let Some((distance, other_text)) = best else { continue };
                    let (a, b, at, bt) =
                        if m.id <= o.id { (&m.id, &o.id, text, other_text) } else { (&o.id, &m.id, other_text, text) };
                    let key = (a.clone(), b.clone());
                    let dup =
                        Duplicate { a: a.clone(), b: b.clone(), a_text: at.clone(), b_text: bt.clone(), distance };
                    match found.get(&key) {
                        Some(old) if old.distance <= distance => {}
                        _ => {
                            found.insert(key, dup);
                        }
                    }
                }
            }
        }
        let mut out: Vec<Duplicate> = found.into_values().collect();
        out.sort_by(|x, y| x.distance.cmp(&y.distance).then_with(|| x.a.cmp(&y.a)).then_with(|| x.b.cmp(&y.b)));
        Ok(out)
    }
}

/// Keys under which a name or alias collides with another: its normalised,
/// folded and compact forms.
fn dupe_keys(text: &str) -> Vec<String> {
    let a = Analysed::of(text);
    let mut keys: Vec<String> = a.compacts.into_iter().filter(|k| !k.is_empty()).collect();
    keys.sort();
    keys.dedup();
    keys
}

fn dupe_distance(key: &str) -> u8 {
    if key.chars().any(is_cjk_or_hangul) {
        return 0;
    }
    match key.chars().count() {
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    }
}

// ---------------------------------------------------------------------------
// Analysis

/// Traditional → Simplified Chinese (OpenCC tables), only when the text has
/// Han characters (the converter is loaded on first use).
pub fn to_simplified(s: &str) -> String {
    if s.chars().any(is_han) {
        zhconv::zhconv(s, zhconv::Variant::ZhHans)
    } else {
        s.to_string()
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Whether `c` is kept in the compact form.
fn keep_compact(c: char) -> bool {
    is_word_char(c) || is_cjk_or_hangul(c)
}

/// The forms of one text (name, alias, or query text).
#[derive(Debug, Default)]
struct Analysed {
    /// Whole normalised forms: as written, folded to Simplified, without accents.
    wholes: Vec<String>,
    /// Their compact forms (no spaces or punctuation).
    compacts: Vec<String>,
    /// Latin words and numbers.
    words: Vec<String>,
    /// Runs of CJK/Hangul characters.
    runs: Vec<String>,
    /// Character bigrams of the runs (a one-character run is its own term).
    grams: Vec<String>,
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

impl Analysed {
    fn of(text: &str) -> Analysed {
        let n = normalize_pattern(text);
        let mut a = Analysed::default();
        let folded = to_simplified(&n);
        let mut wholes = vec![n.clone()];
        push_unique(&mut wholes, folded);
        for w in wholes.clone() {
            // Latin only: decomposing Hangul would leave the initial jamo (샤넬 → ᄉᄂ).
            if w.chars().any(is_cjk_or_hangul) {
                continue;
            }
            if let Some(s) = strip_accents(&w) {
                push_unique(&mut wholes, s);
            }
        }
        for w in &wholes {
            let compact: String = w.chars().filter(|c| keep_compact(*c)).collect();
            push_unique(&mut a.compacts, compact);
            let mut word = String::new();
            let mut run = String::new();
            for c in w.chars().chain(std::iter::once(' ')) {
                if is_cjk_or_hangul(c) {
                    run.push(c);
                } else if !run.is_empty() {
                    push_unique(&mut a.runs, std::mem::take(&mut run));
                }
                if is_word_char(c) {
                    word.push(c);
                } else if !word.is_empty() {
                    push_unique(&mut a.words, std::mem::take(&mut word));
                }
            }
        }
        for r in &a.runs {
            let chars: Vec<char> = r.chars().collect();
            if chars.len() == 1 {
                a.grams.push(r.clone());
            }
            for pair in chars.windows(2) {
                let g: String = pair.iter().collect();
                if !a.grams.contains(&g) {
                    a.grams.push(g);
                }
            }
        }
        a.wholes = wholes;
        a
    }
}

fn document(f: &Fields, m: &MarkDef) -> TantivyDocument {
    let s = stored(m);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &s.id);
    let add_all = |doc: &mut TantivyDocument, exact: Field, word: Field, a: &Analysed| {
        for t in a.wholes.iter().chain(a.compacts.iter()).collect::<BTreeSet<_>>() {
            doc.add_text(exact, t);
        }
        for w in &a.words {
            doc.add_text(word, w);
        }
        for g in &a.grams {
            doc.add_text(f.cjk, g);
        }
    };
    add_all(&mut doc, f.name_exact, f.name_word, &Analysed::of(&s.name));
    for alias in &s.aliases {
        add_all(&mut doc, f.alias_exact, f.alias_word, &Analysed::of(alias));
    }
    for w in Analysed::of(&s.holder).words {
        doc.add_text(f.holder_word, &w);
    }
    for r in &m.registrations {
        let c: String = normalize_pattern(&r.number).chars().filter(|c| keep_compact(*c)).collect();
        if !c.is_empty() {
            doc.add_text(f.reg, &c);
        }
    }
    for c in &s.classes {
        doc.add_u64(f.class, u64::from(*c));
    }
    doc.add_text(f.data, serde_json::to_string(&s).unwrap_or_default());
    doc
}

/// Allowed edit distance for a term of `len` characters.
fn fuzzy_distance(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Edit distance for a CJK/Hangul run: one character wrong in 3+.
fn run_distance(len: usize) -> u8 {
    u8::from(len >= 3)
}

fn term_q(field: Field, text: &str, boost: f32, freqs: bool) -> (Occur, Box<dyn Query>) {
    let opt = if freqs { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
    let q = TermQuery::new(Term::from_field_text(field, text), opt);
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// Fuzzy clauses for up to `max` edits: each distance from 1 is its own
/// constant-score clause, so one edit scores above two.
fn fuzzy_q(out: &mut Vec<(Occur, Box<dyn Query>)>, field: Field, text: &str, max: u8, boost: f32) {
    for d in 1..=max {
        let q = FuzzyTermQuery::new(Term::from_field_text(field, text), d, true);
        out.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost / f32::from(d)))));
    }
}

fn prefix_q(field: Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let q = FuzzyTermQuery::new_prefix(Term::from_field_text(field, text), 0, true);
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// The scoring clauses of the free text: exact whole terms weigh most
/// (BM25 × 20), then words (BM25 × 4), then constant fuzzy and prefix bonuses.
fn text_query(f: &Fields, a: &Analysed) -> Vec<(Occur, Box<dyn Query>)> {
    let mut q = Vec::new();
    for w in a.wholes.iter().chain(a.compacts.iter()).collect::<BTreeSet<_>>() {
        q.push(term_q(f.name_exact, w, 20.0, false));
        q.push(term_q(f.alias_exact, w, 15.0, false));
        q.push(term_q(f.id, w, 15.0, false));
        q.push(term_q(f.reg, w, 15.0, false));
    }
    for c in &a.compacts {
        let len = c.chars().count();
        if c.chars().any(is_cjk_or_hangul) {
            fuzzy_q(&mut q, f.alias_exact, c, run_distance(len), 6.0);
        } else {
            fuzzy_q(&mut q, f.name_exact, c, fuzzy_distance(len), 8.0);
            fuzzy_q(&mut q, f.alias_exact, c, fuzzy_distance(len), 6.0);
        }
    }
    for w in &a.words {
        let len = w.chars().count();
        q.push(term_q(f.name_word, w, 4.0, true));
        q.push(term_q(f.alias_word, w, 3.0, true));
        q.push(term_q(f.holder_word, w, 1.0, true));
        fuzzy_q(&mut q, f.name_word, w, fuzzy_distance(len), 3.0);
        fuzzy_q(&mut q, f.alias_word, w, fuzzy_distance(len), 2.0);
        if len >= 3 {
            q.push(prefix_q(f.name_word, w, 1.5));
            q.push(prefix_q(f.alias_word, w, 1.0));
        }
    }
    for g in &a.grams {
        if g.chars().count() == 1 {
            q.push(prefix_q(f.cjk, g, 1.0));
        } else {
            q.push(term_q(f.cjk, g, 3.0, true));
        }
    }
    q
}

// ---------------------------------------------------------------------------
// Query syntax

#[derive(Debug, Default)]
struct ParsedQuery {
    /// The free text, if any.
    text: Option<String>,
    /// `class:` filters: each must hold; within one, any class.
    classes: Vec<Vec<u32>>,
    /// `holder:` filters: normalised words, each must match.
    holders: Vec<Vec<String>>,
}

fn parse_query(query: &str) -> Result<ParsedQuery, SearchError> {
    let mut p = ParsedQuery::default();
    let mut text: Vec<String> = Vec::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        // One whitespace-separated token; a `"` opens a quoted part.
        let mut tok = String::new();
        let mut quoted = false;
        while i < chars.len() && (quoted || !chars[i].is_whitespace()) {
            if chars[i] == '"' {
                quoted = !quoted;
            } else {
                tok.push(chars[i]);
            }
            i += 1;
        }
        let lower = tok.to_lowercase();
        if let Some(v) = lower.strip_prefix("class:").or_else(|| lower.strip_prefix("nice:")) {
            let mut any = Vec::new();
            for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match part.parse::<u32>() {
                    Ok(n) if (1..=45).contains(&n) => any.push(n),
                    _ => return Err(SearchError::Query(format!("`class:{v}`: a Nice class is a number from 1 to 45"))),
                }
            }
            if any.is_empty() {
                return Err(SearchError::Query("`class:` needs a Nice class number, e.g. class:25".into()));
            }
            p.classes.push(any);
        } else if let Some(v) = lower.strip_prefix("holder:") {
            let words = Analysed::of(v).words;
            if words.is_empty() {
                return Err(SearchError::Query("`holder:` needs a word, e.g. holder:richemont".into()));
            }
            p.holders.push(words);
        } else {
            text.push(tok);
        }
    }
    if !text.is_empty() {
        p.text = Some(text.join(" "));
    }
    if p.text.is_none() && p.classes.is_empty() && p.holders.is_empty() {
        return Err(SearchError::Query("empty query".into()));
    }
    Ok(p)
}

// ---------------------------------------------------------------------------
// Why a hit matched (recomputed on the few hits, with the same rules)

struct Why {
    field: &'static str,
    how: &'static str,
    aliases: Vec<String>,
}

/// Optimal-string-alignment distance (a transposition costs 1), or `None`
/// when it exceeds `max`.
fn edit_distance(a: &str, b: &str, max: u8) -> Option<u32> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d as u32)
}

/// How well the query matches one text: 0 none, else a rank (higher is better)
/// and the kind of match.
fn match_text(q: &Analysed, t: &Analysed) -> Option<(u8, &'static str)> {
    let exact: HashSet<&String> = t.wholes.iter().chain(t.compacts.iter()).collect();
    if q.wholes.iter().chain(q.compacts.iter()).any(|w| exact.contains(w)) {
        return Some((6, "exact"));
    }
    for qc in &q.compacts {
        let len = qc.chars().count();
        let d = if qc.chars().any(is_cjk_or_hangul) { run_distance(len) } else { fuzzy_distance(len) };
        if d > 0 && t.compacts.iter().any(|tc| edit_distance(qc, tc, d).is_some()) {
            return Some((5, "fuzzy"));
        }
    }
    if q.words.iter().any(|w| t.words.contains(w)) {
        return Some((4, "word"));
    }
    if q.words.iter().any(|w| {
        let d = fuzzy_distance(w.chars().count());
        d > 0 && t.words.iter().any(|tw| edit_distance(w, tw, d).is_some())
    }) {
        return Some((3, "fuzzy"));
    }
    if q.grams.iter().any(|g| g.chars().count() > 1 && t.grams.contains(g)) {
        return Some((2, "bigram"));
    }
    if q.words.iter().any(|w| w.chars().count() >= 3 && t.words.iter().any(|tw| tw.starts_with(w.as_str())))
        || q.grams.iter().any(|g| g.chars().count() == 1 && t.grams.iter().any(|tg| tg.starts_with(g.as_str())))
    {
        return Some((1, "prefix"));
    }
    None
}

fn explain(q: &Analysed, m: &StoredMark) -> Why {
    let mut best: Option<(u8, &'static str, &'static str)> = None;
    let mut consider = |rank: u8, how: &'static str, field: &'static str, bonus: u8| {
        // Ties go to the field listed first (name, alias, id, ...).
        let score = rank * 10 + bonus;
        if best.is_none_or(|(b, _, _)| score > b) {
            best = Some((score, how, field));
        }
    };
    if let Some((r, how)) = match_text(q, &Analysed::of(&m.name)) {
        consider(r, how, "name", 5);
    }
    let mut aliases = Vec::new();
    for alias in &m.aliases {
        if let Some((r, how)) = match_text(q, &Analysed::of(alias)) {
            consider(r, how, "alias", 4);
            aliases.push(alias.clone());
        }
    }
    let id = normalize_pattern(&m.id);
    if q.wholes.contains(&id) {
        consider(6, "exact", "id", 3);
    }
    for r in &m.registrations {
        let number = r.rsplit(':').next().unwrap_or(r);
        let c: String = normalize_pattern(number).chars().filter(|c| keep_compact(*c)).collect();
        if q.wholes.iter().chain(q.compacts.iter()).any(|w| *w == c) {
            consider(6, "exact", "registration", 2);
        }
    }
    let holder = Analysed::of(&m.holder);
    if let Some((r, how)) = match_text(q, &holder) {
        consider(r.min(4), how, "holder", 1);
    }
    match best {
        Some((_, how, field)) => Why { field, how, aliases },
        None => Why { field: "fuzzy", how: "fuzzy", aliases },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);
    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!(
                "iprscreen-search-{tag}-{}-{}",
                std::process::id(),
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
            ));
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn index(tag: &str) -> (TempDir, RegistryIndex) {
        let rs = Ruleset::default_ruleset().unwrap();
        let dir = TempDir::new(tag);
        let ix = RegistryIndex::open_or_build(&rs, &dir.0.join("ix")).unwrap();
        (dir, ix)
    }

    fn top(ix: &RegistryIndex, q: &str) -> String {
        ix.search(q, 5).unwrap().first().map(|h| h.mark_id.clone()).unwrap_or_default()
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("adidas", "adldas", 1), Some(1));
        assert_eq!(edit_distance("chanel", "cahnel", 1), Some(1));
        assert_eq!(edit_distance("gucci", "prada", 2), None);
        assert_eq!(edit_distance("香奈儿", "香奈兒", 1), Some(1));
    }

    #[test]
    fn query_syntax() {
        let p = parse_query("Nike class:25 holder:\"Nike, Inc.\" CLASS:18,28").unwrap();
        assert_eq!(p.text.as_deref(), Some("Nike"));
        assert_eq!(p.classes, vec![vec![25], vec![18, 28]]);
        assert_eq!(p.holders, vec![vec!["nike".to_string(), "inc".to_string()]]);
        assert!(parse_query("nike class:99").is_err());
        assert!(parse_query("   ").is_err());
    }

    #[test]
    fn analysis_folds_traditional_and_makes_bigrams() {
        let a = Analysed::of("香奈兒");
        assert!(a.wholes.contains(&"香奈儿".to_string()), "{a:?}");
        assert!(a.grams.contains(&"奈儿".to_string()) && a.grams.contains(&"奈兒".to_string()), "{a:?}");
        assert_eq!(Analysed::of("샤넬").wholes, vec!["샤넬"]);
        let b = Analysed::of("A. Lange & Söhne");
        assert!(b.compacts.contains(&"alangesohne".to_string()), "{b:?}");
        assert_eq!(b.words, vec!["a", "lange", "söhne", "sohne"]);
    }

    #[test]
    fn finds_marks_by_typo_script_and_class() {
        let (_d, ix) = index("lib");
        assert_eq!(ix.len(), marks(&Ruleset::default_ruleset().unwrap()).count());
        assert_eq!(top(&ix, "adldas"), "adidas");
        assert_eq!(top(&ix, "Adidas"), "adidas");
        assert_eq!(top(&ix, "香奈兒"), "chanel");
        assert_eq!(top(&ix, "香奈儿"), "chanel");
        assert_eq!(top(&ix, "샤넬"), "chanel");
        assert_eq!(top(&ix, "louis vitton"), "louis-vuitton");
        assert_eq!(top(&ix, "nike class:25"), "nike");
        for h in ix.search("nike class:25", 20).unwrap() {
            assert!(h.classes.contains(&25), "{h:?}");
        }
        let h = &ix.search("香奈兒", 1).unwrap()[0];
        assert_eq!(h.matched_field, "alias");
        assert!(h.matched_aliases.contains(&"香奈兒".to_string()), "{h:?}");
        assert!(ix.search("zzqxv", 5).unwrap().is_empty());
        assert!(ix.search("nike class:0", 5).is_err());
    }

    #[test]
    fn reuses_and_rebuilds_on_change() {
        let dir = TempDir::new("reuse");
        let rs = Ruleset::default_ruleset().unwrap();
        let p = dir.0.join("ix");
        assert!(RegistryIndex::open_or_build(&rs, &p).unwrap().was_built());
        assert!(!RegistryIndex::open_or_build(&rs, &p).unwrap().was_built());
        let other = Ruleset::from_sources(vec![crate::ruleset::Source::new(
            "m.toml",
            "[[mark]]\nid = \"acme\"\nname = \"Acme\"\nclasses = [9]\naliases = [\"艾克米\"]\n",
        )])
        .unwrap();
        let ix = RegistryIndex::open_or_build(&other, &p).unwrap();
        assert!(ix.was_built());
        assert_eq!(ix.len(), 1);
        assert_eq!(top(&ix, "acmee"), "acme");
        // A directory that is not ours is never overwritten.
        let foreign = dir.0.join("foreign");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(matches!(RegistryIndex::open_or_build(&rs, &foreign), Err(SearchError::NotAnIndex { .. })));
        assert!(foreign.join("keep.txt").exists());
    }

    #[test]
    fn duplicates_are_found() {
        let rs = Ruleset::from_sources(vec![crate::ruleset::Source::new(
            "m.toml",
            "[[mark]]\nid = \"chanel\"\nname = \"Chanel\"\nclasses = [3]\naliases = [\"香奈儿\"]\n\
             [[mark]]\nid = \"chanel-2\"\nname = \"Chanell\"\nclasses = [3]\naliases = [\"香奈兒\"]\n\
             [[mark]]\nid = \"nike\"\nname = \"Nike\"\nclasses = [25]\n",
        )])
        .unwrap();
        let dir = TempDir::new("dupes");
        let ix = RegistryIndex::open_or_build(&rs, &dir.0.join("ix")).unwrap();
        let d = ix.duplicates().unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].a.as_str(), d[0].b.as_str(), d[0].distance), ("chanel", "chanel-2", 0));
    }
}
