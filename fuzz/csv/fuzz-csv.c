/* fuzz-csv.c: libFuzzer target for the CSV reader, the cell parsers and the
 * field writer
 *
 * The first byte of an input picks the dialect (see pick_dialect); the rest
 * is the file. Each input is read in place and through small reads at
 * boundaries derived from the input; both must give the same records and the
 * same error. Every record must be sane (as many fields as columns, lengths
 * that match, valid UTF-8, rows counting up, lines and offsets not going
 * back). What was read is written again with cs_csv_append_field and must
 * read back to the same fields. Every record is read again by its offset
 * (cs_csv_reader_read_record_at; in place, or from the temporary copy
 * of text read in small pieces or converted) and must give the same fields.
 * Every cell goes through the number and date
 * parsers: a number they accept must be what strtod makes of it, a date must
 * be a FHIR date that parses back to itself.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=false
 * Run:   build-fuzz/fuzz/csv/fuzz-csv -max_total_time=300 -dict=fuzz/csv/csv.dict fuzz/csv/corpus
 * The corpus (seeds and fixed crashers) is replayed by tests/csv in every build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs-csv.h"
#include "cs-csv-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define CHECK(cond) \
  G_STMT_START { \
    if (!(cond)) \
      { \
        fprintf (stderr, "fuzz-csv: check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } G_STMT_END

/* options byte: bits 0-2 delimiter, 3-4 quote, 5 no header, 6 ragged, 7 an
 * encoding or decimal comma and custom missing tokens (by delimiter bits) */
static void
pick_dialect (guint8        options,
              CsCsvDialect *dialect)
{
  static const char delimiters[] = { 0, ',', ';', '\t', '|', ' ', 0, ',' };
  static const char quotes[] = { '"', '"', '\'', 0 };

  cs_csv_dialect_init (dialect);
  dialect->delimiter = delimiters[options & 7];
  dialect->quote = quotes[(options >> 3) & 3];
  dialect->has_header = (options & 0x20) == 0;
  dialect->allow_ragged = (options & 0x40) != 0;
  if (options & 0x80)
    {
      switch (options & 7)
        {
        case 0:
          dialect->encoding = g_strdup ("ISO-8859-1");
          break;
        case 1:
          dialect->encoding = g_strdup ("windows-1252");
          break;
        case 2:
          dialect->encoding = g_strdup ("UTF-16LE");
          break;
        default:
          dialect->decimal_comma = TRUE;
          dialect->missing = g_strsplit ("NA|?| none |", "|", -1);
          break;
        }
    }
}

static void
append_escaped (GString    *out,
                const char *field,
                gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (field[i] == '\n' || field[i] == '|' || field[i] == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, field[i] == '\n' ? 'n' : field[i]);
    }
}

/* Checks one cell against the parsers. */
static void
check_cell (const char *field,
            gsize       length,
            gboolean    decimal_comma)
{
  double value;
  gint64 integer;
  char date[11];

  if (length > 200)
    return;
  if (cs_csv_parse_double (field, decimal_comma, &value))
    {
      g_autofree char *copy = g_strstrip (g_strdup (field));
      char *comma = decimal_comma ? strchr (copy, ',') : NULL;
      char *end = NULL;
      double expected;

      CHECK (isfinite (value));
      CHECK (strpbrk (copy, "xXnNiI") == NULL);
      if (comma != NULL)
        *comma = '.';
      expected = g_ascii_strtod (copy, &end);
      CHECK (end != NULL && *end == '\0');
      CHECK (memcmp (&value, &expected, sizeof value) == 0);
    }
  if (cs_csv_parse_int64 (field, &integer))
    {
      CHECK (cs_csv_parse_double (field, FALSE, &value));
      if (integer >= -(G_GINT64_CONSTANT (1) << 53) && integer <= (G_GINT64_CONSTANT (1) << 53))
        CHECK (value == (double) integer);
    }
  if (cs_csv_parse_date (field, NULL, date))
    {
      char again[11];

      CHECK (strlen (date) == 4 || strlen (date) == 7 || strlen (date) == 10);
      CHECK (cs_csv_parse_date (date, NULL, again) && strcmp (date, again) == 0);
    }
  if (cs_csv_parse_date (field, "%d.%m.%Y", date))
    CHECK (strlen (date) == 10);
  if (cs_csv_parse_date (field, "%m/%y", date))
    CHECK (strlen (date) == 7);
}

typedef struct
{
  char      *dump;          /* header, records and error as text */
  GPtrArray *rows;          /* char** per record (the fields) */
  char     **header;
  char       delimiter;
  gboolean   ok;            /* opened and read to the end without an error */
} Read;

static void
read_clear (Read *r)
{
  g_free (r->dump);
  g_clear_pointer (&r->rows, g_ptr_array_unref);
  g_strfreev (r->header);
}

static void
read_text (const char         *text,
           gsize               size,
           const CsCsvDialect *dialect,
           gsize               max_read,
           gboolean            check_cells,
           Read               *out)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(CsCsvProfile) profile = NULL;
  GString *dump = g_string_new (NULL);
  CsCsvRecord record;
  guint64 last_line = 0;
  goffset last_offset = -1;
  guint n_columns;
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (goffset));
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));

  memset (out, 0, sizeof *out);
  out->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  reader = _cs_csv_reader_new_for_bytes_chunked (bytes, "fuzz.csv", dialect, max_read, &error);
  if (reader == NULL)
    {
      CHECK (error != NULL && error->domain == CS_CSV_ERROR);
      g_string_append_printf (dump, "open error %d %s\n", error->code, error->message);
      out->dump = g_string_free (dump, FALSE);
      return;
    }

  n_columns = cs_csv_reader_get_n_columns (reader);
  CHECK (n_columns >= 1 && n_columns <= CS_CSV_MAX_COLUMNS);
  out->header = g_strdupv ((char **) cs_csv_reader_get_header (reader));
  out->delimiter = cs_csv_reader_get_dialect (reader)->delimiter;
  CHECK (out->delimiter != 0);
  g_string_append_printf (dump, "delimiter %d, %u columns:", out->delimiter, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      CHECK (out->header[i] != NULL);
      g_string_append_c (dump, '|');
      append_escaped (dump, out->header[i], strlen (out->header[i]));
    }
  g_string_append_c (dump, '\n');
  CHECK (out->header[n_columns] == NULL);

  CHECK (cs_csv_reader_keep_records (reader, NULL));
  profile = cs_csv_profile_new (reader);
  while (cs_csv_reader_next (reader, &record, &error))
    {
      char **row = g_new0 (char *, record.n_fields + 1);

      CHECK (record.n_fields == n_columns);
      CHECK (record.row == out->rows->len + 1);
      CHECK (record.line >= last_line);
      CHECK (record.offset > last_offset);
      last_line = record.line;
      last_offset = record.offset;
      g_array_append_val (offsets, record.offset);
      g_array_append_val (lines, record.line);
      g_string_append_printf (dump, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                              " %" G_GOFFSET_FORMAT, record.row, record.line, record.offset);
      for (guint i = 0; i < record.n_fields; i++)
        {
          CHECK (strlen (record.fields[i]) == record.lengths[i]);
          CHECK (g_utf8_validate (record.fields[i], (gssize) record.lengths[i], NULL));
          g_string_append_c (dump, '|');
          append_escaped (dump, record.fields[i], record.lengths[i]);
          row[i] = g_strndup (record.fields[i], record.lengths[i]);
          if (check_cells)
            check_cell (record.fields[i], record.lengths[i], dialect->decimal_comma);
        }
      g_string_append_c (dump, '\n');
      g_ptr_array_add (out->rows, row);
      cs_csv_profile_add (profile, &record);
    }
  cs_csv_profile_finish (profile);
  CHECK (cs_csv_profile_get_n_rows (profile) == out->rows->len);
  for (guint i = 0; i < n_columns; i++)
    {
      const CsCsvColumnProfile *c = cs_csv_profile_get_column (profile, i);

      CHECK (c->n_values + c->n_missing == out->rows->len);
      CHECK (c->values->len == c->counts->len);
      CHECK (c->n_distinct == c->values->len);
    }
  if (error != NULL)
    {
      CHECK (error->domain == CS_CSV_ERROR);
      CHECK (g_str_has_prefix (error->message, "fuzz.csv: "));
      g_string_append_printf (dump, "error %d %s\n", error->code, error->message);
    }
  else
    out->ok = TRUE;
  CHECK (!cs_csv_reader_next (reader, &record, NULL));
  for (guint r = out->rows->len; r-- > 0;)
    {
      char **row = g_ptr_array_index (out->rows, r);

      CHECK (cs_csv_reader_read_record_at (reader, g_array_index (offsets, goffset, r), r + 1,
                                           g_array_index (lines, guint64, r), &record, NULL));
      CHECK (record.row == r + 1 && record.line == g_array_index (lines, guint64, r));
      CHECK (record.n_fields == n_columns);
      for (guint i = 0; i < record.n_fields; i++)
        CHECK (record.lengths[i] == strlen (row[i]) && memcmp (record.fields[i], row[i], record.lengths[i]) == 0);
    }
  out->dump = g_string_free (dump, FALSE);
}

/* Writes what was read with cs_csv_append_field; it must read back the same. */
static void
check_round_trip (const Read         *first,
                  const CsCsvDialect *dialect)
{
  GString *text = g_string_new (NULL);
  guint n_columns = g_strv_length (first->header);
  CsCsvDialect again;
  Read second;

  for (guint r = 0; r <= first->rows->len; r++)
    {
      char **row = r == 0 ? first->header : g_ptr_array_index (first->rows, r - 1);

      if (r == 0 && !dialect->has_header)
        continue;
      for (guint i = 0; i < n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (text, first->delimiter);
          /* an empty line would be a blank line: one column needs "" */
          if (n_columns == 1 && row[i][0] == '\0')
            g_string_append (text, "\"\"");
          else
            cs_csv_append_field (text, row[i], first->delimiter);
        }
      g_string_append_c (text, '\n');
    }

  cs_csv_dialect_init (&again);
  again.delimiter = first->delimiter;
  again.has_header = dialect->has_header;
  read_text (text->str, text->len, &again, 0, FALSE, &second);
  if (!second.ok || second.rows->len != first->rows->len ||
      !g_strv_equal ((const char * const *) first->header, (const char * const *) second.header))
    {
      fprintf (stderr, "wrote:\n%s\nfirst read:\n%s\nread back:\n%s\n", text->str, first->dump,
               second.dump);
      abort ();
    }
  for (guint r = 0; r < first->rows->len; r++)
    CHECK (g_strv_equal (g_ptr_array_index (first->rows, r), g_ptr_array_index (second.rows, r)));
  read_clear (&second);
  cs_csv_dialect_clear (&again);
  g_string_free (text, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data + 1;
  CsCsvDialect dialect;
  Read whole, chunked;
  guint32 hash = 2166136261u;

  if (size < 1 || size > 256 * 1024)
    return 0;
  size--;
  pick_dialect (data[0], &dialect);

  read_text (text, size, &dialect, 0, TRUE, &whole);

  /* the same through small reads: boundaries everywhere */
  for (gsize i = 0; i < size; i++)
    hash = (hash ^ (guchar) text[i]) * 16777619u;
  for (guint k = 0; k < 2; k++)
    {
      gsize max_read = k == 0 ? (size <= 2048 ? 1 : 4096) : 2 + hash % 61;

      read_text (text, size, &dialect, max_read, FALSE, &chunked);
      if (strcmp (whole.dump, chunked.dump) != 0)
        {
          fprintf (stderr, "in place:\n%s\n%" G_GSIZE_FORMAT " bytes a read:\n%s\n", whole.dump,
                   max_read, chunked.dump);
          abort ();
        }
      read_clear (&chunked);
    }

  if (whole.ok)
    check_round_trip (&whole, &dialect);

  read_clear (&whole);
  cs_csv_dialect_clear (&dialect);
  return 0;
}
