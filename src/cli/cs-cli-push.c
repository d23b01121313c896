/* cs-cli-push.c: cohortscope-cli push
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "cs-cli.h"
#include "cs-fhir-client.h"
#include "cs-fhir-push.h"

typedef struct
{
  gboolean tty;          /* rewrite one line with \r; else one line a second */
  gint64   last;         /* monotonic µs of the last line */
  gsize    width;        /* characters of the last \r line, to blank it */
  char    *folder;       /* basename of the folder pushed, NULL for a file */
} ProgressState;

static void
print_entry_error (const CsFhirPushEntryError *entry,
                   gpointer                    user_data)
{
  ProgressState *state = user_data;

  if (state->tty && state->width > 0)
    {
      fprintf (stderr, "\r%*s\r", (int) state->width, "");
      state->width = 0;
    }
  cs_cli_error (_("%s: byte %" PRId64 ": entry %u (%s/%s): %s"),
                entry->source != NULL ? entry->source : "?", entry->offset,
                entry->index, entry->resource_type, entry->id, entry->message);
}

static void
print_progress (const CsFhirPushProgress *p,
                gpointer                  user_data)
{
  ProgressState *state = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *line = NULL;

  if (p->phase == CS_FHIR_PUSH_PHASE_DONE)
    {
      if (state->tty && state->width > 0)
        fprintf (stderr, "\r%*s\r", (int) state->width, "");
      state->width = 0;
      return;
    }
  /* the first report comes before anything was read */
  if (p->phase == CS_FHIR_PUSH_PHASE_READING && p->source == NULL)
    return;
  /* a line after each batch is too many for a log; on a terminal it is fine */
  if (now - state->last < (state->tty ? G_USEC_PER_SEC / 10 : G_USEC_PER_SEC) &&
      !(p->phase == CS_FHIR_PUSH_PHASE_SENDING && p->resources_done == p->resources_total))
    return;
  state->last = now;

  if (p->phase == CS_FHIR_PUSH_PHASE_READING)
    {
      g_autofree char *base = p->source != NULL ? g_path_get_basename (p->source) : g_strdup ("");

      if (p->bytes_total > 0 && state->folder != NULL)
        /* Translators: "Reading the folder fhir: 42 % (Aaron.json, 12000 resources)";
         * the percentage is of the whole folder */
        line = g_strdup_printf (_("Reading the folder %s: %.0f %% (%s, %" PRIu64 " resources)"), state->folder,
                                100.0 * (double) p->bytes_read / (double) p->bytes_total, base, p->resources_read);
      else if (p->bytes_total > 0)
        /* Translators: "Reading bundle.json: 42 % (12000 resources)" */
        line = g_strdup_printf (_("Reading %s: %.0f %% (%" PRIu64 " resources)"), base,
                                100.0 * (double) p->bytes_read / (double) p->bytes_total, p->resources_read);
      else
        line = g_strdup_printf (_("Reading %s: %" PRIu64 " resources"), base, p->resources_read);
    }
  else if (p->dry_run)
    line = g_strdup_printf (_("Compared %" PRIu64 " of %" PRIu64 " resources (batch %u of %u): "
                              "%" PRIu64 " to create, %" PRIu64 " to update, %" PRIu64 " unchanged"),
                            p->resources_done, p->resources_total,
                            p->batches_done, p->batches_total,
                            p->created, p->updated, p->unchanged);
  else
    line = g_strdup_printf (_("Uploaded %" PRIu64 " of %" PRIu64 " resources (batch %u of %u): "
                              "%" PRIu64 " created, %" PRIu64 " updated, %" PRIu64 " unchanged, %" PRIu64 " failed"),
                            p->resources_done, p->resources_total,
                            p->batches_done, p->batches_total,
                            p->created, p->updated, p->unchanged, p->failed);

  cs_cli_progress_line (state->tty, &state->width, line);
}

int
cs_cli_cmd_push (int    argc,
                 char **argv)
{
  g_autofree char *server = NULL;
  gboolean dry_run = FALSE;
  gboolean use_batch = FALSE;
  gboolean json = FALSE;
  gboolean progress = FALSE;
  gboolean no_progress = FALSE;
  int batch_size = 50;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("FHIR base URL (http:// or https://)"), N_("URL") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Only report what would be created, updated or left unchanged"), NULL },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch_size, N_("Resources per Bundle (default 50)"), N_("N") },
    { "batch", 0, 0, G_OPTION_ARG_NONE, &use_batch, N_("Send batch Bundles instead of transactions"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts as JSON"), NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress, N_("Report progress on stderr (default when stderr is a terminal)"), NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress, N_("Report no progress"), NULL },
    { NULL }
  };
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  CsFhirPushOptions options = { 0 };
  CsFhirPushResult result = { 0 };
  ProgressState state = { 0 };
  g_autofree char *folder = NULL;
  gboolean ok;

  if (!cs_cli_parse_options (&argc, &argv, _("FILE"),
                             _("Uploads a FHIR Bundle or NDJSON file with PUT and deterministic ids, "
                               "so running it again creates nothing new. Credentials come from "
                               "CS_FHIR_BEARER_TOKEN or CS_FHIR_USERNAME and CS_FHIR_PASSWORD."),
                             entries))
    return CS_CLI_USAGE;

  if (server == NULL || argc != 2 || batch_size < 1)
    {
      cs_cli_error (_("push needs --server URL and exactly one FILE (and --batch-size ≥ 1)"));
      fprintf (stderr, _("Run “cohortscope-cli %s --help” for the options.\n"), argv[0]);
      return CS_CLI_USAGE;
    }

  if (!(client = cs_fhir_client_new (server, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_USAGE;
    }
  cs_fhir_client_configure_from_env (client);

  options.batch_size = (guint) batch_size;
  options.use_batch = use_batch;
  options.dry_run = dry_run;

  state.tty = isatty (STDERR_FILENO);
  if (g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    state.folder = folder = g_path_get_basename (argv[1]);
  ok = cs_fhir_client_push_path_full (client, argv[1], &options, &result,
                                      print_entry_error, &state,
                                      (progress || state.tty) && !no_progress ? print_progress : NULL, &state,
                                      NULL, &error);

  if (json)
    printf ("{\"resources\":%" G_GUINT64_FORMAT ",\"created\":%" G_GUINT64_FORMAT
            ",\"updated\":%" G_GUINT64_FORMAT ",\"unchanged\":%" G_GUINT64_FORMAT
            ",\"failed\":%" G_GUINT64_FORMAT ",\"batches_sent\":%u,\"batches_skipped\":%u,\"dry_run\":%s}\n",
            result.resources, result.created, result.updated, result.unchanged, result.failed,
            result.batches_sent, result.batches_skipped, dry_run ? "true" : "false");
  else
    printf (dry_run ? _("%" PRIu64 " resources: %" PRIu64 " to create, %" PRIu64
                        " to update, %" PRIu64 " unchanged (dry run, nothing sent)\n")
                    : _("%" PRIu64 " resources: %" PRIu64 " created, %" PRIu64
                        " updated, %" PRIu64 " unchanged\n"),
            result.resources, result.created, result.updated, result.unchanged);

  if (!ok)
    {
      cs_cli_error ("%s: %s", argv[1], error->message);
      return CS_CLI_FAILED;
    }
  return CS_CLI_OK;
}
