//! The settings schema's own checks (src/settings/mod.rs).

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

/// The learning rate's default follows the optimizer: declared once (the schema's `def_by`, which
/// the forms show), applied by the engine to a request without a rate (the page's), and the
/// same as the CLI's default for `--lr`.
#[test]
fn the_learning_rate_default_follows_the_optimizer() {
    let lr = setting("lr").unwrap();
    assert_eq!(lr.def, Value::Null);
    let by = lr.def_by.as_ref().unwrap();
    assert_eq!(by["key"], "optimizer");
    for k in [OptimizerKind::Sgd, OptimizerKind::Adam] {
        let name = serde_json::to_value(k).unwrap();
        let want = k.default_lr();
        assert_eq!(by["values"][name.as_str().unwrap()], json!(want));
        for req in [
            json!({ "optimizer": name }),
            json!({ "optimizer": name, "lr": null }),
        ] {
            assert_eq!(TrainConfig::from_json(&req.to_string()).unwrap().lr, want);
        }
        let given = json!({ "optimizer": name, "lr": 0.3 }).to_string();
        assert_eq!(TrainConfig::from_json(&given).unwrap().lr, 0.3);
    }
    assert_eq!(
        TrainConfig::from_json("{}").unwrap().lr,
        OptimizerKind::Sgd.default_lr()
    );
    let bad = TrainConfig::from_json(r#"{"optimizer":"rmsprop"}"#).unwrap_err();
    assert!(bad.to_string().contains("rmsprop"), "{bad}");
}

/// The link of a graph, written from the schema as the page writes it: every graph key in the
/// schema's order, numbers in their shortest form, `stop_after` only when set.
#[test]
fn a_graph_link_is_written_in_the_schemas_order() {
    let d = GraphConfig::default();
    let link = graph_link(&d);
    let keys: Vec<&str> = link
        .trim_start_matches("#v=1&")
        .split('&')
        .map(|kv| kv.split('=').next().unwrap_or(""))
        .collect();
    let graph_keys: Vec<&str> = settings()
        .iter()
        .filter(|s| s.group == Group::Graph && s.key != "stop_after")
        .map(|s| s.key)
        .collect();
    assert_eq!(keys, graph_keys);
    assert!(link.starts_with("#v=1&nodes=64&degree=4&init="), "{link}");
    assert!(
        link.contains(&format!("&interval_down={}&", d.interval_down)),
        "{link}"
    );
    let stopped = GraphConfig {
        stop_after: Some(1234),
        target_aspl: 2.5,
        ..d
    };
    let link = graph_link(&stopped);
    assert!(
        link.ends_with("&stop_after=1234") && link.contains("&target_aspl=2.5&"),
        "{link}"
    );
}
