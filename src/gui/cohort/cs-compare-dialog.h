/* cs-compare-dialog.h: "Compare Cohorts", two cohorts variable by variable
 *
 * Two drop-downs choose among the current cohort, the rest of the patients
 * and the saved cohorts of the builder; the table shows the size of both,
 * their overlap, and per variable the mean ± SD (numbers), the mean date,
 * "n yes of m" (booleans) or the count and share of each of the first eight
 * values (categorical). A choice reads the builder's cohort as it is then.
 *
 * Accessible names: "First cohort", "Second cohort", "Comparison table".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-cohort-builder.h"

G_BEGIN_DECLS

#define CS_TYPE_COMPARE_DIALOG (cs_compare_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsCompareDialog, cs_compare_dialog, CS, COMPARE_DIALOG, GtkWindow)

/* For a builder with a store; transient for the builder's window. */
GtkWidget *cs_compare_dialog_new (CsCohortBuilder *builder);

G_END_DECLS
