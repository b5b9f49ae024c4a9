//! The webhook target against tests/clients/webhook_receiver.py, a receiver that checks the
//! signature with Python's own hmac module and answers as scripted.

mod common;

use std::time::{Duration, Instant};

use common::{event, fast_policy, read_jsonl, runtime, Receiver, Script, SECRET};
use labelchain_trigger::{trigger, Delivery, Outcome, Target};
use serde_json::Value;

fn webhook(url: &str, secret: &[u8]) -> Target {
    Target::parse(url, Some(secret.to_vec())).expect("a webhook target")
}

/// Runs one trigger, returning the delivery and the log's lines.
fn run(target: &Target, attempts: u32) -> (Delivery, Vec<Value>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("logs/triggers.jsonl");
    let d = runtime()
        .block_on(trigger(&event(7, 2), target, &fast_policy(attempts), &log))
        .expect("trigger (a failed delivery is still Ok)");
    (d, read_jsonl(&log))
}

#[test]
fn the_receiver_verifies_the_signature_and_gets_the_event_with_its_key() {
    let rx = Receiver::start(SECRET, Script::default());
    let (d, log) = run(&webhook(&rx.url, SECRET), 3);
    assert_eq!(d.outcome, Outcome::Delivered, "{d:?}");
    assert_eq!((d.attempts, d.status), (1, Some(200)));
    assert_eq!(d.response, r#"{"received": 1}"#);

    let reqs = rx.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r["signature_valid"], true, "{r}");
    assert_eq!(r["path"], "/hooks/retrain");
    let body: labelchain_trigger::Event =
        serde_json::from_str(r["body"].as_str().expect("body")).expect("event JSON");
    assert_eq!(body, event(7, 2));
    let headers = &r["headers"];
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["idempotency-key"], event(7, 2).idempotency_key());
    assert_eq!(headers["x-labelchain-attempt"], "1");

    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "delivered");
    assert_eq!(log[0]["target"], rx.url);
}

#[test]
fn two_500s_are_retried_and_the_third_attempt_delivers_the_same_body_and_key() {
    let rx = Receiver::start(
        SECRET,
        Script {
            fail: 2,
            ..Script::default()
        },
    );
    let (d, log) = run(&webhook(&rx.url, SECRET), 5);
    assert_eq!(d.outcome, Outcome::Delivered, "{d:?}");
    assert_eq!((d.attempts, d.status), (3, Some(200)));

    let reqs = rx.requests();
    assert_eq!(reqs.len(), 3);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r["signature_valid"], true, "attempt {}: {r}", i + 1);
        assert_eq!(r["body"], reqs[0]["body"], "the same body on every attempt");
        assert_eq!(
            r["headers"]["idempotency-key"],
            event(7, 2).idempotency_key()
        );
        assert_eq!(r["headers"]["x-labelchain-attempt"], (i + 1).to_string());
    }

    assert_eq!(log.len(), 1, "one line per trigger, not per attempt");
    let l = &log[0];
    assert_eq!(
        (
            l["outcome"].as_str(),
            l["attempts"].as_u64(),
            l["status"].as_u64()
        ),
        (Some("delivered"), Some(3), Some(200))
    );
    assert_eq!(l["idempotency_key"], event(7, 2).idempotency_key());
    for field in ["start_time", "file_hash", "uri", "publish_tx"] {
        assert_eq!(
            l[field],
            serde_json::to_value(event(7, 2)).expect("json")[field],
            "{field}"
        );
    }
    assert_eq!(
        (l["task"].as_u64(), l["version"].as_u64()),
        (Some(7), Some(2))
    );
    assert!(
        l["logged_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{l}"
    );
    assert_eq!(l["run_id"], Value::Null);
}

#[test]
fn a_receiver_that_always_answers_500_gives_failed_after_every_attempt() {
    let rx = Receiver::start(
        SECRET,
        Script {
            fail: 100,
            ..Script::default()
        },
    );
    let (d, log) = run(&webhook(&rx.url, SECRET), 4);
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!((d.attempts, d.status), (4, Some(500)));
    assert_eq!(d.response, r#"{"error": "simulated failure 4"}"#);
    assert_eq!(rx.requests().len(), 4);
    let l = &log[0];
    assert_eq!(
        (
            l["outcome"].as_str(),
            l["attempts"].as_u64(),
            l["status"].as_u64()
        ),
        (Some("failed"), Some(4), Some(500))
    );
    assert_eq!(l["response"], d.response);
}

#[test]
fn a_400_is_not_retried() {
    let rx = Receiver::start(
        SECRET,
        Script {
            fail: 100,
            fail_status: Some(400),
            ..Script::default()
        },
    );
    let (d, _) = run(&webhook(&rx.url, SECRET), 5);
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!((d.attempts, d.status), (1, Some(400)));
    assert_eq!(rx.requests().len(), 1);
}

#[test]
fn a_wrong_secret_is_refused_by_the_receiver_and_not_retried() {
    let rx = Receiver::start(SECRET, Script::default());
    let (d, _) = run(&webhook(&rx.url, b"not-the-receivers-secret"), 5);
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!((d.attempts, d.status), (1, Some(401)));
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["signature_valid"], false);
}

#[test]
fn an_unreachable_receiver_is_retried_then_failed_with_the_reason() {
    let url = format!("http://127.0.0.1:{}/hook", common::free_port());
    let (d, log) = run(&webhook(&url, SECRET), 3);
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!((d.attempts, d.status), (3, None));
    assert!(
        d.response.starts_with("could not connect"),
        "{}",
        d.response
    );
    assert!(
        d.response.contains("refused"),
        "the OS's reason: {}",
        d.response
    );
    assert_eq!(log[0]["status"], Value::Null);
    assert_eq!(log[0]["response"], d.response);
}

#[test]
fn a_receiver_slower_than_the_timeout_is_retried_then_failed() {
    let rx = Receiver::start(
        SECRET,
        Script {
            delay: Some(3.0),
            ..Script::default()
        },
    );
    let policy = labelchain_trigger::RetryPolicy {
        timeout: Duration::from_millis(300),
        ..fast_policy(2)
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = runtime()
        .block_on(trigger(
            &event(7, 2),
            &webhook(&rx.url, SECRET),
            &policy,
            &dir.path().join("t.jsonl"),
        ))
        .expect("trigger");
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!((d.attempts, d.status), (2, None));
    assert!(d.response.starts_with("timed out"), "{}", d.response);
}

#[test]
fn a_429_retry_after_is_waited_for_up_to_max_backoff() {
    let rx = Receiver::start(
        SECRET,
        Script {
            fail: 1,
            fail_status: Some(429),
            retry_after: Some(1),
            ..Script::default()
        },
    );
    let policy = labelchain_trigger::RetryPolicy {
        max_backoff: Duration::from_secs(5),
        ..fast_policy(3)
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let start = Instant::now();
    let d = runtime()
        .block_on(trigger(
            &event(7, 2),
            &webhook(&rx.url, SECRET),
            &policy,
            &dir.path().join("t.jsonl"),
        ))
        .expect("trigger");
    assert_eq!(
        (d.outcome, d.attempts, d.status),
        (Outcome::Delivered, 2, Some(200))
    );
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited the server's Retry-After: {:?}",
        start.elapsed()
    );
}

#[test]
fn the_log_appends_a_line_per_trigger_and_never_records_credentials() {
    let rx = Receiver::start(SECRET, Script::default());
    let with_creds = rx.url.replace("http://", "http://ops:hunter2@") + "?token=sekrit";
    let target = webhook(&with_creds, SECRET);
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("nested/dir/triggers.jsonl");
    let rt = runtime();
    for version in [1, 2] {
        let d = rt
            .block_on(trigger(&event(7, version), &target, &fast_policy(1), &log))
            .expect("trigger");
        assert_eq!(d.outcome, Outcome::Delivered);
    }
    let text = std::fs::read_to_string(&log).expect("log");
    let lines = read_jsonl(&log);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["version"].as_u64(), lines[1]["version"].as_u64()),
        (Some(1), Some(2))
    );
    assert_ne!(
        lines[0]["idempotency_key"], lines[1]["idempotency_key"],
        "versions have distinct keys"
    );
    assert_eq!(lines[0]["target"], rx.url);
    for secret in ["hunter2", "sekrit", "whsec"] {
        assert!(
            !text.contains(secret),
            "the log must not contain `{secret}`: {text}"
        );
    }
}
