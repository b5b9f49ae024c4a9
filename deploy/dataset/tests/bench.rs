//! Throughput of the writer: `cargo test -p labelchain-dataset --release --test bench -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::{accepted, card, classes, open_row};
use labelchain_dataset::{open, SplitSpec, WriteOptions, Writer};

#[test]
#[ignore = "a measurement, not a check: run it by name"]
fn writing_100k_rows_to_all_four_formats() {
    let n: u32 = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let spec = SplitSpec::parse("80,10,10", 1).expect("valid");
    let started = Instant::now();
    let mut w = Writer::create(&out, &classes(), &spec, WriteOptions::default()).expect("created");
    for item in 0..n {
        let row = if item % 10 == 0 {
            open_row(item)
        } else {
            accepted(item, (item % 3) as u8, item)
        };
        w.push(&row).expect("pushed");
    }
    let written = w.finish(card()).expect("finished");
    let secs = started.elapsed().as_secs_f64();
    let bytes: u64 = written.files.iter().map(|f| f.bytes).sum();
    println!(
        "wrote {n} rows to 4 formats in {secs:.2} s: {:.0} rows/s, {:.1} MB of data files",
        f64::from(n) / secs,
        bytes as f64 / 1e6
    );
    let started = Instant::now();
    let export = open(&out).expect("opens");
    let mut read = 0u64;
    for f in &export.files {
        for r in export.rows(f).expect("opens") {
            r.expect("row");
            read += 1;
        }
    }
    println!(
        "open + read back {read} rows in {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
