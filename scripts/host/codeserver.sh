# Sourced by the host and e2e runners.
#   cs_start RUN_DIR WORKSPACE  starts a private code-server on 127.0.0.1:<free port>;
#                               sets CS_PID (process-group leader), CS_PORT, CS_URL
#   cs_install_vsix RUN_DIR VSIX  installs a packaged extension into RUN_DIR's extensions dir
#   cs_stop                     kills exactly that process group (server + extension hosts)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${QUANTLENS_TOOLS:-$ROOT/.tools}"
CS_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CS_BIN="$TOOLS/code-server-$CS_VERSION/node_modules/.bin/code-server"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# Seconds to wait for /healthz: startup takes about a second; this bounds a broken install.
CS_READY_ATTEMPTS=600
CS_PID=""

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cs_write_settings() { # $1 = user-data-dir, $2 = colour theme
  mkdir -p "$1/User"
  cat > "$1/User/settings.json" <<JSON
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.list.openMode": "doubleClick",
  "workbench.colorTheme": "$2",
  "security.workspace.trust.enabled": false,
  "npm.fetchOnlinePackageInfo": false,
  "typescript.disableAutomaticTypeAcquisition": true,
  "git.enabled": false,
  "chat.disableAIFeatures": true
}
JSON
}

# Environment that keeps code-server off the network and out of ~/.config.
cs_env() { # $1 = run dir
  echo "EXTENSIONS_GALLERY={} XDG_CONFIG_HOME=$1/xdg/config XDG_DATA_HOME=$1/xdg/data XDG_CACHE_HOME=$1/xdg/cache"
}

cs_install_vsix() { # $1 = run dir, $2 = .vsix
  mkdir -p "$1/ud" "$1/ext"
  env $(cs_env "$1") "$CS_BIN" --config /dev/null --user-data-dir "$1/ud" --extensions-dir "$1/ext" \
    --install-extension "$2" --force
}

cs_start() { # $1 = run dir, $2 = workspace, $3 = colour theme (optional)
  local run="$1" ws="$2" theme="${3:-Default Dark Modern}"
  [ -x "$CS_BIN" ] || { echo "code-server not found at $CS_BIN: run scripts/host/install.sh" >&2; return 1; }
  mkdir -p "$run/ud" "$run/ext" "$ws"
  cs_write_settings "$run/ud" "$theme"
  CS_PORT="$(free_port)"
  printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$CS_PORT" > "$run/config.yaml"
  # setsid: own process group, so cs_stop ends all of it and nothing else
  env $(cs_env "$run") setsid "$CS_BIN" --config "$run/config.yaml" \
      --bind-addr "127.0.0.1:$CS_PORT" --auth none \
      --disable-telemetry --disable-update-check --disable-workspace-trust \
      --disable-getting-started-override --disable-proxy \
      --user-data-dir "$run/ud" --extensions-dir "$run/ext" \
      "$ws" > "$run/code-server.log" 2>&1 < /dev/null &
  CS_PID=$!
  CS_URL="http://127.0.0.1:$CS_PORT"
  local i
  for i in $(seq 1 "$CS_READY_ATTEMPTS"); do
    curl -fsS -o /dev/null "$CS_URL/healthz" 2>/dev/null && return 0
    kill -0 "$CS_PID" 2>/dev/null || { cat "$run/code-server.log"; echo "code-server exited" >&2; return 1; }
    sleep 0.1
  done
  cat "$run/code-server.log"; echo "code-server did not become ready" >&2; return 1
}

group_alive() { ps -e -o pgid=,stat= | awk -v g="$1" '$1==g && $2 !~ /^Z/ {n++} END {exit n ? 0 : 1}'; }

cs_stop() {
  if [ -n "${CS_PID:-}" ]; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do group_alive "$CS_PID" || break; sleep 0.1; done
    group_alive "$CS_PID" && kill -KILL -- "-$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
  fi
  CS_PID=""
}

cs_dump_logs() { # $1 = run dir
  echo "--- code-server log"; tail -30 "$1/code-server.log"
  find "$1/ud/logs" \( -name 'remoteexthost.log' -o -name 'exthost.log' \) 2>/dev/null | while read -r f; do
    echo "--- $f"; tail -60 "$f"
  done
}
