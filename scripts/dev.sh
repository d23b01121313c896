#!/usr/bin/env bash
# Cohortscope developer entry point.
#
#   scripts/dev.sh run    install missing Debian packages, build, start the app on the demo cohort
#   scripts/dev.sh test   install missing Debian packages, build, run the whole test suite
#                         (and, with CS_FUZZ_SECONDS=N, `fuzz` for N seconds a target, as CI does)
#   scripts/dev.sh fuzz   build the libFuzzer targets with clang (build-fuzz/) and run each
#                         for CS_FUZZ_SECONDS (default 60); a crash fails and its input is kept
#                         in build-fuzz/fuzz-artifacts/ (CS_FUZZ_ARTIFACTS), path in the log
#
# Both use the optimised build with debug symbols (debugoptimized, the project's default
# buildtype) in build/; an older build/ configured as debug (-O0) is switched over. The
# sanitizer build of `test` is a separate directory (build-asan/).
#
# Installing needs root (or sudo). Set CS_NO_INSTALL=1 to skip the package step.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

builddir=${CS_BUILDDIR:-build}
asandir=${CS_ASAN_BUILDDIR:-build-asan}
fuzzdir=${CS_FUZZ_BUILDDIR:-build-fuzz}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_deps() {
    [ "${CS_NO_INSTALL:-0}" = 1 ] && return 0
    local wanted missing=()
    wanted=$(grep -v '^\s*#' scripts/deps-debian.txt | grep -v '^\s*$')
    for pkg in $wanted; do
        # Node.js may come from elsewhere (e.g. NodeSource, which bundles npm and
        # conflicts with Debian's npm): a working command is enough.
        case $pkg in
            nodejs) command -v node >/dev/null && continue ;;
            npm) command -v npm >/dev/null && continue ;;
        esac
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing ${#missing[@]} missing Debian packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then sudo=sudo; else
            echo "error: packages missing and not root and no sudo: ${missing[*]}" >&2; exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

setup_build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        log "Configuring $dir"
        meson setup "$dir" "$@"
    else
        meson setup --reconfigure "$dir" "$@" >/dev/null
    fi
    log "Building $dir"
    ninja -C "$dir"
}

cmd_run() {
    install_deps
    setup_build "$builddir" -Dwerror=true -Dbuildtype=debugoptimized
    export GSETTINGS_SCHEMA_DIR="$here/$builddir/data"
    local app="$here/$builddir/src/gui/cohortscope"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        log "No display: starting under Xvfb (screenshot with: import -window root shot.png)"
        exec xvfb-run -a -s "-screen 0 1400x900x24" "$app" --demo "$@"
    fi
    exec "$app" --demo "$@"
}

cmd_test() {
    install_deps
    setup_build "$builddir" -Dwerror=true -Dbuildtype=debugoptimized
    log "Running the test suite"
    local rc=0
    meson test -C "$builddir" --print-errorlogs --num-processes 2 --timeout-multiplier 2 || rc=$?
    if [ "${CS_SKIP_ASAN:-0}" != 1 ]; then
        # the GUI suites do not run here, so the GUI is not built either
        setup_build "$asandir" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=false \
            -Dgui=false
        log "Running the core suites under AddressSanitizer/UBSan"
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LSAN_OPTIONS=suppressions="$here/tests/lsan.supp" \
            meson test -C "$asandir" --print-errorlogs --num-processes 2 --timeout-multiplier 3 \
                --no-suite gui --no-suite slow || rc=$?
    fi
    if [ -n "${CS_FUZZ_SECONDS:-}" ]; then
        run_fuzzers || rc=$?
    fi
    totals "$builddir" "$asandir" ${CS_FUZZ_SECONDS:+"$fuzzdir"}
    return $rc
}

# The fuzz-run suite of a clang -Dfuzzing=true build: only the fuzz targets are
# built (not the tests), then each runs for CS_FUZZ_SECONDS (fuzz/run-fuzzer.py).
run_fuzzers() {
    local targets
    if [ ! -f "$fuzzdir/build.ninja" ]; then
        log "Configuring $fuzzdir (clang, libFuzzer)"
        CC=clang meson setup "$fuzzdir" -Dfuzzing=true -Dgui=false -Dbenchmarks=false -Dwerror=true
    else
        meson setup --reconfigure "$fuzzdir" -Dfuzzing=true -Dgui=false -Dbenchmarks=false -Dwerror=true >/dev/null
    fi
    targets=$(meson introspect "$fuzzdir" --targets | /usr/bin/python3 -c '
import json, os, sys
build = os.path.abspath(sys.argv[1])
for t in json.load(sys.stdin):
    for f in t["filename"]:
        rel = os.path.relpath(f, build)
        if rel.startswith("fuzz/") and os.path.basename(rel).startswith("fuzz-"):
            print(rel)' "$fuzzdir")
    log "Building $fuzzdir: $(echo $targets | wc -w) fuzz targets"
    # shellcheck disable=SC2086
    ninja -C "$fuzzdir" $targets
    log "Fuzzing each target for ${CS_FUZZ_SECONDS:-60} s"
    CS_FUZZ_SECONDS=${CS_FUZZ_SECONDS:-60} \
        meson test -C "$fuzzdir" --no-rebuild --print-errorlogs --suite fuzz-run --num-processes 2
}

cmd_fuzz() {
    install_deps
    local rc=0
    run_fuzzers || rc=$?
    totals "$fuzzdir"
    return $rc
}

# Prints "N passed, N failed" summed over meson's JSON test logs.
totals() {
    /usr/bin/python3 - "$@" <<'PY'
import json, os, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    path = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

case "${1:-}" in
    run)  shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    fuzz) shift; cmd_fuzz "$@" ;;
    *) echo "usage: scripts/dev.sh run|test|fuzz" >&2; exit 2 ;;
esac
