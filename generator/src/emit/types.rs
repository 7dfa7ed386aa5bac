//! Named types → struct, enum and alias items.

use super::docs::doc_attrs;
use super::rust_type;
use crate::ir::{Api, Field, Presence, StringEnum, Struct, TypeDef, TypeKind, TypeRef};
use crate::usage::Usage;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The items of the `types` module.
pub fn types_module(api: &Api, multipart_forms: &BTreeSet<String>) -> TokenStream {
    let usage = Usage::of(api);
    let items = api.types.iter().map(|def| {
        let item = type_item(def, serde_derives(&usage, &def.name));
        match &def.kind {
            TypeKind::Struct(fields) if multipart_forms.contains(&def.name) => {
                let form = multipart_impl(&def.name, fields);
                quote!(#item #form)
            }
            _ => item,
        }
    });
    quote!(#(#items)*)
}

/// The serde derives a struct needs: `Serialize` when it is sent, `Deserialize` when it is
/// received, both when the operations use it in neither direction (a payload callers handle
/// themselves, such as a webhook event). Tests of the crate get both everywhere.
fn serde_derives(usage: &Usage, name: &str) -> TokenStream {
    let (sent, received) = (usage.in_request(name), usage.in_response(name));
    match (sent, received) {
        (true, false) => quote! {
            #[derive(serde::Serialize)]
            #[cfg_attr(test, derive(serde::Deserialize))]
        },
        (false, true) => quote! {
            #[derive(serde::Deserialize)]
            #[cfg_attr(test, derive(serde::Serialize))]
        },
        _ => quote!(#[derive(serde::Serialize, serde::Deserialize)]),
    }
}

fn type_item(def: &TypeDef, serde: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs, || describe_origin(&def.origin));
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Struct(fields) => struct_item(&name, &docs, deprecated, fields, serde),
        TypeKind::Enum(variants) => enum_item(&name, &docs, deprecated, variants),
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
    serde: TokenStream,
) -> TokenStream {
    let fields = def.fields.iter().map(field_item);
    let additional = def.additional_properties.as_ref().map(|value| {
        let value = rust_type(value, TokenStream::new());
        quote! {
            /// Properties beyond the declared ones.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let default = def
        .fields
        .iter()
        .all(|f| f.presence() != Presence::Required || has_default(&f.ty))
        .then(|| quote!(Default,));
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default)]
        #serde
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// Whether a type has a `Default` that is a valid empty value.
fn has_default(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Json
            | TypeRef::Secret
            | TypeRef::Array(_)
            | TypeRef::Map(_)
    )
}

fn field_item(field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let docs = doc_attrs(&field.docs, || {
        format!("The `{}` property.", field.json_name)
    });
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    let ty = rust_type(&field.ty, TokenStream::new());
    let rename = (field.rust_name != field.json_name).then(|| {
        let json_name = &field.json_name;
        quote!(rename = #json_name,)
    });
    let (serde, ty) = match field.presence() {
        Presence::Required => (rename.map(|r| quote!(#[serde(#r)])), ty),
        Presence::RequiredNullable => (
            Some(quote! {
                #[serde(#rename deserialize_with = "crate::runtime::nullable::required")]
            }),
            quote!(Option<#ty>),
        ),
        Presence::Optional => (
            Some(quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])),
            quote!(Option<#ty>),
        ),
        Presence::OptionalNullable => (
            Some(quote! {
                #[serde(
                    #rename
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "crate::runtime::nullable::optional"
                )]
            }),
            quote!(Option<Option<#ty>>),
        ),
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
        #deprecated
        #serde
        pub #name: #ty,
    }
}

fn enum_item(
    name: &Ident,
    docs: &TokenStream,
    deprecated: Option<TokenStream>,
    def: &StringEnum,
) -> TokenStream {
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<&str> = def.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|value| format!(" `{value}`"));
    quote! {
        #docs
        ///
        /// Values this client does not know are kept in `Unknown`, so new server values decode.
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// `MultipartForm` for a struct sent as `multipart/form-data`: one part per field.
fn multipart_impl(name: &str, def: &Struct) -> TokenStream {
    let name = ident(name);
    let parts = def.fields.iter().map(|field| {
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
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Date => {
            quote!(form.text(#name, ToString::to_string(#value));)
        }
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
