//! Change reports: Markdown for pull requests, JSON for tools, GitHub annotations for checks.

use super::semver::{Bump, Proposal};
use super::{Change, Level, RustImpact};
use std::fmt::Write;

const LEVELS: [Level; 3] = [Level::Breaking, Level::Warning, Level::Safe];
const IMPACTS: [RustImpact; 3] = [RustImpact::Breaking, RustImpact::Addition, RustImpact::None];

fn count(changes: &[Change], level: Level, impact: Option<RustImpact>) -> usize {
    changes
        .iter()
        .filter(|c| c.wire == level && impact.is_none_or(|i| c.rust.impact == i))
        .count()
}

/// The Markdown report of `changes` between `old` and `new` (names of the compared inputs),
/// with the proposed next version of the generated crate.
pub fn markdown(old: &str, new: &str, changes: &[Change], proposal: &Proposal) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API changes: `{old}` → `{new}`\n");
    if changes.is_empty() {
        let _ = writeln!(out, "No changes to the API.");
        return out;
    }
    let _ = writeln!(
        out,
        "| wire \\ Rust | breaking | addition | none |\n|---|---|---|---|"
    );
    for level in LEVELS {
        let cells: Vec<String> = IMPACTS
            .iter()
            .map(|i| count(changes, level, Some(*i)).to_string())
            .collect();
        let _ = writeln!(out, "| {} | {} |", level.name(), cells.join(" | "));
    }
    let _ = writeln!(out, "\n{}", proposal_text(changes, proposal));
    let unacknowledged = changes
        .iter()
        .filter(|c| c.wire == Level::Breaking && !c.acknowledged)
        .count();
    if unacknowledged > 0 {
        let _ = writeln!(
            out,
            "\n{unacknowledged} wire-breaking change(s) not acknowledged: to accept one, add its \
             key (the `code` after each entry) to the ignore file."
        );
    }
    for level in LEVELS {
        let section: Vec<&Change> = changes.iter().filter(|c| c.wire == level).collect();
        if section.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### Wire: {} ({})\n", level.name(), section.len());
        for change in section {
            let acknowledged = if change.acknowledged {
                " (acknowledged)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- **{}**: {}{acknowledged}. Rust {}: {}. `{}`",
                change.location,
                change.message,
                change.rust.impact.name(),
                change.rust.effect,
                change.key()
            );
        }
    }
    out
}

fn proposal_text(changes: &[Change], proposal: &Proposal) -> String {
    let version = proposal
        .next
        .as_deref()
        .map_or(String::new(), |v| format!(" → **{v}**"));
    let why = |what: &str| {
        let mut items: Vec<String> = proposal
            .because
            .iter()
            .filter_map(|&i| changes.get(i))
            .map(|c| c.rust.effect.clone())
            .collect();
        items.dedup();
        let shown = items.len().min(5);
        let more = if items.len() > shown {
            format!("; {} more", items.len() - shown)
        } else {
            String::new()
        };
        format!("{what}: {}{more}", items[..shown].join("; "))
    };
    match proposal.bump {
        Bump::Major => format!(
            "Next crate version: **major**{version}. {}.",
            why(&format!(
                "{} change(s) break Rust code",
                proposal.because.len()
            ))
        ),
        Bump::Minor => format!(
            "Next crate version: **minor**{version}. {}.",
            why("new API")
        ),
        Bump::Patch => {
            format!("Next crate version: **patch**{version}: no change to the Rust API.")
        }
        Bump::None => "No new crate version needed.".to_string(),
    }
}

/// The JSON report: `{"old", "new", "summary", "next_version", "changes"}`.
pub fn json(old: &str, new: &str, changes: &[Change], proposal: &Proposal) -> String {
    let mut wire = serde_json::Map::new();
    for level in LEVELS {
        wire.insert(level.name().into(), count(changes, level, None).into());
    }
    let mut rust = serde_json::Map::new();
    for impact in IMPACTS {
        let n = changes.iter().filter(|c| c.rust.impact == impact).count();
        rust.insert(impact.name().into(), n.into());
    }
    let report = serde_json::json!({
        "old": old,
        "new": new,
        "summary": { "wire": wire, "rust": rust },
        "next_version": proposal,
        "changes": changes,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// GitHub workflow commands: an error per unacknowledged wire-breaking change, a warning per
/// wire warning or Rust-breaking change, a notice per acknowledged break; `file` is the spec
/// the annotations point at.
pub fn github_annotations(file: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        let command = match (change.wire, change.acknowledged, change.rust.impact) {
            (Level::Breaking, false, _) => "error",
            (Level::Breaking, true, _) => "notice",
            (Level::Warning, ..) | (_, _, RustImpact::Breaking) => "warning",
            _ => continue,
        };
        let message = format!(
            "{}: {} (wire {}, Rust {}: {})",
            change.location,
            change.message,
            change.wire.name(),
            change.rust.impact.name(),
            change.rust.effect
        );
        let _ = writeln!(
            out,
            "::{command} file={},title={}::{}",
            escape_property(file),
            escape_property(change.rule),
            escape_data(&message)
        );
    }
    out
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_github_reads_as_syntax() {
        assert_eq!(escape_data("50% of\nlines"), "50%25 of%0Alines");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
