// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbDebug interface: only the method the
// devnode serves. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's debug precompile, at 0xff (served on debug chains such as nitro's --dev).
interface ArbDebug {
    /// Makes the caller a chain owner (nitro-devnode's setup calls it for the dev account).
    function becomeChainOwner() external;
}
