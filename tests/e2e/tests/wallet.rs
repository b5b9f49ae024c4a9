//! Wallet compatibility: `tests/clients/labelchain-wallet.mjs` (viem, as a browser wallet
//! would be driven) against an in-process devnode with the protocol deployed. It reads LBL
//! through viem's standard `erc20Abi`, signs EIP-2612 permits as EIP-712 typed data (what
//! `eth_signTypedData_v4` signs) — one submitted to `permit` by a relayer, one to
//! `createTaskWithPermit` — and signs EIP-1559 transactions to stake, commit and reveal.
//! Everything it reports is checked here against the chain through the typed bindings.

mod support;

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::sol_types::SolValue;
use labelchain::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow, ITaskRegistry};
use serde_json::Value;
use support::{clients_dir, key, lbl, node_script, Env};

fn u256(v: &Value) -> U256 {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, got {v}"))
        .parse()
        .expect("decimal")
}

#[tokio::test(flavor = "current_thread")]
async fn a_viem_wallet_reads_lbl_as_erc20_signs_permits_and_stakes_creates_commits_reveals() {
    let env = Env::start().await;
    let wallet_key = key("wallet");
    let relayer_key = key("relayer");
    let me = wallet_key.address();
    env.user(&wallet_key).await;
    env.user(&relayer_key).await;
    env.give_lbl(me, lbl(100)).await;
    let a = &env.addrs;
    let addresses = serde_json::json!({
        "token": a.token, "escrow": a.escrow, "registry": a.registry, "verifier": a.verifier,
    })
    .to_string();
    let hex_key = |k: &alloy::signers::local::PrivateKeySigner| {
        format!("0x{}", alloy::hex::encode(k.to_bytes()))
    };
    let script = clients_dir().join("labelchain-wallet.mjs");
    let url = env.url().to_string();
    let (wk, rk) = (hex_key(&wallet_key), hex_key(&relayer_key));
    let seen =
        tokio::task::spawn_blocking(move || node_script(&script, &[&url, &wk, &rk, &addresses]))
            .await
            .expect("the script ran");

    let p = env.admin.provider.clone();
    let token = IRewardToken::new(a.token, p.clone());
    assert_eq!(seen["chainId"], 412346);
    assert_eq!(
        seen["account"]
            .as_str()
            .unwrap()
            .parse::<Address>()
            .unwrap(),
        me
    );

    // ERC-20 metadata and balances as a wallet reads them.
    let e = &seen["erc20"];
    assert_eq!(e["name"], "Labelchain Reward");
    assert_eq!(e["symbol"], "LBL");
    assert_eq!(e["decimals"], 18);
    assert_eq!(e["balance"], lbl(100).to_string());
    assert_eq!(e["allowanceEscrow"], "0");
    assert!(u256(&e["totalSupply"]) >= lbl(100_000_000));

    // The EIP-712 domain the wallet built is the token's.
    let sep: B256 = seen["domainSeparator"].as_str().unwrap().parse().unwrap();
    assert_eq!(sep, token.DOMAIN_SEPARATOR().call().await.unwrap());

    // permit (relayed): allowance set, nonce used; then stake spent it.
    assert_eq!(seen["permit"]["allowance"], lbl(40).to_string());
    assert_eq!(seen["permit"]["nonce"], "1");
    let stake = IStakingEscrow::new(a.escrow, p.clone())
        .stakeOf(me)
        .call()
        .await
        .unwrap();
    assert_eq!(stake._0 + stake._1, lbl(40));
    assert_eq!(u256(&seen["stake"]["free"]), lbl(40));

    // createTaskWithPermit: the permit covered bounty + fee exactly.
    let task: u64 = seen["task"]["id"].as_str().unwrap().parse().unwrap();
    let (bounty, fee) = (u256(&seen["task"]["bounty"]), u256(&seen["task"]["fee"]));
    assert_eq!(bounty, lbl(2));
    let fee_bps = ITaskRegistry::new(a.registry, p.clone())
        .params()
        .call()
        .await
        .unwrap()
        ._0;
    assert_eq!(fee, bounty * U256::from(fee_bps) / U256::from(10_000));
    assert_eq!(
        seen["task"]["requester"]
            .as_str()
            .unwrap()
            .parse::<Address>()
            .unwrap(),
        me
    );
    assert_eq!(seen["allowanceAfterTask"], "0");
    assert_eq!(seen["nonceAfterTask"], "2");
    assert_eq!(token.nonces(me).call().await.unwrap(), U256::from(2));
    assert_eq!(
        token.balanceOf(me).call().await.unwrap(),
        lbl(100) - lbl(40) - bounty - fee
    );
    assert_eq!(u256(&seen["balance"]), lbl(100) - lbl(40) - bounty - fee);

    // commit + reveal: the commitment viem built is the protocol's, and the chain has it.
    let salt = keccak256([0x5a, 0x17]);
    let expected = keccak256(
        (
            U256::from(412346u64),
            a.verifier,
            U256::from(task),
            U256::ZERO,
            me,
            U256::from(2u8),
            salt,
        )
            .abi_encode(),
    );
    let commitment: B256 = seen["commit"]["commitment"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(commitment, expected);
    assert_eq!(seen["commit"]["event"], seen["commit"]["commitment"]);
    assert_eq!(seen["reveal"]["label"], 2);
    let item = IConsensusVerifier::new(a.verifier, p.clone())
        .getItem(task, 0)
        .call()
        .await
        .unwrap();
    assert_eq!(
        (item._1, item._2),
        (1, 1),
        "one commit, one reveal on chain"
    );
    let stake = IStakingEscrow::new(a.escrow, p.clone())
        .stakeOf(me)
        .call()
        .await
        .unwrap();
    assert_eq!(stake._1, lbl(5), "the commit locked stakePerLabel");

    // Every transaction the wallet signed was EIP-1559.
    let types = seen["txTypes"].as_array().unwrap();
    assert_eq!(
        types.len(),
        5,
        "permit, stake, createTaskWithPermit, commit, reveal"
    );
    assert!(types.iter().all(|t| t == "eip1559"), "{types:?}");
}
