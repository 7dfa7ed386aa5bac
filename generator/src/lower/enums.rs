//! String enums: identical value lists become one type, and inline enums are named by rule.
//!
//! The naming rule, in order:
//! 1. values equal to those of a named component enum: that component's type (so a later spec
//!    that swaps an inline copy for a `$ref` does not change the Rust type);
//! 2. a name from the configuration's `type_names`, keyed by the pointer of any place it appears;
//! 3. used in several places under one property name: the singular of that property
//!    (`permissions` → `Permission`), unless another type has or wants that name;
//! 4. otherwise the parent's name and the property (`CreateUser` + `role` → `CreateUserRole`),
//!    from the first place it appears.

use super::hint::Hint;
use crate::ir::{Docs, EnumRepr, Enumeration, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::{ident, Case, Scope};
use std::collections::BTreeMap;

/// Marks a type name that is a placeholder until [`EnumTable::assign_names`] runs.
const PLACEHOLDER: &str = "\u{0}enum";

/// One place an inline enum appears.
#[derive(Debug, Clone)]
pub struct EnumSite {
    /// JSON pointer of the enum schema.
    pub pointer: String,
    /// Its parent and property.
    pub hint: Hint,
    /// Its documentation.
    pub docs: Docs,
}

#[derive(Debug)]
struct InlineGroup {
    values: Vec<String>,
    sites: Vec<EnumSite>,
    placeholder: String,
}

/// Every string enum seen so far.
#[derive(Debug, Default)]
pub struct EnumTable {
    named: Vec<(Vec<String>, String)>,
    inline: Vec<InlineGroup>,
}

impl EnumTable {
    /// Records a component enum under its Rust name.
    pub fn add_named(&mut self, values: Vec<String>, rust_name: &str) {
        if !self.named.iter().any(|(v, _)| *v == values) {
            self.named.push((values, rust_name.to_string()));
        }
    }

    /// Records an inline enum and returns the type to use for it. A new group also gets its
    /// type definition pushed to `types`, under a placeholder name.
    pub fn add_inline(
        &mut self,
        values: Vec<String>,
        site: EnumSite,
        types: &mut Vec<TypeDef>,
    ) -> TypeRef {
        if let Some((_, name)) = self.named.iter().find(|(v, _)| *v == values) {
            return TypeRef::Named(name.clone());
        }
        if let Some(group) = self.inline.iter_mut().find(|g| g.values == values) {
            group.sites.push(site);
            return TypeRef::Named(group.placeholder.clone());
        }
        let placeholder = format!("{PLACEHOLDER}{}", self.inline.len());
        types.push(TypeDef {
            name: placeholder.clone(),
            origin: site.pointer.clone(),
            docs: Docs {
                summary: None,
                description: site.docs.description.clone(),
                example: None,
                default: None,
            },
            deprecated: false,
            kind: TypeKind::Enum(string_enum(&values)),
        });
        self.inline.push(InlineGroup {
            values,
            sites: vec![site],
            placeholder: placeholder.clone(),
        });
        TypeRef::Named(placeholder)
    }

    /// Chooses the final name of every inline enum; returns placeholder → name.
    pub fn assign_names(
        &self,
        scope: &mut Scope,
        overrides: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        let shared_candidate = |group: &InlineGroup| -> Option<String> {
            let first = &group.sites[0].hint;
            let one_property = group
                .sites
                .iter()
                .all(|s| s.hint.property == first.property);
            (group.sites.len() > 1 && one_property).then(|| first.property_name())
        };
        let candidates: Vec<Option<String>> = self.inline.iter().map(shared_candidate).collect();
        let mut names = BTreeMap::new();
        for (group, candidate) in self.inline.iter().zip(&candidates) {
            let overridden = group
                .sites
                .iter()
                .find_map(|site| overrides.get(&site.pointer).cloned());
            let wanted_by_one = |name: &String| {
                candidates
                    .iter()
                    .filter(|c| c.as_ref() == Some(name))
                    .count()
                    == 1
            };
            let name = match (overridden, candidate) {
                (Some(name), _) => name,
                (None, Some(name)) if !scope.contains(name) && wanted_by_one(name) => name.clone(),
                _ => group.sites[0].hint.full_name(),
            };
            names.insert(group.placeholder.clone(), scope.claim(name));
        }
        names
    }

    /// Whether a type name is a placeholder.
    pub fn is_placeholder(name: &str) -> bool {
        name.starts_with(PLACEHOLDER)
    }
}

/// The IR of a string enum with the given values.
pub fn string_enum(values: &[String]) -> Enumeration {
    // `Unknown` holds values this client does not know yet.
    let mut scope = Scope::with_reserved(&["Unknown"]);
    Enumeration {
        variants: values
            .iter()
            .map(|value| Variant {
                rust_name: scope.claim(ident(value, Case::Type)),
                value: value.clone(),
            })
            .collect(),
        repr: EnumRepr::String,
    }
}

/// The IR of an integer enum: variants `V200`, `Minus1` for `200`, `-1`.
pub fn integer_enum(values: &[i64]) -> Enumeration {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    Enumeration {
        variants: values
            .iter()
            .map(|value| {
                let name = match value {
                    v if *v < 0 => format!("Minus{}", v.unsigned_abs()),
                    v => format!("V{v}"),
                };
                Variant {
                    rust_name: scope.claim(name),
                    value: value.to_string(),
                }
            })
            .collect(),
        repr: EnumRepr::Integer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(parent: &str, property: &str, item: bool) -> EnumSite {
        EnumSite {
            pointer: format!("#/components/schemas/{parent}/properties/{property}"),
            hint: Hint {
                parent: parent.into(),
                property: property.into(),
                item,
            },
            docs: Docs::default(),
        }
    }

    fn values(list: &[&str]) -> Vec<String> {
        list.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn named_component_wins_over_inline_copies() {
        let mut table = EnumTable::default();
        let mut types = Vec::new();
        table.add_named(values(&["a", "b"]), "Letters");
        let ty = table.add_inline(values(&["a", "b"]), site("X", "letter", false), &mut types);
        assert_eq!(ty, TypeRef::Named("Letters".into()));
        assert!(types.is_empty());
    }

    #[test]
    fn shared_enums_take_the_singular_property_name() {
        let mut table = EnumTable::default();
        let mut types = Vec::new();
        let scopes = ["read", "write"];
        let a = table.add_inline(
            values(&scopes),
            site("CreateKey", "permissions", true),
            &mut types,
        );
        let b = table.add_inline(
            values(&scopes),
            site("KeyList", "permissions", true),
            &mut types,
        );
        let c = table.add_inline(
            values(&["x"]),
            site("CreateUser", "role", false),
            &mut types,
        );
        assert_eq!(a, b);
        assert_eq!(types.len(), 2);
        let names = table.assign_names(&mut Scope::default(), &BTreeMap::new());
        let TypeRef::Named(a) = a else { unreachable!() };
        let TypeRef::Named(c) = c else { unreachable!() };
        assert_eq!(names[&a], "Permission");
        assert_eq!(names[&c], "CreateUserRole");
    }

    #[test]
    fn contested_or_taken_names_fall_back_to_parent_and_property() {
        let mut table = EnumTable::default();
        let mut types = Vec::new();
        for parent in ["A", "B"] {
            table.add_inline(
                values(&["1", "2"]),
                site(parent, "status", false),
                &mut types,
            );
            table.add_inline(
                values(&["3", "4"]),
                site(parent, "status", false),
                &mut types,
            );
        }
        let mut scope = Scope::default();
        let names = table.assign_names(&mut scope, &BTreeMap::new());
        let mut chosen: Vec<&String> = names.values().collect();
        chosen.sort();
        assert_eq!(chosen, ["AStatus", "AStatus2"]);
    }

    #[test]
    fn overrides_name_a_group_by_any_of_its_pointers() {
        let mut table = EnumTable::default();
        let mut types = Vec::new();
        let first = site("A", "role", false);
        let second = site("B", "role", false);
        let overrides = BTreeMap::from([(second.pointer.clone(), "MemberRole".to_string())]);
        table.add_inline(values(&["owner"]), first, &mut types);
        table.add_inline(values(&["owner"]), second, &mut types);
        let names = table.assign_names(&mut Scope::default(), &overrides);
        assert_eq!(names.values().next().unwrap(), "MemberRole");
    }

    #[test]
    fn variants_reserve_the_catch_all() {
        let e = string_enum(&values(&["unknown", "write:registries", "3d"]));
        let names: Vec<&str> = e.variants.iter().map(|v| v.rust_name.as_str()).collect();
        assert_eq!(names, ["Unknown2", "WriteRegistries", "V3d"]);
    }
}
