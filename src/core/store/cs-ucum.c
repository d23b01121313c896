/* cs-ucum.c: the part of UCUM that clinical values need, for conversions
 *
 * A unit is a product of components joined by "." (times) and "/" (divided
 * by the next component only, as UCUM reads "mL/min/{1.73_m2}"), a leading
 * "/" inverting the first. A component is an annotation "{…}", a positive
 * integer, or a unit atom with an optional prefix (metric atoms only), an
 * optional integer exponent ("m2", "s-1", "10*9") and an optional
 * annotation. Parentheses and atoms not in the table do not parse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs-ucum.h"

typedef struct
{
  const char *code;
  gboolean    metric;       /* takes a prefix */
  double      mantissa;
  int         exp10;
  gint8       dim[CS_UCUM_N_DIMS];
} CsUcumAtom;

/*                          L   M   T   N   K  IU  eq */
#define DIM_LENGTH        {  1,  0,  0,  0,  0,  0,  0 }
#define DIM_MASS          {  0,  1,  0,  0,  0,  0,  0 }
#define DIM_TIME          {  0,  0,  1,  0,  0,  0,  0 }
#define DIM_VOLUME        {  3,  0,  0,  0,  0,  0,  0 }
#define DIM_AMOUNT        {  0,  0,  0,  1,  0,  0,  0 }
#define DIM_CATALYTIC     {  0,  0, -1,  1,  0,  0,  0 }
#define DIM_PRESSURE      { -1,  1, -2,  0,  0,  0,  0 }
#define DIM_IU            {  0,  0,  0,  0,  0,  1,  0 }
#define DIM_EQ            {  0,  0,  0,  0,  0,  0,  1 }
#define DIM_NONE          {  0,  0,  0,  0,  0,  0,  0 }

/* Base units: m, g, s, mol, K. Documented in docs/VARIABLES.md ("Units"). */
static const CsUcumAtom atoms[] = {
  { "m",       TRUE,  1,            0, DIM_LENGTH },
  { "g",       TRUE,  1,            0, DIM_MASS },
  { "s",       TRUE,  1,            0, DIM_TIME },
  { "L",       TRUE,  1,           -3, DIM_VOLUME },
  { "l",       TRUE,  1,           -3, DIM_VOLUME },
  { "mol",     TRUE,  1,            0, DIM_AMOUNT },
  { "U",       TRUE,  1.0 / 60.0,  -6, DIM_CATALYTIC },   /* µmol/min */
  { "Pa",      TRUE,  1,            3, DIM_PRESSURE },    /* kg/(m·s²) in g */
  { "bar",     TRUE,  1,            8, DIM_PRESSURE },
  { "m[Hg]",   TRUE,  133.322,      6, DIM_PRESSURE },    /* 133.322 kPa */
  { "m[H2O]",  TRUE,  9.80665,      6, DIM_PRESSURE },
  { "[IU]",    TRUE,  1,            0, DIM_IU },
  { "[iU]",    TRUE,  1,            0, DIM_IU },
  { "eq",      TRUE,  1,            0, DIM_EQ },
  { "min",     FALSE, 60,           0, DIM_TIME },
  { "h",       FALSE, 3600,         0, DIM_TIME },
  { "d",       FALSE, 86400,        0, DIM_TIME },
  { "wk",      FALSE, 604800,       0, DIM_TIME },
  { "mo",      FALSE, 2629800,      0, DIM_TIME },        /* mean Julian month, 30.4375 d */
  { "a",       FALSE, 31557600,     0, DIM_TIME },        /* Julian year, 365.25 d */
  { "[lb_av]", FALSE, 453.59237,    0, DIM_MASS },
  { "[oz_av]", FALSE, 28.349523125, 0, DIM_MASS },
  { "[in_i]",  FALSE, 2.54,        -2, DIM_LENGTH },
  { "[ft_i]",  FALSE, 3.048,       -1, DIM_LENGTH },
  { "%",       FALSE, 1,           -2, DIM_NONE },
  { "10*",     FALSE, 1,            1, DIM_NONE },
  { "10^",     FALSE, 1,            1, DIM_NONE },
};

static const struct { const char *code; int exp10; } prefixes[] = {
  { "da", 1 }, { "G", 9 }, { "M", 6 }, { "k", 3 }, { "h", 2 }, { "d", -1 }, { "c", -2 },
  { "m", -3 }, { "u", -6 }, { "n", -9 }, { "p", -12 }, { "f", -15 },
};

/* Temperatures are affine: kelvin = value × factor + offset. Only as the
 * whole unit. */
static const struct { const char *code; double factor; double offset; } temperatures[] = {
  { "K",      1,         0 },
  { "Cel",    1,         273.15 },
  { "[degF]", 5.0 / 9.0, 459.67 * 5.0 / 9.0 },
};

static const CsUcumAtom *
find_atom (const char *code,
           gsize       len,
           gboolean    metric_only)
{
  for (guint i = 0; i < G_N_ELEMENTS (atoms); i++)
    {
      if (strlen (atoms[i].code) == len && strncmp (atoms[i].code, code, len) == 0
          && (atoms[i].metric || !metric_only))
        return &atoms[i];
    }
  return NULL;
}

/* Multiplies out by (mantissa × 10^exp10 × dim) ^ power. */
static void
multiply (CsUcumUnit  *out,
          double       mantissa,
          int          exp10,
          const gint8 *dim,
          int          power)
{
  for (int i = 0; i < ABS (power); i++)
    out->mantissa = power > 0 ? out->mantissa * mantissa : out->mantissa / mantissa;
  out->exp10 += exp10 * power;
  for (guint d = 0; dim != NULL && d < CS_UCUM_N_DIMS; d++)
    out->dim[d] += dim[d] * power;
}

/* One simple unit with its exponent ("mg", "m2", "10*9", "s-1", "1000"),
 * raised to sign; FALSE when it is not understood. */
static gboolean
parse_simple (const char *token,
              gsize       len,
              int         sign,
              CsUcumUnit *out)
{
  gsize atom_len = len;
  int exponent = 1;
  const CsUcumAtom *atom;

  /* a trailing exponent, unless the token ends in a bracketed atom */
  if (len > 0 && token[len - 1] != ']')
    {
      gsize digits = len;

      while (digits > 0 && g_ascii_isdigit (token[digits - 1]))
        digits--;
      if (digits < len)
        {
          gsize start = digits;

          if (start > 0 && (token[start - 1] == '-' || token[start - 1] == '+'))
            start--;
          if (start == 0)
            {
              /* a plain number: a factor */
              if (token[0] == '-' || token[0] == '+' || len > 9)
                return FALSE;
              multiply (out, g_ascii_strtod (token, NULL), 0, NULL, sign);
              return TRUE;
            }
          exponent = (int) g_ascii_strtoll (token + start, NULL, 10);
          if (exponent == 0 || ABS (exponent) > 24)
            return FALSE;
          atom_len = start;
        }
    }

  if ((atom = find_atom (token, atom_len, FALSE)) != NULL)
    {
      multiply (out, atom->mantissa, atom->exp10, atom->dim, exponent * sign);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize plen = strlen (prefixes[i].code);

      if (atom_len > plen && strncmp (token, prefixes[i].code, plen) == 0
          && (atom = find_atom (token + plen, atom_len - plen, TRUE)) != NULL)
        {
          multiply (out, atom->mantissa, atom->exp10 + prefixes[i].exp10, atom->dim, exponent * sign);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
append_annotation (CsUcumUnit *out,
                   int         sign,
                   const char *start,
                   gsize       len)
{
  gsize used = strlen (out->annotation);

  if (used + len + 2 >= sizeof out->annotation)
    return FALSE;
  out->annotation[used++] = sign < 0 ? '/' : '.';
  memcpy (out->annotation + used, start, len);
  out->annotation[used + len] = '\0';
  return TRUE;
}

gboolean
cs_ucum_parse (const char *code,
               CsUcumUnit *out)
{
  const char *p = code;
  int sign = 1;

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->mantissa = 1;
  if (code == NULL || *code == '\0')
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (temperatures); i++)
    {
      if (g_str_equal (code, temperatures[i].code))
        {
          out->mantissa = temperatures[i].factor;
          out->offset = temperatures[i].offset;
          out->dim[CS_UCUM_TEMPERATURE] = 1;
          return TRUE;
        }
    }

  if (*p == '/')
    {
      sign = -1;
      p++;
    }
  for (;;)
    {
      const char *start = p;

      if (*p == '{')
        {
          const char *close = strchr (p, '}');

          if (close == NULL || !append_annotation (out, sign, p, (gsize) (close - p + 1)))
            return FALSE;
          p = close + 1;
        }
      else
        {
          while (*p != '\0' && strchr ("./{}()", *p) == NULL)
            {
              if (*p == '[')
                {
                  const char *close = strchr (p, ']');

                  if (close == NULL)
                    return FALSE;
                  p = close;
                }
              p++;
            }
          if (p == start || !parse_simple (start, (gsize) (p - start), sign, out))
            return FALSE;
          if (*p == '{')
            {
              const char *close = strchr (p, '}');

              if (close == NULL || !append_annotation (out, sign, p, (gsize) (close - p + 1)))
                return FALSE;
              p = close + 1;
            }
        }

      if (*p == '\0')
        break;
      if (*p != '.' && *p != '/')
        return FALSE;
      sign = *p == '/' ? -1 : 1;
      p++;
    }

  return isfinite (out->mantissa) && out->mantissa > 0;
}

gboolean
cs_ucum_commensurable (const CsUcumUnit *a,
                       const CsUcumUnit *b)
{
  return memcmp (a->dim, b->dim, sizeof a->dim) == 0 && g_str_equal (a->annotation, b->annotation);
}

static double
round_significant (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value) || value == 0)
    return value;
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  return g_ascii_strtod (buf, NULL);
}

double
cs_ucum_convert (double            value,
                 const CsUcumUnit *from,
                 const CsUcumUnit *to)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };
  int shift;

  g_return_val_if_fail (cs_ucum_commensurable (from, to), NAN);

  if (from->dim[CS_UCUM_TEMPERATURE] != 0)
    return round_significant (((value * from->mantissa + from->offset) - to->offset) / to->mantissa);

  /* powers of ten exactly: 95 / 100 is the nearest double to 0.95 */
  value = value * from->mantissa / to->mantissa;
  shift = from->exp10 - to->exp10;
  while (shift > 22)
    {
      value *= powers[22];
      shift -= 22;
    }
  while (shift < -22)
    {
      value /= powers[22];
      shift += 22;
    }
  value = shift >= 0 ? value * powers[shift] : value / powers[-shift];
  return round_significant (value);
}
