/* cs-coverage-dialog.h: "Data Coverage", values present per variable
 *
 * For the current cohort (as it was when the dialog opened), the share and
 * number of patients with a value of each variable, with a check box per
 * variable; "Keep Complete Cases for the Ticked Variables" adds an
 * "is not missing" clause for each ticked one to the builder's filter (one
 * undo step).
 *
 * Accessible names: the check boxes by their variables' labels, the level
 * bars by their text ("93% (372)").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-cohort-builder.h"

G_BEGIN_DECLS

#define CS_TYPE_COVERAGE_DIALOG (cs_coverage_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsCoverageDialog, cs_coverage_dialog, CS, COVERAGE_DIALOG, GtkWindow)

/* For a builder with a store; transient for the builder's window. */
GtkWidget *cs_coverage_dialog_new (CsCohortBuilder *builder);

G_END_DECLS
