//! LBL (Stylus) against OpenZeppelin's ERC20 (Solidity): the same six calls in the same
//! order on the same chain, from the dev account (holder of both).

use alloy::primitives::{keccak256, Address, U256};
use alloy::rpc::types::TransactionRequest;
use labelchain::bindings::IRewardToken;
use labelchain::chain::Conn;

use crate::gas::{send, Sample};
use crate::support::{deploy_evm, key, node_script, Env};

/// The calls, in the order they are sent (each leaves the state the next one names).
pub const CALLS: [&str; 6] = [
    "transfer to a new holder",
    "transfer to an existing holder",
    "approve (new allowance)",
    "approve (change allowance)",
    "transferFrom to an existing holder",
    "transferFrom to a new holder",
];

/// OpenZeppelin's ERC20 compiled by npm solc (`tests/clients/oz-token.mjs`): the script's
/// JSON (`bytecode`, `openzeppelin` and `solc` versions).
pub fn compile_oz() -> serde_json::Value {
    eprintln!("gas-report: compiling OpenZeppelin's ERC20 with solc");
    node_script(&crate::support::clients_dir().join("oz-token.mjs"), &[])
}

/// One row: the call's samples on LBL and on OZ.
pub struct Row {
    pub name: &'static str,
    pub lbl: Sample,
    pub oz: Sample,
}

/// Deploys `oz` (the compiled script's JSON) on `env` and runs [`CALLS`] on LBL, then on it.
pub async fn compare(env: &Env, oz: &serde_json::Value) -> Vec<Row> {
    let hex = oz["bytecode"].as_str().expect("the script prints bytecode");
    let code = alloy::hex::decode(hex.trim_start_matches("0x")).expect("bytecode is hex");
    let (oz_token, _) = deploy_evm(&env.admin, "OZToken", &code, &[]).await;
    let spender = env.user(&key("gas spender")).await;
    let lbl = run(&env.admin, &spender, env.addrs.token).await;
    let oz = run(&env.admin, &spender, oz_token).await;
    CALLS
        .iter()
        .zip(lbl.into_iter().zip(oz))
        .map(|(&name, (lbl, oz))| Row { name, lbl, oz })
        .collect()
}

/// [`CALLS`] on `token`, held by `admin`; `spender` spends admin's allowance.
async fn run(admin: &Conn, spender: &Conn, token: Address) -> Vec<Sample> {
    let holder = Address::repeat_byte(0x77);
    let me = admin.from().expect("the dev account signs");
    let sp = spender.from().expect("the spender signs");
    let t = IRewardToken::new(token, admin.provider.clone());
    let ts = IRewardToken::new(token, spender.provider.clone());
    let fresh = Address::from_word(keccak256([1, token.as_slice()[0]]));
    let five = U256::from(5);
    let calls: [(&Conn, &str, TransactionRequest); 6] = [
        (
            admin,
            "t",
            t.transfer(holder, five).into_transaction_request(),
        ),
        (
            admin,
            "t",
            t.transfer(holder, five).into_transaction_request(),
        ),
        (
            admin,
            "a",
            t.approve(sp, U256::from(100)).into_transaction_request(),
        ),
        (
            admin,
            "a",
            t.approve(sp, U256::from(50)).into_transaction_request(),
        ),
        (
            spender,
            "tf",
            ts.transferFrom(me, holder, five).into_transaction_request(),
        ),
        (
            spender,
            "tf",
            ts.transferFrom(me, fresh, five).into_transaction_request(),
        ),
    ];
    let mut out = Vec::with_capacity(calls.len());
    for (who, what, tx) in calls {
        out.push(send(who, what, tx).await.1);
    }
    out
}
