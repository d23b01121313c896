/* test-radiomics.c: pyradiomics names, the IBSI dictionary and units
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "cs-radiomics.h"

typedef struct
{
  const char      *column;
  CsRadiomicsClass given;
  const char      *image_type;
  const char      *filter;
  CsRadiomicsClass cls;
  const char      *feature;
  const char      *canonical;
  const char      *label;
} NameCase;

static const NameCase names[] = {
  { "original_glcm_JointEntropy", 0, "original", NULL, CS_RADIOMICS_CLASS_GLCM, "JointEntropy",
    "original_glcm_JointEntropy", "GLCM Joint Entropy" },
  { "wavelet-HLH_glrlm_GrayLevelNonUniformity", 0, "wavelet", "HLH", CS_RADIOMICS_CLASS_GLRLM,
    "GrayLevelNonUniformity", "wavelet-HLH_glrlm_GrayLevelNonUniformity",
    "Wavelet HLH · GLRLM Gray Level Non-Uniformity" },
  { "log-sigma-3-0-mm-3D_firstorder_Mean", 0, "log", "sigma-3-0-mm-3D", CS_RADIOMICS_CLASS_FIRSTORDER, "Mean",
    "log-sigma-3-0-mm-3D_firstorder_Mean", "LoG σ 3.0 mm 3D · First Order Mean" },
  { "square_firstorder_Mean", 0, "square", NULL, CS_RADIOMICS_CLASS_FIRSTORDER, "Mean",
    "square_firstorder_Mean", "Square · First Order Mean" },
  { "squareroot_glszm_ZoneEntropy", 0, "squareroot", NULL, CS_RADIOMICS_CLASS_GLSZM, "ZoneEntropy",
    "squareroot_glszm_ZoneEntropy", "Square Root · GLSZM Zone Entropy" },
  { "logarithm_gldm_DependenceEntropy", 0, "logarithm", NULL, CS_RADIOMICS_CLASS_GLDM, "DependenceEntropy",
    "logarithm_gldm_DependenceEntropy", "Logarithm · GLDM Dependence Entropy" },
  { "exponential_ngtdm_Busyness", 0, "exponential", NULL, CS_RADIOMICS_CLASS_NGTDM, "Busyness",
    "exponential_ngtdm_Busyness", "Exponential · NGTDM Busyness" },
  { "gradient_firstorder_10Percentile", 0, "gradient", NULL, CS_RADIOMICS_CLASS_FIRSTORDER, "10Percentile",
    "gradient_firstorder_10Percentile", "Gradient · First Order 10th Percentile" },
  { "lbp-3D-k_firstorder_Entropy", 0, "lbp-3D", "k", CS_RADIOMICS_CLASS_FIRSTORDER, "Entropy",
    "lbp-3D-k_firstorder_Entropy", "LBP 3D k · First Order Entropy" },
  { "lbp-3D-m1_glcm_Idmn", 0, "lbp-3D", "m1", CS_RADIOMICS_CLASS_GLCM, "Idmn",
    "lbp-3D-m1_glcm_Idmn", "LBP 3D m1 · GLCM Inverse Difference Moment Normalized" },
  { "lbp-2D_glcm_Idmn", 0, "lbp-2D", NULL, CS_RADIOMICS_CLASS_GLCM, "Idmn", "lbp-2D_glcm_Idmn", NULL },
  { "wavelet2-LLH_glcm_Contrast", 0, "wavelet", "2-LLH", CS_RADIOMICS_CLASS_GLCM, "Contrast",
    "wavelet2-LLH_glcm_Contrast", "Wavelet level 2 LLH · GLCM Contrast" },
  { "original_shape_Maximum3DDiameter", 0, "original", NULL, CS_RADIOMICS_CLASS_SHAPE, "Maximum3DDiameter",
    "original_shape_Maximum3DDiameter", "Shape Maximum 3D Diameter" },
  { "original_shape2D_PerimeterSurfaceRatio", 0, "original", NULL, CS_RADIOMICS_CLASS_SHAPE2D,
    "PerimeterSurfaceRatio", "original_shape2D_PerimeterSurfaceRatio", NULL },
  /* case-insensitive, Grey for Gray, Kaapana without "original_" */
  { "ORIGINAL_GLCM_jointentropy", 0, "original", NULL, CS_RADIOMICS_CLASS_GLCM, "JointEntropy",
    "original_glcm_JointEntropy", NULL },
  { "glcm_JointEntropy", 0, "original", NULL, CS_RADIOMICS_CLASS_GLCM, "JointEntropy", "original_glcm_JointEntropy", NULL },
  { "original_glszm_LowGreyLevelZoneEmphasis", 0, "original", NULL, CS_RADIOMICS_CLASS_GLSZM,
    "LowGrayLevelZoneEmphasis", "original_glszm_LowGrayLevelZoneEmphasis", NULL },
  { "WAVELET-hlh_glrlm_RunEntropy", 0, "wavelet", "HLH", CS_RADIOMICS_CLASS_GLRLM, "RunEntropy",
    "wavelet-HLH_glrlm_RunEntropy", NULL },
  /* bare names with the class from the table (filipjb's Lung1 files) */
  { "JointEntropy", CS_RADIOMICS_CLASS_GLCM, "original", NULL, CS_RADIOMICS_CLASS_GLCM, "JointEntropy",
    "original_glcm_JointEntropy", NULL },
  { "HLH GrayLevelNonUniformity", CS_RADIOMICS_CLASS_GLRLM, "wavelet", "HLH", CS_RADIOMICS_CLASS_GLRLM,
    "GrayLevelNonUniformity", "wavelet-HLH_glrlm_GrayLevelNonUniformity", NULL },
  { "Compactness2", CS_RADIOMICS_CLASS_SHAPE, "original", NULL, CS_RADIOMICS_CLASS_SHAPE, "Compactness2",
    "original_shape_Compactness2", "Shape Compactness 2" },
  { "  StandardDeviation ", CS_RADIOMICS_CLASS_FIRSTORDER, "original", NULL, CS_RADIOMICS_CLASS_FIRSTORDER,
    "StandardDeviation", "original_firstorder_StandardDeviation", NULL },
  { "original_Contrast", CS_RADIOMICS_CLASS_NGTDM, "original", NULL, CS_RADIOMICS_CLASS_NGTDM, "Contrast",
    "original_ngtdm_Contrast", NULL },
};

static const struct { const char *column; CsRadiomicsClass given; } bad_names[] = {
  { "", 0 }, { "   ", 0 }, { "JointEntropy", 0 }, { "original_glcm_Nonsense", 0 }, { "original_glxm_JointEntropy", 0 },
  { "blurred_glcm_JointEntropy", 0 }, { "wavelet-HXH_glcm_Contrast", 0 }, { "wavelet-HHHH_glcm_Contrast", 0 },
  { "wavelet_glcm_Contrast", 0 }, { "log-sigma-3-mm-3D_firstorder_Mean", 0 }, { "log-sigma-3-0-mm-4D_firstorder_Mean", 0 },
  { "log-sigma-a-0-mm-3D_firstorder_Mean", 0 }, { "lbp-3D-x_glcm_Idmn", 0 }, { "original_glcm_Joint_Entropy", 0 },
  { "original_shape_JointEntropy", 0 }, { "PatientID", CS_RADIOMICS_CLASS_GLCM }, { "HLH", CS_RADIOMICS_CLASS_GLRLM },
  { "XYZ GrayLevelVariance", CS_RADIOMICS_CLASS_GLRLM }, { "HLH Gray LevelVariance", CS_RADIOMICS_CLASS_GLRLM },
  { "original_Contrast", 0 }, { "diagnostics_", 0 }, { "Unnamed: 0", CS_RADIOMICS_CLASS_GLCM },
  { "\xff\xfe", CS_RADIOMICS_CLASS_GLCM }, { "_glcm_Contrast", 0 }, { "original__Contrast", 0 },
};

static void
test_parse (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const NameCase *c = &names[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (CsRadiomicsName) n = cs_radiomics_parse (c->column, c->given, &error);

      if (n == NULL)
        g_error ("%s: %s", c->column, error->message);
      g_assert_cmpint (n->kind, ==, CS_RADIOMICS_KIND_FEATURE);
      g_assert_cmpstr (n->image_type, ==, c->image_type);
      g_assert_cmpstr (n->filter, ==, c->filter);
      g_assert_cmpint (n->feature_class, ==, c->cls);
      g_assert_cmpstr (n->feature, ==, c->feature);
      g_assert_cmpstr (n->column, ==, c->canonical);
      if (c->label != NULL)
        g_assert_cmpstr (n->label, ==, c->label);
    }
  for (i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CsRadiomicsName) n = cs_radiomics_parse (bad_names[i].column, bad_names[i].given, &error);

      if (n != NULL)
        g_error ("“%s” accepted as %s", bad_names[i].column, n->column);
      g_assert_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_NAME);
    }
}

static void
test_parse_details (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsRadiomicsName) log = cs_radiomics_parse ("log-sigma-1-5-mm-2D_glcm_Contrast", 0, &error);
  g_autoptr (CsRadiomicsName) wav = cs_radiomics_parse ("wavelet-LH_glcm_Contrast", 0, &error);
  g_autoptr (CsRadiomicsName) diag = cs_radiomics_parse ("diagnostics_Image-original_Hash", 0, &error);
  g_autoptr (CsRadiomicsName) old = cs_radiomics_parse ("original_glcm_SumVariance", 0, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (log->sigma_mm, ==, 1.5);
  g_assert_cmpint (log->dimensions, ==, 2);
  g_assert_cmpstr (wav->wavelet_band, ==, "LH");
  g_assert_cmpint (wav->wavelet_level, ==, 1);
  g_assert_true (isnan (wav->sigma_mm));
  g_assert_cmpint (diag->kind, ==, CS_RADIOMICS_KIND_DIAGNOSTIC);
  g_assert_cmpint (diag->feature_class, ==, CS_RADIOMICS_CLASS_NONE);
  g_assert_cmpstr (diag->feature, ==, "Image-original_Hash");
  g_assert_true (old->deprecated);
  g_assert_false (log->deprecated);

  g_assert_cmpint (cs_radiomics_class_from_name ("GLCM"), ==, CS_RADIOMICS_CLASS_GLCM);
  g_assert_cmpint (cs_radiomics_class_from_name ("shape2d"), ==, CS_RADIOMICS_CLASS_SHAPE2D);
  g_assert_cmpint (cs_radiomics_class_from_name ("glcmx"), ==, CS_RADIOMICS_CLASS_NONE);
  g_assert_cmpstr (cs_radiomics_class_name (CS_RADIOMICS_CLASS_SHAPE2D), ==, "shape2D");
  g_assert_cmpstr (cs_radiomics_canonical_feature (CS_RADIOMICS_CLASS_GLCM, "idmn"), ==, "Idmn");
  g_assert_null (cs_radiomics_canonical_feature (CS_RADIOMICS_CLASS_GLCM, "Idmnn"));
  g_assert_cmpstr (cs_radiomics_class_features (CS_RADIOMICS_CLASS_NGTDM)[4], ==, "Strength");
  g_assert_null (cs_radiomics_class_features (CS_RADIOMICS_CLASS_NGTDM)[5]);
}

/* A dictionary with the slips of the real one, written for this test */
static const char fixture[] =
  "IBSI_meaning\tIBSI_code\tpyradiomics_feature_class\tpyradiomics_feature_name\tpyradiomics_notes\r\n"
  "Morphological features\tHCUG\t\t\t\r\n"
  "Volume\tRNU0\tshape\tMeshVolume\t\r\n"
  "Intensity-based statistical features\tUHIW\t\t\t\r\n"
  "Mean\tQ4LE\tfirstorder\tMean\t\r\n"
  "Kurtosis\tIPH6\tfirstorder\tKurtosis\tpyradiomics does not subtract 3\r\n"
  "\r\n"
  "Grey level co-occurrence based features\tLFYI\t\t\t\r\n"
  "Joint entropy\tTU9B\tglcm\tJointEntropy\r\n"                      /* a short row */
  "Joint entropy again\tXXXX\tglcm\tJointEntropy\t\r\n"               /* a duplicate */
  "Grey level size zone based features\t9SAK\t\t\t\r\n"
  "Low grey level zone emphasis\tXMSY\t\t\t\r\n"
  "Small zone low grey level emphasis\t5RAI\tglcm\tSmallAreaLowGrayLevelEmphasis\t\r\n"
  "Zone size variance\t3NSA\tglszm\tZoneSizeVariance\t\r\n"
  "Grey level distance zone based features\tVMDZ\t\t\t\r\n"
  "Low grey level zone emphasis\tS1RA\tglszm\tLowGreyLevelZoneEmphasis\t\r\n"
  "High grey level zone emphasis\tK26C\tglszm\tHighGreyLevelZoneEmphasis\t\r\n"
  "Something\tABCD\tglcm\tNoSuchFeature\t\r\n"
  "Something\tABCE\tnoclass\tMean\t\r\n"
  "Neighbouring grey level dependence based features\tREK0\t\t\t\r\n"
  "Low dependence emphasis\tSODN\tgldm\tSmallDependenceEmphasis\t\r\n";

static CsRadiomicsName *
parse (const char *column)
{
  g_autoptr (GError) error = NULL;
  CsRadiomicsName *n = cs_radiomics_parse (column, 0, &error);

  g_assert_no_error (error);
  return n;
}

static void
expect_code (CsRadiomicsDict *dict,
             const char      *column,
             const char      *code)
{
  g_autoptr (CsRadiomicsName) n = parse (column);
  CsRadiomicsIbsi info;
  gboolean ok = cs_radiomics_dict_lookup (dict, n, &info);

  if (code == NULL)
    {
      if (ok)
        g_error ("%s: expected no IBSI code, got %s", column, info.code);
      g_assert_nonnull (info.reason);
      g_assert_null (info.code);
    }
  else
    {
      if (!ok)
        g_error ("%s: expected %s, got none: %s", column, code, info.reason);
      g_assert_cmpstr (info.code, ==, code);
      g_assert_nonnull (info.meaning);
    }
}

static gboolean
notes_mention (CsRadiomicsDict *dict,
               const char      *what)
{
  const char *const *notes = cs_radiomics_dict_notes (dict);

  for (; *notes != NULL; notes++)
    if (strstr (*notes, what) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_dict_fixture (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsRadiomicsDict) dict = cs_radiomics_dict_parse (fixture, strlen (fixture), "fixture.tsv", &error);
  g_autoptr (CsRadiomicsName) kurtosis = NULL;
  g_autoptr (CsRadiomicsName) diag = NULL;
  CsRadiomicsIbsi info;

  g_assert_no_error (error);
  expect_code (dict, "original_shape_MeshVolume", "RNU0");
  expect_code (dict, "original_firstorder_Mean", "Q4LE");
  expect_code (dict, "wavelet-HLH_firstorder_Mean", "Q4LE");   /* the filter is recorded beside the code */
  expect_code (dict, "original_glcm_JointEntropy", "TU9B");
  expect_code (dict, "original_gldm_SmallDependenceEmphasis", "SODN");
  /* listed under glcm, in the GLSZM section */
  expect_code (dict, "original_glszm_SmallAreaLowGrayLevelEmphasis", "5RAI");
  g_assert_null (cs_radiomics_parse ("original_glcm_SmallAreaLowGrayLevelEmphasis", 0, NULL));
  /* dictionary spelling differs from pyradiomics */
  expect_code (dict, "original_glszm_ZoneVariance", "3NSA");
  /* listed in the GLDZM section: the GLSZM code of the same meaning */
  expect_code (dict, "original_glszm_LowGrayLevelZoneEmphasis", "XMSY");
  /* no GLSZM row of that meaning: refused */
  expect_code (dict, "original_glszm_HighGrayLevelZoneEmphasis", NULL);
  expect_code (dict, "original_glcm_Contrast", NULL);

  /* never the IBSI kurtosis code */
  kurtosis = parse ("original_firstorder_Kurtosis");
  g_assert_false (cs_radiomics_dict_lookup (dict, kurtosis, &info));
  g_assert_null (info.code);
  g_assert_nonnull (strstr (info.reason, "subtract 3"));
  diag = parse ("diagnostics_Versions_PyRadiomics");
  g_assert_false (cs_radiomics_dict_lookup (dict, diag, &info));

  g_assert_true (notes_mention (dict, "line 13: SmallAreaLowGrayLevelEmphasis is listed under class “glcm”"));
  g_assert_true (notes_mention (dict, "line 14: “ZoneSizeVariance” read as pyradiomics' “ZoneVariance”"));
  g_assert_true (notes_mention (dict, "line 16: glszm LowGrayLevelZoneEmphasis is listed with S1RA"));
  g_assert_true (notes_mention (dict, "line 17: glszm HighGrayLevelZoneEmphasis"));
  g_assert_true (notes_mention (dict, "line 10: glcm JointEntropy is listed again"));
  g_assert_true (notes_mention (dict, "line 18: “NoSuchFeature”"));
  g_assert_true (notes_mention (dict, "line 19: “Mean” is not a pyradiomics noclass feature"));
  g_assert_true (notes_mention (dict, "line 6: IPH6 is IBSI's excess kurtosis"));
}

static void
test_dict_malformed (void)
{
  static const struct { const char *data; gsize len; const char *message; } bad[] = {
    { "", 0, "empty" },
    { "a\tb\tc\n1\t2\t3\n", 0, "line 1: not an IBSI feature dictionary" },
    { "\n\nIBSI_code\tIBSI_meaning\n", 0, "line 3" },
    { "IBSI_meaning\tIBSI_code\tpyradiomics_feature_class\tpyradiomics_feature_name\nx\xff\n", 0, "UTF-8 at byte 75" },
    { "IBSI_meaning\tIBSI_code\tpyradiomics_feature_class\tpyradiomics_feature_name\nx\0y\n", 78, "NUL" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len = bad[i].len > 0 ? bad[i].len : strlen (bad[i].data);
      g_autoptr (CsRadiomicsDict) dict = cs_radiomics_dict_parse (bad[i].data, len, "bad.tsv", &error);

      g_assert_null (dict);
      g_assert_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_DICTIONARY);
      if (strstr (error->message, bad[i].message) == NULL || strstr (error->message, "bad.tsv") == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message, bad[i].message);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CsRadiomicsDict) dict = cs_radiomics_dict_load ("/nonexistent/featuresDict.tsv", &error);

    g_assert_null (dict);
    g_assert_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_IO);
  }
  {
    /* columns in another order, a BOM, LF only, header-only */
    const char *data = "\xEF\xBB\xBFpyradiomics_feature_name\tpyradiomics_feature_class\tIBSI_code\tIBSI_meaning\n"
                       "Mean\tfirstorder\tQ4LE\tMean\n";
    g_autoptr (GError) error = NULL;
    g_autoptr (CsRadiomicsDict) dict = cs_radiomics_dict_parse (data, strlen (data), NULL, &error);

    g_assert_no_error (error);
    expect_code (dict, "original_firstorder_Mean", "Q4LE");
  }
}

static void
test_units (void)
{
  static const struct { const char *column; CsRadiomicsModality modality; const char *unit; } units[] = {
    { "original_shape_MeshVolume", CS_RADIOMICS_MODALITY_CT, "mm3" },
    { "original_shape_VoxelVolume", CS_RADIOMICS_MODALITY_OTHER, "mm3" },
    { "original_shape_SurfaceArea", CS_RADIOMICS_MODALITY_CT, "mm2" },
    { "original_shape_Maximum3DDiameter", CS_RADIOMICS_MODALITY_CT, "mm" },
    { "original_shape_SurfaceVolumeRatio", CS_RADIOMICS_MODALITY_CT, "/mm" },
    { "original_shape_Sphericity", CS_RADIOMICS_MODALITY_CT, "1" },
    { "original_shape2D_PixelSurface", CS_RADIOMICS_MODALITY_CT, "mm2" },
    { "original_shape2D_Perimeter", CS_RADIOMICS_MODALITY_CT, "mm" },
    { "original_firstorder_Mean", CS_RADIOMICS_MODALITY_CT, "[hnsf'U]" },
    { "original_firstorder_Mean", CS_RADIOMICS_MODALITY_OTHER, NULL },
    { "wavelet-HLH_firstorder_Mean", CS_RADIOMICS_MODALITY_CT, NULL },
    { "original_firstorder_Variance", CS_RADIOMICS_MODALITY_CT, "[hnsf'U]2" },
    { "original_firstorder_Energy", CS_RADIOMICS_MODALITY_CT, "[hnsf'U]2" },
    { "original_firstorder_TotalEnergy", CS_RADIOMICS_MODALITY_CT, "[hnsf'U]2.mm3" },
    { "original_firstorder_Entropy", CS_RADIOMICS_MODALITY_OTHER, "1" },
    { "original_firstorder_Kurtosis", CS_RADIOMICS_MODALITY_CT, "1" },
    { "original_glcm_JointEntropy", CS_RADIOMICS_MODALITY_CT, "1" },
    { "log-sigma-2-0-mm-3D_ngtdm_Coarseness", CS_RADIOMICS_MODALITY_OTHER, "1" },
    { "diagnostics_Image-original_Mean", CS_RADIOMICS_MODALITY_CT, NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autoptr (CsRadiomicsName) n = parse (units[i].column);
      const char *note = NULL;

      g_assert_cmpstr (cs_radiomics_unit (n, units[i].modality, &note), ==, units[i].unit);
      g_assert_nonnull (note);
    }
}

/* ---- real data, when ../shared/data is there ------------------------------ */

static char *
shared_path (const char *relative)
{
  const char *root = g_getenv ("CS_SHARED_DATA");

  if (root == NULL)
    return NULL;
  return g_build_filename (root, relative, NULL);
}

static void
test_real_dictionary (void)
{
  g_autofree char *path = shared_path ("radiomics/ibsi/featuresDict_IBSIv7.tsv");
  g_autoptr (GError) error = NULL;
  g_autoptr (CsRadiomicsDict) dict = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the pyradiomics IBSI dictionary is not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  dict = cs_radiomics_dict_load (path, &error);
  g_assert_no_error (error);
  expect_code (dict, "original_shape_MeshVolume", "RNU0");
  expect_code (dict, "original_shape_Elongation", "Q3CK");
  expect_code (dict, "original_shape_Sphericity", "QCFX");
  expect_code (dict, "original_firstorder_Mean", "Q4LE");
  expect_code (dict, "original_firstorder_Entropy", "TLU2");
  expect_code (dict, "original_firstorder_Skewness", "KE2A");
  expect_code (dict, "original_glcm_JointEntropy", "TU9B");
  expect_code (dict, "original_glcm_SumSquares", "UR99");
  expect_code (dict, "original_glcm_Idn", "NDRX");                        /* a short row */
  expect_code (dict, "original_glszm_SmallAreaLowGrayLevelEmphasis", "5RAI");   /* listed under glcm */
  expect_code (dict, "original_glszm_LargeAreaHighGrayLevelEmphasis", "J17V");
  expect_code (dict, "original_glszm_ZoneVariance", "3NSA");              /* spelt ZoneSizeVariance */
  expect_code (dict, "original_glszm_ZoneEntropy", "GU8N");
  expect_code (dict, "original_glszm_LowGrayLevelZoneEmphasis", "XMSY");  /* GLDZM's S1RA in the file */
  expect_code (dict, "original_glszm_HighGrayLevelZoneEmphasis", "5GN9"); /* GLDZM's K26C in the file */
  expect_code (dict, "original_gldm_SmallDependenceEmphasis", "SODN");
  expect_code (dict, "original_ngtdm_Contrast", "65HE");
  expect_code (dict, "original_firstorder_Kurtosis", NULL);
  expect_code (dict, "original_firstorder_StandardDeviation", NULL);
  expect_code (dict, "original_glcm_Imc1", NULL);
  g_assert_true (notes_mention (dict, "SmallAreaLowGrayLevelEmphasis is listed under class “glcm”"));
}

static void
test_real_headers (void)
{
  static const struct { const char *file; CsRadiomicsClass cls; guint n; } files[] = {
    { "lung1_firstorder.csv", CS_RADIOMICS_CLASS_FIRSTORDER, 19 },
    { "lung1_shape.csv", CS_RADIOMICS_CLASS_SHAPE, 15 },
    { "lung1_GLCM.csv", CS_RADIOMICS_CLASS_GLCM, 24 },
    { "lung1_GLRLM.csv", CS_RADIOMICS_CLASS_GLRLM, 16 },
    { "lung1_HLH_GLRLM.csv", CS_RADIOMICS_CLASS_GLRLM, 16 },
  };
  g_autofree char *dir = shared_path ("radiomics/filipjb-lung1");
  guint i, j;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the filipjb Lung1 feature tables are not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].file, NULL);
      g_autofree char *data = NULL;
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) header = NULL;
      char *nl;
      guint n = 0;

      g_assert_true (g_file_get_contents (path, &data, NULL, &error));
      nl = strpbrk (data, "\r\n");
      g_assert_nonnull (nl);
      *nl = '\0';
      header = g_strsplit (data, ",", -1);
      g_assert_cmpstr (header[0], ==, "");
      g_assert_cmpstr (header[1], ==, "PatientID");
      for (j = 2; header[j] != NULL; j++)
        {
          g_autoptr (CsRadiomicsName) name = cs_radiomics_parse (header[j], files[i].cls, &error);

          if (name == NULL)
            g_error ("%s: %s", files[i].file, error->message);
          if (strstr (files[i].file, "HLH") != NULL)
            g_assert_cmpstr (name->wavelet_band, ==, "HLH");
          else
            g_assert_cmpstr (name->image_type, ==, "original");
          n++;
        }
      g_assert_cmpuint (n, ==, files[i].n);
      /* the ID columns are not features */
      g_assert_null (cs_radiomics_parse ("PatientID", files[i].cls, NULL));
    }
}

static void
test_real_baseline (void)
{
  g_autofree char *dir = shared_path ("radiomics/pyradiomics-baseline");
  g_autoptr (GDir) d = NULL;
  const char *file;
  guint n = 0;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the pyradiomics baseline tables are not in CS_SHARED_DATA (../shared/data is absent)");
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  while ((file = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      g_auto (GStrv) lines = NULL;
      guint i;

      if (!g_str_has_suffix (file, ".csv"))
        continue;
      path = g_build_filename (dir, file, NULL);
      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      lines = g_strsplit (data, "\n", -1);
      for (i = 1; lines[i] != NULL; i++)
        {
          char *comma = strchr (lines[i], ',');
          g_autoptr (GError) error = NULL;
          g_autoptr (CsRadiomicsName) name = NULL;

          if (comma == NULL)
            continue;
          *comma = '\0';
          name = cs_radiomics_parse (lines[i], 0, &error);
          if (name == NULL)
            g_error ("%s: %s", file, error->message);
          g_assert_cmpstr (name->column, ==, lines[i]);   /* canonical names come back unchanged */
          n++;
        }
    }
  g_assert_cmpuint (n, >, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/radiomics/parse", test_parse);
  g_test_add_func ("/radiomics/parse-details", test_parse_details);
  g_test_add_func ("/radiomics/dict/fixture", test_dict_fixture);
  g_test_add_func ("/radiomics/dict/malformed", test_dict_malformed);
  g_test_add_func ("/radiomics/units", test_units);
  g_test_add_func ("/radiomics/real/dictionary", test_real_dictionary);
  g_test_add_func ("/radiomics/real/filipjb-headers", test_real_headers);
  g_test_add_func ("/radiomics/real/pyradiomics-baseline", test_real_baseline);
  return g_test_run ();
}
