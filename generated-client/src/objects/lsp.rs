//! A language server in a sandbox.

use crate::runtime::Call;
use crate::toolbox::lsp as operations;
use crate::toolbox::types::{
    CompletionList, LspCompletionParams, LspDocumentRequest, LspPosition, LspServerRequest,
    LspSymbol,
};
use crate::Client;

/// A language server for one language and project in the sandbox, as the official SDKs'
/// `LspServer`: [`start`](Lsp::start) it, tell it which files are open, and ask for symbols and
/// completions. `uri`s are `file://` URIs of files in the sandbox.
#[derive(Debug, Clone)]
pub struct Lsp {
    toolbox: Client,
    language_id: String,
    path_to_project: String,
}

impl Lsp {
    pub(super) fn new(toolbox: Client, language_id: &str, path_to_project: &str) -> Self {
        Lsp {
            toolbox,
            language_id: language_id.to_string(),
            path_to_project: path_to_project.to_string(),
        }
    }

    fn server(&self) -> LspServerRequest {
        LspServerRequest {
            language_id: self.language_id.clone(),
            path_to_project: self.path_to_project.clone(),
        }
    }

    fn document(&self, uri: &str) -> LspDocumentRequest {
        LspDocumentRequest {
            language_id: self.language_id.clone(),
            path_to_project: self.path_to_project.clone(),
            uri: uri.to_string(),
        }
    }

    /// Starts the server.
    pub fn start(&self) -> Call<()> {
        operations::start(&self.toolbox, &self.server())
    }

    /// Stops the server.
    pub fn stop(&self) -> Call<()> {
        operations::stop(&self.toolbox, &self.server())
    }

    /// Tells the server a file is open (it then tracks the file's symbols).
    pub fn did_open(&self, uri: &str) -> Call<()> {
        operations::did_open(&self.toolbox, &self.document(uri))
    }

    /// Tells the server a file is closed.
    pub fn did_close(&self, uri: &str) -> Call<()> {
        operations::did_close(&self.toolbox, &self.document(uri))
    }

    /// The symbols (functions, types…) of a file.
    pub fn document_symbols(&self, uri: &str) -> Call<Vec<LspSymbol>> {
        operations::document_symbols(&self.toolbox, &self.language_id, &self.path_to_project, uri)
    }

    /// The project's symbols whose names match `query`.
    pub fn workspace_symbols(&self, query: &str) -> Call<Vec<LspSymbol>> {
        operations::workspace_symbols(
            &self.toolbox,
            query,
            &self.language_id,
            &self.path_to_project,
        )
    }

    /// Completions at a position (zero-based line and character) of a file.
    pub fn completions(&self, uri: &str, line: i64, character: i64) -> Call<CompletionList> {
        let body = LspCompletionParams {
            language_id: self.language_id.clone(),
            path_to_project: self.path_to_project.clone(),
            uri: uri.to_string(),
            position: LspPosition { line, character },
            context: None,
        };
        operations::completions(&self.toolbox, &body)
    }
}
