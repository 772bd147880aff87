//! Loading definition files from disk into a [`Registry`].
//!
//! 1. [`definition_files`] lists every `.yaml`, `.yml` and `.json` file under the source
//!    directories, recursively, sorted by path so the order is the same on every machine.
//!    Symbolic links to directories are not followed (no cycles), nor are `node_modules`
//!    directories ([`SKIPPED_DIRECTORIES`]).
//! 2. Each file is parsed ([`parse_file`](super::parse_file)'s steps), and `file://` values
//!    are read relative to the file's directory.
//! 3. [`Registry::from_entries`] checks that ids are unique and that every reference names a
//!    loaded entry.
//!
//! Errors from every step and every file are collected, so one run reports them all.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::error::{LoadError, LoadErrorKind, LoadErrors};
use super::overrides::{Override, Overrides};
use super::parse::parse_text;
use super::{Entry, LockFile, Registry};

/// File extensions read as definition files.
pub const DEFINITION_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Directories the walk does not enter, as the original's file loader: a front end's
/// packages are not definitions.
pub const SKIPPED_DIRECTORIES: &[&str] = &["node_modules"];

/// Every definition file under `dir`, recursively but for [`SKIPPED_DIRECTORIES`], sorted
/// by path.
///
/// # Errors
///
/// A directory that cannot be read (every one is reported).
pub fn definition_files(dir: &Path) -> Result<Vec<PathBuf>, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(dir, &mut files, &mut errors);
    files.sort();
    LoadErrors::from_vec(errors).map_or(Ok(files), Err)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(LoadError::new(dir, None, LoadErrorKind::Io(Arc::new(e))));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(LoadError::new(dir, None, LoadErrorKind::Io(Arc::new(e))));
                continue;
            }
        };
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if !SKIPPED_DIRECTORIES.iter().any(|d| entry.file_name() == *d) {
                walk(&path, files, errors);
            }
        } else if is_definition(&path) && (file_type.is_file() || path.is_file()) {
            files.push(path);
        }
    }
}

fn is_definition(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DEFINITION_EXTENSIONS.contains(&e))
}

/// Reads one definition file and the files its `file://` values name.
///
/// # Errors
///
/// The file cannot be read or is not UTF-8, or any problem [`parse_file`](super::parse_file)
/// reports, or an included file cannot be read.
pub fn load_file(path: &Path) -> Result<Vec<Entry>, LoadErrors> {
    let mut errors = Vec::new();
    let root = path.parent().unwrap_or(Path::new(""));
    let entries = load_file_into(path, root, None, &mut errors);
    LoadErrors::from_vec(errors).map_or(Ok(entries), Err)
}

fn load_file_into(
    path: &Path,
    root: &Path,
    overrides: Option<&mut Overrides<'_>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Entry> {
    let bytes = match crate::regular_file::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            errors.push(LoadError::new(path, None, LoadErrorKind::Io(Arc::new(e))));
            return Vec::new();
        }
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
            errors.push(LoadError::new(path, Some(line), LoadErrorKind::NotUtf8(at)));
            return Vec::new();
        }
    };
    let mut read =
        |p: &Path| -> io::Result<Bytes> { crate::regular_file::read(p).map(Bytes::from) };
    parse_text(path, root, text, Some(&mut read), overrides, errors)
}

impl Registry {
    /// Loads every definition file under `dir`.
    ///
    /// # Errors
    ///
    /// Everything wrong in every file, duplicate ids and unknown references.
    pub fn load_dir(dir: &Path) -> Result<Registry, LoadErrors> {
        Registry::load_dirs(&[dir])
    }

    /// Loads every definition file under each of `dirs`, in that order.
    ///
    /// # Errors
    ///
    /// As [`Registry::load_dir`].
    pub fn load_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<Registry, LoadErrors> {
        Registry::load_dirs_with(dirs, &[])
    }

    /// As [`Registry::load_dirs`], with entry overrides (`wippy run -o`, see
    /// [`Override`]) applied to the entries they name before anything is checked.
    ///
    /// # Errors
    ///
    /// As [`Registry::load_dir`]; also an override that names an entry no file
    /// defines, or whose field crosses a value that is not a map, and whatever the
    /// overridden value makes wrong in its entry.
    pub fn load_dirs_with<P: AsRef<Path>>(
        dirs: &[P],
        overrides: &[Override],
    ) -> Result<Registry, LoadErrors> {
        let mut errors = Vec::new();
        let mut entries = Vec::new();
        let mut applied = Overrides::new(overrides);
        for dir in dirs {
            match definition_files(dir.as_ref()) {
                Ok(files) => {
                    for file in files {
                        entries.extend(load_file_into(
                            &file,
                            dir.as_ref(),
                            Some(&mut applied),
                            &mut errors,
                        ));
                    }
                }
                Err(e) => errors.extend(e),
            }
        }
        for unused in applied.unused() {
            let (path, line) = unused.origin().unwrap_or((Path::new("-o"), None));
            errors.push(
                LoadError::new(
                    path,
                    line,
                    LoadErrorKind::UnmatchedOverride(unused.spec().to_owned()),
                )
                .with_entry(Some(unused.entry().to_string())),
            );
        }
        // An entry with a broken field is reported once: references to it are not also
        // reported as references to an entry no file defines.
        let broken: std::collections::HashSet<String> = errors
            .iter()
            .filter_map(|e| e.entry().map(str::to_owned))
            .collect();
        match (
            Registry::from_entries(entries),
            LoadErrors::from_vec(errors),
        ) {
            (Ok(registry), None) => Ok(registry),
            (Ok(_), Some(errors)) => Err(errors),
            (Err(more), None) => Err(more),
            (Err(more), Some(mut errors)) => {
                let more = more.into_vec().into_iter().filter(|e| {
                    !matches!(e.kind(), LoadErrorKind::UnknownReference(target)
                        if broken.contains(&target.to_string()))
                });
                if let Some(more) = LoadErrors::from_vec(more.collect()) {
                    errors.extend(more);
                }
                Err(errors)
            }
        }
    }

    /// Loads `directories.src` of a lock file; `lock_path` is the lock file, whose
    /// directory relative paths start from. Installed modules are not loaded yet.
    ///
    /// # Errors
    ///
    /// As [`Registry::load_dir`].
    pub fn load_from_lock(lock_path: &Path, lock: &LockFile) -> Result<Registry, LoadErrors> {
        Registry::load_from_lock_with(lock_path, lock, &[])
    }

    /// As [`Registry::load_from_lock`], with entry overrides (see
    /// [`Registry::load_dirs_with`]).
    ///
    /// # Errors
    ///
    /// As [`Registry::load_dirs_with`].
    pub fn load_from_lock_with(
        lock_path: &Path,
        lock: &LockFile,
        overrides: &[Override],
    ) -> Result<Registry, LoadErrors> {
        let base = lock_path.parent().unwrap_or(Path::new(""));
        Registry::load_dirs_with(&[lock.src_dir(base)], overrides)
    }
}
