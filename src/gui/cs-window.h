/* cs-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-cohort-view.h"
#include "cs-mapping-page.h"
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
/* Opens a mapping file on the Mapping page, with tables given as
 * "ROLE=FILE" (NULL: none). */
void          cs_window_open_mapping     (CsWindow           *self,
                                          const char         *path,
                                          const char * const *inputs);
CsMappingPage *cs_window_get_mapping_page (CsWindow          *self);
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
/* A modal message with a Close button: heading, then message and hint
 * (what the user can do; may be NULL) as two paragraphs. */
void          cs_gui_show_error          (GtkWindow          *parent,
                                          const char         *heading,
                                          const char         *message,
                                          const char         *hint);
void          cs_window_add_toast        (CsWindow           *self,
                                          const char         *message);
/* "Opened N patients and M resources" (where NULL: files), or "Loaded …
 * from where"; for an empty store, that the table is empty. When store is
 * the open one and came from a server load with a report
 * (cs_fhir_store_get_load_report), the toast has Details
 * (win.show-load-report: what was fetched, left out and why), and a load
 * cut short shows that report at once. */
void          cs_window_toast_opened     (CsWindow           *self,
                                          CsStore            *store,
                                          const char         *where);
/* The path of the cached demo cohort file (it may not exist yet). */
char         *cs_window_get_demo_path    (void);

/* Shows a toast built by the caller (buttons, timeout); takes it over. */
void          cs_window_add_toast_full       (CsWindow           *self,
                                              AdwToast           *toast);
/* Loads that are not files (a FHIR server, an offline copy): the caller does
 * the work and reports here; the window shows the file loading's progress
 * bar and Cancel (Escape). begin cancels any load in progress and returns
 * the new operation's cancellable (owned by the window: keep a reference).
 * update: fraction 0..1, or < 0 to pulse; detail may be NULL. end: store
 * (NULL after an error or cancel, which keeps the open cohort) replaces the
 * cohort with label as subtitle. update and end do nothing, and end returns
 * FALSE, when a newer operation has replaced this one. */
GCancellable *cs_window_begin_external_load  (CsWindow           *self,
                                              const char         *title);
void          cs_window_update_external_load (CsWindow           *self,
                                              GCancellable       *cancellable,
                                              double              fraction,
                                              const char         *detail);
gboolean      cs_window_end_external_load    (CsWindow           *self,
                                              GCancellable       *cancellable,
                                              CsStore            *store,
                                              const char         *label);

/* What is open, as the subtitle names it ("demo.json", "<server> · Group
 * g1"), or NULL. */
const char   *cs_window_get_source_label     (CsWindow           *self);
/* The FHIR base URL the open cohort was loaded from (a server, or its
 * offline copy), or NULL (files). Opening another cohort clears it; server
 * loads set it after cs_window_end_external_load. */
const char   *cs_window_get_source_url       (CsWindow           *self);
void          cs_window_set_source_url       (CsWindow           *self,
                                              const char         *url);

G_END_DECLS
