//! YAML text as plain data, for scripts (`yaml.decode`): the registry's own reader
//! (`yaml.rs`), so a script's document gets the same schema (YAML 1.2 core, as Go's
//! `yaml.v3`) and the same bounds on nesting and alias expansion as a definition file.

use std::fmt;

use crate::payload::Payload;

/// A YAML document that could not be read as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlValueError {
    /// 1-based line of the problem.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for YamlValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for YamlValueError {}

/// Parses the first document of `text` into data: mappings become maps (keys strings,
/// numbers or booleans, none repeated), sequences arrays, scalars by the core schema.
/// A text without a document (empty, or only comments) is `Nil`. The documents after
/// the first (after a `---`) are not read, as Go's `yaml.v3` `Unmarshal` leaves them.
///
/// # Errors
///
/// The first document is not YAML, nests deeper than 128 levels,
/// expands (through aliases) past 200 000 nodes, or has a key that is a list or a map
/// or repeats.
pub fn decode_yaml(text: &str) -> Result<Payload, YamlValueError> {
    match super::yaml::parse_first(text) {
        Ok(Some(node)) => Ok(node.to_payload()),
        Ok(None) => Ok(Payload::Nil),
        Err(e) => Err(YamlValueError {
            line: e.line,
            message: e.message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_becomes_maps_arrays_and_scalars() {
        let p = decode_yaml(
            "name: test\nvalue: 123\nratio: 0.5\non: true\nitems:\n  - 1\n  - two\nnone: ~\n",
        )
        .expect("parses");
        let Payload::Map(map) = &p else {
            panic!("a map, got {p:?}")
        };
        assert_eq!(map.get("name").and_then(Payload::as_str), Some("test"));
        assert_eq!(map.get("value"), Some(&Payload::Int(123)));
        assert_eq!(map.get("ratio"), Some(&Payload::Float(0.5)));
        assert_eq!(map.get("on"), Some(&Payload::Bool(true)));
        assert_eq!(
            map.get("items"),
            Some(&Payload::array([Payload::Int(1), Payload::from("two")]))
        );
        assert_eq!(map.get("none"), Some(&Payload::Nil));
    }

    #[test]
    fn only_the_first_document_is_read() {
        let p = decode_yaml("a: 1\n---\nb: 2\n").expect("first document");
        assert_eq!(p.get("a"), Some(&Payload::Int(1)));
        assert_eq!(p.get("b"), None);
        // The rest of the stream is not read, so it may even be broken.
        let p = decode_yaml("---\n- x\n---\n[unclosed\n").expect("first document");
        assert_eq!(p, Payload::array([Payload::from("x")]));
        let e = decode_yaml("a: [1\n---\nb: 2\n").expect_err("broken first document");
        assert!(e.line >= 1, "{e}");
    }

    #[test]
    fn no_document_is_nil_and_bad_text_names_its_line() {
        assert_eq!(decode_yaml("# only a comment\n"), Ok(Payload::Nil));
        let e = decode_yaml("a: 1\nb: [1, 2\n").expect_err("unclosed flow sequence");
        assert!(e.line >= 2, "{e}");
        let e = decode_yaml("a: 1\na: 2\n").expect_err("repeated key");
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("line 2: "), "{e}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert!(decode_yaml(&text).is_err());
    }
}
