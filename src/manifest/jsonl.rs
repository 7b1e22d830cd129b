//! JSON Lines manifests: one object per line, keys named like the item
//! fields (or an alias, or as mapped by the [`ColumnMap`](super::ColumnMap)).
//!
//! Each line is read into one reused buffer and parsed in place: string
//! values borrow from the line, unknown keys are skipped without building
//! anything, so the only allocations are the item's own strings.
//!
//! For [`ChunkReader`](super::ChunkReader) the lines are only cut here;
//! [`Layout::parse`] parses them later, on whichever thread parses the chunk,
//! into an item whose buffers are reused.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{
    currency_code, parse_number, set_opt_text, set_text, trim, Chunk, ColumnMap, Field, FillChunk, KeyMatcher,
    ManifestError, Parser, RawRow as ChunkRow, RecordError, Records, CHUNK_BYTES, CHUNK_ROWS,
};
use crate::item::Item;

/// A line longer than this is reported (and skipped) instead of buffered.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

pub(super) fn records<R: BufRead + Send + 'static>(
    reader: R,
    name: &str,
    map: &ColumnMap,
) -> Result<Records, ManifestError> {
    Ok(Box::new(JsonlRecords::new(reader, name, map, MAX_LINE_BYTES)))
}

pub(super) fn chunks<R: BufRead + Send + 'static>(reader: R, name: &str, map: &ColumnMap) -> Box<dyn FillChunk + Send> {
    Box::new(JsonlChunks::new(reader, name, map, MAX_LINE_BYTES))
}

/// What turns a line into an item: the file name and the key names.
#[derive(Debug)]
pub(crate) struct Layout {
    file: String,
    keys: KeyMatcher,
}

struct JsonlRecords<R> {
    reader: R,
    buf: Vec<u8>,
    layout: Layout,
    /// Physical lines read so far.
    line: u64,
    /// Non-blank lines read so far.
    row: u64,
    max_line: usize,
    done: bool,
}

impl<R: BufRead> JsonlRecords<R> {
    fn new(reader: R, name: &str, map: &ColumnMap, max_line: usize) -> Self {
        JsonlRecords {
            reader,
            buf: Vec::with_capacity(1024),
            layout: Layout { file: name.to_string(), keys: KeyMatcher::new(map) },
            line: 0,
            row: 0,
            max_line,
            done: false,
        }
    }

    fn error(&self, field: Option<Field>, id: Option<&str>, message: String) -> RecordError {
        self.layout.error(self.line, self.row, field, id, message)
    }

    /// Read one line into `buf` (without its line ending). `Ok(false)` at end
    /// of input; `Err` carries a message for a line that cannot be used.
    fn read_line(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        let limit = self.max_line as u64 + 1;
        let n = loop {
            match (&mut self.reader).take(limit - self.buf.len() as u64).read_until(b'\n', &mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(_) => break self.buf.len(),
            }
        };
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if n as u64 == limit {
            // Over-long: drop the rest of the line.
            self.buf.clear();
            loop {
                match self.reader.skip_until(b'\n') {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => {
                        other?;
                        break;
                    }
                }
            }
            return Ok(Some(false));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some(true))
    }
}

impl Layout {
    fn error(&self, line: u64, row: u64, field: Option<Field>, id: Option<&str>, message: String) -> RecordError {
        RecordError::new(&self.file, line, row, field.map(Field::name), id, message)
    }

    /// Parse `bytes`, line `line` (data row `row`) without its line end, into
    /// `item`, reusing its buffers; on error `item` is left unspecified.
    /// `text` is the line as text, when the caller has validated it.
    pub(crate) fn parse(
        &self,
        line_no: u64,
        row: u64,
        bytes: &[u8],
        text: Option<&str>,
        item: &mut Item,
    ) -> Result<(), RecordError> {
        let (mut line, mut text) = (bytes, text);
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            text = text.map(|t| t.strip_prefix('\u{FEFF}').unwrap_or(t));
        }
        let text = match text.map_or_else(|| std::str::from_utf8(line), Ok) {
            Ok(t) => t,
            Err(e) => {
                return Err(self.error(
                    line_no,
                    row,
                    None,
                    None,
                    format!(
                        "invalid UTF-8 at byte {} of the line; is the file in another encoding (GBK, EUC-KR)? convert it to UTF-8",
                        e.valid_up_to()
                    ),
                ))
            }
        };
        // The row is filled in place and read by reference: it is 320
        // bytes, and moving it in and out of `Option`/`Result` cost more
        // than reading it.
        let mut raw = RawRow::default();
        if !fast_row(&self.keys, text, &mut raw) {
            raw = match serde_row(&self.keys, text) {
                Ok(raw) => raw,
                Err(e) => {
                    let mut msg = e.to_string();
                    if let Some(at) = msg.rfind(" at line ") {
                        msg.truncate(at);
                    }
                    let hint = if text.trim_start().starts_with('[') {
                        " (expected one JSON object per line, not an array)"
                    } else {
                        ""
                    };
                    return Err(self.error(
                        line_no,
                        row,
                        None,
                        None,
                        format!("invalid JSON at column {}: {msg}{hint}", e.column()),
                    ));
                }
            };
        }
        self.build(line_no, row, &raw, item)
    }

    fn build<'r>(&self, line: u64, row: u64, raw: &'r RawRow<'r>, item: &mut Item) -> Result<(), RecordError> {
        let [id, description, hs_code, declared_value, currency, quantity, seller, brand] = &raw.values;
        let id_text = match id.as_ref().map(|(_, v)| v.text()) {
            None | Some(Ok(None)) => {
                return Err(self.error(
                    line,
                    row,
                    Some(Field::Id),
                    None,
                    format!("missing `{}`", self.keys.wanted(Field::Id)),
                ))
            }
            Some(Err(kind)) => {
                return Err(self.error(
                    line,
                    row,
                    Some(Field::Id),
                    None,
                    format!("expected a string or a number, found {kind}"),
                ))
            }
            Some(Ok(Some(s))) => s,
        };
        let id = trim(&id_text);
        if id.is_empty() {
            return Err(self.error(line, row, Some(Field::Id), None, "empty id".to_string()));
        }
        let err = |f: Field, m: String| self.error(line, row, Some(f), Some(id), m);
        let description_text = match description.as_ref().map(|(_, v)| v.text()) {
            None | Some(Ok(None)) => {
                return Err(err(Field::Description, format!("missing `{}`", self.keys.wanted(Field::Description))))
            }
            Some(Err(kind)) => return Err(err(Field::Description, format!("expected a string, found {kind}"))),
            Some(Ok(Some(s))) => s,
        };
        let description = trim(&description_text);
        if description.is_empty() {
            return Err(err(Field::Description, "empty description".to_string()));
        }
        // Untrimmed, `None` when blank.
        let text = |f: Field, v: &'r Option<(u8, Scalar<'r>)>| -> Result<Option<Cow<'r, str>>, RecordError> {
            match v.as_ref().map(|(_, v)| v.text()) {
                None => Ok(None),
                Some(Ok(s)) => Ok(s.filter(|s| !trim(s).is_empty())),
                Some(Err(kind)) => Err(err(f, format!("expected a string, found {kind}"))),
            }
        };
        let number = |f: Field, v: &Option<(u8, Scalar<'r>)>| -> Result<Option<f64>, RecordError> {
            match v.as_ref().map(|(_, v)| v) {
                None | Some(Scalar::Null) => Ok(None),
                Some(&Scalar::U64(n)) => Ok(Some(n as f64)),
                Some(&Scalar::I64(n)) if n >= 0 => Ok(Some(n as f64)),
                Some(&Scalar::F64(n)) if n >= 0.0 && n.is_finite() => Ok(Some(n)),
                Some(Scalar::I64(n)) => Err(err(f, format!("negative number: {n}"))),
                Some(Scalar::F64(n)) => Err(err(f, format!("negative number: {n}"))),
                Some(Scalar::Str(s)) => parse_number(s).map_err(|m| err(f, m)),
                Some(other) => Err(err(f, format!("expected a number, found {}", other.kind()))),
            }
        };
        // (Absent keys, the common case, skip the closures.)
        let hs_code = if hs_code.is_some() { text(Field::HsCode, hs_code)? } else { None };
        let declared_value =
            if declared_value.is_some() { number(Field::DeclaredValue, declared_value)? } else { None };
        let currency = if currency.is_some() { text(Field::Currency, currency)? } else { None };
        let quantity = if quantity.is_some() { number(Field::Quantity, quantity)? } else { None };
        let seller = if seller.is_some() { text(Field::Seller, seller)? } else { None };
        let brand = if brand.is_some() { text(Field::Brand, brand)? } else { None };
        set_opt_text(&mut item.hs_code, hs_code.as_deref().map(trim));
        item.declared_value = declared_value;
        set_opt_text(&mut item.currency, currency.as_deref().map(trim).and_then(currency_code).as_deref());
        item.quantity = quantity;
        set_opt_text(&mut item.seller, seller.as_deref().map(trim));
        set_opt_text(&mut item.brand, brand.as_deref().map(trim));
        set_text(&mut item.id, id);
        set_text(&mut item.description, description);
        Ok(())
    }
}

/// Cuts lines for [`ChunkReader`](super::ChunkReader): the same lines,
/// line numbers, rows and reading errors as [`JsonlRecords`], without parsing.
struct JsonlChunks<R> {
    reader: R,
    layout: Arc<Parser>,
    count: Count,
    max_line: usize,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    /// Inside an over-long line: its bytes are dropped up to the next newline.
    skipping: bool,
    /// The last buffer from `fill_buf` was used up, so reading on may block.
    drained: bool,
    done: bool,
}

/// Lines and rows seen so far.
struct Count {
    /// Physical lines read so far.
    line: u64,
    /// Non-blank lines read so far.
    row: u64,
}

impl<R: BufRead> JsonlChunks<R> {
    fn new(reader: R, name: &str, map: &ColumnMap, max_line: usize) -> Self {
        let layout = Layout { file: name.to_string(), keys: KeyMatcher::new(map) };
        JsonlChunks {
            reader,
            layout: Arc::new(Parser::Jsonl(layout)),
            count: Count { line: 0, row: 0 },
            max_line,
            carry: Vec::new(),
            skipping: false,
            drained: false,
            done: false,
        }
    }
}

impl Count {
    /// The line `chunk.data[start..]` (line end removed) is complete: keep
    /// it as a row unless it is blank.
    fn line(&mut self, chunk: &mut Chunk, start: usize) {
        self.line += 1;
        // Only this line's own `\r`: an empty line must not take the last
        // byte of the line before (`x\r\r\n\n`).
        if chunk.data.len() > start && chunk.data.last() == Some(&b'\r') {
            chunk.data.pop();
        }
        let text = &chunk.data[start..];
        let text = if self.line == 1 { text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text) } else { text };
        if text.iter().all(u8::is_ascii_whitespace) {
            chunk.data.truncate(start);
            return;
        }
        self.row += 1;
        chunk.rows.push(ChunkRow::Line { line: self.line, row: self.row, start, end: chunk.data.len() });
    }

    /// An over-long line ended.
    fn too_long(&mut self, chunk: &mut Chunk, layout: &Parser, max_line: usize) {
        self.line += 1;
        self.row += 1;
        let message = format!("line longer than {max_line} bytes; skipped");
        chunk.push_done(Err(jsonl_layout(layout).error(self.line, self.row, None, None, message)));
    }
}

fn jsonl_layout(p: &Parser) -> &Layout {
    match p {
        Parser::Jsonl(l) => l,
        _ => unreachable!("a JSONL reader has a JSONL layout"),
    }
}

impl<R: BufRead> FillChunk for JsonlChunks<R> {
    fn fill(&mut self, chunk: &mut Chunk) -> bool {
        if self.done {
            return false;
        }
        chunk.set_parser(&self.layout);
        // `chunk.data[start..]` is the line being read.
        let mut start = 0;
        chunk.data.extend_from_slice(&self.carry);
        self.carry.clear();
        loop {
            let full = chunk.rows.len() >= CHUNK_ROWS || start >= CHUNK_BYTES;
            if !chunk.rows.is_empty() && (full || self.drained) {
                self.carry.extend_from_slice(&chunk.data[start..]);
                chunk.data.truncate(start);
                return true;
            }
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // As `JsonlRecords`: an over-long line being skipped counts
                    // as read, the error takes the next line.
                    self.done = true;
                    chunk.data.truncate(start);
                    self.count.line += u64::from(self.skipping) + 1;
                    self.count.row += 1;
                    let message = format!("read error: {e}; the rest of the input is not read");
                    let layout = jsonl_layout(&self.layout);
                    chunk.push_done(Err(layout.error(self.count.line, self.count.row, None, None, message)));
                    return true;
                }
            };
            if buf.is_empty() {
                self.done = true;
                if self.skipping {
                    self.count.too_long(chunk, &self.layout, self.max_line);
                } else if chunk.data.len() > start {
                    self.count.line(chunk, start);
                }
                return !chunk.rows.is_empty();
            }
            let mut used = 0;
            while used < buf.len() {
                let rest = &buf[used..];
                if self.skipping {
                    match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => {
                            used += i + 1;
                            self.skipping = false;
                            self.count.too_long(chunk, &self.layout, self.max_line);
                        }
                        None => used = buf.len(),
                    }
                    continue;
                }
                // The rest of the line, with its `\n` if it is there (the
                // memchr crate's search: std's `read_until` uses a slower,
                // portable one).
                let take = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                chunk.data.extend_from_slice(&rest[..take]);
                used += take;
                if chunk.data.last() == Some(&b'\n') && chunk.data.len() > start {
                    chunk.data.pop();
                    if chunk.data.len() - start > self.max_line {
                        chunk.data.truncate(start);
                        self.count.too_long(chunk, &self.layout, self.max_line);
                    } else {
                        self.count.line(chunk, start);
                    }
                    start = chunk.data.len();
                    if chunk.rows.len() >= CHUNK_ROWS || start >= CHUNK_BYTES {
                        break;
                    }
                } else if chunk.data.len() - start > self.max_line {
                    // No line end yet, and already too long.
                    chunk.data.truncate(start);
                    self.skipping = true;
                }
            }
            self.drained = used == buf.len();
            self.reader.consume(used);
        }
    }
}

/// The line's values through serde_json (any JSON, and its error messages).
fn serde_row<'a>(keys: &KeyMatcher, text: &'a str) -> Result<RawRow<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    RowSeed { keys }.deserialize(&mut de).and_then(|raw| de.end().map(|()| raw))
}

/// The common shape of a line, an object whose values are all plain
/// strings (no escapes) or `null`, read into `row` (empty before) without
/// serde. `false` for anything else, which then goes through
/// [`serde_row`]; when this gives a row, serde_row gives the same one.
fn fast_row<'a>(keys: &KeyMatcher, text: &'a str, row: &mut RawRow<'a>) -> bool {
    fast_values(keys, text, &mut row.values).is_some()
}

/// [`fast_row`] with `?`: `None` when the line is not of the common shape
/// (`values` then holds what was read before).
#[inline(always)]
fn fast_values<'a>(
    keys: &KeyMatcher,
    text: &'a str,
    values: &mut [Option<(u8, Scalar<'a>)>; Field::COUNT],
) -> Option<()> {
    let b = text.as_bytes();
    let ws = |i: &mut usize| {
        while b.get(*i).is_some_and(|c| matches!(c, b' ' | b'\n' | b'\t' | b'\r')) {
            *i += 1;
        }
    };
    let mut i = 0;
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    ws(&mut i);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            let key = plain_str(text, &mut i)?;
            ws(&mut i);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            ws(&mut i);
            let value = match b.get(i)? {
                b'"' => Scalar::Str(Cow::Borrowed(plain_str(text, &mut i)?)),
                b'n' if b[i..].starts_with(b"null") => {
                    i += 4;
                    Scalar::Null
                }
                _ => return None,
            };
            // As `RowSeed`: the first value of the best-priority key wins.
            if let Some((field, prio)) = keys.lookup(key) {
                let slot = &mut values[field as usize];
                if slot.as_ref().is_none_or(|(p, _)| prio < *p) {
                    *slot = Some((prio, value));
                }
            }
            ws(&mut i);
            match b.get(i)? {
                b',' => {
                    i += 1;
                    ws(&mut i);
                }
                b'}' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    ws(&mut i);
    (i == b.len()).then_some(())
}

/// The JSON string at `text[*i..]` when it has no escapes and no control
/// characters (which JSON forbids unescaped); moves `*i` past it.
#[inline(always)]
fn plain_str<'a>(text: &'a str, i: &mut usize) -> Option<&'a str> {
    let b = text.as_bytes();
    if b.get(*i) != Some(&b'"') {
        return None;
    }
    let start = *i + 1;
    let len = plain_prefix(&b[start..]);
    if b.get(start + len) != Some(&b'"') {
        return None;
    }
    *i = start + len + 1;
    text.get(start..start + len)
}

/// Length of the prefix of `b` without `"`, `\\` or bytes below 0x20,
/// sixteen bytes at a time: what a JSON string holds verbatim (used by the
/// JSONL reader and by the CLI's verdict writer).
#[inline]
pub fn plain_prefix(b: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    /// The high bit of each byte of `w` that is below 0x20, `"` or `\\`
    /// (exact for the lowest one: a borrow only starts at a true hit).
    /// `c ^ 2 < 0x21` is `c < 0x20 || c == b'"'` for bytes below 0x80.
    #[inline]
    fn hits(w: u64) -> u64 {
        let q = w ^ (LO * 2);
        let bs = w ^ (LO * u64::from(b'\\'));
        ((q.wrapping_sub(LO * 0x21) & !q) | (bs.wrapping_sub(LO) & !bs)) & HI
    }
    #[inline]
    fn word(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
    }
    let at = |n: usize, h: u64| n + (h.trailing_zeros() / 8) as usize;
    let mut n = 0;
    for c in b.chunks_exact(16) {
        let (h1, h2) = (hits(word(c, 0)), hits(word(c, 8)));
        if h1 | h2 != 0 {
            return if h1 != 0 { at(n, h1) } else { at(n + 8, h2) };
        }
        n += 16;
    }
    if n + 8 <= b.len() {
        let h = hits(word(b, n));
        if h != 0 {
            return at(n, h);
        }
        n += 8;
    }
    if n == b.len() {
        return n;
    }
    if b.len() >= 8 {
        // The last eight bytes: those before `n` are plain, so the lowest
        // hit is past them.
        let last = b.len() - 8;
        let h = hits(word(b, last));
        return if h != 0 { at(last, h) } else { b.len() };
    }
    // Fewer than eight bytes (keys, ids, short values): byte by byte,
    // cheaper than copying them into a word (a `memcpy` call).
    b.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\').unwrap_or(b.len())
}

impl<R: BufRead> Iterator for JsonlRecords<R> {
    type Item = Result<Item, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.read_line() {
                Ok(None) => self.done = true,
                Ok(Some(true)) => {
                    if self.buf.iter().all(u8::is_ascii_whitespace)
                        || (self.line == 1
                            && self
                                .buf
                                .strip_prefix(b"\xEF\xBB\xBF")
                                .is_some_and(|b| b.iter().all(u8::is_ascii_whitespace)))
                    {
                        continue;
                    }
                    self.row += 1;
                    let mut item = Item::default();
                    return Some(self.layout.parse(self.line, self.row, &self.buf, None, &mut item).map(|()| item));
                }
                Ok(Some(false)) => {
                    self.row += 1;
                    return Some(Err(self.error(
                        None,
                        None,
                        format!("line longer than {} bytes; skipped", self.max_line),
                    )));
                }
                Err(e) => {
                    self.done = true;
                    self.row += 1;
                    self.line += 1;
                    return Some(Err(self.error(
                        None,
                        None,
                        format!("read error: {e}; the rest of the input is not read"),
                    )));
                }
            }
        }
        None
    }
}

/// A JSON value as far as an item field cares.
#[derive(Debug)]
enum Scalar<'a> {
    Str(Cow<'a, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    Null,
    Bool,
    Array,
    Object,
}

impl<'a> Scalar<'a> {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) => "a number",
            Scalar::Null => "null",
            Scalar::Bool => "a boolean",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    /// Strings as they are, numbers as written (integers without `.0`),
    /// null as `None`; anything else is an error naming its kind.
    #[inline(always)]
    fn text(&self) -> Result<Option<Cow<'_, str>>, &'static str> {
        Ok(Some(match *self {
            Scalar::Str(ref s) => Cow::Borrowed(&**s),
            Scalar::U64(n) => Cow::Owned(n.to_string()),
            Scalar::I64(n) => Cow::Owned(n.to_string()),
            Scalar::F64(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Cow::Owned(format!("{}", n as i64)),
            Scalar::F64(n) => Cow::Owned(n.to_string()),
            Scalar::Null => return Ok(None),
            ref other => return Err(other.kind()),
        }))
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

/// The values of one line, per item field, with the priority of the key
/// they came from (the field's own name beats an alias).
#[derive(Debug, Default)]
struct RawRow<'a> {
    values: [Option<(u8, Scalar<'a>)>; Field::COUNT],
}

struct RowSeed<'k> {
    keys: &'k KeyMatcher,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = RawRow<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = RawRow<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values: [Option<(u8, Scalar<'de>)>; Field::COUNT] = Default::default();
        while let Some(key) = map.next_key_seed(KeySeed { keys: self.keys })? {
            match key {
                Some((field, prio)) => {
                    let v = map.next_value_seed(ScalarSeed)?;
                    let slot = &mut values[field as usize];
                    if slot.as_ref().is_none_or(|(p, _)| prio < *p) {
                        *slot = Some((prio, v));
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RawRow { values })
    }
}

struct ScalarSeed;

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// Resolves a key to an item field without allocating.
struct KeySeed<'k> {
    keys: &'k KeyMatcher,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<(Field, u8)>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<(Field, u8)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.keys.lookup(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{from_reader, InputFormat};
    use std::path::Path;

    fn read(input: &[u8]) -> Vec<Result<Item, RecordError>> {
        read_with(input, &ColumnMap::default())
    }

    fn read_with(input: &[u8], map: &ColumnMap) -> Vec<Result<Item, RecordError>> {
        from_reader(io::Cursor::new(input.to_vec()), "t.jsonl", InputFormat::Jsonl, map).unwrap().collect()
    }

    fn err(r: &Result<Item, RecordError>) -> &RecordError {
        r.as_ref().expect_err("expected an error")
    }

    fn ok(r: &Result<Item, RecordError>) -> &Item {
        r.as_ref().expect("expected an item")
    }

    #[test]
    fn full_object() {
        let rows = read(br#"{"id":"J1","description":"Nike hoodie","hs_code":"6110200000","declared_value":35.5,"currency":"usd","quantity":2,"seller":"Yiwu","brand":"Nike","extra":{"a":[1,2]}}"#);
        assert_eq!(
            ok(&rows[0]),
            &Item {
                id: "J1".into(),
                description: "Nike hoodie".into(),
                hs_code: Some("6110200000".into()),
                declared_value: Some(35.5),
                currency: Some("USD".into()),
                quantity: Some(2.0),
                seller: Some("Yiwu".into()),
                brand: Some("Nike".into()),
            }
        );
    }

    #[test]
    fn numbers_ids_and_numeric_strings() {
        let rows = read(b"{\"id\":1001,\"description\":\"cup\",\"declared_value\":\" 12.50 \",\"quantity\":\"3\",\"hs_code\":9617001000,\"currency\":142}\n{\"id\":2.0,\"description\":\"x\",\"declared_value\":null,\"quantity\":\"\"}\n");
        let a = ok(&rows[0]);
        assert_eq!((a.id.as_str(), a.declared_value, a.quantity), ("1001", Some(12.5), Some(3.0)));
        assert_eq!((a.hs_code.as_deref(), a.currency.as_deref()), (Some("9617001000"), Some("CNY")));
        let b = ok(&rows[1]);
        assert_eq!((b.id.as_str(), b.declared_value, b.quantity), ("2", None, None));
    }

    #[test]
    fn blank_lines_are_not_rows() {
        let rows = read(b"\n{\"id\":\"a\",\"description\":\"x\"}\n   \r\n\n{\"id\":\"b\",\"description\":\"\"}\n");
        assert_eq!(rows.len(), 2);
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.as_deref()), (5, 2, Some("description"), Some("b")));
        assert_eq!(e.to_string(), "t.jsonl:5: field `description`: empty description");
    }

    #[test]
    fn invalid_json() {
        let rows = read(b"{\"id\":\"a\",\"description\":\"x\"}\n{\"id\":\"b\" \"description\":\"y\"}\n[1,2]\n{\"id\":\"c\",\"description\":\"z\"} trailing\n{\"id\":\"d\",\"description\":\"w\"}");
        assert_eq!(rows.len(), 5);
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.field.clone()), (2, 2, None));
        assert_eq!(e.message, "invalid JSON at column 11: expected `,` or `}`");
        assert!(err(&rows[2]).message.contains("expected a JSON object"), "{}", err(&rows[2]).message);
        assert!(err(&rows[2]).message.contains("not an array"));
        assert!(err(&rows[3]).message.contains("trailing characters"), "{}", err(&rows[3]).message);
        assert_eq!(ok(&rows[4]).id, "d");
    }

    #[test]
    fn invalid_utf8() {
        let rows = read(b"{\"id\":\"a\",\"description\":\"ab\xFF\"}\n{\"id\":\"b\",\"description\":\"ok\"}\n");
        let e = err(&rows[0]);
        assert_eq!((e.line, e.row), (1, 1));
        assert!(e.message.starts_with("invalid UTF-8 at byte 27 of the line"), "{}", e.message);
        assert!(rows[1].is_ok());
    }

    #[test]
    fn missing_fields_and_bad_types() {
        let rows = read(
            b"{\"description\":\"x\"}\n{\"id\":\"a\"}\n{\"id\":null,\"description\":\"x\"}\n{\"id\":\"b\",\"description\":\"x\",\"quantity\":\"two\"}\n{\"id\":\"c\",\"description\":\"x\",\"declared_value\":true}\n{\"id\":[1],\"description\":\"x\"}\n{\"id\":\"d\",\"description\":\"x\",\"declared_value\":-3}\n",
        );
        let fields: Vec<(Option<&str>, Option<&str>, &str)> =
            rows.iter().map(|r| (err(r).field.as_deref(), err(r).id.as_deref(), err(r).message.as_str())).collect();
        assert_eq!(
            fields,
            vec![
                (Some("id"), None, "missing `id`"),
                (Some("description"), Some("a"), "missing `description`"),
                (Some("id"), None, "missing `id`"),
                (Some("quantity"), Some("b"), "not a plain decimal number: \"two\""),
                (Some("declared_value"), Some("c"), "expected a number, found a boolean"),
                (Some("id"), None, "expected a string or a number, found an array"),
                (Some("declared_value"), Some("d"), "negative number: -3"),
            ]
        );
    }

    #[test]
    fn aliases_and_column_map() {
        let rows = read(br#"{"item_id":"A","Title":"phone case","HS":"392690","Total_Price":"9.9","Qty":1,"Exporter":"S","curr":"usd"}"#);
        let it = ok(&rows[0]);
        assert_eq!(
            (it.id.as_str(), it.description.as_str(), it.hs_code.as_deref()),
            ("A", "phone case", Some("392690"))
        );
        assert_eq!(
            (it.declared_value, it.quantity, it.seller.as_deref(), it.currency.as_deref()),
            (Some(9.9), Some(1.0), Some("S"), Some("USD"))
        );
        // The field's own name beats an alias, whatever the order.
        let rows = read(br#"{"title":"alias","id":"B","description":"own"}"#);
        assert_eq!(ok(&rows[0]).description, "own");
        let mut map = ColumnMap::default();
        map.set("id", "waybill").unwrap();
        map.set("description", "商品名称").unwrap();
        let rows = read_with(
            r#"{"waybill":"W1","商品名称":"保温杯","id":"ignored","description":"ignored"}"#.as_bytes(),
            &map,
        );
        assert_eq!((ok(&rows[0]).id.as_str(), ok(&rows[0]).description.as_str()), ("W1", "保温杯"));
        let rows = read_with(br#"{"id":"X","description":"y"}"#, &map);
        assert_eq!(err(&rows[0]).message, "missing `waybill`");
    }

    #[test]
    fn escapes_and_bom() {
        let rows = read(b"\xEF\xBB\xBF{\"id\":\"a\",\"description\":\"\\u8010\\u514b \\\"Nike\\\"\"}\r\n");
        assert_eq!(ok(&rows[0]).description, "耐克 \"Nike\"");
    }

    #[test]
    fn overlong_line_is_skipped_and_reported() {
        let mut data = b"{\"id\":\"a\",\"description\":\"x\"}\n{\"id\":\"b\",\"description\":\"".to_vec();
        data.extend(std::iter::repeat_n(b'y', 5000));
        data.extend(b"\"}\n{\"id\":\"c\",\"description\":\"z\"}\n");
        let rows: Vec<_> = JsonlRecords::new(io::Cursor::new(data), "t.jsonl", &ColumnMap::default(), 1000).collect();
        assert_eq!(rows.len(), 3);
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.message.as_str()), (2, 2, "line longer than 1000 bytes; skipped"));
        assert_eq!((ok(&rows[2]).id.as_str(), rows.len()), ("c", 3));
    }

    /// Over-long lines and read errors: chunks give the rows of the iterator.
    #[test]
    fn chunks_match_records_on_long_lines_and_read_errors() {
        use crate::manifest::tests::{drain_chunks, garbage, FailsAtEnd as Failing, Small};
        use crate::manifest::ChunkReader;
        let mut seed = 0x243F6A8885A308D3u64;
        for round in 0..600 {
            // A third of the rounds with line ends only (`x\r\r\n\n` once made the chunk reader panic).
            let alphabet: &[u8] = if round % 3 == 2 { b"x\n\r\r\n " } else { b"{}\"id:description,1 yyyy\n\r\\[a" };
            let data = garbage(&mut seed, b"", alphabet, 300);
            let map = ColumnMap::default();
            for max in [0, 1, 5, 12, 40] {
                for n in [1, 3, 64, usize::MAX] {
                    let reader = || Small(io::Cursor::new(data.clone()), n);
                    let expected: Vec<_> = JsonlRecords::new(reader(), "t.jsonl", &map, max).collect();
                    let chunks = ChunkReader { inner: Box::new(JsonlChunks::new(reader(), "t.jsonl", &map, max)) };
                    assert_eq!(drain_chunks(chunks), expected, "max {max}, reads of {n}, {data:?}");
                }
                if round % 4 == 0 {
                    let reader = || io::BufReader::with_capacity(3, Failing(data.clone(), 0));
                    let expected: Vec<_> = JsonlRecords::new(reader(), "t.jsonl", &map, max).collect();
                    let chunks = ChunkReader { inner: Box::new(JsonlChunks::new(reader(), "t.jsonl", &map, max)) };
                    assert_eq!(drain_chunks(chunks), expected, "max {max}, failing, {data:?}");
                }
            }
        }
    }

    /// Whenever the fast reader takes a line, serde_json reads the same values.
    #[test]
    fn fast_rows_are_serde_rows() {
        let keys = KeyMatcher::new(&ColumnMap::default());
        let mut next = crate::test_rng(0x3C6EF372FE94F82B);
        let names =
            ["\"id\"", "\"description\"", "\"Title\"", "\"item id\"", "\"x\"", "\"\\u0069d\"", "\"\"", "\"desc\""];
        let values =
            ["\"a b\"", "null", "\"\"", "\"耐克\"", "1", "\"x\\ny\"", "[1]", "true", "{}", "\" \"", "nul", "\"\t\""];
        let spaces = ["", " ", "\t", "\r\n", "  "];
        let (mut fast, mut lines) = (0, 0);
        for _ in 0..30_000 {
            let mut line = String::from(spaces[next(5)]);
            line.push('{');
            for k in 0..next(5) {
                if k > 0 {
                    line.push(',');
                }
                line.push_str(spaces[next(5)]);
                line.push_str(names[next(names.len())]);
                line.push_str(spaces[next(5)]);
                line.push(':');
                line.push_str(spaces[next(5)]);
                line.push_str(values[next(values.len())]);
                line.push_str(spaces[next(5)]);
            }
            line.push('}');
            line.push_str(spaces[next(5)]);
            if next(5) == 0 {
                let at = next(line.len() + 1);
                if line.is_char_boundary(at) {
                    line.insert(at, ['{', '}', '"', ',', ':', 'x', '\\', ' '][next(8)]);
                }
            }
            lines += 1;
            let mut row = RawRow::default();
            if fast_row(&keys, &line, &mut row) {
                fast += 1;
                let serde = serde_row(&keys, &line).unwrap_or_else(|e| panic!("{line:?}: serde says {e}"));
                assert_eq!(format!("{row:?}"), format!("{serde:?}"), "{line:?}");
            }
        }
        assert!(fast > lines / 10, "{fast} of {lines}");
    }

    use crate::manifest::OneByte;

    #[test]
    fn one_byte_reads() {
        let data = "\u{feff}{\"id\":\"a\",\"description\":\"保温杯\"}\r\n\n{\"id\":\"b\",\"description\":\"\"}\n{\"id\":3,\"description\":\"수건\"}".as_bytes().to_vec();
        let fast = read(&data);
        let slow: Vec<_> =
            from_reader(OneByte(data, 0), "t.jsonl", InputFormat::Jsonl, &ColumnMap::default()).unwrap().collect();
        assert_eq!(fast, slow);
        assert_eq!(slow.len(), 3);
        assert_eq!(ok(&slow[0]).description, "保温杯");
        assert_eq!(err(&slow[1]).line, 3);
        assert_eq!(ok(&slow[2]).id, "3");
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x9E3779B97F4A7C15u64;
        for _ in 0..300 {
            let mut data = Vec::new();
            for _ in 0..(seed % 300) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let alphabet = b"{}[]\":,\n idescrptn1.-\\u\xFF\xE4";
                data.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = read(&data);
        }
    }

    #[test]
    fn fixture_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let summary = |path: &Path| -> Vec<String> {
            crate::manifest::open(path, None, &ColumnMap::default())
                .unwrap()
                .map(|r| match r {
                    Ok(it) => format!("ok {}", it.id),
                    Err(e) => format!("err {}:{} {}", e.line, e.row, e.field.as_deref().unwrap_or("-")),
                })
                .collect()
        };
        assert_eq!(
            summary(&dir.join("tests/data/manifests/bad_json.jsonl")),
            [
                "ok J-1",
                "err 2:2 -",
                "ok J-3",
                "err 5:4 -",
                "err 6:5 description",
                "err 7:6 id",
                "err 8:7 declared_value",
                "ok J-8"
            ]
        );
        let rows: Vec<_> =
            crate::manifest::open(&dir.join("examples/manifests/sample.jsonl"), None, &ColumnMap::default())
                .unwrap()
                .collect();
        assert!(rows.len() >= 12);
        assert!(rows.iter().all(|r| r.is_ok()), "{rows:?}");
    }
}
