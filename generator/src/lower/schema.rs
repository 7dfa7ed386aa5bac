//! Schemas → named Rust types and type references.

use super::enums::{self, EnumSite, EnumTable};
use super::hint::Hint;
use super::refs;
use crate::error::{pointer_push, Error, Result, Warning};
use crate::ir::{
    Access, Constraints, Docs, Field, IntWidth, Struct, TypeDef, TypeKind, TypeRef, Union,
    UnionVariant,
};
use crate::naming::{ident, Case, Scope};
use openapiv3::{
    AdditionalProperties, Discriminator, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::BTreeMap;

/// A schema reached through either kind of reference wrapper `openapiv3` uses.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// A `$ref`.
    Ref(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

/// Lowers schemas into [`TypeDef`]s, naming every type.
pub struct TypeLowering<'a> {
    doc: &'a OpenAPI,
    overrides: &'a BTreeMap<String, String>,
    /// Secret properties as `Schema.property` (component name, JSON property name).
    secrets: &'a [String],
    /// Every Rust type name taken so far.
    pub scope: Scope,
    /// Component schema name → Rust type name.
    component_names: BTreeMap<String, String>,
    /// Types in the order they are defined.
    pub types: Vec<TypeDef>,
    /// Inline enums waiting for their names.
    pub enums: EnumTable,
    /// What could not be modelled as written, and was done instead.
    pub warnings: Vec<Warning>,
    /// The inline schemas being lowered, innermost last, with the names of their types: a
    /// schema met again inside itself (an `allOf` that merges in the schema holding it) is
    /// that type, not a new one.
    in_progress: Vec<(*const Schema, String)>,
}

impl<'a> TypeLowering<'a> {
    /// Names every component schema, so references resolve before the components are lowered.
    pub fn new(
        doc: &'a OpenAPI,
        overrides: &'a BTreeMap<String, String>,
        secrets: &'a [String],
    ) -> Self {
        let mut scope = Scope::for_types();
        let mut component_names = BTreeMap::new();
        let mut enums = EnumTable::default();
        let mut warnings = Vec::new();
        for (name, schema) in component_schemas(doc) {
            let wanted = ident(name, Case::Type);
            let rust_name = scope.claim(wanted.clone());
            if crate::naming::RUST_TYPE_NAMES.contains(&wanted.as_str()) {
                warnings.push(Warning::at(
                    format!(
                        "the schema is named `{rust_name}` in Rust: `{wanted}` is a name of Rust's \
                         own that the generated code uses"
                    ),
                    pointer_push("#/components/schemas", name),
                ));
            }
            if let ReferenceOr::Item(schema) = schema {
                if let Some(values) = string_enum_values(schema) {
                    enums.add_named(values, &rust_name);
                }
            }
            component_names.insert(name.clone(), rust_name);
        }
        TypeLowering {
            doc,
            overrides,
            secrets,
            scope,
            component_names,
            types: Vec::new(),
            enums,
            warnings,
            in_progress: Vec::new(),
        }
    }

    /// Lowers every component schema into a named type.
    pub fn lower_components(&mut self) -> Result<()> {
        for (name, schema) in component_schemas(self.doc) {
            let rust_name = self.component_names[name].clone();
            let pointer = pointer_push("#/components/schemas", name);
            let def = match schema {
                ReferenceOr::Reference { reference } => TypeDef {
                    name: rust_name,
                    origin: pointer.clone(),
                    docs: Docs::default(),
                    deprecated: false,
                    kind: TypeKind::Alias(self.reference(reference, &pointer)?),
                },
                ReferenceOr::Item(schema) => self.named_type(rust_name, schema, &pointer)?,
            };
            self.types.push(def);
        }
        Ok(())
    }

    /// The Rust type of a component reference.
    pub fn reference(&self, reference: &str, pointer: &str) -> Result<TypeRef> {
        let name = refs::component_name(reference, "schemas", pointer)?;
        match self.component_names.get(name) {
            Some(rust_name) => Ok(TypeRef::Named(rust_name.clone())),
            None => {
                let known: Vec<&str> = component_schemas(self.doc)
                    .map(|(k, _)| k.as_str())
                    .collect();
                Err(refs::unresolved(reference, "schemas", &known, pointer))
            }
        }
    }

    /// The schema a reference points at.
    pub fn resolve(&self, schema: SchemaRef<'a>, pointer: &str) -> Result<&'a Schema> {
        match schema {
            SchemaRef::Inline(schema) => Ok(schema),
            SchemaRef::Ref(reference) => refs::resolve(
                self.doc.components.as_ref(),
                "schemas",
                |c| &c.schemas,
                reference,
                pointer,
            ),
        }
    }

    /// The validation keywords of a schema, looking through one reference.
    pub fn constraints(&self, schema: SchemaRef<'a>, pointer: &str) -> Constraints {
        let Ok(schema) = self.resolve(schema, pointer) else {
            return Constraints::default();
        };
        let mut limits = Constraints::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                limits.min_length = string.min_length;
                limits.max_length = string.max_length;
                limits.pattern = string.pattern.clone();
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                limits.minimum = integer.minimum.map(|n| n as f64);
                limits.maximum = integer.maximum.map(|n| n as f64);
            }
            SchemaKind::Type(Type::Number(number)) => {
                limits.minimum = number.minimum;
                limits.maximum = number.maximum;
            }
            SchemaKind::Type(Type::Array(array)) => {
                limits.min_items = array.min_items;
                limits.max_items = array.max_items;
            }
            _ => {}
        }
        limits
    }

    /// Whether `null` is allowed, looking through references and `allOf` wrappers.
    pub fn nullable(&self, schema: SchemaRef<'a>, pointer: &str) -> bool {
        let mut current = schema;
        // A wrapper may wrap itself (`A: {allOf: [$ref: A]}`); a longer chain than this is one.
        for _ in 0..MAX_WRAPPERS {
            let Ok(schema) = self.resolve(current, pointer) else {
                return false;
            };
            if schema.schema_data.nullable
                || wrapper_decorations(schema).any(|d| d.schema_data.nullable)
            {
                return true;
            }
            match single_all_of(schema) {
                Some(inner) => current = inner,
                None => return false,
            }
        }
        false
    }

    /// A type for a named component.
    fn named_type(&mut self, name: String, schema: &'a Schema, pointer: &str) -> Result<TypeDef> {
        let docs = docs_of(schema);
        let deprecated = schema.schema_data.deprecated;
        let kind = if let Some(values) = string_enum_values(schema) {
            TypeKind::Enum(enums::string_enum(&values))
        } else if let Some(values) = integer_enum_values(schema) {
            TypeKind::Enum(enums::integer_enum(&values))
        } else if is_struct(schema) {
            TypeKind::Struct(self.struct_fields(&name, schema, pointer)?)
        } else if let Some((members, key)) = union_members(schema).filter(|(m, _)| m.len() > 1) {
            TypeKind::Union(self.union(&name, schema, members, key, pointer)?)
        } else {
            let hint = Hint::new(&name, "");
            TypeKind::Alias(self.type_ref_inner(schema, pointer, &hint)?)
        };
        Ok(TypeDef {
            name,
            origin: pointer.to_string(),
            docs,
            deprecated,
            kind,
        })
    }

    /// The Rust type for a schema; inline objects and enums become named types.
    pub fn type_ref(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &str,
        hint: &Hint,
    ) -> Result<TypeRef> {
        match schema {
            SchemaRef::Ref(reference) => self.reference(reference, pointer),
            SchemaRef::Inline(schema) => self.type_ref_inner(schema, pointer, hint),
        }
    }

    fn type_ref_inner(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        hint: &Hint,
    ) -> Result<TypeRef> {
        if let Some(values) = string_enum_values(schema) {
            let site = EnumSite {
                pointer: pointer.to_string(),
                hint: hint.clone(),
                docs: docs_of(schema),
            };
            return Ok(self.enums.add_inline(values, site, &mut self.types));
        }
        if let Some(inner) = single_all_of(schema) {
            return self.type_ref(
                inner,
                &pointer_push(&pointer_push(pointer, "allOf"), "0"),
                hint,
            );
        }
        if let Some(name) = self.being_lowered(schema) {
            return Ok(TypeRef::Named(name));
        }
        if let Some((members, key)) = union_members(schema) {
            if let [only] = members {
                let member_pointer = pointer_push(&pointer_push(pointer, key), "0");
                return self.type_ref(only.into(), &member_pointer, hint);
            }
            let name = self.claim_inline_name(pointer, hint);
            self.in_progress.push((schema, name.clone()));
            let union = self.union(&name, schema, members, key, pointer);
            self.in_progress.pop();
            return Ok(self.push_inline(name, schema, pointer, TypeKind::Union(union?)));
        }
        if let Some(values) = integer_enum_values(schema) {
            let name = self.claim_inline_name(pointer, hint);
            let kind = TypeKind::Enum(enums::integer_enum(&values));
            return Ok(self.push_inline(name, schema, pointer, kind));
        }
        if is_struct(schema) {
            let name = self.claim_inline_name(pointer, hint);
            self.in_progress.push((schema, name.clone()));
            let fields = self.struct_fields(&name, schema, pointer);
            self.in_progress.pop();
            return Ok(self.push_inline(name, schema, pointer, TypeKind::Struct(fields?)));
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64,
                VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                VariantOrUnknownOrEmpty::Unknown(format) => {
                    IntWidth::from_format(format).map_or(TypeRef::I64, TypeRef::Int)
                }
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => TypeRef::Array(Box::new(self.type_ref(
                    items.into(),
                    &pointer_push(pointer, "items"),
                    &hint.items(),
                )?)),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                self.map_type(object.additional_properties.as_ref(), pointer, hint)?
            }
            SchemaKind::Any(any) if any.typ.as_deref() == Some("object") => {
                self.map_type(any.additional_properties.as_ref(), pointer, hint)?
            }
            SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => match &any.items {
                Some(items) => TypeRef::Array(Box::new(self.type_ref(
                    items.into(),
                    &pointer_push(pointer, "items"),
                    &hint.items(),
                )?)),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            // `not`, empty and untyped schemas carry any JSON value.
            _ => TypeRef::Json,
        })
    }

    /// The name of the type an inline schema is becoming, if it is being lowered now.
    fn being_lowered(&self, schema: &Schema) -> Option<String> {
        self.in_progress
            .iter()
            .find(|(lowering, _)| std::ptr::eq(*lowering, schema))
            .map(|(_, name)| name.clone())
    }

    /// Whether a named type is a struct, looking through aliases.
    pub fn is_struct_type(&self, name: &str) -> bool {
        let mut current = name.to_string();
        for _ in 0..MAX_WRAPPERS {
            match self
                .types
                .iter()
                .find(|def| def.name == current)
                .map(|def| &def.kind)
            {
                Some(TypeKind::Struct(_)) => return true,
                Some(TypeKind::Alias(TypeRef::Named(target))) => current = target.clone(),
                _ => return false,
            }
        }
        false
    }

    /// The name of an inline type: chosen in the configuration, or from its parent and field.
    fn claim_inline_name(&mut self, pointer: &str, hint: &Hint) -> String {
        match self.overrides.get(pointer) {
            Some(name) => self.scope.claim(name.clone()),
            None => self.scope.claim(hint.full_name()),
        }
    }

    fn push_inline(
        &mut self,
        name: String,
        schema: &Schema,
        pointer: &str,
        kind: TypeKind,
    ) -> TypeRef {
        self.types.push(TypeDef {
            name: name.clone(),
            origin: pointer.to_string(),
            docs: docs_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        TypeRef::Named(name)
    }

    /// The alternatives of a `oneOf`/`anyOf` (`key`), tagged when the schema has a
    /// discriminator and every alternative is a reference the tag can name.
    fn union(
        &mut self,
        name: &str,
        schema: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        key: &str,
        pointer: &str,
    ) -> Result<Union> {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let member_pointer = pointer_push(&pointer_push(pointer, key), &i.to_string());
            let (variant_name, ty) = match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.reference(reference, &member_pointer)?;
                    (ty.named().unwrap_or("Variant").to_string(), ty)
                }
                ReferenceOr::Item(inline) => {
                    let variant_name = variant_name_of(inline);
                    let ty = self.type_ref_inner(
                        inline,
                        &member_pointer,
                        &Hint::new(name, &variant_name),
                    )?;
                    (variant_name, ty)
                }
            };
            variants.push(UnionVariant {
                rust_name: scope.claim(ident(&variant_name, Case::Type)),
                ty,
                tags: Vec::new(),
            });
        }
        let discriminator = schema.schema_data.discriminator.as_ref().filter(|_| {
            members
                .iter()
                .all(|m| matches!(m, ReferenceOr::Reference { .. }))
        });
        if let Some(discriminator) = discriminator {
            // A tag names one alternative: the first that claims it.
            let mut claimed = Vec::new();
            for (variant, member) in variants.iter_mut().zip(members) {
                if let ReferenceOr::Reference { reference } = member {
                    variant.tags = discriminator_tags(discriminator, reference)
                        .into_iter()
                        .filter(|tag| !claimed.contains(tag))
                        .collect();
                    claimed.extend(variant.tags.iter().cloned());
                }
            }
        }
        Ok(Union {
            variants,
            discriminator: discriminator.map(|d| d.property_name.clone()),
        })
    }

    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        hint: &Hint,
    ) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(self.type_ref(
                value.as_ref().into(),
                &pointer_push(pointer, "additionalProperties"),
                &hint.values(),
            )?)),
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
        })
    }

    /// The fields of an object schema (several `allOf` members are merged into one struct).
    fn struct_fields(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> Result<Struct> {
        let mut parts = ObjectParts::default();
        self.collect_object(schema, pointer, &mut parts, 0)?;
        let mut scope = Scope::default();
        if parts.additional.is_some() {
            scope = Scope::with_reserved(&["additional_properties"]);
        }
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (json_name, property, property_pointer) in parts.properties {
            let hint = Hint::new(name, &json_name);
            let ty = match self.type_ref(property, &property_pointer, &hint)? {
                TypeRef::String if self.is_secret(pointer, &json_name, property) => TypeRef::Secret,
                ty => ty,
            };
            let (docs, deprecated) = match property {
                SchemaRef::Inline(schema) => (docs_of(schema), schema.schema_data.deprecated),
                SchemaRef::Ref(_) => (Docs::default(), false),
            };
            let access = match self.resolve(property, &property_pointer) {
                Ok(schema) if schema.schema_data.read_only => Access::ReadOnly,
                Ok(schema) if schema.schema_data.write_only => Access::WriteOnly,
                _ => Access::ReadWrite,
            };
            fields.push(Field {
                access,
                constraints: self.constraints(property, &property_pointer),
                rust_name: scope.claim(ident(&json_name, Case::Value)),
                required: parts.required.contains(&json_name),
                nullable: self.nullable(property, &property_pointer),
                deprecated,
                json_name,
                ty,
                docs,
            });
        }
        let additional_properties = match parts.additional {
            Some((value, value_pointer)) => Some(self.type_ref(
                value,
                &value_pointer,
                &Hint::new(name, "AdditionalProperty"),
            )?),
            None if parts.additional_any => Some(TypeRef::Json),
            None => None,
        };
        Ok(Struct {
            fields,
            additional_properties,
        })
    }

    /// Whether a string property holds a secret: configured, or `format: password`.
    fn is_secret(&self, parent_pointer: &str, property: &str, schema: SchemaRef<'a>) -> bool {
        let configured = parent_pointer
            .strip_prefix("#/components/schemas/")
            .is_some_and(|parent| {
                let name = format!("{parent}.{property}");
                self.secrets.contains(&name)
            });
        let password = matches!(
            schema,
            SchemaRef::Inline(Schema {
                schema_kind: SchemaKind::Type(Type::String(string)),
                ..
            }) if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        );
        configured || password
    }

    fn collect_object(
        &self,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(Error::at(
                "allOf nests too deeply or refers to itself",
                pointer,
            ));
        }
        let (properties, required, additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
            ),
            SchemaKind::Any(any) => {
                for (i, member) in any.all_of.iter().enumerate() {
                    let member_pointer =
                        pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
                    let resolved = self.resolve(member.into(), &member_pointer)?;
                    self.collect_object(resolved, &member_pointer, parts, depth + 1)?;
                }
                (
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                )
            }
            SchemaKind::AllOf { all_of } => {
                for (i, member) in all_of.iter().enumerate() {
                    let member_pointer =
                        pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
                    let resolved = self.resolve(member.into(), &member_pointer)?;
                    self.collect_object(resolved, &member_pointer, parts, depth + 1)?;
                }
                return Ok(());
            }
            _ => return Ok(()),
        };
        let properties_pointer = pointer_push(pointer, "properties");
        for (name, property) in properties {
            let entry = (
                name.clone(),
                SchemaRef::from(property),
                pointer_push(&properties_pointer, name),
            );
            match parts.properties.iter_mut().find(|(n, _, _)| n == name) {
                Some(existing) => *existing = entry,
                None => parts.properties.push(entry),
            }
        }
        parts.required.extend(required.iter().cloned());
        match additional {
            Some(AdditionalProperties::Schema(value)) => {
                parts.additional = Some((
                    value.as_ref().into(),
                    pointer_push(pointer, "additionalProperties"),
                ))
            }
            Some(AdditionalProperties::Any(true)) => parts.additional_any = true,
            _ => {}
        }
        Ok(())
    }
}

/// What an object schema (and its `allOf` members) declares.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: Vec<(String, SchemaRef<'a>, String)>,
    required: Vec<String>,
    additional: Option<(SchemaRef<'a>, String)>,
    additional_any: bool,
}

fn component_schemas(doc: &OpenAPI) -> impl Iterator<Item = (&String, &ReferenceOr<Schema>)> {
    doc.components.iter().flat_map(|c| c.schemas.iter())
}

/// The values of a string enum, without `null`.
pub fn string_enum_values(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            let values = distinct(string.enumeration.iter().flatten().cloned());
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// The longest chain of wrappers and aliases followed; a longer one loops.
const MAX_WRAPPERS: usize = 256;

/// The one member of an `allOf` that only wraps a single schema (to add docs or `nullable`):
/// the only member, or the only one that is not a decoration (see [`is_decoration`]).
/// `{allOf: [{$ref: Filter}, {description: negation}]}` is a `Filter`, described.
pub fn single_all_of(schema: &Schema) -> Option<SchemaRef<'_>> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if any.properties.is_empty() && any.typ.is_none() => &any.all_of,
        _ => return None,
    };
    let mut structural = members.iter().filter(|member| !is_decoration(member));
    match (structural.next(), structural.next()) {
        (Some(only), None) => Some(only.into()),
        _ => None,
    }
}

/// The decoration members of an `allOf` wrapper (see [`single_all_of`]).
fn wrapper_decorations(schema: &Schema) -> impl Iterator<Item = &Schema> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if single_all_of(schema).is_some() => all_of.as_slice(),
        SchemaKind::Any(any) if single_all_of(schema).is_some() => any.all_of.as_slice(),
        _ => &[],
    };
    members.iter().filter_map(|member| match member {
        ReferenceOr::Item(schema) if is_decoration(member) => Some(schema),
        _ => None,
    })
}

/// Whether an inline schema only describes (title, description, example, default, nullable,
/// read- or write-only, deprecated) and constrains nothing: as an `allOf` member it adds words
/// to the other members, not fields.
fn is_decoration(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.required.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.enumeration.is_empty()
                && any.format.is_none()
                && any.pattern.is_none()
        }
        _ => false,
    }
}

/// Whether a schema becomes a struct: an object with properties, or several `allOf` members
/// that are more than one schema and its decorations.
fn is_struct(schema: &Schema) -> bool {
    if single_all_of(schema).is_some() {
        return false;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        SchemaKind::Any(any) => {
            !any.properties.is_empty() || (any.all_of.len() > 1 && any.one_of.is_empty())
        }
        _ => false,
    }
}

/// Doc text of a schema (an `allOf` wrapper's from its decorations, where it has none).
pub fn docs_of(schema: &Schema) -> Docs {
    let own = &schema.schema_data;
    let decorated = |pick: fn(&openapiv3::SchemaData) -> Option<String>| {
        pick(own).or_else(|| wrapper_decorations(schema).find_map(|d| pick(&d.schema_data)))
    };
    Docs {
        summary: decorated(|data| data.title.clone()),
        description: decorated(|data| data.description.clone()),
        example: decorated(|data| data.example.as_ref().map(|e| e.to_string())),
        default: decorated(|data| data.default.as_ref().map(|d| d.to_string())),
    }
}

/// The values in first-seen order, each once (specs do repeat enum values).
fn distinct<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// The values of an integer enum, without `null`.
fn integer_enum_values(schema: &Schema) -> Option<Vec<i64>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) if !integer.enumeration.is_empty() => {
            let values = distinct(integer.enumeration.iter().flatten().copied());
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// The alternatives of a `oneOf` or `anyOf`, with the keyword they sit under.
fn union_members(schema: &Schema) -> Option<(&[ReferenceOr<Schema>], &'static str)> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some((one_of, "oneOf")),
        SchemaKind::AnyOf { any_of } => Some((any_of, "anyOf")),
        SchemaKind::Any(any) if any.properties.is_empty() && any.all_of.is_empty() => {
            if !any.one_of.is_empty() {
                Some((&any.one_of, "oneOf"))
            } else if !any.any_of.is_empty() {
                Some((&any.any_of, "anyOf"))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A variant name for an inline alternative: its title, or what kind of value it is.
fn variant_name_of(schema: &Schema) -> String {
    if let Some(title) = &schema.schema_data.title {
        return title.clone();
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        _ => "Value",
    }
    .to_string()
}

/// The discriminator values that name the schema at `reference`: its `mapping` entries, or
/// the schema's own name when the mapping does not mention it.
fn discriminator_tags(discriminator: &Discriminator, reference: &str) -> Vec<String> {
    let component = reference.rsplit('/').next().unwrap_or(reference);
    let mapped: Vec<String> = discriminator
        .mapping
        .iter()
        .filter(|(_, target)| target.as_str() == reference || target.as_str() == component)
        .map(|(value, _)| value.clone())
        .collect();
    if mapped.is_empty() {
        vec![component.to_string()]
    } else {
        mapped
    }
}
