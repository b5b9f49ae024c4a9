//! Native helper binary: with `--features export-abi` it prints the program's Solidity
//! interface (what `cargo packager abi` reads). Without that feature it is an empty
//! `no_main` stub, so native `cargo build`/`clippy --all-targets` of the crate keep
//! working; the deployable program is the `cdylib` (`--lib`). Same layout as the contracts.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    probe::print_from_args();
}
