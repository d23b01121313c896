/* store-test-util.h: inline FHIR fixtures fed to a CsStore, and cell checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-store.h"

G_BEGIN_DECLS

/* A fixture resource: an optional Bundle fullUrl and the resource JSON. */
typedef struct
{
  const char *full_url;
  const char *json;
} Fixture;

typedef struct
{
  CsStore *store;
  char    *path;
} Loaded;

void     loaded_free   (Loaded        *loaded);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Loaded, loaded_free)

/* Writes the resources as NDJSON to a temporary file and feeds them to a new
 * store with their true offsets, as the ingest would; finishes the store
 * when finish is TRUE. */
void     load_fixtures (Loaded        *loaded,
                        const Fixture *fixtures,
                        guint          n,
                        gboolean       finish);

/* The cell of variable key for the patient as `table` prints it; aborts
 * when there is no such variable. */
char    *cell          (CsStore       *store,
                        const char    *key,
                        const char    *patient_id);

/* TRUE when some warning of the store contains needle. */
gboolean has_warning   (CsStore       *store,
                        const char    *needle);

#define assert_cell(store, key, patient, expected) \
  G_STMT_START { \
    g_autofree char *got_ = cell (store, key, patient); \
    g_assert_cmpstr (got_, ==, expected); \
  } G_STMT_END

#define PATIENT(id, extra) "{\"resourceType\":\"Patient\",\"id\":\"" id "\"" extra "}"
#define OBS_NUM(id, subject, code, text, value, unit, when) \
  "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" code "\",\"display\":\"" text "\"}],\"text\":\"" text "\"}," \
  "\"subject\":{\"reference\":\"" subject "\"}" when "," \
  "\"valueQuantity\":{\"value\":" value ",\"unit\":\"" unit "\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"" unit "\"}}"

G_END_DECLS
