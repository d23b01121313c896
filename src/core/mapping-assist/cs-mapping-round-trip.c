/* cs-mapping-round-trip.c: a table compared cell by cell with the FHIR
 * loaded from what a mapping wrote or uploaded
 *
 * The mapping runs again with tracing: every element it makes names the
 * cells it came from, so the expected value of a cell is the element after
 * value maps, units and formats. The element is looked up at the same path
 * in the store's resource of the same Type/id (re-read from its source).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-mapping-assist"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-json.h"
#include "cs-mapping-upload.h"

static void
mismatch_free (gpointer data)
{
  CsRoundTripMismatch *m = data;

  g_free (m->resource);
  g_free (m->element);
  g_free (m->csv_value);
  g_free (m->expected);
  g_free (m->fhir_value);
  g_free (m);
}

static void
column_free (gpointer data)
{
  CsRoundTripColumn *c = data;

  g_free (c->input);
  g_free (c->table);
  g_free (c->column);
  g_free (c->why_not);
  g_ptr_array_unref (c->mismatches);
  g_free (c);
}

void
cs_round_trip_free (CsRoundTrip *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->columns);
  g_free (self);
}

typedef struct
{
  CsMappingProgram *program;
  CsStore          *store;
  GHashTable       *index;        /* "Type/id" -> resource index + 1 in the store */
  GHashTable       *columns;      /* "input:column" -> CsRoundTripColumn* */
  GPtrArray        *order;        /* CsRoundTripColumn*, owned by the round trip */
  CsRoundTrip      *trip;
  char            **tables;       /* per input: file name */
  char            **roles;
  GHashTable       *rejected;     /* "input:row" of rows with an error */
  guint64          *n_rejected;   /* per input */
} Trip;

static CsRoundTripColumn *
trip_column (Trip  *t,
             guint  input,
             guint  column)
{
  g_autofree char *key = g_strdup_printf ("%u:%u", input, column);
  CsRoundTripColumn *c = g_hash_table_lookup (t->columns, key);

  if (c == NULL)
    {
      c = g_new0 (CsRoundTripColumn, 1);
      c->input_index = input;
      c->column_index = column;
      c->input = g_strdup (t->roles[input]);
      c->table = g_strdup (t->tables[input]);
      c->column = g_strdup (cs_mapping_program_get_column_name (t->program, input, column));
      c->mismatches = g_ptr_array_new_with_free_func (mismatch_free);
      g_hash_table_insert (t->columns, g_steal_pointer (&key), c);
      g_ptr_array_add (t->order, c);
    }
  return c;
}

static void
not_comparable (CsRoundTripColumn *c,
                const char        *why)
{
  c->not_comparable++;
  if (c->why_not == NULL)
    c->why_not = g_strdup (why);
}

/* The node at a trace path ("Observation.code.coding[1].code") below the
 * resource root, or NULL. */
static const CsJsonNode *
node_at_path (const CsJsonNode *root,
              const char       *path)
{
  const char *p = strchr (path, '.');
  const CsJsonNode *node = root;

  if (p == NULL)
    return root;   /* the resource itself */
  p++;
  while (node != NULL && *p != '\0')
    {
      const char *end = p + strcspn (p, ".[");
      g_autofree char *key = g_strndup (p, end - p);

      node = cs_json_get (node, key);
      p = end;
      while (node != NULL && *p == '[')
        {
          guint64 index = g_ascii_strtoull (p + 1, (char **) &end, 10);

          if (*end != ']' || !cs_json_is (node, CS_JSON_ARRAY))
            return NULL;
          node = cs_json_nth (node, (guint) index);
          p = end + 1;
        }
      if (*p == '.')
        p++;
      else if (*p != '\0')
        return NULL;
    }
  return node;
}

static gboolean
nodes_equal (const CsJsonNode *a,
             const CsJsonNode *b)
{
  if (a->type != b->type)
    return FALSE;
  switch (a->type)
    {
    case CS_JSON_NULL:
      return TRUE;
    case CS_JSON_BOOLEAN:
      return !a->v.boolean == !b->v.boolean;
    case CS_JSON_NUMBER:
      return a->v.number.value == b->v.number.value;
    case CS_JSON_STRING:
      return a->v.string.len == b->v.string.len && memcmp (a->v.string.str, b->v.string.str, a->v.string.len) == 0;
    case CS_JSON_ARRAY:
      {
        const CsJsonNode *x = cs_json_first (a), *y = cs_json_first (b);

        for (; x != NULL && y != NULL; x = x->next, y = y->next)
          if (!nodes_equal (x, y))
            return FALSE;
        return x == NULL && y == NULL;
      }
    case CS_JSON_OBJECT:
      {
        /* the server may add members (meta, text); those the mapping made
         * must all be there, equal */
        for (const CsJsonNode *x = cs_json_first (a); x != NULL; x = x->next)
          {
            const CsJsonNode *y = cs_json_get (b, x->key);

            if (y == NULL || !nodes_equal (x, y))
              return FALSE;
          }
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* Where the table's cell is needed for a listed mismatch */
typedef struct
{
  CsRoundTripMismatch *mismatch;
  guint                input;
  guint                column;
} CellWanted;

static void
compare_element (Trip                   *t,
                 const CsMappingResource *res,
                 const CsMappingElement  *el,
                 const CsJsonNode        *mapped,
                 const CsJsonNode        *loaded,
                 const char              *loaded_why,
                 GArray                  *wanted)
{
  const CsJsonNode *expected = node_at_path (mapped, el->path);
  const CsJsonNode *actual = loaded != NULL ? node_at_path (loaded, el->path) : NULL;

  for (guint k = 0; k < el->n_cells; k++)
    {
      const CsMappingCell *cell = &el->cells[k];
      CsRoundTripColumn *c = trip_column (t, cell->input, cell->column);
      CsRoundTripMismatch *m;
      CellWanted w;

      if (expected == NULL)
        {
          not_comparable (c, _("the element is not in the resource the mapping made"));
          continue;
        }
      if (loaded_why != NULL)
        {
          not_comparable (c, loaded_why);
          continue;
        }
      if (actual != NULL && nodes_equal (expected, actual))
        {
          c->equal++;
          continue;
        }
      c->differ++;
      if (c->mismatches->len >= CS_ROUND_TRIP_MAX_LISTED)
        continue;
      m = g_new0 (CsRoundTripMismatch, 1);
      m->row = cell->row;
      m->resource = g_strconcat (res->resource_type, "/", res->id, NULL);
      m->element = g_strdup (el->path);
      m->expected = cs_json_to_string (expected, FALSE);
      m->fhir_value = actual != NULL ? cs_json_to_string (actual, FALSE) : NULL;
      g_ptr_array_add (c->mismatches, m);
      w.mismatch = m;
      w.input = cell->input;
      w.column = cell->column;
      g_array_append_val (wanted, w);
    }
}

typedef struct
{
  Trip   *trip;
  GArray *wanted;   /* CellWanted */
} TripSink;

static gboolean
trip_resource (const CsMappingResource *res,
               gpointer                 user_data,
               GError                 **error)
{
  TripSink *ts = user_data;
  Trip *t = ts->trip;
  g_autofree char *key = g_strconcat (res->resource_type, "/", res->id, NULL);
  gpointer found = g_hash_table_lookup (t->index, key);
  g_autoptr(CsJsonDocument) mapped = cs_json_document_parse (res->json, res->length, NULL);
  g_autoptr(CsJsonDocument) loaded = NULL;
  g_autofree char *why = NULL;

  t->trip->resources++;
  if (mapped == NULL)
    return TRUE;
  if (found == NULL)
    t->trip->resources_missing++;
  else
    {
      g_autoptr(GError) local = NULL;
      gsize length = 0;
      g_autofree char *source = cs_store_get_resource_source (t->store, GPOINTER_TO_UINT (found) - 1, &length, &local);

      if (source == NULL)
        why = g_strdup_printf (_("the loaded %s cannot be read again: %s"), key, local->message);
      else if ((loaded = cs_json_document_parse (source, length, &local)) == NULL)
        why = g_strdup_printf (_("the loaded %s is not valid JSON: %s"), key, local->message);
    }

  for (guint i = 0; i < res->n_elements; i++)
    compare_element (t, res, &res->elements[i], cs_json_document_get_root (mapped),
                     loaded != NULL ? cs_json_document_get_root (loaded) : NULL, why, ts->wanted);
  return TRUE;
}

static void
trip_problem (const CsMappingProblem *problem,
              gpointer                user_data)
{
  TripSink *ts = user_data;
  Trip *t = ts->trip;
  CsMapping *mapping = cs_mapping_program_get_mapping (t->program);
  int input = problem->input != NULL ? cs_mapping_find_input (mapping, problem->input) : -1;

  if (problem->severity == CS_MAPPING_SEVERITY_ERROR && input >= 0 && problem->row > 0 &&
      g_hash_table_add (t->rejected, g_strdup_printf ("%d:%" G_GUINT64_FORMAT, input, problem->row)))
    t->n_rejected[input]++;
}

static int
compare_columns (gconstpointer a,
                 gconstpointer b)
{
  const CsRoundTripColumn *x = *(CsRoundTripColumn * const *) a;
  const CsRoundTripColumn *y = *(CsRoundTripColumn * const *) b;

  if (x->input_index != y->input_index)
    return x->input_index < y->input_index ? -1 : 1;
  return x->column_index < y->column_index ? -1 : x->column_index > y->column_index;
}

static int
compare_wanted (gconstpointer a,
                gconstpointer b)
{
  const CellWanted *x = a, *y = b;

  if (x->input != y->input)
    return x->input < y->input ? -1 : 1;
  if (x->mismatch->row != y->mismatch->row)
    return x->mismatch->row < y->mismatch->row ? -1 : 1;
  return 0;
}

/* The table's text of the cells of the listed mismatches: one more pass
 * over each input that has any */
static gboolean
fill_csv_values (Trip                     *t,
                 const CsMappingInputFile *inputs,
                 guint                     n_inputs,
                 GArray                   *wanted,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  CsMapping *mapping = cs_mapping_program_get_mapping (t->program);
  guint w = 0;

  g_array_sort (wanted, compare_wanted);
  while (w < wanted->len)
    {
      guint input = g_array_index (wanted, CellWanted, w).input;
      const char *path = NULL;
      g_autoptr(CsCsvReader) reader = NULL;
      CsCsvRecord record;

      for (guint i = 0; i < n_inputs; i++)
        if (cs_mapping_find_input (mapping, inputs[i].role) == (int) input)
          path = inputs[i].path;
      if (path == NULL ||
          !(reader = cs_csv_reader_new_for_path (path, cs_mapping_get_input_dialect (mapping, input), error)))
        return FALSE;
      while (w < wanted->len && g_array_index (wanted, CellWanted, w).input == input &&
             cs_csv_reader_next (reader, &record, error))
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          while (w < wanted->len && g_array_index (wanted, CellWanted, w).input == input &&
                 g_array_index (wanted, CellWanted, w).mismatch->row == record.row)
            {
              CellWanted *cw = &g_array_index (wanted, CellWanted, w);

              if (cw->column < record.n_fields)
                cw->mismatch->csv_value = g_strdup (record.fields[cw->column]);
              w++;
            }
        }
      if (error != NULL && *error != NULL)
        return FALSE;
      /* rows the file no longer has */
      while (w < wanted->len && g_array_index (wanted, CellWanted, w).input == input)
        w++;
    }
  return TRUE;
}

CsRoundTrip *
cs_mapping_round_trip (CsMappingProgram         *program,
                       const CsMappingInputFile *inputs,
                       guint                     n_inputs,
                       CsStore                  *store,
                       GCancellable             *cancellable,
                       GError                  **error)
{
  CsMapping *mapping = cs_mapping_program_get_mapping (program);
  guint n_mapping_inputs = cs_mapping_get_n_inputs (mapping);
  g_autoptr(CsMappingRun) run = cs_mapping_run_new (program, CS_MAPPING_RUN_TRACE);
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (CellWanted));
  g_autoptr(CsRoundTrip) trip = g_new0 (CsRoundTrip, 1);
  CsMappingSink sink = { trip_resource, trip_problem, NULL };
  CsMappingStats stats;
  TripSink ts;
  Trip t = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  trip->columns = g_ptr_array_new_with_free_func (column_free);
  t.program = program;
  t.store = store;
  t.trip = trip;
  t.order = trip->columns;
  t.index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.tables = g_new0 (char *, n_mapping_inputs + 1);
  t.roles = g_new0 (char *, n_mapping_inputs + 1);
  t.rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.n_rejected = g_new0 (guint64, n_mapping_inputs + 1);
  for (guint i = 0; i < n_mapping_inputs; i++)
    t.roles[i] = g_strdup (cs_mapping_get_input_role (mapping, i));

  for (guint r = 0; r < cs_store_get_n_resources (store); r++)
    g_hash_table_insert (t.index, g_strconcat (cs_store_get_resource_type (store, r), "/",
                                               cs_store_get_resource_id (store, r), NULL),
                         GUINT_TO_POINTER (r + 1));

  for (guint i = 0; i < n_inputs; i++)
    {
      int input = cs_mapping_find_input (mapping, inputs[i].role);
      CsCsvReader *reader;

      if (input < 0)
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("the mapping has no input “%s”"),
                       inputs[i].role);
          goto out;
        }
      if (!(reader = cs_csv_reader_new_for_path (inputs[i].path, cs_mapping_get_input_dialect (mapping, input), error)))
        goto out;
      g_free (t.tables[input]);
      t.tables[input] = g_strdup (cs_csv_reader_get_name (reader));
      if (!cs_mapping_run_add_input (run, inputs[i].role, reader, error))
        goto out;
    }

  ts.trip = &t;
  ts.wanted = wanted;
  if (!cs_mapping_run_all (run, &sink, &ts, cancellable, error))
    goto out;
  cs_mapping_run_get_stats (run, &stats);
  trip->rows = stats.rows;
  trip->rows_rejected = stats.rows_rejected;
  for (guint i = 0; i < trip->columns->len; i++)
    {
      CsRoundTripColumn *c = g_ptr_array_index (trip->columns, i);
      guint64 n = t.n_rejected[c->input_index];

      /* its cells in rejected rows made nothing to compare */
      if (n > 0)
        {
          c->not_comparable += n;
          g_free (c->why_not);
          c->why_not = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%" PRIu64 " row was rejected by the mapping",
                                                     "%" PRIu64 " rows were rejected by the mapping", n), n);
        }
    }
  g_ptr_array_sort (trip->columns, compare_columns);
  if (!fill_csv_values (&t, inputs, n_inputs, wanted, cancellable, error))
    goto out;
  ok = TRUE;

out:
  g_hash_table_unref (t.index);
  g_hash_table_unref (t.columns);
  g_hash_table_unref (t.rejected);
  g_free (t.n_rejected);
  g_strfreev (t.tables);
  g_strfreev (t.roles);
  return ok ? g_steal_pointer (&trip) : NULL;
}

gboolean
cs_round_trip_is_clean (const CsRoundTrip *self)
{
  for (guint i = 0; i < self->columns->len; i++)
    if (((CsRoundTripColumn *) g_ptr_array_index (self->columns, i))->differ > 0)
      return FALSE;
  return self->resources_missing == 0;
}

char *
cs_round_trip_describe (const CsRoundTrip *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (self->resources_missing > 0)
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "%" PRIu64 " of %" PRIu64
                                              " resources the mapping makes is not in the loaded FHIR\n",
                                              "%" PRIu64 " of %" PRIu64
                                              " resources the mapping makes are not in the loaded FHIR\n",
                                              self->resources_missing),
                            self->resources_missing, self->resources);
  for (guint i = 0; i < self->columns->len; i++)
    {
      CsRoundTripColumn *c = g_ptr_array_index (self->columns, i);

      /* Translators: "clinical.csv, column “gender”: 420 equal, 2 differ, 0 not comparable" */
      g_string_append_printf (out, _("%s, column “%s”: %" PRIu64 " equal, %" PRIu64
                                     " differ, %" PRIu64 " not comparable"),
                              c->table != NULL ? c->table : c->input, c->column, c->equal, c->differ,
                              c->not_comparable);
      if (c->why_not != NULL)
        g_string_append_printf (out, " (%s)", c->why_not);
      g_string_append_c (out, '\n');
      for (guint k = 0; k < c->mismatches->len; k++)
        {
          CsRoundTripMismatch *m = g_ptr_array_index (c->mismatches, k);

          /* Translators: "  row 3, Patient/…: Patient.gender: CSV “m” → expected "male", FHIR "female"" */
          g_string_append_printf (out, _("  row %" PRIu64 ", %s: %s: CSV “%s” → expected %s, FHIR %s\n"),
                                  m->row, m->resource, m->element, m->csv_value != NULL ? m->csv_value : "",
                                  m->expected, m->fhir_value != NULL ? m->fhir_value : _("(missing)"));
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  CsMappingProgram   *program;
  CsMappingInputFile *inputs;
  guint               n_inputs;
  CsStore            *store;
} TripData;

static void
trip_data_free (gpointer data)
{
  TripData *d = data;

  cs_mapping_input_files_free (d->inputs, d->n_inputs);
  g_object_unref (d->store);
  cs_mapping_program_unref (d->program);
  g_free (d);
}

static void
trip_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TripData *d = task_data;
  GError *error = NULL;
  CsRoundTrip *trip = cs_mapping_round_trip (d->program, d->inputs, d->n_inputs, d->store, cancellable, &error);

  if (trip != NULL)
    g_task_return_pointer (task, trip, (GDestroyNotify) cs_round_trip_free);
  else
    g_task_return_error (task, error);
}

void
cs_mapping_round_trip_async (CsMappingProgram         *program,
                             const CsMappingInputFile *inputs,
                             guint                     n_inputs,
                             CsStore                  *store,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  TripData *d = g_new0 (TripData, 1);

  d->program = cs_mapping_program_ref (program);
  d->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  d->n_inputs = n_inputs;
  d->store = g_object_ref (store);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_mapping_round_trip_async);
  g_task_set_task_data (task, d, trip_data_free);
  g_task_run_in_thread (task, trip_thread);
}

CsRoundTrip *
cs_mapping_round_trip_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
