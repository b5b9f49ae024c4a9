// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// A stablecoin-like payment token for the end-to-end tests: 6 decimals, anyone may mint.
contract TestUSD is ERC20 {
    constructor() ERC20("Test USD", "tUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// A malicious payment token: once armed, every transfer (not mint) calls `target` with
/// `data` — re-entering the protocol from inside its own token transfer. With `bubble`
/// a failed re-entry reverts the transfer with the callee's revert data; without it the
/// outcome is recorded (`attempts`, `lastOk`, `lastRet`) and the transfer goes on.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public data;
    bool public bubble;
    uint256 public attempts;
    bool public lastOk;
    bytes public lastRet;

    constructor() ERC20("Reentrant", "EVIL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_, bool bubble_) external {
        target = target_;
        data = data_;
        bubble = bubble_;
    }

    function disarm() external {
        target = address(0);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (target != address(0) && from != address(0)) {
            attempts += 1;
            (bool ok, bytes memory ret) = target.call(data);
            lastOk = ok;
            lastRet = ret;
            if (!ok && bubble) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }
}
