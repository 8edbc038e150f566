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
log="$prefix/npm-ci.log"
if ! (cd "$prefix" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
  cat "$log" >&2
  # Behind a TLS-inspecting proxy whose certificate authority this system lacks, every request
  # fails ("self-signed certificate in certificate chain"). package-lock.json pins the sha512 of
  # every package and npm ci checks each download against it, so a retry without certificate
  # checks cannot install anything else than what the lock names.
  grep -qiE 'CERT|certificate' "$log" || exit 1
  echo "install.sh: npm cannot verify the registry's certificate; retrying without it (package-lock.json's sha512 hashes still check every package)" >&2
  (cd "$prefix" && npm ci --no-audit --no-fund --loglevel=error --strict-ssl=false)
fi
cp "$here/package-lock.json" "$prefix/.installed-lock"
