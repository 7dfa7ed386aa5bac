//! Property test: mutated Daytona specs (keys dropped, types changed, `$ref`s pointed
//! elsewhere, also into properties and paths, odd names inserted, schemas wrapped in `allOf`s
//! of themselves, objects nested deep, numbers no integer holds, lone surrogates in the text)
//! give a result or an error, never a panic and never a stack overflow.
//!
//! `MUTATION_CASES` sets the number of documents (default 2,000, what CI runs) and
//! `MUTATION_SEED` the first seed, so a failure can be replayed:
//! `MUTATION_CASES=100000 cargo test --release -p generator --test mutations`.

use serde_json::{Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// A small deterministic generator (xorshift64*), so every case can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Names that stress naming: keywords, digits, non-ASCII, separators, empty, pointer syntax.
const ODD_NAMES: &[&str] = &[
    "", "type", "Self", "self", "match", "ref", "1st", "名前", "café", "a/b~c", "{id}", "foo_bar",
    "fooBar", "__", "Unknown", "-", "x y", "$ref", "null",
];

/// Values of every JSON type, to replace a node with.
fn odd_value(rng: &mut Rng) -> Value {
    match rng.below(11) {
        8 => Value::from(18_446_744_073_709_552_000f64),
        9 => Value::from(1e300),
        10 => Value::from(0.5),
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::from(-1),
        3 => Value::from(1.5),
        4 => Value::String(ODD_NAMES[rng.below(ODD_NAMES.len())].to_string()),
        5 => Value::Array(vec![Value::String("null".into()), Value::from(0)]),
        6 => serde_json::json!({"type": ["string", "null"], "enum": [1, "a", null]}),
        _ => Value::Object(Map::new()),
    }
}

/// The path to a random node: a walk from the root that stops at each level with some chance.
fn random_path(tree: &Value, rng: &mut Rng) -> Vec<String> {
    let mut path = Vec::new();
    let mut node = tree;
    loop {
        let next = match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map
                    .iter()
                    .nth(rng.below(map.len()))
                    .expect("index in range");
                Some((key.clone(), child))
            }
            Value::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                Some((i.to_string(), &items[i]))
            }
            _ => None,
        };
        match next {
            Some((key, child)) if path.is_empty() || rng.below(8) != 0 => {
                path.push(key);
                node = child;
            }
            _ => return path,
        }
    }
}

fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Applies one mutation at a random place.
fn mutate(tree: &mut Value, references: &[String], rng: &mut Rng) {
    let path = random_path(tree, rng);
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let Some(parent) = tree.pointer_mut(&pointer_of(parent_path)) else {
        return;
    };
    match (rng.below(6), parent) {
        (4, Value::Object(map)) => {
            // The node wrapped in an allOf of a schema (maybe the one holding it) and words.
            let target = references[rng.below(references.len())].clone();
            let wrapped =
                serde_json::json!({"allOf": [{"$ref": target}, {"description": "wrapped"}]});
            map.insert(last.clone(), wrapped);
        }
        (5, Value::Object(map)) => {
            // Objects nested as deep as a document may be, a reference at the bottom.
            let mut nested = serde_json::json!({"$ref": references[rng.below(references.len())]});
            for level in 0..40 {
                nested = serde_json::json!({"type": "object", "properties": {format!("l{level}"): nested}});
            }
            map.insert(last.clone(), nested);
        }
        (0, Value::Object(map)) => {
            map.remove(last);
        }
        (1, Value::Object(map)) => {
            // Rename the key to an odd name, keeping its value.
            if let Some(value) = map.remove(last) {
                map.insert(ODD_NAMES[rng.below(ODD_NAMES.len())].to_string(), value);
            }
        }
        (2, Value::Object(map)) => {
            let target = match rng.below(3) {
                0 => "#/components/schemas/DoesNotExist".to_string(),
                1 => "#/paths".to_string(),
                _ => references[rng.below(references.len())].clone(),
            };
            map.insert(last.clone(), serde_json::json!({"$ref": target}));
        }
        (_, Value::Object(map)) => {
            map.insert(last.clone(), odd_value(rng));
        }
        (_, Value::Array(items)) => {
            if let Ok(i) = last.parse::<usize>() {
                if rng.below(2) == 0 {
                    items.remove(i);
                } else {
                    items[i] = odd_value(rng);
                }
            }
        }
        _ => {}
    }
}

/// Every `$ref` target in the document, including a cycle-making self reference.
fn reference_targets(tree: &Value) -> Vec<String> {
    let mut targets: Vec<String> = tree["components"]["schemas"]
        .as_object()
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .map(|name| format!("#/components/schemas/{name}"))
        .collect();
    targets.push("#/components/schemas".to_string());
    targets.push("other.yaml#/components/schemas/Sandbox".to_string());
    // Pointers into things: properties of schemas, schemas under paths, one that misses.
    for (name, schema) in tree["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .take(20)
    {
        for property in schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(p, _)| p)
            .take(2)
        {
            targets.push(format!("#/components/schemas/{name}/properties/{property}"));
        }
    }
    for (path, item) in tree["paths"].as_object().into_iter().flatten().take(10) {
        let path = path.replace('~', "~0").replace('/', "~1");
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            targets.push(format!(
                "#/paths/{path}/{method}/responses/200/content/application~1json/schema"
            ));
        }
    }
    targets.push("#/components/schemas/Command/properties/nothing".to_string());
    targets
}

/// The document as JSON text with an escaped surrogate pair and a lone surrogate in it, for
/// the readers: a case in eight goes through the text.
fn as_text_with_surrogates(tree: &Value, rng: &mut Rng) -> String {
    let text = serde_json::to_string(tree).expect("a tree is JSON");
    let escape = ["\\ud83d\\ude80", "\\ud800", "\\udc00x", "\\ud83d"][rng.below(4)];
    text.replacen(
        "\"description\":\"",
        &format!("\"description\":\"{escape}"),
        1 + rng.below(3),
    )
}

#[test]
fn mutated_specs_never_panic() {
    let cases: u64 = std::env::var("MUTATION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let first_seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/daytona-toolbox.yaml");
    let text = std::fs::read_to_string(&path).expect("the toolbox spec is in specs/");
    let original: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let references = reference_targets(&original);
    let generator = generator::Generator::new(generator::Settings::new("api", "test"));
    // The hook would print every caught panic; the test reports them itself.
    std::panic::set_hook(Box::new(|_| {}));
    let (mut generated, mut rejected) = (0, 0);
    let mut panics = Vec::new();
    // An internal error (generated code that does not parse) is a generator bug, not a clean
    // rejection of the document.
    let mut internal = Vec::new();
    for seed in first_seed..first_seed + cases {
        let mut rng = Rng::new(seed);
        let mut tree = original.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut tree, &references, &mut rng);
        }
        let text = (seed % 8 == 1).then(|| as_text_with_surrogates(&tree, &mut rng));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let api = match text {
                Some(text) => generator.api(&text, "mutated.json")?,
                None => generator.api_from_tree(tree, "mutated.yaml")?,
            };
            // Emitting and formatting is the slow part; every fourth case goes all the way.
            if seed % 4 == 0 {
                generator.module_files(&api)?;
            }
            Ok::<_, generator::Error>(())
        }));
        match outcome {
            Ok(Ok(())) => generated += 1,
            Ok(Err(error)) if error.headline.starts_with("internal error") => {
                internal.push(format!("seed {seed}: {error}"))
            }
            Ok(Err(_)) => rejected += 1,
            Err(_) => panics.push(seed),
        }
    }
    let _ = std::panic::take_hook();
    println!("{cases} mutated documents: {generated} generated, {rejected} rejected with an error");
    assert!(
        panics.is_empty(),
        "the generator panicked on the documents of seeds {panics:?} \
         (replay one with MUTATION_SEED=<seed> MUTATION_CASES=1)"
    );
    assert!(
        internal.is_empty(),
        "the generator made code that does not parse (replay one with MUTATION_SEED=<seed> \
         MUTATION_CASES=1):\n{}",
        internal.join("\n")
    );
    assert!(
        generated > 0 && rejected > 0,
        "the mutations exercise both outcomes"
    );
}
