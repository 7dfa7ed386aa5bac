//! Patching: the configured fixes applied to the tree before it is read.

use crate::error::{Error, Result};
use crate::settings::Patch;
use serde_json::Value;

/// Sets the node at `patch.pointer` to `patch.value`, creating the last key when it is missing.
pub(super) fn apply_patch(tree: &mut Value, patch: &Patch) -> Result<()> {
    let pointer = patch.pointer.trim_start_matches('#');
    let (parent, last) = match pointer.rfind('/') {
        Some(at) => (&pointer[..at], &pointer[at + 1..]),
        None => {
            return Err(Error::at(
                "a patch pointer must name a key below the root",
                &patch.pointer,
            ))
        }
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match tree.pointer_mut(parent) {
        Some(Value::Object(object)) => {
            object.insert(last, patch.value.clone());
            Ok(())
        }
        _ => Err(Error::at(
            "a patch names a place that does not exist in the spec",
            format!("#{parent}"),
        )
        .with_hint("check the pointer in the codegen configuration against the spec")),
    }
}
