//! What `task create` takes from a manifest and `--classes`: the item count, the
//! `dataRoot`, the class count and the metadata URI, with the flags that may also give
//! them checked against the manifest instead of silently winning or losing.

use std::path::Path;

use alloy::primitives::B256;

use super::metadata::{Classes, TaskMetadata};
use super::{Manifest, ManifestError};

/// Items used when neither `--manifest` nor `--items` is given (the demo's count).
pub const DEFAULT_ITEMS: u32 = 4;
/// The metadata URI when nothing else gives one.
pub const DEFAULT_METADATA_URI: &str = "ipfs://task-metadata";

/// The `task create` flags this resolves.
#[derive(Clone, Debug, Default)]
pub struct TaskDataArgs<'a> {
    pub manifest: Option<&'a Path>,
    /// Where the manifest is served (recorded in the metadata next to its hash).
    pub manifest_uri: Option<String>,
    pub items: Option<u32>,
    pub data_root: Option<B256>,
    pub classes: Option<Classes>,
    pub metadata_uri: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskData {
    pub items: u32,
    pub data_root: B256,
    pub classes: u16,
    pub metadata_uri: String,
}

impl TaskData {
    /// With a manifest, its count and root; without one, `--items` (default
    /// [`DEFAULT_ITEMS`]) and `--data-root` (default: the demo items' root). Class names or
    /// a manifest put a [`TaskMetadata`] data URI in `metadataURI`, so an explicit
    /// `--metadata-uri` next to class names is refused (one of them would be lost).
    pub fn resolve(args: TaskDataArgs<'_>) -> Result<TaskData, ManifestError> {
        let classes = args.classes.unwrap_or(Classes::Count(3));
        if args.manifest_uri.is_some() && args.manifest.is_none() {
            return Err(ManifestError::UriWithoutManifest);
        }
        let (items, data_root, manifest_sha256) = match args.manifest {
            Some(path) => {
                let (m, sha) = Manifest::read(path)?;
                let (items, root) = (m.count(), m.data_root());
                if let Some(given) = args.items.filter(|&n| n != items) {
                    return Err(disagrees("--items", given, items));
                }
                if let Some(given) = args.data_root.filter(|&r| r != root) {
                    return Err(disagrees("--data-root", given, root));
                }
                (items, root, Some(alloy::hex::encode(sha)))
            }
            None => {
                let items = args.items.unwrap_or(DEFAULT_ITEMS);
                let root = args
                    .data_root
                    .unwrap_or_else(|| crate::demo::data_root(items.max(1)));
                (items, root, None)
            }
        };
        let names = classes.names().to_vec();
        let metadata_uri = match (args.metadata_uri, names.is_empty()) {
            (Some(_), false) => return Err(ManifestError::MetadataConflict),
            (Some(uri), true) => uri,
            (None, _) if names.is_empty() && manifest_sha256.is_none() => {
                DEFAULT_METADATA_URI.to_owned()
            }
            (None, _) => TaskMetadata {
                classes: names,
                manifest_sha256,
                manifest_uri: args.manifest_uri,
            }
            .to_uri(),
        };
        Ok(TaskData {
            items,
            data_root,
            classes: classes.count(),
            metadata_uri,
        })
    }
}

fn disagrees(flag: &'static str, given: impl ToString, manifest: impl ToString) -> ManifestError {
    ManifestError::Disagrees {
        flag,
        given: given.to_string(),
        manifest: manifest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    fn manifest_file(dir: &Path) -> std::path::PathBuf {
        let p = dir.join("m.jsonl");
        let line = |i: u32| format!("{{\"index\":{i},\"uri\":\"u{i}\",\"sha256\":\"{H}\"}}\n");
        std::fs::write(&p, [line(0), line(1)].concat()).unwrap();
        p
    }

    #[test]
    fn without_a_manifest_the_demo_root_and_default_uri_are_used() {
        let d = TaskData::resolve(TaskDataArgs::default()).unwrap();
        assert_eq!(d.items, DEFAULT_ITEMS);
        assert_eq!(d.data_root, crate::demo::data_root(DEFAULT_ITEMS));
        assert_eq!(
            (d.classes, d.metadata_uri.as_str()),
            (3, DEFAULT_METADATA_URI)
        );
    }

    #[test]
    fn a_manifest_alone_records_its_hash_and_a_disagreeing_root_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let p = manifest_file(tmp.path());
        let args = || TaskDataArgs {
            manifest: Some(&p),
            ..TaskDataArgs::default()
        };
        let d = TaskData::resolve(args()).unwrap();
        let (m, sha) = Manifest::read(&p).unwrap();
        assert_eq!((d.items, d.data_root), (2, m.data_root()));
        let meta = TaskMetadata::from_uri(&d.metadata_uri).expect("a data: URI");
        assert!(meta.classes.is_empty());
        assert_eq!(meta.manifest_sha256, Some(alloy::hex::encode(sha)));

        let wrong = TaskDataArgs {
            data_root: Some(B256::repeat_byte(1)),
            ..args()
        };
        assert!(matches!(
            TaskData::resolve(wrong),
            Err(ManifestError::Disagrees {
                flag: "--data-root",
                ..
            })
        ));
        let same = TaskDataArgs {
            items: Some(2),
            data_root: Some(m.data_root()),
            ..args()
        };
        assert_eq!(TaskData::resolve(same).unwrap(), d);
    }
}
