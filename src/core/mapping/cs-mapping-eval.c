/* cs-mapping-eval.c: one row through a compiled program → JSON text
 *
 * The hot path. Constant parts are copied as pre-serialised bytes; cells are
 * parsed once per row (CellCache) and written without a DOM. An element
 * whose value is missing is left out together with its key; objects and
 * arrays left empty are left out too. Every problem is kept with its input,
 * row, column, value and element until the row is done: a row with an error
 * makes no resources at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cs-mapping-runtime.h"

typedef struct
{
  CsMappingRun    *run;
  RowState        *rs;
  guint            input;        /* the row whose cells "own" columns refer to */
  const MapRow    *row;
  const CTemplate *tmpl;
  const CFeature  *feature;      /* wide: the current column */
  GString         *out;
  gboolean         failed;       /* an error in the current resource */
  gboolean         trace;
  GString         *tpath;        /* trace: the element path with indices */
  GString         *scratch;
  guint64          shape;        /* which optional parts the resource has (see check_resource) */
  GString         *render_error; /* rendering per column at compile time: the first problem */
  GArray          *origins;      /* report_invalid: Origin of each element written, or NULL */
  GString         *origin_paths;
} Eval;

/* Where an element of the resource being reported came from in the
 * mapping file: its FHIR path with indices (in Eval.origin_paths), the
 * template node, and its compiled node (NULL for constants). */
typedef struct
{
  gsize        path_offset;
  const TNode *src;
  const CNode *node;
  gboolean     mirrors;      /* the template's JSON below it is the output's (a constant, an object, an array) */
} Origin;

/* The shape of a resource: a hash of which optional members it has, how
 * many items its arrays have, which column a column-dependent part was
 * rendered for, and its UCUM units. Two resources of one template and one
 * shape differ only in values that were checked as they were written. */
static inline void
shape_mix (Eval    *e,
           guint64  value)
{
  e->shape = (e->shape ^ value) * G_GUINT64_CONSTANT (0x100000001b3);
}

/* Records that the element at the path tpath + suffix came from src. */
static void
add_origin (Eval        *e,
            const char  *suffix,
            const TNode *src,
            const CNode *node)
{
  Origin o;

  o.path_offset = e->origin_paths->len;
  o.src = src;
  o.node = node;
  o.mirrors = node == NULL || node->kind == CN_OBJECT || node->kind == CN_ARRAY || node->kind == CN_PER_FEATURE;
  g_string_append_len (e->origin_paths, e->tpath->str, e->tpath->len);
  g_string_append (e->origin_paths, suffix);
  g_string_append_c (e->origin_paths, '\0');
  g_array_append_val (e->origins, o);
}

/* The constant members (or items) of a run of constants: from the member
 * (item) whose value is first, up to the next one that is not constant. */
static void
add_const_origins (Eval        *e,
                   const CNode *parent,
                   const CNode *run,
                   guint        first_index)
{
  const TNode *src = parent->src;
  gboolean object = src->kind == TNODE_OBJECT;
  GPtrArray *list = object ? src->members : src->items;
  guint i = 0;

  while (i < list->len &&
         (object ? ((TMember *) list->pdata[i])->value : (const TNode *) list->pdata[i]) != run->src)
    i++;
  for (guint n = 0; i < list->len; i++, n++)
    {
      const TNode *item = object ? ((TMember *) list->pdata[i])->value : list->pdata[i];
      g_autofree char *suffix = NULL;

      if (item->dynamic)
        break;
      suffix = object ? g_strconcat (".", ((TMember *) list->pdata[i])->key, NULL)
                      : g_strdup_printf ("[%u]", first_index + n);
      add_origin (e, suffix, item, NULL);
    }
}

static gboolean eval_value   (Eval        *e,
                              const CNode *node);
static guint    eval_ref_all (Eval        *e,
                              const CNode *node,
                              guint        base,
                              gboolean     write);

/* ------------------------------------------------------------------ */
/* Problems                                                            */

void
map_problem_clear (MapProblem *problem)
{
  g_free (problem->value);
  g_free (problem->element);
  g_free (problem->message);
}

static void add_problem (Eval              *e,
                         CsMappingSeverity  severity,
                         guint              input,
                         const MapRow      *row,
                         int                column,
                         const char        *element,
                         const char        *format,
                         ...) G_GNUC_PRINTF (7, 8);

static void
add_problem (Eval              *e,
             CsMappingSeverity  severity,
             guint              input,
             const MapRow      *row,
             int                column,
             const char        *element,
             const char        *format,
             ...)
{
  MapProblem p = { 0 };
  va_list args;

  p.severity = severity;
  p.input = input;
  p.row = row != NULL ? row->row : 0;
  p.line = row != NULL ? row->line : 0;
  p.column = column;
  if (row != NULL && column >= 0 && (guint) column < row->n_fields)
    p.value = g_strndup (row->fields[column], row->lengths[column]);
  p.resource = e->tmpl != NULL ? e->tmpl->def->name : NULL;
  p.element = g_strdup (element);
  va_start (args, format);
  p.message = g_strdup_vprintf (format, args);
  va_end (args);
  if (e->rs == NULL)
    {
      /* rendering at compile time: no row, the compiler reports it */
      if (e->render_error != NULL && e->render_error->len == 0 && severity == CS_MAPPING_SEVERITY_ERROR)
        g_string_printf (e->render_error, "%s%s%s", element != NULL ? element : "", element != NULL ? ": " : "",
                         p.message);
      e->failed |= severity == CS_MAPPING_SEVERITY_ERROR;
      map_problem_clear (&p);
      return;
    }
  g_array_append_val (e->rs->problems, p);

  if (severity == CS_MAPPING_SEVERITY_ERROR)
    {
      e->failed = TRUE;
      e->rs->has_error = TRUE;
    }
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim (const char **text,
      gsize       *len)
{
  while (*len > 0 && is_space (**text))
    (*text)++, (*len)--;
  while (*len > 0 && is_space ((*text)[*len - 1]))
    (*len)--;
}

/* A number as FHIR's decimal wants it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * Keeps the digits as written (precision is meaningful in FHIR). */
static gboolean
normalize_decimal (const char *s,
                   gsize       len,
                   gboolean    decimal_comma,
                   gboolean    integer_only,
                   GString    *out)
{
  gsize i = 0, int_start, int_end, frac_start = 0, frac_end = 0, exp_start = 0;
  gboolean neg = FALSE, has_exp = FALSE;
  gsize mark = out->len;

  if (i < len && (s[i] == '+' || s[i] == '-'))
    neg = s[i++] == '-';
  int_start = i;
  while (i < len && g_ascii_isdigit (s[i]))
    i++;
  int_end = i;
  if (i < len && (s[i] == '.' || (decimal_comma && s[i] == ',')))
    {
      i++;
      frac_start = i;
      while (i < len && g_ascii_isdigit (s[i]))
        i++;
      frac_end = i;
    }
  if (int_end == int_start && frac_end == frac_start)
    return FALSE;
  if (i < len && (s[i] == 'e' || s[i] == 'E'))
    {
      i++;
      exp_start = i;
      if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
      if (i >= len || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < len && g_ascii_isdigit (s[i]))
        i++;
      has_exp = TRUE;
    }
  if (i != len)
    return FALSE;
  if (integer_only && (frac_end > frac_start || has_exp))
    return FALSE;

  /* leading zeros go; an empty integer part becomes 0 */
  while (int_end - int_start > 1 && s[int_start] == '0')
    int_start++;
  if (neg)
    g_string_append_c (out, '-');
  if (int_end == int_start)
    g_string_append_c (out, '0');
  else
    map_out_add (out, s + int_start, int_end - int_start);
  if (frac_end > frac_start && !integer_only)
    {
      g_string_append_c (out, '.');
      map_out_add (out, s + frac_start, frac_end - frac_start);
    }
  if (has_exp)
    {
      g_string_append_c (out, 'e');
      map_out_add (out, s + exp_start, len - exp_start);
    }

  if (integer_only)
    {
      gint64 v = 0;

      /* FHIR integer is 32 bits */
      if (int_end - int_start > 10 ||
          !g_ascii_string_to_signed (out->str + mark, 10, G_MININT32, G_MAXINT32, &v, NULL))
        {
          g_string_truncate (out, mark);
          return FALSE;
        }
    }
  else if (has_exp || int_end - int_start > 300)
    {
      double v = g_ascii_strtod (out->str + mark, NULL);

      if (!isfinite (v))
        {
          g_string_truncate (out, mark);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
token_in (const char * const *tokens,
          const char         *text,
          gsize               len)
{
  for (guint i = 0; tokens != NULL && tokens[i] != NULL; i++)
    if (strlen (tokens[i]) == len && g_ascii_strncasecmp (tokens[i], text, len) == 0)
      return TRUE;
  return FALSE;
}

static const char * const default_true[] = { "true", "yes", "y", "t", "1", NULL };
static const char * const default_false[] = { "false", "no", "n", "f", "0", NULL };

static gboolean
parse_boolean (const MapColumnDef *def,
               const char         *text,
               gsize               len,
               gboolean           *out)
{
  const char * const *t = def != NULL && def->true_tokens != NULL ? (const char * const *) def->true_tokens
                                                                   : default_true;
  const char * const *f = def != NULL && def->false_tokens != NULL ? (const char * const *) def->false_tokens
                                                                    : default_false;

  if (token_in (t, text, len))
    *out = TRUE;
  else if (token_in (f, text, len))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static const MapRow *
ref_row (Eval          *e,
         const CColRef *ref)
{
  GPtrArray *rows;

  if (ref->lookup == LOOKUP_ABSENT)
    return NULL;
  if (ref->lookup == LOOKUP_SELF)
    return e->row;
  rows = map_run_lookup (e->run, ref->lookup, e->row);
  return rows->len > 0 ? rows->pdata[0] : NULL;
}

static void
trace_cell (Eval         *e,
            guint         input,
            const MapRow *row,
            guint         column)
{
  CsMappingCell cell = { input, row->row, column };

  g_array_append_val (e->rs->cells, cell);
}

/* Parses the cell a reference names (once per row); returns CELL_* and
 * the normalised text. Problems with the cell are reported once. */
static int
get_cell (Eval          *e,
          const CColRef *ref,
          const char    *element,
          const char   **text_out,
          gsize         *len_out,
          gboolean      *bool_out)
{
  const MapRow *row = ref_row (e, ref);
  CellCache *cache;
  CellEntry *entry;
  const MapColumnDef *def = ref->def;
  const char *text;
  gsize len;

  if (row == NULL)
    return CELL_MISSING;
  if (e->trace)
    trace_cell (e, ref->input, row, ref->column);

  cache = &e->run->caches[ref->input];
  if (cache->owner != row)
    {
      cache->owner = row;
      cache->gen++;
      g_string_truncate (cache->scratch, 0);
    }
  entry = &cache->entries[ref->column];
  if (entry->gen == cache->gen)
    goto done;

  entry->gen = cache->gen;
  entry->reported = FALSE;
  text = ref->column < row->n_fields ? row->fields[ref->column] : "";
  len = ref->column < row->n_fields ? row->lengths[ref->column] : 0;

  if (cs_csv_dialect_is_missing (&map_get_input (e->run->mapping, ref->input)->dialect, text, len) ||
      (def != NULL && def->missing != NULL && (trim (&text, &len), token_in ((const char * const *) def->missing,
                                                                               text, len))))
    {
      entry->state = CELL_MISSING;
      if (def != NULL && def->required)
        {
          entry->reported = TRUE;
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, ref->input, row, ref->column, element,
                       _("the column “%s” must have a value"), ref->name);
        }
      goto done;
    }

  trim (&text, &len);
  entry->state = CELL_OK;
  entry->offset = cache->scratch->len;
  switch (def != NULL ? def->type : COLTYPE_STRING)
    {
    case COLTYPE_INTEGER:
      if (!normalize_decimal (text, len, FALSE, TRUE, cache->scratch))
        entry->state = CELL_BAD;
      break;
    case COLTYPE_DECIMAL:
      if (!normalize_decimal (text, len, map_get_input (e->run->mapping, ref->input)->dialect.decimal_comma,
                              FALSE, cache->scratch))
        entry->state = CELL_BAD;
      break;
    case COLTYPE_DATE:
      {
        char date[11];
        g_autofree char *copy = g_strndup (text, len);

        if (cs_csv_parse_date (copy, def->date_format, date))
          g_string_append (cache->scratch, date);
        else
          entry->state = CELL_BAD;
      }
      break;
    case COLTYPE_BOOLEAN:
      if (!parse_boolean (def, text, len, &entry->boolean))
        entry->state = CELL_BAD;
      else
        g_string_append (cache->scratch, entry->boolean ? "true" : "false");
      break;
    case COLTYPE_STRING:
    case COLTYPE_DATETIME:
    default:
      map_out_add (cache->scratch, text, len);
      break;
    }
  entry->length = cache->scratch->len - entry->offset;

  if (entry->state == CELL_BAD)
    {
      static const char * const what[] = {
        N_("text"), N_("a whole number"), N_("a decimal number"), N_("a date"), N_("a date and time"),
        N_("true or false"),
      };
      g_autofree char *copy = g_strndup (text, len);

      entry->reported = TRUE;
      if (def->type == COLTYPE_DATE && def->date_format != NULL)
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, ref->input, row, ref->column, element,
                     _("“%s” is not a date in the format %s"), copy, def->date_format);
      else
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, ref->input, row, ref->column, element,
                     _("“%s” is not %s"), copy, _(what[def->type]));
    }

done:
  /* a bad cell was reported when it was first read; every use fails */
  if (entry->state == CELL_BAD)
    e->failed = TRUE;
  *text_out = cache->scratch->str + entry->offset;
  *len_out = entry->length;
  if (bool_out != NULL)
    *bool_out = entry->boolean;
  return entry->state;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

static int
feature_cell (Eval        *e,
              const char **text,
              gsize       *len)
{
  CColRef ref = { LOOKUP_SELF, e->tmpl->input, e->feature->column, e->feature->def,
                  e->feature->attrs[FEATURE_COLUMN] };

  return get_cell (e, &ref, NULL, text, len, NULL);
}

static gboolean
eval_cond (Eval        *e,
           const CCond *cond)
{
  const char *text;
  gsize len;
  int state;

  switch (cond->kind)
    {
    case COND_ALL:
      for (guint i = 0; i < cond->n_children; i++)
        if (!eval_cond (e, cond->children[i]))
          return FALSE;
      return TRUE;
    case COND_ANY:
      for (guint i = 0; i < cond->n_children; i++)
        if (eval_cond (e, cond->children[i]))
          return TRUE;
      return FALSE;
    case COND_NOT:
      return cond->n_children > 0 && !eval_cond (e, cond->children[0]);
    case COND_FEATURE:
      if (e->feature == NULL)
        return FALSE;
      if (cond->src->feature == FEATURE_VALUE)
        state = feature_cell (e, &text, &len) != CELL_MISSING;
      else
        state = e->feature->attrs[cond->src->feature] != NULL;
      return cond->src->negate ? !state : state;
    case COND_PRESENT:
      state = get_cell (e, &cond->col, NULL, &text, &len, NULL);
      return cond->src->negate ? state == CELL_MISSING : state != CELL_MISSING;
    case COND_EQUALS:
      if (get_cell (e, &cond->col, NULL, &text, &len, NULL) != CELL_OK)
        return FALSE;
      for (guint i = 0; i < cond->src->values->len; i++)
        {
          const char *v = cond->src->values->pdata[i];

          if (cond->src->numeric)
            {
              g_autofree char *copy = g_strndup (text, len);
              char *end = NULL;
              double x = g_ascii_strtod (copy, &end);

              if (end != copy && *end == '\0' && x == g_ascii_strtod (v, NULL))
                return TRUE;
            }
          else if (strlen (v) == len && memcmp (v, text, len) == 0)
            return TRUE;
        }
      return FALSE;
    case COND_MATCHES:
      if (get_cell (e, &cond->col, NULL, &text, &len, NULL) != CELL_OK)
        return FALSE;
      return g_regex_match_full (cond->src->regex, text, len, 0, 0, NULL, NULL);
    case COND_MADE:
      return cond->made != NULL && eval_ref_all (e, cond->made, 0, FALSE) > 0;
    case COND_MAPPED:
      {
        const CsConceptMapTarget *targets;
        gboolean listed;
        g_autofree char *value = NULL;

        if (get_cell (e, &cond->col, NULL, &text, &len, NULL) != CELL_OK)
          return FALSE;
        value = g_strndup (text, len);
        return cs_concept_map_translate (cond->map, value, &targets, &listed) > 0;
      }
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

char *
map_row_values_text (const MapRow *row,
                     const guint  *cols,
                     guint         n_cols)
{
  gsize total = 0;
  char *text, *p;

  /* measured first: tables held in memory keep one of these a row */
  for (guint k = 0; k < n_cols; k++)
    {
      const char *cell = cols[k] < row->n_fields ? row->fields[cols[k]] : "";
      gsize len = cols[k] < row->n_fields ? row->lengths[cols[k]] : 0;

      trim (&cell, &len);
      if (len == 0)
        return NULL;
      total += len + 1;
    }
  p = text = g_malloc (MAX (total, 1));
  for (guint k = 0; k < n_cols; k++)
    {
      const char *cell = row->fields[cols[k]];
      gsize len = row->lengths[cols[k]];

      trim (&cell, &len);
      if (k > 0)
        *p++ = '\x1f';
      memcpy (p, cell, len);
      p += len;
    }
  *p = '\0';
  return text;
}

char *
map_row_key (CsMappingProgram *program,
             guint             input,
             const MapRow     *row)
{
  GArray *cols = program->inputs[input].key_columns;

  if (cols->len == 0)
    return NULL;
  return map_row_values_text (row, (const guint *) (gpointer) cols->data, cols->len);
}

/* The id of tmpl's resource made from row (without a feature suffix). */
static gsize
resource_base_id (Eval            *e,
                  const CTemplate *tmpl,
                  const MapRow    *row,
                  char             out[68])
{
  GArray *cache = e->rs->id_cache;
  g_autoptr(GString) name = NULL;
  IdCacheEntry entry = { tmpl, row, "", 0 };

  for (guint i = 0; i < cache->len; i++)
    {
      IdCacheEntry *c = &g_array_index (cache, IdCacheEntry, i);

      if (c->tmpl == tmpl && c->row == row)
        {
          memcpy (out, c->id, c->length + 1);
          return c->length;
        }
    }

  if (tmpl->id != NULL)
    {
      /* an explicit id, from the row's own columns */
      Eval sub = *e;
      GString *saved = e->out;

      sub.row = row;
      sub.input = tmpl->input;
      sub.tmpl = tmpl;
      sub.trace = FALSE;
      sub.out = g_string_new (NULL);
      sub.failed = FALSE;
      if (eval_value (&sub, tmpl->id) && sub.out->len > 2 && sub.out->str[0] == '"')
        {
          /* the value was written as a JSON string: unquote (ids have no escapes) */
          gsize len = sub.out->len - 2;
          const char *reason = NULL;

          if (cs_fhir_id_check (sub.out->str + 1, (gssize) len, &reason))
            {
              memcpy (entry.id, sub.out->str + 1, len);
              entry.id[len] = '\0';
              entry.length = len;
            }
          else
            add_problem (e, CS_MAPPING_SEVERITY_ERROR, tmpl->input, row, -1, "id",
                         _("the id %.*s is not a FHIR id: %s"), (int) sub.out->len, sub.out->str, reason);
        }
      else if (!sub.failed)
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, tmpl->input, row, -1, "id",
                     _("the id of “%s” is empty"), tmpl->def->name);
      e->failed |= sub.failed;
      g_string_free (sub.out, TRUE);
      e->out = saved;
    }
  else
    {
      g_autofree char *key = NULL;

      if (tmpl->key_cols != NULL)
        {
          GString *k = g_string_new (NULL);

          for (guint i = 0; i < tmpl->n_key_cols; i++)
            {
              const CColRef *ref = &tmpl->key_cols[i];
              const char *text = ref->column < row->n_fields ? row->fields[ref->column] : "";
              gsize len = ref->column < row->n_fields ? row->lengths[ref->column] : 0;

              trim (&text, &len);
              if (i > 0)
                g_string_append_c (k, '\x1f');
              g_string_append_len (k, text, len);
            }
          key = g_string_free (k, FALSE);
        }
      else
        key = map_row_key (e->run->program, tmpl->input, row);

      if (key == NULL)
        {
          /* reported once per row by map_eval_row */
          e->failed = TRUE;
          e->rs->has_error = TRUE;
        }
      else
        {
          /* a template made from several inputs: the input is part of
           * the name, so that equal keys of two tables give two ids */
          name = g_string_new (tmpl->def->name);
          g_string_append_c (name, '\x1f');
          if (tmpl->def->inputs->len > 1 && tmpl->key_cols == NULL)
            {
              g_string_append (name, map_get_input (e->run->mapping, tmpl->input)->role);
              g_string_append_c (name, '\x1f');
            }
          g_string_append (name, key);
          cs_mapping_uuid5 (e->run->mapping->namespace_uuid, name->str, name->len, entry.id);
          entry.length = 36;
        }
    }

  g_array_append_val (cache, entry);
  memcpy (out, entry.id, entry.length + 1);
  return entry.length;
}

/* The id of tmpl's resource made from row (and the feature column, or -1)
 * in out; returns its length, 0 when it has none (reported). */
static gsize
resource_id (Eval            *e,
             const CTemplate *tmpl,
             const MapRow    *row,
             int              feature,
             char             out[68])
{
  gsize len = resource_base_id (e, tmpl, row, out);

  if (len > 0 && feature >= 0)
    {
      out[len] = '-';
      memcpy (out + len + 1, tmpl->features[feature].suffix, 14);
      len += 14;
    }
  return len;
}

/* ------------------------------------------------------------------ */
/* Writing values                                                      */

/* A value for a primitive element, in its JSON lexical form: the R4 format
 * of its type and, for a required binding Cohortscope knows, the codes. */
static gboolean
check_value (Eval         *e,
             const CNode  *node,
             const char   *value,
             gsize         len,
             guint         input,
             const MapRow *row,
             int           column)
{
  const char *reason = NULL;
  const CsFhirBinding *binding;

  if (node == NULL || node->primitive == CS_FHIR_PRIMITIVE_NONE)
    return TRUE;
  if (!cs_fhir_primitive_check_kind (node->primitive, value, len, &reason))
    {
      add_problem (e, CS_MAPPING_SEVERITY_ERROR, input, row, column, node->fhir_path,
                   _("“%.*s” is not a valid FHIR %s for %s: %s"), (int) MIN (len, 200), value,
                   cs_fhir_primitive_name (node->primitive), node->fhir_path, reason);
      return FALSE;
    }
  binding = node->element != NULL ? node->element->binding : NULL;
  if (binding != NULL && !(node->element->flags & CS_FHIR_ELEMENT_BINDING_UNCHECKED))
    {
      g_autofree char *code = g_strndup (value, len);

      if (!cs_fhir_binding_has_code (binding, NULL, code))
        {
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, input, row, column, node->fhir_path,
                       _("“%s” is not in the value set %s, which %s must use"), code, binding->value_set,
                       node->fhir_path);
          return FALSE;
        }
    }
  if (node->ucum)
    {
      guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

      for (gsize i = 0; i < len; i++)
        h = (h ^ (guchar) value[i]) * G_GUINT64_CONSTANT (0x100000001b3);
      shape_mix (e, h);
    }
  return TRUE;
}

static OutKind
out_for_type (MapColumnType type)
{
  switch (type)
    {
    case COLTYPE_INTEGER: return OUT_INTEGER;
    case COLTYPE_DECIMAL: return OUT_NUMBER;
    case COLTYPE_BOOLEAN: return OUT_BOOLEAN;
    case COLTYPE_STRING:
    case COLTYPE_DATE:
    case COLTYPE_DATETIME:
    default:
      return OUT_STRING;
    }
}

static OutKind
column_out (const CNode *node)
{
  if (node->out != OUT_AUTO)
    return node->out;
  return out_for_type (node->col.def != NULL ? node->col.def->type : COLTYPE_STRING);
}

static gboolean
write_typed (Eval          *e,
             const CNode   *node,
             const CColRef *ref,
             OutKind        out,
             const char    *text,
             gsize          len,
             gboolean       boolean)
{
  MapColumnType type = ref != NULL && ref->def != NULL ? ref->def->type : COLTYPE_STRING;
  const MapRow *row = ref != NULL ? ref_row (e, ref) : e->row;
  guint input = ref != NULL ? ref->input : e->input;
  int column = ref != NULL ? (int) ref->column : (e->feature != NULL ? (int) e->feature->column : -1);
  const char *element = node->fhir_path;
  gboolean decimal_comma = map_get_input (e->run->mapping, input)->dialect.decimal_comma;
  gsize start = e->out->len;

  switch (out)
    {
    case OUT_NUMBER:
      if (type == COLTYPE_DECIMAL || type == COLTYPE_INTEGER)
        map_out_add (e->out, text, len);
      else if (!normalize_decimal (text, len, decimal_comma, FALSE, e->out))
        {
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, input, row, column, element,
                       _("“%.*s” is not a number"), (int) len, text);
          return FALSE;
        }
      break;
    case OUT_INTEGER:
      if (type == COLTYPE_INTEGER)
        map_out_add (e->out, text, len);
      else if (!normalize_decimal (text, len, FALSE, TRUE, e->out))
        {
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, input, row, column, element,
                       _("“%.*s” is not a whole number from −2147483648 to 2147483647"), (int) len, text);
          return FALSE;
        }
      break;
    case OUT_BOOLEAN:
      if (type != COLTYPE_BOOLEAN && !parse_boolean (ref != NULL ? ref->def : NULL, text, len, &boolean))
        {
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, input, row, column, element,
                       _("“%.*s” is not true or false"), (int) len, text);
          return FALSE;
        }
      if (boolean)
        MAP_OUT_LIT (e->out, "true");
      else
        MAP_OUT_LIT (e->out, "false");
      break;
    case OUT_AUTO:
    case OUT_STRING:
    case OUT_CODE:
    case OUT_CODING:
    case OUT_CODINGS:
    case OUT_CODEABLE_CONCEPT:
    default:
      /* a string: checked as it is, then escaped */
      if (!check_value (e, node, text, len, input, row, column))
        return FALSE;
      cs_json_append_escaped (e->out, text, len);
      return TRUE;
    }
  /* a number or boolean: checked as the JSON literal written */
  if (!check_value (e, node, e->out->str + start, e->out->len - start, input, row, column))
    {
      g_string_truncate (e->out, start);
      return FALSE;
    }
  return TRUE;
}

static void
write_coding (GString                  *out,
              const CsConceptMapTarget *t)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  if (t->system != NULL)
    {
      g_string_append (out, "\"system\":");
      cs_json_append_escaped (out, t->system, -1);
      first = FALSE;
    }
  if (t->version != NULL)
    {
      g_string_append (out, first ? "\"version\":" : ",\"version\":");
      cs_json_append_escaped (out, t->version, -1);
      first = FALSE;
    }
  g_string_append (out, first ? "\"code\":" : ",\"code\":");
  cs_json_append_escaped (out, t->code, -1);
  if (t->display != NULL)
    {
      g_string_append (out, ",\"display\":");
      cs_json_append_escaped (out, t->display, -1);
    }
  g_string_append_c (out, '}');
}

/* Returns the number of items written (0: nothing). */
static guint
eval_map (Eval        *e,
          const CNode *node)
{
  const CsConceptMapTarget *targets = NULL;
  CsConceptMapTarget kept = { 0 };
  const char *text = NULL;
  gsize len = 0;
  gboolean listed = FALSE;
  guint n;
  g_autofree char *value = NULL;

  int state = get_cell (e, &node->col, node->fhir_path, &text, &len, NULL);

  if (state != CELL_OK)
    {
      if (state == CELL_MISSING && node->src->required)
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, node->col.input, ref_row (e, &node->col), node->col.column,
                     node->fhir_path, _("the column “%s” must have a value"), node->col.name);
      return 0;
    }
  value = g_strndup (text, len);
  n = cs_concept_map_translate (node->map, value, &targets, &listed);

  if (n == 0 && listed)
    return 0;   /* mapped explicitly to nothing */
  if (n == 0)
    {
      const char *map_name = node->map->id != NULL ? node->map->id : node->map->url;

      switch (node->unmapped)
        {
        case CS_UNMAPPED_KEEP:
          kept.system = node->map->provided_system;
          kept.code = value;
          targets = &kept;
          n = 1;
          break;
        case CS_UNMAPPED_FIXED:
          targets = &node->map->fixed;
          n = 1;
          break;
        case CS_UNMAPPED_OMIT:
          add_problem (e, CS_MAPPING_SEVERITY_WARNING, node->col.input, ref_row (e, &node->col), node->col.column,
                       node->fhir_path, _("“%s” is not in the ConceptMap “%s”: %s left out"),
                       value, map_name, node->fhir_path);
          return 0;
        case CS_UNMAPPED_ERROR:
        default:
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, node->col.input, ref_row (e, &node->col), node->col.column,
                       node->fhir_path, _("“%s” is not in the ConceptMap “%s” (add it there, or set "
                                          "\"unmapped\" to keep or omit)"), value, map_name);
          return 0;
        }
    }

  switch (node->out)
    {
    case OUT_CODE:
      if (!check_value (e, node, targets[0].code, strlen (targets[0].code), node->col.input,
                        ref_row (e, &node->col), node->col.column))
        return 0;
      cs_json_append_escaped (e->out, targets[0].code, -1);
      return 1;
    case OUT_CODING:
      write_coding (e->out, &targets[0]);
      return 1;
    case OUT_CODINGS:
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (e->out, ',');
          write_coding (e->out, &targets[i]);
        }
      return n;
    case OUT_AUTO:
    case OUT_STRING:
    case OUT_NUMBER:
    case OUT_INTEGER:
    case OUT_BOOLEAN:
    case OUT_CODEABLE_CONCEPT:
    default:
      g_string_append (e->out, "{\"coding\":[");
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (e->out, ',');
          write_coding (e->out, &targets[i]);
        }
      g_string_append_c (e->out, ']');
      if (node->src->with_text)
        {
          g_string_append (e->out, ",\"text\":");
          cs_json_append_escaped (e->out, value, -1);
        }
      g_string_append_c (e->out, '}');
      return 1;
    }
}

/* Whether a same-row slot is made (MADE_*); a slot not evaluated yet in
 * this round is guessed from what the last round learnt (else "made"). */
static int
same_row_produces (Eval            *e,
                   const CTemplate *target,
                   guint            slot)
{
  RowState *rs = e->rs;

  /* evaluated earlier in this round: known */
  if (target->slot < e->tmpl->slot)
    return rs->produced[slot];
  switch (rs->knowledge[slot])
    {
    case KNOW_YES:
      return MADE_YES;
    case KNOW_NO:
      return MADE_NOT;
    case KNOW_FAILED:
      return MADE_FAILED;
    case KNOW_UNKNOWN:
    default:
      rs->knowledge[slot] = KNOW_YES;   /* a guess, checked after the round */
      return MADE_YES;
    }
}

static void
write_reference (Eval            *e,
                 const CTemplate *target,
                 const char      *id,
                 gsize            id_len)
{
  map_out_add (e->out, target->ref_json, target->ref_json_len);
  map_out_add (e->out, id, id_len);
  MAP_OUT_LIT (e->out, "\"}");
}

static void
trace_ref_cells (Eval *e,
                 int   lookup)
{
  if (!e->trace)
    return;
  if (lookup >= 0)
    {
      CLookup *l = e->run->program->lookups->pdata[lookup];
      CStep *s = &g_array_index (l->steps, CStep, 0);

      for (guint i = 0; i < s->n_cols; i++)
        trace_cell (e, e->input, e->row, s->cols[i]);
    }
  else
    {
      CInput *in = &e->run->program->inputs[e->input];

      for (guint k = 0; k < in->key_columns->len; k++)
        trace_cell (e, e->input, e->row, g_array_index (in->key_columns, guint, k));
    }
}

static gboolean
eval_ref (Eval        *e,
          const CNode *node)
{
  CsMappingProgram *p = e->run->program;
  MapResourceDef *def = map_get_resource (e->run->mapping, node->target);
  const CTemplate *target;
  const MapRow *row;
  gboolean made;
  char id[68];
  gsize id_len;

  if (!e->trace && e->rs->ref_stamp[node->ref_slot] == e->rs->stamp)
    {
      GString *cached = e->rs->ref_cache[node->ref_slot];

      map_out_add (e->out, cached->str, cached->len);
      return TRUE;
    }

  if (node->lookup < 0)
    {
      int state;

      target = map_program_find_template (p, node->target, e->input);
      row = e->row;
      state = same_row_produces (e, target, target->slot);
      if (state == MADE_FAILED)
        {
          /* its own errors were reported; the row is rejected anyway */
          e->failed = TRUE;
          return FALSE;
        }
      made = state == MADE_YES;
    }
  else
    {
      CLookup *l = p->lookups->pdata[node->lookup];
      GPtrArray *rows = map_run_lookup (e->run, node->lookup, e->row);

      target = map_program_find_template (p, node->target, l->to);
      if (rows->len == 0)
        {
          if (!node->src->optional)
            add_problem (e, CS_MAPPING_SEVERITY_ERROR, e->input, e->row, -1, node->fhir_path,
                         _("refers to the “%s” resource, but no row of “%s” belongs to this row (%s)"),
                         def->name, map_get_input (e->run->mapping, l->to)->role, l->description);
          return FALSE;
        }
      row = rows->pdata[0];
      made = map_run_row_produces (e->run, l->to, row, target->slot);
      if (!made && !node->src->optional)
        {
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, e->input, e->row, -1, node->fhir_path,
                       _("refers to the “%s” resource of row %" PRIu64 " of “%s”, which is not made "
                         "(the row was rejected or its condition is false)"),
                       def->name, row->row, map_get_input (e->run->mapping, l->to)->role);
          return FALSE;
        }
    }

  if (!made)
    {
      if (!node->src->optional)
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, e->input, e->row, -1, node->fhir_path,
                     _("refers to the “%s” resource, which this row does not make (its condition is false, or "
                       "its value is missing); use \"optional\": true to leave the reference out then"),
                     def->name);
      return FALSE;
    }
  if (!(id_len = resource_id (e, target, row, -1, id)))
    return FALSE;
  trace_ref_cells (e, node->lookup);
  {
    gsize start = e->out->len;

    write_reference (e, target, id, id_len);
    /* only what was made is remembered: a reference that failed is
     * evaluated (and reported) again */
    if (e->rs->ref_cache != NULL && e->row == e->rs->row)
      {
        GString *cached = e->rs->ref_cache[node->ref_slot];

        g_string_truncate (cached, 0);
        map_out_add (cached, e->out->str + start, e->out->len - start);
        e->rs->ref_stamp[node->ref_slot] = e->rs->stamp;
      }
  }
  return TRUE;
}

static void
add_trace_elem (Eval  *e,
                guint  cell_start)
{
  TraceElem elem;

  elem.path_offset = e->rs->paths->len;
  g_string_append_len (e->rs->paths, e->tpath->str, e->tpath->len + 1);
  elem.cell_start = cell_start;
  elem.n_cells = e->rs->cells->len - cell_start;
  g_array_append_val (e->rs->elems, elem);
}

/* References to every resource of a template that belongs to this row;
 * base is the index in the enclosing array of the first one. */
static guint
eval_ref_all (Eval        *e,
              const CNode *node,
              guint        base,
              gboolean     write)
{
  CsMappingProgram *p = e->run->program;
  guint n = 0;

  for (guint k = 0; k < node->lookups->len; k++)
    {
      int lookup = g_array_index (node->lookups, int, k);
      guint input = g_array_index (node->target_inputs, guint, k);
      const CTemplate *target = map_program_find_template (p, node->target, input);
      GPtrArray *rows = NULL;
      guint n_rows;

      if (lookup >= 0)
        {
          rows = map_run_lookup (e->run, lookup, e->row);
          n_rows = rows->len;
        }
      else
        n_rows = 1;

      for (guint r = 0; r < n_rows; r++)
        {
          const MapRow *row = rows != NULL ? rows->pdata[r] : e->row;
          guint n_slots = target->def->wide ? target->n_features : 1;

          for (guint s = 0; s < n_slots; s++)
            {
              guint slot = target->slot + s;
              gboolean made = lookup < 0 ? same_row_produces (e, target, slot) == MADE_YES
                                         : map_run_row_produces (e->run, input, row, slot);
              char id[68];
              gsize id_len;
              guint cell_mark = e->rs->cells->len;

              if (!made || !(id_len = resource_id (e, target, row, target->def->wide ? (int) s : -1, id)))
                continue;
              if (!write)
                {
                  n++;
                  continue;
                }
              if (n > 0)
                g_string_append_c (e->out, ',');
              if (e->trace)
                {
                  gsize mark = e->tpath->len;

                  g_string_append_printf (e->tpath, "[%u]", base + n);
                  trace_ref_cells (e, lookup);
                  add_trace_elem (e, cell_mark);
                  g_string_truncate (e->tpath, mark);
                }
              write_reference (e, target, id, id_len);
              n++;
            }
        }
    }
  return n;
}

static gboolean
eval_interp (Eval        *e,
             const CNode *node)
{
  GString *s = e->scratch;

  g_string_truncate (s, 0);
  for (guint i = 0; i < node->n_parts; i++)
    {
      const CPart *part = &node->parts[i];
      const char *text;
      gsize len;

      if (part->is_column)
        {
          if (get_cell (e, &part->col, node->fhir_path, &text, &len, NULL) != CELL_OK)
            return FALSE;
          g_string_append_len (s, text, len);
        }
      else if (part->is_feature)
        {
          if (part->feature == FEATURE_VALUE)
            {
              if (feature_cell (e, &text, &len) != CELL_OK)
                return FALSE;
              g_string_append_len (s, text, len);
            }
          else if (e->feature->attrs[part->feature] == NULL)
            return FALSE;
          else
            {
              g_string_append (s, e->feature->attrs[part->feature]);
              if (e->trace)
                {
                  /* from the column's name: the header */
                  CsMappingCell cell = { e->input, 0, e->feature->column };

                  g_array_append_val (e->rs->cells, cell);
                }
            }
        }
      else
        g_string_append (s, part->text);
    }
  if (!check_value (e, node, s->str, s->len, e->input, e->row, -1))
    return FALSE;
  cs_json_append_escaped (e->out, s->str, s->len);
  return TRUE;
}

static gboolean
eval_feature (Eval        *e,
              const CNode *node)
{
  const char *text;
  gsize len;

  if (node->src->feature != FEATURE_VALUE)
    {
      const char *json = e->feature->json[node->src->feature];

      if (json == NULL)
        return FALSE;
      map_out_add (e->out, json, e->feature->json_len[node->src->feature]);
      return TRUE;
    }

  if (feature_cell (e, &text, &len) != CELL_OK)
    return FALSE;
  {
    CColRef ref = { LOOKUP_SELF, e->tmpl->input, e->feature->column, e->feature->def,
                    e->feature->attrs[FEATURE_COLUMN] };
    OutKind out = node->out;

    if (out == OUT_AUTO && ref.def != NULL && ref.def->type != COLTYPE_STRING)
      out = out_for_type (ref.def->type);
    else if (out == OUT_AUTO)
      out = e->tmpl->def->radiomics ? OUT_NUMBER : OUT_STRING;
    return write_typed (e, node, &ref, out, text, len, FALSE);
  }
}

/* ------------------------------------------------------------------ */
/* Trees                                                               */

static gboolean
eval_leaf (Eval        *e,
           const CNode *node)
{
  guint cell_mark = e->trace ? e->rs->cells->len : 0;
  gboolean ok = FALSE;

  switch (node->kind)
    {
    case CN_COLUMN:
      {
        const char *text;
        gsize len;
        gboolean boolean;
        int state = get_cell (e, &node->col, node->fhir_path, &text, &len, &boolean);

        if (state == CELL_MISSING && node->src->required && !(node->col.def != NULL && node->col.def->required))
          add_problem (e, CS_MAPPING_SEVERITY_ERROR, node->col.input, ref_row (e, &node->col), node->col.column,
                       node->fhir_path, _("the column “%s” must have a value"), node->col.name);
        ok = state == CELL_OK && write_typed (e, node, &node->col, column_out (node), text, len, boolean);
      }
      break;
    case CN_INTERP:
      ok = eval_interp (e, node);
      break;
    case CN_MAP:
      ok = eval_map (e, node) > 0;
      break;
    case CN_REF:
      ok = eval_ref (e, node);
      break;
    case CN_FEATURE:
      /* the value's cell is traced when it is read; the other attributes
       * come from the column's name: the header (row 0) */
      if (e->trace && node->src->feature != FEATURE_VALUE)
        {
          CsMappingCell cell = { e->input, 0, e->feature->column };

          g_array_append_val (e->rs->cells, cell);
        }
      ok = eval_feature (e, node);
      break;
    case CN_CONST:
    case CN_OBJECT:
    case CN_ARRAY:
    case CN_REF_ALL:
    case CN_PER_FEATURE:
    default:
      g_assert_not_reached ();
    }

  if (e->trace)
    {
      if (ok)
        add_trace_elem (e, cell_mark);
      else
        g_array_set_size (e->rs->cells, cell_mark);
    }
  return ok;
}

static gboolean
eval_object_members (Eval        *e,
                     const CNode *node,
                     gboolean     first)
{
  guint n = first ? 0 : 1;

  for (guint i = 0; i < node->n_children; i++)
    {
      const CNode *child = node->children[i];
      gsize mark = e->out->len;
      gsize pmark = e->trace ? e->tpath->len : 0;

      if (n > 0)
        g_string_append_c (e->out, ',');
      if (child->kind == CN_CONST)
        {
          map_out_add (e->out, child->json->str, child->json->len);
          if (e->origins != NULL)
            add_const_origins (e, node, child, 0);
          n++;
          continue;
        }
      map_out_add (e->out, child->key_json, child->key_json_len);
      if (e->trace)
        {
          g_string_append_c (e->tpath, '.');
          g_string_append (e->tpath, child->key);
        }
      if (eval_value (e, child))
        {
          n++;
          shape_mix (e, (guint64) (gsize) child);
          if (e->origins != NULL)
            add_origin (e, "", child->src, child);
        }
      else
        g_string_truncate (e->out, mark);
      if (e->trace)
        g_string_truncate (e->tpath, pmark);
    }
  return n > (first ? 0u : 1u);
}

static gboolean
eval_value (Eval        *e,
            const CNode *node)
{
  gsize start = e->out->len;

  switch (node->kind)
    {
    case CN_CONST:
      map_out_add (e->out, node->json->str, node->json->len);
      return TRUE;

    case CN_OBJECT:
      if (node->when != NULL && !eval_cond (e, node->when))
        return FALSE;
      g_string_append_c (e->out, '{');
      if (!eval_object_members (e, node, TRUE))
        {
          g_string_truncate (e->out, start);
          return FALSE;
        }
      g_string_append_c (e->out, '}');
      return TRUE;

    case CN_ARRAY:
      {
        guint n = 0;

        g_string_append_c (e->out, '[');
        for (guint i = 0; i < node->n_children; i++)
          {
            const CNode *child = node->children[i];
            gsize mark = e->out->len;
            gsize pmark = e->trace ? e->tpath->len : 0;
            guint k;

            if (n > 0)
              g_string_append_c (e->out, ',');
            if (child->kind == CN_CONST)
              {
                map_out_add (e->out, child->json->str, child->json->len);
                if (e->origins != NULL)
                  add_const_origins (e, node, child, n);
                n += MAX (child->n_items, 1);
                continue;
              }
            if (child->kind == CN_REF_ALL)
              k = eval_ref_all (e, child, n, TRUE);
            else if (child->kind == CN_MAP && child->spread)
              {
                guint cell_mark = e->rs->cells->len;

                k = eval_map (e, child);
                /* one element per Coding, all from the same cell */
                for (guint c = 0; e->trace && c < k; c++)
                  {
                    g_string_append_printf (e->tpath, "[%u]", n + c);
                    add_trace_elem (e, cell_mark);
                    g_string_truncate (e->tpath, pmark);
                  }
                if (e->trace && k == 0)
                  g_array_set_size (e->rs->cells, cell_mark);
              }
            else
              {
                if (e->trace)
                  g_string_append_printf (e->tpath, "[%u]", n);
                k = eval_value (e, child) ? 1 : 0;
                if (k > 0 && e->origins != NULL)
                  add_origin (e, "", child->src, child);
              }
            /* the items of a $refAll or a $map's Codings */
            for (guint c = 0; e->origins != NULL && c < k &&
                 (child->kind == CN_REF_ALL || (child->kind == CN_MAP && child->spread)); c++)
              {
                g_autofree char *suffix = g_strdup_printf ("[%u]", n + c);

                add_origin (e, suffix, child->src, child);
              }
            if (e->trace)
              g_string_truncate (e->tpath, pmark);
            if (k > 0)
              n += k;
            else
              g_string_truncate (e->out, mark);
          }
        if (n == 0)
          {
            g_string_truncate (e->out, start);
            return FALSE;
          }
        g_string_append_c (e->out, ']');
        shape_mix (e, n);
        return TRUE;
      }

    case CN_REF_ALL:
      /* only inside arrays (checked by the compiler) */
      return FALSE;

    case CN_PER_FEATURE:
      {
        GString *rendered;

        /* tracing needs the cells (the header) each element came from */
        if (e->trace)
          return eval_value (e, node->children[0]);
        rendered = node->per_feature->pdata[e->feature - e->tmpl->features];
        if (rendered == NULL)
          return FALSE;
        map_out_add (e->out, rendered->str, rendered->len);
        shape_mix (e, ((guint64) (gsize) node) ^ ((guint64) (e->feature - e->tmpl->features) << 1));
        return TRUE;
      }

    case CN_COLUMN:
    case CN_INTERP:
    case CN_MAP:
    case CN_REF:
    case CN_FEATURE:
    default:
      return eval_leaf (e, node);
    }
}

/* ------------------------------------------------------------------ */
/* Resources and rows                                                  */

/* The resource just written (json, len) against the R4 model with the
 * validator of src/core/validate: in full once per template and shape, or
 * every time with CS_MAPPING_RUN_VALIDATE_ALL. Its values were checked as
 * they were written (check_value), so a shape that passed once passes
 * again. Returns the validator's errors, or NULL when it passed. */
static GPtrArray *
check_resource (Eval       *e,
                const char *json,
                gsize       len)
{
  CsMappingRun *run = e->run;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  guint64 key = e->shape;
  guint slot = e->tmpl->slot + (e->feature != NULL ? (guint) (e->feature - e->tmpl->features) : 0);
  guint64 *last = e->rs != NULL && e->input < e->rs->n_inputs ? &e->rs->valid_shapes[e->input][slot] : NULL;

  if (!(run->flags & CS_MAPPING_RUN_VALIDATE_ALL))
    {
      if (last != NULL && *last != 0 && *last == key + 1)
        return NULL;
      if (g_hash_table_contains (run->validated, &key))
        {
          if (last != NULL)
            *last = key + 1;
          return NULL;
        }
    }

  problems = cs_fhir_problems_new ();
  if (!(doc = cs_json_document_parse (json, len, &error)))
    {
      /* the writer serialises every value itself: this would be a bug */
      CsFhirProblem *p = g_new0 (CsFhirProblem, 1);

      p->severity = CS_FHIR_SEVERITY_ERROR;
      p->message = g_strdup_printf (_("the resource written is not JSON (%s); please report this"), error->message);
      g_ptr_array_add (problems, p);
      return g_steal_pointer (&problems);
    }
  if (!cs_fhir_validate_resource_full (cs_json_document_get_root (doc), CS_FHIR_VALIDATE_NO_WARNINGS, problems))
    return g_steal_pointer (&problems);
  g_hash_table_add (run->validated, g_memdup2 (&key, sizeof key));
  if (last != NULL)
    *last = key + 1;
  return NULL;
}

/* TRUE when the element path a is b or inside it ("X.code.coding[0]" is
 * inside "X.code", not inside "X.co"). */
static gboolean
path_within (const char *a,
             const char *b)
{
  gsize n = strlen (b);

  return strncmp (a, b, n) == 0 && (a[n] == '\0' || a[n] == '.' || a[n] == '[');
}

/* The column of this row an element at path came from, or -1: the element
 * itself, else the nearest element around it, else the first inside it. */
static int
element_column (Eval       *e,
                const char *path,
                guint       elem_start)
{
  RowState *rs = e->rs;
  const TraceElem *around = NULL, *inside = NULL, *best;
  gsize around_len = 0;

  if (path == NULL)
    return -1;
  for (guint i = elem_start; i < rs->elems->len; i++)
    {
      const TraceElem *elem = &g_array_index (rs->elems, TraceElem, i);
      const char *epath = rs->paths->str + elem->path_offset;

      if (elem->n_cells == 0)
        continue;
      if (path_within (path, epath) && (around == NULL || strlen (epath) > around_len))
        {
          around = elem;
          around_len = strlen (epath);
        }
      else if (inside == NULL && path_within (epath, path))
        inside = elem;
    }
  best = around != NULL ? around : inside;
  for (guint c = 0; best != NULL && c < best->n_cells; c++)
    {
      const CsMappingCell *cell = &g_array_index (rs->cells, CsMappingCell, best->cell_start + c);

      if (cell->input == e->input && cell->row == e->row->row)
        return (int) cell->column;
    }
  return -1;
}

/* The recorded element that the element at path is, or is inside of most
 * closely; NULL when there is none. */
static const Origin *
find_origin (Eval       *e,
             const char *path,
             gsize      *matched)
{
  const Origin *best = NULL;
  gsize best_len = 0;

  for (guint i = 0; path != NULL && i < e->origins->len; i++)
    {
      const Origin *o = &g_array_index (e->origins, Origin, i);
      const char *opath = e->origin_paths->str + o->path_offset;
      gsize len = strlen (opath);

      if ((best == NULL || len > best_len) && path_within (path, opath))
        {
          best = o;
          best_len = len;
        }
    }
  *matched = best_len;
  return best;
}

/* A column of the row that the subtree of node reads, or -1. */
static int
node_column (Eval        *e,
             const CNode *node)
{
  if (node == NULL)
    return -1;
  switch (node->kind)
    {
    case CN_COLUMN:
    case CN_MAP:
      return node->col.lookup == LOOKUP_SELF && node->col.input == e->input ? (int) node->col.column : -1;
    case CN_INTERP:
      for (guint i = 0; i < node->n_parts; i++)
        if (node->parts[i].is_column && node->parts[i].col.lookup == LOOKUP_SELF &&
            node->parts[i].col.input == e->input)
          return (int) node->parts[i].col.column;
        else if (node->parts[i].is_feature && node->parts[i].feature == FEATURE_VALUE && e->feature != NULL)
          return (int) e->feature->column;
      return -1;
    case CN_FEATURE:
      return node->src->feature == FEATURE_VALUE && e->feature != NULL ? (int) e->feature->column : -1;
    case CN_OBJECT:
    case CN_ARRAY:
    case CN_PER_FEATURE:
      for (guint i = 0; i < node->n_children; i++)
        {
          int column = node_column (e, node->children[i]);

          if (column >= 0)
            return column;
        }
      return -1;
    case CN_CONST:
    case CN_REF:
    case CN_REF_ALL:
    default:
      return -1;
    }
}

/* The validator's errors on the resource of tmpl just written, as problems
 * of the row, each with the cell its element came from where there is one.
 * Without tracing, the resource is evaluated again with it to know the
 * cells (a rejected resource is rare; the output of that pass is dropped). */
static void
report_invalid (Eval            *e,
                const CTemplate *tmpl,
                GPtrArray       *problems,
                guint            elem_start)
{
  RowState *rs = e->rs;
  g_autoptr(GArray) origins = g_array_new (FALSE, FALSE, sizeof (Origin));
  g_autoptr(GString) origin_paths = g_string_new (NULL);
  gsize out_mark = e->out->len;
  guint problem_mark = rs->problems->len;
  guint elem_mark = rs->elems->len, cell_mark = rs->cells->len;
  gsize paths_mark = rs->paths->len;
  gboolean has_error = rs->has_error, trace = e->trace;

  /* evaluated again, to learn where each element came from: the cells
   * (unless the run traces anyway) and the template's elements */
  e->trace = TRUE;
  e->origins = origins;
  e->origin_paths = origin_paths;
  g_string_assign (e->tpath, tmpl->def->resource_type);
  add_origin (e, "", tmpl->root->src, tmpl->root);
  eval_object_members (e, tmpl->root, FALSE);
  e->trace = trace;
  g_string_truncate (e->out, out_mark);
  /* the array's clear function frees the dropped problems */
  g_array_set_size (rs->problems, problem_mark);
  rs->has_error = has_error;
  if (trace)
    {
      /* the elements were recorded by the first evaluation */
      g_array_set_size (rs->elems, elem_mark);
      g_array_set_size (rs->cells, cell_mark);
      g_string_truncate (rs->paths, paths_mark);
    }

  for (guint i = 0; i < problems->len; i++)
    {
      const CsFhirProblem *p = problems->pdata[i];
      const Origin *origin;
      g_autofree char *where = NULL;
      gsize matched = 0;
      int column;

      if (p->severity != CS_FHIR_SEVERITY_ERROR)
        continue;
      column = element_column (e, p->path, elem_start);
      origin = find_origin (e, p->path, &matched);
      /* a constant fed by no cell: the column whose missing value left it so */
      if (column < 0 && origin != NULL)
        column = node_column (e, origin->node);
      if (origin != NULL && origin->src->path != NULL)
        where = g_strconcat (origin->src->path, origin->mirrors ? p->path + matched : "", NULL);
      if (where != NULL)
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, e->input, e->row, column, p->path,
                     /* TRANSLATORS: a finding of the FHIR validator, and the JSON path of the
                      * template element in the mapping file it came from */
                     _("%s (in the mapping at %s)"), p->message, where);
      else
        add_problem (e, CS_MAPPING_SEVERITY_ERROR, e->input, e->row, column, p->path, "%s", p->message);
    }
  e->origins = NULL;
  e->origin_paths = NULL;
  e->failed = TRUE;
  rs->has_error = TRUE;
}

/* The members of a feature's resource from the template's stencil: the
 * literal runs copied, the leaves between them evaluated. A leaf that
 * fails has reported why and fails the resource; the others are still
 * evaluated, so that the row reports what the walk of the tree would. */
static void
eval_stencil (Eval           *e,
              const CStencil *stencil,
              guint           feature)
{
  const char *lit = stencil->lits[feature];
  const guint *lens = stencil->lit_lens + (gsize) feature * (stencil->n_dyn + 1);

  /* the structure is that of the column's stencil */
  shape_mix (e, G_GUINT64_CONSTANT (0x5354454e43494c00) ^ feature);
  for (guint i = 0; i < stencil->n_dyn; i++)
    {
      map_out_add (e->out, lit, lens[i]);
      lit += lens[i];
      /* a leaf of a stencil is not left out without an error, except in a
       * row that has one already (a missing required cell or an id that
       * failed is reported once a row): rejected either way */
      if (!eval_value (e, stencil->dyn[i]))
        e->failed = TRUE;
    }
  map_out_add (e->out, lit, lens[stencil->n_dyn]);
}

/* Writes one resource of tmpl (feature: column index or -1) into rs->out.
 * Returns MADE_YES, MADE_NOT (its condition is false) or MADE_FAILED. */
static int
eval_resource (Eval            *e,
               const CTemplate *tmpl,
               int              feature)
{
  RowState *rs = e->rs;
  RowResource res = { 0 };
  gsize start = e->out->len;
  guint elem_mark = rs->elems->len, cell_mark = rs->cells->len;
  gsize paths_mark = rs->paths->len;

  e->tmpl = tmpl;
  e->feature = feature >= 0 ? &tmpl->features[feature] : NULL;
  e->failed = FALSE;

  if (tmpl->when != NULL && !eval_cond (e, tmpl->when))
    return e->failed ? MADE_FAILED : MADE_NOT;
  if (!(res.id_len = resource_id (e, tmpl, e->row, feature, res.id)))
    return MADE_FAILED;
  e->shape = G_GUINT64_CONSTANT (0xcbf29ce484222325) ^ tmpl->index;

  map_out_add (e->out, tmpl->type_json, tmpl->type_json_len);
  map_out_add (e->out, res.id, res.id_len);
  MAP_OUT_LIT (e->out, "\"");
  if (e->trace)
    g_string_assign (e->tpath, tmpl->def->resource_type);
  if (tmpl->stencil != NULL && feature >= 0 && !e->trace)
    eval_stencil (e, tmpl->stencil, (guint) feature);
  else
    eval_object_members (e, tmpl->root, FALSE);
  g_string_append_c (e->out, '}');

  if (!e->failed)
    {
      g_autoptr(GPtrArray) problems = check_resource (e, e->out->str + start, e->out->len - start);

      if (problems != NULL)
        report_invalid (e, tmpl, problems, elem_mark);
    }
  if (e->failed)
    {
      g_string_truncate (e->out, start);
      g_array_set_size (rs->elems, elem_mark);
      g_array_set_size (rs->cells, cell_mark);
      g_string_truncate (rs->paths, paths_mark);
      return MADE_FAILED;
    }

  res.tmpl = tmpl;
  res.feature = feature;
  res.offset = start;
  res.length = e->out->len - start;
  res.elem_start = elem_mark;
  res.elem_end = rs->elems->len;
  g_array_append_val (rs->resources, res);
  return MADE_YES;
}

/* A pyradiomics extraction that failed leaves every feature 0. */
static gboolean
all_features_zero (Eval            *e,
                   const CTemplate *tmpl)
{
  guint n_present = 0;

  e->tmpl = tmpl;
  for (guint f = 0; f < tmpl->n_features; f++)
    {
      const char *text;
      gsize len;
      g_autofree char *copy = NULL;
      double v;
      char *end;

      e->feature = &tmpl->features[f];
      if (feature_cell (e, &text, &len) != CELL_OK)
        continue;
      copy = g_strndup (text, len);
      v = g_ascii_strtod (copy, &end);
      if (end == copy || *end != '\0' || v != 0.0)
        return FALSE;
      n_present++;
    }
  e->feature = NULL;
  return n_present > 0;
}

void
map_row_state_init (CsMappingRun *run,
                    RowState     *rs)
{
  guint max_slots = 1;

  for (guint i = 0; i < run->program->n_inputs; i++)
    max_slots = MAX (max_slots, run->program->inputs[i].n_slots);
  rs->out = g_string_sized_new (4096);
  rs->resources = g_array_new (FALSE, FALSE, sizeof (RowResource));
  rs->problems = g_array_new (FALSE, FALSE, sizeof (MapProblem));
  g_array_set_clear_func (rs->problems, (GDestroyNotify) map_problem_clear);
  rs->n_lookups = run->program->lookups->len;
  rs->lookups = g_new0 (LookupResult, MAX (run->program->lookups->len, 1));
  for (guint i = 0; i < run->program->lookups->len; i++)
    rs->lookups[i].rows = g_ptr_array_new ();
  rs->knowledge = g_new0 (guint8, max_slots);
  rs->produced = g_new0 (guint8, max_slots);
  rs->id_cache = g_array_new (FALSE, FALSE, sizeof (IdCacheEntry));
  rs->paths = g_string_new (NULL);
  rs->elems = g_array_new (FALSE, FALSE, sizeof (TraceElem));
  rs->cells = g_array_new (FALSE, FALSE, sizeof (CsMappingCell));
  rs->n_ref_slots = run->program->n_ref_slots;
  rs->ref_cache = g_new0 (GString *, MAX (rs->n_ref_slots, 1));
  rs->ref_stamp = g_new0 (guint32, MAX (rs->n_ref_slots, 1));
  for (guint i = 0; i < rs->n_ref_slots; i++)
    rs->ref_cache[i] = g_string_new (NULL);
  rs->stamp = 1;
  rs->n_inputs = run->program->n_inputs;
  rs->valid_shapes = g_new0 (guint64 *, MAX (rs->n_inputs, 1));
  for (guint i = 0; i < rs->n_inputs; i++)
    rs->valid_shapes[i] = g_new0 (guint64, MAX (run->program->inputs[i].n_slots, 1));
}

void
map_row_state_clear (RowState *rs)
{
  if (rs->out == NULL)
    return;
  g_string_free (rs->out, TRUE);
  g_array_unref (rs->resources);
  g_array_unref (rs->problems);
  for (guint i = 0; i < rs->n_lookups; i++)
    g_ptr_array_unref (rs->lookups[i].rows);
  g_free (rs->lookups);
  g_free (rs->knowledge);
  g_free (rs->produced);
  g_array_unref (rs->id_cache);
  g_string_free (rs->paths, TRUE);
  g_array_unref (rs->elems);
  g_array_unref (rs->cells);
  for (guint i = 0; i < rs->n_ref_slots; i++)
    g_string_free (rs->ref_cache[i], TRUE);
  g_free (rs->ref_cache);
  g_free (rs->ref_stamp);
  for (guint i = 0; i < rs->n_inputs; i++)
    g_free (rs->valid_shapes[i]);
  g_free (rs->valid_shapes);
  g_free (rs->key_text);
  memset (rs, 0, sizeof *rs);
}

static void
reset_round (CsMappingRun *run,
             RowState     *rs)
{
  g_string_truncate (rs->out, 0);
  g_array_set_size (rs->resources, 0);
  g_array_set_size (rs->problems, 0);
  g_string_truncate (rs->paths, 0);
  g_array_set_size (rs->elems, 0);
  g_array_set_size (rs->cells, 0);
  rs->has_error = FALSE;
  rs->wrong_guess = FALSE;
  rs->stamp++;
  /* cached cells would not report their problems again */
  for (guint i = 0; i < run->program->n_inputs; i++)
    run->caches[i].owner = NULL;
}

void
map_eval_row (CsMappingRun *run,
              guint         input,
              const MapRow *row)
{
  RowState *rs = &run->rs;
  CInput *in = &run->program->inputs[input];
  g_autoptr(GString) tpath = g_string_new (NULL);
  g_autoptr(GString) scratch = g_string_new (NULL);
  Eval e = { 0 };

  rs->input = input;
  rs->row = row;
  g_free (rs->key_text);
  rs->key_text = map_row_key (run->program, input, row);
  for (guint i = 0; i < run->program->lookups->len; i++)
    {
      rs->lookups[i].done = FALSE;
      g_ptr_array_set_size (rs->lookups[i].rows, 0);
    }
  g_array_set_size (rs->id_cache, 0);
  memset (rs->knowledge, KNOW_UNKNOWN, in->n_slots);

  e.run = run;
  e.rs = rs;
  e.input = input;
  e.row = row;
  e.out = rs->out;
  e.trace = (run->flags & CS_MAPPING_RUN_TRACE) != 0;
  e.tpath = tpath;
  e.scratch = scratch;

  for (guint round = 0; round <= in->n_slots + 1; round++)
    {
      gboolean retry = FALSE;

      reset_round (run, rs);
      memset (rs->produced, 0, in->n_slots);

      if (rs->key_text == NULL && in->key_columns->len > 0)
        {
          guint col = g_array_index (in->key_columns, guint, 0);

          for (guint k = 0; k < in->key_columns->len; k++)
            {
              guint c = g_array_index (in->key_columns, guint, k);
              const char *text = c < row->n_fields ? row->fields[c] : "";
              gsize len = c < row->n_fields ? row->lengths[c] : 0;

              trim (&text, &len);
              if (len == 0)
                {
                  col = c;
                  break;
                }
            }
          e.tmpl = NULL;
          add_problem (&e, CS_MAPPING_SEVERITY_ERROR, input, row, col, NULL,
                       _("the key column “%s” is empty"), in->header[col]);
          return;
        }

      for (guint t = 0; t < in->templates->len; t++)
        {
          const CTemplate *tmpl = in->templates->pdata[t];

          e.tmpl = tmpl;
          e.feature = NULL;
          if (!tmpl->def->wide)
            {
              rs->produced[tmpl->slot] = eval_resource (&e, tmpl, -1);
              continue;
            }
          if (tmpl->def->skip_zero_rows && all_features_zero (&e, tmpl))
            {
              e.failed = FALSE;
              add_problem (&e, CS_MAPPING_SEVERITY_WARNING, input, row, -1, NULL,
                           ngettext ("the row's only feature is 0, as a failed extraction leaves it: treated as "
                                     "missing",
                                     "all %u features are 0, as a failed extraction leaves them: treated as "
                                     "missing", tmpl->n_features),
                           tmpl->n_features);
              continue;
            }
          for (guint f = 0; f < tmpl->n_features; f++)
            {
              const char *text;
              gsize len;

              e.tmpl = tmpl;
              e.feature = &tmpl->features[f];
              if (feature_cell (&e, &text, &len) == CELL_MISSING)
                continue;
              rs->produced[tmpl->slot + f] = eval_resource (&e, tmpl, f);
            }
        }

      /* check the guesses made about resources evaluated later in the round */
      for (guint s = 0; s < in->n_slots; s++)
        if (rs->knowledge[s] == KNOW_YES && rs->produced[s] != MADE_YES)
          {
            rs->knowledge[s] = rs->produced[s] == MADE_FAILED ? KNOW_FAILED : KNOW_NO;
            retry = TRUE;
          }
      if (!retry)
        break;
    }
}

gboolean
map_eval_render_per_feature (const CTemplate *tmpl,
                             const CNode     *node,
                             guint            feature,
                             GString         *out,
                             GString         *error)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  Eval e = { 0 };
  gboolean made;

  /* the subtree reads no cell and no reference: no run or row is needed */
  e.tmpl = tmpl;
  e.feature = &tmpl->features[feature];
  e.input = tmpl->input;
  e.out = out;
  e.scratch = scratch;
  e.render_error = error;
  made = eval_value (&e, node);
  return made && !e.failed;
}
