/* test-store.c: the patient × variable table on small inline fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cs-store.h"
#include "cs-store-private.h"
#include "store-test-util.h"

/* ---------------------------------------------------------------- format */

static void
test_format_double (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.1, "0.1" }, { 1.5, "1.5" }, { 1.0, "1" }, { -2.0, "-2" }, { 0.0, "0" },
    { 1e300, "1e+300" }, { 1e-300, "1e-300" }, { 177.0, "177" }, { 0.30000000000000004, "0.30000000000000004" },
    { 2.0 / 3.0, "0.6666666666666666" }, { 9007199254740993.0, "9007199254740992" },
    { 123456.789, "123456.789" }, { -0.001, "-0.001" }, { 5e-324, "4.94065645841247e-324" },
    { 1.7976931348623157e308, "1.7976931348623157e+308" }, { 100.0, "100" }, { 1e15, "1e+15" },
    { 1e16, "1e+16" }, { 123456789012.0, "123456789012" },
  };
  char buf[32];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cs_format_double (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_true (g_ascii_strtod (text, NULL) == cases[i].value);
    }

  /* Random doubles round-trip and never take more digits than needed. */
  for (guint i = 0; i < 20000; i++)
    {
      union { guint64 bits; double value; } u;

      u.bits = ((guint64) g_test_rand_int () << 32) ^ (guint32) g_test_rand_int ();
      if (!isfinite (u.value))
        continue;
      cs_format_double_buf (u.value, buf);
      g_assert_true (g_ascii_strtod (buf, NULL) == u.value);
    }
  for (guint i = 0; i < 2000; i++)
    {
      double v = g_test_rand_double_range (-1e6, 1e6);
      g_autofree char *text = NULL;
      char shorter[32];

      v = round (v * 1000.0) / 1000.0;
      text = cs_format_double (v);
      g_assert_true (g_ascii_strtod (text, NULL) == v);
      g_ascii_formatd (shorter, sizeof shorter, "%.15g", v);
      g_assert_cmpstr (text, ==, shorter);
    }

  cs_format_double_buf (NAN, buf);
  g_assert_cmpstr (buf, ==, "nan");
  cs_format_double_buf (-INFINITY, buf);
  g_assert_cmpstr (buf, ==, "-inf");

  /* A locale with a decimal comma must not change the output. */
  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL || setlocale (LC_NUMERIC, "fr_FR.UTF-8") != NULL)
    {
      g_autofree char *text = cs_format_double (1.25);

      g_assert_cmpstr (text, ==, "1.25");
      setlocale (LC_NUMERIC, "C");
    }
}

static void
test_date_parse (void)
{
  double days;
  char buf[32];

  g_assert_true (cs_date_parse ("1970-01-01", &days));
  g_assert_cmpfloat (days, ==, 0.0);
  g_assert_true (cs_date_parse ("1970-01-02T12:00:00Z", &days));
  g_assert_cmpfloat (days, ==, 1.5);
  g_assert_true (cs_date_parse ("1970-01-02T12:00:00+12:00", &days));
  g_assert_cmpfloat (days, ==, 1.0);
  g_assert_true (cs_date_parse ("2000-03-01", &days));
  g_assert_cmpfloat (days, ==, 11017.0);
  g_assert_true (cs_date_parse ("1920-04-23", &days));
  g_assert_cmpfloat (days, ==, -18150.0);
  g_assert_true (cs_date_parse ("2019", &days));
  cs_date_format_buf (days, buf);
  g_assert_cmpstr (buf, ==, "2019-01-01");
  g_assert_true (cs_date_parse ("2019-05", &days));
  cs_date_format_buf (days, buf);
  g_assert_cmpstr (buf, ==, "2019-05-01");
  g_assert_true (cs_date_parse ("1968-10-11T10:10:39.123+00:00", &days));
  cs_date_format_buf (days, buf);
  g_assert_cmpstr (buf, ==, "1968-10-11");
  g_assert_true (cs_date_parse ("2024-02-29", &days));
  cs_date_format_buf (days, buf);
  g_assert_cmpstr (buf, ==, "2024-02-29");

  g_assert_false (cs_date_parse ("2023-02-29", &days));
  g_assert_false (cs_date_parse ("2019-13-01", &days));
  g_assert_false (cs_date_parse ("2019-1-01", &days));
  g_assert_false (cs_date_parse ("yesterday", &days));
  g_assert_false (cs_date_parse ("2019-05-01T10", &days));
  g_assert_false (cs_date_parse ("2019-05-01 ", &days));
  g_assert_false (cs_date_parse ("", &days));
  g_assert_false (cs_date_parse (NULL, &days));
}

static void
test_format_cell (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("a", ",\"gender\":\"female\",\"birthDate\":\"1920-04-23\",\"deceasedDateTime\":\"1989-07-25T10:00:00Z\"") },
    { NULL, PATIENT ("b", ",\"gender\":\"male\"") },
    { NULL, OBS_NUM ("o1", "Patient/a", "8302-2", "Body Height", "177.5", "cm", "") },
    { NULL, OBS_NUM ("o2", "Patient/b", "8302-2", "Body Height", "0.1", "cm", "") },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;
  g_autofree char *label = NULL;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);

  assert_cell (loaded.store, "gender", "a", "female");
  assert_cell (loaded.store, "birth_date", "a", "1920-04-23");
  assert_cell (loaded.store, "birth_date", "b", "");
  assert_cell (loaded.store, "deceased", "a", "true");
  assert_cell (loaded.store, "deceased", "b", "false");
  assert_cell (loaded.store, "death_date", "a", "1989-07-25");
  assert_cell (loaded.store, "death_date", "b", "");
  assert_cell (loaded.store, "body_height", "a", "177.5");
  assert_cell (loaded.store, "body_height", "b", "0.1");

  var = cs_store_lookup_variable (loaded.store, "gender");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_CATEGORICAL);
  label = cs_variable_format_cell (var, 0, TRUE);
  g_assert_cmpstr (label, ==, "Female");
  g_assert_cmpint (cs_variable_find_level (var, "MALE"), ==, 1);
  g_assert_cmpint (cs_variable_find_level (var, "female"), ==, 0);
  g_assert_cmpint (cs_variable_find_level (var, "other"), ==, -1);
  g_assert_true (cs_variable_is_grouping (var));
  g_assert_false (cs_variable_is_numeric_like (var));
  g_assert_true (isnan (cs_variable_value_at (var, 0)));

  var = cs_store_lookup_variable (loaded.store, "body_height");
  g_assert_true (cs_variable_is_numeric_like (var));
  g_assert_false (cs_variable_is_grouping (var));
  g_assert_cmpfloat (cs_variable_value_at (var, 0), ==, 177.5);
  {
    g_autoptr(GPatternSpec) by_key = g_pattern_spec_new ("body_*");
    g_autoptr(GPatternSpec) by_code = g_pattern_spec_new ("8302-*");
    g_autoptr(GPatternSpec) neither = g_pattern_spec_new ("loinc*");

    g_assert_true (cs_variable_matches_pattern (var, by_key));
    g_assert_true (cs_variable_matches_pattern (var, by_code));
    g_assert_false (cs_variable_matches_pattern (var, neither));
  }
  g_assert_null (cs_variable_get_level (var, 99));
  g_assert_true (cs_variable_is_missing (var, 99));

  var = cs_store_lookup_variable (loaded.store, "body_height");
  g_assert_cmpstr (var->unit, ==, "cm");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_NUMERIC);
  g_assert_cmpuint (var->n, ==, 2);
  g_assert_cmpstr (cs_variable_type_to_string (CS_VARIABLE_SURVIVAL), ==, "survival");
  g_assert_cmpstr (cs_variable_type_to_string (CS_VARIABLE_DATE), ==, "date");
}

/* ---------------------------------------------------------------- ordinal stages */

/* ranks of a categorical variable with these "code|display" levels */
static double *
ordinal_ranks (const char *key,
               const char *const *levels)
{
  CsVariable var = { 0 };
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_free);

  var.key = (char *) key;
  var.label = (char *) key;
  var.type = CS_VARIABLE_CATEGORICAL;
  var.levels = array;
  for (guint i = 0; levels[i] != NULL; i++)
    {
      CsLevel *level = g_new0 (CsLevel, 1);
      g_auto(GStrv) pair = g_strsplit (levels[i], "|", 2);

      /* keep the strings alive in one array freed below */
      level->code = g_strdup (pair[0]);
      level->display = pair[1] != NULL ? g_strdup (pair[1]) : NULL;
      g_ptr_array_add (array, level);
    }
  {
    double *ranks = cs_variable_get_ordinal_ranks (&var);

    for (guint i = 0; i < array->len; i++)
      {
        CsLevel *level = g_ptr_array_index (array, i);

        g_free (level->code);
        g_free (level->display);
      }
    return ranks;
  }
}

static void
test_ordinal_stages (void)
{
  static const char *const t_levels[] = { "cT2|T2", "cT4|T4", "cT1a|T1a", "Tis", "TX", "cT1|T1", NULL };
  static const char *const n_levels[] = { "cN0", "cN3", "pN1", "NX", NULL };
  static const char *const m_levels[] = { "M1c", "M0", "M1a", NULL };
  static const char *const groups[] = { "3B|IIIB", "1A|IA", "4|IV", "3A|IIIA", "2|II", NULL };
  static const char *const stage_words[] = { "Stage IIa", "Stage IV", "stage 0", NULL };
  static const char *const arabic[] = { "1", "2", "3", "4", NULL };
  static const char *const mixed[] = { "T2", "N1", NULL };
  static const char *const words[] = { "Male", "Female", NULL };
  static const char *const one_known[] = { "T2", "TX", NULL };
  static const char *const near_misses[] = { "IIIB", "Invasive", NULL };
  double *r;

  r = ordinal_ranks ("t_stage", t_levels);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r[0], ==, 2);
  g_assert_cmpfloat (r[1], ==, 4);
  g_assert_cmpfloat_with_epsilon (r[2], 1.1, 1e-12);
  g_assert_cmpfloat (r[3], ==, 0.5);
  g_assert_true (isnan (r[4]));
  g_assert_cmpfloat (r[5], <, r[2]);
  g_free (r);

  r = ordinal_ranks ("n_stage", n_levels);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r[0], ==, 0);
  g_assert_cmpfloat (r[1], ==, 3);
  g_assert_cmpfloat (r[2], ==, 1);
  g_assert_true (isnan (r[3]));
  g_free (r);

  r = ordinal_ranks ("m", m_levels);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r[1], <, r[2]);
  g_assert_cmpfloat (r[2], <, r[0]);
  g_free (r);

  /* stage groups: arabic codes are read through their roman displays */
  r = ordinal_ranks ("stage_group", groups);
  g_assert_nonnull (r);
  g_assert_cmpfloat_with_epsilon (r[0], 3.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (r[1], 1.1, 1e-12);
  g_assert_cmpfloat (r[2], ==, 4);
  g_assert_cmpfloat (r[3], <, r[0]);
  g_assert_cmpfloat (r[4], ==, 2);
  g_free (r);

  r = ordinal_ranks ("overall", stage_words);
  g_assert_nonnull (r);
  g_assert_cmpfloat_with_epsilon (r[0], 2.1, 1e-12);
  g_assert_cmpfloat (r[2], ==, 0);
  g_free (r);

  /* bare numbers are stages only where the variable says so */
  r = ordinal_ranks ("Overall.Stage", arabic);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r[3], ==, 4);
  g_free (r);
  g_assert_null (ordinal_ranks ("ecog_code", arabic));

  g_assert_null (ordinal_ranks ("x", mixed));
  g_assert_null (ordinal_ranks ("gender", words));
  g_assert_null (ordinal_ranks ("t", one_known));
  g_assert_null (ordinal_ranks ("x", near_misses));

  {
    CsVariable num = { .key = (char *) "age", .type = CS_VARIABLE_NUMERIC };

    g_assert_null (cs_variable_get_ordinal_ranks (&num));
  }
}

/* ---------------------------------------------------------------- references */

static void
test_references (void)
{
  static const Fixture fixtures[] = {
    /* before its Patient, by urn:uuid fullUrl */
    { NULL, OBS_NUM ("o1", "urn:uuid:11111111-0000-0000-0000-000000000001", "8302-2", "Body Height", "150", "cm", "") },
    { "urn:uuid:11111111-0000-0000-0000-000000000001", PATIENT ("p1", "") },
    { "http://example.org/fhir/Patient/p2", PATIENT ("p2", "") },
    { NULL, PATIENT ("p3", "") },
    { NULL, OBS_NUM ("o2", "Patient/p2", "8302-2", "Body Height", "160", "cm", "") },
    { NULL, OBS_NUM ("o3", "https://other.server/base/Patient/p3/_history/4", "8302-2", "Body Height", "170", "cm", "") },
    { NULL, OBS_NUM ("o4", "Patient/nobody", "8302-2", "Body Height", "999", "cm", "") },
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"subject\":{\"reference\":\"http://example.org/fhir/Patient/p2\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"254637007\",\"display\":\"Non-small cell lung cancer\"}]}}" },
    { NULL, "{\"resourceType\":\"Organization\",\"id\":\"org\"}" },
    { NULL, "{\"resourceType\":\"Claim\",\"id\":\"cl1\",\"patient\":{\"reference\":\"Patient/p1\"}}" },
  };
  g_auto(Loaded) loaded = { 0 };
  GArray *resources;
  GPtrArray *types;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);

  g_assert_cmpuint (cs_store_get_n_patients (loaded.store), ==, 3);
  g_assert_cmpstr (cs_store_get_patient_id (loaded.store, 0), ==, "p1");
  g_assert_cmpstr (cs_store_get_patient_id (loaded.store, 2), ==, "p3");
  g_assert_cmpint (cs_store_find_patient (loaded.store, "nobody"), ==, -1);
  assert_cell (loaded.store, "body_height", "p1", "150");
  assert_cell (loaded.store, "body_height", "p2", "160");
  assert_cell (loaded.store, "body_height", "p3", "170");
  assert_cell (loaded.store, "condition.254637007", "p2", "true");
  assert_cell (loaded.store, "condition.254637007", "p1", "false");

  g_assert_cmpuint (cs_store_get_n_resources (loaded.store), ==, G_N_ELEMENTS (fixtures));
  g_assert_cmpuint (cs_store_count_resources (loaded.store, "Observation"), ==, 4);
  g_assert_cmpuint (cs_store_count_resources (loaded.store, "Patient"), ==, 3);
  g_assert_cmpuint (cs_store_count_resources (loaded.store, "ImagingStudy"), ==, 0);
  g_assert_cmpuint (cs_store_get_n_unresolved (loaded.store), ==, 1);
  g_assert_true (has_warning (loaded.store, "1 resource refers to a patient"));
  g_assert_cmpint (cs_store_get_resource_row (loaded.store, 6), ==, -1);
  g_assert_cmpint (cs_store_get_resource_row (loaded.store, 0), ==, 0);

  types = cs_store_get_resource_types (loaded.store);
  g_assert_cmpuint (types->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (types, 0), ==, "Claim");
  g_assert_cmpstr (g_ptr_array_index (types, 4), ==, "Patient");

  resources = cs_store_get_patient_resources (loaded.store, 0);
  g_assert_cmpuint (resources->len, ==, 3);     /* o1, the Patient, the Claim */
  g_assert_cmpuint (g_array_index (resources, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (resources, guint, 1), ==, 1);
  g_assert_cmpuint (g_array_index (resources, guint, 2), ==, 9);
  resources = cs_store_get_patient_resources (loaded.store, 1);
  g_assert_cmpuint (resources->len, ==, 3);     /* Patient, o2, c1 */
}

/* ---------------------------------------------------------------- latest */

static void
test_latest_value (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, PATIENT ("q", "") },
    { NULL, PATIENT ("r", "") },
    { NULL, OBS_NUM ("1", "Patient/p", "29463-7", "Body Weight", "70", "kg", ",\"effectiveDateTime\":\"2019-05-01\"") },
    { NULL, OBS_NUM ("2", "Patient/p", "29463-7", "Body Weight", "80", "kg", ",\"effectiveDateTime\":\"2021-01-01T00:00:00Z\"") },
    { NULL, OBS_NUM ("3", "Patient/p", "29463-7", "Body Weight", "75", "kg", ",\"effectiveDateTime\":\"2020-06-01\"") },
    /* ties: the last in input wins */
    { NULL, OBS_NUM ("4", "Patient/q", "29463-7", "Body Weight", "60", "kg", ",\"effectivePeriod\":{\"start\":\"2020-01-01\"}") },
    { NULL, OBS_NUM ("5", "Patient/q", "29463-7", "Body Weight", "61", "kg", ",\"effectiveDateTime\":\"2020-01-01\"") },
    { NULL, OBS_NUM ("6", "Patient/q", "29463-7", "Body Weight", "59", "kg", ",\"issued\":\"2019-12-31T23:59:59Z\"") },
    /* a dated value beats an undated one, whatever the order */
    { NULL, OBS_NUM ("7", "Patient/r", "29463-7", "Body Weight", "90", "kg", ",\"issued\":\"2001-01-01T00:00:00Z\"") },
    { NULL, OBS_NUM ("8", "Patient/r", "29463-7", "Body Weight", "91", "kg", "") },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  assert_cell (loaded.store, "body_weight", "p", "80");
  assert_cell (loaded.store, "body_weight", "q", "61");
  assert_cell (loaded.store, "body_weight", "r", "90");

  var = cs_store_find_variable (loaded.store, "http://loinc.org|29463-7");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->key, ==, "body_weight");
  g_assert_true (cs_store_find_variable (loaded.store, "29463-7") == var);
  g_assert_cmpstr (var->label, ==, "Body Weight");
  g_assert_cmpuint (var->codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (var->codes, 0), ==, "http://loinc.org|29463-7");
  g_assert_null (cs_store_find_variable (loaded.store, "0000-0"));
}

/* A code that holds a "|" (a SNOMED expression, say): "system|code" splits at
 * the first "|" (a system, a URI, has none), so the variable is found by the
 * whole code, in the store and in filters alike */
static void
test_code_with_bar (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, OBS_NUM ("1", "Patient/p", "1234|x", "Odd code", "7", "mm", "") },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  var = cs_store_find_variable (loaded.store, "http://loinc.org|1234|x");
  g_assert_nonnull (var);
  g_assert_true (cs_store_find_variable (loaded.store, "1234|x") == var);
  g_assert_null (cs_store_find_variable (loaded.store, "x"));
  g_assert_true (cs_variable_has_code (var, "1234|x"));
  g_assert_false (cs_variable_has_code (var, "x"));
}

/* ---------------------------------------------------------------- components */

#define BP(id, subject, sys, dia) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\",\"display\":\"Blood pressure panel\"}]}," \
  "\"subject\":{\"reference\":\"" subject "\"},\"effectiveDateTime\":\"2012-09-17\",\"component\":[" \
  "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\"}]}," \
  "\"valueQuantity\":{\"value\":" sys ",\"unit\":\"mmHg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}," \
  "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\",\"display\":\"Diastolic blood pressure\"}]}," \
  "\"valueQuantity\":{\"value\":" dia ",\"unit\":\"mmHg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}]}"

static void
test_components (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, PATIENT ("q", "") },
    { NULL, BP ("bp1", "Patient/p", "107", "60") },
    { NULL, BP ("bp2", "Patient/q", "140.5", "90") },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  assert_cell (loaded.store, "systolic_blood_pressure", "p", "107");
  assert_cell (loaded.store, "diastolic_blood_pressure", "p", "60");
  assert_cell (loaded.store, "systolic_blood_pressure", "q", "140.5");
  var = cs_store_lookup_variable (loaded.store, "systolic_blood_pressure");
  g_assert_cmpstr (var->unit, ==, "mm[Hg]");
  g_assert_cmpstr (var->group, ==, "Observation");
  /* the panel itself has no value: no variable */
  g_assert_null (cs_store_lookup_variable (loaded.store, "blood_pressure_panel"));
}

/* ---------------------------------------------------------------- conflicts */

#define OBS_VALUE(id, subject, code, text, value) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
  "\"code\":{\"coding\":[{\"system\":\"http://example.org/codes\",\"code\":\"" code "\"}],\"text\":\"" text "\"}," \
  "\"subject\":{\"reference\":\"" subject "\"}," value "}"

static void
test_type_conflicts (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, PATIENT ("q", "") },
    { NULL, PATIENT ("r", "") },
    { NULL, OBS_VALUE ("1", "Patient/p", "x", "Tumour size", "\"valueQuantity\":{\"value\":12,\"unit\":\"mm\"}") },
    { NULL, OBS_VALUE ("2", "Patient/q", "x", "Tumour size", "\"valueString\":\"large\"") },
    { NULL, OBS_VALUE ("3", "Patient/r", "x", "Tumour size", "\"valueInteger\":7") },
    { NULL, OBS_VALUE ("4", "Patient/q", "x", "Tumour size", "\"valueQuantity\":{\"value\":3,\"unit\":\"cm\"}") },
    { NULL, OBS_VALUE ("5", "Patient/p", "y", "Eye colour", "\"valueString\":\"blue\"") },
    { NULL, OBS_VALUE ("6", "Patient/q", "y", "Eye colour", "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"371246006\",\"display\":\"Green\"}]}") },
    { NULL, OBS_VALUE ("7", "Patient/p", "z", "Ratio thing", "\"valueRatio\":{\"numerator\":{\"value\":1}}") },
    { NULL, OBS_VALUE ("8", "Patient/p", "b", "Smoker ever", "\"valueBoolean\":true") },
    { NULL, OBS_VALUE ("9", "Patient/q", "b", "Smoker ever", "\"valueBoolean\":false") },
    { NULL, OBS_VALUE ("10", "Patient/p", "d", "Last visit", "\"valueDateTime\":\"2020-02-03T04:05:06Z\"") },
    { NULL, OBS_VALUE ("11", "Patient/q", "d", "Last visit", "\"valueString\":\"unknown\"") },
    { NULL, OBS_VALUE ("12", "Patient/r", "", "Free text only", "\"valueString\":\"x\"") },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);

  /* nothing is dropped: mm converts to cm (the most frequent unit; ties:
   * byte order); values without a unit and coded values are variables of
   * their own, named after the main one */
  var = cs_store_lookup_variable (loaded.store, "tumour_size");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_NUMERIC);
  g_assert_cmpstr (var->unit, ==, "cm");
  assert_cell (loaded.store, "tumour_size", "p", "1.2");
  assert_cell (loaded.store, "tumour_size", "q", "3");
  assert_cell (loaded.store, "tumour_size", "r", "");
  g_assert_cmpuint (var->n, ==, 2);
  var = cs_store_lookup_variable (loaded.store, "tumour_size_no_unit");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_NUMERIC);
  g_assert_null (var->unit);
  g_assert_cmpstr (var->label, ==, "Tumour size (no unit)");
  g_assert_cmpstr (g_ptr_array_index (var->codes, 0), ==, "http://example.org/codes|x");
  assert_cell (loaded.store, "tumour_size_no_unit", "r", "7");
  var = cs_store_lookup_variable (loaded.store, "tumour_size_coded");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_CATEGORICAL);
  g_assert_cmpstr (var->label, ==, "Tumour size (coded or text)");
  assert_cell (loaded.store, "tumour_size_coded", "q", "large");
  g_assert_true (cs_store_find_variable (loaded.store, "x") == cs_store_lookup_variable (loaded.store, "tumour_size"));
  g_assert_true (has_warning (loaded.store, "“Tumour size” (http://example.org/codes|x): 1 value in “no unit” does not convert to “cm”; it is in the variable “tumour_size_no_unit”"));
  g_assert_true (has_warning (loaded.store, "“Tumour size” (http://example.org/codes|x): 1 value of another type (categorical) is in the variable “tumour_size_coded”, next to “tumour_size” (numeric)"));

  var = cs_store_lookup_variable (loaded.store, "eye_colour");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_CATEGORICAL);
  g_assert_cmpuint (var->levels->len, ==, 2);
  /* levels sorted by code */
  g_assert_cmpstr (((CsLevel *) g_ptr_array_index (var->levels, 0))->code, ==, "371246006");
  g_assert_cmpstr (((CsLevel *) g_ptr_array_index (var->levels, 1))->code, ==, "blue");
  g_assert_cmpuint (((CsLevel *) g_ptr_array_index (var->levels, 1))->n, ==, 1);
  assert_cell (loaded.store, "eye_colour", "p", "blue");
  assert_cell (loaded.store, "eye_colour", "q", "371246006");
  {
    g_autofree char *label = cs_variable_format_cell (var, 1, TRUE);

    g_assert_cmpstr (label, ==, "Green");
  }

  g_assert_null (cs_store_lookup_variable (loaded.store, "ratio_thing"));
  g_assert_true (has_warning (loaded.store, "1 values of an unsupported type"));

  assert_cell (loaded.store, "smoker_ever", "p", "true");
  assert_cell (loaded.store, "smoker_ever", "q", "false");
  assert_cell (loaded.store, "smoker_ever", "r", "");
  g_assert_cmpint (cs_store_lookup_variable (loaded.store, "smoker_ever")->type, ==, CS_VARIABLE_BOOLEAN);

  /* one date and one text: a tie, which the date wins (numeric > date > boolean > coded) */
  var = cs_store_lookup_variable (loaded.store, "last_visit");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_DATE);
  assert_cell (loaded.store, "last_visit", "p", "2020-02-03");
  assert_cell (loaded.store, "last_visit", "q", "");
  assert_cell (loaded.store, "last_visit_coded", "q", "unknown");
  g_assert_true (has_warning (loaded.store, "is in the variable “last_visit_coded”, next to “last_visit” (date)"));
}

/* ---------------------------------------------------------------- radiomics */

#define FEATURE(id, subject, name, value, focus, when) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
  "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"imaging\"}]}]," \
  "\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io/features\",\"code\":\"" name "\"}],\"text\":\"" name "\"}," \
  "\"subject\":{\"reference\":\"" subject "\"}" focus when "," \
  "\"valueQuantity\":{\"value\":" value "}}"
#define FOCUS(x) ",\"focus\":[{\"reference\":\"BodyStructure/" x "\"}]"

static void
test_rollup (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, PATIENT ("q", "") },
    { NULL, PATIENT ("r", "") },
    /* p: two lesions by focus; lesion b is the largest */
    { NULL, FEATURE ("1", "Patient/p", "original_shape_MeshVolume", "100", FOCUS ("a"), "") },
    { NULL, FEATURE ("2", "Patient/p", "original_firstorder_Energy", "1.5", FOCUS ("a"), "") },
    { NULL, FEATURE ("3", "Patient/p", "original_shape_MeshVolume", "300", FOCUS ("b"), "") },
    { NULL, FEATURE ("4", "Patient/p", "original_firstorder_Energy", "0.5", FOCUS ("b"), "") },
    /* q: two lesions as group Observations (hasMember); lesion g1 the largest */
    { NULL, FEATURE ("5", "Patient/q", "original_shape_MeshVolume", "50", "", "") },
    { NULL, FEATURE ("6", "Patient/q", "original_firstorder_Energy", "7", "", "") },
    { NULL, FEATURE ("7", "Patient/q", "original_shape_MeshVolume", "20", "", "") },
    { NULL, FEATURE ("8", "Patient/q", "original_firstorder_Energy", "9", "", "") },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"g1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"125007\",\"display\":\"Measurement Group\"}]},"
            "\"hasMember\":[{\"reference\":\"Observation/5\"},{\"reference\":\"Observation/6\"}]}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"g2\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"125007\",\"display\":\"Measurement Group\"}]},"
            "\"hasMember\":[{\"reference\":\"Observation/7\"},{\"reference\":\"Observation/8\"}]}" },
    /* r: component form, one Observation per lesion; the second is the largest */
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"c1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/r\"},"
            "\"derivedFrom\":[{\"reference\":\"ImagingStudy/s1\"}],"
            "\"code\":{\"text\":\"Radiomics features\"},\"component\":["
            "{\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io/features\",\"code\":\"original_shape_MeshVolume\"}],\"text\":\"original_shape_MeshVolume\"},\"valueQuantity\":{\"value\":10}},"
            "{\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io/features\",\"code\":\"original_firstorder_Energy\"}],\"text\":\"original_firstorder_Energy\"},\"valueQuantity\":{\"value\":4}}]}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"c2\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/r\"},"
            "\"derivedFrom\":[{\"reference\":\"ImagingStudy/s1\"}],"
            "\"code\":{\"text\":\"Radiomics features\"},\"component\":["
            "{\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io/features\",\"code\":\"original_shape_MeshVolume\"}],\"text\":\"original_shape_MeshVolume\"},\"valueQuantity\":{\"value\":30}},"
            "{\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io/features\",\"code\":\"original_firstorder_Energy\"}],\"text\":\"original_firstorder_Energy\"},\"valueQuantity\":{\"value\":2}}]}" },
  };
  static const struct {
    CsRollup rollup;
    const char *energy[3];
    const char *volume[3];
  } expected[] = {
    { CS_ROLLUP_LATEST,         { "0.5", "9", "2" },     { "300", "20", "30" } },
    { CS_ROLLUP_LARGEST_LESION, { "0.5", "7", "2" },     { "300", "50", "30" } },
    { CS_ROLLUP_MAX,            { "1.5", "9", "4" },     { "300", "50", "30" } },
    { CS_ROLLUP_MEAN,           { "1", "8", "3" },       { "200", "35", "20" } },
    { CS_ROLLUP_SUM,            { "2", "16", "6" },      { "400", "70", "40" } },
    { CS_ROLLUP_COUNT,          { "2", "2", "2" },       { "2", "2", "2" } },
    { CS_ROLLUP_LATEST,         { "0.5", "9", "2" },     { "300", "20", "30" } },
  };
  static const char *patients[] = { "p", "q", "r" };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *var;
  CsRollup parsed;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  var = cs_store_lookup_variable (loaded.store, "original_shape_meshvolume");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->group, ==, "Radiomics");
  g_assert_cmpint (cs_store_get_rollup (loaded.store), ==, CS_ROLLUP_LATEST);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      cs_store_set_rollup (loaded.store, expected[i].rollup);
      g_assert_cmpint (cs_store_get_rollup (loaded.store), ==, expected[i].rollup);
      for (guint j = 0; j < G_N_ELEMENTS (patients); j++)
        {
          g_test_message ("rollup %s patient %s", cs_rollup_to_string (expected[i].rollup), patients[j]);
          assert_cell (loaded.store, "original_firstorder_energy", patients[j], expected[i].energy[j]);
          assert_cell (loaded.store, "original_shape_meshvolume", patients[j], expected[i].volume[j]);
        }
      g_assert_cmpuint (var->n, ==, 3);
    }

  g_assert_true (cs_rollup_from_string ("largest-lesion", &parsed));
  g_assert_cmpint (parsed, ==, CS_ROLLUP_LARGEST_LESION);
  g_assert_false (cs_rollup_from_string ("median", &parsed));
}

/* ---------------------------------------------------------------- clinical */

static void
test_clinical (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", ",\"gender\":\"male\",\"birthDate\":\"1950-01-01\",\"deceasedDateTime\":\"2012-01-01\"") },
    { NULL, PATIENT ("q", ",\"gender\":\"female\",\"birthDate\":\"1960-07-01\"") },
    { NULL, PATIENT ("r", ",\"gender\":\"other\",\"birthDate\":\"1970-01-01\",\"deceasedBoolean\":false") },
    /* p: a non-cancer Condition first, then the primary cancer with stage and histology */
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"c0\",\"subject\":{\"reference\":\"Patient/p\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\",\"display\":\"Diabetes mellitus type 2\"}]},\"onsetDateTime\":\"2000-01-01\"}" },
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"subject\":{\"reference\":\"Patient/p\"},"
            "\"extension\":[{\"url\":\"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior\","
            "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"35917007\",\"display\":\"Adenocarcinoma\"}]}}],"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"254637007\",\"display\":\"Non-small cell lung cancer\"}]},"
            "\"onsetDateTime\":\"2010-01-01\",\"stage\":[{\"summary\":{\"coding\":[{\"system\":\"http://cancerstaging.org\",\"code\":\"3A\",\"display\":\"Stage IIIA\"}]}}]}" },
    /* q: onsetAge, survival time in months with vital status dead */
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"c2\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"254637007\",\"display\":\"Non-small cell lung cancer\"}]},"
            "\"onsetAge\":{\"value\":61.5,\"unit\":\"years\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"a\"}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"s1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"445320007\",\"display\":\"Survival time\"}]},"
            "\"valueQuantity\":{\"value\":12,\"unit\":\"months\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mo\"}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"v1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"75186-7\",\"display\":\"Vital status\"}]},"
            "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"419099009\",\"display\":\"Dead\"}]}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"sm\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"72166-2\",\"display\":\"Tobacco smoking status\"}]},"
            "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"8517006\",\"display\":\"Ex-smoker\"}]}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"st\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"399537006\",\"display\":\"Clinical TNM stage grouping\"}]},"
            "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://cancerstaging.org\",\"code\":\"1A\"}]}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"tt\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/q\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"21905-5\"}]},"
            "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://cancerstaging.org\",\"code\":\"T1a\"}]}}" },
    /* cancelled and entered-in-error values are skipped */
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"x\",\"status\":\"entered-in-error\",\"subject\":{\"reference\":\"Patient/r\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"72166-2\"}]},\"valueString\":\"wrong\"}" },
    /* r: Condition onset and an Encounter later: censored survival from dates */
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"c3\",\"subject\":{\"reference\":\"Patient/r\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"363358000\",\"display\":\"Malignant tumor of lung\"}]},"
            "\"onsetDateTime\":\"2020-01-01T00:00:00Z\"}" },
    { NULL, "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"subject\":{\"reference\":\"Patient/r\"},"
            "\"period\":{\"start\":\"2020-03-01T00:00:00Z\",\"end\":\"2020-03-11T00:00:00Z\"}}" },
    /* ImagingStudies */
    { NULL, "{\"resourceType\":\"ImagingStudy\",\"id\":\"i1\",\"subject\":{\"reference\":\"Patient/p\"},\"started\":\"2010-02-01\","
            "\"identifier\":[{\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:1.2.3.4\"}],"
            "\"modality\":[{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"CT\"}]}" },
    { NULL, "{\"resourceType\":\"ImagingStudy\",\"id\":\"i2\",\"subject\":{\"reference\":\"Patient/p\"},\"started\":\"2011-02-01\","
            "\"identifier\":[{\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:1.2.3.5\"}],"
            "\"series\":[{\"uid\":\"9\",\"modality\":{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"PT\"}}]}" },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *os;
  GPtrArray *uids;
  int q;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);

  assert_cell (loaded.store, "diagnosis", "p", "254637007");
  assert_cell (loaded.store, "diagnosis", "r", "363358000");
  assert_cell (loaded.store, "condition.44054006", "p", "true");
  assert_cell (loaded.store, "condition.44054006", "q", "false");
  assert_cell (loaded.store, "condition.254637007", "q", "true");
  assert_cell (loaded.store, "age_at_diagnosis", "p", "60");
  assert_cell (loaded.store, "age_at_diagnosis", "q", "61.5");
  assert_cell (loaded.store, "stage", "p", "3A");
  assert_cell (loaded.store, "stage", "q", "");
  assert_cell (loaded.store, "histology", "p", "35917007");
  assert_cell (loaded.store, "smoking_status", "q", "8517006");
  assert_cell (loaded.store, "smoking_status", "r", "");
  assert_cell (loaded.store, "stage_group", "q", "1A");
  assert_cell (loaded.store, "t_stage", "q", "T1a");
  assert_cell (loaded.store, "survival_time", "q", "365.25");
  assert_cell (loaded.store, "vital_status", "q", "419099009");
  assert_cell (loaded.store, "deceased", "p", "true");
  assert_cell (loaded.store, "deceased", "q", "false");
  assert_cell (loaded.store, "deceased", "r", "false");
  g_assert_true (has_warning (loaded.store, "1 Observation or Condition was skipped"));

  /* survival: p from dates (death), q from survival_time + vital status, r censored */
  assert_cell (loaded.store, "os", "p", "730");
  assert_cell (loaded.store, "os", "q", "365.25");
  assert_cell (loaded.store, "os", "r", "70");
  os = cs_store_lookup_variable (loaded.store, "os");
  g_assert_cmpint (os->type, ==, CS_VARIABLE_SURVIVAL);
  g_assert_cmpstr (os->unit, ==, "d");
  q = cs_store_find_patient (loaded.store, "q");
  g_assert_cmpuint (os->event[0], ==, 1);
  g_assert_cmpuint (os->event[q], ==, 1);
  g_assert_cmpuint (os->event[2], ==, 0);

  /* imaging */
  assert_cell (loaded.store, "imaging_modality", "p", "PT");
  assert_cell (loaded.store, "study_date", "p", "2011-02-01");
  assert_cell (loaded.store, "n_imaging_studies", "p", "2");
  assert_cell (loaded.store, "n_imaging_studies", "q", "0");
  uids = cs_store_get_patient_study_uids (loaded.store, 0);
  g_assert_cmpuint (uids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (uids, 0), ==, "1.2.3.4");
  g_assert_cmpstr (g_ptr_array_index (uids, 1), ==, "1.2.3.5");
  g_assert_cmpuint (cs_store_get_patient_study_uids (loaded.store, 1)->len, ==, 0);

  /* order: Patient, Condition, Observation, Imaging, Radiomics, Survival; by key */
  {
    static const char *order[] = {
      "birth_date", "death_date", "deceased", "gender",
      "age_at_diagnosis", "condition.254637007", "condition.363358000", "condition.44054006",
      "diagnosis", "histology", "stage",
      "smoking_status", "stage_group", "t_stage",
      "imaging_modality", "n_imaging_studies", "study_date",
      "os", "survival_time", "vital_status",
    };

    g_assert_cmpuint (cs_store_get_n_variables (loaded.store), ==, G_N_ELEMENTS (order));
    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      g_assert_cmpstr (cs_store_get_variable (loaded.store, i)->key, ==, order[i]);
  }
}

/* ---------------------------------------------------------------- resources */

static void
test_resource_json (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", ",\"gender\":\"male\",\"birthDate\":\"1950-01-01\"") },
    { NULL, OBS_NUM ("o1", "Patient/p", "8302-2", "Body height", "177", "cm", ",\"effectiveDateTime\":\"2019-05-01T10:00:00Z\"") },
  };
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *desc = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *missing = NULL;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);

  json = cs_store_get_resource_json (loaded.store, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"id\": \"o1\""));
  g_assert_nonnull (strstr (json, "\n  \"status\": \"final\""));
  g_assert_cmpstr (cs_store_get_resource_type (loaded.store, 1), ==, "Observation");
  g_assert_cmpstr (cs_store_get_resource_id (loaded.store, 1), ==, "o1");

  desc = cs_store_describe_resource (loaded.store, 1);
  g_assert_cmpstr (desc, ==, "Observation 8302-2 Body height: 177 cm, 2019-05-01");
  patient = cs_store_describe_resource (loaded.store, 0);
  g_assert_cmpstr (patient, ==, "Patient p, male, 1950-01-01");

  missing = cs_store_get_resource_json (loaded.store, 7, &error);
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE);
  g_assert_null (missing);
  g_clear_error (&error);

  /* the file changed under us: a clear error, no crash */
  g_file_set_contents (loaded.path, "{}", -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&json, g_free);
  json = cs_store_get_resource_json (loaded.store, 1, &error);
  g_assert_null (json);
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE);
  g_assert_nonnull (strstr (error->message, loaded.path));
}

static void
test_duplicates_and_empty (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", ",\"gender\":\"male\"") },
    { NULL, PATIENT ("p", ",\"gender\":\"female\",\"birthDate\":\"1999-09-09\"") },
    { "urn:uuid:no-id", "{\"resourceType\":\"Patient\",\"gender\":\"unknown\"}" },
    { NULL, OBS_NUM ("o", "urn:uuid:no-id", "8302-2", "Body Height", "50", "cm", "") },
  };
  g_auto(Loaded) loaded = { 0 };
  g_auto(Loaded) empty = { 0 };
  g_autoptr(GError) error = NULL;
  CsResourceRecord record = { 0 };

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  g_assert_cmpuint (cs_store_get_n_patients (loaded.store), ==, 2);
  g_assert_cmpuint (cs_store_count_resources (loaded.store, "Patient"), ==, 3);
  assert_cell (loaded.store, "gender", "p", "female");
  assert_cell (loaded.store, "birth_date", "p", "1999-09-09");
  assert_cell (loaded.store, "gender", "urn:uuid:no-id", "unknown");
  assert_cell (loaded.store, "body_height", "urn:uuid:no-id", "50");

  /* adding after finish is an error */
  record.resource_type = "Patient";
  record.id = "late";
  record.resource = NULL;
  g_assert_false (cs_store_add_resource (&record, loaded.store, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED);

  load_fixtures (&empty, NULL, 0, TRUE);
  g_assert_cmpuint (cs_store_get_n_patients (empty.store), ==, 0);
  g_assert_cmpuint (cs_store_get_n_variables (empty.store), ==, 3);
  g_assert_null (cs_store_get_patient_id (empty.store, 0));
  g_assert_null (cs_store_get_variable (empty.store, 3));
  g_assert_null (cs_store_lookup_variable (empty.store, "os"));
}

/* Wrong shapes (valid JSON, invalid FHIR) give no values and no crash. */
static void
test_odd_shapes (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", ",\"gender\":7,\"birthDate\":\"not a date\",\"deceasedBoolean\":\"yes\"") },
    { NULL, "{\"resourceType\":\"Observation\",\"subject\":\"Patient/p\",\"code\":\"8302-2\",\"valueQuantity\":5}" },
    { NULL, "{\"resourceType\":\"Observation\",\"subject\":[{\"reference\":\"Patient/p\"}],\"code\":{\"coding\":{\"code\":\"x\"}},"
            "\"category\":{\"coding\":7},\"focus\":{\"reference\":3},\"component\":{\"code\":1},\"hasMember\":[1,{\"reference\":null}],"
            "\"valueQuantity\":{\"value\":\"12\"}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/p\"},"
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}],\"text\":\"Height\"},"
            "\"effectiveDateTime\":\"13/01/2020\",\"valueQuantity\":{\"value\":170,\"unit\":[\"cm\"]}}" },
    { NULL, "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/\"},\"code\":{\"coding\":[{\"code\":\"\"}]},"
            "\"stage\":\"III\",\"onsetAge\":{\"value\":50,\"unit\":\"parsecs\"}}" },
    { NULL, "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},\"code\":{\"text\":\"no coding\"},"
            "\"stage\":[{\"summary\":{}}],\"extension\":[{\"url\":\"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior\"}]}" },
    { NULL, "{\"resourceType\":\"ImagingStudy\",\"subject\":{\"reference\":\"Patient/p\"},\"started\":2020,\"modality\":\"CT\","
            "\"identifier\":[{\"system\":\"urn:dicom:uid\",\"value\":\"\"}],\"series\":[]}" },
  };
  g_auto(Loaded) loaded = { 0 };

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  g_assert_cmpuint (cs_store_get_n_patients (loaded.store), ==, 1);
  assert_cell (loaded.store, "gender", "p", "");
  assert_cell (loaded.store, "birth_date", "p", "");
  assert_cell (loaded.store, "deceased", "p", "false");
  assert_cell (loaded.store, "height", "p", "170");   /* unit not a string: no unit */
  assert_cell (loaded.store, "n_imaging_studies", "p", "1");
  g_assert_null (cs_store_lookup_variable (loaded.store, "study_date"));
  g_assert_null (cs_store_lookup_variable (loaded.store, "imaging_modality"));
  g_assert_null (cs_store_lookup_variable (loaded.store, "diagnosis"));
  g_assert_null (cs_store_lookup_variable (loaded.store, "age_at_diagnosis"));
  g_assert_cmpuint (cs_store_get_patient_study_uids (loaded.store, 0)->len, ==, 0);
  g_assert_cmpuint (cs_store_get_n_unresolved (loaded.store), ==, 1);
}

/* ---------------------------------------------------------------- loading */

#define BUNDLE \
  "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" \
  "{\"fullUrl\":\"urn:uuid:aaaa\",\"resource\":" PATIENT ("pa", ",\"gender\":\"female\"") ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}," \
  "{\"fullUrl\":\"urn:uuid:bbbb\",\"resource\":" OBS_NUM ("ob", "urn:uuid:aaaa", "8302-2", "Body Height", "163.25", "cm", "") "}," \
  "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/gone\"}}]}"

typedef struct
{
  GMainLoop *loop;
  CsStore   *store;
  GError    *error;
  GThread   *main_thread;
  guint      n_progress;
  gboolean   progress_off_thread;
} AsyncData;

static void
on_progress (guint64  done,
             guint64  total,
             guint64  n_resources,
             gpointer user_data)
{
  AsyncData *data = user_data;

  data->n_progress++;
  if (g_thread_self () != data->main_thread)
    data->progress_off_thread = TRUE;
  g_assert_cmpuint (done, <=, total);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->store = cs_store_load_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

/* Progress reaches the caller's thread even when that thread is not iterating
 * its context while the load runs (it used to be called right on the loading
 * thread then, through g_main_context_invoke: a GUI progress bar updated off
 * the main thread). */
static void
test_load_async_progress_thread (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  AsyncData data = { 0 };
  char *paths[2] = { NULL, NULL };
  int fd;

  fd = g_file_open_tmp ("cs-store-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, BUNDLE, -1, &error);
  g_assert_no_error (error);

  data.loop = g_main_loop_new (NULL, FALSE);
  data.main_thread = g_thread_self ();
  paths[0] = path;
  cs_store_load_async (paths, on_progress, &data, NULL, on_loaded, &data);
  /* the main context is free and not iterated while the small load runs */
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_false (data.progress_off_thread);
  g_assert_cmpuint (data.n_progress, ==, 0);
  g_main_loop_run (data.loop);

  g_assert_no_error (data.error);
  g_assert_nonnull (data.store);
  g_assert_false (data.progress_off_thread);
  g_assert_cmpuint (data.n_progress, >, 0);

  g_clear_object (&data.store);
  g_main_loop_unref (data.loop);
  g_unlink (path);
}

static void
test_load_async (void)
{
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  AsyncData data = { 0 };
  char *paths[3] = { NULL, NULL, NULL };
  int fd;

  fd = g_file_open_tmp ("cs-store-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, BUNDLE, -1, &error);
  g_assert_no_error (error);

  data.loop = g_main_loop_new (NULL, FALSE);
  data.main_thread = g_thread_self ();
  paths[0] = path;
  cs_store_load_async (paths, on_progress, &data, NULL, on_loaded, &data);
  g_main_loop_run (data.loop);

  g_assert_no_error (data.error);
  g_assert_nonnull (data.store);
  g_assert_true (cs_store_is_finished (data.store));
  g_assert_false (data.progress_off_thread);
  g_assert_cmpuint (cs_store_get_n_patients (data.store), ==, 1);
  g_assert_cmpuint (cs_store_get_n_resources (data.store), ==, 2);
  assert_cell (data.store, "body_height", "pa", "163.25");
  assert_cell (data.store, "gender", "pa", "female");

  /* the bytes are re-read from the Bundle at the ingest's offsets */
  json = cs_store_get_resource_json (data.store, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"id\": \"ob\""));
  g_clear_object (&data.store);

  /* a missing file fails with an error naming it */
  paths[1] = (char *) "/nonexistent/cohortscope/missing.json";
  cs_store_load_async (paths, NULL, NULL, NULL, on_loaded, &data);
  g_main_loop_run (data.loop);
  g_assert_null (data.store);
  g_assert_nonnull (data.error);
  g_assert_nonnull (strstr (data.error->message, "missing.json"));
  g_clear_error (&data.error);

  /* cancelled: G_IO_ERROR_CANCELLED, no store */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    paths[1] = NULL;
    g_cancellable_cancel (cancellable);
    cs_store_load_async (paths, NULL, NULL, cancellable, on_loaded, &data);
    g_main_loop_run (data.loop);
    g_assert_null (data.store);
    g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&data.error);
  }

  g_main_loop_unref (data.loop);
  g_unlink (path);
}

typedef struct
{
  guint64 last_done;
  guint64 last_total;
  guint   n_calls;
  gboolean decreased;
} ProgressLog;

static void
log_progress (guint64  done,
              guint64  total,
              guint64  n_resources,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  if (done < log->last_done || total < log->last_total)
    log->decreased = TRUE;
  log->last_done = done;
  log->last_total = total;
  log->n_calls++;
}

static void
on_loaded_quit (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncData *data = user_data;

  data->store = cs_store_load_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

/* Two sources over 64 KiB each: overall progress only grows and ends at the total. */
static void
test_load_progress (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  ProgressLog log = { 0 };
  AsyncData data = { 0 };
  char *paths[3];
  guint64 total;

  dir = g_dir_make_tmp ("cs-store-XXXXXX", &error);
  g_assert_no_error (error);
  first = g_build_filename (dir, "a.ndjson", NULL);
  second = g_build_filename (dir, "b.ndjson", NULL);

  g_string_append (a, PATIENT ("p1", "") "\n");
  g_string_append (b, PATIENT ("p2", "") "\n");
  for (guint i = 0; i < 600; i++)
    {
      g_string_append (a, OBS_NUM ("x", "Patient/p1", "8302-2", "Body Height", "150", "cm", "") "\n");
      g_string_append (b, OBS_NUM ("y", "Patient/p2", "8302-2", "Body Height", "160", "cm", "") "\n");
    }
  g_string_append (b, OBS_NUM ("z", "Patient/p2", "8302-2", "Body Height", "161", "cm", "") "\n");
  g_file_set_contents (first, a->str, (gssize) a->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (second, b->str, (gssize) b->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, >, 128 * 1024);
  total = a->len + b->len;

  data.loop = g_main_loop_new (NULL, FALSE);
  paths[0] = first;
  paths[1] = second;
  paths[2] = NULL;
  cs_store_load_async (paths, log_progress, &log, NULL, on_loaded_quit, &data);
  g_main_loop_run (data.loop);
  /* progress callbacks queued before the result have all run by now */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_no_error (data.error);
  g_assert_cmpuint (cs_store_get_n_resources (data.store), ==, 1203);
  assert_cell (data.store, "body_height", "p2", "161");
  g_assert_cmpuint (log.n_calls, >=, 2);
  g_assert_false (log.decreased);
  g_assert_cmpuint (log.last_total, ==, total);
  g_assert_cmpuint (log.last_done, ==, total);

  g_clear_object (&data.store);
  g_main_loop_unref (data.loop);
  g_unlink (first);
  g_unlink (second);
  g_rmdir (dir);
}

/* Resources from a server (no local file) keep their JSON in the store. */
static void
test_remote_source (void)
{
  static const char *json = OBS_NUM ("r1", "Patient/p", "8302-2", "Body Height", "150", "cm", "");
  g_autoptr(CsStore) store = cs_store_new ();
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(CsJsonDocument) patient = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CsResourceRecord record = { 0 };

  patient = cs_json_document_parse (PATIENT ("p", ""), -1, &error);
  g_assert_no_error (error);
  record.resource = cs_json_document_get_root (patient);
  record.resource_type = "Patient";
  record.id = "p";
  record.source = "https://fhir.example.org/r4";
  g_assert_true (cs_store_add_resource (&record, store, &error));

  doc = cs_json_document_parse (json, -1, &error);
  g_assert_no_error (error);
  record.resource = cs_json_document_get_root (doc);
  record.resource_type = "Observation";
  record.id = "r1";
  record.offset = 123456;   /* meaningless for a server */
  record.length = 7;
  g_assert_true (cs_store_add_resource (&record, store, &error));
  cs_store_finish (store);

  text = cs_store_get_resource_json (store, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"id\": \"r1\""));
  g_assert_nonnull (strstr (text, "\"value\": 150"));
  assert_cell (store, "body_height", "p", "150");
}

/* A server's resources keep the bytes the ingest hands over, exactly (in
 * the spill file, or in memory when there is none or it fails); without
 * them, the store serialises the parsed tree. Adds n resources of about
 * 20 kB and one of 5 MB (bigger than the spill buffer), then checks them. */
static guint64
check_remote_bytes (CsStore *store,
                    guint    n)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *indented = NULL;
  guint64 total = 0;

  for (guint i = 0; i <= n; i++)
    {
      /* odd spacing and escapes */
      gsize pad = i < n ? 20000 + i : 5 * 1024 * 1024;
      g_autofree char *filler = g_strnfill (pad, 'x');
      char *json = g_strdup_printf ("{ \"id\" : \"o%u\",\n  \"resourceType\":\"Observation\", "
                                    "\"note\": [{\"text\": \"\\u00e9\\/%s\"}], \"valueInteger\": 1.50e1 }",
                                    i, filler);
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (json, -1, &error);
      CsResourceRecord record = { 0 };

      g_assert_no_error (error);
      record.resource = cs_json_document_get_root (doc);
      record.resource_type = "Observation";
      record.id = cs_json_get_string (record.resource, "id");
      record.source = "https://fhir.example.org/r4";
      record.offset = 99;
      record.length = strlen (json);
      record.json = json;
      total += record.length;
      g_assert_true (cs_store_add_resource (&record, store, &error));
      g_ptr_array_add (sent, json);
    }
  {
    /* no bytes handed over: the parsed tree, compact */
    g_autoptr(CsJsonDocument) doc = cs_json_document_parse ("{\"resourceType\": \"Patient\", \"id\": \"p\"}", -1, &error);
    CsResourceRecord record = { 0 };

    g_assert_no_error (error);
    record.resource = cs_json_document_get_root (doc);
    record.resource_type = "Patient";
    record.id = "p";
    record.source = "https://fhir.example.org/r4";
    g_assert_true (cs_store_add_resource (&record, store, &error));
    total += strlen ("{\"resourceType\":\"Patient\",\"id\":\"p\"}");
  }
  cs_store_finish (store);

  for (guint i = 0; i <= n; i++)
    {
      gsize len = 0;
      g_autofree char *bytes = cs_store_get_resource_source (store, i, &len, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (bytes, len, g_ptr_array_index (sent, i), strlen (g_ptr_array_index (sent, i)));
    }
  compact = cs_store_get_resource_source (store, n + 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (compact, ==, "{\"resourceType\":\"Patient\",\"id\":\"p\"}");
  indented = cs_store_get_resource_json (store, 3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (indented, "\"id\": \"o3\""));
  g_assert_null (cs_store_get_resource_source (store, n + 2, NULL, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE);
  return total;
}

static int
open_spill_file (const char *mode)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("cs-test-spill-XXXXXX", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  if (g_str_equal (mode, "write-only"))
    {
      close (fd);
      fd = open (path, O_WRONLY | O_CLOEXEC);
      g_assert_cmpint (fd, >=, 0);
    }
  g_unlink (path);
  return fd;
}

/* By default a server's JSON goes to the spill file, not to memory. */
static void
test_remote_bytes (void)
{
  g_autoptr(CsStore) store = cs_store_new ();
  g_autofree char *spill_dir = g_build_filename (g_get_user_cache_dir (), "cohortscope", NULL);
  g_autoptr(GDir) listing = NULL;
  guint64 in_file = 0, in_memory = 0, total;

  total = check_remote_bytes (store, 400);
  _cs_store_get_spill_size (store, &in_file, &in_memory);
  g_assert_cmpuint (in_file, ==, total);
  g_assert_cmpuint (in_memory, ==, 0);

  /* the file is in the cache folder, already unlinked: nothing to clean up */
  listing = g_dir_open (spill_dir, 0, NULL);
  g_assert_nonnull (listing);
  g_assert_null (g_dir_read_name (listing));
}

/* No spill file at all: everything in memory segments (4 MiB, a bigger
 * resource in a bigger one). */
static void
test_remote_bytes_memory (void)
{
  g_autoptr(CsStore) store = cs_store_new ();
  guint64 in_file = 0, in_memory = 0, total;

  _cs_store_set_spill_fd (store, -1);
  total = check_remote_bytes (store, 400);
  _cs_store_get_spill_size (store, &in_file, &in_memory);
  g_assert_cmpuint (in_file, ==, 0);
  g_assert_cmpuint (in_memory, ==, total);
}

/* A full disk at the first write: nothing is lost, the rest stays in memory. */
static void
test_remote_bytes_disk_full (void)
{
  g_autoptr(CsStore) store = cs_store_new ();
  guint64 in_file = 0, in_memory = 0, total;
  int fd = open ("/dev/full", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  _cs_store_set_spill_fd (store, fd);
  total = check_remote_bytes (store, 400);
  _cs_store_get_spill_size (store, &in_file, &in_memory);
  g_assert_cmpuint (in_file, ==, 0);
  g_assert_cmpuint (in_memory, ==, total);
}

/* The file fills up part-way (a file size limit of 3 MB): what was written
 * is read back from the file, the rest from memory. */
static void
test_remote_bytes_fills_up (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CsStore) store = cs_store_new ();
      guint64 in_file = 0, in_memory = 0, total;
      struct rlimit limit = { 3 * 1024 * 1024, 3 * 1024 * 1024 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      _cs_store_set_spill_fd (store, open_spill_file ("read-write"));
      total = check_remote_bytes (store, 400);
      _cs_store_get_spill_size (store, &in_file, &in_memory);
      g_assert_cmpuint (in_file, >, 0);
      g_assert_cmpuint (in_file, <=, 3 * 1024 * 1024);
      g_assert_cmpuint (in_memory, >, 0);
      g_assert_cmpuint (in_file + in_memory, ==, total);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A spill file that cannot be read back gives an error naming the
 * resource, not a crash or wrong bytes. */
static void
test_remote_bytes_unreadable (void)
{
  g_autoptr(CsStore) store = cs_store_new ();
  g_autoptr(CsJsonDocument) doc = cs_json_document_parse (PATIENT ("p", ""), -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  CsResourceRecord record = { 0 };

  _cs_store_set_spill_fd (store, open_spill_file ("write-only"));
  record.resource = cs_json_document_get_root (doc);
  record.resource_type = "Patient";
  record.id = "p";
  record.source = "https://fhir.example.org/r4";
  record.json = PATIENT ("p", "");
  record.length = strlen (record.json);
  g_assert_true (cs_store_add_resource (&record, store, &error));
  cs_store_finish (store);

  bytes = cs_store_get_resource_source (store, 0, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE);
  g_assert_nonnull (strstr (error->message, "Patient/p"));
  g_assert_cmpstr (cs_store_get_patient_id (store, 0), ==, "p");
}


static void
on_variable_added (CsStore *store,
                   guint    index,
                   gpointer data)
{
  GArray *added = data;

  g_array_append_val (added, index);
}

/* Derived variables: a numeric column added after finish, in the group
 * "Derived" after all others; the key must be valid and free. Each one
 * added is announced with its index ("variable-added"). */
static void
test_derived (void)
{
  static const Fixture fixtures[] = {
    { NULL, PATIENT ("p", "") },
    { NULL, PATIENT ("q", "") },
    { NULL, PATIENT ("r", "") },
  };
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) unfinished = cs_store_new ();
  const double values[] = { 1.5, NAN, INFINITY };
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_before;
  CsVariable *var;

  g_assert_null (cs_store_add_derived_variable (unfinished, "signature", NULL, NULL, values, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FINISHED);
  g_clear_error (&error);

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), TRUE);
  g_signal_connect (loaded.store, "variable-added", G_CALLBACK (on_variable_added), added);
  n_before = cs_store_get_n_variables (loaded.store);
  var = cs_store_add_derived_variable (loaded.store, "signature", "Signature score", NULL, values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (var);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpuint (g_array_index (added, guint, 0), ==, n_before);
  g_assert_true (cs_variable_is_derived (var));
  g_assert_cmpuint (cs_store_get_n_variables (loaded.store), ==, n_before + 1);
  g_assert_true (cs_store_get_variable (loaded.store, n_before) == var);
  g_assert_true (cs_store_lookup_variable (loaded.store, "signature") == var);
  g_assert_cmpstr (var->label, ==, "Signature score");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_NUMERIC);
  g_assert_cmpuint (var->n_rows, ==, 3);
  /* a non-finite value is missing */
  g_assert_cmpuint (var->n, ==, 1);
  g_assert_cmpfloat (var->num[0], ==, 1.5);
  g_assert_true (isnan (var->num[1]) && isnan (var->num[2]));

  /* taken keys (loaded or derived) and keys a filter could not name */
  g_assert_null (cs_store_add_derived_variable (loaded.store, "signature", NULL, NULL, values, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (cs_store_add_derived_variable (loaded.store, "gender", NULL, NULL, values, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (cs_store_add_derived_variable (loaded.store, "2nd score", NULL, NULL, values, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED);
  g_clear_error (&error);
  /* a refused key adds nothing */
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_false (cs_variable_key_is_valid (""));
  g_assert_true (cs_variable_key_is_valid ("_a.b2"));

  /* only derived variables can be removed */
  g_assert_false (cs_store_remove_derived_variable (loaded.store, "gender"));
  g_assert_false (cs_store_remove_derived_variable (loaded.store, "nothing"));
  g_assert_true (cs_store_remove_derived_variable (loaded.store, "signature"));
  g_assert_null (cs_store_lookup_variable (loaded.store, "signature"));
  g_assert_cmpuint (cs_store_get_n_variables (loaded.store), ==, n_before);
  g_assert_nonnull (cs_store_add_derived_variable (loaded.store, "signature", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cs_store_lookup_variable (loaded.store, "signature")->label, ==, "signature");
  g_assert_cmpuint (added->len, ==, 2);
  g_assert_cmpuint (g_array_index (added, guint, 1), ==, n_before);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-store-XXXXXX", NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  const char *rm[] = { "rm", "-rf", dir, NULL };
  int ret;

  /* A private XDG_CACHE_HOME for the spill files (not
   * G_TEST_OPTION_ISOLATE_DIRS, whose strings LeakSanitizer reports) */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/format/double", test_format_double);
  g_test_add_func ("/store/format/date", test_date_parse);
  g_test_add_func ("/store/format/cell", test_format_cell);
  g_test_add_func ("/store/references", test_references);
  g_test_add_func ("/store/latest-value", test_latest_value);
  g_test_add_func ("/store/code-with-bar", test_code_with_bar);
  g_test_add_func ("/store/components", test_components);
  g_test_add_func ("/store/type-conflicts", test_type_conflicts);
  g_test_add_func ("/store/rollup", test_rollup);
  g_test_add_func ("/store/clinical", test_clinical);
  g_test_add_func ("/store/resource-json", test_resource_json);
  g_test_add_func ("/store/duplicates-and-empty", test_duplicates_and_empty);
  g_test_add_func ("/store/odd-shapes", test_odd_shapes);
  g_test_add_func ("/store/load-async", test_load_async);
  g_test_add_func ("/store/load-async-progress-thread", test_load_async_progress_thread);
  g_test_add_func ("/store/load-progress", test_load_progress);
  g_test_add_func ("/store/remote-source", test_remote_source);
  g_test_add_func ("/store/remote-bytes", test_remote_bytes);
  g_test_add_func ("/store/remote-bytes/memory", test_remote_bytes_memory);
  g_test_add_func ("/store/remote-bytes/disk-full", test_remote_bytes_disk_full);
  g_test_add_func ("/store/remote-bytes/fills-up", test_remote_bytes_fills_up);
  g_test_add_func ("/store/remote-bytes/unreadable", test_remote_bytes_unreadable);
  g_test_add_func ("/store/ordinal-stages", test_ordinal_stages);
  g_test_add_func ("/store/derived", test_derived);

  ret = g_test_run ();
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  return ret;
}
