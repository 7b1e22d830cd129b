//! Manifest readers: CSV/TSV, JSON Lines and China customs CEB603/CEB621
//! inventory XML, all streaming (bounded memory) and all yielding exactly one
//! `Result<Item, RecordError>` per input row, so nothing is silently lost.

use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::item::Item;

mod csv;
mod jsonl;
pub use jsonl::plain_prefix as json_plain_prefix;
mod xml;

/// Input formats understood by [`open`] and [`from_reader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per line.
    Jsonl,
    /// China customs cross-border inventory message (CEB603 / CEB621).
    Xml,
}

impl InputFormat {
    /// Guess from a file extension (`.csv`, `.tsv`, `.jsonl`/`.ndjson`/`.json`, `.xml`).
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(InputFormat::Csv),
            "tsv" | "tab" => Some(InputFormat::Tsv),
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "xml" => Some(InputFormat::Xml),
            _ => None,
        }
    }

    /// Parse a format name as given on the command line.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(InputFormat::Csv),
            "tsv" => Some(InputFormat::Tsv),
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "xml" | "ceb" => Some(InputFormat::Xml),
            _ => None,
        }
    }
}

/// Which input column (CSV header / JSON key) feeds which item field.
/// Defaults are the field names themselves; aliases such as `title`,
/// `hs`, `value`, `qty`, `exporter` are also accepted for CSV/JSONL.
///
/// Names match ignoring ASCII case and ` `, `_`, `-`, `.` (`Item ID` =
/// `item_id`). When a header has several candidates the field's own name
/// wins, then the aliases in order (`total_price` before `price`). A field
/// set here is looked up under that name only (no aliases); in CSV/TSV an
/// explicitly mapped column that the header lacks is a
/// [`ManifestError::MissingColumn`]. CEB XML has fixed element names and
/// ignores the map.
#[derive(Clone, Debug, Default)]
pub struct ColumnMap {
    /// Column holding the item id (default `id`).
    pub id: Option<String>,
    /// Column holding the description (default `description`).
    pub description: Option<String>,
    /// Column holding the HS code (default `hs_code`).
    pub hs_code: Option<String>,
    /// Column holding the declared value (default `declared_value`).
    pub declared_value: Option<String>,
    /// Column holding the currency (default `currency`).
    pub currency: Option<String>,
    /// Column holding the quantity (default `quantity`).
    pub quantity: Option<String>,
    /// Column holding the seller (default `seller`).
    pub seller: Option<String>,
    /// Column holding the declared brand (default `brand`).
    pub brand: Option<String>,
}

/// A problem with one input row. The row produces this instead of a verdict.
#[derive(Clone, Debug, PartialEq, serde::Serialize, thiserror::Error)]
#[error("{file}:{line}: {}{message}", field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
pub struct RecordError {
    /// File name as given (`-` or `<stdin>` for standard input).
    pub file: String,
    /// 1-based line of the row (CSV: the line the record starts on; XML: the
    /// line of the `InventoryList` element).
    pub line: u64,
    /// 1-based record number (data rows only, header excluded).
    pub row: u64,
    /// The offending field, when one field is at fault.
    pub field: Option<String>,
    /// The item id, when it could be read.
    pub id: Option<String>,
    /// Plain description of the problem.
    pub message: String,
}

/// A problem that stops a whole input (unreadable file, missing required columns).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The header lacks a required column.
    #[error("{file}:{line}: missing required column `{column}` (header has: {found})")]
    MissingColumn {
        /// File name.
        file: String,
        /// Line of the header.
        line: u64,
        /// The missing column.
        column: String,
        /// The columns found, comma-separated.
        found: String,
    },
    /// The format could not be determined.
    #[error("{file}: cannot tell the input format from the name; use --input-format csv|tsv|jsonl|xml")]
    UnknownFormat {
        /// File name.
        file: String,
    },
    /// Anything else that makes the input unusable as a whole.
    #[error("{file}: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// A streaming source of items: one `Result` per input row, in input order.
pub type Records = Box<dyn Iterator<Item = Result<Item, RecordError>> + Send>;

/// Size of the read buffer put in front of files and standard input.
const READ_BUFFER: usize = 64 * 1024;

/// Open a manifest file (or `-` for standard input) and stream its rows.
///
/// The format is `format` when given, else guessed from the file extension
/// ([`InputFormat::from_path`]); standard input has no extension, so it needs
/// an explicit format. Standard input is called `<stdin>` in errors.
pub fn open(path: &Path, format: Option<InputFormat>, map: &ColumnMap) -> Result<Records, ManifestError> {
    let (reader, name, format) = open_input(path, format)?;
    from_reader(reader, &name, format, map)
}

/// Like [`open`], but the rows come in [`Chunk`]s, cut without being parsed
/// (see [`ChunkReader`]).
pub fn open_chunks(path: &Path, format: Option<InputFormat>, map: &ColumnMap) -> Result<ChunkReader, ManifestError> {
    let (reader, name, format) = open_input(path, format)?;
    chunks_from_reader(reader, &name, format, map)
}

/// The buffered input behind [`open`] and [`open_chunks`], its name in
/// messages and its format.
fn open_input(
    path: &Path,
    format: Option<InputFormat>,
) -> Result<(Box<dyn BufRead + Send>, String, InputFormat), ManifestError> {
    let is_stdin = path.as_os_str() == "-";
    let name = if is_stdin { "<stdin>".to_string() } else { path.display().to_string() };
    let guessed = if is_stdin { None } else { InputFormat::from_path(path) };
    let Some(format) = format.or(guessed) else {
        return Err(ManifestError::UnknownFormat { file: name });
    };
    if is_stdin {
        let reader = std::io::BufReader::with_capacity(READ_BUFFER, std::io::stdin());
        return Ok((Box::new(reader), name, format));
    }
    let file = std::fs::File::open(path).map_err(|source| ManifestError::Io { file: name.clone(), source })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(ManifestError::Invalid { file: name, message: "is a directory".to_string() });
    }
    Ok((Box::new(std::io::BufReader::with_capacity(READ_BUFFER, file)), name, format))
}

/// Stream rows from any reader; `name` is used in error messages.
pub fn from_reader<R: BufRead + Send + 'static>(
    reader: R,
    name: &str,
    format: InputFormat,
    map: &ColumnMap,
) -> Result<Records, ManifestError> {
    match format {
        InputFormat::Csv => csv::records(reader, name, b',', map),
        InputFormat::Tsv => csv::records(reader, name, b'\t', map),
        InputFormat::Jsonl => jsonl::records(reader, name, map),
        InputFormat::Xml => xml::records(reader, name),
    }
}

/// Like [`from_reader`], but the rows come in [`Chunk`]s (see [`ChunkReader`]).
pub fn chunks_from_reader<R: BufRead + Send + 'static>(
    reader: R,
    name: &str,
    format: InputFormat,
    map: &ColumnMap,
) -> Result<ChunkReader, ManifestError> {
    let inner: Box<dyn FillChunk + Send> = match format {
        InputFormat::Csv => csv::chunks(reader, name, b',', map)?,
        InputFormat::Tsv => csv::chunks(reader, name, b'\t', map)?,
        InputFormat::Jsonl => jsonl::chunks(reader, name, map),
        InputFormat::Xml => {
            // The XML reader parses as it goes; its rows travel parsed.
            let drained = Arc::new(AtomicBool::new(false));
            let records = xml::records(Drain { inner: reader, left: 0, drained: drained.clone() }, name)?;
            Box::new(ParsedChunks { records, drained, done: false })
        }
    };
    Ok(ChunkReader { inner })
}

/// A chunk ends after this many rows ...
const CHUNK_ROWS: usize = 1024;
/// ... or once its row bytes reach this size.
const CHUNK_BYTES: usize = 256 * 1024;

/// Cuts an input into [`Chunk`]s of whole rows without parsing them, so
/// that the parsing can run on other threads (see [`Chunk::parse_each`]).
///
/// This is the sequential part of reading: finding where rows end (CSV
/// quoting, JSONL newlines), counting lines, noticing read errors and
/// over-long rows. Chunks hold up to about a thousand rows, but a chunk is
/// handed out as soon as reading on could block (a slow pipe): then a
/// chunk may hold a single row, and each row is available as soon as it is
/// complete. The rows and errors are exactly those of the [`Records`]
/// iterator for the same input, in the same order.
pub struct ChunkReader {
    inner: Box<dyn FillChunk + Send>,
}

impl ChunkReader {
    /// Replace the rows of `chunk` by the next rows of the input (reusing its
    /// buffers). Returns `false`, with `chunk` empty, at the end of the input.
    pub fn fill(&mut self, chunk: &mut Chunk) -> bool {
        chunk.clear();
        self.inner.fill(chunk)
    }
}

/// What the format readers implement for [`ChunkReader`]: called with an
/// empty chunk; `false` at the end of the input.
pub(crate) trait FillChunk {
    fn fill(&mut self, chunk: &mut Chunk) -> bool;
}

/// Whole rows of an input, cut but not parsed yet; filled by
/// [`ChunkReader::fill`], turned into items by [`Chunk::parse_each`].
/// Reuse a chunk for the next rows to keep its buffers.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The rows' bytes: JSONL lines (without their line ends), or the
    /// fields of CSV records, separated by one byte.
    data: Vec<u8>,
    /// CSV: the end offset in `data` of each field.
    ends: Vec<usize>,
    rows: Vec<RawRow>,
    /// Knows how to turn the rows into items (shared by all chunks of an input).
    parser: Option<Arc<Parser>>,
}

#[derive(Debug)]
enum RawRow {
    /// A JSONL line: `data[start..end]`.
    Line { line: u64, row: u64, start: usize, end: usize },
    /// A CSV record: `len` fields, the first at `data[start..]`, each
    /// after the previous one and a separator byte, their ends at
    /// `ends[first..first + len]`.
    Record { line: u64, row: u64, start: usize, first: usize, len: usize },
    /// A row parsed while reading (CEB XML), or one that failed while
    /// reading (over-long, read error).
    Done(Box<Result<Item, RecordError>>),
}

#[derive(Debug)]
pub(crate) enum Parser {
    Csv(csv::Layout),
    Jsonl(jsonl::Layout),
}

impl Chunk {
    /// An empty chunk.
    pub fn new() -> Chunk {
        Chunk::default()
    }

    /// Number of rows (each gives one item or one error).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the chunk holds no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.rows.clear();
        self.parser = None;
    }

    /// Parse the rows in order and call `f` with each: the item (built in
    /// `item`, whose buffers are reused from row to row) or the row's error.
    pub fn parse_each(&self, item: &mut Item, mut f: impl FnMut(Result<&Item, RecordError>)) {
        // One UTF-8 check for all rows; a row that is not a piece of valid
        // text (cut mid-character) is checked on its own.
        let text = utf8(&self.data);
        for row in &self.rows {
            match self.parse_row(row, text, item) {
                Ok(Some(done)) => f(Ok(done)),
                Ok(None) => f(Ok(&*item)),
                Err(e) => f(Err(e)),
            }
        }
    }

    /// One row: parsed into `item` (`Ok(None)`), an item the reader parsed
    /// already (`Ok(Some)`), or the row's error. `text`: the chunk's bytes
    /// when they are valid UTF-8.
    fn parse_row<'s>(
        &'s self,
        row: &'s RawRow,
        text: Option<&'s str>,
        item: &mut Item,
    ) -> Result<Option<&'s Item>, RecordError> {
        let piece = |from: usize, to: usize| text.and_then(|t| t.get(from..to));
        match (row, self.parser.as_deref()) {
            (RawRow::Done(r), _) => r.as_ref().as_ref().map(Some).map_err(Clone::clone),
            (&RawRow::Line { line, row, start, end }, Some(Parser::Jsonl(p))) => {
                p.parse(line, row, &self.data[start..end], piece(start, end), item).map(|()| None)
            }
            (&RawRow::Record { line, row, start, first, len }, Some(Parser::Csv(p))) => {
                let rec = csv::Packed { data: &self.data, start, ends: &self.ends[first..first + len] };
                let text = piece(start, rec.end());
                p.build(rec, text, line, row, item).map(|()| None)
            }
            _ => unreachable!("a raw row is filled with its parser"),
        }
    }

    /// Parse the rows in order, `items.len()` at a time (at least one), and
    /// call `f` with each batch: its items and, row by row, `None` or the
    /// row's error (then that row's item is stale). A caller that scans a
    /// whole batch after parsing it keeps the parser's code and the
    /// scanner's apart in the instruction cache.
    pub fn parse_batched(
        &self,
        items: &mut Vec<Item>,
        errors: &mut Vec<Option<RecordError>>,
        mut f: impl FnMut(&[Item], &[Option<RecordError>]),
    ) {
        if items.is_empty() {
            items.push(Item::default());
        }
        let text = utf8(&self.data);
        for rows in self.rows.chunks(items.len()) {
            errors.clear();
            for (row, item) in rows.iter().zip(items.iter_mut()) {
                let r = match self.parse_row(row, text, item) {
                    Ok(Some(done)) => {
                        item.clone_from(done);
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                };
                errors.push(r.err());
            }
            f(&items[..rows.len()], errors);
        }
    }

    pub(crate) fn set_parser(&mut self, parser: &Arc<Parser>) {
        self.parser = Some(parser.clone());
    }

    pub(crate) fn push_done(&mut self, r: Result<Item, RecordError>) {
        self.rows.push(RawRow::Done(Box::new(r)));
    }
}

/// The chunks of a reader that parses while reading (CEB XML): the rows
/// travel as items.
struct ParsedChunks {
    records: Records,
    /// The input's buffer is used up: reading on may block.
    drained: Arc<AtomicBool>,
    done: bool,
}

impl FillChunk for ParsedChunks {
    fn fill(&mut self, chunk: &mut Chunk) -> bool {
        while !self.done {
            if !chunk.is_empty() && (chunk.len() >= CHUNK_ROWS || self.drained.load(Ordering::Relaxed)) {
                return true;
            }
            match self.records.next() {
                Some(r) => chunk.push_done(r),
                None => self.done = true,
            }
        }
        !chunk.is_empty()
    }
}

/// A `BufRead` that tells (through `drained`) when everything it returned
/// from `fill_buf` has been consumed, i.e. when reading on may block.
struct Drain<R> {
    inner: R,
    /// Bytes of the last `fill_buf` not consumed yet.
    left: usize,
    drained: Arc<AtomicBool>,
}

impl<R: BufRead> std::io::Read for Drain<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Drain<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        self.left = buf.len();
        Ok(buf)
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.left = self.left.saturating_sub(amt);
        self.drained.store(self.left == 0, Ordering::Relaxed);
    }
}

impl ColumnMap {
    /// Map item field `field` (`id`, `description`, `hs_code`, `declared_value`,
    /// `currency`, `quantity`, `seller` or `brand`) to input column `column`,
    /// e.g. from a command-line `--map description=商品名称`.
    /// Fails with a message naming the valid fields when `field` is unknown.
    pub fn set(&mut self, field: &str, column: &str) -> Result<(), String> {
        let slot = match field.trim() {
            "id" => &mut self.id,
            "description" => &mut self.description,
            "hs_code" => &mut self.hs_code,
            "declared_value" => &mut self.declared_value,
            "currency" => &mut self.currency,
            "quantity" => &mut self.quantity,
            "seller" => &mut self.seller,
            "brand" => &mut self.brand,
            other => {
                return Err(format!(
                    "unknown item field `{other}` (expected one of: {})",
                    Field::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
                ))
            }
        };
        *slot = Some(column.trim().to_string());
        Ok(())
    }

    fn column_for(&self, field: Field) -> Option<&str> {
        match field {
            Field::Id => self.id.as_deref(),
            Field::Description => self.description.as_deref(),
            Field::HsCode => self.hs_code.as_deref(),
            Field::DeclaredValue => self.declared_value.as_deref(),
            Field::Currency => self.currency.as_deref(),
            Field::Quantity => self.quantity.as_deref(),
            Field::Seller => self.seller.as_deref(),
            Field::Brand => self.brand.as_deref(),
        }
    }
}

impl RecordError {
    pub(crate) fn new(
        file: &str,
        line: u64,
        row: u64,
        field: Option<&str>,
        id: Option<&str>,
        message: String,
    ) -> RecordError {
        RecordError {
            file: file.to_string(),
            line,
            row,
            field: field.map(str::to_string),
            id: id.map(str::to_string),
            message,
        }
    }
}

/// Normalise a currency code: China customs numeric codes (`142`, `502` …) are
/// mapped to ISO 4217 (`CNY`, `USD` …), unknown numeric codes are kept as
/// they are, alphabetic codes are upper-cased; blank gives `None`.
pub fn normalize_currency(code: &str) -> Option<String> {
    currency_code(code).map(std::borrow::Cow::into_owned)
}

/// [`normalize_currency`] without allocating unless the code needs upper-casing.
pub(crate) fn currency_code(code: &str) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    if code.bytes().all(|b| b.is_ascii_digit()) {
        let iso = match code {
            "142" => "CNY",
            "502" => "USD",
            "133" => "KRW",
            "300" => "EUR",
            "116" => "JPY",
            "110" => "HKD",
            "303" => "GBP",
            "132" => "SGD",
            "601" => "AUD",
            "501" => "CAD",
            "143" => "TWD",
            "121" => "MOP",
            other => return Some(Cow::Borrowed(other)),
        };
        return Some(Cow::Borrowed(iso));
    }
    if code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Some(Cow::Borrowed(code));
    }
    Some(Cow::Owned(code.to_uppercase()))
}

/// `bytes` as text when they are UTF-8 (SIMD-checked).
#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// `s.trim()`, without decoding characters when both ends are plainly
/// not whitespace (most fields).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last()) else { return s };
    // Unicode whitespace is ASCII, or U+0085, U+00A0 (lead C2), U+1680
    // (E1), U+2000..U+205F (E2) or U+3000 (E3), whose last bytes are
    // 80..8A, 9F, A0, A8, A9 or AF.
    let may_start = first <= b' ' || matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let may_end = last <= b' ' || matches!(last, 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF);
    if may_start || may_end {
        s.trim()
    } else {
        s
    }
}

/// `*dst = s`, reusing `dst`'s buffer.
#[inline]
pub(crate) fn set_text(dst: &mut String, s: &str) {
    dst.clear();
    dst.push_str(s);
}

/// `*dst = s.map(str::to_string)`, reusing `dst`'s buffer when there is one.
#[inline(always)]
pub(crate) fn set_opt_text(dst: &mut Option<String>, s: Option<&str>) {
    match (dst.as_mut(), s) {
        (Some(d), Some(s)) => set_text(d, s),
        (None, Some(s)) => *dst = Some(s.to_string()),
        (_, None) => *dst = None,
    }
}

/// Item fields an input column can feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Id = 0,
    Description,
    HsCode,
    DeclaredValue,
    Currency,
    Quantity,
    Seller,
    Brand,
}

impl Field {
    pub(crate) const COUNT: usize = 8;
    pub(crate) const ALL: [Field; Field::COUNT] = [
        Field::Id,
        Field::Description,
        Field::HsCode,
        Field::DeclaredValue,
        Field::Currency,
        Field::Quantity,
        Field::Seller,
        Field::Brand,
    ];

    /// The item field name (also the default column name).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Description => "description",
            Field::HsCode => "hs_code",
            Field::DeclaredValue => "declared_value",
            Field::Currency => "currency",
            Field::Quantity => "quantity",
            Field::Seller => "seller",
            Field::Brand => "brand",
        }
    }

    /// Accepted column names, best first (the field name itself comes first;
    /// `total_price` beats `price` because `declared_value` is the line total).
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["id", "item_id", "itemno"],
            Field::Description => &["description", "title", "desc", "goods_name", "gname"],
            Field::HsCode => &["hs_code", "hs", "hscode", "gcode"],
            Field::DeclaredValue => &["declared_value", "total_price", "value", "price"],
            Field::Currency => &["currency", "curr"],
            Field::Quantity => &["quantity", "qty"],
            Field::Seller => &["seller", "exporter", "shipper", "ebc_name"],
            Field::Brand => &["brand"],
        }
    }
}

/// Column-name normalisation: ASCII case folded; ` `, `_`, `-` and `.`
/// ignored, so `Item ID`, `item_id` and `ITEM-ID` are the same name.
fn is_name_separator(b: u8) -> bool {
    matches!(b, b' ' | b'_' | b'-' | b'.' | b'\t')
}

fn normalize_name(name: &str) -> Vec<u8> {
    name.trim().bytes().filter(|&b| !is_name_separator(b)).map(|b| b.to_ascii_lowercase()).collect()
}

/// Finds which item field an input column / JSON key feeds.
#[derive(Clone, Debug)]
pub(crate) struct KeyMatcher {
    /// (field, priority — lower is better, normalised name)
    names: Vec<(Field, u8, Vec<u8>)>,
    /// The column each field looks for when it is explicitly mapped.
    overrides: [Option<String>; Field::COUNT],
}

impl KeyMatcher {
    pub(crate) fn new(map: &ColumnMap) -> KeyMatcher {
        let mut names = Vec::new();
        let mut overrides: [Option<String>; Field::COUNT] = Default::default();
        // Explicit mappings first so they win over another field's alias.
        for f in Field::ALL {
            if let Some(col) = map.column_for(f) {
                overrides[f as usize] = Some(col.trim().to_string());
                names.push((f, 0, normalize_name(col)));
            }
        }
        for f in Field::ALL {
            if map.column_for(f).is_none() {
                for (prio, n) in f.names().iter().enumerate() {
                    names.push((f, prio as u8, normalize_name(n)));
                }
            }
        }
        KeyMatcher { names, overrides }
    }

    /// The field fed by column/key `key` and the match priority (lower is better).
    #[inline]
    pub(crate) fn lookup(&self, key: &str) -> Option<(Field, u8)> {
        let key = key.as_bytes();
        // A key spelled exactly like a normalised name is normalised already:
        // the first name equal to it is the first whose normalised form is.
        let exact = self.names.iter().find(|(_, _, n)| n.as_slice() == key);
        exact.or_else(|| self.names.iter().find(|(_, _, n)| normalized_eq(key, n))).map(|(f, p, _)| (*f, *p))
    }

    /// The explicitly mapped column for `field`, if any.
    pub(crate) fn explicit(&self, field: Field) -> Option<&str> {
        self.overrides[field as usize].as_deref()
    }

    /// The column name to mention when `field` cannot be found.
    pub(crate) fn wanted(&self, field: Field) -> &str {
        self.explicit(field).unwrap_or(field.name())
    }
}

/// `normalize_name(key) == norm`, without allocating.
#[inline]
fn normalized_eq(key: &[u8], norm: &[u8]) -> bool {
    let mut j = 0;
    // Leading/trailing whitespace is ignored like separators.
    for &b in key {
        if is_name_separator(b) || b == b'\r' || b == b'\n' {
            continue;
        }
        if j == norm.len() || b.to_ascii_lowercase() != norm[j] {
            return false;
        }
        j += 1;
    }
    j == norm.len()
}

/// Exact powers of ten for [`parse_number`].
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// Parse a plain, non-negative decimal number (`12`, `12.5`, `.5`, optionally
/// surrounded by spaces). Blank gives `Ok(None)`; anything else (`1,234.50`,
/// `12 USD`, `1e3`, `NaN`, `-3`) gives the message for a [`RecordError`].
pub(crate) fn parse_number(raw: &str) -> Result<Option<f64>, String> {
    let s = trim(raw);
    if s.is_empty() {
        return Ok(None);
    }
    // The common case in one pass: digits with at most one dot, at most 15
    // digits (exact as below).
    if s.len() <= 16 {
        let (mut m, mut dot, mut plain) = (0u64, None, true);
        for (i, &c) in s.as_bytes().iter().enumerate() {
            match c {
                b'0'..=b'9' => m = m * 10 + u64::from(c - b'0'),
                b'.' if dot.is_none() => dot = Some(i),
                _ => {
                    plain = false;
                    break;
                }
            }
        }
        let digits = s.len() - usize::from(dot.is_some());
        if plain && (1..=15).contains(&digits) {
            let frac = dot.map_or(0, |d| s.len() - d - 1);
            return Ok(Some(m as f64 / POW10[frac]));
        }
    }
    let b = s.as_bytes();
    let (int, frac) = match s.find('.') {
        Some(dot) => (&b[..dot], Some(&b[dot + 1..])),
        None => (b, None),
    };
    let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    let well_formed =
        digits(int) && frac.is_none_or(digits) && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    if !well_formed {
        if let Some(rest) = s.strip_prefix('-') {
            if parse_number(rest).is_ok_and(|v| v.is_some()) {
                return Err(format!("negative number: {}", quote(raw)));
            }
        }
        return Err(format!("not a plain decimal number: {}", quote(raw)));
    }
    // At most 15 digits: both the digits as an integer and the power of ten
    // are exact doubles, so one division is correctly rounded, i.e. the
    // same double as `parse` gives (Clinger's fast path).
    let frac = frac.unwrap_or(&[]);
    if int.len() + frac.len() <= 15 {
        let m = int.iter().chain(frac).fold(0u64, |m, &d| m * 10 + u64::from(d - b'0'));
        return Ok(Some(m as f64 / POW10[frac.len()]));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("number out of range: {}", quote(raw))),
    }
}

/// A value quoted for an error message (escaped, at most 60 characters).
pub(crate) fn quote(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// A reader that hands out one byte per call, like a slow pipe (tests only).
#[cfg(test)]
pub(crate) struct OneByte(pub Vec<u8>, pub usize);

#[cfg(test)]
impl std::io::Read for OneByte {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.1 >= self.0.len() || buf.is_empty() {
            return Ok(0);
        }
        buf[0] = self.0[self.1];
        self.1 += 1;
        Ok(1)
    }
}

#[cfg(test)]
impl BufRead for OneByte {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        Ok(&self.0[self.1..(self.1 + 1).min(self.0.len())])
    }
    fn consume(&mut self, amt: usize) {
        self.1 += amt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_picks_the_format_or_says_why_not() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/manifests");
        let map = ColumnMap::default();
        for (name, n) in [("sample.csv", 42), ("sample.jsonl", 16), ("sample_ceb603.xml", 5), ("sample_ceb621.xml", 5)]
        {
            let rows: Vec<_> = open(&dir.join(name), None, &map).unwrap().collect();
            assert_eq!(rows.len(), n, "{name}");
            assert!(rows.iter().all(Result::is_ok), "{name}");
        }
        // An explicit format wins over the extension.
        let e = open(&dir.join("sample.jsonl"), Some(InputFormat::Csv), &map).err().unwrap();
        assert!(matches!(e, ManifestError::MissingColumn { .. }), "{e}");
        let e = open(Path::new("-"), None, &map).err().unwrap();
        assert_eq!(
            e.to_string(),
            "<stdin>: cannot tell the input format from the name; use --input-format csv|tsv|jsonl|xml"
        );
        let e = open(&dir.join("README"), None, &map).err().unwrap();
        assert!(matches!(e, ManifestError::UnknownFormat { .. }));
        let e = open(&dir.join("no-such-file.csv"), None, &map).err().unwrap();
        assert!(matches!(e, ManifestError::Io { .. }), "{e}");
        let e = open(&dir, Some(InputFormat::Csv), &map).err().unwrap();
        assert!(e.to_string().ends_with("is a directory"), "{e}");
    }

    #[test]
    fn short_numbers_parse_exactly_as_std() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = format!("{seed}");
            let n = 1 + (seed % 15) as usize;
            let dot = (seed >> 32) as usize % (n + 1);
            let s = format!("{}.{}", &digits[..dot], &digits[dot..n]);
            let s = if seed.is_multiple_of(7) { s.trim_end_matches('.').to_string() } else { s };
            let want = s.parse::<f64>().ok().filter(|_| s != ".");
            assert_eq!(parse_number(&s).ok().flatten(), want, "{s}");
        }
    }

    #[test]
    fn numbers() {
        for (s, v) in [("12", 12.0), (" 12.50 ", 12.5), (".5", 0.5), ("7.", 7.0), ("0", 0.0)] {
            assert_eq!(parse_number(s), Ok(Some(v)), "{s}");
        }
        assert_eq!(parse_number("  "), Ok(None));
        for s in ["1,234.50", "12 USD", "1e3", "NaN", "inf", "+5", ".", "1.2.3", "１２", "$3"] {
            assert!(parse_number(s).unwrap_err().starts_with("not a plain decimal number: "), "{s}");
        }
        assert_eq!(parse_number("-2.5"), Err("negative number: \"-2.5\"".to_string()));
        assert!(parse_number(&"9".repeat(400)).unwrap_err().starts_with("number out of range"));
    }

    #[test]
    fn currencies() {
        assert_eq!(normalize_currency(" 142 ").as_deref(), Some("CNY"));
        assert_eq!(normalize_currency("usd").as_deref(), Some("USD"));
        assert_eq!(normalize_currency("777").as_deref(), Some("777"));
        assert_eq!(normalize_currency(" "), None);
    }

    #[test]
    fn column_names_are_matched_loosely() {
        let m = KeyMatcher::new(&ColumnMap::default());
        assert_eq!(m.lookup("Item ID").map(|x| x.0), Some(Field::Id));
        assert_eq!(m.lookup("HS-Code").map(|x| x.0), Some(Field::HsCode));
        assert_eq!(m.lookup("totalPrice").map(|x| x.0), Some(Field::DeclaredValue));
        assert_eq!(m.lookup("ebcName").map(|x| x.0), Some(Field::Seller));
        assert_eq!(m.lookup("GNAME").map(|x| x.0), Some(Field::Description));
        assert_eq!(m.lookup("name"), None);
        assert_eq!(m.lookup(""), None);
    }

    /// All rows of `reader` through a [`ChunkReader`]; every chunk is non-empty.
    pub(crate) fn via_chunks<R: BufRead + Send + 'static>(
        reader: R,
        name: &str,
        format: InputFormat,
        map: &ColumnMap,
    ) -> Result<Vec<Result<Item, RecordError>>, String> {
        let reader = chunks_from_reader(reader, name, format, map).map_err(|e| e.to_string())?;
        Ok(drain_chunks(reader))
    }

    pub(crate) fn drain_chunks(mut reader: ChunkReader) -> Vec<Result<Item, RecordError>> {
        let (mut out, mut chunk, mut item) = (Vec::new(), Chunk::new(), Item::default());
        // Batches of these sizes, their items reused across chunks, must
        // give what `parse_each` gives.
        let mut batches: Vec<(Vec<Item>, Vec<Option<RecordError>>)> =
            [1, 3, 64].map(|n| (vec![Item::default(); n], Vec::new())).into();
        while reader.fill(&mut chunk) {
            assert!(!chunk.is_empty());
            let before = out.len();
            chunk.parse_each(&mut item, |r| out.push(r.cloned()));
            assert_eq!(out.len() - before, chunk.len());
            for (items, errors) in &mut batches {
                let mut got = Vec::new();
                chunk.parse_batched(items, errors, |its, es| {
                    for (it, e) in its.iter().zip(es) {
                        got.push(match e {
                            None => Ok(it.clone()),
                            Some(e) => Err(e.clone()),
                        });
                    }
                });
                assert_eq!(got[..], out[before..], "batches of {}", items.len());
            }
        }
        assert!(chunk.is_empty());
        assert!(!reader.fill(&mut chunk), "the end stays the end");
        out
    }

    /// Hands out its bytes five at a time, then fails with a read error
    /// instead of reporting the end of the input.
    pub(crate) struct FailsAtEnd(pub Vec<u8>, pub usize);

    impl std::io::Read for FailsAtEnd {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 >= self.0.len() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len() - self.1).min(5);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    /// A `BufRead` whose `fill_buf` hands out at most `n` bytes.
    pub(crate) struct Small<R>(pub R, pub usize);

    impl<R: BufRead> std::io::Read for Small<R> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = {
                let avail = self.fill_buf()?;
                let n = avail.len().min(out.len());
                out[..n].copy_from_slice(&avail[..n]);
                n
            };
            self.consume(n);
            Ok(n)
        }
    }

    impl<R: BufRead> BufRead for Small<R> {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            let n = self.1;
            let buf = self.0.fill_buf()?;
            Ok(&buf[..buf.len().min(n)])
        }
        fn consume(&mut self, amt: usize) {
            self.0.consume(amt)
        }
    }

    /// Chunks give exactly the rows of the record iterator, whatever the
    /// input and however the reads are cut.
    pub(crate) fn assert_same_rows(data: &[u8], name: &str, format: InputFormat, map: &ColumnMap) {
        let cursor = || std::io::Cursor::new(data.to_vec());
        let records = |r: Box<dyn BufRead + Send>| {
            from_reader(r, name, format, map).map(|r| r.collect::<Vec<_>>()).map_err(|e| e.to_string())
        };
        // (csv-core misses a BOM that arrives alone, so reads of 3 bytes
        // are compared with themselves.)
        for n in [1, 2, 3, 7, 64, 4096, usize::MAX] {
            let expected = records(Box::new(Small(cursor(), n)));
            let got = via_chunks(Small(cursor(), n), name, format, map);
            assert_eq!(got, expected, "{format:?}, reads of {n} bytes, input {:?}", String::from_utf8_lossy(data));
        }
        let expected = records(Box::new(OneByte(data.to_vec(), 0)));
        let got = via_chunks(OneByte(data.to_vec(), 0), name, format, map);
        assert_eq!(got, expected, "{format:?}, one byte at a time");
    }

    /// Pseudo-random input from `alphabet`, after `head`.
    pub(crate) fn garbage(seed: &mut u64, head: &[u8], alphabet: &[u8], max: u64) -> Vec<u8> {
        let mut data = head.to_vec();
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        for _ in 0..(next() % max) {
            data.push(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        data
    }

    #[test]
    fn chunks_hold_the_same_rows_as_records() {
        let mut files = Vec::new();
        for dir in ["examples/manifests", "tests/data/manifests"] {
            for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
                files.push(e.unwrap().path());
            }
        }
        files.sort();
        let mut checked = 0;
        for f in files {
            let Some(format) = InputFormat::from_path(&f) else { continue };
            let data = std::fs::read(&f).unwrap();
            assert_same_rows(&data, "f", format, &ColumnMap::default());
            checked += 1;
        }
        assert!(checked >= 14, "{checked}");

        let mut seed = 0x2545F4914F6CDD1Du64;
        let csv: [&[u8]; 2] = [b"id,description,declared_value,quantity\n", b"\xEF\xBB\xBFdesc,id\r\n"];
        let jsonl: [&[u8]; 2] = [b"", b"\xEF\xBB\xBF\n"];
        for round in 0..300 {
            let data = garbage(&mut seed, csv[round % 2], b"a1,\"\n\r \xFF\xE4.-", 200);
            assert_same_rows(&data, "g.csv", InputFormat::Csv, &ColumnMap::default());
            let data = garbage(&mut seed, jsonl[round % 2], b"{}\"id:description,1 \n\r\\\xFF[a", 200);
            assert_same_rows(&data, "g.jsonl", InputFormat::Jsonl, &ColumnMap::default());
        }
        let mut data = Vec::new();
        for i in 0..5000 {
            data.extend(format!("{{\"id\":\"{i}\",\"description\":\"item {i}\"}}\n").bytes());
            if i % 7 == 0 {
                data.extend(b"\n  \r\n");
            }
        }
        assert_same_rows(&data, "big.jsonl", InputFormat::Jsonl, &ColumnMap::default());
        let mut data = b"id,description\n".to_vec();
        for i in 0..5000 {
            data.extend(format!("{i},\"item\n{i}\"\n").bytes());
        }
        assert_same_rows(&data, "big.csv", InputFormat::Csv, &ColumnMap::default());
    }

    /// A two-item CEB603 inventory in the pieces a pipe would deliver.
    const XML_PIECES: &[&str] = &[
        "<CEB603Message><Inventory><InventoryHead><copNo>C</copNo></InventoryHead>",
        "<InventoryList><gnum>1</gnum><gname>a</gname></InventoryList>",
        "\n<InventoryList><gnum>2</gnum><gname>b</gname></InventoryList>",
        "</Inventory></CEB603Message>\n",
    ];

    /// Like a pipe: a chunk is handed out as soon as reading on could block.
    #[test]
    fn chunks_come_out_as_soon_as_rows_are_complete() {
        use std::sync::atomic::Ordering::SeqCst;
        let cases: [(InputFormat, &[&str]); 3] = [
            (InputFormat::Csv, &["id,description\n", "1,a\n", "2,b\n"]),
            (InputFormat::Jsonl, &["{\"id\":1,\"description\":\"a\"}\n{\"id\":2", ",\"description\":\"b\"}\n"]),
            (InputFormat::Xml, XML_PIECES),
        ];
        for (format, chunks) in cases {
            let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let reader =
                std::io::BufReader::new(Chunks(served.clone(), chunks.iter().map(|c| c.as_bytes().to_vec()).collect()));
            let mut it = chunks_from_reader(reader, "<stdin>", format, &ColumnMap::default()).unwrap();
            let header = usize::from(format != InputFormat::Jsonl);
            let mut chunk = Chunk::new();
            for k in 1..=2 {
                assert!(it.fill(&mut chunk), "{format:?}");
                assert_eq!(chunk.len(), 1, "{format:?} chunk {k}");
                assert_eq!(served.load(SeqCst), header + k, "{format:?} item {k}");
            }
            assert!(!it.fill(&mut chunk));
        }
    }

    /// Hands out pre-cut chunks and counts how many were requested.
    struct Chunks(std::sync::Arc<std::sync::atomic::AtomicUsize>, Vec<Vec<u8>>);

    impl std::io::Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let i = self.0.load(std::sync::atomic::Ordering::SeqCst);
            let Some(chunk) = self.1.get_mut(i) else { return Ok(0) };
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            chunk.drain(..n);
            if chunk.is_empty() {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(n)
        }
    }

    /// Like a pipe: each record must come out before the next chunk is asked for.
    #[test]
    fn records_come_out_as_soon_as_they_are_complete() {
        use std::sync::atomic::Ordering::SeqCst;
        let cases: [(InputFormat, &[&str]); 3] = [
            (InputFormat::Csv, &["id,description\n", "1,a\n", "2,b\n"]),
            (InputFormat::Jsonl, &["{\"id\":1,\"description\":\"a\"}\n", "\n{\"id\":2,\"description\":\"b\"}\n"]),
            (InputFormat::Xml, XML_PIECES),
        ];
        for (format, chunks) in cases {
            let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let reader =
                std::io::BufReader::new(Chunks(served.clone(), chunks.iter().map(|c| c.as_bytes().to_vec()).collect()));
            let mut it = from_reader(reader, "<stdin>", format, &ColumnMap::default()).unwrap();
            let header = usize::from(format != InputFormat::Jsonl);
            assert!(served.load(SeqCst) <= header, "{format:?}");
            for k in 1..=2 {
                assert!(it.next().unwrap().is_ok(), "{format:?}");
                assert_eq!(served.load(SeqCst), header + k, "{format:?} item {k}");
            }
            assert!(it.next().is_none());
        }
    }
}
