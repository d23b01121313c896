/* cs-cli-cox.c: `cox` and `score`
 *
 *   cohortscope-cli cox --source S --time K [--event K] --covariates K1,K2,…
 *                       [--reference KEY=LEVEL …] [--strata K[,K…]]
 *                       [--filter E] [--open COHORT] [--json]
 *                       [--save-model FILE] [--key KEY] [--add-to-cohort]
 *   cohortscope-cli score --source S --model FILE … [--filter E] [--open COHORT] [--json]
 *
 * `cox` fits a Cox proportional hazards model (src/core/stats, R's coxph)
 * on the design cs_cox_input_build() makes of the store (src/core/analysis)
 * and prints it as summary.coxph does, with cox.zph's test. --save-model
 * writes the model (cs-cox-model.h) so that its signature score can be
 * computed on other data: `--model FILE` on any command adds the score as a
 * variable, and `score` reports how well the score orders the patients
 * chosen there (validation) next to how it did on the cohort it was fitted
 * on (training). docs/STATISTICS.md describes the output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs-cli.h"
#include "cs-cox-model.h"
#include "cs-filter.h"
#include "cs-ucum-display.h"

void
cs_cli_cox_clear (CsCliCox *cox)
{
  g_clear_pointer (&cox->input, cs_cox_input_free);
  g_clear_pointer (&cox->fit, cs_cox_fit_free);
  g_clear_pointer (&cox->zph, cs_cox_zph_free);
  g_clear_pointer (&cox->covariates, g_ptr_array_unref);
  g_clear_pointer (&cox->strata, g_ptr_array_unref);
}

int
cs_cli_cox_prepare (CsStore               *store,
                    GArray                *rows,
                    const CsCliCoxOptions *o,
                    CsAnalysisFlags        flags,
                    CsCliCox              *cox)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) strata_keys = NULL;
  CsVariable *tv, *ev;
  double factor;
  int status;

  memset (cox, 0, sizeof *cox);
  cox->covariates = g_ptr_array_new ();
  cox->strata = g_ptr_array_new ();

  if ((status = cs_cli_find_outcome (store, o->time_key, o->event_key, &tv, &ev)) != CS_CLI_OK)
    return status;
  cox->time_var = tv;
  cox->event_var = ev;
  cox->median_survival = cox->median_follow_up = NAN;

  /* the time scale: --time-unit, else the variable's own unit */
  factor = 1.0;
  cox->time_unit = tv->unit != NULL ? tv->unit : "d";
  if (o->time_unit != NULL)
    {
      CsTimeScale scale;

      if (!cs_time_scale_from_string (o->time_unit, &scale))
        {
          cs_cli_error (_("--time-unit “%s”: use days, months or years"), o->time_unit);
          return CS_CLI_USAGE;
        }
      if (isnan (factor = cs_time_scale_factor (tv->unit, scale)))
        {
          cs_cli_error (_("--time-unit: “%s” is in %s, not a unit of time"), tv->key, tv->unit);
          return CS_CLI_FAILED;
        }
      cox->time_unit = cs_time_scale_ucum (scale);
    }

  keys = cs_cli_split_list (o->covariates);
  if (keys[0] == NULL)
    {
      cs_cli_error ("%s", _("--covariates: name at least one variable (K1,K2,…)"));
      return CS_CLI_USAGE;
    }
  for (guint i = 0; keys[i] != NULL; i++)
    {
      CsVariable *var = cs_cli_find_variable (store, "--covariates", keys[i]);

      if (var == NULL)
        return CS_CLI_FAILED;
      if (var == tv || var == ev)
        {
          cs_cli_error (_("--covariates: “%s” is the outcome of the model"), var->key);
          return CS_CLI_USAGE;
        }
      g_ptr_array_add (cox->covariates, var);
    }
  strata_keys = cs_cli_split_list (o->strata);
  for (guint i = 0; strata_keys[i] != NULL; i++)
    {
      CsVariable *var = cs_cli_find_variable (store, "--strata", strata_keys[i]);

      if (var == NULL)
        return CS_CLI_FAILED;
      if (var->type == CS_VARIABLE_SURVIVAL)
        {
          cs_cli_error (_("--strata: “%s” is a time-to-event variable and cannot group patients"), var->key);
          return CS_CLI_FAILED;
        }
      for (guint c = 0; c < cox->covariates->len; c++)
        if (g_ptr_array_index (cox->covariates, c) == var)
          {
            cs_cli_error (_("“%s” is both a covariate and a stratum; a stratum has no coefficient"), var->key);
            return CS_CLI_USAGE;
          }
      g_ptr_array_add (cox->strata, var);
    }

  if (!cs_cox_input_build (store, rows, tv, ev,
                           (const CsVariable *const *) cox->covariates->pdata, cox->covariates->len,
                           (const char *const *) o->references,
                           (const CsVariable *const *) cox->strata->pdata, cox->strata->len,
                           flags | CS_ANALYSIS_STRICT, &cox->input, &error))
    {
      if (cs_cli_outcome_error (store, error, tv, ev, cox->input->bad_row, cox->input->bad_value))
        return CS_CLI_FAILED;
      /* a reference that names no covariate is wrong whatever the data (2);
       * a level or type the data do not have is not (1) */
      if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE_SYNTAX))
        {
          cs_cli_error ("--%s", error->message);
          return CS_CLI_USAGE;
        }
      else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_REFERENCE))
        cs_cli_error ("--%s", error->message);
      else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_COVARIATE))
        cs_cli_error ("--covariates: %s", error->message);
      else
        cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }

  if (cox->input->n == 0)
    {
      cs_cli_error ("%s", cox->strata->len > 0 ?
                    _("no selected patient has the time, the event, every covariate and every stratum") :
                    _("no selected patient has the time, the event and every covariate"));
      return CS_CLI_FAILED;
    }

  cox->fit = cs_stats_cox_fit (&cox->input->data, NULL);
  cox->zph = cs_stats_cox_zph (&cox->input->data, cox->fit, cox->input->term_of_column,
                               cox->input->n_covariates);

  /* medians in the chosen unit; the fit keeps the times as they are (the
   * partial likelihood depends only on their order) */
  cs_cox_input_medians (cox->input, factor, &cox->median_survival, &cox->median_follow_up);
  return CS_CLI_OK;
}

/* Messages about the fit a reader must not miss (also in the JSON). */
static GPtrArray *
fit_warnings (const CsCliCox *cox)
{
  GPtrArray *w = g_ptr_array_new_with_free_func (g_free);
  const CsCoxFit *fit = cox->fit;

  if (fit->n_events == 0)
    g_ptr_array_add (w, g_strdup (_("no patient in the model has an event: nothing can be estimated")));
  else if (!fit->converged)
    g_ptr_array_add (w, g_strdup_printf (_("the fit did not converge in %u iterations: the estimates are not "
                                           "reliable"), fit->iterations));
  for (guint j = 0; j < fit->p && fit->n_events > 0; j++)
    {
      const char *term = cox->input->terms[j].name;

      if (fit->state[j] == CS_COX_COEF_INFINITE)
        g_ptr_array_add (w, g_strdup_printf (fit->direction[j] > 0 ?
                                             _("“%s”: the hazard ratio is infinite (monotone likelihood: its "
                                               "value separates patients with and without early events); "
                                               "its coefficient, CI and p-value are undefined") :
                                             _("“%s”: the hazard ratio is zero (monotone likelihood: its "
                                               "value separates patients with and without early events); "
                                               "its coefficient, CI and p-value are undefined"), term));
      else if (fit->state[j] == CS_COX_COEF_ALIASED)
        g_ptr_array_add (w, g_strdup_printf (_("“%s” is constant or a combination of other terms among the "
                                               "patients in the model: it has no coefficient"), term));
    }
  if (cox->zph != NULL && isfinite (cox->zph->global_p_value) && cox->zph->global_p_value < 0.05)
    g_ptr_array_add (w, g_strdup_printf (_("the proportional-hazards test rejects the assumption (global p = "
                                           "%.3g): a hazard ratio may change over time"),
                                         cox->zph->global_p_value));
  return w;
}

static void
append_test (GString    *out,
             const char *name,
             double      chi2,
             double      df,
             double      p)
{
  g_string_append_printf (out, "\"%s\":{\"chi2\":", name);
  cs_format_json_number (out, chi2);
  g_string_append (out, ",\"df\":");
  cs_format_json_number (out, df);
  g_string_append (out, ",\"p_value\":");
  cs_format_json_number (out, p);
  g_string_append_c (out, '}');
}

static void
append_cox_json (GString        *out,
                 const CsCliCox *cox)
{
  const CsCoxInput *in = cox->input;
  const CsCoxFit *fit = cox->fit;
  const CsCoxZph *zph = cox->zph;
  g_autoptr(GPtrArray) warnings = fit_warnings (cox);

  g_string_append_printf (out, "{\"n\":%u,\"events\":%u,\"n_missing\":%u,\"time\":", fit->n, fit->n_events,
                          in->n_selected - in->n);
  cs_cli_json_string (out, cox->time_var->key);
  g_string_append (out, ",\"time_unit\":");
  cs_cli_json_string (out, cox->time_unit);
  g_string_append (out, ",\"median_survival\":");
  cs_format_json_number (out, cox->median_survival);
  g_string_append (out, ",\"median_follow_up\":");
  cs_format_json_number (out, cox->median_follow_up);
  g_string_append (out, ",\"event\":");
  if (cox->event_var != NULL)
    cs_cli_json_string (out, cox->event_var->key);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"strata\":");
  if (cox->strata->len == 0)
    g_string_append (out, "null");
  else
    {
      g_string_append_c (out, '[');
      for (guint k = 0; k < cox->strata->len; k++)
        {
          if (k > 0)
            g_string_append_c (out, ',');
          cs_cli_json_string (out, ((CsVariable *) g_ptr_array_index (cox->strata, k))->key);
        }
      g_string_append_printf (out, "],\"n_strata\":%u", fit->n_strata);
    }
  g_string_append (out, ",\"ties\":\"efron\",\"covariates\":[");
  for (guint c = 0; c < in->n_covariates; c++)
    {
      const CsCoxCovariate *cov = &in->covariates[c];

      if (c > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"key\":");
      cs_cli_json_string (out, cov->var->key);
      g_string_append (out, ",\"type\":");
      cs_cli_json_string (out, cs_variable_type_to_string (cov->var->type));
      if (cov->reference_name != NULL)
        {
          g_string_append (out, ",\"reference\":");
          cs_cli_json_string (out, cov->reference_name);
          g_string_append_printf (out, ",\"n_reference\":%u", cov->reference_n);
        }
      g_string_append_c (out, '}');
    }

  g_string_append (out, "],\"terms\":[");
  for (guint j = 0; j < fit->p; j++)
    {
      const CsCoxTerm *term = &in->terms[j];

      if (j > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"term\":");
      cs_cli_json_string (out, term->name);
      g_string_append (out, ",\"covariate\":");
      cs_cli_json_string (out, in->covariates[term->covariate].var->key);
      g_string_append (out, ",\"level\":");
      if (term->level >= 0)
        cs_cli_json_string (out, strchr (term->name, '=') + 1);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ",\"n\":%u,\"coef\":", term->n);
      cs_format_json_number (out, fit->coef[j]);
      g_string_append (out, ",\"se\":");
      cs_format_json_number (out, fit->se[j]);
      g_string_append (out, ",\"hr\":");
      cs_format_json_number (out, fit->hr[j]);
      g_string_append (out, ",\"ci\":");
      if (isfinite (fit->hr_lower[j]) && isfinite (fit->hr_upper[j]))
        {
          g_string_append_c (out, '[');
          cs_format_json_number (out, fit->hr_lower[j]);
          g_string_append_c (out, ',');
          cs_format_json_number (out, fit->hr_upper[j]);
          g_string_append_c (out, ']');
        }
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"z\":");
      cs_format_json_number (out, fit->z[j]);
      g_string_append (out, ",\"p_value\":");
      cs_format_json_number (out, fit->p_value[j]);
      g_string_append_printf (out, ",\"infinite\":%s", fit->state[j] == CS_COX_COEF_INFINITE ? "true" : "false");
      if (fit->state[j] == CS_COX_COEF_INFINITE)
        g_string_append_printf (out, ",\"direction\":%d", fit->direction[j]);
      g_string_append_printf (out, ",\"aliased\":%s}", fit->state[j] == CS_COX_COEF_ALIASED ? "true" : "false");
    }

  g_string_append (out, "],\"loglik\":[");
  cs_format_json_number (out, fit->loglik_null);
  g_string_append_c (out, ',');
  cs_format_json_number (out, fit->loglik);
  g_string_append (out, "],");
  append_test (out, "lr_test", fit->lr_chi2, fit->lr_df, fit->lr_p_value);
  g_string_append (out, ",\"concordance\":{\"c\":");
  cs_format_json_number (out, fit->concordance);
  g_string_append (out, ",\"se\":");
  cs_format_json_number (out, fit->concordance_se);
  g_string_append (out, "},\"zph\":{\"transform\":\"km\",\"terms\":[");
  for (guint t = 0; t < zph->n_terms; t++)
    {
      if (t > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"term\":");
      cs_cli_json_string (out, in->covariates[t].var->key);
      g_string_append (out, ",\"chi2\":");
      cs_format_json_number (out, zph->chi2[t]);
      g_string_append (out, ",\"df\":");
      cs_format_json_number (out, zph->df[t]);
      g_string_append (out, ",\"p_value\":");
      cs_format_json_number (out, zph->p_value[t]);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],");
  append_test (out, "global", zph->global_chi2, zph->global_df, zph->global_p_value);
  g_string_append_printf (out, "},\"converged\":%s,\"iterations\":%u,\"warnings\":[",
                          fit->converged ? "true" : "false", fit->iterations);
  for (guint i = 0; i < warnings->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      cs_cli_json_string (out, g_ptr_array_index (warnings, i));
    }
  g_string_append (out, "]}\n");
}

static char *
num (double value)
{
  if (!isfinite (value))
    return g_strdup (_("undefined"));
  return g_strdup_printf ("%.4g", value);
}

char *
cs_cli_format_median (double      value,
                      const char *unit)
{
  if (!isfinite (value))
    return g_strdup (_("not reached"));
  return g_strdup_printf ("%.4g%s%s", value, *unit != '\0' ? " " : "", unit);
}

static void
append_cox_text (GString        *out,
                 const CsCliCox *cox)
{
  const CsCoxInput *in = cox->input;
  const CsCoxFit *fit = cox->fit;
  const CsCoxZph *zph = cox->zph;
  g_autoptr(GPtrArray) warnings = fit_warnings (cox);
  g_autofree char *lr = num (fit->lr_chi2);
  g_autofree char *lr_p = num (fit->lr_p_value);
  g_autofree char *c = num (fit->concordance);
  g_autofree char *c_se = num (fit->concordance_se);
  g_autofree char *unit = cs_ucum_display (cox->time_unit);
  g_autofree char *median_survival = cs_cli_format_median (cox->median_survival, unit);
  g_autofree char *median_follow_up = cs_cli_format_median (cox->median_follow_up, unit);
  int width = 10;

  for (guint j = 0; j < in->p; j++)
    width = MAX (width, (int) g_utf8_strlen (in->terms[j].name, -1));
  for (guint t = 0; t < in->n_covariates; t++)
    width = MAX (width, (int) g_utf8_strlen (in->covariates[t].var->key, -1));

  g_string_append_printf (out, _("Cox proportional hazards (Efron ties), time %s (%s)%s%s\n"), cox->time_var->key,
                          unit, cox->event_var != NULL ? _(", event ") : "",
                          cox->event_var != NULL ? cox->event_var->key : "");
  g_string_append_printf (out, _("  n = %u, events = %u"), fit->n, fit->n_events);
  if (in->n_selected > in->n)
    g_string_append_printf (out, _(" (%u left out: a value missing)"), in->n_selected - in->n);
  if (cox->strata->len > 0)
    g_string_append_printf (out, _(", %u strata"), fit->n_strata);
  g_string_append_c (out, '\n');
  g_string_append_printf (out, _("  median survival %s, median follow-up %s (reverse Kaplan–Meier)\n\n"),
                          median_survival, median_follow_up);

  g_string_append_printf (out, "  %-*s %10s  %-23s %10s %10s %8s %10s\n", width, _("term"), "HR", "95% CI",
                          "coef", "se", "z", "p");
  for (guint j = 0; j < in->p; j++)
    {
      const char *name = in->terms[j].name;

      if (fit->state[j] == CS_COX_COEF_INFINITE)
        g_string_append_printf (out, "  %-*s %10s  %s\n", width, name, fit->direction[j] > 0 ? "∞" : "0",
                                _("(infinite coefficient: separation)"));
      else if (fit->state[j] == CS_COX_COEF_ALIASED)
        g_string_append_printf (out, "  %-*s %10s  %s\n", width, name, "–", _("(aliased: no coefficient)"));
      else
        {
          g_autofree char *ci = g_strdup_printf ("[%.4g, %.4g]", fit->hr_lower[j], fit->hr_upper[j]);

          g_string_append_printf (out, "  %-*s %10.4g  %-23s %10.4g %10.4g %8.3f %10.4g\n", width, name,
                                  fit->hr[j], ci, fit->coef[j], fit->se[j], fit->z[j], fit->p_value[j]);
        }
    }
  for (guint k = 0; k < in->n_covariates; k++)
    if (in->covariates[k].reference_name != NULL)
      g_string_append_printf (out, _("  reference: %s=%s (n = %u)\n"), in->covariates[k].var->key,
                              in->covariates[k].reference_name, in->covariates[k].reference_n);

  g_string_append_printf (out, _("\n  Likelihood ratio test: chi2 = %s on %g df, p = %s\n"), lr,
                          isfinite (fit->lr_df) ? fit->lr_df : 0, lr_p);
  g_string_append_printf (out, _("  Concordance: %s (se %s)\n"), c, c_se);
  g_string_append (out, _("  Proportional hazards (cox.zph, Kaplan–Meier time scale):\n"));
  for (guint t = 0; t <= zph->n_terms; t++)
    {
      gboolean global = t == zph->n_terms;
      double d = global ? zph->global_df : zph->df[t];
      g_autofree char *chi2 = num (global ? zph->global_chi2 : zph->chi2[t]);
      g_autofree char *p = num (global ? zph->global_p_value : zph->p_value[t]);
      g_autofree char *df = isfinite (d) ? g_strdup_printf ("%g", d) : g_strdup ("–");

      g_string_append_printf (out, "    %-*s chi2 = %s, df = %s, p = %s\n", width,
                              global ? "GLOBAL" : in->covariates[t].var->key, chi2, df, p);
    }
  for (guint i = 0; i < warnings->len; i++)
    g_string_append_printf (out, _("  warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
}

/* The training cohort as the model records it */
static void
describe_cohort (CsCoxModel          *model,
                 const CsSavedCohort *opened,
                 const char          *filter,
                 char               **sources)
{
  if (opened != NULL && filter != NULL)
    model->cohort = g_strdup_printf (_("%s, and %s"), opened->name, filter);
  else if (opened != NULL)
    model->cohort = g_strdup (opened->name);
  else if (filter != NULL)
    model->cohort = g_strdup (filter);
  else
    model->cohort = g_strdup (_("all patients"));
  if (opened != NULL && opened->filter != NULL && filter != NULL)
    model->filter = g_strdup_printf ("(%s) and (%s)", opened->filter, filter);
  else
    model->filter = g_strdup (filter != NULL ? filter : opened != NULL ? opened->filter : NULL);
  model->source = g_strjoinv (", ", sources);
}

int
cs_cli_cmd_cox (int    argc,
                char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *open_path = NULL;
  g_autofree char *save_model = NULL;
  g_autofree char *key = NULL;
  gboolean add_to_cohort = FALSE;
  gboolean json = FALSE;
  g_auto(CsCliCoxOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &o.time_key, N_("Time variable (numeric), or a time-to-event variable"), "K" },
    { "event", 0, 0, G_OPTION_ARG_STRING, &o.event_key, N_("Event indicator (boolean or 0/1); not needed with a time-to-event --time"), "K" },
    { "covariates", 0, 0, G_OPTION_ARG_STRING, &o.covariates, N_("Comma-separated covariates: numeric, date, boolean or categorical"), "K1,K2" },
    { "reference", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.references, N_("Reference level of a categorical or boolean covariate (default: the most frequent level; false) (repeatable)"), "KEY=LEVEL" },
    { "strata", 0, 0, G_OPTION_ARG_STRING, &o.strata, N_("Stratify by these variables (comma-separated): a baseline hazard per stratum"), "K1,K2" },
    { "time-unit", 0, 0, G_OPTION_ARG_STRING, &o.time_unit, N_("Medians in days, months or years (default: the time variable’s unit); hazard ratios do not change"), "UNIT" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "open", 0, 0, G_OPTION_ARG_FILENAME, &open_path, N_("Only the members of this saved cohort, FHIR Group or list of Patient ids (and --filter)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "save-model", 0, 0, G_OPTION_ARG_FILENAME, &save_model, N_("Write the fitted model, to score other patients with --model FILE"), "FILE" },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("The variable key of the model’s score (default: signature)"), "KEY" },
    { "add-to-cohort", 0, 0, G_OPTION_ARG_NONE, &add_to_cohort, N_("Also add the model to the saved cohort given with --open (the file is rewritten)"), NULL },
    { NULL }
  };
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(CsSavedCohort) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CsCliCox) cox = { 0 };
  int status;

  if (!cs_cli_parse_options (&argc, &argv, NULL, _("Fits a Cox proportional hazards model (R survival::coxph, Efron ties)."),
                             entries))
    return CS_CLI_USAGE;
  status = CS_CLI_OK;

  if (o.time_key == NULL || o.covariates == NULL)
    {
      cs_cli_error ("%s", _("cox needs --time (and --event unless --time is a time-to-event variable) and "
                            "--covariates K1,K2"));
      status = CS_CLI_USAGE;
    }
  else if (key != NULL && !cs_variable_key_is_valid (key))
    {
      cs_cli_error (_("--key “%s”: use letters, digits, “_” and “.”, starting with a letter or “_”"), key);
      status = CS_CLI_USAGE;
    }
  else if (add_to_cohort && (open_path == NULL || save_model == NULL))
    {
      cs_cli_error ("%s", _("--add-to-cohort needs --open COHORT (the saved cohort the model is fitted on) and "
                            "--save-model FILE"));
      status = CS_CLI_USAGE;
    }
  if (status != CS_CLI_OK)
    return status;

  if (!(store = cs_cli_load_sources (sources, &error)))
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }
  if ((status = cs_cli_cohort_rows (store, open_path, filter, &opened, &rows)) == CS_CLI_OK)
    status = cs_cli_cox_prepare (store, rows, &o, CS_ANALYSIS_DEFAULT, &cox);
  if (status != CS_CLI_OK)
    return status;

  if (json)
    append_cox_json (out, &cox);
  else
    append_cox_text (out, &cox);

  if (save_model != NULL)
    {
      g_autoptr(CsCoxModel) model = cs_cox_model_new_from_fit (cox.input, cox.fit, cox.time_var, cox.event_var,
                                                               (const CsVariable *const *) cox.strata->pdata,
                                                               cox.strata->len, key, &error);

      if (model != NULL)
        describe_cohort (model, opened, filter, sources);
      if (model == NULL || !cs_cox_model_save (model, save_model, &error))
        {
          cs_cli_error ("--save-model %s: %s", save_model, error->message);
          status = CS_CLI_FAILED;
        }
      else if (add_to_cohort)
        {
          g_autofree char *text = cs_cox_model_to_json (model);
          g_autoptr(CsSavedCohort) saved = NULL;
          g_autofree char *data = NULL;
          gsize length;

          /* only a saved cohort can hold models, not a Group or an id list */
          if (!g_file_get_contents (open_path, &data, &length, &error) ||
              !(saved = cs_saved_cohort_from_json (data, (gssize) length, open_path, &error)))
            {
              cs_cli_error (_("--add-to-cohort: %s (only a saved cohort file can hold models)"), error->message);
              status = CS_CLI_FAILED;
            }
          else if (!cs_saved_cohort_set_model (saved, text) || !cs_saved_cohort_save (saved, open_path, &error))
            {
              cs_cli_error ("--add-to-cohort %s: %s", open_path, error != NULL ? error->message : "");
              status = CS_CLI_FAILED;
            }
        }
    }

  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return status;
}

void
cs_cli_cox_options_clear (CsCliCoxOptions *o)
{
  g_clear_pointer (&o->time_key, g_free);
  g_clear_pointer (&o->event_key, g_free);
  g_clear_pointer (&o->covariates, g_free);
  g_clear_pointer (&o->references, g_strfreev);
  g_clear_pointer (&o->strata, g_free);
  g_clear_pointer (&o->time_unit, g_free);
}

/* ---- score ------------------------------------------------------------ */

static void
append_concordance (GString *out,
                    double   c,
                    double   se)
{
  g_string_append (out, "\"concordance\":{\"c\":");
  cs_format_json_number (out, c);
  g_string_append (out, ",\"se\":");
  cs_format_json_number (out, se);
  g_string_append_c (out, '}');
}

int
cs_cli_cmd_score (int    argc,
                  char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *open_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sources, N_("Bundle/NDJSON file, directory or FHIR base URL (repeatable)"), "S" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, N_("Only the patients matching this filter expression"), "EXPR" },
    { "open", 0, 0, G_OPTION_ARG_FILENAME, &open_path, N_("Only the members of this saved cohort, FHIR Group or list of Patient ids (and --filter)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *models;
  int status;

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Applies saved models (--model FILE) to the patients: how well each signature "
                               "score orders them (validation), next to the cohort it was fitted on (training)."),
                             entries))
    return CS_CLI_USAGE;
  if (!(store = cs_cli_load_sources (sources, &error)))
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }
  models = cs_cli_get_models ();
  if (models == NULL || models->len == 0)
    {
      cs_cli_error ("%s", _("score needs --model FILE: a model saved with “cox --save-model” or a saved cohort "
                            "holding models"));
      return CS_CLI_USAGE;
    }
  if ((status = cs_cli_cohort_rows (store, open_path, filter, NULL, &rows)) != CS_CLI_OK)
    return status;

  if (json)
    g_string_append (out, "{\"models\":[");
  for (guint m = 0; m < models->len; m++)
    {
      const CsCoxModel *model = g_ptr_array_index (models, m);
      CsCoxValidation v;

      if (!cs_cox_model_validate (model, store, rows, CS_ANALYSIS_STRICT, &v, &error))
        {
          cs_cli_error (_("model “%s”: %s"), model->key, error->message);
          return CS_CLI_FAILED;
        }

      if (json)
        {
          if (m > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"key\":");
          cs_cli_json_string (out, model->key);
          g_string_append (out, ",\"terms\":[");
          for (guint j = 0; j < model->terms->len; j++)
            {
              if (j > 0)
                g_string_append_c (out, ',');
              cs_cli_json_string (out, ((CsCoxModelTerm *) g_ptr_array_index (model->terms, j))->name);
            }
          g_string_append (out, "],\"training\":{\"cohort\":");
          cs_cli_json_string (out, model->cohort != NULL ? model->cohort : "");
          g_string_append_printf (out, ",\"n\":%u,\"events\":%u,", model->n, model->n_events);
          append_concordance (out, model->concordance, model->concordance_se);
          g_string_append_printf (out, "},\"validation\":{\"n_selected\":%u,\"n\":%u,\"events\":%u,"
                                  "\"n_missing\":%u,\"n_unknown_level\":%u,",
                                  v.n_selected, v.n, v.n_events, v.n_selected - v.n, v.n_unknown);
          append_concordance (out, v.concordance, v.concordance_se);
          g_string_append (out, "}}");
        }
      else
        {
          g_autofree char *tc = num (model->concordance);
          g_autofree char *tse = num (model->concordance_se);
          g_autofree char *vc = num (v.concordance);
          g_autofree char *vse = num (v.concordance_se);

          g_string_append_printf (out, _("model %s (%u terms)\n"), model->key, model->terms->len);
          g_string_append_printf (out, _("  training:   %s: n = %u, events = %u, C = %s (se %s)\n"),
                                  model->cohort != NULL ? model->cohort : _("unknown cohort"),
                                  model->n, model->n_events, tc, tse);
          g_string_append_printf (out, _("  validation: n = %u, events = %u, C = %s (se %s)"),
                                  v.n, v.n_events, vc, vse);
          if (v.n_selected > v.n)
            g_string_append_printf (out, _("; %u of %u patients left out (%u with a value the model has no "
                                           "term for)"), v.n_selected - v.n, v.n_selected, v.n_unknown);
          g_string_append_c (out, '\n');
        }
    }
  if (json)
    g_string_append (out, "]}\n");

  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return CS_CLI_OK;
}
