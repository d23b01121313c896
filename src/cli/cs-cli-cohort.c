/* cs-cli-cohort.c: `cohort` — the patients matching a filter
 *
 *   cohortscope-cli cohort --source S… --filter E [--group-out F] [--name N]
 *                          [--description D] [--save F] [--open F]
 *                          [--group-id ID] [--group-push [--dry-run]]
 *
 * Prints the matching Patient ids, one a line, in table order. --group-out
 * writes a FHIR R4 Group, --save a saved cohort (cohortscope-cohort/1).
 * --open reads a saved cohort, a FHIR Group or a list of Patient ids and
 * selects its members (and-ed with --filter when both are given).
 * --group-push uploads the Group to the --source server (which must be the
 * only source, so that its members are that server's Patients) as
 * PUT Group/<id>; the id is --group-id, the opened cohort's, or derived from
 * --name, so running the same command again updates the same Group. What
 * happened goes to stderr; stdout stays the list of ids.
 *
 * Exit status (docs/FILTERS.md): 2 for bad usage, including a filter that
 * does not parse; 1 when the filter does not fit the data (unknown
 * variable, type error), a file cannot be read or written, or a source fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cs-cli.h"
#include "cs-fhir-group.h"
#include "cs-fhir-id.h"
#include "cs-saved-cohort.h"

/* The filter on one line with a caret under the offending column. */
static void
print_caret (const char *text,
             guint       column)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint col = 1;

  if (column == 0 || strchr (text, '\n') != NULL || !g_utf8_validate (text, -1, NULL))
    return;

  for (const char *p = text; *p && col < column; p = g_utf8_next_char (p), col++)
    g_string_append_c (line, *p == '\t' ? '\t' : ' ');

  fprintf (stderr, "  %s\n  %s^\n", text, line->str);
}

static char *
describe_sources (char **sources)
{
  return g_strjoinv (", ", sources);
}

static gboolean
is_url (const char *source)
{
  return g_str_has_prefix (source, "http://") || g_str_has_prefix (source, "https://");
}

/* Uploads the Group to the source server; reports on stderr. */
static int
push_group (const char          *server,
            const CsSavedCohort *cohort,
            GPtrArray           *ids,
            gboolean             dry_run)
{
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *id = cs_saved_cohort_dup_group_id (cohort);
  CsFhirGroupChange change = CS_FHIR_GROUP_UNCHANGED;
  const char *what;

  if (!(client = cs_fhir_client_new (server, &error)))
    {
      cs_cli_error ("--group-push: %s", error->message);
      return CS_CLI_USAGE;
    }
  cs_fhir_client_configure_from_env (client);

  if (!cs_fhir_client_push_group (client, cohort, (const char *const *) ids->pdata, ids->len, dry_run,
                                  &change, &url, NULL, &error))
    {
      cs_cli_error ("--group-push: %s", error->message);
      return CS_CLI_FAILED;
    }

  switch (change)
    {
    case CS_FHIR_GROUP_CREATED:
      what = dry_run ? _("would be created") : _("created");
      break;
    case CS_FHIR_GROUP_UPDATED:
      what = dry_run ? _("would be updated") : _("updated");
      break;
    case CS_FHIR_GROUP_UNCHANGED:
    default:
      what = _("unchanged");
      break;
    }
  /* Translators: "cohortscope-cli: Group/<id> created: <url> (12 members)" */
  cs_cli_error (g_dngettext (GETTEXT_PACKAGE, "Group/%s %s: %s (%u member)", "Group/%s %s: %s (%u members)",
                             ids->len),
                id, what, url, ids->len);

  return CS_CLI_OK;
}

int
cs_cli_cmd_cohort (int    argc,
                   char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *filter_text = NULL;
  g_autofree char *group_out = NULL;
  g_autofree char *save_path = NULL;
  g_autofree char *open_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *group_id = NULL;
  gboolean group_push = FALSE;
  gboolean dry_run = FALSE;
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsSavedCohort) opened = NULL;
  g_autoptr(CsSavedCohort) cohort = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &sources,
      N_("Bundle or NDJSON file, directory or FHIR base URL (repeatable)"), N_("S") },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter_text,
      N_("Filter expression (see docs/FILTERS.md)"), N_("EXPR") },
    { "group-out", 0, 0, G_OPTION_ARG_FILENAME, &group_out,
      N_("Also write the cohort as a FHIR R4 Group to FILE"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Name of the cohort (Group.name, saved cohort name)"), N_("NAME") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_("Description stored with --save"), N_("TEXT") },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save_path,
      N_("Also save the cohort (name, filter, source) as JSON to FILE"), N_("FILE") },
    { "open", 0, 0, G_OPTION_ARG_FILENAME, &open_path,
      N_("Select the members of a saved cohort, a FHIR Group or a list of Patient ids"), N_("FILE") },
    { "group-id", 0, 0, G_OPTION_ARG_STRING, &group_id,
      N_("Id of the Group (default: the opened cohort’s, else derived from --name)"), N_("ID") },
    { "group-push", 0, 0, G_OPTION_ARG_NONE, &group_push,
      N_("Also upload the cohort as a FHIR Group to the --source server (PUT Group/ID: running it again updates the same Group)"),
      NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("With --group-push: only report whether the Group would be created, updated or left unchanged"), NULL },
    { NULL }
  };

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Prints the Patient ids matching a filter, one a line. --group-out writes the cohort as a "
                               "FHIR Group to a file; --group-push uploads it to the --source server, where "
                               "running the same command again updates the same Group."), entries))
    return CS_CLI_USAGE;

  if (argc > 1)
    {
      cs_cli_error (_("cohort: unexpected argument “%s” (did you mean --filter?)"), argv[1]);
      return CS_CLI_USAGE;
    }
  if (filter_text == NULL && open_path == NULL)
    {
      cs_cli_error ("%s", _("cohort: give --filter EXPR, --open FILE or both"));
      return CS_CLI_USAGE;
    }
  if (sources == NULL || sources[0] == NULL)
    {
      cs_cli_error ("%s", _("No --source given: name a Bundle or NDJSON file, a directory or a FHIR server URL"));
      return CS_CLI_USAGE;
    }
  if (group_id != NULL && !cs_fhir_id_check (group_id, -1, NULL))
    {
      cs_cli_error (_("--group-id: “%s” is not a FHIR id (1–64 letters, digits, “-” or “.”)"), group_id);
      return CS_CLI_USAGE;
    }
  if (dry_run && !group_push)
    {
      cs_cli_error ("%s", _("cohort: --dry-run only applies to --group-push"));
      return CS_CLI_USAGE;
    }
  if (group_push && (g_strv_length (sources) != 1 || !is_url (sources[0])))
    {
      cs_cli_error ("%s", _("--group-push needs exactly one --source, a FHIR server URL: the Group’s members are "
                            "references to that server’s Patients (to upload elsewhere, use --group-out FILE and "
                            "push --server URL FILE)"));
      return CS_CLI_USAGE;
    }
  if (group_push && name == NULL && group_id == NULL && open_path == NULL)
    {
      cs_cli_error ("%s", _("--group-push needs --name NAME or --group-id ID: the Group’s id comes from them, so "
                            "that running the command again updates the same Group"));
      return CS_CLI_USAGE;
    }

  /* A filter that does not parse is bad usage: say so before loading anything. */
  if (filter_text != NULL)
    {
      guint column = 0;

      if (!(filter = cs_filter_parse (filter_text, &column, &error)))
        {
          cs_cli_error (_("bad --filter: %s"), error->message);
          print_caret (filter_text, column);
          return CS_CLI_USAGE;
        }
    }

  if (open_path != NULL && !(opened = cs_saved_cohort_load (open_path, &error)))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }

  if (!(store = cs_cli_load_sources (sources, &error)))
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }

  if (opened != NULL)
    {
      missing = g_ptr_array_new_with_free_func (g_free);
      if (!(rows = cs_saved_cohort_select (opened, store, missing, &error)))
        {
          cs_cli_error ("%s: %s", open_path, error->message);
          return CS_CLI_FAILED;
        }
      cs_cli_report_missing_ids (open_path, missing);
    }

  if (filter != NULL)
    {
      g_autoptr(CsBitset) matched = cs_filter_evaluate (filter, store, &error);

      if (matched == NULL)
        {
          cs_cli_error (_("bad --filter: %s"), error->message);
          return CS_CLI_FAILED;
        }
      if (rows != NULL)
        cs_bitset_and (rows, matched);
      else
        rows = g_steal_pointer (&matched);
    }

  ids = g_ptr_array_sized_new (cs_bitset_count (rows));
  out = g_string_new (NULL);
  CS_BITSET_FOREACH (rows, row)
    {
      const char *id = cs_store_get_patient_id (store, row);

      g_ptr_array_add (ids, (gpointer) id);
      g_string_append (out, id);
      g_string_append_c (out, '\n');
    }

  /* The cohort as it will be recorded in the Group and the saved file */
  if (opened != NULL && filter_text == NULL)
    cohort = cs_saved_cohort_copy (opened);
  else
    {
      g_autofree char *canonical = cs_filter_to_string (filter);

      if (opened != NULL && opened->filter != NULL && opened->patient_ids == NULL)
        {
          /* both filters: record their conjunction */
          g_autofree char *both = g_strdup_printf ("(%s) and (%s)", opened->filter, canonical);
          g_autoptr(CsFilter) parsed = cs_filter_parse (both, NULL, NULL);

          g_clear_pointer (&canonical, g_free);
          canonical = parsed != NULL ? cs_filter_to_string (parsed) : g_strdup (both);
        }
      cohort = cs_saved_cohort_new (name != NULL ? name : (opened != NULL ? opened->name : _("Cohort")),
                                    canonical);
      if (opened != NULL && opened->patient_ids != NULL)
        {
          /* a frozen list narrowed by a filter stays a list */
          cohort->patient_ids = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; i < ids->len; i++)
            g_ptr_array_add (cohort->patient_ids, g_strdup (g_ptr_array_index (ids, i)));
        }
    }
  if (name != NULL)
    {
      g_free (cohort->name);
      cohort->name = g_strdup (name);
    }
  if (description != NULL)
    {
      g_free (cohort->description);
      cohort->description = g_strdup (description);
    }
  g_free (cohort->source);
  cohort->source = describe_sources (sources);
  /* A stable Group id, recorded in the Group and the saved file */
  if (group_id != NULL)
    {
      g_free (cohort->id);
      cohort->id = g_strdup (group_id);
    }
  else if (cohort->id == NULL)
    cohort->id = cs_saved_cohort_make_group_id (cohort->name);

  if (group_out != NULL)
    {
      g_autofree char *group = cs_saved_cohort_to_group (cohort, (const char *const *) ids->pdata, ids->len);

      if (!g_file_set_contents (group_out, group, -1, &error))
        {
          cs_cli_error ("--group-out: %s", error->message);
          return CS_CLI_FAILED;
        }
    }

  if (save_path != NULL && !cs_saved_cohort_save (cohort, save_path, &error))
    {
      cs_cli_error ("--save: %s", error->message);
      return CS_CLI_FAILED;
    }

  if (group_push)
    {
      int status = push_group (sources[0], cohort, ids, dry_run);

      if (status != CS_CLI_OK)
        return status;
    }

  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);

  return CS_CLI_OK;
}
