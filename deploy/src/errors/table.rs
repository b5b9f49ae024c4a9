//! The sentences as data, for the web app: `labelchain errors` prints, for every error
//! [`super::decode`] knows, its signature and its sentence as a template (text and
//! argument slots), so the browser says exactly what the CLI says without a second copy
//! of the sentences. The templates are derived from the sentence functions themselves, by
//! raising each error with distinctive argument values and finding where each value shows
//! up; a `uint8` argument, which the sentences may turn into a name (a tier, a status, a
//! parameter), is raised with all 256 values and becomes a slot with its names. A test
//! renders every template with random arguments and compares it with [`super::decode`],
//! and another keeps the copy the web app imports (`web/src/generated/errors.json`)
//! equal to this output.

use std::collections::BTreeMap;

use alloy::dyn_abi::{DynSolType, DynSolValue, Specifier};
use alloy::json_abi::Error as AbiError;
use alloy::primitives::{Address, B256, U256};
use serde::Serialize;

use super::{decode, signatures, Revert};

/// The table's format version (the web app checks it).
pub const SCHEMA: u32 = 1;

/// A piece of a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Part {
    Text(String),
    /// Argument `arg` as [`Revert::args`] shows it, or, when `names` is set (a coded
    /// `uint8`), `names[shown]`, else `other`.
    Arg {
        arg: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        names: Option<BTreeMap<String, String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        other: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub signature: String,
    pub sentence: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub schema: u32,
    /// By selector (`0x` and 8 hex digits).
    pub errors: BTreeMap<String, Entry>,
    /// The sentence for a revert without data.
    pub empty: String,
    /// The sentence for data no known error matches; argument 0 is its selector.
    pub unknown: Vec<Part>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("{signature}: argument {arg} has type {ty}, which the table cannot template")]
    Unsupported {
        signature: String,
        arg: usize,
        ty: String,
    },
    #[error("{signature}: the places of its arguments in the sentence overlap")]
    Overlap { signature: String },
    #[error("{0}: not a valid error signature")]
    Signature(String),
}

/// Renders a template with a revert's shown arguments (what the web app does).
pub fn render(parts: &[Part], args: &[String]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.clone(),
            Part::Arg { arg, names, other } => {
                let shown = args.get(*arg).cloned().unwrap_or_default();
                match names {
                    Some(names) => names
                        .get(&shown)
                        .or(other.as_ref())
                        .cloned()
                        .unwrap_or(shown),
                    None => shown,
                }
            }
        })
        .collect()
}

/// The whole table.
pub fn table() -> Result<Table, TableError> {
    let mut errors = BTreeMap::new();
    for signature in signatures() {
        let abi =
            AbiError::parse(signature).map_err(|_| TableError::Signature(signature.into()))?;
        let selector = format!("0x{}", alloy::hex::encode(abi.selector()));
        let sentence = template(&abi, signature)?;
        errors.insert(
            selector,
            Entry {
                signature: signature.to_owned(),
                sentence,
            },
        );
    }
    let probe = [0xde, 0xad, 0xbe, 0xef];
    let unknown = decode(&probe);
    Ok(Table {
        schema: SCHEMA,
        errors,
        empty: decode(&[]).message,
        unknown: split(&unknown.message, vec![(unknown.name.clone(), 0)]),
    })
}

/// How one argument is raised while its place in the sentence is looked for.
enum Probe {
    /// A value whose shown form is searched for in the sentence.
    Marker(DynSolValue),
    /// A `uint8`: raised with every value, its slot found by what changes.
    Coded,
}

fn probe(ty: &DynSolType, i: usize, signature: &str) -> Result<Probe, TableError> {
    let n = i as u64;
    Ok(Probe::Marker(match ty {
        DynSolType::Uint(8) => return Ok(Probe::Coded),
        DynSolType::Uint(16) => DynSolValue::Uint(U256::from(54_321 + 1_000 * n), 16),
        DynSolType::Uint(bits) if *bits >= 32 => {
            DynSolValue::Uint(U256::from(3_141_592_000 + n), *bits)
        }
        DynSolType::Address => DynSolValue::Address(Address::repeat_byte(0xa1 + i as u8)),
        DynSolType::FixedBytes(32) => {
            DynSolValue::FixedBytes(B256::repeat_byte(0xb1 + i as u8), 32)
        }
        DynSolType::String => DynSolValue::String(format!("<text {i}>")),
        DynSolType::Bytes => DynSolValue::Bytes(vec![0xc1 + i as u8; 3]),
        other => {
            return Err(TableError::Unsupported {
                signature: signature.into(),
                arg: i,
                ty: other.sol_type_name().into_owned(),
            })
        }
    }))
}

/// The data of `abi` raised with `values`.
fn raise(abi: &AbiError, values: &[DynSolValue]) -> Vec<u8> {
    let mut data = abi.selector().to_vec();
    data.extend(DynSolValue::Tuple(values.to_vec()).abi_encode_params());
    data
}

fn template(abi: &AbiError, signature: &str) -> Result<Vec<Part>, TableError> {
    let types: Vec<DynSolType> = abi
        .inputs
        .iter()
        .map(|p| {
            p.resolve()
                .map_err(|_| TableError::Signature(signature.into()))
        })
        .collect::<Result<_, _>>()?;
    let probes: Vec<Probe> = types
        .iter()
        .enumerate()
        .map(|(i, t)| probe(t, i, signature))
        .collect::<Result<_, _>>()?;
    let base: Vec<DynSolValue> = probes
        .iter()
        .map(|p| match p {
            Probe::Marker(v) => v.clone(),
            Probe::Coded => DynSolValue::Uint(U256::ZERO, 8),
        })
        .collect();
    let raised = decode(&raise(abi, &base));
    let sentence = raised.message.clone();
    let mut spans: Vec<(usize, usize, Part)> = Vec::new();
    for (i, p) in probes.iter().enumerate() {
        match p {
            Probe::Marker(_) => {
                let shown = shown_arg(&raised, i);
                for (at, _) in sentence.match_indices(&shown) {
                    spans.push((at, at + shown.len(), plain(i)));
                }
            }
            Probe::Coded => spans.extend(coded_span(abi, &base, i, &sentence)),
        }
    }
    spans.sort_by_key(|s| s.0);
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err(TableError::Overlap {
            signature: signature.into(),
        });
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for (start, end, part) in spans {
        if start > at {
            parts.push(Part::Text(sentence[at..start].to_owned()));
        }
        parts.push(part);
        at = end;
    }
    if at < sentence.len() {
        parts.push(Part::Text(sentence[at..].to_owned()));
    }
    Ok(parts)
}

fn plain(arg: usize) -> Part {
    Part::Arg {
        arg,
        names: None,
        other: None,
    }
}

fn shown_arg(r: &Revert, i: usize) -> String {
    r.args.get(i).cloned().unwrap_or_default()
}

/// The slot of `uint8` argument `i`: the part of the sentence that changes with it (the
/// other arguments as in `base`), and what it reads for each value; `None` when the
/// sentence does not mention it.
fn coded_span(
    abi: &AbiError,
    base: &[DynSolValue],
    i: usize,
    sentence: &str,
) -> Option<(usize, usize, Part)> {
    let variants: Vec<String> = (0..=255u8)
        .map(|v| {
            let mut values = base.to_vec();
            values[i] = DynSolValue::Uint(U256::from(v), 8);
            decode(&raise(abi, &values)).message
        })
        .collect();
    let prefix = common(variants.iter().map(|s| s.chars()));
    let suffix = common(variants.iter().map(|s| s.chars().rev()));
    let shortest = variants
        .iter()
        .map(|s| s.chars().count())
        .min()
        .unwrap_or(0);
    let suffix = suffix.min(shortest - prefix);
    let fragment = |s: &str| -> String {
        let n = s.chars().count();
        s.chars().skip(prefix).take(n - prefix - suffix).collect()
    };
    let fragments: Vec<String> = variants.iter().map(|s| fragment(s)).collect();
    if fragments.iter().all(String::is_empty) {
        return None;
    }
    let start = sentence
        .char_indices()
        .nth(prefix)
        .map_or(sentence.len(), |(b, _)| b);
    let end = start + fragments[0].len();
    let part = if fragments
        .iter()
        .enumerate()
        .all(|(v, f)| *f == v.to_string())
    {
        plain(i)
    } else {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &fragments {
            *counts.entry(f.as_str()).or_default() += 1;
        }
        let other = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(f, _)| (*f).to_owned())
            .unwrap_or_default();
        let names = fragments
            .iter()
            .enumerate()
            .filter(|(_, f)| **f != other)
            .map(|(v, f)| (v.to_string(), f.clone()))
            .collect();
        Part::Arg {
            arg: i,
            names: Some(names),
            other: Some(other),
        }
    };
    Some((start, end, part))
}

/// How many leading items all the iterators share.
fn common<I: Iterator<Item = char>>(iters: impl Iterator<Item = I>) -> usize {
    let mut iters: Vec<I> = iters.collect();
    let mut n = 0;
    loop {
        let mut first = None;
        for it in iters.iter_mut() {
            match (it.next(), first) {
                (None, _) => return n,
                (Some(c), None) => first = Some(c),
                (Some(c), Some(f)) if c != f => return n,
                _ => {}
            }
        }
        n += 1;
    }
}

/// `text` with each `(marker, arg)` replaced by that argument's slot.
fn split(text: &str, markers: Vec<(String, usize)>) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = text;
    for (marker, arg) in markers {
        if let Some(at) = rest.find(&marker) {
            if at > 0 {
                parts.push(Part::Text(rest[..at].to_owned()));
            }
            parts.push(plain(arg));
            rest = &rest[at + marker.len()..];
        }
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_owned()));
    }
    parts
}

#[cfg(test)]
mod tests {
    use alloy::primitives::FixedBytes;

    use super::*;

    /// A random value of `ty`, from fresh random bytes.
    fn random(ty: &DynSolType) -> DynSolValue {
        let r = U256::from_be_bytes(B256::random().0);
        match ty {
            DynSolType::Uint(bits) => {
                let mask = if *bits == 256 {
                    U256::MAX
                } else {
                    (U256::from(1) << *bits) - U256::from(1)
                };
                DynSolValue::Uint(r & mask, *bits)
            }
            DynSolType::Address => DynSolValue::Address(Address::from_word(B256::random())),
            DynSolType::FixedBytes(32) => DynSolValue::FixedBytes(B256::random(), 32),
            DynSolType::String => DynSolValue::String(format!("reason {r}")),
            DynSolType::Bytes => DynSolValue::Bytes(FixedBytes::<32>::random().to_vec()),
            other => panic!("no random {other:?}"),
        }
    }

    #[test]
    fn every_template_renders_the_clis_sentence_for_random_arguments() {
        let t = table().expect("every error can be templated");
        assert_eq!(t.errors.len(), signatures().len(), "one entry per error");
        for (selector, entry) in &t.errors {
            let abi = AbiError::parse(&entry.signature).unwrap();
            let types: Vec<DynSolType> = abi.inputs.iter().map(|p| p.resolve().unwrap()).collect();
            for round in 0..64 {
                let values: Vec<DynSolValue> = types
                    .iter()
                    .map(|ty| match ty.clone() {
                        // Every code in turn, and beyond the named ones.
                        DynSolType::Uint(8) => DynSolValue::Uint(U256::from(round * 4 % 256), 8),
                        ty => random(&ty),
                    })
                    .collect();
                let r = decode(&raise(&abi, &values));
                assert_eq!(
                    render(&entry.sentence, &r.args),
                    r.message,
                    "{selector} {} with {:?}",
                    entry.signature,
                    r.args
                );
            }
        }
    }

    #[test]
    fn a_coded_argument_reads_as_its_name() {
        let t = table().unwrap();
        let entry = t
            .errors
            .values()
            .find(|e| e.signature == "TierTooLow(uint8,uint8)")
            .expect("the verifier's TierTooLow");
        let args = ["2".to_string(), "1".to_string()];
        assert_eq!(
            render(&entry.sentence, &args),
            "your reputation tier Gold is below the task's minimum Silver"
        );
    }

    #[test]
    fn unknown_data_and_no_data_read_as_the_cli_says() {
        let t = table().unwrap();
        let r = decode(&[1, 2, 3, 4, 5]);
        assert_eq!(render(&t.unknown, std::slice::from_ref(&r.name)), r.message);
        assert_eq!(t.empty, decode(&[]).message);
    }
}
