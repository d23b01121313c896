/* cs-mapping-suggest.c: what a column probably is, and a mapping from that
 *
 * Columns are recognised by their names (split into lowercase words at
 * anything that is not a letter or digit: "clinical.T.Stage" → clinical,
 * t, stage) and checked against their values (an age must be a number, a
 * vital status has two values). The codes come from
 * ../shared/docs/FHIR-CODING.md (mCODE's SNOMED CT codes for TNM and stage
 * groups, ICD-O-3 morphologies); only values whose meaning is certain are
 * mapped, the rest are left for the steward and shown by the coverage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cs-code-catalogue.h"
#include "cs-mapping-assist.h"

#define SNOMED   "http://snomed.info/sct"
#define ICD_O_3  "http://terminology.hl7.org/CodeSystem/icd-o-3"
#define GENDER   "http://hl7.org/fhir/administrative-gender"
#define UCUM     "http://unitsofmeasure.org"
#define PYRADIOMICS_SYSTEM "https://pyradiomics.readthedocs.io"
#define IBSI_SYSTEM        "https://ibsi.readthedocs.io/en/latest/"

static const char * const role_names[] = {
  "none", "patient-id", "age", "sex", "survival-time", "vital-status", "t-category", "n-category",
  "m-category", "stage-group", "histology", "radiomics-feature", "radiomics-diagnostics",
};

const char *
cs_column_role_to_string (CsColumnRole role)
{
  g_return_val_if_fail (role <= CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS, NULL);
  return role_names[role];
}

const char *
cs_column_role_get_label (CsColumnRole role)
{
  switch (role)
    {
    case CS_COLUMN_ROLE_NONE: return _("Not used");
    case CS_COLUMN_ROLE_PATIENT_ID: return _("Patient id");
    case CS_COLUMN_ROLE_AGE: return _("Age at diagnosis");
    case CS_COLUMN_ROLE_SEX: return _("Sex / gender");
    case CS_COLUMN_ROLE_SURVIVAL_TIME: return _("Survival time");
    case CS_COLUMN_ROLE_VITAL_STATUS: return _("Vital status");
    case CS_COLUMN_ROLE_T_CATEGORY: return _("T category");
    case CS_COLUMN_ROLE_N_CATEGORY: return _("N category");
    case CS_COLUMN_ROLE_M_CATEGORY: return _("M category");
    case CS_COLUMN_ROLE_STAGE_GROUP: return _("Stage group");
    case CS_COLUMN_ROLE_HISTOLOGY: return _("Histology");
    case CS_COLUMN_ROLE_RADIOMICS_FEATURE: return _("Radiomics feature");
    case CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS: return _("Radiomics diagnostics");
    default: g_return_val_if_reached (NULL);
    }
}

gboolean
cs_mapping_is_pyradiomics_column (const char *name)
{
  static gsize regex_once;
  static GRegex *regex;

  if (g_once_init_enter (&regex_once))
    {
      GRegex *r = g_regex_new ("^(original|wavelet-[HL]{2,3}|log-sigma-[0-9]+(-[0-9]+)?-mm-[23]D"
                               "|square|squareroot|logarithm|exponential|gradient|lbp-[23]D(-[A-Za-z0-9]+)?)"
                               "_(shape|shape2D|firstorder|glcm|glrlm|glszm|gldm|ngtdm)_[A-Za-z0-9]+$",
                               G_REGEX_OPTIMIZE, 0, NULL);
      regex = r;
      g_once_init_leave (&regex_once, 1);
    }
  return name != NULL && g_regex_match (regex, name, 0, NULL);
}

/* The lowercase words of a name. */
static GStrv
name_words (const char *name)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  GString *word = g_string_new (NULL);

  for (const char *p = name;; p++)
    {
      if (*p != '\0' && g_ascii_isalnum (*p))
        {
          g_string_append_c (word, g_ascii_tolower (*p));
          continue;
        }
      if (word->len > 0)
        {
          g_ptr_array_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (*p == '\0')
        break;
    }
  g_string_free (word, TRUE);
  g_ptr_array_add (words, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&words), FALSE);
}

static gboolean
has_word (GStrv        words,
          const char  *word)
{
  return g_strv_contains ((const char * const *) words, word);
}

static gboolean
has_word_prefix (GStrv       words,
                 const char *prefix)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], prefix))
      return TRUE;
  return FALSE;
}

static gboolean
is_number (const CsCsvColumnProfile *column)
{
  return column->type == CS_CSV_TYPE_INTEGER || column->type == CS_CSV_TYPE_DECIMAL;
}

/* T, N or M: a word "t", "ct", "pt", "tstage", "tcategory" (for T), with a
 * word that says stage or category, or alone. */
static gboolean
is_tnm (GStrv words,
        char  letter)
{
  char plain[2] = { letter, '\0' };
  g_autofree char *c = g_strdup_printf ("c%c", letter);
  g_autofree char *tstage = g_strdup_printf ("%cstage", letter);
  g_autofree char *tcat = g_strdup_printf ("%ccategory", letter);
  gboolean letter_word = has_word (words, plain) || has_word (words, c);

  if (has_word (words, tstage) || has_word (words, tcat))
    return TRUE;
  if (!letter_word)
    return FALSE;
  return g_strv_length (words) == 1 || has_word (words, "stage") || has_word (words, "category")
         || has_word (words, "cat") || has_word (words, "tnm") || has_word (words, "clinical");
}

CsColumnRole
cs_column_role_guess (const CsCsvColumnProfile *column)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (column != NULL, CS_COLUMN_ROLE_NONE);

  if (g_str_has_prefix (column->name, "diagnostics_"))
    return CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS;
  if (cs_mapping_is_pyradiomics_column (column->name))
    return CS_COLUMN_ROLE_RADIOMICS_FEATURE;

  words = name_words (column->name);
  lower = g_strjoinv ("", words);

  if (g_str_equal (lower, "patientid") || g_str_equal (lower, "patient") || g_str_equal (lower, "subjectid")
      || g_str_equal (lower, "caseid") || g_str_equal (lower, "participantid") || g_str_equal (lower, "pid")
      || g_str_equal (lower, "mrn") || g_str_equal (lower, "id") || g_str_equal (lower, "caseno"))
    return CS_COLUMN_ROLE_PATIENT_ID;
  if (g_str_equal (lower, "sex") || g_str_equal (lower, "gender") || g_str_equal (lower, "geschlecht"))
    return CS_COLUMN_ROLE_SEX;
  if ((has_word (words, "age") || g_str_equal (lower, "alter") || g_str_has_prefix (lower, "ageat"))
      && is_number (column))
    return CS_COLUMN_ROLE_AGE;
  if (has_word_prefix (words, "histolog") || has_word_prefix (words, "morpholog") || g_str_equal (lower, "histo"))
    return CS_COLUMN_ROLE_HISTOLOGY;
  if ((has_word_prefix (words, "surviv") || g_str_equal (lower, "ostime") || g_str_equal (lower, "osdays")
       || g_str_equal (lower, "osmonths") || has_word_prefix (words, "followup")
       || (has_word (words, "follow") && has_word (words, "up")))
      && is_number (column) && !has_word (words, "status") && !has_word (words, "event"))
    return CS_COLUMN_ROLE_SURVIVAL_TIME;
  if ((has_word_prefix (words, "dead") || has_word_prefix (words, "death") || has_word_prefix (words, "deceased")
       || has_word (words, "vital") || g_str_equal (lower, "event") || g_str_equal (lower, "status")
       || g_str_equal (lower, "osevent") || g_str_equal (lower, "osstatus"))
      && column->n_distinct >= 1 && column->n_distinct <= 2 && !column->distinct_capped)
    return CS_COLUMN_ROLE_VITAL_STATUS;
  if (is_tnm (words, 't'))
    return CS_COLUMN_ROLE_T_CATEGORY;
  if (is_tnm (words, 'n'))
    return CS_COLUMN_ROLE_N_CATEGORY;
  if (is_tnm (words, 'm'))
    return CS_COLUMN_ROLE_M_CATEGORY;
  if (has_word (words, "stage") || g_str_equal (lower, "ajcc") || has_word (words, "stadium"))
    return CS_COLUMN_ROLE_STAGE_GROUP;
  return CS_COLUMN_ROLE_NONE;
}

/* ------------------------------------------------------------------ */
/* Known codes                                                         */

typedef struct
{
  const char *value;    /* normalised: lowercase, without "stage", "c"/"p" prefix and the letter */
  const char *code;
  const char *display;
} KnownCode;

/* The codes of TNM, stage groups and histologies are those of the code
 * catalogue (data/mapping/codes.tsv, groups t-value, n-value, m-value,
 * stage-value, histology), which lists the local spellings of each. Gender
 * is FHIR's own administrative-gender, not a terminology's: it is here. */
static const KnownCode gender_codes[] = {
  { "male", "male", "Male" }, { "m", "male", "Male" }, { "man", "male", "Male" },
  { "männlich", "male", "Male" },
  { "female", "female", "Female" }, { "f", "female", "Female" }, { "woman", "female", "Female" },
  { "w", "female", "Female" }, { "weiblich", "female", "Female" },
  { "other", "other", "Other" }, { "diverse", "other", "Other" }, { "divers", "other", "Other" },
  { "unknown", "unknown", "Unknown" }, { "u", "unknown", "Unknown" },
  { NULL, NULL, NULL },
};

/* "cT2", "T2", "2" → "2"; "Stage IIIb" → "iiib" */
static char *
normalise_value (const char *value,
                 char        letter)
{
  g_autofree char *lower = g_utf8_strdown (value, -1);
  char *p = g_strstrip (lower);

  if (g_str_has_prefix (p, "stage "))
    p += 6;
  if (letter != '\0')
    {
      if ((p[0] == 'c' || p[0] == 'p' || p[0] == 'y') && p[1] == letter)
        p++;
      if (p[0] == letter && p[1] != '\0')
        p++;
    }
  return g_strdup (p);
}

/* The code of a value: from the catalogue's group, or from table when
 * group is NULL. Fills *out (pointers owned by the catalogue or table). */
static gboolean
find_known (const char      *group,
            const KnownCode *table,
            const char      *value,
            char             letter,
            KnownCode       *out)
{
  g_autofree char *norm = normalise_value (value, letter);

  if (group != NULL)
    {
      const CsCatalogueCode *c = cs_code_catalogue_find_value (cs_code_catalogue_get_default (), group, norm);

      if (c == NULL)
        return FALSE;
      out->value = NULL;
      out->code = c->code;
      out->display = c->display;
      return TRUE;
    }
  for (guint i = 0; table[i].value != NULL; i++)
    if (g_str_equal (table[i].value, norm))
      {
        *out = table[i];
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Writing the document                                                */

typedef struct
{
  const CsTableProfile *table;
  const char           *role;
  const char           *namespace_text;
  JsonBuilder          *maps;         /* the conceptMaps array, being built */
  guint                 n_maps;
  int                   columns[CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS + 1];  /* first column per role, -1 */
  GHashTable           *map_ids;      /* column index → ConceptMap id (only columns with a map) */
} Suggest;

static const CsCsvColumnProfile *
role_column (Suggest      *s,
             CsColumnRole  role)
{
  return s->columns[role] >= 0 ? cs_csv_profile_get_column (s->table->profile, s->columns[role]) : NULL;
}

static void
add_coding (JsonBuilder *b,
            const char  *system,
            const char  *code,
            const char  *display)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, system);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  if (display != NULL)
    {
      json_builder_set_member_name (b, "display");
      json_builder_add_string_value (b, display);
    }
  json_builder_end_object (b);
}

static void
add_concept (JsonBuilder *b,
             const char  *member,
             const char  *system,
             const char  *code,
             const char  *display)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  add_coding (b, system, code, display);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_string (JsonBuilder *b,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_ref (JsonBuilder *b,
         const char  *member,
         const char  *resource)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  add_string (b, "$ref", resource);
  json_builder_end_object (b);
}

static void
add_when_present (JsonBuilder *b,
                  const char  *column)
{
  json_builder_set_member_name (b, "when");
  json_builder_begin_object (b);
  add_string (b, "column", column);
  json_builder_set_member_name (b, "present");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
}

/* "$when" on an element coded through a column's value map: only when the
 * map codes the value (an extension or stage without its value is not
 * valid FHIR), else when the column has a value. */
static void
add_when_coded (Suggest     *s,
                JsonBuilder *b,
                int          column_index)
{
  const char *id = g_hash_table_lookup (s->map_ids, GINT_TO_POINTER (column_index));

  json_builder_set_member_name (b, "$when");
  json_builder_begin_object (b);
  add_string (b, "column", cs_csv_profile_get_column (s->table->profile, column_index)->name);
  if (id != NULL)
    add_string (b, "mapped", id);
  else
    {
      json_builder_set_member_name (b, "present");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);
}

/* A ConceptMap id from the role and the column: "clinical-t-stage". */
static char *
map_id_for (Suggest    *s,
            const char *column)
{
  g_auto(GStrv) words = name_words (column);
  g_autofree char *joined = g_strjoinv ("-", words);
  g_autofree char *prefix = g_strdup_printf ("%s-", s->role);
  g_autofree char *id = g_str_has_prefix (joined, prefix) ? g_strdup (joined)
                        : g_strdup_printf ("%s%s", prefix, *joined != '\0' ? joined : "column");

  for (char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      *p = '-';
  if (strlen (id) > 64)
    id[64] = '\0';
  return g_steal_pointer (&id);
}

/* Adds an inline ConceptMap for the known values of a column; returns FALSE
 * (and adds nothing) when none of its values is known. */
static gboolean
add_value_map (Suggest         *s,
               int              column_index,
               const char      *group,
               const KnownCode *table,
               char             letter,
               const char      *target_system)
{
  const CsCsvColumnProfile *column = cs_csv_profile_get_column (s->table->profile, column_index);
  g_autofree char *id = map_id_for (s, column->name);
  g_autofree char *url = NULL;
  guint n = 0;
  JsonBuilder *b = s->maps;

  for (guint i = 0; i < column->values->len; i++)
    {
      KnownCode known;

      if (find_known (group, table, column->values->pdata[i], letter, &known))
        n++;
    }
  if (n == 0)
    return FALSE;

  url = g_strdup_printf ("%s/ConceptMap/%s",
                         g_str_has_prefix (s->namespace_text, "http") ? s->namespace_text : "urn:cohortscope", id);
  json_builder_begin_object (b);
  add_string (b, "resourceType", "ConceptMap");
  add_string (b, "id", id);
  add_string (b, "url", url);
  add_string (b, "status", "draft");
  add_string (b, "description", "Suggested by Cohortscope from the values of the column; check every entry.");
  json_builder_set_member_name (b, "group");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "target", target_system);
  json_builder_set_member_name (b, "element");
  json_builder_begin_array (b);
  for (guint i = 0; i < column->values->len; i++)
    {
      KnownCode found;
      const KnownCode *known = &found;

      if (!find_known (group, table, column->values->pdata[i], letter, &found))
        continue;
      json_builder_begin_object (b);
      add_string (b, "code", column->values->pdata[i]);
      json_builder_set_member_name (b, "target");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      add_string (b, "code", known->code);
      add_string (b, "display", known->display);
      add_string (b, "equivalence", "equivalent");
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  s->n_maps++;
  g_hash_table_insert (s->map_ids, GINT_TO_POINTER (column_index), g_steal_pointer (&id));
  return TRUE;
}

/* valueCodeableConcept etc.: a $map when the column has one, else the text. */
static void
add_mapped_concept (Suggest    *s,
                    JsonBuilder *b,
                    const char *member,
                    int         column_index)
{
  const CsCsvColumnProfile *column = cs_csv_profile_get_column (s->table->profile, column_index);
  const char *id = g_hash_table_lookup (s->map_ids, GINT_TO_POINTER (column_index));

  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  if (id != NULL)
    {
      add_string (b, "$map", id);
      add_string (b, "column", column->name);
      add_string (b, "unmapped", "omit");
      json_builder_set_member_name (b, "text");
      json_builder_add_boolean_value (b, TRUE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("{{%s}}", column->name);

      add_string (b, "text", text);
    }
  json_builder_end_object (b);
}

static void
begin_resource (JsonBuilder *b,
                Suggest     *s,
                const char  *name)
{
  json_builder_begin_object (b);
  add_string (b, "name", name);
  add_string (b, "input", s->role);
}

static void
add_patient (Suggest     *s,
             JsonBuilder *b)
{
  const CsCsvColumnProfile *id = role_column (s, CS_COLUMN_ROLE_PATIENT_ID);
  const CsCsvColumnProfile *sex = role_column (s, CS_COLUMN_ROLE_SEX);
  const CsCsvColumnProfile *vital = role_column (s, CS_COLUMN_ROLE_VITAL_STATUS);
  g_autofree char *id_value = g_strdup_printf ("{{%s}}", id->name);
  g_autofree char *system = g_strdup_printf ("%s/patient-id",
                                             g_str_has_prefix (s->namespace_text, "http")
                                               ? s->namespace_text : "urn:cohortscope");

  begin_resource (b, s, "patient");
  json_builder_set_member_name (b, "template");
  json_builder_begin_object (b);
  add_string (b, "resourceType", "Patient");
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "system", system);
  add_string (b, "value", id_value);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (sex != NULL)
    {
      const char *map = g_hash_table_lookup (s->map_ids, GINT_TO_POINTER (s->columns[CS_COLUMN_ROLE_SEX]));

      if (map != NULL)
        {
          json_builder_set_member_name (b, "gender");
          json_builder_begin_object (b);
          add_string (b, "$map", map);
          add_string (b, "column", sex->name);
          add_string (b, "as", "code");
          add_string (b, "unmapped", "omit");
          json_builder_end_object (b);
        }
    }
  if (vital != NULL)
    {
      json_builder_set_member_name (b, "deceasedBoolean");
      json_builder_begin_object (b);
      add_string (b, "$column", vital->name);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_observation (Suggest     *s,
                 JsonBuilder *b,
                 const char  *name,
                 CsColumnRole role,
                 const char  *code,
                 const char  *display)
{
  const CsCsvColumnProfile *column = role_column (s, role);

  begin_resource (b, s, name);
  add_when_present (b, column->name);
  json_builder_set_member_name (b, "template");
  json_builder_begin_object (b);
  add_string (b, "resourceType", "Observation");
  add_string (b, "status", "final");
  add_concept (b, "code", SNOMED, code, display);
  add_ref (b, "subject", "patient");
  if (s->columns[CS_COLUMN_ROLE_HISTOLOGY] >= 0 || s->columns[CS_COLUMN_ROLE_AGE] >= 0
      || s->columns[CS_COLUMN_ROLE_STAGE_GROUP] >= 0 || s->columns[CS_COLUMN_ROLE_T_CATEGORY] >= 0)
    {
      json_builder_set_member_name (b, "focus");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      add_string (b, "$ref", "primary-cancer");
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  if (role == CS_COLUMN_ROLE_SURVIVAL_TIME)
    {
      g_auto(GStrv) words = name_words (column->name);
      const char *unit = has_word_prefix (words, "month") || has_word (words, "mo") ? "mo"
                         : has_word_prefix (words, "year") ? "a" : "d";

      json_builder_set_member_name (b, "valueQuantity");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "value");
      json_builder_begin_object (b);
      add_string (b, "$column", column->name);
      json_builder_end_object (b);
      add_string (b, "unit", unit);
      add_string (b, "system", UCUM);
      add_string (b, "code", unit);
      json_builder_end_object (b);
    }
  else
    add_mapped_concept (s, b, "valueCodeableConcept", s->columns[role]);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_condition (Suggest     *s,
               JsonBuilder *b)
{
  const CsCsvColumnProfile *age = role_column (s, CS_COLUMN_ROLE_AGE);
  const CsCsvColumnProfile *histology = role_column (s, CS_COLUMN_ROLE_HISTOLOGY);
  const CsCsvColumnProfile *stage = role_column (s, CS_COLUMN_ROLE_STAGE_GROUP);

  begin_resource (b, s, "primary-cancer");
  json_builder_set_member_name (b, "template");
  json_builder_begin_object (b);
  add_string (b, "resourceType", "Condition");
  if (histology != NULL)
    {
      json_builder_set_member_name (b, "extension");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      add_when_coded (s, b, s->columns[CS_COLUMN_ROLE_HISTOLOGY]);
      add_string (b, "url", "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior");
      add_mapped_concept (s, b, "valueCodeableConcept", s->columns[CS_COLUMN_ROLE_HISTOLOGY]);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "code");
  json_builder_begin_object (b);
  add_string (b, "text", "Primary cancer (edit the code)");
  json_builder_end_object (b);
  add_ref (b, "subject", "patient");
  if (age != NULL)
    {
      json_builder_set_member_name (b, "onsetAge");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "$when");
      json_builder_begin_object (b);
      add_string (b, "column", age->name);
      json_builder_set_member_name (b, "present");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "value");
      json_builder_begin_object (b);
      add_string (b, "$column", age->name);
      json_builder_end_object (b);
      add_string (b, "unit", "a");
      add_string (b, "system", UCUM);
      add_string (b, "code", "a");
      json_builder_end_object (b);
    }
  if (stage != NULL)
    {
      json_builder_set_member_name (b, "stage");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      add_when_coded (s, b, s->columns[CS_COLUMN_ROLE_STAGE_GROUP]);
      add_mapped_concept (s, b, "summary", s->columns[CS_COLUMN_ROLE_STAGE_GROUP]);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_feature (JsonBuilder *b,
             const char  *member,
             const char  *attribute)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  add_string (b, "$feature", attribute);
  json_builder_end_object (b);
}

/* One Observation per pyradiomics column and row, named by the engine's
 * radiomics module (canonical name, filter, unit; the IBSI code when the
 * mapping names pyradiomics' IBSI dictionary), as examples/pyradiomics. */
static void
add_features (Suggest     *s,
              JsonBuilder *b)
{
  begin_resource (b, s, "feature");
  json_builder_set_member_name (b, "forEachColumn");
  json_builder_begin_object (b);
  add_string (b, "match", "(original|wavelet-[HL]{2,3}|log-sigma-[0-9]+(-[0-9]+)?-mm-[23]D|square|squareroot"
                          "|logarithm|exponential|gradient|lbp-[23]D(-[A-Za-z0-9]+)?)"
                          "_(shape|shape2D|firstorder|glcm|glrlm|glszm|gldm|ngtdm)_[A-Za-z0-9]+");
  json_builder_set_member_name (b, "radiomics");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "template");
  json_builder_begin_object (b);
  add_string (b, "resourceType", "Observation");
  add_string (b, "status", "final");
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  add_coding (b, "http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "Imaging");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "code");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "system", PYRADIOMICS_SYSTEM);
  add_feature (b, "code", "code");
  add_feature (b, "display", "label");
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "$when");
  json_builder_begin_object (b);
  add_string (b, "feature", "ibsi");
  json_builder_set_member_name (b, "present");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  add_string (b, "system", IBSI_SYSTEM);
  add_feature (b, "code", "ibsi");
  add_feature (b, "display", "ibsiDisplay");
  json_builder_end_object (b);
  json_builder_end_array (b);
  add_feature (b, "text", "column");
  json_builder_end_object (b);
  add_ref (b, "subject", "patient");
  json_builder_set_member_name (b, "method");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "system", PYRADIOMICS_SYSTEM);
  add_feature (b, "code", "filter");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "valueQuantity");
  json_builder_begin_object (b);
  add_feature (b, "value", "value");
  add_feature (b, "unit", "unit");
  add_feature (b, "system", "unitSystem");
  add_feature (b, "code", "unit");
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_column_types (Suggest     *s,
                  JsonBuilder *b)
{
  const CsCsvColumnProfile *age = role_column (s, CS_COLUMN_ROLE_AGE);
  const CsCsvColumnProfile *survival = role_column (s, CS_COLUMN_ROLE_SURVIVAL_TIME);
  const CsCsvColumnProfile *vital = role_column (s, CS_COLUMN_ROLE_VITAL_STATUS);

  if (age == NULL && survival == NULL && vital == NULL)
    return;
  json_builder_set_member_name (b, "columns");
  json_builder_begin_object (b);
  if (age != NULL)
    {
      json_builder_set_member_name (b, age->name);
      json_builder_begin_object (b);
      add_string (b, "type", "decimal");
      add_string (b, "description", "age at diagnosis, years");
      json_builder_end_object (b);
    }
  if (survival != NULL)
    {
      json_builder_set_member_name (b, survival->name);
      json_builder_begin_object (b);
      add_string (b, "type", survival->type == CS_CSV_TYPE_INTEGER ? "integer" : "decimal");
      json_builder_end_object (b);
    }
  if (vital != NULL)
    {
      static const char * const dead[] = { "1", "dead", "deceased", "yes", "true", "y", "verstorben", NULL };
      g_autoptr(GPtrArray) t = g_ptr_array_new ();
      g_autoptr(GPtrArray) f = g_ptr_array_new ();

      for (guint i = 0; i < vital->values->len; i++)
        {
          g_autofree char *lower = g_ascii_strdown (vital->values->pdata[i], -1);

          g_ptr_array_add (g_strv_contains (dead, g_strstrip (lower)) ? t : f, vital->values->pdata[i]);
        }
      json_builder_set_member_name (b, vital->name);
      json_builder_begin_object (b);
      add_string (b, "type", "boolean");
      json_builder_set_member_name (b, "true");
      json_builder_begin_array (b);
      for (guint i = 0; i < t->len; i++)
        json_builder_add_string_value (b, t->pdata[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "false");
      json_builder_begin_array (b);
      for (guint i = 0; i < f->len; i++)
        json_builder_add_string_value (b, f->pdata[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_dialect (Suggest     *s,
             JsonBuilder *b)
{
  const CsCsvDialect *d = &s->table->dialect;

  /* the reader's defaults (comma, UTF-8, its missing tokens) need no dialect */
  if (d->delimiter == ',' && d->encoding == NULL && !d->decimal_comma && d->missing == NULL)
    return;
  json_builder_set_member_name (b, "dialect");
  json_builder_begin_object (b);
  if (d->delimiter != ',')
    {
      char delimiter[2] = { d->delimiter, '\0' };

      add_string (b, "delimiter", delimiter);
    }
  if (d->encoding != NULL)
    add_string (b, "encoding", d->encoding);
  if (d->decimal_comma)
    {
      json_builder_set_member_name (b, "decimalComma");
      json_builder_add_boolean_value (b, TRUE);
    }
  /* the reader's default missing tokens ("", NA, N/A, …) need no listing */
  if (d->missing != NULL)
    {
      json_builder_set_member_name (b, "missing");
      json_builder_begin_array (b);
      for (const char * const *m = (const char * const *) d->missing; *m != NULL; m++)
        json_builder_add_string_value (b, *m);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/* The id of a mapping: the file's name without extension, as a FHIR id. */
static char *
mapping_id (const char *file_name)
{
  g_autofree char *base = g_strdup (file_name);
  char *dot = strrchr (base, '.');
  GString *id = g_string_new (NULL);

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (const char *p = base; *p != '\0' && id->len < 64; p++)
    g_string_append_c (id, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '-');
  if (id->len == 0)
    g_string_append (id, "table");
  return g_string_free (id, FALSE);
}

char *
cs_mapping_suggest (const CsTableProfile  *table,
                    const char            *role,
                    CsMappingTemplateKind  kind,
                    const char            *namespace_text,
                    GError               **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonBuilder) maps = json_builder_new ();
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(GHashTable) map_ids = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) maps_node = NULL;
  g_autofree char *random_ns = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  Suggest s = { table, role, namespace_text, maps, 0, { 0 }, map_ids };
  guint n_columns = cs_csv_profile_get_n_columns (table->profile);
  guint n_features = 0;

  g_return_val_if_fail (table != NULL && role != NULL, NULL);

  if (s.namespace_text == NULL)
    s.namespace_text = random_ns = g_uuid_string_random ();
  for (guint r = 0; r < G_N_ELEMENTS (s.columns); r++)
    s.columns[r] = -1;
  for (guint c = 0; c < n_columns; c++)
    {
      CsColumnRole r = cs_column_role_guess (cs_csv_profile_get_column (table->profile, c));

      if (r == CS_COLUMN_ROLE_RADIOMICS_FEATURE)
        n_features++;
      if (s.columns[r] < 0)
        s.columns[r] = (int) c;
    }
  if (kind == CS_MAPPING_TEMPLATE_AUTO)
    kind = n_features > 0 && n_features * 2 >= n_columns ? CS_MAPPING_TEMPLATE_PYRADIOMICS
                                                          : CS_MAPPING_TEMPLATE_CLINICAL;

  /* without a patient id column: a column of distinct text values, first */
  if (s.columns[CS_COLUMN_ROLE_PATIENT_ID] < 0)
    for (guint c = 0; c < n_columns; c++)
      {
        const CsCsvColumnProfile *col = cs_csv_profile_get_column (table->profile, c);

        if (col->n_missing == 0 && col->n_values > 0 && !col->distinct_capped && col->n_distinct == col->n_values
            && (col->type == CS_CSV_TYPE_TEXT || col->type == CS_CSV_TYPE_CATEGORICAL))
          {
            s.columns[CS_COLUMN_ROLE_PATIENT_ID] = (int) c;
            break;
          }
      }
  if (s.columns[CS_COLUMN_ROLE_PATIENT_ID] < 0)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_NO_KEY,
                   _("%s: no column identifies the patient (a column named like “PatientID”, or one whose "
                     "values are all different); add one, or write the mapping by hand"), table->name);
      return NULL;
    }
  if (kind == CS_MAPPING_TEMPLATE_PYRADIOMICS && n_features == 0)
    {
      g_set_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_NOTHING,
                   _("%s: no column is a pyradiomics feature (such as “original_shape_MeshVolume”)"), table->name);
      return NULL;
    }

  json_builder_begin_array (maps);
  if (kind == CS_MAPPING_TEMPLATE_CLINICAL)
    {
      if (s.columns[CS_COLUMN_ROLE_SEX] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_SEX], NULL, gender_codes, '\0', GENDER);
      if (s.columns[CS_COLUMN_ROLE_T_CATEGORY] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_T_CATEGORY], "t-value", NULL, 't', SNOMED);
      if (s.columns[CS_COLUMN_ROLE_N_CATEGORY] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_N_CATEGORY], "n-value", NULL, 'n', SNOMED);
      if (s.columns[CS_COLUMN_ROLE_M_CATEGORY] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_M_CATEGORY], "m-value", NULL, 'm', SNOMED);
      if (s.columns[CS_COLUMN_ROLE_STAGE_GROUP] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_STAGE_GROUP], "stage-value", NULL, '\0', SNOMED);
      if (s.columns[CS_COLUMN_ROLE_HISTOLOGY] >= 0)
        add_value_map (&s, s.columns[CS_COLUMN_ROLE_HISTOLOGY], "histology", NULL, '\0', ICD_O_3);
    }
  json_builder_end_array (maps);
  maps_node = json_builder_get_root (maps);

  id = mapping_id (table->name);
  title = g_strdup_printf ("%s: %s", table->name,
                           kind == CS_MAPPING_TEMPLATE_CLINICAL ? "clinical table (suggested)"
                                                                 : "pyradiomics features (suggested)");
  json_builder_begin_object (b);
  add_string (b, "format", CS_MAPPING_FORMAT);
  add_string (b, "id", id);
  add_string (b, "version", "0.1.0");
  add_string (b, "name", title);
  add_string (b, "namespace", s.namespace_text);
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "role", role);
  add_string (b, "description", table->name);
  add_string (b, "key", role_column (&s, CS_COLUMN_ROLE_PATIENT_ID)->name);
  add_dialect (&s, b);
  if (kind == CS_MAPPING_TEMPLATE_CLINICAL)
    add_column_types (&s, b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (s.n_maps > 0)
    {
      json_builder_set_member_name (b, "conceptMaps");
      json_builder_add_value (b, json_node_copy (maps_node));
    }
  json_builder_set_member_name (b, "resources");
  json_builder_begin_array (b);
  add_patient (&s, b);
  if (kind == CS_MAPPING_TEMPLATE_CLINICAL)
    {
      /* the codes' displays are the catalogue's */
      static const struct { CsColumnRole role; const char *name, *code; } observations[] = {
        { CS_COLUMN_ROLE_T_CATEGORY, "t-category", "399504009" },
        { CS_COLUMN_ROLE_N_CATEGORY, "n-category", "399534004" },
        { CS_COLUMN_ROLE_M_CATEGORY, "m-category", "399387003" },
        { CS_COLUMN_ROLE_STAGE_GROUP, "stage-group", "399537006" },
        { CS_COLUMN_ROLE_SURVIVAL_TIME, "survival-time", "445320007" },
      };

      if (s.columns[CS_COLUMN_ROLE_HISTOLOGY] >= 0 || s.columns[CS_COLUMN_ROLE_AGE] >= 0
          || s.columns[CS_COLUMN_ROLE_STAGE_GROUP] >= 0 || s.columns[CS_COLUMN_ROLE_T_CATEGORY] >= 0)
        {
          add_condition (&s, b);
        }
      for (guint i = 0; i < G_N_ELEMENTS (observations); i++)
        if (s.columns[observations[i].role] >= 0)
          {
            const CsCatalogueCode *code = cs_code_catalogue_lookup (cs_code_catalogue_get_default (), SNOMED,
                                                                    observations[i].code);

            add_observation (&s, b, observations[i].name, observations[i].role, code->code, code->display);
          }
    }
  else
    add_features (&s, b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
