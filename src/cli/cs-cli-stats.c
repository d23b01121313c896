/* cs-cli-stats.c: `stats`, `correlate` and `survival`
 *
 * The statistics are in src/core/stats (cs-stats.h); this file turns store
 * columns into the arrays those functions take and prints the results as
 * the JSON of the CLI contract (DESIGN.md), or as text without --json.
 * Undefined results are printed as null.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs-analysis.h"
#include "cs-cli.h"
#include "cs-filter.h"
#include "cs-json.h"
#include "cs-stats.h"
#include "cs-ucum-display.h"

/* ---- shared helpers ------------------------------------------------------ */

static char *
format_number (double value)
{
  char buf[32];

  if (!isfinite (value))
    return g_strdup (_("undefined"));
  cs_format_double_buf (value, buf);
  return g_strdup (buf);
}

/* A number for a fixed-width column: never cut (a cut "1.5e-184" would
 * read 1.5); digits as printf's %.*g. */
static char *
format_column (double value,
               int    digits)
{
  if (!isfinite (value))
    return g_strdup (_("undefined"));
  return g_strdup_printf ("%.*g", digits, value);
}

static void
print_output (GString *out)
{
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
}

/* Loads the sources and selects the rows; prints the error and returns the
 * exit status on failure (0 on success). */
static int
load_and_select (char     **sources,
                 const char *filter,
                 CsStore   **store_out,
                 GArray    **rows_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  GArray *rows;

  if (sources == NULL || sources[0] == NULL)
    {
      cs_cli_error ("%s", _("No --source given: name a Bundle or NDJSON file, a directory or a FHIR server URL"));
      return CS_CLI_USAGE;
    }

  if (!(store = cs_cli_load_sources (sources, &error)))
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }

  if (!(rows = cs_cli_select_rows (store, filter, &error)))
    {
      cs_cli_error (_("bad --filter: %s"), error->message);
      return g_error_matches (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX) ? CS_CLI_USAGE : CS_CLI_FAILED;
    }

  *store_out = g_steal_pointer (&store);
  *rows_out = rows;
  return CS_CLI_OK;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* ---- stats ----------------------------------------------------------------- */

/* What a test's output lists besides the result: the groups of a
 * Mann–Whitney / Kruskal–Wallis test with their size and median, or the
 * observed χ² table (empty rows and columns dropped, as the test does). */
typedef struct
{
  const CsGroups *groups;
  const gsize    *group_n;
  const double   *group_median;
  GPtrArray      *row_labels;
  GPtrArray      *col_labels;
  guint          *counts;      /* row_labels->len × col_labels->len */
} StatsExtra;

static void
stats_extra_clear (StatsExtra *e)
{
  g_clear_pointer (&e->row_labels, g_ptr_array_unref);
  g_clear_pointer (&e->col_labels, g_ptr_array_unref);
  g_clear_pointer (&e->counts, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatsExtra, stats_extra_clear)

/* The observed table of two groupings over the complete pairs. */
static void
build_table (const CsGroups *gx,
             const CsGroups *gy,
             guint           n,
             StatsExtra     *e)
{
  g_autofree guint *full = g_new0 (guint, (gsize) MAX (gx->n_groups, 1) * MAX (gy->n_groups, 1));
  g_autofree guint *row_sum = g_new0 (guint, MAX (gx->n_groups, 1));
  g_autofree guint *col_sum = g_new0 (guint, MAX (gy->n_groups, 1));
  guint r = 0, c = 0;

  for (guint i = 0; i < n; i++)
    {
      if (gx->group[i] < 0 || gy->group[i] < 0)
        continue;
      full[(gsize) gx->group[i] * gy->n_groups + (gsize) gy->group[i]]++;
      row_sum[gx->group[i]]++;
      col_sum[gy->group[i]]++;
    }

  e->row_labels = g_ptr_array_new ();
  e->col_labels = g_ptr_array_new ();
  for (guint i = 0; i < gx->n_groups; i++)
    if (row_sum[i] > 0)
      g_ptr_array_add (e->row_labels, gx->labels[i]);
  for (guint j = 0; j < gy->n_groups; j++)
    if (col_sum[j] > 0)
      g_ptr_array_add (e->col_labels, gy->labels[j]);

  e->counts = g_new0 (guint, (gsize) MAX (e->row_labels->len, 1) * MAX (e->col_labels->len, 1));
  for (guint i = 0; i < gx->n_groups; i++)
    {
      if (row_sum[i] == 0)
        continue;
      c = 0;
      for (guint j = 0; j < gy->n_groups; j++)
        {
          if (col_sum[j] == 0)
            continue;
          e->counts[(gsize) r * e->col_labels->len + c] = full[(gsize) i * gy->n_groups + j];
          c++;
        }
      r++;
    }
}

static void
append_label_array (GString   *out,
                    GPtrArray *labels)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < labels->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      cs_cli_json_string (out, g_ptr_array_index (labels, i));
    }
  g_string_append_c (out, ']');
}

static void
append_result_json (GString             *out,
                    const CsStatsResult *res,
                    const CsVariable    *x,
                    const CsVariable    *y,
                    const StatsExtra    *extra)
{
  const CsGroups *g = extra->groups;

  g_string_append (out, "{\"method\":");
  cs_cli_json_string (out, cs_stats_method_to_string (res->method));
  g_string_append (out, ",\"x\":");
  cs_cli_json_string (out, x->key);
  g_string_append (out, ",\"y\":");
  cs_cli_json_string (out, y->key);
  g_string_append_printf (out, ",\"n\":%u,\"statistic\":", res->n);
  cs_format_json_number (out, res->statistic);
  g_string_append (out, ",\"p_value\":");
  cs_format_json_number (out, res->p_value);
  g_string_append (out, ",\"df\":");
  cs_format_json_number (out, res->df);
  if (res->method == CS_STATS_METHOD_PEARSON || res->method == CS_STATS_METHOD_SPEARMAN)
    {
      g_string_append (out, ",\"r\":");
      cs_format_json_number (out, res->r);
      if (isfinite (res->ci_low) && isfinite (res->ci_high))
        {
          g_string_append (out, ",\"ci\":[");
          cs_format_json_number (out, res->ci_low);
          g_string_append_c (out, ',');
          cs_format_json_number (out, res->ci_high);
          g_string_append_c (out, ']');
        }
      else
        g_string_append (out, ",\"ci\":null");
    }
  g_string_append (out, ",\"effect_size\":{\"name\":");
  cs_cli_json_string (out, res->effect_name);
  g_string_append (out, ",\"value\":");
  cs_format_json_number (out, res->effect);
  g_string_append_c (out, '}');

  if (g != NULL)
    {
      g_string_append (out, ",\"groups\":[");
      for (guint k = 0; k < g->n_groups; k++)
        {
          if (k > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"label\":");
          cs_cli_json_string (out, g->labels[k]);
          g_string_append_printf (out, ",\"n\":%" G_GSIZE_FORMAT ",\"median\":", extra->group_n[k]);
          cs_format_json_number (out, extra->group_median[k]);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  if (extra->row_labels != NULL)
    {
      guint nc = extra->col_labels->len;

      g_string_append (out, ",\"table\":{\"rows\":");
      append_label_array (out, extra->row_labels);
      g_string_append (out, ",\"cols\":");
      append_label_array (out, extra->col_labels);
      g_string_append (out, ",\"counts\":[");
      for (guint i = 0; i < extra->row_labels->len; i++)
        {
          g_string_append (out, i > 0 ? ",[" : "[");
          for (guint j = 0; j < nc; j++)
            g_string_append_printf (out, "%s%u", j > 0 ? "," : "", extra->counts[(gsize) i * nc + j]);
          g_string_append_c (out, ']');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "}\n");
}

static void
append_result_text (GString             *out,
                    const CsStatsResult *res,
                    const CsVariable    *x,
                    const CsVariable    *y,
                    const StatsExtra    *extra)
{
  const CsGroups *g = extra->groups;

  g_autofree char *stat = format_number (res->statistic);
  g_autofree char *p = format_number (res->p_value);
  g_autofree char *df = format_number (res->df);
  g_autofree char *eff = format_number (res->effect);

  g_string_append_printf (out, "%s: %s × %s\n", cs_stats_method_to_string (res->method), x->key, y->key);
  g_string_append_printf (out, "  n          %u\n", res->n);
  g_string_append_printf (out, "  statistic  %s\n", stat);
  g_string_append_printf (out, "  df         %s\n", df);
  g_string_append_printf (out, "  p-value    %s\n", p);
  if (res->method == CS_STATS_METHOD_PEARSON || res->method == CS_STATS_METHOD_SPEARMAN)
    {
      g_autofree char *lo = format_number (res->ci_low);
      g_autofree char *hi = format_number (res->ci_high);

      g_string_append_printf (out, "  95%% CI     [%s, %s]\n", lo, hi);
    }
  /* the effect size by its symbol, its key for scripts after it:
   * "effect     ε² 0.0821… (epsilon_squared)" */
  g_string_append_printf (out, "  effect     %s %s (%s)\n", cs_stats_effect_label (res->effect_name), eff,
                          res->effect_name);
  if (g != NULL)
    for (guint k = 0; k < g->n_groups; k++)
      {
        g_autofree char *median = format_number (extra->group_median[k]);

        g_string_append_printf (out, "  group %s: n = %" G_GSIZE_FORMAT ", median = %s\n",
                                g->labels[k], extra->group_n[k], median);
      }
  if (extra->row_labels != NULL)
    {
      guint nc = extra->col_labels->len;

      g_string_append (out, "  table (rows: x, columns: y)\n   ");
      for (guint j = 0; j < nc; j++)
        g_string_append_printf (out, " %10s", (const char *) g_ptr_array_index (extra->col_labels, j));
      g_string_append_c (out, '\n');
      for (guint i = 0; i < extra->row_labels->len; i++)
        {
          g_string_append_printf (out, "   %-10s", (const char *) g_ptr_array_index (extra->row_labels, i));
          for (guint j = 0; j < nc; j++)
            g_string_append_printf (out, " %10u", extra->counts[(gsize) i * nc + j]);
          g_string_append_c (out, '\n');
        }
    }
}

int
cs_cli_cmd_stats (int    argc,
                  char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *x_key = NULL;
  g_autofree char *y_key = NULL;
  g_autofree char *method_str = NULL;
  g_autofree char *filter = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "x", 'x', 0, G_OPTION_ARG_STRING, &x_key, N_("First variable (key or code)"), "K" },
    { "y", 'y', 0, G_OPTION_ARG_STRING, &y_key, N_("Second variable (key or code)"), "K" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method_str, N_("pearson, spearman, mannwhitney, kruskal or chi2 (default: from the variable types)"), "M" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree gsize *group_n = NULL;
  g_autofree double *group_median = NULL;
  g_auto(StatsExtra) extra = { 0 };
  g_auto(CsAnalysisTest) test = { 0 };
  g_autoptr(GError) error = NULL;
  CsVariable *x, *y;
  CsStatsMethod method;
  gboolean have_method = FALSE;
  CsStatsResult res;
  int status;

  if (!cs_cli_parse_options (&argc, &argv, NULL, _("Tests the association of two variables."), entries))
    return CS_CLI_USAGE;

  if (x_key == NULL || y_key == NULL)
    {
      cs_cli_error ("%s", _("stats needs --x and --y (variable keys or codes)"));
      return CS_CLI_USAGE;
    }
  if (method_str != NULL)
    {
      if (!cs_stats_method_from_string (method_str, &method))
        {
          cs_cli_error (_("--method: unknown method “%s” (use pearson, spearman, mannwhitney, kruskal or chi2)"),
                        method_str);
          return CS_CLI_USAGE;
        }
      have_method = TRUE;
    }

  if ((status = load_and_select (sources, filter, &store, &rows)) != CS_CLI_OK)
    return status;

  if (!(x = cs_cli_find_variable (store, "--x", x_key)) || !(y = cs_cli_find_variable (store, "--y", y_key)))
    return CS_CLI_FAILED;

  if (x->type == CS_VARIABLE_SURVIVAL || y->type == CS_VARIABLE_SURVIVAL)
    {
      cs_cli_error (_("“%s” is a time-to-event variable: use “cohortscope-cli survival”"),
                    x->type == CS_VARIABLE_SURVIVAL ? x->key : y->key);
      return CS_CLI_FAILED;
    }

  if (!have_method)
    method = cs_analysis_default_method (x, y);   /* Mann–Whitney becomes Kruskal–Wallis with > 2 groups */

  if (!cs_analysis_run_test (rows, x, y, method, have_method, CS_ANALYSIS_DEFAULT, &test, &error))
    {
      if (!g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_GROUPS) &&
          !g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES))
        cs_cli_error ("%s", error->message);
      else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_GROUPS))
        cs_cli_error (_("--method mannwhitney compares two groups, but “%s” has %u; use --method kruskal"),
                      test.grp->key, test.groups->n_groups);
      else if (method == CS_STATS_METHOD_PEARSON || method == CS_STATS_METHOD_SPEARMAN)
        cs_cli_error (_("--method %s needs two numeric variables; “%s” is categorical"),
                      cs_stats_method_to_string (method),
                      x->type == CS_VARIABLE_CATEGORICAL ? x->key : y->key);
      else if (method == CS_STATS_METHOD_MANNWHITNEY || method == CS_STATS_METHOD_KRUSKAL)
        cs_cli_error (_("--method %s needs one numeric and one categorical or boolean variable (got %s and %s)"),
                      cs_stats_method_to_string (method),
                      cs_variable_type_to_string (x->type), cs_variable_type_to_string (y->type));
      else
        cs_cli_error (_("--method chi2 needs two categorical or boolean variables (got %s and %s)"),
                      cs_variable_type_to_string (x->type), cs_variable_type_to_string (y->type));
      return CS_CLI_FAILED;
    }
  res = test.result;

  if (test.groups != NULL)
    {
      const CsGroups *groups = test.groups;

      /* the size and median of each group, over the rows with both values */
      group_n = g_new0 (gsize, MAX (groups->n_groups, 1));
      for (guint i = 0; i < rows->len; i++)
        if (groups->group[i] >= 0)
          group_n[groups->group[i]]++;
      group_median = g_new (double, MAX (groups->n_groups, 1));
      for (guint k = 0; k < groups->n_groups; k++)
        {
          g_autofree double *gv = g_new (double, MAX (group_n[k], 1));
          gsize m = 0;

          for (guint i = 0; i < rows->len; i++)
            if (groups->group[i] == (gint32) k)
              gv[m++] = test.values[i];
          qsort (gv, m, sizeof (double), compare_double);
          group_median[k] = m == 0 ? NAN : m % 2 ? gv[m / 2] : (gv[m / 2 - 1] + gv[m / 2]) / 2;
        }
      extra.groups = groups;
      extra.group_n = group_n;
      extra.group_median = group_median;
    }
  else if (test.x_groups != NULL)
    build_table (test.x_groups, test.y_groups, rows->len, &extra);

  if (json)
    append_result_json (out, &res, x, y, &extra);
  else
    append_result_text (out, &res, x, y, &extra);
  print_output (out);

  return CS_CLI_OK;
}

/* ---- correlate ----------------------------------------------------------- */

static void
append_matrix (GString      *out,
               const char   *name,
               const double *values,
               const guint  *counts,
               guint         n_rows,
               guint         n_cols)
{
  g_string_append_printf (out, ",\"%s\":[", name);
  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append (out, i > 0 ? ",[" : "[");
      for (guint j = 0; j < n_cols; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          if (counts != NULL)
            g_string_append_printf (out, "%u", counts[(gsize) i * n_cols + j]);
          else
            cs_format_json_number (out, values[(gsize) i * n_cols + j]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
}

int
cs_cli_cmd_correlate (int    argc,
                      char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *glob = NULL;
  g_autofree char *clinical_str = NULL;
  g_autofree char *method_str = NULL;
  g_autofree char *filter = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "features", 0, 0, G_OPTION_ARG_STRING, &glob, N_("Glob over variable keys and codes (e.g. \"original_*\")"), "GLOB" },
    { "clinical", 0, 0, G_OPTION_ARG_STRING, &clinical_str, N_("Comma-separated clinical variables (numeric, boolean or date)"), "K1,K2" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method_str, N_("spearman (default) or pearson"), "M" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) features = g_ptr_array_new ();
  g_autoptr(GPtrArray) clinical = g_ptr_array_new ();
  g_autoptr(GPtrArray) fcols = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ccols = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPatternSpec) pattern = NULL;
  g_autoptr(CsCorrMatrix) matrix = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) keys = NULL;
  CsStatsMethod method = CS_STATS_METHOD_SPEARMAN;
  int status;

  if (!cs_cli_parse_options (&argc, &argv, NULL, _("Correlates features with clinical variables."), entries))
    return CS_CLI_USAGE;

  if (glob == NULL || clinical_str == NULL)
    {
      cs_cli_error ("%s", _("correlate needs --features GLOB and --clinical K1,K2"));
      return CS_CLI_USAGE;
    }
  if (method_str != NULL &&
      (!cs_stats_method_from_string (method_str, &method) ||
       (method != CS_STATS_METHOD_SPEARMAN && method != CS_STATS_METHOD_PEARSON)))
    {
      cs_cli_error (_("--method: “%s” is not spearman or pearson"), method_str);
      return CS_CLI_USAGE;
    }

  if ((status = load_and_select (sources, filter, &store, &rows)) != CS_CLI_OK)
    return status;

  keys = g_strsplit (clinical_str, ",", -1);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      CsVariable *var;

      g_strstrip (keys[i]);
      if (keys[i][0] == '\0')
        continue;
      if (!(var = cs_cli_find_variable (store, "--clinical", keys[i])))
        return CS_CLI_FAILED;
      if (!cs_analysis_is_correlatable (var))
        {
          fprintf (stderr, _("cohortscope-cli: note: skipping “%s”: a %s variable has no rank order "
                             "(use “stats” for a group test)\n"),
                   var->key, cs_variable_type_to_string (var->type));
          continue;
        }
      g_ptr_array_add (clinical, var);
    }
  if (clinical->len == 0)
    {
      cs_cli_error ("%s", _("--clinical: none of the variables is numeric, boolean or a date"));
      return CS_CLI_FAILED;
    }

  pattern = g_pattern_spec_new (glob);
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (var->type == CS_VARIABLE_NUMERIC && cs_variable_matches_pattern (var, pattern))
        g_ptr_array_add (features, var);
    }
  if (features->len == 0)
    {
      cs_cli_error (_("--features: no numeric variable matches “%s”"), glob);
      return CS_CLI_FAILED;
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *vars = pass == 0 ? features : clinical;
      GPtrArray *cols = pass == 0 ? fcols : ccols;

      for (guint k = 0; k < vars->len; k++)
        {
          /* ordinal clinical columns (T stage, stage group) correlate by rank */
          g_ptr_array_add (cols, pass == 0 ? cs_analysis_column (g_ptr_array_index (vars, k), rows)
                                           : cs_analysis_rank_column (g_ptr_array_index (vars, k), rows));
        }
    }

  matrix = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, features->len,
                                      (const double *const *) ccols->pdata, clinical->len,
                                      rows->len, method, 0, NULL);

  if (json)
    {
      g_string_append (out, "{\"method\":");
      cs_cli_json_string (out, cs_stats_method_to_string (method));
      g_string_append (out, ",\"rows\":[");
      for (guint i = 0; i < features->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          cs_cli_json_string (out, ((CsVariable *) g_ptr_array_index (features, i))->key);
        }
      g_string_append (out, "],\"cols\":[");
      for (guint j = 0; j < clinical->len; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          cs_cli_json_string (out, ((CsVariable *) g_ptr_array_index (clinical, j))->key);
        }
      g_string_append_c (out, ']');
      append_matrix (out, "r", matrix->r, NULL, matrix->n_rows, matrix->n_cols);
      append_matrix (out, "p", matrix->p, NULL, matrix->n_rows, matrix->n_cols);
      append_matrix (out, "q", matrix->q, NULL, matrix->n_rows, matrix->n_cols);
      append_matrix (out, "n", NULL, matrix->n, matrix->n_rows, matrix->n_cols);
      g_string_append (out, "}\n");
    }
  else
    {
      g_string_append_printf (out, "%-40s %-24s %10s %12s %12s %6s\n", "feature", "clinical", cs_stats_method_to_string (method), "p", "q", "n");
      for (guint i = 0; i < matrix->n_rows; i++)
        for (guint j = 0; j < matrix->n_cols; j++)
          {
            gsize idx = (gsize) i * matrix->n_cols + j;
            g_autofree char *r = format_column (matrix->r[idx], 6);
            g_autofree char *p = format_column (matrix->p[idx], 4);
            g_autofree char *q = format_column (matrix->q[idx], 4);

            g_string_append_printf (out, "%-40s %-24s %10s %12s %12s %6u\n",
                                    ((CsVariable *) g_ptr_array_index (features, i))->key,
                                    ((CsVariable *) g_ptr_array_index (clinical, j))->key,
                                    r, p, q, matrix->n[idx]);
          }
    }
  print_output (out);

  return CS_CLI_OK;
}

/* ---- survival ------------------------------------------------------------ */

static void
append_km_json (GString         *out,
                const char      *label,
                const CsKmCurve *curve)
{
  g_string_append (out, "{\"label\":");
  cs_cli_json_string (out, label);
  g_string_append_printf (out, ",\"n\":%u,\"events\":%u,\"median\":", curve->n, curve->n_events);
  cs_format_json_number (out, curve->median);
  g_string_append (out, ",\"median_ci\":[");
  cs_format_json_number (out, curve->median_lower);
  g_string_append_c (out, ',');
  cs_format_json_number (out, curve->median_upper);
  g_string_append (out, "],\"km\":[");
  for (guint i = 0; i < curve->n_points; i++)
    {
      const CsKmPoint *pt = &curve->points[i];

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"time\":");
      cs_format_json_number (out, pt->time);
      g_string_append (out, ",\"survival\":");
      cs_format_json_number (out, pt->survival);
      g_string_append_printf (out, ",\"at_risk\":%u,\"events\":%u,\"censored\":%u,\"std_err\":",
                              pt->n_risk, pt->n_event, pt->n_censor);
      cs_format_json_number (out, pt->std_err);
      g_string_append (out, ",\"lower\":");
      cs_format_json_number (out, pt->lower);
      g_string_append (out, ",\"upper\":");
      cs_format_json_number (out, pt->upper);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
}

int
cs_cli_find_outcome (CsStore     *store,
                     const char  *time_key,
                     const char  *event_key,
                     CsVariable **time_out,
                     CsVariable **event_out)
{
  CsVariable *tv, *ev = NULL;

  if (!(tv = cs_cli_find_variable (store, "--time", time_key)))
    return CS_CLI_FAILED;
  if (tv->type != CS_VARIABLE_SURVIVAL && tv->type != CS_VARIABLE_NUMERIC)
    {
      cs_cli_error (_("--time: “%s” is %s, not a numeric or time-to-event variable"),
                    tv->key, cs_variable_type_to_string (tv->type));
      return CS_CLI_FAILED;
    }
  if (event_key != NULL)
    {
      if (!(ev = cs_cli_find_variable (store, "--event", event_key)))
        return CS_CLI_FAILED;
      if (ev->type != CS_VARIABLE_BOOLEAN && ev->type != CS_VARIABLE_NUMERIC)
        {
          cs_cli_error (_("--event: “%s” is %s; it must be boolean or numeric 0/1"),
                        ev->key, cs_variable_type_to_string (ev->type));
          return CS_CLI_FAILED;
        }
    }
  else if (tv->type != CS_VARIABLE_SURVIVAL)
    {
      cs_cli_error (_("--event is needed: “%s” is a plain numeric variable"), tv->key);
      return CS_CLI_FAILED;
    }
  *time_out = tv;
  *event_out = ev;
  return CS_CLI_OK;
}

gboolean
cs_cli_outcome_error (CsStore          *store,
                      const GError     *error,
                      const CsVariable *tvar,
                      const CsVariable *evar,
                      guint             bad_row,
                      double            bad_value)
{
  if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_EVENT))
    cs_cli_error (_("--event “%s”, patient “%s”: value %g is not 0 or 1"),
                  evar != NULL ? evar->key : tvar->key, cs_store_get_patient_id (store, bad_row), bad_value);
  else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NEGATIVE_TIME))
    cs_cli_error (_("--time “%s”, patient “%s”: negative time %g"),
                  tvar->key, cs_store_get_patient_id (store, bad_row), bad_value);
  else
    return FALSE;
  return TRUE;
}

/* Builds the Kaplan–Meier input of `survival` and `chart --kind km`;
 * split is the whole --split text (K:HOW) or NULL. Prints the error and
 * returns the exit status on failure. */
int
cs_cli_survival_input (CsStore           *store,
                       GArray            *rows,
                       const CsVariable  *tvar,
                       const CsVariable  *evar,
                       const CsVariable  *gvar,
                       const char        *split,
                       const char        *all_label,
                       CsAnalysisFlags    flags,
                       CsSurvivalInput  **input_out)
{
  g_autoptr(GError) error = NULL;
  const char *how = split != NULL ? strrchr (split, ':') + 1 : NULL;

  if (cs_survival_input_build (store, rows, tvar, evar, gvar, how, all_label,
                               flags | CS_ANALYSIS_STRICT, input_out, &error))
    return CS_CLI_OK;

  if (cs_cli_outcome_error (store, error, tvar, evar, (*input_out)->bad_row, (*input_out)->bad_value))
    return CS_CLI_FAILED;
  if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NO_VALUES))
    cs_cli_error (_("--split: “%s” has no values among the selected patients with a survival time"),
                  gvar->key);
  else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT))
    {
      cs_cli_error (_("--split “%s”: “%s” is not median, tertiles or a number"), split, how);
      return CS_CLI_USAGE;
    }
  else
    cs_cli_error ("%s", error->message);
  return CS_CLI_FAILED;
}

int
cs_cli_cmd_survival (int    argc,
                     char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *time_key = NULL;
  g_autofree char *event_key = NULL;
  g_autofree char *by_key = NULL;
  g_autofree char *split = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *time_unit = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &time_key, N_("Time variable (numeric), or a time-to-event variable"), "K" },
    { "time-unit", 0, 0, G_OPTION_ARG_STRING, &time_unit, N_("Times and medians in days, months or years (default: the variable’s unit)"), "UNIT" },
    { "event", 0, 0, G_OPTION_ARG_STRING, &event_key, N_("Event indicator (boolean or 0/1); not needed with a time-to-event --time"), "K" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by_key, N_("Group by this variable"), "K" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, N_("Split a numeric variable: K:median, K:tertiles or K:NUMBER"), "K:HOW" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(CsSurvivalInput) input = NULL;
  g_autoptr(CsLogrank) lr = NULL;
  const double *time, *xval;
  const guint8 *event;
  const gint32 *group;
  const char * const *labels;
  g_autofree char *split_key = NULL;
  CsVariable *tvar, *evar = NULL, *gvar = NULL;
  CsTimeScale scale = CS_TIME_SCALE_DAYS;
  g_autofree char *unit_shown = NULL;
  const char *unit;
  guint n, n_labels;
  int status;

  if (!cs_cli_parse_options (&argc, &argv, NULL, _("Kaplan–Meier estimates and the log-rank test."), entries))
    return CS_CLI_USAGE;
  if (time_unit != NULL && !cs_time_scale_from_string (time_unit, &scale))
    {
      cs_cli_error (_("--time-unit “%s”: use days, months or years"), time_unit);
      return CS_CLI_USAGE;
    }

  if (time_key == NULL)
    {
      cs_cli_error ("%s", _("survival needs --time (and --event unless --time is a time-to-event variable)"));
      return CS_CLI_USAGE;
    }
  if (by_key != NULL && split != NULL)
    {
      cs_cli_error ("%s", _("use either --by or --split, not both"));
      return CS_CLI_USAGE;
    }
  if (split != NULL)
    {
      const char *colon = strrchr (split, ':');

      if (colon == NULL || colon == split || colon[1] == '\0')
        {
          cs_cli_error (_("--split “%s”: expected K:median, K:tertiles or K:NUMBER"), split);
          return CS_CLI_USAGE;
        }
      split_key = g_strndup (split, colon - split);
    }

  if ((status = load_and_select (sources, filter, &store, &rows)) != CS_CLI_OK)
    return status;

  if ((status = cs_cli_find_outcome (store, time_key, event_key, &tvar, &evar)) != CS_CLI_OK)
    return status;
  if (by_key != NULL && !(gvar = cs_cli_find_variable (store, "--by", by_key)))
    return CS_CLI_FAILED;
  if (split_key != NULL)
    {
      if (!(gvar = cs_cli_find_variable (store, "--split", split_key)))
        return CS_CLI_FAILED;
      if (!cs_variable_is_numeric_like (gvar))
        {
          cs_cli_error (_("--split: “%s” is %s; only numeric variables can be split (use --by)"),
                        gvar->key, cs_variable_type_to_string (gvar->type));
          return CS_CLI_FAILED;
        }
    }
  if (gvar != NULL && gvar->type == CS_VARIABLE_SURVIVAL)
    {
      cs_cli_error (_("“%s” is a time-to-event variable and cannot group patients"), gvar->key);
      return CS_CLI_FAILED;
    }

  if ((status = cs_cli_survival_input (store, rows, tvar, evar, gvar, split, _("all"),
                                       CS_ANALYSIS_DEFAULT, &input)) != CS_CLI_OK)
    return status;
  n = input->n;
  /* the time scale: --time-unit, else the variable's own unit */
  unit = tvar->unit != NULL ? tvar->unit : "d";
  if (time_unit != NULL)
    {
      double factor = cs_time_scale_factor (tvar->unit, scale);

      if (isnan (factor))
        {
          cs_cli_error (_("--time-unit: “%s” is in %s, not a unit of time"), tvar->key, tvar->unit);
          return CS_CLI_FAILED;
        }
      for (guint i = 0; i < n; i++)
        input->time[i] *= factor;
      unit = cs_time_scale_ucum (scale);
    }
  unit_shown = cs_ucum_display (unit);
  time = input->time;
  event = input->event;
  group = input->groups->group;
  labels = (const char * const *) input->groups->labels;
  n_labels = input->groups->n_groups;
  xval = input->x;

  lr = cs_stats_logrank (time, event, group, n);

  if (json)
    {
      gboolean first = TRUE;

      g_string_append (out, "{\"time\":");
      cs_cli_json_string (out, tvar->key);
      g_string_append (out, ",\"time_unit\":");
      cs_cli_json_string (out, unit);
      g_string_append (out, ",\"groups\":[");
      for (guint g = 0; g < n_labels; g++)
        {
          g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier (time, event, group, (gint32) g, n);

          if (curve->n == 0)
            continue;
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          append_km_json (out, labels[g], curve);
        }
      g_string_append (out, "],\"logrank\":{\"chi2\":");
      cs_format_json_number (out, lr->chi2);
      g_string_append (out, ",\"df\":");
      cs_format_json_number (out, lr->df);
      g_string_append (out, ",\"p_value\":");
      cs_format_json_number (out, lr->p_value);
      g_string_append (out, "},\"concordance\":");
      if (xval != NULL)
        {
          double se;
          double c = cs_stats_concordance (time, event, xval, n, &se);

          g_string_append (out, "{\"variable\":");
          cs_cli_json_string (out, gvar->key);
          g_string_append (out, ",\"c\":");
          cs_format_json_number (out, c);
          g_string_append (out, ",\"std_err\":");
          cs_format_json_number (out, se);
          g_string_append_c (out, '}');
        }
      else
        g_string_append (out, "null");
      g_string_append (out, "}\n");
    }
  else
    {
      for (guint g = 0; g < n_labels; g++)
        {
          g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier (time, event, group, (gint32) g, n);
          g_autofree char *median = NULL;

          if (curve->n == 0)
            continue;
          median = format_number (curve->median);
          g_string_append_printf (out, "%s: n = %u, events = %u, median = %s%s%s\n",
                                  labels[g], curve->n, curve->n_events, median,
                                  isnan (curve->median) || *unit_shown == '\0' ? "" : " ",
                                  isnan (curve->median) ? "" : unit_shown);
        }
      if (isfinite (lr->chi2))
        {
          g_autofree char *chi2 = format_number (lr->chi2);
          g_autofree char *p = format_number (lr->p_value);

          g_string_append_printf (out, "log-rank: chi2 = %s, df = %g, p = %s\n", chi2, lr->df, p);
        }
    }
  print_output (out);

  return CS_CLI_OK;
}
