/* cs-test-standin.c: the loopback FHIR stand-in in a child process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sys/prctl.h>

#include "cs-test-standin.h"

/* The stand-in goes when the test goes */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

gboolean
test_standin_start (TestStandin *standin)
{
  const char *root = g_getenv ("CS_SOURCE_ROOT");
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) in = NULL;

  if (root == NULL || python == NULL)
    return FALSE;
  script = g_build_filename (root, "tests", "fhir", "test-fhir-push-large.py", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  standin->process = g_subprocess_launcher_spawn (launcher, &error, python, script, "--serve", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (standin->process));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (line != NULL && g_str_has_prefix (line, "PORT "));
  standin->url = g_strdup_printf ("http://127.0.0.1:%s/", line + 5);
  return TRUE;
}

void
test_standin_stop (TestStandin *standin)
{
  if (standin->process == NULL)
    return;
  g_subprocess_force_exit (standin->process);
  g_subprocess_wait (standin->process, NULL, NULL);
  g_clear_object (&standin->process);
  g_clear_pointer (&standin->url, g_free);
}
