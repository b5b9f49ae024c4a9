//! The 256-bit arithmetic `vm_hooks`, against ruint's U256 operations.

use crate::common::*;
use crate::wat::*;
use devnode::Chain;
use revm::primitives::{Address, U256};

/// op(1) ‖ a(32) ‖ b(32) ‖ m(32); returns the new `a`.
const MATH: &str = r#"(func (export "user_entrypoint") (param $len i32) (result i32)
  (local $op i32)
  (call $read_args (i32.const 0))
  (local.set $op (i32.load8_u (i32.const 0)))
  (if (i32.eq (local.get $op) (i32.const 0)) (then (call $math_div (i32.const 1) (i32.const 33))))
  (if (i32.eq (local.get $op) (i32.const 1)) (then (call $math_mod (i32.const 1) (i32.const 33))))
  (if (i32.eq (local.get $op) (i32.const 2)) (then (call $math_pow (i32.const 1) (i32.const 33))))
  (if (i32.eq (local.get $op) (i32.const 3))
    (then (call $math_add_mod (i32.const 1) (i32.const 33) (i32.const 65))))
  (if (i32.eq (local.get $op) (i32.const 4))
    (then (call $math_mul_mod (i32.const 1) (i32.const 33) (i32.const 65))))
  (call $ret (i32.const 1) (i32.const 32)))"#;

fn setup() -> (Chain, Address) {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &program("1 1", MATH));
    (chain, p)
}

fn math(chain: &mut Chain, p: Address, op: u8, a: U256, b: U256, m: U256) -> U256 {
    let mut data = vec![op];
    for x in [a, b, m] {
        data.extend_from_slice(&x.to_be_bytes::<32>());
    }
    let r = call(chain, p, data);
    assert!(r.success(), "{:?}", r.status);
    U256::from_be_slice(&r.output)
}

fn samples() -> Vec<U256> {
    vec![
        U256::ZERO,
        U256::from(1),
        U256::from(7),
        U256::from(1_000_000_007u64),
        U256::from(u128::MAX) * U256::from(3),
        U256::MAX - U256::from(5),
        U256::MAX,
    ]
}

#[test]
fn math_div_divides_and_gives_zero_for_division_by_zero() {
    let (mut chain, p) = setup();
    for a in samples() {
        for b in samples() {
            let want = a.checked_div(b).unwrap_or_default();
            assert_eq!(math(&mut chain, p, 0, a, b, U256::ZERO), want, "{a} / {b}");
        }
    }
}

#[test]
fn math_mod_takes_the_remainder_and_gives_zero_for_modulus_zero() {
    let (mut chain, p) = setup();
    for a in samples() {
        for b in samples() {
            let want = a.checked_rem(b).unwrap_or_default();
            assert_eq!(math(&mut chain, p, 1, a, b, U256::ZERO), want, "{a} % {b}");
        }
    }
}

#[test]
fn math_pow_wraps_like_the_evm_exp() {
    let (mut chain, p) = setup();
    let cases = [
        (U256::from(2), U256::from(10), U256::from(1024)),
        (U256::from(2), U256::from(256), U256::ZERO),
        (U256::from(3), U256::ZERO, U256::from(1)),
        (U256::ZERO, U256::ZERO, U256::from(1)),
        (
            U256::from(7),
            U256::from(100),
            U256::from(7).wrapping_pow(U256::from(100)),
        ),
        (U256::MAX, U256::from(3), U256::MAX),
    ];
    for (a, e, want) in cases {
        assert_eq!(math(&mut chain, p, 2, a, e, U256::ZERO), want, "{a} ** {e}");
        assert_eq!(a.wrapping_pow(e), want);
    }
}

#[test]
fn math_add_mod_does_not_overflow_and_gives_zero_for_modulus_zero() {
    let (mut chain, p) = setup();
    for a in samples() {
        for m in samples() {
            let b = U256::MAX - U256::from(1);
            let want = a.add_mod(b, m);
            assert_eq!(math(&mut chain, p, 3, a, b, m), want, "({a} + {b}) % {m}");
        }
    }
    let max = U256::MAX;
    assert_eq!(
        math(&mut chain, p, 3, max, max, U256::from(10)),
        U256::from(0)
    );
    assert_eq!(
        math(&mut chain, p, 3, U256::from(5), U256::from(6), U256::ZERO),
        U256::ZERO
    );
}

#[test]
fn math_mul_mod_does_not_overflow_and_gives_zero_for_modulus_zero() {
    let (mut chain, p) = setup();
    for a in samples() {
        for m in samples() {
            let b = U256::MAX - U256::from(2);
            let want = a.mul_mod(b, m);
            assert_eq!(math(&mut chain, p, 4, a, b, m), want, "({a} * {b}) % {m}");
        }
    }
    // (2^256 - 1)^2 mod 12: 2^256 ≡ 4 (mod 12), so (4 - 1)^2 = 9.
    let max = U256::MAX;
    assert_eq!(
        math(&mut chain, p, 4, max, max, U256::from(12)),
        U256::from(9)
    );
}
