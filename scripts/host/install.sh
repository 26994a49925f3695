#!/usr/bin/env bash
# Installs what the host and e2e tests need to run QuantLens inside a real VS Code
# host, headless: Debian chromium (+ libkrb5-dev for code-server's native build) and
# code-server into the git-ignored .tools/. playwright-core and vsce come from the
# project's own devDependencies. Idempotent: a second run only checks.
#
#   CODE_SERVER_VERSION  default 4.100.3 (= VS Code 1.100.3, the newest on Node 20)
#   SKIP_APT=1           skip the apt-get step
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${QUANTLENS_TOOLS:-$ROOT/.tools}"
CS_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CS_DIR="$TOOLS/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
say() { echo "[host-install] $*"; }

# --- 1. Debian packages -------------------------------------------------------
# chromium hosts the workbench (the server starts an extension host only when a
# client connects); libkrb5-dev: headers for code-server's 'kerberos' native module.
if [ "${SKIP_APT:-0}" != 1 ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
  { command -v g++ && command -v make; } >/dev/null 2>&1 || need+=(build-essential)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if [ "${#need[@]}" -gt 0 ]; then
    say "apt-get install ${need[*]}"
    # DPkg::Lock::Timeout: wait instead of failing while another apt runs
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
  fi
fi

# --- 2. code-server -----------------------------------------------------------
if [ ! -x "$CS_BIN" ] || [ ! -d "$CS_DIR/node_modules/code-server/lib/vscode/node_modules" ]; then
  [ "$(uname -m)" = x86_64 ] || { echo "the ripgrep seeding below is for x86_64, not $(uname -m)" >&2; exit 1; }
  say "installing code-server@$CS_VERSION into $CS_DIR"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  export TMPDIR="$TOOLS/tmp"; rm -rf "$TMPDIR"; mkdir -p "$TMPDIR"
  work="$(mktemp -d)"
  # Workaround 1: VS Code's @vscode/ripgrep downloads rg from GitHub in postinstall,
  # after looking in $TMPDIR/vscode-ripgrep-cache-<version>/: seed that cache with
  # the rg binary shipped by the npm package @vscode/ripgrep-linux-x64.
  ( cd "$work"
    npm pack --silent "code-server@$CS_VERSION" >/dev/null
    tar xzf code-server-*.tgz package/lib/vscode/npm-shrinkwrap.json
    rg_ver="$(node -p 'const p=require("./package/lib/vscode/npm-shrinkwrap.json").packages["node_modules/@vscode/ripgrep"]; p && p.hasInstallScript ? p.version : ""')"
    [ -n "$rg_ver" ] || exit 0
    npm pack --silent "@vscode/ripgrep@$rg_ver" >/dev/null
    mkdir rgpkg && tar xzf vscode-ripgrep-*.tgz -C rgpkg
    asset_ver="$(sed -n "s/^const VERSION = '\(.*\)';.*/\1/p" rgpkg/package/lib/postinstall.js)"
    npm pack --silent @vscode/ripgrep-linux-x64 >/dev/null
    mkdir rgbin && tar xzf vscode-ripgrep-linux-x64-*.tgz -C rgbin
    cache="$TMPDIR/vscode-ripgrep-cache-$rg_ver"
    mkdir -p "$cache"
    tar czf "$cache/ripgrep-$asset_ver-x86_64-unknown-linux-musl.tar.gz" -C rgbin/package/bin rg
  )
  rm -rf "$work"
  echo '{ "name": "quantlens-code-server", "private": true }' > "$CS_DIR/package.json"
  # Workaround 2: npm_config_unsafe_perm=true (code-server's postinstall refuses root
  # otherwise) and npm_config_yes=true (node-pty's postinstall runs 'npx node-gyp').
  ( cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" \
      > "$CS_DIR/install.log" 2>&1 ) \
    || { tail -40 "$CS_DIR/install.log"; echo "code-server install failed (log: $CS_DIR/install.log)" >&2; exit 1; }
  rm -rf "$TMPDIR"; unset TMPDIR
fi

# --- 3. project tools ----------------------------------------------------------
for pkg in playwright-core @vscode/vsce mocha; do
  [ -d "$ROOT/node_modules/$pkg" ] || { echo "$pkg missing from node_modules: run npm install first" >&2; exit 1; }
done
say "ready: $(chromium --version 2>/dev/null | head -1), code-server $CS_VERSION"
