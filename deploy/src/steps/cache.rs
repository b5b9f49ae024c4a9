//! Caching the programs (`deploy --cache`): ArbWasmCache.cacheProgram for each, so every
//! call starts for the cached init gas alone. nitro lets only chain owners and wasm cache
//! managers write the cache (anyone else's call reverts and burns its gas), so the
//! signer's right is asked first (ArbOwnerPublic.isChainOwner, ArbWasmCache.isCacheManager)
//! and a signer without it is refused before anything is sent. Afterwards
//! ArbWasmCache.codehashIsCached must say yes.

use alloy::primitives::Address;

use crate::bindings::{ArbOwnerPublic, ArbWasmCache, ARB_OWNER_PUBLIC, ARB_WASM_CACHE};
use crate::chain::{contract_error, Conn, Sent};
use crate::error::{Error, Result};
use crate::plan::Target;

/// Why the signer may write ArbWasmCache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ChainOwner,
    CacheManager,
}

/// The signer's right to cache, or [`Error::CacheRefused`] naming the chain's cache
/// managers (where `cargo stylus cache bid` goes instead).
pub async fn access(conn: &Conn, who: Address) -> Result<Access> {
    let owners = ArbOwnerPublic::new(ARB_OWNER_PUBLIC, conn.provider.clone());
    let cache = ArbWasmCache::new(ARB_WASM_CACHE, conn.provider.clone());
    let owner = owners
        .isChainOwner(who)
        .call()
        .await
        .map_err(|e| contract_error(conn, "ArbOwnerPublic.isChainOwner", e))?;
    if owner {
        return Ok(Access::ChainOwner);
    }
    let manager = cache
        .isCacheManager(who)
        .call()
        .await
        .map_err(|e| contract_error(conn, "ArbWasmCache.isCacheManager", e))?;
    if manager {
        return Ok(Access::CacheManager);
    }
    let managers = cache
        .allCacheManagers()
        .call()
        .await
        .map_err(|e| contract_error(conn, "ArbWasmCache.allCacheManagers", e))?;
    Err(Error::CacheRefused {
        signer: who,
        bid_through: managers.last().copied(),
    })
}

pub async fn is_cached(conn: &Conn, t: &Target) -> Result<bool> {
    let cache = ArbWasmCache::new(ARB_WASM_CACHE, conn.provider.clone());
    cache
        .codehashIsCached(t.program.codehash)
        .call()
        .await
        .map_err(|e| contract_error(conn, "ArbWasmCache.codehashIsCached", e))
}

/// Sends `cacheProgram(t.address)` and checks the codehash reads as cached.
pub async fn cache(conn: &Conn, t: &Target) -> Result<Sent> {
    let cache = ArbWasmCache::new(ARB_WASM_CACHE, conn.provider.clone());
    let tx = cache.cacheProgram(t.address).into_transaction_request();
    let sent = conn
        .send(&format!("caching {}", t.program.name), tx)
        .await?;
    if !is_cached(conn, t).await? {
        return Err(Error::Mismatch {
            step: format!("cache {}", t.program.name),
            detail: format!(
                "ArbWasmCache.codehashIsCached({}) is false after cacheProgram",
                t.program.codehash
            ),
        });
    }
    Ok(sent)
}
