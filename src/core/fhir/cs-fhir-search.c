/* cs-fhir-search.c: paged searches of the FHIR client
 *
 * A search is a chain of pages: the first URL, then each Bundle's next
 * link. Each page's body is fed to a streaming ingest while it downloads
 * (on a parser thread, or on the network thread: want_parser_thread), and
 * the next page is requested as soon as its link is seen, so it travels
 * while this one is parsed. Resources are de-duplicated by Type/id; a
 * search stops when STALL_PAGES pages in a row bring nothing new, or at the
 * client's page limit (an error for a plain search, a line of the report
 * for a cohort load). Several searches run at once, up to the client's
 * max-in-flight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "cs-fhir-client-private.h"
#include "cs-json.h"

#define READ_CHUNK (256 * 1024)
#define MAX_ERROR_BODY (1024 * 1024)
#define MAX_CAPTURE (4 * 1024 * 1024)
/* A search stops when this many pages in a row bring no resource that was
 * not loaded already (next links that never repeat, pages that do) */
#define STALL_PAGES 3

typedef enum { PARSE_BEGIN, PARSE_DATA, PARSE_END, PARSE_ABORT, PARSE_STOP } ParseKind;

typedef struct
{
  struct _Chain *chain;
  ParseKind  kind;
  GBytes    *data;   /* PARSE_BEGIN: the source name */
  char      *buf;    /* PARSE_DATA: a READ_CHUNK buffer, back to free_bufs after the parse */
  gsize      len;
} ParseItem;

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

typedef struct _Chain
{
  CsFhirOp        *op;
  CsFhirChainKind  kind;
  char            *type;                /* what it searches: Patient or a data type */
  char            *first_url;           /* names the search in messages */
  guint            pages;               /* pages completed */
  guint            stalled;             /* pages in a row that brought nothing new */
  guint64          loaded;              /* resources it brought (new ones) */
  char            *url;
  GHashTable      *seen_urls;
  CsFhirReq       *req;
  GInputStream    *stream;
  CsIngest        *ingest;
  TopScan          scan;
  gboolean         first_page;
  gboolean         is_html;
  char            *content_type;
  GError          *sink_error;
  guint64          page_bytes;
  char            *buf;
  /* The next page is requested as soon as its link is seen (servers put
   * Bundle.link before entry), so it travels while this page is parsed. */
  gboolean         prefetch_checked;
  CsFhirReq       *prefetch;
  char            *prefetch_url;
  gboolean         prefetch_ready;
  GInputStream    *prefetch_stream;
  GError          *prefetch_error;
  gboolean         waiting_prefetch;
  gboolean         dead;                /* finished while the prefetch or parse was out */
  guint            pending;             /* prefetch and page parse outstanding */
  /* written by the parser thread while the page is in parse */
  GError          *parse_error;
  gboolean         parse_error_at_end;
  gint             parse_failed;        /* atomic: stop reading this page */
  guint64          page_resources;
  gint64           t_first_byte;        /* CS_FHIR_TRACE */
  gint64           t_last_byte;
} Chain;

static void chain_next_page (Chain *chain);
static void op_schedule (CsFhirOp *op);
static char *find_next_link (const char *link_json, GError **error);

static void
chain_free (gpointer data)
{
  Chain *chain = data;

  if (chain->req != NULL)
    _cs_fhir_req_free (chain->req);
  if (chain->prefetch != NULL)
    _cs_fhir_req_free (chain->prefetch);
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

  if (chain->kind == CS_FHIR_CHAIN_PATIENTS && op->pending_ids != NULL &&
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
        _cs_fhir_op_fail (op, error);
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

static void chain_sent_cb (CsFhirReq *req, GInputStream *stream, GError *error, gpointer data);

static void
chain_use_prefetch (Chain *chain)
{
  g_autoptr(GInputStream) stream = g_steal_pointer (&chain->prefetch_stream);
  GError *error = g_steal_pointer (&chain->prefetch_error);

  if (chain->req != NULL)
    _cs_fhir_req_free (chain->req);
  chain->req = g_steal_pointer (&chain->prefetch);
  g_free (chain->url);
  chain->url = g_steal_pointer (&chain->prefetch_url);
  chain->prefetch_ready = FALSE;
  chain->waiting_prefetch = FALSE;
  chain_sent_cb (chain->req, stream, error, chain);
}

static void
prefetch_sent_cb (CsFhirReq    *req,
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
  chain->prefetch = _cs_fhir_req_new (chain->op, "GET", chain->prefetch_url, NULL, prefetch_sent_cb, chain);
  _cs_fhir_req_start (chain->prefetch);
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
                              "this search loaded %" PRIu64 " resources and the server may have more"),
                            shown, chain->pages, chain->stalled, (uint64_t) chain->loaded);
  return g_strdup_printf (_("The search %s stopped after %u pages, the limit per search; this search loaded %"
                            PRIu64 " resources and the server has more"),
                          shown, chain->pages, (uint64_t) chain->loaded);
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
  if (chain->kind == CS_FHIR_CHAIN_PATIENTS && op->patients_paged != NULL)
    op->patients_paged (op, next == NULL || stop != NULL);

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
      GError *mapped = _cs_fhir_map_transport_error (op->client, error, NULL, chain->url);

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

  return op->report != NULL && op->types_guessed && chain->kind == CS_FHIR_CHAIN_DATA &&
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
chain_sent_cb (CsFhirReq    *req,
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
    _cs_fhir_req_free (chain->req);
  chain->req = _cs_fhir_req_new (chain->op, "GET", chain->url, NULL, chain_sent_cb, chain);
  _cs_fhir_req_start (chain->req);
}

void
_cs_fhir_op_add_search (CsFhirOp        *op,
                        CsFhirChainKind  kind,
                        const char      *type,
                        const char      *query)
{
  Chain *chain = g_new0 (Chain, 1);
  char *url = cs_fhir_client_build_url (op->client, type, query, TRUE);

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

gboolean
_cs_fhir_op_run_searches (CsFhirOp *op,
                          GError  **error)
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
/* Setting up and tearing down */

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

void
_cs_fhir_op_init_searches (CsFhirOp *op)
{
  op->parse_inline = !want_parser_thread (op->client);
  /* each resource once, so that pages that bring nothing new show */
  op->seen_resources = g_hash_table_new (cs_str_hash, g_str_equal);
  op->seen_keys = g_string_chunk_new (64 * 1024);
  op->types_with_data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
_cs_fhir_op_clear_searches (CsFhirOp *op)
{
  if (op->parser != NULL)
    {
      ParseItem *stop = g_new0 (ParseItem, 1);

      stop->kind = PARSE_STOP;
      g_async_queue_push (op->parse_queue, stop);
      g_thread_join (op->parser);   /* drops the reference */
      op->parser = NULL;
      g_clear_pointer (&op->parse_queue, g_async_queue_unref);
    }
  if (op->free_bufs != NULL)
    {
      char *buf;

      while ((buf = g_async_queue_try_pop (op->free_bufs)) != NULL)
        g_free (buf);
      g_clear_pointer (&op->free_bufs, g_async_queue_unref);
    }
  g_queue_clear_full (&op->queue, chain_free);
  g_clear_pointer (&op->seen_resources, g_hash_table_unref);
  g_clear_pointer (&op->seen_keys, g_string_chunk_free);
  g_clear_pointer (&op->pending_ids, g_ptr_array_unref);
  g_clear_pointer (&op->types_with_data, g_hash_table_unref);
}

/* ------------------------------------------------------------------------ */
/* The public search */

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
  _cs_fhir_op_init_searches (op);
  _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, resource_type, query);
  return _cs_fhir_op_run_searches (op, error);
}
