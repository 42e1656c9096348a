//! A teacher's link: a message at the top of the page, the panel in view, and what an embedded view
//! (`embed.html`) shows and starts by itself (page-only settings).

use super::setting::{Group, Setting};

/// The longest presenter note a link may carry.
pub const MAX_NOTE_LEN: usize = 280;
/// `hide=`: setting keys (lower case, digits, `_`), comma-separated.
const HIDE_PATTERN: &str = "^[a-z0-9_]+(,[a-z0-9_]+)*$";
const MAX_HIDE_LEN: usize = 400;

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
        Setting::choice(
            "view",
            A,
            "graph",
            &[
                ("graph", "the graph"),
                ("search", "the search"),
                ("train", "training"),
                ("race", "the race"),
                ("sweep", "the sweep"),
            ],
        )
        .label("Embedded view")
        .help("what an embedded page (embed.html) shows"),
        Setting::text("hide", A, Some(HIDE_PATTERN), MAX_HIDE_LEN)
            .label("Hidden controls")
            .help("setting keys, comma-separated, whose controls an embedded page leaves out"),
        Setting::choice(
            "autorun",
            A,
            "false",
            &[
                ("false", "after a click"),
                ("true", "the search"),
                ("train", "the search, then training"),
            ],
        )
        .label("Runs by itself")
        .help(
            "what an embedded page starts on opening (training never on a data-saving connection)",
        ),
        Setting::flag("tour", A, false)
            .label("Tour")
            .help("start the guided tour of a first visit"),
    ]
    .into_iter()
    .map(Setting::optional)
    .collect()
}
