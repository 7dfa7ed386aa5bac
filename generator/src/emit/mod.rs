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

/// One piece of a generated file, before formatting: a file is the concatenation of its parts
/// in order, so the parts can be emitted and formatted independently (in parallel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Path relative to the spec's module folder (`mod.rs`, `types.rs`, `<tag>.rs`).
    pub path: String,
    what: PartKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PartKind {
    Root,
    /// Models of `types.rs` (indices into the API's types); the first part also holds the
    /// module's inner attributes and declares the unit files.
    Models {
        first: bool,
        indices: Vec<usize>,
    },
    RoundTrip,
    Samples,
    /// The tag module at this index of [`Api::operations_by_module`].
    Tag(usize),
    /// A feature unit's own models (indices into the API's types), in `types/<unit>.rs`.
    UnitModels {
        unit: String,
        first: bool,
        indices: Vec<usize>,
    },
}

/// Models per part of `types.rs`: enough that a part is worth a thread's while, few enough
/// that two cores share the biggest file evenly.
const MODELS_PER_PART: usize = 16;

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

/// The Cargo feature that gives every model `Serialize` (when test support is emitted), so
/// callers can store and forward what they received; `test-support` turns it on.
pub const SERIALIZE_FEATURE: &str = "serialize";

/// The runs of at most [`MODELS_PER_PART`] models that parts are made of; one empty run for
/// no models.
fn chunks(indices: &[usize]) -> impl Iterator<Item = &[usize]> {
    let empty: &[usize] = &[];
    let runs = indices.chunks(MODELS_PER_PART);
    let none = indices.is_empty().then_some(empty);
    none.into_iter().chain(runs)
}

/// The module (and file) name of a unit's own models: the unit (a tag module or a subset
/// feature such as `sandbox-lifecycle`) in snake_case.
fn unit_module(unit: &str) -> String {
    crate::naming::ident(unit, crate::naming::Case::Value)
}

/// `#[cfg(feature = "test-support")]`.
fn test_support_cfg() -> TokenStream {
    quote!(#[cfg(feature = "test-support")])
}

/// Emits the files of one spec's module (`spec_module`): `mod.rs`, `types.rs` and one file per
/// tag, each tag module behind its Cargo feature ([`crate::naming::tag_feature`]). What the parts
/// share is worked out once, in [`ModuleEmitter::new`]; the emitter is `Sync`, so parts can be
/// emitted on several threads.
pub struct ModuleEmitter<'a> {
    api: &'a Api,
    spec_module: &'a str,
    test_support: TestSupport,
    groups: Vec<(&'a str, Vec<&'a Operation>)>,
    models: types::Models<'a>,
    /// The models `types.rs` holds: those that compile always or with any of several features.
    shared_models: Vec<usize>,
    /// The models only one feature unit uses, by unit: each unit's in a file of its own under
    /// `types/`, declared behind the unit's feature, so a build without it does not even
    /// parse them (for a large API, reading every model was most of a small build's memory).
    unit_models: std::collections::BTreeMap<String, Vec<usize>>,
}

impl<'a> ModuleEmitter<'a> {
    /// The emitter of `api`'s module, named `spec_module` in feature names.
    pub fn new(api: &'a Api, spec_module: &'a str, test_support: TestSupport) -> ModuleEmitter<'a> {
        let models = types::Models::new(api, spec_module, multipart_forms(api), test_support);
        let mut shared_models = Vec::new();
        let mut unit_models: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for (index, def) in api.types.iter().enumerate() {
            match models.own_unit(def) {
                Some(unit) => unit_models.entry(unit.to_string()).or_default().push(index),
                None => shared_models.push(index),
            }
        }
        ModuleEmitter {
            api,
            spec_module,
            test_support,
            groups: api.operations_by_module(),
            models,
            shared_models,
            unit_models,
        }
    }

    /// The parts of every file, files in output order and each file's parts in order.
    pub fn parts(&self) -> Vec<Part> {
        let part = |path: &str, what| Part {
            path: path.to_string(),
            what,
        };
        let mut parts = vec![part("mod.rs", PartKind::Root)];
        // `types.rs` has a part even with no model of its own: it declares the unit files.
        for (chunk, indices) in chunks(&self.shared_models).enumerate() {
            parts.push(part(
                "types.rs",
                PartKind::Models {
                    first: chunk == 0,
                    indices: indices.to_vec(),
                },
            ));
        }
        for (unit, indices) in &self.unit_models {
            let path = format!("types/{}.rs", unit_module(unit));
            for (chunk, indices) in chunks(indices).enumerate() {
                parts.push(part(
                    &path,
                    PartKind::UnitModels {
                        unit: unit.clone(),
                        first: chunk == 0,
                        indices: indices.to_vec(),
                    },
                ));
            }
        }
        if self.test_support == TestSupport::Include {
            parts.push(part("round_trip.rs", PartKind::RoundTrip));
            parts.push(part("samples.rs", PartKind::Samples));
        }
        for (index, (module, _)) in self.groups.iter().enumerate() {
            parts.push(part(&format!("{module}.rs"), PartKind::Tag(index)));
        }
        parts
    }

    /// The items of one part.
    pub fn emit(&self, part: &Part) -> TokenStream {
        let lints = file_lints();
        match &part.what {
            PartKind::Root => self.root(),
            PartKind::UnitModels {
                unit,
                first,
                indices,
            } => {
                let items = self.models.items(indices, true);
                if *first {
                    let feature = crate::naming::tag_feature(self.spec_module, unit);
                    let doc = if unit == crate::usage::OTHER_TYPES {
                        format!(" Models no operation uses, such as webhook payloads (feature `{feature}`).")
                    } else {
                        format!(" Models only the operations of feature `{feature}` use.")
                    };
                    // `use super::*`: the other models, by the names `types.rs` gives them.
                    quote! {
                        #![doc = #doc]
                        #[allow(unused_imports)]
                        use super::*;
                        #items
                    }
                } else {
                    items
                }
            }
            PartKind::Models { first, indices } => {
                let items = self.models.items(indices, false);
                if *first {
                    let units = self.unit_models.keys().map(|unit| {
                        let module = types::ident(&unit_module(unit));
                        let gate = types::feature_gate(&[crate::naming::tag_feature(
                            self.spec_module,
                            unit,
                        )]);
                        quote! {
                            #gate
                            mod #module;
                            #gate
                            pub use #module::*;
                        }
                    });
                    let header = quote! {
                        //! Models: every schema of the spec.
                        #lints
                        #(#units)*
                    };
                    concat([header, items])
                } else {
                    items
                }
            }
            PartKind::RoundTrip => round_trip_module(self.api),
            PartKind::Samples => samples::samples_module(self.api),
            PartKind::Tag(index) => {
                let items =
                    operations::tag_module(self.api, self.spec_module, &self.groups[*index].1);
                concat([lints, items])
            }
        }
    }

    /// The module's `mod.rs`.
    fn root(&self) -> TokenStream {
        let api = self.api;
        let module_doc = format!(
            " {} (version {}), generated from `{}`.",
            api.title, api.version, api.source
        );
        let tag_modules = self.groups.iter().map(|(module, operations)| {
            let module_ident = types::ident(module);
            let tag = crate::naming::tag_feature(self.spec_module, module);
            let subsets: Vec<String> = crate::usage::subsets(operations)
                .iter()
                .map(|subset| crate::naming::tag_feature(self.spec_module, subset))
                .collect();
            let doc = if subsets.is_empty() {
                format!(" Operations tagged `{module}` (Cargo feature `{tag}`).")
            } else {
                format!(
                    " Operations tagged `{module}` (Cargo feature `{tag}`; some of them alone: `{}`).",
                    subsets.join("`, `")
                )
            };
            let features: Vec<String> = std::iter::once(tag).chain(subsets).collect();
            let gate = types::feature_gate(&features);
            quote!(#[doc = #doc] #gate pub mod #module_ident;)
        });
        let support_modules = (self.test_support == TestSupport::Include).then(|| {
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
        quote! {
            #![doc = #module_doc]
            /// Models: every schema of the spec (each behind the features of the tags that use it).
            pub mod types;
            #(#tag_modules)*
            #support_modules
        }
    }
}

/// Joins token streams by moving them. quote's `#(#parts)*` and `#part` copy each stream's
/// outer tokens (an allocation for every identifier and literal; groups are shared), and whole
/// items and files passed through several such joins.
fn concat(parts: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    parts.into_iter().collect()
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
/// items that the spec itself still uses, the tuple of a large model's fields being read).
fn file_lints() -> TokenStream {
    quote! {
        #![allow(
            deprecated,
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::type_complexity
        )]
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

#[cfg(test)]
mod tests {
    use crate::test_specs::{pets_and_owners, subset};
    use crate::Generator;

    /// The `#[cfg(…)]` attribute on `item` in the generated file at `path`, with the docs
    /// between them; empty when the item has none.
    fn gate_of<'a>(files: &'a [crate::OutputFile], path: &str, item: &str) -> &'a str {
        let file = files
            .iter()
            .find(|f| f.path.to_str() == Some(path))
            .unwrap_or_else(|| panic!("no {path}"));
        let end = file
            .contents
            .find(item)
            .unwrap_or_else(|| panic!("no `{item}` in {path}"));
        let start = file.contents[..end].rfind("#[cfg").unwrap_or(end);
        // Only the attribute right before the item (docs may sit between).
        let between = &file.contents[start..end];
        if between.contains("\npub ") {
            ""
        } else {
            between
        }
    }

    #[test]
    fn a_subset_gates_its_operations_and_their_models() {
        let api = pets_and_owners(vec![subset("owner-count", &["countOwners"])]).unwrap();
        let generator = Generator::new(crate::Settings::new("api", "test"));
        let files = generator.module_files(&api).unwrap();
        // The tag module compiles with its own feature or its subset's.
        let module = gate_of(&files, "api/mod.rs", "pub mod owners;");
        assert!(
            module.contains(r#"any(feature = "api-owners", feature = "api-owner-count")"#),
            "{module}"
        );
        // Inside it, the subset's operation with the subset, the rest with the tag.
        let count = gate_of(&files, "api/owners.rs", "pub fn count_owners(");
        assert!(count.contains(r#"feature = "api-owner-count""#), "{count}");
        let list = gate_of(&files, "api/owners.rs", "pub fn list_owners(");
        assert!(list.contains(r#"feature = "api-owners""#), "{list}");
        // Models follow the operations that use them: those of one unit in its own file,
        // whose module has the unit's gate, and shared ones with any of their units' features.
        for (unit, model) in [
            ("owner_count", "pub struct Count {"),
            ("owners", "pub struct Owner {"),
        ] {
            let path = format!("api/types/{unit}.rs");
            assert_eq!(gate_of(&files, &path, model), "", "{model} in {path}");
            let feature = format!("feature = \"api-{}\"", unit.replace('_', "-"));
            for declaration in [format!("mod {unit};"), format!("pub use {unit}::*;")] {
                let gate = gate_of(&files, "api/types.rs", &declaration);
                assert!(gate.contains(&feature), "{declaration}: {gate}");
            }
        }
        // Every tag uses `Tag`: it stays in `types.rs`, compiled always.
        assert_eq!(gate_of(&files, "api/types.rs", "pub struct Tag {"), "");
        // A tag without subsets keeps one gate, on its module.
        assert_eq!(gate_of(&files, "api/pets.rs", "pub fn list_pets("), "");
        // The tag's feature turns its subsets on.
        let features = crate::scaffold::tag_features_toml(&[("api", &api)]);
        assert!(
            features.contains("api-owners = [\n    \"api-owner-count\",\n]\n"),
            "{features}"
        );
        assert!(features.contains("api-owner-count = []\n"), "{features}");
        assert!(features.contains("api-pets = []\n"), "{features}");
    }
}
