/* cs-mapping-fhir.c: templates checked against the FHIR R4 model
 *
 * When a mapping is loaded, each template is walked with the element model
 * of src/core/validate: an element R4 does not have, an array where the
 * element holds one value (or a single value where it repeats), a required
 * element left out, a constant that is not a valid primitive or not in a
 * required value set, a directive where it cannot make what the element
 * needs (a $ref outside a Reference, a $map outside a code, Coding or
 * CodeableConcept), a reference to a resource type the element does not
 * allow — each is an error with its JSON path. Every value node is told the
 * element it is for, so the compiler picks the JSON type of what it writes
 * and the evaluator checks each value (format, binding, UCUM) as it is
 * written. Types R4 has but the model does not hold are not checked here;
 * the validator still sees the resources they make.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-private.h"

#define UCUM_SYSTEM "http://unitsofmeasure.org"

typedef struct
{
  MapDiag    *diag;
  CsMapping  *mapping;
  const char *resource_type;
} Check;

static void check_object (Check        *c,
                          const char   *model_path,
                          const TNode  *node,
                          const char   *type_name);

static gboolean
is_quantity (const char *type_name)
{
  static const char * const quantities[] = {
    "Quantity", "Age", "Count", "Distance", "Duration", "MoneyQuantity", "SimpleQuantity", NULL,
  };

  return type_name != NULL && g_strv_contains (quantities, type_name);
}

/* The JSON names allowed at a path: element names, and the typed names of
 * its choice elements. */
static char **
member_names (const char *resource_type,
              const char *model_path)
{
  GStrvBuilder *b = g_strv_builder_new ();
  const CsFhirElement *children;
  guint n = 0;
  GStrv names;

  children = cs_fhir_model_children (resource_type, model_path, &n);
  for (guint i = 0; children != NULL && i < n; i++)
    {
      if (children[i].flags & CS_FHIR_ELEMENT_CHOICE)
        for (guint t = 0; t < children[i].n_types; t++)
          {
            g_autofree char *name = cs_fhir_element_json_name (&children[i], &children[i].types[t]);

            g_strv_builder_add (b, name);
          }
      else
        g_strv_builder_add (b, children[i].name);
    }
  names = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return names;
}

/* "string", "number" or "boolean", for messages */
static const char *
primitive_json_kind (CsFhirPrimitive primitive)
{
  switch (cs_fhir_primitive_json_type (primitive))
    {
    case CS_JSON_NUMBER:
      return "number";
    case CS_JSON_BOOLEAN:
      return "boolean";
    case CS_JSON_NULL:
    case CS_JSON_STRING:
    case CS_JSON_ARRAY:
    case CS_JSON_OBJECT:
    default:
      return "string";
    }
}

static char *
binding_sample (const CsFhirBinding *binding)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < binding->n_codes && i < 12; i++)
    g_string_append_printf (s, i > 0 ? ", %s" : "%s", binding->codes[i]);
  if (binding->n_codes > 12)
    g_string_append (s, ", …");
  return g_string_free (s, FALSE);
}

/* A constant for a primitive element: its JSON type, format and binding. */
static void
check_constant (Check                *c,
                const char           *model_path,
                const TNode          *node,
                const CsFhirElement  *element,
                const CsFhirType     *type)
{
  const CsJsonNode *json = node->json;
  const char *want = primitive_json_kind (type->primitive);
  const char *text = NULL;
  gsize len = 0;
  const char *reason = NULL;

  if (json == NULL)
    return;
  if ((json->type == CS_JSON_STRING && !g_str_equal (want, "string")) ||
      (json->type == CS_JSON_NUMBER && !g_str_equal (want, "number")) ||
      (json->type == CS_JSON_BOOLEAN && !g_str_equal (want, "boolean")) ||
      json->type == CS_JSON_OBJECT || json->type == CS_JSON_ARRAY)
    {
      map_diag_add (c->diag, node->path, _("%s.%s is a %s: write a JSON %s"), c->resource_type, model_path,
                    type->code, want);
      return;
    }
  switch (json->type)
    {
    case CS_JSON_STRING:
      text = json->v.string.str;
      len = json->v.string.len;
      break;
    case CS_JSON_NUMBER:
      text = json->v.number.text;
      len = strlen (text);
      break;
    case CS_JSON_BOOLEAN:
      text = json->v.boolean ? "true" : "false";
      len = strlen (text);
      break;
    case CS_JSON_NULL:
    case CS_JSON_ARRAY:
    case CS_JSON_OBJECT:
    default:
      return;
    }
  if (!cs_fhir_primitive_check_kind (type->primitive, text, len, &reason))
    {
      map_diag_add (c->diag, node->path, _("“%s” is not a valid %s: %s"), text, type->code, reason);
      return;
    }
  if (element->binding != NULL && !(element->flags & CS_FHIR_ELEMENT_BINDING_UNCHECKED) &&
      !cs_fhir_binding_has_code (element->binding, NULL, text))
    {
      g_autofree char *sample = binding_sample (element->binding);

      map_diag_add (c->diag, node->path, _("“%s” is not in the value set %s, which %s.%s must use (%s)"),
                    text, element->binding->value_set, c->resource_type, model_path, sample);
    }
}

/* One value (an item of an array, or the value of a member that does not
 * repeat) for the element at model_path. */
static void
check_item (Check              *c,
            const char         *model_path,
            TNode              *node,
            const CsFhirLookup *lk)
{
  const CsFhirType *type = lk->type;
  gboolean primitive = type->primitive != CS_FHIR_PRIMITIVE_NONE;

  node->element = lk->element;
  node->type = type;

  switch (node->kind)
    {
    case TNODE_CONST:
      if (node->json != NULL && node->json->type != CS_JSON_ARRAY && node->json->type != CS_JSON_OBJECT && !primitive)
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: write an object, not a single value"),
                      c->resource_type, model_path, type->code);
      else if (primitive)
        check_constant (c, model_path, node, lk->element, type);
      break;

    case TNODE_OBJECT:
      if (primitive)
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: write a value, not an object"),
                      c->resource_type, model_path, type->code);
      else if (!g_str_equal (type->code, "Resource"))
        check_object (c, model_path, node, type->code);
      break;

    case TNODE_ARRAY:
      map_diag_add (c->diag, node->path, _("%s.%s holds one value, not an array"), c->resource_type, model_path);
      break;

    case TNODE_COLUMN:
    case TNODE_FEATURE:
      if (!primitive)
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: write an object such as {\"value\": …}, not a "
                                             "single value"), c->resource_type, model_path, type->code);
      else if (node->out != OUT_AUTO)
        {
          const char *want = primitive_json_kind (type->primitive);
          gboolean number = node->out == OUT_NUMBER || node->out == OUT_INTEGER;

          if ((number && !g_str_equal (want, "number")) ||
              (node->out == OUT_BOOLEAN && !g_str_equal (want, "boolean")) ||
              (node->out == OUT_STRING && !g_str_equal (want, "string")))
            map_diag_add (c->diag, node->path, _("%s.%s is a %s: “as” would write a JSON %s"), c->resource_type,
                          model_path, type->code, number ? "number" : node->out == OUT_BOOLEAN ? "boolean" : "string");
        }
      break;

    case TNODE_INTERP:
      if (!primitive || !g_str_equal (primitive_json_kind (type->primitive), "string"))
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: text with placeholders cannot make it (a lone "
                                             "{{column}} or $column keeps the column's type)"),
                      c->resource_type, model_path, type->code);
      break;

    case TNODE_MAP:
      if (primitive)
        {
          if (type->primitive != CS_FHIR_PRIMITIVE_CODE && type->primitive != CS_FHIR_PRIMITIVE_STRING &&
              type->primitive != CS_FHIR_PRIMITIVE_URI)
            map_diag_add (c->diag, node->path, _("%s.%s is a %s: a value map makes codes"), c->resource_type,
                          model_path, type->code);
          else if (node->out == OUT_AUTO)
            node->out = OUT_CODE;
          else if (node->out != OUT_CODE)
            map_diag_add (c->diag, node->path, _("%s.%s is a code: use \"as\": \"code\""), c->resource_type,
                          model_path);
        }
      else if (g_str_equal (type->code, "CodeableConcept"))
        {
          if (node->out == OUT_AUTO)
            node->out = OUT_CODEABLE_CONCEPT;
          else if (node->out != OUT_CODEABLE_CONCEPT)
            map_diag_add (c->diag, node->path, _("%s.%s is a CodeableConcept: leave “as” out"), c->resource_type,
                          model_path);
        }
      else if (g_str_equal (type->code, "Coding"))
        {
          if (node->out == OUT_AUTO)
            node->out = lk->repeats ? OUT_CODINGS : OUT_CODING;
          else if (node->out != OUT_CODING && node->out != OUT_CODINGS)
            map_diag_add (c->diag, node->path, _("%s.%s is a Coding: use \"as\": \"Coding\" or \"codings\""),
                          c->resource_type, model_path);
        }
      else
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: a value map makes a code, a Coding or a "
                                             "CodeableConcept"), c->resource_type, model_path, type->code);
      break;

    case TNODE_REF:
    case TNODE_REF_ALL:
      if (!g_str_equal (type->code, "Reference"))
        map_diag_add (c->diag, node->path, _("%s.%s is a %s: a reference goes in a Reference element"),
                      c->resource_type, model_path, type->code);
      else
        {
          int target = map_find_resource (c->mapping, node->target);
          const char *target_type = target >= 0 ? map_get_resource (c->mapping, target)->resource_type : NULL;
          g_autofree char *needle = target_type != NULL ? g_strdup_printf ("|%s|", target_type) : NULL;

          if (needle != NULL && type->targets != NULL && strstr (type->targets, needle) == NULL &&
              strstr (type->targets, "|Resource|") == NULL)
            {
              /* "|Patient|Group|" → "Patient, Group" */
              g_autofree char *inner = g_strndup (type->targets + 1, MAX (strlen (type->targets), 2) - 2);
              g_auto(GStrv) allowed = g_strsplit (inner, "|", -1);
              g_autofree char *list = g_strjoinv (", ", allowed);

              map_diag_add (c->diag, node->path, _("%s.%s may refer to %s, not to “%s”, which makes %s resources"),
                            c->resource_type, model_path, list, node->target, target_type);
            }
        }
      break;

    default:
      break;
    }
}

static void
check_member (Check       *c,
              const char  *model_path,
              TNode       *value,
              const char  *type_name)
{
  CsFhirLookup lk;

  if (!cs_fhir_model_lookup (c->resource_type, model_path, &lk))
    {
      g_autofree char *parent = g_strdup (model_path);
      char *dot = strrchr (parent, '.');
      const char *name = dot != NULL ? dot + 1 : model_path;
      g_auto(GStrv) names = NULL;
      g_autofree char *hint = NULL;

      const CsFhirElement *children;
      guint n = 0;

      if (dot != NULL)
        *dot = '\0';
      /* "value" for value[x]: the type must be named */
      children = cs_fhir_model_children (c->resource_type, dot != NULL ? parent : NULL, &n);
      for (guint i = 0; children != NULL && i < n; i++)
        if ((children[i].flags & CS_FHIR_ELEMENT_CHOICE) && g_str_equal (children[i].name, name))
          {
            GStrvBuilder *b = g_strv_builder_new ();
            g_auto(GStrv) typed = NULL;
            g_autofree char *list = NULL;

            for (guint t = 0; t < children[i].n_types && t < 6; t++)
              {
                g_autofree char *typed_name = cs_fhir_element_json_name (&children[i], &children[i].types[t]);

                g_strv_builder_add (b, typed_name);
              }
            typed = g_strv_builder_end (b);
            g_strv_builder_unref (b);
            list = g_strjoinv (", ", typed);
            map_diag_add (c->diag, value->path, _("%s[x] is a choice: name the type (%s, …)"), name, list);
            return;
          }
      names = member_names (c->resource_type, dot != NULL ? parent : NULL);
      hint = map_suggest (name, (const char * const *) names);
      map_diag_add (c->diag, value->path, _("%s has no element “%s” in FHIR R4%s"),
                    dot != NULL ? (type_name != NULL ? type_name : parent) : c->resource_type, name, hint);
      return;
    }
  if (lk.type == NULL)
    {
      g_auto(GStrv) names = NULL;
      g_autofree char *list = NULL;
      GStrvBuilder *b = g_strv_builder_new ();

      for (guint t = 0; t < lk.element->n_types && t < 6; t++)
        {
          g_autofree char *n = cs_fhir_element_json_name (lk.element, &lk.element->types[t]);

          g_strv_builder_add (b, n);
        }
      names = g_strv_builder_end (b);
      g_strv_builder_unref (b);
      list = g_strjoinv (", ", names);
      map_diag_add (c->diag, value->path, _("%s[x] is a choice: name the type (%s, …)"), lk.element->name, list);
      return;
    }

  if (value->kind == TNODE_ARRAY)
    {
      if (!lk.repeats)
        {
          map_diag_add (c->diag, value->path, _("%s.%s holds one value, not an array"), c->resource_type,
                        model_path);
          return;
        }
      value->element = lk.element;
      value->type = lk.type;
      for (guint i = 0; i < value->items->len; i++)
        check_item (c, model_path, value->items->pdata[i], &lk);
      return;
    }
  if (lk.repeats && !(value->kind == TNODE_CONST && value->json != NULL && value->json->type == CS_JSON_ARRAY))
    {
      map_diag_add (c->diag, value->path, _("%s.%s repeats (0..*): write an array, [ … ]"), c->resource_type,
                    model_path);
      return;
    }
  check_item (c, model_path, value, &lk);
}

static gboolean
has_member_for (const TNode         *node,
                const CsFhirElement *element)
{
  for (guint i = 0; i < node->members->len; i++)
    {
      const TMember *m = node->members->pdata[i];

      if (g_str_equal (m->key, element->name) ||
          ((element->flags & CS_FHIR_ELEMENT_CHOICE) && g_str_has_prefix (m->key, element->name) &&
           cs_fhir_element_type_for_name (element, m->key) != NULL))
        return TRUE;
    }
  return FALSE;
}

static void
check_object (Check        *c,
              const char   *model_path,
              const TNode  *node,
              const char   *type_name)
{
  const CsFhirElement *children;
  const TNode *system = NULL;
  TNode *code = NULL;
  guint n = 0;

  /* a template that is not an object is reported by the parser; nothing to walk */
  if (node->members == NULL)
    return;
  for (guint i = 0; i < node->members->len; i++)
    {
      TMember *m = node->members->pdata[i];
      g_autofree char *path = NULL;

      if (model_path == NULL && g_str_equal (m->key, "resourceType"))
        continue;
      path = model_path != NULL ? g_strconcat (model_path, ".", m->key, NULL) : g_strdup (m->key);
      check_member (c, path, m->value, type_name);
      if (g_str_equal (m->key, "system"))
        system = m->value;
      if (g_str_equal (m->key, "code"))
        code = m->value;
    }

  /* required elements: a value may still be missing when the mapping runs
   * (the validator sees that); leaving the element out of the template
   * can never be right */
  children = cs_fhir_model_children (c->resource_type, model_path, &n);
  for (guint i = 0; children != NULL && i < n; i++)
    if (children[i].min > 0 && !has_member_for (node, &children[i]))
      map_diag_add (c->diag, node->path, _("%s%s%s needs “%s” (FHIR R4: %u..%s)"), c->resource_type,
                    model_path != NULL ? "." : "", model_path != NULL ? model_path : "", children[i].name,
                    children[i].min, children[i].max == CS_FHIR_UNBOUNDED ? "*" : "1");

  /* the code of a UCUM quantity is a UCUM unit: the validator checks it,
   * and a unit that comes from the data is part of the resource's shape, so
   * that each one is checked (see cs-mapping-eval.c) */
  if (is_quantity (type_name) && system != NULL && code != NULL && system->kind == TNODE_CONST &&
      system->json != NULL && g_strcmp0 (cs_json_string (system->json), UCUM_SYSTEM) == 0)
    code->ucum = TRUE;
}

void
map_fhir_check_template (MapDiag    *diag,
                         CsMapping  *mapping,
                         const char *resource_type,
                         TNode      *template)
{
  Check c = { diag, mapping, resource_type };

  if (!cs_fhir_model_is_resource_type (resource_type))
    {
      guint n = 0;
      const char * const *types = cs_fhir_model_resource_types (&n);
      /* the model's list has a count, not a NULL at its end */
      g_autofree const char **names = g_new0 (const char *, n + 1);
      g_autofree char *hint = NULL;

      memcpy (names, types, n * sizeof *names);
      hint = map_suggest (resource_type, names);

      map_diag_add (diag, template->path, _("“%s” is not a FHIR R4 resource type%s"), resource_type, hint);
      return;
    }
  /* known by name only: the validator still checks what it can */
  if (!cs_fhir_model_has_resource (resource_type))
    return;
  check_object (&c, NULL, template, resource_type);
}
