//! Which operations answer a list one page at a time, and how the next page is asked for: the
//! emitter gives each of them a paginator, so a new list operation gets one without any
//! configuration.
//!
//! An operation pages when its one success body is an object with a required `items` array and
//! an optional query parameter says which page to answer:
//!
//! * by **cursor**: a string parameter the answer's next-cursor field fills in (`cursor` and
//!   `nextCursor`, `nextToken` and `nextToken`, `pageToken` and `nextPageToken`);
//! * by **number**: a numeric `page` parameter, and a numeric `totalPages` field in the answer
//!   (and, when it has one, the number of the page answered in `page`).
//!
//! Both may hold at once (Daytona's audit logs answer by number up to an offset limit, then
//! hand out a `nextToken`); the runtime's paginator follows a cursor whenever it gets one.

use crate::ir::{Api, Field, Operation, Param, ParamLocation, ResponseBody, TypeKind, TypeRef};

/// The names of a cursor: the query parameter, and the answer's field that holds the next one.
const CURSORS: [(&str, &str); 3] = [
    ("cursor", "nextCursor"),
    ("nextToken", "nextToken"),
    ("pageToken", "nextPageToken"),
];

/// How an operation pages.
#[derive(Debug, Clone, Copy)]
pub struct Paging<'a> {
    /// The answer's `items` field.
    pub items: &'a Field,
    /// The type of one item.
    pub item: &'a TypeRef,
    /// The cursor parameter and the answer's next-cursor field.
    pub cursor: Option<(&'a Param, &'a Field)>,
    /// The page-number parameter, the answer's `totalPages` field, and its `page` field if any.
    pub number: Option<PageNumber<'a>>,
}

/// Paging by number.
#[derive(Debug, Clone, Copy)]
pub struct PageNumber<'a> {
    /// The `page` query parameter.
    pub param: &'a Param,
    /// The answer's `totalPages`.
    pub total_pages: &'a Field,
    /// The answer's `page`: which page it is.
    pub page: Option<&'a Field>,
}

/// How `op` pages, or `None` when it does not.
pub fn paging<'a>(api: &'a Api, op: &'a Operation) -> Option<Paging<'a>> {
    if op.upgrade != crate::ir::Upgrade::No || op.body.is_some() || op.params_struct.is_none() {
        return None;
    }
    let mut bodies = op.success_responses().map(|r| &r.body);
    let (Some(ResponseBody::Json(TypeRef::Named(page_type))), None) =
        (bodies.next(), bodies.next())
    else {
        return None;
    };
    let TypeKind::Struct(page) = &api.type_named(page_type)?.kind else {
        return None;
    };
    let field = |name: &str| page.fields.iter().find(|f| f.json_name == name);
    let items = field("items").filter(|f| f.required && !f.nullable)?;
    let TypeRef::Array(item) = &items.ty else {
        return None;
    };
    let query = |name: &str| {
        op.params
            .iter()
            .find(|p| p.json_name == name && p.location == ParamLocation::Query && !p.required)
    };
    let cursor = CURSORS.iter().find_map(|(param, next)| {
        let param = query(param).filter(|p| p.ty == TypeRef::String)?;
        let next = field(next).filter(|f| f.ty == TypeRef::String)?;
        Some((param, next))
    });
    let number = query("page")
        .filter(|p| p.ty.is_number())
        .and_then(|param| {
            let total_pages = field("totalPages").filter(|f| f.ty.is_number())?;
            let page = field("page").filter(|f| f.ty.is_number());
            Some(PageNumber {
                param,
                total_pages,
                page,
            })
        });
    if cursor.is_none() && number.is_none() {
        return None;
    }
    Some(Paging {
        items,
        item: item.as_ref(),
        cursor,
        number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(spec: &str) -> Api {
        crate::Generator::new(crate::Settings::new("api", "test"))
            .api(spec, "t.yaml")
            .unwrap()
    }

    fn list(params: &str, page: &str) -> String {
        format!(
            r##"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /pets:
    get:
      operationId: listPets
      parameters: [{params}]
      responses:
        "200": {{description: ok, content: {{application/json: {{schema: {{$ref: "#/components/schemas/Page"}}}}}}}}
components:
  schemas:
    Pet: {{type: object, properties: {{name: {{type: string}}}}}}
    Page: {{type: object, required: [items], properties: {{items: {{type: array, items: {{$ref: "#/components/schemas/Pet"}}}}, {page}}}}}
"##
        )
    }

    /// The cursor (parameter, answer field) and the page number (parameter, page count, and
    /// whether the answer says its page), by Rust names.
    type Found = (Option<(String, String)>, Option<(String, String, bool)>);

    fn of(spec: &str) -> Option<Found> {
        let api = api(spec);
        let op = &api.operations[0];
        paging(&api, op).map(|p| {
            assert_eq!(p.item, &TypeRef::Named("Pet".into()));
            (
                p.cursor
                    .map(|(param, next)| (param.rust_name.clone(), next.rust_name.clone())),
                p.number.map(|n| {
                    (
                        n.param.rust_name.clone(),
                        n.total_pages.rust_name.clone(),
                        n.page.is_some(),
                    )
                }),
            )
        })
    }

    const CURSOR: &str = "{name: cursor, in: query, schema: {type: string}}";
    const PAGE: &str = "{name: page, in: query, schema: {type: number}}";

    #[test]
    fn a_cursor_and_its_next_field_page_by_cursor() {
        let spec = list(CURSOR, "nextCursor: {type: string, nullable: true}");
        let expected = (Some(("cursor".into(), "next_cursor".into())), None);
        assert_eq!(of(&spec), Some(expected));
    }

    #[test]
    fn a_page_number_and_a_page_count_page_by_number() {
        let spec = list(PAGE, "totalPages: {type: number}, page: {type: number}");
        let expected = (None, Some(("page".into(), "total_pages".into(), true)));
        assert_eq!(of(&spec), Some(expected));
    }

    #[test]
    fn both_at_once_are_both_kept() {
        let spec = list(
            &format!("{PAGE}, {{name: nextToken, in: query, schema: {{type: string}}}}"),
            "totalPages: {type: integer}, nextToken: {type: string}",
        );
        let expected = (
            Some(("next_token".into(), "next_token".into())),
            Some(("page".into(), "total_pages".into(), false)),
        );
        assert_eq!(of(&spec), Some(expected));
    }

    #[test]
    fn half_a_pattern_is_no_paging() {
        // A cursor the answer never fills in; a page number with no page count; a required
        // cursor (the caller must choose it); items that are not an array.
        assert_eq!(of(&list(CURSOR, "total: {type: number}")), None);
        assert_eq!(of(&list(PAGE, "count: {type: number}")), None);
        let required = "{name: cursor, in: query, required: true, schema: {type: string}}";
        assert_eq!(of(&list(required, "nextCursor: {type: string}")), None);
        let spec = list(CURSOR, "nextCursor: {type: string}").replace(
            "items: {type: array, items: {$ref: \"#/components/schemas/Pet\"}}",
            "items: {type: string}",
        );
        assert_eq!(of(&spec), None);
    }
}
