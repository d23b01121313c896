/* cs-store-split.c: one variable per type and unit of a code
 *
 * A code's values may come in several types (a number here, a coded value
 * there) and in units that do or do not convert (mg/dL and g/L; mL/min and
 * mL/min/{1.73_m2}). Nothing is dropped: values in units that convert are
 * converted to one unit; each type, and each set of units that convert into
 * each other, is a variable of its own. The one with the most values keeps
 * the code's key, the others are child concepts keyed after it
 * (docs/VARIABLES.md, "Types and units").
 *
 * Before that, a code measured by two or more methods (Observation.method:
 * eGFR by CKD-EPI and by MDRD) is split by method: the values of each method
 * are a variable of their own, labelled with it ("eGFR (CKD-EPI)"), so two
 * ways of measuring are never mixed in one column (docs/VARIABLES.md,
 * "Methods").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"
#include "cs-ucum.h"

typedef struct
{
  const char *unit;      /* interned */
  guint       n;
  gboolean    parsed;
  CsUcumUnit  ucum;
  guint       unit_class;
} UnitCount;

typedef struct
{
  CsFactKind  kind;
  guint       unit_class; /* NUMERIC: index into the classes */
  const char *unit;       /* NUMERIC: the unit the class converts to */
  guint       n;
} Partition;

static int
compare_unit_counts (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (((const UnitCount *) a)->unit, ((const UnitCount *) b)->unit);
}

/* The distinct units of the concept's numeric values, sorted, each with its
 * class: units that convert into each other share one. */
static GArray *
unit_classes (CsStore   *self,
              CsConcept *concept,
              guint     *n_classes)
{
  GArray *units = g_array_new (FALSE, TRUE, sizeof (UnitCount));

  for (guint i = 0; i < concept->facts->len; i++)
    {
      CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));
      guint k;

      if (fact->kind != CS_FACT_NUMERIC)
        continue;
      for (k = 0; k < units->len; k++)
        {
          if (g_array_index (units, UnitCount, k).unit == fact->unit)
            break;
        }
      if (k == units->len)
        {
          UnitCount count = { 0 };

          count.unit = fact->unit;
          g_array_append_val (units, count);
        }
      g_array_index (units, UnitCount, k).n++;
    }
  g_array_sort (units, compare_unit_counts);

  *n_classes = 0;
  for (guint i = 0; i < units->len; i++)
    {
      UnitCount *u = &g_array_index (units, UnitCount, i);
      guint j;

      u->parsed = cs_ucum_parse (u->unit, &u->ucum, NULL);
      for (j = 0; j < i; j++)
        {
          UnitCount *v = &g_array_index (units, UnitCount, j);

          if (u->parsed && v->parsed && cs_ucum_unit_convertible (&u->ucum, &v->ucum, CS_UCUM_ANNOTATIONS_MATCH))
            break;
        }
      u->unit_class = j < i ? g_array_index (units, UnitCount, j).unit_class : (*n_classes)++;
    }
  return units;
}

/* How a child is told apart from its parent: a key suffix and words for its label. */
static void
describe_partition (const Partition *part,
                    char           **key_suffix,
                    char           **label_part)
{
  switch (part->kind)
    {
    case CS_FACT_NUMERIC:
      if (*part->unit == '\0')
        {
          *key_suffix = g_strdup ("no_unit");
          *label_part = g_strdup (_("no unit"));
        }
      else
        {
          g_autofree char *slug = cs_store_slug (g_str_equal (part->unit, "%") ? "percent" : part->unit);

          *key_suffix = *slug != '\0' ? g_steal_pointer (&slug) : g_strdup ("other_unit");
          *label_part = g_strdup (part->unit);
        }
      break;
    case CS_FACT_DATE:
      *key_suffix = g_strdup ("date");
      *label_part = g_strdup (_("date"));
      break;
    case CS_FACT_BOOLEAN:
      *key_suffix = g_strdup ("boolean");
      *label_part = g_strdup (_("true/false"));
      break;
    case CS_FACT_CATEGORICAL:
    case CS_FACT_N_KINDS:
    case CS_FACT_UNSUPPORTED:
    case CS_FACT_NO_TIME_UNIT:
    default:
      *key_suffix = g_strdup ("coded");
      *label_part = g_strdup (_("coded or text"));
      break;
    }
}

/* A child of parent, id parent's + "#" + id_suffix, keyed after it with
 * key_suffix, labelled label (both taken); with the parent's codes, flags
 * and (when copy_levels) level indices. */
static CsConcept *
child_concept_new (CsStore    *self,
                   CsConcept  *parent,
                   const char *id_suffix,
                   char       *key_suffix,
                   char       *label,
                   gboolean    copy_levels)
{
  g_autofree char *id = g_strconcat (parent->id, "#", id_suffix, NULL);
  CsConcept *child = cs_store_intern_concept (self, id, parent->group);

  child->parent = parent;
  child->key_suffix = key_suffix;
  child->label = label;
  child->key_hint = g_strdup (parent->key_hint);
  child->is_radiomics = parent->is_radiomics;
  child->is_staging = parent->is_staging;
  child->is_condition = parent->is_condition;
  child->facts = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < parent->codes->len; i++)
    {
      char *code = g_strdup (g_ptr_array_index (parent->codes, i));

      g_ptr_array_add (child->codes, code);
      g_hash_table_add (child->code_set, code);
    }
  for (guint i = 0; copy_levels && i < parent->levels->len; i++)
    {
      const CsLevel *level = g_ptr_array_index (parent->levels, i);

      cs_concept_intern_level (child, level->code, level->display, level->system);
    }
  return child;
}

static CsConcept *
new_child (CsStore         *self,
           CsConcept       *parent,
           const Partition *part)
{
  g_autofree char *words = NULL;
  char *suffix = NULL;
  CsConcept *child;

  describe_partition (part, &suffix, &words);
  /* categorical values keep their level indices */
  child = child_concept_new (self, parent, suffix, suffix, g_strdup_printf ("%s (%s)", parent->label, words),
                             part->kind == CS_FACT_CATEGORICAL);
  child->fixed_type = part->kind;
  child->unit = part->kind == CS_FACT_NUMERIC ? part->unit : NULL;
  return child;
}

static void
split_by_type (CsStore   *self,
               CsConcept *concept)
{
  g_autoptr(GArray) units = NULL;
  g_autoptr(GArray) parts = NULL;
  g_autofree CsConcept **owner = NULL;
  g_autoptr(GArray) kept = NULL;
  guint n_classes = 0;
  guint main = 0;

  if (concept->facts->len == 0)
    return;

  units = unit_classes (self, concept, &n_classes);
  parts = g_array_new (FALSE, TRUE, sizeof (Partition));

  /* numeric: one partition per class, converted to its most frequent unit
   * (ties: the first in byte order) */
  for (guint c = 0; c < n_classes; c++)
    {
      Partition part = { CS_FACT_NUMERIC, c, NULL, 0 };
      guint best_n = 0;

      for (guint i = 0; i < units->len; i++)
        {
          UnitCount *u = &g_array_index (units, UnitCount, i);

          if (u->unit_class != c)
            continue;
          part.n += u->n;
          if (u->n > best_n)
            {
              best_n = u->n;
              part.unit = u->unit;
            }
        }
      g_array_append_val (parts, part);
    }
  for (int k = CS_FACT_DATE; k < CS_FACT_N_KINDS; k++)
    {
      if (concept->n_kind[k] > 0)
        {
          Partition part = { (CsFactKind) k, 0, NULL, concept->n_kind[k] };

          g_array_append_val (parts, part);
        }
    }

  /* the main variable: the most values; ties: numeric > date > boolean >
   * categorical, then the unit in byte order (parts are in that order) */
  for (guint p = 1; p < parts->len; p++)
    {
      if (g_array_index (parts, Partition, p).n > g_array_index (parts, Partition, main).n)
        main = p;
    }

  /* convert the numeric values to their class's unit */
  for (guint i = 0; i < concept->facts->len; i++)
    {
      CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));
      const UnitCount *from = NULL, *to = NULL;

      if (fact->kind != CS_FACT_NUMERIC)
        continue;
      for (guint k = 0; k < units->len; k++)
        {
          if (g_array_index (units, UnitCount, k).unit == fact->unit)
            from = &g_array_index (units, UnitCount, k);
        }
      for (guint k = 0; k < units->len; k++)
        {
          if (g_array_index (units, UnitCount, k).unit == g_array_index (parts, Partition, from->unit_class).unit)
            to = &g_array_index (units, UnitCount, k);
        }
      if (from != to)
        {
          fact->value = cs_ucum_unit_convert (fact->value, &from->ucum, &to->ucum);
          fact->unit = to->unit;
        }
    }

  concept->fixed_type = g_array_index (parts, Partition, main).kind;
  concept->unit = g_array_index (parts, Partition, main).unit;
  if (parts->len == 1)
    return;

  /* the other partitions become children; the parent keeps its own values */
  owner = g_new0 (CsConcept *, parts->len);
  for (guint p = 0; p < parts->len; p++)
    owner[p] = p == main ? concept : new_child (self, concept, &g_array_index (parts, Partition, p));
  kept = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < concept->facts->len; i++)
    {
      guint32 index = g_array_index (concept->facts, guint32, i);
      CsFact *fact = &g_array_index (self->facts, CsFact, index);
      CsConcept *target = NULL;

      for (guint p = 0; p < parts->len && target == NULL; p++)
        {
          const Partition *part = &g_array_index (parts, Partition, p);

          if (part->kind == fact->kind && (part->kind != CS_FACT_NUMERIC || part->unit == fact->unit))
            target = owner[p];
        }
      if (target == NULL || target == concept)
        g_array_append_val (kept, index);
      else
        {
          fact->concept = target->index;
          target->n_kind[fact->kind]++;
          g_array_append_val (target->facts, index);
        }
    }
  g_array_unref (concept->facts);
  concept->facts = g_steal_pointer (&kept);
  for (int k = 0; k < CS_FACT_N_KINDS; k++)
    concept->n_kind[k] = k == (int) concept->fixed_type ? concept->facts->len : 0;
}

/* ---------------------------------------------------------------- methods */

typedef struct
{
  const char *method;   /* interned, NULL: not stated */
  guint       n;
} MethodCount;

static const char *
fact_method (const CsConcept *concept,
             const CsFact    *fact)
{
  if (fact->hint == CS_HINT_NONE || concept->hints == NULL || fact->hint >= concept->hints->len)
    return NULL;
  return g_array_index (concept->hints, CsHint, fact->hint).method;
}

/* Stated methods first, in byte order; then "not stated" */
static int
compare_methods (gconstpointer a,
                 gconstpointer b)
{
  const MethodCount *x = a, *y = b;

  if (x->method == NULL || y->method == NULL)
    return (x->method == NULL) - (y->method == NULL);
  return strcmp (x->method, y->method);
}

/* The values of each method move to a child of their own, except those of
 * the most frequent method (ties: the first in byte order), which stay; each
 * then splits by type and unit. Only when two or more methods are stated:
 * values of one method and values without one stay together, as nothing
 * says they differ. */
static GPtrArray *
split_by_method (CsStore   *self,
                 CsConcept *concept)
{
  g_autoptr(GArray) methods = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autofree CsConcept **owner = NULL;
  guint n_stated = 0, main = 0;
  char *label;

  if (!concept->many_methods || concept->is_condition)
    return NULL;
  methods = g_array_new (FALSE, TRUE, sizeof (MethodCount));
  for (guint i = 0; i < concept->facts->len; i++)
    {
      const CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));
      const char *method = fact_method (concept, fact);
      guint k;

      for (k = 0; k < methods->len && g_array_index (methods, MethodCount, k).method != method; k++)
        ;
      if (k == methods->len)
        {
          MethodCount count = { method, 0 };

          g_array_append_val (methods, count);
          n_stated += method != NULL;
        }
      g_array_index (methods, MethodCount, k).n++;
    }
  if (n_stated < 2)
    return NULL;

  g_array_sort (methods, compare_methods);
  for (guint k = 1; k < methods->len; k++)
    {
      if (g_array_index (methods, MethodCount, k).n > g_array_index (methods, MethodCount, main).n)
        main = k;
    }

  children = g_ptr_array_new ();
  owner = g_new0 (CsConcept *, methods->len);
  for (guint k = 0; k < methods->len; k++)
    {
      const char *method = g_array_index (methods, MethodCount, k).method;
      g_autofree char *slug = method != NULL ? cs_store_slug (method) : NULL;
      g_autofree char *id = NULL;
      CsConcept *child;

      if (k == main)
        {
          owner[k] = concept;
          continue;
        }
      id = g_strconcat ("method=", method != NULL ? method : "", NULL);
      child = child_concept_new (self, concept, id,
                                 method == NULL ? g_strdup ("no_method")
                                 : *slug != '\0' ? g_steal_pointer (&slug) : g_strdup ("other_method"),
                                 method != NULL ? g_strdup_printf ("%s (%s)", concept->label, method)
                                                : g_strdup_printf (_("%s (method not stated)"), concept->label),
                                 TRUE);
      child->by_method = TRUE;
      child->fixed_type = -1;
      child->is_volume = concept->is_volume;
      owner[k] = child;
      g_ptr_array_add (children, child);
    }

  kept = g_array_new (FALSE, FALSE, sizeof (guint32));
  memset (concept->n_kind, 0, sizeof concept->n_kind);
  for (guint i = 0; i < concept->facts->len; i++)
    {
      guint32 index = g_array_index (concept->facts, guint32, i);
      CsFact *fact = &g_array_index (self->facts, CsFact, index);
      const char *method = fact_method (concept, fact);
      CsConcept *target = concept;

      for (guint k = 0; k < methods->len; k++)
        {
          if (g_array_index (methods, MethodCount, k).method == method)
            target = owner[k];
        }
      target->n_kind[fact->kind]++;
      if (target == concept)
        g_array_append_val (kept, index);
      else
        {
          fact->concept = target->index;
          g_array_append_val (target->facts, index);
        }
    }
  g_array_unref (concept->facts);
  concept->facts = g_steal_pointer (&kept);

  /* the main one names its method too */
  label = g_array_index (methods, MethodCount, main).method != NULL
          ? g_strdup_printf ("%s (%s)", concept->label, g_array_index (methods, MethodCount, main).method)
          : g_strdup_printf (_("%s (method not stated)"), concept->label);
  g_free (concept->label);
  concept->label = label;
  return g_steal_pointer (&children);
}

void
cs_store_split_concept (CsStore   *self,
                        CsConcept *concept)
{
  g_autoptr(GPtrArray) children = NULL;

  if (concept->fixed_type >= 0 || concept->facts->len == 0)
    return;
  children = split_by_method (self, concept);
  split_by_type (self, concept);
  for (guint i = 0; children != NULL && i < children->len; i++)
    split_by_type (self, g_ptr_array_index (children, i));
}

/* Says where a child's values went (after keys are assigned). */
void
cs_store_warn_split (CsStore   *self,
                     CsConcept *child)
{
  CsConcept *parent = child->parent;
  CsVariable *var = child->variable;
  const char *code = parent->codes->len > 0 ? g_ptr_array_index (parent->codes, 0) : parent->id;

  if (var == NULL || parent->variable == NULL)
    return;
  if (child->by_method)
    cs_store_add_warning (self, CS_STORE_WARNING_SECOND_UNIT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "“%s” (%s): %u value measured by another method is in the variable “%s” (“%s”), next to “%s” (“%s”)",
                                       "“%s” (%s): %u values measured by another method are in the variable “%s” (“%s”), next to “%s” (“%s”)",
                                       child->facts->len),
                          parent->key_hint, code, child->facts->len, var->key, var->label,
                          parent->variable->key, parent->variable->label);
  else if (var->type == CS_VARIABLE_NUMERIC && parent->variable->type == CS_VARIABLE_NUMERIC)
    cs_store_add_warning (self, CS_STORE_WARNING_SECOND_UNIT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "“%s” (%s): %u value in “%s” does not convert to “%s”; it is in the variable “%s”",
                                       "“%s” (%s): %u values in “%s” do not convert to “%s”; they are in the variable “%s”",
                                       child->facts->len),
                          parent->label, code, child->facts->len, var->unit != NULL ? var->unit : _("no unit"),
                          parent->variable->unit != NULL ? parent->variable->unit : _("no unit"), var->key);
  else
    cs_store_add_warning (self, CS_STORE_WARNING_SECOND_UNIT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "“%s” (%s): %u value of another type (%s) is in the variable “%s”, next to “%s” (%s)",
                                       "“%s” (%s): %u values of another type (%s) are in the variable “%s”, next to “%s” (%s)",
                                       child->facts->len),
                          parent->label, code, child->facts->len, cs_variable_type_to_label (var->type), var->key,
                          parent->variable->key, cs_variable_type_to_label (parent->variable->type));
}
