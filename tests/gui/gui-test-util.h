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
#include "cs-cohort-builder.h"
#include "cs-explore-view.h"
#include "cs-window.h"

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

/* Runs n iterations of the main loop without waiting. */
void        test_iterate          (guint                n);
/* Runs the main loop for ms milliseconds. */
void        test_run_for          (guint                ms);

/* A new window (a reference the caller owns) at 1200 × 800, shown, with the
 * demo cohort (written to tmp_dir/demo.json) loaded. */
CsWindow   *test_demo_window_new  (const char          *tmp_dir);
/* test_demo_window_new(), and its Explore view and cohort builder, the
 * dashboard drawn once. */
CsWindow   *test_demo_window_with_views (const char        *tmp_dir,
                                         CsExploreView    **explore,
                                         CsCohortBuilder  **builder);

/* TestConditions: Explore neither computing nor waiting to; a chart widget
 * shown with a layout. */
gboolean    test_explore_idle     (gpointer             view);
gboolean    test_chart_laid_out   (gpointer             chart);

/* Emits key-pressed on widget's own key controllers (as GTK does for a key
 * press on the focused widget), then lets the main loop run a little;
 * TRUE when one handled the key. */
gboolean    test_press_key        (GtkWidget           *widget,
                                   guint                keyval,
                                   GdkModifierType      state);

/* A TestCondition: TRUE once the CsWindow window is not loading. */
gboolean    test_window_loaded    (gpointer             window);

/* The first AdwMessageDialog among the toplevel windows, or NULL. */
AdwMessageDialog *test_find_message_dialog (void);
/* The first toplevel window of type (a dialog), or NULL */
gpointer          test_find_toplevel_of_type (GType type);

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
/* With CS_SCREENSHOT_DIR set, writes win as <dir>/<name>.png (for docs); a
 * CsWindow without an application first joins one (a CsApplication of the
 * tests), so that it shows the application's actions as users see them. */
void        test_maybe_screenshot (GtkWindow           *win,
                                   const char          *name);

/* ------------------------------------------------------------------------
 * Walking the focus with Tab, as a keyboard user does
 *
 * test_press_tab() delivers Tab (Shift+Tab with backward) the way GTK does
 * for a key press: first to the key controllers from the focus widget up to
 * the window (a widget that takes Tab for itself, such as an editable text
 * view, keeps it), then, when none did, to the window's move-focus. On an
 * editable text view that accepts Tab (to indent) it presses Ctrl+Tab, the
 * GTK way out of one. Returns TRUE when the focus moved.
 *
 * test_focus_walk() presses Tab up to max_steps times from the current focus
 * (from the first focusable widget when nothing has it) and records the
 * widgets that got the focus. It appends to problems (naming the widget by
 * its type, name and accessible label) when:
 *  - a Tab leaves the focus where it was (a trap, or a widget that eats Tab)
 *    while the window has another widget to go to;
 *  - the focus goes to a widget that is not drawn (not mapped, or without
 *    size): an invisible Tab stop;
 *  - the walk does not come back to the widget it started from within
 *    max_steps (a cycle that never returns is a trap too);
 * and returns the number of distinct widgets in the cycle. A Shift+Tab walk
 * is checked the same way with backward. */
gboolean    test_press_tab        (GtkWindow           *win,
                                   gboolean             backward);
guint       test_focus_walk       (GtkWindow           *win,
                                   gboolean             backward,
                                   guint                max_steps,
                                   GString             *problems);
/* The same walk, returning the widgets that got the focus in order (the
 * start first); NULL-free, owned by the caller. */
GPtrArray  *test_focus_cycle      (GtkWindow           *win,
                                   gboolean             backward,
                                   guint                max_steps,
                                   GString             *problems);
/* Appends to out each mapped widget below root, outside scrolled panes and
 * popovers, that reaches beyond width × height (in root's coordinates; the
 * hidden pages of a stack or leaflet are skipped), with its ancestors'
 * positions. */
void        test_collect_outside  (GtkWidget           *root,
                                   int                  width,
                                   int                  height,
                                   GString             *out);
/* "GtkButton#name “label”" for messages */
char       *test_describe_widget  (GtkWidget           *widget);

G_END_DECLS
