//! Changes to defaults and validation keywords (`minimum`, `maxLength`, `pattern`, …). The
//! generated code checks none of them, so they change the wire only.
//!
//! Rule ids are built from parts, as oasdiff names them: `request-parameter-` +
//! `max-length` + `-decreased`. Tightening a limit on what clients send can break them;
//! loosening a limit on what they receive can.

use super::{rules, Recorder, RustEffect};
use crate::ir::Constraints;

/// Where a limit applies: `request-parameter`, `request-property` or `response-property`.
#[cfg(test)]
const PREFIXES: [&str; 3] = ["request-parameter", "request-property", "response-property"];

/// One numeric limit: the keyword part of its rule ids, whether it is an upper bound, whether
/// requests have a `-set` rule for it (oasdiff's warning for a limit where there was none), the
/// spec's spelling, and where the model keeps it.
type Numeric = (
    &'static str,
    bool,
    bool,
    &'static str,
    fn(&Constraints) -> Option<f64>,
);

const NUMERIC: [Numeric; 6] = [
    ("max", true, true, "maximum", |c| c.maximum),
    ("min", false, true, "minimum", |c| c.minimum),
    ("max-length", true, true, "maxLength", |c| {
        count(c.max_length)
    }),
    ("min-length", false, false, "minLength", |c| {
        count(c.min_length)
    }),
    ("max-items", true, false, "maxItems", |c| count(c.max_items)),
    ("min-items", false, true, "minItems", |c| count(c.min_items)),
];

fn count(n: Option<usize>) -> Option<f64> {
    n.map(|n| n as f64)
}

/// What happened to one limit: `set`, `increased` or `decreased` (a limit removed counts as
/// loosened all the way).
fn action(old: Option<f64>, new: Option<f64>, upper: bool, set_rule: bool) -> Option<&'static str> {
    Some(match (old, new) {
        (None, None) => return None,
        (Some(a), Some(b)) if a == b => return None,
        (None, Some(_)) if set_rule => "set",
        (None, Some(_)) if upper => "decreased",
        (None, Some(_)) => "increased",
        (Some(_), None) if upper => "increased",
        (Some(_), None) => "decreased",
        (Some(a), Some(b)) if b > a => "increased",
        (Some(_), Some(_)) => "decreased",
    })
}

fn show(value: Option<f64>) -> String {
    value.map_or("none".to_string(), |v| v.to_string())
}

fn no_rust_change() -> RustEffect {
    RustEffect::none("no change to the Rust API (the client does not check limits)")
}

/// Reports each limit that changed, under `prefix` (one of [`PREFIXES`]).
pub(super) fn diff_constraints(
    prefix: &str,
    what: &str,
    old: &Constraints,
    new: &Constraints,
    at: &mut Recorder,
) {
    let request = prefix.starts_with("request");
    for (part, upper, set_rule, keyword, value) in NUMERIC {
        let (old_value, new_value) = (value(old), value(new));
        let Some(action) = action(old_value, new_value, upper, set_rule && request) else {
            continue;
        };
        let id = format!("{prefix}-{part}-{action}");
        if let Some(rule) = rules::find(&id) {
            at.push(
                rule.id,
                format!(
                    "{what}: `{keyword}` {} → {}",
                    show(old_value),
                    show(new_value)
                ),
                no_rust_change(),
            );
        }
    }
    let Some(action) = text_action(&old.pattern, &new.pattern) else {
        return;
    };
    if let Some(rule) = rules::find(&format!("{prefix}-pattern-{action}")) {
        at.push(
            rule.id,
            format!(
                "{what}: `pattern` {} → {}",
                show_text(&old.pattern),
                show_text(&new.pattern)
            ),
            no_rust_change(),
        );
    }
}

/// What happened to a text keyword (`pattern`, `default`): `added`, `removed` or `changed`.
fn text_action(old: &Option<String>, new: &Option<String>) -> Option<&'static str> {
    match (old, new) {
        (None, Some(_)) => Some("added"),
        (Some(_), None) => Some("removed"),
        (Some(a), Some(b)) if a != b => Some("changed"),
        _ => None,
    }
}

fn show_text(text: &Option<String>) -> String {
    text.as_deref()
        .map_or("none".to_string(), |t| format!("`{t}`"))
}

/// Reports a default that was added, changed or removed, under `prefix`.
pub(super) fn diff_default(
    prefix: &str,
    what: &str,
    old: &Option<String>,
    new: &Option<String>,
    at: &mut Recorder,
) {
    let Some(action) = text_action(old, new) else {
        return;
    };
    if let Some(rule) = rules::find(&format!("{prefix}-default-value-{action}")) {
        at.push(
            rule.id,
            format!("{what}: default {} → {}", show_text(old), show_text(new)),
            RustEffect::none("doc comment only (the client sends no default itself)"),
        );
    }
}

/// Every id these checks can build.
#[cfg(test)]
fn built_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for prefix in PREFIXES {
        let request = prefix.starts_with("request");
        for (part, _, set_rule, _, _) in NUMERIC {
            for action in ["increased", "decreased"] {
                ids.push(format!("{prefix}-{part}-{action}"));
            }
            if set_rule && request {
                ids.push(format!("{prefix}-{part}-set"));
            }
        }
        for action in ["added", "changed", "removed"] {
            ids.push(format!("{prefix}-pattern-{action}"));
            ids.push(format!("{prefix}-default-value-{action}"));
        }
    }
    ids
}

/// Whether `text` is a part these checks build ids from (for the table test in `mod.rs`).
#[cfg(test)]
pub(super) fn is_part(text: &str) -> bool {
    PREFIXES.contains(&text) || NUMERIC.iter().any(|n| n.0 == text)
}

/// Whether these checks can report `id`.
#[cfg(test)]
pub(super) fn builds(id: &str) -> bool {
    built_ids().iter().any(|built| built == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_the_checks_build_is_in_the_table() {
        for id in built_ids() {
            assert!(
                rules::find(&id).is_some(),
                "`{id}` is not in the rule table"
            );
        }
    }

    #[test]
    fn a_limit_moves_the_way_its_bound_points() {
        assert_eq!(action(Some(10.0), Some(5.0), true, true), Some("decreased"));
        assert_eq!(action(None, Some(5.0), true, true), Some("set"));
        assert_eq!(action(None, Some(5.0), true, false), Some("decreased"));
        assert_eq!(action(None, Some(5.0), false, false), Some("increased"));
        assert_eq!(action(Some(5.0), None, true, true), Some("increased"));
        assert_eq!(action(Some(5.0), None, false, true), Some("decreased"));
        assert_eq!(action(Some(5.0), Some(5.0), false, true), None);
    }
}
