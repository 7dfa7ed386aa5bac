//! Which named types appear in requests and which in responses (through fields, arrays, maps,
//! unions and aliases). The emitter derives only the serde direction a type needs; the spec diff
//! reads a change in the directions a type is used (a new required property breaks callers
//! only where they send the type).

use crate::ir::{Api, BodyKind, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The request and response reach of every named type.
pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
    /// Types reached from a type no operation uses (callers may encode and decode those).
    free: BTreeSet<String>,
}

impl Usage {
    /// Walks every operation of `api`.
    pub fn of(api: &Api) -> Usage {
        let index = index(api);
        let mut usage = Usage {
            request: BTreeSet::new(),
            response: BTreeSet::new(),
            free: BTreeSet::new(),
        };
        for op in &api.operations {
            for param in &op.params {
                mark(&index, &param.ty, &mut usage.request);
            }
            match op.body.as_ref().map(|b| &b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => {
                    mark(&index, ty, &mut usage.request)
                }
                Some(BodyKind::Multipart(form)) => mark(&index, &form.ty, &mut usage.request),
                _ => {}
            }
            for response in &op.responses {
                if let Some(ty) = response.body.json_type() {
                    mark(&index, ty, &mut usage.response);
                }
            }
        }
        for def in &api.types {
            if !usage.request.contains(&def.name) && !usage.response.contains(&def.name) {
                mark(&index, &TypeRef::Named(def.name.clone()), &mut usage.free);
            }
        }
        usage
    }

    /// The directions a type travels in: sent where some request holds it, received where some
    /// response does. A type no operation uses (a payload callers handle themselves, such as a
    /// webhook event), and every type it holds, travels both ways: callers may encode and decode
    /// it. The emitter derives serde by these directions and the spec diff reads a change in
    /// them; this is the one rule for both.
    pub fn directions(&self, name: &str) -> Directions {
        let (sent, received) = (self.request.contains(name), self.response.contains(name));
        if (sent || received) && !self.free.contains(name) {
            Directions { sent, received }
        } else {
            Directions {
                sent: true,
                received: true,
            }
        }
    }
}

/// For every named type, the tag modules whose operations reach it (through parameters,
/// bodies and responses, and the types those hold). A type no operation reaches is absent.
/// The emitter gates each type behind the features of these modules, so a crate built with a
/// few tags compiles the models those tags need and no others.
pub fn modules_reaching(api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let index = index(api);
    let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, operations) in api.operations_by_module() {
        let mut seen = BTreeSet::new();
        for op in operations {
            for ty in operation_types(op) {
                mark(&index, ty, &mut seen);
            }
        }
        for name in seen {
            reach.entry(name).or_default().insert(module.to_string());
        }
    }
    reach
}

/// The type references an operation's parameters, body and responses make.
fn operation_types(op: &crate::ir::Operation) -> impl Iterator<Item = &TypeRef> {
    let body = match op.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => Some(ty),
        Some(BodyKind::Multipart(form)) => Some(&form.ty),
        _ => None,
    };
    op.params
        .iter()
        .map(|param| &param.ty)
        .chain(body)
        .chain(op.responses.iter().filter_map(|r| r.body.json_type()))
}

/// Which ways a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directions {
    /// In some request.
    pub sent: bool,
    /// In some response.
    pub received: bool,
}

impl std::ops::BitOr for Directions {
    type Output = Directions;

    /// Both readings: the directions of a type in an old and a new version of an API.
    fn bitor(self, other: Directions) -> Directions {
        Directions {
            sent: self.sent || other.sent,
            received: self.received || other.received,
        }
    }
}

/// The kinds of the API's types by name.
fn index(api: &Api) -> HashMap<&str, &TypeKind> {
    api.types
        .iter()
        .map(|def| (def.name.as_str(), &def.kind))
        .collect()
}

/// Adds the named type `ty` refers to, and every named type it holds, to `seen`. A work list,
/// not recursion: a document may chain thousands of types.
fn mark(index: &HashMap<&str, &TypeKind>, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    let mut pending = vec![ty];
    while let Some(ty) = pending.pop() {
        let Some(name) = ty.named() else { continue };
        if !seen.insert(name.to_string()) {
            continue;
        }
        match index.get(name).copied() {
            Some(TypeKind::Struct(s)) => {
                pending.extend(s.fields.iter().map(|field| &field.ty));
                pending.extend(&s.additional_properties);
            }
            Some(TypeKind::Alias(target)) => pending.push(target),
            Some(TypeKind::Union(union)) => {
                pending.extend(union.variants.iter().map(|variant| &variant.ty));
            }
            _ => {}
        }
    }
}
