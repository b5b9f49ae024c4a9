#!/usr/bin/env bash
# cargo-stylus itself against the devnode: `cargo stylus deploy` builds the counter in
# tests/clients/cargo-stylus and deploys, activates and initialises it through the
# StylusDeployer (it has a constructor); `cast` calls and changes it; `cargo stylus cache
# bid ADDR 0` caches it through the devnode's cache manager, and ArbWasmCache must then
# report its codehash cached. Kept out of CI because installing cargo-stylus takes tens of
# minutes on a 2-core machine (see the README); run it by hand:
#     bash tests/clients/cargo-stylus-deploy.sh
# CARGO_STYLUS may name the cargo-stylus binary (default: the one on PATH); DEVNODE a devnode
# binary to test (default: this checkout's, built here). Exits non-zero with a message on
# the first failure; the node and the temporary directory go either way.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# The version the README's result was recorded with; another one is tried, with a warning.
PINNED=0.10.10
CARGO_STYLUS=${CARGO_STYLUS:-$(command -v cargo-stylus || true)}
fail() { echo "cargo-stylus-deploy: $*" >&2; exit 1; }
[ -n "$CARGO_STYLUS" ] && [ -x "$CARGO_STYLUS" ] ||
  fail "cargo-stylus not found: cargo install cargo-stylus --locked --version $PINNED (or set CARGO_STYLUS)"
VERSION=$("$CARGO_STYLUS" stylus --version | awk '{print $NF}')
[ "$VERSION" = "$PINNED" ] || echo "warning: cargo-stylus $VERSION, the README records $PINNED" >&2
[ -x tests/clients/node_modules/.bin/cast ] || npm ci --prefix tests/clients --no-audit --no-fund
CAST=$ROOT/tests/clients/node_modules/.bin/cast
# nitro-devnode's dev account: the devnode funds it and makes it chain owner.
KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
ARB_WASM_CACHE=0x0000000000000000000000000000000000000072

TMP=$(mktemp -d)
NODE=
cleanup() {
  local rc=$?
  if [ -n "$NODE" ]; then
    kill "$NODE" 2>/dev/null || true
    wait "$NODE" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ] && [ -f "$TMP/devnode.log" ]; then
    echo "--- devnode log (last 20 lines)" >&2
    tail -20 "$TMP/devnode.log" >&2
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

if [ -z "${DEVNODE:-}" ]; then
  cargo build -q -p devnode --bin devnode
  DEVNODE=$ROOT/target/debug/devnode
fi
"$DEVNODE" --port 0 >"$TMP/devnode.log" 2>&1 &
NODE=$!
for _ in $(seq 300); do
  ADDR_PORT=$(sed -n 's/^Listening on \(.*\)$/\1/p' "$TMP/devnode.log")
  [ -n "$ADDR_PORT" ] && break
  kill -0 "$NODE" 2>/dev/null || fail "the devnode exited before listening"
  sleep 0.1
done
[ -n "$ADDR_PORT" ] || fail "the devnode did not start listening within 30 s"
URL="http://$ADDR_PORT"
$CAST chain-id --rpc-url "$URL" >/dev/null || fail "the devnode does not answer at $URL"

# 1. Build, deploy, activate and initialise (constructor argument 7) with cargo-stylus.
cd tests/clients/cargo-stylus
"$CARGO_STYLUS" stylus deploy --no-verify --endpoint "$URL" --private-key "$KEY" \
  --constructor-args 7 2>&1 | tee "$TMP/deploy.log" || fail "cargo stylus deploy failed"
cd "$ROOT"
# cargo-stylus colours its output even into a pipe: strip the escapes before matching.
ADDR=$(sed 's/\x1b\[[0-9;]*m//g' "$TMP/deploy.log" |
  sed -n 's/.*deployed code at address: *\(0x[0-9a-fA-F]\{40\}\).*/\1/p' | tail -1)
[ -n "$ADDR" ] || fail "no deployed address in cargo-stylus's output"

# 2. The constructor ran through the StylusDeployer; the program answers and changes.
GOT=$($CAST call --rpc-url "$URL" "$ADDR" "number()(uint256)")
[ "$GOT" = 7 ] || fail "number() after the constructor: expected 7, got $GOT"
$CAST send -q --rpc-url "$URL" --private-key "$KEY" "$ADDR" "increment()" ||
  fail "increment() was refused"
GOT=$($CAST call --rpc-url "$URL" "$ADDR" "number()(uint256)")
[ "$GOT" = 8 ] || fail "number() after increment(): expected 8, got $GOT"
echo "cargo stylus deploy (StylusDeployer, constructor) on the devnode: ok ($ADDR, number = $GOT)"

# 3. Cache it with a zero bid through the cache manager cargo-stylus finds in ArbWasmCache.
MANAGERS=$($CAST call --rpc-url "$URL" "$ARB_WASM_CACHE" "allCacheManagers()(address[])")
[ "$MANAGERS" != "[]" ] || fail "ArbWasmCache lists no cache manager: \`cargo stylus cache bid\` cannot work on this devnode"
CODEHASH=$($CAST keccak "$($CAST code --rpc-url "$URL" "$ADDR")")
CACHED=$($CAST call --rpc-url "$URL" "$ARB_WASM_CACHE" "codehashIsCached(bytes32)(bool)" "$CODEHASH")
[ "$CACHED" = false ] || fail "the program was cached before any bid"
(cd tests/clients/cargo-stylus &&
  "$CARGO_STYLUS" stylus cache bid --endpoint "$URL" --private-key "$KEY" "$ADDR" 0) ||
  fail "cargo stylus cache bid failed"
CACHED=$($CAST call --rpc-url "$URL" "$ARB_WASM_CACHE" "codehashIsCached(bytes32)(bool)" "$CODEHASH")
[ "$CACHED" = true ] || fail "after the bid ArbWasmCache.codehashIsCached($CODEHASH) is $CACHED"
echo "cargo stylus cache bid on the devnode: ok (codehash $CODEHASH cached)"
echo "cargo-stylus $VERSION against the devnode: all steps passed"
