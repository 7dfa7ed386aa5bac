//! What must not be shown: which names carry credentials, and how `Debug` shows name and value
//! pairs and headers with those values redacted. It uses no other module of the runtime, so
//! every module (errors included) can use it.

/// Whether a header's name says it carries a credential: `Authorization`, `Proxy-Authorization`,
/// `Cookie`, or a name with `token`, `key`, `secret` or `password` in it.
pub fn is_credential_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["token", "key", "secret", "password"]
        .iter()
        .any(|word| name.contains(word))
}

/// The text of a credential-named value that must not show in an error: the whole value, and
/// the credential in each `;`-separated item of it (the part after a scheme such as `Bearer `,
/// or after `name=` in a cookie). Pieces shorter than 8 characters are left out: they would
/// match ordinary text.
pub(crate) fn credential_parts(value: &str) -> impl Iterator<Item = &str> {
    let items = value.split(';').map(|item| {
        let item = item.trim();
        match item.split_once(' ') {
            Some((_, credential)) => credential.trim(),
            None => item.split_once('=').map_or(item, |(_, value)| value),
        }
    });
    std::iter::once(value.trim())
        .chain(items)
        .filter(|part| part.len() >= 8)
}

/// Name and value pairs (headers, query parameters) as `Debug` may show them: the value of each
/// pair whose name says it carries a credential replaced by `[redacted]`.
pub(crate) fn shown_pairs<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    pairs
        .map(|(name, value)| {
            let shown = if is_credential_header(name) {
                "[redacted]"
            } else {
                value
            };
            (name, shown)
        })
        .collect()
}

/// Response or request headers as `Debug` may show them ([`shown_pairs`]); a value that is not
/// text shows as `[not text]`.
pub(crate) fn shown_headers(headers: &reqwest::header::HeaderMap) -> Vec<(&str, &str)> {
    shown_pairs(
        headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or("[not text]"))),
    )
}
