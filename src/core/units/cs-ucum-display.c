/* cs-ucum-display.c: UCUM codes as clinicians write them
 *
 * A walk over the code's terms (atoms with prefixes and exponents, factors
 * such as 10*9, annotations, joined by "." and "/"), each rewritten for
 * reading. Not a validator: a term it does not know is kept as written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-ucum-display.h"
#include "cs-ucum.h"

/* Bracketed and special atoms, as written */
static const struct
{
  const char *code;
  const char *shown;
} special_atoms[] = {
  { "[in_i]", "in" }, { "[ft_i]", "ft" }, { "[yd_i]", "yd" }, { "[mi_i]", "mi" },
  { "[lb_av]", "lb" }, { "[oz_av]", "oz" }, { "[gal_us]", "gal" }, { "[foz_us]", "fl oz" },
  { "[hnsf'U]", "HU" }, { "[IU]", "IU" }, { "[iU]", "IU" }, { "[arb'U]", "arb. U" },
  { "[degF]", "°F" }, { "Cel", "°C" }, { "deg", "°" }, { "[pH]", "pH" },
  { "[ppm]", "ppm" }, { "[ppb]", "ppb" }, { "[psi]", "psi" }, { "[drp]", "drops" },
  { "[pack_yr]", "pack-years" }, { "[HPF]", "HPF" }, { "[LPF]", "LPF" },
  { "[mU]", "mU" }, { "[kU]", "kU" },
  { "m[Hg]", "mHg" }, { "m[H2O]", "mH₂O" },
};

/* Metric atoms that a "u" (micro) prefix may precede */
static const char *const micro_atoms[] = {
  "g", "m", "L", "l", "mol", "s", "U", "eq", "kat", "Pa", "Gy", "Sv", "Bq", "Ci", "osm", "[IU]",
  "m[Hg]",
};

static const char *const superscripts[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

/* The words of time units that stand alone */
static const char *
time_word (const char *code)
{
  if (g_str_equal (code, "a"))
    return _("years");
  if (g_str_equal (code, "mo"))
    return _("months");
  if (g_str_equal (code, "wk"))
    return _("weeks");
  if (g_str_equal (code, "d"))
    return _("days");
  if (g_str_equal (code, "h"))
    return _("hours");
  return NULL;
}

static void
append_exponent (GString    *out,
                 const char *digits,
                 gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (digits[i] == '-')
        g_string_append (out, "⁻");
      else if (digits[i] == '+')
        continue;
      else
        g_string_append (out, superscripts[digits[i] - '0']);
    }
}

/* One atom with its prefix ("mm", "ug", "[lb_av]", "mm[Hg]") */
static void
append_atom (GString    *out,
             const char *atom,
             gsize       len)
{
  g_autofree char *text = g_strndup (atom, len);

  for (guint i = 0; i < G_N_ELEMENTS (special_atoms); i++)
    {
      const char *code = special_atoms[i].code;
      gsize code_len = strlen (code);

      /* the atom itself, or with a one-letter metric prefix ("mm[Hg]", "k[IU]") */
      if (g_str_equal (text, code))
        {
          g_string_append (out, special_atoms[i].shown);
          return;
        }
      if (len == code_len + 1 && g_str_has_suffix (text, code) && strchr ("GMkhdcmunpf", text[0]) != NULL)
        {
          if (text[0] == 'u')
            g_string_append (out, "µ");
          else
            g_string_append_c (out, text[0]);
          g_string_append (out, special_atoms[i].shown);
          return;
        }
    }
  if (len > 1 && text[0] == 'u')
    {
      for (guint i = 0; i < G_N_ELEMENTS (micro_atoms); i++)
        {
          if (g_str_equal (text + 1, micro_atoms[i]))
            {
              g_string_append (out, "µ");
              append_atom (out, text + 1, len - 1);
              return;
            }
        }
    }
  /* an unknown bracketed atom: its name without the brackets and the
   * system suffix ("[foo_us]" → "foo") */
  if (text[0] == '[' && text[len - 1] == ']')
    {
      const char *end = strchr (text, '_');

      g_string_append_len (out, text + 1, (end != NULL ? end : text + len - 1) - (text + 1));
      return;
    }
  g_string_append (out, text);
}

/* An annotation's text for reading: "1.73_m2" → "1.73 m²" */
static void
append_annotation (GString    *out,
                   const char *text,
                   gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '_')
        g_string_append_c (out, ' ');
      else if (g_ascii_isdigit (c) && i > 0 && g_ascii_isalpha (text[i - 1]))
        g_string_append (out, superscripts[c - '0']);
      else
        g_string_append_c (out, c);
    }
}

/* One term: a factor ("10*9", "10^3", "1000"), an annotation alone, or an
 * atom with an optional exponent and annotation. */
static void
append_term (GString    *out,
             const char *term,
             gsize       len)
{
  const char *end = term + len;
  const char *p = term;
  const char *atom_end;

  if (len == 0)
    return;

  /* 10*9 and 10^9: a power of ten */
  if ((g_str_has_prefix (term, "10*") || g_str_has_prefix (term, "10^")) && len > 3)
    {
      g_string_append (out, "10");
      append_exponent (out, term + 3, len - 3);
      return;
    }
  /* a plain number, or a number before the atom ("1.73m2", not UCUM) */
  while (p < end && (g_ascii_isdigit (*p) || (*p == '.' && p > term)))
    p++;
  g_string_append_len (out, term, p - term);
  if (p == end)
    return;
  term = p;

  /* the atom: up to the exponent or the annotation (brackets may hold
   * digits: "[H2O]", "[hnsf'U]") */
  atom_end = p;
  while (atom_end < end && *atom_end != '{')
    {
      if (*atom_end == '[')
        {
          const char *close = memchr (atom_end, ']', end - atom_end);

          atom_end = close != NULL ? close + 1 : end;
          continue;
        }
      if ((g_ascii_isdigit (*atom_end) || ((*atom_end == '-' || *atom_end == '+') && atom_end + 1 < end &&
                                            g_ascii_isdigit (atom_end[1]))) && atom_end > p)
        break;
      atom_end++;
    }
  if (atom_end > p)
    append_atom (out, p, atom_end - p);
  p = atom_end;
  if (p < end && *p != '{')
    {
      const char *exp_end = p + 1;

      while (exp_end < end && g_ascii_isdigit (*exp_end))
        exp_end++;
      append_exponent (out, p, exp_end - p);
      p = exp_end;
    }
  if (p < end && *p == '{')
    {
      const char *close = memchr (p, '}', end - p);
      gsize text_len = (close != NULL ? close : end) - (p + 1);

      /* "{beats}/min": the annotation stands for the count; after an
       * atom ("mL{total}") it is left out */
      if (atom_end == term)
        append_annotation (out, p + 1, text_len);
    }
}

char *
cs_ucum_display (const char *code)
{
  GString *out;
  const char *word;
  const char *p, *start;
  int depth = 0;

  if (code == NULL || *code == '\0' || g_str_equal (code, "1"))
    return g_strdup ("");
  /* an annotation alone ("{score}") carries no unit */
  if (code[0] == '{' && strchr (code, '}') == code + strlen (code) - 1)
    return g_strdup ("");
  if ((word = time_word (code)) != NULL)
    return g_strdup (word);

  out = g_string_new (NULL);
  start = code;
  for (p = code;; p++)
    {
      if (*p == '[' || *p == '{')
        depth++;
      else if ((*p == ']' || *p == '}') && depth > 0)
        depth--;
      /* a "." between digits is a decimal point ("1.73m2", not UCUM) */
      if (*p == '.' && p > code && g_ascii_isdigit (p[-1]) && g_ascii_isdigit (p[1]))
        continue;
      if (*p == '\0' || (depth == 0 && (*p == '.' || *p == '/')))
        {
          append_term (out, start, p - start);
          if (*p == '\0')
            break;
          g_string_append (out, *p == '.' ? "·" : "/");
          start = p + 1;
        }
    }
  return g_string_free (out, FALSE);
}

char *
cs_ucum_label (const char *label,
               const char *code)
{
  g_autofree char *shown = cs_ucum_display (code);

  g_autofree char *suffix = NULL;

  if (label == NULL)
    label = "";
  if (*shown == '\0')
    return g_strdup (label);
  /* a label that already names its unit ("eGFR (mL/min/1.73 m²)") */
  suffix = g_strdup_printf (" (%s)", shown);
  if (g_str_has_suffix (label, suffix))
    return g_strdup (label);
  return g_strdup_printf ("%s%s", label, suffix);
}

char *
cs_ucum_describe (const char *code)
{
  g_autofree char *shown = cs_ucum_display (code);

  if (code == NULL || *code == '\0')
    return g_strdup ("");
  if (*shown == '\0')
    /* Translators: a unit that has nothing to show, e.g. "{score}" */
    return g_strdup_printf (_("none (UCUM %s)"), code);
  if (g_str_equal (shown, code))
    return g_steal_pointer (&shown);
  /* Translators: a unit for reading and its UCUM code: "°C (UCUM Cel)" */
  return g_strdup_printf (_("%s (UCUM %s)"), shown, code);
}

/* ------------------------------------------------------------ time scale */

static const char *const time_scale_names[] = { "days", "months", "years" };
static const char *const time_scale_codes[] = { "d", "mo", "a" };

gboolean
cs_time_scale_from_string (const char  *text,
                           CsTimeScale *scale)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (time_scale_names); i++)
    {
      if (g_ascii_strcasecmp (text, time_scale_names[i]) == 0 || g_str_equal (text, time_scale_codes[i]))
        {
          *scale = (CsTimeScale) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
cs_time_scale_to_string (CsTimeScale scale)
{
  g_return_val_if_fail (scale <= CS_TIME_SCALE_YEARS, NULL);
  return time_scale_names[scale];
}

const char *
cs_time_scale_ucum (CsTimeScale scale)
{
  g_return_val_if_fail (scale <= CS_TIME_SCALE_YEARS, NULL);
  return time_scale_codes[scale];
}

double
cs_time_scale_factor (const char  *from,
                      CsTimeScale  scale)
{
  double factor;

  g_return_val_if_fail (scale <= CS_TIME_SCALE_YEARS, NAN);
  if (from == NULL || *from == '\0')
    from = "d";
  if (!cs_ucum_commensurable (from, "s") ||
      !cs_ucum_convert (1.0, from, time_scale_codes[scale], &factor, NULL))
    return NAN;
  return factor;
}
