/* cs-chart-caption.c: the caption block under an exported chart
 *
 * A figure that leaves the app must stand on its own: under the chart go
 * the test with n, statistic and p, the variables with their units, the
 * cohort, the source and the date, in the tick-label size, wrapped to the
 * chart's width. The same strings go into the file's metadata (SVG <title>
 * and <desc>, PDF title and subject), where they stay searchable text
 * (cairo writes SVG and PDF text as glyphs).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-chart-private.h"

#define CAPTION_PAD        12.0
#define CAPTION_LEADING    1.45

char *
cs_chart_caption_cohort (guint       n_selected,
                         guint       n_total,
                         const char *filter_text)
{
  gboolean filtered = filter_text != NULL && *filter_text != '\0';

  if (!filtered && n_selected == n_total)
    /* Translators: the cohort of a chart caption when no filter applies */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "All %u patient", "All %u patients", n_total),
                            n_total);
  if (!filtered)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u patient", "%u of %u patients", n_total),
                            n_selected, n_total);
  /* Translators: "113 of 400 patients: stage IIIA/IIIB and age 55–75" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u patient: %s", "%u of %u patients: %s", n_total),
                          n_selected, n_total, filter_text);
}

static char *
caption_date (const CsChartCaption *caption)
{
  g_autoptr(GDateTime) now = NULL;

  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  gint64 seconds;

  if (caption->date != NULL)
    return g_strdup (caption->date);
  /* reproducible output (https://reproducible-builds.org/specs/source-date-epoch/) */
  if (epoch != NULL && g_ascii_string_to_signed (epoch, 10, 0, G_MAXINT64 / G_USEC_PER_SEC, &seconds, NULL))
    now = g_date_time_new_from_unix_utc (seconds);
  else
    now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

GStrv
cs_chart_caption_lines (const CsChartCaption *caption)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr(GString) where = g_string_new (NULL);
  g_autofree char *date = NULL;

  g_return_val_if_fail (caption != NULL, NULL);

  if (caption->test != NULL && *caption->test != '\0')
    g_strv_builder_add (lines, caption->test);
  if (caption->variables != NULL && *caption->variables != '\0')
    g_strv_builder_add (lines, caption->variables);

  date = caption_date (caption);
  if (caption->cohort != NULL && *caption->cohort != '\0')
    g_string_append (where, caption->cohort);
  if (caption->source != NULL && *caption->source != '\0')
    {
      if (where->len > 0)
        g_string_append (where, " · ");
      /* Translators: where the data of a chart come from: "Source: demo.ndjson" */
      g_string_append_printf (where, _("Source: %s"), caption->source);
    }
  if (*date != '\0')
    {
      if (where->len > 0)
        g_string_append (where, " · ");
      g_string_append (where, date);
    }
  if (where->len > 0)
    g_strv_builder_add (lines, where->str);
  return g_strv_builder_end (lines);
}

char *
cs_chart_caption_text (const CsChartCaption *caption)
{
  g_auto(GStrv) lines = cs_chart_caption_lines (caption);
  g_autofree char *text = g_strjoinv ("\n", lines);
  g_autofree char *filter = NULL;

  if (caption->filter == NULL || *caption->filter == '\0')
    return g_steal_pointer (&text);
  /* Translators: the filter expression in an exported chart's metadata, "Filter: age >= 55" */
  filter = g_strdup_printf (_("Filter: %s"), caption->filter);
  return *text != '\0' ? g_strconcat (text, "\n", filter, NULL) : g_steal_pointer (&filter);
}

/* Splits text at spaces into lines no wider than width (a word wider than
 * the line gets a line of its own, ellipsised). */
static void
wrap_line (cairo_t    *cr,
           const char *text,
           double      width,
           GPtrArray  *out)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *candidate = line->len > 0 ? g_strconcat (line->str, " ", words[i], NULL)
                                                 : g_strdup (words[i]);

      if (line->len > 0 && cs_chart_text_width (cr, candidate) > width)
        {
          g_ptr_array_add (out, cs_chart_ellipsize (cr, line->str, width));
          g_string_assign (line, words[i]);
        }
      else
        g_string_assign (line, candidate);
    }
  if (line->len > 0)
    g_ptr_array_add (out, cs_chart_ellipsize (cr, line->str, width));
}

static GPtrArray *
caption_layout (cairo_t              *cr,
                const CsChartCaption *caption,
                const CsChartStyle   *style,
                double                width)
{
  g_auto(GStrv) lines = cs_chart_caption_lines (caption);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint i = 0; lines[i] != NULL; i++)
    wrap_line (cr, lines[i], MAX (width - 2 * CAPTION_PAD, 40), out);
  return out;
}

double
cs_chart_caption_height (const CsChartCaption *caption,
                         const CsChartStyle   *style,
                         double                width)
{
  cairo_t *cr;
  g_autoptr(GPtrArray) lines = NULL;

  if (caption == NULL)
    return 0;
  if (style == NULL)
    style = cs_chart_style_light ();
  cr = cs_chart_measure_cr_new ();
  lines = caption_layout (cr, caption, style, width);
  cairo_destroy (cr);
  if (lines->len == 0)
    return 0;
  return lines->len * style->font_size * CAPTION_LEADING + CAPTION_PAD;
}

void
cs_chart_caption_draw (cairo_t              *cr,
                       double                width,
                       double                height,
                       const CsChartCaption *caption,
                       const CsChartStyle   *style)
{
  g_autoptr(GPtrArray) lines = NULL;
  double line_height, y;

  g_return_if_fail (cr != NULL && caption != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  cairo_save (cr);
  lines = caption_layout (cr, caption, style, width);
  line_height = style->font_size * CAPTION_LEADING;
  y = height - lines->len * line_height - CAPTION_PAD / 2;
  if (style->bg.a > 0)
    {
      cs_chart_set_color (cr, style->bg, 1.0);
      cairo_rectangle (cr, 0, y - CAPTION_PAD / 2, width, height - y + CAPTION_PAD / 2);
      cairo_fill (cr);
    }
  cs_chart_set_color (cr, style->fg, 0.75);
  for (guint i = 0; i < lines->len; i++)
    cs_chart_draw_text (cr, g_ptr_array_index (lines, i), CAPTION_PAD, y + (i + 1) * line_height - 0.35 * line_height,
                        0, 1, 0);
  cairo_restore (cr);
}

/* ------------------------------------------------------------ file name */

/* "JointEntropy" → "jointentropy", "Age at diagnosis (years)" →
 * "age-at-diagnosis-years": lower-case ASCII letters and digits, one "-"
 * between runs; other letters dropped. */
static void
append_slug (GString    *out,
             const char *text)
{
  g_autofree char *ascii = NULL;
  gboolean dash = out->len > 0;

  if (text == NULL || *text == '\0')
    return;
  ascii = g_str_to_ascii (text, "C");
  for (const char *p = ascii; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && out->len > 0)
            g_string_append_c (out, '-');
          dash = FALSE;
          g_string_append_c (out, g_ascii_tolower (*p));
        }
      else
        dash = TRUE;
    }
}

char *
cs_chart_file_name (const char *kind,
                    const char *subject,
                    const char *relation,
                    const char *other,
                    const char *extension)
{
  GString *out = g_string_new (NULL);

  append_slug (out, kind);
  append_slug (out, subject);
  if (other != NULL && *other != '\0')
    {
      append_slug (out, relation);
      append_slug (out, other);
    }
  if (out->len == 0)
    g_string_append (out, "chart");
  if (out->len > 120)
    g_string_truncate (out, 120);
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (extension != NULL && *extension != '\0')
    g_string_append_printf (out, ".%s", extension[0] == '.' ? extension + 1 : extension);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------- metadata */

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

char *
cs_chart_svg_add_metadata (const char           *svg,
                           gsize                 len,
                           const CsChartCaption *caption,
                           gsize                *out_len)
{
  const char *root, *open_end;
  g_autofree char *text = NULL;
  GString *out;

  g_return_val_if_fail (svg != NULL, NULL);

  root = g_strstr_len (svg, len, "<svg");
  open_end = root != NULL ? memchr (root, '>', len - (root - svg)) : NULL;
  if (caption == NULL || open_end == NULL)
    {
      *out_len = len;
      return g_memdup2 (svg, len);
    }

  out = g_string_sized_new (len + 512);
  g_string_append_len (out, svg, open_end + 1 - svg);
  if (caption->title != NULL && *caption->title != '\0')
    {
      g_string_append (out, "\n<title>");
      append_escaped (out, caption->title);
      g_string_append (out, "</title>");
    }
  text = cs_chart_caption_text (caption);
  if (*text != '\0')
    {
      g_string_append (out, "\n<desc>");
      append_escaped (out, text);
      g_string_append (out, "</desc>");
    }
  g_string_append_len (out, open_end + 1, len - (open_end + 1 - svg));
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------ PNG text chunks */

/* CRC-32 of the PNG specification (ISO/IEC 15948, annex D) */
static guint32
png_crc (const guint8 *data,
         gsize         len,
         guint32       crc)
{
  static guint32 table[256];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&initialised, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, bytes, 4);
}

/* tEXt when the text is ASCII (a subset of the Latin-1 that tEXt holds),
 * else iTXt: keyword, no compression, no language, UTF-8 text. */
static void
append_text_chunk (GByteArray *out,
                   const char *keyword,
                   const char *text)
{
  gboolean ascii = TRUE;
  gsize start;
  guint32 crc;

  if (text == NULL || *text == '\0')
    return;
  for (const char *p = text; *p; p++)
    if ((guchar) *p >= 0x80)
      ascii = FALSE;

  append_be32 (out, 0);               /* length, set below */
  start = out->len;
  g_byte_array_append (out, (const guint8 *) (ascii ? "tEXt" : "iTXt"), 4);
  g_byte_array_append (out, (const guint8 *) keyword, strlen (keyword) + 1);
  if (!ascii)
    /* compression flag and method 0, empty language tag and translated keyword */
    g_byte_array_append (out, (const guint8 *) "\0\0\0\0", 4);
  g_byte_array_append (out, (const guint8 *) text, strlen (text));
  {
    guint32 length = out->len - start - 4;

    out->data[start - 4] = length >> 24;
    out->data[start - 3] = (length >> 16) & 0xff;
    out->data[start - 2] = (length >> 8) & 0xff;
    out->data[start - 1] = length & 0xff;
  }
  crc = png_crc (out->data + start, out->len - start, 0xffffffffu) ^ 0xffffffffu;
  append_be32 (out, crc);
}

guint8 *
cs_chart_png_add_metadata (const guint8         *png,
                           gsize                 len,
                           const CsChartCaption *caption,
                           gsize                *out_len)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *created = NULL;
  gsize ihdr_end;

  g_return_val_if_fail (png != NULL && out_len != NULL, NULL);

  /* the chunks go right after IHDR (signature, then 4 length + 4 type + 13 data + 4 CRC) */
  ihdr_end = sizeof signature + 4 + 4 + 13 + 4;
  if (caption == NULL || len < ihdr_end || memcmp (png, signature, sizeof signature) != 0
      || memcmp (png + sizeof signature + 4, "IHDR", 4) != 0)
    {
      *out_len = len;
      return g_memdup2 (png, len);
    }

  text = cs_chart_caption_text (caption);
  /* the caption's date: the same chart exported twice on a day gives the same bytes */
  created = caption_date (caption);
  out = g_byte_array_sized_new (len + strlen (text) + 512);
  g_byte_array_append (out, png, ihdr_end);
  append_text_chunk (out, "Title", caption->title);
  append_text_chunk (out, "Description", text);
  append_text_chunk (out, "Software", "Cohortscope " PACKAGE_VERSION);
  append_text_chunk (out, "Source", caption->source);
  append_text_chunk (out, "Creation Time", created);
  g_byte_array_append (out, png + ihdr_end, len - ihdr_end);
  *out_len = out->len;
  return g_byte_array_steal (out, NULL);
}
