/* bench-hostile.c: peak memory of loading hostile input
 *
 *   bench-hostile [--size-mb N] [--runs R]
 *
 * Writes, into a temporary folder, single resources built to cost the most
 * memory per byte of JSON, and loads each (cs_store_load_path() +
 * cs_store_finish(), as the app and the CLI do) in a forked child, so its
 * peak RSS (wait4 rusage) is its own. Prints the peak RSS above a child that
 * does nothing, the outcome, and the ratios to the file size and to the
 * documented bound of one resource (docs/INGEST.md):
 *   values-hostile  a Patient with an array of N MB of "0," (52 million
 *                   elements at 100 MB): refused at CS_JSON_MAX_VALUES
 *   values-worst    an object with as many members "a":{} as one resource
 *                   may hold (64 bytes a value: the key, padding and an
 *                   object node): loaded, the most memory values can cost
 *   bytes-hostile   a Patient with 15 MiB strings up to N MB (at least
 *                   150): refused at CS_JSON_MAX_VALUE_BYTES
 *   bytes-worst     strings up to just below that limit: loaded
 * Before the limits (0.1.0 development), values-hostile at 100 MB peaked at
 * 2.47 GB, about 24 times the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cs-bench.h"
#include "cs-json.h"
#include "cs-store.h"

/* docs/INGEST.md: what one resource may cost at most, in bytes: 64 bytes a
 * value (a node, its key's padding), the text itself, and a string being
 * carried across reads (16 MiB) */
#define BOUND_BYTES ((double) CS_JSON_MAX_VALUES * 64 + (double) CS_JSON_MAX_VALUE_BYTES + \
                     16.0 * 1024 * 1024)

typedef struct
{
  const char *name;
  char       *path;
  guint64     size;
} Input;

static gboolean
write_file (const char  *path,
            const char  *head,
            const char  *item,
            const char  *separator,
            guint64      n_items,
            const char  *tail,
            guint64     *size,
            GError     **error)
{
  FILE *f = g_fopen (path, "wb");
  gsize item_len = strlen (item);
  gsize sep_len = strlen (separator);

  if (f == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  fputs (head, f);
  for (guint64 i = 0; i < n_items; i++)
    {
      if (i > 0)
        fwrite (separator, 1, sep_len, f);
      fwrite (item, 1, item_len, f);
    }
  fputs (tail, f);
  if (fclose (f) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  *size = strlen (head) + n_items * item_len + (n_items > 0 ? (n_items - 1) * sep_len : 0) + strlen (tail);
  return TRUE;
}

/* In the child: load the input (NULL: nothing, the baseline). A refusal
 * fails the run, with the error in CsBenchResult.message. */
static gboolean
load_input (gpointer   data,
            guint64   *count,
            double    *checksum,
            GError   **error)
{
  const Input *input = data;
  g_autoptr(CsStore) store = NULL;

  *count = 0;
  *checksum = 0;
  if (input == NULL)
    return TRUE;
  store = cs_store_new ();
  if (!cs_store_load_path (store, input->path, NULL, NULL, NULL, error))
    return FALSE;
  cs_store_finish (store);
  *count = cs_store_get_n_resources (store);
  return TRUE;
}

static CsBenchResult
measure (const Input *input)
{
  CsBenchResult result = cs_bench_run_in_child (NULL, load_input, (gpointer) input);

  if (!result.ok && result.message[0] == '\0')
    g_strlcpy (result.message, "the child died", sizeof result.message);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *string = NULL;
  int size_mb = 100;
  int runs = 1;
  guint64 n_bytes, worst_values;
  guint n_strings;
  Input inputs[4] = {
    { "values-hostile", NULL, 0 },
    { "values-worst", NULL, 0 },
    { "bytes-hostile", NULL, 0 },
    { "bytes-worst", NULL, 0 },
  };
  const char *patient = "{\"resourceType\":\"Patient\",\"id\":\"h\",\"x\":[";
  CsBenchResult baseline;
  const GOptionEntry entries[] = {
    { "size-mb", 's', 0, G_OPTION_ARG_INT, &size_mb, "Size of the hostile files (MB, default 100)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs per input (the highest peak is kept)", "R" },
    { NULL }
  };

  context = g_option_context_new ("— peak memory of loading hostile input");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  size_mb = MAX (size_mb, 1);

  if (!(dir = g_dir_make_tmp ("cs-bench-hostile-XXXXXX", &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *name = g_strconcat (inputs[i].name, ".json", NULL);

      inputs[i].path = g_build_filename (dir, name, NULL);
    }

  /* "0," is two bytes a value: the most values per byte JSON allows */
  n_bytes = (guint64) size_mb * 1000 * 1000;
  /* the Patient, resourceType, id and x leave MAX - 4 elements */
  worst_values = CS_JSON_MAX_VALUES - 4;
  /* 15 MiB strings: the most bytes with the fewest values */
  string = g_strnfill (15 * 1024 * 1024 + 2, 'A');
  string[0] = string[15 * 1024 * 1024 + 1] = '"';
  n_strings = (guint) MAX ((n_bytes + 15 * 1024 * 1024 - 1) / (15 * 1024 * 1024),
                           CS_JSON_MAX_VALUE_BYTES / (15 * 1024 * 1024) + 2);
  if (!write_file (inputs[0].path, patient, "0", ",", n_bytes / 2, "]}", &inputs[0].size, &error) ||
      !write_file (inputs[1].path, "{\"resourceType\":\"Patient\",\"id\":\"h\",\"x\":{", "\"a\":{}", ",",
                   worst_values, "}}", &inputs[1].size, &error) ||
      !write_file (inputs[2].path, patient, string, ",", n_strings, "]}", &inputs[2].size, &error) ||
      !write_file (inputs[3].path, patient, string, ",",
                   CS_JSON_MAX_VALUE_BYTES / (15 * 1024 * 1024), "]}", &inputs[3].size, &error))
    {
      g_printerr ("Cannot write the inputs: %s\n", error->message);
      return 1;
    }

  baseline = measure (NULL);
  g_print ("limits: %u values, %" G_GUINT64_FORMAT " MiB of JSON per resource; documented bound %.0f MB\n",
           CS_JSON_MAX_VALUES, CS_JSON_MAX_VALUE_BYTES / (1024 * 1024), BOUND_BYTES / 1e6);
  g_print ("%-16s %9s %8s %12s %9s %9s  %s\n", "input", "file MB", "wall s", "RSS MB", "RSS/file",
           "RSS/bound", "outcome");
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      CsBenchResult best;
      g_autofree char *loaded = NULL;
      double rss_mb;

      memset (&best, 0, sizeof best);
      for (int r = 0; r < MAX (runs, 1); r++)
        {
          CsBenchResult res = measure (&inputs[i]);

          if (r == 0 || res.maxrss_kib > best.maxrss_kib)
            best = res;
        }
      rss_mb = (double) (best.maxrss_kib - baseline.maxrss_kib) * 1024 / 1e6;
      loaded = g_strdup_printf ("loaded %" G_GUINT64_FORMAT " resources", best.count);
      g_print ("%-16s %9.1f %8.2f %12.1f %8.2fx %8.2fx  %s\n", inputs[i].name, (double) inputs[i].size / 1e6,
               best.seconds, rss_mb, rss_mb * 1e6 / (double) inputs[i].size, rss_mb * 1e6 / BOUND_BYTES,
               best.ok ? loaded : "refused");
      if (!best.ok)
        g_print ("%16s %s\n", "", best.message);
      g_unlink (inputs[i].path);
      g_free (inputs[i].path);
    }
  g_print ("(baseline process RSS %.1f MB subtracted)\n", (double) baseline.maxrss_kib * 1024 / 1e6);
  g_rmdir (dir);
  return 0;
}
