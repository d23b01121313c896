/* cs-stats.h: association tests, survival analysis and FDR control
 *
 * Plain C functions over `const double *` columns where NAN means missing,
 * and (for groups) `const gint32 *` level indices where -1 means missing.
 * Missing values use pairwise deletion: a row takes part in a two-variable
 * test only when both of its values are present.
 *
 * Undefined results (too few observations, a constant column, a single
 * group…) are NAN and must be reported as undefined, never as numbers. Each
 * function reproduces a named reference implementation; see
 * docs/STATISTICS.md for the formulas and the places where it deliberately
 * differs (it reports NAN where the reference returns a degenerate number).
 *
 * The functions are reentrant and thread-safe. Nothing here needs GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_STATS_ERROR (cs_stats_error_quark ())

typedef enum
{
  CS_STATS_ERROR_INVALID,      /* wrong input shape (e.g. a negative survival time) */
  CS_STATS_ERROR_METHOD,       /* the method does not apply to these variable types */
} CsStatsError;

typedef enum
{
  CS_STATS_METHOD_PEARSON,     /* scipy.stats.pearsonr */
  CS_STATS_METHOD_SPEARMAN,    /* scipy.stats.spearmanr */
  CS_STATS_METHOD_MANNWHITNEY, /* scipy.stats.mannwhitneyu(method="asymptotic") */
  CS_STATS_METHOD_KRUSKAL,     /* scipy.stats.kruskal */
  CS_STATS_METHOD_CHI2,        /* scipy.stats.chi2_contingency */
} CsStatsMethod;

GQuark       cs_stats_error_quark        (void);
/* "pearson", "spearman", "mannwhitney", "kruskal", "chi2" */
const char  *cs_stats_method_to_string   (CsStatsMethod  method);
gboolean     cs_stats_method_from_string (const char    *str,
                                          CsStatsMethod *method);

/* The result of one test. Fields that do not apply to the method are NAN. */
typedef struct
{
  CsStatsMethod  method;
  guint          n;            /* observations used (complete pairs) */
  guint          n_groups;     /* groups (MWU, Kruskal) or table rows × cols (χ²: rows) */
  guint          n_cols;       /* χ²: table columns; otherwise 0 */
  double         statistic;    /* r, ρ, U of the first group, H, χ² */
  double         p_value;      /* two-sided */
  double         df;           /* degrees of freedom (Pearson/Spearman: n − 2, KW: k − 1, χ²: (r−1)(c−1)) */
  double         r;            /* Pearson r / Spearman ρ, else NAN */
  double         ci_low;       /* 95% CI of r (Pearson: Fisher z; Spearman: Fisher z with se 1/√(n−3)) */
  double         ci_high;
  double         effect;       /* r, ρ, rank-biserial r, ε², Cramér's V */
  const char    *effect_name;  /* "r", "rho", "rank_biserial", "epsilon_squared", "cramers_v" (static) */
} CsStatsResult;

/* Sets every field to "undefined" (NAN / 0) for method. */
void     cs_stats_result_init        (CsStatsResult  *result,
                                      CsStatsMethod   method);

/* Pearson r, two-sided t-test p, Fisher-z 95% CI; pairwise deletion of NAN.
 * n < 3 or a constant column: r and p undefined. CI needs n ≥ 4. */
void     cs_stats_pearson            (const double   *x,
                                      const double   *y,
                                      gsize           n,
                                      CsStatsResult  *result);
/* Spearman ρ (average ranks for ties) with scipy's t-distribution p. The CI
 * is the Fisher-z interval on ρ with se = 1/√(n−3) (scipy gives none). */
void     cs_stats_spearman           (const double   *x,
                                      const double   *y,
                                      gsize           n,
                                      CsStatsResult  *result);
/* Mann–Whitney U of the sample x against y (NAN values skipped), two-sided,
 * normal approximation with tie and continuity correction. statistic is U
 * of x; effect is the rank-biserial r = 2U/(n_x n_y) − 1 (> 0 when x tends
 * to be larger). Undefined when a sample is empty or all values are tied. */
void     cs_stats_mann_whitney       (const double   *x,
                                      gsize           n_x,
                                      const double   *y,
                                      gsize           n_y,
                                      CsStatsResult  *result);
/* Kruskal–Wallis H with tie correction over the groups found in group[]
 * (level indices ≥ 0; -1 or a NAN value drops the row). Needs ≥ 2 non-empty
 * groups and not all values tied. effect is ε² = H/(n − 1). */
void     cs_stats_kruskal            (const double   *values,
                                      const gint32   *group,
                                      gsize           n,
                                      CsStatsResult  *result);
/* χ² test of independence from an r×c table of counts (row-major). Rows and
 * columns that sum to 0 are dropped first. Yates' correction when df = 1
 * and yates is TRUE (scipy's default). effect is Cramér's V from the
 * uncorrected χ². Undefined when fewer than 2 rows or columns remain. */
void     cs_stats_chi2_table         (const double   *table,
                                      guint           n_rows,
                                      guint           n_cols,
                                      gboolean        yates,
                                      CsStatsResult  *result);
/* The same from two level-index columns (-1 = missing). */
void     cs_stats_chi2               (const gint32   *a,
                                      const gint32   *b,
                                      gsize           n,
                                      CsStatsResult  *result);
/* Mann–Whitney of the two groups (a numeric column split by group[]);
 * "first" is the lower level index. If more than two groups are present,
 * the result is Kruskal–Wallis. */
void     cs_stats_two_groups         (const double   *values,
                                      const gint32   *group,
                                      gsize           n,
                                      CsStatsResult  *result);

/* Benjamini–Hochberg adjusted p-values like R p.adjust(p, "BH"); NAN
 * entries stay NAN and do not count towards the number of tests. q may be p. */
void     cs_stats_p_adjust_bh        (const double   *p,
                                      gsize           n,
                                      double         *q);

/* Average ranks (1-based) of the non-NAN values of x; NAN stays NAN.
 * Returns the tie term Σ(t³ − t) over groups of ties. */
double   cs_stats_rank               (const double   *x,
                                      gsize           n,
                                      double         *ranks);

/* ---- Survival ---------------------------------------------------------- */

/* One row of a Kaplan–Meier table, at a distinct time (event or censoring),
 * as in R summary(survfit(…), censored = TRUE). */
typedef struct
{
  double  time;
  guint   n_risk;
  guint   n_event;
  guint   n_censor;
  double  survival;
  double  std_err;            /* survfit's std.err: s.e. of the cumulative hazard (Greenwood) */
  double  lower;              /* 95% CI, conf.type = "log" */
  double  upper;
} CsKmPoint;

typedef struct
{
  guint       n;              /* subjects with a time */
  guint       n_events;
  guint       n_points;
  CsKmPoint  *points;
  double      median;         /* as print.survfit: NAN when never ≤ 0.5 */
  double      median_lower;   /* 95% CI of the median, NAN when not reached */
  double      median_upper;
} CsKmCurve;

/* Kaplan–Meier with Greenwood variance and log-transformed 95% CI, like R
 * survival::survfit (defaults). Rows with a NAN time or with group[i] != g
 * (when group is not NULL) are skipped. event[i] != 0 is an event. */
CsKmCurve *cs_stats_kaplan_meier     (const double   *time,
                                      const guint8   *event,
                                      const gint32   *group,
                                      gint32          g,
                                      gsize           n);
void       cs_km_curve_free          (CsKmCurve      *curve);

typedef struct
{
  guint    n_groups;          /* groups with at least one subject */
  guint    n;                 /* subjects used */
  double   chi2;
  double   df;
  double   p_value;
  double  *observed;          /* per level index 0..max_level (n_levels entries) */
  double  *expected;
  guint    n_levels;
} CsLogrank;

/* Log-rank test over the groups in group[] (≥ 0; -1 skips) like R
 * survival::survdiff (rho = 0). chi2/df/p are NAN with fewer than 2
 * groups with expected events > 0. */
CsLogrank *cs_stats_logrank          (const double   *time,
                                      const guint8   *event,
                                      const gint32   *group,
                                      gsize           n);
void       cs_logrank_free           (CsLogrank      *logrank);

/* Harrell's C like R survival::concordance(Surv(time, event) ~ x): a pair
 * is concordant when the subject with the larger x survives longer; ties in x
 * count 1/2; tied event times are not comparable; a censoring at an event's
 * time counts as later. std_err from the infinitesimal jackknife (may be
 * NULL). O(n log n). Returns NAN when no pair is comparable. */
double     cs_stats_concordance      (const double   *time,
                                      const guint8   *event,
                                      const double   *x,
                                      gsize           n,
                                      double         *std_err);

/* Harrell's C within strata, as R survival::concordancefit with a strata
 * argument: only pairs in the same stratum are compared, C = Σ concordant /
 * Σ comparable over the strata, and the standard error is the
 * infinitesimal jackknife over all subjects. strata (may be NULL: one
 * stratum) holds n stratum indices; a negative index leaves the row out. */
double     cs_stats_concordance_strata (const double   *time,
                                        const guint8   *event,
                                        const double   *x,
                                        const gint32   *strata,
                                        gsize           n,
                                        double         *std_err);

/* ---- Cox proportional hazards ------------------------------------------ */

/* The data of a Cox model: n rows of (time, event, p covariates, stratum).
 * A row with a NAN time, a non-finite covariate or a negative stratum is
 * left out (complete cases). The covariates are the columns of the model
 * matrix: a categorical variable arrives as its treatment-coded 0/1 columns. */
typedef struct
{
  gsize                n;
  const double        *time;      /* n */
  const guint8        *event;     /* n; != 0 is an event */
  guint                p;
  const double *const *x;         /* p columns of n values */
  const gint32        *strata;    /* NULL (one stratum) or n stratum indices */
} CsCoxData;

/* The iteration settings of R survival::coxph.control() (defaults). */
typedef struct
{
  guint    max_iter;              /* 20 */
  double   eps;                   /* 1e-9: relative change of the log-likelihood */
  double   toler_chol;            /* .Machine$double.eps^0.75: singularity of the information */
  double   toler_inf;             /* sqrt(eps): the test for an infinite coefficient */
  gboolean breslow;               /* ties: FALSE = Efron (R's default) */
} CsCoxOptions;

void       cs_cox_options_init    (CsCoxOptions   *options);

typedef enum
{
  CS_COX_COEF_ESTIMATED,
  /* Monotone likelihood (e.g. a covariate separates events from
   * non-events): the log-likelihood keeps rising as the coefficient goes
   * to ±∞. R prints the number where its iterations stopped and warns
   * "coefficient may be infinite"; here it is infinite. */
  CS_COX_COEF_INFINITE,
  /* The column is constant or a linear combination of the others among
   * the rows used (R: NA). */
  CS_COX_COEF_ALIASED,
} CsCoxCoefState;

/* A fitted model, as R summary(coxph(…)) reports it. Per-coefficient
 * arrays have p entries; a value that is not ESTIMATED is NAN (an infinite
 * coefficient: coef, se, z, p_value, hr and its CI are all NAN and
 * direction says which way it goes). */
typedef struct
{
  guint            n;              /* rows used */
  guint            n_events;
  guint            n_strata;       /* strata with a row */
  guint            p;
  gboolean         breslow;        /* the ties approximation: FALSE = Efron */
  gboolean         converged;      /* FALSE: ran out of iterations */
  guint            iterations;
  double           loglik_null;    /* log partial likelihood at β = 0 */
  double           loglik;         /* at the estimate */
  double           lr_chi2;        /* likelihood-ratio test: 2 (loglik − loglik_null) */
  double           lr_df;          /* coefficients not aliased */
  double           lr_p_value;
  double           concordance;    /* summary(fit)$concordance: C of the linear predictor */
  double           concordance_se;
  CsCoxCoefState  *state;
  int             *direction;      /* INFINITE: +1 (β → +∞, HR → ∞) or −1 (HR → 0); else 0 */
  double          *coef;           /* β (log hazard ratio) */
  double          *se;             /* √var */
  double          *z;              /* Wald z = β / se */
  double          *p_value;        /* two-sided Wald p */
  double          *hr;             /* exp(β) */
  double          *hr_lower;       /* exp(β ∓ 1.959964 se) */
  double          *hr_upper;
  double          *means;          /* the centring of the linear predictor: column means over the rows
                                    * used, 0 for a column of −1/0/1 values (R's fit$means) */
  double          *beta;           /* p: the coefficients where the iterations stopped (an infinite
                                    * one's last value, 0 for an aliased one): what the linear
                                    * predictor of the concordance and the PH test uses */
  double          *var;            /* p × p covariance, row-major (0 rows/columns for aliased) */
} CsCoxFit;

/* Cox proportional hazards by Newton–Raphson with step halving, Efron's
 * approximation for tied event times and strata, reproducing R
 * survival::coxph (coxph.fit/coxfit6: centring and scaling, convergence at
 * a relative log-likelihood change ≤ eps, Cholesky with toler_chol) and
 * summary.coxph. options may be NULL (R's defaults). Never NULL; with no
 * event every result is undefined. Thread-safe. */
CsCoxFit  *cs_stats_cox_fit       (const CsCoxData    *data,
                                   const CsCoxOptions *options);
void       cs_cox_fit_free        (CsCoxFit           *fit);
/* Σ β_j (x_j − mean_j) for each of the n rows of data (NAN where a
 * covariate is missing): R's predict(fit, type = "lp"). lp has n entries. */
void       cs_cox_fit_linear_predictor (const CsCoxFit  *fit,
                                        const CsCoxData *data,
                                        double          *lp);

/* The proportional-hazards test of R survival::cox.zph(fit) (transform
 * "km", terms = TRUE, global = TRUE): the score test of adding
 * x·g(t) for each term, g the left-continuous Kaplan–Meier transform of
 * time centred over the events. A term is a set of columns (a categorical
 * variable's dummies): term_of_column[j] < n_terms names the term of
 * column j (NULL: one term per column). Aliased columns are left out,
 * as R does. Values are NAN when the fit has no estimate or an infinite
 * coefficient (the test would be evaluated where the iterations stopped). */
typedef struct
{
  guint    n_terms;
  double  *chi2;                  /* per term */
  double  *df;
  double  *p_value;
  double   global_chi2;
  double   global_df;
  double   global_p_value;
} CsCoxZph;

CsCoxZph  *cs_stats_cox_zph       (const CsCoxData    *data,
                                   const CsCoxFit     *fit,
                                   const guint        *term_of_column,
                                   guint               n_terms);
void       cs_cox_zph_free        (CsCoxZph           *zph);

/* ---- Correlation matrix ------------------------------------------------ */

typedef struct
{
  guint    n_rows;            /* features */
  guint    n_cols;            /* clinical variables */
  double  *r;                 /* n_rows × n_cols, row-major */
  double  *p;
  double  *q;                 /* Benjamini–Hochberg over all defined p */
  guint   *n;                 /* complete pairs per cell */
} CsCorrMatrix;

/* Correlates every feature column with every clinical column (each of
 * n_obs values, NAN = missing, pairwise deletion) by Pearson or Spearman.
 * Each column is sorted once; cells whose columns have no missing values
 * reuse the standardised ranks, the others re-rank the complete rows in one
 * linear pass. Runs on n_threads threads (0 = number of processors).
 * cancel (may be NULL) is polled; when it becomes non-zero the function
 * returns NULL. */
CsCorrMatrix *cs_stats_correlate_matrix (const double *const *features,
                                         guint                n_features,
                                         const double *const *clinical,
                                         guint                n_clinical,
                                         gsize                n_obs,
                                         CsStatsMethod        method,
                                         guint                n_threads,
                                         const gint          *cancel);
void          cs_corr_matrix_free       (CsCorrMatrix        *matrix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsKmCurve, cs_km_curve_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsLogrank, cs_logrank_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCorrMatrix, cs_corr_matrix_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCoxFit, cs_cox_fit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCoxZph, cs_cox_zph_free)

G_END_DECLS
