/* cs-stats-private.h: helpers shared inside src/core/stats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-stats.h"

G_BEGIN_DECLS

typedef struct
{
  double  value;
  guint32 row;
} CsSortItem;

/* Sorts by (value, row) ascending; values must not be NAN. An inlined
 * quicksort: several times faster than qsort () on these items. */
void    cs_stats_sort_items          (CsSortItem   *items,
                                      gsize         n);

/* r of two complete columns as scipy.stats.pearsonr; NAN if either is constant */
double  cs_stats_pearson_r_complete  (const double *x,
                                      const double *y,
                                      gsize         n);
/* two-sided p of Pearson's r / Spearman's ρ over n complete pairs */
double  cs_stats_pearson_p_value     (double        r,
                                      gsize         n);
double  cs_stats_spearman_p_value    (double        rho,
                                      gsize         n);

/* Solves a x = b (k × k, row-major; a and b are overwritten, x is left in
 * b) by Gaussian elimination with partial pivoting. FALSE when a pivot is
 * below 1e-12 of the largest diagonal (singular). */
gboolean cs_stats_solve_linear       (double       *a,
                                      double       *b,
                                      guint         k);

/* Special functions (cs-stats-special.c; the tests check them against scipy) */
double  _cs_stats_normal_sf          (double        z);          /* P(Z > z) */
double  _cs_stats_t_sf               (double        t,
                                      double        df);         /* P(T > t) */
double  _cs_stats_chi2_sf            (double        x,
                                      double        df);         /* P(X > x) */
double  _cs_stats_beta_inc           (double        a,
                                      double        b,
                                      double        x);          /* I_x(a, b) */
double  _cs_stats_gamma_q            (double        a,
                                      double        x);          /* Q(a, x) upper regularized */

G_END_DECLS
