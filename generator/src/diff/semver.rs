//! The generated crate's next version, from the Rust verdicts of a diff (Cargo's semver rules:
//! in `0.y.z`, `y` is the major part).

use super::{Change, RustImpact};
use serde::Serialize;

/// The kind of release a diff calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Code written against the previous crate may not compile.
    Major,
    /// New API only.
    Minor,
    /// Nothing in the Rust API changed (wire-only changes, doc comments).
    Patch,
    /// No change at all.
    None,
}

/// The proposal: the bump, the version it gives, and the changes that force it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The kind of release.
    pub bump: Bump,
    /// The version the bump gives, when the current one is known and is `x.y.z`.
    pub next: Option<String>,
    /// Indices into the changes of those that force the bump (Rust-breaking changes for a
    /// major release, additions for a minor one).
    pub because: Vec<usize>,
}

/// The release `changes` call for, from crate version `current` (if known).
pub fn propose(current: Option<&str>, changes: &[Change]) -> Proposal {
    let with = |impact: RustImpact| -> Vec<usize> {
        changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.rust.impact == impact)
            .map(|(i, _)| i)
            .collect()
    };
    let (bump, because) = match (with(RustImpact::Breaking), with(RustImpact::Addition)) {
        (breaking, _) if !breaking.is_empty() => (Bump::Major, breaking),
        (_, additions) if !additions.is_empty() => (Bump::Minor, additions),
        _ if changes.is_empty() => (Bump::None, Vec::new()),
        _ => (Bump::Patch, Vec::new()),
    };
    Proposal {
        bump,
        next: current.and_then(|v| bumped(v, bump)),
        because,
    }
}

/// `version` after `bump`, by Cargo's rules for `0.y.z` and `0.0.z`.
pub fn bumped(version: &str, bump: Bump) -> Option<String> {
    let core = version.split(['-', '+']).next()?;
    let parts: Vec<u64> = core
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    let next = match (bump, major, minor) {
        (Bump::None, ..) => (major, minor, patch),
        (_, 0, 0) => (0, 0, patch + 1),
        (Bump::Major, 0, _) => (0, minor + 1, 0),
        (Bump::Minor | Bump::Patch, 0, _) => (0, minor, patch + 1),
        (Bump::Major, ..) => (major + 1, 0, 0),
        (Bump::Minor, ..) => (major, minor + 1, 0),
        (Bump::Patch, ..) => (major, minor, patch + 1),
    };
    Some(format!("{}.{}.{}", next.0, next.1, next.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargo_rules() {
        assert_eq!(bumped("0.3.1", Bump::Major).as_deref(), Some("0.4.0"));
        assert_eq!(bumped("0.3.1", Bump::Minor).as_deref(), Some("0.3.2"));
        assert_eq!(bumped("0.0.4", Bump::Major).as_deref(), Some("0.0.5"));
        assert_eq!(bumped("1.2.3", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(bumped("1.2.3", Bump::Minor).as_deref(), Some("1.3.0"));
        assert_eq!(bumped("1.2.3-rc.1", Bump::Patch).as_deref(), Some("1.2.4"));
        assert_eq!(bumped("1.2", Bump::Patch), None);
    }
}
