/* test-fhir-profiles.c: server profiles, secrets, offline cache, push ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
#include "cs-fhir-group.h"
#include "cs-fhir-private.h"
#include "cs-fhir-push.h"
#include "cs-server-profile.h"
#include "cs-server-profile-private.h"

static void
test_profiles_round_trip (void)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cs_server_profiles_get_default_path ();
  g_autofree char *contents = NULL;
  CsSecretBackend *secrets = _cs_secret_backend_new_memory ();
  CsServerProfile *hapi = cs_server_profile_new ("Kaapana HAPI", "https://kaapana.example.org/fhir/");
  CsServerProfile *blaze = cs_server_profile_new ("Blaze", "https://tok:leaked-in-url@blaze.example.org/fhir");
  CsServerProfile *open = cs_server_profile_new ("Open \"test\" server", "http://127.0.0.1:8080/");
  g_autoptr(CsFhirClient) client = NULL;
  g_autofree char *secret = NULL;

  cs_server_profile_set_auth_kind (hapi, CS_FHIR_AUTH_BASIC);
  cs_server_profile_set_viewer_template (hapi, "https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs={study}");
  cs_server_profile_set_viewer_template (open, "");
  g_assert_null (cs_server_profile_get_viewer_template (open));
  cs_server_profile_set_username (hapi, "steward");
  g_assert_true (cs_server_profile_store_secret (hapi, secrets, "correct horse battery", &error));
  g_assert_no_error (error);
  cs_server_profile_set_auth_kind (blaze, CS_FHIR_AUTH_BEARER);
  g_assert_true (cs_server_profile_store_secret (blaze, secrets, "eyJhbGciOiJIUzI1NiJ9.secret-token", &error));
  g_ptr_array_add (profiles, hapi);
  g_ptr_array_add (profiles, blaze);
  g_ptr_array_add (profiles, open);

  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));
  g_assert_no_error (error);

  /* No secret in the file */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_null (strstr (contents, "correct horse"));
  g_assert_null (strstr (contents, "secret-token"));
  g_assert_null (strstr (contents, "leaked-in-url"));
  g_assert_nonnull (strstr (contents, "\"auth\": \"basic\""));
  g_assert_nonnull (strstr (contents, "steward"));

  loaded = cs_server_profiles_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);
  g_assert_cmpstr (cs_server_profile_get_name (g_ptr_array_index (loaded, 0)), ==, "Kaapana HAPI");
  g_assert_cmpstr (cs_server_profile_get_username (g_ptr_array_index (loaded, 0)), ==, "steward");
  g_assert_cmpint (cs_server_profile_get_auth_kind (g_ptr_array_index (loaded, 0)), ==, CS_FHIR_AUTH_BASIC);
  g_assert_cmpint (cs_server_profile_get_auth_kind (g_ptr_array_index (loaded, 1)), ==, CS_FHIR_AUTH_BEARER);
  g_assert_cmpstr (cs_server_profile_get_base_url (g_ptr_array_index (loaded, 1)), ==, "https://blaze.example.org/fhir");
  g_assert_cmpstr (cs_server_profile_get_name (g_ptr_array_index (loaded, 2)), ==, "Open \"test\" server");
  g_assert_cmpint (cs_server_profile_get_auth_kind (g_ptr_array_index (loaded, 2)), ==, CS_FHIR_AUTH_NONE);
  g_assert_cmpstr (cs_server_profile_get_viewer_template (g_ptr_array_index (loaded, 0)), ==,
                   "https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs={study}");
  g_assert_null (cs_server_profile_get_viewer_template (g_ptr_array_index (loaded, 1)));

  /* The secret comes back from the backend, and the client gets it */
  secret = cs_server_profile_lookup_secret (g_ptr_array_index (loaded, 0), secrets, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "correct horse battery");
  client = cs_server_profile_create_client (g_ptr_array_index (loaded, 0), secrets, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_fhir_client_get_auth_kind (client), ==, CS_FHIR_AUTH_BASIC);
  g_assert_cmpstr (cs_fhir_client_get_base_url (client), ==, "https://kaapana.example.org/fhir/");
  g_clear_object (&client);

  /* Without a saved secret: a clear error */
  g_assert_true (cs_server_profile_clear_secret (g_ptr_array_index (loaded, 0), secrets, &error));
  client = cs_server_profile_create_client (g_ptr_array_index (loaded, 0), secrets, &error);
  g_assert_null (client);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Kaapana HAPI"));

  cs_secret_backend_free (secrets);
}

static void
test_profiles_missing_and_bad (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "bad-servers.json", NULL);

  none = cs_server_profiles_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"servers\":[{\"name\":\"x\"}]}", -1, &error));
  bad = cs_server_profiles_load (path, &error);
  g_assert_null (bad);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "servers[0]"));
}

/* The image viewer URL template: http(s) with {study}; each {study} gets
 * the UID, percent-encoded where a URL needs it */
static void
test_viewer_template (void)
{
  static const char *const bad[] = {
    "", "https://viewer.example.org/viewer", "ftp://viewer.example.org/{study}", "javascript:alert({study})",
    "file:///tmp/{study}", "viewer.example.org/{study}", "https:///viewer/{study}", "https://exa mple.org/{study}",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *odd = NULL;

  url = cs_viewer_template_expand ("https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs={study}",
                                   "1.3.6.1.4.1.14519.5.2.1.42", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs=1.3.6.1.4.1.14519.5.2.1.42");
  twice = cs_viewer_template_expand ("HTTP://127.0.0.1:3000/{study}/view?uid={study}", "1.2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (twice, ==, "HTTP://127.0.0.1:3000/1.2/view?uid=1.2");
  /* a UID is digits and dots, but nothing else may break the URL */
  odd = cs_viewer_template_expand ("https://v.example.org/?s={study}", "1.2&x=<3>", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (odd, ==, "https://v.example.org/?s=1.2%26x%3D%3C3%3E");
  g_assert_null (cs_viewer_template_expand ("https://v.example.org/?s={study}", "", &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cs_viewer_template_check (bad[i], &error));
      g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL);
      g_clear_error (&error);
      g_assert_null (cs_viewer_template_expand (bad[i], "1.2", &error));
      g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL);
      g_clear_error (&error);
    }
  g_assert_false (cs_viewer_template_check ("https://viewer.example.org/viewer", &error));
  g_assert_nonnull (strstr (error->message, "{study}"));
}

static const char *resources[] = {
  "{\"resourceType\":\"Patient\",\"id\":\"c1\",\"gender\":\"male\",\"birthDate\":\"1950-01-02\"}",
  "{\"resourceType\":\"Patient\",\"id\":\"c2\",\"gender\":\"female\"}",
  ("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
   "\"subject\":{\"reference\":\"Patient/c1\"},\"valueQuantity\":{\"value\":177,\"unit\":\"cm\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"cm\"}}"),
};

static void
test_cache (void)
{
  const char *url = "https://user:pw@fhir.example.org:8443/r4/?_count=10";
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirCacheWriter) writer = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autofree char *dir = cs_fhir_cache_dir_for_url (url);
  g_autofree char *meta_path = g_build_filename (dir, "cohort.json", NULL);
  g_autofree char *meta = NULL;
  guint64 n = 0;

  g_assert_true (g_str_has_suffix (dir, "cohortscope/servers/https_fhir.example.org_8443_r4"));
  g_assert_true (g_str_has_prefix (dir, g_get_user_cache_dir ()));

  /* nothing yet */
  g_assert_false (cs_fhir_cache_get_info (url, NULL, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
  g_clear_error (&error);

  writer = cs_fhir_cache_writer_new (url, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
    {
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (resources[i], -1, &error);
      const CsJsonNode *root;
      CsResourceRecord record = { 0 };

      g_assert_no_error (error);
      root = cs_json_document_get_root (doc);
      record.resource = root;
      record.resource_type = cs_json_get_string (root, "resourceType");
      record.id = cs_json_get_string (root, "id");
      record.source = "test";
      g_assert_true (cs_fhir_cache_writer_add (writer, &record, &error));
      g_assert_no_error (error);
    }
  /* an uncommitted writer leaves no cache behind */
  g_assert_false (cs_fhir_cache_get_info (url, NULL, NULL, NULL));
  g_assert_true (cs_fhir_cache_writer_commit (writer, &error));
  g_assert_no_error (error);

  g_assert_true (cs_fhir_cache_get_info (url, &date, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_nonnull (date);
  g_assert_true (g_file_get_contents (meta_path, &meta, NULL, &error));
  g_assert_nonnull (strstr (meta, "\"types\":{\"Observation\":1,\"Patient\":2}"));
  g_assert_null (strstr (meta, "pw@"));
  g_clear_pointer (&date, g_date_time_unref);

  store = cs_store_new ();
  g_assert_true (cs_fhir_cache_open ("https://fhir.example.org:8443/r4", store, &date, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (date);
  cs_store_finish (store);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 1);
}

static void
test_push_ids (void)
{
  g_autofree char *a = _cs_fhir_push_make_id ("Patient", "urn:mrn", "12345", "{}");
  g_autofree char *b = _cs_fhir_push_make_id ("Patient", "urn:mrn", "12345", "{\"other\":1}");
  g_autofree char *c = _cs_fhir_push_make_id ("Patient", "urn:mrn", "12346", "{}");
  g_autofree char *d = _cs_fhir_push_make_id ("Observation", NULL, NULL, "{\"x\":1}");
  g_autofree char *e = _cs_fhir_push_make_id ("Observation", NULL, NULL, "{\"x\":1}");
  g_autofree char *f = _cs_fhir_push_make_id ("Observation", NULL, NULL, "{\"x\":2}");

  /* identifier wins over content; content otherwise; valid FHIR ids */
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (d, ==, e);
  g_assert_cmpstr (d, !=, f);
  g_assert_true (g_str_has_prefix (a, "cs-"));
  g_assert_cmpuint (strlen (a), <=, 64);
  for (const char *p = a; *p; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-');
}

/* Whether a cohort came from a profile's server: the same base, however written */
static void
test_base_url_equal (void)
{
  g_assert_true (cs_fhir_base_url_equal ("http://127.0.0.1:8080/fhir", "http://127.0.0.1:8080/fhir/"));
  g_assert_true (cs_fhir_base_url_equal ("HTTPS://Example.ORG/fhir/", "https://example.org:443/fhir"));
  g_assert_true (cs_fhir_base_url_equal ("http://example.org/fhir?_count=200", "http://example.org:80/fhir/"));
  g_assert_true (cs_fhir_base_url_equal ("https://user:secret@example.org/fhir", "https://example.org/fhir"));
  g_assert_false (cs_fhir_base_url_equal ("http://example.org/fhir", "https://example.org/fhir"));
  g_assert_false (cs_fhir_base_url_equal ("http://example.org/fhir", "http://example.org/FHIR"));
  g_assert_false (cs_fhir_base_url_equal ("http://example.org:8080/fhir", "http://example.org/fhir"));
  g_assert_false (cs_fhir_base_url_equal ("http://example.org/fhir", "http://example.org/fhir/r4"));
  g_assert_false (cs_fhir_base_url_equal ("demo.json", "demo.json"));
  g_assert_false (cs_fhir_base_url_equal (NULL, "http://example.org/fhir"));
  g_assert_false (cs_fhir_base_url_equal ("http://example.org/fhir", NULL));
}

/* auth-kind is an enum property (CS_TYPE_FHIR_AUTH_KIND) whose nicks are the
 * words servers.json uses */
static void
test_auth_kind_property (void)
{
  g_autoptr(CsServerProfile) profile = cs_server_profile_new ("A", "https://a.example.org/fhir/");
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "auth-kind");
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (CS_TYPE_FHIR_AUTH_KIND);
  const char *nicks[] = { "none", "basic", "bearer" };
  CsFhirAuthKind kind = CS_FHIR_AUTH_NONE;

  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (pspec->value_type == CS_TYPE_FHIR_AUTH_KIND);
  g_assert_cmpuint (enum_class->n_values, ==, G_N_ELEMENTS (nicks));
  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    g_assert_cmpint (g_enum_get_value_by_nick (enum_class, nicks[i])->value, ==, i);

  g_object_set (profile, "auth-kind", CS_FHIR_AUTH_BEARER, NULL);
  g_assert_cmpint (cs_server_profile_get_auth_kind (profile), ==, CS_FHIR_AUTH_BEARER);
  g_object_get (profile, "auth-kind", &kind, NULL);
  g_assert_cmpint (kind, ==, CS_FHIR_AUTH_BEARER);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("cs-fhir-profiles-XXXXXX", NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  const char *rm[] = { "rm", "-rf", dir, NULL };
  int ret;

  /* A private XDG_CACHE_HOME and XDG_CONFIG_HOME (not
   * G_TEST_OPTION_ISOLATE_DIRS, whose strings LeakSanitizer reports) */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/profiles/round-trip", test_profiles_round_trip);
  g_test_add_func ("/fhir/profiles/missing-and-bad", test_profiles_missing_and_bad);
  g_test_add_func ("/fhir/profiles/auth-kind-property", test_auth_kind_property);
  g_test_add_func ("/fhir/profiles/viewer-template", test_viewer_template);
  g_test_add_func ("/fhir/cache/write-and-open", test_cache);
  g_test_add_func ("/fhir/push/ids", test_push_ids);
  g_test_add_func ("/fhir/group/base-url-equal", test_base_url_equal);

  ret = g_test_run ();
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  return ret;
}
