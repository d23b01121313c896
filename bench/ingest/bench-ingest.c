/* bench-ingest.c: throughput and peak memory of the streaming ingest
 *
 *   bench-ingest [--patients N] [--runs R] [FILE]
 *
 * Without FILE, writes the demo cohort (cs_demo_write_file) to a temporary
 * file, growing the patient count until it holds at least 100,000
 * Observations. Then, for the same file, each variant runs in a forked child
 * (so its peak RSS is its own) R times:
 *   baseline   the child does nothing (RSS of the process itself)
 *   cs-ingest  cs_ingest_path(), counting resources (parse only)
 *   cs-store   cs_store_load_path() + cs_store_finish()
 *   json-glib  json_parser_load_from_file() (DOM of the whole document)
 * and prints MB/s (best run), the ratio to json-glib, and peak RSS above the
 * baseline relative to the file size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "cs-bench.h"
#include "cs-demo.h"
#include "cs-ingest.h"
#include "cs-store.h"

#define MIN_OBSERVATIONS 100000

typedef enum
{
  VARIANT_BASELINE,
  VARIANT_INGEST,
  VARIANT_STORE,
  VARIANT_JSON_GLIB,
  N_VARIANTS
} Variant;

static const char *variant_names[N_VARIANTS] = {
  "baseline", "cs-ingest (parse)", "cs-store (load+finish)", "json-glib DOM",
};

typedef struct
{
  guint64 n_resources;
  guint64 n_observations;
} Counts;

static gboolean
count_cb (const CsResourceRecord *record,
          gpointer                user_data,
          GError                **error)
{
  Counts *counts = user_data;

  counts->n_resources++;
  if (strcmp (record->resource_type, "Observation") == 0)
    counts->n_observations++;
  return TRUE;
}

/* Runs in the child: the work of one variant. */
static gboolean
run_variant (Variant     variant,
             const char *path,
             guint64    *n_resources,
             GError    **error)
{
  switch (variant)
    {
    case VARIANT_BASELINE:
      *n_resources = 0;
      return TRUE;

    case VARIANT_INGEST:
      {
        Counts counts = { 0, 0 };

        if (!cs_ingest_path (path, count_cb, &counts, NULL, NULL, NULL, error))
          return FALSE;
        *n_resources = counts.n_resources;
        return TRUE;
      }

    case VARIANT_STORE:
      {
        g_autoptr(CsStore) store = cs_store_new ();

        if (!cs_store_load_path (store, path, NULL, NULL, NULL, error))
          return FALSE;
        cs_store_finish (store);
        *n_resources = cs_store_get_n_resources (store);
        return TRUE;
      }

    case VARIANT_JSON_GLIB:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();

        if (!json_parser_load_from_file (parser, path, error))
          return FALSE;
        *n_resources = json_array_get_length (
          json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "entry"));
        return TRUE;
      }

    case N_VARIANTS:
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  Variant     variant;
  const char *path;
} Job;

/* In the child (cs_bench_run_in_child times it): the work of one variant */
static gboolean
run_job (gpointer   data,
         guint64   *count,
         double    *checksum,
         GError   **error)
{
  const Job *job = data;

  *checksum = 0;
  return run_variant (job->variant, job->path, count, error);
}

static CsBenchResult
measure (Variant     variant,
         const char *path)
{
  Job job = { variant, path };

  return cs_bench_run_in_child (variant_names[variant], run_job, &job);
}

static char *
make_demo_file (guint    patients,
                guint64 *n_observations,
                GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-bench-ingest-XXXXXX", error);
  g_autofree char *path = NULL;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "demo.json", NULL);

  while (TRUE)
    {
      Counts counts = { 0, 0 };

      if (!cs_demo_write_file (path, patients, CS_DEMO_DEFAULT_SEED, NULL, error))
        return NULL;
      if (!cs_ingest_path (path, count_cb, &counts, NULL, NULL, NULL, error))
        return NULL;
      *n_observations = counts.n_observations;
      if (counts.n_observations >= MIN_OBSERVATIONS)
        break;
      /* grow to just over the target */
      patients = (guint) ((double) patients * MIN_OBSERVATIONS * 1.05 /
                          MAX (counts.n_observations, 1)) + 1;
    }
  g_print ("demo cohort: %u patients, %" G_GUINT64_FORMAT " Observations\n",
           patients, *n_observations);
  return g_steal_pointer (&path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean temp_file = FALSE;
  int patients = 1000;
  int runs = 3;
  GStatBuf st;
  double mb;
  CsBenchResult best[N_VARIANTS];
  const GOptionEntry entries[] = {
    { "patients", 'n', 0, G_OPTION_ARG_INT, &patients, "Demo patients to start from", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs per variant (best time is kept)", "R" },
    { NULL }
  };

  context = g_option_context_new ("[FILE] — ingest throughput and peak memory");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (argc > 1)
    path = g_strdup (argv[1]);
  else
    {
      guint64 n_observations = 0;

      path = make_demo_file ((guint) MAX (patients, 1), &n_observations, &error);
      if (path == NULL)
        {
          g_printerr ("Cannot write the demo cohort: %s\n", error->message);
          return 1;
        }
      temp_file = TRUE;
    }

  if (g_stat (path, &st) != 0)
    {
      g_printerr ("Cannot read %s\n", path);
      return 1;
    }
  mb = (double) st.st_size / 1e6;
  g_print ("file: %s (%.1f MB)\n", path, mb);

  memset (best, 0, sizeof best);
  for (int v = 0; v < N_VARIANTS; v++)
    {
      for (int r = 0; r < MAX (runs, 1); r++)
        {
          CsBenchResult res = measure ((Variant) v, path);

          cs_bench_keep_best (&best[v], &res);
          if (!best[v].ok)
            break;
        }
    }

  g_print ("\n%-24s %8s %8s %8s %8s %9s %9s %10s %9s %9s\n", "variant", "wall s", "CPU s",
           "MB/s", "MB/s CPU", "x glib", "x glib CPU", "resources", "RSS MB", "RSS/file");
  for (int v = 1; v < N_VARIANTS; v++)
    {
      double rss_mb;

      if (!best[v].ok)
        {
          g_print ("%-24s %10s\n", variant_names[v], "failed");
          continue;
        }
      rss_mb = (double) (best[v].maxrss_kib - best[VARIANT_BASELINE].maxrss_kib) * 1024 / 1e6;
      g_print ("%-24s %8.3f %8.3f %8.1f %8.1f %8.1fx %9.1fx %10" G_GUINT64_FORMAT
               " %9.1f %8.2fx\n",
               variant_names[v], best[v].seconds, best[v].cpu_seconds, mb / best[v].seconds,
               mb / best[v].cpu_seconds,
               best[VARIANT_JSON_GLIB].ok ? best[VARIANT_JSON_GLIB].seconds / best[v].seconds : 0.0,
               best[VARIANT_JSON_GLIB].ok ? best[VARIANT_JSON_GLIB].cpu_seconds / best[v].cpu_seconds
                                          : 0.0,
               best[v].count, rss_mb, rss_mb / mb);
    }
  g_print ("(baseline process RSS %.1f MB subtracted; best of %d runs; json-glib resources = "
           "Bundle entries)\n", (double) best[VARIANT_BASELINE].maxrss_kib * 1024 / 1e6,
           MAX (runs, 1));

  if (temp_file)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      g_unlink (path);
      g_rmdir (dir);
    }
  return 0;
}
