//! Writing the prepared network file of `maillage reseau` (its format:
//! [`crate::index::network::format`]).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::index::network::format::encode;
use crate::index::network::{Network, Speeds};
use crate::output::write::write_atomic;

/// Writes the prepared file atomically (complete or absent), recording the
/// name and size of each extract it was built from.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written; [`Error::File`] when
/// `path` is a folder.
pub fn write_prepared(
    path: &Path,
    networks: &[Network],
    speeds: Speeds,
    sources: &[PathBuf],
) -> Result<(), Error> {
    let sources: Vec<(String, u64)> = sources
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
            (name, std::fs::metadata(p).map_or(0, |m| m.len()))
        })
        .collect();
    if path.is_dir() {
        return Err(Error::file(
            path,
            "est un dossier : le réseau préparé ne peut pas le remplacer",
        ));
    }
    write_atomic(path, &encode(networks, speeds, &sources))
}
