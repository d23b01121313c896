/* cs-value-map.c: value-map coverage, and value maps as ConceptMap JSON or CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cs-json.h"
#include "cs-mapping-assist.h"

/* ------------------------------------------------------------------ */
/* Coverage                                                            */

static int
compare_coverage (gconstpointer a,
                  gconstpointer b)
{
  const CsValueCoverage *x = a, *y = b;

  if (x->mapped != y->mapped)
    return x->mapped ? 1 : -1;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->value, y->value);
}

CsMappingCoverage *
cs_mapping_coverage_new (CsConceptMap             *map,
                         const CsCsvColumnProfile *column)
{
  CsMappingCoverage *self;

  g_return_val_if_fail (map != NULL && column != NULL, NULL);

  self = g_new0 (CsMappingCoverage, 1);
  self->values = g_array_sized_new (FALSE, TRUE, sizeof (CsValueCoverage), column->values->len);
  self->rows_missing = column->n_missing;
  self->capped = column->distinct_capped;
  for (guint i = 0; i < column->values->len; i++)
    {
      CsValueCoverage v = { 0 };
      const CsConceptMapTarget *targets = NULL;

      v.value = column->values->pdata[i];
      v.count = g_array_index (column->counts, guint64, i);
      v.mapped = cs_concept_map_translate (map, v.value, &targets, &v.listed) > 0;
      if (v.mapped)
        {
          v.code = targets[0].code;
          v.display = targets[0].display;
          self->rows_mapped += v.count;
        }
      self->rows_total += v.count;
      g_array_append_val (self->values, v);
    }
  g_array_sort (self->values, compare_coverage);
  return self;
}

void
cs_mapping_coverage_free (CsMappingCoverage *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->values);
  g_free (self);
}

char *
cs_mapping_coverage_describe (const CsMappingCoverage *self)
{
  g_autofree char *mapped = g_strdup_printf ("%" G_GUINT64_FORMAT, self->rows_mapped);
  g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, self->rows_total);

  /* Translators: "118 of 120 rows mapped" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s row mapped", "%s of %s rows mapped",
                                       (gulong) MIN (self->rows_total, G_MAXULONG)),
                          mapped, total);
}

/* ------------------------------------------------------------------ */
/* Value maps                                                          */

static void
entry_clear (gpointer data)
{
  CsValueMapEntry *e = data;

  g_free (e->source);
  g_free (e->target);
  g_free (e->display);
}

CsValueMap *
cs_value_map_new (const char *id,
                  const char *target_system)
{
  CsValueMap *self = g_new0 (CsValueMap, 1);

  self->id = g_strdup (id);
  self->target_system = g_strdup (target_system);
  self->entries = g_array_new (FALSE, TRUE, sizeof (CsValueMapEntry));
  g_array_set_clear_func (self->entries, entry_clear);
  return self;
}

void
cs_value_map_free (CsValueMap *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->url);
  g_free (self->source_system);
  g_free (self->target_system);
  g_array_unref (self->entries);
  g_free (self);
}

void
cs_value_map_add (CsValueMap *self,
                  const char *source,
                  const char *target,
                  const char *display)
{
  CsValueMapEntry e = { g_strdup (source), g_strdup (target), g_strdup (display) };

  g_array_append_val (self->entries, e);
}

static gboolean
value_map_fail (GError    **error,
                const char *name,
                const char *path,
                const char *message)
{
  g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP, "%s: %s: %s", name, path, message);
  return FALSE;
}

CsValueMap *
cs_value_map_from_concept_map (const char  *data,
                               gssize       length,
                               const char  *name,
                               GError     **error)
{
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(CsValueMap) self = NULL;
  g_autoptr(GError) local_error = NULL;
  const CsJsonNode *root, *groups;
  guint g = 0;

  if ((doc = cs_json_document_parse (data, length, &local_error)) == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP, "%s: %s", name,
                   local_error->message);
      return NULL;
    }
  root = cs_json_document_get_root (doc);
  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "ConceptMap") != 0)
    {
      value_map_fail (error, name, "resourceType", _("not a FHIR ConceptMap"));
      return NULL;
    }
  groups = cs_json_get (root, "group");
  if (!cs_json_is (groups, CS_JSON_ARRAY) || groups->n_children == 0)
    {
      value_map_fail (error, name, "group", _("must be a non-empty array of groups"));
      return NULL;
    }
  self = cs_value_map_new (cs_json_get_string (root, "id"), NULL);
  self->url = g_strdup (cs_json_get_string (root, "url"));
  if (self->id == NULL && self->url == NULL)
    {
      value_map_fail (error, name, "id", _("a ConceptMap needs an “id” or a “url”"));
      return NULL;
    }
  for (const CsJsonNode *group = cs_json_first (groups); group != NULL; group = group->next, g++)
    {
      const CsJsonNode *elements = cs_json_get (group, "element");
      guint e = 0;

      if (self->source_system == NULL)
        self->source_system = g_strdup (cs_json_get_string (group, "source"));
      if (self->target_system == NULL)
        self->target_system = g_strdup (cs_json_get_string (group, "target"));
      if (!cs_json_is (elements, CS_JSON_ARRAY))
        {
          g_autofree char *path = g_strdup_printf ("group[%u].element", g);

          value_map_fail (error, name, path, _("must be an array"));
          return NULL;
        }
      for (const CsJsonNode *element = cs_json_first (elements); element != NULL; element = element->next, e++)
        {
          const char *source = cs_json_get_string (element, "code");
          const CsJsonNode *targets = cs_json_get (element, "target");
          gboolean any = FALSE;

          if (source == NULL)
            {
              g_autofree char *path = g_strdup_printf ("group[%u].element[%u].code", g, e);

              value_map_fail (error, name, path, _("missing (the source value)"));
              return NULL;
            }
          for (const CsJsonNode *t = cs_json_first (targets); t != NULL; t = t->next)
            {
              const char *code = cs_json_get_string (t, "code");

              if (code != NULL)
                {
                  cs_value_map_add (self, source, code, cs_json_get_string (t, "display"));
                  any = TRUE;
                }
            }
          if (!any)
            cs_value_map_add (self, source, NULL, NULL);
        }
    }
  return g_steal_pointer (&self);
}

CsValueMap *
cs_value_map_from_csv (const char  *path,
                       const char  *id,
                       const char  *target_system,
                       GError     **error)
{
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(CsValueMap) self = NULL;
  CsCsvRecord record;
  GError *read_error = NULL;
  int source, target, display;

  if ((reader = cs_csv_reader_new_for_path (path, NULL, error)) == NULL)
    return NULL;
  source = cs_csv_reader_find_column (reader, "source_code");
  target = cs_csv_reader_find_column (reader, "target_code");
  display = cs_csv_reader_find_column (reader, "target_display");
  if (source < 0 || target < 0)
    {
      g_autofree char *header = g_strjoinv (",", (GStrv) cs_csv_reader_get_header (reader));

      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP,
                   _("%s: line 1: the header needs the columns source_code and target_code "
                     "(and may have target_display); it has %s"), cs_csv_reader_get_name (reader), header);
      return NULL;
    }
  self = cs_value_map_new (id, target_system);
  while (cs_csv_reader_next (reader, &record, &read_error))
    {
      const char *s = record.fields[source];
      const char *t = record.fields[target];
      const char *d = display >= 0 ? record.fields[display] : NULL;

      if (*s == '\0')
        {
          cs_csv_reader_set_cell_error (reader, &record, source, error, CS_MAPPING_ASSIST_ERROR,
                                        CS_MAPPING_ASSIST_ERROR_VALUE_MAP, _("the source code is empty"));
          return NULL;
        }
      cs_value_map_add (self, s, *t != '\0' ? t : NULL, d != NULL && *d != '\0' ? d : NULL);
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, read_error);
      return NULL;
    }
  return g_steal_pointer (&self);
}

char *
cs_value_map_to_concept_map (const CsValueMap *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "ConceptMap");
  if (self->id != NULL)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, self->id);
    }
  if (self->url != NULL)
    {
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, self->url);
    }
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "draft");
  json_builder_set_member_name (b, "group");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  if (self->source_system != NULL)
    {
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, self->source_system);
    }
  if (self->target_system != NULL)
    {
      json_builder_set_member_name (b, "target");
      json_builder_add_string_value (b, self->target_system);
    }
  json_builder_set_member_name (b, "element");
  json_builder_begin_array (b);
  /* one element per source value, its targets in file order */
  for (guint i = 0; i < self->entries->len; i++)
    {
      const CsValueMapEntry *e = &g_array_index (self->entries, CsValueMapEntry, i);

      if (g_hash_table_contains (done, e->source))
        continue;
      g_hash_table_add (done, e->source);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, e->source);
      json_builder_set_member_name (b, "target");
      json_builder_begin_array (b);
      for (guint j = i; j < self->entries->len; j++)
        {
          const CsValueMapEntry *t = &g_array_index (self->entries, CsValueMapEntry, j);

          if (!g_str_equal (t->source, e->source))
            continue;
          json_builder_begin_object (b);
          if (t->target != NULL)
            {
              json_builder_set_member_name (b, "code");
              json_builder_add_string_value (b, t->target);
              if (t->display != NULL)
                {
                  json_builder_set_member_name (b, "display");
                  json_builder_add_string_value (b, t->display);
                }
              json_builder_set_member_name (b, "equivalence");
              json_builder_add_string_value (b, "equivalent");
            }
          else
            {
              json_builder_set_member_name (b, "equivalence");
              json_builder_add_string_value (b, "unmatched");
              json_builder_set_member_name (b, "comment");
              json_builder_add_string_value (b, "No target code for this value.");
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

char *
cs_value_map_to_csv (const CsValueMap *self)
{
  GString *out = g_string_new ("source_code,target_code,target_display\r\n");

  for (guint i = 0; i < self->entries->len; i++)
    {
      const CsValueMapEntry *e = &g_array_index (self->entries, CsValueMapEntry, i);

      cs_csv_append_field (out, e->source, ',');
      g_string_append_c (out, ',');
      cs_csv_append_field (out, e->target != NULL ? e->target : "", ',');
      g_string_append_c (out, ',');
      cs_csv_append_field (out, e->display != NULL ? e->display : "", ',');
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}
