/* goldens-util.h: reading the reference values of tests/stats/goldens-*.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The root of tests/stats/NAME (G_TEST_DIST); aborts the test when it does
 * not read. json_node_unref() it. */
JsonNode *goldens_load (const char *name);

G_END_DECLS
