//! A document thousands of references deep and wide (`tests/support/deep.rs`) generates on a
//! thread with a 1 MiB stack, an eighth of a main thread's: nothing in the generator recurses
//! along chains of references. How long it takes and how much memory is measured by
//! `cargo bench -p generator --bench deep`, not here.

#[path = "support/deep.rs"]
mod deep;

use generator::ir::{TypeKind, TypeRef};
use generator::{Generator, Settings};

const SCHEMAS: usize = 3_000;

#[test]
fn thousands_of_recursive_schemas_generate_on_a_small_stack() {
    let text = serde_json::to_string(&deep::deep_document(SCHEMAS)).unwrap();
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let generator = Generator::new(Settings::new("api", "deep test"));
            let api = generator.api(&text, "deep.json")?;
            let files = generator.module_files(&api)?;
            Ok::<_, generator::Error>((api, files))
        })
        .unwrap()
        .join()
        .expect("no stack overflow, no panic");
    let (api, files) = outcome.unwrap_or_else(|e| panic!("{e}"));
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);

    // Each S is a struct; its `me` wrapper is the struct itself, boxed in the code.
    let s7 = api.type_named("S7").unwrap();
    let TypeKind::Struct(fields) = &s7.kind else {
        panic!("{s7:?}")
    };
    let me = fields.fields.iter().find(|f| f.json_name == "me").unwrap();
    assert_eq!(me.ty, TypeRef::Named("S7".into()));
    assert_eq!(me.docs.description.as_deref(), Some("itself"));
    // The aliases chain to S0.
    let a0 = api.type_named("A0").unwrap();
    assert_eq!(a0.kind, TypeKind::Alias(TypeRef::Named("A1".into())));
    let wide = api.type_named("Wide").unwrap();
    assert!(matches!(&wide.kind, TypeKind::Struct(s) if s.fields.len() == SCHEMAS));
    let types = files.iter().find(|f| f.path.ends_with("types.rs")).unwrap();
    assert!(types.contents.contains("pub me: Option<Box<S7>>"));
    assert!(types.contents.contains("pub next: Box<S8>"));
    assert!(types.contents.contains("pub type A0 = A1;"));
    assert!(types.contents.contains("pub level59: Option<String>"));
}
