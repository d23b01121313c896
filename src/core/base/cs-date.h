/* cs-date.h: calendar dates as days since 1970-01-01, the one place for them
 *
 * Every date in Cohortscope is a double: days since 1970-01-01 in the
 * proleptic Gregorian calendar (UTC), with a fraction for a time of day.
 * The store keeps dates so, the filter language compares them so, charts
 * put them on axes so and the demo writes them from them; this is where
 * they are converted from and to text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Room for cs_date_format_buf() */
#define CS_DATE_BUF_SIZE 32

/* Days since 1970-01-01 of year-month-day (Hinnant's days_from_civil): any
 * year, month 1 to 12; a day past the end of the month runs on into the
 * next (2023-02-29 is 2023-03-01). */
gint64    cs_date_days_from_civil (gint64       year,
                                   guint        month,
                                   guint        day);
/* The date of a day number (Hinnant's civil_from_days). */
void      cs_date_civil_from_days (gint64       days,
                                   gint64      *year,
                                   guint       *month,
                                   guint       *day);
gboolean  cs_date_is_leap_year    (gint64       year);
/* 28 to 31; month 1 to 12 */
guint     cs_date_days_in_month   (gint64       year,
                                   guint        month);

/* A FHIR date, dateTime or instant: YYYY, YYYY-MM, YYYY-MM-DD or
 * YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]. Partial dates give their first
 * day, a time of day its fraction (converted to UTC). */
gboolean  cs_date_parse           (const char  *text,
                                   double      *out_days);
/* Exactly YYYY-MM-DD, a real date from year 0001 on (what the filter
 * language and date entries take). */
gboolean  cs_date_parse_day       (const char  *text,
                                   double      *out_days);

/* YYYY-MM-DD of the day that days falls in; "" when days is not finite or
 * more than a billion days from 1970. */
void      cs_date_format_buf      (double       days,
                                   char         buf[CS_DATE_BUF_SIZE]);
char     *cs_date_format          (double       days);

/* The current time in UTC as YYYY-MM-DDThh:mm:ssZ: the "created" stamp of
 * saved cohorts and saved models. */
char     *cs_date_now_timestamp   (void);

G_END_DECLS
