/* cs-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-cohort-view.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_WINDOW (cs_window_get_type ())
G_DECLARE_FINAL_TYPE (CsWindow, cs_window, CS, WINDOW, AdwApplicationWindow)

/* app may be NULL (tests). */
CsWindow     *cs_window_new              (GtkApplication     *app);
/* Loads paths (files, NDJSON, folders) in a thread; the open cohort stays
 * until the new one has loaded. label names the sources in messages (NULL:
 * derived from the paths). */
void          cs_window_open_paths       (CsWindow           *self,
                                          const char * const *paths,
                                          const char         *label);
void          cs_window_open_files       (CsWindow           *self,
                                          GFile             **files,
                                          guint               n_files);
/* Writes the demo cohort (400 patients, seed 42) to the user cache folder
 * unless it is there already, then opens it like any file. */
void          cs_window_open_demo        (CsWindow           *self);
/* GtkFileChooserNative for files (several, .json/.ndjson) or a folder. */
void          cs_window_show_open_dialog (CsWindow           *self,
                                          gboolean            folder);
void          cs_window_cancel_loading   (CsWindow           *self);
gboolean      cs_window_get_loading      (CsWindow           *self);
CsStore      *cs_window_get_store        (CsWindow           *self);
CsCohortView *cs_window_get_cohort_view  (CsWindow           *self);
void          cs_window_add_toast        (CsWindow           *self,
                                          const char         *message);
/* The path of the cached demo cohort file (it may not exist yet). */
char         *cs_window_get_demo_path    (void);

G_END_DECLS
