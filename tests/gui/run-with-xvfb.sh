#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command on its own Xvfb server. Xvfb picks a free display itself
# (-displayfd), so parallel tests cannot race for one as with xvfb-run -a.
# usage: run-with-xvfb.sh [--tap] COMMAND [ARG...]
# Without Xvfb: exit 77 (skip), or with --tap a TAP plan that skips.
tap=no
if [ "$1" = "--tap" ]; then
  tap=yes
  shift
fi

skip () {
  if [ $tap = yes ]; then
    echo "1..0 # SKIP $1"
    exit 0
  fi
  echo "SKIP: $1"
  exit 77
}

command -v Xvfb >/dev/null 2>&1 || skip "Xvfb is not installed (package xvfb, in scripts/deps-debian.txt)"

dir=$(mktemp -d) || exit 1

# Starts Xvfb; sets xvfb_pid and display, or returns 1. When several Xvfb
# servers start at once on a loaded machine, a server has been seen to
# announce its display and then refuse clients ("cannot open display"), so
# the display is probed with xdpyinfo (x11-utils) when it is installed.
start_xvfb () {
  : >"$dir/display"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
  xvfb_pid=$!
  i=0
  while ! grep -q '^[0-9][0-9]*$' "$dir/display" 2>/dev/null && [ $i -lt 150 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if ! grep -q '^[0-9][0-9]*$' "$dir/display"; then
    kill $xvfb_pid 2>/dev/null
    wait $xvfb_pid 2>/dev/null
    return 1
  fi
  display=":$(head -n 1 "$dir/display")"
  if command -v xdpyinfo >/dev/null 2>&1 && ! xdpyinfo -display "$display" >/dev/null 2>&1; then
    echo "note: Xvfb on $display refused a client; starting another" >&2
    kill $xvfb_pid 2>/dev/null
    wait $xvfb_pid 2>/dev/null
    return 1
  fi
  return 0
}

attempt=0
until start_xvfb; do
  attempt=$((attempt + 1))
  if [ $attempt -ge 3 ]; then
    cat "$dir/xvfb.log" >&2
    rm -rf "$dir"
    skip "Xvfb did not start"
  fi
  sleep 1
done

DISPLAY=$display
export DISPLAY

"$@"
status=$?

kill $xvfb_pid 2>/dev/null
wait $xvfb_pid 2>/dev/null
rm -rf "$dir"
exit $status
