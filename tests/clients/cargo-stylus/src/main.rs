//! `cargo stylus export-abi` runs this binary (feature `export-abi`) to print the ABI and
//! the constructor; the deployable build gets an empty `main`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[unsafe(no_mangle)]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    stylus_counter::print_from_args();
}
