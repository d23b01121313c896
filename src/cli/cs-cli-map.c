/* cs-cli-map.c: cohortscope-cli map, a mapping file run headless
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs-cli.h"
#include "cs-big-mem.h"
#include "cs-mapping.h"
#include "cs-mapping-output.h"
#include "cs-mapping-upload.h"

/* problems printed on stderr before "… and N more" */
#define MAX_PRINTED_PROBLEMS 20

typedef struct
{
  CsMappingProgram *program;
  CsMappingReport  *report;
  GCancellable     *cancellable;
  guint64           n_printed;
  guint64           n_problems;
  /* progress */
  gboolean          progress;
  gboolean          tty;
  gint64            last;
  gsize             width;
  char            **names;      /* per input: the file's basename */
} MapState;

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int sig)
{
  interrupted = 1;
}

static void
clear_progress (MapState *state)
{
  if (state->tty && state->width > 0)
    {
      fprintf (stderr, "\r%*s\r", (int) state->width, "");
      state->width = 0;
    }
}

static void
on_problem (const CsMappingProblem *problem,
            gpointer                user_data)
{
  MapState *state = user_data;

  state->n_problems++;
  cs_mapping_report_add (state->report, problem);
  if (state->n_printed < MAX_PRINTED_PROBLEMS)
    {
      g_autofree char *text = cs_mapping_problem_to_string (problem);

      clear_progress (state);
      cs_cli_error ("%s", text);
      state->n_printed++;
    }
}

static void
on_progress (const CsMappingProgress *p,
             gpointer                 user_data)
{
  MapState *state = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *line = NULL;

  if (interrupted)
    g_cancellable_cancel (state->cancellable);
  if (!state->progress)
    return;
  if (now - state->last < (state->tty ? G_USEC_PER_SEC / 10 : G_USEC_PER_SEC))
    return;
  state->last = now;

  if (p->preparing)
    /* Translators: "Reading dicom.csv into memory: 1200 rows" */
    line = g_strdup_printf (_("Reading %s into memory: %" PRIu64 " rows"), state->names[p->input], p->rows_done);
  else if (p->bytes_total > 0)
    /* Translators: "Mapping features.csv: 42 % (1200 rows, 96000 resources)"; the percentage is of all inputs */
    line = g_strdup_printf (_("Mapping %s: %.0f %% (%" PRIu64 " rows, %" PRIu64 " resources)"),
                            state->names[p->input], 100.0 * (double) p->bytes_done / (double) p->bytes_total,
                            p->rows_done, p->resources);
  else
    line = g_strdup_printf (_("Mapping %s: %" PRIu64 " rows, %" PRIu64 " resources"),
                            state->names[p->input], p->rows_done, p->resources);

  cs_cli_progress_line (state->tty, &state->width, line);
}

/* "ROLE=FILE" or "FILE": the role is the mapping's only one, else the
 * file's name without extension when that is a role. */
static gboolean
bind_input (CsMapping   *mapping,
            const char  *arg,
            char       **role_out,
            char       **path_out)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *base = NULL;
  char *dot;

  if (eq != NULL && eq != arg)
    {
      g_autofree char *role = g_strndup (arg, eq - arg);

      if (cs_mapping_find_input (mapping, role) >= 0)
        {
          *role_out = g_steal_pointer (&role);
          *path_out = g_strdup (eq + 1);
          return TRUE;
        }
    }
  if (eq != NULL && eq != arg && !g_file_test (arg, G_FILE_TEST_EXISTS))
    {
      g_autofree char *role = g_strndup (arg, eq - arg);
      g_autoptr(GString) roles = g_string_new (NULL);

      for (guint i = 0; i < cs_mapping_get_n_inputs (mapping); i++)
        g_string_append_printf (roles, i > 0 ? ", %s" : "%s", cs_mapping_get_input_role (mapping, i));
      cs_cli_error (_("--input %s: the mapping has no input “%s” (its inputs: %s)"), arg, role, roles->str);
      return FALSE;
    }

  *path_out = g_strdup (arg);
  if (cs_mapping_get_n_inputs (mapping) == 1)
    {
      *role_out = g_strdup (cs_mapping_get_input_role (mapping, 0));
      return TRUE;
    }
  base = g_path_get_basename (arg);
  if ((dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  if (cs_mapping_find_input (mapping, base) >= 0)
    {
      *role_out = g_strdup (base);
      return TRUE;
    }
  g_clear_pointer (path_out, g_free);
  cs_cli_error (_("--input %s: say which input this is, e.g. --input %s=%s"), arg,
                cs_mapping_get_input_role (mapping, 0), arg);
  return FALSE;
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
print_summary (CsMappingRun *run,
               const char   *output,
               gboolean      written,
               gboolean      keep_going)
{
  CsMappingStats stats;
  GHashTable *counts = cs_mapping_run_get_type_counts (run);
  g_autoptr(GList) types = g_hash_table_get_keys (counts);
  g_autoptr(GString) by_type = g_string_new (NULL);

  cs_mapping_run_get_stats (run, &stats);
  types = g_list_sort (types, (GCompareFunc) g_strcmp0);
  for (GList *l = types; l != NULL; l = l->next)
    g_string_append_printf (by_type, "%s%s %" PRIu64, by_type->len > 0 ? ", " : "", (char *) l->data,
                            *(guint64 *) g_hash_table_lookup (counts, l->data));

  if (written)
    /* Translators: "Mapped 422 rows to 2110 resources (Observation 1688, Patient 422) in out.ndjson" */
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Mapped %" PRIu64 " row to %" PRIu64 " resources (%s) in %s",
                                  "Mapped %" PRIu64 " rows to %" PRIu64 " resources (%s) in %s", stats.rows),
             stats.rows, stats.resources, by_type->str, g_str_equal (output, "-") ? _("stdout") : output);
  else
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Mapped %" PRIu64 " row; nothing was written",
                                  "Mapped %" PRIu64 " rows; nothing was written", stats.rows), stats.rows);
  if (stats.rows_rejected > 0 && keep_going)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "; %" PRIu64 " row rejected and left out",
                                  "; %" PRIu64 " rows rejected and left out", stats.rows_rejected),
             stats.rows_rejected);
  else if (stats.rows_rejected > 0)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "; %" PRIu64 " row rejected", "; %" PRIu64 " rows rejected",
                                  stats.rows_rejected), stats.rows_rejected);
  if (stats.warnings > 0)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "; %" PRIu64 " warning", "; %" PRIu64 " warnings", stats.warnings),
             stats.warnings);
  fprintf (stderr, "\n");
}

/* A copy of a stream input, gone when the command ends */
typedef struct
{
  int   fd;
  char *unlink_path;   /* a named copy, where /proc/self/fd does not reach it */
} StreamCopy;

static void
stream_copy_free (gpointer data)
{
  StreamCopy *copy = data;

  if (copy->fd >= 0)
    close (copy->fd);
  if (copy->unlink_path != NULL)
    g_unlink (copy->unlink_path);
  g_free (copy->unlink_path);
  g_free (copy);
}

/* An input that is not a regular file ("-" for stdin, a FIFO such as
 * <(zcat clinical.csv.gz), a device) can be read only once, but a run reads
 * its inputs more than once (the header to compile, the rows, the SHA-256
 * for the Provenance). Its bytes are copied to a temporary file first,
 * removed at once where /proc/self/fd reaches it (nothing is left behind,
 * even if the command is killed), else when the command ends. *path becomes
 * the copy's, *name what messages, the report and the Provenance call it
 * (NULL for a regular file, which is left alone). FALSE with the error
 * printed. */
static gboolean
copy_stream_input (const char *role,
                   char      **path,
                   char      **name,
                   GPtrArray  *copies,
                   MapState   *state)
{
  gboolean is_stdin = g_str_equal (*path, "-");
  g_autofree char *tmp = NULL;
  g_autofree char *buffer = NULL;
  g_autoptr(GError) error = NULL;
  const char *shown = is_stdin ? _("stdin") : *path;
  StreamCopy *copy;
  char *proc;
  GStatBuf st;
  guint64 copied = 0;
  int in, out, saved = 0;

  *name = NULL;
  if (!is_stdin && (g_stat (*path, &st) != 0 || S_ISREG (st.st_mode) || S_ISDIR (st.st_mode)))
    return TRUE;   /* a file, or what the reader will say is wrong with it */
  in = is_stdin ? STDIN_FILENO : g_open (*path, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    {
      cs_cli_error (_("map: cannot open %s: %s"), *path, g_strerror (errno));
      return FALSE;
    }
  out = g_file_open_tmp ("cohortscope-input-XXXXXX.csv", &tmp, &error);
  if (out < 0)
    {
      cs_cli_error (_("map: cannot copy %s to a temporary file: %s"), shown, error->message);
      if (!is_stdin)
        close (in);
      return FALSE;
    }
  copy = g_new0 (StreamCopy, 1);
  copy->fd = out;
  copy->unlink_path = g_strdup (tmp);
  g_ptr_array_add (copies, copy);
  proc = g_strdup_printf ("/proc/self/fd/%d", out);
  if (g_file_test (proc, G_FILE_TEST_EXISTS) && g_unlink (tmp) == 0)
    g_clear_pointer (&copy->unlink_path, g_free);
  else
    {
      g_free (proc);
      proc = g_strdup (tmp);
    }

  if (is_stdin && isatty (STDIN_FILENO))
    cs_cli_error (_("map: reading the table for “%s” from the terminal; end it with Ctrl+D"), role);
  buffer = g_malloc (1 << 20);
  for (;;)
    {
      gssize n = read (in, buffer, 1 << 20);
      char *p = buffer;

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved = n < 0 ? errno : 0;
          if (n < 0)
            cs_cli_error (_("map: cannot read %s: %s"), shown, g_strerror (saved));
          break;
        }
      while (n > 0)
        {
          gssize w = write (out, p, n);

          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            {
              saved = w < 0 ? errno : EIO;
              cs_cli_error (_("map: cannot copy %s to a temporary file in %s: %s"), shown, g_get_tmp_dir (),
                            g_strerror (saved));
              break;
            }
          p += w;
          n -= w;
        }
      if (saved != 0)
        break;
      copied += (guint64) (p - buffer);
      if (state != NULL && state->progress &&
          g_get_monotonic_time () - state->last >= (state->tty ? G_USEC_PER_SEC / 10 : G_USEC_PER_SEC))
        {
          /* Translators: "Copying stdin aside: 512.0 MB" (a stream is read more than once) */
          g_autofree char *line = g_strdup_printf (_("Copying %s aside: %.1f MB"), shown, (double) copied / 1e6);

          state->last = g_get_monotonic_time ();
          cs_cli_progress_line (state->tty, &state->width, line);
        }
    }
  if (state != NULL)
    clear_progress (state);
  if (!is_stdin)
    close (in);
  if (saved != 0)
    {
      g_free (proc);
      return FALSE;
    }
  *name = is_stdin ? g_strdup ("stdin") : g_path_get_basename (*path);
  g_free (*path);
  *path = proc;
  return TRUE;
}

/* The inputs as a run takes them (the strings stay the arrays') */
static CsMappingInputFile *
input_files (GPtrArray *roles,
             GPtrArray *paths,
             GPtrArray *names)
{
  CsMappingInputFile *files = g_new0 (CsMappingInputFile, MAX (roles->len, 1));

  for (guint i = 0; i < roles->len; i++)
    {
      files[i].role = roles->pdata[i];
      files[i].path = paths->pdata[i];
      files[i].name = names->pdata[i];
    }
  return files;
}

/* map --compare: the tables against FHIR written or uploaded before */
static int
compare (const char  *mapping_path,
         char       **inputs,
         const char  *fhir_path,
         const char  *ibsi_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autoptr(CsRoundTrip) trip = NULL;
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (stream_copy_free);
  g_autofree CsMappingInputFile *files = NULL;
  g_autofree char *text = NULL;

  if (!(mapping = cs_mapping_load_file (mapping_path, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  if (ibsi_path != NULL)
    cs_mapping_set_ibsi_dictionary (mapping, ibsi_path);
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      char *role = NULL, *path = NULL;
      char *name = NULL;

      if (!bind_input (mapping, inputs[i], &role, &path))
        return CS_CLI_USAGE;
      g_ptr_array_add (roles, role);
      if (!copy_stream_input (role, &path, &name, copies, NULL))
        {
          g_free (path);
          return CS_CLI_FAILED;
        }
      g_ptr_array_add (paths, path);
      g_ptr_array_add (names, name);
    }
  files = input_files (roles, paths, names);
  if (!(program = cs_mapping_compile_files (mapping, files, roles->len, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  store = cs_store_new ();
  if (!cs_store_load_path (store, fhir_path, NULL, NULL, NULL, &error))
    {
      cs_cli_error ("%s: %s", fhir_path, error->message);
      return CS_CLI_FAILED;
    }
  cs_store_finish (store);
  if (!(trip = cs_mapping_round_trip (program, files, roles->len, store, NULL, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  text = cs_round_trip_describe (trip);
  fputs (text, stdout);
  if (!cs_round_trip_is_clean (trip))
    {
      cs_cli_error (_("map --compare: the tables and %s differ"), fhir_path);
      return CS_CLI_FAILED;
    }
  return CS_CLI_OK;
}

int
cs_cli_cmd_map (int    argc,
                char **argv)
{
  g_autofree char *mapping_path = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autofree char *output = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *report_path = NULL;
  g_autofree char *trace_path = NULL;
  g_autofree char *limit_text = NULL;
  g_autofree char *memory_text = NULL;
  g_autofree char *ibsi_path = NULL;
  gboolean keep_going = FALSE;
  gboolean progress = FALSE;
  gboolean no_progress = FALSE;
  gboolean validate_all = FALSE;
  g_autofree char *compare_path = NULL;
  const GOptionEntry entries[] = {
    { "mapping", 0, 0, G_OPTION_ARG_FILENAME, &mapping_path, N_("The mapping file"), N_("FILE") },
    { "input", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs,
      N_("A table for the mapping’s input ROLE (ROLE= may be left out when the file is named ROLE.csv or the "
         "mapping has one input); repeat for each input"), N_("[ROLE=]FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the resources to FILE (- for stdout)"),
      N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("transaction or batch (one Bundle of PUT entries), or ndjson (one resource a line)"), N_("FORMAT") },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path,
      N_("Write every problem (input, row, column, value, message) to a CSV file"), N_("FILE") },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path,
      N_("Write, for each produced element, the input cells it came from (JSON)"), N_("FILE") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_("Map at most N rows of each input"), N_("N") },
    { "memory-limit", 0, 0, G_OPTION_ARG_STRING, &memory_text,
      N_("Memory for the tables' indexes (e.g. 64M, default 16M); past it they are paged through $TMPDIR"),
      N_("SIZE") },
    { "ibsi", 0, 0, G_OPTION_ARG_FILENAME, &ibsi_path,
      N_("pyradiomics’ featuresDict_IBSIv7.tsv, for the IBSI codes of radiomics features (instead of the mapping’s "
         "radiomics.ibsiDictionary)"), N_("FILE") },
    { "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going,
      N_("Write the output without the rejected rows and exit 0 (default: write nothing and exit 1)"), NULL },
    { "compare", 0, 0, G_OPTION_ARG_FILENAME, &compare_path,
      N_("Instead of writing, compare the tables cell by cell with FHIR written or uploaded before (a Bundle, NDJSON "
         "or a folder): per column equal, differ and not comparable, and the first mismatches; exit 1 when any "
         "cell differs"), N_("FHIR") },
    { "validate-all", 0, 0, G_OPTION_ARG_NONE, &validate_all,
      N_("Check every resource in full (default: in full once per shape, values always)"), NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress, N_("Report progress on stderr (default when stderr is a terminal)"), NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress, N_("Report no progress"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsMappingRun) run = NULL;
  g_autoptr(CsMappingReport) report = cs_mapping_report_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (stream_copy_free);
  g_autofree CsMappingInputFile *files = NULL;
  CsMappingExecuteOptions options = { 0 };
  CsMappingOutputFormat format;
  CsMappingSink sink = { NULL, on_problem, on_progress };
  MapState state = { 0 };
  CsMappingStats stats;
  guint64 limit = 0;
  gboolean ok;
  guint n_inputs;
  guint stdin_used = 0;

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Runs a mapping file over CSV tables and writes valid FHIR R4 resources with "
                               "deterministic ids, so that running it again on the same data changes nothing. "
                               "Rows with an error are rejected as a whole; every problem names input, row, "
                               "column and value. See docs/MAPPING.md."),
                             entries))
    return CS_CLI_USAGE;

  if (argc > 1)
    {
      cs_cli_error (_("map: unexpected argument “%s”"), argv[1]);
      return CS_CLI_USAGE;
    }
  if (compare_path != NULL && (output != NULL || format_text != NULL || trace_path != NULL || limit_text != NULL))
    {
      cs_cli_error (_("map: --compare reads FHIR and writes nothing: leave out -o, --format, --trace and --limit"));
      return CS_CLI_USAGE;
    }
  if (compare_path != NULL && mapping_path != NULL && inputs != NULL)
    return compare (mapping_path, inputs, compare_path, ibsi_path);
  if (mapping_path == NULL || inputs == NULL || output == NULL || format_text == NULL)
    {
      cs_cli_error (_("map needs --mapping FILE, --input [ROLE=]FILE for each input, -o FILE and --format "
                      "transaction, batch or ndjson"));
      fprintf (stderr, _("Run “cohortscope-cli %s --help” for the options.\n"), argv[0]);
      return CS_CLI_USAGE;
    }
  if (!cs_mapping_output_format_parse (format_text, &format))
    {
      cs_cli_error (_("map: --format “%s”: use transaction, batch or ndjson"), format_text);
      return CS_CLI_USAGE;
    }
  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXUINT64, &limit, NULL))
    {
      cs_cli_error (_("map: --limit “%s” is not a whole number of at least 1"), limit_text);
      return CS_CLI_USAGE;
    }
  if (memory_text != NULL)
    {
      if (!cs_big_mem_parse_size (memory_text, &options.memory_limit))
        {
          cs_cli_error (_("map: --memory-limit “%s” is not a size such as 64M, 512K or 1G"), memory_text);
          return CS_CLI_USAGE;
        }
      options.set_memory_limit = TRUE;
    }
  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      cs_cli_error (_("map: -o %s is a folder: name the file to write"), output);
      return CS_CLI_USAGE;
    }

  if (!(mapping = cs_mapping_load_file (mapping_path, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  n_inputs = cs_mapping_get_n_inputs (mapping);
  if (ibsi_path != NULL)
    cs_mapping_set_ibsi_dictionary (mapping, ibsi_path);

  /* which file is which input */
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      char *role = NULL, *path = NULL;

      if (!bind_input (mapping, inputs[i], &role, &path))
        return CS_CLI_USAGE;
      for (guint k = 0; k < roles->len; k++)
        if (g_str_equal (roles->pdata[k], role))
          {
            cs_cli_error (_("map: two --input for “%s”"), role);
            g_free (role);
            g_free (path);
            return CS_CLI_USAGE;
          }
      if (same_file (path, output) || (report_path != NULL && same_file (path, report_path)) ||
          (trace_path != NULL && same_file (path, trace_path)))
        {
          cs_cli_error (_("map: %s is an input; it cannot be written"), path);
          g_free (role);
          g_free (path);
          return CS_CLI_USAGE;
        }
      if (g_str_equal (path, "-") && stdin_used++ > 0)
        {
          cs_cli_error (_("map: only one --input can read stdin (-)"));
          g_free (role);
          g_free (path);
          return CS_CLI_USAGE;
        }
      g_ptr_array_add (roles, role);
      g_ptr_array_add (paths, path);
    }
  for (guint i = 0; i < n_inputs; i++)
    {
      const char *role = cs_mapping_get_input_role (mapping, i);

      if (!cs_mapping_get_input_optional (mapping, i) && !g_ptr_array_find_with_equal_func (roles, role, g_str_equal, NULL))
        {
          cs_cli_error (_("map: the mapping needs a table for its input “%s”: --input %s=FILE"), role, role);
          return CS_CLI_USAGE;
        }
    }

  state.tty = isatty (STDERR_FILENO);
  state.progress = (progress || state.tty) && !no_progress;
  /* streams (stdin, FIFOs) copied aside: a run reads its inputs more than once */
  for (guint i = 0; i < paths->len; i++)
    {
      char *name = NULL;

      if (!copy_stream_input (roles->pdata[i], (char **) &paths->pdata[i], &name, copies, &state))
        return CS_CLI_FAILED;
      g_ptr_array_add (names, name);
    }

  /* compile against the tables' headers */
  files = input_files (roles, paths, names);
  program = cs_mapping_compile_files (mapping, files, roles->len, &error);
  if (program == NULL)
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  for (const char * const *note = cs_mapping_program_get_notes (program); *note != NULL; note++)
    cs_cli_error (_("note: %s"), *note);
  state.names = g_new0 (char *, n_inputs + 1);
  for (guint i = 0; i < roles->len; i++)
    state.names[cs_mapping_find_input (mapping, roles->pdata[i])] =
      names->pdata[i] != NULL ? g_strdup (names->pdata[i]) : g_path_get_basename (paths->pdata[i]);

  state.program = program;
  state.report = report;
  state.cancellable = cancellable;
  signal (SIGINT, on_interrupt);
  signal (SIGTERM, on_interrupt);

  options.format = format;
  options.flags = validate_all ? CS_MAPPING_RUN_VALIDATE_ALL : 0;
  options.limit = limit;
  options.keep_going = keep_going;
  options.trace_path = trace_path;
  ok = cs_mapping_execute (program, files, roles->len, output, &options, &sink, &state, &run, cancellable, &error);
  clear_progress (&state);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);

  if (state.n_problems > state.n_printed)
    cs_cli_error (report_path != NULL ? _("… and %" PRIu64 " more problems: all are in %s")
                                      : _("… and %" PRIu64 " more problems (write them all with --report FILE)%s"),
                  state.n_problems - state.n_printed, report_path != NULL ? report_path : "");

  /* the report is the same whatever happens */
  if (report_path != NULL)
    {
      g_autoptr(GError) report_error = NULL;

      if (!cs_mapping_report_write (report, report_path, &report_error))
        {
          cs_cli_error ("%s", report_error->message);
          ok = FALSE;
        }
    }

  if (!ok && g_error_matches (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_REJECTED))
    {
      cs_mapping_run_get_stats (run, &stats);
      print_summary (run, output, FALSE, FALSE);
      cs_cli_error (g_dngettext (GETTEXT_PACKAGE,
                                 "map: %" PRIu64 " row was rejected, so nothing was written; fix it, or write the "
                                 "others with --keep-going",
                                 "map: %" PRIu64 " rows were rejected, so nothing was written; fix them, or write "
                                 "the others with --keep-going", stats.rows_rejected), stats.rows_rejected);
      g_strfreev (state.names);
      return CS_CLI_FAILED;
    }
  if (!ok)
    {
      if (error != NULL)
        cs_cli_error (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? _("map: interrupted; nothing was written")
                        : _("map: %s; nothing was written"), error->message);
      g_strfreev (state.names);
      return CS_CLI_FAILED;
    }
  print_summary (run, output, TRUE, keep_going);
  g_strfreev (state.names);
  return CS_CLI_OK;
}
