/* cs-date.c: days since 1970-01-01 from and to text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-date.h"

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
gint64
cs_date_days_from_civil (gint64 year,
                         guint  month,
                         guint  day)
{
  gint64 era;
  guint yoe, doy, doe;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  yoe = (guint) (year - era * 400);
  doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

void
cs_date_civil_from_days (gint64  days,
                         gint64 *year,
                         guint  *month,
                         guint  *day)
{
  gint64 era, y;
  guint doe, yoe, doy, mp, d, m;

  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = (guint) (days - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

gboolean
cs_date_is_leap_year (gint64 year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

guint
cs_date_days_in_month (gint64 year,
                       guint  month)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  g_return_val_if_fail (month >= 1 && month <= 12, 0);

  return month == 2 && cs_date_is_leap_year (year) ? 29 : days[month - 1];
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
          if (!read_digits (&p, 2, &day) || day < 1 || day > cs_date_days_in_month (year, month))
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

  days = cs_date_days_from_civil (year, month, day);
  *out_days = (double) days
              + ((double) hour * 3600.0 + (double) minute * 60.0 + (double) second + frac
                 - (double) tz_minutes * 60.0) / 86400.0;
  return TRUE;
}

gboolean
cs_date_parse_day (const char *text,
                   double     *out_days)
{
  const char *p = text;
  guint year, month, day;

  if (text == NULL || !read_digits (&p, 4, &year) || *p++ != '-' ||
      !read_digits (&p, 2, &month) || *p++ != '-' || !read_digits (&p, 2, &day) || *p != '\0')
    return FALSE;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > cs_date_days_in_month (year, month))
    return FALSE;

  *out_days = (double) cs_date_days_from_civil (year, month, day);
  return TRUE;
}

void
cs_date_format_buf (double days,
                    char   buf[CS_DATE_BUF_SIZE])
{
  gint64 y;
  guint m, d;

  if (!isfinite (days) || fabs (days) > 1e9)
    {
      g_strlcpy (buf, "", CS_DATE_BUF_SIZE);
      return;
    }
  cs_date_civil_from_days ((gint64) floor (days), &y, &m, &d);
  g_snprintf (buf, CS_DATE_BUF_SIZE, "%04" G_GINT64_FORMAT "-%02u-%02u", y, m, d);
}

char *
cs_date_format (double days)
{
  char buf[CS_DATE_BUF_SIZE];

  cs_date_format_buf (days, buf);
  return g_strdup (buf);
}

char *
cs_date_now_timestamp (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}
