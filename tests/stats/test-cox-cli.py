#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cohortscope-cli cox / score / --model against R's survival package, on
data the implementation was not tuned on.

Each run writes a demo cohort with a fresh random seed (printed; set
CS_COX_SEED to repeat a run), fits several Cox models with `cox --json`
(categorical covariates with the default and a given reference, strata,
missing values, a filter, `--time os`), reads the same patients back with
`table --format csv` and fits them with R's coxph, summary.coxph and
cox.zph. Coefficients must agree to 1e-6 relative, standard errors,
p-values and the rest to 1e-5. A model saved with --save-model is then
applied to the same and to a second cohort (another seed): its score
(`table --model`) must be R's predict(type = "lp") and `score` must report
R's concordance of it. Usage errors are checked too.

Exit 77 (skip) when Rscript is not installed.
"""
import csv
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

CLI = os.environ.get('CS_CLI')
if not CLI or not os.path.exists(CLI):
    print('CS_CLI not set or missing', file=sys.stderr)
    sys.exit(1)
RSCRIPT = shutil.which('Rscript')
if RSCRIPT is None:
    print('Rscript not found (Debian: r-base-core, r-cran-survival): skipping', file=sys.stderr)
    sys.exit(77)

SEED = int(os.environ.get('CS_COX_SEED', random.randrange(1, 2**31)))
failures = 0


def fail(msg):
    global failures
    failures += 1
    print('FAIL (CS_COX_SEED=%d): %s' % (SEED, msg), file=sys.stderr)


def run(*args, expect=0):
    proc = subprocess.run([CLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != expect:
        fail('%s: exit %d (expected %d): %s' % (' '.join(args), proc.returncode, expect, proc.stderr.strip()))
    return proc


def close(a, b, what, rel):
    if b is None:
        if a is not None:
            fail('%s: expected undefined (null), got %r' % (what, a))
        return
    if a is None:
        fail('%s: got null, expected %r' % (what, b))
        return
    if abs(a - b) > max(rel * abs(b), 1e-12):
        fail('%s: %r != R %r (relative %.2g)' % (what, a, b, abs(a - b) / max(abs(b), 1e-300)))


def r_json(script):
    proc = subprocess.run([RSCRIPT, '-e', script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        fail('Rscript failed: ' + proc.stderr)
        return None
    return json.loads(proc.stdout)


R_HELPERS = r'''
suppressPackageStartupMessages(library(survival))
num <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
arr <- function(v) paste0("[", paste(num(v), collapse = ","), "]")
str <- function(v) paste0("[", paste0("\"", v, "\"", collapse = ","), "]")
read_table <- function(path, factors) {
  d <- read.csv(path, na.strings = "", colClasses = "character")
  for (k in names(d)) if (!(k %in% c("patient", factors))) d[[k]] <- as.numeric(ifelse(d[[k]] == "true", 1,
                                                                   ifelse(d[[k]] == "false", 0, d[[k]])))
  d
}
'''


def r_fit(csv_path, time, event, covs, factors, refs, strata):
    """coxph on the table: what summary.coxph and cox.zph report, per term named KEY=LEVEL"""
    rhs = ' + '.join(covs) + (' + strata(%s)' % ', '.join(strata) if strata else '')
    relevel = ''.join('d$%s <- relevel(factor(d$%s), "%s")\n' % (k, k, refs[k]) for k in factors)
    script = R_HELPERS + r'''
d <- read_table("%s", c(%s))
%s
fit <- coxph(Surv(%s, %s) ~ %s, data = d)
s <- summary(fit)
ct <- s$coefficients
names <- rownames(ct)
for (k in c(%s)) names <- sub(paste0("^", k), paste0(k, "="), names)
z <- cox.zph(fit)$table
cat(sprintf('{"n":%%d,"events":%%d,"terms":%%s,"coef":%%s,"se":%%s,"z":%%s,"p":%%s,"hr":%%s,"lower":%%s,"upper":%%s,',
            fit$n, fit$nevent, str(names), arr(ct[, "coef"]), arr(ct[, "se(coef)"]), arr(ct[, "z"]),
            arr(ct[, "Pr(>|z|)"]), arr(s$conf.int[, 1]), arr(s$conf.int[, "lower .95"]), arr(s$conf.int[, "upper .95"])))
cat(sprintf('"loglik":%%s,"lr":%%s,"c":%%s,"zph_terms":%%s,"zph_chisq":%%s,"zph_df":%%s,"zph_p":%%s}',
            arr(fit$loglik), arr(s$logtest), arr(s$concordance), str(rownames(z)), arr(z[, "chisq"]),
            arr(z[, "df"]), arr(z[, "p"])))
''' % (csv_path, ', '.join('"%s"' % f for f in list(factors) + list(strata)), relevel, time, event, rhs,
       ', '.join('"%s"' % f for f in factors))
    return r_json(script)


def compare(out, ref, what):
    if out['n'] != ref['n'] or out['events'] != ref['events']:
        fail('%s: n/events %d/%d, R %d/%d' % (what, out['n'], out['events'], ref['n'], ref['events']))
    terms = {t['term']: t for t in out['terms']}
    if sorted(terms) != sorted(ref['terms']):
        fail('%s: terms %r, R %r' % (what, sorted(terms), sorted(ref['terms'])))
        return
    for i, name in enumerate(ref['terms']):
        t = terms[name]
        close(t['coef'], ref['coef'][i], '%s %s coef' % (what, name), 1e-6)
        close(t['se'], ref['se'][i], '%s %s se' % (what, name), 1e-5)
        close(t['z'], ref['z'][i], '%s %s z' % (what, name), 1e-5)
        close(t['p_value'], ref['p'][i], '%s %s p' % (what, name), 1e-5)
        close(t['hr'], ref['hr'][i], '%s %s hr' % (what, name), 1e-5)
        close(t['ci'][0], ref['lower'][i], '%s %s ci low' % (what, name), 1e-5)
        close(t['ci'][1], ref['upper'][i], '%s %s ci high' % (what, name), 1e-5)
    close(out['loglik'][0], ref['loglik'][0], what + ' loglik null', 1e-6)
    close(out['loglik'][1], ref['loglik'][1], what + ' loglik', 1e-6)
    close(out['lr_test']['chi2'], ref['lr'][0], what + ' lr chi2', 1e-5)
    close(out['lr_test']['df'], ref['lr'][1], what + ' lr df', 1e-5)
    close(out['lr_test']['p_value'], ref['lr'][2], what + ' lr p', 1e-5)
    close(out['concordance']['c'], ref['c'][0], what + ' concordance', 1e-6)
    close(out['concordance']['se'], ref['c'][1], what + ' concordance se', 1e-5)
    zph = {t['term']: t for t in out['zph']['terms']}
    for i, name in enumerate(ref['zph_terms']):
        if name == 'GLOBAL':
            got = out['zph']['global']
        elif name in zph:
            got = zph[name]
        else:
            fail('%s: zph term %s missing' % (what, name))
            continue
        close(got['chi2'], ref['zph_chisq'][i], '%s zph %s chi2' % (what, name), 1e-5)
        close(got['df'], ref['zph_df'][i], '%s zph %s df' % (what, name), 1e-5)
        close(got['p_value'], ref['zph_p'][i], '%s zph %s p' % (what, name), 1e-5)


def table(src, columns, *extra):
    text = run('table', *src, '--columns', ','.join(columns), '--format', 'csv', *extra).stdout
    return list(csv.DictReader(io.StringIO(text)))


def check_model(tmp, src, name, time, event, covs, factors, strata=(), refs=None, extra=()):
    args = ['cox', *src, '--time', time, '--covariates', ','.join(covs), '--json', *extra]
    if event:
        args += ['--event', event]
    for k, v in (refs or {}).items():
        args += ['--reference', '%s=%s' % (k, v)]
    if strata:
        args += ['--strata', ','.join(strata)]
    proc = run(*args)
    if proc.returncode != 0:
        return None
    out = json.loads(proc.stdout)
    rows = table(src, [time] + ([event] if event else ['deceased']) + list(covs) + list(strata), *extra)
    # reference levels: given, else the most frequent among the complete rows (ties: first by code)
    used = [r for r in rows if all(r[k] != '' for k in [time] + list(covs) + list(strata))]
    chosen = {c['key']: c['reference'] for c in out['covariates'] if 'reference' in c}
    for f in factors:
        counts = {}
        for r in used:
            counts[r[f]] = counts.get(r[f], 0) + 1
        if refs and f in refs:
            want = refs[f]
        else:
            best = max(counts.values())
            want = sorted((k for k, v in counts.items() if v == best), key=lambda s: s.encode())[0]
        if chosen.get(f) != want:
            fail('%s: reference of %s is %r, expected %r (counts %r)' % (name, f, chosen.get(f), want, counts))
    if out['n_missing'] != len(rows) - len(used):
        fail('%s: n_missing %d, expected %d' % (name, out['n_missing'], len(rows) - len(used)))
    path = os.path.join(tmp, name + '.csv')
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    ref = r_fit(path, time, event or 'deceased', covs, factors, chosen, strata)
    if ref is not None:
        compare(out, ref, name)
    return out


tmp = tempfile.mkdtemp(prefix='cs-cox-cli-')
try:
    demo = os.path.join(tmp, 'demo.json')
    other = os.path.join(tmp, 'other.json')
    run('demo', '-o', demo, '--patients', '300', '--seed', str(SEED))
    run('demo', '-o', other, '--patients', '200', '--seed', str(SEED + 1))
    src = ['--source', demo]
    print('seed %d' % SEED, file=sys.stderr)

    # clinical model: --time os (time-to-event), two categorical covariates with missing values
    check_model(tmp, src, 'clinical', 'os', None,
                ['age_at_diagnosis', 'stage_group', 'smoking_status', 'original_shape_meshvolume'],
                ['stage_group', 'smoking_status'])
    # an explicit reference, and a filter
    check_model(tmp, src, 'reference', 'survival_time', 'deceased',
                ['original_glcm_jointentropy', 'original_shape_sphericity', 't_stage'], ['t_stage'],
                refs={'t_stage': 'cT1'}, extra=['--filter', 'age_at_diagnosis > 55'])
    # strata
    check_model(tmp, src, 'strata', 'survival_time', 'deceased',
                ['ecog_performance_status', 'gender', 'cea'], ['gender'], strata=['histology'])

    # the text form names the terms and the reference
    text = run('cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis,stage_group').stdout
    if 'reference: stage_group=' not in text or 'Likelihood ratio test' not in text or 'GLOBAL' not in text:
        fail('text output: %r' % text)

    # a saved model: its score is R's linear predictor, its concordance R's, on the training and another cohort
    model = os.path.join(tmp, 'model.json')
    covs = ['age_at_diagnosis', 'stage_group', 'original_glcm_jointentropy']
    out = json.loads(run('cox', *src, '--time', 'os', '--covariates', ','.join(covs), '--json',
                         '--save-model', model, '--key', 'sig').stdout)
    saved = json.load(open(model))
    if saved['format'] != 'cohortscope-model/1' or saved['key'] != 'sig' or len(saved['terms']) != len(out['terms']):
        fail('saved model %r' % saved)
    ref_level = [c['reference'] for c in out['covariates'] if c['key'] == 'stage_group'][0]
    for which, source in (('training', demo), ('validation', other)):
        rows = table(['--source', source, '--model', model], ['os', 'deceased', 'sig'] + covs)
        path = os.path.join(tmp, which + '-scores.csv')
        with open(path, 'w', newline='') as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        ref = r_json(R_HELPERS + r'''
train <- read_table("%s", c("stage_group"))
train$stage_group <- relevel(factor(train$stage_group), "%s")
d <- read_table("%s", c("stage_group"))
d$stage_group <- factor(d$stage_group, levels = levels(train$stage_group))
fit <- coxph(Surv(os, deceased) ~ age_at_diagnosis + stage_group + original_glcm_jointentropy, data = train)
lp <- predict(fit, newdata = d, type = "lp", na.action = na.pass)
cc <- concordance(Surv(os, deceased) ~ lp, data = data.frame(d, lp = lp), reverse = TRUE)
cat(sprintf('{"lp":%%s,"c":%%s,"se":%%s}', arr(lp), num(cc$concordance), num(sqrt(cc$var))))
''' % (os.path.join(tmp, 'training-scores.csv'), ref_level, path))
        if ref is None:
            continue
        for i, r in enumerate(rows):
            got = float(r['sig']) if r['sig'] != '' else None
            close(got, ref['lp'][i], '%s score of %s' % (which, r['patient']), 1e-6)
        s = json.loads(run('score', '--source', source, '--model', model, '--json').stdout)['models'][0]
        close(s['validation']['concordance']['c'], ref['c'], which + ' concordance', 1e-6)
        close(s['validation']['concordance']['se'], ref['se'], which + ' concordance se', 1e-5)
        close(s['training']['concordance']['c'], out['concordance']['c'], which + ' training C', 1e-12)
        if which == 'training':
            close(s['validation']['concordance']['c'], out['concordance']['c'], 'validation on training', 1e-12)

    # the score is a variable like any other: a median split (the Aerts figure), filters, charts
    km = json.loads(run('survival', *src, '--model', model, '--time', 'os', '--split', 'sig:median', '--json').stdout)
    if len(km['groups']) != 2 or not km['groups'][0]['label'].startswith('<= '):
        fail('survival --split sig:median: %r' % [g['label'] for g in km['groups']])
    n_high = len(run('cohort', *src, '--model', model, '--filter', 'sig > 0').stdout.split())
    if not 0 < n_high < 300:
        fail('cohort --filter "sig > 0" selected %d' % n_high)

    # usage errors (2: wrong whatever the data) and data errors (1: the data lack the
    # variable or level, or its type does not fit), named
    def error(expect, words, *args):
        proc = run(*args, expect=expect)
        if not all(w in proc.stderr for w in words):
            fail('%s: message %r lacks %r' % (' '.join(args), proc.stderr, words))
    error(1, ['--covariates', 'nope'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis,nope')
    error(2, ['cox needs'], 'cox', *src, '--time', 'os')
    error(2, ['--covariates', 'at least one'], 'cox', *src, '--time', 'os', '--covariates', ' ,')
    error(1, ['no selected patient'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis',
          '--filter', 'age_at_diagnosis > 1000')
    error(1, ['stage_group', 'IX', 'levels'], 'cox', *src, '--time', 'os', '--covariates', 'stage_group',
          '--reference', 'stage_group=IX')
    error(1, ['age_at_diagnosis', 'numeric'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis',
          '--reference', 'age_at_diagnosis=3')
    error(2, ['not a covariate'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis',
          '--reference', 'gender=male')
    error(1, ['time-to-event'], 'cox', *src, '--time', 'survival_time', '--event', 'deceased', '--covariates', 'os')
    error(2, ['--add-to-cohort'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis', '--add-to-cohort')
    error(1, ['single value'], 'cox', *src, '--time', 'os', '--covariates', 'age_at_diagnosis,imaging_modality')
    error(2, ['--model'], 'score', *src)
    # a saved cohort whose second model names a variable the data lack
    with open(model) as f:
        good = json.load(f)
    bad = json.loads(json.dumps(good))
    bad['key'] = 'other'
    bad['covariates'][0]['key'] = 'no_such_variable'
    bad['terms'][0]['covariate'] = 'no_such_variable'
    cohort_file = os.path.join(tmp, 'cohort-models.json')
    with open(cohort_file, 'w') as f:
        json.dump({'format': 'cohortscope-cohort/1', 'name': 'Training', 'filter': 'age_at_diagnosis > 0',
                   'created': '2026-01-31T12:00:00Z', 'models': [good, bad, good]}, f)
    error(1, ['no_such_variable', 'cohort-models.json'], 'score', *src, '--model', cohort_file)
    error(1, ['already', 'sig'], 'cox', *src, '--model', model, '--model', model, '--time', 'os',
          '--covariates', 'age_at_diagnosis')
finally:
    if failures == 0:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print('files kept in %s' % tmp, file=sys.stderr)

sys.exit(1 if failures else 0)
