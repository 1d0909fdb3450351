#!/usr/bin/env bash
# Installs what the e2e run needs, once per machine; every step is skipped when already done.
# code-server stays out of package.json (large, needs the steps below) and lives in .e2e-cache/.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="$PWD/.e2e-cache"
CODE_SERVER_VERSION=4.100.3

# Debian packages: Chromium is the window, libkrb5-dev lets code-server's native kerberos module
# build, ripgrep replaces the binary @vscode/ripgrep would fetch from GitHub (unreachable here).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  echo "e2e setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Update the package lists only when the install cannot find the packages without it.
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

if [[ -x "$CACHE/code-server/node_modules/.bin/code-server" ]] &&
   grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CACHE/code-server/node_modules/code-server/package.json"; then
  exit 0
fi

# @vscode/ripgrep's postinstall downloads rg unless its cache already holds the archive it wants.
RG_CACHE=/tmp/vscode-ripgrep-cache-1.15.11
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$RG_TGZ" ]]; then
  mkdir -p "$RG_CACHE"
  tar czf "$RG_TGZ" -C "$(dirname "$(command -v rg)")" rg
fi

echo "e2e setup: npm install code-server@$CODE_SERVER_VERSION into $CACHE/code-server (about a minute)"
mkdir -p "$CACHE/code-server"
# node-pty's postinstall runs `npx node-gyp`; the machine's npm config says yes=false.
npm_config_yes=true npm_config_unsafe_perm=true \
  npm install --prefix "$CACHE/code-server" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
echo "e2e setup: done"
