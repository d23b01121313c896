/* cs-analysis.c: store columns → the arrays the statistics and charts take
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs-analysis.h"

G_DEFINE_QUARK (cs-analysis-error-quark, cs_analysis_error)

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ rows */

GArray *
cs_analysis_rows (guint           n_patients,
                  const CsBitset *selection)
{
  GArray *rows;

  if (selection != NULL && selection->n_bits == n_patients)
    return cs_bitset_to_rows (selection);

  rows = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_patients);
  for (guint i = 0; i < n_patients; i++)
    g_array_append_val (rows, i);
  return rows;
}

double *
cs_analysis_column (const CsVariable *var,
                    GArray           *rows)
{
  double *col = g_new (double, MAX (rows->len, 1));

  for (guint i = 0; i < rows->len; i++)
    col[i] = cs_variable_value_at (var, g_array_index (rows, guint, i));
  return col;
}

gboolean
cs_analysis_is_correlatable (const CsVariable *var)
{
  g_autofree double *ranks = NULL;

  switch (var->type)
    {
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
      return TRUE;
    case CS_VARIABLE_CATEGORICAL:
      ranks = cs_variable_get_ordinal_ranks (var);
      return ranks != NULL;
    case CS_VARIABLE_SURVIVAL:
    default:
      return FALSE;
    }
}

double *
cs_analysis_rank_column (const CsVariable *var,
                         GArray           *rows)
{
  g_autofree double *ranks = NULL;
  double *col;

  if (var->type != CS_VARIABLE_CATEGORICAL || (ranks = cs_variable_get_ordinal_ranks (var)) == NULL)
    return cs_analysis_column (var, rows);
  col = g_new (double, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    col[i] = cs_variable_ordinal_value_at (var, ranks, g_array_index (rows, guint, i));
  return col;
}

/* ---------------------------------------------------------------- groups */

static CsGroups *
groups_new (guint n)
{
  CsGroups *groups = g_new0 (CsGroups, 1);

  groups->n = n;
  groups->group = g_new (gint32, MAX (n, 1));
  return groups;
}

CsGroups *
cs_groups_new_from_variable (const CsVariable *var,
                             GArray           *rows,
                             CsAnalysisFlags   flags)
{
  guint n = rows->len, n_raw = 0, n_distinct = 0;
  CsGroups *groups = groups_new (n);
  gint32 *raw = groups->group;
  g_autofree guint *first_row = NULL;
  g_autofree gint32 *dense = NULL;
  g_autofree double *distinct = NULL;
  GPtrArray *labels;

  g_return_val_if_fail (var != NULL, NULL);

  if (var->type == CS_VARIABLE_CATEGORICAL)
    {
      n_raw = var->levels != NULL ? var->levels->len : 0;
      for (guint i = 0; i < n; i++)
        raw[i] = var->cat != NULL ? var->cat[g_array_index (rows, guint, i)] : -1;
    }
  else if (var->type == CS_VARIABLE_BOOLEAN)
    {
      n_raw = 2;
      for (guint i = 0; i < n; i++)
        {
          double v = cs_variable_value_at (var, g_array_index (rows, guint, i));

          raw[i] = isnan (v) ? -1 : (v != 0);
        }
    }
  else
    {
      /* the distinct values, ascending */
      distinct = g_new (double, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          double v = cs_variable_value_at (var, g_array_index (rows, guint, i));

          if (!isnan (v))
            distinct[n_distinct++] = v;
        }
      qsort (distinct, n_distinct, sizeof (double), compare_double);
      for (guint i = 0; i < n_distinct; i++)
        if (n_raw == 0 || distinct[i] != distinct[n_raw - 1])
          distinct[n_raw++] = distinct[i];
      for (guint i = 0; i < n; i++)
        {
          double v = cs_variable_value_at (var, g_array_index (rows, guint, i));
          double *hit = isnan (v) ? NULL : bsearch (&v, distinct, n_raw, sizeof (double), compare_double);

          raw[i] = hit != NULL ? (gint32) (hit - distinct) : -1;
        }
    }

  /* keep the groups that occur, in their natural order; each is labelled
   * by the cell of its first row */
  first_row = g_new (guint, MAX (n_raw, 1));
  dense = g_new (gint32, MAX (n_raw, 1));
  for (guint l = 0; l < n_raw; l++)
    {
      first_row[l] = G_MAXUINT;
      dense[l] = -1;
    }
  for (guint i = 0; i < n; i++)
    if (raw[i] >= 0 && (guint) raw[i] < n_raw && first_row[raw[i]] == G_MAXUINT)
      first_row[raw[i]] = g_array_index (rows, guint, i);

  labels = g_ptr_array_new ();
  for (guint l = 0; l < n_raw; l++)
    {
      if (first_row[l] == G_MAXUINT)
        continue;
      dense[l] = (gint32) groups->n_groups++;
      g_ptr_array_add (labels, cs_variable_format_cell (var, first_row[l],
                                                        (flags & CS_ANALYSIS_DISPLAY_LABELS) != 0));
    }
  g_ptr_array_add (labels, NULL);
  groups->labels = (char **) g_ptr_array_free (labels, FALSE);

  for (guint i = 0; i < n; i++)
    groups->group[i] = (raw[i] >= 0 && (guint) raw[i] < n_raw) ? dense[raw[i]] : -1;

  return groups;
}

CsGroups *
cs_groups_new_single (guint       n,
                      const char *label)
{
  CsGroups *groups = groups_new (n);

  memset (groups->group, 0, sizeof (gint32) * MAX (n, 1));
  groups->n_groups = 1;
  groups->labels = g_new0 (char *, 2);
  groups->labels[0] = g_strdup (label);
  return groups;
}

void
cs_groups_name_labels (CsGroups   *groups,
                       const char *name)
{
  g_return_if_fail (groups != NULL && name != NULL);

  for (guint g = 0; g < groups->n_groups; g++)
    {
      char *named = g_strdup_printf ("%s %s", name, groups->labels[g]);

      g_free (groups->labels[g]);
      groups->labels[g] = named;
    }
}

CsGroups *
cs_groups_new_from_cuts (const double    *values,
                         guint            n,
                         const double    *cuts,
                         guint            n_cuts,
                         CsAnalysisFlags  flags)
{
  CsGroups *groups;
  const char *le = (flags & CS_ANALYSIS_UNICODE_LABELS) ? "≤" : "<=";
  char a[32], b[32];

  g_return_val_if_fail (n_cuts == 1 || n_cuts == 2, NULL);

  groups = groups_new (n);
  groups->n_groups = n_cuts + 1;
  groups->labels = g_new0 (char *, n_cuts + 2);
  cs_format_double_buf (cuts[0], a);
  groups->labels[0] = g_strdup_printf ("%s %s", le, a);
  if (n_cuts == 2)
    {
      cs_format_double_buf (cuts[1], b);
      groups->labels[1] = g_strdup_printf ("(%s, %s]", a, b);
      groups->labels[2] = g_strdup_printf ("> %s", b);
    }
  else
    groups->labels[1] = g_strdup_printf ("> %s", a);

  for (guint i = 0; i < n; i++)
    {
      double x = values[i];

      if (isnan (x))
        groups->group[i] = -1;
      else if (x <= cuts[0])
        groups->group[i] = 0;
      else if (n_cuts == 1 || x <= cuts[1])
        groups->group[i] = 1;
      else
        groups->group[i] = 2;
    }
  return groups;
}

void
cs_groups_restrict (CsGroups     *groups,
                    const double *values)
{
  g_autofree guint *count = g_new0 (guint, MAX (groups->n_groups, 1));
  g_autofree gint32 *remap = g_new (gint32, MAX (groups->n_groups, 1));
  guint k = 0;

  for (guint i = 0; i < groups->n; i++)
    {
      if (groups->group[i] >= 0 && isnan (values[i]))
        groups->group[i] = -1;
      if (groups->group[i] >= 0)
        count[groups->group[i]]++;
    }
  for (guint g = 0; g < groups->n_groups; g++)
    {
      if (count[g] == 0)
        {
          remap[g] = -1;
          g_clear_pointer (&groups->labels[g], g_free);
          continue;
        }
      remap[g] = (gint32) k;
      groups->labels[k] = groups->labels[g];
      if (k != g)
        groups->labels[g] = NULL;
      k++;
    }
  for (guint g = k; g < groups->n_groups; g++)
    groups->labels[g] = NULL;
  for (guint i = 0; i < groups->n; i++)
    if (groups->group[i] >= 0)
      groups->group[i] = remap[groups->group[i]];
  groups->n_groups = k;
}

void
cs_groups_count (const CsGroups *groups,
                 const guint8   *mask,
                 double         *counts)
{
  for (guint g = 0; g < groups->n_groups; g++)
    counts[g] = 0;
  for (guint i = 0; i < groups->n; i++)
    if (groups->group[i] >= 0 && (mask == NULL || mask[i]))
      counts[groups->group[i]] += 1;
}

void
cs_groups_collect (const CsGroups   *groups,
                   const double     *values,
                   double         ***per_group_out,
                   guint           **counts_out)
{
  guint n_groups = groups->n_groups;
  guint *counts = g_new0 (guint, MAX (n_groups, 1));
  double **per_group = g_new0 (double *, MAX (n_groups, 1));

  for (guint i = 0; i < groups->n; i++)
    if (groups->group[i] >= 0 && !isnan (values[i]))
      counts[groups->group[i]]++;
  for (guint g = 0; g < n_groups; g++)
    {
      per_group[g] = g_new (double, MAX (counts[g], 1));
      counts[g] = 0;
    }
  for (guint i = 0; i < groups->n; i++)
    {
      gint32 g = groups->group[i];

      if (g >= 0 && !isnan (values[i]))
        per_group[g][counts[g]++] = values[i];
    }
  *per_group_out = per_group;
  *counts_out = counts;
}

void
cs_groups_free_values (double **per_group,
                       guint    n_groups)
{
  if (per_group == NULL)
    return;
  for (guint g = 0; g < n_groups; g++)
    g_free (per_group[g]);
  g_free (per_group);
}

void
cs_groups_free (CsGroups *groups)
{
  if (groups == NULL)
    return;
  g_free (groups->group);
  g_strfreev (groups->labels);
  g_free (groups);
}

/* ---------------------------------------------------------------- splits */

gboolean
cs_split_parse (const char  *text,
                CsSplit     *split,
                GError     **error)
{
  char *end = NULL;
  double cut;

  if (text != NULL && g_str_equal (text, "median"))
    {
      split->rule = CS_SPLIT_MEDIAN;
      split->cut = NAN;
      return TRUE;
    }
  if (text != NULL && g_str_equal (text, "tertiles"))
    {
      split->rule = CS_SPLIT_TERTILES;
      split->cut = NAN;
      return TRUE;
    }
  if (text != NULL)
    {
      cut = g_ascii_strtod (text, &end);
      if (end != text && *end == '\0' && isfinite (cut))
        {
          split->rule = CS_SPLIT_CUT;
          split->cut = cut;
          return TRUE;
        }
    }
  g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT,
               _("“%s” is not median, tertiles or a number"), text != NULL ? text : "");
  return FALSE;
}

double
cs_analysis_quantile_sorted (const double *sorted,
                             gsize         n,
                             double        prob)
{
  double h = (double) (n - 1) * prob;
  gsize lo = (gsize) floor (h);

  g_return_val_if_fail (n > 0, NAN);

  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (h - (double) lo) * (sorted[lo + 1] - sorted[lo]);
}

guint
cs_split_cuts (const CsSplit *split,
               const double  *values,
               const double  *use,
               guint          n,
               double         cuts[2])
{
  g_autofree double *sorted = NULL;
  guint m = 0;

  if (split->rule == CS_SPLIT_CUT)
    {
      cuts[0] = split->cut;
      return 1;
    }

  sorted = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    if (!isnan (values[i]) && (use == NULL || !isnan (use[i])))
      sorted[m++] = values[i];
  if (m == 0)
    return 0;
  qsort (sorted, m, sizeof (double), compare_double);
  if (split->rule == CS_SPLIT_MEDIAN)
    {
      cuts[0] = cs_analysis_quantile_sorted (sorted, m, 0.5);
      return 1;
    }
  cuts[0] = cs_analysis_quantile_sorted (sorted, m, 1.0 / 3.0);
  cuts[1] = cs_analysis_quantile_sorted (sorted, m, 2.0 / 3.0);
  return 2;
}

/* -------------------------------------------------------------- survival */

void
cs_survival_input_free (CsSurvivalInput *input)
{
  if (input == NULL)
    return;
  g_free (input->time);
  g_free (input->event);
  g_free (input->x);
  cs_groups_free (input->groups);
  g_free (input);
}

gboolean
cs_survival_input_build (CsStore           *store,
                         GArray            *rows,
                         const CsVariable  *time_var,
                         const CsVariable  *event_var,
                         const CsVariable  *group_var,
                         const char        *split_text,
                         const char        *all_label,
                         CsAnalysisFlags    flags,
                         CsSurvivalInput  **input_out,
                         GError           **error)
{
  CsSurvivalInput *input = g_new0 (CsSurvivalInput, 1);
  guint n = rows->len;
  gboolean strict = (flags & CS_ANALYSIS_STRICT) != 0;

  g_return_val_if_fail (time_var != NULL, FALSE);
  g_return_val_if_fail (split_text == NULL || group_var != NULL, FALSE);

  *input_out = input;
  input->n = n;
  input->time = g_new (double, MAX (n, 1));
  input->event = g_new0 (guint8, MAX (n, 1));
  input->bad_row = G_MAXUINT;
  input->bad_value = NAN;

  for (guint i = 0; i < n; i++)
    {
      guint row = g_array_index (rows, guint, i);
      double t = cs_variable_value_at (time_var, row);
      double e;

      if (event_var != NULL)
        e = cs_variable_value_at (event_var, row);
      else
        e = time_var->event != NULL ? time_var->event[row] : NAN;

      if (!isnan (t) && !isnan (e) && e != 0 && e != 1)
        {
          if (strict)
            {
              input->bad_row = row;
              input->bad_value = e;
              g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_EVENT,
                           _("“%s”, patient “%s”: event value %g is not 0 or 1"),
                           event_var != NULL ? event_var->key : time_var->key,
                           store != NULL ? cs_store_get_patient_id (store, row) : "?", e);
              return FALSE;
            }
          e = NAN;
        }
      if (!isnan (t) && t < 0)
        {
          if (strict)
            {
              input->bad_row = row;
              input->bad_value = t;
              g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NEGATIVE_TIME,
                           _("“%s”, patient “%s”: negative time %g"),
                           time_var->key, store != NULL ? cs_store_get_patient_id (store, row) : "?", t);
              return FALSE;
            }
          t = NAN;
        }
      input->time[i] = isnan (e) ? NAN : t;
      input->event[i] = e == 1;
    }

  if (group_var == NULL)
    {
      input->groups = cs_groups_new_single (n, all_label);
      return TRUE;
    }

  if (group_var->type != CS_VARIABLE_CATEGORICAL)
    input->x = cs_analysis_column (group_var, rows);

  if (split_text == NULL)
    {
      input->groups = cs_groups_new_from_variable (group_var, rows, flags);
      for (guint i = 0; i < n; i++)
        if (input->groups->group[i] < 0)
          input->time[i] = NAN;
      return TRUE;
    }

  {
    CsSplit split;

    if (input->x == NULL)
      input->x = cs_analysis_column (group_var, rows);
    for (guint i = 0; i < n; i++)
      if (isnan (input->x[i]))
        input->time[i] = NAN;
    if (!cs_split_parse (split_text, &split, error))
      return FALSE;
    input->n_cuts = cs_split_cuts (&split, input->x, input->time, n, input->cuts);
    if (input->n_cuts == 0)
      {
        g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NO_VALUES,
                     _("“%s” has no values among the selected patients with a survival time"),
                     group_var->key);
        return FALSE;
      }
    input->groups = cs_groups_new_from_cuts (input->x, n, input->cuts, input->n_cuts, flags);
  }
  return TRUE;
}

/* ------------------------------------------------------------ pair tests */

void
cs_analysis_pair_roles (const CsVariable  *x,
                        const CsVariable  *y,
                        const CsVariable **num,
                        const CsVariable **grp)
{
  *num = NULL;
  *grp = NULL;
  if (cs_variable_is_numeric_like (x) && cs_variable_is_grouping (y))
    {
      *num = x;
      *grp = y;
    }
  else if (cs_variable_is_grouping (x) && cs_variable_is_numeric_like (y))
    {
      *num = y;
      *grp = x;
    }
}

CsStatsMethod
cs_analysis_default_method (const CsVariable *x,
                            const CsVariable *y)
{
  const CsVariable *num, *grp;

  cs_analysis_pair_roles (x, y, &num, &grp);
  if (cs_variable_is_numeric_like (x) && cs_variable_is_numeric_like (y))
    return CS_STATS_METHOD_SPEARMAN;
  if (num != NULL)
    return CS_STATS_METHOD_MANNWHITNEY;
  return CS_STATS_METHOD_CHI2;
}

static gboolean
is_correlatable (const CsVariable *var)
{
  return cs_variable_is_numeric_like (var) || var->type == CS_VARIABLE_BOOLEAN;
}

void
cs_analysis_test_clear (CsAnalysisTest *test)
{
  g_clear_pointer (&test->values, g_free);
  g_clear_pointer (&test->groups, cs_groups_free);
  g_clear_pointer (&test->x_groups, cs_groups_free);
  g_clear_pointer (&test->y_groups, cs_groups_free);
}

gboolean
cs_analysis_run_test (GArray            *rows,
                      const CsVariable  *x,
                      const CsVariable  *y,
                      CsStatsMethod      method,
                      gboolean           method_given,
                      CsAnalysisFlags    flags,
                      CsAnalysisTest    *test,
                      GError           **error)
{
  guint n = rows->len;

  cs_stats_result_init (&test->result, method);
  cs_analysis_pair_roles (x, y, &test->num, &test->grp);

  switch (method)
    {
    case CS_STATS_METHOD_PEARSON:
    case CS_STATS_METHOD_SPEARMAN:
      {
        g_autofree double *a = NULL;
        g_autofree double *b = NULL;

        if (!is_correlatable (x) || !is_correlatable (y))
          {
            g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES,
                         _("%s needs two numeric variables; “%s” is %s"),
                         cs_stats_method_to_string (method),
                         is_correlatable (x) ? y->key : x->key,
                         cs_variable_type_to_string (is_correlatable (x) ? y->type : x->type));
            return FALSE;
          }
        a = cs_analysis_column (x, rows);
        b = cs_analysis_column (y, rows);
        if (method == CS_STATS_METHOD_PEARSON)
          cs_stats_pearson (a, b, n, &test->result);
        else
          cs_stats_spearman (a, b, n, &test->result);
      }
      return TRUE;

    case CS_STATS_METHOD_MANNWHITNEY:
    case CS_STATS_METHOD_KRUSKAL:
      if (test->num == NULL)
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES,
                       _("%s needs one numeric and one categorical or boolean variable (got %s and %s)"),
                       cs_stats_method_to_string (method),
                       cs_variable_type_to_string (x->type), cs_variable_type_to_string (y->type));
          return FALSE;
        }
      test->values = cs_analysis_column (test->num, rows);
      test->groups = cs_groups_new_from_variable (test->grp, rows, flags);
      /* only the rows with both values, only groups that have one */
      cs_groups_restrict (test->groups, test->values);
      if (method == CS_STATS_METHOD_MANNWHITNEY && test->groups->n_groups > 2)
        {
          if (method_given)
            {
              g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_GROUPS,
                           _("Mann–Whitney compares two groups, but “%s” has %u"),
                           test->grp->key, test->groups->n_groups);
              return FALSE;
            }
          method = CS_STATS_METHOD_KRUSKAL;
        }
      if (method == CS_STATS_METHOD_KRUSKAL)
        cs_stats_kruskal (test->values, test->groups->group, n, &test->result);
      else
        cs_stats_two_groups (test->values, test->groups->group, n, &test->result);
      return TRUE;

    case CS_STATS_METHOD_CHI2:
      if (!cs_variable_is_grouping (x) || !cs_variable_is_grouping (y))
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES,
                       _("χ² needs two categorical or boolean variables (got %s and %s)"),
                       cs_variable_type_to_string (x->type), cs_variable_type_to_string (y->type));
          return FALSE;
        }
      test->x_groups = cs_groups_new_from_variable (x, rows, flags);
      test->y_groups = cs_groups_new_from_variable (y, rows, flags);
      cs_stats_chi2 (test->x_groups->group, test->y_groups->group, n, &test->result);
      return TRUE;

    default:
      g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES,
                   _("Unknown statistical test"));
      return FALSE;
    }
}
