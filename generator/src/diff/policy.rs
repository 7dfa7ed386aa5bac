//! A project's reading of a diff: wire levels overridden per rule (oasdiff's
//! `--severity-levels`) and changes acknowledged in an ignore file (oasdiff's `--err-ignore`),
//! so an intended break does not fail the check again on every push.

use super::{rules, Change, Level};
use std::collections::BTreeMap;

/// Overrides and acknowledgements, read from their files.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    /// Rule id → its level here; `None` drops the rule's changes from reports.
    levels: BTreeMap<String, Option<Level>>,
    /// Acknowledged changes, as `rule location` keys (see [`Change::key`]).
    acknowledged: Vec<String>,
}

/// What applying a policy found besides the changes.
#[derive(Debug, Default)]
pub struct Applied {
    /// The changes, levels overridden, dropped rules left out, acknowledged ones marked.
    pub changes: Vec<Change>,
    /// Ignore-file entries that match no change (the change went away, or the entry is
    /// misspelt).
    pub unmatched: Vec<String>,
}

impl Policy {
    /// Reads a severity-levels file: one `rule-id LEVEL` per line, LEVEL being `ERR`, `WARN`,
    /// `INFO` (or `breaking`, `warning`, `safe`) or `NONE` to leave the rule out; `#` starts a
    /// comment. `name` is the file's name for errors.
    pub fn with_levels(mut self, text: &str, name: &str) -> Result<Policy, String> {
        for (number, line) in lines(text) {
            let mut words = line.split_whitespace();
            let (Some(id), Some(level), None) = (words.next(), words.next(), words.next()) else {
                return Err(format!(
                    "{name}:{number}: expected `rule-id LEVEL`, found `{line}`"
                ));
            };
            if rules::find(id).is_none() {
                return Err(format!("{name}:{number}: no rule is called `{id}`"));
            }
            let level = if level.eq_ignore_ascii_case("none") {
                None
            } else {
                Some(Level::parse(level).ok_or_else(|| {
                    format!("{name}:{number}: `{level}` is not ERR, WARN, INFO or NONE")
                })?)
            };
            self.levels.insert(id.to_string(), level);
        }
        Ok(self)
    }

    /// Reads an ignore file: one acknowledged change per line, written as the report shows its
    /// key (`rule-id location`, such as `api-removed-without-deprecation GET /pets/{petId}`);
    /// `#` starts a comment, for the reason.
    pub fn with_acknowledged(mut self, text: &str, name: &str) -> Result<Policy, String> {
        for (number, line) in lines(text) {
            let id = line.split_whitespace().next().unwrap_or_default();
            if rules::find(id).is_none() {
                return Err(format!(
                    "{name}:{number}: `{id}` is not a rule id (a line is `rule-id location`)"
                ));
            }
            self.acknowledged
                .push(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        Ok(self)
    }

    /// Applies the policy to a diff's changes.
    pub fn apply(&self, changes: Vec<Change>) -> Applied {
        let mut matched = vec![false; self.acknowledged.len()];
        let mut kept = Vec::with_capacity(changes.len());
        for mut change in changes {
            match self.levels.get(change.rule) {
                Some(None) => continue,
                Some(Some(level)) => change.wire = *level,
                None => {}
            }
            let key = change.key();
            if let Some(i) = self.acknowledged.iter().position(|entry| *entry == key) {
                matched[i] = true;
                change.acknowledged = true;
            }
            kept.push(change);
        }
        kept.sort();
        Applied {
            changes: kept,
            unmatched: self
                .acknowledged
                .iter()
                .zip(matched)
                .filter(|(_, matched)| !matched)
                .map(|(entry, _)| entry.clone())
                .collect(),
        }
    }
}

/// Non-empty lines without comments, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.split('#').next().unwrap_or_default().trim();
        (!line.is_empty()).then_some((i + 1, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Location, RustEffect, RustImpact};

    fn change(rule: &'static str, schema: &str) -> Change {
        Change {
            wire: rules::find(rule).unwrap().level,
            rule,
            location: Location::Schema {
                schema: schema.into(),
                field: None,
            },
            message: String::new(),
            rust: RustEffect {
                impact: RustImpact::None,
                items: Vec::new(),
                type_change: false,
                effect: String::new(),
            },
            acknowledged: false,
        }
    }

    #[test]
    fn levels_are_overridden_dropped_and_checked() {
        let policy = Policy::default()
            .with_levels(
                "# ours\nresponse-property-enum-value-added ERR\napi-schema-added NONE\n",
                "levels.txt",
            )
            .unwrap();
        let applied = policy.apply(vec![
            change("response-property-enum-value-added", "State"),
            change("api-schema-added", "New"),
        ]);
        assert_eq!(applied.changes.len(), 1);
        assert_eq!(applied.changes[0].wire, Level::Breaking);
        let error = Policy::default()
            .with_levels("no-such-rule ERR", "levels.txt")
            .unwrap_err();
        assert_eq!(error, "levels.txt:1: no rule is called `no-such-rule`");
        let error = Policy::default()
            .with_levels("\napi-schema-added LOUD", "levels.txt")
            .unwrap_err();
        assert!(error.starts_with("levels.txt:2: `LOUD`"), "{error}");
    }

    #[test]
    fn acknowledged_changes_are_marked_and_stale_entries_listed() {
        let policy = Policy::default()
            .with_acknowledged(
                "api-schema-removed  Old   # replaced by New\napi-schema-removed Gone\n",
                "ignore.txt",
            )
            .unwrap();
        let applied = policy.apply(vec![
            change("api-schema-removed", "Old"),
            change("api-schema-removed", "Other"),
        ]);
        let marks: Vec<bool> = applied.changes.iter().map(|c| c.acknowledged).collect();
        assert_eq!(marks, [true, false]);
        assert_eq!(applied.unmatched, ["api-schema-removed Gone"]);
    }
}
