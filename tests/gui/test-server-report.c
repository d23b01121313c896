/* test-server-report.c: the window says what a server load fetched (Xvfb)
 *
 * An in-process SoupServer plays two servers: /bare/ has a
 * CapabilityStatement that lists no resource (Patients and Observations,
 * no Conditions, 404 for every other type), /stall/ has next links that
 * never repeat on pages that do. A load from /bare/ gets everything and its
 * toast has Details (win.show-load-report) that say every type was tried
 * and which the server refused; a load from /stall/ is cut short, and the
 * window says so at once in a dialog naming the search.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-fhir-client.h"
#include "cs-server-load.h"
#include "cs-server-profile.h"
#include "cs-window.h"
#include "gui-test-util.h"

static TestServer *server;
static CsWindow *window;
static char *tmp_dir;

static void
append_patients (GString *s)
{
  g_string_append (s, "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\",\"birthDate\":\"1950-01-01\"}},"
                      "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p2\",\"gender\":\"male\",\"birthDate\":\"1960-01-01\"}}");
}

static void
handler (SoupServer        *soup_server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  g_autoptr(GString) s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
  g_autofree char *next = NULL;

  if (g_str_equal (path, "/bare/metadata"))
    {
      test_respond (msg, 200, NULL, "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"kind\":\"instance\","
                                    "\"fhirVersion\":\"4.0.1\",\"format\":[\"json\"],\"rest\":[{\"mode\":\"server\"}]}");
      return;
    }
  if (g_str_equal (path, "/stall/metadata"))
    {
      test_respond (msg, 200, NULL, "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\","
                                    "\"resource\":[{\"type\":\"Patient\"}]}]}");
      return;
    }
  if (g_str_equal (path, "/bare/Patient"))
    append_patients (s);
  else if (g_str_equal (path, "/bare/Observation"))
    g_string_append (s, "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
                        "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
                        "\"subject\":{\"reference\":\"Patient/p1\"},\"valueQuantity\":{\"value\":170,\"unit\":\"cm\"}}},"
                        "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o2\",\"status\":\"final\","
                        "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
                        "\"subject\":{\"reference\":\"Patient/p2\"},\"valueQuantity\":{\"value\":180,\"unit\":\"cm\"}}}");
  else if (g_str_equal (path, "/bare/Condition"))
    ;
  else if (g_str_equal (path, "/stall/Patient"))
    {
      const char *k = query != NULL ? g_hash_table_lookup (query, "k") : NULL;
      guint page = k != NULL ? (guint) g_ascii_strtoull (k, NULL, 10) : 0;

      append_patients (s);
      if (page < 200)
        next = g_strdup_printf ("%sstall/Patient?k=%u", server->base, page + 1);
    }
  else
    {
      test_respond (msg, 404, NULL, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                    "\"code\":\"not-found\",\"diagnostics\":\"Unknown resource type\"}]}");
      return;
    }
  g_string_append_c (s, ']');
  if (next != NULL)
    g_string_append_printf (s, ",\"link\":[{\"relation\":\"next\",\"url\":\"%s\"}]", next);
  g_string_append_c (s, '}');
  test_respond (msg, 200, NULL, s->str);
}

static void
load_from (const char *name,
           const char *path)
{
  g_autofree char *url = g_strconcat (server->base, path, NULL);
  g_autoptr(CsServerProfile) profile = cs_server_profile_new (name, url);
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL };

  cs_server_load_into_window (window, profile, &spec);
  test_wait_until (test_window_loaded, window);
}

static void
test_bare_metadata (void)
{
  GtkWidget *details;
  AdwMessageDialog *dialog;
  const char *body;

  load_from ("Bare server", "bare");
  g_assert_nonnull (cs_window_get_store (window));
  g_assert_cmpuint (cs_store_get_n_resources (cs_window_get_store (window)), ==, 4);
  /* complete: no dialog of its own, Details on the toast */
  g_assert_null (test_find_message_dialog ());
  details = test_find_widget (GTK_WIDGET (window), NULL, "win.show-load-report");
  g_assert_nonnull (details);
  g_signal_emit_by_name (details, "clicked");
  dialog = test_find_message_dialog ();
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), body);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Loaded from Bare server");
  g_assert_nonnull (strstr (body, "declares no type of the Patient compartment"));
  g_assert_nonnull (strstr (body, "Loaded: Patient 2, Observation 2."));
  g_assert_nonnull (strstr (body, "Searched, none on the server: Condition."));
  g_assert_nonnull (strstr (body, "refused the search with HTTP 404 Not Found: AllergyIntolerance, "));
  test_maybe_screenshot (GTK_WINDOW (dialog), "server-load-report");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_stalled_paging (void)
{
  AdwMessageDialog *dialog;
  const char *body;

  load_from ("Stalling server", "stall");
  /* what was loaded is shown, and the dialog says it is incomplete */
  g_assert_cmpuint (cs_store_get_n_patients (cs_window_get_store (window)), ==, 2);
  dialog = test_find_message_dialog ();
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), body);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Load from Stalling server Is Incomplete");
  g_assert_nonnull (strstr (body, "stall/Patient?_count=1000 stopped after 4 pages"));
  g_assert_nonnull (strstr (body, "The offline copy was not updated"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!(tmp_dir = test_gui_init (&argc, &argv, "cohortscope-server-report-XXXXXX")))
    return 0;
  server = test_server_start (handler, NULL, NULL);

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/gui/server-report/bare-metadata", test_bare_metadata);
  g_test_add_func ("/gui/server-report/stalled-paging", test_stalled_paging);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  g_clear_pointer (&server, test_server_stop);
  g_clear_pointer (&tmp_dir, test_gui_cleanup);

  return ret;
}
