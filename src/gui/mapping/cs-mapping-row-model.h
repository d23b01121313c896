/* cs-mapping-row-model.h: a list model of N positions, for big tables
 *
 * The Mapping page's grids (rows of a table, problems of a validation) bind
 * their cells by position; this model makes a small item only for the rows
 * GTK asks for, so 100,000 rows cost nothing until they are shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_ROW_MODEL (cs_mapping_row_model_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingRowModel, cs_mapping_row_model, CS, MAPPING_ROW_MODEL, GObject)

CsMappingRowModel *cs_mapping_row_model_new         (void);
void               cs_mapping_row_model_set_n_items (CsMappingRowModel *self,
                                                     guint              n_items);

G_END_DECLS
