/* goldens-util.c: reading the reference values of tests/stats/goldens-*.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "goldens-util.h"

JsonNode *
goldens_load (const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "stats", name, NULL);

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);

  return json_node_copy (json_parser_get_root (parser));
}
