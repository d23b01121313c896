/* bench-csv.c: throughput and peak memory of the streaming CSV reader
 *
 *   bench-csv [--mb N] [--runs R] [FILE]
 *
 * Without FILE, writes a pyradiomics-shaped feature table (a pandas index,
 * PatientID, a quoted free-text column with commas and doubled quotes, a
 * date, 40 decimal features) of about N MB (default 100) to a temporary
 * file, and a second one with a tenth of the rows. Then each variant runs in
 * a forked child (so its peak RSS is its own) R times, alternating:
 *   baseline      the child does nothing (RSS of the process itself)
 *   getline+strchr  one line at a time, fields split at every ',' (no
 *                 quoting: the cheapest possible splitter, not a CSV reader)
 *   g_strsplit    getline, then g_strsplit per line (no quoting either)
 *   cs-csv        cs_csv_reader_next over the file, touching every field
 *   cs-csv+double the same plus cs_csv_parse_double on every feature cell,
 *                 as the mapping engine does
 *   strtod cells  getline+strchr plus g_ascii_strtod on every feature cell
 * and prints MB/s (best run), the ratio to getline+strchr, and the peak RSS
 * of cs-csv on the small and the large file (it must not grow with the rows).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs-bench.h"
#include "cs-csv.h"

#define N_FEATURES     40
#define FIRST_FEATURE  5      /* index, PatientID, note, date, site, then features */

typedef enum
{
  VARIANT_BASELINE,
  VARIANT_GETLINE,
  VARIANT_STRSPLIT,
  VARIANT_CS_CSV,
  VARIANT_CS_CSV_DOUBLE,
  VARIANT_STRTOD,
  N_VARIANTS
} Variant;

static const char *variant_names[N_VARIANTS] = {
  "baseline", "getline+strchr", "getline+g_strsplit", "cs-csv", "cs-csv+parse_double",
  "getline+strchr+strtod",
};

typedef struct
{
  Variant     variant;
  const char *path;
} Run;

/* ------------------------------------------------------------------------ */
/* The variants (run in the child)                                          */

/* The line splitters: strchr, g_strsplit, or strchr plus strtod per feature. */
static gboolean
run_getline (Variant     variant,
             const char *path,
             guint64    *n_fields,
             double     *checksum,
             GError    **error)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t size = 0;
  ssize_t n;

  if (f == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno));
      return FALSE;
    }
  while ((n = getline (&line, &size, f)) > 0)
    {
      char *p = line;
      guint column = 0;

      if (variant == VARIANT_STRSPLIT)
        {
          char **fields;

          if (line[n - 1] == '\n')
            line[n - 1] = '\0';
          fields = g_strsplit (line, ",", -1);
          for (guint i = 0; fields[i] != NULL; i++)
            {
              (*n_fields)++;
              *checksum += (double) (guchar) fields[i][0];
            }
          g_strfreev (fields);
          continue;
        }
      while (TRUE)
        {
          char *comma = strchr (p, ',');

          (*n_fields)++;
          if (variant == VARIANT_STRTOD && column >= FIRST_FEATURE)
            *checksum += g_ascii_strtod (p, NULL);
          else
            *checksum += (double) (guchar) p[0];
          if (comma == NULL)
            break;
          p = comma + 1;
          column++;
        }
    }
  free (line);
  fclose (f);
  return TRUE;
}

static gboolean
run_cs_csv (const char *path,
            gboolean    parse_cells,
            guint64    *n_fields,
            double     *checksum,
            GError    **error)
{
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, error);
  CsCsvRecord record;

  if (reader == NULL)
    return FALSE;
  *n_fields += cs_csv_reader_get_n_columns (reader);
  while (cs_csv_reader_next (reader, &record, error))
    {
      *n_fields += record.n_fields;
      for (guint i = 0; i < record.n_fields; i++)
        {
          double value;

          if (parse_cells && i >= FIRST_FEATURE)
            {
              if (!cs_csv_parse_double (record.fields[i], FALSE, &value))
                {
                  cs_csv_reader_set_cell_error (reader, &record, (int) i, error, CS_CSV_ERROR,
                                                CS_CSV_ERROR_SYNTAX, "not a number");
                  return FALSE;
                }
              *checksum += value;
            }
          else
            *checksum += (double) (guchar) record.fields[i][0] + (double) record.lengths[i];
        }
    }
  return error == NULL || *error == NULL;
}

static gboolean
run_variant (gpointer  data,
             guint64  *n_fields,
             double   *checksum,
             GError  **error)
{
  const Run *run = data;

  switch (run->variant)
    {
    case VARIANT_BASELINE:
      return TRUE;
    case VARIANT_GETLINE:
    case VARIANT_STRSPLIT:
    case VARIANT_STRTOD:
      return run_getline (run->variant, run->path, n_fields, checksum, error);
    case VARIANT_CS_CSV:
    case VARIANT_CS_CSV_DOUBLE:
      return run_cs_csv (run->path, run->variant == VARIANT_CS_CSV_DOUBLE, n_fields, checksum,
                         error);
    case N_VARIANTS:
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------ */
/* The input                                                                */

static gboolean
write_table (const char *path,
             guint64     rows,
             GError    **error)
{
  static const char *const notes[] = {
    "", "adenocarcinoma", "squamous cell carcinoma, stage \"IIIa\"", "large cell",
    "nos", "re-read, see report 12",
  };
  FILE *f = fopen (path, "we");
  GRand *rand = g_rand_new_with_seed (7);
  GString *line = g_string_new (NULL);

  if (f == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno));
      return FALSE;
    }
  g_string_append (line, ",PatientID,note,date,site");
  for (guint i = 0; i < N_FEATURES; i++)
    g_string_append_printf (line, ",original_glcm_Feature%u", i);
  g_string_append_c (line, '\n');
  fputs (line->str, f);

  for (guint64 r = 0; r < rows; r++)
    {
      g_string_truncate (line, 0);
      g_string_append_printf (line, "%" G_GUINT64_FORMAT ",LUNG1-%05" G_GUINT64_FORMAT ",", r, r);
      cs_csv_append_field (line, notes[r % G_N_ELEMENTS (notes)], ',');
      g_string_append_printf (line, ",20%02u-%02u-%02u,%s", (guint) (r % 20), (guint) (r % 12) + 1,
                              (guint) (r % 28) + 1, r % 2 ? "left" : "right");
      for (guint i = 0; i < N_FEATURES; i++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_c (line, ',');
          g_string_append (line, g_ascii_dtostr (buf, sizeof buf,
                                                 g_rand_double_range (rand, -10, 1000)));
        }
      g_string_append_c (line, '\n');
      fputs (line->str, f);
    }
  g_string_free (line, TRUE);
  g_rand_free (rand);
  if (fclose (f) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
best_of (Variant        variant,
         const char    *path,
         CsBenchResult *best)
{
  Run run = { variant, path };
  CsBenchResult result = cs_bench_run_in_child (variant_names[variant], run_variant, &run);

  cs_bench_keep_best (best, &result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *small_path = NULL;
  int target_mb = 100;
  int runs = 3;
  GStatBuf st, small_st;
  double mb;
  CsBenchResult best[N_VARIANTS];
  CsBenchResult small_best = { .ok = TRUE };
  const GOptionEntry entries[] = {
    { "mb", 'm', 0, G_OPTION_ARG_INT, &target_mb, "Size of the generated table in MB", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs per variant (best time is kept)", "R" },
    { NULL }
  };

  context = g_option_context_new ("[FILE] — CSV reader throughput and peak memory");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  dir = g_dir_make_tmp ("cs-bench-csv-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* about 807 bytes a row */
  {
    guint64 rows = (guint64) MAX (target_mb, 1) * 1000000 / 807;

    small_path = g_build_filename (dir, "small.csv", NULL);
    if (!write_table (small_path, rows / 10, &error))
      {
        g_printerr ("Cannot write %s: %s\n", small_path, error->message);
        return 1;
      }
    if (argc > 1)
      path = g_strdup (argv[1]);
    else
      {
        path = g_build_filename (dir, "large.csv", NULL);
        if (!write_table (path, rows, &error))
          {
            g_printerr ("Cannot write %s: %s\n", path, error->message);
            return 1;
          }
      }
  }
  if (g_stat (path, &st) != 0 || g_stat (small_path, &small_st) != 0)
    {
      g_printerr ("Cannot read %s\n", path);
      return 1;
    }
  mb = (double) st.st_size / 1e6;
  g_print ("file: %s (%.1f MB)\n", path, mb);

  memset (best, 0, sizeof best);
  /* alternate the variants so a busy moment on a shared machine hits all of them */
  for (int r = 0; r < MAX (runs, 1); r++)
    {
      for (int v = 0; v < N_VARIANTS; v++)
        if (r == 0 || best[v].ok)
          best_of ((Variant) v, path, &best[v]);
      best_of (VARIANT_CS_CSV, small_path, &small_best);
    }

  g_print ("\n%-24s %8s %8s %8s %8s %10s %12s %8s\n", "variant", "wall s", "CPU s", "MB/s",
           "MB/s CPU", "x getline", "fields", "RSS MB");
  for (int v = 1; v < N_VARIANTS; v++)
    {
      if (!best[v].ok)
        {
          g_print ("%-24s %10s\n", variant_names[v], "failed");
          continue;
        }
      g_print ("%-24s %8.3f %8.3f %8.1f %8.1f %9.2fx %12" G_GUINT64_FORMAT " %8.1f\n",
               variant_names[v], best[v].seconds, best[v].cpu_seconds, mb / best[v].seconds,
               mb / best[v].cpu_seconds,
               best[VARIANT_GETLINE].ok ? best[VARIANT_GETLINE].seconds / best[v].seconds : 0.0,
               best[v].count,
               (double) (best[v].maxrss_kib - best[VARIANT_BASELINE].maxrss_kib) * 1024 / 1e6);
    }
  g_print ("(best of %d runs; RSS above the baseline process's %.1f MB; the getline splitters "
           "count a field per comma, quoted or not)\n",
           MAX (runs, 1), (double) best[VARIANT_BASELINE].maxrss_kib * 1024 / 1e6);
  if (small_best.ok && best[VARIANT_CS_CSV].ok)
    g_print ("cs-csv peak RSS: %.1f MB for %.1f MB of CSV, %.1f MB for %.1f MB (%.1fx the rows)\n",
             (double) (small_best.maxrss_kib - best[VARIANT_BASELINE].maxrss_kib) * 1024 / 1e6,
             (double) small_st.st_size / 1e6,
             (double) (best[VARIANT_CS_CSV].maxrss_kib - best[VARIANT_BASELINE].maxrss_kib) *
             1024 / 1e6, mb, (double) st.st_size / (double) small_st.st_size);

  g_unlink (small_path);
  if (argc <= 1)
    g_unlink (path);
  g_rmdir (dir);
  return 0;
}
