//! X25519 identities and recipients in age's Bech32 encodings (`AGE-SECRET-KEY-1…`,
//! `age1…`), and the age-keygen key file.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Bech32, Hrp};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::error::{io, Error, Result};

const RECIPIENT_HRP: &str = "age";
const SECRET_HRP: &str = "AGE-SECRET-KEY-";
const RECIPIENT_FORM: &str = "an age1… recipient (the `# public key:` line of an age-keygen file)";
const SECRET_FORM: &str =
    "an AGE-SECRET-KEY-1… identity (as `labelchain pipeline keygen` or age-keygen writes it)";

/// An X25519 secret key: a pipeline's identity, or a dataset version's data key.
/// Its `Debug` shows only the recipient, so a logged value never leaks the secret.
#[derive(Clone)]
pub struct Identity(StaticSecret);

/// An X25519 public key, what files are encrypted to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Recipient([u8; 32]);

impl Identity {
    /// A fresh identity from the OS's random source.
    pub fn generate() -> Identity {
        Identity(StaticSecret::from(crate::random::<32>()))
    }

    pub fn recipient(&self) -> Recipient {
        Recipient(PublicKey::from(&self.0).to_bytes())
    }

    pub(crate) fn secret(&self) -> &StaticSecret {
        &self.0
    }

    /// Reads an age-keygen identity file: `#` comment lines and blank lines are
    /// skipped, and exactly one `AGE-SECRET-KEY-1…` line must remain.
    pub fn from_file(path: &Path) -> Result<Identity> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io(path))?);
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let bad = |problem: &str| {
            Error::BadKey {
            what: path.display().to_string(),
            problem: problem.to_string(),
            expected: "one AGE-SECRET-KEY-1… line (# comments allowed), as age-keygen or `labelchain pipeline keygen` writes",
        }
        };
        let first = keys.next().ok_or_else(|| bad("no key line"))?;
        if keys.next().is_some() {
            return Err(bad("more than one key line"));
        }
        first.parse().map_err(|e| match e {
            Error::BadKey { problem, .. } => bad(&problem),
            other => other,
        })
    }

    /// The `AGE-SECRET-KEY-1…` text (uppercase Bech32, as age-keygen writes it).
    pub fn to_secret_string(&self) -> String {
        bech32::encode_upper::<Bech32>(Hrp::parse_unchecked(SECRET_HRP), self.0.as_bytes())
            .unwrap_or_default()
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("recipient", &self.recipient().to_string())
            .finish_non_exhaustive()
    }
}

impl FromStr for Identity {
    type Err = Error;

    /// Only the canonical, all-uppercase form is accepted, as in age.
    fn from_str(s: &str) -> Result<Identity> {
        let bytes = decode_key(s, SECRET_HRP, true, "identity", SECRET_FORM)?;
        Ok(Identity(StaticSecret::from(*bytes)))
    }
}

impl Recipient {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn public_key(&self) -> PublicKey {
        PublicKey::from(self.0)
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = bech32::encode_lower::<Bech32>(Hrp::parse_unchecked(RECIPIENT_HRP), &self.0)
            .map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl FromStr for Recipient {
    type Err = Error;

    /// Only the canonical, all-lowercase form is accepted, as in age.
    fn from_str(s: &str) -> Result<Recipient> {
        let bytes = decode_key(s, RECIPIENT_HRP, false, "recipient", RECIPIENT_FORM)?;
        Ok(Recipient(*bytes))
    }
}

/// Decodes 32 bytes of Bech32 (not Bech32m) under `hrp`, refusing the other case, a
/// wrong length and non-zero padding bits (checked by re-encoding: canonical only).
fn decode_key(
    s: &str,
    hrp: &str,
    upper: bool,
    what: &str,
    expected: &'static str,
) -> Result<Zeroizing<[u8; 32]>> {
    let bad = |problem: String| Error::BadKey {
        what: format!("{what} {}", if upper { "(secret, not shown)" } else { s }),
        problem,
        expected,
    };
    let case_ok = if upper {
        !s.bytes().any(|b| b.is_ascii_lowercase())
    } else {
        !s.bytes().any(|b| b.is_ascii_uppercase())
    };
    if !case_ok {
        return Err(bad("wrong letter case".into()));
    }
    let checked =
        CheckedHrpstring::new::<Bech32>(s).map_err(|e| bad(format!("not valid Bech32 ({e})")))?;
    if !checked.hrp().as_str().eq_ignore_ascii_case(hrp) {
        return Err(bad(format!("prefix {}1 is not {hrp}1", checked.hrp())));
    }
    let data: Zeroizing<Vec<u8>> = Zeroizing::new(checked.byte_iter().collect());
    let mut out = Zeroizing::new([0u8; 32]);
    if data.len() != 32 {
        return Err(bad(format!("{} bytes, not 32", data.len())));
    }
    out.copy_from_slice(&data);
    let again = Zeroizing::new(
        bech32::encode_lower::<Bech32>(checked.hrp(), &out[..]).map_err(|e| bad(e.to_string()))?,
    );
    if !again.eq_ignore_ascii_case(s) {
        return Err(bad("non-canonical encoding".into()));
    }
    Ok(out)
}

/// `labelchain pipeline keygen`: a new identity in an age-keygen-format file, created
/// with mode 0600 from the start (never briefly world-readable) and never over an
/// existing file, since losing a key loses every grant made to it.
pub fn keygen(path: &Path) -> Result<crate::Recipient> {
    let identity = Identity::generate();
    let recipient = identity.recipient();
    let text = Zeroizing::new(format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        rfc3339_now(),
        identity.to_secret_string()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::KeyFileExists {
                path: path.to_path_buf(),
            }
        } else {
            io(path)(e)
        }
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io(path))?;
    tracing::info!(path = %path.display(), %recipient, "wrote a new identity");
    Ok(recipient)
}

/// The current UTC time as RFC 3339 (`2026-12-03T06:14:46Z`), without a date crate.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
    }

    #[test]
    fn keys_round_trip_through_their_text_and_only_canonical_text_parses() {
        let id = Identity::generate();
        let secret = id.to_secret_string();
        assert!(secret.starts_with("AGE-SECRET-KEY-1"), "{secret}");
        let back: Identity = secret.parse().expect("own secret parses");
        assert_eq!(back.recipient(), id.recipient());
        let r = id.recipient().to_string();
        assert!(r.starts_with("age1") && r.len() == 62, "{r}");
        assert_eq!(r.parse::<Recipient>().expect("parses"), id.recipient());
        for bad in [
            r.to_uppercase(),
            secret.to_lowercase(),
            r.replacen("age1", "agf1", 1),
            format!("{}q", &r[..r.len() - 1]),
        ] {
            assert!(bad.parse::<Recipient>().is_err(), "{bad}");
            assert!(bad.parse::<Identity>().is_err(), "{bad}");
        }
        assert!(secret.parse::<Recipient>().is_err());
        assert!(r.parse::<Identity>().is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let id = Identity::generate();
        let shown = format!("{id:?}");
        let secret = id.to_secret_string();
        assert!(!shown.contains(&secret[16..]), "{shown}");
        assert!(shown.contains(&id.recipient().to_string()), "{shown}");
    }
}
