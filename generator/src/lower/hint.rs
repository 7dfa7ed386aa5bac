//! How a type without a name in the spec is named: from its parent and the property that holds
//! it. Shared by the schema and enum lowering, which both name types.

use crate::naming::{ident, singular_type_ident, Case};

/// How to name a type that has no name in the spec: from its parent and the property holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The parent's Rust type name (or the operation's name in UpperCamelCase).
    pub parent: String,
    /// The property, parameter or role (`Body`, `Response`) the schema sits in.
    pub property: String,
    /// Whether the schema is one item of an array property (the name is then singular).
    pub item: bool,
}

impl Hint {
    /// A hint for a schema held by `property` of `parent`.
    pub fn new(parent: &str, property: &str) -> Self {
        Hint {
            parent: parent.to_string(),
            property: property.to_string(),
            item: false,
        }
    }

    /// The name from the property alone (`permissions` → `Permission`).
    pub fn property_name(&self) -> String {
        if self.item {
            singular_type_ident(&self.property)
        } else {
            ident(&self.property, Case::Type)
        }
    }

    /// The name from parent and property (`CreateUser` + `role` → `CreateUserRole`).
    pub fn full_name(&self) -> String {
        format!("{}{}", self.parent, self.property_name())
    }

    pub(super) fn items(&self) -> Self {
        Hint {
            item: true,
            ..self.clone()
        }
    }

    pub(super) fn values(&self) -> Self {
        Hint {
            property: format!("{}Value", self.property),
            ..self.clone()
        }
    }
}
