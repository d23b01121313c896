#!/usr/bin/env python3
"""Runs a validator and fails when it exits non-zero or prints anything at
all (desktop-file-validate's hints and warnings exit 0: strict means none).

Usage: check-quiet.py PROGRAM ARGS…
"""
import subprocess
import sys

p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if p.stdout.strip():
    print(p.stdout.strip())
if p.returncode != 0 or p.stdout.strip():
    print(f"FAIL: {' '.join(sys.argv[1:])} exited {p.returncode} and printed {len(p.stdout.splitlines())} lines")
    sys.exit(1)
