/* cs-csv.c: the streaming CSV reader
 *
 * Three layers over one text buffer:
 *   the source   a file descriptor, a GInputStream or a GBytes (read in place
 *                when nothing needs converting), optionally through g_iconv;
 *   the checker  validates UTF-8 and refuses NUL bytes ahead of the parser,
 *                marking buf[0, valid) as good; a problem found there (or a
 *                read or conversion error) waits until the parser reaches it,
 *                so every record before it is still delivered, and the error
 *                then names the row, line and column it is in;
 *   the parser   finds the next delimiter, quote, CR or LF 16 bytes at a time
 *                (SSE2) and copies field bytes into the record buffer, which
 *                grows only with the longest record.
 * The read buffer has a fixed size: memory does not grow with the rows.
 * docs/CSV.md describes the dialect; the rules it states are implemented here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cs-csv.h"
#include "cs-csv-private.h"
#include "cs-io.h"

#define READ_BUFFER_SIZE   (256 * 1024)
#define SNIFF_BYTES        (64 * 1024)
#define CHECK_SLICE        (256 * 1024)
#define REREAD_BYTES       (16 * 1024)   /* per read when records are read again at offsets */
#define JUMP_READ_BYTES    (4 * 1024)    /* the first read after a jump to a record out of the window */
#define SPOOL_BYTES        (64 * 1024)   /* text gathered before it is written to the spool */

G_DEFINE_QUARK (cs-csv-error-quark, cs_csv_error)

static const char *const default_missing[] = {
  "", "NA", "N/A", "n/a", "NaN", "null", "NULL", "-", ".", NULL
};

/* ------------------------------------------------------------------------ */
/* Dialect                                                                  */

void
cs_csv_dialect_init (CsCsvDialect *dialect)
{
  g_return_if_fail (dialect != NULL);

  memset (dialect, 0, sizeof *dialect);
  dialect->quote = '"';
  dialect->has_header = TRUE;
}

void
cs_csv_dialect_clear (CsCsvDialect *dialect)
{
  g_return_if_fail (dialect != NULL);

  g_clear_pointer (&dialect->encoding, g_free);
  g_clear_pointer (&dialect->missing, g_strfreev);
}

void
cs_csv_dialect_copy (const CsCsvDialect *src,
                     CsCsvDialect       *dest)
{
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != NULL);

  *dest = *src;
  dest->encoding = g_strdup (src->encoding);
  dest->missing = g_strdupv (src->missing);
}

gboolean
cs_csv_dialect_is_missing (const CsCsvDialect *dialect,
                           const char         *field,
                           gsize               length)
{
  const char *const *tokens;

  g_return_val_if_fail (dialect != NULL, FALSE);
  g_return_val_if_fail (field != NULL || length == 0, FALSE);

  cs_csv_trim (&field, &length);

  if (dialect->missing == NULL)
    {
      /* the defaults, by length: "", "-", ".", "NA", "N/A", "NaN", "null" (any case) */
      switch (length)
        {
        case 0:
          return TRUE;
        case 1:
          return field[0] == '-' || field[0] == '.';
        case 2:
          return g_ascii_strncasecmp (field, "NA", 2) == 0;
        case 3:
          return g_ascii_strncasecmp (field, "N/A", 3) == 0 ||
                 g_ascii_strncasecmp (field, "NaN", 3) == 0;
        case 4:
          return g_ascii_strncasecmp (field, "null", 4) == 0;
        default:
          return FALSE;
        }
    }

  tokens = (const char *const *) dialect->missing;
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      gsize token_length = strlen (token);

      cs_csv_trim (&token, &token_length);
      if (token_length == length && g_ascii_strncasecmp (token, field, length) == 0)
        return TRUE;
    }
  return FALSE;
}

const char *const *
cs_csv_dialect_get_default_missing (void)
{
  return default_missing;
}

/* ------------------------------------------------------------------------ */
/* The reader                                                               */

typedef enum
{
  SOURCE_FD,
  SOURCE_STREAM,
  SOURCE_BYTES,
} SourceKind;

typedef struct
{
  guint64 line;
  goffset offset;
} BlankLine;

struct _CsCsvReader
{
  char          *name;
  CsCsvDialect   dialect;
  const char    *line_end;       /* "LF", "CRLF", "CR" or NULL */
  gboolean       had_bom;

  /* the source */
  SourceKind     kind;
  int            fd;
  GInputStream  *stream;
  GBytes        *bytes;
  gsize          bytes_pos;      /* next byte of bytes to copy (when not read in place) */
  gsize          max_read;       /* > 0: at most this much per read (tests) */
  gboolean       source_eof;
  guint64        source_done;    /* bytes taken from the source */
  guint64        total_bytes;

  /* conversion: dialect.encoding, or a UTF-16 byte-order mark */
  GIConv         iconv;
  char          *encoding_name;  /* as named, for messages */
  char          *raw;            /* bytes read but not yet converted */
  gsize          raw_len;
  guint64        raw_offset;     /* source offset of raw[0] */

  /* the text: buf[0, avail) is text from offset buf_offset; buf[0, valid)
   * is checked; the parser is at pos */
  const char    *buf;
  char          *own_buf;        /* NULL when the GBytes is read in place */
  gsize          avail;
  gsize          valid;
  gsize          pos;
  guint64        buf_offset;
  char           prev_byte;      /* the byte before buf[0] */
  gboolean       text_eof;       /* no more text will come after buf[avail] */

  /* problems found ahead of the parser, raised when it gets there: one at
   * buf[valid] found by the checker, and one at the end of the text (a read
   * or conversion error) */
  int            bad_code;       /* a CsCsvError, or -1 */
  char          *bad_message;
  int            late_code;
  char          *late_message;

  /* the parser */
  guint64        line;           /* physical line at pos, 1-based */
  guint64        row;            /* data records returned */
  gboolean       pending_cr;     /* a record ended with CR at the end of the text read so far */
  gboolean       in_header;
  gboolean       done;

  /* the record being read */
  char          *rec;
  gsize          rec_len;
  gsize          rec_size;
  gsize         *starts;         /* where each field starts in rec */
  guint          n_fields;
  guint          starts_size;
  const char   **fields;
  gsize         *lengths;
  guint          fields_size;
  guint64        rec_line;
  goffset        rec_offset;

  /* the header */
  guint          n_columns;
  char         **header;
  gboolean       first_pending;  /* no header: the first record waits for next() */

  /* one-column files: blank lines seen, waiting for a record after them
   * (blank lines at the end of a file are ignored) */
  GArray        *blanks;
  guint          blanks_next;
  gboolean       held;           /* a record waits behind the blanks */
  const char    *blank_field[1];
  gsize          blank_length[1];

  /* the file as opened (paths only): re-reads check that it did not change */
  gboolean       have_stat;
  gint64         stat_size;
  gint64         stat_mtime_sec;
  gint64         stat_mtime_nsec;

  /* reading records again (cs_csv_reader_keep_records): a second reader
   * over the same text, at offsets; the text comes from the file itself, the
   * GBytes, or a temporary copy of the text (spool) written while reading */
  CsCsvReader   *again;
  int            spool_fd;       /* -1: none */
  char          *spool_buf;      /* SPOOL_BYTES: text not yet written to the spool */
  gsize          spool_len;
  /* in the second reader: pread() from fd at text offset - fd_base */
  gboolean       positional;
  gboolean       jumped;        /* the next read follows a jump: JUMP_READ_BYTES */
  guint64        fd_base;
  guint64        fd_pos;
};

static const char *
printable_name (CsCsvReader *self)
{
  return self->name != NULL ? self->name : "CSV";
}

static const char *
column_name (CsCsvReader *self,
             guint        column)
{
  if (self->header != NULL && column < self->n_columns)
    return self->header[column];
  return NULL;
}

/* "name: row R (line L), column C "x": " and its variants */
static char *
format_prefix (CsCsvReader *self,
               gboolean     header,
               guint64      row,
               guint64      line,
               int          column)
{
  GString *out = g_string_new (NULL);

  if (header)
    g_string_append_printf (out, _("%s: header (line %" PRIu64 ")"), printable_name (self),
                            (uint64_t) line);
  else
    g_string_append_printf (out, _("%s: row %" PRIu64 " (line %" PRIu64 ")"),
                            printable_name (self), (uint64_t) row, (uint64_t) line);
  if (column >= 0)
    {
      const char *cname = header ? NULL : column_name (self, (guint) column);

      if (cname != NULL && cname[0] != '\0')
        g_string_append_printf (out, _(", column %u \"%s\""), (guint) column + 1, cname);
      else if (cname != NULL)
        g_string_append_printf (out, _(", column %u (no name)"), (guint) column + 1);
      else
        g_string_append_printf (out, _(", column %u"), (guint) column + 1);
    }
  g_string_append (out, ": ");
  return g_string_free (out, FALSE);
}

/* The number the record being parsed will get. */
static guint64
next_row (CsCsvReader *self)
{
  return self->row + (self->blanks != NULL ? self->blanks->len - self->blanks_next : 0) + 1;
}

static void
parse_error (CsCsvReader *self,
             GError     **error,
             int          code,
             int          column,
             const char  *format,
             ...) G_GNUC_PRINTF (5, 6);

/* An error in the record being parsed. */
static void
parse_error (CsCsvReader *self,
             GError     **error,
             int          code,
             int          column,
             const char  *format,
             ...)
{
  g_autofree char *prefix = format_prefix (self, self->in_header, next_row (self),
                                           self->rec_line, column);
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CS_CSV_ERROR, code, "%s%s", prefix, message);
}

void
cs_csv_reader_set_cell_error (CsCsvReader       *self,
                              const CsCsvRecord *record,
                              int                column,
                              GError           **error,
                              GQuark             domain,
                              int                code,
                              const char        *format,
                              ...)
{
  g_autofree char *prefix = NULL;
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (format != NULL);

  if (record != NULL)
    prefix = format_prefix (self, FALSE, record->row, record->line, column);
  else
    prefix = format_prefix (self, FALSE, self->row, self->rec_line, column);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, domain, code, "%s%s", prefix, message);
}

/* A read or conversion error: the text ends there; the parser raises it
 * when it gets to the end. */
static void
set_late (CsCsvReader *self,
          int          code,
          char        *message)
{
  if (self->late_code >= 0)
    {
      g_free (message);
      return;
    }
  self->late_code = code;
  self->late_message = message;
  self->text_eof = TRUE;
}

/* A bad byte at buf[valid], found by the checker. */
static void
set_bad_here (CsCsvReader *self,
              int          code,
              char        *message)
{
  g_free (self->bad_message);
  self->bad_code = code;
  self->bad_message = message;
}

/* ------------------------------------------------------------------------ */
/* Reading the source                                                       */

/* FALSE (recorded with set_late) when a file read again changed since it
 * was opened: checked before each read from it, not for each record. */
static gboolean
check_unchanged (CsCsvReader *self)
{
  struct stat st;

  if (!self->have_stat)
    return TRUE;
  if (fstat (self->fd, &st) != 0)
    {
      int saved = errno;

      set_late (self, CS_CSV_ERROR_IO, g_strdup_printf (_("cannot read the file again: %s"), g_strerror (saved)));
      return FALSE;
    }
  if ((gint64) st.st_size != self->stat_size || (gint64) st.st_mtim.tv_sec != self->stat_mtime_sec ||
      (gint64) st.st_mtim.tv_nsec != self->stat_mtime_nsec)
    {
      set_late (self, CS_CSV_ERROR_IO,
                g_strdup (_("the file changed while it was being read (its size or modification time is not "
                            "what it was when it was opened); run again when nothing writes to it")));
      return FALSE;
    }
  return TRUE;
}

/* Reads up to max bytes; 0 at the end, -1 on an error (recorded with set_bad). */
static gssize
read_source (CsCsvReader *self,
             char        *dest,
             gsize        max)
{
  gssize n = 0;

  if (self->max_read > 0 && max > self->max_read)
    max = self->max_read;
  /* a record looked up at random: read little (the rest of a long record
   * comes with the next reads); reading on from there, the usual amount */
  if (self->jumped)
    {
      max = MIN (max, JUMP_READ_BYTES);
      self->jumped = FALSE;
    }
  if (max == 0 || self->source_eof)
    return 0;

  switch (self->kind)
    {
    case SOURCE_FD:
      if (self->positional && !check_unchanged (self))
        return -1;
      do
        n = self->positional ? pread (self->fd, dest, max, (off_t) self->fd_pos) : read (self->fd, dest, max);
      while (n < 0 && errno == EINTR);
      if (n > 0 && self->positional)
        self->fd_pos += (guint64) n;
      if (n < 0)
        {
          int saved = errno;

          set_late (self, CS_CSV_ERROR_IO,
                    g_strdup_printf (_("cannot read the file: %s"), g_strerror (saved)));
          return -1;
        }
      break;

    case SOURCE_STREAM:
      {
        g_autoptr(GError) local_error = NULL;

        n = g_input_stream_read (self->stream, dest, max, NULL, &local_error);
        if (n < 0)
          {
            set_late (self, CS_CSV_ERROR_IO,
                      g_strdup_printf (_("cannot read: %s"), local_error->message));
            return -1;
          }
      }
      break;

    case SOURCE_BYTES:
      {
        gsize size = 0;
        const char *data = g_bytes_get_data (self->bytes, &size);

        n = (gssize) MIN (max, size - self->bytes_pos);
        if (n > 0)
          memcpy (dest, data + self->bytes_pos, (gsize) n);
        self->bytes_pos += (gsize) n;
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (n == 0)
    self->source_eof = TRUE;
  self->source_done += (guint64) n;
  return n;
}

static char *
describe_bytes (const guchar *p,
                gsize         n)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (out, "%s0x%02X", i > 0 ? " " : "", p[i]);
  return g_string_free (out, FALSE);
}

/* Converts raw bytes into own_buf[avail, …); reads more raw bytes as needed.
 * Returns after producing some text, at the end, or on an error. */
static void
read_converted (CsCsvReader *self)
{
  while (TRUE)
    {
      if (self->raw_len > 0)
        {
          char *in = self->raw;
          gsize in_left = self->raw_len;
          char *out = self->own_buf + self->avail;
          gsize out_left = READ_BUFFER_SIZE - self->avail;
          gsize r = g_iconv (self->iconv, &in, &in_left, &out, &out_left);
          int saved = errno;
          gsize consumed = (gsize) (in - self->raw);
          gsize produced = (gsize) (out - (self->own_buf + self->avail));

          self->avail += produced;
          memmove (self->raw, in, in_left);
          self->raw_len = in_left;
          self->raw_offset += consumed;
          if (r == (gsize) -1 && saved == EILSEQ)
            {
              g_autofree char *seen = describe_bytes ((const guchar *) self->raw, 1);

              set_late (self, CS_CSV_ERROR_ENCODING,
                        g_strdup_printf (_("byte %" PRIu64 " (%s) is not valid %s"),
                                         (uint64_t) self->raw_offset, seen,
                                         self->encoding_name));
              return;
            }
          if (r == (gsize) -1 && saved != EINVAL && saved != E2BIG)
            {
              set_late (self, CS_CSV_ERROR_ENCODING,
                        g_strdup_printf (_("cannot convert from %s at byte %" PRIu64 ": %s"),
                                         self->encoding_name, (uint64_t) self->raw_offset,
                                         g_strerror (saved)));
              return;
            }
          /* E2BIG: the text buffer is full */
          if (produced > 0 || (r == (gsize) -1 && saved == E2BIG))
            return;
        }

      if (self->source_eof)
        {
          if (self->raw_len > 0)
            set_late (self, CS_CSV_ERROR_ENCODING,
                      g_strdup_printf (_("the file ends inside a character (byte %" PRIu64
                                         " starts an incomplete %s sequence)"),
                                       (uint64_t) self->raw_offset, self->encoding_name));
          self->text_eof = TRUE;
          return;
        }
      else
        {
          gssize n = read_source (self, self->raw + self->raw_len,
                                  READ_BUFFER_SIZE - self->raw_len);

          if (n < 0)
            return;
          self->raw_len += (gsize) n;
        }
    }
}

/* Appends text to own_buf[avail, …) (which must have room). */
static void spool_write (CsCsvReader *self,
                         const char  *text,
                         gsize        length);

static void
read_text (CsCsvReader *self)
{
  gsize before = self->avail;

  if (self->iconv != (GIConv) -1)
    read_converted (self);
  else
    {
      gssize n = read_source (self, self->own_buf + self->avail, READ_BUFFER_SIZE - self->avail);

      if (n > 0)
        self->avail += (gsize) n;
      else if (self->source_eof)
        self->text_eof = TRUE;
    }
  if (self->spool_fd >= 0 && self->avail > before)
    spool_write (self, self->own_buf + before, self->avail - before);
}

/* ------------------------------------------------------------------------ */
/* Checking the text: UTF-8, no NUL                                         */

typedef enum
{
  CHECK_OK,
  CHECK_INCOMPLETE,   /* a sequence runs past the end of the data */
  CHECK_INVALID,
  CHECK_NUL,
} CheckStatus;

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), 0 if invalid,
 * or -1 when the bytes up to end are a valid but incomplete start. */
static inline int
utf8_sequence (const guchar *p,
               const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xBF;
  int n;

  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0;        /* no overlong forms */
      else if (c == 0xED)
        hi = 0x9F;        /* no surrogates */
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      n = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;        /* nothing above U+10FFFF */
    }
  else
    return 0;

  for (int i = 1; i < n; i++)
    {
      guchar b;

      if (p + i >= end)
        return -1;
      b = p[i];
      if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
        return 0;
    }
  return n;
}

/* Checks [p, limit); a sequence that starts before limit may read up to end.
 * Returns where it stopped. */
static const char *
check_text (const char  *p,
            const char  *limit,
            const char  *end,
            CheckStatus *status)
{
  while (p < limit)
    {
      guchar c;
      int n;

#ifdef __SSE2__
      for (; limit - p >= 16; p += 16)
        {
          __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
          int mask = _mm_movemask_epi8 (v) |
                     _mm_movemask_epi8 (_mm_cmpeq_epi8 (v, _mm_setzero_si128 ()));

          if (mask != 0)
            {
              p += __builtin_ctz ((unsigned) mask);
              break;
            }
        }
      if (p >= limit)
        break;
#endif
      c = (guchar) *p;
      if (c == 0)
        {
          *status = CHECK_NUL;
          return p;
        }
      if (c < 0x80)
        {
          p++;
          continue;
        }
      n = utf8_sequence ((const guchar *) p, (const guchar *) end);
      if (n == 0)
        {
          *status = CHECK_INVALID;
          return p;
        }
      if (n < 0)
        {
          *status = CHECK_INCOMPLETE;
          return p;
        }
      p += n;
    }
  *status = CHECK_OK;
  return p;
}

static const char *
binary_hint (const guchar *p,
             gsize         n)
{
  if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
    return _("it is a gzip-compressed file: decompress it first");
  if (n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 0x03 && p[3] == 0x04)
    return _("it is a ZIP archive (an Excel .xlsx workbook?): save the sheet as CSV");
  if (n >= 4 && p[0] == 0xD0 && p[1] == 0xCF && p[2] == 0x11 && p[3] == 0xE0)
    return _("it is an Office document (an Excel .xls workbook?): save the sheet as CSV");
  if (n >= 6 && memcmp (p, "\xFD" "7zXZ\0", 6) == 0)
    return _("it is an xz-compressed file: decompress it first");
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD)
    return _("it is a zstd-compressed file: decompress it first");
  return NULL;
}

/* Moves valid forward over more of [valid, avail). */
static void
check_more (CsCsvReader *self)
{
  const char *start = self->buf + self->valid;
  const char *end = self->buf + self->avail;
  const char *limit = end - start > CHECK_SLICE ? start + CHECK_SLICE : end;
  CheckStatus status;
  const char *stop = check_text (start, limit, end, &status);
  guint64 offset;

  self->valid = (gsize) (stop - self->buf);
  offset = self->buf_offset + self->valid;
  switch (status)
    {
    case CHECK_OK:
      break;

    case CHECK_INCOMPLETE:
      if (self->text_eof)
        {
          g_autofree char *seen = describe_bytes ((const guchar *) stop, (gsize) (end - stop));

          set_bad_here (self, CS_CSV_ERROR_ENCODING,
                        g_strdup_printf (_("the file ends inside a UTF-8 character "
                                           "(byte %" PRIu64 ": %s)"),
                                         (uint64_t) offset, seen));
        }
      break;

    case CHECK_INVALID:
      {
        /* the lead byte and the continuation bytes after it */
        gsize n = 1;
        g_autofree char *seen = NULL;

        while (n < 4 && stop + n < end && ((guchar) stop[n] & 0xC0) == 0x80)
          n++;
        seen = describe_bytes ((const guchar *) stop, n);

        if (self->iconv != (GIConv) -1)
          set_bad_here (self, CS_CSV_ERROR_ENCODING,
                        g_strdup_printf (_("byte %" PRIu64 " of the converted text (%s) is "
                                           "not valid UTF-8"), (uint64_t) offset, seen));
        else
          set_bad_here (self, CS_CSV_ERROR_ENCODING,
                        g_strdup_printf (_("byte %" PRIu64 " (%s) is not valid UTF-8; if the "
                                           "file is in another encoding, name it (for example "
                                           "ISO-8859-1 or windows-1252)"),
                                         (uint64_t) offset, seen));
      }
      break;

    case CHECK_NUL:
      set_bad_here (self, CS_CSV_ERROR_BINARY,
                    g_strdup_printf (_("byte %" PRIu64 " is a NUL byte: this is not a text "
                                       "file"), (uint64_t) offset));
      break;

    default:
      g_assert_not_reached ();
    }
}

typedef enum
{
  FILL_MORE,
  FILL_END,
  FILL_ERROR,
} FillResult;

/* Makes text available at pos (== valid): checks more of what was read, or
 * reads more. The caller has copied what it needs from buf[.., pos). */
static FillResult
refill (CsCsvReader *self)
{
  while (TRUE)
    {
      if (self->valid < self->avail && self->bad_code < 0)
        {
          check_more (self);
          if (self->valid > self->pos)
            return FILL_MORE;
        }
      if (self->bad_code >= 0)
        return FILL_ERROR;
      if (self->text_eof && self->valid == self->avail)
        return self->late_code >= 0 ? FILL_ERROR : FILL_END;

      /* keep the unchecked tail (an incomplete character) and read more */
      g_assert (self->own_buf != NULL);
      g_assert (self->pos == self->valid);
      if (self->valid > 0)
        {
          gsize tail = self->avail - self->valid;

          self->prev_byte = self->buf[self->valid - 1];
          memmove (self->own_buf, self->own_buf + self->valid, tail);
          self->buf_offset += self->valid;
          self->pos = 0;
          self->valid = 0;
          self->avail = tail;
        }
      read_text (self);
    }
}

/* ------------------------------------------------------------------------ */
/* The parser                                                               */

static inline const char *
find_special (const char *p,
              const char *end,
              char        delim,
              char        quote)
{
#ifdef __SSE2__
  const __m128i vd = _mm_set1_epi8 (delim);
  const __m128i vq = _mm_set1_epi8 (quote);
  const __m128i vn = _mm_set1_epi8 ('\n');
  const __m128i vr = _mm_set1_epi8 ('\r');

  for (; end - p >= 16; p += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
      __m128i hit = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (v, vd), _mm_cmpeq_epi8 (v, vq)),
                                  _mm_or_si128 (_mm_cmpeq_epi8 (v, vn), _mm_cmpeq_epi8 (v, vr)));
      int mask = _mm_movemask_epi8 (hit);

      if (mask != 0)
        return p + __builtin_ctz ((unsigned) mask);
    }
#endif
  /* quote 0 (no quoting) matches nothing: the text has no NUL */
  for (; p < end; p++)
    {
      char c = *p;

      if (c == delim || c == '\n' || c == '\r' || (c == quote && quote != 0))
        return p;
    }
  return NULL;
}

static gboolean
rec_append (CsCsvReader *self,
            const char  *p,
            gsize        n,
            GError     **error)
{
  gsize need = self->rec_len + n + 1;

  if (need > self->rec_size)
    {
      gsize size = MAX (self->rec_size * 2, 4096);

      if (need > CS_CSV_MAX_RECORD_BYTES)
        {
          parse_error (self, error, CS_CSV_ERROR_LIMIT, (int) self->n_fields,
                       _("the record is longer than %u MiB, the limit; an unterminated quoted "
                         "field could be the cause"),
                       CS_CSV_MAX_RECORD_BYTES / (1024 * 1024));
          return FALSE;
        }
      while (size < need)
        size *= 2;
      size = MIN (size, (gsize) CS_CSV_MAX_RECORD_BYTES + 1);
      self->rec = g_realloc (self->rec, size);
      self->rec_size = size;
    }
  if (n > 0)
    memcpy (self->rec + self->rec_len, p, n);
  self->rec_len += n;
  return TRUE;
}

/* Ends the current field: its bytes are rec[starts[n_fields], rec_len). */
static gboolean
end_field (CsCsvReader *self,
           gsize       *field_start,
           GError     **error)
{
  if (self->n_fields >= CS_CSV_MAX_COLUMNS)
    {
      parse_error (self, error, CS_CSV_ERROR_LIMIT, -1,
                   _("more than %u fields, the limit"), CS_CSV_MAX_COLUMNS);
      return FALSE;
    }
  if (!rec_append (self, "", 0, error))
    return FALSE;
  self->rec[self->rec_len++] = '\0';
  if (self->n_fields + 1 >= self->starts_size)
    {
      self->starts_size = MAX (self->starts_size * 2, 64);
      self->starts = g_renew (gsize, self->starts, self->starts_size);
    }
  self->starts[self->n_fields++] = *field_start;
  *field_start = self->rec_len;
  return TRUE;
}

/* TRUE when the current field so far is only spaces: rec[field_start, rec_len)
 * and [p, p + n). */
static gboolean
field_is_blank (CsCsvReader *self,
                gsize        field_start,
                const char  *p,
                gsize        n)
{
  for (gsize i = field_start; i < self->rec_len; i++)
    if (self->rec[i] != ' ')
      return FALSE;
  for (gsize i = 0; i < n; i++)
    if (p[i] != ' ')
      return FALSE;
  return TRUE;
}

static void
note_line_end (CsCsvReader *self,
               const char  *style)
{
  if (self->line_end == NULL)
    self->line_end = style;
}

typedef enum
{
  PARSE_RECORD,
  PARSE_BLANK,
  PARSE_END,
  PARSE_ERROR,
} ParseResult;

typedef enum
{
  ST_FIELD,        /* in an unquoted field, maybe at its start */
  ST_QUOTED,       /* inside quotes */
  ST_QUOTE,        /* after a quote inside quotes: doubled, or the closing one */
  ST_AFTER_QUOTE,  /* after the closing quote: spaces, then a delimiter or line end */
} State;

static ParseResult
raise_bad (CsCsvReader *self,
           GError     **error)
{
  int code = self->bad_code >= 0 ? self->bad_code : self->late_code;
  const char *message = self->bad_code >= 0 ? self->bad_message : self->late_message;

  parse_error (self, error, code, code == CS_CSV_ERROR_IO ? -1 : (int) self->n_fields,
               "%s", message);
  return PARSE_ERROR;
}

/* Reads one record into rec/starts/n_fields. */
static ParseResult
parse_record (CsCsvReader *self,
              GError     **error)
{
  const char delim = self->dialect.delimiter;
  const char quote = self->dialect.quote;
  const gboolean skip_spaces = delim != ' ';
  State state = ST_FIELD;
  gsize field_start = 0;
  guint64 quote_line = 0;
  gsize pos, seg;

  self->rec_len = 0;
  self->n_fields = 0;

  /* a record that ended with CR at the end of the text read then: is it CRLF? */
  while (self->pending_cr)
    {
      if (self->pos < self->valid)
        {
          if (self->buf[self->pos] == '\n')
            {
              self->pos++;
              note_line_end (self, "CRLF");
            }
          else
            note_line_end (self, "CR");
          self->pending_cr = FALSE;
          break;
        }
      self->rec_line = self->line;
      switch (refill (self))
        {
        case FILL_MORE:
          break;
        case FILL_END:
          note_line_end (self, "CR");
          self->pending_cr = FALSE;
          break;
        case FILL_ERROR:
          return raise_bad (self, error);
        default:
          g_assert_not_reached ();
        }
    }

  self->rec_line = self->line;
  self->rec_offset = (goffset) (self->buf_offset + self->pos);
  pos = seg = self->pos;

  while (TRUE)
    {
      const char *buf = self->buf;
      const char *sp;
      gsize i;
      char c;

      if (pos >= self->valid)
        {
          FillResult fill;

          if ((state == ST_FIELD || state == ST_QUOTED) &&
              !rec_append (self, buf + seg, pos - seg, error))
            return PARSE_ERROR;
          self->pos = pos;
          fill = refill (self);
          pos = seg = self->pos;
          if (fill == FILL_ERROR)
            return raise_bad (self, error);
          if (fill == FILL_MORE)
            continue;

          /* the end of the text */
          switch (state)
            {
            case ST_FIELD:
              if (self->n_fields == 0 && self->rec_len == 0)
                return PARSE_END;
              break;
            case ST_QUOTED:
              parse_error (self, error, CS_CSV_ERROR_SYNTAX, (int) self->n_fields,
                           _("the quoted field that starts on line %" PRIu64 " has no closing "
                             "quote before the end of the file"), (uint64_t) quote_line);
              return PARSE_ERROR;
            case ST_QUOTE:
            case ST_AFTER_QUOTE:
              break;
            default:
              g_assert_not_reached ();
            }
          if (!end_field (self, &field_start, error))
            return PARSE_ERROR;
          self->pos = pos;
          return PARSE_RECORD;
        }

      if (state == ST_QUOTE)
        {
          if (buf[pos] == quote)
            {
              /* a doubled quote: the second one starts the next segment */
              seg = pos;
              pos++;
              state = ST_QUOTED;
              continue;
            }
          state = ST_AFTER_QUOTE;
        }
      if (state == ST_AFTER_QUOTE)
        {
          while (skip_spaces && pos < self->valid && buf[pos] == ' ')
            pos++;
          if (pos >= self->valid)
            {
              seg = pos;
              continue;
            }
          c = buf[pos];
          if (c == delim)
            {
              if (!end_field (self, &field_start, error))
                return PARSE_ERROR;
              pos++;
              seg = pos;
              state = ST_FIELD;
              continue;
            }
          if (c != '\n' && c != '\r')
            {
              g_autofree char *seen = NULL;
              gsize n = 1;

              if ((guchar) c >= 0x80)
                {
                  int len = utf8_sequence ((const guchar *) buf + pos,
                                           (const guchar *) buf + self->valid);
                  n = len > 0 ? (gsize) len : 1;
                }
              seen = g_strndup (buf + pos, n);
              parse_error (self, error, CS_CSV_ERROR_SYNTAX, (int) self->n_fields,
                           _("'%s' after the closing quote (line %" PRIu64 "); a quote inside a "
                             "quoted field must be doubled (\"\")"),
                           seen, (uint64_t) self->line);
              return PARSE_ERROR;
            }
          i = pos;
          goto line_end;
        }

      sp = find_special (buf + pos, buf + self->valid, delim, quote);
      if (sp == NULL)
        {
          pos = self->valid;
          continue;
        }
      i = (gsize) (sp - buf);
      c = *sp;

      if (state == ST_QUOTED)
        {
          if (c == quote)
            {
              if (!rec_append (self, buf + seg, i - seg, error))
                return PARSE_ERROR;
              pos = i + 1;
              state = ST_QUOTE;
              continue;
            }
          if (c == '\r')
            self->line++;
          else if (c == '\n' && (i > 0 ? buf[i - 1] : self->prev_byte) != '\r')
            self->line++;
          pos = i + 1;
          continue;
        }

      /* ST_FIELD */
      if (c == delim)
        {
          if (!rec_append (self, buf + seg, i - seg, error) ||
              !end_field (self, &field_start, error))
            return PARSE_ERROR;
          pos = seg = i + 1;
          continue;
        }
      if (c == quote)
        {
          if (field_is_blank (self, field_start, buf + seg, i - seg))
            {
              /* an opening quote (spaces before it are dropped) */
              self->rec_len = field_start;
              state = ST_QUOTED;
              quote_line = self->line;
            }
          /* else a quote inside an unquoted field: a literal character */
          pos = i + 1;
          if (state == ST_QUOTED)
            seg = pos;
          continue;
        }
      if (!rec_append (self, buf + seg, i - seg, error))
        return PARSE_ERROR;

    line_end:
      /* buf[i] is CR or LF and ends the record */
      self->line++;
      if (buf[i] == '\r')
        {
          if (i + 1 < self->valid)
            {
              if (buf[i + 1] == '\n')
                {
                  i++;
                  note_line_end (self, "CRLF");
                }
              else
                note_line_end (self, "CR");
            }
          else if (self->text_eof && self->valid == self->avail && self->bad_code < 0 &&
                   self->late_code < 0)
            note_line_end (self, "CR");
          else
            self->pending_cr = TRUE;
        }
      else
        note_line_end (self, "LF");
      self->pos = i + 1;

      if (state == ST_FIELD && self->n_fields == 0 && self->rec_len == 0)
        return PARSE_BLANK;
      if (!end_field (self, &field_start, error))
        return PARSE_ERROR;
      return PARSE_RECORD;
    }
}

/* Points fields/lengths at the parsed record. */
static void
expose_fields (CsCsvReader *self,
               guint        n)
{
  if (n > self->fields_size)
    {
      self->fields_size = MAX (n, 16);
      self->fields = g_renew (const char *, self->fields, self->fields_size);
      self->lengths = g_renew (gsize, self->lengths, self->fields_size);
    }
  for (guint i = 0; i < self->n_fields; i++)
    {
      gsize end = i + 1 < self->n_fields ? self->starts[i + 1] : self->rec_len;

      self->fields[i] = self->rec + self->starts[i];
      self->lengths[i] = end - self->starts[i] - 1;
    }
  for (guint i = self->n_fields; i < n; i++)
    {
      self->fields[i] = "";
      self->lengths[i] = 0;
    }
}

/* The field count of a data record against the header. */
static gboolean
check_width (CsCsvReader *self,
             GError     **error)
{
  if (self->n_fields == self->n_columns)
    return TRUE;
  if (self->n_fields < self->n_columns && self->dialect.allow_ragged)
    return TRUE;

  if (self->n_fields > self->n_columns)
    {
      gsize last = self->rec_len - self->starts[self->n_fields - 1] - 1;

      if (self->n_fields == self->n_columns + 1 && last == 0)
        parse_error (self, error, CS_CSV_ERROR_RAGGED, -1,
                     _("%u fields, but the header has %u columns; the last field is empty: "
                       "does the line end with an extra delimiter?"),
                     self->n_fields, self->n_columns);
      else
        parse_error (self, error, CS_CSV_ERROR_RAGGED, -1,
                     _("%u fields, but the header has %u columns; a field that holds the "
                       "delimiter must be quoted"),
                     self->n_fields, self->n_columns);
    }
  else
    parse_error (self, error, CS_CSV_ERROR_RAGGED, -1,
                 g_dngettext (GETTEXT_PACKAGE, "%u field, but the header has %u columns",
                              "%u fields, but the header has %u columns", self->n_fields),
                 self->n_fields, self->n_columns);
  return FALSE;
}

static void
fill_record (CsCsvReader *self,
             CsCsvRecord *record,
             guint64      line,
             goffset      offset,
             gboolean     blank)
{
  record->row = ++self->row;
  record->line = line;
  record->offset = offset;
  if (blank)
    {
      self->blank_field[0] = "";
      self->blank_length[0] = 0;
      record->n_fields = 1;
      record->fields = self->blank_field;
      record->lengths = self->blank_length;
      return;
    }
  expose_fields (self, self->dialect.allow_ragged ? self->n_columns : self->n_fields);
  record->n_fields = MAX (self->n_fields, self->dialect.allow_ragged ? self->n_columns : 0);
  record->fields = self->fields;
  record->lengths = self->lengths;
}

gboolean
cs_csv_reader_next (CsCsvReader *self,
                    CsCsvRecord *record,
                    GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  memset (record, 0, sizeof *record);
  if (self->done)
    return FALSE;

  /* blank lines of a one-column file with a record after them */
  if (self->held)
    {
      if (self->blanks_next < self->blanks->len)
        {
          BlankLine *b = &g_array_index (self->blanks, BlankLine, self->blanks_next++);

          fill_record (self, record, b->line, b->offset, TRUE);
          return TRUE;
        }
      g_array_set_size (self->blanks, 0);
      self->blanks_next = 0;
      self->held = FALSE;
      fill_record (self, record, self->rec_line, self->rec_offset, FALSE);
      return TRUE;
    }
  if (self->first_pending)
    {
      self->first_pending = FALSE;
      fill_record (self, record, self->rec_line, self->rec_offset, FALSE);
      return TRUE;
    }

  while (TRUE)
    {
      switch (parse_record (self, error))
        {
        case PARSE_RECORD:
          if (!check_width (self, error))
            {
              self->done = TRUE;
              return FALSE;
            }
          if (self->blanks->len > 0)
            {
              self->held = TRUE;
              return cs_csv_reader_next (self, record, error);
            }
          fill_record (self, record, self->rec_line, self->rec_offset, FALSE);
          return TRUE;

        case PARSE_BLANK:
          /* an empty field in a one-column file, unless only blank lines follow;
           * in a wider file a blank line holds no data and is skipped */
          if (self->n_columns == 1)
            {
              BlankLine b = { self->rec_line, self->rec_offset };

              g_array_append_val (self->blanks, b);
            }
          break;

        case PARSE_END:
          self->done = TRUE;
          return FALSE;

        case PARSE_ERROR:
          self->done = TRUE;
          return FALSE;

        default:
          g_assert_not_reached ();
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Dialect sniffing                                                         */

typedef struct
{
  guint header;       /* fields of the first record */
  guint matching;     /* other records with that many fields (or fewer, when ragged is allowed) */
  guint other;
} SniffCount;

/* Counts fields per record of [p, p + n) for one delimiter, following the
 * parser's quoting rules; a record cut by the end of the sample (when
 * complete is FALSE) is not counted. */
static SniffCount
sniff_count (const char *p,
             gsize       n,
             gboolean    complete,
             char        delim,
             char        quote,
             gboolean    allow_ragged)
{
  SniffCount count = { 0, 0, 0 };
  gboolean first = TRUE;
  guint fields = 1;
  gboolean field_blank = TRUE;   /* only spaces so far in this field */
  gboolean line_blank = TRUE;    /* nothing at all so far in this record */
  gboolean in_quotes = FALSE;

  for (gsize i = 0; i <= n; i++)
    {
      gboolean at_end = i == n;
      char c = at_end ? '\n' : p[i];

      if (at_end && !complete)
        break;
      if (in_quotes)
        {
          if (c == quote && !at_end)
            {
              if (i + 1 < n && p[i + 1] == quote)
                i++;
              else
                in_quotes = FALSE;
            }
          else if (at_end)
            break;
          continue;
        }
      if (c == '\n' || c == '\r')
        {
          if (!line_blank)
            {
              if (first)
                {
                  count.header = fields;
                  first = FALSE;
                }
              else if (fields == count.header || (allow_ragged && fields < count.header))
                count.matching++;
              else
                count.other++;
            }
          fields = 1;
          field_blank = TRUE;
          line_blank = TRUE;
          continue;
        }
      line_blank = FALSE;
      if (c == delim)
        {
          fields++;
          field_blank = TRUE;
        }
      else if (c == quote && quote != 0 && field_blank)
        in_quotes = TRUE;
      else if (c != ' ')
        field_blank = FALSE;
    }
  return count;
}

static char
sniff_delimiter (const char *p,
                 gsize       n,
                 gboolean    complete,
                 char        quote,
                 gboolean    allow_ragged)
{
  static const char candidates[] = { ',', '\t', ';' };
  char best = ',';
  guint best_header = 1;
  double best_share = -1.0;
  gboolean best_consistent = FALSE;

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      SniffCount count = sniff_count (p, n, complete, candidates[k], quote, allow_ragged);
      gboolean consistent;
      double share;

      if (count.header < 2)
        continue;
      consistent = count.other == 0;
      share = count.matching + count.other > 0
              ? (double) count.matching / (count.matching + count.other) : 1.0;
      /* consistent beats inconsistent; then more columns; then a larger
       * share of matching records; then the order above */
      if ((consistent && !best_consistent) ||
          (consistent == best_consistent &&
           (count.header > best_header ||
            (count.header == best_header && share > best_share))))
        {
          best = candidates[k];
          best_header = count.header;
          best_share = share;
          best_consistent = consistent;
        }
    }
  return best;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */

static CsCsvReader *
reader_new (const char         *name,
            const CsCsvDialect *dialect,
            SourceKind          kind,
            guint64             total_bytes)
{
  CsCsvReader *self = g_new0 (CsCsvReader, 1);

  self->name = g_strdup (name);
  self->kind = kind;
  self->total_bytes = total_bytes;
  if (dialect != NULL)
    cs_csv_dialect_copy (dialect, &self->dialect);
  else
    cs_csv_dialect_init (&self->dialect);
  self->fd = -1;
  self->spool_fd = -1;
  self->iconv = (GIConv) -1;
  self->bad_code = -1;
  self->late_code = -1;
  self->line = 1;
  self->blanks = g_array_new (FALSE, FALSE, sizeof (BlankLine));
  return self;
}

void
cs_csv_reader_free (CsCsvReader *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->spool_fd >= 0)
    close (self->spool_fd);
  g_clear_pointer (&self->again, cs_csv_reader_free);
  g_free (self->spool_buf);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  if (self->iconv != (GIConv) -1)
    g_iconv_close (self->iconv);
  g_free (self->encoding_name);
  g_free (self->raw);
  g_free (self->own_buf);
  g_free (self->bad_message);
  g_free (self->late_message);
  g_free (self->rec);
  g_free (self->starts);
  g_free (self->fields);
  g_free (self->lengths);
  g_strfreev (self->header);
  g_array_unref (self->blanks);
  cs_csv_dialect_clear (&self->dialect);
  g_free (self->name);
  g_free (self);
}

static gboolean
is_utf8_name (const char *encoding)
{
  return g_ascii_strcasecmp (encoding, "UTF-8") == 0 || g_ascii_strcasecmp (encoding, "UTF8") == 0;
}

static gboolean
check_dialect (CsCsvReader *self,
               GError     **error)
{
  const guchar d = (guchar) self->dialect.delimiter;
  const guchar q = (guchar) self->dialect.quote;

  if (d >= 0x80 || d == '\n' || d == '\r' || (d != 0 && d == q))
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                   _("%s: the delimiter must be one ASCII character other than a line break "
                     "and the quote (0x%02X given)"), printable_name (self), d);
      return FALSE;
    }
  if (q >= 0x80 || q == '\n' || q == '\r')
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_DIALECT,
                   _("%s: the quote must be one ASCII character other than a line break "
                     "(0x%02X given)"), printable_name (self), q);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_converter (CsCsvReader *self,
                const char  *encoding,
                GError     **error)
{
  self->iconv = g_iconv_open ("UTF-8", encoding);
  if (self->iconv == (GIConv) -1)
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_ENCODING,
                   _("%s: unknown encoding \"%s\" (for example ISO-8859-1, windows-1252, "
                     "UTF-16 are known)"), printable_name (self), encoding);
      return FALSE;
    }
  self->encoding_name = g_strdup (encoding);
  if (self->raw == NULL)
    self->raw = g_malloc (READ_BUFFER_SIZE);
  return TRUE;
}

static gboolean
read_header (CsCsvReader *self,
             GError     **error)
{
  g_autoptr(GHashTable) seen = NULL;

  self->in_header = self->dialect.has_header;
  while (TRUE)
    {
      ParseResult r = parse_record (self, error);

      if (r == PARSE_ERROR)
        return FALSE;
      if (r == PARSE_END)
        {
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_EMPTY,
                       self->had_bom ? _("%s: the file holds nothing but a byte-order mark and "
                                         "blank lines")
                                     : _("%s: the file holds only blank lines, no header row"),
                       printable_name (self));
          return FALSE;
        }
      if (r == PARSE_RECORD)
        break;
      /* blank lines before the first record are skipped */
    }
  self->in_header = FALSE;

  self->n_columns = self->n_fields;
  self->header = g_new0 (char *, self->n_columns + 1);
  if (!self->dialect.has_header)
    {
      for (guint i = 0; i < self->n_columns; i++)
        self->header[i] = g_strdup_printf ("column %u", i + 1);
      self->first_pending = TRUE;
      return TRUE;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->n_columns; i++)
    {
      const char *name = self->rec + self->starts[i];
      gsize length = (i + 1 < self->n_columns ? self->starts[i + 1] : self->rec_len)
                     - self->starts[i] - 1;
      gpointer other;

      /* ASCII space, and U+FEFF: a second byte-order mark, or one after
       * blank lines, would otherwise hide in the first name */
      do
        {
          cs_csv_trim (&name, &length);
          if (length >= 3 && memcmp (name, "\xEF\xBB\xBF", 3) == 0)
            {
              name += 3;
              length -= 3;
            }
          else if (length >= 3 && memcmp (name + length - 3, "\xEF\xBB\xBF", 3) == 0)
            length -= 3;
          else
            break;
        }
      while (TRUE);
      self->header[i] = g_strndup (name, length);
      if (length == 0)
        continue;     /* unnamed columns (a pandas index) are fine, even several */
      if (g_hash_table_lookup_extended (seen, self->header[i], NULL, &other))
        {
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_HEADER,
                       _("%s: header (line %" PRIu64 "), column %u: \"%s\" is also the name of "
                         "column %u; column names must be unique"),
                       printable_name (self), (uint64_t) self->rec_line, i + 1,
                       self->header[i], GPOINTER_TO_UINT (other) + 1);
          return FALSE;
        }
      g_hash_table_insert (seen, self->header[i], GUINT_TO_POINTER (i));
    }
  return TRUE;
}

static gboolean
has_utf16_bom (const char *p,
               gsize       n)
{
  return n >= 2 && (((guchar) p[0] == 0xFF && (guchar) p[1] == 0xFE) ||
                    ((guchar) p[0] == 0xFE && (guchar) p[1] == 0xFF));
}

/* Reads the start of the text, handles byte-order marks, sniffs, reads the header. */
static CsCsvReader *
reader_start (CsCsvReader  *self_,
              GError      **error)
{
  g_autoptr(CsCsvReader) self = self_;
  const char *encoding = self->dialect.encoding;
  gboolean named = encoding != NULL && encoding[0] != '\0';
  gsize sample;

  if (!check_dialect (self, error))
    return NULL;

  if (named && !is_utf8_name (encoding))
    {
      if (!open_converter (self, encoding, error))
        return NULL;
    }

  if (self->own_buf == NULL && self->kind == SOURCE_BYTES && self->max_read == 0 &&
      self->iconv == (GIConv) -1)
    {
      /* read in place */
      gsize size = 0;

      self->buf = g_bytes_get_data (self->bytes, &size);
      self->avail = size;
      self->bytes_pos = size;
      self->source_done = size;
      self->source_eof = TRUE;
      self->text_eof = TRUE;
    }
  else
    {
      self->own_buf = g_malloc (READ_BUFFER_SIZE);
      self->buf = self->own_buf;
      if (self->iconv == (GIConv) -1)
        {
          /* a UTF-16 byte-order mark: convert, unless the dialect said UTF-8 */
          while (self->avail < 2 && !self->text_eof)
            read_text (self);
          if (!named && has_utf16_bom (self->buf, self->avail))
            {
              if (!open_converter (self, "UTF-16", error))
                return NULL;
              memcpy (self->raw, self->buf, self->avail);
              self->raw_len = self->avail;
              self->avail = 0;
              self->text_eof = FALSE;
              g_free (self->dialect.encoding);
              self->dialect.encoding = g_strdup ("UTF-16");
            }
        }
    }
  if (self->own_buf == NULL && !named && has_utf16_bom (self->buf, self->avail))
    {
      /* the same for bytes read in place: copy them through the converter */
      self->buf = NULL;
      self->avail = 0;
      self->bytes_pos = 0;
      self->source_done = 0;
      self->source_eof = FALSE;
      self->text_eof = FALSE;
      if (!open_converter (self, "UTF-16", error))
        return NULL;
      self->own_buf = g_malloc (READ_BUFFER_SIZE);
      self->buf = self->own_buf;
      g_free (self->dialect.encoding);
      self->dialect.encoding = g_strdup ("UTF-16");
    }

  /* enough text to sniff (the buffer holds four times as much) */
  while (self->avail < SNIFF_BYTES + 3 && !self->text_eof)
    read_text (self);

  if (self->avail == 0 && self->late_code < 0)
    {
      if (self->source_done == 0)
        g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_EMPTY, _("%s: the file is empty (0 bytes)"),
                     printable_name (self));
      else
        g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_EMPTY, _("%s: the file holds no text"),
                     printable_name (self));
      return NULL;
    }

  if (self->avail >= 3 && memcmp (self->buf, "\xEF\xBB\xBF", 3) == 0)
    {
      self->had_bom = TRUE;
      self->pos = self->valid = 3;
    }

  sample = MIN (self->avail - self->pos, SNIFF_BYTES);
  {
    const char *nul = memchr (self->buf + self->pos, '\0', sample);
    const char *hint = binary_hint ((const guchar *) self->buf + self->pos, sample);

    if (hint != NULL)
      {
        g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_BINARY, _("%s: not a text file: %s"),
                     printable_name (self), hint);
        return NULL;
      }
    if (nul != NULL && sample >= 2 && self->iconv == (GIConv) -1 &&
        ((self->buf[self->pos] == '\0') != (self->buf[self->pos + 1] == '\0')))
      {
        g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_BINARY,
                     _("%s: byte %" PRIu64 " is a NUL byte: the file looks like UTF-16 "
                       "without a byte-order mark; name its encoding (UTF-16LE or UTF-16BE)"),
                     printable_name (self),
                     (uint64_t) (self->buf_offset + (guint64) (nul - self->buf)));
        return NULL;
      }
    if (nul != NULL)
      {
        g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_BINARY,
                     _("%s: byte %" PRIu64 " is a NUL byte: this is not a text file"),
                     printable_name (self),
                     (uint64_t) (self->buf_offset + (guint64) (nul - self->buf)));
        return NULL;
      }
  }

  if (self->dialect.delimiter == 0)
    self->dialect.delimiter = sniff_delimiter (self->buf + self->pos, sample,
                                               self->text_eof && sample == self->avail - self->pos,
                                               self->dialect.quote, self->dialect.allow_ragged);

  if (!read_header (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CsCsvReader *
cs_csv_reader_new_for_path (const char          *path,
                            const CsCsvDialect  *dialect,
                            GError             **error)
{
  return cs_csv_reader_new_for_path_named (path, NULL, dialect, error);
}

CsCsvReader *
cs_csv_reader_new_for_path_named (const char          *path,
                                  const char          *name,
                                  const CsCsvDialect  *dialect,
                                  GError             **error)
{
  g_autoptr(CsCsvReader) self = NULL;
  g_autofree char *base = NULL;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, _("Cannot open %s: %s"), path,
                   g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO,
                   S_ISDIR (st.st_mode) ? _("Cannot read %s: it is a folder, not a CSV file")
                   : S_ISFIFO (st.st_mode) ? _("Cannot read %s: it is a pipe (FIFO); CSV input "
                                               "must be a regular file, so save it to one first")
                   : _("Cannot read %s: it is not a regular file (a device or socket)"),
                   path);
      return NULL;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  base = name != NULL ? g_strdup (name) : g_path_get_basename (path);
  self = reader_new (base, dialect, SOURCE_FD, (guint64) st.st_size);
  self->fd = fd;
  self->have_stat = TRUE;
  self->stat_size = (gint64) st.st_size;
  self->stat_mtime_sec = (gint64) st.st_mtim.tv_sec;
  self->stat_mtime_nsec = (gint64) st.st_mtim.tv_nsec;
  return reader_start (g_steal_pointer (&self), error);
}

CsCsvReader *
cs_csv_reader_new_for_stream (GInputStream        *stream,
                              const char          *name,
                              guint64              total_bytes,
                              const CsCsvDialect  *dialect,
                              GError             **error)
{
  CsCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = reader_new (name, dialect, SOURCE_STREAM, total_bytes);
  self->stream = g_object_ref (stream);
  return reader_start (self, error);
}

CsCsvReader *
_cs_csv_reader_new_for_bytes_chunked (GBytes             *bytes,
                                      const char         *name,
                                      const CsCsvDialect *dialect,
                                      gsize               max_read,
                                      GError            **error)
{
  CsCsvReader *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = reader_new (name, dialect, SOURCE_BYTES, g_bytes_get_size (bytes));
  self->bytes = g_bytes_ref (bytes);
  self->max_read = max_read;
  return reader_start (self, error);
}

CsCsvReader *
cs_csv_reader_new_for_bytes (GBytes              *bytes,
                             const char          *name,
                             const CsCsvDialect  *dialect,
                             GError             **error)
{
  return _cs_csv_reader_new_for_bytes_chunked (bytes, name, dialect, 0, error);
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */

void
cs_csv_reader_set_name (CsCsvReader *self,
                        const char  *name)
{
  g_return_if_fail (self != NULL);

  g_free (self->name);
  self->name = g_strdup (name);
}

const char *
cs_csv_reader_get_name (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return printable_name (self);
}

const CsCsvDialect *
cs_csv_reader_get_dialect (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->dialect;
}

gboolean
cs_csv_reader_had_bom (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->had_bom;
}

const char *
cs_csv_reader_get_line_end (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->line_end;
}

guint
cs_csv_reader_get_n_columns (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns;
}

const char * const *
cs_csv_reader_get_header (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->header;
}

int
cs_csv_reader_find_column (CsCsvReader *self,
                           const char  *name)
{
  int found = -1;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < self->n_columns; i++)
    if (strcmp (self->header[i], name) == 0)
      return (int) i;
  for (guint i = 0; i < self->n_columns; i++)
    if (g_ascii_strcasecmp (self->header[i], name) == 0)
      {
        if (found >= 0)
          return -1;      /* "Age" and "AGE": ambiguous */
        found = (int) i;
      }
  return found;
}

guint64
cs_csv_reader_get_bytes_read (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->iconv != (GIConv) -1)
    return self->raw_offset;
  return self->buf_offset + self->pos;
}

guint64
cs_csv_reader_get_total_bytes (CsCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->total_bytes;
}

/* ------------------------------------------------------------------------ */
/* Reading records again                                                    */

/* Writes text to the spool; a failure ends the text with an error. */
static void
spool_write_out (CsCsvReader *self,
                 const char  *text,
                 gsize        length)
{
  if (self->spool_fd >= 0 && !cs_write_all (self->spool_fd, text, length, -1, NULL))
    {
      int saved = errno;

      set_late (self, CS_CSV_ERROR_IO,
                g_strdup_printf (_("cannot write the temporary copy of the table: %s"), g_strerror (saved)));
      close (self->spool_fd);
      self->spool_fd = -1;
    }
}

static void
spool_flush (CsCsvReader *self)
{
  if (self->spool_len > 0)
    spool_write_out (self, self->spool_buf, self->spool_len);
  self->spool_len = 0;
}

/* Appends text to the spool (gathered, so that small reads do not become
 * small writes). */
static void
spool_write (CsCsvReader *self,
             const char  *text,
             gsize        length)
{
  if (self->spool_len + length > SPOOL_BYTES)
    spool_flush (self);
  if (length >= SPOOL_BYTES)
    spool_write_out (self, text, length);
  else
    {
      memcpy (self->spool_buf + self->spool_len, text, length);
      self->spool_len += length;
    }
}

gboolean
cs_csv_reader_keep_records (CsCsvReader  *self,
                            GError      **error)
{
  g_autoptr(CsCsvReader) again = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->again == NULL, FALSE);
  g_return_val_if_fail (self->row == 0 && !self->done, FALSE);

  again = reader_new (self->name, &self->dialect, SOURCE_FD, self->total_bytes);
  /* the text read again is UTF-8 already */
  g_clear_pointer (&again->dialect.encoding, g_free);
  again->n_columns = self->n_columns;
  again->header = g_strdupv (self->header);
  again->max_read = REREAD_BYTES;

  if (self->kind == SOURCE_BYTES && self->own_buf == NULL)
    {
      /* in place: every record is there already (and was checked when read) */
      again->kind = SOURCE_BYTES;
      again->bytes = g_bytes_ref (self->bytes);
      again->buf = self->buf;
      again->avail = again->valid = self->avail;
      again->source_eof = again->text_eof = TRUE;
    }
  else if (self->kind == SOURCE_FD && self->iconv == (GIConv) -1)
    {
      /* the file itself, as long as it does not change */
      again->fd = fcntl (self->fd, F_DUPFD_CLOEXEC, 0);
      if (again->fd < 0)
        {
          int saved = errno;

          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, _("%s: cannot read the file again: %s"),
                       printable_name (self), g_strerror (saved));
          return FALSE;
        }
      again->positional = TRUE;
      again->have_stat = self->have_stat;
      again->stat_size = self->stat_size;
      again->stat_mtime_sec = self->stat_mtime_sec;
      again->stat_mtime_nsec = self->stat_mtime_nsec;
    }
  else
    {
      /* a stream, or converted text: copy the text as it is read into a
       * temporary file, removed at once (it goes when the reader is freed) */
      g_autofree char *path = NULL;
      int fd;

      if (self->first_pending && (guint64) self->rec_offset < self->buf_offset)
        {
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_LIMIT,
                       _("%s: the first record is too long to be read again"), printable_name (self));
          return FALSE;
        }
      fd = g_file_open_tmp ("cohortscope-table-XXXXXX", &path, error);
      if (fd < 0)
        return FALSE;
      g_unlink (path);
      again->fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
      if (again->fd < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, _("%s: cannot read the file again: %s"),
                       printable_name (self), g_strerror (saved));
          return FALSE;
        }
      again->positional = TRUE;
      again->fd_base = self->buf_offset;
      self->spool_fd = fd;
      self->spool_buf = g_malloc (SPOOL_BYTES);
      spool_write (self, self->own_buf, self->avail);
    }
  if (again->kind == SOURCE_FD)
    {
      again->own_buf = g_malloc (READ_BUFFER_SIZE);
      again->buf = again->own_buf;
      again->text_eof = TRUE;    /* nothing read yet: the first read moves the window */
    }
  self->again = g_steal_pointer (&again);
  return TRUE;
}

gboolean
cs_csv_reader_check_unchanged (CsCsvReader  *self,
                               GError      **error)
{
  CsCsvReader *a;

  g_return_val_if_fail (self != NULL, FALSE);

  if ((a = self->again) == NULL || !a->positional || check_unchanged (a))
    return TRUE;
  g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, "%s: %s", printable_name (self), a->late_message);
  return FALSE;
}

gboolean
cs_csv_reader_read_record_at (CsCsvReader  *self,
                              goffset       offset,
                              guint64       row,
                              guint64       line,
                              CsCsvRecord  *record,
                              GError      **error)
{
  CsCsvReader *a;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->again != NULL, FALSE);
  g_return_val_if_fail (offset >= 0 && row > 0, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  memset (record, 0, sizeof *record);
  a = self->again;
  if (self->spool_fd >= 0)
    spool_flush (self);
  if (self->spool_buf != NULL && self->spool_fd < 0)
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, "%s: %s", printable_name (self),
                   self->late_message != NULL ? self->late_message
                                              : _("cannot write the temporary copy of the table"));
      return FALSE;
    }
  /* a problem left by the last record: read the text again from here */
  if (a->bad_code >= 0 || a->late_code >= 0)
    {
      a->bad_code = a->late_code = -1;
      g_clear_pointer (&a->bad_message, g_free);
      g_clear_pointer (&a->late_message, g_free);
      if (a->kind == SOURCE_FD)
        a->avail = a->valid = 0;
    }
  a->pending_cr = FALSE;
  if ((guint64) offset >= a->buf_offset && (guint64) offset - a->buf_offset <= a->valid &&
      (a->kind == SOURCE_BYTES || (guint64) offset - a->buf_offset < a->valid))
    a->pos = (gsize) ((guint64) offset - a->buf_offset);
  else if (a->kind == SOURCE_FD && (guint64) offset >= a->fd_base)
    {
      /* move the window */
      a->jumped = TRUE;
      a->buf_offset = (guint64) offset;
      a->pos = a->valid = a->avail = 0;
      a->prev_byte = '\0';
      a->fd_pos = (guint64) offset - a->fd_base;
      a->source_eof = a->text_eof = FALSE;
    }
  else
    {
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, _("%s: no record starts at byte %" PRIu64),
                   printable_name (self), (uint64_t) offset);
      return FALSE;
    }

  a->row = row - 1;
  a->line = line;
  switch (parse_record (a, error))
    {
    case PARSE_RECORD:
      if (!check_width (a, error))
        return FALSE;
      fill_record (a, record, line, offset, FALSE);
      return TRUE;

    case PARSE_BLANK:
      if (a->n_columns == 1)
        {
          fill_record (a, record, line, offset, TRUE);
          return TRUE;
        }
      G_GNUC_FALLTHROUGH;
    case PARSE_END:
      g_set_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO, _("%s: no record starts at byte %" PRIu64),
                   printable_name (self), (uint64_t) offset);
      return FALSE;

    case PARSE_ERROR:
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}
