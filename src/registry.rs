//! Bulk import of marks from a recordation-database CSV export.
//!
//! Columns: `name,aliases,classes,holder` (aliases and classes `|`-separated);
//! optional `id`, `recorded`, `valid_until`, `contact`, `authorized`,
//! `infringers` (`|`-separated) and `genuine_price` (`category:min:currency`
//! entries, `|`-separated). Header names are case-insensitive.

use std::collections::HashMap;

use toml::Spanned;

use crate::diagnostic::{Diagnostic, Location};
use crate::error::RegistryError;
use crate::ruleset::{AliasDef, MarkDef, PriceDef};

/// Derive a mark id from its name: lowercase, apostrophes and accents removed,
/// other runs of non-alphanumerics replaced by `-`.
pub fn mark_id(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        let base = crate::normalize::strip_accents(&c.to_string()).and_then(|s| s.chars().next()).unwrap_or(c);
        if base.is_alphanumeric() {
            for l in base.to_lowercase() {
                out.push(l);
            }
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Parse a registry CSV. Every bad row is reported (file:line, field); the
/// import fails if any row is bad, so no mark is silently dropped.
pub fn parse_csv(name: &str, text: &str) -> Result<Vec<MarkDef>, RegistryError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            RegistryError::Invalid(vec![Diagnostic::error("E020", format!("{name}: cannot read the header: {e}"))])
        })?
        .clone();
    let col: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase(), i))
        .collect();
    let loc0 = |line: usize| Location {
        file: name.to_string(),
        line,
        col: 1,
        span: (0, 0),
        line_text: text.lines().nth(line.saturating_sub(1)).unwrap_or("").to_string(),
        width: 1,
    };
    if !col.contains_key("name") {
        return Err(RegistryError::Invalid(vec![Diagnostic::error(
            "E021",
            format!("missing required column `name` (header has: {})", headers.iter().collect::<Vec<_>>().join(", ")),
        )
        .at(Some(loc0(1)))]));
    }
    let mut marks = Vec::new();
    let mut diags = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(Diagnostic::error("E022", format!("malformed row: {e}")).at(Some(loc0(line))));
                continue;
            }
        };
        let pos = rec.position().map_or(0, |p| p.byte() as usize);
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let span = pos..pos + rec.as_slice().len().max(1);
        let get = |c: &str| col.get(c).and_then(|&i| rec.get(i)).map(str::trim).unwrap_or("");
        let list = |c: &str| -> Vec<String> {
            get(c).split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let mark_name = get("name");
        if mark_name.is_empty() {
            diags.push(Diagnostic::error("E023", "field `name`: empty mark name").at(Some(loc0(line))));
            continue;
        }
        let mut classes = Vec::new();
        let mut bad = false;
        for c in list("classes") {
            match c.parse::<u32>() {
                Ok(v) => classes.push(Spanned::new(span.clone(), v)),
                Err(_) => {
                    diags.push(
                        Diagnostic::error("E024", format!("field `classes`: `{c}` is not a Nice class number"))
                            .at(Some(loc0(line))),
                    );
                    bad = true;
                }
            }
        }
        let mut prices = Vec::new();
        for p in list("genuine_price") {
            let parts: Vec<&str> = p.split(':').collect();
            let parsed = match parts.as_slice() {
                [cat, min] => min.trim().parse::<f64>().ok().map(|m| (cat.trim(), m, "USD")),
                [cat, min, cur] => min.trim().parse::<f64>().ok().map(|m| (cat.trim(), m, cur.trim())),
                _ => None,
            };
            match parsed {
                Some((cat, min, cur)) => {
                    prices.push(PriceDef { category: cat.to_string(), min, currency: cur.to_string() })
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            "E024",
                            format!("field `genuine_price`: `{p}` is not `category:min[:currency]`"),
                        )
                        .at(Some(loc0(line))),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        let id = match get("id") {
            "" => mark_id(mark_name),
            s => s.to_string(),
        };
        let recorded = matches!(get("recorded").to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "y");
        marks.push(MarkDef {
            id: Spanned::new(span.clone(), id),
            name: Spanned::new(span.clone(), mark_name.to_string()),
            aliases: list("aliases").into_iter().map(|a| AliasDef::plain(span.clone(), a)).collect(),
            holder: get("holder").to_string(),
            registrations: Vec::new(),
            classes,
            authorized: list("authorized"),
            infringers: list("infringers"),
            genuine_price: prices,
            recorded,
            valid_until: Some(get("valid_until").to_string()).filter(|s| !s.is_empty()),
            contact: Some(get("contact").to_string()).filter(|s| !s.is_empty()),
        });
    }
    if diags.is_empty() {
        Ok(marks)
    } else {
        Err(RegistryError::Invalid(diags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(mark_id("Louis Vuitton"), "louis-vuitton");
        assert_eq!(mark_id("Levi's"), "levis");
        assert_eq!(mark_id("Hermès"), "hermes");
        assert_eq!(mark_id("The North Face"), "the-north-face");
    }

    #[test]
    fn parses_rows_and_reports_bad_ones() {
        let csv = "name,aliases,classes,holder\nAcme,阿克米|ACM,25|18,Acme Inc.\n,x,25,\nBeta,,2x,\n";
        let err = parse_csv("reg.csv", csv).unwrap_err();
        let RegistryError::Invalid(d) = err else { panic!() };
        assert_eq!(d.len(), 2);
        assert!(d[0].to_string().contains("reg.csv:3"), "{}", d[0]);
        assert!(d[1].to_string().contains("`2x`"), "{}", d[1]);
        let ok = parse_csv("reg.csv", "name,aliases,classes,holder\nAcme,阿克米|ACM,25|18,Acme Inc.\n").unwrap();
        assert_eq!(ok[0].id.get_ref(), "acme");
        assert_eq!(ok[0].aliases.len(), 2);
        assert_eq!(ok[0].classes.len(), 2);
    }
}
