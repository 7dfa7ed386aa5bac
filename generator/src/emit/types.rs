//! Named types → struct, enum, union and alias items.

use super::docs::doc_attrs;
use super::recursion::Boxed;
use super::{rust_type, test_support_cfg as test_support_gate, TestSupport, SERIALIZE_FEATURE};
use crate::ir::{
    Access, Api, EnumRepr, Enumeration, Field, Presence, Struct, TypeDef, TypeKind, TypeRef, Union,
};
use crate::usage::Usage;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// What every model's items depend on beyond the model itself, worked out once per API so
/// the models can be emitted in parts (and in parallel: it is `Sync`).
pub struct Models<'a> {
    api: &'a Api,
    spec_module: &'a str,
    multipart_forms: BTreeSet<String>,
    test_support: TestSupport,
    usage: Usage,
    boxed: Boxed,
    reach: std::collections::BTreeMap<String, BTreeSet<String>>,
    ungated: BTreeSet<String>,
}

impl<'a> Models<'a> {
    /// Walks `api` once for the directions, recursion and tag reach of its types;
    /// `multipart_forms` names the structs sent as `multipart/form-data`.
    pub fn new(
        api: &'a Api,
        spec_module: &'a str,
        multipart_forms: BTreeSet<String>,
        test_support: TestSupport,
    ) -> Models<'a> {
        let reach = crate::usage::units_reaching(api);
        let ungated = crate::usage::ungated(api, &reach);
        Models {
            api,
            spec_module,
            multipart_forms,
            test_support,
            usage: Usage::of(api),
            boxed: Boxed::of(api),
            reach,
            ungated,
        }
    }

    /// The one feature unit (tag module or subset) that uses the type, when only one does: such
    /// a type goes to that unit's file under `types/`, which compiles (and is read at all)
    /// only with the unit's feature. `None` for a type that compiles always or with any of
    /// several features; it stays in `types.rs`.
    pub fn own_unit(&self, def: &TypeDef) -> Option<&str> {
        match self.reach.get(&def.name) {
            Some(users) if users.len() == 1 && !self.ungated.contains(&def.name) => {
                users.first().map(String::as_str)
            }
            _ => None,
        }
    }

    /// The items of the type definitions at `indices` (into the API's types), in `types.rs` or
    /// in a unit's own file (`in_unit_file`: the file's module carries the feature gate, so
    /// its items carry none).
    pub fn items(&self, indices: &[usize], in_unit_file: bool) -> TokenStream {
        let items = indices
            .iter()
            .map(|&index| self.model(&self.api.types[index], in_unit_file));
        super::concat(items)
    }

    fn model(&self, def: &TypeDef, in_unit_file: bool) -> TokenStream {
        let context = Context {
            directions: Directions::of(&self.usage, &def.name, self.test_support),
            boxed: &self.boxed,
        };
        let item = type_item(def, &context);
        let item = match &def.kind {
            TypeKind::Struct(fields) if self.multipart_forms.contains(&def.name) => {
                let form = multipart_impl(&def.name, fields);
                quote!(#item #form)
            }
            _ => item,
        };
        // A type some tags use, but not all, compiles with any of their features; one that
        // every tag or no operation uses, and what those hold, always.
        match self.reach.get(&def.name) {
            _ if in_unit_file => item,
            Some(users) if !self.ungated.contains(&def.name) => {
                let features: Vec<String> = users
                    .iter()
                    .map(|unit| crate::naming::tag_feature(self.spec_module, unit))
                    .collect();
                gated(feature_gate(&features), item)
            }
            _ => item,
        }
    }
}

/// `#[cfg(…)]` for any of `features`.
pub(super) fn feature_gate(features: &[String]) -> TokenStream {
    match features {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Puts `attribute` on every item of `items`, after the item's doc comment. The items are
/// the emitter's own, so they are split at the token level (an item ends at a top-level `;` or
/// at a brace block not followed by `;`) rather than parsed: this runs once per gated model.
pub(super) fn gated(attribute: TokenStream, items: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out = TokenStream::new();
    let mut tokens = items.into_iter().peekable();
    while tokens.peek().is_some() {
        // The item's doc attributes (`#[doc = …]`) come first, then the gate.
        let mut item: Vec<TokenTree> = Vec::new();
        loop {
            let is_doc = match (tokens.peek(), item.len() % 2) {
                (Some(TokenTree::Punct(p)), 0) if p.as_char() == '#' => {
                    let mut ahead = tokens.clone();
                    ahead.next();
                    matches!(ahead.next(), Some(TokenTree::Group(g))
                        if g.delimiter() == Delimiter::Bracket
                            && matches!(g.stream().into_iter().next(),
                                Some(TokenTree::Ident(i)) if i == "doc"))
                }
                _ => false,
            };
            if !is_doc {
                break;
            }
            item.extend(tokens.next());
            item.extend(tokens.next());
        }
        item.extend(attribute.clone());
        while let Some(token) = tokens.next() {
            let ends = match &token {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => {
                    g.delimiter() == Delimiter::Brace
                        && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
                }
                _ => false,
            };
            item.push(token);
            if ends {
                break;
            }
        }
        out.extend(item);
    }
    out
}

/// What a type's items depend on beyond the type itself.
struct Context<'a> {
    directions: Directions,
    boxed: &'a Boxed,
}

/// Which directions a type travels in: it is `sent` in some request, `received` in some
/// response. A type no operation uses (a payload callers handle themselves, such as a webhook
/// event) and every type it holds are treated as both.
#[derive(Debug, Clone, Copy)]
struct Directions {
    sent: bool,
    received: bool,
    /// Whether test support (both directions, for round trips) is emitted behind its feature.
    test_support: TestSupport,
    /// Whether callers build it for a request ([`crate::usage::Usage::built_by_setters`]).
    built_by_setters: bool,
}

impl Directions {
    fn of(usage: &Usage, name: &str, test_support: TestSupport) -> Directions {
        let crate::usage::Directions { sent, received } = usage.directions(name);
        Directions {
            sent,
            received,
            test_support,
            built_by_setters: usage.built_by_setters(name),
        }
    }

    /// The serde derives: the directions the type needs, and the other behind its feature when
    /// test support is emitted (`Serialize` behind `serialize`, `Deserialize` behind
    /// `test-support`).
    fn serde_derives(self) -> TokenStream {
        let (needed, other, feature) = match (self.sent, self.received) {
            (true, false) => (
                quote!(serde::Serialize),
                quote!(serde::Deserialize),
                "test-support",
            ),
            (false, true) => (
                quote!(serde::Deserialize),
                quote!(serde::Serialize),
                SERIALIZE_FEATURE,
            ),
            _ => return quote!(#[derive(serde::Serialize, serde::Deserialize)]),
        };
        let other = (self.test_support == TestSupport::Include)
            .then(|| quote!(#[cfg_attr(feature = #feature, derive(#other))]));
        quote!(#[derive(#needed)] #other)
    }

    /// Whether the `Serialize` impl is emitted, and its gate: none when the type is sent; the
    /// `serialize` feature when test support is emitted (so callers can store and forward
    /// what they received).
    fn serialize_gate(self) -> Option<Option<TokenStream>> {
        match (self.sent, self.test_support) {
            (true, _) => Some(None),
            (false, TestSupport::Include) => {
                Some(Some(quote!(#[cfg(feature = #SERIALIZE_FEATURE)])))
            }
            (false, TestSupport::Omit) => None,
        }
    }

    /// Whether the `Deserialize` impl is emitted, and its gate: none when the type is
    /// received; the test-support feature when only test support needs it.
    fn deserialize_gate(self) -> Option<Option<TokenStream>> {
        match (self.received, self.test_support) {
            (true, _) => Some(None),
            (false, TestSupport::Include) => Some(Some(test_support_gate())),
            (false, TestSupport::Omit) => None,
        }
    }
}

fn type_item(def: &TypeDef, context: &Context) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs, || describe_origin(&def.origin));
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Struct(fields) => struct_item(&name, &docs, deprecated, fields, context),
        TypeKind::Enum(variants) => enum_item(&name, &docs, deprecated, variants),
        TypeKind::Union(union) => union_item(&name, &docs, deprecated, union, context),
        TypeKind::Alias(target) => {
            let target = rust_type(target, TokenStream::new());
            quote! {
                #docs
                #deprecated
                pub type #name = #target;
            }
        }
    }
}

fn struct_item(
    name: &Ident,
    docs: &TokenStream,
    deprecated: Option<TokenStream>,
    def: &Struct,
    context: &Context,
) -> TokenStream {
    let directions = context.directions;
    // Both `Serialize` and `Deserialize` are written out lean (see `serialize_impl` and
    // `deserialize_impl`); a struct with `additional_properties` derives `Serialize`, whose
    // `flatten` writes them. Each is there when the type travels that way, or behind its
    // feature.
    let deserialize = directions.deserialize_gate();
    let (derived, written) = match directions.serialize_gate() {
        gate if def.additional_properties.is_some() => (gate, None),
        gate => (None, gate),
    };
    let serde_attr = |args: &[TokenStream]| -> Option<TokenStream> {
        match (&derived, args.is_empty()) {
            (_, true) | (None, _) => None,
            (Some(None), false) => Some(quote!(#[serde(#(#args),*)])),
            (Some(Some(_)), false) => {
                Some(quote!(#[cfg_attr(feature = #SERIALIZE_FEATURE, serde(#(#args),*))]))
            }
        }
    };
    let derive_serialize = match &derived {
        None => None,
        Some(None) => Some(quote!(#[derive(serde::Serialize)])),
        Some(Some(_)) => {
            Some(quote!(#[cfg_attr(feature = #SERIALIZE_FEATURE, derive(serde::Serialize))]))
        }
    };
    let fields: Vec<Field> = def
        .fields
        .iter()
        .map(|field| effective_field(field, directions))
        .collect();
    let owner = name.to_string();
    let boxed: Vec<bool> = fields
        .iter()
        .map(|field| context.boxed.contains(&owner, &field.rust_name))
        .collect();
    let never_sent: Vec<bool> = fields
        .iter()
        .map(|field| field.access == Access::ReadOnly && directions.sent)
        .collect();
    let items = fields
        .iter()
        .zip(&boxed)
        .zip(&never_sent)
        .map(|((field, boxed), never_sent)| field_item(field, *boxed, *never_sent, &serde_attr));
    let additional = def.additional_properties.as_ref().map(|value| {
        let value = rust_type(value, TokenStream::new());
        let flatten = serde_attr(&[quote!(flatten)]);
        quote! {
            /// Properties beyond the declared ones.
            #flatten
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let default = fields
        .iter()
        .all(|f| f.presence() != Presence::Required || has_default(&f.ty))
        .then(|| quote!(Default,));
    let serialize_impl = written.map(|gate| {
        let sent = fields
            .iter()
            .zip(&never_sent)
            .filter(|(_, never_sent)| !**never_sent)
            .map(|(field, _)| field);
        let implementation = serialize_impl(name, sent);
        match gate {
            Some(gate) => gated(gate, implementation),
            None => implementation,
        }
    });
    let deserialize_impl = deserialize.map(|gate| {
        let impls = deserialize_impl(name, &fields, &boxed, def.additional_properties.is_some());
        // Both impls (`FromObject` and `Deserialize`) behind the gate, if there is one.
        match gate {
            Some(gate) => gated(gate, impls),
            None => impls,
        }
    });
    // A struct callers send in a request can gain properties without breaking their code:
    // they build it with `new` and the setters, never with a literal.
    let (non_exhaustive, builder) = if directions.built_by_setters {
        (
            Some(quote!(#[non_exhaustive])),
            Some(builder_impl(
                name,
                &fields,
                &boxed,
                def.additional_properties.is_some(),
            )),
        )
    } else {
        (None, None)
    };
    let declaration = quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default)]
        #derive_serialize
        #non_exhaustive
        pub struct #name {
            #(#items)*
            #additional
        }
    };
    super::concat(
        [Some(declaration), builder, serialize_impl, deserialize_impl]
            .into_iter()
            .flatten(),
    )
}

/// `new`, taking the required fields (when there are any), and a `with_<field>` setter per
/// field: how code outside the crate builds a `#[non_exhaustive]` struct, so a new optional
/// property in the spec breaks no caller.
fn builder_impl(name: &Ident, fields: &[Field], boxed: &[bool], additional: bool) -> TokenStream {
    let required: Vec<(&Field, bool)> = fields
        .iter()
        .zip(boxed.iter().copied())
        .filter(|(f, _)| {
            matches!(
                f.presence(),
                Presence::Required | Presence::RequiredNullable
            )
        })
        .collect();
    let new = (!required.is_empty()).then(|| {
        let arguments = required.iter().map(|(field, boxed)| {
            let field_name = ident(&field.rust_name);
            let ty = declared_type(field, *boxed);
            quote!(#field_name: #ty)
        });
        let values = fields.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            match field.presence() {
                Presence::Required | Presence::RequiredNullable => quote!(#field_name),
                Presence::Optional | Presence::OptionalNullable => quote!(#field_name: None),
            }
        });
        let additional = additional.then(|| quote!(additional_properties: Default::default(),));
        let doc = format!(" A `{name}` with its required fields; the others are unset.");
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn new(#(#arguments),*) -> Self {
                #name { #(#values,)* #additional }
            }
        }
    });
    let setters = fields
        .iter()
        .zip(boxed.iter().copied())
        .map(|(field, boxed)| {
            let field_name = ident(&field.rust_name);
            let setter = ident(&crate::naming::setter(&field.rust_name));
            let ty = rust_type(&field.ty, TokenStream::new());
            let ty = if boxed { quote!(Box<#ty>) } else { ty };
            let doc = format!(" Sets `{}`.", field.json_name);
            // A setter takes what the caller means: the value, or for a nullable field an
            // `Option` (`None` is `null`); an optional field holds `Some` of it.
            let (value_ty, value) = match field.presence() {
                Presence::Required => (ty, quote!(value)),
                Presence::RequiredNullable => (quote!(Option<#ty>), quote!(value)),
                Presence::Optional => (ty, quote!(Some(value))),
                Presence::OptionalNullable => (quote!(Option<#ty>), quote!(Some(value))),
            };
            let null_doc = (field.presence() == Presence::OptionalNullable).then(
                || quote!(#[doc = ""] #[doc = " `None` sends `null`, which clears the value."]),
            );
            // `#[inline]`: a setter is compiled where it is called, not in the crate for every
            // field of every request model.
            quote! {
                #[doc = #doc]
                #null_doc
                #[inline]
                pub fn #setter(mut self, value: #value_ty) -> Self {
                    self.#field_name = #value;
                    self
                }
            }
        });
    quote! {
        impl #name {
            #new
            #(#setters)*
        }
    }
}

/// A struct's field type as the struct declares it: boxed where it breaks a cycle, wrapped in
/// `Option` by presence.
fn declared_type(field: &Field, boxed: bool) -> TokenStream {
    let ty = rust_type(&field.ty, TokenStream::new());
    let ty = if boxed { quote!(Box<#ty>) } else { ty };
    match field.presence() {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(Option<Option<#ty>>),
    }
}

/// `Serialize` for a struct, written out instead of derived: one call of the runtime's
/// `ObjectWriter` per field sent, in declaration order, where serde's derive puts a `?` (and
/// for an optional field an `if` and a second `?`) in the model's code for each, and adds
/// their count with literals whose type inference is slow for large models. It writes what
/// the derive with the fields' attributes wrote: every required field, an optional one when
/// it is `Some` (`skip_field` when not), and nothing for a read-only field of a sent type.
fn serialize_impl<'a>(name: &Ident, sent: impl Iterator<Item = &'a Field>) -> TokenStream {
    let type_name = name.to_string();
    let mut required = 0usize;
    let mut present = Vec::new();
    let mut writes = Vec::new();
    for field in sent {
        let member = ident(&field.rust_name);
        let json = &field.json_name;
        match field.presence() {
            Presence::Required | Presence::RequiredNullable => {
                required += 1;
                writes.push(quote!(object.field(#json, &self.#member);));
            }
            Presence::Optional | Presence::OptionalNullable => {
                present.push(quote!(self.#member.is_some()));
                writes.push(quote!(object.optional(#json, &self.#member);));
            }
        }
    }
    // The fields present: the required ones' count, plus the optional ones that are `Some`,
    // counted by the runtime from a flat list (a sum of thousands of terms would nest that
    // deep in every parser that reads it).
    let count = proc_macro2::Literal::usize_unsuffixed(required);
    let len = match (required, present.is_empty()) {
        (_, true) => quote!(#count),
        (0, false) => quote!(crate::runtime::count_present(&[#(#present),*])),
        (_, false) => quote!(#count + crate::runtime::count_present(&[#(#present),*])),
    };
    let binding = if writes.is_empty() {
        quote!(let object)
    } else {
        quote!(let mut object)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #binding = crate::runtime::write_object(serializer, #type_name, #len)?;
                #(#writes)*
                object.end()
            }
        }
    }
}

/// `Deserialize` for a struct, written out instead of derived: the body of one `visit_map`
/// (the runtime's `FromObject`, whose visitor `deserialize_object` holds) that matches property
/// names (read as the runtime's shared `FieldName`) and leaves unknown ones, where serde's
/// derive would add a field enum with its own visitor and a `visit_seq` per model. It
/// reads what the derive with the fields' attributes read: a missing required field is an
/// error; `null` is `None` for a nullable field and for an optional one; an optional nullable
/// field keeps absent (`None`) and `null` (`Some(None)`) apart; properties beyond the declared
/// ones go into `additional_properties` when the struct has it.
fn deserialize_impl(
    name: &Ident,
    fields: &[Field],
    boxed: &[bool],
    additional: bool,
) -> TokenStream {
    let expecting = format!("an object ({name})");
    // The fields read so far live in one tuple of `Option`s, so every early return (a value
    // that does not decode) drops one local, not one per field: the function's code grows
    // with the fields, not with their square. Each field's arm is one call of the runtime's
    // `read_value` or `read_some`, and the one `?` after the `match` returns any error: a
    // `?` per arm was most of an unoptimised build's code for the model. One `match` on the
    // tuple then builds the value, or names the first required field that is missing.
    let index = |i: usize| syn::Index::from(i);
    let slot_types = fields.iter().zip(boxed).map(|(field, boxed)| {
        let ty = declared_type(field, *boxed);
        match field.presence() {
            Presence::Required | Presence::RequiredNullable => quote!(Option<#ty>),
            // Already an `Option`: absent stays `None`.
            Presence::Optional | Presence::OptionalNullable => ty,
        }
    });
    let empty = fields.iter().map(|_| quote!(None));
    let arms = fields.iter().enumerate().map(|(i, field)| {
        let json = &field.json_name;
        let slot = index(i);
        match field.presence() {
            Presence::Optional => {
                quote!(#json => crate::runtime::read_value(&mut map, &mut fields.#slot),)
            }
            _ => quote!(#json => crate::runtime::read_some(&mut map, &mut fields.#slot),),
        }
    });
    let locals: Vec<Ident> = (0..fields.len())
        .map(|i| format_ident!("field_{i}"))
        .collect();
    let required = |field: &Field| {
        matches!(
            field.presence(),
            Presence::Required | Presence::RequiredNullable
        )
    };
    let patterns = fields.iter().zip(&locals).map(|(field, local)| {
        if required(field) {
            quote!(Some(#local))
        } else {
            quote!(#local)
        }
    });
    let members = fields.iter().zip(&locals).map(|(field, local)| {
        let rust = ident(&field.rust_name);
        quote!(#rust: #local,)
    });
    let (additional_init, unknown, additional_field) = if additional {
        (
            quote!(let mut additional_properties = std::collections::BTreeMap::new();),
            quote!(crate::runtime::read_additional(
                &mut map,
                &mut additional_properties,
                key
            )),
            quote!(additional_properties,),
        )
    } else {
        (
            TokenStream::new(),
            quote!(crate::runtime::skip_value(&mut map)),
            TokenStream::new(),
        )
    };
    let value = quote!(#name { #(#members)* #additional_field });
    let missing: Vec<(usize, &str)> = fields
        .iter()
        .enumerate()
        .filter(|(_, field)| required(field))
        .map(|(i, field)| (i, field.json_name.as_str()))
        .collect();
    let finish = match missing.split_last() {
        // No fields: nothing was read, nothing to take apart.
        _ if fields.is_empty() => quote!(Ok(#value)),
        None => quote! {
            let (#(#locals,)*) = fields;
            Ok(#value)
        },
        Some(((_, last), others)) => {
            // The first missing one, in declaration order; the last needs no test.
            let slots = others.iter().map(|(i, _)| index(*i));
            let names = others.iter().map(|(_, name)| name);
            let (binding, name) = if others.is_empty() {
                (quote!(_), quote!(#last))
            } else {
                let name = quote!(#(if fields.#slots.is_none() { #names } else)* { #last });
                (quote!(fields), name)
            };
            quote! {
                match fields {
                    (#(#patterns,)*) => Ok(#value),
                    #binding => Err(serde::de::Error::missing_field(#name)),
                }
            }
        }
    };
    let declaration =
        (!fields.is_empty()).then(|| quote!(let mut fields: (#(#slot_types,)*) = (#(#empty,)*);));
    quote! {
        impl crate::runtime::FromObject for #name {
            const EXPECTING: &'static str = #expecting;
            fn from_object<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #declaration
                #additional_init
                while let Some(key) = map.next_key::<crate::runtime::FieldName<'de>>()? {
                    match key.as_str() {
                        #(#arms)*
                        _ => #unknown,
                    }?;
                }
                #finish
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_object(deserializer)
            }
        }
    }
}

/// Whether a type has a `Default` that is a valid empty value.
fn has_default(ty: &TypeRef) -> bool {
    ty.is_number()
        || matches!(
            ty,
            TypeRef::String
                | TypeRef::Bool
                | TypeRef::Json
                | TypeRef::Secret
                | TypeRef::Base64
                | TypeRef::Array(_)
                | TypeRef::Map(_)
        )
}

/// A field as this struct sees it: a read-only field of a struct that is sent, or a write-only
/// field of one that is received, cannot be required, since one direction never carries it.
fn effective_field(field: &Field, directions: Directions) -> Field {
    let one_way = match field.access {
        Access::ReadWrite => false,
        Access::ReadOnly => directions.sent,
        Access::WriteOnly => directions.received,
    };
    Field {
        required: field.required && !one_way,
        ..field.clone()
    }
}

fn field_item(
    field: &Field,
    boxed: bool,
    never_sent: bool,
    serde_attr: &dyn Fn(&[TokenStream]) -> Option<TokenStream>,
) -> TokenStream {
    let name = ident(&field.rust_name);
    let docs = doc_attrs(&field.docs, || {
        format!("The `{}` property.", field.json_name)
    });
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    // How the field is written; how it is read is `deserialize_impl`'s.
    let mut serde_args = Vec::new();
    if field.rust_name != field.json_name {
        let json_name = &field.json_name;
        serde_args.push(quote!(rename = #json_name));
    }
    let optional = matches!(
        field.presence(),
        Presence::Optional | Presence::OptionalNullable
    );
    if never_sent {
        serde_args.push(quote!(skip_serializing));
    } else if optional {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    let serde = serde_attr(&serde_args);
    let ty = declared_type(field, boxed);
    let access_doc = match field.access {
        Access::ReadWrite => None,
        Access::ReadOnly => {
            Some(quote!(#[doc = ""] #[doc = " Read-only: set by the server and never sent."]))
        }
        Access::WriteOnly => {
            Some(quote!(#[doc = ""] #[doc = " Write-only: sent, never returned."]))
        }
    };
    let presence_doc = match field.presence() {
        Presence::RequiredNullable => {
            Some(quote!(#[doc = ""] #[doc = " Always sent; `None` is sent as `null`."]))
        }
        Presence::OptionalNullable => Some(quote! {
            #[doc = ""]
            #[doc = " `None` leaves the field out; `Some(None)` sends `null`, which clears the value."]
        }),
        _ => None,
    };
    quote! {
        #docs
        #presence_doc
        #access_doc
        #deprecated
        #serde
        pub #name: #ty,
    }
}

fn enum_item(
    name: &Ident,
    docs: &TokenStream,
    deprecated: Option<TokenStream>,
    def: &Enumeration,
) -> TokenStream {
    if def.repr == EnumRepr::Integer {
        return integer_enum_item(name, docs, deprecated, def);
    }
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<&str> = def.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|value| format!(" `{value}`"));
    quote! {
        #docs
        ///
        /// Values this client does not know are kept in `Unknown`, so new server values decode;
        /// the enum is `#[non_exhaustive]`, so a value added to the spec breaks no `match`.
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value that was not known when this client was generated.
            Unknown(String),
        }

        impl #name {
            /// Every value known when this client was generated.
            pub const KNOWN: &'static [#name] = &[#(#name::#variants),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#name::#variants => #values,)*
                    #name::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => #name::#variants,)*
                    other => #name::Unknown(other.to_string()),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::enum_string(deserializer).map(|value| #name::from(value.as_ref()))
            }
        }
    }
}

fn integer_enum_item(
    name: &Ident,
    docs: &TokenStream,
    deprecated: Option<TokenStream>,
    def: &Enumeration,
) -> TokenStream {
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<proc_macro2::Literal> = def
        .variants
        .iter()
        .map(|v| proc_macro2::Literal::i64_unsuffixed(v.value.parse().unwrap_or_default()))
        .collect();
    let variant_docs = def.variants.iter().map(|v| format!(" `{}`", v.value));
    quote! {
        #docs
        ///
        /// Values this client does not know are kept in `Unknown`, so new server values decode.
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value that was not known when this client was generated.
            Unknown(i64),
        }

        impl #name {
            /// Every value known when this client was generated.
            pub const KNOWN: &'static [#name] = &[#(#name::#variants),*];

            /// The value as sent on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(#name::#variants => #values,)*
                    #name::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#values => #name::#variants,)*
                    other => #name::Unknown(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(#name::from)
            }
        }
    }
}

fn union_item(
    name: &Ident,
    docs: &TokenStream,
    deprecated: Option<TokenStream>,
    def: &Union,
    context: &Context,
) -> TokenStream {
    let owner = name.to_string();
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types = def.variants.iter().map(|v| {
        let ty = rust_type(&v.ty, TokenStream::new());
        if context.boxed.contains(&owner, &v.rust_name) {
            quote!(Box<#ty>)
        } else {
            ty
        }
    });
    let variant_docs = def.variants.iter().map(|v| match v.tags.as_slice() {
        [] => format!(" A `{}`.", v.ty),
        tags => format!(" Tagged `{}`.", tags.join("`, `")),
    });
    let Some(tag) = &def.discriminator else {
        let serde = context.directions.serde_derives();
        return quote! {
            #docs
            ///
            /// Decoding tries each alternative in order and keeps the first that fits.
            #deprecated
            #[derive(Debug, Clone, PartialEq)]
            #serde
            #[serde(untagged)]
            pub enum #name {
                #(#[doc = #variant_docs] #variants(#types),)*
            }
        };
    };
    let serialize_arms = def.variants.iter().zip(&variants).map(|(v, variant)| {
        match v.tags.first() {
            Some(first) => quote! {
                #name::#variant(value) => {
                    crate::runtime::tagged::serialize(serializer, value, #tag, #first)
                }
            },
            // Every tag of this alternative names an earlier one: it is sent as it is.
            None => {
                quote!(#name::#variant(value) => serde::Serialize::serialize(value, serializer),)
            }
        }
    });
    let decode_arms = def
        .variants
        .iter()
        .zip(&variants)
        .filter(|(v, _)| !v.tags.is_empty())
        .map(|(v, variant)| {
            let tags = &v.tags;
            quote!(#(#tags)|* => crate::runtime::tagged::decode(value).map(#name::#variant),)
        });
    // Each impl only where a direction is needed, or behind its feature.
    let serialize_impl = context.directions.serialize_gate().map(|gate| {
        quote! {
            #gate
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#serialize_arms)*
                        #name::Unknown(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    });
    let deserialize_impl = context.directions.deserialize_gate().map(|gate| {
        quote! {
            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let (tag, value) = crate::runtime::tagged::split(deserializer, #tag)?;
                    match tag.as_str() {
                        #(#decode_arms)*
                        _ => Ok(#name::Unknown(value)),
                    }
                }
            }
        }
    });
    let doc_tag = format!(" The property `{tag}` names the alternative; values this client does not know are kept in `Unknown`.");
    quote! {
        #docs
        ///
        #[doc = #doc_tag]
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants(#types),)*
            /// An alternative that was not known when this client was generated.
            Unknown(serde_json::Value),
        }
        #serialize_impl
        #deserialize_impl
    }
}

/// `MultipartForm` for a struct sent as `multipart/form-data`: one part per field, the files
/// last. Servers that read the form as a stream (Daytona's bulk upload among them) need a
/// file's metadata before its contents, and a part already passed cannot be read again.
fn multipart_impl(name: &str, def: &Struct) -> TokenStream {
    let name = ident(name);
    let is_file = |ty: &TypeRef| match ty {
        TypeRef::Binary => true,
        TypeRef::Array(item) => matches!(**item, TypeRef::Binary),
        _ => false,
    };
    let mut sent: Vec<_> = def
        .fields
        .iter()
        .filter(|f| f.access != Access::ReadOnly)
        .collect();
    // Stable: the fields keep their order within each group.
    sent.sort_by_key(|field| is_file(&field.ty));
    let parts = sent.into_iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let part_name = &field.json_name;
        let write = |value: TokenStream, ty: &TypeRef| part_write(part_name, value, ty);
        match field.presence() {
            Presence::Required => write(quote!(&self.#field_name), &field.ty),
            Presence::RequiredNullable | Presence::Optional => {
                let inner = write(quote!(value), &field.ty);
                quote!(if let Some(value) = &self.#field_name { #inner })
            }
            Presence::OptionalNullable => {
                let inner = write(quote!(value), &field.ty);
                quote!(if let Some(Some(value)) = &self.#field_name { #inner })
            }
        }
    });
    quote! {
        impl crate::runtime::MultipartForm for #name {
            fn write_parts(&self, form: &mut crate::runtime::Form, prefix: &str) {
                #(#parts)*
            }
        }
    }
}

/// Appends the part(s) for one value (`value` is a reference): files as file parts, scalars as text, the rest as JSON.
fn part_write(part_name: &str, value: TokenStream, ty: &TypeRef) -> TokenStream {
    let template = format!(
        "{{prefix}}{}",
        part_name.replace('{', "{{").replace('}', "}}")
    );
    let name = quote!(format!(#template));
    match ty {
        TypeRef::Binary => quote!(form.file(#name, #value);),
        TypeRef::Array(item) if matches!(**item, TypeRef::Binary) => {
            quote!(for file in #value { form.file(#name, file); })
        }
        TypeRef::String => quote!(form.text(#name, String::clone(#value));),
        TypeRef::Secret => quote!(form.text(#name, #value.expose().to_string());),
        TypeRef::DateTime => {
            quote!(form.text(#name, crate::runtime::DateTime::to_rfc3339(#value));)
        }
        ty if ty.is_copy_scalar() || *ty == TypeRef::Date => {
            quote!(form.text(#name, ToString::to_string(#value));)
        }
        TypeRef::Base64 => quote!(form.text(#name, crate::runtime::json_text(#value));),
        _ => quote!(form.json(#name, #value);),
    }
}

/// What a type without documentation is: the schema it comes from.
fn describe_origin(origin: &str) -> String {
    match origin.strip_prefix("#/components/schemas/") {
        Some(name) if !name.contains('/') => format!("The `{name}` schema."),
        _ => format!("The schema at `{origin}`."),
    }
}

/// An identifier token; names from [`crate::naming`] are always valid identifiers.
pub fn ident(name: &str) -> Ident {
    format_ident!("{}", name, span = Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_goes_after_each_items_docs() {
        let items = quote! {
            /// A model.
            #[derive(Debug)]
            pub struct A { pub x: i32 }
            impl A { fn f() {} }
            /// An alias.
            pub type B = A;
            const C: A = A { x: 1 };
        };
        let gated = gated(quote!(#[cfg(feature = "f")]), items).to_string();
        let expected = quote! {
            /// A model.
            #[cfg(feature = "f")]
            #[derive(Debug)]
            pub struct A { pub x: i32 }
            #[cfg(feature = "f")]
            impl A { fn f() {} }
            /// An alias.
            #[cfg(feature = "f")]
            pub type B = A;
            #[cfg(feature = "f")]
            const C: A = A { x: 1 };
        };
        assert_eq!(gated, expected.to_string());
    }
}
