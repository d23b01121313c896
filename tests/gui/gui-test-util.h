/* gui-test-util.h: what the GUI tests share
 *
 * A test program's set-up (a temporary home for the XDG folders, memory
 * GSettings, GTK and libadwaita, an in-memory secret store), waiting on the
 * main loop, widgets found by name or type, and screenshots for the docs.
 * The HTTP server in its own thread is tests/common/cs-test-server.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "cs-test-server.h"

G_BEGIN_DECLS

/* Points XDG_CACHE_HOME and XDG_CONFIG_HOME below a new temporary folder
 * made from tmp_template (before anything caches them), selects the memory
 * GSettings backend, initialises GTest, GTK and libadwaita, and sets an
 * in-memory secret store (cs_gui_get_secret_backend). Returns the folder,
 * or NULL (after the TAP skip line and removing it) without a display. */
char       *test_gui_init         (int                 *argc,
                                   char              ***argv,
                                   const char          *tmp_template);
/* Unsets the secret store, removes tmp_dir and frees it. */
void        test_gui_cleanup      (char                *tmp_dir);
/* Removes path and everything below it. */
void        test_remove_tree      (const char          *path);

typedef gboolean (*TestCondition) (gpointer data);

/* Runs the main loop until condition holds (at most a minute), a little
 * more, then asserts it. */
void        test_wait_until       (TestCondition        condition,
                                   gpointer             data);

/* A TestCondition: TRUE once the CsWindow window is not loading. */
gboolean    test_window_loaded    (gpointer             window);

/* The first AdwMessageDialog among the toplevel windows, or NULL. */
AdwMessageDialog *test_find_message_dialog (void);

/* The first widget below root (root included) with this name, or whose
 * action is action; NULL for none. */
GtkWidget  *test_find_widget      (GtkWidget           *root,
                                   const char          *name,
                                   const char          *action);
/* The first widget below root (root included) of that type; NULL for none. */
GtkWidget  *test_find_of_type     (GtkWidget           *root,
                                   GType                type);
/* The widget named name below root; fails the test without one. */
GtkWidget  *test_get_named        (gpointer             root,
                                   const char          *name);
/* With CS_SCREENSHOT_DIR set, writes win as <dir>/<name>.png (for docs). */
void        test_maybe_screenshot (GtkWindow           *win,
                                   const char          *name);

G_END_DECLS
