/* cs-mapping-run.c: running a program over its inputs
 *
 * Tables that other tables look rows up in ("held": the targets of join
 * paths the program uses) are read first, once, and indexed: per row only
 * where its record starts in the file, its line and, later, which
 * resources it makes; keys and reverse joins by 64-bit fingerprint in
 * open-addressing tables (no strings, no allocation per entry). Their rows
 * stay in the file: a row that is needed (the row being evaluated, or a row
 * a look-up finds) is read again by its offset, with the same dialect, into
 * an arena that is emptied when the next top-level row starts, and a
 * fingerprint match is confirmed by comparing the real key. Inputs that
 * cannot be read again (a stream, converted text) are copied to a temporary
 * file by the CSV reader as they are read. Then the held tables' rows are
 * evaluated until it is known which resources each row makes (a row may be
 * rejected because a row it refers to is), and every input is mapped in the
 * mapping's order, one record at a time, so memory does not grow with the
 * rows, except for the per-row index entries of held tables (45–65 bytes
 * a row, plus 25–47 per reverse join) and the 16-byte fingerprint slots
 * of streamed tables' keys, kept to find duplicates.
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
/* Fingerprints                                                        */

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

CsBigMem *
_cs_mapping_run_get_memory (CsMappingRun *run)
{
  return run->mem;
}

void
_cs_mapping_run_set_page_records (CsMappingRun *run,
                                  gboolean      page_records)
{
  run->page_records = page_records;
}

void
_cs_mapping_run_set_fingerprint_func (CsMappingRun *run,
                                      guint64     (*func) (const char *key))
{
  run->fingerprint = func != NULL ? func : key_fingerprint;
}

#define FP_TABLE_MIN 1024

static inline const FpSlot *
fp_slot (CsBigArray *slots,
         gsize       i)
{
  return (const FpSlot *) (gconstpointer) cs_big_array_read (slots, i * sizeof (FpSlot));
}

static inline FpSlot *
fp_slot_write (CsBigArray *slots,
               gsize       i)
{
  return (FpSlot *) (gpointer) cs_big_array_write (slots, i * sizeof (FpSlot));
}

/* The index of fp's slot, or of the empty one where it goes. */
static gsize
fp_table_probe (CsBigArray *slots,
                gsize       mask,
                guint64     fp)
{
  gsize i = (gsize) fp & mask;
  const FpSlot *slot;

  while ((slot = fp_slot (slots, i))->fp != 0 && slot->fp != fp)
    i = (i + 1) & mask;
  return i;
}

/* Whether fp is in table, its value in *value. */
static gboolean
fp_table_find (const FpTable *table,
               guint64        fp,
               guint64       *value)
{
  const FpSlot *slot;

  if (table->slots == NULL)
    return FALSE;
  slot = fp_slot (table->slots, fp_table_probe (table->slots, table->mask, fp == 0 ? 1 : fp));
  *value = slot->value;
  return slot->fp != 0;
}

/* The index of fp's slot; a new one (*added, value 0) if there was none. */
static gsize
fp_table_insert (FpTable  *table,
                 guint64   fp,
                 gboolean *added)
{
  gsize i;

  if (fp == 0)
    fp = 1;
  if (table->slots == NULL || (table->count + 1) * 4 > (table->mask + 1) * 3)
    {
      gsize capacity = table->slots == NULL ? FP_TABLE_MIN : (table->mask + 1) * 2;
      CsBigArray *slots = cs_big_array_new (table->mem, capacity * sizeof (FpSlot));

      /* in slot order, the new slots are written in two sweeps (a slot's
       * home doubles as i or i + the old capacity), not at random */
      for (gsize k = 0; table->slots != NULL && k <= table->mask; k++)
        {
          FpSlot slot = *fp_slot (table->slots, k);

          if (slot.fp != 0)
            *fp_slot_write (slots, fp_table_probe (slots, capacity - 1, slot.fp)) = slot;
        }
      g_clear_pointer (&table->slots, cs_big_array_free);
      table->slots = slots;
      table->mask = capacity - 1;
    }
  i = fp_table_probe (table->slots, table->mask, fp);
  *added = fp_slot (table->slots, i)->fp == 0;
  if (*added)
    {
      FpSlot *slot = fp_slot_write (table->slots, i);

      slot->fp = fp;
      slot->value = 0;
      table->count++;
    }
  return i;
}

static void
fp_table_clear (FpTable *table)
{
  g_clear_pointer (&table->slots, cs_big_array_free);
  table->mask = 0;
  table->count = 0;
}

/* Where the record of row starts in table->records. */
static inline gsize
record_at (const MapTable *table,
           guint           row)
{
  if (table->per_page == 0)
    return (gsize) row * table->record_size;
  return (gsize) (row / table->per_page) * CS_BIG_MEM_PAGE + (gsize) (row % table->per_page) * table->record_size;
}

#define ROW_GET(table, row, type, at) \
  (*(const type *) (gconstpointer) cs_big_array_read ((table)->records, record_at ((table), (row)) + (at)))
#define ROW_SET(table, row, type, at, value) \
  (*(type *) (gpointer) cs_big_array_write ((table)->records, record_at ((table), (row)) + (at)) = (value))

static inline guint32
next_row (const MapTable *table,
          const FpChains *chains,
          guint32         row)
{
  return ROW_GET (table, row, guint32, chains->next_at);
}

/* Appends row to the chain of fp (its record made). */
static void
fp_chains_add (MapTable *table,
               FpChains *chains,
               guint64   fp,
               guint32   row)
{
  gboolean added;
  gsize i = fp_table_insert (&chains->table, fp, &added);
  guint64 value = added ? row : fp_slot (chains->table.slots, i)->value;   /* first | last << 32 */

  ROW_SET (table, row, guint32, chains->next_at, MAP_NO_ROW);
  if (!added)
    ROW_SET (table, (guint32) (value >> 32), guint32, chains->next_at, row);
  fp_slot_write (chains->table.slots, i)->value = (value & G_MAXUINT32) | (guint64) row << 32;
}

static guint32
fp_chains_first (const FpChains *chains,
                 guint64         fp)
{
  guint64 value;

  return fp_table_find (&chains->table, fp, &value) ? (guint32) (value & G_MAXUINT32) : MAP_NO_ROW;
}

static inline gboolean
row_rejected (const MapTable *table,
              guint           row)
{
  return ROW_GET (table, row, guint8, ROW_REJECTED) != 0;
}

/* ------------------------------------------------------------------ */
/* Rows read again                                                     */

#define ARENA_BLOCK (64 * 1024)

static gpointer
arena_alloc (RowArena *arena,
             gsize     size)
{
  gpointer p;

  size = (size + 15) & ~(gsize) 15;
  if (size > arena->left)
    {
      gsize block = MAX (size, ARENA_BLOCK);

      arena->cur = g_malloc (block);
      arena->left = block;
      if (arena->blocks->len == 0)
        arena->first_size = block;
      g_ptr_array_add (arena->blocks, arena->cur);
    }
  p = arena->cur;
  arena->cur += size;
  arena->left -= size;
  return p;
}

/* Forgets every row read: called when the next top-level row starts. */
static void
arena_reset (CsMappingRun *run)
{
  RowArena *arena = &run->arena;

  if (arena->blocks->len == 0)
    return;
  g_ptr_array_set_size (arena->blocks, 1);   /* frees the others */
  arena->cur = arena->blocks->pdata[0];
  arena->left = arena->first_size;
  for (guint i = 0; i < run->program->n_inputs; i++)
    if (run->tables[i] != NULL && g_hash_table_size (run->tables[i]->read) > 0)
      g_hash_table_remove_all (run->tables[i]->read);
}

/* Row index of the held table of input, read again from its file (once
 * until the arena is reset). NULL when it cannot be read: run->read_error
 * says why and the run fails. */
static const MapRow *
held_row (CsMappingRun *run,
          guint         input,
          guint         index)
{
  MapTable *table = run->tables[input];
  MapRow *row = g_hash_table_lookup (table->read, GUINT_TO_POINTER (index + 1));
  g_autoptr(GError) local = NULL;
  CsCsvRecord record;
  gsize text = 0;
  const char **fields;
  gsize *lengths;
  char *p;

  if (row != NULL)
    return row;
  if (run->read_error != NULL)
    return NULL;
  if (!cs_csv_reader_read_record_at (table->reader, ROW_GET (table, index, goffset, ROW_OFFSET), (guint64) index + 1,
                                     ROW_GET (table, index, guint64, ROW_LINE),
                                     &record, &local))
    {
      run->read_error = g_steal_pointer (&local);
      return NULL;
    }

  /* one block: the row, its field pointers, their lengths, the text */
  for (guint i = 0; i < record.n_fields; i++)
    text += record.lengths[i] + 1;
  row = arena_alloc (&run->arena, sizeof (MapRow) + record.n_fields * (sizeof (char *) + sizeof (gsize)) + text);
  fields = (const char **) (gpointer) (row + 1);
  lengths = (gsize *) (gpointer) (fields + record.n_fields);
  p = (char *) (lengths + record.n_fields);
  for (guint i = 0; i < record.n_fields; i++)
    {
      memcpy (p, record.fields[i], record.lengths[i]);
      p[record.lengths[i]] = '\0';
      fields[i] = p;
      lengths[i] = record.lengths[i];
      p += record.lengths[i] + 1;
    }
  row->row = record.row;
  row->line = record.line;
  row->index = index;
  row->n_fields = record.n_fields;
  row->fields = fields;
  row->lengths = lengths;
  g_hash_table_insert (table->read, GUINT_TO_POINTER (index + 1), row);
  return row;
}

/* Row index of a held table as the next row to evaluate. */
static const MapRow *
start_held_row (CsMappingRun  *run,
                guint          input,
                guint          index,
                GError       **error)
{
  const MapRow *row;

  arena_reset (run);
  if (!(row = held_row (run, input, index)))
    g_propagate_error (error, g_steal_pointer (&run->read_error));
  return row;
}

/* FALSE (error set) when evaluating the last row needed a held row that
 * could not be read. */
static gboolean
check_read (CsMappingRun  *run,
            GError       **error)
{
  if (run->read_error == NULL)
    return cs_big_mem_check (run->mem, error);
  g_propagate_error (error, g_steal_pointer (&run->read_error));
  return FALSE;
}

/* The first row of the held table of input whose key is key (fp its
 * fingerprint), or MAP_NO_ROW. */
static guint32
held_find_key (CsMappingRun *run,
               guint         input,
               const char   *key,
               guint64       fp)
{
  MapTable *table = run->tables[input];

  for (guint32 r = fp_chains_first (&table->by_key, fp); r != MAP_NO_ROW; r = next_row (table, &table->by_key, r))
    {
      const MapRow *row = held_row (run, input, r);
      g_autofree char *text = NULL;

      if (row == NULL)
        return MAP_NO_ROW;
      text = map_row_key (run->program, input, row);
      if (text != NULL && strcmp (text, key) == 0)
        return r;
    }
  return MAP_NO_ROW;
}

static void
map_table_free (MapTable *table,
                guint     n_joins)
{
  if (table == NULL)
    return;
  g_clear_pointer (&table->records, cs_big_array_free);
  fp_table_clear (&table->by_key.table);
  for (guint j = 0; j < n_joins; j++)
    {
      fp_table_clear (&table->by_join[j].table);
      g_free (table->join_cols[j]);
    }
  g_free (table->by_join);
  g_free (table->join_cols);
  g_free (table->join_n_cols);
  g_hash_table_unref (table->read);
  g_free (table);
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
          guint64 fp;

          if (key == NULL || table == NULL)
            continue;
          fp = run->fingerprint (key);
          if (step->forward)
            {
              guint32 idx = held_find_key (run, step->to, key, fp);
              const MapRow *found;

              if (idx != MAP_NO_ROW && (found = held_row (run, step->to, idx)) != NULL)
                g_ptr_array_add (next, (gpointer) found);
            }
          else if (table->join_cols[step->join] != NULL)
            {
              FpChains *chains = &table->by_join[step->join];

              /* the rows with the fingerprint, each checked by its real values */
              for (guint32 k = fp_chains_first (chains, fp); k != MAP_NO_ROW; k = next_row (table, chains, k))
                {
                  const MapRow *found = held_row (run, step->to, k);
                  g_autofree char *text = NULL;

                  if (found == NULL)
                    break;
                  text = map_row_values_text (found, table->join_cols[step->join], table->join_n_cols[step->join]);
                  if (text != NULL && strcmp (text, key) == 0)
                    g_ptr_array_add (next, (gpointer) found);
                }
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
  if (row_rejected (table, row->index))
    return FALSE;
  return (ROW_GET (table, row->index, guint8, table->produced_at + slot / 8) >> (slot % 8)) & 1;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

/* The memory the arrays that grow with the rows may take, past which they
 * go to files in $TMPDIR (cs-big-mem.h): CS_MAPPING_MEMORY_LIMIT ("16M"). */
static gsize
memory_limit (void)
{
  const char *text = g_getenv ("CS_MAPPING_MEMORY_LIMIT");
  gsize limit;

  if (text == NULL || *text == '\0')
    return CS_BIG_MEM_DEFAULT_LIMIT;
  if (!cs_big_mem_parse_size (text, &limit))
    {
      g_warning ("CS_MAPPING_MEMORY_LIMIT=%s is not a size such as 16M, 512K or 0: using %u MiB", text,
                 (guint) (CS_BIG_MEM_DEFAULT_LIMIT >> 20));
      return CS_BIG_MEM_DEFAULT_LIMIT;
    }
  return limit;
}

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
  run->arena.blocks = g_ptr_array_new_with_free_func (g_free);
  run->mem = cs_big_mem_new (memory_limit ());
  run->fingerprint = key_fingerprint;
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
  cs_big_mem_free (self->mem);
  map_row_state_clear (&self->rs);
  g_ptr_array_unref (self->arena.blocks);
  g_clear_error (&self->read_error);
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

void
cs_mapping_run_set_memory_limit (CsMappingRun *self,
                                 gsize         limit)
{
  g_return_if_fail (!self->prepared);
  g_return_if_fail (cs_big_mem_get_heap_size (self->mem) == 0 && cs_big_mem_get_file_size (self->mem) == 0);

  cs_big_mem_free (self->mem);
  self->mem = cs_big_mem_new (limit);
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

/* Lays out the records of a held table's rows: everything a lookup needs
 * of a row in one place, so that a row found costs one page when the
 * records are in a file. */
static void
table_layout (MapTable *table,
              guint     n_joins,
              gboolean  page_records)
{
  guint at = ROW_JOINS;

  table->by_key.next_at = ROW_NEXT_KEY;
  for (guint j = 0; j < n_joins; j++)
    if (table->join_cols[j] != NULL)
      {
        table->by_join[j].next_at = at;
        at += sizeof (guint32);
      }
  table->produced_at = at;
  table->record_size = (at + table->bytes_per_row + 7) / 8 * 8;
  if (table->record_size <= CS_BIG_MEM_PAGE && !page_records)
    table->per_page = (guint) (CS_BIG_MEM_PAGE / table->record_size);
  else
    {
      /* the fixed part stays in the first page; the bytes of what the row
       * makes run on, read a byte at a time */
      table->per_page = 0;
      table->record_size = (table->record_size + CS_BIG_MEM_PAGE - 1) / CS_BIG_MEM_PAGE * CS_BIG_MEM_PAGE;
    }
}

/* Grows the records of a held table to hold one more row. */
static void
table_grow (MapTable *table,
            CsBigMem *mem)
{
  gsize size;
  guint n;

  if (table->n_rows < table->n_alloc)
    return;
  n = MAX (table->n_alloc * 2, 1024);
  size = record_at (table, n - 1) + table->record_size;
  if (table->records == NULL)
    table->records = cs_big_array_new (mem, size);
  else
    cs_big_array_resize (table->records, size);
  table->n_alloc = n;
}

/* Reads a held input once and indexes it by key and by the joins other
 * inputs look it up through; its rows stay in the file. */
static gboolean
load_table (CsMappingRun  *run,
            guint          input,
            GCancellable  *cancellable,
            GError       **error)
{
  CInput *in = &run->program->inputs[input];
  MapInputDef *def = map_get_input (run->mapping, input);
  CsCsvReader *reader = run->readers[input];
  guint n_joins = def->joins->len;
  MapTable *table;
  CsCsvRecord record;
  g_autoptr(GError) local = NULL;

  if (reader == NULL)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("no table is given for the input “%s”"),
                   def->role);
      return FALSE;
    }
  if (!cs_csv_reader_keep_records (reader, error))
    return FALSE;

  table = g_new0 (MapTable, 1);
  run->tables[input] = table;
  table->reader = reader;
  table->by_join = g_new0 (FpChains, MAX (n_joins, 1));
  table->join_cols = g_new0 (guint *, MAX (n_joins, 1));
  table->join_n_cols = g_new0 (guint, MAX (n_joins, 1));
  table->bytes_per_row = MAX ((in->n_slots + 7) / 8, 1);
  table->read = g_hash_table_new (NULL, NULL);
  table->by_key.table.mem = run->mem;
  for (guint j = 0; j < n_joins; j++)
    table->by_join[j].table.mem = run->mem;
  for (guint k = 0; k < in->reverse_joins->len; k++)
    {
      guint j = g_array_index (in->reverse_joins, guint, k);

      table->join_cols[j] = join_columns (run, input, j, &table->join_n_cols[j]);
    }
  table_layout (table, n_joins, run->page_records);

  while (cs_csv_reader_next (reader, &record, &local))
    {
      guint r = table->n_rows;
      MapRow view;
      g_autofree char *key = NULL;

      if (r >= MAP_NO_ROW - 1)
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT,
                       _("%s: more than %u rows, the limit for a table other tables refer to"),
                       in->name, MAP_NO_ROW - 2);
          return FALSE;
        }
      table_grow (table, run->mem);
      row_from_record (&view, &record);
      view.index = r;
      g_assert (record.row == (guint64) r + 1);
      ROW_SET (table, r, goffset, ROW_OFFSET, record.offset);
      ROW_SET (table, r, guint64, ROW_LINE, record.line);
      /* every resource is made until evaluating the rows says otherwise */
      for (guint b = 0; b < table->bytes_per_row; b++)
        ROW_SET (table, r, guint8, table->produced_at + b, 0xff);
      table->n_rows++;

      /* the first row of each key; a duplicate is reported when the rows are mapped */
      if ((key = map_row_key (run->program, input, &view)) == NULL)
        ROW_SET (table, r, guint8, ROW_REJECTED, in->key_columns->len > 0);
      else
        {
          guint64 fp = run->fingerprint (key);

          if (held_find_key (run, input, key, fp) != MAP_NO_ROW)
            ROW_SET (table, r, guint8, ROW_REJECTED, 1);
          else
            fp_chains_add (table, &table->by_key, fp, r);
          arena_reset (run);
          if (!check_read (run, error))
            return FALSE;
        }

      for (guint k = 0; !row_rejected (table, r) && k < in->reverse_joins->len; k++)
        {
          guint j = g_array_index (in->reverse_joins, guint, k);
          g_autofree char *text = map_row_values_text (&view, table->join_cols[j], table->join_n_cols[j]);

          if (text != NULL)
            fp_chains_add (table, &table->by_join[j], run->fingerprint (text), r);
        }

      if (r % 256 == 0)
        {
          run->progress.preparing = TRUE;
          run->progress.input = input;
          run->progress.rows_done = r;
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

  return cs_big_mem_check (run->mem, error);
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
          for (guint r = 0; r < table->n_rows; r++)
            {
              const MapRow *row;

              if (row_rejected (table, r))
                continue;
              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return FALSE;
              if (!(row = start_held_row (self, i, r, error)))
                return FALSE;
              map_eval_row (self, i, row);
              if (!check_read (self, error))
                return FALSE;
              if (self->rs.has_error)
                {
                  ROW_SET (table, r, guint8, ROW_REJECTED, 1);
                  changed = TRUE;
                  continue;
                }
              memset (bits, 0, table->bytes_per_row);
              for (guint s = 0; s < in->n_slots; s++)
                if (self->rs.produced[s] == MADE_YES)
                  bits[s / 8] |= 1 << (s % 8);
              /* byte by byte: a row's bytes may span pages */
              for (guint b = 0; b < table->bytes_per_row; b++)
                if (ROW_GET (table, r, guint8, table->produced_at + b) != bits[b])
                  {
                    ROW_SET (table, r, guint8, table->produced_at + b, bits[b]);
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
  arena_reset (self);
  map_eval_row (self, input, &row);
  return check_read (self, error) && emit_row (self, FALSE, error);
}

/* The fingerprints of a streamed table's keys, each with the row it came
 * from (16 bytes a key; a fingerprint shared by two keys would reject the
 * second row as a duplicate, a chance of about n² / 2⁶⁵ for n rows). */
typedef FpTable KeySet;

/* The row that first had this fingerprint, or 0 after recording row. */
static guint64
key_set_add (KeySet  *set,
             guint64  fp,
             guint64  row)
{
  gboolean added;
  gsize i = fp_table_insert (set, fp, &added);

  if (!added)
    return fp_slot (set->slots, i)->value;
  fp_slot_write (set->slots, i)->value = row;
  return 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeySet, fp_table_clear)

static gboolean
run_input (CsMappingRun  *run,
           guint          input,
           GCancellable  *cancellable,
           GError       **error)
{
  CInput *in = &run->program->inputs[input];
  MapInputDef *def = map_get_input (run->mapping, input);
  MapTable *table = run->tables[input];
  g_auto(KeySet) seen = { NULL, 0, 0, run->mem };   /* streamed: key fingerprint → first row */
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
          if (n_rows >= table->n_rows)
            break;
          if (!(row = start_held_row (run, input, (guint) n_rows, error)))
            return FALSE;
        }
      else
        {
          if (!cs_csv_reader_next (run->readers[input], &record, &local))
            break;
          arena_reset (run);
          row_from_record (&streamed, &record);
          row = &streamed;
        }
      n_rows++;

      /* duplicate keys: the first row wins */
      if (in->key_columns->len > 0 && (key = map_row_key (run->program, input, row)) != NULL)
        {
          if (table != NULL)
            {
              guint32 idx = held_find_key (run, input, key, run->fingerprint (key));

              if (!check_read (run, error))
                return FALSE;
              if (idx != row->index)
                first = (guint64) idx + 1;
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
      if (!check_read (run, error) || !emit_row (run, TRUE, error))
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
  /* a held file that changed during the run, even where its rows were
   * still in memory: the output may mix old and new rows */
  for (guint i = 0; ok && i < self->program->n_inputs; i++)
    if (self->tables[i] != NULL)
      ok = cs_csv_reader_check_unchanged (self->tables[i]->reader, error);

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
