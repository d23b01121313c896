/* cs-mapping-preview-pane.h: the Mapping page's live preview
 *
 * The FHIR JSON a row of the table becomes (CsMappingPreview does the
 * work), its problems under it, and provenance both ways: the lines fed by
 * a column are highlighted, and the element at the cursor names the cell it
 * came from and emits "source-column" (guint column of the table).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-mapping-assist.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_PREVIEW_PANE (cs_mapping_preview_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingPreviewPane, cs_mapping_preview_pane, CS, MAPPING_PREVIEW_PANE, GtkBox)

/* The compiled mapping and its table (both borrowed: call again, with NULL,
 * before they are freed). Nothing is redrawn until show_row(). */
void        cs_mapping_preview_pane_set_preview      (CsMappingPreviewPane   *self,
                                                      CsMappingPreview       *preview,
                                                      const CsTableProfile   *table);
/* Maps row (0-based) and shows its resources and problems. */
void        cs_mapping_preview_pane_show_row         (CsMappingPreviewPane   *self,
                                                      guint64                 row);
/* The problems of the row shown (CsPreviewProblem), or NULL. */
GPtrArray  *cs_mapping_preview_pane_get_problems     (CsMappingPreviewPane   *self);
guint64     cs_mapping_preview_pane_get_row          (CsMappingPreviewPane   *self);
/* The mapping no longer compiles: the preview shown is of the last one that did. */
void        cs_mapping_preview_pane_mark_old         (CsMappingPreviewPane   *self);
/* Highlights the lines fed by a column of the table (GTK_INVALID_LIST_POSITION: none). */
void        cs_mapping_preview_pane_highlight_column (CsMappingPreviewPane   *self,
                                                      guint                   column);
guint       cs_mapping_preview_pane_get_n_highlighted (CsMappingPreviewPane  *self);
char       *cs_mapping_preview_pane_dup_text         (CsMappingPreviewPane   *self);
/* Moves the cursor to a line; returns the source label's text. */
const char *cs_mapping_preview_pane_place_cursor     (CsMappingPreviewPane   *self,
                                                      int                     line);

G_END_DECLS
