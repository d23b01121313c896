/* cs-variable-item.h: one variable of a store as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_VARIABLE_ITEM (cs_variable_item_get_type ())
G_DECLARE_FINAL_TYPE (CsVariableItem, cs_variable_item, CS, VARIABLE_ITEM, GObject)

CsVariableItem *cs_variable_item_new          (CsStore        *store,
                                               guint           index);
CsStore        *cs_variable_item_get_store    (CsVariableItem *self);
guint           cs_variable_item_get_index    (CsVariableItem *self);
CsVariable     *cs_variable_item_get_variable (CsVariableItem *self);
/* Whether the variable is a column of the patient table ("shown" property). */
gboolean        cs_variable_item_get_shown    (CsVariableItem *self);
void            cs_variable_item_set_shown    (CsVariableItem *self,
                                               gboolean        shown);
/* Case-insensitive match of needle (already casefolded) in label, key or codes. */
gboolean        cs_variable_item_matches      (CsVariableItem *self,
                                               const char     *needle);

G_END_DECLS
