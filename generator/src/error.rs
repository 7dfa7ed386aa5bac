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

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
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
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_push("#/paths", "/a~b/{id}"), "#/paths/~1a~0b~1{id}");
    }
}
