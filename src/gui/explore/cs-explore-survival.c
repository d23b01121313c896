/* cs-explore-survival.c
 *
 * The chart's arrays live in an owner handed to the CsChartWidget, so the
 * chart never points into the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cs-analysis.h"
#include "cs-csv.h"
#include "cs-explore-common.h"
#include "cs-gui-util.h"
#include "cs-explore-survival.h"
#include "cs-json.h"
#include "cs-ucum-display.h"

#define MAX_KM_GROUPS 12

/* The items of the Split drop-down (cs-explore-survival.ui) */
enum { SPLIT_MEDIAN, SPLIT_TERTILES, SPLIT_CUT };

struct _CsExploreSurvival
{
  GtkBox         parent_instance;

  /* Template */
  GtkDropDown   *time_dropdown;
  GtkDropDown   *group_dropdown;
  GtkDropDown   *split_dropdown;
  GtkEntry      *cut_entry;
  GtkDropDown   *scale_dropdown;
  GtkLabel      *text_label;
  CsChartWidget *chart;

  CsStore       *store;
  GArray        *rows;           /* guint store rows in use */
  GPtrArray     *time_vars;      /* CsVariable*, not owned */
  GPtrArray     *group_vars;     /* [0] = NULL ("none") */
  guint          updating;

  char          *text;
  GString       *stats_json;
  GString       *stats_csv;
  GString       *data_csv;       /* written only for an export */
  gboolean       want_data_csv;

  GSettings     *settings;       /* "time-unit"; NULL without the schema */
};

G_DEFINE_FINAL_TYPE (CsExploreSurvival, cs_explore_survival, GTK_TYPE_BOX)

static void
set_text (CsExploreSurvival *self,
          const char        *text)
{
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_label_set_text (self->text_label, text);
}

/* No chart, and why: nothing to export either */
static void
refuse (CsExploreSurvival *self,
        const char        *text)
{
  cs_chart_widget_clear (self->chart);
  g_string_truncate (self->data_csv, 0);
  g_string_truncate (self->stats_json, 0);
  g_string_truncate (self->stats_csv, 0);
  set_text (self, text);
}

/* The rows behind the chart, only for an export (a CSV of 100,000 rows is
 * not free) */
static void
write_data (CsExploreSurvival     *self,
            const CsSurvivalInput *input)
{
  const char * const *labels = (const char * const *) input->groups->labels;
  const gint32 *group = input->groups->group;

  g_string_append (self->data_csv, "patient_id,time,event,group\n");
  for (guint i = 0; i < input->n; i++)
    {
      if (isnan (input->time[i]))
        continue;
      cs_csv_append_field (self->data_csv,
                           cs_store_get_patient_id (self->store, g_array_index (self->rows, guint, i)), ',');
      g_string_append_c (self->data_csv, ',');
      cs_explore_csv_number (self->data_csv, input->time[i]);
      g_string_append_printf (self->data_csv, ",%u,", input->event[i]);
      cs_csv_append_field (self->data_csv, group[i] >= 0 ? labels[group[i]] : "", ',');
      g_string_append_c (self->data_csv, '\n');
    }
}

void
cs_explore_survival_update (CsExploreSurvival *self)
{
  CsVariable *tv, *gv;
  GPtrArray *owner;
  guint n, n_groups, n_shown, split;
  g_autoptr(CsSurvivalInput) input = NULL;
  g_autoptr(GPtrArray) curves = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *split_text = NULL;
  const double *time;
  const guint8 *event;
  const gint32 *group;
  const char * const *labels;
  CsChartKmGroup *groups;
  CsChartKmModel m = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *unit_shown = NULL;
  g_autofree char *logrank_summary = NULL;
  const char *time_unit;
  double factor;
  guint scale;

  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));

  if (self->updating > 0 || self->chart == NULL)
    return;

  g_string_truncate (self->data_csv, 0);
  g_string_truncate (self->stats_json, 0);
  g_string_truncate (self->stats_csv, 0);
  tv = cs_explore_dropdown_var (self->time_dropdown, self->time_vars);
  gv = cs_explore_dropdown_var (self->group_dropdown, self->group_vars);
  split = gtk_drop_down_get_selected (self->split_dropdown);
  gtk_widget_set_sensitive (GTK_WIDGET (self->split_dropdown), gv != NULL && cs_variable_is_numeric_like (gv));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cut_entry),
                            gv != NULL && cs_variable_is_numeric_like (gv) && split == SPLIT_CUT);
  if (self->store == NULL || tv == NULL)
    {
      refuse (self, _("There is no time-to-event variable in this cohort."));
      return;
    }

  /* a grouping variable groups by its levels, a numeric one is split (the
   * rules of `cohortscope-cli survival --split`, src/core/analysis) */
  if (gv != NULL && !cs_variable_is_grouping (gv))
    {
      if (split == SPLIT_CUT)
        {
          split_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cut_entry)));
          if (split_text[0] == '\0')
            {
              refuse (self, _("Type a number to cut the grouping variable at."));
              return;
            }
        }
      else
        split_text = g_strdup (split == SPLIT_TERTILES ? "tertiles" : "median");
    }

  if (!cs_survival_input_build (self->store, self->rows, tv, NULL, gv, split_text, _("All patients"),
                                CS_ANALYSIS_DISPLAY_LABELS | CS_ANALYSIS_UNICODE_LABELS, &input, &error))
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT))
        {
          CsSplit median = { CS_SPLIT_MEDIAN, NAN };
          double cuts[2];
          char buf[32] = "—";

          if (cs_split_cuts (&median, input->x, input->time, input->n, cuts) == 1)
            cs_format_double_buf (cuts[0], buf);
          msg = g_strdup_printf (_("Type a number to cut “%s” at (for example its median, %s)."),
                                 cs_explore_var_name (gv), buf);
        }
      else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NO_VALUES))
        msg = g_strdup (_("No patient has both a survival time and a value of the grouping variable."));
      else
        msg = g_strdup (error->message);
      refuse (self, msg);
      return;
    }

  n = input->n;
  n_groups = input->groups->n_groups;
  /* the exported rows keep the variable's own unit, at full precision */
  if (self->want_data_csv)
    write_data (self, input);
  /* times in the chosen scale (NAN factor: the variable's unit is no time unit, keep it) */
  scale = gtk_drop_down_get_selected (self->scale_dropdown);
  if (scale > CS_TIME_SCALE_YEARS)
    scale = CS_TIME_SCALE_MONTHS;
  factor = cs_time_scale_factor (tv->unit, (CsTimeScale) scale);
  if (isfinite (factor))
    {
      time_unit = cs_time_scale_ucum ((CsTimeScale) scale);
      for (guint i = 0; i < input->n; i++)
        input->time[i] *= factor;
    }
  else
    time_unit = tv->unit != NULL ? tv->unit : "d";
  unit_shown = cs_ucum_display (time_unit);
  /* a split's legend names the variable: "JointEntropy ≤ 6.39" */
  if (gv != NULL && split_text != NULL)
    cs_groups_name_labels (input->groups, cs_explore_var_name (gv));
  time = input->time;
  event = input->event;
  group = input->groups->group;
  labels = (const char * const *) input->groups->labels;
  if (gv != NULL && split_text == NULL && n_groups > MAX_KM_GROUPS)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” has %u groups; a Kaplan–Meier plot shows at most %u. Choose a numeric variable and a split instead."),
                                              cs_explore_var_name (gv), n_groups, MAX_KM_GROUPS);

      refuse (self, msg);
      return;
    }
  owner = g_ptr_array_new_with_free_func (g_free);


  g_string_append (self->stats_csv, "group,n,events,median,median_lower,median_upper,unit\n");
  groups = cs_explore_keep (owner, g_new0 (CsChartKmGroup, MAX (n_groups, 1)));
  curves = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_km_curve_free);
  n_shown = cs_chart_km_groups_from_survival (groups, time, event, group, n, labels, n_groups, curves, owner);
  g_string_append (text, _("Median survival by group\n"));
  for (guint i = 0; i < n_shown; i++)
    {
      const CsKmCurve *curve = g_ptr_array_index (curves, i);
      const char *label = groups[i].label;
      g_autofree char *med = NULL, *ml = NULL, *mu = NULL;

      med = isnan (curve->median) ? g_strdup (_("not reached")) : g_strdup_printf ("%.4g", curve->median);
      ml = cs_explore_format_number (curve->median_lower);
      mu = cs_explore_format_number (curve->median_upper);
      /* Translators: median survival with its unit: "Stage III: n = 40, 22 events, median 14.2 months (95% CI 9.1 to 20 months)" */
      g_string_append_printf (text, _("%s: n = %u, %u events, median %s %s (95%% CI %s to %s %s)\n"),
                              label, curve->n, curve->n_events, med, isnan (curve->median) ? "" : unit_shown,
                              ml, mu, unit_shown);
      cs_csv_append_field (self->stats_csv, label, ',');
      g_string_append_printf (self->stats_csv, ",%u,%u,", curve->n, curve->n_events);
      cs_explore_csv_number (self->stats_csv, curve->median);
      g_string_append_c (self->stats_csv, ',');
      cs_explore_csv_number (self->stats_csv, curve->median_lower);
      g_string_append_c (self->stats_csv, ',');
      cs_explore_csv_number (self->stats_csv, curve->median_upper);
      g_string_append_printf (self->stats_csv, ",%s\n", time_unit);
    }
  if (n_shown == 0)
    {
      refuse (self, _("No patient in the cohort has a survival time and event status."));
      g_ptr_array_unref (owner);
      return;
    }

  g_string_append (self->stats_json, "{\"method\":\"logrank\",\"time\":");
  cs_json_append_escaped (self->stats_json, tv->key, -1);
  g_string_append (self->stats_json, ",\"time_unit\":");
  cs_json_append_escaped (self->stats_json, time_unit, -1);
  if (n_shown >= 2)
    {
      g_autoptr(CsLogrank) lr = cs_stats_logrank (time, event, group, n);

      if (lr != NULL && isfinite (lr->p_value))
        {
          g_autofree char *p = cs_explore_format_number (lr->p_value);

          g_string_append_printf (text, _("Log-rank χ² = %.3f, df = %g, p = %s\n"), lr->chi2, lr->df, p);
          logrank_summary = cs_stats_logrank_summary (lr, CS_STATS_P_THRESHOLD);
          m.subtitle = cs_explore_keep (owner, g_strdup (logrank_summary));
          g_string_append (self->stats_json, ",\"chi2\":");
          cs_format_json_number (self->stats_json, lr->chi2);
          g_string_append (self->stats_json, ",\"df\":");
          cs_format_json_number (self->stats_json, lr->df);
          g_string_append (self->stats_json, ",\"p\":");
          cs_format_json_number (self->stats_json, lr->p_value);
        }
      else
        g_string_append (text, _("Log-rank test: undefined (fewer than two groups with expected events)\n"));
    }
  else
    g_string_append (text, _("Log-rank test: needs at least two groups\n"));
  g_string_append (self->stats_json, ",\"exploratory\":true}\n");
  g_string_append (text, CS_EXPLORE_EXPLORATORY_NOTE);

  m.n_groups = n_shown;
  m.groups = groups;
  m.ci = n_shown <= 3;
  m.at_risk_table = TRUE;
  m.x_label = cs_explore_keep (owner, cs_chart_axis_label (_("Time"), time_unit));
  m.title = cs_explore_keep (owner, gv != NULL ? g_strdup_printf (_("Survival by %s"), cs_explore_var_name (gv))
                                               : g_strdup (_("Survival")));
  cs_chart_widget_set_model (self->chart, CS_CHART_KM, &m, owner, (GDestroyNotify) g_ptr_array_unref);
  {
    g_autofree char *time_text = cs_variable_caption_shown_in (_("time"), tv, time_unit);
    g_autofree char *group_text = gv != NULL ? cs_variable_caption (_("groups"), gv) : NULL;
    g_autofree char *variables = group_text != NULL ? g_strdup_printf ("%s; %s", time_text, group_text)
                                                    : g_strdup (time_text);
    g_autofree char *stem = cs_chart_file_name ("km", tv->key, "by", gv != NULL ? gv->key : NULL, NULL);

    cs_chart_widget_set_caption (self->chart, logrank_summary, variables, stem);
  }
  set_text (self, text->str);
}

static void
on_control_changed (CsExploreSurvival *self)
{
  cs_explore_survival_update (self);
}

static void
on_scale_changed (CsExploreSurvival *self)
{
  guint scale = gtk_drop_down_get_selected (self->scale_dropdown);

  if (self->settings != NULL && scale <= CS_TIME_SCALE_YEARS)
    g_settings_set_string (self->settings, "time-unit", cs_time_scale_to_string ((CsTimeScale) scale));
  cs_explore_survival_update (self);
}

static void
on_scale_setting_changed (CsExploreSurvival *self)
{
  g_autofree char *unit = g_settings_get_string (self->settings, "time-unit");
  CsTimeScale scale;

  if (cs_time_scale_from_string (unit, &scale) && gtk_drop_down_get_selected (self->scale_dropdown) != scale)
    gtk_drop_down_set_selected (self->scale_dropdown, scale);
}

void
cs_explore_survival_set_store (CsExploreSurvival *self,
                               CsStore           *store)
{
  guint n_vars = store != NULL ? cs_store_get_n_variables (store) : 0;

  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));

  cs_chart_widget_clear (self->chart);
  g_set_object (&self->store, store);

  self->updating++;
  g_ptr_array_set_size (self->time_vars, 0);
  g_ptr_array_set_size (self->group_vars, 0);
  g_ptr_array_add (self->group_vars, NULL);
  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      g_ptr_array_add (var->type == CS_VARIABLE_SURVIVAL ? self->time_vars : self->group_vars, var);
    }
  cs_explore_fill_dropdown (self->time_dropdown, self->time_vars, NULL);
  cs_explore_fill_dropdown (self->group_dropdown, self->group_vars, _("(none)"));
  self->updating--;
}

void
cs_explore_survival_refresh_variables (CsExploreSurvival *self)
{
  CsVariable *tv, *gv;
  g_autofree char *time_key = NULL, *group_key = NULL;

  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));

  tv = cs_explore_dropdown_var (self->time_dropdown, self->time_vars);
  gv = cs_explore_dropdown_var (self->group_dropdown, self->group_vars);
  time_key = tv != NULL ? g_strdup (tv->key) : NULL;
  group_key = gv != NULL ? g_strdup (gv->key) : NULL;
  self->updating++;
  cs_explore_survival_set_store (self, self->store);
  if (time_key != NULL)
    cs_explore_select_var (self->time_dropdown, self->time_vars, time_key);
  cs_explore_select_var (self->group_dropdown, self->group_vars, group_key);
  self->updating--;
  cs_explore_survival_update (self);
}

void
cs_explore_survival_set_rows (CsExploreSurvival *self,
                              GArray            *rows)
{
  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));
  g_return_if_fail (rows != NULL);

  g_array_ref (rows);
  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;
}

gboolean
cs_explore_survival_show (CsExploreSurvival *self,
                          const char        *time_key,
                          const char        *group_key,
                          const char        *split)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_EXPLORE_SURVIVAL (self), FALSE);

  self->updating++;
  ok = cs_explore_select_var (self->time_dropdown, self->time_vars, time_key) &&
       cs_explore_select_var (self->group_dropdown, self->group_vars, group_key);
  if (split == NULL || g_str_equal (split, "median"))
    gtk_drop_down_set_selected (self->split_dropdown, SPLIT_MEDIAN);
  else if (g_str_equal (split, "tertiles"))
    gtk_drop_down_set_selected (self->split_dropdown, SPLIT_TERTILES);
  else
    {
      gtk_drop_down_set_selected (self->split_dropdown, SPLIT_CUT);
      gtk_editable_set_text (GTK_EDITABLE (self->cut_entry), split);
    }
  self->updating--;
  if (!ok)
    return FALSE;
  cs_explore_survival_update (self);
  return TRUE;
}

CsChartWidget *
cs_explore_survival_get_chart (CsExploreSurvival *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_SURVIVAL (self), NULL);

  return self->chart;
}

const char *
cs_explore_survival_get_text (CsExploreSurvival *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_SURVIVAL (self), NULL);

  return self->text != NULL ? self->text : "";
}

void
cs_explore_survival_write_data (CsExploreSurvival *self,
                                GString           *out)
{
  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));

  self->want_data_csv = TRUE;
  cs_explore_survival_update (self);
  self->want_data_csv = FALSE;
  g_string_append_len (out, self->data_csv->str, self->data_csv->len);
}

void
cs_explore_survival_write_stats (CsExploreSurvival *self,
                                 gboolean           json,
                                 GString           *out)
{
  g_return_if_fail (CS_IS_EXPLORE_SURVIVAL (self));

  cs_explore_survival_update (self);
  g_string_append_len (out, json ? self->stats_json->str : self->stats_csv->str,
                       json ? self->stats_json->len : self->stats_csv->len);
}

/* ---------------------------------------------------------------- object */

static void
cs_explore_survival_dispose (GObject *object)
{
  CsExploreSurvival *self = CS_EXPLORE_SURVIVAL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_SURVIVAL);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (cs_explore_survival_parent_class)->dispose (object);
}

static void
cs_explore_survival_finalize (GObject *object)
{
  CsExploreSurvival *self = CS_EXPLORE_SURVIVAL (object);

  g_ptr_array_unref (self->time_vars);
  g_ptr_array_unref (self->group_vars);
  g_free (self->text);
  g_string_free (self->stats_json, TRUE);
  g_string_free (self->stats_csv, TRUE);
  g_string_free (self->data_csv, TRUE);

  G_OBJECT_CLASS (cs_explore_survival_parent_class)->finalize (object);
}

static void
cs_explore_survival_class_init (CsExploreSurvivalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_survival_dispose;
  object_class->finalize = cs_explore_survival_finalize;

  g_type_ensure (CS_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-explore-survival.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, time_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, split_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, cut_entry);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, scale_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, text_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreSurvival, chart);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_scale_changed);
}

static void
cs_explore_survival_init (CsExploreSurvival *self)
{
  self->time_vars = g_ptr_array_new ();
  self->group_vars = g_ptr_array_new ();
  self->stats_json = g_string_new (NULL);
  self->stats_csv = g_string_new (NULL);
  self->data_csv = g_string_new (NULL);
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_init_template (GTK_WIDGET (self));

  /* the time scale: a setting, shared by every window */
  self->settings = cs_gui_settings_new ();
  if (self->settings != NULL)
    {
      g_autofree char *unit = g_settings_get_string (self->settings, "time-unit");
      CsTimeScale scale = CS_TIME_SCALE_MONTHS;

      cs_time_scale_from_string (unit, &scale);
      self->updating++;
      gtk_drop_down_set_selected (self->scale_dropdown, scale);
      self->updating--;
      g_signal_connect_object (self->settings, "changed::time-unit", G_CALLBACK (on_scale_setting_changed),
                               self, G_CONNECT_SWAPPED);
    }
  else
    gtk_drop_down_set_selected (self->scale_dropdown, CS_TIME_SCALE_MONTHS);
}
