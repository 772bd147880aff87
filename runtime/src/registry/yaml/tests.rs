use super::*;

fn root(text: &str) -> Node {
    parse(text).expect("parses").expect("has a document")
}

fn err(text: &str) -> YamlError {
    parse(text).expect_err("should fail")
}

#[test]
fn core_schema_scalars() {
    let n = root(
        "a: 1\nb: -2\nc: 0x1f\nd: 0o17\ne: 1.5\nf: .inf\ng: true\nh: ~\ni: null\nj: '1'\nk: text\nl: 1e3\nm: \"true\"\nn: yes\n",
    );
    let v = |k: &str| n.get(k).unwrap().value.clone();
    assert_eq!(v("a"), Value::Int(1));
    assert_eq!(v("b"), Value::Int(-2));
    assert_eq!(v("c"), Value::Int(31));
    assert_eq!(v("d"), Value::Int(15));
    assert_eq!(v("e"), Value::Float(1.5));
    assert_eq!(v("f"), Value::Float(f64::INFINITY));
    assert_eq!(v("g"), Value::Bool(true));
    assert_eq!(v("h"), Value::Null);
    assert_eq!(v("i"), Value::Null);
    assert_eq!(v("j"), Value::Str("1".into()));
    assert_eq!(v("k"), Value::Str("text".into()));
    assert_eq!(v("l"), Value::Float(1000.0));
    assert_eq!(v("m"), Value::Str("true".into()));
    assert_eq!(
        v("n"),
        Value::Str("yes".into()),
        "YAML 1.2: yes is a string"
    );
    assert!(matches!(root("x: .nan").get("x").unwrap().value, Value::Float(f) if f.is_nan()));
    assert_eq!(
        root("x: inf").get("x").unwrap().value,
        Value::Str("inf".into())
    );
}

#[test]
fn tags() {
    let n = root("a: !!str 12\nb: !!float 3\nc: !custom 7\n");
    assert_eq!(n.get("a").unwrap().value, Value::Str("12".into()));
    assert_eq!(n.get("b").unwrap().value, Value::Float(3.0));
    assert_eq!(n.get("c").unwrap().value, Value::Int(7));
    assert!(
        err("a: !!int nope\n")
            .message
            .contains("not a valid integer")
    );
}

#[test]
fn lines_are_kept() {
    let n = root("first: 1\n\nlist:\n  - a\n  - b\n");
    assert_eq!(n.get("first").unwrap().line, 1);
    let list = n.get("list").unwrap();
    let Value::Seq(items) = &list.value else {
        panic!("a list")
    };
    assert_eq!(items[0].line, 4);
    assert_eq!(items[1].line, 5);
}

#[test]
fn empty_documents() {
    assert_eq!(parse("").unwrap(), None);
    assert_eq!(parse("# only a comment\n").unwrap(), None);
    assert_eq!(parse("---\n").unwrap().unwrap().value, Value::Null);
}

#[test]
fn syntax_errors_have_lines() {
    let e = err("a: 1\nb: [1, 2\nc: 3\n");
    assert!(!e.unsupported);
    assert!(e.line >= 2, "line {}", e.line);
    let e = err("a: 1\n  b: 2\n");
    assert_eq!(e.line, 2);
}

#[test]
fn a_tab_in_an_indentation_is_reported_on_its_own_line() {
    // The parser marks the start of the plain scalar the tab would continue (line 2).
    let e = err("entries:\n  - name: terminal\n\tkind: terminal.host\n");
    assert!(e.message.contains("found a tab"), "{}", e.message);
    assert_eq!(e.line, 3);
    // Several lines on, past other lines of the scalar.
    let e = err("a: one\n  two\n  three\n\tfour\n");
    assert_eq!(e.line, 4);
}

#[test]
fn duplicate_keys_are_errors() {
    let e = err("a: 1\nb: 2\na: 3\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("\"a\" appears twice"), "{}", e.message);
}

#[test]
fn bad_keys_are_errors() {
    assert!(err("[1]: x\n").message.contains("found a list"));
    assert!(err("~: x\n").message.contains("found null"));
    assert!(err(".nan: x\n").message.contains("NaN"));
    // Numeric and boolean keys are fine; 1.0 and 1 are one key.
    assert!(err("1: a\n1.0: b\n").message.contains("appears twice"));
    assert!(parse("1: a\ntrue: b\n").is_ok());
}

#[test]
fn anchors_aliases_and_merge() {
    let n = root(
        "base: &b {auto_start: true, stop_timeout: 5s}\nx:\n  <<: *b\n  stop_timeout: 1s\ny: *b\n",
    );
    let x = n.get("x").unwrap();
    assert_eq!(x.get("auto_start").unwrap().value, Value::Bool(true));
    assert_eq!(
        x.get("stop_timeout").unwrap().value,
        Value::Str("1s".into())
    );
    assert_eq!(
        n.get("y").unwrap().get("stop_timeout").unwrap().value,
        Value::Str("5s".into())
    );
    assert!(err("a: {<<: 3}\n").message.contains("<<"));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let e = err(&text);
    assert!(e.unsupported);
    assert!(e.message.contains("more than"), "{}", e.message);
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!(
        "{}{}",
        "[".repeat(MAX_DEPTH + 10),
        "]".repeat(MAX_DEPTH + 10)
    );
    let e = err(&text);
    assert!(e.unsupported);
    assert!(e.message.contains("nesting"));
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
}

#[test]
fn one_document_only() {
    let e = err("a: 1\n---\nb: 2\n");
    assert!(e.unsupported);
    assert_eq!(e.line, 2);
}

#[test]
fn self_referencing_alias_is_an_error() {
    assert!(parse("a: &x [*x]\n").is_err());
}

#[test]
fn a_line_crowded_with_flow_items_is_refused_before_it_is_parsed() {
    // One line of more items than a document may hold: refused by the scan, on its line.
    let text = format!("a: 1\nb: [{}x]\n", "x,".repeat(MAX_NODES + 1));
    assert_eq!(crowded_flow_line(&text), Some(2));
    let e = err(&text);
    assert!(e.unsupported);
    assert_eq!(e.line, 2);
    assert!(e.message.contains("more than"), "{}", e.message);
    // Commas in quotes, in a block scalar's plain text or after a comment are no items.
    let quoted = format!("a: [\"{}\"]\n", ",".repeat(MAX_NODES + 1));
    assert_eq!(crowded_flow_line(&quoted), None);
    let plain = format!("a: {}\n", "x,".repeat(MAX_NODES + 1));
    assert_eq!(crowded_flow_line(&plain), None);
    let comment = format!("a: [x] # {}\n", "[,".repeat(MAX_NODES + 1));
    assert_eq!(crowded_flow_line(&comment), None);
    // The same items over many lines are left to the parser (which drops its lookahead
    // at each line end) and the node count.
    let spread = format!("a: [\n{}  x]\n", "  x,\n".repeat(1000));
    assert_eq!(crowded_flow_line(&spread), None);
    assert!(parse(&spread).is_ok());
}
