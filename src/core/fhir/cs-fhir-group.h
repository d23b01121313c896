/* cs-fhir-group.h: uploading a cohort to a FHIR server as a Group
 *
 * The cohort becomes a FHIR R4 Group (cs_saved_cohort_to_group) with a
 * deterministic id (cs_saved_cohort_dup_group_id) and goes through the same
 * idempotent upload as any file (cs_fhir_client_push_path): `PUT Group/<id>`
 * only when the server's copy differs, so uploading the same cohort again
 * updates that Group and never makes a second one.
 *
 * Member references are `Patient/<id>`: they only resolve on the server the
 * cohort's data came from. cs_fhir_client_find_missing_patients tells which
 * members a server does not have (for a warning before uploading a cohort
 * that was loaded from somewhere else).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-client.h"
#include "cs-saved-cohort.h"

G_BEGIN_DECLS

typedef enum
{
  CS_FHIR_GROUP_CREATED,     /* the server had no Group with this id */
  CS_FHIR_GROUP_UPDATED,     /* it had one that differed */
  CS_FHIR_GROUP_UNCHANGED,   /* it had this very Group: nothing was sent */
} CsFhirGroupChange;

/* TRUE when a and b name the same FHIR base: scheme and host ignoring
 * case, default ports, a trailing '/', user info, query and fragment do not
 * count. FALSE when either is NULL or not an http(s) URL. */
gboolean  cs_fhir_base_url_equal                (const char          *a,
                                                 const char          *b);

/* Looks the ids up (`Patient?_id=…` in chunks of 50) and appends those the
 * server does not have to missing (char*, freed with g_free). */
gboolean  cs_fhir_client_find_missing_patients  (CsFhirClient        *self,
                                                 const char * const  *ids,
                                                 guint                n_ids,
                                                 GPtrArray           *missing,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

/* Uploads cohort with member_ids as Group/<id>, or with dry_run only finds
 * out what an upload would do. change gets created, updated or unchanged;
 * group_url (may be NULL) the Group's URL, [base]Group/<id>. Errors name the
 * Group ("Group/<id>: …"). */
gboolean  cs_fhir_client_push_group             (CsFhirClient        *self,
                                                 const CsSavedCohort *cohort,
                                                 const char * const  *member_ids,
                                                 guint                n_members,
                                                 gboolean             dry_run,
                                                 CsFhirGroupChange   *change,
                                                 char               **group_url,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

G_END_DECLS
