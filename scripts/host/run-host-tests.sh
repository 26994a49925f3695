#!/usr/bin/env bash
# Runs the mocha suite (dist/test/host/suite/index.js) inside the real Node extension
# host of code-server, with this repository as the extension under development.
# Exit code = the suite's result. Expects `npm run build` to have run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/codeserver.sh"
OUT_DIR="${OUT_DIR:-$ROOT/test-output/host}"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/quantlens-host.XXXXXX")"
trap 'cs_stop; rm -rf "$RUN"' EXIT
mkdir -p "$OUT_DIR"
SUITE="$ROOT/dist/test/host/suite/index.js"
[ -f "$SUITE" ] || { echo "$SUITE missing: run npm run build" >&2; exit 1; }

WS="$RUN/workspace"; mkdir -p "$WS"; echo "QuantLens host tests" > "$WS/README.txt"
export QUANTLENS_TEST_OUT="$RUN/out"   # inherited by the extension host: where exports go
mkdir -p "$QUANTLENS_TEST_OUT"
cs_start "$RUN" "$WS"
rc=0
CS_PORT="$CS_PORT" CS_URL="$CS_URL" WORKSPACE="$WS" OUT_DIR="$OUT_DIR" \
  EXT_DEV_PATH="$ROOT" EXT_TESTS_PATH="$SUITE" \
  node "$ROOT/node_modules/tsx/dist/cli.mjs" "$ROOT/test/host/runInCodeServer.ts" || rc=$?
[ $rc = 0 ] || cs_dump_logs "$RUN"
exit $rc
