/* cs-code-picker.h: a popover to pick a FHIR code
 *
 * A search over the code catalogue (cs-code-catalogue.h: code, display,
 * system, what for; case and accents ignored) and an entry for a coding
 * typed as system|code|display. Picking emits "picked" (system, code,
 * display; system and display may be NULL) and closes the popover.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CS_TYPE_CODE_PICKER (cs_code_picker_get_type ())
G_DECLARE_FINAL_TYPE (CsCodePicker, cs_code_picker, CS, CODE_PICKER, GtkPopover)

GtkWidget *cs_code_picker_new          (void);
/* Test hooks: searches as if typed, the number of codes listed, picks the
 * listed code index; types a coding and uses it (FALSE: refused, the
 * message is shown in the popover). */
void       cs_code_picker_search       (CsCodePicker *self,
                                        const char   *query);
guint      cs_code_picker_get_n_results (CsCodePicker *self);
void       cs_code_picker_pick         (CsCodePicker *self,
                                        guint         index);
gboolean   cs_code_picker_use_typed    (CsCodePicker *self,
                                        const char   *typed);

G_END_DECLS
