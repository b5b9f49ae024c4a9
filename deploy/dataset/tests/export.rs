//! The writer's guarantees (no partial output, overwrite refusal, typed errors) and
//! `open()`'s MANIFEST checks, on real files in a temporary directory.

mod common;

use std::path::Path;

use common::{accepted, awkward_rows, card, classes, split_spec, write};
use labelchain_dataset::{open, Error, Format, Row, RowProblem, Split, WriteOptions, Writer};

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Rewrites MANIFEST for the files as they now are (with coreutils, not the crate), as
/// someone who edits a file and covers their tracks would.
fn reseal(dir: &Path) {
    let manifest = std::process::Command::new("sh")
        .args([
            "-c",
            "find . -type f ! -name MANIFEST | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum",
        ])
        .current_dir(dir)
        .output()
        .expect("sha256sum runs");
    assert!(manifest.status.success());
    std::fs::write(dir.join("MANIFEST"), manifest.stdout).expect("write");
}

fn read_all(dir: &Path) -> Vec<(Format, Split, Vec<Row>)> {
    let export = open(dir).expect("the export opens");
    export
        .files
        .iter()
        .map(|f| {
            let rows = export
                .rows(f)
                .expect("file opens")
                .collect::<Result<Vec<Row>, Error>>()
                .expect("rows read");
            (f.format, f.split, rows)
        })
        .collect()
}

#[test]
fn every_format_reads_back_the_rows_written_in_their_splits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let rows = awkward_rows();
    let written = write(&out, &rows);
    let splits: Vec<Split> = written.provenance.stats.splits.keys().copied().collect();
    assert_eq!(
        splits,
        Split::ALL,
        "the sample rows land in all three splits"
    );
    let back = read_all(&out);
    assert_eq!(back.len(), 12);
    for (format, split, got) in back {
        let expected: Vec<Row> = rows
            .iter()
            .filter(|r| split_spec().assign(r.item) == split)
            .cloned()
            .collect();
        assert_eq!(got, expected, "{format:?} {split:?}");
    }
    assert_eq!(
        entries(tmp.path()),
        ["export"],
        "no temporary directory is left"
    );
}

#[test]
fn the_manifest_is_what_sha256sum_checks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &awkward_rows());
    let status = std::process::Command::new("sha256sum")
        .args(["--quiet", "-c", "MANIFEST"])
        .current_dir(&out)
        .status()
        .expect("sha256sum runs");
    assert!(status.success());
}

#[test]
fn open_names_a_file_whose_byte_was_changed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &awkward_rows());
    let path = out.join("csv/train.csv");
    let mut bytes = std::fs::read(&path).expect("read");
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).expect("write");
    match open(&out) {
        Err(Error::HashMismatch { path, .. }) => assert_eq!(path, "csv/train.csv"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_names_a_removed_file_and_an_extra_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &awkward_rows());
    std::fs::remove_file(out.join("json/test.json")).expect("remove");
    match open(&out) {
        Err(Error::Missing { path }) => assert_eq!(path, "json/test.json"),
        other => panic!("{other:?}"),
    }
    let out2 = tmp.path().join("export2");
    write(&out2, &awkward_rows());
    std::fs::write(out2.join("data/extra.parquet"), b"x").expect("write");
    match open(&out2) {
        Err(Error::Unlisted { path }) => assert_eq!(path, "data/extra.parquet"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_names_a_malformed_manifest_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &awkward_rows());
    let path = out.join("MANIFEST");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[2] = lines[2].replacen("  ", " ", 1);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    match open(&out) {
        Err(Error::Manifest { line, .. }) => assert_eq!(line, 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rewritten_file_with_a_matching_manifest_still_fails_on_its_bad_row() {
    // Someone edits a row and regenerates MANIFEST: the hash check passes, the row check
    // names the file and row.
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &awkward_rows());
    let path = out.join("jsonl/train.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let changed = text.replacen("\"status\":\"", "\"status\":\"x", 1);
    std::fs::write(&path, changed).expect("write");
    reseal(&out);
    let export = open(&out).expect("the hashes match again");
    let file = export
        .files
        .iter()
        .find(|f| f.path == "jsonl/train.jsonl")
        .expect("listed");
    let err = export.rows(file).expect("opens").find_map(Result::err);
    match err {
        Some(Error::Row {
            path,
            row,
            problem: RowProblem::Status(_),
        }) => {
            assert_eq!((path.as_str(), row), ("jsonl/train.jsonl", 1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_existing_output_is_refused_unless_overwrite_is_set() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), b"mine").expect("write");
    let refused = Writer::create(&out, &classes(), &split_spec(), WriteOptions::default());
    assert!(matches!(refused, Err(Error::Exists { .. })));
    assert!(out.join("keep.txt").exists());

    let mut w = Writer::create(
        &out,
        &classes(),
        &split_spec(),
        WriteOptions { overwrite: true },
    )
    .expect("allowed");
    w.push(&accepted(1, 0, 0)).expect("pushed");
    assert!(
        out.join("keep.txt").exists(),
        "the old export stays until finish"
    );
    w.finish(card()).expect("finished");
    assert!(
        !out.join("keep.txt").exists(),
        "replaced at the final rename"
    );
    assert!(open(&out).is_ok());
    assert_eq!(entries(tmp.path()), ["export"]);
}

#[test]
fn an_error_or_a_drop_leaves_no_partial_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    {
        let mut w = Writer::create(&out, &classes(), &split_spec(), WriteOptions::default())
            .expect("created");
        w.push(&accepted(1, 0, 0)).expect("pushed");
        assert_eq!(
            entries(tmp.path()).len(),
            1,
            "a hidden partial directory while writing"
        );
    }
    assert!(
        entries(tmp.path()).is_empty(),
        "dropped without finish: nothing left"
    );

    let w =
        Writer::create(&out, &classes(), &split_spec(), WriteOptions::default()).expect("created");
    assert!(matches!(w.finish(card()), Err(Error::NoRows)));
    assert!(
        entries(tmp.path()).is_empty(),
        "an empty export leaves nothing"
    );
}

#[test]
fn a_row_the_formats_cannot_hold_is_refused_with_its_item() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let mut w =
        Writer::create(&out, &classes(), &split_spec(), WriteOptions::default()).expect("created");
    let cases = [
        (
            Row {
                label: Some(9),
                ..accepted(1, 0, 0)
            },
            "label out of range",
        ),
        (
            Row {
                label_name: Some("dog".into()),
                ..accepted(2, 0, 0)
            },
            "wrong name",
        ),
        (
            Row {
                sha256: "AB".repeat(32),
                ..accepted(3, 0, 0)
            },
            "uppercase hash",
        ),
        (
            Row {
                media_type: Some(String::new()),
                ..accepted(4, 0, 0)
            },
            "empty string",
        ),
        (
            Row {
                tier: Some(4),
                ..accepted(5, 0, 0)
            },
            "tier 4",
        ),
    ];
    for (row, why) in cases {
        match w.push(&row) {
            Err(Error::InvalidRow { item, .. }) => assert_eq!(item, row.item, "{why}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    w.push(&accepted(6, 0, 0)).expect("pushed");
    assert!(matches!(
        w.push(&accepted(6, 0, 0)),
        Err(Error::DuplicateItem { item: 6 })
    ));
}

#[test]
fn csv_quotes_names_and_uris_with_commas_quotes_and_newlines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let row = accepted(3, 0, 0);
    write(&out, std::slice::from_ref(&row));
    let split = split_spec().assign(3).as_str();
    let text = std::fs::read_to_string(out.join(format!("csv/{split}.csv"))).expect("read");
    assert!(text.contains("\"cat, \"\"the\"\" feline\""), "{text}");
    let back = read_all(&out);
    let csv = back
        .iter()
        .find(|(f, _, _)| *f == Format::Csv)
        .expect("a CSV file");
    assert_eq!(csv.2, vec![row]);
}

#[test]
fn the_card_names_the_features_splits_and_provenance() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let written = write(&out, &awkward_rows());
    let readme = std::fs::read_to_string(out.join("README.md")).expect("read");
    assert!(readme.starts_with("---\nconfigs:") || readme.starts_with("---\npretty_name:"));
    for needle in [
        "class_label:",
        "\"0\": \"cat, \\\"the\\\" feline\"",
        "\"2\": \"multi\\u000Aline\"",
        "dtype: \"uint32\"",
        "num_examples:",
        "412346",
        &"ab".repeat(32),
    ] {
        assert!(readme.contains(needle), "{needle} missing in\n{readme}");
    }
    let prov = open(&out).expect("opens").provenance;
    assert_eq!(prov, written.provenance);
    assert_eq!(prov.stats.items, 40);
}

#[test]
fn a_parquet_file_of_several_row_groups_reads_back_in_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let n = u32::try_from(labelchain_dataset::ROW_GROUP_ROWS).expect("fits") + 1_000;
    let all_train = labelchain_dataset::SplitSpec::default();
    let mut w =
        Writer::create(&out, &classes(), &all_train, WriteOptions::default()).expect("created");
    let row = |item: u32| Row {
        seq: Some(item),
        ..accepted(item, (item % 3) as u8, item)
    };
    for item in 0..n {
        w.push(&row(item)).expect("pushed");
    }
    w.finish(card()).expect("finished");
    let export = open(&out).expect("opens");
    let parquet = export
        .files
        .iter()
        .find(|f| f.format == Format::Parquet)
        .expect("a Parquet file");
    let mut count = 0u32;
    for (i, r) in export.rows(parquet).expect("opens").enumerate() {
        let i = u32::try_from(i).expect("fits");
        assert_eq!(r.expect("row"), row(i));
        count += 1;
    }
    assert_eq!(count, n);
}

#[test]
fn overwrite_replaces_a_plain_file_at_the_output_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    std::fs::write(&out, b"not a directory").expect("write");
    let mut w = Writer::create(
        &out,
        &classes(),
        &split_spec(),
        WriteOptions { overwrite: true },
    )
    .expect("allowed");
    w.push(&accepted(1, 0, 0)).expect("pushed");
    w.finish(card()).expect("finished");
    assert!(open(&out).is_ok());
    assert_eq!(
        entries(tmp.path()),
        ["export"],
        "the replaced file is gone too"
    );
}

#[test]
fn a_row_whose_label_name_differs_from_the_classes_is_refused_on_reading() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    write(&out, &[accepted(1, 0, 0)]);
    let prov = out.join("labelchain.json");
    let text = std::fs::read_to_string(&prov).expect("read");
    let renamed = text.replacen("cat, \\\"the\\\" feline", "kitten", 1);
    assert_ne!(renamed, text);
    std::fs::write(&prov, renamed).expect("write");
    reseal(&out);
    let export = open(&out).expect("the hashes match");
    for file in &export.files {
        let first = export.rows(file).expect("opens").next().expect("a row");
        assert!(
            matches!(
                first,
                Err(Error::Row {
                    problem: RowProblem::LabelName { .. },
                    ..
                })
            ),
            "{}: {first:?}",
            file.path
        );
    }
}
