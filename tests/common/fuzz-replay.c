/* fuzz-replay.c: runs a libFuzzer target over its corpus (seeds and fixed
 * crashers) in the normal test suite; every area's replay test uses it
 * (fuzz_replay_src in tests/meson.build). Build it with the target's source and
 *   -DCORPUS_DIR="…/fuzz/<area>/corpus[/<target>]"
 *   -DFUZZ_TEST_PATH="/<area>/fuzz-replay[/<target>]"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
test_replay (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (CORPUS_DIR, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (CORPUS_DIR, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      g_test_message ("%s", path);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func (FUZZ_TEST_PATH, test_replay);
  return g_test_run ();
}
