//! Transaction-level gas rules as nitro's geth applies them: calldata priced by EIP-2028
//! without Prague's EIP-7623 floor (nitro leaves it off unless the chain enables it).

use crate::common::*;
use devnode::{TxRequest, DEV_ACCOUNT};
use revm::primitives::{address, Address};

/// geth's `TxGas`.
const TX_GAS: u64 = 21_000;

const SOMEONE: Address = address!("00000000000000000000000000000000000b0b00");

#[test]
fn calldata_is_priced_by_eip_2028_without_the_eip_7623_floor() {
    let mut chain = chain();
    // 1,000 non-zero bytes: 16,000 gas by EIP-2028; EIP-7623's floor would be
    // 21,000 + 10 · 4 · 1,000 = 61,000.
    let data = vec![0xab; 1_000];
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, SOMEONE, data.clone()))
        .expect("valid");
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(r.gas_used, TX_GAS + 16 * 1_000);
    // A gas limit below the floor is accepted, as nitro accepts it.
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, SOMEONE, data).gas(TX_GAS + 16_000))
        .expect("a limit below the EIP-7623 floor is valid");
    assert!(r.success(), "{:?}", r.status);
}
