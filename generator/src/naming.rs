//! The one place where Rust identifiers are made: heck for the case, then keyword escaping, then
//! de-duplication within a scope.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Which case an identifier takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `UpperCamelCase`: types and enum variants.
    Type,
    /// `snake_case`: functions, fields, parameters and modules.
    Value,
}

/// Words that cannot be plain identifiers; they get a trailing underscore.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The identifier for `raw` in the given case, escaped but not yet de-duplicated.
///
/// Accented Latin letters lose their accents, letters of other scripts become their code point
/// (`名` → `u540d`), other characters separate words; a leading digit gets a prefix (`V` for
/// types, `_` for values) and an empty result becomes `Empty`/`empty`.
///
/// For example `sandboxIdOrName` → `sandbox_id_or_name` (values), `write:registries` →
/// `WriteRegistries` (types), `type` → `type_`, `café` → `cafe`, `名前` → `U540dU524d`; the tests
/// below hold these.
pub fn ident(raw: &str, case: Case) -> String {
    let mut words = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            words.push(c);
        } else if let Some(ascii) = latin_letter(c) {
            words.push_str(ascii);
        } else if c.is_alphanumeric() {
            // Other scripts have no ASCII spelling; the code point keeps names apart.
            words.push_str(&format!(" u{:x} ", c as u32));
        } else {
            words.push(' ');
        }
    }
    let cased = match case {
        Case::Type => words.to_upper_camel_case(),
        Case::Value => words.to_snake_case(),
    };
    let cased = if cased.is_empty() {
        match case {
            Case::Type => "Empty".to_string(),
            Case::Value => "empty".to_string(),
        }
    } else if cased.starts_with(|c: char| c.is_ascii_digit()) {
        match case {
            Case::Type => format!("V{cased}"),
            Case::Value => format!("_{cased}"),
        }
    } else {
        cased
    };
    if KEYWORDS.contains(&cased.as_str()) {
        format!("{cased}_")
    } else {
        cased
    }
}

/// The ASCII spelling of an accented Latin letter (`é` → `e`, `ß` → `ss`).
fn latin_letter(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåā", "a"),
        ("ÀÁÂÃÄÅĀ", "A"),
        ("çćč", "c"),
        ("ÇĆČ", "C"),
        ("èéêëēę", "e"),
        ("ÈÉÊËĒĘ", "E"),
        ("ìíîïī", "i"),
        ("ÌÍÎÏĪ", "I"),
        ("ñń", "n"),
        ("ÑŃ", "N"),
        ("òóôõöøō", "o"),
        ("ÒÓÔÕÖØŌ", "O"),
        ("ùúûüū", "u"),
        ("ÙÚÛÜŪ", "U"),
        ("ýÿ", "y"),
        ("Ý", "Y"),
        ("šś", "s"),
        ("ŠŚ", "S"),
        ("žźż", "z"),
        ("ŽŹŻ", "Z"),
        ("ł", "l"),
        ("Ł", "L"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("Æ", "AE"),
        ("œ", "oe"),
        ("Œ", "OE"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, ascii)| *ascii)
}

/// The paginator of an operation that pages, by the operation's Rust name:
/// `list_sandboxes` gives `list_sandboxes_pages`.
pub fn pager(operation: &str) -> String {
    format!("{operation}_pages")
}

/// The builder-style setter of a field or parameter, by its Rust name: `with_` and the name
/// (`_2fa` gives `with_2fa`).
pub fn setter(field: &str) -> String {
    ident(
        &format!("with_{}", field.trim_start_matches("r#")),
        Case::Value,
    )
}

/// The Cargo feature that compiles a tag module: the spec's module and the tag's, in
/// kebab-case (`api` and `api_keys` give `api-api-keys`).
pub fn tag_feature(spec_module: &str, tag_module: &str) -> String {
    format!("{spec_module}-{tag_module}").replace('_', "-")
}

/// The function name for an `operationId`: NestJS controller prefixes such as
/// `ConfigController_` are dropped, the rest is snake_case.
pub fn operation_ident(operation_id: &str) -> String {
    let without_controller = match operation_id.find("Controller_") {
        Some(at) => &operation_id[at + "Controller_".len()..],
        None => operation_id,
    };
    ident(without_controller, Case::Value)
}

/// A name for a type from the name of the property that holds it: the singular of a plural
/// property (`permissions` gives `Permission`).
pub fn singular_type_ident(property: &str) -> String {
    let name = ident(property, Case::Type);
    let singular = if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with("sses") || name.ends_with("xes") {
        name[..name.len() - 2].to_string()
    } else if name.ends_with('s')
        && !name.ends_with("ss")
        && !name.ends_with("us")
        && name.len() > 1
    {
        name[..name.len() - 1].to_string()
    } else {
        name
    };
    singular
}

/// Names of Rust's own that generated code uses unqualified or that a reader takes for Rust's:
/// the standard prelude's types, traits and variants, and the generic parameters of the
/// generated serde impls. A type of the API with one of these names would capture it (a schema
/// named `String` would make `pub type String = String;`), so type names never take them.
pub const RUST_TYPE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "D",
    "Debug",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "S",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// A set of identifiers already taken; claiming a taken one gives it a numeric suffix.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which the given names are reserved.
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope {
            taken: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// A scope for type names: [`RUST_TYPE_NAMES`] are taken.
    pub fn for_types() -> Self {
        Scope::with_reserved(RUST_TYPE_NAMES)
    }

    /// Claims `name`, or `name2`, `name3`, … when it is taken, and returns what was claimed.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_separators() {
        assert_eq!(ident("gin.H", Case::Type), "GinH");
        assert_eq!(
            ident("HealthController_check_200_response", Case::Type),
            "HealthControllerCheck200Response"
        );
        assert_eq!(ident("write:registries", Case::Type), "WriteRegistries");
        assert_eq!(
            ident("X-Daytona-Organization-ID", Case::Value),
            "x_daytona_organization_id"
        );
        assert_eq!(ident("sandboxId", Case::Value), "sandbox_id");
        assert_eq!(ident("sandboxIdOrName", Case::Value), "sandbox_id_or_name");
        assert_eq!(ident("café", Case::Value), "cafe");
        assert_eq!(ident("名前", Case::Type), "U540dU524d");
    }

    #[test]
    fn keywords_digits_and_empty_are_escaped() {
        assert_eq!(ident("type", Case::Value), "type_");
        assert_eq!(ident("self", Case::Value), "self_");
        assert_eq!(ident("Self", Case::Type), "Self_");
        assert_eq!(ident("3d", Case::Value), "_3d");
        assert_eq!(ident("100", Case::Type), "V100");
        assert_eq!(ident("", Case::Type), "Empty");
        assert_eq!(ident("--", Case::Value), "empty");
    }

    #[test]
    fn operation_ids_drop_controller_prefix() {
        assert_eq!(operation_ident("ConfigController_getConfig"), "get_config");
        assert_eq!(
            operation_ident("uploadFile_deprecated"),
            "upload_file_deprecated"
        );
        assert_eq!(
            operation_ident("FindAccessibilityNodes"),
            "find_accessibility_nodes"
        );
    }

    #[test]
    fn singular_names() {
        assert_eq!(singular_type_ident("permissions"), "Permission");
        assert_eq!(singular_type_ident("policies"), "Policy");
        assert_eq!(singular_type_ident("status"), "Status");
        assert_eq!(singular_type_ident("boxes"), "Box");
        assert_eq!(singular_type_ident("role"), "Role");
    }

    #[test]
    fn scope_deduplicates_deterministically() {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        assert_eq!(scope.claim("Unknown".into()), "Unknown2");
        assert_eq!(scope.claim("FooBar".into()), "FooBar");
        assert_eq!(scope.claim("FooBar".into()), "FooBar2");
        assert_eq!(scope.claim("V2".into()), "V2");
        assert_eq!(scope.claim("V2".into()), "V2_2");
        assert!(scope.contains("FooBar2"));
    }
}
