/* cs-gui-util.h: small formatting helpers shared by the widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-variable.h"

G_BEGIN_DECLS

/* "52,000" with the locale's digit grouping. */
char *cs_gui_format_count (guint64           count);
/* A table cell for display: numbers with 5 significant digits, categorical
 * displays (code when there is none), Yes/No, dates, survival as "412" for an
 * event and "630+" when censored. Writes "" when the value is missing. */
void  cs_gui_format_cell  (const CsVariable *var,
                           guint             row,
                           char             *buf,
                           gsize             buf_len);
/* "Age at diagnosis (years)": the label with the unit when it has one. */
char       *cs_gui_variable_title          (const CsVariable *var);
/* FALSE when every patient with a value has the same one. */
gboolean    cs_gui_variable_is_informative (const CsVariable *var);
/* The file chooser filter "FHIR JSON and NDJSON" (.json, .ndjson, .jsonl
 * and their MIME types) of Open and Upload to Server. */
GtkFileFilter *cs_gui_fhir_file_filter_new (void);

/* Shows message in a toast of the window widget is in (of the window a
 * dialog belongs to): the nearest AdwToastOverlay above it; logs it when
 * there is none. */
void        cs_gui_toast                   (GtkWidget        *widget,
                                            const char       *message);

/* Opens uri in the user's browser (through the OpenURI portal in a
 * Flatpak). Tests replace how with cs_gui_set_uri_launcher (NULL: the
 * default, gtk_show_uri). */
typedef void (*CsGuiUriLauncher) (GtkWindow  *parent,
                                  const char *uri);
void        cs_gui_set_uri_launcher        (CsGuiUriLauncher  launcher);
void        cs_gui_launch_uri              (GtkWindow        *parent,
                                            const char       *uri);
/* Every GtkDropDown below root with enable-search gives its search entry
 * the focus when its list opens (GTK 4.8 leaves it on the button, so typed
 * text went nowhere). */
void        cs_gui_drop_downs_focus_search (GtkWidget        *root);

/* Makes Tab and Shift+Tab leave a GtkListView, GtkColumnView or GtkListBox
 * for the next control, as everywhere else (the arrows move within it).
 * GTK 4.8 moves the focus to each item in turn instead: through hundreds of
 * rows, most of them scrolled out of sight. */
void        cs_gui_list_tab_leaves         (GtkWidget        *list);

G_END_DECLS

G_BEGIN_DECLS

#define CS_SETTINGS_SCHEMA_ID "io.github.cohortscope.Cohortscope"

/* The application's GSettings, or NULL (with a warning once) when the schema
 * is not installed, e.g. when running uninstalled without GSETTINGS_SCHEMA_DIR. */
gpointer cs_gui_settings_new (void);

G_END_DECLS
