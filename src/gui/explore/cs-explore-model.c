/* cs-explore-model.c
 *
 * The design (cs_cox_input_build) is made on the main thread: it copies
 * what it needs out of the store, so the fit and the proportional-hazards
 * test then run in a GTask on that copy alone, and a roll-up or a derived
 * variable added meanwhile cannot race them. A newer request cancels the
 * one under way; its result is dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cs-csv.h"
#include "cs-explore-common.h"
#include "cs-explore-model.h"
#include "cs-gui-util.h"
#include "cs-json.h"
#include "cs-saved-cohort.h"
#include "cs-ucum-display.h"

/* A proportional-hazards test below this says the assumption fails */
#define PH_ALPHA 0.05

struct _CsExploreModel
{
  GtkBox          parent_instance;

  /* Template */
  GtkDropDown    *time_dropdown;
  GtkSearchEntry *search_entry;
  GtkListBox     *covariate_list;
  GtkLabel       *chosen_label;
  GtkEntry       *reference_entry;
  GtkDropDown    *strata_dropdown;
  GtkSpinner     *spinner;
  GtkLabel       *text_label;
  GtkEntry       *key_entry;
  GtkButton      *save_score_button;
  GtkButton      *save_model_button;
  GtkButton      *validate_button;
  CsChartWidget  *chart;
  GtkGrid        *table_grid;

  CsStore        *store;
  GArray         *rows;             /* guint store rows in use */
  char           *cohort;           /* how a saved model names them */
  GPtrArray      *time_vars;        /* CsVariable*, not owned */
  GPtrArray      *strata_vars;      /* [0] = NULL ("none") */
  GPtrArray      *covariate_vars;   /* the rows of covariate_list, in order */
  GHashTable     *chosen;           /* keys (owned) of the covariates ticked */
  GPtrArray      *chosen_order;     /* the same keys in the order they were ticked */
  guint           updating;

  GCancellable   *cancellable;      /* of the fit under way */
  /* the last fit shown (NULL: none) */
  CsCoxInput     *input;
  CsCoxFit       *fit;
  CsCoxZph       *zph;
  CsVariable     *time_var;
  CsVariable     *strata_var;
  char           *text;
  GSettings      *settings;         /* "time-unit" (Explore's "Time in"); NULL without the schema */
};

G_DEFINE_FINAL_TYPE (CsExploreModel, cs_explore_model, GTK_TYPE_BOX)

/* ------------------------------------------------------------- results */

static void
set_text (CsExploreModel *self,
          const char     *text)
{
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_label_set_text (self->text_label, text);
}

static void
clear_table (CsExploreModel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table_grid))) != NULL)
    gtk_grid_remove (self->table_grid, child);
}

static void
set_fit_actions (CsExploreModel *self,
                 gboolean        enabled)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_score_button), enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_model_button), enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->validate_button), enabled);
}

static void
clear_fit (CsExploreModel *self)
{
  g_clear_pointer (&self->input, cs_cox_input_free);
  g_clear_pointer (&self->fit, cs_cox_fit_free);
  g_clear_pointer (&self->zph, cs_cox_zph_free);
}

/* No model, and why */
static void
refuse (CsExploreModel *self,
        const char     *text)
{
  clear_fit (self);
  cs_chart_widget_clear (self->chart);
  clear_table (self);
  set_fit_actions (self, FALSE);
  set_text (self, text);
}

static char *
format_p (double p)
{
  if (isnan (p))
    return g_strdup ("–");
  if (p < 0.0001)
    return g_strdup ("< 0.0001");
  return g_strdup_printf ("%.2g", p);
}

/* "p = 0.03", "p < 0.0001" */
static char *
format_p_clause (double p)
{
  g_autofree char *value = format_p (p);

  return value[0] == '<' ? g_strdup_printf ("p %s", value) : g_strdup_printf ("p = %s", value);
}

static char *
format_hr (double hr)
{
  return isfinite (hr) ? g_strdup_printf ("%.3g", hr) : g_strdup ("–");
}

static void
table_cell (CsExploreModel *self,
            const char     *text,
            int             column,
            int             row,
            gboolean        heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (self->table_grid, label, column, row, 1, 1);
}

/* Term, HR, 95% CI, p, n: one row per term, the reference levels named */
static void
fill_table (CsExploreModel *self)
{
  const CsCoxInput *in = self->input;
  const CsCoxFit *fit = self->fit;
  int row = 0;

  clear_table (self);
  table_cell (self, _("Term"), 0, row, TRUE);
  table_cell (self, _("Hazard ratio"), 1, row, TRUE);
  /* xgettext:no-c-format */
  table_cell (self, _("95% CI"), 2, row, TRUE);
  table_cell (self, _("p"), 3, row, TRUE);
  table_cell (self, _("n"), 4, row, TRUE);
  row++;
  for (guint c = 0; c < in->n_covariates; c++)
    {
      const CsCoxCovariate *cov = &in->covariates[c];

      if (cov->reference_label != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s = %s", cs_explore_var_name (cov->var), cov->reference_label);
          g_autofree char *n = g_strdup_printf ("%u", cov->reference_n);

          table_cell (self, name, 0, row, FALSE);
          table_cell (self, _("1 (reference)"), 1, row, FALSE);
          table_cell (self, "", 2, row, FALSE);
          table_cell (self, "", 3, row, FALSE);
          table_cell (self, n, 4, row, FALSE);
          row++;
        }
      for (guint t = 0; t < cov->n_terms; t++)
        {
          guint j = cov->first_term + t;
          const CsCoxTerm *term = &in->terms[j];
          g_autofree char *name = NULL, *hr = NULL, *ci = NULL, *p = NULL;
          g_autofree char *n = g_strdup_printf ("%u", term->n);

          name = cov->reference_label != NULL ? g_strdup_printf ("%s = %s", cs_explore_var_name (cov->var), term->label)
                                              : g_strdup (cs_explore_var_name (cov->var));
          switch (fit->state[j])
            {
            case CS_COX_COEF_INFINITE:
              hr = g_strdup (fit->direction[j] > 0 ? "∞" : "0");
              ci = g_strdup (_("separation"));
              p = g_strdup ("–");
              break;
            case CS_COX_COEF_ALIASED:
              hr = g_strdup ("–");
              ci = g_strdup (_("not estimable"));
              p = g_strdup ("–");
              break;
            case CS_COX_COEF_ESTIMATED:
            default:
              {
                g_autofree char *lo = format_hr (fit->hr_lower[j]);
                g_autofree char *hi = format_hr (fit->hr_upper[j]);

                hr = format_hr (fit->hr[j]);
                ci = g_strdup_printf ("%s–%s", lo, hi);
                p = format_p (fit->p_value[j]);
              }
              break;
            }
          table_cell (self, name, 0, row, FALSE);
          table_cell (self, hr, 1, row, FALSE);
          table_cell (self, ci, 2, row, FALSE);
          table_cell (self, p, 3, row, FALSE);
          table_cell (self, n, 4, row, FALSE);
          row++;
        }
    }
}

/* The forest plot: its arrays live in an owner handed to the chart */
static void
show_forest (CsExploreModel *self)
{
  const CsCoxInput *in = self->input;
  const CsCoxFit *fit = self->fit;
  GPtrArray *owner = g_ptr_array_new_with_free_func (g_free);
  CsChartForestCovariate *covs = cs_explore_keep (owner, g_new0 (CsChartForestCovariate, MAX (in->n_covariates, 1)));
  CsChartForestRow *rows = cs_explore_keep (owner, g_new0 (CsChartForestRow, in->p + 2 * in->n_covariates + 1));
  CsChartForestModel m = { 0 };
  g_autofree char *c = NULL, *lr = NULL, *ph = NULL;

  for (guint i = 0; i < in->n_covariates; i++)
    {
      const CsCoxCovariate *cov = &in->covariates[i];
      const char **labels = cs_explore_keep (owner, g_new0 (const char *, MAX (cov->n_terms, 1)));
      guint *n = cs_explore_keep (owner, g_new0 (guint, MAX (cov->n_terms, 1)));

      for (guint t = 0; t < cov->n_terms; t++)
        {
          labels[t] = cs_explore_keep (owner, g_strdup (in->terms[cov->first_term + t].label));
          n[t] = in->terms[cov->first_term + t].n;
        }
      covs[i].label = cs_explore_keep (owner, g_strdup (cs_explore_var_name (cov->var)));
      covs[i].reference = cov->reference_label != NULL ? cs_explore_keep (owner, g_strdup (cov->reference_label)) : NULL;
      covs[i].reference_n = cov->reference_n;
      covs[i].n_terms = cov->n_terms;
      covs[i].term_labels = labels;
      covs[i].term_n = n;
    }
  m.rows = rows;
  m.n_rows = cs_chart_forest_rows_from_fit (fit, covs, in->n_covariates, rows);
  m.title = cs_explore_keep (owner, g_strdup_printf (_("Hazard ratios, %s"), cs_explore_var_name (self->time_var)));
  c = isfinite (fit->concordance) ? g_strdup_printf ("%.3f", fit->concordance) : g_strdup ("–");
  lr = format_p (fit->lr_p_value);
  ph = format_p (self->zph != NULL ? self->zph->global_p_value : NAN);
  m.subtitle = cs_explore_keep (owner, g_strdup_printf (_("n = %u, %u events; concordance %s; likelihood-ratio p %s; "
                                                          "proportional hazards p %s"),
                                                        fit->n, fit->n_events, c, lr, ph));
  cs_chart_widget_set_model (self->chart, CS_CHART_FOREST, &m, owner, (GDestroyNotify) g_ptr_array_unref);
}

/* The medians in the time unit of Explore's "Time in" (the hazard ratios
 * do not depend on it) */
static void
append_medians (CsExploreModel *self,
                GString        *text)
{
  const char *code = self->time_var->unit != NULL ? self->time_var->unit : "d";
  double factor = 1.0, survival, follow_up;
  g_autofree char *unit = NULL;
  g_autofree char *shown_survival = NULL;
  g_autofree char *shown_follow_up = NULL;

  if (self->settings != NULL)
    {
      g_autofree char *name = g_settings_get_string (self->settings, "time-unit");
      CsTimeScale scale;

      if (cs_time_scale_from_string (name, &scale) && isfinite (cs_time_scale_factor (self->time_var->unit, scale)))
        {
          factor = cs_time_scale_factor (self->time_var->unit, scale);
          code = cs_time_scale_ucum (scale);
        }
    }
  cs_cox_input_medians (self->input, factor, &survival, &follow_up);
  unit = cs_ucum_display (code);
  shown_survival = isfinite (survival) ? g_strdup_printf ("%.1f %s", survival, unit) : g_strdup (_("not reached"));
  shown_follow_up = isfinite (follow_up) ? g_strdup_printf ("%.1f %s", follow_up, unit) : g_strdup (_("not reached"));
  g_string_append_printf (text, _("Median survival %s, median follow-up %s (reverse Kaplan–Meier)\n"),
                          shown_survival, shown_follow_up);
}

/* The tests, the concordance and, in plain words, what to distrust */
static void
show_text (CsExploreModel *self)
{
  const CsCoxInput *in = self->input;
  const CsCoxFit *fit = self->fit;
  const CsCoxZph *zph = self->zph;
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("%u patients, %u events"), fit->n, fit->n_events);
  if (in->n_selected > in->n)
    g_string_append_printf (text, _(" (%u left out for a missing value)"), in->n_selected - in->n);
  g_string_append_c (text, '\n');
  append_medians (self, text);
  if (fit->n_events == 0)
    {
      g_string_append (text, _("No patient in the model has an event: nothing can be estimated.\n"));
      set_text (self, text->str);
      return;
    }
  if (isfinite (fit->lr_chi2))
    {
      g_autofree char *p = format_p_clause (fit->lr_p_value);

      g_string_append_printf (text, _("Likelihood-ratio test: χ² = %.2f, df = %g, %s\n"),
                              fit->lr_chi2, fit->lr_df, p);
    }
  if (isfinite (fit->concordance))
    g_string_append_printf (text, _("Concordance: %.3f (SE %.3f)\n"), fit->concordance, fit->concordance_se);
  if (!fit->converged)
    g_string_append_printf (text, _("The fit did not converge in %u iterations: do not trust the estimates.\n"),
                            fit->iterations);
  for (guint j = 0; j < fit->p; j++)
    {
      const char *term = in->terms[j].label;

      if (fit->state[j] == CS_COX_COEF_INFINITE)
        g_string_append_printf (text, fit->direction[j] > 0 ?
                                _("“%s” separates the patients: every early event is on one side of it, so its "
                                  "hazard ratio grows without bound and has no CI or p-value.\n") :
                                _("“%s” separates the patients: no early event is on one side of it, so its "
                                  "hazard ratio falls to zero and has no CI or p-value.\n"), term);
      else if (fit->state[j] == CS_COX_COEF_ALIASED)
        g_string_append_printf (text, _("“%s” is constant or a combination of other covariates among these "
                                        "patients: it gets no hazard ratio.\n"), term);
    }
  if (zph != NULL && isfinite (zph->global_p_value))
    {
      g_autofree char *p = format_p_clause (zph->global_p_value);
      gboolean any = FALSE;

      g_string_append_printf (text, _("Proportional hazards (cox.zph): global %s\n"), p);
      for (guint t = 0; t < zph->n_terms && t < in->n_covariates; t++)
        if (isfinite (zph->p_value[t]) && zph->p_value[t] < PH_ALPHA)
          {
            g_autofree char *pt = format_p_clause (zph->p_value[t]);

            g_string_append_printf (text, _("Warning: the effect of “%s” seems to change over time (%s), so "
                                            "one hazard ratio may not describe it. Consider it as a stratum, "
                                            "or look at its survival curves.\n"),
                                    cs_explore_var_name (in->covariates[t].var), pt);
            any = TRUE;
          }
      if (!any && zph->global_p_value < PH_ALPHA)
        g_string_append (text, _("Warning: the model as a whole fails the proportional-hazards check: its hazard "
                                 "ratios may change over time.\n"));
    }
  g_string_append (text, CS_EXPLORE_EXPLORATORY_NOTE);
  set_text (self, text->str);
}

/* ------------------------------------------------------------------ fit */

typedef struct
{
  CsCoxInput *input;
  CsCoxFit   *fit;
  CsCoxZph   *zph;
} FitJob;

static void
fit_job_free (gpointer data)
{
  FitJob *job = data;

  g_clear_pointer (&job->input, cs_cox_input_free);
  g_clear_pointer (&job->fit, cs_cox_fit_free);
  g_clear_pointer (&job->zph, cs_cox_zph_free);
  g_free (job);
}

static void
fit_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  FitJob *job = task_data;

  job->fit = cs_stats_cox_fit (&job->input->data, NULL);
  if (g_task_return_error_if_cancelled (task))
    return;
  job->zph = cs_stats_cox_zph (&job->input->data, job->fit, job->input->term_of_column, job->input->n_covariates);
  g_task_return_boolean (task, TRUE);
}

static void
fit_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  CsExploreModel *self = CS_EXPLORE_MODEL (source);
  GTask *task = G_TASK (result);
  FitJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* a newer request replaced this one: it shows its own result */
  if (!g_task_propagate_boolean (task, &error) || g_task_get_cancellable (task) != self->cancellable)
    return;
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);

  clear_fit (self);
  self->input = g_steal_pointer (&job->input);
  self->fit = g_steal_pointer (&job->fit);
  self->zph = g_steal_pointer (&job->zph);
  show_forest (self);
  fill_table (self);
  show_text (self);
  set_fit_actions (self, self->fit->n_events > 0);
}

static void
cancel_fit (CsExploreModel *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      gtk_spinner_stop (self->spinner);
    }
}

/* "KEY=LEVEL, KEY=LEVEL" as a NULL-terminated list (NULL for none) */
static char **
parse_references (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  GPtrArray *refs = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *ref = g_strstrip (parts[i]);

      if (*ref != '\0')
        g_ptr_array_add (refs, g_strdup (ref));
    }
  if (refs->len == 0)
    {
      g_ptr_array_unref (refs);
      return NULL;
    }
  g_ptr_array_add (refs, NULL);
  return (char **) g_ptr_array_free (refs, FALSE);
}

void
cs_explore_model_update (CsExploreModel *self)
{
  g_autoptr(GPtrArray) covariates = g_ptr_array_new ();
  g_auto(GStrv) references = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  CsCoxInput *input = NULL;
  CsVariable *tv, *sv;
  FitJob *job;

  g_return_if_fail (CS_IS_EXPLORE_MODEL (self));

  if (self->updating > 0 || self->chart == NULL)
    return;
  cancel_fit (self);

  tv = cs_explore_dropdown_var (self->time_dropdown, self->time_vars);
  sv = cs_explore_dropdown_var (self->strata_dropdown, self->strata_vars);
  if (self->store == NULL || tv == NULL)
    {
      refuse (self, _("There is no time-to-event variable in this cohort."));
      return;
    }
  for (guint i = 0; i < self->chosen_order->len; i++)
    {
      CsVariable *var = cs_store_lookup_variable (self->store, g_ptr_array_index (self->chosen_order, i));

      if (var != NULL && var != sv)
        g_ptr_array_add (covariates, var);
    }
  if (covariates->len == 0)
    {
      refuse (self, sv != NULL && self->chosen_order->len > 0 ?
              _("A stratum has no hazard ratio: choose a covariate other than the stratum.") :
              _("Choose at least one covariate: a radiomics feature or a clinical variable."));
      return;
    }
  references = parse_references (gtk_editable_get_text (GTK_EDITABLE (self->reference_entry)));
  if (!cs_cox_input_build (self->store, self->rows, tv, NULL,
                           (const CsVariable *const *) covariates->pdata, covariates->len,
                           (const char *const *) references,
                           (const CsVariable *const *) &sv, sv != NULL ? 1 : 0,
                           CS_ANALYSIS_DISPLAY_LABELS | CS_ANALYSIS_UNICODE_LABELS, &input, &error))
    {
      cs_cox_input_free (input);
      refuse (self, error->message);
      return;
    }
  if (input->n == 0)
    {
      cs_cox_input_free (input);
      refuse (self, sv != NULL ? _("No patient has the survival time, every covariate and the stratum.")
                               : _("No patient has the survival time and every covariate."));
      return;
    }

  self->time_var = tv;
  self->strata_var = sv;
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  set_fit_actions (self, FALSE);
  job = g_new0 (FitJob, 1);
  job->input = input;
  task = g_task_new (self, self->cancellable, fit_done, NULL);
  g_task_set_source_tag (task, cs_explore_model_update);
  g_task_set_task_data (task, job, fit_job_free);
  g_task_run_in_thread (task, fit_thread);
}

/* ----------------------------------------------------------- covariates */

static void
update_chosen_label (CsExploreModel *self)
{
  g_autofree char *text = NULL;
  guint n = self->chosen_order->len;

  text = n == 0 ? g_strdup (_("No covariate chosen"))
                : g_strdup_printf (ngettext ("%u covariate chosen", "%u covariates chosen", n), n);
  gtk_label_set_text (self->chosen_label, text);
}

static void
on_covariate_toggled (GtkCheckButton *check,
                      CsExploreModel *self)
{
  const char *key = g_object_get_data (G_OBJECT (check), "cs-key");
  gboolean active = gtk_check_button_get_active (check);

  if (active == g_hash_table_contains (self->chosen, key))
    return;
  if (active)
    {
      g_hash_table_add (self->chosen, g_strdup (key));
      g_ptr_array_add (self->chosen_order, g_strdup (key));
    }
  else
    {
      g_hash_table_remove (self->chosen, key);
      for (guint i = 0; i < self->chosen_order->len; i++)
        if (g_str_equal (g_ptr_array_index (self->chosen_order, i), key))
          g_ptr_array_remove_index (self->chosen_order, i);
    }
  update_chosen_label (self);
  cs_explore_model_update (self);
}

static gboolean
covariate_matches (GtkListBoxRow *row,
                   gpointer       data)
{
  CsExploreModel *self = data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  int i = gtk_list_box_row_get_index (row);
  CsVariable *var;
  g_autofree char *display = NULL, *folded = NULL, *q = NULL;

  if (query[0] == '\0' || i < 0 || (guint) i >= self->covariate_vars->len)
    return TRUE;
  var = g_ptr_array_index (self->covariate_vars, i);
  display = cs_explore_var_display (var);
  folded = g_utf8_casefold (display, -1);
  q = g_utf8_casefold (query, -1);
  /* a ticked covariate stays in sight */
  return strstr (folded, q) != NULL || g_hash_table_contains (self->chosen, var->key);
}

static void
on_search_changed (CsExploreModel *self)
{
  gtk_list_box_invalidate_filter (self->covariate_list);
}

/* A click on a covariate's name ticks it */
static void
on_label_clicked (GtkCheckButton *check)
{
  gtk_check_button_set_active (check, !gtk_check_button_get_active (check));
}

/* The list of covariates: every variable but the time-to-event ones, the
 * features (Radiomics) after the clinical ones as the store orders them */
static void
fill_covariates (CsExploreModel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->covariate_list))) != NULL)
    gtk_list_box_remove (self->covariate_list, child);
  g_ptr_array_set_size (self->covariate_vars, 0);
  for (guint i = 0; self->store != NULL && i < cs_store_get_n_variables (self->store); i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);
      g_autofree char *display = NULL, *tooltip = NULL;
      GtkWidget *check, *label, *row;
      GtkGesture *click;

      if (var->type == CS_VARIABLE_SURVIVAL)
        continue;
      display = cs_explore_var_display (var);
      /* a label that ellipsizes keeps the list narrow; the check is named
       * by it for assistive technologies */
      label = gtk_label_new (display);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      check = gtk_check_button_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, display, -1);
      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (row), check);
      gtk_box_append (GTK_BOX (row), label);
      click = gtk_gesture_click_new ();
      g_signal_connect_object (click, "released", G_CALLBACK (on_label_clicked), check, G_CONNECT_SWAPPED);
      gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (click));
      tooltip = g_strdup_printf ("%s (%s)", display, var->group);
      gtk_widget_set_tooltip_text (row, tooltip);
      g_object_set_data_full (G_OBJECT (check), "cs-key", g_strdup (var->key), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->chosen, var->key));
      g_signal_connect (check, "toggled", G_CALLBACK (on_covariate_toggled), self);
      gtk_list_box_append (self->covariate_list, row);
      /* one Tab stop per covariate: its check, not also the list's row */
      gtk_widget_set_focusable (gtk_widget_get_parent (row), FALSE);
      g_ptr_array_add (self->covariate_vars, var);
    }
}

static void
on_covariate_row_activated (GtkListBox    *list,
                            GtkListBoxRow *row,
                            gpointer       user_data)
{
  GtkWidget *box = gtk_list_box_row_get_child (row);
  GtkWidget *check = box != NULL ? gtk_widget_get_first_child (box) : NULL;

  if (GTK_IS_CHECK_BUTTON (check))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), !gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
}

/* Forgets chosen keys the store does not have */
static void
prune_chosen (CsExploreModel *self)
{
  for (guint i = self->chosen_order->len; i-- > 0;)
    {
      const char *key = g_ptr_array_index (self->chosen_order, i);

      if (self->store == NULL || cs_store_lookup_variable (self->store, key) == NULL)
        {
          g_hash_table_remove (self->chosen, key);
          g_ptr_array_remove_index (self->chosen_order, i);
        }
    }
  update_chosen_label (self);
}

static void
fill_lists (CsExploreModel *self)
{
  guint n_vars = self->store != NULL ? cs_store_get_n_variables (self->store) : 0;

  g_ptr_array_set_size (self->time_vars, 0);
  g_ptr_array_set_size (self->strata_vars, 0);
  g_ptr_array_add (self->strata_vars, NULL);
  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);

      if (var->type == CS_VARIABLE_SURVIVAL)
        g_ptr_array_add (self->time_vars, var);
      else if (var->type == CS_VARIABLE_CATEGORICAL || var->type == CS_VARIABLE_BOOLEAN)
        g_ptr_array_add (self->strata_vars, var);
    }
  cs_explore_fill_dropdown (self->time_dropdown, self->time_vars, NULL);
  cs_explore_fill_dropdown (self->strata_dropdown, self->strata_vars, _("(none)"));
  fill_covariates (self);
}

static void
on_control_changed (CsExploreModel *self)
{
  cs_explore_model_update (self);
}

void
cs_explore_model_set_store (CsExploreModel *self,
                            CsStore        *store)
{
  g_return_if_fail (CS_IS_EXPLORE_MODEL (self));

  cancel_fit (self);
  refuse (self, "");
  g_set_object (&self->store, store);
  self->time_var = self->strata_var = NULL;
  self->updating++;
  g_hash_table_remove_all (self->chosen);
  g_ptr_array_set_size (self->chosen_order, 0);
  update_chosen_label (self);
  gtk_editable_set_text (GTK_EDITABLE (self->reference_entry), "");
  fill_lists (self);
  self->updating--;
}

void
cs_explore_model_refresh_variables (CsExploreModel *self)
{
  CsVariable *tv, *sv;
  g_autofree char *time_key = NULL, *strata_key = NULL;

  g_return_if_fail (CS_IS_EXPLORE_MODEL (self));

  tv = cs_explore_dropdown_var (self->time_dropdown, self->time_vars);
  sv = cs_explore_dropdown_var (self->strata_dropdown, self->strata_vars);
  time_key = tv != NULL ? g_strdup (tv->key) : NULL;
  strata_key = sv != NULL ? g_strdup (sv->key) : NULL;
  self->updating++;
  prune_chosen (self);
  fill_lists (self);
  if (time_key != NULL)
    cs_explore_select_var (self->time_dropdown, self->time_vars, time_key);
  cs_explore_select_var (self->strata_dropdown, self->strata_vars, strata_key);
  self->updating--;
}

void
cs_explore_model_set_rows (CsExploreModel *self,
                           GArray         *rows,
                           const char     *cohort)
{
  g_return_if_fail (CS_IS_EXPLORE_MODEL (self));
  g_return_if_fail (rows != NULL);

  g_array_ref (rows);
  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;
  g_free (self->cohort);
  self->cohort = g_strdup (cohort);
}

gboolean
cs_explore_model_show (CsExploreModel     *self,
                       const char         *time_key,
                       const char * const *covariates,
                       const char         *references,
                       const char         *strata_key)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), FALSE);

  self->updating++;
  ok = cs_explore_select_var (self->time_dropdown, self->time_vars, time_key) &&
       cs_explore_select_var (self->strata_dropdown, self->strata_vars, strata_key);
  g_hash_table_remove_all (self->chosen);
  g_ptr_array_set_size (self->chosen_order, 0);
  for (guint i = 0; ok && covariates != NULL && covariates[i] != NULL; i++)
    {
      CsVariable *var = self->store != NULL ? cs_store_lookup_variable (self->store, covariates[i]) : NULL;

      if (var == NULL || var->type == CS_VARIABLE_SURVIVAL)
        ok = FALSE;
      else if (g_hash_table_add (self->chosen, g_strdup (var->key)))
        g_ptr_array_add (self->chosen_order, g_strdup (var->key));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->reference_entry), references != NULL ? references : "");
  fill_covariates (self);
  update_chosen_label (self);
  self->updating--;
  if (!ok)
    return FALSE;
  cs_explore_model_update (self);
  return TRUE;
}

gboolean
cs_explore_model_get_busy (CsExploreModel *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), FALSE);

  return self->cancellable != NULL;
}

CsChartWidget *
cs_explore_model_get_chart (CsExploreModel *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), NULL);

  return self->chart;
}

const char *
cs_explore_model_get_text (CsExploreModel *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), NULL);

  return self->text != NULL ? self->text : "";
}

/* ------------------------------------------------------------ signature */

CsCoxModel *
cs_explore_model_dup_model (CsExploreModel *self,
                            const char     *key,
                            GError        **error)
{
  const CsVariable *strata[1];
  CsCoxModel *model;

  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), NULL);

  if (self->fit == NULL || self->fit->n_events == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no fitted model: choose the time to event and covariates first"));
      return NULL;
    }
  strata[0] = self->strata_var;
  model = cs_cox_model_new_from_fit (self->input, self->fit, self->time_var, NULL, strata,
                                     self->strata_var != NULL ? 1 : 0, key, error);
  if (model == NULL)
    return NULL;
  model->cohort = g_strdup (self->cohort != NULL ? self->cohort : _("all patients"));
  return model;
}

CsVariable *
cs_explore_model_save_score (CsExploreModel *self,
                             const char     *key,
                             GError        **error)
{
  g_autoptr(CsCoxModel) model = NULL;
  g_autoptr(GString) label = g_string_new (NULL);

  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), NULL);

  if (self->store != NULL && key != NULL && cs_store_lookup_variable (self->store, key) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("There is already a variable “%s”: choose another score name"), key);
      return NULL;
    }
  if ((model = cs_explore_model_dup_model (self, key, error)) == NULL)
    return NULL;
  /* Translators: the label of a saved signature score, "Signature score (age, stage)" */
  g_string_append (label, _("Signature score ("));
  for (guint c = 0; c < self->input->n_covariates; c++)
    g_string_append_printf (label, "%s%s", c > 0 ? ", " : "", cs_explore_var_name (self->input->covariates[c].var));
  g_string_append_c (label, ')');
  g_free (model->label);
  model->label = g_string_free (g_steal_pointer (&label), FALSE);
  return cs_cox_model_add_score (model, self->store, error);
}

void
cs_explore_model_write_stats (CsExploreModel *self,
                              gboolean        json,
                              GString        *out)
{
  const CsCoxInput *in;
  const CsCoxFit *fit;

  g_return_if_fail (CS_IS_EXPLORE_MODEL (self));

  if (self->fit == NULL)
    return;
  in = self->input;
  fit = self->fit;
  if (json)
    g_string_append_printf (out, "{\"method\":\"cox\",\"n\":%u,\"events\":%u,\"terms\":[", fit->n, fit->n_events);
  else
    g_string_append (out, "term,coef,se,hr,lower,upper,p_value,n\n");
  for (guint j = 0; j < fit->p; j++)
    {
      const double values[] = { fit->coef[j], fit->se[j], fit->hr[j], fit->hr_lower[j], fit->hr_upper[j],
                                fit->p_value[j] };
      static const char *const names[] = { "coef", "se", "hr", "lower", "upper", "p_value" };

      if (json)
        {
          g_string_append (out, j > 0 ? ",{\"term\":" : "{\"term\":");
          cs_json_append_escaped (out, in->terms[j].name, -1);
          for (guint v = 0; v < G_N_ELEMENTS (values); v++)
            {
              g_string_append_printf (out, ",\"%s\":", names[v]);
              cs_format_json_number (out, values[v]);
            }
          g_string_append_printf (out, ",\"n\":%u}", in->terms[j].n);
        }
      else
        {
          cs_csv_append_field (out, in->terms[j].name, ',');
          for (guint v = 0; v < G_N_ELEMENTS (values); v++)
            {
              g_string_append_c (out, ',');
              cs_explore_csv_number (out, values[v]);
            }
          g_string_append_printf (out, ",%u\n", in->terms[j].n);
        }
    }
  if (!json)
    return;
  g_string_append (out, "],\"lr_test\":{\"chi2\":");
  cs_format_json_number (out, fit->lr_chi2);
  g_string_append (out, ",\"df\":");
  cs_format_json_number (out, fit->lr_df);
  g_string_append (out, ",\"p_value\":");
  cs_format_json_number (out, fit->lr_p_value);
  g_string_append (out, "},\"concordance\":{\"c\":");
  cs_format_json_number (out, fit->concordance);
  g_string_append (out, ",\"se\":");
  cs_format_json_number (out, fit->concordance_se);
  g_string_append (out, "},\"zph_global_p_value\":");
  cs_format_json_number (out, self->zph != NULL ? self->zph->global_p_value : NAN);
  g_string_append (out, ",\"exploratory\":true}\n");
}

char *
cs_explore_model_validate (CsExploreModel *self,
                           CsStore        *store,
                           GArray         *rows,
                           const char     *name,
                           GError        **error)
{
  g_autoptr(CsCoxModel) model = NULL;
  CsCoxValidation v = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CS_IS_EXPLORE_MODEL (self), NULL);

  if ((model = cs_explore_model_dup_model (self, NULL, error)) == NULL)
    return NULL;
  if (!cs_cox_model_validate (model, store, rows, CS_ANALYSIS_DEFAULT, &v, error))
    return NULL;
  g_string_append_printf (text, _("Training (%s): concordance %.3f (SE %.3f), %u patients, %u events\n"),
                          model->cohort, model->concordance, model->concordance_se, model->n, model->n_events);
  if (isfinite (v.concordance))
    g_string_append_printf (text, _("Validation (%s): concordance %.3f (SE %.3f), %u patients, %u events\n"),
                            name, v.concordance, v.concordance_se, v.n, v.n_events);
  else
    g_string_append_printf (text, _("Validation (%s): concordance undefined (%u patients, %u events)\n"),
                            name, v.n, v.n_events);
  if (v.n_selected > v.n)
    g_string_append_printf (text, _("%u of its %u patients have no score or no outcome"), v.n_selected - v.n,
                            v.n_selected);
  if (v.n_unknown > 0)
    g_string_append_printf (text, _(" (%u with a level the model has no term for)"), v.n_unknown);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* -------------------------------------------------------------- buttons */

static void
on_save_score_clicked (CsExploreModel *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
  g_autoptr(GError) error = NULL;
  CsVariable *var;
  g_autofree char *msg = NULL;

  if ((var = cs_explore_model_save_score (self, key, &error)) == NULL)
    {
      cs_gui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  msg = g_strdup_printf (_("Added the variable “%s” (%u patients with a score)"), var->key, var->n);
  cs_gui_toast (GTK_WIDGET (self), msg);
}

static void
on_save_model_response (GtkNativeDialog *dialog,
                        int              response,
                        CsExploreModel  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCoxModel) model = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    {
      model = cs_explore_model_dup_model (self, gtk_editable_get_text (GTK_EDITABLE (self->key_entry)), &error);
      if (model != NULL && cs_cox_model_save (model, path, &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Saved “%s”"), base);

          cs_gui_toast (GTK_WIDGET (self), msg);
        }
      else
        cs_gui_toast (GTK_WIDGET (self), error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static GtkFileChooserNative *
file_chooser (CsExploreModel       *self,
              const char           *title,
              GtkFileChooserAction  action,
              const char           *accept)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

static void
on_save_model_clicked (CsExploreModel *self)
{
  GtkFileChooserNative *chooser = file_chooser (self, _("Save Model"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
  g_autofree char *name = g_strdup_printf ("%s.model.json", gtk_editable_get_text (GTK_EDITABLE (self->key_entry)));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_model_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The patients of a saved cohort (its ids or its filter) in this store */
static void
on_validate_response (GtkNativeDialog *dialog,
                      int              response,
                      CsExploreModel  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSavedCohort) cohort = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autofree char *text = NULL;
  CsBitset *members = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    path = g_file_get_path (file);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  if (path != NULL && self->store != NULL)
    {
      if ((cohort = cs_saved_cohort_load (path, &error)) != NULL &&
          (members = cs_saved_cohort_select (cohort, self->store, NULL, &error)) != NULL)
        {
          rows = cs_analysis_rows (cs_store_get_n_patients (self->store), members);
          cs_bitset_free (members);
          text = cs_explore_model_validate (self, self->store, rows, cohort->name, &error);
        }
      if (text != NULL)
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   _("Validation"), text);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
      else
        cs_gui_toast (GTK_WIDGET (self), error->message);
    }
  g_object_unref (self);
}

static void
on_validate_clicked (CsExploreModel *self)
{
  GtkFileChooserNative *chooser = file_chooser (self, _("Validate on a Saved Cohort"),
                                                GTK_FILE_CHOOSER_ACTION_OPEN, _("_Validate"));

  g_signal_connect (chooser, "response", G_CALLBACK (on_validate_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---------------------------------------------------------------- object */

static void
on_time_unit_changed (CsExploreModel *self)
{
  if (self->fit != NULL && self->fit->n_events > 0)
    show_text (self);
}

static void
cs_explore_model_dispose (GObject *object)
{
  CsExploreModel *self = CS_EXPLORE_MODEL (object);

  cancel_fit (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_MODEL);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_object (&self->settings);
  clear_fit (self);

  G_OBJECT_CLASS (cs_explore_model_parent_class)->dispose (object);
}

static void
cs_explore_model_finalize (GObject *object)
{
  CsExploreModel *self = CS_EXPLORE_MODEL (object);

  g_ptr_array_unref (self->time_vars);
  g_ptr_array_unref (self->strata_vars);
  g_ptr_array_unref (self->covariate_vars);
  g_ptr_array_unref (self->chosen_order);
  g_hash_table_unref (self->chosen);
  g_free (self->cohort);
  g_free (self->text);

  G_OBJECT_CLASS (cs_explore_model_parent_class)->finalize (object);
}

static void
cs_explore_model_class_init (CsExploreModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_model_dispose;
  object_class->finalize = cs_explore_model_finalize;

  g_type_ensure (CS_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-explore-model.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, time_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, covariate_list);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, reference_entry);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, strata_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, spinner);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, text_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, key_entry);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, save_score_button);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, save_model_button);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, validate_button);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, chart);
  gtk_widget_class_bind_template_child (widget_class, CsExploreModel, table_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_save_score_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_model_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_validate_clicked);
}

static void
cs_explore_model_init (CsExploreModel *self)
{
  self->time_vars = g_ptr_array_new ();
  self->strata_vars = g_ptr_array_new ();
  self->covariate_vars = g_ptr_array_new ();
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->chosen_order = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_init_template (GTK_WIDGET (self));

  /* the medians follow the time scale the survival page sets */
  self->settings = cs_gui_settings_new ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::time-unit", G_CALLBACK (on_time_unit_changed), self,
                             G_CONNECT_SWAPPED);
  gtk_list_box_set_filter_func (self->covariate_list, covariate_matches, self, NULL);
  /* one Tab stop: Tab goes on past the list, the arrows move in it, Space
   * or Enter on a row ticks its covariate */
  cs_gui_list_tab_leaves (GTK_WIDGET (self->covariate_list));
  g_signal_connect (self->covariate_list, "row-activated", G_CALLBACK (on_covariate_row_activated), NULL);
  update_chosen_label (self);
  set_fit_actions (self, FALSE);
}
