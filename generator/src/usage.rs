//! Which named types appear in requests and which in responses (through fields, arrays, maps,
//! unions and aliases). The emitter derives only the serde direction a type needs; the spec diff
//! reads a change in the directions a type is used (a new required property breaks callers
//! only where they send the type).

use crate::ir::{Api, BodyKind, Operation, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The request and response reach of every named type.
pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
    /// Types reached from a type no operation uses (callers may encode and decode those).
    free: BTreeSet<String>,
}

impl Usage {
    /// Walks every operation of `api`.
    pub fn of(api: &Api) -> Usage {
        let index = index(api);
        let mut usage = Usage {
            request: BTreeSet::new(),
            response: BTreeSet::new(),
            free: BTreeSet::new(),
        };
        for op in &api.operations {
            for param in &op.params {
                mark(&index, &param.ty, &mut usage.request);
            }
            match op.body.as_ref().map(|b| &b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => {
                    mark(&index, ty, &mut usage.request)
                }
                Some(BodyKind::Multipart(form)) => mark(&index, &form.ty, &mut usage.request),
                _ => {}
            }
            for response in &op.responses {
                if let Some(ty) = response.body.json_type() {
                    mark(&index, ty, &mut usage.response);
                }
            }
        }
        for def in &api.types {
            if !usage.request.contains(&def.name) && !usage.response.contains(&def.name) {
                mark(&index, &TypeRef::Named(def.name.clone()), &mut usage.free);
            }
        }
        usage
    }

    /// The directions a type travels in: sent where some request holds it, received where some
    /// response does. A type no operation uses (a payload callers handle themselves, such as a
    /// webhook event), and every type it holds, travels both ways: callers may encode and decode
    /// it. The emitter derives serde by these directions and the spec diff reads a change in
    /// them; this is the one rule for both.
    pub fn directions(&self, name: &str) -> Directions {
        let (sent, received) = (self.request.contains(name), self.response.contains(name));
        if (sent || received) && !self.free.contains(name) {
            Directions { sent, received }
        } else {
            Directions {
                sent: true,
                received: true,
            }
        }
    }

    /// Whether callers build the type to send it: some operation's request holds it. The
    /// emitter makes such a struct `#[non_exhaustive]` with `new` and `with_…` setters (a new
    /// optional property then breaks no caller) and the spec diff reads its changes that way;
    /// this is the one rule for both. A type that only payloads no operation uses hold (webhook
    /// events) travels both ways for serde, but callers decode it rather than build it for a
    /// request: it stays a plain struct, so a large API's crate carries no setter for every
    /// field of every payload.
    pub fn built_by_setters(&self, name: &str) -> bool {
        self.request.contains(name)
    }
}

/// For every named type, the feature units ([`Operation::feature_unit`]: tag modules, and
/// subsets of them) whose operations reach it (through parameters, bodies and responses, and
/// the types those hold); a type no operation reaches, and what it holds, also [`OTHER_TYPES`].
///
/// The emitter gates each type behind the features of these units, so a crate built with a
/// few tags compiles the models those tags need and no others.
pub fn units_reaching(api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let index = index(api);
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for op in &api.operations {
        let seen = seen.entry(op.feature_unit()).or_default();
        for ty in operation_types(op) {
            mark(&index, ty, seen);
        }
    }
    let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (unit, names) in seen {
        for name in names {
            reach.entry(name).or_default().insert(unit.to_string());
        }
    }
    // Types no operation uses (webhook payloads and the like), and what they hold, belong to
    // a module of their own.
    let mut other = BTreeSet::new();
    for def in &api.types {
        if !reach.contains_key(&def.name) {
            mark(&index, &TypeRef::Named(def.name.clone()), &mut other);
        }
    }
    for name in other {
        reach
            .entry(name)
            .or_default()
            .insert(OTHER_TYPES.to_string());
    }
    reach
}

/// The module name under which types no operation uses get a feature (`api-other-types`).
pub const OTHER_TYPES: &str = "other_types";

/// The units that get a feature, each with the subsets its feature turns on: every tag
/// module (in first-seen order) with its subsets, then [`OTHER_TYPES`] when some type is used by
/// no operation.
pub fn feature_units(api: &Api) -> Vec<(String, Vec<String>)> {
    let mut units: Vec<(String, Vec<String>)> = api
        .operations_by_module()
        .into_iter()
        .map(|(module, operations)| (module.to_string(), subsets(&operations)))
        .collect();
    let reach = units_reaching(api);
    if reach.values().any(|users| users.contains(OTHER_TYPES)) {
        units.push((OTHER_TYPES.to_string(), Vec::new()));
    }
    units
}

/// The subsets among `operations` (of one tag), in first-seen order.
pub fn subsets(operations: &[&Operation]) -> Vec<String> {
    let mut subsets: Vec<String> = Vec::new();
    for subset in operations.iter().filter_map(|op| op.subset.as_ref()) {
        if !subsets.contains(subset) {
            subsets.push(subset.clone());
        }
    }
    subsets
}

/// The types that compile whatever the features: those every tag module reaches (by some of its
/// operations), and every type these hold. `reach` is [`units_reaching`]'s.
pub fn ungated(api: &Api, reach: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let module_of: HashMap<&str, &str> = api
        .operations
        .iter()
        .map(|op| (op.feature_unit(), op.module.as_str()))
        .collect();
    let modules = api.operations_by_module().len();
    let index = index(api);
    let mut always = BTreeSet::new();
    for def in &api.types {
        let tags = reach.get(&def.name).map_or(0, |users| {
            users
                .iter()
                .filter_map(|unit| module_of.get(unit.as_str()))
                .collect::<BTreeSet<_>>()
                .len()
        });
        if modules > 0 && tags >= modules {
            mark(&index, &TypeRef::Named(def.name.clone()), &mut always);
        }
    }
    always
}

/// The type references an operation's parameters, body and responses make.
fn operation_types(op: &crate::ir::Operation) -> impl Iterator<Item = &TypeRef> {
    let body = match op.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => Some(ty),
        Some(BodyKind::Multipart(form)) => Some(&form.ty),
        _ => None,
    };
    op.params
        .iter()
        .map(|param| &param.ty)
        .chain(body)
        .chain(op.responses.iter().filter_map(|r| r.body.json_type()))
}

/// Which ways a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directions {
    /// In some request.
    pub sent: bool,
    /// In some response.
    pub received: bool,
}

impl std::ops::BitOr for Directions {
    type Output = Directions;

    /// Both readings: the directions of a type in an old and a new version of an API.
    fn bitor(self, other: Directions) -> Directions {
        Directions {
            sent: self.sent || other.sent,
            received: self.received || other.received,
        }
    }
}

/// The kinds of the API's types by name.
fn index(api: &Api) -> HashMap<&str, &TypeKind> {
    api.types
        .iter()
        .map(|def| (def.name.as_str(), &def.kind))
        .collect()
}

/// Adds the named type `ty` refers to, and every named type it holds, to `seen`. A work list,
/// not recursion: a document may chain thousands of types.
fn mark(index: &HashMap<&str, &TypeKind>, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    let mut pending = vec![ty];
    while let Some(ty) = pending.pop() {
        let Some(name) = ty.named() else { continue };
        if !seen.insert(name.to_string()) {
            continue;
        }
        match index.get(name).copied() {
            Some(TypeKind::Struct(s)) => {
                pending.extend(s.fields.iter().map(|field| &field.ty));
                pending.extend(&s.additional_properties);
            }
            Some(TypeKind::Alias(target)) => pending.push(target),
            Some(TypeKind::Union(union)) => {
                pending.extend(union.variants.iter().map(|variant| &variant.ty));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_specs::{pets_and_owners, subset};

    fn api() -> Api {
        pets_and_owners(Vec::new()).unwrap()
    }

    fn users(reach: &BTreeMap<String, BTreeSet<String>>, name: &str) -> Vec<String> {
        reach[name].iter().cloned().collect()
    }

    #[test]
    fn only_what_requests_hold_is_built_by_setters() {
        let spec = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/NewPet"}}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
components:
  schemas:
    NewPet: {type: object, properties: {tag: {$ref: "#/components/schemas/Tag"}}}
    Pet: {type: object, properties: {tag: {$ref: "#/components/schemas/Tag"}}}
    Tag: {type: object, properties: {label: {type: string}}}
    PetEvent: {type: object, properties: {pet: {$ref: "#/components/schemas/Pet"}}}
"##;
        let api = crate::Generator::new(crate::settings::Settings::new("api", "test"))
            .api(spec, "t.yaml")
            .unwrap();
        let usage = Usage::of(&api);
        let both = Directions {
            sent: true,
            received: true,
        };
        // The event and what it holds travel both ways for serde; only what a request holds
        // is built with `new` and setters.
        assert_eq!(usage.directions("Pet"), both);
        assert_eq!(usage.directions("PetEvent"), both);
        let built: Vec<&str> = ["NewPet", "Tag", "Pet", "PetEvent"]
            .into_iter()
            .filter(|name| usage.built_by_setters(name))
            .collect();
        assert_eq!(built, ["NewPet", "Tag"]);
    }

    #[test]
    fn a_type_belongs_to_every_module_that_reaches_it() {
        let api = api();
        let reach = units_reaching(&api);
        // `Pet` and what it holds are reached from both tags, and from the event no operation
        // uses; `Owner` and `Id` from one tag; the event only from the other-types module.
        assert_eq!(users(&reach, "Pet"), ["other_types", "owners", "pets"]);
        assert_eq!(users(&reach, "Tag"), ["other_types", "owners", "pets"]);
        assert_eq!(users(&reach, "Id"), ["owners"]);
        assert_eq!(users(&reach, "PetEvent"), ["other_types"]);
        assert_eq!(users(&reach, "Count"), ["owners"]);
        let units: Vec<String> = feature_units(&api).into_iter().map(|(u, _)| u).collect();
        assert_eq!(units, ["pets", "owners", "other_types"]);
        // Every tag reaches `Pet`: it compiles whatever the features, and so does `Tag`.
        let always: Vec<String> = ungated(&api, &reach).into_iter().collect();
        assert_eq!(always, ["Pet", "Tag"]);
    }

    #[test]
    fn a_subset_is_a_unit_of_its_own_inside_its_tag() {
        let api = pets_and_owners(vec![subset("owner-count", &["countOwners"])]).unwrap();
        let reach = units_reaching(&api);
        // `Count` only the subset's operation uses; `Id` only the rest of the tag.
        assert_eq!(users(&reach, "Count"), ["owner-count"]);
        assert_eq!(users(&reach, "Id"), ["owners"]);
        assert_eq!(
            feature_units(&api),
            [
                ("pets".to_string(), vec![]),
                ("owners".to_string(), vec!["owner-count".to_string()]),
                ("other_types".to_string(), vec![]),
            ]
        );
        // `Tag` is reached from every tag (by `owners` through its subset only): still ungated.
        let always: Vec<String> = ungated(&api, &reach).into_iter().collect();
        assert_eq!(always, ["Pet", "Tag"]);
    }

    #[test]
    fn subsets_that_cannot_be_features_are_errors() {
        let cases = [
            (
                vec![subset("x", &["nope"])],
                "'nope', which is not in the spec",
            ),
            (
                vec![subset("x", &["listPets", "listOwners"])],
                "spans the tags",
            ),
            (
                vec![subset("x", &["listPets"]), subset("y", &["listPets"])],
                "already in the subset 'x'",
            ),
            (vec![subset("owners", &["listOwners"])], "the name of a tag"),
            (
                vec![subset("x", &["listPets"]), subset("x", &["listOwners"])],
                "another subset",
            ),
            (
                vec![subset("Big Name", &["listPets"])],
                "not a feature name",
            ),
            (vec![subset("x", &[])], "names no operation"),
        ];
        for (subsets, expected) in cases {
            let error = pets_and_owners(subsets).unwrap_err().to_string();
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }
}
