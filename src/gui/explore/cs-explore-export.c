/* cs-explore-export.c: the Explore view's Export menu
 *
 * The explore.export-* actions: the current page's chart as PNG, SVG or
 * PDF at the chosen size, the rows behind it as CSV, and its statistics as
 * JSON or CSV, each through a file chooser and with a toast that says what
 * was saved or why not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cs-explore-common.h"
#include "cs-explore-view-private.h"
#include "cs-gui-util.h"

typedef enum { SAVE_CHART, SAVE_DATA, SAVE_STATS_JSON, SAVE_STATS_CSV } SaveWhat;

typedef struct
{
  CsExploreView *self;
  SaveWhat       what;
} SaveRequest;

static void
save_request_free (gpointer data,
                   GClosure *closure)
{
  SaveRequest *request = data;

  g_object_unref (request->self);
  g_free (request);
}

static CsChartWidget *
current_chart (CsExploreView *self)
{
  const char *mode = cs_explore_view_get_mode (self);

  if (g_strcmp0 (mode, "pair") == 0)
    return cs_explore_pair_get_chart (self->pair);
  if (g_strcmp0 (mode, "survival") == 0)
    return cs_explore_survival_get_chart (self->survival);
  if (g_strcmp0 (mode, "model") == 0)
    return cs_explore_model_get_chart (self->model);
  return cs_explore_heatmap_get_chart (self->heatmap);
}

/* Writes the current page's data (its rows, as CSV) or its statistics
 * (JSON or CSV) to path, computed for the current rows. */
static gboolean
write_page (CsExploreView  *self,
            const char     *path,
            gboolean        stats,
            gboolean        json,
            GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *mode = cs_explore_view_get_mode (self);

  if (g_strcmp0 (mode, "pair") == 0)
    {
      if (stats)
        cs_explore_pair_write_stats (self->pair, json, out);
      else
        cs_explore_pair_write_data (self->pair, out);
    }
  else if (g_strcmp0 (mode, "survival") == 0)
    {
      if (stats)
        cs_explore_survival_write_stats (self->survival, json, out);
      else
        cs_explore_survival_write_data (self->survival, out);
    }
  /* the model's data are its coefficients, as its statistics in CSV */
  else if (g_strcmp0 (mode, "model") == 0)
    cs_explore_model_write_stats (self->model, stats && json, out);
  /* the map's data are its cells, as its statistics in CSV */
  else if (!cs_explore_heatmap_write (self->heatmap, stats && json, out, error))
    return FALSE;

  if (out->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           stats ? _("There are no statistics on this page yet: choose two variables")
                                 : _("There is no data behind this page"));
      return FALSE;
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

gboolean
cs_explore_view_write_data_csv (CsExploreView  *self,
                                const char     *path,
                                GError        **error)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return write_page (self, path, FALSE, FALSE, error);
}

gboolean
cs_explore_view_write_stats (CsExploreView  *self,
                             const char     *path,
                             gboolean        json,
                             GError        **error)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return write_page (self, path, TRUE, json, error);
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  SaveRequest     *request)
{
  CsExploreView *self = request->self;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  if (path != NULL)
    {
      switch (request->what)
        {
        case SAVE_CHART:
          {
            g_autofree char *cohort = cs_explore_view_dup_cohort_text (self);

            ok = cs_chart_widget_export_captioned (current_chart (self), path, self->export_width,
                                                   self->export_height, cohort, self->filter_text,
                                                   self->source_label, &error);
          }
          break;
        case SAVE_DATA:
          ok = cs_explore_view_write_data_csv (self, path, &error);
          break;
        case SAVE_STATS_JSON:
        case SAVE_STATS_CSV:
          ok = cs_explore_view_write_stats (self, path, request->what == SAVE_STATS_JSON, &error);
          break;
        default:
          break;
        }
      if (ok)
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
}

static void
save_dialog (CsExploreView *self,
             SaveWhat       what,
             const char    *name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  SaveRequest *request;

  chooser = gtk_file_chooser_native_new (_("Export"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  request = g_new0 (SaveRequest, 1);
  request->self = g_object_ref (self);
  request->what = what;
  g_signal_connect_data (chooser, "response", G_CALLBACK (on_save_response), request, save_request_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_chart_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  /* a name that says what it is: "km-os-by-jointentropy.pdf" */
  g_autofree char *name = g_strdup_printf ("%s.%s", cs_chart_widget_get_file_stem (current_chart (self)), format);

  if (!cs_chart_widget_has_model (current_chart (self)))
    {
      cs_gui_toast (widget, _("There is no chart to export on this page"));
      return;
    }
  save_dialog (self, SAVE_CHART, name);
}

static void
export_size_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);
  int w, h;

  if (sscanf (g_variant_get_string (parameter, NULL), "%dx%d", &w, &h) == 2 && w > 0 && h > 0)
    {
      self->export_width = w;
      self->export_height = h;
    }
  gtk_widget_action_set_enabled (widget, "explore.export-size", TRUE);
}

static void
export_data_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  save_dialog (CS_EXPLORE_VIEW (widget), SAVE_DATA, "data.csv");
}

static void
export_stats_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gboolean json = g_str_equal (g_variant_get_string (parameter, NULL), "json");

  save_dialog (CS_EXPLORE_VIEW (widget), json ? SAVE_STATS_JSON : SAVE_STATS_CSV,
               json ? "statistics.json" : "statistics.csv");
}

void
_cs_explore_view_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "explore.export-chart", "s", export_chart_action);
  gtk_widget_class_install_action (widget_class, "explore.export-size", "s", export_size_action);
  gtk_widget_class_install_action (widget_class, "explore.export-data", NULL, export_data_action);
  gtk_widget_class_install_action (widget_class, "explore.export-stats", "s", export_stats_action);
}
