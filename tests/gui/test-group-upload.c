/* test-group-upload.c: "Upload as FHIR Group…" in the real window (Xvfb)
 *
 * An in-process FHIR server (its own thread) keeps what it is sent: five
 * Patients at the start, transactions store their PUTs, searches by type
 * and _id and reads by Type/id answer from the store. Through the widgets:
 * the action is disabled without data and enabled with it; the cohort
 * loaded from the server is uploaded to it as a Group (the dialog picks
 * that server, shows no warning, the dry run says "creates", the Group on
 * the server has exactly the filtered members); again: unchanged, nothing
 * sent, still one Group; a saved cohort's Group id; a cohort opened from a
 * file warns, the dry run counts the members the server lacks, Upload asks
 * first and Cancel sends nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-cohort-builder.h"
#include "cs-cohort-view.h"
#include "cs-group-upload-dialog-private.h"
#include "cs-json.h"
#include "cs-server-load.h"
#include "cs-saved-servers.h"
#include "cs-window.h"
#include "gui-test-util.h"

/* ------------------------------------------------------------------------ */
/* A small FHIR server that keeps resources */

static TestServer *server;
static GHashTable *resources;   /* "Type/id" -> compact JSON; under server->mutex */
static guint n_transactions;    /* transactions received; under server->mutex */

static void
store_put (const char *key,
           const char *json)
{
  g_mutex_lock (&server->mutex);
  g_hash_table_replace (resources, g_strdup (key), g_strdup (json));
  g_mutex_unlock (&server->mutex);
}

static char *
store_get (const char *key)
{
  char *json;

  g_mutex_lock (&server->mutex);
  json = g_strdup (g_hash_table_lookup (resources, key));
  g_mutex_unlock (&server->mutex);

  return json;
}

static guint
store_count (const char *type)
{
  g_autofree char *prefix = g_strconcat (type, "/", NULL);
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  g_mutex_lock (&server->mutex);
  g_hash_table_iter_init (&iter, resources);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      n++;
  g_mutex_unlock (&server->mutex);

  return n;
}

static void
transaction (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(CsJsonDocument) doc = cs_json_document_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  g_autoptr(GString) r = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":[");

  g_assert_nonnull (doc);
  /* push reads each batch back first: a batch Bundle of GET Type/id */
  if (g_strcmp0 (cs_json_get_string (cs_json_get (cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")),
                                                  "request"), "method"), "GET") == 0)
    {
      g_string_assign (r, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
      for (const CsJsonNode *e = cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")); e != NULL; e = e->next)
        {
          g_autofree char *json = store_get (cs_json_get_string (cs_json_get (e, "request"), "url"));

          if (r->str[r->len - 1] != '[')
            g_string_append_c (r, ',');
          if (json != NULL)
            g_string_append_printf (r, "{\"resource\":%s,\"response\":{\"status\":\"200 OK\"}}", json);
          else
            g_string_append (r, "{\"response\":{\"status\":\"404 Not Found\"}}");
        }
      g_string_append (r, "]}");
      test_respond (msg, 200, NULL, r->str);
      return;
    }
  for (const CsJsonNode *e = cs_json_first (cs_json_get (cs_json_document_get_root (doc), "entry")); e != NULL; e = e->next)
    {
      const char *url = cs_json_get_string (cs_json_get (e, "request"), "url");
      g_autofree char *json = cs_json_to_string (cs_json_get (e, "resource"), FALSE);
      g_autofree char *old = store_get (url);

      g_assert_nonnull (url);
      store_put (url, json);
      g_string_append_printf (r, "%s{\"response\":{\"status\":\"%s\"}}", r->str[r->len - 1] == '[' ? "" : ",",
                              old != NULL ? "200 OK" : "201 Created");
    }
  g_string_append (r, "]}");
  g_mutex_lock (&server->mutex);
  n_transactions++;
  g_mutex_unlock (&server->mutex);
  test_respond (msg, 200, NULL, r->str);
}

static void
search (SoupServerMessage *msg,
        const char        *type,
        GHashTable        *query)
{
  const char *ids = query != NULL ? g_hash_table_lookup (query, "_id") : NULL;
  g_auto(GStrv) list = ids != NULL ? g_strsplit (ids, ",", -1) : NULL;
  g_autofree char *prefix = g_strconcat (type, "/", NULL);
  g_autoptr(GString) s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&server->mutex);
  g_hash_table_iter_init (&iter, resources);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *id = (const char *) key + strlen (prefix);

      if (!g_str_has_prefix (key, prefix) || (list != NULL && !g_strv_contains ((const char * const *) list, id)))
        continue;
      g_string_append_printf (s, "%s{\"resource\":%s,\"search\":{\"mode\":\"match\"}}",
                              s->str[s->len - 1] == '[' ? "" : ",", (const char *) value);
    }
  g_mutex_unlock (&server->mutex);
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
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;

  if (!g_str_has_prefix (path, "/fhir/"))
    {
      test_respond (msg, 404, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
      return;
    }
  if (g_str_equal (method, "POST") && g_str_equal (path, "/fhir/"))
    {
      transaction (msg);
      return;
    }
  if (g_str_equal (path, "/fhir/metadata"))
    {
      test_respond (msg, 200, NULL,
               "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"kind\":\"instance\",\"fhirVersion\":\"4.0.1\","
               "\"format\":[\"json\"],\"rest\":[{\"mode\":\"server\",\"resource\":["
               "{\"type\":\"Patient\",\"searchParam\":[{\"name\":\"_id\",\"type\":\"token\"}]},"
               "{\"type\":\"Observation\",\"searchParam\":[{\"name\":\"patient\",\"type\":\"reference\"}]},"
               "{\"type\":\"Group\"}]}]}");
      return;
    }

  parts = g_strsplit (path + strlen ("/fhir/"), "/", -1);
  if (parts[0] != NULL && parts[1] == NULL)
    search (msg, parts[0], query);
  else if (parts[0] != NULL && parts[1] != NULL && parts[2] == NULL)
    {
      g_autofree char *key = g_strconcat (parts[0], "/", parts[1], NULL);
      g_autofree char *json = store_get (key);

      if (json != NULL)
        test_respond (msg, 200, NULL, json);
      else
        test_respond (msg, 404, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
    }
  else
    test_respond (msg, 400, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\"}]}");
}

static void
server_start (void)
{
  static const char *genders[] = { "female", "male", "female", "male", "female" };

  resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (genders); i++)
    {
      g_autofree char *key = g_strdup_printf ("Patient/p%u", i + 1);
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"p%u\",\"gender\":\"%s\","
                                               "\"birthDate\":\"19%u0-01-01\"}", i + 1, genders[i], 4 + i);

      g_hash_table_insert (resources, g_steal_pointer (&key), g_steal_pointer (&json));
    }
  server = test_server_start (handler, NULL, NULL);
}

static void
server_stop (void)
{
  g_clear_pointer (&server, test_server_stop);
  g_clear_pointer (&resources, g_hash_table_unref);
}

static guint
n_posts (void)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = n_transactions;
  g_mutex_unlock (&server->mutex);
  return n;
}

/* ------------------------------------------------------------------------ */
/* Helpers */

static CsWindow *window;
static CsCohortBuilder *builder;
static char *tmp_dir;

static gboolean
not_busy (gpointer data)
{
  return !cs_upload_dialog_get_busy (data);
}

static const char *
label_text (GtkWindow  *dialog,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (test_get_named (dialog, name)));
}

static void
save_profiles (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *url = g_strconcat (server->base, "fhir", NULL);

  /* The cohort's server second, so the dialog has to pick it */
  g_ptr_array_add (profiles, cs_server_profile_new ("Other server", "http://127.0.0.1:9/fhir/"));
  g_ptr_array_add (profiles, cs_server_profile_new ("Test server", url));
  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));
  g_assert_no_error (error);
}

/* The Upload as FHIR Group dialog that the action opened */
static GtkWindow *
open_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.upload-group", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (CS_IS_GROUP_UPLOAD_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return g_object_ref (GTK_WINDOW (item));
    }
  g_error ("the action opened no dialog");
  return NULL;
}

static void
click (GtkWindow  *dialog,
       const char *name)
{
  GtkWidget *button = test_get_named (dialog, name);

  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
destroyed (gpointer data)
{
  return !gtk_widget_get_visible (data) && !cs_upload_dialog_get_busy (data);
}

static char **
group_members (const char *id,
               guint      *quantity)
{
  g_autofree char *key = g_strconcat ("Group/", id, NULL);
  g_autofree char *json = store_get (key);
  g_autoptr(CsJsonDocument) doc = NULL;
  const CsJsonNode *root;
  GPtrArray *refs = g_ptr_array_new ();
  double number = -1;

  g_assert_nonnull (json);
  doc = cs_json_document_parse (json, -1, NULL);
  root = cs_json_document_get_root (doc);
  g_assert_true (cs_json_get_number (root, "quantity", &number));
  *quantity = (guint) number;
  for (const CsJsonNode *m = cs_json_first (cs_json_get (root, "member")); m != NULL; m = m->next)
    g_ptr_array_add (refs, g_strdup (cs_json_get_string (cs_json_get (m, "entity"), "reference")));
  g_ptr_array_add (refs, NULL);

  return (char **) g_ptr_array_free (refs, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Tests */

static void
test_disabled_without_data (void)
{
  GtkWidget *button = test_find_widget (GTK_WIDGET (builder), NULL, "filter.upload-group");

  g_assert_null (cs_window_get_store (window));
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));
}

static void
test_from_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = cs_gui_load_server_profiles (&error);
  g_autofree char *url = g_strconcat (server->base, "fhir", NULL);
  g_autofree char *id = cs_saved_cohort_make_group_id ("Women");
  g_autofree char *id_subtitle = g_strconcat ("Group/", id, NULL);
  g_auto(GStrv) members = NULL;
  GtkWindow *dialog;
  CsFhirCohortSpec spec = { CS_FHIR_COHORT_ALL };
  guint quantity = 0;
  guint posts;

  g_assert_no_error (error);
  cs_server_load_into_window (window, g_ptr_array_index (profiles, 1), &spec);
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (cs_cohort_builder_get_count_text (builder), ==, "5 of 5 patients");
  g_assert_cmpstr (cs_window_get_source_url (window), ==, url);
  g_assert_true (gtk_widget_get_sensitive (test_find_widget (GTK_WIDGET (builder), NULL, "filter.upload-group")));

  g_assert_true (cs_filter_state_set_text (cs_cohort_builder_get_filter_state (builder), "gender = \"female\"",
                                           NULL, &error));
  g_assert_no_error (error);
  cs_cohort_builder_flush (builder);
  g_assert_cmpstr (cs_cohort_builder_get_count_text (builder), ==, "3 of 5 patients");

  dialog = open_dialog ();
  /* The server the cohort came from, no warning, a name needed first */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (test_get_named (dialog, "server"))), ==, 1);
  g_assert_false (gtk_widget_get_visible (test_get_named (dialog, "warning")));
  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "dry-run")));
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (dialog, "name")), "Women");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (test_get_named (dialog, "group-id"))), ==, id_subtitle);
  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "upload")));

  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  g_test_message ("dry run: %s", label_text (dialog, "status"));
  g_assert_nonnull (strstr (label_text (dialog, "status"), "is not on Test server yet: uploading creates it with 3 members"));
  test_maybe_screenshot (dialog, "group-upload");
  g_assert_cmpuint (n_posts (), ==, 0);
  g_assert_cmpuint (store_count ("Group"), ==, 0);

  click (dialog, "upload");
  test_wait_until (destroyed, dialog);
  g_assert_nonnull (_cs_group_upload_dialog_get_group_url (CS_GROUP_UPLOAD_DIALOG (dialog)));
  g_assert_true (g_str_has_suffix (_cs_group_upload_dialog_get_group_url (CS_GROUP_UPLOAD_DIALOG (dialog)), id_subtitle));
  g_assert_true (g_str_has_prefix (_cs_group_upload_dialog_get_group_url (CS_GROUP_UPLOAD_DIALOG (dialog)), url));
  g_object_unref (dialog);

  /* The Group on the server: exactly the filtered members */
  g_assert_cmpuint (store_count ("Group"), ==, 1);
  members = group_members (id, &quantity);
  g_assert_cmpuint (g_strv_length (members), ==, 3);
  g_assert_cmpuint (quantity, ==, 3);
  for (guint i = 0; members[i] != NULL; i++)
    {
      g_autofree char *patient = store_get (members[i]);

      g_assert_nonnull (patient);
      g_assert_nonnull (strstr (patient, "\"female\""));
    }

  /* Again: unchanged, nothing sent, still one Group */
  posts = n_posts ();
  dialog = open_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (dialog, "name")), "Women");
  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  g_assert_nonnull (strstr (label_text (dialog, "status"), "is up to date (3 members): uploading sends nothing"));
  click (dialog, "upload");
  test_wait_until (destroyed, dialog);
  g_object_unref (dialog);
  g_assert_cmpuint (n_posts (), ==, posts);
  g_assert_cmpuint (store_count ("Group"), ==, 1);
}

static void
test_saved (void)
{
  const CsSavedCohort *saved = cs_cohort_builder_save_current (builder, "Saved women", NULL);
  g_autofree char *id = cs_saved_cohort_dup_group_id (saved);
  g_autofree char *subtitle = g_strconcat ("Group/", id, NULL);
  GtkWindow *dialog = cs_group_upload_dialog_new (window, builder, 0);

  gtk_window_present (dialog);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (test_get_named (dialog, "cohort"))), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_get_named (dialog, "name"))), ==, "Saved women");
  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "name")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (test_get_named (dialog, "group-id"))), ==, subtitle);
  g_assert_true (gtk_widget_get_sensitive (test_get_named (dialog, "dry-run")));

  /* Back to the current cohort: its name is editable again */
  adw_combo_row_set_selected (ADW_COMBO_ROW (test_get_named (dialog, "cohort")), 0);
  g_assert_true (gtk_widget_get_sensitive (test_get_named (dialog, "name")));
  gtk_window_destroy (dialog);
}

static void
test_from_file (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "elsewhere.ndjson", NULL);
  g_autofree char *id = cs_saved_cohort_make_group_id ("Mixed");
  g_autofree char *key = g_strconcat ("Group/", id, NULL);
  g_autofree char *group = NULL;
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) members = NULL;
  AdwMessageDialog *confirmation;
  GtkWindow *dialog;
  guint posts, quantity = 0;

  /* p1 is on the server, x9 is not */
  g_assert_true (g_file_set_contents (path,
                                      "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}\n"
                                      "{\"resourceType\":\"Patient\",\"id\":\"x9\",\"gender\":\"female\"}\n",
                                      -1, &error));
  cs_window_open_paths (window, paths, "elsewhere.ndjson");
  test_wait_until (test_window_loaded, window);
  g_assert_cmpstr (cs_cohort_builder_get_count_text (builder), ==, "2 of 2 patients");
  g_assert_null (cs_window_get_source_url (window));

  dialog = open_dialog ();
  g_assert_true (gtk_widget_get_visible (test_get_named (dialog, "warning")));
  g_test_message ("warning: %s", label_text (dialog, "warning"));
  g_assert_nonnull (strstr (label_text (dialog, "warning"), "loaded from elsewhere.ndjson, not from Other server"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (test_get_named (dialog, "server")), 1);
  g_assert_nonnull (strstr (label_text (dialog, "warning"), "loaded from elsewhere.ndjson, not from Test server"));
  gtk_editable_set_text (GTK_EDITABLE (test_get_named (dialog, "name")), "Mixed");

  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  g_test_message ("warning after the dry run: %s", label_text (dialog, "warning"));
  g_assert_nonnull (strstr (label_text (dialog, "warning"), "1 of 2 members are not Patients on"));
  test_maybe_screenshot (dialog, "group-upload-warning");

  /* Upload asks first; Cancel sends nothing */
  posts = n_posts ();
  click (dialog, "upload");
  confirmation = _cs_group_upload_dialog_get_confirmation (CS_GROUP_UPLOAD_DIALOG (dialog));
  g_assert_nonnull (confirmation);
  g_test_message ("confirmation: %s", adw_message_dialog_get_body (confirmation));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirmation), "1 of 2 members are not Patients there"));
  adw_message_dialog_response (confirmation, "cancel");
  g_assert_null (_cs_group_upload_dialog_get_confirmation (CS_GROUP_UPLOAD_DIALOG (dialog)));
  g_assert_false (cs_upload_dialog_get_busy (CS_UPLOAD_DIALOG (dialog)));
  g_assert_cmpuint (n_posts (), ==, posts);
  g_assert_null ((group = store_get (key)));

  /* Upload Anyway: the user's choice */
  click (dialog, "upload");
  confirmation = _cs_group_upload_dialog_get_confirmation (CS_GROUP_UPLOAD_DIALOG (dialog));
  g_assert_nonnull (confirmation);
  adw_message_dialog_response (confirmation, "upload");
  test_wait_until (destroyed, dialog);
  g_object_unref (dialog);
  members = group_members (id, &quantity);
  g_assert_cmpuint (quantity, ==, 2);
  g_assert_cmpstr (members[0], ==, "Patient/p1");
  g_assert_cmpstr (members[1], ==, "Patient/x9");
  g_assert_cmpuint (store_count ("Group"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!(tmp_dir = test_gui_init (&argc, &argv, "cohortscope-group-XXXXXX")))
    return 0;
  server_start ();
  save_profiles ();

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  builder = CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (cs_window_get_cohort_view (window)),
                                                       CS_TYPE_COHORT_BUILDER));

  g_test_add_func ("/gui/group-upload/disabled-without-data", test_disabled_without_data);
  g_test_add_func ("/gui/group-upload/from-server", test_from_server);
  g_test_add_func ("/gui/group-upload/saved", test_saved);
  g_test_add_func ("/gui/group-upload/from-file", test_from_file);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  server_stop ();
  g_clear_pointer (&tmp_dir, test_gui_cleanup);

  return ret;
}
