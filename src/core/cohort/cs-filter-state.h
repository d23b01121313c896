/* cs-filter-state.h: the filter being built in the Cohort view
 *
 * A list of clauses AND-ed together, one per control of the filter
 * sidebar (a numeric or date range, a set of levels, missing/present) plus
 * "advanced" clauses holding any other expression as text. The state
 * converts to filter text (the grammar of cs-filter.h) and back: a simple
 * conjunction becomes one clause per conjunct (a ">=" and a "<=" on the same
 * variable merge into one range); anything else (or, not, parentheses) is
 * kept as an advanced clause. Every edit can be undone; edits between
 * cs_filter_state_begin_group() and _end_group() (a drag) undo as one.
 * "changed" is emitted after every edit that changes the clauses.
 *
 * No GTK here: the GUI evaluates get_text() with cs_filter_parse() and
 * cs_filter_evaluate(), coalesced per frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "cs-variable.h"

G_BEGIN_DECLS

typedef enum
{
  CS_CLAUSE_RANGE,      /* key >= lo and key <= hi (either side may be open) */
  CS_CLAUSE_LEVELS,     /* key = v or key in (v, …) */
  CS_CLAUSE_MISSING,    /* key is missing / key is not missing */
  CS_CLAUSE_ADVANCED,   /* any other expression, as text */
} CsClauseKind;

typedef enum
{
  CS_LITERAL_STRING,
  CS_LITERAL_NUMBER,
  CS_LITERAL_BOOLEAN,
} CsLiteralKind;

typedef struct
{
  CsClauseKind   kind;
  char          *key;        /* NULL for ADVANCED */

  /* RANGE: NAN = open side; dates in days since 1970-01-01 */
  double         lo, hi;
  gboolean       lo_strict;  /* ">" instead of ">=" */
  gboolean       hi_strict;  /* "<" instead of "<=" */
  gboolean       is_date;

  /* LEVELS: values as text (strings unquoted, numbers as written, "true"/"false") */
  GPtrArray     *values;
  CsLiteralKind  literal;
  gboolean       in_form;    /* written with "in" even for one value */

  /* MISSING: TRUE = "is missing", FALSE = "is not missing" */
  gboolean       missing;

  /* ADVANCED: the expression */
  char          *text;
} CsFilterClause;

#define CS_TYPE_FILTER_STATE (cs_filter_state_get_type ())
G_DECLARE_FINAL_TYPE (CsFilterState, cs_filter_state, CS, FILTER_STATE, GObject)

CsFilterState        *cs_filter_state_new          (void);

/* The filter text ("" when there is no clause). */
const char           *cs_filter_state_get_text     (CsFilterState  *self);
/* Replaces every clause by those of text (one undoable edit). On a syntax
 * error nothing changes and error_column (may be NULL) gets the column. */
gboolean              cs_filter_state_set_text     (CsFilterState  *self,
                                                    const char     *text,
                                                    guint          *error_column,
                                                    GError        **error);

guint                 cs_filter_state_get_n_clauses (CsFilterState *self);
const CsFilterClause *cs_filter_state_get_clause   (CsFilterState  *self,
                                                    guint           index);
/* Index of the first clause of that kind on key, or -1. */
int                   cs_filter_state_find_clause  (CsFilterState  *self,
                                                    const char     *key,
                                                    CsClauseKind    kind);
/* Index of the first clause of that kind on var, or -1: a clause names var
 * by its key or, as the evaluator resolves names, by one of its codes
 * (system|code, or the code alone); one by its key comes first. */
int                   cs_filter_state_find_variable_clause (CsFilterState    *self,
                                                            const CsVariable *var,
                                                            CsClauseKind      kind);
/* Whether a LEVELS clause selects a value of var as the evaluator reads
 * the clause (cs-filter.h): level indexes var->levels for a categorical
 * variable (a value selects a level by its code, or its display in any
 * case: "I" selects the level coded "1" and shown "I"); for a boolean
 * one level 0 is false and 1 is true (true, 1 or "True" select true).
 * FALSE for NULL or another kind of clause. */
gboolean              cs_filter_clause_selects_level (const CsFilterClause *clause,
                                                      const CsVariable     *var,
                                                      guint                 level);
/* Text of one clause as it appears in get_text() (without parentheses). */
char                 *cs_filter_clause_to_text     (const CsFilterClause *clause);
/* The number of a LEVELS clause that holds one number ("age = 60"), the
 * one a range card shows as 60 – 60; FALSE for any other clause. */
gboolean              cs_filter_clause_get_number_value (const CsFilterClause *clause,
                                                         double               *value);

/* Edits. Each replaces the clause of that kind on key, or appends one;
 * an empty range (both sides NAN) or an empty level set removes it. A
 * range's side that keeps its value keeps its ">" or "<". */
void                  cs_filter_state_set_range    (CsFilterState  *self,
                                                    const char     *key,
                                                    double          lo,
                                                    double          hi,
                                                    gboolean        is_date);
void                  cs_filter_state_set_levels   (CsFilterState  *self,
                                                    const char     *key,
                                                    CsLiteralKind   literal,
                                                    const char * const *values,
                                                    guint           n_values);
/* Adds value to the key's level set or removes it when present. */
void                  cs_filter_state_toggle_level (CsFilterState  *self,
                                                    const char     *key,
                                                    CsLiteralKind   literal,
                                                    const char     *value);
/* The value level of var (as in cs_filter_clause_selects_level()) in or
 * out of var's level set, as a check box or a bar does it: a level that
 * the set selects leaves it with every value that selects it (its code,
 * its display, …); another one joins it as its code (true or false for a
 * boolean). The set keeps the key it was written with. */
void                  cs_filter_state_toggle_variable_level (CsFilterState    *self,
                                                             const CsVariable *var,
                                                             guint             level);
void                  cs_filter_state_set_missing  (CsFilterState  *self,
                                                    const char     *key,
                                                    gboolean        missing);
void                  cs_filter_state_remove_clause (CsFilterState *self,
                                                    guint           index);
/* Removes every clause on key; FALSE if there was none. */
gboolean              cs_filter_state_remove_key   (CsFilterState  *self,
                                                    const char     *key);
/* Removes every clause on var (by its key or a code, as
 * cs_filter_state_find_variable_clause()); FALSE if there was none. */
gboolean              cs_filter_state_remove_variable (CsFilterState    *self,
                                                       const CsVariable *var);
void                  cs_filter_state_clear        (CsFilterState  *self);

/* Undo/redo */
void                  cs_filter_state_begin_group  (CsFilterState  *self);
void                  cs_filter_state_end_group    (CsFilterState  *self);
gboolean              cs_filter_state_can_undo     (CsFilterState  *self);
gboolean              cs_filter_state_can_redo     (CsFilterState  *self);
gboolean              cs_filter_state_undo         (CsFilterState  *self);
gboolean              cs_filter_state_redo         (CsFilterState  *self);

/* Days since 1970-01-01 of "YYYY-MM-DD"; FALSE if it is not a valid date. */
gboolean              cs_filter_parse_date         (const char     *text,
                                                    double         *days);
/* "YYYY-MM-DD" of whole days since 1970-01-01 (fraction dropped). */
char                 *cs_filter_format_date        (double          days);

G_END_DECLS
