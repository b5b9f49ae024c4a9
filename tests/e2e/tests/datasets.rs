//! Dataset records on the devnode, read back through standard ABI decoders: a published
//! version's digest, file hash, time and URI, and a pipeline's wrapped key. stylus-sdk 0.9
//! encodes a returned tuple that holds a string with a leading offset word, which alloy,
//! ethers and viem refuse; `getDataset` returns only static words and `datasetURI` the
//! string alone, so both decode as Solidity's would (checked here with alloy's strict
//! decoder, the one `call()` uses).

use alloy::primitives::{Bytes, B256};
use e2e::*;
use labelchain::bindings::IDatasetRegistry;

#[tokio::test]
async fn a_published_dataset_and_a_granted_key_read_back_with_a_standard_decoder() {
    let env = Env::start().await;
    require_time_travel!(env);
    let spec = Spec {
        items: 1,
        k: 1,
        threshold_bps: 10_000,
        ..Spec::default()
    };
    let (requester, task) = env.lbl_task(&spec).await;
    let l = env.labeller(lbl(10)).await;
    env.commit(&l, task, 0, 2).await;
    env.end_commit(task).await;
    env.reveal(&l, task, 0, 2).await;
    env.finalize(task, 0).await;
    let digest = env
        .admin
        .verifier()
        .taskProgress(task)
        .call()
        .await
        .unwrap()
        ._3;
    assert_ne!(digest, B256::ZERO);

    let datasets = IDatasetRegistry::new(env.a.datasets, requester.p());
    let file_hash = B256::repeat_byte(0x5e);
    let uri = "s3://labels/task-1/v0";
    let sent = requester
        .must(datasets.publishDataset(task, digest, file_hash, uri.into()))
        .await;
    let published_at = env.block_time(&sent).await;
    assert_eq!(datasets.datasetCount(task).call().await.unwrap(), 1);
    let d = datasets.getDataset(task, 0).call().await.unwrap();
    assert_eq!((d._0, d._1, d._2), (digest, file_hash, published_at));
    assert_eq!(datasets.datasetURI(task, 0).call().await.unwrap(), uri);
    let missing = datasets.datasetURI(task, 1).call().await.unwrap_err();
    let data = missing.as_revert_data().expect("a revert");
    assert_eq!(labelchain::errors::decode(&data).name, "UnknownDataset");

    let pipeline = env.actor().await;
    let key = Bytes::from(vec![0xab; 80]);
    requester
        .must(datasets.grantAccess(task, pipeline.addr, key.clone()))
        .await;
    assert_eq!(
        datasets
            .accessKey(task, pipeline.addr)
            .call()
            .await
            .unwrap(),
        key
    );
}
