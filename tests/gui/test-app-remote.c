/* test-app-remote.c: `cohortscope --mapping M --input ROLE=FILE` handed to
 * the instance already running (Xvfb, a private D-Bus session)
 *
 * This process is the primary instance (it owns the application's name on
 * the bus); the real binary is started as a second instance, which must
 * pass the mapping and its tables, with paths made absolute against its own
 * working directory, to this one and exit 0. The primary's window then
 * shows the mapping with its table. Bad command lines fail in the second
 * instance itself (exit 2) and reach nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cs-application.h"
#include "cs-mapping-assist.h"
#include "cs-mapping-page-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsApplication *app;
static char *tmp_dir;

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "mapping-assist", "data", name, NULL);
}

typedef struct
{
  GSubprocess *process;
  gboolean     done;
  char        *out;
  char        *err;
} Child;

static void
child_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &child->out, &child->err, &error);
  g_assert_no_error (error);
  child->done = TRUE;
}

static gboolean
child_finished (gpointer data)
{
  return ((Child *) data)->done;
}

/* Runs the real binary in cwd with args; returns its exit status */
static int
run_second_instance (const char          *cwd,
                     const char * const  *args,
                     char               **out_err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Child child = { 0 };
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CS_GUI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  child.process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* this instance answers the other's D-Bus calls while it waits */
  g_subprocess_communicate_utf8_async (child.process, NULL, NULL, child_done, &child);
  test_wait_until (child_finished, &child);
  status = g_subprocess_get_if_exited (child.process) ? g_subprocess_get_exit_status (child.process) : -1;
  g_test_message ("exit %d; stderr: %s", status, child.err);
  if (out_err != NULL)
    *out_err = g_steal_pointer (&child.err);
  g_free (child.out);
  g_free (child.err);
  g_object_unref (child.process);
  return status;
}

static CsWindow *
app_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (CS_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
mapping_shown (gpointer data)
{
  CsWindow *window = app_window ();
  CsMappingPage *page = window != NULL ? cs_window_get_mapping_page (window) : NULL;

  return page != NULL && !cs_mapping_page_get_busy (page) && cs_mapping_page_get_n_rows (page) > 0;
}

static void
test_forwarded (void)
{
  g_autofree char *table = fixture ("clinical.csv");
  g_autofree char *dir = g_path_get_dirname (table);
  g_autofree char *mapping_path = g_build_filename (tmp_dir, "forwarded.mapping.json", NULL);
  g_autoptr(CsTableProfile) profile = cs_table_profile_new_for_path (table, NULL, 0, NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (profile, "clinical", CS_MAPPING_TEMPLATE_CLINICAL,
                                              "https://example.org/forwarded", NULL);
  /* the table relative to the second instance's working directory */
  const char *args[] = { "--mapping", mapping_path, "--input", "clinical=clinical.csv", NULL };
  CsMappingPage *page;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *preview = NULL;

  g_assert_nonnull (json);
  g_assert_true (g_file_set_contents (mapping_path, json, -1, NULL));
  g_assert_null (app_window ());

  g_assert_cmpint (run_second_instance (dir, args, NULL), ==, 0);
  test_wait_until (mapping_shown, NULL);

  page = cs_window_get_mapping_page (app_window ());
  buffer = cs_mapping_page_get_mapping_buffer (page);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, json);
  g_assert_false (cs_mapping_page_get_modified (page));
  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 6);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "CASE-001"));
  /* one window: the second instance opened none of its own */
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
}

static void
test_bad_command_lines (void)
{
  const char *no_mapping[] = { "--input", "clinical=clinical.csv", NULL };
  const char *no_role[] = { "--mapping", "m.json", "--input", "clinical.csv", NULL };
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (run_second_instance (tmp_dir, no_mapping, &err1), ==, 2);
  g_assert_nonnull (strstr (err1, "--input needs --mapping"));
  g_assert_cmpint (run_second_instance (tmp_dir, no_role, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "ROLE=FILE"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-remote-XXXXXX");
  if (tmp_dir == NULL)
    return 0;
  if (g_getenv ("CS_PRIVATE_DBUS") == NULL || g_getenv ("CS_GUI") == NULL)
    {
      /* the application's name must not be taken on a shared bus */
      g_print ("1..0 # SKIP needs a private D-Bus session: dbus-run-session (package dbus, in "
               "scripts/deps-debian.txt)\n");
      test_gui_cleanup (g_steal_pointer (&tmp_dir));
      return 0;
    }

  app = cs_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  g_test_add_func ("/gui/app-remote/forwarded", test_forwarded);
  g_test_add_func ("/gui/app-remote/bad-command-lines", test_bad_command_lines);

  ret = g_test_run ();

  for (CsWindow *window; (window = app_window ()) != NULL;)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));
  return ret;
}
