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
#include "cs-filter.h"
#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
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
  { "chart",     cs_cli_cmd_chart,     N_("Render a chart to PNG, SVG or PDF") },
  { "map",       cs_cli_cmd_map,       N_("Map CSV tables to FHIR resources with a mapping file") },
  { "push",      cs_cli_cmd_push,      N_("Upload a Bundle or NDJSON file to a FHIR server") },
  { "demo",      cs_cli_cmd_demo,      N_("Write the synthetic demo cohort as a FHIR Bundle") },
};

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

/* Source options every command with --source takes (see cs_cli_parse_options) */
static gboolean opt_no_cache;
static gboolean opt_offline;
static char *opt_server_group;
static char *opt_server_search;
static char *opt_server_types;

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

/* A server load: every patient, written to the offline cache as it streams
 * (committed only when the whole load succeeded) unless --no-cache. */
static gboolean
load_server (const char         *url,
             const char * const *types,
             CsStore            *store,
             GError            **error)
{
  g_autoptr(CsFhirClient) client = NULL;
  CsFhirCohortSpec spec = { 0 };

  if (!(client = cs_fhir_client_new (url, error)))
    return FALSE;
  cs_fhir_client_configure_from_env (client);
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

  return cs_fhir_client_load_cohort (client, &spec, store, NULL, NULL, NULL, error);
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
  if (opt_server_group != NULL && !cs_saved_cohort_is_valid_id (server_group_id ()))
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
        return NULL;
    }

  cs_store_finish (store);

  return g_steal_pointer (&store);
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
