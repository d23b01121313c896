/* cs-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cs-cohort-builder.h"
#include "cs-cohort-view.h"
#include "cs-demo.h"
#include "cs-explore-view.h"
#include "cs-fhir-load-report.h"
#include "cs-load-report-dialog.h"
#include "cs-gui-util.h"
#include "cs-ingest.h"
#include "cs-window.h"

struct _CsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template */
  GtkRevealer          *loading_revealer;
  GtkLabel             *loading_title;
  GtkLabel             *loading_detail;
  GtkProgressBar       *loading_progress;
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *cohort_stack;
  CsCohortView         *cohort_view;
  CsExploreView        *explore_view;
  CsMappingPage        *mapping_page;

  GSettings            *settings;
  CsStore              *store;
  GCancellable         *cancellable;     /* of the load in progress */
  GtkNativeDialog      *chooser;
  char                 *source_label;    /* what is open, for the subtitle */
  char                 *source_url;      /* FHIR base URL it was loaded from, or NULL */
  gint64                last_progress_update;
  guint                 load_serial;
  guint                 pulse_source;
  guint                 loading : 1;
};

enum {
  PROP_0,
  PROP_LOADING,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CsWindow, cs_window, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  CsWindow     *window;
  GCancellable *cancellable;
  char        **paths;
  char         *label;
  guint         serial;
  guint         is_demo : 1;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->window);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->paths, g_strfreev);
  g_clear_pointer (&data->label, g_free);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static void
stop_pulse (CsWindow *self)
{
  g_clear_handle_id (&self->pulse_source, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  CsWindow *self = user_data;

  gtk_progress_bar_pulse (self->loading_progress);

  return G_SOURCE_CONTINUE;
}

static void
start_pulse (CsWindow *self)
{
  if (self->pulse_source == 0)
    self->pulse_source = g_timeout_add (100, pulse_cb, self);
}

static void
set_loading (CsWindow   *self,
             gboolean    loading,
             const char *title)
{
  if (title != NULL)
    gtk_label_set_text (self->loading_title, title);

  if (!loading)
    stop_pulse (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-loading", loading);
  gtk_revealer_set_reveal_child (self->loading_revealer, loading);

  if (self->loading != !!loading)
    {
      self->loading = !!loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static char *
label_for_paths (const char * const *paths)
{
  guint n = paths != NULL ? g_strv_length ((char **)paths) : 0;

  if (n == 1)
    return g_path_get_basename (paths[0]);

  /* Translators: several files or folders were opened at once */
  return g_strdup_printf (ngettext ("%u source", "%u sources", n), n);
}

static const char *
error_hint (const GError *error)
{
  if (g_error_matches (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE))
    return _("A string, number or resource at the place named above is larger than Cohortscope reads "
             "(one resource may hold 4,000,000 JSON values and 128 MiB). Check how the file was made.");
  if (g_error_matches (error, CS_JSON_ERROR, CS_JSON_ERROR_RANGE))
    return _("A number at the place named above is too large or too small for Cohortscope to hold "
             "without changing it. Correct the value, then open the file once more.");
  if (error->domain == CS_JSON_ERROR)
    return _("The file is not valid JSON at the place named above. Repair or export it again, then open it once more.");

  if (error->domain == CS_INGEST_ERROR)
    {
      switch ((CsIngestError)error->code)
        {
        case CS_INGEST_ERROR_PARSE:
          return _("The file is not valid JSON at the place named above. Repair or export it again, then open it once more.");

        case CS_INGEST_ERROR_NOT_FHIR:
          return _("Cohortscope reads FHIR R4 JSON: a Bundle, a single resource, or NDJSON with one resource per line.");

        case CS_INGEST_ERROR_IO:
          return _("Check that the file exists and that you are allowed to read it.");

        case CS_INGEST_ERROR_EMPTY:
          return _("Choose a Bundle or NDJSON file that contains Patient resources.");

        default:
          break;
        }
    }

  if (error->domain == G_IO_ERROR)
    return _("Check that the file exists, that you are allowed to read it and that the disk is not full.");

  return _("Check that the files are FHIR R4 JSON (Bundles or NDJSON) and try again.");
}

void
cs_gui_show_error (GtkWindow  *parent,
                   const char *heading,
                   const char *message,
                   const char *hint)
{
  g_autofree char *body = hint != NULL ? g_strdup_printf ("%s\n\n%s", message, hint) : g_strdup (message);
  GtkWidget *dialog;

  g_return_if_fail (GTK_IS_WINDOW (parent));

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error (CsWindow     *self,
            const char   *heading,
            const GError *error)
{
  cs_gui_show_error (GTK_WINDOW (self), heading, error->message, error_hint (error));
}

void
cs_window_add_toast (CsWindow   *self,
                     const char *message)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* The one Load Report of the open cohort: counts, the server's report and
 * the warnings grouped (cs-load-report-dialog.c) */
static void
show_load_report (CsWindow *self)
{
  CsLoadReportDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = cs_load_report_dialog_new (GTK_WINDOW (self), self->store, self->source_label);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_load_report_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  show_load_report (CS_WINDOW (widget));
}

void
cs_window_toast_opened (CsWindow   *self,
                        CsStore    *store,
                        const char *where)
{
  const CsFhirLoadReport *report;
  guint n_patients, n_resources, n_warnings;
  g_autofree char *patients_str = NULL;
  g_autofree char *resources_str = NULL;
  g_autofree char *patients_part = NULL;
  g_autofree char *message = NULL;

  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (store != NULL);

  n_patients = cs_store_get_n_patients (store);
  n_resources = cs_store_get_n_resources (store);
  patients_str = cs_gui_format_count (n_patients);
  resources_str = cs_gui_format_count (n_resources);
  if (n_patients == 0)
    message = g_strdup (_("No Patient resources found; the table is empty"));
  else if (where == NULL)
    {
      /* Translators: first part of "Opened 400 patients and 12,345 resources" */
      patients_part = g_strdup_printf (ngettext ("Opened %s patient", "Opened %s patients", n_patients), patients_str);
      /* Translators: %s is "Opened 400 patients", then the resource count */
      message = g_strdup_printf (ngettext ("%s and %s resource", "%s and %s resources", n_resources),
                                 patients_part, resources_str);
    }
  else
    {
      /* Translators: first part of "Loaded 400 patients and 12,345 resources from <server>" */
      patients_part = g_strdup_printf (ngettext ("Loaded %s patient", "Loaded %s patients", n_patients), patients_str);
      /* Translators: "Loaded 400 patients", the resource count, then where from */
      message = g_strdup_printf (ngettext ("%s and %s resource from %s", "%s and %s resources from %s", n_resources),
                                 patients_part, resources_str, where);
    }

  /* One toast: what was opened, how many warnings, and Details opening
   * the Load Report (what a server load fetched and left out, the
   * warnings grouped); a load cut short opens the report at once */
  report = store == self->store ? cs_fhir_store_get_load_report (store) : NULL;
  n_warnings = cs_store_get_warnings (store)->len;
  if (report != NULL || n_warnings > 0)
    {
      g_autofree char *title = n_warnings == 0 ? g_strdup (message)
        /* Translators: "Opened 31 patients and 1,234 resources · 3 warnings" */
        : g_strdup_printf (ngettext ("%s · %u warning", "%s · %u warnings", n_warnings), message, n_warnings);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-load-report");
      /* warnings stay until dismissed */
      if (n_warnings > 0)
        adw_toast_set_timeout (toast, 0);
      cs_window_add_toast_full (self, toast);
      if (report != NULL && !cs_fhir_load_report_is_complete (report))
        show_load_report (self);
      return;
    }
  cs_window_add_toast (self, message);
}

static void
set_store (CsWindow   *self,
           CsStore    *store,
           const char *label)
{
  if (!g_set_object (&self->store, store))
    return;

  g_free (self->source_label);
  self->source_label = g_strdup (label);
  g_clear_pointer (&self->source_url, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-load-report", store != NULL);

  cs_cohort_view_set_store (self->cohort_view, store);
  cs_explore_view_set_context (self->explore_view, NULL, label);
  cs_explore_view_set_store (self->explore_view, store);
  cs_cohort_builder_set_store (CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view),
                                                                          CS_TYPE_COHORT_BUILDER)), store);
  gtk_stack_set_visible_child_name (self->cohort_stack, store != NULL ? "cohort" : "empty");
  adw_view_switcher_title_set_subtitle (self->switcher_title, label != NULL ? label : "");
  if (label != NULL)
    {
      /* Translators: window title, %s names what is open ("Demo cohort") */
      g_autofree char *title = g_strdup_printf (_("%s — Cohortscope"), label);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("Cohortscope"));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
on_load_progress (guint64  bytes_done,
                  guint64  bytes_total,
                  guint64  n_resources,
                  gpointer user_data)
{
  LoadData *data = user_data;
  CsWindow *self = data->window;
  g_autofree char *done_str = NULL;
  g_autofree char *total_str = NULL;
  g_autofree char *count_str = NULL;
  g_autofree char *text = NULL;
  gint64 now;

  if (data->serial != self->load_serial)
    return;

  if (bytes_total > 0)
    {
      stop_pulse (self);
      gtk_progress_bar_set_fraction (self->loading_progress, MIN (1.0, (double)bytes_done / bytes_total));
    }
  else
    start_pulse (self);

  /* Labels at most 20 times a second */
  now = g_get_monotonic_time ();
  if (now - self->last_progress_update < G_USEC_PER_SEC / 20)
    return;
  self->last_progress_update = now;

  done_str = g_format_size (bytes_done);
  count_str = cs_gui_format_count (n_resources);
  if (bytes_total > 0)
    {
      total_str = g_format_size (bytes_total);
      /* Translators: "12.3 MB of 40.0 MB · 52,000 resources" */
      text = g_strdup_printf (ngettext ("%s of %s · %s resource", "%s of %s · %s resources", n_resources),
                              done_str, total_str, count_str);
    }
  else
    /* Translators: "12.3 MB · 52,000 resources" */
    text = g_strdup_printf (ngettext ("%s · %s resource", "%s · %s resources", n_resources),
                            done_str, count_str);

  gtk_label_set_text (self->loading_detail, text);
}

static void
on_load_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LoadData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  CsWindow *self = data->window;
  gboolean current = data->serial == self->load_serial;

  store = cs_store_load_finish (result, &error);

  if (!current)
    return;

  set_loading (self, FALSE, NULL);
  g_clear_object (&self->cancellable);

  if (store == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cs_window_add_toast (self, self->store != NULL
                                   ? _("Loading cancelled; the open cohort is unchanged")
                                   : _("Loading cancelled"));
      else if (data->is_demo)
        show_error (self, _("Could Not Open the Demo Cohort"), error);
      else
        show_error (self, _("Could Not Open the Files"), error);
      return;
    }

  set_store (self, store, data->label);

  if (self->settings != NULL)
    g_settings_set_strv (self->settings, "last-sources", (const char * const *)data->paths);

  cs_window_toast_opened (self, store, NULL);
}

static void
start_load (CsWindow           *self,
            const char * const *paths,
            const char         *label,
            gboolean            is_demo,
            GCancellable       *cancellable)
{
  LoadData *data;
  g_autofree char *title = NULL;

  data = g_new0 (LoadData, 1);
  data->window = g_object_ref (self);
  data->paths = g_strdupv ((char **)paths);
  data->label = label != NULL ? g_strdup (label) : label_for_paths (paths);
  data->serial = self->load_serial;
  data->is_demo = !!is_demo;
  data->cancellable = g_object_ref (cancellable);

  /* Translators: %s names the file(s) being opened */
  title = g_strdup_printf (_("Opening %s…"), data->label);
  set_loading (self, TRUE, title);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_label_set_text (self->loading_detail, "");
  self->last_progress_update = 0;

  cs_store_load_async ((char **)paths, on_load_progress, data, cancellable, on_load_finished, data);
}

/* Cancels what is loading and gives the next load its own cancellable. */
static GCancellable *
begin_operation (CsWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  self->load_serial++;
  self->cancellable = g_cancellable_new ();

  return self->cancellable;
}

void
cs_window_open_paths (CsWindow           *self,
                      const char * const *paths,
                      const char         *label)
{
  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  start_load (self, paths, label, FALSE, begin_operation (self));
}

void
cs_window_open_files (CsWindow  *self,
                      GFile    **files,
                      guint      n_files)
{
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  guint n_remote = 0;

  g_return_if_fail (CS_IS_WINDOW (self));

  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path != NULL)
        g_ptr_array_add (paths, path);
      else
        n_remote++;
    }
  g_ptr_array_add (paths, NULL);

  if (n_remote > 0)
    cs_window_add_toast (self, _("Only local files can be opened; download remote files first"));

  /* a CSV or TSV table opens on the Mapping page, FHIR on the Cohort page;
   * tables are asked about as Open Table asks (which input, when the
   * mapping reads several) */
  for (guint i = 0; i + 1 < paths->len; )
    {
      if (cs_mapping_page_is_table_path (paths->pdata[i]))
        g_ptr_array_add (tables, g_ptr_array_steal_index (paths, i));
      else
        i++;
    }
  if (tables->len > 0)
    {
      cs_mapping_page_open_tables (self->mapping_page, (const char * const *) tables->pdata, tables->len);
      adw_view_stack_set_visible_child_name (self->view_stack, "mapping");
    }

  if (paths->len > 1)
    cs_window_open_paths (self, (const char * const *)paths->pdata, NULL);
}

void
cs_window_open_mapping (CsWindow           *self,
                        const char         *path,
                        const char * const *inputs)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "mapping");
  cs_mapping_page_open_mapping (self->mapping_page, path, inputs);
}

CsMappingPage *
cs_window_get_mapping_page (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->mapping_page;
}

char *
cs_window_get_demo_path (void)
{
  g_autofree char *name = g_strdup_printf ("demo-%u-%u.json", CS_DEMO_DEFAULT_PATIENTS, CS_DEMO_DEFAULT_SEED);

  return g_build_filename (g_get_user_cache_dir (), "cohortscope", name, NULL);
}

static void
write_demo_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Cannot create the folder %s: %s"), dir, g_strerror (errsv));
      return;
    }

  /* Written under another name and renamed, so a cancelled or failed
   * generation never leaves a truncated demo file behind. */
  tmp = g_strdup_printf ("%s.%d.part", path, (int)getpid ());
  if (!cs_demo_write_file (tmp, CS_DEMO_DEFAULT_PATIENTS, CS_DEMO_DEFAULT_SEED, cancellable, &error))
    {
      g_unlink (tmp);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Cannot save the demo cohort as %s: %s"), path, g_strerror (errsv));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_demo_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CsWindow *self = CS_WINDOW (source);
  g_autoptr(GError) error = NULL;
  guint serial = GPOINTER_TO_UINT (user_data);
  const char *path = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (serial != self->load_serial)
        return;

      set_loading (self, FALSE, NULL);
      g_clear_object (&self->cancellable);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cs_window_add_toast (self, _("Loading cancelled"));
      else
        show_error (self, _("Could Not Create the Demo Cohort"), error);
      return;
    }

  if (serial != self->load_serial)
    return;

  {
    const char *paths[] = { path, NULL };

    start_load (self, paths, _("Demo cohort"), TRUE, self->cancellable);
  }
}

void
cs_window_open_demo (CsWindow *self)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;

  g_return_if_fail (CS_IS_WINDOW (self));

  cancellable = begin_operation (self);

  set_loading (self, TRUE, _("Creating the demo cohort…"));
  gtk_label_set_text (self->loading_detail, "");
  start_pulse (self);

  task = g_task_new (self, cancellable, on_demo_written, GUINT_TO_POINTER (self->load_serial));
  g_task_set_source_tag (task, cs_window_open_demo);
  g_task_set_task_data (task, cs_window_get_demo_path (), g_free);
  g_task_run_in_thread (task, write_demo_thread);
}

void
cs_window_cancel_loading (CsWindow *self)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_chooser_response (CsWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));

      cs_window_open_files (self, (GFile **)array->pdata, array->len);
    }

  g_clear_object (&self->chooser);
}

void
cs_window_show_open_dialog (CsWindow *self,
                            gboolean  folder)
{
  GtkFileChooserNative *chooser;

  g_return_if_fail (CS_IS_WINDOW (self));

  /* Ctrl+O on the Mapping page opens a table */
  if (!folder && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "mapping") == 0)
    {
      cs_mapping_page_show_open_dialog (self->mapping_page);
      return;
    }

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (folder ? _("Open Folder") : _("Open FHIR Files"),
                                         GTK_WINDOW (self),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  if (!folder)
    {
      GtkFileFilter *filter;

      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);

      filter = cs_gui_fhir_file_filter_new ();
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("All Files"));
      gtk_file_filter_add_pattern (filter, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CsWindow      *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = gdk_file_list_get_files (g_value_get_boxed (value));
  files = g_ptr_array_new ();
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);

  if (files->len == 0)
    return FALSE;

  cs_window_open_files (self, (GFile **)files->pdata, files->len);

  return TRUE;
}

static void
cancel_loading_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  cs_window_cancel_loading (CS_WINDOW (widget));
}

static void
search_variables_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CsWindow *self = CS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "cohort");
  if (self->store != NULL)
    cs_cohort_view_focus_search (self->cohort_view);
}

/* Ctrl+E from anywhere in the window: the cohort's filter expression (the
 * builder's own binding reaches it only while the focus is in the builder). */
static void
focus_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkWidget *builder = gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view), CS_TYPE_COHORT_BUILDER);

  adw_view_stack_set_visible_child_name (self->view_stack, "cohort");
  if (self->store != NULL && builder != NULL)
    gtk_widget_activate_action (builder, "filter.focus-expression", NULL);
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* "win.mapping-action": the Mapping page's shortcuts (Ctrl+Shift+V,
 * Ctrl+Shift+S; Ctrl+S through win.cohort-action) wherever the focus is
 * while the page is shown: its own bindings catch them only with the focus
 * inside it, and after a file chooser closed it often is not. */
static void
mapping_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  g_autofree char *full = g_strconcat ("mapping.", g_variant_get_string (parameter, NULL), NULL);

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "mapping") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->mapping_page), full, NULL);
}

/* "win.cohort-action": the cohort filter's shortcuts (Ctrl+Z, Ctrl+Shift+Z,
 * Ctrl+S, Ctrl+Shift+G; Ctrl+E is win.focus-filter) wherever the focus is, the header bar
 * included after a dialog closed: the builder's own bindings catch them
 * only with the focus inside it. The filter.* action named by the
 * parameter runs on the builder; one that needs its page shows it. */
static void
cohort_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWidget *builder = gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view), CS_TYPE_COHORT_BUILDER);
  g_autofree char *full = g_strconcat ("filter.", name, NULL);

  /* on the Mapping page, Ctrl+S saves the mapping; the cohort's undo is
   * not for a page that does not show it */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "mapping") == 0 &&
      (g_str_equal (name, "save") || g_str_equal (name, "undo") || g_str_equal (name, "redo")))
    {
      if (g_str_equal (name, "save"))
        gtk_widget_activate_action (GTK_WIDGET (self->mapping_page), "mapping.save", NULL);
      return;
    }
  if (builder == NULL || self->store == NULL)
    return;
  if (g_str_equal (name, "focus-expression"))
    adw_view_stack_set_visible_child_name (self->view_stack, "cohort");
  gtk_widget_activate_action (builder, full, NULL);
}

static void
cs_window_unrealize (GtkWidget *widget)
{
  /* gtk_window_destroy() unrealizes; a pending load holds a reference and
   * would otherwise run to the end for a window nobody sees. */
  cs_window_cancel_loading (CS_WINDOW (widget));

  GTK_WIDGET_CLASS (cs_window_parent_class)->unrealize (widget);
}

static void
cs_window_dispose (GObject *object)
{
  CsWindow *self = (CsWindow *)object;

  /* Loads still running finish later; a new serial makes their callbacks
   * ignore this window, whose widgets are gone by then. */
  self->load_serial++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_pulse (self);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->source_label, g_free);
  g_clear_pointer (&self->source_url, g_free);

  G_OBJECT_CLASS (cs_window_parent_class)->dispose (object);
}

static void
cs_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CsWindow *self = CS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_window_class_init (CsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_window_dispose;
  object_class->get_property = cs_window_get_property;

  widget_class->unrealize = cs_window_unrealize;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CS_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_COHORT_VIEW);
  g_type_ensure (CS_TYPE_EXPLORE_VIEW);
  g_type_ensure (CS_TYPE_COHORT_BUILDER);
  g_type_ensure (CS_TYPE_MAPPING_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsWindow, loading_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, loading_title);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, loading_detail);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, cohort_stack);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, cohort_view);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, explore_view);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, mapping_page);

  gtk_widget_class_install_action (widget_class, "win.cancel-loading", NULL, cancel_loading_action);
  gtk_widget_class_install_action (widget_class, "win.search-variables", NULL, search_variables_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.focus-filter", NULL, focus_filter_action);
  gtk_widget_class_install_action (widget_class, "win.cohort-action", "s", cohort_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.cohort-action", "s", "undo");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.cohort-action", "s", "redo");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.cohort-action", "s", "redo");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.cohort-action", "s", "save");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.cohort-action", "s", "upload-group");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.cohort-action", "s", "upload-group");
  gtk_widget_class_install_action (widget_class, "win.show-load-report", NULL, show_load_report_action);
  gtk_widget_class_install_action (widget_class, "win.mapping-action", "s", mapping_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.mapping-action", "s", "validate");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_V, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.mapping-action", "s", "validate");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.mapping-action", "s", "save-as");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.mapping-action", "s", "save-as");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-loading", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search-variables", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.focus-filter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.show-view", "s", "cohort");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "win.show-view", "s", "explore");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK, "win.show-view", "s", "mapping");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

/* The Explore view follows the cohort filter and turns a scatter brush
 * into a filter clause. */
static void
on_cohort_selection_changed (CsWindow *self)
{
  GtkWidget *builder = gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view), CS_TYPE_COHORT_BUILDER);

  if (builder != NULL)
    {
      CsFilterState *state = cs_cohort_builder_get_filter_state (CS_COHORT_BUILDER (builder));

      cs_explore_view_set_context (self->explore_view, state != NULL ? cs_filter_state_get_text (state) : NULL,
                                   self->source_label);
      cs_explore_view_set_selection (self->explore_view,
                                     cs_cohort_builder_get_selection (CS_COHORT_BUILDER (builder)));
    }
}

static void
on_explore_patient_requested (CsWindow *self,
                              guint     row,
                              gboolean  images)
{
  cs_cohort_view_open_patient_row (self->cohort_view, row, images);
}

static gboolean
on_explore_filter_requested (CsWindow   *self,
                             const char *expression)
{
  GtkWidget *builder = gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view), CS_TYPE_COHORT_BUILDER);
  CsFilterState *state;
  const char *old;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (builder == NULL)
    return FALSE;
  state = cs_cohort_builder_get_filter_state (CS_COHORT_BUILDER (builder));
  old = cs_filter_state_get_text (state);
  if (old == NULL || old[0] == '\0')
    text = g_strdup (expression);
  else if (strstr (old, " or ") != NULL)
    text = g_strdup_printf ("(%s) and %s", old, expression);
  else
    text = g_strdup_printf ("%s and %s", old, expression);
  if (!cs_filter_state_set_text (state, text, NULL, &error))
    {
      cs_window_add_toast (self, error->message);
      return TRUE;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "cohort");
  cs_window_add_toast (self, _("Added the selection to the cohort filter"));
  return TRUE;
}

/* What a mapping run wrote, in the Cohort view */
static void
on_mapping_open_in_cohort (CsWindow   *self,
                           const char *path)
{
  const char *paths[] = { path, NULL };

  cs_window_open_paths (self, paths, NULL);
  adw_view_stack_set_visible_child_name (self->view_stack, "cohort");
}

static gboolean
destroy_idle (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
close_after_confirm (gpointer user_data,
                     gboolean go_on)
{
  CsWindow *self = user_data;

  /* once the dialog that asked is gone: it is transient for this window,
   * and a window freed under its transient dialog crashes GTK 4.8 */
  if (go_on)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle, g_object_ref (self), g_object_unref);
  g_object_unref (self);
}

/* Unsaved edits of the mapping are never lost silently */
static gboolean
on_close_request (CsWindow *self)
{
  if (!cs_mapping_page_get_modified (self->mapping_page))
    return FALSE;
  adw_view_stack_set_visible_child_name (self->view_stack, "mapping");
  cs_mapping_page_confirm_discard (self->mapping_page, G_CALLBACK (close_after_confirm), g_object_ref (self));
  return TRUE;
}

static void
cs_window_init (CsWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = cs_gui_settings_new ();
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-loading", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-load-report", FALSE);

  g_signal_connect_object (self->mapping_page, "open-in-cohort",
                           G_CALLBACK (on_mapping_open_in_cohort), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  g_signal_connect_object (self->explore_view, "filter-requested",
                           G_CALLBACK (on_explore_filter_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->explore_view, "patient-requested",
                           G_CALLBACK (on_explore_patient_requested), self, G_CONNECT_SWAPPED);
  {
    GtkWidget *builder = gtk_widget_get_ancestor (GTK_WIDGET (self->cohort_view), CS_TYPE_COHORT_BUILDER);

    if (builder != NULL)
      g_signal_connect_object (builder, "selection-changed",
                               G_CALLBACK (on_cohort_selection_changed), self, G_CONNECT_SWAPPED);
  }

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

CsWindow *
cs_window_new (GtkApplication *app)
{
  return g_object_new (CS_TYPE_WINDOW,
                       "application", app,
                       NULL);
}

gboolean
cs_window_get_loading (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), FALSE);

  return self->loading;
}

CsStore *
cs_window_get_store (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->store;
}

CsCohortView *
cs_window_get_cohort_view (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->cohort_view;
}

/* Loads that are not files (a FHIR server, an offline copy): the caller runs
 * the work, the window shows the same progress bar and Cancel path. */
GCancellable *
cs_window_begin_external_load (CsWindow   *self,
                               const char *title)
{
  GCancellable *cancellable;

  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  cancellable = begin_operation (self);
  set_loading (self, TRUE, title);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_label_set_text (self->loading_detail, "");
  self->last_progress_update = 0;
  start_pulse (self);

  return cancellable;
}

void
cs_window_update_external_load (CsWindow     *self,
                                GCancellable *cancellable,
                                double        fraction,
                                const char   *detail)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  if (cancellable == NULL || cancellable != self->cancellable)
    return;

  if (fraction >= 0)
    {
      stop_pulse (self);
      gtk_progress_bar_set_fraction (self->loading_progress, MIN (1.0, fraction));
    }
  else
    start_pulse (self);

  if (detail != NULL)
    gtk_label_set_text (self->loading_detail, detail);
}

gboolean
cs_window_end_external_load (CsWindow     *self,
                             GCancellable *cancellable,
                             CsStore      *store,
                             const char   *label)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), FALSE);

  if (cancellable == NULL || cancellable != self->cancellable)
    return FALSE;

  set_loading (self, FALSE, NULL);
  g_clear_object (&self->cancellable);

  if (store != NULL)
    set_store (self, store, label);

  return TRUE;
}

/* Shows a toast built by the caller (buttons, timeout); takes it over. */
void
cs_window_add_toast_full (CsWindow *self,
                          AdwToast *toast)
{
  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
cs_window_get_source_label (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->source_label;
}

const char *
cs_window_get_source_url (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->source_url;
}

void
cs_window_set_source_url (CsWindow   *self,
                          const char *url)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  if (g_strcmp0 (self->source_url, url) == 0)
    return;
  g_free (self->source_url);
  self->source_url = g_strdup (url);
}
