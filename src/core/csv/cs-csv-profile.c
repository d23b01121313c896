/* cs-csv-profile.c: per-column type sniffing, missing counts, distinct values
 *
 * Every non-missing value is tried as an integer, a decimal and an ISO date
 * (only while the column still could be one); distinct values are counted in
 * a hash table up to CS_CSV_PROFILE_MAX_DISTINCT per column. A profile's
 * memory is bounded by the columns times that cap, not by the rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-csv.h"
#include "cs-csv-private.h"

#define CATEGORICAL_MAX_DISTINCT 50
#define PROGRESS_BYTES           (1024 * 1024)

typedef struct
{
  CsCsvColumnProfile  pub;
  GHashTable         *index;        /* value (in strings) -> position in pub.values + 1 */
  gboolean            maybe_integer;
  gboolean            maybe_decimal;
  gboolean            maybe_date;
} Column;

struct _CsCsvProfile
{
  CsCsvDialect   dialect;
  guint          n_columns;
  Column        *columns;
  guint64        n_rows;
  GStringChunk  *strings;
  gboolean       finished;
};

CsCsvProfile *
cs_csv_profile_new (CsCsvReader *reader)
{
  CsCsvProfile *self;
  const char * const *header;

  g_return_val_if_fail (reader != NULL, NULL);

  self = g_new0 (CsCsvProfile, 1);
  cs_csv_dialect_copy (cs_csv_reader_get_dialect (reader), &self->dialect);
  self->n_columns = cs_csv_reader_get_n_columns (reader);
  self->columns = g_new0 (Column, self->n_columns);
  self->strings = g_string_chunk_new (64 * 1024);
  header = cs_csv_reader_get_header (reader);
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];

      c->pub.name = g_strdup (header[i]);
      c->pub.type = CS_CSV_TYPE_EMPTY;
      c->pub.values = g_ptr_array_new ();
      c->pub.counts = g_array_new (FALSE, FALSE, sizeof (guint64));
      c->pub.min = NAN;
      c->pub.max = NAN;
      c->index = g_hash_table_new (g_str_hash, g_str_equal);
      c->maybe_integer = TRUE;
      c->maybe_decimal = TRUE;
      c->maybe_date = TRUE;
    }
  return self;
}

void
cs_csv_profile_free (CsCsvProfile *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];

      g_free (c->pub.name);
      g_ptr_array_unref (c->pub.values);
      g_array_unref (c->pub.counts);
      g_hash_table_unref (c->index);
    }
  g_free (self->columns);
  g_string_chunk_free (self->strings);
  cs_csv_dialect_clear (&self->dialect);
  g_free (self);
}

static void
add_number (Column *c,
            double  value)
{
  if (isnan (c->pub.min) || value < c->pub.min)
    c->pub.min = value;
  if (isnan (c->pub.max) || value > c->pub.max)
    c->pub.max = value;
}

static void
add_value (CsCsvProfile *self,
           Column       *c,
           const char   *field,
           gsize         length)
{
  gpointer position;

  c->pub.n_values++;

  if (c->maybe_integer || c->maybe_decimal)
    {
      gint64 integer;
      double number;

      if (c->maybe_integer && cs_csv_parse_int64 (field, &integer))
        add_number (c, (double) integer);
      else
        {
          c->maybe_integer = FALSE;
          if (c->maybe_decimal && cs_csv_parse_double (field, self->dialect.decimal_comma, &number))
            add_number (c, number);
          else
            c->maybe_decimal = FALSE;
        }
    }
  if (c->maybe_date)
    {
      char date[11];

      /* a bare year is an integer, not a date */
      if (memchr (field, '-', length) == NULL || !cs_csv_parse_date (field, NULL, date))
        c->maybe_date = FALSE;
    }

  if (g_hash_table_lookup_extended (c->index, field, NULL, &position))
    {
      g_array_index (c->pub.counts, guint64, GPOINTER_TO_UINT (position) - 1)++;
      return;
    }
  if (c->pub.values->len >= CS_CSV_PROFILE_MAX_DISTINCT)
    {
      c->pub.distinct_capped = TRUE;
      return;
    }
  {
    char *copy = g_string_chunk_insert_len (self->strings, field, (gssize) length);
    guint64 one = 1;

    g_ptr_array_add (c->pub.values, copy);
    g_array_append_val (c->pub.counts, one);
    g_hash_table_insert (c->index, copy, GUINT_TO_POINTER (c->pub.values->len));
    c->pub.n_distinct = c->pub.values->len;
  }
}

void
cs_csv_profile_add (CsCsvProfile      *self,
                    const CsCsvRecord *record)
{
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (record != NULL);
  g_return_if_fail (!self->finished);

  self->n_rows++;
  n = MIN (record->n_fields, self->n_columns);
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];
      const char *field = i < n ? record->fields[i] : "";
      gsize length = i < n ? record->lengths[i] : 0;

      if (cs_csv_dialect_is_missing (&self->dialect, field, length))
        c->pub.n_missing++;
      else
        add_value (self, c, field, length);
    }
}

void
cs_csv_profile_finish (CsCsvProfile *self)
{
  g_return_if_fail (self != NULL);

  if (self->finished)
    return;
  self->finished = TRUE;
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];
      CsCsvColumnProfile *p = &c->pub;

      if (p->n_values == 0)
        p->type = CS_CSV_TYPE_EMPTY;
      else if (c->maybe_integer)
        p->type = CS_CSV_TYPE_INTEGER;
      else if (c->maybe_decimal)
        p->type = CS_CSV_TYPE_DECIMAL;
      else if (c->maybe_date)
        p->type = CS_CSV_TYPE_DATE;
      else if (!p->distinct_capped && p->n_distinct <= CATEGORICAL_MAX_DISTINCT &&
               (guint64) p->n_distinct * 2 <= p->n_values)
        p->type = CS_CSV_TYPE_CATEGORICAL;
      else
        p->type = CS_CSV_TYPE_TEXT;
      if (p->type != CS_CSV_TYPE_INTEGER && p->type != CS_CSV_TYPE_DECIMAL)
        p->min = p->max = NAN;
    }
}

guint
cs_csv_profile_get_n_columns (CsCsvProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns;
}

guint64
cs_csv_profile_get_n_rows (CsCsvProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

const CsCsvColumnProfile *
cs_csv_profile_get_column (CsCsvProfile *self,
                           guint         column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);

  return &self->columns[column].pub;
}

CsCsvProfile *
cs_csv_profile_path (const char          *path,
                     const CsCsvDialect  *dialect,
                     CsCsvProgressFunc    progress,
                     gpointer             progress_data,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(CsCsvProfile) self = NULL;
  g_autoptr(GError) local_error = NULL;
  CsCsvRecord record;
  guint64 total, last_report = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  reader = cs_csv_reader_new_for_path (path, dialect, error);
  if (reader == NULL)
    return NULL;
  total = cs_csv_reader_get_total_bytes (reader);
  self = cs_csv_profile_new (reader);
  if (progress != NULL)
    progress (0, total, progress_data);

  while (TRUE)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!cs_csv_reader_next (reader, &record, &local_error))
        break;
      cs_csv_profile_add (self, &record);
      if (progress != NULL)
        {
          guint64 done = cs_csv_reader_get_bytes_read (reader);

          if (done - last_report >= PROGRESS_BYTES)
            {
              progress (done, total, progress_data);
              last_report = done;
            }
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  cs_csv_profile_finish (self);
  if (progress != NULL)
    progress (cs_csv_reader_get_bytes_read (reader), total, progress_data);
  return g_steal_pointer (&self);
}
