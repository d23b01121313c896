/* test-demo.c: the synthetic demo cohort generator
 *
 * Parses the generated Bundle with json-glib (an implementation independent
 * of the project's own parser) and checks structure, determinism and the
 * planted relationships documented in docs/DEMO.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cs-demo.h"

#define PYRAD "https://pyradiomics.readthedocs.io"
#define SCT   "http://snomed.info/sct"
#define LOINC "http://loinc.org"

static GBytes *
generate (guint   n_patients,
          guint64 seed)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cs_demo_write (out, n_patients, seed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static JsonParser *
parse (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&parser);
}

static JsonArray *
bundle_entries (JsonParser *parser)
{
  JsonObject *bundle = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "collection");
  return json_object_get_array_member (bundle, "entry");
}

/* First coding of a CodeableConcept member */
static JsonObject *
first_coding (JsonObject *object,
              const char *member)
{
  JsonObject *concept;
  JsonArray *coding;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  concept = json_object_get_object_member (object, member);
  coding = json_object_get_array_member (concept, "coding");
  if (coding == NULL || json_array_get_length (coding) == 0)
    return NULL;
  return json_array_get_object_element (coding, 0);
}

static const char *
first_code (JsonObject *object,
            const char *member)
{
  JsonObject *coding = first_coding (object, member);

  return coding != NULL ? json_object_get_string_member (coding, "code") : NULL;
}

static void
collect_references (JsonNode  *node,
                    GPtrArray *out)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *key;
        JsonNode *child;

        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, &key, &child))
          {
            if (g_str_equal (key, "reference") && JSON_NODE_HOLDS_VALUE (child))
              g_ptr_array_add (out, (gpointer) json_node_get_string (child));
            else
              collect_references (child, out);
          }
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          collect_references (json_array_get_element (array, i), out);
      }
      break;
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
test_determinism (void)
{
  g_autoptr(GBytes) a = generate (25, 42);
  g_autoptr(GBytes) b = generate (25, 42);
  g_autoptr(GBytes) c = generate (25, 43);
  g_autoptr(GBytes) d = generate (26, 42);

  g_assert_cmpuint (g_bytes_get_size (a), >, 1000);
  g_assert_true (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, c));
  g_assert_false (g_bytes_equal (a, d));
}

/* Patient k's resources do not depend on how many patients follow. */
static void
test_prefix_stable (void)
{
  g_autoptr(GBytes) small = generate (5, 7);
  g_autoptr(GBytes) large = generate (9, 7);
  g_autoptr(JsonParser) p1 = parse (small);
  g_autoptr(JsonParser) p2 = parse (large);
  JsonArray *e1 = bundle_entries (p1);
  JsonArray *e2 = bundle_entries (p2);

  g_assert_cmpuint (json_array_get_length (e1), <, json_array_get_length (e2));
  for (guint i = 0; i < json_array_get_length (e1); i++)
    {
      g_autofree char *s1 = json_to_string (json_array_get_element (e1, i), FALSE);
      g_autofree char *s2 = json_to_string (json_array_get_element (e2, i), FALSE);

      g_assert_cmpstr (s1, ==, s2);
    }
}

static void
test_structure (void)
{
  const guint n = 120;
  g_autoptr(GBytes) bytes = generate (n, 42);
  g_autoptr(JsonParser) parser = parse (bytes);
  JsonArray *entries = bundle_entries (parser);
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) feature_codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();
  guint n_component_obs = 0, n_values = 0, n_missing = 0, n_lesion2 = 0;
  guint n_entries = json_array_get_length (entries);

  for (guint i = 0; i < n_entries; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *res = json_object_get_object_member (entry, "resource");
      const char *url = json_object_get_string_member (entry, "fullUrl");
      const char *type = json_object_get_string_member (res, "resourceType");
      const char *id = json_object_get_string_member (res, "id");
      g_autofree char *type_id = NULL;

      g_assert_nonnull (url);
      g_assert_nonnull (id);
      g_assert_true (g_str_has_prefix (url, "urn:uuid:"));
      g_assert_cmpuint (strlen (url), ==, 9 + 36);
      g_assert_cmpint (url[9 + 14], ==, '5'); /* version 5 */
      g_assert_false (g_hash_table_contains (urls, url));
      g_hash_table_add (urls, (gpointer) url);

      g_assert_cmpuint (strlen (id), <=, 64);
      for (const char *p = id; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '.');
      type_id = g_strconcat (type, "/", id, NULL);
      g_assert_false (g_hash_table_contains (ids, type_id));
      g_hash_table_add (ids, g_steal_pointer (&type_id));

      g_hash_table_insert (counts, (gpointer) type,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, type)) + 1));
      collect_references (json_object_get_member (entry, "resource"), refs);

      if (g_str_equal (type, "BodyStructure") && g_str_has_suffix (id, "-lesion2"))
        n_lesion2++;

      if (g_str_equal (type, "Observation"))
        {
          JsonObject *coding = first_coding (res, "code");
          JsonObject *category = json_array_get_object_element (json_object_get_array_member (res, "category"), 0);

          g_assert_cmpstr (json_object_get_string_member (res, "status"), ==, "final");
          g_assert_nonnull (category);
          g_assert_true (json_object_has_member (res, "effectiveDateTime"));
          g_assert_true (json_object_has_member (res, "subject"));

          if (g_str_equal (json_object_get_string_member (coding, "system"), PYRAD))
            {
              JsonArray *components = json_object_has_member (res, "component")
                                      ? json_object_get_array_member (res, "component") : NULL;

              g_assert_cmpstr (json_object_get_string_member (
                                 json_array_get_object_element (json_object_get_array_member (category, "coding"), 0),
                                 "code"), ==, "imaging");
              g_assert_cmpstr (first_code (res, "bodySite"), ==, "39607008");
              g_assert_true (json_object_has_member (res, "derivedFrom"));
              g_assert_true (json_object_has_member (res, "focus"));

              if (components != NULL)
                {
                  n_component_obs++;
                  g_assert_cmpuint (json_array_get_length (components), >=, 2);
                  for (guint c = 0; c < json_array_get_length (components); c++)
                    {
                      JsonObject *comp = json_array_get_object_element (components, c);
                      JsonObject *cc = first_coding (comp, "code");

                      g_assert_cmpstr (json_object_get_string_member (cc, "system"), ==, PYRAD);
                      g_hash_table_add (feature_codes, (gpointer) json_object_get_string_member (cc, "code"));
                      if (json_object_has_member (comp, "valueQuantity"))
                        n_values++;
                      else
                        {
                          g_assert_true (json_object_has_member (comp, "dataAbsentReason"));
                          n_missing++;
                        }
                    }
                }
              else
                {
                  const char *code = json_object_get_string_member (coding, "code");
                  JsonObject *quantity;

                  g_assert_true (g_str_has_prefix (code, "original_"));
                  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (res, "code"), "text"),
                                   ==, code);
                  g_hash_table_add (feature_codes, (gpointer) code);
                  if (!json_object_has_member (res, "valueQuantity"))
                    {
                      g_assert_true (json_object_has_member (res, "dataAbsentReason"));
                      n_missing++;
                      continue;
                    }
                  n_values++;
                  quantity = json_object_get_object_member (res, "valueQuantity");
                  g_assert_cmpstr (json_object_get_string_member (quantity, "system"), ==,
                                   "http://unitsofmeasure.org");
                  if (g_str_equal (code, "original_shape_MeshVolume"))
                    g_assert_cmpstr (json_object_get_string_member (quantity, "code"), ==, "mm3");
                  if (g_str_equal (code, "original_firstorder_Mean"))
                    g_assert_cmpstr (json_object_get_string_member (quantity, "code"), ==, "[hnsf'U]");
                }
            }
        }
    }

  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Patient")), ==, n);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Condition")), ==, n);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "ImagingStudy")), ==, n);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Device")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "BodyStructure")), ==, n + n_lesion2);
  /* about 15 % have a second lesion */
  g_assert_cmpuint (n_lesion2, >=, n / 20);
  g_assert_cmpuint (n_lesion2, <=, n * 3 / 10);
  /* at least ~45 Observations per patient */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Observation")), >=, n * 45);

  g_assert_cmpuint (g_hash_table_size (feature_codes), >=, 40);
  g_assert_true (g_hash_table_contains (feature_codes, "original_glcm_JointEntropy"));
  g_assert_true (g_hash_table_contains (feature_codes, "original_shape_Sphericity"));
  g_assert_cmpuint (n_component_obs, >=, n);

  /* a few values missing (~3 %, half of them as dataAbsentReason) */
  g_assert_cmpuint (n_missing, >, 0);
  g_assert_cmpfloat ((double) n_missing / (n_values + n_missing), <, 0.04);

  /* every reference resolves inside the Bundle */
  g_assert_cmpuint (refs->len, >, n * 50);
  for (guint i = 0; i < refs->len; i++)
    {
      const char *ref = g_ptr_array_index (refs, i);

      if (!g_hash_table_contains (urls, ref))
        g_error ("reference %s does not resolve to a fullUrl in the Bundle", ref);
    }
}

/* A patient's values gathered from the Bundle */
typedef struct
{
  char     *url;
  char     *t;           /* cT1..cT4 */
  char     *stage;       /* 1, 2, 3A, 3B, 4 */
  char     *histology;   /* ICD-O-3 */
  char     *smoking;     /* SNOMED */
  double    survival;    /* days */
  gboolean  dead;
  gboolean  has_vital;
  double    volume;      /* largest lesion MeshVolume */
  double    sphericity;  /* of the largest lesion */
  double    joint_entropy;
  double    je_volume;   /* volume of the lesion JointEntropy came from */
} DemoPatient;

static void
demo_patient_free (gpointer data)
{
  DemoPatient *p = data;

  g_free (p->url);
  g_free (p->t);
  g_free (p->stage);
  g_free (p->histology);
  g_free (p->smoking);
  g_free (p);
}

static GHashTable *
collect_patients (JsonArray *entries)
{
  GHashTable *patients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, demo_patient_free);
  g_autoptr(GHashTable) lesion_volume = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) lesion_sphericity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) lesion_je = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  DemoPatient *p;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *res = json_object_get_object_member (entry, "resource");
      const char *type = json_object_get_string_member (res, "resourceType");

      if (g_str_equal (type, "Patient"))
        {
          p = g_new0 (DemoPatient, 1);
          p->url = g_strdup (json_object_get_string_member (entry, "fullUrl"));
          p->survival = NAN;
          p->volume = NAN;
          p->sphericity = NAN;
          p->joint_entropy = NAN;
          g_hash_table_insert (patients, p->url, p);
        }
    }

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *res = json_object_get_object_member (entry, "resource");
      const char *type = json_object_get_string_member (res, "resourceType");
      JsonObject *coding;
      const char *system, *code;

      if (g_str_equal (type, "Condition"))
        {
          JsonArray *ext = json_object_get_array_member (res, "extension");
          JsonObject *hist = json_array_get_object_element (ext, 0);

          p = g_hash_table_lookup (patients, json_object_get_string_member (
                                     json_object_get_object_member (res, "subject"), "reference"));
          g_assert_nonnull (p);
          g_assert_cmpstr (first_code (res, "code"), ==, "254637007");
          g_assert_cmpstr (json_object_get_string_member (hist, "url"), ==,
                           "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior");
          p->histology = g_strdup (first_code (hist, "valueCodeableConcept"));
          continue;
        }
      if (!g_str_equal (type, "Observation"))
        continue;

      p = g_hash_table_lookup (patients, json_object_get_string_member (
                                 json_object_get_object_member (res, "subject"), "reference"));
      g_assert_nonnull (p);
      coding = first_coding (res, "code");
      system = json_object_get_string_member (coding, "system");
      code = json_object_get_string_member (coding, "code");

      if (g_str_equal (system, SCT) && g_str_equal (code, "399504009"))
        p->t = g_strdup (first_code (res, "valueCodeableConcept"));
      else if (g_str_equal (system, SCT) && g_str_equal (code, "399537006"))
        p->stage = g_strdup (first_code (res, "valueCodeableConcept"));
      else if (g_str_equal (system, LOINC) && g_str_equal (code, "72166-2"))
        p->smoking = g_strdup (first_code (res, "valueCodeableConcept"));
      else if (g_str_equal (system, LOINC) && g_str_equal (code, "75186-7"))
        {
          p->has_vital = TRUE;
          p->dead = g_strcmp0 (first_code (res, "valueCodeableConcept"), "419099009") == 0;
        }
      else if (g_str_equal (system, SCT) && g_str_equal (code, "445320007"))
        {
          JsonObject *q = json_object_get_object_member (res, "valueQuantity");

          g_assert_cmpstr (json_object_get_string_member (q, "code"), ==, "d");
          p->survival = json_object_get_double_member (q, "value");
        }
      else if (g_str_equal (system, PYRAD))
        {
          const char *lesion = json_object_get_string_member (
            json_array_get_object_element (json_object_get_array_member (res, "focus"), 0), "reference");
          GHashTable *target = NULL;
          JsonArray *components = json_object_has_member (res, "component")
                                  ? json_object_get_array_member (res, "component") : NULL;

          if (components != NULL)
            {
              for (guint c = 0; c < json_array_get_length (components); c++)
                {
                  JsonObject *comp = json_array_get_object_element (components, c);

                  if (g_strcmp0 (first_code (comp, "code"), "original_glcm_JointEntropy") == 0 &&
                      json_object_has_member (comp, "valueQuantity"))
                    {
                      double *v = g_new (double, 1);

                      *v = json_object_get_double_member (json_object_get_object_member (comp, "valueQuantity"),
                                                          "value");
                      g_hash_table_insert (lesion_je, g_strdup (lesion), v);
                    }
                }
              continue;
            }

          if (g_str_equal (code, "original_shape_MeshVolume"))
            target = lesion_volume;
          else if (g_str_equal (code, "original_shape_Sphericity"))
            target = lesion_sphericity;

          if (target != NULL && json_object_has_member (res, "valueQuantity"))
            {
              double *v = g_new (double, 1);
              g_autofree char *key = g_strconcat (lesion, " ", json_object_get_string_member (
                                                    json_object_get_object_member (res, "subject"), "reference"),
                                                  NULL);

              *v = json_object_get_double_member (json_object_get_object_member (res, "valueQuantity"), "value");
              g_hash_table_insert (target, g_steal_pointer (&key), v);
            }
        }
    }

  /* Per patient: the largest lesion's volume and sphericity, the
   * JointEntropy of the largest lesion that has one. */
  {
    GHashTableIter liter;
    gpointer key, value;

    g_hash_table_iter_init (&liter, lesion_volume);
    while (g_hash_table_iter_next (&liter, &key, &value))
      {
        const char *space = strchr (key, ' ');
        g_autofree char *lesion = g_strndup (key, (gsize) (space - (const char *) key));
        double volume = *(double *) value;
        double *sph = g_hash_table_lookup (lesion_sphericity, key);
        double *je = g_hash_table_lookup (lesion_je, lesion);

        p = g_hash_table_lookup (patients, space + 1);
        g_assert_nonnull (p);
        if (isnan (p->volume) || volume > p->volume)
          {
            p->volume = volume;
            p->sphericity = sph != NULL ? *sph : NAN;
          }
        if (je != NULL && (isnan (p->joint_entropy) || volume > p->je_volume))
          {
            p->joint_entropy = *je;
            p->je_volume = volume;
          }
      }
  }

  g_hash_table_iter_init (&iter, patients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    {
      g_assert_nonnull (p->t);
      g_assert_nonnull (p->stage);
      g_assert_nonnull (p->histology);
      g_assert_true (p->has_vital);
      g_assert_false (isnan (p->survival));
      g_assert_cmpfloat (p->survival, >=, 1.0);
    }

  return patients;
}

/* Ranks with ties averaged (1-based). */
static void
rank (const double *x,
      double       *r,
      guint         n)
{
  g_autofree guint *order = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = 1; i < n; i++)   /* insertion sort: n is small */
    {
      guint v = order[i];
      guint j = i;

      while (j > 0 && x[order[j - 1]] > x[v])
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = v;
    }
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j + 1 < n && x[order[j + 1]] == x[order[i]])
        j++;
      for (guint k = i; k <= j; k++)
        r[order[k]] = (i + j) / 2.0 + 1.0;
      i = j + 1;
    }
}

static double
spearman (const double *x,
          const double *y,
          guint         n)
{
  g_autofree double *rx = g_new (double, n);
  g_autofree double *ry = g_new (double, n);
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

  rank (x, rx, n);
  rank (y, ry, n);
  for (guint i = 0; i < n; i++)
    {
      mx += rx[i];
      my += ry[i];
    }
  mx /= n;
  my /= n;
  for (guint i = 0; i < n; i++)
    {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
  return sxy / sqrt (sxx * syy);
}

static void
test_rank_helper (void)
{
  const double x[] = { 1, 2, 3, 4, 5 };
  const double y[] = { 5, 6, 7, 8, 7 };
  const double z[] = { 10, 8, 6, 4, 2 };

  /* scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8207826816681233 */
  g_assert_cmpfloat_with_epsilon (spearman (x, y, 5), 0.8207826816681233, 1e-12);
  g_assert_cmpfloat_with_epsilon (spearman (x, z, 5), -1.0, 1e-12);
}

static void
check_planted (guint64 seed)
{
  static const char * const t_codes[] = { "cT1", "cT2", "cT3", "cT4" };
  static const char * const stages[] = { "1", "2", "3A", "3B", "4" };
  const guint n = 400;
  g_autoptr(GBytes) bytes = generate (n, seed);
  g_autoptr(JsonParser) parser = parse (bytes);
  g_autoptr(GHashTable) patients = collect_patients (bundle_entries (parser));
  g_autoptr(GArray) je = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) surv = g_array_new (FALSE, FALSE, sizeof (double));
  double t_sum[4] = { 0 }, t_n[4] = { 0 };
  double st_sum[5] = { 0 }, st_n[5] = { 0 };
  double sph_sq = 0, n_sq = 0, sph_other = 0, n_other = 0;
  double cur_sq = 0, cur_n = 0, never_sq = 0, never_n = 0;
  double n_censored = 0, rho;
  GHashTableIter iter;
  DemoPatient *p;

  g_assert_cmpuint (g_hash_table_size (patients), ==, n);

  g_hash_table_iter_init (&iter, patients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    {
      gboolean squamous = g_str_equal (p->histology, "8070/3");

      for (guint k = 0; k < 4; k++)
        if (g_str_equal (p->t, t_codes[k]) && !isnan (p->volume))
          {
            t_sum[k] += p->volume;
            t_n[k]++;
          }
      for (guint k = 0; k < 5; k++)
        if (g_str_equal (p->stage, stages[k]))
          {
            st_sum[k] += p->survival;
            st_n[k]++;
          }
      if (!isnan (p->sphericity) && squamous)
        {
          sph_sq += p->sphericity;
          n_sq++;
        }
      else if (!isnan (p->sphericity))
        {
          sph_other += p->sphericity;
          n_other++;
        }
      if (g_strcmp0 (p->smoking, "449868002") == 0)
        {
          cur_n++;
          cur_sq += squamous;
        }
      else if (g_strcmp0 (p->smoking, "266919005") == 0)
        {
          never_n++;
          never_sq += squamous;
        }
      if (!isnan (p->joint_entropy))
        {
          g_array_append_val (je, p->joint_entropy);
          g_array_append_val (surv, p->survival);
        }
      n_censored += !p->dead;
    }

  /* tumour volume rises with T */
  for (guint k = 0; k < 4; k++)
    g_assert_cmpfloat (t_n[k], >=, 20);
  for (guint k = 1; k < 4; k++)
    g_assert_cmpfloat (t_sum[k] / t_n[k], >, 1.3 * t_sum[k - 1] / t_n[k - 1]);

  /* worse stage, shorter survival (I and II vs IIIA-IIIB vs IV means) */
  g_assert_cmpfloat ((st_sum[0] + st_sum[1]) / (st_n[0] + st_n[1]), >,
                     (st_sum[2] + st_sum[3]) / (st_n[2] + st_n[3]));
  g_assert_cmpfloat ((st_sum[2] + st_sum[3]) / (st_n[2] + st_n[3]), >, st_sum[4] / st_n[4]);
  g_assert_cmpfloat (st_sum[0] / st_n[0], >, st_sum[4] / st_n[4] * 2);

  /* JointEntropy: higher, shorter survival */
  g_assert_cmpuint (je->len, >=, n * 9 / 10);
  rho = spearman (&g_array_index (je, double, 0), &g_array_index (surv, double, 0), je->len);
  g_test_message ("seed %" G_GUINT64_FORMAT ": Spearman(JointEntropy, survival) = %.5f", seed, rho);
  g_assert_cmpfloat (rho, <, -0.1);

  /* squamous tumours are less spherical */
  g_assert_cmpfloat (n_sq, >=, 30);
  g_assert_cmpfloat (sph_sq / n_sq, <, sph_other / n_other - 0.04);

  /* current smokers are more often squamous than never-smokers */
  g_assert_cmpfloat (cur_n, >=, 30);
  g_assert_cmpfloat (never_n, >=, 30);
  g_assert_cmpfloat (cur_sq / cur_n, >, never_sq / never_n + 0.15);

  /* about 30 % censored */
  g_assert_cmpfloat (n_censored / n, >, 0.15);
  g_assert_cmpfloat (n_censored / n, <, 0.45);
}

static void
test_planted (void)
{
  check_planted (CS_DEMO_DEFAULT_SEED);
  /* The relationships do not hinge on one lucky seed (-m slow). */
  if (g_test_slow ())
    check_planted (20240601);
}

static void
test_write_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-demo-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) expected = generate (3, 42);
  gsize len;

  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.json", NULL);
  g_assert_true (cs_demo_write_file (path, 3, 42, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  bad = g_build_filename (dir, "no-such-dir", "demo.json", NULL);
  g_assert_false (cs_demo_write_file (bad, 3, 42, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (cs_demo_write (out, 10, 42, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/determinism", test_determinism);
  g_test_add_func ("/demo/prefix-stable", test_prefix_stable);
  g_test_add_func ("/demo/structure", test_structure);
  g_test_add_func ("/demo/rank-helper", test_rank_helper);
  g_test_add_func ("/demo/planted", test_planted);
  g_test_add_func ("/demo/write-file", test_write_file);
  g_test_add_func ("/demo/cancel", test_cancel);

  return g_test_run ();
}
