/* test-validate-data.c: the validator over real third-party FHIR R4 data
 *
 * Reads ../shared/data (CS_SHARED_DATA) and skips when it is absent:
 * - hl7-r4-examples: the official R4 examples. Observation-clinical-gender is
 *   invalid (its performer is an Encounter) and must be flagged at that path.
 *   The two other files MANIFEST.md lists as known-bad are valid R4 and must
 *   pass: Bundle-bundle-references is flagged by FHIR.js only because it
 *   rejects the version-specific reference "Patient/45/_history/2", which R4
 *   allows; DiagnosticReport-gingival-mass is flagged by the JSON schema only
 *   because JavaScript's \s matches the no-break space in a display, which
 *   the R4 string pattern allows. See docs/VALIDATION.md.
 * - synthea-r4: nine Synthea transaction Bundles, all valid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "cs-fhir-validate.h"
#include "cs-json.h"
#include "validate-test-util.h"

typedef struct
{
  const char *file;
  const char *path;      /* the expected error */
  const char *message;
} Invalid;

static const Invalid hl7_invalid[] = {
  { "Observation-clinical-gender.json", "Observation.performer[0]", "Encounter is not allowed here" },
};

static char *
shared_dir (const char *relative)
{
  const char *root = g_getenv ("CS_SHARED_DATA");
  char *dir;

  if (root == NULL)
    return NULL;
  dir = g_build_filename (root, relative, NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&dir, g_free);
  return dir;
}

static GPtrArray *
validate_file (const char *path,
               gboolean   *valid)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsJsonDocument) doc = NULL;
  GPtrArray *problems = cs_fhir_problems_new ();

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  doc = cs_json_document_parse (data, (gssize) len, &error);
  g_assert_no_error (error);
  *valid = cs_fhir_validate_resource (cs_json_document_get_root (doc), problems);
  return problems;
}

static guint
validate_dir (const char    *dir,
              const Invalid *invalid,
              guint          n_invalid)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint i, j, n_flagged = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_strdup (name));
  g_assert_cmpuint (files->len, >, 0);

  for (i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      gboolean valid = FALSE;
      g_autoptr (GPtrArray) problems = validate_file (path, &valid);
      g_autofree char *text = cs_fhir_problems_to_string (problems);
      const Invalid *expected = NULL;

      for (j = 0; j < n_invalid; j++)
        if (strcmp (invalid[j].file, file) == 0)
          expected = &invalid[j];
      if (expected == NULL)
        {
          if (!valid)
            g_error ("%s: expected valid, got:\n%s", file, text);
          continue;
        }
      if (valid)
        g_error ("%s: expected an error at %s, got valid", file, expected->path);
      if (!has_error_at (problems, expected->path, FALSE, expected->message))
        g_error ("%s: expected an error at %s (“%s”), got:\n%s", file, expected->path, expected->message, text);
      n_flagged++;
    }
  return n_flagged;
}

static void
test_hl7_examples (void)
{
  g_autofree char *dir = shared_dir ("hl7-r4-examples");

  if (dir == NULL)
    {
      g_test_skip ("hl7-r4-examples is not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  g_assert_cmpuint (validate_dir (dir, hl7_invalid, G_N_ELEMENTS (hl7_invalid)), ==, G_N_ELEMENTS (hl7_invalid));
}

static void
test_synthea (void)
{
  g_autofree char *dir = shared_dir ("synthea-r4");

  if (dir == NULL)
    {
      g_test_skip ("synthea-r4 is not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  validate_dir (dir, NULL, 0);
}

/* Break each official example in ways a mapping could: every one must be
 * caught, at the element that was broken */
static void
test_hl7_mutations (void)
{
  g_autofree char *dir = shared_dir ("hl7-r4-examples");
  static const struct { const char *from, *to, *path_part; } mutations[] = {
    { "\"status\": \"final\"", "\"status\": \"Final\"", ".status" },
    { "\"gender\": \"male\"", "\"gender\": \"man\"", ".gender" },
    { "\"code\": \"mmol/L\"", "\"code\": \"mmol/LL\"", ".code" },
    { "\"reference\": \"Patient/", "\"reference\": \"Patient /", ".reference" },
    { "\"birthDate\": \"", "\"birthDate\": \"19", ".birthDate" },
  };
  g_autoptr (GDir) d = NULL;
  const char *name;
  guint counts[G_N_ELEMENTS (mutations)] = { 0 };
  guint i;

  if (dir == NULL)
    {
      g_test_skip ("hl7-r4-examples is not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;

      if (!g_str_has_suffix (name, ".json") || !g_file_get_contents (path, &data, NULL, NULL))
        continue;
      for (i = 0; i < G_N_ELEMENTS (mutations); i++)
        {
          char *at = strstr (data, mutations[i].from);
          g_autoptr (GString) broken = NULL;
          g_autoptr (GError) error = NULL;
          g_autoptr (CsJsonDocument) doc = NULL;
          g_autoptr (GPtrArray) problems = cs_fhir_problems_new ();

          if (at == NULL)
            continue;
          broken = g_string_new_len (data, at - data);
          g_string_append (broken, mutations[i].to);
          g_string_append (broken, at + strlen (mutations[i].from));
          doc = cs_json_document_parse (broken->str, (gssize) broken->len, &error);
          g_assert_no_error (error);
          if (cs_fhir_validate_resource (cs_json_document_get_root (doc), problems))
            g_error ("%s with %s: not flagged", name, mutations[i].to);
          if (!has_error_at (problems, mutations[i].path_part, TRUE, NULL))
            g_error ("%s with %s: no error at …%s", name, mutations[i].to, mutations[i].path_part);
          counts[i]++;
        }
    }
  for (i = 0; i < G_N_ELEMENTS (mutations); i++)
    if (counts[i] == 0)
      g_error ("no example has %s", mutations[i].from);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate-data/hl7-r4-examples", test_hl7_examples);
  g_test_add_func ("/validate-data/hl7-r4-mutations", test_hl7_mutations);
  g_test_add_func ("/validate-data/synthea-r4", test_synthea);
  return g_test_run ();
}
