/* cs-analysis-cox.c: store columns → the design of a Cox model
 *
 * The rules (docs/STATISTICS.md, "Cox proportional hazards"): complete
 * cases; numeric and date covariates as they are; categorical and boolean
 * covariates treatment-coded against a reference level, one column per
 * other level that occurs, named KEY=LEVEL with the level as `table`
 * prints it; strata crossed into one stratum per combination.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-analysis-private.h"

void
cs_cox_input_free (CsCoxInput *input)
{
  if (input == NULL)
    return;
  g_clear_pointer (&input->rows, g_array_unref);
  g_free (input->time);
  g_free (input->event);
  g_free (input->strata);
  for (guint c = 0; c < input->n_covariates; c++)
    {
      g_free (input->covariates[c].reference_name);
      g_free (input->covariates[c].reference_label);
    }
  g_free (input->covariates);
  for (guint j = 0; j < input->p; j++)
    {
      g_free (input->terms[j].name);
      g_free (input->terms[j].label);
      if (input->x != NULL)
        g_free (input->x[j]);
    }
  g_free (input->terms);
  g_free (input->x);
  g_free (input->term_of_column);
  g_free (input);
}

static gboolean
is_coded (const CsVariable *var)
{
  return var->type == CS_VARIABLE_CATEGORICAL || var->type == CS_VARIABLE_BOOLEAN;
}

/* The level of a categorical or boolean var at row: level index, 1 / 0
 * for true / false; −1 when missing. */
static int
level_at (const CsVariable *var,
          guint             row)
{
  if (var->type == CS_VARIABLE_CATEGORICAL)
    return var->cat[row];
  if (isnan (var->num[row]))
    return -1;
  return var->num[row] != 0 ? 1 : 0;
}

static guint
n_levels (const CsVariable *var)
{
  return var->type == CS_VARIABLE_CATEGORICAL ? var->levels->len : 2;
}

/* A level as `table` prints it (code, true/false), or its display text */
static char *
level_name (const CsVariable *var,
            int               level,
            gboolean          display)
{
  const CsLevel *l;

  if (var->type == CS_VARIABLE_BOOLEAN)
    return g_strdup (level ? "true" : "false");
  l = g_ptr_array_index (var->levels, level);
  if (display && l->display != NULL && *l->display != '\0')
    return g_strdup (l->display);
  return g_strdup (l->code);
}

static int
find_level (const CsVariable *var,
            const char       *text)
{
  if (var->type == CS_VARIABLE_CATEGORICAL)
    return cs_variable_find_level (var, text);
  if (g_ascii_strcasecmp (text, "true") == 0)
    return 1;
  if (g_ascii_strcasecmp (text, "false") == 0)
    return 0;
  return -1;
}

static char *
list_levels (const CsVariable *var)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint l = 0; l < n_levels (var); l++)
    {
      g_autofree char *name = level_name (var, (int) l, FALSE);

      if (l > 0)
        g_string_append (out, ", ");
      g_string_append (out, name);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The references given for each covariate (−1: none); errors name the
 * offending KEY=LEVEL. */
static gboolean
parse_references (CsStore                 *store,
                  const CsVariable *const *covariates,
                  guint                    n_covariates,
                  const char *const       *references,
                  int                     *given,
                  GError                 **error)
{
  for (guint c = 0; c < n_covariates; c++)
    given[c] = -1;

  for (guint r = 0; references != NULL && references[r] != NULL; r++)
    {
      const char *text = references[r];
      const char *eq = strchr (text, '=');
      g_autofree char *key = NULL;
      const CsVariable *var = NULL;
      guint c;

      if (eq == NULL || eq == text || eq[1] == '\0')
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE_SYNTAX,
                       _("reference “%s”: expected KEY=LEVEL"), text);
          return FALSE;
        }
      key = g_strndup (text, eq - text);
      if (store != NULL)
        var = cs_store_find_variable (store, key);
      for (c = 0; c < n_covariates; c++)
        if (covariates[c] == var || g_str_equal (covariates[c]->key, key))
          break;
      if (c == n_covariates)
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE_SYNTAX,
                       _("reference “%s”: “%s” is not a covariate of the model"), text, key);
          return FALSE;
        }
      if (!is_coded (covariates[c]))
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE,
                       _("reference “%s”: “%s” is %s; only categorical and boolean covariates have a "
                         "reference level"), text, covariates[c]->key,
                       cs_variable_type_to_string (covariates[c]->type));
          return FALSE;
        }
      if ((given[c] = find_level (covariates[c], eq + 1)) < 0)
        {
          g_autofree char *levels = list_levels (covariates[c]);

          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE,
                       _("reference “%s”: “%s” is not a level of “%s” (its levels: %s)"),
                       text, eq + 1, covariates[c]->key, levels);
          return FALSE;
        }
    }
  return TRUE;
}

gint32 *
cs_analysis_cross_strata (GArray                  *rows,
                          const CsVariable *const *strata,
                          guint                    n_strata,
                          CsAnalysisFlags          flags,
                          guint                   *n_out)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_groups_free);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint32 *out = g_new (gint32, MAX (rows->len, 1));

  for (guint k = 0; k < n_strata; k++)
    g_ptr_array_add (groups, cs_groups_new_from_variable (strata[k], rows, flags));

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GString) combo = g_string_new (NULL);
      gpointer value;

      out[i] = 0;
      for (guint k = 0; k < n_strata && out[i] >= 0; k++)
        {
          gint32 g = ((CsGroups *) g_ptr_array_index (groups, k))->group[i];

          if (g < 0)
            out[i] = -1;
          g_string_append_printf (combo, "%d,", g);
        }
      if (out[i] < 0)
        continue;
      if (g_hash_table_lookup_extended (index, combo->str, NULL, &value))
        out[i] = GPOINTER_TO_INT (value);
      else
        {
          out[i] = (gint32) g_hash_table_size (index);
          g_hash_table_insert (index, g_string_free (g_steal_pointer (&combo), FALSE), GINT_TO_POINTER (out[i]));
        }
    }
  if (n_out != NULL)
    *n_out = g_hash_table_size (index);
  return out;
}

gboolean
cs_cox_input_build (CsStore                 *store,
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
                    GError                 **error)
{
  CsCoxInput *input = g_new0 (CsCoxInput, 1);
  g_autoptr(CsSurvivalInput) surv = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *given = g_new (int, MAX (n_covariates, 1));
  g_autofree gint32 *stratum = NULL;
  g_autofree guint8 *keep = NULL;
  gboolean display = (flags & CS_ANALYSIS_DISPLAY_LABELS) != 0;
  guint n = rows->len, m = 0, p = 0;

  g_return_val_if_fail (time_var != NULL, FALSE);
  g_return_val_if_fail (covariates != NULL || n_covariates == 0, FALSE);

  *input_out = input;
  input->n_selected = n;
  input->bad_row = G_MAXUINT;
  input->bad_value = NAN;
  input->rows = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint c = 0; c < n_covariates; c++)
    {
      if (covariates[c]->type == CS_VARIABLE_SURVIVAL)
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_COVARIATE,
                       _("“%s” is a time-to-event variable and cannot be a covariate"), covariates[c]->key);
          return FALSE;
        }
      for (guint d = 0; d < c; d++)
        if (covariates[d] == covariates[c])
          {
            g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_COVARIATE,
                         _("“%s” is named twice among the covariates"), covariates[c]->key);
            return FALSE;
          }
    }
  if (!parse_references (store, covariates, n_covariates, references, given, error))
    return FALSE;

  if (!cs_survival_input_build (store, rows, time_var, event_var, NULL, NULL, "", flags, &surv, error))
    {
      input->bad_row = surv->bad_row;
      input->bad_value = surv->bad_value;
      return FALSE;
    }

  /* the rows with everything present */
  keep = g_new (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    keep[i] = !isnan (surv->time[i]);
  for (guint c = 0; c < n_covariates; c++)
    {
      const CsVariable *var = covariates[c];

      if (var->type == CS_VARIABLE_CATEGORICAL)
        {
          for (guint i = 0; i < n; i++)
            keep[i] = keep[i] && var->cat[g_array_index (rows, guint, i)] >= 0;
          g_ptr_array_add (values, NULL);
        }
      else
        {
          double *col = cs_analysis_column (var, rows);

          for (guint i = 0; i < n; i++)
            keep[i] = keep[i] && isfinite (col[i]);
          g_ptr_array_add (values, col);
        }
    }
  if (n_strata > 0)
    {
      stratum = cs_analysis_cross_strata (rows, strata, n_strata, flags, &input->n_strata);
      for (guint i = 0; i < n; i++)
        keep[i] = keep[i] && stratum[i] >= 0;
    }

  for (guint i = 0; i < n; i++)
    m += keep[i];
  input->n = m;
  input->time = g_new (double, MAX (m, 1));
  input->event = g_new (guint8, MAX (m, 1));
  if (stratum != NULL)
    input->strata = g_new (gint32, MAX (m, 1));
  {
    /* strata renumbered over the rows in the model, in order of appearance */
    g_autofree gint32 *renumber = g_new (gint32, MAX (input->n_strata, 1));

    for (guint s = 0; s < input->n_strata; s++)
      renumber[s] = -1;
    input->n_strata = 0;
    for (guint i = 0, k = 0; i < n; i++)
      {
        guint row = g_array_index (rows, guint, i);

        if (!keep[i])
          continue;
        g_array_append_val (input->rows, row);
        input->time[k] = surv->time[i];
        input->event[k] = surv->event[i];
        if (stratum != NULL)
          {
            if (renumber[stratum[i]] < 0)
              renumber[stratum[i]] = (gint32) input->n_strata++;
            input->strata[k] = renumber[stratum[i]];
          }
        k++;
      }
  }

  /* covariates: reference levels and terms */
  input->n_covariates = n_covariates;
  input->covariates = g_new0 (CsCoxCovariate, MAX (n_covariates, 1));
  input->terms = g_new0 (CsCoxTerm, 1);
  for (guint c = 0; c < n_covariates; c++)
    {
      const CsVariable *var = covariates[c];
      CsCoxCovariate *cov = &input->covariates[c];
      g_autofree guint *count = NULL;
      guint present = 0;

      cov->var = var;
      cov->reference = -1;
      cov->first_term = p;
      if (!is_coded (var))
        {
          input->terms = g_renew (CsCoxTerm, input->terms, p + 1);
          input->terms[p].name = g_strdup (var->key);
          input->terms[p].label = g_strdup (display && var->label != NULL ? var->label : var->key);
          input->terms[p].covariate = c;
          input->terms[p].level = -1;
          input->terms[p].n = m;
          cov->n_terms = 1;
          input->p = ++p;   /* freed on error too */
          continue;
        }

      count = g_new0 (guint, n_levels (var));
      for (guint k = 0; k < m; k++)
        count[level_at (var, g_array_index (input->rows, guint, k))]++;
      for (guint l = 0; l < n_levels (var); l++)
        present += count[l] > 0;

      if (given[c] >= 0)
        cov->reference = given[c];
      else if (var->type == CS_VARIABLE_BOOLEAN)
        cov->reference = 0;
      else
        for (guint l = 0; l < n_levels (var); l++)
          if (cov->reference < 0 || count[l] > count[cov->reference])
            cov->reference = (int) l;
      cov->reference_name = level_name (var, cov->reference, FALSE);
      cov->reference_label = level_name (var, cov->reference, display);
      cov->reference_n = count[cov->reference];

      if (present < 2)
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_LEVELS,
                       _("covariate “%s” has a single value among the %u patients in the model (%s): "
                         "it cannot explain a difference"), var->key, m, cov->reference_name);
          return FALSE;
        }
      if (count[cov->reference] == 0)
        {
          g_set_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE,
                       _("reference %s=%s: no patient in the model has this value"),
                       var->key, cov->reference_name);
          return FALSE;
        }

      for (guint l = 0; l < n_levels (var); l++)
        {
          g_autofree char *name = NULL;
          g_autofree char *label = NULL;

          if ((int) l == cov->reference || count[l] == 0)
            continue;
          name = level_name (var, (int) l, FALSE);
          label = level_name (var, (int) l, display);
          input->terms = g_renew (CsCoxTerm, input->terms, p + 1);
          input->terms[p].name = g_strdup_printf ("%s=%s", var->key, name);
          input->terms[p].label = g_strdup (label);
          input->terms[p].covariate = c;
          input->terms[p].level = (int) l;
          input->terms[p].n = count[l];
          cov->n_terms++;
          input->p = ++p;
        }
    }

  /* the design matrix over the rows in the model */
  input->x = g_new0 (double *, MAX (p, 1));
  input->term_of_column = g_new (guint, MAX (p, 1));
  for (guint j = 0; j < p; j++)
    {
      const CsCoxTerm *term = &input->terms[j];
      const CsVariable *var = covariates[term->covariate];
      const double *col = g_ptr_array_index (values, term->covariate);

      input->term_of_column[j] = term->covariate;
      input->x[j] = g_new (double, MAX (m, 1));
      for (guint i = 0, k = 0; i < n; i++)
        {
          if (!keep[i])
            continue;
          if (term->level < 0)
            input->x[j][k] = col[i];
          else
            input->x[j][k] = level_at (var, g_array_index (rows, guint, i)) == term->level ? 1.0 : 0.0;
          k++;
        }
    }

  input->data.n = m;
  input->data.time = input->time;
  input->data.event = input->event;
  input->data.p = p;
  input->data.x = (const double *const *) input->x;
  input->data.strata = input->strata;
  return TRUE;
}

void
cs_cox_input_medians (const CsCoxInput *input,
                      double            factor,
                      double           *median_survival,
                      double           *median_follow_up)
{
  g_autofree double *time = g_new (double, MAX (input->n, 1));
  g_autofree guint8 *censored = g_new (guint8, MAX (input->n, 1));
  g_autoptr(CsKmCurve) survival = NULL;
  g_autoptr(CsKmCurve) follow_up = NULL;

  for (guint i = 0; i < input->n; i++)
    {
      time[i] = input->time[i] * factor;
      censored[i] = !input->event[i];
    }
  survival = cs_stats_kaplan_meier (time, input->event, NULL, 0, input->n);
  follow_up = cs_stats_kaplan_meier (time, censored, NULL, 0, input->n);
  *median_survival = survival->median;
  *median_follow_up = follow_up->median;
}
