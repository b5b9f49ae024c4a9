//! Property: any rows the writer accepts read back unchanged from every format.

mod common;

use std::collections::BTreeSet;

use common::{card, classes};
use labelchain_dataset::{open, Error, Row, SplitSpec, Status, WriteOptions, Writer};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_filter("not empty", |s| !s.is_empty()),
        "[a-z ,\"\n\r\t;|\\\\]{1,12}",
    ]
}

fn row() -> impl Strategy<Value = Row> {
    (
        (
            prop::sample::select(Status::ALL.to_vec()),
            prop::option::of(0u8..3),
            prop::option::of(1u8..=3),
            any::<u8>(),
            any::<u8>(),
            prop::option::of(0.0f64..=1.0),
        ),
        (
            prop::option::of(any::<u32>()),
            text(),
            "[0-9a-f]{64}",
            prop::option::of(text()),
            prop::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (status, label, tier, votes, commits, agreement),
                (seq, uri, sha256, media_type, metadata),
            )| Row {
                item: 0,
                status,
                label,
                label_name: label.map(|l| classes()[usize::from(l)].clone()),
                tier,
                votes,
                commits,
                agreement,
                seq,
                uri,
                sha256,
                media_type,
                metadata,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rows_round_trip_through_every_formats_writer_and_reader(
        rows in prop::collection::vec(row(), 1..40),
        items in prop::collection::btree_set(any::<u32>(), 40),
        seed in any::<u64>(),
    ) {
        let items: Vec<u32> = items.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
        let rows: Vec<Row> = rows.into_iter().zip(items).map(|(r, item)| Row { item, ..r }).collect();
        let spec = SplitSpec::parse("60,20,20", seed).expect("valid");
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("x");
        let mut w = Writer::create(&out, &classes(), &spec, WriteOptions::default()).expect("created");
        for r in &rows {
            w.push(r).expect("a valid row is accepted");
        }
        w.finish(card()).expect("finished");
        let export = open(&out).expect("opens");
        for file in &export.files {
            let got: Vec<Row> = export.rows(file).expect("opens").collect::<Result<_, Error>>().expect("reads");
            let expected: Vec<Row> = rows.iter().filter(|r| spec.assign(r.item) == file.split).cloned().collect();
            prop_assert_eq!(got, expected, "{}", file.path);
        }
    }
}
