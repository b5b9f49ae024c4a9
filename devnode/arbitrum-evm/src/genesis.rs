//! What the chain holds before its first block: funded accounts, the precompiles'
//! placeholder code, the CREATE2 factory and the StylusDeployer (nitro-devnode's layout),
//! and the ArbOS state nitro-devnode's setup leaves: the dev account is the chain owner
//! and a cache manager is registered (here the native one).

use revm::primitives::{address, hex, Address, U256};

use crate::arbos::address_set::{CACHE_MANAGERS, CHAIN_OWNERS};
use crate::cache_manager;

/// nitro-devnode's pre-funded account.
pub const DEV_ACCOUNT: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Its private key (public knowledge: it is nitro-devnode's documented dev key).
pub const DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
/// The deterministic-deployment factory address tools expect.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// Our own EVM code for the factory's interface: calldata is `salt ‖ initcode`, the call's
/// value is the endowment, the reply is the new address as 20 bytes, and a failed
/// creation reverts with the init code's revert data. Assembled by hand:
/// `len = CALLDATASIZE-32; CALLDATACOPY(0,32,len); CREATE2(CALLVALUE,0,len,CALLDATALOAD(0));
/// if zero → copy and revert returndata; else MSTORE(0,addr); RETURN(12,20)`.
pub const CREATE2_FACTORY_CODE: &[u8] =
    &hex!("366020900380602060003760003590600034f580156020576000526014600cf35b3d6000803e3d6000fd");

/// Code of an account whose behaviour is native (precompiles, the deployer): INVALID,
/// as Arbitrum gives its precompiles, so EXTCODESIZE is non-zero.
pub const NATIVE_CODE: &[u8] = &[0xFE];

/// ETH given to each genesis account unless the caller says otherwise.
pub fn default_balance() -> U256 {
    U256::from(10u128.pow(6)) * U256::from(10u128.pow(18))
}

/// The storage words ArbOS holds at genesis, as (account, slot, value).
///
/// nitro-devnode makes its dev account the one chain owner (`becomeChainOwner` from the
/// dev key in `run-dev-node.sh`); the devnode starts that way, and anvil's accounts are not
/// owners (they can make themselves owners through `ArbDebug.becomeChainOwner`, as the
/// dev account does on nitro-devnode).
/// The native CacheManager is the one wasm cache manager, with nitro-contracts' default
/// cache size and decay.
pub fn arbos_storage() -> Vec<(Address, U256, U256)> {
    let at = |account: Address| move |(slot, value)| (account, slot, value);
    let owners = CHAIN_OWNERS.genesis_words(&[DEV_ACCOUNT]);
    let managers = CACHE_MANAGERS.genesis_words(&[cache_manager::ADDRESS]);
    owners
        .into_iter()
        .map(at(CHAIN_OWNERS.account()))
        .chain(managers.into_iter().map(at(CACHE_MANAGERS.account())))
        .chain(
            cache_manager::genesis_words()
                .into_iter()
                .map(at(cache_manager::ADDRESS)),
        )
        .collect()
}
