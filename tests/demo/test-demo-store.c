/* test-demo-store.c: the demo cohort through the normal ingest path
 *
 * Writes the default demo cohort to a file, loads it with
 * cs_store_load_path() and checks that the variables documented in
 * docs/DEMO.md exist with their keys, types and units, that the lesion
 * roll-ups see the second lesions, and that the planted relationships
 * survive the trip through the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-demo.h"
#include "cs-store.h"

/* One load shared by all tests (the roll-up test restores the default). */
static CsStore *demo_store;

static CsVariable *
expect_variable (CsStore        *store,
                 const char     *key,
                 CsVariableType  type,
                 const char     *unit,
                 guint           min_n)
{
  CsVariable *var = cs_store_lookup_variable (store, key);

  if (var == NULL)
    g_error ("the demo cohort has no variable “%s”", key);
  g_assert_cmpstr (cs_variable_type_to_string (var->type), ==, cs_variable_type_to_string (type));
  if (unit != NULL)
    g_assert_cmpstr (var->unit, ==, unit);
  g_assert_cmpuint (var->n, >=, min_n);
  g_assert_cmpuint (var->n, <=, CS_DEMO_DEFAULT_PATIENTS);
  return var;
}

static void
test_counts (void)
{
  CsStore *store = demo_store;
  guint n_lesions = cs_store_count_resources (store, "BodyStructure");

  g_assert_cmpuint (cs_store_get_n_patients (store), ==, CS_DEMO_DEFAULT_PATIENTS);
  g_assert_cmpuint (cs_store_count_resources (store, "Patient"), ==, CS_DEMO_DEFAULT_PATIENTS);
  g_assert_cmpuint (cs_store_count_resources (store, "Condition"), ==, CS_DEMO_DEFAULT_PATIENTS);
  g_assert_cmpuint (cs_store_count_resources (store, "ImagingStudy"), ==, CS_DEMO_DEFAULT_PATIENTS);
  g_assert_cmpuint (cs_store_count_resources (store, "Device"), ==, 1);
  g_assert_cmpuint (n_lesions, >, CS_DEMO_DEFAULT_PATIENTS);
  g_assert_cmpuint (n_lesions, <, CS_DEMO_DEFAULT_PATIENTS * 13 / 10);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), >=, CS_DEMO_DEFAULT_PATIENTS * 45);

  g_assert_cmpint (cs_store_find_patient (store, "demo-0001"), >=, 0);
  g_assert_cmpint (cs_store_find_patient (store, "demo-0400"), >=, 0);
  g_assert_cmpint (cs_store_find_patient (store, "demo-0401"), ==, -1);
}

static void
test_variables (void)
{
  CsStore *store = demo_store;
  const guint n = CS_DEMO_DEFAULT_PATIENTS;
  CsVariable *var;
  guint n_radiomics = 0;

  expect_variable (store, "gender", CS_VARIABLE_CATEGORICAL, NULL, n);
  expect_variable (store, "birth_date", CS_VARIABLE_DATE, NULL, n);
  expect_variable (store, "deceased", CS_VARIABLE_BOOLEAN, NULL, n);
  var = expect_variable (store, "age_at_diagnosis", CS_VARIABLE_NUMERIC, NULL, n);
  for (guint row = 0; row < n; row++)
    {
      g_assert_cmpfloat (var->num[row], >=, 40.0);
      g_assert_cmpfloat (var->num[row], <, 86.0);
    }

  var = expect_variable (store, "histology", CS_VARIABLE_CATEGORICAL, NULL, n);
  g_assert_cmpint (cs_variable_find_level (var, "8140/3"), >=, 0);
  g_assert_cmpint (cs_variable_find_level (var, "8070/3"), >=, 0);
  g_assert_cmpint (cs_variable_find_level (var, "8012/3"), >=, 0);
  g_assert_cmpint (cs_variable_find_level (var, "8046/3"), >=, 0);

  var = expect_variable (store, "stage_group", CS_VARIABLE_CATEGORICAL, NULL, n);
  g_assert_cmpuint (var->levels->len, ==, 5);
  g_assert_cmpint (cs_variable_find_level (var, "IIIA"), ==, cs_variable_find_level (var, "3A"));
  expect_variable (store, "t_stage", CS_VARIABLE_CATEGORICAL, NULL, n);
  expect_variable (store, "n_stage", CS_VARIABLE_CATEGORICAL, NULL, n);
  var = expect_variable (store, "m_stage", CS_VARIABLE_CATEGORICAL, NULL, n);
  g_assert_cmpuint (var->levels->len, ==, 2);
  var = expect_variable (store, "smoking_status", CS_VARIABLE_CATEGORICAL, NULL, n * 9 / 10);
  g_assert_cmpuint (var->levels->len, ==, 3);
  g_assert_cmpuint (var->n, <, n);   /* ~3 % missing */
  expect_variable (store, "ecog_performance_status", CS_VARIABLE_NUMERIC, NULL, n * 8 / 10);
  expect_variable (store, "cea", CS_VARIABLE_NUMERIC, "ng/mL", n * 8 / 10);
  expect_variable (store, "hemoglobin", CS_VARIABLE_NUMERIC, "g/dL", n * 8 / 10);
  expect_variable (store, "ldh", CS_VARIABLE_NUMERIC, "U/L", n * 7 / 10);
  expect_variable (store, "vital_status", CS_VARIABLE_CATEGORICAL, NULL, n);
  expect_variable (store, "survival_time", CS_VARIABLE_NUMERIC, "d", n);
  expect_variable (store, "os", CS_VARIABLE_SURVIVAL, "d", n);
  expect_variable (store, "study_date", CS_VARIABLE_DATE, NULL, n);

  expect_variable (store, "original_shape_meshvolume", CS_VARIABLE_NUMERIC, "mm3", n * 9 / 10);
  expect_variable (store, "original_shape_surfacearea", CS_VARIABLE_NUMERIC, "mm2", n * 9 / 10);
  expect_variable (store, "original_shape_maximum3ddiameter", CS_VARIABLE_NUMERIC, "mm", n * 9 / 10);
  expect_variable (store, "original_firstorder_mean", CS_VARIABLE_NUMERIC, "[hnsf'U]", n * 9 / 10);
  /* from the glcm component Observation */
  expect_variable (store, "original_glcm_jointentropy", CS_VARIABLE_NUMERIC, "1", n * 9 / 10);
  expect_variable (store, "original_ngtdm_busyness", CS_VARIABLE_NUMERIC, "1", n * 9 / 10);

  /* found by code as well as by key */
  g_assert_true (cs_store_find_variable (store, "original_glcm_JointEntropy") ==
                 cs_store_lookup_variable (store, "original_glcm_jointentropy"));
  g_assert_true (cs_store_find_variable (store, "https://pyradiomics.readthedocs.io|original_shape_MeshVolume") ==
                 cs_store_lookup_variable (store, "original_shape_meshvolume"));

  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      var = cs_store_get_variable (store, i);
      if (g_str_has_prefix (var->key, "original_"))
        {
          g_assert_cmpstr (var->group, ==, "Radiomics");
          n_radiomics++;
        }
    }
  g_assert_cmpuint (n_radiomics, ==, 62);
}

static void
test_survival (void)
{
  CsStore *store = demo_store;
  CsVariable *os = cs_store_lookup_variable (store, "os");
  CsVariable *time = cs_store_lookup_variable (store, "survival_time");
  CsVariable *vital = cs_store_lookup_variable (store, "vital_status");
  CsVariable *deceased = cs_store_lookup_variable (store, "deceased");
  guint events = 0;

  g_assert_nonnull (os);
  g_assert_nonnull (time);
  g_assert_nonnull (vital);
  g_assert_nonnull (deceased);

  for (guint row = 0; row < cs_store_get_n_patients (store); row++)
    {
      const CsLevel *level = cs_variable_get_level (vital, row);
      gboolean dead = g_str_equal (level->code, "419099009");

      g_assert_cmpfloat (os->num[row], ==, time->num[row]);
      g_assert_cmpint (os->event[row], ==, dead);
      g_assert_cmpfloat (deceased->num[row], ==, dead ? 1.0 : 0.0);
      events += dead;
    }

  /* about 30 % censored */
  g_assert_cmpuint (events, >, CS_DEMO_DEFAULT_PATIENTS * 55 / 100);
  g_assert_cmpuint (events, <, CS_DEMO_DEFAULT_PATIENTS * 85 / 100);
}

static double
mean_by_level (CsVariable *numeric,
               CsVariable *categorical,
               const char *level)
{
  int index = cs_variable_find_level (categorical, level);
  double sum = 0.0;
  guint n = 0;

  g_assert_cmpint (index, >=, 0);
  for (guint row = 0; row < numeric->n_rows; row++)
    {
      if (categorical->cat[row] == index && !isnan (numeric->num[row]))
        {
          sum += numeric->num[row];
          n++;
        }
    }
  g_assert_cmpuint (n, >=, 10);
  return sum / n;
}

static void
test_planted (void)
{
  CsStore *store = demo_store;
  CsVariable *volume = cs_store_lookup_variable (store, "original_shape_meshvolume");
  CsVariable *t = cs_store_lookup_variable (store, "t_stage");
  CsVariable *stage = cs_store_lookup_variable (store, "stage_group");
  CsVariable *time = cs_store_lookup_variable (store, "survival_time");
  CsVariable *sphericity = cs_store_lookup_variable (store, "original_shape_sphericity");
  CsVariable *histology = cs_store_lookup_variable (store, "histology");
  double t1 = mean_by_level (volume, t, "T1");
  double t2 = mean_by_level (volume, t, "T2");
  double t3 = mean_by_level (volume, t, "T3");
  double t4 = mean_by_level (volume, t, "T4");
  double squamous = mean_by_level (sphericity, histology, "8070/3");
  double adeno = mean_by_level (sphericity, histology, "8140/3");

  g_assert_true (t1 < t2 && t2 < t3 && t3 < t4);
  g_assert_cmpfloat (mean_by_level (time, stage, "I"), >, 2.0 * mean_by_level (time, stage, "IV"));
  g_assert_cmpfloat (squamous, <, adeno - 0.04);
}

static void
test_rollup (void)
{
  CsStore *store = demo_store;
  CsVariable *volume;
  guint n_two = 0;
  g_autofree double *latest = NULL;
  g_autofree double *largest = NULL;

  g_assert_cmpint (cs_store_get_rollup (store), ==, CS_ROLLUP_LATEST);
  volume = cs_store_lookup_variable (store, "original_shape_meshvolume");
  latest = g_memdup2 (volume->num, sizeof (double) * volume->n_rows);

  g_assert_true (cs_store_set_rollup (store, CS_ROLLUP_COUNT));
  volume = cs_store_lookup_variable (store, "original_shape_meshvolume");
  for (guint row = 0; row < volume->n_rows; row++)
    {
      if (isnan (volume->num[row]))
        continue;
      g_assert_cmpfloat (volume->num[row], >=, 0.0);
      g_assert_cmpfloat (volume->num[row], <=, 2.0);
      n_two += volume->num[row] == 2.0;
    }
  /* about 15 % of patients have a second lesion */
  g_assert_cmpuint (n_two, >=, CS_DEMO_DEFAULT_PATIENTS / 20);
  g_assert_cmpuint (n_two, <=, CS_DEMO_DEFAULT_PATIENTS * 3 / 10);

  g_assert_true (cs_store_set_rollup (store, CS_ROLLUP_LARGEST_LESION));
  volume = cs_store_lookup_variable (store, "original_shape_meshvolume");
  largest = g_memdup2 (volume->num, sizeof (double) * volume->n_rows);

  /* The primary lesion is the largest and is written last, so "latest"
   * and "largest lesion" agree wherever the primary has a volume. */
  g_assert_true (cs_store_set_rollup (store, CS_ROLLUP_MAX));
  volume = cs_store_lookup_variable (store, "original_shape_meshvolume");
  for (guint row = 0; row < volume->n_rows; row++)
    {
      if (isnan (largest[row]))
        continue;
      g_assert_cmpfloat (largest[row], ==, volume->num[row]);
      g_assert_cmpfloat (latest[row], ==, volume->num[row]);
    }

  g_assert_true (cs_store_set_rollup (store, CS_ROLLUP_LATEST));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("cs-demo-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.json", NULL);
  g_assert_true (cs_demo_write_file (path, CS_DEMO_DEFAULT_PATIENTS, CS_DEMO_DEFAULT_SEED, NULL, &error));
  g_assert_no_error (error);

  demo_store = cs_store_new ();
  g_assert_true (cs_store_load_path (demo_store, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (demo_store);

  g_test_add_func ("/demo/store/counts", test_counts);
  g_test_add_func ("/demo/store/variables", test_variables);
  g_test_add_func ("/demo/store/survival", test_survival);
  g_test_add_func ("/demo/store/planted", test_planted);
  g_test_add_func ("/demo/store/rollup", test_rollup);

  status = g_test_run ();

  g_clear_object (&demo_store);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  return status;
}
