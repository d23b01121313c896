/* fuzz-saved-cohort.c: libFuzzer target for saved cohort files, FHIR Groups
 * and Patient id lists
 *
 * Whatever parses must write out and read back equal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cs-saved-cohort.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_round_trip (const CsSavedCohort *cohort)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_saved_cohort_to_json (cohort);
  g_autoptr(CsSavedCohort) again = cs_saved_cohort_from_json (json, -1, "round-trip", &error);
  g_autofree char *group = NULL;
  g_autoptr(CsSavedCohort) from_group = NULL;

  if (again == NULL)
    g_error ("written cohort does not read back: %s\n%s", error->message, json);
  g_assert_true (cs_saved_cohort_equal (cohort, again));

  group = cs_saved_cohort_to_group (cohort,
                                    cohort->patient_ids != NULL ? (const char *const *) cohort->patient_ids->pdata : NULL,
                                    cohort->patient_ids != NULL ? cohort->patient_ids->len : 0);
  from_group = cs_saved_cohort_from_group (group, -1, "group", &error);
  if (from_group == NULL)
    {
      /* only an empty cohort without a filter has nothing to export */
      g_assert_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY);
      return;
    }
  g_assert_cmpstr (from_group->filter, ==, cohort->filter != NULL && cohort->filter[0] ? cohort->filter : NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSavedCohort) cohort = NULL;

  if (size > 65536)
    return 0;

  cohort = cs_saved_cohort_from_json (text, (gssize) size, "fuzz", &error);
  if (cohort != NULL)
    check_round_trip (cohort);
  else
    g_assert_true (error != NULL);
  g_clear_pointer (&cohort, cs_saved_cohort_free);
  g_clear_error (&error);

  cohort = cs_saved_cohort_from_group (text, (gssize) size, "fuzz", &error);
  if (cohort != NULL)
    check_round_trip (cohort);
  else
    g_assert_true (error != NULL);
  g_clear_pointer (&cohort, cs_saved_cohort_free);
  g_clear_error (&error);

  if (memchr (data, '\0', size) == NULL)
    {
      cohort = cs_saved_cohort_from_id_list (text, (gssize) size, "fuzz", &error);
      if (cohort != NULL)
        check_round_trip (cohort);
      else
        g_assert_true (error != NULL);
    }

  return 0;
}
