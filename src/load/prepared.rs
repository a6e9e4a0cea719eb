//! Reading the prepared network file of `maillage reseau` (its format:
//! [`crate::index::network::format`]).

use std::path::Path;

use crate::base::TravelMode;
use crate::error::Error;
use crate::index::network::format::{decode, Prepared, MAGIC};

/// Whether `path` starts like a prepared network file (`false` when it
/// cannot be read: the caller's reader reports that).
pub fn is_prepared(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == MAGIC
}

/// Reads a prepared file (the networks of `want` only, see [`decode`]).
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::File`], naming it, when it
/// is of another format version, truncated, corrupt or malformed.
pub fn read_prepared(path: &Path, want: Option<TravelMode>) -> Result<Prepared, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(&bytes, want).map_err(|why| Error::file(path, why))
}
