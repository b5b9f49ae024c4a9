//! Roles with a single administrator who can only be replaced in two steps.
//!
//! OpenZeppelin Stylus 0.3 ships `AccessControl` but not Solidity's
//! `AccessControlDefaultAdminRules`, so this crate adds the missing piece by hand on top of
//! OZ's storage and events: exactly one account holds `DEFAULT_ADMIN_ROLE`; it can only be
//! handed over by the admin offering it (`beginAdminTransfer`) and the new account accepting
//! it (`acceptAdminTransfer`), so a typo can never lock the protocol's parameters away.
//! `grantRole`/`revokeRole` refuse the admin role for the same reason.
//!
//! The admin sets bounded parameters and pauses; no admin path moves users' funds.
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256};
use openzeppelin_stylus::access::control::{
    self, AccessControl, AccessControlBadConfirmation, AccessControlUnauthorizedAccount,
    IAccessControl,
};
use stylus_sdk::{prelude::*, storage::StorageAddress};

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// The admin offered the role to `pendingAdmin`, who must accept it.
        #[derive(Debug)]
        event AdminTransferStarted(address indexed currentAdmin, address indexed pendingAdmin);
        /// The admin role moved to a new account.
        #[derive(Debug)]
        event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
        /// `DEFAULT_ADMIN_ROLE` only moves through begin/accept, never `grantRole`/`revokeRole`.
        #[derive(Debug)]
        error AdminRoleIsTwoStep();
        /// Only the account the admin offered the role to can accept it.
        #[derive(Debug)]
        error NotPendingAdmin(address caller);
    }
}

/// `DEFAULT_ADMIN_ROLE`, all zeroes as in OpenZeppelin.
pub const DEFAULT_ADMIN_ROLE: B256 = B256::ZERO;

/// Errors of the admin and role functions.
#[derive(SolidityError, Debug)]
pub enum Error {
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    BadConfirmation(AccessControlBadConfirmation),
    AdminRoleIsTwoStep(AdminRoleIsTwoStep),
    NotPendingAdmin(NotPendingAdmin),
}

impl From<control::Error> for Error {
    fn from(e: control::Error) -> Self {
        match e {
            control::Error::UnauthorizedAccount(e) => Error::UnauthorizedAccount(e),
            control::Error::BadConfirmation(e) => Error::BadConfirmation(e),
        }
    }
}

/// OZ `AccessControl` plus the single-admin rule.
#[storage]
pub struct AdminRoles {
    access: AccessControl,
    admin: StorageAddress,
    pending_admin: StorageAddress,
}

unsafe impl TopLevelStorage for AdminRoles {}

impl AdminRoles {
    /// Makes `admin` the administrator; called from a contract's constructor.
    pub fn init(&mut self, admin: Address) {
        self.admin.set(admin);
        self.access._grant_role(DEFAULT_ADMIN_ROLE, admin);
    }

    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.access.has_role(role, account)
    }

    pub fn get_role_admin(&self, role: B256) -> B256 {
        self.access.get_role_admin(role)
    }

    /// Reverts unless the caller holds `role`.
    pub fn only_role(&self, role: B256) -> Result<(), Error> {
        Ok(self.access._check_role(role, self.vm().msg_sender())?)
    }

    /// Reverts unless the caller is the administrator.
    pub fn only_admin(&self) -> Result<(), Error> {
        self.only_role(DEFAULT_ADMIN_ROLE)
    }

    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        if role == DEFAULT_ADMIN_ROLE {
            return Err(AdminRoleIsTwoStep {}.into());
        }
        Ok(self.access.grant_role(role, account)?)
    }

    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        if role == DEFAULT_ADMIN_ROLE {
            return Err(AdminRoleIsTwoStep {}.into());
        }
        Ok(self.access.revoke_role(role, account)?)
    }

    /// Any holder may give up a role; an admin who renounces leaves the protocol without
    /// one, on purpose (parameters frozen for good).
    pub fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), Error> {
        self.access.renounce_role(role, confirmation)?;
        if role == DEFAULT_ADMIN_ROLE && self.admin.get() == confirmation {
            self.admin.set(Address::ZERO);
            self.pending_admin.set(Address::ZERO);
        }
        Ok(())
    }

    pub fn admin(&self) -> Address {
        self.admin.get()
    }

    pub fn pending_admin(&self) -> Address {
        self.pending_admin.get()
    }

    /// First step: the admin names its successor (zero cancels a pending offer).
    pub fn begin_admin_transfer(&mut self, new_admin: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.pending_admin.set(new_admin);
        log(
            self.vm(),
            AdminTransferStarted {
                currentAdmin: self.vm().msg_sender(),
                pendingAdmin: new_admin,
            },
        );
        Ok(())
    }

    /// Second step: the named successor takes the role and the old admin loses it.
    pub fn accept_admin_transfer(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.pending_admin.get() || caller.is_zero() {
            return Err(NotPendingAdmin { caller }.into());
        }
        let previous = self.admin.get();
        self.access._revoke_role(DEFAULT_ADMIN_ROLE, previous);
        self.access._grant_role(DEFAULT_ADMIN_ROLE, caller);
        self.admin.set(caller);
        self.pending_admin.set(Address::ZERO);
        log(
            self.vm(),
            AdminTransferred {
                previousAdmin: previous,
                newAdmin: caller,
            },
        );
        Ok(())
    }
}

/// Implements `From<labelchain_admin::Error>` for a contract's flat error enum, which must
/// have the variants `UnauthorizedAccount`, `BadConfirmation`, `AdminRoleIsTwoStep` and
/// `NotPendingAdmin` (flat because the SDK's ABI export lists only flat Solidity errors).
#[macro_export]
macro_rules! absorb_admin_errors {
    ($error:ty) => {
        impl From<$crate::Error> for $error {
            fn from(e: $crate::Error) -> Self {
                match e {
                    $crate::Error::UnauthorizedAccount(e) => Self::UnauthorizedAccount(e),
                    $crate::Error::BadConfirmation(e) => Self::BadConfirmation(e),
                    $crate::Error::AdminRoleIsTwoStep(e) => Self::AdminRoleIsTwoStep(e),
                    $crate::Error::NotPendingAdmin(e) => Self::NotPendingAdmin(e),
                }
            }
        }
    };
}
