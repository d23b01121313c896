/* cs-mapping-tables-pane.h: the Mapping page's table side
 *
 * The table's name, size and sniffed dialect; tabs for its column profile
 * (type, missing, distinct, suggested role, sample per column), its rows
 * in a virtualised grid (smooth for 100,000 rows and more), the value maps
 * (CsMappingValueMapsPane) and the problems of Validate and Run
 * (CsMappingProblemsPane). Cells with a problem are marked. The row and
 * the column selected are the
 * "selected-row" (the first of the rows selected: several can be) and
 * "selected-column" properties (GTK_INVALID_LIST_POSITION
 * for none).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-problems-pane.h"
#include "cs-mapping-value-maps-pane.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_TABLES_PANE (cs_mapping_tables_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingTablesPane, cs_mapping_tables_pane, CS, MAPPING_TABLES_PANE, GtkBox)

/* Shows table (borrowed: set another before it is freed) and selects its
 * first row. */
void                    cs_mapping_tables_pane_set_table          (CsMappingTablesPane *self,
                                                                   const CsTableProfile *table);
/* Marks the grid's cells that have problems (CsPreviewProblem with a row,
 * and a column of this table): a colour, the messages as tooltip and
 * accessible description; the row number marks a row with any problem.
 * validation: the last Validate or Run; row_problems: the previewed row's.
 * Either may be NULL. */
/* Marks the problems of the input role (those of other inputs' rows are
 * left out) */
void                    cs_mapping_tables_pane_set_problems       (CsMappingTablesPane *self,
                                                                   const char          *role,
                                                                   GPtrArray           *validation,
                                                                   GPtrArray           *row_problems);
/* The messages at a cell (row 0-based; the table's column count for the
 * row number), or NULL. */
const char             *cs_mapping_tables_pane_get_cell_problem   (CsMappingTablesPane *self,
                                                                   guint64              row,
                                                                   guint                column);
/* The input roles that have a table (the switcher above the table, shown
 * for two or more), current selected. Choosing another emits
 * "switch-table" with its role. */
void                    cs_mapping_tables_pane_set_roles          (CsMappingTablesPane *self,
                                                                   const char * const  *roles,
                                                                   const char          *current);
GtkDropDown            *cs_mapping_tables_pane_get_table_switcher (CsMappingTablesPane *self);
/* The line above the tabs, when there is no table. */
void                    cs_mapping_tables_pane_set_message        (CsMappingTablesPane *self,
                                                                   const char          *message);
guint                   cs_mapping_tables_pane_get_selected_row   (CsMappingTablesPane *self);
/* Selects a row and scrolls the grid to it. */
void                    cs_mapping_tables_pane_set_selected_row   (CsMappingTablesPane *self,
                                                                   guint                row);
/* The rows selected (guint, ascending), at most max_rows of them. */
GArray                 *cs_mapping_tables_pane_get_selected_rows  (CsMappingTablesPane *self,
                                                                   guint                max_rows);
/* Selects n_rows rows from first (and no other). */
void                    cs_mapping_tables_pane_select_rows        (CsMappingTablesPane *self,
                                                                   guint                first,
                                                                   guint                n_rows);
guint                   cs_mapping_tables_pane_get_selected_column (CsMappingTablesPane *self);
void                    cs_mapping_tables_pane_set_selected_column (CsMappingTablesPane *self,
                                                                    guint                column);
/* The index of a column by name, or -1. */
int                     cs_mapping_tables_pane_find_column        (CsMappingTablesPane *self,
                                                                   const char          *name);
/* "columns", "rows", "values" or "problems" */
void                    cs_mapping_tables_pane_show_tab           (CsMappingTablesPane *self,
                                                                   const char          *name);
const char             *cs_mapping_tables_pane_get_tab            (CsMappingTablesPane *self);
GtkWidget              *cs_mapping_tables_pane_get_rows_view      (CsMappingTablesPane *self);
CsMappingValueMapsPane *cs_mapping_tables_pane_get_value_maps     (CsMappingTablesPane *self);
CsMappingProblemsPane  *cs_mapping_tables_pane_get_problems       (CsMappingTablesPane *self);

G_END_DECLS
