/* cs-mapping-diag.c: diagnostics with JSON paths, and reading the members
 * of the mapping file's objects (shared by the file, template and ConceptMap
 * parsers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-private.h"

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */

void
map_diag_add (MapDiag    *diag,
              const char *path,
              const char *format,
              ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (path != NULL && *path != '\0')
    g_ptr_array_add (diag->messages, g_strdup_printf ("%s: %s: %s", diag->name, path, msg));
  else
    g_ptr_array_add (diag->messages, g_strdup_printf ("%s: %s", diag->name, msg));
}

gboolean
map_diag_check (const MapDiag *diag,
                int            code,
                GError       **error)
{
  g_autoptr(GString) text = NULL;

  if (diag->messages->len == 0)
    return TRUE;
  text = g_string_new (NULL);
  for (guint i = 0; i < diag->messages->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, diag->messages->pdata[i]);
    }
  g_set_error_literal (error, CS_MAPPING_ERROR, code, text->str);
  return FALSE;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

char *
map_suggest (const char         *word,
             const char * const *candidates)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  guint limit = strlen (word) <= 4 ? 1 : strlen (word) <= 8 ? 2 : 3;

  for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++)
    {
      guint d = edit_distance (word, candidates[i]);

      if (d < best_d)
        {
          best_d = d;
          best = candidates[i];
        }
    }
  if (best == NULL || best_d > limit)
    return g_strdup ("");
  /* Translators: appended to "unknown field …" */
  return g_strdup_printf (_(" (did you mean “%s”?)"), best);
}

static gboolean
is_identifier (const char *key)
{
  if (key == NULL || !(g_ascii_isalpha (key[0]) || key[0] == '_' || key[0] == '$'))
    return FALSE;
  for (const char *p = key; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '$' || *p == '-'))
      return FALSE;
  return TRUE;
}

char *
map_path_member (const char *path,
                 const char *key)
{
  if (is_identifier (key))
    return (path == NULL || *path == '\0') ? g_strdup (key) : g_strconcat (path, ".", key, NULL);
  else
    {
      g_autoptr(GString) s = g_string_new (path);

      g_string_append_c (s, '[');
      cs_json_append_escaped (s, key, -1);
      g_string_append_c (s, ']');
      return g_string_free (g_steal_pointer (&s), FALSE);
    }
}

char *
map_path_index (const char *path,
                guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

gboolean
map_check_members (MapDiag            *diag,
                   const char         *path,
                   const CsJsonNode   *object,
                   const char * const *allowed)
{
  gboolean ok = TRUE;

  for (const CsJsonNode *m = cs_json_first (object); m != NULL; m = m->next)
    {
      g_autofree char *mpath = map_path_member (path, m->key);

      if (!g_strv_contains (allowed, m->key))
        {
          g_autofree char *hint = map_suggest (m->key, allowed);

          map_diag_add (diag, mpath, _("unknown field “%s”%s"), m->key, hint);
          ok = FALSE;
        }
      for (const CsJsonNode *n = cs_json_first (object); n != m; n = n->next)
        if (g_str_equal (n->key, m->key))
          {
            map_diag_add (diag, mpath, _("“%s” appears twice"), m->key);
            ok = FALSE;
            break;
          }
    }
  return ok;
}

gboolean
map_json_is_nonempty_string (const CsJsonNode *node)
{
  return node != NULL && node->type == CS_JSON_STRING && node->v.string.len > 0;
}

const char *
map_json_type_name (const CsJsonNode *node)
{
  switch (node->type)
    {
    case CS_JSON_NULL: return "null";
    case CS_JSON_BOOLEAN: return _("a boolean");
    case CS_JSON_NUMBER: return _("a number");
    case CS_JSON_STRING: return _("a string");
    case CS_JSON_ARRAY: return _("an array");
    case CS_JSON_OBJECT: return _("an object");
    default: return "?";
    }
}

/* A member that must be a non-empty string; reports and returns NULL otherwise. */
const char *
map_get_string (MapDiag          *diag,
            const char       *path,
            const CsJsonNode *object,
            const char       *key,
            gboolean          required)
{
  const CsJsonNode *node = cs_json_get (object, key);
  g_autofree char *mpath = map_path_member (path, key);

  if (node == NULL)
    {
      if (required)
        map_diag_add (diag, path, _("“%s” is missing"), key);
      return NULL;
    }
  if (node->type != CS_JSON_STRING)
    {
      map_diag_add (diag, mpath, _("must be a string, not %s"), map_json_type_name (node));
      return NULL;
    }
  if (node->v.string.len == 0 || strlen (node->v.string.str) != node->v.string.len)
    {
      map_diag_add (diag, mpath, _("must not be empty or hold NUL characters"));
      return NULL;
    }
  return node->v.string.str;
}

gboolean
map_get_bool (MapDiag          *diag,
          const char       *path,
          const CsJsonNode *object,
          const char       *key,
          gboolean          fallback)
{
  const CsJsonNode *node = cs_json_get (object, key);

  if (node == NULL)
    return fallback;
  if (node->type != CS_JSON_BOOLEAN)
    {
      g_autofree char *mpath = map_path_member (path, key);

      map_diag_add (diag, mpath, _("must be true or false, not %s"), map_json_type_name (node));
      return fallback;
    }
  return node->v.boolean;
}

/* A string or an array of non-empty strings → GPtrArray of char* (NULL when
 * absent or wrong; reported). */
GPtrArray *
map_get_string_list (MapDiag          *diag,
                 const char       *path,
                 const CsJsonNode *object,
                 const char       *key,
                 gboolean          allow_single,
                 gboolean          allow_empty_strings)
{
  const CsJsonNode *node = cs_json_get (object, key);
  g_autofree char *mpath = map_path_member (path, key);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  guint i = 0;

  if (node == NULL)
    return NULL;
  if (node->type == CS_JSON_STRING && allow_single)
    {
      if (node->v.string.len == 0 && !allow_empty_strings)
        {
          map_diag_add (diag, mpath, _("must not be empty"));
          return NULL;
        }
      g_ptr_array_add (list, g_strdup (node->v.string.str));
      return g_steal_pointer (&list);
    }
  if (node->type != CS_JSON_ARRAY)
    {
      map_diag_add (diag, mpath, allow_single ? _("must be a string or an array of strings, not %s")
                                              : _("must be an array of strings, not %s"),
                    map_json_type_name (node));
      return NULL;
    }
  for (const CsJsonNode *e = cs_json_first (node); e != NULL; e = e->next, i++)
    {
      if (e->type != CS_JSON_STRING || (e->v.string.len == 0 && !allow_empty_strings))
        {
          g_autofree char *epath = map_path_index (mpath, i);

          map_diag_add (diag, epath, _("must be a non-empty string"));
          return NULL;
        }
      g_ptr_array_add (list, g_strdup (e->v.string.str));
    }
  return g_steal_pointer (&list);
}
