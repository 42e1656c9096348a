//! One error type for every user-facing failure: a single line that says what is wrong, and,
//! where one setting is at fault, its link key (so a page marks that input without reading the
//! text).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    field: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(msg: impl Into<String>) -> Self {
        // Keep messages on one line whatever the caller passed.
        let msg: String = msg.into();
        Error {
            message: msg.replace(['\n', '\r'], " "),
            field: None,
        }
    }

    /// An error about one setting, named by its link key (`src/settings/mod.rs`).
    pub fn at(field: &'static str, msg: impl Into<String>) -> Self {
        Error {
            field: Some(field),
            ..Error::new(msg)
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The link key of the setting at fault, if one is.
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// `bail!("...", args)` returns an [`Error`] from the current function.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::Error::new(format!($($arg)*))) };
}

/// `bail_at!("key", "...", args)` returns an [`Error`] about the setting with that link key.
#[macro_export]
macro_rules! bail_at {
    ($field:expr, $($arg:tt)*) => { return Err($crate::Error::at($field, format!($($arg)*))) };
}
