//! Consensus arithmetic, free of storage so it can be tested exhaustively.

use labelchain_protocol::{
    limits::{quality, BPS},
    math::{keccak_words, word},
};

/// Plurality of revealed labels: `(label, votes, unique)`. `None` when nothing was revealed.
pub fn plurality(labels: &[u8]) -> Option<(u8, u32, bool)> {
    let mut counts = [0u32; 256];
    let mut best: Option<(u8, u32, bool)> = None;
    for &l in labels {
        counts[l as usize] += 1;
        let c = counts[l as usize];
        best = match best {
            Some((bl, bc, _)) if c == bc && bl != l => Some((bl, bc, false)),
            Some((_, bc, _)) if c > bc => Some((l, c, true)),
            None => Some((l, c, true)),
            keep => keep,
        };
    }
    best
}

/// Whether `votes` of `commits` meet `threshold_bps` (non-revealers count against).
pub fn meets(votes: u32, commits: u32, threshold_bps: u16) -> bool {
    votes as u64 * BPS as u64 >= threshold_bps as u64 * commits as u64
}

/// Quality tier of an accepted consensus: Strong at >= 90 % or unanimous with at least
/// [`quality::STRONG_MIN_VOTES`] agreeing labellers, else Standard. The minimum keeps one
/// account (or two) from earning the 1.25x premium by agreeing with itself on a k = 1 task.
pub fn consensus_quality(votes: u32, commits: u32) -> u8 {
    let agreement = votes == commits || meets(votes, commits, quality::STRONG_AGREEMENT_BPS);
    if agreement && votes >= quality::STRONG_MIN_VOTES {
        quality::STRONG
    } else {
        quality::STANDARD
    }
}

/// Spot-check draw in `0..10000`: `keccak256(seed, task, item, blockHash)` with `seed`
/// the XOR of the item's revealed salts and `block_hash` one fixed after them (the
/// verifier passes the previous block's hash at finality, see `ConsensusVerifier::entropy`).
///
/// The salts alone do not do: a ring holding all k slots of an item chooses every salt,
/// so it can grind them off-chain before committing until the draw skips the spot-check.
/// The block hash does not exist yet when the salts are committed, so grinding them no
/// longer steers the draw. The salts stay in so that the block hash alone does not
/// decide it either. Withholding a reveal still changes the seed, but before the hash is
/// known, and it costs the whole no-reveal slash.
pub fn audit_draw(seed: u128, task: u64, item: u32, block_hash: [u8; 32]) -> u16 {
    let h = keccak_words(&[word(seed), word(task), word(item), block_hash]);
    let mut low = [0u8; 8];
    low.copy_from_slice(&h[24..]);
    (u64::from_be_bytes(low) % BPS as u64) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurality_finds_the_unique_winner_or_reports_a_tie() {
        assert_eq!(plurality(&[]), None);
        assert_eq!(plurality(&[3]), Some((3, 1, true)));
        assert_eq!(plurality(&[1, 2, 1]), Some((1, 2, true)));
        assert_eq!(plurality(&[1, 2]).map(|p| (p.1, p.2)), Some((1, false)));
        assert_eq!(
            plurality(&[2, 2, 1, 1]).map(|p| (p.1, p.2)),
            Some((2, false))
        );
        assert_eq!(plurality(&[2, 1, 1, 2, 2]), Some((2, 3, true)));
        assert_eq!(plurality(&[255, 255, 0]), Some((255, 2, true)));
    }

    #[test]
    fn threshold_counts_non_revealers_against() {
        assert!(meets(2, 3, 6_666));
        assert!(!meets(2, 3, 6_667));
        assert!(meets(3, 3, 10_000));
        assert!(!meets(2, 4, 5_001));
    }

    #[test]
    fn strong_quality_needs_ninety_percent_or_unanimity() {
        assert_eq!(consensus_quality(3, 3), quality::STRONG);
        assert_eq!(consensus_quality(2, 3), quality::STANDARD);
        assert_eq!(consensus_quality(9, 10), quality::STRONG);
        assert_eq!(consensus_quality(8, 10), quality::STANDARD);
    }

    #[test]
    fn strong_quality_needs_at_least_three_agreeing_labellers() {
        assert_eq!(consensus_quality(1, 1), quality::STANDARD);
        assert_eq!(consensus_quality(2, 2), quality::STANDARD);
        assert_eq!(consensus_quality(3, 3), quality::STRONG);
        assert_eq!(consensus_quality(3, 4), quality::STANDARD);
    }

    #[test]
    fn audit_draw_is_deterministic_and_spread() {
        let e = [7u8; 32];
        assert_eq!(audit_draw(7, 1, 2, e), audit_draw(7, 1, 2, e));
        let draws: Vec<u16> = (0..200).map(|i| audit_draw(i, 1, 0, e)).collect();
        assert!(draws.iter().all(|d| *d < 10_000));
        let low = draws.iter().filter(|d| **d < 5_000).count();
        assert!((60..140).contains(&low), "{low} of 200 below half");
    }

    /// The block hash alone moves the draw: the same salts, task and item, under
    /// different block hashes, land on both sides of a 50 % rate.
    #[test]
    fn the_block_hash_moves_the_draw_whatever_the_salts() {
        for seed in [0u128, 1, u128::MAX, 0x5a5a] {
            let draws: Vec<u16> = (0..64u8).map(|b| audit_draw(seed, 3, 4, [b; 32])).collect();
            assert!(
                draws.iter().any(|d| *d < 5_000),
                "seed {seed}: never audited"
            );
            assert!(
                draws.iter().any(|d| *d >= 5_000),
                "seed {seed}: always audited"
            );
        }
    }

    /// What a salt grinder exploits without the block hash: with the entropy fixed (as
    /// the XOR-only seed effectively had it), a ring choosing its seed finds one that
    /// skips the spot-check within a few tries. Under a block hash it does not know yet,
    /// the same chosen seed is audited at about the task's rate.
    #[test]
    fn a_seed_ground_against_one_block_hash_is_audited_at_the_rate_under_others() {
        let (task, rate) = (9u64, 5_000u16);
        let known = [0u8; 32];
        let mut audited = 0;
        for item in 0..200u32 {
            let ground = (0u128..)
                .find(|s| audit_draw(*s, task, item, known) >= rate)
                .expect("a skipping seed exists");
            assert!(audit_draw(ground, task, item, known) >= rate);
            let later = keccak_words(&[word(item), word(task)]).0;
            if audit_draw(ground, task, item, later) < rate {
                audited += 1;
            }
        }
        assert!((70..130).contains(&audited), "{audited} of 200 audited");
    }
}
