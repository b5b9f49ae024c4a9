//! Converting the Solidity interface printed by the Stylus SDK
//! (`print_from_args`) into a JSON ABI.
//!
//! The SDK prints one `interface I<Name> { ... }` per `#[public]` impl
//! (inherited ones first) with lines such as
//! `function foo(address[] memory a) external view returns (uint256);` and
//! `error Bar(uint256, address);`. Each declaration is turned into a
//! human-readable signature (`function foo(address[] a) view returns (uint256)`)
//! and the list is parsed with [`JsonAbi::parse`].
//!
//! SDK 0.9 prints no events, so [`sol_events`] reads the `event` declarations
//! of the contracts' `sol!` blocks and [`insert_events`] adds them to the
//! interface first.

use std::collections::{BTreeMap, BTreeSet};

use alloy_json_abi::{JsonAbi, Param};
use anyhow::{bail, Context, Result};

/// Words dropped from declarations: visibility, inheritance markers and
/// data locations mean nothing in a JSON ABI.
const DROPPED_WORDS: [&str; 7] = [
    "external", "public", "virtual", "override", "calldata", "memory", "storage",
];

/// Builds the JSON ABI of a Solidity interface text (plus an optional
/// constructor signature such as `constructor(address owner) payable`).
pub fn json_abi(interface: &str, constructor: Option<&str>) -> Result<JsonAbi> {
    let mut signatures = human_readable_signatures(interface)?;
    if let Some(constructor) = constructor.map(str::trim).filter(|c| !c.is_empty()) {
        let constructor = normalize(constructor.trim_end_matches(';'), &BTreeMap::new())?;
        if !constructor.starts_with("constructor") {
            bail!("unexpected constructor signature `{constructor}`");
        }
        signatures.push(constructor);
    }
    let abi = JsonAbi::parse(signatures.iter().map(String::as_str))
        .map_err(|err| anyhow::anyhow!("{err}"))
        .context("parsing the human-readable ABI")?;
    check_types(&abi)?;
    Ok(abi)
}

/// Pretty, deterministic JSON for `abi`, with a trailing newline.
pub fn to_json(abi: &JsonAbi) -> Result<String> {
    Ok(serde_json::to_string_pretty(abi)? + "\n")
}

/// The `function`/`event`/`error` declarations of a Solidity interface text as
/// human-readable ABI signatures, in order, without duplicates.
pub fn human_readable_signatures(interface: &str) -> Result<Vec<String>> {
    let text = strip_comments(interface);
    let mut structs: BTreeMap<String, String> = BTreeMap::new();
    let mut signatures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut statement = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                let header = collapse(&statement);
                statement.clear();
                if let Some(name) = header.strip_prefix("struct ") {
                    let mut body = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        body.push(c);
                    }
                    let fields = body
                        .split(';')
                        .map(collapse)
                        .filter(|f| !f.is_empty())
                        .map(|f| normalize(&f, &structs).map(|f| field_type(&f)))
                        .collect::<Result<Vec<_>>>()?;
                    structs.insert(name.trim().to_string(), format!("({})", fields.join(", ")));
                } else if !(header.starts_with("interface ")
                    || header.starts_with("contract ")
                    || header.starts_with("abstract contract ")
                    || header.starts_with("library "))
                {
                    bail!("unexpected block `{header} {{`");
                }
            }
            '}' => {
                let rest = collapse(&statement);
                if !rest.is_empty() {
                    bail!("unterminated declaration `{rest}`");
                }
                statement.clear();
            }
            ';' => {
                let decl = collapse(&statement);
                statement.clear();
                let keyword = decl.split([' ', '(']).next().unwrap_or_default();
                match keyword {
                    "function" | "event" | "error" => {
                        let signature = normalize(&decl, &structs)?;
                        if seen.insert(signature.clone()) {
                            signatures.push(signature);
                        }
                    }
                    "pragma" | "import" | "using" => {}
                    _ => bail!("unsupported declaration `{decl};`"),
                }
            }
            c => statement.push(c),
        }
    }
    let rest = collapse(&statement);
    if !rest.is_empty() {
        bail!("trailing text `{rest}`");
    }
    Ok(signatures)
}

/// The `event` declarations in the `sol! { ... }` blocks of a Rust source file
/// (any path ending in `sol!`, e.g. `alloy_sol_types::sol!`), each on one line
/// without its `;`, e.g. `event Transfer(address indexed from, uint256 value)`.
///
/// Stylus SDK 0.9's ABI exporter prints functions and errors but no events, so
/// the packager reads them from the contracts' sources (see `EVENT_SOURCES` in
/// `main.rs`). Comments (including `///` docs) and `#[...]` attributes are
/// skipped; declarations may span lines. The scan is textual: it does not know
/// about `cfg`s or string literals, which is enough for `sol!` event blocks.
pub fn sol_events(source: &str) -> Result<Vec<String>> {
    sol_declarations(source, &["event "])
}

/// The `function` declarations in the `sol! { ... }` blocks of a program's own source:
/// entry points the program answers from its `#[fallback]` because the SDK cannot encode
/// their return values the standard way (see `RewardToken::fallback`), so the SDK's
/// exporter does not print them. Same scan as [`sol_events`].
pub fn sol_functions(source: &str) -> Result<Vec<String>> {
    sol_declarations(source, &["function "])
}

fn sol_declarations(source: &str, kinds: &[&str]) -> Result<Vec<String>> {
    let text = strip_comments(source);
    let mut events = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("sol!") {
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let standalone = !rest[..at].ends_with(is_ident);
        rest = rest[at + "sol!".len()..].trim_start();
        if !standalone || !rest.starts_with('{') {
            continue;
        }
        let body = braced(rest).context("unterminated `sol! {` block")?;
        rest = &rest[body.len() + 2..];
        let body = strip_attributes(body);
        for decl in body.split([';', '{', '}']).map(collapse) {
            if kinds.iter().any(|k| decl.starts_with(k)) {
                // Functions keep their words as written: `external` and data locations
                // are required in a Solidity interface; events must not carry them.
                events.push(if decl.starts_with("function ") {
                    decl
                } else {
                    normalize(&decl, &BTreeMap::new())?
                });
            }
        }
    }
    Ok(events)
}

/// Adds `events` (declarations as returned by [`sol_events`]) to the
/// `interface I<contract>` block of an SDK-printed interface, just before its
/// closing brace, in the SDK's layout (indented, separated by blank lines).
/// Duplicates and events the interface already declares are left out; the rest
/// are sorted, i.e. by name.
pub fn insert_events(interface: &str, contract: &str, events: &[String]) -> Result<String> {
    let header = format!("interface I{contract} ");
    let start = interface
        .find(&header)
        .with_context(|| format!("no `{}` in the interface", header.trim_end()))?;
    let open = start
        + interface[start..]
            .find('{')
            .context("interface without a body")?;
    let body = braced(&interface[open..]).context("unterminated interface body")?;
    let close = open + 1 + body.len();
    let events: BTreeSet<&str> = events
        .iter()
        .map(|e| e.trim().trim_end_matches(';'))
        .filter(|e| {
            let head = e.split('(').next().unwrap_or_default(); // `event Name`, `function Name`
            !interface.contains(&format!("{head}("))
        })
        .collect();
    let mut out = interface[..close].to_string();
    for event in events {
        out.push_str(&format!("\n    {event};\n"));
    }
    out.push_str(&interface[close..]);
    Ok(out)
}

/// The text between `text`'s leading `{` and its matching `}`.
fn braced(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&text[1..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Drops `#[...]` and `#![...]` attributes (nested brackets included).
fn strip_attributes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = rest[at + 1..].strip_prefix('!').unwrap_or(&rest[at + 1..]);
        if !after.starts_with('[') {
            out.push('#');
            rest = &rest[at + 1..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push(' ');
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `uint256[] amounts` -> `uint256[]`: tuple components in human-readable
/// signatures carry no names.
fn field_type(field: &str) -> String {
    match field.rsplit_once(' ') {
        Some((ty, name))
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            ty.to_string()
        }
        _ => field.to_string(),
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops [`DROPPED_WORDS`], replaces struct names by their tuple types and
/// tidies spacing around punctuation.
fn normalize(decl: &str, structs: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(decl.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if let Some(tuple) = structs.get(word.as_str()) {
                out.push_str(tuple);
            } else if !DROPPED_WORDS.contains(&word.as_str()) {
                out.push_str(word);
            }
            word.clear();
        }
    };
    for c in decl.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    let mut tidy = collapse(&out);
    for (from, to) in [(" )", ")"), ("( ", "("), (" ,", ","), (" [", "[")] {
        while tidy.contains(from) {
            tidy = tidy.replace(from, to);
        }
    }
    Ok(tidy)
}

/// Fails on parameter types the JSON ABI cannot express, such as struct
/// names the interface text never defined.
fn check_types(abi: &JsonAbi) -> Result<()> {
    fn check(item: &str, params: &[Param]) -> Result<()> {
        for param in params {
            let base = param.ty.split('[').next().unwrap_or_default();
            if base == "tuple" {
                check(item, &param.components)?;
            } else if !is_elementary(base) {
                bail!(
                    "{item}: parameter type `{}` is not a Solidity ABI type \
                     (an undefined struct?)",
                    param.ty
                );
            }
        }
        Ok(())
    }
    for f in abi.functions() {
        check(&format!("function {}", f.name), &f.inputs)?;
        check(&format!("function {}", f.name), &f.outputs)?;
    }
    for e in abi.errors() {
        check(&format!("error {}", e.name), &e.inputs)?;
    }
    for e in abi.events() {
        let inputs: Vec<Param> = e
            .inputs
            .iter()
            .map(|p| Param {
                ty: p.ty.clone(),
                name: p.name.clone(),
                components: p.components.clone(),
                internal_type: None,
            })
            .collect();
        check(&format!("event {}", e.name), &inputs)?;
    }
    if let Some(c) = &abi.constructor {
        check("constructor", &c.inputs)?;
    }
    Ok(())
}

fn is_elementary(ty: &str) -> bool {
    let sized = |prefix: &str, ok: fn(u32) -> bool| {
        ty.strip_prefix(prefix).is_some_and(|n| {
            n.is_empty() || (!n.starts_with('0') && n.parse::<u32>().is_ok_and(ok))
        })
    };
    matches!(ty, "address" | "bool" | "string" | "bytes" | "function")
        || sized("uint", |n| n % 8 == 0 && (8..=256).contains(&n))
        || sized("int", |n| n % 8 == 0 && (8..=256).contains(&n))
        || (ty != "bytes" && sized("bytes", |n| (1..=32).contains(&n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like `stylus_sdk::abi::export::print_from_args` output.
    const INTERFACE: &str = r#"/**
 * This file was automatically generated by Stylus and represents a Rust program.
 * For more information, please see [The Stylus SDK](https://github.com/OffchainLabs/stylus-sdk-rs).
 */

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

interface IErc20  {
    function balanceOf(address account) external view returns (uint256);

    function transfer(address to, uint256 value) external returns (bool);

    error ERC20InsufficientBalance(address, uint256, uint256);
}

interface ICounter is IErc20  {
    function number() external view returns (uint256);

    function setNumber(uint256 new_number) external;

    function balancesOf(address[] memory who) external view returns (uint256[] memory);

    function pair(address a, bool[3] calldata flags) external view returns (uint256, bool, uint8[] memory);

    function nested((uint256, address)[] memory items, bytes calldata data) external pure returns ((bool, string) memory);

    function deposit() external payable;

    function transfer(address to, uint256 value) external returns (bool);

    event Bumped(address indexed who, uint256 value);

    error TooBig(uint256, uint256);

    error Wrapped((uint256, address));
}
"#;

    #[test]
    fn converts_sdk_interface_lines() {
        let sigs = human_readable_signatures(INTERFACE).unwrap();
        assert_eq!(
            sigs,
            [
                "function balanceOf(address account) view returns (uint256)",
                "function transfer(address to, uint256 value) returns (bool)",
                "error ERC20InsufficientBalance(address, uint256, uint256)",
                "function number() view returns (uint256)",
                "function setNumber(uint256 new_number)",
                "function balancesOf(address[] who) view returns (uint256[])",
                "function pair(address a, bool[3] flags) view returns (uint256, bool, uint8[])",
                "function nested((uint256, address)[] items, bytes data) pure returns ((bool, string))",
                "function deposit() payable",
                "event Bumped(address indexed who, uint256 value)",
                "error TooBig(uint256, uint256)",
                "error Wrapped((uint256, address))",
            ]
        );
    }

    #[test]
    fn builds_json_abi() {
        let abi = json_abi(INTERFACE, Some("constructor(address owner) payable\n")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&to_json(&abi).unwrap()).unwrap();
        let items = json.as_array().unwrap();
        let find = |kind: &str, name: &str| {
            items
                .iter()
                .find(|i| i["type"] == kind && (name.is_empty() || i["name"] == name))
                .unwrap_or_else(|| panic!("{kind} {name} missing from {json:#}"))
                .clone()
        };

        let ctor = find("constructor", "");
        assert_eq!(ctor["stateMutability"], "payable");
        assert_eq!(ctor["inputs"][0]["type"], "address");

        let number = find("function", "number");
        assert_eq!(number["stateMutability"], "view");
        assert_eq!(number["outputs"][0]["type"], "uint256");

        let set = find("function", "setNumber");
        assert_eq!(set["stateMutability"], "nonpayable");
        assert_eq!(set["inputs"][0]["name"], "new_number");

        assert_eq!(find("function", "deposit")["stateMutability"], "payable");
        assert_eq!(
            find("function", "balancesOf")["outputs"][0]["type"],
            "uint256[]"
        );
        assert_eq!(find("function", "pair")["inputs"][1]["type"], "bool[3]");

        let nested = find("function", "nested");
        assert_eq!(nested["stateMutability"], "pure");
        assert_eq!(nested["inputs"][0]["type"], "tuple[]");
        assert_eq!(nested["inputs"][0]["components"][1]["type"], "address");
        assert_eq!(nested["outputs"][0]["type"], "tuple");
        assert_eq!(nested["outputs"][0]["components"][1]["type"], "string");

        let event = find("event", "Bumped");
        assert_eq!(event["inputs"][0]["indexed"], true);
        assert_eq!(event["inputs"][1]["indexed"], false);

        assert_eq!(
            find("error", "TooBig")["inputs"].as_array().unwrap().len(),
            2
        );
        assert_eq!(find("error", "Wrapped")["inputs"][0]["type"], "tuple");

        // `transfer` is declared by both interfaces but appears once.
        let transfers = items.iter().filter(|i| i["name"] == "transfer").count();
        assert_eq!(transfers, 1);

        // Deterministic output.
        let again = json_abi(INTERFACE, Some("constructor(address owner) payable")).unwrap();
        assert_eq!(to_json(&abi).unwrap(), to_json(&again).unwrap());
    }

    #[test]
    fn expands_structs() {
        let sol = "interface I { struct Pair { uint256 a; address[] b; }\n\
                   function get(Pair calldata p) external view returns (Pair memory); }";
        let sigs = human_readable_signatures(sol).unwrap();
        assert_eq!(
            sigs,
            ["function get((uint256, address[]) p) view returns ((uint256, address[]))"]
        );
        let abi = json_abi(sol, None).unwrap();
        let get = &abi.function("get").unwrap()[0];
        assert_eq!(get.inputs[0].ty, "tuple");
        assert_eq!(get.inputs[0].components[1].ty, "address[]");
    }

    #[test]
    fn rejects_undefined_types() {
        let sol = "interface I { function get(Pair calldata p) external; }";
        let err = json_abi(sol, None).unwrap_err();
        assert!(format!("{err:#}").contains("Pair"), "{err:#}");
    }

    /// Shaped like the contracts' and OpenZeppelin's event modules.
    const EVENTS_RS: &str = r#"//! Events. Not an event Foo(uint256); in a comment.
use alloy_sol_types::sol;

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// Emitted when `value` tokens move; see event Fake(uint256) in docs.
        #[derive(Debug)]
        #[allow(missing_docs)]
        event Transfer(address indexed from, address indexed to, uint256 value);
        #[derive(Debug)]
        error NotAnEvent(address caller);
        /* block comment: event Hidden(); */
        #[derive(Debug)]
        event Approval(
            address indexed owner,
            address indexed spender, // trailing comment
            uint256 value
        );
    }
}

sol! {
    #[cfg_attr(feature = "x", derive(Debug))]
    event Paused(address account);
}

fn not_sol() { let event = 1; consol!{ event Nope(); } }
"#;

    #[test]
    fn extracts_sol_events() {
        assert_eq!(
            sol_events(EVENTS_RS).unwrap(),
            [
                "event Transfer(address indexed from, address indexed to, uint256 value)",
                "event Approval(address indexed owner, address indexed spender, uint256 value)",
                "event Paused(address account)",
            ]
        );
        assert!(sol_events("sol! { event A(uint256 a);").is_err());
    }

    #[test]
    fn extracts_fallback_functions_verbatim_and_apart_from_events() {
        let src = "sol! {\n  /// Answered by the fallback.\n  function eip712Domain() external view\n    returns (bytes1 fields, string memory name);\n  event E(uint256 a);\n}";
        assert_eq!(
            sol_functions(src).unwrap(),
            ["function eip712Domain() external view returns (bytes1 fields, string memory name)"]
        );
        assert_eq!(sol_events(src).unwrap(), ["event E(uint256 a)"]);
        assert!(sol_functions(EVENTS_RS).unwrap().is_empty());
    }

    #[test]
    fn inserts_events_into_interface() {
        let mut events = sol_events(EVENTS_RS).unwrap();
        events.extend(sol_events(EVENTS_RS).unwrap()); // duplicates are kept once
        events.push("event Bumped(address indexed who, uint256 value)".into()); // already declared
        let sol = insert_events(INTERFACE, "Counter", &events).unwrap();
        let expected_tail = "    error Wrapped((uint256, address));\n\n    \
             event Approval(address indexed owner, address indexed spender, uint256 value);\n\n    \
             event Paused(address account);\n\n    \
             event Transfer(address indexed from, address indexed to, uint256 value);\n}\n";
        assert!(sol.ends_with(expected_tail), "{sol}");
        // Only the contract's own interface changes.
        assert_eq!(sol.matches("event ").count(), 4, "{sol}");
        assert!(sol.starts_with(&INTERFACE[..INTERFACE.find("interface ICounter").unwrap()]));

        let abi = json_abi(&sol, None).unwrap();
        let transfer = &abi.event("Transfer").unwrap()[0];
        assert_eq!(transfer.inputs[1].name, "to");
        assert!(transfer.inputs[1].indexed);
        assert!(!transfer.inputs[2].indexed);
        assert_eq!(abi.events().count(), 4);

        assert!(insert_events(INTERFACE, "Missing", &events).is_err());
    }

    #[test]
    fn rejects_unknown_declarations() {
        let err = human_readable_signatures("interface I { uint256 x; }").unwrap_err();
        assert!(err.to_string().contains("unsupported declaration"), "{err}");
    }
}
