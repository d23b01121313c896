/* cs-cli-chart.c: cohortscope-cli chart
 *
 * Builds the chart models from the store the same way the analyses do
 * (groups labelled as `table` prints them, KM from cs_stats_kaplan_meier,
 * the heat map from cs_stats_correlate_matrix) and exports them with
 * cs_chart_export().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs-analysis.h"
#include "cs-chart.h"
#include "cs-cli.h"
#include "cs-filter.h"
#include "cs-stats.h"
#include "cs-ucum-display.h"

typedef struct
{
  char     **sources;
  char      *kind_str;
  char      *output;
  int        width;
  int        height;
  char      *filter;
  gboolean   dark;
  char      *x_key;
  char      *y_key;
  char      *by_key;
  char      *time_key;
  char      *event_key;
  char      *split;
  char      *features;
  char      *clinical;
  char      *method;
  char      *title;
  char      *bins;
  char      *order;
  char      *covariates;
  char     **references;
  char      *strata;
  char      *time_unit;
  gboolean   violin;
  gboolean   no_points;
  gboolean   no_fit;
  gboolean   no_ci;
  gboolean   no_table;
  gboolean   overlay;
  gboolean   labels;
  gboolean   no_caption;
} ChartOptions;

static void
chart_options_clear (ChartOptions *o)
{
  g_clear_pointer (&o->sources, g_strfreev);
  g_clear_pointer (&o->kind_str, g_free);
  g_clear_pointer (&o->output, g_free);
  g_clear_pointer (&o->filter, g_free);
  g_clear_pointer (&o->x_key, g_free);
  g_clear_pointer (&o->y_key, g_free);
  g_clear_pointer (&o->by_key, g_free);
  g_clear_pointer (&o->time_key, g_free);
  g_clear_pointer (&o->event_key, g_free);
  g_clear_pointer (&o->split, g_free);
  g_clear_pointer (&o->features, g_free);
  g_clear_pointer (&o->clinical, g_free);
  g_clear_pointer (&o->method, g_free);
  g_clear_pointer (&o->title, g_free);
  g_clear_pointer (&o->bins, g_free);
  g_clear_pointer (&o->order, g_free);
  g_clear_pointer (&o->covariates, g_free);
  g_clear_pointer (&o->references, g_strfreev);
  g_clear_pointer (&o->strata, g_free);
  g_clear_pointer (&o->time_unit, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChartOptions, chart_options_clear)

/* Everything a chart built from the store needs to keep alive until export. */
typedef struct
{
  CsStore   *store;
  GArray    *rows;       /* selected rows */
  GPtrArray *strings;    /* owned strings (labels) */
  GPtrArray *blocks;     /* owned arrays */
  GPtrArray *matrices;   /* CsCorrMatrix */
  GPtrArray *groups;     /* CsGroups */
  GPtrArray *survival;   /* CsSurvivalInput */
  gboolean   labels;     /* group labels: displays instead of codes */
  CsTimeScale time_scale;
  gboolean   time_scale_given;
  /* the caption's parts (strings kept in strings) */
  const char *test;      /* the test with n, statistic and p */
  GString   *variables;  /* "x: …; y: …" */
} ChartData;

static void
chart_data_clear (ChartData *d)
{
  g_clear_object (&d->store);
  g_clear_pointer (&d->rows, g_array_unref);
  g_clear_pointer (&d->strings, g_ptr_array_unref);
  g_clear_pointer (&d->blocks, g_ptr_array_unref);
  g_clear_pointer (&d->matrices, g_ptr_array_unref);
  g_clear_pointer (&d->groups, g_ptr_array_unref);
  g_clear_pointer (&d->survival, g_ptr_array_unref);
  if (d->variables != NULL)
    g_string_free (g_steal_pointer (&d->variables), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChartData, chart_data_clear)

static gpointer
keep (ChartData *d,
      gpointer   block)
{
  g_ptr_array_add (d->blocks, block);
  return block;
}

static const char *
keep_str (ChartData *d,
          char      *str)
{
  g_ptr_array_add (d->strings, str);
  return str;
}

/* ------------------------------------------------------------- helpers */

static const char *
axis_label (ChartData        *d,
            const CsVariable *var)
{
  const char *label = var->label != NULL && *var->label ? var->label : var->key;

  if (var->type == CS_VARIABLE_DATE)
    return keep_str (d, g_strdup (label));
  return keep_str (d, cs_chart_axis_label (label, var->unit));
}

/* Groups of a categorical, boolean or numeric variable over the selected
 * rows (cs_groups_new_from_variable(): the variable's natural order, only
 * those that occur, labels as `table` prints the value or, with --labels,
 * the display text). group[i] (per selected row) is -1 when missing. */
static guint
make_groups (ChartData        *d,
             const CsVariable *var,
             gint32          **group_out,
             const char     ***labels_out)
{
  CsGroups *groups = cs_groups_new_from_variable (var, d->rows,
                                                  d->labels ? CS_ANALYSIS_DISPLAY_LABELS : CS_ANALYSIS_DEFAULT);

  g_ptr_array_add (d->groups, groups);
  *group_out = groups->group;
  *labels_out = (const char **) groups->labels;
  return groups->n_groups;
}

static double *
column (ChartData        *d,
        const CsVariable *var)
{
  return keep (d, cs_analysis_column (var, d->rows));
}

static const char *
title_or (ChartOptions *o,
          ChartData    *d,
          char         *fallback)
{
  if (o->title != NULL)
    {
      g_free (fallback);
      return o->title;
    }
  return keep_str (d, fallback);
}

static const char *
var_name (const CsVariable *var)
{
  return var->label != NULL && *var->label ? var->label : var->key;
}

/* The caption's line of variables: "x: GLCM Contrast (key
 * original_glcm_Contrast); y: Tumour volume (mm³, UCUM mm3; key volume)" */
static void
caption_append (ChartData  *d,
                const char *text)
{
  if (d->variables->len > 0)
    g_string_append (d->variables, "; ");
  g_string_append (d->variables, text);
}

static void
caption_variable (ChartData        *d,
                  const char       *role,
                  const CsVariable *var)
{
  g_autofree char *text = cs_variable_caption (role, var);

  caption_append (d, text);
}

/* The test of two variables as the `stats` command runs it by default,
 * in one line for the caption (and the scatter's line) */
static const char *
caption_test (ChartData        *d,
              const CsVariable *x,
              const CsVariable *y)
{
  g_auto(CsAnalysisTest) test = { 0 };
  g_autoptr(GError) error = NULL;

  if (!cs_analysis_run_test (d->rows, x, y, cs_analysis_default_method (x, y), FALSE, CS_ANALYSIS_DEFAULT,
                             &test, &error))
    return NULL;
  return d->test = keep_str (d, cs_stats_result_summary (&test.result, CS_STATS_P_THRESHOLD));
}

/* --------------------------------------------------------------- kinds */

/* Per selected row: 1 when the row is also in overlay. */
static guint8 *
overlay_flags (ChartData *d,
               GArray    *overlay)
{
  guint8 *flags = keep (d, g_new0 (guint8, MAX (d->rows->len, 1)));
  g_autoptr(GHashTable) in = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < overlay->len; i++)
    g_hash_table_add (in, GUINT_TO_POINTER (g_array_index (overlay, guint, i) + 1));
  for (guint i = 0; i < d->rows->len; i++)
    flags[i] = g_hash_table_contains (in, GUINT_TO_POINTER (g_array_index (d->rows, guint, i) + 1));
  return flags;
}

static int
build_scatter (ChartOptions        *o,
               ChartData           *d,
               CsChartScatterModel *m,
               GArray              *selected)   /* rows of the --filter overlay, or NULL */
{
  CsVariable *xv, *yv;

  if (o->x_key == NULL || o->y_key == NULL)
    {
      cs_cli_error ("%s", _("--kind scatter needs --x K and --y K (numeric variables)"));
      return CS_CLI_USAGE;
    }
  if (!(xv = cs_cli_find_variable (d->store, "--x", o->x_key)) || !(yv = cs_cli_find_variable (d->store, "--y", o->y_key)))
    return CS_CLI_FAILED;
  for (guint i = 0; i < 2; i++)
    {
      CsVariable *v = i == 0 ? xv : yv;

      if (!cs_variable_is_numeric_like (v) && v->type != CS_VARIABLE_BOOLEAN)
        {
          cs_cli_error (_("%s: “%s” is %s; a scatter plot needs numeric variables (try --kind box)"),
                        i == 0 ? "--x" : "--y", v->key, cs_variable_type_to_string (v->type));
          return CS_CLI_FAILED;
        }
    }

  memset (m, 0, sizeof *m);
  m->x = column (d, xv);
  m->y = column (d, yv);
  m->n = d->rows->len;
  m->regression = !o->no_fit;
  m->x_is_date = xv->type == CS_VARIABLE_DATE;
  m->y_is_date = yv->type == CS_VARIABLE_DATE;
  m->x_label = axis_label (d, xv);
  m->y_label = axis_label (d, yv);
  m->title = title_or (o, d, g_strdup_printf ("%s vs %s", var_name (yv), var_name (xv)));
  if (selected != NULL)
    m->selected = overlay_flags (d, selected);
  caption_variable (d, "x", xv);
  caption_variable (d, "y", yv);
  /* the scatter's line names the same test as the caption */
  m->test = caption_test (d, xv, yv);

  if (o->by_key != NULL)
    {
      CsVariable *bv;
      gint32 *group;
      const char **labels;

      if (!(bv = cs_cli_find_variable (d->store, "--by", o->by_key)))
        return CS_CLI_FAILED;
      if (!cs_variable_is_grouping (bv))
        {
          cs_cli_error (_("--by: “%s” is %s; colour needs a categorical or boolean variable"),
                        bv->key, cs_variable_type_to_string (bv->type));
          return CS_CLI_FAILED;
        }
      m->n_categories = make_groups (d, bv, &group, &labels);
      m->category = group;
      m->category_labels = labels;
      m->legend_title = keep_str (d, g_strdup (var_name (bv)));
      caption_variable (d, _("colour"), bv);
    }
  return CS_CLI_OK;
}

static int
build_box (ChartOptions    *o,
           ChartData       *d,
           CsChartBoxModel *m)
{
  CsVariable *xv = NULL, *yv = NULL, *gv = NULL, *nv = NULL;
  const char **labels = NULL;
  CsGroups *groups;
  double *values;
  double **per_group;
  guint *counts;
  guint n_groups;

  if (o->y_key == NULL && o->x_key == NULL)
    {
      cs_cli_error ("%s", _("--kind box needs --y K (numeric) and usually --x K (the grouping variable)"));
      return CS_CLI_USAGE;
    }
  if (o->x_key && !(xv = cs_cli_find_variable (d->store, "--x", o->x_key)))
    return CS_CLI_FAILED;
  if (o->y_key && !(yv = cs_cli_find_variable (d->store, "--y", o->y_key)))
    return CS_CLI_FAILED;

  /* The categorical one groups, whatever the order of --x and --y. */
  if (xv && yv)
    {
      if (cs_variable_is_grouping (xv) && !cs_variable_is_grouping (yv))
        gv = xv, nv = yv;
      else if (cs_variable_is_grouping (yv) && !cs_variable_is_grouping (xv))
        gv = yv, nv = xv;
      else if (cs_variable_is_grouping (xv) && cs_variable_is_grouping (yv))
        {
          cs_cli_error (_("--x “%s” and --y “%s” are both categorical; a box plot needs one numeric variable (try --kind bar)"),
                        xv->key, yv->key);
          return CS_CLI_FAILED;
        }
      else
        {
          cs_cli_error (_("--x “%s” and --y “%s” are both numeric; a box plot needs one categorical variable (try --kind scatter)"),
                        xv->key, yv->key);
          return CS_CLI_FAILED;
        }
    }
  else
    nv = xv ? xv : yv;

  if (!cs_variable_is_numeric_like (nv))
    {
      cs_cli_error (_("“%s” is %s; a box plot needs a numeric variable"), nv->key,
                    cs_variable_type_to_string (nv->type));
      return CS_CLI_FAILED;
    }

  values = column (d, nv);
  if (gv != NULL)
    groups = cs_groups_new_from_variable (gv, d->rows, d->labels ? CS_ANALYSIS_DISPLAY_LABELS : CS_ANALYSIS_DEFAULT);
  else
    groups = cs_groups_new_single (d->rows->len, _("All patients"));
  g_ptr_array_add (d->groups, groups);
  n_groups = groups->n_groups;
  labels = (const char **) groups->labels;

  /* the values of each group, without the missing ones */
  cs_groups_collect (groups, values, &per_group, &counts);
  keep (d, per_group);
  keep (d, counts);
  for (guint g = 0; g < n_groups; g++)
    keep (d, per_group[g]);

  memset (m, 0, sizeof *m);
  m->n_groups = n_groups;
  m->group_labels = labels;
  m->values = (const double * const *) per_group;
  m->n_values = counts;
  m->violin = o->violin;
  m->y_is_date = nv->type == CS_VARIABLE_DATE;
  m->points = !o->no_points;
  m->y_label = axis_label (d, nv);
  m->x_label = gv ? keep_str (d, g_strdup (var_name (gv))) : NULL;
  m->title = title_or (o, d, gv ? g_strdup_printf (_("%s by %s"), var_name (nv), var_name (gv))
                                : g_strdup (var_name (nv)));
  caption_variable (d, "y", nv);
  if (gv != NULL)
    {
      caption_variable (d, "x", gv);
      caption_test (d, gv, nv);
    }
  return CS_CLI_OK;
}

static int
build_histogram (ChartOptions          *o,
                 ChartData             *d,
                 CsChartHistogramModel *m)
{
  const char *key = o->x_key ? o->x_key : o->y_key;
  const char *opt = o->x_key ? "--x" : "--y";
  CsVariable *v;

  if (key == NULL)
    {
      cs_cli_error ("%s", _("--kind histogram needs --x K (a numeric variable)"));
      return CS_CLI_USAGE;
    }
  if (!(v = cs_cli_find_variable (d->store, opt, key)))
    return CS_CLI_FAILED;
  if (!cs_variable_is_numeric_like (v))
    {
      cs_cli_error (_("%s: “%s” is %s; a histogram needs a numeric variable (try --kind bar)"),
                    opt, v->key, cs_variable_type_to_string (v->type));
      return CS_CLI_FAILED;
    }

  memset (m, 0, sizeof *m);
  m->values = column (d, v);
  m->n = d->rows->len;
  m->rule = CS_CHART_BINS_FREEDMAN_DIACONIS;
  m->is_date = v->type == CS_VARIABLE_DATE;
  if (o->bins != NULL)
    {
      char *end = NULL;
      guint64 k;

      if (g_ascii_strcasecmp (o->bins, "fd") == 0)
        m->rule = CS_CHART_BINS_FREEDMAN_DIACONIS;
      else if (g_ascii_strcasecmp (o->bins, "sturges") == 0)
        m->rule = CS_CHART_BINS_STURGES;
      else if ((k = g_ascii_strtoull (o->bins, &end, 10)) >= 1 && k <= 200 && end != o->bins && *end == '\0')
        {
          m->rule = CS_CHART_BINS_FIXED;
          m->n_bins = (guint) k;
        }
      else
        {
          cs_cli_error (_("--bins “%s”: use fd, sturges or a number of bins from 1 to 200"), o->bins);
          return CS_CLI_USAGE;
        }
    }
  m->x_label = axis_label (d, v);
  m->title = title_or (o, d, g_strdup (var_name (v)));
  caption_variable (d, "x", v);
  {
    guint n_values = 0;

    for (guint i = 0; i < m->n; i++)
      n_values += isfinite (m->values[i]);
    d->test = keep_str (d, g_strdup_printf (_("n = %u with a value"), n_values));
  }
  return CS_CLI_OK;
}

static int
build_bar (ChartOptions    *o,
           ChartData       *d,
           CsChartBarModel *m,
           GArray          *selected)   /* rows of the --filter overlay, or NULL */
{
  const char *key = o->x_key ? o->x_key : o->y_key;
  const char *opt = o->x_key ? "--x" : "--y";
  CsVariable *v;
  gint32 *group;
  const char **labels;
  guint n_groups;
  double *all, *sel = NULL;
  guint8 *in_sel = NULL;

  if (key == NULL)
    {
      cs_cli_error ("%s", _("--kind bar needs --x K (a categorical or boolean variable)"));
      return CS_CLI_USAGE;
    }
  if (!(v = cs_cli_find_variable (d->store, opt, key)))
    return CS_CLI_FAILED;
  if (v->type == CS_VARIABLE_SURVIVAL)
    {
      cs_cli_error (_("%s: “%s” is a time-to-event variable (try --kind km)"), opt, v->key);
      return CS_CLI_FAILED;
    }

  n_groups = make_groups (d, v, &group, &labels);
  if (!cs_variable_is_grouping (v) && n_groups > 60)
    {
      cs_cli_error (_("%s: “%s” has %u distinct values; use --kind histogram for a numeric variable"),
                    opt, v->key, n_groups);
      return CS_CLI_FAILED;
    }

  all = keep (d, g_new0 (double, MAX (n_groups, 1)));
  cs_groups_count (g_ptr_array_index (d->groups, d->groups->len - 1), NULL, all);
  if (selected != NULL)
    {
      sel = keep (d, g_new0 (double, MAX (n_groups, 1)));
      in_sel = overlay_flags (d, selected);
      cs_groups_count (g_ptr_array_index (d->groups, d->groups->len - 1), in_sel, sel);
    }

  memset (m, 0, sizeof *m);
  m->n_categories = n_groups;
  m->labels = labels;
  m->counts_all = all;
  m->counts_selected = sel;
  m->x_label = keep_str (d, g_strdup (var_name (v)));
  m->title = title_or (o, d, g_strdup (var_name (v)));
  caption_variable (d, "x", v);
  return CS_CLI_OK;
}

static int
build_km (ChartOptions   *o,
          ChartData      *d,
          CsChartKmModel *m)
{
  CsVariable *tv, *ev = NULL, *gv = NULL;
  g_autofree char *split_key = NULL;
  const char **labels = NULL;
  guint n = d->rows->len, n_groups = 1;
  CsSurvivalInput *input = NULL;
  const double *time;
  const guint8 *event;
  const gint32 *group;
  CsChartKmGroup *groups;
  guint n_shown;
  int status;

  if (o->time_key == NULL)
    {
      cs_cli_error ("%s", _("--kind km needs --time (and --event unless --time is a time-to-event variable)"));
      return CS_CLI_USAGE;
    }
  if (o->by_key != NULL && o->split != NULL)
    {
      cs_cli_error ("%s", _("use either --by or --split, not both"));
      return CS_CLI_USAGE;
    }
  if (o->split != NULL)
    {
      const char *colon = strrchr (o->split, ':');

      if (colon == NULL || colon == o->split || colon[1] == '\0')
        {
          cs_cli_error (_("--split “%s”: expected K:median, K:tertiles or K:NUMBER"), o->split);
          return CS_CLI_USAGE;
        }
      split_key = g_strndup (o->split, colon - o->split);
    }

  if ((status = cs_cli_find_outcome (d->store, o->time_key, o->event_key, &tv, &ev)) != CS_CLI_OK)
    return status;
  if (o->by_key != NULL && !(gv = cs_cli_find_variable (d->store, "--by", o->by_key)))
    return CS_CLI_FAILED;
  if (split_key != NULL)
    {
      if (!(gv = cs_cli_find_variable (d->store, "--split", split_key)))
        return CS_CLI_FAILED;
      if (!cs_variable_is_numeric_like (gv))
        {
          cs_cli_error (_("--split: “%s” is %s; only numeric variables can be split (use --by)"),
                        gv->key, cs_variable_type_to_string (gv->type));
          return CS_CLI_FAILED;
        }
    }
  if (gv != NULL && gv->type == CS_VARIABLE_SURVIVAL)
    {
      cs_cli_error (_("“%s” is a time-to-event variable and cannot group patients"), gv->key);
      return CS_CLI_FAILED;
    }

  if ((status = cs_cli_survival_input (d->store, d->rows, tv, ev, gv, o->split, _("All patients"),
                                       (d->labels ? CS_ANALYSIS_DISPLAY_LABELS : CS_ANALYSIS_DEFAULT) |
                                       CS_ANALYSIS_UNICODE_LABELS,
                                       &input)) != CS_CLI_OK)
    {
      cs_survival_input_free (input);
      return status;
    }
  g_ptr_array_add (d->survival, input);
  time = input->time;
  event = input->event;
  group = input->groups->group;
  n_groups = input->groups->n_groups;
  /* a split's legend names the variable: "JointEntropy ≤ 6.39" */
  if (split_key != NULL)
    cs_groups_name_labels (input->groups, var_name (gv));
  labels = (const char **) input->groups->labels;
  /* the time scale: --time-unit, else the variable's unit */
  if (d->time_scale_given)
    {
      double factor = cs_time_scale_factor (tv->unit, d->time_scale);

      if (isnan (factor))
        {
          cs_cli_error (_("--time-unit: “%s” is in %s, not a unit of time"), tv->key, tv->unit);
          return CS_CLI_FAILED;
        }
      for (guint i = 0; i < input->n; i++)
        input->time[i] *= factor;
    }
  if (gv != NULL && o->by_key != NULL && n_groups > 12)
    {
      cs_cli_error (_("--by: “%s” has %u groups; a Kaplan–Meier plot shows at most 12 (use --split for a numeric variable)"),
                    gv->key, n_groups);
      return CS_CLI_FAILED;
    }

  groups = keep (d, g_new0 (CsChartKmGroup, MAX (n_groups, 1)));
  n_shown = cs_chart_km_groups_from_survival (groups, time, event, group, n, labels, n_groups, NULL, d->blocks);
  if (n_shown == 0)
    {
      cs_cli_error (_("--time “%s”: no selected patient has a survival time and event status"), tv->key);
      return CS_CLI_FAILED;
    }

  memset (m, 0, sizeof *m);
  m->n_groups = n_shown;
  m->groups = groups;
  /* Bands for up to three groups; more get too busy to read. */
  m->ci = !o->no_ci && n_shown <= 3;
  m->at_risk_table = !o->no_table;
  m->x_label = keep_str (d, cs_chart_axis_label (_("Time"), d->time_scale_given ? cs_time_scale_ucum (d->time_scale)
                                                           : tv->unit != NULL ? tv->unit : "d"));
  m->title = title_or (o, d, gv ? g_strdup_printf (_("Survival by %s"), var_name (gv)) : g_strdup (_("Survival")));
  {
    g_autofree char *text = cs_variable_caption_shown_in (_("time"), tv, d->time_scale_given
                                                          ? cs_time_scale_ucum (d->time_scale) : NULL);

    caption_append (d, text);
  }
  if (ev != NULL)
    caption_variable (d, _("event"), ev);
  if (gv != NULL)
    caption_variable (d, _("groups"), gv);
  if (n_shown >= 2)
    {
      g_autoptr(CsLogrank) lr = cs_stats_logrank (time, event, group, n);

      if (lr != NULL)
        m->subtitle = d->test = keep_str (d, cs_stats_logrank_summary (lr, CS_STATS_P_THRESHOLD));
    }
  return CS_CLI_OK;
}

static int
build_heatmap (ChartOptions        *o,
               ChartData           *d,
               CsChartHeatmapModel *m)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new ();
  g_autoptr(GPtrArray) clinical = g_ptr_array_new ();
  g_autoptr(GPtrArray) fcols = g_ptr_array_new ();
  g_autoptr(GPtrArray) ccols = g_ptr_array_new ();
  g_autoptr(GPatternSpec) pattern = NULL;
  g_auto(GStrv) keys = NULL;
  CsStatsMethod method = CS_STATS_METHOD_SPEARMAN;
  CsCorrMatrix *matrix, *fmatrix;
  const char **row_labels, **col_labels;

  if (o->features == NULL || o->clinical == NULL)
    {
      cs_cli_error ("%s", _("--kind heatmap needs --features GLOB and --clinical K1,K2"));
      return CS_CLI_USAGE;
    }
  if (o->method != NULL &&
      (!cs_stats_method_from_string (o->method, &method) ||
       (method != CS_STATS_METHOD_SPEARMAN && method != CS_STATS_METHOD_PEARSON)))
    {
      cs_cli_error (_("--method: “%s” is not spearman or pearson"), o->method);
      return CS_CLI_USAGE;
    }

  keys = g_strsplit (o->clinical, ",", -1);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      CsVariable *var;

      g_strstrip (keys[i]);
      if (keys[i][0] == '\0')
        continue;
      if (!(var = cs_cli_find_variable (d->store, "--clinical", keys[i])))
        return CS_CLI_FAILED;
      if (var->type == CS_VARIABLE_CATEGORICAL || var->type == CS_VARIABLE_SURVIVAL)
        {
          fprintf (stderr, _("cohortscope-cli: note: skipping “%s”: a %s variable has no rank order\n"),
                   var->key, cs_variable_type_to_string (var->type));
          continue;
        }
      g_ptr_array_add (clinical, var);
      g_ptr_array_add (ccols, column (d, var));
    }
  if (clinical->len == 0)
    {
      cs_cli_error ("%s", _("--clinical: none of the variables is numeric, boolean or a date"));
      return CS_CLI_FAILED;
    }

  pattern = g_pattern_spec_new (o->features);
  for (guint i = 0; i < cs_store_get_n_variables (d->store); i++)
    {
      CsVariable *var = cs_store_get_variable (d->store, i);

      if (var->type == CS_VARIABLE_NUMERIC && cs_variable_matches_pattern (var, pattern))
        {
          g_ptr_array_add (features, var);
          g_ptr_array_add (fcols, column (d, var));
        }
    }
  if (features->len == 0)
    {
      cs_cli_error (_("--features: no numeric variable matches “%s”"), o->features);
      return CS_CLI_FAILED;
    }
  if (features->len > 2000)
    {
      cs_cli_error (_("--features “%s” matches %u variables; a heat map shows at most 2000 rows"),
                    o->features, features->len);
      return CS_CLI_FAILED;
    }

  matrix = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, features->len,
                                      (const double *const *) ccols->pdata, clinical->len,
                                      d->rows->len, method, 0, NULL);
  if (matrix == NULL)
    {
      cs_cli_error ("%s", _("the correlation matrix could not be computed"));
      return CS_CLI_FAILED;
    }
  g_ptr_array_add (d->matrices, matrix);

  row_labels = keep (d, g_new0 (const char *, features->len));
  for (guint i = 0; i < features->len; i++)
    row_labels[i] = var_name (g_ptr_array_index (features, i));
  col_labels = keep (d, g_new0 (const char *, clinical->len));
  for (guint j = 0; j < clinical->len; j++)
    col_labels[j] = axis_label (d, g_ptr_array_index (clinical, j));

  memset (m, 0, sizeof *m);
  m->n_rows = features->len;
  m->n_cols = clinical->len;
  m->r = matrix->r;
  m->q = matrix->q;
  m->row_labels = row_labels;
  m->col_labels = col_labels;
  m->order = CS_CHART_ORDER_CLUSTER;
  m->effect_label = method == CS_STATS_METHOD_SPEARMAN ? _("Spearman ρ") : _("Pearson r");
  m->title = title_or (o, d, g_strdup_printf (_("%s vs clinical variables"), o->features));
  d->test = keep_str (d, g_strdup_printf (_("%s of %u features × %u clinical variables over %u patients; "
                                            "marked cells: q < 0.05 (Benjamini–Hochberg)"),
                                          cs_stats_statistic_label (method), features->len, clinical->len,
                                          d->rows->len));
  for (guint j = 0; j < clinical->len; j++)
    caption_variable (d, _("column"), g_ptr_array_index (clinical, j));

  if (o->order != NULL)
    {
      if (g_str_equal (o->order, "cluster"))
        m->order = CS_CHART_ORDER_CLUSTER;
      else if (g_str_equal (o->order, "maxabs"))
        m->order = CS_CHART_ORDER_MAX_ABS;
      else if (g_str_equal (o->order, "given"))
        m->order = CS_CHART_ORDER_AS_GIVEN;
      else
        {
          cs_cli_error (_("--order “%s”: use cluster, maxabs or given"), o->order);
          return CS_CLI_USAGE;
        }
    }

  /* Cluster features on their own correlation (1 − |ρ| between features). */
  if (m->order == CS_CHART_ORDER_CLUSTER && features->len > 2)
    {
      fmatrix = cs_stats_correlate_matrix ((const double *const *) fcols->pdata, features->len,
                                           (const double *const *) fcols->pdata, features->len,
                                           d->rows->len, method, 0, NULL);
      if (fmatrix != NULL)
        {
          g_ptr_array_add (d->matrices, fmatrix);
          m->row_corr = fmatrix->r;
        }
    }
  return CS_CLI_OK;
}

/* The hazard ratios of the model `cox` fits with the same options */
static int
build_forest (ChartOptions       *o,
              ChartData          *d,
              CsCliCox           *cox,
              CsChartForestModel *m)
{
  CsCliCoxOptions co = { o->time_key, o->event_key, o->covariates, o->references, o->strata, o->time_unit };
  CsChartForestCovariate *covs;
  CsChartForestRow *rows;
  const CsCoxInput *in;
  const CsCoxFit *fit;
  int status;

  if (o->time_key == NULL || o->covariates == NULL)
    {
      cs_cli_error ("%s", _("--kind forest needs --time (and --event unless --time is a time-to-event variable) "
                            "and --covariates K1,K2, as cox"));
      return CS_CLI_USAGE;
    }
  if ((status = cs_cli_cox_prepare (d->store, d->rows, &co,
                                    d->labels ? CS_ANALYSIS_DISPLAY_LABELS : CS_ANALYSIS_DEFAULT, cox)) != CS_CLI_OK)
    return status;
  in = cox->input;
  fit = cox->fit;

  covs = keep (d, g_new0 (CsChartForestCovariate, MAX (in->n_covariates, 1)));
  for (guint c = 0; c < in->n_covariates; c++)
    {
      const CsCoxCovariate *cov = &in->covariates[c];
      const char **labels = keep (d, g_new0 (const char *, MAX (cov->n_terms, 1)));
      guint *n = keep (d, g_new0 (guint, MAX (cov->n_terms, 1)));

      for (guint t = 0; t < cov->n_terms; t++)
        {
          labels[t] = in->terms[cov->first_term + t].label;
          n[t] = in->terms[cov->first_term + t].n;
        }
      covs[c].label = d->labels ? var_name (cov->var) : cov->var->key;
      covs[c].reference = cov->reference_label;
      covs[c].reference_n = cov->reference_n;
      covs[c].n_terms = cov->n_terms;
      covs[c].term_labels = labels;
      covs[c].term_n = n;
    }
  rows = keep (d, g_new0 (CsChartForestRow, in->p + 2 * in->n_covariates + 1));

  memset (m, 0, sizeof *m);
  m->rows = rows;
  m->n_rows = cs_chart_forest_rows_from_fit (fit, covs, in->n_covariates, rows);
  m->title = title_or (o, d, g_strdup_printf (_("Hazard ratios, %s"), var_name (cox->time_var)));
  {
    g_autofree char *lr = cs_stats_format_p (fit->lr_p_value, CS_STATS_P_THRESHOLD);
    g_autofree char *ph = cs_stats_format_p (cox->zph->global_p_value, CS_STATS_P_THRESHOLD);
    g_autofree char *c = isfinite (fit->concordance) ? g_strdup_printf ("%.3f", fit->concordance) : g_strdup ("–");
    g_autofree char *unit = cs_ucum_display (cox->time_unit);
    /* the medians in the chosen time unit (--time-unit); hazard ratios do not depend on it */
    g_autofree char *median = cs_cli_format_median (cox->median_survival, unit);
    g_autofree char *follow_up = cs_cli_format_median (cox->median_follow_up, unit);

    m->subtitle = keep_str (d, g_strdup_printf (_("n = %u, %u events; concordance %s; likelihood-ratio %s; "
                                                  "proportional hazards %s"),
                                                fit->n, fit->n_events, c, lr, ph));
    d->test = m->subtitle;
    caption_variable (d, _("time"), cox->time_var);
    /* Translators: the caption's time scale of a Cox model: "in months: median survival 23.33 months, median
     * follow-up 52.21 months" */
    g_string_append_printf (d->variables, _(", in %s: median survival %s, median follow-up %s"), unit, median,
                            follow_up);
  }
  for (guint c = 0; c < in->n_covariates; c++)
    caption_variable (d, _("covariate"), in->covariates[c].var);
  return CS_CLI_OK;
}

/* ------------------------------------------------------------- caption */

/* The caption of the chart: test, variables, cohort, sources, today */
static void
fill_caption (ChartOptions   *o,
              ChartData      *d,
              const char     *title,
              CsChartCaption *caption)
{
  g_autoptr(GString) sources = g_string_new (NULL);
  g_autofree char *words = NULL;

  /* a file or folder by its name (the figure should not show where it was
   * on this machine), a server by its URL */
  for (guint i = 0; o->sources[i] != NULL; i++)
    {
      g_autofree char *name = strstr (o->sources[i], "://") != NULL ? g_strdup (o->sources[i])
                                                                      : g_path_get_basename (o->sources[i]);

      g_string_append_printf (sources, "%s%s", i > 0 ? ", " : "", name);
    }

  caption->title = title;
  caption->test = d->test;
  caption->variables = d->variables->str;
  /* the filter in words under the chart, its expression in the metadata */
  if (o->filter != NULL)
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (o->filter, NULL, NULL);

      words = filter != NULL ? cs_filter_describe (filter, d->store) : g_strdup (o->filter);
      caption->filter = o->filter;
    }
  caption->cohort = keep_str (d, cs_chart_caption_cohort (d->rows->len, cs_store_get_n_patients (d->store),
                                                          o->overlay ? NULL : words));
  if (o->overlay && words != NULL)
    caption->cohort = keep_str (d, g_strdup_printf (_("%s; highlighted: %s"), caption->cohort, words));
  caption->source = keep_str (d, g_string_free (g_steal_pointer (&sources), FALSE));
}

/* ---------------------------------------------------------------- main */

int
cs_cli_cmd_chart (int    argc,
                  char **argv)
{
  g_auto(ChartOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &o.kind_str, N_("scatter, box, histogram, bar, km, heatmap or forest"), "KIND" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Output file: .png, .svg or .pdf"), "FILE" },
    { "width", 0, 0, G_OPTION_ARG_INT, &o.width, N_("Width in pixels (points for PDF; default 960)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &o.height, N_("Height in pixels (points for PDF; default 640)"), "H" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &o.filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &o.dark, N_("Dark background"), NULL },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o.title, N_("Chart title (\"\" for none)"), "TEXT" },
    { "x", 0, 0, G_OPTION_ARG_STRING, &o.x_key, N_("scatter, box, histogram, bar: variable on x"), "K" },
    { "y", 0, 0, G_OPTION_ARG_STRING, &o.y_key, N_("scatter, box: variable on y"), "K" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &o.by_key, N_("km: group by this variable; scatter: colour by it"), "K" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &o.time_key, N_("km: time variable or time-to-event variable"), "K" },
    { "event", 0, 0, G_OPTION_ARG_STRING, &o.event_key, N_("km: event indicator (boolean or 0/1)"), "K" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &o.split, N_("km: split a numeric variable: K:median, K:tertiles or K:NUMBER"), "K:HOW" },
    { "features", 0, 0, G_OPTION_ARG_STRING, &o.features, N_("heatmap: glob over feature keys and codes"), "GLOB" },
    { "clinical", 0, 0, G_OPTION_ARG_STRING, &o.clinical, N_("heatmap: comma-separated clinical variables"), "K1,K2" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &o.method, N_("heatmap: spearman (default) or pearson"), "M" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &o.order, N_("heatmap: row order cluster (default), maxabs or given"), "ORDER" },
    { "covariates", 0, 0, G_OPTION_ARG_STRING, &o.covariates, N_("forest: the Cox model’s covariates (as cox)"), "K1,K2" },
    { "reference", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.references, N_("forest: a covariate’s reference level (as cox; repeatable)"), "KEY=LEVEL" },
    { "strata", 0, 0, G_OPTION_ARG_STRING, &o.strata, N_("forest: stratify the Cox model (as cox)"), "K1,K2" },
    { "bins", 0, 0, G_OPTION_ARG_STRING, &o.bins, N_("histogram: fd (default), sturges or a number"), "RULE" },
    { "violin", 0, 0, G_OPTION_ARG_NONE, &o.violin, N_("box: draw violins (Gaussian KDE)"), NULL },
    { "no-points", 0, 0, G_OPTION_ARG_NONE, &o.no_points, N_("box: hide the points"), NULL },
    { "no-fit", 0, 0, G_OPTION_ARG_NONE, &o.no_fit, N_("scatter: no least-squares line"), NULL },
    { "no-ci", 0, 0, G_OPTION_ARG_NONE, &o.no_ci, N_("km: no confidence bands"), NULL },
    { "no-risk-table", 0, 0, G_OPTION_ARG_NONE, &o.no_table, N_("km: no numbers-at-risk table"), NULL },
    { "overlay", 0, 0, G_OPTION_ARG_NONE, &o.overlay, N_("bar, scatter: draw the --filter selection over the whole cohort"), NULL },
    { "labels", 0, 0, G_OPTION_ARG_NONE, &o.labels, N_("Name groups by their display text instead of their code"), NULL },
    { "time-unit", 0, 0, G_OPTION_ARG_STRING, &o.time_unit, N_("km, forest: times and medians in days, months or years (default: the variable’s unit)"), "UNIT" },
    { "no-caption", 0, 0, G_OPTION_ARG_NONE, &o.no_caption, N_("No caption (test, variables, cohort, source, date) under the chart"), NULL },
    { NULL }
  };
  g_auto(ChartData) d = { 0 };
  g_auto(CsCliCox) cox = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) overlay_rows = NULL;
  CsChartKind kind = CS_CHART_SCATTER;
  CsChartModel model;
  CsChartCaption caption = { 0 };
  int status = CS_CLI_OK;

  if (!cs_cli_parse_options (&argc, &argv, NULL, _("Renders a chart to PNG, SVG or PDF."), entries))
    return CS_CLI_USAGE;

  if (o.kind_str == NULL || !cs_chart_kind_from_string (o.kind_str, &kind))
    {
      if (o.kind_str == NULL)
        cs_cli_error ("%s", _("chart needs --kind scatter, box, histogram, bar, km, heatmap or forest"));
      else
        cs_cli_error (_("--kind “%s”: use scatter, box, histogram, bar, km, heatmap or forest"), o.kind_str);
      return CS_CLI_USAGE;
    }
  if (o.output == NULL)
    {
      cs_cli_error ("%s", _("chart needs -o FILE ending in .png, .svg or .pdf"));
      return CS_CLI_USAGE;
    }
  {
    g_autofree char *lower = g_ascii_strdown (o.output, -1);

    if (!g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg") && !g_str_has_suffix (lower, ".pdf"))
      {
        cs_cli_error (_("-o “%s”: the file name must end in .png, .svg or .pdf"), o.output);
        return CS_CLI_USAGE;
      }
  }
  if (o.width == 0)
    o.width = 960;
  if (o.height == 0)
    o.height = 640;
  if (o.width < 200 || o.height < 150 || o.width > 20000 || o.height > 20000)
    {
      cs_cli_error (_("--width %d --height %d: use 200 to 20000 × 150 to 20000"), o.width, o.height);
      return CS_CLI_USAGE;
    }
  if (o.overlay && kind != CS_CHART_BAR && kind != CS_CHART_SCATTER)
    {
      cs_cli_error ("%s", _("--overlay applies to --kind bar and scatter only"));
      return CS_CLI_USAGE;
    }
  if (o.overlay && o.filter == NULL)
    {
      cs_cli_error ("%s", _("--overlay needs a --filter expression to draw over the whole cohort"));
      return CS_CLI_USAGE;
    }
  if (o.sources == NULL || o.sources[0] == NULL)
    {
      cs_cli_error ("%s", _("No --source given: name a Bundle or NDJSON file, a directory or a FHIR server URL"));
      return CS_CLI_USAGE;
    }

  if (o.time_unit != NULL && !cs_time_scale_from_string (o.time_unit, &d.time_scale))
    {
      cs_cli_error (_("--time-unit “%s”: use days, months or years"), o.time_unit);
      return CS_CLI_USAGE;
    }
  d.time_scale_given = o.time_unit != NULL;
  d.labels = o.labels;
  d.variables = g_string_new (NULL);
  d.strings = g_ptr_array_new_with_free_func (g_free);
  d.blocks = g_ptr_array_new_with_free_func (g_free);
  d.matrices = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_corr_matrix_free);
  d.groups = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_groups_free);
  d.survival = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_survival_input_free);

  if (!(d.store = cs_cli_load_sources (o.sources, &error)))
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }
  /* --overlay: the bars count the whole cohort, the filter is the selection */
  if (!(d.rows = cs_cli_select_rows (d.store, o.overlay ? NULL : o.filter, &error)))
    {
      cs_cli_error (_("bad --filter: %s"), error->message);
      return g_error_matches (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX) ? CS_CLI_USAGE : CS_CLI_FAILED;
    }
  if (o.overlay && o.filter != NULL && !(overlay_rows = cs_cli_select_rows (d.store, o.filter, &error)))
    {
      cs_cli_error (_("bad --filter: %s"), error->message);
      return g_error_matches (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX) ? CS_CLI_USAGE : CS_CLI_FAILED;
    }
  if (d.rows->len == 0)
    {
      cs_cli_error ("%s", o.filter ? _("no patient matches the --filter expression") : _("the sources hold no patients"));
      return CS_CLI_FAILED;
    }

  switch (kind)
    {
    case CS_CHART_SCATTER:
      status = build_scatter (&o, &d, &model.scatter, overlay_rows);
      break;
    case CS_CHART_BOX:
      status = build_box (&o, &d, &model.box);
      break;
    case CS_CHART_HISTOGRAM:
      status = build_histogram (&o, &d, &model.histogram);
      break;
    case CS_CHART_BAR:
      status = build_bar (&o, &d, &model.bar, overlay_rows);
      break;
    case CS_CHART_KM:
      status = build_km (&o, &d, &model.km);
      break;
    case CS_CHART_HEATMAP:
      status = build_heatmap (&o, &d, &model.heatmap);
      break;
    case CS_CHART_FOREST:
      status = build_forest (&o, &d, &cox, &model.forest);
      break;
    default:
      g_assert_not_reached ();
    }
  if (status != CS_CLI_OK)
    return status;

  fill_caption (&o, &d, cs_chart_model_title (kind, &model), &caption);
  if (!cs_chart_export_captioned (kind, &model, o.no_caption ? NULL : &caption,
                                  o.dark ? cs_chart_style_dark () : cs_chart_style_light (),
                                  o.output, o.width, o.height, &error))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }

  return CS_CLI_OK;
}
