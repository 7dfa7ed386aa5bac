//! Paths and operations → [`Operation`]s.

use super::hint::Hint;
use super::refs;
use super::schema::{SchemaRef, TypeLowering};
use crate::error::{pointer_push, Error, Result, Warning};
use crate::ir::{
    BodyKind, Constraints, Docs, Method, Multipart, Operation, Param, ParamLocation, RequestBody,
    Response, ResponseBody, ResponseHeader, Status, TypeRef,
};
use crate::naming::{ident, operation_ident, Case, Scope};
use openapiv3::{
    MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, SchemaKind,
    StatusCode, Type,
};
use std::collections::BTreeMap;

/// Names that generated functions use for their own arguments.
const RESERVED_ARGUMENTS: &[&str] = &["client", "body", "params", "request"];

/// Lowers every operation, in path order and then HTTP method order.
pub fn lower_operations<'a>(
    doc: &'a OpenAPI,
    types: &mut TypeLowering<'a>,
) -> Result<Vec<Operation>> {
    let mut operations = Vec::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut function_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut module_names: BTreeMap<String, String> = BTreeMap::new();
    let mut module_scope = Scope::with_reserved(&["types"]);

    for (path, item) in &doc.paths.paths {
        let path_pointer = pointer_push("#/paths", path);
        let item: &PathItem =
            match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => return Err(Error::at(
                    format!("path item $ref '{reference}' cannot be followed"),
                    path_pointer,
                )
                .with_hint(
                    "a path item may refer to another in this document, not to itself through a \
                     loop of references, nor to another file",
                )),
            };
        for (method_name, op) in item.iter() {
            let pointer = pointer_push(&path_pointer, method_name);
            let method = method_from(method_name);
            let derived = derived_operation_id(method, path);
            let mut operation_id = op.operation_id.clone().unwrap_or_else(|| derived.clone());
            if let Some(first) = seen_ids.get(&operation_id) {
                // Two operations cannot share a name; the second is named by rule instead.
                if seen_ids.contains_key(&derived) {
                    return Err(Error::at(
                        format!("duplicate operationId '{operation_id}'"),
                        pointer_push(&pointer, "operationId"),
                    )
                    .with_hint(format!("it is also used at {first}")));
                }
                types.warnings.push(Warning::at(
                    format!(
                        "the operationId '{operation_id}' is also used at {first}; this \
                         operation is named '{}', from its method and path",
                        operation_ident(&derived)
                    ),
                    pointer_push(&pointer, "operationId"),
                ));
                operation_id = derived;
            }
            seen_ids.insert(operation_id.clone(), pointer.clone());
            let tag = op.tags.first().map(String::as_str).unwrap_or("default");
            let module = module_names
                .entry(tag.to_string())
                .or_insert_with(|| module_scope.claim(ident(tag, Case::Value)))
                .clone();
            let rust_name = function_scopes
                .entry(module.clone())
                .or_default()
                .claim(operation_ident(&operation_id));
            let type_prefix = ident(&rust_name, Case::Type);

            let params = lower_params(
                doc,
                types,
                &item.parameters,
                &op.parameters,
                &pointer,
                &type_prefix,
            )?;
            let body = match &op.request_body {
                Some(body) => lower_body(doc, types, body, op, &pointer, &type_prefix)?,
                None => None,
            };
            let responses = lower_responses(doc, types, &op.responses, &pointer, &type_prefix)?;
            let secured = op
                .security
                .as_ref()
                .or(doc.security.as_ref())
                .is_some_and(|requirements| !requirements.is_empty());
            let params_struct = params
                .iter()
                .any(|p| !p.required)
                .then(|| format!("{type_prefix}Params"));
            operations.push(Operation {
                operation_id,
                rust_name,
                module,
                method,
                path: path.clone(),
                docs: Docs {
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                    example: None,
                    default: None,
                },
                deprecated: op.deprecated,
                secured,
                params,
                body,
                responses,
                params_struct,
                upgrade: crate::ir::Upgrade::No,
                subset: None,
            });
        }
    }
    Ok(operations)
}

fn method_from(name: &str) -> Method {
    match name {
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => Method::Get,
    }
}

/// An operation id for an operation without one: method and path, as in `get /sandbox/{id}`.
fn derived_operation_id(method: Method, path: &str) -> String {
    format!(
        "{} {}",
        method.as_str().to_lowercase(),
        path.replace(['{', '}'], "")
    )
}

fn lower_params<'a>(
    doc: &'a OpenAPI,
    types: &mut TypeLowering<'a>,
    path_level: &'a [ReferenceOr<Parameter>],
    operation_level: &'a [ReferenceOr<Parameter>],
    pointer: &str,
    type_prefix: &str,
) -> Result<Vec<Param>> {
    // Operation parameters override path-item parameters with the same name and location.
    let mut merged: Vec<(&'a Parameter, String)> = Vec::new();
    let levels = [
        (
            path_level,
            pointer_push(
                pointer.rsplit_once('/').map_or(pointer, |p| p.0),
                "parameters",
            ),
        ),
        (operation_level, pointer_push(pointer, "parameters")),
    ];
    for (list, list_pointer) in levels {
        for (i, param) in list.iter().enumerate() {
            let param_pointer = pointer_push(&list_pointer, &i.to_string());
            let param = match param {
                ReferenceOr::Item(param) => param,
                ReferenceOr::Reference { reference } => refs::resolve(
                    doc.components.as_ref(),
                    "parameters",
                    |c| &c.parameters,
                    reference,
                    &param_pointer,
                )?,
            };
            let key = (param.parameter_data_ref().name.as_str(), location_of(param));
            merged.retain(|(p, _)| (p.parameter_data_ref().name.as_str(), location_of(p)) != key);
            merged.push((param, param_pointer));
        }
    }

    let mut scope = Scope::with_reserved(RESERVED_ARGUMENTS);
    let mut params = Vec::with_capacity(merged.len());
    for (param, param_pointer) in merged {
        let data = param.parameter_data_ref();
        let location = location_of(param);
        let hint = Hint::new(type_prefix, &data.name);
        let schema_pointer = pointer_push(&param_pointer, "schema");
        let (ty, constraints, default) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (
                types.type_ref(schema.into(), &schema_pointer, &hint)?,
                types.constraints(schema.into(), &schema_pointer),
                types
                    .resolve(schema.into(), &schema_pointer)
                    .ok()
                    .and_then(|schema| schema.schema_data.default.as_ref())
                    .map(|d| d.to_string()),
            ),
            ParameterSchemaOrContent::Content(_) => (TypeRef::String, Constraints::default(), None),
        };
        let explode = match param {
            Parameter::Query { .. } | Parameter::Cookie { .. } => data.explode.unwrap_or(true),
            _ => data.explode.unwrap_or(false),
        };
        params.push(Param {
            rust_name: scope.claim(ident(&data.name, Case::Value)),
            json_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            explode,
            docs: Docs {
                summary: None,
                description: data.description.clone(),
                example: data.example.as_ref().map(|e| e.to_string()),
                default,
            },
            deprecated: data.deprecated.unwrap_or(false),
            constraints,
        });
    }
    Ok(params)
}

/// The headers a response declares, each with the JSON type of its schema.
fn response_headers(
    doc: &OpenAPI,
    response: &openapiv3::Response,
    pointer: &str,
) -> Result<Vec<ResponseHeader>> {
    let headers_pointer = pointer_push(pointer, "headers");
    let mut headers = Vec::with_capacity(response.headers.len());
    for (name, header) in &response.headers {
        let header_pointer = pointer_push(&headers_pointer, name);
        let header = match header {
            ReferenceOr::Item(header) => header,
            ReferenceOr::Reference { reference } => refs::resolve(
                doc.components.as_ref(),
                "headers",
                |c| &c.headers,
                reference,
                &header_pointer,
            )?,
        };
        let schema = match &header.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => Some(schema),
            ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                refs::resolve(
                    doc.components.as_ref(),
                    "schemas",
                    |c| &c.schemas,
                    reference,
                    &pointer_push(&header_pointer, "schema"),
                )
                .ok()
            }
            ParameterSchemaOrContent::Content(_) => None,
        };
        headers.push(ResponseHeader {
            name: name.clone(),
            required: header.required,
            schema_type: schema.and_then(json_type),
            deprecated: header.deprecated.unwrap_or(false),
        });
    }
    Ok(headers)
}

/// A schema's JSON type with its format (`integer:int64`), for comparing headers.
fn json_type(schema: &openapiv3::Schema) -> Option<String> {
    let (name, format) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => ("string", format_name(&s.format)),
        SchemaKind::Type(Type::Integer(i)) => ("integer", format_name(&i.format)),
        SchemaKind::Type(Type::Number(n)) => ("number", format_name(&n.format)),
        SchemaKind::Type(Type::Boolean(_)) => ("boolean", None),
        SchemaKind::Type(Type::Array(_)) => ("array", None),
        SchemaKind::Type(Type::Object(_)) => ("object", None),
        _ => return None,
    };
    Some(match format {
        Some(format) => format!("{name}:{format}"),
        None => name.to_string(),
    })
}

/// The name of a `format`, known or not.
fn format_name<T: serde::Serialize>(
    format: &openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string)),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn location_of(param: &Parameter) -> ParamLocation {
    match param {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// What a media type is, in the order a body is chosen from when several are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MediaKind {
    Json,
    JsonLike,
    Multipart,
    UrlEncodedForm,
    Wildcard,
    OctetStream,
    Text,
    Other,
}

fn media_kind(media_type: &str) -> MediaKind {
    match media_type {
        "application/json" => MediaKind::Json,
        t if t.ends_with("+json") || t.ends_with("/json") => MediaKind::JsonLike,
        "multipart/form-data" => MediaKind::Multipart,
        "application/x-www-form-urlencoded" => MediaKind::UrlEncodedForm,
        "*/*" => MediaKind::Wildcard,
        "application/octet-stream" => MediaKind::OctetStream,
        t if t.starts_with("text/") => MediaKind::Text,
        _ => MediaKind::Other,
    }
}

fn preferred(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .min_by_key(|(media_type, _)| media_kind(media_type))
}

fn lower_body<'a>(
    doc: &'a OpenAPI,
    types: &mut TypeLowering<'a>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    op: &'a openapiv3::Operation,
    pointer: &str,
    type_prefix: &str,
) -> Result<Option<RequestBody>> {
    let body_pointer = pointer_push(pointer, "requestBody");
    let body = match body {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => refs::resolve(
            doc.components.as_ref(),
            "requestBodies",
            |c| &c.request_bodies,
            reference,
            &body_pointer,
        )?,
    };
    let Some((media_type, content)) = preferred(&body.content) else {
        return Ok(None);
    };
    let schema_pointer = pointer_push(
        &pointer_push(&pointer_push(&body_pointer, "content"), media_type),
        "schema",
    );
    let hint = Hint::new(type_prefix, "Body");
    let schema = content.schema.as_ref().map(SchemaRef::from);
    let kind = match (media_kind(media_type), schema) {
        (MediaKind::Json | MediaKind::JsonLike, Some(schema)) => {
            BodyKind::Json(types.type_ref(schema, &schema_pointer, &hint)?)
        }
        (MediaKind::Multipart, Some(schema)) => {
            lower_multipart(types, schema, op, &schema_pointer, &hint)?
        }
        (MediaKind::UrlEncodedForm, Some(schema)) => {
            BodyKind::Form(types.type_ref(schema, &schema_pointer, &hint)?)
        }
        (MediaKind::Wildcard, Some(schema)) => {
            match types.type_ref(schema, &schema_pointer, &hint)? {
                TypeRef::Binary => BodyKind::Bytes,
                TypeRef::String => BodyKind::Text,
                ty => BodyKind::Json(ty),
            }
        }
        (MediaKind::Text, _) => BodyKind::Text,
        // Anything else (no schema, images, XML, …) is bytes the caller has encoded.
        _ => BodyKind::Bytes,
    };
    Ok(Some(RequestBody {
        media_type: media_type.clone(),
        media_types: body.content.keys().cloned().collect(),
        kind,
        required: body.required,
        docs: Docs {
            summary: None,
            description: body.description.clone(),
            example: None,
            default: None,
        },
    }))
}

fn lower_multipart<'a>(
    types: &mut TypeLowering<'a>,
    schema: SchemaRef<'a>,
    op: &'a openapiv3::Operation,
    pointer: &str,
    hint: &Hint,
) -> Result<BodyKind> {
    let form = match types.type_ref(schema, pointer, hint)? {
        TypeRef::Named(name) if types.is_struct_type(&name) => Multipart {
            ty: TypeRef::Named(name),
            array_prefix: None,
        },
        TypeRef::Array(item) if item.named().is_some_and(|name| types.is_struct_type(name)) => {
            Multipart {
                ty: *item,
                // Arrays of forms are sent as `prefix[i].field`, the convention Daytona's
                // servers read.
                array_prefix: Some(
                    op.extensions
                        .get("x-codegen-request-body-name")
                        .and_then(|v| v.as_str())
                        .unwrap_or("files")
                        .to_string(),
                ),
            }
        }
        // A form is one part per property of an object; anything else cannot be sent as one
        // by rule. The operation still is: its body is the bytes the caller has encoded.
        _ => {
            types.warnings.push(Warning::at(
                "the multipart/form-data body is not an object or an array of objects, so it \
                 cannot be sent as a form by rule; the operation takes the encoded body as bytes \
                 (set its Content-Type, with the boundary, as a header of the call)",
                pointer,
            ));
            return Ok(BodyKind::Bytes);
        }
    };
    Ok(BodyKind::Multipart(form))
}

fn lower_responses<'a>(
    doc: &'a OpenAPI,
    types: &mut TypeLowering<'a>,
    responses: &'a openapiv3::Responses,
    pointer: &str,
    type_prefix: &str,
) -> Result<Vec<Response>> {
    let responses_pointer = pointer_push(pointer, "responses");
    let declared = responses
        .responses
        .iter()
        .map(|(code, response)| {
            let status = match code {
                StatusCode::Code(code) => Status::Code(*code),
                StatusCode::Range(first) => Status::Range(*first),
            };
            (status, response)
        })
        .chain(responses.default.iter().map(|r| (Status::Default, r)));
    let mut lowered = Vec::new();
    for (status, response) in declared {
        let response_pointer = pointer_push(&responses_pointer, &status.to_string());
        let response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { reference } => refs::resolve(
                doc.components.as_ref(),
                "responses",
                |c| &c.responses,
                reference,
                &response_pointer,
            )?,
        };
        let informational = matches!(status, Status::Code(code) if code < 200);
        let chosen = preferred(&response.content).filter(|_| !informational);
        let body = match chosen {
            // A 1xx answer (a WebSocket upgrade) has no body to decode.
            None => ResponseBody::Empty,
            Some((media_type, content)) => {
                let schema_pointer = pointer_push(
                    &pointer_push(&pointer_push(&response_pointer, "content"), media_type),
                    "schema",
                );
                let hint = Hint::new(type_prefix, &format!("Response{status}"));
                match (
                    media_kind(media_type),
                    content.schema.as_ref().map(SchemaRef::from),
                ) {
                    (MediaKind::Json | MediaKind::JsonLike | MediaKind::Wildcard, Some(schema)) => {
                        let also_text = response
                            .content
                            .keys()
                            .any(|other| media_kind(other) == MediaKind::Text);
                        match types.type_ref(schema, &schema_pointer, &hint)? {
                            TypeRef::Binary => ResponseBody::Bytes,
                            ty if also_text => ResponseBody::JsonOrText(ty),
                            ty => ResponseBody::Json(ty),
                        }
                    }
                    (MediaKind::Text, _) => ResponseBody::Text,
                    _ => ResponseBody::Bytes,
                }
            }
        };
        lowered.push(Response {
            status,
            media_type: chosen.map(|(media_type, _)| media_type.clone()),
            media_types: response.content.keys().cloned().collect(),
            headers: response_headers(doc, response, &response_pointer)?,
            body,
            description: Some(response.description.clone()).filter(|d| !d.is_empty()),
        });
    }
    Ok(lowered)
}
