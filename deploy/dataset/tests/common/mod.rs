//! Rows and provenance shared by the tests.
#![allow(dead_code)]

use std::path::Path;

use labelchain_dataset::{
    CardInfo, Contract, Row, SplitSpec, Status, WriteOptions, Writer, Written,
};

pub fn classes() -> Vec<String> {
    vec![
        "cat, \"the\" feline".to_string(),
        "chien 🐶 ünïcødé".to_string(),
        "multi\nline".to_string(),
    ]
}

pub fn card() -> CardInfo {
    CardInfo {
        title: "Task 7: \"pets\", a: b #not-a-comment".to_string(),
        chain_id: 412_346,
        contracts: vec![Contract {
            name: "TaskRegistry".into(),
            address: "0x00000000000000000000000000000000000000aa".into(),
        }],
        task: 7,
        labels_digest: format!("0x{}", "ab".repeat(32)),
        seq: 3,
        block: 99,
        items_in_task: 40,
        data_root: format!("0x{}", "cd".repeat(32)),
        manifest_sha256: "ef".repeat(32),
        accepted_only: false,
        min_tier: None,
    }
}

/// A final, accepted row whose label is `classes()[label]`.
pub fn accepted(item: u32, label: u8, seq: u32) -> Row {
    Row {
        item,
        status: Status::Accepted,
        label: Some(label),
        label_name: Some(classes()[usize::from(label)].clone()),
        tier: Some(1 + (item % 3) as u8),
        votes: 2,
        commits: 3,
        agreement: Some(2.0 / 3.0),
        seq: Some(seq),
        uri: format!("ipfs://bafy/{item}, \"quoted\"\nnewline.png"),
        sha256: format!("{:064x}", u64::from(item) * 0x9e37_79b9),
        media_type: Some("image/png".into()),
        metadata: Some(format!(r#"{{"source":"cam, \"{item}\"","ünï":[1,2]}}"#)),
    }
}

/// An open row: no label, no tier, no commits, no seq, no optional manifest fields.
pub fn open_row(item: u32) -> Row {
    Row {
        item,
        status: Status::Open,
        label: None,
        label_name: None,
        tier: None,
        votes: 0,
        commits: 0,
        agreement: None,
        seq: None,
        uri: "NA".to_string(),
        sha256: "0".repeat(64),
        media_type: None,
        metadata: None,
    }
}

/// Awkward rows that land in all three splits under `split_spec()`.
pub fn awkward_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for item in 0..40u32 {
        let row = match item % 4 {
            0 => open_row(item),
            1 => Row {
                status: Status::Void,
                label: None,
                label_name: None,
                tier: None,
                seq: Some(item),
                agreement: Some(0.0),
                votes: 0,
                ..accepted(item, 0, item)
            },
            2 => Row {
                agreement: Some(1.0),
                votes: 3,
                item: if item == 2 { u32::MAX } else { item },
                ..accepted(item, 1, item)
            },
            _ => accepted(item, 2, item),
        };
        rows.push(row);
    }
    rows
}

pub fn split_spec() -> SplitSpec {
    SplitSpec::parse("50,25,25", 11).expect("a valid split")
}

pub fn write(out: &Path, rows: &[Row]) -> Written {
    let mut w = Writer::create(out, &classes(), &split_spec(), WriteOptions::default())
        .expect("writer created");
    for r in rows {
        w.push(r).expect("row pushed");
    }
    w.finish(card()).expect("export finished")
}
