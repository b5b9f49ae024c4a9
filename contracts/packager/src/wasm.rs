//! Turning a linked wasm into a deployable Stylus program: strip, optimize, compress.
//! Whether the result can be activated is decided in `check`.

use std::io::Cursor;

use anyhow::{bail, ensure, Context, Result};
use stylus_activation::{DICTIONARY_NONE, STYLUS_PREFIX};

/// The 4 bytes in front of the brotli stream in deployed Stylus code: the
/// `0xEF 0xF0` EOF-style magic, version 0, and dictionary 0 (no dictionary) — the form the
/// devnode's activation (like nitro) decompresses.
pub const DEPLOY_PREFIX: [u8; 4] = [
    STYLUS_PREFIX[0],
    STYLUS_PREFIX[1],
    STYLUS_PREFIX[2],
    DICTIONARY_NONE,
];

/// Brotli settings used by `cargo stylus` for deployed code.
pub const BROTLI_QUALITY: i32 = 11;
pub const BROTLI_WINDOW: i32 = 22;

const WASM_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];

/// Returns `wasm` without its custom sections (names, producers, target
/// features, ...). Every other section is copied byte for byte, header included.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    strip_sections(wasm, |id| id == 0)
}

/// Returns `wasm` without its data count section (id 12).
///
/// LLVM and binaryen emit one whenever bulk memory is enabled, but nitro's activation
/// parser refuses the section ("unsupported section type"), so a program carrying it
/// cannot be activated on a real chain. It only declares the number of data segments for
/// `memory.init`/`data.drop`, which our programs never use (activation refuses them), so
/// dropping it changes nothing else. cargo-stylus loses it the same way, by a round trip
/// through the text format.
pub fn strip_data_count(wasm: &[u8]) -> Result<Vec<u8>> {
    strip_sections(wasm, |id| id == 12)
}

fn strip_sections(wasm: &[u8], drop: impl Fn(u8) -> bool) -> Result<Vec<u8>> {
    ensure!(
        wasm.len() >= WASM_HEADER.len() && wasm[..8] == WASM_HEADER,
        "not a wasm module (bad magic or version)"
    );
    let mut out = Vec::with_capacity(wasm.len());
    out.extend_from_slice(&WASM_HEADER);
    let mut pos = WASM_HEADER.len();
    while pos < wasm.len() {
        let start = pos;
        let id = wasm[pos];
        pos += 1;
        let (size, leb_len) = read_leb_u32(&wasm[pos..])
            .with_context(|| format!("bad section size at offset {pos:#x}"))?;
        pos += leb_len;
        let end = pos
            .checked_add(size as usize)
            .filter(|&end| end <= wasm.len())
            .with_context(|| format!("section {id} at offset {start:#x} runs past the end"))?;
        if !drop(id) {
            out.extend_from_slice(&wasm[start..end]);
        }
        pos = end;
    }
    Ok(out)
}

fn read_leb_u32(bytes: &[u8]) -> Result<(u32, usize)> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let value = u32::try_from(value).context("LEB128 value overflows u32")?;
            return Ok((value, i + 1));
        }
    }
    bail!("unterminated LEB128")
}

/// Runs binaryen's `wasm-opt -Oz` on a stripped module and returns the result.
///
/// rustc's `opt-level = "z"` leaves a lot for a whole-module optimizer: on our programs
/// `wasm-opt` removes about a quarter of the code, which is the difference between
/// fitting Stylus's 24 KiB compressed limit and not. Features are pinned to what Stylus
/// activation accepts (MVP + bulk memory), so the optimizer cannot introduce anything
/// activation would reject; `check` still runs activation on its output.
pub fn optimize(stripped: &[u8], scratch: &std::path::Path) -> Result<Vec<u8>> {
    let input = scratch.join("wasm-opt-in.wasm");
    let output = scratch.join("wasm-opt-out.wasm");
    std::fs::write(&input, stripped)?;
    let status = std::process::Command::new("wasm-opt")
        .args([
            "-Oz",
            "--mvp-features",
            "--enable-bulk-memory",
            "--strip-debug",
            "--strip-producers",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .context("running wasm-opt: install binaryen (Debian: `apt-get install binaryen`)")?;
    ensure!(status.success(), "wasm-opt failed ({status})");
    let optimized = std::fs::read(&output)?;
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    Ok(optimized)
}

/// Brotli-compresses (quality 11, window 22) and prepends [`DEPLOY_PREFIX`]:
/// the exact bytes that go on chain as the program's code.
pub fn deployable(stripped: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = DEPLOY_PREFIX.to_vec();
    brotli::BrotliCompress(&mut Cursor::new(stripped), &mut out, &params)
        .context("brotli compression failed")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_program, tests::GOOD};
    use wasmparser::{Parser, Payload};

    #[test]
    fn strip_data_count_drops_section_12_and_keeps_everything_else() {
        let wasm = wat::parse_str(GOOD).expect("GOOD parses");
        let mut with_count = wasm.clone();
        with_count.extend_from_slice(&[12, 1, 0]);
        assert_eq!(strip_data_count(&with_count).expect("strips"), wasm);
        assert_eq!(strip_data_count(&wasm).expect("no-op"), wasm);
    }

    #[test]
    fn strip_keeps_everything_but_custom_sections() {
        let base = GOOD.trim_end().strip_suffix(')').unwrap();
        let wat =
            format!(r#"{base} (@custom "producers" "rustc") (@custom "target_features" "x"))"#);
        let wasm = wat::parse_str(&wat).unwrap();
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert!(stripped.len() < wasm.len());
        let custom = Parser::new(0)
            .parse_all(&stripped)
            .filter(|p| matches!(p, Ok(Payload::CustomSection(_))))
            .count();
        assert_eq!(custom, 0);
        let problems = check_program(&stripped);
        assert!(problems.is_empty(), "{problems:?}");
        // Stripping is idempotent and keeps the header.
        assert_eq!(strip_custom_sections(&stripped).unwrap(), stripped);
        assert_eq!(stripped[..8], WASM_HEADER);
    }

    #[test]
    fn deployable_round_trips() {
        let wasm = wat::parse_str(GOOD).unwrap();
        let deploy = deployable(&wasm).unwrap();
        assert_eq!(deploy[..4], DEPLOY_PREFIX);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut Cursor::new(&deploy[4..]), &mut back).unwrap();
        assert_eq!(back, wasm);
        // ... and it is what the devnode's activation reads back from the code.
        let max = stylus_activation::MAX_WASM_SIZE;
        assert_eq!(stylus_activation::decompress(&deploy, max).unwrap(), wasm);
    }
}
