/* cs-fhir-request.c: the request engine of the FHIR client
 *
 * An operation (CsFhirOp) owns a main context pushed as the thread default,
 * a SoupSession and a cancellable chained to the caller's; its requests
 * follow redirects themselves (so that the Authorization header never
 * leaves the base URL's origin), wait and retry on 429/503, and map
 * transport errors to CS_FHIR_ERROR with messages a user can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-fhir-client-private.h"
#include "cs-json.h"

#define MAX_REDIRECTS 10
#define MAX_WHOLE_BODY (64 * 1024 * 1024)

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

GError *
_cs_fhir_map_transport_error (CsFhirClient *client,
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

void
_cs_fhir_req_free (CsFhirReq *req)
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

CsFhirReq *
_cs_fhir_req_new (CsFhirOp         *op,
                  const char       *method,
                  const char       *url,
                  GBytes           *body,
                  CsFhirReqDoneFunc done,
                  gpointer          data)
{
  CsFhirReq *req = g_new0 (CsFhirReq, 1);

  req->op = op;
  req->method = g_strdup (method);
  req->url = g_strdup (url);
  req->body = body != NULL ? g_bytes_ref (body) : NULL;
  req->done = done;
  req->data = data;
  return req;
}

static void
req_finish (CsFhirReq    *req,
            GInputStream *stream,
            GError       *error)
{
  req->done (req, stream, error, req->data);
}

void
_cs_fhir_op_fail (CsFhirOp *op,
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
      CsFhirReq *req = l->data;

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
typedef struct _CsFhirUserCancel
{
  gatomicrefcount  ref;
  GMainContext    *context;
  CsFhirOp        *op;            /* read and written on the op's thread only */
} CsFhirUserCancel;

static CsFhirUserCancel *
user_cancel_ref (CsFhirUserCancel *uc)
{
  g_atomic_ref_count_inc (&uc->ref);
  return uc;
}

static void
user_cancel_unref (gpointer data)
{
  CsFhirUserCancel *uc = data;

  if (g_atomic_ref_count_dec (&uc->ref))
    {
      g_main_context_unref (uc->context);
      g_free (uc);
    }
}

static gboolean
user_cancel_idle_cb (gpointer data)
{
  CsFhirUserCancel *uc = data;

  if (uc->op != NULL)
    _cs_fhir_op_fail (uc->op, g_error_new_literal (CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED, _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  CsFhirUserCancel *uc = data;
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, user_cancel_idle_cb, user_cancel_ref (uc), user_cancel_unref);
  g_source_attach (idle, uc->context);
  g_source_unref (idle);
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

  if (cancellable != NULL)
    {
      op->user_cancel = g_new0 (CsFhirUserCancel, 1);
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
  _cs_fhir_op_clear_searches (op);
  g_clear_object (&op->session);
  /* Let libsoup finish closing connections in our context */
  while (g_main_context_iteration (op->context, FALSE))
    ;
  g_main_context_pop_thread_default (op->context);
  g_main_context_unref (op->context);
  g_clear_object (&op->cancellable);
  g_clear_error (&op->error);
  g_clear_object (&op->client);
  g_free (op);
}

static gboolean
same_origin_as_base (CsFhirClient *client,
                     GUri         *uri)
{
  g_autofree char *origin = _cs_fhir_origin_of_uri (uri);

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
  CsFhirReq *req = data;

  req->op->waiting = g_list_remove (req->op->waiting, req);
  g_clear_pointer (&req->retry_source, g_source_unref);
  _cs_fhir_req_start (req);
  return G_SOURCE_REMOVE;
}

static void
req_sent_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  CsFhirReq *req = data;
  CsFhirOp *op = req->op;
  CsFhirClient *client = op->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  req->t_headers = g_get_monotonic_time ();
  if (stream == NULL)
    {
      req_finish (req, NULL, _cs_fhir_map_transport_error (client, error, req->msg, req->url));
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
      _cs_fhir_req_start (req);
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

void
_cs_fhir_req_start (CsFhirReq *req)
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
  CsFhirReq *req = data;
  WholeBody *wb = req->data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      GError *mapped = _cs_fhir_map_transport_error (req->op->client, error, NULL, req->url);

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
whole_sent_cb (CsFhirReq    *req,
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
  CsFhirReq *req;
  gboolean ok;

  wb->limit = MAX_WHOLE_BODY;
  req = _cs_fhir_req_new (op, method, url, body, whole_sent_cb, wb);
  _cs_fhir_req_start (req);
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
  _cs_fhir_req_free (req);
  return ok;
}

CsJsonDocument *
cs_fhir_op_get_json (CsFhirOp    *op,
                     const char  *url,
                     GError     **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  CsJsonDocument *doc;
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
      g_autofree char *shown = cs_fhir_redact_url (url);

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not JSON: %s"), shown, local_error->message);
      return NULL;
    }
  return doc;
}
