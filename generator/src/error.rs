//! Errors a person can act on: one headline, where it happened, and a hint when there is one.

use std::fmt;

/// Everything that can go wrong while turning a spec into code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// One line saying what is wrong.
    pub headline: String,
    /// The spec file (or other input) the error is about.
    pub file: Option<String>,
    /// Where in the file: a JSON pointer such as `#/paths/~1sandbox/post`.
    pub pointer: Option<String>,
    /// Where in the text, for syntax errors: 1-based line and column.
    pub line_column: Option<(usize, usize)>,
    /// What to do about it, where that is known.
    pub hint: Option<String>,
}

impl Error {
    /// An error with only a headline.
    pub fn new(headline: impl Into<String>) -> Self {
        Error {
            headline: headline.into(),
            file: None,
            pointer: None,
            line_column: None,
            hint: None,
        }
    }

    /// An error about the node at `pointer` (a JSON pointer with its leading `#`).
    pub fn at(headline: impl Into<String>, pointer: impl Into<String>) -> Self {
        Error {
            pointer: Some(pointer.into()),
            ..Error::new(headline)
        }
    }

    /// Names the input file, unless one is named already.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a line and column.
    pub fn with_line_column(mut self, line: usize, column: usize) -> Self {
        self.line_column = Some((line, column));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.headline)?;
        let location = match (&self.file, &self.pointer, self.line_column) {
            (Some(file), Some(pointer), _) => Some(format!("{file}{pointer}")),
            (Some(file), None, Some((line, column))) => Some(format!("{file}:{line}:{column}")),
            (Some(file), None, None) => Some(file.clone()),
            (None, Some(pointer), _) => Some(pointer.clone()),
            (None, None, Some((line, column))) => Some(format!("line {line}, column {column}")),
            (None, None, None) => None,
        };
        if let Some(location) = location {
            write!(f, "\n  at {location}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Something in a document the generator could not model as written, and what it did instead
/// (left a bound out, sent a body as raw bytes, renamed a type). Generation goes on; with
/// [`Settings::strict`](crate::Settings::strict) each warning is an [`Error`] instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What was found and what was done about it.
    pub message: String,
    /// The spec file, once known.
    pub file: Option<String>,
    /// Where in the file: a JSON pointer.
    pub pointer: String,
}

impl Warning {
    /// A warning about the node at `pointer`.
    pub fn at(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        Warning {
            message: message.into(),
            file: None,
            pointer: pointer.into(),
        }
    }

    /// Names the input file, unless one is named already.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }

    /// The same finding as an error, for strict generation.
    pub fn into_error(self) -> Error {
        Error {
            headline: self.message,
            file: self.file,
            pointer: Some(self.pointer),
            line_column: None,
            hint: Some("without strict mode (`--strict`) this is a warning, and the generator goes on as it says".to_string()),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}\n  at ", self.message)?;
        if let Some(file) = &self.file {
            f.write_str(file)?;
        }
        f.write_str(&self.pointer)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The candidate closest to `wanted` (by edit distance), if one is close enough to be a
/// misspelling of it: for "did you mean" hints.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|name| (edit_distance(wanted, name), name))
        .filter(|(distance, name)| *distance <= wanted.len().max(name.len()) / 3 + 1)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_headline_location_and_hint() {
        let error = Error::at(
            "unresolved $ref '#/components/schemas/Sandboxx'",
            "#/paths/~1sandbox/get",
        )
        .in_file("specs/daytona-api.yaml")
        .with_hint("did you mean '#/components/schemas/Sandbox'?");
        assert_eq!(
            error.to_string(),
            "error: unresolved $ref '#/components/schemas/Sandboxx'\n  \
             at specs/daytona-api.yaml#/paths/~1sandbox/get\n  \
             hint: did you mean '#/components/schemas/Sandbox'?"
        );
    }

    #[test]
    fn renders_line_and_column_for_syntax_errors() {
        let error = Error::new("bad YAML")
            .in_file("a.yaml")
            .with_line_column(3, 7);
        assert_eq!(error.to_string(), "error: bad YAML\n  at a.yaml:3:7");
    }

    #[test]
    fn warnings_render_and_turn_into_errors() {
        let warning = Warning::at("the bound is left out", "#/components/schemas/A/maximum")
            .in_file("a.json");
        assert_eq!(
            warning.to_string(),
            "warning: the bound is left out\n  at a.json#/components/schemas/A/maximum"
        );
        let error = warning.into_error();
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/components/schemas/A/maximum")
        );
        assert!(error
            .to_string()
            .starts_with("error: the bound is left out\n  at a.json#/"));
    }

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(closest("Sandboxx", ["Volume", "Sandbox"]), Some("Sandbox"));
        assert_eq!(closest("Zzz", ["Sandbox"]), None);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_push("#/paths", "/a~b/{id}"), "#/paths/~1a~0b~1{id}");
    }
}
