//! RewardToken (LBL) on its own: deployment bounds, ERC-20 and metadata, burn, EIP-2612
//! permit, the emission mint, its one fixed minter and the two-step ownership transfer.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use labelchain_scenarios::*;
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::{ownable::OwnershipTransferred, ownable_two_step::OwnershipTransferStarted},
    token::erc20::{Approval, Transfer},
};
use reward_token::{EmissionMinted, Error, MinterSet, RewardToken};

const CHAIN_ID: u64 = 42_161;
/// motsu's fixed block timestamp; the permit deadline is checked against it.
const BLOCK_TIME: u64 = 1_735_689_600;

/// A token deployed with the default parameters and no minter yet, owned by `owner`.
fn unwired_token(owner: Address) -> Contract<RewardToken> {
    let cfg = TokenConfig::default();
    let token = Contract::<RewardToken>::new();
    token
        .sender(owner)
        .constructor(
            owner,
            Address::random(),
            cfg.cap,
            cfg.genesis,
            cfg.halving_interval,
        )
        .motsu_unwrap();
    token
}

// ---- deployment ----

#[motsu::test]
fn constructor_rejects_each_invalid_parameter() {
    let (admin, treasury) = (Address::random(), Address::random());
    let h = 1_000_000u64;
    let cases: [(&str, Address, Address, U256, U256, u64); 6] = [
        (
            "zero admin",
            Address::ZERO,
            treasury,
            lbl(1_000),
            lbl(100),
            h,
        ),
        (
            "zero treasury",
            admin,
            Address::ZERO,
            lbl(1_000),
            lbl(100),
            h,
        ),
        (
            "genesis above cap",
            admin,
            treasury,
            lbl(1_000),
            lbl(1_001),
            h,
        ),
        (
            "zero halving interval",
            admin,
            treasury,
            lbl(1_000),
            lbl(100),
            0,
        ),
        ("empty pool", admin, treasury, lbl(1_000), lbl(1_000), h),
        (
            "pool below 3H",
            admin,
            treasury,
            U256::from(3 * h - 1),
            U256::ZERO,
            h,
        ),
    ];
    for (why, a, t, cap, genesis, interval) in cases {
        let token = Contract::<RewardToken>::new();
        let err = token
            .sender(admin)
            .constructor(a, t, cap, genesis, interval)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidTokenParameters(_)),
            "{why}: {err:?}"
        );
    }
}

#[motsu::test]
fn smallest_viable_pool_deploys_with_one_wei_per_item() {
    let (admin, treasury) = (Address::random(), Address::random());
    let token = Contract::<RewardToken>::new();
    token
        .sender(admin)
        .constructor(admin, treasury, U256::from(30u64), U256::ZERO, 10)
        .motsu_unwrap();
    let (base, h, pool, emitted, verified) = token.sender(admin).emission_state();
    assert_eq!(
        (base, h, pool, emitted, verified),
        (U256::from(1u64), 10, U256::from(30u64), U256::ZERO, 0)
    );
    // Zero genesis mints nothing.
    assert_eq!(token.sender(admin).total_supply(), U256::ZERO);
    assert_eq!(token.sender(admin).balance_of(treasury), U256::ZERO);
}

#[motsu::test]
fn metadata_cap_genesis_and_schedule_match_the_design() {
    let w = World::default();
    let t = w.token.sender(w.admin);
    assert_eq!(t.name(), "Labelchain Reward");
    assert_eq!(t.symbol(), "LBL");
    assert_eq!(t.decimals(), 18);
    assert_eq!(t.cap(), lbl(1_000_000_000));
    assert_eq!(t.total_supply(), lbl(100_000_000));
    assert_eq!(t.balance_of(w.treasury), lbl(100_000_000));
    assert_eq!(
        t.emission_state(),
        (lbl(300), 1_000_000, lbl(900_000_000), U256::ZERO, 0)
    );
    assert_eq!(t.emission_at(0), lbl(300));
    assert_eq!(t.emission_at(999_999), lbl(300));
    assert_eq!(t.emission_at(1_000_000), lbl(150));
    assert_eq!(t.owner(), w.admin);
    assert_eq!(t.pending_owner(), Address::ZERO);
    assert_eq!(t.minter(), w.verifier.address());
    w.token.assert_emitted(&MinterSet {
        minter: w.verifier.address(),
    });
    w.token.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: w.treasury,
        value: lbl(100_000_000),
    });
    w.assert_solvent();
}

// ---- ERC-20 ----

#[motsu::test]
fn transfer_moves_the_balance_and_emits_transfer() {
    let w = World::default();
    let (alice, bob) = (Address::random(), Address::random());
    w.give_lbl(alice, lbl(10));
    assert!(w.token.sender(alice).transfer(bob, lbl(4)).motsu_unwrap());
    assert_eq!(w.balance(w.lbl(), alice), lbl(6));
    assert_eq!(w.balance(w.lbl(), bob), lbl(4));
    w.token.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: lbl(4),
    });
    w.assert_solvent();
}

#[motsu::test]
fn transfer_of_more_than_the_balance_is_refused() {
    let w = World::default();
    let alice = Address::random();
    w.give_lbl(alice, lbl(1));
    let err = w
        .token
        .sender(alice)
        .transfer(Address::random(), lbl(1) + U256::from(1u64))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientBalance);
    assert_eq!(
        (e.sender, e.balance, e.needed),
        (alice, lbl(1), lbl(1) + U256::from(1u64))
    );
    assert_eq!(w.balance(w.lbl(), alice), lbl(1));
    w.assert_solvent();
}

#[motsu::test]
fn transfer_to_the_zero_address_is_refused() {
    let w = World::default();
    let err = w
        .token
        .sender(w.treasury)
        .transfer(Address::ZERO, lbl(1))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InvalidReceiver);
    assert_eq!(e.receiver, Address::ZERO);
    assert_eq!(w.balance(w.lbl(), w.treasury), lbl(100_000_000));
    w.assert_solvent();
}

#[motsu::test]
fn approve_and_transfer_from_spend_the_allowance() {
    let w = World::default();
    let (owner, spender, to) = (Address::random(), Address::random(), Address::random());
    w.give_lbl(owner, lbl(10));
    assert!(w
        .token
        .sender(owner)
        .approve(spender, lbl(5))
        .motsu_unwrap());
    w.token.assert_emitted(&Approval {
        owner,
        spender,
        value: lbl(5),
    });
    assert_eq!(w.token.sender(owner).allowance(owner, spender), lbl(5));
    assert!(w
        .token
        .sender(spender)
        .transfer_from(owner, to, lbl(3))
        .motsu_unwrap());
    assert_eq!(w.token.sender(owner).allowance(owner, spender), lbl(2));
    assert_eq!(w.balance(w.lbl(), owner), lbl(7));
    assert_eq!(w.balance(w.lbl(), to), lbl(3));
    w.assert_solvent();
}

#[motsu::test]
fn an_infinite_allowance_is_not_spent() {
    let w = World::default();
    let (owner, spender) = (Address::random(), Address::random());
    w.give_lbl(owner, lbl(10));
    w.token
        .sender(owner)
        .approve(spender, U256::MAX)
        .motsu_unwrap();
    w.token
        .sender(spender)
        .transfer_from(owner, spender, lbl(10))
        .motsu_unwrap();
    assert_eq!(w.token.sender(owner).allowance(owner, spender), U256::MAX);
    w.assert_solvent();
}

#[motsu::test]
fn transfer_from_beyond_the_allowance_is_refused() {
    let w = World::default();
    let (owner, spender) = (Address::random(), Address::random());
    w.give_lbl(owner, lbl(10));
    w.token
        .sender(owner)
        .approve(spender, lbl(2))
        .motsu_unwrap();
    let err = w
        .token
        .sender(spender)
        .transfer_from(owner, spender, lbl(3))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientAllowance);
    assert_eq!(
        (e.spender, e.allowance, e.needed),
        (spender, lbl(2), lbl(3))
    );
    assert_eq!(w.balance(w.lbl(), owner), lbl(10));
    assert_eq!(w.token.sender(owner).allowance(owner, spender), lbl(2));
    w.assert_solvent();
}

#[motsu::test]
fn approving_the_zero_address_is_refused() {
    let w = World::default();
    let err = w
        .token
        .sender(w.treasury)
        .approve(Address::ZERO, lbl(1))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InvalidSpender);
    assert_eq!(e.spender, Address::ZERO);
}

// ---- burnable ----

#[motsu::test]
fn burn_destroys_the_callers_tokens_and_lowers_supply() {
    let w = World::default();
    let alice = Address::random();
    w.give_lbl(alice, lbl(10));
    w.token.sender(alice).burn(lbl(4)).motsu_unwrap();
    assert_eq!(w.balance(w.lbl(), alice), lbl(6));
    assert_eq!(w.token.sender(alice).total_supply(), lbl(99_999_996));
    w.token.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: lbl(4),
    });
    let err = w.token.sender(alice).burn(lbl(7)).motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientBalance);
    assert_eq!((e.sender, e.balance, e.needed), (alice, lbl(6), lbl(7)));
    w.assert_solvent();
}

#[motsu::test]
fn burn_from_needs_and_spends_an_allowance() {
    let w = World::default();
    let (owner, burner) = (Address::random(), Address::random());
    w.give_lbl(owner, lbl(10));
    let err = w
        .token
        .sender(burner)
        .burn_from(owner, lbl(1))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientAllowance);
    assert_eq!(
        (e.spender, e.allowance, e.needed),
        (burner, U256::ZERO, lbl(1))
    );

    w.token.sender(owner).approve(burner, lbl(5)).motsu_unwrap();
    w.token
        .sender(burner)
        .burn_from(owner, lbl(3))
        .motsu_unwrap();
    assert_eq!(w.balance(w.lbl(), owner), lbl(7));
    assert_eq!(w.token.sender(owner).allowance(owner, burner), lbl(2));
    assert_eq!(w.token.sender(owner).total_supply(), lbl(99_999_997));
    w.assert_solvent();
}

// ---- EIP-2612 ----

#[motsu::test]
fn domain_separator_is_the_eip712_domain_of_labelchain_reward_v1() {
    let w = World::default();
    let expected = keccak256(
        (
            keccak256(
                "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
            ),
            keccak256("Labelchain Reward"),
            keccak256("1"),
            U256::from(CHAIN_ID),
            w.token.address(),
        )
            .abi_encode(),
    );
    assert_eq!(w.token.sender(w.admin).domain_separator(), expected);
}

#[motsu::test]
fn permit_sets_the_allowance_and_uses_the_nonce() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let spender = Address::random();
    w.give_lbl(owner.address(), lbl(10));
    assert_eq!(w.token.sender(owner).nonces(owner.address()), U256::ZERO);
    let (v, r, s) = sign_permit(
        &w,
        owner,
        owner.address(),
        spender,
        lbl(7),
        U256::ZERO,
        U256::MAX,
    );
    // Anyone may submit the signed permit.
    w.token
        .sender(Address::random())
        .permit(owner.address(), spender, lbl(7), U256::MAX, v, r, s)
        .motsu_unwrap();
    assert_eq!(
        w.token.sender(owner).allowance(owner.address(), spender),
        lbl(7)
    );
    assert_eq!(
        w.token.sender(owner).nonces(owner.address()),
        U256::from(1u64)
    );
    w.token.assert_emitted(&Approval {
        owner: owner.address(),
        spender,
        value: lbl(7),
    });
    w.token
        .sender(spender)
        .transfer_from(owner.address(), spender, lbl(7))
        .motsu_unwrap();
    assert_eq!(w.balance(w.lbl(), spender), lbl(7));
    w.assert_solvent();
}

#[motsu::test]
fn permit_past_its_deadline_is_refused() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let spender = Address::random();
    let deadline = U256::from(BLOCK_TIME - 1);
    let (v, r, s) = sign_permit(
        &w,
        owner,
        owner.address(),
        spender,
        lbl(1),
        U256::ZERO,
        deadline,
    );
    let err = w
        .token
        .sender(owner)
        .permit(owner.address(), spender, lbl(1), deadline, v, r, s)
        .motsu_unwrap_err();
    let e = variant!(err, Error::ExpiredSignature);
    assert_eq!(e.deadline, deadline);
    assert_eq!(w.token.sender(owner).nonces(owner.address()), U256::ZERO);

    // A deadline equal to the block time is still valid.
    let now = U256::from(BLOCK_TIME);
    let (v, r, s) = sign_permit(&w, owner, owner.address(), spender, lbl(1), U256::ZERO, now);
    w.token
        .sender(owner)
        .permit(owner.address(), spender, lbl(1), now, v, r, s)
        .motsu_unwrap();
}

#[motsu::test]
fn permit_signed_by_someone_else_is_refused() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let mallory = Account::from_seed("mallory");
    let spender = mallory.address();
    let (v, r, s) = sign_permit(
        &w,
        mallory,
        owner.address(),
        spender,
        lbl(1),
        U256::ZERO,
        U256::MAX,
    );
    let err = w
        .token
        .sender(mallory)
        .permit(owner.address(), spender, lbl(1), U256::MAX, v, r, s)
        .motsu_unwrap_err();
    let e = variant!(err, Error::InvalidSigner);
    assert_eq!((e.signer, e.owner), (mallory.address(), owner.address()));
    assert_eq!(
        w.token.sender(owner).allowance(owner.address(), spender),
        U256::ZERO
    );
    assert_eq!(w.token.sender(owner).nonces(owner.address()), U256::ZERO);
}

#[motsu::test]
fn a_replayed_permit_is_refused() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let spender = Address::random();
    let (v, r, s) = sign_permit(
        &w,
        owner,
        owner.address(),
        spender,
        lbl(1),
        U256::ZERO,
        U256::MAX,
    );
    w.token
        .sender(spender)
        .permit(owner.address(), spender, lbl(1), U256::MAX, v, r, s)
        .motsu_unwrap();
    // Submitting the same signature again, to renew the allowance, fails: the nonce moved on.
    let err = w
        .token
        .sender(spender)
        .permit(owner.address(), spender, lbl(1), U256::MAX, v, r, s)
        .motsu_unwrap_err();
    let e = variant!(err, Error::InvalidSigner);
    assert_eq!(e.owner, owner.address());
    assert_ne!(e.signer, owner.address());
    assert_eq!(
        w.token.sender(owner).nonces(owner.address()),
        U256::from(1u64)
    );
}

#[motsu::test]
fn permit_with_a_malleable_high_s_is_refused() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let spender = Address::random();
    let (v, r, _) = sign_permit(
        &w,
        owner,
        owner.address(),
        spender,
        lbl(1),
        U256::ZERO,
        U256::MAX,
    );
    let high_s = B256::repeat_byte(0xff);
    let err = w
        .token
        .sender(owner)
        .permit(owner.address(), spender, lbl(1), U256::MAX, v, r, high_s)
        .motsu_unwrap_err();
    let e = variant!(err, Error::InvalidSignatureS);
    assert_eq!(e.s, high_s);
}

#[motsu::test]
fn permit_with_an_unrecoverable_signature_is_refused() {
    let w = World::default();
    let owner = Account::from_seed("alice");
    let spender = Address::random();
    let (_, r, s) = sign_permit(
        &w,
        owner,
        owner.address(),
        spender,
        lbl(1),
        U256::ZERO,
        U256::MAX,
    );
    let err = w
        .token
        .sender(owner)
        .permit(owner.address(), spender, lbl(1), U256::MAX, 0, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSignature(_)), "{err:?}");
}

// ---- emission ----

#[motsu::test]
fn only_the_minter_may_mint_emission() {
    let w = World::default();
    for caller in [w.admin, w.treasury, Address::random()] {
        let err = w
            .token
            .sender(caller)
            .mint_emission(caller, uncapped(&[10_000]))
            .motsu_unwrap_err();
        let e = variant!(err, Error::NotMinter);
        assert_eq!(e.caller, caller);
    }
    assert_eq!(w.token.sender(w.admin).total_supply(), lbl(100_000_000));
    w.assert_solvent();
}

#[motsu::test]
fn before_set_minter_nobody_may_mint_emission() {
    let owner = Address::random();
    let token = unwired_token(owner);
    assert_eq!(token.sender(owner).minter(), Address::ZERO);
    for caller in [owner, Address::random()] {
        let err = token
            .sender(caller)
            .mint_emission(caller, uncapped(&[10_000]))
            .motsu_unwrap_err();
        let e = variant!(err, Error::NotMinter);
        assert_eq!(e.caller, caller);
    }
    assert_eq!(
        token.sender(owner).total_supply(),
        TokenConfig::default().genesis
    );
}

#[motsu::test]
fn mint_emission_pays_the_schedule_times_each_multiplier() {
    let w = World::default();
    let minter = w.verifier.address();
    let to = Address::random();
    let amounts = w
        .token
        .sender(minter)
        .mint_emission(to, uncapped(&[10_000, 12_500, 15_000]))
        .motsu_unwrap();
    assert_eq!(amounts, vec![lbl(300), lbl(375), lbl(450)]);
    assert_eq!(w.balance(w.lbl(), to), lbl(1_125));
    assert_eq!(
        w.token.sender(minter).total_supply(),
        lbl(100_000_000 + 1_125)
    );
    let (_, _, _, emitted, verified) = w.token.sender(minter).emission_state();
    assert_eq!((emitted, verified), (lbl(1_125), 3));
    w.token.assert_emitted(&EmissionMinted {
        item: 1,
        to,
        amount: lbl(375),
        multiplierBps: 12_500,
    });
    w.assert_solvent();
}

#[motsu::test]
fn emission_multiplier_outside_one_to_one_and_a_half_is_refused() {
    let w = World::default();
    let minter = w.verifier.address();
    for m in [0u16, 9_999, 15_001, u16::MAX] {
        let err = w
            .token
            .sender(minter)
            .mint_emission(minter, uncapped(&[10_000, m]))
            .motsu_unwrap_err();
        let Error::EmissionMultiplierOutOfRange(e) = err else {
            panic!("{m}: {err:?}")
        };
        assert_eq!(e.multiplierBps, m);
    }
    // Nothing of the refused batches stuck, not even their valid first entries.
    let (_, _, _, emitted, verified) = w.token.sender(minter).emission_state();
    assert_eq!((emitted, verified), (U256::ZERO, 0));
    assert_eq!(w.balance(w.lbl(), minter), U256::ZERO);
    w.assert_solvent();
}

// ---- the minter ----

#[motsu::test]
fn the_owner_sets_the_minter_once_and_for_good() {
    let owner = Address::random();
    let token = unwired_token(owner);
    let err = token
        .sender(owner)
        .set_minter(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidTokenParameters(_)), "{err:?}");
    let minter = Address::random();
    token.sender(owner).set_minter(minter).motsu_unwrap();
    token.assert_emitted(&MinterSet { minter });
    assert_eq!(token.sender(owner).minter(), minter);
    // Neither another account nor the same one again.
    for other in [Address::random(), minter, Address::ZERO] {
        let err = token.sender(owner).set_minter(other).motsu_unwrap_err();
        let e = variant!(err, Error::MinterAlreadySet);
        assert_eq!(e.minter, minter);
    }
    assert_eq!(token.sender(owner).minter(), minter);
    let amounts = token
        .sender(minter)
        .mint_emission(minter, uncapped(&[10_000]))
        .motsu_unwrap();
    assert_eq!(amounts, vec![lbl(300)]);
}

#[motsu::test]
fn the_deployed_token_cannot_get_a_second_minter() {
    let w = World::default();
    let err = w
        .token
        .sender(w.admin)
        .set_minter(Address::random())
        .motsu_unwrap_err();
    let e = variant!(err, Error::MinterAlreadySet);
    assert_eq!(e.minter, w.verifier.address());
    assert_eq!(w.token.sender(w.admin).minter(), w.verifier.address());
}

#[motsu::test]
fn only_the_owner_may_set_the_minter() {
    let owner = Address::random();
    let token = unwired_token(owner);
    let stranger = Address::random();
    let err = token
        .sender(stranger)
        .set_minter(stranger)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    assert_eq!(token.sender(owner).minter(), Address::ZERO);
}

// ---- two-step ownership ----

#[motsu::test]
fn only_the_owner_may_start_a_transfer_or_renounce() {
    let w = World::default();
    let stranger = Address::random();
    let err = w
        .token
        .sender(stranger)
        .transfer_ownership(stranger)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    let err = w
        .token
        .sender(stranger)
        .renounce_ownership()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    assert_eq!(w.token.sender(stranger).owner(), w.admin);
    assert_eq!(w.token.sender(stranger).pending_owner(), Address::ZERO);
}

#[motsu::test]
fn accepting_ownership_needs_to_be_the_pending_owner() {
    let w = World::default();
    let stranger = Address::random();
    // No transfer pending at all.
    let err = w
        .token
        .sender(stranger)
        .accept_ownership()
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    // A transfer pending to someone else.
    let successor = Address::random();
    w.token
        .sender(w.admin)
        .transfer_ownership(successor)
        .motsu_unwrap();
    let err = w
        .token
        .sender(stranger)
        .accept_ownership()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    // The current owner cannot accept its own offer either.
    let err = w
        .token
        .sender(w.admin)
        .accept_ownership()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    assert_eq!(w.token.sender(w.admin).owner(), w.admin);
    assert_eq!(w.token.sender(w.admin).pending_owner(), successor);
}

#[motsu::test]
fn a_two_step_ownership_transfer_moves_the_owner() {
    let owner = Address::random();
    let token = unwired_token(owner);
    let successor = Address::random();
    token
        .sender(owner)
        .transfer_ownership(successor)
        .motsu_unwrap();
    assert!(token.emitted(&OwnershipTransferStarted {
        previous_owner: owner,
        new_owner: successor,
    }));
    // Offering is not handing over.
    assert_eq!(token.sender(owner).owner(), owner);
    assert_eq!(token.sender(owner).pending_owner(), successor);

    token.sender(successor).accept_ownership().motsu_unwrap();
    token.assert_emitted(&OwnershipTransferred {
        previous_owner: owner,
        new_owner: successor,
    });
    let t = token.sender(successor);
    assert_eq!(t.owner(), successor);
    assert_eq!(t.pending_owner(), Address::ZERO);

    let minter = Address::random();
    let err = token.sender(owner).set_minter(minter).motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    token.sender(successor).set_minter(minter).motsu_unwrap();
    assert_eq!(token.sender(successor).minter(), minter);
}

#[motsu::test]
fn an_owner_who_renounces_leaves_the_token_without_one() {
    let w = World::default();
    let successor = Address::random();
    w.token
        .sender(w.admin)
        .transfer_ownership(successor)
        .motsu_unwrap();
    w.token.sender(w.admin).renounce_ownership().motsu_unwrap();
    w.token.assert_emitted(&OwnershipTransferred {
        previous_owner: w.admin,
        new_owner: Address::ZERO,
    });
    let t = w.token.sender(w.admin);
    assert_eq!(t.owner(), Address::ZERO);
    assert_eq!(t.pending_owner(), Address::ZERO);
    // The offer made before renouncing died with it.
    let err = w
        .token
        .sender(successor)
        .accept_ownership()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    // The minter stays wired: emission goes on without an owner.
    let verifier = w.verifier.address();
    assert_eq!(w.token.sender(verifier).minter(), verifier);
    let amounts = w
        .token
        .sender(verifier)
        .mint_emission(Address::random(), uncapped(&[10_000]))
        .motsu_unwrap();
    assert_eq!(amounts, vec![lbl(300)]);
    w.assert_solvent();
}
