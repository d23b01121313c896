/* bench-fhir-fetch.c: our FHIR client's wall time for a whole-server load
 *
 *   bench-fhir-fetch load URL      loads every patient's data from URL (as
 *                                  `--source URL` does) into a store and
 *                                  prints {"seconds","resources","bytes","pages"}
 *   bench-fhir-fetch parse [--no-store] FILE…
 *                                  feeds saved page bodies through the
 *                                  streaming ingest into a store (or, with
 *                                  --no-store, a callback that only counts),
 *                                  no network, and prints
 *                                  {"seconds","resources","bytes"}
 *
 * bench-fhir.py runs both and curl on the same page URLs; see docs/PERFORMANCE.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cs-fhir-client.h"
#include "cs-ingest.h"
#include "cs-store.h"

static void
progress_cb (const CsFhirProgress *progress,
             gpointer              data)
{
  *(CsFhirProgress *) data = *progress;
}

static int
run_load (const char *url)
{
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(CsStore) store = cs_store_new ();
  g_autoptr(GError) error = NULL;
  CsFhirProgress last = { 0 };
  gint64 start;
  double seconds;

  if (!(client = cs_fhir_client_new (url, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  cs_fhir_client_configure_from_env (client);
  /* for trying other request concurrencies */
  if (g_getenv ("CS_BENCH_IN_FLIGHT") != NULL)
    cs_fhir_client_set_max_in_flight (client, (guint) g_ascii_strtoull (g_getenv ("CS_BENCH_IN_FLIGHT"), NULL, 10));

  start = g_get_monotonic_time ();
  if (!cs_fhir_client_load_cohort (client, NULL, store, progress_cb, &last, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("{\"seconds\": %.4f, \"resources\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT
          ", \"pages\": %" G_GUINT64_FORMAT "}\n",
          seconds, last.resources, last.bytes, last.pages);
  return 0;
}

static gboolean
count_resource_cb (const CsResourceRecord  *record,
                   gpointer                 data,
                   GError                 **error)
{
  (*(guint64 *) data)++;
  return TRUE;
}

static int
run_parse (gboolean   into_store,
           int        n_files,
           char     **files)
{
  g_autoptr(CsStore) store = cs_store_new ();
  guint64 counted = 0;
  g_autoptr(CsIngest) ingest = into_store ? cs_ingest_new (cs_store_add_resource, store)
                                          : cs_ingest_new (count_resource_cb, &counted);
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint64 bytes = 0;
  gint64 start;
  double seconds;

  cs_ingest_set_keep_json (ingest, TRUE);   /* as the FHIR client does */

  /* read first: only the parse is timed */
  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GError) error = NULL;
      char *data;
      gsize len;

      if (!g_file_get_contents (files[i], &data, &len, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (contents, g_bytes_new_take (data, len));
      bytes += len;
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < contents->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize len;
      const char *data = g_bytes_get_data (g_ptr_array_index (contents, i), &len);

      /* in 256 KiB pieces, as the network client feeds it, and under a
       * name that is not a file, so the store keeps the bytes as it does
       * for a server */
      g_autofree char *name = g_strdup_printf ("page %u", i);

      cs_ingest_begin_source (ingest, name);
      for (gsize off = 0; off < len; off += 256 * 1024)
        if (!cs_ingest_feed (ingest, data + off, MIN (256 * 1024, len - off), &error))
          break;
      if (error == NULL)
        cs_ingest_end_source (ingest, &error);
      if (error != NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("{\"seconds\": %.4f, \"resources\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT "}\n",
          seconds, cs_ingest_get_n_resources (ingest), bytes);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], "load"))
    return run_load (argv[2]);
  if (argc >= 4 && g_str_equal (argv[1], "parse") && g_str_equal (argv[2], "--no-store"))
    return run_parse (FALSE, argc - 3, argv + 3);
  if (argc >= 3 && g_str_equal (argv[1], "parse"))
    return run_parse (TRUE, argc - 2, argv + 2);

  fprintf (stderr, "usage: bench-fhir-fetch load URL | parse [--no-store] FILE…\n");
  return 2;
}
