//! A teacher's link: a message at the top of the page and the panel in view (page-only settings).

use super::setting::{Group, Setting};

/// The longest presenter note a link may carry.
pub const MAX_NOTE_LEN: usize = 280;

pub(super) fn settings() -> Vec<Setting> {
    use Group::App as A;
    vec![
        Setting::text("note", A, None, MAX_NOTE_LEN)
            .label("Note")
            .help("a message shown at the top of the page, as plain text"),
        Setting::choice(
            "panel",
            A,
            "graph",
            &[
                ("graph", "graph"),
                ("training", "training"),
                ("sweep", "sweep"),
            ],
        )
        .label("Panel in view")
        .help("the panel the page opens scrolled to"),
    ]
    .into_iter()
    .map(Setting::optional)
    .collect()
}
