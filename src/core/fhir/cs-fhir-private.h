/* cs-fhir-private.h: the request engine shared by the client, push and cache
 *
 * A CsFhirOp is one operation (a cohort load, a search, an upload): a private
 * GMainContext pushed as thread default, a SoupSession made for it, an
 * internal GCancellable chained to the caller's, the first error, and the
 * requests in flight. Everything runs on the calling thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-client.h"
#include "cs-json.h"

G_BEGIN_DECLS

typedef struct _CsFhirOp CsFhirOp;

CsFhirOp     *cs_fhir_op_new                (CsFhirClient     *client,
                                             GCancellable     *cancellable);
void          cs_fhir_op_free               (CsFhirOp         *op);

/* Sends one request (redirects, 429/503 retries and auth handled) and reads
 * the whole body (at most 64 MiB). status gets the final HTTP status.
 * Returns FALSE on transport errors only (an HTTP error status is not one). */
gboolean      cs_fhir_op_request            (CsFhirOp         *op,
                                             const char       *method,
                                             const char       *url,
                                             GBytes           *body,
                                             guint            *status,
                                             GBytes          **response,
                                             GError          **error);

/* GET url (as cs_fhir_op_request) and parse the answer as JSON: an HTTP
 * error status is CS_FHIR_ERROR_HTTP, an answer that is not JSON
 * CS_FHIR_ERROR_BAD_RESPONSE naming the URL without its credentials. */
CsJsonDocument *cs_fhir_op_get_json         (CsFhirOp         *op,
                                             const char       *url,
                                             GError          **error);

/* Builds the CS_FHIR_ERROR_HTTP error for a status and body (OperationOutcome text). */
GError       *cs_fhir_http_error_new        (const char       *method,
                                             const char       *url,
                                             guint             status,
                                             GBytes           *body);

/* The issue texts of an OperationOutcome body, or NULL */
char         *cs_fhir_operation_outcome_text (GBytes         *body);

/* URL of [base]/path with the client's extra query and _count (when
 * add_count and the query has none). query may be NULL. */
char         *cs_fhir_client_build_url      (CsFhirClient     *self,
                                             const char       *path,
                                             const char       *query,
                                             gboolean          add_count);

/* The URL with any user:password removed, for messages. */
char         *cs_fhir_redact_url            (const char       *url);

/* Filling a load report (cs-fhir-load-report.h). add_count runs on the
 * thread that parses pages, the others on the thread that runs the load. */
CsFhirLoadReport *cs_fhir_load_report_new   (void);
/* searched: the types searched besides Patient; compartment: all the
 * Patient-compartment types (those not searched are the ones left out) */
void          cs_fhir_load_report_set_types (CsFhirLoadReport   *report,
                                             CsFhirTypeChoice    choice,
                                             const char         *metadata_problem,
                                             const char * const *searched,
                                             const char * const *compartment);
void          cs_fhir_load_report_add_count (CsFhirLoadReport   *report,
                                             const char         *type);
void          cs_fhir_load_report_refuse    (CsFhirLoadReport   *report,
                                             const char         *type,
                                             const char         *why);
gboolean      cs_fhir_load_report_is_refused (const CsFhirLoadReport *report,
                                              const char             *type);
/* sentence: transfer full */
void          cs_fhir_load_report_add_incomplete (CsFhirLoadReport *report,
                                                  char             *sentence);
void          cs_fhir_load_report_set_cache_skipped (CsFhirLoadReport *report);
/* report: transfer full */
void          cs_fhir_store_set_load_report (CsStore            *store,
                                             CsFhirLoadReport   *report);

/* Test hook: the deterministic id push gives a resource without a valid id */
char         *_cs_fhir_push_make_id         (const char       *resource_type,
                                             const char       *identifier_system,
                                             const char       *identifier_value,
                                             const char       *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFhirOp, cs_fhir_op_free)

G_END_DECLS
