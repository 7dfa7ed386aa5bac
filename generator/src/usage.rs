//! Which named types appear in requests and which in responses (through fields, arrays, maps,
//! unions and aliases). The emitter derives only the serde direction a type needs; the spec diff
//! reads a change in the directions a type is used (a new required property breaks callers
//! only where they send the type).

use crate::ir::{Api, BodyKind, TypeKind, TypeRef};
use std::collections::BTreeSet;

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
        let mut usage = Usage {
            request: BTreeSet::new(),
            response: BTreeSet::new(),
            free: BTreeSet::new(),
        };
        for op in &api.operations {
            for param in &op.params {
                mark(api, &param.ty, &mut usage.request);
            }
            match op.body.as_ref().map(|b| &b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => mark(api, ty, &mut usage.request),
                Some(BodyKind::Multipart(form)) => mark(api, &form.ty, &mut usage.request),
                _ => {}
            }
            for response in &op.responses {
                if let Some(ty) = response.body.json_type() {
                    mark(api, ty, &mut usage.response);
                }
            }
        }
        for def in &api.types {
            if !usage.request.contains(&def.name) && !usage.response.contains(&def.name) {
                mark(api, &TypeRef::Named(def.name.clone()), &mut usage.free);
            }
        }
        usage
    }

    /// Whether the type is used by no operation, or reached from such a type: a payload callers
    /// handle themselves (a webhook event), which they may both encode and decode.
    pub fn is_free(&self, name: &str) -> bool {
        self.free.contains(name)
    }

    /// Whether the type is sent in some request.
    pub fn in_request(&self, name: &str) -> bool {
        self.request.contains(name)
    }

    /// Whether the type is received in some response.
    pub fn in_response(&self, name: &str) -> bool {
        self.response.contains(name)
    }
}

fn mark(api: &Api, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    let Some(name) = ty.named() else { return };
    if !seen.insert(name.to_string()) {
        return;
    }
    match api.type_named(name).map(|def| &def.kind) {
        Some(TypeKind::Struct(s)) => {
            for field in &s.fields {
                mark(api, &field.ty, seen);
            }
            if let Some(extra) = &s.additional_properties {
                mark(api, extra, seen);
            }
        }
        Some(TypeKind::Alias(target)) => mark(api, target, seen),
        Some(TypeKind::Union(union)) => {
            for variant in &union.variants {
                mark(api, &variant.ty, seen);
            }
        }
        _ => {}
    }
}
