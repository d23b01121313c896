/* cs-mapping-structure.c: the mapping as a tree, and structured edits of it
 *
 * Every edit parses the text with json-glib, changes the tree and writes it
 * again (cs-mapping-structure.h says how the formatting is normalised).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-structure.h"

/* ------------------------------------------------------------------ */
/* Text and paths                                                      */

static JsonNode *
parse_root (const char  *text,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("The mapping is not a JSON object"));
      return NULL;
    }
  return json_node_copy (root);
}

static JsonNode *
parse_value (const char  *json,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT, _("An empty value"));
      return NULL;
    }
  return json_node_copy (root);
}

static char *
write_root (JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static char *
compact (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

typedef struct
{
  char *name;   /* a member, or NULL for an index */
  guint index;
} Step;

static void
step_clear (gpointer data)
{
  g_free (((Step *) data)->name);
}

/* "resources[1].template.code" → resources, [1], template, code */
static GArray *
parse_path (const char  *path,
            GError     **error)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, TRUE, sizeof (Step));
  const char *p = path;

  g_array_set_clear_func (steps, step_clear);
  while (*p != '\0')
    {
      if (*p == '[')
        {
          char *end = NULL;
          guint64 index = g_ascii_strtoull (p + 1, &end, 10);
          Step step = { NULL, (guint) index };

          if (end == p + 1 || *end != ']' || index > G_MAXINT)
            goto bad;
          g_array_append_val (steps, step);
          p = end + 1;
        }
      else
        {
          gsize len = strcspn (p, ".[");
          Step step = { g_strndup (p, len), 0 };

          if (len == 0)
            goto bad;
          g_array_append_val (steps, step);
          p += len;
        }
      if (*p == '.')
        {
          p++;
          if (*p == '\0' || *p == '.' || *p == '[')
            goto bad;
        }
    }
  if (steps->len == 0)
    goto bad;
  return g_steal_pointer (&steps);

bad:
  g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
               _("“%s” is not a path such as resources[0].template.code"), path);
  return NULL;
}

static JsonNode *
step_into (JsonNode   *node,
           const Step *step)
{
  if (step->name != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node) || !json_object_has_member (json_node_get_object (node), step->name))
        return NULL;
      return json_object_get_member (json_node_get_object (node), step->name);
    }
  if (!JSON_NODE_HOLDS_ARRAY (node) || step->index >= json_array_get_length (json_node_get_array (node)))
    return NULL;
  return json_array_get_element (json_node_get_array (node), step->index);
}

/* The node at path; with parent_only, its parent (and *last the last step). */
static JsonNode *
resolve (JsonNode    *root,
         const char  *path,
         gboolean     parent_only,
         GArray     **out_steps,
         GError     **error)
{
  g_autoptr(GArray) steps = parse_path (path, error);
  JsonNode *node = root;
  guint n;

  if (steps == NULL)
    return NULL;
  n = parent_only ? steps->len - 1 : steps->len;
  for (guint i = 0; i < n; i++)
    {
      node = step_into (node, &g_array_index (steps, Step, i));
      if (node == NULL)
        {
          g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                       _("%s: the mapping has no such element"), path);
          return NULL;
        }
    }
  if (out_steps != NULL)
    *out_steps = g_steal_pointer (&steps);
  return node;
}

/* json-glib 1.6 has no json_array_replace: rebuild the array with the
 * element at index replaced (value NULL: removed). Takes value. */
static void
array_replace (JsonNode *array_node,
               guint     index,
               JsonNode *value)
{
  JsonArray *old = json_node_get_array (array_node);
  g_autoptr(JsonArray) rebuilt = json_array_new ();

  for (guint i = 0; i < json_array_get_length (old); i++)
    {
      if (i == index)
        {
          if (value != NULL)
            json_array_add_element (rebuilt, value);
        }
      else
        json_array_add_element (rebuilt, json_node_copy (json_array_get_element (old, i)));
    }
  json_node_set_array (array_node, rebuilt);
}

/* Sets (or adds, for a member) the value at path. Takes value. */
static gboolean
set_at (JsonNode    *root,
        const char  *path,
        JsonNode    *value,
        GError     **error)
{
  g_autoptr(JsonNode) owned = value;
  g_autoptr(GArray) steps = NULL;
  JsonNode *parent = resolve (root, path, TRUE, &steps, error);
  const Step *last;

  if (parent == NULL)
    return FALSE;
  last = &g_array_index (steps, Step, steps->len - 1);
  if (last->name != NULL && JSON_NODE_HOLDS_OBJECT (parent))
    json_object_set_member (json_node_get_object (parent), last->name, g_steal_pointer (&owned));
  else if (last->name == NULL && JSON_NODE_HOLDS_ARRAY (parent)
           && last->index < json_array_get_length (json_node_get_array (parent)))
    array_replace (parent, last->index, g_steal_pointer (&owned));
  else
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: the mapping has no such element"), path);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

/* A string for one column, an array for several, NULL for none. */
static JsonNode *
columns_node (const char * const *columns)
{
  guint n = columns != NULL ? g_strv_length ((char **) columns) : 0;
  JsonArray *array;
  JsonNode *node;

  if (n == 0)
    return NULL;
  if (n == 1)
    return string_node (columns[0]);
  array = json_array_new ();
  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, columns[i]);
  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return node;
}

static char **
node_to_strv (JsonNode *node)
{
  GPtrArray *out = g_ptr_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_ptr_array_add (out, g_strdup (json_node_get_string (node)));
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            g_ptr_array_add (out, g_strdup (json_node_get_string (e)));
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* The array member name of o, or NULL; and the length of an array or NULL. */
static JsonArray *
member_array (JsonObject *o,
              const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static guint
array_length (JsonArray *array)
{
  return array != NULL ? json_array_get_length (array) : 0;
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
member_compact (JsonObject *o,
                const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL ? compact (node) : NULL;
}

/* ------------------------------------------------------------------ */
/* The structure                                                       */

static void
element_free (gpointer data)
{
  CsTemplateElement *e = data;

  if (e == NULL)
    return;
  g_free (e->name);
  g_free (e->path);
  g_free (e->column);
  g_free (e->map);
  g_free (e->input);
  g_free (e->value);
  g_free (e->condition);
  g_free (e->unmapped);
  g_clear_pointer (&e->children, g_ptr_array_unref);
  g_free (e);
}

static void
input_free (gpointer data)
{
  CsMappingInputInfo *i = data;

  g_free (i->role);
  g_free (i->path);
  g_strfreev (i->key);
  g_ptr_array_unref (i->joins);
  g_free (i);
}

static void
join_free (gpointer data)
{
  CsMappingJoinInfo *j = data;

  g_free (j->input);
  g_free (j->on);
  g_free (j);
}

static void
resource_free (gpointer data)
{
  CsMappingResourceInfo *r = data;

  g_free (r->name);
  g_free (r->path);
  g_strfreev (r->inputs);
  g_free (r->type);
  g_free (r->id_template);
  g_strfreev (r->id_key);
  g_free (r->condition);
  g_free (r->for_each_column);
  element_free (r->template);
  g_free (r);
}

static void
map_info_free (gpointer data)
{
  CsMappingMapInfo *m = data;

  g_free (m->id);
  g_free (m->file);
  g_free (m);
}

void
cs_mapping_structure_free (CsMappingStructure *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->inputs);
  g_ptr_array_unref (self->resources);
  g_ptr_array_unref (self->maps);
  g_free (self);
}

static gboolean
has_placeholder (const char *s)
{
  const char *open = strstr (s, "{{");

  return open != NULL && strstr (open, "}}") != NULL;
}

static CsTemplateElement *
element_new (const char *name,
             const char *path,
             JsonNode   *node)
{
  CsTemplateElement *e = g_new0 (CsTemplateElement, 1);

  e->name = g_strdup (name);
  e->path = g_strdup (path);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      e->kind = CS_MAPPING_VALUE_ARRAY;
      e->children = g_ptr_array_new_with_free_func (element_free);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          g_autofree char *child_name = g_strdup_printf ("[%u]", i);
          g_autofree char *child_path = g_strdup_printf ("%s[%u]", path, i);

          g_ptr_array_add (e->children, element_new (child_name, child_path, json_array_get_element (a, i)));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) names = json_object_get_members (o);

      if (json_object_has_member (o, "$column"))
        {
          e->kind = CS_MAPPING_VALUE_COLUMN;
          e->column = g_strdup (member_string (o, "$column"));
          e->input = g_strdup (member_string (o, "input"));
        }
      else if (json_object_has_member (o, "$map"))
        {
          e->kind = CS_MAPPING_VALUE_MAP;
          e->value = compact (node);
          e->unmapped = g_strdup (member_string (o, "unmapped"));
          e->map = g_strdup (member_string (o, "$map"));
          e->column = g_strdup (member_string (o, "column"));
          e->input = g_strdup (member_string (o, "input"));
        }
      else if (json_object_has_member (o, "$ref") || json_object_has_member (o, "$refAll"))
        {
          e->kind = CS_MAPPING_VALUE_REF;
          e->map = g_strdup (member_string (o, json_object_has_member (o, "$ref") ? "$ref" : "$refAll"));
        }
      else if (names != NULL && ((const char *) names->data)[0] == '$'
               && !g_str_equal (names->data, "$when"))
        {
          e->kind = CS_MAPPING_VALUE_DIRECTIVE;
          e->value = compact (node);
        }
      else
        {
          e->kind = CS_MAPPING_VALUE_OBJECT;
          e->condition = member_compact (o, "$when");
          e->children = g_ptr_array_new_with_free_func (element_free);
          for (GList *l = names; l != NULL; l = l->next)
            {
              g_autofree char *child_path = NULL;

              if (g_str_equal (l->data, "$when"))
                continue;
              child_path = g_strdup_printf ("%s.%s", path, (const char *) l->data);
              g_ptr_array_add (e->children, element_new (l->data, child_path, json_object_get_member (o, l->data)));
            }
        }
    }
  else
    {
      e->value = compact (node);
      e->kind = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                && has_placeholder (json_node_get_string (node))
                ? CS_MAPPING_VALUE_TEXT : CS_MAPPING_VALUE_CONSTANT;
    }
  return e;
}

CsMappingStructure *
cs_mapping_structure_new (const char  *text,
                          GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(CsMappingStructure) self = NULL;
  JsonObject *doc;
  JsonArray *list;

  if (root == NULL)
    return NULL;
  doc = json_node_get_object (root);
  self = g_new0 (CsMappingStructure, 1);
  self->inputs = g_ptr_array_new_with_free_func (input_free);
  self->resources = g_ptr_array_new_with_free_func (resource_free);
  self->maps = g_ptr_array_new_with_free_func (map_info_free);

  list = member_array (doc, "inputs");
  for (guint i = 0; i < array_length (list); i++)
    {
      JsonNode *in = json_array_get_element (list, i);
      CsMappingInputInfo *info;
      JsonObject *o;
      JsonNode *join;

      if (!JSON_NODE_HOLDS_OBJECT (in))
        continue;
      o = json_node_get_object (in);
      info = g_new0 (CsMappingInputInfo, 1);
      info->role = g_strdup (member_string (o, "role"));
      info->path = g_strdup_printf ("inputs[%u]", i);
      info->key = node_to_strv (json_object_get_member (o, "key"));
      info->optional = json_object_get_boolean_member_with_default (o, "optional", FALSE);
      info->joins = g_ptr_array_new_with_free_func (join_free);
      join = json_object_get_member (o, "join");
      if (join != NULL)
        {
          g_autoptr(JsonArray) joins = JSON_NODE_HOLDS_ARRAY (join) ? json_array_ref (json_node_get_array (join))
                                                                     : json_array_new ();

          if (!JSON_NODE_HOLDS_ARRAY (join))
            json_array_add_element (joins, json_node_copy (join));
          for (guint j = 0; j < json_array_get_length (joins); j++)
            {
              JsonNode *jn = json_array_get_element (joins, j);
              CsMappingJoinInfo *ji;

              if (!JSON_NODE_HOLDS_OBJECT (jn))
                continue;
              ji = g_new0 (CsMappingJoinInfo, 1);
              ji->input = g_strdup (member_string (json_node_get_object (jn), "input"));
              ji->on = member_compact (json_node_get_object (jn), "on");
              g_ptr_array_add (info->joins, ji);
            }
        }
      g_ptr_array_add (self->inputs, info);
    }

  list = member_array (doc, "resources");
  for (guint i = 0; i < array_length (list); i++)
    {
      JsonNode *rn = json_array_get_element (list, i);
      CsMappingResourceInfo *info;
      JsonNode *template;
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (rn))
        continue;
      o = json_node_get_object (rn);
      info = g_new0 (CsMappingResourceInfo, 1);
      info->name = g_strdup (member_string (o, "name"));
      info->path = g_strdup_printf ("resources[%u]", i);
      info->inputs = node_to_strv (json_object_get_member (o, "input"));
      info->condition = member_compact (o, "when");
      info->for_each_column = member_compact (o, "forEachColumn");
      if (json_object_has_member (o, "id"))
        {
          info->id_policy = CS_MAPPING_ID_TEMPLATE;
          info->id_template = g_strdup (member_string (o, "id"));
        }
      else if (json_object_has_member (o, "key"))
        {
          info->id_policy = CS_MAPPING_ID_KEY;
          info->id_key = node_to_strv (json_object_get_member (o, "key"));
        }
      template = json_object_get_member (o, "template");
      if (template != NULL)
        {
          g_autofree char *path = g_strdup_printf ("resources[%u].template", i);

          if (JSON_NODE_HOLDS_OBJECT (template))
            info->type = g_strdup (member_string (json_node_get_object (template), "resourceType"));
          info->template = element_new (info->type != NULL ? info->type : "template", path, template);
        }
      g_ptr_array_add (self->resources, info);
    }

  list = member_array (doc, "conceptMaps");
  for (guint i = 0; i < array_length (list); i++)
    {
      JsonNode *mn = json_array_get_element (list, i);
      CsMappingMapInfo *info;
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (mn))
        continue;
      o = json_node_get_object (mn);
      info = g_new0 (CsMappingMapInfo, 1);
      info->file = g_strdup (member_string (o, "$file"));
      if (info->file != NULL)
        {
          /* named by its file until it is read: "maps/t-stage.json" → t-stage */
          g_autofree char *base = g_path_get_basename (info->file);

          if (g_str_has_suffix (base, ".json"))
            base[strlen (base) - 5] = '\0';
          info->id = g_steal_pointer (&base);
        }
      else
        info->id = g_strdup (member_string (o, "id"));
      g_ptr_array_add (self->maps, info);
    }
  return g_steal_pointer (&self);
}

static const CsTemplateElement *
find_in (const CsTemplateElement *e,
         const char             *path)
{
  if (e == NULL)
    return NULL;
  if (g_str_equal (e->path, path))
    return e;
  if (e->children == NULL || !g_str_has_prefix (path, e->path))
    return NULL;
  for (guint i = 0; i < e->children->len; i++)
    {
      const CsTemplateElement *found = find_in (e->children->pdata[i], path);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const CsTemplateElement *
find_map_use (const CsTemplateElement *e,
              const char              *map)
{
  if (e == NULL)
    return NULL;
  if (e->kind == CS_MAPPING_VALUE_MAP && g_strcmp0 (e->map, map) == 0)
    return e;
  for (guint i = 0; e->children != NULL && i < e->children->len; i++)
    {
      const CsTemplateElement *found = find_map_use (e->children->pdata[i], map);

      if (found != NULL)
        return found;
    }
  return NULL;
}

const char *
cs_mapping_structure_get_map_unmapped (const CsMappingStructure *self,
                                       const char               *map)
{
  for (guint i = 0; i < self->resources->len; i++)
    {
      const CsMappingResourceInfo *r = self->resources->pdata[i];
      const CsTemplateElement *e = find_map_use (r->template, map);

      if (e != NULL)
        return e->unmapped;
    }
  return NULL;
}

const CsTemplateElement *
cs_mapping_structure_find_element (const CsMappingStructure *self,
                                   const char               *path)
{
  for (guint i = 0; i < self->resources->len; i++)
    {
      const CsMappingResourceInfo *r = self->resources->pdata[i];
      const CsTemplateElement *found = find_in (r->template, path);

      if (found != NULL)
        return found;
    }
  return NULL;
}

char *
cs_template_element_describe (const CsTemplateElement *e)
{
  switch (e->kind)
    {
    case CS_MAPPING_VALUE_CONSTANT:
    case CS_MAPPING_VALUE_TEXT:
    case CS_MAPPING_VALUE_DIRECTIVE:
      return g_strdup (e->value);
    case CS_MAPPING_VALUE_COLUMN:
      if (e->input != NULL)
        return g_strdup_printf (_("column “%s” of %s"), e->column, e->input);
      return g_strdup_printf (_("column “%s”"), e->column);
    case CS_MAPPING_VALUE_MAP:
      return g_strdup_printf (_("value map “%s” of column “%s”"), e->map != NULL ? e->map : "",
                              e->column != NULL ? e->column : "");
    case CS_MAPPING_VALUE_REF:
      return g_strdup_printf (_("reference to “%s”"), e->map != NULL ? e->map : "");
    case CS_MAPPING_VALUE_OBJECT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u element", "%u elements", e->children->len),
                              e->children->len);
    case CS_MAPPING_VALUE_ARRAY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", e->children->len),
                              e->children->len);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Edits                                                               */

static char *add_empty_map (const char  *text,
                            const char  *id,
                            const char  *target_system,
                            GError     **error);

char *
cs_mapping_text_set_element (const char  *text,
                             const char  *path,
                             const char  *value_json,
                             GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonNode *value;

  if (root == NULL || (value = parse_value (value_json, error)) == NULL)
    return NULL;
  if (!set_at (root, path, value, error))
    return NULL;
  return write_root (root);
}

char *
cs_mapping_text_set_element_column (const char  *text,
                                    const char  *path,
                                    const char  *column,
                                    const char  *input,
                                    GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonObject *o;

  if (root == NULL)
    return NULL;
  o = json_object_new ();
  json_object_set_string_member (o, "$column", column);
  if (input != NULL)
    json_object_set_string_member (o, "input", input);
  if (!set_at (root, path, json_node_init_object (json_node_alloc (), o), error))
    {
      json_object_unref (o);
      return NULL;
    }
  json_object_unref (o);
  return write_root (root);
}

char *
cs_mapping_text_set_element_constant (const char  *text,
                                      const char  *path,
                                      const char  *value,
                                      gboolean     as_text,
                                      GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autofree char *trimmed = g_strstrip (g_strdup (value));
  JsonNode *old, *node = NULL;
  gboolean typed;

  if (root == NULL)
    return NULL;
  old = resolve (root, path, FALSE, NULL, NULL);
  typed = !as_text || (old != NULL && JSON_NODE_HOLDS_VALUE (old) && json_node_get_value_type (old) != G_TYPE_STRING);
  if (typed)
    {
      char *end = NULL;
      double number = g_ascii_strtod (trimmed, &end);

      if (g_str_equal (trimmed, "true") || g_str_equal (trimmed, "false"))
        node = json_node_init_boolean (json_node_alloc (), g_str_equal (trimmed, "true"));
      else if (*trimmed != '\0' && end != NULL && *end == '\0' && (g_ascii_isdigit (*trimmed) || *trimmed == '-'))
        {
          if (strchr (trimmed, '.') == NULL && strchr (trimmed, 'e') == NULL && strchr (trimmed, 'E') == NULL)
            node = json_node_init_int (json_node_alloc (), g_ascii_strtoll (trimmed, NULL, 10));
          else
            node = json_node_init_double (json_node_alloc (), number);
        }
    }
  if (node == NULL)
    {
      if (*value == '\0')
        {
          g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                       _("%s: a fixed value cannot be empty (FHIR has no empty strings): remove the element instead"),
                       path);
          return NULL;
        }
      node = string_node (value);
    }
  if (!set_at (root, path, node, error))
    return NULL;
  return write_root (root);
}

char *
cs_mapping_text_set_element_map (const char  *text,
                                 const char  *path,
                                 const char  *map,
                                 const char  *column,
                                 const char  *as,
                                 GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonNode *old;
  JsonObject *o;
  JsonNode *node;

  if (root == NULL)
    return NULL;
  o = json_object_new ();
  node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  json_object_set_string_member (o, "$map", map);
  json_object_set_string_member (o, "column", column);
  old = resolve (root, path, FALSE, NULL, NULL);
  if (old != NULL && JSON_NODE_HOLDS_OBJECT (old) && json_object_has_member (json_node_get_object (old), "$map"))
    {
      static const char * const keep[] = { "input", "unmapped", "as", "text", "required" };

      for (guint i = 0; i < G_N_ELEMENTS (keep); i++)
        if (json_object_has_member (json_node_get_object (old), keep[i])
            && !(g_str_equal (keep[i], "as") && as != NULL))
          json_object_set_member (o, keep[i], json_node_copy (json_object_get_member (json_node_get_object (old), keep[i])));
    }
  if (as != NULL)
    json_object_set_string_member (o, "as", as);
  if (!set_at (root, path, node, error))
    return NULL;
  return write_root (root);
}

static gboolean
is_directive (JsonObject *o)
{
  g_autoptr(GList) names = json_object_get_members (o);

  for (GList *l = names; l != NULL; l = l->next)
    if (((const char *) l->data)[0] == '$' && !g_str_equal (l->data, "$when"))
      return TRUE;
  return FALSE;
}

static JsonNode *
coding_node (const CsCoding *coding)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_init_object (json_node_alloc (), o);

  json_object_unref (o);
  if (coding->system != NULL)
    json_object_set_string_member (o, "system", coding->system);
  json_object_set_string_member (o, "code", coding->code);
  if (coding->display != NULL)
    json_object_set_string_member (o, "display", coding->display);
  return node;
}

char *
cs_mapping_text_put_coding (const char      *text,
                            const char      *path,
                            const CsCoding  *coding,
                            GError         **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonNode *node;

  if (root == NULL)
    return NULL;
  if (coding->code == NULL || *coding->code == '\0')
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT, _("%s: a coding needs a code"), path);
      return NULL;
    }
  node = resolve (root, path, FALSE, NULL, NULL);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    json_array_add_element (json_node_get_array (node), coding_node (coding));
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
           && json_object_has_member (json_node_get_object (node), "coding")
           && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (node), "coding")))
    json_array_add_element (json_object_get_array_member (json_node_get_object (node), "coding"), coding_node (coding));
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
           && (json_object_has_member (json_node_get_object (node), "code")
               || json_object_has_member (json_node_get_object (node), "system")))
    {
      if (!set_at (root, path, coding_node (coding), error))
        return NULL;
    }
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) && !is_directive (json_node_get_object (node)))
    {
      /* a CodeableConcept with only a text so far: its first coding */
      JsonArray *codings = json_array_new ();

      json_array_add_element (codings, coding_node (coding));
      json_object_set_array_member (json_node_get_object (node), "coding", codings);
    }
  else
    {
      JsonObject *concept = json_object_new ();
      JsonArray *codings = json_array_new ();

      json_array_add_element (codings, coding_node (coding));
      json_object_set_array_member (concept, "coding", codings);
      if (!set_at (root, path, json_node_init_object (json_node_alloc (), concept), error))
        {
          json_object_unref (concept);
          return NULL;
        }
      json_object_unref (concept);
    }
  return write_root (root);
}

char *
cs_mapping_text_add_element (const char  *text,
                             const char  *parent_path,
                             const char  *name,
                             const char  *value_json,
                             GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(JsonNode) value = NULL;
  JsonNode *parent;

  if (root == NULL || (value = parse_value (value_json, error)) == NULL
      || (parent = resolve (root, parent_path, FALSE, NULL, error)) == NULL)
    return NULL;
  if (name != NULL && JSON_NODE_HOLDS_OBJECT (parent))
    {
      if (*name == '\0' || json_object_has_member (json_node_get_object (parent), name))
        {
          g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                       *name == '\0' ? _("%s: the new element needs a name")
                                     : _("%s already has an element “%s”: edit that one"), parent_path, name);
          return NULL;
        }
      json_object_set_member (json_node_get_object (parent), name, g_steal_pointer (&value));
    }
  else if (name == NULL && JSON_NODE_HOLDS_ARRAY (parent))
    json_array_add_element (json_node_get_array (parent), g_steal_pointer (&value));
  else
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   name != NULL ? _("%s is not an object: elements are added to objects")
                                : _("%s is not a list: items are added to lists"), parent_path);
      return NULL;
    }
  return write_root (root);
}

char *
cs_mapping_text_remove_element (const char  *text,
                                const char  *path,
                                GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(GArray) steps = NULL;
  JsonNode *parent;
  const Step *last;

  if (root == NULL || (parent = resolve (root, path, TRUE, &steps, error)) == NULL)
    return NULL;
  last = &g_array_index (steps, Step, steps->len - 1);
  if (step_into (parent, last) == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: the mapping has no such element"), path);
      return NULL;
    }
  if (last->name != NULL)
    json_object_remove_member (json_node_get_object (parent), last->name);
  else
    array_replace (parent, last->index, NULL);
  return write_root (root);
}

char *
cs_mapping_text_set_condition (const char  *text,
                               const char  *path,
                               const char  *condition_json,
                               GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(JsonNode) condition = NULL;
  g_autoptr(GArray) steps = NULL;
  JsonNode *node;
  const char *member;

  if (root == NULL || (node = resolve (root, path, FALSE, &steps, error)) == NULL)
    return NULL;
  if (condition_json != NULL && (condition = parse_value (condition_json, error)) == NULL)
    return NULL;
  if (condition != NULL && !JSON_NODE_HOLDS_OBJECT (condition))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: a condition is an object such as {\"column\": \"age\", \"present\": true}"), path);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: only resources and objects of a template take a condition"), path);
      return NULL;
    }
  /* "resources[N]" is a resource: its condition is "when" */
  member = steps->len == 2 && g_strcmp0 (g_array_index (steps, Step, 0).name, "resources") == 0
           && g_array_index (steps, Step, 1).name == NULL ? "when" : "$when";
  if (condition != NULL)
    json_object_set_member (json_node_get_object (node), member, g_steal_pointer (&condition));
  else if (json_object_has_member (json_node_get_object (node), member))
    json_object_remove_member (json_node_get_object (node), member);
  return write_root (root);
}

/* The object of the input with this role, or NULL with an error. */
static JsonObject *
find_input (JsonNode    *root,
            const char  *role,
            GError     **error)
{
  JsonArray *inputs = member_array (json_node_get_object (root), "inputs");

  for (guint i = 0; i < array_length (inputs); i++)
    {
      JsonNode *in = json_array_get_element (inputs, i);

      if (JSON_NODE_HOLDS_OBJECT (in) && g_strcmp0 (member_string (json_node_get_object (in), "role"), role) == 0)
        return json_node_get_object (in);
    }
  g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT, _("inputs: no input “%s”"), role);
  return NULL;
}

/* The resource with this name, or NULL with an error. */
static JsonObject *
find_resource (JsonNode    *root,
               const char  *name,
               guint       *out_index,
               GError     **error)
{
  JsonArray *resources = member_array (json_node_get_object (root), "resources");

  for (guint i = 0; i < array_length (resources); i++)
    {
      JsonNode *r = json_array_get_element (resources, i);

      if (JSON_NODE_HOLDS_OBJECT (r) && g_strcmp0 (member_string (json_node_get_object (r), "name"), name) == 0)
        {
          if (out_index != NULL)
            *out_index = i;
          return json_node_get_object (r);
        }
    }
  g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT, _("resources: no resource “%s”"), name);
  return NULL;
}

char *
cs_mapping_text_set_input_key (const char          *text,
                               const char          *role,
                               const char * const  *columns,
                               GError             **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonObject *input;
  JsonNode *key;

  if (root == NULL || (input = find_input (root, role, error)) == NULL)
    return NULL;
  key = columns_node (columns);
  if (key != NULL)
    json_object_set_member (input, "key", key);
  else if (json_object_has_member (input, "key"))
    json_object_remove_member (input, "key");
  return write_root (root);
}

char *
cs_mapping_text_set_input_join (const char          *text,
                                const char          *role,
                                const char          *other,
                                const char * const  *on,
                                GError             **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(JsonArray) joins = json_array_new ();
  JsonObject *input;
  JsonNode *old;
  JsonNode *on_node;
  gboolean placed = FALSE;

  if (root == NULL || (input = find_input (root, role, error)) == NULL)
    return NULL;
  if (g_strcmp0 (role, other) == 0)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("inputs: “%s” cannot join itself"), role);
      return NULL;
    }
  if (find_input (root, other, error) == NULL)
    return NULL;
  on_node = columns_node (on);
  old = json_object_get_member (input, "join");
  if (old != NULL)
    {
      g_autoptr(JsonArray) list = JSON_NODE_HOLDS_ARRAY (old) ? json_array_ref (json_node_get_array (old)) : json_array_new ();

      if (!JSON_NODE_HOLDS_ARRAY (old))
        json_array_add_element (list, json_node_copy (old));
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *j = json_array_get_element (list, i);

          if (JSON_NODE_HOLDS_OBJECT (j) && g_strcmp0 (member_string (json_node_get_object (j), "input"), other) == 0)
            {
              if (on_node != NULL && !placed)
                {
                  JsonObject *copy = json_object_new ();

                  json_object_set_string_member (copy, "input", other);
                  json_object_set_member (copy, "on", on_node);
                  on_node = NULL;
                  json_array_add_object_element (joins, copy);
                  placed = TRUE;
                }
              continue;
            }
          json_array_add_element (joins, json_node_copy (j));
        }
    }
  if (on_node != NULL)
    {
      JsonObject *join = json_object_new ();

      json_object_set_string_member (join, "input", other);
      json_object_set_member (join, "on", on_node);
      json_array_add_object_element (joins, join);
    }
  if (json_array_get_length (joins) == 0)
    {
      if (json_object_has_member (input, "join"))
        json_object_remove_member (input, "join");
    }
  else if (json_array_get_length (joins) == 1)
    json_object_set_member (input, "join", json_node_copy (json_array_get_element (joins, 0)));
  else
    json_object_set_array_member (input, "join", json_array_ref (joins));
  return write_root (root);
}

char *
cs_mapping_text_set_id_policy (const char          *text,
                               const char          *resource,
                               CsMappingIdPolicy    policy,
                               const char * const  *values,
                               GError             **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonObject *r;
  JsonNode *key = NULL;

  if (root == NULL || (r = find_resource (root, resource, NULL, error)) == NULL)
    return NULL;
  if (policy == CS_MAPPING_ID_TEMPLATE && (values == NULL || values[0] == NULL || *values[0] == '\0'))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: an explicit id needs a value such as {{PatientID}}"), resource);
      return NULL;
    }
  if (policy == CS_MAPPING_ID_KEY && (key = columns_node (values)) == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("%s: an id from a key needs at least one column"), resource);
      return NULL;
    }
  if (json_object_has_member (r, "id"))
    json_object_remove_member (r, "id");
  if (json_object_has_member (r, "key"))
    json_object_remove_member (r, "key");
  if (policy == CS_MAPPING_ID_TEMPLATE)
    json_object_set_string_member (r, "id", values[0]);
  else if (policy == CS_MAPPING_ID_KEY)
    json_object_set_member (r, "key", key);
  return write_root (root);
}

char *
cs_mapping_text_add_resource (const char  *text,
                              const char  *name,
                              const char  *input,
                              const char  *type,
                              GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonObject *doc, *r, *template;

  if (root == NULL)
    return NULL;
  doc = json_node_get_object (root);
  if (name == NULL || *name == '\0' || find_resource (root, name, NULL, NULL) != NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   name == NULL || *name == '\0' ? _("resources: a new resource needs a name")
                                                 : _("resources: the name “%s” is in use: names are unique"),
                   name);
      return NULL;
    }
  if (find_input (root, input, error) == NULL)
    return NULL;
  if (!json_object_has_member (doc, "resources") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (doc, "resources")))
    json_object_set_array_member (doc, "resources", json_array_new ());
  r = json_object_new ();
  json_object_set_string_member (r, "name", name);
  json_object_set_string_member (r, "input", input);
  template = json_object_new ();
  json_object_set_string_member (template, "resourceType", type);
  json_object_set_object_member (r, "template", template);
  json_array_add_object_element (json_object_get_array_member (doc, "resources"), r);
  return write_root (root);
}

char *
cs_mapping_text_remove_resource (const char  *text,
                                 const char  *name,
                                 GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  guint index = 0;

  if (root == NULL || find_resource (root, name, &index, error) == NULL)
    return NULL;
  array_replace (json_object_get_member (json_node_get_object (root), "resources"), index, NULL);
  return write_root (root);
}

char *
cs_mapping_text_add_concept_map (const char      *text,
                                 const char      *id,
                                 const char      *target_system,
                                 const char      *source,
                                 const CsCoding  *targets,
                                 guint            n_targets,
                                 GError         **error)
{
  g_autofree char *empty = add_empty_map (text, id, target_system, error);

  if (empty == NULL)
    return NULL;
  return cs_mapping_text_set_map_entry (empty, NULL, id, source, targets, n_targets, NULL, error);
}

static char *
add_empty_map (const char  *text,
               const char  *id,
               const char  *target_system,
               GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  g_autoptr(CsMappingStructure) structure = NULL;
  JsonObject *doc, *map, *group;
  const char *ns;
  g_autofree char *url = NULL;

  if (root == NULL || (structure = cs_mapping_structure_new (text, error)) == NULL)
    return NULL;
  if (id == NULL || !g_regex_match_simple ("^[A-Za-z0-9.-]{1,64}$", id, 0, 0))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("conceptMaps: “%s” is not a FHIR id (1–64 letters, digits, “-” and “.”)"), id != NULL ? id : "");
      return NULL;
    }
  for (guint i = 0; i < structure->maps->len; i++)
    if (g_strcmp0 (((CsMappingMapInfo *) structure->maps->pdata[i])->id, id) == 0)
      {
        g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                     _("conceptMaps: the id “%s” is in use"), id);
        return NULL;
      }
  doc = json_node_get_object (root);
  ns = member_string (doc, "namespace");
  url = g_strdup_printf ("%s/ConceptMap/%s", ns != NULL && g_str_has_prefix (ns, "http") ? ns : "urn:cohortscope", id);
  map = json_object_new ();
  json_object_set_string_member (map, "resourceType", "ConceptMap");
  json_object_set_string_member (map, "id", id);
  json_object_set_string_member (map, "url", url);
  json_object_set_string_member (map, "status", "draft");
  group = json_object_new ();
  if (target_system != NULL)
    json_object_set_string_member (group, "target", target_system);
  json_object_set_array_member (group, "element", json_array_new ());
  json_object_set_array_member (map, "group", json_array_new ());
  json_array_add_object_element (json_object_get_array_member (map, "group"), group);
  if (!json_object_has_member (doc, "conceptMaps") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (doc, "conceptMaps")))
    json_object_set_array_member (doc, "conceptMaps", json_array_new ());
  json_array_add_object_element (json_object_get_array_member (doc, "conceptMaps"), map);
  return write_root (root);
}

/* The map's groups after taking source out of each; returns whether it was there. */
static gboolean
remove_source (JsonArray  *groups,
               const char *source)
{
  gboolean found = FALSE;

  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonNode *gn = json_array_get_element (groups, g);
      JsonNode *elements;

      if (!JSON_NODE_HOLDS_OBJECT (gn) || (elements = json_object_get_member (json_node_get_object (gn), "element")) == NULL
          || !JSON_NODE_HOLDS_ARRAY (elements))
        continue;
      for (guint e = json_array_get_length (json_node_get_array (elements)); e-- > 0;)
        {
          JsonNode *en = json_array_get_element (json_node_get_array (elements), e);
          g_autofree char *code = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (en))
            continue;
          code = g_strstrip (g_strdup (member_string (json_node_get_object (en), "code")));
          if (g_strcmp0 (code, source) == 0)
            {
              array_replace (elements, e, NULL);
              found = TRUE;
            }
        }
    }
  /* a group left without elements goes (FHIR needs at least one), but not the last one */
  for (guint g = json_array_get_length (groups); g-- > 0 && json_array_get_length (groups) > 1;)
    {
      JsonNode *gn = json_array_get_element (groups, g);
      JsonNode *elements = JSON_NODE_HOLDS_OBJECT (gn) ? json_object_get_member (json_node_get_object (gn), "element") : NULL;

      if (elements != NULL && JSON_NODE_HOLDS_ARRAY (elements) && json_array_get_length (json_node_get_array (elements)) == 0)
        json_array_remove_element (groups, g);
    }
  return found;
}

static JsonObject *
group_for (JsonArray  *groups,
           const char *system,
           JsonObject *first)
{
  JsonObject *group;

  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonNode *gn = json_array_get_element (groups, g);

      if (JSON_NODE_HOLDS_OBJECT (gn) && (system == NULL || g_strcmp0 (member_string (json_node_get_object (gn), "target"), system) == 0))
        return json_node_get_object (gn);
    }
  group = json_object_new ();
  if (first != NULL && member_string (first, "source") != NULL)
    json_object_set_string_member (group, "source", member_string (first, "source"));
  if (system != NULL)
    json_object_set_string_member (group, "target", system);
  json_object_set_array_member (group, "element", json_array_new ());
  json_array_add_object_element (groups, group);
  return group;
}

static JsonObject *
element_in (JsonObject *group,
            const char *source)
{
  JsonObject *element;

  if (!json_object_has_member (group, "element") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (group, "element")))
    json_object_set_array_member (group, "element", json_array_new ());
  for (guint e = 0; e < json_array_get_length (json_object_get_array_member (group, "element")); e++)
    {
      JsonNode *en = json_array_get_element (json_object_get_array_member (group, "element"), e);

      if (JSON_NODE_HOLDS_OBJECT (en) && g_strcmp0 (member_string (json_node_get_object (en), "code"), source) == 0)
        return json_node_get_object (en);
    }
  element = json_object_new ();
  json_object_set_string_member (element, "code", source);
  json_object_set_array_member (element, "target", json_array_new ());
  json_array_add_object_element (json_object_get_array_member (group, "element"), element);
  return element;
}

typedef enum
{
  EDIT_SET,      /* the value's targets replaced */
  EDIT_APPEND,   /* a target added to the value's (a "no code" target goes) */
  EDIT_REMOVE,   /* the value taken out */
} EditMode;

/* Takes out of the value's elements the targets that say "no code". */
static void
remove_no_code_targets (JsonArray  *groups,
                        const char *source)
{
  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonNode *gn = json_array_get_element (groups, g);
      JsonNode *elements = JSON_NODE_HOLDS_OBJECT (gn) ? json_object_get_member (json_node_get_object (gn), "element") : NULL;

      for (guint e = 0; elements != NULL && JSON_NODE_HOLDS_ARRAY (elements) && e < json_array_get_length (json_node_get_array (elements)); e++)
        {
          JsonNode *en = json_array_get_element (json_node_get_array (elements), e);
          JsonNode *targets;

          if (!JSON_NODE_HOLDS_OBJECT (en) || g_strcmp0 (member_string (json_node_get_object (en), "code"), source) != 0
              || (targets = json_object_get_member (json_node_get_object (en), "target")) == NULL
              || !JSON_NODE_HOLDS_ARRAY (targets))
            continue;
          for (guint t = json_array_get_length (json_node_get_array (targets)); t-- > 0;)
            {
              JsonNode *tn = json_array_get_element (json_node_get_array (targets), t);
              const char *eq = JSON_NODE_HOLDS_OBJECT (tn) ? member_string (json_node_get_object (tn), "equivalence") : NULL;

              if (g_strcmp0 (eq, "unmatched") == 0 || g_strcmp0 (eq, "disjoint") == 0)
                array_replace (targets, t, NULL);
            }
        }
    }
}

/* Reads the map (inline or from its file), changes it, puts it back inline. */
static char *
edit_map (const char  *text,
          const char  *base_dir,
          const char  *map,
          const char  *source,
          const CsCoding *targets,
          guint        n_targets,
          const char  *comment,
          EditMode     mode,
          GError     **error)
{
  gboolean remove = mode == EDIT_REMOVE;
  g_autofree char *json = cs_mapping_text_get_concept_map (text, base_dir, map, error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *trimmed = NULL;
  JsonObject *o;
  JsonArray *groups;

  if (json == NULL || (node = parse_value (json, error)) == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (source != NULL ? source : ""));
  if (*trimmed == '\0')
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("conceptMaps “%s”: a value map entry needs a source value"), map);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!json_object_has_member (o, "group") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "group")))
    json_object_set_array_member (o, "group", json_array_new ());
  groups = json_object_get_array_member (o, "group");
  if (mode == EDIT_APPEND)
    remove_no_code_targets (groups, trimmed);
  else if (!remove_source (groups, trimmed) && remove)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("conceptMaps “%s”: no entry for “%s”"), map, trimmed);
      return NULL;
    }
  if (!remove)
    {
      JsonObject *first = json_array_get_length (groups) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (groups, 0))
                          ? json_array_get_object_element (groups, 0) : NULL;

      if (n_targets == 0)
        {
          JsonObject *element = element_in (group_for (groups, NULL, first), trimmed);
          JsonObject *target = json_object_new ();

          json_object_set_string_member (target, "equivalence", "unmatched");
          json_object_set_string_member (target, "comment",
                                         comment != NULL && *comment != '\0' ? comment : "No code for this value (set in Cohortscope's editor).");
          json_array_add_object_element (json_object_get_array_member (element, "target"), target);
        }
      for (guint i = 0; i < n_targets; i++)
        {
          JsonObject *group = group_for (groups, targets[i].system, first);
          JsonObject *element = element_in (group, trimmed);
          JsonObject *target = json_object_new ();

          if (targets[i].code == NULL || *targets[i].code == '\0')
            {
              json_object_unref (target);
              g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                           _("conceptMaps “%s”: target %u of “%s” has no code"), map, i + 1, trimmed);
              return NULL;
            }
          json_object_set_string_member (target, "code", targets[i].code);
          if (targets[i].display != NULL)
            json_object_set_string_member (target, "display", targets[i].display);
          json_object_set_string_member (target, "equivalence", "equivalent");
          if (comment != NULL && *comment != '\0')
            json_object_set_string_member (target, "comment", comment);
          json_array_add_object_element (json_object_get_array_member (element, "target"), target);
        }
    }
  changed = compact (node);
  return cs_mapping_text_replace_concept_map (text, base_dir, map, changed, error);
}

char *
cs_mapping_text_set_map_entry (const char      *text,
                               const char      *base_dir,
                               const char      *map,
                               const char      *source,
                               const CsCoding  *targets,
                               guint            n_targets,
                               const char      *comment,
                               GError         **error)
{
  return edit_map (text, base_dir, map, source, targets, n_targets, comment, EDIT_SET, error);
}

char *
cs_mapping_text_add_map_target (const char      *text,
                                const char      *base_dir,
                                const char      *map,
                                const char      *source,
                                const CsCoding  *target,
                                GError         **error)
{
  return edit_map (text, base_dir, map, source, target, 1, NULL, EDIT_APPEND, error);
}

char *
cs_mapping_text_remove_map_entry (const char  *text,
                                  const char  *base_dir,
                                  const char  *map,
                                  const char  *source,
                                  GError     **error)
{
  return edit_map (text, base_dir, map, source, NULL, 0, NULL, EDIT_REMOVE, error);
}

static guint
set_unmapped_in (JsonNode   *node,
                 const char *map,
                 const char *policy)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) values = NULL;

      if (g_strcmp0 (member_string (o, "$map"), map) == 0)
        {
          if (policy != NULL)
            json_object_set_string_member (o, "unmapped", policy);
          else if (json_object_has_member (o, "unmapped"))
            json_object_remove_member (o, "unmapped");
          return 1;
        }
      values = json_object_get_values (o);
      for (GList *l = values; l != NULL; l = l->next)
        n += set_unmapped_in (l->data, map, policy);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      n += set_unmapped_in (json_array_get_element (json_node_get_array (node), i), map, policy);
  return n;
}

char *
cs_mapping_text_set_map_unmapped (const char  *text,
                                  const char  *map,
                                  const char  *policy,
                                  GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (text, error);
  JsonNode *resources;

  if (root == NULL)
    return NULL;
  if (policy != NULL && !g_str_equal (policy, "error") && !g_str_equal (policy, "keep") && !g_str_equal (policy, "omit"))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("“%s” is not an unmapped policy: error, keep or omit"), policy);
      return NULL;
    }
  resources = json_object_get_member (json_node_get_object (root), "resources");
  if (resources == NULL || set_unmapped_in (resources, map, policy) == 0)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                   _("resources: no element uses the value map “%s”"), map);
      return NULL;
    }
  return write_root (root);
}
