/* cs-filter.h: cohort filter expressions (grammar and semantics in DESIGN.md)
 *
 *   expr := expr "or" expr | expr "and" expr | "not" expr | "(" expr ")" | pred
 *   pred := var op lit | var "in" "(" lit ("," lit)* ")" | var "is" ["not"] "missing"
 *
 * Three-valued logic: comparisons with missing values are unknown; only rows
 * that evaluate to true are in the cohort.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bitset.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_FILTER_ERROR (cs_filter_error_quark ())

typedef enum
{
  CS_FILTER_ERROR_SYNTAX,            /* message names the 1-based column of the token */
  CS_FILTER_ERROR_UNKNOWN_VARIABLE,
  CS_FILTER_ERROR_TYPE,              /* e.g. "<" on a categorical variable */
  CS_FILTER_ERROR_FAILED,            /* the columns do not fit the table (row counts differ) */
} CsFilterError;

typedef struct _CsFilter CsFilter;

GQuark     cs_filter_error_quark   (void);

/* Parses text. error_column (1-based, may be NULL) receives the column of the
 * offending token on a syntax error. */
CsFilter  *cs_filter_parse         (const char     *text,
                                    guint          *error_column,
                                    GError        **error);
void       cs_filter_free          (CsFilter       *self);
/* Canonical text form (parses back to the same filter). */
char      *cs_filter_to_string     (const CsFilter *self);
/* The filter in words, for chart captions and the cohort headline:
 * "Clinical stage group IIIA or IIIB, Age at diagnosis 55–75 years".
 * Variables by their labels (the key when store is NULL or lacks it),
 * levels by their displays, numbers with the unit for reading, a lower and
 * an upper bound on one variable as a range, true/false conditions as the
 * condition or "not" it. Conditions of an "and" are joined by ", ". Not
 * meant to be parsed: exports keep cs_filter_to_string(). */
char      *cs_filter_describe      (const CsFilter *self,
                                    CsStore        *store);
/* Keys of the variables it names (char*, owned by the filter). */
GPtrArray *cs_filter_get_variables (const CsFilter *self);

/* Resolves variables against the store and evaluates; returns the rows that are true. */
CsBitset  *cs_filter_evaluate      (const CsFilter *self,
                                    CsStore        *store,
                                    GError        **error);

/* Structural equality (the columns recorded for error messages are ignored). */
gboolean   cs_filter_equal         (const CsFilter *a,
                                    const CsFilter *b);

/* Evaluates against bare columns: n_variables variables, each with n_rows
 * values. A name in the filter resolves to the variable with that key, else
 * to one whose codes hold it ("system|code" or only "code"). When unknown is
 * not NULL it receives the rows whose value is unknown (missing values).
 * cs_filter_evaluate() is this over the store's variables. */
CsBitset  *cs_filter_evaluate_columns (const CsFilter    *self,
                                       CsVariable *const *variables,
                                       guint              n_variables,
                                       guint              n_rows,
                                       CsBitset         **unknown,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFilter, cs_filter_free)

G_END_DECLS
