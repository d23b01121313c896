/* cs-radiomics.h: pyradiomics feature names, IBSI codes and units
 *
 * Parses pyradiomics column names into image type / filter, feature class
 * and feature:
 *   original_glcm_JointEntropy
 *   wavelet-HLH_glrlm_GrayLevelNonUniformity
 *   log-sigma-3-0-mm-3D_firstorder_Mean
 *   square_firstorder_Mean, squareroot_…, logarithm_…, exponential_…,
 *   gradient_…, lbp-2D_…, lbp-3D-m1_…, lbp-3D-k_…
 *   diagnostics_Image-original_Hash          (diagnostics, not a feature)
 *   glcm_JointEntropy                         (Kaapana drops "original_")
 *   JointEntropy                              (bare; the class comes from the caller)
 *   HLH GrayLevelNonUniformity                (bare with a wavelet band)
 * Matching is case-insensitive and accepts "Grey" for "Gray"; the result uses
 * pyradiomics' spelling. The feature list per class is pyradiomics' API
 * (3.x, plus the names older versions emitted: Compactness1/2,
 * SphericalDisproportion, SumVariance, Dissimilarity, Homogeneity1/2,
 * StandardDeviation…).
 *
 * The IBSI dictionary (pyradiomics' featuresDict_IBSIv7.tsv) is read at run
 * time from a path the caller gives; it is never shipped with Cohortscope.
 * Its known slips are corrected and documented in docs/RADIOMICS.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CS_RADIOMICS_ERROR (cs_radiomics_error_quark ())

typedef enum
{
  CS_RADIOMICS_ERROR_NAME,        /* not a pyradiomics feature name */
  CS_RADIOMICS_ERROR_IO,          /* the dictionary cannot be read */
  CS_RADIOMICS_ERROR_DICTIONARY,  /* the dictionary is not a featuresDict TSV */
} CsRadiomicsError;

GQuark cs_radiomics_error_quark (void);

/* Code systems (docs/RADIOMICS.md) */
#define CS_RADIOMICS_PYRADIOMICS_SYSTEM "https://pyradiomics.readthedocs.io"
#define CS_RADIOMICS_IBSI_SYSTEM        "https://ibsi.readthedocs.io/en/latest/"

typedef enum
{
  CS_RADIOMICS_CLASS_NONE = 0,
  CS_RADIOMICS_CLASS_FIRSTORDER,
  CS_RADIOMICS_CLASS_SHAPE,
  CS_RADIOMICS_CLASS_SHAPE2D,
  CS_RADIOMICS_CLASS_GLCM,
  CS_RADIOMICS_CLASS_GLRLM,
  CS_RADIOMICS_CLASS_GLSZM,
  CS_RADIOMICS_CLASS_GLDM,
  CS_RADIOMICS_CLASS_NGTDM,
} CsRadiomicsClass;

typedef enum
{
  CS_RADIOMICS_KIND_FEATURE,
  CS_RADIOMICS_KIND_DIAGNOSTIC,   /* diagnostics_*: provenance, not a feature */
} CsRadiomicsKind;

typedef enum
{
  CS_RADIOMICS_MODALITY_CT,       /* intensities in Hounsfield units */
  CS_RADIOMICS_MODALITY_OTHER,    /* MR, PET…: intensities have no fixed unit */
} CsRadiomicsModality;

/* A parsed column name. Strings are owned by the struct. */
typedef struct
{
  CsRadiomicsKind  kind;
  char            *image_type;     /* "original", "wavelet", "log", "square", "squareroot",
                                    * "logarithm", "exponential", "gradient", "lbp-2D", "lbp-3D" */
  char            *filter;         /* the image type's parameter text as written, canonical case:
                                    * "HLH", "sigma-3-0-mm-3D", "k", "m1"; NULL when none */
  char            *wavelet_band;   /* "HLH" for wavelet, else NULL */
  int              wavelet_level;  /* 1 for "wavelet-HLH", 2 for "wavelet2-HLH"; 0 unless wavelet */
  double           sigma_mm;       /* LoG sigma in mm, NAN unless log */
  int              dimensions;     /* 2 or 3 for LoG and LBP ("-3D"), 0 when not given */
  CsRadiomicsClass feature_class;  /* NONE for diagnostics */
  char            *feature;        /* pyradiomics spelling: "JointEntropy";
                                    * for diagnostics the rest: "Image-original_Hash" */
  char            *column;         /* canonical pyradiomics column name:
                                    * "wavelet-HLH_glrlm_GrayLevelNonUniformity" */
  char            *label;          /* "Wavelet HLH · GLRLM Gray Level Non-Uniformity" */
  gboolean         deprecated;     /* a name pyradiomics no longer emits */
} CsRadiomicsName;

void              cs_radiomics_name_free     (CsRadiomicsName *name);

/* Parse a column name. default_class is used for bare names ("JointEntropy",
 * "HLH GrayLevelNonUniformity"); NONE means bare names are refused. Returns
 * NULL with an error naming what was not recognised. */
CsRadiomicsName  *cs_radiomics_parse         (const char       *column,
                                              CsRadiomicsClass  default_class,
                                              GError          **error);

/* "glcm" ↔ CS_RADIOMICS_CLASS_GLCM (case-insensitive; "GLCM", "shape2D") */
CsRadiomicsClass  cs_radiomics_class_from_name (const char      *name);
const char       *cs_radiomics_class_name      (CsRadiomicsClass feature_class);  /* "glcm" */
const char       *cs_radiomics_class_label     (CsRadiomicsClass feature_class);  /* "GLCM", "First Order" */

/* The canonical pyradiomics feature names of a class (NULL-terminated,
 * static), current ones first; and a check. */
const char *const *cs_radiomics_class_features (CsRadiomicsClass feature_class);
const char       *cs_radiomics_canonical_feature (CsRadiomicsClass  feature_class,
                                                  const char       *feature);  /* NULL when unknown */

/* The UCUM unit of a feature's value: "mm3", "mm2", "mm", "1", "[hnsf'U]"
 * (CT intensities), "[hnsf'U]2"… NULL when it has no fixed unit (intensity
 * features of MR/PET, or a feature whose unit depends on settings); *note
 * (optional) gets a static explanation used in docs/RADIOMICS.md. */
const char       *cs_radiomics_unit          (const CsRadiomicsName *name,
                                              CsRadiomicsModality    modality,
                                              const char           **note);

/* The IBSI dictionary. */
typedef struct _CsRadiomicsDict CsRadiomicsDict;

CsRadiomicsDict  *cs_radiomics_dict_load     (const char       *path,
                                              GError          **error);
CsRadiomicsDict  *cs_radiomics_dict_parse    (const char       *data,
                                              gsize             len,
                                              const char       *source_name,
                                              GError          **error);
void              cs_radiomics_dict_free     (CsRadiomicsDict  *dict);
/* Corrections made while loading (one sentence each, naming the line). */
const char *const *cs_radiomics_dict_notes   (CsRadiomicsDict  *dict);

typedef struct
{
  const char *code;      /* "TU9B", or NULL */
  const char *meaning;   /* "Joint entropy", or NULL */
  const char *reason;    /* when code is NULL: why (translated, static or owned by the dict) */
} CsRadiomicsIbsi;

/* The IBSI code of a feature (image filters do not change the code: they
 * are recorded beside it). Returns FALSE with info->reason when there is
 * none or it is refused (pyradiomics Kurtosis is not IBSI's excess
 * kurtosis; diagnostics; a feature the dictionary does not match). */
gboolean          cs_radiomics_dict_lookup   (CsRadiomicsDict       *dict,
                                              const CsRadiomicsName *name,
                                              CsRadiomicsIbsi       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRadiomicsName, cs_radiomics_name_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRadiomicsDict, cs_radiomics_dict_free)

G_END_DECLS
