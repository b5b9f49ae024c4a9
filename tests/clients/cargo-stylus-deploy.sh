#!/usr/bin/env bash
# `cargo stylus deploy --no-verify` against the devnode: cargo-stylus builds a program,
# deploys it and activates it through ArbWasm, then `cast` calls it; `cargo stylus cache
# bid` then caches it through the devnode's CacheManager. Kept out of CI
# because installing cargo-stylus (crates.io 0.10.x) takes minutes on a 2-core machine;
# run it by hand: bash tests/clients/cargo-stylus-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v cargo-stylus >/dev/null || cargo install --locked cargo-stylus@0.10.2
[ -x tests/clients/node_modules/.bin/cast ] || npm ci --prefix tests/clients --no-audit --no-fund
CAST=tests/clients/node_modules/.bin/cast
KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"

cargo build -p devnode --bin devnode
target/debug/devnode --port "$PORT" > /tmp/cargo-stylus-devnode.log 2>&1 & NODE=$!
trap 'kill $NODE 2>/dev/null || true' EXIT
until $CAST chain-id --rpc-url "$URL" >/dev/null 2>&1; do sleep 0.1; done

# The guarded test program: a small storage contract (devnode/test-programs/guarded).
cd devnode/test-programs/guarded
OUT=$(cargo stylus deploy --no-verify --endpoint "$URL" --private-key "$KEY" 2>&1 | tee /dev/stderr)
cd - >/dev/null
ADDR=$(echo "$OUT" | sed -n 's/.*deployed code at address:[^0-9a-fA-Fx]*\(0x[0-9a-fA-F]\{40\}\).*/\1/p' | tail -1)
[ -n "$ADDR" ] || { echo "could not find the deployed address in cargo-stylus output" >&2; exit 1; }
$CAST send --rpc-url "$URL" --private-key "$KEY" "$ADDR" "set(uint256,uint256)" 7 700 >/dev/null
GOT=$($CAST call --rpc-url "$URL" "$ADDR" "get(uint256)(uint256)" 7)
[ "$GOT" = "700" ] || { echo "expected 700, got $GOT" >&2; exit 1; }
echo "cargo stylus deploy + activate on the devnode: ok ($ADDR, get(7) = $GOT)"

# Caching through the devnode's native CacheManager (the last of allCacheManagers).
cargo stylus cache bid --endpoint "$URL" --private-key "$KEY" "$ADDR" 0
CODEHASH=$($CAST keccak "$($CAST code --rpc-url "$URL" "$ADDR")")
CACHED=$($CAST call --rpc-url "$URL" 0x0000000000000000000000000000000000000072 "codehashIsCached(bytes32)(bool)" "$CODEHASH")
[ "$CACHED" = "true" ] || { echo "expected the program cached, got $CACHED" >&2; exit 1; }
echo "cargo stylus cache bid on the devnode: ok ($ADDR cached)"
