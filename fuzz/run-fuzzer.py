#!/usr/bin/env python3
"""Runs one libFuzzer target for a bounded time (the fuzz-run suite of a
-Dfuzzing=true build; scripts/dev.sh fuzz runs it, and `scripts/dev.sh test`
when CS_FUZZ_SECONDS is set, as .ci/run does).

Usage: run-fuzzer.py TARGET SEEDS [DICT]

  CS_FUZZ_SECONDS    how long the target runs (default 60)
  CS_FUZZ_ARTIFACTS  where a crashing input is kept (default <build>/fuzz-artifacts)

The seeds (the corpus in the source tree) are read, never written: inputs the
fuzzer finds go to <build>/fuzz-corpus/<target>, kept between local runs. A
crash, leak, timeout or out-of-memory fails the test; the log ends with the
path of the input that caused it and the command that replays it. The replay
tests of the normal build (tests/<area>) then keep it covered once it is
added to the corpus with the fix.
"""
import os
import subprocess
import sys
import time

target, seeds = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
dictionary = sys.argv[3] if len(sys.argv) > 3 else None
name = os.path.basename(target)
build = os.environ.get("MESON_BUILD_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(target)))

try:
    seconds = int(os.environ.get("CS_FUZZ_SECONDS", "60"))
except ValueError:
    print(f"CS_FUZZ_SECONDS={os.environ['CS_FUZZ_SECONDS']!r} is not a whole number of seconds")
    sys.exit(2)
if seconds < 1:
    print("CS_FUZZ_SECONDS must be at least 1")
    sys.exit(2)

artifacts = os.path.abspath(os.environ.get("CS_FUZZ_ARTIFACTS") or os.path.join(build, "fuzz-artifacts"))
corpus = os.path.join(build, "fuzz-corpus", name)
os.makedirs(artifacts, exist_ok=True)
os.makedirs(corpus, exist_ok=True)
before = set(os.listdir(artifacts))

args = [target,
        f"-max_total_time={seconds}",
        "-timeout=30",             # one input taking longer is a hang: a failure
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/{name}-"]
if dictionary:
    args.append(f"-dict={os.path.abspath(dictionary)}")
args += [corpus, seeds]

env = dict(os.environ)
env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:symbolize=1")
env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
print("$", " ".join(args), flush=True)
start = time.monotonic()
try:
    # libFuzzer stops itself after max_total_time; the margin covers a last slow input
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", timeout=seconds + 120)
    output, rc = p.stdout, p.returncode
except subprocess.TimeoutExpired as e:
    output = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
    rc = -1
    output += f"\n{name} did not stop within {seconds + 120} s"

lines = output.splitlines()
stats = [l for l in lines if l.startswith("stat::")]
found = sorted(set(os.listdir(artifacts)) - before)
elapsed = time.monotonic() - start

if rc == 0 and not found:
    runs = next((l.split(":")[-1].strip() for l in stats if l.startswith("stat::number_of_executed_units")), "?")
    print(f"{name}: no crash in {elapsed:.0f} s ({runs} inputs; corpus {corpus})")
    sys.exit(0)

# the fuzzer's report (the sanitizer's stack is at the end)
print("\n".join(lines[-120:]))
print(f"FAIL: {name} exited {rc} after {elapsed:.0f} s")
for f in found:
    path = os.path.join(artifacts, f)
    print(f"crashing input kept: {path}")
    print(f"  replay: {target} {path}")
if not found:
    print(f"no input was written to {artifacts} (the fuzzer itself failed; see above)")
sys.exit(1)
