//! [`EnvFileStore`]: the `KEY=VALUE` lines of a `.env` file (R `service/env/file`).
//!
//! A line is trimmed; empty lines and lines starting with `#` are comments; a `#` later
//! in a line starts a comment; key and value are trimmed around the first `=`. A read
//! reads the file each time (an edit by hand is seen at once); a write rewrites the
//! line of its key, keeping a comment that follows the value, or appends a line, and
//! keeps every other line as it was. Owned by its storage, which locks it.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;

use super::storage::StorageError;
use crate::registry::EnvFile;

#[derive(Debug)]
pub(super) struct EnvFileStore {
    config: EnvFile,
}

/// The key and value of a line, if it has them.
fn parse_line(text: &str) -> Option<(&str, &str)> {
    let line = text.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let line = line
        .split_once('#')
        .map_or(line, |(before, _)| before.trim());
    let (key, value) = line.split_once('=')?;
    Some((key.trim(), value.trim()))
}

impl EnvFileStore {
    pub(super) fn new(config: EnvFile) -> EnvFileStore {
        EnvFileStore { config }
    }

    fn error(&self, e: &std::io::Error) -> StorageError {
        StorageError::File {
            path: self.config.path.display().to_string(),
            message: e.to_string(),
        }
    }

    /// The file's text; `None` when it does not exist. Only a regular file of at most
    /// 16 MiB is read: a FIFO would block the worker, `/dev/zero` fill the memory.
    fn read(&self) -> Result<Option<String>, StorageError> {
        match crate::regular_file::read(&self.config.path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(&e)),
        }
    }

    pub(super) fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let Some(text) = self.read()? else {
            return Ok(None);
        };
        Ok(text
            .lines()
            .filter_map(parse_line)
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_owned()))
    }

    pub(super) fn list(&self) -> Result<BTreeMap<String, String>, StorageError> {
        let Some(text) = self.read()? else {
            return Ok(BTreeMap::new());
        };
        Ok(text
            .lines()
            .filter_map(parse_line)
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }

    pub(super) fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let text = match self.read()? {
            Some(text) => text,
            None if self.config.auto_create => {
                self.create()?;
                String::new()
            }
            None => {
                return Err(self.error(&std::io::Error::from(ErrorKind::NotFound)));
            }
        };
        let mut lines: Vec<String> = Vec::new();
        let mut updated = false;
        for line in text.lines() {
            match parse_line(line) {
                Some((k, _)) if k == key => {
                    updated = true;
                    lines.push(match line.find('#') {
                        Some(at) => format!("{key}={value} {}", &line[at..]),
                        None => format!("{key}={value}"),
                    });
                }
                _ => lines.push(line.to_owned()),
            }
        }
        if !updated {
            lines.push(format!("{key}={value}"));
        }
        let mut out = lines.join("\n");
        out.push('\n');
        std::fs::write(&self.config.path, out).map_err(|e| self.error(&e))
    }

    /// Creates the file (and its directory) with the configured modes.
    fn create(&self) -> Result<(), StorageError> {
        let path: &Path = &self.config.path;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, self.config.dir_mode);
            builder.create(dir).map_err(|e| self.error(&e))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, self.config.file_mode);
        options.open(path).map(drop).map_err(|e| self.error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn lines_are_read_as_the_original_reads_them() {
        assert_eq!(parse_line("  KEY = value  "), Some(("KEY", "value")));
        assert_eq!(parse_line("KEY=a=b"), Some(("KEY", "a=b")));
        assert_eq!(parse_line("KEY=value # note"), Some(("KEY", "value")));
        assert_eq!(parse_line("# KEY=value"), None);
        assert_eq!(parse_line(""), None);
        assert_eq!(parse_line("no equals sign"), None);
    }
}
