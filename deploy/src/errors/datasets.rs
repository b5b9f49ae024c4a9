//! The DatasetRegistry's errors.

use super::{shared, Sentences};
use crate::bindings::IDatasetRegistry::IDatasetRegistryErrors as E;

impl Sentences for E {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            E::DigestMismatch(e) => format!(
                "labels digest {} is not the task's current on-chain digest {}",
                e._0, e._1
            ),
            E::UnknownDataset(e) => format!("task {} has no dataset version {}", e._0, e._1),
            E::ZeroAddress(_) => shared::zero_address(),
            E::TaskNotOpen(e) => shared::task_not_open(e.0),
            E::NotRequester(e) => shared::not_requester(e._0, e._1),
            E::ItemOutOfRange(e) => shared::item_out_of_range(e._0, e._1),
        }
    }
}
