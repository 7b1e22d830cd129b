//! CSV / TSV manifests: a header row, then one item per record.
//!
//! [`Cutter`] cuts records straight out of the input's buffer: a line
//! without a quote is split on its delimiters with one `memchr` scan and
//! copied whole; quoted fields go through a small state machine that parses
//! exactly as csv-core (the csv crate's parser, which this reader used
//! before) with this configuration. Column indices are resolved once from
//! the header, and a record is UTF-8-checked once, not field by field.
//! Records end at `\n` (a `\r` before it is dropped), so a record is
//! yielded as soon as its line is complete.
//!
//! For [`ChunkReader`](super::ChunkReader) the records are only cut here
//! (copied into the chunk); [`Layout::build`] turns them into items later,
//! on whichever thread parses the chunk.

use std::io::{self, BufRead};
use std::sync::Arc;

use super::{
    currency_code, parse_number, set_opt_text, set_text, trim, Chunk, Field, FillChunk, KeyMatcher, ManifestError,
    Parser, RawRow, RecordError, Records, CHUNK_BYTES, CHUNK_ROWS,
};
use crate::item::Item;

/// A record (or header) longer than this is reported instead of buffered:
/// it is almost always a quote that is never closed.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Where the parser is inside a record: csv-core's states for `"` quotes
/// (doubled inside quotes), no escape or comment byte and `\n` as the only
/// terminator (a `\r` is data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between records: a `\n` here is a blank line, skipped.
    StartRecord,
    /// At the start of a field: a `"` opens a quoted field.
    StartField,
    /// In an unquoted field (a `"` here is data).
    InField,
    /// In a quoted field (delimiters and newlines are data).
    InQuoted,
    /// Just after a `"` in a quoted field: `""` is a quote, anything else
    /// ends the quoting (the rest of the field is unquoted).
    QuoteInQuoted,
}

/// Cuts CSV records out of a `BufRead`, counting lines as the csv crate
/// does (one per `\n`, quoted ones included) and capping the bytes one
/// record may take.
struct Cutter<R> {
    inner: R,
    delimiter: u8,
    /// 1 + the `\n` bytes consumed so far.
    line: u64,
    /// Most bytes one record (with the blank lines before it) may take.
    cap: u64,
    /// Everything the input had buffered has been consumed: reading on may
    /// block.
    drained: bool,
    /// Nothing read yet: a UTF-8 BOM is dropped (as csv-core does, when the
    /// first buffer holds all of it).
    fresh: bool,
}

/// Why reading the next record failed.
enum ReadFailure {
    TooLong { after_line: u64 },
    Io { after_line: u64, error: io::Error },
}

impl<R: BufRead> Cutter<R> {
    fn new(inner: R, delimiter: u8, cap: u64) -> Self {
        debug_assert!(!matches!(delimiter, b'"' | b'\n'));
        Cutter { inner, delimiter, line: 1, cap, drained: false, fresh: true }
    }

    /// Append the next record that is not blank to `data` (its fields
    /// separated by one byte, the end of each pushed on `ends`) and return
    /// the line it starts on; `None` at the end of the input. A record of
    /// one field holding only ASCII whitespace (a blank line, a lone `\r`)
    /// is skipped. On failure `data` and `ends` are as they were.
    fn next(&mut self, data: &mut Vec<u8>, ends: &mut Vec<usize>) -> Result<Option<u64>, ReadFailure> {
        let (data0, ends0) = (data.len(), ends.len());
        loop {
            let after_line = self.line;
            let mut used = 0u64;
            let mut state = State::StartRecord;
            let mut start_line = self.line;
            loop {
                let buf = match self.inner.fill_buf() {
                    Ok(buf) => buf,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => {
                        data.truncate(data0);
                        ends.truncate(ends0);
                        return Err(ReadFailure::Io { after_line, error });
                    }
                };
                if std::mem::take(&mut self.fresh) && buf.starts_with(b"\xEF\xBB\xBF") {
                    self.drained = buf.len() == 3;
                    self.inner.consume(3);
                    continue;
                }
                if buf.is_empty() {
                    if state == State::StartRecord {
                        return Ok(None);
                    }
                    ends.push(data.len());
                    break;
                }
                if used >= self.cap {
                    data.truncate(data0);
                    ends.truncate(ends0);
                    return Err(ReadFailure::TooLong { after_line });
                }
                let room = usize::try_from(self.cap - used).unwrap_or(usize::MAX);
                let input = &buf[..buf.len().min(room)];
                let (n, done) = parse(self.delimiter, &mut self.line, &mut state, input, data, ends, &mut start_line);
                self.drained = n == buf.len();
                self.inner.consume(n);
                used += n as u64;
                if done {
                    break;
                }
            }
            if ends.len() - ends0 == 1 && data[data0..].iter().all(u8::is_ascii_whitespace) {
                data.truncate(data0);
                ends.truncate(ends0);
                continue;
            }
            return Ok(Some(start_line));
        }
    }
}

/// Parse `input` on from `state`, appending to `data` / `ends`; returns
/// the bytes used and whether the record ended (its `\n` used too).
fn parse(
    d: u8,
    line: &mut u64,
    state: &mut State,
    input: &[u8],
    data: &mut Vec<u8>,
    ends: &mut Vec<usize>,
    start_line: &mut u64,
) -> (usize, bool) {
    let mut i = 0;
    while i < input.len() {
        match *state {
            State::StartRecord => {
                if input[i] == b'\n' {
                    i += 1;
                    *line += 1;
                    continue;
                }
                *start_line = *line;
                if let Some(n) = plain_line(d, line, &input[i..], data, ends) {
                    return (i + n, true);
                }
                *state = State::StartField;
            }
            State::StartField => {
                if input[i] == b'"' {
                    i += 1;
                    *state = State::InQuoted;
                } else {
                    *state = State::InField;
                }
            }
            State::InField => match memchr::memchr2(d, b'\n', &input[i..]) {
                Some(k) => {
                    data.extend_from_slice(&input[i..i + k]);
                    ends.push(data.len());
                    i += k + 1;
                    if input[i - 1] == b'\n' {
                        *line += 1;
                        *state = State::StartRecord;
                        return (i, true);
                    }
                    data.push(d);
                    *state = State::StartField;
                }
                None => {
                    data.extend_from_slice(&input[i..]);
                    i = input.len();
                }
            },
            State::InQuoted => {
                let k = memchr::memchr(b'"', &input[i..]).unwrap_or(input.len() - i);
                let s = &input[i..i + k];
                *line += s.iter().filter(|&&b| b == b'\n').count() as u64;
                data.extend_from_slice(s);
                i += k;
                if i < input.len() {
                    i += 1;
                    *state = State::QuoteInQuoted;
                }
            }
            State::QuoteInQuoted => {
                if input[i] == b'"' {
                    data.push(b'"');
                    i += 1;
                    *state = State::InQuoted;
                } else {
                    *state = State::InField;
                }
            }
        }
    }
    (i, false)
}

/// The common case: `input` starts with a whole line without quotes.
/// Copies it (its delimiters separate the fields) and returns its
/// length with the `\n`; `None`, with nothing appended, otherwise.
///
/// The line end and quotes are found with `memchr`; the delimiters eight
/// bytes at a time (a field is shorter than a `memchr` call pays off).
#[inline]
fn plain_line(d: u8, line: &mut u64, input: &[u8], data: &mut Vec<u8>, ends: &mut Vec<usize>) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let len = memchr::memchr(b'\n', input)?;
    let text = &input[..len];
    if memchr::memchr(b'"', text).is_some() {
        return None;
    }
    let base = data.len();
    let vd = LO * u64::from(d);
    let mut words = text.chunks_exact(8);
    let mut at = base;
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ vd;
        // The high bit of each zero byte of `x`, exactly (no carries).
        let mut hits = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while hits != 0 {
            ends.push(at + (hits.trailing_zeros() / 8) as usize);
            hits &= hits - 1;
        }
        at += 8;
    }
    for (k, &c) in words.remainder().iter().enumerate() {
        if c == d {
            ends.push(at + k);
        }
    }
    ends.push(base + len);
    data.extend_from_slice(text);
    *line += 1;
    Some(len + 1)
}

struct CsvRecords<R> {
    cut: Cutter<R>,
    /// The current record (iterator only).
    data: Vec<u8>,
    ends: Vec<usize>,
    /// How records become items (shared with the chunks).
    layout: Arc<Parser>,
    /// Data rows read so far.
    row: u64,
    done: bool,
}

/// What turns a record into an item: the header's columns.
#[derive(Debug)]
pub(crate) struct Layout {
    file: String,
    /// Header column index per item field.
    cols: Columns,
    /// Header column names, for messages.
    header: Vec<String>,
    /// Number of fields in the header.
    width: usize,
}

/// Column index per item field.
type Columns = [Option<usize>; Field::COUNT];

/// A record cut by [`Cutter`]: fields from `data[start..]`, separated by
/// one byte, field `i` ending at `ends[i]`.
pub(crate) struct Packed<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) start: usize,
    pub(crate) ends: &'a [usize],
}

impl<'a> Packed<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where field `i` is in `data`, without the `\r` of a CRLF line end.
    #[inline]
    fn range(&self, i: usize) -> (usize, usize) {
        let from = if i == 0 { self.start } else { self.ends[i - 1] + 1 };
        let to = self.ends[i];
        if i + 1 == self.ends.len() && to > from && self.data[to - 1] == b'\r' {
            (from, to - 1)
        } else {
            (from, to)
        }
    }

    /// Field `i`, without the `\r` of a CRLF line end.
    fn field(&self, i: usize) -> &'a [u8] {
        let (from, to) = self.range(i);
        &self.data[from..to]
    }

    /// The end of the record in `data`.
    pub(crate) fn end(&self) -> usize {
        self.ends.last().copied().unwrap_or(self.start)
    }

    /// The whole record: its fields and the bytes between them.
    fn bytes(&self) -> &'a [u8] {
        &self.data[self.start..self.end()]
    }
}

/// A record with its text, when all of it is UTF-8.
struct Record<'a> {
    packed: Packed<'a>,
    text: Option<&'a str>,
}

pub(super) fn records<R: BufRead + Send + 'static>(
    reader: R,
    name: &str,
    delimiter: u8,
    map: &super::ColumnMap,
) -> Result<Records, ManifestError> {
    Ok(Box::new(CsvRecords::new(reader, name, delimiter, map, MAX_RECORD_BYTES)?))
}

pub(super) fn chunks<R: BufRead + Send + 'static>(
    reader: R,
    name: &str,
    delimiter: u8,
    map: &super::ColumnMap,
) -> Result<Box<dyn FillChunk + Send>, ManifestError> {
    Ok(Box::new(CsvRecords::new(reader, name, delimiter, map, MAX_RECORD_BYTES)?))
}

impl<R: BufRead> CsvRecords<R> {
    fn new(reader: R, name: &str, delimiter: u8, map: &super::ColumnMap, cap: u64) -> Result<Self, ManifestError> {
        let mut cut = Cutter::new(reader, delimiter, cap);
        let (mut data, mut ends) = (Vec::new(), Vec::new());
        let file = name.to_string();
        let header_line = match cut.next(&mut data, &mut ends) {
            Ok(Some(line)) => line,
            Ok(None) => {
                return Err(ManifestError::Invalid { file, message: "empty input: expected a header row".to_string() })
            }
            Err(ReadFailure::TooLong { .. }) => {
                return Err(ManifestError::Invalid {
                    file,
                    message: format!("header row longer than {} bytes; is a quote never closed?", cap),
                })
            }
            Err(ReadFailure::Io { error, .. }) => return Err(ManifestError::Io { file, source: error }),
        };
        let rec = Packed { data: &data, start: 0, ends: &ends };
        let header: Vec<String> = (0..rec.len())
            .map(|i| {
                let f = rec.field(i);
                let f = if i == 0 { f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f) } else { f };
                String::from_utf8_lossy(f).trim().to_string()
            })
            .collect();

        let matcher = KeyMatcher::new(map);
        let mut cols: Columns = [None; Field::COUNT];
        let mut prio = [u8::MAX; Field::COUNT];
        for (i, h) in header.iter().enumerate() {
            if let Some((f, p)) = matcher.lookup(h) {
                if p < prio[f as usize] {
                    prio[f as usize] = p;
                    cols[f as usize] = Some(i);
                }
            }
        }
        for f in Field::ALL {
            let required = matches!(f, Field::Id | Field::Description) || matcher.explicit(f).is_some();
            if required && cols[f as usize].is_none() {
                return Err(ManifestError::MissingColumn {
                    file,
                    line: header_line,
                    column: matcher.wanted(f).to_string(),
                    found: describe_header(&header, delimiter),
                });
            }
        }
        let width = header.len();
        let layout = Arc::new(Parser::Csv(Layout { file, cols, header, width }));
        data.clear();
        ends.clear();
        Ok(CsvRecords { cut, data, ends, layout, row: 0, done: false })
    }

    fn layout(&self) -> &Layout {
        match &*self.layout {
            Parser::Csv(l) => l,
            _ => unreachable!("a CSV reader has a CSV layout"),
        }
    }

    /// The error record for a failed read (the input ends there).
    fn failure(&mut self, failure: ReadFailure) -> RecordError {
        self.done = true;
        self.row += 1;
        let (line, message) = match failure {
            ReadFailure::TooLong { after_line } => (
                after_line,
                format!(
                    "record longer than {} bytes, probably a quote that is never closed; the rest of the input is not read",
                    self.cut.cap
                ),
            ),
            ReadFailure::Io { after_line, error } => {
                (after_line, format!("read error: {error}; the rest of the input is not read"))
            }
        };
        self.layout().error(line, self.row, None, None, message)
    }
}

impl<R: BufRead> FillChunk for CsvRecords<R> {
    fn fill(&mut self, chunk: &mut Chunk) -> bool {
        chunk.set_parser(&self.layout);
        while !self.done {
            if !chunk.rows.is_empty()
                && (chunk.rows.len() >= CHUNK_ROWS || chunk.data.len() >= CHUNK_BYTES || self.cut.drained)
            {
                return true;
            }
            let (start, first) = (chunk.data.len(), chunk.ends.len());
            match self.cut.next(&mut chunk.data, &mut chunk.ends) {
                Ok(Some(line)) => {
                    self.row += 1;
                    let len = chunk.ends.len() - first;
                    chunk.rows.push(RawRow::Record { line, row: self.row, start, first, len });
                }
                Ok(None) => self.done = true,
                Err(failure) => {
                    let e = self.failure(failure);
                    chunk.push_done(Err(e));
                }
            }
        }
        !chunk.rows.is_empty()
    }
}

impl Layout {
    /// (Cold and out of line, so that the `map_err` calls around the fields
    /// of [`Layout::build`] are inlined.)
    #[cold]
    #[inline(never)]
    fn error(&self, line: u64, row: u64, field: Option<Field>, id: Option<&str>, message: String) -> RecordError {
        RecordError::new(&self.file, line, row, field.map(Field::name), id, message)
    }

    /// ` (column `title`)` when the column feeding `f` is not named like it.
    fn column_note(&self, f: Field) -> String {
        match self.cols[f as usize] {
            Some(i) if !self.header[i].eq_ignore_ascii_case(f.name()) => format!(" (column `{}`)", self.header[i]),
            _ => String::new(),
        }
    }

    /// The text of field `f`, trimmed; `Ok(None)` when the header has no such column.
    /// (Also `Ok(None)` when a short record lacks the column.)
    ///
    /// Inlined (seven calls a record): the `Result` then lives in registers.
    #[inline(always)]
    fn text<'r>(&self, rec: &Record<'r>, f: Field) -> Result<Option<&'r str>, String> {
        let Some(i) = self.cols[f as usize].filter(|&i| i < rec.packed.len()) else { return Ok(None) };
        let (from, to) = rec.packed.range(i);
        let start = rec.packed.start;
        // A UTF-8 record is UTF-8 between its (ASCII) separators.
        if let Some(s) = rec.text.and_then(|t| t.get(from - start..to - start)) {
            return Ok(Some(trim(s)));
        }
        self.text_checked(rec, f, from, to)
    }

    /// [`Layout::text`] of a record that is not all UTF-8: the field is checked on its own.
    #[cold]
    #[inline(never)]
    fn text_checked<'r>(&self, rec: &Record<'r>, f: Field, from: usize, to: usize) -> Result<Option<&'r str>, String> {
        match std::str::from_utf8(&rec.packed.data[from..to]) {
            Ok(s) => Ok(Some(trim(s))),
            Err(e) => Err(format!(
                "invalid UTF-8 at byte {} of the field{}; is the file in another encoding (GBK, EUC-KR)? convert it to UTF-8",
                e.valid_up_to(),
                self.column_note(f)
            )),
        }
    }

    fn optional_text<'r>(&self, rec: &Record<'r>, f: Field) -> Result<Option<&'r str>, String> {
        Ok(self.text(rec, f)?.filter(|s| !s.is_empty()))
    }

    fn number(&self, rec: &Record<'_>, f: Field) -> Result<Option<f64>, String> {
        match self.text(rec, f)? {
            Some(s) => parse_number(s).map_err(|m| format!("{m}{}", self.column_note(f))),
            None => Ok(None),
        }
    }

    /// Build the item of record `rec` (data row `row`, starting on `line`)
    /// into `item`, reusing its buffers; on error `item` is left unspecified.
    ///
    /// `text` is the record as text, when the caller has validated it.
    pub(crate) fn build(
        &self,
        packed: Packed<'_>,
        text: Option<&str>,
        line: u64,
        row: u64,
        item: &mut Item,
    ) -> Result<(), RecordError> {
        let rec = &Record { text: text.or_else(|| super::utf8(packed.bytes())), packed };
        // The id first, so that later errors can name it.
        let id = self.text(rec, Field::Id);
        let readable_id = id.as_ref().ok().copied().flatten().filter(|s| !s.is_empty());
        if rec.packed.len() != self.width {
            let end_line = line + memchr::memchr_iter(b'\n', rec.packed.bytes()).count() as u64;
            let hint = if end_line > line {
                format!(
                    "; the record runs from line {line} to line {end_line}: a quoted field may lack its closing quote"
                )
            } else {
                String::new()
            };
            return Err(self.error(
                line,
                row,
                None,
                readable_id,
                format!("expected {} fields (as in the header), found {}{hint}", self.width, rec.packed.len()),
            ));
        }
        let id = match id {
            Err(m) => return Err(self.error(line, row, Some(Field::Id), None, m)),
            Ok(Some(s)) if !s.is_empty() => s,
            Ok(_) => {
                return Err(self.error(
                    line,
                    row,
                    Some(Field::Id),
                    None,
                    format!("empty id{}", self.column_note(Field::Id)),
                ))
            }
        };
        let err = |f: Field, m: String| self.error(line, row, Some(f), Some(id), m);
        let description = match self.text(rec, Field::Description) {
            Err(m) => return Err(err(Field::Description, m)),
            Ok(Some(s)) if !s.is_empty() => s,
            Ok(_) => {
                return Err(err(
                    Field::Description,
                    format!("empty description{}", self.column_note(Field::Description)),
                ))
            }
        };
        let hs_code = self.optional_text(rec, Field::HsCode).map_err(|m| err(Field::HsCode, m))?;
        let declared_value = self.number(rec, Field::DeclaredValue).map_err(|m| err(Field::DeclaredValue, m))?;
        let currency = self.text(rec, Field::Currency).map_err(|m| err(Field::Currency, m))?.and_then(currency_code);
        let quantity = self.number(rec, Field::Quantity).map_err(|m| err(Field::Quantity, m))?;
        let seller = self.optional_text(rec, Field::Seller).map_err(|m| err(Field::Seller, m))?;
        let brand = self.optional_text(rec, Field::Brand).map_err(|m| err(Field::Brand, m))?;
        set_text(&mut item.id, id);
        set_text(&mut item.description, description);
        set_opt_text(&mut item.hs_code, hs_code);
        item.declared_value = declared_value;
        set_opt_text(&mut item.currency, currency.as_deref());
        item.quantity = quantity;
        set_opt_text(&mut item.seller, seller);
        set_opt_text(&mut item.brand, brand);
        Ok(())
    }
}

/// The header's columns for a `MissingColumn` error, with a hint when the
/// whole header landed in one column (wrong delimiter).
fn describe_header(header: &[String], delimiter: u8) -> String {
    let mut found =
        header.iter().map(|h| if h.is_empty() { "(blank)" } else { h.as_str() }).collect::<Vec<_>>().join(", ");
    if header.len() == 1 {
        let h = &header[0];
        if delimiter != b'\t' && h.contains('\t') {
            found.push_str(" — one column only: the file looks tab-separated, use --input-format tsv");
        } else if delimiter != b',' && h.contains(',') {
            found.push_str(" — one column only: the file looks comma-separated, use --input-format csv");
        } else if h.contains(';') {
            found.push_str(" — one column only: semicolon-separated files are not supported, use commas or tabs");
        }
    }
    found
}

impl<R: BufRead> Iterator for CsvRecords<R> {
    type Item = Result<Item, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.data.clear();
        self.ends.clear();
        match self.cut.next(&mut self.data, &mut self.ends) {
            Ok(Some(line)) => {
                self.row += 1;
                let mut item = Item::default();
                let rec = Packed { data: &self.data, start: 0, ends: &self.ends };
                Some(self.layout().build(rec, None, line, self.row, &mut item).map(|()| item))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(failure) => Some(Err(self.failure(failure))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{from_reader, ColumnMap, InputFormat};
    use std::io::Read;
    use std::path::Path;

    fn read(input: &[u8]) -> Vec<Result<Item, RecordError>> {
        read_with(input, &ColumnMap::default(), InputFormat::Csv)
    }

    fn read_with(input: &[u8], map: &ColumnMap, format: InputFormat) -> Vec<Result<Item, RecordError>> {
        from_reader(io::Cursor::new(input.to_vec()), "t.csv", format, map).expect("header ok").collect()
    }

    fn err(r: &Result<Item, RecordError>) -> &RecordError {
        r.as_ref().expect_err("expected an error")
    }

    fn ok(r: &Result<Item, RecordError>) -> &Item {
        r.as_ref().expect("expected an item")
    }

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/manifests").join(name)
    }

    fn example(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/manifests").join(name)
    }

    /// The cutter parses as the csv crate (csv-core) configured as this
    /// reader used it: the same fields, records starting on the same lines
    /// (after the blank lines csv-core skips), however the reads are cut.
    #[test]
    fn cutter_parses_as_the_csv_crate() {
        use crate::manifest::tests::{garbage, Small};
        let mut seed = 0x9E3779B97F4A7C15u64;
        for round in 0..3000 {
            let delimiter = if round % 5 == 4 { b'\t' } else { b',' };
            let head: &[u8] = if round % 3 == 0 { b"\xEF\xBB\xBF" } else { b"" };
            let data = garbage(&mut seed, head, b"a1,\"\"\n\r \t\xFF\xE4x", 150);
            let mut rdr = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_reader(&data[..]);
            let mut rec = csv::ByteRecord::new();
            let mut expected = Vec::new();
            loop {
                let before = rdr.position().byte() as usize;
                if !rdr.read_byte_record(&mut rec).unwrap() {
                    break;
                }
                if rec.len() == 1 && rec[0].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let before = if before == 0 && data.starts_with(b"\xEF\xBB\xBF") { 3 } else { before };
                let start = before + data[before..].iter().take_while(|&&b| b == b'\n').count();
                let line = 1 + data[..start].iter().filter(|&&b| b == b'\n').count() as u64;
                expected.push((line, rec.iter().map(<[u8]>::to_vec).collect::<Vec<_>>()));
            }
            for n in [1, 3, 7, 4096] {
                let mut cut = Cutter::new(Small(io::Cursor::new(data.clone()), n), delimiter, MAX_RECORD_BYTES);
                let mut got = Vec::new();
                let (mut bytes, mut ends) = (Vec::new(), Vec::new());
                while let Some(line) = cut.next(&mut bytes, &mut ends).ok().flatten() {
                    let fields = (0..ends.len())
                        .map(|i| bytes[if i == 0 { 0 } else { ends[i - 1] + 1 }..ends[i]].to_vec())
                        .collect::<Vec<_>>();
                    got.push((line, fields));
                    bytes.clear();
                    ends.clear();
                }
                // (csv-core keeps a BOM that arrives in pieces.)
                if n >= 3 || !data.starts_with(b"\xEF\xBB\xBF") {
                    assert_eq!(got, expected, "reads of {n}: {:?}", String::from_utf8_lossy(&data));
                }
            }
        }
    }

    #[test]
    fn full_row() {
        let rows = read(b"id,description,hs_code,declared_value,currency,quantity,seller,brand\nA1, Nike hoodie ,6110.20, 35.50 ,usd,2,Yiwu Co,Nike\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            ok(&rows[0]),
            &Item {
                id: "A1".into(),
                description: "Nike hoodie".into(),
                hs_code: Some("6110.20".into()),
                declared_value: Some(35.5),
                currency: Some("USD".into()),
                quantity: Some(2.0),
                seller: Some("Yiwu Co".into()),
                brand: Some("Nike".into()),
            }
        );
    }

    #[test]
    fn empty_optionals_are_none_and_currency_codes_map() {
        let rows =
            read(b"id,description,hs_code,declared_value,currency,quantity,seller\n1,socks,,,142,,\n2,cup, , ,  , ,\n");
        let a = ok(&rows[0]);
        assert_eq!((a.hs_code.clone(), a.declared_value, a.quantity, a.seller.clone()), (None, None, None, None));
        assert_eq!(a.currency.as_deref(), Some("CNY"));
        assert_eq!(ok(&rows[1]).currency, None);
    }

    #[test]
    fn bom_header_and_crlf() {
        let rows = read(b"\xEF\xBB\xBFid,description\r\n1,phone case\r\n2,socks\r\n");
        assert_eq!(ok(&rows[0]).id, "1");
        assert_eq!(ok(&rows[1]).description, "socks");
        let e = read(b"\xEF\xBB\xBFid,description\r\n1,\r\n");
        assert_eq!(err(&e[0]).line, 2);
        assert_eq!(err(&e[0]).field.as_deref(), Some("description"));
    }

    #[test]
    fn bom_split_across_reads() {
        // csv strips a BOM only when it arrives in one piece; we strip it too.
        let data = b"\xEF\xBB\xBFid,description\n1,x\n".to_vec();
        let rows: Vec<_> =
            from_reader(io::BufReader::new(OneByte(data, 0)), "t", InputFormat::Csv, &ColumnMap::default())
                .unwrap()
                .collect();
        assert_eq!(ok(&rows[0]).description, "x");
    }

    #[test]
    fn aliases_case_insensitive() {
        let rows = read(b"ItemNo,Goods_Name,HS,Total Price,Curr,QTY,Exporter\nX,cotton socks,6115,12.5,KRW,3,Shop\n");
        let it = ok(&rows[0]);
        assert_eq!(it.id, "X");
        assert_eq!(it.description, "cotton socks");
        assert_eq!(it.hs_code.as_deref(), Some("6115"));
        assert_eq!(it.declared_value, Some(12.5));
        assert_eq!(it.currency.as_deref(), Some("KRW"));
        assert_eq!(it.quantity, Some(3.0));
        assert_eq!(it.seller.as_deref(), Some("Shop"));
    }

    #[test]
    fn canonical_name_beats_alias_and_total_beats_price() {
        let rows = read(b"title,description,id,price,total_price\nT,D,1,2,6\n");
        let it = ok(&rows[0]);
        assert_eq!(it.description, "D");
        assert_eq!(it.declared_value, Some(6.0));
    }

    #[test]
    fn column_map_overrides() {
        let mut map = ColumnMap::default();
        map.set("id", "运单号").unwrap();
        map.set("description", "商品名称").unwrap();
        map.set("declared_value", "申报总价").unwrap();
        let rows = read_with(
            "运单号,商品名称,申报总价,description\nW1,保温杯,30,ignored\nW2, ,1,x\n".as_bytes(),
            &map,
            InputFormat::Csv,
        );
        let it = ok(&rows[0]);
        assert_eq!((it.id.as_str(), it.description.as_str(), it.declared_value), ("W1", "保温杯", Some(30.0)));
        let e = err(&rows[1]);
        assert_eq!(e.field.as_deref(), Some("description"));
        assert_eq!(e.message, "empty description (column `商品名称`)");
        assert!(map.set("colour", "x").is_err());
    }

    #[test]
    fn explicit_mapping_must_exist() {
        let mut map = ColumnMap::default();
        map.set("seller", "shop_name").unwrap();
        let e = CsvRecords::new(io::Cursor::new(b"id,description\n".to_vec()), "t.csv", b',', &map, MAX_RECORD_BYTES)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "t.csv:1: missing required column `shop_name` (header has: id, description)");
    }

    #[test]
    fn missing_column() {
        let e = CsvRecords::new(
            io::Cursor::new(b"\n\nid,name,price\n1,a,2\n".to_vec()),
            "m.csv",
            b',',
            &ColumnMap::default(),
            MAX_RECORD_BYTES,
        )
        .err()
        .unwrap();
        match &e {
            ManifestError::MissingColumn { file, line, column, found } => {
                assert_eq!(
                    (file.as_str(), *line, column.as_str(), found.as_str()),
                    ("m.csv", 3, "description", "id, name, price")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.to_string(), "m.csv:3: missing required column `description` (header has: id, name, price)");
        let e = CsvRecords::new(
            io::Cursor::new(b"id\tdescription\n".to_vec()),
            "m.csv",
            b',',
            &ColumnMap::default(),
            MAX_RECORD_BYTES,
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("use --input-format tsv"), "{e}");
    }

    #[test]
    fn empty_input() {
        let e =
            CsvRecords::new(io::Cursor::new(b"\n\n".to_vec()), "e.csv", b',', &ColumnMap::default(), MAX_RECORD_BYTES)
                .err()
                .unwrap();
        assert_eq!(e.to_string(), "e.csv: empty input: expected a header row");
    }

    #[test]
    fn wrong_field_count() {
        let rows = read(b"id,description,declared_value\n1,a,2\n2,b\n3,c,4,5\n4,d,6\n");
        assert_eq!(rows.len(), 4);
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.as_deref()), (3, 2, None, Some("2")));
        assert_eq!(e.to_string(), "t.csv:3: expected 3 fields (as in the header), found 2");
        assert_eq!(err(&rows[2]).line, 4);
        assert_eq!(ok(&rows[3]).id, "4");
    }

    #[test]
    fn short_record_without_the_id_column() {
        let rows = read(b"description,declared_value,id\nx\nsocks,1\ncup,2,C3\n");
        let got: Vec<(u64, Option<&str>)> = rows.iter().take(2).map(|r| (err(r).line, err(r).id.as_deref())).collect();
        assert_eq!(got, vec![(2, None), (3, None)]);
        assert_eq!(ok(&rows[2]).id, "C3");
    }

    #[test]
    fn empty_id_and_description() {
        let rows = read(b"id,description\n,a\n2,   \n3,\xE3\x80\x80\n4,ok\n");
        let e = err(&rows[0]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.clone()), (2, 1, Some("id"), None));
        assert_eq!(e.to_string(), "t.csv:2: field `id`: empty id");
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.as_deref()), (3, 2, Some("description"), Some("2")));
        assert_eq!(e.message, "empty description");
        // U+3000 ideographic space only.
        assert_eq!(err(&rows[2]).field.as_deref(), Some("description"));
        assert_eq!(ok(&rows[3]).id, "4");
    }

    #[test]
    fn invalid_utf8() {
        let rows = read(b"id,description,seller\n1,ab\xFFcd,s\n2,ok,\xC0\n3,fine,x\n");
        let e = err(&rows[0]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.as_deref()), (2, 1, Some("description"), Some("1")));
        assert!(e.message.starts_with("invalid UTF-8 at byte 2 of the field"), "{}", e.message);
        let e = err(&rows[1]);
        assert_eq!((e.line, e.field.as_deref()), (3, Some("seller")));
        assert!(e.message.starts_with("invalid UTF-8 at byte 0 of the field"), "{}", e.message);
        assert_eq!(ok(&rows[2]).id, "3");
        // An unused column may hold anything.
        let rows = read(b"id,description,note\n1,a,\xFF\n");
        assert!(rows[0].is_ok());
    }

    #[test]
    fn non_numeric_values() {
        let rows = read(b"id,description,declared_value,quantity\n1,a,\"1,234.50\",1\n2,b,12 USD,1\n3,c,5,two\n4,d,-5,1\n5,e,1e3,1\n6,f,NaN,1\n7,g, 7.25 ,.5\n");
        let e = err(&rows[0]);
        assert_eq!((e.line, e.row, e.field.as_deref(), e.id.as_deref()), (2, 1, Some("declared_value"), Some("1")));
        assert_eq!(e.to_string(), "t.csv:2: field `declared_value`: not a plain decimal number: \"1,234.50\"");
        assert_eq!(err(&rows[1]).message, "not a plain decimal number: \"12 USD\"");
        let e = err(&rows[2]);
        assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("quantity"), "not a plain decimal number: \"two\""));
        assert_eq!(err(&rows[3]).message, "negative number: \"-5\"");
        assert!(rows[4].is_err() && rows[5].is_err());
        assert_eq!((ok(&rows[6]).declared_value, ok(&rows[6]).quantity), (Some(7.25), Some(0.5)));
    }

    #[test]
    fn multi_line_quoted_field_line_numbers() {
        let rows = read(b"id,description\n1,\"line one\nline two\"\n2,next\n\n\n3,\"a\n\nb\"\n4,last");
        assert_eq!(rows.len(), 4);
        assert_eq!(ok(&rows[0]).description, "line one\nline two");
        assert_eq!(ok(&rows[2]).description, "a\n\nb");
        // Lines are visible through errors: make every row fail.
        let rows = read(b"id,description,quantity\n1,\"line one\nline two\",x\n2,next,x\n\n\n3,\"a\n\nb\",x\n4,last,x");
        let got: Vec<(u64, u64)> = rows.iter().map(|r| (err(r).line, err(r).row)).collect();
        assert_eq!(got, vec![(2, 1), (4, 2), (7, 3), (10, 4)]);
        // Same with CRLF line endings and a trailing newline.
        let rows = read(b"id,description,quantity\r\n1,\"line one\r\nline two\",x\r\n2,next,x\r\n\r\n\r\n3,\"a\r\n\r\nb\",x\r\n4,last,x\r\n");
        let got: Vec<(u64, u64)> = rows.iter().map(|r| (err(r).line, err(r).row)).collect();
        assert_eq!(got, vec![(2, 1), (4, 2), (7, 3), (10, 4)]);
    }

    #[test]
    fn unclosed_quote_is_one_error_with_a_hint() {
        let rows = read(b"id,description,quantity\n1,\"Nike,2\n2,socks,1\n3,cup,1\n");
        assert_eq!(rows.len(), 1);
        let e = err(&rows[0]);
        assert_eq!(e.line, 2);
        assert_eq!(
            e.message,
            "expected 3 fields (as in the header), found 2; the record runs from line 2 to line 5: \
             a quoted field may lack its closing quote"
        );
    }

    #[test]
    fn overlong_record_is_reported_not_buffered() {
        let mut data = b"id,description\n1,ok\n2,\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 100_000));
        let it = CsvRecords::new(io::Cursor::new(data), "big.csv", b',', &ColumnMap::default(), 20_000).unwrap();
        let rows: Vec<_> = it.collect();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_ok());
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row), (3, 2));
        assert!(e.message.starts_with("record longer than 20000 bytes"), "{}", e.message);
    }

    /// Over-long records and read errors: chunks give the rows of the iterator.
    #[test]
    fn chunks_match_records_on_long_records_and_read_errors() {
        use crate::manifest::tests::{drain_chunks, garbage, FailsAtEnd as Failing, Small};
        use crate::manifest::ChunkReader;
        let mut seed = 0x13198A2E03707344u64;
        let map = ColumnMap::default();
        for round in 0..300 {
            let data = garbage(&mut seed, b"id,description,quantity\n", b"a1,\"\n\r xxxx", 300);
            for cap in [30, 100, 1000] {
                for n in [2, 64, usize::MAX] {
                    let reader = || Small(io::Cursor::new(data.clone()), n);
                    let expected: Vec<_> = CsvRecords::new(reader(), "t.csv", b',', &map, cap).unwrap().collect();
                    let it = CsvRecords::new(reader(), "t.csv", b',', &map, cap).unwrap();
                    let chunks = ChunkReader { inner: Box::new(it) };
                    assert_eq!(drain_chunks(chunks), expected, "cap {cap}, reads of {n}, {data:?}");
                }
                if round % 4 == 0 {
                    let reader = || io::BufReader::with_capacity(3, Failing(data.clone(), 0));
                    let expected: Vec<_> = CsvRecords::new(reader(), "t.csv", b',', &map, cap).unwrap().collect();
                    let chunks =
                        ChunkReader { inner: Box::new(CsvRecords::new(reader(), "t.csv", b',', &map, cap).unwrap()) };
                    assert_eq!(drain_chunks(chunks), expected, "cap {cap}, failing, {data:?}");
                }
            }
        }
    }

    #[test]
    fn tsv() {
        let rows =
            read_with(b"id\tdescription\tqty\n1\tphone case, black\t2\n", &ColumnMap::default(), InputFormat::Tsv);
        assert_eq!(ok(&rows[0]).description, "phone case, black");
        assert_eq!(ok(&rows[0]).quantity, Some(2.0));
    }

    /// Returns one byte per `read` call, like a slow pipe.
    use crate::manifest::OneByte;

    #[test]
    fn one_byte_reads() {
        let data = b"\xEF\xBB\xBFid,description,quantity\r\n1,\"multi\nline\",2\r\n\r\n2,b,x\n3,c,4".to_vec();
        let fast = read(&data);
        let slow: Vec<_> =
            from_reader(OneByte(data, 0), "t.csv", InputFormat::Csv, &ColumnMap::default()).unwrap().collect();
        assert_eq!(fast, slow);
        assert_eq!(slow.len(), 3);
        assert_eq!(ok(&slow[0]).description, "multi\nline");
        assert_eq!(err(&slow[1]).line, 5);
        assert_eq!(ok(&slow[2]).quantity, Some(4.0));
    }

    /// Hands out pre-cut chunks and counts how many were requested, to check
    /// that a record is yielded without waiting for the next line.
    struct Chunks(std::sync::Arc<std::sync::atomic::AtomicUsize>, Vec<Vec<u8>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
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

    #[test]
    fn no_read_ahead_past_the_line() {
        use std::sync::atomic::Ordering::SeqCst;
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let chunks = vec![b"id,description\n".to_vec(), b"1,a\n".to_vec(), b"2,b\n".to_vec()];
        let reader = io::BufReader::new(Chunks(served.clone(), chunks));
        let mut it = from_reader(reader, "<stdin>", InputFormat::Csv, &ColumnMap::default()).unwrap();
        assert_eq!(served.load(SeqCst), 1);
        assert_eq!(ok(&it.next().unwrap()).id, "1");
        assert_eq!(served.load(SeqCst), 2);
        assert_eq!(ok(&it.next().unwrap()).id, "2");
        assert_eq!(served.load(SeqCst), 3);
        assert!(it.next().is_none());
    }

    #[test]
    fn read_error_mid_stream() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.0 += 1;
                match self.0 {
                    1 => {
                        let d = b"id,description\n1,a\n";
                        buf[..d.len()].copy_from_slice(d);
                        Ok(d.len())
                    }
                    _ => Err(io::Error::other("disk on fire")),
                }
            }
        }
        let rows: Vec<_> =
            from_reader(io::BufReader::new(Failing(0)), "f.csv", InputFormat::Csv, &ColumnMap::default())
                .unwrap()
                .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_ok());
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row), (3, 2));
        assert_eq!(e.message, "read error: disk on fire; the rest of the input is not read");
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        let headers: [&[u8]; 3] = [
            b"id,description,declared_value,quantity\n",
            b"quantity,description,seller,id\n",
            b"\xEF\xBB\xBFdesc,id\r\n",
        ];
        for round in 0..600 {
            let mut data = headers[round % headers.len()].to_vec();
            for _ in 0..(seed % 200) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let alphabet = b"a1,\"\n\r \xFF\xE4.-";
                data.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = read(&data);
        }
    }

    #[test]
    fn fixture_files() {
        let map = ColumnMap::default();
        let collect = |name: &str| -> Vec<Result<Item, RecordError>> {
            crate::manifest::open(&fixture(name), None, &map).unwrap().collect()
        };
        let summary = |rows: &[Result<Item, RecordError>]| -> Vec<String> {
            rows.iter()
                .map(|r| match r {
                    Ok(it) => format!("ok {}", it.id),
                    Err(e) => format!("err {}:{} {}", e.line, e.row, e.field.as_deref().unwrap_or("-")),
                })
                .collect()
        };

        let rows = collect("bad_utf8.csv");
        assert_eq!(summary(&rows), ["ok CN-001", "err 3:2 description", "ok CN-003", "err 5:4 seller", "ok CN-005"]);

        let e = crate::manifest::open(&fixture("bad_missing_column.csv"), None, &map).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "{}:1: missing required column `description` (header has: id, product, hs_code, declared_value, currency, quantity)",
                fixture("bad_missing_column.csv").display()
            )
        );

        let rows = collect("bad_field_count.csv");
        assert_eq!(summary(&rows), ["ok KR-001", "err 3:2 -", "ok KR-003", "err 5:4 -", "ok KR-005"]);
        assert_eq!(err(&rows[1]).id.as_deref(), Some("KR-002"));

        let rows = collect("bad_empty_description.csv");
        assert_eq!(
            summary(&rows),
            ["ok E-1", "err 3:2 description", "ok E-3", "err 5:4 description", "err 6:5 id", "ok E-6"]
        );

        let rows = collect("bad_value.csv");
        assert_eq!(
            summary(&rows),
            ["ok V-1", "err 3:2 declared_value", "ok V-3", "err 5:4 quantity", "err 6:5 declared_value", "ok V-6"]
        );
        assert_eq!(err(&rows[1]).message, "not a plain decimal number: \"1,234.50\"");

        let rows = collect("bad_multiline.csv");
        assert_eq!(summary(&rows), ["ok M-1", "ok M-2", "err 6:3 declared_value", "ok M-4"]);
    }

    #[test]
    fn example_manifest_reads_cleanly() {
        let rows: Vec<_> =
            crate::manifest::open(&example("sample.csv"), None, &ColumnMap::default()).unwrap().collect();
        assert!(rows.len() >= 35, "{}", rows.len());
        for r in &rows {
            let it = ok(r);
            assert!(it.declared_value.is_some() && it.currency.is_some() && it.quantity.is_some(), "{it:?}");
        }
        let ids: std::collections::HashSet<_> = rows.iter().map(|r| ok(r).id.clone()).collect();
        assert_eq!(ids.len(), rows.len(), "ids are unique");
    }
}
