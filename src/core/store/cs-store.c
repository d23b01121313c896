/* cs-store.c: resource index, fact extraction and loading
 *
 * While loading, each resource leaves only compact facts behind (type, id,
 * patient reference, where its bytes are, and the values the table needs);
 * its JSON is re-read from the source on demand. cs_store_finish() (in
 * cs-store-build.c) resolves references and builds the columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"

#define SNOMED "http://snomed.info/sct"
#define LOINC  "http://loinc.org"
#define UCUM   "http://unitsofmeasure.org"
#define MCODE_HISTOLOGY "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"

G_DEFINE_TYPE (CsStore, cs_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-store-error-quark, cs_store_error)

typedef struct
{
  const char *system;
  const char *code;
  const char *key;
  const char *label;
  const char *group;
} CsWellKnown;

/* Documented in docs/VARIABLES.md: keep both in step. */
static const CsWellKnown well_known[] = {
  { LOINC,  "72166-2",   "smoking_status", N_("Smoking status"),  "Observation" },
  /* clinical staging keeps the keys it had before pathological staging was
   * told apart (saved cohorts use them); pathological staging has a p */
  { SNOMED, "399537006", "stage_group",    N_("Clinical stage group"),     "Observation" },
  { LOINC,  "21908-9",   "stage_group",    N_("Clinical stage group"),     "Observation" },
  { SNOMED, "399588009", "p_stage_group",  N_("Pathological stage group"), "Observation" },
  { LOINC,  "21902-2",   "p_stage_group",  N_("Pathological stage group"), "Observation" },
  { SNOMED, "399504009", "t_stage",        N_("Clinical T category"),      "Observation" },
  { LOINC,  "21905-5",   "t_stage",        N_("Clinical T category"),      "Observation" },
  { SNOMED, "384625004", "pt_stage",       N_("Pathological T category"),  "Observation" },
  { LOINC,  "21899-0",   "pt_stage",       N_("Pathological T category"),  "Observation" },
  { SNOMED, "399534004", "n_stage",        N_("Clinical N category"),      "Observation" },
  { LOINC,  "21906-3",   "n_stage",        N_("Clinical N category"),      "Observation" },
  { SNOMED, "371494008", "pn_stage",       N_("Pathological N category"),  "Observation" },
  { LOINC,  "21900-6",   "pn_stage",       N_("Pathological N category"),  "Observation" },
  { SNOMED, "399387003", "m_stage",        N_("Clinical M category"),      "Observation" },
  { LOINC,  "21907-1",   "m_stage",        N_("Clinical M category"),      "Observation" },
  { SNOMED, "371497001", "pm_stage",       N_("Pathological M category"),  "Observation" },
  { LOINC,  "21901-4",   "pm_stage",       N_("Pathological M category"),  "Observation" },
  { SNOMED, "445320007", "survival_time",  N_("Survival time"),   "Survival" },
  { LOINC,  "75186-7",   "vital_status",   N_("Vital status"),    "Survival" },
  { LOINC,  "31205-8",   "histology",      N_("Histology"),       "Condition" },
};

/* Keys of the built-in variables (cs-store-build.c and the Condition and
 * imaging rules below): reserved with the well-known ones. */
static const char *const builtin_keys[] = {
  "patient", "gender", "birth_date", "deceased", "death_date", "diagnosis", "age_at_diagnosis", "stage",
  "histology", "imaging_modality", "study_date", "n_imaging_studies", "os",
};

/* ---------------------------------------------------------------- GObject */

static void
cs_concept_free (gpointer data)
{
  CsConcept *concept = data;

  g_free (concept->id);
  g_free (concept->key_hint);
  g_free (concept->label);
  g_free (concept->key_suffix);
  g_clear_pointer (&concept->hints, g_array_unref);
  g_clear_pointer (&concept->hint_index, g_hash_table_unref);
  g_clear_pointer (&concept->code_set, g_hash_table_unref);
  g_clear_pointer (&concept->codes, g_ptr_array_unref);
  g_clear_pointer (&concept->level_index, g_hash_table_unref);
  g_clear_pointer (&concept->levels, g_ptr_array_unref);
  g_clear_pointer (&concept->units, g_hash_table_unref);
  g_clear_pointer (&concept->facts, g_array_unref);
  g_free (concept);
}

static void
cs_source_free (gpointer data)
{
  CsSource *source = data;

  g_free (source->path);
  g_free (source);
}

static void
cs_store_finalize (GObject *object)
{
  CsStore *self = (CsStore *)object;

  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->types, g_hash_table_unref);
  g_clear_pointer (&self->resources, g_array_unref);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->source_index, g_hash_table_unref);
  cs_spill_clear (&self->spill);
  g_clear_pointer (&self->patient_res, g_array_unref);
  g_clear_pointer (&self->facts, g_array_unref);
  g_clear_pointer (&self->concept_index, g_hash_table_unref);
  g_clear_pointer (&self->concepts, g_ptr_array_unref);
  g_clear_pointer (&self->conditions, g_array_unref);
  g_clear_pointer (&self->study_uids, g_array_unref);
  g_clear_pointer (&self->members, g_array_unref);
  g_clear_pointer (&self->lesions, g_hash_table_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->warning_kinds, g_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->row_index, g_hash_table_unref);
  g_clear_pointer (&self->row_resources, g_ptr_array_unref);
  g_clear_pointer (&self->primary, g_free);
  g_clear_pointer (&self->row_uids, g_ptr_array_unref);
  g_clear_pointer (&self->var_index, g_hash_table_unref);
  g_clear_pointer (&self->variables, g_ptr_array_unref);
  g_clear_pointer (&self->type_names, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_store_parent_class)->finalize (object);
}

static void
cs_store_class_init (CsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_store_finalize;

  /* variable-added (guint index): a derived variable joined the finished
   * table at index (cs-store-derived.c), on the thread that added it */
  g_signal_new ("variable-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
cs_store_init (CsStore *self)
{
  self->strings = g_string_chunk_new (64 * 1024);
  self->types = g_hash_table_new (g_str_hash, g_str_equal);
  self->resources = g_array_new (FALSE, FALSE, sizeof (CsResource));
  self->sources = g_ptr_array_new_with_free_func (cs_source_free);
  self->source_index = g_hash_table_new (g_str_hash, g_str_equal);
  cs_spill_init (&self->spill);
  self->last_source = G_MAXUINT32;
  self->patient_res = g_array_new (FALSE, FALSE, sizeof (CsPatientRow));
  self->facts = g_array_new (FALSE, FALSE, sizeof (CsFact));
  self->concepts = g_ptr_array_new_with_free_func (cs_concept_free);
  self->concept_index = g_hash_table_new (cs_str_hash, g_str_equal);
  self->conditions = g_array_new (FALSE, FALSE, sizeof (CsConditionFact));
  self->study_uids = g_array_new (FALSE, FALSE, sizeof (CsStudyUid));
  self->members = g_array_new (FALSE, FALSE, sizeof (CsMemberLink));
  self->lesions = g_hash_table_new (g_str_hash, g_str_equal);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->warning_kinds = g_array_new (FALSE, FALSE, sizeof (CsStoreWarningKind));
  self->rollup = CS_ROLLUP_LATEST;
  self->load_time = NAN;
}

CsStore *
cs_store_new (void)
{
  return g_object_new (CS_TYPE_STORE, NULL);
}

void
cs_store_add_warning (CsStore            *self,
                      CsStoreWarningKind  kind,
                      const char         *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
  g_array_append_val (self->warning_kinds, kind);
}

CsStoreWarningKind
cs_store_get_warning_kind (CsStore *self,
                           guint    index)
{
  g_return_val_if_fail (CS_IS_STORE (self), CS_STORE_WARNING_OTHER);
  g_return_val_if_fail (index < self->warning_kinds->len, CS_STORE_WARNING_OTHER);

  return g_array_index (self->warning_kinds, CsStoreWarningKind, index);
}

const char *
cs_store_warning_kind_label (CsStoreWarningKind kind)
{
  switch (kind)
    {
    case CS_STORE_WARNING_FILE_SKIPPED:
      return _("Files skipped");
    case CS_STORE_WARNING_VALUES_SKIPPED:
      return _("Values skipped");
    case CS_STORE_WARNING_SECOND_UNIT:
      return _("Values in a second unit or type");
    case CS_STORE_WARNING_ABSENT_PATIENT:
      return _("Resources of absent patients");
    case CS_STORE_WARNING_SURVIVAL:
      return _("Survival");
    case CS_STORE_WARNING_OTHER:
    case CS_STORE_N_WARNING_KINDS:
    default:
      return _("Other warnings");
    }
}

GPtrArray *
cs_store_get_warnings (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return self->warnings;
}

/* ---------------------------------------------------------------- helpers */

/* Types, units, genders and codes repeat from one resource to the next: a
 * few recent ones are checked before the string chunk's hash table. */
static const char *
intern (CsStore    *self,
        const char *str)
{
  const char **slot;

  if (str == NULL)
    return NULL;
  slot = &self->recent[((guchar) str[0] ^ (str[0] != '\0' ? (guchar) str[1] : 0u)) % G_N_ELEMENTS (self->recent)];
  if (*slot == NULL || strcmp (*slot, str) != 0)
    *slot = g_string_chunk_insert_const (self->strings, str);
  return *slot;
}

static const char *
copy (CsStore    *self,
      const char *str)
{
  if (str == NULL)
    return NULL;
  return g_string_chunk_insert (self->strings, str);
}

static const CsJsonNode *
child_first (const CsJsonNode *node)
{
  if (node == NULL || (node->type != CS_JSON_ARRAY && node->type != CS_JSON_OBJECT))
    return NULL;
  return node->v.first_child;
}

/* An element that may be an array (take its first element) or a single object. */
static const CsJsonNode *
first_of (const CsJsonNode *node)
{
  if (node != NULL && node->type == CS_JSON_ARRAY)
    return node->v.first_child;
  return node;
}

static const char *
nonempty (const char *str)
{
  return str != NULL && *str != '\0' ? str : NULL;
}

/* The first coding of a CodeableConcept that has a code. */
static const CsJsonNode *
first_coding (const CsJsonNode *codeable)
{
  for (const CsJsonNode *c = child_first (cs_json_get (codeable, "coding")); c != NULL; c = c->next)
    {
      if (nonempty (cs_json_get_string (c, "code")) != NULL)
        return c;
    }
  return NULL;
}

static gboolean
get_date (const CsJsonNode *object,
          const char       *key,
          double           *out_days)
{
  return cs_date_parse (cs_json_get_string (object, key), out_days);
}

static void
update_max (double *max,
            double  value)
{
  if (isnan (*max) || value > *max)
    *max = value;
}

/* Follow-up (docs/VARIABLES.md, "Survival"): the dates at which something
 * was done to or observed on the patient, by resource type. An element is a
 * date, or a Period (its start and end); "a.b" looks inside a backbone
 * element. Types not listed (orders, plans, claims, coverage, devices,
 * documents, the Patient itself …) and elements not listed (expiry,
 * validity, billing, created, meta.lastUpdated …) never extend follow-up. */
typedef struct
{
  const char        *type;
  const char *const *elements;
} CsEventDates;

static const char *const encounter_dates[] = { "period", NULL };
static const char *const observation_dates[] = { "effectiveDateTime", "effectiveInstant", "effectivePeriod", "issued", NULL };
static const char *const procedure_dates[] = { "performedDateTime", "performedPeriod", NULL };
static const char *const condition_dates[] = {
  "onsetDateTime", "onsetPeriod", "recordedDate", "abatementDateTime", "abatementPeriod", NULL
};
static const char *const administration_dates[] = { "effectiveDateTime", "effectivePeriod", NULL };
static const char *const report_dates[] = { "effectiveDateTime", "effectivePeriod", "issued", NULL };
static const char *const imaging_dates[] = { "started", NULL };
static const char *const immunization_dates[] = { "occurrenceDateTime", NULL };
static const char *const allergy_dates[] = { "onsetDateTime", "onsetPeriod", "recordedDate", "lastOccurrence", NULL };
static const char *const specimen_dates[] = { "collection.collectedDateTime", "collection.collectedPeriod", NULL };

static const CsEventDates event_dates[] = {
  { "Encounter",                encounter_dates },
  { "Observation",              observation_dates },
  { "Procedure",                procedure_dates },
  { "Condition",                condition_dates },
  { "MedicationAdministration", administration_dates },
  { "DiagnosticReport",         report_dates },
  { "ImagingStudy",             imaging_dates },
  { "Immunization",             immunization_dates },
  { "AllergyIntolerance",       allergy_dates },
  { "Specimen",                 specimen_dates },
};

/* Statuses of resources that record no event: it did not happen (yet), or
 * the record is wrong. */
static gboolean
is_non_event_status (const char *status)
{
  static const char *const statuses[] = { "entered-in-error", "cancelled", "planned", "not-done", "draft" };

  if (status == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      if (g_str_equal (status, statuses[i]))
        return TRUE;
    }
  return FALSE;
}

/* The latest clinical event date of a resource (days), NAN when it has none. */
static double
clinical_event_date (const char       *type,
                     const CsJsonNode *resource)
{
  const char *const *elements = NULL;
  double last = NAN;
  double days;

  for (guint i = 0; i < G_N_ELEMENTS (event_dates); i++)
    {
      if (type[0] == event_dates[i].type[0] && g_str_equal (type, event_dates[i].type))
        {
          elements = event_dates[i].elements;
          break;
        }
    }
  if (elements == NULL)
    return NAN;

  if (is_non_event_status (cs_json_get_string (resource, "status"))
      || g_strcmp0 (cs_json_get_string (first_coding (cs_json_get (resource, "verificationStatus")), "code"),
                    "entered-in-error") == 0)
    return NAN;

  for (guint i = 0; elements[i] != NULL; i++)
    {
      const CsJsonNode *node = strchr (elements[i], '.') != NULL ? cs_json_get_path (resource, elements[i])
                                                                 : cs_json_get (resource, elements[i]);

      if (node == NULL)
        continue;
      if (node->type == CS_JSON_STRING)
        {
          if (cs_date_parse (node->v.string.str, &days))
            update_max (&last, days);
        }
      else if (node->type == CS_JSON_OBJECT)
        {
          if (get_date (node, "start", &days))
            update_max (&last, days);
          if (get_date (node, "end", &days))
            update_max (&last, days);
        }
    }
  return last;
}

static const char *
reference_of (const CsJsonNode *resource,
              const char       *key)
{
  return nonempty (cs_json_get_string (first_of (cs_json_get (resource, key)), "reference"));
}

/* needle is lower case */
static gboolean
contains_ci (const char *haystack,
             const char *needle)
{
  gsize n = strlen (needle);

  if (haystack == NULL)
    return FALSE;
  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_strncasecmp (p, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------- concepts */

CsConcept *
cs_store_intern_concept (CsStore    *self,
                         const char *id,
                         const char *group)
{
  gpointer found = g_hash_table_lookup (self->concept_index, id);
  CsConcept *concept;

  if (found != NULL)
    return g_ptr_array_index (self->concepts, GPOINTER_TO_UINT (found) - 1);

  concept = g_new0 (CsConcept, 1);
  concept->id = g_strdup (id);
  concept->group = group;
  concept->codes = g_ptr_array_new_with_free_func (g_free);
  concept->code_set = g_hash_table_new (cs_str_hash, g_str_equal);
  concept->levels = g_ptr_array_new_with_free_func (cs_level_free);
  concept->level_index = g_hash_table_new (cs_str_hash, g_str_equal);
  concept->units = g_hash_table_new (g_direct_hash, g_direct_equal);
  concept->index = self->concepts->len;
  concept->fixed_type = -1;
  g_ptr_array_add (self->concepts, concept);
  g_hash_table_insert (self->concept_index, concept->id, GUINT_TO_POINTER (self->concepts->len));

  return concept;
}

static void
concept_add_code (CsConcept  *concept,
                  const char *system,
                  const char *code)
{
  char *full;

  if (code == NULL)
    return;
  full = system != NULL ? g_strconcat (system, "|", code, NULL) : g_strdup (code);
  if (g_hash_table_contains (concept->code_set, full))
    {
      g_free (full);
      return;
    }
  g_ptr_array_add (concept->codes, full);
  g_hash_table_add (concept->code_set, full);
}

int
cs_concept_intern_level (CsConcept  *concept,
                         const char *code,
                         const char *display,
                         const char *system)
{
  gpointer found = g_hash_table_lookup (concept->level_index, code);
  CsLevel *level;

  if (found != NULL)
    {
      level = g_ptr_array_index (concept->levels, GPOINTER_TO_UINT (found) - 1);
      if (level->display == NULL && display != NULL)
        level->display = g_strdup (display);
      if (level->system == NULL && system != NULL)
        level->system = g_strdup (system);
      return (int) GPOINTER_TO_UINT (found) - 1;
    }

  level = g_new0 (CsLevel, 1);
  level->code = g_strdup (code);
  level->display = g_strdup (display);
  level->system = g_strdup (system);
  g_ptr_array_add (concept->levels, level);
  g_hash_table_insert (concept->level_index, level->code, GUINT_TO_POINTER (concept->levels->len));

  return (int) concept->levels->len - 1;
}

G_STATIC_ASSERT (G_N_ELEMENTS (well_known) == CS_N_WELL_KNOWN);

gboolean
cs_store_key_is_reserved (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (well_known); i++)
    {
      if (g_str_equal (well_known[i].key, key))
        return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (builtin_keys); i++)
    {
      if (g_str_equal (builtin_keys[i], key))
        return TRUE;
    }
  return FALSE;
}

static const CsWellKnown *
lookup_well_known (const char *system,
                   const char *code)
{
  if (system == NULL || code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (well_known); i++)
    {
      if (well_known[i].code[0] == code[0] && g_str_equal (well_known[i].code, code)
          && g_str_equal (well_known[i].system, system))
        return &well_known[i];
    }
  return NULL;
}

/* A well-known variable by key (for values that do not come from an
 * Observation code: Condition stage, histology extension, imaging). */
CsConcept *
cs_store_well_known_concept (CsStore    *self,
                             const char *key,
                             const char *label,
                             const char *group)
{
  g_autofree char *id = g_strconcat ("wk:", key, NULL);
  CsConcept *concept = cs_store_intern_concept (self, id, group);

  if (concept->wk_key == NULL)
    {
      concept->wk_key = key;
      concept->label = g_strdup (_(label));
      concept->key_hint = g_strdup (key);
      concept->is_survival_time = g_str_equal (key, "survival_time");
      concept->is_staging = g_str_equal (key, "stage") || g_str_has_suffix (key, "stage_group")
                            || g_str_has_suffix (key, "_stage");
    }
  return concept;
}

/* The concept for the code of an Observation or a component. */
static guint
hint_hash (gconstpointer key)
{
  const CsHint *hint = key;

  return (g_direct_hash (hint->text) * 31u + g_direct_hash (hint->display)) * 31u + g_direct_hash (hint->method);
}

static gboolean
hint_equal (gconstpointer a,
            gconstpointer b)
{
  const CsHint *x = a, *y = b;

  return x->text == y->text && x->display == y->display && x->method == y->method;
}

#define HINTS_SCANNED 8

/* The index of the text/display pair in the concept's hints (the votes for
 * its key and label, counted at finish over loaded patients only). A code
 * usually comes with one or two texts: those are compared directly; when
 * there are more (free text), interned pairs are looked up in a table. */
static guint16
concept_hint (CsStore    *self,
              CsConcept  *concept,
              const char *text,
              const char *display,
              const char *method)
{
  CsHint hint;
  gpointer found;

  if (concept->hints == NULL)
    concept->hints = g_array_new (FALSE, FALSE, sizeof (CsHint));
  /* the one used last, then the first few */
  for (guint i = 0; i <= MIN (concept->hints->len, HINTS_SCANNED); i++)
    {
      guint k = i == 0 ? concept->last_hint : i - 1;
      CsHint *h;

      if (k >= concept->hints->len || (i > 0 && k == concept->last_hint))
        continue;
      h = &g_array_index (concept->hints, CsHint, k);
      if (g_strcmp0 (h->text, text) == 0 && g_strcmp0 (h->display, display) == 0
          && g_strcmp0 (h->method, method) == 0)
        return concept->last_hint = (guint16) k;
    }

  hint.text = intern (self, text);
  hint.display = intern (self, display);
  hint.method = intern (self, method);
  if (concept->hint_index != NULL && (found = g_hash_table_lookup (concept->hint_index, &hint)) != NULL)
    return concept->last_hint = (guint16) (GPOINTER_TO_UINT (found) - 1);
  if (concept->hints->len >= CS_HINT_NONE)
    return CS_HINT_NONE;
  g_array_append_val (concept->hints, hint);
  /* a second method: the split by method has something to do (cs-store-split.c) */
  if (hint.method != NULL && concept->first_method == NULL)
    concept->first_method = hint.method;
  else if (hint.method != NULL && hint.method != concept->first_method)
    concept->many_methods = TRUE;
  if (concept->hints->len > HINTS_SCANNED)
    {
      if (concept->hint_index == NULL)
        concept->hint_index = g_hash_table_new_full (hint_hash, hint_equal, g_free, NULL);
      g_hash_table_insert (concept->hint_index, g_memdup2 (&hint, sizeof hint),
                           GUINT_TO_POINTER (concept->hints->len));
    }
  return concept->last_hint = (guint16) (concept->hints->len - 1);
}

static CsConcept *
observation_concept (CsStore          *self,
                     const CsJsonNode *codeable,
                     const char       *method,
                     gboolean          radiomics,
                     guint16          *hint)
{
  const CsJsonNode *coding = first_coding (codeable);
  const char *system = NULL, *code = NULL, *display = NULL;
  const char *text = nonempty (cs_json_get_string (codeable, "text"));
  const CsWellKnown *wk;
  g_autofree char *id = NULL;
  CsConcept *concept;

  if (coding != NULL)
    {
      system = nonempty (cs_json_get_string (coding, "system"));
      code = cs_json_get_string (coding, "code");
      display = nonempty (cs_json_get_string (coding, "display"));
    }
  else if (text == NULL)
    return NULL;

  *hint = CS_HINT_NONE;
  if ((wk = lookup_well_known (system, code)) != NULL)
    {
      CsConcept **cached = &self->wk_concepts[wk - well_known];

      if (*cached == NULL)
        {
          *cached = cs_store_well_known_concept (self, wk->key, wk->label, wk->group);
          concept_add_code (*cached, system, code);
        }
      return *cached;
    }

  /* system|code, or text|text: on the stack unless long (once per Observation) */
  {
    const char *first = code != NULL ? (system != NULL ? system : "") : "text";
    const char *second = code != NULL ? code : text;
    gsize first_len = strlen (first), second_len = strlen (second);
    char small[256];
    char *key = first_len + second_len + 2 <= sizeof small ? small : (id = g_malloc (first_len + second_len + 2));

    memcpy (key, first, first_len);
    key[first_len] = '|';
    memcpy (key + first_len + 1, second, second_len + 1);
    concept = cs_store_intern_concept (self, key, radiomics ? "Radiomics" : "Observation");
  }
  if (concept->label == NULL)
    {
      /* replaced at finish by the votes of the hints */
      concept->label = g_strdup (display != NULL ? display : text != NULL ? text : code);
      concept->key_hint = g_strdup (text != NULL ? text : display != NULL ? display : code);
      concept_add_code (concept, system, code);
    }
  *hint = concept_hint (self, concept, text, display, method);
  if (radiomics && !concept->is_radiomics)
    {
      concept->is_radiomics = TRUE;
      concept->group = "Radiomics";
    }
  return concept;
}

static CsFact *
append_fact (CsStore   *self,
             guint32    resource,
             CsConcept *concept,
             CsFactKind kind,
             double     time,
             guint32    lesion)
{
  CsFact fact = { 0 };

  fact.resource = resource;
  fact.concept = concept->index;
  fact.kind = kind;
  fact.level = -1;
  fact.value = NAN;
  fact.time = time;
  fact.lesion = lesion;
  fact.hint = CS_HINT_NONE;
  g_array_append_val (self->facts, fact);

  return &g_array_index (self->facts, CsFact, self->facts->len - 1);
}

/* A categorical value: a level of the concept, and the display given with it
 * here (the level's display is voted at finish). */
static CsFact *
append_level (CsStore    *self,
              guint32     resource,
              CsConcept  *concept,
              const char *code,
              const char *display,
              const char *system,
              double      time,
              guint32     lesion)
{
  CsFact *fact = append_fact (self, resource, concept, CS_FACT_CATEGORICAL, time, lesion);

  fact->level = cs_concept_intern_level (concept, code, display, system);
  fact->display = intern (self, display);
  return fact;
}

/* A CodeableConcept value: its first coding with a code, else its text. */
static CsFact *
add_level_fact (CsStore          *self,
                guint32           resource,
                CsConcept        *concept,
                const CsJsonNode *codeable,
                double            time,
                guint32           lesion)
{
  const CsJsonNode *coding = first_coding (codeable);
  const char *text = nonempty (cs_json_get_string (codeable, "text"));

  if (coding != NULL)
    return append_level (self, resource, concept, cs_json_get_string (coding, "code"),
                         nonempty (cs_json_get_string (coding, "display")) ?: text,
                         nonempty (cs_json_get_string (coding, "system")), time, lesion);
  if (text != NULL)
    return append_level (self, resource, concept, text, NULL, NULL, time, lesion);
  return append_fact (self, resource, concept, CS_FACT_UNSUPPORTED, time, lesion);
}

static gboolean
to_days (double      value,
         const char *unit,
         double     *out)
{
  static const struct { const char *unit; double days; } factors[] = {
    { "d", 1 }, { "day", 1 }, { "days", 1 },
    { "wk", 7 }, { "week", 7 }, { "weeks", 7 },
    { "mo", 30.4375 }, { "month", 30.4375 }, { "months", 30.4375 },
    { "a", 365.25 }, { "year", 365.25 }, { "years", 365.25 },
    { "h", 1.0 / 24 }, { "min", 1.0 / 1440 },
  };

  if (unit == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    {
      if (g_ascii_strcasecmp (unit, factors[i].unit) == 0)
        {
          *out = value * factors[i].days;
          return TRUE;
        }
    }
  return FALSE;
}

/* An age in years: a value already in years is kept as it is (through days
 * and back, 53.7221 would become 53.722100000000005). */
static gboolean
to_years (double      value,
          const char *unit,
          double     *out)
{
  double days;

  if (unit != NULL && (g_ascii_strcasecmp (unit, "a") == 0 || g_ascii_strcasecmp (unit, "year") == 0 ||
                       g_ascii_strcasecmp (unit, "years") == 0))
    {
      *out = value;
      return TRUE;
    }
  if (!to_days (value, unit, &days))
    return FALSE;
  *out = days / 365.25;
  return TRUE;
}

static const char *
quantity_unit (const CsJsonNode *quantity)
{
  const char *code = nonempty (cs_json_get_string (quantity, "code"));
  const char *unit = nonempty (cs_json_get_string (quantity, "unit"));

  if (code != NULL && g_strcmp0 (cs_json_get_string (quantity, "system"), UCUM) == 0)
    return code;
  return unit != NULL ? unit : code;
}

/* value[x] of an Observation or a component. */
static void
add_value (CsStore          *self,
           guint32           resource,
           CsConcept        *concept,
           guint16           hint,
           const CsJsonNode *holder,
           double            time,
           guint32           lesion)
{
  const CsJsonNode *node;
  CsFact *fact = NULL;
  double value;
  gboolean b;

  if ((node = cs_json_get (holder, "valueQuantity")) != NULL)
    {
      const char *unit = quantity_unit (node);

      if (!cs_json_get_number (node, "value", &value))
        fact = append_fact (self, resource, concept, CS_FACT_UNSUPPORTED, time, lesion);
      else if (concept->is_survival_time && !to_days (value, unit, &value))
        fact = append_fact (self, resource, concept, CS_FACT_NO_TIME_UNIT, time, lesion);
      else
        {
          fact = append_fact (self, resource, concept, CS_FACT_NUMERIC, time, lesion);
          fact->value = value;
          fact->unit = intern (self, concept->is_survival_time ? "d" : unit != NULL ? unit : "");
        }
    }
  else if (cs_json_get_number (holder, "valueInteger", &value))
    {
      if (concept->is_survival_time)
        fact = append_fact (self, resource, concept, CS_FACT_NO_TIME_UNIT, time, lesion);
      else
        {
          fact = append_fact (self, resource, concept, CS_FACT_NUMERIC, time, lesion);
          fact->value = value;
          fact->unit = intern (self, "");
        }
    }
  else if ((node = cs_json_get (holder, "valueCodeableConcept")) != NULL)
    fact = add_level_fact (self, resource, concept, node, time, lesion);
  else if (cs_json_get_boolean (holder, "valueBoolean", &b))
    {
      fact = append_fact (self, resource, concept, CS_FACT_BOOLEAN, time, lesion);
      fact->value = b ? 1.0 : 0.0;
    }
  else if (nonempty (cs_json_get_string (holder, "valueString")) != NULL)
    fact = append_level (self, resource, concept, cs_json_get_string (holder, "valueString"), NULL, NULL,
                         time, lesion);
  else if (get_date (holder, "valueDateTime", &value))
    {
      fact = append_fact (self, resource, concept, CS_FACT_DATE, time, lesion);
      fact->value = value;
    }
  else
    {
      /* valueRatio, valueRange, valuePeriod, valueSampledData, valueTime, bad dates */
      for (const CsJsonNode *m = child_first (holder); m != NULL; m = m->next)
        {
          if (m->key != NULL && g_str_has_prefix (m->key, "value"))
            {
              fact = append_fact (self, resource, concept, CS_FACT_UNSUPPORTED, time, lesion);
              break;
            }
        }
    }
  if (fact != NULL)
    fact->hint = hint;
}

/* ---------------------------------------------------------------- resources */

static gboolean
is_radiomics (const CsJsonNode *obs)
{
  const char *system = cs_json_get_string (first_coding (cs_json_get (obs, "code")), "system");
  static const char *link_keys[] = { "derivedFrom", "partOf" };

  for (const CsJsonNode *cat = child_first (cs_json_get (obs, "category")); cat != NULL; cat = cat->next)
    {
      for (const CsJsonNode *c = child_first (cs_json_get (cat, "coding")); c != NULL; c = c->next)
        {
          if (g_strcmp0 (cs_json_get_string (c, "code"), "imaging") == 0)
            return TRUE;
        }
    }
  if (contains_ci (system, "pyradiomics") || contains_ci (system, "ibsi"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (link_keys); i++)
    {
      for (const CsJsonNode *r = child_first (cs_json_get (obs, link_keys[i])); r != NULL; r = r->next)
        {
          const char *ref = cs_json_get_string (r, "reference");

          if (ref != NULL && strstr (ref, "ImagingStudy/") != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

static double
effective_time (const CsJsonNode *obs)
{
  double days;

  if (get_date (obs, "effectiveDateTime", &days)
      || get_date (obs, "effectiveInstant", &days)
      || get_date (cs_json_get (obs, "effectivePeriod"), "start", &days)
      || get_date (obs, "issued", &days))
    return days;
  return NAN;
}

static guint32
intern_lesion (CsStore    *self,
               const char *focus_ref)
{
  gpointer found;
  const char *key;

  if (focus_ref == NULL)
    return CS_LESION_NONE;
  if ((found = g_hash_table_lookup (self->lesions, focus_ref)) != NULL)
    return GPOINTER_TO_UINT (found);
  key = intern (self, focus_ref);
  g_hash_table_insert (self->lesions, (gpointer) key, GUINT_TO_POINTER (g_hash_table_size (self->lesions) + 1));
  return g_hash_table_size (self->lesions);
}

static const char *
status_code (const CsJsonNode *codeable)
{
  return cs_json_get_string (first_coding (codeable), "code");
}

/* Observation.method as a name: the first display of its codings, else its
 * text, else the first code; NULL when absent. */
static const char *
method_name (const CsJsonNode *codeable)
{
  const char *name;

  if (codeable == NULL)
    return NULL;
  for (const CsJsonNode *c = child_first (cs_json_get (codeable, "coding")); c != NULL; c = c->next)
    {
      if ((name = nonempty (cs_json_get_string (c, "display"))) != NULL)
        return name;
    }
  if ((name = nonempty (cs_json_get_string (codeable, "text"))) != NULL)
    return name;
  return nonempty (cs_json_get_string (first_coding (codeable), "code"));
}

static void
add_observation (CsStore          *self,
                 guint32           resource,
                 const CsJsonNode *obs)
{
  const char *status = cs_json_get_string (obs, "status");
  const char *method;
  gboolean radiomics;
  double time;
  guint32 lesion;
  guint16 hint;
  CsConcept *concept;

  if (g_strcmp0 (status, "entered-in-error") == 0 || g_strcmp0 (status, "cancelled") == 0)
    {
      self->n_skipped_status++;
      return;
    }

  radiomics = is_radiomics (obs);
  time = effective_time (obs);
  lesion = intern_lesion (self, reference_of (obs, "focus"));
  method = method_name (cs_json_get (obs, "method"));

  for (const CsJsonNode *m = child_first (cs_json_get (obs, "hasMember")); m != NULL; m = m->next)
    {
      const char *ref = nonempty (cs_json_get_string (m, "reference"));

      if (ref != NULL)
        {
          CsMemberLink link = { resource, copy (self, ref) };

          g_array_append_val (self->members, link);
        }
    }

  if ((concept = observation_concept (self, cs_json_get (obs, "code"), method, radiomics, &hint)) != NULL)
    add_value (self, resource, concept, hint, obs, time, lesion);

  for (const CsJsonNode *comp = child_first (cs_json_get (obs, "component")); comp != NULL; comp = comp->next)
    {
      if ((concept = observation_concept (self, cs_json_get (comp, "code"), method, radiomics, &hint)) != NULL)
        add_value (self, resource, concept, hint, comp, time, lesion != CS_LESION_NONE ? lesion : CS_LESION_SELF);
    }
}

static void
add_patient (CsStore                *self,
             guint32                 resource,
             const CsResourceRecord *record)
{
  const CsJsonNode *patient = record->resource;
  CsPatientRow row = { 0 };
  gboolean deceased;
  double days;

  row.resource = resource;
  row.id = copy (self, nonempty (record->id));
  row.full_url = copy (self, nonempty (record->full_url));
  row.gender = intern (self, nonempty (cs_json_get_string (patient, "gender")));
  row.birth_date = NAN;
  row.death_date = NAN;
  row.deceased = -1;
  if (get_date (patient, "birthDate", &days))
    row.birth_date = days;
  if (cs_json_get_boolean (patient, "deceasedBoolean", &deceased))
    row.deceased = deceased ? 1 : 0;
  else if (cs_json_get (patient, "deceasedDateTime") != NULL)
    {
      row.deceased = 1;
      if (get_date (patient, "deceasedDateTime", &days))
        row.death_date = days;
    }
  g_array_append_val (self->patient_res, row);
}

/* The primary diagnosis (docs/VARIABLES.md, "Conditions"): a cancer is a
 * Condition whose display or text names one (English or German words, not
 * "benign") or that carries an ICD-10 code C00–C97 or D00–D09. */
static gboolean
is_cancer_text (const char *text)
{
  static const char *const words[] = {
    "cancer", "neoplasm", "carcinom", "karzinom", "malign", "bösartig", "tumor", "tumour",
    "lymphom", "leukemi", "leukaemi", "leukämi", "sarcom", "sarkom", "melanom", "myelom",
  };

  static const char *const not_cancer[] = {
    "benign", "gutartig", "malignant hypert", "maligne hypert", "neuroleptic malignant", "malignes neurolept",
  };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (not_cancer); i++)
    {
      if (contains_ci (text, not_cancer[i]))
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (contains_ci (text, words[i]))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_cancer_icd10 (const char *system,
                 const char *code)
{
  if (!contains_ci (system, "icd-10") || code == NULL || !g_ascii_isdigit (code[1]) || !g_ascii_isdigit (code[2]))
    return FALSE;
  if (code[0] == 'C')
    return !(code[1] == '9' && code[2] > '7');
  return code[0] == 'D' && code[1] == '0';
}

/* SNOMED CT's semantic tag at the end of a display, "Anemia (disorder)":
 * 1 for "disorder", -1 for another tag (finding, situation, procedure …),
 * 0 when there is none (most codes outside SNOMED, and SNOMED displays
 * without their tag). */
static int
semantic_tag_kind (const char *display)
{
  static const char *const other_tags[] = {
    "finding", "situation", "event", "procedure", "regime/therapy", "observable entity",
    "qualifier value", "morphologic abnormality", "body structure", "person", "social concept",
    "environment", "occupation", "record artifact", "physical object", "substance", "product",
    "medicinal product", "clinical drug", "specimen", "staging scale", "assessment scale",
    "tumor staging", "attribute", "life style", "ethnic group", "racial group", "religion/philosophy",
    "navigational concept", "organism", "cell", "cell structure", "physical force",
    "geographic location", "administrative concept", "disposition", "role", "special concept",
  };
  const char *open;
  gsize len;

  if (display == NULL || (len = strlen (display)) < 3 || display[len - 1] != ')'
      || (open = strrchr (display, '(')) == NULL)
    return 0;
  open++;
  len = (gsize) (display + len - 1 - open);
  if (len == strlen ("disorder") && strncmp (open, "disorder", len) == 0)
    return 1;
  for (guint i = 0; i < G_N_ELEMENTS (other_tags); i++)
    {
      if (len == strlen (other_tags[i]) && strncmp (open, other_tags[i], len) == 0)
        return -1;
    }
  return 0;
}

static void
add_condition (CsStore          *self,
               guint32           resource,
               const CsJsonNode *cond)
{
  const char *verification = status_code (cs_json_get (cond, "verificationStatus"));
  const char *clinical = status_code (cs_json_get (cond, "clinicalStatus"));
  const CsJsonNode *code_node = cs_json_get (cond, "code");
  const CsJsonNode *coding = first_coding (code_node);
  const CsJsonNode *age;
  const CsJsonNode *summary;
  CsConditionFact fact = { 0 };
  double time = NAN;
  double days;

  if (g_strcmp0 (verification, "refuted") == 0 || g_strcmp0 (verification, "entered-in-error") == 0)
    {
      self->n_skipped_status++;
      return;
    }

  fact.resource = resource;
  fact.onset_date = NAN;
  fact.onset_age = NAN;
  fact.recorded_date = NAN;
  if (get_date (cond, "onsetDateTime", &days))
    fact.onset_date = days;
  else if (get_date (cs_json_get (cond, "onsetPeriod"), "start", &days))
    {
      fact.onset_date = days;
      fact.onset_is_period = TRUE;
    }
  if ((age = cs_json_get (cond, "onsetAge")) != NULL && cs_json_get_number (age, "value", &days)
      && to_years (days, quantity_unit (age), &days))
    fact.onset_age = days;
  get_date (cond, "recordedDate", &fact.recorded_date);

  time = fact.onset_date;
  if (isnan (time))
    time = fact.recorded_date;

  if ((summary = cs_json_get (first_of (cs_json_get (cond, "stage")), "summary")) != NULL)
    add_level_fact (self, resource, cs_store_well_known_concept (self, "stage", N_("Stage (Condition)"), "Condition"),
                    summary, time, CS_LESION_NONE);

  for (const CsJsonNode *ext = child_first (cs_json_get (cond, "extension")); ext != NULL; ext = ext->next)
    {
      const CsJsonNode *value = cs_json_get (ext, "valueCodeableConcept");

      if (g_strcmp0 (cs_json_get_string (ext, "url"), MCODE_HISTOLOGY) == 0 && value != NULL)
        add_level_fact (self, resource, cs_store_well_known_concept (self, "histology", N_("Histology"), "Condition"),
                        value, time, CS_LESION_NONE);
    }

  if (coding != NULL)
    {
      g_autofree char *id = NULL;
      CsConcept *concept;
      const char *text = nonempty (cs_json_get_string (code_node, "text"));
      int tag = semantic_tag_kind (text);

      fact.system = intern (self, nonempty (cs_json_get_string (coding, "system")));
      fact.code = intern (self, cs_json_get_string (coding, "code"));
      fact.display = intern (self, nonempty (cs_json_get_string (coding, "display")) ?: text);
      fact.is_cancer = is_cancer_text (text);
      for (const CsJsonNode *c = child_first (cs_json_get (code_node, "coding")); c != NULL; c = c->next)
        {
          const char *display = cs_json_get_string (c, "display");
          int kind = semantic_tag_kind (display);

          if (kind != 0 && tag == 0)
            tag = kind;
          if (is_cancer_text (display)
              || is_cancer_icd10 (cs_json_get_string (c, "system"), cs_json_get_string (c, "code")))
            fact.is_cancer = TRUE;
        }
      /* a diagnosis is confirmed (or carries no verification) and is not a
       * finding, situation or other non-disorder concept */
      fact.is_diagnosis = (verification == NULL || g_str_equal (verification, "confirmed")) && tag >= 0;
      if (!fact.is_diagnosis)
        fact.is_cancer = FALSE;
      if (clinical != NULL)
        fact.is_active = g_str_equal (clinical, "active") || g_str_equal (clinical, "recurrence")
                         || g_str_equal (clinical, "relapse");
      else
        fact.is_active = cs_json_get (cond, "abatementDateTime") == NULL && cs_json_get (cond, "abatementPeriod") == NULL
                         && cs_json_get (cond, "abatementAge") == NULL && cs_json_get (cond, "abatementString") == NULL
                         && cs_json_get (cond, "abatementRange") == NULL;

      id = g_strconcat ("cond|", fact.system != NULL ? fact.system : "", "|", fact.code, NULL);
      concept = cs_store_intern_concept (self, id, "Condition");
      if (concept->label == NULL)
        {
          concept->is_condition = TRUE;
          concept->label = g_strdup (fact.display != NULL ? fact.display : fact.code);
          concept->key_hint = g_strconcat ("condition.", fact.code, NULL);
          concept_add_code (concept, fact.system, fact.code);
        }
      fact.concept = concept->index;
      g_array_append_val (self->conditions, fact);
    }
}

static void
add_imaging_study (CsStore          *self,
                   guint32           resource,
                   const CsJsonNode *study)
{
  const CsJsonNode *modality = first_of (cs_json_get (study, "modality"));
  double started = NAN;
  const char *uid = NULL;
  const char *fallback_uid = NULL;

  get_date (study, "started", &started);

  if (modality == NULL)
    modality = cs_json_get (first_of (cs_json_get (study, "series")), "modality");
  if (nonempty (cs_json_get_string (modality, "code")) != NULL)
    {
      CsConcept *concept = cs_store_well_known_concept (self, "imaging_modality", N_("Imaging modality"), "Imaging");

      append_level (self, resource, concept, cs_json_get_string (modality, "code"),
                    nonempty (cs_json_get_string (modality, "display")),
                    nonempty (cs_json_get_string (modality, "system")), started, CS_LESION_NONE);
    }
  if (!isnan (started))
    {
      CsConcept *concept = cs_store_well_known_concept (self, "study_date", N_("Study date"), "Imaging");

      append_fact (self, resource, concept, CS_FACT_DATE, started, CS_LESION_NONE)->value = started;
    }

  for (const CsJsonNode *ident = child_first (cs_json_get (study, "identifier")); ident != NULL; ident = ident->next)
    {
      const char *system = cs_json_get_string (ident, "system");
      const char *value = nonempty (cs_json_get_string (ident, "value"));

      if (value == NULL)
        continue;
      if (g_strcmp0 (system, "urn:dicom:uid") == 0)
        {
          uid = value;
          break;
        }
      if (fallback_uid == NULL && g_strcmp0 (system, "urn:ietf:rfc:3986") == 0
          && g_str_has_prefix (value, "urn:oid:"))
        fallback_uid = value;
    }
  if (uid == NULL)
    uid = fallback_uid;
  if (uid != NULL)
    {
      CsStudyUid entry;

      if (g_str_has_prefix (uid, "urn:oid:"))
        uid += strlen ("urn:oid:");
      entry.resource = resource;
      entry.uid = copy (self, uid);
      g_array_append_val (self->study_uids, entry);
    }
}

static guint32
source_for (CsStore          *self,
            const char       *path)
{
  gpointer found;
  CsSource *source;

  if (path == NULL)
    path = "";
  if (self->last_source != G_MAXUINT32)
    {
      source = g_ptr_array_index (self->sources, self->last_source);
      if (g_str_equal (source->path, path))
        return self->last_source;
    }
  if ((found = g_hash_table_lookup (self->source_index, path)) != NULL)
    {
      self->last_source = GPOINTER_TO_UINT (found) - 1;
      return self->last_source;
    }

  source = g_new0 (CsSource, 1);
  source->path = g_strdup (path);
  source->is_file = *path != '\0' && g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_ptr_array_add (self->sources, source);
  g_hash_table_insert (self->source_index, source->path, GUINT_TO_POINTER (self->sources->len));
  self->last_source = self->sources->len - 1;

  return self->last_source;
}

gboolean
cs_store_add_resource (const CsResourceRecord  *record,
                       gpointer                 store,
                       GError                 **error)
{
  CsStore *self = store;
  CsResource res = { 0 };
  CsSource *source;
  guint32 index;
  gpointer count;
  const char *type;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->resource_type != NULL, FALSE);

  if (self->finished)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _("Cannot add %s/%s: the table was already built"),
                   record->resource_type, record->id != NULL ? record->id : "?");
      return FALSE;
    }

  if (g_strcmp0 (record->request_method, "DELETE") == 0 || record->resource == NULL)
    return TRUE;

  index = self->resources->len;
  type = intern (self, record->resource_type);
  res.type = type;
  res.id = copy (self, nonempty (record->id));
  res.full_url = copy (self, nonempty (record->full_url));
  res.row = -1;
  res.source = source_for (self, record->source);
  source = g_ptr_array_index (self->sources, res.source);
  if (source->is_file)
    {
      res.offset = (guint64) record->offset;
      res.length = record->length;
    }
  else if (record->json != NULL)
    {
      /* the bytes as received (cs_ingest_set_keep_json) */
      res.offset = cs_spill_append (&self->spill, record->json, record->length);
      res.length = record->length;
    }
  else
    {
      g_autofree char *json = cs_json_to_string (record->resource, FALSE);

      res.length = strlen (json);
      res.offset = cs_spill_append (&self->spill, json, res.length);
    }
  res.event_date = clinical_event_date (type, record->resource);

  if (!g_str_equal (type, "Patient"))
    {
      const char *ref = reference_of (record->resource, "subject");

      if (ref == NULL)
        ref = reference_of (record->resource, "patient");
      res.patient_ref = copy (self, ref);
    }
  g_array_append_val (self->resources, res);

  count = g_hash_table_lookup (self->types, type);
  g_hash_table_insert (self->types, (gpointer) type, GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));

  if (g_str_equal (type, "Patient"))
    add_patient (self, index, record);
  else if (g_str_equal (type, "Observation"))
    add_observation (self, index, record->resource);
  else if (g_str_equal (type, "Condition"))
    add_condition (self, index, record->resource);
  else if (g_str_equal (type, "ImagingStudy"))
    add_imaging_study (self, index, record->resource);

  return TRUE;
}
