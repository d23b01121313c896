/* cs-code-catalogue.c: the codes the mapping editor offers, and searching them
 *
 * The table is data/mapping/codes.tsv, compiled into the library as a
 * GResource: one code a line (system, code, display, group, use, values).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-code-catalogue.h"
#include "cs-code-catalogue-resources.h"
#include "cs-mapping-assist.h"

#define CATALOGUE_RESOURCE "/io/github/cohortscope/Cohortscope/mapping/codes.tsv"

struct _CsCodeCatalogue
{
  GArray       *codes;     /* CsCatalogueCode */
  GPtrArray    *folded;    /* char *: the folded text search looks in, per code */
  GPtrArray    *values;    /* char **, owned */
  GStringChunk *strings;
};

void
cs_coding_clear (CsCoding *coding)
{
  g_clear_pointer (&coding->system, g_free);
  g_clear_pointer (&coding->code, g_free);
  g_clear_pointer (&coding->display, g_free);
}

static char *
strip_dup (const char *text)
{
  char *copy = g_strstrip (g_strdup (text));

  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

gboolean
cs_coding_parse (const char  *text,
                 CsCoding    *out,
                 GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", "|", 3);
  g_auto(CsCoding) coding = { NULL, NULL, NULL };
  guint n = g_strv_length (parts);

  if (n == 1)
    coding.code = strip_dup (parts[0]);
  else
    {
      coding.system = strip_dup (parts[0]);
      coding.code = strip_dup (parts[1]);
      if (n == 3)
        coding.display = strip_dup (parts[2]);
    }
  if (coding.code == NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                   _("“%s” has no code: type system|code|display, for example "
                     "http://snomed.info/sct|399504009|cT category"), text != NULL ? text : "");
      return FALSE;
    }
  if (strchr (coding.code, ' ') != NULL && coding.system != NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                   _("The code “%s” contains a space: a FHIR code has none"), coding.code);
      return FALSE;
    }
  if (coding.system != NULL && strchr (coding.system, ' ') != NULL)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                   _("The system “%s” contains a space: a system is a URI such as http://loinc.org"),
                   coding.system);
      return FALSE;
    }
  *out = coding;
  memset (&coding, 0, sizeof coding);
  return TRUE;
}

char *
cs_coding_format (const CsCoding *coding)
{
  GString *s = g_string_new (NULL);

  if (coding->system != NULL)
    g_string_append_printf (s, "%s|", coding->system);
  g_string_append (s, coding->code != NULL ? coding->code : "");
  if (coding->display != NULL)
    {
      if (coding->system == NULL)
        g_string_prepend (s, "|");
      g_string_append_printf (s, "|%s", coding->display);
    }
  return g_string_free (s, FALSE);
}

char *
cs_code_catalogue_fold (const char *text)
{
  g_autofree char *nfd = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);

  if (nfd == NULL)
    return g_string_free (out, FALSE);
  for (const char *p = nfd; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;
      if (c == 0x00DF)  /* ß */
        {
          g_string_append (out, "ss");
          continue;
        }
      g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

void
cs_code_catalogue_free (CsCodeCatalogue *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->codes);
  g_ptr_array_unref (self->folded);
  g_ptr_array_unref (self->values);
  g_string_chunk_free (self->strings);
  g_free (self);
}

CsCodeCatalogue *
cs_code_catalogue_new_from_data (const char  *data,
                                 gsize        length,
                                 const char  *name,
                                 GError     **error)
{
  g_autoptr(CsCodeCatalogue) self = g_new0 (CsCodeCatalogue, 1);
  g_autofree char *copy = g_strndup (data, length);
  g_auto(GStrv) lines = NULL;

  self->codes = g_array_new (FALSE, TRUE, sizeof (CsCatalogueCode));
  self->folded = g_ptr_array_new_with_free_func (g_free);
  self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->strings = g_string_chunk_new (4096);
  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                   _("%s: not UTF-8 text"), name);
      return NULL;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      CsCatalogueCode code;
      g_auto(GStrv) values = NULL;
      g_autofree char *haystack = NULL;
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (line[0] == '#' || line[0] == '\0')
        continue;
      fields = g_strsplit (line, "\t", -1);
      if (g_strv_length (fields) != 6)
        {
          g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                       _("%s: line %u: %u fields, but a code has 6 (system, code, display, group, "
                         "use, values), separated by tabs"), name, i + 1, g_strv_length (fields));
          return NULL;
        }
      for (guint f = 0; f < 3; f++)
        if (fields[f][0] == '\0')
          {
            g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                         _("%s: line %u, field %u: empty (system, code and display are required)"),
                         name, i + 1, f + 1);
            return NULL;
          }
      if (cs_code_catalogue_lookup (self, fields[0], fields[1]) != NULL)
        {
          g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE,
                       _("%s: line %u: %s|%s is listed twice"), name, i + 1, fields[0], fields[1]);
          return NULL;
        }
      code.system = g_string_chunk_insert_const (self->strings, fields[0]);
      code.code = g_string_chunk_insert_const (self->strings, fields[1]);
      code.display = g_string_chunk_insert_const (self->strings, fields[2]);
      code.group = g_string_chunk_insert_const (self->strings, fields[3]);
      code.use = g_string_chunk_insert_const (self->strings, fields[4]);
      values = fields[5][0] != '\0' ? g_strsplit (fields[5], ";", -1) : g_new0 (char *, 1);
      code.values = (const char * const *) values;
      g_ptr_array_add (self->values, g_steal_pointer (&values));
      g_array_append_val (self->codes, code);
      haystack = g_strjoin (" ", code.code, code.display, code.system, code.use, NULL);
      g_ptr_array_add (self->folded, cs_code_catalogue_fold (haystack));
    }
  return g_steal_pointer (&self);
}

CsCodeCatalogue *
cs_code_catalogue_get_default (void)
{
  static CsCodeCatalogue *catalogue;

  if (g_once_init_enter (&catalogue))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resource_lookup_data (cs_code_catalogue_get_resource (), CATALOGUE_RESOURCE,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      CsCodeCatalogue *loaded = NULL;
      gsize size = 0;
      const char *data;

      /* the table is part of the program: a failure here is a build bug */
      if (bytes == NULL)
        g_error ("%s: %s", CATALOGUE_RESOURCE, error->message);
      data = g_bytes_get_data (bytes, &size);
      loaded = cs_code_catalogue_new_from_data (data, size, "codes.tsv", &error);
      if (loaded == NULL)
        g_error ("%s", error->message);
      g_once_init_leave (&catalogue, loaded);
    }
  return catalogue;
}

guint
cs_code_catalogue_get_n_codes (const CsCodeCatalogue *self)
{
  return self->codes->len;
}

const CsCatalogueCode *
cs_code_catalogue_get_code (const CsCodeCatalogue *self,
                            guint                  index)
{
  g_return_val_if_fail (index < self->codes->len, NULL);
  return &g_array_index (self->codes, CsCatalogueCode, index);
}

const CsCatalogueCode *
cs_code_catalogue_lookup (const CsCodeCatalogue *self,
                          const char            *system,
                          const char            *code)
{
  for (guint i = 0; i < self->codes->len; i++)
    {
      const CsCatalogueCode *c = &g_array_index (self->codes, CsCatalogueCode, i);

      if (g_strcmp0 (c->code, code) == 0 && (system == NULL || g_strcmp0 (c->system, system) == 0))
        return c;
    }
  return NULL;
}

GPtrArray *
cs_code_catalogue_get_group (const CsCodeCatalogue *self,
                             const char            *group)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->codes->len; i++)
    {
      const CsCatalogueCode *c = &g_array_index (self->codes, CsCatalogueCode, i);

      if (g_strcmp0 (c->group, group) == 0)
        g_ptr_array_add (out, (gpointer) c);
    }
  return out;
}

const CsCatalogueCode *
cs_code_catalogue_find_value (const CsCodeCatalogue *self,
                              const char            *group,
                              const char            *value)
{
  for (guint i = 0; i < self->codes->len; i++)
    {
      const CsCatalogueCode *c = &g_array_index (self->codes, CsCatalogueCode, i);

      if (g_strcmp0 (c->group, group) == 0 && g_strv_contains (c->values, value))
        return c;
    }
  return NULL;
}

/* Whether a word of text starts with prefix. */
static gboolean
has_word_prefix (const char *text,
                 const char *prefix)
{
  for (const char *p = strstr (text, prefix); p != NULL; p = strstr (p + 1, prefix))
    if (p == text || !g_ascii_isalnum (p[-1]))
      return TRUE;
  return FALSE;
}

typedef struct
{
  guint rank;
  guint index;
} Hit;

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

GPtrArray *
cs_code_catalogue_search (const CsCodeCatalogue *self,
                          const char            *query)
{
  g_autofree char *folded = cs_code_catalogue_fold (query);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t|", -1);
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->codes->len; i++)
    {
      const CsCatalogueCode *c = &g_array_index (self->codes, CsCatalogueCode, i);
      const char *haystack = self->folded->pdata[i];
      g_autofree char *code = cs_code_catalogue_fold (c->code);
      g_autofree char *display = cs_code_catalogue_fold (c->display);
      gboolean all = TRUE;
      Hit hit = { 4, i };

      for (guint w = 0; words[w] != NULL && all; w++)
        if (words[w][0] != '\0' && strstr (haystack, words[w]) == NULL)
          all = FALSE;
      if (!all)
        continue;
      if (g_str_equal (code, folded))
        hit.rank = 0;
      else if (folded[0] != '\0' && g_str_has_prefix (code, folded))
        hit.rank = 1;
      else if (folded[0] != '\0' && has_word_prefix (display, folded))
        hit.rank = 2;
      else if (folded[0] != '\0' && strstr (display, folded) != NULL)
        hit.rank = 3;
      g_array_append_val (hits, hit);
    }
  g_array_sort (hits, compare_hits);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (out, &g_array_index (self->codes, CsCatalogueCode, g_array_index (hits, Hit, i).index));
  return out;
}
