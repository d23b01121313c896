/* cs-mapping-compile.c: a mapping + the headers of its tables → a program
 *
 * Resolves every column by name (exactly, else ignoring case when that is
 * unambiguous), finds the join path for every cross-table reference,
 * serialises constant subtrees once, prepares per-column constants of
 * wide-to-long templates, and decides which tables are held in memory.
 * All problems are collected; the error lists them one per line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-program.h"
#include "cs-radiomics.h"

typedef struct
{
  CsMappingProgram *program;
  CsMapping        *mapping;
  MapDiag           diag;
  /* the template being compiled */
  CTemplate        *tmpl;
  /* radiomics templates: the IBSI dictionary, read once */
  CsRadiomicsDict  *ibsi;
  gboolean          ibsi_tried;
} Compiler;

static void
add_note (Compiler   *c,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
add_note (Compiler   *c,
          const char *format,
          ...)
{
  GPtrArray *notes = c->program->notes;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  for (guint i = 0; i + 1 < notes->len; i++)
    if (g_str_equal (notes->pdata[i], text))
      return;
  /* keep the array NULL-terminated */
  g_ptr_array_insert (notes, notes->len - 1, g_steal_pointer (&text));
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */

static void cnode_free (CNode *node);

static void
ccond_free (CCond *cond)
{
  if (cond == NULL)
    return;
  for (guint i = 0; i < cond->n_children; i++)
    ccond_free (cond->children[i]);
  g_free (cond->children);
  cnode_free (cond->made);
  map_tnode_free (cond->made_src);
  g_free (cond);
}

static void
cnode_free (CNode *node)
{
  if (node == NULL)
    return;
  g_free (node->fhir_path);
  g_free (node->key_json);
  if (node->json != NULL)
    g_string_free (node->json, TRUE);
  for (guint i = 0; i < node->n_children; i++)
    cnode_free (node->children[i]);
  g_free (node->children);
  ccond_free (node->when);
  g_free (node->parts);
  g_clear_pointer (&node->lookups, g_array_unref);
  g_clear_pointer (&node->target_inputs, g_array_unref);
  g_clear_pointer (&node->per_feature, g_ptr_array_unref);
  g_free (node);
}

static void
stencil_free (CTemplate *tmpl)
{
  if (tmpl->stencil == NULL)
    return;
  for (guint f = 0; f < tmpl->n_features; f++)
    g_free (tmpl->stencil->lits[f]);
  g_free (tmpl->stencil->lits);
  g_free (tmpl->stencil->lit_lens);
  g_free (tmpl->stencil->dyn);
  g_clear_pointer (&tmpl->stencil, g_free);
}

static void
ctemplate_free (CTemplate *tmpl)
{
  cnode_free (tmpl->root);
  ccond_free (tmpl->when);
  g_free (tmpl->key_cols);
  cnode_free (tmpl->id);
  for (guint i = 0; i < tmpl->n_features; i++)
    for (guint a = 0; a < N_FEATURE_ATTRS; a++)
      {
        g_free (tmpl->features[i].attrs[a]);
        g_free (tmpl->features[i].json[a]);
      }
  g_free (tmpl->features);
  g_free (tmpl->type_json);
  g_free (tmpl->ref_json);
  stencil_free (tmpl);
  g_free (tmpl);
}

static void
clookup_free (CLookup *lookup)
{
  for (guint i = 0; i < lookup->steps->len; i++)
    g_free (g_array_index (lookup->steps, CStep, i).cols);
  g_array_unref (lookup->steps);
  g_free (lookup->description);
  g_free (lookup);
}

CsMappingProgram *
cs_mapping_program_ref (CsMappingProgram *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
cs_mapping_program_unref (CsMappingProgram *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;

  for (guint i = 0; i < self->n_inputs; i++)
    {
      CInput *in = &self->inputs[i];

      g_strfreev (in->header);
      g_free (in->name);
      g_clear_pointer (&in->key_columns, g_array_unref);
      g_clear_pointer (&in->templates, g_ptr_array_unref);
      g_clear_pointer (&in->reverse_joins, g_array_unref);
    }
  g_free (self->inputs);
  g_clear_pointer (&self->templates, g_ptr_array_unref);
  g_clear_pointer (&self->lookups, g_ptr_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  cs_mapping_unref (self->mapping);
  g_free (self);
}

CsMapping *
cs_mapping_program_get_mapping (CsMappingProgram *self)
{
  return self->mapping;
}

gboolean
cs_mapping_program_input_is_absent (CsMappingProgram *self,
                                    guint             input)
{
  g_return_val_if_fail (input < self->n_inputs, FALSE);
  return self->inputs[input].absent;
}

gboolean
cs_mapping_program_input_is_indexed (CsMappingProgram *self,
                                     guint             input)
{
  g_return_val_if_fail (input < self->n_inputs, FALSE);
  return self->inputs[input].indexed;
}

const char * const *
cs_mapping_program_get_notes (CsMappingProgram *self)
{
  return (const char * const *) self->notes->pdata;
}

const char *
cs_mapping_program_get_column_name (CsMappingProgram *self,
                                    guint             input,
                                    guint             column)
{
  g_return_val_if_fail (input < self->n_inputs, NULL);
  g_return_val_if_fail (column < self->inputs[input].n_columns, NULL);
  return self->inputs[input].header[column];
}

CTemplate *
map_program_find_template (CsMappingProgram *program,
                           guint             resource,
                           guint             input)
{
  for (guint i = 0; i < program->templates->len; i++)
    {
      CTemplate *t = program->templates->pdata[i];

      if (t->resource == resource && t->input == input)
        return t;
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Columns                                                             */

static int
find_column (const CInput *in,
             const char   *name)
{
  int found = -1;

  for (guint i = 0; i < in->n_columns; i++)
    if (g_str_equal (in->header[i], name))
      return i;
  for (guint i = 0; i < in->n_columns; i++)
    if (g_ascii_strcasecmp (in->header[i], name) == 0)
      {
        if (found >= 0)
          return -1;   /* ambiguous */
        found = i;
      }
  return found;
}

static void
report_missing_column (Compiler   *c,
                       const char *path,
                       guint       input,
                       const char *name)
{
  CInput *in = &c->program->inputs[input];
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *hint = map_suggest (name, (const char * const *) in->header);

  for (guint i = 0; i < in->n_columns; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      if (i >= 40)
        {
          g_string_append_printf (list, _("… (%u columns)"), in->n_columns);
          break;
        }
      g_string_append_printf (list, "“%s”", in->header[i]);
    }
  map_diag_add (&c->diag, path, _("no column “%s” in %s (%s)%s; its columns: %s"),
                name, map_get_input (c->mapping, input)->role, in->name, hint, list->str);
}

/* ------------------------------------------------------------------ */
/* Join paths                                                          */

static gboolean
step_unique (CsMapping *mapping,
             guint      owner,
             guint      join_index,
             gboolean   forward)
{
  MapInputDef *def = map_get_input (mapping, owner);
  MapJoin *join = def->joins->pdata[join_index];

  if (forward)
    return TRUE;
  /* the other table's rows with these join values: unique when the join
   * columns hold that table's whole key */
  if (def->key->len == 0)
    return FALSE;
  for (guint k = 0; k < def->key->len; k++)
    if (!g_ptr_array_find_with_equal_func (join->from, def->key->pdata[k], g_str_equal, NULL))
      return FALSE;
  return TRUE;
}

/* Breadth-first over the join graph; only_unique restricts to steps that
 * give at most one row. Returns the steps or NULL. */
static GArray *
find_path (CsMappingProgram *program,
           guint             from,
           guint             to,
           gboolean          only_unique)
{
  CsMapping *mapping = program->mapping;
  guint n = mapping->inputs->len;
  g_autofree int *prev = g_new (int, n);
  g_autofree CStep *via = g_new0 (CStep, n);
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *steps;

  for (guint i = 0; i < n; i++)
    prev[i] = -2;
  prev[from] = -1;
  g_array_append_val (queue, from);

  for (guint q = 0; q < queue->len && prev[to] == -2; q++)
    {
      guint at = g_array_index (queue, guint, q);

      for (guint owner = 0; owner < n; owner++)
        {
          MapInputDef *def = map_get_input (mapping, owner);

          for (guint j = 0; j < def->joins->len; j++)
            {
              MapJoin *join = def->joins->pdata[j];
              int other = cs_mapping_find_input (mapping, join->input);
              CStep step = { 0 };

              if (other < 0 || program->inputs[owner].absent || program->inputs[other].absent)
                continue;
              if (owner == at)
                {
                  step.forward = TRUE;
                  step.from = at;
                  step.to = other;
                }
              else if ((guint) other == at)
                {
                  step.forward = FALSE;
                  step.from = at;
                  step.to = owner;
                }
              else
                continue;
              step.owner = owner;
              step.join = j;
              step.unique = step_unique (mapping, owner, j, step.forward);
              if (only_unique && !step.unique)
                continue;
              if (prev[step.to] != -2)
                continue;
              prev[step.to] = at;
              via[step.to] = step;
              g_array_append_val (queue, step.to);
            }
        }
    }

  if (prev[to] == -2)
    return NULL;

  steps = g_array_new (FALSE, FALSE, sizeof (CStep));
  for (guint at = to; at != from; at = prev[at])
    g_array_prepend_val (steps, via[at]);
  return steps;
}

/* The columns of s->from whose values find the rows of s->to. */
static void
step_columns (Compiler *c,
              CStep    *s)
{
  MapInputDef *owner = map_get_input (c->mapping, s->owner);
  MapJoin *join = owner->joins->pdata[s->join];
  CInput *from = &c->program->inputs[s->from];

  s->n_cols = join->from->len;
  s->cols = g_new0 (guint, s->n_cols);
  if (s->forward)
    {
      /* this table's join columns, ordered like the other table's key */
      MapInputDef *target = map_get_input (c->mapping, s->to);

      for (guint k = 0; k < target->key->len && k < s->n_cols; k++)
        for (guint p = 0; p < join->to->len; p++)
          if (g_str_equal (join->to->pdata[p], target->key->pdata[k]))
            s->cols[k] = MAX (find_column (from, join->from->pdata[p]), 0);
    }
  else
    {
      /* the key columns the other table's join names, in the join's order */
      for (guint p = 0; p < join->to->len; p++)
        s->cols[p] = MAX (find_column (from, join->to->pdata[p]), 0);
    }
}

/* Index of the lookup from → to in the program (added when new), or -1
 * after reporting that there is none (or none giving one row). */
static int
get_lookup (Compiler   *c,
            const char *path,
            guint       from,
            guint       to,
            gboolean    need_unique)
{
  CsMappingProgram *p = c->program;
  g_autoptr(GArray) steps = NULL;
  CLookup *lookup;
  gboolean unique = TRUE;
  g_autoptr(GString) desc = NULL;

  if (p->inputs[to].absent)
    return LOOKUP_ABSENT;
  for (guint i = 0; i < p->lookups->len; i++)
    {
      CLookup *l = p->lookups->pdata[i];

      if (l->from == from && l->to == to && (l->unique || !need_unique))
        return i;
    }

  steps = find_path (p, from, to, TRUE);
  if (steps == NULL && !need_unique)
    steps = find_path (p, from, to, FALSE);
  if (steps == NULL)
    {
      const char *a = map_get_input (c->mapping, from)->role, *b = map_get_input (c->mapping, to)->role;
      g_autoptr(GArray) any = find_path (p, from, to, FALSE);

      if (need_unique && any != NULL)
        map_diag_add (&c->diag, path, _("several rows of “%s” may belong to one row of “%s”: "
                                        "this needs a join that matches the whole key of “%s”"), b, a, b);
      else
        map_diag_add (&c->diag, path, _("“%s” and “%s” are not joined: add a “join” to one of them"), a, b);
      return -1;
    }

  desc = g_string_new (map_get_input (c->mapping, from)->role);
  for (guint i = 0; i < steps->len; i++)
    {
      CStep *s = &g_array_index (steps, CStep, i);

      step_columns (c, s);

      unique &= s->unique;
      g_string_append_printf (desc, " → %s", map_get_input (c->mapping, s->to)->role);
      /* rows are looked up in the table a step ends at */
      p->inputs[s->to].indexed = TRUE;
      if (!s->forward)
        {
          gboolean seen = FALSE;

          for (guint k = 0; k < p->inputs[s->to].reverse_joins->len; k++)
            seen |= g_array_index (p->inputs[s->to].reverse_joins, guint, k) == s->join;
          if (!seen)
            g_array_append_val (p->inputs[s->to].reverse_joins, s->join);
        }
    }

  lookup = g_new0 (CLookup, 1);
  lookup->from = from;
  lookup->to = to;
  lookup->steps = g_steal_pointer (&steps);
  lookup->unique = unique;
  lookup->description = g_string_free (g_steal_pointer (&desc), FALSE);
  g_ptr_array_add (p->lookups, lookup);
  return p->lookups->len - 1;
}

static gboolean
resolve_col (Compiler        *c,
             const char      *path,
             const MapColRef *ref,
             CColRef         *out)
{
  guint from = c->tmpl->input;
  int input = ref->input != NULL ? cs_mapping_find_input (c->mapping, ref->input) : (int) from;
  int column;

  if (input < 0)
    return FALSE;  /* reported by the parser */
  if (c->program->inputs[input].absent)
    {
      /* a column of an input left out of the run is always missing */
      out->input = input;
      out->column = 0;
      out->name = ref->column;
      out->def = NULL;
      out->lookup = LOOKUP_ABSENT;
      return TRUE;
    }
  column = find_column (&c->program->inputs[input], ref->column);
  if (column < 0)
    {
      report_missing_column (c, path, input, ref->column);
      return FALSE;
    }

  out->input = input;
  out->column = column;
  out->name = c->program->inputs[input].header[column];
  out->def = map_input_find_column (map_get_input (c->mapping, input), ref->column);
  if (out->def == NULL)
    out->def = map_input_find_column (map_get_input (c->mapping, input), out->name);
  out->lookup = LOOKUP_SELF;
  if ((guint) input != from && (out->lookup = get_lookup (c, path, from, input, TRUE)) == LOOKUP_SELF)
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

static CNode *compile_ref  (Compiler    *c,
                            const TNode *src,
                            const char  *fhir_path,
                            gboolean     in_array);

static CCond *
compile_cond (Compiler      *c,
              const MapCond *src)
{
  CCond *cond = g_new0 (CCond, 1);

  cond->kind = src->kind;
  cond->src = src;
  if (src->children != NULL)
    {
      cond->children = g_new0 (CCond *, src->children->len);
      for (guint i = 0; i < src->children->len; i++)
        cond->children[cond->n_children++] = compile_cond (c, src->children->pdata[i]);
    }
  if (src->kind == COND_PRESENT || src->kind == COND_EQUALS || src->kind == COND_MATCHES ||
      src->kind == COND_MAPPED)
    resolve_col (c, src->path, &src->col, &cond->col);
  if (src->kind == COND_MAPPED)
    cond->map = cs_mapping_find_concept_map (c->mapping, src->target);
  if (src->kind == COND_MADE)
    {
      /* counted like {"$refAll": target} */
      cond->made_src = g_new0 (TNode, 1);
      cond->made_src->kind = TNODE_REF_ALL;
      cond->made_src->path = g_strdup (src->path);
      cond->made_src->target = g_strdup (src->target);
      cond->made_src->unmapped = -1;
      cond->made = compile_ref (c, cond->made_src, "", TRUE);
    }
  if (src->kind == COND_FEATURE && !c->tmpl->def->radiomics &&
      src->feature != FEATURE_VALUE && src->feature != FEATURE_COLUMN && src->feature != FEATURE_NAME)
    map_diag_add (&c->diag, src->path, _("the feature attribute “%s” needs \"radiomics\": true in forEachColumn"),
                  map_feature_attr_names[src->feature]);
  return cond;
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */

static CNode *
cnode_new (CNodeKind    kind,
           const TNode *src,
           const char  *fhir_path)
{
  CNode *node = g_new0 (CNode, 1);

  node->kind = kind;
  node->src = src;
  node->fhir_path = g_strdup (fhir_path);
  node->lookup = -1;
  if (src != NULL && src->type != NULL)
    {
      node->primitive = src->type->primitive;
      node->element = src->element;
      node->ucum = src->ucum;
    }
  return node;
}

/* What a value for a primitive element is written as, when "as" does not say. */
static OutKind
out_for_primitive (CsFhirPrimitive primitive,
                   OutKind         out)
{
  if (out != OUT_AUTO || primitive == CS_FHIR_PRIMITIVE_NONE)
    return out;
  switch (cs_fhir_primitive_json_type (primitive))
    {
    case CS_JSON_NUMBER:
      return primitive == CS_FHIR_PRIMITIVE_DECIMAL ? OUT_NUMBER : OUT_INTEGER;
    case CS_JSON_BOOLEAN:
      return OUT_BOOLEAN;
    case CS_JSON_NULL:
    case CS_JSON_STRING:
    case CS_JSON_ARRAY:
    case CS_JSON_OBJECT:
    default:
      return OUT_STRING;
    }
}

static void
append_const (GString          *out,
              const TNode      *src)
{
  if (src->kind == TNODE_INTERP)
    {
      /* a string without placeholders but with \{{ escapes */
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < src->parts->len; i++)
        g_string_append (text, ((InterpPart *) src->parts->pdata[i])->text);
      cs_json_append_escaped (out, text->str, text->len);
    }
  else
    {
      g_autofree char *json = cs_json_to_string (src->json, FALSE);

      g_string_append (out, json);
    }
}

static gboolean
feature_attr_available (const CTemplate *tmpl,
                        FeatureAttr      attr)
{
  return attr == FEATURE_VALUE || attr == FEATURE_COLUMN || attr == FEATURE_NAME || tmpl->def->radiomics;
}

static CNode *compile_node (Compiler    *c,
                            const TNode *src,
                            const char  *fhir_path,
                            gboolean     in_array);

static CNode *
compile_object (Compiler    *c,
                const TNode *src,
                const char  *fhir_path,
                gboolean     is_root)
{
  CNode *node = cnode_new (CN_OBJECT, src, fhir_path);
  g_autoptr(GPtrArray) children = g_ptr_array_new ();
  CNode *run = NULL;   /* the CONST member being extended */

  if (src->when != NULL)
    node->when = compile_cond (c, src->when);

  for (guint i = 0; i < src->members->len; i++)
    {
      TMember *m = src->members->pdata[i];
      g_autofree char *child_path = NULL;
      CNode *child;

      if (is_root && g_str_equal (m->key, "resourceType"))
        continue;   /* written by the evaluator, first */
      child_path = g_strconcat (fhir_path, ".", m->key, NULL);

      if (!m->value->dynamic)
        {
          if (run == NULL)
            {
              run = cnode_new (CN_CONST, m->value, child_path);
              run->json = g_string_new (NULL);
              g_ptr_array_add (children, run);
            }
          else
            g_string_append_c (run->json, ',');
          cs_json_append_escaped (run->json, m->key, -1);
          g_string_append_c (run->json, ':');
          append_const (run->json, m->value);
          continue;
        }

      run = NULL;
      if ((child = compile_node (c, m->value, child_path, FALSE)) == NULL)
        continue;
      if (child->spread)
        {
          map_diag_add (&c->diag, m->value->path, _("this gives several values: put it inside an array "
                                                    "(\"%s\": [ … ])"), m->key);
          cnode_free (child);
          continue;
        }
      child->key = m->key;
      {
        GString *k = g_string_new (NULL);

        cs_json_append_escaped (k, m->key, -1);
        g_string_append_c (k, ':');
        child->key_json_len = k->len;
        child->key_json = g_string_free (k, FALSE);
      }
      g_ptr_array_add (children, child);
    }

  node->n_children = children->len;
  node->children = (CNode **) g_ptr_array_steal (children, NULL);
  return node;
}

static CNode *
compile_array (Compiler    *c,
               const TNode *src,
               const char  *fhir_path)
{
  CNode *node = cnode_new (CN_ARRAY, src, fhir_path);
  g_autoptr(GPtrArray) children = g_ptr_array_new ();
  CNode *run = NULL;

  for (guint i = 0; i < src->items->len; i++)
    {
      const TNode *item = src->items->pdata[i];
      CNode *child;

      if (!item->dynamic)
        {
          if (run == NULL)
            {
              run = cnode_new (CN_CONST, item, fhir_path);
              run->json = g_string_new (NULL);
              g_ptr_array_add (children, run);
            }
          else
            g_string_append_c (run->json, ',');
          append_const (run->json, item);
          run->n_items++;
          continue;
        }
      run = NULL;
      if ((child = compile_node (c, item, fhir_path, TRUE)) != NULL)
        g_ptr_array_add (children, child);
    }

  node->n_children = children->len;
  node->children = (CNode **) g_ptr_array_steal (children, NULL);
  return node;
}

static CNode *
compile_map (Compiler    *c,
             const TNode *src,
             const char  *fhir_path,
             gboolean     in_array)
{
  CNode *node = cnode_new (CN_MAP, src, fhir_path);

  node->map = cs_mapping_find_concept_map (c->mapping, src->target);
  if (node->map == NULL || !resolve_col (c, src->path, &src->col, &node->col) ||
      node->col.lookup == LOOKUP_ABSENT)
    {
      cnode_free (node);
      return NULL;
    }
  node->unmapped = src->unmapped >= 0 ? src->unmapped
                   : node->map->unmapped >= 0 ? node->map->unmapped : CS_UNMAPPED_ERROR;
  node->out = src->out != OUT_AUTO ? src->out : OUT_CODEABLE_CONCEPT;
  if (node->out == OUT_CODINGS)
    {
      if (!in_array)
        map_diag_add (&c->diag, src->path, _("\"as\": \"codings\" gives several Codings: put it inside an array"));
      node->spread = TRUE;
    }
  if ((node->out == OUT_CODE || node->out == OUT_CODING) && node->map->max_targets > 1)
    map_diag_add (&c->diag, src->path,
                  _("the ConceptMap “%s” maps a value to %u codes, but this element holds one: use "
                    "\"as\": \"CodeableConcept\", or \"codings\" inside an array"),
                  src->target, node->map->max_targets);
  return node;
}

static CNode *
compile_ref (Compiler    *c,
             const TNode *src,
             const char  *fhir_path,
             gboolean     in_array)
{
  int target = map_find_resource (c->mapping, src->target);
  MapResourceDef *def;
  CNode *node;

  if (target < 0)
    return NULL;  /* reported by the parser */
  def = map_get_resource (c->mapping, target);

  node = cnode_new (src->kind == TNODE_REF ? CN_REF : CN_REF_ALL, src, fhir_path);
  node->target = target;
  if (src->kind == TNODE_REF)
    node->ref_slot = c->program->n_ref_slots++;

  if (src->kind == TNODE_REF)
    {
      int found = -1;

      if (def->wide)
        {
          map_diag_add (&c->diag, src->path, _("“%s” makes one resource per column: refer to them with "
                                               "{\"$refAll\": \"%s\"} inside an array"), src->target, src->target);
          cnode_free (node);
          return NULL;
        }
      for (guint i = 0; i < def->inputs->len; i++)
        if (cs_mapping_find_input (c->mapping, def->inputs->pdata[i]) == (int) c->tmpl->input)
          found = c->tmpl->input;
      if (found >= 0)
        return node;
      if (def->inputs->len == 1 &&
          c->program->inputs[MAX (cs_mapping_find_input (c->mapping, def->inputs->pdata[0]), 0)].absent)
        {
          /* made from an input left out of the run */
          if (!src->optional)
            map_diag_add (&c->diag, src->path, _("refers to “%s”, which is made from the input “%s”: give a "
                                                 "table for it, or make the reference \"optional\": true"),
                          src->target, (char *) def->inputs->pdata[0]);
          cnode_free (node);
          return NULL;
        }
      if (def->inputs->len != 1)
        {
          map_diag_add (&c->diag, src->path, _("“%s” is made from several inputs; which one this refers to is "
                                               "ambiguous"), src->target);
          cnode_free (node);
          return NULL;
        }
      found = cs_mapping_find_input (c->mapping, def->inputs->pdata[0]);
      if (found < 0 || (node->lookup = get_lookup (c, src->path, c->tmpl->input, found, TRUE)) == LOOKUP_SELF)
        {
          cnode_free (node);
          return NULL;
        }
      return node;
    }

  /* $refAll */
  if (!in_array)
    {
      map_diag_add (&c->diag, src->path, _("$refAll gives several references: put it inside an array "
                                           "(\"hasMember\": [{\"$refAll\": \"%s\"}])"), src->target);
      cnode_free (node);
      return NULL;
    }
  node->spread = TRUE;
  node->lookups = g_array_new (FALSE, FALSE, sizeof (int));
  node->target_inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < def->inputs->len; i++)
    {
      int input = cs_mapping_find_input (c->mapping, def->inputs->pdata[i]);
      int lookup = -1;

      if (input < 0 || c->program->inputs[input].absent)
        continue;
      if ((guint) input != c->tmpl->input &&
          (lookup = get_lookup (c, src->path, c->tmpl->input, input, FALSE)) == LOOKUP_SELF)
        continue;
      g_array_append_val (node->lookups, lookup);
      g_array_append_val (node->target_inputs, input);
    }
  if (node->lookups->len == 0)
    {
      cnode_free (node);
      return NULL;
    }
  return node;
}

static CNode *
compile_node (Compiler    *c,
              const TNode *src,
              const char  *fhir_path,
              gboolean     in_array)
{
  CNode *node;

  if (!src->dynamic)
    {
      node = cnode_new (CN_CONST, src, fhir_path);
      node->json = g_string_new (NULL);
      append_const (node->json, src);
      return node;
    }

  switch (src->kind)
    {
    case TNODE_OBJECT:
      return compile_object (c, src, fhir_path, FALSE);

    case TNODE_ARRAY:
      return compile_array (c, src, fhir_path);

    case TNODE_COLUMN:
      node = cnode_new (CN_COLUMN, src, fhir_path);
      node->out = out_for_primitive (node->primitive, src->out);
      if (!resolve_col (c, src->path, &src->col, &node->col) || node->col.lookup == LOOKUP_ABSENT)
        {
          cnode_free (node);
          return NULL;
        }
      return node;

    case TNODE_INTERP:
      node = cnode_new (CN_INTERP, src, fhir_path);
      node->parts = g_new0 (CPart, src->parts->len);
      node->n_parts = src->parts->len;
      for (guint i = 0; i < src->parts->len; i++)
        {
          InterpPart *part = src->parts->pdata[i];
          CPart *cp = &node->parts[i];

          cp->is_column = part->is_column;
          cp->is_feature = part->is_feature;
          cp->text = part->text;
          cp->feature = part->feature;
          if (part->is_column && !resolve_col (c, src->path, &part->col, &cp->col))
            {
              cnode_free (node);
              return NULL;
            }
          if (part->is_feature && !feature_attr_available (c->tmpl, part->feature))
            map_diag_add (&c->diag, src->path, _("{{$feature.%s}} needs \"radiomics\": true in forEachColumn"),
                          map_feature_attr_names[part->feature]);
        }
      return node;

    case TNODE_MAP:
      return compile_map (c, src, fhir_path, in_array);

    case TNODE_REF:
    case TNODE_REF_ALL:
      return compile_ref (c, src, fhir_path, in_array);

    case TNODE_FEATURE:
      if (!feature_attr_available (c->tmpl, src->feature))
        {
          map_diag_add (&c->diag, src->path, _("the feature attribute “%s” needs \"radiomics\": true in "
                                               "forEachColumn"), map_feature_attr_names[src->feature]);
          return NULL;
        }
      node = cnode_new (CN_FEATURE, src, fhir_path);
      node->out = out_for_primitive (node->primitive, src->out);
      return node;

    case TNODE_CONST:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Wide to long                                                        */

static gboolean
column_is_used_otherwise (const CInput *in,
                          const MapInputDef *def,
                          guint         column)
{
  for (guint k = 0; k < in->key_columns->len; k++)
    if (g_array_index (in->key_columns, guint, k) == column)
      return TRUE;
  for (guint j = 0; j < def->joins->len; j++)
    {
      MapJoin *join = def->joins->pdata[j];

      for (guint f = 0; f < join->from->len; f++)
        if (g_ascii_strcasecmp (join->from->pdata[f], in->header[column]) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
set_feature_attr (CFeature    *f,
                  FeatureAttr  attr,
                  const char  *text)
{
  GString *json;

  if (text == NULL || *text == '\0')
    return;
  f->attrs[attr] = g_strdup (text);
  json = g_string_new (NULL);
  cs_json_append_escaped (json, text, -1);
  f->json_len[attr] = json->len;
  f->json[attr] = g_string_free (json, FALSE);
}

/* The IBSI dictionary the mapping names, read once per compile. */
static CsRadiomicsDict *
ibsi_dictionary (Compiler *c)
{
  const char *path = cs_mapping_get_ibsi_dictionary (c->mapping);
  g_autoptr(GError) error = NULL;

  if (c->ibsi_tried)
    return c->ibsi;
  c->ibsi_tried = TRUE;
  if (path == NULL)
    {
      add_note (c, _("no IBSI dictionary (pyradiomics’ featuresDict_IBSIv7.tsv): radiomics features get no IBSI "
                     "codes; name it in radiomics.ibsiDictionary or with --ibsi"));
      return NULL;
    }
  if (!(c->ibsi = cs_radiomics_dict_load (path, &error)))
    {
      map_diag_add (&c->diag, "radiomics.ibsiDictionary", _("cannot read the IBSI dictionary: %s"), error->message);
      return NULL;
    }
  for (const char * const *n = cs_radiomics_dict_notes (c->ibsi); n != NULL && *n != NULL; n++)
    add_note (c, "%s", *n);
  return c->ibsi;
}

/* A pyradiomics column: what it is, and everything about it the template
 * may use. FALSE after reporting a name that is not a feature. */
static gboolean
radiomics_feature (Compiler          *c,
                   CTemplate         *tmpl,
                   const MapInputDef *def,
                   const char        *column,
                   CFeature          *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsRadiomicsName) name = NULL;
  g_autofree char *each_path = map_path_member (tmpl->def->path, "forEachColumn");
  CsRadiomicsClass default_class = def->feature_class != NULL ? cs_radiomics_class_from_name (def->feature_class)
                                                              : CS_RADIOMICS_CLASS_NONE;
  CsRadiomicsDict *dict;
  CsRadiomicsIbsi ibsi = { 0 };
  const char *unit;
  g_autofree char *filter = NULL;

  if (def->feature_class != NULL && default_class == CS_RADIOMICS_CLASS_NONE)
    {
      g_autofree char *cpath = map_path_member (def->path, "radiomics");

      map_diag_add (&c->diag, cpath, _("“%s” is not a pyradiomics feature class (firstorder, shape, shape2D, glcm, "
                                       "glrlm, glszm, gldm, ngtdm)"), def->feature_class);
      return FALSE;
    }
  if (!(name = cs_radiomics_parse (column, default_class, &error)))
    {
      map_diag_add (&c->diag, each_path, _("the column “%s” of %s is not a pyradiomics feature (%s): leave it out "
                                           "with “exclude”"), column, def->role, error->message);
      return FALSE;
    }
  if (name->kind == CS_RADIOMICS_KIND_DIAGNOSTIC)
    return FALSE;

  filter = name->filter != NULL ? g_strdup_printf ("%s-%s", name->image_type, name->filter)
                                 : g_strdup (name->image_type);
  set_feature_attr (f, FEATURE_NAME, name->feature);
  set_feature_attr (f, FEATURE_CLASS, cs_radiomics_class_name (name->feature_class));
  set_feature_attr (f, FEATURE_FILTER, filter);
  set_feature_attr (f, FEATURE_CODE, name->column);
  set_feature_attr (f, FEATURE_LABEL, name->label);
  unit = cs_radiomics_unit (name, tmpl->def->modality_ct ? CS_RADIOMICS_MODALITY_CT : CS_RADIOMICS_MODALITY_OTHER,
                            NULL);
  set_feature_attr (f, FEATURE_UNIT, unit);
  set_feature_attr (f, FEATURE_UNIT_SYSTEM, unit != NULL ? "http://unitsofmeasure.org" : NULL);
  if ((dict = ibsi_dictionary (c)) != NULL && cs_radiomics_dict_lookup (dict, name, &ibsi))
    {
      set_feature_attr (f, FEATURE_IBSI, ibsi.code);
      set_feature_attr (f, FEATURE_IBSI_DISPLAY, ibsi.meaning);
    }
  /* the canonical name, so that "HLH GrayLevelNonUniformity" in one table
   * and "wavelet-HLH_glrlm_GrayLevelNonUniformity" in another give one id */
  cs_mapping_column_id_suffix (name->column, f->suffix);
  return TRUE;
}

static void
compile_features (Compiler  *c,
                  CTemplate *tmpl)
{
  CInput *in = &c->program->inputs[tmpl->input];
  MapInputDef *def = map_get_input (c->mapping, tmpl->input);
  g_autoptr(GArray) features = g_array_new (FALSE, TRUE, sizeof (CFeature));
  g_autofree char *each_path = map_path_member (tmpl->def->path, "forEachColumn");

  for (guint col = 0; col < in->n_columns; col++)
    {
      const char *name = in->header[col];
      CFeature f = { 0 };

      if (column_is_used_otherwise (in, def, col))
        continue;
      if (tmpl->def->match != NULL && !g_regex_match (tmpl->def->match, name, 0, NULL))
        continue;
      if (tmpl->def->exclude != NULL && g_regex_match (tmpl->def->exclude, name, 0, NULL))
        continue;
      if (tmpl->def->radiomics && (*name == '\0' || g_str_has_prefix (name, "diagnostics_")))
        continue;

      f.column = col;
      f.def = map_input_find_column (def, name);
      set_feature_attr (&f, FEATURE_COLUMN, name);
      if (tmpl->def->radiomics)
        {
          if (!radiomics_feature (c, tmpl, def, name, &f))
            {
              for (guint a = 0; a < N_FEATURE_ATTRS; a++)
                {
                  g_free (f.attrs[a]);
                  g_free (f.json[a]);
                }
              continue;
            }
        }
      else
        {
          set_feature_attr (&f, FEATURE_NAME, name);
          cs_mapping_column_id_suffix (name, f.suffix);
        }
      g_array_append_val (features, f);
    }

  /* two columns whose id suffixes collide would give one id: refuse */
  for (guint a = 0; a < features->len; a++)
    for (guint b = 0; b < a; b++)
      if (g_str_equal (g_array_index (features, CFeature, a).suffix, g_array_index (features, CFeature, b).suffix))
        map_diag_add (&c->diag, each_path, _("the columns “%s” and “%s” would get the same id"),
                      in->header[g_array_index (features, CFeature, a).column],
                      in->header[g_array_index (features, CFeature, b).column]);

  if (features->len == 0)
    map_diag_add (&c->diag, each_path, _("no column of %s (%s) matches"), def->role, in->name);

  tmpl->n_features = features->len;
  tmpl->features = (CFeature *) (gpointer) g_array_free (g_steal_pointer (&features), FALSE);
}

/* Whether a subtree depends on nothing but the feature column: its
 * directives are feature attributes other than the value, and its
 * conditions feature conditions on them. */
static gboolean
cond_per_feature (const CCond *cond)
{
  if (cond == NULL)
    return TRUE;
  for (guint i = 0; i < cond->n_children; i++)
    if (!cond_per_feature (cond->children[i]))
      return FALSE;
  return cond->kind == COND_ALL || cond->kind == COND_ANY || cond->kind == COND_NOT ||
         (cond->kind == COND_FEATURE && cond->src->feature != FEATURE_VALUE);
}

static gboolean
is_per_feature (const CNode *node)
{
  switch (node->kind)
    {
    case CN_CONST:
      return TRUE;
    case CN_FEATURE:
      return node->src->feature != FEATURE_VALUE;
    case CN_INTERP:
      for (guint i = 0; i < node->n_parts; i++)
        if (node->parts[i].is_column || (node->parts[i].is_feature && node->parts[i].feature == FEATURE_VALUE))
          return FALSE;
      return TRUE;
    case CN_OBJECT:
    case CN_ARRAY:
      if (!cond_per_feature (node->when))
        return FALSE;
      for (guint i = 0; i < node->n_children; i++)
        if (!is_per_feature (node->children[i]))
          return FALSE;
      return TRUE;
    case CN_COLUMN:
    case CN_MAP:
    case CN_REF:
    case CN_REF_ALL:
    case CN_PER_FEATURE:
    default:
      return FALSE;
    }
}

static void
string_free (gpointer string)
{
  if (string != NULL)
    g_string_free (string, TRUE);
}

/* Replaces the largest subtrees of a wide-to-long template that depend on
 * the feature column only by their rendering for each column: the code of
 * a feature Observation (pyradiomics and IBSI codings, text), its method,
 * its unit are then one copy per resource instead of a walk. */
static void
fold_per_feature (Compiler  *c,
                  CTemplate *tmpl,
                  CNode     *node)
{
  if (node->kind != CN_OBJECT && node->kind != CN_ARRAY)
    return;
  for (guint i = 0; i < node->n_children; i++)
    {
      CNode *child = node->children[i];
      CNode *folded;

      if (child->kind == CN_CONST)
        continue;
      if (!is_per_feature (child))
        {
          fold_per_feature (c, tmpl, child);
          continue;
        }
      folded = cnode_new (CN_PER_FEATURE, child->src, child->fhir_path);
      folded->key = child->key;
      folded->key_json = g_strdup (child->key_json);
      folded->key_json_len = child->key_json_len;
      folded->per_feature = g_ptr_array_new_with_free_func (string_free);
      for (guint f = 0; f < tmpl->n_features; f++)
        {
          GString *out = g_string_new (NULL);
          g_autoptr(GString) error = g_string_new (NULL);

          if (map_eval_render_per_feature (tmpl, child, f, out, error))
            g_ptr_array_add (folded->per_feature, out);
          else
            {
              g_string_free (out, TRUE);
              g_ptr_array_add (folded->per_feature, NULL);
            }
          if (error->len > 0)
            map_diag_add (&c->diag, child->src->path, _("for the column “%s”: %s"),
                          tmpl->features[f].attrs[FEATURE_COLUMN], error->str);
        }
      folded->children = g_new (CNode *, 1);
      folded->children[0] = child;
      folded->n_children = 1;
      node->children[i] = folded;
    }
}

/* ------------------------------------------------------------------ */
/* Stencils                                                            */

typedef struct
{
  guint      feature;
  GString   *bytes;     /* literal runs */
  GArray    *lens;      /* guint: length of each run */
  GPtrArray *dyn;       /* const CNode*: the leaf after each run but the last */
  gsize      run_start;
} Stencil;

enum { ST_OMITTED, ST_PRESENT, ST_UNSUPPORTED };

/* A leaf that is written or fails the resource, never left out. */
static gboolean
stencil_solid (const CNode *node)
{
  switch (node->kind)
    {
    case CN_FEATURE:
      /* a feature column whose cell is missing makes no resource at all */
      return node->src->feature == FEATURE_VALUE;
    case CN_REF:
      return !node->src->optional;
    case CN_COLUMN:
      /* a missing cell is reported each time (a column "required" by
       * its input is reported once a row) */
      return node->src->required && !(node->col.def != NULL && node->col.def->required);
    case CN_CONST:
    case CN_OBJECT:
    case CN_ARRAY:
    case CN_INTERP:
    case CN_MAP:
    case CN_REF_ALL:
    case CN_PER_FEATURE:
    default:
      return FALSE;
    }
}

/* Whether node is written for the feature column (every solid leaf
 * assumed written), left out, or cannot be known in advance. */
static int
stencil_presence (const CNode *node,
                  guint        feature)
{
  gboolean any = FALSE;

  switch (node->kind)
    {
    case CN_CONST:
      return ST_PRESENT;
    case CN_PER_FEATURE:
      return node->per_feature->pdata[feature] != NULL ? ST_PRESENT : ST_OMITTED;
    case CN_OBJECT:
    case CN_ARRAY:
      if (node->when != NULL)
        return ST_UNSUPPORTED;
      for (guint i = 0; i < node->n_children; i++)
        {
          const CNode *child = node->children[i];
          int p;

          if (child->kind == CN_REF_ALL || (child->kind == CN_MAP && child->spread))
            return ST_UNSUPPORTED;
          p = stencil_presence (child, feature);
          if (p == ST_UNSUPPORTED)
            return p;
          any |= p == ST_PRESENT;
        }
      return any ? ST_PRESENT : ST_OMITTED;
    case CN_COLUMN:
    case CN_INTERP:
    case CN_MAP:
    case CN_REF:
    case CN_REF_ALL:
    case CN_FEATURE:
    default:
      return stencil_solid (node) ? ST_PRESENT : ST_UNSUPPORTED;
    }
}

static void
stencil_lit (Stencil    *st,
             const char *data,
             gsize       len)
{
  g_string_append_len (st->bytes, data, len);
}

static void stencil_value (Stencil     *st,
                           const CNode *node);

/* The members of an object present for the column; n: members before. */
static void
stencil_members (Stencil     *st,
                 const CNode *node,
                 guint        n)
{
  for (guint i = 0; i < node->n_children; i++)
    {
      const CNode *child = node->children[i];

      if (stencil_presence (child, st->feature) != ST_PRESENT)
        continue;
      if (n++ > 0)
        stencil_lit (st, ",", 1);
      if (child->kind != CN_CONST)
        stencil_lit (st, child->key_json, child->key_json_len);
      stencil_value (st, child);
    }
}

static void
stencil_value (Stencil     *st,
               const CNode *node)
{
  switch (node->kind)
    {
    case CN_CONST:
      stencil_lit (st, node->json->str, node->json->len);
      break;
    case CN_PER_FEATURE:
      {
        const GString *r = node->per_feature->pdata[st->feature];

        stencil_lit (st, r->str, r->len);
      }
      break;
    case CN_OBJECT:
      stencil_lit (st, "{", 1);
      stencil_members (st, node, 0);
      stencil_lit (st, "}", 1);
      break;
    case CN_ARRAY:
      {
        guint n = 0;

        stencil_lit (st, "[", 1);
        for (guint i = 0; i < node->n_children; i++)
          {
            if (stencil_presence (node->children[i], st->feature) != ST_PRESENT)
              continue;
            if (n++ > 0)
              stencil_lit (st, ",", 1);
            stencil_value (st, node->children[i]);
          }
        stencil_lit (st, "]", 1);
      }
      break;
    case CN_COLUMN:
    case CN_INTERP:
    case CN_MAP:
    case CN_REF:
    case CN_REF_ALL:
    case CN_FEATURE:
    default:
      {
        guint len = (guint) (st->bytes->len - st->run_start);

        g_array_append_val (st->lens, len);
        g_ptr_array_add (st->dyn, (gpointer) node);
        st->run_start = st->bytes->len;
      }
      break;
    }
}

/* Flattens a wide template for each of its feature columns, when its
 * structure does not depend on the row (see CStencil). */
static void
build_stencil (CTemplate *tmpl)
{
  CStencil *stencil;

  if (tmpl->n_features == 0)
    return;
  for (guint f = 0; f < tmpl->n_features; f++)
    if (stencil_presence (tmpl->root, f) == ST_UNSUPPORTED)
      return;

  stencil = g_new0 (CStencil, 1);
  stencil->lits = g_new0 (char *, tmpl->n_features);
  for (guint f = 0; f < tmpl->n_features; f++)
    {
      Stencil st = { f, g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (guint)), g_ptr_array_new (), 0 };
      guint len;

      /* the root's members follow the id */
      stencil_members (&st, tmpl->root, 1);
      len = (guint) (st.bytes->len - st.run_start);
      g_array_append_val (st.lens, len);
      if (f == 0)
        {
          stencil->n_dyn = st.dyn->len;
          stencil->dyn = g_new (const CNode *, MAX (st.dyn->len, 1));
          memcpy (stencil->dyn, st.dyn->pdata, st.dyn->len * sizeof (gpointer));
          stencil->lit_lens = g_new (guint, (gsize) tmpl->n_features * (stencil->n_dyn + 1));
        }
      /* the leaves are the same for every column (an object or array
       * holding one is always there): only literal runs differ */
      if (st.dyn->len != stencil->n_dyn || memcmp (st.dyn->pdata, stencil->dyn, st.dyn->len * sizeof (gpointer)) != 0)
        {
          g_string_free (st.bytes, TRUE);
          g_array_unref (st.lens);
          g_ptr_array_unref (st.dyn);
          tmpl->stencil = stencil;
          stencil_free (tmpl);
          return;
        }
      memcpy (stencil->lit_lens + (gsize) f * (stencil->n_dyn + 1), st.lens->data, st.lens->len * sizeof (guint));
      stencil->lits[f] = g_string_free (st.bytes, FALSE);
      g_array_unref (st.lens);
      g_ptr_array_unref (st.dyn);
    }
  tmpl->stencil = stencil;
}

/* ------------------------------------------------------------------ */
/* The program                                                         */

static void
compile_template (Compiler       *c,
                  guint           resource,
                  guint           input)
{
  MapResourceDef *def = map_get_resource (c->mapping, resource);
  CInput *in = &c->program->inputs[input];
  CTemplate *tmpl = g_new0 (CTemplate, 1);
  GString *type_json = g_string_new ("{\"resourceType\":");

  tmpl->resource = resource;
  tmpl->input = input;
  tmpl->def = def;
  cs_json_append_escaped (type_json, def->resource_type, -1);
  g_string_append (type_json, ",\"id\":\"");
  tmpl->type_json_len = type_json->len;
  tmpl->type_json = g_string_free (type_json, FALSE);
  /* resource types are names ([A-Z][A-Za-z]*): nothing to escape */
  tmpl->ref_json = g_strconcat ("{\"reference\":\"", def->resource_type, "/", NULL);
  tmpl->ref_json_len = strlen (tmpl->ref_json);
  c->tmpl = tmpl;

  if (def->when != NULL)
    tmpl->when = compile_cond (c, def->when);

  if (def->key != NULL)
    {
      g_autofree char *kpath = map_path_member (def->path, "key");

      tmpl->key_cols = g_new0 (CColRef, def->key->len);
      tmpl->n_key_cols = def->key->len;
      for (guint i = 0; i < def->key->len; i++)
        {
          MapColRef ref = { NULL, def->key->pdata[i] };

          resolve_col (c, kpath, &ref, &tmpl->key_cols[i]);
        }
    }
  else if (def->id != NULL)
    tmpl->id = compile_node (c, def->id, "id", FALSE);
  else if (in->key_columns->len == 0)
    map_diag_add (&c->diag, def->path, _("the input “%s” has no “key”: ids are made from the key, so give the "
                                         "input a key, or the resource a “key” or an “id”"),
                  map_get_input (c->mapping, input)->role);

  if (def->wide)
    compile_features (c, tmpl);

  tmpl->root = compile_object (c, def->template, def->resource_type, TRUE);
  if (def->wide && c->diag.messages->len == 0)
    {
      fold_per_feature (c, tmpl, tmpl->root);
      build_stencil (tmpl);
    }

  tmpl->index = c->program->templates->len;
  g_ptr_array_add (c->program->templates, tmpl);
  g_ptr_array_add (in->templates, tmpl);
}

CsMappingProgram *
cs_mapping_compile (CsMapping                *mapping,
                    const CsMappingTableInfo *tables,
                    guint                     n_tables,
                    GError                  **error)
{
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  Compiler c = { 0 };

  g_return_val_if_fail (mapping != NULL, NULL);

  program = g_new0 (CsMappingProgram, 1);
  g_atomic_ref_count_init (&program->ref);
  program->mapping = cs_mapping_ref (mapping);
  program->n_inputs = mapping->inputs->len;
  program->inputs = g_new0 (CInput, program->n_inputs);
  program->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) ctemplate_free);
  program->lookups = g_ptr_array_new_with_free_func ((GDestroyNotify) clookup_free);
  program->notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (program->notes, NULL);

  c.program = program;
  c.mapping = mapping;
  c.diag.name = mapping->name;
  c.diag.messages = messages;

  /* the tables */
  for (guint i = 0; i < n_tables; i++)
    {
      int input = cs_mapping_find_input (mapping, tables[i].role);
      CInput *in;

      if (input < 0)
        {
          g_auto(GStrv) roles = NULL;
          GStrvBuilder *b = g_strv_builder_new ();
          g_autofree char *hint = NULL;
          g_autofree char *list = NULL;

          for (guint k = 0; k < mapping->inputs->len; k++)
            g_strv_builder_add (b, map_get_input (mapping, k)->role);
          roles = g_strv_builder_end (b);
          g_strv_builder_unref (b);
          hint = map_suggest (tables[i].role, (const char * const *) roles);
          list = g_strjoinv (", ", roles);
          map_diag_add (&c.diag, "inputs", _("the table %s is given for the role “%s”, which the mapping does not "
                                             "have%s (roles: %s)"), tables[i].name, tables[i].role, hint, list);
          continue;
        }
      in = &program->inputs[input];
      if (in->header != NULL)
        {
          map_diag_add (&c.diag, "inputs", _("two tables are given for the role “%s”"), tables[i].role);
          continue;
        }
      in->header = g_strdupv ((char **) tables[i].header);
      in->n_columns = g_strv_length (in->header);
      in->name = g_strdup (tables[i].name);
    }

  for (guint i = 0; i < program->n_inputs; i++)
    {
      CInput *in = &program->inputs[i];
      MapInputDef *def = map_get_input (mapping, i);

      in->key_columns = g_array_new (FALSE, FALSE, sizeof (guint));
      in->templates = g_ptr_array_new ();
      in->reverse_joins = g_array_new (FALSE, FALSE, sizeof (guint));
      if (in->header == NULL && def->optional)
        {
          in->absent = TRUE;
          in->header = g_new0 (char *, 1);
          in->name = g_strdup (def->role);
          continue;
        }
      if (in->header == NULL)
        {
          map_diag_add (&c.diag, def->path, _("no table is given for the input “%s”"), def->role);
          in->header = g_new0 (char *, 1);
          in->name = g_strdup (def->role);
          continue;
        }
      for (guint k = 0; k < def->key->len; k++)
        {
          int col = find_column (in, def->key->pdata[k]);
          g_autofree char *kpath = map_path_member (def->path, "key");

          if (col < 0)
            report_missing_column (&c, kpath, i, def->key->pdata[k]);
          else
            g_array_append_val (in->key_columns, col);
        }
      for (guint j = 0; j < def->joins->len; j++)
        {
          MapJoin *join = def->joins->pdata[j];

          for (guint k = 0; k < join->from->len; k++)
            if (find_column (in, join->from->pdata[k]) < 0)
              report_missing_column (&c, join->path, i, join->from->pdata[k]);
        }
      for (guint k = 0; k < def->columns->len; k++)
        {
          MapColumnDef *col = def->columns->pdata[k];

          if (find_column (in, col->name) < 0)
            report_missing_column (&c, col->path, i, col->name);
        }
    }

  if (messages->len == 0)
    for (guint r = 0; r < mapping->resources->len; r++)
      {
        MapResourceDef *def = map_get_resource (mapping, r);

        for (guint k = 0; k < def->inputs->len; k++)
          {
            int input = cs_mapping_find_input (mapping, def->inputs->pdata[k]);

            if (input >= 0 && !program->inputs[input].absent)
              compile_template (&c, r, input);
          }
      }

  /* bit slots per row: one per template, one per feature column */
  for (guint i = 0; i < program->n_inputs; i++)
    {
      CInput *in = &program->inputs[i];

      for (guint t = 0; t < in->templates->len; t++)
        {
          CTemplate *tmpl = in->templates->pdata[t];

          tmpl->slot = in->n_slots;
          in->n_slots += tmpl->def->wide ? tmpl->n_features : 1;
        }
    }

  g_clear_pointer (&c.ibsi, cs_radiomics_dict_free);
  if (!map_diag_check (&c.diag, CS_MAPPING_ERROR_COMPILE, error))
    return NULL;

  for (guint r = 0; r < mapping->resources->len; r++)
    {
      const char *type = map_get_resource (mapping, r)->resource_type;

      if (type != NULL && !cs_fhir_model_has_resource (type))
        add_note (&c, _("%s is not in Cohortscope’s FHIR model: its resources are checked as JSON, not element by "
                        "element"), type);
    }
  return g_steal_pointer (&program);
}
