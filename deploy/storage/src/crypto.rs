//! The SHA-256 and HMAC-SHA256 that S3's SigV4 signing needs, from the RustCrypto crates.
//!
//! object_store's `aws-base`/`gcp-base` come without cryptography; its bundled providers
//! are aws-lc-rs (a C build) or ring. sha2 is already in the tree (the MANIFEST) and hmac is
//! its companion, so this keeps the crate off both. RSA signing (RS256, the JWT a GCS
//! service account authenticates with) goes through OpenSSL, which native-tls already links:
//! no second RSA implementation, and OpenSSL's private-key operations are constant-time
//! (the pure-Rust `rsa` crate carries RUSTSEC-2023-0071).

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
        algorithm: SigningAlgorithm,
        pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        match algorithm {
            SigningAlgorithm::RS256 => {
                let key = openssl::pkey::PKey::private_key_from_pem(pem).map_err(|e| {
                    object_store::Error::Generic {
                        store: "GCS",
                        source: format!(
                            "the service account's private_key is not a PEM RSA key: {e}"
                        )
                        .into(),
                    }
                })?;
                Ok(Box::new(Rs256(key)))
            }
            _ => Err(unsupported("such signing algorithm")),
        }
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256 under a service account's key.
struct Rs256(openssl::pkey::PKey<openssl::pkey::Private>);

impl Signer for Rs256 {
    fn sign(&self, data: &[u8]) -> object_store::Result<Vec<u8>> {
        let err = |e: openssl::error::ErrorStack| object_store::Error::Generic {
            store: "GCS",
            source: format!("RS256 signing failed: {e}").into(),
        };
        let mut signer =
            openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &self.0)
                .map_err(err)?;
        signer.sign_oneshot_to_vec(data).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checked against OpenSSL's own verifier with the public half: a signature any
    /// RS256 verifier (GCS's, Python's `cryptography` in the tests) accepts.
    #[test]
    fn rs256_signs_what_the_public_key_verifies() {
        let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
        let key = openssl::pkey::PKey::from_rsa(rsa).unwrap();
        let pem = key.private_key_to_pem_pkcs8().unwrap();
        let signer = RustCrypto.sign(SigningAlgorithm::RS256, &pem).unwrap();
        let sig = signer.sign(b"header.claims").unwrap();
        assert_eq!(sig.len(), 256);
        let mut v =
            openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
        v.update(b"header.claims").unwrap();
        assert!(v.verify(&sig).unwrap());
        assert!(RustCrypto
            .sign(SigningAlgorithm::RS256, b"not a key")
            .is_err());
    }
}
