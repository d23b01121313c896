/* cs-fhir-load-report.h: what a cohort load from a server fetched, and what not
 *
 * A server load searches the Patients and a list of resource types. The
 * report says how that list was chosen (the caller's, the types the
 * CapabilityStatement declares, or every Patient-compartment type when the
 * statement declares none or there is none), which types were searched and
 * what each brought, which were left out and why (not declared, not asked
 * for, the server refused the search), and which searches were cut short
 * (their pages kept bringing nothing new, or the page limit): then the load
 * is incomplete. The CLI prints it on stderr, the app offers it with the
 * toast of a finished load.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "cs-store.h"

G_BEGIN_DECLS

/* How the types to fetch were chosen */
typedef enum
{
  CS_FHIR_TYPES_ASKED,          /* CsFhirCohortSpec.resource_types */
  CS_FHIR_TYPES_DECLARED,       /* the Patient-compartment types the CapabilityStatement declares */
  CS_FHIR_TYPES_NONE_DECLARED,  /* the CapabilityStatement declares none of them: all were tried */
  CS_FHIR_TYPES_NO_METADATA,    /* no usable CapabilityStatement: all were tried */
} CsFhirTypeChoice;

/* What became of a resource type */
typedef enum
{
  CS_FHIR_TYPE_SEARCHED,        /* searched (its count may be 0) */
  CS_FHIR_TYPE_NOT_DECLARED,    /* a Patient-compartment type the CapabilityStatement does not declare */
  CS_FHIR_TYPE_NOT_ASKED,       /* a Patient-compartment type not in resource_types */
  CS_FHIR_TYPE_REFUSED,         /* a type tried without being declared, whose search the server refused */
} CsFhirTypeStatus;

typedef struct _CsFhirLoadReport CsFhirLoadReport;

CsFhirTypeChoice    cs_fhir_load_report_get_type_choice (const CsFhirLoadReport *report);
/* NO_METADATA: why /metadata was of no use; else NULL */
const char         *cs_fhir_load_report_get_metadata_problem (const CsFhirLoadReport *report);
/* The types with that status, Patient first, then sorted by name */
GStrv               cs_fhir_load_report_dup_types     (const CsFhirLoadReport *report,
                                                       CsFhirTypeStatus        status);
/* REFUSED: the server's answer (HTTP status and OperationOutcome text); else NULL */
const char         *cs_fhir_load_report_get_refusal   (const CsFhirLoadReport *report,
                                                       const char             *type);
/* Resources of a type loaded (after de-duplication by Type/id) */
guint64             cs_fhir_load_report_get_count     (const CsFhirLoadReport *report,
                                                       const char             *type);
guint64             cs_fhir_load_report_get_total     (const CsFhirLoadReport *report);
/* FALSE when a search was cut short: see get_incomplete */
gboolean            cs_fhir_load_report_is_complete   (const CsFhirLoadReport *report);
/* One sentence per search cut short: which search, why, what it loaded;
 * NULL-terminated, empty when complete */
const char * const *cs_fhir_load_report_get_incomplete (const CsFhirLoadReport *report);
/* The whole report in a few lines (no trailing newline), for the CLI's
 * stderr and the app's details */
char               *cs_fhir_load_report_to_string     (const CsFhirLoadReport *report);
void                cs_fhir_load_report_free          (CsFhirLoadReport       *report);

/* The report of the load that made store: set by
 * cs_fhir_client_load_cohort_async on the store it returns; NULL for other
 * stores. Owned by the store. */
const CsFhirLoadReport *cs_fhir_store_get_load_report (CsStore                *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFhirLoadReport, cs_fhir_load_report_free)

G_END_DECLS
