//! Transaction-level gas rules as nitro's geth applies them: calldata priced by EIP-2028
//! without Prague's EIP-7623 floor (nitro leaves it off unless the chain enables it), and
//! EIP-2930 access lists charged and warmed — for Stylus programs too — through the chain
//! and every JSON-RPC method that takes one.

use crate::common::*;
use crate::rpc_common::{account, bytes, hex_u64, Rpc, CHAIN_ID};
use crate::wat::*;
use alloy_consensus::{TxEip1559, TxEip2930};
use devnode::rpc::{tx, Account, Node, NodeConfig};
use devnode::{Chain, Receipt, TxRequest, DEV_ACCOUNT};
use revm::context::transaction::{AccessList, AccessListItem};
use revm::primitives::{address, Address, Bytes, B256, U256};
use serde_json::{json, Value};

/// geth's `TxGas` and EIP-2930's prices.
const TX_GAS: u64 = 21_000;
const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
const ACCESS_LIST_KEY_GAS: u64 = 1_900;
/// EIP-2929: what a cold account and a cold slot cost over a warm one.
const COLD_ACCOUNT_EXTRA: u64 = 2_600 - 100;
const COLD_SLOAD_EXTRA: u64 = 2_100 - 100;

const SOMEONE: Address = address!("00000000000000000000000000000000000b0b00");

fn list(items: &[(Address, &[B256])]) -> AccessList {
    AccessList(
        items
            .iter()
            .map(|(address, keys)| AccessListItem {
                address: *address,
                storage_keys: keys.to_vec(),
            })
            .collect(),
    )
}

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

#[test]
fn an_access_list_costs_2400_per_address_and_1900_per_storage_key() {
    let mut chain = chain();
    let keys = [B256::with_last_byte(1), B256::with_last_byte(2)];
    let access = list(&[(SOMEONE, &keys), (DEV_ACCOUNT, &[])]);
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, SOMEONE, vec![]).access_list(access))
        .expect("valid");
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(
        r.gas_used,
        TX_GAS + 2 * ACCESS_LIST_ADDRESS_GAS + 2 * ACCESS_LIST_KEY_GAS
    );
}

/// A program that loads the slot in calldata[0..32] and reads the balance of the address in
/// calldata[32..52].
fn reader(chain: &mut Chain) -> Address {
    let body = "(call $storage_load_bytes32 (i32.const 0) (i32.const 0x100))
                (call $account_balance (i32.const 32) (i32.const 0x200))
                (i32.const 0)";
    deploy_wat(chain, &entry(body))
}

fn read_call(program: Address, slot: B256, account: Address) -> TxRequest {
    let mut data = slot.to_vec();
    data.extend_from_slice(account.as_slice());
    TxRequest::call(DEV_ACCOUNT, program, data)
}

fn sent(chain: &mut Chain, tx: TxRequest) -> Receipt {
    let r = chain.send(tx).expect("valid");
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    r
}

#[test]
fn an_access_list_warms_the_slot_and_account_a_stylus_program_reads() {
    let mut chain = chain();
    let program = reader(&mut chain);
    let slot = B256::with_last_byte(7);
    let cold = sent(&mut chain, read_call(program, slot, SOMEONE));
    let access = list(&[(program, &[slot]), (SOMEONE, &[])]);
    let warm = sent(
        &mut chain,
        read_call(program, slot, SOMEONE).access_list(access),
    );
    // The list costs 2·2,400 + 1,900; the program then finds the slot and `SOMEONE` warm
    // (nitro's host functions price them by EIP-2929 against geth's access list).
    let list_cost = 2 * ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS;
    assert_eq!(
        warm.gas_used + COLD_SLOAD_EXTRA + COLD_ACCOUNT_EXTRA,
        cold.gas_used + list_cost,
        "cold {} warm {}",
        cold.gas_used,
        warm.gas_used
    );
}

#[test]
fn calls_and_estimates_apply_the_access_list_too() {
    let mut chain = chain();
    let program = reader(&mut chain);
    let slot = B256::with_last_byte(7);
    let access = list(&[(SOMEONE, &[])]);
    let plain = chain
        .call(read_call(program, slot, SOMEONE))
        .expect("valid");
    let listed = chain
        .call(read_call(program, slot, SOMEONE).access_list(access))
        .expect("valid");
    assert_eq!(
        listed.gas_used + COLD_ACCOUNT_EXTRA,
        plain.gas_used + ACCESS_LIST_ADDRESS_GAS
    );
}

#[test]
fn the_created_access_list_names_what_the_program_touched_and_saves_gas() {
    let mut chain = chain();
    let program = reader(&mut chain);
    let slot = B256::with_last_byte(7);
    let state = chain.latest_state();
    let tx = read_call(program, slot, SOMEONE);
    let created = state
        .create_access_list(tx.clone(), &Default::default())
        .expect("valid");
    // The program is the recipient: listed for its slot; `SOMEONE` for its balance.
    assert_eq!(
        created.access_list,
        list(&[(SOMEONE, &[]), (program, &[slot])])
    );
    let plain = chain.call(tx).expect("valid");
    assert_eq!(
        created.outcome.gas_used + COLD_SLOAD_EXTRA + COLD_ACCOUNT_EXTRA,
        plain.gas_used + 2 * ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS
    );
}

// ---- JSON-RPC ----

fn access_json(a: &AccessList) -> Value {
    serde_json::to_value(a).expect("an access list serialises")
}

/// An EIP-2930 and an EIP-1559 transaction from `sender` (nonces 0 and 1) calling
/// `program` with `data` and the access list `list`, signed and encoded.
fn signed_with_list(
    sender: &Account,
    program: Address,
    list: &AccessList,
    data: &Bytes,
    gas: u64,
) -> [Bytes; 2] {
    let eip2930 = tx::encode(
        tx::sign(
            TxEip2930 {
                chain_id: CHAIN_ID,
                nonce: 0,
                gas_price: 1_000_000_000,
                gas_limit: gas,
                to: program.into(),
                value: U256::ZERO,
                access_list: list.clone(),
                input: data.clone(),
            },
            &sender.key,
        )
        .expect("signs"),
    );
    let eip1559 = tx::encode(
        tx::sign(
            TxEip1559 {
                chain_id: CHAIN_ID,
                nonce: 1,
                gas_limit: gas,
                max_fee_per_gas: 1_000_000_000,
                max_priority_fee_per_gas: 0,
                to: program.into(),
                value: U256::ZERO,
                access_list: list.clone(),
                input: data.clone(),
            },
            &sender.key,
        )
        .expect("signs"),
    );
    [eip2930, eip1559]
}

#[test]
fn json_rpc_methods_take_and_answer_access_lists() {
    let node = Node::start(NodeConfig {
        port: 0,
        accounts: 2,
        ..Default::default()
    })
    .expect("node starts");
    let rpc = Rpc::new(&node);
    let program = node.with_chain(reader);
    let slot = B256::with_last_byte(7);
    let mut data = slot.to_vec();
    data.extend_from_slice(SOMEONE.as_slice());
    let data = Bytes::from(data);
    let sender = account(&node, 1);
    let call = json!({"from": sender.address, "to": program, "data": data});

    // eth_createAccessList: the list and the gas with it.
    let created = rpc.ok("eth_createAccessList", json!([call, "latest"]));
    let expected = list(&[(SOMEONE, &[]), (program, &[slot])]);
    assert_eq!(created["accessList"], access_json(&expected));
    assert!(created.get("error").is_none(), "{created}");
    let with_list = hex_u64(&created["gasUsed"]);

    // eth_estimateGas and eth_call with `accessList`. A transfer's estimate is exact: the
    // intrinsic gas with the list's price. (A program's is not: its host functions require
    // the cold price in hand before they charge the warm one.)
    let keys = [B256::with_last_byte(1)];
    let transfer = json!({
        "from": sender.address,
        "to": SOMEONE,
        "accessList": access_json(&list(&[(SOMEONE, &keys)])),
    });
    assert_eq!(
        rpc.u64("eth_estimateGas", json!([transfer])),
        TX_GAS + ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS
    );
    let mut listed = call.clone();
    listed["accessList"] = access_json(&expected);
    assert!(rpc.u64("eth_estimateGas", json!([listed])) >= with_list);
    assert_eq!(bytes(&rpc.ok("eth_call", json!([listed, "latest"]))), b"");

    // eth_sendRawTransaction, EIP-2930 and EIP-1559 with the list.
    let gas = with_list + 10_000;
    for raw in signed_with_list(&sender, program, &expected, &data, gas) {
        let r = rpc.send_raw(&raw);
        assert_eq!(r["status"], json!("0x1"), "{r}");
        assert_eq!(hex_u64(&r["gasUsed"]), with_list);
    }

    // eth_sendTransaction signs the list into the transaction.
    let mut send = listed.clone();
    send["gas"] = json!(format!("{gas:#x}"));
    let hash = rpc.ok("eth_sendTransaction", json!([send]));
    let r = rpc.ok("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(hex_u64(&r["gasUsed"]), with_list);
    let t = rpc.ok("eth_getTransactionByHash", json!([hash]));
    assert_eq!(t["accessList"], access_json(&expected));
    node.shutdown();
}
