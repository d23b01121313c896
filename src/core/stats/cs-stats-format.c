/* cs-stats-format.c: results as people read them
 *
 * One wording for the GUI's stats panel, chart captions and the CLI's
 * figures: the test named with its symbol, p rounded for reading, effect
 * sizes with their symbols. Exports keep full precision; nothing here is
 * used for them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "cs-stats.h"

static void
append_superscript (GString *out,
                    int      value)
{
  static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  char buf[16];

  if (value < 0)
    g_string_append (out, "⁻");
  g_snprintf (buf, sizeof buf, "%d", ABS (value));
  for (const char *p = buf; *p; p++)
    g_string_append (out, digits[*p - '0']);
}

/* m × 10^e with decimals digits after the point, "×" with thin spaces */
static void
append_scientific (GString *out,
                   double   value,
                   int      decimals)
{
  char buf[64];
  int e = (int) floor (log10 (value));
  double m = value / pow (10.0, e);

  g_ascii_formatd (buf, sizeof buf, decimals == 0 ? "%.0f" : decimals == 1 ? "%.1f" : "%.2f", m);
  if (g_ascii_strtod (buf, NULL) >= 10.0)
    {
      e++;
      g_ascii_formatd (buf, sizeof buf, decimals == 0 ? "%.0f" : decimals == 1 ? "%.1f" : "%.2f", m / 10.0);
    }
  g_string_append (out, buf);
  g_string_append (out, " × 10");
  append_superscript (out, e);
}

char *
cs_stats_format_value (double value,
                       int    digits)
{
  GString *out;
  char buf[64];
  int e;

  if (isnan (value))
    return g_strdup (_("undefined"));
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "−∞");

  digits = CLAMP (digits, 1, 15);
  out = g_string_new (NULL);
  if (value < 0)
    g_string_append (out, "−");
  value = fabs (value);
  e = value > 0 ? (int) floor (log10 (value)) : 0;
  if (value > 0 && (e >= 6 || e <= -4))
    append_scientific (out, value, MIN (digits - 1, 2));
  else
    {
      char fmt[16];

      /* all of the integer part, then digits significant digits */
      g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (digits - 1 - e, 0, 12));
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == 0.0 && out->len > 0)
        g_string_truncate (out, 0);   /* no "−0.00" */
      g_string_append (out, buf);
    }
  return g_string_free (out, FALSE);
}

char *
cs_stats_format_p (double        p_value,
                   CsStatsPStyle style)
{
  GString *out;
  char fmt[16], buf[64];
  double m;
  int e;

  if (isnan (p_value) || p_value < 0 || p_value > 1)
    return g_strdup (_("p undefined"));
  if (p_value < DBL_MIN)
    return g_strdup ("p < 10⁻³⁰⁷");
  if (p_value < 0.001)
    {
      if (style == CS_STATS_P_THRESHOLD)
        return g_strdup ("p < 0.001");
      out = g_string_new ("p = ");
      append_scientific (out, p_value, 1);
      return g_string_free (out, FALSE);
    }
  if (p_value > 0.99)
    return g_strdup ("p > 0.99");

  /* two significant digits: 0.54, 0.032, 0.0012 (and 0.050, not 0.05) */
  e = (int) floor (log10 (p_value));
  m = round (p_value / pow (10.0, e - 1));
  if (m >= 100)
    e++;
  g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (1 - e, 1, 4));
  g_ascii_formatd (buf, sizeof buf, fmt, p_value);
  return g_strdup_printf ("p = %s", buf);
}

const char *
cs_stats_method_title (CsStatsMethod method)
{
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON: return _("Pearson correlation");
    case CS_STATS_METHOD_SPEARMAN: return _("Spearman rank correlation");
    case CS_STATS_METHOD_MANNWHITNEY: return _("Mann–Whitney U test");
    case CS_STATS_METHOD_KRUSKAL: return _("Kruskal–Wallis H test");
    case CS_STATS_METHOD_CHI2: return _("χ² test of independence");
    default: return "";
    }
}

const char *
cs_stats_statistic_label (CsStatsMethod method)
{
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON: return _("Pearson r");
    case CS_STATS_METHOD_SPEARMAN: return _("Spearman ρ");
    case CS_STATS_METHOD_MANNWHITNEY: return _("Mann–Whitney U");
    case CS_STATS_METHOD_KRUSKAL: return _("Kruskal–Wallis H");
    case CS_STATS_METHOD_CHI2: return "χ²";
    default: return "";
    }
}

const char *
cs_stats_statistic_symbol (CsStatsMethod method)
{
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON: return "r";
    case CS_STATS_METHOD_SPEARMAN: return "ρ";
    case CS_STATS_METHOD_MANNWHITNEY: return "U";
    case CS_STATS_METHOD_KRUSKAL: return "H";
    case CS_STATS_METHOD_CHI2: return "χ²";
    default: return "";
    }
}

const char *
cs_stats_effect_label (const char *effect_name)
{
  if (effect_name == NULL)
    return NULL;
  if (g_str_equal (effect_name, "rho"))
    return "ρ";
  if (g_str_equal (effect_name, "rank_biserial"))
    return _("rank-biserial r");
  if (g_str_equal (effect_name, "epsilon_squared"))
    return "ε²";
  if (g_str_equal (effect_name, "cramers_v"))
    return _("Cramér’s V");
  return effect_name;
}

/* The statistic rounded as it is usually reported: correlations with two
 * decimals, U whole (or .5), H and χ² with three significant digits. */
static char *
format_statistic (CsStatsMethod method,
                  double        value)
{
  char buf[64];

  if (!isfinite (value))
    return cs_stats_format_value (value, 3);
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON:
    case CS_STATS_METHOD_SPEARMAN:
      g_ascii_formatd (buf, sizeof buf, "%.2f", fabs (value));
      return g_strdup_printf ("%s%s", value < 0 && g_ascii_strtod (buf, NULL) != 0 ? "−" : "", buf);
    case CS_STATS_METHOD_MANNWHITNEY:
      g_ascii_formatd (buf, sizeof buf, value == floor (value) ? "%.0f" : "%.1f", value);
      return g_strdup (buf);
    case CS_STATS_METHOD_KRUSKAL:
    case CS_STATS_METHOD_CHI2:
    default:
      return cs_stats_format_value (value, 3);
    }
}

static char *
format_effect (const char *effect_name,
               double      value)
{
  char buf[64];

  if (g_strcmp0 (effect_name, "epsilon_squared") == 0)
    return cs_stats_format_value (value, 2);
  g_ascii_formatd (buf, sizeof buf, "%.2f", fabs (value));
  return g_strdup_printf ("%s%s", value < 0 && g_ascii_strtod (buf, NULL) != 0 ? "−" : "", buf);
}

char *
cs_stats_result_summary (const CsStatsResult *result,
                         CsStatsPStyle        style)
{
  g_autofree char *stat = NULL;
  g_autofree char *p = NULL;
  GString *out;

  g_return_val_if_fail (result != NULL, NULL);

  if (isnan (result->statistic) || isnan (result->p_value))
    /* Translators: "Spearman ρ undefined (n = 2)" */
    return g_strdup_printf (_("%s undefined (n = %u)"), cs_stats_statistic_label (result->method), result->n);

  stat = format_statistic (result->method, result->statistic);
  p = cs_stats_format_p (result->p_value, style);
  out = g_string_new (NULL);
  g_string_append_printf (out, "%s = %s", cs_stats_statistic_label (result->method), stat);
  if ((result->method == CS_STATS_METHOD_KRUSKAL || result->method == CS_STATS_METHOD_CHI2) && isfinite (result->df))
    g_string_append_printf (out, ", df = %g", result->df);
  g_string_append_printf (out, ", n = %u, %s", result->n, p);
  if (result->effect_name != NULL && isfinite (result->effect) &&
      result->method != CS_STATS_METHOD_PEARSON && result->method != CS_STATS_METHOD_SPEARMAN)
    {
      g_autofree char *effect = format_effect (result->effect_name, result->effect);

      g_string_append_printf (out, "; %s = %s", cs_stats_effect_label (result->effect_name), effect);
    }
  return g_string_free (out, FALSE);
}

char *
cs_stats_logrank_summary (const CsLogrank *logrank,
                          CsStatsPStyle    style)
{
  g_autofree char *chi2 = NULL;
  g_autofree char *p = NULL;

  if (logrank == NULL || isnan (logrank->chi2) || isnan (logrank->p_value))
    return g_strdup (_("Log-rank test undefined (fewer than two groups with events)"));
  chi2 = cs_stats_format_value (logrank->chi2, 3);
  p = cs_stats_format_p (logrank->p_value, style);
  /* Translators: "Log-rank χ² = 12.3, df = 2, n = 380, p = 0.0021" */
  return g_strdup_printf (_("Log-rank χ² = %s, df = %g, n = %u, %s"), chi2, logrank->df, logrank->n, p);
}
