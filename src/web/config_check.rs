//! What the page may run: a graph configuration checked by the engine's rules, plus what fits in
//! a browser tab, answered as `{ field, message }` so the page marks the input at fault without
//! reading the message (`www/app.js`, the graph worker's `check`).

use super::graph_api::config_from_json_str;
use super::to_js;
use crate::Error;
use crate::config::GraphConfig;
use crate::search::family::check_family;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A family keeps every graph it makes; past this many bytes of graphs a tab may run out of
/// memory (`rgp family` has no such limit).
pub const MAX_FAMILY_BYTES: u64 = 512 << 20;

/// The family builder's rules, plus what fits in a browser tab.
pub fn check_family_in_tab(cfg: &GraphConfig) -> crate::Result<()> {
    check_family(cfg)?;
    let graphs = cfg.trajectories as u64 * cfg.steps as u64;
    let (n, k) = (cfg.nodes as u64, cfg.degree as u64);
    let bytes = graphs * (4 * n * k + 8 * n * n.div_ceil(64));
    if bytes > MAX_FAMILY_BYTES {
        return Err(Error::at(
            "trajectories",
            format!(
                "{graphs} graphs of {n} nodes need about {} MB, more than a tab can hold ({} MB); \
                 use fewer trajectories or steps, or rgp family",
                (bytes as f64 / (1u64 << 20) as f64).round(),
                MAX_FAMILY_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// What is wrong with a configuration: the setting at fault (its link key, when one is) and the
/// one-line message.
#[derive(Serialize, Debug, PartialEq)]
pub struct Problem {
    pub field: Option<&'static str>,
    pub message: String,
}

/// The first problem of a configuration (`family`: as the family builder reads it), or `None`.
pub fn problem_of(json: &str, family: bool) -> Option<Problem> {
    let checked = config_from_json_str(json).and_then(|cfg| match family {
        true => check_family_in_tab(&cfg),
        false => Ok(()),
    });
    checked.err().map(|e| Problem {
        field: e.field(),
        message: e.message().to_string(),
    })
}

/// `null` when the page may run this configuration, else `{ field, message }`: the page marks
/// the input named by `field` (a link key) without reading the text.
#[wasm_bindgen]
pub fn check_config(json: &str, family: bool) -> Result<JsValue, JsError> {
    to_js(&problem_of(json, family))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_setting_at_fault() {
        let p = |json: &str, family| problem_of(json, family).map(|p| (p.field, p.message));
        assert_eq!(p("{}", false), None);
        let (field, message) = p(r#"{"nodes": 63, "degree": 3}"#, false).unwrap();
        assert_eq!(field, Some("degree"));
        assert!(
            message.starts_with("nodes x degree must be even"),
            "{message}"
        );
        let (field, _) = p(r#"{"interval_down": 0.3, "interval_up": 0.2}"#, false).unwrap();
        assert_eq!(field, Some("interval_up"));
        let (field, _) = p(r#"{"search": "target", "target_aspl": 0.5}"#, false).unwrap();
        assert_eq!(field, Some("target_aspl"));
        // Unknown keys are the configuration's fault, not one field's.
        assert_eq!(p(r#"{"colour": 1}"#, false).unwrap().0, None);
        // Family rules apply to families only; a tab holds 512 MB of graphs.
        let big = r#"{"nodes": 1024, "degree": 512, "trajectories": 100, "steps": 100}"#;
        assert_eq!(p(big, false), None);
        let (field, message) = p(big, true).unwrap();
        assert_eq!(field, Some("trajectories"));
        assert!(
            message.contains("more than a tab can hold (512 MB)"),
            "{message}"
        );
        let (field, _) = p(r#"{"trajectories": 1000, "steps": 10000}"#, true).unwrap();
        assert_eq!(field, Some("trajectories"));
    }
}
