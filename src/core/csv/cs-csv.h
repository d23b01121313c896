/* cs-csv.h: a streaming RFC 4180 reader with dialect and type sniffing
 *
 * Reads delimited text one record at a time; memory is bounded by the
 * largest record, not by the file. Accepts UTF-8 with or without a BOM; LF,
 * CRLF and CR line ends (mixed too); quoted fields holding delimiters, line
 * breaks and doubled quotes; a header row. The delimiter (',' ';' or tab) is
 * sniffed from the first 64 KiB unless the dialect names one.
 *
 * Input that is not UTF-8 is an error naming the byte offset, unless the
 * dialect names an encoding (e.g. "ISO-8859-1", "windows-1252"), in which
 * case it is converted with GLib's iconv. A NUL byte means a binary file.
 *
 * Positions: "row" is the 1-based number of a data record (the header is not
 * counted), "line" the 1-based physical line on which a record starts, byte
 * offsets are 0-based. Error messages read
 *   "clinical.csv: row 17 (line 18), column 4 "age": …"
 * so a user finds the cell in a spreadsheet or an editor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CS_CSV_ERROR (cs_csv_error_quark ())

typedef enum
{
  CS_CSV_ERROR_IO,          /* cannot open or read */
  CS_CSV_ERROR_EMPTY,       /* 0 bytes, or no header row */
  CS_CSV_ERROR_ENCODING,    /* not valid UTF-8 (or not valid in the named encoding) */
  CS_CSV_ERROR_BINARY,      /* a NUL byte: not a text file */
  CS_CSV_ERROR_SYNTAX,      /* unterminated quoted field, a quote inside an unquoted field */
  CS_CSV_ERROR_RAGGED,      /* a record with more or fewer fields than the header */
  CS_CSV_ERROR_LIMIT,       /* a field or record beyond the documented size limit */
  CS_CSV_ERROR_HEADER,      /* empty or duplicate column names where they are not allowed */
  CS_CSV_ERROR_DIALECT,     /* an unusable dialect: a line break or non-ASCII byte as delimiter */
} CsCsvError;

GQuark cs_csv_error_quark (void);

/* Limits (documented in docs/CSV.md): one record at most 64 MiB, at most
 * 100,000 columns. */
#define CS_CSV_MAX_RECORD_BYTES (64u * 1024u * 1024u)
#define CS_CSV_MAX_COLUMNS      100000u

/* How a file is read. Zero-initialised fields mean "sniff" or "default";
 * cs_csv_dialect_init() sets the defaults. */
typedef struct
{
  char          delimiter;      /* ',' ';' '\t' or another byte; 0 = sniff */
  char          quote;          /* default '"'; 0 = no quoting at all */
  gboolean      has_header;     /* default TRUE */
  gboolean      decimal_comma;  /* numbers use ',' as the decimal separator ("1,5") */
  gboolean      allow_ragged;   /* short rows are padded with empty fields, long rows an error either way */
  char         *encoding;       /* NULL = UTF-8; else a name iconv knows */
  GStrv         missing;        /* tokens read as missing, compared after trimming ASCII
                                 * space, case-insensitively; NULL = the defaults:
                                 * "", "NA", "N/A", "n/a", "NaN", "null", "NULL", "-", "." */
} CsCsvDialect;

void          cs_csv_dialect_init      (CsCsvDialect       *dialect);
void          cs_csv_dialect_clear     (CsCsvDialect       *dialect);
void          cs_csv_dialect_copy      (const CsCsvDialect *src,
                                        CsCsvDialect       *dest);
/* TRUE when the (untrimmed) field is a missing-value token of the dialect. */
gboolean      cs_csv_dialect_is_missing (const CsCsvDialect *dialect,
                                         const char         *field,
                                         gsize               length);
/* The tokens used when dialect->missing is NULL (NULL-terminated, static). */
const char * const *cs_csv_dialect_get_default_missing (void);

/* One record. Fields are NUL-terminated UTF-8 with quotes removed; they stay
 * valid until the next cs_csv_reader_next() or cs_csv_reader_free(). */
typedef struct
{
  guint64       row;            /* data record number, 1-based */
  guint64       line;           /* physical line the record starts on, 1-based */
  goffset       offset;         /* byte offset of the record's first byte in the text (the
                                 * file's bytes; the converted UTF-8 text when the dialect
                                 * names an encoding): what cs_csv_reader_read_record_at() takes */
  guint         n_fields;       /* == n_columns unless allow_ragged padded it */
  const char  **fields;
  const gsize  *lengths;        /* byte length of each field */
} CsCsvRecord;

typedef struct _CsCsvReader CsCsvReader;

/* Opens a file, reads the header and sniffs the dialect. A FIFO or other
 * non-regular file is refused with CS_CSV_ERROR_IO. The file name used in
 * messages is the basename unless cs_csv_reader_set_name() changes it. */
CsCsvReader  *cs_csv_reader_new_for_path   (const char          *path,
                                            const CsCsvDialect  *dialect,
                                            GError             **error);
/* The same, with name (not the path's basename) in every message, those
 * about the header too: for a copy standing in for a stream. */
CsCsvReader  *cs_csv_reader_new_for_path_named (const char          *path,
                                                const char          *name,
                                                const CsCsvDialect  *dialect,
                                                GError             **error);
/* Reads from a stream (name is used in messages; total_bytes may be 0 when
 * unknown and is used only for progress). */
CsCsvReader  *cs_csv_reader_new_for_stream (GInputStream        *stream,
                                            const char          *name,
                                            guint64              total_bytes,
                                            const CsCsvDialect  *dialect,
                                            GError             **error);
CsCsvReader  *cs_csv_reader_new_for_bytes  (GBytes              *bytes,
                                            const char          *name,
                                            const CsCsvDialect  *dialect,
                                            GError             **error);
void          cs_csv_reader_free           (CsCsvReader         *self);

void          cs_csv_reader_set_name       (CsCsvReader         *self,
                                            const char          *name);
const char   *cs_csv_reader_get_name       (CsCsvReader         *self);
/* The dialect in use, with the sniffed delimiter filled in. */
const CsCsvDialect *cs_csv_reader_get_dialect (CsCsvReader      *self);
/* TRUE when the file started with a UTF-8 byte-order mark. */
gboolean      cs_csv_reader_had_bom        (CsCsvReader         *self);
/* The line-end style seen first: "LF", "CRLF", "CR", or NULL before any. */
const char   *cs_csv_reader_get_line_end   (CsCsvReader         *self);

guint         cs_csv_reader_get_n_columns  (CsCsvReader         *self);
/* Column names (the header, trimmed of surrounding ASCII space and U+FEFF), or
 * "column 1", "column 2", … without a header. NULL-terminated. */
const char * const *cs_csv_reader_get_header (CsCsvReader       *self);
/* Index of a column by exact name, else by name ignoring ASCII case; -1 if
 * none (or when several names match ignoring case and none exactly). */
int           cs_csv_reader_find_column    (CsCsvReader         *self,
                                            const char          *name);

/* Reads the next record. Returns TRUE with *record filled, or FALSE at the
 * end (error unset) or on an error (error set; the reader is then done). */
gboolean      cs_csv_reader_next           (CsCsvReader         *self,
                                            CsCsvRecord         *record,
                                            GError             **error);
guint64       cs_csv_reader_get_bytes_read (CsCsvReader         *self);

/* Reading records again, by their offset. Call cs_csv_reader_keep_records()
 * before the first cs_csv_reader_next(); then any record the reader returned
 * (or returns later) can be parsed again, with the same dialect, from its
 * CsCsvRecord.offset, as often as needed, in any order, before or after the
 * end. The text is read again from where it is: a file from disk (small
 * positional reads; a file that changed since it was opened, by its size or
 * modification time, is an error naming it, checked before each read), bytes
 * in place; a stream, or
 * text converted from another encoding, is copied while it is read into a
 * temporary file that is deleted at once (it holds the converted text). Memory
 * stays bounded by the longest record. */
gboolean      cs_csv_reader_keep_records   (CsCsvReader         *self,
                                            GError             **error);
/* Parses the record that starts at offset (a CsCsvRecord.offset of this
 * reader), numbering it row (>= 1) and line as given. Its fields stay valid
 * until the next cs_csv_reader_read_record_at() or cs_csv_reader_free(); it
 * does not disturb cs_csv_reader_next(). FALSE with error set when the
 * record cannot be read (the file changed, or no record starts there). */
gboolean      cs_csv_reader_read_record_at (CsCsvReader         *self,
                                            goffset              offset,
                                            guint64              row,
                                            guint64              line,
                                            CsCsvRecord         *record,
                                            GError             **error);
/* After cs_csv_reader_keep_records(): FALSE, error set, when the file read
 * again changed since it was opened. Every read from it checks this; a run
 * that used records still in memory asks once more at its end. */
gboolean      cs_csv_reader_check_unchanged (CsCsvReader        *self,
                                             GError            **error);
guint64       cs_csv_reader_get_total_bytes (CsCsvReader        *self);

/* Sets error with the reader's "name: row R (line L), column C "name": "
 * prefix in front of the formatted message (column -1: no column part). */
void          cs_csv_reader_set_cell_error (CsCsvReader         *self,
                                            const CsCsvRecord   *record,
                                            int                  column,
                                            GError             **error,
                                            GQuark               domain,
                                            int                  code,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (7, 8);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCsvReader, cs_csv_reader_free)

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* Parses a number: optional sign, digits, one decimal separator ('.' or,
 * with decimal_comma, ','), optional exponent; surrounding ASCII space is
 * allowed; nothing else (no thousands separators, no "inf"/"nan"). A value
 * beyond the double range is refused (FALSE), one that underflows becomes the
 * correctly rounded value (a subnormal, or a signed 0 when it is below half
 * the smallest subnormal). Results are correctly rounded, as strtod's. */
gboolean      cs_csv_parse_double          (const char          *text,
                                            gboolean             decimal_comma,
                                            double              *out);
gboolean      cs_csv_parse_int64           (const char          *text,
                                            gint64              *out);
/* Dates: ISO 8601 "YYYY", "YYYY-MM", "YYYY-MM-DD" and, when format is
 * given, a strptime-like pattern of %Y %m %d %y and literal characters (e.g.
 * "%d.%m.%Y", "%m/%d/%Y"). On success writes the FHIR date (YYYY, YYYY-MM or
 * YYYY-MM-DD) into out (at least 11 bytes). Checks the calendar (no 2023-02-30). */
gboolean      cs_csv_parse_date            (const char          *text,
                                            const char          *format,
                                            char                 out[11]);
/* Checks a date format for cs_csv_parse_date (a year, a day only with a
 * month, known directives); error in CS_CSV_ERROR_DIALECT names the problem. */
gboolean      cs_csv_date_format_check     (const char          *format,
                                            GError             **error);

/* ------------------------------------------------------------------ */
/* Column profiles: detected type, missing count, distinct values       */

typedef enum
{
  CS_CSV_TYPE_EMPTY,        /* every value missing */
  CS_CSV_TYPE_INTEGER,
  CS_CSV_TYPE_DECIMAL,
  CS_CSV_TYPE_DATE,
  CS_CSV_TYPE_CATEGORICAL,  /* text with few distinct values (<= 50 and <= half the values) */
  CS_CSV_TYPE_TEXT,
} CsCsvType;

const char   *cs_csv_type_to_string        (CsCsvType            type);   /* "integer", … */

typedef struct
{
  char         *name;
  CsCsvType     type;
  guint64       n_values;       /* non-missing */
  guint64       n_missing;
  guint         n_distinct;     /* exact up to CS_CSV_PROFILE_MAX_DISTINCT, then that number */
  gboolean      distinct_capped;
  GPtrArray    *values;         /* char*, distinct non-missing values, in first-seen order (capped) */
  GArray       *counts;         /* guint64 per entry of values */
  double        min, max;       /* for integer and decimal columns; NAN otherwise */
} CsCsvColumnProfile;

#define CS_CSV_PROFILE_MAX_DISTINCT 10000u

typedef struct _CsCsvProfile CsCsvProfile;

CsCsvProfile *cs_csv_profile_new           (CsCsvReader         *reader);
void          cs_csv_profile_add           (CsCsvProfile        *self,
                                            const CsCsvRecord   *record);
/* Decides the types; call once after the last record. */
void          cs_csv_profile_finish        (CsCsvProfile        *self);
guint         cs_csv_profile_get_n_columns (CsCsvProfile        *self);
guint64       cs_csv_profile_get_n_rows    (CsCsvProfile        *self);
const CsCsvColumnProfile *cs_csv_profile_get_column (CsCsvProfile *self,
                                                     guint         column);
void          cs_csv_profile_free          (CsCsvProfile        *self);

/* Reads a whole file and profiles it (convenience for the CLI and tests).
 * progress may be NULL; cancellable is checked between records. */
typedef void (*CsCsvProgressFunc) (guint64 bytes_done, guint64 bytes_total, gpointer user_data);
CsCsvProfile *cs_csv_profile_path          (const char          *path,
                                            const CsCsvDialect  *dialect,
                                            CsCsvProgressFunc    progress,
                                            gpointer             progress_data,
                                            GCancellable        *cancellable,
                                            GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCsvProfile, cs_csv_profile_free)

/* ------------------------------------------------------------------ */
/* Writing                                                             */

/* Appends one CSV field to out, quoted per RFC 4180 when it holds the
 * delimiter, a quote, CR or LF (or leading/trailing space or tab, or starts
 * with U+FEFF, which would read as a byte-order mark at the start of a file). */
void          cs_csv_append_field          (GString             *out,
                                            const char          *field,
                                            char                 delimiter);

G_END_DECLS
