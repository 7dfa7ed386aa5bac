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
        // An edge lies on a cycle exactly when both ends are in one strongly connected
        // component: one pass over the graph, however many types the document has.
        let component = strongly_connected(&edges);
        let mut boxed = BTreeSet::new();
        for (owner, targets) in &edges {
            for (member, target) in targets {
                if !member.is_empty() && component.get(target) == component.get(owner) {
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

/// The strongly connected component of every type (Tarjan's algorithm, with an explicit stack
/// instead of recursion, so a chain of thousands of types needs no deep call stack).
fn strongly_connected<'a>(
    edges: &BTreeMap<&'a str, Vec<(&'a str, &'a str)>>,
) -> BTreeMap<&'a str, usize> {
    struct Visit {
        index: usize,
        low: usize,
    }
    let mut visits: BTreeMap<&str, Visit> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    let mut components = 0;
    let successors = |node: &str| -> Vec<&'a str> {
        edges
            .get(node)
            .map(|targets| targets.iter().map(|(_, target)| *target).collect())
            .unwrap_or_default()
    };
    for &root in edges.keys() {
        if visits.contains_key(root) {
            continue;
        }
        // Each frame: a node and the next of its successors to look at.
        let mut frames: Vec<(&str, Vec<&str>, usize)> = Vec::new();
        let enter = |node: &'a str,
                     visits: &mut BTreeMap<&'a str, Visit>,
                     stack: &mut Vec<&'a str>,
                     on_stack: &mut BTreeSet<&'a str>| {
            let index = visits.len();
            visits.insert(node, Visit { index, low: index });
            stack.push(node);
            on_stack.insert(node);
            (node, successors(node), 0)
        };
        frames.push(enter(root, &mut visits, &mut stack, &mut on_stack));
        while let Some((node, next, at)) = frames.last_mut() {
            let node = *node;
            if let Some(&successor) = next.get(*at) {
                *at += 1;
                if !visits.contains_key(successor) {
                    if edges.contains_key(successor) {
                        frames.push(enter(successor, &mut visits, &mut stack, &mut on_stack));
                    }
                } else if on_stack.contains(successor) {
                    let index = visits[successor].index;
                    let visit = visits.get_mut(node).expect("a visited node");
                    visit.low = visit.low.min(index);
                }
                continue;
            }
            frames.pop();
            let low = visits[node].low;
            if let Some((parent, _, _)) = frames.last() {
                let parent = visits.get_mut(parent).expect("a visited node");
                parent.low = parent.low.min(low);
            }
            if low == visits[node].index {
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.insert(member, components);
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_the_types_on_a_cycle() {
        let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        edges.insert("A", vec![("b", "B")]);
        edges.insert("B", vec![("c", "C"), ("a", "A")]);
        edges.insert("C", vec![("d", "D")]);
        edges.insert("D", vec![]);
        edges.insert("E", vec![("e", "E")]);
        let component = strongly_connected(&edges);
        assert_eq!(component["A"], component["B"]);
        assert_ne!(component["A"], component["C"]);
        assert_ne!(component["C"], component["D"]);
        assert_ne!(component["E"], component["D"]);
    }

    #[test]
    fn a_chain_of_thousands_needs_no_deep_stack() {
        let names: Vec<String> = (0..100_000).map(|i| format!("T{i}")).collect();
        let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            let next = &names[(i + 1) % names.len()];
            edges.insert(name, vec![("next", next)]);
        }
        let component = strongly_connected(&edges);
        assert!(names
            .iter()
            .all(|n| component[n.as_str()] == component["T0"]));
    }
}
