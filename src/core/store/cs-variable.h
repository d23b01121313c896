/* cs-variable.h: one column of the patient × variable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* cs_format_double() and cs_format_json_number(): how cells print */
#include "cs-number.h"

G_BEGIN_DECLS

typedef enum
{
  CS_VARIABLE_NUMERIC,      /* num[] holds the value (UCUM unit in ->unit), NAN = missing */
  CS_VARIABLE_CATEGORICAL,  /* cat[] holds an index into ->levels, -1 = missing */
  CS_VARIABLE_BOOLEAN,      /* num[] holds 0 or 1, NAN = missing */
  CS_VARIABLE_DATE,         /* num[] holds days since 1970-01-01 (may be fractional), NAN = missing */
  CS_VARIABLE_SURVIVAL,     /* num[] holds the time (->unit, days), event[] 1 = event, 0 = censored; NAN time = missing */
} CsVariableType;

typedef enum
{
  CS_ROLLUP_LATEST,         /* latest by effective[x], ties: last in input (default) */
  CS_ROLLUP_LARGEST_LESION, /* value from the lesion with the largest volume feature */
  CS_ROLLUP_MAX,
  CS_ROLLUP_MEAN,
  CS_ROLLUP_SUM,
  CS_ROLLUP_COUNT,
} CsRollup;

typedef struct
{
  char *code;               /* FHIR code (or the string value for valueString) */
  char *display;            /* display or NULL */
  char *system;             /* code system or NULL */
  guint n;                  /* patients with this level */
} CsLevel;

typedef struct _CsVariable CsVariable;

struct _CsVariable
{
  char           *key;      /* stable key: [A-Za-z_][A-Za-z0-9_.]* where possible */
  char           *label;    /* human label (display text) */
  CsVariableType  type;
  char           *unit;     /* UCUM unit or NULL */
  GPtrArray      *codes;    /* char* "system|code" it came from (may be empty) */
  char           *group;    /* "Patient", "Condition", "Observation", "Radiomics", "Imaging", "Survival" */
  guint           n;        /* patients with a value */
  guint           n_rows;   /* == number of patients */

  double         *num;      /* NUMERIC, BOOLEAN, DATE, SURVIVAL: n_rows values */
  gint32         *cat;      /* CATEGORICAL: n_rows level indices */
  guint8         *event;    /* SURVIVAL: n_rows event flags */
  GPtrArray      *levels;   /* CATEGORICAL: CsLevel* */
};

const char  *cs_variable_type_to_string (CsVariableType    type);  /* "numeric", "categorical", "boolean", "date", "survival" */
/* The type as users read it, translated ("numeric", „numerisch“ …). */
const char  *cs_variable_type_to_label  (CsVariableType    type);
gboolean     cs_variable_is_missing     (const CsVariable *var,
                                         guint             row);
/* The cell as `cohortscope-cli table` prints it (shortest round-trip numbers,
 * codes, true/false, YYYY-MM-DD dates); "" when missing. labels=TRUE gives
 * displays for categorical values. */
char        *cs_variable_format_cell    (const CsVariable *var,
                                         guint             row,
                                         gboolean          labels);
const CsLevel *cs_variable_get_level    (const CsVariable *var,
                                         guint             row);   /* NULL when missing or not categorical */
/* Level index whose code equals str, or whose display equals it ignoring case; -1 if none. */
int          cs_variable_find_level     (const CsVariable *var,
                                         const char       *str);
/* Whether name is one of var's codes, whole ("system|code") or the part
 * after its first "|" (the code alone): how a filter names a variable by code. */
gboolean     cs_variable_has_code       (const CsVariable *var,
                                         const char       *name);
void         cs_variable_free           (CsVariable       *var);

/* ---- Labels that tell variables apart (cs-variable-label.c) ---- */

/* A radiomics feature's label from the radiomics module ("GLCM Contrast",
 * "Wavelet HLH · GLRLM Gray Level Non-Uniformity"), parsed from its code,
 * key or label; NULL when var is not a radiomics feature pyradiomics names. */
char        *cs_variable_radiomics_label     (const CsVariable *var);
/* Gives vars[0..n) labels unique among them (ignoring case): radiomics
 * features their radiomics label, a missing label the key, then labels
 * still shared get the unit for reading ("eGFR (mL/min/1.73 m²)"), else
 * their code ("eGFR · 62238-1"), else their key. The store calls it on all
 * its variables once built. */
void         cs_variables_make_labels_unique (CsVariable      **vars,
                                              guint             n);
/* label cut to max_chars characters with "…" in the middle, keeping its
 * start and its end ("Wavelet HLH · GL…Non-Uniformity"). */
char        *cs_label_ellipsize_middle       (const char       *label,
                                              guint             max_chars);
/* How the store derived a built-in variable (age at diagnosis from which
 * dates, survival, deceased from which element, a Condition's true/false),
 * for tooltips and docs; NULL for a variable read as it is. Static,
 * translated. */
const char  *cs_variable_get_derivation      (const CsVariable *var);
/* For a tooltip: the full label, then "Key: …", "Codes: system|code, …"
 * and "Unit: °C (UCUM Cel)" lines. */
char        *cs_variable_describe            (const CsVariable *var);
/* The variable in a chart's caption, with the unit for reading, its UCUM
 * code and the key: "x: Tumour volume (mm³, UCUM mm3; key volume)"; role
 * ("x", "time", …) may be NULL. */
char        *cs_variable_caption             (const char       *role,
                                              const CsVariable *var);
char        *cs_variable_caption_shown_in    (const char       *role,
                                              const CsVariable *var,
                                              const char       *shown_ucum);

/* The group of variables added by analyses (cs_store_add_derived_variable) */
#define CS_VARIABLE_GROUP_DERIVED "Derived"
gboolean     cs_variable_is_derived     (const CsVariable *var);
/* [A-Za-z_][A-Za-z0-9_.]*: a key usable bare in filter expressions */
gboolean     cs_variable_key_is_valid   (const char       *key);

/* Helpers shared by the analyses (CLI and GUI): */
/* numeric or date: has an order and a scale */
gboolean     cs_variable_is_numeric_like (const CsVariable *var);
/* categorical or boolean: splits patients into groups */
gboolean     cs_variable_is_grouping    (const CsVariable *var);
/* the value at row as a double: NAN when missing or categorical */
double       cs_variable_value_at       (const CsVariable *var,
                                         guint             row);
/* TRUE when pattern matches the key or the code part (after '|') of any of its codes */
gboolean     cs_variable_matches_pattern (const CsVariable *var,
                                          GPatternSpec     *pattern);

/* Ordinal categorical variables: cancer staging (TNM T, N or M category —
 * "cT2", "pT1a", "Tis", "N0", "M1c" — or stage group — "IIIB", "Stage IIa",
 * "3B" in a variable named like a stage) whose every level, by code or
 * display, has a known order. Returns one rank per level (larger = more
 * advanced; NAN for an unknown category such as TX), to free with g_free,
 * or NULL when var is not such a variable. */
double      *cs_variable_get_ordinal_ranks (const CsVariable *var);
/* ranks[level at row], NAN when missing or ranks is NULL */
double       cs_variable_ordinal_value_at  (const CsVariable *var,
                                            const double     *ranks,
                                            guint             row);

G_END_DECLS
