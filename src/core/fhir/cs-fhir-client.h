/* cs-fhir-client.h: FHIR R4 REST client (libsoup 3)
 *
 * A CsFhirClient holds a server's base URL, authentication and network
 * settings. Its operations are synchronous (they run a private main context
 * with several requests in flight, so call them from a worker thread in a
 * GUI) or asynchronous (_async/_finish, run in a GTask thread).
 *
 * Security rules the client keeps: certificates are always verified; the
 * Authorization header is only sent to the origin of the base URL (never
 * after a redirect or a next link to another origin); secrets never appear
 * in messages or debug output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-fhir-load-report.h"
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
  CS_FHIR_ERROR_INVALID_URL,   /* not an http(s) base URL */
  CS_FHIR_ERROR_NETWORK,       /* cannot connect / resolve / connection lost */
  CS_FHIR_ERROR_INCOMPLETE,    /* a search was cut short: its pages kept bringing nothing
                                * new, or it reached the page limit (cs_fhir_client_search) */
} CsFhirError;

GQuark    cs_fhir_error_quark       (void);

/* Loads the whole cohort behind base_url (all patients and every
 * Patient-compartment type the server declares: Observations, Conditions,
 * ImagingStudies, Encounters, …) into store (not finished).
 * A query in base_url (e.g. "http://host/fhir?_count=50") is added to every
 * search. The environment may give CS_FHIR_PAGE_SIZE (default _count),
 * CS_FHIR_BEARER_TOKEN or CS_FHIR_USERNAME + CS_FHIR_PASSWORD (auth),
 * CS_FHIR_TIMEOUT (seconds) and CS_FHIR_MAX_PAGES. progress gets bytes
 * received so far, 0 and the number of resources. */
gboolean  cs_fhir_load_into_store   (const char           *base_url,
                                     CsStore              *store,
                                     CsIngestProgressFunc  progress,
                                     gpointer              progress_data,
                                     GCancellable         *cancellable,
                                     GError              **error);

typedef enum
{
  CS_FHIR_AUTH_NONE,
  CS_FHIR_AUTH_BASIC,
  CS_FHIR_AUTH_BEARER,
} CsFhirAuthKind;

/* Progress of a multi-request operation. */
typedef struct
{
  guint64 resources;       /* resources received so far */
  guint64 pages;           /* Bundle pages (responses) completed */
  guint64 bytes;           /* response body bytes received */
  guint64 total;           /* resources announced by Bundle.total of the first pages, 0 if unknown */
  double  elapsed;         /* seconds since the start */
  double  rate;            /* resources per second */
  double  eta;             /* seconds left, or -1 when unknown */
  guint   in_flight;       /* requests running now */
  guint   retries;         /* 429/503 retries so far */
} CsFhirProgress;

typedef void (*CsFhirProgressFunc) (const CsFhirProgress *progress,
                                    gpointer              user_data);

/* What the server's CapabilityStatement declares. */
typedef struct _CsFhirCapabilities CsFhirCapabilities;

const char  *cs_fhir_capabilities_get_software_name    (const CsFhirCapabilities *caps);
const char  *cs_fhir_capabilities_get_software_version (const CsFhirCapabilities *caps);
const char  *cs_fhir_capabilities_get_fhir_version     (const CsFhirCapabilities *caps);
/* Resource types with a rest.resource entry, sorted. */
GStrv        cs_fhir_capabilities_dup_resource_types   (const CsFhirCapabilities *caps);
gboolean     cs_fhir_capabilities_has_search_param     (const CsFhirCapabilities *caps,
                                                        const char               *resource_type,
                                                        const char               *param);
/* revinclude like "Observation:patient" declared on resource_type */
gboolean     cs_fhir_capabilities_has_revinclude       (const CsFhirCapabilities *caps,
                                                        const char               *resource_type,
                                                        const char               *revinclude);
/* A few lines for "Test connection": software, FHIR version, search features. */
char        *cs_fhir_capabilities_to_string            (const CsFhirCapabilities *caps);
void         cs_fhir_capabilities_free                 (CsFhirCapabilities       *caps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFhirCapabilities, cs_fhir_capabilities_free)

/* Which patients make the cohort. */
typedef enum
{
  CS_FHIR_COHORT_ALL,          /* every Patient on the server */
  CS_FHIR_COHORT_GROUP,        /* the members of Group/<group_id>: by Patient?_has:Group:member:_id=
                                * when /metadata declares _has, else (or when that finds nobody or
                                * is refused) by reading the Group */
  CS_FHIR_COHORT_SEARCH,       /* Patient?<patient_query>, e.g. "birthdate=lt1960" */
} CsFhirCohortKind;

/* How the patients' data are fetched. */
typedef enum
{
  CS_FHIR_FETCH_AUTO,          /* ALL: by type; else _revinclude if declared, else patient= chunks */
  CS_FHIR_FETCH_BY_TYPE,       /* Type?… for each type (only for CS_FHIR_COHORT_ALL) */
  CS_FHIR_FETCH_REVINCLUDE,    /* Patient?…&_revinclude=Type:patient */
  CS_FHIR_FETCH_PATIENT_CHUNKS,/* Type?patient=id1,id2,… */
} CsFhirFetchMethod;

typedef struct
{
  CsFhirCohortKind    kind;
  const char         *group_id;       /* CS_FHIR_COHORT_GROUP */
  const char         *patient_query;  /* CS_FHIR_COHORT_SEARCH */
  const char * const *resource_types; /* NULL: the Patient-compartment types the server declares;
                                       * all of them, skipping those the server refuses, when it
                                       * declares none or has no usable /metadata */
  CsFhirFetchMethod   method;
  guint               chunk_size;     /* patient ids per request, 0: 50 */
  gboolean            write_cache;    /* write the offline cache after success */
} CsFhirCohortSpec;

/* "Observation, Condition" (commas and/or spaces) as a NULL-terminated list
 * for CsFhirCohortSpec.resource_types; NULL with error when it names no type
 * or a word that is not a resource type name (a capital, then letters). */
GStrv     cs_fhir_parse_type_list   (const char  *text,
                                     GError     **error);

#define CS_TYPE_FHIR_CLIENT (cs_fhir_client_get_type ())
G_DECLARE_FINAL_TYPE (CsFhirClient, cs_fhir_client, CS, FHIR_CLIENT, GObject)

/* base_url: http(s) URL of the FHIR base; a query part is added to every search. */
CsFhirClient       *cs_fhir_client_new              (const char         *base_url,
                                                     GError            **error);
/* Normalised base URL (ends with '/', no query) */
const char         *cs_fhir_client_get_base_url     (CsFhirClient       *self);
CsFhirAuthKind      cs_fhir_client_get_auth_kind    (CsFhirClient       *self);
void                cs_fhir_client_set_auth_none    (CsFhirClient       *self);
void                cs_fhir_client_set_auth_basic   (CsFhirClient       *self,
                                                     const char         *username,
                                                     const char         *password);
void                cs_fhir_client_set_auth_bearer  (CsFhirClient       *self,
                                                     const char         *token);
/* Pages followed per search at most (default CS_FHIR_DEFAULT_MAX_PAGES; 0:
 * no limit). A search that reaches it stops; a load then reports itself
 * incomplete, a plain search fails with CS_FHIR_ERROR_INCOMPLETE. Whatever
 * the limit, a search stops when 3 pages in a row bring nothing new. */
#define CS_FHIR_DEFAULT_MAX_PAGES 10000
guint               cs_fhir_client_get_max_pages    (CsFhirClient       *self);
void                cs_fhir_client_set_max_pages    (CsFhirClient       *self,
                                                     guint               max_pages);
/* I/O timeout in seconds (default 60) */
guint               cs_fhir_client_get_timeout      (CsFhirClient       *self);
void                cs_fhir_client_set_timeout      (CsFhirClient       *self,
                                                     guint               seconds);
/* _count asked for in searches (default 1000; 0: not sent) */
guint               cs_fhir_client_get_page_size    (CsFhirClient       *self);
void                cs_fhir_client_set_page_size    (CsFhirClient       *self,
                                                     guint               page_size);
/* Requests in flight at once (default 4) */
guint               cs_fhir_client_get_max_in_flight (CsFhirClient      *self);
void                cs_fhir_client_set_max_in_flight (CsFhirClient      *self,
                                                     guint               n);
/* 429/503: up to max_tries attempts; the wait before retry k (1-based) is
 * min(max_delay, max(Retry-After, base_delay * 2^(k-1))). Defaults 5, 500 ms, 60 s. */
void                cs_fhir_client_set_retry        (CsFhirClient       *self,
                                                     guint               max_tries,
                                                     guint               base_delay_ms,
                                                     guint               max_delay_ms);

/* Applies CS_FHIR_PAGE_SIZE, CS_FHIR_TIMEOUT, CS_FHIR_MAX_PAGES,
 * CS_FHIR_BEARER_TOKEN or CS_FHIR_USERNAME + CS_FHIR_PASSWORD from the
 * environment (the CLI). */
void                cs_fhir_client_configure_from_env (CsFhirClient     *self);

/* GET /metadata */
CsFhirCapabilities *cs_fhir_client_read_metadata    (CsFhirClient       *self,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

/* GET [base]/<resource_type>?<query> and every next page; each resource of
 * the pages goes to func once (by Type/id; the Bundle itself and
 * OperationOutcome entries do not). A search cut short (3 pages in a row
 * with nothing new, or the page limit) fails with CS_FHIR_ERROR_INCOMPLETE. */
gboolean            cs_fhir_client_search           (CsFhirClient          *self,
                                                     const char            *resource_type,
                                                     const char            *query,
                                                     CsIngestResourceFunc   func,
                                                     gpointer               func_data,
                                                     CsFhirProgressFunc     progress,
                                                     gpointer               progress_data,
                                                     GCancellable          *cancellable,
                                                     GError               **error);

/* Loads a cohort into store (not finished). On error the store holds a
 * part of the cohort: throw it away. Resources are de-duplicated by type/id.
 * A search cut short (its pages kept bringing nothing new, or it reached
 * the page limit) does not fail the load: the report says so and the load
 * is incomplete (nor is the offline cache written then). */
gboolean            cs_fhir_client_load_cohort      (CsFhirClient           *self,
                                                     const CsFhirCohortSpec *spec,
                                                     CsStore                *store,
                                                     CsFhirProgressFunc      progress,
                                                     gpointer                progress_data,
                                                     GCancellable           *cancellable,
                                                     GError                **error);

/* cs_fhir_client_load_cohort() that also gives, on success, the report of
 * what was fetched, left out and cut short (report may be NULL). */
gboolean            cs_fhir_client_load_cohort_full (CsFhirClient           *self,
                                                     const CsFhirCohortSpec *spec,
                                                     CsStore                *store,
                                                     CsFhirProgressFunc      progress,
                                                     gpointer                progress_data,
                                                     CsFhirLoadReport      **report,
                                                     GCancellable           *cancellable,
                                                     GError                **error);

/* In a thread: a new store, loaded and finished, with the load's report
 * (cs_fhir_store_get_load_report). Progress is delivered on the caller's
 * thread-default main context. spec is copied. */
void                cs_fhir_client_load_cohort_async  (CsFhirClient           *self,
                                                       const CsFhirCohortSpec *spec,
                                                       CsFhirProgressFunc      progress,
                                                       gpointer                progress_data,
                                                       GDestroyNotify          progress_data_destroy,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
CsStore            *cs_fhir_client_load_cohort_finish (CsFhirClient           *self,
                                                       GAsyncResult           *result,
                                                       GError                **error);

G_END_DECLS
