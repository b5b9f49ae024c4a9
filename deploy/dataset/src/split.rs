//! Which split an item goes to: a seeded hash of its index, so the same task, seed and
//! percentages give the same split on any machine, in any language, for any subset of
//! items (an item's split never depends on which other items were exported).
//!
//! ```text
//! h      = SHA-256( b"labelchain-split-v1" || seed as 8 bytes big-endian || item as 4 bytes big-endian )
//! bucket = (first 8 bytes of h as a big-endian u64) mod 10000
//! split  = train if bucket < train_bps, else validation if bucket < train_bps + validation_bps, else test
//! ```
//!
//! In Python:
//! `int.from_bytes(hashlib.sha256(b"labelchain-split-v1" + seed.to_bytes(8, "big") + item.to_bytes(4, "big")).digest()[:8], "big") % 10000`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SplitSpecError;
use crate::model::Split;

/// The domain tag that makes this hash differ from every other SHA-256 use.
pub const SPLIT_DOMAIN: &[u8] = b"labelchain-split-v1";

/// Basis points (1/100 of a percent) per split, summing to 10 000, and the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSplitSpec")]
pub struct SplitSpec {
    train_bps: u32,
    validation_bps: u32,
    test_bps: u32,
    seed: u64,
}

/// The unchecked form, so a `labelchain.json` with a bad sum is refused on reading.
#[derive(Deserialize)]
struct RawSplitSpec {
    train_bps: u32,
    validation_bps: u32,
    test_bps: u32,
    seed: u64,
}

impl TryFrom<RawSplitSpec> for SplitSpec {
    type Error = SplitSpecError;
    fn try_from(r: RawSplitSpec) -> Result<Self, SplitSpecError> {
        SplitSpec::new(r.train_bps, r.validation_bps, r.test_bps, r.seed)
    }
}

impl Default for SplitSpec {
    /// Everything in train.
    fn default() -> Self {
        SplitSpec {
            train_bps: 10_000,
            validation_bps: 0,
            test_bps: 0,
            seed: 0,
        }
    }
}

impl SplitSpec {
    pub fn new(
        train_bps: u32,
        validation_bps: u32,
        test_bps: u32,
        seed: u64,
    ) -> Result<SplitSpec, SplitSpecError> {
        let sum = u64::from(train_bps) + u64::from(validation_bps) + u64::from(test_bps);
        if sum != 10_000 {
            return Err(SplitSpecError::Sum {
                train_bps,
                validation_bps,
                test_bps,
            });
        }
        Ok(SplitSpec {
            train_bps,
            validation_bps,
            test_bps,
            seed,
        })
    }

    /// `"80,10,10"` (percentages of train, validation, test; up to two decimals, so
    /// `"33.34,33.33,33.33"` works) with the given seed.
    pub fn parse(s: &str, seed: u64) -> Result<SplitSpec, SplitSpecError> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let [t, v, e] = parts[..] else {
            return Err(SplitSpecError::Syntax(s.to_string()));
        };
        SplitSpec::new(percent_bps(t)?, percent_bps(v)?, percent_bps(e)?, seed)
    }

    pub fn train_bps(&self) -> u32 {
        self.train_bps
    }
    pub fn validation_bps(&self) -> u32 {
        self.validation_bps
    }
    pub fn test_bps(&self) -> u32 {
        self.test_bps
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The item's bucket in `0..10000` (see the module documentation).
    pub fn bucket(&self, item: u32) -> u32 {
        let mut h = Sha256::new();
        h.update(SPLIT_DOMAIN);
        h.update(self.seed.to_be_bytes());
        h.update(item.to_be_bytes());
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u32::try_from(u64::from_be_bytes(first) % 10_000).expect("below 10000")
    }

    pub fn assign(&self, item: u32) -> Split {
        let b = self.bucket(item);
        if b < self.train_bps {
            Split::Train
        } else if b < self.train_bps + self.validation_bps {
            Split::Validation
        } else {
            Split::Test
        }
    }

    /// `"80,10,10"`-style text, as [`SplitSpec::parse`] reads it.
    pub fn percentages(&self) -> String {
        let p = |bps: u32| {
            let (whole, frac) = (bps / 100, bps % 100);
            if frac == 0 {
                whole.to_string()
            } else {
                format!("{whole}.{frac:02}")
            }
        };
        format!(
            "{},{},{}",
            p(self.train_bps),
            p(self.validation_bps),
            p(self.test_bps)
        )
    }
}

fn percent_bps(s: &str) -> Result<u32, SplitSpecError> {
    let bad = || SplitSpecError::Part(s.to_string());
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 || whole.len() > 3 {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bps = whole * 100 + frac;
    if bps > 10_000 {
        return Err(bad());
    }
    Ok(bps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_puts_every_item_in_train() {
        let s = SplitSpec::default();
        assert!((0..1000).all(|i| s.assign(i) == Split::Train));
    }

    #[test]
    fn percentages_parse_to_basis_points_and_back() {
        let s = SplitSpec::parse("80, 10,10", 7).expect("valid");
        assert_eq!(
            (s.train_bps(), s.validation_bps(), s.test_bps()),
            (8000, 1000, 1000)
        );
        assert_eq!(s.percentages(), "80,10,10");
        let s = SplitSpec::parse("33.34,33.33,33.33", 0).expect("valid");
        assert_eq!(s.train_bps(), 3334);
        assert_eq!(SplitSpec::parse(&s.percentages(), 0), Ok(s));
    }

    #[test]
    fn a_split_that_does_not_sum_to_100_percent_is_refused() {
        assert!(matches!(
            SplitSpec::parse("80,10,5", 0),
            Err(SplitSpecError::Sum { .. })
        ));
        assert!(matches!(
            SplitSpec::parse("80,20", 0),
            Err(SplitSpecError::Syntax(_))
        ));
        for bad in [
            "80,x,10",
            "80,10.001,9.999",
            "-1,91,10",
            "101,0,0",
            "1e2,0,0",
        ] {
            assert!(SplitSpec::parse(bad, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_labelchain_json_with_a_bad_sum_is_refused() {
        let json = r#"{"train_bps":9000,"validation_bps":0,"test_bps":0,"seed":1}"#;
        assert!(serde_json::from_str::<SplitSpec>(json).is_err());
    }

    /// The documented formula, computed by Python's hashlib, gives the same buckets.
    #[test]
    fn the_split_hash_matches_pythons_hashlib() {
        let spec = SplitSpec::parse("80,10,10", 0x0123_4567_89ab_cdef).expect("valid");
        let items = [0u32, 1, 2, 41, 65_535, u32::MAX];
        let script = format!(
            "import hashlib\nfor i in {items:?}:\n    print(int.from_bytes(hashlib.sha256(b'labelchain-split-v1' + ({seed}).to_bytes(8, 'big') + i.to_bytes(4, 'big')).digest()[:8], 'big') % 10000)",
            seed = spec.seed()
        );
        let out = std::process::Command::new("python3")
            .args(["-c", &script])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let python: Vec<u32> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.parse().expect("a number"))
            .collect();
        let rust: Vec<u32> = items.iter().map(|&i| spec.bucket(i)).collect();
        assert_eq!(rust, python);
    }

    #[test]
    fn an_80_10_10_split_is_roughly_80_10_10() {
        let spec = SplitSpec::parse("80,10,10", 42).expect("valid");
        let mut n = [0u32; 3];
        for i in 0..10_000 {
            n[spec.assign(i) as usize] += 1;
        }
        assert!(
            (7700..8300).contains(&n[0]) && (800..1200).contains(&n[1]),
            "{n:?}"
        );
    }
}
