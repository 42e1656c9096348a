//! Where a user's data lives and how it is read: what `rgp train` takes as flags and a sweep
//! keeps in `sweep.json` (so a resumed or sharded sweep reads the same data the same way).

use super::images::Color;
use serde::{Deserialize, Serialize};

/// A folder of images or a CSV table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserDataKind {
    Images,
    Table,
}

impl UserDataKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserDataKind::Images => "images",
            UserDataKind::Table => "table",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserData {
    pub kind: UserDataKind,
    /// The folder or file, as given.
    pub path: String,
    /// Images: the side they are resized to and their colour (unset: the defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Table: the class column, and whether bad rows are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default)]
    pub drop_bad_rows: bool,
    /// The fraction of each class kept for testing.
    pub test_split: f64,
}
