//! Operations → functions that fill a request description and hand it to the runtime, which
//! returns the future of the decoded response (`runtime::Call`).

use super::docs::{doc_attrs, doc_lines, doc_text, sanitise};
use super::rust_type;
use super::types::ident;
use crate::ir::{
    Api, BodyKind, Field, Method, Operation, Param, ParamLocation, Presence, ResponseBody, Status,
    TypeKind, TypeRef, Upgrade,
};
use crate::paging::Paging;
use proc_macro2::Ident;
use proc_macro2::TokenStream;
use quote::quote;

/// The items of one tag module. When some of its operations are in a subset, each operation's
/// items are behind the feature of its unit (the module itself is behind any of them).
pub fn tag_module(api: &Api, spec_module: &str, operations: &[&Operation]) -> TokenStream {
    let has_subsets = operations.iter().any(|op| op.subset.is_some());
    let items = operations.iter().map(|op| {
        let items = operation_items(api, op);
        if has_subsets {
            let feature = crate::naming::tag_feature(spec_module, op.feature_unit());
            super::types::gated(super::types::feature_gate(&[feature]), items)
        } else {
            items
        }
    });
    super::concat(items)
}

fn types_path() -> TokenStream {
    quote!(super::types::)
}

fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let params_struct = params_struct(op);
    let (response_enum, return_type, decode) = success(op);
    let call = Ending::Call {
        return_type,
        decode,
    };
    let functions = match op.upgrade {
        Upgrade::No => function(api, op, &op.rust_name, call),
        Upgrade::Only => function(api, op, &op.rust_name, Ending::Connect),
        Upgrade::AlsoHttp => {
            let http = function(api, op, &op.rust_name, call);
            let name = websocket_name(op);
            let websocket = function(api, op, &name, Ending::Connect);
            super::concat([http, websocket])
        }
    };
    let pager = crate::paging::paging(api, op).map(|paging| pager(op, &paging));
    super::concat(
        [params_struct, response_enum, functions]
            .into_iter()
            .chain(pager),
    )
}

/// `<operation>_pages`: every item of a paged list as the runtime's `Pages` stream. It takes
/// the operation's arguments, keeps its own copies (the stream outlives the call), and asks for
/// each page with the caller's parameters and the cursor or page number of the next page.
fn pager(op: &Operation, paging: &Paging) -> TokenStream {
    let name = ident(&crate::naming::pager(&op.rust_name));
    let operation = ident(&op.rust_name);
    let operation_id = &op.operation_id;
    let item = rust_type(paging.item, types_path());
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let names: Vec<Ident> = required.iter().map(|p| ident(&p.rust_name)).collect();
    let arguments = positional_arguments(&required);
    // Owned copies for the stream to keep, borrowed again for each call.
    let copies = required.iter().zip(&names).map(|(p, name)| {
        let copy = match &p.ty {
            TypeRef::String => quote!(#name.to_string()),
            ty if ty.is_copy_scalar() => quote!(#name),
            TypeRef::Array(_) => quote!(#name.to_vec()),
            _ => quote!(#name.to_owned()),
        };
        quote!(let #name = #copy;)
    });
    let passed = required.iter().zip(&names).map(|(p, name)| {
        if p.ty.is_copy_scalar() {
            quote!(#name)
        } else {
            quote!(&#name)
        }
    });
    let set_cursor = paging.cursor.map(|(param, _)| {
        let field = ident(&param.rust_name);
        quote!(if let Some(cursor) = next.cursor { params.#field = Some(cursor); })
    });
    let set_page = paging.number.map(|number| {
        let field = ident(&number.param.rust_name);
        let ty = rust_type(&number.param.ty, types_path());
        quote!(if let Some(page) = next.page { params.#field = Some(page as #ty); })
    });
    let first_page = match paging.number {
        Some(number) => {
            let field = ident(&number.param.rust_name);
            quote!(params.#field.map(|page| page as u64))
        }
        None => quote!(None),
    };
    // A field of the answer as the `Option` the runtime's `Page` holds; numbers as `f64`.
    let read = |field: Option<&Field>| {
        let Some(field) = field else {
            return quote!(None);
        };
        let name = ident(&field.rust_name);
        let convert = (field.ty.is_number() && field.ty != TypeRef::F64).then(|| quote!(as f64));
        match (field.presence(), convert) {
            (Presence::Required, convert) => quote!(Some(answer.#name #convert)),
            (Presence::RequiredNullable | Presence::Optional, None) => quote!(answer.#name),
            (Presence::OptionalNullable, None) => quote!(answer.#name.flatten()),
            (Presence::RequiredNullable | Presence::Optional, Some(convert)) => {
                quote!(answer.#name.map(|value| value #convert))
            }
            (Presence::OptionalNullable, Some(convert)) => {
                quote!(answer.#name.flatten().map(|value| value #convert))
            }
        }
    };
    let next_cursor = read(paging.cursor.map(|(_, field)| field));
    let page = read(paging.number.and_then(|n| n.page));
    let total_pages = read(paging.number.map(|n| n.total_pages));
    let items = ident(&paging.items.rust_name);
    let how = match (paging.cursor, paging.number) {
        (Some(_), Some(_)) => "by page number, or by cursor once the answer gives one",
        (Some(_), None) => "by cursor",
        _ => "by page number",
    };
    let docs = doc_lines(&format!(
        "Every item [`{operation}`] lists, page after page ({how}): a stream that asks\n\
         for the next page when the items of the one before have been taken.\n\n\
         The first request has `params` as given (a page or cursor in them is where the list\n\
         starts). The stream ends after the last page, an empty page or an error; set limits\n\
         with [`Pages::max_items`](crate::runtime::Pages::max_items) and\n\
         [`Pages::max_pages`](crate::runtime::Pages::max_pages)."
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let params_struct = op.params_struct.as_ref().map(|name| ident(name));
    quote! {
        #docs
        #deprecated
        pub fn #name(
            client: &crate::runtime::Client,
            #(#arguments,)*
            params: &#params_struct,
        ) -> crate::runtime::Pages<#item> {
            let client = client.clone();
            let params = params.clone();
            #(#copies)*
            let first_page = #first_page;
            crate::runtime::Pages::new(#operation_id, first_page, move |next| {
                let mut params = params.clone();
                #set_cursor
                #set_page
                let call = #operation(&client, #(#passed,)* &params);
                Box::pin(async move {
                    let answer = call.await?;
                    Ok(crate::runtime::Page {
                        next_cursor: #next_cursor,
                        page: #page,
                        total_pages: #total_pages,
                        items: answer.#items,
                    })
                })
            })
        }
    }
}

/// The name of the function that opens the WebSocket of an operation that also answers HTTP.
pub fn websocket_name(op: &Operation) -> String {
    format!("{}_websocket", op.rust_name)
}

/// What an operation's function returns: the future of its decoded response, or of a
/// WebSocket.
enum Ending {
    Call {
        return_type: TokenStream,
        decode: TokenStream,
    },
    Connect,
}

fn params_struct(op: &Operation) -> TokenStream {
    let Some(name) = &op.params_struct else {
        return TokenStream::new();
    };
    let name = ident(name);
    let doc = format!(" Optional parameters of [`{}`].", op.rust_name);
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let fields = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = rust_type(&p.ty, types_path());
        let docs = doc_attrs(&p.docs, || format!("The `{}` parameter.", p.json_name));
        let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
        quote!(#docs #deprecated pub #field: Option<#ty>,)
    });
    // Built with `Default` and the setters, so a new optional parameter breaks no caller.
    let setters = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let setter = ident(&crate::naming::setter(&p.rust_name));
        let ty = rust_type(&p.ty, types_path());
        let doc = format!(" Sets `{}`.", p.json_name);
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #setter(mut self, value: #ty) -> Self {
                self.#field = Some(value);
                self
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        impl #name {
            #(#setters)*
        }
    }
}

/// The distinct success bodies of an operation.
fn success_bodies(op: &Operation) -> Vec<(Status, &ResponseBody)> {
    op.success_responses()
        .map(|r| (r.status, &r.body))
        .collect()
}

/// The success type, any enum it needs, and the function (`fn(Response) -> Result<_, Error>`)
/// that decodes a success response into it.
fn success(op: &Operation) -> (TokenStream, TokenStream, TokenStream) {
    let bodies = success_bodies(op);
    let first = bodies.first().map(|(_, body)| *body);
    let all_same = bodies.iter().all(|(_, body)| Some(*body) == first);
    if all_same {
        let body = first.unwrap_or(&ResponseBody::Empty);
        return (TokenStream::new(), body_type(body), decoder(body));
    }
    let enum_name = ident(&format!("{}Response", super::type_prefix(op)));
    let doc = format!(" The success responses of [`{}`].", op.rust_name);
    let variants: Vec<_> = bodies
        .iter()
        .map(|(status, body)| {
            let variant = ident(&status_variant(*status));
            let ty = body_type(body);
            let doc = format!(" Status {status}.");
            (variant, ty, doc, *status, *body)
        })
        .collect();
    let declarations = variants
        .iter()
        .map(|(variant, ty, doc, _, _)| quote!(#[doc = #doc] #variant(#ty),));
    let arms = variants.iter().filter_map(|(variant, _, _, status, body)| {
        let Status::Code(code) = status else {
            return None;
        };
        let decode = decoder(body);
        Some(quote!(#code => #decode(response).map(#enum_name::#variant),))
    });
    let enum_item = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #enum_name {
            #(#declarations)*
        }
    };
    let decode = quote! {
        |response| match response.status() {
            #(#arms)*
            _ => Err(response.unexpected_status()),
        }
    };
    (enum_item, quote!(#enum_name), decode)
}

fn status_variant(status: Status) -> String {
    match status {
        Status::Code(200) => "Ok".into(),
        Status::Code(201) => "Created".into(),
        Status::Code(202) => "Accepted".into(),
        Status::Code(204) => "NoContent".into(),
        Status::Code(code) => format!("Status{code}"),
        Status::Range(first) => format!("Status{first}xx"),
        Status::Default => "Default".into(),
    }
}

fn body_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => rust_type(ty, types_path()),
        ResponseBody::JsonOrText(ty) => {
            let ty = rust_type(ty, types_path());
            quote!(crate::runtime::JsonOrText<#ty>)
        }
        ResponseBody::Text => quote!(String),
        ResponseBody::Bytes => quote!(crate::runtime::ByteStream),
    }
}

/// The runtime function (`fn(Response) -> Result<_, Error>`) that decodes a response with
/// `body`.
fn decoder(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(crate::runtime::Response::discard),
        ResponseBody::Json(_) => quote!(crate::runtime::Response::json),
        ResponseBody::JsonOrText(_) => quote!(crate::runtime::Response::json_or_text),
        ResponseBody::Text => quote!(crate::runtime::Response::text),
        ResponseBody::Bytes => quote!(crate::runtime::Response::stream),
    }
}

fn function(api: &Api, op: &Operation, name: &str, ending: Ending) -> TokenStream {
    let name = ident(name);
    let docs = doc_lines(&function_docs(op, matches!(ending, Ending::Connect)));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let arguments = positional_arguments(&required);
    let body_argument = op.body.as_ref().map(|body| {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                let ty = rust_type(ty, types_path());
                quote!(&#ty)
            }
            BodyKind::Multipart(form) => {
                let ty = rust_type(&form.ty, types_path());
                if form.array_prefix.is_some() {
                    quote!(&[#ty])
                } else {
                    quote!(&#ty)
                }
            }
            BodyKind::Text => quote!(&str),
            BodyKind::Bytes => quote!(crate::runtime::Binary),
        };
        if body.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let params_argument = op.params_struct.as_ref().map(|name| {
        let name = ident(name);
        quote!(params: &#name,)
    });

    let method = method_tokens(op.method);
    let operation_id = &op.operation_id;
    let (segments, path) = path_expression(api, op);
    let secured = op.secured.then(|| quote!(request.secured();));
    let params = op.params.iter().map(|p| param_statement(api, p));
    // What a function returns when its request cannot be built.
    let failed = if matches!(ending, Ending::Connect) {
        quote!(crate::runtime::Connect::failed(error))
    } else {
        quote!(crate::runtime::Call::failed(error))
    };
    let body = op.body.as_ref().map(|body| {
        let set = body_statement(&body.kind, &body.media_type, &failed);
        if body.required {
            set
        } else {
            quote!(if let Some(body) = body { #set })
        }
    });
    let connect = matches!(ending, Ending::Connect);
    let accept = accept_type(op)
        .filter(|_| !connect)
        .map(|media_type| quote!(request.accept(#media_type);));
    // A binary answer is handed over as it arrives.
    let stream = (!connect
        && op
            .success_responses()
            .any(|r| r.body == ResponseBody::Bytes))
    .then(|| quote!(request.stream_response();));
    let error_models: Vec<TokenStream> = op
        .responses
        .iter()
        .filter(|r| !connect && !r.status.is_success())
        .filter_map(|r| {
            let ResponseBody::Json(ty) = &r.body else {
                return None;
            };
            let status = match r.status {
                Status::Code(code) => quote!(Some(#code)),
                Status::Default => quote!(None),
                Status::Range(_) => return None,
            };
            let ty = rust_type(ty, types_path());
            Some(quote!(request.error_model(#status, crate::runtime::error_model::<#ty>);))
        })
        .collect();
    let filled = op.secured
        || accept.is_some()
        || stream.is_some()
        || !error_models.is_empty()
        || op.body.is_some()
        || op.params.iter().any(|p| p.location != ParamLocation::Path);
    let binding = if filled {
        quote!(let mut request)
    } else {
        quote!(let request)
    };
    let (return_type, sent) = match ending {
        Ending::Call {
            return_type,
            decode,
        } => (
            quote!(crate::runtime::Call<#return_type>),
            quote!(crate::runtime::Call::new(client, request, #decode)),
        ),
        Ending::Connect => (
            quote!(crate::runtime::Connect),
            quote!(crate::runtime::Connect::new(client, request)),
        ),
    };
    quote! {
        #docs
        #deprecated
        pub fn #name(
            client: &crate::runtime::Client,
            #(#arguments,)*
            #body_argument
            #params_argument
        ) -> #return_type {
            #segments
            #binding = crate::runtime::Request::new(#method, #operation_id, #path);
            #secured
            #accept
            #stream
            #(#error_models)*
            #(#params)*
            #body
            #sent
        }
    }
}

/// Summary, description, and a line for each positional argument; for the function that opens a
/// WebSocket, what it does instead of a call.
fn function_docs(op: &Operation, connect: bool) -> String {
    let mut text = doc_text(&op.docs);
    let described: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .filter_map(|p| {
            let description = p.docs.description.as_deref().map(sanitise)?;
            Some(format!(
                "- `{}`: {}",
                p.rust_name,
                description.replace('\n', " ")
            ))
        })
        .collect();
    if !described.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("# Arguments\n\n");
        text.push_str(&described.join("\n"));
    }
    let operation = format!(
        "`{} {}` (`{}`)",
        op.method.as_str(),
        op.path,
        op.operation_id
    );
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    if connect {
        text.push_str(&format!(
            "Opens {operation} as a WebSocket: the server upgrades the connection."
        ));
    } else {
        text.push_str(&format!("Sends {operation}."));
    }
    text
}

fn method_tokens(method: Method) -> TokenStream {
    match method {
        Method::Get => quote!(crate::runtime::Method::GET),
        Method::Put => quote!(crate::runtime::Method::PUT),
        Method::Post => quote!(crate::runtime::Method::POST),
        Method::Delete => quote!(crate::runtime::Method::DELETE),
        Method::Options => quote!(crate::runtime::Method::OPTIONS),
        Method::Head => quote!(crate::runtime::Method::HEAD),
        Method::Patch => quote!(crate::runtime::Method::PATCH),
        Method::Trace => quote!(crate::runtime::Method::TRACE),
    }
}

/// `name: type` for each required parameter, in order: an operation's positional arguments.
fn positional_arguments(required: &[&Param]) -> Vec<TokenStream> {
    required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let ty = argument_type(&p.ty);
            quote!(#name: #ty)
        })
        .collect()
}

/// The type of a positional argument: strings and collections are borrowed.
fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        ty if ty.is_copy_scalar() => rust_type(ty, types_path()),
        TypeRef::Array(item) => {
            let item = rust_type(item, types_path());
            quote!(&[#item])
        }
        other => {
            let ty = rust_type(other, types_path());
            quote!(&#ty)
        }
    }
}

/// The path: the template with every parameter percent-encoded, as a statement that binds each
/// encoded parameter (`segment_0`, …) and an expression of the path. The segments are bound
/// first so that the `format!` names them inline (tokens inside a macro call are printed as
/// they are, not formatted), all in one `let` so that a parameter named like a segment is read
/// before any segment is bound.
fn path_expression(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let mut template = String::new();
    let mut segments = Vec::new();
    let mut values = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        template.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.json_name == name);
        match param {
            Some(param) => {
                let segment = format!("segment_{}", segments.len());
                template.push_str(&format!("{{{segment}}}"));
                let segment = ident(&segment);
                let binding = ident(&param.rust_name);
                let text = text_of(
                    api,
                    &param.ty,
                    &Value {
                        receiver: quote!(#binding),
                        reference: quote!(&#binding),
                    },
                );
                segments.push(segment);
                values.push(quote!(crate::runtime::encode_path(#text)));
            }
            None => template.push_str(&rest[open..=close].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[close + 1..];
    }
    template.push_str(rest);
    match segments.len() {
        0 => (TokenStream::new(), quote!(#template.to_string())),
        1 => (
            quote!(let #(#segments)* = #(#values)*;),
            quote!(format!(#template)),
        ),
        _ => (
            quote!(let (#(#segments),*) = (#(#values),*);),
            quote!(format!(#template)),
        ),
    }
}

/// A parameter value in generated code: `receiver` for method calls, `reference` where a
/// reference is needed (the two differ for required arguments, which are bound by value).
struct Value {
    receiver: TokenStream,
    reference: TokenStream,
}

/// An expression for the text of a query parameter or header, usable as `&dyn Display`.
fn text_of(api: &Api, ty: &TypeRef, value: &Value) -> TokenStream {
    let Value {
        receiver,
        reference,
    } = value;
    match ty {
        TypeRef::DateTime => quote!(&#receiver.to_rfc3339()),
        TypeRef::Secret => quote!(&#receiver.expose()),
        TypeRef::Named(name) if !is_displayable(api, name) => {
            quote!(&crate::runtime::json_text(#reference))
        }
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Array(_) | TypeRef::Binary | TypeRef::Base64 => {
            quote!(&crate::runtime::json_text(#reference))
        }
        _ => quote!(#reference),
    }
}

/// Whether a named type implements `Display` (enums, and aliases of scalars), following a
/// chain of aliases (acyclic: lowering refuses alias cycles) in a loop.
fn is_displayable(api: &Api, name: &str) -> bool {
    let mut current = name;
    loop {
        return match api.type_named(current).map(|def| &def.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(TypeRef::Named(target))) => {
                current = target;
                continue;
            }
            Some(TypeKind::Alias(target)) => {
                target.is_copy_scalar() || matches!(target, TypeRef::String | TypeRef::Date)
            }
            _ => false,
        };
    }
}

fn param_statement(api: &Api, param: &Param) -> TokenStream {
    if param.location == ParamLocation::Path {
        return TokenStream::new();
    }
    let name = &param.json_name;
    let add = |value: Value| -> TokenStream {
        let item = Value {
            receiver: quote!(item),
            reference: quote!(item),
        };
        let receiver = &value.receiver;
        match (param.location, &param.ty) {
            (ParamLocation::Query, TypeRef::Array(item_ty)) if param.explode => {
                let text = text_of(api, item_ty, &item);
                quote!(for item in #receiver.iter() { request.query(#name, #text); })
            }
            (_, TypeRef::Array(item_ty)) => {
                let text = text_of(api, item_ty, &item);
                let to_text = if text.to_string() == "item" {
                    quote!(ToString::to_string)
                } else {
                    quote!(|item| ToString::to_string(#text))
                };
                let joined = quote! {
                    &#receiver.iter().map(#to_text).collect::<Vec<_>>().join(",")
                };
                match param.location {
                    ParamLocation::Query => quote!(request.query(#name, #joined);),
                    ParamLocation::Cookie => quote!(request.cookie(#name, #joined);),
                    _ => quote!(request.header(#name, #joined);),
                }
            }
            (ParamLocation::Query, ty) => {
                let text = text_of(api, ty, &value);
                quote!(request.query(#name, #text);)
            }
            (ParamLocation::Cookie, ty) => {
                let text = text_of(api, ty, &value);
                quote!(request.cookie(#name, #text);)
            }
            (_, ty) => {
                let text = text_of(api, ty, &value);
                quote!(request.header(#name, #text);)
            }
        }
    };
    let binding = ident(&param.rust_name);
    if param.required {
        add(Value {
            receiver: quote!(#binding),
            reference: quote!(&#binding),
        })
    } else {
        let statement = add(Value {
            receiver: quote!(value),
            reference: quote!(value),
        });
        quote!(if let Some(value) = &params.#binding { #statement })
    }
}

fn body_statement(kind: &BodyKind, media_type: &str, failed: &TokenStream) -> TokenStream {
    match kind {
        BodyKind::Json(_) => {
            let content_type = if media_type == "*/*" {
                "application/json"
            } else {
                media_type
            };
            quote! {
                if let Err(error) = request.json(#content_type, body) {
                    return #failed;
                }
            }
        }
        BodyKind::Form(_) => quote! {
            if let Err(error) = request.form(body) {
                return #failed;
            }
        },
        BodyKind::Text => quote!(request.text(body.to_string());),
        BodyKind::Bytes => {
            let content_type = if media_type == "*/*" {
                "application/octet-stream"
            } else {
                media_type
            };
            quote!(request.binary(#content_type, body);)
        }
        BodyKind::Multipart(form) => match &form.array_prefix {
            None => quote!(request.multipart(body);),
            Some(prefix) => quote!(request.multipart_array(#prefix, body);),
        },
    }
}

/// The `Accept` header: `application/json` for an operation whose success bodies are all
/// declared as JSON, with text as well where a body may also come as text; the declared media
/// type of an operation whose bodies are all bytes of one type (`multipart/form-data`,
/// `application/octet-stream`). Left out otherwise, and for `*/*`: the server chooses.
fn accept_type(op: &Operation) -> Option<String> {
    let with_body: Vec<_> = op
        .success_responses()
        .filter(|r| r.body != ResponseBody::Empty)
        .collect();
    let first = with_body.first()?;
    if with_body.iter().all(|r| r.body == ResponseBody::Bytes) {
        let media_type = first.media_type.as_deref()?;
        let concrete = !media_type.contains('*');
        let same = with_body
            .iter()
            .all(|r| r.media_type.as_deref() == Some(media_type));
        return (concrete && same).then(|| media_type.to_string());
    }
    let mut text = false;
    for response in &with_body {
        text |= matches!(response.body, ResponseBody::JsonOrText(_));
        let json = response.body.json_type().is_some()
            && response
                .media_type
                .as_deref()
                .is_some_and(|m| m.contains("json"));
        if !json {
            return None;
        }
    }
    Some(if text {
        "application/json, text/*".to_string()
    } else {
        "application/json".to_string()
    })
}
