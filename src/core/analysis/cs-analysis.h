/* cs-analysis.h: store columns → the arrays the statistics and charts take
 *
 * The one place that decides, for `cohortscope-cli stats`, `survival`,
 * `chart` and the GUI's Explore view alike:
 *
 * - which rows an analysis uses (a cohort bitset, or every patient);
 * - how a variable splits the rows into groups (categorical levels in level
 *   order, false < true, the distinct values of a numeric variable in
 *   ascending order; only groups that occur; labels as `table` prints the
 *   value, or the level's display text);
 * - the survival split rules `median`, `tertiles` and a typed cut (R type-7
 *   quantiles over the rows with a survival time; ties at a cut go to the
 *   lower group: `<= a`, `(a, b]`, `> b`);
 * - which rows count for a test (rows with both values present) and which
 *   test fits two variables;
 * - the design of a Cox model: complete cases, treatment coding of
 *   categorical and boolean covariates, their reference levels and names,
 *   strata (the model itself, its JSON and its scores: cs-cox-model.h).
 *
 * Callers turn the results into chart models or printed output. Nothing
 * here touches GTK; the functions only read the store, so they may run on
 * any thread while the store is not being changed (a lesion roll-up
 * rewrites the Radiomics columns).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cs-bitset.h"
#include "cs-stats.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_ANALYSIS_ERROR (cs_analysis_error_quark ())

typedef enum
{
  CS_ANALYSIS_ERROR_EVENT,          /* an event value other than 0 or 1 (strict) */
  CS_ANALYSIS_ERROR_NEGATIVE_TIME,  /* a negative survival time (strict) */
  CS_ANALYSIS_ERROR_SPLIT,          /* a split that is not median, tertiles or a number */
  CS_ANALYSIS_ERROR_NO_VALUES,      /* a median/tertile split without any value to cut */
  CS_ANALYSIS_ERROR_TYPES,          /* the test does not fit the variable types */
  CS_ANALYSIS_ERROR_GROUPS,         /* Mann–Whitney asked for with more than two groups */
  CS_ANALYSIS_ERROR_REFERENCE,      /* a Cox reference level that is not KEY=LEVEL of a covariate */
  CS_ANALYSIS_ERROR_LEVELS,         /* a categorical Cox covariate with one level among the patients */
  CS_ANALYSIS_ERROR_COVARIATE,      /* a Cox covariate of a type that cannot be one */
  CS_ANALYSIS_ERROR_REFERENCE_SYNTAX, /* a Cox reference that is not KEY=LEVEL, or names no covariate (data aside) */
} CsAnalysisError;

GQuark cs_analysis_error_quark (void);

typedef enum
{
  CS_ANALYSIS_DEFAULT        = 0,
  /* Survival: an event other than 0/1 or a negative time is an error
   * (the CLI); without it such a row is left out (the GUI). */
  CS_ANALYSIS_STRICT         = 1 << 0,
  /* Categorical groups are labelled by the level's display text (when it
   * has one) instead of its code. */
  CS_ANALYSIS_DISPLAY_LABELS = 1 << 1,
  /* Split groups are labelled "≤ a" instead of "<= a". */
  CS_ANALYSIS_UNICODE_LABELS = 1 << 2,
} CsAnalysisFlags;

/* ------------------------------------------------------------------ rows */

/* The rows set in selection (ascending), or every row 0 … n_patients − 1
 * when selection is NULL or has another size (a bitset of an earlier store).
 * A GArray of guint. */
GArray  *cs_analysis_rows            (guint             n_patients,
                                      const CsBitset   *selection);
/* The value of var (cs_variable_value_at) at each of rows: NAN when missing
 * or categorical. g_free() it. */
double  *cs_analysis_column          (const CsVariable *var,
                                      GArray           *rows);
/* TRUE when var can be a clinical column of a correlation: numeric,
 * boolean, date, or categorical with an order (cs_variable_get_ordinal_ranks:
 * T/N/M categories, stage groups). */
gboolean cs_analysis_is_correlatable (const CsVariable *var);
/* As cs_analysis_column, but an ordinal categorical variable gives its
 * level ranks (T1 < T2 …; unknown categories such as TX are NAN). */
double  *cs_analysis_rank_column     (const CsVariable *var,
                                      GArray           *rows);

/* ---------------------------------------------------------------- groups */

typedef struct
{
  guint   n;          /* rows */
  gint32 *group;      /* per row: group index, -1 = in no group (missing) */
  guint   n_groups;
  char  **labels;     /* n_groups labels, NULL-terminated */
} CsGroups;

/* Groups of var over rows: categorical levels (in level order), false <
 * true, or the distinct values of any other type (ascending); only groups
 * that occur among the rows; missing values are in no group. Labels are the
 * value as `table` prints it (cs_variable_format_cell), or with
 * CS_ANALYSIS_DISPLAY_LABELS the display text of a level. */
CsGroups *cs_groups_new_from_variable (const CsVariable *var,
                                       GArray           *rows,
                                       CsAnalysisFlags   flags);
/* Every row in one group labelled label. */
CsGroups *cs_groups_new_single        (guint             n,
                                       const char       *label);
/* Groups of values[] cut at cuts[0] (and cuts[1]): x ≤ c0 → 0, c0 < x ≤ c1
 * → 1, x > c1 → 2 (one cut: two groups); NAN in no group. Every group is
 * kept, even an empty one, labelled "<= c0", "(c0, c1]", "> c1" (bounds
 * printed shortest round-trip; "≤" with CS_ANALYSIS_UNICODE_LABELS). */
CsGroups *cs_groups_new_from_cuts     (const double     *values,
                                       guint             n,
                                       const double     *cuts,
                                       guint             n_cuts,
                                       CsAnalysisFlags   flags);
/* Takes the rows whose value is NAN out of their group, then drops the
 * groups left empty (the remaining groups keep their order). */
void      cs_groups_restrict          (CsGroups         *groups,
                                       const double     *values);
/* counts[g] (n_groups doubles, zeroed first) = rows in group g, only the
 * rows with mask[i] != 0 when mask is given. */
void      cs_groups_count             (const CsGroups   *groups,
                                       const guint8     *mask,
                                       double           *counts);
/* The non-NAN values[] of each group: per_group[g] has counts[g] values in
 * row order. Both arrays (n_groups entries) and the per-group arrays are
 * g_malloc'ed; free them with cs_groups_free_values(). */
void      cs_groups_collect           (const CsGroups   *groups,
                                       const double     *values,
                                       double         ***per_group,
                                       guint           **counts);
void      cs_groups_free_values       (double          **per_group,
                                       guint             n_groups);
void      cs_groups_free              (CsGroups         *groups);
/* Puts name before every label, for a legend that names its variable:
 * "≤ 6.39" → "JointEntropy ≤ 6.39". */
void      cs_groups_name_labels       (CsGroups         *groups,
                                       const char       *name);

/* ---------------------------------------------------------------- splits */

typedef enum
{
  CS_SPLIT_MEDIAN,
  CS_SPLIT_TERTILES,
  CS_SPLIT_CUT,
} CsSplitRule;

typedef struct
{
  CsSplitRule rule;
  double      cut;    /* CS_SPLIT_CUT: the cut point */
} CsSplit;

/* "median", "tertiles" or a finite number (C locale, nothing after it). */
gboolean  cs_split_parse              (const char       *text,
                                       CsSplit          *split,
                                       GError          **error);
/* R type-7 quantile of n ascending values (n ≥ 1). */
double    cs_analysis_quantile_sorted (const double     *sorted,
                                       gsize             n,
                                       double            prob);
/* The cut points of split over the values[i] that are not NAN and, when
 * use is given, whose use[i] is not NAN (the survival times): median → one
 * cut, tertiles → the 1/3 and 2/3 quantiles, CS_SPLIT_CUT → split->cut.
 * Returns the number of cuts, 0 for a quantile rule without any value. */
guint     cs_split_cuts               (const CsSplit    *split,
                                       const double     *values,
                                       const double     *use,
                                       guint             n,
                                       double            cuts[2]);

/* -------------------------------------------------------------- survival */

typedef struct
{
  guint     n;        /* rows */
  double   *time;     /* per row; NAN leaves the row out (time, event or group missing) */
  guint8   *event;    /* per row: 1 event, 0 censored */
  CsGroups *groups;   /* one group ("all") without a grouping variable */
  double   *x;        /* per row: the grouping variable's value when it is not
                       * categorical (Harrell's C of it), else NULL */
  guint     n_cuts;   /* a split: its cut points */
  double    cuts[2];
  guint     bad_row;  /* after CS_ANALYSIS_ERROR_EVENT or _NEGATIVE_TIME: the store row */
  double    bad_value;
} CsSurvivalInput;

/* The Kaplan–Meier / log-rank input over rows. time_var is numeric or a
 * time-to-event variable; event_var (boolean or numeric 0/1) may be NULL
 * for a time-to-event time_var (its own event flags). Without group_var
 * every row is in one group labelled all_label. With group_var and no
 * split, the groups are cs_groups_new_from_variable(); with split (text as
 * cs_split_parse()) group_var, numeric or a date, is cut at the split's
 * points, computed over the rows with a survival time. A row missing the
 * grouping value is left out. Errors: CS_ANALYSIS_ERROR_EVENT and
 * _NEGATIVE_TIME (only with CS_ANALYSIS_STRICT; bad_row in *input_out is
 * set), _SPLIT, _NO_VALUES. *input_out is set even on error (free it). */
gboolean  cs_survival_input_build     (CsStore          *store,
                                       GArray           *rows,
                                       const CsVariable *time_var,
                                       const CsVariable *event_var,
                                       const CsVariable *group_var,
                                       const char       *split,
                                       const char       *all_label,
                                       CsAnalysisFlags   flags,
                                       CsSurvivalInput **input_out,
                                       GError          **error);
void      cs_survival_input_free      (CsSurvivalInput  *input);

/* ------------------------------------------------------------ pair tests */

/* num/grp: the numeric-like and the grouping variable of a pair in either
 * order (both NULL when the pair is not numeric × categorical/boolean). */
void          cs_analysis_pair_roles     (const CsVariable  *x,
                                          const CsVariable  *y,
                                          const CsVariable **num,
                                          const CsVariable **grp);
/* The test for two variables when none is chosen: Spearman for two
 * numeric-like ones, Mann–Whitney (Kruskal–Wallis with more than two
 * groups, see cs_analysis_run_test()) for numeric × grouping, else χ². */
CsStatsMethod cs_analysis_default_method (const CsVariable  *x,
                                          const CsVariable  *y);

typedef struct
{
  CsStatsResult     result;
  const CsVariable *num;        /* Mann–Whitney, Kruskal–Wallis: the numeric variable */
  const CsVariable *grp;        /*   and the grouping one */
  double           *values;     /*   num per row */
  CsGroups         *groups;     /*   grp's groups over the rows with both values */
  CsGroups         *x_groups;   /* χ²: the groups of x and y */
  CsGroups         *y_groups;
} CsAnalysisTest;

/* Runs method over rows: Pearson or Spearman on two numeric, date or
 * boolean variables (pairwise complete rows); Mann–Whitney or
 * Kruskal–Wallis on a numeric-like × categorical/boolean pair (rows with
 * both values; Mann–Whitney becomes Kruskal–Wallis with more than two
 * groups unless method_given, which is CS_ANALYSIS_ERROR_GROUPS); χ² on two
 * categorical/boolean variables. CS_ANALYSIS_ERROR_TYPES when the method
 * does not fit. test is filled as far as it got; clear it with
 * cs_analysis_test_clear(). */
gboolean  cs_analysis_run_test        (GArray           *rows,
                                       const CsVariable *x,
                                       const CsVariable *y,
                                       CsStatsMethod     method,
                                       gboolean          method_given,
                                       CsAnalysisFlags   flags,
                                       CsAnalysisTest   *test,
                                       GError          **error);
void      cs_analysis_test_clear      (CsAnalysisTest   *test);

/* ------------------------------------------------------------------ cox */

/* One column of a Cox model's design: a numeric covariate, or one
 * non-reference level of a treatment-coded categorical or boolean one. */
typedef struct
{
  char  *name;        /* "age_at_diagnosis", "stage_group=3B", "smoker=true": the level as `table` prints it */
  char  *label;       /* the same, or with CS_ANALYSIS_DISPLAY_LABELS the level's display text */
  guint  covariate;   /* index into CsCoxInput.covariates */
  int    level;       /* categorical: level index; boolean: 1 (true) or 0; numeric or date: −1 */
  guint  n;           /* patients in the model with this level (numeric: all of them) */
} CsCoxTerm;

typedef struct
{
  const CsVariable *var;
  int               reference;        /* categorical/boolean: the reference level (boolean: 0 or 1); else −1 */
  char             *reference_name;   /* its value as `table` prints it; NULL for a numeric covariate */
  char             *reference_label;  /* the same, or its display text with CS_ANALYSIS_DISPLAY_LABELS */
  guint             reference_n;      /* patients in the model at the reference */
  guint             first_term;       /* its terms: terms[first_term … first_term + n_terms − 1] */
  guint             n_terms;
} CsCoxCovariate;

typedef struct
{
  guint             n_selected;       /* rows asked for */
  guint             n;                /* rows in the model: time, event, every covariate and stratum present */
  GArray           *rows;             /* the n store rows (guint) */
  double           *time;             /* n */
  guint8           *event;            /* n */
  gint32           *strata;           /* n stratum indices, or NULL without strata */
  guint             n_strata;         /* strata among the n rows (numbered in order of appearance) */
  guint             n_covariates;
  CsCoxCovariate   *covariates;
  guint             p;                /* terms: the columns of x */
  CsCoxTerm        *terms;
  double          **x;                /* p columns of n values */
  guint            *term_of_column;   /* p: the covariate of each column (a cox.zph term) */
  CsCoxData         data;             /* the above as cs_stats_cox_fit() takes it */
  guint             bad_row;          /* after CS_ANALYSIS_ERROR_EVENT or _NEGATIVE_TIME: the store row */
  double            bad_value;
} CsCoxInput;

/* The Cox model input over rows. time_var and event_var as
 * cs_survival_input_build() (a time-to-event time_var brings its own event
 * flags; CS_ANALYSIS_STRICT makes an event other than 0/1 or a negative
 * time an error). Covariates: numeric and date variables enter as they
 * are; categorical and boolean ones are treatment-coded, one 0/1 column
 * per level that occurs among the rows in the model, except the reference:
 * the level named in references ("KEY=LEVEL", KEY a key or code of the
 * covariate, LEVEL a code or display text, true/false for a boolean;
 * NULL-terminated, may be NULL), else for a categorical variable the most
 * frequent level among those rows (ties: the first in level order), for a
 * boolean false. strata (n_strata variables, categorical, boolean or the
 * distinct values of a numeric one) are crossed into one stratum per
 * combination. A row missing the time, the event, a covariate or a stratum
 * is left out (n_selected − n). Errors: CS_ANALYSIS_ERROR_EVENT and
 * _NEGATIVE_TIME (strict; bad_row is set), _COVARIATE (a time-to-event
 * covariate, or one given twice), _REFERENCE (not KEY=LEVEL of a
 * categorical or boolean covariate, or a level no row in the model has),
 * _LEVELS (a categorical covariate with fewer than two levels among the
 * rows in the model). *input_out is set even on error (free it). */
gboolean  cs_cox_input_build          (CsStore                 *store,
                                       GArray                  *rows,
                                       const CsVariable        *time_var,
                                       const CsVariable        *event_var,
                                       const CsVariable *const *covariates,
                                       guint                    n_covariates,
                                       const char *const       *references,
                                       const CsVariable *const *strata,
                                       guint                    n_strata,
                                       CsAnalysisFlags          flags,
                                       CsCoxInput             **input_out,
                                       GError                 **error);
void      cs_cox_input_free           (CsCoxInput              *input);
/* The median survival (Kaplan–Meier) and median follow-up (reverse
 * Kaplan–Meier) of the model's rows, their times multiplied by factor (the
 * time scale the user chose: cs_time_scale_factor()); NAN when not reached.
 * The fit itself does not depend on the scale. */
void      cs_cox_input_medians        (const CsCoxInput        *input,
                                       double                   factor,
                                       double                  *median_survival,
                                       double                  *median_follow_up);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsGroups, cs_groups_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCoxInput, cs_cox_input_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSurvivalInput, cs_survival_input_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsAnalysisTest, cs_analysis_test_clear)

G_END_DECLS
