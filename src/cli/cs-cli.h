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
#include "cs-saved-cohort.h"
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
 * into one finished store; returns NULL with error set. Warnings of the
 * loading itself (files of a folder skipped as not FHIR) go to stderr at
 * once (cs_cli_print_warnings()). */
CsStore   *cs_cli_load_sources    (char          **sources,
                                   GError        **error);

/* Prints the store's warnings not printed before to stderr, one
 * "warning: MESSAGE" line each. */
void       cs_cli_print_warnings  (CsStore        *store);

/* The models read by --model (CsCoxModel*, in the order given), after
 * cs_cli_load_sources(); their scores are variables of its store. */
GPtrArray *cs_cli_get_models      (void);

/* The rows of a cohort: --open FILE (a saved cohort, a FHIR Group or a list
 * of Patient ids; ids missing from the data are reported on stderr)
 * and-ed with --filter; every patient without either. Prints the error
 * and returns the exit status on failure. opened_out (may be NULL) gets
 * the opened cohort. */
int        cs_cli_cohort_rows     (CsStore        *store,
                                   const char     *open_path,
                                   const char     *filter_text,
                                   CsSavedCohort **opened_out,
                                   GArray        **rows_out);
/* "PATH: N patient ids are not in the sources (a, b, …)" on stderr when
 * missing (char*) is not empty. */
void       cs_cli_report_missing_ids (const char  *path,
                                   GPtrArray      *missing);
/* "a, b,,c" → {"a", "b", "c"} */
char     **cs_cli_split_list      (const char     *text);

/* CS_CLI_USAGE for a bad option value (G_OPTION_ERROR) or a filter that
 * does not parse, else CS_CLI_FAILED. */
int        cs_cli_exit_status     (const GError   *error);

/* A progress line on stderr: on a terminal (tty) over the last one, whose
 * width (in characters) *width keeps, else on a line of its own. */
void       cs_cli_progress_line   (gboolean        tty,
                                   gsize          *width,
                                   const char     *line);

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

/* The outcome of `survival`, `chart --kind km`, `cox`: --time a numeric or
 * time-to-event variable, --event (boolean or numeric 0/1) needed unless
 * --time brings its own events. Prints the error and returns the exit
 * status on failure. */
int        cs_cli_find_outcome    (CsStore          *store,
                                   const char       *time_key,
                                   const char       *event_key,
                                   CsVariable      **time_out,
                                   CsVariable      **event_out);
/* When error is an event other than 0/1 or a negative time
 * (CS_ANALYSIS_ERROR_EVENT, _NEGATIVE_TIME), prints it naming the option,
 * the variable and the patient, and returns TRUE. */
gboolean   cs_cli_outcome_error   (CsStore          *store,
                                   const GError     *error,
                                   const CsVariable *tvar,
                                   const CsVariable *evar,
                                   guint             bad_row,
                                   double            bad_value);

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

/* The options `cox` and `chart --kind forest` share (option strings) */
typedef struct
{
  char  *time_key;
  char  *event_key;
  char  *covariates;    /* "K1,K2" */
  char **references;    /* "KEY=LEVEL", repeatable */
  char  *strata;        /* "K1,K2" */
  char  *time_unit;     /* "days", "months", "years" or NULL: the time variable's unit */
} CsCliCoxOptions;

void cs_cli_cox_options_clear (CsCliCoxOptions *o);

/* A fitted Cox model and what it was fitted on */
typedef struct
{
  const CsVariable *time_var;
  const CsVariable *event_var;
  GPtrArray        *covariates;   /* CsVariable* */
  GPtrArray        *strata;       /* CsVariable* */
  CsCoxInput       *input;
  CsCoxFit         *fit;
  CsCoxZph         *zph;
  /* The time scale of what is reported (the hazard ratios do not depend on
   * it): the UCUM code, and medians over the model's rows in it (NAN when
   * not reached): survival (Kaplan–Meier) and follow-up (reverse KM) */
  const char       *time_unit;
  double            median_survival;
  double            median_follow_up;
} CsCliCox;

void cs_cli_cox_clear (CsCliCox *cox);

/* A median with its unit for reading ("23.33 months"), or "not reached" */
char *cs_cli_format_median (double      value,
                            const char *unit);

/* Resolves the variables of o, builds the design over rows
 * (cs_cox_input_build, strict) and fits it with its cox.zph test. Prints
 * the error and returns the exit status on failure; cox is cleared with
 * cs_cli_cox_clear() in any case. */
int  cs_cli_cox_prepare       (CsStore               *store,
                               GArray                *rows,
                               const CsCliCoxOptions *o,
                               CsAnalysisFlags        flags,
                               CsCliCox              *cox);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsCliCoxOptions, cs_cli_cox_options_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsCliCox, cs_cli_cox_clear)

int cs_cli_cmd_summary   (int argc, char **argv);
int cs_cli_cmd_variables (int argc, char **argv);
int cs_cli_cmd_table     (int argc, char **argv);
int cs_cli_cmd_demo      (int argc, char **argv);
int cs_cli_cmd_cohort    (int argc, char **argv);
int cs_cli_cmd_stats     (int argc, char **argv);
int cs_cli_cmd_correlate (int argc, char **argv);
int cs_cli_cmd_survival  (int argc, char **argv);
int cs_cli_cmd_cox       (int argc, char **argv);
int cs_cli_cmd_score     (int argc, char **argv);
int cs_cli_cmd_chart     (int argc, char **argv);
int cs_cli_cmd_push      (int argc, char **argv);
int cs_cli_cmd_map       (int argc, char **argv);

G_END_DECLS
