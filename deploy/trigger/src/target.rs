//! Where a trigger goes, parsed from one command-line string.

use reqwest::Url;

use crate::error::{Error, Result};

/// The experiment an MLflow target uses when the spec names none.
pub const DEFAULT_EXPERIMENT: &str = "labelchain";

/// A trigger destination.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// POST the event as JSON, signed with HMAC-SHA256 over `secret`.
    Webhook { url: String, secret: Vec<u8> },
    /// A run in `experiment` on the tracking server at `tracking_uri` (REST API 2.0).
    Mlflow {
        tracking_uri: String,
        experiment: String,
    },
}

/// Never prints the secret (the CLI may log a target with `{:?}`).
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Target {
    /// `http(s)://…` is a webhook and needs `secret`; `mlflow+http(s)://host:port[#experiment]`
    /// is an MLflow tracking server (experiment `labelchain` by default). One string keeps
    /// the CLI's flag and config simple; the secret stays out of it (and out of shell history).
    pub fn parse(spec: &str, secret: Option<Vec<u8>>) -> Result<Target> {
        let bad = |problem: &str| Error::BadTarget {
            spec: redact_spec(spec),
            problem: problem.to_string(),
        };
        if let Some(rest) = spec.strip_prefix("mlflow+") {
            let (base, experiment) = match rest.split_once('#') {
                Some((b, e)) if !e.is_empty() => (b, e.to_string()),
                Some((b, _)) => (b, DEFAULT_EXPERIMENT.to_string()),
                None => (rest, DEFAULT_EXPERIMENT.to_string()),
            };
            let url = http_url(base).ok_or_else(|| bad("not an http(s) URL after mlflow+"))?;
            let tracking_uri = url.as_str().trim_end_matches('/').to_string();
            return Ok(Target::Mlflow {
                tracking_uri,
                experiment,
            });
        }
        if spec.starts_with("http://") || spec.starts_with("https://") {
            let url = http_url(spec).ok_or_else(|| bad("not a valid URL with a host"))?;
            let secret = secret
                .filter(|s| !s.is_empty())
                .ok_or(Error::MissingSecret)?;
            return Ok(Target::Webhook {
                url: url.to_string(),
                secret,
            });
        }
        Err(Error::UnknownTarget {
            spec: redact_spec(spec),
        })
    }

    /// The target as logged: no secret, no URL userinfo and no query string (where tokens
    /// tend to live), so the JSONL log can be shared.
    pub fn redacted(&self) -> String {
        match self {
            Target::Webhook { url, .. } => redact_url(url),
            Target::Mlflow {
                tracking_uri,
                experiment,
            } => format!(
                "mlflow+{}#{experiment}",
                redact_url(tracking_uri).trim_end_matches('/')
            ),
        }
    }
}

fn http_url(s: &str) -> Option<Url> {
    let url = Url::parse(s).ok()?;
    let http = matches!(url.scheme(), "http" | "https");
    (http && url.host_str().is_some_and(|h| !h.is_empty())).then_some(url)
}

pub(crate) fn redact_url(s: &str) -> String {
    match Url::parse(s) {
        Ok(mut url) => {
            // Both setters fail only for URLs without a host, which `http_url` refused.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            url.to_string()
        }
        Err(_) => "<unparseable URL>".to_string(),
    }
}

/// An unparseable spec is echoed in errors only up to any `@` (possible userinfo).
fn redact_spec(spec: &str) -> String {
    match spec.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => spec.to_string(),
    }
}
