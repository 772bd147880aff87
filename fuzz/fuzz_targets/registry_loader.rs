//! Bytes -> YAML -> registry entries, lock file, settings file (`.wippy.yaml`, resolved
//! with `--set` flags made from the same bytes): the loaders must never panic, whatever
//! the file holds.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = wippy_runtime::registry::parse_file(Path::new("src/_index.yaml"), text);
        let _ = wippy_runtime::registry::LockFile::parse(Path::new("wippy.lock"), text);
        let env = |name: &str| (name.len() % 2 == 0).then(|| name.repeat(2));
        if let Ok(mut config) =
            wippy_runtime::config::BootConfig::parse(Path::new(".wippy.yaml"), text, env)
        {
            for line in text.lines().take(8) {
                let _ = config.set(line);
            }
            let _ = config.resolve();
        }
    }
});
