use crate::common::*;

/// The smallest program: echoes its calldata.
const ECHO: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))
"#;

#[test]
fn an_activated_program_echoes_its_calldata() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, ECHO);
    let r = call(&mut chain, p, vec![1u8, 2, 3]);
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(r.output.as_ref(), &[1, 2, 3]);
    println!("gas used: {}", r.gas_used);
}

#[test]
fn time_travel_continues_from_a_jump() {
    let mut chain = chain();
    let t = chain.latest().timestamp + 10_000;
    chain.set_next_timestamp(t);
    assert_eq!(chain.mine().timestamp, t);
    chain.increase_time(3_601);
    assert!(
        chain.mine().timestamp >= t + 3_601,
        "increase_time after a jump moves past it"
    );
}

#[test]
fn a_shorter_history_forgets_older_states_at_once_and_keeps_its_window_after() {
    let mut chain = chain();
    for _ in 0..5 {
        chain.mine();
    }
    let head = chain.block_number();
    assert!(chain.state_at(head - 4).is_some(), "the default window");
    chain.set_history(2);
    assert!(chain.state_at(head - 2).is_some());
    assert!(chain.state_at(head - 3).is_none(), "forgotten at once");
    assert_eq!(chain.oldest_state(), head - 2);
    chain.mine();
    assert!(chain.state_at(head - 1).is_some());
    assert!(
        chain.state_at(head - 2).is_none(),
        "the window moves with the head"
    );
    chain.set_history(0);
    assert!(chain.state_at(head).is_none());
    assert!(
        chain.state_at(head + 1).is_some(),
        "the latest is always read live"
    );
}
