/* cs-number.c: the shortest decimal that reads back as the same double
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cs-number.h"

void
cs_format_double_buf (double value,
                      char   buf[CS_NUMBER_BUF_SIZE])
{
  /* %.15g is exact for most numbers people write and never pads zeros */
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };

  if (isnan (value))
    {
      g_strlcpy (buf, "nan", CS_NUMBER_BUF_SIZE);
      return;
    }
  if (isinf (value))
    {
      g_strlcpy (buf, value > 0 ? "inf" : "-inf", CS_NUMBER_BUF_SIZE);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, CS_NUMBER_BUF_SIZE, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
  /* %.17g always round-trips; buf holds it. */
}

char *
cs_format_double (double value)
{
  char buf[CS_NUMBER_BUF_SIZE];

  cs_format_double_buf (value, buf);
  return g_strdup (buf);
}

void
cs_format_json_number (GString *out,
                       double   value)
{
  char buf[CS_NUMBER_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  cs_format_double_buf (value, buf);
  g_string_append (out, buf);
}
