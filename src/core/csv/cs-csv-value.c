/* cs-csv-value.c: strict cell parsers (numbers, dates) and the field writer
 *
 * These run once per cell in the mapping engine, so they avoid the C library
 * where it is slow or locale-dependent: numbers are checked by hand and
 * converted with one multiplication or division, exactly:
 *   - up to 2^53 with a power of ten up to 1e22, in double (Clinger's fast
 *     path: both operands are exact, so the one rounding is the right one);
 *   - on x86, up to 19 digits (< 2^64) with a power of ten up to 1e27, in the
 *     x87's 64-bit-mantissa long double (exact operands again), then rounded
 *     to double. That second rounding can only go wrong when the long double
 *     lies on a midpoint between two doubles (its 11 extra bits are 0x400);
 *     those few, and everything else, go to g_ascii_strtod, which is
 *     correctly rounded and ignores the locale.
 * Measured values (pyradiomics writes 16-17 significant digits) take the
 * second path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-csv.h"
#include "cs-csv-private.h"
#include "cs-date.h"

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */

static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define MAX_EXACT_MANTISSA (G_GUINT64_CONSTANT (1) << 53)

/* The text without surrounding ASCII space, as [*start, *end). */
static inline void
trimmed (const char  *text,
         const char **start,
         const char **end)
{
  gsize length = strlen (text);

  *start = text;
  cs_csv_trim (start, &length);
  *end = *start + length;
}

#if (defined (__x86_64__) || defined (__i386__)) && LDBL_MANT_DIG == 64
#define HAVE_X87_LONG_DOUBLE 1

static const long double exact_long_powers_of_ten[] = {
  1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
  1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L,
  1e27L,
};

/* mantissa * 10^exponent correctly rounded to double, or FALSE when the
 * double rounding could be wrong. */
static inline gboolean
convert_extended (guint64  mantissa,
                  int      exponent,
                  double  *out)
{
  long double value = (long double) mantissa;
  guint64 bits;

  value = exponent >= 0 ? value * exact_long_powers_of_ten[exponent]
                        : value / exact_long_powers_of_ten[-exponent];
  /* the x87 format keeps its 64-bit mantissa (with the explicit leading bit)
   * in the first 8 bytes; the 11 bits below a double's 53 decide its rounding */
  memcpy (&bits, &value, sizeof bits);
  if ((bits & 0x7FF) == 0x400)
    return FALSE;
  *out = (double) value;
  return TRUE;
}
#endif

gboolean
cs_csv_parse_double (const char *text,
                     gboolean    decimal_comma,
                     double     *out)
{
  const char separator = decimal_comma ? ',' : '.';
  const char *p, *start, *end;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  guint n_significant = 0;      /* digits in mantissa, leading zeros not counted */
  gboolean dropped = FALSE;     /* nonzero digits beyond what mantissa holds */
  guint n_digits = 0;
  int exponent = 0;             /* decimal exponent of mantissa */

  g_return_val_if_fail (text != NULL, FALSE);

  trimmed (text, &start, &end);
  p = start;

  if (p < end && (*p == '+' || *p == '-'))
    negative = *p++ == '-';

  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      n_digits++;
      if (n_significant < 19)
        {
          mantissa = mantissa * 10 + (guint64) (*p - '0');
          if (mantissa != 0)
            n_significant++;
        }
      else
        {
          exponent++;
          dropped |= *p != '0';
        }
    }
  if (p < end && *p == separator)
    {
      for (p++; p < end && g_ascii_isdigit (*p); p++)
        {
          n_digits++;
          if (n_significant < 19)
            {
              mantissa = mantissa * 10 + (guint64) (*p - '0');
              exponent--;
              if (mantissa != 0)
                n_significant++;
            }
          else
            dropped |= *p != '0';
        }
    }
  if (n_digits == 0)
    return FALSE;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exp_negative = FALSE;
      int e = 0;
      guint n_exp_digits = 0;

      p++;
      if (p < end && (*p == '+' || *p == '-'))
        exp_negative = *p++ == '-';
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          n_exp_digits++;
          if (e < 100000)
            e = e * 10 + (*p - '0');
        }
      if (n_exp_digits == 0)
        return FALSE;
      exponent += exp_negative ? -e : e;
    }
  if (p != end)
    return FALSE;

  if (mantissa == 0 && !dropped)
    {
      *out = negative ? -0.0 : 0.0;
      return TRUE;
    }
  if (!dropped && mantissa <= MAX_EXACT_MANTISSA && exponent >= -22 && exponent <= 22)
    {
      double value = (double) mantissa;

      value = exponent >= 0 ? value * exact_powers_of_ten[exponent]
                            : value / exact_powers_of_ten[-exponent];
      *out = negative ? -value : value;
      return TRUE;
    }
#ifdef HAVE_X87_LONG_DOUBLE
  if (!dropped && exponent >= -27 && exponent <= 27)
    {
      double value;

      if (convert_extended (mantissa, exponent, &value))
        {
          *out = negative ? -value : value;
          return TRUE;
        }
    }
#endif

  /* the slow path: strtod on the same text with '.' as the separator */
  {
    char small[128];
    g_autofree char *large = NULL;
    gsize length = (gsize) (end - start);
    char *copy = length < sizeof small ? small : (large = g_malloc (length + 1));
    char *stop = NULL;
    double value;

    memcpy (copy, start, length);
    copy[length] = '\0';
    if (decimal_comma)
      {
        char *comma = strchr (copy, ',');

        if (comma != NULL)
          *comma = '.';
      }
    value = g_ascii_strtod (copy, &stop);
    if (stop != copy + length || isinf (value) || isnan (value))
      return FALSE;
    *out = value;
    return TRUE;
  }
}

gboolean
cs_csv_parse_int64 (const char *text,
                    gint64     *out)
{
  const char *p, *end;
  gboolean negative = FALSE;
  guint64 value = 0;
  /* the magnitude allowed: G_MAXINT64, or one more when negative */
  guint64 limit;

  g_return_val_if_fail (text != NULL, FALSE);

  trimmed (text, &p, &end);

  if (p < end && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == end)
    return FALSE;
  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  for (; p < end; p++)
    {
      guint digit;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      digit = (guint) (*p - '0');
      if (value > (limit - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }
  if (negative)
    *out = value == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) value;
  else
    *out = (gint64) value;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */

/* Reads between min and max digits at *p (not past end). */
static gboolean
read_digits (const char **p,
             const char  *end,
             guint        min,
             guint        max,
             int         *value)
{
  guint n = 0;
  int v = 0;

  while (n < max && *p + n < end && g_ascii_isdigit ((*p)[n]))
    {
      v = v * 10 + ((*p)[n] - '0');
      n++;
    }
  if (n < min)
    return FALSE;
  *p += n;
  *value = v;
  return TRUE;
}

static gboolean
write_date (int  year,
            int  month,
            int  day,
            char out[11])
{
  /* FHIR dates have years 0001-9999 */
  if (year < 1 || year > 9999)
    return FALSE;
  if (month == 0)
    {
      g_snprintf (out, 11, "%04d", year);
      return TRUE;
    }
  if (month < 1 || month > 12)
    return FALSE;
  if (day == 0)
    {
      g_snprintf (out, 11, "%04d-%02d", year, month);
      return TRUE;
    }
  if (day < 1 || day > (int) cs_date_days_in_month (year, (guint) month))
    return FALSE;
  g_snprintf (out, 11, "%04d-%02d-%02d", year, month, day);
  return TRUE;
}

static gboolean
parse_iso_date (const char *p,
                const char *end,
                char        out[11])
{
  int year, month = 0, day = 0;

  if (!read_digits (&p, end, 4, 4, &year))
    return FALSE;
  if (p < end)
    {
      if (*p++ != '-' || !read_digits (&p, end, 2, 2, &month) || month == 0)
        return FALSE;
      if (p < end && (*p++ != '-' || !read_digits (&p, end, 2, 2, &day) || day == 0))
        return FALSE;
    }
  if (p != end)
    return FALSE;
  return write_date (year, month, day, out);
}

typedef struct
{
  gboolean year, month, day;
} FormatFields;

/* Walks a format; with text, parses it. Returns FALSE on a bad format (with
 * error) or a text that does not match. */
static gboolean
walk_format (const char   *format,
             const char   *text,
             const char   *text_end,
             FormatFields *fields,
             int          *year,
             int          *month,
             int          *day,
             GError      **error)
{
  const char *p = text;

  memset (fields, 0, sizeof *fields);
  for (const char *f = format; *f != '\0'; f++)
    {
      if (*f != '%')
        {
          if (text != NULL && (p >= text_end || *p++ != *f))
            return FALSE;
          continue;
        }
      f++;
      switch (*f)
        {
        case 'Y':
        case 'y':
        case 'm':
        case 'd':
          {
            gboolean *seen = *f == 'm' ? &fields->month : *f == 'd' ? &fields->day : &fields->year;

            if (*seen)
              {
                g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                             _("date format \"%s\": %%%c appears twice"), format, *f);
                return FALSE;
              }
            *seen = TRUE;
            if (text == NULL)
              break;
            if (*f == 'Y' && !read_digits (&p, text_end, 4, 4, year))
              return FALSE;
            if (*f == 'y')
              {
                /* POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068 */
                if (!read_digits (&p, text_end, 2, 2, year))
                  return FALSE;
                *year += *year >= 69 ? 1900 : 2000;
              }
            if (*f == 'm' && !read_digits (&p, text_end, 1, 2, month))
              return FALSE;
            if (*f == 'd' && !read_digits (&p, text_end, 1, 2, day))
              return FALSE;
          }
          break;

        case '%':
          if (text != NULL && (p >= text_end || *p++ != '%'))
            return FALSE;
          break;

        case '\0':
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                       _("date format \"%s\" ends with a lone %%"), format);
          return FALSE;

        default:
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                       _("date format \"%s\": unknown directive %%%c (known: %%Y %%y %%m %%d "
                         "%%%%)"), format, *f);
          return FALSE;
        }
    }
  if (!fields->year)
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                   _("date format \"%s\" has no year (%%Y or %%y)"), format);
      return FALSE;
    }
  if (fields->day && !fields->month)
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                   _("date format \"%s\" has a day (%%d) but no month (%%m)"), format);
      return FALSE;
    }
  return text == NULL || p == text_end;
}

gboolean
cs_csv_date_format_check (const char  *format,
                          GError     **error)
{
  FormatFields fields;

  g_return_val_if_fail (format != NULL, FALSE);

  return walk_format (format, NULL, NULL, &fields, NULL, NULL, NULL, error);
}

gboolean
cs_csv_parse_date (const char *text,
                   const char *format,
                   char        out[11])
{
  const char *start, *end;
  FormatFields fields;
  int year = 0, month = 0, day = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  trimmed (text, &start, &end);
  if (format == NULL)
    return parse_iso_date (start, end, out);
  if (!walk_format (format, start, end, &fields, &year, &month, &day, NULL))
    return FALSE;
  if (fields.month && month == 0)
    return FALSE;
  if (fields.day && day == 0)
    return FALSE;
  return write_date (year, month, day, out);
}

/* ------------------------------------------------------------------------ */
/* Types and writing                                                        */

const char *
cs_csv_type_to_string (CsCsvType type)
{
  switch (type)
    {
    case CS_CSV_TYPE_EMPTY:
      return "empty";
    case CS_CSV_TYPE_INTEGER:
      return "integer";
    case CS_CSV_TYPE_DECIMAL:
      return "decimal";
    case CS_CSV_TYPE_DATE:
      return "date";
    case CS_CSV_TYPE_CATEGORICAL:
      return "categorical";
    case CS_CSV_TYPE_TEXT:
      return "text";
    default:
      return "unknown";
    }
}

void
cs_csv_append_field (GString    *out,
                     const char *field,
                     char        delimiter)
{
  gsize length;
  gboolean quote = FALSE;

  g_return_if_fail (out != NULL);

  if (field == NULL)
    return;
  length = strlen (field);
  if (length > 0 && (field[0] == ' ' || field[0] == '\t' ||
                     field[length - 1] == ' ' || field[length - 1] == '\t'))
    quote = TRUE;
  /* U+FEFF first would be taken for a byte-order mark at the start of a file */
  if (length >= 3 && memcmp (field, "\xEF\xBB\xBF", 3) == 0)
    quote = TRUE;
  for (gsize i = 0; !quote && i < length; i++)
    {
      char c = field[i];

      quote = c == delimiter || c == '"' || c == '\r' || c == '\n';
    }
  if (!quote)
    {
      g_string_append_len (out, field, (gssize) length);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = field, *q; *p != '\0'; p = q + 1)
    {
      q = strchr (p, '"');
      if (q == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, q - p + 1);
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '"');
}
