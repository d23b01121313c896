/* cs-format.c: number and date formatting for the table and JSON output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-store-private.h"
#include "cs-variable.h"

void
cs_format_double_buf (double value,
                      char   buf[32])
{
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };

  if (isnan (value))
    {
      g_strlcpy (buf, "nan", 32);
      return;
    }
  if (isinf (value))
    {
      g_strlcpy (buf, value > 0 ? "inf" : "-inf", 32);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, 32, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
  /* %.17g always round-trips; buf holds it. */
}

char *
cs_format_double (double value)
{
  char buf[32];

  cs_format_double_buf (value, buf);
  return g_strdup (buf);
}

void
cs_format_json_number (GString *out,
                       double   value)
{
  char buf[32];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  cs_format_double_buf (value, buf);
  g_string_append (out, buf);
}

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *out_y,
                 guint  *out_m,
                 guint  *out_d)
{
  gint64 era, y;
  guint doe, yoe, doy, mp, d, m;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  *out_y = y + (m <= 2);
  *out_m = m;
  *out_d = d;
}

static gboolean
read_digits (const char **p,
             guint        n,
             guint       *out)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + (guint) ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

static guint
days_in_month (gint64 y,
               guint  m)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  return m == 2 && leap ? 29 : days[m - 1];
}

/* FHIR date, dateTime and instant: YYYY, YYYY-MM, YYYY-MM-DD,
 * YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]. Partial dates give their first day. */
gboolean
cs_date_parse (const char *text,
               double     *out_days)
{
  const char *p = text;
  guint year, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  double frac = 0.0;
  int tz_minutes = 0;
  gint64 days;

  if (text == NULL || !read_digits (&p, 4, &year))
    return FALSE;
  if (*p == '-')
    {
      p++;
      if (!read_digits (&p, 2, &month) || month < 1 || month > 12)
        return FALSE;
      if (*p == '-')
        {
          p++;
          if (!read_digits (&p, 2, &day) || day < 1 || day > days_in_month (year, month))
            return FALSE;
          if (*p == 'T')
            {
              p++;
              if (!read_digits (&p, 2, &hour) || *p != ':')
                return FALSE;
              p++;
              if (!read_digits (&p, 2, &minute))
                return FALSE;
              if (*p == ':')
                {
                  p++;
                  if (!read_digits (&p, 2, &second))
                    return FALSE;
                  if (*p == '.')
                    {
                      double scale = 0.1;

                      p++;
                      if (!g_ascii_isdigit (*p))
                        return FALSE;
                      while (g_ascii_isdigit (*p))
                        {
                          frac += scale * (*p - '0');
                          scale /= 10;
                          p++;
                        }
                    }
                }
              if (hour > 24 || minute > 59 || second > 60)
                return FALSE;
              if (*p == 'Z')
                p++;
              else if (*p == '+' || *p == '-')
                {
                  int sign = *p == '-' ? -1 : 1;
                  guint tzh, tzm;

                  p++;
                  if (!read_digits (&p, 2, &tzh) || *p != ':')
                    return FALSE;
                  p++;
                  if (!read_digits (&p, 2, &tzm) || tzh > 14 || tzm > 59)
                    return FALSE;
                  tz_minutes = sign * (int) (tzh * 60 + tzm);
                }
            }
        }
    }
  if (*p != '\0')
    return FALSE;

  days = days_from_civil (year, month, day);
  *out_days = (double) days
              + ((double) hour * 3600.0 + (double) minute * 60.0 + (double) second + frac
                 - (double) tz_minutes * 60.0) / 86400.0;
  return TRUE;
}

void
cs_date_format_buf (double days,
                    char   buf[32])
{
  gint64 y;
  guint m, d;

  if (!isfinite (days) || fabs (days) > 1e9)
    {
      g_strlcpy (buf, "", 32);
      return;
    }
  civil_from_days ((gint64) floor (days), &y, &m, &d);
  g_snprintf (buf, 32, "%04" G_GINT64_FORMAT "-%02u-%02u", y, m, d);
}
