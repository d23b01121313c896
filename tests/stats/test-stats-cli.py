#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cohortscope-cli stats / correlate / survival against scipy and R.

Writes a demo cohort with `$CS_CLI demo`, reads it back with
`$CS_CLI table --format csv`, recomputes each test with scipy (and the
survival curves with R's survival package when Rscript is installed) on
those table values, and compares with the CLI's JSON. Exit 77 (skip) when
scipy is missing.
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import scipy.stats as st
except ImportError:
    print('SKIP: numpy/scipy are not installed (package python3-scipy, in scripts/deps-debian.txt)',
          file=sys.stderr)
    sys.exit(77)

CLI = os.environ.get('CS_CLI')
if not CLI or not os.path.exists(CLI):
    print('CS_CLI not set or missing', file=sys.stderr)
    sys.exit(1)

failures = 0


def fail(msg):
    global failures
    failures += 1
    print('FAIL: ' + msg, file=sys.stderr)


def stage_rank(code):
    """Rank of a demo staging code: "3B" (stage group) or "cT2" (T category)
    → number + letter/10, as in docs/VARIABLES.md; '' → NAN."""
    if code == '':
        return float('nan')
    code = code.lstrip('cpyra').lstrip('TNM')
    return int(code[0]) + (0.1 * (ord(code[1].lower()) - ord('a') + 1) if len(code) > 1 else 0)


def run(*args, expect=0):
    proc = subprocess.run([CLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != expect:
        fail('%s: exit %d (expected %d): %s' % (' '.join(args), proc.returncode, expect, proc.stderr.strip()))
    return proc.stdout


def close(a, b, what, rel=1e-9, abs_=1e-14):
    if b is None or (isinstance(b, float) and math.isnan(b)):
        if a is not None:
            fail('%s: expected undefined (null), got %r' % (what, a))
        return
    if a is None:
        fail('%s: got null, expected %r' % (what, b))
        return
    if abs(a - b) > max(rel * abs(b), abs_):
        fail('%s: %r != reference %r' % (what, a, b))


tmp = tempfile.mkdtemp(prefix='cs-stats-cli-')
try:
    demo = os.path.join(tmp, 'demo.json')
    run('demo', '-o', demo, '--patients', '300', '--seed', '7')
    src = ['--source', demo]
    table_csv = run('table', *src, '--format', 'csv')
    rows = list(csv.DictReader(io.StringIO(table_csv)))
    if not rows:
        fail('empty table')
        sys.exit(1)

    def num(key):
        return np.array([float(r[key]) if r[key] != '' else np.nan for r in rows])

    def cat(key):
        return [r[key] if r[key] != '' else None for r in rows]

    def stats(x, y, *extra):
        return json.loads(run('stats', *src, '--x', x, '--y', y, '--json', *extra))

    # -- numeric × numeric: Spearman by default, Pearson on request
    x, y = num('original_shape_meshvolume'), num('original_shape_surfacearea')
    keep = ~(np.isnan(x) | np.isnan(y))
    ref = st.spearmanr(x[keep], y[keep])
    out = stats('original_shape_meshvolume', 'original_shape_surfacearea')
    if out['method'] != 'spearman':
        fail('numeric × numeric default should be spearman, got ' + out['method'])
    if out['n'] != int(keep.sum()):
        fail('spearman n %d != %d' % (out['n'], keep.sum()))
    close(out['r'], ref.correlation, 'spearman r')
    close(out['statistic'], ref.correlation, 'spearman statistic')
    close(out['p_value'], ref.pvalue, 'spearman p')

    x, y = num('cea'), num('age_at_diagnosis')
    keep = ~(np.isnan(x) | np.isnan(y))
    ref = st.pearsonr(x[keep], y[keep])
    ci = ref.confidence_interval()
    out = stats('cea', 'age_at_diagnosis', '--method', 'pearson')
    close(out['r'], ref.statistic, 'pearson r')
    close(out['p_value'], ref.pvalue, 'pearson p')
    close(out['ci'][0], ci.low, 'pearson ci low')
    close(out['ci'][1], ci.high, 'pearson ci high')

    # -- numeric × categorical, either order: Kruskal–Wallis with > 2 groups
    vol = num('original_shape_meshvolume')
    t = cat('t_stage')
    levels = sorted({v for v in t if v is not None})
    groups = [vol[[i for i, v in enumerate(t) if v == l and not np.isnan(vol[i])]] for l in levels]
    ref = st.kruskal(*groups)
    for a, b in (('original_shape_meshvolume', 't_stage'), ('t_stage', 'original_shape_meshvolume')):
        out = stats(a, b)
        if out['method'] != 'kruskal':
            fail('numeric × 4-level categorical should be kruskal, got ' + out['method'])
        close(out['statistic'], ref.statistic, 'kruskal H (%s, %s)' % (a, b))
        close(out['p_value'], ref.pvalue, 'kruskal p (%s, %s)' % (a, b))
        if sorted(g['label'] for g in out['groups']) != levels:
            fail('kruskal group labels %r != %r' % (out['groups'], levels))

    # -- numeric × boolean: Mann–Whitney, U of the first group (false)
    age = num('age_at_diagnosis')
    dec = cat('deceased')
    a = np.array([age[i] for i, v in enumerate(dec) if v == 'false' and not np.isnan(age[i])])
    b = np.array([age[i] for i, v in enumerate(dec) if v == 'true' and not np.isnan(age[i])])
    ref = st.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic')
    out = stats('deceased', 'age_at_diagnosis')
    if out['method'] != 'mannwhitney':
        fail('numeric × boolean should be mannwhitney, got ' + out['method'])
    if [g['label'] for g in out['groups']] != ['false', 'true']:
        fail('mannwhitney groups %r' % out['groups'])
    close(out['statistic'], ref.statistic, 'mannwhitney U')
    close(out['p_value'], ref.pvalue, 'mannwhitney p')
    close(out['effect_size']['value'], 2 * ref.statistic / (len(a) * len(b)) - 1, 'rank-biserial')
    close(out['groups'][0]['median'], float(np.median(a)), 'median of group false')
    close(out['groups'][1]['median'], float(np.median(b)), 'median of group true')

    # -- categorical × categorical: χ² (Yates for 2×2)
    for xa, xb in (('smoking_status', 'histology'), ('gender', 'deceased')):
        ca, cb = cat(xa), cat(xb)
        pairs = [(u, v) for u, v in zip(ca, cb) if u is not None and v is not None]
        la = sorted({u for u, _ in pairs})
        lb = sorted({v for _, v in pairs})
        table = np.array([[sum(1 for u, v in pairs if u == i and v == j) for j in lb] for i in la])
        ref = st.chi2_contingency(table)
        out = stats(xa, xb)
        if out['method'] != 'chi2':
            fail('categorical × categorical should be chi2, got ' + out['method'])
        close(out['statistic'], ref[0], 'chi2 %s × %s' % (xa, xb))
        close(out['p_value'], ref[1], 'chi2 p %s × %s' % (xa, xb))
        close(out['df'], ref[2], 'chi2 df')
        if out['table']['rows'] != la or out['table']['cols'] != lb or out['table']['counts'] != table.tolist():
            fail('chi2 table %r != %r' % (out['table'], (la, lb, table.tolist())))

    # -- --filter restricts the rows
    out = stats('original_shape_meshvolume', 'original_shape_surfacearea', '--filter', 'age_at_diagnosis > 65')
    sel = ~np.isnan(age) & (age > 65)
    x, y = num('original_shape_meshvolume')[sel], num('original_shape_surfacearea')[sel]
    keep = ~(np.isnan(x) | np.isnan(y))
    ref = st.spearmanr(x[keep], y[keep])
    if out['n'] != int(keep.sum()):
        fail('filtered n %d != %d' % (out['n'], keep.sum()))
    close(out['r'], ref.correlation, 'filtered spearman r')

    # -- a wrong command line (exit 2, whatever the data); what does not fit
    # these data (exit 1): an unknown variable, a method for other types
    # (docs/STATISTICS.md, "Exit status")
    run('stats', *src, '--x', 'no_such_variable', '--y', 'cea', '--json', expect=1)
    run('stats', *src, '--x', 'cea', '--json', expect=2)
    run('stats', *src, '--x', 'gender', '--y', 'cea', '--method', 'pearson', '--json', expect=1)
    run('stats', *src, '--x', 'cea', '--y', 't_stage', '--method', 'mannwhitney', '--json', expect=1)
    run('stats', *src, '--x', 'cea', '--y', 'ldh', '--method', 'nonsense', expect=2)
    run('stats', '--source', os.path.join(tmp, 'missing.json'), '--x', 'cea', '--y', 'ldh', expect=1)
    run('correlate', *src, '--features', 'original_*', '--clinical', 'no_such_variable', expect=1)
    run('table', *src, '--columns', 'no_such_variable', expect=1)
    run('cohort', *src, '--filter', 'no_such_variable > 1', expect=1)

    # -- correlate: every cell against scipy, q against Benjamini–Hochberg
    out = json.loads(run('correlate', *src, '--features', 'original_shape_*',
                         '--clinical', 'age_at_diagnosis,cea,stage_group,t_stage,histology,deceased', '--json'))
    if 'histology' in out['cols']:
        fail('a nominal categorical clinical variable should be skipped')
    if 'stage_group' not in out['cols'] or 't_stage' not in out['cols']:
        fail('ordinal staging variables should be correlated by rank: %r' % out['cols'])
    if not out['rows'] or not all(r.startswith('original_shape_') for r in out['rows']):
        fail('correlate rows %r' % out['rows'])
    ps = []
    for i, f in enumerate(out['rows']):
        fx = num(f)
        for j, c in enumerate(out['cols']):
            if c == 'deceased':
                cy = np.array([1.0 if v == 'true' else 0.0 if v == 'false' else np.nan for v in cat(c)])
            elif c in ('stage_group', 't_stage'):
                cy = np.array([stage_rank(v) for v in cat(c)])
            else:
                cy = num(c)
            keep = ~(np.isnan(fx) | np.isnan(cy))
            ref = st.spearmanr(fx[keep], cy[keep])
            close(out['r'][i][j], ref.correlation, 'correlate r %s × %s' % (f, c))
            close(out['p'][i][j], ref.pvalue, 'correlate p %s × %s' % (f, c))
            if out['n'][i][j] != int(keep.sum()):
                fail('correlate n %s × %s' % (f, c))
            ps.append(out['p'][i][j])
    # the text table shows tiny p-values whole (a cut "1.5e-184" read 1.5)
    text = run('correlate', *src, '--features', 'original_shape_meshvolume', '--clinical', 't_stage')
    cells = text.splitlines()[1].split()
    if float(cells[3]) > 1e-10 or float(cells[4]) > 1e-10:
        fail('correlate text p/q %r should be tiny' % cells)

    p = np.array(ps)
    order = np.argsort(-p, kind='stable')
    m = len(p)
    q = np.minimum(1, np.minimum.accumulate(m / np.arange(m, 0, -1) * p[order]))
    qq = np.empty(m)
    qq[order] = q
    flat_q = [v for row in out['q'] for v in row]
    for k in range(m):
        close(flat_q[k], qq[k], 'correlate q[%d]' % k)

    # -- survival: structure here, numbers against R when available
    out = json.loads(run('survival', *src, '--time', 'survival_time', '--event', 'deceased',
                         '--by', 'stage_group', '--json'))
    tt = num('survival_time')
    ev = cat('deceased')
    sg = cat('stage_group')
    labels = [g['label'] for g in out['groups']]
    if sorted(labels) != sorted({v for v in sg if v is not None}):
        fail('survival group labels %r' % labels)
    for g in out['groups']:
        idx = [i for i in range(len(rows)) if sg[i] == g['label'] and not np.isnan(tt[i]) and ev[i] is not None]
        if g['n'] != len(idx):
            fail('survival n for %s: %d != %d' % (g['label'], g['n'], len(idx)))
        if g['events'] != sum(1 for i in idx if ev[i] == 'true'):
            fail('survival events for %s' % g['label'])
        if g['km'][0]['at_risk'] != len(idx):
            fail('survival at_risk[0] for %s' % g['label'])
    if out['logrank']['df'] != len(labels) - 1:
        fail('logrank df %r' % out['logrank'])

    rscript = shutil.which('Rscript')
    if rscript:
        data = os.path.join(tmp, 'surv.csv')
        with open(data, 'w') as f:
            f.write('time,event,group\n')
            for i in range(len(rows)):
                if not np.isnan(tt[i]) and ev[i] is not None and sg[i] is not None:
                    f.write('%r,%d,"%s"\n' % (tt[i], ev[i] == 'true', sg[i]))
        script = '''
suppressPackageStartupMessages(library(survival))
d <- read.csv("%s", colClasses = c("numeric", "numeric", "character"))
sd <- survdiff(Surv(time, event) ~ group, data = d)
cat(sprintf("logrank %%.17g %%d\\n", sd$chisq, length(sd$n) - 1))
for (l in sort(unique(d$group))) {
  f <- survfit(Surv(time, event) ~ 1, data = d[d$group == l, ])
  tab <- summary(f)$table
  cat(sprintf("group %%s %%.17g %%.17g %%.17g %%d %%.17g\\n", l, tab[["median"]], tab[["0.95LCL"]],
              tab[["0.95UCL"]], length(f$time), sum(f$surv)))
}
''' % data
        proc = subprocess.run([rscript, '-e', script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        if proc.returncode != 0:
            fail('Rscript failed: ' + proc.stderr)
        by_label = {g['label']: g for g in out['groups']}
        for line in proc.stdout.splitlines():
            parts = line.split()
            if parts[0] == 'logrank':
                close(out['logrank']['chi2'], float(parts[1]), 'logrank chi2')
            elif parts[0] == 'group':
                g = by_label.get(parts[1])
                if g is None:
                    fail('R group %s missing in CLI output' % parts[1])
                    continue
                r_med = [None if v == 'NA' else float(v) for v in parts[2:5]]
                close(g['median'], r_med[0], 'median %s' % parts[1])
                close(g['median_ci'][0], r_med[1], 'median lower %s' % parts[1])
                close(g['median_ci'][1], r_med[2], 'median upper %s' % parts[1])
                if len(g['km']) != int(parts[5]):
                    fail('km points %s' % parts[1])
                close(sum(p['survival'] for p in g['km']), float(parts[6]), 'sum of S(t) %s' % parts[1])
    else:
        print('Rscript not found: survival numbers not compared with R', file=sys.stderr)

    out = json.loads(run('survival', *src, '--time', 'survival_time', '--event', 'deceased',
                         '--split', 'original_glcm_jointentropy:median', '--json'))
    if len(out['groups']) != 2 or not out['groups'][0]['label'].startswith('<= '):
        fail('split groups %r' % [g['label'] for g in out['groups']])
    if out['concordance'] is None or not (0 <= out['concordance']['c'] <= 1):
        fail('split concordance %r' % out['concordance'])
    run('survival', *src, '--time', 'survival_time', expect=1)
    run('survival', *src, '--time', 'no_such_variable', '--event', 'deceased', expect=1)
    run('survival', *src, '--time', 'survival_time', '--event', 'deceased', '--split', 'stage_group:median', expect=1)
    run('survival', *src, '--time', 'survival_time', '--event', 'deceased', '--split', 'cea:lots', expect=2)
    run('survival', *src, '--event', 'deceased', expect=2)
    # a negative time is an error naming the patient, as in `chart --kind km`
    # (IMC1 is always negative); survival used to pass it on to Kaplan–Meier
    proc = subprocess.run([CLI, 'survival', *src, '--time', 'original_glcm_imc1', '--event', 'deceased'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 1 or 'negative time' not in proc.stderr or 'patient' not in proc.stderr:
        fail('negative survival time: exit %d, %r' % (proc.returncode, proc.stderr.strip()))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print('%d failure(s)' % failures, file=sys.stderr)
    sys.exit(1)
print('ok')
