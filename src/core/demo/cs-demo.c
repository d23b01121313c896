/* cs-demo.c: deterministic synthetic lung-cancer demo cohort
 *
 * The generator streams one Bundle entry at a time into a small buffer and
 * flushes it to the output stream, so memory stays flat however many
 * patients are asked for. Randomness comes from xoshiro256** seeded per
 * patient from (seed, patient number) with splitmix64: patient k is the same
 * whatever the total number of patients. Resource ids are readable
 * ("demo-0001-ct"), fullUrls are name-based UUIDs (version 5) of the seed
 * and the id, and every reference uses the fullUrl. See docs/DEMO.md for the
 * codes, the distributions and the planted relationships.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-date.h"
#include "cs-demo.h"

#define SCT        "http://snomed.info/sct"
#define LOINC      "http://loinc.org"
#define UCUM       "http://unitsofmeasure.org"
#define OBSCAT     "http://terminology.hl7.org/CodeSystem/observation-category"
#define DCM        "http://dicom.nema.org/resources/ontology/DCM"
#define AJCC       "http://cancerstaging.org"
#define ICDO3      "http://terminology.hl7.org/CodeSystem/icd-o-3"
#define PYRAD      "https://pyradiomics.readthedocs.io"
#define IBSI       "https://ibsi.readthedocs.io/en/latest/"
#define DAR        "http://terminology.hl7.org/CodeSystem/data-absent-reason"
#define MCODE_HIST "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"
#define ID_SYSTEM  "https://cohortscope.example.org/demo/"

#define FLUSH_SIZE (256 * 1024)

/* ------------------------------------------------------------------------ */
/* Random numbers                                                           */

typedef struct
{
  guint64  s[4];
  double   spare;
  gboolean has_spare;
} Rng;

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static void
rng_init (Rng     *rng,
          guint64  seed,
          guint64  stream)
{
  guint64 state = seed;
  guint64 mix = splitmix64 (&state) ^ (stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03));

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&mix);
  rng->has_spare = FALSE;
  rng->spare = 0.0;
}

static guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

/* Uniform in (0, 1): never exactly 0 or 1, so log() is safe. */
static double
rng_uniform (Rng *rng)
{
  return ((double) (rng_next (rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double
rng_range (Rng    *rng,
           double  low,
           double  high)
{
  return low + (high - low) * rng_uniform (rng);
}

static guint
rng_int (Rng   *rng,
         guint  n)
{
  return (guint) (rng_uniform (rng) * n) % n;
}

/* Box–Muller, polar-free form; the second variate is kept for the next call. */
static double
rng_normal (Rng    *rng,
            double  mean,
            double  sd)
{
  double z;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      z = rng->spare;
    }
  else
    {
      double u1 = rng_uniform (rng);
      double u2 = rng_uniform (rng);
      double r = sqrt (-2.0 * log (u1));

      z = r * cos (2.0 * G_PI * u2);
      rng->spare = r * sin (2.0 * G_PI * u2);
      rng->has_spare = TRUE;
    }

  return mean + sd * z;
}

static double
rng_lognormal (Rng    *rng,
               double  median,
               double  sdlog)
{
  return median * exp (rng_normal (rng, 0.0, sdlog));
}

static gboolean
rng_chance (Rng    *rng,
            double  p)
{
  return rng_uniform (rng) < p;
}

/* Index drawn from weights that need not sum to 1. */
static guint
rng_pick (Rng          *rng,
          const double *weights,
          guint         n)
{
  double total = 0.0;
  double u;

  for (guint i = 0; i < n; i++)
    total += weights[i];

  u = rng_uniform (rng) * total;
  for (guint i = 0; i < n; i++)
    {
      if (u < weights[i])
        return i;
      u -= weights[i];
    }

  return n - 1;
}

/* ------------------------------------------------------------------------ */
/* Radiomics feature catalogue                                              */

typedef enum
{
  UNIT_MM3,
  UNIT_MM2,
  UNIT_MM,
  UNIT_PER_MM,
  UNIT_ONE,
  UNIT_HU,
  UNIT_HU2,
} FeatureUnit;

static const struct
{
  const char *unit;
  const char *code;
} units[] = {
  [UNIT_MM3]    = { "mm3", "mm3" },
  [UNIT_MM2]    = { "mm2", "mm2" },
  [UNIT_MM]     = { "mm", "mm" },
  [UNIT_PER_MM] = { "/mm", "/mm" },
  [UNIT_ONE]    = { "1", "1" },
  [UNIT_HU]     = { "HU", "[hnsf'U]" },
  [UNIT_HU2]    = { "HU2", "[hnsf'U]2" },
};

/* X-macro: enum name, pyradiomics class, feature, unit, IBSI code, IBSI display */
#define DEMO_FEATURES(F) \
  F (SH_MESH_VOLUME,       "shape",      "MeshVolume",                    UNIT_MM3,    "RNU0", "Volume (mesh)") \
  F (SH_VOXEL_VOLUME,      "shape",      "VoxelVolume",                   UNIT_MM3,    NULL, NULL) \
  F (SH_SURFACE_AREA,      "shape",      "SurfaceArea",                   UNIT_MM2,    NULL, NULL) \
  F (SH_SURFACE_VOLUME,    "shape",      "SurfaceVolumeRatio",            UNIT_PER_MM, NULL, NULL) \
  F (SH_SPHERICITY,        "shape",      "Sphericity",                    UNIT_ONE,    "QCFX", "Sphericity") \
  F (SH_ELONGATION,        "shape",      "Elongation",                    UNIT_ONE,    "Q3CK", "Elongation") \
  F (SH_FLATNESS,          "shape",      "Flatness",                      UNIT_ONE,    NULL, NULL) \
  F (SH_MAX3D,             "shape",      "Maximum3DDiameter",             UNIT_MM,     NULL, NULL) \
  F (SH_MAX2D_SLICE,       "shape",      "Maximum2DDiameterSlice",        UNIT_MM,     NULL, NULL) \
  F (SH_MAX2D_COLUMN,      "shape",      "Maximum2DDiameterColumn",       UNIT_MM,     NULL, NULL) \
  F (SH_MAX2D_ROW,         "shape",      "Maximum2DDiameterRow",          UNIT_MM,     NULL, NULL) \
  F (SH_MAJOR_AXIS,        "shape",      "MajorAxisLength",               UNIT_MM,     NULL, NULL) \
  F (SH_MINOR_AXIS,        "shape",      "MinorAxisLength",               UNIT_MM,     NULL, NULL) \
  F (SH_LEAST_AXIS,        "shape",      "LeastAxisLength",               UNIT_MM,     NULL, NULL) \
  F (FO_P10,               "firstorder", "10Percentile",                  UNIT_HU,     NULL, NULL) \
  F (FO_P90,               "firstorder", "90Percentile",                  UNIT_HU,     NULL, NULL) \
  F (FO_ENERGY,            "firstorder", "Energy",                        UNIT_ONE,    NULL, NULL) \
  F (FO_ENTROPY,           "firstorder", "Entropy",                       UNIT_ONE,    NULL, NULL) \
  F (FO_IQR,               "firstorder", "InterquartileRange",            UNIT_HU,     NULL, NULL) \
  F (FO_KURTOSIS,          "firstorder", "Kurtosis",                      UNIT_ONE,    NULL, NULL) \
  F (FO_MAXIMUM,           "firstorder", "Maximum",                       UNIT_HU,     NULL, NULL) \
  F (FO_MAD,               "firstorder", "MeanAbsoluteDeviation",         UNIT_HU,     NULL, NULL) \
  F (FO_MEAN,              "firstorder", "Mean",                          UNIT_HU,     "Q4LE", "Mean") \
  F (FO_MEDIAN,            "firstorder", "Median",                        UNIT_HU,     NULL, NULL) \
  F (FO_MINIMUM,           "firstorder", "Minimum",                       UNIT_HU,     NULL, NULL) \
  F (FO_RANGE,             "firstorder", "Range",                         UNIT_HU,     NULL, NULL) \
  F (FO_RMAD,              "firstorder", "RobustMeanAbsoluteDeviation",   UNIT_HU,     NULL, NULL) \
  F (FO_RMS,               "firstorder", "RootMeanSquared",               UNIT_HU,     NULL, NULL) \
  F (FO_SKEWNESS,          "firstorder", "Skewness",                      UNIT_ONE,    NULL, NULL) \
  F (FO_UNIFORMITY,        "firstorder", "Uniformity",                    UNIT_ONE,    NULL, NULL) \
  F (FO_VARIANCE,          "firstorder", "Variance",                      UNIT_HU2,    NULL, NULL) \
  F (GLCM_AUTOCORRELATION, "glcm",       "Autocorrelation",               UNIT_ONE,    NULL, NULL) \
  F (GLCM_CONTRAST,        "glcm",       "Contrast",                      UNIT_ONE,    NULL, NULL) \
  F (GLCM_CORRELATION,     "glcm",       "Correlation",                   UNIT_ONE,    NULL, NULL) \
  F (GLCM_DIFF_ENTROPY,    "glcm",       "DifferenceEntropy",             UNIT_ONE,    NULL, NULL) \
  F (GLCM_IDM,             "glcm",       "Idm",                           UNIT_ONE,    NULL, NULL) \
  F (GLCM_IDMN,            "glcm",       "Idmn",                          UNIT_ONE,    NULL, NULL) \
  F (GLCM_IMC1,            "glcm",       "Imc1",                          UNIT_ONE,    NULL, NULL) \
  F (GLCM_JOINT_ENERGY,    "glcm",       "JointEnergy",                   UNIT_ONE,    NULL, NULL) \
  F (GLCM_JOINT_ENTROPY,   "glcm",       "JointEntropy",                  UNIT_ONE,    NULL, NULL) \
  F (GLCM_SUM_ENTROPY,     "glcm",       "SumEntropy",                    UNIT_ONE,    NULL, NULL) \
  F (GLRLM_GLNU,           "glrlm",      "GrayLevelNonUniformity",        UNIT_ONE,    NULL, NULL) \
  F (GLRLM_LRE,            "glrlm",      "LongRunEmphasis",               UNIT_ONE,    NULL, NULL) \
  F (GLRLM_RUN_ENTROPY,    "glrlm",      "RunEntropy",                    UNIT_ONE,    NULL, NULL) \
  F (GLRLM_RLNU,           "glrlm",      "RunLengthNonUniformity",        UNIT_ONE,    NULL, NULL) \
  F (GLRLM_RUN_PERCENTAGE, "glrlm",      "RunPercentage",                 UNIT_ONE,    NULL, NULL) \
  F (GLRLM_SRE,            "glrlm",      "ShortRunEmphasis",              UNIT_ONE,    NULL, NULL) \
  F (GLSZM_GLNU,           "glszm",      "GrayLevelNonUniformity",        UNIT_ONE,    NULL, NULL) \
  F (GLSZM_LAE,            "glszm",      "LargeAreaEmphasis",             UNIT_ONE,    NULL, NULL) \
  F (GLSZM_SZNU,           "glszm",      "SizeZoneNonUniformity",         UNIT_ONE,    NULL, NULL) \
  F (GLSZM_SAE,            "glszm",      "SmallAreaEmphasis",             UNIT_ONE,    NULL, NULL) \
  F (GLSZM_ZONE_ENTROPY,   "glszm",      "ZoneEntropy",                   UNIT_ONE,    NULL, NULL) \
  F (GLSZM_ZONE_PERCENT,   "glszm",      "ZonePercentage",                UNIT_ONE,    NULL, NULL) \
  F (GLDM_DEP_ENTROPY,     "gldm",       "DependenceEntropy",             UNIT_ONE,    NULL, NULL) \
  F (GLDM_DNU,             "gldm",       "DependenceNonUniformity",       UNIT_ONE,    NULL, NULL) \
  F (GLDM_LDE,             "gldm",       "LargeDependenceEmphasis",       UNIT_ONE,    NULL, NULL) \
  F (GLDM_SDE,             "gldm",       "SmallDependenceEmphasis",       UNIT_ONE,    NULL, NULL) \
  F (NGTDM_BUSYNESS,       "ngtdm",      "Busyness",                      UNIT_ONE,    NULL, NULL) \
  F (NGTDM_COARSENESS,     "ngtdm",      "Coarseness",                    UNIT_ONE,    NULL, NULL) \
  F (NGTDM_COMPLEXITY,     "ngtdm",      "Complexity",                    UNIT_ONE,    NULL, NULL) \
  F (NGTDM_CONTRAST,       "ngtdm",      "Contrast",                      UNIT_ONE,    NULL, NULL) \
  F (NGTDM_STRENGTH,       "ngtdm",      "Strength",                      UNIT_ONE,    NULL, NULL)

#define AS_ENUM(e, k, n, u, ic, id) F_##e,
typedef enum
{
  DEMO_FEATURES (AS_ENUM)
  N_FEATURES
} FeatureId;
#undef AS_ENUM

typedef struct
{
  const char  *klass;
  const char  *name;
  FeatureUnit  unit;
  const char  *ibsi_code;
  const char  *ibsi_display;
} Feature;

#define AS_ROW(e, k, n, u, ic, id) { k, n, u, ic, id },
static const Feature features[N_FEATURES] = {
  DEMO_FEATURES (AS_ROW)
};
#undef AS_ROW

/* Classes written as one Observation per feature; the others as one
 * Observation per lesion and class with one component per feature. */
static const char * const single_classes[] = { "shape", "firstorder" };
static const char * const component_classes[] = { "glcm", "glrlm", "glszm", "gldm", "ngtdm" };

/* ------------------------------------------------------------------------ */
/* Clinical vocabularies                                                    */

typedef struct
{
  const char *system;
  const char *code;
  const char *display;
} Code;

enum { HIST_ADENO, HIST_SQUAMOUS, HIST_LARGE, HIST_NOS, N_HIST };
static const Code histologies[N_HIST] = {
  { ICDO3, "8140/3", "Adenocarcinoma, NOS" },
  { ICDO3, "8070/3", "Squamous cell carcinoma, NOS" },
  { ICDO3, "8012/3", "Large cell carcinoma, NOS" },
  { ICDO3, "8046/3", "Non-small cell carcinoma" },
};

enum { SMOKE_CURRENT, SMOKE_FORMER, SMOKE_NEVER, N_SMOKE };
static const Code smoking_values[N_SMOKE] = {
  { SCT, "449868002", "Smokes tobacco daily" },
  { SCT, "8517006", "Ex-smoker" },
  { SCT, "266919005", "Never smoked tobacco" },
};

enum { STAGE_I, STAGE_II, STAGE_IIIA, STAGE_IIIB, STAGE_IV, N_STAGES };
static const Code stage_values[N_STAGES] = {
  { AJCC, "1", "I" },
  { AJCC, "2", "II" },
  { AJCC, "3A", "IIIA" },
  { AJCC, "3B", "IIIB" },
  { AJCC, "4", "IV" },
};

static const Code t_values[4] = {
  { AJCC, "cT1", "T1" }, { AJCC, "cT2", "T2" }, { AJCC, "cT3", "T3" }, { AJCC, "cT4", "T4" },
};
static const Code n_values[4] = {
  { AJCC, "cN0", "N0" }, { AJCC, "cN1", "N1" }, { AJCC, "cN2", "N2" }, { AJCC, "cN3", "N3" },
};
static const Code m_values[2] = {
  { AJCC, "cM0", "M0" }, { AJCC, "cM1", "M1" },
};

static const Code vital_values[2] = {
  { SCT, "438949009", "Alive" },
  { SCT, "419099009", "Dead" },
};

static const struct
{
  Code   code;
  double weight;
} lobes[] = {
  { { SCT, "45653009", "Structure of upper lobe of right lung" }, 0.30 },
  { { SCT, "72481006", "Structure of middle lobe of right lung" }, 0.08 },
  { { SCT, "266005", "Structure of lower lobe of right lung" }, 0.20 },
  { { SCT, "44714003", "Structure of left upper lobe of lung" }, 0.25 },
  { { SCT, "41224006", "Structure of lower lobe of left lung" }, 0.17 },
};

static const char * const female_given[] = {
  "Anna", "Maria", "Elena", "Sofia", "Grace", "Ingrid", "Chloé", "Amara", "Yuki", "Fatima",
  "Helen", "Margaret", "Ruth", "Zoë", "Agnieszka", "Lucia", "Mei", "Nadia", "Olga", "Priya",
};
static const char * const male_given[] = {
  "James", "Robert", "Jürgen", "José", "Thomas", "David", "Ahmed", "Kenji", "Luca", "Pieter",
  "Michael", "Björn", "Samuel", "Ivan", "Rahul", "Oliver", "Marek", "Tomás", "Wei", "Henrik",
};
static const char * const family_names[] = {
  "Müller", "Smith", "García", "Nguyen", "O'Brien", "Kowalski", "Rossi", "Jansen", "Tanaka", "Haddad",
  "Johansson", "Novák", "Fischer", "Dubois", "Silva", "Kim", "Petrov", "Okafor", "Larsen", "Moreau",
  "Brown", "Schmidt", "Yılmaz", "Costa", "Andersen", "Weber", "Lopez", "Sato", "Meyer", "Bianchi",
};

/* Simplified AJCC (7th-edition groups, sub-stages merged, IIIC folded into IIIB). */
static guint
stage_from_tnm (guint t,
                guint n,
                guint m)
{
  if (m == 1)
    return STAGE_IV;

  switch (n)
    {
    case 0:
      return t <= 2 ? STAGE_I : t == 3 ? STAGE_II : STAGE_IIIA;
    case 1:
      return t <= 2 ? STAGE_II : STAGE_IIIA;
    case 2:
      return t <= 2 ? STAGE_IIIA : STAGE_IIIB;
    default:
      return STAGE_IIIB;
    }
}

/* ------------------------------------------------------------------------ */
/* Writer: a JSON emitter on a flushing buffer                              */

#define MAX_DEPTH 16

typedef struct
{
  GOutputStream *out;
  GCancellable  *cancellable;
  GString       *buf;
  GChecksum     *sha1;
  guint64        seed;
  guint          depth;
  gboolean       first[MAX_DEPTH];
  gboolean       first_entry;
  GError        *error;
} Writer;

static gboolean
writer_flush (Writer *w)
{
  if (w->error != NULL)
    return FALSE;
  if (w->buf->len > 0 &&
      !g_output_stream_write_all (w->out, w->buf->str, w->buf->len, NULL, w->cancellable, &w->error))
    return FALSE;
  g_string_truncate (w->buf, 0);
  return TRUE;
}

static void
append_escaped (GString    *s,
                const char *str)
{
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (s, "\\\"");
          break;
        case '\\':
          g_string_append (s, "\\\\");
          break;
        case '\n':
          g_string_append (s, "\\n");
          break;
        case '\r':
          g_string_append (s, "\\r");
          break;
        case '\t':
          g_string_append (s, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
          break;
        }
    }
}

/* Separator and key of the next member (key NULL inside an array). */
static void
jw_member (Writer     *w,
           const char *key)
{
  if (!w->first[w->depth])
    g_string_append_c (w->buf, ',');
  w->first[w->depth] = FALSE;
  if (key != NULL)
    {
      g_string_append_c (w->buf, '"');
      g_string_append (w->buf, key);
      g_string_append (w->buf, "\":");
    }
}

static void
jw_open (Writer     *w,
         const char *key,
         char        bracket)
{
  jw_member (w, key);
  g_string_append_c (w->buf, bracket);
  g_assert (w->depth + 1 < MAX_DEPTH);
  w->depth++;
  w->first[w->depth] = TRUE;
}

#define jw_object(w, key) jw_open (w, key, '{')
#define jw_array(w, key)  jw_open (w, key, '[')

static void
jw_close (Writer *w,
          char    bracket)
{
  g_assert (w->depth > 0);
  w->depth--;
  g_string_append_c (w->buf, bracket);
}

#define jw_end_object(w) jw_close (w, '}')
#define jw_end_array(w)  jw_close (w, ']')

static void
jw_string (Writer     *w,
           const char *key,
           const char *value)
{
  jw_member (w, key);
  g_string_append_c (w->buf, '"');
  append_escaped (w->buf, value);
  g_string_append_c (w->buf, '"');
}

static void
jw_int (Writer     *w,
        const char *key,
        gint64      value)
{
  jw_member (w, key);
  g_string_append_printf (w->buf, "%" G_GINT64_FORMAT, value);
}

static void
jw_bool (Writer     *w,
         const char *key,
         gboolean    value)
{
  jw_member (w, key);
  g_string_append (w->buf, value ? "true" : "false");
}

/* A plain decimal (no exponent) with about `digits` significant digits,
 * trailing zeros removed; independent of the locale. */
static void
append_decimal (GString *s,
                double   value,
                int      digits)
{
  char format[16];
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 32];
  int decimals = 0;
  gsize len;

  if (value != 0.0)
    decimals = digits - 1 - (int) floor (log10 (fabs (value)));
  decimals = CLAMP (decimals, 0, 15);

  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, format, value);

  len = strlen (buf);
  if (strchr (buf, '.') != NULL)
    {
      while (len > 0 && buf[len - 1] == '0')
        len--;
      if (len > 0 && buf[len - 1] == '.')
        len--;
      buf[len] = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    g_string_append_c (s, '0');
  else
    g_string_append_len (s, buf, len);
}

static void
jw_decimal (Writer     *w,
            const char *key,
            double      value,
            int         digits)
{
  jw_member (w, key);
  append_decimal (w->buf, value, digits);
}

static void
jw_coding (Writer     *w,
           const char *key,
           const char *system,
           const char *code,
           const char *display)
{
  jw_object (w, key);
  jw_string (w, "system", system);
  jw_string (w, "code", code);
  if (display != NULL)
    jw_string (w, "display", display);
  jw_end_object (w);
}

static void
jw_concept (Writer     *w,
            const char *key,
            const Code *code,
            const char *text)
{
  jw_object (w, key);
  jw_array (w, "coding");
  jw_coding (w, NULL, code->system, code->code, code->display);
  jw_end_array (w);
  if (text != NULL)
    jw_string (w, "text", text);
  jw_end_object (w);
}

static void
jw_category (Writer     *w,
             const char *code,
             const char *display)
{
  const Code c = { OBSCAT, code, display };

  jw_array (w, "category");
  jw_concept (w, NULL, &c, NULL);
  jw_end_array (w);
}

static void
jw_reference (Writer     *w,
              const char *key,
              const char *full_url)
{
  jw_object (w, key);
  jw_string (w, "reference", full_url);
  jw_end_object (w);
}

static void
jw_reference_list (Writer     *w,
                   const char *key,
                   const char *full_url)
{
  jw_array (w, key);
  jw_reference (w, NULL, full_url);
  jw_end_array (w);
}

static void
jw_quantity (Writer      *w,
             const char  *key,
             double       value,
             int          digits,
             const char  *unit,
             const char  *ucum)
{
  jw_object (w, key);
  jw_decimal (w, "value", value, digits);
  jw_string (w, "unit", unit);
  jw_string (w, "system", UCUM);
  jw_string (w, "code", ucum);
  jw_end_object (w);
}

static void
jw_data_absent (Writer *w)
{
  const Code c = { DAR, "error", "Error" };

  jw_concept (w, "dataAbsentReason", &c, NULL);
}

/* Name-based UUID (RFC 4122 version 5) of "<seed>/<id>" in a fixed namespace. */
static const guint8 demo_namespace[16] = {
  0x3b, 0x8f, 0x1c, 0x6e, 0x52, 0xd4, 0x4a, 0x09, 0x9e, 0x61, 0x0c, 0x7a, 0x2f, 0xe3, 0x58, 0xb1,
};

static void
demo_uuid_bytes (Writer     *w,
                 const char *id,
                 guint8      out[20])
{
  char seed_text[32];
  gsize len = 20;

  g_snprintf (seed_text, sizeof seed_text, "%" G_GUINT64_FORMAT "/", w->seed);
  g_checksum_reset (w->sha1);
  g_checksum_update (w->sha1, demo_namespace, sizeof demo_namespace);
  g_checksum_update (w->sha1, (const guchar *) seed_text, -1);
  g_checksum_update (w->sha1, (const guchar *) id, -1);
  g_checksum_get_digest (w->sha1, out, &len);
  out[6] = (out[6] & 0x0f) | 0x50;
  out[8] = (out[8] & 0x3f) | 0x80;
}

/* "urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into buf[48] */
static void
demo_full_url (Writer     *w,
               const char *id,
               char        buf[48])
{
  static const char hex[] = "0123456789abcdef";
  guint8 b[20];
  char *p;

  demo_uuid_bytes (w, id, b);
  memcpy (buf, "urn:uuid:", 9);
  p = buf + 9;
  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex[b[i] >> 4];
      *p++ = hex[b[i] & 0xf];
    }
  *p = '\0';
}

/* DICOM UID "2.25.<the UUID as a decimal integer>" (PS3.5 B.2) into buf[64] */
static void
demo_dicom_uid (Writer     *w,
                const char *id,
                char        buf[64])
{
  guint8 b[20];
  unsigned __int128 v = 0;
  char digits[48];
  int n = 0;

  demo_uuid_bytes (w, id, b);
  for (guint i = 0; i < 16; i++)
    v = (v << 8) | b[i];

  do
    {
      digits[n++] = (char) ('0' + (int) (v % 10));
      v /= 10;
    }
  while (v != 0);

  memcpy (buf, "2.25.", 5);
  for (int i = 0; i < n; i++)
    buf[5 + i] = digits[n - 1 - i];
  buf[5 + n] = '\0';
}

/* Starts an entry: writes fullUrl, opens "resource" with resourceType and id. */
static void
begin_entry (Writer     *w,
             const char *resource_type,
             const char *id)
{
  char url[48];

  demo_full_url (w, id, url);
  if (!w->first_entry)
    g_string_append (w->buf, ",\n");
  w->first_entry = FALSE;

  w->depth = 0;
  w->first[0] = TRUE;
  jw_object (w, NULL);
  jw_string (w, "fullUrl", url);
  jw_object (w, "resource");
  jw_string (w, "resourceType", resource_type);
  jw_string (w, "id", id);
}

static void
end_entry (Writer *w)
{
  jw_end_object (w);
  jw_end_object (w);
  g_assert (w->depth == 0);
  if (w->buf->len >= FLUSH_SIZE)
    writer_flush (w);
}

/* ------------------------------------------------------------------------ */
/* One synthetic patient                                                    */

typedef struct
{
  gboolean present;
  double   volume;          /* mm3 */
  double   heterogeneity;   /* latent, N(0,1) */
  guint    lobe;
  double   value[N_FEATURES];
  guint8   missing[N_FEATURES];   /* 0 present, 1 omitted, 2 dataAbsentReason */
} Lesion;

typedef struct
{
  guint       number;
  char        id[32];
  char        patient_url[48];
  char        condition_url[48];
  char        study_url[48];
  char        device_url[48];
  gboolean    female;
  const char *given;
  const char *family;
  guint       age;
  gint64      birth;
  gint64      diagnosis;
  gint64      study_day;
  guint       study_minute;
  guint       smoking;
  gboolean    smoking_missing;
  guint       histology;
  guint       t, n, m, stage;
  int         ecog;           /* -1 missing */
  double      cea;            /* NAN missing */
  double      hemoglobin;
  double      ldh;
  guint       survival_days;
  gboolean    dead;
  Lesion      lesion[2];
} Patient;

static void
make_lesion (Rng    *rng,
             Lesion *l,
             double  diameter,
             double  heterogeneity)
{
  double *v = l->value;
  double elongation, flatness, major, volume, d_eq;
  double sigma, mean, entropy, nvox, je;

  l->present = TRUE;
  l->heterogeneity = heterogeneity;
  l->lobe = 0;

  /* Shape: an ellipsoid-ish solid with correlated size measures. */
  d_eq = diameter;
  volume = G_PI / 6.0 * d_eq * d_eq * d_eq * rng_lognormal (rng, 1.0, 0.05);
  elongation = CLAMP (rng_normal (rng, 0.78, 0.10), 0.35, 0.99);
  flatness = CLAMP (elongation * rng_normal (rng, 0.82, 0.08), 0.2, elongation);
  major = cbrt (6.0 * volume / (G_PI * elongation * flatness));
  l->volume = volume;

  v[F_SH_MESH_VOLUME] = volume;
  v[F_SH_VOXEL_VOLUME] = volume * rng_lognormal (rng, 1.012, 0.006);
  v[F_SH_ELONGATION] = elongation;
  v[F_SH_FLATNESS] = flatness;
  v[F_SH_MAJOR_AXIS] = major;
  v[F_SH_MINOR_AXIS] = major * elongation;
  v[F_SH_LEAST_AXIS] = major * flatness;
  v[F_SH_MAX3D] = major * rng_range (rng, 1.03, 1.2);
  v[F_SH_MAX2D_SLICE] = major * rng_range (rng, 0.8, 1.0);
  v[F_SH_MAX2D_COLUMN] = major * rng_range (rng, 0.75, 1.02);
  v[F_SH_MAX2D_ROW] = major * rng_range (rng, 0.75, 1.02);
  /* sphericity is set by the caller (histology effect); area follows from it */
  v[F_SH_SPHERICITY] = 0.0;
  v[F_SH_SURFACE_AREA] = 0.0;
  v[F_SH_SURFACE_VOLUME] = 0.0;

  /* Intensities (HU, 1 mm isotropic voxels, bin width 25 HU). */
  nvox = v[F_SH_VOXEL_VOLUME];
  sigma = 70.0 * exp (0.25 * heterogeneity + rng_normal (rng, 0.0, 0.08));
  mean = rng_normal (rng, 15.0, 22.0);
  v[F_FO_MEAN] = mean;
  v[F_FO_VARIANCE] = sigma * sigma;
  v[F_FO_SKEWNESS] = rng_normal (rng, -0.6, 0.5);
  v[F_FO_KURTOSIS] = 3.0 + rng_lognormal (rng, 1.2, 0.6);
  v[F_FO_MEDIAN] = mean - 0.15 * sigma * v[F_FO_SKEWNESS] + rng_normal (rng, 0.0, 3.0);
  v[F_FO_P10] = mean - 1.28 * sigma * rng_lognormal (rng, 1.05, 0.06);
  v[F_FO_P90] = mean + 1.28 * sigma * rng_lognormal (rng, 0.95, 0.06);
  v[F_FO_IQR] = 1.349 * sigma * rng_lognormal (rng, 0.95, 0.07);
  v[F_FO_MAD] = 0.798 * sigma * rng_lognormal (rng, 1.0, 0.04);
  v[F_FO_RMAD] = 0.42 * v[F_FO_IQR] * rng_lognormal (rng, 1.0, 0.04);
  v[F_FO_MINIMUM] = MAX (-1024.0, mean - sigma * rng_range (rng, 3.2, 5.5));
  v[F_FO_MAXIMUM] = mean + sigma * rng_range (rng, 2.8, 4.5);
  v[F_FO_RANGE] = v[F_FO_MAXIMUM] - v[F_FO_MINIMUM];
  v[F_FO_RMS] = sqrt (mean * mean + sigma * sigma);
  v[F_FO_ENERGY] = nvox * (mean * mean + sigma * sigma);
  entropy = log2 (sigma * sqrt (2.0 * G_PI * G_E) / 25.0) + rng_normal (rng, 0.0, 0.06);
  v[F_FO_ENTROPY] = entropy;
  v[F_FO_UNIFORMITY] = CLAMP (pow (2.0, -entropy) * rng_lognormal (rng, 1.15, 0.05), 0.01, 1.0);

  /* Texture: driven by the latent heterogeneity. JointEntropy carries it
   * with the least noise; it is the planted survival predictor. */
  je = 6.5 + 1.0 * heterogeneity + rng_normal (rng, 0.0, 0.2);
  v[F_GLCM_JOINT_ENTROPY] = je;
  v[F_GLCM_JOINT_ENERGY] = pow (2.0, -je) * rng_lognormal (rng, 2.0, 0.15);
  v[F_GLCM_AUTOCORRELATION] = (mean + 1024.0) * (mean + 1024.0) / 2500.0 * rng_lognormal (rng, 1.0, 0.05);
  v[F_GLCM_CONTRAST] = 25.0 * exp (0.55 * heterogeneity + rng_normal (rng, 0.0, 0.2));
  v[F_GLCM_CORRELATION] = CLAMP (rng_normal (rng, 0.45 - 0.08 * heterogeneity, 0.08), -0.2, 0.98);
  v[F_GLCM_DIFF_ENTROPY] = 2.8 + 0.35 * heterogeneity + rng_normal (rng, 0.0, 0.1);
  v[F_GLCM_IDM] = CLAMP (rng_normal (rng, 0.35 - 0.05 * heterogeneity, 0.03), 0.05, 0.95);
  v[F_GLCM_IDMN] = CLAMP (rng_normal (rng, 0.96 - 0.01 * heterogeneity, 0.008), 0.8, 0.999);
  v[F_GLCM_IMC1] = CLAMP (rng_normal (rng, -0.15 + 0.03 * heterogeneity, 0.03), -0.6, -0.005);
  v[F_GLCM_SUM_ENTROPY] = 4.8 + 0.6 * heterogeneity + rng_normal (rng, 0.0, 0.15);

  v[F_GLRLM_GLNU] = 0.12 * nvox * rng_lognormal (rng, 1.0, 0.15);
  v[F_GLRLM_RLNU] = 0.7 * nvox * rng_lognormal (rng, 1.0, 0.1);
  v[F_GLRLM_LRE] = 1.8 * exp (0.2 * heterogeneity + rng_normal (rng, 0.0, 0.1));
  v[F_GLRLM_RUN_ENTROPY] = 4.5 + 0.4 * heterogeneity + rng_normal (rng, 0.0, 0.12);
  v[F_GLRLM_RUN_PERCENTAGE] = CLAMP (rng_normal (rng, 0.85 - 0.03 * heterogeneity, 0.02), 0.3, 1.0);
  v[F_GLRLM_SRE] = CLAMP (rng_normal (rng, 0.82 - 0.03 * heterogeneity, 0.02), 0.3, 1.0);

  v[F_GLSZM_GLNU] = 4.0 * pow (nvox, 0.6) * rng_lognormal (rng, 1.0, 0.2);
  v[F_GLSZM_SZNU] = 8.0 * pow (nvox, 0.65) * rng_lognormal (rng, 1.0, 0.2);
  v[F_GLSZM_LAE] = 0.5 * pow (nvox, 0.9) * rng_lognormal (rng, 1.0, 0.6);
  v[F_GLSZM_SAE] = CLAMP (rng_normal (rng, 0.62 + 0.03 * heterogeneity, 0.04), 0.2, 0.95);
  v[F_GLSZM_ZONE_ENTROPY] = 6.2 + 0.5 * heterogeneity + rng_normal (rng, 0.0, 0.15);
  v[F_GLSZM_ZONE_PERCENT] = CLAMP (rng_normal (rng, 0.45 - 0.05 * heterogeneity, 0.05), 0.02, 0.99);

  v[F_GLDM_DEP_ENTROPY] = 6.8 + 0.5 * heterogeneity + rng_normal (rng, 0.0, 0.15);
  v[F_GLDM_DNU] = 0.1 * nvox * rng_lognormal (rng, 1.0, 0.15);
  v[F_GLDM_LDE] = 60.0 * exp (-0.3 * heterogeneity + rng_normal (rng, 0.0, 0.25));
  v[F_GLDM_SDE] = 0.04 * exp (0.3 * heterogeneity + rng_normal (rng, 0.0, 0.2));

  v[F_NGTDM_BUSYNESS] = 0.05 * sqrt (nvox) * rng_lognormal (rng, 1.0, 0.4);
  v[F_NGTDM_COARSENESS] = 20.0 / pow (nvox, 0.8) * rng_lognormal (rng, 1.0, 0.3);
  v[F_NGTDM_COMPLEXITY] = 400.0 * exp (0.4 * heterogeneity + rng_normal (rng, 0.0, 0.25));
  v[F_NGTDM_CONTRAST] = 0.05 * exp (0.5 * heterogeneity + rng_normal (rng, 0.0, 0.25));
  v[F_NGTDM_STRENGTH] = 2.0 * exp (-0.3 * heterogeneity + rng_normal (rng, 0.0, 0.3));
}

static void
set_sphericity (Lesion *l,
                double  sphericity)
{
  double *v = l->value;
  double volume = v[F_SH_MESH_VOLUME];
  double area = cbrt (G_PI) * pow (6.0 * volume, 2.0 / 3.0) / sphericity;

  v[F_SH_SPHERICITY] = sphericity;
  v[F_SH_SURFACE_AREA] = area;
  v[F_SH_SURFACE_VOLUME] = area / volume;
}

static void
make_missing (Rng    *rng,
              Lesion *l)
{
  for (guint f = 0; f < N_FEATURES; f++)
    {
      l->missing[f] = 0;
      if (rng_chance (rng, 0.03))
        l->missing[f] = rng_chance (rng, 0.5) ? 1 : 2;
    }
}

static void
make_patient (Patient *p,
              guint64  seed,
              guint    number)
{
  static const double t_weights[4] = { 0.30, 0.36, 0.18, 0.16 };
  static const double smoke_weights[N_SMOKE] = { 0.35, 0.45, 0.20 };
  static const double hist_weights[N_SMOKE][N_HIST] = {
    { 0.33, 0.47, 0.06, 0.14 },   /* current */
    { 0.50, 0.30, 0.05, 0.15 },   /* former */
    { 0.78, 0.06, 0.03, 0.13 },   /* never */
  };
  static const double stage_hazard[N_STAGES] = { 1.0, 1.8, 3.0, 4.2, 7.5 };
  static const double t_diameter[4] = { 20.0, 38.0, 57.0, 72.0 };
  static const double lobe_weights[] = { 0.30, 0.08, 0.20, 0.25, 0.17 };
  double n_weights[4], p_m1, ecog_weights[5];
  double sphericity, je_z, hazard, event_time, censor_time, loss_time;
  Rng rng;
  Rng *r = &rng;
  gint64 cutoff;
  gint64 y;
  guint mo, d;

  memset (p, 0, sizeof *p);
  rng_init (r, seed, number);
  p->number = number;

  p->female = rng_chance (r, 0.42);
  if (p->female)
    p->given = female_given[rng_int (r, G_N_ELEMENTS (female_given))];
  else
    p->given = male_given[rng_int (r, G_N_ELEMENTS (male_given))];
  p->family = family_names[rng_int (r, G_N_ELEMENTS (family_names))];

  do
    p->age = (guint) floor (rng_normal (r, 67.5, 9.0));
  while (p->age < 40 || p->age > 85);

  /* dates are days since 1970-01-01 (cs-date.h) */
  p->diagnosis = cs_date_days_from_civil (2010, 1, 1)
                 + rng_int (r, (guint) (cs_date_days_from_civil (2021, 1, 1)
                                        - cs_date_days_from_civil (2010, 1, 1)));
  cs_date_civil_from_days (p->diagnosis, &y, &mo, &d);
  if (mo == 2 && d == 29)
    d = 28;
  p->birth = cs_date_days_from_civil (y - (gint64) p->age, mo, d) - rng_int (r, 365);
  p->study_day = p->diagnosis - rng_int (r, 22);
  p->study_minute = 7 * 60 + rng_int (r, 11 * 60);

  p->smoking = rng_pick (r, smoke_weights, N_SMOKE);
  p->smoking_missing = rng_chance (r, 0.03);
  p->histology = rng_pick (r, hist_weights[p->smoking], N_HIST);

  /* TNM: N and M grow more likely with T. */
  p->t = rng_pick (r, t_weights, 4) + 1;
  n_weights[0] = 0.55 - 0.08 * p->t;
  n_weights[1] = 0.15;
  n_weights[2] = 0.18 + 0.04 * p->t;
  n_weights[3] = 0.08 + 0.03 * p->t;
  p->n = rng_pick (r, n_weights, 4);
  p_m1 = 0.12 + 0.06 * p->t + 0.05 * p->n;
  p->m = rng_chance (r, p_m1) ? 1 : 0;
  p->stage = stage_from_tnm (p->t, p->n, p->m);

  ecog_weights[0] = 0.40 - 0.05 * p->stage;
  ecog_weights[1] = 0.38;
  ecog_weights[2] = 0.12 + 0.03 * p->stage;
  ecog_weights[3] = 0.05 + 0.02 * p->stage;
  ecog_weights[4] = 0.01 + 0.005 * p->stage;
  p->ecog = (int) rng_pick (r, ecog_weights, 5);
  if (rng_chance (r, 0.05))
    p->ecog = -1;

  p->cea = rng_lognormal (r, p->histology == HIST_ADENO ? 4.5 : 3.0, 0.9) * (p->m ? 2.0 : 1.0);
  if (rng_chance (r, 0.10))
    p->cea = NAN;
  p->hemoglobin = rng_normal (r, p->female ? 12.6 : 13.8, 1.4) - 0.25 * p->stage;
  if (rng_chance (r, 0.05))
    p->hemoglobin = NAN;
  p->ldh = rng_lognormal (r, 210.0 + 15.0 * p->stage, 0.25);
  if (rng_chance (r, 0.15))
    p->ldh = NAN;

  /* Lesions: the primary's size follows T; 15 % have a smaller second one. */
  make_lesion (r, &p->lesion[0], rng_lognormal (r, t_diameter[p->t - 1], 0.14),
               rng_normal (r, 0.0, 1.0));
  sphericity = rng_normal (r, p->histology == HIST_SQUAMOUS ? 0.64 : 0.73, 0.07);
  set_sphericity (&p->lesion[0], CLAMP (sphericity, 0.3, 0.95));
  p->lesion[0].lobe = rng_pick (r, lobe_weights, G_N_ELEMENTS (lobe_weights));
  make_missing (r, &p->lesion[0]);

  if (rng_chance (r, 0.15))
    {
      double factor = cbrt (rng_range (r, 0.04, 0.3));
      double h2 = 0.6 * p->lesion[0].heterogeneity + 0.8 * rng_normal (r, 0.0, 1.0);

      make_lesion (r, &p->lesion[1], cbrt (6.0 * p->lesion[0].volume / G_PI) * factor, h2);
      sphericity = rng_normal (r, p->histology == HIST_SQUAMOUS ? 0.68 : 0.76, 0.07);
      set_sphericity (&p->lesion[1], CLAMP (sphericity, 0.3, 0.95));
      p->lesion[1].lobe = rng_pick (r, lobe_weights, G_N_ELEMENTS (lobe_weights));
      make_missing (r, &p->lesion[1]);
    }

  /* Survival: exponential, proportional hazards on stage, JointEntropy
   * of the primary lesion, ECOG and age; censored by loss to follow-up
   * and by the data cut-off. */
  je_z = (p->lesion[0].value[F_GLCM_JOINT_ENTROPY] - 6.5) / 1.02;
  hazard = log (2.0) / (8.0 * 365.25) * stage_hazard[p->stage]
           * exp (0.5 * je_z) * exp (0.25 * MAX (p->ecog, 1)) * exp (0.02 * ((double) p->age - 67.0));
  event_time = -log (rng_uniform (r)) / hazard;
  loss_time = -log (rng_uniform (r)) / (log (2.0) / (6.0 * 365.25));
  cutoff = cs_date_days_from_civil (2023, 12, 31);
  censor_time = MIN (loss_time, (double) (cutoff - p->diagnosis));
  p->dead = event_time <= censor_time;
  p->survival_days = (guint) MAX (1.0, round (p->dead ? event_time : censor_time));

  g_snprintf (p->id, sizeof p->id, "demo-%04u", number);
}

/* ------------------------------------------------------------------------ */
/* Resources                                                                */

static void
sub_url (Writer     *w,
         const char *patient_id,
         const char *suffix,
         char        url[48])
{
  char id[64];

  g_snprintf (id, sizeof id, "%s-%s", patient_id, suffix);
  demo_full_url (w, id, url);
}

static void
write_device (Writer *w)
{
  begin_entry (w, "Device", "cohortscope-demo-pyradiomics");
  jw_string (w, "status", "active");
  jw_array (w, "deviceName");
  jw_object (w, NULL);
  jw_string (w, "name", "pyradiomics");
  jw_string (w, "type", "model-name");
  jw_end_object (w);
  jw_end_array (w);
  jw_array (w, "version");
  jw_object (w, NULL);
  jw_string (w, "value", "3.0.1");
  jw_end_object (w);
  jw_end_array (w);
  jw_array (w, "note");
  jw_object (w, NULL);
  jw_string (w, "text", "Synthetic Cohortscope demo values modelled on pyradiomics output: "
                        "original image, 1 mm isotropic resampling, bin width 25 HU, all feature classes.");
  jw_end_object (w);
  jw_end_array (w);
  end_entry (w);
}

static void
write_patient (Writer        *w,
               const Patient *p)
{
  char date[CS_DATE_BUF_SIZE];
  char mrn[32];

  begin_entry (w, "Patient", p->id);
  jw_array (w, "identifier");
  jw_object (w, NULL);
  jw_string (w, "system", ID_SYSTEM "patient");
  g_snprintf (mrn, sizeof mrn, "DEMO-%04u", p->number);
  jw_string (w, "value", mrn);
  jw_end_object (w);
  jw_end_array (w);
  jw_array (w, "name");
  jw_object (w, NULL);
  jw_string (w, "use", "official");
  jw_string (w, "family", p->family);
  jw_array (w, "given");
  jw_string (w, NULL, p->given);
  jw_end_array (w);
  jw_end_object (w);
  jw_end_array (w);
  jw_string (w, "gender", p->female ? "female" : "male");
  cs_date_format_buf ((double) p->birth, date);
  jw_string (w, "birthDate", date);
  if (p->dead)
    {
      cs_date_format_buf ((double) (p->diagnosis + p->survival_days), date);
      jw_string (w, "deceasedDateTime", date);
    }
  else
    jw_bool (w, "deceasedBoolean", FALSE);
  end_entry (w);
}

static void
write_condition (Writer        *w,
                 const Patient *p,
                 const char    *stage_url)
{
  static const Code nsclc = { SCT, "254637007", "Non-small cell lung cancer" };
  static const Code lung = { SCT, "39607008", "Lung structure" };
  static const Code clinical = { "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active" };
  static const Code confirmed = { "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed" };
  static const Code problem = { "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item" };
  static const Code stage_type = { SCT, "399537006", "Clinical TNM stage grouping" };
  char id[48];
  char date[CS_DATE_BUF_SIZE];

  g_snprintf (id, sizeof id, "%s-nsclc", p->id);
  begin_entry (w, "Condition", id);
  jw_array (w, "extension");
  jw_object (w, NULL);
  jw_string (w, "url", MCODE_HIST);
  jw_concept (w, "valueCodeableConcept", &histologies[p->histology], histologies[p->histology].display);
  jw_end_object (w);
  jw_end_array (w);
  jw_concept (w, "clinicalStatus", &clinical, NULL);
  jw_concept (w, "verificationStatus", &confirmed, NULL);
  jw_array (w, "category");
  jw_concept (w, NULL, &problem, NULL);
  jw_end_array (w);
  jw_concept (w, "code", &nsclc, "Non-small cell lung cancer");
  jw_array (w, "bodySite");
  jw_concept (w, NULL, &lung, NULL);
  jw_end_array (w);
  jw_reference (w, "subject", p->patient_url);
  cs_date_format_buf ((double) p->diagnosis, date);
  jw_string (w, "onsetDateTime", date);
  jw_string (w, "recordedDate", date);
  jw_array (w, "stage");
  jw_object (w, NULL);
  jw_concept (w, "summary", &stage_values[p->stage], stage_values[p->stage].display);
  jw_reference_list (w, "assessment", stage_url);
  jw_concept (w, "type", &stage_type, NULL);
  jw_end_object (w);
  jw_end_array (w);
  end_entry (w);
}

/* Common head of an Observation: status, category, code, subject, effective. */
static void
begin_observation (Writer        *w,
                   const Patient *p,
                   const char    *suffix,
                   const char    *category,
                   const char    *category_display,
                   const Code    *code,
                   const char    *text,
                   const char    *effective)
{
  char id[64];

  g_snprintf (id, sizeof id, "%s-%s", p->id, suffix);
  begin_entry (w, "Observation", id);
  jw_string (w, "status", "final");
  jw_category (w, category, category_display);
  jw_concept (w, "code", code, text);
  jw_reference (w, "subject", p->patient_url);
  jw_string (w, "effectiveDateTime", effective);
}

static void
write_staging (Writer        *w,
               const Patient *p)
{
  static const Code stage_code = { SCT, "399537006", "Clinical TNM stage grouping" };
  static const Code t_code = { SCT, "399504009", "cT category" };
  static const Code n_code = { SCT, "399534004", "cN category" };
  static const Code m_code = { SCT, "399387003", "cM category" };
  static const Code method = { SCT, "443830009", "American Joint Commission on Cancer, Cancer Staging Manual, 7th edition neoplasm staging system" };
  const struct
  {
    const char *suffix;
    const Code *code;
    const char *text;
    const Code *value;
  } parts[] = {
    { "stage-t", &t_code, "Clinical T category", &t_values[p->t - 1] },
    { "stage-n", &n_code, "Clinical N category", &n_values[p->n] },
    { "stage-m", &m_code, "Clinical M category", &m_values[p->m] },
  };
  char date[CS_DATE_BUF_SIZE];
  char url[48];

  cs_date_format_buf ((double) p->diagnosis, date);

  begin_observation (w, p, "stage", "exam", "Exam", &stage_code, "Clinical stage group", date);
  jw_array (w, "focus");
  jw_reference (w, NULL, p->condition_url);
  jw_end_array (w);
  jw_concept (w, "valueCodeableConcept", &stage_values[p->stage], stage_values[p->stage].display);
  jw_concept (w, "method", &method, NULL);
  jw_array (w, "hasMember");
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      sub_url (w, p->id, parts[i].suffix, url);
      jw_reference (w, NULL, url);
    }
  jw_end_array (w);
  end_entry (w);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      begin_observation (w, p, parts[i].suffix, "exam", "Exam", parts[i].code, parts[i].text, date);
      jw_array (w, "focus");
      jw_reference (w, NULL, p->condition_url);
      jw_end_array (w);
      jw_concept (w, "valueCodeableConcept", parts[i].value, parts[i].value->display);
      jw_concept (w, "method", &method, NULL);
      end_entry (w);
    }
}

static void
write_clinical (Writer        *w,
                const Patient *p)
{
  static const Code smoking = { LOINC, "72166-2", "Tobacco smoking status" };
  static const Code ecog = { LOINC, "89247-1", "ECOG Performance Status score" };
  static const Code cea = { LOINC, "2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma" };
  static const Code hb = { LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood" };
  static const Code ldh = { LOINC, "2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma" };
  char date[CS_DATE_BUF_SIZE];

  cs_date_format_buf ((double) p->diagnosis, date);

  if (!p->smoking_missing)
    {
      begin_observation (w, p, "smoking", "social-history", "Social History", &smoking,
                         "Smoking status", date);
      jw_concept (w, "valueCodeableConcept", &smoking_values[p->smoking], smoking_values[p->smoking].display);
      end_entry (w);
    }

  if (p->ecog >= 0)
    {
      begin_observation (w, p, "ecog", "survey", "Survey", &ecog, "ECOG performance status", date);
      jw_int (w, "valueInteger", p->ecog);
      end_entry (w);
    }

  cs_date_format_buf ((double) (p->diagnosis - 2), date);
  if (!isnan (p->cea))
    {
      begin_observation (w, p, "cea", "laboratory", "Laboratory", &cea, "CEA", date);
      jw_quantity (w, "valueQuantity", p->cea, 3, "ng/mL", "ng/mL");
      end_entry (w);
    }
  if (!isnan (p->hemoglobin))
    {
      begin_observation (w, p, "hb", "laboratory", "Laboratory", &hb, "Hemoglobin", date);
      jw_quantity (w, "valueQuantity", p->hemoglobin, 3, "g/dL", "g/dL");
      end_entry (w);
    }
  if (!isnan (p->ldh))
    {
      begin_observation (w, p, "ldh", "laboratory", "Laboratory", &ldh, "LDH", date);
      jw_quantity (w, "valueQuantity", p->ldh, 3, "U/L", "U/L");
      end_entry (w);
    }
}

static void
write_outcome (Writer        *w,
               const Patient *p)
{
  static const Code vital = { LOINC, "75186-7", "Vital status" };
  static const Code survival = { SCT, "445320007", "Survival time" };
  char date[CS_DATE_BUF_SIZE];

  cs_date_format_buf ((double) (p->diagnosis + p->survival_days), date);

  begin_observation (w, p, "vital", "survey", "Survey", &vital, "Vital status", date);
  jw_concept (w, "valueCodeableConcept", &vital_values[p->dead ? 1 : 0], vital_values[p->dead ? 1 : 0].display);
  end_entry (w);

  begin_observation (w, p, "survival", "exam", "Exam", &survival,
                     "Overall survival from diagnosis", date);
  jw_array (w, "focus");
  jw_reference (w, NULL, p->condition_url);
  jw_end_array (w);
  jw_quantity (w, "valueQuantity", p->survival_days, 10, "d", "d");
  end_entry (w);
}

static void
format_study_time (char           buf[32],
                   const Patient *p)
{
  char date[CS_DATE_BUF_SIZE];

  cs_date_format_buf ((double) p->study_day, date);
  g_snprintf (buf, 32, "%sT%02u:%02u:00Z", date, p->study_minute / 60, p->study_minute % 60);
}

static void
write_imaging_study (Writer        *w,
                     const Patient *p)
{
  static const Code lung = { SCT, "39607008", "Lung structure" };
  char id[48], series_id[48];
  char study_uid[64], series_uid[64];
  char started[32];
  gint64 instances = 180 + (p->number * 37) % 240;

  g_snprintf (id, sizeof id, "%s-ct", p->id);
  g_snprintf (series_id, sizeof series_id, "%s-ct-series1", p->id);
  demo_dicom_uid (w, id, study_uid);
  demo_dicom_uid (w, series_id, series_uid);
  format_study_time (started, p);

  begin_entry (w, "ImagingStudy", id);
  jw_array (w, "identifier");
  jw_object (w, NULL);
  jw_string (w, "system", "urn:dicom:uid");
  {
    g_autofree char *value = g_strconcat ("urn:oid:", study_uid, NULL);
    jw_string (w, "value", value);
  }
  jw_end_object (w);
  jw_end_array (w);
  jw_string (w, "status", "available");
  jw_array (w, "modality");
  jw_coding (w, NULL, DCM, "CT", "Computed Tomography");
  jw_end_array (w);
  jw_reference (w, "subject", p->patient_url);
  jw_string (w, "started", started);
  jw_int (w, "numberOfSeries", 1);
  jw_int (w, "numberOfInstances", instances);
  jw_reference_list (w, "reasonReference", p->condition_url);
  jw_string (w, "description", "CT chest");
  jw_array (w, "series");
  jw_object (w, NULL);
  jw_string (w, "uid", series_uid);
  jw_int (w, "number", 1);
  jw_coding (w, "modality", DCM, "CT", "Computed Tomography");
  jw_string (w, "description", "Thorax 1.0 mm");
  jw_int (w, "numberOfInstances", instances);
  jw_coding (w, "bodySite", lung.system, lung.code, lung.display);
  jw_string (w, "started", started);
  jw_end_object (w);
  jw_end_array (w);
  end_entry (w);
}

static void
write_body_structure (Writer        *w,
                      const Patient *p,
                      guint          index)
{
  static const Code mass = { SCT, "4147007", "Mass" };
  const Lesion *l = &p->lesion[index];
  char id[48], seg_id[48], seg_uid[64], description[160];

  g_snprintf (id, sizeof id, "%s-lesion%u", p->id, index + 1);
  g_snprintf (seg_id, sizeof seg_id, "%s-ct-seg", p->id);
  demo_dicom_uid (w, seg_id, seg_uid);
  g_snprintf (description, sizeof description, "Lesion %u (%s), segment %u of SEG series %s",
              index + 1, index == 0 ? "primary tumour" : "second lesion", index + 1, seg_uid);

  begin_entry (w, "BodyStructure", id);
  jw_array (w, "identifier");
  jw_object (w, NULL);
  jw_string (w, "system", ID_SYSTEM "lesion");
  jw_string (w, "value", id);
  jw_end_object (w);
  jw_end_array (w);
  jw_bool (w, "active", TRUE);
  jw_concept (w, "morphology", &mass, NULL);
  jw_concept (w, "location", &lobes[l->lobe].code, NULL);
  jw_string (w, "description", description);
  jw_reference (w, "patient", p->patient_url);
  end_entry (w);
}

static void
write_feature_code (Writer     *w,
                    guint       f,
                    const char *column)
{
  jw_object (w, "code");
  jw_array (w, "coding");
  jw_coding (w, NULL, PYRAD, column, features[f].name);
  if (features[f].ibsi_code != NULL)
    jw_coding (w, NULL, IBSI, features[f].ibsi_code, features[f].ibsi_display);
  jw_end_array (w);
  jw_string (w, "text", column);
  jw_end_object (w);
}

static void
write_feature_value (Writer       *w,
                     const Lesion *l,
                     guint         f)
{
  if (l->missing[f] == 2)
    jw_data_absent (w);
  else
    jw_quantity (w, "valueQuantity", l->value[f], 6,
                 units[features[f].unit].unit, units[features[f].unit].code);
}

static void
write_radiomics_context (Writer        *w,
                         const Patient *p,
                         const char    *lesion_url,
                         const char    *effective)
{
  jw_reference (w, "subject", p->patient_url);
  jw_array (w, "focus");
  jw_reference (w, NULL, lesion_url);
  jw_end_array (w);
  jw_string (w, "effectiveDateTime", effective);
}

static void
write_radiomics (Writer        *w,
                 const Patient *p,
                 guint          index)
{
  static const Code lung = { SCT, "39607008", "Lung structure" };
  const Lesion *l = &p->lesion[index];
  char lesion_url[48], effective[32], id[96], column[64], suffix[16];

  g_snprintf (suffix, sizeof suffix, "lesion%u", index + 1);
  sub_url (w, p->id, suffix, lesion_url);
  format_study_time (effective, p);

  for (guint c = 0; c < G_N_ELEMENTS (single_classes); c++)
    for (guint f = 0; f < N_FEATURES; f++)
      {
        if (strcmp (features[f].klass, single_classes[c]) != 0 || l->missing[f] == 1)
          continue;

        g_snprintf (id, sizeof id, "%s-l%u-%s-%s", p->id, index + 1, features[f].klass, features[f].name);
        g_snprintf (column, sizeof column, "original_%s_%s", features[f].klass, features[f].name);
        begin_entry (w, "Observation", id);
        jw_string (w, "status", "final");
        jw_category (w, "imaging", "Imaging");
        write_feature_code (w, f, column);
        write_radiomics_context (w, p, lesion_url, effective);
        write_feature_value (w, l, f);
        jw_concept (w, "bodySite", &lung, NULL);
        jw_reference (w, "device", p->device_url);
        jw_reference_list (w, "derivedFrom", p->study_url);
        end_entry (w);
      }

  for (guint c = 0; c < G_N_ELEMENTS (component_classes); c++)
    {
      const char *klass = component_classes[c];

      g_snprintf (id, sizeof id, "%s-l%u-%s", p->id, index + 1, klass);
      g_snprintf (column, sizeof column, "original_%s", klass);
      begin_entry (w, "Observation", id);
      jw_string (w, "status", "final");
      jw_category (w, "imaging", "Imaging");
      jw_object (w, "code");
      jw_array (w, "coding");
      jw_coding (w, NULL, PYRAD, column, NULL);
      jw_end_array (w);
      jw_string (w, "text", column);
      jw_end_object (w);
      write_radiomics_context (w, p, lesion_url, effective);
      jw_concept (w, "bodySite", &lung, NULL);
      jw_reference (w, "device", p->device_url);
      jw_reference_list (w, "derivedFrom", p->study_url);
      jw_array (w, "component");
      for (guint f = 0; f < N_FEATURES; f++)
        {
          if (strcmp (features[f].klass, klass) != 0 || l->missing[f] == 1)
            continue;
          g_snprintf (column, sizeof column, "original_%s_%s", klass, features[f].name);
          jw_object (w, NULL);
          write_feature_code (w, f, column);
          write_feature_value (w, l, f);
          jw_end_object (w);
        }
      jw_end_array (w);
      end_entry (w);
    }
}

static void
write_patient_entries (Writer  *w,
                       Patient *p)
{
  char stage_url[48];

  demo_full_url (w, p->id, p->patient_url);
  sub_url (w, p->id, "nsclc", p->condition_url);
  sub_url (w, p->id, "ct", p->study_url);
  sub_url (w, p->id, "stage", stage_url);
  demo_full_url (w, "cohortscope-demo-pyradiomics", p->device_url);

  write_patient (w, p);
  write_condition (w, p, stage_url);
  write_staging (w, p);
  write_clinical (w, p);
  write_imaging_study (w, p);
  write_body_structure (w, p, 0);
  if (p->lesion[1].present)
    write_body_structure (w, p, 1);
  /* The second lesion first: with the default "latest" roll-up (ties: last
   * in input) the primary lesion's values win. */
  if (p->lesion[1].present)
    write_radiomics (w, p, 1);
  write_radiomics (w, p, 0);
  write_outcome (w, p);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */

gboolean
cs_demo_write (GOutputStream  *out,
               guint           n_patients,
               guint64         seed,
               GCancellable   *cancellable,
               GError        **error)
{
  Writer w = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  w.out = out;
  w.cancellable = cancellable;
  w.buf = g_string_sized_new (FLUSH_SIZE + 64 * 1024);
  w.sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  w.seed = seed;
  w.first_entry = TRUE;

  g_string_append_printf (w.buf,
                          "{\"resourceType\":\"Bundle\",\"id\":\"cohortscope-demo-%u-%" G_GUINT64_FORMAT "\","
                          "\"meta\":{\"tag\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\","
                          "\"code\":\"HTEST\",\"display\":\"test health data\"}]},"
                          "\"type\":\"collection\",\"entry\":[\n",
                          n_patients, seed);

  write_device (&w);

  for (guint i = 1; i <= n_patients && w.error == NULL; i++)
    {
      Patient p;

      if (g_cancellable_set_error_if_cancelled (cancellable, &w.error))
        break;
      make_patient (&p, seed, i);
      write_patient_entries (&w, &p);
    }

  if (w.error == NULL)
    {
      g_string_append (w.buf, "\n]}\n");
      ok = writer_flush (&w);
    }

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&w.error));

  g_string_free (w.buf, TRUE);
  g_checksum_free (w.sha1);

  return ok;
}

gboolean
cs_demo_write_file (const char    *path,
                    guint          n_patients,
                    guint64        seed,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_path (path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &local_error);
  if (out == NULL)
    {
      /* GIO's message usually names the file already. */
      if (strstr (local_error->message, path) != NULL)
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not create the demo cohort file: %s"), local_error->message);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not create the demo cohort file “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if (!cs_demo_write (G_OUTPUT_STREAM (out), n_patients, seed, cancellable, &local_error))
    {
      /* Closing with a cancelled cancellable keeps the old file, if any. */
      g_autoptr(GCancellable) abort = g_cancellable_new ();

      g_cancellable_cancel (abort);
      g_output_stream_close (G_OUTPUT_STREAM (out), abort, NULL);
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the demo cohort to “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the demo cohort to “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}
