/* cs-mapping-run.c: running a program over its inputs
 *
 * Tables that other tables look rows up in ("indexed": the targets of join
 * paths the program uses) are read into memory first and their rows
 * evaluated until it is known which resources each row makes (a row may be
 * rejected because a row it refers to is). Then every input is mapped in
 * the mapping's order: indexed ones from memory, the others streamed one
 * record at a time, so memory does not grow with their rows (except for
 * the 64-bit fingerprints of their keys, kept to find duplicates).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "cs-mapping-runtime.h"

#define MAX_PREPARE_ROUNDS 64

/* ------------------------------------------------------------------ */
/* Tables in memory                                                    */

static void
map_table_free (MapTable *table,
                guint     n_joins)
{
  if (table == NULL)
    return;
  for (guint i = 0; i < table->rows->len; i++)
    g_free (table->rows->pdata[i]);
  g_ptr_array_unref (table->rows);
  g_string_chunk_free (table->chunk);
  g_clear_pointer (&table->by_key, g_hash_table_unref);
  for (guint j = 0; j < n_joins; j++)
    g_clear_pointer (&table->by_join[j], g_hash_table_unref);
  g_free (table->by_join);
  g_free (table->produced);
  g_free (table->rejected);
  g_free (table);
}

static MapRow *
copy_row (GStringChunk      *chunk,
          const CsCsvRecord *record)
{
  /* one block: the row, its field pointers, then their lengths */
  MapRow *row = g_malloc0 (sizeof (MapRow) + record->n_fields * (sizeof (char *) + sizeof (gsize)));
  const char **fields = (const char **) (gpointer) (row + 1);
  gsize *lengths = (gsize *) (gpointer) (fields + record->n_fields);

  for (guint i = 0; i < record->n_fields; i++)
    {
      fields[i] = g_string_chunk_insert_len (chunk, record->fields[i], record->lengths[i]);
      lengths[i] = record->lengths[i];
    }
  row->row = record->row;
  row->line = record->line;
  row->n_fields = record->n_fields;
  row->fields = fields;
  row->lengths = lengths;
  return row;
}

/* The columns of input that its join j names. */
static guint *
join_columns (CsMappingRun *run,
              guint         input,
              guint         j,
              guint        *n_out)
{
  MapJoin *join = map_get_input (run->mapping, input)->joins->pdata[j];
  CInput *in = &run->program->inputs[input];
  guint *cols = g_new0 (guint, join->from->len);

  for (guint k = 0; k < join->from->len; k++)
    for (guint c = 0; c < in->n_columns; c++)
      if (g_ascii_strcasecmp (in->header[c], join->from->pdata[k]) == 0)
        {
          cols[k] = c;
          if (g_str_equal (in->header[c], join->from->pdata[k]))
            break;
        }
  *n_out = join->from->len;
  return cols;
}

GPtrArray *
map_run_lookup (CsMappingRun *run,
                int           lookup,
                const MapRow *row)
{
  LookupResult *result = &run->rs.lookups[lookup];
  CLookup *l = run->program->lookups->pdata[lookup];
  g_autoptr(GPtrArray) current = NULL;

  if (result->done && row == run->rs.row)
    return result->rows;
  current = g_ptr_array_new ();

  g_ptr_array_set_size (result->rows, 0);
  result->done = row == run->rs.row;
  g_ptr_array_add (current, (gpointer) row);

  for (guint s = 0; s < l->steps->len; s++)
    {
      CStep *step = &g_array_index (l->steps, CStep, s);
      MapTable *table = run->tables[step->to];
      g_autoptr(GPtrArray) next = g_ptr_array_new ();

      for (guint r = 0; r < current->len; r++)
        {
          g_autofree char *key = map_row_values_text (current->pdata[r], step->cols, step->n_cols);

          if (key == NULL || table == NULL)
            continue;
          if (step->forward)
            {
              guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (table->by_key, key));

              if (idx > 0)
                g_ptr_array_add (next, table->rows->pdata[idx - 1]);
            }
          else
            {
              GArray *rows = table->by_join[step->join] != NULL
                               ? g_hash_table_lookup (table->by_join[step->join], key) : NULL;

              for (guint k = 0; rows != NULL && k < rows->len; k++)
                g_ptr_array_add (next, table->rows->pdata[g_array_index (rows, guint, k)]);
            }
        }
      g_ptr_array_set_size (current, 0);
      g_ptr_array_extend_and_steal (current, g_steal_pointer (&next));
    }

  g_ptr_array_extend (result->rows, current, NULL, NULL);
  return result->rows;
}

gboolean
map_run_row_produces (CsMappingRun *run,
                      guint         input,
                      const MapRow *row,
                      guint         slot)
{
  MapTable *table = run->tables[input];

  if (table == NULL || row->index == G_MAXUINT)
    return TRUE;
  if (table->rejected[row->index])
    return FALSE;
  return (table->produced[row->index * table->bytes_per_row + slot / 8] >> (slot % 8)) & 1;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

CsMappingRun *
cs_mapping_run_new (CsMappingProgram  *program,
                    CsMappingRunFlags  flags)
{
  CsMappingRun *run = g_new0 (CsMappingRun, 1);

  run->program = cs_mapping_program_ref (program);
  run->mapping = program->mapping;
  run->flags = flags;
  run->readers = g_new0 (CsCsvReader *, program->n_inputs);
  run->tables = g_new0 (MapTable *, program->n_inputs);
  run->caches = g_new0 (CellCache, program->n_inputs);
  for (guint i = 0; i < program->n_inputs; i++)
    {
      run->caches[i].n_columns = program->inputs[i].n_columns;
      run->caches[i].entries = g_new0 (CellEntry, MAX (program->inputs[i].n_columns, 1));
      run->caches[i].gen = 1;
      run->caches[i].scratch = g_string_new (NULL);
    }
  map_row_state_init (run, &run->rs);
  run->shared_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->validated = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  run->type_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->template_counts = g_new0 (guint64, MAX (program->templates->len, 1));
  return run;
}

void
cs_mapping_run_free (CsMappingRun *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->program->n_inputs; i++)
    {
      g_clear_pointer (&self->readers[i], cs_csv_reader_free);
      map_table_free (self->tables[i], map_get_input (self->mapping, i)->joins->len);
      g_free (self->caches[i].entries);
      g_string_free (self->caches[i].scratch, TRUE);
    }
  g_free (self->readers);
  g_free (self->tables);
  g_free (self->caches);
  map_row_state_clear (&self->rs);
  g_hash_table_unref (self->shared_ids);
  g_hash_table_unref (self->validated);
  g_hash_table_unref (self->type_counts);
  g_free (self->template_counts);
  cs_mapping_program_unref (self->program);
  g_free (self);
}

void
cs_mapping_run_set_limit (CsMappingRun *self,
                          guint64       limit)
{
  self->limit = limit;
}

gboolean
cs_mapping_run_add_input (CsMappingRun  *self,
                          const char    *role,
                          CsCsvReader   *reader,
                          GError       **error)
{
  int input = cs_mapping_find_input (self->mapping, role);
  const char * const *header = cs_csv_reader_get_header (reader);
  CInput *in;

  if (input < 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("the mapping has no input “%s”"), role);
      cs_csv_reader_free (reader);
      return FALSE;
    }
  in = &self->program->inputs[input];
  if (in->absent)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT,
                   _("the mapping was prepared without a table for the input “%s”"), role);
      cs_csv_reader_free (reader);
      return FALSE;
    }
  if (g_strv_length ((char **) header) != in->n_columns ||
      !g_strv_equal ((const char * const *) in->header, header))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT,
                   _("%s: the columns differ from those the mapping was prepared for"),
                   cs_csv_reader_get_name (reader));
      cs_csv_reader_free (reader);
      return FALSE;
    }
  g_clear_pointer (&self->readers[input], cs_csv_reader_free);
  self->readers[input] = reader;
  return TRUE;
}

static void
report_progress (CsMappingRun *run,
                 gboolean      force)
{
  gint64 now;
  guint64 done = 0, total = 0;

  if (run->sink == NULL || run->sink->progress == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - run->last_progress < G_USEC_PER_SEC / 10)
    return;
  run->last_progress = now;
  for (guint i = 0; i < run->program->n_inputs; i++)
    if (run->readers[i] != NULL)
      {
        done += cs_csv_reader_get_bytes_read (run->readers[i]);
        total += cs_csv_reader_get_total_bytes (run->readers[i]);
      }
  run->progress.bytes_done = done;
  run->progress.bytes_total = total;
  run->progress.resources = run->stats.resources;
  run->progress.rows_rejected = run->stats.rows_rejected;
  run->sink->progress (&run->progress, run->sink_data);
}

static void
problem_to_sink (CsMappingRun     *run,
                 const MapProblem *p)
{
  CsMappingProblem out = { 0 };
  CInput *in = &run->program->inputs[p->input];

  if (p->severity == CS_MAPPING_SEVERITY_ERROR)
    run->stats.errors++;
  else
    run->stats.warnings++;
  if (run->sink == NULL || run->sink->problem == NULL)
    return;

  out.severity = p->severity;
  out.input = map_get_input (run->mapping, p->input)->role;
  out.file = in->name;
  out.row = p->row;
  out.line = p->line;
  out.column = p->column >= 0 && (guint) p->column < in->n_columns ? in->header[p->column] : NULL;
  out.value = p->value;
  out.resource = p->resource;
  out.element = p->element;
  out.message = p->message;
  run->sink->problem (&out, run->sink_data);
}

static void
run_problem (CsMappingRun      *run,
             CsMappingSeverity  severity,
             guint              input,
             const MapRow      *row,
             int                column,
             const char        *message)
{
  MapProblem p = { 0 };

  p.severity = severity;
  p.input = input;
  p.row = row != NULL ? row->row : 0;
  p.line = row != NULL ? row->line : 0;
  p.column = column;
  if (row != NULL && column >= 0 && (guint) column < row->n_fields)
    p.value = g_strndup (row->fields[column], row->lengths[column]);
  p.message = (char *) message;
  problem_to_sink (run, &p);
  g_free (p.value);
}

/* Sends the evaluated row (run->rs) to the sink. FALSE when the sink failed. */
static gboolean
emit_row (CsMappingRun  *run,
          gboolean       count,
          GError       **error)
{
  RowState *rs = &run->rs;
  g_autoptr(GArray) elements = NULL;

  for (guint i = 0; i < rs->problems->len; i++)
    problem_to_sink (run, &g_array_index (rs->problems, MapProblem, i));
  if (count)
    run->stats.rows++;
  if (rs->has_error)
    {
      if (count)
        run->stats.rows_rejected++;
      return TRUE;
    }

  if (run->flags & CS_MAPPING_RUN_TRACE)
    elements = g_array_new (FALSE, FALSE, sizeof (CsMappingElement));

  for (guint i = 0; i < rs->resources->len; i++)
    {
      RowResource *res = &g_array_index (rs->resources, RowResource, i);
      CsMappingResource out = { 0 };
      const char *type = res->tmpl->def->resource_type;

      /* a resource with its own key may come from many rows: write it once */
      if (res->tmpl->key_cols != NULL)
        {
          g_autofree char *key = g_strconcat (type, "/", res->id, NULL);
          g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                              (const guchar *) rs->out->str + res->offset,
                                                              res->length);
          const char *seen = g_hash_table_lookup (run->shared_ids, key);

          if (seen != NULL && g_str_equal (seen, sum))
            continue;
          if (seen != NULL)
            {
              g_autofree char *msg = g_strdup_printf (_("%s: the resource %s was made before from another row with "
                                                        "other content; its “key” columns must identify it"),
                                                      res->tmpl->def->name, key);

              run_problem (run, CS_MAPPING_SEVERITY_WARNING, rs->input, rs->row, -1, msg);
              continue;
            }
          g_hash_table_insert (run->shared_ids, g_steal_pointer (&key), g_steal_pointer (&sum));
        }

      out.template_name = res->tmpl->def->name;
      out.resource_type = type;
      out.id = res->id;
      out.json = rs->out->str + res->offset;
      out.length = res->length;
      out.input = rs->input;
      out.row = rs->row->row;
      out.line = rs->row->line;
      out.column = res->feature >= 0 ? res->tmpl->features[res->feature].attrs[FEATURE_COLUMN] : NULL;
      if (elements != NULL)
        {
          g_array_set_size (elements, 0);
          for (guint k = res->elem_start; k < res->elem_end; k++)
            {
              TraceElem *t = &g_array_index (rs->elems, TraceElem, k);
              CsMappingElement el;

              el.path = rs->paths->str + t->path_offset;
              el.n_cells = t->n_cells;
              el.cells = &g_array_index (rs->cells, CsMappingCell, t->cell_start);
              g_array_append_val (elements, el);
            }
          out.n_elements = elements->len;
          out.elements = (const CsMappingElement *) (gpointer) elements->data;
        }

      if (run->sink != NULL && run->sink->resource != NULL &&
          !run->sink->resource (&out, run->sink_data, error))
        return FALSE;
      if (count)
        {
          run->stats.resources++;
          run->template_counts[res->tmpl->index]++;
        }
    }
  return TRUE;
}

static void
row_from_record (MapRow            *row,
                 const CsCsvRecord *record)
{
  row->row = record->row;
  row->line = record->line;
  row->index = G_MAXUINT;
  row->n_fields = record->n_fields;
  row->fields = record->fields;
  row->lengths = record->lengths;
}

static char *
describe_key (CsMappingProgram *program,
              guint             input,
              const char       *key)
{
  CInput *in = &program->inputs[input];
  g_auto(GStrv) values = g_strsplit (key, "\x1f", -1);
  GString *text = g_string_new (NULL);

  for (guint k = 0; k < in->key_columns->len && values[k] != NULL; k++)
    {
      if (k > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s = “%s”", in->header[g_array_index (in->key_columns, guint, k)], values[k]);
    }
  return g_string_free (text, FALSE);
}

/* Reads an indexed input into memory and indexes it by key and by the
 * joins other inputs look it up through. */
static gboolean
load_table (CsMappingRun  *run,
            guint          input,
            GCancellable  *cancellable,
            GError       **error)
{
  CInput *in = &run->program->inputs[input];
  MapInputDef *def = map_get_input (run->mapping, input);
  CsCsvReader *reader = run->readers[input];
  MapTable *table;
  CsCsvRecord record;
  g_autoptr(GError) local = NULL;

  if (reader == NULL)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("no table is given for the input “%s”"),
                   def->role);
      return FALSE;
    }

  table = g_new0 (MapTable, 1);
  run->tables[input] = table;
  table->rows = g_ptr_array_new ();
  table->chunk = g_string_chunk_new (1 << 16);
  table->by_key = g_hash_table_new (g_str_hash, g_str_equal);   /* keys in chunk */
  table->by_join = g_new0 (GHashTable *, MAX (def->joins->len, 1));
  table->bytes_per_row = MAX ((in->n_slots + 7) / 8, 1);

  while (cs_csv_reader_next (reader, &record, &local))
    {
      MapRow *row = copy_row (table->chunk, &record);

      row->index = table->rows->len;
      g_ptr_array_add (table->rows, row);
      if (row->index % 256 == 0)
        {
          run->progress.preparing = TRUE;
          run->progress.input = input;
          run->progress.rows_done = row->index;
          report_progress (run, FALSE);
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  table->produced = g_malloc (table->rows->len * table->bytes_per_row + 1);
  memset (table->produced, 0xff, table->rows->len * table->bytes_per_row);
  table->rejected = g_new0 (guint8, table->rows->len + 1);

  for (guint r = 0; r < table->rows->len; r++)
    {
      MapRow *row = table->rows->pdata[r];
      g_autofree char *key = map_row_key (run->program, input, row);

      if (key == NULL)
        {
          table->rejected[r] = in->key_columns->len > 0;
          continue;
        }
      if (g_hash_table_contains (table->by_key, key))
        {
          table->rejected[r] = 1;   /* a duplicate: reported when the rows are mapped */
          continue;
        }
      g_hash_table_insert (table->by_key, g_string_chunk_insert (table->chunk, key), GUINT_TO_POINTER (r + 1));
    }

  for (guint k = 0; k < in->reverse_joins->len; k++)
    {
      guint j = g_array_index (in->reverse_joins, guint, k);
      guint n_cols;
      g_autofree guint *cols = join_columns (run, input, j, &n_cols);
      GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);

      table->by_join[j] = index;
      for (guint r = 0; r < table->rows->len; r++)
        {
          char *key;
          GArray *rows;

          if (table->rejected[r] || (key = map_row_values_text (table->rows->pdata[r], cols, n_cols)) == NULL)
            continue;
          if (!(rows = g_hash_table_lookup (index, key)))
            {
              rows = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (index, key, rows);
            }
          else
            g_free (key);
          g_array_append_val (rows, r);
        }
    }
  return TRUE;
}

gboolean
cs_mapping_run_prepare (CsMappingRun        *self,
                        const CsMappingSink *sink,
                        gpointer             user_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  CsMappingProgram *p = self->program;
  gboolean changed = TRUE;

  if (self->prepared)
    return TRUE;
  self->sink = sink;
  self->sink_data = user_data;

  for (guint i = 0; i < p->n_inputs; i++)
    if (p->inputs[i].indexed && !load_table (self, i, cancellable, error))
      return FALSE;

  /* Which rows make which resources: start from "everything is made" and
   * evaluate until nothing changes (a rejected row can reject the rows
   * that refer to it; it only ever goes one way, so this ends). */
  for (guint round = 0; changed && round < MAX_PREPARE_ROUNDS; round++)
    {
      changed = FALSE;
      for (guint i = 0; i < p->n_inputs; i++)
        {
          MapTable *table = self->tables[i];
          CInput *in = &p->inputs[i];
          g_autofree guint8 *bits = NULL;

          if (table == NULL)
            continue;
          bits = g_new0 (guint8, table->bytes_per_row);
          for (guint r = 0; r < table->rows->len; r++)
            {
              MapRow *row = table->rows->pdata[r];
              guint8 *stored = table->produced + r * table->bytes_per_row;

              if (table->rejected[r])
                continue;
              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return FALSE;
              map_eval_row (self, i, row);
              if (self->rs.has_error)
                {
                  table->rejected[r] = 1;
                  changed = TRUE;
                  continue;
                }
              memset (bits, 0, table->bytes_per_row);
              for (guint s = 0; s < in->n_slots; s++)
                if (self->rs.produced[s] == MADE_YES)
                  bits[s / 8] |= 1 << (s % 8);
              if (memcmp (bits, stored, table->bytes_per_row) != 0)
                {
                  memcpy (stored, bits, table->bytes_per_row);
                  changed = TRUE;
                }
            }
        }
    }

  self->prepared = TRUE;
  return TRUE;
}

gboolean
cs_mapping_run_row (CsMappingRun        *self,
                    guint                input,
                    const CsCsvRecord   *record,
                    const CsMappingSink *sink,
                    gpointer             user_data,
                    GError             **error)
{
  MapRow row;

  g_return_val_if_fail (input < self->program->n_inputs, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  row_from_record (&row, record);
  self->sink = sink;
  self->sink_data = user_data;
  map_eval_row (self, input, &row);
  return emit_row (self, FALSE, error);
}

/* A 64-bit fingerprint of a key (FNV-1a, then a final mix). */
static guint64
key_fingerprint (const char *key)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) key; *p != '\0'; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

/* The fingerprints of a streamed table's keys, each with the row it came
 * from: an open-addressing set of 16-byte slots (linear probing, at most
 * three quarters full), no allocation per row. Fingerprint 0 marks an
 * empty slot, so a key whose fingerprint is 0 is stored as 1. */
typedef struct
{
  guint64 fp;
  guint64 row;
} KeySlot;

typedef struct
{
  KeySlot *slots;
  gsize    mask;     /* capacity - 1; the capacity is a power of two */
  gsize    count;
} KeySet;

#define KEY_SET_MIN 1024

static KeySlot *
key_set_slot (KeySlot *slots,
              gsize    mask,
              guint64  fp)
{
  gsize i = (gsize) fp & mask;

  while (slots[i].fp != 0 && slots[i].fp != fp)
    i = (i + 1) & mask;
  return &slots[i];
}

/* The row that first had this fingerprint, or 0 after recording row. */
static guint64
key_set_add (KeySet  *set,
             guint64  fp,
             guint64  row)
{
  KeySlot *slot;

  if (fp == 0)
    fp = 1;
  if (set->slots == NULL || (set->count + 1) * 4 > (set->mask + 1) * 3)
    {
      gsize capacity = set->slots == NULL ? KEY_SET_MIN : (set->mask + 1) * 2;
      KeySlot *slots = g_new0 (KeySlot, capacity);

      for (gsize i = 0; set->slots != NULL && i <= set->mask; i++)
        if (set->slots[i].fp != 0)
          *key_set_slot (slots, capacity - 1, set->slots[i].fp) = set->slots[i];
      g_free (set->slots);
      set->slots = slots;
      set->mask = capacity - 1;
    }
  slot = key_set_slot (set->slots, set->mask, fp);
  if (slot->fp != 0)
    return slot->row;
  slot->fp = fp;
  slot->row = row;
  set->count++;
  return 0;
}

static void
key_set_clear (KeySet *set)
{
  g_clear_pointer (&set->slots, g_free);
  set->mask = 0;
  set->count = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeySet, key_set_clear)

static gboolean
run_input (CsMappingRun  *run,
           guint          input,
           GCancellable  *cancellable,
           GError       **error)
{
  CInput *in = &run->program->inputs[input];
  MapInputDef *def = map_get_input (run->mapping, input);
  MapTable *table = run->tables[input];
  g_auto(KeySet) seen = { NULL, 0, 0 };   /* streamed: key fingerprint → first row */
  g_autoptr(GError) local = NULL;
  guint64 n_rows = 0;

  run->progress.preparing = FALSE;
  run->progress.input = input;
  run->progress.rows_done = 0;
  if (in->absent)
    return TRUE;

  if (table == NULL && run->readers[input] == NULL)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("no table is given for the input “%s”"),
                   def->role);
      return FALSE;
    }
  for (;;)
    {
      CsCsvRecord record;
      MapRow streamed;
      const MapRow *row;
      g_autofree char *key = NULL;
      guint64 first = 0;

      if (run->limit > 0 && n_rows >= run->limit)
        break;
      if (table != NULL)
        {
          if (n_rows >= table->rows->len)
            break;
          row = table->rows->pdata[n_rows];
        }
      else
        {
          if (!cs_csv_reader_next (run->readers[input], &record, &local))
            break;
          row_from_record (&streamed, &record);
          row = &streamed;
        }
      n_rows++;

      /* duplicate keys: the first row wins */
      if (in->key_columns->len > 0 && (key = map_row_key (run->program, input, row)) != NULL)
        {
          if (table != NULL)
            {
              guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (table->by_key, key));

              if (idx - 1 != row->index)
                first = ((MapRow *) table->rows->pdata[idx - 1])->row;
            }
          else
            first = key_set_add (&seen, key_fingerprint (key), row->row);
        }
      if (first > 0)
        {
          g_autofree char *described = describe_key (run->program, input, key);
          g_autofree char *msg = g_strdup_printf (_("duplicate key %s (first in row %" PRIu64 "): "
                                                    "this row is rejected"), described, first);

          run_problem (run, CS_MAPPING_SEVERITY_ERROR, input, row, g_array_index (in->key_columns, guint, 0), msg);
          run->stats.rows++;
          run->stats.rows_rejected++;
          continue;
        }

      map_eval_row (run, input, row);
      if (!emit_row (run, TRUE, error))
        return FALSE;

      run->progress.rows_done = n_rows;
      if ((n_rows & 63) == 0)
        {
          report_progress (run, FALSE);
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
        }
    }

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (n_rows == 0)
    {
      g_autofree char *msg = g_strdup_printf (_("%s has no data rows"), in->name);

      run_problem (run, CS_MAPPING_SEVERITY_WARNING, input, NULL, -1, msg);
    }
  return TRUE;
}

gboolean
cs_mapping_run_all (CsMappingRun        *self,
                    const CsMappingSink *sink,
                    gpointer             user_data,
                    GCancellable        *cancellable,
                    GError             **error)
{
  gboolean ok = TRUE;

  self->sink = sink;
  self->sink_data = user_data;

  if (!cs_mapping_run_prepare (self, sink, user_data, cancellable, error))
    ok = FALSE;
  for (guint i = 0; ok && i < self->program->n_inputs; i++)
    ok = run_input (self, i, cancellable, error);

  report_progress (self, TRUE);
  return ok;
}

void
cs_mapping_run_get_stats (CsMappingRun   *self,
                          CsMappingStats *stats)
{
  *stats = self->stats;
}

GHashTable *
cs_mapping_run_get_type_counts (CsMappingRun *self)
{
  g_hash_table_remove_all (self->type_counts);
  for (guint i = 0; i < self->program->templates->len; i++)
    {
      CTemplate *tmpl = self->program->templates->pdata[i];
      guint64 *n;

      if (self->template_counts[i] == 0)
        continue;
      if (!(n = g_hash_table_lookup (self->type_counts, tmpl->def->resource_type)))
        {
          n = g_new0 (guint64, 1);
          g_hash_table_insert (self->type_counts, g_strdup (tmpl->def->resource_type), n);
        }
      *n += self->template_counts[i];
    }
  return self->type_counts;
}

/* ------------------------------------------------------------------ */
/* In a thread                                                         */

typedef struct
{
  CsMappingRun        *run;
  const CsMappingSink *sink;
  gpointer             user_data;
} RunAllData;

static void
run_all_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RunAllData *data = task_data;
  GError *error = NULL;

  if (cs_mapping_run_all (data->run, data->sink, data->user_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cs_mapping_run_all_async (CsMappingRun        *self,
                          const CsMappingSink *sink,
                          gpointer             user_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;
  RunAllData *data = g_new0 (RunAllData, 1);

  /* the run is not a GObject: it travels in the task's data */
  data->run = self;
  data->sink = sink;
  data->user_data = user_data;
  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, cs_mapping_run_all_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, run_all_thread);
}

gboolean
cs_mapping_run_all_finish (CsMappingRun  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
