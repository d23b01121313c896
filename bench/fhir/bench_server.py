# bench_server.py: the test FHIR server (tests/fhir/server) for the FHIR benchmarks
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
SERVER_DIR = os.path.join(ROOT, 'tests', 'fhir', 'server')


def start_server(preload=None):
    """Starts server.mjs on a free port (npm ci first when needed), filled
    with the Bundle or NDJSON preload when given; returns (process, port)."""
    if not os.path.isdir(os.path.join(SERVER_DIR, 'node_modules', '@medplum', 'fhir-router')):
        subprocess.run(['npm', 'ci', '--no-audit', '--no-fund'], cwd=SERVER_DIR, check=True,
                       stdout=subprocess.DEVNULL)
    argv = ['node', 'server.mjs', '0'] + (['--preload', preload] if preload else [])
    proc = subprocess.Popen(argv, cwd=SERVER_DIR, stdout=subprocess.PIPE, text=True)
    port = []
    reader = threading.Thread(target=lambda: port.append(int(proc.stdout.readline().split()[1])), daemon=True)
    reader.start()
    reader.join(600)
    if not port:
        proc.kill()
        raise SystemExit('the test FHIR server did not start')
    return proc, port[0]


def server_cpu(proc):
    """CPU seconds (user + system) the server process has used."""
    with open('/proc/%d/stat' % proc.pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def parse_args(default_patients):
    """[BUILD_DIR] [--patients N] from the command line: (build dir, patients)."""
    args = sys.argv[1:]
    patients = default_patients
    if '--patients' in args:
        i = args.index('--patients')
        patients = int(args[i + 1])
        del args[i:i + 2]
    return os.path.abspath(args[0] if args else os.path.join(ROOT, 'build-release')), patients
