//! Stage 2: `openapiv3` → the intermediate model in [`crate::ir`].
//!
//! Resolves `$ref`s, unwraps single-`allOf` wrappers, names every type, dedupes identical enums
//! and decides the Rust type of everything. No `openapiv3` type leaves this module.

mod enums;
mod operations;
mod refs;
mod schema;

use crate::error::Result;
use crate::ir::{Api, TypeRef};
use crate::load::Document;
use std::collections::BTreeMap;

/// Lowers a parsed document. `type_names` overrides generated names, keyed by JSON pointer.
pub fn lower(doc: &Document, type_names: &BTreeMap<String, String>) -> Result<Api> {
    lower_document(doc, type_names).map_err(|e| e.in_file(&doc.file))
}

fn lower_document(doc: &Document, type_names: &BTreeMap<String, String>) -> Result<Api> {
    let openapi = &doc.openapi;
    let mut types = schema::TypeLowering::new(openapi, type_names);
    types.lower_components()?;
    let operations = operations::lower_operations(openapi, &mut types)?;
    let names = types.enums.assign_names(&mut types.scope, type_names);
    let mut api = Api {
        source: doc.file.clone(),
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        types: types.types,
        operations,
    };
    rename_types(&mut api, &names);
    Ok(api)
}

/// Replaces placeholder type names with their final names, everywhere they appear.
fn rename_types(api: &mut Api, names: &BTreeMap<String, String>) {
    let rename = |ty: &mut TypeRef| {
        if let TypeRef::Named(name) = ty {
            if enums::EnumTable::is_placeholder(name) {
                if let Some(new_name) = names.get(name.as_str()) {
                    *name = new_name.clone();
                }
            }
        }
    };
    for def in &mut api.types {
        if let Some(new_name) = names.get(&def.name) {
            def.name = new_name.clone();
        }
    }
    api.for_each_type_ref_mut(rename);
}
