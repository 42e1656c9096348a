//! One setting of the schema and the builders the schema's lists are written with.

use serde::Serialize;
use serde_json::{Value, json};

/// Which part of the app owns a key: `graph` keys go to the graph engine as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Graph,
    App,
    Train,
    Sweep,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole number in `[min, max]` (a link's out-of-range value is clamped, with a message).
    Int,
    /// A finite number in `[min, max]`.
    Float,
    /// One of `values`.
    Enum,
    /// `true` / `false` (links also accept 1 / 0).
    Bool,
    /// Text of at most `max` characters, matching `pattern` (a regular expression) when given.
    Text,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setting {
    pub key: &'static str,
    pub group: Group,
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The value used when the link does not set the key (null: unset).
    pub def: Value,
    /// Absent from a link unless set (so links without a panel's keys stay short).
    pub optional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<&'static str>,
    /// A text setting's form (anchored regular expression, the same in Rust's and JS's syntax).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
    /// What a form shows for each of `values` (same order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<&'static str>,
    pub label: &'static str,
    pub help: &'static str,
    /// A default that another setting decides, declared here so no form or link writes the rule:
    /// `{"key": other setting, "values": {its value: this default}}`. The setting itself is then
    /// unset (null) unless given, and the engine applies the rule (e.g. `TrainConfig::from_json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub def_by: Option<Value>,
}

impl Setting {
    pub(super) fn new(
        key: &'static str,
        group: Group,
        kind: Kind,
        def: Value,
        label: &'static str,
    ) -> Self {
        Setting {
            key,
            group,
            kind,
            def,
            optional: false,
            min: None,
            max: None,
            values: Vec::new(),
            pattern: None,
            labels: Vec::new(),
            label,
            help: "",
            def_by: None,
        }
    }

    pub(super) fn int(
        key: &'static str,
        group: Group,
        def: impl Into<Value>,
        range: (f64, f64),
    ) -> Self {
        Setting {
            min: Some(range.0),
            max: Some(range.1),
            ..Setting::new(key, group, Kind::Int, def.into(), key)
        }
    }

    pub(super) fn float(key: &'static str, group: Group, def: f64, range: (f64, f64)) -> Self {
        Setting {
            min: Some(range.0),
            max: Some(range.1),
            ..Setting::new(key, group, Kind::Float, json!(def), key)
        }
    }

    /// `choices`: (value, form text) pairs.
    pub(super) fn choice(
        key: &'static str,
        group: Group,
        def: &str,
        choices: &[(&'static str, &'static str)],
    ) -> Self {
        Setting {
            values: choices.iter().map(|c| c.0).collect(),
            labels: choices.iter().map(|c| c.1).collect(),
            ..Setting::new(key, group, Kind::Enum, json!(def), key)
        }
    }

    /// Text of at most `max_len` characters, matching `pattern` when given; unset by default.
    pub(super) fn text(
        key: &'static str,
        group: Group,
        pattern: Option<&'static str>,
        max_len: usize,
    ) -> Self {
        Setting {
            max: Some(max_len as f64),
            pattern,
            ..Setting::new(key, group, Kind::Text, Value::Null, key)
        }
    }

    pub(super) fn flag(key: &'static str, group: Group, def: bool) -> Self {
        Setting::new(key, group, Kind::Bool, json!(def), key)
    }

    pub(super) fn label(self, label: &'static str) -> Self {
        Setting { label, ..self }
    }

    pub(super) fn help(self, help: &'static str) -> Self {
        Setting { help, ..self }
    }

    /// Not written into a link unless set.
    pub(super) fn optional(self) -> Self {
        Setting {
            optional: true,
            ..self
        }
    }

    /// Unset unless given; its default then follows setting `key`'s value (`values`: its value →
    /// this default).
    pub(super) fn default_by(self, key: &'static str, values: &[(&'static str, f64)]) -> Self {
        let map: serde_json::Map<String, Value> = values
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        Setting {
            def_by: Some(json!({ "key": key, "values": map })),
            ..self.unset()
        }
    }

    /// No default at all: unset unless a link or the app sets it.
    pub(super) fn unset(self) -> Self {
        Setting {
            def: Value::Null,
            ..self.optional()
        }
    }
}
