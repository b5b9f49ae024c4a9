//! Assertion shapes every scenario file repeats, as macros: the contracts share no error
//! type nor an ownership trait the tests could be generic over, so one body serves them
//! all only by being expanded per contract.

/// The payload of `$err` when it is the variant `$variant` (a tuple variant of one
/// field, as every program error is), or a panic that shows what the error was instead.
#[macro_export]
macro_rules! variant {
    ($err:expr, $variant:path) => {{
        let err = $err;
        let $variant(e) = err else { panic!("{err:?}") };
        e
    }};
}

/// Walks `$contract` (a `Contract<_>` whose program errors are `$Error`) through the
/// OpenZeppelin two-step ownership handover from `$owner` to `$successor`, checking each
/// step: a `$stranger` cannot start it, offering is not handing over, only the pending
/// owner can accept, and both steps are logged.
#[macro_export]
macro_rules! assert_two_step_handover {
    ($contract:expr, $Error:ident, $owner:expr, $stranger:expr, $successor:expr) => {{
        use ::openzeppelin_stylus::access::{
            ownable::OwnershipTransferred, ownable_two_step::OwnershipTransferStarted,
        };
        let (owner, stranger, successor) = ($owner, $stranger, $successor);
        let err = $contract
            .sender(stranger)
            .transfer_ownership(stranger)
            .motsu_unwrap_err();
        let e = $crate::variant!(err, $Error::OwnableUnauthorizedAccount);
        assert_eq!(e.account, stranger);
        $contract
            .sender(owner)
            .transfer_ownership(successor)
            .motsu_unwrap();
        assert!($contract.emitted(&OwnershipTransferStarted {
            previous_owner: owner,
            new_owner: successor,
        }));
        // Offering is not handing over: only the pending owner can accept.
        assert_eq!($contract.sender(owner).owner(), owner);
        assert_eq!($contract.sender(owner).pending_owner(), successor);
        for caller in [stranger, owner] {
            let err = $contract
                .sender(caller)
                .accept_ownership()
                .motsu_unwrap_err();
            assert!(
                matches!(err, $Error::OwnableUnauthorizedAccount(_)),
                "{err:?}"
            );
        }
        $contract
            .sender(successor)
            .accept_ownership()
            .motsu_unwrap();
        $contract.assert_emitted(&OwnershipTransferred {
            previous_owner: owner,
            new_owner: successor,
        });
        assert_eq!($contract.sender(owner).owner(), successor);
        assert_eq!(
            $contract.sender(owner).pending_owner(),
            ::alloy_primitives::Address::ZERO
        );
    }};
}
