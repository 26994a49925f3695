#!/usr/bin/env bash
# Browser test of the packaged extension: installs out/quantlens.vsix into a fresh
# code-server, opens the bundled sample in Chromium and drives the inspector webview
# (test/e2e/inspector.e2e.ts). Screenshots go to $SCREENSHOT_DIR (default test-output/e2e).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/codeserver.sh"
VSIX="$ROOT/out/quantlens.vsix"
[ -f "$VSIX" ] || { echo "$VSIX missing: run npm run package" >&2; exit 1; }
OUT_DIR="${OUT_DIR:-$ROOT/test-output/e2e}"
SCREENSHOT_DIR="$(mkdir -p "${SCREENSHOT_DIR:-$OUT_DIR}" && cd "${SCREENSHOT_DIR:-$OUT_DIR}" && pwd)"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/quantlens-e2e.XXXXXX")"
trap 'cs_stop; rm -rf "$RUN"' EXIT
mkdir -p "$OUT_DIR"

cs_install_vsix "$RUN" "$VSIX" > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
WS="$RUN/workspace"; mkdir -p "$WS"
cp "$ROOT/samples/mlp/model.safetensors" "$WS/model.safetensors"
cp "$ROOT/test/fixtures/plan/hf-llama/model.safetensors" "$WS/reference.safetensors"
cp "$ROOT/test/fixtures/compare/q2_k.gguf" "$WS/q2_k.gguf"
cp "$ROOT/test/fixtures/plan/llama-gqa.gguf" "$WS/llama-gqa.gguf"   # the Plan tab's model
# One browser test per panel (E2E_SPECS picks some, e.g. E2E_SPECS=compare), each in a fresh
# code-server with no editors restored from the test before it.
SPECS="${E2E_SPECS:-inspector compare}"
rc=0
for theme in dark light; do
  case $theme in dark) name="Default Dark Modern" ;; light) name="Default Light Modern" ;; esac
  for spec in $SPECS; do
    rm -rf "$RUN/ud/User/workspaceStorage"
    cs_start "$RUN" "$WS" "$name"
    LOG="$RUN/$spec-$theme.log"
    CS_URL="$CS_URL" WORKSPACE="$WS" OUT_DIR="$OUT_DIR" SCREENSHOT_DIR="$SCREENSHOT_DIR" THEME="$theme" \
      node "$ROOT/node_modules/tsx/dist/cli.mjs" "$ROOT/test/e2e/$spec.e2e.ts" 2>&1 | tee "$LOG" || rc=$?
    if [ $rc != 0 ]; then
      cs_dump_logs "$RUN"
      # Last, so a CI log's tail shows it: what the test itself said.
      echo "--- e2e $spec ($theme theme) failed; its output:"; tail -40 "$LOG"
      break 2
    fi
    cs_stop
  done
done
exit $rc
