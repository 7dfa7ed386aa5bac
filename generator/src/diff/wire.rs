//! Whether two type references mean the same JSON on the wire, whatever their Rust names: an
//! inline enum renamed because its operation was renamed is not an API change.

use crate::ir::{Api, TypeKind, TypeRef};

/// How deep named types are followed; deeper structures are compared by name.
const MAX_DEPTH: usize = 8;

/// Compares references of the old API with references of the new one.
pub struct Comparer<'a> {
    /// The old API.
    pub old: &'a Api,
    /// The new API.
    pub new: &'a Api,
}

impl Comparer<'_> {
    /// Whether `old` (in the old API) and `new` (in the new API) accept the same JSON.
    pub fn same(&self, old: &TypeRef, new: &TypeRef) -> bool {
        self.same_at(old, new, 0)
    }

    fn same_at(&self, old: &TypeRef, new: &TypeRef, depth: usize) -> bool {
        let old = resolve(self.old, old);
        let new = resolve(self.new, new);
        match (old, new) {
            (TypeRef::Array(a), TypeRef::Array(b)) | (TypeRef::Map(a), TypeRef::Map(b)) => {
                self.same_at(a, b, depth + 1)
            }
            (TypeRef::Named(a), TypeRef::Named(b)) if depth >= MAX_DEPTH => a == b,
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                let kinds = (
                    self.old.type_named(a).map(|d| &d.kind),
                    self.new.type_named(b).map(|d| &d.kind),
                );
                match kinds {
                    (Some(TypeKind::Enum(x)), Some(TypeKind::Enum(y))) => x
                        .variants
                        .iter()
                        .map(|v| &v.value)
                        .eq(y.variants.iter().map(|v| &v.value)),
                    (Some(TypeKind::Struct(x)), Some(TypeKind::Struct(y))) => {
                        x.fields.len() == y.fields.len()
                            && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                                f.json_name == g.json_name
                                    && f.required == g.required
                                    && f.nullable == g.nullable
                                    && self.same_at(&f.ty, &g.ty, depth + 1)
                            })
                    }
                    _ => false,
                }
            }
            (a, b) => a == b,
        }
    }
}

/// Follows aliases to what they name.
fn resolve<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut current = ty;
    for _ in 0..MAX_DEPTH {
        match current {
            TypeRef::Named(name) => match api.type_named(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}
