/* cs-mapping-editor-pane.h: the Mapping page's editor
 *
 * The mapping as JSON in a GtkSourceView (the page's buffer: the page owns
 * the document), the list of its resource templates beside it (activating
 * one moves the cursor to it), and the line an error points at, marked,
 * with the message under the editor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>

#include "cs-mapping.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_EDITOR_PANE (cs_mapping_editor_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingEditorPane, cs_mapping_editor_pane, CS, MAPPING_EDITOR_PANE, GtkBox)

/* Shows buffer (a reference is kept) and adds its error tag. */
void        cs_mapping_editor_pane_set_buffer     (CsMappingEditorPane *self,
                                                   GtkSourceBuffer     *buffer);
/* Lists the resource templates of mapping (NULL: none). */
void        cs_mapping_editor_pane_set_mapping    (CsMappingEditorPane *self,
                                                   CsMapping           *mapping);
/* Shows message (NULL clears) under the editor and marks the line of text
 * (the buffer's text) it points at. */
void        cs_mapping_editor_pane_show_error     (CsMappingEditorPane *self,
                                                   const char          *message,
                                                   const char          *text);
const char *cs_mapping_editor_pane_get_error      (CsMappingEditorPane *self);
/* The 0-based line marked, or -1. */
int         cs_mapping_editor_pane_get_error_line (CsMappingEditorPane *self);

G_END_DECLS
