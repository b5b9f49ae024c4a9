//! The deployed form of a Stylus program: `EF F0 00`, a dictionary byte, then brotli.
//!
//! geth's `core/state/statedb_arbitrum.go` recognises the classic prefix `EF F0 00` on code
//! longer than 3 bytes; nitro's `arbos/programs/programs.go` reads the fourth byte as the
//! brotli dictionary (0 = none, 1 = `StylusProgramDictionary`, anything else is an
//! "unsupported dictionary") and decompresses into a buffer of `MaxWasmSize` bytes. The
//! ArbOS 60 fragment forms (`EF F0 01`, `EF F0 02`) are not supported by the devnode.

use std::io::Read;

use super::ActivationError;

/// The prefix of deployed Stylus code (an EOF magic with a version EOF never used).
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// nitro's initial `MaxWasmSize` (`arbos/programs/params.go`): 128 KiB of decompressed wasm.
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// Dictionary byte for a plain brotli stream; what cargo-stylus (`EOF_PREFIX_NO_DICT`) and
/// our contracts packager emit.
pub const DICTIONARY_NONE: u8 = 0;

/// Is this deployed code a Stylus program: `EF F0 00` followed by at least one byte?
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > STYLUS_PREFIX.len() && code.starts_with(&STYLUS_PREFIX)
}

/// Strips `EF F0 00` and the dictionary byte and brotli-decompresses the rest, refusing
/// output larger than `max_wasm_size` bytes (nitro: [`MAX_WASM_SIZE`]).
///
/// Only dictionary 0 is supported: nitro's dictionary 1 (`StylusProgramDictionary`) is not
/// shipped with the devnode, so such code gets [`ActivationError::UnsupportedDictionary`].
pub fn decompress(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus_program(code) {
        return Err(ActivationError::NotStylus);
    }
    let (dictionary, stream) = match &code[STYLUS_PREFIX.len()..] {
        [dictionary, stream @ ..] => (*dictionary, stream),
        [] => return Err(ActivationError::NotStylus),
    };
    if dictionary != DICTIONARY_NONE {
        return Err(ActivationError::UnsupportedDictionary(dictionary));
    }

    // Read one byte past the bound so an over-size stream is told apart from one that fits
    // exactly, without ever holding more than `max + 1` bytes.
    let bound = u64::try_from(max_wasm_size)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut wasm = Vec::new();
    brotli::Decompressor::new(stream, 4096)
        .take(bound)
        .read_to_end(&mut wasm)
        .map_err(|err| ActivationError::Decompression(err.to_string()))?;
    if wasm.len() > max_wasm_size {
        return Err(ActivationError::TooLarge {
            limit: max_wasm_size,
        });
    }
    Ok(wasm)
}
