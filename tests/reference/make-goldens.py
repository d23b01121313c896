#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes tests/stats/goldens-scipy.json: deterministic data sets and the
values scipy computes for them (pearsonr, spearmanr, mannwhitneyu,
kruskal, chi2_contingency, special functions), plus the Lung1 case when
$CS_SHARED_DATA is set (only the numbers are stored, not the data).

Run with Debian's /usr/bin/python3 (python3-scipy):
    /usr/bin/python3 tests/reference/make-goldens.py
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.special as sp
import scipy.stats as st

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'stats', 'goldens-scipy.json')


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def arr(a):
    return [num(v) for v in a]


def complete(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def fisher_ci(r, n):
    if n < 4 or math.isnan(r):
        return [None, None]
    z = np.arctanh(r)
    se = 1 / math.sqrt(n - 3)
    q = sp.ndtri(0.975)
    return [num(np.tanh(z - q * se)), num(np.tanh(z + q * se))]


def is_constant(a):
    return len(a) > 0 and bool(np.all(a == a[0]))


def corr_case(name, x, y):
    cx, cy = complete(x, y)
    n = len(cx)
    case = {'name': name, 'x': arr(x), 'y': arr(y), 'n': n}
    if n < 3 or is_constant(cx) or is_constant(cy):
        case.update(pearson_r=None, pearson_p=None, pearson_ci=[None, None],
                    spearman_rho=None, spearman_p=None, spearman_ci=[None, None])
        return case
    pr = st.pearsonr(cx, cy)
    ci = pr.confidence_interval(0.95)
    pci = [num(ci.low), num(ci.high)] if n >= 4 else [None, None]
    sr = st.spearmanr(cx, cy)
    case.update(pearson_r=num(pr.statistic), pearson_p=num(pr.pvalue), pearson_ci=pci,
                spearman_rho=num(sr.correlation), spearman_p=num(sr.pvalue),
                spearman_ci=fisher_ci(float(sr.correlation), n))
    return case


def mwu_case(name, x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    cx = x[~np.isnan(x)]
    cy = y[~np.isnan(y)]
    case = {'name': name, 'x': arr(x), 'y': arr(y), 'n': len(cx) + len(cy)}
    allv = np.concatenate([cx, cy])
    if len(cx) == 0 or len(cy) == 0 or len(allv) < 3:
        case.update(u=None, p=None, rank_biserial=None)
        return case
    res = st.mannwhitneyu(cx, cy, alternative='two-sided', method='asymptotic',
                          use_continuity=True)
    u = float(res.statistic)
    case.update(u=u, rank_biserial=2 * u / (len(cx) * len(cy)) - 1)
    # all values tied: scipy returns p = 1 (or nan); we report undefined
    case['p'] = None if is_constant(allv) else num(res.pvalue)
    return case


def kw_case(name, values, groups):
    values = np.asarray(values, float)
    groups = np.asarray(groups, int)
    keep = (~np.isnan(values)) & (groups >= 0)
    v = values[keep]
    g = groups[keep]
    levels = sorted(set(g.tolist()))
    case = {'name': name, 'values': arr(values), 'groups': groups.tolist(),
            'n': int(len(v)), 'k': len(levels)}
    if len(levels) < 2 or len(v) < 3 or is_constant(v):
        case.update(h=None, p=None, df=None, epsilon_squared=None)
        return case
    res = st.kruskal(*[v[g == l] for l in levels])
    case.update(h=num(res.statistic), p=num(res.pvalue), df=len(levels) - 1,
                epsilon_squared=num(res.statistic / (len(v) - 1)))
    if len(levels) == 2:
        a = v[g == levels[0]]
        b = v[g == levels[1]]
        m = st.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic')
        case['mwu_u'] = float(m.statistic)
        case['mwu_p'] = num(m.pvalue)
    return case


def chi2_case(name, a, b):
    a = np.asarray(a, int)
    b = np.asarray(b, int)
    keep = (a >= 0) & (b >= 0)
    ca, cb = a[keep], b[keep]
    ra = sorted(set(ca.tolist()))
    rb = sorted(set(cb.tolist()))
    case = {'name': name, 'a': a.tolist(), 'b': b.tolist(), 'n': int(len(ca))}
    if len(ra) < 2 or len(rb) < 2:
        case.update(chi2=None, p=None, df=None, cramers_v=None)
        return case
    table = np.array([[np.sum((ca == i) & (cb == j)) for j in rb] for i in ra])
    res = st.chi2_contingency(table)
    case.update(chi2=num(res[0]), p=num(res[1]), df=int(res[2]),
                cramers_v=num(st.contingency.association(table, method='cramer')))
    return case


def main():
    rng = np.random.RandomState(20261128)
    out = {'generator': 'tests/reference/make-goldens.py',
           'scipy': scipy.__version__, 'numpy': np.__version__}

    # ---- correlation
    corr = []
    x = rng.normal(size=30)
    corr.append(corr_case('normal-30', x, 0.5 * x + rng.normal(size=30)))
    x = np.round(rng.normal(size=25) * 2)
    corr.append(corr_case('ties-25', x, np.round(x + rng.normal(size=25))))
    corr.append(corr_case('small-4', [1.0, 2.5, 2.0, 7.0], [0.3, 0.1, 0.9, 1.2]))
    corr.append(corr_case('small-3', [1.0, 2.0, 4.0], [3.0, 1.0, 2.0]))
    corr.append(corr_case('too-few-2', [1.0, 2.0], [3.0, 1.0]))
    x = rng.normal(size=40)
    y = x - rng.normal(size=40)
    x[[3, 7, 19]] = np.nan
    y[[7, 22]] = np.nan
    corr.append(corr_case('missing-40', x, y))
    corr.append(corr_case('constant', [2.0] * 10, rng.normal(size=10)))
    x = rng.normal(size=200)
    corr.append(corr_case('strong-200', x, x + 0.3 * rng.normal(size=200)))
    x = rng.lognormal(size=1000)
    corr.append(corr_case('lognormal-1000', x, np.log(x) + rng.normal(size=1000) * 3))
    corr.append(corr_case('perfect', [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 6.0, 8.0, 10.0]))
    corr.append(corr_case('independent-50', rng.normal(size=50), rng.normal(size=50)))
    out['correlation'] = corr

    # ---- Mann–Whitney
    mwu = []
    mwu.append(mwu_case('normal-10-12', rng.normal(size=10), rng.normal(size=12) + 0.8))
    mwu.append(mwu_case('ties-15-20', rng.randint(0, 5, size=15).astype(float),
                        rng.randint(1, 6, size=20).astype(float)))
    mwu.append(mwu_case('small-2-3', [1.0, 4.0], [2.0, 3.0, 5.0]))
    mwu.append(mwu_case('all-tied', [3.0, 3.0, 3.0], [3.0, 3.0]))
    mwu.append(mwu_case('missing', [1.5, np.nan, 2.5, 7.0, 3.0], [np.nan, 0.5, 1.0, 2.0]))
    mwu.append(mwu_case('separated-30-30', rng.normal(size=30), rng.normal(size=30) + 3))
    out['mannwhitney'] = mwu

    # ---- Kruskal–Wallis
    kw = []
    g = np.repeat([0, 1, 2], [8, 10, 7])
    kw.append(kw_case('three-groups', rng.normal(size=25) + g * 0.7, g))
    g = np.repeat([0, 1, 2, 3], [6, 6, 5, 9])
    kw.append(kw_case('four-groups-ties', rng.randint(0, 6, size=26).astype(float), g))
    g = np.repeat([0, 1], [7, 9])
    kw.append(kw_case('two-groups', rng.normal(size=16) + g, g))
    kw.append(kw_case('small', [1.0, 2.0, 3.0, 4.0], [0, 0, 1, 2]))
    kw.append(kw_case('one-group', [1.0, 2.0, 3.0], [1, 1, 1]))
    kw.append(kw_case('all-tied', [5.0, 5.0, 5.0, 5.0], [0, 1, 0, 1]))
    vals = rng.normal(size=20)
    g = np.tile([0, 2, 5, -1], 5)
    vals[[1, 6]] = np.nan
    kw.append(kw_case('missing-sparse-levels', vals, g))
    out['kruskal'] = kw

    # ---- χ²
    chi = []
    a = rng.randint(0, 2, size=60)
    b = (rng.uniform(size=60) < 0.3 + 0.4 * a).astype(int)
    chi.append(chi2_case('2x2-yates', a, b))
    chi.append(chi2_case('2x2-small', [0, 0, 0, 1, 1, 1, 1], [0, 1, 1, 0, 0, 0, 1]))
    a = rng.randint(0, 2, size=80)
    chi.append(chi2_case('2x3', a, rng.randint(0, 3, size=80)))
    a = rng.randint(0, 3, size=150)
    b = np.where(rng.uniform(size=150) < 0.5, a, rng.randint(0, 4, size=150))
    chi.append(chi2_case('3x4', a, b))
    chi.append(chi2_case('one-column', [0, 1, 0, 1], [2, 2, 2, 2]))
    a = rng.randint(0, 3, size=40)
    b = rng.randint(0, 2, size=40)
    a[[0, 5]] = -1
    b[[9]] = -1
    chi.append(chi2_case('missing', a, b))
    out['chi2'] = chi

    # ---- special functions
    special = []
    for a_, b_, x_ in [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (10.0, 0.5, 0.9), (100.0, 100.0, 0.45),
                       (2499.0, 2499.0, 0.49), (0.5, 14.0, 0.01), (30.0, 0.5, 0.999)]:
        special.append({'f': 'beta_inc', 'a': a_, 'b': b_, 'x': x_, 'value': float(sp.betainc(a_, b_, x_))})
    for a_, x_ in [(0.5, 0.1), (1.0, 3.0), (5.0, 2.0), (5.0, 20.0), (50.0, 60.0), (0.5, 40.0), (3.5, 3.5)]:
        special.append({'f': 'gamma_q', 'a': a_, 'x': x_, 'value': float(sp.gammaincc(a_, x_))})
    for t_, df_ in [(0.5, 3.0), (2.1, 10.0), (-1.3, 5.0), (8.0, 100.0), (3.0, 1.0)]:
        special.append({'f': 't_sf', 't': t_, 'df': df_, 'value': float(st.t.sf(t_, df_))})
    for x_, df_ in [(3.84, 1.0), (10.0, 4.0), (0.5, 2.0), (60.0, 3.0)]:
        special.append({'f': 'chi2_sf', 'x': x_, 'df': df_, 'value': float(st.chi2.sf(x_, df_))})
    for z_ in [0.0, 1.0, -2.5, 5.0, 8.0]:
        special.append({'f': 'normal_sf', 'z': z_, 'value': float(st.norm.sf(z_))})
    out['special'] = special

    # ---- correlation matrix: features × clinical with missing values
    n = 60
    feats = rng.lognormal(size=(6, n))
    feats[2, 5] = np.nan
    feats[4] = np.round(feats[4])      # ties
    feats[5] = 1.0                     # constant
    clin = np.vstack([feats[0] * 2 + rng.normal(size=n), rng.normal(size=n), rng.randint(0, 3, size=n)])
    clin[1, [1, 2, 3]] = np.nan
    mat = {'features': [arr(f) for f in feats], 'clinical': [arr(c) for c in clin]}
    for method in ('spearman', 'pearson'):
        rr, pp = [], []
        for f in feats:
            for c in clin:
                cf, cc = complete(f, c)
                if len(cf) < 3 or is_constant(cf) or is_constant(cc):
                    rr.append(None)
                    pp.append(None)
                    continue
                res = st.spearmanr(cf, cc) if method == 'spearman' else st.pearsonr(cf, cc)
                rr.append(num(res[0]))
                pp.append(num(res[1]))
        mat[method] = {'r': rr, 'p': pp}
    out['matrix'] = mat

    # ---- Lung1 (real data; only numbers are stored)
    shared = os.environ.get('CS_SHARED_DATA', os.path.join(HERE, '..', '..', '..', 'shared', 'data'))
    clin_path = os.path.join(shared, 'lung1', 'NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv')
    shape_path = os.path.join(shared, 'radiomics', 'filipjb-lung1', 'lung1_shape.csv')
    if os.path.exists(clin_path) and os.path.exists(shape_path):
        import csv
        with open(clin_path, newline='') as f:
            clinical = {row['PatientID']: row for row in csv.DictReader(f)}
        vols, tstage = [], []
        with open(shape_path, newline='') as f:
            for row in csv.DictReader(f):
                c = clinical.get(row['PatientID'])
                if c is None or c['clinical.T.Stage'] == 'NA':
                    continue
                vols.append(float(row['MeshVolume']))
                tstage.append(int(c['clinical.T.Stage']))
        vols = np.array(vols)
        tstage = np.array(tstage)
        levels = sorted(set(tstage.tolist()))
        res = st.kruskal(*[vols[tstage == l] for l in levels])
        out['lung1'] = {'kruskal_meshvolume_by_t_stage': {
            'n': int(len(vols)), 'k': len(levels), 'h': float(res.statistic),
            'p': float(res.pvalue), 'epsilon_squared': float(res.statistic / (len(vols) - 1))}}
    else:
        print('make-goldens.py: Lung1 data not found, Lung1 goldens left out', file=sys.stderr)

    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write('\n')


if __name__ == '__main__':
    main()
