/* cs-mapping-template.c: resource templates, conditions and {{…}} strings
 *
 * A template is the FHIR resource itself. Values may be directive objects
 * (exactly one "$" key plus that directive's options) or strings with
 * {{column}} placeholders; "\{{" writes a literal "{{". Objects may carry
 * "$when": a condition under which the object is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-private.h"

const char * const map_feature_attr_names[N_FEATURE_ATTRS + 1] = {
  "value", "column", "name", "class", "filter", "code", "ibsi", "ibsiDisplay", "unit", "unitSystem", "label", NULL,
};

static const char * const directive_names[] = {
  "$column", "$map", "$ref", "$refAll", "$feature", "$literal", "$when", NULL,
};

static void
interp_part_free (InterpPart *part)
{
  g_free (part->text);
  g_free (part->col.input);
  g_free (part->col.column);
  g_free (part);
}

static void
tmember_free (TMember *member)
{
  g_free (member->key);
  map_tnode_free (member->value);
  g_free (member);
}

void
map_tnode_free (TNode *node)
{
  if (node == NULL)
    return;
  g_free (node->path);
  g_clear_pointer (&node->members, g_ptr_array_unref);
  g_clear_pointer (&node->items, g_ptr_array_unref);
  g_clear_pointer (&node->when, map_cond_free);
  g_free (node->col.input);
  g_free (node->col.column);
  g_clear_pointer (&node->parts, g_ptr_array_unref);
  g_free (node->target);
  g_free (node);
}

void
map_cond_free (MapCond *cond)
{
  if (cond == NULL)
    return;
  g_free (cond->path);
  g_clear_pointer (&cond->children, g_ptr_array_unref);
  g_free (cond->col.input);
  g_free (cond->col.column);
  g_clear_pointer (&cond->values, g_ptr_array_unref);
  g_clear_pointer (&cond->regex, g_regex_unref);
  g_free (cond->target);
  g_free (cond);
}

static TNode *
tnode_new (TNodeKind   kind,
           const char *path)
{
  TNode *node = g_new0 (TNode, 1);

  node->kind = kind;
  node->path = g_strdup (path);
  node->unmapped = -1;
  return node;
}

static int
feature_attr_from_name (const char *name)
{
  for (guint i = 0; i < N_FEATURE_ATTRS; i++)
    if (g_str_equal (map_feature_attr_names[i], name))
      return i;
  return -1;
}

static void
report_feature_attr (MapDiag    *diag,
                     const char *path,
                     const char *name)
{
  g_autofree char *hint = map_suggest (name, map_feature_attr_names);
  g_autofree char *list = g_strjoinv (", ", (char **) map_feature_attr_names);

  map_diag_add (diag, path, _("unknown feature attribute “%s”%s; known: %s"), name, hint, list);
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

TNode *
map_parse_string (MapDiag          *diag,
                  const char       *path,
                  const CsJsonNode *node)
{
  const char *s = node->v.string.str;
  gsize len = node->v.string.len;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_part_free);
  g_autoptr(GString) literal = g_string_new (NULL);
  gboolean has_placeholder = FALSE;
  TNode *result;
  gsize i = 0;

  if (strlen (s) != len)
    {
      map_diag_add (diag, path, _("a string must not hold NUL characters"));
      return NULL;
    }

  while (i < len)
    {
      const char *close;
      g_autofree char *inner = NULL;
      InterpPart *part;

      if (s[i] == '\\' && i + 2 < len && s[i + 1] == '{' && s[i + 2] == '{')
        {
          g_string_append (literal, "{{");
          i += 3;
          continue;
        }
      if (!(s[i] == '{' && i + 1 < len && s[i + 1] == '{'))
        {
          g_string_append_c (literal, s[i]);
          i++;
          continue;
        }

      close = strstr (s + i + 2, "}}");
      if (close == NULL)
        {
          map_diag_add (diag, path, _("“{{” at character %zu has no closing “}}” "
                                      "(write \\\\{{ for a literal “{{”)"), i + 1);
          return NULL;
        }
      inner = g_strstrip (g_strndup (s + i + 2, close - (s + i + 2)));
      if (*inner == '\0')
        {
          map_diag_add (diag, path, _("empty placeholder “{{}}”"));
          return NULL;
        }

      if (literal->len > 0)
        {
          part = g_new0 (InterpPart, 1);
          part->text = g_strdup (literal->str);
          g_ptr_array_add (parts, part);
          g_string_truncate (literal, 0);
        }

      part = g_new0 (InterpPart, 1);
      if (g_str_has_prefix (inner, "$feature."))
        {
          int attr = feature_attr_from_name (inner + strlen ("$feature."));

          if (attr < 0)
            {
              report_feature_attr (diag, path, inner + strlen ("$feature."));
              interp_part_free (part);
              return NULL;
            }
          part->is_feature = TRUE;
          part->feature = attr;
        }
      else if (inner[0] == '$')
        {
          map_diag_add (diag, path, _("unknown placeholder “{{%s}}”: a placeholder is a column name or "
                                      "$feature.ATTRIBUTE"), inner);
          interp_part_free (part);
          return NULL;
        }
      else
        {
          part->is_column = TRUE;
          part->col.column = g_strdup (inner);
        }
      g_ptr_array_add (parts, part);
      has_placeholder = TRUE;
      i = (close - s) + 2;
    }

  if (literal->len > 0 || parts->len == 0)
    {
      InterpPart *part = g_new0 (InterpPart, 1);

      part->text = g_strdup (literal->str);
      g_ptr_array_add (parts, part);
    }

  /* a lone placeholder keeps the column's type (a number stays a number) */
  if (parts->len == 1 && has_placeholder)
    {
      InterpPart *part = parts->pdata[0];

      if (part->is_feature)
        {
          result = tnode_new (TNODE_FEATURE, path);
          result->feature = part->feature;
        }
      else
        {
          result = tnode_new (TNODE_COLUMN, path);
          result->col.column = g_steal_pointer (&part->col.column);
        }
      result->dynamic = TRUE;
      return result;
    }

  if (!has_placeholder && parts->len == 1 && g_str_equal (((InterpPart *) parts->pdata[0])->text, s))
    {
      result = tnode_new (TNODE_CONST, path);
      result->json = node;
      return result;
    }

  /* with \{{ escapes: written by the evaluator even without placeholders,
   * so that a constant subtree is never serialised with the backslash */
  result = tnode_new (TNODE_INTERP, path);
  result->parts = g_steal_pointer (&parts);
  result->dynamic = TRUE;
  return result;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

static gboolean
parse_col_ref (MapDiag          *diag,
               const char       *path,
               const CsJsonNode *object,
               MapColRef        *col)
{
  const CsJsonNode *column = cs_json_get (object, "column");
  const CsJsonNode *input = cs_json_get (object, "input");

  if (!map_json_is_nonempty_string (column))
    {
      g_autofree char *cpath = map_path_member (path, "column");

      map_diag_add (diag, column == NULL ? path : cpath,
                    column == NULL ? _("“column” is missing") : _("“column” must be a column name"));
      return FALSE;
    }
  col->column = g_strdup (column->v.string.str);
  if (input != NULL)
    {
      g_autofree char *ipath = map_path_member (path, "input");

      if (!map_json_is_nonempty_string (input))
        {
          map_diag_add (diag, ipath, _("“input” must be the role of an input"));
          return FALSE;
        }
      col->input = g_strdup (input->v.string.str);
    }
  return TRUE;
}

static gboolean
add_cond_value (MapDiag          *diag,
                const char       *path,
                MapCond          *cond,
                const CsJsonNode *value)
{
  if (value->type == CS_JSON_STRING)
    g_ptr_array_add (cond->values, g_strdup (value->v.string.str));
  else if (value->type == CS_JSON_NUMBER)
    {
      if (cond->values->len > 0 && !cond->numeric)
        {
          map_diag_add (diag, path, _("do not mix numbers and strings"));
          return FALSE;
        }
      cond->numeric = TRUE;
      g_ptr_array_add (cond->values, g_strdup (value->v.number.text));
    }
  else
    {
      map_diag_add (diag, path, _("must be a string or a number"));
      return FALSE;
    }
  if (cond->numeric && value->type == CS_JSON_STRING)
    {
      map_diag_add (diag, path, _("do not mix numbers and strings"));
      return FALSE;
    }
  return TRUE;
}

MapCond *
map_parse_condition (MapDiag          *diag,
                     const char       *path,
                     const CsJsonNode *node,
                     int               depth)
{
  static const char * const logic_keys[] = { "all", "any", "not", NULL };
  static const char * const column_keys[] = { "column", "input", "present", "equals", "in", "matches", "mapped",
                                              NULL };
  static const char * const feature_keys[] = { "feature", "present", NULL };
  MapCond *cond;
  const CsJsonNode *n;
  guint n_tests = 0;

  if (depth > CS_MAPPING_MAX_TEMPLATE_DEPTH)
    {
      map_diag_add (diag, path, _("conditions nest deeper than %d levels"), CS_MAPPING_MAX_TEMPLATE_DEPTH);
      return NULL;
    }
  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("a condition is an object such as {\"column\": \"age\", \"present\": true}"));
      return NULL;
    }

  cond = g_new0 (MapCond, 1);
  cond->path = g_strdup (path);

  if (cs_json_get (node, "all") != NULL || cs_json_get (node, "any") != NULL)
    {
      const char *key = cs_json_get (node, "all") != NULL ? "all" : "any";
      g_autofree char *lpath = map_path_member (path, key);
      guint i = 0;

      map_check_members (diag, path, node, logic_keys);
      if (node->n_children != 1)
        map_diag_add (diag, path, _("“all”, “any” and “not” each stand alone in their object"));
      cond->kind = g_str_equal (key, "all") ? COND_ALL : COND_ANY;
      cond->children = g_ptr_array_new_with_free_func ((GDestroyNotify) map_cond_free);
      n = cs_json_get (node, key);
      if (n->type != CS_JSON_ARRAY || n->n_children == 0)
        map_diag_add (diag, lpath, _("must be a non-empty array of conditions"));
      for (const CsJsonNode *c = n->type == CS_JSON_ARRAY ? cs_json_first (n) : NULL; c != NULL; c = c->next, i++)
        {
          g_autofree char *cpath = map_path_index (lpath, i);
          MapCond *child = map_parse_condition (diag, cpath, c, depth + 1);

          if (child != NULL)
            g_ptr_array_add (cond->children, child);
        }
      return cond;
    }

  if ((n = cs_json_get (node, "not")) != NULL)
    {
      g_autofree char *npath = map_path_member (path, "not");
      MapCond *child;

      map_check_members (diag, path, node, logic_keys);
      if (node->n_children != 1)
        map_diag_add (diag, path, _("“all”, “any” and “not” each stand alone in their object"));
      cond->kind = COND_NOT;
      cond->children = g_ptr_array_new_with_free_func ((GDestroyNotify) map_cond_free);
      if ((child = map_parse_condition (diag, npath, n, depth + 1)) != NULL)
        g_ptr_array_add (cond->children, child);
      return cond;
    }

  if ((n = cs_json_get (node, "made")) != NULL)
    {
      static const char * const made_keys[] = { "made", NULL };

      map_check_members (diag, path, node, made_keys);
      cond->kind = COND_MADE;
      if (!map_json_is_nonempty_string (n))
        {
          g_autofree char *mpath = map_path_member (path, "made");

          map_diag_add (diag, mpath, _("must be the name of a resource"));
        }
      else
        cond->target = g_strdup (n->v.string.str);
      return cond;
    }

  if ((n = cs_json_get (node, "feature")) != NULL)
    {
      int attr;

      map_check_members (diag, path, node, feature_keys);
      cond->kind = COND_FEATURE;
      if (n->type != CS_JSON_STRING || (attr = feature_attr_from_name (n->v.string.str)) < 0)
        {
          g_autofree char *fpath = map_path_member (path, "feature");

          if (n->type == CS_JSON_STRING)
            report_feature_attr (diag, fpath, n->v.string.str);
          else
            map_diag_add (diag, fpath, _("must be a feature attribute such as \"ibsi\""));
        }
      else
        cond->feature = attr;
      n = cs_json_get (node, "present");
      if (n == NULL || n->type != CS_JSON_BOOLEAN)
        map_diag_add (diag, path, _("a feature condition says \"present\": true or false"));
      else
        cond->negate = !n->v.boolean;
      return cond;
    }

  if (cs_json_get (node, "column") == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) logic_keys);

      map_check_members (diag, path, node, column_keys);
      map_diag_add (diag, path, _("a condition needs “column” (with present, equals, in, matches or mapped), "
                                  "“feature”, “made”, or one of %s"), list);
      map_cond_free (cond);
      return NULL;
    }

  map_check_members (diag, path, node, column_keys);
  if (!parse_col_ref (diag, path, node, &cond->col))
    {
      map_cond_free (cond);
      return NULL;
    }

  if ((n = cs_json_get (node, "present")) != NULL)
    {
      n_tests++;
      cond->kind = COND_PRESENT;
      if (n->type != CS_JSON_BOOLEAN)
        {
          g_autofree char *ppath = map_path_member (path, "present");

          map_diag_add (diag, ppath, _("must be true or false"));
        }
      else
        cond->negate = !n->v.boolean;
    }
  if ((n = cs_json_get (node, "equals")) != NULL)
    {
      g_autofree char *epath = map_path_member (path, "equals");

      n_tests++;
      cond->kind = COND_EQUALS;
      cond->values = g_ptr_array_new_with_free_func (g_free);
      add_cond_value (diag, epath, cond, n);
    }
  if ((n = cs_json_get (node, "in")) != NULL)
    {
      g_autofree char *ipath = map_path_member (path, "in");
      guint i = 0;

      n_tests++;
      cond->kind = COND_EQUALS;
      cond->values = g_ptr_array_new_with_free_func (g_free);
      if (n->type != CS_JSON_ARRAY || n->n_children == 0)
        map_diag_add (diag, ipath, _("must be a non-empty array of values"));
      for (const CsJsonNode *v = n->type == CS_JSON_ARRAY ? cs_json_first (n) : NULL; v != NULL; v = v->next, i++)
        {
          g_autofree char *vpath = map_path_index (ipath, i);

          add_cond_value (diag, vpath, cond, v);
        }
    }
  if ((n = cs_json_get (node, "matches")) != NULL)
    {
      g_autofree char *mpath = map_path_member (path, "matches");
      g_autoptr(GError) error = NULL;

      n_tests++;
      cond->kind = COND_MATCHES;
      if (!map_json_is_nonempty_string (n))
        map_diag_add (diag, mpath, _("must be a regular expression"));
      else
        {
          g_autofree char *anchored = g_strdup_printf ("^(?:%s)$", n->v.string.str);

          if (!(cond->regex = g_regex_new (anchored, G_REGEX_OPTIMIZE, 0, &error)))
            map_diag_add (diag, mpath, _("not a regular expression: %s"), error->message);
        }
    }
  if ((n = cs_json_get (node, "mapped")) != NULL)
    {
      n_tests++;
      cond->kind = COND_MAPPED;
      if (!map_json_is_nonempty_string (n))
        {
          g_autofree char *mpath = map_path_member (path, "mapped");

          map_diag_add (diag, mpath, _("must be the id or url of a ConceptMap"));
        }
      else
        cond->target = g_strdup (n->v.string.str);
    }
  if (n_tests != 1)
    map_diag_add (diag, path, _("give exactly one of “present”, “equals”, “in”, “matches” or “mapped”"));

  return cond;
}

/* ------------------------------------------------------------------ */
/* Directives                                                          */

static gboolean
parse_out_option (MapDiag            *diag,
                  const char         *path,
                  const CsJsonNode   *object,
                  const char * const *names,
                  const OutKind      *kinds,
                  OutKind            *out)
{
  const CsJsonNode *n = cs_json_get (object, "as");
  g_autofree char *apath = map_path_member (path, "as");

  if (n == NULL)
    return TRUE;
  if (n->type == CS_JSON_STRING)
    for (guint i = 0; names[i] != NULL; i++)
      if (g_str_equal (names[i], n->v.string.str))
        {
          *out = kinds[i];
          return TRUE;
        }
  {
    g_autofree char *list = g_strjoinv (", ", (char **) names);
    g_autofree char *hint = n->type == CS_JSON_STRING ? map_suggest (n->v.string.str, names) : g_strdup ("");

    map_diag_add (diag, apath, _("must be one of %s%s"), list, hint);
  }
  return FALSE;
}

static TNode *
parse_directive (MapDiag          *diag,
                 const char       *path,
                 const CsJsonNode *node,
                 const char       *directive)
{
  g_autofree char *dpath = map_path_member (path, directive);
  const CsJsonNode *value = cs_json_get (node, directive);
  TNode *result = NULL;

  if (g_str_equal (directive, "$literal"))
    {
      static const char * const allowed[] = { "$literal", NULL };

      map_check_members (diag, path, node, allowed);
      result = tnode_new (TNODE_CONST, path);
      result->json = value;
      if (value->type == CS_JSON_NULL)
        map_diag_add (diag, dpath, _("null is not a FHIR value"));
      return result;
    }

  if (!map_json_is_nonempty_string (value))
    {
      map_diag_add (diag, dpath, _("must be a non-empty string"));
      return NULL;
    }

  if (g_str_equal (directive, "$column"))
    {
      static const char * const allowed[] = { "$column", "input", "as", "required", NULL };
      static const char * const as_names[] = { "string", "decimal", "integer", "boolean", NULL };
      static const OutKind as_kinds[] = { OUT_STRING, OUT_NUMBER, OUT_INTEGER, OUT_BOOLEAN };
      const CsJsonNode *input = cs_json_get (node, "input");

      map_check_members (diag, path, node, allowed);
      result = tnode_new (TNODE_COLUMN, path);
      result->col.column = g_strdup (value->v.string.str);
      if (input != NULL && !map_json_is_nonempty_string (input))
        {
          g_autofree char *ipath = map_path_member (path, "input");

          map_diag_add (diag, ipath, _("“input” must be the role of an input"));
        }
      else if (input != NULL)
        result->col.input = g_strdup (input->v.string.str);
      parse_out_option (diag, path, node, as_names, as_kinds, &result->out);
      result->required = map_get_bool (diag, path, node, "required", FALSE);
    }
  else if (g_str_equal (directive, "$map"))
    {
      static const char * const allowed[] = { "$map", "column", "input", "unmapped", "as", "text", "required", NULL };
      static const char * const as_names[] = { "code", "Coding", "codings", "CodeableConcept", NULL };
      static const OutKind as_kinds[] = { OUT_CODE, OUT_CODING, OUT_CODINGS, OUT_CODEABLE_CONCEPT };
      static const char * const policies[] = { "error", "keep", "omit", NULL };
      const CsJsonNode *unmapped = cs_json_get (node, "unmapped");

      map_check_members (diag, path, node, allowed);
      result = tnode_new (TNODE_MAP, path);
      result->target = g_strdup (value->v.string.str);
      if (!parse_col_ref (diag, path, node, &result->col))
        {
          map_tnode_free (result);
          return NULL;
        }
      if (unmapped != NULL)
        {
          g_autofree char *upath = map_path_member (path, "unmapped");

          if (unmapped->type == CS_JSON_STRING && g_str_equal (unmapped->v.string.str, "error"))
            result->unmapped = CS_UNMAPPED_ERROR;
          else if (unmapped->type == CS_JSON_STRING && g_str_equal (unmapped->v.string.str, "keep"))
            result->unmapped = CS_UNMAPPED_KEEP;
          else if (unmapped->type == CS_JSON_STRING && g_str_equal (unmapped->v.string.str, "omit"))
            result->unmapped = CS_UNMAPPED_OMIT;
          else
            {
              g_autofree char *hint = unmapped->type == CS_JSON_STRING
                                        ? map_suggest (unmapped->v.string.str, policies) : g_strdup ("");

              map_diag_add (diag, upath, _("must be “error”, “keep” or “omit”%s"), hint);
            }
        }
      parse_out_option (diag, path, node, as_names, as_kinds, &result->out);
      result->with_text = map_get_bool (diag, path, node, "text", FALSE);
      result->required = map_get_bool (diag, path, node, "required", FALSE);
    }
  else if (g_str_equal (directive, "$ref"))
    {
      static const char * const allowed[] = { "$ref", "optional", NULL };

      map_check_members (diag, path, node, allowed);
      result = tnode_new (TNODE_REF, path);
      result->target = g_strdup (value->v.string.str);
      result->optional = map_get_bool (diag, path, node, "optional", FALSE);
    }
  else if (g_str_equal (directive, "$refAll"))
    {
      static const char * const allowed[] = { "$refAll", NULL };

      map_check_members (diag, path, node, allowed);
      result = tnode_new (TNODE_REF_ALL, path);
      result->target = g_strdup (value->v.string.str);
    }
  else if (g_str_equal (directive, "$feature"))
    {
      static const char * const allowed[] = { "$feature", "as", NULL };
      static const char * const as_names[] = { "string", "decimal", "integer", "boolean", NULL };
      static const OutKind as_kinds[] = { OUT_STRING, OUT_NUMBER, OUT_INTEGER, OUT_BOOLEAN };
      int attr = feature_attr_from_name (value->v.string.str);

      map_check_members (diag, path, node, allowed);
      if (attr < 0)
        {
          report_feature_attr (diag, dpath, value->v.string.str);
          return NULL;
        }
      result = tnode_new (TNODE_FEATURE, path);
      result->feature = attr;
      parse_out_option (diag, path, node, as_names, as_kinds, &result->out);
    }
  else
    g_assert_not_reached ();

  result->dynamic = TRUE;
  return result;
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */

TNode *
map_parse_template (MapDiag          *diag,
                    const char       *path,
                    const CsJsonNode *node,
                    int               depth)
{
  TNode *result;

  if (depth > CS_MAPPING_MAX_TEMPLATE_DEPTH)
    {
      map_diag_add (diag, path, _("the template nests deeper than %d levels"), CS_MAPPING_MAX_TEMPLATE_DEPTH);
      return NULL;
    }

  switch (node->type)
    {
    case CS_JSON_NULL:
      map_diag_add (diag, path, _("null is not a FHIR value: leave the element out"));
      return NULL;

    case CS_JSON_BOOLEAN:
    case CS_JSON_NUMBER:
      result = tnode_new (TNODE_CONST, path);
      result->json = node;
      return result;

    case CS_JSON_STRING:
      if (node->v.string.len == 0)
        {
          map_diag_add (diag, path, _("FHIR does not allow empty strings: leave the element out"));
          return NULL;
        }
      return map_parse_string (diag, path, node);

    case CS_JSON_ARRAY:
      {
        guint i = 0;

        if (node->n_children == 0)
          {
            map_diag_add (diag, path, _("FHIR does not allow empty arrays: leave the element out"));
            return NULL;
          }
        result = tnode_new (TNODE_ARRAY, path);
        result->json = node;   /* serialised as is when nothing below is dynamic */
        result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) map_tnode_free);
        for (const CsJsonNode *e = cs_json_first (node); e != NULL; e = e->next, i++)
          {
            g_autofree char *epath = map_path_index (path, i);
            TNode *item = map_parse_template (diag, epath, e, depth + 1);

            if (item == NULL)
              continue;
            result->dynamic |= item->dynamic;
            g_ptr_array_add (result->items, item);
          }
        return result;
      }

    case CS_JSON_OBJECT:
      {
        const char *directive = NULL;

        for (const CsJsonNode *m = cs_json_first (node); m != NULL; m = m->next)
          {
            g_autofree char *mpath = map_path_member (path, m->key);

            if (m->key[0] != '$')
              continue;
            if (!g_strv_contains (directive_names, m->key))
              {
                g_autofree char *hint = map_suggest (m->key, directive_names);

                map_diag_add (diag, mpath, _("unknown directive “%s”%s"), m->key, hint);
                return NULL;
              }
            if (g_str_equal (m->key, "$when"))
              continue;
            if (directive != NULL)
              {
                map_diag_add (diag, path, _("“%s” and “%s” cannot be in one object"), directive, m->key);
                return NULL;
              }
            directive = m->key;
          }

        if (directive != NULL)
          {
            if (cs_json_get (node, "$when") != NULL)
              {
                map_diag_add (diag, path, _("“$when” belongs on the object that holds this value, not on “%s”"),
                              directive);
                return NULL;
              }
            return parse_directive (diag, path, node, directive);
          }

        if (node->n_children == 0 || (node->n_children == 1 && cs_json_get (node, "$when") != NULL))
          {
            map_diag_add (diag, path, _("FHIR does not allow empty objects: leave the element out"));
            return NULL;
          }

        result = tnode_new (TNODE_OBJECT, path);
        result->json = node;
        result->members = g_ptr_array_new_with_free_func ((GDestroyNotify) tmember_free);
        for (const CsJsonNode *m = cs_json_first (node); m != NULL; m = m->next)
          {
            g_autofree char *mpath = map_path_member (path, m->key);
            TMember *member;
            TNode *value;

            for (const CsJsonNode *o = cs_json_first (node); o != m; o = o->next)
              if (g_str_equal (o->key, m->key))
                {
                  map_diag_add (diag, mpath, _("“%s” appears twice"), m->key);
                  break;
                }

            if (g_str_equal (m->key, "$when"))
              {
                result->when = map_parse_condition (diag, mpath, m, 0);
                result->dynamic = TRUE;
                continue;
              }
            if ((value = map_parse_template (diag, mpath, m, depth + 1)) == NULL)
              continue;
            member = g_new0 (TMember, 1);
            member->key = g_strdup (m->key);
            member->value = value;
            result->dynamic |= value->dynamic;
            g_ptr_array_add (result->members, member);
          }
        return result;
      }

    default:
      g_assert_not_reached ();
    }
  return NULL;
}
