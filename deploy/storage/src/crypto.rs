//! The SHA-256 and HMAC-SHA256 that S3's SigV4 signing needs, from the RustCrypto crates.
//!
//! object_store's `aws-base`/`gcp-base` come without cryptography; its bundled providers
//! are aws-lc-rs (a C build) or ring. sha2 is already in the tree (the MANIFEST) and hmac is
//! its companion, so this keeps the crate off both. RSA signing (GCS service-account keys)
//! is not provided: GCS works with the emulator or application-default user credentials.

use hmac::{Hmac, Mac};
use object_store::client::{
    CryptoProvider, DigestAlgorithm, DigestContext, HmacContext, Signer, SigningAlgorithm,
};
use sha2::{Digest, Sha256};

#[derive(Debug, Default)]
pub(crate) struct RustCrypto;

struct Sha(Option<Sha256>, Vec<u8>);

impl DigestContext for Sha {
    fn update(&mut self, data: &[u8]) {
        if let Some(h) = &mut self.0 {
            h.update(data);
        }
    }
    fn finish(&mut self) -> object_store::Result<&[u8]> {
        if let Some(h) = self.0.take() {
            self.1 = h.finalize().to_vec();
        }
        Ok(&self.1)
    }
}

struct HmacSha(Option<Hmac<Sha256>>, Vec<u8>);

impl HmacContext for HmacSha {
    fn update(&mut self, data: &[u8]) {
        if let Some(m) = &mut self.0 {
            m.update(data);
        }
    }
    fn finish(&mut self) -> object_store::Result<&[u8]> {
        if let Some(m) = self.0.take() {
            self.1 = m.finalize().into_bytes().to_vec();
        }
        Ok(&self.1)
    }
}

fn unsupported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("labelchain-storage provides no {what}").into(),
    }
}

impl CryptoProvider for RustCrypto {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha(Some(Sha256::new()), Vec::new()))),
            _ => Err(unsupported("such digest")),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => {
                let mac = Hmac::<Sha256>::new_from_slice(secret)
                    .map_err(|_| unsupported("HMAC key of that length"))?;
                Ok(Box::new(HmacSha(Some(mac), Vec::new())))
            }
            _ => Err(unsupported("such HMAC")),
        }
    }

    fn sign(
        &self,
        _algorithm: SigningAlgorithm,
        _pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        Err(unsupported("RSA signing (GCS service-account keys)"))
    }
}
