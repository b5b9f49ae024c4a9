//! Dataset encryption and access keys (DESIGN.md §5, Labelchain issue 14 item 1).
//!
//! Files are encrypted in the age v1 format (C2SP age.md) to X25519 recipients, built
//! here on RustCrypto primitives (the `age` crate brings 164 crates) and checked against
//! the Go reference `age` and rage (pyrage) in both directions.
//!
//! A dataset version has a *data key*, an [`Identity`]: its export is encrypted to the
//! data key's [`Recipient`] with [`encrypt_dir`], and a pipeline is granted access by
//! [`wrap`]ping the data key to the pipeline's own recipient (the `wrappedKey` that
//! `grantAccess(task, pipeline, wrappedKey)` stores on chain). Revocation is a new
//! version with a new data key, granted only to the pipelines that keep access: files
//! already fetched with an old key stay readable by whoever had it.

mod age;
mod dir;
mod error;
mod files;
mod grant;
mod header;
mod keys;
mod stream;

pub use age::{decrypt, encrypt};
pub use dir::{decrypt_dir, encrypt_dir, EncryptedDir, AGE_SUFFIX, CIPHERTEXT};
pub use error::{Error, Result};
pub use files::{decrypt_file, encrypt_file};
pub use grant::{unwrap, wrap, Grant};
pub use keys::{keygen, Identity, Recipient};

/// `N` bytes from the OS's random source. Without one nothing can be encrypted safely,
/// so its failure (a broken or missing /dev/urandom) is a panic, not a weak key.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    #[allow(clippy::expect_used)]
    getrandom::getrandom(&mut out).expect("the OS random source failed");
    out
}

/// HKDF-SHA-256 to `N` bytes (N ≤ 8160, so expand cannot fail for the sizes used here).
pub(crate) fn hkdf<const N: usize>(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let h = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm);
    if h.expand(info, &mut out).is_err() {
        unreachable!("HKDF-SHA-256 output of {N} bytes is within its limit");
    }
    out
}
