//! The demo's items: small SVG pictures of three shapes, written next to the deployments
//! file with their manifest, so the demo task is a real labelling job end to end — the web
//! app shows each picture (after checking its sha256), and an export joins the labels with
//! a real manifest. The bytes are generated, not shipped, and the same on every machine,
//! so the demo's `dataRoot` is too.

use std::path::{Path, PathBuf};

use alloy::primitives::B256;

use crate::error::{Error, Result};
use crate::manifest::{Manifest, ManifestError};

/// The demo's class names: label `i` is `CLASSES[i]`.
pub const CLASSES: [&str; 3] = ["circle", "square", "triangle"];
/// Items in the demo task.
pub const COUNT: u32 = 6;
/// Where the demo's files live, relative to the deployments directory; `labelchain up`
/// serves this directory at `/demo/`, so the manifest's relative URIs resolve there.
pub const DIR: &str = "demo";
/// The manifest's URI as the web app resolves it (against its origin).
pub const MANIFEST_URI: &str = "demo/manifest.jsonl";

const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];

/// Item `i`'s true class (what the demo labellers agree on).
pub fn class_of(i: u32) -> u8 {
    (i % 3) as u8
}

/// Item `i`'s picture: its class's shape in the item's colour, at a size that varies.
pub fn svg(i: u32) -> String {
    let colour = COLOURS[i as usize % COLOURS.len()];
    let r = 34 + (i * 7) % 20;
    let shape = match class_of(i) {
        0 => format!(r#"<circle cx="64" cy="64" r="{r}" fill="{colour}"/>"#),
        1 => format!(
            r#"<rect x="{o}" y="{o}" width="{w}" height="{w}" fill="{colour}"/>"#,
            o = 64 - r,
            w = 2 * r
        ),
        _ => format!(
            r#"<polygon points="64,{t} {l},{b} {rr},{b}" fill="{colour}"/>"#,
            t = 64 - r,
            b = 64 + r,
            l = 64 - r,
            rr = 64 + r
        ),
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\
<rect width=\"128\" height=\"128\" fill=\"#f4f4f4\"/>{shape}</svg>\n"
    )
}

/// The written demo: its manifest (path and SHA-256 of the file) and root.
#[derive(Clone, Debug)]
pub struct DemoItems {
    pub manifest: PathBuf,
    pub manifest_sha256: B256,
    pub data_root: B256,
}

/// Writes the pictures and their manifest under `deployments_dir/demo/` (again on every
/// run: the bytes are deterministic) and reads the manifest back as `task create` would.
pub fn write(deployments_dir: &Path) -> Result<DemoItems> {
    let dir = deployments_dir.join(DIR);
    let items = dir.join("items");
    std::fs::create_dir_all(&items).map_err(|e| io(&items, e))?;
    for i in 0..COUNT {
        let p = items.join(format!("{i:03}.svg"));
        std::fs::write(&p, svg(i)).map_err(|e| io(&p, e))?;
    }
    let manifest = dir.join("manifest.jsonl");
    let m = Manifest::build(&[items], "demo/items/", Some(&manifest))?.with_proofs();
    m.write_atomic(&manifest)?;
    let (m, manifest_sha256) = Manifest::read(&manifest)?;
    Ok(DemoItems {
        data_root: m.data_root(),
        manifest,
        manifest_sha256,
    })
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::from(ManifestError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_items_are_the_same_bytes_on_every_run_and_each_shape_once_per_three() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (x, y) = (write(a.path()).unwrap(), write(b.path()).unwrap());
        assert_eq!(x.data_root, y.data_root);
        assert_eq!(x.manifest_sha256, y.manifest_sha256);
        assert!(
            svg(0).contains("<circle") && svg(1).contains("<rect x") && svg(2).contains("<polygon")
        );
        let (m, _) = Manifest::read(&x.manifest).unwrap();
        assert_eq!(m.count(), COUNT);
        assert_eq!(m.items()[0].uri, "demo/items/000.svg");
        assert_eq!(m.items()[0].media_type.as_deref(), Some("image/svg+xml"));
    }
}
