/* gui-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cs-application.h"
#include "cs-chart-widget.h"
#include "cs-demo.h"
#include "cs-explore-view-private.h"
#include "cs-saved-servers.h"
#include "cs-server-profile-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

/* ------------------------------------------------------------------------ */
/* Set-up */

static CsSecretBackend *backend;
/* The application the screenshots' windows join (test_maybe_screenshot) */
static GtkApplication *screenshot_app;

/* GTK 4.8 warns when a frame comes between a resize and the allocation it
 * queued ("Trying to snapshot AdwGizmo 0x… without a current allocation"),
 * now and then while the tests resize the window quickly; the next frame is
 * right. That one warning is said, not fatal; every other stays fatal. */
static gboolean
is_gtk_snapshot_race (const char *message)
{
  return message != NULL && g_str_has_prefix (message, "Trying to snapshot ")
         && strstr (message, " without a current allocation") != NULL;
}

static gboolean
fatal_unless_snapshot_race (const char     *log_domain,
                            GLogLevelFlags  log_level,
                            const char     *message,
                            gpointer        user_data)
{
  return !is_gtk_snapshot_race (message);
}

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if ((log_level & G_LOG_LEVEL_WARNING) != 0)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 && is_gtk_snapshot_race (fields[i].value))
        return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

char *
test_gui_init (int         *argc,
               char      ***argv,
               const char  *tmp_template)
{
  char *tmp_dir = g_dir_make_tmp (tmp_template, NULL);
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;

  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  /* Before anything calls g_get_user_*_dir(), which cache the values */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (argc, argv, NULL);
  g_test_log_set_fatal_handler (fatal_unless_snapshot_race, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      test_remove_tree (tmp_dir);
      g_free (tmp_dir);
      return NULL;
    }
  adw_init ();

  backend = _cs_secret_backend_new_memory ();
  cs_gui_set_secret_backend (backend);

  return tmp_dir;
}

void
test_gui_cleanup (char *tmp_dir)
{
  g_clear_object (&screenshot_app);
  cs_gui_set_secret_backend (NULL);
  g_clear_pointer (&backend, cs_secret_backend_free);
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        test_remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

/* ------------------------------------------------------------------------ */
/* Waiting and widgets */

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
test_wait_until (TestCondition condition,
                 gpointer      data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint source = g_timeout_add (20, wake_up, NULL);

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_source_remove (source);
  g_assert_true (condition (data));
}

void
test_iterate (guint n)
{
  for (guint i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
tick_done (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, tick_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
test_explore_idle (gpointer view)
{
  return !_cs_explore_view_get_busy (view) && !_cs_explore_view_get_dirty (view);
}

gboolean
test_chart_laid_out (gpointer chart)
{
  return gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0 &&
         cs_chart_widget_get_layout (chart, NULL);
}

CsWindow *
test_demo_window_new (const char *tmp_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = g_build_filename (tmp_dir, "demo.json", NULL);
  const char *paths[2] = { demo, NULL };
  CsWindow *window;

  g_assert_true (cs_demo_write_file (demo, CS_DEMO_DEFAULT_PATIENTS, CS_DEMO_DEFAULT_SEED, NULL, &error));
  g_assert_no_error (error);
  window = g_object_ref_sink (cs_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  cs_window_open_paths (window, paths, "demo");
  test_wait_until (test_window_loaded, window);
  return window;
}

CsWindow *
test_demo_window_with_views (const char       *tmp_dir,
                             CsExploreView   **explore,
                             CsCohortBuilder **builder)
{
  CsWindow *window = test_demo_window_new (tmp_dir);

  *explore = CS_EXPLORE_VIEW (test_find_of_type (GTK_WIDGET (window), CS_TYPE_EXPLORE_VIEW));
  *builder = CS_COHORT_BUILDER (test_find_of_type (GTK_WIDGET (window), CS_TYPE_COHORT_BUILDER));
  g_assert_nonnull (*explore);
  g_assert_nonnull (*builder);
  cs_cohort_builder_flush (*builder);
  test_iterate (20);
  return window;
}

/* Emits key-pressed on widget's key controllers of that phase (both
 * target and bubble for GTK_PHASE_BUBBLE on the focus widget itself; all of
 * them for GTK_PHASE_NONE) */
static gboolean
key_controllers_take (GtkWidget          *widget,
                      GtkPropagationPhase phase,
                      gboolean            is_target,
                      guint               keyval,
                      GdkModifierType     state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      GtkPropagationPhase p;

      if (!GTK_IS_EVENT_CONTROLLER_KEY (c))
        continue;
      p = gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (c));
      if (phase == GTK_PHASE_NONE || p == phase || (is_target && phase == GTK_PHASE_BUBBLE && p == GTK_PHASE_TARGET))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

gboolean
test_press_key (GtkWidget       *widget,
                guint            keyval,
                GdkModifierType  state)
{
  gboolean handled = key_controllers_take (widget, GTK_PHASE_NONE, TRUE, keyval, state);

  for (guint i = 0; i < 2; i++)
    g_main_context_iteration (NULL, FALSE);
  return handled;
}

gboolean
test_window_loaded (gpointer window)
{
  return !cs_window_get_loading (window);
}

AdwMessageDialog *
test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item))
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget  *root,
             const char *name,
             const char *action,
             GType       type)
{
  if (name != NULL && g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  if (action != NULL && GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  if (type != G_TYPE_INVALID && G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, name, action, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
test_find_widget (GtkWidget  *root,
                  const char *name,
                  const char *action)
{
  return find_widget (root, name, action, G_TYPE_INVALID);
}

GtkWidget *
test_find_of_type (GtkWidget *root,
                   GType      type)
{
  return find_widget (root, NULL, NULL, type);
}

GtkWidget *
test_get_named (gpointer    root,
                const char *name)
{
  GtkWidget *widget = test_find_widget (GTK_WIDGET (root), name, NULL);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

void
test_maybe_screenshot (GtkWindow  *win,
                       const char *name)
{
  const char *dir = g_getenv ("CS_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  graphene_rect_t bounds;
  gint64 until;

  if (dir == NULL)
    return;

  /* A test's window has no application, so the application's actions
   * (Open, the main menu's) show insensitive: the window joins a real one,
   * registered here without a bus name, to show them as users see them */
  if (CS_IS_WINDOW (win) && gtk_window_get_application (win) == NULL)
    {
      if (screenshot_app == NULL)
        {
          g_autoptr(GError) error = NULL;

          screenshot_app = GTK_APPLICATION (cs_application_new ());
          g_application_set_flags (G_APPLICATION (screenshot_app),
                                   G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
          g_application_register (G_APPLICATION (screenshot_app), NULL, &error);
          g_assert_no_error (error);
        }
      gtk_window_set_application (win, screenshot_app);
    }

  /* a toast ("Opened 400 patients…") would cover what the picture shows:
   * wait until it has timed out (at most 8 s) */
  until = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until &&
         test_find_of_type (GTK_WIDGET (win), g_type_from_name ("AdwToastWidget")) != NULL)
    {
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  paintable = gtk_widget_paintable_new (GTK_WIDGET (win));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  gsk_render_node_get_bounds (node, &bounds);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (win)), node, &bounds);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

gpointer
test_find_toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        return item;
    }
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Walking the focus */

char *
test_describe_widget (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);
  const char *name;
  const char *text = NULL;

  if (widget == NULL)
    return g_strdup ("(nothing)");
  g_string_append (out, G_OBJECT_TYPE_NAME (widget));
  name = gtk_widget_get_name (widget);
  if (name != NULL && strcmp (name, G_OBJECT_TYPE_NAME (widget)) != 0)
    g_string_append_printf (out, "#%s", name);
  if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  else if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  if (text == NULL || *text == '\0')
    text = gtk_widget_get_tooltip_text (widget);
  if (text != NULL && *text != '\0')
    g_string_append_printf (out, " “%s”", text);
  /* where it is: the nearest named ancestor */
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
    {
      const char *pname = gtk_widget_get_name (p);

      if (pname != NULL && strcmp (pname, G_OBJECT_TYPE_NAME (p)) != 0)
        {
          g_string_append_printf (out, " in %s#%s", G_OBJECT_TYPE_NAME (p), pname);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

/* As GTK propagates a key press: capture from the window down to the focus
 * widget, then bubble back up */
static gboolean
deliver_key (GtkWindow       *win,
             GtkWidget       *focus,
             guint            keyval,
             GdkModifierType  state)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (win); w = gtk_widget_get_parent (w))
    g_ptr_array_add (chain, w);
  for (guint i = chain->len; i > 0; i--)
    if (key_controllers_take (chain->pdata[i - 1], GTK_PHASE_CAPTURE, FALSE, keyval, state))
      return TRUE;
  for (guint i = 0; i < chain->len; i++)
    if (key_controllers_take (chain->pdata[i], GTK_PHASE_BUBBLE, i == 0, keyval, state))
      return TRUE;
  return FALSE;
}

static gboolean
press_tab (GtkWindow       *win,
           gboolean         backward,
           GdkModifierType  extra)
{
  GtkWidget *before = gtk_root_get_focus (GTK_ROOT (win));
  guint keyval = backward ? GDK_KEY_ISO_Left_Tab : GDK_KEY_Tab;
  GdkModifierType state = (backward ? GDK_SHIFT_MASK : 0) | extra;
  gboolean taken = FALSE;

  /* GTK delivers a key press to the focus widget and its ancestors; a key
   * controller that handles it stops it before the window's Tab binding */
  taken = before != NULL && deliver_key (win, before, keyval, state);
  if (!taken)
    g_signal_emit_by_name (win, "move-focus", backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  test_iterate (5);
  return gtk_root_get_focus (GTK_ROOT (win)) != before;
}

/* An editable text view that takes Tab (to indent) is left with Ctrl+Tab,
 * GTK's convention (its accessible role says multi-line text) */
static gboolean
takes_tab (GtkWidget *widget)
{
  return GTK_IS_TEXT_VIEW (widget) && gtk_text_view_get_accepts_tab (GTK_TEXT_VIEW (widget)) &&
         gtk_text_view_get_editable (GTK_TEXT_VIEW (widget));
}

gboolean
test_press_tab (GtkWindow *win,
                gboolean   backward)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (win));

  return press_tab (win, backward, focus != NULL && takes_tab (focus) ? GDK_CONTROL_MASK : 0);
}

static gboolean
is_drawn (GtkWidget *widget,
          GtkWindow *win)
{
  graphene_rect_t bounds;

  return gtk_widget_get_mapped (widget) &&
         gtk_widget_compute_bounds (widget, GTK_WIDGET (win), &bounds) &&
         bounds.size.width >= 1 && bounds.size.height >= 1;
}

/* A widget other than focus (and not inside it) that Tab could stop on */
static gboolean
has_other_stop (GtkWidget *widget,
                GtkWidget *focus)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget) || widget == focus)
    return FALSE;
  if (gtk_widget_get_focusable (widget) && !GTK_IS_WINDOW (widget))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_can_focus (c) && has_other_stop (c, focus))
      return TRUE;
  return FALSE;
}

guint
test_focus_walk (GtkWindow *win,
                 gboolean   backward,
                 guint      max_steps,
                 GString   *problems)
{
  g_autoptr(GPtrArray) cycle = test_focus_cycle (win, backward, max_steps, problems);

  return cycle->len;
}

GPtrArray *
test_focus_cycle (GtkWindow *win,
                  gboolean   backward,
                  guint      max_steps,
                  GString   *problems)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autofree char *title = g_strdup (gtk_window_get_title (win) != NULL ? gtk_window_get_title (win)
                                                                        : G_OBJECT_TYPE_NAME (win));
  const char *key = backward ? "Shift+Tab" : "Tab";
  GtkWidget *start;

  /* start on a Tab stop: the focus may rest on a widget Tab does not stop on
   * (a scrolled window keeps it when the row that had it goes away), and the
   * cycle would never come back to that */
  test_press_tab (win, backward);
  start = gtk_root_get_focus (GTK_ROOT (win));
  if (start == NULL)
    {
      g_string_append_printf (problems, "%s: %s gives the focus to nothing\n", title, key);
      return g_steal_pointer (&seen);
    }
  g_ptr_array_add (seen, start);

  for (guint step = 0; step < max_steps; step++)
    {
      GtkWidget *before = gtk_root_get_focus (GTK_ROOT (win));
      GtkWidget *now;

      if (!test_press_tab (win, backward) && !(seen->len == 1 && !has_other_stop (GTK_WIDGET (win), before)))
        {
          g_autofree char *what = test_describe_widget (before);

          g_string_append_printf (problems, "%s: %s does not leave %s (a focus trap)\n", title, key, what);
          return g_steal_pointer (&seen);
        }
      now = gtk_root_get_focus (GTK_ROOT (win));
      /* (a window whose only focus stop is start: Tab stays on it) */
      if (now == start)
        return g_steal_pointer (&seen);
      if (now != NULL && !is_drawn (now, win))
        {
          g_autofree char *what = test_describe_widget (now);

          g_string_append_printf (problems, "%s: %s stops on %s, which is not shown\n", title, key, what);
        }
      if (now != NULL && !g_ptr_array_find (seen, now, NULL))
        g_ptr_array_add (seen, now);
      else if (now != NULL)
        {
          g_autofree char *what = test_describe_widget (now);
          g_autofree char *first = test_describe_widget (start);

          /* back to a widget met before but not to the start: a loop that
           * shuts the start (and whatever lies around it) out */
          g_string_append_printf (problems, "%s: %s loops back to %s and never returns to %s\n",
                                  title, key, what, first);
          return g_steal_pointer (&seen);
        }
    }
  {
    g_autofree char *first = test_describe_widget (start);

    g_string_append_printf (problems, "%s: %u presses of %s do not come back to %s\n",
                            title, max_steps, key, first);
  }
  return g_steal_pointer (&seen);
}

void
test_collect_outside (GtkWidget *root,
                      int        width,
                      int        height,
                      GString   *out)
{
  GtkWidget *top = GTK_WIDGET (gtk_widget_get_root (root));

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (c) || GTK_IS_POPOVER (c))
        continue;
      if (GTK_IS_SCROLLED_WINDOW (c) || GTK_IS_VIEWPORT (c))
        {
          /* the pane itself must fit; what scrolls inside it may not */
          if (gtk_widget_compute_bounds (c, top, &bounds) &&
              (bounds.origin.x < -1 || bounds.origin.y < -1 ||
               bounds.origin.x + bounds.size.width > width + 1 || bounds.origin.y + bounds.size.height > height + 1))
            g_string_append_printf (out, "%s at %.0f,%.0f %.0f×%.0f\n", G_OBJECT_TYPE_NAME (c),
                                    bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height);
          continue;
        }
      if (GTK_IS_STACK (root) || ADW_IS_VIEW_STACK (root))
        {
          /* a stack's hidden pages keep a size; its visible page is checked */
          if (gtk_widget_get_child_visible (c))
            test_collect_outside (c, width, height, out);
          continue;
        }
      if (ADW_IS_LEAFLET (root))
        {
          /* so are a folded leaflet's (and its shadows) */
          if (c == adw_leaflet_get_visible_child (ADW_LEAFLET (root)))
            test_collect_outside (c, width, height, out);
          continue;
        }
      if (gtk_widget_compute_bounds (c, top, &bounds) &&
          (bounds.origin.x < -1 || bounds.origin.y < -1 ||
           bounds.origin.x + bounds.size.width > width + 1 || bounds.origin.y + bounds.size.height > height + 1))
        {
          g_string_append_printf (out, "%s at %.0f,%.0f %.0f×%.0f in", G_OBJECT_TYPE_NAME (c),
                                  bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height);
          for (GtkWidget *p = root; p != NULL && p != top; p = gtk_widget_get_parent (p))
            if (gtk_widget_compute_bounds (p, top, &bounds))
              g_string_append_printf (out, " %s(%.0f+%.0f)", G_OBJECT_TYPE_NAME (p), bounds.origin.x, bounds.size.width);
          g_string_append_c (out, '\n');
          continue;
        }
      test_collect_outside (c, width, height, out);
    }
}
