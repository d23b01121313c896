/* cs-fhir-client.c: FHIR R4 REST client (libsoup 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-fhir-client.h"
#include "cs-fhir-cache.h"
#include "cs-fhir-private.h"
#include "cs-ingest.h"
#include "cs-json.h"

#define READ_CHUNK (256 * 1024)
#define MAX_REDIRECTS 10
#define MAX_ERROR_BODY (1024 * 1024)
#define MAX_WHOLE_BODY (64 * 1024 * 1024)
#define MAX_CAPTURE (4 * 1024 * 1024)
/* A search stops when this many pages in a row bring no resource that was
 * not loaded already (next links that never repeat, pages that do) */
#define STALL_PAGES 3

G_DEFINE_QUARK (cs-fhir-error-quark, cs_fhir_error)

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

G_DEFINE_FINAL_TYPE (CsFhirClient, cs_fhir_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TIMEOUT,
  PROP_PAGE_SIZE,
  PROP_MAX_IN_FLIGHT,
  PROP_MAX_PAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* URLs */

static char *
origin_of_uri (GUri *uri)
{
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);
  g_autofree char *lower_scheme = g_ascii_strdown (scheme != NULL ? scheme : "", -1);
  g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "", -1);

  if (port < 0)
    port = g_str_equal (lower_scheme, "https") ? 443 : 80;

  return g_strdup_printf ("%s://%s:%d", lower_scheme, host, port);
}

static char *
origin_of_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (uri == NULL)
    return NULL;
  return origin_of_uri (uri);
}

char *
cs_fhir_redact_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;

  if (url == NULL)
    return g_strdup ("(null)");
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_userinfo (uri) == NULL)
    return g_strdup (url);

  clean = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                       g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                       g_uri_get_query (uri), g_uri_get_fragment (uri));
  return g_uri_to_string (clean);
}

char *
cs_fhir_client_build_url (CsFhirClient *self,
                          const char   *path,
                          const char   *query,
                          gboolean      add_count)
{
  GString *url = g_string_new (self->base_url);
  gboolean has_query = FALSE;
  gboolean has_count = FALSE;

  g_string_append (url, path);
  if (query != NULL && *query != '\0')
    {
      g_string_append_c (url, '?');
      g_string_append (url, query);
      has_query = TRUE;
      has_count = g_str_has_prefix (query, "_count=") || strstr (query, "&_count=") != NULL;
    }
  if (self->extra_query != NULL)
    {
      g_string_append_c (url, has_query ? '&' : '?');
      g_string_append (url, self->extra_query);
      has_query = TRUE;
      has_count = has_count || g_str_has_prefix (self->extra_query, "_count=") ||
                  strstr (self->extra_query, "&_count=") != NULL;
    }
  if (add_count && !has_count && self->page_size > 0)
    g_string_append_printf (url, "%c_count=%u", has_query ? '&' : '?', self->page_size);

  return g_string_free (url, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Errors */

char *
cs_fhir_operation_outcome_text (GBytes *body)
{
  g_autoptr(CsJsonDocument) doc = NULL;
  const CsJsonNode *root;
  const CsJsonNode *issue;
  g_autoptr(GString) text = g_string_new (NULL);
  gsize len = 0;
  const char *data;

  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  if (len == 0 || !(doc = cs_json_document_parse (data, len, NULL)))
    return NULL;
  root = cs_json_document_get_root (doc);
  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "OperationOutcome") != 0)
    return NULL;

  issue = cs_json_get (root, "issue");
  for (const CsJsonNode *i = cs_json_first (issue); i != NULL; i = i->next)
    {
      const char *diag = cs_json_get_string (i, "diagnostics");
      const char *details = cs_json_get_string (cs_json_get (i, "details"), "text");
      const char *severity = cs_json_get_string (i, "severity");
      const char *expression = cs_json_string (cs_json_first (cs_json_get (i, "expression")));

      if (details == NULL)
        details = cs_json_get_string (cs_json_first (cs_json_get (cs_json_get (i, "details"), "coding")), "display");
      if (diag == NULL && details == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, "; ");
      if (severity != NULL && !g_str_equal (severity, "error"))
        g_string_append_printf (text, "%s: ", severity);
      if (details != NULL)
        g_string_append (text, details);
      if (diag != NULL && g_strcmp0 (diag, details) != 0)
        g_string_append_printf (text, "%s%s", details != NULL ? " — " : "", diag);
      if (expression != NULL)
        g_string_append_printf (text, " (%s)", expression);
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

GError *
cs_fhir_http_error_new (const char *method,
                        const char *url,
                        guint       status,
                        GBytes     *body)
{
  g_autofree char *outcome = cs_fhir_operation_outcome_text (body);
  g_autofree char *shown = cs_fhir_redact_url (url);
  const char *phrase = soup_status_get_phrase (status);

  if (outcome != NULL)
    return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP,
                        _("%s %s failed with HTTP %u %s: %s"),
                        method, shown, status, phrase != NULL ? phrase : "", outcome);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP,
                        _("%s %s failed with HTTP %u %s: check the user name, password or token of this server"),
                        method, shown, status, phrase != NULL ? phrase : "");

  return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP,
                      _("%s %s failed with HTTP %u %s"),
                      method, shown, status, phrase != NULL ? phrase : "");
}

static char *
describe_tls_errors (GTlsCertificateFlags flags)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (parts, (gpointer) _("it is not signed by a trusted authority (self-signed or unknown CA)"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (parts, (gpointer) _("it was issued for another host name"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (parts, (gpointer) _("it is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (parts, (gpointer) _("it has expired"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (parts, (gpointer) _("it has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (parts, (gpointer) _("it uses an insecure algorithm"));
  if (parts->len == 0)
    g_ptr_array_add (parts, (gpointer) _("it could not be verified"));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv ("; ", (char **) parts->pdata);
}

static GError *
map_transport_error (CsFhirClient *client,
                     const GError *error,
                     SoupMessage  *msg,
                     const char   *url)
{
  g_autofree char *shown = cs_fhir_redact_url (url);
  GTlsCertificateFlags tls_flags = msg != NULL ? soup_message_get_tls_peer_certificate_errors (msg) : 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED, _("Cancelled"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_TIMEOUT,
                        _("%s: the server did not answer within %u seconds"),
                        shown, client->timeout);

  if (error->domain == G_TLS_ERROR || tls_flags != 0)
    {
      g_autofree char *why = describe_tls_errors (tls_flags);

      return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_TLS,
                          _("%s: the server’s TLS certificate is not valid: %s (%s). "
                            "Cohortscope does not connect to servers it cannot verify; "
                            "install the server’s CA certificate in the system trust store"),
                          shown, why, error->message);
    }

  return g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_NETWORK,
                      _("Cannot reach %s: %s"), shown, error->message);
}

/* ------------------------------------------------------------------------ */
/* The operation and its requests */

typedef struct _Req Req;
typedef void (*ReqDoneFunc) (Req          *req,
                             GInputStream *stream,
                             GError       *error,   /* transfer full */
                             gpointer      data);

struct _Req
{
  CsFhirOp     *op;
  char         *method;
  char         *url;
  GBytes       *body;
  guint         attempt;
  guint         redirects;
  SoupMessage  *msg;
  GSource      *retry_source;
  ReqDoneFunc   done;
  gpointer      data;
  gint64        t_sent;           /* CS_FHIR_TRACE: request sent, headers in */
  gint64        t_headers;
};

struct _CsFhirOp
{
  CsFhirClient   *client;
  GMainContext   *context;
  SoupSession    *session;
  GCancellable   *cancellable;      /* internal */
  GCancellable   *user_cancellable;
  gulong          user_cancel_handler;
  struct _UserCancel *user_cancel;
  GError         *error;
  GList          *waiting;          /* Req in a retry delay */
  guint           active;           /* requests/chains running */
  GQueue          queue;            /* Chain not yet started */
  guint           max_active;

  /* Sink of a search or load */
  CsIngestResourceFunc func;
  gpointer        func_data;
  GHashTable     *seen_resources; /* "Type/id", keys in seen_keys */
  GStringChunk   *seen_keys;
  CsFhirProgressFunc progress;
  gpointer        progress_data;
  CsFhirProgress  stats;
  gint64          start_time;
  gint64          last_progress;
  gboolean        report_total;

  /* Cohort loading */
  const CsFhirCohortSpec *spec;
  const char    **types;
  gboolean        use_revinclude;
  GPtrArray      *pending_ids;      /* char*: patients waiting to be chunked */
  guint           chunk_size;
  gboolean        chunks_from_patients;
  CsFhirCacheWriter *cache;        /* borrowed */

  /* Page bodies are parsed on a second thread while the network is read on
   * this one; the parser thread alone touches the ingests, the sink (store,
   * cache, seen_resources, pending_ids) while a page is in parse. */
  GThread        *parser;
  GAsyncQueue    *parse_queue;
  /* READ_CHUNK buffers the parser is done with: a read goes into one of
   * these and the same memory is handed to the parser, never copied */
  GAsyncQueue    *free_bufs;

  /* CS_FHIR_TRACE=1: one line per page on stderr with its timestamps */
  gboolean        trace;

  /* Pages are parsed on the network thread (see want_parser_thread) */
  gboolean        parse_inline;

  /* HTTP status of the last error answer of a search (0: none) */
  guint           last_error_status;

  /* Cohort loads fill a report (NULL for a plain search, where a search
   * cut short is an error). With types_guessed (none declared), a type
   * whose first page the server refuses is skipped, not an error. */
  CsFhirLoadReport *report;         /* borrowed */
  gboolean        types_guessed;
  GHashTable     *types_with_data;  /* types that brought resources (network thread) */
};

typedef enum { PARSE_BEGIN, PARSE_DATA, PARSE_END, PARSE_ABORT, PARSE_STOP } ParseKind;

typedef struct
{
  struct _Chain *chain;
  ParseKind  kind;
  GBytes    *data;   /* PARSE_BEGIN: the source name */
  char      *buf;    /* PARSE_DATA: a READ_CHUNK buffer, back to free_bufs after the parse */
  gsize      len;
} ParseItem;

static void req_start (Req *req);

static void
req_free (Req *req)
{
  if (req->retry_source != NULL)
    {
      g_source_destroy (req->retry_source);
      g_source_unref (req->retry_source);
    }
  g_clear_object (&req->msg);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->method);
  g_free (req->url);
  g_free (req);
}

static Req *
req_new (CsFhirOp    *op,
         const char  *method,
         const char  *url,
         GBytes      *body,
         ReqDoneFunc  done,
         gpointer     data)
{
  Req *req = g_new0 (Req, 1);

  req->op = op;
  req->method = g_strdup (method);
  req->url = g_strdup (url);
  req->body = body != NULL ? g_bytes_ref (body) : NULL;
  req->done = done;
  req->data = data;
  return req;
}

static void
req_finish (Req          *req,
            GInputStream *stream,
            GError       *error)
{
  req->done (req, stream, error, req->data);
}

static void
op_fail (CsFhirOp *op,
         GError   *error)  /* transfer full */
{
  GList *waiting;

  if (op->error == NULL)
    op->error = error;
  else
    g_error_free (error);

  g_cancellable_cancel (op->cancellable);

  waiting = g_steal_pointer (&op->waiting);
  for (GList *l = waiting; l != NULL; l = l->next)
    {
      Req *req = l->data;

      g_source_destroy (req->retry_source);
      g_clear_pointer (&req->retry_source, g_source_unref);
      req_finish (req, NULL, g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED, _("Cancelled")));
    }
  g_list_free (waiting);
}

/* The caller's cancellable may be cancelled from any thread. Its handler
 * only attaches an idle to the op's context, which then fails the op on
 * the op's own thread. (Not a GCancellableSource: in GLib 2.74 one
 * cancelled from another thread while being destroyed can leak.) The op
 * clears `op` before it goes, so an idle still queued then does nothing. */
typedef struct _UserCancel
{
  gatomicrefcount  ref;
  GMainContext    *context;
  CsFhirOp        *op;            /* read and written on the op's thread only */
} UserCancel;

static UserCancel *
user_cancel_ref (UserCancel *uc)
{
  g_atomic_ref_count_inc (&uc->ref);
  return uc;
}

static void
user_cancel_unref (gpointer data)
{
  UserCancel *uc = data;

  if (g_atomic_ref_count_dec (&uc->ref))
    {
      g_main_context_unref (uc->context);
      g_free (uc);
    }
}

static gboolean
user_cancel_idle_cb (gpointer data)
{
  UserCancel *uc = data;

  if (uc->op != NULL)
    op_fail (uc->op, g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED, _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  UserCancel *uc = data;
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, user_cancel_idle_cb, user_cancel_ref (uc), user_cancel_unref);
  g_source_attach (idle, uc->context);
  g_source_unref (idle);
}

static gboolean
is_loopback_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL)
    return FALSE;
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_prefix (host, "127.") ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]");
}

/* A parser thread lets the network thread read the next bytes while a page
 * is parsed. With the server on this machine and two cores or fewer, the
 * server needs the other core, and handing each piece to another thread
 * costs more CPU than the overlap gains (measured: 0.05 s more CPU and
 * 10 % more wall time per 60 MB, docs/PERFORMANCE.md). CS_FHIR_PARSE_THREAD=0
 * or 1 decides instead. */
static gboolean
want_parser_thread (CsFhirClient *client)
{
  const char *env = g_getenv ("CS_FHIR_PARSE_THREAD");

  if (env != NULL && *env != '\0')
    return g_strcmp0 (env, "0") != 0;
  return g_get_num_processors () > 2 || !is_loopback_url (client->base_url);
}

CsFhirOp *
cs_fhir_op_new (CsFhirClient *client,
                GCancellable *cancellable)
{
  CsFhirOp *op = g_new0 (CsFhirOp, 1);
  g_autofree char *user_agent = g_strdup_printf ("Cohortscope/%s", PACKAGE_VERSION);

  op->client = g_object_ref (client);
  op->context = g_main_context_new ();
  g_main_context_push_thread_default (op->context);
  op->session = soup_session_new_with_options ("timeout", client->timeout,
                                               "idle-timeout", 60,
                                               "user-agent", user_agent,
                                               "max-conns", 32,
                                               "max-conns-per-host", 2 * MAX (client->max_in_flight, 1) + 2,
                                               NULL);
  op->cancellable = g_cancellable_new ();
  op->max_active = MAX (client->max_in_flight, 1);
  op->start_time = g_get_monotonic_time ();
  op->trace = g_strcmp0 (g_getenv ("CS_FHIR_TRACE"), "1") == 0;
  op->parse_inline = !want_parser_thread (client);
  op->types_with_data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&op->queue);

  if (cancellable != NULL)
    {
      op->user_cancel = g_new0 (UserCancel, 1);
      g_atomic_ref_count_init (&op->user_cancel->ref);
      op->user_cancel->context = g_main_context_ref (op->context);
      op->user_cancel->op = op;
      op->user_cancellable = g_object_ref (cancellable);
      /* 0 when already cancelled: the handler ran at once */
      op->user_cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (user_cancelled_cb),
                                                       user_cancel_ref (op->user_cancel), user_cancel_unref);
    }

  return op;
}

static void chain_free (gpointer data);

void
cs_fhir_op_free (CsFhirOp *op)
{
  if (op->user_cancellable != NULL)
    {
      /* waits for a handler running in another thread */
      g_cancellable_disconnect (op->user_cancellable, op->user_cancel_handler);
      g_clear_object (&op->user_cancellable);
      op->user_cancel->op = NULL;
      g_clear_pointer (&op->user_cancel, user_cancel_unref);
    }
  if (op->parser != NULL)
    {
      ParseItem *stop = g_new0 (ParseItem, 1);

      stop->kind = PARSE_STOP;
      g_async_queue_push (op->parse_queue, stop);
      g_thread_join (op->parser);
      g_async_queue_unref (op->parse_queue);
    }
  if (op->free_bufs != NULL)
    {
      char *buf;

      while ((buf = g_async_queue_try_pop (op->free_bufs)) != NULL)
        g_free (buf);
      g_async_queue_unref (op->free_bufs);
    }
  g_queue_clear_full (&op->queue, chain_free);
  g_clear_object (&op->session);
  /* Let libsoup finish closing connections in our context */
  while (g_main_context_iteration (op->context, FALSE))
    ;
  g_main_context_pop_thread_default (op->context);
  g_main_context_unref (op->context);
  g_clear_object (&op->cancellable);
  g_clear_error (&op->error);
  g_clear_pointer (&op->seen_resources, g_hash_table_unref);
  g_clear_pointer (&op->seen_keys, g_string_chunk_free);
  g_clear_pointer (&op->pending_ids, g_ptr_array_unref);
  g_clear_pointer (&op->types_with_data, g_hash_table_unref);
  g_clear_object (&op->client);
  g_free (op);
}

static gboolean
same_origin_as_base (CsFhirClient *client,
                     GUri         *uri)
{
  g_autofree char *origin = origin_of_uri (uri);

  return g_strcmp0 (origin, client->origin) == 0;
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoull (value, &end, 10);
      return (guint) MIN (seconds, 24 * 3600) * 1000;
    }
  if (!(when = soup_date_time_new_from_http_string (value)))
    return 0;
  now = g_date_time_new_now_utc ();
  if (g_date_time_compare (when, now) <= 0)
    return 0;
  return (guint) MIN (g_date_time_difference (when, now) / 1000, 24 * 3600 * 1000);
}

static gboolean
retry_cb (gpointer data)
{
  Req *req = data;

  req->op->waiting = g_list_remove (req->op->waiting, req);
  g_clear_pointer (&req->retry_source, g_source_unref);
  req_start (req);
  return G_SOURCE_REMOVE;
}

static void
req_sent_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  Req *req = data;
  CsFhirOp *op = req->op;
  CsFhirClient *client = op->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  req->t_headers = g_get_monotonic_time ();
  if (stream == NULL)
    {
      req_finish (req, NULL, map_transport_error (client, error, req->msg, req->url));
      return;
    }

  status = soup_message_get_status (req->msg);
  g_debug ("%s %s → %u", req->method, req->url, status);

  if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED)
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "Location");
      g_autofree char *next = NULL;

      if (location == NULL)
        {
          req_finish (req, NULL, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                              _("%s: redirect (HTTP %u) without a Location"), req->url, status));
          return;
        }
      if (++req->redirects > MAX_REDIRECTS)
        {
          req_finish (req, NULL, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_LOOP,
                                              _("%s: more than %d redirects"), req->url, MAX_REDIRECTS));
          return;
        }
      if (!(next = g_uri_resolve_relative (req->url, location, G_URI_FLAGS_ENCODED, &error)))
        {
          req_finish (req, NULL, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                              _("%s: bad redirect Location “%s”: %s"), req->url, location, error->message));
          return;
        }
      if (status == SOUP_STATUS_SEE_OTHER ||
          ((status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND) &&
           !g_str_equal (req->method, "GET") && !g_str_equal (req->method, "HEAD")))
        {
          g_free (req->method);
          req->method = g_strdup ("GET");
          g_clear_pointer (&req->body, g_bytes_unref);
        }
      g_free (req->url);
      req->url = g_steal_pointer (&next);
      req_start (req);
      return;
    }

  if ((status == 429 || status == SOUP_STATUS_SERVICE_UNAVAILABLE) &&
      req->attempt + 1 < client->max_tries)
    {
      guint backoff = client->base_delay_ms;
      guint delay;

      for (guint i = 0; i < req->attempt && backoff < client->max_delay_ms; i++)
        backoff *= 2;
      delay = MIN (MAX (parse_retry_after (req->msg), backoff), client->max_delay_ms);
      req->attempt++;
      op->stats.retries++;
      g_debug ("%s: HTTP %u, retry %u in %u ms", req->url, status, req->attempt, delay);

      g_clear_object (&req->msg);
      req->retry_source = g_timeout_source_new (delay);
      g_source_set_callback (req->retry_source, retry_cb, req, NULL);
      g_source_attach (req->retry_source, op->context);
      op->waiting = g_list_prepend (op->waiting, req);
      return;
    }

  req_finish (req, stream, NULL);
}

static void
req_start (Req *req)
{
  CsFhirOp *op = req->op;
  CsFhirClient *client = op->client;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (g_cancellable_is_cancelled (op->cancellable))
    {
      req_finish (req, NULL, g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED, _("Cancelled")));
      return;
    }

  uri = g_uri_parse (req->url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_autofree char *shown = cs_fhir_redact_url (req->url);

      req_finish (req, NULL, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                                          _("“%s” is not an http(s) URL"), shown));
      return;
    }

  g_clear_object (&req->msg);
  req->t_sent = g_get_monotonic_time ();
  req->msg = soup_message_new_from_uri (req->method, uri);
  soup_message_set_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/fhir+json, application/json;q=0.9");
  /* The credentials go to the base URL's origin only: never after a
   * redirect or a next link to another host, port or scheme. */
  if (client->auth_header != NULL && same_origin_as_base (client, uri))
    soup_message_headers_replace (headers, "Authorization", client->auth_header);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, "application/fhir+json", req->body);

  soup_session_send_async (op->session, req->msg, G_PRIORITY_DEFAULT, op->cancellable,
                           req_sent_cb, req);
}

/* Whole-body requests */

typedef struct
{
  gboolean      done;
  guint         status;
  GBytes       *body;
  GError       *error;
  char         *content_type;
  GByteArray   *buffer;
  GInputStream *stream;
  guint8        chunk[65536];
  gsize         limit;
} WholeBody;

static void
whole_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  Req *req = data;
  WholeBody *wb = req->data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      GError *mapped = map_transport_error (req->op->client, error, NULL, req->url);

      if (mapped->code == CS_FHIR_ERROR_NETWORK)
        {
          mapped->code = CS_FHIR_ERROR_BAD_RESPONSE;
          g_prefix_error (&mapped, _("The answer was cut off: "));
        }
      wb->error = mapped;
      wb->done = TRUE;
      return;
    }
  if (n == 0 || wb->buffer->len >= wb->limit)
    {
      wb->body = g_byte_array_free_to_bytes (g_steal_pointer (&wb->buffer));
      wb->done = TRUE;
      return;
    }
  g_byte_array_append (wb->buffer, wb->chunk, n);
  g_input_stream_read_async (wb->stream, wb->chunk, sizeof wb->chunk, G_PRIORITY_DEFAULT,
                             req->op->cancellable, whole_read_cb, req);
}

static void
whole_sent_cb (Req          *req,
               GInputStream *stream,
               GError       *error,
               gpointer      data)
{
  WholeBody *wb = data;

  if (error != NULL)
    {
      wb->error = error;
      wb->done = TRUE;
      return;
    }
  wb->status = soup_message_get_status (req->msg);
  wb->content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (req->msg), NULL));
  wb->buffer = g_byte_array_new ();
  wb->stream = g_object_ref (stream);
  g_input_stream_read_async (stream, wb->chunk, sizeof wb->chunk, G_PRIORITY_DEFAULT,
                             req->op->cancellable, whole_read_cb, req);
}

gboolean
cs_fhir_op_request (CsFhirOp    *op,
                    const char  *method,
                    const char  *url,
                    GBytes      *body,
                    guint       *status,
                    GBytes     **response,
                    GError     **error)
{
  WholeBody *wb = g_new0 (WholeBody, 1);
  Req *req;
  gboolean ok;

  wb->limit = MAX_WHOLE_BODY;
  req = req_new (op, method, url, body, whole_sent_cb, wb);
  req_start (req);
  while (!wb->done)
    g_main_context_iteration (op->context, TRUE);

  ok = wb->error == NULL;
  if (ok)
    {
      *status = wb->status;
      *response = g_steal_pointer (&wb->body);
    }
  else
    g_propagate_error (error, g_steal_pointer (&wb->error));

  g_clear_object (&wb->stream);
  g_clear_pointer (&wb->body, g_bytes_unref);
  if (wb->buffer != NULL)
    g_byte_array_unref (wb->buffer);
  g_free (wb->content_type);
  g_free (wb);
  req_free (req);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* A scanner for the top level of a Bundle: it follows strings and nesting of
 * the whole stream (cheaply) and captures the values of the members
 * resourceType, total and link, wherever they are (before or after entry). */

enum { CAPTURE_NONE, CAPTURE_RESOURCE_TYPE, CAPTURE_TOTAL, CAPTURE_LINK };

typedef struct
{
  int       depth;
  gboolean  in_string;
  gboolean  escape;
  gboolean  expect_key;
  gboolean  in_key;
  int       capture;
  GString  *key;
  GString  *value;
  char     *resource_type;
  char     *link;
  char     *total;
  gboolean  too_big;
} TopScan;

static void
top_scan_reset (TopScan *scan)
{
  scan->depth = 0;
  scan->in_string = scan->escape = scan->expect_key = scan->in_key = FALSE;
  scan->capture = CAPTURE_NONE;
  scan->too_big = FALSE;
  if (scan->key == NULL)
    scan->key = g_string_new (NULL);
  if (scan->value == NULL)
    scan->value = g_string_new (NULL);
  g_string_truncate (scan->key, 0);
  g_string_truncate (scan->value, 0);
  g_clear_pointer (&scan->resource_type, g_free);
  g_clear_pointer (&scan->link, g_free);
  g_clear_pointer (&scan->total, g_free);
}

static void
top_scan_clear (TopScan *scan)
{
  top_scan_reset (scan);
  g_string_free (scan->key, TRUE);
  g_string_free (scan->value, TRUE);
  scan->key = scan->value = NULL;
}

static void
top_scan_end_value (TopScan *scan)
{
  char *text;

  if (scan->capture == CAPTURE_NONE)
    return;
  text = g_strndup (scan->value->str, scan->value->len);
  switch (scan->capture)
    {
    case CAPTURE_RESOURCE_TYPE:
      g_free (scan->resource_type);
      scan->resource_type = text;
      break;
    case CAPTURE_TOTAL:
      g_free (scan->total);
      scan->total = text;
      break;
    case CAPTURE_LINK:
      g_free (scan->link);
      scan->link = text;
      break;
    default:
      g_free (text);
      break;
    }
  scan->capture = CAPTURE_NONE;
  g_string_truncate (scan->value, 0);
}

/* All three found (servers write them before entry): the rest of the page,
 * nearly all of its bytes, is for the parser alone. */
static gboolean
top_scan_done (const TopScan *scan)
{
  return scan->resource_type != NULL && scan->total != NULL && scan->link != NULL;
}

static void
top_scan_feed (TopScan    *scan,
               const char *data,
               gsize       len)
{
  if (top_scan_done (scan))
    return;
  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (scan->in_string && scan->capture == CAPTURE_NONE && !scan->in_key && !scan->escape)
        {
          /* the bulk of the bytes: string contents nobody captures; jump
           * to the next quote (memchr is vectorised) that an odd run of
           * backslashes does not escape */
          const char *start = data + i;
          const char *p = start;
          const char *end = data + len;
          const char *q;

          for (;;)
            {
              gsize backslashes = 0;

              q = memchr (p, '"', end - p);
              if (q == NULL)
                break;
              while (q - backslashes > start && q[-1 - (gssize) backslashes] == '\\')
                backslashes++;
              if (backslashes % 2 == 0)
                break;
              p = q + 1;
            }
          if (q == NULL)
            {
              /* the chunk ends inside the string: keep the escape state */
              gsize backslashes = 0;

              while (end - backslashes > start && end[-1 - (gssize) backslashes] == '\\')
                backslashes++;
              scan->escape = backslashes % 2 == 1;
              break;
            }
          i = q - data;
          c = *q;
        }

      if (scan->in_string)
        {
          if (scan->capture != CAPTURE_NONE && scan->value->len < MAX_CAPTURE)
            g_string_append_c (scan->value, c);
          if (scan->escape)
            scan->escape = FALSE;
          else if (c == '\\')
            scan->escape = TRUE;
          else if (c == '"')
            {
              scan->in_string = FALSE;
              scan->in_key = FALSE;
              continue;
            }
          if (scan->in_key && scan->key->len < 64)
            g_string_append_c (scan->key, c);
          continue;
        }

      /* Outside strings only structure matters; skip the bulk fast. */
      if (scan->depth > 1 && scan->capture == CAPTURE_NONE)
        {
          const char *p = data + i;
          const char *end = data + len;

          while (p < end && *p != '"' && *p != '{' && *p != '}' && *p != '[' && *p != ']')
            p++;
          i = p - data;
          if (p == end)
            break;
          c = *p;
        }

      switch (c)
        {
        case '"':
          scan->in_string = TRUE;
          if (scan->depth == 1 && scan->expect_key)
            {
              scan->in_key = TRUE;
              g_string_truncate (scan->key, 0);
            }
          else if (scan->capture != CAPTURE_NONE)
            g_string_append_c (scan->value, c);
          break;
        case '{':
        case '[':
          if (scan->capture != CAPTURE_NONE && scan->value->len < MAX_CAPTURE)
            g_string_append_c (scan->value, c);
          scan->depth++;
          if (scan->depth == 1)
            scan->expect_key = (c == '{');
          break;
        case '}':
        case ']':
          if (scan->depth == 1)
            top_scan_end_value (scan);
          else if (scan->capture != CAPTURE_NONE && scan->value->len < MAX_CAPTURE)
            g_string_append_c (scan->value, c);
          if (scan->depth > 0)
            scan->depth--;
          break;
        case ':':
          if (scan->depth == 1 && scan->expect_key)
            {
              scan->expect_key = FALSE;
              if (g_str_equal (scan->key->str, "resourceType"))
                scan->capture = CAPTURE_RESOURCE_TYPE;
              else if (g_str_equal (scan->key->str, "total"))
                scan->capture = CAPTURE_TOTAL;
              else if (g_str_equal (scan->key->str, "link"))
                scan->capture = CAPTURE_LINK;
              g_string_truncate (scan->value, 0);
            }
          else if (scan->capture != CAPTURE_NONE)
            g_string_append_c (scan->value, c);
          break;
        case ',':
          if (scan->depth == 1)
            {
              top_scan_end_value (scan);
              scan->expect_key = TRUE;
              if (top_scan_done (scan))
                return;
            }
          else if (scan->capture != CAPTURE_NONE && scan->value->len < MAX_CAPTURE)
            g_string_append_c (scan->value, c);
          break;
        default:
          if (scan->capture != CAPTURE_NONE && scan->value->len < MAX_CAPTURE)
            g_string_append_c (scan->value, c);
          break;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Paged searches */

typedef enum
{
  CHAIN_DATA,
  CHAIN_PATIENTS,   /* also collects Patient ids for patient= chunks */
} ChainKind;

typedef struct _Chain
{
  CsFhirOp     *op;
  ChainKind     kind;
  char         *type;           /* what it searches: Patient or a data type */
  char         *first_url;      /* names the search in messages */
  guint         pages;          /* pages completed */
  guint         stalled;        /* pages in a row that brought nothing new */
  guint64       loaded;         /* resources it brought (new ones) */
  char         *url;
  GHashTable   *seen_urls;
  Req          *req;
  GInputStream *stream;
  CsIngest     *ingest;
  TopScan       scan;
  gboolean      first_page;
  gboolean      is_html;
  char         *content_type;
  GError       *sink_error;
  guint64       page_bytes;
  char         *buf;
  /* The next page is requested as soon as its link is seen (servers put
   * Bundle.link before entry), so it travels while this page is parsed. */
  gboolean      prefetch_checked;
  Req          *prefetch;
  char         *prefetch_url;
  gboolean      prefetch_ready;
  GInputStream *prefetch_stream;
  GError       *prefetch_error;
  gboolean      waiting_prefetch;
  gboolean      dead;           /* finished while the prefetch or parse was out */
  guint         pending;        /* prefetch and page parse outstanding */
  /* written by the parser thread while the page is in parse */
  GError       *parse_error;
  gboolean      parse_error_at_end;
  gint          parse_failed;   /* atomic: stop reading this page */
  guint64       page_resources;
  gint64        t_first_byte;   /* CS_FHIR_TRACE */
  gint64        t_last_byte;
} Chain;

static void chain_next_page (Chain *chain);
static void op_schedule (CsFhirOp *op);
static char *find_next_link (const char *link_json, GError **error);

static void
chain_free (gpointer data)
{
  Chain *chain = data;

  if (chain->req != NULL)
    req_free (chain->req);
  if (chain->prefetch != NULL)
    req_free (chain->prefetch);
  g_clear_object (&chain->prefetch_stream);
  g_clear_error (&chain->prefetch_error);
  g_free (chain->prefetch_url);
  g_clear_object (&chain->stream);
  g_clear_pointer (&chain->ingest, cs_ingest_free);
  g_clear_pointer (&chain->seen_urls, g_hash_table_unref);
  g_clear_error (&chain->sink_error);
  g_clear_error (&chain->parse_error);
  top_scan_clear (&chain->scan);
  g_free (chain->content_type);
  g_free (chain->url);
  g_free (chain->type);
  g_free (chain->first_url);
  g_free (chain->buf);
  g_free (chain);
}

static void
op_report_progress (CsFhirOp *op,
                    gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (op->progress == NULL)
    return;
  if (!force && now - op->last_progress < G_USEC_PER_SEC / 4)
    return;
  op->last_progress = now;
  op->stats.elapsed = (now - op->start_time) / (double) G_USEC_PER_SEC;
  op->stats.rate = op->stats.elapsed > 0 ? op->stats.resources / op->stats.elapsed : 0;
  op->stats.in_flight = op->active;
  if (op->report_total && op->stats.total > 0 && op->stats.rate > 0 && op->stats.total >= op->stats.resources)
    op->stats.eta = (op->stats.total - op->stats.resources) / op->stats.rate;
  else
    op->stats.eta = -1;
  op->progress (&op->stats, op->progress_data);
}

static gboolean
chain_resource_cb (const CsResourceRecord  *record,
                   gpointer                 data,
                   GError                 **error)
{
  Chain *chain = data;
  CsFhirOp *op = chain->op;

  if (g_str_equal (record->resource_type, "OperationOutcome") ||
      g_str_equal (record->resource_type, "Bundle"))
    return TRUE;

  if (record->id != NULL && op->seen_resources != NULL)
    {
      /* one copy per resource, no malloc each: this runs 50,000 times a second */
      gsize type_len = strlen (record->resource_type), id_len = strlen (record->id);
      char small[256];
      g_autofree char *large = NULL;
      char *key = type_len + id_len + 2 <= sizeof small ? small : (large = g_malloc (type_len + id_len + 2));

      memcpy (key, record->resource_type, type_len);
      key[type_len] = '/';
      memcpy (key + type_len + 1, record->id, id_len + 1);
      if (!g_hash_table_add (op->seen_resources,
                             g_string_chunk_insert_len (op->seen_keys, key, (gssize) (type_len + 1 + id_len))))
        return TRUE;   /* already had it (paging overlap, _revinclude twice) */
    }

  if (chain->kind == CHAIN_PATIENTS && op->pending_ids != NULL &&
      g_str_equal (record->resource_type, "Patient") && record->id != NULL)
    g_ptr_array_add (op->pending_ids, g_strdup (record->id));

  chain->page_resources++;
  if (op->report != NULL)
    cs_fhir_load_report_add_count (op->report, record->resource_type);

  if (op->cache != NULL && !cs_fhir_cache_writer_add (op->cache, record, error))
    {
      chain->sink_error = g_error_copy (*error);
      return FALSE;
    }

  if (op->func != NULL && !op->func (record, op->func_data, error))
    {
      chain->sink_error = g_error_copy (*error);
      return FALSE;
    }
  return TRUE;
}

static void
chain_done (Chain  *chain,
            GError *error)  /* transfer full, may be NULL */
{
  CsFhirOp *op = chain->op;

  if (error != NULL)
    {
      if (error->code == CS_FHIR_ERROR_CANCELLED && op->error != NULL)
        g_error_free (error);
      else
        op_fail (op, error);
    }
  if (chain->pending > 0)
    {
      /* freed when the prefetch or the parse returns (soon: op_fail cancelled them) */
      chain->dead = TRUE;
      return;
    }
  op->active--;
  chain_free (chain);
  op_schedule (op);
}

/* A prefetch or parse of a dead chain came back */
static gboolean
chain_release (Chain *chain)
{
  CsFhirOp *op = chain->op;

  chain->pending--;
  if (!chain->dead)
    return FALSE;
  if (chain->pending == 0)
    {
      op->active--;
      chain_free (chain);
      op_schedule (op);
    }
  return TRUE;
}

static void chain_sent_cb (Req *req, GInputStream *stream, GError *error, gpointer data);

static void
chain_use_prefetch (Chain *chain)
{
  g_autoptr(GInputStream) stream = g_steal_pointer (&chain->prefetch_stream);
  GError *error = g_steal_pointer (&chain->prefetch_error);

  if (chain->req != NULL)
    req_free (chain->req);
  chain->req = g_steal_pointer (&chain->prefetch);
  g_free (chain->url);
  chain->url = g_steal_pointer (&chain->prefetch_url);
  chain->prefetch_ready = FALSE;
  chain->waiting_prefetch = FALSE;
  chain_sent_cb (chain->req, stream, error, chain);
}

static void
prefetch_sent_cb (Req          *req,
                  GInputStream *stream,
                  GError       *error,
                  gpointer      data)
{
  Chain *chain = data;

  if (chain->dead)
    {
      g_clear_error (&error);
      chain_release (chain);
      return;
    }
  chain->pending--;
  chain->prefetch_ready = TRUE;
  chain->prefetch_stream = stream != NULL ? g_object_ref (stream) : NULL;
  chain->prefetch_error = error;
  if (chain->waiting_prefetch)
    chain_use_prefetch (chain);
}

static void
chain_maybe_prefetch (Chain *chain)
{
  g_autofree char *next = NULL;

  if (chain->prefetch_checked || chain->prefetch != NULL || chain->scan.link == NULL)
    return;
  /* this page is the last one the limit allows */
  if (chain->op->client->max_pages > 0 && chain->pages + 1 >= chain->op->client->max_pages)
    return;
  chain->prefetch_checked = TRUE;
  next = find_next_link (chain->scan.link, NULL);
  /* a repeated link is left to the loop check at the end of the page */
  if (next == NULL || g_hash_table_contains (chain->seen_urls, next))
    return;
  g_hash_table_add (chain->seen_urls, g_strdup (next));
  chain->pending++;
  chain->prefetch_url = g_steal_pointer (&next);
  chain->prefetch = req_new (chain->op, "GET", chain->prefetch_url, NULL, prefetch_sent_cb, chain);
  req_start (chain->prefetch);
}

static char *
find_next_link (const char  *link_json,
                GError     **error)
{
  g_autoptr(CsJsonDocument) doc = NULL;

  if (link_json == NULL)
    return NULL;
  if (!(doc = cs_json_document_parse (link_json, -1, error)))
    return NULL;
  for (const CsJsonNode *l = cs_json_first (cs_json_document_get_root (doc)); l != NULL; l = l->next)
    {
      if (g_strcmp0 (cs_json_get_string (l, "relation"), "next") == 0)
        {
          const char *url = cs_json_get_string (l, "url");

          if (url != NULL && *url != '\0')
            return g_strdup (url);
        }
    }
  return NULL;
}

static char *
json_string_value (const char *json)
{
  g_autoptr(CsJsonDocument) doc = NULL;

  if (json == NULL || !(doc = cs_json_document_parse (json, -1, NULL)))
    return NULL;
  return g_strdup (cs_json_string (cs_json_document_get_root (doc)));
}

static void cohort_flush_ids (CsFhirOp *op, gboolean all);

/* Ingest messages start with the source name, which is our URL: drop it */
static const char *
without_source (const char *message,
                const char *url)
{
  gsize n = strlen (url);

  if (strncmp (message, url, n) == 0 && message[n] == ':' && message[n + 1] == ' ')
    return message + n + 2;
  return message;
}

/* Why a search should not follow its next link, or NULL: its pages keep
 * bringing nothing new (a server whose next links never repeat while its
 * pages do), or it reached the page limit */
static char *
chain_stop_reason (Chain *chain)
{
  guint max_pages = chain->op->client->max_pages;
  g_autofree char *shown = NULL;

  if (chain->stalled < STALL_PAGES && (max_pages == 0 || chain->pages < max_pages))
    return NULL;
  shown = cs_fhir_redact_url (chain->first_url);
  if (chain->stalled >= STALL_PAGES)
    return g_strdup_printf (_("The search %s stopped after %u pages: the last %u brought nothing that was not "
                              "loaded already (the server’s next links keep changing while its pages repeat); "
                              "this search loaded %" G_GUINT64_FORMAT " resources and the server may have more"),
                            shown, chain->pages, chain->stalled, chain->loaded);
  return g_strdup_printf (_("The search %s stopped after %u pages, the limit per search; this search loaded %"
                            G_GUINT64_FORMAT " resources and the server has more"),
                          shown, chain->pages, chain->loaded);
}

/* A search cut short: an error for a plain search; for a cohort load, a
 * line of its report (the load is then incomplete) and the other searches
 * go on */
static void
chain_cut_short (Chain *chain,
                 char  *why)  /* transfer full */
{
  CsFhirOp *op = chain->op;

  g_debug ("%s", why);
  if (op->report == NULL)
    {
      chain_done (chain, g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_INCOMPLETE, why));
      g_free (why);
      return;
    }
  cs_fhir_load_report_add_incomplete (op->report, why);
  chain_done (chain, NULL);
}

static void
chain_page_complete (Chain *chain)
{
  CsFhirOp *op = chain->op;
  g_autoptr(GError) error = NULL;
  g_autofree char *resource_type = json_string_value (chain->scan.resource_type);
  g_autofree char *next = NULL;
  g_autofree char *shown = cs_fhir_redact_url (chain->url);
  char *stop;
  guint64 page_new;

  if (op->trace && chain->req != NULL)
    {
      gint64 t0 = op->start_time;

      g_printerr ("trace %s sent %.1f headers %.1f first %.1f last %.1f parsed %.1f ms, %"
                  G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " resources\n",
                  shown, (chain->req->t_sent - t0) / 1e3, (chain->req->t_headers - t0) / 1e3,
                  (chain->t_first_byte - t0) / 1e3, (chain->t_last_byte - t0) / 1e3,
                  (g_get_monotonic_time () - t0) / 1e3, chain->page_bytes, chain->page_resources);
    }
  /* resources of this page not loaded before (de-duplicated by Type/id) */
  page_new = chain->page_resources;
  op->stats.resources += page_new;
  chain->page_resources = 0;
  if (chain->parse_error != NULL)
    {
      error = g_steal_pointer (&chain->parse_error);
      if (chain->sink_error != NULL)
        {
          chain_done (chain, g_steal_pointer (&chain->sink_error));
          return;
        }
      chain_done (chain, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                      chain->parse_error_at_end
                                      ? _("The answer to %s is truncated or not FHIR JSON%s: %s")
                                      : _("The answer to %s is not FHIR JSON%s: %s"),
                                      shown, chain->is_html ? _(" (an HTML page)") : "",
                                      without_source (error->message, chain->url)));
      return;
    }

  if (g_strcmp0 (resource_type, "Bundle") != 0)
    {
      chain_done (chain, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                      _("The answer to %s is not a Bundle (resourceType %s)"),
                                      shown, resource_type != NULL ? resource_type : _("missing")));
      return;
    }

  op->stats.pages++;
  chain->pages++;
  chain->loaded += page_new;
  if (page_new == 0)
    chain->stalled++;
  else
    {
      chain->stalled = 0;
      if (!g_hash_table_contains (op->types_with_data, chain->type))
        g_hash_table_add (op->types_with_data, g_strdup (chain->type));
    }
  if (chain->first_page && chain->scan.total != NULL)
    {
      gint64 total = g_ascii_strtoll (chain->scan.total, NULL, 10);

      if (total > 0)
        op->stats.total += total;
    }
  chain->first_page = FALSE;

  next = find_next_link (chain->scan.link, &error);
  if (error != NULL)
    {
      chain_done (chain, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                      _("The answer to %s has a bad Bundle.link: %s"), shown, error->message));
      return;
    }

  stop = next != NULL ? chain_stop_reason (chain) : NULL;
  if (chain->kind == CHAIN_PATIENTS && op->pending_ids != NULL)
    cohort_flush_ids (op, next == NULL || stop != NULL);

  op_report_progress (op, TRUE);

  if (stop != NULL)
    {
      chain_cut_short (chain, stop);
      return;
    }

  if (chain->prefetch != NULL)
    {
      if (g_strcmp0 (next, chain->prefetch_url) != 0)
        {
          chain_done (chain, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                          _("The answer to %s has two different next links"), shown));
          return;
        }
      if (chain->prefetch_ready)
        chain_use_prefetch (chain);
      else
        chain->waiting_prefetch = TRUE;
      return;
    }

  if (next == NULL)
    {
      chain_done (chain, NULL);
      return;
    }

  if (!g_hash_table_add (chain->seen_urls, g_strdup (next)))
    {
      g_autofree char *shown_next = cs_fhir_redact_url (next);

      chain_done (chain, g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_LOOP,
                                      _("The server’s next link loops: %s was already fetched in this search (reached from %s)"),
                                      shown_next, shown));
      return;
    }

  g_free (chain->url);
  chain->url = g_steal_pointer (&next);
  chain_next_page (chain);
}

/* The parser thread */

static gboolean parse_item_process (CsFhirOp *op, ParseItem *item);

static void
parse_push_item (CsFhirOp  *op,
                 ParseItem *item)  /* transfer full */
{
  if (op->parser != NULL)
    g_async_queue_push (op->parse_queue, item);
  else
    parse_item_process (op, item);   /* CS_FHIR_PARSE_THREAD=0: on this thread */
}

static void
parse_push (CsFhirOp  *op,
            Chain     *chain,
            ParseKind  kind,
            GBytes    *data)  /* transfer full */
{
  ParseItem *item = g_new0 (ParseItem, 1);

  item->chain = chain;
  item->kind = kind;
  item->data = data;
  if (op->parser != NULL)
    g_async_queue_push (op->parse_queue, item);
  else
    parse_item_process (op, item);   /* CS_FHIR_PARSE_THREAD=0: on this thread */
}

static gboolean
page_parsed_cb (gpointer data)
{
  Chain *chain = data;

  if (chain_release (chain))
    return G_SOURCE_REMOVE;
  chain_page_complete (chain);
  return G_SOURCE_REMOVE;
}

static void
parse_data (CsFhirOp   *op,
            Chain      *chain,
            const char *buf,
            gsize       len)
{
  if (chain->parse_error == NULL && !g_cancellable_is_cancelled (op->cancellable) &&
      !cs_ingest_feed (chain->ingest, buf, len, &chain->parse_error))
    g_atomic_int_set (&chain->parse_failed, 1);
}

/* Returns FALSE for PARSE_STOP */
static gboolean
parse_item_process (CsFhirOp  *op,
                    ParseItem *item)
{
      Chain *chain = item->chain;
      gboolean stop = item->kind == PARSE_STOP;

      switch (item->kind)
        {
        case PARSE_BEGIN:
          g_clear_error (&chain->parse_error);
          chain->parse_error_at_end = FALSE;
          chain->page_resources = 0;
          cs_ingest_begin_source (chain->ingest, g_bytes_get_data (item->data, NULL));
          break;
        case PARSE_DATA:
          parse_data (op, chain, item->buf, item->len);
          if (op->free_bufs != NULL)
            g_async_queue_push (op->free_bufs, g_steal_pointer (&item->buf));
          break;
        case PARSE_END:
          if (chain->parse_error == NULL && !g_cancellable_is_cancelled (op->cancellable) &&
              !cs_ingest_end_source (chain->ingest, &chain->parse_error))
            chain->parse_error_at_end = TRUE;
          g_main_context_invoke (op->context, page_parsed_cb, chain);
          break;
        case PARSE_ABORT:
          g_main_context_invoke (op->context, page_parsed_cb, chain);
          break;
        case PARSE_STOP:
        default:
          break;
        }
      g_clear_pointer (&item->data, g_bytes_unref);
      g_free (item->buf);
      g_free (item);
      return !stop;
}

static gpointer
parser_thread (gpointer data)
{
  CsFhirOp *op = data;

  while (parse_item_process (op, g_async_queue_pop (op->parse_queue)))
    ;
  return NULL;
}

static void
chain_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  Chain *chain = data;
  CsFhirOp *op = chain->op;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      GError *mapped = map_transport_error (op->client, error, NULL, chain->url);

      if (mapped->code == CS_FHIR_ERROR_NETWORK)
        {
          g_autofree char *shown = cs_fhir_redact_url (chain->url);

          g_clear_error (&mapped);
          mapped = g_error_new (CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                                _("The answer to %s was cut off: %s"), shown, error->message);
        }
      /* chain_done keeps the chain (dead) until the parser lets go of it */
      chain_done (chain, mapped);
      parse_push (op, chain, PARSE_ABORT, NULL);
      return;
    }

  if (n == 0 || g_atomic_int_get (&chain->parse_failed))
    {
      /* the parser calls back (page_parsed_cb) when it has the whole page */
      g_clear_object (&chain->stream);
      chain->t_last_byte = g_get_monotonic_time ();
      parse_push (op, chain, PARSE_END, NULL);
      return;
    }

  if (chain->page_bytes == 0)
    chain->t_first_byte = g_get_monotonic_time ();
  op->stats.bytes += n;
  chain->page_bytes += n;
  top_scan_feed (&chain->scan, chain->buf, n);
  if (op->parser != NULL)
    {
      ParseItem *item = g_new0 (ParseItem, 1);

      /* hand this buffer over and read on into a free one */
      item->chain = chain;
      item->kind = PARSE_DATA;
      item->buf = chain->buf;
      item->len = n;
      parse_push_item (op, item);
      chain->buf = g_async_queue_try_pop (op->free_bufs);
      if (chain->buf == NULL)
        chain->buf = g_malloc (READ_CHUNK);
    }
  else
    parse_data (op, chain, chain->buf, n);   /* CS_FHIR_PARSE_THREAD=0: right here */
  op_report_progress (op, FALSE);
  chain_maybe_prefetch (chain);

  g_input_stream_read_async (chain->stream, chain->buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             op->cancellable, chain_read_cb, chain);
}

/* A type tried without being declared (the CapabilityStatement declares
 * none) whose search the server turns down before it brought anything:
 * it does not have that type, or not for us. Skipped, and said so in the
 * report; Patient searches and declared types are never skipped. */
static gboolean
chain_refusal_skips_type (Chain *chain,
                          guint  status)
{
  CsFhirOp *op = chain->op;

  return op->report != NULL && op->types_guessed && chain->kind == CHAIN_DATA &&
         !g_str_equal (chain->type, "Patient") && chain->pages == 0 &&
         !g_hash_table_contains (op->types_with_data, chain->type) &&
         ((status >= 400 && status < 500 && status != 429) || status == SOUP_STATUS_NOT_IMPLEMENTED);
}

/* "HTTP 404 Not Found: <OperationOutcome text>" */
static char *
refusal_text (guint   status,
              GBytes *body)
{
  g_autofree char *outcome = cs_fhir_operation_outcome_text (body);
  const char *phrase = soup_status_get_phrase (status);

  return g_strdup_printf ("HTTP %u%s%s%s%s", status, phrase != NULL ? " " : "", phrase != NULL ? phrase : "",
                          outcome != NULL ? ": " : "", outcome != NULL ? outcome : "");
}

typedef struct
{
  Chain        *chain;
  GInputStream *stream;
  GByteArray   *buffer;
  guint8        chunk[16384];
  guint         status;
  char         *method;
} ErrorBody;

static void
error_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  ErrorBody *eb = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n > 0 && eb->buffer->len < MAX_ERROR_BODY)
    {
      g_byte_array_append (eb->buffer, eb->chunk, n);
      g_input_stream_read_async (eb->stream, eb->chunk, sizeof eb->chunk, G_PRIORITY_DEFAULT,
                                 eb->chain->op->cancellable, error_body_cb, eb);
      return;
    }
  else
    {
      g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&eb->buffer));
      Chain *chain = eb->chain;
      GError *error = cs_fhir_http_error_new (eb->method, chain->url, eb->status, body);

      chain->op->last_error_status = eb->status;
      if (chain_refusal_skips_type (chain, eb->status))
        {
          g_autofree char *why = refusal_text (eb->status, body);

          g_debug ("%s: skipping %s", error->message, chain->type);
          cs_fhir_load_report_refuse (chain->op->report, chain->type, why);
          g_error_free (error);
          g_object_unref (eb->stream);
          g_free (eb->method);
          g_free (eb);
          chain_done (chain, NULL);
          return;
        }

      if (eb->status == 429 || eb->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        g_prefix_error (&error, _("Server still busy after %u attempts: "), chain->op->client->max_tries);
      g_object_unref (eb->stream);
      g_free (eb->method);
      g_free (eb);
      chain_done (chain, error);
    }
}

static void
chain_sent_cb (Req          *req,
               GInputStream *stream,
               GError       *error,
               gpointer      data)
{
  Chain *chain = data;
  guint status;
  const char *content_type;

  if (error != NULL)
    {
      chain_done (chain, error);
      return;
    }

  /* The request may have been redirected */
  if (g_strcmp0 (chain->url, req->url) != 0)
    {
      g_free (chain->url);
      chain->url = g_strdup (req->url);
    }

  status = soup_message_get_status (req->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      ErrorBody *eb = g_new0 (ErrorBody, 1);

      eb->chain = chain;
      eb->stream = g_object_ref (stream);
      eb->buffer = g_byte_array_new ();
      eb->status = status;
      eb->method = g_strdup (req->method);
      g_input_stream_read_async (stream, eb->chunk, sizeof eb->chunk, G_PRIORITY_DEFAULT,
                                 chain->op->cancellable, error_body_cb, eb);
      return;
    }

  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (req->msg), NULL);
  chain->is_html = content_type != NULL && (g_str_equal (content_type, "text/html") ||
                                            g_str_equal (content_type, "application/xhtml+xml"));
  chain->stream = g_object_ref (stream);
  chain->page_bytes = 0;
  chain->prefetch_checked = FALSE;
  top_scan_reset (&chain->scan);
  g_atomic_int_set (&chain->parse_failed, 0);
  chain->pending++;
  parse_push (chain->op, chain, PARSE_BEGIN, g_bytes_new (chain->url, strlen (chain->url) + 1));
  g_input_stream_read_async (stream, chain->buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             chain->op->cancellable, chain_read_cb, chain);
}

static void
chain_next_page (Chain *chain)
{
  if (chain->req != NULL)
    req_free (chain->req);
  chain->req = req_new (chain->op, "GET", chain->url, NULL, chain_sent_cb, chain);
  req_start (chain->req);
}

static void
op_add_chain (CsFhirOp   *op,
              ChainKind   kind,
              const char *type,
              char       *url)  /* transfer full */
{
  Chain *chain = g_new0 (Chain, 1);

  chain->op = op;
  chain->kind = kind;
  chain->type = g_strdup (type);
  chain->first_url = g_strdup (url);
  chain->url = url;
  chain->first_page = TRUE;
  chain->seen_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (chain->seen_urls, g_strdup (url));
  g_queue_push_tail (&op->queue, chain);
}

static void
op_schedule (CsFhirOp *op)
{
  while (op->error == NULL && op->active < op->max_active && !g_queue_is_empty (&op->queue))
    {
      Chain *chain = g_queue_pop_head (&op->queue);

      /* a type the server refused in another chunk */
      if (cs_fhir_load_report_is_refused (op->report, chain->type))
        {
          chain_free (chain);
          continue;
        }
      if (op->parser == NULL && !op->parse_inline)
        {
          op->parse_queue = g_async_queue_new ();
          op->free_bufs = g_async_queue_new ();
          op->parser = g_thread_new ("cs-fhir-parse", parser_thread, op);
        }
      chain->buf = g_malloc (READ_CHUNK);
      chain->ingest = cs_ingest_new (chain_resource_cb, chain);
      cs_ingest_set_keep_json (chain->ingest, TRUE);
      op->active++;
      chain_next_page (chain);
    }
}

static gboolean
op_run (CsFhirOp  *op,
        GError   **error)
{
  op_schedule (op);
  while (op->active > 0)
    g_main_context_iteration (op->context, TRUE);
  op_report_progress (op, TRUE);

  if (op->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&op->error));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Cohorts */

/* Every type of the R4 Patient compartment that has a `patient` search
 * parameter: those the CapabilityStatement declares are fetched (all of
 * them are tried when it declares none), so the store sees all of a
 * patient's record (follow-up dates come from any resource, e.g.
 * Encounters). */
static const char * const compartment_types[] = {
  "AllergyIntolerance", "BodyStructure", "CarePlan", "CareTeam", "Claim", "ClinicalImpression",
  "Condition", "Consent", "Coverage", "DetectedIssue", "DeviceRequest", "DeviceUseStatement",
  "DiagnosticReport", "DocumentReference", "Encounter", "EpisodeOfCare", "ExplanationOfBenefit",
  "FamilyMemberHistory", "Flag", "Goal", "ImagingStudy", "Immunization", "Media",
  "MedicationAdministration", "MedicationDispense", "MedicationRequest", "MedicationStatement",
  "NutritionOrder", "Observation", "Procedure", "QuestionnaireResponse", "RiskAssessment",
  "ServiceRequest", "Specimen", NULL
};

GStrv
cs_fhir_parse_type_list (const char  *text,
                         GError     **error)
{
  g_auto(GStrv) words = g_strsplit_set (text != NULL ? text : "", ", \t", -1);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean ok = g_ascii_isupper (words[i][0]);

      if (words[i][0] == '\0')
        continue;
      for (const char *c = words[i]; ok && *c != '\0'; c++)
        ok = g_ascii_isalpha (*c);
      if (!ok)
        {
          g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                       _("“%s” is not a FHIR resource type (e.g. Observation, Condition)"), words[i]);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (types, words[i], g_str_equal, NULL))
        g_ptr_array_add (types, g_strdup (words[i]));
    }
  if (types->len == 0)
    {
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                           _("No resource type given (e.g. Observation, Condition)"));
      return NULL;
    }
  g_ptr_array_add (types, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&types), FALSE);
}

static char *
join_ids (GPtrArray  *ids,
          guint       start,
          guint       end,
          const char *prefix)
{
  GString *s = g_string_new (NULL);

  for (guint i = start; i < end; i++)
    {
      if (i > start)
        g_string_append_c (s, ',');
      g_string_append (s, prefix);
      g_string_append_uri_escaped (s, g_ptr_array_index (ids, i), "-.", FALSE);
    }
  return g_string_free (s, FALSE);
}

static void
cohort_add_data_chunk (CsFhirOp  *op,
                       GPtrArray *ids,
                       guint      start,
                       guint      end)
{
  /* "Patient/id" works on every server; a bare id not on all */
  g_autofree char *joined = join_ids (ids, start, end, "Patient/");

  for (guint t = 0; op->types[t] != NULL; t++)
    {
      g_autofree char *query = g_strdup_printf ("patient=%s", joined);

      op_add_chain (op, CHAIN_DATA, op->types[t], cs_fhir_client_build_url (op->client, op->types[t], query, TRUE));
    }
}

/* Turns collected Patient ids into patient= chunk searches */
static void
cohort_flush_ids (CsFhirOp *op,
                  gboolean  all)
{
  GPtrArray *ids = op->pending_ids;
  guint start = 0;

  if (!op->chunks_from_patients)
    {
      g_ptr_array_set_size (ids, 0);
      return;
    }
  while (ids->len - start >= op->chunk_size || (all && ids->len > start))
    {
      guint end = MIN (start + op->chunk_size, ids->len);

      cohort_add_data_chunk (op, ids, start, end);
      start = end;
    }
  g_ptr_array_remove_range (ids, 0, start);
}

static char *
patient_id_from_reference (const char *reference)
{
  const char *slash;

  if (reference == NULL)
    return NULL;
  /* Patient/x, https://host/fhir/Patient/x, Patient/x/_history/2 */
  slash = strstr (reference, "Patient/");
  if (slash == NULL)
    return NULL;
  slash += strlen ("Patient/");
  return g_strndup (slash, strcspn (slash, "/?#"));
}

static GPtrArray *
read_group_members (CsFhirOp    *op,
                    const char  *group_id,
                    GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (group_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("Group/%s", escaped);
  g_autofree char *url = cs_fhir_client_build_url (op->client, path, NULL, FALSE);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  const CsJsonNode *root;
  guint status;
  gsize len;
  const char *data;

  if (!cs_fhir_op_request (op, "GET", url, NULL, &status, &body, error))
    return NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_propagate_error (error, cs_fhir_http_error_new ("GET", url, status, body));
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  if (!(doc = cs_json_document_parse (data, len, &local_error)))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not JSON: %s"), url, local_error->message);
      return NULL;
    }
  root = cs_json_document_get_root (doc);
  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "Group") != 0)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not a Group"), url);
      return NULL;
    }
  for (const CsJsonNode *m = cs_json_first (cs_json_get (root, "member")); m != NULL; m = m->next)
    {
      char *id = patient_id_from_reference (cs_json_get_string (cs_json_get (m, "entity"), "reference"));

      if (id != NULL && *id != '\0')
        g_ptr_array_add (ids, id);
      else
        g_free (id);
    }
  return g_steal_pointer (&ids);
}

static const char *
declared_revinclude (const CsFhirCapabilities *caps,
                     const char               *type)
{
  g_autofree char *by_patient = g_strdup_printf ("%s:patient", type);
  g_autofree char *by_subject = g_strdup_printf ("%s:subject", type);

  if (cs_fhir_capabilities_has_revinclude (caps, "Patient", by_patient))
    return "patient";
  if (cs_fhir_capabilities_has_revinclude (caps, "Patient", by_subject))
    return "subject";
  return NULL;
}

static char *
revinclude_query (CsFhirOp                 *op,
                  const CsFhirCapabilities *caps,
                  const char               *query)
{
  GString *q = g_string_new (query);

  for (guint t = 0; op->types[t] != NULL; t++)
    {
      const char *param = caps != NULL ? declared_revinclude (caps, op->types[t]) : NULL;

      if (q->len > 0)
        g_string_append_c (q, '&');
      g_string_append_printf (q, "_revinclude=%s:%s", op->types[t], param != NULL ? param : "patient");
    }
  return g_string_free (q, FALSE);
}

static gboolean
all_revincludes_declared (CsFhirOp                 *op,
                          const CsFhirCapabilities *caps)
{
  if (caps == NULL)
    return FALSE;
  for (guint t = 0; op->types[t] != NULL; t++)
    if (declared_revinclude (caps, op->types[t]) == NULL)
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* CapabilityStatement */

struct _CsFhirCapabilities
{
  char       *software_name;
  char       *software_version;
  char       *fhir_version;
  char       *implementation;
  GHashTable *search_params;   /* "Type" -> GHashTable set of names */
  GHashTable *revincludes;     /* "Type" -> GHashTable set */
  GHashTable *interactions;    /* "Type" -> GHashTable set */
};

void
cs_fhir_capabilities_free (CsFhirCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_free (caps->software_name);
  g_free (caps->software_version);
  g_free (caps->fhir_version);
  g_free (caps->implementation);
  g_hash_table_unref (caps->search_params);
  g_hash_table_unref (caps->revincludes);
  g_hash_table_unref (caps->interactions);
  g_free (caps);
}

const char *
cs_fhir_capabilities_get_software_name (const CsFhirCapabilities *caps)
{
  return caps->software_name;
}

const char *
cs_fhir_capabilities_get_software_version (const CsFhirCapabilities *caps)
{
  return caps->software_version;
}

const char *
cs_fhir_capabilities_get_fhir_version (const CsFhirCapabilities *caps)
{
  return caps->fhir_version;
}

static GHashTable *
set_for (GHashTable *table,
         const char *type)
{
  GHashTable *set = g_hash_table_lookup (table, type);

  if (set == NULL)
    {
      set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (table, g_strdup (type), set);
    }
  return set;
}

static gboolean
set_has (GHashTable *table,
         const char *type,
         const char *name)
{
  GHashTable *set = g_hash_table_lookup (table, type);

  return set != NULL && g_hash_table_contains (set, name);
}

GStrv
cs_fhir_capabilities_dup_resource_types (const CsFhirCapabilities *caps)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (caps->interactions, NULL);
  guint n = g_strv_length ((char **) keys);
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = g_strdup (keys[i]);
  qsort (out, n, sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
  return out;
}

gboolean
cs_fhir_capabilities_has_search_param (const CsFhirCapabilities *caps,
                                       const char               *resource_type,
                                       const char               *param)
{
  return set_has (caps->search_params, resource_type, param);
}

gboolean
cs_fhir_capabilities_has_revinclude (const CsFhirCapabilities *caps,
                                     const char               *resource_type,
                                     const char               *revinclude)
{
  return set_has (caps->revincludes, resource_type, revinclude) ||
         set_has (caps->revincludes, resource_type, "*");
}

char *
cs_fhir_capabilities_to_string (const CsFhirCapabilities *caps)
{
  GString *s = g_string_new (NULL);
  const char *types[] = { "Patient", "Observation", "Condition", "ImagingStudy", "Group" };

  g_string_append_printf (s, _("Server: %s %s\n"),
                          caps->software_name != NULL ? caps->software_name : _("(unnamed)"),
                          caps->software_version != NULL ? caps->software_version : "");
  g_string_append_printf (s, _("FHIR version: %s\n"),
                          caps->fhir_version != NULL ? caps->fhir_version : _("(not stated)"));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GHashTable *params = g_hash_table_lookup (caps->search_params, types[i]);
      GHashTable *revs = g_hash_table_lookup (caps->revincludes, types[i]);
      g_autofree const char **names = NULL;
      g_autofree char *joined = NULL;

      if (!g_hash_table_contains (caps->interactions, types[i]))
        {
          g_string_append_printf (s, _("%s: not supported\n"), types[i]);
          continue;
        }
      if (params != NULL)
        {
          names = (const char **) g_hash_table_get_keys_as_array (params, NULL);
          qsort (names, g_hash_table_size (params), sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
          joined = g_strjoinv (", ", (char **) names);
        }
      g_string_append_printf (s, _("%s: search parameters %s"), types[i],
                              joined != NULL && *joined != '\0' ? joined : _("(none declared)"));
      if (revs != NULL && g_hash_table_size (revs) > 0)
        {
          g_autofree const char **rnames = (const char **) g_hash_table_get_keys_as_array (revs, NULL);
          g_autofree char *rjoined = NULL;

          qsort (rnames, g_hash_table_size (revs), sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
          rjoined = g_strjoinv (", ", (char **) rnames);
          g_string_append_printf (s, _("; _revinclude %s"), rjoined);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static CsFhirCapabilities *
capabilities_from_json (const CsJsonNode  *root,
                        const char        *url,
                        GError           **error)
{
  CsFhirCapabilities *caps;

  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "CapabilityStatement") != 0)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not a CapabilityStatement: is this the base URL of a FHIR server?"), url);
      return NULL;
    }

  caps = g_new0 (CsFhirCapabilities, 1);
  caps->search_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->revincludes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->interactions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->software_name = g_strdup (cs_json_get_string (cs_json_get (root, "software"), "name"));
  caps->software_version = g_strdup (cs_json_get_string (cs_json_get (root, "software"), "version"));
  caps->fhir_version = g_strdup (cs_json_get_string (root, "fhirVersion"));
  caps->implementation = g_strdup (cs_json_get_string (cs_json_get (root, "implementation"), "description"));

  for (const CsJsonNode *rest = cs_json_first (cs_json_get (root, "rest")); rest != NULL; rest = rest->next)
    {
      if (g_strcmp0 (cs_json_get_string (rest, "mode"), "client") == 0)
        continue;
      for (const CsJsonNode *res = cs_json_first (cs_json_get (rest, "resource")); res != NULL; res = res->next)
        {
          const char *type = cs_json_get_string (res, "type");
          GHashTable *params, *revs, *inter;

          if (type == NULL)
            continue;
          params = set_for (caps->search_params, type);
          revs = set_for (caps->revincludes, type);
          inter = set_for (caps->interactions, type);
          for (const CsJsonNode *p = cs_json_first (cs_json_get (res, "searchParam")); p != NULL; p = p->next)
            if (cs_json_get_string (p, "name") != NULL)
              g_hash_table_add (params, g_strdup (cs_json_get_string (p, "name")));
          for (const CsJsonNode *r = cs_json_first (cs_json_get (res, "searchRevInclude")); r != NULL; r = r->next)
            if (cs_json_string (r) != NULL)
              g_hash_table_add (revs, g_strdup (cs_json_string (r)));
          for (const CsJsonNode *i = cs_json_first (cs_json_get (res, "interaction")); i != NULL; i = i->next)
            if (cs_json_get_string (i, "code") != NULL)
              g_hash_table_add (inter, g_strdup (cs_json_get_string (i, "code")));
        }
      /* Parameters for all types (e.g. _id, _count) */
      for (const CsJsonNode *p = cs_json_first (cs_json_get (rest, "searchParam")); p != NULL; p = p->next)
        if (cs_json_get_string (p, "name") != NULL)
          g_hash_table_add (set_for (caps->search_params, "*"), g_strdup (cs_json_get_string (p, "name")));
    }
  return caps;
}

static CsFhirCapabilities *
read_metadata (CsFhirOp  *op,
               GError   **error)
{
  g_autofree char *url = cs_fhir_client_build_url (op->client, "metadata", NULL, FALSE);
  g_autofree char *shown = cs_fhir_redact_url (url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status;
  const char *data;
  gsize len;

  if (!cs_fhir_op_request (op, "GET", url, NULL, &status, &body, error))
    return NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_propagate_error (error, cs_fhir_http_error_new ("GET", url, status, body));
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  if (!(doc = cs_json_document_parse (data, len, &local_error)))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not JSON: %s"), shown, local_error->message);
      return NULL;
    }
  return capabilities_from_json (cs_json_document_get_root (doc), shown, error);
}

CsFhirCapabilities *
cs_fhir_client_read_metadata (CsFhirClient  *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(CsFhirOp) op = NULL;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), NULL);

  op = cs_fhir_op_new (self, cancellable);
  return read_metadata (op, error);
}

/* ------------------------------------------------------------------------ */
/* Public operations */

gboolean
cs_fhir_client_search (CsFhirClient          *self,
                       const char            *resource_type,
                       const char            *query,
                       CsIngestResourceFunc   func,
                       gpointer               func_data,
                       CsFhirProgressFunc     progress,
                       gpointer               progress_data,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autoptr(CsFhirOp) op = NULL;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), FALSE);
  g_return_val_if_fail (resource_type != NULL, FALSE);

  op = cs_fhir_op_new (self, cancellable);
  op->func = func;
  op->func_data = func_data;
  op->progress = progress;
  op->progress_data = progress_data;
  op->report_total = TRUE;
  /* each resource once, so that pages that bring nothing new show */
  op->seen_resources = g_hash_table_new (cs_str_hash, g_str_equal);
  op->seen_keys = g_string_chunk_new (64 * 1024);
  op_add_chain (op, CHAIN_DATA, resource_type, cs_fhir_client_build_url (self, resource_type, query, TRUE));
  return op_run (op, error);
}

/* A Patient search (all patients, the user's query, or a Group's members by
 * _has) and then their data by the method chosen. */
static void
cohort_schedule_search (CsFhirOp                 *op,
                        const CsFhirCapabilities *caps,
                        CsFhirFetchMethod         method,
                        const char               *query)
{
  if (query != NULL && *query == '?')
    query++;
  if (method == CS_FHIR_FETCH_BY_TYPE)
    {
      op->report_total = TRUE;
      op_add_chain (op, CHAIN_DATA, "Patient", cs_fhir_client_build_url (op->client, "Patient", NULL, TRUE));
      for (guint t = 0; op->types[t] != NULL; t++)
        op_add_chain (op, CHAIN_DATA, op->types[t], cs_fhir_client_build_url (op->client, op->types[t], NULL, TRUE));
    }
  else if (method == CS_FHIR_FETCH_REVINCLUDE)
    {
      g_autofree char *q = revinclude_query (op, caps, query);

      op_add_chain (op, CHAIN_DATA, "Patient", cs_fhir_client_build_url (op->client, "Patient", q, TRUE));
    }
  else
    {
      op->pending_ids = g_ptr_array_new_with_free_func (g_free);
      op->chunks_from_patients = TRUE;
      op_add_chain (op, CHAIN_PATIENTS, "Patient", cs_fhir_client_build_url (op->client, "Patient", query, TRUE));
    }
}

/* A Group's members read from Group/<id>, then Patient?_id= and their data
 * in chunks: works on every server. */
static gboolean
cohort_schedule_group_read (CsFhirOp                 *op,
                            const CsFhirCapabilities *caps,
                            CsFhirFetchMethod         method,
                            const char               *group_id,
                            GError                  **error)
{
  g_autoptr(GPtrArray) ids = NULL;

  if (!(ids = read_group_members (op, group_id, error)))
    return FALSE;
  for (guint start = 0; start < ids->len; start += op->chunk_size)
    {
      guint end = MIN (start + op->chunk_size, ids->len);
      g_autofree char *joined = join_ids (ids, start, end, "");
      g_autofree char *q = g_strdup_printf ("_id=%s", joined);

      if (method == CS_FHIR_FETCH_REVINCLUDE)
        {
          g_autofree char *rq = revinclude_query (op, caps, q);

          op_add_chain (op, CHAIN_DATA, "Patient", cs_fhir_client_build_url (op->client, "Patient", rq, TRUE));
        }
      else
        {
          op_add_chain (op, CHAIN_DATA, "Patient", cs_fhir_client_build_url (op->client, "Patient", q, TRUE));
          cohort_add_data_chunk (op, ids, start, end);
        }
    }
  return TRUE;
}

/* Whether Patient?_has:Group:member:_id=<id> can stand for reading the Group */
static gboolean
declares_has (const CsFhirCapabilities *caps)
{
  return caps != NULL && (cs_fhir_capabilities_has_search_param (caps, "Patient", "_has") ||
                          cs_fhir_capabilities_has_search_param (caps, "*", "_has"));
}

/* A _has search that the server turned down before sending anything: read
 * the Group instead. Authentication, rate limits, network errors and
 * cancelling are the user's to see. */
static gboolean
has_search_refused (CsFhirOp     *op,
                    const GError *error)
{
  guint status = op->last_error_status;

  if (op->stats.resources > 0 || !g_error_matches (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP))
    return FALSE;
  return status == SOUP_STATUS_NOT_IMPLEMENTED ||
         (status >= 400 && status < 500 && status != SOUP_STATUS_UNAUTHORIZED &&
          status != SOUP_STATUS_FORBIDDEN && status != 429);
}

static CsFhirOp *
cohort_op_new (CsFhirClient           *self,
               const CsFhirCohortSpec *spec,
               CsStore                *store,
               CsFhirProgressFunc      progress,
               gpointer                progress_data,
               GCancellable           *cancellable,
               CsFhirCacheWriter      *cache,
               CsFhirLoadReport       *report)
{
  CsFhirOp *op = cs_fhir_op_new (self, cancellable);

  op->spec = spec;
  op->types = (const char **) spec->resource_types;
  op->func = cs_store_add_resource;
  op->func_data = store;
  op->progress = progress;
  op->progress_data = progress_data;
  op->seen_resources = g_hash_table_new (cs_str_hash, g_str_equal);
  op->seen_keys = g_string_chunk_new (64 * 1024);
  op->chunk_size = spec->chunk_size > 0 ? spec->chunk_size : 50;
  op->cache = cache;
  op->report = report;
  return op;
}

/* Which types to fetch: the caller's; else the Patient-compartment types
 * the CapabilityStatement declares; else, when it declares none of them
 * or there is none (types_out NULL), all of them, trying each (a type the
 * server refuses is skipped). types_out holds the declared ones. */
static CsFhirTypeChoice
choose_types (const CsFhirCohortSpec    *spec,
              const CsFhirCapabilities  *caps,
              GPtrArray                **types_out)
{
  g_autoptr(GPtrArray) types = NULL;

  *types_out = NULL;
  if (spec->resource_types != NULL)
    return CS_FHIR_TYPES_ASKED;
  if (caps == NULL)
    return CS_FHIR_TYPES_NO_METADATA;
  types = g_ptr_array_new ();
  for (guint i = 0; compartment_types[i] != NULL; i++)
    if (g_hash_table_contains (caps->interactions, compartment_types[i]))
      g_ptr_array_add (types, (gpointer) compartment_types[i]);
  if (types->len == 0)
    return CS_FHIR_TYPES_NONE_DECLARED;
  g_ptr_array_add (types, NULL);
  *types_out = g_steal_pointer (&types);
  return CS_FHIR_TYPES_DECLARED;
}

gboolean
cs_fhir_client_load_cohort_full (CsFhirClient           *self,
                                 const CsFhirCohortSpec *spec,
                                 CsStore                *store,
                                 CsFhirProgressFunc      progress,
                                 gpointer                progress_data,
                                 CsFhirLoadReport      **report_out,
                                 GCancellable           *cancellable,
                                 GError                **error)
{
  g_autoptr(CsFhirOp) op = NULL;
  g_autoptr(CsFhirCapabilities) caps = NULL;
  g_autoptr(CsFhirCacheWriter) cache = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(CsFhirLoadReport) report = cs_fhir_load_report_new ();
  g_autoptr(GError) meta_error = NULL;
  CsFhirTypeChoice choice = CS_FHIR_TYPES_ASKED;
  CsFhirFetchMethod method;
  CsFhirCohortSpec all_spec = { 0 };
  gboolean ran = FALSE;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), FALSE);
  g_return_val_if_fail (CS_IS_STORE (store), FALSE);

  if (spec == NULL)
    spec = &all_spec;

  if (spec->write_cache && !(cache = cs_fhir_cache_writer_new (self->base_url, error)))
    return FALSE;
  op = cohort_op_new (self, spec, store, progress, progress_data, cancellable, cache, report);
  method = spec->method;

  if (method == CS_FHIR_FETCH_AUTO && spec->kind == CS_FHIR_COHORT_ALL)
    method = CS_FHIR_FETCH_BY_TYPE;
  if (method == CS_FHIR_FETCH_BY_TYPE && spec->kind != CS_FHIR_COHORT_ALL)
    method = CS_FHIR_FETCH_AUTO;

  if (method == CS_FHIR_FETCH_AUTO || method == CS_FHIR_FETCH_REVINCLUDE || op->types == NULL)
    {
      caps = read_metadata (op, &meta_error);
      if (meta_error != NULL)
        {
          if (meta_error->code == CS_FHIR_ERROR_CANCELLED || meta_error->code == CS_FHIR_ERROR_TLS ||
              meta_error->code == CS_FHIR_ERROR_NETWORK || meta_error->code == CS_FHIR_ERROR_TIMEOUT)
            {
              g_propagate_error (error, g_steal_pointer (&meta_error));
              return FALSE;
            }
          g_debug ("No usable CapabilityStatement (%s)", meta_error->message);
        }
      choice = choose_types (spec, caps, &types);
      if (types != NULL)
        op->types = (const char **) types->pdata;
      else if (op->types == NULL)
        {
          /* nothing declared: try every type, skip those the server refuses */
          op->types = (const char **) compartment_types;
          op->types_guessed = TRUE;
        }
      if (method == CS_FHIR_FETCH_AUTO)
        method = all_revincludes_declared (op, caps) ? CS_FHIR_FETCH_REVINCLUDE : CS_FHIR_FETCH_PATIENT_CHUNKS;
    }
  cs_fhir_load_report_set_types (report, choice, meta_error != NULL ? meta_error->message : NULL,
                                 (const char * const *) op->types, compartment_types);

  switch (spec->kind)
    {
    case CS_FHIR_COHORT_ALL:
    case CS_FHIR_COHORT_SEARCH:
      cohort_schedule_search (op, caps, method, spec->kind == CS_FHIR_COHORT_SEARCH ? spec->patient_query : NULL);
      break;

    case CS_FHIR_COHORT_GROUP:
      if (spec->group_id == NULL || *spec->group_id == '\0')
        {
          g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED, _("No Group id given"));
          return FALSE;
        }
      if (declares_has (caps))
        {
          /* The server pages through the members itself: no Group to read
           * whole, no long _id lists. Nothing found may mean a server that
           * cannot follow the Group's references: the Group decides. */
          g_autofree char *escaped = g_uri_escape_string (spec->group_id, NULL, FALSE);
          g_autofree char *query = g_strdup_printf ("_has:Group:member:_id=%s", escaped);
          g_autoptr(GError) has_error = NULL;
          const char **op_types = op->types;
          gboolean guessed = op->types_guessed;

          cohort_schedule_search (op, caps, method, query);
          ran = op_run (op, &has_error) && op->stats.resources > 0;
          if (ran)
            break;
          if (has_error != NULL && !has_search_refused (op, has_error))
            {
              g_propagate_error (error, g_steal_pointer (&has_error));
              return FALSE;
            }
          g_debug ("Patient?%s gave nothing (%s); reading Group/%s", query,
                   has_error != NULL ? has_error->message : "no patients", spec->group_id);
          /* what the _has search found out is moot: it brought nothing */
          g_clear_pointer (&op, cs_fhir_op_free);
          g_clear_pointer (&report, cs_fhir_load_report_free);
          report = cs_fhir_load_report_new ();
          cs_fhir_load_report_set_types (report, choice, meta_error != NULL ? meta_error->message : NULL,
                                         (const char * const *) op_types, compartment_types);
          op = cohort_op_new (self, spec, store, progress, progress_data, cancellable, cache, report);
          op->types = op_types;
          op->types_guessed = guessed;
        }
      if (!cohort_schedule_group_read (op, caps, method, spec->group_id, error))
        return FALSE;
      break;

    default:
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED, _("Unknown kind of cohort"));
      return FALSE;
    }

  if (!ran && !op_run (op, error))
    return FALSE;

  if (cache != NULL)
    {
      op->cache = NULL;
      /* an incomplete load must not pass for the server's cohort offline:
       * the previous copy stays */
      if (!cs_fhir_load_report_is_complete (report))
        cs_fhir_load_report_set_cache_skipped (report);
      else if (!cs_fhir_cache_writer_commit (cache, error))
        return FALSE;
    }
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return TRUE;
}

gboolean
cs_fhir_client_load_cohort (CsFhirClient           *self,
                            const CsFhirCohortSpec *spec,
                            CsStore                *store,
                            CsFhirProgressFunc      progress,
                            gpointer                progress_data,
                            GCancellable           *cancellable,
                            GError                **error)
{
  return cs_fhir_client_load_cohort_full (self, spec, store, progress, progress_data, NULL,
                                          cancellable, error);
}

/* Async wrapper */

typedef struct
{
  CsFhirCohortSpec    spec;
  char               *group_id;
  char               *patient_query;
  GStrv               types;
  CsFhirProgressFunc  progress;
  gpointer            progress_data;
  GDestroyNotify      progress_data_destroy;
  GMainContext       *caller_context;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *ld = data;

  if (ld->progress_data_destroy != NULL)
    ld->progress_data_destroy (ld->progress_data);
  g_free (ld->group_id);
  g_free (ld->patient_query);
  g_strfreev (ld->types);
  g_main_context_unref (ld->caller_context);
  g_free (ld);
}

typedef struct
{
  CsFhirProgress  progress;
  GTask          *task;
} ProgressIdle;

static gboolean
progress_idle_cb (gpointer data)
{
  ProgressIdle *pi = data;
  LoadData *ld = g_task_get_task_data (pi->task);

  if (!g_task_get_completed (pi->task) && ld->progress != NULL)
    ld->progress (&pi->progress, ld->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_idle_free (gpointer data)
{
  ProgressIdle *pi = data;

  g_object_unref (pi->task);
  g_free (pi);
}

static void
thread_progress_cb (const CsFhirProgress *progress,
                    gpointer              data)
{
  GTask *task = data;
  LoadData *ld = g_task_get_task_data (task);
  ProgressIdle *pi = g_new0 (ProgressIdle, 1);

  pi->progress = *progress;
  pi->task = g_object_ref (task);
  g_main_context_invoke_full (ld->caller_context, G_PRIORITY_DEFAULT, progress_idle_cb, pi, progress_idle_free);
}

static void
load_cohort_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CsFhirClient *self = source_object;
  LoadData *ld = task_data;
  g_autoptr(CsStore) store = cs_store_new ();
  CsFhirLoadReport *report = NULL;
  GError *error = NULL;

  if (!cs_fhir_client_load_cohort_full (self, &ld->spec, store,
                                        ld->progress != NULL ? thread_progress_cb : NULL, task,
                                        &report, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cs_fhir_store_set_load_report (store, report);
  cs_store_finish (store);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
cs_fhir_client_load_cohort_async (CsFhirClient           *self,
                                  const CsFhirCohortSpec *spec,
                                  CsFhirProgressFunc      progress,
                                  gpointer                progress_data,
                                  GDestroyNotify          progress_data_destroy,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *ld = g_new0 (LoadData, 1);

  g_return_if_fail (CS_IS_FHIR_CLIENT (self));

  if (spec != NULL)
    ld->spec = *spec;
  ld->group_id = g_strdup (ld->spec.group_id);
  ld->patient_query = g_strdup (ld->spec.patient_query);
  ld->types = ld->spec.resource_types != NULL ? g_strdupv ((char **) ld->spec.resource_types) : NULL;
  ld->spec.group_id = ld->group_id;
  ld->spec.patient_query = ld->patient_query;
  ld->spec.resource_types = (const char * const *) ld->types;
  ld->progress = progress;
  ld->progress_data = progress_data;
  ld->progress_data_destroy = progress_data_destroy;
  ld->caller_context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_fhir_client_load_cohort_async);
  g_task_set_task_data (task, ld, load_data_free);
  g_task_run_in_thread (task, load_cohort_thread);
}

CsStore *
cs_fhir_client_load_cohort_finish (CsFhirClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* The CLI's entry point */

typedef struct
{
  CsIngestProgressFunc func;
  gpointer             data;
} IngestProgressAdapter;

static void
ingest_progress_adapter (const CsFhirProgress *progress,
                         gpointer              data)
{
  IngestProgressAdapter *adapter = data;

  adapter->func (progress->bytes, 0, progress->resources, adapter->data);
}

gboolean
cs_fhir_load_into_store (const char           *base_url,
                         CsStore              *store,
                         CsIngestProgressFunc  progress,
                         gpointer              progress_data,
                         GCancellable         *cancellable,
                         GError              **error)
{
  g_autoptr(CsFhirClient) client = NULL;
  IngestProgressAdapter adapter = { progress, progress_data };

  if (!(client = cs_fhir_client_new (base_url, error)))
    return FALSE;
  cs_fhir_client_configure_from_env (client);

  return cs_fhir_client_load_cohort (client, NULL, store,
                                     progress != NULL ? ingest_progress_adapter : NULL, &adapter,
                                     cancellable, error);
}

void
cs_fhir_client_configure_from_env (CsFhirClient *client)
{
  const char *env;

  if ((env = g_getenv ("CS_FHIR_PAGE_SIZE")) != NULL && *env != '\0')
    cs_fhir_client_set_page_size (client, (guint) g_ascii_strtoull (env, NULL, 10));
  if ((env = g_getenv ("CS_FHIR_TIMEOUT")) != NULL && *env != '\0')
    cs_fhir_client_set_timeout (client, (guint) g_ascii_strtoull (env, NULL, 10));
  if ((env = g_getenv ("CS_FHIR_MAX_PAGES")) != NULL && *env != '\0')
    cs_fhir_client_set_max_pages (client, (guint) MIN (g_ascii_strtoull (env, NULL, 10), G_MAXUINT));
  if ((env = g_getenv ("CS_FHIR_BEARER_TOKEN")) != NULL && *env != '\0')
    cs_fhir_client_set_auth_bearer (client, env);
  else if ((env = g_getenv ("CS_FHIR_USERNAME")) != NULL && *env != '\0')
    cs_fhir_client_set_auth_basic (client, env, g_getenv ("CS_FHIR_PASSWORD"));
}

/* ------------------------------------------------------------------------ */
/* GObject */

CsFhirClient *
cs_fhir_client_new (const char  *base_url,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *normalised = NULL;
  CsFhirClient *self;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_autofree char *shown = cs_fhir_redact_url (base_url);

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                   _("“%s” is not the http:// or https:// base URL of a FHIR server"), shown);
      return NULL;
    }

  path = g_str_has_suffix (g_uri_get_path (uri), "/") ? g_strdup (g_uri_get_path (uri))
                                                      : g_strconcat (g_uri_get_path (uri), "/", NULL);
  clean = g_uri_build (SOUP_HTTP_URI_FLAGS, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                       path, NULL, NULL);
  normalised = g_uri_to_string (clean);

  self = g_object_new (CS_TYPE_FHIR_CLIENT, "base-url", normalised, NULL);
  if (g_uri_get_query (uri) != NULL && *g_uri_get_query (uri) != '\0')
    self->extra_query = g_strdup (g_uri_get_query (uri));

  /* user:password@ in the URL means HTTP basic auth */
  if (g_uri_get_user (uri) != NULL && *g_uri_get_user (uri) != '\0')
    {
      g_autofree char *user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
      g_autofree char *password = g_uri_get_password (uri) != NULL ? g_uri_unescape_string (g_uri_get_password (uri), NULL) : NULL;

      cs_fhir_client_set_auth_basic (self, user, password);
    }
  return self;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      explicit_bzero (*secret, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static void
cs_fhir_client_finalize (GObject *object)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  clear_secret (&self->auth_header);
  g_free (self->base_url);
  g_free (self->extra_query);
  g_free (self->origin);

  G_OBJECT_CLASS (cs_fhir_client_parent_class)->finalize (object);
}

static void
cs_fhir_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_MAX_PAGES:
      g_value_set_uint (value, self->max_pages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_fhir_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_free (self->base_url);
      self->base_url = g_value_dup_string (value);
      g_free (self->origin);
      self->origin = self->base_url != NULL ? origin_of_url (self->base_url) : NULL;
      break;
    case PROP_TIMEOUT:
      cs_fhir_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_PAGE_SIZE:
      cs_fhir_client_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_MAX_IN_FLIGHT:
      cs_fhir_client_set_max_in_flight (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PAGES:
      cs_fhir_client_set_max_pages (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_fhir_client_class_init (CsFhirClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_fhir_client_finalize;
  object_class->get_property = cs_fhir_client_get_property;
  object_class->set_property = cs_fhir_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, 100000, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL, 1, 64, 4,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PAGES] =
    g_param_spec_uint ("max-pages", NULL, NULL, 0, G_MAXUINT, CS_FHIR_DEFAULT_MAX_PAGES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_fhir_client_init (CsFhirClient *self)
{
  self->timeout = 60;
  self->page_size = 1000;
  self->max_in_flight = 4;
  self->max_pages = CS_FHIR_DEFAULT_MAX_PAGES;
  self->max_tries = 5;
  self->base_delay_ms = 500;
  self->max_delay_ms = 60 * 1000;
}

const char *
cs_fhir_client_get_base_url (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), NULL);
  return self->base_url;
}

CsFhirAuthKind
cs_fhir_client_get_auth_kind (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), CS_FHIR_AUTH_NONE);
  return self->auth_kind;
}

void
cs_fhir_client_set_auth_none (CsFhirClient *self)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  clear_secret (&self->auth_header);
  self->auth_kind = CS_FHIR_AUTH_NONE;
}

void
cs_fhir_client_set_auth_basic (CsFhirClient *self,
                               const char   *username,
                               const char   *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  g_return_if_fail (username != NULL);

  clear_secret (&self->auth_header);
  pair = g_strdup_printf ("%s:%s", username, password != NULL ? password : "");
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  self->auth_header = g_strconcat ("Basic ", encoded, NULL);
  self->auth_kind = CS_FHIR_AUTH_BASIC;
  clear_secret (&pair);
  clear_secret (&encoded);
}

void
cs_fhir_client_set_auth_bearer (CsFhirClient *self,
                                const char   *token)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  g_return_if_fail (token != NULL);

  clear_secret (&self->auth_header);
  self->auth_header = g_strconcat ("Bearer ", token, NULL);
  self->auth_kind = CS_FHIR_AUTH_BEARER;
}

guint
cs_fhir_client_get_timeout (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->timeout;
}

void
cs_fhir_client_set_timeout (CsFhirClient *self,
                            guint         seconds)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
cs_fhir_client_get_page_size (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->page_size;
}

void
cs_fhir_client_set_page_size (CsFhirClient *self,
                              guint         page_size)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

guint
cs_fhir_client_get_max_in_flight (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->max_in_flight;
}

void
cs_fhir_client_set_max_in_flight (CsFhirClient *self,
                                  guint         n)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  n = CLAMP (n, 1, 64);
  if (self->max_in_flight == n)
    return;
  self->max_in_flight = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}

guint
cs_fhir_client_get_max_pages (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->max_pages;
}

void
cs_fhir_client_set_max_pages (CsFhirClient *self,
                              guint         max_pages)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->max_pages == max_pages)
    return;
  self->max_pages = max_pages;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PAGES]);
}

void
cs_fhir_client_set_retry (CsFhirClient *self,
                          guint         max_tries,
                          guint         base_delay_ms,
                          guint         max_delay_ms)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  self->max_tries = MAX (max_tries, 1);
  self->base_delay_ms = MAX (base_delay_ms, 1);
  self->max_delay_ms = MAX (max_delay_ms, self->base_delay_ms);
}
