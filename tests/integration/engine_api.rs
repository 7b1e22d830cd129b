//! Library API: thread safety, spans into the original text, batch order,
//! registry import, determinism.

use iprscreen::ruleset::{Ruleset, Source};
use iprscreen::verdict::{How, Use};
use iprscreen::{Engine, Item, Level};

fn engine() -> Engine {
    Engine::default_ruleset().expect("default ruleset compiles")
}

#[test]
fn engine_is_send_sync_and_cheap_to_clone() {
    fn assert_all<T: Send + Sync + Clone + 'static>() {}
    assert_all::<Engine>();
    let e = engine();
    let e2 = e.clone();
    let h = std::thread::spawn(move || e2.scan(&Item::new("t", "Nike hoodie")).level);
    assert_eq!(h.join().unwrap(), e.scan(&Item::new("t", "Nike hoodie")).level);
}

#[test]
fn default_ruleset_is_big_enough() {
    let s = engine().stats();
    assert!(s.marks >= 500, "{} marks", s.marks);
    assert!(s.rules >= 8, "{} rules", s.rules);
}

#[test]
fn evidence_spans_point_into_the_original_text() {
    let e = engine();
    for text in ["ＮＩＫＥ 卫衣 男", "新款 耐克 卫衣", "Gucci 구찌 가방", "𝗡𝗜𝗞𝗘 hoodie", "N\u{200B}IKE hoodie"]
    {
        let v = e.scan(&Item::new("x", text));
        assert!(!v.marks.is_empty(), "{text}: no mark");
        for m in &v.marks {
            assert_eq!(&text[m.span[0]..m.span[1]], m.matched, "{text}");
        }
        for r in &v.rules {
            if let Some(s) = r.span {
                assert_eq!(&text[s[0]..s[1]], r.matched, "{text}");
            }
        }
    }
    let v = e.scan(&Item::new("x", "ＮＩＫＥ hoodie"));
    assert_eq!(v.marks[0].how, How::Normalized);
    let v = e.scan(&Item::new("x", "Nike hoodie"));
    assert_eq!(v.marks[0].how, How::Exact);
    let v = e.scan(&Item::new("x", "耐克 卫衣"));
    assert_eq!(v.marks[0].how, How::Alias);
}

#[test]
fn batch_scan_keeps_input_order_and_matches_single_scans() {
    let e = engine();
    let items: Vec<Item> = (0..2000)
        .map(|i| match i % 4 {
            0 => Item::new(format!("{i}"), "Nike hoodie"),
            1 => Item::new(format!("{i}"), "cotton socks 5 pairs"),
            2 => Item::new(format!("{i}"), "高仿 LV 包"),
            _ => Item::new(format!("{i}"), "phone case for iPhone 15"),
        })
        .collect();
    let batch = e.scan_batch(&items);
    assert_eq!(batch.len(), items.len());
    for (it, v) in items.iter().zip(&batch) {
        assert_eq!(it.id, v.id);
        assert_eq!(&e.scan(it), v);
    }
}

#[test]
fn selection_is_reproducible_with_a_seed() {
    let items: Vec<Item> =
        (0..500).map(|i| Item::new(format!("p{i}"), "cotton t-shirt").with_hs_code("6109")).collect();
    let a: Vec<bool> = engine().with_seed(7).scan_batch(&items).iter().map(|v| v.selected).collect();
    let b: Vec<bool> = engine().with_seed(7).scan_batch(&items).iter().map(|v| v.selected).collect();
    let c: Vec<bool> = engine().with_seed(8).scan_batch(&items).iter().map(|v| v.selected).collect();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let picked = a.iter().filter(|s| **s).count();
    // Clothing floor is 10%: expect about 50 of 500.
    assert!((25..=80).contains(&picked), "{picked}");
}

#[test]
fn compatibility_mentions_do_not_raise_risk() {
    let e = engine();
    let v = e.scan(&Item::new("c", "phone case for iPhone 15 pro").with_hs_code("392690"));
    assert!(v.marks.iter().all(|m| m.use_ == Use::Compatible), "{:?}", v.marks);
    assert!(v.level <= Level::Low, "{v:?}");
}

#[test]
fn registry_csv_import_adds_marks() {
    let mut rs = Ruleset::default_ruleset().unwrap();
    let csv = "name,aliases,classes,holder\nZyxcorp,兹克|ZXC,25,Zyx Holdings\n";
    let marks = iprscreen::registry::parse_csv("reg.csv", csv).unwrap();
    rs.add_marks("reg.csv", marks);
    let e = Engine::from_ruleset(&rs).unwrap();
    let v = e.scan(&Item::new("z", "兹克 卫衣").with_hs_code("6110"));
    assert_eq!(v.marks[0].id, "zyxcorp");
    assert!(v.level >= Level::Medium);
}

#[test]
fn in_memory_sources_build_an_engine() {
    let rs = Ruleset::from_sources(vec![Source::new(
        "mem.toml",
        "[[category]]\nname = \"bags\"\nwords = [\"bag\"]\nnice = [18]\n\n[[mark]]\nid = \"x\"\nname = \"Xylo\"\nclasses = [18]\n",
    )])
    .unwrap();
    let e = Engine::from_ruleset(&rs).unwrap();
    let v = e.scan(&Item::new("1", "XYLO bag"));
    assert_eq!(v.category, "bags");
    assert_eq!(v.level, Level::Medium);
}

#[test]
fn never_panics_on_odd_text() {
    let e = engine();
    let long = "耐克".repeat(5000);
    for t in [
        "",
        " ",
        "\u{0}",
        "\u{FEFF}\u{200B}",
        "ＮＩＫＥ\u{301}\u{301}",
        "a\u{301}",
        long.as_str(),
        "🙂🙂 nike 🙂",
        "ǅ ǈ ﬃ ㎏ ℡",
    ] {
        let v = e.scan(&Item::new("x", t));
        for m in &v.marks {
            assert!(t.is_char_boundary(m.span[0]) && t.is_char_boundary(m.span[1]));
        }
    }
}

#[test]
fn parent_brand_of_a_sub_brand_mark_is_reported_but_a_word_inside_a_name_is_not() {
    let src = "[[category]]\nname = \"electronics\"\nwords = [\"laptop\"]\nnice = [9]\n\n\
        [[mark]]\nid = \"lenovo\"\nname = \"Lenovo\"\nclasses = [9]\n\n\
        [[mark]]\nid = \"lenovo-ideapad\"\nname = \"Lenovo IdeaPad\"\nclasses = [9]\n\n\
        [[mark]]\nid = \"pad\"\nname = \"IdeaPad Pro\"\nclasses = [9]\n\n\
        [[mark]]\nid = \"balance\"\nname = \"Balance\"\nclasses = [9]\n\n\
        [[mark]]\nid = \"new-balance\"\nname = \"New Balance\"\nclasses = [9]\n";
    let rs = Ruleset::from_sources(vec![Source::new("mem.toml", src)]).unwrap();
    let e = Engine::from_ruleset(&rs).unwrap();
    let ids = |t: &str| -> Vec<String> { e.scan(&Item::new("1", t)).marks.iter().map(|m| m.id.clone()).collect() };
    assert_eq!(ids("lenovo ideapad 320 laptop"), vec!["lenovo-ideapad", "lenovo"]);
    assert_eq!(ids("new balance laptop sleeve"), vec!["new-balance"]);
}

#[test]
fn explain_records_every_decision_and_profile_counts_stages() {
    let e = engine();
    let (v, t) = e.explain(&Item::new("x", "Addidas hoodie, case for iPhone").with_hs_code("611020"));
    assert_eq!(t.views.len(), 1);
    assert!(t.candidates.iter().any(|c| c.target.starts_with("mark adidas") && c.decision == "kept"));
    assert!(t.candidates.iter().any(|c| c.target.starts_with("mark apple") && c.decision == "compatibility"));
    assert_eq!(v.marks.iter().find(|m| m.id == "adidas").map(|m| m.how), Some(How::Fuzzy));
    assert!(t.arithmetic.contains("0.315"), "{}", t.arithmetic);
    // A normal scan gives the same verdict as explain.
    let plain = e.scan(&Item::new("x", "Addidas hoodie, case for iPhone").with_hs_code("611020"));
    assert_eq!(serde_json::to_string(&plain).unwrap(), serde_json::to_string(&v).unwrap());
    let mut s = e.profiling_scratch();
    for _ in 0..3 {
        e.scan_with(&mut s, &Item::new("y", "N1KE hoodie replica"));
    }
    let p = s.take_profile().unwrap();
    assert_eq!(p.items, 3);
    assert_eq!(p.folded_items, 3);
    assert!(p.stage_ns.iter().sum::<u64>() > 0);
    assert_eq!(s.take_profile().unwrap().items, 0, "taking resets the counters");
}

#[test]
fn a_huge_description_is_screened_up_to_the_limit_and_says_so() {
    let e = engine();
    let limit = iprscreen::engine::SCREENED_BYTES;
    // Marks, cue words and look-alikes over and over (each used to cost time
    // growing with the square of the field), and a three-byte character on
    // the cut; the Gucci past the limit is not read.
    let unit = "for iphone 香奈儿 n1ke addidas g*cci nike ";
    let mut text = unit.repeat(2 * limit / unit.len());
    text.push_str(" Gucci");
    let v = e.scan(&Item::new("big", &text));
    let note = format!("description is {} bytes long: only its first ", text.len());
    assert!(v.reasons.iter().any(|r| r.starts_with(&note)), "{:?}", &v.reasons[..2]);
    assert!(!v.marks.is_empty());
    for m in &v.marks {
        assert!(m.span[1] <= limit, "{m:?}");
        assert_eq!(&text[m.span[0]..m.span[1]], m.matched);
    }
    assert!(v.marks.iter().all(|m| m.id != "gucci" || m.span[1] <= limit));
    // Ordinary items never carry the note.
    let v = e.scan(&Item::new("small", "Gucci bag"));
    assert!(v.reasons.iter().all(|r| !r.contains("were screened")));
}

/// A mark spelt like a function word counts in the brand field and when it
/// opens the description; mid-title the trace says which guard dropped it.
#[test]
fn generic_word_marks_count_only_where_brands_are_written() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rulesets/generic-words");
    let e = Engine::from_ruleset(&Ruleset::from_dir(&dir).unwrap()).unwrap();
    let ids = |v: &iprscreen::Verdict| v.brand_marks().map(|m| (m.id.clone(), m.field)).collect::<Vec<_>>();

    let mut item = Item::new("b", "Women Maroon Printed Kurta with Palazzos");
    item.brand = Some("WITH".into());
    assert_eq!(ids(&e.scan(&item)), [("with".to_string(), "brand")]);

    let (v, trace) = e.explain(&Item::new("d", "Women Maroon Printed Kurta with Palazzos"));
    assert!(ids(&v).is_empty());
    let c = trace.candidates.iter().find(|c| c.target.contains("with")).expect("a candidate for `with`");
    assert_eq!((c.decision, &c.matched[..], c.span), ("dropped", "with", [27, 31]));
    assert!(c.why.contains("generic-word guard") && c.why.contains("clothing"), "{}", c.why);
}

/// A misspelling that only adds a character to one word keeps the exact
/// evidence (`iphone6` is the alias `iphone`, not a fuzzy `iphone 6`).
#[test]
fn exact_alias_inside_one_token_is_not_replaced_by_a_fuzzy_hit() {
    let v = engine().scan(&Item::new("x", "[转卖]浮雕苹果6splus手机壳se硅胶iphone6&hellip"));
    let apple: Vec<_> = v.marks.iter().filter(|m| m.id == "apple").map(|m| (m.matched.as_str(), m.how)).collect();
    assert!(apple.contains(&("iphone", How::Alias)), "{apple:?}");
    assert!(!apple.iter().any(|(_, h)| *h == How::Fuzzy), "{apple:?}");
}
