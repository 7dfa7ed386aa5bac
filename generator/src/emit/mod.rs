//! Stage 3: the intermediate model → token streams, one per generated file.

mod docs;
mod operations;
mod recursion;
mod samples;
mod types;

use crate::ir::{Api, BodyKind, Operation, TypeRef};
use crate::naming::{ident as name_ident, Case};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// One generated file, before formatting.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    /// Path relative to the spec's module folder (`mod.rs`, `types.rs`, `<tag>.rs`).
    pub path: String,
    /// The file's items.
    pub tokens: TokenStream,
}

/// Whether a module carries the helpers a crate's own test suite drives (`round_trip`,
/// `samples`, and the serde direction a type does not otherwise need), behind the
/// `test-support` Cargo feature, so nothing of it is in a user's build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSupport {
    /// Emit them, behind the feature.
    Include,
    /// Leave them out.
    Omit,
}

impl From<bool> for TestSupport {
    fn from(include: bool) -> Self {
        if include {
            TestSupport::Include
        } else {
            TestSupport::Omit
        }
    }
}

/// `#[cfg(feature = "test-support")]`.
fn test_support_cfg() -> TokenStream {
    quote!(#[cfg(feature = "test-support")])
}

/// The files of one spec's module (`spec_module`): `mod.rs`, `types.rs` and one file per tag,
/// each tag module behind its Cargo feature ([`crate::naming::tag_feature`]).
pub fn emit_api(api: &Api, spec_module: &str, test_support: TestSupport) -> Vec<EmittedFile> {
    let lints = file_lints();
    let groups = api.operations_by_module();
    let module_doc = format!(
        " {} (version {}), generated from `{}`.",
        api.title, api.version, api.source
    );
    let tag_modules = groups.iter().map(|(module, _)| {
        let module_ident = types::ident(module);
        let feature = crate::naming::tag_feature(spec_module, module);
        let doc = format!(" Operations tagged `{module}` (Cargo feature `{feature}`).");
        quote!(#[doc = #doc] #[cfg(feature = #feature)] pub mod #module_ident;)
    });
    let include_support = test_support == TestSupport::Include;
    let support_modules = include_support.then(|| {
        let gate = test_support_cfg();
        quote! {
            /// Test support: every component schema's type by name.
            #gate
            #[doc(hidden)]
            pub mod round_trip;
            /// Test support: every operation called with sample arguments.
            #gate
            #[doc(hidden)]
            pub mod samples;
        }
    });
    let mut files = vec![EmittedFile {
        path: "mod.rs".to_string(),
        tokens: quote! {
            #![doc = #module_doc]
            /// Models: every schema of the spec (each behind the features of the tags that use it).
            pub mod types;
            #(#tag_modules)*
            #support_modules
        },
    }];
    let forms = multipart_forms(api);
    let types_items = types::types_module(api, spec_module, &forms, test_support);
    files.push(EmittedFile {
        path: "types.rs".to_string(),
        tokens: quote! {
            //! Models: every schema of the spec.
            #lints
            #types_items
        },
    });
    if include_support {
        files.push(EmittedFile {
            path: "round_trip.rs".to_string(),
            tokens: round_trip_module(api),
        });
        files.push(EmittedFile {
            path: "samples.rs".to_string(),
            tokens: samples::samples_module(api),
        });
    }
    for (module, operations) in groups {
        let items = operations::tag_module(api, &operations);
        files.push(EmittedFile {
            path: format!("{module}.rs"),
            tokens: quote! {
                #lints
                #items
            },
        });
    }
    files
}

/// The `mod.rs` that declares one module per spec.
pub fn emit_root(modules: &[(String, String)]) -> TokenStream {
    let modules = modules.iter().map(|(module, source)| {
        let module_ident = types::ident(module);
        let doc = format!(" Generated from `{source}`.");
        quote!(#[doc = #doc] pub mod #module_ident;)
    });
    quote!(#(#modules)*)
}

/// Test support: decode JSON as the type of a named component schema and encode it again, so
/// tests can run the spec's own examples through the models.
fn round_trip_module(api: &Api) -> TokenStream {
    let arms = api.types.iter().filter_map(|def| {
        let schema = def.origin.strip_prefix("#/components/schemas/")?;
        let ty = types::ident(&def.name);
        Some(quote!(#schema => via::<super::types::#ty>(json),))
    });
    quote! {
        //! Test support: the spec's component schemas by name.
        #![allow(deprecated)]
        /// Decodes `json` as the type generated for the component schema `name` and encodes it
        /// again; `None` when there is no such schema.
        pub fn round_trip(
            name: &str,
            json: serde_json::Value,
        ) -> Option<Result<serde_json::Value, String>> {
            fn via<T: serde::de::DeserializeOwned + serde::Serialize>(
                json: serde_json::Value,
            ) -> Result<serde_json::Value, String> {
                let value: T =
                    crate::runtime::decode("round trip", 200, json.to_string().as_bytes())
                        .map_err(|e| e.to_string())?;
                serde_json::to_value(&value).map_err(|e| e.to_string())
            }
            Some(match name {
                #(#arms)*
                _ => return None,
            })
        }
    }
}

/// Lints that generated code cannot reasonably satisfy (spec-driven argument counts, deprecated
/// items that the spec itself still uses).
fn file_lints() -> TokenStream {
    quote! {
        #![allow(deprecated, clippy::too_many_arguments, clippy::large_enum_variant)]
    }
}

/// Struct names sent as `multipart/form-data`.
fn multipart_forms(api: &Api) -> BTreeSet<String> {
    api.operations
        .iter()
        .filter_map(|op| match op.body.as_ref().map(|b| &b.kind) {
            Some(BodyKind::Multipart(form)) => form.ty.named().map(str::to_string),
            _ => None,
        })
        .collect()
}

/// The UpperCamelCase stem for an operation's generated types.
fn type_prefix(op: &Operation) -> String {
    name_ident(&op.rust_name, Case::Type)
}

/// The Rust type for a reference; `named` is the path prefix for named types.
fn rust_type(ty: &TypeRef, named: TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::Int(width) => {
            let primitive = types::ident(width.rust_name());
            quote!(#primitive)
        }
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(crate::runtime::DateTime),
        TypeRef::Date => quote!(crate::runtime::Date),
        TypeRef::Binary => quote!(crate::runtime::Binary),
        TypeRef::Base64 => quote!(crate::runtime::Base64),
        TypeRef::Uuid => quote!(crate::runtime::Uuid),
        TypeRef::Secret => quote!(crate::runtime::Secret),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = types::ident(name);
            quote!(#named #name)
        }
        TypeRef::Array(item) => {
            let item = rust_type(item, named);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, named);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    }
}
