/* cs-mapping-page.h: the Mapping page: CSV tables → FHIR, with a live preview
 *
 * Opens a CSV/TSV table (Open, drag and drop, `cohortscope FILE.csv`),
 * profiles it on a worker thread (dialect, per column type, missing,
 * distinct values, a sample; the rows in a virtualised grid), and edits the
 * mapping file (docs/MAPPING.md) as JSON with undo and redo. A table opened
 * without a mapping gets the suggested one at once. The preview shows the
 * FHIR JSON of the selected row, updated a moment after each edit; an
 * element at the cursor names its source cell, and selecting a column
 * highlights the elements it fed. Validate maps every row off the main
 * thread and lists every problem; Run writes NDJSON or a transaction
 * Bundle. The work is in src/core/mapping-assist and the engine; this is
 * the shell (docs/MAPPING-EDITOR.md).
 *
 * Signals: "open-in-cohort" (const char *path) when the user asks to see
 * what a run wrote in the Cohort view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_PAGE (cs_mapping_page_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingPage, cs_mapping_page, CS, MAPPING_PAGE, GtkWidget)

GtkWidget  *cs_mapping_page_new              (void);
/* Opens a table; its mapping is the current one when it has an input of
 * this role (NULL: the current mapping's first input), else a suggestion. */
void        cs_mapping_page_open_table       (CsMappingPage      *self,
                                              const char         *path,
                                              const char         *role);
/* Opens a table the user gave (Open Table, a drop, the command line):
 * when the mapping reads several tables, first asks which input it is (the
 * table shown stays for the others' joins); with one input it is that one. */
void        cs_mapping_page_open_table_ask_role (CsMappingPage   *self,
                                                 const char      *path);
/* Several tables at once (dropped, or given to a running window): each
 * named after one of the mapping's inputs (clinical.csv) is read as it, the
 * others are asked about in turn; the one for the input shown (else the
 * last) is shown, the others are read for joins and runs. */
void        cs_mapping_page_open_tables         (CsMappingPage      *self,
                                                 const char * const *paths,
                                                 guint               n_paths);
/* Opens a mapping file and, for each "ROLE=FILE", a table (only the first
 * is shown: the page edits one table at a time). */
void        cs_mapping_page_open_mapping     (CsMappingPage      *self,
                                              const char         *path,
                                              const char * const *inputs);
void        cs_mapping_page_show_open_dialog (CsMappingPage      *self);
/* TRUE when the mapping has edits that are not saved. */
gboolean    cs_mapping_page_get_modified     (CsMappingPage      *self);
/* Asks whether to save unsaved edits, then calls done (with TRUE unless the
 * user cancelled). Calls it at once when nothing is unsaved. */
void        cs_mapping_page_confirm_discard  (CsMappingPage      *self,
                                              GCallback           done,
                                              gpointer            user_data);
/* Whether a path is a table the Mapping page opens (.csv, .tsv, .tab, .txt). */
gboolean    cs_mapping_page_is_table_path    (const char         *path);

G_END_DECLS
