#!/usr/bin/python3
# bench-fhir-versus.py: this build's FHIR client against another build's, on the same server
#
#   /usr/bin/python3 bench/fhir/bench-fhir-versus.py [BUILD_DIR] OTHER_DRIVER [--patients N] [--rounds N]
#                    [--inline-only | --thread-only] [--callgrind]
#
# OTHER_DRIVER is a bench-fhir-fetch built from another commit (copy it out of
# its build dir before switching). Starts the test FHIR server
# (tests/fhir/server) preloaded with the demo cohort (N patients, default
# 1000), loads it once untimed to warm the server's page memo, then times
# `bench-fhir-fetch load URL` of both builds alternately, --rounds rounds
# (default 7), with pages parsed on the network thread (CS_FHIR_PARSE_THREAD=0,
# what a 2-core machine chooses for a local server) and on a parser thread
# (=1, the choice with more cores or a remote server).
# Prints a JSON report: best wall and CPU seconds of each and the median and
# range of the per-round ratio this/other (< 1: this build is faster).
# With --callgrind it also counts the instructions of one load of each under
# valgrind --tool=callgrind (inline parsing), as "instructions" and the ratio.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import start_server  # noqa: E402

ROUNDS = 7


def load(driver, base, mode):
    env = dict(os.environ, CS_FHIR_PARSE_THREAD=mode)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run([driver, 'load', base], check=True, capture_output=True, text=True, env=env).stdout
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(out)['resources']


def instructions(driver, base, tmp):
    out = os.path.join(tmp, 'callgrind.out')
    env = dict(os.environ, CS_FHIR_PARSE_THREAD='0')
    subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out, driver, 'load', base],
                   check=True, capture_output=True, env=env)
    with open(out) as f:
        for line in f:
            m = re.match(r'^(?:summary|totals): (\d+)', line)
            if m:
                return int(m.group(1))
    raise SystemExit('no instruction count in ' + out)


def main():
    args = sys.argv[1:]
    patients = 1000
    if '--patients' in args:
        i = args.index('--patients')
        patients = int(args[i + 1])
        del args[i:i + 2]
    rounds = ROUNDS
    if '--rounds' in args:
        i = args.index('--rounds')
        rounds = int(args[i + 1])
        del args[i:i + 2]
    modes = (('0', 'inline'), ('1', 'parser_thread'))
    if '--inline-only' in args:
        modes = modes[:1]
    if '--thread-only' in args:
        modes = modes[1:]
    callgrind = '--callgrind' in args
    args = [a for a in args if a not in ('--callgrind', '--inline-only', '--thread-only')]
    if len(args) == 1:
        args.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build-release'))
    if len(args) != 2:
        raise SystemExit('usage: bench-fhir-versus.py [BUILD_DIR] OTHER_DRIVER [--patients N] [--rounds N] '
                         '[--inline-only | --thread-only] [--callgrind]')
    build, other = os.path.abspath(args[0]), os.path.abspath(args[1])
    cli = os.path.join(build, 'src', 'cli', 'cohortscope-cli')
    this = os.path.join(build, 'bench', 'fhir', 'bench-fhir-fetch')
    for program in (cli, this, other):
        if not os.access(program, os.X_OK):
            raise SystemExit('%s is not built' % program)
    if callgrind and shutil.which('valgrind') is None:
        raise SystemExit('valgrind is not installed')

    tmp = tempfile.mkdtemp(prefix='cs-bench-versus-')
    demo = os.path.join(tmp, 'demo.json')
    subprocess.run([cli, 'demo', '-o', demo, '--patients', str(patients)], check=True)
    proc, port = start_server(demo)
    base = 'http://127.0.0.1:%d/' % port
    report = {'patients': patients, 'this': this, 'other': other, 'rounds': rounds}
    try:
        resources = load(this, base, '0')[2]   # warms the server's page memo
        report['resources'] = resources
        for mode, name in modes:
            runs = {'this': [], 'other': []}
            for r in range(rounds):
                # alternate which goes first, so that neither always meets a warmer machine
                order = ('this', 'other') if r % 2 == 0 else ('other', 'this')
                for who in order:
                    runs[who].append(load(this if who == 'this' else other, base, mode))
            for who in ('this', 'other'):
                if any(n != resources for _, _, n in runs[who]):
                    report['warning'] = '%s loaded another number of resources' % who
                best = min(runs[who])
                report['%s_%s_seconds' % (name, who)] = round(best[0], 4)
                report['%s_%s_cpu_seconds' % (name, who)] = round(min(c for _, c, _ in runs[who]), 3)
            ratios = sorted(a[0] / b[0] for a, b in zip(runs['this'], runs['other']))
            report['%s_ratio_median' % name] = round(ratios[len(ratios) // 2], 3)
            report['%s_ratio_range' % name] = [round(ratios[0], 3), round(ratios[-1], 3)]
            cpu_ratios = sorted(a[1] / b[1] for a, b in zip(runs['this'], runs['other']))
            report['%s_cpu_ratio_median' % name] = round(cpu_ratios[len(cpu_ratios) // 2], 3)
        if callgrind:
            report['this_instructions'] = instructions(this, base, tmp)
            report['other_instructions'] = instructions(other, base, tmp)
            report['instructions_ratio'] = round(report['this_instructions'] / report['other_instructions'], 4)
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    print(json.dumps(report, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
