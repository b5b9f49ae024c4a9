// Hand-assembled EVM bytecode shared by the client scripts.
import { keccak256, toBytes, toHex, concat, numberToHex } from 'viem';

/// Init code that deploys `runtime` verbatim: CODECOPY(0, 12, len); RETURN(0, len).
export function initCode(runtime) {
  const len = (runtime.length - 2) / 2;
  return concat(['0x61', numberToHex(len, { size: 2 }), '0x8060' + '0c' + '6000396000f3', runtime]);
}

/// Runtime of a contract that, on any call, emits
/// `Ping(address indexed from, uint256 value)` with value = the first argument.
export function pingRuntime() {
  const topic0 = keccak256(toBytes('Ping(address,uint256)'));
  // PUSH1 4 CALLDATALOAD PUSH1 0 MSTORE CALLER PUSH32 topic0 PUSH1 32 PUSH1 0 LOG2 STOP
  return concat(['0x600435600052337f', topic0, '0x60206000a200']);
}

export const pingAbi = [
  { type: 'function', name: 'ping', stateMutability: 'nonpayable', inputs: [{ name: 'value', type: 'uint256' }], outputs: [] },
  { type: 'event', name: 'Ping', inputs: [
    { name: 'from', type: 'address', indexed: true },
    { name: 'value', type: 'uint256', indexed: false },
  ] },
];

/// Runtime of a contract that refuses every call with the custom error
/// `Refused(uint256 code)`, code = the first argument.
export function refuserRuntime() {
  const selector = keccak256(toBytes('Refused(uint256)')).slice(0, 10);
  // PUSH32 selector‖0… PUSH1 0 MSTORE PUSH1 4 CALLDATALOAD PUSH1 4 MSTORE PUSH1 0x24 PUSH1 0 REVERT
  return concat(['0x7f', selector, '0x' + '00'.repeat(28), '0x600052600435600452602460' + '00fd']);
}

export const refuserAbi = [
  { type: 'function', name: 'check', stateMutability: 'view', inputs: [{ name: 'code', type: 'uint256' }], outputs: [] },
  { type: 'error', name: 'Refused', inputs: [{ name: 'code', type: 'uint256' }] },
];

export { toHex };
