/* cs-variable-counts.h: a variable counted for the cohort builder's charts
 *
 * The small charts of the cohort builder show the whole table muted and the
 * current cohort over it. Categorical and boolean variables count patients
 * per value (bars), numeric and date ones per bin of a fixed binning of the
 * whole table (a histogram, so bins stay put while a filter changes). The
 * counts of the whole table are made once; cs_variable_counts_update()
 * counts the cohort on every evaluation (one pass over its rows).
 *
 * Plain C, no GTK: the dashboard charts and the filter cards share it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bitset.h"
#include "cs-filter-state.h"
#include "cs-variable.h"

G_BEGIN_DECLS

/* Values of a categorical variable shown as bars or check boxes; the rest
 * is left to the expression field. */
#define CS_VARIABLE_COUNTS_MAX_LEVELS 40
/* Bins of a numeric or date variable */
#define CS_VARIABLE_COUNTS_BINS       24

typedef struct
{
  CsVariable    *var;        /* owned by the store */
  gboolean       bars;       /* categorical, boolean; else a histogram */
  guint          n;          /* bars: values; histogram: bins */
  double        *all;        /* n counts of the whole table */
  double        *selected;   /* n counts of the cohort */

  /* bars */
  char         **labels;     /* n displays (NULL-terminated) */
  char         **values;     /* n values as the filter writes them: codes, "false" / "true" */
  CsLiteralKind  literal;
  guint          n_more;     /* values past CS_VARIABLE_COUNTS_MAX_LEVELS */

  /* histogram */
  double         start;      /* bin i is [start + i·width, start + (i + 1)·width) */
  double         width;
  gboolean       is_date;
} CsVariableCounts;

/* The counts of var with the whole table as the cohort; NULL when there is
 * nothing to count (a survival variable, or a numeric one without a value). */
CsVariableCounts *cs_variable_counts_new    (CsVariable             *var);
void              cs_variable_counts_free   (CsVariableCounts       *self);
/* Counts the rows of the cohort (NULL: every patient). */
void              cs_variable_counts_update (CsVariableCounts       *self,
                                             const CsBitset         *rows);
/* The bar of a value or (ignoring case) a display; -1 for none. */
int               cs_variable_counts_find   (const CsVariableCounts *self,
                                             const char             *level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsVariableCounts, cs_variable_counts_free)

G_END_DECLS
