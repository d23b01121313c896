/* cs-server-dialogs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <string.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-push.h"
#include "cs-gui-util.h"
#include "cs-json.h"
#include "cs-fhir-id.h"
#include "cs-saved-cohort.h"
#include "cs-server-dialogs.h"
#include "cs-server-form.h"
#include "cs-server-preferences.h"

/* ------------------------------------------------------------------------ */
/* Shared bits */

static const char *
server_error_hint (const GError *error)
{
  if (error->domain == CS_FHIR_ERROR)
    {
      switch ((CsFhirError)error->code)
        {
        case CS_FHIR_ERROR_HTTP:
          return _("The server refused the request with the message above. Check the server’s settings, the Group id or the search, and try again.");

        case CS_FHIR_ERROR_TLS:
          return _("The server’s certificate could not be verified, so Cohortscope did not connect. Ask the server’s administrator for a valid certificate.");

        case CS_FHIR_ERROR_NETWORK:
        case CS_FHIR_ERROR_TIMEOUT:
          return _("Check the address and the network connection. A cohort loaded before can be opened offline with Open Cached Cohort.");

        case CS_FHIR_ERROR_BAD_RESPONSE:
        case CS_FHIR_ERROR_LOOP:
          return _("The answer was not the FHIR JSON expected. Check that the base URL points at the FHIR endpoint (it often ends in /fhir).");

        case CS_FHIR_ERROR_INVALID_URL:
          return _("Correct the server’s base URL in Preferences → Servers.");

        case CS_FHIR_ERROR_FAILED:
        case CS_FHIR_ERROR_CANCELLED:
        default:
          break;
        }
    }

  return _("Check the server’s settings in Preferences → Servers and try again.");
}

static void
show_error (GtkWindow    *parent,
            const char   *heading,
            const GError *error)
{
  cs_gui_show_error (parent, heading, error->message, server_error_hint (error));
}

static char *
format_local_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* ------------------------------------------------------------------------ */
/* Loading from a server */

typedef struct
{
  CsWindow         *window;
  GCancellable     *cancellable;
  char             *name;
  char             *label;
  char             *url;        /* base URL, recorded as the window's source */
  gint64            last_update;
  CsFhirCohortSpec  spec;       /* its strings are owned */
} ServerLoad;

static void
server_load_clear (gpointer data)
{
  ServerLoad *load = data;

  g_clear_object (&load->window);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->name, g_free);
  g_clear_pointer (&load->label, g_free);
  g_clear_pointer (&load->url, g_free);
  g_free ((char *)load->spec.group_id);
  g_free ((char *)load->spec.patient_query);
  g_strfreev ((char **)load->spec.resource_types);
}

static void
server_load_release (gpointer data)
{
  g_rc_box_release_full (data, server_load_clear);
}

static char *
format_duration (double seconds)
{
  guint s = (guint)(seconds + 0.5);

  if (s < 60)
    /* Translators: time left, e.g. "about 12 s left" */
    return g_strdup_printf (_("about %u s left"), MAX (s, 1u));

  /* Translators: time left, e.g. "about 3 min left" */
  return g_strdup_printf (_("about %u min left"), (s + 30) / 60);
}

static void
on_server_progress (const CsFhirProgress *progress,
                    gpointer              user_data)
{
  ServerLoad *load = user_data;
  g_autofree char *count = cs_gui_format_count (progress->resources);
  g_autofree char *pages = cs_gui_format_count (progress->pages);
  g_autofree char *size = g_format_size (progress->bytes);
  g_autoptr(GString) detail = g_string_new (NULL);
  double fraction = -1;
  gint64 now = g_get_monotonic_time ();

  if (progress->total > 0)
    fraction = MIN (1.0, (double)progress->resources / progress->total);

  /* Labels at most 10 times a second */
  if (now - load->last_update < G_USEC_PER_SEC / 10)
    {
      cs_window_update_external_load (load->window, load->cancellable, fraction, NULL);
      return;
    }
  load->last_update = now;

  if (progress->total > 0)
    {
      g_autofree char *total = cs_gui_format_count (progress->total);

      /* Translators: "5,000 of 52,000 resources" */
      g_string_append_printf (detail, ngettext ("%s of %s resource", "%s of %s resources", progress->total),
                              count, total);
    }
  else
    /* Translators: "5,000 resources" */
    g_string_append_printf (detail, ngettext ("%s resource", "%s resources", progress->resources), count);

  /* Translators: " · 12 pages · 3.4 MB" after the resource count */
  g_string_append_printf (detail, ngettext (" · %s page · %s", " · %s pages · %s", progress->pages), pages, size);

  if (progress->rate > 0)
    /* Translators: resources per second */
    g_string_append_printf (detail, _(" · %.0f/s"), progress->rate);

  if (progress->eta >= 0 && progress->total > 0)
    {
      g_autofree char *eta = format_duration (progress->eta);

      g_string_append_printf (detail, " · %s", eta);
    }

  cs_window_update_external_load (load->window, load->cancellable, fraction, detail->str);
}

static void
on_server_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ServerLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;

  store = cs_fhir_client_load_cohort_finish (CS_FHIR_CLIENT (source), result, &error);

  if (cs_window_end_external_load (load->window, load->cancellable, store, load->label))
    {
      if (store != NULL)
        {
          cs_window_set_source_url (load->window, load->url);
          cs_window_toast_opened (load->window, store, load->name);
        }
      else if (cs_server_form_is_cancelled (error))
        cs_window_add_toast (load->window, cs_window_get_store (load->window) != NULL
                                           ? _("Loading cancelled; the open cohort is unchanged")
                                           : _("Loading cancelled"));
      else
        {
          /* Translators: %s is a server's name */
          g_autofree char *heading = g_strdup_printf (_("Could Not Load from %s"), load->name);

          show_error (GTK_WINDOW (load->window), heading, error);
        }
    }

  server_load_release (load);
}

/* The keyring may be slow (unlocking, D-Bus): the secret is looked up in a thread. */
static void
create_client_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CsServerProfile *profile = task_data;
  GError *error = NULL;
  CsFhirClient *client;

  if (!(client = cs_server_profile_create_client (profile, cs_gui_get_secret_backend (), &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, client, g_object_unref);
}

static void
on_client_created (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ServerLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirClient) client = NULL;

  client = g_task_propagate_pointer (G_TASK (result), &error);

  if (client == NULL || g_cancellable_is_cancelled (load->cancellable))
    {
      if (cs_window_end_external_load (load->window, load->cancellable, NULL, NULL))
        {
          if (client != NULL || cs_server_form_is_cancelled (error))
            cs_window_add_toast (load->window, _("Loading cancelled; the open cohort is unchanged"));
          else
            {
              /* Translators: %s is a server's name */
              g_autofree char *heading = g_strdup_printf (_("Could Not Connect to %s"), load->name);

              show_error (GTK_WINDOW (load->window), heading, error);
            }
        }
      server_load_release (load);
      return;
    }

  cs_fhir_client_load_cohort_async (client, &load->spec,
                                    on_server_progress, g_rc_box_acquire (load), server_load_release,
                                    load->cancellable, on_server_loaded, load);
}

void
cs_server_load_into_window (CsWindow               *window,
                            CsServerProfile        *profile,
                            const CsFhirCohortSpec *spec)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *title = NULL;
  ServerLoad *load;
  const char *name;

  g_return_if_fail (CS_IS_WINDOW (window));
  g_return_if_fail (CS_IS_SERVER_PROFILE (profile));
  g_return_if_fail (spec != NULL);

  name = cs_server_profile_get_name (profile);

  load = g_rc_box_new0 (ServerLoad);
  load->window = g_object_ref (window);
  load->name = g_strdup (name);
  load->url = g_strdup (cs_server_profile_get_base_url (profile));
  load->spec = *spec;
  load->spec.group_id = g_strdup (spec->group_id);
  load->spec.patient_query = g_strdup (spec->patient_query);
  load->spec.resource_types = (const char * const *)g_strdupv ((char **)spec->resource_types);
  load->spec.write_cache = TRUE;
  switch (spec->kind)
    {
    case CS_FHIR_COHORT_GROUP:
      /* Translators: window subtitle, "<server> · Group <id>" */
      load->label = g_strdup_printf (_("%s · Group %s"), name, spec->group_id);
      break;

    case CS_FHIR_COHORT_SEARCH:
      /* Translators: window subtitle, "<server> · Patient?<search>" */
      load->label = g_strdup_printf (_("%s · Patient?%s"), name, spec->patient_query);
      break;

    case CS_FHIR_COHORT_ALL:
    default:
      load->label = g_strdup (name);
      break;
    }

  /* Translators: %s is a server's name */
  title = g_strdup_printf (_("Loading from %s…"), name);
  load->cancellable = g_object_ref (cs_window_begin_external_load (window, title));

  task = g_task_new (NULL, load->cancellable, on_client_created, load);
  g_task_set_source_tag (task, cs_server_load_into_window);
  g_task_set_task_data (task, g_object_ref (profile), g_object_unref);
  g_task_run_in_thread (task, create_client_thread);
}

/* ------------------------------------------------------------------------ */
/* Opening an offline copy */

typedef struct
{
  char      *url;
  GDateTime *date;
} CacheOpen;

static void
cache_open_free (gpointer data)
{
  CacheOpen *co = data;

  g_free (co->url);
  g_clear_pointer (&co->date, g_date_time_unref);
  g_free (co);
}

static void
open_cache_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CacheOpen *co = task_data;
  g_autoptr(CsStore) store = cs_store_new ();
  GError *error = NULL;

  if (!cs_fhir_cache_open (co->url, store, &co->date, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cs_store_finish (store);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
on_cache_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ServerLoad *load = user_data;
  CacheOpen *co = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autofree char *label = NULL;

  store = g_task_propagate_pointer (G_TASK (result), &error);
  if (store != NULL)
    {
      g_autofree char *date = co->date != NULL ? format_local_date (co->date) : g_strdup ("?");

      /* Translators: window subtitle, "<server> · Cached — 2026-11-28 14:05" */
      label = g_strdup_printf (_("%s · Cached — %s"), load->name, date);
    }

  if (cs_window_end_external_load (load->window, load->cancellable, store, label))
    {
      if (store != NULL)
        {
          g_autofree char *date = co->date != NULL ? format_local_date (co->date) : g_strdup ("?");
          g_autofree char *count = cs_gui_format_count (cs_store_get_n_patients (store));
          g_autofree char *message = NULL;
          AdwToast *toast;

          cs_window_set_source_url (load->window, co->url);
          /* A toast that stays while the cached cohort is open (libadwaita
           * 1.2 has no AdwBanner): it marks the cohort as offline. */
          /* Translators: "Cached — 2026-11-28 14:05: 400 patients from <server>, opened offline" */
          message = g_strdup_printf (ngettext ("Cached — %s: %s patient from %s, opened offline",
                                               "Cached — %s: %s patients from %s, opened offline",
                                               cs_store_get_n_patients (store)),
                                     date, count, load->name);
          toast = adw_toast_new (message);
          adw_toast_set_timeout (toast, 0);
          adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
          adw_toast_set_button_label (toast, _("_Load from Server…"));
          adw_toast_set_action_name (toast, "app.open-server");
          g_signal_connect_object (load->window, "notify::store", G_CALLBACK (adw_toast_dismiss), toast,
                                   G_CONNECT_SWAPPED);
          cs_window_add_toast_full (load->window, toast);
        }
      else if (cs_server_form_is_cancelled (error))
        cs_window_add_toast (load->window, _("Loading cancelled; the open cohort is unchanged"));
      else
        show_error (GTK_WINDOW (load->window), _("Could Not Open the Cached Cohort"), error);
    }

  server_load_release (load);
}

void
cs_server_open_cache_in_window (CsWindow   *window,
                                const char *base_url,
                                const char *name)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *title = NULL;
  CacheOpen *co;
  ServerLoad *load;

  g_return_if_fail (CS_IS_WINDOW (window));
  g_return_if_fail (base_url != NULL);

  load = g_rc_box_new0 (ServerLoad);
  load->window = g_object_ref (window);
  load->name = g_strdup (name != NULL ? name : base_url);

  /* Translators: %s is a server's name */
  title = g_strdup_printf (_("Opening the offline copy of %s…"), load->name);
  load->cancellable = g_object_ref (cs_window_begin_external_load (window, title));

  co = g_new0 (CacheOpen, 1);
  co->url = g_strdup (base_url);

  task = g_task_new (NULL, load->cancellable, on_cache_opened, load);
  g_task_set_source_tag (task, cs_server_open_cache_in_window);
  g_task_set_task_data (task, co, cache_open_free);
  g_task_run_in_thread (task, open_cache_thread);
}

/* ------------------------------------------------------------------------ */
/* Dialog scaffolding */

static GtkWidget *
add_close_button (GtkWidget  *dialog,
                  GtkWidget  *header,
                  const char *label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);

  return button;
}

/* ------------------------------------------------------------------------ */
/* Open from Server… */

typedef struct
{
  CsWindow    *window;
  GtkWindow   *dialog;
  GPtrArray   *profiles;
  AdwComboRow *server_row;
  AdwComboRow *kind_row;
  AdwEntryRow *group_row;
  AdwEntryRow *search_row;
  AdwEntryRow *types_row;
  GtkWidget   *load_button;
  GtkLabel    *error_label;   /* why the last Load was refused, under the rows */
} OpenServer;

static void
open_server_free (gpointer data)
{
  OpenServer *os = data;

  g_clear_object (&os->window);
  g_clear_pointer (&os->profiles, g_ptr_array_unref);
  g_free (os);
}

static void
open_server_update (OpenServer *os)
{
  guint kind = adw_combo_row_get_selected (os->kind_row);
  gboolean ok = os->profiles->len > 0;

  gtk_widget_set_visible (GTK_WIDGET (os->group_row), kind == CS_FHIR_COHORT_GROUP);
  gtk_widget_set_visible (GTK_WIDGET (os->search_row), kind == CS_FHIR_COHORT_SEARCH);

  if (kind == CS_FHIR_COHORT_GROUP)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (os->group_row))));

      ok = ok && text[0] != '\0';
    }
  else if (kind == CS_FHIR_COHORT_SEARCH)
    ok = ok && gtk_editable_get_text (GTK_EDITABLE (os->search_row))[0] != '\0';

  gtk_widget_set_sensitive (os->load_button, ok);
}

static void
on_open_server_changed (GObject    *object,
                        GParamSpec *pspec,
                        OpenServer *os)
{
  open_server_update (os);
}

static void
on_open_server_text_changed (GtkEditable *editable,
                             OpenServer  *os)
{
  /* a fix in progress is no longer the error that was marked */
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (editable), NULL);
  gtk_widget_set_visible (GTK_WIDGET (os->error_label), FALSE);
  open_server_update (os);
}

/* Load refused because of row: marked, the reason under the rows and in
 * its tooltip, the focus on it. */
static void
open_server_refuse (OpenServer  *os,
                    AdwEntryRow *row,
                    const char  *reason)
{
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), reason);
  gtk_label_set_text (os->error_label, reason);
  gtk_widget_set_visible (GTK_WIDGET (os->error_label), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* A text row of the dialog: Enter loads, a change clears its error mark.
 * The title is plain text (searches hold '&'). */
static AdwEntryRow *
open_server_add_entry (OpenServer *os,
                       GtkWidget  *group,
                       const char *name,
                       const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_signal_connect (row, "changed", G_CALLBACK (on_open_server_text_changed), os);
  return ADW_ENTRY_ROW (row);
}

static void
on_load_clicked (GtkButton  *button,
                 OpenServer *os)
{
  CsFhirCohortSpec spec = { 0 };
  g_autofree char *group_id = NULL;
  g_autofree char *query = NULL;
  g_auto(GStrv) types = NULL;
  guint index = adw_combo_row_get_selected (os->server_row);
  CsServerProfile *profile;

  if (index >= os->profiles->len)
    return;
  profile = g_ptr_array_index (os->profiles, index);

  spec.kind = (CsFhirCohortKind)adw_combo_row_get_selected (os->kind_row);
  if (spec.kind == CS_FHIR_COHORT_GROUP)
    {
      group_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (os->group_row))));
      /* "Group/abc" is fine too */
      if (g_str_has_prefix (group_id, "Group/"))
        memmove (group_id, group_id + 6, strlen (group_id + 6) + 1);
      /* the same rule as the command line's --server-group: a FHIR id */
      if (!cs_fhir_id_check (group_id, -1, NULL))
        {
          open_server_refuse (os, os->group_row, _("A Group id is 1 to 64 letters, digits, “-” or “.”"));
          return;
        }
      spec.group_id = group_id;
    }
  else if (spec.kind == CS_FHIR_COHORT_SEARCH)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (os->search_row));

      /* "Patient?birthdate=lt1960" and "?birthdate=lt1960" mean the same */
      if (g_str_has_prefix (text, "Patient?"))
        text += strlen ("Patient?");
      else if (text[0] == '?')
        text++;
      query = g_strstrip (g_strdup (text));
      if (query[0] == '\0' || strchr (query, '=') == NULL)
        {
          open_server_refuse (os, os->search_row,
                              _("A search is name=value pairs joined by “&”, e.g. birthdate=lt1960"));
          return;
        }
      spec.patient_query = query;
    }
  if (gtk_editable_get_text (GTK_EDITABLE (os->types_row))[0] != '\0')
    {
      g_autoptr(GError) error = NULL;

      if (!(types = cs_fhir_parse_type_list (gtk_editable_get_text (GTK_EDITABLE (os->types_row)), &error)))
        {
          open_server_refuse (os, os->types_row, error->message);
          return;
        }
      spec.resource_types = (const char * const *) types;
    }
  spec.write_cache = TRUE;

  cs_server_load_into_window (os->window, profile, &spec);
  gtk_window_destroy (os->dialog);
}

static void
on_manage_servers_clicked (GtkButton  *button,
                           OpenServer *os)
{
  CsServerPreferences *prefs = cs_server_preferences_new (GTK_WINDOW (os->window));

  gtk_window_destroy (os->dialog);
  gtk_window_present (GTK_WINDOW (prefs));
  cs_server_preferences_add_server (prefs);
}

GtkWindow *
cs_open_server_dialog_new (CsWindow *window)
{
  g_autoptr(GtkStringList) kinds = NULL;
  const char *kind_names[] = { _("All patients"), _("Members of a Group"), _("A Patient search"), NULL };
  GtkWidget *dialog, *header, *page, *group, *row, *button;
  OpenServer *os;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);

  os = g_new0 (OpenServer, 1);
  os->window = g_object_ref (window);
  os->profiles = cs_server_form_load_profiles (window);

  dialog = cs_server_form_dialog_new (GTK_WINDOW (window), _("Open from Server"), &header);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 450);
  os->dialog = GTK_WINDOW (dialog);
  g_object_set_data_full (G_OBJECT (dialog), "cs-open-server", os, open_server_free);

  add_close_button (dialog, header, _("_Cancel"));
  button = gtk_button_new_with_mnemonic (_("_Load"));
  gtk_widget_set_name (button, "load");
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect (button, "clicked", G_CALLBACK (on_load_clicked), os);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  gtk_window_set_default_widget (GTK_WINDOW (dialog), button);
  os->load_button = button;

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (cs_server_form_dialog_get_box (dialog), page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Loads the patients with their records: Observations, Conditions, "
                                           "ImagingStudies, Encounters and every other type of the patient "
                                           "compartment the server has, or only the types given. "
                                           "The cohort is also kept for opening offline."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  row = cs_server_form_server_row_new (os->profiles);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  os->server_row = ADW_COMBO_ROW (row);

  if (os->profiles->len == 0)
    {
      gtk_widget_set_visible (row, FALSE);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No servers yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add a FHIR server with its base URL first"));
      button = gtk_button_new_with_mnemonic (_("_Add Server…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect (button, "clicked", G_CALLBACK (on_manage_servers_clicked), os);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  kinds = gtk_string_list_new (kind_names);
  row = adw_combo_row_new ();
  gtk_widget_set_name (row, "cohort-kind");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Patients"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (kinds));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  os->kind_row = ADW_COMBO_ROW (row);

  os->group_row = open_server_add_entry (os, group, "group-id", _("Group id"));
  os->search_row = open_server_add_entry (os, group, "patient-search",
                                          _("Search, e.g. birthdate=lt1960&gender=female"));
  os->types_row = open_server_add_entry (os, group, "resource-types",
                                         _("Only these types, e.g. Observation, Condition"));

  /* not a row: shown below the list */
  os->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (os->error_label), "load-error");
  gtk_label_set_wrap (os->error_label, TRUE);
  gtk_label_set_xalign (os->error_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (os->error_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (os->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (os->error_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (os->error_label));

  g_signal_connect (os->kind_row, "notify::selected", G_CALLBACK (on_open_server_changed), os);
  open_server_update (os);

  return GTK_WINDOW (dialog);
}

/* ------------------------------------------------------------------------ */
/* Open Cached Cohort… */

typedef struct
{
  CsWindow  *window;
  GtkWindow *dialog;
} OpenCached;

static void
open_cached_free (gpointer data)
{
  OpenCached *oc = data;

  g_clear_object (&oc->window);
  g_free (oc);
}

static void
on_cache_row_activated (AdwActionRow *row,
                        OpenCached   *oc)
{
  const char *url = g_object_get_data (G_OBJECT (row), "cs-url");
  const char *name = g_object_get_data (G_OBJECT (row), "cs-name");

  cs_server_open_cache_in_window (oc->window, url, name);
  gtk_window_destroy (oc->dialog);
}

typedef struct
{
  char      *url;
  char      *name;
  GDateTime *date;
  guint64    n;
} CacheEntry;

static void
cache_entry_free (gpointer data)
{
  CacheEntry *e = data;

  g_free (e->url);
  g_free (e->name);
  g_clear_pointer (&e->date, g_date_time_unref);
  g_free (e);
}

static int
cache_entry_compare (gconstpointer a,
                     gconstpointer b)
{
  const CacheEntry *ea = *(const CacheEntry **)a;
  const CacheEntry *eb = *(const CacheEntry **)b;

  /* Newest first */
  return g_date_time_compare (eb->date, ea->date);
}

static char *
normalised_url (const char *url)
{
  g_autoptr(CsFhirClient) client = cs_fhir_client_new (url, NULL);

  return client != NULL ? g_strdup (cs_fhir_client_get_base_url (client)) : g_strdup (url);
}

/* The offline copies in $XDG_CACHE_HOME/cohortscope/servers, named after
 * the saved server with the same URL when there is one. */
static GPtrArray *
list_caches (GPtrArray *profiles)
{
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "cohortscope", "servers", NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  GPtrArray *entries = g_ptr_array_new_with_free_func (cache_entry_free);
  const char *leaf;

  while (dir != NULL && (leaf = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *meta = g_build_filename (root, leaf, "cohort.json", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(CsJsonDocument) doc = NULL;
      g_autoptr(GDateTime) date = NULL;
      g_autofree char *url = NULL;
      const char *doc_url;
      guint64 n = 0;
      gsize len;
      CacheEntry *e;

      if (!g_file_get_contents (meta, &contents, &len, NULL) ||
          !(doc = cs_json_document_parse (contents, len, NULL)) ||
          !(doc_url = cs_json_get_string (cs_json_document_get_root (doc), "url")))
        continue;
      url = g_strdup (doc_url);
      if (!cs_fhir_cache_get_info (url, &date, &n, NULL) || date == NULL)
        continue;

      e = g_new0 (CacheEntry, 1);
      e->url = normalised_url (url);
      e->date = g_steal_pointer (&date);
      e->n = n;
      for (guint i = 0; profiles != NULL && i < profiles->len; i++)
        {
          CsServerProfile *profile = g_ptr_array_index (profiles, i);
          g_autofree char *purl = normalised_url (cs_server_profile_get_base_url (profile));

          if (g_strcmp0 (purl, e->url) == 0)
            {
              e->name = g_strdup (cs_server_profile_get_name (profile));
              break;
            }
        }
      g_ptr_array_add (entries, e);
    }

  g_ptr_array_sort (entries, cache_entry_compare);

  return entries;
}

GtkWindow *
cs_open_cached_dialog_new (CsWindow *window)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) caches = NULL;
  GtkWidget *dialog, *header, *page, *group;
  OpenCached *oc;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);

  oc = g_new0 (OpenCached, 1);
  oc->window = g_object_ref (window);

  dialog = cs_server_form_dialog_new (GTK_WINDOW (window), _("Open Cached Cohort"), &header);
  oc->dialog = GTK_WINDOW (dialog);
  g_object_set_data_full (G_OBJECT (dialog), "cs-open-cached", oc, open_cached_free);
  add_close_button (dialog, header, _("_Cancel"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 420);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (cs_server_form_dialog_get_box (dialog), page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Offline Copies"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The last cohort loaded from each server, opened without the network."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  profiles = cs_server_form_load_profiles (window);
  caches = list_caches (profiles);

  if (caches->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No cached cohorts"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Load a cohort with Open from Server first"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  for (guint i = 0; i < caches->len; i++)
    {
      CacheEntry *e = g_ptr_array_index (caches, i);
      g_autofree char *date = format_local_date (e->date);
      g_autofree char *count = cs_gui_format_count (e->n);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow;

      /* Translators: "2026-11-28 14:05 · 12,345 resources · https://host/fhir/" */
      subtitle = g_strdup_printf (ngettext ("%s · %s resource · %s", "%s · %s resources · %s", e->n),
                                  date, count, e->url);
      gtk_widget_set_name (row, "cache-row");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name != NULL ? e->name : e->url);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "cs-url", g_strdup (e->url), g_free);
      g_object_set_data_full (G_OBJECT (row), "cs-name", g_strdup (e->name != NULL ? e->name : e->url), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_cache_row_activated), oc);
      arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_accessible_update_state (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  return GTK_WINDOW (dialog);
}

/* ------------------------------------------------------------------------ */
/* Upload to Server… */

typedef struct
{
  CsServerForm          form;          /* checked_key: server + path of the last clean dry run */
  AdwActionRow         *file_row;
  GtkLabel             *errors;
  GtkNativeDialog      *chooser;
  char                 *path;
} Upload;

typedef struct
{
  CsServerProfile   *profile;
  CsFhirClient      *client;
  char              *path;
  CsFhirPushOptions  options;
  CsFhirPushResult   result;
  GPtrArray         *errors;   /* char* */
  char              *key;
  GMainContext      *context;  /* the dialog's, for progress */
  GMutex             mutex;    /* guards progress and progress_pending */
  CsFhirPushProgress progress; /* latest report; source not kept */
  gboolean           progress_pending;
} PushJob;

static void
push_job_free (gpointer data)
{
  PushJob *job = data;

  g_clear_object (&job->profile);
  g_clear_object (&job->client);
  g_free (job->path);
  g_free (job->key);
  g_ptr_array_unref (job->errors);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->mutex);
  g_free (job);
}

static void
upload_free (gpointer data)
{
  Upload *up = data;

  cs_server_form_clear (&up->form);
  if (up->chooser != NULL)
    gtk_native_dialog_destroy (up->chooser);
  g_clear_object (&up->chooser);
  g_free (up->path);
  g_free (up);
}

static char *
upload_key (Upload *up)
{
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);

  if (profile == NULL || up->path == NULL)
    return NULL;

  return g_strdup_printf ("%s\n%s", cs_server_profile_get_name (profile), up->path);
}

static void
upload_update (Upload *up)
{
  g_autofree char *key = upload_key (up);

  /* Upload after a dry run of the same file to the same server */
  cs_server_form_update (&up->form, key);
}

static void
on_upload_server_changed (GObject    *object,
                          GParamSpec *pspec,
                          Upload     *up)
{
  upload_update (up);
}

static void
push_error_cb (const CsFhirPushEntryError *entry,
               gpointer                    user_data)
{
  PushJob *job = user_data;
  g_autofree char *base = entry->source != NULL ? g_path_get_basename (entry->source) : NULL;

  if (job->errors->len >= 200)
    return;

  /* Translators: "Entry 3 (Observation/o1, obs.ndjson byte 1234): <message>" */
  g_ptr_array_add (job->errors,
                   g_strdup_printf (_("Entry %u (%s/%s, %s byte %" PRId64 "): %s"),
                                    entry->index + 1,
                                    entry->resource_type != NULL ? entry->resource_type : "?",
                                    entry->id != NULL ? entry->id : "?",
                                    base != NULL ? base : "?",
                                    (gint64)entry->offset,
                                    entry->message != NULL ? entry->message : ""));
}

/* Main thread: shows the latest progress report of task's job. */
static gboolean
push_progress_idle (gpointer data)
{
  GTask *task = data;
  PushJob *job = g_task_get_task_data (task);
  Upload *up = g_object_get_data (G_OBJECT (g_task_get_source_object (task)), "cs-upload");
  CsFhirPushProgress p;
  g_autofree char *text = NULL;

  g_mutex_lock (&job->mutex);
  p = job->progress;
  job->progress_pending = FALSE;
  g_mutex_unlock (&job->mutex);

  /* closed, finished or another run meanwhile */
  if (up == NULL || !up->form.busy || g_task_get_cancellable (task) != up->form.cancellable)
    return G_SOURCE_REMOVE;

  if (p.phase == CS_FHIR_PUSH_PHASE_READING)
    {
      g_autofree char *count = cs_gui_format_count (p.resources_read);

      if (p.bytes_total > 0)
        {
          g_clear_handle_id (&up->form.pulse, g_source_remove);
          gtk_progress_bar_set_fraction (up->form.progress, MIN (1.0, (double) p.bytes_read / (double) p.bytes_total));
        }
      /* Translators: while the file is read before the upload */
      text = g_strdup_printf (ngettext ("Reading the file: %s resource", "Reading the file: %s resources",
                                        p.resources_read), count);
    }
  else if (p.resources_total > 0)
    {
      g_autofree char *done = cs_gui_format_count (p.resources_done);
      g_autofree char *total = cs_gui_format_count (p.resources_total);

      g_clear_handle_id (&up->form.pulse, g_source_remove);
      gtk_progress_bar_set_fraction (up->form.progress, MIN (1.0, (double) p.resources_done / (double) p.resources_total));
      if (p.dry_run)
        /* Translators: "120 of 5,000 resources compared" (dry run) */
        text = g_strdup_printf (ngettext ("%s of %s resource compared", "%s of %s resources compared",
                                          p.resources_total), done, total);
      else
        /* Translators: "120 of 5,000 resources uploaded" */
        text = g_strdup_printf (ngettext ("%s of %s resource uploaded", "%s of %s resources uploaded",
                                          p.resources_total), done, total);
    }

  if (text != NULL)
    gtk_progress_bar_set_text (up->form.progress, text);
  return G_SOURCE_REMOVE;
}

/* Push thread: keeps the latest report and wakes the main thread once */
static void
push_progress_cb (const CsFhirPushProgress *progress,
                  gpointer                  user_data)
{
  GTask *task = user_data;
  PushJob *job = g_task_get_task_data (task);
  gboolean schedule;

  g_mutex_lock (&job->mutex);
  job->progress = *progress;
  job->progress.source = NULL;
  schedule = !job->progress_pending;
  job->progress_pending = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, push_progress_idle,
                                g_object_ref (task), g_object_unref);
}

static void
push_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PushJob *job = task_data;
  GError *error = NULL;

  /* The keyring lookup can be slow too */
  if (!(job->client = cs_server_profile_create_client (job->profile, cs_gui_get_secret_backend (), &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!cs_fhir_client_push_path_full (job->client, job->path, &job->options, &job->result,
                                      push_error_cb, job, push_progress_cb, task, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_push_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GtkWindow *dialog = GTK_WINDOW (source);
  Upload *up = g_object_get_data (G_OBJECT (dialog), "cs-upload");
  PushJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *unchanged = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* The dialog was closed meanwhile */
  if (up == NULL || g_task_get_cancellable (G_TASK (result)) != up->form.cancellable)
    return;

  cs_server_form_end (&up->form);

  created = cs_gui_format_count (job->result.created);
  updated = cs_gui_format_count (job->result.updated);
  unchanged = cs_gui_format_count (job->result.unchanged);

  if (job->options.dry_run)
    /* Translators: the counts of a dry run */
    text = g_strdup_printf (_("Dry run: %s to create, %s to update, %s unchanged. Nothing was sent."),
                            created, updated, unchanged);
  else
    {
      g_autofree char *failed = cs_gui_format_count (job->result.failed);

      /* Translators: the counts of an upload */
      text = g_strdup_printf (_("Uploaded: %s created, %s updated, %s unchanged, %s failed."),
                              created, updated, unchanged, failed);
    }

  if (!ok)
    {
      g_autofree char *message = NULL;

      if (cs_server_form_is_cancelled (error))
        {
          guint64 done, total;
          g_autofree char *done_text = NULL;
          g_autofree char *total_text = NULL;

          g_mutex_lock (&job->mutex);
          done = job->progress.resources_done;
          total = job->progress.resources_total;
          g_mutex_unlock (&job->mutex);
          done_text = cs_gui_format_count (done);
          total_text = cs_gui_format_count (total);
          if (total > 0)
            /* Translators: "Cancelled after 100 of 5,000 resources." then the counts */
            message = g_strdup_printf (ngettext ("Cancelled after %s of %s resource. Uploading again resumes where it stopped.\n%s",
                                                 "Cancelled after %s of %s resources. Uploading again resumes where it stopped.\n%s",
                                                 total),
                                       done_text, total_text, text);
          else
            message = g_strdup_printf ("%s\n%s", _("Cancelled. Uploading again resumes where it stopped."), text);
        }
      else
        /* Translators: "<what failed> then the counts so far" */
        message = g_strdup_printf (_("%s\n%s Uploading again resumes where it stopped."), error->message, text);
      g_free (text);
      text = g_steal_pointer (&message);
    }
  else if (job->options.dry_run)
    cs_server_form_set_checked (&up->form, job->key);

  cs_server_form_set_status (&up->form, text, !ok);

  if (job->errors->len > 0)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      for (guint i = 0; i < job->errors->len; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? "\n" : "", (const char *)g_ptr_array_index (job->errors, i));
      gtk_label_set_text (up->errors, s->str);
      gtk_widget_set_visible (GTK_WIDGET (up->errors), TRUE);
    }

  upload_update (up);
}

static void
start_push (Upload   *up,
            gboolean  dry_run)
{
  g_autoptr(GTask) task = NULL;
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);
  PushJob *job;

  if (up->form.busy || profile == NULL || up->path == NULL)
    return;

  job = g_new0 (PushJob, 1);
  job->profile = g_object_ref (profile);
  job->path = g_strdup (up->path);
  job->options.dry_run = !!dry_run;
  job->errors = g_ptr_array_new_with_free_func (g_free);
  job->key = upload_key (up);
  job->context = g_main_context_ref_thread_default ();
  g_mutex_init (&job->mutex);

  cs_server_form_begin (&up->form, dry_run ? _("Comparing the file with the server…") : _("Uploading…"));
  gtk_label_set_text (up->errors, "");
  gtk_widget_set_visible (GTK_WIDGET (up->errors), FALSE);
  gtk_progress_bar_set_text (up->form.progress, _("Reading the file"));
  upload_update (up);

  task = g_task_new (up->form.dialog, up->form.cancellable, on_push_done, NULL);
  g_task_set_source_tag (task, start_push);
  g_task_set_task_data (task, job, push_job_free);
  g_task_run_in_thread (task, push_thread);
}

static void
on_dry_run_clicked (GtkButton *button,
                    Upload    *up)
{
  start_push (up, TRUE);
}

static void
on_upload_clicked (GtkButton *button,
                   Upload    *up)
{
  start_push (up, FALSE);
}

static void
on_upload_chooser_response (GtkNativeDialog *chooser,
                            int              response,
                            Upload          *up)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        cs_upload_dialog_set_path (up->form.dialog, path);
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&up->chooser);
}

static void
on_choose_file_clicked (GtkButton *button,
                        Upload    *up)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  if (up->chooser != NULL)
    {
      gtk_native_dialog_show (up->chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Choose a Bundle or NDJSON File"), up->form.dialog,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("FHIR JSON and NDJSON"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.ndjson");
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "application/fhir+json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);

  up->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_upload_chooser_response), up);
  gtk_native_dialog_show (up->chooser);
}

GtkWindow *
cs_upload_dialog_new (GtkWindow *parent)
{
  GtkWidget *dialog, *header, *page, *group, *row, *button, *box;
  Upload *up;

  up = g_new0 (Upload, 1);

  dialog = cs_server_form_dialog_new (parent, _("Upload to Server"), &header);
  g_object_set_data_full (G_OBJECT (dialog), "cs-upload", up, upload_free);
  cs_server_form_init (&up->form, dialog, header, CS_IS_WINDOW (parent) ? CS_WINDOW (parent) : NULL,
                       _("Sends new and changed resources; available after a dry run"),
                       G_CALLBACK (on_upload_clicked),
                       _("Counts what an upload would create, update or leave unchanged"),
                       G_CALLBACK (on_dry_run_clicked),
                       up);
  gtk_widget_set_name (up->form.close_button, "cancel");

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (cs_server_form_dialog_get_box (dialog), page);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 600, 460);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Resources are sent with stable ids (PUT), so uploading the same file again creates nothing new."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  row = cs_server_form_create_server_row (&up->form);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_upload_server_changed), up);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "file");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("File"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("A transaction or batch Bundle, or NDJSON"));
  button = gtk_button_new_with_mnemonic (_("C_hoose…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  cs_server_form_set_accessible_label (button, _("Choose the file to upload"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_choose_file_clicked), up);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  up->file_row = ADW_ACTION_ROW (row);

  group = adw_preferences_group_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);

  cs_server_form_add_status (&up->form, GTK_BOX (box),
                             up->form.profiles->len == 0
                             ? _("Add a server in Preferences → Servers first.")
                             : _("Choose a file, then run a dry run to see what would change."));
  gtk_widget_set_name (GTK_WIDGET (up->form.progress), "progress");
  gtk_progress_bar_set_show_text (up->form.progress, TRUE);

  up->errors = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (up->errors), "errors");
  gtk_label_set_xalign (up->errors, 0);
  gtk_label_set_wrap (up->errors, TRUE);
  gtk_label_set_selectable (up->errors, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (up->errors), "error");
  gtk_widget_set_visible (GTK_WIDGET (up->errors), FALSE);
  cs_server_form_set_accessible_label (GTK_WIDGET (up->errors), _("Entries that failed"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (up->errors));

  upload_update (up);

  return GTK_WINDOW (dialog);
}

void
cs_upload_dialog_set_path (GtkWindow  *dialog,
                           const char *path)
{
  Upload *up = g_object_get_data (G_OBJECT (dialog), "cs-upload");
  g_autofree char *base = NULL;

  g_return_if_fail (up != NULL);

  g_free (up->path);
  up->path = g_strdup (path);
  base = g_path_get_basename (path);
  adw_action_row_set_subtitle (up->file_row, base);
  gtk_widget_set_tooltip_text (GTK_WIDGET (up->file_row), path);
  upload_update (up);
}

gboolean
cs_upload_dialog_get_busy (GtkWindow *dialog)
{
  Upload *up = g_object_get_data (G_OBJECT (dialog), "cs-upload");

  g_return_val_if_fail (up != NULL, FALSE);

  return up->form.busy;
}

/* ------------------------------------------------------------------------ */
/* Application actions */

static CsWindow *
get_window (GtkApplication *app)
{
  GtkWindow *active = gtk_application_get_active_window (app);
  CsWindow *window;

  if (CS_IS_WINDOW (active))
    return CS_WINDOW (active);

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (CS_IS_WINDOW (l->data))
      return l->data;

  window = cs_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
open_server_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (cs_open_server_dialog_new (get_window (user_data)));
}

static void
open_cached_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (cs_open_cached_dialog_new (get_window (user_data)));
}

static void
upload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  gtk_window_present (cs_upload_dialog_new (GTK_WINDOW (get_window (user_data))));
}

static void
servers_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (cs_server_preferences_new (GTK_WINDOW (get_window (user_data)))));
}

static const GActionEntry server_actions[] = {
  { "open-server", open_server_action },
  { "open-cached", open_cached_action },
  { "upload-to-server", upload_action },
  { "servers", servers_action },
};

void
cs_server_actions_add (GtkApplication *app)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), server_actions, G_N_ELEMENTS (server_actions), app);
}
