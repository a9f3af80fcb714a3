#!/usr/bin/env bash
# Installs the oldest Node.js the project supports (package.json "engines") from the npm registry
# (the `node` package), into a cache folder outside the repository, and prints its binary's path.
# CI runs the bundled CLI with it (packages/cli/test/oldest-node.e2e.test.ts): the tests themselves
# run on the pinned Node 24, which accepts syntax the oldest one refuses.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').engines.node.replace(/^>=\s*/, '')")
dir="${SEKISHO_OLDEST_NODE_DIR:-/var/cache/sekisho-node}/$version"
bin="$dir/node_modules/node/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "v$version" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --silent "node@$version" >&2
fi
echo "$bin"
