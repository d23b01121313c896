/* cs-mapping-file.c: reading and checking a mapping file
 *
 * Every problem is collected with its JSON path ("resources[2].template.code")
 * so one load reports all of them; the GError carries them one per line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-private.h"

G_DEFINE_QUARK (cs-mapping-error-quark, cs_mapping_error)

static gboolean
is_name (const char *text)
{
  if (text == NULL || !g_ascii_isalpha (text[0]) || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */

static void
column_def_free (MapColumnDef *def)
{
  g_free (def->name);
  g_free (def->path);
  g_free (def->date_format);
  g_strfreev (def->missing);
  g_strfreev (def->true_tokens);
  g_strfreev (def->false_tokens);
  g_free (def);
}

static void
join_free (MapJoin *join)
{
  g_free (join->input);
  g_free (join->path);
  g_clear_pointer (&join->from, g_ptr_array_unref);
  g_clear_pointer (&join->to, g_ptr_array_unref);
  g_free (join);
}

static void
input_def_free (MapInputDef *input)
{
  g_free (input->role);
  g_free (input->description);
  g_free (input->path);
  g_clear_pointer (&input->key, g_ptr_array_unref);
  g_clear_pointer (&input->joins, g_ptr_array_unref);
  cs_csv_dialect_clear (&input->dialect);
  g_clear_pointer (&input->columns, g_ptr_array_unref);
  g_free (input->feature_class);
  g_free (input);
}

static void
resource_def_free (MapResourceDef *res)
{
  g_free (res->name);
  g_free (res->path);
  g_free (res->description);
  g_free (res->resource_type);
  g_clear_pointer (&res->inputs, g_ptr_array_unref);
  g_clear_pointer (&res->when, map_cond_free);
  g_clear_pointer (&res->match, g_regex_unref);
  g_clear_pointer (&res->exclude, g_regex_unref);
  g_clear_pointer (&res->id, map_tnode_free);
  g_clear_pointer (&res->key, g_ptr_array_unref);
  g_clear_pointer (&res->template, map_tnode_free);
  g_free (res);
}

CsMapping *
cs_mapping_ref (CsMapping *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
cs_mapping_unref (CsMapping *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;

  g_free (self->name);
  g_free (self->base_dir);
  g_free (self->id);
  g_free (self->version);
  g_free (self->title);
  g_free (self->description);
  g_free (self->namespace_text);
  g_free (self->sha256);
  g_free (self->ibsi_path);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  g_clear_pointer (&self->concept_maps, g_ptr_array_unref);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_free (self);
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

static const char * const column_types[] = { "string", "integer", "decimal", "date", "dateTime", "boolean", NULL };

static MapColumnDef *
parse_column (MapDiag          *diag,
              const char       *path,
              const char       *name,
              const CsJsonNode *node)
{
  static const char * const allowed[] = { "type", "format", "missing", "true", "false", "required",
                                          "description", NULL };
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) true_tokens = NULL;
  g_autoptr(GPtrArray) false_tokens = NULL;
  MapColumnDef *def;
  const char *type;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("a column is described by an object such as {\"type\": \"decimal\"}"));
      return NULL;
    }
  map_check_members (diag, path, node, allowed);

  def = g_new0 (MapColumnDef, 1);
  def->name = g_strdup (name);
  def->path = g_strdup (path);
  def->type = COLTYPE_STRING;

  if ((type = map_get_string (diag, path, node, "type", FALSE)) != NULL)
    {
      guint i;

      for (i = 0; column_types[i] != NULL && !g_str_equal (column_types[i], type); i++)
        ;
      if (column_types[i] == NULL)
        {
          g_autofree char *hint = map_suggest (type, column_types);
          g_autofree char *tpath = map_path_member (path, "type");

          map_diag_add (diag, tpath, _("unknown type “%s”%s; use string, integer, decimal, date, dateTime or boolean"),
                        type, hint);
        }
      else
        def->type = (MapColumnType) i;
    }

  def->date_format = g_strdup (map_get_string (diag, path, node, "format", FALSE));
  if (def->date_format != NULL && def->type != COLTYPE_DATE)
    {
      g_autofree char *fpath = map_path_member (path, "format");

      map_diag_add (diag, fpath, _("a format is only used by date columns"));
    }
  else if (def->date_format != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!cs_csv_date_format_check (def->date_format, &error))
        {
          g_autofree char *fpath = map_path_member (path, "format");

          map_diag_add (diag, fpath, "“%s”: %s", def->date_format, error->message);
        }
    }

  if ((missing = map_get_string_list (diag, path, node, "missing", FALSE, TRUE)) != NULL)
    {
      g_ptr_array_add (missing, NULL);
      def->missing = (GStrv) g_ptr_array_steal (missing, NULL);
    }

  true_tokens = map_get_string_list (diag, path, node, "true", FALSE, FALSE);
  false_tokens = map_get_string_list (diag, path, node, "false", FALSE, FALSE);
  if ((true_tokens != NULL || false_tokens != NULL) && def->type != COLTYPE_BOOLEAN)
    map_diag_add (diag, path, _("“true” and “false” tokens are only used by boolean columns"));
  if (true_tokens != NULL)
    {
      g_ptr_array_add (true_tokens, NULL);
      def->true_tokens = (GStrv) g_ptr_array_steal (true_tokens, NULL);
    }
  if (false_tokens != NULL)
    {
      g_ptr_array_add (false_tokens, NULL);
      def->false_tokens = (GStrv) g_ptr_array_steal (false_tokens, NULL);
    }
  def->required = map_get_bool (diag, path, node, "required", FALSE);

  return def;
}

static void
parse_dialect (MapDiag          *diag,
               const char       *path,
               const CsJsonNode *node,
               CsCsvDialect     *dialect)
{
  static const char * const allowed[] = { "delimiter", "quote", "header", "encoding", "decimalComma",
                                          "missing", "allowRagged", NULL };
  g_autoptr(GPtrArray) missing = NULL;
  const CsJsonNode *delimiter, *quote;
  const char *encoding;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("must be an object, not %s"), map_json_type_name (node));
      return;
    }
  map_check_members (diag, path, node, allowed);

  if ((delimiter = cs_json_get (node, "delimiter")) != NULL)
    {
      const char *d = cs_json_string (delimiter);
      g_autofree char *dpath = map_path_member (path, "delimiter");

      if (g_strcmp0 (d, "auto") == 0)
        dialect->delimiter = 0;
      else if (g_strcmp0 (d, "tab") == 0 || g_strcmp0 (d, "\t") == 0)
        dialect->delimiter = '\t';
      else if (d != NULL && strlen (d) == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r' && (guchar) d[0] < 0x80)
        dialect->delimiter = d[0];
      else
        map_diag_add (diag, dpath, _("must be one character such as “,” “;” or “tab”, or “auto”"));
    }
  if ((quote = cs_json_get (node, "quote")) != NULL)
    {
      const char *q = cs_json_string (quote);
      g_autofree char *qpath = map_path_member (path, "quote");

      if (q != NULL && *q == '\0')
        dialect->quote = 0;
      else if (q != NULL && strlen (q) == 1 && (guchar) q[0] < 0x80)
        dialect->quote = q[0];
      else
        map_diag_add (diag, qpath, _("must be one character, or “” for no quoting"));
    }
  dialect->has_header = map_get_bool (diag, path, node, "header", TRUE);
  dialect->decimal_comma = map_get_bool (diag, path, node, "decimalComma", FALSE);
  dialect->allow_ragged = map_get_bool (diag, path, node, "allowRagged", FALSE);
  if ((encoding = map_get_string (diag, path, node, "encoding", FALSE)) != NULL &&
      g_ascii_strcasecmp (encoding, "UTF-8") != 0 && g_ascii_strcasecmp (encoding, "UTF8") != 0)
    {
      GIConv conv = g_iconv_open ("UTF-8", encoding);

      if (conv == (GIConv) -1)
        {
          g_autofree char *epath = map_path_member (path, "encoding");

          map_diag_add (diag, epath, _("unknown encoding “%s” (e.g. UTF-8, ISO-8859-1, windows-1252)"), encoding);
        }
      else
        {
          g_iconv_close (conv);
          dialect->encoding = g_strdup (encoding);
        }
    }
  if ((missing = map_get_string_list (diag, path, node, "missing", FALSE, TRUE)) != NULL)
    {
      g_ptr_array_add (missing, NULL);
      g_strfreev (dialect->missing);
      dialect->missing = (GStrv) g_ptr_array_steal (missing, NULL);
    }
}

static MapJoin *
parse_join (MapDiag          *diag,
            const char       *path,
            const CsJsonNode *node)
{
  static const char * const allowed[] = { "input", "on", NULL };
  const CsJsonNode *on;
  MapJoin *join;
  g_autofree char *opath = map_path_member (path, "on");

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("a join is an object: {\"input\": ROLE, \"on\": {\"this column\": \"its key column\"}}"));
      return NULL;
    }
  map_check_members (diag, path, node, allowed);

  join = g_new0 (MapJoin, 1);
  join->path = g_strdup (path);
  join->input = g_strdup (map_get_string (diag, path, node, "input", TRUE));
  join->from = g_ptr_array_new_with_free_func (g_free);
  join->to = g_ptr_array_new_with_free_func (g_free);

  on = cs_json_get (node, "on");
  if (on == NULL)
    map_diag_add (diag, path, _("“on” is missing: name the columns that match the other table’s key"));
  else if (on->type == CS_JSON_OBJECT && on->n_children > 0)
    {
      for (const CsJsonNode *m = cs_json_first (on); m != NULL; m = m->next)
        {
          if (g_ptr_array_find_with_equal_func (join->from, m->key, g_str_equal, NULL))
            {
              g_autofree char *mpath = map_path_member (opath, m->key);

              map_diag_add (diag, mpath, _("“%s” appears twice"), m->key);
              continue;
            }
          if (!map_json_is_nonempty_string (m))
            {
              g_autofree char *mpath = map_path_member (opath, m->key);

              map_diag_add (diag, mpath, _("must be the other table’s column name"));
              continue;
            }
          g_ptr_array_add (join->from, g_strdup (m->key));
          g_ptr_array_add (join->to, g_strdup (m->v.string.str));
        }
    }
  else if (on->type == CS_JSON_STRING && on->v.string.len > 0)
    {
      g_ptr_array_add (join->from, g_strdup (on->v.string.str));
      g_ptr_array_add (join->to, g_strdup (on->v.string.str));
    }
  else if (on->type == CS_JSON_ARRAY && on->n_children > 0)
    {
      g_autoptr(GPtrArray) names = map_get_string_list (diag, path, node, "on", FALSE, FALSE);

      for (guint i = 0; names != NULL && i < names->len; i++)
        {
          g_ptr_array_add (join->from, g_strdup (names->pdata[i]));
          g_ptr_array_add (join->to, g_strdup (names->pdata[i]));
        }
    }
  else
    map_diag_add (diag, opath, _("must be a column name, a list of column names, or an object "
                                 "{\"this column\": \"the other table’s column\"}"));

  return join;
}

static MapInputDef *
parse_input (MapDiag          *diag,
             const char       *path,
             const CsJsonNode *node)
{
  static const char * const allowed[] = { "role", "description", "optional", "key", "join", "dialect",
                                          "columns", "radiomics", NULL };
  MapInputDef *input;
  const CsJsonNode *join, *dialect, *columns, *radiomics;
  const char *role;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("an input is an object with at least a “role”"));
      return NULL;
    }
  map_check_members (diag, path, node, allowed);

  input = g_new0 (MapInputDef, 1);
  input->path = g_strdup (path);
  input->joins = g_ptr_array_new_with_free_func ((GDestroyNotify) join_free);
  input->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_def_free);
  cs_csv_dialect_init (&input->dialect);

  role = map_get_string (diag, path, node, "role", TRUE);
  if (role != NULL && !is_name (role))
    {
      g_autofree char *rpath = map_path_member (path, "role");

      map_diag_add (diag, rpath, _("“%s”: a role starts with a letter and holds letters, digits, “_” and “-”"), role);
    }
  input->role = g_strdup (role);
  input->description = g_strdup (map_get_string (diag, path, node, "description", FALSE));
  input->optional = map_get_bool (diag, path, node, "optional", FALSE);

  input->key = map_get_string_list (diag, path, node, "key", TRUE, FALSE);
  if (input->key == NULL)
    input->key = g_ptr_array_new_with_free_func (g_free);

  if ((join = cs_json_get (node, "join")) != NULL)
    {
      g_autofree char *jpath = map_path_member (path, "join");

      if (join->type == CS_JSON_ARRAY)
        {
          guint i = 0;

          for (const CsJsonNode *j = cs_json_first (join); j != NULL; j = j->next, i++)
            {
              g_autofree char *epath = map_path_index (jpath, i);
              MapJoin *parsed = parse_join (diag, epath, j);

              if (parsed != NULL)
                g_ptr_array_add (input->joins, parsed);
            }
        }
      else
        {
          MapJoin *parsed = parse_join (diag, jpath, join);

          if (parsed != NULL)
            g_ptr_array_add (input->joins, parsed);
        }
    }

  if ((dialect = cs_json_get (node, "dialect")) != NULL)
    {
      g_autofree char *dpath = map_path_member (path, "dialect");

      parse_dialect (diag, dpath, dialect, &input->dialect);
    }

  if ((columns = cs_json_get (node, "columns")) != NULL)
    {
      g_autofree char *cpath = map_path_member (path, "columns");

      if (columns->type != CS_JSON_OBJECT)
        map_diag_add (diag, cpath, _("must be an object: {\"column name\": {\"type\": …}, …}"));
      for (const CsJsonNode *c = columns->type == CS_JSON_OBJECT ? cs_json_first (columns) : NULL;
           c != NULL; c = c->next)
        {
          g_autofree char *colpath = map_path_member (cpath, c->key);
          MapColumnDef *def;

          if (map_input_find_column (input, c->key) != NULL)
            {
              map_diag_add (diag, colpath, _("column “%s” is described twice"), c->key);
              continue;
            }
          if ((def = parse_column (diag, colpath, c->key, c)) != NULL)
            g_ptr_array_add (input->columns, def);
        }
    }

  if ((radiomics = cs_json_get (node, "radiomics")) != NULL)
    {
      static const char * const rallowed[] = { "featureClass", NULL };
      g_autofree char *rpath = map_path_member (path, "radiomics");

      if (radiomics->type != CS_JSON_OBJECT)
        map_diag_add (diag, rpath, _("must be an object: {\"featureClass\": \"glcm\"}"));
      else
        {
          map_check_members (diag, rpath, radiomics, rallowed);
          input->feature_class = g_strdup (map_get_string (diag, rpath, radiomics, "featureClass", FALSE));
        }
    }

  return input;
}

const MapColumnDef *
map_input_find_column (const MapInputDef *input,
                       const char        *name)
{
  for (guint i = 0; i < input->columns->len; i++)
    {
      const MapColumnDef *def = input->columns->pdata[i];

      if (g_str_equal (def->name, name))
        return def;
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Resources                                                           */

static GRegex *
parse_regex (MapDiag          *diag,
             const char       *path,
             const CsJsonNode *object,
             const char       *key)
{
  const char *pattern = map_get_string (diag, path, object, key, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *anchored = NULL;
  GRegex *regex;

  if (pattern == NULL)
    return NULL;
  /* the whole name must match */
  anchored = g_strdup_printf ("^(?:%s)$", pattern);
  if (!(regex = g_regex_new (anchored, G_REGEX_OPTIMIZE, 0, &error)))
    {
      g_autofree char *rpath = map_path_member (path, key);

      map_diag_add (diag, rpath, _("not a regular expression: %s"), error->message);
    }
  return regex;
}

static MapResourceDef *
parse_resource (MapDiag          *diag,
                const char       *path,
                const CsJsonNode *node)
{
  static const char * const allowed[] = { "name", "description", "input", "when", "forEachColumn",
                                          "id", "key", "template", NULL };
  MapResourceDef *res;
  const CsJsonNode *when, *each, *id, *template, *type;
  const char *name;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("a resource is an object with “name”, “input” and “template”"));
      return NULL;
    }
  map_check_members (diag, path, node, allowed);

  res = g_new0 (MapResourceDef, 1);
  res->path = g_strdup (path);
  name = map_get_string (diag, path, node, "name", TRUE);
  if (name != NULL && !is_name (name))
    {
      g_autofree char *npath = map_path_member (path, "name");

      map_diag_add (diag, npath, _("“%s”: a name starts with a letter and holds letters, digits, “_” and “-”"), name);
    }
  res->name = g_strdup (name);
  res->description = g_strdup (map_get_string (diag, path, node, "description", FALSE));
  res->inputs = map_get_string_list (diag, path, node, "input", TRUE, FALSE);
  if (res->inputs == NULL)
    {
      if (cs_json_get (node, "input") == NULL)
        map_diag_add (diag, path, _("“input” is missing: name the input (role) whose rows make this resource"));
      res->inputs = g_ptr_array_new_with_free_func (g_free);
    }

  if ((when = cs_json_get (node, "when")) != NULL)
    {
      g_autofree char *wpath = map_path_member (path, "when");

      res->when = map_parse_condition (diag, wpath, when, 0);
    }

  if ((each = cs_json_get (node, "forEachColumn")) != NULL)
    {
      static const char * const eallowed[] = { "match", "exclude", "radiomics", "modality", "zeroRowIsMissing",
                                               NULL };
      g_autofree char *epath = map_path_member (path, "forEachColumn");

      res->wide = TRUE;
      if (each->type != CS_JSON_OBJECT)
        map_diag_add (diag, epath, _("must be an object: {\"match\": \"regular expression\"}"));
      else
        {
          map_check_members (diag, epath, each, eallowed);
          res->match = parse_regex (diag, epath, each, "match");
          res->exclude = parse_regex (diag, epath, each, "exclude");
          res->radiomics = map_get_bool (diag, epath, each, "radiomics", FALSE);
          res->skip_zero_rows = map_get_bool (diag, epath, each, "zeroRowIsMissing", res->radiomics);
          {
            const char *modality = map_get_string (diag, epath, each, "modality", FALSE);

            if (modality != NULL && !g_str_equal (modality, "CT") && !g_str_equal (modality, "other"))
              {
                g_autofree char *mpath = map_path_member (epath, "modality");

                map_diag_add (diag, mpath, _("must be “CT” (intensities in Hounsfield units) or “other”"));
              }
            res->modality_ct = g_strcmp0 (modality, "CT") == 0;
            if (modality != NULL && !res->radiomics)
              map_diag_add (diag, epath, _("“modality” is for \"radiomics\": true"));
          }
          if (res->match == NULL && cs_json_get (each, "match") == NULL && !res->radiomics)
            map_diag_add (diag, epath, _("“match” is missing: a regular expression for the column names"));
        }
    }

  if ((id = cs_json_get (node, "id")) != NULL)
    {
      g_autofree char *ipath = map_path_member (path, "id");

      if (id->type != CS_JSON_STRING)
        map_diag_add (diag, ipath, _("must be a string such as \"{{PatientID}}\""));
      else
        res->id = map_parse_string (diag, ipath, id);
    }
  res->key = map_get_string_list (diag, path, node, "key", TRUE, FALSE);
  if (res->id != NULL && res->key != NULL)
    map_diag_add (diag, path, _("give either “id” or “key”, not both"));

  template = cs_json_get (node, "template");
  if (template == NULL)
    map_diag_add (diag, path, _("“template” is missing: the FHIR resource to produce"));
  else
    {
      g_autofree char *tpath = map_path_member (path, "template");

      if (template->type != CS_JSON_OBJECT)
        map_diag_add (diag, tpath, _("must be a FHIR resource (a JSON object), not %s"), map_json_type_name (template));
      else if (!map_json_is_nonempty_string (type = cs_json_get (template, "resourceType")))
        map_diag_add (diag, tpath, _("“resourceType” is missing or not a string"));
      else if (!g_ascii_isupper (type->v.string.str[0]) || !is_name (type->v.string.str))
        {
          g_autofree char *rpath = map_path_member (tpath, "resourceType");

          map_diag_add (diag, rpath, _("“%s” is not a FHIR resource type"), type->v.string.str);
        }
      else
        {
          res->resource_type = g_strdup (type->v.string.str);
          if (cs_json_get (template, "id") != NULL)
            {
              g_autofree char *ipath = map_path_member (tpath, "id");

              map_diag_add (diag, ipath, _("the id comes from the id policy (docs/MAPPING.md); to choose it, "
                                           "give “id” next to “template”"));
            }
          res->template = map_parse_template (diag, tpath, template, 0);
        }
    }

  return res;
}

/* ------------------------------------------------------------------ */
/* Cross-references                                                    */

int
map_find_resource (CsMapping  *mapping,
                   const char *name)
{
  for (guint i = 0; i < mapping->resources->len; i++)
    {
      MapResourceDef *res = mapping->resources->pdata[i];

      if (g_strcmp0 (res->name, name) == 0)
        return i;
    }
  return -1;
}

MapInputDef *
map_get_input (CsMapping *mapping,
               guint      index)
{
  return mapping->inputs->pdata[index];
}

MapResourceDef *
map_get_resource (CsMapping *mapping,
                  guint      index)
{
  return mapping->resources->pdata[index];
}

static char **
resource_names (CsMapping *mapping)
{
  GStrvBuilder *b = g_strv_builder_new ();
  GStrv names;

  for (guint i = 0; i < mapping->resources->len; i++)
    if (map_get_resource (mapping, i)->name != NULL)
      g_strv_builder_add (b, map_get_resource (mapping, i)->name);
  names = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return names;
}

static char **
role_names (CsMapping *mapping)
{
  GStrvBuilder *b = g_strv_builder_new ();
  GStrv names;

  for (guint i = 0; i < mapping->inputs->len; i++)
    if (map_get_input (mapping, i)->role != NULL)
      g_strv_builder_add (b, map_get_input (mapping, i)->role);
  names = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return names;
}

static void
check_role (MapDiag    *diag,
            CsMapping  *mapping,
            const char *path,
            const char *role)
{
  g_auto(GStrv) roles = NULL;
  g_autofree char *hint = NULL;

  if (role == NULL || cs_mapping_find_input (mapping, role) >= 0)
    return;
  roles = role_names (mapping);
  hint = map_suggest (role, (const char * const *) roles);
  map_diag_add (diag, path, _("no input has the role “%s”%s"), role, hint);
}

static void
check_condition_refs (MapDiag        *diag,
                      CsMapping      *mapping,
                      MapResourceDef *res,
                      const MapCond  *cond)
{
  if (cond == NULL)
    return;
  for (guint i = 0; cond->children != NULL && i < cond->children->len; i++)
    check_condition_refs (diag, mapping, res, cond->children->pdata[i]);
  if (cond->kind == COND_FEATURE && !res->wide)
    map_diag_add (diag, cond->path, _("a feature condition needs “forEachColumn” on the resource"));
  if (cond->kind == COND_MADE && cond->target != NULL && map_find_resource (mapping, cond->target) < 0)
    {
      g_auto(GStrv) names = resource_names (mapping);
      g_autofree char *hint = map_suggest (cond->target, (const char * const *) names);

      map_diag_add (diag, cond->path, _("no resource is named “%s”%s"), cond->target, hint);
    }
  if (cond->kind == COND_MAPPED && cond->target != NULL && cs_mapping_find_concept_map (mapping, cond->target) == NULL)
    map_diag_add (diag, cond->path, _("no ConceptMap with the id or url “%s” in “conceptMaps”"), cond->target);
  check_role (diag, mapping, cond->path, cond->col.input);
}

static void
check_template_refs (MapDiag        *diag,
                     CsMapping      *mapping,
                     MapResourceDef *res,
                     const TNode    *node)
{
  if (node == NULL)
    return;

  switch (node->kind)
    {
    case TNODE_OBJECT:
      check_condition_refs (diag, mapping, res, node->when);
      for (guint i = 0; i < node->members->len; i++)
        check_template_refs (diag, mapping, res, ((TMember *) node->members->pdata[i])->value);
      break;
    case TNODE_ARRAY:
      for (guint i = 0; i < node->items->len; i++)
        check_template_refs (diag, mapping, res, node->items->pdata[i]);
      break;
    case TNODE_COLUMN:
      check_role (diag, mapping, node->path, node->col.input);
      break;
    case TNODE_INTERP:
      for (guint i = 0; i < node->parts->len; i++)
        {
          InterpPart *part = node->parts->pdata[i];

          if (part->is_feature && !res->wide)
            map_diag_add (diag, node->path, _("{{$feature.…}} needs “forEachColumn” on the resource"));
          if (part->is_column)
            check_role (diag, mapping, node->path, part->col.input);
        }
      break;
    case TNODE_MAP:
      check_role (diag, mapping, node->path, node->col.input);
      if (cs_mapping_find_concept_map (mapping, node->target) == NULL)
        {
          GStrvBuilder *b = g_strv_builder_new ();
          g_auto(GStrv) ids = NULL;
          g_autofree char *hint = NULL;

          for (guint i = 0; i < mapping->concept_maps->len; i++)
            {
              CsConceptMap *map = mapping->concept_maps->pdata[i];

              if (map->id != NULL)
                g_strv_builder_add (b, map->id);
            }
          ids = g_strv_builder_end (b);
          g_strv_builder_unref (b);
          hint = map_suggest (node->target, (const char * const *) ids);
          map_diag_add (diag, node->path, _("no ConceptMap with the id or url “%s” in “conceptMaps”%s"),
                        node->target, hint);
        }
      break;
    case TNODE_REF:
    case TNODE_REF_ALL:
      if (map_find_resource (mapping, node->target) < 0)
        {
          g_auto(GStrv) names = resource_names (mapping);
          g_autofree char *hint = map_suggest (node->target, (const char * const *) names);

          map_diag_add (diag, node->path, _("no resource is named “%s”%s"), node->target, hint);
        }
      break;
    case TNODE_FEATURE:
      if (!res->wide)
        map_diag_add (diag, node->path, _("$feature needs “forEachColumn” on the resource"));
      break;
    case TNODE_CONST:
    default:
      break;
    }
}

/* "a”, “b": names for a message between “ ” */
static char *
join_names (GPtrArray *names)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (text, "”, “");
      g_string_append (text, names->pdata[i]);
    }
  return g_string_free (text, FALSE);
}

static void
check_references (MapDiag   *diag,
                  CsMapping *mapping)
{
  for (guint i = 0; i < mapping->inputs->len; i++)
    {
      MapInputDef *input = map_get_input (mapping, i);

      for (guint j = 0; j < i; j++)
        if (input->role != NULL && g_strcmp0 (map_get_input (mapping, j)->role, input->role) == 0)
          map_diag_add (diag, input->path, _("the role “%s” is used twice"), input->role);

      for (guint j = 0; j < input->joins->len; j++)
        {
          MapJoin *join = input->joins->pdata[j];
          int other = join->input != NULL ? cs_mapping_find_input (mapping, join->input) : -1;
          MapInputDef *target;

          check_role (diag, mapping, join->path, join->input);
          if (other < 0)
            continue;
          if ((guint) other == i)
            {
              map_diag_add (diag, join->path, _("a table cannot join itself"));
              continue;
            }
          target = map_get_input (mapping, other);
          if (target->key->len == 0)
            {
              map_diag_add (diag, join->path, _("“%s” has no “key” to join on"), join->input);
              continue;
            }
          /* the other side must be exactly the other table's key */
          if (join->to->len != target->key->len)
            {
              g_autofree char *key = join_names (target->key);

              map_diag_add (diag, join->path, _("a join must match the whole key of “%s” (“%s”)"),
                            join->input, key);
              continue;
            }
          for (guint k = 0; k < join->to->len; k++)
            if (!g_ptr_array_find_with_equal_func (target->key, join->to->pdata[k], g_str_equal, NULL))
              {
                g_autofree char *key = join_names (target->key);

                map_diag_add (diag, join->path, _("“%s” is not a key column of “%s” (its key: “%s”)"),
                              (char *) join->to->pdata[k], join->input, key);
              }
        }
    }

  for (guint i = 0; i < mapping->resources->len; i++)
    {
      MapResourceDef *res = map_get_resource (mapping, i);
      g_autofree char *ipath = map_path_member (res->path, "input");

      for (guint j = 0; j < i; j++)
        if (res->name != NULL && g_strcmp0 (map_get_resource (mapping, j)->name, res->name) == 0)
          map_diag_add (diag, res->path, _("the name “%s” is used twice"), res->name);
      for (guint j = 0; j < res->inputs->len; j++)
        check_role (diag, mapping, ipath, res->inputs->pdata[j]);
      if (res->wide && res->inputs->len > 1 && res->id != NULL)
        map_diag_add (diag, res->path, _("a resource made for each column cannot have an explicit “id”"));
      check_condition_refs (diag, mapping, res, res->when);
      check_template_refs (diag, mapping, res, res->template);
      check_template_refs (diag, mapping, res, res->id);
    }
}

/* ------------------------------------------------------------------ */
/* ConceptMaps                                                         */

static gboolean
load_document (MapDiag          *diag,
               CsMapping        *mapping,
               const char       *path,
               const char       *file,
               GChecksum        *checksum,
               CsJsonDocument  **doc_out)
{
  g_autofree char *full = g_path_is_absolute (file) ? g_strdup (file)
                                                     : g_build_filename (mapping->base_dir, file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  CsJsonDocument *doc;

  if (!g_file_get_contents (full, &contents, &length, &error))
    {
      map_diag_add (diag, path, _("cannot read “%s”: %s"), file, error->message);
      return FALSE;
    }
  if (length > CS_MAPPING_MAX_FILE_BYTES)
    {
      map_diag_add (diag, path, _("“%s” is larger than %u MiB"), file, CS_MAPPING_MAX_FILE_BYTES >> 20);
      return FALSE;
    }
  if (!(doc = cs_json_document_parse (contents, length, &error)))
    {
      map_diag_add (diag, path, _("“%s” is not JSON: %s"), file, error->message);
      return FALSE;
    }
  g_checksum_update (checksum, (const guchar *) contents, length);
  g_ptr_array_add (mapping->documents, doc);
  g_ptr_array_insert (mapping->files, mapping->files->len - 1, g_steal_pointer (&full));
  *doc_out = doc;
  return TRUE;
}

static void
parse_concept_maps (MapDiag          *diag,
                    CsMapping        *mapping,
                    const char       *path,
                    const CsJsonNode *node,
                    GChecksum        *checksum)
{
  guint i = 0;

  if (node->type != CS_JSON_ARRAY)
    {
      map_diag_add (diag, path, _("must be an array of ConceptMap resources or {\"$file\": \"map.json\"}"));
      return;
    }

  for (const CsJsonNode *e = cs_json_first (node); e != NULL; e = e->next, i++)
    {
      g_autofree char *epath = map_path_index (path, i);
      const CsJsonNode *resource = e;
      CsConceptMap *map;
      const char *file;

      if (e->type == CS_JSON_OBJECT && (file = cs_json_get_string (e, "$file")) != NULL)
        {
          static const char * const allowed[] = { "$file", NULL };
          MapDiag file_diag = { file, diag->messages };
          CsJsonDocument *doc;

          map_check_members (diag, epath, e, allowed);
          if (!load_document (diag, mapping, epath, file, checksum, &doc))
            continue;
          resource = cs_json_document_get_root (doc);
          /* problems inside the file name the file */
          if ((map = map_concept_map_parse (&file_diag, "", resource)) != NULL)
            {
              g_free (map->where);
              map->where = g_strdup (file);
              g_ptr_array_add (mapping->concept_maps, map);
            }
          continue;
        }
      if ((map = map_concept_map_parse (diag, epath, resource)) != NULL)
        g_ptr_array_add (mapping->concept_maps, map);
    }

  for (guint a = 0; a < mapping->concept_maps->len; a++)
    for (guint b = 0; b < a; b++)
      {
        CsConceptMap *x = mapping->concept_maps->pdata[a], *y = mapping->concept_maps->pdata[b];

        if ((x->id != NULL && g_strcmp0 (x->id, y->id) == 0) ||
            (x->url != NULL && g_strcmp0 (x->url, y->url) == 0 && g_strcmp0 (x->version, y->version) == 0))
          map_diag_add (diag, path, _("two ConceptMaps have the id or url “%s”"),
                        x->id != NULL && g_strcmp0 (x->id, y->id) == 0 ? x->id : x->url);
      }
}

/* ------------------------------------------------------------------ */
/* The file                                                            */

static gboolean
check_format (const CsJsonNode  *root,
              const char        *name,
              GError           **error)
{
  const char *format;

  if (root == NULL || root->type != CS_JSON_OBJECT)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_VERSION,
                   _("%s: not a mapping file: it must be a JSON object starting with "
                     "\"format\": \"%s\""), name, CS_MAPPING_FORMAT);
      return FALSE;
    }
  format = cs_json_get_string (root, "format");
  if (format == NULL)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_VERSION,
                   _("%s: format: missing; a mapping file says \"format\": \"%s\""), name, CS_MAPPING_FORMAT);
      return FALSE;
    }
  if (g_str_equal (format, CS_MAPPING_FORMAT))
    return TRUE;
  if (g_str_has_prefix (format, "cohortscope-mapping/"))
    {
      guint64 version = 0;

      if (g_ascii_string_to_unsigned (format + strlen ("cohortscope-mapping/"), 10, 2, G_MAXUINT, &version, NULL))
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_VERSION,
                       _("%s: format: “%s” is from a newer Cohortscope; this version reads %s"),
                       name, format, CS_MAPPING_FORMAT);
          return FALSE;
        }
    }
  g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_VERSION,
               _("%s: format: “%s” is not a mapping format this version reads (%s)"),
               name, format, CS_MAPPING_FORMAT);
  return FALSE;
}

static gboolean
is_namespace (const char *text)
{
  guint8 uuid[16];
  const char *colon;

  if (cs_mapping_parse_uuid (text, uuid))
    return TRUE;
  /* an absolute URI: scheme ":" something, no spaces */
  colon = strchr (text, ':');
  if (colon == NULL || colon == text || colon[1] == '\0' || strpbrk (text, " \t\r\n") != NULL)
    return FALSE;
  for (const char *p = text; p < colon; p++)
    if (!(g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'))
      return FALSE;
  return g_ascii_isalpha (text[0]);
}

static void
parse_root (MapDiag          *diag,
            CsMapping        *mapping,
            const CsJsonNode *root,
            GChecksum        *checksum)
{
  static const char * const allowed[] = { "$schema", "format", "id", "version", "name", "description",
                                          "namespace", "fhirVersion", "inputs", "conceptMaps",
                                          "resources", "radiomics", NULL };
  const CsJsonNode *inputs, *maps, *resources, *radiomics;
  const char *text;

  map_check_members (diag, "", root, allowed);

  if ((text = map_get_string (diag, "", root, "id", TRUE)) != NULL)
    {
      const char *reason = NULL;

      if (!cs_fhir_id_check (text, -1, &reason))
        map_diag_add (diag, "id", _("“%s” is not a FHIR id: %s"), text, reason);
      mapping->id = g_strdup (text);
    }
  mapping->version = g_strdup (map_get_string (diag, "", root, "version", TRUE));
  mapping->title = g_strdup (map_get_string (diag, "", root, "name", FALSE));
  mapping->description = g_strdup (map_get_string (diag, "", root, "description", FALSE));
  if ((text = map_get_string (diag, "", root, "namespace", TRUE)) != NULL)
    {
      if (!is_namespace (text))
        map_diag_add (diag, "namespace", _("“%s” is neither a UUID nor an absolute URI such as "
                                           "https://example.org/lung1"), text);
      mapping->namespace_text = g_strdup (text);
      cs_mapping_namespace_uuid (text, mapping->namespace_uuid);
    }
  if ((text = map_get_string (diag, "", root, "fhirVersion", FALSE)) != NULL && !g_str_has_prefix (text, "4.0"))
    map_diag_add (diag, "fhirVersion", _("“%s”: this version writes FHIR R4 (4.0.1)"), text);

  if ((radiomics = cs_json_get (root, "radiomics")) != NULL)
    {
      static const char * const rallowed[] = { "ibsiDictionary", NULL };

      if (radiomics->type != CS_JSON_OBJECT)
        map_diag_add (diag, "radiomics", _("must be an object: {\"ibsiDictionary\": \"featuresDict_IBSIv7.tsv\"}"));
      else
        {
          map_check_members (diag, "radiomics", radiomics, rallowed);
          if ((text = map_get_string (diag, "radiomics", radiomics, "ibsiDictionary", FALSE)) != NULL)
            mapping->ibsi_path = g_path_is_absolute (text) ? g_strdup (text)
                                                            : g_build_filename (mapping->base_dir, text, NULL);
        }
    }

  inputs = cs_json_get (root, "inputs");
  if (inputs == NULL || inputs->type != CS_JSON_ARRAY || inputs->n_children == 0)
    map_diag_add (diag, "inputs", _("must be an array of at least one input table"));
  else
    {
      guint i = 0;

      for (const CsJsonNode *e = cs_json_first (inputs); e != NULL; e = e->next, i++)
        {
          g_autofree char *epath = map_path_index ("inputs", i);
          MapInputDef *input = parse_input (diag, epath, e);

          if (input != NULL)
            g_ptr_array_add (mapping->inputs, input);
        }
    }

  if ((maps = cs_json_get (root, "conceptMaps")) != NULL)
    parse_concept_maps (diag, mapping, "conceptMaps", maps, checksum);

  resources = cs_json_get (root, "resources");
  if (resources == NULL || resources->type != CS_JSON_ARRAY || resources->n_children == 0)
    map_diag_add (diag, "resources", _("must be an array of at least one resource template"));
  else
    {
      guint i = 0;

      for (const CsJsonNode *e = cs_json_first (resources); e != NULL; e = e->next, i++)
        {
          g_autofree char *epath = map_path_index ("resources", i);
          MapResourceDef *res = parse_resource (diag, epath, e);

          if (res != NULL)
            g_ptr_array_add (mapping->resources, res);
        }
    }

  check_references (diag, mapping);

  /* against the FHIR R4 model, once every resource's type is known (for the
   * targets of references) */
  for (guint i = 0; i < mapping->resources->len; i++)
    {
      MapResourceDef *res = map_get_resource (mapping, i);

      if (res->template != NULL && res->resource_type != NULL)
        map_fhir_check_template (diag, mapping, res->resource_type, res->template);
    }
}

CsMapping *
cs_mapping_load_data (const char  *data,
                      gssize       length,
                      const char  *name,
                      const char  *base_dir,
                      GError     **error)
{
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  CsJsonDocument *doc;
  MapDiag diag;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (name == NULL)
    name = "mapping";

  mapping = g_new0 (CsMapping, 1);
  g_atomic_ref_count_init (&mapping->ref);
  mapping->name = g_strdup (name);
  mapping->base_dir = g_strdup (base_dir != NULL ? base_dir : ".");
  mapping->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_json_document_free);
  mapping->files = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (mapping->files, NULL);
  mapping->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_def_free);
  mapping->concept_maps = g_ptr_array_new_with_free_func ((GDestroyNotify) map_concept_map_free);
  mapping->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) resource_def_free);

  if ((gsize) length > CS_MAPPING_MAX_FILE_BYTES)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INVALID,
                   _("%s: larger than %u MiB: not a mapping file"), name, CS_MAPPING_MAX_FILE_BYTES >> 20);
      return NULL;
    }
  if (!(doc = cs_json_document_parse (data, length, &local)))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_SYNTAX, _("%s: not valid JSON: %s"),
                   name, local->message);
      return NULL;
    }
  g_ptr_array_add (mapping->documents, doc);
  g_checksum_update (checksum, (const guchar *) data, length);

  if (!check_format (cs_json_document_get_root (doc), name, error))
    return NULL;

  diag.name = name;
  diag.messages = messages;
  parse_root (&diag, mapping, cs_json_document_get_root (doc), checksum);

  if (!map_diag_check (&diag, CS_MAPPING_ERROR_INVALID, error))
    return NULL;

  mapping->sha256 = g_strdup (g_checksum_get_string (checksum));
  return g_steal_pointer (&mapping);
}

CsMapping *
cs_mapping_load_file (const char  *path,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;
  CsMapping *mapping;
  gsize length = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: is a folder, not a mapping file"), path);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("cannot read the mapping: %s"), local->message);
      return NULL;
    }
  mapping = cs_mapping_load_data (contents, length, name, dir, error);
  if (mapping != NULL)
    g_ptr_array_insert (mapping->files, 0, g_canonicalize_filename (path, NULL));
  return mapping;
}

void
cs_mapping_set_ibsi_dictionary (CsMapping  *self,
                                const char *path)
{
  g_free (self->ibsi_path);
  self->ibsi_path = g_strdup (path);
  self->ibsi_set = TRUE;
}

const char *
cs_mapping_get_ibsi_dictionary (CsMapping *self)
{
  return self->ibsi_path;
}

const char * const *
cs_mapping_get_files (CsMapping *self)
{
  return (const char * const *) self->files->pdata;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *
cs_mapping_get_id (CsMapping *self)
{
  return self->id;
}

const char *
cs_mapping_get_version (CsMapping *self)
{
  return self->version;
}

const char *
cs_mapping_get_title (CsMapping *self)
{
  return self->title != NULL ? self->title : self->id;
}

const char *
cs_mapping_get_namespace (CsMapping *self)
{
  return self->namespace_text;
}

const char *
cs_mapping_get_sha256 (CsMapping *self)
{
  return self->sha256;
}

const char *
cs_mapping_get_name (CsMapping *self)
{
  return self->name;
}

guint
cs_mapping_get_n_inputs (CsMapping *self)
{
  return self->inputs->len;
}

const char *
cs_mapping_get_input_role (CsMapping *self,
                           guint      index)
{
  g_return_val_if_fail (index < self->inputs->len, NULL);
  return map_get_input (self, index)->role;
}

gboolean
cs_mapping_get_input_optional (CsMapping *self,
                               guint      index)
{
  g_return_val_if_fail (index < self->inputs->len, FALSE);
  return map_get_input (self, index)->optional;
}

int
cs_mapping_find_input (CsMapping  *self,
                       const char *role)
{
  for (guint i = 0; i < self->inputs->len; i++)
    if (g_strcmp0 (map_get_input (self, i)->role, role) == 0)
      return i;
  return -1;
}

const CsCsvDialect *
cs_mapping_get_input_dialect (CsMapping *self,
                              guint      index)
{
  g_return_val_if_fail (index < self->inputs->len, NULL);
  return &map_get_input (self, index)->dialect;
}

guint
cs_mapping_get_n_resources (CsMapping *self)
{
  return self->resources->len;
}

const char *
cs_mapping_get_resource_name (CsMapping *self,
                              guint      index)
{
  g_return_val_if_fail (index < self->resources->len, NULL);
  return map_get_resource (self, index)->name;
}

const char *
cs_mapping_get_resource_type (CsMapping *self,
                              guint      index)
{
  g_return_val_if_fail (index < self->resources->len, NULL);
  return map_get_resource (self, index)->resource_type;
}

guint
cs_mapping_get_n_concept_maps (CsMapping *self)
{
  return self->concept_maps->len;
}

CsConceptMap *
cs_mapping_get_concept_map (CsMapping *self,
                            guint      index)
{
  g_return_val_if_fail (index < self->concept_maps->len, NULL);
  return self->concept_maps->pdata[index];
}

CsConceptMap *
cs_mapping_find_concept_map (CsMapping  *self,
                             const char *reference)
{
  const char *bar;

  if (reference == NULL)
    return NULL;
  bar = strchr (reference, '|');
  for (guint i = 0; i < self->concept_maps->len; i++)
    {
      CsConceptMap *map = self->concept_maps->pdata[i];

      if (bar == NULL && (g_strcmp0 (map->id, reference) == 0 || g_strcmp0 (map->url, reference) == 0))
        return map;
      if (bar != NULL && map->url != NULL && strlen (map->url) == (gsize) (bar - reference) &&
          strncmp (map->url, reference, bar - reference) == 0 && g_strcmp0 (map->version, bar + 1) == 0)
        return map;
    }
  return NULL;
}
