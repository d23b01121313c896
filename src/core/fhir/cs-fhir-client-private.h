/* cs-fhir-client-private.h: the rooms of CsFhirClient and what they share
 *
 * The client is split by role; each file owns one part of CsFhirOp:
 *   cs-fhir-client.c        the GObject: base URL, auth, settings, URLs
 *   cs-fhir-request.c       the request engine: one operation's main context,
 *                           session and cancel; requests with redirects,
 *                           429/503 retries and the auth header; errors
 *   cs-fhir-search.c        paged searches: pages parsed while they download
 *                           (on a parser thread or inline), next links and
 *                           their prefetch, de-duplication, the stall rule
 *                           and the page limit
 *   cs-fhir-cohort.c        cohort loading: which types, by type, by
 *                           patient= chunks or _revinclude, Groups by _has
 *                           or by reading them, the load report, async
 *   cs-fhir-capabilities.c  the CapabilityStatement
 * What push, the cache and Group upload use of the engine is in
 * cs-fhir-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-private.h"
#include "cs-ingest.h"

G_BEGIN_DECLS

struct _CsFhirClient
{
  GObject         parent_instance;

  char           *base_url;      /* normalised, ends with '/' */
  char           *extra_query;   /* from the base URL, or NULL */
  char           *origin;        /* scheme://host:port */
  CsFhirAuthKind  auth_kind;
  char           *auth_header;   /* secret: never logged */
  guint           timeout;
  guint           page_size;
  guint           max_in_flight;
  guint           max_tries;
  guint           base_delay_ms;
  guint           max_delay_ms;
  guint           max_pages;     /* per search, 0: no limit */
};

/* scheme://host:port of uri (lower case, the default port filled in) */
char     *_cs_fhir_origin_of_uri          (GUri         *uri);

/* ------------------------------------------------------------ requests */

typedef struct _CsFhirReq CsFhirReq;

/* stream is the response body (the status is in req->msg); error (transfer
 * full) when there is none: transport errors, too many redirects, a
 * cancel, a bad URL */
typedef void (*CsFhirReqDoneFunc) (CsFhirReq    *req,
                                   GInputStream *stream,
                                   GError       *error,
                                   gpointer      data);

struct _CsFhirReq
{
  CsFhirOp          *op;
  char              *method;
  char              *url;             /* after redirects, the last one */
  GBytes            *body;
  guint              attempt;
  guint              redirects;
  SoupMessage       *msg;
  GSource           *retry_source;
  CsFhirReqDoneFunc  done;
  gpointer           data;
  gint64             t_sent;          /* CS_FHIR_TRACE: request sent, headers in */
  gint64             t_headers;
};

struct _CsFhirOp
{
  /* The engine (cs-fhir-request.c). Everything runs on the thread that
   * made the op, in its own main context. */
  CsFhirClient   *client;
  GMainContext   *context;
  SoupSession    *session;
  GCancellable   *cancellable;      /* internal */
  GCancellable   *user_cancellable;
  gulong          user_cancel_handler;
  struct _CsFhirUserCancel *user_cancel;
  GError         *error;            /* the first error: the op failed */
  GList          *waiting;          /* CsFhirReq in a retry delay */
  guint           active;           /* requests/chains running */
  guint           max_active;
  gint64          start_time;
  gboolean        trace;            /* CS_FHIR_TRACE=1: one line per page on stderr */
  CsFhirProgress  stats;

  /* Searches (cs-fhir-search.c) */
  GQueue          queue;            /* searches not yet started */
  CsIngestResourceFunc func;        /* the sink of every new resource */
  gpointer        func_data;
  GHashTable     *seen_resources;   /* "Type/id", keys in seen_keys */
  GStringChunk   *seen_keys;
  CsFhirProgressFunc progress;
  gpointer        progress_data;
  gint64          last_progress;
  gboolean        report_total;     /* Bundle.total of first pages gives an ETA */
  /* Page bodies are parsed on a second thread while the network is read on
   * this one; the parser thread alone touches the ingests, the sink (store,
   * cache, seen_resources, pending_ids) while a page is in parse. */
  GThread        *parser;
  GAsyncQueue    *parse_queue;
  /* READ_CHUNK buffers the parser is done with: a read goes into one of
   * these and the same memory is handed to the parser, never copied */
  GAsyncQueue    *free_bufs;
  gboolean        parse_inline;     /* pages are parsed on the network thread */
  guint           last_error_status; /* HTTP status of the last error answer (0: none) */
  GHashTable     *types_with_data;  /* types that brought resources (network thread) */
  CsFhirCacheWriter *cache;         /* borrowed: also gets every new resource */
  /* Patient searches of a cohort load collect the ids (CS_FHIR_CHAIN_PATIENTS)
   * and hand them on when a page is complete (last: the search ended) */
  GPtrArray      *pending_ids;      /* char*: patients waiting to be chunked */
  void          (*patients_paged) (CsFhirOp *op,
                                   gboolean  last);

  /* Cohort loading (cs-fhir-cohort.c). Loads fill a report (NULL for a
   * plain search, where a search cut short is an error). With
   * types_guessed (none declared), a type whose first page the server
   * refuses is skipped, not an error. */
  const char    **types;
  guint           chunk_size;
  CsFhirLoadReport *report;         /* borrowed */
  gboolean        types_guessed;
};

CsFhirReq *_cs_fhir_req_new               (CsFhirOp          *op,
                                           const char        *method,
                                           const char        *url,
                                           GBytes            *body,
                                           CsFhirReqDoneFunc  done,
                                           gpointer           data);
void      _cs_fhir_req_start              (CsFhirReq         *req);
void      _cs_fhir_req_free               (CsFhirReq         *req);

/* Records the op's first error (transfer full) and cancels everything */
void      _cs_fhir_op_fail                (CsFhirOp          *op,
                                           GError            *error);

/* A GIO/libsoup error of url as a CS_FHIR_ERROR (cancelled, timeout, TLS
 * with the certificate's problems, network); msg may be NULL */
GError   *_cs_fhir_map_transport_error    (CsFhirClient      *client,
                                           const GError      *error,
                                           SoupMessage       *msg,
                                           const char        *url);

/* ------------------------------------------------------------ searches */

typedef enum
{
  CS_FHIR_CHAIN_DATA,
  CS_FHIR_CHAIN_PATIENTS,   /* also collects Patient ids into op->pending_ids */
} CsFhirChainKind;

/* Sets the op up for searches (de-duplication, the parser) */
void      _cs_fhir_op_init_searches       (CsFhirOp          *op);
/* Stops the parser and frees what searches left (cs_fhir_op_free) */
void      _cs_fhir_op_clear_searches      (CsFhirOp          *op);
/* Queues the search [base]type?query (with the client's extra query and
 * _count); query may be NULL */
void      _cs_fhir_op_add_search          (CsFhirOp          *op,
                                           CsFhirChainKind    kind,
                                           const char        *type,
                                           const char        *query);
/* Runs the queued searches (and those they queue) to the end */
gboolean  _cs_fhir_op_run_searches        (CsFhirOp          *op,
                                           GError           **error);

/* ------------------------------------------------------------ CapabilityStatement */

/* GET [base]metadata through op */
CsFhirCapabilities *_cs_fhir_read_metadata (CsFhirOp         *op,
                                            GError          **error);
/* Whether the CapabilityStatement has a rest.resource entry for type */
gboolean  _cs_fhir_capabilities_declares  (const CsFhirCapabilities *caps,
                                           const char               *type);

G_END_DECLS
