/* cs-store-build.c: reference resolution and the columnar table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs-store-private.h"

static const char *group_order[] = {
  "Patient", "Condition", "Observation", "Imaging", "Radiomics", "Survival",
};

static gboolean
contains_word (const char *haystack,
               const char *needle)
{
  g_autofree char *lower = NULL;

  if (haystack == NULL)
    return FALSE;
  lower = g_ascii_strdown (haystack, -1);
  return strstr (lower, needle) != NULL;
}

/* ---------------------------------------------------------------- rows */

static int
lookup_row (GHashTable *table,
            const char *key)
{
  gpointer found;

  if (key == NULL || (found = g_hash_table_lookup (table, key)) == NULL)
    return -1;
  return (int) GPOINTER_TO_UINT (found) - 1;
}

/* "Patient/x", "http://base/Patient/x/_history/2", or a fullUrl. */
static int
resolve_reference (CsStore    *self,
                   GHashTable *by_url,
                   const char *ref)
{
  const char *p, *start = NULL;
  g_autofree char *id = NULL;
  int row;

  if (ref == NULL)
    return -1;
  if ((row = lookup_row (by_url, ref)) >= 0)
    return row;

  for (p = strstr (ref, "Patient/"); p != NULL; p = strstr (p + 1, "Patient/"))
    {
      if (p == ref || p[-1] == '/')
        start = p + strlen ("Patient/");
    }
  if (start == NULL || *start == '\0')
    return -1;
  p = strchr (start, '/');
  id = p != NULL ? g_strndup (start, (gsize) (p - start)) : g_strdup (start);

  return lookup_row (self->row_index, id);
}

static void
build_rows (CsStore *self)
{
  g_autoptr(GHashTable) by_url = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_unresolved = 0;
  guint n_anonymous = 0;

  self->rows = g_array_new (FALSE, FALSE, sizeof (CsPatientRow));
  self->row_index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->patient_res->len; i++)
    {
      CsPatientRow *p = &g_array_index (self->patient_res, CsPatientRow, i);
      CsResource *res = &g_array_index (self->resources, CsResource, p->resource);
      int row = lookup_row (self->row_index, p->id);

      if (row < 0 && p->id == NULL)
        row = lookup_row (by_url, p->full_url);

      if (row < 0)
        {
          CsPatientRow copy = *p;

          if (copy.id == NULL)
            {
              g_autofree char *name = NULL;

              n_anonymous++;
              name = p->full_url != NULL ? g_strdup (p->full_url)
                                         : g_strdup_printf ("Patient[%u]", n_anonymous);
              copy.id = g_string_chunk_insert (self->strings, name);
            }
          g_array_append_val (self->rows, copy);
          row = (int) self->rows->len - 1;
          g_hash_table_insert (self->row_index, (gpointer) copy.id, GUINT_TO_POINTER (row + 1));
        }
      if (p->full_url != NULL)
        g_hash_table_insert (by_url, (gpointer) p->full_url, GUINT_TO_POINTER (row + 1));
      res->row = row;
    }

  self->row_resources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->row_uids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint r = 0; r < self->rows->len; r++)
    {
      g_ptr_array_add (self->row_resources, g_array_new (FALSE, FALSE, sizeof (guint)));
      g_ptr_array_add (self->row_uids, g_ptr_array_new ());
    }

  for (guint i = 0; i < self->resources->len; i++)
    {
      CsResource *res = &g_array_index (self->resources, CsResource, i);

      if (res->row < 0 && res->patient_ref != NULL)
        {
          res->row = resolve_reference (self, by_url, res->patient_ref);
          if (res->row < 0)
            n_unresolved++;
        }
      if (res->row >= 0)
        g_array_append_val (g_ptr_array_index (self->row_resources, res->row), i);
    }

  for (guint i = 0; i < self->study_uids->len; i++)
    {
      CsStudyUid *uid = &g_array_index (self->study_uids, CsStudyUid, i);
      int row = g_array_index (self->resources, CsResource, uid->resource).row;

      if (row >= 0)
        g_ptr_array_add (g_ptr_array_index (self->row_uids, row), (gpointer) uid->uid);
    }

  self->n_unresolved = n_unresolved;
  if (n_unresolved > 0)
    cs_store_add_warning (self, CS_STORE_WARNING_ABSENT_PATIENT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u resource refers to a patient that is not in the sources; it is counted but gives no values",
                                       "%u resources refer to patients that are not in the sources; they are counted but give no values",
                                       n_unresolved),
                          n_unresolved);
  if (self->n_skipped_status > 0)
    cs_store_add_warning (self, CS_STORE_WARNING_VALUES_SKIPPED,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u Observation or Condition was skipped because it is cancelled, refuted or entered in error",
                                       "%u Observations or Conditions were skipped because they are cancelled, refuted or entered in error",
                                       self->n_skipped_status),
                          self->n_skipped_status);
}

/* Features of a group Observation (hasMember) belong to the group's lesion. */
static void
resolve_lesions (CsStore *self)
{
  guint32 n_focus = g_hash_table_size (self->lesions);
  g_autoptr(GHashTable) obs_by_ref = NULL;
  g_autoptr(GHashTable) parent_of = NULL;

  if (self->members->len > 0)
    {
      obs_by_ref = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      parent_of = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint i = 0; i < self->resources->len; i++)
        {
          CsResource *res = &g_array_index (self->resources, CsResource, i);

          if (!g_str_equal (res->type, "Observation"))
            continue;
          if (res->id != NULL)
            g_hash_table_insert (obs_by_ref, g_strconcat ("Observation/", res->id, NULL), GUINT_TO_POINTER (i + 1));
          if (res->full_url != NULL)
            g_hash_table_insert (obs_by_ref, g_strdup (res->full_url), GUINT_TO_POINTER (i + 1));
        }
      for (guint i = 0; i < self->members->len; i++)
        {
          CsMemberLink *link = &g_array_index (self->members, CsMemberLink, i);
          const char *ref = link->member_ref;
          const char *slash;
          gpointer found;

          found = g_hash_table_lookup (obs_by_ref, ref);
          if (found == NULL && (slash = strstr (ref, "Observation/")) != NULL)
            {
              g_autofree char *rel = g_strdup (slash);
              char *history = strstr (rel, "/_history");

              if (history != NULL)
                *history = '\0';
              found = g_hash_table_lookup (obs_by_ref, rel);
            }
          if (found != NULL)
            g_hash_table_insert (parent_of, found, GUINT_TO_POINTER (link->parent + 1));
        }
    }

  for (guint i = 0; i < self->facts->len; i++)
    {
      CsFact *fact = &g_array_index (self->facts, CsFact, i);

      if (fact->lesion == CS_LESION_SELF)
        fact->lesion = n_focus + 1 + fact->resource;
      else if (fact->lesion == CS_LESION_NONE && parent_of != NULL)
        {
          gpointer parent = g_hash_table_lookup (parent_of, GUINT_TO_POINTER (fact->resource + 1));

          if (parent != NULL)
            fact->lesion = n_focus + 1 + (GPOINTER_TO_UINT (parent) - 1);
        }
    }
}

/* ---------------------------------------------------------------- derived facts */

static CsFact *
derived_fact (CsStore    *self,
              guint32     resource,
              CsConcept  *concept,
              CsFactKind  kind,
              double      value)
{
  CsFact fact = { 0 };

  fact.resource = resource;
  fact.concept = concept->index;
  fact.kind = kind;
  fact.level = -1;
  fact.value = value;
  fact.time = NAN;
  fact.hint = CS_HINT_NONE;
  g_array_append_val (self->facts, fact);
  return &g_array_index (self->facts, CsFact, self->facts->len - 1);
}

static const char *
gender_display (const char *code)
{
  if (g_strcmp0 (code, "male") == 0)
    return _("Male");
  if (g_strcmp0 (code, "female") == 0)
    return _("Female");
  if (g_strcmp0 (code, "other") == 0)
    return _("Other");
  if (g_strcmp0 (code, "unknown") == 0)
    return _("Unknown");
  return NULL;
}

static void
add_patient_facts (CsStore *self)
{
  CsConcept *gender = cs_store_well_known_concept (self, "gender", N_("Gender"), "Patient");
  CsConcept *birth = cs_store_well_known_concept (self, "birth_date", N_("Birth date"), "Patient");
  CsConcept *deceased = cs_store_well_known_concept (self, "deceased", N_("Deceased"), "Patient");
  CsConcept *death = cs_store_well_known_concept (self, "death_date", N_("Date of death"), "Patient");

  gender->always = birth->always = deceased->always = TRUE;
  gender->fixed_type = CS_FACT_CATEGORICAL;
  birth->fixed_type = death->fixed_type = CS_FACT_DATE;
  deceased->fixed_type = CS_FACT_BOOLEAN;

  /* A later Patient resource with the same id is a newer version: its
   * demographics win (last in input). */
  for (guint i = 0; i < self->patient_res->len; i++)
    {
      CsPatientRow *p = &g_array_index (self->patient_res, CsPatientRow, i);

      if (p->gender != NULL)
        derived_fact (self, p->resource, gender, CS_FACT_CATEGORICAL, NAN)->level =
          cs_concept_intern_level (gender, p->gender, gender_display (p->gender),
                                   "http://hl7.org/fhir/administrative-gender");
      if (!isnan (p->birth_date))
        derived_fact (self, p->resource, birth, CS_FACT_DATE, p->birth_date);
      /* FHIR: absence of deceased[x] "will be interpreted as alive" by most systems. */
      derived_fact (self, p->resource, deceased, CS_FACT_BOOLEAN, p->deceased == 1 ? 1.0 : 0.0);
      if (!isnan (p->death_date))
        derived_fact (self, p->resource, death, CS_FACT_DATE, p->death_date);
    }
}

/* When the primary condition began (days): onset, else birth + onsetAge, else
 * recordedDate; NAN when none is known. */
static double
condition_start (const CsConditionFact *c,
                 const CsPatientRow    *p)
{
  if (!isnan (c->onset_date))
    return c->onset_date;
  if (!isnan (c->onset_age) && !isnan (p->birth_date))
    return p->birth_date + c->onset_age * 365.25;
  return c->recorded_date;
}

/* TRUE when a is a better primary diagnosis than b: a cancer, active, the
 * earlier (dated before undated), then the smaller system|code, so that the
 * choice never depends on the input order. */
static gboolean
is_better_primary (const CsConditionFact *a,
                   const CsConditionFact *b,
                   const CsPatientRow    *p)
{
  double sa = condition_start (a, p), sb = condition_start (b, p);
  int cmp;

  if (a->is_cancer != b->is_cancer)
    return a->is_cancer;
  if (a->is_active != b->is_active)
    return a->is_active;
  if (isnan (sa) != isnan (sb))
    return !isnan (sa);
  if (!isnan (sa) && sa != sb)
    return sa < sb;
  if ((cmp = g_strcmp0 (a->system, b->system)) != 0)
    return cmp < 0;
  if ((cmp = g_strcmp0 (a->code, b->code)) != 0)
    return cmp < 0;
  return a->resource < b->resource;
}

/* The primary condition of each row (docs/VARIABLES.md): the best of the
 * Conditions that may be a diagnosis; -1 when there is none. */
static void
find_primary_conditions (CsStore *self,
                         gint32  *primary)
{
  for (guint r = 0; r < self->rows->len; r++)
    primary[r] = -1;

  for (guint i = 0; i < self->conditions->len; i++)
    {
      CsConditionFact *c = &g_array_index (self->conditions, CsConditionFact, i);
      int row = g_array_index (self->resources, CsResource, c->resource).row;

      if (row < 0 || !c->is_diagnosis)
        continue;
      if (primary[row] < 0
          || is_better_primary (c, &g_array_index (self->conditions, CsConditionFact, primary[row]),
                                &g_array_index (self->rows, CsPatientRow, row)))
        primary[row] = (gint32) i;
    }
}

static void
add_condition_facts (CsStore *self,
                     gint32  *primary)
{
  CsConcept *diagnosis = NULL;
  CsConcept *age = NULL;

  /* only Conditions of loaded patients: an orphan's code adds no column */
  for (guint i = 0; i < self->conditions->len; i++)
    {
      CsConditionFact *c = &g_array_index (self->conditions, CsConditionFact, i);
      CsConcept *concept = g_ptr_array_index (self->concepts, c->concept);

      if (g_array_index (self->resources, CsResource, c->resource).row >= 0)
        derived_fact (self, c->resource, concept, CS_FACT_BOOLEAN, 1.0)->display = c->display;
    }

  for (guint r = 0; r < self->rows->len; r++)
    {
      CsConditionFact *c;
      CsFact *fact;
      CsPatientRow *p = &g_array_index (self->rows, CsPatientRow, r);
      double years = NAN;

      if (primary[r] < 0)
        continue;
      c = &g_array_index (self->conditions, CsConditionFact, primary[r]);

      if (diagnosis == NULL)
        {
          diagnosis = cs_store_well_known_concept (self, "diagnosis", N_("Diagnosis"), "Condition");
          diagnosis->fixed_type = CS_FACT_CATEGORICAL;
        }
      fact = derived_fact (self, c->resource, diagnosis, CS_FACT_CATEGORICAL, NAN);
      fact->level = cs_concept_intern_level (diagnosis, c->code, c->display, c->system);
      fact->display = c->display;

      if (!isnan (c->onset_age))
        years = c->onset_age;
      else if (!isnan (p->birth_date))
        years = (condition_start (c, p) - p->birth_date) / 365.25;
      if (!isnan (years))
        {
          if (age == NULL)
            {
              age = cs_store_well_known_concept (self, "age_at_diagnosis", N_("Age at diagnosis"), "Condition");
              age->fixed_type = CS_FACT_NUMERIC;
            }
          derived_fact (self, c->resource, age, CS_FACT_NUMERIC, years)->unit =
            g_string_chunk_insert_const (self->strings, "a");
        }
    }
}

static void
add_imaging_facts (CsStore *self)
{
  g_autofree guint *counts = g_new0 (guint, MAX (self->rows->len, 1));
  CsConcept *concept;
  gboolean any = FALSE;

  for (guint i = 0; i < self->resources->len; i++)
    {
      CsResource *res = &g_array_index (self->resources, CsResource, i);

      if (res->row >= 0 && g_str_equal (res->type, "ImagingStudy"))
        {
          counts[res->row]++;
          any = TRUE;
        }
    }
  if (!any)
    return;

  concept = cs_store_well_known_concept (self, "n_imaging_studies", N_("Number of imaging studies"), "Imaging");
  concept->fixed_type = CS_FACT_NUMERIC;
  /* every patient gets a count, 0 included */
  for (guint r = 0; r < self->rows->len; r++)
    derived_fact (self, g_array_index (self->rows, CsPatientRow, r).resource, concept,
                  CS_FACT_NUMERIC, counts[r])->unit = g_string_chunk_insert_const (self->strings, "");
}

/* ---------------------------------------------------------------- columns */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static CsVariable *
variable_new (CsStore        *self,
              CsConcept      *concept,
              CsVariableType  type,
              const char     *unit)
{
  CsVariable *var = g_new0 (CsVariable, 1);
  guint n_rows = self->rows->len;

  var->label = g_strdup (concept->label);
  var->type = type;
  var->unit = g_strdup (unit != NULL && *unit != '\0' ? unit : NULL);
  var->codes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < concept->codes->len; i++)
    g_ptr_array_add (var->codes, g_strdup (g_ptr_array_index (concept->codes, i)));
  /* in the order they were seen: sorted, to be the same in any input order */
  g_ptr_array_sort (var->codes, compare_strings);
  var->group = g_strdup (concept->group);
  var->n_rows = n_rows;
  if (type == CS_VARIABLE_CATEGORICAL)
    {
      var->cat = g_new (gint32, MAX (n_rows, 1));
      for (guint r = 0; r < n_rows; r++)
        var->cat[r] = -1;
      var->levels = g_ptr_array_new ();
    }
  else
    {
      var->num = g_new (double, MAX (n_rows, 1));
      for (guint r = 0; r < n_rows; r++)
        var->num[r] = NAN;
    }
  if (type == CS_VARIABLE_SURVIVAL)
    var->event = g_new0 (guint8, MAX (n_rows, 1));

  return var;
}

static gboolean
is_later_or_same (double current,
                  double candidate)
{
  if (isnan (candidate))
    return isnan (current);
  if (isnan (current))
    return TRUE;
  return candidate >= current;
}

static CsFactKind
choose_kind (CsConcept *concept)
{
  if (concept->fixed_type >= 0)
    return (CsFactKind) concept->fixed_type;
  /* numeric > date > boolean > categorical */
  for (int k = CS_FACT_NUMERIC; k < CS_FACT_N_KINDS; k++)
    {
      if (concept->n_kind[k] > 0)
        return (CsFactKind) k;
    }
  return CS_FACT_N_KINDS;
}

static const char *
choose_unit (CsConcept *concept,
             GArray    *facts)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_direct_hash, g_direct_equal);
  const char *best = NULL;
  guint best_n = 0;

  for (guint i = 0; i < concept->facts->len; i++)
    {
      CsFact *fact = &g_array_index (facts, CsFact, g_array_index (concept->facts, guint32, i));
      guint n;

      if (fact->kind != CS_FACT_NUMERIC)
        continue;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, fact->unit)) + 1;
      g_hash_table_insert (counts, (gpointer) fact->unit, GUINT_TO_POINTER (n));
      if (n > best_n)
        {
          best = fact->unit;
          best_n = n;
        }
    }
  return best;
}

static CsVariableType
kind_to_type (CsFactKind kind)
{
  switch (kind)
    {
    case CS_FACT_NUMERIC:
      return CS_VARIABLE_NUMERIC;
    case CS_FACT_DATE:
      return CS_VARIABLE_DATE;
    case CS_FACT_BOOLEAN:
      return CS_VARIABLE_BOOLEAN;
    case CS_FACT_CATEGORICAL:
    case CS_FACT_N_KINDS:
    case CS_FACT_UNSUPPORTED:
    case CS_FACT_NO_TIME_UNIT:
    default:
      return CS_VARIABLE_CATEGORICAL;
    }
}

static inline gboolean
fact_usable (CsStore    *self,
             CsFact     *fact,
             CsFactKind  kind,
             const char *unit)
{
  if (fact->kind != kind)
    return FALSE;
  if (kind == CS_FACT_NUMERIC && fact->unit != unit)
    return FALSE;
  return g_array_index (self->resources, CsResource, fact->resource).row >= 0;
}

/* Whether the candidate value replaces the best one so far: the later wins
 * (dated before undated); on the same date the last in input, except in
 * staging variables, where the more advanced category wins, then the
 * smaller code (byte order), whatever the input order. */
static gboolean
fact_replaces (CsConcept    *concept,
               const CsFact *best,
               const CsFact *candidate)
{
  const CsLevel *a, *b;
  double ra, rb;

  if (isnan (best->time) != isnan (candidate->time))
    return isnan (best->time);
  if (!isnan (best->time) && best->time != candidate->time)
    return candidate->time > best->time;
  if (!concept->is_staging || candidate->kind != CS_FACT_CATEGORICAL || candidate->level == best->level)
    return TRUE;

  a = g_ptr_array_index (concept->levels, candidate->level);
  b = g_ptr_array_index (concept->levels, best->level);
  ra = cs_level_stage_rank (a);
  rb = cs_level_stage_rank (b);
  if (isnan (ra) != isnan (rb))
    return isnan (rb);
  if (!isnan (ra) && ra != rb)
    return ra > rb;
  return strcmp (a->code, b->code) < 0;
}

/* Latest value per row (fact_replaces). */
static void
fill_latest (CsStore    *self,
             CsVariable *var,
             CsConcept  *concept,
             CsFactKind  kind,
             const char *unit)
{
  g_autofree gint32 *best = g_new (gint32, MAX (var->n_rows, 1));

  for (guint r = 0; r < var->n_rows; r++)
    best[r] = -1;

  for (guint i = 0; i < concept->facts->len; i++)
    {
      guint32 fi = g_array_index (concept->facts, guint32, i);
      CsFact *fact = &g_array_index (self->facts, CsFact, fi);
      int row;

      if (!fact_usable (self, fact, kind, unit))
        continue;
      row = g_array_index (self->resources, CsResource, fact->resource).row;
      if (best[row] < 0 || fact_replaces (concept, &g_array_index (self->facts, CsFact, best[row]), fact))
        best[row] = (gint32) fi;
    }

  for (guint r = 0; r < var->n_rows; r++)
    {
      CsFact *fact;

      if (best[r] < 0)
        continue;
      fact = &g_array_index (self->facts, CsFact, best[r]);
      if (kind == CS_FACT_CATEGORICAL)
        var->cat[r] = fact->level;
      else
        var->num[r] = fact->value;
    }
}

typedef struct
{
  guint32 row;
  guint32 lesion;
  guint32 fact;
} LesionValue;

static int
compare_lesion_value (gconstpointer a,
                      gconstpointer b)
{
  const LesionValue *x = a, *y = b;

  if (x->row != y->row)
    return x->row < y->row ? -1 : 1;
  if (x->lesion != y->lesion)
    return x->lesion < y->lesion ? -1 : 1;
  return x->fact < y->fact ? -1 : x->fact > y->fact;
}

/* Per (row, lesion) the latest fact, sorted by row then lesion. */
static GArray *
latest_per_lesion (CsStore    *self,
                   CsConcept  *concept,
                   const char *unit)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (LesionValue));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LesionValue));

  for (guint i = 0; i < concept->facts->len; i++)
    {
      guint32 fi = g_array_index (concept->facts, guint32, i);
      CsFact *fact = &g_array_index (self->facts, CsFact, fi);
      LesionValue v;

      if (!fact_usable (self, fact, CS_FACT_NUMERIC, unit))
        continue;
      v.row = (guint32) g_array_index (self->resources, CsResource, fact->resource).row;
      v.lesion = fact->lesion;
      v.fact = fi;
      g_array_append_val (all, v);
    }
  g_array_sort (all, compare_lesion_value);

  for (guint i = 0; i < all->len; i++)
    {
      LesionValue *v = &g_array_index (all, LesionValue, i);
      LesionValue *last = out->len > 0 ? &g_array_index (out, LesionValue, out->len - 1) : NULL;

      if (last != NULL && last->row == v->row && last->lesion == v->lesion)
        {
          if (is_later_or_same (g_array_index (self->facts, CsFact, last->fact).time,
                                g_array_index (self->facts, CsFact, v->fact).time))
            last->fact = v->fact;
        }
      else
        g_array_append_val (out, *v);
    }
  return out;
}

static CsConcept *
volume_concept (CsStore *self)
{
  CsConcept *best = NULL;

  for (guint i = 0; i < self->concepts->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);

      if (!concept->is_volume || concept->variable == NULL
          || concept->variable->type != CS_VARIABLE_NUMERIC)
        continue;
      if (best == NULL
          || (strstr (concept->id, "MeshVolume") != NULL && strstr (best->id, "MeshVolume") == NULL))
        best = concept;
    }
  return best;
}

/* Recomputes num[] of the radiomics numeric variables for self->rollup. */
void
cs_store_apply_rollup (CsStore *self)
{
  g_autofree guint32 *largest = NULL;
  CsConcept *volume = NULL;

  if (self->rollup == CS_ROLLUP_LARGEST_LESION && (volume = volume_concept (self)) != NULL)
    {
      g_autoptr(GArray) values = latest_per_lesion (self, volume, volume->unit);
      g_autofree double *max = g_new (double, MAX (self->rows->len, 1));

      largest = g_new (guint32, MAX (self->rows->len, 1));
      for (guint r = 0; r < self->rows->len; r++)
        {
          largest[r] = G_MAXUINT32;
          max[r] = NAN;
        }
      for (guint i = 0; i < values->len; i++)
        {
          LesionValue *v = &g_array_index (values, LesionValue, i);
          double value = g_array_index (self->facts, CsFact, v->fact).value;

          if (isnan (max[v->row]) || value > max[v->row])
            {
              max[v->row] = value;
              largest[v->row] = v->lesion;
            }
        }
    }

  for (guint i = 0; i < self->concepts->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);
      CsVariable *var = concept->variable;
      g_autoptr(GArray) values = NULL;
      g_autofree double *sum = NULL;
      g_autofree guint *count = NULL;

      if (var == NULL || !concept->is_radiomics || var->type != CS_VARIABLE_NUMERIC)
        continue;

      for (guint r = 0; r < var->n_rows; r++)
        var->num[r] = NAN;

      if (self->rollup == CS_ROLLUP_LATEST)
        fill_latest (self, var, concept, CS_FACT_NUMERIC, concept->unit);
      else if (self->rollup == CS_ROLLUP_LARGEST_LESION)
        {
          if (largest == NULL)
            goto count_n;
          values = latest_per_lesion (self, concept, concept->unit);
          for (guint k = 0; k < values->len; k++)
            {
              LesionValue *v = &g_array_index (values, LesionValue, k);

              if (largest[v->row] == v->lesion)
                var->num[v->row] = g_array_index (self->facts, CsFact, v->fact).value;
            }
        }
      else
        {
          values = latest_per_lesion (self, concept, concept->unit);
          sum = g_new0 (double, MAX (var->n_rows, 1));
          count = g_new0 (guint, MAX (var->n_rows, 1));
          for (guint k = 0; k < values->len; k++)
            {
              LesionValue *v = &g_array_index (values, LesionValue, k);
              double value = g_array_index (self->facts, CsFact, v->fact).value;

              if (self->rollup == CS_ROLLUP_MAX)
                sum[v->row] = count[v->row] == 0 ? value : MAX (sum[v->row], value);
              else
                sum[v->row] += value;
              count[v->row]++;
            }
          for (guint r = 0; r < var->n_rows; r++)
            {
              if (count[r] == 0)
                continue;
              switch (self->rollup)
                {
                case CS_ROLLUP_MEAN:
                  var->num[r] = sum[r] / count[r];
                  break;
                case CS_ROLLUP_COUNT:
                  var->num[r] = count[r];
                  break;
                case CS_ROLLUP_MAX:
                case CS_ROLLUP_SUM:
                case CS_ROLLUP_LATEST:
                case CS_ROLLUP_LARGEST_LESION:
                default:
                  var->num[r] = sum[r];
                  break;
                }
            }
        }

    count_n:
      var->n = 0;
      for (guint r = 0; r < var->n_rows; r++)
        var->n += !isnan (var->num[r]);
      g_clear_pointer (&var->unit, g_free);
      if (self->rollup != CS_ROLLUP_COUNT && concept->unit != NULL && *concept->unit != '\0')
        var->unit = g_strdup (concept->unit);
    }
}

static void
finish_levels (CsStore    *self,
               CsVariable *var,
               CsConcept  *concept)
{
  g_autofree const char **displays = cs_store_vote_level_displays (self, concept);
  g_autofree int *map = g_new (int, MAX (concept->levels->len, 1));
  g_autofree guint *counts = g_new0 (guint, MAX (concept->levels->len, 1));
  g_autoptr(GPtrArray) used = g_ptr_array_new ();

  for (guint r = 0; r < var->n_rows; r++)
    {
      if (var->cat[r] >= 0)
        counts[var->cat[r]]++;
    }
  for (guint i = 0; i < concept->levels->len; i++)
    {
      if (counts[i] > 0)
        g_ptr_array_add (used, GUINT_TO_POINTER (i + 1));
    }
  /* sort level indices by code */
  for (guint i = 1; i < used->len; i++)
    {
      gpointer item = g_ptr_array_index (used, i);
      const CsLevel *level = g_ptr_array_index (concept->levels, GPOINTER_TO_UINT (item) - 1);
      guint j = i;

      while (j > 0)
        {
          const CsLevel *prev = g_ptr_array_index (concept->levels,
                                                   GPOINTER_TO_UINT (g_ptr_array_index (used, j - 1)) - 1);
          if (strcmp (prev->code, level->code) <= 0)
            break;
          used->pdata[j] = used->pdata[j - 1];
          j--;
        }
      used->pdata[j] = item;
    }
  for (guint i = 0; i < concept->levels->len; i++)
    map[i] = -1;
  for (guint i = 0; i < used->len; i++)
    {
      guint old = GPOINTER_TO_UINT (g_ptr_array_index (used, i)) - 1;
      const CsLevel *src = g_ptr_array_index (concept->levels, old);
      CsLevel *level = g_new0 (CsLevel, 1);

      level->code = g_strdup (src->code);
      level->display = g_strdup (displays[old] != NULL ? displays[old] : src->display);
      level->system = g_strdup (src->system);
      level->n = counts[old];
      g_ptr_array_add (var->levels, level);
      map[old] = (int) i;
    }
  for (guint r = 0; r < var->n_rows; r++)
    {
      if (var->cat[r] >= 0)
        var->cat[r] = map[var->cat[r]];
    }
}

/* Values that give nothing (of loaded patients only). */
static void
warn_skipped (CsStore   *self,
              CsConcept *concept)
{
  const char *code = concept->codes->len > 0 ? g_ptr_array_index (concept->codes, 0) : concept->id;

  if (concept->n_unsupported > 0)
    cs_store_add_warning (self, CS_STORE_WARNING_VALUES_SKIPPED, _("“%s” (%s): %u values of an unsupported type (such as valueRatio or valueRange) were skipped"),
                          concept->label, code, concept->n_unsupported);
  if (concept->n_bad_unit > 0)
    cs_store_add_warning (self, CS_STORE_WARNING_VALUES_SKIPPED, _("“%s” (%s): %u values without a time unit (d, wk, mo, a) were skipped"),
                          concept->label, code, concept->n_bad_unit);
}

static CsVariable *
build_concept_variable (CsStore   *self,
                        CsConcept *concept)
{
  CsFactKind kind = choose_kind (concept);
  CsVariable *var;

  warn_skipped (self, concept);
  if (kind == CS_FACT_N_KINDS)
    {
      if (!concept->always)
        return NULL;
      kind = CS_FACT_CATEGORICAL;
    }
  if (kind == CS_FACT_NUMERIC)
    concept->unit = choose_unit (concept, self->facts);

  var = variable_new (self, concept, kind_to_type (kind), concept->unit);
  fill_latest (self, var, concept, kind, concept->unit);

  if (concept->is_condition)
    {
      for (guint r = 0; r < var->n_rows; r++)
        {
          if (isnan (var->num[r]))
            var->num[r] = 0.0;
        }
    }
  if (kind == CS_FACT_CATEGORICAL)
    finish_levels (self, var, concept);

  for (guint r = 0; r < var->n_rows; r++)
    var->n += !cs_variable_is_missing (var, r);

  if (var->n == 0 && !concept->always)
    {
      cs_variable_free (var);
      return NULL;
    }
  return var;
}

/* ---------------------------------------------------------------- survival */

gint8
cs_store_vital_status_event (const CsLevel *level)
{
  if (level == NULL)
    return -1;
  if (g_strcmp0 (level->code, "419099009") == 0 || contains_word (level->code, "dead")
      || contains_word (level->display, "dead") || contains_word (level->display, "deceased")
      || contains_word (level->display, "died") || contains_word (level->code, "deceased"))
    return 1;
  if (g_strcmp0 (level->code, "438949009") == 0 || contains_word (level->code, "alive")
      || contains_word (level->display, "alive") || contains_word (level->display, "living"))
    return 0;
  return -1;
}

static void
build_survival (CsStore *self,
                gint32  *primary)
{
  CsVariable *time_var = g_hash_table_lookup (self->var_index, "survival_time");
  CsVariable *vital = g_hash_table_lookup (self->var_index, "vital_status");
  CsVariable *deceased = g_hash_table_lookup (self->var_index, "deceased");
  CsConcept *concept;
  CsVariable *var;
  guint n_negative = 0;
  guint n_clamped = 0;
  double load_date = !isnan (self->load_time) ? self->load_time : g_get_real_time () / (86400.0 * G_USEC_PER_SEC);

  self->load_time = load_date;   /* kept: cs_store_explain_cell() says when follow-up was clamped */

  concept = cs_store_well_known_concept (self, "os", N_("Overall survival"), "Survival");
  var = variable_new (self, concept, CS_VARIABLE_SURVIVAL, "d");

  for (guint r = 0; r < var->n_rows; r++)
    {
      CsPatientRow *p = &g_array_index (self->rows, CsPatientRow, r);
      gint8 event = -1;
      double time = NAN;

      if (vital != NULL)
        event = cs_store_vital_status_event (cs_variable_get_level (vital, r));
      if (event < 0 && deceased != NULL && !cs_variable_is_missing (deceased, r))
        event = deceased->num[r] != 0.0;
      if (event < 0)
        event = 0;

      if (time_var != NULL && !cs_variable_is_missing (time_var, r))
        time = time_var->num[r];
      else if (primary[r] >= 0)
        {
          CsConditionFact *c = &g_array_index (self->conditions, CsConditionFact, primary[r]);
          double start = condition_start (c, p);
          double end = NAN;

          if (event)
            end = p->death_date;
          else
            {
              GArray *resources = g_ptr_array_index (self->row_resources, r);

              for (guint i = 0; i < resources->len; i++)
                {
                  CsResource *res = &g_array_index (self->resources, CsResource, g_array_index (resources, guint, i));

                  if (!isnan (res->event_date) && (isnan (end) || res->event_date > end))
                    end = res->event_date;
                }
              /* follow-up cannot reach past the day the data were loaded */
              if (end > load_date)
                {
                  end = load_date;
                  n_clamped++;
                }
            }
          /* whole seconds: dates are exact in seconds, their difference in days is not */
          time = round ((end - start) * 86400.0) / 86400.0;
          if (time < 0)
            {
              n_negative++;
              time = NAN;
            }
        }

      if (!isnan (time))
        {
          var->num[r] = time;
          var->event[r] = (guint8) event;
          var->n++;
        }
    }

  if (n_negative > 0)
    cs_store_add_warning (self, CS_STORE_WARNING_SURVIVAL, _("Overall survival: %u patients have a diagnosis date after their last date; their survival is missing"),
                          n_negative);
  if (n_clamped > 0)
    {
      char date[32];

      cs_date_format_buf (load_date, date);
      cs_store_add_warning (self, CS_STORE_WARNING_SURVIVAL,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Overall survival: %u patient has clinical dates after the load date (%s); follow-up ends at the load date",
                                         "Overall survival: %u patients have clinical dates after the load date (%s); follow-up ends at the load date",
                                         n_clamped),
                            n_clamped, date);
    }

  if (var->n == 0)
    {
      cs_variable_free (var);
      return;
    }
  var->key = g_strdup ("os");
  concept->variable = var;
  g_ptr_array_add (self->variables, var);
  g_hash_table_insert (self->var_index, var->key, var);
}

/* ---------------------------------------------------------------- keys and order */

static guint
group_rank (const char *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (group_order); i++)
    {
      if (g_strcmp0 (group, group_order[i]) == 0)
        return i;
    }
  return G_N_ELEMENTS (group_order);
}

static int
compare_variables (gconstpointer a,
                   gconstpointer b)
{
  const CsVariable *x = *(const CsVariable * const *) a;
  const CsVariable *y = *(const CsVariable * const *) b;
  guint gx = group_rank (x->group), gy = group_rank (y->group);

  if (gx != gy)
    return gx < gy ? -1 : 1;
  return strcmp (x->key, y->key);
}

static void
build_variables (CsStore *self)
{
  gint32 *primary = self->primary = g_new (gint32, MAX (self->rows->len, 1));
  g_autoptr(GPtrArray) built = g_ptr_array_new ();
  guint n_concepts;

  add_patient_facts (self);
  find_primary_conditions (self, primary);
  add_condition_facts (self, primary);
  add_imaging_facts (self);

  /* each concept's values, of loaded patients only: resources whose patient
   * is not in the sources give no values, no columns and no votes */
  for (guint i = 0; i < self->concepts->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);

      concept->facts = g_array_new (FALSE, FALSE, sizeof (guint32));
      memset (concept->n_kind, 0, sizeof concept->n_kind);
      concept->n_unsupported = concept->n_bad_unit = 0;
    }
  for (guint i = 0; i < self->facts->len; i++)
    {
      CsFact *fact = &g_array_index (self->facts, CsFact, i);
      CsConcept *concept = g_ptr_array_index (self->concepts, fact->concept);
      guint32 index = i;

      if (g_array_index (self->resources, CsResource, fact->resource).row < 0)
        continue;
      if (fact->kind == CS_FACT_UNSUPPORTED)
        concept->n_unsupported++;
      else if (fact->kind == CS_FACT_NO_TIME_UNIT)
        concept->n_bad_unit++;
      else
        {
          concept->n_kind[fact->kind]++;
          g_array_append_val (concept->facts, index);
        }
    }

  /* names first (children take their parent's), then one concept per type
   * and unit; children are appended to the concepts */
  n_concepts = self->concepts->len;
  for (guint i = 0; i < n_concepts; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);

      cs_store_vote_names (self, concept);
      cs_store_split_concept (self, concept);
    }

  self->variables = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_variable_free);
  self->var_index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->concepts->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);

      if ((concept->variable = build_concept_variable (self, concept)) != NULL)
        g_ptr_array_add (built, concept);
    }
  cs_store_assign_keys (self, built);
  for (guint i = 0; i < built->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (built, i);

      g_ptr_array_add (self->variables, concept->variable);
      g_hash_table_insert (self->var_index, concept->variable->key, concept->variable);
      if (concept->parent != NULL)
        cs_store_warn_split (self, concept);
    }

  if (self->rollup != CS_ROLLUP_LATEST)
    cs_store_apply_rollup (self);

  build_survival (self, primary);
  cs_variables_make_labels_unique ((CsVariable **) self->variables->pdata, self->variables->len);

  g_ptr_array_sort (self->variables, compare_variables);
}

void
cs_store_build (CsStore *self)
{
  GHashTableIter iter;
  gpointer key;

  build_rows (self);
  resolve_lesions (self);
  build_variables (self);

  g_clear_pointer (&self->type_names, g_ptr_array_unref);
  self->type_names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->types);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (self->type_names, key);
  g_ptr_array_sort (self->type_names, compare_strings);
}
