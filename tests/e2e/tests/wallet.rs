//! Wallet compatibility: `tests/clients/labelchain-wallet.mjs` (viem, as a browser wallet
//! would be driven) against an in-process devnode with the protocol deployed. It reads LBL
//! through viem's standard `erc20Abi`, signs EIP-2612 permits as EIP-712 typed data (what
//! `eth_signTypedData_v4` signs) — one submitted to `permit` by a relayer, one to
//! `createTaskWithPermit` — and signs EIP-1559 transactions to stake, commit and reveal.
//! Everything it reports is checked here against the chain through the typed bindings.
//! And ERC-5267: `tests/clients/ethers-eip712.mjs` (ethers v6) discovers LBL's EIP-712
//! domain from `eip712Domain()` and signs a permit over it (the second test).

mod support;

use alloy::network::TransactionBuilder;
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::Provider;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{eip712_domain, Eip712Domain, SolCall, SolStruct, SolValue};
use labelchain::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow};
use labelchain::commands::ops;
use serde_json::Value;
use support::{clients_dir, key, lbl, node_script, Env};

fn u256(v: &Value) -> U256 {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, got {v}"))
        .parse()
        .expect("decimal")
}

fn address(v: &Value) -> Address {
    v.as_str()
        .unwrap_or_else(|| panic!("an address string, got {v}"))
        .parse()
        .expect("address")
}

fn hex_key(k: &PrivateKeySigner) -> String {
    format!("0x{}", alloy::hex::encode(k.to_bytes()))
}

/// The viem wallet's run: a funded wallet (100 LBL) and relayer, then
/// `labelchain-wallet.mjs` against the node; returns what it reports.
async fn run_viem_wallet(env: &Env, wallet_key: &PrivateKeySigner) -> Value {
    let relayer_key = key("relayer");
    env.user(wallet_key).await;
    env.user(&relayer_key).await;
    env.give_lbl(wallet_key.address(), lbl(100)).await;
    let a = &env.addrs;
    let addresses = serde_json::json!({
        "token": a.token, "escrow": a.escrow, "registry": a.registry, "verifier": a.verifier,
    })
    .to_string();
    let script = clients_dir().join("labelchain-wallet.mjs");
    let url = env.url().to_string();
    let (wk, rk) = (hex_key(wallet_key), hex_key(&relayer_key));
    tokio::task::spawn_blocking(move || node_script(&script, &[&url, &wk, &rk, &addresses]))
        .await
        .expect("the script ran")
}

/// ERC-20 metadata and balances as a wallet reads them, and the EIP-712 domain it built
/// is the token's.
async fn viem_read_lbl_as_erc20(env: &Env, seen: &Value) {
    let token = IRewardToken::new(env.addrs.token, env.admin.provider.clone());
    let e = &seen["erc20"];
    assert_eq!(e["name"], "Labelchain Reward");
    assert_eq!(e["symbol"], "LBL");
    assert_eq!(e["decimals"], 18);
    assert_eq!(e["balance"], lbl(100).to_string());
    assert_eq!(e["allowanceEscrow"], "0");
    assert!(u256(&e["totalSupply"]) >= lbl(100_000_000));
    let sep: B256 = seen["domainSeparator"].as_str().unwrap().parse().unwrap();
    assert_eq!(sep, token.DOMAIN_SEPARATOR().call().await.unwrap());
}

/// permit (relayed): allowance set, nonce used; then stake spent it.
async fn viem_permit_was_spent_by_stake(env: &Env, seen: &Value, me: Address) {
    assert_eq!(seen["permit"]["allowance"], lbl(40).to_string());
    assert_eq!(seen["permit"]["nonce"], "1");
    let stake = IStakingEscrow::new(env.addrs.escrow, env.admin.provider.clone())
        .stakeOf(me)
        .call()
        .await
        .unwrap();
    assert_eq!(stake._0 + stake._1, lbl(40));
    assert_eq!(u256(&seen["stake"]["free"]), lbl(40));
}

/// createTaskWithPermit: the permit covered bounty + fee exactly. Returns the task.
async fn viem_task_was_paid_by_permit(env: &Env, seen: &Value, me: Address) -> u64 {
    let a = &env.addrs;
    let p = env.admin.provider.clone();
    let token = IRewardToken::new(a.token, p.clone());
    let task: u64 = seen["task"]["id"].as_str().unwrap().parse().unwrap();
    let (bounty, fee) = (u256(&seen["task"]["bounty"]), u256(&seen["task"]["fee"]));
    assert_eq!(bounty, lbl(2));
    let fee_bps = ops::params(&env.admin, a).await.unwrap().fee_bps;
    assert_eq!(fee, bounty * U256::from(fee_bps) / U256::from(10_000));
    assert_eq!(address(&seen["task"]["requester"]), me);
    assert_eq!(seen["allowanceAfterTask"], "0");
    assert_eq!(seen["nonceAfterTask"], "2");
    assert_eq!(token.nonces(me).call().await.unwrap(), U256::from(2));
    assert_eq!(
        token.balanceOf(me).call().await.unwrap(),
        lbl(100) - lbl(40) - bounty - fee
    );
    assert_eq!(u256(&seen["balance"]), lbl(100) - lbl(40) - bounty - fee);
    task
}

/// commit + reveal: the commitment viem built is the protocol's, and the chain has it.
async fn viem_commit_and_reveal_are_on_chain(env: &Env, seen: &Value, me: Address, task: u64) {
    let a = &env.addrs;
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
    let item = IConsensusVerifier::new(a.verifier, env.admin.provider.clone())
        .getItem(task, 0)
        .call()
        .await
        .unwrap();
    assert_eq!(
        (item._1, item._2),
        (1, 1),
        "one commit, one reveal on chain"
    );
    let stake = IStakingEscrow::new(env.addrs.escrow, env.admin.provider.clone())
        .stakeOf(me)
        .call()
        .await
        .unwrap();
    assert_eq!(stake._1, lbl(5), "the commit locked stakePerLabel");
}

#[tokio::test(flavor = "current_thread")]
async fn a_viem_wallet_reads_lbl_as_erc20_signs_permits_and_stakes_creates_commits_reveals() {
    let env = Env::start().await;
    let wallet_key = key("wallet");
    let me = wallet_key.address();
    let seen = run_viem_wallet(&env, &wallet_key).await;
    assert_eq!(seen["chainId"], 412346);
    assert_eq!(address(&seen["account"]), me);

    viem_read_lbl_as_erc20(&env, &seen).await;
    viem_permit_was_spent_by_stake(&env, &seen, me).await;
    let task = viem_task_was_paid_by_permit(&env, &seen, me).await;
    viem_commit_and_reveal_are_on_chain(&env, &seen, me, task).await;

    // Every transaction the wallet signed was EIP-1559.
    let types = seen["txTypes"].as_array().unwrap();
    assert_eq!(
        types.len(),
        5,
        "permit, stake, createTaskWithPermit, commit, reveal"
    );
    assert!(types.iter().all(|t| t == "eip1559"), "{types:?}");
}

/// What LBL answers to `eip712Domain()`, read through the typed binding, and the domain it
/// names, which must hash to `DOMAIN_SEPARATOR()`. First the raw return data: ERC-5267
/// (and every client decoding it: alloy, ethers, viem) expects the seven values
/// ABI-encoded as a function's return parameters, as Solidity returns them — `bytes1` in
/// the first word — not as one tuple behind a leading offset.
async fn lbls_eip712_domain(env: &Env) -> (Eip712Domain, B256) {
    let a = &env.addrs;
    let p = env.admin.provider.clone();
    let token = IRewardToken::new(a.token, p.clone());
    let call = alloy::rpc::types::TransactionRequest::default()
        .with_to(a.token)
        .with_input(IRewardToken::eip712DomainCall {}.abi_encode());
    let raw = p.call(call).await.unwrap();
    let mut first_word = [0u8; 32];
    first_word[0] = 0x0f;
    assert_eq!(
        raw.get(..32),
        Some(&first_word[..]),
        "eip712Domain() returned {raw}: not ERC-5267's encoding (the first word must be the \
         bytes1 0x0f; a leading 0x20 is the offset of a tuple-wrapped return, which standard \
         clients cannot decode)"
    );
    let d = token.eip712Domain().call().await.unwrap();
    let chain_id = env.admin.chain_id;
    assert_eq!(
        d.fields.0,
        [0x0f],
        "name, version, chainId, verifyingContract"
    );
    assert_eq!(
        (d.name.as_str(), d.version.as_str()),
        ("Labelchain Reward", "1")
    );
    assert_eq!(
        (d.chainId, d.verifyingContract, d.salt),
        (U256::from(chain_id), a.token, B256::ZERO)
    );
    assert!(d.extensions.is_empty(), "no extensions");
    let domain = eip712_domain! {
        name: d.name.clone(),
        version: d.version.clone(),
        chain_id: chain_id,
        verifying_contract: a.token,
    };
    let separator = token.DOMAIN_SEPARATOR().call().await.unwrap();
    assert_eq!(
        domain.separator(),
        separator,
        "the ERC-5267 domain is the permit domain"
    );
    (domain, separator)
}

/// `ethers-eip712.mjs` run by the pinned ethers, for a funded owner holding 50 LBL and a
/// relayer; returns what it reports.
async fn run_ethers(env: &Env, owner_key: &PrivateKeySigner) -> Value {
    let relayer_key = key("ethers relayer");
    env.user(owner_key).await;
    env.user(&relayer_key).await;
    env.give_lbl(owner_key.address(), lbl(50)).await;
    let script = clients_dir().join("ethers-eip712.mjs");
    let args = [
        env.url().to_string(),
        hex_key(owner_key),
        hex_key(&relayer_key),
        env.addrs.token.to_string(),
        env.addrs.escrow.to_string(),
        lbl(30).to_string(),
    ];
    let seen = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        node_script(&script, &args)
    })
    .await
    .expect("the script ran");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(clients_dir().join("package.json")).unwrap())
            .unwrap();
    assert_eq!(seen["ethersVersion"], manifest["dependencies"]["ethers"]);
    assert!(seen["ethersVersion"].as_str().unwrap().starts_with("6."));
    seen
}

/// ethers read the same domain, and it hashes to the token's separator.
fn ethers_read_the_same_domain(seen: &Value, env: &Env, separator: B256) {
    let sd = &seen["domain"];
    assert_eq!(sd["fields"], "0x0f");
    assert_eq!(sd["name"], "Labelchain Reward");
    assert_eq!(sd["version"], "1");
    assert_eq!(sd["chainId"], env.admin.chain_id.to_string());
    assert_eq!(address(&sd["verifyingContract"]), env.addrs.token);
    assert_eq!(sd["salt"], B256::ZERO.to_string());
    assert_eq!(sd["extensions"], serde_json::json!([]));
    let sep: B256 = seen["domainSeparator"].as_str().unwrap().parse().unwrap();
    assert_eq!(sep, separator);
}

/// The digest ethers signed is the one alloy computes over the on-chain domain, and the
/// permit took effect on chain: allowance set, nonce used. The permit over another version
/// was refused as a wrong signer.
async fn ethers_permit_took_effect(env: &Env, seen: &Value, owner: Address, domain: &Eip712Domain) {
    let a = &env.addrs;
    let token = IRewardToken::new(a.token, env.admin.provider.clone());
    let permit = e2e::Permit {
        owner,
        spender: a.escrow,
        value: lbl(30),
        nonce: U256::ZERO,
        deadline: u256(&seen["permit"]["deadline"]),
    };
    let digest: B256 = seen["digest"].as_str().unwrap().parse().unwrap();
    assert_eq!(digest, permit.eip712_signing_hash(domain));
    assert_eq!(seen["permit"]["status"], 1);
    assert_eq!(seen["permit"]["nonceBefore"], "0");
    assert_eq!(seen["permit"]["nonceAfter"], "1");
    assert_eq!(token.nonces(owner).call().await.unwrap(), U256::from(1));
    assert_eq!(
        token.allowance(owner, a.escrow).call().await.unwrap(),
        lbl(30)
    );
    assert_eq!(u256(&seen["permit"]["allowance"]), lbl(30));
    let data: alloy::primitives::Bytes = seen["wrongDomainRevert"]
        .as_str()
        .expect("revert data")
        .parse()
        .unwrap();
    let refused = labelchain::errors::decode(&data);
    assert_eq!(refused.name, "ERC2612InvalidSigner", "{refused}");
}

/// ERC-5267: `tests/clients/ethers-eip712.mjs` (ethers v6, the version pinned in
/// `tests/clients/package.json`) discovers LBL's EIP-712 domain with `eip712Domain()`,
/// checks it hashes to `DOMAIN_SEPARATOR()`, signs an EIP-2612 permit over exactly that
/// domain and has a relayer submit it; a permit over an undeclared domain is refused.
#[tokio::test(flavor = "current_thread")]
async fn ethers_discovers_lbls_eip712_domain_by_erc_5267_and_signs_a_permit_over_it() {
    let env = Env::start().await;
    let owner_key = key("ethers owner");
    let owner = owner_key.address();
    let (domain, separator) = lbls_eip712_domain(&env).await;
    let seen = run_ethers(&env, &owner_key).await;
    ethers_read_the_same_domain(&seen, &env, separator);
    ethers_permit_took_effect(&env, &seen, owner, &domain).await;

    // And the allowance is spendable: the owner stakes with it, no approve sent.
    let a = &env.addrs;
    let token = IRewardToken::new(a.token, env.admin.provider.clone());
    let conn = env.admin.with_signer(owner_key.clone()).unwrap();
    let escrow = IStakingEscrow::new(a.escrow, conn.provider.clone());
    conn.send("stake", escrow.stake(lbl(30)).into_transaction_request())
        .await
        .expect("stake spends the permit's allowance");
    assert_eq!(escrow.stakeOf(owner).call().await.unwrap()._0, lbl(30));
    assert_eq!(
        token.allowance(owner, a.escrow).call().await.unwrap(),
        U256::ZERO
    );
}
