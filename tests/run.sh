#!/usr/bin/env bash
# The test command: installs what the tests need (npm packages, Debian packages), checks
# types, lint and formatting, runs every test, and ends with "N passed, N failed".
# Extra arguments go to `deno test` (e.g. a file or --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'tests: %s\n' "$*" >&2; }

# npm packages (Deno itself comes from npm), reinstalled when package-lock.json changed.
# (`npm ci` rejects this lock file: npm 11 leaves other platforms' optional Deno builds out.)
if [ ! -d node_modules/deno ] || ! cmp -s package-lock.json node_modules/.ddcoterm-lock; then
  log "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.ddcoterm-lock
fi
# The deno binary: put in place by the package's install script, or the platform package's.
DENO="$PWD/node_modules/deno/deno"
[ -f "$DENO" ] && [ "$(head -c 4 "$DENO")" = $'\x7fELF' ] || DENO="$PWD/node_modules/@deno/linux-x64-glibc/deno"
# `deno task` would take node_modules/.bin/deno for a JavaScript file; without it, `deno` in
# a task is the running deno.
rm -f node_modules/.bin/deno

# Debian packages the tests drive: a real terminal (tmux), a full-screen program (less),
# util-linux script, PostgreSQL (a throwaway cluster per run), Chromium (the web UI, through
# playwright-core; never a downloaded browser), sudo (process_info's setuid hint), openssl.
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v less >/dev/null 2>&1 || missing+=(less)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sudo >/dev/null 2>&1 || missing+=(sudo)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing Debian packages: ${missing[*]} (install them, then run again)"
    exit 1
  fi
fi

status=0
log "type checking"
"$DENO" task -q check || status=1
log "linting"
"$DENO" lint --quiet || status=1
log "checking formatting"
"$DENO" fmt --check --quiet || status=1

rm -rf test-results
mkdir -p test-results
log "running tests"
# A hung test must not hang CI: the whole run is bounded (it takes a few minutes).
timeout --signal=KILL 1800 "$DENO" test -A --no-check --junit-path=test-results/junit.xml "$@" ||
  status=1
"$DENO" run --allow-read tests/lib/junit_summary.ts test-results/junit.xml || status=1
exit $status
