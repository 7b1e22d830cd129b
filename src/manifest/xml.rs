//! China customs cross-border e-commerce inventory messages: CEB603 (export
//! inventory, `<ceb:CEB603Message>`) and CEB621 (import inventory,
//! `<ceb:CEB621Message>`), namespace `http://www.chinaport.gov.cn/ceb`.
//!
//! ```text
//! <ceb:CEB603Message>
//!   <ceb:Inventory>
//!     <ceb:InventoryHead> copNo, orderNo, invtNo, ebcName, currency … </ceb:InventoryHead>
//!     <ceb:InventoryList> gnum, itemName, gcode, gname, gmodel, qty, price, totalPrice … </ceb:InventoryList>
//!     <ceb:InventoryList> … </ceb:InventoryList>
//!   </ceb:Inventory>
//!   …
//! </ceb:CEB603Message>
//! ```
//!
//! Every `InventoryList` becomes one item. Elements are matched on their
//! local names, so any namespace prefix (or none) works. The input is read
//! event by event with one reused buffer; an item is yielded as soon as its
//! `</InventoryList>` has been read.

use std::io::{self, BufRead, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{normalize_currency, parse_number, ManifestError, RecordError, Records};
use crate::item::Item;

/// Root elements accepted.
const ROOTS: [&[u8]; 2] = [b"CEB603Message", b"CEB621Message"];

pub(super) fn records<R: BufRead + Send + 'static>(reader: R, name: &str) -> Result<Records, ManifestError> {
    Ok(Box::new(XmlRecords::new(reader, name)?))
}

/// Counts the newlines the XML parser consumes, so that the line of any
/// event is known without rescanning.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.inner.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0 {
            // `amt` bytes were just returned by `fill_buf`, so this returns
            // them again without reading.
            if let Ok(buf) = self.inner.fill_buf() {
                let n = amt.min(buf.len());
                self.newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            }
        }
        self.inner.consume(amt);
    }
}

/// `InventoryHead` children we use.
#[derive(Clone, Copy)]
enum HeadField {
    CopNo = 0,
    OrderNo,
    InvtNo,
    LogisticsNo,
    EbcName,
    EbpName,
    Currency,
}

const HEAD_FIELDS: usize = 7;

impl HeadField {
    fn from_name(name: &[u8]) -> Option<HeadField> {
        Some(match name {
            b"copNo" => HeadField::CopNo,
            b"orderNo" => HeadField::OrderNo,
            b"invtNo" => HeadField::InvtNo,
            b"logisticsNo" => HeadField::LogisticsNo,
            b"ebcName" => HeadField::EbcName,
            b"ebpName" => HeadField::EbpName,
            b"currency" => HeadField::Currency,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        ["copNo", "orderNo", "invtNo", "logisticsNo", "ebcName", "ebpName", "currency"][self as usize]
    }
}

/// `InventoryList` children we use.
#[derive(Clone, Copy)]
enum ListField {
    Gnum = 0,
    ItemName,
    Gcode,
    Gname,
    Gmodel,
    Currency,
    Qty,
    Price,
    TotalPrice,
}

const LIST_FIELDS: usize = 9;

impl ListField {
    fn from_name(name: &[u8]) -> Option<ListField> {
        Some(match name {
            b"gnum" => ListField::Gnum,
            b"itemName" => ListField::ItemName,
            b"gcode" => ListField::Gcode,
            b"gname" => ListField::Gname,
            b"gmodel" => ListField::Gmodel,
            b"currency" => ListField::Currency,
            b"qty" => ListField::Qty,
            b"price" => ListField::Price,
            b"totalPrice" => ListField::TotalPrice,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        ["gnum", "itemName", "gcode", "gname", "gmodel", "currency", "qty", "price", "totalPrice"][self as usize]
    }
}

/// Where the reader is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Outside,
    /// Inside `InventoryHead` (opened at the given depth).
    Head(usize),
    /// Inside `InventoryList` (opened at the given depth).
    List(usize),
}

/// Which collected value the current text belongs to.
#[derive(Clone, Copy)]
enum Slot {
    Head(HeadField),
    List(ListField),
}

/// The first problem with a value: (field, message).
type Problem = Option<(&'static str, String)>;

struct XmlRecords<R> {
    reader: Reader<LineCounter<R>>,
    buf: Vec<u8>,
    file: String,
    /// Open elements (the root counts).
    depth: usize,
    context: Context,
    /// The value being collected and the depth of its element.
    slot: Option<(Slot, usize)>,
    head: [String; HEAD_FIELDS],
    head_problem: Problem,
    list: [String; LIST_FIELDS],
    list_problem: Problem,
    /// Line of the current `InventoryList` start tag.
    list_line: u64,
    /// `Inventory` elements seen, for ids when the head has no number.
    inventories: u64,
    /// Items (and errors) yielded so far.
    row: u64,
    done: bool,
}

impl<R: BufRead> XmlRecords<R> {
    /// Opens the reader and checks the prolog and root element.
    fn new(reader: R, name: &str) -> Result<Self, ManifestError> {
        let mut reader = Reader::from_reader(LineCounter { inner: reader, newlines: 0 });
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        let file = name.to_string();
        let invalid = |message: String| ManifestError::Invalid { file: file.clone(), message };
        let mut buf = Vec::with_capacity(4096);
        let depth = loop {
            buf.clear();
            let event = reader.read_event_into(&mut buf);
            let line = 1 + reader.get_ref().newlines;
            match event {
                Err(quick_xml::Error::Io(e)) => {
                    return Err(ManifestError::Io { file, source: io::Error::new(e.kind(), e.to_string()) })
                }
                Err(e) => return Err(invalid(format!("line {line}: malformed XML: {e}"))),
                Ok(Event::Decl(decl)) => {
                    if let Some(Ok(enc)) = decl.encoding() {
                        let enc = String::from_utf8_lossy(&enc).into_owned();
                        if !enc.eq_ignore_ascii_case("utf-8") && !enc.eq_ignore_ascii_case("utf8") {
                            return Err(invalid(format!(
                                "line {line}: encoding {enc} is not supported; convert the file to UTF-8 (e.g. iconv -f {enc} -t UTF-8)"
                            )));
                        }
                    }
                }
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) if !ROOTS.contains(&e.local_name().as_ref()) => {
                    return Err(invalid(format!(
                        "line {line}: root element is <{}>, expected a customs inventory message (CEB603Message or CEB621Message)",
                        String::from_utf8_lossy(e.name().as_ref())
                    )));
                }
                Ok(Event::Start(_)) => break 1,
                Ok(Event::Empty(_)) => break 0,
                Ok(Event::Eof) => return Err(invalid("no root element (empty input?)".to_string())),
                Ok(Event::Text(t)) if !t.iter().all(u8::is_ascii_whitespace) => {
                    return Err(invalid(format!("line {line}: text before the root element; is this an XML file?")));
                }
                Ok(_) => {}
            }
        };
        Ok(XmlRecords {
            reader,
            buf,
            file,
            depth,
            context: Context::Outside,
            slot: None,
            head: Default::default(),
            head_problem: None,
            list: Default::default(),
            list_problem: None,
            list_line: 0,
            inventories: 0,
            row: 0,
            done: depth == 0,
        })
    }

    fn line(&self) -> u64 {
        1 + self.reader.get_ref().newlines
    }

    /// An element opened at `self.depth`.
    fn open(&mut self, local: &[u8], line: u64) {
        match self.context {
            Context::Outside => match local {
                b"Inventory" => {
                    self.inventories += 1;
                    self.head.iter_mut().for_each(String::clear);
                    self.head_problem = None;
                }
                b"InventoryHead" => {
                    self.context = Context::Head(self.depth);
                    self.head.iter_mut().for_each(String::clear);
                    self.head_problem = None;
                }
                b"InventoryList" => {
                    self.context = Context::List(self.depth);
                    self.list.iter_mut().for_each(String::clear);
                    self.list_problem = None;
                    self.list_line = line;
                }
                _ => {}
            },
            Context::Head(d) if self.depth == d + 1 => {
                self.slot = HeadField::from_name(local).map(|f| (Slot::Head(f), self.depth));
            }
            Context::List(d) if self.depth == d + 1 => {
                self.slot = ListField::from_name(local).map(|f| (Slot::List(f), self.depth));
            }
            _ => {}
        }
    }

    /// The element at `self.depth` closed; returns the item it completed.
    fn close(&mut self) -> Option<Result<Item, RecordError>> {
        if self.slot.is_some_and(|(_, d)| d == self.depth) {
            self.slot = None;
        }
        match self.context {
            Context::Head(d) if d == self.depth => self.context = Context::Outside,
            Context::List(d) if d == self.depth => {
                self.context = Context::Outside;
                self.row += 1;
                return Some(self.build());
            }
            _ => {}
        }
        None
    }

    /// Text (already unescaped) for the current element.
    fn text(&mut self, text: Result<std::borrow::Cow<'_, str>, String>) {
        let Some((slot, d)) = self.slot else { return };
        if d != self.depth {
            return;
        }
        let (value, problem) = match slot {
            Slot::Head(f) => (&mut self.head[f as usize], (&mut self.head_problem, f.name())),
            Slot::List(f) => (&mut self.list[f as usize], (&mut self.list_problem, f.name())),
        };
        match text {
            Ok(t) => value.push_str(&t),
            Err(message) => {
                if problem.0.is_none() {
                    *problem.0 = Some((problem.1, message));
                }
            }
        }
    }

    fn head(&self, f: HeadField) -> &str {
        self.head[f as usize].trim()
    }

    fn list(&self, f: ListField) -> &str {
        self.list[f as usize].trim()
    }

    fn build(&self) -> Result<Item, RecordError> {
        let gnum = self.list(ListField::Gnum);
        let id = if gnum.is_empty() {
            None
        } else {
            let base = [HeadField::CopNo, HeadField::OrderNo, HeadField::InvtNo, HeadField::LogisticsNo]
                .into_iter()
                .map(|f| self.head(f))
                .find(|s| !s.is_empty());
            Some(match base {
                Some(b) => format!("{b}-{gnum}"),
                None => format!("inventory{}-{gnum}", self.inventories),
            })
        };
        let err = |field: &str, message: String| {
            RecordError::new(&self.file, self.list_line, self.row, Some(field), id.as_deref(), message)
        };
        if let Some((field, message)) = &self.head_problem {
            return Err(err(field, format!("{message} (in InventoryHead)")));
        }
        if let Some((field, message)) = &self.list_problem {
            return Err(err(field, message.clone()));
        }
        let Some(id) = id.as_deref() else {
            return Err(err("gnum", "missing or empty gnum".to_string()));
        };
        let gname = self.list(ListField::Gname);
        if gname.is_empty() {
            return Err(err("gname", "missing or empty gname".to_string()));
        }
        let number = |f: ListField| parse_number(self.list(f)).map_err(|m| err(f.name(), m));
        let qty = number(ListField::Qty)?;
        let price = number(ListField::Price)?;
        let total = number(ListField::TotalPrice)?;

        let mut description = gname.to_string();
        let gmodel = self.list(ListField::Gmodel);
        if !gmodel.is_empty() && !description.contains(gmodel) {
            description.push(' ');
            description.push_str(gmodel);
        }
        let item_name = self.list(ListField::ItemName);
        if !item_name.is_empty() && item_name != gname && !description.contains(item_name) {
            description.push(' ');
            description.push_str(item_name);
        }
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let currency = Some(self.list(ListField::Currency))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.head(HeadField::Currency));
        let seller = Some(self.head(HeadField::EbcName))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.head(HeadField::EbpName));
        Ok(Item {
            id: id.to_string(),
            description,
            hs_code: non_empty(self.list(ListField::Gcode)),
            declared_value: total.or(price.map(|p| p * qty.unwrap_or(1.0))),
            currency: normalize_currency(currency),
            quantity: qty,
            seller: non_empty(seller),
            brand: None,
        })
    }

    fn fatal(&mut self, line: u64, message: String) -> Option<Result<Item, RecordError>> {
        self.done = true;
        self.row += 1;
        Some(Err(RecordError::new(&self.file, line, self.row, None, None, message)))
    }
}

impl<R: BufRead> Iterator for XmlRecords<R> {
    type Item = Result<Item, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = std::mem::take(&mut self.buf);
        let out = loop {
            if self.done {
                break None;
            }
            buf.clear();
            let line = self.line();
            match self.reader.read_event_into(&mut buf) {
                Err(quick_xml::Error::Io(e)) => {
                    let line = self.line();
                    break self.fatal(line, format!("read error: {e}; the rest of the input is not read"));
                }
                Err(e) => {
                    let line = self.line();
                    break self.fatal(line, format!("malformed XML: {e}; the rest of the input is not read"));
                }
                Ok(Event::Start(e)) => {
                    self.depth += 1;
                    self.open(e.local_name().as_ref(), line);
                }
                Ok(Event::Empty(e)) => {
                    self.depth += 1;
                    self.open(e.local_name().as_ref(), line);
                    let item = self.close();
                    self.depth -= 1;
                    if item.is_some() {
                        break item;
                    }
                }
                Ok(Event::End(_)) => {
                    let item = self.close();
                    self.depth = self.depth.saturating_sub(1);
                    if item.is_some() {
                        break item;
                    }
                }
                Ok(Event::Text(t)) => {
                    if self.slot.is_some() {
                        self.text(t.unescape().map_err(|e| format!("bad text: {e}")));
                    } else if self.depth == 0 && !t.iter().all(u8::is_ascii_whitespace) {
                        break self.fatal(line, "malformed XML: text after the root element".to_string());
                    }
                }
                Ok(Event::CData(c)) => {
                    if self.slot.is_some() {
                        self.text(c.decode().map_err(|e| format!("bad text: {e}")));
                    }
                }
                Ok(Event::Eof) => {
                    if self.depth > 0 {
                        let line = self.line();
                        let inside = match self.context {
                            Context::List(_) => " inside an InventoryList",
                            Context::Head(_) => " inside an InventoryHead",
                            Context::Outside => "",
                        };
                        break self.fatal(
                            line,
                            format!(
                                "malformed XML: input ends{inside} with {} element(s) still open (truncated file?)",
                                self.depth
                            ),
                        );
                    }
                    self.done = true;
                    break None;
                }
                Ok(_) => {}
            }
        };
        self.buf = buf;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{from_reader, ColumnMap, InputFormat};
    use std::path::Path;

    fn read(input: &str) -> Vec<Result<Item, RecordError>> {
        from_reader(io::Cursor::new(input.as_bytes().to_vec()), "t.xml", InputFormat::Xml, &ColumnMap::default())
            .unwrap()
            .collect()
    }

    fn err(r: &Result<Item, RecordError>) -> &RecordError {
        r.as_ref().expect_err("expected an error")
    }

    fn ok(r: &Result<Item, RecordError>) -> &Item {
        r.as_ref().expect("expected an item")
    }

    const CEB603: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB603Message guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <ceb:Inventory>
    <ceb:InventoryHead>
      <ceb:guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</ceb:guid>
      <ceb:appType>1</ceb:appType>
      <ceb:orderNo>ORD-1</ceb:orderNo>
      <ceb:ebpName>平台</ceb:ebpName>
      <ceb:ebcName>义乌小商品 &amp; 贸易有限公司</ceb:ebcName>
      <ceb:copNo>COP-1</ceb:copNo>
      <ceb:currency>142</ceb:currency>
    </ceb:InventoryHead>
    <ceb:InventoryList>
      <ceb:gnum>1</ceb:gnum>
      <ceb:itemName>NIKE 运动卫衣 男款</ceb:itemName>
      <ceb:gcode>6110200090</ceb:gcode>
      <ceb:gname>卫衣</ceb:gname>
      <ceb:gmodel>棉|L码</ceb:gmodel>
      <ceb:qty>2</ceb:qty>
      <ceb:price>25</ceb:price>
      <ceb:totalPrice>50</ceb:totalPrice>
    </ceb:InventoryList>
    <ceb:InventoryList>
      <ceb:gnum>2</ceb:gnum>
      <ceb:itemName>保温杯</ceb:itemName>
      <ceb:gname>保温杯</ceb:gname>
      <ceb:gmodel>保温杯</ceb:gmodel>
      <ceb:currency>502</ceb:currency>
      <ceb:qty>3</ceb:qty>
      <ceb:price>4.5</ceb:price>
      <ceb:totalPrice/>
    </ceb:InventoryList>
  </ceb:Inventory>
  <ceb:Inventory>
    <ceb:InventoryHead>
      <ceb:orderNo>ORD-2</ceb:orderNo>
      <ceb:ebpName>Platform Two</ceb:ebpName>
      <ceb:currency>usd</ceb:currency>
    </ceb:InventoryHead>
    <ceb:InventoryList>
      <ceb:gnum>1</ceb:gnum>
      <ceb:gname><![CDATA[Phone case <for iPhone 15>]]></ceb:gname>
      <ceb:qty>1</ceb:qty>
      <ceb:totalPrice>3.2</ceb:totalPrice>
    </ceb:InventoryList>
  </ceb:Inventory>
  <ceb:BaseTransfer><ceb:copCode>X</ceb:copCode></ceb:BaseTransfer>
</ceb:CEB603Message>
"#;

    #[test]
    fn ceb603() {
        let rows = read(CEB603);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            ok(&rows[0]),
            &Item {
                id: "COP-1-1".into(),
                description: "卫衣 棉|L码 NIKE 运动卫衣 男款".into(),
                hs_code: Some("6110200090".into()),
                declared_value: Some(50.0),
                currency: Some("CNY".into()),
                quantity: Some(2.0),
                seller: Some("义乌小商品 & 贸易有限公司".into()),
                brand: None,
            }
        );
        let b = ok(&rows[1]);
        assert_eq!((b.id.as_str(), b.description.as_str()), ("COP-1-2", "保温杯"));
        assert_eq!((b.declared_value, b.currency.as_deref(), b.hs_code.clone()), (Some(13.5), Some("USD"), None));
        let c = ok(&rows[2]);
        assert_eq!((c.id.as_str(), c.description.as_str()), ("ORD-2-1", "Phone case <for iPhone 15>"));
        assert_eq!(
            (c.currency.as_deref(), c.seller.as_deref(), c.declared_value),
            (Some("USD"), Some("Platform Two"), Some(3.2))
        );
    }

    #[test]
    fn prefix_variants_give_the_same_items() {
        let reference = read(CEB603);
        let no_prefix = CEB603.replace("ceb:", "").replace("xmlns:ceb=", "xmlns=");
        assert_eq!(read(&no_prefix), reference);
        let other_prefix = CEB603.replace("ceb:", "c:").replace("xmlns:ceb=", "xmlns:c=");
        assert_eq!(read(&other_prefix), reference);
        let crlf = CEB603.replace('\n', "\r\n");
        assert_eq!(read(&crlf), reference);
    }

    #[test]
    fn ceb621_and_currency_codes() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<CEB621Message xmlns="http://www.chinaport.gov.cn/ceb" guid="g" version="1.0">
<Inventory>
<InventoryHead><invtNo>INVT-9</invtNo><currency>133</currency><ebcName>Seoul Shop</ebcName></InventoryHead>
<InventoryList><gnum>1</gnum><gname>수건</gname><qty>1</qty><price>9000</price></InventoryList>
<InventoryList><gnum>2</gnum><gname>towel</gname><currency>999</currency><qty>2</qty><price>1.5</price></InventoryList>
<InventoryList><gnum>3</gnum><gname>towel</gname><currency>eur</currency><price>1.5</price></InventoryList>
<InventoryList><gnum>4</gnum><gname>cap</gname><currency>116</currency></InventoryList>
</Inventory>
</CEB621Message>"#;
        let rows = read(xml);
        let got: Vec<(String, Option<String>, Option<f64>)> =
            rows.iter().map(|r| (ok(r).id.clone(), ok(r).currency.clone(), ok(r).declared_value)).collect();
        assert_eq!(
            got,
            vec![
                ("INVT-9-1".into(), Some("KRW".into()), Some(9000.0)),
                ("INVT-9-2".into(), Some("999".into()), Some(3.0)),
                ("INVT-9-3".into(), Some("EUR".into()), Some(1.5)),
                ("INVT-9-4".into(), Some("JPY".into()), None),
            ]
        );
        assert_eq!(ok(&rows[0]).seller.as_deref(), Some("Seoul Shop"));
        for (code, iso) in [
            ("142", "CNY"),
            ("502", "USD"),
            ("133", "KRW"),
            ("300", "EUR"),
            ("116", "JPY"),
            ("110", "HKD"),
            ("303", "GBP"),
            ("132", "SGD"),
            ("601", "AUD"),
            ("501", "CAD"),
            ("143", "TWD"),
            ("121", "MOP"),
        ] {
            assert_eq!(normalize_currency(code).as_deref(), Some(iso));
        }
    }

    #[test]
    fn list_errors_name_the_line_and_field() {
        let xml = "<CEB603Message>\n<Inventory>\n<InventoryHead><copNo>C</copNo></InventoryHead>\n<InventoryList>\n<gname>x</gname>\n</InventoryList>\n<InventoryList><gnum>2</gnum><gname> </gname></InventoryList>\n<InventoryList><gnum>3</gnum><gname>y</gname><qty>two</qty></InventoryList>\n<InventoryList><gnum>4</gnum><gname>y</gname><price>1,5</price></InventoryList>\n<InventoryList><gnum>5</gnum><gname>y</gname><totalPrice>$3</totalPrice></InventoryList>\n<InventoryList><gnum>6</gnum><gname>a &bogus; b</gname></InventoryList>\n<InventoryList><gnum>7</gnum><gname>ok</gname></InventoryList>\n</Inventory>\n</CEB603Message>\n";
        let rows = read(xml);
        let got: Vec<(u64, u64, Option<&str>, Option<&str>)> = rows
            .iter()
            .take(6)
            .map(|r| (err(r).line, err(r).row, err(r).field.as_deref(), err(r).id.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, 1, Some("gnum"), None),
                (7, 2, Some("gname"), Some("C-2")),
                (8, 3, Some("qty"), Some("C-3")),
                (9, 4, Some("price"), Some("C-4")),
                (10, 5, Some("totalPrice"), Some("C-5")),
                (11, 6, Some("gname"), Some("C-6")),
            ]
        );
        assert_eq!(err(&rows[0]).to_string(), "t.xml:4: field `gnum`: missing or empty gnum");
        assert_eq!(err(&rows[2]).to_string(), "t.xml:8: field `qty`: not a plain decimal number: \"two\"");
        assert!(err(&rows[5]).message.starts_with("bad text:"), "{}", err(&rows[5]).message);
        assert_eq!(ok(&rows[6]).id, "C-7");
        assert_eq!(rows.len(), 7);
    }

    #[test]
    fn malformed_xml_is_one_error_then_stop() {
        let xml = "<CEB603Message>\n<Inventory>\n<InventoryHead><copNo>C</copNo></InventoryHead>\n<InventoryList><gnum>1</gnum><gname>a</gname></InventoryList>\n<InventoryList><gnum>2</gnum><gname>b</gname></gnum></InventoryList>\n<InventoryList><gnum>3</gnum><gname>c</gname></InventoryList>\n</Inventory>\n</CEB603Message>\n";
        let rows = read(xml);
        assert_eq!(rows.len(), 2);
        assert_eq!(ok(&rows[0]).id, "C-1");
        let e = err(&rows[1]);
        assert_eq!((e.line, e.row, e.field.clone()), (5, 2, None));
        assert!(e.message.starts_with("malformed XML: "), "{}", e.message);
        assert!(e.message.ends_with("; the rest of the input is not read"));
    }

    #[test]
    fn truncated_file() {
        let xml = "<CEB603Message>\n<Inventory>\n<InventoryHead><copNo>C</copNo></InventoryHead>\n<InventoryList><gnum>1</gnum><gname>a</gname></InventoryList>\n<InventoryList><gnum>2</gnum><gname>b";
        let rows = read(xml);
        assert_eq!(rows.len(), 2);
        let e = err(&rows[1]);
        assert_eq!(e.line, 5);
        assert!(e.message.contains("inside an InventoryList") && e.message.contains("truncated"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_in_a_value() {
        let mut xml = b"<CEB603Message><Inventory><InventoryHead><copNo>C</copNo></InventoryHead>\n<InventoryList><gnum>1</gnum><gname>a\xFFb</gname></InventoryList>\n<InventoryList><gnum>2</gnum><gname>ok</gname></InventoryList></Inventory></CEB603Message>".to_vec();
        let rows: Vec<_> =
            from_reader(io::Cursor::new(std::mem::take(&mut xml)), "u.xml", InputFormat::Xml, &ColumnMap::default())
                .unwrap()
                .collect();
        let e = err(&rows[0]);
        assert_eq!((e.line, e.field.as_deref(), e.id.as_deref()), (2, Some("gname"), Some("C-1")));
        assert_eq!(ok(&rows[1]).id, "C-2");
    }

    #[test]
    fn bad_head_value_fails_each_item_of_that_inventory() {
        let xml = b"<CEB603Message><Inventory><InventoryHead><copNo>C</copNo><ebcName>\xC0</ebcName></InventoryHead><InventoryList><gnum>1</gnum><gname>a</gname></InventoryList></Inventory><Inventory><InventoryHead><copNo>D</copNo></InventoryHead><InventoryList><gnum>1</gnum><gname>a</gname></InventoryList></Inventory></CEB603Message>".to_vec();
        let rows: Vec<_> =
            from_reader(io::Cursor::new(xml), "u.xml", InputFormat::Xml, &ColumnMap::default()).unwrap().collect();
        assert_eq!(err(&rows[0]).field.as_deref(), Some("ebcName"));
        assert!(err(&rows[0]).message.ends_with("(in InventoryHead)"));
        assert_eq!(ok(&rows[1]).id, "D-1");
    }

    #[test]
    fn whole_file_problems() {
        let open = |s: &str| {
            from_reader(io::Cursor::new(s.as_bytes().to_vec()), "w.xml", InputFormat::Xml, &ColumnMap::default())
                .err()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            open("<?xml version=\"1.0\"?>\n<CEB604Message/>"),
            "w.xml: line 2: root element is <CEB604Message>, expected a customs inventory message (CEB603Message or CEB621Message)"
        );
        assert_eq!(open(""), "w.xml: no root element (empty input?)");
        assert!(
            open("<?xml version=\"1.0\" encoding=\"GBK\"?><CEB603Message/>").contains("encoding GBK is not supported")
        );
        assert!(open("id,description\n1,a\n").contains("text before the root element"));
        // An empty message is fine: no items.
        assert_eq!(read("<ceb:CEB621Message xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"/>").len(), 0);
    }

    #[test]
    fn ids_fall_back() {
        let xml = "<CEB603Message><Inventory><InventoryHead><invtNo>I</invtNo><orderNo>O</orderNo></InventoryHead><InventoryList><gnum>1</gnum><gname>a</gname></InventoryList></Inventory><Inventory><InventoryHead/><InventoryList><gnum>1</gnum><gname>b</gname></InventoryList></Inventory></CEB603Message>";
        let ids: Vec<String> = read(xml).iter().map(|r| ok(r).id.clone()).collect();
        assert_eq!(ids, vec!["O-1", "inventory2-1"]);
    }

    use crate::manifest::OneByte;

    #[test]
    fn one_byte_reads() {
        let slow: Vec<_> =
            from_reader(OneByte(CEB603.as_bytes().to_vec(), 0), "t.xml", InputFormat::Xml, &ColumnMap::default())
                .unwrap()
                .collect();
        assert_eq!(slow, read(CEB603));
        let bad = "<CEB603Message>\n<Inventory>\n<InventoryList>\n<gname>x</gname>\n</InventoryList>\n</Inventory>\n</CEB603Message>";
        let slow: Vec<_> =
            from_reader(OneByte(bad.as_bytes().to_vec(), 0), "t.xml", InputFormat::Xml, &ColumnMap::default())
                .unwrap()
                .collect();
        assert_eq!(err(&slow[0]).line, 3);
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0xD1B54A32D192ED03u64;
        let pieces: [&str; 14] = [
            "<InventoryList>",
            "</InventoryList>",
            "<gnum>",
            "</gnum>",
            "<gname>",
            "</gname>",
            "<qty>",
            "</qty>",
            "x",
            "&amp;",
            "&",
            "<",
            "\n",
            "<![CDATA[",
        ];
        for _ in 0..300 {
            let mut s = String::from("<CEB603Message><Inventory>");
            for _ in 0..(seed % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % 14) as usize]);
            }
            let rows = read(&s);
            assert!(rows.iter().filter(|r| r.as_ref().is_err_and(|e| e.message.starts_with("malformed"))).count() <= 1);
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
            summary(&dir.join("tests/data/manifests/bad_missing_gnum.xml")),
            ["ok EX20250301001-1", "err 25:2 gnum", "ok EX20250301001-3", "err 44:4 qty", "ok EX20250301002-1"]
        );
        assert_eq!(
            summary(&dir.join("tests/data/manifests/bad_broken.xml")),
            ["ok EX20250302001-1", "ok EX20250302001-2", "err 28:3 -"]
        );
        assert_eq!(summary(&dir.join("tests/data/manifests/bad_truncated.xml")), ["ok IM20250305009-1", "err 17:2 -"]);
        let ex = summary(&dir.join("examples/manifests/sample_ceb603.xml"));
        assert!(ex.len() >= 4 && ex.iter().all(|s| s.starts_with("ok ")), "{ex:?}");
        let im = summary(&dir.join("examples/manifests/sample_ceb621.xml"));
        assert!(im.len() >= 3 && im.iter().all(|s| s.starts_with("ok ")), "{im:?}");
    }
}
