/* cs-filter-state.c: the filter being built in the Cohort view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-date.h"
#include "cs-filter-private.h"
#include "cs-filter-state.h"
#include "cs-variable.h"

#define MAX_UNDO 200

struct _CsFilterState
{
  GObject    parent_instance;

  GPtrArray *clauses;       /* CsFilterClause* */
  char      *text;          /* cached get_text() */
  GPtrArray *undo;          /* GPtrArray* of clause lists (snapshots) */
  GPtrArray *redo;
  guint      group_depth;
  gboolean   group_pushed;
};

G_DEFINE_FINAL_TYPE (CsFilterState, cs_filter_state, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TEXT,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ dates */

gboolean
cs_filter_parse_date (const char *text,
                      double     *days)
{
  return cs_date_parse_day (text, days);
}

char *
cs_filter_format_date (double days)
{
  gint64 year;
  guint month, day;

  /* only what the filter language reads back (cs_date_parse_day) */
  if (!isfinite (days) || fabs (days) > 1e9)
    return g_strdup ("");
  cs_date_civil_from_days ((gint64) floor (days), &year, &month, &day);
  if (year < 1 || year > 9999)
    return g_strdup ("");
  return cs_date_format (days);
}

/* ---------------------------------------------------------------- clauses */

static void
clause_free (gpointer data)
{
  CsFilterClause *clause = data;

  if (clause == NULL)
    return;
  g_free (clause->key);
  g_clear_pointer (&clause->values, g_ptr_array_unref);
  g_free (clause->text);
  g_free (clause);
}

static CsFilterClause *
clause_new (CsClauseKind  kind,
            const char   *key)
{
  CsFilterClause *clause = g_new0 (CsFilterClause, 1);

  clause->kind = kind;
  clause->key = g_strdup (key);
  clause->lo = NAN;
  clause->hi = NAN;
  if (kind == CS_CLAUSE_LEVELS)
    clause->values = g_ptr_array_new_with_free_func (g_free);

  return clause;
}

static CsFilterClause *
clause_copy (const CsFilterClause *src)
{
  CsFilterClause *clause = g_memdup2 (src, sizeof *src);

  clause->key = g_strdup (src->key);
  clause->text = g_strdup (src->text);
  if (src->values != NULL)
    {
      clause->values = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < src->values->len; i++)
        g_ptr_array_add (clause->values, g_strdup (g_ptr_array_index (src->values, i)));
    }

  return clause;
}

static GPtrArray *
clauses_copy (GPtrArray *clauses)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (clause_free);

  for (guint i = 0; i < clauses->len; i++)
    g_ptr_array_add (copy, clause_copy (g_ptr_array_index (clauses, i)));

  return copy;
}

static void
append_value (GString       *out,
              CsLiteralKind  literal,
              const char    *value)
{
  if (literal == CS_LITERAL_STRING)
    _cs_filter_append_string (out, value);
  else
    g_string_append (out, value);
}

static void
append_bound (GString  *out,
              double    value,
              gboolean  is_date)
{
  if (is_date)
    {
      g_autofree char *date = cs_filter_format_date (value);

      _cs_filter_append_string (out, date);
    }
  else
    {
      char buf[CS_NUMBER_BUF_SIZE];

      cs_format_double_buf (value, buf);
      g_string_append (out, buf);
    }
}

static gboolean
clause_is_active (const CsFilterClause *clause)
{
  switch (clause->kind)
    {
    case CS_CLAUSE_RANGE:
      return !isnan (clause->lo) || !isnan (clause->hi);
    case CS_CLAUSE_LEVELS:
      return clause->values->len > 0;
    case CS_CLAUSE_MISSING:
      return TRUE;
    case CS_CLAUSE_ADVANCED:
      return clause->text != NULL && clause->text[0] != '\0';
    default:
      return FALSE;
    }
}

char *
cs_filter_clause_to_text (const CsFilterClause *clause)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (clause != NULL, NULL);

  switch (clause->kind)
    {
    case CS_CLAUSE_RANGE:
      if (!isnan (clause->lo))
        {
          _cs_filter_append_key (out, clause->key);
          g_string_append (out, clause->lo_strict ? " > " : " >= ");
          append_bound (out, clause->lo, clause->is_date);
        }
      if (!isnan (clause->hi))
        {
          if (out->len > 0)
            g_string_append (out, " and ");
          _cs_filter_append_key (out, clause->key);
          g_string_append (out, clause->hi_strict ? " < " : " <= ");
          append_bound (out, clause->hi, clause->is_date);
        }
      break;

    case CS_CLAUSE_LEVELS:
      _cs_filter_append_key (out, clause->key);
      if (clause->values->len == 1 && !clause->in_form)
        {
          g_string_append (out, " = ");
          append_value (out, clause->literal, g_ptr_array_index (clause->values, 0));
        }
      else if (clause->values->len > 0)
        {
          g_string_append (out, " in (");
          for (guint i = 0; i < clause->values->len; i++)
            {
              if (i > 0)
                g_string_append (out, ", ");
              append_value (out, clause->literal, g_ptr_array_index (clause->values, i));
            }
          g_string_append_c (out, ')');
        }
      break;

    case CS_CLAUSE_MISSING:
      _cs_filter_append_key (out, clause->key);
      g_string_append (out, clause->missing ? " is missing" : " is not missing");
      break;

    case CS_CLAUSE_ADVANCED:
      g_string_append (out, clause->text != NULL ? clause->text : "");
      break;

    default:
      g_assert_not_reached ();
    }

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ text → clauses
 *
 * Reads the syntax tree of cs_filter_parse() (cs-filter-private.h): a
 * top-level "and" gives one clause per conjunct. A conjunct the sidebar can
 * show (a comparison, an "in" list or "is [not] missing", not in
 * parentheses) becomes its clause; anything else an advanced clause with
 * the conjunct's text as it was written. */

static gboolean
literal_kind (const CsFilterLiteral *lit,
              CsLiteralKind         *kind)
{
  switch (lit->kind)
    {
    case CS_FILTER_LITERAL_STRING:
      *kind = CS_LITERAL_STRING;
      return TRUE;
    case CS_FILTER_LITERAL_NUMBER:
      *kind = CS_LITERAL_NUMBER;
      return TRUE;
    case CS_FILTER_LITERAL_BOOLEAN:
      *kind = CS_LITERAL_BOOLEAN;
      return TRUE;
    default:
      return FALSE;
    }
}

/* A level value as the clause keeps it: a string unescaped, a number as
 * written, true or false */
static char *
literal_text (const char            *text,
              const CsFilterLiteral *lit)
{
  switch (lit->kind)
    {
    case CS_FILTER_LITERAL_STRING:
      return g_strdup (lit->string);
    case CS_FILTER_LITERAL_BOOLEAN:
      return g_strdup (lit->boolean ? "true" : "false");
    case CS_FILTER_LITERAL_NUMBER:
    default:
      return g_strndup (text + lit->pos, lit->len);
    }
}

static CsFilterClause *
recognize_range (const CsFilterNode    *node,
                 const CsFilterLiteral *lit)
{
  gboolean lower = node->op == CS_FILTER_OP_GT || node->op == CS_FILTER_OP_GE;
  gboolean upper = node->op == CS_FILTER_OP_LT || node->op == CS_FILTER_OP_LE;
  gboolean strict = node->op == CS_FILTER_OP_GT || node->op == CS_FILTER_OP_LT;
  gboolean is_date = FALSE;
  double value = NAN;
  CsFilterClause *clause;

  if (!lower && !upper)
    return NULL;
  if (lit->kind == CS_FILTER_LITERAL_NUMBER)
    value = lit->number;
  else if (lit->kind == CS_FILTER_LITERAL_STRING && cs_filter_parse_date (lit->string, &value))
    is_date = TRUE;
  if (!isfinite (value))
    return NULL;

  clause = clause_new (CS_CLAUSE_RANGE, node->key);
  clause->is_date = is_date;
  if (lower)
    {
      clause->lo = value;
      clause->lo_strict = strict;
    }
  else
    {
      clause->hi = value;
      clause->hi_strict = strict;
    }
  return clause;
}

/* "key in (…)" with literals of one kind, or "key = literal" */
static CsFilterClause *
recognize_levels (const char         *text,
                  const CsFilterNode *node)
{
  CsFilterClause *clause;
  CsLiteralKind first;

  if (node->kind == CS_FILTER_NODE_CMP && node->op != CS_FILTER_OP_EQ)
    return NULL;
  if (!literal_kind (&g_array_index (node->literals, CsFilterLiteral, 0), &first))
    return NULL;

  clause = clause_new (CS_CLAUSE_LEVELS, node->key);
  clause->literal = first;
  clause->in_form = node->kind == CS_FILTER_NODE_IN;
  for (guint i = 0; i < node->literals->len; i++)
    {
      const CsFilterLiteral *lit = &g_array_index (node->literals, CsFilterLiteral, i);
      CsLiteralKind kind;

      if (!literal_kind (lit, &kind) || kind != first)
        {
          clause_free (clause);
          return NULL;
        }
      g_ptr_array_add (clause->values, literal_text (text, lit));
    }
  return clause;
}

/* A conjunct as a clause */
static CsFilterClause *
recognize (const char         *text,
           const CsFilterNode *node)
{
  CsFilterClause *clause = NULL;

  if (!node->parens)
    {
      switch (node->kind)
        {
        case CS_FILTER_NODE_MISSING:
          clause = clause_new (CS_CLAUSE_MISSING, node->key);
          clause->missing = !node->negated;
          break;
        case CS_FILTER_NODE_CMP:
          clause = recognize_range (node, &g_array_index (node->literals, CsFilterLiteral, 0));
          if (clause == NULL)
            clause = recognize_levels (text, node);
          break;
        case CS_FILTER_NODE_IN:
          clause = recognize_levels (text, node);
          break;
        case CS_FILTER_NODE_OR:
        case CS_FILTER_NODE_AND:
        case CS_FILTER_NODE_NOT:
        default:
          break;
        }
    }
  if (clause == NULL)
    {
      clause = clause_new (CS_CLAUSE_ADVANCED, NULL);
      clause->text = g_strndup (text + node->start, node->end - node->start);
    }
  return clause;
}

/* Appends clause, merging a one-sided range into an earlier range on the
 * same variable whose other side is open (whichever side came first). */
static void
add_clause (GPtrArray      *clauses,
            CsFilterClause *clause)
{
  if (clause->kind == CS_CLAUSE_RANGE)
    {
      for (guint i = 0; i < clauses->len; i++)
        {
          CsFilterClause *other = g_ptr_array_index (clauses, i);

          if (other->kind != CS_CLAUSE_RANGE || other->is_date != clause->is_date
              || strcmp (other->key, clause->key) != 0)
            continue;
          if (isnan (other->hi) && !isnan (clause->hi) && isnan (clause->lo) && !isnan (other->lo))
            {
              other->hi = clause->hi;
              other->hi_strict = clause->hi_strict;
              clause_free (clause);
              return;
            }
          /* "age <= 70 and age >= 50": one range all the same */
          if (isnan (other->lo) && !isnan (clause->lo) && isnan (clause->hi) && !isnan (other->hi))
            {
              other->lo = clause->lo;
              other->lo_strict = clause->lo_strict;
              clause_free (clause);
              return;
            }
        }
    }

  g_ptr_array_add (clauses, clause);
}

/* Whether text is an "or" of several terms outside parentheses (that
 * needs them when it is a conjunct) */
static gboolean
is_disjunction (const char *text)
{
  g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, NULL);
  const CsFilterNode *root = filter != NULL ? _cs_filter_get_root (filter) : NULL;

  return root != NULL && root->kind == CS_FILTER_NODE_OR && !root->parens;
}

/* filter: text parsed, or NULL for no filter */
static GPtrArray *
clauses_from_filter (const char     *text,
                     const CsFilter *filter)
{
  GPtrArray *clauses = g_ptr_array_new_with_free_func (clause_free);
  const CsFilterNode *root;

  if (filter == NULL)
    return clauses;

  root = _cs_filter_get_root (filter);
  if (root->kind == CS_FILTER_NODE_OR && !root->parens)
    {
      CsFilterClause *clause = clause_new (CS_CLAUSE_ADVANCED, NULL);

      clause->text = g_strstrip (g_strdup (text));
      g_ptr_array_add (clauses, clause);
    }
  else if (root->kind == CS_FILTER_NODE_AND && !root->parens)
    {
      for (guint i = 0; i < root->children->len; i++)
        add_clause (clauses, recognize (text, g_ptr_array_index (root->children, i)));
    }
  else
    add_clause (clauses, recognize (text, root));

  return clauses;
}

static char *
clauses_to_text (GPtrArray *clauses)
{
  GString *out = g_string_new (NULL);
  guint n_active = 0;

  for (guint i = 0; i < clauses->len; i++)
    n_active += clause_is_active (g_ptr_array_index (clauses, i));

  for (guint i = 0; i < clauses->len; i++)
    {
      const CsFilterClause *clause = g_ptr_array_index (clauses, i);
      g_autofree char *text = NULL;
      gboolean parens = FALSE;

      if (!clause_is_active (clause))
        continue;

      text = cs_filter_clause_to_text (clause);
      if (clause->kind == CS_CLAUSE_ADVANCED && n_active > 1)
        parens = is_disjunction (text);
      if (out->len > 0)
        g_string_append (out, " and ");
      if (parens)
        g_string_append_c (out, '(');
      g_string_append (out, text);
      if (parens)
        g_string_append_c (out, ')');
    }

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ state */

static void
update (CsFilterState *self)
{
  g_autofree char *text = clauses_to_text (self->clauses);
  gboolean text_changed = g_strcmp0 (text, self->text) != 0;

  g_free (self->text);
  self->text = g_steal_pointer (&text);

  if (text_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
notify_undo (CsFilterState *self,
             gboolean       could_undo,
             gboolean       could_redo)
{
  if (could_undo != cs_filter_state_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != cs_filter_state_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

/* Call before changing self->clauses. */
static void
push_undo (CsFilterState *self)
{
  gboolean could_undo = cs_filter_state_can_undo (self);
  gboolean could_redo = cs_filter_state_can_redo (self);

  if (self->group_depth > 0 && self->group_pushed)
    return;
  if (self->group_depth > 0)
    self->group_pushed = TRUE;

  g_ptr_array_add (self->undo, clauses_copy (self->clauses));
  if (self->undo->len > MAX_UNDO)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);

  notify_undo (self, could_undo, could_redo);
}

static void
cs_filter_state_finalize (GObject *object)
{
  CsFilterState *self = CS_FILTER_STATE (object);

  g_clear_pointer (&self->clauses, g_ptr_array_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (cs_filter_state_parent_class)->finalize (object);
}

static void
cs_filter_state_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CsFilterState *self = CS_FILTER_STATE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, cs_filter_state_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, cs_filter_state_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_filter_state_class_init (CsFilterStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_filter_state_finalize;
  object_class->get_property = cs_filter_state_get_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_filter_state_init (CsFilterState *self)
{
  self->clauses = g_ptr_array_new_with_free_func (clause_free);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->text = g_strdup ("");
}

CsFilterState *
cs_filter_state_new (void)
{
  return g_object_new (CS_TYPE_FILTER_STATE, NULL);
}

const char *
cs_filter_state_get_text (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), NULL);

  return self->text;
}

gboolean
cs_filter_state_set_text (CsFilterState  *self,
                          const char     *text,
                          guint          *error_column,
                          GError        **error)
{
  g_autoptr(CsFilter) filter = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (stripped[0] != '\0')
    {
      /* The text as typed, so that error columns match the user's entry */
      filter = cs_filter_parse (text, error_column, error);
      if (filter == NULL)
        return FALSE;
    }

  push_undo (self);
  g_ptr_array_unref (self->clauses);
  self->clauses = clauses_from_filter (text, filter);
  update (self);

  return TRUE;
}

guint
cs_filter_state_get_n_clauses (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), 0);

  return self->clauses->len;
}

const CsFilterClause *
cs_filter_state_get_clause (CsFilterState *self,
                            guint          index)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), NULL);
  g_return_val_if_fail (index < self->clauses->len, NULL);

  return g_ptr_array_index (self->clauses, index);
}

int
cs_filter_state_find_clause (CsFilterState *self,
                             const char    *key,
                             CsClauseKind   kind)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), -1);

  for (guint i = 0; i < self->clauses->len; i++)
    {
      const CsFilterClause *clause = g_ptr_array_index (self->clauses, i);

      if (clause->kind == kind && g_strcmp0 (clause->key, key) == 0)
        return (int) i;
    }

  return -1;
}

int
cs_filter_state_find_variable_clause (CsFilterState    *self,
                                      const CsVariable *var,
                                      CsClauseKind      kind)
{
  int index;

  g_return_val_if_fail (CS_IS_FILTER_STATE (self), -1);
  g_return_val_if_fail (var != NULL, -1);

  if ((index = cs_filter_state_find_clause (self, var->key, kind)) >= 0)
    return index;
  for (guint i = 0; i < self->clauses->len; i++)
    {
      const CsFilterClause *clause = g_ptr_array_index (self->clauses, i);

      if (clause->kind == kind && clause->key != NULL && cs_variable_has_code (var, clause->key))
        return (int) i;
    }

  return -1;
}

/* A level clause's value as the parser gave it (the string borrowed) */
static CsFilterLiteral
clause_literal (const CsFilterClause *clause,
                guint                 index)
{
  const char *value = g_ptr_array_index (clause->values, index);
  CsFilterLiteral lit = { 0 };

  switch (clause->literal)
    {
    case CS_LITERAL_NUMBER:
      lit.kind = CS_FILTER_LITERAL_NUMBER;
      lit.number = g_ascii_strtod (value, NULL);
      break;
    case CS_LITERAL_BOOLEAN:
      lit.kind = CS_FILTER_LITERAL_BOOLEAN;
      lit.boolean = g_str_equal (value, "true");
      break;
    case CS_LITERAL_STRING:
    default:
      lit.kind = CS_FILTER_LITERAL_STRING;
      lit.string = (char *) value;
      break;
    }
  return lit;
}

static gboolean
literal_selects_level (const CsFilterLiteral *lit,
                       const CsVariable      *var,
                       guint                  level)
{
  double value;

  if (var->type == CS_VARIABLE_BOOLEAN)
    return level <= 1 && _cs_filter_literal_boolean (lit, &value) && value == (double) level;
  if (var->type == CS_VARIABLE_CATEGORICAL)
    return var->levels != NULL && level < var->levels->len
           && _cs_filter_literal_matches_level (lit, g_ptr_array_index (var->levels, level));
  return FALSE;
}

gboolean
cs_filter_clause_selects_level (const CsFilterClause *clause,
                                const CsVariable     *var,
                                guint                 level)
{
  g_return_val_if_fail (var != NULL, FALSE);

  if (clause == NULL || clause->kind != CS_CLAUSE_LEVELS)
    return FALSE;
  for (guint i = 0; i < clause->values->len; i++)
    {
      CsFilterLiteral lit = clause_literal (clause, i);

      if (literal_selects_level (&lit, var, level))
        return TRUE;
    }
  return FALSE;
}

/* Replaces the clause of its kind on its key (or appends); takes clause. */
static void
replace_clause (CsFilterState  *self,
                CsFilterClause *clause)
{
  int index = cs_filter_state_find_clause (self, clause->key, clause->kind);

  if (index >= 0)
    {
      g_autofree char *old_text = cs_filter_clause_to_text (g_ptr_array_index (self->clauses, index));
      g_autofree char *new_text = cs_filter_clause_to_text (clause);

      if (clause_is_active (clause) && strcmp (old_text, new_text) == 0)
        {
          clause_free (clause);
          return;
        }
    }
  else if (!clause_is_active (clause))
    {
      clause_free (clause);
      return;
    }

  push_undo (self);
  if (index < 0)
    g_ptr_array_add (self->clauses, clause);
  else if (!clause_is_active (clause))
    {
      g_ptr_array_remove_index (self->clauses, (guint) index);
      clause_free (clause);
    }
  else
    {
      clause_free (g_ptr_array_index (self->clauses, index));
      self->clauses->pdata[index] = clause;
    }
  update (self);
}

gboolean
cs_filter_clause_get_number_value (const CsFilterClause *clause,
                                   double               *value)
{
  double v;
  char *end = NULL;

  g_return_val_if_fail (clause != NULL, FALSE);

  if (clause->kind != CS_CLAUSE_LEVELS || clause->literal != CS_LITERAL_NUMBER || clause->values->len != 1)
    return FALSE;
  v = g_ascii_strtod (clause->values->pdata[0], &end);
  if (end == clause->values->pdata[0] || *end != '\0' || !isfinite (v))
    return FALSE;
  if (value != NULL)
    *value = v;
  return TRUE;
}

void
cs_filter_state_set_range (CsFilterState *self,
                           const char    *key,
                           double         lo,
                           double         hi,
                           gboolean       is_date)
{
  CsFilterClause *clause;
  int index;

  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (key != NULL);

  clause = clause_new (CS_CLAUSE_RANGE, key);
  clause->lo = isfinite (lo) ? lo : NAN;
  clause->hi = isfinite (hi) ? hi : NAN;
  clause->is_date = is_date;
  /* a bound that stays keeps how it was written (a typed "> 50" stays
   * strict when a card or a chart sets the other side) */
  if ((index = cs_filter_state_find_clause (self, key, CS_CLAUSE_RANGE)) >= 0)
    {
      const CsFilterClause *old = g_ptr_array_index (self->clauses, index);

      clause->lo_strict = old->lo_strict && old->lo == clause->lo;
      clause->hi_strict = old->hi_strict && old->hi == clause->hi;
    }
  else if ((index = cs_filter_state_find_clause (self, key, CS_CLAUSE_LEVELS)) >= 0 &&
           cs_filter_clause_get_number_value (g_ptr_array_index (self->clauses, index), NULL))
    {
      /* "age = 60", which a card shows as 60 – 60: the range takes its
       * place (one step to undo) instead of narrowing it further */
      push_undo (self);
      if (clause_is_active (clause))
        {
          clause_free (g_ptr_array_index (self->clauses, index));
          self->clauses->pdata[index] = clause;
        }
      else
        {
          clause_free (g_ptr_array_steal_index (self->clauses, (guint) index));
          clause_free (clause);
        }
      update (self);
      return;
    }
  replace_clause (self, clause);
}

void
cs_filter_state_set_levels (CsFilterState      *self,
                            const char         *key,
                            CsLiteralKind       literal,
                            const char * const *values,
                            guint               n_values)
{
  CsFilterClause *clause;

  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (key != NULL);

  clause = clause_new (CS_CLAUSE_LEVELS, key);
  clause->literal = literal;
  for (guint i = 0; i < n_values; i++)
    g_ptr_array_add (clause->values, g_strdup (values[i]));
  replace_clause (self, clause);
}

void
cs_filter_state_toggle_level (CsFilterState *self,
                              const char    *key,
                              CsLiteralKind  literal,
                              const char    *value)
{
  int index;
  CsFilterClause *clause;
  guint found;

  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (key != NULL && value != NULL);

  index = cs_filter_state_find_clause (self, key, CS_CLAUSE_LEVELS);
  if (index >= 0)
    clause = clause_copy (g_ptr_array_index (self->clauses, index));
  else
    {
      clause = clause_new (CS_CLAUSE_LEVELS, key);
      clause->literal = literal;
    }

  if (g_ptr_array_find_with_equal_func (clause->values, value, g_str_equal, &found))
    g_ptr_array_remove_index (clause->values, found);
  else
    g_ptr_array_add (clause->values, g_strdup (value));
  replace_clause (self, clause);
}

/* lit as a value of a clause of kind literal (the same selection), or
 * NULL for a boolean that is none */
static char *
literal_as (const CsFilterLiteral *lit,
            CsLiteralKind          literal)
{
  double value;

  if (literal == CS_LITERAL_BOOLEAN)
    return _cs_filter_literal_boolean (lit, &value) ? g_strdup (value != 0 ? "true" : "false") : NULL;
  if (lit->kind == CS_FILTER_LITERAL_STRING)
    return g_strdup (lit->string);
  else
    {
      GString *text = g_string_new (NULL);

      _cs_filter_append_literal (text, lit);
      return g_string_free (text, FALSE);
    }
}

void
cs_filter_state_toggle_variable_level (CsFilterState    *self,
                                       const CsVariable *var,
                                       guint             level)
{
  const CsFilterClause *old = NULL;
  CsFilterClause *clause;
  gboolean selected;
  int index;

  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (var != NULL);
  g_return_if_fail (var->type == CS_VARIABLE_BOOLEAN
                    || (var->type == CS_VARIABLE_CATEGORICAL && var->levels != NULL && level < var->levels->len));
  g_return_if_fail (var->type != CS_VARIABLE_BOOLEAN || level <= 1);

  if ((index = cs_filter_state_find_variable_clause (self, var, CS_CLAUSE_LEVELS)) >= 0)
    old = g_ptr_array_index (self->clauses, index);
  selected = cs_filter_clause_selects_level (old, var, level);

  clause = clause_new (CS_CLAUSE_LEVELS, old != NULL ? old->key : var->key);
  clause->literal = var->type == CS_VARIABLE_BOOLEAN ? CS_LITERAL_BOOLEAN : CS_LITERAL_STRING;
  clause->in_form = old != NULL && old->in_form;
  /* The other values stay, written as the values of this kind */
  for (guint i = 0; old != NULL && i < old->values->len; i++)
    {
      CsFilterLiteral lit = clause_literal (old, i);
      char *value;

      if (selected && literal_selects_level (&lit, var, level))
        continue;
      if ((value = literal_as (&lit, clause->literal)) != NULL)
        g_ptr_array_add (clause->values, value);
    }
  if (!selected)
    {
      const CsLevel *l = var->type == CS_VARIABLE_CATEGORICAL ? g_ptr_array_index (var->levels, level) : NULL;

      g_ptr_array_add (clause->values, g_strdup (l == NULL ? (level == 1 ? "true" : "false")
                                                 : l->code != NULL ? l->code : l->display));
    }
  replace_clause (self, clause);
}

void
cs_filter_state_set_missing (CsFilterState *self,
                             const char    *key,
                             gboolean       missing)
{
  CsFilterClause *clause;

  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (key != NULL);

  clause = clause_new (CS_CLAUSE_MISSING, key);
  clause->missing = !!missing;
  replace_clause (self, clause);
}

void
cs_filter_state_remove_clause (CsFilterState *self,
                               guint          index)
{
  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (index < self->clauses->len);

  push_undo (self);
  g_ptr_array_remove_index (self->clauses, index);
  update (self);
}

/* Removes every clause on key, or on var by any of its names (as one
 * undoable edit); FALSE if there was none */
static gboolean
remove_clauses_on (CsFilterState    *self,
                   const char       *key,
                   const CsVariable *var)
{
  gboolean any = FALSE;

  for (guint i = self->clauses->len; i-- > 0;)
    {
      const CsFilterClause *clause = g_ptr_array_index (self->clauses, i);

      if (clause->key == NULL
          || (g_strcmp0 (clause->key, key) != 0 && (var == NULL || !cs_variable_has_code (var, clause->key))))
        continue;
      if (!any)
        push_undo (self);
      any = TRUE;
      g_ptr_array_remove_index (self->clauses, i);
    }
  if (any)
    update (self);

  return any;
}

gboolean
cs_filter_state_remove_key (CsFilterState *self,
                            const char    *key)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  return remove_clauses_on (self, key, NULL);
}

gboolean
cs_filter_state_remove_variable (CsFilterState    *self,
                                 const CsVariable *var)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  return remove_clauses_on (self, var->key, var);
}

void
cs_filter_state_clear (CsFilterState *self)
{
  g_return_if_fail (CS_IS_FILTER_STATE (self));

  if (self->clauses->len == 0)
    return;
  push_undo (self);
  g_ptr_array_set_size (self->clauses, 0);
  update (self);
}

void
cs_filter_state_begin_group (CsFilterState *self)
{
  g_return_if_fail (CS_IS_FILTER_STATE (self));

  if (self->group_depth++ == 0)
    self->group_pushed = FALSE;
}

void
cs_filter_state_end_group (CsFilterState *self)
{
  g_return_if_fail (CS_IS_FILTER_STATE (self));
  g_return_if_fail (self->group_depth > 0);

  self->group_depth--;
}

gboolean
cs_filter_state_can_undo (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  return self->undo->len > 0;
}

gboolean
cs_filter_state_can_redo (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  return self->redo->len > 0;
}

static gboolean
swap_stacks (CsFilterState *self,
             GPtrArray     *from,
             GPtrArray     *to)
{
  gboolean could_undo = cs_filter_state_can_undo (self);
  gboolean could_redo = cs_filter_state_can_redo (self);

  if (from->len == 0)
    return FALSE;

  g_ptr_array_add (to, g_steal_pointer (&self->clauses));
  self->clauses = g_ptr_array_steal_index (from, from->len - 1);
  self->group_pushed = FALSE;
  notify_undo (self, could_undo, could_redo);
  update (self);

  return TRUE;
}

gboolean
cs_filter_state_undo (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  return swap_stacks (self, self->undo, self->redo);
}

gboolean
cs_filter_state_redo (CsFilterState *self)
{
  g_return_val_if_fail (CS_IS_FILTER_STATE (self), FALSE);

  return swap_stacks (self, self->redo, self->undo);
}
