/* cs-mapping-edit.c: changes to a mapping's text that the editor makes
 *
 * The value maps view needs, for a ConceptMap the mapping names: the column
 * it is applied to, the ConceptMap itself (inline or from its file), and a
 * way to replace it with an imported one. These work on the JSON text with
 * json-glib, so the result is a new text the editor puts in its buffer as
 * one undoable edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "cs-mapping-assist.h"

static JsonNode *
parse_text (const char  *text,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* The conceptMaps entry with this id or url, or NULL. */
static JsonNode *
find_map_entry (JsonNode    *root,
                const char  *id,
                const char  *base_dir,
                guint       *out_index,
                JsonNode   **out_loaded)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *maps;

  *out_loaded = NULL;
  if (object == NULL || !json_object_has_member (object, "conceptMaps")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "conceptMaps")))
    return NULL;
  maps = json_object_get_array_member (object, "conceptMaps");
  for (guint i = 0; i < json_array_get_length (maps); i++)
    {
      JsonNode *entry = json_array_get_element (maps, i);
      JsonNode *map = entry;
      JsonObject *mo;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      if (json_object_has_member (json_node_get_object (entry), "$file"))
        {
          const char *file = json_object_get_string_member_with_default (json_node_get_object (entry), "$file", "");
          g_autofree char *path = g_path_is_absolute (file) ? g_strdup (file)
                                  : g_build_filename (base_dir != NULL ? base_dir : ".", file, NULL);
          g_autofree char *data = NULL;

          if (!g_file_get_contents (path, &data, NULL, NULL) || (map = parse_text (data, NULL)) == NULL)
            continue;
        }
      mo = JSON_NODE_HOLDS_OBJECT (map) ? json_node_get_object (map) : NULL;
      if (mo != NULL && (g_strcmp0 (json_object_get_string_member_with_default (mo, "id", NULL), id) == 0
                         || g_strcmp0 (json_object_get_string_member_with_default (mo, "url", NULL), id) == 0))
        {
          *out_index = i;
          if (map != entry)
            *out_loaded = map;
          return map;
        }
      if (map != entry)
        json_node_unref (map);
    }
  return NULL;
}

char *
cs_mapping_text_get_concept_map (const char  *text,
                                 const char  *base_dir,
                                 const char  *id,
                                 GError     **error)
{
  g_autoptr(JsonNode) root = parse_text (text, error);
  g_autoptr(JsonNode) loaded = NULL;
  JsonNode *map;
  guint index;

  if (root == NULL)
    return NULL;
  if ((map = find_map_entry (root, id, base_dir, &index, &loaded)) == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP,
                   _("conceptMaps: no ConceptMap “%s”"), id);
      return NULL;
    }
  return json_to_string (map, TRUE);
}

char *
cs_mapping_text_replace_concept_map (const char  *text,
                                     const char  *base_dir,
                                     const char  *id,
                                     const char  *concept_map_json,
                                     GError     **error)
{
  g_autoptr(JsonNode) root = parse_text (text, error);
  g_autoptr(JsonNode) map = NULL;
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  JsonArray *maps;
  guint index = 0;
  g_autofree char *suffix = g_strconcat (id, ".json", NULL);

  if (root == NULL || (map = parse_text (concept_map_json, error)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (map))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP, _("not a FHIR ConceptMap"));
      return NULL;
    }
  /* the mapping names the map by this id: keep it */
  json_object_set_string_member (json_node_get_object (map), "id", id);
  if (find_map_entry (root, id, base_dir, &index, &loaded) == NULL)
    {
      /* a map from a file the text does not hold, or a new one: add it */
      JsonObject *object = json_node_get_object (root);

      if (!json_object_has_member (object, "conceptMaps"))
        json_object_set_array_member (object, "conceptMaps", json_array_new ());
      maps = json_object_get_array_member (object, "conceptMaps");
      for (index = 0; index < json_array_get_length (maps); index++)
        {
          JsonNode *e = json_array_get_element (maps, index);

          if (JSON_NODE_HOLDS_OBJECT (e) && json_object_has_member (json_node_get_object (e), "$file")
              && g_str_has_suffix (json_object_get_string_member_with_default (json_node_get_object (e), "$file", ""),
                                   suffix))
            break;
        }
      if (index >= json_array_get_length (maps))
        {
          json_array_add_element (maps, g_steal_pointer (&map));
          goto out;
        }
    }
  maps = json_object_get_array_member (json_node_get_object (root), "conceptMaps");
  json_array_remove_element (maps, index);
  {
    /* json-glib 1.6 has no insert: rebuild the array */
    JsonArray *rebuilt = json_array_new ();

    for (guint i = 0; i < json_array_get_length (maps) + 1; i++)
      {
        if (i == index)
          json_array_add_element (rebuilt, g_steal_pointer (&map));
        if (i < json_array_get_length (maps))
          json_array_add_element (rebuilt, json_node_copy (json_array_get_element (maps, i)));
      }
    json_object_set_array_member (json_node_get_object (root), "conceptMaps", rebuilt);
  }
out:
  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static const char *
find_map_column (JsonNode   *node,
                 const char *id)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "$map", NULL), id) == 0
          && json_object_has_member (o, "column"))
        return json_object_get_string_member_with_default (o, "column", NULL);
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "mapped", NULL), id) == 0
          && json_object_has_member (o, "column"))
        return json_object_get_string_member_with_default (o, "column", NULL);
      members = json_object_get_values (o);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *found = find_map_column (l->data, id);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          const char *found = find_map_column (json_array_get_element (a, i), id);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

char *
cs_mapping_text_find_map_column (const char *text,
                                 const char *id)
{
  g_autoptr(JsonNode) root = parse_text (text, NULL);
  JsonObject *object;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "resources"))
    return NULL;
  return g_strdup (find_map_column (json_object_get_member (object, "resources"), id));
}
