//! A task's metadata when `task create` is given class names or a manifest: the JSON
//! `{"classes":[…],"manifestSha256":"…","manifestUri":"…"}` carried in the task's `metadataURI` itself as a
//! `data:application/json;base64,` URI. The registry keeps the URI only in its
//! `TaskCreated` event, so this needs no hosting and `task show` (and exports) read the
//! class names back from the chain.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

const PREFIX: &str = "data:application/json;base64,";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskMetadata {
    /// Label `i` means `classes[i]`; empty when only a manifest was given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// SHA-256 (hex) of the manifest file the task's items and dataRoot came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
    /// Where labellers (the web app) fetch the manifest, checked against
    /// `manifestSha256`; a relative URI is resolved against the app's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_uri: Option<String>,
}

impl TaskMetadata {
    pub fn to_uri(&self) -> String {
        let json = serde_json::to_vec(self).expect("metadata serializes");
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(json)
        )
    }

    /// The metadata in `uri` if it is such a data URI; `None` for any other URI (an
    /// `ipfs://` document is the requester's own and not fetched here).
    pub fn from_uri(uri: &str) -> Option<TaskMetadata> {
        let b64 = uri.strip_prefix(PREFIX)?;
        let json = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        serde_json::from_slice(&json).ok()
    }
}

/// Why `--classes` was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClassesError {
    #[error("--classes: class {position} has an empty name")]
    EmptyName { position: usize },
    #[error("--classes: {name:?} is given twice; each label needs its own name")]
    Duplicate { name: String },
    #[error("--classes: {count} classes; a task has at most {}", u16::MAX)]
    TooMany { count: usize },
}

/// `--classes`: a count (`3`) or comma-separated names (`cat,dog,bird`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classes {
    Count(u16),
    Names(Vec<String>),
}

impl Classes {
    pub fn parse(s: &str) -> Result<Classes, ClassesError> {
        if let Ok(n) = s.trim().parse::<u16>() {
            return Ok(Classes::Count(n));
        }
        let names: Vec<String> = s.split(',').map(|n| n.trim().to_owned()).collect();
        if let Some(p) = names.iter().position(String::is_empty) {
            return Err(ClassesError::EmptyName { position: p + 1 });
        }
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(ClassesError::Duplicate { name: n.clone() });
            }
        }
        u16::try_from(names.len()).map_err(|_| ClassesError::TooMany { count: names.len() })?;
        Ok(Classes::Names(names))
    }

    pub fn count(&self) -> u16 {
        match self {
            Classes::Count(n) => *n,
            Classes::Names(v) => u16::try_from(v.len()).expect("checked in parse"),
        }
    }

    pub fn names(&self) -> &[String] {
        match self {
            Classes::Count(_) => &[],
            Classes::Names(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_survives_its_data_uri() {
        let m = TaskMetadata {
            classes: vec!["cat".into(), "dog".into()],
            manifest_sha256: Some("ab".repeat(32)),
            manifest_uri: Some("demo/manifest.jsonl".into()),
        };
        let uri = m.to_uri();
        assert!(uri.starts_with(PREFIX), "{uri}");
        assert_eq!(TaskMetadata::from_uri(&uri), Some(m));
        assert_eq!(TaskMetadata::from_uri("ipfs://task-metadata"), None);
    }

    #[test]
    fn classes_are_a_count_or_distinct_names() {
        assert_eq!(Classes::parse("3"), Ok(Classes::Count(3)));
        let c = Classes::parse("cat, dog,bird").expect("names");
        assert_eq!(c.count(), 3);
        assert_eq!(c.names(), ["cat", "dog", "bird"]);
        assert_eq!(
            Classes::parse("cat,,dog"),
            Err(ClassesError::EmptyName { position: 2 })
        );
        assert_eq!(
            Classes::parse("cat,dog,cat"),
            Err(ClassesError::Duplicate { name: "cat".into() })
        );
    }
}
