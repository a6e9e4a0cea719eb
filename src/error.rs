//! The library's error type.
//!
//! Every variant that comes from an input file carries the file's path, the
//! position inside it (CSV line, GeoJSON feature, shapefile record) and, where
//! one is at fault, the field. The binary adds context with `anyhow` and prints
//! the chain once.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A CSV line, counted from 1 with the header as line 1.
    Line(u64),
    /// A CSV line with the id of the row it holds.
    LineOf { line: u64, id: String },
    /// A GeoJSON feature, counted from 0 as in the file, with its id when known.
    Feature { index: usize, id: Option<String> },
    /// A shapefile record, counted from 1 as GIS tools show it, with its id when known.
    Record { index: usize, id: Option<String> },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "ligne {n}"),
            Location::LineOf { line, id } => write!(f, "ligne {line} ({id})"),
            Location::Feature { index, id: None } => write!(f, "objet {index}"),
            Location::Feature {
                index,
                id: Some(id),
            } => write!(f, "objet {index} ({id})"),
            Location::Record { index, id: None } => write!(f, "enregistrement {index}"),
            Location::Record {
                index,
                id: Some(id),
            } => write!(f, "enregistrement {index} ({id})"),
        }
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened, read or written: check the path and permissions.
    /// The cause is part of the message and not the error's `source`, so
    /// that the printed chain says it once.
    #[error("{} : {}", path.display(), io_cause(cause))]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// One field of one record is missing or has a value that cannot be used:
    /// the message says what was expected.
    #[error("{} : {location} : champ « {field} » : {problem}", path.display())]
    Field {
        path: PathBuf,
        location: Location,
        field: String,
        problem: String,
    },
    /// One record is unusable as a whole (wrong geometry type, duplicated id…).
    #[error("{} : {location} : {problem}", path.display())]
    Record {
        path: PathBuf,
        location: Location,
        problem: String,
    },
    /// The file as a whole is unusable (not a GeoJSON file, a required column
    /// is absent, an unsupported projection…).
    #[error("{} : {problem}", path.display())]
    File { path: PathBuf, problem: String },
    /// Two inputs disagree or a parameter cannot be honoured.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            cause: source,
        }
    }
    pub fn file(path: &Path, problem: impl Into<String>) -> Self {
        Error::File {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
    pub fn field(
        path: &Path,
        location: Location,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        Error::Field {
            path: path.to_path_buf(),
            location,
            field: field.into(),
            problem: problem.into(),
        }
    }
    pub fn record(path: &Path, location: Location, problem: impl Into<String>) -> Self {
        Error::Record {
            path: path.to_path_buf(),
            location,
            problem: problem.into(),
        }
    }
}

/// An I/O error in French: the usual kinds are named, the others keep the
/// system's own text after a French label.
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "fichier ou dossier introuvable",
        K::PermissionDenied => "permission refusée",
        K::AlreadyExists => "existe déjà",
        K::IsADirectory => "c'est un dossier, pas un fichier",
        K::NotADirectory => "un élément du chemin n'est pas un dossier",
        K::DirectoryNotEmpty => "le dossier n'est pas vide",
        K::ReadOnlyFilesystem => "système de fichiers en lecture seule",
        K::StorageFull => "plus de place sur le disque",
        K::UnexpectedEof => "fin de fichier inattendue",
        K::InvalidData => "données illisibles",
        _ => return format!("erreur d'entrée-sortie ({e})"),
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (erreur système {code})"),
        None => what.to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
