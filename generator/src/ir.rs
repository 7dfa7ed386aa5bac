//! The intermediate model of an API: plain data, independent of `openapiv3`.
//!
//! Every later stage (emit, API listing, spec diff, tests) reads this model, so it keeps both the
//! wire facts (JSON names, required, nullable, enum values, content types, status codes) and the
//! Rust facts (identifiers and the Rust type of every field and parameter).

use std::fmt;

/// One API document, lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// File name of the spec it came from, as shown in generated headers.
    pub source: String,
    /// `info.title` of the document.
    pub title: String,
    /// `info.version` of the document.
    pub version: String,
    /// The URL of the first entry of `servers`, its variables set to their defaults.
    pub server: Option<String>,
    /// Every named type, in a deterministic order (components first, then inline types).
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order (paths, then methods in HTTP order).
    pub operations: Vec<Operation>,
    /// What the generator could not model as the document wrote it, and did instead.
    pub warnings: Vec<crate::error::Warning>,
}

impl Api {
    /// The type with the given Rust name.
    pub fn type_named(&self, rust_name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == rust_name)
    }

    /// The operation with the given `operationId` as written in the spec.
    pub fn operation(&self, operation_id: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.operation_id == operation_id)
    }

    /// Calls `f` on every type reference in the model, nested ones included.
    pub fn for_each_type_ref_mut(&mut self, mut f: impl FnMut(&mut TypeRef)) {
        for def in &mut self.types {
            match &mut def.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        field.ty.for_each_mut(&mut f);
                    }
                    if let Some(extra) = &mut s.additional_properties {
                        extra.for_each_mut(&mut f);
                    }
                }
                TypeKind::Alias(ty) => ty.for_each_mut(&mut f),
                TypeKind::Union(union) => {
                    for variant in &mut union.variants {
                        variant.ty.for_each_mut(&mut f);
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        for op in &mut self.operations {
            for param in &mut op.params {
                param.ty.for_each_mut(&mut f);
            }
            match op.body.as_mut().map(|b| &mut b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => ty.for_each_mut(&mut f),
                Some(BodyKind::Multipart(form)) => form.ty.for_each_mut(&mut f),
                _ => {}
            }
            for response in &mut op.responses {
                if let Some(ty) = response.body.json_type_mut() {
                    ty.for_each_mut(&mut f);
                }
            }
        }
    }

    /// Tag modules in first-seen order, each with the operations grouped under it.
    pub fn operations_by_module(&self) -> Vec<(&str, Vec<&Operation>)> {
        let mut groups: Vec<(&str, Vec<&Operation>)> = Vec::new();
        for op in &self.operations {
            match groups.iter_mut().find(|(module, _)| *module == op.module) {
                Some((_, ops)) => ops.push(op),
                None => groups.push((&op.module, vec![op])),
            }
        }
        groups
    }
}

/// Documentation carried from the spec into doc comments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// `summary`, where the node has one.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `example`, as compact JSON.
    pub example: Option<String>,
    /// `default`, as compact JSON.
    pub default: Option<String>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust identifier.
    pub name: String,
    /// Where the type came from: the component name, or the JSON pointer of an inline schema.
    pub origin: String,
    /// Doc comment text.
    pub docs: Docs,
    /// Whether the spec marks the schema deprecated.
    pub deprecated: bool,
    /// What the type is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// A string or integer enum with a catch-all for unknown values.
    Enum(Enumeration),
    /// One of several types (`oneOf`/`anyOf`).
    Union(Union),
    /// Another name for a type (`pub type X = Y;`).
    Alias(TypeRef),
}

/// A struct's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// The value type of `additionalProperties` next to declared properties, kept in a flattened map.
    pub additional_properties: Option<TypeRef>,
}

/// One field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub json_name: String,
    /// The Rust identifier.
    pub rust_name: String,
    /// The value's type, before `Option` wrapping for optional or nullable fields.
    pub ty: TypeRef,
    /// Whether the property is listed in `required`.
    pub required: bool,
    /// Whether `null` is a valid value.
    pub nullable: bool,
    /// Doc comment text.
    pub docs: Docs,
    /// Whether the spec marks the property deprecated.
    pub deprecated: bool,
    /// `readOnly`/`writeOnly`.
    pub access: Access,
    /// The limits the property's schema puts on values.
    pub constraints: Constraints,
}

/// The validation keywords of a schema: limits the server may enforce that the Rust types do
/// not show. Spec diffs compare them; generated code does not check them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
}

/// Which direction a property travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Both.
    ReadWrite,
    /// `readOnly`: set by the server; never sent.
    ReadOnly,
    /// `writeOnly`: sent; never returned.
    WriteOnly,
}

impl Field {
    /// How presence and `null` map onto Rust.
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

/// The four combinations of `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`: always present, never null.
    Required,
    /// `Option<T>`: always present on the wire, may be null.
    RequiredNullable,
    /// `Option<T>`: absent or a value.
    Optional,
    /// `Option<Option<T>>`: absent, null, or a value.
    OptionalNullable,
}

/// An enum of strings or integers.
#[derive(Debug, Clone, PartialEq)]
pub struct Enumeration {
    /// Known values in spec order.
    pub variants: Vec<Variant>,
    /// What the values are on the wire.
    pub repr: EnumRepr,
}

/// The wire type of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers (kept as `i64`).
    Integer,
}

/// One known value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust identifier.
    pub rust_name: String,
    /// The value on the wire, as written in the spec (`"ready"` → `ready`, `404` → `404`).
    pub value: String,
}

/// A value that is one of several types.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The alternatives in spec order.
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the alternative (`discriminator.propertyName`); without
    /// one, the first alternative that decodes wins.
    pub discriminator: Option<String>,
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// The discriminator values that select it (empty without a discriminator).
    pub tags: Vec<String>,
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `i8`, `i16`, `u8`, `u16`, `u32` or `u64`: the other integer formats.
    Int(IntWidth),
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A `date-time` string, as a UTC timestamp.
    DateTime,
    /// A `date` string.
    Date,
    /// `format: binary`: raw bytes (a file part in multipart bodies).
    Binary,
    /// `format: byte`: bytes sent as a base64 string.
    Base64,
    /// `format: uuid`.
    Uuid,
    /// A string that must not show up in logs: a configured secret field or `format: password`.
    Secret,
    /// Any JSON value.
    Json,
    /// A named type from [`Api::types`].
    Named(String),
    /// A JSON array.
    Array(Box<TypeRef>),
    /// A JSON object used as a map from string keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Calls `f` on this reference and every reference nested in it.
    pub fn for_each_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        f(self);
        if let TypeRef::Array(inner) | TypeRef::Map(inner) = self {
            inner.for_each_mut(f);
        }
    }

    /// Whether the type is a JSON number (integer or float).
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            TypeRef::I32 | TypeRef::I64 | TypeRef::Int(_) | TypeRef::F32 | TypeRef::F64
        )
    }

    /// Whether the type is a small `Copy` value passed by value (numbers, `bool`, UUIDs).
    pub fn is_copy_scalar(&self) -> bool {
        self.is_number() || matches!(self, TypeRef::Bool | TypeRef::Uuid)
    }

    /// The named type this reference mentions, looking through arrays and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

impl fmt::Display for TypeRef {
    /// The Rust spelling, as used in API listings and diffs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("String"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::Int(width) => f.write_str(width.rust_name()),
            TypeRef::F32 => f.write_str("f32"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::DateTime => f.write_str("DateTime<Utc>"),
            TypeRef::Date => f.write_str("NaiveDate"),
            TypeRef::Binary => f.write_str("Bytes"),
            TypeRef::Base64 => f.write_str("Base64"),
            TypeRef::Uuid => f.write_str("Uuid"),
            TypeRef::Secret => f.write_str("Secret"),
            TypeRef::Json => f.write_str("Value"),
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::Array(item) => write!(f, "Vec<{item}>"),
            TypeRef::Map(value) => write!(f, "BTreeMap<String, {value}>"),
        }
    }
}

/// The integer formats beyond `int32` and `int64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntWidth {
    /// `int8`.
    I8,
    /// `int16`.
    I16,
    /// `uint8`.
    U8,
    /// `uint16`.
    U16,
    /// `uint32`.
    U32,
    /// `uint64`.
    U64,
}

impl IntWidth {
    /// The width for an integer `format`, if it names one of these.
    pub fn from_format(format: &str) -> Option<IntWidth> {
        Some(match format {
            "int8" => IntWidth::I8,
            "int16" => IntWidth::I16,
            "uint8" => IntWidth::U8,
            "uint16" => IntWidth::U16,
            "uint32" => IntWidth::U32,
            "uint64" | "uint" => IntWidth::U64,
            _ => return None,
        })
    }

    /// The Rust primitive.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntWidth::I8 => "i8",
            IntWidth::I16 => "i16",
            IntWidth::U8 => "u8",
            IntWidth::U16 => "u16",
            IntWidth::U32 => "u32",
            IntWidth::U64 => "u64",
        }
    }
}

/// HTTP methods that OpenAPI operations use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` as written in the spec.
    pub operation_id: String,
    /// The Rust function name.
    pub rust_name: String,
    /// The module (from the first tag) the function lives in.
    pub module: String,
    /// HTTP method.
    pub method: Method,
    /// The path template, such as `/sandbox/{sandboxId}`.
    pub path: String,
    /// Doc comment text.
    pub docs: Docs,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// Whether a bearer token is sent (the operation has a security requirement).
    pub secured: bool,
    /// Path, query and header parameters in spec order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Declared responses in spec order.
    pub responses: Vec<Response>,
    /// Name of the generated struct holding optional parameters, when there are any.
    pub params_struct: Option<String>,
    /// Whether the server upgrades the connection to a WebSocket (configured: a spec cannot
    /// say so).
    pub upgrade: Upgrade,
    /// The subset feature of its tag the operation belongs to, if any (configured: see
    /// [`crate::settings::Subset`]).
    pub subset: Option<String>,
}

/// Whether an operation upgrades to a WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upgrade {
    /// A plain HTTP call.
    No,
    /// Only as a WebSocket.
    Only,
    /// Both: a plain call, and a WebSocket (such as logs that are followed).
    AlsoHttp,
}

impl Operation {
    /// The unit of Cargo features the operation compiles with: its subset, or else its tag
    /// module (the feature is the spec module's name, a dash, and the unit's).
    pub fn feature_unit(&self) -> &str {
        self.subset.as_deref().unwrap_or(&self.module)
    }

    /// Responses with a success status (1xx or 2xx).
    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub json_name: String,
    /// The Rust identifier.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must give it (it is then a positional argument).
    pub required: bool,
    /// For arrays in the query: `true` repeats the key (`form`, explode), `false` joins with commas.
    pub explode: bool,
    /// Doc comment text.
    pub docs: Docs,
    /// Whether the spec marks the parameter deprecated.
    pub deprecated: bool,
    /// The limits the parameter's schema puts on values.
    pub constraints: Constraints,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    /// Every media type the spec declares for the body, in spec order (the client sends
    /// `media_type`; a server may accept any of them).
    pub media_types: Vec<String>,
    /// How the body is encoded.
    pub kind: BodyKind,
    /// Whether the spec requires a body.
    pub required: bool,
    /// Doc comment text.
    pub docs: Docs,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// Serialised as JSON (also for `*/*` with a schema).
    Json(TypeRef),
    /// A UTF-8 string.
    Text,
    /// Raw bytes (octet-stream, `*/*` without a schema, and media types such as images or XML
    /// that the caller encodes).
    Bytes,
    /// `application/x-www-form-urlencoded` from a struct's fields.
    Form(TypeRef),
    /// `multipart/form-data` built from a struct's fields.
    Multipart(Multipart),
}

/// A multipart form.
#[derive(Debug, Clone, PartialEq)]
pub struct Multipart {
    /// The struct whose fields become parts.
    pub ty: TypeRef,
    /// For a body that is an array of such structs: the part-name prefix, giving parts named
    /// `prefix[i].field`.
    pub array_prefix: Option<String>,
}

/// A declared status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range such as `4XX` (the first digit).
    Range(u16),
    /// `default`.
    Default,
}

impl Status {
    /// Whether a response with this status is a success for the caller.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => code < 300,
            Status::Range(first) => first < 3,
            Status::Default => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(first) => write!(f, "{first}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// One declared response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status it answers.
    pub status: Status,
    /// What its body is.
    pub body: ResponseBody,
    /// The media type the body is read as, when there is a body.
    pub media_type: Option<String>,
    /// Every media type the spec declares for the response, in spec order.
    pub media_types: Vec<String>,
    /// The headers the spec declares for the response, in spec order.
    pub headers: Vec<ResponseHeader>,
    /// `description` of the response.
    pub description: Option<String>,
}

/// A declared response header. Generated functions do not read them (the raw answer is
/// available); spec diffs compare them.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// The header name as written.
    pub name: String,
    /// Whether the spec says every answer carries it.
    pub required: bool,
    /// The JSON type of its schema (`string`, `integer`, …, with `format` after a colon), if any.
    pub schema_type: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
}

/// The body of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No content declared.
    Empty,
    /// JSON decoded into a type.
    Json(TypeRef),
    /// JSON decoded into a type, or text: the response declares both a JSON and a `text/*`
    /// media type (which one comes depends on the request, as with Daytona's log endpoints).
    JsonOrText(TypeRef),
    /// Text.
    Text,
    /// Raw bytes (octet-stream, multipart, or `*/*` without a schema).
    Bytes,
}

impl ResponseBody {
    /// The type JSON bodies decode into, if the body can be JSON.
    pub fn json_type(&self) -> Option<&TypeRef> {
        match self {
            ResponseBody::Json(ty) | ResponseBody::JsonOrText(ty) => Some(ty),
            _ => None,
        }
    }

    fn json_type_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            ResponseBody::Json(ty) | ResponseBody::JsonOrText(ty) => Some(ty),
            _ => None,
        }
    }
}
