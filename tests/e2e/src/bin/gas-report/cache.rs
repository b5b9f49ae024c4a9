//! Caching the five programs, as a chain owner can with ArbOS ≥ 31's
//! `ArbWasmCache.cacheProgram` (nitro `precompiles/ArbWasmCache.go`); on the devnode the
//! dev account is the genesis chain owner. Each program is checked cached afterwards, so
//! the cached run cannot silently measure uncached programs.

use alloy::primitives::{keccak256, Address};
use alloy::providers::Provider;
use devnode::arbos::precompiles::ARB_WASM_CACHE;

use crate::gas::send;
use crate::support::Env;

alloy::sol!(
    #[sol(rpc)]
    "../../abi/arbitrum/ArbWasmCache.sol"
);

/// The five programs of the deployment.
fn programs(env: &Env) -> [(&'static str, Address); 5] {
    let a = &env.addrs;
    [
        ("token", a.token),
        ("escrow", a.escrow),
        ("registry", a.registry),
        ("verifier", a.verifier),
        ("datasets", a.datasets),
    ]
}

/// Caches every program of `env`'s deployment from the dev account.
pub async fn all_programs(env: &Env) {
    let cache = ArbWasmCache::new(ARB_WASM_CACHE, env.admin.provider.clone());
    for (what, address) in programs(env) {
        let tx = cache.cacheProgram(address).into_transaction_request();
        send(&env.admin, &format!("cacheProgram({what})"), tx).await;
        let code = env
            .admin
            .provider
            .get_code_at(address)
            .await
            .expect("program code");
        let cached = cache
            .codehashIsCached(keccak256(&code))
            .call()
            .await
            .expect("codehashIsCached");
        assert!(cached, "the {what} program is cached after cacheProgram");
    }
}
