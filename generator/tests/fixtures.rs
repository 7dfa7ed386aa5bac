//! Small specs, one per group of features, each with a snapshot of everything generated from it.

use generator::config::SpecConfig;
use std::path::Path;

/// The generated files of a fixture, concatenated, and its API listing.
fn generate(fixture: &str, secrets: &[&str]) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let spec = SpecConfig {
        file: fixture.to_string(),
        module: "fixture".to_string(),
        patches: Vec::new(),
        type_names: Default::default(),
        secrets: secrets.iter().map(|s| s.to_string()).collect(),
    };
    let api = generator::load_api(&path, fixture, &spec).unwrap_or_else(|e| panic!("{e}"));
    let files = generator::render_api(
        &api,
        "fixture",
        "fixture test",
        generator::emit::TestSupport::Include,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let code = files
        .iter()
        .map(|f| format!("//// {}\n{}", f.path.display(), f.contents))
        .collect();
    (code, generator::listing::api_listing(&api))
}

#[test]
fn models() {
    let (code, listing) = generate("models.yaml", &["Pet.token"]);
    insta::assert_snapshot!("models_listing", listing);
    insta::assert_snapshot!("models_code", code);
}

#[test]
fn a_configured_secret_must_exist() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models.yaml");
    let spec = SpecConfig {
        file: "models.yaml".to_string(),
        module: "fixture".to_string(),
        patches: Vec::new(),
        type_names: Default::default(),
        secrets: vec!["Pet.tokn".to_string()],
    };
    let error = generator::load_api(&path, "models.yaml", &spec).unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: the secret 'Pet.tokn' names no string property\n  \
         at models.yaml#/components/schemas/Pet\n  \
         hint: secrets are written `Schema.property`, for a property of type string"
    );
}

#[test]
fn enums() {
    let (code, listing) = generate("enums.yaml", &[]);
    insta::assert_snapshot!("enums_listing", listing);
    insta::assert_snapshot!("enums_code", code);
}

#[test]
fn operations() {
    let (code, listing) = generate("operations.yaml", &[]);
    insta::assert_snapshot!("operations_listing", listing);
    insta::assert_snapshot!("operations_code", code);
}

/// One test per fixture of the general-OpenAPI constructs: a listing and the code.
macro_rules! fixture_snapshots {
    ($($test:ident: $file:literal,)*) => {$(
        #[test]
        fn $test() {
            let (code, listing) = generate($file, &[]);
            insta::assert_snapshot!(concat!(stringify!($test), "_listing"), listing);
            insta::assert_snapshot!(concat!(stringify!($test), "_code"), code);
        }
    )*};
}

fixture_snapshots! {
    unions: "unions.yaml",
    recursive: "recursive.yaml",
    formats: "formats.yaml",
    objects: "objects.yaml",
    names: "names.yaml",
    openapi31: "openapi31.yaml",
}
