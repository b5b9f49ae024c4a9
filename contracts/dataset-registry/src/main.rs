//! Native helper binary: with `--features export-abi` it prints the contract's
//! Solidity interface (used by `cargo packager abi`). Without that feature it is
//! an empty `no_main` stub, so `cargo build`/`cargo test` of the whole crate
//! keep working; the deployable program is the `cdylib` (`--lib`).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    dataset_registry::print_from_args();
}
