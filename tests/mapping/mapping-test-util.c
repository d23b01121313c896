/* mapping-test-util.c: run a mapping over CSV text in memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "mapping-test-util.h"

gboolean map_test_pipe_inputs = FALSE;

/* A reader of text that comes through a pipe (text fits in its buffer). */
static CsCsvReader *
reader_for_pipe (const char          *text,
                 const char          *name,
                 const CsCsvDialect  *dialect,
                 GError             **error)
{
  g_autoptr(GInputStream) stream = NULL;
  gsize length = strlen (text);
  int fds[2];

  g_assert_cmpuint (length, <, 60000);
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  g_assert_cmpint (write (fds[1], text, length), ==, (gssize) length);
  close (fds[1]);
  stream = g_unix_input_stream_new (fds[0], TRUE);
  return cs_csv_reader_new_for_stream (stream, name, 0, dialect, error);
}

char *
map_test_replace (const char *text,
                  const char *old,
                  const char *new)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, old));
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

static gboolean
on_resource (const CsMappingResource *res,
             gpointer                 user_data,
             GError                 **error)
{
  MapRun *r = user_data;
  g_autofree char *json = g_strndup (res->json, res->length);

  g_ptr_array_add (r->resources, g_steal_pointer (&json));
  g_ptr_array_add (r->ids, g_strdup_printf ("%s/%s", res->resource_type, res->id));
  for (guint i = 0; i < res->n_elements; i++)
    {
      const CsMappingElement *el = &res->elements[i];
      GString *line = g_string_new (NULL);

      g_string_printf (line, "%s/%s %s <-", res->resource_type, res->id, el->path);
      for (guint c = 0; c < el->n_cells; c++)
        g_string_append_printf (line, " %s:%" G_GUINT64_FORMAT ":%s",
                                cs_mapping_get_input_role (r->mapping, el->cells[c].input), el->cells[c].row,
                                cs_mapping_program_get_column_name (r->program, el->cells[c].input,
                                                                    el->cells[c].column));
      g_ptr_array_add (r->elements, g_string_free (line, FALSE));
    }
  return TRUE;
}

static void
on_problem (const CsMappingProblem *p,
            gpointer                user_data)
{
  MapRun *r = user_data;
  char *line = g_strdup_printf ("%s|%s|%" G_GUINT64_FORMAT "|%s|%s|%s|%s",
                                p->severity == CS_MAPPING_SEVERITY_ERROR ? "error" : "warning",
                                p->input ? p->input : "", p->row, p->column ? p->column : "",
                                p->value ? p->value : "", p->resource ? p->resource : "", p->message);

  g_test_message ("problem: %s", line);
  g_ptr_array_add (r->problems, line);
}

static const CsMappingSink sink = { on_resource, on_problem, NULL };

static CsMappingProgram *
compile_tables (CsMapping  *mapping,
                va_list     args,
                GPtrArray  *readers,
                GError    **error)
{
  g_autoptr(GArray) tables = g_array_new (FALSE, TRUE, sizeof (CsMappingTableInfo));
  const char *role;

  while ((role = va_arg (args, const char *)) != NULL)
    {
      const char *text = va_arg (args, const char *);
      int input = cs_mapping_find_input (mapping, role);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      g_autoptr(GError) local = NULL;
      g_autofree char *name = g_strconcat (role, ".csv", NULL);
      CsCsvReader *reader;
      CsMappingTableInfo info = { 0 };

      if (map_test_pipe_inputs)
        reader = reader_for_pipe (text, name, input >= 0 ? cs_mapping_get_input_dialect (mapping, input) : NULL,
                                  &local);
      else
        reader = cs_csv_reader_new_for_bytes (bytes, name,
                                              input >= 0 ? cs_mapping_get_input_dialect (mapping, input) : NULL,
                                              &local);
      g_assert_no_error (local);
      g_ptr_array_add (readers, g_strdup (role));
      g_ptr_array_add (readers, reader);
      info.role = role;
      info.name = cs_csv_reader_get_name (reader);
      info.header = cs_csv_reader_get_header (reader);
      g_array_append_val (tables, info);
    }
  return cs_mapping_compile (mapping, (CsMappingTableInfo *) (gpointer) tables->data, tables->len, error);
}

MapRun *
map_run_new (const char        *mapping_text,
             CsMappingRunFlags  flags,
             ...)
{
  MapRun *r = g_new0 (MapRun, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) readers = g_ptr_array_new ();
  va_list args;

  r->mapping = cs_mapping_load_data (mapping_text, -1, "mapping.json", TEST_SRCDIR "/mapping/data", &error);
  g_assert_no_error (error);
  va_start (args, flags);
  r->program = compile_tables (r->mapping, args, readers, &error);
  va_end (args);
  g_assert_no_error (error);
  r->run = cs_mapping_run_new (r->program, flags);
  for (guint i = 0; i < readers->len; i += 2)
    {
      cs_mapping_run_add_input (r->run, readers->pdata[i], readers->pdata[i + 1], &error);
      g_assert_no_error (error);
      g_free (readers->pdata[i]);
    }
  r->resources = g_ptr_array_new_with_free_func (g_free);
  r->ids = g_ptr_array_new_with_free_func (g_free);
  r->problems = g_ptr_array_new_with_free_func (g_free);
  r->elements = g_ptr_array_new_with_free_func (g_free);
  return r;
}

GError *
map_compile_error (const char *mapping_text,
                   ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = cs_mapping_load_data (mapping_text, -1, "mapping.json", NULL, &error);
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(GPtrArray) readers = g_ptr_array_new ();
  va_list args;

  g_assert_no_error (error);
  va_start (args, mapping_text);
  program = compile_tables (mapping, args, readers, &error);
  va_end (args);
  for (guint i = 0; i < readers->len; i += 2)
    {
      g_free (readers->pdata[i]);
      cs_csv_reader_free (readers->pdata[i + 1]);
    }
  if (error != NULL)
    g_test_message ("compile error: %s", error->message);
  return g_steal_pointer (&error);
}

void
map_run_execute (MapRun       *r,
                 GCancellable *cancellable)
{
  r->ok = cs_mapping_run_all (r->run, &sink, r, cancellable, &r->error);
  cs_mapping_run_get_stats (r->run, &r->stats);
  for (guint i = 0; i < r->resources->len; i++)
    g_test_message ("%s", (char *) r->resources->pdata[i]);
  for (guint i = 0; i < r->elements->len; i++)
    g_test_message ("element: %s", (char *) r->elements->pdata[i]);
}

void
map_run_free (MapRun *r)
{
  cs_mapping_run_free (r->run);
  cs_mapping_program_unref (r->program);
  cs_mapping_unref (r->mapping);
  g_ptr_array_unref (r->resources);
  g_ptr_array_unref (r->ids);
  g_ptr_array_unref (r->problems);
  g_ptr_array_unref (r->elements);
  g_clear_error (&r->error);
  g_free (r);
}

const char *
map_run_find (MapRun     *r,
              const char *type_id)
{
  for (guint i = 0; i < r->ids->len; i++)
    if (g_str_equal (r->ids->pdata[i], type_id))
      return r->resources->pdata[i];
  return NULL;
}

const char *
map_run_first (MapRun     *r,
               const char *type)
{
  g_autofree char *prefix = g_strconcat (type, "/", NULL);

  for (guint i = 0; i < r->ids->len; i++)
    if (g_str_has_prefix (r->ids->pdata[i], prefix))
      return r->resources->pdata[i];
  return NULL;
}

guint
map_run_count (MapRun     *r,
               const char *type)
{
  g_autofree char *prefix = g_strconcat (type, "/", NULL);
  guint n = 0;

  for (guint i = 0; i < r->ids->len; i++)
    n += g_str_has_prefix (r->ids->pdata[i], prefix);
  return n;
}

void
map_run_assert_problem (MapRun     *r,
                        const char *part1,
                        const char *part2)
{
  for (guint i = 0; i < r->problems->len; i++)
    if (strstr (r->problems->pdata[i], part1) != NULL && (part2 == NULL || strstr (r->problems->pdata[i], part2)))
      return;
  for (guint i = 0; i < r->problems->len; i++)
    g_printerr ("problem: %s\n", (char *) r->problems->pdata[i]);
  g_error ("no problem with “%s” and “%s”", part1, part2 ? part2 : "");
}
