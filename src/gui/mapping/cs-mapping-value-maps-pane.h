/* cs-mapping-value-maps-pane.h: the Mapping page's value maps
 *
 * The mapping's value maps (its ConceptMaps) in a drop-down; for the one
 * chosen, the values of the column it is applied to with their counts and
 * codes, unmapped first, and "N of M rows mapped". Import replaces the map
 * with a ConceptMap (JSON) or a source_code,target_code,target_display CSV
 * and emits "replace-mapping" (const char *text: the whole new mapping,
 * which the page applies as an undoable edit); Export writes either form.
 * Actions: mapping.import-value-map, mapping.export-value-map ("json" or
 * "csv"). Errors go out through "show-error" (heading, message, hint).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-mapping-assist.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_VALUE_MAPS_PANE (cs_mapping_value_maps_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingValueMapsPane, cs_mapping_value_maps_pane, CS, MAPPING_VALUE_MAPS_PANE, GtkBox)

/* The mapping text (a reference is kept). */
void        cs_mapping_value_maps_pane_set_buffer   (CsMappingValueMapsPane *self,
                                                     GtkTextBuffer          *buffer);
/* The compiled mapping, its table (both borrowed: call again, with NULL,
 * before they are freed) and the folder its "$file"s are relative to.
 * Lists the value maps again when they changed. */
void        cs_mapping_value_maps_pane_set_mapping  (CsMappingValueMapsPane *self,
                                                     CsMapping              *mapping,
                                                     const CsTableProfile   *table,
                                                     const char             *base_dir);
/* Shows the coverage of the value map chosen again. */
void        cs_mapping_value_maps_pane_refresh      (CsMappingValueMapsPane *self);
/* Chooses value map index and shows its coverage. */
void        cs_mapping_value_maps_pane_show         (CsMappingValueMapsPane *self,
                                                     guint                   index);
const char *cs_mapping_value_maps_pane_get_coverage (CsMappingValueMapsPane *self);

G_END_DECLS
