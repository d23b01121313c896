/* cs-number.h: numbers as text, the one place for the rule
 *
 * What the CLI's table and JSON, the Group and CSV exports, the filter
 * printer and the Explore view write: the shortest decimal that parses back
 * to the same double, with "." whatever the locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Room for cs_format_double_buf() */
#define CS_NUMBER_BUF_SIZE 32

/* Shortest of %.15g, %.16g, %.17g that parses back to the same double
 * ("1.5", "0.1", "1e+300"); "nan", "inf" and "-inf" otherwise. */
void      cs_format_double_buf   (double    value,
                                  char      buf[CS_NUMBER_BUF_SIZE]);
char     *cs_format_double       (double    value);
/* value in that form as a JSON number, or null when it is not finite. */
void      cs_format_json_number  (GString  *out,
                                  double    value);

G_END_DECLS
