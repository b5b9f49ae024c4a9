//! The MLflow target against a real `mlflow server`, checked with the `mlflow` Python client
//! (tests/clients/mlflow_check.py), not with the crate's own REST code.

mod common;

use common::{event, fast_policy, read_jsonl, runtime, Mlflow};
use labelchain_trigger::{trigger, Delivery, Event, Outcome, Target, MLFLOW_KEY_TAG};
use serde_json::{json, Value};

fn target(server: &Mlflow, experiment: &str) -> Target {
    let spec = format!("mlflow+{}#{experiment}", server.uri);
    Target::parse(&spec, None).expect("an MLflow target")
}

fn run(ev: &Event, target: &Target, log: &std::path::Path) -> Delivery {
    runtime()
        .block_on(trigger(ev, target, &fast_policy(3), log))
        .expect("trigger")
}

#[test]
fn a_trigger_makes_a_tagged_run_with_the_dataset_as_its_training_input() {
    let server = common::mlflow();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("triggers.jsonl");
    let ev = event(11, 3);
    let d = run(&ev, &target(&server, "retrain-tagged"), &log);
    assert_eq!(d.outcome, Outcome::Delivered, "{d:?}");
    assert_eq!(d.attempts, 1);
    let run_id = d.run_id.clone().expect("run id");
    assert!(d.response.starts_with("created run"), "{}", d.response);

    let seen = server.check("retrain-tagged");
    let runs = seen["runs"].as_array().expect("the experiment was created");
    assert_eq!(runs.len(), 1);
    let r = &runs[0];
    assert_eq!(r["run_id"], run_id.as_str());
    assert_eq!(r["run_name"], "labelchain task 11 v3");
    assert_eq!(
        r["start_time"], 1_796_279_400_250u64,
        "2026-12-03T06:30:00.250Z in ms"
    );
    let tags = &r["tags"];
    let expected = [
        ("labelchain.chain_id", "421614".to_string()),
        ("labelchain.registry", ev.registry.clone()),
        ("labelchain.task", "11".into()),
        ("labelchain.version", "3".into()),
        ("labelchain.labels_digest", ev.labels_digest.clone()),
        ("labelchain.file_hash", ev.file_hash.clone()),
        ("labelchain.uri", ev.uri.clone()),
        ("labelchain.publish_tx", ev.publish_tx.clone()),
        ("labelchain.start_time", ev.start_time.clone()),
        (MLFLOW_KEY_TAG, ev.idempotency_key()),
    ];
    for (k, v) in expected {
        assert_eq!(tags[k], v.as_str(), "tag {k}");
    }

    let inputs = r["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 1);
    let input = &inputs[0];
    assert_eq!(input["name"], "labelchain-task-11");
    assert_eq!(
        input["digest"],
        ev.file_hash[2..38],
        "the first 36 hex digits (MLflow's limit)"
    );
    assert_eq!(input["source_type"], "labelchain");
    let source: Value =
        serde_json::from_str(input["source"].as_str().expect("source")).expect("JSON source");
    assert_eq!(
        source,
        json!({"uri": ev.uri, "chain_id": 421614, "registry": ev.registry, "task": 11, "version": 3})
    );
    assert_eq!(input["tags"]["mlflow.data.context"], "training");

    let lines = read_jsonl(&log);
    assert_eq!(lines[0]["run_id"], run_id.as_str());
    assert_eq!(
        lines[0]["target"],
        format!("mlflow+{}#retrain-tagged", server.uri)
    );
}

#[test]
fn a_second_trigger_of_the_same_version_reuses_the_run() {
    let server = common::mlflow();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("triggers.jsonl");
    let t = target(&server, "retrain-twice");
    let first = run(&event(12, 1), &t, &log);
    // A re-run starts later but is the same dataset version: the same key, the same run.
    let again = Event {
        start_time: "2026-12-04T00:00:00Z".into(),
        ..event(12, 1)
    };
    let second = run(&again, &t, &log);
    assert_eq!(first.outcome, Outcome::Delivered, "{first:?}");
    assert_eq!(second.outcome, Outcome::Delivered, "{second:?}");
    assert_eq!(second.run_id, first.run_id);
    assert!(
        second.response.starts_with("existing run"),
        "{}",
        second.response
    );

    let runs = server.check("retrain-twice")["runs"]
        .as_array()
        .cloned()
        .expect("runs");
    assert_eq!(runs.len(), 1, "one run in the experiment: {runs:?}");
    assert_eq!(
        runs[0]["inputs"].as_array().map(Vec::len),
        Some(1),
        "one dataset input"
    );
    assert_eq!(read_jsonl(&log).len(), 2, "both triggers logged");

    // The next version is a new run.
    let next = run(&event(12, 2), &t, &log);
    assert_ne!(next.run_id, first.run_id);
    assert_eq!(
        server.check("retrain-twice")["runs"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn the_default_experiment_is_labelchain() {
    let server = common::mlflow();
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Target::parse(&format!("mlflow+{}", server.uri), None).expect("target");
    let d = run(&event(13, 1), &t, &dir.path().join("t.jsonl"));
    assert_eq!(d.outcome, Outcome::Delivered, "{d:?}");
    let runs = server.check("labelchain")["runs"]
        .as_array()
        .cloned()
        .expect("experiment labelchain");
    assert!(
        runs.iter()
            .any(|r| r["run_id"] == d.run_id.as_deref().unwrap_or("")),
        "{runs:?}"
    );
}

#[test]
fn an_unreachable_tracking_server_is_retried_then_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = format!("mlflow+http://127.0.0.1:{}#x", common::free_port());
    let t = Target::parse(&spec, None).expect("target");
    let d = run(&event(14, 1), &t, &dir.path().join("t.jsonl"));
    assert_eq!(
        (d.outcome, d.attempts, d.status),
        (Outcome::Failed, 3, None)
    );
    assert!(
        d.response
            .starts_with("experiments/get-by-name: could not connect"),
        "{}",
        d.response
    );
}
