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
#include <libsoup/soup.h>
#include <string.h>

#include "cs-cohort-view.h"
#include "cs-fhir-cache.h"
#include "cs-json.h"
#include "cs-file-upload-dialog.h"
#include "cs-gui-util.h"
#include "cs-open-cached-dialog.h"
#include "cs-open-server-dialog.h"
#include "cs-server-preferences-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

#define TOKEN "s3cr3t-T0KEN-for-tests"

/* ------------------------------------------------------------------------ */
/* The server */

/* What the server saw; under server->mutex */
static TestServer *server;
static guint n_slow;
static guint n_posts;
static gboolean pause_posts;    /* hold every POST after the first (Cancel of an upload) */
static guint n_paused_posts;

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
      test_respond (msg, 401, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\","
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
      /* push reads each batch back first (a batch Bundle of GETs): nothing is kept here */
      if (g_strcmp0 (cs_json_get_string (cs_json_get (cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")),
                                                      "request"), "method"), "GET") == 0)
        {
          g_string_assign (r, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
          for (const CsJsonNode *e = cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")); e != NULL; e = e->next)
            g_string_append_printf (r, "%s{\"response\":{\"status\":\"404 Not Found\"}}", r->str[r->len - 1] == '[' ? "" : ",");
          g_string_append (r, "]}");
          test_respond (msg, 200, NULL, r->str);
          return;
        }
      g_mutex_lock (&server->mutex);
      if (pause_posts && n_posts >= 1)
        {
          n_paused_posts++;
          g_mutex_unlock (&server->mutex);
          test_server_hold (server, msg);
          return;
        }
      g_mutex_unlock (&server->mutex);
      for (const CsJsonNode *e = cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")); e != NULL; e = e->next)
        g_string_append_printf (r, "%s{\"response\":{\"status\":\"201 Created\"}}", r->str[r->len - 1] == '[' ? "" : ",");
      g_string_append (r, "]}");
      n_posts++;
      test_respond (msg, 200, NULL, r->str);
      return;
    }

  if (g_str_equal (path, "/fhir/metadata"))
    {
      test_respond (msg, 200, NULL,
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
      test_respond (msg, 200, NULL, "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\",\"actual\":true,"
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
  test_respond (msg, 200, NULL, s->str);
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
      n_slow++;
      g_mutex_unlock (&server->mutex);
      test_server_hold (server, msg);
    }
  else if (g_str_equal (path, "/fail/Patient"))
    test_respond (msg, 400, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                       "\"diagnostics\":\"Unknown search parameter: flavour\"}]}");
  else if (g_str_has_suffix (path, "/metadata"))
    test_respond (msg, 200, NULL, "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"4.0.1\","
                       "\"rest\":[{\"mode\":\"server\",\"resource\":[{\"type\":\"Patient\"}]}]}");
  else
    test_respond (msg, 404, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
}

/* ------------------------------------------------------------------------ */
/* Helpers */

static CsWindow *window;
static char *tmp_dir;

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

/* The Open from Server dialog with server, kind and Group id or search filled in */
static GtkWindow *
open_dialog_with (const char *server_name,
                  guint       kind,
                  const char *text)
{
  GtkWindow *dialog = cs_open_server_dialog_new (window);
  AdwComboRow *server_row = ADW_COMBO_ROW (test_get_named (dialog, "server"));
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
  adw_combo_row_set_selected (ADW_COMBO_ROW (test_get_named (dialog, "cohort-kind")), kind);
  if (kind == 1)
    gtk_editable_set_text (GTK_EDITABLE (test_get_named (dialog, "group-id")), text);
  else if (kind == 2)
    gtk_editable_set_text (GTK_EDITABLE (test_get_named (dialog, "patient-search")), text);

  g_assert_true (gtk_widget_get_sensitive (test_get_named (dialog, "load")));
  return dialog;
}

static void
load_with (const char *server_name,
           guint       kind,
           const char *text)
{
  GtkWindow *dialog = open_dialog_with (server_name, kind, text);

  if (kind == 2)
    test_maybe_screenshot (dialog, "server-open");
  g_signal_emit_by_name (test_get_named (dialog, "load"), "clicked");
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
  return !_cs_server_preferences_get_testing (data);
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

  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-name")), "Test server");
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-url")), url);
  adw_combo_row_set_selected (ADW_COMBO_ROW (test_get_named (prefs, "server-auth")), CS_FHIR_AUTH_BEARER);
  g_assert_true (gtk_widget_get_visible (test_get_named (prefs, "server-secret")));

  /* A wrong token: the server's OperationOutcome text is shown */
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-secret")), "wrong");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  g_assert_true (_cs_server_preferences_get_testing (prefs));
  test_wait_until (not_testing, prefs);
  g_assert_nonnull (strstr (_cs_server_preferences_get_test_result (prefs), "Invalid bearer token"));

  /* The right one: software, FHIR version and search features */
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-secret")), TOKEN);
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  test_wait_until (not_testing, prefs);
  g_test_message ("test connection: %s", _cs_server_preferences_get_test_result (prefs));
  g_assert_nonnull (strstr (_cs_server_preferences_get_test_result (prefs), "4.0.1"));
  g_assert_nonnull (strstr (_cs_server_preferences_get_test_result (prefs), "Test FHIR"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (test_get_named (prefs, "test-result"))), ==,
                   _cs_server_preferences_get_test_result (prefs));

  /* An image viewer that is not http(s) with {study} is refused */
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-viewer")), "https://viewer.example.org/ohif");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  g_assert_cmpuint (_cs_server_preferences_get_profiles (prefs)->len, ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-viewer")), "ftp://viewer.example.org/{study}");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  g_assert_cmpuint (_cs_server_preferences_get_profiles (prefs)->len, ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (prefs, "server-viewer")),
                         "https://viewer.example.org/ohif/viewer?StudyInstanceUIDs={study}");
  test_maybe_screenshot (GTK_WINDOW (prefs), "server-editor");

  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  g_assert_cmpuint (_cs_server_preferences_get_profiles (prefs)->len, ==, 1);
  test_maybe_screenshot (GTK_WINDOW (prefs), "server-preferences");
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
  g_assert_cmpstr (cs_server_profile_get_viewer_template (g_ptr_array_index (profiles, 0)), ==,
                   "https://viewer.example.org/ohif/viewer?StudyInstanceUIDs={study}");
  secret = cs_server_profile_lookup_secret (g_ptr_array_index (profiles, 0), cs_gui_get_secret_backend (), &error);
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
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_get_named (prefs, "server-secret"))), ==, "");
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.test", NULL);
  test_wait_until (not_testing, prefs);
  g_assert_nonnull (strstr (_cs_server_preferences_get_test_result (prefs), "4.0.1"));
  gtk_widget_activate_action (GTK_WIDGET (prefs), "servers.save", NULL);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_clear_pointer (&secret, g_free);
  g_clear_pointer (&profiles, g_ptr_array_unref);
  profiles = cs_gui_load_server_profiles (&error);
  secret = cs_server_profile_lookup_secret (g_ptr_array_index (profiles, 0), cs_gui_get_secret_backend (), &error);
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
  test_wait_until (test_window_loaded, window);

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
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "birthdate=lt1960"));
  test_maybe_screenshot (GTK_WINDOW (window), "server-loaded");
}

static void
test_load_group (void)
{
  GtkWindow *dialog;
  GtkWidget *group;

  /* not a FHIR id (as --server-group would say): marked with the rule, nothing loads */
  dialog = open_dialog_with ("Test server", CS_FHIR_COHORT_GROUP, "Group/my group");
  group = test_get_named (dialog, "group-id");
  g_signal_emit_by_name (test_get_named (dialog, "load"), "clicked");
  g_assert_true (gtk_widget_has_css_class (group, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (group), "64"));
  /* and said under the rows, not only in the tooltip */
  g_assert_true (gtk_widget_get_visible (test_get_named (dialog, "load-error")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_get_named (dialog, "load-error"))), "64"));
  test_maybe_screenshot (dialog, "server-open-bad-group");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_false (cs_window_get_loading (window));
  gtk_editable_set_text (GTK_EDITABLE (group), "g1");
  g_assert_false (gtk_widget_has_css_class (group, "error"));
  g_assert_null (gtk_widget_get_tooltip_text (group));
  g_assert_false (gtk_widget_get_visible (test_get_named (dialog, "load-error")));
  gtk_window_destroy (dialog);

  /* a search without any name=value */
  dialog = open_dialog_with ("Test server", CS_FHIR_COHORT_SEARCH, "lt1960");
  g_signal_emit_by_name (test_get_named (dialog, "load"), "clicked");
  g_assert_true (gtk_widget_has_css_class (test_get_named (dialog, "patient-search"), "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_get_named (dialog, "load-error"))), "name=value"));
  g_assert_false (cs_window_get_loading (window));
  gtk_window_destroy (dialog);

  load_with ("Test server", CS_FHIR_COHORT_GROUP, "Group/g1");
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 4);
}

static void
test_load_types (void)
{
  GtkWindow *dialog = NULL;
  GtkWidget *types;

  load_with ("Test server", CS_FHIR_COHORT_ALL, NULL);
  test_wait_until (test_window_loaded, window);
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 6);

  /* a word that is no type: marked and named, the dialog stays, nothing loads */
  dialog = open_dialog_with ("Test server", CS_FHIR_COHORT_ALL, NULL);
  types = test_get_named (dialog, "resource-types");
  gtk_editable_set_text (GTK_EDITABLE (types), "Observation, condition");
  g_signal_emit_by_name (test_get_named (dialog, "load"), "clicked");
  g_assert_true (gtk_widget_has_css_class (types, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (types), "“condition”"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_get_named (dialog, "load-error"))), "“condition”"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_false (cs_window_get_loading (window));

  /* only Conditions with the patients (this server has none): no Observations */
  gtk_editable_set_text (GTK_EDITABLE (types), "Condition");
  g_assert_false (gtk_widget_has_css_class (types, "error"));
  g_signal_emit_by_name (test_get_named (dialog, "load"), "clicked");
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (count_text (), ==, "3 of 3 patients");
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 3);
  g_assert_cmpuint (cs_store_count_resources (cs_window_get_store (window), "Observation"), ==, 0);
}

static void
test_cached (void)
{
  GtkWindow *dialog;
  GtkWidget *row;
  CsStore *before = cs_window_get_store (window);

  load_with ("Test server", CS_FHIR_COHORT_ALL, NULL);
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (count_text (), ==, "3 of 3 patients");

  /* Another cohort, then the offline copy of the last load */
  load_with ("Test server", CS_FHIR_COHORT_SEARCH, "birthdate=lt1960");
  test_wait_until (test_window_loaded, window);
  g_assert_true (cs_window_get_store (window) != before);

  dialog = cs_open_cached_dialog_new (window);
  gtk_window_present (dialog);
  row = test_get_named (dialog, "cache-row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Test server");
  test_maybe_screenshot (dialog, "server-cached-list");
  g_signal_emit_by_name (row, "activated");
  test_wait_until (test_window_loaded, window);

  /* The last load was the search */
  g_assert_cmpstr (count_text (), ==, "2 of 2 patients");
  g_test_message ("title: %s", gtk_window_get_title (GTK_WINDOW (window)));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Test server · Cached — "));
  test_maybe_screenshot (GTK_WINDOW (window), "server-cached");
}

static gboolean
slow_request_seen (gpointer data)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = n_slow;
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
  test_wait_until (slow_request_seen, NULL);
  g_assert_true (cs_window_get_loading (window));

  cs_window_cancel_loading (window);
  test_wait_until (test_window_loaded, window);
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
  test_wait_until (test_window_loaded, window);

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
  test_wait_until (test_window_loaded, window);
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
  dialog = cs_file_upload_dialog_new (GTK_WINDOW (window));
  gtk_window_present (dialog);
  server_row = ADW_COMBO_ROW (test_get_named (dialog, "server"));
  adw_combo_row_set_selected (server_row, 0);
  status = GTK_LABEL (test_get_named (dialog, "status"));

  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "dry-run")));
  cs_file_upload_dialog_set_path (CS_FILE_UPLOAD_DIALOG (dialog), path);
  g_assert_true (gtk_widget_get_sensitive (test_get_named (dialog, "dry-run")));
  /* Upload only after a dry run */
  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "upload")));

  g_signal_emit_by_name (test_get_named (dialog, "dry-run"), "clicked");
  g_assert_true (cs_upload_dialog_get_busy (CS_UPLOAD_DIALOG (dialog)));
  test_wait_until (upload_idle, dialog);
  g_test_message ("dry run: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "2 to create, 0 to update, 0 unchanged"));
  g_assert_cmpuint (n_posts, ==, 0);
  g_assert_true (gtk_widget_get_sensitive (test_get_named (dialog, "upload")));

  g_signal_emit_by_name (test_get_named (dialog, "upload"), "clicked");
  test_wait_until (upload_idle, dialog);
  g_test_message ("upload: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "2 created, 0 updated, 0 unchanged, 0 failed"));
  /* the bar was determinate and reached the end */
  progress = GTK_PROGRESS_BAR (test_get_named (dialog, "progress"));
  g_test_message ("progress: %s", gtk_progress_bar_get_text (progress));
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "2 of 2 resources uploaded");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);
  test_maybe_screenshot (dialog, "server-upload");
  g_assert_cmpuint (n_posts, ==, 1);

  gtk_window_destroy (dialog);
}

static gboolean
post_paused (gpointer data)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = n_paused_posts;
  g_mutex_unlock (&server->mutex);
  return n > 0;
}

/* The Upload to Server dialog after a clean dry run of a new file of 120
 * Patients (ids prefix0 … prefix119), with a first batch of 50 that the
 * server stores and every later one held unanswered when uploaded. */
static GtkWindow *
dialog_ready_to_upload (const char *prefix)
{
  g_autofree char *name = g_strdup_printf ("upload-%s.ndjson", prefix);
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  for (guint i = 0; i < 120; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Patient\",\"id\":\"%s%u\"}\n", prefix, i);
  g_assert_true (g_file_set_contents (path, ndjson->str, -1, &error));
  dialog = cs_file_upload_dialog_new (GTK_WINDOW (window));
  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (test_get_named (dialog, "server")), 0);
  cs_file_upload_dialog_set_path (CS_FILE_UPLOAD_DIALOG (dialog), path);
  g_signal_emit_by_name (test_get_named (dialog, "dry-run"), "clicked");
  test_wait_until (upload_idle, dialog);

  g_mutex_lock (&server->mutex);
  n_posts = 0;
  n_paused_posts = 0;
  pause_posts = TRUE;
  g_mutex_unlock (&server->mutex);
  return dialog;
}

static void
test_upload_cancel (void)
{
  GtkWindow *dialog = dialog_ready_to_upload ("c");
  GtkLabel *status = GTK_LABEL (test_get_named (dialog, "status"));
  GtkProgressBar *progress = GTK_PROGRESS_BAR (test_get_named (dialog, "progress"));

  g_assert_nonnull (strstr (gtk_label_get_text (status), "120 to create"));
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "120 of 120 resources compared");

  /* the first batch of 50 arrives, the second is held: Cancel stops it and
   * says how far the upload got */
  g_signal_emit_by_name (test_get_named (dialog, "upload"), "clicked");
  test_wait_until (post_paused, NULL);
  g_assert_true (cs_upload_dialog_get_busy (CS_UPLOAD_DIALOG (dialog)));
  g_signal_emit_by_name (test_get_named (dialog, "cancel"), "clicked");
  test_wait_until (upload_idle, dialog);
  g_test_message ("cancelled upload: %s", gtk_label_get_text (status));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "Cancelled after 50 of 120 resources."));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "50 created, 0 updated, 0 unchanged"));
  g_assert_cmpuint (n_posts, ==, 1);

  g_mutex_lock (&server->mutex);
  pause_posts = FALSE;
  g_mutex_unlock (&server->mutex);
  gtk_window_destroy (dialog);
}

static gboolean
finalized (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the dialog during an upload stops the upload: the dialog goes
 * (its job has ended) although the server never answers the held batch.
 * (The upload used to go on unseen after the dialog had closed.) */
static void
test_upload_close (void)
{
  GtkWindow *dialog = dialog_ready_to_upload ("x");
  gpointer alive;
  gint64 deadline;

  g_signal_emit_by_name (test_get_named (dialog, "upload"), "clicked");
  test_wait_until (post_paused, NULL);
  g_assert_true (cs_upload_dialog_get_busy (CS_UPLOAD_DIALOG (dialog)));

  alive = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  gtk_window_destroy (dialog);
  /* well before the client's own timeout would end the request */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!finalized (&alive) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (finalized (&alive));
  g_assert_cmpuint (n_posts, ==, 1);

  g_mutex_lock (&server->mutex);
  pause_posts = FALSE;
  g_mutex_unlock (&server->mutex);
}

/* Upload to Server offers the files Open offers: NDJSON by MIME type too
 * (its chooser used to leave out application/x-ndjson) */
static void
test_file_filter (void)
{
  g_autoptr(GtkFileFilter) filter = cs_gui_fhir_file_filter_new ();
  const struct { const char *name; const char *type; gboolean match; } files[] = {
    { "bundle.json", "application/json", TRUE },
    { "export", "application/x-ndjson", TRUE },
    { "export", "application/fhir+json", TRUE },
    { "lines.jsonl", "text/plain", TRUE },
    { "table.csv", "text/csv", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GFileInfo) info = g_file_info_new ();

      g_file_info_set_display_name (info, files[i].name);
      g_file_info_set_content_type (info, files[i].type);
      g_assert_cmpint (gtk_filter_match (GTK_FILTER (filter), info), ==, files[i].match);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!(tmp_dir = test_gui_init (&argc, &argv, "cohortscope-servers-XXXXXX")))
    return 0;
  server = test_server_start (handler, NULL, NULL);

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/gui/servers/profile", test_profile);
  g_test_add_func ("/gui/servers/load-all", test_load_all);
  g_test_add_func ("/gui/servers/load-search", test_load_search);
  g_test_add_func ("/gui/servers/load-group", test_load_group);
  g_test_add_func ("/gui/servers/load-types", test_load_types);
  g_test_add_func ("/gui/servers/cached", test_cached);
  g_test_add_func ("/gui/servers/cancel", test_cancel);
  g_test_add_func ("/gui/servers/error", test_error);
  g_test_add_func ("/gui/servers/missing-secret", test_missing_secret);
  g_test_add_func ("/gui/servers/upload", test_upload);
  g_test_add_func ("/gui/servers/upload-cancel", test_upload_cancel);
  g_test_add_func ("/gui/servers/upload-close", test_upload_close);
  g_test_add_func ("/gui/servers/file-filter", test_file_filter);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  g_clear_pointer (&server, test_server_stop);
  g_clear_pointer (&tmp_dir, test_gui_cleanup);

  return ret;
}
