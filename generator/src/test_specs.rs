//! Specs the unit tests of several stages share.

use crate::ir::Api;
use crate::settings::{Settings, Subset};

/// Two tags (`pets`, `owners`), `owners` with a second operation (`countOwners`), models shared
/// between the tags, and an event no operation uses.
pub const PETS_AND_OWNERS: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Owner"}}}}
  /owners/count:
    get:
      operationId: countOwners
      tags: [owners]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Count"}}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}, tag: {$ref: "#/components/schemas/Tag"}}}
    Owner: {type: object, properties: {pet: {$ref: "#/components/schemas/Pet"}, id: {$ref: "#/components/schemas/Id"}}}
    Tag: {type: object, properties: {label: {type: string}}}
    Id: {type: object, properties: {value: {type: string}}}
    PetEvent: {type: object, properties: {pet: {$ref: "#/components/schemas/Pet"}}}
    Count: {type: object, properties: {n: {type: integer}, tag: {$ref: "#/components/schemas/Tag"}}}
"##;

/// [`PETS_AND_OWNERS`] lowered with `subsets`.
pub fn pets_and_owners(subsets: Vec<Subset>) -> crate::Result<Api> {
    let mut settings = Settings::new("api", "test");
    settings.subsets = subsets;
    crate::Generator::new(settings).api(PETS_AND_OWNERS, "t.yaml")
}

/// A subset named `feature` of `operations`.
pub fn subset(feature: &str, operations: &[&str]) -> Subset {
    Subset {
        feature: feature.to_string(),
        operations: operations.iter().map(|op| op.to_string()).collect(),
        why: None,
    }
}
