/* cs-server-load.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-cache.h"
#include "cs-gui-util.h"
#include "cs-saved-servers.h"
#include "cs-server-load.h"

/* ------------------------------------------------------------------------ */
/* What a server error means to the user */

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
        case CS_FHIR_ERROR_INCOMPLETE:
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

char *
cs_server_format_local_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

gboolean
cs_server_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED);
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
      else if (cs_server_error_is_cancelled (error))
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
          if (client != NULL || cs_server_error_is_cancelled (error))
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
      g_autofree char *date = co->date != NULL ? cs_server_format_local_date (co->date) : g_strdup ("?");

      /* Translators: window subtitle, "<server> · Cached — 2026-11-28 14:05" */
      label = g_strdup_printf (_("%s · Cached — %s"), load->name, date);
    }

  if (cs_window_end_external_load (load->window, load->cancellable, store, label))
    {
      if (store != NULL)
        {
          g_autofree char *date = co->date != NULL ? cs_server_format_local_date (co->date) : g_strdup ("?");
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
      else if (cs_server_error_is_cancelled (error))
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
