//! The index object of an IPFS upload: `<cid>  <path>` per file, sorted by path, the manifest
//! included — `sha256sum`'s layout with CIDs. IPFS has no prefixes to list, so this object is
//! what an `ipfs://` URI names: one CID for the whole export.

use std::collections::BTreeMap;

use crate::cid::Cid;
use crate::error::{Error, Result};

/// The file name the index is `add`ed under (kubo records it; the CID does not depend on it).
pub(crate) const INDEX_NAME: &str = "labelchain-index";

pub(crate) fn render(files: &BTreeMap<String, Cid>) -> String {
    files
        .iter()
        .map(|(path, cid)| format!("{cid}  {path}\n"))
        .collect()
}

pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, Cid>> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let bad = |problem| Error::BadIndex {
            line: i + 1,
            problem,
        };
        let (cid, path) = line
            .split_once("  ")
            .ok_or_else(|| bad("not `<cid>  <path>`"))?;
        if !plain_relative(path) {
            return Err(bad("not a plain relative path"));
        }
        let cid = Cid::parse(cid).map_err(|problem| Error::Cid {
            cid: cid.to_owned(),
            problem,
        })?;
        if out.insert(path.to_owned(), cid).is_some() {
            return Err(bad("a path listed twice"));
        }
    }
    Ok(out)
}

/// `/`-separated plain components: nothing that could write outside the download directory.
fn plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_renders_sorted_and_parses_back() {
        let a = Cid::raw([1; 32]);
        let b = Cid::raw([2; 32]);
        let files = BTreeMap::from([("z/b".to_owned(), b), ("MANIFEST".to_owned(), a)]);
        let text = render(&files);
        assert!(text.starts_with(&format!("{a}  MANIFEST\n")), "{text}");
        assert_eq!(parse(&text).expect("parse"), files);
    }

    #[test]
    fn an_index_escaping_the_download_directory_is_refused() {
        let cid = Cid::raw([1; 32]);
        for path in ["../x", "/etc/passwd", "a//b", "a/./b"] {
            let err = parse(&format!("{cid}  {path}\n")).expect_err(path);
            assert!(matches!(err, Error::BadIndex { line: 1, .. }), "{err:?}");
        }
    }
}
