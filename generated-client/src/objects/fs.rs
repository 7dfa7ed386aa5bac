//! Files in a sandbox.

#[cfg(feature = "toolbox-file-system")]
use crate::runtime::Call;
use crate::runtime::{Binary, Error, Part};
use crate::workflows::{self, Downloads};
use crate::Client;
use std::future::Future;

/// A sandbox's files, as the official SDKs' `FileSystem`. Paths are the sandbox's (relative
/// ones start at the sandbox user's home).
#[derive(Debug, Clone)]
pub struct FileSystem {
    toolbox: Client,
}

impl FileSystem {
    pub(super) fn new(toolbox: Client) -> Self {
        FileSystem { toolbox }
    }

    /// Writes `contents` to the file at `path`, creating its folders.
    pub fn upload_file<'r>(
        &'r self,
        contents: impl Into<Binary>,
        path: &'r str,
    ) -> impl Future<Output = Result<(), Error>> + 'r {
        workflows::upload_file(&self.toolbox, contents.into(), path)
    }

    /// Writes several files in one request: `(path, contents)` pairs, in order.
    pub fn upload_files<'r>(
        &'r self,
        files: impl IntoIterator<Item = (String, Binary)> + 'r,
    ) -> impl Future<Output = Result<(), Error>> + 'r {
        workflows::upload_files(&self.toolbox, files)
    }

    /// Downloads the file at `path`.
    pub fn download_file<'r>(
        &'r self,
        path: &'r str,
    ) -> impl Future<Output = Result<Part, Error>> + 'r {
        workflows::download_file(&self.toolbox, path)
    }

    /// Downloads several files in one request (see [`workflows::download_files`]).
    pub fn download_files<'r>(
        &'r self,
        paths: &'r [&'r str],
    ) -> impl Future<Output = Result<Downloads, Error>> + 'r {
        workflows::download_files(&self.toolbox, paths)
    }

    /// The entries of the folder at `path`.
    #[cfg(feature = "toolbox-file-system")]
    pub fn list_files(&self, path: &str) -> Call<Vec<crate::toolbox::types::FileInfo>> {
        let params = crate::toolbox::file_system::ListFilesParams {
            path: Some(path.to_string()),
        };
        crate::toolbox::file_system::list_files(&self.toolbox, &params)
    }

    /// Facts about the file or folder at `path`.
    #[cfg(feature = "toolbox-file-system")]
    pub fn get_file_info(&self, path: &str) -> Call<crate::toolbox::types::FileInfo> {
        crate::toolbox::file_system::get_file_info(&self.toolbox, path)
    }

    /// Creates a folder with permissions `mode` (octal, such as `"755"`).
    #[cfg(feature = "toolbox-file-system")]
    pub fn create_folder(&self, path: &str, mode: &str) -> Call<()> {
        crate::toolbox::file_system::create_folder(&self.toolbox, path, mode)
    }

    /// Deletes a file, or a folder and what it holds when `recursive`.
    #[cfg(feature = "toolbox-file-system")]
    pub fn delete_file(&self, path: &str, recursive: bool) -> Call<()> {
        let params = crate::toolbox::file_system::DeleteFileParams {
            recursive: Some(recursive),
        };
        crate::toolbox::file_system::delete_file(&self.toolbox, path, &params)
    }

    /// Moves or renames a file or folder.
    #[cfg(feature = "toolbox-file-system")]
    pub fn move_file(&self, source: &str, destination: &str) -> Call<()> {
        crate::toolbox::file_system::move_file(&self.toolbox, source, destination)
    }

    /// The lines that hold `pattern` in the files under `path` (as `grep`).
    #[cfg(feature = "toolbox-file-system")]
    pub fn find_in_files(
        &self,
        path: &str,
        pattern: &str,
    ) -> Call<Vec<crate::toolbox::types::Match>> {
        crate::toolbox::file_system::find_in_files(&self.toolbox, path, pattern)
    }

    /// The files under `path` whose names match the glob `pattern`.
    #[cfg(feature = "toolbox-file-system")]
    pub fn search_files(
        &self,
        path: &str,
        pattern: &str,
    ) -> Call<crate::toolbox::types::SearchFilesResponse> {
        crate::toolbox::file_system::search_files(&self.toolbox, path, pattern)
    }

    /// Replaces `pattern` by `new_value` in each of `files`.
    #[cfg(feature = "toolbox-file-system")]
    pub fn replace_in_files(
        &self,
        files: &[&str],
        pattern: &str,
        new_value: &str,
    ) -> Call<Vec<crate::toolbox::types::ReplaceResult>> {
        let body = crate::toolbox::types::ReplaceRequest {
            files: files.iter().map(|f| f.to_string()).collect(),
            pattern: pattern.to_string(),
            new_value: new_value.to_string(),
        };
        crate::toolbox::file_system::replace_in_files(&self.toolbox, &body)
    }

    /// Sets a file's permissions (`mode`, octal), owner or group; `None` leaves one as it is.
    #[cfg(feature = "toolbox-file-system")]
    pub fn set_file_permissions(
        &self,
        path: &str,
        mode: Option<&str>,
        owner: Option<&str>,
        group: Option<&str>,
    ) -> Call<()> {
        let params = crate::toolbox::file_system::SetFilePermissionsParams {
            mode: mode.map(str::to_string),
            owner: owner.map(str::to_string),
            group: group.map(str::to_string),
        };
        crate::toolbox::file_system::set_file_permissions(&self.toolbox, path, &params)
    }
}
