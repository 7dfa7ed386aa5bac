//! Git repositories in a sandbox.

use crate::runtime::{Call, Secret};
use crate::toolbox::git as operations;
use crate::toolbox::types::{
    GitAddRequest, GitBranchRequest, GitCheckoutRequest, GitCloneRequest, GitCommitInfo,
    GitCommitRequest, GitCommitResponse, GitDeleteBranchRequest, GitRepoRequest, GitStatus,
    ListBranchResponse,
};
use crate::Client;

/// A sandbox's git repositories, as the official SDKs' `Git`; `path` is the repository's
/// folder in the sandbox. Credentials (`username`, `password`) are for the remote; the
/// password is a [`Secret`], never shown in logs.
#[derive(Debug, Clone)]
pub struct Git {
    toolbox: Client,
}

impl Git {
    pub(super) fn new(toolbox: Client) -> Self {
        Git { toolbox }
    }

    /// Clones `url` into `path`; the request's other fields choose a branch or commit and
    /// credentials.
    pub fn clone_repository(&self, request: &GitCloneRequest) -> Call<()> {
        operations::clone_repository(&self.toolbox, request)
    }

    /// Clones `url` into `path` (the default branch, no credentials).
    pub fn clone(&self, url: &str, path: &str) -> Call<()> {
        self.clone_repository(&GitCloneRequest {
            url: url.to_string(),
            path: path.to_string(),
            ..Default::default()
        })
    }

    /// The repository's branch, changes and how far it is ahead of or behind its remote.
    pub fn status(&self, path: &str) -> Call<GitStatus> {
        operations::get_status(&self.toolbox, path)
    }

    /// Stages `files` (paths in the repository).
    pub fn add(&self, path: &str, files: &[&str]) -> Call<()> {
        let body = GitAddRequest {
            path: path.to_string(),
            files: files.iter().map(|f| f.to_string()).collect(),
        };
        operations::add_files(&self.toolbox, &body)
    }

    /// Commits what is staged.
    pub fn commit(
        &self,
        path: &str,
        message: &str,
        author: &str,
        email: &str,
    ) -> Call<GitCommitResponse> {
        let body = GitCommitRequest {
            path: path.to_string(),
            message: message.to_string(),
            author: author.to_string(),
            email: email.to_string(),
            allow_empty: None,
        };
        operations::commit_changes(&self.toolbox, &body)
    }

    /// Pushes the current branch, with credentials when given.
    pub fn push(&self, path: &str, credentials: Option<(&str, Secret)>) -> Call<()> {
        operations::push_changes(&self.toolbox, &repo(path, credentials))
    }

    /// Pulls the current branch, with credentials when given.
    pub fn pull(&self, path: &str, credentials: Option<(&str, Secret)>) -> Call<()> {
        operations::pull_changes(&self.toolbox, &repo(path, credentials))
    }

    /// The repository's branches.
    pub fn branches(&self, path: &str) -> Call<ListBranchResponse> {
        operations::list_branches(&self.toolbox, path)
    }

    /// Creates the branch `name`.
    pub fn create_branch(&self, path: &str, name: &str) -> Call<()> {
        let body = GitBranchRequest {
            path: path.to_string(),
            name: name.to_string(),
        };
        operations::create_branch(&self.toolbox, &body)
    }

    /// Deletes the branch `name`.
    pub fn delete_branch(&self, path: &str, name: &str) -> Call<()> {
        let body = GitDeleteBranchRequest {
            path: path.to_string(),
            name: name.to_string(),
        };
        operations::delete_branch(&self.toolbox, &body)
    }

    /// Checks out `branch`.
    pub fn checkout(&self, path: &str, branch: &str) -> Call<()> {
        let body = GitCheckoutRequest {
            path: path.to_string(),
            branch: branch.to_string(),
        };
        operations::checkout_branch(&self.toolbox, &body)
    }

    /// The commits of the current branch, newest first.
    pub fn history(&self, path: &str) -> Call<Vec<GitCommitInfo>> {
        operations::get_commit_history(&self.toolbox, path)
    }
}

/// A repository request with optional credentials.
fn repo(path: &str, credentials: Option<(&str, Secret)>) -> GitRepoRequest {
    let (username, password) = credentials.map_or((None, None), |(user, password)| {
        (Some(user.to_string()), Some(password))
    });
    GitRepoRequest {
        path: path.to_string(),
        username,
        password,
    }
}
