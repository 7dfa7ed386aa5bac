//! Resolving `$ref`s into the document, with a suggestion when a reference is misspelt.

use crate::error::{closest, Error, Result};
use openapiv3::{Components, ReferenceOr};

/// The part of a `$ref` after `#/components/<section>/`, or an error naming the reference.
pub fn component_name<'r>(reference: &'r str, section: &str, pointer: &str) -> Result<&'r str> {
    let prefix = format!("#/components/{section}/");
    reference
        .strip_prefix(&prefix)
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .ok_or_else(|| {
            Error::at(format!("unsupported $ref '{reference}'"), pointer).with_hint(format!(
                "only references within this document of the form '{prefix}<name>' are supported here"
            ))
        })
}

/// Looks `reference` up in one section of the components, following chains of references.
pub fn resolve<'a, T>(
    components: Option<&'a Components>,
    section: &str,
    pick: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    reference: &str,
    pointer: &str,
) -> Result<&'a T> {
    let mut current = reference.to_string();
    // Each step moves to another entry, so a chain longer than the section is a cycle.
    let limit = components.map(|c| pick(c).len()).unwrap_or(0) + 1;
    for _ in 0..limit {
        let name = component_name(&current, section, pointer)?;
        let entries = components.map(&pick);
        match entries.and_then(|entries| entries.get(name)) {
            Some(ReferenceOr::Item(item)) => return Ok(item),
            Some(ReferenceOr::Reference { reference }) => current = reference.clone(),
            None => {
                let known = entries.map(|e| e.keys().map(String::as_str).collect::<Vec<_>>());
                return Err(unresolved(
                    &current,
                    section,
                    known.as_deref().unwrap_or(&[]),
                    pointer,
                ));
            }
        }
    }
    Err(Error::at(format!("cyclic $ref '{reference}'"), pointer)
        .with_hint("the references form a loop with no definition in it"))
}

/// The error for a reference to a missing component, with the closest existing name as a hint.
pub fn unresolved(reference: &str, section: &str, known: &[&str], pointer: &str) -> Error {
    let error = Error::at(format!("unresolved $ref '{reference}'"), pointer);
    let wanted = reference.rsplit('/').next().unwrap_or(reference);
    match closest(wanted, known.iter().copied()) {
        Some(name) => error.with_hint(format!("did you mean '#/components/{section}/{name}'?")),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let error = unresolved(
            "#/components/schemas/Sandboxx",
            "schemas",
            &["Sandbox", "Snapshot", "Volume"],
            "#/paths/~1sandbox/get",
        );
        assert_eq!(
            error.hint.as_deref(),
            Some("did you mean '#/components/schemas/Sandbox'?")
        );
        let far = unresolved("#/components/schemas/Zzz", "schemas", &["Sandbox"], "#");
        assert_eq!(far.hint, None);
    }

    #[test]
    fn external_references_are_refused() {
        let error = component_name("other.yaml#/Foo", "schemas", "#/x").unwrap_err();
        assert!(error.headline.contains("unsupported $ref"));
        assert_eq!(
            component_name("#/components/schemas/A", "schemas", "#").unwrap(),
            "A"
        );
    }
}
