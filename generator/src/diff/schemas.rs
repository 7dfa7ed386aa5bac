//! Changes to named types: structs field by field, enums value by value, unions alternative by
//! alternative, each read in the directions the type travels.

use super::{field_rust_type, limits, record, wire, Change, Location, RustEffect};
use crate::ir::{Api, Field, Presence, TypeDef, TypeKind, TypeRef, Union};
use crate::usage::{Directions, Usage};
use std::collections::{BTreeMap, BTreeSet};

/// Which way a type travels, for rule ids and messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

impl Direction {
    fn prefix(self) -> &'static str {
        match self {
            Direction::Request => "request-property",
            Direction::Response => "response-property",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Direction::Request => "requests",
            Direction::Response => "responses",
        }
    }

    /// The directions a type is read in, requests first.
    fn of(directions: Directions) -> impl Iterator<Item = Direction> {
        [
            (directions.sent, Direction::Request),
            (directions.received, Direction::Response),
        ]
        .into_iter()
        .filter_map(|(used, direction)| used.then_some(direction))
    }
}

fn schema_location(name: &str, field: Option<&str>) -> Location {
    Location::Schema {
        schema: name.to_string(),
        field: field.map(str::to_string),
    }
}

pub(super) fn diff_types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let same_wire = wire::Comparer { old, new };
    let old_usage = Usage::of(old);
    let new_usage = Usage::of(new);
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let names: BTreeSet<&str> = old_types.keys().chain(new_types.keys()).copied().collect();
    for name in names {
        match (old_types.get(name), new_types.get(name)) {
            (Some(_), None) => record(out, schema_location(name, None)).push(
                "api-schema-removed",
                "schema removed".to_string(),
                RustEffect::breaking(name, format!("type `{name}` is removed")),
            ),
            (None, Some(_)) => record(out, schema_location(name, None)).push(
                "api-schema-added",
                "new schema".to_string(),
                RustEffect::addition(name, format!("new type `{name}`")),
            ),
            (Some(old_def), Some(new_def)) => {
                // A type in requests and responses, in either version, gets both readings.
                let directions = old_usage.directions(name) | new_usage.directions(name);
                // The emitter makes a struct callers send in a request `#[non_exhaustive]`, with
                // `new` and setters: one built so in both versions gains optional fields freely.
                let built_by_setters =
                    old_usage.built_by_setters(name) && new_usage.built_by_setters(name);
                let rust = RustShape { built_by_setters };
                diff_type(&same_wire, name, old_def, new_def, directions, rust, out);
            }
            (None, None) => {}
        }
    }
}

/// What the generated Rust type of a schema is like, in both versions.
#[derive(Clone, Copy)]
struct RustShape {
    /// `#[non_exhaustive]`, built with `new` (the required fields) and `with_…` setters.
    built_by_setters: bool,
}

fn diff_type(
    wire: &wire::Comparer,
    name: &str,
    old: &TypeDef,
    new: &TypeDef,
    directions: Directions,
    rust: RustShape,
    out: &mut Vec<Change>,
) {
    if old.deprecated != new.deprecated {
        let (rule, message, effect) = if new.deprecated {
            (
                "schema-deprecated",
                "schema deprecated",
                "is `#[deprecated]`",
            )
        } else {
            (
                "schema-reactivated",
                "schema no longer deprecated",
                "is no longer `#[deprecated]`",
            )
        };
        record(out, schema_location(name, None)).push(
            rule,
            message.to_string(),
            RustEffect::none(format!("`{name}` {effect}")),
        );
    }
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(old_struct), TypeKind::Struct(new_struct)) => {
            for direction in Direction::of(directions) {
                diff_fields(
                    wire,
                    name,
                    &old_struct.fields,
                    &new_struct.fields,
                    direction,
                    rust,
                    out,
                );
            }
        }
        (TypeKind::Enum(old_enum), TypeKind::Enum(new_enum)) => {
            let mut at = record(out, schema_location(name, None));
            for direction in Direction::of(directions) {
                for variant in &old_enum.variants {
                    if !new_enum.variants.iter().any(|v| v.value == variant.value) {
                        at.push(
                            if direction == Direction::Request {
                                "request-property-enum-value-removed"
                            } else {
                                "response-property-enum-value-removed"
                            },
                            format!(
                                "value `{}` removed from {}",
                                variant.value,
                                direction.plural()
                            ),
                            RustEffect::breaking(
                                format!("{name}::{}", variant.rust_name),
                                format!("variant `{name}::{}` is removed", variant.rust_name),
                            ),
                        );
                    }
                }
                for variant in &new_enum.variants {
                    if !old_enum.variants.iter().any(|v| v.value == variant.value) {
                        at.push(
                            if direction == Direction::Request {
                                "request-property-enum-value-added"
                            } else {
                                "response-property-enum-value-added"
                            },
                            format!("value `{}` added in {}", variant.value, direction.plural()),
                            new_enum_value(name, &variant.rust_name),
                        );
                    }
                }
            }
        }
        (TypeKind::Alias(old_target), TypeKind::Alias(new_target)) if old_target == new_target => {}
        (TypeKind::Union(old_union), TypeKind::Union(new_union)) => {
            diff_union(wire, name, old_union, new_union, directions, out);
        }
        _ => {
            let describe = |kind: &TypeKind| match kind {
                TypeKind::Struct(_) => "a struct".to_string(),
                TypeKind::Enum(_) => "an enum".to_string(),
                TypeKind::Union(_) => "a union".to_string(),
                TypeKind::Alias(target) => format!("`{target}`"),
            };
            let mut at = record(out, schema_location(name, None));
            for direction in Direction::of(directions) {
                at.push(
                    if direction == Direction::Request {
                        "request-body-type-changed"
                    } else {
                        "response-body-type-changed"
                    },
                    format!("type changed ({})", direction.plural()),
                    RustEffect::breaking(
                        name,
                        format!(
                            "`{name}` changes from {} to {}",
                            describe(&old.kind),
                            describe(&new.kind)
                        ),
                    ),
                );
            }
        }
    }
}

/// A new value of a string enum: the enums are `#[non_exhaustive]`, so every `match` outside the
/// crate already has a wildcard arm.
fn new_enum_value(name: &str, variant: &str) -> RustEffect {
    RustEffect::addition(
        format!("{name}::{variant}"),
        format!("new variant `{name}::{variant}`"),
    )
}

/// A new alternative of a union: the unions are exhaustive, so a `match` without a wildcard
/// arm no longer compiles.
fn new_variant(name: &str, variant: &str) -> RustEffect {
    RustEffect::breaking(
        format!("{name}::{variant}"),
        format!("new variant `{name}::{variant}` (a `match` without a wildcard arm must name it)"),
    )
}

/// The alternatives of a union, matched by type (a type renamed with the same JSON is the same
/// alternative). In requests the server refuses an alternative it dropped and accepts one it
/// gained; in responses deployed clients cannot decode an alternative they do not know (an
/// untagged union tries only the ones it has), and lose nothing when one goes.
fn diff_union(
    wire: &wire::Comparer,
    name: &str,
    old: &Union,
    new: &Union,
    directions: Directions,
    out: &mut Vec<Change>,
) {
    let same = |a: &TypeRef, b: &TypeRef| a == b || wire.same(a, b);
    let mut at = record(out, schema_location(name, None));
    for direction in Direction::of(directions) {
        let request = direction == Direction::Request;
        if old.discriminator != new.discriminator {
            at.push(
                if request {
                    "request-property-discriminator-property-name-changed"
                } else {
                    "response-property-discriminator-property-name-changed"
                },
                format!(
                    "the discriminator property is now {} ({})",
                    new.discriminator
                        .as_deref()
                        .map_or("none".into(), |d| format!("`{d}`")),
                    direction.plural()
                ),
                RustEffect::none(format!(
                    "`{name}` is read by another tag; its Rust variants are unchanged"
                )),
            );
        }
        for variant in &new.variants {
            if !old.variants.iter().any(|v| same(&v.ty, &variant.ty)) {
                at.push(
                    if request {
                        "request-property-one-of-added"
                    } else {
                        "response-property-one-of-added"
                    },
                    format!(
                        "alternative `{}` added in {}",
                        variant.ty,
                        direction.plural()
                    ),
                    new_variant(name, &variant.rust_name),
                );
            }
        }
        for variant in &old.variants {
            if !new.variants.iter().any(|v| same(&v.ty, &variant.ty)) {
                at.push(
                    if request {
                        "request-property-one-of-removed"
                    } else {
                        "response-property-one-of-removed"
                    },
                    format!(
                        "alternative `{}` removed from {}",
                        variant.ty,
                        direction.plural()
                    ),
                    RustEffect::breaking(
                        format!("{name}::{}", variant.rust_name),
                        format!("variant `{name}::{}` is removed", variant.rust_name),
                    ),
                );
            }
        }
    }
}

fn diff_fields(
    wire: &wire::Comparer,
    name: &str,
    old_fields: &[Field],
    new_fields: &[Field],
    direction: Direction,
    rust: RustShape,
    out: &mut Vec<Change>,
) {
    let request = direction == Direction::Request;
    let plural = direction.plural();
    let rust_field = |f: &Field| format!("`{name}::{}: {}`", f.rust_name, field_rust_type(f));
    let item = |f: &Field| format!("{name}.{}", f.rust_name);
    let setter = |f: &Field| format!("{name}::{}", crate::naming::setter(&f.rust_name));
    for new_field in new_fields {
        let json = &new_field.json_name;
        let mut at = record(out, schema_location(name, Some(json)));
        let Some(old_field) = old_fields.iter().find(|f| f.json_name == *json) else {
            let rule = match (request, new_field.required) {
                (true, true) => "new-required-request-property",
                (true, false) => "new-optional-request-property",
                (false, true) => "response-required-property-added",
                (false, false) => "response-optional-property-added",
            };
            let required = if new_field.required {
                "required"
            } else {
                "optional"
            };
            // A struct callers send is built with `new` and setters: an optional field adds a
            // setter, a required one an argument of `new`. Any other struct is exhaustive with
            // public fields: a literal that names every field no longer compiles (one ending in
            // `..Default::default()` does).
            let effect = match same_rust_field(old_fields, new_field) {
                Some(effect) => effect,
                None if rust.built_by_setters && !new_field.required => RustEffect::addition(
                    item(new_field),
                    format!(
                        "new field {} and setter `{}`",
                        rust_field(new_field),
                        setter(new_field)
                    ),
                ),
                None if rust.built_by_setters => RustEffect::breaking(
                    format!("{name}::new"),
                    format!(
                        "new field {} (`{name}::new` takes it)",
                        rust_field(new_field)
                    ),
                ),
                None => RustEffect::breaking(
                    item(new_field),
                    format!(
                        "new field {} (struct literals without `..Default::default()` need it)",
                        rust_field(new_field)
                    ),
                ),
            };
            at.push(rule, format!("new {required} property in {plural}"), effect);
            continue;
        };
        let retyped = || {
            RustEffect::retyped(
                item(new_field),
                &format!("`{name}::{}`", new_field.rust_name),
                &field_rust_type(old_field),
                &field_rust_type(new_field),
            )
        };
        if old_field.ty != new_field.ty {
            let (rule, message) = if wire.same(&old_field.ty, &new_field.ty) {
                (
                    "generated-type-renamed",
                    format!("same on the wire ({plural})"),
                )
            } else if request {
                (
                    "request-property-type-changed",
                    format!("type changed ({plural})"),
                )
            } else {
                (
                    "response-property-type-changed",
                    format!("type changed ({plural})"),
                )
            };
            at.push(rule, message, retyped());
        } else if old_field.presence() != new_field.presence() {
            // Presence and nullability are two rules each way: in a request, the server may
            // now refuse what deployed clients send (a field they leave out, a null they send);
            // in a response, deployed clients may now meet what they do not expect.
            let mut aspects = Vec::new();
            if old_field.required != new_field.required {
                aspects.push(match (request, new_field.required) {
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                });
            }
            if old_field.nullable != new_field.nullable {
                aspects.push(match (request, new_field.nullable) {
                    (true, true) => "request-property-became-nullable",
                    (true, false) => "request-property-became-not-nullable",
                    (false, true) => "response-property-became-nullable",
                    (false, false) => "response-property-became-not-nullable",
                });
            }
            // A field that becomes required or optional joins or leaves `new`'s arguments.
            let arity = rust.built_by_setters && old_field.required != new_field.required;
            for rule in aspects {
                let effect = retyped();
                let effect = if arity {
                    RustEffect::breaking(
                        format!("{name}::new"),
                        format!(
                            "`{name}::new` {} the argument `{}`",
                            if new_field.required { "gains" } else { "loses" },
                            new_field.rust_name
                        ),
                    )
                    .and_effect(effect)
                } else {
                    effect
                };
                at.push(
                    rule,
                    format!(
                        "{} → {} ({plural})",
                        presence_words(old_field),
                        presence_words(new_field)
                    ),
                    effect,
                );
            }
        }
        if old_field.deprecated != new_field.deprecated {
            let (rule, message, effect) = match (request, new_field.deprecated) {
                (true, true) => ("request-property-deprecated", "deprecated", "is"),
                (false, true) => ("response-property-deprecated", "deprecated", "is"),
                (true, false) => (
                    "request-property-reactivated",
                    "no longer deprecated",
                    "is no longer",
                ),
                (false, false) => (
                    "response-property-reactivated",
                    "no longer deprecated",
                    "is no longer",
                ),
            };
            at.push(
                rule,
                format!("property {message}"),
                RustEffect::none(format!(
                    "`{name}::{}` {effect} `#[deprecated]`",
                    new_field.rust_name
                )),
            );
        }
        let what = format!("property `{json}` ({plural})");
        limits::diff_default(
            direction.prefix(),
            &what,
            &old_field.docs.default,
            &new_field.docs.default,
            &mut at,
        );
        limits::diff_constraints(
            direction.prefix(),
            &what,
            &old_field.constraints,
            &new_field.constraints,
            &mut at,
        );
    }
    for old_field in old_fields {
        if !new_fields
            .iter()
            .any(|f| f.json_name == old_field.json_name)
        {
            let rule = match (request, old_field.required) {
                (true, _) => "request-property-removed",
                (false, true) => "response-required-property-removed",
                (false, false) => "response-optional-property-removed",
            };
            record(out, schema_location(name, Some(&old_field.json_name))).push(
                rule,
                format!("property removed from {plural}"),
                same_rust_field(new_fields, old_field).unwrap_or_else(|| {
                    let effect = RustEffect::breaking(
                        item(old_field),
                        format!("field {} is removed", rust_field(old_field)),
                    );
                    // Its setter goes with it, and a required one leaves `new`.
                    match (rust.built_by_setters, old_field.required) {
                        (false, _) => effect,
                        (true, false) => effect.and(setter(old_field)),
                        (true, true) => effect.and(setter(old_field)).and(format!("{name}::new")),
                    }
                }),
            );
        }
    }
}

/// When a property's JSON name changes but its Rust field keeps its name and type (as when
/// `FileStatus[]` became `fileStatus`: both are `file_status`), code that names the field
/// still compiles: the effect of the pair of changes is nothing.
fn same_rust_field(others: &[Field], field: &Field) -> Option<RustEffect> {
    others
        .iter()
        .find(|f| f.rust_name == field.rust_name && f.json_name != field.json_name)
        .filter(|f| field_rust_type(f) == field_rust_type(field))
        .map(|_| {
            RustEffect::none(format!(
                "the field keeps its Rust name `{}` and type; only its JSON name changes",
                field.rust_name
            ))
        })
}

fn presence_words(field: &Field) -> &'static str {
    match field.presence() {
        Presence::Required => "required",
        Presence::RequiredNullable => "required, nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional, nullable",
    }
}
