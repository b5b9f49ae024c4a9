//! The export loads in the real Python packages (datasets, pandas, pyarrow, pinned in
//! tests/clients/requirements.txt, installed into .venv by `.ci/setup`):
//! tests/clients/load_dataset.py prints what each read, and every column of every
//! format must equal the rows written, with the label a ClassLabel of the task's names.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{awkward_rows, classes, split_spec, write};
use labelchain_dataset::{Col, Format, Kind, Row, Split};
use serde_json::{json, Value};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `.venv/bin/python` (or LABELCHAIN_PYTHON); a missing interpreter FAILS the test.
fn python() -> PathBuf {
    let path = std::env::var_os("LABELCHAIN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: run `bash .ci/setup` to create the venv with datasets, pandas and pyarrow",
        path.display()
    );
    path
}

/// The row as plain JSON values, built from its fields (not through the crate's writers).
fn expected(r: &Row) -> Value {
    json!({
        "item": r.item, "status": r.status.as_str(), "label": r.label,
        "label_name": r.label_name, "tier": r.tier, "votes": r.votes,
        "commits": r.commits, "agreement": r.agreement, "seq": r.seq, "uri": r.uri,
        "sha256": r.sha256, "media_type": r.media_type, "metadata": r.metadata,
    })
}

fn expected_features() -> Value {
    let mut m = serde_json::Map::new();
    for c in Col::ALL {
        let v = match c.kind() {
            Kind::Label => json!({ "class_label": classes() }),
            k => json!(k.hf_dtype()),
        };
        m.insert(c.name().to_string(), v);
    }
    Value::Object(m)
}

/// datasets (5.2) reads a JSON *array* file by re-encoding it as JSON Lines with
/// pandas' ujson, which keeps 10 significant digits: 2/3 comes back as 0.6666666667.
/// Each agreement read that way must be the written one to within that rounding (and
/// is then replaced by it, so every other column is still compared exactly).
fn agreement_to_10_digits(got: &Value, want: &[Value]) -> Value {
    let mut got = got.clone();
    let rows = got.as_array_mut().expect("rows are an array");
    assert_eq!(rows.len(), want.len());
    for (g, w) in rows.iter_mut().zip(want) {
        if let (Some(a), Some(b)) = (g["agreement"].as_f64(), w["agreement"].as_f64()) {
            assert!(
                (a - b).abs() <= 5e-11,
                "agreement {a} is not {b} to 10 digits"
            );
            g["agreement"] = w["agreement"].clone();
        }
    }
    got
}

#[test]
fn datasets_pandas_and_pyarrow_read_every_format_as_written() {
    let python = python();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let rows = awkward_rows();
    let written = write(&out, &rows);
    let started = std::time::Instant::now();
    let output = Command::new(&python)
        .arg(repo_root().join("tests/clients/load_dataset.py"))
        .arg(&out)
        .env("HF_HOME", tmp.path().join("hf"))
        .env("HF_DATASETS_OFFLINE", "1")
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "load_dataset.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("load_dataset.py took {:?}", started.elapsed());
    let doc: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    eprintln!("versions: {}", doc["versions"]);

    let splits: Vec<Split> = written.provenance.stats.splits.keys().copied().collect();
    assert_eq!(splits, Split::ALL, "the sample covers all three splits");
    for split in splits {
        let want: Vec<Value> = rows
            .iter()
            .filter(|r| split_spec().assign(r.item) == split)
            .map(expected)
            .collect();
        let name = split.as_str();
        for config in ["default", "jsonl", "json", "csv"] {
            let got = &doc["configs"][config][name];
            assert_eq!(got["num_rows"], json!(want.len()), "{config} {name}");
            assert_eq!(
                got["features"],
                expected_features(),
                "{config} {name} features"
            );
            let rows = if config == "json" {
                agreement_to_10_digits(&got["rows"], &want)
            } else {
                got["rows"].clone()
            };
            assert_eq!(rows, json!(want), "{config} {name} rows");
        }
        for format in Format::ALL {
            let file = &doc["files"][format.path(split)];
            assert_eq!(file["pandas"], json!(want), "pandas {}", format.path(split));
            if format == Format::Parquet {
                assert_eq!(
                    file["features"],
                    expected_features(),
                    "{}",
                    format.path(split)
                );
            }
            if format != Format::Json {
                assert_eq!(
                    file["pyarrow"],
                    json!(want),
                    "pyarrow {}",
                    format.path(split)
                );
            }
        }
    }
}
