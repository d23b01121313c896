/* cs-filter-eval.c: evaluating a filter's tree against columns
 *
 * Each predicate resolves to one column (by key, else by code) and compiles
 * to a list of tests (numbers, dates, booleans) or a level lookup table
 * (categories). Evaluation is column-wise: every node yields a pair of
 * bitsets (true rows, unknown rows; false = neither), so NOT/AND/OR are
 * word-wise Kleene operations and each predicate is one branch-free pass
 * over its column.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-date.h"
#include "cs-filter-private.h"

/* ------------------------------------------------------------------------ */
/* Compilation: each predicate resolves to one column and a list of tests */

typedef enum
{
  TEST_EQ,
  TEST_LT,
  TEST_LE,
  TEST_GT,
  TEST_GE,
  TEST_RANGE,  /* lo <= v < hi */
} TestKind;

typedef struct
{
  TestKind kind;
  double   a;
  double   b;
} Test;

typedef struct
{
  const CsVariable *var;
  gboolean          categorical;   /* cat[] + lut, else num[] + tests */
  gboolean          invert;        /* != : true = known and no test matched */
  gboolean          missing_test;  /* is [not] missing */
  gboolean          negated;
  GArray           *tests;         /* Test */
  guint8           *lut;           /* categorical: n_levels + 1 entries, [0] = missing */
  guint             n_levels;
} Compiled;

static void
compiled_clear (Compiled *c)
{
  g_clear_pointer (&c->tests, g_array_unref);
  g_clear_pointer (&c->lut, g_free);
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 256 || lb > 256)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = (guint) i;
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

static const CsVariable *
resolve (const char        *key,
         CsVariable *const *variables,
         guint              n_variables)
{
  for (guint i = 0; i < n_variables; i++)
    if (g_strcmp0 (variables[i]->key, key) == 0)
      return variables[i];

  for (guint i = 0; i < n_variables; i++)
    if (cs_variable_has_code (variables[i], key))
      return variables[i];

  return NULL;
}

static void
set_unknown_variable_error (const CsFilterNode *node,
                            CsVariable *const  *variables,
                            guint               n_variables,
                            GError            **error)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  guint limit = MAX (2, (guint) strlen (node->key) / 3);

  for (guint i = 0; i < n_variables; i++)
    {
      guint d;

      if (variables[i]->key == NULL)
        continue;
      d = edit_distance (node->key, variables[i]->key);
      if (d < best_distance)
        best_distance = d, best = variables[i]->key;
    }

  if (best != NULL && best_distance <= limit)
    {
      g_autoptr(GString) suggestion = g_string_new (NULL);

      _cs_filter_append_key (suggestion, best);
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                   _("column %u: unknown variable “%s” (did you mean %s?)"),
                   node->column, node->key, suggestion->str);
    }
  else
    g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                 _("column %u: unknown variable “%s” (run “cohortscope-cli variables” to list the keys)"),
                 node->column, node->key);
}

static gboolean
level_matches (const CsLevel *level,
               const char    *str)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (level == NULL)
    return FALSE;
  if (g_strcmp0 (level->code, str) == 0)
    return TRUE;
  if (level->display == NULL)
    return FALSE;

  a = g_utf8_casefold (level->display, -1);
  b = g_utf8_casefold (str, -1);
  return g_str_equal (a, b);
}

gboolean
_cs_filter_literal_matches_level (const CsFilterLiteral *lit,
                                  const CsLevel         *level)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (lit->kind == CS_FILTER_LITERAL_STRING)
    g_string_append (text, lit->string);
  else
    _cs_filter_append_literal (text, lit);

  return level_matches (level, text->str);
}

gboolean
_cs_filter_literal_boolean (const CsFilterLiteral *lit,
                            double                *value)
{
  if (lit->kind == CS_FILTER_LITERAL_BOOLEAN)
    *value = lit->boolean ? 1 : 0;
  else if (lit->kind == CS_FILTER_LITERAL_NUMBER && (lit->number == 0 || lit->number == 1))
    *value = lit->number;
  else if (lit->kind == CS_FILTER_LITERAL_STRING && g_ascii_strcasecmp (lit->string, "true") == 0)
    *value = 1;
  else if (lit->kind == CS_FILTER_LITERAL_STRING && g_ascii_strcasecmp (lit->string, "false") == 0)
    *value = 0;
  else
    return FALSE;
  return TRUE;
}

static const char *
op_text (const CsFilterNode *node)
{
  return node->kind == CS_FILTER_NODE_IN ? "in" : _cs_filter_op_name (node->op);
}

static gboolean
compile_categorical (const CsFilterNode *node,
                     const CsVariable   *var,
                     Compiled           *c,
                     GError            **error)
{
  guint n_levels = var->levels != NULL ? var->levels->len : 0;

  if (node->kind == CS_FILTER_NODE_CMP && node->op != CS_FILTER_OP_EQ && node->op != CS_FILTER_OP_NE)
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” is categorical: “%s” needs a number or a date; use =, != or in"),
                   node->column, node->key, op_text (node));
      return FALSE;
    }

  c->categorical = TRUE;
  c->n_levels = n_levels;
  c->lut = g_new0 (guint8, n_levels + 1);
  c->invert = node->kind == CS_FILTER_NODE_CMP && node->op == CS_FILTER_OP_NE;

  for (guint i = 0; i < node->literals->len; i++)
    {
      const CsFilterLiteral *lit = &g_array_index (node->literals, CsFilterLiteral, i);

      for (guint l = 0; l < n_levels; l++)
        if (_cs_filter_literal_matches_level (lit, g_ptr_array_index (var->levels, l)))
          c->lut[l + 1] = 1;
    }

  return TRUE;
}

static const char *
type_name (CsVariableType type)
{
  switch (type)
    {
    case CS_VARIABLE_NUMERIC:
      return _("numeric");
    case CS_VARIABLE_SURVIVAL:
      return _("a survival time");
    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
    default:
      return _("of another type");
    }
}

static gboolean
compile_numeric (const CsFilterNode *node,
                 const CsVariable   *var,
                 Compiled           *c,
                 GError            **error)
{
  gboolean is_date = var->type == CS_VARIABLE_DATE;
  gboolean is_bool = var->type == CS_VARIABLE_BOOLEAN;
  CsFilterOp op = node->kind == CS_FILTER_NODE_IN ? CS_FILTER_OP_EQ : node->op;

  if (is_bool && op != CS_FILTER_OP_EQ && op != CS_FILTER_OP_NE)
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” is boolean: “%s” does not apply; use = true, = false, != or in"),
                   node->column, node->key, op_text (node));
      return FALSE;
    }

  c->tests = g_array_new (FALSE, FALSE, sizeof (Test));
  c->invert = op == CS_FILTER_OP_NE;

  for (guint i = 0; i < node->literals->len; i++)
    {
      const CsFilterLiteral *lit = &g_array_index (node->literals, CsFilterLiteral, i);
      Test test = { 0 };
      double value = 0;

      if (is_bool)
        {
          if (!_cs_filter_literal_boolean (lit, &value))
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is boolean: compare it with true or false"),
                           lit->column, node->key);
              return FALSE;
            }
        }
      else if (is_date)
        {
          if (lit->kind != CS_FILTER_LITERAL_STRING)
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is a date: compare it with a \"YYYY-MM-DD\" string"),
                           lit->column, node->key);
              return FALSE;
            }
          if (!cs_date_parse_day (lit->string, &value))
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is not a date; “%s” needs a date written \"YYYY-MM-DD\""),
                           lit->column, lit->string, node->key);
              return FALSE;
            }
        }
      else if (lit->kind != CS_FILTER_LITERAL_NUMBER)
        {
          g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                       _("column %u: “%s” is %s: compare it with a number"),
                       lit->column, node->key, type_name (var->type));
          return FALSE;
        }
      else
        value = lit->number;

      if (is_date)
        {
          /* Dates may hold a time of day (fractional days): compare whole days. */
          switch (op)
            {
            case CS_FILTER_OP_EQ:
            case CS_FILTER_OP_NE:
              test.kind = TEST_RANGE, test.a = value, test.b = value + 1;
              break;
            case CS_FILTER_OP_LT:
              test.kind = TEST_LT, test.a = value;
              break;
            case CS_FILTER_OP_LE:
              test.kind = TEST_LT, test.a = value + 1;
              break;
            case CS_FILTER_OP_GT:
              test.kind = TEST_GE, test.a = value + 1;
              break;
            case CS_FILTER_OP_GE:
              test.kind = TEST_GE, test.a = value;
              break;
            default:
              g_assert_not_reached ();
            }
        }
      else
        {
          switch (op)
            {
            case CS_FILTER_OP_EQ:
            case CS_FILTER_OP_NE:
              test.kind = TEST_EQ;
              break;
            case CS_FILTER_OP_LT:
              test.kind = TEST_LT;
              break;
            case CS_FILTER_OP_LE:
              test.kind = TEST_LE;
              break;
            case CS_FILTER_OP_GT:
              test.kind = TEST_GT;
              break;
            case CS_FILTER_OP_GE:
              test.kind = TEST_GE;
              break;
            default:
              g_assert_not_reached ();
            }
          test.a = value;
        }

      g_array_append_val (c->tests, test);
    }

  return TRUE;
}

static gboolean
compile_predicate (const CsFilterNode *node,
                   CsVariable *const  *variables,
                   guint               n_variables,
                   guint               n_rows,
                   Compiled           *c,
                   GError            **error)
{
  const CsVariable *var = resolve (node->key, variables, n_variables);

  if (var == NULL)
    {
      set_unknown_variable_error (node, variables, n_variables, error);
      return FALSE;
    }

  if (var->n_rows != n_rows ||
      (n_rows > 0 && (var->type == CS_VARIABLE_CATEGORICAL ? var->cat == NULL : var->num == NULL)))
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_FAILED,
                   _("variable “%s” has %u values but the table has %u rows"),
                   node->key, var->n_rows, n_rows);
      return FALSE;
    }

  c->var = var;

  if (node->kind == CS_FILTER_NODE_MISSING)
    {
      c->missing_test = TRUE;
      c->negated = node->negated;
      c->categorical = var->type == CS_VARIABLE_CATEGORICAL;
      c->n_levels = var->levels != NULL ? var->levels->len : 0;
      c->lut = g_new0 (guint8, c->n_levels + 1);
      return TRUE;
    }

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      return compile_categorical (node, var, c, error);
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
      return compile_numeric (node, var, c, error);
    default:
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” has a type filters cannot compare"), node->column, node->key);
      return FALSE;
    }
}

static gboolean
compile_tree (const CsFilterNode *node,
              CsVariable *const  *variables,
              guint               n_variables,
              guint               n_rows,
              Compiled           *compiled,
              GError            **error)
{
  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        if (!compile_tree (g_ptr_array_index (node->children, i), variables, n_variables, n_rows,
                           compiled, error))
          return FALSE;
      return TRUE;
    }

  return compile_predicate (node, variables, n_variables, n_rows, &compiled[node->pred_index], error);
}

/* ------------------------------------------------------------------------ */
/* Evaluation
 *
 * A node yields its true rows and, when the caller needs them, its unknown
 * rows. Only NOT needs the unknown rows of its child (false = neither), so
 * AND/OR chains under the root run in "true only" mode: predicates skip the
 * missing mask (NAN and the missing level compare false anyway), and the
 * simple ones AND straight into the chain's accumulator, skipping words
 * that are already all false.
 */

typedef struct
{
  CsBitset *t;   /* true */
  CsBitset *u;   /* unknown, NULL in true-only mode */
} Tri;

/* One pass over a numeric column. With m: OR the matches into t and store
 * the missing bits in m. Without m: OR (or AND, when and_into) the matches
 * into t. */
#define NUM_LOOP(EXPR)                                                   \
  if (m != NULL)                                                         \
    {                                                                    \
      for (guint w = 0; w < n_words; w++)                                \
        {                                                                \
          const double *col = num + (gsize) w * 64;                      \
          guint end = MIN (64, n_rows - w * 64);                         \
          guint64 bits = 0, miss = 0;                                    \
                                                                         \
          for (guint b = 0; b < end; b++)                                \
            {                                                            \
              double v = col[b];                                         \
              bits |= (guint64) (EXPR) << b;                             \
              miss |= (guint64) (v != v) << b;                           \
            }                                                            \
          t[w] |= bits;                                                  \
          m[w] = miss;                                                   \
        }                                                                \
    }                                                                    \
  else                                                                   \
    {                                                                    \
      for (guint w = 0; w < n_words; w++)                                \
        {                                                                \
          const double *col = num + (gsize) w * 64;                      \
          guint end = MIN (64, n_rows - w * 64);                         \
          guint64 bits = 0;                                              \
                                                                         \
          if (and_into && t[w] == 0)                                     \
            continue;                                                    \
          for (guint b = 0; b < end; b++)                                \
            {                                                            \
              double v = col[b];                                         \
              bits |= (guint64) (EXPR) << b;                             \
            }                                                            \
          t[w] = and_into ? (t[w] & bits) : (t[w] | bits);               \
        }                                                                \
    }

static void
run_test (const Test   *test,
          const double *num,
          guint         n_rows,
          guint         n_words,
          guint64      *t,
          guint64      *m,
          gboolean      and_into)
{
  double a = test->a, b_ = test->b;

  switch (test->kind)
    {
    case TEST_EQ:
      NUM_LOOP (v == a);
      break;
    case TEST_LT:
      NUM_LOOP (v < a);
      break;
    case TEST_LE:
      NUM_LOOP (v <= a);
      break;
    case TEST_GT:
      NUM_LOOP (v > a);
      break;
    case TEST_GE:
      NUM_LOOP (v >= a);
      break;
    case TEST_RANGE:
      NUM_LOOP ((v >= a) & (v < b_));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Categorical: t gets the rows whose level is marked in the lut (replaced,
 * or and-ed when and_into), m (when not NULL) the missing rows. */
static void
eval_categorical (const Compiled *c,
                  guint           n_rows,
                  guint           n_words,
                  guint64        *t,
                  guint64        *m,
                  gboolean        and_into)
{
  const gint32 *cat = c->var->cat;
  const guint8 *lut = c->lut;
  guint32 n_levels = c->n_levels;

  for (guint w = 0; w < n_words; w++)
    {
      const gint32 *col = cat + (gsize) w * 64;
      guint end = MIN (64, n_rows - w * 64);
      guint64 bits = 0, miss = 0;

      if (and_into && t[w] == 0)
        continue;
      for (guint b = 0; b < end; b++)
        {
          guint32 idx = (guint32) col[b] + 1u;

          idx = idx <= n_levels ? idx : 0;
          bits |= (guint64) lut[idx] << b;
          miss |= (guint64) (idx == 0) << b;
        }
      t[w] = and_into ? (t[w] & bits) : bits;
      if (m != NULL)
        m[w] = miss;
    }
}

static inline guint64
tail_mask (guint n_rows)
{
  return n_rows % 64 == 0 ? G_MAXUINT64 : (((guint64) 1 << (n_rows % 64)) - 1);
}

/* A predicate that can AND straight into an accumulator in true-only mode */
static gboolean
compiled_is_simple (const Compiled *c)
{
  return !c->missing_test && !c->invert && (c->categorical || c->tests->len == 1);
}

static void
and_into_simple (const Compiled *c,
                 guint           n_rows,
                 guint64        *t,
                 guint           n_words)
{
  if (c->categorical)
    eval_categorical (c, n_rows, n_words, t, NULL, TRUE);
  else
    run_test (&g_array_index (c->tests, Test, 0), c->var->num, n_rows, n_words, t, NULL, TRUE);
}

/* t receives the true rows, u (scratch when the caller does not need it)
 * the unknown rows; both start clear. */
static void
eval_predicate (const Compiled *c,
                guint           n_rows,
                guint64        *t,
                guint64        *u,
                guint           n_words)
{
  g_autofree guint64 *scratch = NULL;

  if (c->categorical)
    /* for "is missing" the lut is all zero: only the missing bits matter */
    eval_categorical (c, n_rows, n_words, t, u, FALSE);
  else if (c->missing_test)
    {
      static const Test never = { TEST_LT, -INFINITY, 0 };

      run_test (&never, c->var->num, n_rows, n_words, t, u, FALSE);
    }
  else
    {
      for (guint i = 0; i < c->tests->len; i++)
        {
          if (i == 0)
            run_test (&g_array_index (c->tests, Test, i), c->var->num, n_rows, n_words, t, u, FALSE);
          else
            {
              if (scratch == NULL)
                scratch = g_new (guint64, MAX (n_words, 1));
              run_test (&g_array_index (c->tests, Test, i), c->var->num, n_rows, n_words, t, scratch, FALSE);
            }
        }
    }

  /* Now t = matched, u = missing. */
  if (c->missing_test)
    {
      guint64 last = tail_mask (n_rows);

      for (guint w = 0; w < n_words; w++)
        {
          t[w] = c->negated ? ~u[w] : u[w];
          u[w] = 0;
        }
      if (n_words > 0)
        t[n_words - 1] &= last;
    }
  else if (c->invert)
    {
      guint64 last = tail_mask (n_rows);

      for (guint w = 0; w < n_words; w++)
        t[w] = ~t[w] & ~u[w];
      if (n_words > 0)
        t[n_words - 1] &= last;
    }
  else
    {
      for (guint w = 0; w < n_words; w++)
        t[w] &= ~u[w];
    }
}

static void
tri_clear (Tri *tri)
{
  g_clear_pointer (&tri->t, cs_bitset_free);
  g_clear_pointer (&tri->u, cs_bitset_free);
}

static gboolean
node_is_simple (const CsFilterNode *node,
                const Compiled     *compiled)
{
  return node->children == NULL && compiled_is_simple (&compiled[node->pred_index]);
}

static void
eval_node (const CsFilterNode *node,
           const Compiled     *compiled,
           guint               n_rows,
           gboolean            need_unknown,
           Tri                *out)
{
  out->t = cs_bitset_new (n_rows);
  out->u = need_unknown ? cs_bitset_new (n_rows) : NULL;

  switch (node->kind)
    {
    case CS_FILTER_NODE_CMP:
    case CS_FILTER_NODE_IN:
    case CS_FILTER_NODE_MISSING:
      {
        const Compiled *c = &compiled[node->pred_index];
        guint n_words = out->t->n_words;

        if (!need_unknown && compiled_is_simple (c))
          {
            if (c->categorical)
              eval_categorical (c, n_rows, n_words, out->t->words, NULL, FALSE);
            else
              run_test (&g_array_index (c->tests, Test, 0), c->var->num, n_rows, n_words,
                        out->t->words, NULL, FALSE);
          }
        else if (need_unknown)
          eval_predicate (c, n_rows, out->t->words, out->u->words, n_words);
        else
          {
            g_autofree guint64 *scratch = g_new0 (guint64, MAX (n_words, 1));

            eval_predicate (c, n_rows, out->t->words, scratch, n_words);
          }
      }
      break;

    case CS_FILTER_NODE_NOT:
      {
        Tri child = { 0 };
        guint64 last = tail_mask (n_rows);
        guint n_words = out->t->n_words;

        eval_node (g_ptr_array_index (node->children, 0), compiled, n_rows, TRUE, &child);
        /* true ↔ false, unknown stays unknown */
        for (guint w = 0; w < n_words; w++)
          out->t->words[w] = ~child.t->words[w] & ~child.u->words[w];
        if (n_words > 0)
          out->t->words[n_words - 1] &= last;
        if (need_unknown)
          {
            CsBitset *tmp = out->u;

            out->u = child.u, child.u = tmp;
          }
        tri_clear (&child);
      }
      break;

    case CS_FILTER_NODE_AND:
    case CS_FILTER_NODE_OR:
      {
        guint n_words = out->t->n_words;
        gboolean is_and = node->kind == CS_FILTER_NODE_AND;

        for (guint i = 0; i < node->children->len; i++)
          {
            const CsFilterNode *child_node = g_ptr_array_index (node->children, i);
            Tri child = { 0 };
            guint64 *t = out->t->words, *u = need_unknown ? out->u->words : NULL;

            if (i > 0 && is_and && !need_unknown && node_is_simple (child_node, compiled))
              {
                and_into_simple (&compiled[child_node->pred_index], n_rows, t, n_words);
                continue;
              }

            eval_node (child_node, compiled, n_rows, need_unknown, &child);
            if (i == 0)
              {
                CsBitset *tmp;

                tmp = out->t, out->t = child.t, child.t = tmp;
                tmp = out->u, out->u = child.u, child.u = tmp;
              }
            else if (!need_unknown)
              {
                for (guint w = 0; w < n_words; w++)
                  t[w] = is_and ? (t[w] & child.t->words[w]) : (t[w] | child.t->words[w]);
              }
            else if (is_and)
              {
                /* Kleene AND: true if both true; unknown if neither is false and not both true */
                for (guint w = 0; w < n_words; w++)
                  {
                    guint64 t1 = t[w], u1 = u[w], t2 = child.t->words[w], u2 = child.u->words[w];

                    t[w] = t1 & t2;
                    u[w] = (t1 | u1) & (t2 | u2) & ~(t1 & t2);
                  }
              }
            else
              {
                /* Kleene OR: true if either true; unknown if not true and either unknown */
                for (guint w = 0; w < n_words; w++)
                  {
                    guint64 t1 = t[w] | child.t->words[w];

                    t[w] = t1;
                    u[w] = (u[w] | child.u->words[w]) & ~t1;
                  }
              }
            tri_clear (&child);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

CsBitset *
cs_filter_evaluate_columns (const CsFilter     *self,
                            CsVariable *const  *variables,
                            guint               n_variables,
                            guint               n_rows,
                            CsBitset          **unknown,
                            GError            **error)
{
  Compiled *compiled;
  Tri result = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (variables != NULL || n_variables == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  compiled = g_new0 (Compiled, MAX (self->n_preds, 1));
  ok = compile_tree (self->root, variables, n_variables, n_rows, compiled, error);
  if (ok)
    eval_node (self->root, compiled, n_rows, unknown != NULL, &result);

  for (guint i = 0; i < self->n_preds; i++)
    compiled_clear (&compiled[i]);
  g_free (compiled);

  if (!ok)
    return NULL;

  if (unknown != NULL)
    *unknown = g_steal_pointer (&result.u);

  return result.t;
}
