//! From the chain's item states to dataset rows: which items an export includes, and
//! each row's values. Export and verify both build rows here, so a verified directory
//! is one the export would write again from the same chain state.

use labelchain_dataset::{Row, Status as RowStatus};

use crate::history::{ItemState, Status};
use crate::manifest::Item;
use crate::protocol::Quality;

/// Which items an export holds (recorded in its provenance, so verify applies the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Every item with its status (true), or only accepted ones (the default).
    pub all: bool,
    /// Accepted items below this tier are left out (in either mode).
    pub min_tier: Option<Quality>,
}

impl Selection {
    pub fn includes(&self, s: &ItemState) -> bool {
        match s.status {
            Status::Accepted => match (self.min_tier, s.tier) {
                (Some(min), Some(tier)) => tier as u8 >= min as u8,
                _ => true,
            },
            _ => self.all,
        }
    }
}

/// Item `item`'s row: the chain's state joined with its manifest line. `classes` names
/// the labels (`classes[label]`).
pub fn row(item: &Item, s: &ItemState, classes: &[String]) -> Row {
    let status = match s.status {
        Status::Open => RowStatus::Open,
        Status::PendingAudit { .. } => RowStatus::PendingAudit,
        Status::Escalated { .. } => RowStatus::Escalated,
        Status::Accepted => RowStatus::Accepted,
        Status::Void { .. } => RowStatus::Void,
    };
    let label = match s.status {
        Status::PendingAudit { label, .. } => Some(label),
        _ => s.label,
    };
    Row {
        item: item.index,
        status,
        label,
        label_name: label.and_then(|l| classes.get(usize::from(l)).cloned()),
        tier: s.tier.map(|t| t as u8),
        votes: s.votes,
        commits: s.commits,
        agreement: (s.commits > 0).then(|| f64::from(s.votes) / f64::from(s.commits)),
        seq: s.seq,
        uri: item.uri.clone(),
        sha256: alloy::hex::encode(item.sha256),
        media_type: item.media_type.clone(),
        metadata: item.metadata.as_ref().map(|m| m.to_string()),
    }
}

/// A row with only `item`'s manifest columns (the chain's are those of an open item):
/// what verify compares the item columns of every file with.
pub fn item_only(item: &Item) -> Row {
    row(item, &ItemState::OPEN, &[])
}

/// The class names an export writes: the task's own (from its metadata) unless none are
/// recorded, then `given` (`--classes`), else `class_0`, `class_1`, …. Names given that
/// disagree with the task's are refused: an export must not rename the chain's labels.
pub fn class_names(
    task: &[String],
    given: Option<&[String]>,
    num_classes: u16,
) -> Result<Vec<String>, String> {
    let names = match (task.is_empty(), given) {
        (false, Some(g)) if g != task => {
            return Err(format!(
                "--classes {} disagrees with the task's recorded class names {}; drop --classes",
                g.join(","),
                task.join(",")
            ))
        }
        (false, _) => task.to_vec(),
        (true, Some(g)) => g.to_vec(),
        (true, None) => (0..num_classes).map(|i| format!("class_{i}")).collect(),
    };
    if names.len() != usize::from(num_classes) {
        return Err(format!(
            "{} class names for a task of {num_classes} classes; give --classes with {num_classes} names",
            names.len()
        ));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_tasks_own_class_names_win_and_disagreeing_ones_are_refused() {
        let task = names(&["cat", "dog"]);
        assert_eq!(class_names(&task, None, 2).unwrap(), task);
        assert_eq!(class_names(&task, Some(&task), 2).unwrap(), task);
        assert!(class_names(&task, Some(&names(&["dog", "cat"])), 2).is_err());
        assert_eq!(
            class_names(&[], None, 3).unwrap(),
            names(&["class_0", "class_1", "class_2"])
        );
        assert!(class_names(&[], Some(&names(&["a"])), 3).is_err());
    }
}
