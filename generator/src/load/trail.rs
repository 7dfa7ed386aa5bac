//! The places a walk over a document's tree has been, each JSON pointer built only when asked
//! for: walks visit every node of a large document, and only the few they report on need their
//! pointer as text.

use crate::error::pointer_push;

/// One step down from a node.
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// Places, each a step from its parent place, by index.
pub(super) struct Trail<'a> {
    steps: Vec<(usize, Step<'a>)>,
}

impl<'a> Trail<'a> {
    /// The index of the root place.
    pub const ROOT: usize = 0;

    /// A trail holding only the root.
    pub fn new() -> Self {
        Trail {
            steps: vec![(Self::ROOT, Step::Root)],
        }
    }

    /// The place under `parent` at the member `key`.
    pub fn key(&mut self, parent: usize, key: &'a str) -> usize {
        self.steps.push((parent, Step::Key(key)));
        self.steps.len() - 1
    }

    /// The place under `parent` at the array index `index`.
    pub fn index(&mut self, parent: usize, index: usize) -> usize {
        self.steps.push((parent, Step::Index(index)));
        self.steps.len() - 1
    }

    /// The JSON pointer of the place `at`, after `root` (`""` for the document, or `"#"`).
    pub fn pointer(&self, root: &str, at: usize) -> String {
        let mut tokens = Vec::new();
        let mut place = at;
        while let Some(&(parent, step)) = self.steps.get(place) {
            match step {
                Step::Root => break,
                Step::Key(key) => tokens.push(key.to_string()),
                Step::Index(index) => tokens.push(index.to_string()),
            }
            place = parent;
        }
        tokens
            .iter()
            .rev()
            .fold(root.to_string(), |pointer, token| {
                pointer_push(&pointer, token)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_escaped_and_rooted() {
        let mut trail = Trail::new();
        let paths = trail.key(Trail::ROOT, "paths");
        let path = trail.key(paths, "/a/{b}~c");
        let first = trail.index(path, 0);
        let other = trail.key(paths, "/z");
        assert_eq!(trail.pointer("#", first), "#/paths/~1a~1{b}~0c/0");
        assert_eq!(trail.pointer("", other), "/paths/~1z");
        assert_eq!(trail.pointer("#", Trail::ROOT), "#");
    }
}
