//! The chain's CacheManager, implemented natively at a fixed address and registered as a
//! wasm cache manager at genesis, so `cargo stylus cache bid|status|suggest-bid` work.
//!
//! This is our own implementation of the interface and rules of nitro-contracts'
//! `src/chain/CacheManager.sol` (same ABI, events and errors): a bid is the value sent
//! plus `block.timestamp · decay`; programs count as at least 4 KiB; when the queue would
//! outgrow the cache the lowest bids are evicted first (ties: the oldest slot), and a bid
//! below the last evicted one is refused. It calls ArbWasm and ArbWasmCache as real child
//! frames, so their gas, events and errors are exact; its own bookkeeping is charged as an
//! estimate (`OVERHEAD_GAS` plus EVM storage prices for its words). Deviations: the
//! lowest bid is found by scanning the entries rather than with a heap (same order), no
//! proxy or `initialize`, and a program larger than the whole cache is refused with
//! `AsmTooLarge` where the Solidity would fail popping an empty heap.

use alloy_primitives::aliases::U192;
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use revm::context::{Block, ContextTr, JournalTr};
use revm::handler::evm::ContextDbError;
use revm::interpreter::{FrameInput, InstructionResult, InterpreterResult};
use revm::primitives::{address, Address, Bytes, Log, B256, U256};

use crate::abi::ArbOwnerPublic::isChainOwnerCall;
use crate::abi::ArbWasm::codehashAsmSizeCall;
use crate::abi::ArbWasmCache::{cacheProgramCall, codehashIsCachedCall, evictCodehashCall};
use crate::abi::CacheManager::*;
use crate::arbos::precompiles::{ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE};
use crate::arbos::words;
use crate::evm::{DevContext, DevEvm};
use crate::native::{self, done, Budget, Stop};

/// Where the devnode's cache manager lives. nitro-devnode deploys its (stub) cache
/// manager from the dev account, at an address the devnode's dev account would reach by
/// its own fourth deployment, so the native one sits at an address no CREATE reaches.
pub const ADDRESS: Address = address!("0000000000000000000000000000000000cac4e0");
/// nitro-contracts' deployment defaults (`scripts/deploymentUtils.ts`): 512 MiB of cache
/// and a decay of 10_322_197_911 wei per second.
pub const INIT_CACHE_SIZE: u64 = 536_870_912;
pub const INIT_DECAY: u64 = 10_322_197_911;
/// Programs smaller than this are counted as this large (`MIN_CODESIZE`).
pub const MIN_CODESIZE: u64 = 4096;
/// What the Solidity contract would spend on dispatch, decoding and memory per call.
pub const OVERHEAD_GAS: u64 = 5_000;
/// EVM prices for the contract's own storage words: a cold read and a fresh write.
const SLOAD_GAS: u64 = 2_100;
const SSTORE_GAS: u64 = 20_000;

const CACHE_SIZE: u64 = 0;
const QUEUE_SIZE: u64 = 1;
const DECAY: u64 = 2;
const PAUSED: u64 = 3;
const ENTRIES: u64 = 4;

/// The storage words the cache manager holds at genesis.
pub fn genesis_words() -> Vec<(U256, U256)> {
    vec![
        (U256::from(CACHE_SIZE), U256::from(INIT_CACHE_SIZE)),
        (U256::from(DECAY), U256::from(INIT_DECAY)),
    ]
}

fn entry_slot(index: u64) -> U256 {
    words::tagged_slot(b"devnode.cache_manager.entry", &[&index.to_be_bytes()])
}

fn revert(e: impl SolError) -> Stop {
    Stop::Revert(e.abi_encode())
}

/// One call's view of the contract: the EVM, the gas budget and the call's sender/value.
struct Call<'a> {
    evm: &'a mut DevEvm,
    budget: Budget,
    sender: Address,
    value: U256,
}

impl Call<'_> {
    fn load(&mut self, slot: U256) -> U256 {
        self.budget.charge(SLOAD_GAS);
        words::read(self.evm.ctx_mut(), ADDRESS, slot)
    }

    fn store(&mut self, slot: U256, value: U256) {
        self.budget.charge(SSTORE_GAS);
        words::write(self.evm.ctx_mut(), ADDRESS, slot, value);
    }

    fn word(&mut self, slot: u64) -> u64 {
        self.load(U256::from(slot)).saturating_to()
    }

    fn set_word(&mut self, slot: u64, value: u64) {
        self.store(U256::from(slot), U256::from(value));
    }

    fn entry(&mut self, index: u64) -> Slot {
        let base = entry_slot(index);
        let code = B256::from(self.load(base));
        let packed = self.load(base + U256::from(1));
        Slot {
            code,
            size: (packed >> 192_usize).saturating_to::<u64>(),
            bid: packed & ((U256::from(1) << 192) - U256::from(1)),
        }
    }

    fn set_entry(&mut self, index: u64, e: &Slot) {
        let base = entry_slot(index);
        self.store(base, U256::from_be_bytes(e.code.0));
        self.store(base + U256::from(1), (U256::from(e.size) << 192) | e.bid);
    }

    fn emit(&mut self, event: impl SolEvent) {
        self.evm.ctx_mut().journal_mut().log(Log {
            address: ADDRESS,
            data: event.encode_log_data(),
        });
    }

    fn child(&mut self, to: Address, data: Vec<u8>, is_static: bool) -> Result<Bytes, Stop> {
        let r: InterpreterResult = native::call_child(
            self.evm,
            &mut self.budget,
            ADDRESS,
            to,
            data.into(),
            U256::ZERO,
            is_static,
        )?;
        if !r.result.is_ok() {
            // Solidity bubbles a failed external call's revert data.
            return Err(Stop::Revert(r.output.to_vec()));
        }
        Ok(r.output)
    }
}

/// One entry of the cache: a codehash, its counted size and its bid (below 2^192).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    code: B256,
    size: u64,
    bid: U256,
}

impl Slot {
    fn live(&self) -> bool {
        self.code != B256::ZERO
    }

    fn to_abi(self) -> Entry {
        Entry {
            code: self.code,
            size: self.size,
            bid: U192::saturating_from(self.bid),
        }
    }
}

/// Runs the call on top of the stack.
pub fn run(evm: &mut DevEvm) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let FrameInput::Call(inputs) = evm.top_input().clone() else {
        return Ok(done(0, 0, InstructionResult::Revert, Bytes::new()));
    };
    let data = inputs.input.bytes(evm.ctx_ref());
    let limit = inputs.gas_limit;
    let mut call = Call {
        evm,
        budget: Budget::new(limit, OVERHEAD_GAS),
        sender: inputs.caller,
        value: inputs.value.get(),
    };
    let outcome = if inputs.is_static && mutates(&data) {
        Err(Stop::Revert(Vec::new()))
    } else {
        dispatch(&mut call, &data)
    };
    let used = call.budget.used;
    match outcome {
        Ok(out) => Ok(done(limit, used, InstructionResult::Return, out.into())),
        Err(Stop::Revert(e)) => Ok(done(limit, used, InstructionResult::Revert, e.into())),
        Err(Stop::Db(e)) => Err(e),
    }
}

/// Whether the call writes state (refused in a static context, as the EVM would).
fn mutates(data: &[u8]) -> bool {
    let Some(s) = data.get(..4) else {
        return false;
    };
    [
        placeBidCall::SELECTOR,
        setCacheSizeCall::SELECTOR,
        pausedCall::SELECTOR,
        unpauseCall::SELECTOR,
        evictAllCall::SELECTOR,
        evictProgramsCall::SELECTOR,
    ]
    .iter()
    .any(|m| m[..] == *s)
}

fn decode<C: SolCall>(data: &[u8]) -> Result<C, Stop> {
    C::abi_decode(data).map_err(|_| Stop::Revert(Vec::new()))
}

/// Solidity refuses value sent to a method that is not payable.
fn not_payable(call: &Call) -> Result<(), Stop> {
    if call.value.is_zero() {
        Ok(())
    } else {
        Err(Stop::Revert(Vec::new()))
    }
}

fn dispatch(call: &mut Call, data: &[u8]) -> Result<Vec<u8>, Stop> {
    let selector: [u8; 4] = data
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or(Stop::Revert(Vec::new()))?;
    if selector != placeBidCall::SELECTOR {
        not_payable(call)?;
    }
    Ok(match selector {
        cacheSizeCall::SELECTOR => call.word(CACHE_SIZE).abi_encode(),
        queueSizeCall::SELECTOR => call.word(QUEUE_SIZE).abi_encode(),
        decayCall::SELECTOR => call.word(DECAY).abi_encode(),
        isPausedCall::SELECTOR => (call.word(PAUSED) != 0).abi_encode(),
        getEntriesCall::SELECTOR => {
            let n = call.word(ENTRIES);
            let all: Vec<Entry> = (0..n).map(|i| call.entry(i).to_abi()).collect();
            all.abi_encode()
        }
        getMinBid_0Call::SELECTOR => {
            let size = decode::<getMinBid_0Call>(data)?.size;
            min_bid(call, size)?.abi_encode()
        }
        getMinBid_1Call::SELECTOR => {
            let codehash = decode::<getMinBid_1Call>(data)?.codehash;
            let size = asm_size(call, codehash)?;
            min_bid(call, size)?.abi_encode()
        }
        getMinBid_2Call::SELECTOR => {
            let program = decode::<getMinBid_2Call>(data)?.program;
            let codehash = code_hash(call, program)?;
            let size = asm_size(call, codehash)?;
            min_bid(call, size)?.abi_encode()
        }
        placeBidCall::SELECTOR => {
            place_bid(call, decode::<placeBidCall>(data)?.program)?;
            Vec::new()
        }
        _ => {
            owner_method(call, selector, data)?;
            Vec::new()
        }
    })
}

/// The chain owners' methods (`onlyOwner`: ArbOwnerPublic.isChainOwner of the sender,
/// called as a real child frame like the contract's other precompile calls).
fn owner_method(call: &mut Call, selector: [u8; 4], data: &[u8]) -> Result<(), Stop> {
    let known = [
        setCacheSizeCall::SELECTOR,
        pausedCall::SELECTOR,
        unpauseCall::SELECTOR,
        evictAllCall::SELECTOR,
        evictProgramsCall::SELECTOR,
    ];
    if !known.contains(&selector) {
        return Err(Stop::Revert(Vec::new()));
    }
    let sender = call.sender;
    let ask = isChainOwnerCall { addr: sender }.abi_encode();
    let answer = call.child(ARB_OWNER_PUBLIC, ask, true)?;
    // A malformed answer cannot come from the precompile; Solidity would revert on it.
    let owner =
        isChainOwnerCall::abi_decode_returns(&answer).map_err(|_| Stop::Revert(Vec::new()))?;
    if !owner {
        return Err(revert(NotChainOwner { sender }));
    }
    match selector {
        setCacheSizeCall::SELECTOR => {
            let size = decode::<setCacheSizeCall>(data)?.newSize;
            call.set_word(CACHE_SIZE, size);
            call.emit(SetCacheSize { size });
        }
        pausedCall::SELECTOR => {
            call.set_word(PAUSED, 1);
            call.emit(Pause {});
        }
        unpauseCall::SELECTOR => {
            call.set_word(PAUSED, 0);
            call.emit(Unpause {});
        }
        evictAllCall::SELECTOR => {
            evict_lowest(call, u64::MAX)?;
            call.set_word(ENTRIES, 0);
        }
        _ => {
            let count = decode::<evictProgramsCall>(data)?.count;
            evict_lowest(call, count.saturating_to())?;
        }
    }
    Ok(())
}

fn code_hash(call: &mut Call, program: Address) -> Result<B256, Stop> {
    call.budget.charge(SLOAD_GAS);
    let j = call.evm.ctx_mut().journal_mut();
    // EXTCODEHASH: zero for an account that does not exist.
    let Ok(acc) = j.load_account_with_code(program);
    Ok(if acc.is_empty() {
        B256::ZERO
    } else {
        acc.info.code_hash
    })
}

/// `_asmSize`: ArbWasm's size of the active program (its revert, such as
/// `ProgramNotActivated`, bubbles), counted as at least `MIN_CODESIZE`.
fn asm_size(call: &mut Call, codehash: B256) -> Result<u64, Stop> {
    let out = call.child(
        ARB_WASM,
        codehashAsmSizeCall { codehash }.abi_encode(),
        true,
    )?;
    let size = u32::abi_decode(&out).map_err(|_| Stop::Revert(Vec::new()))? as u64;
    Ok(size.max(MIN_CODESIZE))
}

fn current_decay(call: &mut Call) -> U256 {
    let now = call.evm.ctx_ref().block().timestamp();
    now.saturating_mul(U256::from(call.word(DECAY)))
}

/// `getMinBid(uint64)`: zero while the program fits; otherwise the bid of the entry whose
/// eviction would free enough, among the `ceil(need / MIN_CODESIZE)` lowest, less decay.
fn min_bid(call: &mut Call, size: u64) -> Result<U192, Stop> {
    let cache = call.word(CACHE_SIZE);
    if size > cache {
        return Err(revert(AsmTooLarge {
            asm: U256::from(size),
            queueSize: U256::ZERO,
            cacheSize: U256::from(cache),
        }));
    }
    let size = size.max(MIN_CODESIZE);
    let total = call.word(QUEUE_SIZE).saturating_add(size);
    if total <= cache {
        return Ok(U192::ZERO);
    }
    let mut need = total - cache;
    let k = need.div_ceil(MIN_CODESIZE) as usize;
    let mut min = U256::ZERO;
    for (_, e) in lowest(call).into_iter().take(k) {
        if need <= e.size {
            min = e.bid;
            break;
        }
        need -= e.size;
    }
    let decay = current_decay(call);
    Ok(U192::saturating_from(min.saturating_sub(decay)))
}

/// The live entries, lowest bid first (ties: lowest index), as the contract's heap pops
/// them.
fn lowest(call: &mut Call) -> Vec<(u64, Slot)> {
    let n = call.word(ENTRIES);
    let mut live: Vec<(u64, Slot)> = (0..n)
        .map(|i| (i, call.entry(i)))
        .filter(|(_, e)| e.live())
        .collect();
    live.sort_by_key(|(i, e)| (e.bid, *i));
    live
}

/// Evicts up to `count` of the lowest bids; returns the last evicted (bid, index).
fn evict_lowest(call: &mut Call, count: u64) -> Result<Option<(U256, u64)>, Stop> {
    let mut last = None;
    for (index, e) in lowest(call).into_iter().take(count as usize) {
        delete_entry(call, index, &e)?;
        last = Some((e.bid, index));
    }
    Ok(last)
}

/// `_deleteEntry`: evicts the codehash through ArbWasmCache and frees its space.
fn delete_entry(call: &mut Call, index: u64, e: &Slot) -> Result<(), Stop> {
    call.child(
        ARB_WASM_CACHE,
        evictCodehashCall { codehash: e.code }.abi_encode(),
        false,
    )?;
    let queue = call.word(QUEUE_SIZE).saturating_sub(e.size);
    call.set_word(QUEUE_SIZE, queue);
    call.emit(DeleteBid {
        codehash: e.code,
        bid: U192::saturating_from(e.bid),
        size: e.size,
    });
    call.set_entry(index, &Slot::default());
    Ok(())
}

/// `placeBid`: refuses while paused or when already cached, makes space by evicting the
/// lowest bids, refuses a bid below the last evicted one, then caches the program through
/// ArbWasmCache and records the entry.
fn place_bid(call: &mut Call, program: Address) -> Result<(), Stop> {
    if call.word(PAUSED) != 0 {
        return Err(revert(BidsArePaused {}));
    }
    let codehash = code_hash(call, program)?;
    let out = call.child(
        ARB_WASM_CACHE,
        codehashIsCachedCall { codehash }.abi_encode(),
        true,
    )?;
    if bool::abi_decode(&out).unwrap_or(false) {
        return Err(revert(AlreadyCached { codehash }));
    }
    let size = asm_size(call, codehash)?;
    let (bid, index) = make_space(call, size)?;
    let (queue, cache) = (call.word(QUEUE_SIZE), call.word(CACHE_SIZE));
    if queue.saturating_add(size) > cache {
        return Err(revert(AsmTooLarge {
            asm: U256::from(size),
            queueSize: U256::from(queue),
            cacheSize: U256::from(cache),
        }));
    }
    call.child(
        ARB_WASM_CACHE,
        cacheProgramCall { addr: program }.abi_encode(),
        false,
    )?;
    call.set_word(QUEUE_SIZE, queue + size);
    let entries = call.word(ENTRIES);
    if index == entries {
        call.set_word(ENTRIES, entries + 1);
    }
    let bid192 = U192::saturating_from(bid);
    call.set_entry(
        index,
        &Slot {
            code: codehash,
            size,
            bid,
        },
    );
    call.emit(InsertBid {
        codehash,
        program,
        bid: bid192,
        size,
    });
    Ok(())
}

/// `_makeSpace`: the bid (value + decay, at most 2^192 − 1) and the entry index to use.
fn make_space(call: &mut Call, size: u64) -> Result<(U256, u64), Stop> {
    let bid = call.value.saturating_add(current_decay(call));
    if bid > U256::from(U192::MAX) {
        return Err(revert(BidTooLarge { bid }));
    }
    let mut index = call.word(ENTRIES);
    let mut min = U256::ZERO;
    let cache = call.word(CACHE_SIZE);
    while call.word(QUEUE_SIZE).saturating_add(size) > cache {
        let Some((b, i)) = evict_lowest(call, 1)? else {
            // Nothing left to evict: the program is larger than the whole cache.
            return Err(revert(AsmTooLarge {
                asm: U256::from(size),
                queueSize: U256::from(call.word(QUEUE_SIZE)),
                cacheSize: U256::from(cache),
            }));
        };
        (min, index) = (b, i);
    }
    if bid < min {
        return Err(revert(BidTooSmall {
            bid: U192::saturating_from(bid),
            min: U192::saturating_from(min),
        }));
    }
    Ok((bid, index))
}
