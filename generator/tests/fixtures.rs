//! Small specs, one per group of features, each with a snapshot of everything generated from it.

use generator::{Generator, Settings};
use std::path::Path;

/// A generator for the fixtures, with test support (the generated crates' own suites use it).
fn fixture_generator(secrets: &[&str]) -> Generator {
    let mut settings = Settings::new("fixture", "fixture test");
    settings.secrets = secrets.iter().map(|s| s.to_string()).collect();
    settings.test_support = true;
    Generator::new(settings)
}

fn fixture_text(fixture: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    std::fs::read_to_string(path).unwrap()
}

/// The generated files of a fixture, concatenated, and its API listing.
fn generate(fixture: &str, secrets: &[&str]) -> (String, String) {
    let generator = fixture_generator(secrets);
    let api = generator
        .api(&fixture_text(fixture), fixture)
        .unwrap_or_else(|e| panic!("{e}"));
    let files = generator
        .module_files(&api)
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
    let error = fixture_generator(&["Pet.tokn"])
        .api(&fixture_text("models.yaml"), "models.yaml")
        .unwrap_err();
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
    self_reference: "self_reference.yaml",
    pointers: "pointers.yaml",
    rust_names: "rust_names.yaml",
    lenient: "lenient.json",
}

/// In strict mode the first warning of a fixture is the error, at the same JSON pointer; a
/// fixture without warnings generates the same either way.
#[test]
fn strict_mode_turns_the_warnings_into_located_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut warned = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let text = fixture_text(&name);
        let lenient = fixture_generator(&[]).api(&text, &name).unwrap();
        let mut settings = fixture_generator(&[]).settings().clone();
        settings.strict = true;
        let strict = Generator::new(settings).api(&text, &name);
        match lenient.warnings.first() {
            None => assert_eq!(strict.unwrap(), lenient, "{name}"),
            Some(first) => {
                let error = strict.unwrap_err();
                assert_eq!(error.headline, first.message, "{name}");
                assert_eq!(error.pointer.as_ref(), Some(&first.pointer), "{name}");
                assert_eq!(error.file.as_deref(), Some(name.as_str()));
                warned.push((name, lenient.warnings.len()));
            }
        }
    }
    warned.sort();
    assert_eq!(
        warned,
        [
            ("lenient.json".to_string(), 6),
            ("rust_names.yaml".to_string(), 24)
        ]
    );
}
