/* cs-variable-picker.h: the popover that adds a variable to the filter sidebar
 *
 * A search entry over the store's variables (all but time-to-event ones,
 * which have no control), filtered as one types by label, key or code like
 * the Cohort view's variable list. Activating a row, or Enter in the search
 * for the first row, emits "variable-activated" with the variable's key and
 * closes the popover.
 *
 * Accessible names: "Search variables to filter", "Variables to filter".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_VARIABLE_PICKER (cs_variable_picker_get_type ())
G_DECLARE_FINAL_TYPE (CsVariablePicker, cs_variable_picker, CS, VARIABLE_PICKER, GtkPopover)

GtkWidget  *cs_variable_picker_new       (void);
/* NULL empties the list. */
void        cs_variable_picker_set_store (CsVariablePicker *self,
                                          CsStore          *store);
/* The rows as shown for the current search: CsVariableItem. */
GListModel *cs_variable_picker_get_model (CsVariablePicker *self);

G_END_DECLS
