//! The calls the verifier makes on every commit and finality, encoded by hand.
//!
//! alloy's generic ABI coder instantiates a decoder per Rust type, and for dynamic arrays
//! that is over a kilobyte of WASM each; these payloads are fixed shapes of 32-byte
//! words, so writing the words directly keeps the verifier inside Stylus's 24 KiB limit.
//! The selectors come from the same Solidity signatures the counterparts export, and
//! the encodings are covered end to end by the scenario tests (real calls between the
//! programs) and here against alloy's own encoder.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use labelchain_protocol::{math::address_word, Bubbled};
use stylus_sdk::call::RawCall;

mod sig {
    alloy_sol_types::sol! {
        function terms(uint64 task) external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function mintEmission(address to, uint256[] requests) external returns (uint256[]);
        function settle(uint64 task, uint256[] rows, uint256 refund, uint256 forfeit, uint16 burn_bps) external;
        function lock(address labeller, uint256 amount) external;
        function collectFee(uint64 task) external;
        function arbBlockHash(uint256 blockNumber) external view returns (bytes32);
    }
}

/// Arbitrum's ArbSys precompile.
pub const ARB_SYS: Address = alloy_primitives::address!("0000000000000000000000000000000000000064");

/// A 256-bit value as one ABI word.
fn word(v: U256) -> [u8; 32] {
    v.to_be_bytes()
}

/// `selector ++ words ++ (len ++ items)` for a call whose only dynamic argument is one
/// array of words placed last.
fn calldata(selector: [u8; 4], head: &[[u8; 32]], array: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * (head.len() + 1 + array.len()));
    out.extend_from_slice(&selector);
    for w in head {
        out.extend_from_slice(w);
    }
    out.extend_from_slice(&word(U256::from(array.len())));
    for w in array {
        out.extend_from_slice(w);
    }
    out
}

fn call(to: Address, data: &[u8]) -> Result<Vec<u8>, Bubbled> {
    // SAFETY: the storage cache is flushed before the call and nothing borrowed from
    // storage is held across it.
    unsafe { RawCall::new().flush_storage_cache().call(to, data) }.map_err(Bubbled)
}

/// A call whose arguments are all static words.
fn call_static_args(to: Address, selector: [u8; 4], args: &[[u8; 32]]) -> Result<(), Bubbled> {
    let mut data = selector.to_vec();
    for w in args {
        data.extend_from_slice(w);
    }
    call(to, &data).map(|_| ())
}

/// `IStakingEscrow.lock(labeller, amount)`.
pub fn lock(escrow: Address, labeller: Address, amount: U256) -> Result<(), Bubbled> {
    call_static_args(
        escrow,
        sig::lockCall::SELECTOR,
        &[address_word(labeller), word(amount)],
    )
}

/// `IStakingEscrow.collectFee(task)`.
pub fn collect_fee(escrow: Address, task: u64) -> Result<(), Bubbled> {
    call_static_args(
        escrow,
        sig::collectFeeCall::SELECTOR,
        &[word(U256::from(task))],
    )
}

/// The i-th 32-byte word of `data`, or a revert carrying `data` if it is too short.
fn word_at(data: &[u8], i: usize) -> Result<U256, Bubbled> {
    data.get(32 * i..32 * i + 32)
        .map(U256::from_be_slice)
        .ok_or_else(|| Bubbled(data.to_vec()))
}

/// A static call whose one argument is a number; its return data.
fn view(to: Address, selector: [u8; 4], arg: u64) -> Result<Vec<u8>, Bubbled> {
    let mut data = selector.to_vec();
    data.extend_from_slice(&word(U256::from(arg)));
    // SAFETY: a static call cannot change this contract's storage, and nothing borrowed
    // from storage is held across it.
    unsafe { RawCall::new_static().call(to, &data) }.map_err(Bubbled)
}

/// `ITaskRegistry.terms(task)`: six static words.
pub fn terms(registry: Address, task: u64) -> Result<[U256; 6], Bubbled> {
    let out = view(registry, sig::termsCall::SELECTOR, task)?;
    // One length check for all six words (a short reply is re-raised as it came).
    if out.len() < 6 * 32 {
        return Err(Bubbled(out));
    }
    Ok(core::array::from_fn(|i| {
        U256::from_be_slice(&out[32 * i..32 * i + 32])
    }))
}

/// `ArbSys.arbBlockHash(number)`: the hash of L2 block `number`, which must be one of the
/// 256 blocks before the current one (ArbSys reverts otherwise, and so does the caller).
pub fn arb_block_hash(number: u64) -> Result<[u8; 32], Bubbled> {
    let out = view(ARB_SYS, sig::arbBlockHashCall::SELECTOR, number)?;
    Ok(word(word_at(&out, 0)?))
}

/// `IRewardToken.mintEmission(to, requests)`: one amount per request, a request being
/// `cap << 16 | multiplierBps` (see `RewardToken::mint_emission`).
pub fn mint_emission(token: Address, to: Address, requests: &[U256]) -> Result<Vec<U256>, Bubbled> {
    let items: Vec<[u8; 32]> = requests.iter().map(|r| word(*r)).collect();
    let data = calldata(
        sig::mintEmissionCall::SELECTOR,
        &[address_word(to), word(U256::from(64))],
        &items,
    );
    let out = call(token, &data)?;
    // Returned: offset (32), length, amounts.
    let n = word_at(&out, 1)?.to::<usize>();
    (0..n).map(|i| word_at(&out, 2 + i)).collect()
}

/// `IStakingEscrow.settle(task, rows, refund, forfeit, burnBps)`.
pub fn settle(
    escrow: Address,
    task: u64,
    rows: &[U256],
    refund: U256,
    forfeit: U256,
    burn_bps: u16,
) -> Result<(), Bubbled> {
    let items: Vec<[u8; 32]> = rows.iter().map(|r| word(*r)).collect();
    let head = [
        word(U256::from(task)),
        word(U256::from(160)),
        word(refund),
        word(forfeit),
        word(U256::from(burn_bps)),
    ];
    call(escrow, &calldata(sig::settleCall::SELECTOR, &head, &items)).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn hand_encoded_calls_match_alloys_encoder() {
        let to = address!("00000000000000000000000000000000000000aa");
        let ms = [
            U256::from(10_000u16),
            (U256::from(7u8) << 16) | U256::from(15_000u16),
        ];
        let ours = calldata(
            sig::mintEmissionCall::SELECTOR,
            &[address_word(to), word(U256::from(64))],
            &ms.iter().map(|m| word(*m)).collect::<Vec<_>>(),
        );
        let theirs = sig::mintEmissionCall {
            to,
            requests: ms.to_vec(),
        }
        .abi_encode();
        assert_eq!(ours, theirs);

        let rows = [
            U256::from(1),
            U256::MAX,
            U256::ZERO,
            U256::from(7),
            U256::from(9),
        ];
        let head = [
            word(U256::from(3u64)),
            word(U256::from(160)),
            word(U256::from(5)),
            word(U256::from(6)),
            word(U256::from(2_500)),
        ];
        let ours = calldata(
            sig::settleCall::SELECTOR,
            &head,
            &rows.iter().map(|r| word(*r)).collect::<Vec<_>>(),
        );
        let theirs = sig::settleCall {
            task: 3,
            rows: rows.to_vec(),
            refund: U256::from(5),
            forfeit: U256::from(6),
            burn_bps: 2_500,
        }
        .abi_encode();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn the_block_hash_comes_from_arb_sys_arb_block_hash() {
        assert_eq!(
            ARB_SYS,
            address!("0000000000000000000000000000000000000064")
        );
        // ArbSys's published selector of `arbBlockHash(uint256)`.
        assert_eq!(sig::arbBlockHashCall::SELECTOR, [0x2b, 0x40, 0x7a, 0x82]);
        let theirs = sig::arbBlockHashCall {
            blockNumber: U256::from(41u8),
        }
        .abi_encode();
        let mut ours = sig::arbBlockHashCall::SELECTOR.to_vec();
        ours.extend_from_slice(&word(U256::from(41u8)));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn returned_arrays_are_read_word_by_word_and_short_data_is_an_error() {
        let encoded =
            sig::mintEmissionCall::abi_encode_returns(&(vec![U256::from(3), U256::from(4)],));
        let n = word_at(&encoded, 1).unwrap().to::<usize>();
        let got: Vec<U256> = (0..n).map(|i| word_at(&encoded, 2 + i).unwrap()).collect();
        assert_eq!(got, vec![U256::from(3), U256::from(4)]);
        assert!(word_at(&encoded[..40], 1).is_err());
    }
}
