//! Writing generated files: compare with what is on disk, replace atomically, or only report.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A file the generator produced, with its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// Whether to write or only compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Replace stale files and remove files that are no longer generated.
    Write,
    /// Change nothing; report what is stale.
    Check,
}

/// What differs between the generated files and the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Files whose contents differ or that do not exist yet (relative paths).
    pub stale: Vec<PathBuf>,
    /// `.rs` files in the folder that the generator no longer produces (relative paths).
    pub extra: Vec<PathBuf>,
}

impl Outcome {
    /// Whether the folder already matched.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Brings `dir` in line with `files` (or, in check mode, reports how it differs).
///
/// Each write goes to a temporary file beside the target and is renamed over it, so an
/// interrupted run leaves every file either old or new, never half-written.
pub fn sync(dir: &Path, files: &[OutputFile], mode: Mode) -> io::Result<Outcome> {
    let mut outcome = Outcome::default();
    for file in files {
        let target = dir.join(&file.path);
        let current = fs::read_to_string(&target).ok();
        if current.as_deref() != Some(file.contents.as_str()) {
            outcome.stale.push(file.path.clone());
        }
    }
    let mut existing = Vec::new();
    list_rust_files(dir, Path::new(""), &mut existing)?;
    outcome.extra = existing
        .into_iter()
        .filter(|path| !files.iter().any(|f| &f.path == path))
        .collect();
    outcome.extra.sort();
    if mode == Mode::Write {
        for path in &outcome.stale {
            let file = files
                .iter()
                .find(|f| &f.path == path)
                .expect("stale paths come from files");
            write_atomically(&dir.join(path), &file.contents)?;
        }
        for path in &outcome.extra {
            fs::remove_file(dir.join(path))?;
        }
    }
    Ok(outcome)
}

fn write_atomically(target: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    let file_name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("generated");
    let temporary = target.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, target).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })
}

fn list_rust_files(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match fs::read_dir(dir.join(relative)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list_rust_files(dir, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("daytona-codegen-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: PathBuf::from(path),
            contents: contents.to_string(),
        }
    }

    #[test]
    fn check_reports_without_writing_and_write_converges() {
        let dir = scratch("sync");
        fs::create_dir_all(dir.join("api")).unwrap();
        fs::write(dir.join("api/old.rs"), "old").unwrap();
        fs::write(dir.join("same.rs"), "same").unwrap();
        let files = [file("same.rs", "same"), file("api/new.rs", "new")];

        let checked = sync(&dir, &files, Mode::Check).unwrap();
        assert_eq!(checked.stale, [PathBuf::from("api/new.rs")]);
        assert_eq!(checked.extra, [PathBuf::from("api/old.rs")]);
        assert!(!dir.join("api/new.rs").exists());
        assert!(dir.join("api/old.rs").exists());

        let written = sync(&dir, &files, Mode::Write).unwrap();
        assert_eq!(written, checked);
        assert_eq!(fs::read_to_string(dir.join("api/new.rs")).unwrap(), "new");
        assert!(!dir.join("api/old.rs").exists());
        assert!(sync(&dir, &files, Mode::Check).unwrap().is_fresh());
        let leftovers: Vec<_> = fs::read_dir(dir.join("api")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files are left behind");
        fs::remove_dir_all(dir).unwrap();
    }
}
