//! The workspace's shape, checked: which crate depends on which (`cargo tree` shows the same),
//! and no module of a crate imports a module that imports it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The edges between workspace crates (`dependent → dependency`), from `cargo metadata`. A crate's
/// dev-dependency on itself (to turn on its test-support feature in its own tests) is not an edge
/// between crates.
fn workspace_edges() -> BTreeSet<(String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let names: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let mut edges = BTreeSet::new();
    for package in packages {
        let name = package["name"].as_str().unwrap();
        for dependency in package["dependencies"].as_array().unwrap() {
            let dependency = dependency["name"].as_str().unwrap();
            if names.contains(dependency) && dependency != name {
                edges.insert((name.to_string(), dependency.to_string()));
            }
        }
    }
    edges
}

#[test]
fn crates_depend_only_generator_on_xtask_and_runtime_on_the_client() {
    let expected: BTreeSet<(String, String)> =
        [("xtask", "generator"), ("daytona-client", "client-runtime")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(workspace_edges(), expected);
}

/// Every module of the crate whose sources are in `src`, by path (`lower::enums`; the crate root
/// is ``), with the file that holds it.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            found.insert(parts.join("::"), path);
        }
    }
    found
}

/// The modules `module` refers to through `crate::…`, `super::…` or `self::…` paths in its code
/// (comments left out), each resolved to the longest known module prefix.
fn references(module: &str, text: &str, known: &BTreeMap<String, PathBuf>) -> BTreeSet<String> {
    let here: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
    let mut found = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line
            .match_indices("crate::")
            .chain(line.match_indices("super::"))
            .chain(line.match_indices("self::"))
        {
            // `self::` inside `super::`… is found as its own match only at a word start.
            if at > 0 && line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let path: String = line[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            let mut base: Vec<&str> = match parts.first() {
                Some(&"crate") => Vec::new(),
                Some(&"super") => here[..here.len().saturating_sub(1)].to_vec(),
                Some(&"self") => here.clone(),
                _ => continue,
            };
            parts.remove(0);
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
            base.extend(parts);
            while !base.is_empty() {
                let candidate = base.join("::");
                if known.contains_key(&candidate) {
                    found.insert(candidate);
                    break;
                }
                base.pop();
            }
        }
    }
    found
}

/// A cycle among the modules of the crate at `src`, not counting a module's use of its own
/// ancestors (a child module using its parent's items is how Rust modules are built).
fn module_cycle(src: &Path) -> Option<Vec<String>> {
    let known = modules(src);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &known {
        let text = fs::read_to_string(file).unwrap();
        let targets = references(module, &text, &known)
            .into_iter()
            .filter(|target| {
                let ancestor = target.is_empty()
                    || module == target
                    || module.starts_with(&format!("{target}::"));
                !ancestor
            })
            .collect();
        edges.insert(module.clone(), targets);
    }
    // Depth-first search with the path on the stack.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, &edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    for krate in ["generator", "client-runtime", "generated-client", "xtask"] {
        let src = workspace().join(krate).join("src");
        if let Some(cycle) = module_cycle(&src) {
            panic!("{krate}: modules import each other: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let dir = std::env::temp_dir().join(format!("layout-cycle-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("lower")).unwrap();
    fs::write(dir.join("lib.rs"), "mod lower;\n").unwrap();
    fs::write(dir.join("lower/mod.rs"), "mod enums;\nmod schema;\n").unwrap();
    fs::write(dir.join("lower/enums.rs"), "use super::schema::Hint;\n").unwrap();
    fs::write(
        dir.join("lower/schema.rs"),
        "use crate::lower::enums::EnumTable;\n",
    )
    .unwrap();
    let cycle = module_cycle(&dir);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        cycle,
        Some(vec![
            "lower::enums".to_string(),
            "lower::schema".to_string(),
            "lower::enums".to_string()
        ])
    );
}
