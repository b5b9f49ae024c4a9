//! The `vm_hooks` host functions, with nitro's semantics and ink prices
//! (`crates/wasm-libraries/user-host-trait/lib.rs`, `crates/arbutil/src/pricing.rs`).
//!
//! Every host function first buys its fixed ink, then its per-byte ink, then does the
//! work and buys the EVM gas it cost, in that order, because the order decides whether a
//! program that runs out of ink half-way has already changed anything.

mod calls;
mod env;
mod ink;
mod math;
mod state;

use std::fmt;

use revm::primitives::{Address, Bytes, U256};
use wasmi::errors::LinkerError;
use wasmi::{Caller, Global, Linker, Memory, Val};

use super::storage_cache::StorageCache;
use crate::arbos::params::{gas_to_ink, ink_to_gas};
use crate::evm::DevEvm;
pub use ink::*;

/// A pointer to the EVM running the program. Host functions run strictly inside
/// `run_program`, on the thread that holds the `&mut DevEvm`, so the pointer is valid and
/// unaliased whenever it is dereferenced (see `HostEnv::evm`).
pub(crate) struct EvmPtr(pub(crate) *mut DevEvm);
// SAFETY: the pointer is only dereferenced during a program call on the thread that owns
// the EVM; the `HostEnv` is dropped before `run_program` returns.
unsafe impl Send for EvmPtr {}
unsafe impl Sync for EvmPtr {}

/// What the running program is acting as.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The address whose storage and balance the program uses (ADDRESS).
    pub address: Address,
    pub caller: Address,
    pub value: U256,
    pub is_static: bool,
}

/// The host side of one program call: the wasmi store's data.
pub struct HostEnv {
    pub(crate) evm: EvmPtr,
    pub frame: Frame,
    pub args: Bytes,
    pub outs: Vec<u8>,
    pub return_data: Bytes,
    pub cache: StorageCache,
    /// The last account whose code the program read, and that code: nitro answers a
    /// repeated `account_code(_size)` of the same address from it at no gas
    /// (`crates/arbutil/src/evm/req.rs`, `EvmApiRequestor::last_code`).
    pub last_code: Option<(Address, Bytes)>,
    /// Refunds earned by storage writes and children, handed to the frame at exit.
    pub refund: i64,
    pub memory: Option<Memory>,
    pub ink: Option<Global>,
    pub ink_status: Option<Global>,
}

/// Why a host function stopped the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// Not enough ink for the host function (the meter reads as exhausted).
    OutOfInk,
    /// The program passed a pointer outside its memory.
    Memory,
    /// A rule violation: write in a static call, bad log, failed EVM request, …
    Failure(String),
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Escape::OutOfInk => write!(f, "out of ink"),
            Escape::Memory => write!(f, "memory access out of bounds"),
            Escape::Failure(why) => write!(f, "{why}"),
        }
    }
}

impl wasmi::errors::HostError for Escape {}

pub(crate) type Hr<T> = Result<T, wasmi::Error>;
pub(crate) type Cx<'a> = Caller<'a, HostEnv>;

/// A database error while serving a host function: the program fails.
pub(crate) fn state_err(e: impl fmt::Debug) -> wasmi::Error {
    wasmi::Error::host(Escape::Failure(format!("state: {e:?}")))
}

pub(crate) fn fail<T>(why: impl Into<String>) -> Hr<T> {
    Err(wasmi::Error::host(Escape::Failure(why.into())))
}

/// Ink left, reading an exhausted meter as zero as nitro does.
pub(crate) fn ink_left(c: &Cx) -> u64 {
    let exhausted = c
        .data()
        .ink_status
        .map(|g| matches!(g.get(c), Val::I32(s) if s != 0))
        .unwrap_or(false);
    if exhausted {
        return 0;
    }
    match c.data().ink.map(|g| g.get(c)) {
        Some(Val::I64(v)) => v as u64,
        _ => 0,
    }
}

fn set_ink(c: &mut Cx, ink: u64) {
    if let Some(g) = c.data().ink {
        let _ = g.set(&mut *c, Val::I64(ink as i64));
    }
}

fn exhaust(c: &mut Cx) {
    set_ink(c, 0);
    if let Some(g) = c.data().ink_status {
        let _ = g.set(&mut *c, Val::I32(1));
    }
}

/// Burns `ink`, or exhausts the meter and stops the program.
pub(crate) fn buy_ink(c: &mut Cx, ink: u64) -> Hr<()> {
    let left = ink_left(c);
    if left < ink {
        exhaust(c);
        return Err(wasmi::Error::host(Escape::OutOfInk));
    }
    set_ink(c, left - ink);
    Ok(())
}

pub(crate) fn buy_gas(c: &mut Cx, gas: u64) -> Hr<()> {
    buy_ink(c, gas_to_ink(gas))
}

/// Checks that `gas` is available without spending it (nitro's `require_gas`).
pub(crate) fn require_gas(c: &mut Cx, gas: u64) -> Hr<()> {
    if ink_left(c) < gas_to_ink(gas) {
        exhaust(c);
        return Err(wasmi::Error::host(Escape::OutOfInk));
    }
    Ok(())
}

pub(crate) fn gas_left(c: &Cx) -> u64 {
    ink_to_gas(ink_left(c))
}

pub(crate) fn pay_for_read(c: &mut Cx, len: u32) -> Hr<()> {
    buy_ink(c, read_price(len))
}

pub(crate) fn pay_for_write(c: &mut Cx, len: u32) -> Hr<()> {
    buy_ink(c, write_price(len))
}

fn memory(c: &Cx) -> Hr<Memory> {
    c.data()
        .memory
        .ok_or_else(|| wasmi::Error::host(Escape::Memory))
}

pub(crate) fn read(c: &Cx, ptr: i32, len: u32) -> Hr<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    memory(c)?
        .read(c, ptr as u32 as usize, &mut buf)
        .map_err(|_| wasmi::Error::host(Escape::Memory))?;
    Ok(buf)
}

pub(crate) fn read32(c: &Cx, ptr: i32) -> Hr<[u8; 32]> {
    let mut buf = [0u8; 32];
    memory(c)?
        .read(c, ptr as u32 as usize, &mut buf)
        .map_err(|_| wasmi::Error::host(Escape::Memory))?;
    Ok(buf)
}

pub(crate) fn read_u256(c: &Cx, ptr: i32) -> Hr<U256> {
    Ok(U256::from_be_bytes(read32(c, ptr)?))
}

pub(crate) fn read_address(c: &Cx, ptr: i32) -> Hr<Address> {
    let mut buf = [0u8; 20];
    memory(c)?
        .read(c, ptr as u32 as usize, &mut buf)
        .map_err(|_| wasmi::Error::host(Escape::Memory))?;
    Ok(Address::from(buf))
}

pub(crate) fn write(c: &mut Cx, ptr: i32, bytes: &[u8]) -> Hr<()> {
    let m = memory(c)?;
    m.write(&mut *c, ptr as u32 as usize, bytes)
        .map_err(|_| wasmi::Error::host(Escape::Memory))
}

pub(crate) fn write_u32(c: &mut Cx, ptr: i32, v: u32) -> Hr<()> {
    write(c, ptr, &v.to_le_bytes())
}

/// The EVM the program runs in.
///
/// SAFETY (for the `unsafe` inside): `run_program` creates the store with a pointer to
/// the `DevEvm` it was called with and drops it before returning; host functions run
/// only during that call and never hold two of these references at once.
#[allow(clippy::mut_from_ref)]
pub(crate) fn evm<'a>(c: &Cx<'a>) -> &'a mut DevEvm {
    unsafe { &mut *c.data().evm.0 }
}

/// Registers all 42 `vm_hooks` and the debug `console` functions. Fails only if two
/// share a name, which the tests would show at once.
pub fn link(linker: &mut Linker<HostEnv>) -> Result<(), LinkerError> {
    env::link(linker)?;
    state::link(linker)?;
    calls::link(linker)?;
    math::link(linker)
}

/// The names of the host functions this node provides (for activation and tests).
pub const VM_HOOKS: [&str; 42] = [
    "read_args",
    "write_result",
    "exit_early",
    "storage_load_bytes32",
    "storage_cache_bytes32",
    "storage_flush_cache",
    "transient_load_bytes32",
    "transient_store_bytes32",
    "call_contract",
    "delegate_call_contract",
    "static_call_contract",
    "create1",
    "create2",
    "read_return_data",
    "return_data_size",
    "emit_log",
    "account_balance",
    "account_code",
    "account_code_size",
    "account_codehash",
    "evm_gas_left",
    "evm_ink_left",
    "block_basefee",
    "chainid",
    "block_coinbase",
    "block_gas_limit",
    "block_number",
    "block_timestamp",
    "contract_address",
    "math_div",
    "math_mod",
    "math_pow",
    "math_add_mod",
    "math_mul_mod",
    "msg_reentrant",
    "msg_sender",
    "msg_value",
    "native_keccak256",
    "tx_gas_price",
    "tx_ink_price",
    "tx_origin",
    "pay_for_memory_grow",
];
