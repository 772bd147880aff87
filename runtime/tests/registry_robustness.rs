//! The loader never panics: every prefix of the tutorials' files, and single-character
//! edits of them, give entries or errors. (The `fuzz/` crate explores further.)

use std::path::Path;

use wippy_runtime::registry::{LockFile, parse_file};

const ECHO: &str = include_str!("../../examples/echo-service/src/_index.yaml");
const HTTP: &str = include_str!("fixtures/http-spawn/src/_index.yaml");

fn check(text: &str) {
    let _ = parse_file(Path::new("src/_index.yaml"), text);
    let _ = LockFile::parse(Path::new("wippy.lock"), text);
}

#[test]
fn every_prefix() {
    for text in [ECHO, HTTP] {
        for (i, _) in text.char_indices() {
            check(&text[..i]);
        }
    }
}

#[test]
fn single_character_edits() {
    const INSERTS: &[char] = &[
        '[', ']', '{', '}', ':', '-', '&', '*', '!', '|', '>', '"', '\'', '#', ' ', '\n', '\t',
        '%', '@', '?', ',',
    ];
    for text in [ECHO, HTTP] {
        let positions: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(3).collect();
        for &i in &positions {
            for c in INSERTS {
                let mut edited = String::with_capacity(text.len() + 1);
                edited.push_str(&text[..i]);
                edited.push(*c);
                edited.push_str(&text[i..]);
                check(&edited);
            }
            // Deletion of one character.
            let mut deleted = String::from(&text[..i]);
            deleted.push_str(text[i..].get(1..).unwrap_or(""));
            check(&deleted);
        }
    }
}

#[test]
fn hostile_shapes() {
    for text in [
        "namespace: app\nentries: *x\n",
        "namespace: &n app\nentries: [{name: *n, kind: *n}]\n",
        "namespace: app\nentries: [{name: a, kind: process.service, process: {}, host: [], lifecycle: []}]\n",
        "namespace: app\nentries: [{name: a, kind: process.lua, source: 'file://', imports: [1]}]\n",
        "namespace: app\nentries: [{name: a, kind: ns.dependency, parameters: [1, {name: 2}]}]\n",
        "namespace: app\nentries: [{name: a, kind: process.host, host: {workers: 99999999999999999999}}]\n",
        "namespace: app\nentries: [{name: a, kind: x, lifecycle: {restart: {backoff_factor: .nan, max_delay: 1e308}}}]\n",
        "namespace: ''\nentries: []\n",
        "namespace: app\nentries: [{name: ':', kind: x}, {name: 'a:b', kind: x}]\n",
        "\u{feff}namespace: app\nentries: []\n",
    ] {
        check(text);
    }
}
