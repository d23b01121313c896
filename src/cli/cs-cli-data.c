/* cs-cli-data.c: `summary`, `variables` and `table`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs-cli.h"
#include "cs-csv.h"
#include "cs-filter.h"
#include "cs-ucum-display.h"

static gboolean
check_no_arguments (const char  *command,
                    int          argc,
                    char       **argv)
{
  if (argc > 1)
    {
      cs_cli_error (_("%s: unexpected argument “%s”"), command, argv[1]);
      return FALSE;
    }
  return TRUE;
}

static void
write_out (GString *out)
{
  fwrite (out->str, 1, out->len, stdout);
  g_string_truncate (out, 0);
}

/* ---------------------------------------------------------------- summary */

int
cs_cli_cmd_summary (int    argc,
                    char **argv)
{
  g_auto(GStrv) sources = NULL;
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *types;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &sources,
      N_("A Bundle or NDJSON file, a directory of them or a FHIR base URL (repeatable)"), N_("S") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Counts the resources by type, the patients and the variables."),
                             entries))
    return CS_CLI_USAGE;
  if (!check_no_arguments ("summary", argc, argv))
    return CS_CLI_USAGE;

  if ((store = cs_cli_load_sources (sources, &error)) == NULL)
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }

  types = cs_store_get_resource_types (store);
  if (json)
    {
      g_string_append (out, "{\"resources\":{");
      for (guint i = 0; i < types->len; i++)
        {
          const char *type = g_ptr_array_index (types, i);

          if (i > 0)
            g_string_append_c (out, ',');
          cs_cli_json_string (out, type);
          g_string_append_printf (out, ":%u", cs_store_count_resources (store, type));
        }
      g_string_append_printf (out, "},\"patients\":%u,\"variables\":%u}\n",
                              cs_store_get_n_patients (store), cs_store_get_n_variables (store));
    }
  else
    {
      g_string_append_printf (out, _("Patients: %u\n"), cs_store_get_n_patients (store));
      g_string_append_printf (out, _("Variables: %u\n"), cs_store_get_n_variables (store));
      g_string_append_printf (out, _("Resources: %u\n"), cs_store_get_n_resources (store));
      for (guint i = 0; i < types->len; i++)
        {
          const char *type = g_ptr_array_index (types, i);

          g_string_append_printf (out, "  %-28s %u\n", type, cs_store_count_resources (store, type));
        }
      cs_cli_print_warnings (store);
    }
  write_out (out);

  return CS_CLI_OK;
}

/* ---------------------------------------------------------------- variables */

static gboolean
is_condition_flag (const CsVariable *var)
{
  return var->type == CS_VARIABLE_BOOLEAN && g_strcmp0 (var->group, "Condition") == 0;
}

/* variables --patient ID: each derived value of the patient and how it came about */
static int
explain_patient (CsStore    *store,
                 const char *patient,
                 gboolean    json)
{
  g_autoptr(GString) out = g_string_new (NULL);
  int row = cs_store_find_patient (store, patient);
  guint n_shown = 0;

  if (row < 0)
    {
      cs_cli_error (_("--patient: no patient “%s” in the sources"), patient);
      return CS_CLI_FAILED;
    }
  if (json)
    g_string_append (out, "[");
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);
      g_autofree char *how = cs_store_explain_cell (store, var, (guint) row);
      g_autofree char *value = NULL;

      if (how == NULL)
        continue;
      value = cs_variable_format_cell (var, (guint) row, FALSE);
      if (json)
        {
          g_string_append (out, n_shown > 0 ? ",\n  {\"key\":" : "\n  {\"key\":");
          cs_cli_json_string (out, var->key);
          g_string_append (out, ",\"value\":");
          if (*value != '\0')
            cs_cli_json_string (out, value);
          else
            g_string_append (out, "null");
          g_string_append (out, ",\"derivation\":");
          cs_cli_json_string (out, how);
          g_string_append_c (out, '}');
        }
      else
        {
          const char *shown = *value != '\0' ? value : "–";

          /* pad by characters, not bytes ("–" is three) */
          g_string_append_printf (out, "%-32s %s%*s %s\n", var->key, shown,
                                  MAX (0, 12 - (int) g_utf8_strlen (shown, -1)), "", how);
        }
      n_shown++;
    }
  if (json)
    g_string_append (out, n_shown > 0 ? "\n]\n" : "]\n");
  write_out (out);
  return CS_CLI_OK;
}

int
cs_cli_cmd_variables (int    argc,
                      char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *patient = NULL;
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n, n_unknown;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &sources,
      N_("A Bundle or NDJSON file, a directory of them or a FHIR base URL (repeatable)"), N_("S") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient,
      N_("Instead: the patient’s derived values and how each was derived (which resources, elements and dates)"),
      N_("ID") },
    { NULL }
  };

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Lists the variables (columns) of the patient table: key, label, type, "
                               "unit, FHIR codes and the number of patients with a value."),
                             entries))
    return CS_CLI_USAGE;
  if (!check_no_arguments ("variables", argc, argv))
    return CS_CLI_USAGE;

  if ((store = cs_cli_load_sources (sources, &error)) == NULL)
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }

  if (patient != NULL)
    return explain_patient (store, patient, json);

  n = cs_store_get_n_variables (store);
  n_unknown = cs_store_count_patients_without_conditions (store);
  if (json)
    g_string_append (out, "[");
  for (guint i = 0; i < n; i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (json)
        {
          g_string_append (out, i > 0 ? ",\n  {\"key\":" : "\n  {\"key\":");
          cs_cli_json_string (out, var->key);
          g_string_append (out, ",\"label\":");
          cs_cli_json_string (out, var->label != NULL ? var->label : var->key);
          g_string_append (out, ",\"type\":");
          cs_cli_json_string (out, cs_variable_type_to_string (var->type));
          g_string_append (out, ",\"unit\":");
          if (var->unit != NULL)
            cs_cli_json_string (out, var->unit);
          else
            g_string_append (out, "null");
          /* the code for machines, and the unit as people write it */
          g_string_append (out, ",\"unit_display\":");
          if (var->unit != NULL)
            {
              g_autofree char *shown = cs_ucum_display (var->unit);

              cs_cli_json_string (out, shown);
            }
          else
            g_string_append (out, "null");
          g_string_append (out, ",\"codes\":[");
          for (guint j = 0; j < var->codes->len; j++)
            {
              if (j > 0)
                g_string_append_c (out, ',');
              cs_cli_json_string (out, g_ptr_array_index (var->codes, j));
            }
          g_string_append_printf (out, "],\"n\":%u", var->n);
          /* a condition flag: of its false values, those that mean "unknown" */
          if (is_condition_flag (var))
            g_string_append_printf (out, ",\"n_unknown\":%u", n_unknown);
          g_string_append_c (out, '}');
        }
      else
        {
          /* for reading: the unit as clinicians write it (°C, mm³); the
           * UCUM code is in --json */
          g_autofree char *shown = cs_ucum_display (var->unit);

          g_string_append_printf (out, "%-32s %-11s %6u  %s%s%s%s",
                                  var->key, cs_variable_type_to_string (var->type), var->n,
                                  var->label != NULL ? var->label : "",
                                  *shown != '\0' ? " [" : "",
                                  shown,
                                  *shown != '\0' ? "]" : "");
          if (is_condition_flag (var) && n_unknown > 0)
            g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, " (false for %u patient without any Condition: unknown)",
                                                      " (false for %u patients without any Condition: unknown)",
                                                      n_unknown),
                                    n_unknown);
          g_string_append_c (out, '\n');
        }
      if (out->len > 64 * 1024)
        write_out (out);
    }
  if (json)
    g_string_append (out, n > 0 ? "\n]\n" : "]\n");
  write_out (out);

  return CS_CLI_OK;
}

/* ---------------------------------------------------------------- table */

typedef enum
{
  FORMAT_CSV,
  FORMAT_TSV,
  FORMAT_JSON,
} TableFormat;

static void
append_tsv (GString    *out,
            const char *cell)
{
  /* TSV has no quoting: tabs and line breaks inside a cell become spaces. */
  for (const char *p = cell; *p != '\0'; p++)
    g_string_append_c (out, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
}

static void
append_cell (GString     *out,
             TableFormat  format,
             const char  *cell)
{
  if (format == FORMAT_CSV)
    cs_csv_append_field (out, cell, ',');
  else
    append_tsv (out, cell);
}

static void
append_json_value (GString          *out,
                   const CsVariable *var,
                   guint             row,
                   gboolean          labels)
{
  g_autofree char *cell = NULL;

  if (cs_variable_is_missing (var, row))
    {
      g_string_append (out, "null");
      return;
    }
  switch (var->type)
    {
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_SURVIVAL:
      if (!isfinite (var->num[row]))
        {
          g_string_append (out, "null");
          return;
        }
      cell = cs_variable_format_cell (var, row, labels);
      g_string_append (out, cell);
      return;
    case CS_VARIABLE_BOOLEAN:
      g_string_append (out, var->num[row] != 0.0 ? "true" : "false");
      return;
    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_DATE:
    default:
      cell = cs_variable_format_cell (var, row, labels);
      cs_cli_json_string (out, cell);
      return;
    }
}

static GPtrArray *
select_columns (CsStore     *store,
                const char  *columns,
                GError     **error)
{
  g_autoptr(GPtrArray) vars = g_ptr_array_new ();

  if (columns == NULL)
    {
      for (guint i = 0; i < cs_store_get_n_variables (store); i++)
        g_ptr_array_add (vars, cs_store_get_variable (store, i));
      return g_steal_pointer (&vars);
    }

  {
    g_auto(GStrv) keys = g_strsplit (columns, ",", -1);

    for (guint i = 0; keys[i] != NULL; i++)
      {
        const char *key = g_strstrip (keys[i]);
        CsVariable *var;

        if (*key == '\0')
          continue;
        if ((var = cs_store_lookup_variable (store, key)) == NULL
            && (var = cs_store_find_variable (store, key)) == NULL)
          {
            g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_VARIABLE,
                         _("unknown variable “%s”; run `cohortscope-cli variables` to list them"), key);
            return NULL;
          }
        g_ptr_array_add (vars, var);
      }
  }
  return g_steal_pointer (&vars);
}

int
cs_cli_cmd_table (int    argc,
                  char **argv)
{
  g_auto(GStrv) sources = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *format_name = NULL;
  gboolean labels = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) vars = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  TableFormat format = FORMAT_CSV;
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &sources,
      N_("A Bundle or NDJSON file, a directory of them or a FHIR base URL (repeatable)"), N_("S") },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter,
      N_("Only patients matching the filter expression"), N_("EXPR") },
    { "columns", 'c', 0, G_OPTION_ARG_STRING, &columns,
      N_("Comma-separated variable keys (default: all)"), N_("K1,K2") },
    { "labels", 0, 0, G_OPTION_ARG_NONE, &labels,
      N_("Print displays instead of codes for categorical values"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_("csv (default), tsv or json"), N_("FORMAT") },
    { NULL }
  };

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Prints the patient × variable table; the first column, “patient”, "
                               "is the Patient id. Missing values are empty cells (null in JSON)."),
                             entries))
    return CS_CLI_USAGE;
  if (!check_no_arguments ("table", argc, argv))
    return CS_CLI_USAGE;

  if (format_name == NULL || g_str_equal (format_name, "csv"))
    format = FORMAT_CSV;
  else if (g_str_equal (format_name, "tsv"))
    format = FORMAT_TSV;
  else if (g_str_equal (format_name, "json"))
    format = FORMAT_JSON;
  else
    {
      cs_cli_error (_("table: unknown --format “%s”: use csv, tsv or json"), format_name);
      return CS_CLI_USAGE;
    }

  if ((store = cs_cli_load_sources (sources, &error)) == NULL)
    {
      cs_cli_error ("%s", error->message);
      return cs_cli_exit_status (error);
    }
  if ((vars = select_columns (store, columns, &error)) == NULL)
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }
  if ((rows = cs_cli_select_rows (store, filter, &error)) == NULL)
    {
      cs_cli_error (_("--filter: %s"), error->message);
      return cs_cli_exit_status (error);
    }

  if (format == FORMAT_JSON)
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < rows->len; i++)
        {
          guint row = g_array_index (rows, guint, i);

          g_string_append (out, i > 0 ? ",\n  {\"patient\":" : "\n  {\"patient\":");
          cs_cli_json_string (out, cs_store_get_patient_id (store, row));
          for (guint j = 0; j < vars->len; j++)
            {
              CsVariable *var = g_ptr_array_index (vars, j);

              g_string_append_c (out, ',');
              cs_cli_json_string (out, var->key);
              g_string_append_c (out, ':');
              append_json_value (out, var, row, labels);
            }
          g_string_append_c (out, '}');
          if (out->len > 64 * 1024)
            write_out (out);
        }
      g_string_append (out, rows->len > 0 ? "\n]\n" : "]\n");
      write_out (out);
      return CS_CLI_OK;
    }

  {
    char sep = format == FORMAT_CSV ? ',' : '\t';

    append_cell (out, format, "patient");
    for (guint j = 0; j < vars->len; j++)
      {
        g_string_append_c (out, sep);
        append_cell (out, format, ((CsVariable *) g_ptr_array_index (vars, j))->key);
      }
    g_string_append_c (out, '\n');

    for (guint i = 0; i < rows->len; i++)
      {
        guint row = g_array_index (rows, guint, i);

        append_cell (out, format, cs_store_get_patient_id (store, row));
        for (guint j = 0; j < vars->len; j++)
          {
            g_autofree char *cell = cs_variable_format_cell (g_ptr_array_index (vars, j), row, labels);

            g_string_append_c (out, sep);
            append_cell (out, format, cell);
          }
        g_string_append_c (out, '\n');
        if (out->len > 64 * 1024)
          write_out (out);
      }
    write_out (out);
  }

  return CS_CLI_OK;
}
