/* cs-fhir-client.h: FHIR R4 REST client (libsoup 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_FHIR_ERROR (cs_fhir_error_quark ())

typedef enum
{
  CS_FHIR_ERROR_FAILED,
  CS_FHIR_ERROR_HTTP,          /* 4xx/5xx; message carries OperationOutcome text when given */
  CS_FHIR_ERROR_BAD_RESPONSE,  /* not JSON, truncated, not a Bundle where one was expected */
  CS_FHIR_ERROR_TLS,           /* certificate not valid */
  CS_FHIR_ERROR_LOOP,          /* next link repeats */
  CS_FHIR_ERROR_TIMEOUT,
  CS_FHIR_ERROR_CANCELLED,
} CsFhirError;

GQuark    cs_fhir_error_quark       (void);

/* Loads the whole cohort behind base_url (all patients and their
 * Observations, Conditions, ImagingStudies) into store (not finished). */
gboolean  cs_fhir_load_into_store   (const char           *base_url,
                                     CsStore              *store,
                                     CsIngestProgressFunc  progress,
                                     gpointer              progress_data,
                                     GCancellable         *cancellable,
                                     GError              **error);

G_END_DECLS
