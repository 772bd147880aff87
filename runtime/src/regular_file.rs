//! Reading a file the runtime was pointed at (a registry definition, a source, an
//! `env.storage.file`) when it is a regular file of a sane size: a FIFO or device
//! (`/dev/zero`, also through a symbolic link) would block the reading thread or grow
//! without end, and a larger file is no program or configuration anyone wrote.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// The largest file [`read`] reads.
pub(crate) const MAX_FILE_BYTES: u64 = 16 << 20;

/// The bytes of the file at `path`, if it is a regular file of at most
/// [`MAX_FILE_BYTES`]; an [`io::ErrorKind::InvalidInput`] error saying why not otherwise.
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    // Asked before opening: opening a FIFO blocks until someone writes to it.
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} bytes, more than the {MAX_FILE_BYTES} a file may have",
                meta.len()
            ),
        ));
    }
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file that grows while it is read stops at the bound.
    file.take(MAX_FILE_BYTES).read_to_end(&mut bytes)?;
    Ok(bytes)
}
