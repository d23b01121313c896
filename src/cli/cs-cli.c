/* cs-cli.c: cohortscope-cli entry point and shared helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cs-cli.h"
#include "cs-cox-model.h"
#include "cs-filter.h"
#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
#include "cs-fhir-id.h"
#include "cs-saved-cohort.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} CsCliCommand;

static const CsCliCommand commands[] = {
  { "summary",   cs_cli_cmd_summary,   N_("Count resources, patients and variables") },
  { "variables", cs_cli_cmd_variables, N_("List the variables of the patient table") },
  { "table",     cs_cli_cmd_table,     N_("Print the patient × variable table") },
  { "cohort",    cs_cli_cmd_cohort,    N_("List the patients matching a filter") },
  { "stats",     cs_cli_cmd_stats,     N_("Test the association of two variables") },
  { "correlate", cs_cli_cmd_correlate, N_("Correlate features with clinical variables") },
  { "survival",  cs_cli_cmd_survival,  N_("Kaplan–Meier estimates and log-rank test") },
  { "cox",       cs_cli_cmd_cox,       N_("Fit a Cox proportional hazards model") },
  { "score",     cs_cli_cmd_score,     N_("Validate saved models: their concordance on these patients") },
  { "chart",     cs_cli_cmd_chart,     N_("Render a chart to PNG, SVG or PDF") },
  { "map",       cs_cli_cmd_map,       N_("Map CSV tables to FHIR resources with a mapping file") },
  { "push",      cs_cli_cmd_push,      N_("Upload a Bundle or NDJSON file to a FHIR server") },
  { "demo",      cs_cli_cmd_demo,      N_("Write the synthetic demo cohort as a FHIR Bundle") },
};

void
cs_cli_progress_line (gboolean    tty,
                      gsize      *width,
                      const char *line)
{
  glong n = g_utf8_strlen (line, -1);

  if (tty)
    {
      fprintf (stderr, "\r%s%*s", line, (int) MAX (0, (glong) *width - n), "");
      *width = (gsize) n;
    }
  else
    fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

void
cs_cli_error (const char *format,
              ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "cohortscope-cli: %s\n", msg);
}

void
cs_cli_print_warnings (CsStore *store)
{
  GPtrArray *warnings = cs_store_get_warnings (store);
  guint printed = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (store), "cs-cli-warnings-printed"));

  for (guint i = printed; i < warnings->len; i++)
    fprintf (stderr, _("warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
  g_object_set_data (G_OBJECT (store), "cs-cli-warnings-printed", GUINT_TO_POINTER (warnings->len));
}

/* Source options every command with --source takes (see cs_cli_parse_options) */
static gboolean opt_no_cache;
static gboolean opt_offline;
static char *opt_server_group;
static char *opt_server_search;
static char *opt_server_types;
static int opt_max_pages = -1;
static gboolean opt_allow_incomplete;
static char **opt_models;
static GPtrArray *loaded_models;   /* CsCoxModel*, from --model */

static const GOptionEntry source_entries[] = {
  { "no-cache", 0, 0, G_OPTION_ARG_NONE, &opt_no_cache,
    N_("Do not write the offline copy of a cohort loaded from a server"), NULL },
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("Read http(s):// sources from their offline copy instead of the server (also: --source cache:URL)"), NULL },
  { "server-group", 0, 0, G_OPTION_ARG_STRING, &opt_server_group,
    N_("From http(s):// sources load only the members of Group/ID"), N_("ID") },
  { "server-search", 0, 0, G_OPTION_ARG_STRING, &opt_server_search,
    N_("From http(s):// sources load only the patients this Patient search finds, e.g. birthdate=lt1960"), N_("QUERY") },
  { "server-types", 0, 0, G_OPTION_ARG_STRING, &opt_server_types,
    N_("From http(s):// sources fetch only these types with the patients, e.g. Observation,Condition,ImagingStudy "
       "(default: every Patient-compartment type the server declares)"), N_("T1,T2") },
  { "max-pages", 0, 0, G_OPTION_ARG_INT, &opt_max_pages,
    N_("From http(s):// sources follow at most N pages per search (default 10000; 0: no limit)"), N_("N") },
  { "allow-incomplete", 0, 0, G_OPTION_ARG_NONE, &opt_allow_incomplete,
    N_("Use what an http(s):// source loaded when a search was cut short (the page limit, or pages that "
       "bring nothing new), with a warning, instead of failing"), NULL },
  { "model", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_models,
    N_("Add the signature score of a saved model (or of each model of a saved cohort) as a variable "
       "named after the model, e.g. “signature” (repeatable)"), N_("FILE") },
  { NULL }
};

int
cs_cli_exit_status (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return CS_CLI_USAGE;
  if (error->domain == CS_FILTER_ERROR && error->code == CS_FILTER_ERROR_SYNTAX)
    return CS_CLI_USAGE;
  return CS_CLI_FAILED;
}

static gboolean
takes_sources (const GOptionEntry *entries)
{
  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
    if (g_str_equal (e->long_name, "source"))
      return TRUE;
  return FALSE;
}

gboolean
cs_cli_parse_options (int                 *argc,
                      char              ***argv,
                      const char          *parameter_string,
                      const char          *summary,
                      const GOptionEntry  *entries)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* in the main group, so that --help lists them */
  if (takes_sources (entries))
    g_option_context_add_main_entries (context, source_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cs_cli_error ("%s", error->message);
      fprintf (stderr, _("Run “cohortscope-cli %s --help” for the options.\n"), (*argv)[0]);
      return FALSE;
    }

  return TRUE;
}

/* --server-group takes "x" or "Group/x" */
static const char *
server_group_id (void)
{
  if (opt_server_group != NULL && g_str_has_prefix (opt_server_group, "Group/"))
    return opt_server_group + strlen ("Group/");
  return opt_server_group;
}

static gboolean
is_url (const char *source)
{
  return g_str_has_prefix (source, "http://") || g_str_has_prefix (source, "https://");
}

/* The load report on stderr: which types were fetched, left out and why,
 * and which searches were cut short */
static void
print_load_report (const char             *base_url,
                   const CsFhirLoadReport *report)
{
  g_autofree char *text = cs_fhir_load_report_to_string (report);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  /* the base URL holds no user:password (cs_fhir_client_new takes it out) */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i == 0)
        cs_cli_error ("%s: %s", base_url, lines[i]);
      else
        fprintf (stderr, "  %s\n", lines[i]);
    }
}

/* A server load: every patient, written to the offline cache as it streams
 * (committed only when the whole load succeeded) unless --no-cache. What
 * was fetched goes to stderr; a load cut short fails unless
 * --allow-incomplete. */
static gboolean
load_server (const char         *url,
             const char * const *types,
             CsStore            *store,
             GError            **error)
{
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(CsFhirLoadReport) report = NULL;
  CsFhirCohortSpec spec = { 0 };

  if (!(client = cs_fhir_client_new (url, error)))
    return FALSE;
  cs_fhir_client_configure_from_env (client);
  if (opt_max_pages >= 0)
    cs_fhir_client_set_max_pages (client, (guint) opt_max_pages);
  spec.kind = CS_FHIR_COHORT_ALL;
  if (opt_server_group != NULL)
    {
      spec.kind = CS_FHIR_COHORT_GROUP;
      spec.group_id = server_group_id ();
    }
  else if (opt_server_search != NULL)
    {
      spec.kind = CS_FHIR_COHORT_SEARCH;
      spec.patient_query = opt_server_search;
    }
  spec.resource_types = types;
  spec.write_cache = !opt_no_cache;

  /* A cache that cannot be written must not stop a pipeline: warn and load */
  if (spec.write_cache)
    {
      g_autofree char *dir = cs_fhir_cache_dir_for_url (cs_fhir_client_get_base_url (client));

      if (g_mkdir_with_parents (dir, 0700) != 0 || g_access (dir, W_OK) != 0)
        {
          int saved = errno;

          cs_cli_error (_("warning: cannot write the offline copy to %s (%s); loading without it"),
                        dir, g_strerror (saved));
          spec.write_cache = FALSE;
        }
    }

  if (!cs_fhir_client_load_cohort_full (client, &spec, store, NULL, NULL, &report, NULL, error))
    return FALSE;
  print_load_report (cs_fhir_client_get_base_url (client), report);
  if (!cs_fhir_load_report_is_complete (report) && !opt_allow_incomplete)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INCOMPLETE,
                   _("%s: the load is incomplete (see above); --allow-incomplete uses what was loaded, "
                     "--max-pages N follows more pages"), cs_fhir_client_get_base_url (client));
      return FALSE;
    }
  return TRUE;
}

CsStore *
cs_cli_load_sources (char   **sources,
                     GError **error)
{
  g_autoptr(CsStore) store = NULL;
  g_auto(GStrv) types = NULL;     /* --server-types, NULL: the server's */

  if (sources == NULL || sources[0] == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("No --source given: name a Bundle or NDJSON file, a directory or a FHIR server URL"));
      return NULL;
    }

  if (opt_server_group != NULL && opt_server_search != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--server-group and --server-search cannot be used together"));
      return NULL;
    }
  if (opt_server_types != NULL)
    {
      g_autoptr(GError) types_error = NULL;

      if (!(types = cs_fhir_parse_type_list (opt_server_types, &types_error)))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--server-types: %s", types_error->message);
          return NULL;
        }
    }
  if (opt_max_pages < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-pages: %d is not a number of pages (0 for no limit)"), opt_max_pages);
      return NULL;
    }
  if (opt_server_group != NULL && !cs_fhir_id_check (server_group_id (), -1, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--server-group: “%s” is not a FHIR id (1–64 letters, digits, “-” or “.”)"), opt_server_group);
      return NULL;
    }

  store = cs_store_new ();

  for (guint i = 0; sources[i] != NULL; i++)
    {
      const char *source = sources[i];
      gboolean cached = opt_offline;

      if (g_str_has_prefix (source, "cache:"))
        {
          source += strlen ("cache:");
          cached = TRUE;
          if (!is_url (source))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--source %s: cache: must be followed by the server’s http(s):// base URL"), sources[i]);
              return NULL;
            }
        }

      if (is_url (source) && cached && (opt_server_group != NULL || opt_server_search != NULL ||
                                        opt_server_types != NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--source %s: --server-group, --server-search and --server-types choose what a server "
                         "load fetches; the offline copy holds what the last load fetched"), sources[i]);
          return NULL;
        }
      if (is_url (source) && cached)
        {
          if (!cs_fhir_cache_open (source, store, NULL, NULL, error))
            return NULL;
        }
      else if (is_url (source))
        {
          if (!load_server (source, (const char * const *) types, store, error))
            return NULL;
        }
      else if (!cs_store_load_path (store, sources[i], NULL, NULL, NULL, error))
        {
          cs_cli_print_warnings (store);
          return NULL;
        }
      cs_cli_print_warnings (store);
    }

  cs_store_finish (store);

  /* --model: each model's score becomes a variable of the table */
  g_clear_pointer (&loaded_models, g_ptr_array_unref);
  loaded_models = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_cox_model_free);
  for (guint i = 0; opt_models != NULL && opt_models[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) models = cs_cox_model_load_all (opt_models[i], error);

      if (models == NULL)
        return NULL;
      /* loaded_models takes each model before it is used; the rest of a
       * file after a failure stay with models */
      while (models->len > 0)
        {
          CsCoxModel *model = g_ptr_array_steal_index (models, 0);

          g_ptr_array_add (loaded_models, model);
          if (!cs_cox_model_add_score (model, store, error))
            {
              g_prefix_error (error, "--model %s: ", opt_models[i]);
              return NULL;
            }
        }
    }

  return g_steal_pointer (&store);
}

GPtrArray *
cs_cli_get_models (void)
{
  return loaded_models;
}

void
cs_cli_report_missing_ids (const char *path,
                           GPtrArray  *missing)
{
  g_autoptr(GString) some = g_string_new (NULL);

  if (missing == NULL || missing->len == 0)
    return;
  for (guint i = 0; i < MIN (missing->len, 5); i++)
    g_string_append_printf (some, "%s%s", i > 0 ? ", " : "", (char *) g_ptr_array_index (missing, i));
  if (missing->len > 5)
    g_string_append (some, ", …");
  cs_cli_error (g_dngettext (GETTEXT_PACKAGE,
                             "%s: %u patient id is not in the sources (%s)",
                             "%s: %u patient ids are not in the sources (%s)", missing->len),
                path, missing->len, some->str);
}

int
cs_cli_cohort_rows (CsStore        *store,
                    const char     *open_path,
                    const char     *filter_text,
                    CsSavedCohort **opened_out,
                    GArray        **rows_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSavedCohort) opened = NULL;
  g_autoptr(CsBitset) rows = NULL;

  if (open_path != NULL)
    {
      g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);

      if (!(opened = cs_saved_cohort_load (open_path, &error)))
        {
          cs_cli_error ("%s", error->message);
          return CS_CLI_FAILED;
        }
      if (!(rows = cs_saved_cohort_select (opened, store, missing, &error)))
        {
          cs_cli_error ("%s: %s", open_path, error->message);
          return CS_CLI_FAILED;
        }
      cs_cli_report_missing_ids (open_path, missing);
    }

  if (filter_text != NULL && *filter_text != '\0')
    {
      g_autoptr(CsFilter) filter = NULL;
      g_autoptr(CsBitset) matched = NULL;

      if (!(filter = cs_filter_parse (filter_text, NULL, &error)) ||
          !(matched = cs_filter_evaluate (filter, store, &error)))
        {
          cs_cli_error (_("bad --filter: %s"), error->message);
          return g_error_matches (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX) ? CS_CLI_USAGE : CS_CLI_FAILED;
        }
      if (rows != NULL)
        cs_bitset_and (rows, matched);
      else
        rows = g_steal_pointer (&matched);
    }

  if (rows != NULL)
    *rows_out = cs_bitset_to_rows (rows);
  else
    {
      *rows_out = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < cs_store_get_n_patients (store); i++)
        g_array_append_val (*rows_out, i);
    }
  if (opened_out != NULL)
    *opened_out = g_steal_pointer (&opened);
  return CS_CLI_OK;
}

char **
cs_cli_split_list (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

GArray *
cs_cli_select_rows (CsStore     *store,
                    const char  *filter_text,
                    GError     **error)
{
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsBitset) rows = NULL;

  if (filter_text == NULL || *filter_text == '\0')
    {
      GArray *all = g_array_new (FALSE, FALSE, sizeof (guint));
      guint n = cs_store_get_n_patients (store);

      for (guint i = 0; i < n; i++)
        g_array_append_val (all, i);
      return all;
    }

  if (!(filter = cs_filter_parse (filter_text, NULL, error)))
    return NULL;
  if (!(rows = cs_filter_evaluate (filter, store, error)))
    return NULL;

  return cs_bitset_to_rows (rows);
}

CsVariable *
cs_cli_find_variable (CsStore    *store,
                      const char *option,
                      const char *key)
{
  CsVariable *var = cs_store_find_variable (store, key);

  if (var == NULL)
    cs_cli_error (_("%s: no variable “%s” in the data (list them with “cohortscope-cli variables”)"),
                  option, key);
  return var;
}

void
cs_cli_json_string (GString    *out,
                    const char *str)
{
  /* cs_json_append_escaped () writes the surrounding quotes itself. */
  cs_json_append_escaped (out, str, -1);
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: cohortscope-cli COMMAND [OPTION…]"));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “cohortscope-cli COMMAND --help” for the options of a command."));
}

int
main (int   argc,
      char *argv[])
{
  /* COHORTSCOPE_LOCALEDIR lets tests run the uninstalled build translated. */
  const char *localedir = g_getenv ("COHORTSCOPE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Numbers in machine output use '.' whatever the user's locale. */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      print_usage (stderr);
      return CS_CLI_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return CS_CLI_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("cohortscope-cli %s\n", PACKAGE_VERSION);
      return CS_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        return commands[i].run (argc - 1, argv + 1);
    }

  cs_cli_error (_("unknown command “%s”"), argv[1]);
  print_usage (stderr);
  return CS_CLI_USAGE;
}
