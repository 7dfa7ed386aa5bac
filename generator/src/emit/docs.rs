//! Spec text → `#[doc]` attributes that rustdoc renders without warnings.

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` lines for the summary, description and example of a node, or `fallback`
/// when the spec documents nothing (every public item gets a doc comment).
pub fn doc_attrs(docs: &Docs, fallback: impl FnOnce() -> String) -> TokenStream {
    let text = doc_text(docs);
    if text.is_empty() {
        doc_lines(&fallback())
    } else {
        doc_lines(&text)
    }
}

/// The text of a doc comment for `docs`, paragraphs separated by blank lines.
pub fn doc_text(docs: &Docs) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for text in [&docs.summary, &docs.description].into_iter().flatten() {
        let text = sanitise(text);
        if !text.is_empty() && !paragraphs.contains(&text) {
            paragraphs.push(text);
        }
    }
    if let Some(default) = &docs.default {
        paragraphs.push(format!("Default: `{}`", default.replace('`', "'")));
    }
    if let Some(example) = &docs.example {
        paragraphs.push(format!("Example: `{}`", example.replace('`', "'")));
    }
    paragraphs.join("\n\n")
}

/// `#[doc]` attributes for already-sanitised text.
pub fn doc_lines(text: &str) -> TokenStream {
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Makes spec prose safe for rustdoc: no doc tests, no broken links, no stray HTML.
pub fn sanitise(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            // Fenced code in spec prose is never Rust: mark it as text so it is not a doc test.
            out.push(if in_fence {
                "```".to_string()
            } else {
                "```text".to_string()
            });
            in_fence = !in_fence;
        } else if in_fence {
            out.push(line.trim_end().to_string());
        } else {
            // Leading spaces would make an indented code block, which rustdoc runs as a test.
            out.push(escape_markdown(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    out.join("\n")
}

/// Escapes the characters rustdoc reads as links or HTML, and wraps bare URLs in `<…>`.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_links_html_and_urls() {
        assert_eq!(
            sanitise("[DEPRECATED] use <b>x</b> see https://daytona.io/docs."),
            "\\[DEPRECATED\\] use \\<b\\>x\\</b\\> see <https://daytona.io/docs>."
        );
    }

    #[test]
    fn indented_lines_and_fences_never_become_doc_tests() {
        assert_eq!(sanitise("a\n    code"), "a\ncode");
        assert_eq!(sanitise("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
        assert_eq!(sanitise("```\nunclosed"), "```text\nunclosed\n```");
    }

    #[test]
    fn joins_summary_description_and_example() {
        let docs = Docs {
            summary: Some("Get it".into()),
            description: Some("Get it".into()),
            example: Some("\"a`b\"".into()),
            default: Some("\"b\"".into()),
        };
        assert_eq!(
            doc_text(&docs),
            "Get it\n\nDefault: `\"b\"`\n\nExample: `\"a'b\"`"
        );
        let fallback = doc_attrs(&Docs::default(), || "The `x` field.".into());
        assert_eq!(
            fallback.to_string(),
            quote!(#[doc = " The `x` field."]).to_string()
        );
    }
}
