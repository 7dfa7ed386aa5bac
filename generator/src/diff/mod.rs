//! API change reports: two lowered specs compared through the intermediate model, so `$ref`
//! indirection, key order and formatting never show as changes.
//!
//! Every change carries two verdicts: the **wire** level (will clients already deployed still
//! work against the new server), read from the one rule table in [`rules`], and the **Rust**
//! impact (will code written against the previous generated crate still compile), worked out
//! from what the generator makes of both versions. [`semver::propose`] turns the Rust impacts
//! into the crate's next version.

mod limits;
mod operations;
pub mod policy;
mod report;
pub mod rules;
mod schemas;
pub mod semver;
mod wire;

pub use report::{github_annotations, json, markdown};
pub use rules::{Level, Rule, RULES};

use crate::ir::{Api, Field, Operation};
use serde::Serialize;

/// What a change does to code written against the previous generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RustImpact {
    /// Some code that compiled against the previous crate no longer compiles.
    Breaking,
    /// New API; code that compiled still compiles.
    Addition,
    /// No change to the Rust API (doc comments at most).
    None,
}

impl RustImpact {
    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            RustImpact::Breaking => "breaking",
            RustImpact::Addition => "addition",
            RustImpact::None => "none",
        }
    }
}

/// The Rust verdict of a change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RustEffect {
    /// Breaking, an addition, or nothing.
    pub impact: RustImpact,
    /// The items touched: `module::function`, `Type`, `Type.field` or `Type::Variant`.
    pub items: Vec<String>,
    /// Whether the Rust type of an existing item changes (a field, an argument, a return
    /// type), as opposed to items added or removed.
    pub type_change: bool,
    /// The exact effect, such as "argument `body: NewPet` of `pets::create_pet` is removed".
    pub effect: String,
}

impl RustEffect {
    fn breaking(item: impl Into<String>, effect: String) -> RustEffect {
        RustEffect {
            impact: RustImpact::Breaking,
            items: vec![item.into()],
            type_change: false,
            effect,
        }
    }

    fn addition(item: impl Into<String>, effect: String) -> RustEffect {
        RustEffect {
            impact: RustImpact::Addition,
            items: vec![item.into()],
            type_change: false,
            effect,
        }
    }

    fn none(effect: impl Into<String>) -> RustEffect {
        RustEffect {
            impact: RustImpact::None,
            items: Vec::new(),
            type_change: false,
            effect: effect.into(),
        }
    }

    /// Breaking when the Rust spelling of `item` changes from `old` to `new`, no change
    /// otherwise (a wire change the Rust types do not show).
    fn retyped(item: String, what: &str, old: &str, new: &str) -> RustEffect {
        if old == new {
            RustEffect::none(format!("{what} stays `{new}`"))
        } else {
            RustEffect {
                type_change: true,
                ..RustEffect::breaking(item, format!("{what} changes from `{old}` to `{new}`"))
            }
        }
    }

    /// The same effect, touching `item` too.
    fn and(mut self, item: impl Into<String>) -> RustEffect {
        self.items.push(item.into());
        self
    }

    /// This effect and `other` together: both items and both descriptions; breaking when
    /// either is.
    fn and_effect(mut self, other: RustEffect) -> RustEffect {
        if other.impact == RustImpact::None {
            return self;
        }
        self.items.extend(other.items);
        self.type_change |= other.type_change;
        self.effect = format!("{}; {}", self.effect, other.effect);
        if other.impact == RustImpact::Breaking {
            self.impact = RustImpact::Breaking;
        }
        self
    }
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Location {
    /// An operation.
    Operation {
        /// HTTP method.
        method: String,
        /// Path template.
        path: String,
        /// `operationId`.
        operation_id: String,
    },
    /// A schema, or one of its fields.
    Schema {
        /// The Rust type name.
        schema: String,
        /// The JSON property name, for field changes.
        field: Option<String>,
    },
}

impl std::fmt::Display for Location {
    /// `GET /pets/{petId}`, `Pet` or `Pet.name`: the spelling ignore files use.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Operation { method, path, .. } => write!(f, "{method} {path}"),
            Location::Schema {
                schema,
                field: Some(field),
            } => write!(f, "{schema}.{field}"),
            Location::Schema {
                schema,
                field: None,
            } => f.write_str(schema),
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The wire verdict: the rule's level, after any override.
    pub wire: Level,
    /// Stable rule id from [`RULES`], such as `new-required-request-property`.
    pub rule: &'static str,
    /// Where.
    pub location: Location,
    /// What changed, in API terms.
    pub message: String,
    /// The Rust verdict.
    pub rust: RustEffect,
    /// Whether the ignore file acknowledges it.
    pub acknowledged: bool,
}

impl Change {
    /// `rule location`, the line an ignore file holds to acknowledge this change.
    pub fn key(&self) -> String {
        format!("{} {}", self.rule, self.location)
    }
}

/// Every change from `old` to `new`, ordered by wire level, then rule and location.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    operations::diff_operations(old, new, &mut changes);
    schemas::diff_types(old, new, &mut changes);
    changes.sort();
    changes.dedup();
    changes
}

/// Collects changes at one location, each with its rule's level from the table.
struct Recorder<'a> {
    out: &'a mut Vec<Change>,
    location: Location,
}

impl Recorder<'_> {
    fn push(&mut self, rule: &'static str, message: String, rust: RustEffect) {
        // Ids are written in the checks; a test reads every id in them against the table.
        let wire = rules::find(rule).map_or(Level::Breaking, |r| r.level);
        self.out.push(Change {
            wire,
            rule,
            location: self.location.clone(),
            message,
            rust,
            acknowledged: false,
        });
    }
}

fn record(out: &mut Vec<Change>, location: Location) -> Recorder<'_> {
    Recorder { out, location }
}

fn operation_location(op: &Operation) -> Location {
    Location::Operation {
        method: op.method.as_str().to_string(),
        path: op.path.clone(),
        operation_id: op.operation_id.clone(),
    }
}

/// The Rust type of a field as it appears in the struct.
fn field_rust_type(field: &Field) -> String {
    crate::listing::field_type(&field.ty, field.presence())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeRef;

    #[test]
    fn field_types_include_presence() {
        let field = Field {
            json_name: "a".into(),
            rust_name: "a".into(),
            ty: TypeRef::I64,
            required: false,
            nullable: true,
            docs: Default::default(),
            deprecated: false,
            access: crate::ir::Access::ReadWrite,
            constraints: Default::default(),
        };
        assert_eq!(field_rust_type(&field), "Option<Option<i64>>");
    }

    /// Every rule id written in the checks is in the table, and every rule in the table is
    /// used by some check (the constraint ids are built from parts: `limits` tests those).
    #[test]
    fn the_checks_and_the_table_name_the_same_rules() {
        let sources = [
            include_str!("operations.rs"),
            include_str!("schemas.rs"),
            include_str!("limits.rs"),
        ];
        let mut used = std::collections::BTreeSet::new();
        for source in sources {
            for quoted in source.split('"').skip(1).step_by(2) {
                let looks_like_id = quoted.contains('-')
                    && quoted
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if looks_like_id {
                    used.insert(quoted);
                }
            }
        }
        for id in &used {
            assert!(
                rules::find(id).is_some() || limits::is_part(id),
                "`{id}` is not in the rule table"
            );
        }
        for rule in RULES {
            assert!(
                used.contains(rule.id) || limits::builds(rule.id),
                "no check reports `{}`",
                rule.id
            );
        }
    }
}
