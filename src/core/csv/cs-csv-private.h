/* cs-csv-private.h: internals shared by the CSV reader's files, tests and fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-csv.h"

G_BEGIN_DECLS

/* Like cs_csv_reader_new_for_bytes(), but the bytes are copied into the
 * reader's buffer at most max_read bytes per read (max_read > 0), as a slow
 * stream would deliver them. Tests and the fuzzer use it to put buffer
 * boundaries everywhere. */
CsCsvReader  *_cs_csv_reader_new_for_bytes_chunked (GBytes             *bytes,
                                                    const char         *name,
                                                    const CsCsvDialect *dialect,
                                                    gsize               max_read,
                                                    GError            **error);

/* Trims ASCII white space (as g_ascii_isspace) from both ends of [*text,
 * *text + *length). */
static inline void
cs_csv_trim (const char **text,
             gsize       *length)
{
  const char *p = *text;
  gsize n = *length;

  while (n > 0 && g_ascii_isspace (p[0]))
    {
      p++;
      n--;
    }
  while (n > 0 && g_ascii_isspace (p[n - 1]))
    n--;
  *text = p;
  *length = n;
}

G_END_DECLS
