/* test-fhir-faults.c: the FHIR client against misbehaving servers
 *
 * A SoupServer runs in its own thread (the client runs a private main
 * context on the test thread) on 127.0.0.1 with port 0. Each path is one
 * kind of server: busy, failing, slow, cut off, HTML, looping, ignoring
 * _count, redirecting to another port, and serving a self-signed TLS
 * certificate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
#include "cs-fhir-private.h"
#include "cs-fhir-push.h"
#include "cs-test-server.h"
#include "fhir-test-mode.h"

typedef struct
{
  TestServer   *http;        /* tests/common/cs-test-server.h */
  const char   *base;        /* http->base: http://127.0.0.1:port/ */
  GMutex        mutex;
  /* what the server saw (under mutex) */
  guint         hits;
  char         *last_authorization;
  gboolean      saw_authorization;
  char         *redirect_target;  /* base of the other server */
  GPtrArray    *requests;         /* "path?query" of /mini requests, when set */
  char         *last_post;        /* body of the last POST to /pushfail/ */
  GPtrArray    *posts;            /* bodies of the POSTs to /pushok/ */
  guint         pushok_reads;     /* batch Bundles of reads POSTed to /pushok/ */
  guint         stall_hits;       /* Patient pages served by /stall/ */
  guint         ignorecount_hits; /* pages served by /ignorecount/ */
  /* /store/ and /storenobatch/ (store_handler) */
  GHashTable   *store;            /* "prefix|Type/id" -> JSON as stored */
  guint         store_version;
  guint         store_reads;      /* batch Bundles of reads answered */
  guint         store_refused;    /* batch Bundles of reads refused (/storenobatch/) */
  guint         store_searches;   /* Type?_id= searches */
  guint         store_writes;     /* transaction/batch Bundles of PUTs */
} FaultServer;

static void
record_request (FaultServer        *ts,
                SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  g_mutex_lock (&ts->mutex);
  ts->hits++;
  g_free (ts->last_authorization);
  ts->last_authorization = g_strdup (auth);
  if (auth != NULL)
    ts->saw_authorization = TRUE;
  g_mutex_unlock (&ts->mutex);
}

static char *
patients_bundle (const char *base,
                 const char *prefix,
                 guint       first,
                 guint       n,
                 const char *next)
{
  GString *s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s{\"fullUrl\":\"%sPatient/%s%u\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"%s%u\",\"gender\":\"female\"}}",
                            i > 0 ? "," : "", base, prefix, first + i, prefix, first + i);
  g_string_append (s, "]");
  /* link after entry: the client must find it anyway */
  if (next != NULL)
    g_string_append_printf (s, ",\"link\":[{\"relation\":\"self\",\"url\":\"x\"},{\"relation\":\"next\",\"url\":\"%s\"}]", next);
  g_string_append (s, "}");
  return g_string_free (s, FALSE);
}

/* A tiny FHIR server under /mini/ (no _revinclude) and /minirev/ (declares
 * and serves _revinclude=Observation:patient): patients p1 (1950), p2 (1955),
 * p3 (1970) with three Observations each, and Group/g1 = p2, p3.
 * /minihas/ declares and serves Patient?_has:Group:member:_id=g1;
 * /minihasbad/ declares _has but answers it with 400. /minibare/ has a
 * CapabilityStatement that lists no resource, /mininometa/ none at all.
 * Conditions: none (an empty searchset); Claim: 403; other types: 404. */
typedef enum { MINI_PLAIN, MINI_REVINCLUDE, MINI_HAS, MINI_HAS_BAD, MINI_BARE, MINI_NO_METADATA } MiniKind;

static const char *mini_births[] = { "1950-03-01", "1955-06-01", "1970-01-01" };

static void
mini_append_patient (GString *s,
                     guint    k)
{
  g_string_append_printf (s, "%s{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p%u\",\"birthDate\":\"%s\"}}",
                          s->str[s->len - 1] == '[' ? "" : ",", k + 1, mini_births[k]);
}

static void
mini_append_observations (GString *s,
                          guint    k)
{
  for (guint j = 0; j < 3; j++)
    g_string_append_printf (s, "%s{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o-p%u-%u\",\"status\":\"final\","
                            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
                            "\"subject\":{\"reference\":\"Patient/p%u\"},\"effectiveDateTime\":\"2020-01-0%u\","
                            "\"valueQuantity\":{\"value\":%u,\"unit\":\"cm\"}},\"search\":{\"mode\":\"%s\"}}",
                            s->str[s->len - 1] == '[' ? "" : ",", k + 1, j, k + 1, j + 1, 160 + 10 * k + j, "match");
}

static gboolean
mini_patient_selected (GHashTable *query,
                       guint       k)
{
  const char *birthdate = g_hash_table_lookup (query, "birthdate");
  const char *ids = g_hash_table_lookup (query, "_id");
  const char *group = g_hash_table_lookup (query, "_has:Group:member:_id");
  g_autofree char *id = g_strdup_printf ("p%u", k + 1);

  if (birthdate != NULL && g_str_equal (birthdate, "lt1960") && k == 2)
    return FALSE;
  if (group != NULL && !(g_str_equal (group, "g1") && k > 0))
    return FALSE;
  if (ids != NULL)
    {
      g_auto(GStrv) list = g_strsplit (ids, ",", -1);

      return g_strv_contains ((const char * const *) list, id);
    }
  return TRUE;
}

static void
mini_handler (FaultServer        *ts,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              MiniKind           kind)
{
  g_autoptr(GString) s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
  gboolean revinclude = kind == MINI_REVINCLUDE;

  g_mutex_lock (&ts->mutex);
  if (ts->requests != NULL)
    {
      g_autofree char *q = query != NULL ? soup_form_encode_hash (query) : g_strdup ("");

      g_ptr_array_add (ts->requests, g_strdup_printf ("%s?%s", path, q));
    }
  g_mutex_unlock (&ts->mutex);

  if (g_str_has_suffix (path, "/metadata") && kind == MINI_BARE)
    {
      test_respond (msg, 200, "application/fhir+json",
                    "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"kind\":\"instance\","
                    "\"fhirVersion\":\"4.0.1\",\"format\":[\"json\"],\"rest\":[{\"mode\":\"server\"}]}");
      return;
    }
  if (g_str_has_suffix (path, "/metadata") && kind == MINI_NO_METADATA)
    {
      test_respond (msg, 404, "text/html", "<html><body>Not Found</body></html>");
      return;
    }
  if (g_str_has_suffix (path, "/metadata"))
    {
      test_respond (msg, 200, "application/fhir+json", revinclude
               ? "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"resource\":["
                 "{\"type\":\"Patient\",\"searchRevInclude\":[\"Observation:patient\"]},{\"type\":\"Observation\"},{\"type\":\"Group\"}]}]}"
               : kind == MINI_HAS || kind == MINI_HAS_BAD
               ? "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"resource\":["
                 "{\"type\":\"Patient\",\"searchParam\":[{\"name\":\"_has\",\"type\":\"string\"}]},"
                 "{\"type\":\"Observation\"},{\"type\":\"Group\"}]}]}"
               : "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"resource\":["
                 "{\"type\":\"Patient\"},{\"type\":\"Observation\"},{\"type\":\"Group\"}]}]}");
      return;
    }
  if (kind != MINI_HAS && query != NULL && g_hash_table_contains (query, "_has:Group:member:_id"))
    {
      test_respond (msg, 400, "application/fhir+json",
               "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\","
               "\"diagnostics\":\"Unknown search parameter _has\"}]}");
      return;
    }
  if (g_str_has_suffix (path, "/Group/html"))
    {
      test_respond (msg, 200, "text/html", "<html><body>Bad Gateway</body></html>");
      return;
    }
  if (g_str_has_suffix (path, "/Group/g1"))
    {
      test_respond (msg, 200, "application/fhir+json",
               "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\",\"actual\":true,"
               "\"member\":[{\"entity\":{\"reference\":\"Patient/p2\"}},{\"entity\":{\"reference\":\"Patient/p3\"}}]}");
      return;
    }
  if (g_str_has_suffix (path, "/Patient"))
    {
      const char *rev = query != NULL ? g_hash_table_lookup (query, "_revinclude") : NULL;

      for (guint k = 0; k < 3; k++)
        if (mini_patient_selected (query, k))
          {
            mini_append_patient (s, k);
            if (revinclude && g_strcmp0 (rev, "Observation:patient") == 0)
              mini_append_observations (s, k);
          }
    }
  else if (g_str_has_suffix (path, "/Observation"))
    {
      const char *patients = query != NULL ? g_hash_table_lookup (query, "patient") : NULL;

      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *ref = g_strdup_printf ("Patient/p%u", k + 1);
          g_auto(GStrv) list = patients != NULL ? g_strsplit (patients, ",", -1) : NULL;

          if (list == NULL || g_strv_contains ((const char * const *) list, ref))
            mini_append_observations (s, k);
        }
    }
  else if (g_str_has_suffix (path, "/Condition"))
    ;
  else if (g_str_has_suffix (path, "/Claim"))
    {
      test_respond (msg, 403, "application/fhir+json",
                    "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"forbidden\","
                    "\"diagnostics\":\"no access to Claims\"}]}");
      return;
    }
  else
    {
      test_respond (msg, 404, "application/fhir+json",
               "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\",\"diagnostics\":\"unknown type\"}]}");
      return;
    }
  g_string_append (s, "]}");
  test_respond (msg, 200, "application/fhir+json", s->str);
}

/* /store/ and /storenobatch/: a small FHIR store for push. It keeps what
 * is PUT (in transaction or batch Bundles) with a meta it adds, as servers
 * do, and answers batch Bundles of `GET Type/id` reads and Type?_id=
 * searches; /storenobatch/ refuses the batch of reads with 400, as a
 * server without batch support. Every kind of request is counted. */
static char *
store_key (const char *prefix,
           const char *reference)
{
  return g_strconcat (prefix, "|", reference, NULL);
}

static void
store_handler (FaultServer       *ts,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gboolean           no_batch)
{
  const char *prefix = g_str_has_prefix (path, "/store/") ? "/store/" : "/storenobatch/";
  const char *rest = path + strlen (prefix);
  g_autoptr(GString) answer = g_string_new (NULL);

  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST && *rest == '\0')
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
      const CsJsonNode *root = cs_json_document_get_root (doc);
      const CsJsonNode *first = cs_json_first (cs_json_get (root, "entry"));
      gboolean reads = g_strcmp0 (cs_json_get_string (cs_json_get (first, "request"), "method"), "GET") == 0;

      if (reads && no_batch)
        {
          g_mutex_lock (&ts->mutex);
          ts->store_refused++;
          g_mutex_unlock (&ts->mutex);
          test_respond (msg, 400, "application/fhir+json",
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\","
                        "\"diagnostics\":\"batch is not supported\"}]}");
          return;
        }
      g_string_append_printf (answer, "{\"resourceType\":\"Bundle\",\"type\":\"%s-response\",\"entry\":[",
                              cs_json_get_string (root, "type"));
      g_mutex_lock (&ts->mutex);
      if (reads)
        ts->store_reads++;
      else
        ts->store_writes++;
      for (const CsJsonNode *e = first; e != NULL; e = e->next)
        {
          const char *url = cs_json_get_string (cs_json_get (e, "request"), "url");
          g_autofree char *key = store_key (prefix, url);
          const char *stored = g_hash_table_lookup (ts->store, key);

          if (e != first)
            g_string_append_c (answer, ',');
          if (reads && stored != NULL)
            g_string_append_printf (answer, "{\"resource\":%s,\"response\":{\"status\":\"200 OK\"}}", stored);
          else if (reads)
            g_string_append (answer, "{\"response\":{\"status\":\"404 Not Found\"}}");
          else
            {
              g_autofree char *json = cs_json_to_string (cs_json_get (e, "resource"), FALSE);

              /* the server's own meta goes first, as Medplum and HAPI put it */
              g_string_append_printf (answer, "{\"response\":{\"status\":\"%s\"}}",
                                      stored != NULL ? "200 OK" : "201 Created");
              g_hash_table_replace (ts->store, g_steal_pointer (&key),
                                    g_strdup_printf ("{\"meta\":{\"versionId\":\"%u\"},%s", ++ts->store_version, json + 1));
            }
        }
      g_mutex_unlock (&ts->mutex);
      g_string_append (answer, "]}");
      test_respond (msg, 200, "application/fhir+json", answer->str);
      return;
    }
  if (soup_server_message_get_method (msg) == SOUP_METHOD_GET && *rest != '\0' && strchr (rest, '/') == NULL)
    {
      const char *ids = query != NULL ? g_hash_table_lookup (query, "_id") : NULL;
      g_auto(GStrv) list = g_strsplit (ids != NULL ? ids : "", ",", -1);

      g_string_append (answer, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
      g_mutex_lock (&ts->mutex);
      ts->store_searches++;
      for (guint i = 0; list[i] != NULL; i++)
        {
          g_autofree char *ref = g_strconcat (rest, "/", list[i], NULL);
          g_autofree char *key = store_key (prefix, ref);
          const char *stored = g_hash_table_lookup (ts->store, key);

          if (stored != NULL)
            g_string_append_printf (answer, "%s{\"resource\":%s}", answer->str[answer->len - 1] == '[' ? "" : ",", stored);
        }
      g_mutex_unlock (&ts->mutex);
      g_string_append (answer, "]}");
      test_respond (msg, 200, "application/fhir+json", answer->str);
      return;
    }
  test_respond (msg, 404, "application/fhir+json",
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
}

/* /stall/: a server whose next links never repeat (k=1, k=2, …) while its
 * pages do: every Patient page holds s1 and s2, up to 200 pages, whatever
 * the search (a Group's members by _has too). It declares Patient (with
 * _has) and Observation (an empty searchset). */
static void
stall_handler (FaultServer       *ts,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query)
{
  const char *k = query != NULL ? g_hash_table_lookup (query, "k") : NULL;
  guint page = k != NULL ? (guint) g_ascii_strtoull (k, NULL, 10) : 0;

  if (g_str_equal (path, "/stall/metadata"))
    test_respond (msg, 200, "application/fhir+json",
                  "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"resource\":["
                  "{\"type\":\"Patient\",\"searchParam\":[{\"name\":\"_has\"}]},{\"type\":\"Observation\"}]}]}");
  else if (g_str_equal (path, "/stall/Patient"))
    {
      g_autofree char *next = page < 200 ? g_strdup_printf ("%sstall/Patient?_count=2&k=%u", ts->base, page + 1) : NULL;
      g_autofree char *body = patients_bundle (ts->base, "s", 1, 2, next);

      g_mutex_lock (&ts->mutex);
      ts->stall_hits++;
      g_mutex_unlock (&ts->mutex);
      test_respond (msg, 200, "application/fhir+json", body);
    }
  else if (g_str_equal (path, "/stall/Observation"))
    test_respond (msg, 200, "application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}");
  else
    test_respond (msg, 404, "application/fhir+json",
                  "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
}

/* /pushok/ and /pushfail/ hold nothing: every read of a batch Bundle of
 * reads is 404 */
static void
pushok_answer_reads (FaultServer       *ts,
                     SoupServerMessage *msg,
                     const char        *body)
{
  g_autoptr(GString) answer = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
  guint n = 0;

  for (const char *q = strstr (body, "\"request\""); q != NULL; q = strstr (q + 1, "\"request\""))
    g_string_append_printf (answer, "%s{\"response\":{\"status\":\"404 Not Found\"}}", n++ > 0 ? "," : "");
  g_string_append (answer, "]}");
  g_mutex_lock (&ts->mutex);
  ts->pushok_reads++;
  g_mutex_unlock (&ts->mutex);
  test_respond (msg, 200, "application/fhir+json", answer->str);
}

static guint counter_429;
static guint counter_503;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  FaultServer *ts = data;
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  SoupMessageHeaders *rh = soup_server_message_get_response_headers (msg);

  record_request (ts, msg);

  if (g_str_has_prefix (path, "/pushok/"))
    {
      /* nothing exists yet; every entry of a batch is created */
      if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
        {
          SoupMessageBody *body = soup_server_message_get_request_body (msg);
          g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
          g_autoptr(GString) answer = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":[");
          const char *p = g_bytes_get_data (bytes, NULL);
          guint n = 0;

          if (strstr (p, "\"method\":\"GET\"") != NULL)
            {
              pushok_answer_reads (ts, msg, p);
              return;
            }
          g_mutex_lock (&ts->mutex);
          if (ts->posts == NULL)
            ts->posts = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (ts->posts, g_strndup (p, g_bytes_get_size (bytes)));
          g_mutex_unlock (&ts->mutex);
          for (const char *q = strstr (p, "\"request\""); q != NULL; q = strstr (q + 1, "\"request\""))
            g_string_append_printf (answer, "%s{\"response\":{\"status\":\"201 Created\"}}", n++ > 0 ? "," : "");
          g_string_append (answer, "]}");
          test_respond (msg, 200, "application/fhir+json", answer->str);
        }
      else
        test_respond (msg, 200, "application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}");
    }
  else if (g_str_has_prefix (path, "/pushfail/"))
    {
      /* nothing exists yet; a batch answers 201 for the first entry and
       * 422 with an OperationOutcome for the others */
      if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
        {
          SoupMessageBody *body = soup_server_message_get_request_body (msg);
          g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
          g_autoptr(GString) answer = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
          const char *p = g_bytes_get_data (bytes, NULL);
          guint n = 0;

          if (strstr (p, "\"method\":\"GET\"") != NULL)
            {
              pushok_answer_reads (ts, msg, p);
              return;
            }
          g_mutex_lock (&ts->mutex);
          g_free (ts->last_post);
  g_clear_pointer (&ts->posts, g_ptr_array_unref);
          ts->last_post = g_strndup (p, g_bytes_get_size (bytes));
          g_mutex_unlock (&ts->mutex);
          for (const char *q = strstr (p, "\"request\""); q != NULL; q = strstr (q + 1, "\"request\""))
            {
              if (n++ == 0)
                g_string_append (answer, "{\"response\":{\"status\":\"201 Created\"}}");
              else
                g_string_append (answer, ",{\"response\":{\"status\":\"422 Unprocessable Entity\",\"outcome\":"
                                 "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                 "\"code\":\"invalid\",\"diagnostics\":\"gender: invalid code\"}]}}}");
            }
          g_string_append (answer, "]}");
          test_respond (msg, 200, "application/fhir+json", answer->str);
        }
      else
        test_respond (msg, 200, "application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}");
    }
  else if (g_str_has_prefix (path, "/store/"))
    store_handler (ts, msg, path, query, FALSE);
  else if (g_str_has_prefix (path, "/storenobatch/"))
    store_handler (ts, msg, path, query, TRUE);
  else if (g_str_has_prefix (path, "/mini/"))
    mini_handler (ts, msg, path, query, MINI_PLAIN);
  else if (g_str_has_prefix (path, "/minirev/"))
    mini_handler (ts, msg, path, query, MINI_REVINCLUDE);
  else if (g_str_has_prefix (path, "/minihas/"))
    mini_handler (ts, msg, path, query, MINI_HAS);
  else if (g_str_has_prefix (path, "/minihasbad/"))
    mini_handler (ts, msg, path, query, MINI_HAS_BAD);
  else if (g_str_has_prefix (path, "/minibare/"))
    mini_handler (ts, msg, path, query, MINI_BARE);
  else if (g_str_has_prefix (path, "/mininometa/"))
    mini_handler (ts, msg, path, query, MINI_NO_METADATA);
  else if (g_str_has_prefix (path, "/stall/"))
    stall_handler (ts, msg, path, query);
  else if (g_str_equal (path, "/ok/Patient") || g_str_equal (path, "/Patient"))
    {
      g_autofree char *body = patients_bundle (ts->base, "p", 0, 3, NULL);

      test_respond (msg, 200, "application/fhir+json", body);
    }
  else if (g_str_equal (path, "/retry429/Patient"))
    {
      if (counter_429++ < 2)
        {
          soup_message_headers_replace (rh, "Retry-After", "1");
          test_respond (msg, 429, "application/fhir+json",
                   "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"throttled\",\"diagnostics\":\"slow down\"}]}");
        }
      else
        {
          g_autofree char *body = patients_bundle (ts->base, "p", 0, 2, NULL);

          test_respond (msg, 200, "application/fhir+json", body);
        }
    }
  else if (g_str_equal (path, "/retry503/Patient"))
    {
      if (counter_503++ < 1)
        {
          g_autoptr(GDateTime) soon = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) later = g_date_time_add_seconds (soon, 2);
          g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

          soup_message_headers_replace (rh, "Retry-After", date);
          test_respond (msg, 503, "text/plain", "maintenance");
        }
      else
        {
          g_autofree char *body = patients_bundle (ts->base, "p", 0, 4, NULL);

          test_respond (msg, 200, "application/fhir+json", body);
        }
    }
  else if (g_str_equal (path, "/busy/Patient"))
    {
      soup_message_headers_replace (rh, "Retry-After", "0");
      test_respond (msg, 429, "text/plain", "busy");
    }
  else if (g_str_equal (path, "/notfound/Patient"))
    test_respond (msg, 404, "application/fhir+json",
             "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\","
             "\"details\":{\"text\":\"Resource type not served here\"},\"diagnostics\":\"Try the /fhir base\"}]}");
  else if (g_str_equal (path, "/timeout/Patient"))
    {
      test_server_hold (ts->http, msg);
    }
  else if (g_str_equal (path, "/truncated/Patient"))
    test_respond (msg, 200, "application/fhir+json",
             "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}},{\"resou");
  else if (g_str_equal (path, "/html/Patient"))
    test_respond (msg, 200, "text/html",
             "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n");
  else if (g_str_equal (path, "/loop/Patient"))
    {
      g_autofree char *next = g_strdup_printf ("%sloop/Patient?page=%s", ts->base,
                                               g_strcmp0 (page, "2") == 0 ? "1" : "2");
      g_autofree char *body = patients_bundle (ts->base, page != NULL ? page : "0", 0, 1, next);

      test_respond (msg, 200, "application/fhir+json", body);
    }
  else if (g_str_equal (path, "/ignorecount/Patient"))
    {
      /* 5 per page whatever _count says; 3 pages */
      guint p = page != NULL ? (guint) g_ascii_strtoull (page, NULL, 10) : 0;
      g_autofree char *next = p < 2 ? g_strdup_printf ("%signorecount/Patient?page=%u&_count=2", ts->base, p + 1) : NULL;
      g_autofree char *body = patients_bundle (ts->base, "q", p * 5, 5, next);

      g_mutex_lock (&ts->mutex);
      ts->ignorecount_hits++;
      g_mutex_unlock (&ts->mutex);
      test_respond (msg, 200, "application/fhir+json", body);
    }
  else if (g_str_equal (path, "/redirect/Patient"))
    {
      g_autofree char *target = g_strdup_printf ("%sPatient", ts->redirect_target);

      soup_server_message_set_redirect (msg, 302, target);
    }
  else if (g_str_equal (path, "/metadata"))
    test_respond (msg, 200, "application/fhir+json",
             "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"4.0.1\",\"software\":{\"name\":\"Fault server\",\"version\":\"1.2\"},"
             "\"rest\":[{\"mode\":\"server\",\"resource\":[{\"type\":\"Patient\",\"interaction\":[{\"code\":\"search-type\"}],"
             "\"searchParam\":[{\"name\":\"birthdate\"},{\"name\":\"_id\"}],\"searchRevInclude\":[\"Observation:patient\"]}]}]}");
  else
    test_respond (msg, 404, "text/plain", "no such test path");
}

static FaultServer *
fault_server_start (GTlsCertificate *certificate)
{
  FaultServer *ts = g_new0 (FaultServer, 1);

  g_mutex_init (&ts->mutex);
  ts->store = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ts->http = test_server_start (handler, ts, certificate);
  ts->http->held_status = 200;
  ts->base = ts->http->base;
  return ts;
}

static void
fault_server_stop (FaultServer *ts)
{
  test_server_stop (ts->http);
  g_free (ts->last_authorization);
  g_free (ts->redirect_target);
  g_free (ts->last_post);
  g_clear_pointer (&ts->posts, g_ptr_array_unref);
  g_hash_table_unref (ts->store);
  g_mutex_clear (&ts->mutex);
  g_free (ts);
}

/* ------------------------------------------------------------------------ */

static FaultServer *server;

typedef struct
{
  guint      n;
  GPtrArray *ids;
} Collected;

static gboolean
collect_cb (const CsResourceRecord  *record,
            gpointer                 data,
            GError                 **error)
{
  Collected *c = data;

  c->n++;
  g_ptr_array_add (c->ids, g_strdup (record->id));
  return TRUE;
}

static void
last_progress_cb (const CsFhirProgress *progress,
                  gpointer              data)
{
  *(CsFhirProgress *) data = *progress;
}

static CsFhirClient *
make_client (const char *prefix)
{
  g_autofree char *url = g_strconcat (server->base, prefix, NULL);
  g_autoptr(GError) error = NULL;
  CsFhirClient *client = cs_fhir_client_new (url, &error);

  g_assert_no_error (error);
  /* fast retries in tests: 10 ms base, 50 ms cap (Retry-After is capped too) */
  cs_fhir_client_set_retry (client, 5, 10, 50);
  cs_fhir_client_set_timeout (client, 2);
  return client;
}

static gboolean
search (CsFhirClient    *client,
        Collected       *c,
        CsFhirProgress  *progress,
        GError         **error)
{
  return cs_fhir_client_search (client, "Patient", NULL, collect_cb, c,
                                last_progress_cb, progress, NULL, error);
}

static void
test_ok (void)
{
  g_autoptr(CsFhirClient) client = make_client ("ok/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (search (client, &c, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (ids, 2), ==, "p2");
  g_assert_cmpuint (p.pages, ==, 1);
  g_assert_cmpuint (p.resources, ==, 3);
}

static void
test_retry_429 (void)
{
  g_autoptr(CsFhirClient) client = make_client ("retry429/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  counter_429 = 0;
  g_assert_true (search (client, &c, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n, ==, 2);
  g_assert_cmpuint (p.retries, ==, 2);
  g_assert_cmpuint (counter_429, ==, 3);
}

static void
test_retry_503 (void)
{
  g_autoptr(CsFhirClient) client = make_client ("retry503/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  counter_503 = 0;
  g_assert_true (search (client, &c, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n, ==, 4);
  g_assert_cmpuint (p.retries, ==, 1);
}

static void
test_busy_gives_up (void)
{
  g_autoptr(CsFhirClient) client = make_client ("busy/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;
  guint before;

  g_mutex_lock (&server->mutex);
  before = server->hits;
  g_mutex_unlock (&server->mutex);

  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "429"));
  g_assert_nonnull (strstr (error->message, "5 attempts"));
  g_assert_cmpuint (server->hits - before, ==, 5);
  g_assert_cmpuint (c.n, ==, 0);
}

static void
test_not_found_outcome (void)
{
  g_autoptr(CsFhirClient) client = make_client ("notfound/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "404"));
  g_assert_nonnull (strstr (error->message, "Resource type not served here"));
  g_assert_nonnull (strstr (error->message, "Try the /fhir base"));
  g_assert_nonnull (strstr (error->message, "notfound/Patient"));
}

static void
test_timeout (void)
{
  g_autoptr(CsFhirClient) client = make_client ("timeout/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  cs_fhir_client_set_timeout (client, 1);
  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timeout/Patient"));
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(CsFhirClient) client = make_client ("timeout/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Collected c = { 0, ids };
  GThread *thread;

  cs_fhir_client_set_timeout (client, 30);
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  g_assert_false (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED);
}

static void
test_truncated (void)
{
  g_autoptr(CsFhirClient) client = make_client ("truncated/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "truncated/Patient"));
}

static void
test_html (void)
{
  g_autoptr(CsFhirClient) client = make_client ("html/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "html/Patient"));
  g_assert_nonnull (strstr (error->message, "HTML"));
  g_assert_cmpuint (c.n, ==, 0);
}

static void
test_loop (void)
{
  g_autoptr(CsFhirClient) client = make_client ("loop/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (search (client, &c, &p, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_LOOP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "loop/Patient?page="));
  /* first page, page 2, page 1: then page 2 again is the loop */
  g_assert_cmpuint (p.pages, ==, 3);
}

static void
test_ignores_count (void)
{
  g_autoptr(CsFhirClient) client = make_client ("ignorecount/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  cs_fhir_client_set_page_size (client, 2);
  g_assert_true (search (client, &c, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n, ==, 15);
  g_assert_cmpuint (p.pages, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (ids, 14), ==, "q14");
}

static void
test_redirect_drops_authorization (void)
{
  FaultServer *other = fault_server_start (NULL);
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  CsFhirProgress p = { 0 };
  g_autoptr(GError) error = NULL;

  g_free (server->redirect_target);
  server->redirect_target = g_strdup (other->base);
  server->saw_authorization = FALSE;

  client = make_client ("redirect/");
  cs_fhir_client_set_auth_bearer (client, "s3cret-token");
  g_assert_true (search (client, &c, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n, ==, 3);

  /* the base URL's server got the token, the other port did not */
  g_assert_true (server->saw_authorization);
  g_assert_cmpstr (server->last_authorization, ==, "Bearer s3cret-token");
  g_assert_cmpuint (other->hits, ==, 1);
  g_assert_false (other->saw_authorization);
  g_assert_null (other->last_authorization);

  fault_server_stop (other);
}

static void
test_secret_not_in_errors (void)
{
  g_autofree char *url = g_strdup_printf ("http://alice:pa55word@127.0.0.1:%s",
                                          strrchr (server->base, ':') + 1);
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  g_autoptr(GError) error = NULL;
  g_autofree char *with_path = g_strconcat (url, "notfound/", NULL);

  client = cs_fhir_client_new (with_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_fhir_client_get_auth_kind (client), ==, CS_FHIR_AUTH_BASIC);
  g_assert_null (strstr (cs_fhir_client_get_base_url (client), "pa55word"));
  g_assert_false (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
  g_assert_null (strstr (error->message, "pa55word"));
  g_assert_nonnull (server->last_authorization);
  g_assert_true (g_str_has_prefix (server->last_authorization, "Basic "));
}

static void
test_metadata (void)
{
  g_autoptr(CsFhirClient) client = make_client ("");
  g_autoptr(CsFhirCapabilities) caps = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  caps = cs_fhir_client_read_metadata (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_fhir_capabilities_get_software_name (caps), ==, "Fault server");
  g_assert_cmpstr (cs_fhir_capabilities_get_fhir_version (caps), ==, "4.0.1");
  g_assert_true (cs_fhir_capabilities_has_search_param (caps, "Patient", "birthdate"));
  g_assert_false (cs_fhir_capabilities_has_search_param (caps, "Patient", "gender"));
  g_assert_true (cs_fhir_capabilities_has_revinclude (caps, "Patient", "Observation:patient"));
  g_assert_false (cs_fhir_capabilities_has_revinclude (caps, "Patient", "Condition:patient"));
  text = cs_fhir_capabilities_to_string (caps);
  g_assert_nonnull (strstr (text, "Fault server 1.2"));
  g_assert_nonnull (strstr (text, "Observation:patient"));
}

static void
test_bad_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirClient) client = cs_fhir_client_new ("ftp://example.org/fhir", &error);

  g_assert_null (client);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL);
}

static void
tls_self_signed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-fhir-tls-XXXXXX", &error);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collected c = { 0, ids };
  FaultServer *tls;
  int status = 0;
  const char *argv[] = { NULL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", NULL,
                         "-out", NULL, "-days", "2", "-subj", "/CN=127.0.0.1", NULL };

  g_assert_no_error (error);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (package openssl, in scripts/deps-debian.txt)");
      return;
    }
  argv[0] = openssl;
  argv[7] = key;
  argv[9] = cert;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  tls = fault_server_start (certificate);
  client = cs_fhir_client_new (tls->base, &error);
  g_assert_no_error (error);
  g_assert_false (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not signed by a trusted authority"));
  g_assert_cmpuint (c.n, ==, 0);
  fault_server_stop (tls);

  g_unlink (key);
  g_unlink (cert);
  g_rmdir (dir);
}

static GPtrArray *
start_recording (void)
{
  GPtrArray *requests = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&server->mutex);
  server->requests = requests;
  g_mutex_unlock (&server->mutex);
  return requests;
}

static void
stop_recording (void)
{
  g_mutex_lock (&server->mutex);
  server->requests = NULL;
  g_mutex_unlock (&server->mutex);
}

static guint
count_requests (GPtrArray  *requests,
                const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    if (strstr (g_ptr_array_index (requests, i), needle) != NULL)
      n++;
  return n;
}

static CsStore *
load_mini (const char              *prefix,
           const CsFhirCohortSpec  *spec,
           GError                 **error)
{
  g_autoptr(CsFhirClient) client = make_client (prefix);
  g_autoptr(CsStore) store = cs_store_new ();

  if (!cs_fhir_client_load_cohort (client, spec, store, NULL, NULL, NULL, error))
    return NULL;
  cs_store_finish (store);
  return g_steal_pointer (&store);
}

static void
test_cohort_all (void)
{
  g_autoptr(GPtrArray) requests = start_recording ();
  g_autoptr(GError) error = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL };
  g_autoptr(CsStore) store = load_mini ("mini/", &spec, &error);

  stop_recording ();
  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 3);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 9);
  /* by type: metadata, Patient, Observation (the only declared compartment type) */
  g_assert_cmpuint (count_requests (requests, "/mini/Patient?"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "/mini/Observation?"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "patient="), ==, 0);
}

static void
test_cohort_search_chunks (void)
{
  g_autoptr(GPtrArray) requests = start_recording ();
  g_autoptr(GError) error = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_SEARCH, .patient_query = "birthdate=lt1960", .chunk_size = 1 };
  g_autoptr(CsStore) store = load_mini ("mini/", &spec, &error);

  stop_recording ();
  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_cmpint (cs_store_find_patient (store, "p3"), ==, -1);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 6);
  /* one patient per chunk: two Observation searches by patient= */
  g_assert_cmpuint (count_requests (requests, "/mini/Observation?"), ==, 2);
  g_assert_cmpuint (count_requests (requests, "patient=Patient%2Fp1"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "_revinclude"), ==, 0);
}

static void
test_cohort_search_revinclude (void)
{
  g_autoptr(GPtrArray) requests = start_recording ();
  g_autoptr(GError) error = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_SEARCH, .patient_query = "birthdate=lt1960" };
  g_autoptr(CsStore) store = load_mini ("minirev/", &spec, &error);

  stop_recording ();
  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 6);
  /* declared _revinclude: one search brings everything */
  g_assert_cmpuint (count_requests (requests, "/minirev/Patient?"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "_revinclude=Observation%3Apatient"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "/minirev/Observation?"), ==, 0);
}

static void
test_cohort_group (void)
{
  g_autoptr(GError) error = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_GROUP, .group_id = "g1" };
  g_autoptr(CsStore) store = load_mini ("mini/", &spec, &error);
  CsFhirCohortSpec missing = { .kind = CS_FHIR_COHORT_GROUP, .group_id = "nope" };
  g_autoptr(CsStore) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_cmpint (cs_store_find_patient (store, "p1"), ==, -1);
  g_assert_cmpint (cs_store_find_patient (store, "p3"), >=, 0);
  g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 6);

  none = load_mini ("mini/", &missing, &error);
  g_assert_null (none);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "Group/nope"));
  g_clear_error (&error);

  /* a Group answered with something else than JSON */
  missing.group_id = "html";
  none = load_mini ("mini/", &missing, &error);
  g_assert_null (none);
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "mini/Group/html"));
  g_assert_nonnull (strstr (error->message, "not JSON"));
}

static void
test_type_list (void)
{
  g_auto(GStrv) types = cs_fhir_parse_type_list (" Observation,Condition  ImagingStudy,,Observation ", NULL);
  const char *want[] = { "Observation", "Condition", "ImagingStudy", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_strv_equal ((const char * const *) types, want));
  g_assert_null (cs_fhir_parse_type_list ("Observation, condition", &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "“condition”"));
  g_clear_error (&error);
  g_assert_null (cs_fhir_parse_type_list ("Observation/1", &error));
  g_assert_nonnull (strstr (error->message, "“Observation/1”"));
  g_clear_error (&error);
  g_assert_null (cs_fhir_parse_type_list (" , ", &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED);
}

static void
test_cohort_group_has (void)
{
  const char *prefixes[] = { "minihas/", "minihasbad/" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GPtrArray) requests = start_recording ();
      g_autoptr(GError) error = NULL;
      CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_GROUP, .group_id = "g1" };
      CsFhirCohortSpec missing = { .kind = CS_FHIR_COHORT_GROUP, .group_id = "nope" };
      g_autoptr(CsStore) store = load_mini (prefixes[i], &spec, &error);
      g_autoptr(CsStore) none = NULL;

      stop_recording ();
      g_assert_no_error (error);
      g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
      g_assert_cmpint (cs_store_find_patient (store, "p1"), ==, -1);
      g_assert_cmpint (cs_store_find_patient (store, "p2"), >=, 0);
      g_assert_cmpint (cs_store_find_patient (store, "p3"), >=, 0);
      g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 6);
      /* declared _has: asked once; the Group is read only when the server refused it */
      g_assert_cmpuint (count_requests (requests, "_has%3AGroup%3Amember%3A_id=g1"), ==, 1);
      g_assert_cmpuint (count_requests (requests, "/Group/g1"), ==, i == 0 ? 0 : 1);
      g_assert_cmpuint (count_requests (requests, "patient=Patient%2Fp2"), ==, 1);

      /* a Group the server does not have: _has finds nobody, the Group read says why */
      none = load_mini (prefixes[i], &missing, &error);
      g_assert_null (none);
      g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
      g_assert_nonnull (strstr (error->message, "Group/nope"));
    }
}

static CsStore *
load_mini_report (const char              *prefix,
                  const CsFhirCohortSpec  *spec,
                  guint                    max_pages,
                  CsFhirLoadReport       **report,
                  GError                 **error)
{
  g_autoptr(CsFhirClient) client = make_client (prefix);
  g_autoptr(CsStore) store = cs_store_new ();

  cs_fhir_client_set_max_pages (client, max_pages);
  if (!cs_fhir_client_load_cohort_full (client, spec, store, NULL, NULL, report, NULL, error))
    return NULL;
  cs_store_finish (store);
  return g_steal_pointer (&store);
}

static gboolean
strv_has (GStrv       strv,
          const char *type)
{
  return g_strv_contains ((const char * const *) strv, type);
}

/* The report of an ordinary load: declared types searched, the other
 * compartment types not declared, or not asked for */
static void
test_report_declared (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirLoadReport) report = NULL;
  g_autoptr(CsFhirLoadReport) asked = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL };
  const char *types[] = { "Condition", NULL };
  g_autoptr(CsStore) store = load_mini_report ("mini/", &spec, CS_FHIR_DEFAULT_MAX_PAGES, &report, &error);
  g_auto(GStrv) searched = NULL;
  g_auto(GStrv) not_declared = NULL;
  g_auto(GStrv) not_asked = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (cs_fhir_load_report_get_type_choice (report), ==, CS_FHIR_TYPES_DECLARED);
  searched = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_SEARCHED);
  g_assert_cmpstr (searched[0], ==, "Patient");
  g_assert_cmpstr (searched[1], ==, "Observation");
  g_assert_null (searched[2]);
  not_declared = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_NOT_DECLARED);
  g_assert_true (strv_has (not_declared, "Condition") && strv_has (not_declared, "Encounter"));
  g_assert_false (strv_has (not_declared, "Observation"));
  g_assert_cmpuint (cs_fhir_load_report_get_count (report, "Observation"), ==, 9);
  g_assert_cmpuint (cs_fhir_load_report_get_total (report), ==, 12);
  g_assert_true (cs_fhir_load_report_is_complete (report));
  g_assert_null (cs_fhir_load_report_get_incomplete (report)[0]);
  text = cs_fhir_load_report_to_string (report);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Loaded: Patient 3, Observation 9."));
  g_assert_nonnull (strstr (text, "the server does not declare them: AllergyIntolerance, "));

  g_clear_object (&store);
  spec.resource_types = types;
  store = load_mini_report ("mini/", &spec, CS_FHIR_DEFAULT_MAX_PAGES, &asked, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_fhir_load_report_get_type_choice (asked), ==, CS_FHIR_TYPES_ASKED);
  not_asked = cs_fhir_load_report_dup_types (asked, CS_FHIR_TYPE_NOT_ASKED);
  g_assert_true (strv_has (not_asked, "Observation"));
  g_assert_false (strv_has (not_asked, "Condition"));
  /* searched, and the server has none */
  g_assert_cmpuint (cs_fhir_load_report_get_count (asked, "Condition"), ==, 0);
}

/* A CapabilityStatement that lists no resource, or none at all: every
 * Patient-compartment type is tried (it used to fetch Patients only, or
 * fail on the first type the server lacked); those the server refuses are
 * skipped and named with its answer */
static void
test_report_bare_metadata (void)
{
  const char *prefixes[] = { "minibare/", "mininometa/" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GPtrArray) requests = start_recording ();
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFhirLoadReport) report = NULL;
      g_autoptr(CsFhirLoadReport) chunked = NULL;
      CsFhirCohortSpec all = { .kind = CS_FHIR_COHORT_ALL };
      CsFhirCohortSpec search = { .kind = CS_FHIR_COHORT_SEARCH, .patient_query = "birthdate=lt1960", .chunk_size = 1 };
      g_autoptr(CsStore) store = load_mini_report (prefixes[i], &all, CS_FHIR_DEFAULT_MAX_PAGES, &report, &error);
      g_autoptr(CsStore) some = NULL;
      g_auto(GStrv) searched = NULL;
      g_auto(GStrv) refused = NULL;
      g_autofree char *text = NULL;
      g_autofree char *encounters = g_strconcat ("/", prefixes[i], "Encounter?", NULL);
      g_autofree char *observations = g_strconcat ("/", prefixes[i], "Observation?", NULL);

      g_assert_no_error (error);
      g_assert_cmpuint (cs_store_get_n_patients (store), ==, 3);
      g_assert_cmpuint (cs_store_count_resources (store, "Observation"), ==, 9);
      g_assert_cmpint (cs_fhir_load_report_get_type_choice (report), ==,
                       i == 0 ? CS_FHIR_TYPES_NONE_DECLARED : CS_FHIR_TYPES_NO_METADATA);
      g_assert_true (cs_fhir_load_report_is_complete (report));
      searched = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_SEARCHED);
      g_assert_cmpuint (g_strv_length (searched), ==, 3);
      g_assert_true (strv_has (searched, "Observation") && strv_has (searched, "Condition"));
      refused = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_REFUSED);
      g_assert_cmpuint (g_strv_length (refused), ==, 32);
      g_assert_nonnull (strstr (cs_fhir_load_report_get_refusal (report, "Claim"), "HTTP 403"));
      g_assert_nonnull (strstr (cs_fhir_load_report_get_refusal (report, "Claim"), "no access to Claims"));
      g_assert_nonnull (strstr (cs_fhir_load_report_get_refusal (report, "Encounter"), "HTTP 404"));
      g_assert_nonnull (strstr (cs_fhir_load_report_get_refusal (report, "Encounter"), "unknown type"));
      text = cs_fhir_load_report_to_string (report);
      g_test_message ("%s", text);
      g_assert_nonnull (strstr (text, i == 0 ? "declares no type of the Patient compartment"
                                             : "has no usable CapabilityStatement (GET "));
      g_assert_nonnull (strstr (text, "Loaded: Patient 3, Observation 9."));
      g_assert_nonnull (strstr (text, "Searched, none on the server: Condition."));
      g_assert_nonnull (strstr (text, "the server refused the search with HTTP 403 Forbidden: Claim "
                                      "(for Claim it said “no access to Claims”)."));
      g_assert_nonnull (strstr (text, "the server refused the search with HTTP 404 Not Found: AllergyIntolerance, "
                                      "BodyStructure, "));
      g_assert_nonnull (strstr (text, "(for AllergyIntolerance it said “unknown type”)."));

      /* by patient= chunks (one patient each): a type refused for the
       * first chunk is not asked again */
      g_ptr_array_set_size (requests, 0);
      some = load_mini_report (prefixes[i], &search, CS_FHIR_DEFAULT_MAX_PAGES, &chunked, &error);
      stop_recording ();
      g_assert_no_error (error);
      g_assert_cmpuint (cs_store_get_n_patients (some), ==, 2);
      g_assert_cmpuint (cs_store_count_resources (some, "Observation"), ==, 6);
      g_assert_cmpuint (count_requests (requests, observations), ==, 2);
      g_assert_cmpuint (count_requests (requests, encounters), ==, 1);
      g_assert_nonnull (cs_fhir_load_report_get_refusal (chunked, "Encounter"));
    }
}

/* A server whose next links never repeat while its pages do: the search
 * stops after 3 pages in a row with nothing new (it used to follow such
 * links for as long as the server made them) */
static void
test_paging_stall (void)
{
  g_autoptr(CsFhirClient) client = make_client ("stall/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirLoadReport) report = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autofree char *url = g_strconcat (server->base, "stall/", NULL);
  g_autofree char *text = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL, .write_cache = TRUE };
  CsFhirCohortSpec group = { .kind = CS_FHIR_COHORT_GROUP, .group_id = "g1" };
  const char * const *incomplete;
  Collected c = { 0, ids };
  guint hits;

  /* a plain search fails, naming the search; each resource came once */
  server->stall_hits = 0;
  g_assert_false (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INCOMPLETE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "stall/Patient"));
  g_assert_nonnull (strstr (error->message, "stopped after 4 pages"));
  g_assert_cmpuint (c.n, ==, 2);
  g_mutex_lock (&server->mutex);
  hits = server->stall_hits;
  g_mutex_unlock (&server->mutex);
  /* the fifth page may have been asked for while the fourth was read */
  g_assert_cmpuint (hits, >=, 4);
  g_assert_cmpuint (hits, <=, 5);
  g_clear_error (&error);

  /* a load goes on, and says it is incomplete; no offline copy of it */
  store = load_mini_report ("stall/", &spec, CS_FHIR_DEFAULT_MAX_PAGES, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_false (cs_fhir_load_report_is_complete (report));
  incomplete = cs_fhir_load_report_get_incomplete (report);
  g_assert_nonnull (incomplete[0]);
  g_assert_null (incomplete[1]);
  g_assert_nonnull (strstr (incomplete[0], "stall/Patient"));
  g_assert_nonnull (strstr (incomplete[0], "the last 3 brought nothing"));
  g_assert_nonnull (strstr (incomplete[0], "loaded 2 resources"));
  text = cs_fhir_load_report_to_string (report);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Incomplete: The search "));
  g_assert_nonnull (strstr (text, "The offline copy was not updated"));
  g_assert_false (cs_fhir_cache_get_info (url, NULL, NULL, NULL));

  /* a Group's members paged by _has: the same */
  g_clear_object (&store);
  g_clear_pointer (&report, cs_fhir_load_report_free);
  store = load_mini_report ("stall/", &group, CS_FHIR_DEFAULT_MAX_PAGES, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 2);
  g_assert_false (cs_fhir_load_report_is_complete (report));
  g_assert_nonnull (strstr (cs_fhir_load_report_get_incomplete (report)[0], "/Patient?_has:Group:member:_id=g1"));
  g_assert_nonnull (strstr (cs_fhir_load_report_get_incomplete (report)[0], "stopped after 4 pages"));
}

/* At most max_pages pages per search: a search that would go on stops,
 * without asking for the page after the limit */
static void
test_paging_limit (void)
{
  g_autoptr(CsFhirClient) client = make_client ("ignorecount/");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirLoadReport) report = NULL;
  g_autoptr(CsStore) store = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL };
  Collected c = { 0, ids };

  g_assert_cmpuint (cs_fhir_client_get_max_pages (client), ==, 10000);
  cs_fhir_client_set_max_pages (client, 2);
  server->ignorecount_hits = 0;
  g_assert_false (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INCOMPLETE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "stopped after 2 pages, the limit per search"));
  g_assert_nonnull (strstr (error->message, "loaded 10 resources and the server has more"));
  g_assert_cmpuint (c.n, ==, 10);
  g_assert_cmpuint (server->ignorecount_hits, ==, 2);
  g_clear_error (&error);

  /* all three pages: at the limit, or without one */
  for (guint max = 0; max <= 3; max += 3)
    {
      c.n = 0;
      cs_fhir_client_set_max_pages (client, max);
      g_assert_true (cs_fhir_client_search (client, "Patient", NULL, collect_cb, &c, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (c.n, ==, 15);
    }

  /* a load: the limit cuts the stalled Patient search before the stall rule does */
  store = load_mini_report ("stall/", &spec, 2, &report, &error);
  g_assert_no_error (error);
  g_assert_false (cs_fhir_load_report_is_complete (report));
  g_assert_nonnull (strstr (cs_fhir_load_report_get_incomplete (report)[0], "the limit per search"));
}

static void
load_async_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  GError *error = NULL;
  CsStore **out = data;

  *out = cs_fhir_client_load_cohort_finish (CS_FHIR_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static void
count_progress_cb (const CsFhirProgress *progress,
                   gpointer              data)
{
  guint *calls = data;

  (*calls)++;
}

static void
test_cohort_async_and_cache (void)
{
  g_autoptr(CsFhirClient) client = make_client ("mini/");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(CsStore) cached = cs_store_new ();
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL, .write_cache = TRUE };
  CsStore *store = NULL;
  guint progress_calls = 0;
  guint64 n = 0;

  cs_fhir_client_load_cohort_async (client, &spec, count_progress_cb, &progress_calls, NULL,
                                    NULL, load_async_cb, &store);
  while (store == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cs_store_is_finished (store));
  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 3);
  g_assert_cmpuint (progress_calls, >, 0);
  g_object_unref (store);

  /* the offline copy opens without the server */
  g_assert_true (cs_fhir_cache_get_info (cs_fhir_client_get_base_url (client), &date, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 12);
  g_assert_true (cs_fhir_cache_open (cs_fhir_client_get_base_url (client), cached, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (cached);
  g_assert_cmpuint (cs_store_get_n_patients (cached), ==, 3);
  g_assert_cmpuint (cs_store_count_resources (cached, "Observation"), ==, 9);
}

typedef struct
{
  guint   n;
  guint   index;
  goffset offset;
  char   *message;
} PushErrors;

static void
push_error_cb (const CsFhirPushEntryError *entry,
               gpointer                    data)
{
  PushErrors *e = data;

  e->n++;
  e->index = entry->index;
  e->offset = entry->offset;
  g_free (e->message);
  e->message = g_strdup (entry->message);
}

static void
test_push_entry_errors (void)
{
  /* A transaction Bundle: a Patient without id known by its urn:uuid, and
   * an Observation that refers to it */
  const char *bundle =
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:6f1c0a52-0000-4000-8000-000000000001\","
    "\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"42\"}]},"
    "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},\n"
    "{\"fullUrl\":\"urn:uuid:6f1c0a52-0000-4000-8000-000000000002\","
    "\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"subject\":{\"reference\":\"urn:uuid:6f1c0a52-0000-4000-8000-000000000001\"}},"
    "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-fhir-push-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "upload.json", NULL);
  g_autofree char *patient_id = _cs_fhir_push_make_id ("Patient", "urn:mrn", "42", NULL);
  g_autofree char *patient_ref = g_strdup_printf ("\"reference\":\"Patient/%s\"", patient_id);
  g_autofree char *patient_put = g_strdup_printf ("\"url\":\"Patient/%s\"", patient_id);
  g_autoptr(CsFhirClient) client = make_client ("pushfail/");
  CsFhirPushOptions options = { 10, TRUE, FALSE };
  CsFhirPushResult result = { 0 };
  PushErrors errors = { 0 };

  g_assert_true (g_file_set_contents (path, bundle, -1, &error));
  g_assert_false (cs_fhir_client_push_path (client, path, &options, &result, push_error_cb, &errors, NULL, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP);
  g_assert_cmpuint (result.resources, ==, 2);
  /* only what the server accepted counts as created */
  g_assert_cmpuint (result.created, ==, 1);
  g_assert_cmpuint (result.failed, ==, 1);
  g_assert_cmpuint (result.batches_sent, ==, 1);

  /* the failure is mapped back to the entry and its place in the file */
  g_assert_cmpuint (errors.n, ==, 1);
  g_assert_cmpuint (errors.index, ==, 1);
  g_assert_cmpint (errors.offset, ==, strstr (bundle, "{\"resourceType\":\"Observation\"") - bundle);
  g_assert_nonnull (strstr (errors.message, "422"));
  g_assert_nonnull (strstr (errors.message, "gender: invalid code"));

  /* deterministic ids, PUT, references rewritten, no urn:uuid left */
  g_assert_nonnull (server->last_post);
  g_assert_nonnull (strstr (server->last_post, "\"type\":\"batch\""));
  g_assert_nonnull (strstr (server->last_post, "\"method\":\"PUT\""));
  g_assert_nonnull (strstr (server->last_post, patient_put));
  g_assert_nonnull (strstr (server->last_post, patient_ref));
  g_assert_null (strstr (server->last_post, "urn:uuid"));

  g_free (errors.message);
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  GArray       *reports;      /* CsFhirPushProgress, sources cleared */
  GCancellable *cancel;       /* cancelled after cancel_after SENDING reports with a batch done */
  guint         cancel_after;
} PushProgress;

static void
push_progress_cb (const CsFhirPushProgress *progress,
                  gpointer                  data)
{
  PushProgress *pp = data;
  CsFhirPushProgress copy = *progress;

  copy.source = NULL;
  g_array_append_val (pp->reports, copy);
  if (pp->cancel != NULL && progress->phase == CS_FHIR_PUSH_PHASE_SENDING &&
      progress->resources_done > 0 && --pp->cancel_after == 0)
    g_cancellable_cancel (pp->cancel);
}

/* Seven resources, six Type/ids: the first Observation refers forward to a
 * Patient later in the file by its urn:uuid, and Patient/p2 comes twice
 * (the second one wins and the first is not sent). */
static const char push_bundle[] =
  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
  "{\"fullUrl\":\"urn:uuid:00000000-0000-4000-8000-00000000000b\","
  "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
  "\"subject\":{\"reference\":\"urn:uuid:00000000-0000-4000-8000-00000000000a\"}}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p2\",\"gender\":\"male\"}},"
  "{\"resource\":{\"resourceType\":\"OperationOutcome\",\"issue\":[]}},"
  "{\"fullUrl\":\"urn:uuid:00000000-0000-4000-8000-00000000000a\","
  "\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"7\"}]}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o2\",\"status\":\"final\",\"code\":{\"text\":\"y\"},"
  "\"subject\":{\"reference\":\"Patient/p2\"}}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p2\",\"gender\":\"female\"}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o3\",\"status\":\"final\",\"code\":{\"text\":\"z\"}}},"
  "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c1\",\"subject\":{\"reference\":\"Patient/p2\"}}}"
  "]}";

static char *
write_push_bundle (char **dir)
{
  g_autoptr(GError) error = NULL;
  char *path;

  *dir = g_dir_make_tmp ("cs-fhir-push-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "upload.json", NULL);
  g_assert_true (g_file_set_contents (path, push_bundle, -1, &error));
  return path;
}

static void
clear_posts (void)
{
  g_mutex_lock (&server->mutex);
  g_clear_pointer (&server->posts, g_ptr_array_unref);
  g_mutex_unlock (&server->mutex);
}

/* A folder: the reading progress counts its files together */
static void
test_push_folder_progress (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *first = write_push_bundle (&dir);
  g_autofree char *second = g_build_filename (dir, "zz-more.ndjson", NULL);
  g_autoptr(CsFhirClient) client = make_client ("pushok/");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) reports = g_array_new (FALSE, TRUE, sizeof (CsFhirPushProgress));
  g_autoptr(GString) more = g_string_new (NULL);
  CsFhirPushOptions options = { 50, FALSE, FALSE };
  CsFhirPushResult result = { 0 };
  PushProgress pp = { reports, NULL, 0 };
  guint64 size = 0, read = 0;
  guint n_reading = 0;
  GStatBuf st;

  /* big enough for several reports of the second file */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (more, "{\"resourceType\":\"Patient\",\"id\":\"more-%u\",\"gender\":\"female\"}\n", i);
  g_assert_true (g_file_set_contents (second, more->str, more->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (first, &st), ==, 0);
  size = (guint64) st.st_size + more->len;

  clear_posts ();
  options.dry_run = TRUE;
  g_assert_true (cs_fhir_client_push_path_full (client, dir, &options, &result, NULL, NULL,
                                                push_progress_cb, &pp, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.resources, ==, 6 + 20000);
  for (guint i = 0; i < reports->len; i++)
    {
      const CsFhirPushProgress *p = &g_array_index (reports, CsFhirPushProgress, i);

      if (p->phase != CS_FHIR_PUSH_PHASE_READING || p->bytes_total == 0)
        continue;
      n_reading++;
      /* the folder's size, not the file's; never going back */
      g_assert_cmpuint (p->bytes_total, ==, size);
      g_assert_cmpuint (p->bytes_read, >=, read);
      g_assert_cmpuint (p->bytes_read, <=, size);
      read = p->bytes_read;
    }
  g_assert_cmpuint (n_reading, >=, 1);
  g_unlink (first);
  g_unlink (second);
  g_rmdir (dir);
}

static void
test_push_progress (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_push_bundle (&dir);
  g_autofree char *patient_id = _cs_fhir_push_make_id ("Patient", "urn:mrn", "7", NULL);
  g_autofree char *patient_ref = g_strdup_printf ("\"reference\":\"Patient/%s\"", patient_id);
  g_autoptr(CsFhirClient) client = make_client ("pushok/");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) reports = g_array_new (FALSE, TRUE, sizeof (CsFhirPushProgress));
  CsFhirPushOptions options = { 2, FALSE, FALSE };
  CsFhirPushResult result = { 0 };
  PushProgress pp = { reports, NULL, 0 };
  const CsFhirPushProgress *last;
  guint64 done = 0;
  guint n_sending = 0;
  g_autofree char *all = NULL;

  clear_posts ();
  g_assert_true (cs_fhir_client_push_path_full (client, path, &options, &result, NULL, NULL,
                                                push_progress_cb, &pp, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.resources, ==, 6);
  g_assert_cmpuint (result.created, ==, 6);
  g_assert_cmpuint (result.failed, ==, 0);
  g_assert_cmpuint (result.batches_sent, ==, 3);

  /* READING first, SENDING with the totals after each batch, DONE last */
  g_assert_cmpuint (reports->len, >=, 5);
  g_assert_cmpint (g_array_index (reports, CsFhirPushProgress, 0).phase, ==, CS_FHIR_PUSH_PHASE_READING);
  g_assert_cmpuint (g_array_index (reports, CsFhirPushProgress, 0).resources_total, ==, 0);
  for (guint i = 0; i < reports->len; i++)
    {
      const CsFhirPushProgress *p = &g_array_index (reports, CsFhirPushProgress, i);

      if (p->phase != CS_FHIR_PUSH_PHASE_SENDING)
        continue;
      n_sending++;
      g_assert_cmpuint (p->resources_total, ==, 6);
      g_assert_cmpuint (p->resources_read, ==, 7);
      g_assert_cmpuint (p->batches_total, ==, 3);
      g_assert_cmpuint (p->resources_done, >=, done);
      g_assert_cmpuint (p->created, ==, p->resources_done);
      g_assert_cmpuint (p->batches_done, ==, (p->resources_done + 1) / 2);
      done = p->resources_done;
    }
  g_assert_cmpuint (n_sending, ==, 4);   /* the totals, then 3 batches */
  last = &g_array_index (reports, CsFhirPushProgress, reports->len - 1);
  g_assert_cmpint (last->phase, ==, CS_FHIR_PUSH_PHASE_DONE);
  g_assert_cmpuint (last->resources_done, ==, 6);
  g_assert_cmpuint (last->created, ==, 6);
  g_assert_cmpuint (last->batches_sent, ==, 3);

  /* two entries per Bundle; the forward urn:uuid reference is rewritten;
   * only the second Patient/p2 is sent */
  g_assert_nonnull (server->posts);
  g_assert_cmpuint (server->posts->len, ==, 3);
  g_ptr_array_add (server->posts, NULL);
  all = g_strjoinv ("\n", (char **) server->posts->pdata);
  g_ptr_array_remove_index (server->posts, server->posts->len - 1);
  g_assert_nonnull (strstr (server->posts->pdata[0], patient_ref));
  g_assert_null (strstr (all, "urn:uuid"));
  g_assert_null (strstr (all, "\"male\""));
  g_assert_nonnull (strstr (all, "\"female\""));
  g_assert_null (strstr (all, "OperationOutcome"));

  clear_posts ();
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_push_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_push_bundle (&dir);
  g_autoptr(CsFhirClient) client = make_client ("pushok/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) reports = g_array_new (FALSE, TRUE, sizeof (CsFhirPushProgress));
  CsFhirPushOptions options = { 2, FALSE, FALSE };
  CsFhirPushResult result = { 0 };
  PushProgress pp = { reports, cancellable, 1 };
  const CsFhirPushProgress *last;

  /* cancelled after the first batch: it stops before the second, and says
   * what arrived */
  clear_posts ();
  g_assert_false (cs_fhir_client_push_path_full (client, path, &options, &result, NULL, NULL,
                                                 push_progress_cb, &pp, cancellable, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED);
  g_assert_cmpuint (result.resources, ==, 6);
  g_assert_cmpuint (result.created, ==, 2);
  g_assert_cmpuint (result.batches_sent, ==, 1);
  g_assert_nonnull (server->posts);
  g_assert_cmpuint (server->posts->len, ==, 1);
  last = &g_array_index (reports, CsFhirPushProgress, reports->len - 1);
  g_assert_cmpint (last->phase, ==, CS_FHIR_PUSH_PHASE_DONE);
  g_assert_cmpuint (last->created, ==, 2);
  g_assert_cmpuint (last->resources_done, ==, 2);

  /* cancelled before it starts: nothing is read or sent */
  g_clear_error (&error);
  clear_posts ();
  g_assert_false (cs_fhir_client_push_path_full (client, path, &options, &result, NULL, NULL,
                                                 NULL, NULL, cancellable, &error));
  g_assert_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED);
  g_assert_cmpuint (result.created, ==, 0);
  g_assert_null (server->posts);

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  guint reads, refused, searches, writes;
} StoreCounts;

static StoreCounts
store_counts (void)
{
  StoreCounts c;

  g_mutex_lock (&server->mutex);
  c.reads = server->store_reads;
  c.refused = server->store_refused;
  c.searches = server->store_searches;
  c.writes = server->store_writes;
  g_mutex_unlock (&server->mutex);
  return c;
}

static void
store_replace (const char *key,
               const char *json)   /* NULL: delete */
{
  g_mutex_lock (&server->mutex);
  if (json != NULL)
    g_hash_table_replace (server->store, g_strdup (key), g_strdup (json));
  else
    g_hash_table_remove (server->store, key);
  g_mutex_unlock (&server->mutex);
}

static void
push_store (const char       *prefix,
            const char       *path,
            gboolean          dry_run,
            CsFhirPushResult *result)
{
  g_autoptr(CsFhirClient) client = make_client (prefix);
  g_autoptr(GError) error = NULL;
  CsFhirPushOptions options = { 2, FALSE, dry_run };

  g_assert_true (cs_fhir_client_push_path (client, path, &options, result, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->resources, ==, 6);
  g_assert_cmpuint (result->failed, ==, 0);
}

/* A re-run reads each batch back with one batch Bundle of reads (no
 * searches, which some servers answer by scanning), sends nothing when
 * nothing changed, and sees what changed on the server behind its back. */
static void
test_push_rerun (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_push_bundle (&dir);
  CsFhirPushResult result = { 0 };
  StoreCounts before, after;

  /* three batches of two: one read and one write each */
  before = store_counts ();
  push_store ("store/", path, FALSE, &result);
  after = store_counts ();
  g_assert_cmpuint (result.created, ==, 6);
  g_assert_cmpuint (result.batches_sent, ==, 3);
  g_assert_cmpuint (after.reads - before.reads, ==, 3);
  g_assert_cmpuint (after.writes - before.writes, ==, 3);
  g_assert_cmpuint (after.searches - before.searches, ==, 0);

  /* unchanged data: the dry run says so of every resource; the re-run
   * reads and sends nothing (the server's meta is not a difference) */
  before = after;
  push_store ("store/", path, TRUE, &result);
  g_assert_cmpuint (result.unchanged, ==, 6);
  g_assert_cmpuint (result.created + result.updated, ==, 0);
  push_store ("store/", path, FALSE, &result);
  after = store_counts ();
  g_assert_cmpuint (result.unchanged, ==, 6);
  g_assert_cmpuint (result.batches_sent, ==, 0);
  g_assert_cmpuint (result.batches_skipped, ==, 3);
  g_assert_cmpuint (after.reads - before.reads, ==, 6);
  g_assert_cmpuint (after.writes - before.writes, ==, 0);
  g_assert_cmpuint (after.searches - before.searches, ==, 0);

  /* changed behind our back: one resource edited, one deleted on the server */
  store_replace ("/store/|Observation/o3",
                 "{\"meta\":{\"versionId\":\"99\"},\"resourceType\":\"Observation\",\"id\":\"o3\","
                 "\"status\":\"amended\",\"code\":{\"text\":\"z\"}}");
  store_replace ("/store/|Condition/c1", NULL);
  push_store ("store/", path, TRUE, &result);
  g_assert_cmpuint (result.updated, ==, 1);
  g_assert_cmpuint (result.created, ==, 1);
  g_assert_cmpuint (result.unchanged, ==, 4);
  before = store_counts ();
  push_store ("store/", path, FALSE, &result);
  after = store_counts ();
  g_assert_cmpuint (result.updated, ==, 1);
  g_assert_cmpuint (result.created, ==, 1);
  /* both are in the last batch; only that one is sent */
  g_assert_cmpuint (result.batches_sent, ==, 1);
  g_assert_cmpuint (after.writes - before.writes, ==, 1);
  push_store ("store/", path, TRUE, &result);
  g_assert_cmpuint (result.unchanged, ==, 6);

  g_unlink (path);
  g_rmdir (dir);
}

/* A server that refuses batch Bundles of reads: the push reads back by
 * Type?_id= searches instead, asking once per run. */
static void
test_push_read_fallback (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_push_bundle (&dir);
  CsFhirPushResult result = { 0 };
  StoreCounts before, after;

  before = store_counts ();
  push_store ("storenobatch/", path, FALSE, &result);
  after = store_counts ();
  g_assert_cmpuint (result.created, ==, 6);
  g_assert_cmpuint (after.refused - before.refused, ==, 1);
  g_assert_cmpuint (after.reads - before.reads, ==, 0);
  g_assert_cmpuint (after.searches - before.searches, >=, 3);
  g_assert_cmpuint (after.writes - before.writes, ==, 3);

  before = after;
  push_store ("storenobatch/", path, FALSE, &result);
  after = store_counts ();
  g_assert_cmpuint (result.unchanged, ==, 6);
  g_assert_cmpuint (result.batches_sent, ==, 0);
  g_assert_cmpuint (after.refused - before.refused, ==, 1);
  g_assert_cmpuint (after.writes - before.writes, ==, 0);

  g_unlink (path);
  g_rmdir (dir);
}

/* LeakSanitizer's tracer crashes on the dynamic TLS of the GIO TLS module
 * (a sanitizer bug, not a leak), so this test runs in a subprocess that
 * does not check for leaks; everything else does. */
static void
test_tls_self_signed (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("ASAN_OPTIONS"));
  g_autofree char *options = g_strconcat (saved != NULL ? saved : "", saved != NULL ? ":" : "", "detect_leaks=0", NULL);

  if (g_test_subprocess ())
    {
      tls_self_signed ();
      return;
    }
  g_setenv ("ASAN_OPTIONS", options, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (saved != NULL)
    g_setenv ("ASAN_OPTIONS", saved, TRUE);
  else
    g_unsetenv ("ASAN_OPTIONS");
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_dir = NULL;
  int ret;

  /* The offline cache goes to a fresh XDG_CACHE_HOME (not
   * G_TEST_OPTION_ISOLATE_DIRS: GIO's proxy resolver needs the system schemas) */
  if (g_getenv ("CS_FHIR_FAULTS_CACHE") == NULL)
    {
      cache_dir = g_dir_make_tmp ("cs-fhir-faults-XXXXXX", NULL);
      g_setenv ("CS_FHIR_FAULTS_CACHE", cache_dir, TRUE);
      g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);
    }
  fhir_test_choose_parse_mode (&argc, argv);
  g_test_init (&argc, &argv, NULL);

  server = fault_server_start (NULL);

  g_test_add_func ("/fhir/faults/ok", test_ok);
  g_test_add_func ("/fhir/faults/retry-429", test_retry_429);
  g_test_add_func ("/fhir/faults/retry-503", test_retry_503);
  g_test_add_func ("/fhir/faults/busy-gives-up", test_busy_gives_up);
  g_test_add_func ("/fhir/faults/404-outcome", test_not_found_outcome);
  g_test_add_func ("/fhir/faults/timeout", test_timeout);
  g_test_add_func ("/fhir/faults/cancel", test_cancel);
  g_test_add_func ("/fhir/faults/truncated", test_truncated);
  g_test_add_func ("/fhir/faults/html", test_html);
  g_test_add_func ("/fhir/faults/next-loop", test_loop);
  g_test_add_func ("/fhir/faults/ignores-count", test_ignores_count);
  g_test_add_func ("/fhir/faults/redirect-drops-authorization", test_redirect_drops_authorization);
  g_test_add_func ("/fhir/faults/secret-not-in-errors", test_secret_not_in_errors);
  g_test_add_func ("/fhir/faults/metadata", test_metadata);
  g_test_add_func ("/fhir/faults/bad-url", test_bad_url);
  g_test_add_func ("/fhir/faults/tls-self-signed", test_tls_self_signed);
  g_test_add_func ("/fhir/cohort/all-by-type", test_cohort_all);
  g_test_add_func ("/fhir/cohort/search-patient-chunks", test_cohort_search_chunks);
  g_test_add_func ("/fhir/cohort/search-revinclude", test_cohort_search_revinclude);
  g_test_add_func ("/fhir/cohort/group", test_cohort_group);
  g_test_add_func ("/fhir/cohort/group-has", test_cohort_group_has);
  g_test_add_func ("/fhir/cohort/type-list", test_type_list);
  g_test_add_func ("/fhir/cohort/async-and-cache", test_cohort_async_and_cache);
  g_test_add_func ("/fhir/cohort/report-declared", test_report_declared);
  g_test_add_func ("/fhir/cohort/report-bare-metadata", test_report_bare_metadata);
  g_test_add_func ("/fhir/paging/stall", test_paging_stall);
  g_test_add_func ("/fhir/paging/limit", test_paging_limit);
  g_test_add_func ("/fhir/push/entry-errors", test_push_entry_errors);
  g_test_add_func ("/fhir/push/progress", test_push_progress);
  g_test_add_func ("/fhir/push/folder-progress", test_push_folder_progress);
  g_test_add_func ("/fhir/push/cancel", test_push_cancel);
  g_test_add_func ("/fhir/push/rerun", test_push_rerun);
  g_test_add_func ("/fhir/push/read-fallback", test_push_read_fallback);

  ret = g_test_run ();
  fault_server_stop (server);
  if (cache_dir != NULL)
    {
      const char *rm[] = { "rm", "-rf", cache_dir, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  return ret;
}
