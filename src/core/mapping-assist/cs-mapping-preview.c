/* cs-mapping-preview.c: one row of a table through a mapping, for people
 *
 * The engine maps the row with tracing on; each resource is printed as
 * indented JSON while the FHIR path of every value is noted with its line,
 * so an element the engine reports ("Patient.identifier[0].value") is found
 * in the text, and a cell leads to the lines it fed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-json.h"
#include "cs-mapping-assist.h"
#include "cs-mapping-output.h"

struct _CsMappingPreview
{
  CsMapping            *mapping;
  CsMappingProgram     *program;
  CsMappingRun         *run;
  const CsTableProfile *table;
  char                 *role;
  guint                 input;
};

static void
element_free (gpointer data)
{
  CsPreviewElement *e = data;

  g_free (e->path);
  g_array_unref (e->cells);
  g_free (e);
}

static void
resource_free (gpointer data)
{
  CsPreviewResource *r = data;

  g_free (r->name);
  g_free (r->type);
  g_free (r->id);
  g_free (r->json);
  g_ptr_array_unref (r->elements);
  g_free (r);
}

static void
problem_free (gpointer data)
{
  CsPreviewProblem *p = data;

  g_free (p->input);
  g_free (p->column);
  g_free (p->value);
  g_free (p->resource);
  g_free (p->element);
  g_free (p->message);
  g_free (p);
}

GPtrArray *
cs_preview_resource_array_new (void)
{
  return g_ptr_array_new_with_free_func (resource_free);
}

GPtrArray *
cs_preview_problem_array_new (void)
{
  return g_ptr_array_new_with_free_func (problem_free);
}

CsMappingPreview *
cs_mapping_preview_new (const char           *mapping_text,
                        const char           *base_dir,
                        const char           *role,
                        const CsTableProfile *table,
                        GError              **error)
{
  return cs_mapping_preview_new_full (mapping_text, base_dir, role, table, NULL, 0, error);
}

static const char *
find_other (const CsMappingInputFile *others,
            guint                     n_others,
            const char               *role)
{
  for (guint i = 0; i < n_others; i++)
    if (g_strcmp0 (others[i].role, role) == 0)
      return others[i].path;
  return NULL;
}

CsMappingPreview *
cs_mapping_preview_new_full (const char               *mapping_text,
                             const char               *base_dir,
                             const char               *role,
                             const CsTableProfile     *table,
                             const CsMappingInputFile *others,
                             guint                     n_others,
                             GError                  **error)
{
  g_autoptr(CsMappingPreview) self = g_new0 (CsMappingPreview, 1);
  g_autoptr(GPtrArray) readers = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_csv_reader_free);
  g_autoptr(GArray) infos = g_array_new (FALSE, TRUE, sizeof (CsMappingTableInfo));
  g_autofree char **names = NULL;
  guint n_inputs;
  int input;

  g_return_val_if_fail (mapping_text != NULL && table != NULL, NULL);
  g_return_val_if_fail (others != NULL || n_others == 0, NULL);

  if ((self->mapping = cs_mapping_load_data (mapping_text, -1, _("the mapping"), base_dir, error)) == NULL)
    return NULL;
  if ((n_inputs = cs_mapping_get_n_inputs (self->mapping)) == 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INVALID, _("inputs: the mapping names no input table"));
      return NULL;
    }
  input = role != NULL ? cs_mapping_find_input (self->mapping, role) : 0;
  if (input < 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("inputs: the mapping has no input “%s”"), role);
      return NULL;
    }
  self->input = (guint) input;
  self->role = g_strdup (cs_mapping_get_input_role (self->mapping, self->input));
  self->table = table;

  /* the headers as the mapping's dialects read them: the previewed table,
   * then every other input the caller has a file for (joins look rows up
   * in them) */
  names = g_new0 (char *, n_inputs + 1);
  for (guint i = 0; i < n_inputs; i++)
    {
      const char *input_role = cs_mapping_get_input_role (self->mapping, i);
      const char *path = i == self->input ? table->path : find_other (others, n_others, input_role);
      CsCsvReader *reader;
      CsMappingTableInfo info = { 0 };

      if (path == NULL)
        continue;
      if ((reader = cs_csv_reader_new_for_path (path, cs_mapping_get_input_dialect (self->mapping, i), error)) == NULL)
        return NULL;
      g_ptr_array_add (readers, reader);
      names[i] = g_path_get_basename (path);
      info.role = input_role;
      info.name = i == self->input ? table->name : names[i];
      info.header = cs_csv_reader_get_header (reader);
      g_array_append_val (infos, info);
    }
  self->program = cs_mapping_compile (self->mapping, (CsMappingTableInfo *) (gpointer) infos->data, infos->len, error);
  for (guint i = 0; i < n_inputs; i++)
    g_free (names[i]);
  if (self->program == NULL)
    return NULL;
  self->run = cs_mapping_run_new (self->program, CS_MAPPING_RUN_TRACE);
  for (guint i = 0; i < infos->len; i++)
    if (!cs_mapping_run_add_input (self->run, g_array_index (infos, CsMappingTableInfo, i).role,
                                   g_ptr_array_steal_index (readers, 0), error))
      return NULL;
  if (!cs_mapping_run_prepare (self->run, NULL, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
cs_mapping_preview_free (CsMappingPreview *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->run, cs_mapping_run_free);
  g_clear_pointer (&self->program, cs_mapping_program_unref);
  g_clear_pointer (&self->mapping, cs_mapping_unref);
  g_free (self->role);
  g_free (self);
}

CsMapping *
cs_mapping_preview_get_mapping (CsMappingPreview *self)
{
  return self->mapping;
}

const char *
cs_mapping_preview_get_role (CsMappingPreview *self)
{
  return self->role;
}

CsMappingProgram *
cs_mapping_preview_get_program (CsMappingPreview *self)
{
  return self->program;
}

guint
cs_mapping_preview_get_input (CsMappingPreview *self)
{
  return self->input;
}

/* ------------------------------------------------------------------ */
/* Pretty JSON with the line of every path                             */

typedef struct
{
  GString    *out;
  GString    *path;
  GHashTable *lines;   /* path → line + 1 */
  guint       line;
} Printer;

static void
newline (Printer *p,
         guint    depth)
{
  g_string_append_c (p->out, '\n');
  p->line++;
  for (guint i = 0; i < depth; i++)
    g_string_append (p->out, "  ");
}

static void
print_node (Printer          *p,
            const CsJsonNode *node,
            guint             depth)
{
  gsize path_len = p->path->len;
  guint i = 0;

  g_hash_table_insert (p->lines, g_strdup (p->path->str), GUINT_TO_POINTER (p->line + 1));
  switch (node->type)
    {
    case CS_JSON_NULL:
      g_string_append (p->out, "null");
      break;
    case CS_JSON_BOOLEAN:
      g_string_append (p->out, node->v.boolean ? "true" : "false");
      break;
    case CS_JSON_NUMBER:
      g_string_append (p->out, node->v.number.text);
      break;
    case CS_JSON_STRING:
      cs_json_append_escaped (p->out, node->v.string.str, (gssize) node->v.string.len);
      break;
    case CS_JSON_ARRAY:
      g_string_append_c (p->out, '[');
      for (const CsJsonNode *c = cs_json_first (node); c != NULL; c = c->next, i++)
        {
          if (i > 0)
            g_string_append_c (p->out, ',');
          newline (p, depth + 1);
          g_string_append_printf (p->path, "[%u]", i);
          print_node (p, c, depth + 1);
          g_string_truncate (p->path, path_len);
        }
      if (i > 0)
        newline (p, depth);
      g_string_append_c (p->out, ']');
      break;
    case CS_JSON_OBJECT:
      g_string_append_c (p->out, '{');
      for (const CsJsonNode *c = cs_json_first (node); c != NULL; c = c->next, i++)
        {
          if (i > 0)
            g_string_append_c (p->out, ',');
          newline (p, depth + 1);
          cs_json_append_escaped (p->out, c->key, -1);
          g_string_append (p->out, ": ");
          g_string_append_c (p->path, '.');
          g_string_append (p->path, c->key);
          print_node (p, c, depth + 1);
          g_string_truncate (p->path, path_len);
        }
      if (i > 0)
        newline (p, depth);
      g_string_append_c (p->out, '}');
      break;
    default:
      g_assert_not_reached ();
    }
}

static int
compare_element_line (gconstpointer a,
                      gconstpointer b)
{
  const CsPreviewElement *x = *(CsPreviewElement * const *) a;
  const CsPreviewElement *y = *(CsPreviewElement * const *) b;

  return x->line < y->line ? -1 : x->line > y->line;
}

typedef struct
{
  GPtrArray *resources;
  GPtrArray *problems;
} RowSink;

static gboolean
sink_resource (const CsMappingResource *resource,
               gpointer                 user_data,
               GError                 **error)
{
  RowSink *sink = user_data;
  g_autoptr(CsJsonDocument) doc = cs_json_document_parse (resource->json, (gssize) resource->length, error);
  g_autoptr(GHashTable) lines = NULL;
  CsPreviewResource *r;
  Printer p;

  if (doc == NULL)
    return FALSE;
  lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.out = g_string_new (NULL);
  p.path = g_string_new (resource->resource_type);
  p.lines = lines;
  p.line = 0;
  print_node (&p, cs_json_document_get_root (doc), 0);
  g_string_append_c (p.out, '\n');

  r = g_new0 (CsPreviewResource, 1);
  r->name = g_strdup (resource->template_name);
  r->type = g_strdup (resource->resource_type);
  r->id = g_strdup (resource->id);
  r->json = g_string_free (p.out, FALSE);
  g_string_free (p.path, TRUE);
  r->elements = g_ptr_array_new_with_free_func (element_free);
  for (guint i = 0; i < resource->n_elements; i++)
    {
      const CsMappingElement *el = &resource->elements[i];
      CsPreviewElement *e = g_new0 (CsPreviewElement, 1);
      guint line = GPOINTER_TO_UINT (g_hash_table_lookup (lines, el->path));

      e->path = g_strdup (el->path);
      e->line = line > 0 ? line - 1 : 0;
      e->cells = g_array_sized_new (FALSE, FALSE, sizeof (CsMappingCell), el->n_cells);
      g_array_append_vals (e->cells, el->cells, el->n_cells);
      g_ptr_array_add (r->elements, e);
    }
  g_ptr_array_sort (r->elements, compare_element_line);
  g_ptr_array_add (sink->resources, r);
  return TRUE;
}

CsPreviewProblem *
cs_preview_problem_new (const CsMappingProblem *problem)
{
  CsPreviewProblem *p = g_new0 (CsPreviewProblem, 1);

  p->severity = problem->severity;
  p->input = g_strdup (problem->input);
  p->row = problem->row;
  p->column = g_strdup (problem->column);
  p->value = g_strdup (problem->value);
  p->resource = g_strdup (problem->resource);
  p->element = g_strdup (problem->element);
  p->message = cs_mapping_problem_to_string (problem);
  return p;
}

static void
sink_problem (const CsMappingProblem *problem,
              gpointer                user_data)
{
  RowSink *sink = user_data;

  g_ptr_array_add (sink->problems, cs_preview_problem_new (problem));
}

gboolean
cs_mapping_preview_row (CsMappingPreview *self,
                        guint64           index,
                        GPtrArray        *resources,
                        GPtrArray        *problems,
                        GError          **error)
{
  const char * const *fields = cs_table_profile_get_row (self->table, index);
  guint n_columns = cs_csv_profile_get_n_columns (self->table->profile);
  g_autofree gsize *lengths = NULL;
  CsCsvRecord record = { 0 };
  CsMappingSink sink = { sink_resource, sink_problem, NULL };
  RowSink data = { resources, problems };

  g_return_val_if_fail (fields != NULL, FALSE);

  lengths = g_new (gsize, n_columns);
  for (guint i = 0; i < n_columns; i++)
    lengths[i] = strlen (fields[i]);
  record.row = index + 1;
  record.n_fields = n_columns;
  record.fields = (const char **) fields;
  record.lengths = lengths;
  return cs_mapping_run_row (self->run, self->input, &record, &sink, &data, error);
}

int
cs_preview_resource_find_line (const CsPreviewResource *resource,
                               const char              *path)
{
  for (guint i = 0; i < resource->elements->len; i++)
    {
      const CsPreviewElement *e = resource->elements->pdata[i];

      if (g_str_equal (e->path, path))
        return (int) e->line;
    }
  return -1;
}

char *
cs_preview_resources_join (GPtrArray *resources,
                           GArray    *first_lines)
{
  GString *out = g_string_new (NULL);
  guint line = 0;

  g_array_set_size (first_lines, 0);
  for (guint i = 0; i < resources->len; i++)
    {
      const CsPreviewResource *res = resources->pdata[i];

      g_array_append_val (first_lines, line);
      g_string_append (out, res->json);
      for (const char *p = res->json; *p != '\0'; p++)
        if (*p == '\n')
          line++;
      if (i + 1 < resources->len)
        {
          g_string_append_c (out, '\n');
          line++;
        }
    }
  return g_string_free (out, FALSE);
}

const CsPreviewElement *
cs_preview_resources_element_at (GPtrArray *resources,
                                 GArray    *first_lines,
                                 guint      line)
{
  const CsPreviewResource *res = NULL;
  const CsPreviewElement *best = NULL;
  guint first = 0;

  for (guint r = 0; r < resources->len && r < first_lines->len; r++)
    if (g_array_index (first_lines, guint, r) <= line)
      {
        res = resources->pdata[r];
        first = g_array_index (first_lines, guint, r);
      }
  for (guint e = 0; res != NULL && e < res->elements->len; e++)
    {
      const CsPreviewElement *el = res->elements->pdata[e];

      if (first + el->line == line && el->cells->len > 0)
        best = el;
    }
  return best;
}

void
cs_preview_resources_column_lines (GPtrArray *resources,
                                   GArray    *first_lines,
                                   guint      input,
                                   guint      column,
                                   GArray    *lines)
{
  for (guint r = 0; r < resources->len && r < first_lines->len; r++)
    {
      const CsPreviewResource *res = resources->pdata[r];
      guint first = g_array_index (first_lines, guint, r);

      for (guint e = 0; e < res->elements->len; e++)
        {
          const CsPreviewElement *el = res->elements->pdata[e];

          for (guint c = 0; c < el->cells->len; c++)
            {
              const CsMappingCell *cell = &g_array_index (el->cells, CsMappingCell, c);

              if (cell->input == input && cell->column == column)
                {
                  guint line = first + el->line;

                  g_array_append_val (lines, line);
                  break;
                }
            }
        }
    }
}
