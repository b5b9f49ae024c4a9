//! Wiring: each setter works once, so the current value is read first; unset → send,
//! equal → done, anything else → stop with an explanation (the deployment cannot be
//! completed with these contracts). Read back after sending.

use alloy::primitives::Address;
use alloy::rpc::types::TransactionRequest;

use crate::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow, ITaskRegistry};
use crate::chain::{contract_error, Conn};
use crate::error::{Error, Result};
use crate::plan::{Plan, Wire};

/// Whether a wiring step is done on chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireState {
    Done,
    Pending,
}

impl WireState {
    /// The state of a step whose setter is a flag (a payment token, an auditor): set
    /// means done, there being nothing it could be set to instead.
    fn done_if(set: bool) -> Self {
        if set {
            Self::Done
        } else {
            Self::Pending
        }
    }
}

pub async fn state(conn: &Conn, plan: &Plan, w: Wire) -> Result<WireState> {
    let a = plan.addresses();
    let pr = conn.provider.clone();
    let step = w.label();
    let err = |e| contract_error(conn, &step, e);
    let once = |what: &str, got: Vec<Address>, want: Vec<Address>| {
        if got == want {
            Ok(WireState::Done)
        } else if got.iter().all(|g| g.is_zero()) {
            Ok(WireState::Pending)
        } else {
            Err(Error::Mismatch {
                step: w.label(),
                detail: format!(
                    "{what} is already {got:?}, not {want:?}; it is set once and cannot change, \
                     so these contracts belong to another deployment (deploy again with another --salt)"
                ),
            })
        }
    };
    match w {
        Wire::Minter => {
            let got = IRewardToken::new(a.token, pr)
                .minter()
                .call()
                .await
                .map_err(err)?;
            once("the token's minter", vec![got], vec![a.verifier])
        }
        Wire::Protocol => {
            let c = IStakingEscrow::new(a.escrow, pr);
            let r = c.registry().call().await.map_err(err)?;
            let v = c.verifier().call().await.map_err(err)?;
            once(
                "the escrow's (registry, verifier)",
                vec![r, v],
                vec![a.registry, a.verifier],
            )
        }
        Wire::RegistryVerifier => {
            let got = ITaskRegistry::new(a.registry, pr)
                .verifier()
                .call()
                .await
                .map_err(err)?;
            once("the registry's verifier", vec![got], vec![a.verifier])
        }
        Wire::PaymentToken(t) => {
            let ok = ITaskRegistry::new(a.registry, pr)
                .isPaymentToken(t)
                .call()
                .await
                .map_err(err)?;
            Ok(WireState::done_if(ok))
        }
        Wire::Auditor(x) => {
            let ok = IConsensusVerifier::new(a.verifier, pr)
                .isAuditor(x)
                .call()
                .await
                .map_err(err)?;
            Ok(WireState::done_if(ok))
        }
    }
}

pub fn tx(conn: &Conn, plan: &Plan, w: Wire) -> TransactionRequest {
    let a = plan.addresses();
    let pr = conn.provider.clone();
    match w {
        Wire::Minter => IRewardToken::new(a.token, pr)
            .setMinter(a.verifier)
            .into_transaction_request(),
        Wire::Protocol => IStakingEscrow::new(a.escrow, pr)
            .setProtocol(a.registry, a.verifier)
            .into_transaction_request(),
        Wire::RegistryVerifier => ITaskRegistry::new(a.registry, pr)
            .setVerifier(a.verifier)
            .into_transaction_request(),
        Wire::PaymentToken(t) => ITaskRegistry::new(a.registry, pr)
            .setPaymentToken(t, true)
            .into_transaction_request(),
        Wire::Auditor(x) => IConsensusVerifier::new(a.verifier, pr)
            .setAuditor(x, true)
            .into_transaction_request(),
    }
}

/// After sending: the value must read back.
pub async fn check(conn: &Conn, plan: &Plan, w: Wire) -> Result<()> {
    match state(conn, plan, w).await? {
        WireState::Done => Ok(()),
        WireState::Pending => Err(Error::Mismatch {
            step: w.label(),
            detail: "the transaction succeeded but the value does not read back".into(),
        }),
    }
}
