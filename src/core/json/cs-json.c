/* cs-json.c: accessors and serialisation of CsJsonNode trees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cs-json.h"

G_DEFINE_QUARK (cs-json-error-quark, cs_json_error)

const CsJsonNode *
cs_json_get (const CsJsonNode *object,
             const char       *key)
{
  if (object == NULL || key == NULL || object->type != CS_JSON_OBJECT)
    return NULL;

  /* the first byte rules out most members without a call */
  for (const CsJsonNode *child = object->v.first_child; child != NULL; child = child->next)
    if (child->key[0] == key[0] && strcmp (child->key, key) == 0)
      return child;
  return NULL;
}

static const CsJsonNode *
get_len (const CsJsonNode *object,
         const char       *key,
         gsize             len)
{
  for (const CsJsonNode *child = object->v.first_child; child != NULL; child = child->next)
    if (child->key[0] == key[0] && strncmp (child->key, key, len) == 0 && child->key[len] == '\0')
      return child;
  return NULL;
}

const CsJsonNode *
cs_json_get_path (const CsJsonNode *node,
                  const char       *dotted_path)
{
  const char *p = dotted_path;

  if (node == NULL || dotted_path == NULL)
    return NULL;

  while (*p != '\0' && node != NULL)
    {
      const char *dot = strchr (p, '.');
      gsize len = dot != NULL ? (gsize) (dot - p) : strlen (p);
      gboolean numeric = len > 0;

      for (gsize i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9')
          numeric = FALSE;

      if (node->type == CS_JSON_ARRAY)
        {
          if (numeric)
            {
              guint64 index = g_ascii_strtoull (p, NULL, 10);

              node = index <= G_MAXUINT ? cs_json_nth (node, (guint) index) : NULL;
              goto next;
            }
          /* a member name applied to an array: take its first element */
          node = node->v.first_child;
        }

      if (node == NULL || node->type != CS_JSON_OBJECT)
        return NULL;
      node = get_len (node, p, len);

    next:
      if (dot == NULL)
        break;
      p = dot + 1;
    }
  return node;
}

const CsJsonNode *
cs_json_first (const CsJsonNode *node)
{
  if (node == NULL || (node->type != CS_JSON_ARRAY && node->type != CS_JSON_OBJECT))
    return NULL;
  return node->v.first_child;
}

const CsJsonNode *
cs_json_nth (const CsJsonNode *array,
             guint             index)
{
  const CsJsonNode *child;

  if (array == NULL || (array->type != CS_JSON_ARRAY && array->type != CS_JSON_OBJECT) ||
      index >= array->n_children)
    return NULL;
  for (child = array->v.first_child; child != NULL && index > 0; child = child->next)
    index--;
  return child;
}

const char *
cs_json_get_string (const CsJsonNode *object,
                    const char       *key)
{
  return cs_json_string (cs_json_get (object, key));
}

gboolean
cs_json_get_number (const CsJsonNode *object,
                    const char       *key,
                    double           *out_value)
{
  const CsJsonNode *node = cs_json_get (object, key);

  if (node == NULL || node->type != CS_JSON_NUMBER)
    return FALSE;
  if (out_value != NULL)
    *out_value = node->v.number.value;
  return TRUE;
}

gboolean
cs_json_get_boolean (const CsJsonNode *object,
                     const char       *key,
                     gboolean         *out_value)
{
  const CsJsonNode *node = cs_json_get (object, key);

  if (node == NULL || node->type != CS_JSON_BOOLEAN)
    return FALSE;
  if (out_value != NULL)
    *out_value = node->v.boolean;
  return TRUE;
}

const char *
cs_json_string (const CsJsonNode *node)
{
  if (node == NULL || node->type != CS_JSON_STRING)
    return NULL;
  return node->v.string.str;
}

gboolean
cs_json_is (const CsJsonNode *node,
            CsJsonType        type)
{
  return node != NULL && node->type == type;
}

/* ------------------------------------------------------------------------ */
/* Serialisation                                                            */

void
cs_json_append_escaped (GString    *out,
                        const char *str,
                        gssize      len)
{
  static const char hex[] = "0123456789abcdef";
  const char *p;
  const char *end;

  g_return_if_fail (out != NULL);

  if (str == NULL)
    str = "";
  if (len < 0)
    len = (gssize) strlen (str);
  p = str;
  end = str + len;

  g_string_append_c (out, '"');
  while (p < end)
    {
      const char *run = p;
      guchar c;

      while (p < end && (guchar) *p >= 0x20 && (guchar) *p < 0x80 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, run, p - run);
      if (p >= end)
        break;

      c = (guchar) *p;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); p++; break;
        case '\\': g_string_append (out, "\\\\"); p++; break;
        case '\n': g_string_append (out, "\\n"); p++; break;
        case '\r': g_string_append (out, "\\r"); p++; break;
        case '\t': g_string_append (out, "\\t"); p++; break;
        case '\b': g_string_append (out, "\\b"); p++; break;
        case '\f': g_string_append (out, "\\f"); p++; break;
        default:
          if (c < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[c >> 4]);
              g_string_append_c (out, hex[c & 0xf]);
              p++;
            }
          else
            {
              /* non-ASCII: copy valid UTF-8, replace invalid bytes by U+FFFD */
              gunichar u = g_utf8_get_char_validated (p, end - p);

              if (u == (gunichar) -1 || u == (gunichar) -2)
                {
                  g_string_append (out, "\\ufffd");
                  p++;
                }
              else
                {
                  int n = g_utf8_skip[c];

                  g_string_append_len (out, p, n);
                  p += n;
                }
            }
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
append_indent (GString *out,
               guint    level)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

/* Recursion is bounded: parsed trees are at most CS_JSON_MAX_DEPTH deep. */
static void
append_node (GString          *out,
             const CsJsonNode *node,
             gboolean          pretty,
             guint             level)
{
  switch (node->type)
    {
    case CS_JSON_NULL:
      g_string_append (out, "null");
      break;
    case CS_JSON_BOOLEAN:
      g_string_append (out, node->v.boolean ? "true" : "false");
      break;
    case CS_JSON_NUMBER:
      if (node->v.number.text != NULL)
        g_string_append (out, node->v.number.text);
      else
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append (out, g_ascii_dtostr (buf, sizeof buf, node->v.number.value));
        }
      break;
    case CS_JSON_STRING:
      cs_json_append_escaped (out, node->v.string.str, (gssize) node->v.string.len);
      break;
    case CS_JSON_ARRAY:
    case CS_JSON_OBJECT:
      {
        gboolean object = node->type == CS_JSON_OBJECT;

        g_string_append_c (out, object ? '{' : '[');
        for (const CsJsonNode *child = node->v.first_child; child != NULL; child = child->next)
          {
            if (child != node->v.first_child)
              g_string_append_c (out, ',');
            if (pretty)
              append_indent (out, level + 1);
            if (object)
              {
                cs_json_append_escaped (out, child->key, -1);
                g_string_append (out, pretty ? ": " : ":");
              }
            append_node (out, child, pretty, level + 1);
          }
        if (pretty && node->v.first_child != NULL)
          append_indent (out, level);
        g_string_append_c (out, object ? '}' : ']');
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
cs_json_to_string (const CsJsonNode *node,
                   gboolean          pretty)
{
  GString *out = g_string_new (NULL);

  if (node == NULL)
    g_string_append (out, "null");
  else
    append_node (out, node, pretty, 0);
  return g_string_free (out, FALSE);
}

guint
cs_str_hash (gconstpointer key)
{
  const char *p = key;
  gsize len = strlen (p);
  guint64 h = (G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ len) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  guint64 w = 0;

  for (; len >= 8; p += 8, len -= 8)
    {
      memcpy (&w, p, 8);
      h = (h ^ w) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
      h ^= h >> 32;
    }
  w = 0;
  memcpy (&w, p, len);
  h = (h ^ w) * G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 29;
  return (guint) (h ^ (h >> 32));
}
