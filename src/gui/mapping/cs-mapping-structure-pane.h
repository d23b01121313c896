/* cs-mapping-structure-pane.h: the mapping as a tree, edited
 *
 * The Structure view of the Mapping page's editor: the inputs (role, key,
 * joins), the resources (type, id policy, condition) and their templates'
 * elements with where each value comes from, in a GtkTreeListModel. The
 * controls under the tree edit the selected row through the core's edits
 * (cs-mapping-structure.h): an element's value from a column, a fixed
 * value, a value map or a code from the code picker; conditions; an
 * input's key and join; a resource's id policy; adding and removing
 * elements and resources. Each edit emits "replace-mapping" (the whole new
 * text) for the page to apply as one undoable edit; a refused edit emits
 * "show-error" (heading, message, hint).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-structure.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_STRUCTURE_PANE (cs_mapping_structure_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingStructurePane, cs_mapping_structure_pane, CS, MAPPING_STRUCTURE_PANE, GtkBox)

/* The mapping text, shown again (the selected row is kept when its path
 * is still there); a text that is not a JSON object shows the reason. */
void        cs_mapping_structure_pane_set_text    (CsMappingStructurePane *self,
                                                   const char             *text,
                                                   const char             *base_dir);
/* The columns the column drop-down offers (the table's), NULL for none. */
void        cs_mapping_structure_pane_set_columns (CsMappingStructurePane *self,
                                                   const CsTableProfile   *table);

/* Test hooks: selects the row of a path (expanding its parents); the
 * selected path; chooses a column (by name) in the drop-down and applies
 * it to the selected element; the code picker of the element controls. */
gboolean    cs_mapping_structure_pane_select_path (CsMappingStructurePane *self,
                                                   const char             *path);
const char *cs_mapping_structure_pane_get_selected_path (CsMappingStructurePane *self);
gboolean    cs_mapping_structure_pane_use_column  (CsMappingStructurePane *self,
                                                   const char             *column);
GtkWidget  *cs_mapping_structure_pane_get_code_picker (CsMappingStructurePane *self);
/* The picker of New Value Map…: the code of the chosen column's first value. */
GtkWidget  *cs_mapping_structure_pane_get_new_map_picker (CsMappingStructurePane *self);

G_END_DECLS
