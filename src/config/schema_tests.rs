//! The settings schema's own checks (src/config/schema.rs).

use super::*;

#[test]
fn keys_are_unique_and_defaults_are_in_range_and_among_the_values() {
    let all = settings();
    for (i, s) in all.iter().enumerate() {
        assert!(all[..i].iter().all(|o| o.key != s.key), "{} twice", s.key);
        match (&s.def, s.kind) {
            (Value::Null, _) => assert!(s.optional, "{}", s.key),
            (Value::Number(x), Kind::Int | Kind::Float) => {
                let x = x.as_f64().unwrap();
                assert!(s.min.unwrap() <= x && x <= s.max.unwrap(), "{}", s.key);
            }
            (Value::String(v), Kind::Enum) => {
                assert!(s.values.contains(&v.as_str()), "{}", s.key);
                assert_eq!(s.values.len(), s.labels.len(), "{}", s.key);
            }
            (Value::Bool(_), Kind::Bool) => {}
            (d, k) => panic!("{}: default {d} is not a {k:?}", s.key),
        }
    }
}

#[test]
fn the_graph_defaults_are_the_engines() {
    let d = serde_json::to_value(GraphConfig::default()).unwrap();
    for s in settings().iter().filter(|s| s.group == Group::Graph) {
        assert_eq!(s.def, d[s.key], "{}", s.key);
    }
}

#[test]
fn the_module_is_javascript_with_every_key() {
    let js = javascript_module();
    assert!(js.contains("export const SETTINGS = ["));
    for s in settings() {
        assert!(js.contains(&format!("\"key\": \"{}\"", s.key)));
    }
}

/// The link's values (`as_str`) are what the engine reads (serde) and what `--recover` takes.
#[test]
fn the_recovery_values_are_the_engines_names() {
    for r in Recovery::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), json!(r.as_str()));
        #[cfg(feature = "cli")]
        assert_eq!(
            clap::ValueEnum::to_possible_value(&r).unwrap().get_name(),
            r.as_str()
        );
    }
    assert_eq!(
        setting("recover").unwrap().def,
        json!(Recovery::default().as_str())
    );
}
