//! The crate's pure parts: target specs, the idempotency key, the signature and bad input.

mod common;

use common::{event, fast_policy, runtime};
use labelchain_trigger::{signature, trigger, Error, Event, Target};

#[test]
fn an_http_url_is_a_webhook_and_needs_a_secret() {
    let t = Target::parse(
        "https://ml.example.com/hooks/retrain",
        Some(b"s3cret".to_vec()),
    )
    .expect("webhook");
    assert_eq!(
        t,
        Target::Webhook {
            url: "https://ml.example.com/hooks/retrain".into(),
            secret: b"s3cret".to_vec()
        }
    );
    assert!(matches!(
        Target::parse("http://127.0.0.1:9/hook", None),
        Err(Error::MissingSecret)
    ));
    assert!(matches!(
        Target::parse("http://127.0.0.1:9/hook", Some(Vec::new())),
        Err(Error::MissingSecret)
    ));
}

#[test]
fn an_mlflow_spec_names_the_server_and_optionally_the_experiment() {
    let t = Target::parse("mlflow+http://127.0.0.1:5000#vision", None).expect("mlflow");
    assert_eq!(
        t,
        Target::Mlflow {
            tracking_uri: "http://127.0.0.1:5000".into(),
            experiment: "vision".into()
        }
    );
    let t = Target::parse("mlflow+https://mlflow.example.com/", None).expect("mlflow");
    assert_eq!(
        t,
        Target::Mlflow {
            tracking_uri: "https://mlflow.example.com".into(),
            experiment: "labelchain".into()
        }
    );
}

#[test]
fn other_specs_are_refused_with_the_accepted_forms() {
    for spec in [
        "ftp://host/x",
        "mlflow://host:5000",
        "hooks.example.com",
        "",
    ] {
        match Target::parse(spec, Some(b"k".to_vec())) {
            Err(e @ Error::UnknownTarget { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("http(s)://") && msg.contains("mlflow+http(s)://"),
                    "{msg}"
                );
            }
            other => panic!("{spec:?}: {other:?}"),
        }
    }
    assert!(matches!(
        Target::parse("mlflow+ftp://host", None),
        Err(Error::BadTarget { .. })
    ));
    assert!(matches!(
        Target::parse("http://", Some(b"k".to_vec())),
        Err(Error::BadTarget { .. })
    ));
}

#[test]
fn debug_and_redacted_forms_hide_credentials() {
    let t = Target::parse(
        "https://ops:pw@ml.example.com/hook?token=abc",
        Some(b"topsecret".to_vec()),
    )
    .expect("t");
    assert_eq!(t.redacted(), "https://ml.example.com/hook");
    let dbg = format!("{t:?}");
    assert!(
        !dbg.contains("topsecret") && !dbg.contains("pw") && !dbg.contains("abc"),
        "{dbg}"
    );
}

#[test]
fn the_idempotency_key_depends_on_the_version_identity_only() {
    let e = event(7, 2);
    let key = e.idempotency_key();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    let later = Event {
        start_time: "2027-01-01T00:00:00Z".into(),
        uri: "gs://elsewhere".into(),
        ..e.clone()
    };
    assert_eq!(later.idempotency_key(), key, "a redelivery keeps its key");
    let lower = Event {
        registry: e.registry.to_lowercase(),
        ..e.clone()
    };
    assert_eq!(lower.idempotency_key(), key, "address case does not matter");
    for other in [
        Event {
            version: 3,
            ..e.clone()
        },
        Event {
            task: 8,
            ..e.clone()
        },
        Event {
            chain_id: 1,
            ..e.clone()
        },
        Event {
            file_hash: format!("0x{}", "00".repeat(32)),
            ..e.clone()
        },
        Event {
            registry: "0x0000000000000000000000000000000000000001".into(),
            ..e.clone()
        },
    ] {
        assert_ne!(other.idempotency_key(), key, "{other:?}");
    }
}

#[test]
fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
    // Computed independently: python3 -c "import hmac,hashlib;
    //   print(hmac.new(b'whsec_test', b'1700000000.{\"task\":7}', hashlib.sha256).hexdigest())"
    assert_eq!(
        signature(b"whsec_test", 1_700_000_000, br#"{"task":7}"#),
        "t=1700000000,v1=2a0454ff2d4655699729c38f0ff1535508c6f8508b430e8c011f8007c22e2ded"
    );
}

#[test]
fn the_event_json_has_the_documented_field_names() {
    let v = serde_json::to_value(event(7, 2)).expect("json");
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "chain_id",
            "encrypted",
            "file_hash",
            "labels_digest",
            "publish_tx",
            "registry",
            "start_time",
            "task",
            "uri",
            "version"
        ]
    );
}

#[test]
fn bad_input_is_an_error_and_nothing_is_sent_or_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("t.jsonl");
    // Port 9 (discard) is never contacted: validation comes first.
    let t = Target::parse("http://127.0.0.1:9/hook", Some(b"k".to_vec())).expect("t");
    let rt = runtime();
    let bad_time = Event {
        start_time: "yesterday".into(),
        ..event(7, 2)
    };
    let err = rt
        .block_on(trigger(&bad_time, &t, &fast_policy(1), &log))
        .expect_err("bad start_time");
    assert!(
        matches!(
            err,
            Error::BadEvent {
                field: "start_time",
                ..
            }
        ),
        "{err}"
    );
    let bad_hash = Event {
        file_hash: "abc".into(),
        ..event(7, 2)
    };
    let err = rt
        .block_on(trigger(&bad_hash, &t, &fast_policy(1), &log))
        .expect_err("bad file_hash");
    assert!(
        matches!(
            err,
            Error::BadEvent {
                field: "file_hash",
                ..
            }
        ),
        "{err}"
    );
    assert!(!log.exists());
}

#[test]
fn an_unwritable_log_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The log path is a directory: the delivery is attempted, the record cannot be written.
    let t = Target::parse(
        &format!("http://127.0.0.1:{}/hook", common::free_port()),
        Some(b"k".to_vec()),
    )
    .expect("t");
    let err = runtime()
        .block_on(trigger(&event(7, 2), &t, &fast_policy(1), dir.path()))
        .expect_err("log is a dir");
    assert!(matches!(err, Error::Log { .. }), "{err}");
}
