//! Where a type contains itself: fields and union alternatives that hold a type by value which
//! leads back to their own type must be boxed, or the type would have infinite size.

use crate::ir::{Api, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// The `(type, member)` pairs to box, members being field or union variant names.
#[derive(Debug, Default)]
pub struct Boxed(BTreeSet<(String, String)>);

impl Boxed {
    /// Finds every by-value edge that lies on a cycle.
    pub fn of(api: &Api) -> Boxed {
        let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for def in &api.types {
            let members: Vec<(&str, &TypeRef)> = match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .map(|f| (f.rust_name.as_str(), &f.ty))
                    .collect(),
                TypeKind::Union(u) => u
                    .variants
                    .iter()
                    .map(|v| (v.rust_name.as_str(), &v.ty))
                    .collect(),
                TypeKind::Alias(target) => vec![("", target)],
                TypeKind::Enum(_) => Vec::new(),
            };
            let targets = members
                .into_iter()
                .filter_map(|(member, ty)| by_value(ty).map(|target| (member, target)))
                .collect();
            edges.insert(&def.name, targets);
        }
        let mut boxed = BTreeSet::new();
        for (owner, targets) in &edges {
            for (member, target) in targets {
                if !member.is_empty() && reaches(&edges, target, owner) {
                    boxed.insert((owner.to_string(), member.to_string()));
                }
            }
        }
        Boxed(boxed)
    }

    /// Whether `member` of `owner` is boxed.
    pub fn contains(&self, owner: &str, member: &str) -> bool {
        self.0.contains(&(owner.to_string(), member.to_string()))
    }
}

/// The named type a value holds inline (arrays and maps already live on the heap).
fn by_value(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

fn reaches(edges: &BTreeMap<&str, Vec<(&str, &str)>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(current) = stack.pop() {
        if current == to {
            return true;
        }
        if seen.insert(current) {
            stack.extend(edges.get(current).into_iter().flatten().map(|(_, t)| *t));
        }
    }
    false
}
