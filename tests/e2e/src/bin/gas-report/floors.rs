//! Floors: what a call must cost by construction, whatever the code that does it. Each is
//! intrinsic 21,000 + the call's calldata (EIP-2028) + the logs it emitted (both taken from
//! the measured transaction, see [`crate::gas::Sample`]) + the storage traffic counted
//! here from the contracts (`contracts/*/src`), less the refunds it earns (EIP-3529: at
//! most a fifth of the gas used). Storage is priced per EIP-2929/2200 on distinct slots:
//! a slot only read 2,100 (cold); a slot changed x→y 5,000 (2,100 + 2,900); a slot
//! created 0→x 22,100; a slot already read and then changed 2,900; 2,600 for the first
//! call to each contract. Warm re-accesses (100 each), hashing, memory and Stylus's own
//! costs (program entry, ink) are left out, so a real call always costs more.
//!
//! The state is the cheapest one the measured calls meet ("steady state"): records that
//! exist are changed, not created (a labeller's reputation, credits, stake, the task's
//! digest), so each floor sits at or below the mean of the calls it is compared with
//! ([`check`] makes sure). The commit and reveal floors (single and batched) are means
//! over ballot positions (one commit in k creates the item's header, the n-th scans n
//! ballots), so one such call can cost less than its floor; the others bound every call.

use crate::lifecycle::{BATCH, DATASET_URI};

const TX: u64 = 21_000;
/// Cold SLOAD.
const COLD: u64 = 2_100;
/// SSTORE 0→x on a cold slot.
const NEW: u64 = 22_100;
/// SSTORE x→y (or x→0) on a cold slot.
const SET: u64 = 5_000;
/// SSTORE x→y on a slot this call already read.
const REWRITE: u64 = 2_900;
/// First call to a contract (cold account).
const CALL: u64 = 2_600;
/// ecrecover precompile.
const ECRECOVER: u64 = 3_000;
/// Refund of an SSTORE x→0 (EIP-3529 `SSTORE_CLEARS_SCHEDULE`).
const CLEAR: u64 = 4_800;
/// Refund of an SSTORE 0→x→0 within one call (20,000 − 100).
const UNDO: u64 = 19_900;

/// A function's storage traffic, priced, with how it was counted.
#[derive(Clone, Copy, Debug)]
pub struct Storage {
    pub gas: u64,
    pub refund: u64,
    /// The count, in words, for the report's derivation table.
    pub why: &'static str,
}

impl Storage {
    fn new(gas: u64, why: &'static str) -> Storage {
        Storage {
            gas,
            refund: 0,
            why,
        }
    }

    fn refund(self, refund: u64) -> Storage {
        Storage { refund, ..self }
    }

    /// The floor of one call with `calldata` and `logs` gas: refunds are capped at a fifth
    /// of the gross (EIP-3529), and gasUsed minus its capped refund only grows with the
    /// gross, so capping at the floor's own gross keeps it a floor.
    pub fn total(&self, calldata: u64, logs: u64) -> u64 {
        let gross = TX + calldata + logs + self.gas;
        gross - self.refund.min(gross / 5)
    }
}

/// Verifier → `registry.terms`: the registry slot, the call, six task words + the pause flag.
const TERMS: u64 = COLD + CALL + 7 * COLD;
/// Registry or dataset registry → `verifier.taskProgress`: the verifier slot, the call,
/// the task's counts and digest.
const PROGRESS: u64 = COLD + CALL + 2 * COLD;
/// Verifier → `escrow.lock`: escrow slot, the call, verifier check, free and locked.
const LOCK: u64 = COLD + CALL + COLD + SET + SET;
/// Verifier → `token.mintEmission` (any number of items): the token slot, the call; the
/// minter, cap and schedule's base, halving interval and pool read; the supply, the
/// schedule's emitted and verified counts and the escrow's balance changed.
const MINT: u64 = COLD + CALL + 5 * COLD + 4 * SET;
/// Verifier → `escrow.settle`, apart from its rows: the escrow slot, the call; the
/// verifier, stake-token, bounty-token and treasury slots read; the bounty's remaining
/// amount and the LBL owed changed.
const SETTLE: u64 = COLD + CALL + 4 * COLD + 2 * SET;
/// One settle row of a labeller who agreed: locked, free and the LBL credit (pay and
/// emission share one slot, the task being paid in LBL).
const ROW_PAID: u64 = 3 * SET;
/// One settle row of a labeller slashed: locked and free (the rest of the stake).
const ROW_SLASHED: u64 = 2 * SET;
/// Registry → `escrow.depositBounty` (+ the token's transferFrom): the escrow slot, the
/// call, the registry check, the bounty's token, requester, remaining and fee created, LBL
/// owed changed; the token call, the allowance, the requester's and the escrow's balances.
const DEPOSIT: u64 = COLD + CALL + COLD + 4 * NEW + SET + CALL + 3 * SET;

/// Slots a `bytes`/`string` of `len` bytes takes in storage (Solidity's layout, which
/// stylus-sdk's `StorageBytes` follows): one word up to 31 bytes, else a length word and
/// the data in ⌈len / 32⌉ words.
const fn bytes_slots(len: usize) -> u64 {
    if len < 32 {
        1
    } else {
        1 + len.div_ceil(32) as u64
    }
}

/// The floor's storage part of a function at k (`None`: no floor for that name).
pub fn storage(name: &str, k: u8) -> Option<Storage> {
    labelling(name, u64::from(k))
        .or_else(|| tasks(name))
        .or_else(|| staking(name))
}

/// The verifier's functions: commit, reveal, finality, audit.
fn labelling(name: &str, k: u64) -> Option<Storage> {
    // k-independent names are asked at k = 0; their arms are elsewhere, so any k ≥ 1 does.
    let k = k.max(1);
    let b = u64::from(BATCH);
    // Mean over ballot positions n = 0..k of 2,100·n (the duplicate scan), plus the item
    // header's creation, which one commit in k pays.
    let scan = COLD * (k - 1) / 2;
    let header_new = (NEW - SET) / k;
    Some(match name {
        "commit" => Storage::new(
            TERMS + COLD + SET + SET + header_new + scan + 2 * NEW + LOCK,
            "terms; reputation read; counts, header changed (header created once per item); \
             ballot scan; ballot and commitment created; escrow.lock (free, locked)",
        ),
        "commitBatch" => Storage::new(
            TERMS + COLD + SET + LOCK + b * (SET + header_new + scan + 2 * NEW),
            "terms; reputation read; counts changed; one escrow.lock; per entry as commit",
        ),
        "reveal" => Storage::new(
            TERMS + SET + COLD + scan + COLD + REWRITE,
            "terms; header changed; ballot scan; commitment read; ballot rewritten",
        ),
        "revealBatch" => Storage::new(
            TERMS + b * (SET + COLD + scan + COLD + REWRITE),
            "terms; per entry as reveal",
        ),
        "finalize (accepted)" => Storage::new(
            TERMS + COLD + REWRITE + k * COLD + k * SET + 2 * SET + MINT + SETTLE + k * ROW_PAID,
            "terms; header read and rewritten; k ballots read; k reputations, counts, digest \
             changed; token.mintEmission; escrow.settle with k paid rows",
        ),
        "finalize (escalated)" => Storage::new(
            TERMS + COLD + REWRITE + k * COLD + COLD,
            "terms; header read and rewritten; k ballots read; escrow slot read (nothing to \
             settle)",
        ),
        "finalizeBatch (accepted)" => Storage::new(
            TERMS
                + b * (COLD + REWRITE + k * COLD)
                + k * SET
                + 2 * SET
                + MINT
                + SETTLE
                + k * ROW_PAID,
            "terms; per item header read and rewritten and k ballots read; k reputations, \
             counts, digest changed once; one mintEmission; one settle with k paid rows",
        ),
        "audit (escalated)" => Storage::new(
            COLD + TERMS
                + COLD
                + REWRITE
                + k * COLD
                + k * SET
                + 2 * SET
                + MINT
                + SETTLE
                + ROW_PAID
                + (k - 1) * ROW_SLASHED
                + SET
                + COLD
                + 2 * SET,
            "auditor flag read; as finalize (accepted), with 1 paid row, k − 1 slashed rows, \
             the auditor's credit; requester read, requester's and treasury's credits changed",
        ),
        _ => return None,
    })
}

/// The registries' functions: a task's creation and end, its dataset.
fn tasks(name: &str) -> Option<Storage> {
    Some(match name {
        "createTask" => Storage::new(
            4 * COLD + SET + 7 * NEW + DEPOSIT,
            "pause flag, payment-token flag, parameters, emission rate read; task count \
             changed; 7 task words created; escrow.depositBounty (4 bounty words created, \
             owed changed; transferFrom: allowance spent to 0, two balances)",
        )
        .refund(CLEAR),
        "createTaskWithPermit" => Storage::new(
            4 * COLD + SET + 7 * NEW + DEPOSIT - SET + CALL + ECRECOVER + SET + NEW,
            "as createTask, plus token.permit (ecrecover, nonce changed, allowance created), \
             which the deposit then spends back to 0",
        )
        .refund(UNDO),
        "approve (escrow, requester)" => {
            Storage::new(NEW, "allowance created (the last deposit spent it to 0)")
        }
        "cancelTask" => Storage::new(
            7 * COLD + PROGRESS + REWRITE + COLD + CALL + COLD + 2 * SET + 2 * COLD + SET,
            "terms read (7 words); verifier.taskProgress; status word rewritten; \
             escrow.cancelBounty (registry check; remaining and fee cleared; token and \
             requester read; requester's credit changed)",
        )
        .refund(2 * CLEAR),
        "reclaim" => Storage::new(
            7 * COLD + PROGRESS + COLD + CALL + 4 * COLD + COLD + 2 * REWRITE + SET,
            "terms read (7 words); verifier.taskProgress; escrow.bountyOf (4 words read); \
             escrow.cancelBounty (registry check; remaining and fee cleared; requester's \
             credit changed)",
        )
        .refund(2 * CLEAR),
        "publishDataset" => Storage::new(
            TERMS + PROGRESS + (4 + bytes_slots(DATASET_URI.len())) * NEW,
            "registry.terms; verifier.taskProgress; version count, digest, file hash, \
             time and the URI's words created",
        ),
        _ => return None,
    })
}

/// The escrow's functions for labellers.
fn staking(name: &str) -> Option<Storage> {
    Some(match name {
        "claim" => Storage::new(
            SET + SET + CALL + 2 * SET,
            "credit cleared, owed changed; token.transfer: two balances",
        )
        .refund(CLEAR),
        "stake (first)" => Storage::new(
            COLD + NEW + SET + CALL + 3 * SET,
            "stake token read; free created; owed changed; transferFrom: allowance spent \
             to 0, two balances",
        )
        .refund(CLEAR),
        "stake (again)" => Storage::new(
            COLD + SET + SET + CALL + 3 * SET,
            "as stake (first), free changed",
        )
        .refund(CLEAR),
        "unstake" => Storage::new(
            COLD + SET + 2 * NEW,
            "unbonding period read; free changed; unbonding and its end created",
        ),
        "withdraw" => Storage::new(
            SET + COLD + COLD + SET + CALL + 2 * SET,
            "unbonding cleared; its end, stake token read; owed changed; token.transfer: \
             two balances",
        )
        .refund(CLEAR),
        _ => return None,
    })
}

/// Panics unless every function's mean gasUsed is at least its floor (with the mean
/// calldata and logs): a floor above what the calls cost means a count here is wrong, and
/// the report would publish it. Means, not each call: the commit and reveal floors are
/// means over ballot positions (one commit in k creates the header, the n-th scans n
/// ballots). Functions measured once (k = 0) are floored at the smallest k.
pub fn check(gas: &crate::gas::Gas) {
    for (name, k, samples) in gas.iter() {
        let Some(s) = storage(name, k.max(crate::lifecycle::KS[0])) else {
            continue;
        };
        let mean = |part: fn(&crate::gas::Sample) -> u64| {
            samples.iter().map(part).sum::<u64>() / samples.len() as u64
        };
        let floor = s.total(mean(|s| s.calldata), mean(|s| s.logs));
        let used = mean(|s| s.used);
        assert!(
            floor <= used,
            "{name} at k = {k} used {used} gas on average, below its floor {floor}: \
             recount floors.rs"
        );
    }
}

/// ERC-20 storage (the same for any implementation): balances and allowances.
pub fn erc20(name: &str) -> Storage {
    match name {
        "transfer to a new holder" => {
            Storage::new(SET + NEW, "sender's balance changed, holder's created")
        }
        "transfer to an existing holder" => Storage::new(2 * SET, "two balances changed"),
        "approve (new allowance)" => Storage::new(NEW, "allowance created"),
        "approve (change allowance)" => Storage::new(SET, "allowance changed"),
        "transferFrom to an existing holder" => {
            Storage::new(3 * SET, "allowance and two balances changed")
        }
        "transferFrom to a new holder" => Storage::new(
            2 * SET + NEW,
            "allowance and sender's balance changed, holder's created",
        ),
        other => panic!("no ERC-20 floor for {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refunds_take_at_most_a_fifth_of_the_gross() {
        let s = Storage::new(0, "nothing").refund(1_000_000);
        assert_eq!(s.total(0, 0), TX - TX / 5);
        let small = Storage::new(SET, "one slot cleared").refund(CLEAR);
        assert_eq!(small.total(100, 200), TX + 100 + 200 + SET - CLEAR);
    }

    #[test]
    fn a_long_uri_takes_a_length_word_and_its_data_words() {
        assert_eq!(bytes_slots(31), 1);
        assert_eq!(bytes_slots(32), 2);
        assert_eq!(bytes_slots(DATASET_URI.len()), 3);
    }

    #[test]
    fn every_function_of_the_report_has_a_floor_at_every_k() {
        for k in crate::lifecycle::KS {
            for name in [
                "finalize (accepted)",
                "audit (escalated)",
                "createTask",
                "cancelTask",
                "reclaim",
                "publishDataset",
            ] {
                assert!(storage(name, k).is_some(), "{name} at k = {k}");
            }
        }
        assert!(storage("no such function", 3).is_none());
    }

    #[test]
    fn finality_floors_grow_with_the_ballots_they_settle() {
        for name in [
            "finalize (accepted)",
            "finalizeBatch (accepted)",
            "audit (escalated)",
        ] {
            let at = |k| storage(name, k).map(|s| s.gas).unwrap_or_default();
            assert!(at(3) < at(5) && at(5) < at(7), "{name}");
        }
    }
}
