/* test-store-rules.c: the variable rules of docs/VARIABLES.md on real-world
 * shapes: follow-up, the primary diagnosis, staging, keys, orphans, units
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-store.h"
#include "cs-store-private.h"
#include "cs-ucum.h"
#include "store-test-util.h"

#define SUBJECT(p) "\"subject\":{\"reference\":\"Patient/" p "\"}"
#define CONDITION(id, p, code, display, extra) \
  "{\"resourceType\":\"Condition\",\"id\":\"" id "\"," SUBJECT (p) "," \
  "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" code "\",\"display\":\"" display "\"}]}" extra "}"

/* 2030-01-01 in days since 1970-01-01 */
#define LOAD_DATE 21915.0

/* Loads the fixtures in their order and in the opposite order and runs
 * check on both stores: the rules must not depend on the input order. */
static void
check_both_orders (const Fixture *fixtures,
                   guint          n,
                   void         (*check) (CsStore *store))
{
  g_autofree Fixture *reversed = g_new (Fixture, n);

  for (guint i = 0; i < n; i++)
    reversed[i] = fixtures[n - 1 - i];
  for (guint pass = 0; pass < 2; pass++)
    {
      g_auto(Loaded) loaded = { 0 };

      load_fixtures (&loaded, pass == 0 ? fixtures : reversed, n, FALSE);
      _cs_store_set_load_time (loaded.store, LOAD_DATE);
      cs_store_finish (loaded.store);
      check (loaded.store);
    }
}

/* ---------------------------------------------------------------- follow-up */

static void
test_follow_up (void)
{
  static const Fixture fixtures[] = {
    /* f: the last clinical event is a DiagnosticReport issued 2020-05-01;
     * everything later is an expiry, validity, billing or administrative
     * date, or a record of something that did not happen */
    { NULL, PATIENT ("f", ",\"birthDate\":\"1950-01-01\",\"meta\":{\"lastUpdated\":\"2029-01-01T00:00:00Z\"}") },
    { NULL, CONDITION ("cf", "f", "254637007", "Non-small cell lung cancer (disorder)", ",\"onsetDateTime\":\"2020-01-01\"") },
    { NULL, "{\"resourceType\":\"Encounter\",\"id\":\"ef\",\"status\":\"finished\"," SUBJECT ("f") ","
            "\"period\":{\"start\":\"2020-01-01\",\"end\":\"2020-02-01\"}}" },
    { NULL, "{\"resourceType\":\"DiagnosticReport\",\"id\":\"rf\",\"status\":\"final\"," SUBJECT ("f") ","
            "\"effectiveDateTime\":\"2020-04-28\",\"issued\":\"2020-05-01T00:00:00Z\"}" },
    { NULL, "{\"resourceType\":\"Device\",\"id\":\"df\",\"patient\":{\"reference\":\"Patient/f\"},"
            "\"manufactureDate\":\"2019-01-01\",\"expirationDate\":\"2040-01-01\"}" },
    { NULL, "{\"resourceType\":\"Claim\",\"id\":\"clf\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/f\"},"
            "\"created\":\"2026-01-01\",\"billablePeriod\":{\"start\":\"2020-01-01\",\"end\":\"2025-12-31\"}}" },
    { NULL, "{\"resourceType\":\"ExplanationOfBenefit\",\"id\":\"eobf\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/f\"},"
            "\"created\":\"2027-01-01\",\"billablePeriod\":{\"start\":\"2020-01-01\",\"end\":\"2027-01-01\"}}" },
    { NULL, "{\"resourceType\":\"MedicationRequest\",\"id\":\"mf\",\"status\":\"active\",\"intent\":\"order\"," SUBJECT ("f") ","
            "\"authoredOn\":\"2021-01-01\",\"dispenseRequest\":{\"validityPeriod\":{\"start\":\"2021-01-01\",\"end\":\"2041-01-01\"}}}" },
    { NULL, "{\"resourceType\":\"CarePlan\",\"id\":\"cpf\",\"status\":\"active\",\"intent\":\"plan\"," SUBJECT ("f") ","
            "\"period\":{\"start\":\"2020-01-01\",\"end\":\"2035-01-01\"},\"created\":\"2020-01-01\"}" },
    { NULL, "{\"resourceType\":\"Encounter\",\"id\":\"ef2\",\"status\":\"planned\"," SUBJECT ("f") ","
            "\"period\":{\"start\":\"2022-01-01\"}}" },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"of\",\"status\":\"cancelled\"," SUBJECT ("f") ","
            "\"code\":{\"text\":\"Weight\"},\"effectiveDateTime\":\"2023-01-01\",\"valueQuantity\":{\"value\":80,\"unit\":\"kg\"}}" },
    { NULL, "{\"resourceType\":\"Procedure\",\"id\":\"pf\",\"status\":\"not-done\"," SUBJECT ("f") ",\"performedDateTime\":\"2024-01-01\"}" },
    { NULL, "{\"resourceType\":\"Condition\",\"id\":\"cf2\",\"verificationStatus\":{\"coding\":[{\"code\":\"entered-in-error\"}]},"
            SUBJECT ("f") ",\"code\":{\"text\":\"Wrong\"},\"recordedDate\":\"2025-01-01\"}" },

    /* g: an Observation dated after the load date ends follow-up at the load date */
    { NULL, PATIENT ("g", ",\"birthDate\":\"1950-01-01\"") },
    { NULL, CONDITION ("cg", "g", "254637007", "Non-small cell lung cancer (disorder)", ",\"onsetDateTime\":\"2020-01-01\"") },
    { NULL, "{\"resourceType\":\"Observation\",\"id\":\"og\",\"status\":\"final\"," SUBJECT ("g") ","
            "\"code\":{\"text\":\"Weight\"},\"effectiveDateTime\":\"2031-06-01\",\"valueQuantity\":{\"value\":80,\"unit\":\"kg\"}}" },

    /* h: procedures, immunizations and specimens are clinical events too */
    { NULL, PATIENT ("h", ",\"birthDate\":\"1950-01-01\"") },
    { NULL, CONDITION ("ch", "h", "254637007", "Non-small cell lung cancer (disorder)", ",\"onsetDateTime\":\"2010-01-01\"") },
    { NULL, "{\"resourceType\":\"Procedure\",\"id\":\"ph\",\"status\":\"completed\"," SUBJECT ("h") ","
            "\"performedPeriod\":{\"start\":\"2010-01-02\",\"end\":\"2010-01-08\"}}" },
    { NULL, "{\"resourceType\":\"Immunization\",\"id\":\"ih\",\"status\":\"completed\",\"patient\":{\"reference\":\"Patient/h\"},"
            "\"occurrenceDateTime\":\"2010-01-05\"}" },
    { NULL, "{\"resourceType\":\"Specimen\",\"id\":\"sh\"," SUBJECT ("h") ","
            "\"collection\":{\"collectedDateTime\":\"2010-01-11\"},\"receivedTime\":\"2010-02-01\"}" },
  };
  g_auto(Loaded) loaded = { 0 };
  CsVariable *os;

  load_fixtures (&loaded, fixtures, G_N_ELEMENTS (fixtures), FALSE);
  _cs_store_set_load_time (loaded.store, LOAD_DATE);
  cs_store_finish (loaded.store);

  os = cs_store_lookup_variable (loaded.store, "os");
  g_assert_nonnull (os);
  assert_cell (loaded.store, "os", "f", "121");      /* 2020-01-01 → 2020-05-01 */
  assert_cell (loaded.store, "os", "g", "3653");     /* 2020-01-01 → 2030-01-01 */
  assert_cell (loaded.store, "os", "h", "10");       /* 2010-01-01 → 2010-01-11 */
  for (guint r = 0; r < os->n_rows; r++)
    g_assert_cmpuint (os->event[r], ==, 0);
  g_assert_true (has_warning (loaded.store, "1 patient has clinical dates after the load date (2030-01-01)"));
}

/* ---------------------------------------------------------------- diagnosis */

#define VERIFIED(status) ",\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"" status "\"}]}"
#define CLINICAL(status) ",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"" status "\"}]}"

static const Fixture diagnosis_fixtures[] = {
  /* a: a suspicion (situation) first, then the confirmed cancer and its staging Condition */
  { NULL, PATIENT ("a", ",\"birthDate\":\"1920-04-23\"") },
  { NULL, CONDITION ("a1", "a", "162573006", "Suspected lung cancer (situation)", VERIFIED ("confirmed") CLINICAL ("active") ",\"onsetDateTime\":\"1985-07-17\"") },
  { NULL, CONDITION ("a2", "a", "254637007", "Non-small cell lung cancer (disorder)", VERIFIED ("confirmed") CLINICAL ("active") ",\"onsetDateTime\":\"1985-07-25\"") },
  { NULL, CONDITION ("a3", "a", "424132000", "Non-small cell carcinoma of lung, TNM stage 1 (disorder)", VERIFIED ("confirmed") ",\"onsetDateTime\":\"1985-07-26\"") },
  /* b: only findings: no diagnosis, no age at diagnosis */
  { NULL, PATIENT ("b", ",\"birthDate\":\"1980-01-01\"") },
  { NULL, CONDITION ("b1", "b", "160903007", "Full-time employment (finding)", ",\"onsetDateTime\":\"2001-01-01\"") },
  { NULL, CONDITION ("b2", "b", "73595000", "Stress (finding)", ",\"onsetDateTime\":\"2002-01-01\"") },
  /* c: a provisional, a differential and an unconfirmed cancer are no diagnosis */
  { NULL, PATIENT ("c", ",\"birthDate\":\"1950-01-01\"") },
  { NULL, CONDITION ("c1", "c", "254637007", "Non-small cell lung cancer (disorder)", VERIFIED ("provisional") ",\"onsetDateTime\":\"2010-01-01\"") },
  { NULL, CONDITION ("c2", "c", "363358000", "Malignant tumor of lung (disorder)", VERIFIED ("differential") ",\"onsetDateTime\":\"2010-01-01\"") },
  { NULL, CONDITION ("c3", "c", "93880001", "Primary malignant neoplasm of lung (disorder)", VERIFIED ("unconfirmed") ",\"onsetDateTime\":\"2010-01-01\"") },
  { NULL, CONDITION ("c4", "c", "59621000", "Essential hypertension (disorder)", VERIFIED ("confirmed") ",\"onsetDateTime\":\"2015-01-01\"") },
  /* d: German MII oncology shape: ICD-10-GM, German display, recordedDate only */
  { NULL, PATIENT ("d", ",\"birthDate\":\"1961-03-04\"") },
  { NULL, "{\"resourceType\":\"Condition\",\"id\":\"d1\"," SUBJECT ("d") ",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
          "\"code\":\"59621000\",\"display\":\"Essential hypertension (disorder)\"}]},\"onsetDateTime\":\"2015-01-01\"}" },
  { NULL, "{\"resourceType\":\"Condition\",\"id\":\"d2\"," SUBJECT ("d") ",\"code\":{\"coding\":[{\"system\":\"http://fhir.de/CodeSystem/bfarm/icd-10-gm\","
          "\"version\":\"2021\",\"code\":\"C34.1\",\"display\":\"Bösartige Neubildung: Oberlappen (-Bronchus)\"}]},\"recordedDate\":\"2021-03-04\"}" },
  { NULL, "{\"resourceType\":\"Encounter\",\"id\":\"d3\",\"status\":\"finished\"," SUBJECT ("d") ",\"period\":{\"start\":\"2021-04-03\"}}" },
  /* e: an active cancer before one in remission; a benign neoplasm is no cancer */
  { NULL, PATIENT ("e", ",\"birthDate\":\"1950-01-01\"") },
  { NULL, CONDITION ("e1", "e", "254837009", "Malignant neoplasm of breast (disorder)", CLINICAL ("remission") ",\"onsetDateTime\":\"2005-01-01\"") },
  { NULL, CONDITION ("e2", "e", "254637007", "Non-small cell lung cancer (disorder)", CLINICAL ("active") ",\"onsetDateTime\":\"2020-01-01\"") },
  { NULL, CONDITION ("e3", "e", "92197003", "Benign neoplasm of lung (disorder)", CLINICAL ("active") ",\"onsetDateTime\":\"2000-01-01\"") },
  /* f: two cancers on the same day: the smaller code, whatever the order */
  { NULL, PATIENT ("f", ",\"birthDate\":\"1950-01-01\"") },
  { NULL, CONDITION ("f1", "f", "93880001", "Primary malignant neoplasm of lung (disorder)", ",\"onsetDateTime\":\"2010-06-01\"") },
  { NULL, CONDITION ("f2", "f", "254637007", "Non-small cell lung cancer (disorder)", ",\"onsetDateTime\":\"2010-06-01\"") },
  /* g: no cancer: the earliest active disorder; untagged codes count, a
   * resolved one and a refuted cancer do not win */
  { NULL, PATIENT ("g", ",\"birthDate\":\"1950-01-01\"") },
  { NULL, CONDITION ("g1", "g", "444814009", "Viral sinusitis (disorder)", CLINICAL ("resolved") ",\"onsetDateTime\":\"1990-01-01\"") },
  { NULL, CONDITION ("g2", "g", "38341003", "Hypertension", ",\"onsetDateTime\":\"2000-01-01\"") },
  { NULL, CONDITION ("g3", "g", "254637007", "Non-small cell lung cancer (disorder)", VERIFIED ("refuted") ",\"onsetDateTime\":\"1995-01-01\"") },
  { NULL, CONDITION ("g4", "g", "40055000", "Chronic sinusitis (disorder)", ",\"onsetDateTime\":\"2005-01-01\",\"abatementDateTime\":\"2006-01-01\"") },
};

/* age_at_diagnosis of the patient is the years from born to onset */
static void
assert_years (CsStore    *store,
              const char *patient,
              const char *born,
              const char *onset)
{
  CsVariable *age = cs_store_lookup_variable (store, "age_at_diagnosis");
  double from = 0, to = 0;

  g_assert_true (cs_date_parse (born, &from) && cs_date_parse (onset, &to));
  g_assert_nonnull (age);
  g_assert_cmpfloat_with_epsilon (age->num[cs_store_find_patient (store, patient)], (to - from) / 365.25, 1e-12);
}

static void
check_diagnoses (CsStore *store)
{
  CsVariable *flag;

  assert_cell (store, "diagnosis", "a", "254637007");
  assert_years (store, "a", "1920-04-23", "1985-07-25");
  assert_cell (store, "diagnosis", "b", "");
  assert_cell (store, "age_at_diagnosis", "b", "");
  assert_cell (store, "diagnosis", "c", "59621000");
  assert_cell (store, "diagnosis", "d", "C34.1");
  assert_cell (store, "age_at_diagnosis", "d", "60");
  assert_cell (store, "os", "d", "30");
  assert_cell (store, "diagnosis", "e", "254637007");
  assert_cell (store, "diagnosis", "f", "254637007");
  assert_cell (store, "diagnosis", "g", "38341003");
  assert_cell (store, "os", "b", "");

  /* the condition.* flags still record findings and unconfirmed Conditions */
  assert_cell (store, "condition.160903007", "b", "true");
  assert_cell (store, "condition.254637007", "c", "true");
  flag = cs_store_lookup_variable (store, "condition.254637007");
  g_assert_cmpuint (flag->n, ==, cs_store_get_n_patients (store));
}

static void
test_diagnosis (void)
{
  check_both_orders (diagnosis_fixtures, G_N_ELEMENTS (diagnosis_fixtures), check_diagnoses);
}

/* Synthea's NSCLC patient (a suspicion first) and a patient whose only
 * Condition is a finding, from the shared third-party data. */
static void
test_diagnosis_synthea (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *dir = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(CsStore) store = cs_store_new ();
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n_files = 0;

  if (shared != NULL)
    dir = g_build_filename (shared, "synthea-r4", NULL);
  if (dir == NULL || (listing = g_dir_open (dir, 0, NULL)) == NULL)
    {
      g_test_skip ("no shared third-party data (CS_SHARED_DATA/synthea-r4): it is not part of the project");
      return;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, "Austin_Franecki_") && !g_str_has_prefix (name, "Clemente_Kreiger_"))
        continue;
      path = g_build_filename (dir, name, NULL);
      g_assert_true (cs_store_load_path (store, path, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 2);
  cs_store_finish (store);

  /* Austin Franecki: NSCLC, not "Suspected lung cancer (situation)" */
  assert_cell (store, "diagnosis", "84afbe27-2a55-4f53-b1de-3513e21dae68", "254637007");
  assert_years (store, "84afbe27-2a55-4f53-b1de-3513e21dae68", "1920-04-23", "1985-07-25T02:39:21+00:00");
  /* Clemente Kreiger: only "Body mass index 30+ - obesity (finding)" */
  assert_cell (store, "diagnosis", "d78af07c-9cb9-4f31-9b11-c45a28f2eec8", "");
  assert_cell (store, "age_at_diagnosis", "d78af07c-9cb9-4f31-9b11-c45a28f2eec8", "");
}

/* ---------------------------------------------------------------- staging */

#define STAGING(id, p, system, code, value_system, value, display) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," SUBJECT (p) "," \
  "\"code\":{\"coding\":[{\"system\":\"" system "\",\"code\":\"" code "\"}]},\"effectiveDateTime\":\"2020-01-01\"," \
  "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"" value_system "\",\"code\":\"" value "\",\"display\":\"" display "\"}]}}"
#define SCT "http://snomed.info/sct"
#define LNC "http://loinc.org"
#define AJCC "http://cancerstaging.org"

static const Fixture staging_fixtures[] = {
  /* s: clinical and pathological categories on the same day are two variables */
  { NULL, PATIENT ("s", "") },
  { NULL, STAGING ("s1", "s", SCT, "399504009", AJCC, "cT2", "cT2") },
  { NULL, STAGING ("s2", "s", SCT, "384625004", AJCC, "pT3", "pT3") },
  { NULL, STAGING ("s3", "s", LNC, "21906-3", AJCC, "cN1", "cN1") },
  { NULL, STAGING ("s4", "s", LNC, "21900-6", AJCC, "pN0", "pN0") },
  { NULL, STAGING ("s5", "s", SCT, "399387003", AJCC, "cM0", "cM0") },
  { NULL, STAGING ("s6", "s", SCT, "371497001", AJCC, "pM1", "pM1") },
  { NULL, STAGING ("s7", "s", SCT, "399537006", AJCC, "IIA", "Stage IIA") },
  { NULL, STAGING ("s8", "s", LNC, "21902-2", AJCC, "IIIB", "Stage IIIB") },
  /* u: two clinical values on one day: the more advanced, whatever the order */
  { NULL, PATIENT ("u", "") },
  { NULL, STAGING ("u1", "u", SCT, "399537006", AJCC, "IIIA", "Stage IIIA") },
  { NULL, STAGING ("u2", "u", LNC, "21908-9", AJCC, "IIA", "Stage IIA") },
  { NULL, STAGING ("u3", "u", SCT, "399534004", AJCC, "N2", "N2") },
  { NULL, STAGING ("u4", "u", SCT, "399534004", AJCC, "N1", "N1") },
  /* v: values that do not read as categories: the smaller code */
  { NULL, PATIENT ("v", "") },
  { NULL, STAGING ("v1", "v", SCT, "399387003", SCT, "1229903009", "American Joint Committee on Cancer cM1 (qualifier value)") },
  { NULL, STAGING ("v2", "v", SCT, "399387003", SCT, "1229901006", "American Joint Committee on Cancer cM0 (qualifier value)") },
  /* w: Condition.stage of two Conditions with the same onset */
  { NULL, PATIENT ("w", "") },
  { NULL, CONDITION ("w1", "w", "254637007", "Non-small cell lung cancer (disorder)",
                     ",\"onsetDateTime\":\"2020-01-01\",\"stage\":[{\"summary\":{\"text\":\"III\"}}]") },
  { NULL, CONDITION ("w2", "w", "93880001", "Primary malignant neoplasm of lung (disorder)",
                     ",\"onsetDateTime\":\"2020-01-01\",\"stage\":[{\"summary\":{\"text\":\"II\"}}]") },
};

static void
check_staging (CsStore *store)
{
  static const struct { const char *key, *label; } variables[] = {
    { "t_stage", "Clinical T category" }, { "pt_stage", "Pathological T category" },
    { "n_stage", "Clinical N category" }, { "pn_stage", "Pathological N category" },
    { "m_stage", "Clinical M category" }, { "pm_stage", "Pathological M category" },
    { "stage_group", "Clinical stage group" }, { "p_stage_group", "Pathological stage group" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      CsVariable *var = cs_store_lookup_variable (store, variables[i].key);

      g_assert_nonnull (var);
      g_assert_cmpstr (var->label, ==, variables[i].label);
      g_assert_cmpint (var->type, ==, CS_VARIABLE_CATEGORICAL);
    }
  assert_cell (store, "t_stage", "s", "cT2");
  assert_cell (store, "pt_stage", "s", "pT3");
  assert_cell (store, "n_stage", "s", "cN1");
  assert_cell (store, "pn_stage", "s", "pN0");
  assert_cell (store, "m_stage", "s", "cM0");
  assert_cell (store, "pm_stage", "s", "pM1");
  assert_cell (store, "stage_group", "s", "IIA");
  assert_cell (store, "p_stage_group", "s", "IIIB");
  assert_cell (store, "stage_group", "u", "IIIA");
  assert_cell (store, "n_stage", "u", "N2");
  assert_cell (store, "m_stage", "v", "1229901006");
  assert_cell (store, "stage", "w", "III");
  g_assert_cmpstr (g_ptr_array_index (cs_store_lookup_variable (store, "pt_stage")->codes, 0), ==,
                   "http://snomed.info/sct|384625004");
}

static void
test_staging (void)
{
  check_both_orders (staging_fixtures, G_N_ELEMENTS (staging_fixtures), check_staging);
}

/* ---------------------------------------------------------------- units */

static double
convert (double      value,
         const char *from,
         const char *to)
{
  CsUcumUnit a, b;

  g_assert_true (cs_ucum_parse (from, &a, NULL));
  g_assert_true (cs_ucum_parse (to, &b, NULL));
  g_assert_true (cs_ucum_unit_convertible (&a, &b, CS_UCUM_ANNOTATIONS_MATCH));
  return cs_ucum_unit_convert (value, &a, &b);
}

static gboolean
commensurable (const char *a,
               const char *b)
{
  CsUcumUnit ua, ub;

  g_assert_true (cs_ucum_parse (a, &ua, NULL));
  g_assert_true (cs_ucum_parse (b, &ub, NULL));
  return cs_ucum_unit_convertible (&ua, &ub, CS_UCUM_ANNOTATIONS_MATCH);
}

static void
test_ucum (void)
{
  static const char *const not_units[] = {
    "", "mmHg", "mL/min/1.73m2", "mg/", "/", "{open", "[in_i", "-3",
    "kmin", "m2.", "ms-", "xyz", "mg//dL", "10*100",
  };
  g_autoptr(GString) nested = g_string_new (NULL);
  CsUcumUnit unit;

  /* exact decimal results where the units differ by powers of ten */
  g_assert_cmpfloat (convert (95, "mg/dL", "g/L"), ==, 0.95);
  g_assert_cmpfloat (convert (0.95, "g/L", "mg/dL"), ==, 95);
  g_assert_cmpfloat (convert (1.2, "g/dL", "g/L"), ==, 12);
  g_assert_cmpfloat (convert (5, "ug/mL", "mg/L"), ==, 5);
  g_assert_cmpfloat (convert (7.5, "mmol/L", "umol/L"), ==, 7500);
  g_assert_cmpfloat (convert (4.5, "10*3/uL", "10*9/L"), ==, 4.5);
  g_assert_cmpfloat (convert (4.5, "10*12/L", "10*6/uL"), ==, 4.5);
  g_assert_cmpfloat (convert (180, "cm", "m"), ==, 1.8);
  g_assert_cmpfloat (convert (2500, "mm3", "cm3"), ==, 2.5);
  g_assert_cmpfloat (convert (2.5, "cm3", "mL"), ==, 2.5);
  g_assert_cmpfloat (convert (80, "kg", "g"), ==, 80000);
  g_assert_cmpfloat (convert (0.25, "1", "%"), ==, 25);
  g_assert_cmpfloat (convert (1, "mg/dl", "mg/dL"), ==, 1);   /* UCUM's l and L are both litres */
  g_assert_cmpfloat (convert (1, "U/L", "umol/min/L"), ==, 1);
  /* other factors */
  g_assert_cmpfloat (convert (176.4, "[lb_av]", "kg"), ==, 80.013694068);
  g_assert_cmpfloat (convert (70, "[in_i]", "cm"), ==, 177.8);
  g_assert_cmpfloat (convert (6, "[ft_i]", "m"), ==, 1.8288);
  g_assert_cmpfloat (convert (98.6, "[degF]", "Cel"), ==, 37);
  g_assert_cmpfloat (convert (37, "Cel", "[degF]"), ==, 98.6);
  g_assert_cmpfloat (convert (0, "Cel", "K"), ==, 273.15);
  g_assert_cmpfloat (convert (120, "mm[Hg]", "kPa"), ==, 15.99864);
  g_assert_cmpfloat (convert (2, "h", "min"), ==, 120);
  g_assert_cmpfloat (convert (1, "a", "d"), ==, 365.25);
  g_assert_cmpfloat (convert (1, "mo", "d"), ==, 30.4375);
  g_assert_cmpfloat (convert (2, "wk", "d"), ==, 14);
  g_assert_cmpfloat (convert (90, "/min", "/s"), ==, 1.5);

  /* not convertible: mass vs substance, per body surface, annotations, IU, eq */
  g_assert_false (commensurable ("mg/dL", "mmol/L"));
  g_assert_false (commensurable ("mL/min", "mL/min/{1.73_m2}"));
  g_assert_true (commensurable ("mL/min/{1.73_m2}", "L/h/{1.73_m2}"));
  g_assert_false (commensurable ("{beats}/min", "/min"));
  g_assert_false (commensurable ("[IU]/L", "U/L"));
  g_assert_true (commensurable ("m[IU]/mL", "[IU]/L"));
  g_assert_false (commensurable ("meq/L", "mmol/L"));
  g_assert_false (commensurable ("Cel", "1"));
  g_assert_false (commensurable ("kg", "kg/m2"));
  g_assert_false (commensurable ("d", "1"));
  /* valid UCUM that converts to nothing else: an arbitrary unit, a temperature in a compound unit */
  g_assert_false (commensurable ("[hnsf'U]", "1"));
  g_assert_false (commensurable ("[hnsf'U]", "[IU]"));
  g_assert_false (commensurable ("Cel/h", "K/h"));
  g_assert_false (commensurable ("Cel/h", "Cel/h"));
  /* the full grammar: parentheses, and the side of an annotation inside them */
  g_assert_cmpfloat (convert (5, "(mg)", "g"), ==, 0.005);
  g_assert_cmpfloat (convert (60, "mL/(min.{1.73_m2})", "mL/min/{1.73_m2}"), ==, 60);
  g_assert_false (commensurable ("mL/(min.{1.73_m2})", "mL/min.{1.73_m2}"));

  for (guint i = 0; i < G_N_ELEMENTS (not_units); i++)
    {
      if (cs_ucum_parse (not_units[i], &unit, NULL))
        g_error ("“%s” parsed as a unit", not_units[i]);
    }
  g_assert_false (cs_ucum_parse (NULL, &unit, NULL));
  /* a unit from the data, nested deeper than the parser goes: refused, not a crash */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '(');
  g_string_append (nested, "mg");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, ')');
  g_assert_false (cs_ucum_parse (nested->str, &unit, NULL));
}

/* ---------------------------------------------------------------- keys */

/* Every variable as `variables --json` shows it, and every level, one a line. */
static char *
describe_variables (CsStore *store)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      g_string_append_printf (out, "%s|%s|%s|%s|%u|", var->key, var->label, cs_variable_type_to_string (var->type),
                              var->unit != NULL ? var->unit : "-", var->n);
      for (guint c = 0; c < var->codes->len; c++)
        g_string_append_printf (out, "%s,", (const char *) g_ptr_array_index (var->codes, c));
      for (guint l = 0; var->levels != NULL && l < var->levels->len; l++)
        {
          const CsLevel *level = g_ptr_array_index (var->levels, l);

          g_string_append_printf (out, " [%s=%s×%u]", level->code, level->display != NULL ? level->display : "-", level->n);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

#define CODED_OBS(id, p, system, code, display, text, value) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," SUBJECT (p) "," \
  "\"code\":{\"coding\":[{\"system\":\"" system "\",\"code\":\"" code "\"" display "}]" text "}," value "}"
#define DISPLAY(d) ",\"display\":\"" d "\""
#define TEXT(t) ",\"text\":\"" t "\""
#define QUANTITY(v, unit) "\"valueQuantity\":{\"value\":" v ",\"system\":\"http://unitsofmeasure.org\",\"code\":\"" unit "\"}"
#define SMOKING(d) "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"8517006\",\"display\":\"" d "\"}]}"

static const Fixture key_fixtures[] = {
  { NULL, PATIENT ("p", "") },
  { NULL, PATIENT ("q", "") },
  { NULL, PATIENT ("r", "") },
  /* one source sends the code bare, the other with its text: the text names it */
  { NULL, CODED_OBS ("k1", "p", "http://loinc.org", "89247-1", "", "", "\"valueInteger\":1") },
  { NULL, CODED_OBS ("k2", "q", "http://loinc.org", "89247-1", DISPLAY ("ECOG Performance Status score"),
                     TEXT ("ECOG performance status"), "\"valueInteger\":2") },
  /* two codes named alike: each key adds its code */
  { NULL, CODED_OBS ("k3", "p", "http://example.org/lab", "glu", "", TEXT ("Glucose"), QUANTITY ("5.5", "mmol/L")) },
  { NULL, CODED_OBS ("k4", "q", "http://loinc.org", "2345-7", DISPLAY ("Glucose [Mass/volume] in Serum or Plasma"),
                     TEXT ("Glucose"), QUANTITY ("99", "mg/dL")) },
  /* a text-only code and a coded one named alike: the text-only one gets a hash */
  { NULL, "{\"resourceType\":\"Observation\",\"id\":\"k5\",\"status\":\"final\"," SUBJECT ("r") ","
          "\"code\":{\"text\":\"Body height\"}," QUANTITY ("180", "cm") "}" },
  { NULL, CODED_OBS ("k6", "p", "http://loinc.org", "8302-2", DISPLAY ("Body height"), "", QUANTITY ("170", "cm")) },
  /* a reserved key is never taken by a derived one */
  { NULL, CODED_OBS ("k7", "p", "http://example.org/local", "sex", "", TEXT ("Gender"), "\"valueString\":\"M\"") },
  /* the most frequent text and level display win, whatever the order */
  { NULL, CODED_OBS ("k8", "p", "http://loinc.org", "72166-2", "", "", SMOKING ("Former smoker")) },
  { NULL, CODED_OBS ("k9", "q", "http://loinc.org", "72166-2", "", "", SMOKING ("Ex-smoker")) },
  { NULL, CODED_OBS ("k10", "r", "http://loinc.org", "72166-2", "", "", SMOKING ("Ex-smoker")) },
  { NULL, CODED_OBS ("k11", "p", "http://example.org/lab", "hb", "", TEXT ("Haemoglobin"), QUANTITY ("8.1", "mmol/L")) },
  { NULL, CODED_OBS ("k12", "q", "http://example.org/lab", "hb", "", TEXT ("Hemoglobin"), QUANTITY ("8.2", "mmol/L")) },
  { NULL, CODED_OBS ("k13", "r", "http://example.org/lab", "hb", "", TEXT ("Hemoglobin"), QUANTITY ("8.3", "mmol/L")) },
  /* a tie: alphabetical, ignoring case ("Body height" before "Body Length") */
  { NULL, CODED_OBS ("k16", "q", "http://loinc.org", "8306-3", "", TEXT ("Body Length"), QUANTITY ("25", "cm")) },
  { NULL, CODED_OBS ("k17", "q", "http://loinc.org", "8306-3", "", TEXT ("Body height lying"), QUANTITY ("25", "cm")) },
  /* a well-known variable from two codes lists them in byte order */
  { NULL, CODED_OBS ("k14", "p", "http://snomed.info/sct", "399537006", "", "", "\"valueString\":\"IIA\"") },
  { NULL, CODED_OBS ("k15", "q", "http://loinc.org", "21908-9", "", "", "\"valueString\":\"IIB\"") },
};

static char *first_description;

static void
check_keys (CsStore *store)
{
  g_autofree char *described = describe_variables (store);
  CsVariable *var;

  g_test_message ("%s", described);
  var = cs_store_lookup_variable (store, "ecog_performance_status");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "ECOG Performance Status score");
  g_assert_cmpuint (var->n, ==, 2);
  g_assert_null (cs_store_lookup_variable (store, "_89247_1"));

  assert_cell (store, "glucose_glu", "p", "5.5");
  assert_cell (store, "glucose_2345_7", "q", "99");
  g_assert_null (cs_store_lookup_variable (store, "glucose"));

  assert_cell (store, "body_height_8302_2", "p", "170");
  var = cs_store_find_variable (store, "8302-2");
  g_assert_cmpstr (var->key, ==, "body_height_8302_2");
  g_assert_null (cs_store_lookup_variable (store, "body_height"));
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      var = cs_store_get_variable (store, i);
      if (g_str_has_prefix (var->key, "body_height_") && !g_str_equal (var->key, "body_height_8302_2"))
        break;
      var = NULL;
    }
  g_assert_nonnull (var);
  g_assert_cmpuint (strlen (var->key), ==, strlen ("body_height_") + 6);
  assert_cell (store, var->key, "r", "180");

  g_assert_cmpstr (cs_store_lookup_variable (store, "gender")->group, ==, "Patient");
  assert_cell (store, "gender_sex", "p", "M");

  var = cs_store_lookup_variable (store, "smoking_status");
  g_assert_cmpuint (var->levels->len, ==, 1);
  g_assert_cmpstr (((CsLevel *) g_ptr_array_index (var->levels, 0))->display, ==, "Ex-smoker");
  var = cs_store_lookup_variable (store, "hemoglobin");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "Hemoglobin");
  g_assert_nonnull (cs_store_lookup_variable (store, "body_height_lying"));
  var = cs_store_lookup_variable (store, "stage_group");
  g_assert_cmpuint (var->codes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (var->codes, 0), ==, "http://loinc.org|21908-9");

  /* both orders describe the same variables */
  if (first_description == NULL)
    first_description = g_steal_pointer (&described);
  else
    g_assert_cmpstr (described, ==, first_description);
}

static void
test_keys (void)
{
  check_both_orders (key_fixtures, G_N_ELEMENTS (key_fixtures), check_keys);
  g_clear_pointer (&first_description, g_free);
}

/* One code with many texts (free text): the most frequent wins, wherever it
 * comes, also beyond the few texts compared directly. */
static void
check_many_texts (CsStore *store)
{
  CsVariable *var = cs_store_find_variable (store, "http://example.org/lab|x");

  g_assert_nonnull (var);
  g_assert_cmpstr (var->key, ==, "zeta");
  g_assert_cmpstr (var->label, ==, "Zeta");
  g_assert_cmpuint (var->n, ==, 40);
}

static void
test_keys_many_texts (void)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree Fixture *fixtures = g_new0 (Fixture, 80);
  guint n = 0;

  for (guint i = 0; i < 40; i++)
    {
      /* 40 patients; "Zeta" 3 times (the 5th, 20th and 35th value), 37 other texts once */
      g_autofree char *text = (i == 4 || i == 19 || i == 34) ? g_strdup ("Zeta") : g_strdup_printf ("Text %02u", i);
      char *patient = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"p%u\"}", i);
      char *obs = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"o%u\",\"status\":\"final\","
                                   "\"subject\":{\"reference\":\"Patient/p%u\"},\"code\":{\"coding\":[{\"system\":"
                                   "\"http://example.org/lab\",\"code\":\"x\"}],\"text\":\"%s\"},\"valueInteger\":%u}",
                                   i, i, text, i);

      g_ptr_array_add (strings, patient);
      g_ptr_array_add (strings, obs);
      fixtures[n++].json = patient;
      fixtures[n++].json = obs;
    }
  check_both_orders (fixtures, n, check_many_texts);
}

/* ---------------------------------------------------------------- orphans */

static const Fixture orphan_fixtures[] = {
  { NULL, PATIENT ("p", "") },
  { NULL, PATIENT ("q", "") },
  { NULL, CONDITION ("c1", "p", "38341003", "Hypertension", "") },
  { NULL, CODED_OBS ("o1", "p", "http://example.org/lab", "a", "", TEXT ("Alpha"), QUANTITY ("1", "mg")) },
  /* resources of a patient that is not in the sources */
  { NULL, CONDITION ("c2", "nobody", "44054006", "Diabetes mellitus type 2", "") },
  { NULL, CONDITION ("c3", "nobody", "38341003", "High blood pressure", "") },
  { NULL, CODED_OBS ("o2", "nobody", "http://example.org/lab", "b", "", TEXT ("Beta"), QUANTITY ("2", "mg")) },
  { NULL, CODED_OBS ("o3", "nobody", "http://example.org/lab", "a", "", TEXT ("Not alpha"), QUANTITY ("3", "mg")) },
  { NULL, CODED_OBS ("o4", "nobody", "http://example.org/lab", "a", "", TEXT ("Not alpha"), QUANTITY ("4", "mg")) },
  { NULL, CODED_OBS ("o5", "nobody", "http://example.org/lab", "a", "", TEXT ("Not alpha"), "\"valueString\":\"high\"") },
  { NULL, CODED_OBS ("o6", "nobody", "http://example.org/lab", "c", "", TEXT ("Gamma"), "\"valueRatio\":{}") },
  { NULL, "{\"resourceType\":\"ImagingStudy\",\"id\":\"i1\"," SUBJECT ("nobody") ",\"started\":\"2020-01-01\","
          "\"modality\":[{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"CT\"}]}" },
};

static void
check_orphans (CsStore *store)
{
  CsVariable *var;

  /* no columns, no values, no votes from orphans; the warning stays */
  g_assert_null (cs_store_lookup_variable (store, "condition.44054006"));
  g_assert_null (cs_store_lookup_variable (store, "beta"));
  g_assert_null (cs_store_lookup_variable (store, "alpha_coded"));
  g_assert_null (cs_store_lookup_variable (store, "n_imaging_studies"));
  g_assert_null (cs_store_lookup_variable (store, "imaging_modality"));
  g_assert_null (cs_store_lookup_variable (store, "study_date"));
  var = cs_store_lookup_variable (store, "condition.38341003");
  g_assert_cmpstr (var->label, ==, "Hypertension");
  g_assert_cmpuint (var->n, ==, 2);
  assert_cell (store, "condition.38341003", "q", "false");
  var = cs_store_lookup_variable (store, "alpha");
  g_assert_nonnull (var);
  g_assert_cmpuint (var->n, ==, 1);
  g_assert_false (has_warning (store, "unsupported"));
  g_assert_true (has_warning (store, "8 resources refer to patients that are not in the sources"));
  /* Patient, Condition, Observation: gender etc. are always there */
  g_assert_cmpuint (cs_store_get_n_variables (store), ==, 3 + 1 + 1 + 1);
}

static void
test_orphans (void)
{
  check_both_orders (orphan_fixtures, G_N_ELEMENTS (orphan_fixtures), check_orphans);
}

/* ---------------------------------------------------------------- units */

#define EGFR(id, p, v, unit) \
  CODED_OBS (id, p, "http://loinc.org", "62238-1", DISPLAY ("Glomerular filtration rate/1.73 sq M.predicted"), TEXT ("eGFR"), QUANTITY (v, unit))
#define TEMP(id, p, v, unit) \
  CODED_OBS (id, p, "http://loinc.org", "8310-5", DISPLAY ("Body temperature"), TEXT ("Body temperature"), QUANTITY (v, unit))
#define CEA(id, p, value) \
  CODED_OBS (id, p, "http://loinc.org", "2039-6", DISPLAY ("Carcinoembryonic Ag"), TEXT ("CEA"), value)

static const Fixture unit_fixtures[] = {
  { NULL, PATIENT ("p", "") },
  { NULL, PATIENT ("q", "") },
  { NULL, PATIENT ("r", "") },
  /* per body surface and absolute clearance do not convert: two variables */
  { NULL, EGFR ("e1", "p", "72", "mL/min/{1.73_m2}") },
  { NULL, EGFR ("e2", "q", "1.2", "mL/s/{1.73_m2}") },
  { NULL, EGFR ("e3", "r", "65", "mL/min") },
  /* temperatures convert (Cel, the more frequent, wins) */
  { NULL, TEMP ("t1", "p", "37.5", "Cel") },
  { NULL, TEMP ("t2", "q", "98.6", "[degF]") },
  { NULL, TEMP ("t3", "r", "36.6", "Cel") },
  /* a number and a code for one test: both kept */
  { NULL, CEA ("c1", "p", QUANTITY ("3.1", "ng/mL")) },
  { NULL, CEA ("c2", "q", QUANTITY ("2", "ug/L")) },
  { NULL, CEA ("c3", "r", "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"260385009\",\"display\":\"Negative\"}]}") },
  /* an age in years stays the number it was (no trip through days: 53.7221
   * × 365.25 ÷ 365.25 is 53.722100000000005) */
  { NULL, PATIENT ("s", "") },
  { NULL, CONDITION ("cs", "s", "254637007", "Non-small cell lung cancer (disorder)",
                     ",\"onsetAge\":{\"value\":53.7221,\"unit\":\"a\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"a\"}") },
};

static void
check_units (CsStore *store)
{
  CsVariable *var;

  var = cs_store_lookup_variable (store, "egfr");
  g_assert_cmpstr (var->unit, ==, "mL/min/{1.73_m2}");
  g_assert_cmpuint (var->n, ==, 2);
  assert_cell (store, "egfr", "p", "72");
  assert_cell (store, "egfr", "q", "72");      /* 1.2 mL/s */
  var = cs_store_lookup_variable (store, "egfr_ml_min");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->unit, ==, "mL/min");
  g_assert_cmpstr (var->label, ==, "Glomerular filtration rate/1.73 sq M.predicted (mL/min)");
  assert_cell (store, "egfr_ml_min", "r", "65");
  g_assert_true (has_warning (store, "“Glomerular filtration rate/1.73 sq M.predicted” (http://loinc.org|62238-1): "
                                     "1 value in “mL/min” does not convert to “mL/min/{1.73_m2}”; it is in the variable “egfr_ml_min”"));

  assert_cell (store, "age_at_diagnosis", "s", "53.7221");

  var = cs_store_lookup_variable (store, "body_temperature");
  g_assert_cmpstr (var->unit, ==, "Cel");
  assert_cell (store, "body_temperature", "q", "37");
  g_assert_null (cs_store_lookup_variable (store, "body_temperature_degf"));

  var = cs_store_lookup_variable (store, "cea");
  g_assert_cmpint (var->type, ==, CS_VARIABLE_NUMERIC);
  g_assert_cmpstr (var->unit, ==, "ng/mL");     /* a tie of 1 and 1: byte order */
  assert_cell (store, "cea", "q", "2");
  assert_cell (store, "cea_coded", "r", "260385009");
  g_assert_cmpint (cs_store_lookup_variable (store, "cea_coded")->type, ==, CS_VARIABLE_CATEGORICAL);
}

static void
test_units (void)
{
  check_both_orders (unit_fixtures, G_N_ELEMENTS (unit_fixtures), check_units);
}

/* ---------------------------------------------------------------- methods */

#define METHOD_CODED(d) ",\"method\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"x\",\"display\":\"" d "\"}]}"
#define METHOD_TEXT(t) ",\"method\":{\"text\":\"" t "\"}"
#define GFR(id, p, v, unit, method) \
  CODED_OBS (id, p, "http://loinc.org", "62238-1", DISPLAY ("eGFR"), TEXT ("eGFR"), QUANTITY (v, unit) method)
#define HB(id, p, v, method) \
  CODED_OBS (id, p, "http://loinc.org", "718-7", DISPLAY ("Hemoglobin"), TEXT ("Hemoglobin"), QUANTITY (v, "g/dL") method)

static const Fixture method_fixtures[] = {
  { NULL, PATIENT ("p", "") },
  { NULL, PATIENT ("q", "") },
  { NULL, PATIENT ("r", "") },
  { NULL, PATIENT ("s", "") },
  { NULL, PATIENT ("t", "") },
  /* two stated methods: one variable each, and one for values without */
  { NULL, GFR ("g1", "p", "80", "mL/min/{1.73_m2}", METHOD_CODED ("CKD-EPI")) },
  { NULL, GFR ("g2", "q", "70", "mL/min/{1.73_m2}", METHOD_CODED ("CKD-EPI")) },
  { NULL, GFR ("g3", "r", "60", "mL/min/{1.73_m2}", METHOD_TEXT ("MDRD")) },
  { NULL, GFR ("g4", "s", "55", "mL/min/{1.73_m2}", "") },
  /* a method's values in a unit that does not convert: split again */
  { NULL, GFR ("g5", "t", "1.5", "mL/s", METHOD_TEXT ("MDRD")) },
  /* one stated method and none: nothing says they differ, one variable */
  { NULL, HB ("h1", "p", "13", METHOD_TEXT ("Photometry")) },
  { NULL, HB ("h2", "q", "12", "") },
};

static void
check_methods (CsStore *store)
{
  CsVariable *var;

  var = cs_store_lookup_variable (store, "egfr");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "eGFR (CKD-EPI)");
  g_assert_cmpuint (var->n, ==, 2);
  assert_cell (store, "egfr", "p", "80");
  assert_cell (store, "egfr", "r", "");

  var = cs_store_lookup_variable (store, "egfr_mdrd");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "eGFR (MDRD)");
  g_assert_cmpstr (var->unit, ==, "mL/min/{1.73_m2}");
  g_assert_cmpuint (var->n, ==, 1);
  assert_cell (store, "egfr_mdrd", "r", "60");
  g_assert_cmpstr (g_ptr_array_index (var->codes, 0), ==, "http://loinc.org|62238-1");

  var = cs_store_lookup_variable (store, "egfr_mdrd_ml_s");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "eGFR (MDRD) (mL/s)");
  assert_cell (store, "egfr_mdrd_ml_s", "t", "1.5");

  var = cs_store_lookup_variable (store, "egfr_no_method");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "eGFR (method not stated)");
  assert_cell (store, "egfr_no_method", "s", "55");

  g_assert_true (has_warning (store, "“eGFR” (http://loinc.org|62238-1): 1 value measured by another method is in "
                                     "the variable “egfr_mdrd” (“eGFR (MDRD)”), next to “egfr” (“eGFR (CKD-EPI)”)"));

  /* the code's main variable is still found by code */
  g_assert_true (cs_store_find_variable (store, "62238-1") == cs_store_lookup_variable (store, "egfr"));

  var = cs_store_lookup_variable (store, "hemoglobin");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "Hemoglobin");
  g_assert_cmpuint (var->n, ==, 2);
  g_assert_null (cs_store_lookup_variable (store, "hemoglobin_photometry"));
}

static void
test_methods (void)
{
  check_both_orders (method_fixtures, G_N_ELEMENTS (method_fixtures), check_methods);
}

/* The HL7 example f205 (eGFR by MDRD, two components): alone, one variable
 * per component, labelled as the data name it; next to a copy of it by
 * CKD-EPI (written here, in a temporary folder), two per component. */
static void
test_methods_hl7 (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *dir = shared != NULL ? g_build_filename (shared, "hl7-r4-examples", NULL) : NULL;
  g_autofree char *obs_path = NULL, *patient_path = NULL, *bytes = NULL, *tmp = NULL, *copy_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) copy = NULL;
  g_autoptr(CsStore) alone = cs_store_new ();
  g_autoptr(CsStore) both = cs_store_new ();
  CsVariable *var;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no shared third-party data (CS_SHARED_DATA/hl7-r4-examples): it is not part of the project");
      return;
    }
  obs_path = g_build_filename (dir, "Observation-f205.json", NULL);
  patient_path = g_build_filename (dir, "Patient-f201.json", NULL);

  g_assert_true (cs_store_load_path (alone, patient_path, NULL, NULL, NULL, &error));
  g_assert_true (cs_store_load_path (alone, obs_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (alone);
  var = cs_store_find_variable (alone, "http://loinc.org|48642-3");
  g_assert_nonnull (var);
  g_assert_cmpstr (var->label, ==, "Glomerular filtration rate/1.73 sq M predicted among non-blacks [Volume Rate/Area] "
                                   "in Serum or Plasma by Creatinine-based formula (MDRD)");
  g_assert_cmpuint (var->n, ==, 1);
  for (guint i = 0; i < cs_store_get_n_variables (alone); i++)
    g_assert_null (strstr (cs_store_get_variable (alone, i)->key, "mdrd_"));

  g_assert_true (g_file_get_contents (obs_path, &bytes, NULL, &error));
  copy = g_string_new (bytes);
  g_assert_cmpuint (g_string_replace (copy, "\"id\": \"f205\"", "\"id\": \"f205-ckd-epi\"", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (copy, "\"display\": \"MDRD\"", "\"display\": \"CKD-EPI\"", 1), ==, 1);
  tmp = g_dir_make_tmp ("cs-methods-XXXXXX", &error);
  g_assert_no_error (error);
  copy_path = g_build_filename (tmp, "Observation-f205-ckd-epi.json", NULL);
  g_assert_true (g_file_set_contents (copy_path, copy->str, copy->len, &error));

  g_assert_true (cs_store_load_path (both, patient_path, NULL, NULL, NULL, &error));
  g_assert_true (cs_store_load_path (both, obs_path, NULL, NULL, NULL, &error));
  g_assert_true (cs_store_load_path (both, copy_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (both);
  {
    guint n_mdrd = 0, n_ckd = 0;

    for (guint i = 0; i < cs_store_get_n_variables (both); i++)
      {
        CsVariable *v = cs_store_get_variable (both, i);

        if (v->codes->len == 0 || g_strcmp0 (g_ptr_array_index (v->codes, 0), "http://loinc.org|48642-3") != 0)
          continue;
        n_mdrd += g_str_has_suffix (v->label, "(MDRD)");
        n_ckd += g_str_has_suffix (v->label, "(CKD-EPI)");
        g_assert_cmpuint (v->n, ==, 1);
      }
    g_assert_cmpuint (n_mdrd, ==, 1);
    g_assert_cmpuint (n_ckd, ==, 1);
  }
  g_assert_cmpint (g_unlink (copy_path), ==, 0);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

/* ---------------------------------------------------------------- how derived */

static const Fixture explain_fixtures[] = {
  { NULL, PATIENT ("a", ",\"birthDate\":\"1950-01-01\",\"deceasedDateTime\":\"2017-05-01\"") },
  { NULL, CONDITION ("c1", "a", "254637007", "Non-small cell lung cancer", ",\"onsetDateTime\":\"2015-03-01\"") },
  { NULL, PATIENT ("b", ",\"birthDate\":\"1960-01-01\"") },
  { NULL, CONDITION ("c2", "b", "254637007", "Non-small cell lung cancer",
                     ",\"onsetPeriod\":{\"start\":\"2016-01-01\"}") },
  { NULL, CONDITION ("c3", "b", "38341003", "Hypertension", ",\"onsetDateTime\":\"2010-01-01\"") },
  { NULL, "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\"," SUBJECT ("b") ","
          "\"period\":{\"start\":\"2019-02-01\",\"end\":\"2019-02-03\"}}" },
  { NULL, PATIENT ("c", ",\"birthDate\":\"1970-01-01\",\"deceasedBoolean\":false") },
  { NULL, PATIENT ("d", "") },
  { NULL, CONDITION ("c4", "d", "254637007", "Non-small cell lung cancer",
                     ",\"onsetAge\":{\"value\":61,\"unit\":\"a\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"a\"}") },
};

static void
assert_explained (CsStore    *store,
                  const char *key,
                  const char *patient,
                  const char *expected)
{
  CsVariable *var = cs_store_lookup_variable (store, key);
  g_autofree char *got = NULL;

  g_assert_nonnull (var);
  got = cs_store_explain_cell (store, var, (guint) cs_store_find_patient (store, patient));
  g_assert_cmpstr (got, ==, expected);
}

static void
check_explain (CsStore *store)
{
  assert_explained (store, "age_at_diagnosis", "a",
                    "Condition/c1 “Non-small cell lung cancer” (http://snomed.info/sct|254637007) "
                    "onsetDateTime 2015-03-01 − Patient/a birthDate 1950-01-01");
  assert_explained (store, "age_at_diagnosis", "b",
                    "Condition/c2 “Non-small cell lung cancer” (http://snomed.info/sct|254637007) "
                    "onsetPeriod.start 2016-01-01 − Patient/b birthDate 1960-01-01");
  assert_explained (store, "age_at_diagnosis", "c", "missing: no Condition of the patient qualifies as the diagnosis");
  assert_explained (store, "age_at_diagnosis", "d",
                    "onsetAge of Condition/c4 “Non-small cell lung cancer” (http://snomed.info/sct|254637007): 61 years");
  assert_explained (store, "diagnosis", "b",
                    "the primary diagnosis: Condition/c2 “Non-small cell lung cancer” (http://snomed.info/sct|254637007)");

  assert_explained (store, "deceased", "a", "Patient/a deceasedDateTime 2017-05-01");
  assert_explained (store, "deceased", "c", "Patient/c deceasedBoolean false");
  assert_explained (store, "deceased", "d", "Patient/d has no deceased[x]: counted as alive");

  assert_explained (store, "os", "a",
                    "time: from Condition/c1 “Non-small cell lung cancer” (http://snomed.info/sct|254637007) "
                    "onsetDateTime 2015-03-01 to Patient/a deceasedDateTime 2017-05-01; "
                    "event: Patient/a deceasedDateTime 2017-05-01");
  assert_explained (store, "os", "b",
                    "time: from Condition/c2 “Non-small cell lung cancer” (http://snomed.info/sct|254637007) "
                    "onsetPeriod.start 2016-01-01 to the last follow-up, Encounter/e1 2019-02-03 (censored); "
                    "event: Patient/b has no deceased[x]: counted as alive");
  assert_explained (store, "os", "c",
                    "missing: no survival_time and no Condition that qualifies as the diagnosis; "
                    "event: Patient/c deceasedBoolean false");

  /* a condition flag: true, false (other Conditions), unknown (none at all) */
  assert_explained (store, "condition.38341003", "b",
                    "true: Condition/c3 “Hypertension” (http://snomed.info/sct|38341003)");
  assert_explained (store, "condition.38341003", "a", "false: the patient has 1 other Condition, none with this code");
  assert_explained (store, "condition.38341003", "c",
                    "unknown: the sources hold no Condition of the patient (false means none recorded)");
  assert_cell (store, "condition.38341003", "c", "false");
  g_assert_cmpuint (cs_store_count_patients_without_conditions (store), ==, 1);

  /* variables read as they are have no derivation */
  g_assert_null (cs_store_explain_cell (store, cs_store_lookup_variable (store, "birth_date"), 0));
}

static void
test_explain (void)
{
  check_both_orders (explain_fixtures, G_N_ELEMENTS (explain_fixtures), check_explain);
}

/* ---------------------------------------------------------------- main */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/rules/follow-up", test_follow_up);
  g_test_add_func ("/store/rules/diagnosis", test_diagnosis);
  g_test_add_func ("/store/rules/diagnosis/synthea", test_diagnosis_synthea);
  g_test_add_func ("/store/rules/staging", test_staging);
  g_test_add_func ("/store/rules/ucum", test_ucum);
  g_test_add_func ("/store/rules/keys", test_keys);
  g_test_add_func ("/store/rules/keys/many-texts", test_keys_many_texts);
  g_test_add_func ("/store/rules/orphans", test_orphans);
  g_test_add_func ("/store/rules/units", test_units);
  g_test_add_func ("/store/rules/methods", test_methods);
  g_test_add_func ("/store/rules/explain", test_explain);
  g_test_add_func ("/store/rules/methods/hl7", test_methods_hl7);

  return g_test_run ();
}
