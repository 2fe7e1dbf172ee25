#!/usr/bin/env bash
# Installs ddcoterm into $DDCOTERM_HOME (default ~/.ddcoterm): bin/ddcoterm, overrides/ for
# shims, and one marked PATH block in ~/.bashrc and ~/.zshrc (and fish's conf.d when fish is
# configured). Works piped from curl (with DDCOTERM_DOWNLOAD_URL and DDCOTERM_SHA256) and from
# a checkout (builds the binary). Re-running upgrades in place.
set -eu

usage() {
  cat <<'EOF'
Usage: install-ddcoterm.sh [--no-modify-path] [--uninstall [--keep-data]] [--build-only DIR]

Installs ddcoterm into $DDCOTERM_HOME (default ~/.ddcoterm) and puts its bin/ and overrides/
folders first on PATH in ~/.bashrc and ~/.zshrc (and fish's conf.d when fish is configured).

Options:
  --no-modify-path   Do not touch shell start-up files
  --uninstall        Remove the PATH blocks and $DDCOTERM_HOME
  --keep-data        With --uninstall: keep recorded sessions (sessions/) and config.yaml
  --build-only DIR   Build the executable into DIR from this checkout and stop
  -h, --help         Show this help

Where the binary comes from:
  DDCOTERM_DOWNLOAD_URL + DDCOTERM_SHA256   download a release and check its sha256
  otherwise, from a checkout                build it: `deno compile` when its runtime base can
                                            be had (online, or DENORT_BIN), else Deno from npm
                                            plus the bundled app and a launcher
  DDCOTERM_BUILD=compile|bundle             force one of the two build paths

Examples:
  bash install-ddcoterm.sh
  curl -fsSL https://example.com/install-ddcoterm.sh | DDCOTERM_DOWNLOAD_URL=… DDCOTERM_SHA256=… bash
  bash install-ddcoterm.sh --uninstall --keep-data
EOF
}

say() { printf 'ddcoterm install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

MODIFY_PATH=1
UNINSTALL=0
KEEP_DATA=0
BUILD_ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-modify-path) MODIFY_PATH=0 ;;
    --uninstall) UNINSTALL=1 ;;
    --keep-data) KEEP_DATA=1 ;;
    --build-only)
      [ $# -ge 2 ] || die "option \"--build-only\" needs a folder"
      BUILD_ONLY="$2"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option \"$1\" (see --help)" ;;
  esac
  shift
done

[ -n "${HOME:-}" ] || die "HOME is not set"
DDCOTERM_HOME="${DDCOTERM_HOME:-$HOME/.ddcoterm}"
BIN_DIR="$DDCOTERM_HOME/bin"
LIB_DIR="$DDCOTERM_HOME/lib"
OVERRIDES_DIR="$DDCOTERM_HOME/overrides"
MARK_BEGIN="# >>> ddcoterm >>>"
MARK_END="# <<< ddcoterm <<<"

# The checkout this script sits in, if any (empty when piped from curl).
CHECKOUT=""
if [ -n "${BASH_SOURCE:-}" ] && [ -f "${BASH_SOURCE[0]:-}" ]; then
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  if [ -f "$dir/main.ts" ] && [ -f "$dir/deno.json" ]; then CHECKOUT="$dir"; fi
fi

# --- PATH blocks ----------------------------------------------------------------------------

rc_files() {
  printf '%s\n' "$HOME/.bashrc" "$HOME/.zshrc"
}

fish_conf() {
  local fish_dir="${XDG_CONFIG_HOME:-$HOME/.config}/fish"
  if [ -d "$fish_dir" ] || command -v fish >/dev/null 2>&1; then
    printf '%s\n' "$fish_dir/conf.d/ddcoterm.fish"
  fi
}

# Removes the marked block from a file, leaving every other line as it was.
remove_block() {
  local file="$1"
  [ -f "$file" ] || return 0
  grep -qF "$MARK_BEGIN" "$file" || return 0
  local tmp
  tmp="$(mktemp)"
  awk -v begin="$MARK_BEGIN" -v end="$MARK_END" '
    $0 == begin { skipping = 1; next }
    $0 == end { skipping = 0; next }
    !skipping { print }
  ' "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

posix_block() {
  cat <<EOF
$MARK_BEGIN
# Added by install-ddcoterm.sh: ddcoterm's bin, then its command shims, before the rest.
case ":\$PATH:" in
  *":$BIN_DIR:$OVERRIDES_DIR:"*) ;;
  *) export PATH="$BIN_DIR:$OVERRIDES_DIR:\$PATH" ;;
esac
$MARK_END
EOF
}

fish_block() {
  cat <<EOF
$MARK_BEGIN
# Added by install-ddcoterm.sh: ddcoterm's bin, then its command shims, before the rest.
if not contains -- "$BIN_DIR" \$PATH
    set -gx PATH "$BIN_DIR" "$OVERRIDES_DIR" \$PATH
end
$MARK_END
EOF
}

# Writes the block only when it differs, so re-running leaves files byte for byte unchanged.
ensure_block() {
  local file="$1" block="$2"
  if [ -f "$file" ] && grep -qF "$MARK_BEGIN" "$file"; then
    local current
    current="$(awk -v begin="$MARK_BEGIN" -v end="$MARK_END" '
      $0 == begin { inside = 1 } inside { print } $0 == end { inside = 0 }' "$file")"
    [ "$current" = "$block" ] && return 0
    remove_block "$file"
  fi
  mkdir -p "$(dirname "$file")"
  if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then printf '\n' >>"$file"; fi
  printf '%s\n' "$block" >>"$file"
  say "added ddcoterm to PATH in $file"
}

# --- uninstall ------------------------------------------------------------------------------

if [ "$UNINSTALL" = 1 ]; then
  while IFS= read -r rc; do remove_block "$rc"; done < <(rc_files)
  fish_file="$(fish_conf)"
  if [ -n "$fish_file" ] && [ -f "$fish_file" ]; then
    remove_block "$fish_file"
    [ -s "$fish_file" ] || rm -f "$fish_file"
  fi
  if [ -d "$DDCOTERM_HOME" ]; then
    if [ "$KEEP_DATA" = 1 ]; then
      find "$DDCOTERM_HOME" -mindepth 1 -maxdepth 1 \
        ! -name sessions ! -name config.yaml ! -name credentials ! -name server \
        -exec rm -rf {} +
      say "removed ddcoterm; kept sessions and configuration in $DDCOTERM_HOME"
    else
      rm -rf "$DDCOTERM_HOME"
      say "removed $DDCOTERM_HOME"
    fi
  fi
  say "uninstalled. Open a new shell to drop ddcoterm from PATH."
  exit 0
fi

# --- getting the binary ---------------------------------------------------------------------

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

download_release() {
  local target="$1"
  [ -n "${DDCOTERM_SHA256:-}" ] || die "DDCOTERM_DOWNLOAD_URL is set but DDCOTERM_SHA256 is not"
  local tmp
  tmp="$(mktemp)"
  say "downloading $DDCOTERM_DOWNLOAD_URL"
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,file' -fsSL "$DDCOTERM_DOWNLOAD_URL" -o "$tmp" || die "download failed"
  else
    wget -qO "$tmp" "$DDCOTERM_DOWNLOAD_URL" || die "download failed"
  fi
  local actual
  actual="$(sha256_of "$tmp")"
  if [ "$actual" != "$DDCOTERM_SHA256" ]; then
    rm -f "$tmp"
    die "sha256 mismatch for the download: expected $DDCOTERM_SHA256, got $actual"
  fi
  chmod 755 "$tmp"
  mv -f "$tmp" "$target"
  say "installed the downloaded release (sha256 verified)"
}

is_elf() { [ -f "$1" ] && [ "$(head -c 4 "$1")" = $'\x7fELF' ]; }

# Deno from the checkout's npm dependencies (installed on first use): the binary the deno
# package's install script puts in place, or the platform package's own.
checkout_deno() {
  local main="$CHECKOUT/node_modules/deno/deno"
  local platform="$CHECKOUT/node_modules/@deno/linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')-glibc/deno"
  if ! is_elf "$main" && ! is_elf "$platform"; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to build from a checkout"
    say "installing build dependencies with npm"
    (cd "$CHECKOUT" && npm install --no-audit --no-fund --loglevel=error >&2) ||
      die "npm install failed in $CHECKOUT"
  fi
  if is_elf "$main"; then printf '%s\n' "$main"
  elif is_elf "$platform"; then printf '%s\n' "$platform"
  else die "no Deno binary in $CHECKOUT/node_modules after npm install"; fi
}

# Path of wasmoon's WebAssembly runtime, which the Lua rules engine loads at run time.
glue_wasm() {
  printf '%s\n' "$CHECKOUT/node_modules/wasmoon/dist/glue.wasm"
}

# asciinema-player's browser bundle (the web UI's replay).
player_dir() {
  printf '%s\n' "$CHECKOUT/node_modules/asciinema-player/dist/bundle"
}

# Modules started as Worker threads (they are not reached by imports).
worker_entries() {
  (cd "$CHECKOUT" && ls src/*/*_worker.ts 2>/dev/null)
}

# V8's young generation fixed at 4 MiB per semi-space: start-up runs without a single scavenge
# (the default 1 MiB start costs two, ~3 ms), and long sessions keep a compact heap.
# --no-lazy: every function of a module is compiled when it loads, so Deno's code cache holds
# them all and later runs compile nothing (measured: `-- true` 2–10 ms faster).
V8_FLAGS="--min-semi-space-size=4,--max-semi-space-size=4,--no-lazy"

try_compile() {
  local deno="$1" out="$2" includes=() worker
  for worker in $(worker_entries); do includes+=(--include "$worker"); done
  (cd "$CHECKOUT" && "$deno" compile -A --no-check --quiet \
    --v8-flags="$V8_FLAGS" \
    --include "$(glue_wasm)" --include src/web \
    --include "$(player_dir)/asciinema-player.min.js" --include "$(player_dir)/asciinema-player.css" \
    "${includes[@]}" -o "$out" main.ts) >/dev/null 2>&1
}

# The offline path: the bundled app, the Deno runtime beside it, and a launcher.
build_bundle() {
  local deno="$1" lib="$2" launcher="$3"
  local staging="$lib.new"
  rm -rf "$staging"
  mkdir -p "$staging/app"
  (cd "$CHECKOUT" && "$deno" bundle --quiet --platform deno --code-splitting \
    --outdir "$staging/app" main.ts) >&2 || die "deno bundle failed"
  # Worker threads are separate entry points, found by the app at workers/NAME.js.
  local worker
  for worker in $(worker_entries); do
    (cd "$CHECKOUT" && "$deno" bundle --quiet --platform deno \
      -o "$staging/app/workers/$(basename "$worker" .ts).js" "$worker") >&2 ||
      die "deno bundle failed for $worker"
  done
  # wasmoon's CommonJS code refers to __filename, which an ES module bundle lacks. And the
  # bundler's shared runtime imports node:module eagerly for require(): that loads Deno's Node
  # compatibility (~20 ms) on every start; make it load on the first require() instead.
  # Deno reads and parses every chunk a literal import("./x.js") names, however deep, before
  # main.js runs (~1.4 MB, ~7 ms): as a URL expression each chunk loads when it is imported.
  local chunk
  for chunk in "$staging"/app/*.js; do
    sed -i -E 's|import\("(\./[A-Za-z0-9_.-]+\.js)"\)|import(new URL("\1", import.meta.url).href)|g' \
      "$chunk"
    if grep -q "__filename" "$chunk"; then
      sed -i '1i const __filename = new URL(import.meta.url).pathname;' "$chunk"
    fi
    if grep -q '^import { createRequire as __deno_internal_createRequire } from "node:module";$' "$chunk"; then
      sed -i \
        -e '/^import { createRequire as __deno_internal_createRequire } from "node:module";$/d' \
        -e 's|^var __require = __deno_internal_createRequire(import.meta.url);$|var __require = (id) => globalThis.process.getBuiltinModule("node:module").createRequire(import.meta.url)(id);|' \
        "$chunk"
    fi
  done
  cp "$(glue_wasm)" "$staging/app/glue.wasm"
  # The web UI, served by `ddcoterm server` from ../web beside the app, with the player's files.
  cp -r "$CHECKOUT/src/web" "$staging/web"
  find "$staging/web" -name '*.ts' -delete
  mkdir -p "$staging/web/vendor"
  cp "$(player_dir)/asciinema-player.min.js" "$(player_dir)/asciinema-player.css" "$staging/web/vendor/"
  cp "$deno" "$staging/deno"
  chmod 755 "$staging/deno"
  rm -rf "$lib"
  mv "$staging" "$lib"
  local tmp="$launcher.tmp"
  cat >"$tmp" <<EOF
#!/bin/sh
# ddcoterm launcher (offline build): the Deno runtime and the bundled app live in $lib.
exec "$lib/deno" run -A --quiet --no-config --no-lock --no-prompt --v8-flags=$V8_FLAGS "$lib/app/main.js" "\$@"
EOF
  chmod 755 "$tmp"
  mv -f "$tmp" "$launcher"
}

# Builds into $1/ddcoterm (and $1/../lib for the offline path); prints which path was used.
build_from_checkout() {
  local bin_dir="$1" lib_dir="$2"
  local deno
  deno="$(checkout_deno)"
  # deno bundle fetches esbuild from the npm registry: trust the system's certificate store
  # too, as npm does (registry mirrors and proxies often use a private CA).
  export DENO_TLS_CA_STORE="${DENO_TLS_CA_STORE:-mozilla,system}"
  mkdir -p "$bin_dir"
  local mode="${DDCOTERM_BUILD:-auto}"
  if [ "$mode" != bundle ]; then
    say "building with deno compile"
    if try_compile "$deno" "$bin_dir/ddcoterm.tmp"; then
      mv -f "$bin_dir/ddcoterm.tmp" "$bin_dir/ddcoterm"
      rm -rf "$lib_dir"
      say "built a single executable with deno compile"
      return 0
    fi
    rm -f "$bin_dir/ddcoterm.tmp"
    [ "$mode" = compile ] && die "deno compile failed (its runtime base could not be had; set DENORT_BIN)"
    say "deno compile could not get its runtime base (offline?); using the offline build"
  fi
  build_bundle "$deno" "$lib_dir" "$bin_dir/ddcoterm"
  say "built the offline way: Deno from npm + the bundled app + a launcher at $bin_dir/ddcoterm"
}

if [ -n "$BUILD_ONLY" ]; then
  [ -n "$CHECKOUT" ] || die "--build-only needs a checkout"
  build_from_checkout "$BUILD_ONLY/bin" "$BUILD_ONLY/lib"
  exit 0
fi

mkdir -p "$BIN_DIR" "$OVERRIDES_DIR"
chmod 700 "$DDCOTERM_HOME"

if [ -n "${DDCOTERM_DOWNLOAD_URL:-}" ]; then
  download_release "$BIN_DIR/ddcoterm"
elif [ -n "$CHECKOUT" ]; then
  build_from_checkout "$BIN_DIR" "$LIB_DIR"
else
  die "nothing to install from: set DDCOTERM_DOWNLOAD_URL and DDCOTERM_SHA256, or run this script from a ddcoterm checkout"
fi

"$BIN_DIR/ddcoterm" --version >/dev/null 2>&1 || die "the installed $BIN_DIR/ddcoterm does not run"

if [ "$MODIFY_PATH" = 1 ]; then
  block="$(posix_block)"
  while IFS= read -r rc; do ensure_block "$rc" "$block"; done < <(rc_files)
  fish_file="$(fish_conf)"
  if [ -n "$fish_file" ]; then ensure_block "$fish_file" "$(fish_block)"; fi
fi

say "$("$BIN_DIR/ddcoterm" --version) installed in $BIN_DIR"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "open a new shell (or run: export PATH=\"$BIN_DIR:$OVERRIDES_DIR:\$PATH\") to use it" ;;
esac
