#!/bin/sh
# install.sh PREFIX: the npm packages pinned in package-lock.json, in PREFIX/node_modules, for the
# tokenizer tests' references. Idempotent: nothing to do when PREFIX already has this lock file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=$1
mkdir -p "$prefix"
if [ -d "$prefix/node_modules" ] && cmp -s "$here/package-lock.json" "$prefix/.installed-lock"; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$prefix/"
(cd "$prefix" && npm ci --no-audit --no-fund --loglevel=error)
cp "$here/package-lock.json" "$prefix/.installed-lock"
