//! `Store::from_url`: which backend a storage URL names, configured from the environment.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, RetryConfig};

use crate::cid::Cid;
use crate::crypto::RustCrypto;
use crate::error::{local, Error, Result};
use crate::ipfs::{Ipfs, DEFAULT_IPFS_API, IPFS_API_VAR};

/// The kind of store a URL named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Local,
    S3,
    Gcs,
    Ipfs,
}

/// Where a URL points: an object store with the prefix it put every object under, or an IPFS
/// node (content-addressed: no prefixes; the URL may name an uploaded export's index CID).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) kind: Kind,
    pub(crate) url: String,
    pub(crate) prefix: ObjectPath,
    backend: Backend,
}

/// The two kinds of storage behind a [`Store`]; each upload and download matches on it once.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Objects(Arc<dyn ObjectStore>),
    Ipfs { node: Ipfs, root: Option<Cid> },
}

/// An object store at one prefix: what the object-store upload and download work on.
#[derive(Debug, Clone)]
pub(crate) struct Objects {
    pub(crate) inner: Arc<dyn ObjectStore>,
    pub(crate) url: String,
    pub(crate) prefix: ObjectPath,
}

impl Objects {
    /// The object path of `relative` (a `/`-separated path) under the prefix.
    pub(crate) fn object_path(&self, relative: &str) -> ObjectPath {
        join(&self.prefix, relative)
    }
}

fn join(prefix: &ObjectPath, relative: &str) -> ObjectPath {
    relative
        .split('/')
        .filter(|part| !part.is_empty())
        .fold(prefix.clone(), |p, part| p.join(part))
}

/// The emulator variable Google's own client libraries read (fake-gcs-server's docs use it):
/// when set, GCS requests go there and anonymous credentials are allowed.
pub const GCS_EMULATOR_VAR: &str = "STORAGE_EMULATOR_HOST";

impl Store {
    /// The store a URL names, configured from the process environment: `file:///dir` or a
    /// plain path; `s3://bucket/prefix` (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
    /// AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION, AWS_ENDPOINT_URL);
    /// `gs://bucket/prefix` (GOOGLE_APPLICATION_CREDENTIALS, or STORAGE_EMULATOR_HOST);
    /// `ipfs://` or `ipfs://CID` (kubo's RPC API at IPFS_API_URL, default http://127.0.0.1:5001).
    pub fn from_url(url: &str) -> Result<Store> {
        Self::from_url_with_env(url, |k| std::env::var(k).ok())
    }

    /// As [`Store::from_url`], reading variables through `env` (tests pass their own, as
    /// changing the process environment races with other threads).
    pub fn from_url_with_env(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Store> {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let Some((scheme, rest)) = url.split_once("://") else {
            return Self::local(url, url);
        };
        match scheme {
            "file" => Self::local(url, rest),
            "s3" => {
                let (bucket, prefix) = bucket_and_prefix(url, rest)?;
                let inner = s3(bucket, &env)?;
                Ok(Self::new(inner, url, prefix, Backend::S3))
            }
            "gs" => {
                let (bucket, prefix) = bucket_and_prefix(url, rest)?;
                let inner = gcs(bucket, &env)?;
                Ok(Self::new(inner, url, prefix, Backend::Gcs))
            }
            "ipfs" => {
                let root = rest.trim_matches('/');
                let root = (!root.is_empty()).then(|| parse_cid(root)).transpose()?;
                let api = env(IPFS_API_VAR).unwrap_or_else(|| DEFAULT_IPFS_API.to_owned());
                let node = Ipfs::new(&api)?;
                Ok(Store {
                    kind: Kind::Ipfs { node, root },
                    url: url.to_owned(),
                    prefix: ObjectPath::default(),
                    backend: Backend::Ipfs,
                })
            }
            other => Err(Error::UnknownScheme {
                url: url.to_owned(),
                scheme: other.to_owned(),
            }),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The underlying object store, for callers (and tests) that need a request of their own;
    /// None for IPFS.
    pub fn object_store(&self) -> Option<&Arc<dyn ObjectStore>> {
        match &self.kind {
            Kind::Objects(inner) => Some(inner),
            Kind::Ipfs { .. } => None,
        }
    }

    /// The object path of `relative` (a `/`-separated path) under the URL's prefix.
    pub fn object_path(&self, relative: &str) -> ObjectPath {
        join(&self.prefix, relative)
    }

    /// This store with `prefix` appended to the URL's prefix.
    pub fn scoped(&self, prefix: &str) -> Store {
        let mut s = self.clone();
        s.prefix = self.object_path(prefix);
        s
    }

    /// The URI naming what lies under `prefix`: the URL with the prefix joined on.
    pub(crate) fn uri_of(&self, prefix: &str) -> String {
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return self.url.clone();
        }
        format!("{}/{prefix}", self.url.trim_end_matches('/'))
    }

    fn new(inner: Arc<dyn ObjectStore>, url: &str, prefix: &str, backend: Backend) -> Store {
        Store {
            kind: Kind::Objects(inner),
            url: url.to_owned(),
            prefix: ObjectPath::from(prefix),
            backend,
        }
    }

    /// A local directory, created if absent (as a bucket would be there already).
    fn local(url: &str, dir: &str) -> Result<Store> {
        if dir.is_empty() {
            return Err(Error::BadUrl {
                url: url.to_owned(),
                problem: "no directory",
            });
        }
        std::fs::create_dir_all(dir).map_err(local(dir))?;
        let fs = LocalFileSystem::new_with_prefix(dir)
            .map_err(|source| crate::error::remote(url, dir, source))?;
        Ok(Self::new(Arc::new(fs), url, "", Backend::Local))
    }
}

pub(crate) fn parse_cid(text: &str) -> Result<Cid> {
    Cid::parse(text).map_err(|problem| Error::Cid {
        cid: text.to_owned(),
        problem,
    })
}

fn bucket_and_prefix<'a>(url: &str, rest: &'a str) -> Result<(&'a str, &'a str)> {
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(Error::BadUrl {
            url: url.to_owned(),
            problem: "no bucket",
        });
    }
    Ok((bucket, prefix.trim_matches('/')))
}

/// Few, quick retries: an unreachable server should fail in seconds, not in minutes.
fn retry() -> RetryConfig {
    RetryConfig {
        max_retries: 3,
        retry_timeout: Duration::from_secs(20),
        ..RetryConfig::default()
    }
}

fn client_options(endpoint: Option<&str>) -> ClientOptions {
    let plain_http = endpoint.is_some_and(|e| e.starts_with("http://"));
    ClientOptions::new()
        .with_allow_http(plain_http)
        .with_connect_timeout(Duration::from_secs(5))
}

fn s3(bucket: &str, env: &impl Fn(&str) -> Option<String>) -> Result<Arc<dyn ObjectStore>> {
    // Checked here: without keys object_store would try the instance-metadata endpoint,
    // which off AWS is a long wait and a confusing error.
    let key = env("AWS_ACCESS_KEY_ID");
    let secret = env("AWS_SECRET_ACCESS_KEY");
    let (Some(key), Some(secret)) = (key, secret) else {
        return Err(Error::MissingCredentials {
            backend: "S3",
            missing: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        });
    };
    let region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let endpoint = env("AWS_ENDPOINT_URL");
    let mut b = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(region)
        .with_access_key_id(key)
        .with_secret_access_key(secret)
        .with_retry(retry())
        .with_crypto_provider(Arc::new(RustCrypto))
        .with_client_options(client_options(endpoint.as_deref()));
    if let Some(token) = env("AWS_SESSION_TOKEN") {
        b = b.with_token(token);
    }
    if let Some(endpoint) = endpoint {
        b = b.with_endpoint(endpoint);
    }
    let store = b
        .build()
        .map_err(|source| crate::error::remote(bucket, bucket, source))?;
    Ok(Arc::new(store))
}

fn gcs(bucket: &str, env: &impl Fn(&str) -> Option<String>) -> Result<Arc<dyn ObjectStore>> {
    let emulator = env(GCS_EMULATOR_VAR);
    let creds = env("GOOGLE_APPLICATION_CREDENTIALS");
    let mut b = GoogleCloudStorageBuilder::new()
        .with_bucket_name(bucket)
        .with_retry(retry())
        .with_crypto_provider(Arc::new(RustCrypto))
        .with_client_options(client_options(emulator.as_deref()));
    match (emulator, creds) {
        // An emulator with real credentials: a service account's token checked by whatever
        // stands at the emulator's address (the tests' shim verifies its RS256 JWT).
        (Some(endpoint), Some(path)) => {
            b = b
                .with_base_url(endpoint.trim_end_matches('/'))
                .with_application_credentials(path)
        }
        (Some(endpoint), None) => {
            // An emulator takes any token. Not `with_skip_signature`: object_store 0.14.2's
            // GCS builder stores that flag but never reads it, and then asks the
            // instance-metadata server for a token.
            b = b
                .with_base_url(endpoint.trim_end_matches('/'))
                .with_bearer_token("emulator");
        }
        (None, Some(path)) => b = b.with_application_credentials(path),
        (None, None) => {
            return Err(Error::MissingCredentials {
                backend: "GCS",
                missing:
                    "GOOGLE_APPLICATION_CREDENTIALS (or STORAGE_EMULATOR_HOST for an emulator)",
            })
        }
    }
    let store = b
        .build()
        .map_err(|source| crate::error::remote(bucket, bucket, source))?;
    Ok(Arc::new(store))
}
