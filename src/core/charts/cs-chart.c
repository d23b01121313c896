/* cs-chart.c: styles, colours, nice ticks, shared frame drawing, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"
#include "cs-date.h"
#include "cs-ucum-display.h"

G_DEFINE_QUARK (cs-chart-error-quark, cs_chart_error)

static const char *kind_names[] = { "scatter", "box", "histogram", "bar", "km", "heatmap", "forest" };

const char *
cs_chart_kind_to_string (CsChartKind kind)
{
  if ((guint) kind < G_N_ELEMENTS (kind_names))
    return kind_names[kind];
  return NULL;
}

gboolean
cs_chart_kind_from_string (const char  *str,
                           CsChartKind *kind)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_ascii_strcasecmp (str, kind_names[i]) == 0)
        {
          *kind = (CsChartKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---------------------------------------------------------------- style */

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1.0 }

/* Okabe & Ito (2008), "Color Universal Design"; yellow last (weak on white). */
static const CsChartColor okabe_ito_light[] = {
  RGB (0x0072B2), /* blue */
  RGB (0xE69F00), /* orange */
  RGB (0x009E73), /* bluish green */
  RGB (0xD55E00), /* vermillion */
  RGB (0xCC79A7), /* reddish purple */
  RGB (0x56B4E9), /* sky blue */
  RGB (0xF0E442), /* yellow */
  RGB (0x000000), /* black */
};

/* The same colours ordered for a dark background (blue is weak on dark). */
static const CsChartColor okabe_ito_dark[] = {
  RGB (0x56B4E9), /* sky blue */
  RGB (0xE69F00), /* orange */
  RGB (0x009E73), /* bluish green */
  RGB (0xF0E442), /* yellow */
  RGB (0xCC79A7), /* reddish purple */
  RGB (0xD55E00), /* vermillion */
  RGB (0x0072B2), /* blue */
  RGB (0xFFFFFF), /* white */
};

static const CsChartStyle style_light = {
  .fg = RGB (0x241f31),
  .bg = RGB (0xffffff),
  .grid = RGB (0xe6e6e6),
  .muted = RGB (0x8a8a8a),
  .palette = okabe_ito_light,
  .n_palette = G_N_ELEMENTS (okabe_ito_light),
  .font_family = "sans-serif",
  .font_size = 12.0,
  .label_size = 13.0,
  .title_size = 16.0,
  .point_size = 5.0,
  .dark = FALSE,
};

static const CsChartStyle style_dark = {
  .fg = RGB (0xeeeeec),
  .bg = RGB (0x1e1e1e),
  .grid = RGB (0x3a3a3a),
  .muted = RGB (0x8f8f8f),
  .palette = okabe_ito_dark,
  .n_palette = G_N_ELEMENTS (okabe_ito_dark),
  .font_family = "sans-serif",
  .font_size = 12.0,
  .label_size = 13.0,
  .title_size = 16.0,
  .point_size = 5.0,
  .dark = TRUE,
};

const CsChartStyle *
cs_chart_style_light (void)
{
  return &style_light;
}

const CsChartStyle *
cs_chart_style_dark (void)
{
  return &style_dark;
}

CsChartColor
cs_chart_style_category_color (const CsChartStyle *style,
                               guint               index)
{
  if (style == NULL || style->palette == NULL || style->n_palette == 0)
    style = &style_light;
  return style->palette[index % style->n_palette];
}

/* ColorBrewer RdBu, 11 classes, from −1 (blue) to +1 (red). */
static const CsChartColor rdbu[] = {
  RGB (0x053061), RGB (0x2166ac), RGB (0x4393c3), RGB (0x92c5de), RGB (0xd1e5f0),
  RGB (0xf7f7f7),
  RGB (0xfddbc7), RGB (0xf4a582), RGB (0xd6604d), RGB (0xb2182b), RGB (0x67001f),
};

CsChartColor
cs_chart_diverging_color (double value)
{
  CsChartColor c;
  double pos, t;
  guint i;

  if (!isfinite (value))
    return (CsChartColor) { 0.6, 0.6, 0.6, 1.0 };

  value = CLAMP (value, -1.0, 1.0);
  pos = (value + 1.0) / 2.0 * (G_N_ELEMENTS (rdbu) - 1);
  i = MIN ((guint) floor (pos), G_N_ELEMENTS (rdbu) - 2);
  t = pos - i;
  c.r = rdbu[i].r + (rdbu[i + 1].r - rdbu[i].r) * t;
  c.g = rdbu[i].g + (rdbu[i + 1].g - rdbu[i].g) * t;
  c.b = rdbu[i].b + (rdbu[i + 1].b - rdbu[i].b) * t;
  c.a = 1.0;
  return c;
}

double
cs_chart_color_luminance (CsChartColor c)
{
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

/* ---------------------------------------------------------------- ticks */

static double
nice_number (double x,
             gboolean round)
{
  double expv = floor (log10 (x));
  double f = x / pow (10.0, expv);
  double nf;

  if (round)
    {
      if (f < 1.5)
        nf = 1;
      else if (f < 3)
        nf = 2;
      else if (f < 7)
        nf = 5;
      else
        nf = 10;
    }
  else
    {
      if (f <= 1)
        nf = 1;
      else if (f <= 2)
        nf = 2;
      else if (f <= 5)
        nf = 5;
      else
        nf = 10;
    }
  return nf * pow (10.0, expv);
}

gboolean
cs_chart_ticks_compute (double        lo,
                        double        hi,
                        guint         target,
                        CsChartTicks *ticks)
{
  double raw, step, best, first;
  int k, k0;

  memset (ticks, 0, sizeof *ticks);

  if (!isfinite (lo) || !isfinite (hi))
    return FALSE;
  if (lo > hi)
    {
      double tmp = lo;
      lo = hi;
      hi = tmp;
    }
  if (hi - lo <= fabs (hi) * 1e-12 || hi == lo)
    {
      double half = lo == 0.0 ? 1.0 : fabs (lo) * 0.1;
      lo -= half;
      hi += half;
    }
  target = CLAMP (target, 2, CS_CHART_MAX_TICKS - 2);

  /* Among 1/2/5×10^k steps near (hi − lo) / target, take the one whose
   * tick count inside [lo, hi] is closest to target (ties: fewer ticks). */
  raw = (hi - lo) / target;
  /* ranges beyond double precision (±1e308, denormals) get no ticks */
  if (!isfinite (raw) || !(raw > 0) || !isfinite (log10 (raw)) || fabs (log10 (raw)) > 300)
    return FALSE;
  k0 = (int) floor (log10 (raw));
  step = 0;
  best = G_MAXDOUBLE;
  for (int e = k0 - 1; e <= k0 + 1; e++)
    {
      static const double mant[] = { 1, 2, 5 };

      for (guint m = 0; m < G_N_ELEMENTS (mant); m++)
        {
          double cand = mant[m] * pow (10.0, e);
          double count = floor (hi / cand + 1e-9) - ceil (lo / cand - 1e-9) + 1;
          double score;

          if (count < 2 || count > CS_CHART_MAX_TICKS - 2)
            continue;
          score = fabs (count - target) + (count > target ? 0.01 : 0);
          if (score < best)
            {
              best = score;
              step = cand;
            }
        }
    }
  if (step == 0)
    step = nice_number (hi - lo, TRUE) / 2;

  ticks->step = step;
  ticks->nice_min = floor (lo / step) * step;
  ticks->nice_max = ceil (hi / step) * step;

  first = ceil (lo / step - 1e-9);
  for (double i = first; ticks->n < CS_CHART_MAX_TICKS; i += 1.0)
    {
      double v = i * step;

      if (v > hi + step * 1e-9)
        break;
      if (fabs (v) < step * 1e-9)
        v = 0.0;
      ticks->value[ticks->n++] = v;
    }

  k = (int) floor (log10 (step) + 1e-9);
  ticks->exponent = 0;
  if (step >= 1e6 || step < 1e-4)
    {
      /* Scientific labels ("2×10⁶"); exponent holds the step's power. */
      ticks->exponent = k != 0 ? k : 1;
      ticks->decimals = 0;
    }
  else
    ticks->decimals = MAX (0, -k);

  return TRUE;
}

/* Axis dates run from 0001-01-01 to about the year 8200 */
#define FIRST_DAY (-719162.0)
#define LAST_DAY  2280837.0

static void
date_from_days (double  days,
                gint64 *year,
                guint  *month,
                guint  *day)
{
  cs_date_civil_from_days ((gint64) CLAMP (floor (days), FIRST_DAY, LAST_DAY), year, month, day);
}

static double
days_from_ymd (gint64 y,
               guint  m,
               guint  d)
{
  return (double) cs_date_days_from_civil (CLAMP (y, 1, 8000), m, d);
}

/* Fills ticks for one candidate; returns the number inside [lo, hi]. */
static guint
date_ticks_for (double        lo,
                double        hi,
                int           unit,
                int           step,
                CsChartTicks *t)
{
  gint64 y;
  guint m, d;
  double v;

  memset (t, 0, sizeof *t);
  t->date_unit = unit;
  t->date_step = step;
  date_from_days (lo, &y, &m, &d);

  switch (unit)
    {
    case 3:   /* years on 1 January, multiples of step */
      y = (gint64) (floor ((double) y / step) * step);
      t->nice_min = days_from_ymd (MAX (y, 1), 1, 1);
      for (int k = 0; t->n < CS_CHART_MAX_TICKS && k < 4 * CS_CHART_MAX_TICKS; k++, y += step)
        {
          v = days_from_ymd (MAX (y, 1), 1, 1);
          t->nice_max = v;
          if (v > hi)
            break;
          if (v >= lo)
            t->value[t->n++] = v;
        }
      t->step = 365.25 * step;
      break;
    case 2:   /* months on the 1st, month index a multiple of step */
      m = (guint) (floor ((m - 1.0) / step) * step) + 1;
      t->nice_min = days_from_ymd (y, m, 1);
      for (int k = 0; t->n < CS_CHART_MAX_TICKS && k < 4 * CS_CHART_MAX_TICKS; k++)
        {
          v = days_from_ymd (y, m, 1);
          t->nice_max = v;
          if (v > hi)
            break;
          if (v >= lo)
            t->value[t->n++] = v;
          m += (guint) step;
          while (m > 12)
            {
              m -= 12;
              y++;
            }
        }
      t->step = 30.44 * step;
      break;
    case 1:
    default:  /* days */
      t->nice_min = floor (lo / step) * step;
      for (v = t->nice_min; t->n < CS_CHART_MAX_TICKS; v += step)
        {
          t->nice_max = v;
          if (v > hi)
            break;
          if (v >= lo)
            t->value[t->n++] = v;
        }
      t->step = step;
      break;
    }
  return t->n;
}

gboolean
cs_chart_ticks_compute_dates (double        lo,
                              double        hi,
                              guint         target,
                              CsChartTicks *ticks)
{
  static const struct { int unit, step; } cands[] = {
    { 1, 1 }, { 1, 2 }, { 1, 7 }, { 1, 14 },
    { 2, 1 }, { 2, 2 }, { 2, 3 }, { 2, 6 },
    { 3, 1 }, { 3, 2 }, { 3, 5 }, { 3, 10 }, { 3, 20 }, { 3, 50 }, { 3, 100 },
  };
  double best = G_MAXDOUBLE;
  gboolean found = FALSE;

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (lo) || !isfinite (hi) || fabs (lo) > 2e6 || fabs (hi) > 2e6)
    return FALSE;
  if (lo > hi)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  if (hi - lo < 1)
    {
      lo -= 1;
      hi += 1;
    }
  target = CLAMP (target, 2, CS_CHART_MAX_TICKS - 2);

  for (guint i = 0; i < G_N_ELEMENTS (cands); i++)
    {
      CsChartTicks t;
      double approx = (hi - lo) / (cands[i].unit == 3 ? 365.25 * cands[i].step
                                   : cands[i].unit == 2 ? 30.44 * cands[i].step : cands[i].step);
      guint n;
      double score;

      /* skip candidates with far too many ticks before filling them */
      if (approx > 3 * CS_CHART_MAX_TICKS)
        continue;
      n = date_ticks_for (lo, hi, cands[i].unit, cands[i].step, &t);
      if (n < 2)
        continue;
      score = fabs ((double) n - target) + (n > target ? 0.01 : 0);
      if (score < best)
        {
          best = score;
          *ticks = t;
          found = TRUE;
        }
    }
  if (!found)
    {
      /* a range shorter than two ticks of any unit: plain day numbers */
      date_ticks_for (lo, hi, 1, 1, ticks);
    }
  return TRUE;
}

static char *
format_date_tick (const CsChartTicks *ticks,
                  double              value)
{
  gint64 y;
  guint m, d;
  char buf[32];

  date_from_days (value, &y, &m, &d);
  switch (ticks->date_unit)
    {
    case 3:
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, y);
      break;
    case 2:
      g_snprintf (buf, sizeof buf, "%04" G_GINT64_FORMAT "-%02u", y, m);
      break;
    default:
      g_snprintf (buf, sizeof buf, "%04" G_GINT64_FORMAT "-%02u-%02u", y, m, d);
      break;
    }
  return g_strdup (buf);
}

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

char *
cs_chart_ticks_format (const CsChartTicks *ticks,
                       double              value)
{
  GString *out;
  char buf[64];

  if (ticks->date_unit != 0)
    return format_date_tick (ticks, value);

  out = g_string_new (NULL);
  if (fabs (value) < ticks->step * 1e-9)
    value = 0.0;

  if (ticks->exponent != 0)
    {
      int e, decimals;
      double m;
      char fmt[16];

      if (value == 0.0)
        return g_string_free (g_string_append (out, "0"), FALSE);
      e = (int) floor (log10 (fabs (value)) + 1e-9);
      m = value / pow (10.0, e);
      /* digits needed to tell neighbouring ticks apart */
      decimals = CLAMP (e - (int) floor (log10 (ticks->step) + 1e-9), 0, 15);
      g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
      g_ascii_formatd (buf, sizeof buf, fmt, m);
      if (buf[0] == '-')
        {
          g_string_append (out, "−");
          g_string_append (out, buf + 1);
        }
      else
        g_string_append (out, buf);
      g_string_append (out, "×10");
      append_superscript (out, e);
      return g_string_free (out, FALSE);
    }
  else
    {
      char fmt[16];

      g_snprintf (fmt, sizeof fmt, "%%.%df", ticks->decimals);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (buf[0] == '-')
        {
          g_string_append (out, "−");   /* U+2212 minus sign */
          g_string_append (out, buf + 1);
        }
      else
        g_string_append (out, buf);
      return g_string_free (out, FALSE);
    }
}

char *
cs_chart_format_number (double value,
                        int    digits)
{
  GString *out = g_string_new (NULL);
  char fmt[16], buf[64];
  int e;

  if (!isfinite (value))
    return g_string_free (g_string_append (out, "–"), FALSE);
  if (value < 0)
    g_string_append (out, "−");
  value = fabs (value);
  e = value > 0 ? (int) floor (log10 (value)) : 0;
  if (e >= 6 || e <= -4)
    {
      double m = value / pow (10.0, e);

      g_snprintf (fmt, sizeof fmt, "%%.%df", MAX (0, digits - 1));
      g_ascii_formatd (buf, sizeof buf, fmt, m);
      if (m >= 9.9999 && g_ascii_strtod (buf, NULL) >= 10)
        {
          e++;
          g_ascii_formatd (buf, sizeof buf, fmt, m / 10);
        }
      g_string_append (out, buf);
      g_string_append (out, "×10");
      append_superscript (out, e);
    }
  else
    {
      /* fixed notation with about digits significant digits (all of the
       * integer part): 17723, 0.144, 0.00927 */
      g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (digits - 1 - e, 0, 12));
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      g_string_append (out, buf);
    }
  return g_string_free (out, FALSE);
}

char *
cs_chart_axis_label (const char *label,
                     const char *unit)
{
  return cs_ucum_label (label, unit);
}

/* --------------------------------------------------------------- layout */

/* After extending an axis to its nice bounds, list the ticks over it. */
static void
ticks_extend_to_nice (CsChartTicks *ticks)
{
  if (ticks->date_unit != 0)
    return;
  ticks->n = 0;
  for (double i = round (ticks->nice_min / ticks->step);
       ticks->n < CS_CHART_MAX_TICKS && i <= round (ticks->nice_max / ticks->step); i += 1.0)
    {
      double v = i * ticks->step;

      ticks->value[ticks->n++] = fabs (v) < ticks->step * 1e-9 ? 0.0 : v;
    }
}

double
cs_chart_layout_x_to_px (const CsChartLayout *layout,
                         double               x)
{
  double span = layout->x_max - layout->x_min;

  if (span == 0)
    return layout->plot.x + layout->plot.width / 2;
  return layout->plot.x + (x - layout->x_min) / span * layout->plot.width;
}

double
cs_chart_layout_y_to_px (const CsChartLayout *layout,
                         double               y)
{
  double span = layout->y_max - layout->y_min;

  if (span == 0)
    return layout->plot.y + layout->plot.height / 2;
  return layout->plot.y + layout->plot.height - (y - layout->y_min) / span * layout->plot.height;
}

double
cs_chart_layout_px_to_x (const CsChartLayout *layout,
                         double               px)
{
  if (layout->plot.width <= 0)
    return layout->x_min;
  return layout->x_min + (px - layout->plot.x) / layout->plot.width * (layout->x_max - layout->x_min);
}

double
cs_chart_layout_px_to_y (const CsChartLayout *layout,
                         double               py)
{
  if (layout->plot.height <= 0)
    return layout->y_min;
  return layout->y_min + (layout->plot.y + layout->plot.height - py) / layout->plot.height
                         * (layout->y_max - layout->y_min);
}

gboolean
cs_chart_rect_contains (const CsChartRect *rect,
                        double             x,
                        double             y)
{
  return x >= rect->x && x < rect->x + rect->width &&
         y >= rect->y && y < rect->y + rect->height;
}

int
cs_chart_band_hit (const CsChartLayout *layout,
                   double               x,
                   double               y)
{
  int band;

  if (layout->n_bands == 0 || layout->band_width <= 0)
    return -1;
  if (x < layout->plot.x || x >= layout->plot.x + layout->plot.width ||
      y < layout->plot.y || y >= layout->plot.y + layout->plot.height)
    return -1;
  band = (int) floor ((x - layout->plot.x) / layout->band_width);
  if (band < 0 || band >= (int) layout->n_bands)
    return -1;
  return band;
}

/* ----------------------------------------------------------------- text */

cairo_t *
cs_chart_measure_cr_new (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

void
cs_chart_set_color (cairo_t      *cr,
                    CsChartColor  color,
                    double        alpha)
{
  cairo_set_source_rgba (cr, color.r, color.g, color.b, color.a * alpha);
}

void
cs_chart_set_font (cairo_t            *cr,
                   const CsChartStyle *style,
                   double              size,
                   gboolean            bold)
{
  cairo_select_font_face (cr,
                          style->font_family ? style->font_family : "sans-serif",
                          CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

double
cs_chart_text_width (cairo_t    *cr,
                     const char *text)
{
  cairo_text_extents_t ext;

  if (text == NULL || *text == '\0')
    return 0;
  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

char *
cs_chart_ellipsize (cairo_t    *cr,
                    const char *text,
                    double      max_width)
{
  glong len;

  if (text == NULL)
    return g_strdup ("");
  if (cs_chart_text_width (cr, text) <= max_width)
    return g_strdup (text);

  /* in the middle: the start names the class or filter, the end the
   * feature ("Wavelet HLH · GL…Non-Uniformity") */
  len = g_utf8_strlen (text, -1);
  for (glong keep = len - 1; keep > 0; keep--)
    {
      glong head_len = (keep + 1) / 2, tail_len = keep - head_len;
      const char *head_end = g_utf8_offset_to_pointer (text, head_len);
      const char *tail = g_utf8_offset_to_pointer (text, len - tail_len);
      g_autofree char *head = g_strndup (text, head_end - text);
      g_autofree char *rest = g_strdup (tail);
      char *candidate = g_strconcat (g_strchomp (head), "…", g_strchug (rest), NULL);

      if (cs_chart_text_width (cr, candidate) <= max_width)
        return candidate;
      g_free (candidate);
    }
  return g_strdup ("…");
}

char *
cs_chart_fit_tail (cairo_t    *cr,
                   const char *text,
                   const char *fallback,
                   double      max_width)
{
  for (const char *tail = text; tail != NULL; )
    {
      const char *comma;

      /* a tail that has lost the fallback (the test's n) is no use */
      if (strstr (tail, fallback) == NULL)
        break;
      if (cs_chart_text_width (cr, tail) <= max_width)
        return g_strdup (tail);
      comma = strstr (tail, ", ");
      tail = comma != NULL ? comma + 2 : NULL;
    }
  return cs_chart_ellipsize (cr, fallback, max_width);
}

double
cs_chart_cap_height (cairo_t *cr)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, "H", &ext);
  return -ext.y_bearing;
}

void
cs_chart_draw_text (cairo_t    *cr,
                    const char *text,
                    double      x,
                    double      y,
                    double      halign,
                    double      valign,
                    double      angle)
{
  double w, cap;

  if (text == NULL || *text == '\0')
    return;

  /* Measured only when the alignment needs it (left-aligned text on its
   * baseline, the common case of small charts, needs neither) */
  w = halign != 0 ? cs_chart_text_width (cr, text) : 0;
  cap = valign != 1 ? cs_chart_cap_height (cr) : 0;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (angle != 0)
    cairo_rotate (cr, angle);
  cairo_move_to (cr, -w * halign, cap * (1.0 - valign));
  cairo_show_text (cr, text);
  cairo_new_path (cr);
  cairo_restore (cr);
}

void
cs_chart_paint_background (cairo_t            *cr,
                           const CsChartStyle *style,
                           double              width,
                           double              height)
{
  if (style->bg.a <= 0)
    return;
  cairo_save (cr);
  cs_chart_set_color (cr, style->bg, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* ---------------------------------------------------------------- frame */

static double
max_tick_label_width (cairo_t            *cr,
                      const CsChartTicks *ticks)
{
  double w = 0;

  for (guint i = 0; i < ticks->n; i++)
    {
      g_autofree char *label = cs_chart_ticks_format (ticks, ticks->value[i]);

      w = MAX (w, cs_chart_text_width (cr, label));
    }
  return w;
}

static void
pad_range (double   *lo,
           double   *hi,
           gboolean  pad)
{
  if (*hi < *lo)
    {
      double t = *lo;
      *lo = *hi;
      *hi = t;
    }
  if (*hi == *lo)
    {
      double half = *lo == 0 ? 1.0 : fabs (*lo) * 0.1;
      *lo -= half;
      *hi += half;
    }
  else if (pad)
    {
      double m = (*hi - *lo) * 0.04;
      *lo -= m;
      *hi += m;
    }
}

void
cs_chart_frame_layout (cairo_t            *cr,
                       const CsChartStyle *style,
                       const CsChartFrame *frame,
                       double              width,
                       double              height,
                       CsChartLayout      *layout)
{
  double top, bottom, left, right;
  double y_lo = frame->y_lo, y_hi = frame->y_hi;
  double x_lo = frame->x_lo, x_hi = frame->x_hi;
  double tick_w;
  guint n_bands = layout->n_bands;

  memset (layout, 0, sizeof *layout);
  layout->width = width;
  layout->height = height;
  layout->n_bands = n_bands;

  top = CS_CHART_PAD;
  if (frame->title && *frame->title)
    top += style->title_size * 1.5;
  if (frame->subtitle && *frame->subtitle)
    top += style->font_size * 1.5;
  top += style->font_size * 0.6;  /* room for the top tick label */

  bottom = CS_CHART_PAD + CS_CHART_TICK_LEN + 4
         + (frame->x_tick_height > 0 ? frame->x_tick_height : style->font_size * 1.3)
         + frame->extra_bottom;
  if (frame->x_label && *frame->x_label)
    bottom += style->label_size * 1.8;

  /* y ticks: target from an estimate of the plot height */
  pad_range (&y_lo, &y_hi, frame->y_pad);
  if (frame->y_date)
    cs_chart_ticks_compute_dates (y_lo, y_hi, CLAMP ((guint) ((height - top - bottom) / 60.0), 3, 10),
                                  &layout->y_ticks);
  else
    cs_chart_ticks_compute (y_lo, y_hi, CLAMP ((guint) ((height - top - bottom) / 60.0), 3, 10),
                            &layout->y_ticks);
  if (frame->y_nice)
    {
      ticks_extend_to_nice (&layout->y_ticks);
      y_lo = layout->y_ticks.nice_min;
      y_hi = layout->y_ticks.nice_max;
    }
  layout->y_min = y_lo;
  layout->y_max = y_hi;

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  tick_w = max_tick_label_width (cr, &layout->y_ticks);

  left = CS_CHART_PAD + tick_w + CS_CHART_TICK_LEN + 6 + frame->extra_left;
  if (frame->y_label && *frame->y_label)
    left += style->label_size * 1.6;

  right = CS_CHART_PAD + frame->extra_right;

  if (frame->x_numeric)
    {
      double plot_w = MAX (10.0, width - left - right);

      pad_range (&x_lo, &x_hi, frame->x_pad);
      if (frame->x_date)
        cs_chart_ticks_compute_dates (x_lo, x_hi, CLAMP ((guint) (plot_w / 110.0), 3, 10), &layout->x_ticks);
      else
        cs_chart_ticks_compute (x_lo, x_hi, CLAMP ((guint) (plot_w / 100.0), 3, 10), &layout->x_ticks);
      if (frame->x_nice)
        {
          ticks_extend_to_nice (&layout->x_ticks);
          x_lo = layout->x_ticks.nice_min;
          x_hi = layout->x_ticks.nice_max;
        }
      layout->x_min = x_lo;
      layout->x_max = x_hi;
      if (layout->x_ticks.n > 0)
        {
          g_autofree char *last = cs_chart_ticks_format (&layout->x_ticks,
                                                         layout->x_ticks.value[layout->x_ticks.n - 1]);
          /* A last tick at the right edge needs half its label width. */
          right = MAX (right, CS_CHART_PAD * 0.5 + cs_chart_text_width (cr, last) / 2 + frame->extra_right);
        }
    }
  else
    {
      layout->x_min = 0;
      layout->x_max = MAX (1, n_bands);
    }

  layout->plot.x = round (left);
  layout->plot.y = round (top);
  layout->plot.width = MAX (10.0, round (width - right) - layout->plot.x);
  layout->plot.height = MAX (10.0, round (height - bottom) - layout->plot.y);
  if (n_bands > 0)
    layout->band_width = layout->plot.width / n_bands;
}

void
cs_chart_draw_x_label (cairo_t             *cr,
                       const CsChartStyle  *style,
                       const CsChartLayout *layout,
                       const char          *label,
                       double               y)
{
  if (label == NULL || *label == '\0')
    return;
  cs_chart_set_font (cr, style, style->label_size, FALSE);
  cs_chart_set_color (cr, style->fg, 1.0);
  cs_chart_draw_text (cr, label, layout->plot.x + layout->plot.width / 2, y, 0.5, 0.0, 0);
}

void
cs_chart_frame_draw (cairo_t             *cr,
                     const CsChartStyle  *style,
                     const CsChartFrame  *frame,
                     const CsChartLayout *layout)
{
  const CsChartRect *p = &layout->plot;
  double tick_w = 0;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  /* Title and subtitle, left-aligned with the plot */
  if (frame->title && *frame->title)
    {
      cs_chart_set_font (cr, style, style->title_size, TRUE);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, frame->title, CS_CHART_PAD, CS_CHART_PAD, 0, 0, 0);
    }
  if (frame->subtitle && *frame->subtitle)
    {
      double y = CS_CHART_PAD + (frame->title && *frame->title ? style->title_size * 1.5 : 0);

      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_set_color (cr, style->muted, 1.0);
      cs_chart_draw_text (cr, frame->subtitle, CS_CHART_PAD, y, 0, 0, 0);
    }

  /* Horizontal grid lines and y tick labels */
  cs_chart_set_font (cr, style, style->font_size, FALSE);
  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i < layout->y_ticks.n; i++)
    {
      double v = layout->y_ticks.value[i];
      double y = round (cs_chart_layout_y_to_px (layout, v)) + 0.5;
      g_autofree char *label = NULL;

      if (v < layout->y_min - 1e-9 * layout->y_ticks.step || v > layout->y_max + 1e-9 * layout->y_ticks.step)
        continue;
      cs_chart_set_color (cr, style->grid, 1.0);
      cairo_move_to (cr, p->x, y);
      cairo_line_to (cr, p->x + p->width, y);
      cairo_stroke (cr);

      cs_chart_set_color (cr, style->fg, 1.0);
      cairo_move_to (cr, p->x - CS_CHART_TICK_LEN, y);
      cairo_line_to (cr, p->x, y);
      cairo_stroke (cr);

      label = cs_chart_ticks_format (&layout->y_ticks, v);
      tick_w = MAX (tick_w, cs_chart_text_width (cr, label));
      cs_chart_draw_text (cr, label, p->x - CS_CHART_TICK_LEN - 4, y - 0.5, 1.0, 0.5, 0);
    }

  /* Vertical grid lines and x tick labels */
  if (frame->x_numeric)
    {
      for (guint i = 0; i < layout->x_ticks.n; i++)
        {
          double v = layout->x_ticks.value[i];
          double x = round (cs_chart_layout_x_to_px (layout, v)) + 0.5;
          g_autofree char *label = NULL;

          if (v < layout->x_min - 1e-9 * layout->x_ticks.step || v > layout->x_max + 1e-9 * layout->x_ticks.step)
            continue;
          cs_chart_set_color (cr, style->grid, 1.0);
          cairo_move_to (cr, x, p->y);
          cairo_line_to (cr, x, p->y + p->height);
          cairo_stroke (cr);

          cs_chart_set_color (cr, style->fg, 1.0);
          cairo_move_to (cr, x, p->y + p->height);
          cairo_line_to (cr, x, p->y + p->height + CS_CHART_TICK_LEN);
          cairo_stroke (cr);

          label = cs_chart_ticks_format (&layout->x_ticks, v);
          cs_chart_draw_text (cr, label, x - 0.5, p->y + p->height + CS_CHART_TICK_LEN + 4, 0.5, 0.0, 0);
        }
      cs_chart_draw_x_label (cr, style, layout, frame->x_label,
                             p->y + p->height + CS_CHART_TICK_LEN + 4 + style->font_size * 1.3
                             + style->label_size * 0.6);
    }

  /* Axis lines: left and bottom */
  cs_chart_set_color (cr, style->fg, 1.0);
  cairo_move_to (cr, p->x - 0.5, p->y);
  cairo_line_to (cr, p->x - 0.5, p->y + p->height + 0.5);
  cairo_line_to (cr, p->x + p->width, p->y + p->height + 0.5);
  cairo_stroke (cr);

  /* y axis label, rotated, centred on the plot */
  if (frame->y_label && *frame->y_label)
    {
      cs_chart_set_font (cr, style, style->label_size, FALSE);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, frame->y_label,
                          p->x - CS_CHART_TICK_LEN - 6 - tick_w - style->label_size * 0.5,
                          p->y + p->height / 2, 0.5, 1.0, -G_PI / 2);
    }

  cairo_restore (cr);
}

/* --------------------------------------------------------------- legend */

double
cs_chart_legend_width (cairo_t            *cr,
                       const CsChartStyle *style,
                       const char * const *labels,
                       guint               n)
{
  double w = 0;

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint i = 0; i < n; i++)
    w = MAX (w, cs_chart_text_width (cr, labels[i]));
  return w + style->font_size * 1.6;
}

void
cs_chart_draw_legend (cairo_t            *cr,
                      const CsChartStyle *style,
                      double              x,
                      double              y,
                      const char * const *labels,
                      const CsChartColor *colors,
                      guint               n,
                      int                 kind)
{
  double row = style->font_size * 1.5;
  double sw = style->font_size * 0.8;

  cairo_save (cr);
  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint i = 0; i < n; i++)
    {
      double cy = y + row * i + row / 2;

      cs_chart_set_color (cr, colors[i], 1.0);
      if (kind == 1)
        {
          cairo_set_line_width (cr, 2.5);
          cairo_move_to (cr, x, cy);
          cairo_line_to (cr, x + sw * 1.2, cy);
          cairo_stroke (cr);
        }
      else
        {
          cairo_rectangle (cr, x, cy - sw / 2, sw, sw);
          cairo_fill (cr);
        }
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, labels[i], x + sw * (kind == 1 ? 1.2 : 1.0) + 6, cy, 0, 0.5, 0);
    }
  cairo_restore (cr);
}

/* ---------------------------------------------------------------- utils */

double
cs_chart_hash_unit (guint index,
                    guint salt)
{
  guint64 z = ((guint64) index << 32) ^ (guint64) salt ^ G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  /* splitmix64 finaliser */
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return (double) (z >> 11) / (double) (G_GUINT64_CONSTANT (1) << 53);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double *
cs_chart_sorted_finite (const double *values,
                        guint         n,
                        guint        *n_out)
{
  double *out = g_new (double, MAX (n, 1));
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      out[m++] = values[i];
  qsort (out, m, sizeof (double), compare_double);
  *n_out = m;
  return out;
}

double
cs_chart_quantile_sorted (const double *sorted,
                          guint         n,
                          double        p)
{
  double h, lo;
  guint i;

  if (n == 0)
    return NAN;
  h = (n - 1) * p;
  lo = floor (h);
  i = (guint) lo;
  if (i + 1 >= n)
    return sorted[n - 1];
  return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

/* --------------------------------------------------------------- export */

void
cs_chart_draw (CsChartKind         kind,
               gconstpointer       model,
               cairo_t            *cr,
               double              width,
               double              height,
               const CsChartStyle *style)
{
  if (style == NULL)
    style = cs_chart_style_light ();

  switch (kind)
    {
    case CS_CHART_SCATTER:
      cs_chart_scatter_draw (cr, width, height, model, style);
      break;
    case CS_CHART_BOX:
      cs_chart_box_draw (cr, width, height, model, style);
      break;
    case CS_CHART_HISTOGRAM:
      cs_chart_histogram_draw (cr, width, height, model, style);
      break;
    case CS_CHART_BAR:
      cs_chart_bar_draw (cr, width, height, model, style);
      break;
    case CS_CHART_KM:
      cs_chart_km_draw (cr, width, height, model, style);
      break;
    case CS_CHART_HEATMAP:
      cs_chart_heatmap_draw (cr, width, height, model, style);
      break;
    case CS_CHART_FOREST:
      cs_chart_forest_draw (cr, width, height, model, style);
      break;
    default:
      g_return_if_reached ();
    }
}

const char *
cs_chart_model_title (CsChartKind   kind,
                      gconstpointer model)
{
  g_return_val_if_fail (model != NULL, NULL);

  switch (kind)
    {
    case CS_CHART_SCATTER:
      return ((const CsChartScatterModel *) model)->title;
    case CS_CHART_BOX:
      return ((const CsChartBoxModel *) model)->title;
    case CS_CHART_HISTOGRAM:
      return ((const CsChartHistogramModel *) model)->title;
    case CS_CHART_BAR:
      return ((const CsChartBarModel *) model)->title;
    case CS_CHART_KM:
      return ((const CsChartKmModel *) model)->title;
    case CS_CHART_HEATMAP:
      return ((const CsChartHeatmapModel *) model)->title;
    case CS_CHART_FOREST:
      return ((const CsChartForestModel *) model)->title;
    default:
      return NULL;
    }
}

void
cs_chart_layout (CsChartKind         kind,
                 gconstpointer       model,
                 const CsChartStyle *style,
                 double              width,
                 double              height,
                 CsChartLayout      *layout)
{
  if (style == NULL)
    style = cs_chart_style_light ();

  switch (kind)
    {
    case CS_CHART_SCATTER:
      cs_chart_scatter_layout (model, style, width, height, layout);
      break;
    case CS_CHART_BOX:
      cs_chart_box_layout (model, style, width, height, layout);
      break;
    case CS_CHART_HISTOGRAM:
      cs_chart_histogram_layout (model, style, width, height, layout);
      break;
    case CS_CHART_BAR:
      cs_chart_bar_layout (model, style, width, height, layout);
      break;
    case CS_CHART_KM:
      cs_chart_km_layout (model, style, width, height, layout);
      break;
    case CS_CHART_HEATMAP:
      cs_chart_heatmap_layout (model, style, width, height, layout);
      break;
    case CS_CHART_FOREST:
      cs_chart_forest_layout (model, style, width, height, layout);
      break;
    default:
      g_return_if_reached ();
    }
}

typedef struct
{
  GOutputStream *out;
  GByteArray    *buffer;   /* SVG: held until the metadata is added */
  GError        *error;
} ExportStream;

static cairo_status_t
export_write (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  ExportStream *stream = closure;

  if (stream->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (stream->buffer != NULL)
    {
      g_byte_array_append (stream->buffer, data, length);
      return CAIRO_STATUS_SUCCESS;
    }
  if (!g_output_stream_write_all (stream->out, data, length, NULL, NULL, &stream->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

typedef struct
{
  CsChartKind kind;
  gconstpointer model;
} KindModel;

static void
draw_kind (cairo_t            *cr,
           double              width,
           double              height,
           gconstpointer       data,
           const CsChartStyle *style)
{
  const KindModel *km = data;

  cs_chart_draw (km->kind, km->model, cr, width, height, style);
}

gboolean
cs_chart_export (CsChartKind         kind,
                 gconstpointer       model,
                 const CsChartStyle *style,
                 const char         *path,
                 double              width,
                 double              height,
                 GError            **error)
{
  return cs_chart_export_captioned (kind, model, NULL, style, path, width, height, error);
}

gboolean
cs_chart_export_captioned (CsChartKind           kind,
                           gconstpointer         model,
                           const CsChartCaption *caption,
                           const CsChartStyle   *style,
                           const char           *path,
                           double                width,
                           double                height,
                           GError              **error)
{
  KindModel km = { kind, model };

  return cs_chart_export_draw_captioned (draw_kind, &km, caption, style, path, width, height, error);
}

gboolean
cs_chart_export_draw (CsChartDrawFunc     draw,
                      gconstpointer       model,
                      const CsChartStyle *style,
                      const char         *path,
                      double              width,
                      double              height,
                      GError            **error)
{
  return cs_chart_export_draw_captioned (draw, model, NULL, style, path, width, height, error);
}

gboolean
cs_chart_export_draw_captioned (CsChartDrawFunc       draw,
                                gconstpointer         model,
                                const CsChartCaption *caption,
                                const CsChartStyle   *style,
                                const char           *path,
                                double                width,
                                double                height,
                                GError              **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(GByteArray) svg = NULL;
  g_autoptr(GByteArray) png = NULL;
  ExportStream stream = { NULL, NULL, NULL };
  double caption_height = 0;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;
  gboolean existed;
  enum { PNG, SVG, PDF } format;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    format = PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    format = SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    format = PDF;
  else
    {
      g_set_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FORMAT,
                   _("%s: unknown chart file type; use a name ending in .png, .svg or .pdf"), path);
      return FALSE;
    }

  if (!(width >= 16 && height >= 16 && width <= 20000 && height <= 20000))
    {
      g_set_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FAILED,
                   _("%s: chart size %g × %g is out of range (16 to 20000 pixels a side)"),
                   path, width, height);
      return FALSE;
    }

  if (format == PNG && width * height > 1e8)
    {
      g_set_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FAILED,
                   _("%s: a %g × %g PNG needs too much memory; use at most 100 million pixels, "
                     "or SVG or PDF for large prints"), path, width, height);
      return FALSE;
    }

  file = g_file_new_for_commandline_arg (path);
  existed = g_file_query_exists (file, NULL);
  if (!(out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error)))
    {
      g_prefix_error (error, _("Cannot write chart: "));
      return FALSE;
    }
  stream.out = G_OUTPUT_STREAM (out);

  switch (format)
    {
    case PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width), (int) ceil (height));
      break;
    case SVG:
      svg = stream.buffer = g_byte_array_new ();
      surface = cairo_svg_surface_create_for_stream (export_write, &stream, width, height);
      break;
    case PDF:
      surface = cairo_pdf_surface_create_for_stream (export_write, &stream, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Cohortscope");
      if (caption != NULL)
        {
          g_autofree char *text = cs_chart_caption_text (caption);

          if (caption->title != NULL && *caption->title != '\0')
            cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, caption->title);
          if (*text != '\0')
            cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, text);
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (style == NULL)
    style = cs_chart_style_light ();
  cr = cairo_create (surface);
  /* the caption under the chart; a small export keeps at least half for the chart */
  caption_height = MIN (cs_chart_caption_height (caption, style, width), height / 2);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height - caption_height);
  cairo_clip (cr);
  draw (cr, width, height - caption_height, model, style);
  cairo_restore (cr);
  if (caption_height > 0)
    cs_chart_caption_draw (cr, width, height, caption, style);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (format == PNG && status == CAIRO_STATUS_SUCCESS)
    {
      png = stream.buffer = g_byte_array_new ();
      status = cairo_surface_write_to_png_stream (surface, export_write, &stream);
    }
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  /* SVG: the caption as <title> and <desc>, text a search or a screen reader finds */
  if (svg != NULL && stream.error == NULL && status == CAIRO_STATUS_SUCCESS)
    {
      gsize len = 0;
      g_autofree char *doc = cs_chart_svg_add_metadata ((const char *) svg->data, svg->len, caption, &len);

      g_output_stream_write_all (stream.out, doc, len, NULL, NULL, &stream.error);
    }
  /* PNG: the same text in tEXt/iTXt chunks (cairo's PNG writer has none) */
  if (png != NULL && stream.error == NULL && status == CAIRO_STATUS_SUCCESS)
    {
      gsize len = 0;
      g_autofree guint8 *doc = cs_chart_png_add_metadata (png->data, png->len, caption, &len);

      g_output_stream_write_all (stream.out, doc, len, NULL, NULL, &stream.error);
    }

  if (stream.error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      g_autoptr(GCancellable) cancel = g_cancellable_new ();

      if (stream.error != NULL)
        g_propagate_prefixed_error (error, stream.error, _("Cannot write chart %s: "), path);
      else
        g_set_error (error, CS_CHART_ERROR, CS_CHART_ERROR_WRITE,
                     _("Cannot render chart %s: %s"), path, cairo_status_to_string (status));

      /* A cancelled close keeps an existing file as it was; a new one goes. */
      g_cancellable_cancel (cancel);
      g_output_stream_close (G_OUTPUT_STREAM (out), cancel, NULL);
      if (!existed)
        g_file_delete (file, NULL, NULL);
      return FALSE;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      g_prefix_error (error, _("Cannot write chart %s: "), path);
      return FALSE;
    }
  return TRUE;
}
