/* cs-filter-describe.c: a filter in words, for captions and headlines
 *
 * "stage_group in ("IIIA", "IIIB") and age >= 55 and age <= 75" reads
 * "Clinical stage group IIIA or IIIB, Age at diagnosis 55–75 years":
 * variables by their labels, levels by their displays, numbers with the
 * unit as clinicians write it, a closed range on one variable as "a–b",
 * true/false conditions as the condition or "not" it. The expression
 * itself stays in exported data and metadata; this is for reading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-filter-private.h"
#include "cs-ucum-display.h"

static const char *op_symbols[] = { "=", "≠", "<", "≤", ">", "≥" };

static CsVariable *
describe_variable (CsStore    *store,
                   const char *key)
{
  return store != NULL ? cs_store_find_variable (store, key) : NULL;
}

static const char *
describe_label (CsVariable *var,
                const char *key)
{
  return var != NULL && var->label != NULL && *var->label != '\0' ? var->label : key;
}

/* " mm³", " years", or "" */
static char *
describe_unit (CsVariable *var)
{
  g_autofree char *unit = NULL;

  if (var == NULL || var->type != CS_VARIABLE_NUMERIC || var->unit == NULL)
    return g_strdup ("");
  unit = cs_ucum_display (var->unit);
  return unit != NULL && *unit != '\0' ? g_strconcat (" ", unit, NULL) : g_strdup ("");
}

/* A literal as the bars and the table show it: a level's display, a number
 * with the Unicode minus, a date or string as written */
static char *
describe_literal (CsVariable            *var,
                  const CsFilterLiteral *lit)
{
  switch (lit->kind)
    {
    case CS_FILTER_LITERAL_NUMBER:
      {
        g_autofree char *text = cs_format_double (lit->number);

        if (text[0] == '-')
          return g_strconcat ("−", text + 1, NULL);
        return g_steal_pointer (&text);
      }
    case CS_FILTER_LITERAL_BOOLEAN:
      return g_strdup (lit->boolean ? _("true") : _("false"));
    case CS_FILTER_LITERAL_STRING:
    default:
      if (var != NULL && var->type == CS_VARIABLE_CATEGORICAL)
        {
          int index = cs_variable_find_level (var, lit->string);

          if (index >= 0)
            {
              const CsLevel *level = g_ptr_array_index (var->levels, index);

              return g_strdup (level->display != NULL && *level->display != '\0' ? level->display : level->code);
            }
        }
      return g_strdup (lit->string);
    }
}

/* TRUE (and *value) when lit is a true/false condition on a boolean variable */
static gboolean
literal_truth (CsVariable            *var,
               const CsFilterLiteral *lit,
               gboolean              *value)
{
  if (var == NULL || var->type != CS_VARIABLE_BOOLEAN)
    return FALSE;
  if (lit->kind == CS_FILTER_LITERAL_BOOLEAN)
    *value = lit->boolean;
  else if (lit->kind == CS_FILTER_LITERAL_NUMBER && (lit->number == 0 || lit->number == 1))
    *value = lit->number == 1;
  else
    return FALSE;
  return TRUE;
}

static void describe_node (GString *out, const CsFilterNode *node, CsStore *store);

static void
describe_predicate (GString            *out,
                    const CsFilterNode *node,
                    CsStore            *store)
{
  CsVariable *var = describe_variable (store, node->key);
  const char *label = describe_label (var, node->key);

  switch (node->kind)
    {
    case CS_FILTER_NODE_MISSING:
      /* Translators: a filter in words: "Smoking status unknown" / "Smoking status known" */
      g_string_append_printf (out, node->negated ? _("%s known") : _("%s unknown"), label);
      break;

    case CS_FILTER_NODE_IN:
      g_string_append (out, label);
      for (guint i = 0; i < node->literals->len; i++)
        {
          g_autofree char *value = describe_literal (var, &g_array_index (node->literals, CsFilterLiteral, i));

          /* Translators: the levels of a filter in words, "Stage IIIA or IIIB" */
          g_string_append (out, i == 0 ? " " : _(" or "));
          g_string_append (out, value);
        }
      break;

    case CS_FILTER_NODE_CMP:
      {
        const CsFilterLiteral *lit = &g_array_index (node->literals, CsFilterLiteral, 0);
        g_autofree char *value = describe_literal (var, lit);
        g_autofree char *unit = describe_unit (var);
        gboolean truth;

        if ((node->op == CS_FILTER_OP_EQ || node->op == CS_FILTER_OP_NE) && literal_truth (var, lit, &truth))
          {
            if (truth == (node->op == CS_FILTER_OP_EQ))
              g_string_append (out, label);
            else
              /* Translators: a false condition in words: "not Deceased" */
              g_string_append_printf (out, _("not %s"), label);
          }
        else if (var != NULL && var->type == CS_VARIABLE_CATEGORICAL && node->op == CS_FILTER_OP_EQ)
          g_string_append_printf (out, "%s %s", label, value);
        else if (var != NULL && var->type == CS_VARIABLE_CATEGORICAL && node->op == CS_FILTER_OP_NE)
          /* Translators: a filter in words: "Clinical stage group not IV" */
          g_string_append_printf (out, _("%s not %s"), label, value);
        else
          g_string_append_printf (out, "%s %s %s%s", label, op_symbols[node->op], value, unit);
      }
      break;

    case CS_FILTER_NODE_OR:
    case CS_FILTER_NODE_AND:
    case CS_FILTER_NODE_NOT:
    default:
      describe_node (out, node, store);
    }
}

static gboolean
is_predicate (const CsFilterNode *node)
{
  return node->kind == CS_FILTER_NODE_CMP || node->kind == CS_FILTER_NODE_IN || node->kind == CS_FILTER_NODE_MISSING;
}

/* a number bound on key: "key >= 55", "key < 75" */
static gboolean
is_bound (const CsFilterNode *node,
          gboolean            lower)
{
  if (node->kind != CS_FILTER_NODE_CMP
      || g_array_index (node->literals, CsFilterLiteral, 0).kind == CS_FILTER_LITERAL_BOOLEAN)
    return FALSE;
  if (lower)
    return node->op == CS_FILTER_OP_GE || node->op == CS_FILTER_OP_GT;
  return node->op == CS_FILTER_OP_LE || node->op == CS_FILTER_OP_LT;
}

/* "Age at diagnosis 55–75 years" for >= and <=, "55 < Age at diagnosis ≤ 75 years" else */
static void
describe_range (GString            *out,
                const CsFilterNode *lower,
                const CsFilterNode *upper,
                CsStore            *store)
{
  CsVariable *var = describe_variable (store, lower->key);
  const char *label = describe_label (var, lower->key);
  g_autofree char *lo = describe_literal (var, &g_array_index (lower->literals, CsFilterLiteral, 0));
  g_autofree char *hi = describe_literal (var, &g_array_index (upper->literals, CsFilterLiteral, 0));
  g_autofree char *unit = describe_unit (var);

  if (lower->op == CS_FILTER_OP_GE && upper->op == CS_FILTER_OP_LE)
    g_string_append_printf (out, "%s %s–%s%s", label, lo, hi, unit);
  else
    g_string_append_printf (out, "%s %s %s %s %s%s", lo, op_symbols[lower->op == CS_FILTER_OP_GE ? CS_FILTER_OP_LE : CS_FILTER_OP_LT],
                            label, op_symbols[upper->op], hi, unit);
}

static void
describe_child (GString            *out,
                const CsFilterNode *child,
                CsStore            *store,
                gboolean            parens)
{
  if (parens)
    g_string_append_c (out, '(');
  describe_node (out, child, store);
  if (parens)
    g_string_append_c (out, ')');
}

static void
describe_node (GString            *out,
               const CsFilterNode *node,
               CsStore            *store)
{
  switch (node->kind)
    {
    case CS_FILTER_NODE_AND:
      {
        g_autofree gboolean *used = g_new0 (gboolean, node->children->len);
        gboolean first = TRUE;

        for (guint i = 0; i < node->children->len; i++)
          {
            const CsFilterNode *child = g_ptr_array_index (node->children, i);
            const CsFilterNode *partner = NULL;

            if (used[i])
              continue;
            /* a lower and an upper bound on the same variable: one range */
            for (guint j = i + 1; j < node->children->len && partner == NULL; j++)
              {
                const CsFilterNode *other = g_ptr_array_index (node->children, j);

                if (!used[j] && g_strcmp0 (child->key, other->key) == 0
                    && ((is_bound (child, TRUE) && is_bound (other, FALSE))
                        || (is_bound (child, FALSE) && is_bound (other, TRUE))))
                  {
                    partner = other;
                    used[j] = TRUE;
                  }
              }
            if (!first)
              /* Translators: between the conditions of a filter in words: "Stage IIIA, Age 55–75" */
              g_string_append (out, _(", "));
            first = FALSE;
            if (partner != NULL)
              describe_range (out, is_bound (child, TRUE) ? child : partner, is_bound (child, TRUE) ? partner : child, store);
            else
              describe_child (out, child, store, child->kind == CS_FILTER_NODE_OR);
          }
      }
      break;

    case CS_FILTER_NODE_OR:
      for (guint i = 0; i < node->children->len; i++)
        {
          const CsFilterNode *child = g_ptr_array_index (node->children, i);

          if (i > 0)
            g_string_append (out, _(" or "));
          describe_child (out, child, store, child->kind == CS_FILTER_NODE_AND);
        }
      break;

    case CS_FILTER_NODE_NOT:
      {
        const CsFilterNode *child = g_ptr_array_index (node->children, 0);

        if (child->kind == CS_FILTER_NODE_MISSING)
          {
            CsVariable *var = describe_variable (store, child->key);

            g_string_append_printf (out, child->negated ? _("%s unknown") : _("%s known"),
                                    describe_label (var, child->key));
            break;
          }
        /* Translators: a negated condition in words: "not (Stage IV or Smoker)" */
        g_string_append (out, _("not "));
        describe_child (out, child, store, !is_predicate (child) || child->kind == CS_FILTER_NODE_IN);
      }
      break;

    case CS_FILTER_NODE_CMP:
    case CS_FILTER_NODE_IN:
    case CS_FILTER_NODE_MISSING:
    default:
      describe_predicate (out, node, store);
    }
}

char *
cs_filter_describe (const CsFilter *self,
                    CsStore        *store)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  describe_node (out, self->root, store);
  return g_string_free (out, FALSE);
}
