/* cs-mapping-locate.c: the line of a mapping file an error message points at
 *
 * The engine names where a problem is by byte offset (not JSON) or by JSON
 * path ("resources[2].template.gender"); the editor shows it at a line.
 * A small scanner walks the text as JSON, keeping the path of the value it
 * is in, and stops at the first value whose path is the one asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cs-mapping-assist.h"

typedef struct
{
  gboolean  is_array;
  guint     index;
  GString  *key;
  gboolean  expect_key;
} Frame;

static void
frame_clear (gpointer data)
{
  Frame *f = data;

  g_string_free (f->key, TRUE);
}

static void
build_path (GArray  *stack,
            GString *out)
{
  g_string_truncate (out, 0);
  for (guint i = 0; i < stack->len; i++)
    {
      Frame *f = &g_array_index (stack, Frame, i);

      if (f->is_array)
        g_string_append_printf (out, "[%u]", f->index);
      else
        {
          if (out->len > 0)
            g_string_append_c (out, '.');
          g_string_append (out, f->key->str);
        }
    }
}

/* The line (0-based) at which the value with this path starts, or -1. */
static int
find_path_line (const char *text,
                const char *target)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GString) str = g_string_new (NULL);
  int line = 0;

  g_array_set_clear_func (stack, frame_clear);
  for (const char *p = text; *p != '\0'; p++)
    {
      Frame *top = stack->len > 0 ? &g_array_index (stack, Frame, stack->len - 1) : NULL;
      gboolean is_value_start = FALSE;

      switch (*p)
        {
        case '\n':
          line++;
          continue;
        case ' ': case '\t': case '\r': case ':':
          continue;
        case ',':
          if (top != NULL && top->is_array)
            top->index++;
          else if (top != NULL)
            top->expect_key = TRUE;
          continue;
        case '}': case ']':
          if (stack->len > 0)
            g_array_set_size (stack, stack->len - 1);
          continue;
        case '"':
          g_string_truncate (str, 0);
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              if (*p == '\n')
                line++;
              g_string_append_c (str, *p);
            }
          if (*p == '\0')
            return -1;
          if (top != NULL && !top->is_array && top->expect_key)
            {
              g_string_assign (top->key, str->str);
              top->expect_key = FALSE;
              continue;
            }
          is_value_start = TRUE;
          break;
        default:
          is_value_start = TRUE;
          break;
        }

      if (!is_value_start)
        continue;
      build_path (stack, path);
      if (g_str_equal (path->str, target))
        return line;
      if (*p == '{' || *p == '[')
        {
          Frame f = { *p == '[', 0, g_string_new (NULL), *p == '{' };

          g_array_append_val (stack, f);
        }
      else if (*p != '"')
        {
          /* a number or literal: skip to its end */
          while (p[1] != '\0' && strchr (",}] \t\r\n", p[1]) == NULL)
            p++;
        }
    }
  return -1;
}

int
cs_mapping_text_find_line (const char *text,
                           const char *message)
{
  const char *byte, *start;
  g_autofree char *path = NULL;

  g_return_val_if_fail (text != NULL && message != NULL, -1);

  /* "…: byte 42 at …" */
  if ((byte = strstr (message, "byte ")) != NULL && g_ascii_isdigit (byte[5]))
    {
      guint64 offset = g_ascii_strtoull (byte + 5, NULL, 10);
      int line = 0;

      for (guint64 i = 0; i < offset && text[i] != '\0'; i++)
        if (text[i] == '\n')
          line++;
      return line;
    }

  /* "name: path: message": the first part after the name that looks like a path */
  start = message;
  while ((start = strstr (start, ": ")) != NULL)
    {
      const char *end;

      start += 2;
      end = strstr (start, ": ");
      if (end == NULL)
        break;
      g_free (path);
      path = g_strndup (start, (gsize) (end - start));
      if (*path != '\0' && strchr (path, ' ') == NULL)
        {
          /* the value itself, else its nearest parent in the text */
          while (*path != '\0')
            {
              char *cut;
              int line = find_path_line (text, path);

              if (line >= 0)
                return line;
              cut = strrchr (path, '.');
              if (strrchr (path, '[') > cut)
                cut = strrchr (path, '[');
              if (cut == NULL)
                break;
              *cut = '\0';
            }
        }
    }
  return -1;
}
