/* cs-round-trip-dialog.c: "Compare with Table"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "cs-gui-util.h"
#include "cs-round-trip-dialog.h"

struct _CsRoundTripDialog
{
  AdwWindow           parent_instance;

  /* Template */
  GtkProgressBar     *progress;
  GtkLabel           *summary;
  GtkListBox         *columns;

  CsMappingProgram   *program;
  CsMappingInputFile *inputs;
  guint               n_inputs;
  GCancellable       *cancellable;
  CsRoundTrip        *result;
  guint               pulse;
};

G_DEFINE_FINAL_TYPE (CsRoundTripDialog, cs_round_trip_dialog, ADW_TYPE_WINDOW)

static void
stop_pulse (CsRoundTripDialog *self)
{
  g_clear_handle_id (&self->pulse, g_source_remove);
}

static void
fail (CsRoundTripDialog *self,
      const char        *message)
{
  stop_pulse (self);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_label_set_text (self->summary, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
}

static GtkWidget *
column_row (const CsRoundTripColumn *c)
{
  g_autofree char *equal = cs_gui_format_count (c->equal);
  g_autofree char *differ = cs_gui_format_count (c->differ);
  g_autofree char *other = cs_gui_format_count (c->not_comparable);
  g_autofree char *title = g_strdup_printf ("%s · %s", c->table != NULL ? c->table : c->input, c->column);
  g_autofree char *subtitle = NULL;
  AdwExpanderRow *row;

  /* Translators: per column of the round trip, e.g. "420 equal, 2 differ, 0 not comparable" */
  subtitle = g_strdup_printf (_("%s equal, %s differ, %s not comparable"), equal, differ, other);
  if (c->why_not != NULL)
    {
      g_autofree char *with = g_strdup_printf ("%s (%s)", subtitle, c->why_not);

      g_free (subtitle);
      subtitle = g_steal_pointer (&with);
    }

  /* a column with nothing to list is a plain row */
  if (c->mismatches->len == 0)
    {
      AdwActionRow *plain = ADW_ACTION_ROW (adw_action_row_new ());

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (plain), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (plain), title);
      adw_action_row_set_subtitle (plain, subtitle);
      gtk_widget_set_name (GTK_WIDGET (plain), c->column);
      return GTK_WIDGET (plain);
    }

  row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, subtitle);
  gtk_widget_set_name (GTK_WIDGET (row), c->column);
  if (c->differ > 0)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Cells differ"), -1);
      adw_expander_row_add_prefix (row, icon);
    }
  /* what differs is shown at once */
  adw_expander_row_set_expanded (row, c->differ > 0);

  for (guint i = 0; i < c->mismatches->len; i++)
    {
      const CsRoundTripMismatch *m = g_ptr_array_index (c->mismatches, i);
      AdwActionRow *child = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *row_title = NULL;
      g_autofree char *row_subtitle = NULL;

      /* Translators: a mismatch: "Row 3 · Patient/… · Patient.gender" */
      row_title = g_strdup_printf (_("Row %" PRIu64 " · %s · %s"), m->row, m->resource, m->element);
      /* Translators: "CSV “m” → expected "male", FHIR "female"" */
      row_subtitle = g_strdup_printf (_("CSV “%s” → expected %s, FHIR %s"), m->csv_value != NULL ? m->csv_value : "",
                                      m->expected, m->fhir_value != NULL ? m->fhir_value : _("(missing)"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (child), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), row_title);
      adw_action_row_set_subtitle (child, row_subtitle);
      adw_expander_row_add_row (row, GTK_WIDGET (child));
    }
  if (c->differ > c->mismatches->len)
    {
      AdwActionRow *more = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *count = cs_gui_format_count (c->differ - c->mismatches->len);
      g_autofree char *text = g_strdup_printf (_("… and %s more"), count);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), text);
      adw_expander_row_add_row (row, GTK_WIDGET (more));
    }
  return GTK_WIDGET (row);
}

static void
show_result (CsRoundTripDialog *self)
{
  const CsRoundTrip *trip = self->result;
  g_autofree char *rows = cs_gui_format_count (trip->rows);
  g_autofree char *resources = cs_gui_format_count (trip->resources);
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 differ = 0, equal = 0;

  stop_pulse (self);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  /* the columns that differ first, then the others, each in table order */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < trip->columns->len; i++)
      {
        const CsRoundTripColumn *c = g_ptr_array_index (trip->columns, i);

        if ((c->differ > 0) != (pass == 0))
          continue;
        equal += c->equal;
        differ += c->differ;
        gtk_list_box_append (self->columns, column_row (c));
      }
  gtk_widget_set_visible (GTK_WIDGET (self->columns), trip->columns->len > 0);

  if (cs_round_trip_is_clean (trip))
    {
      g_autofree char *cells = cs_gui_format_count (equal);

      /* Translators: "Every compared cell is equal: 2,110 cells of 422 rows, 2,954 resources." */
      g_string_append_printf (text, _("The round trip is clean: all %s compared cells of %s rows are equal "
                                      "in the loaded FHIR (%s resources)."), cells, rows, resources);
    }
  else
    {
      g_autofree char *cells = cs_gui_format_count (differ);

      /* Translators: "3 cells differ (422 rows, 2,954 resources); the first of each column are listed." */
      g_string_append_printf (text, ngettext ("%s cell differs between the table and the loaded FHIR (%s rows, %s "
                                              "resources); it is listed below.",
                                              "%s cells differ between the table and the loaded FHIR (%s rows, %s "
                                              "resources); the first of each column are listed below.",
                                              differ),
                              cells, rows, resources);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
    }
  if (trip->resources_missing > 0)
    {
      g_autofree char *missing = cs_gui_format_count (trip->resources_missing);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("%s resources the mapping makes are not in the loaded FHIR."), missing);
    }
  if (trip->rows_rejected > 0)
    {
      g_autofree char *rejected = cs_gui_format_count (trip->rows_rejected);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("%s rows were rejected by the mapping and not compared."), rejected);
    }
  gtk_label_set_text (self->summary, text->str);
}

static void
on_round_trip_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CsRoundTripDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  CsRoundTrip *trip = cs_mapping_round_trip_finish (result, &error);

  if (trip == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, error->message);
      return;
    }
  self->result = trip;
  show_result (self);
}

static void
on_store_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CsRoundTripDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = cs_store_load_finish (result, &error);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The FHIR cannot be loaded: %s"), error->message);

          fail (self, text);
        }
      return;
    }
  gtk_progress_bar_set_text (self->progress, _("Mapping the table again and comparing…"));
  cs_mapping_round_trip_async (self->program, self->inputs, self->n_inputs, store, self->cancellable,
                               on_round_trip_done, g_object_ref (self));
}

static gboolean
pulse_cb (gpointer data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (data));
  return G_SOURCE_CONTINUE;
}

static void
cs_round_trip_dialog_dispose (GObject *object)
{
  CsRoundTripDialog *self = CS_ROUND_TRIP_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  stop_pulse (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_ROUND_TRIP_DIALOG);

  G_OBJECT_CLASS (cs_round_trip_dialog_parent_class)->dispose (object);
}

static void
cs_round_trip_dialog_finalize (GObject *object)
{
  CsRoundTripDialog *self = CS_ROUND_TRIP_DIALOG (object);

  cs_mapping_input_files_free (self->inputs, self->n_inputs);
  g_clear_pointer (&self->program, cs_mapping_program_unref);
  g_clear_pointer (&self->result, cs_round_trip_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cs_round_trip_dialog_parent_class)->finalize (object);
}

static gboolean
on_close_request (GtkWindow *window)
{
  CsRoundTripDialog *self = CS_ROUND_TRIP_DIALOG (window);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return FALSE;
}

static void
cs_round_trip_dialog_class_init (CsRoundTripDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cs_round_trip_dialog_dispose;
  object_class->finalize = cs_round_trip_dialog_finalize;
  window_class->close_request = on_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-round-trip-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsRoundTripDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, CsRoundTripDialog, summary);
  gtk_widget_class_bind_template_child (widget_class, CsRoundTripDialog, columns);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_round_trip_dialog_init (CsRoundTripDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWindow *
cs_round_trip_dialog_new (GtkWindow                *parent,
                          CsMappingProgram         *program,
                          const CsMappingInputFile *inputs,
                          guint                     n_inputs,
                          const char               *fhir_path)
{
  CsRoundTripDialog *self;
  char *paths[2] = { (char *) fhir_path, NULL };

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (fhir_path != NULL, NULL);

  self = g_object_new (CS_TYPE_ROUND_TRIP_DIALOG, "transient-for", parent, NULL);
  self->program = cs_mapping_program_ref (program);
  self->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  self->n_inputs = n_inputs;
  self->pulse = g_timeout_add (100, pulse_cb, self->progress);
  cs_store_load_async (paths, NULL, NULL, self->cancellable, on_store_loaded, g_object_ref (self));
  return GTK_WINDOW (self);
}

const CsRoundTrip *
cs_round_trip_dialog_get_result (CsRoundTripDialog *self)
{
  g_return_val_if_fail (CS_IS_ROUND_TRIP_DIALOG (self), NULL);

  return self->result;
}
