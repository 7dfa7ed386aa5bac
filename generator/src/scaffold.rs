//! A standalone crate around one lowered API: the manifest, `lib.rs` with the API's profile,
//! and the API module. The runtime is a dependency on the runtime crate (by path or version), or
//! that crate's own source copied into `src/runtime/` when the caller hands it over.

use crate::error::{Error, Result};
use crate::files::{OutputFile, MANIFEST_MARKER};
use crate::format;
use crate::ir::Api;
use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};
use quote::quote;
use std::path::PathBuf;

/// The package name of the runtime crate that generated code calls.
pub const RUNTIME_PACKAGE: &str = "client-runtime";

/// The runtime crate, as its manifest declares it (the command line reads it from there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeCrate {
    /// Its version.
    pub version: String,
    /// Its edition, which the generated crate takes too.
    pub edition: String,
    /// Its minimum Rust version, which the generated crate takes too.
    pub rust_version: Option<String>,
    /// Its normal dependencies: what a copy of its source needs.
    pub dependencies: Vec<Dependency>,
    /// Its dev dependencies: what a copy of its unit tests needs.
    pub dev_dependencies: Vec<Dependency>,
}

/// One dependency of the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The package name.
    pub name: String,
    /// The version requirement.
    pub req: String,
    /// Features turned on.
    pub features: Vec<String>,
    /// Whether its default features are on.
    pub default_features: bool,
}

/// How the generated crate gets its runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A dependency on the runtime crate at this path (relative to the generated crate, or
    /// absolute).
    Path(String),
    /// A dependency on the runtime crate's version from a registry.
    Registry,
    /// The runtime crate's own source files (paths relative to its `src/`), copied into the
    /// generated crate's `src/runtime/`, so it builds on its own.
    Vendored(Vec<(PathBuf, String)>),
}

/// How to shape a standalone crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSettings {
    /// The package name (`[a-z0-9_-]`, starting with a letter).
    pub name: String,
    /// Whether the manifest declares its own `[workspace]`, so the crate builds wherever it is
    /// written, even inside another workspace's folder.
    pub own_workspace: bool,
    /// The runtime crate.
    pub runtime: RuntimeCrate,
    /// Where the runtime comes from.
    pub source: RuntimeSource,
}

impl CrateSettings {
    /// Settings for a crate named after the API's title (`Swagger Petstore` →
    /// `swagger-petstore-client`) unless `name` is given, with its own workspace.
    pub fn new(
        api: &Api,
        name: Option<&str>,
        runtime: RuntimeCrate,
        source: RuntimeSource,
    ) -> Result<Self> {
        let name = match name {
            Some(name) => name.to_string(),
            None => default_crate_name(&api.title),
        };
        check_crate_name(&name)?;
        Ok(CrateSettings {
            name,
            own_workspace: true,
            runtime,
            source,
        })
    }

    /// The prefix of the environment variables the crate reads (`petstore-client` → `PETSTORE`).
    pub fn env_prefix(&self) -> String {
        let prefix = self.name.to_shouty_snake_case();
        match prefix.strip_suffix("_CLIENT") {
            Some(stem) if !stem.is_empty() => stem.to_string(),
            _ => prefix,
        }
    }
}

fn default_crate_name(title: &str) -> String {
    let ascii: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    // Long titles keep their first words: crate names are typed by people.
    let stem: Vec<String> = ascii
        .to_kebab_case()
        .split('-')
        .scan(0, |length, word| {
            *length += word.len() + 1;
            (*length <= 40).then(|| word.to_string())
        })
        .collect();
    let stem = stem.join("-");
    match stem.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => format!("{stem}-client"),
        Some(_) => format!("api-{stem}-client"),
        None => "api-client".to_string(),
    }
}

fn check_crate_name(name: &str) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64;
    if valid {
        Ok(())
    } else {
        Err(Error::new(format!("'{name}' is not a valid crate name"))
            .with_hint("use ASCII letters, digits, '-' and '_', starting with a letter"))
    }
}

/// The runtime's module that compiles generic code once for the crates depending on it, and its
/// declaration in the runtime's `lib.rs`. A vendored copy leaves both out: in the same crate as
/// the generated code it would share nothing, and only add to the build.
const SHARED_GENERICS_FILE: &str = "shared_generics.rs";
const SHARED_GENERICS_DECLARATION: &str = "// Public only so that its generic code is compiled \
     here, for generated crates to link to.\n#[doc(hidden)]\npub mod shared_generics;\n";

/// The runtime's `lib.rs` without the declaration of its shared generics.
fn without_shared_generics(lib_rs: &str) -> Result<String> {
    if !lib_rs.contains(SHARED_GENERICS_DECLARATION) {
        return Err(Error::new(format!(
            "the runtime's lib.rs does not declare its shared generics as \
             {SHARED_GENERICS_DECLARATION:?}, so they cannot be left out of a vendored copy"
        )));
    }
    Ok(lib_rs.replace(SHARED_GENERICS_DECLARATION, ""))
}

/// The crate's files other than the API module: manifest, `lib.rs`, and a vendored runtime.
pub fn crate_files(
    api: &Api,
    krate: &CrateSettings,
    module: &str,
    command: &str,
    test_support: bool,
) -> Result<Vec<OutputFile>> {
    let header = format::header(command, &api.source);
    let vendored = matches!(krate.source, RuntimeSource::Vendored(_));
    let mut files = vec![
        OutputFile {
            path: PathBuf::from("Cargo.toml"),
            contents: manifest(api, krate, module, test_support),
        },
        OutputFile {
            path: PathBuf::from("src/lib.rs"),
            contents: format::format_file(lib_rs(api, krate, vendored), &header, "src/lib.rs")?,
        },
    ];
    if let RuntimeSource::Vendored(sources) = &krate.source {
        let crate_path = format!("{}::runtime", krate.name.to_snake_case());
        for (path, text) in sources {
            if path == &PathBuf::from(SHARED_GENERICS_FILE) {
                continue;
            }
            let (target, text) = if path == &PathBuf::from("lib.rs") {
                (PathBuf::from("mod.rs"), without_shared_generics(text)?)
            } else {
                (path.clone(), text.clone())
            };
            // The runtime's doc examples name its crate; here it is this crate's module.
            let text = text.replace("client_runtime", &crate_path);
            files.push(OutputFile {
                path: PathBuf::from("src/runtime").join(target),
                contents: format!(
                    "// Copied from {RUNTIME_PACKAGE} {version} (src/{path}) by `{command}`.\n\
                     // Do not edit it here: change the runtime crate, then run the command again.\n\n{text}",
                    version = krate.runtime.version,
                    path = path.display(),
                ),
            });
        }
    }
    Ok(files)
}

/// The manifest: the package, then the runtime (or the runtime's own dependencies, for a
/// vendored copy) and what generated code uses directly.
fn manifest(api: &Api, krate: &CrateSettings, module: &str, test_support: bool) -> String {
    let runtime = &krate.runtime;
    let description = toml_string(&format!("Typed, async Rust client for {}.", api.title));
    let rust_version = runtime
        .rust_version
        .as_ref()
        .map(|v| format!("rust-version = {}\n", toml_string(v)))
        .unwrap_or_default();
    let mut dependencies = Vec::new();
    match &krate.source {
        RuntimeSource::Path(path) => dependencies.push(format!(
            "{RUNTIME_PACKAGE} = {{ path = {}, version = {} }}",
            toml_string(path),
            toml_string(&runtime.version)
        )),
        RuntimeSource::Registry => dependencies.push(format!(
            "{RUNTIME_PACKAGE} = {}",
            toml_string(&runtime.version)
        )),
        RuntimeSource::Vendored(_) => {
            dependencies.extend(runtime.dependencies.iter().map(dependency_line))
        }
    }
    // Generated models derive serde's traits and hold `serde_json::Value`s.
    for direct in ["serde", "serde_json"] {
        if !matches!(krate.source, RuntimeSource::Vendored(_)) {
            let from_runtime = runtime.dependencies.iter().find(|d| d.name == direct);
            dependencies.push(match from_runtime {
                Some(dependency) => dependency_line(dependency),
                None => format!("{direct} = \"1\""),
            });
        }
    }
    // A vendored copy brings the runtime's unit tests, and with them their dev dependencies.
    let dev_dependencies = match &krate.source {
        RuntimeSource::Vendored(_) if !runtime.dev_dependencies.is_empty() => {
            let lines: Vec<String> = runtime
                .dev_dependencies
                .iter()
                .map(dependency_line)
                .collect();
            format!("\n[dev-dependencies]\n{}\n", lines.join("\n"))
        }
        _ => String::new(),
    };
    let test_support_feature = if test_support {
        "# `Serialize` on every model, also those only received.\n\
         serialize = []\n\
         # The helpers the crate's own test suite drives (samples of every call, round trips).\n\
         test-support = [\"full\", \"serialize\"]\n"
    } else {
        ""
    };
    let features = format!(
        "\n[features]\n\
         # One feature per tag: with `default-features = false`, the tags you name compile only\n\
         # their operations and the models those use.\n\
         default = [\"full\"]\n\
         {}{test_support_feature}",
        tag_features_toml(&[(module, api)])
    );
    let workspace = if krate.own_workspace {
        "\n# Its own workspace, so it builds where it is written; remove this table to make the\n\
         # crate a member of an enclosing workspace.\n[workspace]\n"
    } else {
        ""
    };
    format!(
        "{MANIFEST_MARKER} from `{source}`.\n\
         # Do not edit it by hand: change the spec, then run the command again.\n\n\
         [package]\n\
         name = {name}\n\
         description = {description}\n\
         version = \"0.1.0\"\n\
         edition = {edition}\n\
         {rust_version}\
         publish = false\n\n\
         [dependencies]\n\
         {dependencies}\n\
         {dev_dependencies}{features}{workspace}",
        source = api.source,
        name = toml_string(&krate.name),
        edition = toml_string(&runtime.edition),
        dependencies = dependencies.join("\n"),
    )
}

/// The `full` feature and one feature per tag module of each `(spec module, API)`, each turning
/// on its tag's subsets, then one per subset, as lines of a `[features]` table.
pub fn tag_features_toml(apis: &[(&str, &Api)]) -> String {
    let units: Vec<(String, Vec<String>)> = apis
        .iter()
        .flat_map(|(spec_module, api)| {
            let feature = |unit: &str| crate::naming::tag_feature(spec_module, unit);
            crate::usage::feature_units(api)
                .into_iter()
                .map(move |(unit, subsets)| {
                    (feature(&unit), subsets.iter().map(|s| feature(s)).collect())
                })
        })
        .collect();
    let list = |features: &[String]| {
        features
            .iter()
            .map(|feature| format!("    {},\n", toml_string(feature)))
            .collect::<String>()
    };
    let tags: Vec<String> = units.iter().map(|(tag, _)| tag.clone()).collect();
    let mut out = format!(
        "# Every tag (and `…-other-types`: the models no operation uses, such as webhook payloads).\nfull = [\n{}]\n",
        list(&tags)
    );
    for (tag, subsets) in &units {
        match subsets.as_slice() {
            [] => out.push_str(&format!("{tag} = []\n")),
            subsets => out.push_str(&format!("{tag} = [\n{}]\n", list(subsets))),
        }
    }
    let subsets: Vec<&String> = units.iter().flat_map(|(_, subsets)| subsets).collect();
    if !subsets.is_empty() {
        out.push_str(
            "# Subsets of a tag: each compiles some of its operations without the rest.\n",
        );
        for subset in subsets {
            out.push_str(&format!("{subset} = []\n"));
        }
    }
    out
}

/// A dependency as one line of a `[dependencies]` table.
fn dependency_line(dependency: &Dependency) -> String {
    let mut fields = vec![format!("version = {}", toml_string(&dependency.req))];
    if !dependency.default_features {
        fields.push("default-features = false".to_string());
    }
    if !dependency.features.is_empty() {
        let features: Vec<String> = dependency.features.iter().map(|f| toml_string(f)).collect();
        fields.push(format!("features = [{}]", features.join(", ")));
    }
    format!("{} = {{ {} }}", dependency.name, fields.join(", "))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn lib_rs(api: &Api, krate: &CrateSettings, vendored: bool) -> proc_macro2::TokenStream {
    let title = format!(
        " Typed, async Rust client for {} (version {}), generated from `{}`.",
        api.title, api.version, api.source
    );
    let prefix = krate.env_prefix();
    let url = default_api_url(api.server.as_deref());
    let runtime = if vendored {
        quote! {
            /// The runtime the API module calls (a copy of the `client-runtime` crate).
            pub mod runtime;
        }
    } else {
        quote! {
            /// The runtime the API module calls.
            pub use client_runtime as runtime;
        }
    };
    let profile_doc = format!(
        " This API's names and defaults: the environment variables `{prefix}_API_KEY` and \
         `{prefix}_API_URL`, and the API URL used when none is set{}.",
        match &api.server {
            Some(server) => format!(" (the spec's first server, `{server}`)"),
            None => " (the spec names no server)".to_string(),
        }
    );
    let from_env_doc = format!(
        " A client configured from the environment: `{prefix}_API_KEY` (the bearer token, if \
         the API needs one) and `{prefix}_API_URL`."
    );
    quote! {
        #![doc = #title]
        //!
        //! * [`api`]: one module per tag, one function per operation, and the models in
        //!   [`api::types`].
        //! * [`runtime`]: the client that sends requests (authentication, retries, timeouts),
        //!   its configuration and errors.
        #![warn(missing_docs)]

        #[rustfmt::skip]
        pub mod api;
        #runtime

        pub use runtime::{Client, Config, Error, RetryPolicy};

        #[doc = #profile_doc]
        pub const PROFILE: runtime::Profile = runtime::Profile {
            env_prefix: #prefix,
            default_url: #url,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            identity_headers: &[],
        };

        #[doc = #from_env_doc]
        pub fn client_from_env() -> Result<Client, Error> {
            Client::new(Config::from_env(PROFILE)?)
        }
    }
}

/// An absolute URL for the first server; a relative one is taken as relative to localhost.
fn default_api_url(server: Option<&str>) -> String {
    let url = match server {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => url.to_string(),
        Some(path) => format!("http://localhost/{}", path.trim_start_matches('/')),
        None => "http://localhost".to_string(),
    };
    url.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_title_and_are_checked() {
        assert_eq!(
            default_crate_name("Swagger Petstore"),
            "swagger-petstore-client"
        );
        assert_eq!(default_crate_name("3D printing"), "api-3d-printing-client");
        assert_eq!(default_crate_name("名前"), "api-client");
        assert_eq!(
            default_crate_name(
                "Support for cases where multiple alternate security types are listed"
            ),
            "support-for-cases-where-multiple-client"
        );
        assert!(check_crate_name("petstore_client-2").is_ok());
        for bad in ["", "2fast", "a b", "ümlaut"] {
            let error = check_crate_name(bad).unwrap_err();
            assert!(error.headline.contains("not a valid crate name"), "{bad}");
        }
    }

    fn runtime() -> RuntimeCrate {
        RuntimeCrate {
            version: "0.1.0".into(),
            edition: "2021".into(),
            rust_version: Some("1.85".into()),
            dependencies: vec![Dependency {
                name: "serde".into(),
                req: "^1".into(),
                features: vec!["derive".into()],
                default_features: true,
            }],
            dev_dependencies: Vec::new(),
        }
    }

    #[test]
    fn env_prefix_drops_the_client_suffix() {
        let settings = |name: &str| CrateSettings {
            name: name.to_string(),
            own_workspace: true,
            runtime: runtime(),
            source: RuntimeSource::Registry,
        };
        assert_eq!(settings("petstore-client").env_prefix(), "PETSTORE");
        assert_eq!(settings("client").env_prefix(), "CLIENT");
        assert_eq!(settings("my_api").env_prefix(), "MY_API");
    }

    #[test]
    fn relative_servers_are_made_absolute() {
        assert_eq!(default_api_url(Some("https://a.io/v1/")), "https://a.io/v1");
        assert_eq!(default_api_url(Some("/api/v3")), "http://localhost/api/v3");
        assert_eq!(default_api_url(None), "http://localhost");
    }

    #[test]
    fn a_vendored_runtime_leaves_out_its_shared_generics() {
        let lib_rs = format!("mod a;\n{SHARED_GENERICS_DECLARATION}mod b;\n");
        assert_eq!(
            without_shared_generics(&lib_rs).unwrap(),
            "mod a;\nmod b;\n"
        );
        // A runtime that declares them some other way is an error, not a copy that cannot build.
        let error = without_shared_generics("mod a;\npub mod shared_generics;\n").unwrap_err();
        assert!(
            error.headline.contains("shared generics"),
            "{}",
            error.headline
        );
    }

    #[test]
    fn dependencies_and_strings_are_written_as_toml() {
        assert_eq!(
            dependency_line(&runtime().dependencies[0]),
            "serde = { version = \"^1\", features = [\"derive\"] }"
        );
        assert_eq!(
            toml_string("a \"b\" \\ c\n"),
            "\"a \\\"b\\\" \\\\ c\\u000A\""
        );
    }
}
