/* cs-mapping-problems-pane.c: Validate and Run, and the problems they found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-gui-util.h"
#include "cs-mapping-common.h"
#include "cs-mapping-problems-pane.h"
#include "cs-mapping-row-model.h"

#define PROGRESS_INTERVAL_MS 100

struct _CsMappingProblemsPane
{
  GtkBox             parent_instance;

  /* template */
  GtkLabel          *problems_label;
  GtkListView       *problems_view;

  CsMappingRowModel *problems_model;
  GPtrArray         *problems;       /* CsPreviewProblem of the last job */
  CsMappingCheck    *check;          /* the job running, or NULL */
  gboolean           writing;        /* it is a run */
  GCancellable      *cancellable;
  guint              progress_source;
  char              *output_path;
};

G_DEFINE_FINAL_TYPE (CsMappingProblemsPane, cs_mapping_problems_pane, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_PROBLEM_ACTIVATED,
  SIGNAL_FINISHED,
  SIGNAL_SHOW_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
progress_tick (gpointer user_data)
{
  CsMappingProblemsPane *self = user_data;
  CsMappingProgress progress;

  if (self->check != NULL && cs_mapping_check_get_progress (self->check, &progress))
    {
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, progress.rows_done);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                            (gulong) MIN (progress.rows_done, G_MAXULONG)), rows);
      double fraction = progress.bytes_total > 0 ? (double) progress.bytes_done / (double) progress.bytes_total : -1;

      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, fraction, text);
    }
  return G_SOURCE_CONTINUE;
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CsMappingProblemsPane) self = user_data;
  g_autoptr(CsMappingCheck) check = g_steal_pointer (&self->check);
  g_autoptr(GError) error = NULL;
  gboolean ok = cs_mapping_check_run_finish (check, result, &error);
  gboolean writing = self->writing;
  CsMappingStats stats;
  g_autofree char *summary = NULL;

  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->cancellable);
  cs_mapping_check_get_stats (check, &stats);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = cs_mapping_check_steal_problems (check);
  cs_mapping_row_model_set_n_items (self->problems_model, self->problems->len);
  if (ok && writing)
    {
      g_free (self->output_path);
      self->output_path = g_strdup (cs_mapping_check_get_output_path (check));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    summary = g_strdup (_("Cancelled: the problems found so far are listed."));
  else if (!ok)
    {
      summary = g_strdup (error->message);
      g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0,
                     writing ? _("The Run Failed") : _("The Validation Failed"), error->message,
                     writing ? _("Nothing was written.") : NULL);
    }
  else
    {
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.rows);
      g_autofree char *rejected = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.rows_rejected);
      g_autofree char *resources = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.resources);
      g_autofree char *errors = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.errors);
      g_autofree char *warnings = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.warnings);

      /* Translators: the validation's summary */
      summary = g_strdup_printf (_("%s rows: %s resources, %s rows rejected; %s errors, %s warnings."),
                                 rows, resources, rejected, errors, warnings);
      if (writing)
        {
          g_autofree char *written = g_strdup_printf (_("Wrote %s. %s"), self->output_path, summary);

          g_free (summary);
          summary = g_steal_pointer (&written);
        }
    }
  gtk_label_set_label (self->problems_label, summary);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
begin (CsMappingProblemsPane *self,
       CsMappingCheck        *check,
       gboolean               writing)
{
  self->check = check;
  self->writing = writing;
  self->cancellable = g_cancellable_new ();
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, 0.0, writing ? _("Writing…") : _("Validating…"));
  self->progress_source = g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  cs_mapping_check_run_async (self->check, self->cancellable, job_done, g_object_ref (self));
}

gboolean
cs_mapping_problems_pane_start (CsMappingProblemsPane *self,
                                CsMappingProgram      *program,
                                const char            *role,
                                CsCsvReader           *reader,
                                const CsMappingInputFile *others,
                                guint                  n_others,
                                const char            *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingCheck) check = NULL;

  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), FALSE);
  g_return_val_if_fail (self->check == NULL, FALSE);

  check = cs_mapping_check_new (program, role, reader, output == NULL, &error);
  for (guint i = 0; check != NULL && i < n_others; i++)
    if (!cs_mapping_check_add_input (check, others[i].role, others[i].path, &error))
      g_clear_pointer (&check, cs_mapping_check_free);
  if (check == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, _("Cannot Read the Table"), error->message, NULL);
      return FALSE;
    }
  if (output != NULL && !cs_mapping_check_set_output (check, output, &error))
    {
      g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, _("Cannot Write There"), error->message, NULL);
      return FALSE;
    }
  begin (self, g_steal_pointer (&check), output != NULL);
  return TRUE;
}

void
cs_mapping_problems_pane_start_run (CsMappingProblemsPane    *self,
                                    CsMappingProgram         *program,
                                    const CsMappingInputFile *inputs,
                                    guint                     n_inputs,
                                    const char               *output)
{
  g_return_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self));
  g_return_if_fail (self->check == NULL);

  begin (self, cs_mapping_check_new_run (program, inputs, n_inputs, output), TRUE);
}

void
cs_mapping_problems_pane_cancel (CsMappingProblemsPane *self)
{
  g_return_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
cs_mapping_problems_pane_get_running (CsMappingProblemsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), FALSE);

  return self->check != NULL;
}

const char *
cs_mapping_problems_pane_get_output_path (CsMappingProblemsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), NULL);

  return self->output_path;
}

GPtrArray *
cs_mapping_problems_pane_get_problems (CsMappingProblemsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), NULL);

  return self->problems;
}

guint
cs_mapping_problems_pane_get_n_problems (CsMappingProblemsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), 0);

  return self->problems != NULL ? self->problems->len : 0;
}

const CsPreviewProblem *
cs_mapping_problems_pane_get_problem (CsMappingProblemsPane *self,
                                      guint                  index)
{
  g_return_val_if_fail (CS_IS_MAPPING_PROBLEMS_PANE (self), NULL);
  g_return_val_if_fail (self->problems != NULL && index < self->problems->len, NULL);

  return self->problems->pdata[index];
}

/* ------------------------------------------------------------------ */
/* The list                                                            */

static void
setup_problem (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_problem (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CsMappingProblemsPane    *self)
{
  guint position = gtk_list_item_get_position (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const CsPreviewProblem *p;

  if (self->problems == NULL || position >= self->problems->len)
    return;
  p = self->problems->pdata[position];
  gtk_inscription_set_text (GTK_INSCRIPTION (label), p->message);
  if (p->severity == CS_MAPPING_SEVERITY_ERROR)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

static void
on_problem_activated (CsMappingProblemsPane *self,
                      guint                  position)
{
  g_signal_emit (self, signals[SIGNAL_PROBLEM_ACTIVATED], 0, position);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
cs_mapping_problems_pane_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CsMappingProblemsPane *self = CS_MAPPING_PROBLEMS_PANE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, cs_mapping_problems_pane_get_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_mapping_problems_pane_dispose (GObject *object)
{
  CsMappingProblemsPane *self = CS_MAPPING_PROBLEMS_PANE (object);

  /* a running job holds a reference: this runs once it is done */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_PROBLEMS_PANE);
  g_clear_object (&self->problems_model);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cs_mapping_problems_pane_parent_class)->dispose (object);
}

static void
cs_mapping_problems_pane_finalize (GObject *object)
{
  CsMappingProblemsPane *self = CS_MAPPING_PROBLEMS_PANE (object);

  g_clear_pointer (&self->check, cs_mapping_check_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_free (self->output_path);
  G_OBJECT_CLASS (cs_mapping_problems_pane_parent_class)->finalize (object);
}

static void
cs_mapping_problems_pane_class_init (CsMappingProblemsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_mapping_problems_pane_get_property;
  object_class->dispose = cs_mapping_problems_pane_dispose;
  object_class->finalize = cs_mapping_problems_pane_finalize;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_STRING);
  signals[SIGNAL_PROBLEM_ACTIVATED] =
    g_signal_new ("problem-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_SHOW_ERROR] = cs_mapping_add_error_signal (G_TYPE_FROM_CLASS (klass));

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-problems-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingProblemsPane, problems_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingProblemsPane, problems_view);
  gtk_widget_class_bind_template_callback (widget_class, on_problem_activated);
}

static void
cs_mapping_problems_pane_init (CsMappingProblemsPane *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSingleSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->problems_view));
  self->problems_model = cs_mapping_row_model_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_problem), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_problem), self, 0);
  gtk_list_view_set_factory (self->problems_view, factory);
  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->problems_model)));
  gtk_list_view_set_model (self->problems_view, GTK_SELECTION_MODEL (selection));
}
