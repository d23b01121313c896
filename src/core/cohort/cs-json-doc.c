/* cs-json-doc.c: reading Cohortscope's own JSON files with json-glib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-json-doc.h"

static const char *
doc_name (const CsJsonDoc *doc)
{
  return doc->where != NULL ? doc->where : doc->what;
}

void
cs_json_doc_error (const CsJsonDoc  *doc,
                   GError          **error,
                   const char       *path,
                   const char       *format,
                   ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, doc->domain, doc->code, "%s: %s: %s", doc_name (doc), path, msg);
}

const char *
cs_json_doc_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("an array");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return _("a string");
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return _("a boolean");
  return _("a number");
}

JsonNode *
cs_json_doc_parse (const CsJsonDoc  *doc,
                   const char       *data,
                   gssize            length,
                   GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length < 0)
    length = (gssize) strlen (data);

  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, doc->domain, doc->code, _("%s: the file is not UTF-8 text"), doc_name (doc));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib reports "<data>:LINE:COLUMN: Parse error: …" */
      const char *msg = local_error->message;

      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, doc->domain, doc->code, _("%s:%s (not valid JSON)"), doc_name (doc), msg);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      cs_json_doc_error (doc, error, "$", _("expected a JSON object but found %s"),
                         root != NULL ? cs_json_doc_type_name (root) : _("nothing"));
      return NULL;
    }

  return json_node_copy (root);
}

/* The member's node in *node, NULL when it is absent or null: then an
 * error saying missing when required. *path gets its JSON path. */
static gboolean
get_member (const CsJsonDoc  *doc,
            JsonObject       *object,
            const char       *member,
            const char       *parent_path,
            gboolean          required,
            const char       *missing,
            JsonNode        **node,
            char            **path,
            GError          **error)
{
  *path = g_strdup_printf ("%s.%s", parent_path, member);
  *node = json_object_get_member (object, member);
  if (*node != NULL && !JSON_NODE_HOLDS_NULL (*node))
    return TRUE;
  *node = NULL;
  if (required)
    {
      cs_json_doc_error (doc, error, *path, "%s", missing);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_json_doc_get_string (const CsJsonDoc  *doc,
                        JsonObject       *object,
                        const char       *member,
                        const char       *parent_path,
                        gboolean          required,
                        char            **out,
                        GError          **error)
{
  g_autofree char *path = NULL;
  JsonNode *node;

  if (!get_member (doc, object, member, parent_path, required, _("missing (a string is required)"),
                   &node, &path, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      cs_json_doc_error (doc, error, path, _("expected a string but found %s"), cs_json_doc_type_name (node));
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
cs_json_doc_get_number (const CsJsonDoc  *doc,
                        JsonObject       *object,
                        const char       *member,
                        const char       *parent_path,
                        gboolean          nullable,
                        double           *out,
                        GError          **error)
{
  g_autofree char *path = NULL;
  JsonNode *node;
  GType type;

  *out = NAN;
  if (!get_member (doc, object, member, parent_path, !nullable, _("missing (a number is required)"),
                   &node, &path, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    {
      cs_json_doc_error (doc, error, path, _("expected a number but found %s"), cs_json_doc_type_name (node));
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    {
      cs_json_doc_error (doc, error, path, "%s", _("the number is out of range"));
      return FALSE;
    }
  return TRUE;
}

/* An array or object member (NULL when absent or null and not required) */
static gboolean
get_container (const CsJsonDoc  *doc,
               JsonObject       *object,
               const char       *member,
               const char       *parent_path,
               gboolean          required,
               JsonNodeType      type,
               JsonNode        **out,
               GError          **error)
{
  g_autofree char *path = NULL;
  JsonNode *node;

  *out = NULL;
  if (!get_member (doc, object, member, parent_path, required,
                   type == JSON_NODE_ARRAY ? _("missing (an array is required)") : _("missing (an object is required)"),
                   &node, &path, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_TYPE (node) != type)
    {
      cs_json_doc_error (doc, error, path,
                         type == JSON_NODE_ARRAY ? _("expected an array but found %s") : _("expected an object but found %s"),
                         cs_json_doc_type_name (node));
      return FALSE;
    }
  *out = node;
  return TRUE;
}

gboolean
cs_json_doc_get_array (const CsJsonDoc  *doc,
                       JsonObject       *object,
                       const char       *member,
                       const char       *parent_path,
                       gboolean          required,
                       JsonArray       **out,
                       GError          **error)
{
  JsonNode *node;

  if (!get_container (doc, object, member, parent_path, required, JSON_NODE_ARRAY, &node, error))
    return FALSE;
  *out = node != NULL ? json_node_get_array (node) : NULL;
  return TRUE;
}

gboolean
cs_json_doc_get_object (const CsJsonDoc  *doc,
                        JsonObject       *object,
                        const char       *member,
                        const char       *parent_path,
                        gboolean          required,
                        JsonObject      **out,
                        GError          **error)
{
  JsonNode *node;

  if (!get_container (doc, object, member, parent_path, required, JSON_NODE_OBJECT, &node, error))
    return FALSE;
  *out = node != NULL ? json_node_get_object (node) : NULL;
  return TRUE;
}

JsonObject *
cs_json_doc_object_element (const CsJsonDoc  *doc,
                            JsonArray        *array,
                            guint             index,
                            const char       *path,
                            GError          **error)
{
  JsonNode *item = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (item))
    {
      cs_json_doc_error (doc, error, path, _("expected an object but found %s"), cs_json_doc_type_name (item));
      return NULL;
    }
  return json_node_get_object (item);
}

gboolean
cs_json_doc_check_format (const CsJsonDoc  *doc,
                          JsonObject       *object,
                          const char       *expected,
                          int               unsupported_code,
                          GError          **error)
{
  g_autofree char *format = NULL;
  g_autofree char *prefix = g_strndup (expected, strrchr (expected, '/') + 1 - expected);
  const char *version;
  guint64 number = 0, ours;

  if (!cs_json_doc_get_string (doc, object, "format", "$", TRUE, &format, error))
    return FALSE;
  if (g_str_equal (format, expected))
    return TRUE;

  ours = g_ascii_strtoull (expected + strlen (prefix), NULL, 10);
  version = g_str_has_prefix (format, prefix) ? format + strlen (prefix) : NULL;
  if (version != NULL && g_ascii_string_to_unsigned (version, 10, ours + 1, G_MAXUINT, &number, NULL))
    g_set_error (error, doc->domain, unsupported_code,
                 _("%s: $.format: “%s” was written by a newer Cohortscope; this version reads %s"),
                 doc_name (doc), format, expected);
  else
    cs_json_doc_error (doc, error, "$.format", _("expected “%s” but found “%s”"), expected, format);
  return FALSE;
}
