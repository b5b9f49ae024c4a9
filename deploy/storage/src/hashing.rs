//! Streaming SHA-256 helpers shared by upload and download.

use sha2::{Digest, Sha256};

/// Lower-case hex, the MANIFEST's spelling of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running SHA-256 over the bytes streamed through it.
#[derive(Default)]
pub(crate) struct Hasher(Sha256);

impl Hasher {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}
