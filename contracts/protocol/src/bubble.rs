//! Re-raising a callee's revert unchanged.
//!
//! When the verifier calls the escrow and the escrow reverts with, say,
//! `InsufficientFreeStake`, the labeller must see `InsufficientFreeStake`, not a generic
//! "call failed". Each contract's error enum carries a [`Bubbled`] variant whose encoding is
//! the callee's raw revert data.
//!
//! The SDK's ABI exporter lists every error variant by its Solidity signature, which a
//! pass-through has none of; contracts therefore compile that variant only outside
//! `export-abi` builds (which only print the interface and never run a call).

use alloc::vec::Vec;
use stylus_sdk::call::MethodError;

/// Raw revert data from another contract, returned to our caller byte for byte.
#[derive(Debug, PartialEq, Eq)]
pub struct Bubbled(pub Vec<u8>);

impl MethodError for Bubbled {
    fn encode(self) -> Vec<u8> {
        self.0
    }
}

#[allow(deprecated)]
impl From<stylus_sdk::call::Error> for Bubbled {
    fn from(e: stylus_sdk::call::Error) -> Self {
        Bubbled(e.into())
    }
}

/// Implements the conversions that re-raise a callee's revert for a contract's error enum,
/// which must have a `Bubbled(labelchain_protocol::Bubbled)` variant outside `export-abi`
/// builds. In `export-abi` builds (which only print the interface and never call) the
/// conversions exist but are unreachable, so `?` on a call compiles in both.
#[macro_export]
macro_rules! reraise_call_errors {
    ($error:ty) => {
        #[allow(deprecated)]
        impl From<stylus_sdk::call::Error> for $error {
            #[cfg(not(feature = "export-abi"))]
            fn from(e: stylus_sdk::call::Error) -> Self {
                Self::Bubbled(e.into())
            }
            #[cfg(feature = "export-abi")]
            fn from(_: stylus_sdk::call::Error) -> Self {
                unreachable!("export-abi builds only print the interface")
            }
        }

        #[cfg(feature = "export-abi")]
        impl From<$crate::Bubbled> for $error {
            fn from(_: $crate::Bubbled) -> Self {
                unreachable!("export-abi builds only print the interface")
            }
        }
    };
}
