/* test-cox-model.c: the design of a Cox model (cs_cox_input_build) on
 * hand-made columns, and saved models (cs-cox-model.h) on a demo cohort:
 * JSON round trip and malformed files, scores, validation, levels a model
 * does not know, and the score as a variable of the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "analysis-test-util.h"
#include "cs-analysis.h"
#include "cs-cox-model.h"
#include "cs-demo.h"
#include "cs-filter.h"
#include "cs-saved-cohort.h"

/* ------------------------------------------------------------ fixtures */

#define N 10

/* Ten patients: a survival time with its event (row 9 has none), x (row
 * 3 missing), a categorical g (levels a b c d; d unused, row 5 missing),
 * a boolean flag, a stratum s (row 5 missing) and a one-level u. */
typedef struct
{
  CsVariable *time;
  CsVariable *x;
  CsVariable *g;
  CsVariable *flag;
  CsVariable *s;
  CsVariable *u;
  GArray     *rows;
} Design;

static void
design_init (Design *d)
{
  static const double time[N] = { 5, 8, 3, 9, 12, 4, 7, 11, 6, NAN };
  static const guint8 event[N] = { 1, 0, 1, 1, 0, 1, 1, 0, 1, 1 };
  static const double x[N] = { 1.2, -0.4, 0.3, NAN, 0.8, -1.1, 2.0, 0.1, -0.6, 0.5 };
  static const char *g_levels[] = { "a=Alpha", "b=Beta", "c", "d", NULL };
  static const gint32 g[N] = { 0, 1, 0, 2, 0, -1, 2, 0, 1, 1 };
  static const double flag[N] = { 1, 0, 0, 1, 1, 0, 0, 1, 0, 1 };
  static const char *s_levels[] = { "u", "v", NULL };
  static const gint32 s[N] = { 0, 1, 0, 1, 1, -1, 0, 1, 0, 0 };
  static const gint32 one[N] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const char *u_levels[] = { "only", NULL };

  d->time = test_numeric_var ("os", time, N);
  d->time->type = CS_VARIABLE_SURVIVAL;
  d->time->event = g_memdup2 (event, N);
  d->x = test_numeric_var ("x", x, N);
  d->g = test_categorical_var ("g", g_levels, g, N);
  d->flag = test_numeric_var ("flag", flag, N);
  d->flag->type = CS_VARIABLE_BOOLEAN;
  d->s = test_categorical_var ("s", s_levels, s, N);
  d->u = test_categorical_var ("u", u_levels, one, N);
  d->rows = cs_analysis_rows (N, NULL);
}

static void
design_clear (Design *d)
{
  g_clear_pointer (&d->time, cs_variable_free);
  g_clear_pointer (&d->x, cs_variable_free);
  g_clear_pointer (&d->g, cs_variable_free);
  g_clear_pointer (&d->flag, cs_variable_free);
  g_clear_pointer (&d->s, cs_variable_free);
  g_clear_pointer (&d->u, cs_variable_free);
  g_clear_pointer (&d->rows, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Design, design_clear)

/* ----------------------------------------------------------- the design */

/* Treatment coding: one column per non-reference level that occurs, named
 * KEY=LEVEL; the reference is the most frequent level; complete cases. */
static void
test_input_coding (void)
{
  g_auto(Design) d = { 0 };
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(GError) error = NULL;
  const CsVariable *covs[3];

  design_init (&d);
  covs[0] = d.x;
  covs[1] = d.g;
  covs[2] = d.flag;
  g_assert_true (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 3, NULL, NULL, 0,
                                     CS_ANALYSIS_STRICT, &in, &error));
  g_assert_no_error (error);

  /* rows 3 (x), 5 (g) and 9 (time) are left out */
  g_assert_cmpuint (in->n_selected, ==, N);
  g_assert_cmpuint (in->n, ==, 7);
  g_assert_cmpuint (g_array_index (in->rows, guint, 3), ==, 4);
  g_assert_cmpuint (g_array_index (in->rows, guint, 6), ==, 8);
  g_assert_cmpuint (in->p, ==, 4);
  g_assert_cmpstr (in->terms[0].name, ==, "x");
  g_assert_cmpint (in->terms[0].level, ==, -1);
  g_assert_cmpuint (in->terms[0].n, ==, 7);
  /* a is the most frequent: b and c get columns, d (absent) none */
  g_assert_cmpstr (in->covariates[1].reference_name, ==, "a");
  g_assert_cmpuint (in->covariates[1].reference_n, ==, 4);
  g_assert_cmpstr (in->terms[1].name, ==, "g=b");
  g_assert_cmpuint (in->terms[1].n, ==, 2);
  g_assert_cmpstr (in->terms[2].name, ==, "g=c");
  g_assert_cmpuint (in->terms[2].n, ==, 1);
  g_assert_cmpuint (in->covariates[1].first_term, ==, 1);
  g_assert_cmpuint (in->covariates[1].n_terms, ==, 2);
  /* boolean: false is the reference */
  g_assert_cmpstr (in->covariates[2].reference_name, ==, "false");
  g_assert_cmpstr (in->terms[3].name, ==, "flag=true");
  g_assert_cmpuint (in->term_of_column[3], ==, 2);
  g_assert_cmpuint (in->term_of_column[2], ==, 1);
  g_assert_cmpuint (in->terms[3].n, ==, 3);

  {
    /* the used rows are 0 1 2 4 6 7 8 */
    const double g_b[] = { 0, 1, 0, 0, 0, 0, 1 };
    const double g_c[] = { 0, 0, 0, 0, 1, 0, 0 };
    const double fl[] = { 1, 0, 0, 1, 0, 1, 0 };
    const double xs[] = { 1.2, -0.4, 0.3, 0.8, 2.0, 0.1, -0.6 };

    for (guint i = 0; i < in->n; i++)
      {
        g_assert_cmpfloat (in->x[0][i], ==, xs[i]);
        g_assert_cmpfloat (in->x[1][i], ==, g_b[i]);
        g_assert_cmpfloat (in->x[2][i], ==, g_c[i]);
        g_assert_cmpfloat (in->x[3][i], ==, fl[i]);
      }
  }
  g_assert_true (in->data.x == (const double *const *) in->x);
  g_assert_null (in->strata);
}

static void
test_input_reference (void)
{
  g_auto(Design) d = { 0 };
  g_autoptr(GError) error = NULL;
  const CsVariable *covs[2];
  const char *by_display[] = { "g=BETA", "flag=true", NULL };

  design_init (&d);
  covs[0] = d.g;
  covs[1] = d.flag;

  /* a level given by its display text (any case); a boolean flipped */
  {
    g_autoptr(CsCoxInput) in = NULL;

    g_assert_true (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 2, by_display, NULL, 0,
                                       CS_ANALYSIS_DISPLAY_LABELS, &in, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (in->covariates[0].reference_name, ==, "b");
    g_assert_cmpstr (in->covariates[0].reference_label, ==, "Beta");
    g_assert_cmpstr (in->terms[0].name, ==, "g=a");
    g_assert_cmpstr (in->terms[0].label, ==, "Alpha");
    g_assert_cmpstr (in->terms[1].name, ==, "g=c");
    g_assert_cmpstr (in->terms[2].name, ==, "flag=false");
  }

  /* ties: the first level in level order */
  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
    const guint pick[] = { 1, 2, 5, 6, 0, 8 };   /* a: 0 2; b: 1 8 (5 missing); c: 6 */

    g_array_append_vals (rows, pick, G_N_ELEMENTS (pick));
    g_assert_true (cs_cox_input_build (NULL, rows, d.time, NULL, covs, 1, NULL, NULL, 0, 0, &in, &error));
    g_assert_cmpstr (in->covariates[0].reference_name, ==, "a");
  }

  {
    /* syntax and covariate names are wrong whatever the data (_SYNTAX);
     * levels are about the data (_REFERENCE) */
    static const struct { const char *ref; int code; const char *message; } bad[] = {
      { "g", CS_ANALYSIS_ERROR_REFERENCE_SYNTAX, "reference “g”: expected KEY=LEVEL" },
      { "=a", CS_ANALYSIS_ERROR_REFERENCE_SYNTAX, "reference “=a”: expected KEY=LEVEL" },
      { "g=", CS_ANALYSIS_ERROR_REFERENCE_SYNTAX, "reference “g=”: expected KEY=LEVEL" },
      { "x=1", CS_ANALYSIS_ERROR_REFERENCE_SYNTAX, "reference “x=1”: “x” is not a covariate of the model" },
      { "g=e", CS_ANALYSIS_ERROR_REFERENCE, "reference “g=e”: “e” is not a level of “g” (its levels: a, b, c, d)" },
      { "flag=yes", CS_ANALYSIS_ERROR_REFERENCE,
        "reference “flag=yes”: “yes” is not a level of “flag” (its levels: false, true)" },
      { "g=d", CS_ANALYSIS_ERROR_REFERENCE, "reference g=d: no patient in the model has this value" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(CsCoxInput) in = NULL;
        g_autoptr(GError) err = NULL;
        const char *refs[] = { bad[i].ref, NULL };

        g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 2, refs, NULL, 0, 0, &in, &err));
        g_assert_error (err, CS_ANALYSIS_ERROR, bad[i].code);
        g_assert_cmpstr (err->message, ==, bad[i].message);
      }
  }

  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GError) err = NULL;
    const CsVariable *num[] = { d.x };
    const char *refs[] = { "x=1", NULL };

    g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, NULL, num, 1, refs, NULL, 0, 0, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE);
    g_assert_cmpstr (err->message, ==, "reference “x=1”: “x” is numeric; only categorical and boolean "
                                       "covariates have a reference level");
  }
}

static void
test_input_errors (void)
{
  g_auto(Design) d = { 0 };
  const CsVariable *covs[2];

  design_init (&d);

  /* one level among the patients: it cannot explain anything */
  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GError) err = NULL;

    /* after a term was made for x (its name must not leak: LeakSanitizer) */
    covs[0] = d.x;
    covs[1] = d.u;
    g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 2, NULL, NULL, 0, 0, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_LEVELS);
    g_assert_nonnull (strstr (err->message, "“u” has a single value"));
  }
  /* a time-to-event covariate, a covariate twice */
  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GError) err = NULL;

    covs[0] = d.time;
    g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 1, NULL, NULL, 0, 0, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_COVARIATE);
  }
  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GError) err = NULL;

    covs[0] = d.x;
    covs[1] = d.x;
    g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 2, NULL, NULL, 0, 0, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_COVARIATE);
  }
  /* strict: an event that is not 0/1 names the row */
  {
    g_autoptr(CsCoxInput) in = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(CsVariable) ev = NULL;
    const double bad[N] = { 1, 0, 2, 1, 0, 1, 1, 0, 1, 1 };

    ev = test_numeric_var ("ev", bad, N);
    covs[0] = d.x;
    g_assert_false (cs_cox_input_build (NULL, d.rows, d.x, ev, covs + 1, 0, NULL, NULL, 0,
                                        CS_ANALYSIS_STRICT, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NEGATIVE_TIME);
    g_clear_error (&err);
    g_clear_pointer (&in, cs_cox_input_free);
    g_assert_false (cs_cox_input_build (NULL, d.rows, d.time, ev, covs, 1, NULL, NULL, 0,
                                        CS_ANALYSIS_STRICT, &in, &err));
    g_assert_error (err, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_EVENT);
    g_assert_cmpuint (in->bad_row, ==, 2);
    g_assert_cmpfloat (in->bad_value, ==, 2);
  }
}

/* Strata cross into one index per combination; a missing stratum drops the row. */
static void
test_input_strata (void)
{
  g_auto(Design) d = { 0 };
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(GError) error = NULL;
  const CsVariable *covs[] = { NULL };
  const CsVariable *strata[2];

  design_init (&d);
  covs[0] = d.x;
  strata[0] = d.s;
  strata[1] = d.flag;
  g_assert_true (cs_cox_input_build (NULL, d.rows, d.time, NULL, covs, 1, NULL, strata, 2, 0, &in, &error));
  g_assert_no_error (error);
  /* rows 3 (x), 5 (s) and 9 (time) out: 0 1 2 4 6 7 8 */
  g_assert_cmpuint (in->n, ==, 7);
  g_assert_nonnull (in->strata);
  /* (u,1) (v,0) (u,0) (v,1) (u,0) (v,1) (u,0) */
  {
    const gint32 expected[] = { 0, 1, 2, 3, 2, 3, 2 };

    for (guint i = 0; i < in->n; i++)
      g_assert_cmpint (in->strata[i], ==, expected[i]);
  }
  g_assert_cmpuint (in->n_strata, ==, 4);
}

/* --------------------------------------------------------------- models */

typedef struct
{
  char    *path;
  CsStore *store;
} Demo;

static Demo demo;

static CsStore *
demo_store (void)
{
  g_autoptr(GError) error = NULL;
  int fd;

  if (demo.store != NULL)
    return demo.store;
  fd = g_file_open_tmp ("cs-cox-model-XXXXXX.json", &demo.path, &error);
  g_assert_no_error (error);
  close (fd);
  cs_demo_write_file (demo.path, 240, 7, NULL, &error);
  g_assert_no_error (error);
  demo.store = cs_store_new ();
  cs_store_load_path (demo.store, demo.path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cs_store_finish (demo.store);
  return demo.store;
}

/* A model of os ~ age + stage_group + a feature, fitted on rows */
static CsCoxModel *
fit_model (GArray      *rows,
           CsCoxInput **input_out,
           CsCoxFit   **fit_out)
{
  CsStore *store = demo_store ();
  const CsVariable *covs[3];
  g_autoptr(GError) error = NULL;
  CsCoxModel *model;

  covs[0] = cs_store_lookup_variable (store, "age_at_diagnosis");
  covs[1] = cs_store_lookup_variable (store, "stage_group");
  covs[2] = cs_store_lookup_variable (store, "original_glcm_jointentropy");
  g_assert_true (cs_cox_input_build (store, rows, cs_store_lookup_variable (store, "os"), NULL, covs, 3, NULL,
                                     NULL, 0, CS_ANALYSIS_STRICT, input_out, &error));
  g_assert_no_error (error);
  *fit_out = cs_stats_cox_fit (&(*input_out)->data, NULL);
  model = cs_cox_model_new_from_fit (*input_out, *fit_out, cs_store_lookup_variable (store, "os"), NULL,
                                     NULL, 0, "sig", &error);
  g_assert_no_error (error);
  return model;
}

/* The JSON reads back as the same model; the score is the fit's linear
 * predictor; validation on the training rows gives the training C. */
static void
test_model_round_trip (void)
{
  CsStore *store = demo_store ();
  g_autoptr(GArray) rows = cs_analysis_rows (cs_store_get_n_patients (store), NULL);
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxModel) model = fit_model (rows, &in, &fit);
  g_autoptr(CsCoxModel) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autofree double *score = NULL;
  g_autofree double *lp = g_new (double, in->n);
  CsCoxValidation v;
  guint unknown = 99;

  model->cohort = g_strdup ("all patients");
  model->source = g_strdup ("demo.json");
  json = cs_cox_model_to_json (model);
  back = cs_cox_model_from_json (json, -1, "sig.json", &error);
  g_assert_no_error (error);
  again = cs_cox_model_to_json (back);
  g_assert_cmpstr (again, ==, json);
  g_assert_cmpuint (back->terms->len, ==, in->p);
  g_assert_cmpstr (((CsCoxModelCovariate *) g_ptr_array_index (back->covariates, 1))->reference, ==,
                   in->covariates[1].reference_name);
  g_assert_cmpuint (back->n, ==, fit->n);
  g_assert_cmpfloat (back->concordance, ==, fit->concordance);

  score = cs_cox_model_score (back, store, &unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown, ==, 0);
  cs_cox_fit_linear_predictor (fit, &in->data, lp);
  for (guint i = 0; i < in->n; i++)
    g_assert_cmpfloat_with_epsilon (score[g_array_index (in->rows, guint, i)], lp[i], 1e-9 * (1 + fabs (lp[i])));

  g_assert_true (cs_cox_model_validate (back, store, rows, CS_ANALYSIS_STRICT, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v.n, ==, fit->n);
  g_assert_cmpuint (v.n_events, ==, fit->n_events);
  g_assert_cmpfloat_with_epsilon (v.concordance, fit->concordance, 1e-12);
  g_assert_cmpfloat_with_epsilon (v.concordance_se, fit->concordance_se, 1e-12);

  /* saved and loaded as a file, alone and in a saved cohort */
  {
    g_autofree char *dir = g_dir_make_tmp ("cs-cox-model-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "sig.json", NULL);
    g_autofree char *cohort_path = g_build_filename (dir, "cohort.json", NULL);
    g_autoptr(CsCoxModel) loaded = NULL;
    g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Training", "age_at_diagnosis > 0");
    g_autoptr(GPtrArray) all = NULL;
    g_autofree char *other = NULL;

    g_assert_true (cs_cox_model_save (model, path, &error));
    loaded = cs_cox_model_load (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (loaded->terms->len, ==, model->terms->len);

    g_free (model->key);
    model->key = g_strdup ("sig2");
    g_free (model->cohort);
    model->cohort = NULL;
    other = cs_cox_model_to_json (model);
    g_assert_true (cs_saved_cohort_set_model (cohort, json));
    g_assert_true (cs_saved_cohort_set_model (cohort, other));
    g_assert_true (cs_saved_cohort_save (cohort, cohort_path, &error));
    all = cs_cox_model_load_all (cohort_path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 2);
    g_assert_cmpstr (((CsCoxModel *) g_ptr_array_index (all, 0))->cohort, ==, "all patients");
    /* a model without its training cohort gets the saved cohort's name */
    g_assert_cmpstr (((CsCoxModel *) g_ptr_array_index (all, 1))->cohort, ==, "Training");
    g_clear_pointer (&all, g_ptr_array_unref);
    all = cs_cox_model_load_all (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 1);

    g_unlink (path);
    g_unlink (cohort_path);
    g_rmdir (dir);
  }
}

/* Fitted without a level, the model cannot score the patients who have it. */
static void
test_model_unknown_level (void)
{
  CsStore *store = demo_store ();
  CsVariable *stage = cs_store_lookup_variable (store, "stage_group");
  g_autoptr(GArray) all = cs_analysis_rows (cs_store_get_n_patients (store), NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *score = NULL;
  guint left_out = 0, unknown = 0;
  int level = cs_variable_find_level (stage, "2");
  CsCoxValidation v;

  g_assert_cmpint (level, >=, 0);
  for (guint r = 0; r < cs_store_get_n_patients (store); r++)
    {
      if (stage->cat[r] == level)
        left_out++;
      else
        g_array_append_val (rows, r);
    }
  g_assert_cmpuint (left_out, >, 0);
  model = fit_model (rows, &in, &fit);
  score = cs_cox_model_score (model, store, &unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown, ==, left_out);
  for (guint r = 0; r < cs_store_get_n_patients (store); r++)
    if (stage->cat[r] == level)
      g_assert_true (isnan (score[r]));

  g_assert_true (cs_cox_model_validate (model, store, all, 0, &v, &error));
  g_assert_cmpuint (v.n_unknown, ==, left_out);
  g_assert_cmpuint (v.n_selected, ==, all->len);
  g_assert_cmpuint (v.n, <=, all->len - left_out);
  g_assert_true (v.concordance > 0.5 && v.concordance < 1);
}

/* The score is a variable: filters use it; a second one with the same key is refused. */
static void
test_model_add_score (void)
{
  CsStore *store = demo_store ();
  g_autoptr(GArray) rows = cs_analysis_rows (cs_store_get_n_patients (store), NULL);
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxModel) model = fit_model (rows, &in, &fit);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsBitset) high = NULL;
  CsVariable *var;

  var = cs_cox_model_add_score (model, store, &error);
  g_assert_no_error (error);
  g_assert_true (cs_variable_is_derived (var));
  g_assert_cmpstr (var->key, ==, "sig");
  g_assert_cmpuint (var->n, ==, in->n);
  filter = cs_filter_parse ("sig > 0", NULL, &error);
  g_assert_no_error (error);
  high = cs_filter_evaluate (filter, store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_bitset_count (high), >, 0);
  g_assert_cmpuint (cs_bitset_count (high), <, in->n);

  g_assert_null (cs_cox_model_add_score (model, store, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED);
  g_assert_true (cs_store_remove_derived_variable (store, "sig"));
}

/* An aliased term (coef null) counts 0; variables must exist with their type. */
static void
test_model_variables (void)
{
  CsStore *store = demo_store ();
  static const char *head =
    "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"k\", \"time\": \"os\", ";
  g_autoptr(GError) error = NULL;
  g_autofree char *aliased = g_strconcat (head,
    "\"covariates\": [{\"key\": \"age_at_diagnosis\", \"type\": \"numeric\"}, "
    "{\"key\": \"gender\", \"type\": \"categorical\", \"reference\": \"female\"}], "
    "\"terms\": [{\"term\": \"age_at_diagnosis\", \"covariate\": \"age_at_diagnosis\", \"coef\": 0.5, \"se\": 0.1, "
    "\"mean\": 60}, {\"term\": \"gender=male\", \"covariate\": \"gender\", \"level\": \"male\", \"coef\": null, "
    "\"se\": null, \"mean\": 0}]}", NULL);
  g_autoptr(CsCoxModel) model = cs_cox_model_from_json (aliased, -1, "m", &error);
  g_autofree double *score = NULL;
  CsVariable *age = cs_store_lookup_variable (store, "age_at_diagnosis");

  g_assert_no_error (error);
  score = cs_cox_model_score (model, store, NULL, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < cs_store_get_n_patients (store); r++)
    if (!isnan (age->num[r]) && cs_store_lookup_variable (store, "gender")->cat[r] >= 0)
      g_assert_cmpfloat_with_epsilon (score[r], 0.5 * (age->num[r] - 60), 1e-12);

  {
    static const struct { const char *covariates; const char *message; } bad[] = {
      { "[{\"key\": \"nothing\", \"type\": \"numeric\"}]", "model “k”: the data have no variable “nothing”" },
      { "[{\"key\": \"gender\", \"type\": \"numeric\"}]",
        "model “k”: “gender” is categorical in the data but numeric in the model" },
      { "[{\"key\": \"age_at_diagnosis\", \"type\": \"boolean\", \"reference\": \"false\"}]",
        "model “k”: “age_at_diagnosis” is numeric in the data but boolean in the model" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) err = NULL;
        const char *cov = strstr (bad[i].covariates, "\"key\": \"") + strlen ("\"key\": \"");
        g_autofree char *key = g_strndup (cov, strchr (cov, '"') - cov);
        g_autofree char *json = g_strdup_printf ("%s\"covariates\": %s, \"terms\": [{\"term\": \"t\", "
                                                 "\"covariate\": \"%s\", %s\"coef\": 1, \"se\": 1, \"mean\": 0}]}",
                                                 head, bad[i].covariates, key,
                                                 strstr (bad[i].covariates, "boolean") ? "\"level\": \"true\", " : "");
        g_autoptr(CsCoxModel) m = cs_cox_model_from_json (json, -1, "m", &err);
        g_autofree double *s = NULL;

        g_assert_no_error (err);
        s = cs_cox_model_score (m, store, NULL, &err);
        g_assert_null (s);
        g_assert_error (err, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_VARIABLE);
        g_assert_cmpstr (err->message, ==, bad[i].message);
      }
  }
}

/* A separated covariate gives no usable score */
static void
test_model_infinite (void)
{
  const double time[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const double z[] = { 1, 1, 1, 1, 0, 0, 0, 0 };
  const guint8 event[] = { 1, 1, 1, 1, 1, 0, 1, 1 };
  g_autoptr(CsVariable) t = test_numeric_var ("t", time, 8);
  g_autoptr(CsVariable) zv = test_numeric_var ("z", z, 8);
  g_autoptr(GArray) rows = cs_analysis_rows (8, NULL);
  g_autoptr(CsCoxInput) in = NULL;
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxModel) model = NULL;
  g_autoptr(GError) error = NULL;
  const CsVariable *covs[1];

  t->type = CS_VARIABLE_SURVIVAL;
  t->event = g_memdup2 (event, 8);
  covs[0] = zv;
  g_assert_true (cs_cox_input_build (NULL, rows, t, NULL, covs, 1, NULL, NULL, 0, 0, &in, &error));
  fit = cs_stats_cox_fit (&in->data, NULL);
  g_assert_cmpint (fit->state[0], ==, CS_COX_COEF_INFINITE);
  model = cs_cox_model_new_from_fit (in, fit, t, NULL, NULL, 0, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_INFINITE);
  g_assert_nonnull (strstr (error->message, "“z”"));
}

static void
test_model_malformed (void)
{
#define HEAD "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"k\", \"time\": \"os\", "
#define COV "\"covariates\": [{\"key\": \"a\", \"type\": \"numeric\"}], "
#define TERM "{\"term\": \"a\", \"covariate\": \"a\", \"coef\": 1, \"se\": 0.5, \"mean\": 0}"
  static const struct { const char *data; int code; const char *message; } cases[] = {
    { "", CS_COX_MODEL_ERROR_INVALID, "M: $: expected a JSON object but found nothing" },
    { "{\"format\": ", CS_COX_MODEL_ERROR_INVALID, "M:1:11: Parse error: unexpected end of file, expected character `}' (not valid JSON)" },
    { "{\"format\": \"\xff\"}", CS_COX_MODEL_ERROR_INVALID, "M: the file is not UTF-8 text" },
    { "[]", CS_COX_MODEL_ERROR_INVALID, "M: $: expected a JSON object but found an array" },
    { "{\"format\": \"cohortscope-model/2\"}", CS_COX_MODEL_ERROR_UNSUPPORTED,
      "M: $.format: “cohortscope-model/2” was written by a newer Cohortscope; this version reads cohortscope-model/1" },
    { "{\"format\": \"cohortscope-cohort/1\"}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.format: expected “cohortscope-model/1” but found “cohortscope-cohort/1”" },
    { "{\"format\": \"cohortscope-model/1\", \"kind\": \"logistic\"}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.kind: expected “cox” but found “logistic”" },
    { "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"2x\", \"time\": \"os\"}",
      CS_COX_MODEL_ERROR_INVALID,
      "M: $.key: “2x” cannot be a variable key (letters, digits, “_” and “.”, starting with a letter or “_”)" },
    { "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"k\"}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.time: missing (a string is required)" },
    { HEAD "\"ties\": \"exact\"}", CS_COX_MODEL_ERROR_INVALID, "M: $.ties: expected “efron” or “breslow” but found “exact”" },
    { HEAD "\"strata\": [1]}", CS_COX_MODEL_ERROR_INVALID, "M: $.strata[0]: expected a variable key (a string) but found a number" },
    { HEAD "\"terms\": []}", CS_COX_MODEL_ERROR_INVALID, "M: $.covariates: missing (an array is required)" },
    { HEAD "\"covariates\": [3]}", CS_COX_MODEL_ERROR_INVALID, "M: $.covariates[0]: expected an object but found a number" },
    { HEAD "\"covariates\": [{\"key\": \"a\", \"type\": \"text\"}]}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.covariates[0].type: “text” is not numeric, date, boolean or categorical" },
    { HEAD "\"covariates\": [{\"key\": \"a\", \"type\": \"categorical\"}]}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.covariates[0].reference: missing (a string is required)" },
    { HEAD "\"covariates\": [{\"key\": \"a\", \"type\": \"numeric\", \"reference\": \"x\"}]}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.covariates[0].reference: a numeric covariate has no reference level" },
    { HEAD COV "\"terms\": {}}", CS_COX_MODEL_ERROR_INVALID, "M: $.terms: expected an array but found an object" },
    { HEAD COV "\"terms\": []}", CS_COX_MODEL_ERROR_INVALID, "M: $.terms: the model has no terms" },
    { HEAD COV "\"terms\": [{\"term\": \"a\", \"covariate\": \"a\", \"coef\": \"1\", \"se\": 1, \"mean\": 0}]}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.terms[0].coef: expected a number but found a string" },
    { HEAD COV "\"terms\": [{\"term\": \"a\", \"covariate\": \"a\", \"coef\": 1, \"se\": 1}]}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.terms[0].mean: missing (a number is required)" },
    { HEAD COV "\"terms\": [{\"term\": \"a\", \"covariate\": \"b\", \"coef\": 1, \"se\": 1, \"mean\": 0}]}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.terms[0].covariate: “b” is not one of the model’s covariates" },
    { HEAD COV "\"terms\": [{\"term\": \"a\", \"covariate\": \"a\", \"level\": \"x\", \"coef\": 1, \"se\": 1, \"mean\": 0}]}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.terms[0].level: the covariate “a” is numeric and has no levels" },
    { HEAD "\"covariates\": [{\"key\": \"a\", \"type\": \"boolean\", \"reference\": \"false\"}], \"terms\": [" TERM "]}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.terms[0].level: missing (a string is required)" },
    { HEAD COV "\"terms\": [" TERM "], \"training\": [1]}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.training: expected an object but found an array" },
    { HEAD COV "\"terms\": [" TERM "], \"training\": {\"n\": -3}}", CS_COX_MODEL_ERROR_INVALID,
      "M: $.training: n and events must be counts (whole numbers ≥ 0)" },
    { HEAD COV "\"terms\": [" TERM "], \"training\": {\"n\": 3, \"concordance\": {\"c\": true}}}",
      CS_COX_MODEL_ERROR_INVALID, "M: $.training.concordance.c: expected a number but found a boolean" },
  };
#undef HEAD
#undef COV
#undef TERM

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsCoxModel) model = cs_cox_model_from_json (cases[i].data, -1, "M", &error);

      g_assert_null (model);
      g_assert_error (error, CS_COX_MODEL_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* a file that is neither; a saved cohort without models */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("cs-cox-model-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "c.json", NULL);
    g_autoptr(GPtrArray) models = NULL;

    g_file_set_contents (path, "{\"format\": \"cohortscope-cohort/1\", \"name\": \"Empty\", \"filter\": \"a > 1\", "
                               "\"created\": \"2026-01-31T12:00:00Z\"}", -1, &error);
    models = cs_cox_model_load_all (path, &error);
    g_assert_null (models);
    g_assert_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "holds no models"));
    g_clear_error (&error);
    g_file_set_contents (path, "{\"format\": \"cohortscope-cohort/1\", \"name\": \"N\", \"filter\": \"a > 1\", "
                               "\"created\": \"2026-01-31T12:00:00Z\", \"models\": [{\"format\": "
                               "\"cohortscope-model/3\"}]}", -1, &error);
    models = cs_cox_model_load_all (path, &error);
    g_assert_null (models);
    g_assert_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "$.models[0]"));
    g_clear_error (&error);
    models = cs_cox_model_load_all ("/nonexistent/m.json", &error);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_unlink (path);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/analysis/cox/input/coding", test_input_coding);
  g_test_add_func ("/analysis/cox/input/reference", test_input_reference);
  g_test_add_func ("/analysis/cox/input/errors", test_input_errors);
  g_test_add_func ("/analysis/cox/input/strata", test_input_strata);
  g_test_add_func ("/analysis/cox/model/round-trip", test_model_round_trip);
  g_test_add_func ("/analysis/cox/model/unknown-level", test_model_unknown_level);
  g_test_add_func ("/analysis/cox/model/add-score", test_model_add_score);
  g_test_add_func ("/analysis/cox/model/variables", test_model_variables);
  g_test_add_func ("/analysis/cox/model/infinite", test_model_infinite);
  g_test_add_func ("/analysis/cox/model/malformed", test_model_malformed);

  ret = g_test_run ();

  g_clear_object (&demo.store);
  if (demo.path != NULL)
    g_unlink (demo.path);
  g_free (demo.path);
  return ret;
}
