//! Lists of known exceptions for the test suites: each entry names a case, where in it, and why
//! it is expected. Tests compare what they find with their list for equality, so a new failure
//! and a fixed one both fail the test, and the figures the README gives come from these lists.

use std::collections::BTreeSet;

/// Known exceptions: (case, where, reason).
pub(crate) type Known = &'static [(&'static str, &'static str, &'static str)];

/// Checks that `found` ((case, where, detail) for each exception met) names exactly the
/// entries of `known`, and prints them with their reasons.
pub(crate) fn assert_known(what: &str, found: &[(String, String, String)], known: Known) {
    let found_keys: BTreeSet<(&str, &str)> = found
        .iter()
        .map(|(case, at, _)| (case.as_str(), at.as_str()))
        .collect();
    let known_keys: BTreeSet<(&str, &str)> =
        known.iter().map(|(case, at, _)| (*case, *at)).collect();
    println!("{what}: {}", found.len());
    for (case, at, reason) in known {
        println!("  {case} at `{at}`: {reason}");
    }
    let new: Vec<String> = found
        .iter()
        .filter(|(case, at, _)| !known_keys.contains(&(case.as_str(), at.as_str())))
        .map(|(case, at, detail)| format!("  {case} at `{at}`: {detail}"))
        .collect();
    let fixed: Vec<String> = known
        .iter()
        .filter(|(case, at, _)| !found_keys.contains(&(*case, *at)))
        .map(|(case, at, _)| format!("  {case} at `{at}`"))
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty() && found_keys.len() == found.len(),
        "{what}: the list of known cases no longer matches\nnew:\n{}\nlisted but no longer met:\n{}",
        new.join("\n"),
        fixed.join("\n"),
    );
}
