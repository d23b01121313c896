/* cs-cli.h: shared pieces of cohortscope-cli
 *
 * Each command is `int cs_cli_cmd_NAME (int argc, char **argv)` where argv[0]
 * is the command name; it returns the process exit status:
 * CS_CLI_OK (0), CS_CLI_FAILED (1: bad data, failed operation, message on
 * stderr naming where), CS_CLI_USAGE (2: bad usage). One rule for every
 * command: what is wrong whatever the data (a missing or malformed option,
 * an unknown method, a filter that does not parse) is 2; what does not fit
 * the loaded data (an unknown variable, a variable of a type the option or
 * method cannot use, too many groups) is 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-analysis.h"
#include "cs-store.h"

G_BEGIN_DECLS

enum { CS_CLI_OK = 0, CS_CLI_FAILED = 1, CS_CLI_USAGE = 2 };

/* Parses argv with entries (g_option_context); on --help prints and exits 0;
 * on a bad option prints the error and the usage hint to stderr and returns FALSE. */
gboolean   cs_cli_parse_options   (int            *argc,
                                   char         ***argv,
                                   const char     *parameter_string,
                                   const char     *summary,
                                   const GOptionEntry *entries);

/* Loads every --source (files, NDJSON, directories, http(s):// base URLs)
 * into one finished store. Prints nothing; returns NULL with error set. */
CsStore   *cs_cli_load_sources    (char          **sources,
                                   GError        **error);

/* CS_CLI_USAGE for a bad option value (G_OPTION_ERROR) or a filter that
 * does not parse, else CS_CLI_FAILED. */
int        cs_cli_exit_status     (const GError   *error);

/* Prints "cohortscope-cli: MESSAGE" to stderr. */
void       cs_cli_error           (const char     *format,
                                   ...) G_GNUC_PRINTF (1, 2);

/* Loads the sources, then returns the rows matching filter (all rows when
 * filter is NULL or empty) as a GArray of guint. */
GArray    *cs_cli_select_rows     (CsStore        *store,
                                   const char     *filter,
                                   GError        **error);

/* cs_store_find_variable(), printing "OPTION: no variable “KEY” …" to stderr
 * when there is none (then exit with CS_CLI_FAILED). */
CsVariable *cs_cli_find_variable  (CsStore        *store,
                                   const char     *option,
                                   const char     *key);

/* Writes a JSON string literal (with quotes) to out. */
void       cs_cli_json_string     (GString        *out,
                                   const char     *str);

/* The Kaplan–Meier input of `survival` and `chart --kind km` (strict:
 * bad events and negative times are errors); split is the whole --split
 * text (K:HOW) or NULL. Prints the error and returns the exit status on
 * failure, CS_CLI_OK on success. */
int        cs_cli_survival_input  (CsStore          *store,
                                   GArray           *rows,
                                   const CsVariable *tvar,
                                   const CsVariable *evar,
                                   const CsVariable *gvar,
                                   const char       *split,
                                   const char       *all_label,
                                   CsAnalysisFlags   flags,
                                   CsSurvivalInput **input_out);

int cs_cli_cmd_summary   (int argc, char **argv);
int cs_cli_cmd_variables (int argc, char **argv);
int cs_cli_cmd_table     (int argc, char **argv);
int cs_cli_cmd_demo      (int argc, char **argv);
int cs_cli_cmd_cohort    (int argc, char **argv);
int cs_cli_cmd_stats     (int argc, char **argv);
int cs_cli_cmd_correlate (int argc, char **argv);
int cs_cli_cmd_survival  (int argc, char **argv);
int cs_cli_cmd_chart     (int argc, char **argv);
int cs_cli_cmd_push      (int argc, char **argv);
int cs_cli_cmd_map       (int argc, char **argv);

G_END_DECLS
