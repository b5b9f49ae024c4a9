//! Gas per protocol call, as measured on the devnode with the real programs
//! (`tests/bench/GAS.md`, k = 3, batches of four: per-entry figures). Attackers pay it;
//! the simulator values it at the scenario's gas price and ETH price.

#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Gas {
    pub create_task: u64,
    /// Per label in a `commitBatch` / `revealBatch`, per item in a `finalizeBatch`.
    pub commit: u64,
    pub reveal: u64,
    pub finalize_item: u64,
    pub audit: u64,
    pub claim: u64,
    /// A call the contracts refuse (intrinsic gas plus the checks up to the revert).
    pub refused_call: u64,
}

impl Default for Gas {
    fn default() -> Self {
        Gas {
            create_task: 392_821,
            commit: 96_732,
            reveal: 42_476,
            finalize_item: 95_213,
            audit: 364_877,
            claim: 91_698,
            refused_call: 60_000,
        }
    }
}

impl Gas {
    /// USD cost of `gas` units at `gwei` per gas and `eth_usd`.
    pub fn usd(gas: u64, gwei: f64, eth_usd: f64) -> f64 {
        gas as f64 * gwei * 1e-9 * eth_usd
    }
}
