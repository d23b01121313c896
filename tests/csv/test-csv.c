/* test-csv.c: the streaming CSV reader (dialects, errors, encodings,
 * sniffing, header, limits, sources), the cell parsers, profiles and the
 * field writer
 *
 * Most cases go through check_csv(), which reads the same text in place,
 * through buffer boundaries at every byte and at odd sizes, from a
 * GInputStream and from a file, and requires the same records and the same
 * error every time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <utime.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "cs-csv.h"
#include "cs-csv-private.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static void
append_escaped (GString    *out,
                const char *field,
                gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = field[i];

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '|' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else
        g_string_append_c (out, c);
    }
}

static char *
record_text (const CsCsvRecord *record)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GOFFSET_FORMAT ":",
                          record->row, record->line, record->offset);
  for (guint i = 0; i < record->n_fields; i++)
    {
      g_assert_cmpuint (strlen (record->fields[i]), ==, record->lengths[i]);
      g_assert_true (g_utf8_validate (record->fields[i], (gssize) record->lengths[i], NULL));
      g_string_append_c (out, i > 0 ? '|' : ' ');
      append_escaped (out, record->fields[i], record->lengths[i]);
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  goffset  offset;
  guint64  row;
  guint64  line;
  char    *text;
} SeenRecord;

static void
seen_record_clear (gpointer data)
{
  g_free (((SeenRecord *) data)->text);
}

/* Reads record i of seen again by its offset: the same fields. */
static void
check_read_again (CsCsvReader *reader,
                  GArray      *seen,
                  guint        i)
{
  SeenRecord *s = &g_array_index (seen, SeenRecord, i);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CsCsvRecord again;

  g_assert_true (cs_csv_reader_read_record_at (reader, s->offset, s->row, s->line, &again, &error));
  g_assert_no_error (error);
  text = record_text (&again);
  g_assert_cmpstr (text, ==, s->text);
}

/* A text form of everything a reader gives: the header, each record with its
 * row, line and offset, and the error (domain code and message). Every
 * record is also read again by its offset, while reading (an earlier one)
 * and after the end (all, last first; a sample of large files), and must be
 * the same. */
static char *
dump_reader (CsCsvReader *reader,
             GError      *open_error)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (SeenRecord));
  const char * const *header;
  CsCsvRecord record;

  g_array_set_clear_func (seen, seen_record_clear);

  if (reader == NULL)
    {
      g_string_append_printf (out, "open error %d: %s\n", open_error->code, open_error->message);
      return g_string_free (out, FALSE);
    }
  g_assert_true (cs_csv_reader_keep_records (reader, &error));
  g_assert_no_error (error);
  header = cs_csv_reader_get_header (reader);
  g_string_append (out, "header:");
  for (guint i = 0; i < cs_csv_reader_get_n_columns (reader); i++)
    {
      g_string_append_c (out, i > 0 ? '|' : ' ');
      append_escaped (out, header[i], strlen (header[i]));
    }
  g_string_append_c (out, '\n');
  while (cs_csv_reader_next (reader, &record, &error))
    {
      SeenRecord s = { record.offset, record.row, record.line, record_text (&record) };

      g_assert_cmpuint (record.n_fields, ==, cs_csv_reader_get_n_columns (reader));
      g_string_append (out, s.text);
      g_string_append_c (out, '\n');
      g_array_append_val (seen, s);
      if (seen->len <= 1000 || seen->len % 997 == 0)
        check_read_again (reader, seen, seen->len / 2);
    }
  /* large files: a sample (each read again moves the reader's window) */
  for (guint i = seen->len; i-- > 0;)
    if (seen->len <= 1000 || i % 97 == 0 || i == seen->len - 1)
      check_read_again (reader, seen, i);
  if (error != NULL)
    {
      g_assert_true (error->domain == CS_CSV_ERROR);
      g_string_append_printf (out, "error %d: %s\n", error->code, error->message);
    }
  /* done stays done */
  g_assert_false (cs_csv_reader_next (reader, &record, NULL));
  return g_string_free (out, FALSE);
}

static char *
read_bytes (const char         *text,
            gsize               length,
            const CsCsvDialect *dialect,
            gsize               max_read)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, length);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;

  reader = _cs_csv_reader_new_for_bytes_chunked (bytes, "t.csv", dialect, max_read, &error);
  return dump_reader (reader, error);
}

static char *
read_stream (const char         *text,
             gsize               length,
             const CsCsvDialect *dialect)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, (gssize) length,
                                                                        NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;

  reader = cs_csv_reader_new_for_stream (stream, "t.csv", length, dialect, &error);
  if (reader != NULL)
    g_assert_cmpuint (cs_csv_reader_get_total_bytes (reader), ==, length);
  return dump_reader (reader, error);
}

static char *
temp_file (const char *name,
           const char *text,
           gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-test-csv-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_temp_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static char *
read_path (const char         *text,
           gsize               length,
           const CsCsvDialect *dialect)
{
  g_autofree char *path = temp_file ("t.csv", text, (gssize) length);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  char *dump;

  reader = cs_csv_reader_new_for_path (path, dialect, &error);
  if (reader != NULL)
    {
      g_assert_cmpstr (cs_csv_reader_get_name (reader), ==, "t.csv");
      g_assert_cmpuint (cs_csv_reader_get_total_bytes (reader), ==, length);
    }
  dump = dump_reader (reader, error);
  g_clear_pointer (&reader, cs_csv_reader_free);
  remove_temp_file (path);
  return dump;
}

/* Reads text every way there is and returns the dump (all must agree). */
static char *
read_all_ways (const char         *text,
               gssize              length,
               const CsCsvDialect *dialect)
{
  static const gsize chunks[] = { 1, 2, 3, 5, 7, 64, 4099 };
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  char *whole = read_bytes (text, n, dialect, 0);

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autofree char *chunked = NULL;

      if (chunks[i] == 1 && n > 200000)
        continue;
      chunked = read_bytes (text, n, dialect, chunks[i]);
      if (g_strcmp0 (whole, chunked) != 0)
        g_error ("read in place:\n%s\nread %" G_GSIZE_FORMAT " bytes at a time:\n%s",
                 whole, chunks[i], chunked);
    }
  {
    g_autofree char *streamed = read_stream (text, n, dialect);
    g_autofree char *from_file = read_path (text, n, dialect);

    g_assert_cmpstr (whole, ==, streamed);
    g_assert_cmpstr (whole, ==, from_file);
  }
  return whole;
}

static void
check_csv (const char         *text,
           gssize              length,
           const CsCsvDialect *dialect,
           const char         *expected)
{
  g_autofree char *got = read_all_ways (text, length, dialect);

  g_assert_cmpstr (got, ==, expected);
}

static CsCsvReader *
open_text (const char         *text,
           const CsCsvDialect *dialect,
           GError            **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return cs_csv_reader_new_for_bytes (bytes, "t.csv", dialect, error);
}

/* ------------------------------------------------------------------------ */
/* Dialect                                                                  */

static void
test_line_ends (void)
{
  g_autoptr(CsCsvReader) reader = NULL;

  check_csv ("a,b\n1,2\n3,4\n", -1, NULL,
             "header: a|b\n1 2 4: 1|2\n2 3 8: 3|4\n");
  check_csv ("a,b\r\n1,2\r\n3,4\r\n", -1, NULL,
             "header: a|b\n1 2 5: 1|2\n2 3 10: 3|4\n");
  check_csv ("a,b\r1,2\r3,4\r", -1, NULL,
             "header: a|b\n1 2 4: 1|2\n2 3 8: 3|4\n");
  /* mixed, and no line end after the last record */
  check_csv ("a,b\r\n1,2\n3,4\r5,6", -1, NULL,
             "header: a|b\n1 2 5: 1|2\n2 3 9: 3|4\n3 4 13: 5|6\n");
  /* a header alone, with and without a line end */
  check_csv ("a,b\n", -1, NULL, "header: a|b\n");
  check_csv ("a,b", -1, NULL, "header: a|b\n");

  reader = open_text ("a,b\r\n1,2\n", NULL, NULL);
  g_assert_cmpstr (cs_csv_reader_get_line_end (reader), ==, "CRLF");
  g_clear_pointer (&reader, cs_csv_reader_free);
  reader = open_text ("a,b\r1,2\n", NULL, NULL);
  g_assert_cmpstr (cs_csv_reader_get_line_end (reader), ==, "CR");
  g_clear_pointer (&reader, cs_csv_reader_free);
  reader = open_text ("a,b\n1,2\r\n", NULL, NULL);
  g_assert_cmpstr (cs_csv_reader_get_line_end (reader), ==, "LF");
  g_clear_pointer (&reader, cs_csv_reader_free);
  reader = open_text ("a,b", NULL, NULL);
  g_assert_null (cs_csv_reader_get_line_end (reader));
}

static void
test_quoted (void)
{
  /* delimiters, line breaks of every kind and doubled quotes inside quotes;
   * lines count the breaks inside quoted fields */
  check_csv ("name,note\n"
             "\"Smith, J\",\"said \"\"hi\"\"\"\n"
             "\"two\nlines\",\"cr\rlf\r\nend\"\n"
             "x,\"\"\n"
             "\"\",y\n",
             -1, NULL,
             "header: name|note\n"
             "1 2 10: Smith, J|said \"hi\"\n"
             "2 3 35: two\\nlines|cr\\rlf\\r\\nend\n"
             "3 7 60: x|\n"
             "4 8 65: |y\n");
  /* quoted header names, a quoted last field without a line end */
  check_csv ("\"a\",\"b\"\r\n\"1\",\"2\"", -1, NULL, "header: a|b\n1 2 9: 1|2\n");
  /* a quoted field holding only a doubled quote, and quotes at the ends */
  check_csv ("a\n\"\"\"\"\n\"\"\"x\"\"\"\n", -1, NULL,
             "header: a\n1 2 2: \"\n2 3 7: \"x\"\n");
  /* spaces around a quoted field are dropped; inside they stay */
  check_csv ("a,b\n  \"x, y\"  , \" z \" \n", -1, NULL, "header: a|b\n1 2 4: x, y| z \n");
  /* unquoted spaces are kept */
  check_csv ("a,b\n x , y \n", -1, NULL, "header: a|b\n1 2 4:  x | y \n");
}

static void
test_literal_quotes (void)
{
  /* a quote that does not open a field is a literal character (as Excel,
   * pandas, R and Python's csv read it) */
  check_csv ("height,note\n5'10\",ab\"c\"d\n", -1, NULL,
             "header: height|note\n1 2 12: 5'10\"|ab\"c\"d\n");
  /* no quoting at all */
  {
    CsCsvDialect dialect;

    cs_csv_dialect_init (&dialect);
    dialect.quote = 0;
    check_csv ("a,b\n\"x,y\"\n", -1, &dialect, "header: a|b\n1 2 4: \"x|y\"\n");
    cs_csv_dialect_clear (&dialect);
  }
  /* another quote character */
  {
    CsCsvDialect dialect;

    cs_csv_dialect_init (&dialect);
    dialect.quote = '\'';
    check_csv ("a,b\n'x,y','it''s'\n", -1, &dialect, "header: a|b\n1 2 4: x,y|it's\n");
    cs_csv_dialect_clear (&dialect);
  }
}

static void
test_blank_lines (void)
{
  /* at the end: ignored, whatever the line ends */
  check_csv ("a,b\n1,2\n\n\r\n\r\n", -1, NULL, "header: a|b\n1 2 4: 1|2\n");
  /* in the middle of a wider file: skipped (they hold no data); lines still count */
  check_csv ("a,b\n1,2\n\n\n3,4\n", -1, NULL, "header: a|b\n1 2 4: 1|2\n2 5 10: 3|4\n");
  /* before the header: skipped */
  check_csv ("\n\r\na,b\n1,2\n", -1, NULL, "header: a|b\n1 4 7: 1|2\n");
  /* one column: a blank line in the middle is an empty value ... */
  check_csv ("x\n1\n\n2\r\n\r\n3\n", -1, NULL,
             "header: x\n1 2 2: 1\n2 3 4: \n3 4 5: 2\n4 5 8: \n5 6 10: 3\n");
  /* ... blank lines at the end are not; "" keeps an empty last value */
  check_csv ("x\n1\n\n\n", -1, NULL, "header: x\n1 2 2: 1\n");
  check_csv ("x\n1\n\"\"\n", -1, NULL, "header: x\n1 2 2: 1\n2 3 4: \n");
  /* a line of spaces is not blank */
  check_csv ("x\n1\n  \n", -1, NULL, "header: x\n1 2 2: 1\n2 3 4:   \n");
}

static void
test_bom (void)
{
  g_autoptr(CsCsvReader) reader = NULL;

  check_csv ("\xEF\xBB\xBF" "id,v\n1,2\n", -1, NULL, "header: id|v\n1 2 8: 1|2\n");
  reader = open_text ("\xEF\xBB\xBF" "id,v\n1,2\n", NULL, NULL);
  g_assert_true (cs_csv_reader_had_bom (reader));
  g_assert_cmpint (cs_csv_reader_find_column (reader, "id"), ==, 0);
  g_clear_pointer (&reader, cs_csv_reader_free);
  reader = open_text ("id,v\n1,2\n", NULL, NULL);
  g_assert_false (cs_csv_reader_had_bom (reader));

  /* a second byte-order mark, or one after blank lines, is not part of a
   * column name (found by fuzz-csv) */
  check_csv ("\xEF\xBB\xBF\xEF\xBB\xBF" "id,v\n1,2\n", -1, NULL, "header: id|v\n1 2 11: 1|2\n");
  check_csv ("\n\n\xEF\xBB\xBF" "id\n1\n", -1, NULL, "header: id\n1 4 8: 1\n");
  /* in data it stays */
  check_csv ("id\n\xEF\xBB\xBFx\n", -1, NULL, "header: id\n1 2 3: \xEF\xBB\xBFx\n");
}

static void
test_ragged (void)
{
  CsCsvDialect dialect;

  check_csv ("a,b,c\n1,2,3\n4,5\n", -1, NULL,
             "header: a|b|c\n1 2 6: 1|2|3\n"
             "error 5: t.csv: row 2 (line 3): 2 fields, but the header has 3 columns\n");
  check_csv ("a,b,c\n1\n", -1, NULL,
             "header: a|b|c\n"
             "error 5: t.csv: row 1 (line 2): 1 field, but the header has 3 columns\n");
  check_csv ("a,b\n1,2,3\n", -1, NULL,
             "header: a|b\n"
             "error 5: t.csv: row 1 (line 2): 3 fields, but the header has 2 columns; a field "
             "that holds the delimiter must be quoted\n");
  check_csv ("a,b\n1,2,\n", -1, NULL,
             "header: a|b\n"
             "error 5: t.csv: row 1 (line 2): 3 fields, but the header has 2 columns; the last "
             "field is empty: does the line end with an extra delimiter?\n");
  /* a line of spaces in a wider file is a record of one field */
  check_csv ("a,b\n1,2\n \n", -1, NULL,
             "header: a|b\n1 2 4: 1|2\n"
             "error 5: t.csv: row 2 (line 3): 1 field, but the header has 2 columns\n");

  /* allow_ragged pads short rows; long rows stay an error */
  cs_csv_dialect_init (&dialect);
  dialect.allow_ragged = TRUE;
  check_csv ("a,b,c\n1\n4,5\n6,7,8\n", -1, &dialect,
             "header: a|b|c\n1 2 6: 1||\n2 3 8: 4|5|\n3 4 12: 6|7|8\n");
  check_csv ("a,b\n1,2,3\n", -1, &dialect,
             "header: a|b\n"
             "error 5: t.csv: row 1 (line 2): 3 fields, but the header has 2 columns; a field "
             "that holds the delimiter must be quoted\n");
  cs_csv_dialect_clear (&dialect);
}

static void
test_syntax_errors (void)
{
  /* text after a closing quote: names the cell and the character */
  check_csv ("id,name\n1,\"Smith\"x\n", -1, NULL,
             "header: id|name\n"
             "error 4: t.csv: row 1 (line 2), column 2 \"name\": 'x' after the closing quote "
             "(line 2); a quote inside a quoted field must be doubled (\"\")\n");
  check_csv ("id,name\n1,ok\n2,\"He said \"hi\" ok\"\n", -1, NULL,
             "header: id|name\n1 2 8: 1|ok\n"
             "error 4: t.csv: row 2 (line 3), column 2 \"name\": 'h' after the closing quote "
             "(line 3); a quote inside a quoted field must be doubled (\"\")\n");
  /* a non-ASCII character after the quote is shown whole */
  check_csv ("a\n\"x\"\xC3\xA9\n", -1, NULL,
             "header: a\n"
             "error 4: t.csv: row 1 (line 2), column 1 \"a\": '\xC3\xA9' after the closing quote "
             "(line 2); a quote inside a quoted field must be doubled (\"\")\n");
  /* the line after a multi-line field */
  check_csv ("a,b\n\"x\ny\"z,1\n", -1, NULL,
             "header: a|b\n"
             "error 4: t.csv: row 1 (line 2), column 1 \"a\": 'z' after the closing quote "
             "(line 3); a quote inside a quoted field must be doubled (\"\")\n");
  /* unterminated */
  check_csv ("a,b\n1,2\n3,\"open\n4,5\n", -1, NULL,
             "header: a|b\n1 2 4: 1|2\n"
             "error 4: t.csv: row 2 (line 3), column 2 \"b\": the quoted field that starts on line "
             "3 has no closing quote before the end of the file\n");
  /* in the header */
  check_csv ("a,\"b\"c\n1,2\n", -1, NULL,
             "open error 4: t.csv: header (line 1), column 2: 'c' after the closing quote "
             "(line 1); a quote inside a quoted field must be doubled (\"\")\n");
}

/* ------------------------------------------------------------------------ */
/* Encodings                                                                */

static void
test_utf8 (void)
{
  /* multi-byte characters of every length, split at every byte by check_csv */
  check_csv ("name,city\n\xC3\xA9mile,K\xC3\xB6ln\n\xE2\x82\xAC,\xF0\x9F\x98\x80\n", -1, NULL,
             "header: name|city\n1 2 10: \xC3\xA9mile|K\xC3\xB6ln\n"
             "2 3 23: \xE2\x82\xAC|\xF0\x9F\x98\x80\n");
}

static void
test_utf8_errors (void)
{
  /* a Latin-1 byte: names the byte offset, the row, line and cell */
  check_csv ("id,city\n1,Koln\n2,K\xF6ln\n", -1, NULL,
             "header: id|city\n1 2 8: 1|Koln\n"
             "error 2: t.csv: row 2 (line 3), column 2 \"city\": byte 18 (0xF6) is not valid UTF-8; "
             "if the file is in another encoding, name it (for example ISO-8859-1 or "
             "windows-1252)\n");
  /* overlong forms, surrogates, beyond U+10FFFF, a lone continuation byte */
  check_csv ("a\n\xC0\xAF\n", -1, NULL,
             "header: a\nerror 2: t.csv: row 1 (line 2), column 1 \"a\": byte 2 (0xC0 0xAF) is "
             "not valid UTF-8; if the file is in another encoding, name it (for example "
             "ISO-8859-1 or windows-1252)\n");
  check_csv ("a\n\xED\xA0\x80\n", -1, NULL,
             "header: a\nerror 2: t.csv: row 1 (line 2), column 1 \"a\": byte 2 (0xED 0xA0 0x80) "
             "is not valid UTF-8; if the file is in another encoding, name it (for example "
             "ISO-8859-1 or windows-1252)\n");
  check_csv ("a\n\xF4\x90\x80\x80\n", -1, NULL,
             "header: a\nerror 2: t.csv: row 1 (line 2), column 1 \"a\": byte 2 (0xF4 0x90 0x80 "
             "0x80) is not valid UTF-8; if the file is in another encoding, name it (for example "
             "ISO-8859-1 or windows-1252)\n");
  check_csv ("a\nx\x80\n", -1, NULL,
             "header: a\nerror 2: t.csv: row 1 (line 2), column 1 \"a\": byte 3 (0x80) is "
             "not valid UTF-8; if the file is in another encoding, name it (for example "
             "ISO-8859-1 or windows-1252)\n");
  /* cut inside a character at the end */
  check_csv ("a\n1\n\xE2\x82", -1, NULL,
             "header: a\n1 2 2: 1\n"
             "error 2: t.csv: row 2 (line 3), column 1 \"a\": the file ends inside a UTF-8 "
             "character (byte 4: 0xE2 0x82)\n");
  /* in the header: no row */
  check_csv ("a,\xFF\n", -1, NULL,
             "open error 2: t.csv: header (line 1), column 2: byte 2 (0xFF) is not valid UTF-8; "
             "if the file is in another encoding, name it (for example ISO-8859-1 or "
             "windows-1252)\n");
}

static void
test_binary (void)
{
  GString *big;

  /* a NUL near the start: refused before anything is read */
  check_csv ("a,b\n1,\0002\n", 9, NULL,
             "open error 3: t.csv: byte 6 is a NUL byte: this is not a text file\n");
  /* a NUL further in than the sniffed start: found when the parser gets there */
  big = g_string_new ("a,b\n");
  while (big->len < 100000)
    g_string_append (big, "1,2\n");
  g_string_append_len (big, "3,\0004\n", 6);
  {
    g_autofree char *dump = read_all_ways (big->str, (gssize) big->len, NULL);
    g_autofree char *expected = g_strdup_printf ("error 3: t.csv: row 25000 (line 25001), "
                                                 "column 2 \"b\": byte %" G_GSIZE_FORMAT " is a "
                                                 "NUL byte: this is not a text file\n",
                                                 big->len - 4);

    g_assert_true (g_str_has_suffix (dump, expected));
    g_assert_true (strstr (dump, "\n24999 25000 99996: 1|2\n") != NULL);
  }
  g_string_free (big, TRUE);

  /* UTF-16 without a byte-order mark, compressed files, spreadsheets */
  check_csv ("a\0,\0b\0\n\0", 8, NULL,
             "open error 3: t.csv: byte 1 is a NUL byte: the file looks like UTF-16 without a "
             "byte-order mark; name its encoding (UTF-16LE or UTF-16BE)\n");
  check_csv ("\x1F\x8B\x08\x00", 4, NULL,
             "open error 3: t.csv: not a text file: it is a gzip-compressed file: decompress it "
             "first\n");
  check_csv ("PK\x03\x04\x14\x00", 6, NULL,
             "open error 3: t.csv: not a text file: it is a ZIP archive (an Excel .xlsx "
             "workbook?): save the sheet as CSV\n");
  check_csv ("\xD0\xCF\x11\xE0\xA1\xB1", 6, NULL,
             "open error 3: t.csv: not a text file: it is an Office document (an Excel .xls "
             "workbook?): save the sheet as CSV\n");
  check_csv ("\xFD" "7zXZ\0\0", 7, NULL,
             "open error 3: t.csv: not a text file: it is an xz-compressed file: decompress it "
             "first\n");
  check_csv ("\x28\xB5\x2F\xFD\x00", 5, NULL,
             "open error 3: t.csv: not a text file: it is a zstd-compressed file: decompress it "
             "first\n");
}

static void
test_encodings (void)
{
  CsCsvDialect dialect;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;

  cs_csv_dialect_init (&dialect);

  /* Latin-1 converted; offsets count the converted text */
  dialect.encoding = g_strdup ("ISO-8859-1");
  check_csv ("id,city\n1,K\xF6ln\n2,\xC9vry\n", -1, &dialect,
             "header: id|city\n1 2 8: 1|K\xC3\xB6ln\n2 3 16: 2|\xC3\x89vry\n");
  /* windows-1252: the euro sign; 0x81 is not a character there */
  g_free (dialect.encoding);
  dialect.encoding = g_strdup ("windows-1252");
  check_csv ("id,price\n1,5\x80\n2,x\x81y\n", -1, &dialect,
             "header: id|price\n1 2 9: 1|5\xE2\x82\xAC\n"
             "error 2: t.csv: row 2 (line 3), column 2 \"price\": byte 17 (0x81) is not valid "
             "windows-1252\n");
  /* "UTF-8" named explicitly is the default */
  g_free (dialect.encoding);
  dialect.encoding = g_strdup ("utf-8");
  check_csv ("a\n\xC3\xA9\n", -1, &dialect, "header: a\n1 2 2: \xC3\xA9\n");
  /* UTF-16 with the byte order named */
  g_free (dialect.encoding);
  dialect.encoding = g_strdup ("UTF-16LE");
  check_csv ("a\0,\0b\0\n\0" "1\0,\0\xE9\0\n\0", 16, &dialect, "header: a|b\n1 2 4: 1|\xC3\xA9\n");
  /* a file cut inside a UTF-16 character */
  check_csv ("a\0\n\0" "1", 5, &dialect,
             "header: a\n"
             "error 2: t.csv: row 1 (line 2), column 1 \"a\": the file ends inside a character "
             "(byte 4 starts an incomplete UTF-16LE sequence)\n");
  /* unknown */
  g_free (dialect.encoding);
  dialect.encoding = g_strdup ("klingon-8");
  reader = open_text ("a\n1\n", &dialect, &error);
  g_assert_null (reader);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_ENCODING);
  g_assert_cmpstr (error->message, ==, "t.csv: unknown encoding \"klingon-8\" (for example "
                   "ISO-8859-1, windows-1252, UTF-16 are known)");
  cs_csv_dialect_clear (&dialect);
  g_clear_error (&error);

  /* a UTF-16 byte-order mark converts without naming the encoding */
  check_csv ("\xFF\xFE" "a\0;\0b\0\r\0\n\0" "1\0;\0\xAC\x20\r\0\n\0", 22, NULL,
             "header: a|b\n1 2 5: 1|\xE2\x82\xAC\n");
  check_csv ("\xFE\xFF" "\0a\0,\0b\0\n" "\0" "1\0,\0" "2", 16, NULL, "header: a|b\n1 2 4: 1|2\n");
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static ("\xFF\xFE" "a\0\n\0", 6);

    reader = cs_csv_reader_new_for_bytes (bytes, "t.csv", NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (cs_csv_reader_get_dialect (reader)->encoding, ==, "UTF-16");
}

static void
test_large_converted (void)
{
  /* conversion across many buffers (more than the 256 KiB read buffer) */
  GString *latin1 = g_string_new ("n,city\n");
  GString *expected = g_string_new ("header: n|city\n");
  CsCsvDialect dialect;
  g_autofree char *got = NULL;
  guint64 offset = 7;

  for (guint i = 1; i <= 40000; i++)
    {
      g_autofree char *line = g_strdup_printf ("%u,K\xF6ln\n", i);

      g_string_append (latin1, line);
      g_string_append_printf (expected, "%u %u %" G_GUINT64_FORMAT ": %u|K\xC3\xB6ln\n",
                              i, i + 1, offset, i);
      offset += strlen (line) + 1;
    }
  cs_csv_dialect_init (&dialect);
  dialect.encoding = g_strdup ("ISO-8859-1");
  got = read_all_ways (latin1->str, (gssize) latin1->len, &dialect);
  g_assert_cmpstr (got, ==, expected->str);
  cs_csv_dialect_clear (&dialect);
  g_string_free (latin1, TRUE);
  g_string_free (expected, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Empty input, header, limits                                              */

static void
test_empty (void)
{
  check_csv ("", 0, NULL, "open error 1: t.csv: the file is empty (0 bytes)\n");
  check_csv ("\xEF\xBB\xBF", -1, NULL,
             "open error 1: t.csv: the file holds nothing but a byte-order mark and blank lines\n");
  check_csv ("\n\r\n\n", -1, NULL,
             "open error 1: t.csv: the file holds only blank lines, no header row\n");
  check_csv ("\xFF\xFE", 2, NULL, "open error 1: t.csv: the file holds no text\n");
}

static void
test_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsCsvDialect dialect;

  /* names are trimmed; unnamed columns (a pandas index, several) are fine */
  check_csv (",PatientID, age ,\n0,LUNG1-001,70,\n", -1, NULL,
             "header: |PatientID|age|\n1 2 18: 0|LUNG1-001|70|\n");

  reader = open_text ("Id,AGE,Age ,x.y z\n1,2,3,4\n", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "Id"), ==, 0);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "id"), ==, 0);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "Age"), ==, 2);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "AGE"), ==, 1);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "age"), ==, -1);   /* ambiguous */
  g_assert_cmpint (cs_csv_reader_find_column (reader, "x.y z"), ==, 3);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "nope"), ==, -1);
  g_clear_pointer (&reader, cs_csv_reader_free);

  /* duplicates */
  reader = open_text ("id,age,sex,age\n", NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_HEADER);
  g_assert_cmpstr (error->message, ==, "t.csv: header (line 1), column 4: \"age\" is also the "
                   "name of column 2; column names must be unique");
  g_clear_error (&error);
  reader = open_text ("\n\nid, id\n", NULL, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_HEADER);
  g_assert_cmpstr (error->message, ==, "t.csv: header (line 3), column 2: \"id\" is also the "
                   "name of column 1; column names must be unique");
  g_clear_error (&error);

  /* no header: names "column N", and the first line is data */
  cs_csv_dialect_init (&dialect);
  dialect.has_header = FALSE;
  check_csv ("1,2\n3,4\n", -1, &dialect, "header: column 1|column 2\n1 1 0: 1|2\n2 2 4: 3|4\n");
  check_csv ("\n1\n\n2\n", -1, &dialect, "header: column 1\n1 2 1: 1\n2 3 3: \n3 4 4: 2\n");
  check_csv ("1,2\n3\n", -1, &dialect,
             "header: column 1|column 2\n1 1 0: 1|2\n"
             "error 5: t.csv: row 2 (line 2): 1 field, but the header has 2 columns\n");
  check_csv ("1,\"2\n", -1, &dialect,
             "open error 4: t.csv: row 1 (line 1), column 2: the quoted field that starts on line 1 "
             "has no closing quote before the end of the file\n");
  reader = open_text ("1,2\n", &dialect, &error);
  g_assert_cmpint (cs_csv_reader_find_column (reader, "column 2"), ==, 1);
  cs_csv_dialect_clear (&dialect);
}

static void
test_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  GString *wide = g_string_new ("a");
  gsize big_size = CS_CSV_MAX_RECORD_BYTES + 1024;
  char *big;
  CsCsvRecord record;
  CsCsvDialect dialect;

  /* columns: exactly the limit is fine, one more is not */
  cs_csv_dialect_init (&dialect);
  dialect.has_header = FALSE;
  for (guint i = 1; i < CS_CSV_MAX_COLUMNS; i++)
    g_string_append (wide, ",a");
  g_string_append_c (wide, '\n');
  {
    g_autoptr(GBytes) bytes = g_bytes_new (wide->str, wide->len);
    g_autoptr(CsCsvReader) ok = cs_csv_reader_new_for_bytes (bytes, "wide.csv", &dialect, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (cs_csv_reader_get_n_columns (ok), ==, CS_CSV_MAX_COLUMNS);
  }
  g_string_truncate (wide, wide->len - 1);
  g_string_append (wide, ",a\n");
  {
    g_autoptr(GBytes) bytes = g_bytes_new (wide->str, wide->len);
    CsCsvReader *r = cs_csv_reader_new_for_bytes (bytes, "wide.csv", &dialect, &error);

    g_assert_null (r);
    g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_LIMIT);
    g_assert_cmpstr (error->message, ==, "wide.csv: row 1 (line 1): more than 100000 fields, "
                     "the limit");
    g_clear_error (&error);
  }
  g_string_free (wide, TRUE);
  cs_csv_dialect_clear (&dialect);

  /* a record beyond 64 MiB: an unterminated quote, typically */
  big = g_malloc (big_size);
  memcpy (big, "a,b\n1,\"", 7);
  memset (big + 7, 'x', big_size - 7);
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (big, big_size);

    reader = cs_csv_reader_new_for_bytes (bytes, "big.csv", NULL, &error);
    g_assert_no_error (error);
    g_assert_false (cs_csv_reader_next (reader, &record, &error));
    g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_LIMIT);
    g_assert_cmpstr (error->message, ==, "big.csv: row 1 (line 2), column 2 \"b\": the record is "
                     "longer than 64 MiB, the limit; an unterminated quoted field could be the "
                     "cause");
  }
}

static void
test_bad_dialect (void)
{
  CsCsvDialect dialect;
  g_autoptr(GError) error = NULL;
  CsCsvReader *reader;

  cs_csv_dialect_init (&dialect);
  dialect.delimiter = '\n';
  reader = open_text ("a\n", &dialect, &error);
  g_assert_null (reader);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT);
  g_assert_cmpstr (error->message, ==, "t.csv: the delimiter must be one ASCII character other "
                   "than a line break and the quote (0x0A given)");
  g_clear_error (&error);
  dialect.delimiter = '"';
  reader = open_text ("a\n", &dialect, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT);
  g_clear_error (&error);
  dialect.delimiter = (char) 0xA7;
  reader = open_text ("a\n", &dialect, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT);
  g_clear_error (&error);
  dialect.delimiter = ',';
  dialect.quote = '\r';
  reader = open_text ("a\n", &dialect, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT);
  g_assert_cmpstr (error->message, ==, "t.csv: the quote must be one ASCII character other than "
                   "a line break (0x0D given)");
  cs_csv_dialect_clear (&dialect);
}

/* ------------------------------------------------------------------------ */
/* Sniffing                                                                 */

static char
sniffed (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = open_text (text, NULL, &error);

  g_assert_no_error (error);
  return cs_csv_reader_get_dialect (reader)->delimiter;
}

static void
test_sniff (void)
{
  CsCsvDialect dialect;
  GString *long_text;

  g_assert_cmpint (sniffed ("a,b,c\n1,2,3\n"), ==, ',');
  g_assert_cmpint (sniffed ("a;b;c\n1;2;3\n"), ==, ';');
  g_assert_cmpint (sniffed ("a\tb\tc\n1\t2\t3\n"), ==, '\t');
  /* decimal commas with ';' */
  g_assert_cmpint (sniffed ("age;weight\n71,5;80,25\n64;77,0\n"), ==, ';');
  /* other delimiters inside quotes do not count */
  g_assert_cmpint (sniffed ("name;note\n\"a,b,c\";\"x,y\"\n\"d\";\"e,f,g,h\"\n"), ==, ';');
  g_assert_cmpint (sniffed ("name,note\n\"a;b;c\",\"x\"\n\"d;\ne;f\",\"g\"\n"), ==, ',');
  /* text with a stray ';' in some rows */
  g_assert_cmpint (sniffed ("id,note\n1,a;b\n2,c\n3,d;e;f\n"), ==, ',');
  /* consistent beats more fields */
  g_assert_cmpint (sniffed ("a;b;c,d\n1;2;3,4\n5;6;7\n"), ==, ';');
  /* one column, a header alone */
  g_assert_cmpint (sniffed ("value\n1\n2\n"), ==, ',');
  g_assert_cmpint (sniffed ("a;b;c"), ==, ';');
  /* a pandas index column */
  g_assert_cmpint (sniffed (",PatientID,Elongation\n0,LUNG1-001,0.70\n1,LUNG1-002,0.66\n"), ==, ',');
  /* an inconsistent file: the most consistent choice, then the error names the row */
  g_assert_cmpint (sniffed ("a,b\n1,2\n3,4\n5\n"), ==, ',');
  /* only the first 64 KiB count: a long quoted field cut by the sample */
  long_text = g_string_new ("a;b\n\"");
  while (long_text->len < 70000)
    g_string_append (long_text, "x,y,");
  g_string_append (long_text, "\";1\n");
  g_assert_cmpint (sniffed (long_text->str), ==, ';');
  g_string_free (long_text, TRUE);

  /* the override wins */
  cs_csv_dialect_init (&dialect);
  dialect.delimiter = ';';
  check_csv ("a,b;c\n1,2;3\n", -1, &dialect, "header: a,b|c\n1 2 6: 1,2|3\n");
  dialect.delimiter = '|';
  check_csv ("a|b\n1|2\n", -1, &dialect, "header: a|b\n1 2 4: 1|2\n");
  /* a space as the delimiter: spaces are not trimmed around quotes then */
  dialect.delimiter = ' ';
  check_csv ("a b\n\"x y\" z\n", -1, &dialect, "header: a|b\n1 2 4: x y|z\n");
  cs_csv_dialect_clear (&dialect);
}

/* ------------------------------------------------------------------------ */
/* Sources                                                                  */

static void
test_path_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-test-csv-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "pipe.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
  g_autofree char *message = NULL;
  CsCsvReader *reader;

  g_assert_no_error (error);
  reader = cs_csv_reader_new_for_path (missing, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  message = g_strdup_printf ("Cannot open %s: No such file or directory", missing);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_clear_pointer (&message, g_free);

  reader = cs_csv_reader_new_for_path (dir, NULL, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  message = g_strdup_printf ("Cannot read %s: it is a folder, not a CSV file", dir);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_clear_pointer (&message, g_free);

  /* a FIFO is refused at once (opening it would wait for a writer) */
  if (mkfifo (fifo, 0600) != 0)
    g_error ("mkfifo: %s", g_strerror (errno));
  reader = cs_csv_reader_new_for_path (fifo, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  message = g_strdup_printf ("Cannot read %s: it is a pipe (FIFO); CSV input must be a regular "
                             "file, so save it to one first", fifo);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  reader = cs_csv_reader_new_for_path ("/dev/null", NULL, &error);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "Cannot read /dev/null: it is not a regular file (a device "
                   "or socket)");
  g_unlink (fifo);
  g_rmdir (dir);
}

/* A stream that gives its bytes, then fails (a dropped network mount, a
 * reset connection). */
typedef struct
{
  GInputStream  parent;
  GBytes       *bytes;
  gsize         pos;
} FailingStream;

typedef struct
{
  GInputStreamClass parent_class;
} FailingStreamClass;

static GType failing_stream_get_type (void);
G_DEFINE_TYPE (FailingStream, failing_stream, G_TYPE_INPUT_STREAM)

static gssize
failing_stream_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  FailingStream *self = (FailingStream *) stream;
  gsize size = 0;
  const char *data = g_bytes_get_data (self->bytes, &size);
  gsize n = MIN (count, MIN (size - self->pos, 5));

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "the connection was reset");
      return -1;
    }
  memcpy (buffer, data + self->pos, n);
  self->pos += n;
  return (gssize) n;
}

static void
failing_stream_finalize (GObject *object)
{
  g_bytes_unref (((FailingStream *) object)->bytes);
  G_OBJECT_CLASS (failing_stream_parent_class)->finalize (object);
}

static void
failing_stream_class_init (FailingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = failing_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = failing_stream_read;
}

static void
failing_stream_init (FailingStream *self)
{
}

static char *
read_failing_stream (const char         *text,
                     const CsCsvDialect *dialect)
{
  FailingStream *stream = g_object_new (failing_stream_get_type (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  char *dump;

  stream->bytes = g_bytes_new (text, strlen (text));
  reader = cs_csv_reader_new_for_stream (G_INPUT_STREAM (stream), "net.csv", 0, dialect, &error);
  dump = dump_reader (reader, error);
  g_object_unref (stream);
  return dump;
}

static void
test_read_error (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *early = NULL;
  CsCsvDialect dialect;

  /* the records read before the failure are delivered; the error names the
   * record it cut */
  plain = read_failing_stream ("a,b\n1,2\n3,4", NULL);
  g_assert_cmpstr (plain, ==, "header: a|b\n1 2 4: 1|2\n"
                   "error 0: net.csv: row 2 (line 3): cannot read: the connection was reset\n");
  cs_csv_dialect_init (&dialect);
  dialect.encoding = g_strdup ("ISO-8859-1");
  converted = read_failing_stream ("a,b\n1,\xE9\n3,4\n", &dialect);
  g_assert_cmpstr (converted, ==, "header: a|b\n1 2 4: 1|\xC3\xA9\n2 3 9: 3|4\n"
                   "error 0: net.csv: row 3 (line 4): cannot read: the connection was reset\n");
  cs_csv_dialect_clear (&dialect);
  /* before the header is complete */
  early = read_failing_stream ("id,va", NULL);
  g_assert_cmpstr (early, ==, "open error 0: net.csv: header (line 1): cannot read: the "
                   "connection was reset\n");
}

static void
test_large_file (void)
{
  /* a file of several read buffers, fields of every length straddling the
   * buffer ends, a quoted field of 300 KB, progress and the end offset */
  GString *text = g_string_new ("id,text,number\n");
  g_autofree char *path = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsCsvRecord record;
  guint64 rows = 0, last = 0;

  for (guint i = 0; i < 30000; i++)
    {
      guint len = (i * 7919) % 61;

      g_string_append_printf (text, "%u,", i);
      if (i % 3 == 0)
        {
          g_string_append_c (text, '"');
          for (guint k = 0; k < len; k++)
            g_string_append_c (text, k % 10 == 0 ? ',' : k % 17 == 0 ? '\n' : 'a' + (char) (k % 26));
          g_string_append (text, "\"\"\"");
        }
      else
        for (guint k = 0; k < len; k++)
          g_string_append_c (text, 'a' + (char) (k % 26));
      g_string_append_printf (text, ",%u.5%s", i, i % 2 ? "\r\n" : "\n");
    }
  g_string_append (text, "30000,\"");
  for (guint k = 0; k < 300000; k++)
    g_string_append_c (text, k % 1000 == 999 ? '\n' : 'q');
  g_string_append (text, "\",1\n");

  got = read_all_ways (text->str, (gssize) text->len, NULL);
  g_assert_true (g_str_has_suffix (got, "|1\n"));

  path = temp_file ("large.csv", text->str, (gssize) text->len);
  reader = cs_csv_reader_new_for_path (path, NULL, &error);
  g_assert_no_error (error);
  while (cs_csv_reader_next (reader, &record, &error))
    {
      guint64 done = cs_csv_reader_get_bytes_read (reader);

      g_assert_cmpuint (done, >=, last);
      g_assert_cmpuint (done, >, (guint64) record.offset);
      last = done;
      rows++;
      if (record.row == 30001)
        g_assert_cmpuint (record.lengths[1], ==, 300000);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 30001);
  g_assert_cmpuint (cs_csv_reader_get_bytes_read (reader), ==, text->len);
  g_clear_pointer (&reader, cs_csv_reader_free);
  remove_temp_file (path);
  g_string_free (text, TRUE);
}

static void
test_cell_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = open_text (",id,age\n0,a,x\n\n1,b,7\n", NULL, &error);
  CsCsvRecord record;

  g_assert_no_error (error);
  cs_csv_reader_set_name (reader, "clinical.csv");
  g_assert_cmpstr (cs_csv_reader_get_name (reader), ==, "clinical.csv");
  g_assert_true (cs_csv_reader_next (reader, &record, &error));
  cs_csv_reader_set_cell_error (reader, &record, 2, &error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                "\"%s\" is not a number", record.fields[2]);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "clinical.csv: row 1 (line 2), column 3 \"age\": \"x\" is "
                   "not a number");
  g_clear_error (&error);
  cs_csv_reader_set_cell_error (reader, &record, 0, &error, CS_CSV_ERROR, CS_CSV_ERROR_SYNTAX,
                                "bad");
  g_assert_cmpstr (error->message, ==, "clinical.csv: row 1 (line 2), column 1 (no name): bad");
  g_clear_error (&error);
  g_assert_true (cs_csv_reader_next (reader, &record, &error));
  cs_csv_reader_set_cell_error (reader, &record, -1, &error, CS_CSV_ERROR, CS_CSV_ERROR_SYNTAX,
                                "duplicate key \"%s\"", record.fields[1]);
  g_assert_cmpstr (error->message, ==, "clinical.csv: row 2 (line 4): duplicate key \"b\"");
}

/* ------------------------------------------------------------------------ */
/* Missing values                                                           */

static void
test_missing (void)
{
  CsCsvDialect dialect;
  static const char *const missing[] = { "", "NA", "N/A", "n/a", "NaN", "null", "NULL", "-", ".",
                                         " na ", "nan", "Null", "  ", "\t-\t" };
  static const char *const present[] = { "0", "NAA", "none", "--", "N", "A", "n.a.", "0.0" };
  const char *const *defaults = cs_csv_dialect_get_default_missing ();

  cs_csv_dialect_init (&dialect);
  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    g_assert_true (cs_csv_dialect_is_missing (&dialect, missing[i], strlen (missing[i])));
  for (guint i = 0; i < G_N_ELEMENTS (present); i++)
    g_assert_false (cs_csv_dialect_is_missing (&dialect, present[i], strlen (present[i])));
  /* the length counts, not the NUL */
  g_assert_true (cs_csv_dialect_is_missing (&dialect, "NAME", 2));
  /* the documented list is what the default check does */
  for (guint i = 0; defaults[i] != NULL; i++)
    g_assert_true (cs_csv_dialect_is_missing (&dialect, defaults[i], strlen (defaults[i])));
  g_assert_cmpuint (g_strv_length ((char **) defaults), ==, 9);

  /* a list of one's own: nothing else is missing, not even "" */
  dialect.missing = g_strsplit ("unknown|999| -1 ", "|", -1);
  g_assert_true (cs_csv_dialect_is_missing (&dialect, "Unknown", 7));
  g_assert_true (cs_csv_dialect_is_missing (&dialect, " 999", 4));
  g_assert_true (cs_csv_dialect_is_missing (&dialect, "-1", 2));
  g_assert_false (cs_csv_dialect_is_missing (&dialect, "NA", 2));
  g_assert_false (cs_csv_dialect_is_missing (&dialect, "", 0));
  {
    CsCsvDialect copy;

    cs_csv_dialect_copy (&dialect, &copy);
    g_assert_true (copy.missing != dialect.missing);
    g_assert_true (cs_csv_dialect_is_missing (&copy, "999", 3));
    cs_csv_dialect_clear (&copy);
  }
  cs_csv_dialect_clear (&dialect);
  g_assert_null (dialect.missing);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */

static void
check_double (const char *text,
              gboolean    decimal_comma,
              double      expected)
{
  double value = 12345.0;

  if (!cs_csv_parse_double (text, decimal_comma, &value))
    g_error ("\"%s\" was refused", text);
  if (memcmp (&value, &expected, sizeof value) != 0)
    g_error ("\"%s\" gave %.17g, not %.17g", text, value, expected);
}

static void
check_not_double (const char *text,
                  gboolean    decimal_comma)
{
  double value = 12345.0;

  if (cs_csv_parse_double (text, decimal_comma, &value))
    g_error ("\"%s\" was accepted as %.17g", text, value);
  g_assert_cmpfloat (value, ==, 12345.0);
}

static void
test_parse_double (void)
{
  static const char *const refused[] = {
    "", " ", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "1 5", "inf", "-inf", "Infinity",
    "nan", "NaN", "0x10", "0x1p3", "1_000", "1,000.5", "12abc", "--1", "+-1", "1e5.5", "٣",
    "1d5", "1f", "1e400", "-1e400", "1e99999999999999999999", "1.8e308",
  };

  check_double ("0", FALSE, 0.0);
  check_double ("-0", FALSE, -0.0);
  check_double ("-0.0e10", FALSE, -0.0);
  check_double ("0e999999", FALSE, 0.0);
  check_double ("42", FALSE, 42.0);
  check_double ("+42", FALSE, 42.0);
  check_double (" \t-3.25 ", FALSE, -3.25);
  check_double (".5", FALSE, 0.5);
  check_double ("5.", FALSE, 5.0);
  check_double ("-.5e1", FALSE, -5.0);
  check_double ("1E3", FALSE, 1000.0);
  check_double ("1e-3", FALSE, 0.001);
  check_double ("78.7515", FALSE, 78.7515);
  check_double ("0.7032731944517664", FALSE, 0.7032731944517664);
  check_double ("97.62684057163789", FALSE, 97.62684057163789);
  check_double ("0.1", FALSE, 0.1);
  check_double ("123456789012345678901234567890", FALSE, 1.2345678901234568e29);
  check_double ("0.000000000000000000000000000001", FALSE, 1e-30);
  check_double ("00000000000000000000000000001.5", FALSE, 1.5);
  check_double ("9007199254740993", FALSE, 9007199254740992.0);   /* 2^53 + 1 rounds to even */
  check_double ("1.7976931348623157e308", FALSE, 1.7976931348623157e308);
  check_double ("2.2250738585072014e-308", FALSE, 2.2250738585072014e-308);
  /* underflow: subnormals, then a signed zero */
  check_double ("4.9406564584124654e-324", FALSE, 4.9406564584124654e-324);
  check_double ("1e-320", FALSE, 1e-320);
  check_double ("1e-400", FALSE, 0.0);
  check_double ("-1e-400", FALSE, -0.0);
  /* a decimal comma */
  check_double ("1,5", TRUE, 1.5);
  check_double ("-0,25e2", TRUE, -25.0);
  check_double (",5", TRUE, 0.5);
  check_double ("7", TRUE, 7.0);
  check_double ("0,1234567890123456789012", TRUE, 0.1234567890123456789012);
  check_not_double ("1.5", TRUE);      /* could be a thousands separator */
  check_not_double ("1.500,5", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    check_not_double (refused[i], FALSE);

  /* every result equals strtod's (the fast path must be exact) */
  {
    GRand *rand = g_rand_new_with_seed (12);

    for (guint i = 0; i < 200000; i++)
      {
        char text[64];
        double expected, got;
        guint64 mantissa = ((guint64) g_rand_int (rand) << 32 | g_rand_int (rand)) >>
                           g_rand_int_range (rand, 0, 64);
        int exponent = g_rand_int_range (rand, -30, 30);
        int digits = g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, mantissa);

        if (g_rand_boolean (rand) && digits > 1)
          {
            int point = g_rand_int_range (rand, 0, digits);

            memmove (text + point + 1, text + point, (gsize) (digits - point + 1));
            text[point] = '.';
          }
        if (g_rand_boolean (rand))
          g_snprintf (text + strlen (text), sizeof text - strlen (text), "e%d", exponent);
        expected = g_ascii_strtod (text, NULL);
        g_assert_true (cs_csv_parse_double (text, FALSE, &got));
        if (memcmp (&got, &expected, sizeof got) != 0)
          g_error ("\"%s\": %.17g, strtod %.17g", text, got, expected);
      }

    /* doubles as writers print them (17, 16, 15 significant digits, as
     * pyradiomics and pandas do), read back */
    for (guint i = 0; i < 300000; i++)
      {
        static const char *const formats[] = { "%.17g", "%.16g", "%.15g", "%.17e", "%.6f" };
        char text[64];
        double value, expected, got;
        guint64 bits = (guint64) g_rand_int (rand) << 32 | g_rand_int (rand);

        if (i % 2 == 0)
          value = g_rand_double_range (rand, -1e4, 1e4) * pow (10, g_rand_int_range (rand, -20, 20));
        else
          {
            memcpy (&value, &bits, sizeof value);
            if (!isfinite (value))
              continue;
          }
        g_ascii_formatd (text, sizeof text, formats[i % G_N_ELEMENTS (formats)], value);
        expected = g_ascii_strtod (text, NULL);
        g_assert_true (cs_csv_parse_double (text, FALSE, &got));
        if (memcmp (&got, &expected, sizeof got) != 0)
          g_error ("\"%s\": %.17g, strtod %.17g", text, got, expected);
      }
    g_rand_free (rand);
  }
}

static void
test_parse_int64 (void)
{
  gint64 value = 7;
  static const char *const refused[] = {
    "", " ", "-", "+", "1.0", "1e3", "0x10", "9223372036854775808", "-9223372036854775809",
    "99999999999999999999999", "1 2", "12a", "--1", "NA",
  };

  g_assert_true (cs_csv_parse_int64 ("0", &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (cs_csv_parse_int64 (" -42 ", &value));
  g_assert_cmpint (value, ==, -42);
  g_assert_true (cs_csv_parse_int64 ("+007", &value));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (cs_csv_parse_int64 ("9223372036854775807", &value));
  g_assert_cmpint (value, ==, G_MAXINT64);
  g_assert_true (cs_csv_parse_int64 ("-9223372036854775808", &value));
  g_assert_cmpint (value, ==, G_MININT64);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      value = 7;
      if (cs_csv_parse_int64 (refused[i], &value))
        g_error ("\"%s\" was accepted", refused[i]);
      g_assert_cmpint (value, ==, 7);
    }
}

static void
check_date (const char *text,
            const char *format,
            const char *expected)
{
  char out[11] = "unchanged";

  if (expected == NULL)
    {
      if (cs_csv_parse_date (text, format, out))
        g_error ("\"%s\" (%s) was accepted as %s", text, format ? format : "ISO", out);
      return;
    }
  if (!cs_csv_parse_date (text, format, out))
    g_error ("\"%s\" (%s) was refused", text, format ? format : "ISO");
  g_assert_cmpstr (out, ==, expected);
}

static void
test_parse_date (void)
{
  g_autoptr(GError) error = NULL;

  check_date ("2019-10-01", NULL, "2019-10-01");
  check_date (" 2019-10 ", NULL, "2019-10");
  check_date ("2019", NULL, "2019");
  check_date ("2024-02-29", NULL, "2024-02-29");   /* leap year */
  check_date ("2000-02-29", NULL, "2000-02-29");   /* divisible by 400 */
  check_date ("1900-02-29", NULL, NULL);           /* divisible by 100 */
  check_date ("2023-02-29", NULL, NULL);
  check_date ("2023-02-30", NULL, NULL);
  check_date ("2023-04-31", NULL, NULL);
  check_date ("2023-13-01", NULL, NULL);
  check_date ("2023-00-10", NULL, NULL);
  check_date ("2023-01-00", NULL, NULL);
  check_date ("0000-01-01", NULL, NULL);
  check_date ("2023-1-5", NULL, NULL);
  check_date ("23-01-05", NULL, NULL);
  check_date ("20230105", NULL, NULL);
  check_date ("2023-01-05T10:00:00", NULL, NULL);
  check_date ("2023-01-", NULL, NULL);
  check_date ("2023-", NULL, NULL);
  check_date ("", NULL, NULL);
  check_date ("NA", NULL, NULL);

  check_date ("01.10.2019", "%d.%m.%Y", "2019-10-01");
  check_date ("1.2.2019", "%d.%m.%Y", "2019-02-01");
  check_date ("12/31/1999", "%m/%d/%Y", "1999-12-31");
  check_date ("2/29/2023", "%m/%d/%Y", NULL);
  check_date ("31/12/1999", "%m/%d/%Y", NULL);
  check_date ("10/2019", "%m/%Y", "2019-10");
  check_date ("2019", "%Y", "2019");
  check_date ("05.06.68", "%d.%m.%y", "2068-06-05");
  check_date ("05.06.69", "%d.%m.%y", "1969-06-05");
  check_date ("05.06.1969", "%d.%m.%y", NULL);
  check_date ("100%/2020", "100%%/%Y", "2020");
  check_date ("2019-10-01", "%d.%m.%Y", NULL);
  check_date ("01.10.2019x", "%d.%m.%Y", NULL);
  check_date ("01.10.201", "%d.%m.%Y", NULL);
  check_date ("00.10.2019", "%d.%m.%Y", NULL);
  check_date ("01.00.2019", "%d.%m.%Y", NULL);

  g_assert_true (cs_csv_date_format_check ("%d.%m.%Y", &error));
  g_assert_no_error (error);
  g_assert_false (cs_csv_date_format_check ("%d.%m", &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT);
  g_assert_cmpstr (error->message, ==, "date format \"%d.%m\" has no year (%Y or %y)");
  g_clear_error (&error);
  g_assert_false (cs_csv_date_format_check ("%d/%Y", &error));
  g_assert_cmpstr (error->message, ==, "date format \"%d/%Y\" has a day (%d) but no month (%m)");
  g_clear_error (&error);
  g_assert_false (cs_csv_date_format_check ("%Y-%m-%dT%H", &error));
  g_assert_cmpstr (error->message, ==, "date format \"%Y-%m-%dT%H\": unknown directive %H (known: "
                   "%Y %y %m %d %%)");
  g_clear_error (&error);
  g_assert_false (cs_csv_date_format_check ("%Y%", &error));
  g_assert_cmpstr (error->message, ==, "date format \"%Y%\" ends with a lone %");
  g_clear_error (&error);
  g_assert_false (cs_csv_date_format_check ("%Y-%m-%m", &error));
  g_assert_cmpstr (error->message, ==, "date format \"%Y-%m-%m\": %m appears twice");
  g_clear_error (&error);
  check_date ("2019", "%H", NULL);
}

/* ------------------------------------------------------------------------ */
/* Profiles                                                                 */

static CsCsvProfile *
profile_text (const char         *text,
              const CsCsvDialect *dialect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = open_text (text, dialect, &error);
  CsCsvProfile *profile;
  CsCsvRecord record;

  g_assert_no_error (error);
  profile = cs_csv_profile_new (reader);
  while (cs_csv_reader_next (reader, &record, &error))
    cs_csv_profile_add (profile, &record);
  g_assert_no_error (error);
  cs_csv_profile_finish (profile);
  return profile;
}

static void
test_profile_types (void)
{
  g_autoptr(CsCsvProfile) profile = NULL;
  const CsCsvColumnProfile *c;
  CsCsvDialect dialect;

  profile = profile_text ("id,age,stage,born,note,nothing,year,flag\n"
                          "P1,70.5,IIIa,1950-01-02,first,NA,2019,1\n"
                          "P2,NA,I,1960-03,second,,2020,0\n"
                          "P3,65,IIIa,1970,third, n/a ,2021,1\n"
                          "P4,-1e2,I,NA,fourth,-,2019,0\n"
                          "P5,80,IIIa,1980-12-31,fifth,.,2020,1\n", NULL);
  g_assert_cmpuint (cs_csv_profile_get_n_columns (profile), ==, 8);
  g_assert_cmpuint (cs_csv_profile_get_n_rows (profile), ==, 5);

  c = cs_csv_profile_get_column (profile, 0);
  g_assert_cmpstr (c->name, ==, "id");
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_TEXT);
  g_assert_true (isnan (c->min) && isnan (c->max));

  c = cs_csv_profile_get_column (profile, 1);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_DECIMAL);
  g_assert_cmpuint (c->n_values, ==, 4);
  g_assert_cmpuint (c->n_missing, ==, 1);
  g_assert_cmpfloat (c->min, ==, -100.0);
  g_assert_cmpfloat (c->max, ==, 80.0);

  c = cs_csv_profile_get_column (profile, 2);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_CATEGORICAL);
  g_assert_cmpuint (c->n_distinct, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (c->values, 0), ==, "IIIa");
  g_assert_cmpstr (g_ptr_array_index (c->values, 1), ==, "I");
  g_assert_cmpuint (g_array_index (c->counts, guint64, 0), ==, 3);
  g_assert_cmpuint (g_array_index (c->counts, guint64, 1), ==, 2);

  /* a bare year is no date; ISO dates of mixed precision are */
  c = cs_csv_profile_get_column (profile, 3);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_TEXT);

  c = cs_csv_profile_get_column (profile, 4);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_TEXT);
  g_assert_cmpuint (c->n_distinct, ==, 5);

  c = cs_csv_profile_get_column (profile, 5);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_EMPTY);
  g_assert_cmpuint (c->n_missing, ==, 5);
  g_assert_cmpuint (c->n_distinct, ==, 0);

  c = cs_csv_profile_get_column (profile, 6);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_INTEGER);
  g_assert_cmpfloat (c->min, ==, 2019.0);
  g_assert_cmpfloat (c->max, ==, 2021.0);

  c = cs_csv_profile_get_column (profile, 7);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_INTEGER);
  g_assert_cmpstr (cs_csv_type_to_string (c->type), ==, "integer");
  g_clear_pointer (&profile, cs_csv_profile_free);

  profile = profile_text ("d\n2019-01-01\n2020-02\nNA\n2021-12-31\n", NULL);
  c = cs_csv_profile_get_column (profile, 0);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_DATE);
  g_assert_cmpstr (cs_csv_type_to_string (c->type), ==, "date");
  g_clear_pointer (&profile, cs_csv_profile_free);

  /* decimal comma, custom missing tokens */
  cs_csv_dialect_init (&dialect);
  dialect.decimal_comma = TRUE;
  dialect.missing = g_strsplit ("999", ",", -1);
  profile = profile_text ("w;n\n1,5;NA\n2;999\n999;x\n3;x\n4;NA\n", &dialect);
  c = cs_csv_profile_get_column (profile, 0);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_DECIMAL);
  g_assert_cmpfloat (c->min, ==, 1.5);
  g_assert_cmpfloat (c->max, ==, 4.0);
  g_assert_cmpuint (c->n_missing, ==, 1);
  c = cs_csv_profile_get_column (profile, 1);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_CATEGORICAL);   /* "NA" is a value here */
  g_assert_cmpuint (c->n_values, ==, 4);
  g_assert_cmpuint (c->n_missing, ==, 1);
  g_clear_pointer (&profile, cs_csv_profile_free);
  cs_csv_dialect_clear (&dialect);

  for (CsCsvType t = CS_CSV_TYPE_EMPTY; t <= CS_CSV_TYPE_TEXT; t++)
    g_assert_cmpstr (cs_csv_type_to_string (t), !=, "unknown");
}

static void
test_profile_caps (void)
{
  GString *text = g_string_new ("many,few,fifty,fiftyone\n");
  g_autoptr(CsCsvProfile) profile = NULL;
  const CsCsvColumnProfile *c;
  guint n = CS_CSV_PROFILE_MAX_DISTINCT + 500;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "v%u,%s,c%u,d%u\n", i, i % 2 ? "yes" : "no", i % 50, i % 51);
  profile = profile_text (text->str, NULL);
  g_string_free (text, TRUE);

  c = cs_csv_profile_get_column (profile, 0);
  g_assert_true (c->distinct_capped);
  g_assert_cmpuint (c->n_distinct, ==, CS_CSV_PROFILE_MAX_DISTINCT);
  g_assert_cmpuint (c->values->len, ==, CS_CSV_PROFILE_MAX_DISTINCT);
  g_assert_cmpuint (c->counts->len, ==, CS_CSV_PROFILE_MAX_DISTINCT);
  g_assert_cmpuint (c->n_values, ==, n);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_TEXT);

  c = cs_csv_profile_get_column (profile, 1);
  g_assert_false (c->distinct_capped);
  g_assert_cmpuint (c->n_distinct, ==, 2);
  g_assert_cmpuint (g_array_index (c->counts, guint64, 0) + g_array_index (c->counts, guint64, 1),
                    ==, n);
  g_assert_cmpint (c->type, ==, CS_CSV_TYPE_CATEGORICAL);

  /* the categorical cap: 50 distinct values, not 51 */
  g_assert_cmpint (cs_csv_profile_get_column (profile, 2)->type, ==, CS_CSV_TYPE_CATEGORICAL);
  g_assert_cmpint (cs_csv_profile_get_column (profile, 3)->type, ==, CS_CSV_TYPE_TEXT);
  g_clear_pointer (&profile, cs_csv_profile_free);

  /* and at most half the values */
  profile = profile_text ("s\na\nb\nc\nd\na\nb\n", NULL);
  g_assert_cmpint (cs_csv_profile_get_column (profile, 0)->type, ==, CS_CSV_TYPE_TEXT);
  g_clear_pointer (&profile, cs_csv_profile_free);
  profile = profile_text ("s\na\nb\nc\na\nb\nc\n", NULL);
  g_assert_cmpint (cs_csv_profile_get_column (profile, 0)->type, ==, CS_CSV_TYPE_CATEGORICAL);
}

typedef struct
{
  guint    calls;
  guint64  last_done;
  guint64  total;
  GCancellable *cancel_at_first;
} Progress;

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (done, >=, p->last_done);
  g_assert_cmpuint (done, <=, total);
  p->calls++;
  p->last_done = done;
  p->total = total;
  if (p->cancel_at_first != NULL && done > 0)
    g_cancellable_cancel (p->cancel_at_first);
}

static void
test_profile_path (void)
{
  GString *text = g_string_new ("id,v\n");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvProfile) profile = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress progress = { 0, 0, 0, NULL };

  for (guint i = 0; i < 300000; i++)
    g_string_append_printf (text, "%u,%u.25\n", i, i % 1000);
  path = temp_file ("p.csv", text->str, (gssize) text->len);

  profile = cs_csv_profile_path (path, NULL, progress_cb, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_csv_profile_get_n_rows (profile), ==, 300000);
  g_assert_cmpint (cs_csv_profile_get_column (profile, 0)->type, ==, CS_CSV_TYPE_INTEGER);
  g_assert_cmpint (cs_csv_profile_get_column (profile, 1)->type, ==, CS_CSV_TYPE_DECIMAL);
  g_assert_cmpfloat (cs_csv_profile_get_column (profile, 1)->max, ==, 999.25);
  g_assert_cmpuint (progress.calls, >, 2);
  g_assert_cmpuint (progress.last_done, ==, text->len);
  g_assert_cmpuint (progress.total, ==, text->len);
  g_clear_pointer (&profile, cs_csv_profile_free);

  /* cancelled from the progress callback */
  memset (&progress, 0, sizeof progress);
  progress.cancel_at_first = cancellable;
  profile = cs_csv_profile_path (path, NULL, progress_cb, &progress, cancellable, &error);
  g_assert_null (profile);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* a reading error in the middle */
  g_string_append (text, "x,\"open\n");
  g_file_set_contents (path, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);
  profile = cs_csv_profile_path (path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "p.csv: row 300001 (line 300002), column 2 \"v\": the "
                   "quoted field that starts on line 300002 has no closing quote before the end "
                   "of the file");
  remove_temp_file (path);
  g_string_free (text, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */

static void
check_field (const char *field,
             char        delimiter,
             const char *expected)
{
  g_autoptr(GString) out = g_string_new ("<");

  cs_csv_append_field (out, field, delimiter);
  g_string_append_c (out, '>');
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_append_field (void)
{
  GString *text;
  g_autofree char *dump = NULL;
  static const char *const fields[] = {
    "plain", "", "a,b", "a;b", "say \"hi\"", "\"", "two\nlines", "cr\r", " lead", "trail ",
    "\ttab", "caf\xC3\xA9", "NA", "x\"y,z\r\n",
  };

  check_field ("plain", ',', "<plain>");
  check_field ("", ',', "<>");
  check_field (NULL, ',', "<>");
  check_field ("a,b", ',', "<\"a,b\">");
  check_field ("a,b", ';', "<a,b>");
  check_field ("a;b", ';', "<\"a;b\">");
  check_field ("a\tb", '\t', "<\"a\tb\">");
  check_field ("say \"hi\"", ',', "<\"say \"\"hi\"\"\">");
  check_field ("\"", ',', "<\"\"\"\">");
  check_field ("two\nlines", ',', "<\"two\nlines\">");
  check_field ("cr\r", ',', "<\"cr\r\">");
  check_field (" lead", ',', "<\" lead\">");
  check_field ("trail ", ',', "<\"trail \">");
  check_field ("in side", ',', "<in side>");
  /* a zero-width no-break space first would read as a byte-order mark at
   * the start of a file (found by fuzz-csv) */
  check_field ("\xEF\xBB\xBFx", ',', "<\"\xEF\xBB\xBFx\">");
  check_field ("x\xEF\xBB\xBF", ',', "<x\xEF\xBB\xBF>");

  /* what it writes reads back the same */
  text = g_string_new ("a,b\n");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      cs_csv_append_field (text, fields[i], ',');
      g_string_append_c (text, ',');
      cs_csv_append_field (text, fields[G_N_ELEMENTS (fields) - 1 - i], ',');
      g_string_append_c (text, '\n');
    }
  dump = read_all_ways (text->str, (gssize) text->len, NULL);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (text->str, text->len);
    g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_bytes (bytes, "w.csv", NULL, NULL);
    CsCsvRecord record;

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        g_assert_true (cs_csv_reader_next (reader, &record, NULL));
        g_assert_cmpstr (record.fields[0], ==, fields[i]);
        g_assert_cmpstr (record.fields[1], ==, fields[G_N_ELEMENTS (fields) - 1 - i]);
      }
    g_assert_false (cs_csv_reader_next (reader, &record, NULL));
  }
  g_string_free (text, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Real data (third-party; read from ../shared/data, never copied)          */

static const char *
shared_data (void)
{
  const char *dir = g_getenv ("CS_SHARED_DATA");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return dir;
}

static GPtrArray *
read_rows (const char *path,
           char      **header_out,
           char       *delimiter,
           const char **line_end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, &error);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  CsCsvRecord record;

  g_assert_no_error (error);
  *header_out = g_strjoinv ("|", (char **) cs_csv_reader_get_header (reader));
  *delimiter = cs_csv_reader_get_dialect (reader)->delimiter;
  while (cs_csv_reader_next (reader, &record, &error))
    {
      char **row = g_new0 (char *, record.n_fields + 1);

      for (guint i = 0; i < record.n_fields; i++)
        row[i] = g_strdup (record.fields[i]);
      g_ptr_array_add (rows, row);
    }
  g_assert_no_error (error);
  *line_end = cs_csv_reader_get_line_end (reader);
  return rows;
}

static void
test_real_lung1 (void)
{
  g_autofree char *v3 = NULL;
  g_autofree char *old = NULL;
  g_autofree char *header_v3 = NULL;
  g_autofree char *header_old = NULL;
  g_autoptr(GPtrArray) rows_v3 = NULL;
  g_autoptr(GPtrArray) rows_old = NULL;
  const char *end_v3, *end_old;
  char delim_v3, delim_old;
  CsCsvDialect dialect;
  guint differing = 0;

  if (shared_data () == NULL)
    {
      g_test_skip ("CS_SHARED_DATA (../shared/data, third-party test data) is not available");
      return;
    }
  v3 = g_build_filename (shared_data (), "lung1",
                         "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv", NULL);
  old = g_build_filename (shared_data (), "lung1", "Lung1.clinical.csv", NULL);
  if (!g_file_test (v3, G_FILE_TEST_EXISTS) || !g_file_test (old, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the Lung1 clinical tables are not in CS_SHARED_DATA");
      return;
    }

  /* LF, bare NA, no final line end — and CRLF, every string quoted, "NA" */
  rows_v3 = read_rows (v3, &header_v3, &delim_v3, &end_v3);
  rows_old = read_rows (old, &header_old, &delim_old, &end_old);
  g_assert_cmpint (delim_v3, ==, ',');
  g_assert_cmpint (delim_old, ==, ',');
  g_assert_cmpstr (end_v3, ==, "LF");
  g_assert_cmpstr (end_old, ==, "CRLF");
  g_assert_cmpstr (header_v3, ==, "PatientID|age|clinical.T.Stage|Clinical.N.Stage|"
                   "Clinical.M.Stage|Overall.Stage|Histology|gender|Survival.time|"
                   "deadstatus.event");
  g_assert_cmpstr (header_v3, ==, header_old);
  g_assert_cmpuint (rows_v3->len, ==, 422);
  g_assert_cmpuint (rows_old->len, ==, 422);

  /* the same values, except the survival that TCIA updated in version 3
   * (columns 9 and 10); missing the same way in both */
  cs_csv_dialect_init (&dialect);
  for (guint r = 0; r < rows_v3->len; r++)
    {
      char **a = g_ptr_array_index (rows_v3, r);
      char **b = g_ptr_array_index (rows_old, r);

      for (guint c = 0; c < 10; c++)
        {
          if (c >= 8)
            {
              differing += g_strcmp0 (a[c], b[c]) != 0;
              continue;
            }
          g_assert_cmpstr (a[c], ==, b[c]);
          g_assert_cmpint (cs_csv_dialect_is_missing (&dialect, a[c], strlen (a[c])), ==,
                           cs_csv_dialect_is_missing (&dialect, b[c], strlen (b[c])));
        }
    }
  g_assert_cmpuint (differing, >, 0);
  cs_csv_dialect_clear (&dialect);

  /* the profile of version 3 */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsCsvProfile) profile = cs_csv_profile_path (v3, NULL, NULL, NULL, NULL, &error);
    const CsCsvColumnProfile *c;

    g_assert_no_error (error);
    g_assert_cmpuint (cs_csv_profile_get_n_rows (profile), ==, 422);
    g_assert_cmpint (cs_csv_profile_get_column (profile, 0)->type, ==, CS_CSV_TYPE_TEXT);
    c = cs_csv_profile_get_column (profile, 1);
    g_assert_cmpint (c->type, ==, CS_CSV_TYPE_DECIMAL);
    g_assert_cmpuint (c->n_missing, ==, 22);
    g_assert_cmpint (cs_csv_profile_get_column (profile, 2)->type, ==, CS_CSV_TYPE_INTEGER);
    g_assert_cmpint (cs_csv_profile_get_column (profile, 5)->type, ==, CS_CSV_TYPE_CATEGORICAL);
    c = cs_csv_profile_get_column (profile, 6);
    g_assert_cmpint (c->type, ==, CS_CSV_TYPE_CATEGORICAL);
    g_assert_cmpuint (c->n_missing, ==, 42);
    g_assert_cmpuint (c->n_distinct, ==, 4);
    g_assert_cmpint (cs_csv_profile_get_column (profile, 7)->type, ==, CS_CSV_TYPE_CATEGORICAL);
    g_assert_cmpint (cs_csv_profile_get_column (profile, 9)->type, ==, CS_CSV_TYPE_INTEGER);
  }
}

/* ------------------------------------------------------------------------ */
/* Reading records again                                                    */

/* Writes text over the start of the file, in place (the same inode). */
static void
overwrite_in_place (const char *path,
                    const char *text)
{
  FILE *f = fopen (path, "r+b");

  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (text, 1, strlen (text), f), ==, strlen (text));
  g_assert_cmpint (fclose (f), ==, 0);
}

/* Keeps the records of a reader of two records and reads them: their
 * offsets and lines. */
static void
read_two_records (CsCsvReader *reader,
                  goffset      offsets[2],
                  guint64      lines[2])
{
  g_autoptr(GError) error = NULL;
  CsCsvRecord record;
  guint n = 0;

  g_assert_true (cs_csv_reader_keep_records (reader, &error));
  while (cs_csv_reader_next (reader, &record, &error))
    {
      g_assert_cmpuint (n, <, 2);
      offsets[n] = record.offset;
      lines[n++] = record.line;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
}

/* Latin-1 with a decimal comma, quoted line breaks and CRLF, from a file:
 * the converted text is copied aside and read again from there. */
static void
test_read_again_converted (void)
{
  static const char text[] = "\xEF\xBB\xBFname;note;dose\r\n"        /* a BOM, then Latin-1 */
                             "M\xFCller;\"two\r\nlines\";1,5\r\n"
                             "Stra\xDF" "e;\"a;b\";2,25\r\n";
  g_autofree char *path = temp_file ("latin1.csv", text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsCsvDialect dialect;
  CsCsvRecord record;
  goffset offsets[2];
  guint64 lines[2];

  cs_csv_dialect_init (&dialect);
  dialect.encoding = g_strdup ("ISO-8859-1");
  dialect.decimal_comma = TRUE;
  reader = cs_csv_reader_new_for_path (path, &dialect, &error);
  g_assert_no_error (error);
  read_two_records (reader, offsets, lines);
  g_assert_cmpuint (lines[1], ==, 4);

  g_assert_true (cs_csv_reader_read_record_at (reader, offsets[1], 2, lines[1], &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (record.fields[0], ==, "Straße");
  g_assert_cmpstr (record.fields[1], ==, "a;b");
  g_assert_cmpstr (record.fields[2], ==, "2,25");
  g_assert_cmpuint (record.row, ==, 2);
  g_assert_cmpuint (record.line, ==, 4);
  g_assert_true (cs_csv_reader_read_record_at (reader, offsets[0], 1, lines[0], &record, &error));
  g_assert_cmpstr (record.fields[0], ==, "Müller");
  g_assert_cmpstr (record.fields[1], ==, "two\r\nlines");
  g_assert_cmpstr (record.fields[2], ==, "1,5");

  /* the copy is the converted text: a change to the file does not matter */
  overwrite_in_place (path, "xx;");
  g_assert_true (cs_csv_reader_read_record_at (reader, offsets[1], 2, lines[1], &record, &error));
  g_assert_cmpstr (record.fields[0], ==, "Straße");

  /* where no record starts */
  g_assert_false (cs_csv_reader_read_record_at (reader, 100000, 3, 9, &record, &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "latin1.csv: no record starts at byte 100000"));
  g_clear_pointer (&reader, cs_csv_reader_free);
  cs_csv_dialect_clear (&dialect);
  remove_temp_file (path);
}

/* Records of every length, read again in an order that jumps about (the
 * first read after a jump is small; a long record takes more reads). */
static void
test_read_again_jumps (void)
{
  g_autoptr(GString) text = g_string_new ("id,note\n");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (SeenRecord));
  CsCsvRecord record;

  g_array_set_clear_func (seen, seen_record_clear);
  for (guint i = 0; i < 300; i++)
    {
      gsize length = (gsize) (i * 7919) % 41000;

      g_string_append_printf (text, "R%u,\"", i);
      for (gsize k = 0; k < length; k++)
        g_string_append_c (text, k % 97 == 0 ? '\n' : (char) ('a' + (i + k) % 26));
      g_string_append (text, "\"\n");
    }
  path = temp_file ("jumps.csv", text->str, (gssize) text->len);
  reader = cs_csv_reader_new_for_path (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cs_csv_reader_keep_records (reader, &error));
  while (cs_csv_reader_next (reader, &record, &error))
    {
      SeenRecord r = { record.offset, record.row, record.line, record_text (&record) };

      g_array_append_val (seen, r);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 300);
  for (guint i = 0; i < 3 * seen->len; i++)
    check_read_again (reader, seen, (i * 131) % seen->len);
  g_clear_pointer (&reader, cs_csv_reader_free);
  remove_temp_file (path);
}

/* A file read again must not have changed since it was opened: checked
 * when it is read, and when asked (a run's end). */
static void
test_read_again_changed (void)
{
  g_autofree char *path = temp_file ("held.csv", "id,age\nP1,60\nP2,70\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, &error);
  CsCsvRecord record;
  goffset first = -1, second = 0;

  g_assert_no_error (error);
  g_assert_true (cs_csv_reader_keep_records (reader, &error));
  while (cs_csv_reader_next (reader, &record, &error))
    {
      if (first < 0)
        first = record.offset;
      second = record.offset;
    }
  g_assert_no_error (error);
  g_assert_true (cs_csv_reader_read_record_at (reader, second, 2, 3, &record, &error));
  g_assert_cmpstr (record.fields[0], ==, "P2");

  /* the same size, another time */
  overwrite_in_place (path, "id,age\nP1,60\nP3,80\n");
  {
    struct utimbuf times = { 1000000000, 1000000000 };

    g_assert_cmpint (g_utime (path, &times), ==, 0);
  }
  g_assert_false (cs_csv_reader_check_unchanged (reader, &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "held.csv: the file changed while it was being read"));
  g_clear_error (&error);
  /* one read from the file again fails */
  g_assert_false (cs_csv_reader_read_record_at (reader, first, 1, 2, &record, &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "held.csv"));
  g_assert_nonnull (strstr (error->message, "the file changed while it was being read"));
  g_clear_pointer (&reader, cs_csv_reader_free);
  remove_temp_file (path);
}

/* A pipe cannot be read twice: its text is copied aside as it is read. */
static void
test_read_again_pipe (void)
{
  static const char text[] = "id,note\r\nP1,\"a\nb\"\r\nP2,c\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsCsvRecord record;
  goffset offsets[2];
  guint64 lines[2];
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_cmpint (write (fds[1], text, sizeof text - 1), ==, (gssize) sizeof text - 1);
  close (fds[1]);
  stream = g_unix_input_stream_new (fds[0], TRUE);
  reader = cs_csv_reader_new_for_stream (stream, "pipe", 0, NULL, &error);
  g_assert_no_error (error);
  read_two_records (reader, offsets, lines);
  for (guint i = 2; i-- > 0;)
    {
      g_assert_true (cs_csv_reader_read_record_at (reader, offsets[i], i + 1, lines[i], &record, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (record.fields[1], ==, i == 0 ? "a\nb" : "c");
    }
}

static void
test_real_features (void)
{
  static const char *const tables[] = {
    "lung1_firstorder.csv", "lung1_shape.csv", "lung1_GLCM.csv", "lung1_GLRLM.csv",
    "lung1_HLH_GLRLM.csv",
  };
  g_autofree char *dir = NULL;

  if (shared_data () == NULL)
    {
      g_test_skip ("CS_SHARED_DATA (../shared/data, third-party test data) is not available");
      return;
    }
  dir = g_build_filename (shared_data (), "radiomics", "filipjb-lung1", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the filipjb Lung1 feature tables are not in CS_SHARED_DATA");
      return;
    }

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *path = g_build_filename (dir, tables[t], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, &error);
      g_autoptr(CsCsvProfile) profile = NULL;
      const char * const *header;
      CsCsvRecord record;

      g_assert_no_error (error);
      header = cs_csv_reader_get_header (reader);
      /* the unnamed pandas index, then PatientID, then the features */
      g_assert_cmpstr (header[0], ==, "");
      g_assert_cmpstr (header[1], ==, "PatientID");
      g_assert_cmpint (cs_csv_reader_find_column (reader, "PatientID"), ==, 1);
      g_assert_cmpint (cs_csv_reader_find_column (reader, ""), ==, 0);
      g_assert_cmpuint (cs_csv_reader_get_n_columns (reader), >, 15);
      if (strstr (tables[t], "HLH") != NULL)
        g_assert_true (g_str_has_prefix (header[2], "HLH "));
      profile = cs_csv_profile_new (reader);
      while (cs_csv_reader_next (reader, &record, &error))
        {
          g_assert_true (g_str_has_prefix (record.fields[1], "LUNG1-"));
          cs_csv_profile_add (profile, &record);
          for (guint c = 2; c < record.n_fields; c++)
            {
              double value;

              g_assert_true (cs_csv_parse_double (record.fields[c], FALSE, &value));
              g_assert_cmpfloat (value, ==, g_ascii_strtod (record.fields[c], NULL));
            }
        }
      g_assert_no_error (error);
      cs_csv_profile_finish (profile);
      g_assert_cmpuint (cs_csv_profile_get_n_rows (profile), ==, 416);
      g_assert_cmpint (cs_csv_profile_get_column (profile, 0)->type, ==, CS_CSV_TYPE_INTEGER);
      g_assert_cmpint (cs_csv_profile_get_column (profile, 1)->type, ==, CS_CSV_TYPE_TEXT);
      g_assert_cmpint (cs_csv_profile_get_column (profile, 2)->type, ==, CS_CSV_TYPE_DECIMAL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/line-ends", test_line_ends);
  g_test_add_func ("/csv/quoted", test_quoted);
  g_test_add_func ("/csv/literal-quotes", test_literal_quotes);
  g_test_add_func ("/csv/blank-lines", test_blank_lines);
  g_test_add_func ("/csv/bom", test_bom);
  g_test_add_func ("/csv/ragged", test_ragged);
  g_test_add_func ("/csv/syntax-errors", test_syntax_errors);
  g_test_add_func ("/csv/utf8", test_utf8);
  g_test_add_func ("/csv/utf8-errors", test_utf8_errors);
  g_test_add_func ("/csv/binary", test_binary);
  g_test_add_func ("/csv/encodings", test_encodings);
  g_test_add_func ("/csv/large-converted", test_large_converted);
  g_test_add_func ("/csv/empty", test_empty);
  g_test_add_func ("/csv/header", test_header);
  g_test_add_func ("/csv/limits", test_limits);
  g_test_add_func ("/csv/bad-dialect", test_bad_dialect);
  g_test_add_func ("/csv/sniff", test_sniff);
  g_test_add_func ("/csv/path-errors", test_path_errors);
  g_test_add_func ("/csv/read-error", test_read_error);
  g_test_add_func ("/csv/large-file", test_large_file);
  g_test_add_func ("/csv/cell-error", test_cell_error);
  g_test_add_func ("/csv/missing", test_missing);
  g_test_add_func ("/csv/parse-double", test_parse_double);
  g_test_add_func ("/csv/parse-int64", test_parse_int64);
  g_test_add_func ("/csv/parse-date", test_parse_date);
  g_test_add_func ("/csv/profile-types", test_profile_types);
  g_test_add_func ("/csv/profile-caps", test_profile_caps);
  g_test_add_func ("/csv/profile-path", test_profile_path);
  g_test_add_func ("/csv/append-field", test_append_field);
  g_test_add_func ("/csv/read-again-converted", test_read_again_converted);
  g_test_add_func ("/csv/read-again-changed", test_read_again_changed);
  g_test_add_func ("/csv/read-again-jumps", test_read_again_jumps);
  g_test_add_func ("/csv/read-again-pipe", test_read_again_pipe);
  g_test_add_func ("/csv/real-lung1", test_real_lung1);
  g_test_add_func ("/csv/real-features", test_real_features);
  return g_test_run ();
}
