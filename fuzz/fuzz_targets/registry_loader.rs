//! Bytes -> YAML -> registry entries: the loader must never panic, whatever the file holds.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = wippy_runtime::registry::parse_file(Path::new("src/_index.yaml"), text);
        let _ = wippy_runtime::registry::LockFile::parse(Path::new("wippy.lock"), text);
    }
});
