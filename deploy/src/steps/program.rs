//! Deploying one program: the StylusDeployer deploys, activates (paying ArbWasm's data
//! fee, estimated with `eth_call` plus a margin; the excess is refunded) and initialises
//! it (constructor as `initData`) in one transaction. Afterwards: the code is at the
//! predicted address, ArbWasm knows its codehash at the current Stylus version, and the
//! constructor's values read back.

use alloy::primitives::{Address, U256};
use alloy::rpc::types::state::AccountOverride;

use crate::bindings::{
    ArbWasm, IConsensusVerifier, IDatasetRegistry, IRewardToken, IStakingEscrow, ITaskRegistry,
    StylusDeployer, ARB_WASM,
};
use crate::chain::{contract_error, Conn, Sent};
use crate::error::{Error, Result};
use crate::plan::{Plan, Target};
use crate::programs::ProgramId;

/// What the chain holds at a target's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: bool,
    /// The Stylus version its codehash is activated at, if it is.
    pub activated: Option<u16>,
}

pub async fn activated_version(conn: &Conn, t: &Target) -> Result<Option<u16>> {
    let arb = ArbWasm::new(ARB_WASM, conn.provider.clone());
    match arb.codehashVersion(t.program.codehash).call().await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.as_revert_data().is_some() => Ok(None),
        Err(e) => Err(contract_error(conn, "ArbWasm.codehashVersion", e)),
    }
}

pub async fn survey(conn: &Conn, t: &Target) -> Result<Found> {
    let code = conn.code(t.address).await?;
    if !code.is_empty() && code != t.program.code {
        return Err(Error::Mismatch {
            step: format!("deploy {}", t.program.name),
            detail: format!(
                "{} holds other code ({} bytes, expected the {} program's {} bytes)",
                t.address,
                code.len(),
                t.program.name,
                t.program.code.len()
            ),
        });
    }
    Ok(Found {
        code: !code.is_empty(),
        activated: activated_version(conn, t).await?,
    })
}

/// ArbWasm's data fee for activating `t`: `eth_call` of `activateProgram` with the code
/// placed at its address by a state override (and the caller's balance raised), so the
/// fee is known before the program exists. Zero if its codehash is already active.
pub async fn data_fee(conn: &Conn, t: &Target, from: Address) -> Result<U256> {
    if activated_version(conn, t).await?.is_some() {
        return Ok(U256::ZERO);
    }
    let arb = ArbWasm::new(ARB_WASM, conn.provider.clone());
    let rich = U256::from(10u64).pow(U256::from(24));
    let overrides: alloy::rpc::types::state::StateOverride = [
        (
            t.address,
            AccountOverride {
                code: Some(t.program.code.clone()),
                ..AccountOverride::default()
            },
        ),
        (
            from,
            AccountOverride {
                balance: Some(rich),
                ..AccountOverride::default()
            },
        ),
    ]
    .into_iter()
    .collect();
    let out = arb
        .activateProgram(t.address)
        .from(from)
        .value(U256::from(10u64).pow(U256::from(18)))
        .state(overrides)
        .call()
        .await
        .map_err(|e| {
            contract_error(
                conn,
                &format!("estimating {}'s data fee", t.program.name),
                e,
            )
        })?;
    Ok(out.dataFee)
}

pub fn with_margin(fee: U256, margin_bps: u64) -> U256 {
    fee * U256::from(10_000 + margin_bps) / U256::from(10_000u64)
}

/// The deploy transaction (deploy + activate + construct).
pub fn deploy_tx(
    conn: &Conn,
    deployer: Address,
    t: &Target,
    value: U256,
) -> alloy::rpc::types::TransactionRequest {
    use alloy::network::TransactionBuilder;
    use alloy::sol_types::SolCall;
    let _ = conn;
    let call = StylusDeployer::deployCall {
        bytecode: t.init_code.clone(),
        initData: t.init_data.clone(),
        initValue: U256::ZERO,
        salt: t.salt,
    };
    alloy::rpc::types::TransactionRequest::default()
        .with_to(deployer)
        .with_input(call.abi_encode())
        .with_value(value)
}

/// Sends the deploy; returns the receipt summary and the data fee estimated for it.
pub async fn deploy(conn: &Conn, plan: &Plan, t: &Target, margin_bps: u64) -> Result<(Sent, U256)> {
    let from = conn.from()?;
    let fee = data_fee(conn, t, from).await?;
    let tx = deploy_tx(conn, plan.params.deployer, t, with_margin(fee, margin_bps));
    let sent = conn
        .send(&format!("deploying {}", t.program.name), tx)
        .await?;
    Ok((sent, fee))
}

/// Activates a program whose code is there but whose activation is missing or expired.
pub async fn activate(conn: &Conn, t: &Target, margin_bps: u64) -> Result<(Sent, U256)> {
    let from = conn.from()?;
    let arb = ArbWasm::new(ARB_WASM, conn.provider.clone());
    let probe = arb
        .activateProgram(t.address)
        .from(from)
        .value(conn.balance(from).await?)
        .call()
        .await
        .map_err(|e| {
            contract_error(
                conn,
                &format!("estimating {}'s data fee", t.program.name),
                e,
            )
        })?;
    let tx = arb
        .activateProgram(t.address)
        .value(with_margin(probe.dataFee, margin_bps))
        .into_transaction_request();
    let sent = conn
        .send(&format!("activating {}", t.program.name), tx)
        .await?;
    Ok((sent, probe.dataFee))
}

fn expect<T: PartialEq + std::fmt::Debug>(step: &str, what: &str, got: T, want: T) -> Result<()> {
    if got == want {
        Ok(())
    } else {
        Err(Error::Mismatch {
            step: step.into(),
            detail: format!("{what} is {got:?}, expected {want:?}"),
        })
    }
}

/// The checks after (or instead of) sending: code, activation, constructor values.
pub async fn check(conn: &Conn, plan: &Plan, t: &Target) -> Result<u16> {
    let step = format!("deploy {}", t.program.name);
    let found = survey(conn, t).await?;
    if !found.code {
        return Err(Error::Mismatch {
            step,
            detail: format!("no code at {} after the deploy", t.address),
        });
    }
    let Some(version) = found.activated else {
        return Err(Error::Mismatch {
            step,
            detail: format!(
                "ArbWasm.codehashVersion({}) says the program is not activated",
                t.program.codehash
            ),
        });
    };
    check_constructor(conn, plan, t, &step).await?;
    Ok(version)
}

/// What `owner()` is checked against, in a mismatch's words.
const OWNER_NOTE: &str =
    "owner (if the admin was transferred since, use a deployments file per admin)";

/// The values the program's constructor set: owner, cap, wiring, parameters.
async fn check_constructor(conn: &Conn, plan: &Plan, t: &Target, step: &str) -> Result<()> {
    let p = &plan.params;
    let a = plan.addresses();
    let pr = conn.provider.clone();
    let err = |e| contract_error(conn, step, e);
    match t.program.id {
        ProgramId::RewardToken => {
            let c = IRewardToken::new(t.address, pr);
            expect(
                step,
                OWNER_NOTE,
                c.owner().call().await.map_err(err)?,
                p.admin,
            )?;
            expect(step, "cap", c.cap().call().await.map_err(err)?, p.cap)
        }
        ProgramId::StakingEscrow => {
            let c = IStakingEscrow::new(t.address, pr);
            expect(
                step,
                OWNER_NOTE,
                c.owner().call().await.map_err(err)?,
                p.admin,
            )?;
            let token = c.stakeToken().call().await.map_err(err)?;
            expect(step, "stakeToken", token, a.token)?;
            let treasury = c.treasury().call().await.map_err(err)?;
            expect(step, "treasury", treasury, p.treasury)?;
            let period = c.unbondingPeriod().call().await.map_err(err)?;
            expect(step, "unbondingPeriod", period, p.unbonding_period)
        }
        ProgramId::TaskRegistry => {
            let c = ITaskRegistry::new(t.address, pr);
            expect(
                step,
                OWNER_NOTE,
                c.owner().call().await.map_err(err)?,
                p.admin,
            )?;
            expect(
                step,
                "escrow",
                c.escrow().call().await.map_err(err)?,
                a.escrow,
            )
        }
        ProgramId::ConsensusVerifier => {
            let c = IConsensusVerifier::new(t.address, pr);
            expect(
                step,
                OWNER_NOTE,
                c.owner().call().await.map_err(err)?,
                p.admin,
            )?;
            let w = c.wiring().call().await.map_err(err)?;
            let want = (a.registry, a.escrow, a.token);
            expect(
                step,
                "wiring (registry, escrow, token)",
                (w._0, w._1, w._2),
                want,
            )
        }
        ProgramId::DatasetRegistry => {
            let c = IDatasetRegistry::new(t.address, pr);
            let w = c.wiring().call().await.map_err(err)?;
            let want = (a.registry, a.verifier);
            expect(step, "wiring (registry, verifier)", (w._0, w._1), want)
        }
    }
}
