#!/usr/bin/python3
# bench-fhir.py: our FHIR client against curl on the same page URLs
#
#   /usr/bin/python3 bench/fhir/bench-fhir.py [BUILD_DIR] [--patients N]
#
# Starts the test FHIR server (tests/fhir/server, @medplum/fhir-router),
# preloaded with the demo cohort (N patients, default 1000: about 51,000
# resources; `server.mjs --preload`), then:
#   1. walks every search our client will make (the same first URLs, then
#      the Bundle.link next URLs) once, untimed, saving the page bodies;
#      this also warms the server's page memo so both clients get the same
#      server cost;
#   2. times `curl` fetching those page URLs sequentially in one process
#      (keep-alive, bodies to /dev/null): raw transfer;
#   3. times `bench-fhir-fetch load URL` (our client: parallel requests,
#      parse-while-download into a CsStore, the parser chosen as by
#      `--source URL`), and the same with each parser forced: a parser
#      thread (CS_FHIR_PARSE_THREAD=1) and the network thread (=0);
#      2 and 3 alternate, 7 rounds; best of each, and the median and range
#      of the per-round ratio (each load against the curl run before it);
#   4. times `bench-fhir-fetch parse` on the saved bodies: parse + store cost
#      without the network, and `parse --no-store` (parse alone).
# For each best run it also reports the CPU seconds (user + system) of the
# client process and of the Node server during that run: on a 2-core machine
# the wall time cannot go below (client CPU + server CPU) / 2.
# Prints a JSON report; the target is client/curl <= 1.0.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import parse_args, server_cpu, start_server  # noqa: E402
# Keep in sync with compartment_types[] in src/core/fhir/cs-fhir-cohort.c
COMPARTMENT_TYPES = [
    'AllergyIntolerance', 'BodyStructure', 'CarePlan', 'CareTeam', 'Claim', 'ClinicalImpression',
    'Condition', 'Consent', 'Coverage', 'DetectedIssue', 'DeviceRequest', 'DeviceUseStatement',
    'DiagnosticReport', 'DocumentReference', 'Encounter', 'EpisodeOfCare', 'ExplanationOfBenefit',
    'FamilyMemberHistory', 'Flag', 'Goal', 'ImagingStudy', 'Immunization', 'Media',
    'MedicationAdministration', 'MedicationDispense', 'MedicationRequest', 'MedicationStatement',
    'NutritionOrder', 'Observation', 'Procedure', 'QuestionnaireResponse', 'RiskAssessment',
    'ServiceRequest', 'Specimen',
]
PAGE_SIZE = 1000  # the client's default _count
ROUNDS = 7


def timed(proc, argv, **kwargs):
    """Runs argv; returns (wall s, child CPU s, server CPU s, stdout)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(proc)
    t0 = time.monotonic()
    out = subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs).stdout
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, round(cpu, 3), round(server_cpu(proc) - server_before, 3), out


def get(url):
    with urllib.request.urlopen(url, timeout=600) as answer:
        return answer.read()


def main():
    build, patients = parse_args(1000)
    cli = os.path.join(build, 'src', 'cli', 'cohortscope-cli')
    driver = os.path.join(build, 'bench', 'fhir', 'bench-fhir-fetch')
    for program in (cli, driver):
        if not os.access(program, os.X_OK):
            raise SystemExit('%s is not built' % program)
    if shutil.which('curl') is None:
        raise SystemExit('curl is not installed')

    tmp = tempfile.mkdtemp(prefix='cs-bench-fhir-')
    demo = os.path.join(tmp, 'demo.json')
    subprocess.run([cli, 'demo', '-o', demo, '--patients', str(patients)], check=True)
    # the server loads the demo itself (push of 50,000 resources through the
    # router takes minutes and is not what is measured here)
    proc, port = start_server(demo)
    base = 'http://127.0.0.1:%d/' % port
    report = {'patients': patients}
    try:
        # 1. the page URLs, exactly as our client requests and follows them
        metadata = json.loads(get(base + 'metadata'))
        declared = {r['type'] for rest in metadata.get('rest', []) for r in rest.get('resource', [])}
        first_urls = ['%sPatient?_count=%d' % (base, PAGE_SIZE)]
        first_urls += ['%s%s?_count=%d' % (base, t, PAGE_SIZE) for t in COMPARTMENT_TYPES if t in declared]
        urls, files, total = [], [], 0
        for url in first_urls:
            while url is not None:
                body = get(url)
                urls.append(url)
                path = os.path.join(tmp, 'page-%05d.json' % len(files))
                with open(path, 'wb') as f:
                    f.write(body)
                files.append(path)
                page = json.loads(body)
                total += len(page.get('entry', []))
                url = next((l['url'] for l in page.get('link', []) if l.get('relation') == 'next'), None)
        report['resources'] = total
        report['pages'] = len(urls)
        report['bytes'] = sum(os.path.getsize(f) for f in files)

        # 2. curl, sequential, one process (keep-alive), and
        # 3. our client: the whole load, as `--source URL` does (which chooses
        #    the page parser itself: on the network thread here when this
        #    machine has two cores or fewer, the server being local), then
        #    each choice forced: CS_FHIR_PARSE_THREAD=1 / =0.
        #    The four alternate, ROUNDS times, so that all see the same
        #    machine (a shared VM's speed drifts by 10-30 % within minutes).
        config = os.path.join(tmp, 'curl.cfg')
        with open(config, 'w') as f:
            for url in urls:
                f.write('url = "%s"\noutput = "/dev/null"\n' % url)
        curl_runs, client_runs, thread_runs, inline_runs = [], [], [], []
        for _ in range(ROUNDS):
            curl_runs.append(timed(proc, ['curl', '-s', '-f', '-K', config]))
            for runs, mode in ((client_runs, None), (thread_runs, '1'), (inline_runs, '0')):
                env = dict(os.environ)
                env.pop('CS_FHIR_PARSE_THREAD', None)
                if mode is not None:
                    env['CS_FHIR_PARSE_THREAD'] = mode
                _, cpu, server, out = timed(proc, [driver, 'load', base], env=env)
                runs.append(dict(json.loads(out), cpu=cpu, server_cpu=server))
        best_curl = min(curl_runs)
        report['curl_seconds'] = round(best_curl[0], 4)
        report['curl_cpu_seconds'] = best_curl[1]
        report['curl_server_cpu_seconds'] = best_curl[2]
        # per round: the default load against the curl run just before it
        round_ratios = sorted(c['seconds'] / r[0] for c, r in zip(client_runs, curl_runs))
        report['ratio_per_round_median'] = round(round_ratios[len(round_ratios) // 2], 3)
        report['ratio_per_round_range'] = [round(round_ratios[0], 3), round(round_ratios[-1], 3)]
        best = min(client_runs, key=lambda r: r['seconds'])
        best_thread = min(thread_runs, key=lambda r: r['seconds'])
        best_inline = min(inline_runs, key=lambda r: r['seconds'])
        report['cores'] = os.cpu_count()
        report['client_seconds'] = best['seconds']
        report['client_cpu_seconds'] = best['cpu']
        report['client_server_cpu_seconds'] = best['server_cpu']
        report['client_parser_thread_seconds'] = best_thread['seconds']
        report['client_parser_thread_cpu_seconds'] = best_thread['cpu']
        report['client_inline_seconds'] = best_inline['seconds']
        report['client_inline_cpu_seconds'] = best_inline['cpu']
        report['client_resources'] = best['resources']
        report['client_pages'] = best['pages']

        # 4. parse + store without the network
        out = subprocess.run([driver, 'parse'] + files, check=True, capture_output=True, text=True).stdout
        parse = json.loads(out)
        report['parse_seconds'] = parse['seconds']
        out = subprocess.run([driver, 'parse', '--no-store'] + files, check=True, capture_output=True,
                             text=True).stdout
        report['parse_no_store_seconds'] = json.loads(out)['seconds']

        report['ratio_client_vs_curl'] = round(report['client_seconds'] / report['curl_seconds'], 3)
        report['parse_vs_transfer'] = round(report['parse_seconds'] / report['curl_seconds'], 3)
        report['client_mb_per_s'] = round(report['bytes'] / 1e6 / report['client_seconds'], 1)
        report['curl_mb_per_s'] = round(report['bytes'] / 1e6 / report['curl_seconds'], 1)
        report['target_met'] = report['ratio_client_vs_curl'] <= 1.0
        if best['resources'] != total:
            report['warning'] = 'client loaded %d resources, the walk saw %d' % (best['resources'], total)
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    print(json.dumps(report, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
