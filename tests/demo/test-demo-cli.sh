#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `cohortscope-cli demo`: output, determinism, exit codes and messages.
set -u

cli=${CS_CLI:?CS_CLI is not set}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

fail ()
{
  echo "FAIL: $*" >&2
  status=1
}

expect_exit ()
{
  want=$1
  shift
  "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] || fail "cohortscope-cli $* exited $got, expected $want"
}

# Writing a file prints nothing on stdout.
expect_exit 0 demo -o "$tmp/a.json" --patients 7 --seed 5
[ -s "$tmp/out" ] && fail "demo -o FILE wrote to stdout"
[ -s "$tmp/a.json" ] || fail "demo -o FILE wrote no file"

# Same arguments, same bytes; -o - writes the same to stdout.
expect_exit 0 demo --patients 7 --seed 5 -o -
cmp -s "$tmp/out" "$tmp/a.json" || fail "demo -o - differs from demo -o FILE"
expect_exit 0 demo -o "$tmp/b.json" --seed 6 --patients 7
cmp -s "$tmp/a.json" "$tmp/b.json" && fail "different seeds gave the same bytes"

# The output is a JSON Bundle with 7 patients.
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 - "$tmp/a.json" <<'PY' || fail "demo output is not the expected Bundle"
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
assert b["resourceType"] == "Bundle" and b["type"] == "collection"
n = sum(1 for e in b["entry"] if e["resource"]["resourceType"] == "Patient")
assert n == 7, n
PY
fi

# Defaults: 400 patients, seed 42.
expect_exit 0 demo -o "$tmp/d.json"
expect_exit 0 demo -o "$tmp/e.json" --patients 400 --seed 42
cmp -s "$tmp/d.json" "$tmp/e.json" || fail "defaults are not --patients 400 --seed 42"

# --help succeeds and mentions the options.
expect_exit 0 demo --help
grep -q -- "--patients" "$tmp/out" || fail "demo --help does not list --patients"

# Bad usage: exit 2 with a message on stderr.
for args in "--patients 0" "--patients -3" "--patients abc" "--patients 1000001" "--seed x" "--seed -1" \
            "--bogus" "" "-o $tmp/f.json extra"; do
  # shellcheck disable=SC2086
  expect_exit 2 demo $args
  [ -s "$tmp/err" ] || fail "demo $args printed no error"
  [ -s "$tmp/out" ] && fail "demo $args wrote to stdout"
done
grep -q "patients" "$tmp/err" 2>/dev/null || true
expect_exit 2 demo -o "$tmp/g.json" --patients abc
grep -q "abc" "$tmp/err" || fail "bad --patients message does not name the value"
[ -e "$tmp/g.json" ] && fail "bad usage still wrote a file"

# Unwritable destination: exit 1 naming the file.
expect_exit 1 demo -o "$tmp/no-such-dir/x.json" --patients 2
grep -q "no-such-dir/x.json" "$tmp/err" || fail "write error does not name the file"

exit $status
