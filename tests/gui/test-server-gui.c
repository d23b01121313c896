/* test-server-gui.c: the FHIR server GUI against an in-process SoupServer (Xvfb)
 *
 * The server (its own thread) serves /metadata, Patients, Observations, a
 * Group and transaction Bundles under /fhir/ and wants a bearer token; /slow/
 * never answers Patient searches and /fail/ refuses them with an
 * OperationOutcome. Through the real widgets: a profile is created in the
 * Servers preferences, "Test Connection" shows the FHIR version, the secret
 * lands in the (in-memory) secret store but not in servers.json or GSettings;
 * "Open from Server" loads all patients, a search and a Group ("N of M
 * patients"); the offline copy reopens marked as cached; Cancel keeps the
 * open cohort; a refusal shows the server's text; "Upload to Server" runs a
 * dry run and an upload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-cohort-view.h"
#include "cs-fhir-cache.h"
#include "cs-json.h"
#include "cs-server-dialogs.h"
#include "cs-server-preferences.h"
#include "cs-window.h"

#define TOKEN "s3cr3t-T0KEN-for-tests"

/* ------------------------------------------------------------------------ */
/* The server */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  char         *base;        /* http://127.0.0.1:port/ */
  GPtrArray    *paused;      /* SoupServerMessage* */
  guint         n_slow;
  guint         n_posts;
  gboolean      pause_posts;  /* hold every POST after the first (Cancel of an upload) */
  guint         n_paused_posts;
} TestServer;

static TestServer *server;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
id_selected (GHashTable *query,
             const char *id)
{
  const char *ids = query != NULL ? g_hash_table_lookup (query, "_id") : NULL;
  g_auto(GStrv) list = NULL;

  if (ids == NULL)
    return TRUE;
  list = g_strsplit (ids, ",", -1);
  return g_strv_contains ((const char * const *)list, id);
}

static void
append_entry (GString    *s,
              const char *resource)
{
  if (s->str[s->len - 1] != '[')
    g_string_append_c (s, ',');
  g_string_append_printf (s, "{\"resource\":%s,\"search\":{\"mode\":\"match\"}}", resource);
}

static void
fhir_handler (SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query)
{
  static const char *births[] = { "1950-03-01", "1972-07-15", "1955-11-30" };
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GString) s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");

  if (g_strcmp0 (auth, "Bearer " TOKEN) != 0)
    {
      respond (msg, 401, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\","
                         "\"diagnostics\":\"Invalid bearer token\"}]}");
      return;
    }

  if (g_str_equal (method, "POST") && g_str_equal (path, "/fhir/"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
      g_autoptr(GString) r = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":[");

      g_assert_nonnull (doc);
      g_mutex_lock (&server->mutex);
      if (server->pause_posts && server->n_posts >= 1)
        {
          server->n_paused_posts++;
          g_ptr_array_add (server->paused, g_object_ref (msg));
          g_mutex_unlock (&server->mutex);
          soup_server_message_pause (msg);
          return;
        }
      g_mutex_unlock (&server->mutex);
      for (const CsJsonNode *e = cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")); e != NULL; e = e->next)
        g_string_append_printf (r, "%s{\"response\":{\"status\":\"201 Created\"}}", r->str[r->len - 1] == '[' ? "" : ",");
      g_string_append (r, "]}");
      server->n_posts++;
      respond (msg, 200, r->str);
      return;
    }

  if (g_str_equal (path, "/fhir/metadata"))
    {
      respond (msg, 200,
               "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"kind\":\"instance\",\"fhirVersion\":\"4.0.1\","
               "\"software\":{\"name\":\"Test FHIR\",\"version\":\"9.8\"},\"format\":[\"json\"],"
               "\"rest\":[{\"mode\":\"server\",\"resource\":["
               "{\"type\":\"Patient\",\"searchParam\":[{\"name\":\"birthdate\",\"type\":\"date\"},{\"name\":\"_id\",\"type\":\"token\"}]},"
               "{\"type\":\"Observation\",\"searchParam\":[{\"name\":\"patient\",\"type\":\"reference\"}]},"
               "{\"type\":\"Group\"}]}]}");
      return;
    }

  if (g_str_equal (path, "/fhir/Group/g1"))
    {
      respond (msg, 200, "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\",\"actual\":true,"
                         "\"member\":[{\"entity\":{\"reference\":\"Patient/p1\"}},{\"entity\":{\"reference\":\"Patient/p3\"}}]}");
      return;
    }

  if (g_str_equal (path, "/fhir/Patient"))
    {
      const char *birthdate = query != NULL ? g_hash_table_lookup (query, "birthdate") : NULL;

      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *id = g_strdup_printf ("p%u", k + 1);
          g_autofree char *res = NULL;

          if (!id_selected (query, id))
            continue;
          if (g_strcmp0 (birthdate, "lt1960") == 0 && strcmp (births[k], "1960") >= 0)
            continue;
          res = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"gender\":\"%s\",\"birthDate\":\"%s\"}",
                                 id, k % 2 ? "male" : "female", births[k]);
          append_entry (s, res);
        }
    }
  else if (g_str_equal (path, "/fhir/Observation"))
    {
      const char *patients = query != NULL ? g_hash_table_lookup (query, "patient") : NULL;
      g_auto(GStrv) list = patients != NULL ? g_strsplit (patients, ",", -1) : NULL;

      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *ref = g_strdup_printf ("Patient/p%u", k + 1);
          g_autofree char *bare = g_strdup_printf ("p%u", k + 1);
          g_autofree char *res = NULL;

          if (list != NULL && !g_strv_contains ((const char * const *)list, ref) &&
              !g_strv_contains ((const char * const *)list, bare))
            continue;
          res = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"o%u\",\"status\":\"final\","
                                 "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
                                 "\"subject\":{\"reference\":\"%s\"},\"effectiveDateTime\":\"2020-01-01\","
                                 "\"valueQuantity\":{\"value\":%u,\"unit\":\"cm\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"cm\"}}",
                                 k + 1, ref, 160 + 5 * k);
          append_entry (s, res);
        }
    }
  /* Other types: an empty searchset */

  g_string_append (s, "]}");
  respond (msg, 200, s->str);
}

static void
handler (SoupServer        *soup_server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  if (g_str_has_prefix (path, "/fhir/"))
    fhir_handler (msg, path, query);
  else if (g_str_equal (path, "/slow/Patient"))
    {
      g_mutex_lock (&server->mutex);
      server->n_slow++;
      g_ptr_array_add (server->paused, g_object_ref (msg));
      g_mutex_unlock (&server->mutex);
      soup_server_message_pause (msg);
    }
  else if (g_str_equal (path, "/fail/Patient"))
    respond (msg, 400, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                       "\"diagnostics\":\"Unknown search parameter: flavour\"}]}");
  else if (g_str_has_suffix (path, "/metadata"))
    respond (msg, 200, "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"4.0.1\","
                       "\"rest\":[{\"mode\":\"server\",\"resource\":[{\"type\":\"Patient\"}]}]}");
  else
    respond (msg, 404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
}

static gpointer
server_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handler, NULL, NULL);
  if (!soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot listen: %s", error->message);
  uris = soup_server_get_uris (server->server);
  server->base = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_mutex_lock (&server->mutex);
  server->ready = TRUE;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_loop_run (server->loop);

  for (guint i = 0; i < server->paused->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (server->paused, i);

      respond (msg, 503, "{}");
      soup_server_message_unpause (msg);
    }
  while (g_main_context_iteration (server->context, FALSE))
    ;
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static void
server_start (void)
{
  server = g_new0 (TestServer, 1);
  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("test-server", server_thread, NULL);
  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (void)
{
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_ptr_array_unref (server->paused);
  g_free (server->base);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_clear_pointer (&server, g_free);
}

/* ------------------------------------------------------------------------ */
/* Helpers */

static CsWindow *window;
static CsSecretBackend *backend;
static char *tmp_dir;

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint source = g_timeout_add (20, wake_up, NULL);

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_source_remove (source);
  g_assert_true (condition (data));
}

static gboolean
not_loading (gpointer data)
{
  return !cs_window_get_loading (window);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
get_named (gpointer    root,
           const char *name)
{
  GtkWidget *widget = find_named (GTK_WIDGET (root), name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

/* With CS_SCREENSHOT_DIR set, writes win as <dir>/<name>.png (for docs). */
static void
maybe_screenshot (GtkWindow  *win,
                  const char *name)
{
  const char *dir = g_getenv ("CS_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  graphene_rect_t bounds;
  gint64 until;

  if (dir == NULL)
    return;

  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  paintable = gtk_widget_paintable_new (GTK_WIDGET (win));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  gsk_render_node_get_bounds (node, &bounds);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (win)), node, &bounds);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
save_profile (const char *name,
              const char *path_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = cs_gui_load_server_profiles (&error);
  g_autofree char *url = g_strconcat (server->base, path_part, NULL);

  g_assert_no_error (error);
  g_ptr_array_add (profiles, cs_server_profile_new (name, url));
  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));
  g_assert_no_error (error);
}

static void
load_with (const char *server_name,
           guint       kind,
           const char *text)
{
  GtkWindow *dialog = cs_open_server_dialog_new (window);
  AdwComboRow *server_row = ADW_COMBO_ROW (get_named (dialog, "server"));
  GListModel *names = adw_combo_row_get_model (server_row);
  guint index = G_MAXUINT;

  gtk_window_present (dialog);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (item), server_name))
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);
  adw_combo_row_set_selected (server_row, index);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_named (dialog, "cohort-kind")), kind);
  if (kind == 1)
    gtk_editable_set_text (GTK_EDITABLE (get_named (dialog, "group-id")), text);
  else if (kind == 2)
    gtk_editable_set_text (GTK_EDITABLE (get_named (dialog, "patient-search")), text);

  g_assert_true (gtk_widget_get_sensitive (get_named (dialog, "load")));
  if (kind == 2)
    maybe_screenshot (dialog, "server-open");
  g_signal_emit_by_name (get_named (dialog, "load"), "clicked");
}

static const char *
count_text (void)
{
  return cs_cohort_view_get_count_text (cs_window_get_cohort_view (window));
}

/* ------------------------------------------------------------------------ */
/* Tests */

static gboolean
not_testing (gpointer data)
{
  return !cs_server_preferences_get_testing (data);
}

static void
test_profile (void)
{
  CsServerPreferences *prefs = cs_server_preferences_new (GTK_WINDOW (window));
  g_autofree char *url = g_strconcat (server->base, "fhir", NULL);
  g_autofree char *profiles_path = cs_server_profiles_get_default_path ();
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *secret = NULL;

  g_assert_true (g_str_has_prefix (profiles_path, tmp_dir));
  gtk_window_present (GTK_WINDOW (prefs));
  cs_server_preferences_add_server (prefs);

  gtk_editable_set_text (GTK_EDITABLE (get_named (prefs, "server-name")), "Test server");
  gtk_editable_set_text (GTK_EDITABLE (get_named (prefs, "server-url")), url);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_named (prefs, "server-auth")), CS_FHIR_AUTH_BEARER);
  g_assert_true (gtk_widget_get_visible (get_named (prefs, "server-secret")));

  /* A wrong token: the server's OperationOutcome text is shown */
  gtk_editable_set_text (GTK_EDITABLE (get_named (prefs, "server-secret")), "wrong");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  g_assert_true (cs_server_preferences_get_testing (prefs));
  wait_until (not_testing, prefs);
  g_assert_nonnull (strstr (cs_server_preferences_get_test_result (prefs), "Invalid bearer token"));

  /* The right one: software, FHIR version and search features */
  gtk_editable_set_text (GTK_EDITABLE (get_named (prefs, "server-secret")), TOKEN);
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  wait_until (not_testing, prefs);
  g_test_message ("test connection: %s", cs_server_preferences_get_test_result (prefs));
  g_assert_nonnull (strstr (cs_server_preferences_get_test_result (prefs), "4.0.1"));
  g_assert_nonnull (strstr (cs_server_preferences_get_test_result (prefs), "Test FHIR"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_named (prefs, "test-result"))), ==,
                   cs_server_preferences_get_test_result (prefs));
  maybe_screenshot (GTK_WINDOW (prefs), "server-editor");

  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  g_assert_cmpuint (cs_server_preferences_get_profiles (prefs)->len, ==, 1);
  maybe_screenshot (GTK_WINDOW (prefs), "server-preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* Saved: the profile without its token; the token in the secret store */
  g_assert_true (g_file_get_contents (profiles_path, &saved, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved, "Test server"));
  g_assert_nonnull (strstr (saved, "bearer"));
  g_assert_null (strstr (saved, TOKEN));

  profiles = cs_gui_load_server_profiles (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  secret = cs_server_profile_lookup_secret (g_ptr_array_index (profiles, 0), backend, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TOKEN);

  /* Nothing in GSettings holds it either */
  settings = g_settings_new ("io.github.cohortscope.Cohortscope");
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, TOKEN));
    }

  /* Editing keeps the saved token when none is typed */
  prefs = cs_server_preferences_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (cs_server_preferences_edit_server (prefs, "Test server"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_named (prefs, "server-secret"))), ==, "");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  wait_until (not_testing, prefs);
  g_assert_nonnull (strstr (cs_server_preferences_get_test_result (prefs), "4.0.1"));
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_clear_pointer (&secret, g_free);
  g_clear_pointer (&profiles, g_ptr_array_unref);
  profiles = cs_gui_load_server_profiles (&error);
  secret = cs_server_profile_lookup_secret (g_ptr_array_index (profiles, 0), backend, &error);
  g_assert_cmpstr (secret, ==, TOKEN);
}

static void
test_load_all (void)
{
  g_autofree char *url = g_strconcat (server->base, "fhir", NULL);
  g_autoptr(GDateTime) date = NULL;
  guint64 n = 0;

  load_with ("Test server", CS_FHIR_COHORT_ALL, NULL);
  g_assert_true (cs_window_get_loading (window));
  wait_until (not_loading, NULL);

  g_assert_nonnull (cs_window_get_store (window));
  g_assert_cmpstr (count_text (), ==, "3 of 3 patients");
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 6);
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Test server"));

  /* Kept for offline use */
  g_assert_true (cs_fhir_cache_get_info (url, &date, &n, NULL));
  g_assert_cmpuint (n, ==, 6);
}

static void
test_load_search (void)
{
  load_with ("Test server", CS_FHIR_COHORT_SEARCH, "birthdate=lt1960");
  wait_until (not_loading, NULL);
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "birthdate=lt1960"));
  maybe_screenshot (GTK_WINDOW (window), "server-loaded");
}

static void
test_load_group (void)
{
  load_with ("Test server", CS_FHIR_COHORT_GROUP, "Group/g1");
  wait_until (not_loading, NULL);
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 4);
}

static void
test_cached (void)
{
  GtkWindow *dialog;
  GtkWidget *row;
  CsStore *before = cs_window_get_store (window);

  load_with ("Test server", CS_FHIR_COHORT_ALL, NULL);
  wait_until (not_loading, NULL);
  g_assert_cmpstr (count_text (), ==, "3 of 3 patients");

  /* Another cohort, then the offline copy of the last load */
  load_with ("Test server", CS_FHIR_COHORT_SEARCH, "birthdate=lt1960");
  wait_until (not_loading, NULL);
  g_assert_true (cs_window_get_store (window) != before);

  dialog = cs_open_cached_dialog_new (window);
  gtk_window_present (dialog);
  row = get_named (dialog, "cache-row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Test server");
  maybe_screenshot (dialog, "server-cached-list");
  g_signal_emit_by_name (row, "activated");
  wait_until (not_loading, NULL);

  /* The last load was the search */
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_test_message ("title: %s", gtk_window_get_title (GTK_WINDOW (window)));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Test server · Cached — "));
  maybe_screenshot (GTK_WINDOW (window), "server-cached");
}

static gboolean
slow_request_seen (gpointer data)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->n_slow;
  g_mutex_unlock (&server->mutex);
  return n > 0;
}

static void
test_cancel (void)
{
  CsStore *before = cs_window_get_store (window);
  g_autofree char *count_before = g_strdup (count_text ());

  g_assert_nonnull (before);
  save_profile ("Slow server", "slow");
  load_with ("Slow server", CS_FHIR_COHORT_ALL, NULL);
  wait_until (slow_request_seen, NULL);
  g_assert_true (cs_window_get_loading (window));

  cs_window_cancel_loading (window);
  wait_until (not_loading, NULL);
  g_assert_true (cs_window_get_store (window) == before);
  g_assert_cmpstr (count_text (), ==, count_before);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item))
        return ADW_MESSAGE_DIALOG (item);
    }

  return NULL;
}

static void
test_error (void)
{
  CsStore *before = cs_window_get_store (window);
  AdwMessageDialog *dialog;

  save_profile ("Failing server", "fail");
  load_with ("Failing server", CS_FHIR_COHORT_ALL, NULL);
  wait_until (not_loading, NULL);

  g_assert_true (cs_window_get_store (window) == before);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_test_message ("error: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Failing server"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Unknown search parameter: flavour"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_missing_secret (void)
{
  CsStore *before = cs_window_get_store (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = cs_gui_load_server_profiles (&error);
  g_autofree char *url = g_strconcat (server->base, "fhir", NULL);
  CsServerProfile *profile = cs_server_profile_new ("No token", url);
  AdwMessageDialog *dialog;

  cs_server_profile_set_auth_kind (profile, CS_FHIR_AUTH_BEARER);
  g_ptr_array_add (profiles, profile);
  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));

  load_with ("No token", CS_FHIR_COHORT_ALL, NULL);
  wait_until (not_loading, NULL);
  g_assert_true (cs_window_get_store (window) == before);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_test_message ("error: %s", adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Connect to No token");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "No token saved"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
upload_idle (gpointer data)
{
  return !cs_upload_dialog_get_busy (data);
}

static void
test_upload (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "upload.ndjson", NULL);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  GtkLabel *status;
  GtkProgressBar *progress;
  AdwComboRow *server_row;

  g_assert_true (g_file_set_contents (path,
                                      "{\"resourceType\":\"Patient\",\"id\":\"u1\",\"gender\":\"female\"}\n"
                                      "{\"resourceType\":\"Patient\",\"id\":\"u2\",\"gender\":\"male\"}\n",
                                      -1, &error));
  dialog = cs_upload_dialog_new (GTK_WINDOW (window));
  gtk_window_present (dialog);
  server_row = ADW_COMBO_ROW (get_named (dialog, "server"));
  adw_combo_row_set_selected (server_row, 0);
  status = GTK_LABEL (get_named (dialog, "status"));

  g_assert_false (gtk_widget_get_sensitive (get_named (dialog, "dry-run")));
  cs_upload_dialog_set_path (dialog, path);
  g_assert_true (gtk_widget_get_sensitive (get_named (dialog, "dry-run")));
  /* Upload only after a dry run */
  g_assert_false (gtk_widget_get_sensitive (get_named (dialog, "upload")));

  g_signal_emit_by_name (get_named (dialog, "dry-run"), "clicked");
  g_assert_true (cs_upload_dialog_get_busy (dialog));
  wait_until (upload_idle, dialog);
  g_test_message ("dry run: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "2 to create, 0 to update, 0 unchanged"));
  g_assert_cmpuint (server->n_posts, ==, 0);
  g_assert_true (gtk_widget_get_sensitive (get_named (dialog, "upload")));

  g_signal_emit_by_name (get_named (dialog, "upload"), "clicked");
  wait_until (upload_idle, dialog);
  g_test_message ("upload: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "2 created, 0 updated, 0 unchanged, 0 failed"));
  /* the bar was determinate and reached the end */
  progress = GTK_PROGRESS_BAR (get_named (dialog, "progress"));
  g_test_message ("progress: %s", gtk_progress_bar_get_text (progress));
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "2 of 2 resources uploaded");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);
  maybe_screenshot (dialog, "server-upload");
  g_assert_cmpuint (server->n_posts, ==, 1);

  gtk_window_destroy (dialog);
}

static gboolean
post_paused (gpointer data)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->n_paused_posts;
  g_mutex_unlock (&server->mutex);
  return n > 0;
}

static void
test_upload_cancel (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "upload-120.ndjson", NULL);
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkProgressBar *progress;
  GtkWindow *dialog;
  GtkLabel *status;

  for (guint i = 0; i < 120; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Patient\",\"id\":\"c%u\"}\n", i);
  g_assert_true (g_file_set_contents (path, ndjson->str, -1, &error));
  dialog = cs_upload_dialog_new (GTK_WINDOW (window));
  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_named (dialog, "server")), 0);
  status = GTK_LABEL (get_named (dialog, "status"));
  progress = GTK_PROGRESS_BAR (get_named (dialog, "progress"));
  cs_upload_dialog_set_path (dialog, path);
  g_signal_emit_by_name (get_named (dialog, "dry-run"), "clicked");
  wait_until (upload_idle, dialog);
  g_assert_nonnull (strstr (gtk_label_get_text (status), "120 to create"));
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "120 of 120 resources compared");

  /* the first batch of 50 arrives, the second is held: Cancel stops it and
   * says how far the upload got */
  server->n_posts = 0;
  server->pause_posts = TRUE;
  g_signal_emit_by_name (get_named (dialog, "upload"), "clicked");
  wait_until (post_paused, NULL);
  g_assert_true (cs_upload_dialog_get_busy (dialog));
  g_signal_emit_by_name (get_named (dialog, "cancel"), "clicked");
  wait_until (upload_idle, dialog);
  g_test_message ("cancelled upload: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "Cancelled after 50 of 120 resources."));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "50 created, 0 updated, 0 unchanged"));
  g_assert_cmpuint (server->n_posts, ==, 1);

  g_mutex_lock (&server->mutex);
  server->pause_posts = FALSE;
  g_mutex_unlock (&server->mutex);
  gtk_window_destroy (dialog);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int ret;

  tmp_dir = g_dir_make_tmp ("cohortscope-servers-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  /* Before anything calls g_get_user_*_dir(), which cache the values */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      remove_tree (tmp_dir);
      return 0;
    }
  adw_init ();

  backend = cs_secret_backend_new_memory ();
  cs_gui_set_secret_backend (backend);
  server_start ();

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/gui/servers/profile", test_profile);
  g_test_add_func ("/gui/servers/load-all", test_load_all);
  g_test_add_func ("/gui/servers/load-search", test_load_search);
  g_test_add_func ("/gui/servers/load-group", test_load_group);
  g_test_add_func ("/gui/servers/cached", test_cached);
  g_test_add_func ("/gui/servers/cancel", test_cancel);
  g_test_add_func ("/gui/servers/error", test_error);
  g_test_add_func ("/gui/servers/missing-secret", test_missing_secret);
  g_test_add_func ("/gui/servers/upload", test_upload);
  g_test_add_func ("/gui/servers/upload-cancel", test_upload_cancel);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  server_stop ();
  cs_gui_set_secret_backend (NULL);
  cs_secret_backend_free (backend);
  remove_tree (tmp_dir);
  g_free (tmp_dir);

  return ret;
}
