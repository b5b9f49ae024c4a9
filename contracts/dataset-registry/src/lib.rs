#![allow(deprecated)] // sol_interface! in SDK 0.9 still takes the deprecated `stylus_sdk::call` contexts
//! # DatasetRegistry
//!
//! The on-chain end of the ML data pipeline (DESIGN.md section 5): every dataset version a
//! requester publishes from a task (labels digest, file hash, URI) and the dataset key
//! wrapped for each authorised pipeline.
//!
//! This was part of the TaskRegistry in the design; it lives in its own program because the
//! registry with it did not fit Stylus's 24 KiB compressed code limit. The split follows a
//! real seam: nothing here moves funds or changes a task, it only records what the chain
//! already decided, and it trusts nobody — it reads the task's requester from the registry
//! and the current labels digest from the verifier on every publication.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

mod merkle;

use alloc::{string::String, vec, vec::Vec};
use alloy_primitives::{Address, B256, U64};
use labelchain_protocol::{
    calls::{ITaskTerms, IVerifierProgress},
    clock,
    math::{keccak_words, word},
    terms::status,
    TaskTerms,
};
use stylus_sdk::{
    abi::Bytes,
    call::Call,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBytes, StorageMap, StorageU64, StorageVec},
};

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// Version `version` (0-based) of the task's dataset.
        #[derive(Debug)]
        event DatasetPublished(uint64 indexed task, uint32 indexed version, bytes32 labelsDigest, bytes32 fileHash, string uri);
        /// An empty `wrappedKey` means the pipeline's access was revoked.
        #[derive(Debug)]
        event AccessGranted(uint64 indexed task, address indexed pipeline, bytes wrappedKey);

        /// No such task, or it was cancelled.
        #[derive(Debug)]
        error TaskNotOpen(uint64 task);
        /// Only the task's requester may do this.
        #[derive(Debug)]
        error NotRequester(uint64 task, address requester);
        /// A dataset must name the labels digest the chain holds now (`onchain`), and at
        /// least one item must be final.
        #[derive(Debug)]
        error DigestMismatch(bytes32 onchain, bytes32 given);
        #[derive(Debug)]
        error ZeroAddress();
        /// No dataset with that version.
        #[derive(Debug)]
        error UnknownDataset(uint64 task, uint32 version);
        /// Items are numbered `0..itemCount`; a proof for any other index proves nothing
        /// about the task (a tree padded by the requester could still "contain" it).
        #[derive(Debug)]
        error ItemOutOfRange(uint32 item, uint32 itemCount);
    }
}

#[derive(SolidityError, Debug)]
pub enum Error {
    TaskNotOpen(TaskNotOpen),
    NotRequester(NotRequester),
    DigestMismatch(DigestMismatch),
    ZeroAddress(ZeroAddress),
    UnknownDataset(UnknownDataset),
    ItemOutOfRange(ItemOutOfRange),
    #[cfg(not(feature = "export-abi"))]
    Bubbled(labelchain_protocol::Bubbled),
}

labelchain_protocol::reraise_call_errors!(Error);

/// One published dataset version.
#[storage]
pub struct Dataset {
    labels_digest: StorageB256,
    file_hash: StorageB256,
    published_at: StorageU64,
    uri: StorageBytes,
}

#[entrypoint]
#[storage]
pub struct DatasetRegistry {
    registry: StorageAddress,
    verifier: StorageAddress,
    datasets: StorageMap<u64, StorageVec<Dataset>>,
    /// task => pipeline => data key encrypted to that pipeline's X25519 public key.
    access_keys: StorageMap<u64, StorageMap<Address, StorageBytes>>,
}

#[public]
impl DatasetRegistry {
    #[constructor]
    pub fn constructor(&mut self, registry: Address, verifier: Address) -> Result<(), Error> {
        if registry.is_zero() || verifier.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.registry.set(registry);
        self.verifier.set(verifier);
        Ok(())
    }

    /// Records a dataset version exported from the task. `labels_digest` must be the
    /// task's digest on chain right now, so every published dataset names a state the
    /// chain actually reached. Returns the version number (from 0). Requester only.
    pub fn publish_dataset(
        &mut self,
        task: u64,
        labels_digest: B256,
        file_hash: B256,
        uri: String,
    ) -> Result<u32, Error> {
        self.only_requester(task)?;
        let verifier = self.verifier.get();
        let (.., onchain) =
            IVerifierProgress::new(verifier).task_progress(Call::new_in(self), task)?;
        if onchain != labels_digest || onchain.is_zero() {
            return Err(DigestMismatch {
                onchain,
                given: labels_digest,
            }
            .into());
        }
        let now = clock::now(self.vm());
        let mut versions = self.datasets.setter(task);
        let version = versions.len() as u32;
        let mut d = versions.grow();
        d.labels_digest.set(labels_digest);
        d.file_hash.set(file_hash);
        d.published_at.set(U64::from(now));
        d.uri.set_bytes(uri.as_bytes());
        log(
            self.vm(),
            DatasetPublished {
                task,
                version,
                labelsDigest: labels_digest,
                fileHash: file_hash,
                uri,
            },
        );
        Ok(version)
    }

    /// Stores the dataset key wrapped (encrypted) to `pipeline`'s X25519 public key; an
    /// empty key revokes the pipeline's access. Requester only.
    pub fn grant_access(
        &mut self,
        task: u64,
        pipeline: Address,
        wrapped_key: Bytes,
    ) -> Result<(), Error> {
        self.only_requester(task)?;
        if pipeline.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.access_keys
            .setter(task)
            .setter(pipeline)
            .set_bytes(wrapped_key.as_slice());
        log(
            self.vm(),
            AccessGranted {
                task,
                pipeline,
                wrappedKey: wrapped_key.0.into(),
            },
        );
        Ok(())
    }

    pub fn dataset_count(&self, task: u64) -> u32 {
        self.datasets.getter(task).len() as u32
    }

    /// `(labelsDigest, fileHash, publishedAt)` of one dataset version; its URI is
    /// [`Self::dataset_uri`]. Two calls rather than one tuple with a string in it:
    /// stylus-sdk 0.9 encodes a returned tuple that holds a dynamic value with a leading
    /// offset word (OffchainLabs/stylus-sdk-rs#308), which standard ABI decoders refuse;
    /// an all-static tuple, or a lone string, encodes exactly as Solidity's would.
    pub fn get_dataset(&self, task: u64, version: u32) -> Result<(B256, B256, u64), Error> {
        let versions = self.datasets.getter(task);
        let d = versions
            .getter(version as usize)
            .ok_or(UnknownDataset { task, version })?;
        Ok((
            d.labels_digest.get(),
            d.file_hash.get(),
            d.published_at.get().to(),
        ))
    }

    /// Where dataset version `version` of `task` is stored (the URI given at publication).
    #[selector(name = "datasetURI")]
    pub fn dataset_uri(&self, task: u64, version: u32) -> Result<String, Error> {
        let versions = self.datasets.getter(task);
        let d = versions
            .getter(version as usize)
            .ok_or(UnknownDataset { task, version })?;
        // Only valid UTF-8 (an ABI `string`) is ever stored.
        Ok(String::from_utf8(d.uri.get_bytes()).unwrap_or_default())
    }

    pub fn access_key(&self, task: u64, pipeline: Address) -> Bytes {
        self.access_keys
            .getter(task)
            .getter(pipeline)
            .get_bytes()
            .into()
    }

    /// Whether item `item` with content hash `content_hash` (the file's sha256) belongs to
    /// the task's `dataRoot`: an OpenZeppelin standard Merkle tree over
    /// `(uint256 index, bytes32 sha256)` leaves, `keccak256(keccak256(abi.encode(index,
    /// sha256)))`, sorted-pair hashing. Lets a labelling client or a training pipeline check
    /// that the content it was served is the item the requester committed to.
    pub fn verify_item(
        &self,
        task: u64,
        item: u32,
        content_hash: B256,
        proof: Vec<B256>,
    ) -> Result<bool, Error> {
        let registry = self.registry.get();
        let (w0, w1, w2, reward, stake, cap) =
            ITaskTerms::new(registry).terms(Call::new(), task)?;
        let item_count = TaskTerms::unpack([w0, w1, w2], reward, stake, cap).item_count;
        if item >= item_count {
            return Err(ItemOutOfRange {
                item,
                itemCount: item_count,
            }
            .into());
        }
        let root = ITaskTerms::new(registry).data_root(Call::new(), task)?;
        let inner = keccak_words(&[word(item), content_hash.0]);
        let leaf = keccak_words(&[inner.0]);
        Ok(merkle::verify(&proof, root, leaf))
    }

    /// `(registry, verifier)` this program reads tasks and digests from.
    pub fn wiring(&self) -> (Address, Address) {
        (self.registry.get(), self.verifier.get())
    }
}

impl DatasetRegistry {
    fn only_requester(&mut self, task: u64) -> Result<(), Error> {
        let registry = self.registry.get();
        let (w0, w1, w2, reward, stake, cap) =
            ITaskTerms::new(registry).terms(Call::new_in(self), task)?;
        let t = TaskTerms::unpack([w0, w1, w2], reward, stake, cap);
        if t.status != status::OPEN {
            return Err(TaskNotOpen { task }.into());
        }
        if self.vm().msg_sender() != t.requester {
            return Err(NotRequester {
                task,
                requester: t.requester,
            }
            .into());
        }
        Ok(())
    }
}
