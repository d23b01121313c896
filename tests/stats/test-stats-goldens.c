/* test-stats-goldens.c: cs-stats against scipy and R goldens
 *
 * The goldens (goldens-scipy.json, goldens-r.json) are written by
 * tests/reference/make-goldens.{py,R}; each case carries its data and the
 * reference values. Numbers must agree to 1e-9 relative (or 1e-14
 * absolute near 0); undefined references (null) must be NAN here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cs-stats.h"
#include "cs-stats.h"
#include "cs-stats-private.h"
#include "goldens-util.h"

#define REL_TOL 1e-9
#define ABS_TOL 1e-14

static JsonNode *scipy_root;
static JsonNode *r_root;

static gboolean
close_enough (double expected,
              double actual)
{
  if (isinf (expected))
    return isinf (actual) && (expected > 0) == (actual > 0);
  return fabs (expected - actual) <= MAX (REL_TOL * fabs (expected), ABS_TOL);
}

/* Checks actual against member `key` of obj (null = undefined = NAN). */
static void
check_member (JsonObject *obj,
              const char *case_name,
              const char *key,
              double      actual)
{
  JsonNode *node = json_object_get_member (obj, key);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!isnan (actual))
        g_error ("%s: %s should be undefined (NAN), got %.17g", case_name, key, actual);
      return;
    }
  if (!close_enough (json_node_get_double (node), actual))
    g_error ("%s: %s = %.17g, reference %.17g", case_name, key, actual, json_node_get_double (node));
}

static void
check_array_element (JsonArray  *array,
                     guint       i,
                     const char *what,
                     double      actual)
{
  JsonNode *node = json_array_get_element (array, i);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!isnan (actual))
        g_error ("%s[%u] should be undefined (NAN), got %.17g", what, i, actual);
      return;
    }
  if (!close_enough (json_node_get_double (node), actual))
    g_error ("%s[%u] = %.17g, reference %.17g", what, i, actual, json_node_get_double (node));
}

/* A JSON array of numbers/null as doubles (null = NAN). */
static double *
get_doubles (JsonObject *obj,
             const char *key,
             gsize      *n)
{
  JsonArray *array = json_object_get_array_member (obj, key);
  guint len = json_array_get_length (array);
  double *v = g_new (double, MAX (len, 1));

  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      v[i] = JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
    }
  if (n != NULL)
    *n = len;
  return v;
}

static gint32 *
get_ints (JsonObject *obj,
          const char *key,
          gsize      *n)
{
  JsonArray *array = json_object_get_array_member (obj, key);
  guint len = json_array_get_length (array);
  gint32 *v = g_new (gint32, MAX (len, 1));

  for (guint i = 0; i < len; i++)
    v[i] = (gint32) json_array_get_double_element (array, i);
  if (n != NULL)
    *n = len;
  return v;
}

static JsonArray *
section (JsonNode   *root,
         const char *name)
{
  return json_object_get_array_member (json_node_get_object (root), name);
}

static void
test_special (void)
{
  JsonArray *cases = section (scipy_root, "special");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *f = json_object_get_string_member (c, "f");
      double v;

      if (g_str_equal (f, "beta_inc"))
        v = _cs_stats_beta_inc (json_object_get_double_member (c, "a"),
                               json_object_get_double_member (c, "b"),
                               json_object_get_double_member (c, "x"));
      else if (g_str_equal (f, "gamma_q"))
        v = _cs_stats_gamma_q (json_object_get_double_member (c, "a"),
                              json_object_get_double_member (c, "x"));
      else if (g_str_equal (f, "t_sf"))
        v = _cs_stats_t_sf (json_object_get_double_member (c, "t"),
                           json_object_get_double_member (c, "df"));
      else if (g_str_equal (f, "chi2_sf"))
        v = _cs_stats_chi2_sf (json_object_get_double_member (c, "x"),
                              json_object_get_double_member (c, "df"));
      else if (g_str_equal (f, "normal_sf"))
        v = _cs_stats_normal_sf (json_object_get_double_member (c, "z"));
      else
        g_assert_not_reached ();

      check_member (c, f, "value", v);
    }

  g_assert_true (isnan (_cs_stats_beta_inc (NAN, 1, 0.5)));
  g_assert_cmpfloat (_cs_stats_chi2_sf (0, 3), ==, 1.0);
}

static void
test_rank (void)
{
  const double x[] = { 3, NAN, 1, 3, 2, 3 };
  double r[G_N_ELEMENTS (x)];
  double ties = cs_stats_rank (x, G_N_ELEMENTS (x), r);

  g_assert_cmpfloat (r[0], ==, 4.0);
  g_assert_true (isnan (r[1]));
  g_assert_cmpfloat (r[2], ==, 1.0);
  g_assert_cmpfloat (r[3], ==, 4.0);
  g_assert_cmpfloat (r[4], ==, 2.0);
  g_assert_cmpfloat (r[5], ==, 4.0);
  g_assert_cmpfloat (ties, ==, 24.0);
}

/* Ranks of larger random data with many ties against the definition:
 * rank = (number below) + (number equal + 1) / 2. */
static void
test_rank_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const gsize sizes[] = { 1, 2, 17, 100, 1000, 3000 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree double *x = g_new (double, n);
      g_autofree double *r = g_new (double, n);

      for (gsize i = 0; i < n; i++)
        x[i] = (s % 2 == 0) ? g_rand_int_range (rand, 0, 50) : g_rand_double (rand);
      if (n > 10)
        x[3] = NAN;
      cs_stats_rank (x, n, r);
      for (gsize i = 0; i < n; i++)
        {
          double below = 0, equal = 0;

          if (isnan (x[i]))
            {
              g_assert_true (isnan (r[i]));
              continue;
            }
          for (gsize k = 0; k < n; k++)
            {
              below += x[k] < x[i];
              equal += x[k] == x[i];
            }
          g_assert_cmpfloat (r[i], ==, below + (equal + 1) / 2);
        }
    }
}

static void
test_correlation (void)
{
  JsonArray *cases = section (scipy_root, "correlation");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree double *x = NULL;
      g_autofree double *y = NULL;
      JsonArray *ci;
      CsStatsResult res;
      gsize n;

      x = get_doubles (c, "x", &n);
      y = get_doubles (c, "y", NULL);

      cs_stats_pearson (x, y, n, &res);
      g_assert_cmpuint (res.n, ==, json_object_get_int_member (c, "n"));
      g_assert_cmpstr (res.effect_name, ==, "r");
      check_member (c, name, "pearson_r", res.r);
      check_member (c, name, "pearson_r", res.statistic);
      check_member (c, name, "pearson_p", res.p_value);
      ci = json_object_get_array_member (c, "pearson_ci");
      check_array_element (ci, 0, name, res.ci_low);
      check_array_element (ci, 1, name, res.ci_high);

      cs_stats_spearman (x, y, n, &res);
      g_assert_cmpuint (res.n, ==, json_object_get_int_member (c, "n"));
      check_member (c, name, "spearman_rho", res.r);
      check_member (c, name, "spearman_p", res.p_value);
      ci = json_object_get_array_member (c, "spearman_ci");
      check_array_element (ci, 0, name, res.ci_low);
      check_array_element (ci, 1, name, res.ci_high);
    }
}

static void
test_mannwhitney (void)
{
  JsonArray *cases = section (scipy_root, "mannwhitney");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree double *x = NULL;
      g_autofree double *y = NULL;
      CsStatsResult res;
      gsize nx, ny;

      x = get_doubles (c, "x", &nx);
      y = get_doubles (c, "y", &ny);
      cs_stats_mann_whitney (x, nx, y, ny, &res);
      g_assert_cmpuint (res.n, ==, json_object_get_int_member (c, "n"));
      check_member (c, name, "u", res.statistic);
      check_member (c, name, "p", res.p_value);
      check_member (c, name, "rank_biserial", res.effect);
    }
}

static void
test_kruskal (void)
{
  JsonArray *cases = section (scipy_root, "kruskal");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree double *v = NULL;
      g_autofree gint32 *g = NULL;
      CsStatsResult res;
      gsize n;

      v = get_doubles (c, "values", &n);
      g = get_ints (c, "groups", NULL);
      cs_stats_kruskal (v, g, n, &res);
      g_assert_cmpuint (res.n, ==, json_object_get_int_member (c, "n"));
      g_assert_cmpuint (res.n_groups, ==, json_object_get_int_member (c, "k"));
      check_member (c, name, "h", res.statistic);
      check_member (c, name, "p", res.p_value);
      check_member (c, name, "df", res.df);
      check_member (c, name, "epsilon_squared", res.effect);

      /* the type-driven choice: two groups are a Mann–Whitney test */
      cs_stats_two_groups (v, g, n, &res);
      if (json_object_has_member (c, "mwu_u"))
        {
          g_assert_cmpint (res.method, ==, CS_STATS_METHOD_MANNWHITNEY);
          check_member (c, name, "mwu_u", res.statistic);
          check_member (c, name, "mwu_p", res.p_value);
        }
      else if (json_object_get_int_member (c, "k") > 2)
        {
          g_assert_cmpint (res.method, ==, CS_STATS_METHOD_KRUSKAL);
          check_member (c, name, "h", res.statistic);
        }
    }
}

static void
test_chi2 (void)
{
  JsonArray *cases = section (scipy_root, "chi2");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree gint32 *a = NULL;
      g_autofree gint32 *b = NULL;
      CsStatsResult res;
      gsize n;

      a = get_ints (c, "a", &n);
      b = get_ints (c, "b", NULL);
      cs_stats_chi2 (a, b, n, &res);
      g_assert_cmpuint (res.n, ==, json_object_get_int_member (c, "n"));
      check_member (c, name, "chi2", res.statistic);
      check_member (c, name, "p", res.p_value);
      check_member (c, name, "df", res.df);
      check_member (c, name, "cramers_v", res.effect);
    }

  /* zero rows and columns are dropped, as chi2_contingency would need */
  {
    const double table[] = { 10, 0, 20,
                             0, 0, 0,
                             30, 0, 5 };
    const double dense[] = { 10, 20, 30, 5 };
    CsStatsResult a, b;

    cs_stats_chi2_table (table, 3, 3, TRUE, &a);
    cs_stats_chi2_table (dense, 2, 2, TRUE, &b);
    g_assert_cmpfloat (a.statistic, ==, b.statistic);
    g_assert_cmpfloat (a.df, ==, 1.0);
    g_assert_cmpuint (a.n_groups, ==, 2);
    g_assert_cmpuint (a.n_cols, ==, 2);
  }
}

static void
test_matrix (void)
{
  JsonObject *m = json_object_get_object_member (json_node_get_object (scipy_root), "matrix");
  JsonArray *features = json_object_get_array_member (m, "features");
  JsonArray *clinical = json_object_get_array_member (m, "clinical");
  guint nf = json_array_get_length (features);
  guint nc = json_array_get_length (clinical);
  g_autoptr(GPtrArray) fcols = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ccols = g_ptr_array_new_with_free_func (g_free);
  gsize n_obs = 0;
  const char *methods[] = { "spearman", "pearson" };

  for (guint i = 0; i < nf; i++)
    {
      JsonArray *col = json_array_get_array_element (features, i);
      double *v = g_new (double, json_array_get_length (col));

      n_obs = json_array_get_length (col);
      for (guint k = 0; k < n_obs; k++)
        {
          JsonNode *node = json_array_get_element (col, k);

          v[k] = JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
        }
      g_ptr_array_add (fcols, v);
    }
  for (guint i = 0; i < nc; i++)
    {
      JsonArray *col = json_array_get_array_element (clinical, i);
      double *v = g_new (double, json_array_get_length (col));

      for (guint k = 0; k < n_obs; k++)
        {
          JsonNode *node = json_array_get_element (col, k);

          v[k] = JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
        }
      g_ptr_array_add (ccols, v);
    }

  for (guint mi = 0; mi < G_N_ELEMENTS (methods); mi++)
    {
      JsonObject *ref = json_object_get_object_member (m, methods[mi]);
      JsonArray *rr = json_object_get_array_member (ref, "r");
      JsonArray *pp = json_object_get_array_member (ref, "p");
      CsStatsMethod method;
      g_autoptr(CsCorrMatrix) one = NULL;
      g_autoptr(CsCorrMatrix) two = NULL;
      g_autofree double *q = g_new (double, (gsize) nf * nc);

      g_assert_true (cs_stats_method_from_string (methods[mi], &method));
      one = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, nf,
                                       (const double *const *) ccols->pdata, nc,
                                       n_obs, method, 1, NULL);
      two = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, nf,
                                       (const double *const *) ccols->pdata, nc,
                                       n_obs, method, 3, NULL);
      g_assert_nonnull (one);
      g_assert_nonnull (two);
      g_assert_cmpuint (one->n_rows, ==, nf);
      g_assert_cmpuint (one->n_cols, ==, nc);

      for (guint i = 0; i < nf * nc; i++)
        {
          check_array_element (rr, i, methods[mi], one->r[i]);
          check_array_element (pp, i, methods[mi], one->p[i]);
          /* threads do not change a bit */
          g_assert_true (memcmp (&one->r[i], &two->r[i], sizeof (double)) == 0);
          g_assert_true (memcmp (&one->q[i], &two->q[i], sizeof (double)) == 0);
        }

      /* the single-test functions agree with the matrix */
      for (guint f = 0; f < nf; f++)
        for (guint c = 0; c < nc; c++)
          {
            CsStatsResult res;

            if (method == CS_STATS_METHOD_SPEARMAN)
              cs_stats_spearman (fcols->pdata[f], ccols->pdata[c], n_obs, &res);
            else
              cs_stats_pearson (fcols->pdata[f], ccols->pdata[c], n_obs, &res);
            if (isnan (res.r))
              g_assert_true (isnan (one->r[f * nc + c]));
            else
              g_assert_true (close_enough (res.r, one->r[f * nc + c]));
            g_assert_cmpuint (res.n, ==, one->n[f * nc + c]);
          }

      cs_stats_p_adjust_bh (one->p, (gsize) nf * nc, q);
      for (guint i = 0; i < nf * nc; i++)
        g_assert_true ((isnan (q[i]) && isnan (one->q[i])) || q[i] == one->q[i]);
    }

  /* cancelled before it starts: NULL */
  {
    gint cancel = 1;
    CsCorrMatrix *none = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, nf,
                                                    (const double *const *) ccols->pdata, nc,
                                                    n_obs, CS_STATS_METHOD_SPEARMAN, 2, &cancel);
    g_assert_null (none);
  }
}

static void
check_curve (JsonObject      *ref,
             const char      *name,
             const CsKmCurve *curve)
{
  JsonArray *time = json_object_get_array_member (ref, "time");
  guint n = json_array_get_length (time);

  g_assert_cmpuint (curve->n_points, ==, n);
  check_member (ref, name, "n", curve->n);
  check_member (ref, name, "events", curve->n_events);
  check_member (ref, name, "median", curve->median);
  check_member (ref, name, "median_lower", curve->median_lower);
  check_member (ref, name, "median_upper", curve->median_upper);
  for (guint i = 0; i < n; i++)
    {
      const CsKmPoint *pt = &curve->points[i];

      check_array_element (time, i, "time", pt->time);
      check_array_element (json_object_get_array_member (ref, "n_risk"), i, "n_risk", pt->n_risk);
      check_array_element (json_object_get_array_member (ref, "n_event"), i, "n_event", pt->n_event);
      check_array_element (json_object_get_array_member (ref, "n_censor"), i, "n_censor", pt->n_censor);
      check_array_element (json_object_get_array_member (ref, "surv"), i, "surv", pt->survival);
      check_array_element (json_object_get_array_member (ref, "std_err"), i, "std_err", pt->std_err);
      check_array_element (json_object_get_array_member (ref, "lower"), i, "lower", pt->lower);
      check_array_element (json_object_get_array_member (ref, "upper"), i, "upper", pt->upper);
    }
}

static void
test_survival (void)
{
  JsonArray *cases = section (r_root, "cases");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree double *time = NULL;
      g_autofree double *ev = NULL;
      g_autofree double *gd = NULL;
      g_autofree double *x = NULL;
      g_autofree guint8 *event = NULL;
      g_autofree gint32 *group = NULL;
      g_autoptr(CsKmCurve) all = NULL;
      g_autoptr(CsLogrank) lr = NULL;
      JsonArray *groups = json_object_get_array_member (c, "groups");
      JsonNode *lr_node = json_object_get_member (c, "logrank");
      double c_index, se;
      gsize n;

      time = get_doubles (c, "time", &n);
      ev = get_doubles (c, "event", NULL);
      gd = get_doubles (c, "group", NULL);
      x = get_doubles (c, "x", NULL);
      event = g_new (guint8, n);
      group = g_new (gint32, n);
      for (gsize k = 0; k < n; k++)
        {
          event[k] = ev[k] != 0;
          group[k] = (gint32) gd[k];
        }

      all = cs_stats_kaplan_meier (time, event, NULL, 0, n);
      check_curve (json_object_get_object_member (c, "all"), name, all);
      for (guint g = 0; g < json_array_get_length (groups); g++)
        {
          g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier (time, event, group, (gint32) g, n);

          check_curve (json_array_get_object_element (groups, g), name, curve);
        }

      lr = cs_stats_logrank (time, event, group, n);
      if (!JSON_NODE_HOLDS_NULL (lr_node))
        {
          JsonObject *ref = json_node_get_object (lr_node);

          if (json_object_get_double_member (ref, "df") >= 1)
            {
              check_member (ref, name, "chisq", lr->chi2);
              check_member (ref, name, "df", lr->df);
              check_member (ref, name, "p", lr->p_value);
            }
          else
            {
              /* survdiff says chisq 0 on df 0: undefined here */
              g_assert_true (isnan (lr->chi2));
              g_assert_true (isnan (lr->p_value));
            }
          for (guint g = 0; g < lr->n_levels; g++)
            {
              check_array_element (json_object_get_array_member (ref, "observed"), g, "observed", lr->observed[g]);
              check_array_element (json_object_get_array_member (ref, "expected"), g, "expected", lr->expected[g]);
            }
        }
      else
        g_assert_true (isnan (lr->chi2));

      c_index = cs_stats_concordance (time, event, x, n, &se);
      check_member (c, name, "concordance", c_index);
      check_member (c, name, "concordance_se", se);
    }
}

/* The O(n log n) concordance against the pair-by-pair definition, with
 * ties in time, in x and censoring at event times; every other round
 * within strata (pairs only inside a stratum, a negative stratum leaves
 * the row out), as survival::concordancefit. */
static void
test_concordance_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint round = 0; round < 40; round++)
    {
      gsize n = (gsize) g_rand_int_range (rand, 2, 200);
      g_autofree double *time = g_new (double, n);
      g_autofree double *x = g_new (double, n);
      g_autofree guint8 *event = g_new (guint8, n);
      g_autofree gint32 *strata = round % 2 ? g_new (gint32, n) : NULL;
      g_autofree double *num_i = g_new0 (double, n);
      g_autofree double *den_i = g_new0 (double, n);
      double num = 0, den = 0, c, se, ref_c, ref_var = 0;

      for (gsize i = 0; i < n; i++)
        {
          time[i] = g_rand_int_range (rand, 0, 1 + (gint32) n / 3);
          x[i] = g_rand_int_range (rand, 0, 6);
          event[i] = g_rand_double (rand) < 0.6;
          if (strata != NULL)
            strata[i] = g_rand_int_range (rand, -1, 4);
        }
      if (n > 5)
        {
          x[1] = NAN;
          time[2] = NAN;
        }

      for (gsize i = 0; i < n; i++)
        for (gsize j = 0; j < n; j++)
          {
            double s;

            if (i == j || !event[i] || isnan (time[i]) || isnan (time[j]) || isnan (x[i]) || isnan (x[j]))
              continue;
            if (strata != NULL && (strata[i] < 0 || strata[i] != strata[j]))
              continue;
            if (!(time[i] < time[j] || (time[i] == time[j] && !event[j])))
              continue;
            s = x[i] < x[j] ? 1.0 : x[i] > x[j] ? 0.0 : 0.5;
            num += s;
            den += 1;
            num_i[i] += s;
            num_i[j] += s;
            den_i[i] += 1;
            den_i[j] += 1;
          }

      if (strata != NULL)
        c = cs_stats_concordance_strata (time, event, x, strata, n, &se);
      else
        c = cs_stats_concordance (time, event, x, n, &se);
      if (den == 0)
        {
          g_assert_true (isnan (c));
          continue;
        }
      ref_c = num / den;
      for (gsize i = 0; i < n; i++)
        {
          double d = (num_i[i] - ref_c * den_i[i]) / den;

          ref_var += d * d;
        }
      g_assert_true (close_enough (ref_c, c));
      g_assert_true (close_enough (sqrt (ref_var), se));
    }
}

static void
test_bh (void)
{
  JsonArray *cases = section (r_root, "bh");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonArray *qref = json_object_get_array_member (c, "q");
      g_autofree double *p = NULL;
      g_autofree double *q = NULL;
      gsize n;

      p = get_doubles (c, "p", &n);
      q = g_new (double, n);
      cs_stats_p_adjust_bh (p, n, q);
      for (gsize k = 0; k < n; k++)
        check_array_element (qref, k, "q", q[k]);
      /* in place */
      cs_stats_p_adjust_bh (p, n, p);
      for (gsize k = 0; k < n; k++)
        check_array_element (qref, k, "q (in place)", p[k]);
    }
}

/* ---- Lung1: real data, joined here, compared with the committed numbers */

typedef struct
{
  char      **header;
  GPtrArray  *rows;      /* char** */
} Csv;

static void
csv_free (Csv *csv)
{
  g_strfreev (csv->header);
  g_ptr_array_unref (csv->rows);
  g_free (csv);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Csv, csv_free)

/* Enough for these two files: no quoted fields, LF or CRLF. */
static Csv *
csv_read (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  Csv *csv;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);

  lines = g_strsplit (text, "\n", -1);
  csv = g_new0 (Csv, 1);
  csv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **fields;

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], ",", -1);
      if (csv->header == NULL)
        csv->header = fields;
      else
        {
          g_assert_cmpuint (g_strv_length (fields), ==, g_strv_length (csv->header));
          g_ptr_array_add (csv->rows, fields);
        }
    }

  return csv;
}

static guint
csv_column (const Csv  *csv,
            const char *name)
{
  for (guint i = 0; csv->header[i] != NULL; i++)
    if (g_str_equal (csv->header[i], name))
      return i;
  g_error ("no column %s", name);
  return 0;
}

static void
test_lung1 (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *clin_path = NULL;
  g_autofree char *shape_path = NULL;
  g_autoptr(Csv) clin = NULL;
  g_autoptr(Csv) shape = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GArray) vol = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) tst = g_array_new (FALSE, FALSE, sizeof (gint32));
  JsonNode *lung1 = json_object_get_member (json_node_get_object (r_root), "lung1");
  JsonObject *kw_ref;
  CsStatsResult res;
  guint c_id, c_t, c_stage, c_time, c_event, s_id, s_vol;

  if (shared != NULL)
    {
      clin_path = g_build_filename (shared, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv", NULL);
      shape_path = g_build_filename (shared, "radiomics", "filipjb-lung1", "lung1_shape.csv", NULL);
    }
  if (shared == NULL || !g_file_test (clin_path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test (shape_path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("Lung1 data not available (CS_SHARED_DATA)");
      return;
    }
  if (JSON_NODE_HOLDS_NULL (lung1) ||
      !json_object_has_member (json_node_get_object (scipy_root), "lung1"))
    {
      g_test_fail_printf ("the goldens lack the Lung1 case: re-run tests/reference/make-goldens.* with the data");
      return;
    }

  clin = csv_read (clin_path);
  shape = csv_read (shape_path);
  c_id = csv_column (clin, "PatientID");
  c_t = csv_column (clin, "clinical.T.Stage");
  c_stage = csv_column (clin, "Overall.Stage");
  c_time = csv_column (clin, "Survival.time");
  c_event = csv_column (clin, "deadstatus.event");
  s_id = csv_column (shape, "PatientID");
  s_vol = csv_column (shape, "MeshVolume");

  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < clin->rows->len; i++)
    {
      char **row = g_ptr_array_index (clin->rows, i);

      g_hash_table_insert (by_id, row[c_id], row);
    }

  /* MeshVolume by clinical T stage, Kruskal–Wallis */
  for (guint i = 0; i < shape->rows->len; i++)
    {
      char **row = g_ptr_array_index (shape->rows, i);
      char **crow = g_hash_table_lookup (by_id, row[s_id]);
      double v;
      gint32 t;

      if (crow == NULL || g_str_equal (crow[c_t], "NA"))
        continue;
      v = g_ascii_strtod (row[s_vol], NULL);
      t = (gint32) g_ascii_strtoll (crow[c_t], NULL, 10);
      g_array_append_val (vol, v);
      g_array_append_val (tst, t);
    }

  cs_stats_kruskal ((double *) (void *) vol->data, (gint32 *) (void *) tst->data, vol->len, &res);
  kw_ref = json_object_get_object_member (json_object_get_object_member (json_node_get_object (scipy_root), "lung1"),
                                          "kruskal_meshvolume_by_t_stage");
  g_assert_cmpuint (res.n, ==, json_object_get_int_member (kw_ref, "n"));
  g_assert_cmpuint (res.n_groups, ==, json_object_get_int_member (kw_ref, "k"));
  check_member (kw_ref, "lung1 kruskal", "h", res.statistic);
  check_member (kw_ref, "lung1 kruskal", "p", res.p_value);
  check_member (kw_ref, "lung1 kruskal", "epsilon_squared", res.effect);

  /* survival by Overall.Stage: KM per stage and log-rank */
  {
    JsonObject *ref = json_node_get_object (lung1);
    JsonArray *groups = json_object_get_array_member (ref, "groups");
    g_autoptr(GArray) time = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) event = g_array_new (FALSE, FALSE, sizeof (guint8));
    g_autoptr(GArray) stage = g_array_new (FALSE, FALSE, sizeof (gint32));
    g_autoptr(CsLogrank) lr = NULL;

    for (guint i = 0; i < clin->rows->len; i++)
      {
        char **row = g_ptr_array_index (clin->rows, i);
        gint32 g = -1;
        double t;
        guint8 e;

        if (g_str_equal (row[c_stage], "NA") || g_str_equal (row[c_time], "NA"))
          continue;
        for (guint k = 0; k < json_array_get_length (groups); k++)
          if (g_str_equal (row[c_stage], json_object_get_string_member (json_array_get_object_element (groups, k), "label")))
            g = (gint32) k;
        g_assert_cmpint (g, >=, 0);
        t = g_ascii_strtod (row[c_time], NULL);
        e = g_str_equal (row[c_event], "1");
        g_array_append_val (time, t);
        g_array_append_val (event, e);
        g_array_append_val (stage, g);
      }
    g_assert_cmpuint (time->len, ==, json_object_get_int_member (ref, "n"));

    for (guint k = 0; k < json_array_get_length (groups); k++)
      {
        JsonObject *gref = json_array_get_object_element (groups, k);
        g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier ((double *) (void *) time->data, (guint8 *) event->data,
                                                            (gint32 *) (void *) stage->data, (gint32) k, time->len);
        double se_sum = 0;

        for (guint p = 0; p < curve->n_points; p++)
          if (isfinite (curve->points[p].std_err))
            se_sum += curve->points[p].std_err;

        check_member (gref, "lung1 km", "n", curve->n);
        check_member (gref, "lung1 km", "events", curve->n_events);
        check_member (gref, "lung1 km", "median", curve->median);
        check_member (gref, "lung1 km", "median_lower", curve->median_lower);
        check_member (gref, "lung1 km", "median_upper", curve->median_upper);
        check_member (gref, "lung1 km", "n_points", curve->n_points);
        check_member (gref, "lung1 km", "surv_last", curve->points[curve->n_points - 1].survival);
        check_member (gref, "lung1 km", "std_err_sum", se_sum);
      }

    lr = cs_stats_logrank ((double *) (void *) time->data, (guint8 *) event->data, (gint32 *) (void *) stage->data, time->len);
    ref = json_object_get_object_member (ref, "logrank");
    check_member (ref, "lung1 logrank", "chisq", lr->chi2);
    check_member (ref, "lung1 logrank", "df", lr->df);
    check_member (ref, "lung1 logrank", "p", lr->p_value);
  }
}

/* Empty and degenerate inputs: undefined results, no crash. */
static void
test_empty (void)
{
  const double one[] = { 1.0 };
  const gint32 none[] = { -1 };
  const guint8 ev[] = { 1 };
  const double *cols[] = { one };
  CsStatsResult res;
  CsStatsMethod m;

  cs_stats_pearson (one, one, 0, &res);
  g_assert_true (isnan (res.r) && isnan (res.p_value) && res.n == 0);
  cs_stats_spearman (one, one, 1, &res);
  g_assert_true (isnan (res.r) && res.n == 1);
  cs_stats_mann_whitney (one, 0, one, 1, &res);
  g_assert_true (isnan (res.statistic) && isnan (res.p_value));
  cs_stats_kruskal (one, none, 1, &res);
  g_assert_true (isnan (res.statistic) && res.n == 0);
  cs_stats_two_groups (one, none, 1, &res);
  g_assert_true (isnan (res.p_value));
  cs_stats_chi2 (none, none, 1, &res);
  g_assert_true (isnan (res.statistic) && res.n == 0);
  cs_stats_chi2_table (NULL, 0, 0, TRUE, &res);
  g_assert_true (isnan (res.p_value));

  {
    g_autoptr(CsKmCurve) km = cs_stats_kaplan_meier (one, ev, none, 0, 1);
    g_autoptr(CsLogrank) lr = cs_stats_logrank (one, ev, none, 1);

    g_assert_cmpuint (km->n, ==, 0);
    g_assert_cmpuint (km->n_points, ==, 0);
    g_assert_true (isnan (km->median));
    g_assert_true (isnan (lr->chi2) && isnan (lr->p_value));
  }
  {
    double se;

    g_assert_true (isnan (cs_stats_concordance (one, ev, one, 0, &se)));
    g_assert_true (isnan (se));
  }
  {
    g_autoptr(CsCorrMatrix) a = cs_stats_correlate_matrix (cols, 1, cols, 1, 0, CS_STATS_METHOD_SPEARMAN, 2, NULL);
    g_autoptr(CsCorrMatrix) b = cs_stats_correlate_matrix (cols, 0, cols, 1, 1, CS_STATS_METHOD_PEARSON, 0, NULL);

    g_assert_true (isnan (a->r[0]) && isnan (a->p[0]) && isnan (a->q[0]));
    g_assert_cmpuint (a->n[0], ==, 0);
    g_assert_cmpuint (b->n_rows, ==, 0);
  }

  g_assert_true (cs_stats_method_from_string ("Kruskal", &m));
  g_assert_cmpint (m, ==, CS_STATS_METHOD_KRUSKAL);
  g_assert_cmpstr (cs_stats_method_to_string (CS_STATS_METHOD_CHI2), ==, "chi2");
  g_assert_false (cs_stats_method_from_string ("anova", &m));
  g_assert_false (cs_stats_method_from_string (NULL, &m));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  scipy_root = goldens_load ("goldens-scipy.json");
  r_root = goldens_load ("goldens-r.json");

  g_test_add_func ("/stats/special", test_special);
  g_test_add_func ("/stats/rank", test_rank);
  g_test_add_func ("/stats/rank-random", test_rank_random);
  g_test_add_func ("/stats/correlation", test_correlation);
  g_test_add_func ("/stats/mannwhitney", test_mannwhitney);
  g_test_add_func ("/stats/kruskal", test_kruskal);
  g_test_add_func ("/stats/chi2", test_chi2);
  g_test_add_func ("/stats/matrix", test_matrix);
  g_test_add_func ("/stats/survival", test_survival);
  g_test_add_func ("/stats/concordance-random", test_concordance_random);
  g_test_add_func ("/stats/bh", test_bh);
  g_test_add_func ("/stats/empty", test_empty);
  g_test_add_func ("/stats/lung1", test_lung1);

  ret = g_test_run ();

  json_node_unref (scipy_root);
  json_node_unref (r_root);

  return ret;
}
