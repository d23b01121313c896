/* test-store-rules.c: the variable rules of docs/VARIABLES.md on real-world
 * shapes: follow-up, the primary diagnosis, staging, keys, orphans, units
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-store.h"
#include "cs-store-private.h"
#include "store-test-util.h"

#define SUBJECT(p) "\"subject\":{\"reference\":\"Patient/" p "\"}"
#define CONDITION(id, p, code, display, extra) \
  "{\"resourceType\":\"Condition\",\"id\":\"" id "\"," SUBJECT (p) "," \
  "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" code "\",\"display\":\"" display "\"}]}" extra "}"

/* 2030-01-01 in days since 1970-01-01 */
#define LOAD_DATE 21915.0

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
  cs_store_set_load_time (loaded.store, LOAD_DATE);
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

/* ---------------------------------------------------------------- main */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/rules/follow-up", test_follow_up);

  return g_test_run ();
}
