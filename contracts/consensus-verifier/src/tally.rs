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

/// Spot-check draw in `0..10000` from the XOR of the item's revealed salts. The salts were
/// fixed at commit time, so no one can steer the draw after seeing others' reveals; the
/// only lever, withholding a reveal, costs the whole no-reveal slash.
pub fn audit_draw(seed: u128, task: u64, item: u32) -> u16 {
    let h = keccak_words(&[word(seed), word(task), word(item)]);
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
        assert_eq!(audit_draw(7, 1, 2), audit_draw(7, 1, 2));
        let draws: Vec<u16> = (0..200).map(|i| audit_draw(i, 1, 0)).collect();
        assert!(draws.iter().all(|d| *d < 10_000));
        let low = draws.iter().filter(|d| **d < 5_000).count();
        assert!((60..140).contains(&low), "{low} of 200 below half");
    }
}
