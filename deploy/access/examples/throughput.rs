//! Measures encrypt_file/decrypt_file throughput on a generated file:
//! `cargo run --release -p labelchain-access --example throughput -- DIR [MiB]`
//! (run under `/usr/bin/time -v` for peak RSS). Removes what it wrote.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use labelchain_access::{decrypt_file, encrypt_file, Identity};
use labelchain_dataset::file_sha256;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: throughput DIR [MiB]")?);
    let mib: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(256);
    let (plain, cipher, back) = (dir.join("plain"), dir.join("plain.age"), dir.join("back"));
    let mut f = std::fs::File::create(&plain)?;
    let mut block = vec![0u8; 1 << 20];
    for i in 0..mib {
        block
            .iter_mut()
            .enumerate()
            .for_each(|(j, b)| *b = (i * 31 + j * 7) as u8);
        f.write_all(&block)?;
    }
    f.sync_all()?;
    let id = Identity::generate();
    let t = Instant::now();
    let n = encrypt_file(&plain, &cipher, &[id.recipient()])?;
    let enc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    decrypt_file(&cipher, &back, &id)?;
    let dec = t.elapsed().as_secs_f64();
    let mb = n as f64 / 1e6;
    println!(
        "{mib} MiB: encrypt {:.0} MB/s ({enc:.2} s), decrypt {:.0} MB/s ({dec:.2} s)",
        mb / enc,
        mb / dec
    );
    // Compared by streamed hash, so the peak RSS is the library's own.
    let same = file_sha256(&plain)? == file_sha256(&back)?;
    for p in [&plain, &cipher, &back] {
        std::fs::remove_file(p)?;
    }
    if !same {
        return Err("the decrypted file differs".into());
    }
    Ok(())
}
