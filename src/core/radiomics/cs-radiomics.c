/* cs-radiomics.c: pyradiomics feature names, IBSI codes and units
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-radiomics.h"

G_DEFINE_QUARK (cs-radiomics-error-quark, cs_radiomics_error)

/* ------------------------------------------------------------------------ */
/* Classes and features (the pyradiomics API)                                */

typedef struct
{
  const char *name;      /* "glcm" */
  const char *label;     /* "GLCM" */
} ClassInfo;

static const ClassInfo classes[] = {
  [CS_RADIOMICS_CLASS_NONE] = { NULL, NULL },
  [CS_RADIOMICS_CLASS_FIRSTORDER] = { "firstorder", "First Order" },
  [CS_RADIOMICS_CLASS_SHAPE] = { "shape", "Shape" },
  [CS_RADIOMICS_CLASS_SHAPE2D] = { "shape2D", "Shape 2D" },
  [CS_RADIOMICS_CLASS_GLCM] = { "glcm", "GLCM" },
  [CS_RADIOMICS_CLASS_GLRLM] = { "glrlm", "GLRLM" },
  [CS_RADIOMICS_CLASS_GLSZM] = { "glszm", "GLSZM" },
  [CS_RADIOMICS_CLASS_GLDM] = { "gldm", "GLDM" },
  [CS_RADIOMICS_CLASS_NGTDM] = { "ngtdm", "NGTDM" },
};

/* Current names first; after the NULL, names older pyradiomics versions
 * emitted (deprecated), then a second NULL. */
static const char *const firstorder_features[] = {
  "Energy", "TotalEnergy", "Entropy", "Minimum", "10Percentile", "90Percentile", "Maximum",
  "Mean", "Median", "InterquartileRange", "Range", "MeanAbsoluteDeviation",
  "RobustMeanAbsoluteDeviation", "RootMeanSquared", "Skewness", "Kurtosis", "Variance",
  "Uniformity", NULL,
  "StandardDeviation", NULL,
};
static const char *const shape_features[] = {
  "MeshVolume", "VoxelVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity",
  "Maximum3DDiameter", "Maximum2DDiameterSlice", "Maximum2DDiameterColumn",
  "Maximum2DDiameterRow", "MajorAxisLength", "MinorAxisLength", "LeastAxisLength",
  "Elongation", "Flatness", NULL,
  "Compactness1", "Compactness2", "SphericalDisproportion", NULL,
};
static const char *const shape2d_features[] = {
  "MeshSurface", "PixelSurface", "Perimeter", "PerimeterSurfaceRatio", "Sphericity",
  "MaximumDiameter", "MajorAxisLength", "MinorAxisLength", "Elongation", NULL,
  "SphericalDisproportion", NULL,
};
static const char *const glcm_features[] = {
  "Autocorrelation", "JointAverage", "ClusterProminence", "ClusterShade", "ClusterTendency",
  "Contrast", "Correlation", "DifferenceAverage", "DifferenceEntropy", "DifferenceVariance",
  "JointEnergy", "JointEntropy", "Imc1", "Imc2", "Idm", "MCC", "Idmn", "Id", "Idn",
  "InverseVariance", "MaximumProbability", "SumAverage", "SumEntropy", "SumSquares", NULL,
  "SumVariance", "Dissimilarity", "Homogeneity1", "Homogeneity2", "AverageIntensity", NULL,
};
static const char *const glrlm_features[] = {
  "ShortRunEmphasis", "LongRunEmphasis", "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized", "RunLengthNonUniformity",
  "RunLengthNonUniformityNormalized", "RunPercentage", "GrayLevelVariance", "RunVariance",
  "RunEntropy", "LowGrayLevelRunEmphasis", "HighGrayLevelRunEmphasis",
  "ShortRunLowGrayLevelEmphasis", "ShortRunHighGrayLevelEmphasis",
  "LongRunLowGrayLevelEmphasis", "LongRunHighGrayLevelEmphasis", NULL,
  NULL,
};
static const char *const glszm_features[] = {
  "SmallAreaEmphasis", "LargeAreaEmphasis", "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized", "SizeZoneNonUniformity",
  "SizeZoneNonUniformityNormalized", "ZonePercentage", "GrayLevelVariance", "ZoneVariance",
  "ZoneEntropy", "LowGrayLevelZoneEmphasis", "HighGrayLevelZoneEmphasis",
  "SmallAreaLowGrayLevelEmphasis", "SmallAreaHighGrayLevelEmphasis",
  "LargeAreaLowGrayLevelEmphasis", "LargeAreaHighGrayLevelEmphasis", NULL,
  NULL,
};
static const char *const gldm_features[] = {
  "SmallDependenceEmphasis", "LargeDependenceEmphasis", "GrayLevelNonUniformity",
  "DependenceNonUniformity", "DependenceNonUniformityNormalized", "GrayLevelVariance",
  "DependenceVariance", "DependenceEntropy", "LowGrayLevelEmphasis", "HighGrayLevelEmphasis",
  "SmallDependenceLowGrayLevelEmphasis", "SmallDependenceHighGrayLevelEmphasis",
  "LargeDependenceLowGrayLevelEmphasis", "LargeDependenceHighGrayLevelEmphasis", NULL,
  "GrayLevelNonUniformityNormalized", "DependencePercentage", NULL,
};
static const char *const ngtdm_features[] = {
  "Coarseness", "Contrast", "Busyness", "Complexity", "Strength", NULL,
  NULL,
};

static const char *const *const class_features[] = {
  [CS_RADIOMICS_CLASS_NONE] = NULL,
  [CS_RADIOMICS_CLASS_FIRSTORDER] = firstorder_features,
  [CS_RADIOMICS_CLASS_SHAPE] = shape_features,
  [CS_RADIOMICS_CLASS_SHAPE2D] = shape2d_features,
  [CS_RADIOMICS_CLASS_GLCM] = glcm_features,
  [CS_RADIOMICS_CLASS_GLRLM] = glrlm_features,
  [CS_RADIOMICS_CLASS_GLSZM] = glszm_features,
  [CS_RADIOMICS_CLASS_GLDM] = gldm_features,
  [CS_RADIOMICS_CLASS_NGTDM] = ngtdm_features,
};

CsRadiomicsClass
cs_radiomics_class_from_name (const char *name)
{
  guint i;

  if (name == NULL)
    return CS_RADIOMICS_CLASS_NONE;
  for (i = 1; i < G_N_ELEMENTS (classes); i++)
    if (g_ascii_strcasecmp (name, classes[i].name) == 0)
      return (CsRadiomicsClass) i;
  return CS_RADIOMICS_CLASS_NONE;
}

const char *
cs_radiomics_class_name (CsRadiomicsClass feature_class)
{
  return (guint) feature_class < G_N_ELEMENTS (classes) ? classes[feature_class].name : NULL;
}

const char *
cs_radiomics_class_label (CsRadiomicsClass feature_class)
{
  return (guint) feature_class < G_N_ELEMENTS (classes) ? classes[feature_class].label : NULL;
}

const char *const *
cs_radiomics_class_features (CsRadiomicsClass feature_class)
{
  return (guint) feature_class < G_N_ELEMENTS (class_features) ? class_features[feature_class] : NULL;
}

/* Compare ignoring ASCII case, reading "Grey" as "Gray" on either side */
static gboolean
same_feature_name (const char *a,
                   gsize       alen,
                   const char *b)
{
  gsize i = 0, j = 0, blen = strlen (b);

  while (i < alen && j < blen)
    {
      if (i + 4 <= alen && j + 4 <= blen && g_ascii_strncasecmp (a + i, "grey", 4) == 0
          && g_ascii_strncasecmp (b + j, "gray", 4) == 0)
        {
          i += 4;
          j += 4;
          continue;
        }
      if (g_ascii_tolower (a[i]) != g_ascii_tolower (b[j]))
        return FALSE;
      i++;
      j++;
    }
  return i == alen && j == blen;
}

static const char *
canonical_feature (CsRadiomicsClass  feature_class,
                   const char       *feature,
                   gsize             len,
                   gboolean         *deprecated)
{
  const char *const *list = cs_radiomics_class_features (feature_class);
  gboolean old = FALSE;

  if (list == NULL)
    return NULL;
  for (;; list++)
    {
      if (*list == NULL)
        {
          if (old)
            return NULL;
          old = TRUE;
          continue;
        }
      if (same_feature_name (feature, len, *list))
        {
          if (deprecated != NULL)
            *deprecated = old;
          return *list;
        }
    }
}

const char *
cs_radiomics_canonical_feature (CsRadiomicsClass  feature_class,
                                const char       *feature)
{
  if (feature == NULL)
    return NULL;
  return canonical_feature (feature_class, feature, strlen (feature), NULL);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                      */

void
cs_radiomics_name_free (CsRadiomicsName *name)
{
  if (name == NULL)
    return;
  g_free (name->image_type);
  g_free (name->filter);
  g_free (name->wavelet_band);
  g_free (name->feature);
  g_free (name->column);
  g_free (name->label);
  g_free (name);
}

/* "GrayLevelNonUniformity" → "Gray Level Non-Uniformity" */
static char *
feature_label (const char *feature)
{
  static const struct { const char *name, *label; } special[] = {
    { "10Percentile", "10th Percentile" },
    { "90Percentile", "90th Percentile" },
    { "Id", "Inverse Difference" },
    { "Idn", "Inverse Difference Normalized" },
    { "Idm", "Inverse Difference Moment" },
    { "Idmn", "Inverse Difference Moment Normalized" },
    { "Imc1", "Informational Measure of Correlation 1" },
    { "Imc2", "Informational Measure of Correlation 2" },
    { "MCC", "Maximal Correlation Coefficient" },
  };
  GString *out;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (special); i++)
    if (strcmp (feature, special[i].name) == 0)
      return g_strdup (special[i].label);
  out = g_string_new (NULL);
  for (i = 0; feature[i] != '\0'; i++)
    {
      char c = feature[i], prev = i > 0 ? feature[i - 1] : 0, next = feature[i + 1];

      if (i > 0 && ((g_ascii_isupper (c) && g_ascii_islower (prev))
                    || (g_ascii_isdigit (c) && g_ascii_isalpha (prev))
                    || (g_ascii_isupper (c) && g_ascii_isupper (prev) && g_ascii_islower (next))))
        g_string_append_c (out, ' ');
      g_string_append_c (out, c);
    }
  while (TRUE)
    {
      char *non = strstr (out->str, "Non ");

      if (non == NULL)
        break;
      non[3] = '-';
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_band (const char *s,
         gsize       len)
{
  gsize i;

  if (len != 2 && len != 3)
    return FALSE;
  for (i = 0; i < len; i++)
    if (g_ascii_toupper (s[i]) != 'L' && g_ascii_toupper (s[i]) != 'H')
      return FALSE;
  return TRUE;
}

/* An image type with its parameters, e.g. "wavelet2-HLH", "log-sigma-3-0-mm-3D",
 * "lbp-3D-k". Fills the name's image fields and the canonical prefix. */
static gboolean
parse_image_type (const char      *s,
                  gsize            len,
                  CsRadiomicsName *n,
                  GString         *prefix)
{
  static const char *const plain[] = { "original", "square", "squareroot", "logarithm", "exponential", "gradient" };
  g_autofree char *text = g_strndup (s, len);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (plain); i++)
    if (g_ascii_strcasecmp (text, plain[i]) == 0)
      {
        n->image_type = g_strdup (plain[i]);
        g_string_append (prefix, plain[i]);
        return TRUE;
      }

  if (g_ascii_strncasecmp (text, "wavelet", 7) == 0)
    {
      const char *p = text + 7, *dash = strchr (p, '-');
      int level = 1;

      if (dash == NULL || !is_band (dash + 1, strlen (dash + 1)))
        return FALSE;
      if (dash > p)
        {
          for (i = 0; p + i < dash; i++)
            if (!g_ascii_isdigit (p[i]))
              return FALSE;
          level = atoi (p);
          if (level < 1 || level > 99)
            return FALSE;
        }
      n->image_type = g_strdup ("wavelet");
      n->wavelet_band = g_ascii_strup (dash + 1, -1);
      n->wavelet_level = level;
      n->filter = level > 1 ? g_strdup_printf ("%d-%s", level, n->wavelet_band) : g_strdup (n->wavelet_band);
      if (level > 1)
        g_string_append_printf (prefix, "wavelet%d-%s", level, n->wavelet_band);
      else
        g_string_append_printf (prefix, "wavelet-%s", n->wavelet_band);
      return TRUE;
    }

  if (g_ascii_strncasecmp (text, "log-sigma-", 10) == 0)
    {
      /* log-sigma-<int>-<frac>-mm-<2D|3D> */
      g_auto (GStrv) parts = g_strsplit (text + 10, "-", -1);
      char *end;
      double sigma;

      if (g_strv_length (parts) != 4 || g_ascii_strcasecmp (parts[2], "mm") != 0)
        return FALSE;
      for (i = 0; i < 2; i++)
        {
          const char *q;

          if (*parts[i] == '\0')
            return FALSE;
          for (q = parts[i]; *q; q++)
            if (!g_ascii_isdigit (*q))
              return FALSE;
        }
      if (g_ascii_strcasecmp (parts[3], "3D") != 0 && g_ascii_strcasecmp (parts[3], "2D") != 0)
        return FALSE;
      {
        g_autofree char *num = g_strdup_printf ("%s.%s", parts[0], parts[1]);

        sigma = g_ascii_strtod (num, &end);
      }
      n->image_type = g_strdup ("log");
      n->sigma_mm = sigma;
      n->dimensions = parts[3][0] - '0';
      n->filter = g_strdup_printf ("sigma-%s-%s-mm-%dD", parts[0], parts[1], n->dimensions);
      g_string_append_printf (prefix, "log-%s", n->filter);
      return TRUE;
    }

  if (g_ascii_strcasecmp (text, "lbp-2D") == 0)
    {
      n->image_type = g_strdup ("lbp-2D");
      n->dimensions = 2;
      g_string_append (prefix, "lbp-2D");
      return TRUE;
    }
  if (g_ascii_strncasecmp (text, "lbp-3D-", 7) == 0)
    {
      const char *which = text + 7;

      if (g_ascii_strcasecmp (which, "k") == 0)
        n->filter = g_strdup ("k");
      else if ((which[0] == 'm' || which[0] == 'M') && which[1] != '\0')
        {
          const char *q;

          for (q = which + 1; *q; q++)
            if (!g_ascii_isdigit (*q))
              return FALSE;
          n->filter = g_strdup_printf ("m%s", which + 1);
        }
      else
        return FALSE;
      n->image_type = g_strdup ("lbp-3D");
      n->dimensions = 3;
      g_string_append_printf (prefix, "lbp-3D-%s", n->filter);
      return TRUE;
    }
  return FALSE;
}

static char *
image_label (const CsRadiomicsName *n)
{
  const char *t = n->image_type;

  if (strcmp (t, "original") == 0)
    return NULL;
  if (strcmp (t, "wavelet") == 0)
    return n->wavelet_level > 1 ? g_strdup_printf ("Wavelet level %d %s", n->wavelet_level, n->wavelet_band)
                                : g_strdup_printf ("Wavelet %s", n->wavelet_band);
  if (strcmp (t, "log") == 0)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, "%.1f", n->sigma_mm);
      return g_strdup_printf ("LoG σ %s mm %dD", buf, n->dimensions);
    }
  if (strcmp (t, "squareroot") == 0)
    return g_strdup ("Square Root");
  if (strcmp (t, "lbp-2D") == 0)
    return g_strdup ("LBP 2D");
  if (strcmp (t, "lbp-3D") == 0)
    return g_strdup_printf ("LBP 3D %s", n->filter);
  return g_strdup_printf ("%c%s", g_ascii_toupper (t[0]), t + 1);
}

static CsRadiomicsName *
name_error (CsRadiomicsName  *n,
            GError          **error,
            const char       *column,
            const char       *why)
{
  cs_radiomics_name_free (n);
  g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_NAME,
               _("“%s” is not a pyradiomics feature name: %s"), column, why);
  return NULL;
}

CsRadiomicsName *
cs_radiomics_parse (const char        *column,
                    CsRadiomicsClass   default_class,
                    GError           **error)
{
  g_autoptr (GString) prefix = g_string_new (NULL);
  g_autofree char *trimmed = NULL;
  g_auto (GStrv) parts = NULL;
  CsRadiomicsName *n;
  const char *feature;
  const char *canonical;
  CsRadiomicsClass cls = CS_RADIOMICS_CLASS_NONE;
  guint n_parts;
  g_autofree char *ilabel = NULL, *flabel = NULL;

  g_return_val_if_fail (column != NULL, NULL);

  n = g_new0 (CsRadiomicsName, 1);
  n->sigma_mm = NAN;
  trimmed = g_strstrip (g_strdup (column));
  if (*trimmed == '\0')
    return name_error (n, error, column, _("the name is empty"));
  if (!g_utf8_validate (trimmed, -1, NULL))
    return name_error (n, error, "?", _("the name is not valid UTF-8"));

  if (g_ascii_strncasecmp (trimmed, "diagnostics_", 12) == 0)
    {
      if (trimmed[12] == '\0')
        return name_error (n, error, column, _("“diagnostics_” names nothing"));
      n->kind = CS_RADIOMICS_KIND_DIAGNOSTIC;
      n->feature = g_strdup (trimmed + 12);
      n->column = g_strconcat ("diagnostics_", n->feature, NULL);
      n->label = g_strdup_printf (_("Diagnostics: %s"), n->feature);
      return n;
    }

  /* bare with a wavelet band: "HLH GrayLevelNonUniformity" */
  if (strchr (trimmed, ' ') != NULL)
    {
      char *space = strchr (trimmed, ' ');
      g_autofree char *image = g_strdup_printf ("wavelet-%.*s", (int) (space - trimmed), trimmed);

      if (!is_band (trimmed, (gsize) (space - trimmed)) || !parse_image_type (image, strlen (image), n, prefix))
        return name_error (n, error, column, _("a space may only follow a wavelet band such as “HLH”"));
      while (*space == ' ')
        space++;
      if (strchr (space, ' ') != NULL || strchr (space, '_') != NULL)
        return name_error (n, error, column, _("expected one feature name after the wavelet band"));
      parts = g_new0 (char *, 2);
      parts[0] = g_strdup (space);
    }
  else
    parts = g_strsplit (trimmed, "_", -1);
  n_parts = g_strv_length (parts);

  if (n_parts == 3)
    {
      if (!parse_image_type (parts[0], strlen (parts[0]), n, prefix))
        return name_error (n, error, column, _("unknown image type (original, wavelet-XYZ, log-sigma-…, square, squareroot, logarithm, exponential, gradient, lbp-2D, lbp-3D-…)"));
      cls = cs_radiomics_class_from_name (parts[1]);
      if (cls == CS_RADIOMICS_CLASS_NONE)
        return name_error (n, error, column, _("unknown feature class (firstorder, shape, shape2D, glcm, glrlm, glszm, gldm, ngtdm)"));
      feature = parts[2];
    }
  else if (n_parts == 2)
    {
      cls = cs_radiomics_class_from_name (parts[0]);
      if (cls != CS_RADIOMICS_CLASS_NONE)
        {
          /* "glcm_JointEntropy": the original image (Kaapana drops "original_") */
          parse_image_type ("original", 8, n, prefix);
        }
      else if (parse_image_type (parts[0], strlen (parts[0]), n, prefix))
        {
          cls = default_class;
          if (cls == CS_RADIOMICS_CLASS_NONE)
            return name_error (n, error, column, _("the feature class is missing and none was given"));
        }
      else
        return name_error (n, error, column, _("neither a feature class nor an image type before “_”"));
      feature = parts[1];
    }
  else if (n_parts == 1)
    {
      if (default_class == CS_RADIOMICS_CLASS_NONE)
        return name_error (n, error, column, _("a bare feature name needs its feature class from the table"));
      cls = default_class;
      if (n->image_type == NULL)
        parse_image_type ("original", 8, n, prefix);
      feature = parts[0];
    }
  else
    return name_error (n, error, column, _("too many “_”-separated parts (expected image type_class_feature)"));

  canonical = canonical_feature (cls, feature, strlen (feature), &n->deprecated);
  if (canonical == NULL)
    {
      g_autofree char *why = g_strdup_printf (_("“%s” is not a pyradiomics %s feature"), feature,
                                              cs_radiomics_class_name (cls));

      return name_error (n, error, column, why);
    }
  n->kind = CS_RADIOMICS_KIND_FEATURE;
  n->feature_class = cls;
  n->feature = g_strdup (canonical);
  n->column = g_strdup_printf ("%s_%s_%s", prefix->str, cs_radiomics_class_name (cls), canonical);
  ilabel = image_label (n);
  flabel = feature_label (canonical);
  if (ilabel != NULL)
    n->label = g_strdup_printf ("%s · %s %s", ilabel, cs_radiomics_class_label (cls), flabel);
  else
    n->label = g_strdup_printf ("%s %s", cs_radiomics_class_label (cls), flabel);
  return n;
}

/* ------------------------------------------------------------------------ */
/* Units                                                                      */

static gboolean
in_list (const char        *s,
         const char *const *list)
{
  for (; *list != NULL; list++)
    if (strcmp (s, *list) == 0)
      return TRUE;
  return FALSE;
}

const char *
cs_radiomics_unit (const CsRadiomicsName *name,
                   CsRadiomicsModality    modality,
                   const char           **note)
{
  static const char *const volumes[] = { "MeshVolume", "VoxelVolume", NULL };
  static const char *const areas[] = { "SurfaceArea", "MeshSurface", "PixelSurface", NULL };
  static const char *const lengths[] = {
    "Maximum3DDiameter", "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow",
    "MajorAxisLength", "MinorAxisLength", "LeastAxisLength", "MaximumDiameter", "Perimeter", NULL,
  };
  static const char *const per_length[] = { "SurfaceVolumeRatio", "PerimeterSurfaceRatio", NULL };
  static const char *const ratios[] = { "Entropy", "Uniformity", "Skewness", "Kurtosis", NULL };
  static const char *const squared[] = { "Variance", "Energy", NULL };
  const char *dummy;

  if (note == NULL)
    note = &dummy;
  *note = NULL;
  if (name == NULL || name->kind != CS_RADIOMICS_KIND_FEATURE)
    {
      *note = N_("diagnostics are not features and have no unit");
      return NULL;
    }
  switch (name->feature_class)
    {
    case CS_RADIOMICS_CLASS_SHAPE:
    case CS_RADIOMICS_CLASS_SHAPE2D:
      *note = N_("shape features are in millimetres: pyradiomics uses the image spacing, which is in mm for DICOM and NRRD");
      if (in_list (name->feature, volumes))
        return "mm3";
      if (in_list (name->feature, areas))
        return "mm2";
      if (in_list (name->feature, lengths))
        return "mm";
      if (in_list (name->feature, per_length))
        return "/mm";
      *note = N_("a ratio of like quantities: dimensionless");
      return "1";

    case CS_RADIOMICS_CLASS_FIRSTORDER:
      if (in_list (name->feature, ratios))
        {
          *note = N_("a statistic of the intensity distribution without a unit");
          return "1";
        }
      if (modality != CS_RADIOMICS_MODALITY_CT)
        {
          *note = N_("MR and PET intensities have no fixed unit");
          return NULL;
        }
      if (strcmp (name->image_type, "original") != 0)
        {
          *note = N_("intensities of a filtered image are not Hounsfield units");
          return NULL;
        }
      if (strcmp (name->feature, "TotalEnergy") == 0)
        {
          *note = N_("Energy scaled by the voxel volume");
          return "[hnsf'U]2.mm3";
        }
      if (in_list (name->feature, squared))
        {
          *note = N_("a sum or mean of squared CT intensities");
          return "[hnsf'U]2";
        }
      *note = N_("a CT intensity statistic, in Hounsfield units");
      return "[hnsf'U]";

    case CS_RADIOMICS_CLASS_GLCM:
    case CS_RADIOMICS_CLASS_GLRLM:
    case CS_RADIOMICS_CLASS_GLSZM:
    case CS_RADIOMICS_CLASS_GLDM:
    case CS_RADIOMICS_CLASS_NGTDM:
      *note = N_("texture features are computed on discretised grey levels and counts: dimensionless");
      return "1";

    case CS_RADIOMICS_CLASS_NONE:
    default:
      return NULL;
    }
}

/* ------------------------------------------------------------------------ */
/* The IBSI dictionary                                                        */

typedef struct
{
  char *code;
  char *meaning;
  char *refusal;   /* when set: no code, and why */
} DictEntry;

struct _CsRadiomicsDict
{
  GHashTable *entries;   /* "glcm/JointEntropy" → DictEntry */
  GPtrArray  *notes;     /* char *, NULL-terminated on request */
};

static void
dict_entry_free (DictEntry *e)
{
  g_free (e->code);
  g_free (e->meaning);
  g_free (e->refusal);
  g_free (e);
}

void
cs_radiomics_dict_free (CsRadiomicsDict *dict)
{
  if (dict == NULL)
    return;
  g_hash_table_unref (dict->entries);
  g_ptr_array_unref (dict->notes);
  g_free (dict);
}

const char *const *
cs_radiomics_dict_notes (CsRadiomicsDict *dict)
{
  g_return_val_if_fail (dict != NULL, NULL);
  if (dict->notes->len == 0 || g_ptr_array_index (dict->notes, dict->notes->len - 1) != NULL)
    g_ptr_array_add (dict->notes, NULL);
  return (const char *const *) dict->notes->pdata;
}

static void dict_note (CsRadiomicsDict *dict, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
dict_note (CsRadiomicsDict *dict,
           const char      *format,
           ...)
{
  va_list args;

  /* drop the NULL terminator a previous cs_radiomics_dict_notes() added */
  if (dict->notes->len > 0 && g_ptr_array_index (dict->notes, dict->notes->len - 1) == NULL)
    g_ptr_array_set_size (dict->notes, dict->notes->len - 1);
  va_start (args, format);
  g_ptr_array_add (dict->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The IBSI feature families (their section codes in the IBSI reference
 * manual) and the pyradiomics class that computes each, if any. */
typedef struct
{
  const char      *code;
  CsRadiomicsClass cls;
  const char      *family;
} Family;

static const Family families[] = {
  { "HCUG", CS_RADIOMICS_CLASS_SHAPE, "morphological" },
  { "9ST6", CS_RADIOMICS_CLASS_NONE, "local intensity" },
  { "UHIW", CS_RADIOMICS_CLASS_FIRSTORDER, "intensity-based statistical" },
  { "ZVCW", CS_RADIOMICS_CLASS_FIRSTORDER, "intensity histogram" },
  { "P88C", CS_RADIOMICS_CLASS_NONE, "intensity-volume histogram" },
  { "LFYI", CS_RADIOMICS_CLASS_GLCM, "GLCM" },
  { "TP0I", CS_RADIOMICS_CLASS_GLRLM, "GLRLM" },
  { "9SAK", CS_RADIOMICS_CLASS_GLSZM, "GLSZM" },
  { "VMDZ", CS_RADIOMICS_CLASS_NONE, "GLDZM" },
  { "IPET", CS_RADIOMICS_CLASS_NGTDM, "NGTDM" },
  { "REK0", CS_RADIOMICS_CLASS_GLDM, "NGLDM" },
  { "5QB6", CS_RADIOMICS_CLASS_NONE, "feature aggregation" },
};

/* IBSI codes of kurtosis (excess kurtosis in IBSI): never given to
 * pyradiomics Kurtosis, which does not subtract 3 */
static const char *const kurtosis_codes[] = { "IPH6", "C3I7", NULL };

/* Names in the dictionary that are not pyradiomics' own spelling */
static const struct { CsRadiomicsClass cls; const char *dict_name, *feature; } aliases[] = {
  { CS_RADIOMICS_CLASS_GLSZM, "ZoneSizeVariance", "ZoneVariance" },
  { CS_RADIOMICS_CLASS_GLSZM, "ZoneSizeEntropy", "ZoneEntropy" },
};

typedef struct
{
  guint            line;
  char            *meaning;
  char            *code;
  char            *cls_text;
  char            *feature_text;
  char            *notes;
  const Family    *section;
} Row;

static void
row_free (Row *r)
{
  g_free (r->meaning);
  g_free (r->code);
  g_free (r->cls_text);
  g_free (r->feature_text);
  g_free (r->notes);
  g_free (r);
}

static const Family *
family_of_code (const char *code)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (families); i++)
    if (strcmp (families[i].code, code) == 0)
      return &families[i];
  return NULL;
}

static char *
entry_key (CsRadiomicsClass  cls,
           const char       *feature)
{
  return g_strconcat (cs_radiomics_class_name (cls), "/", feature, NULL);
}

static const char *
resolve_feature (CsRadiomicsClass  cls,
                 const char       *text)
{
  const char *f = canonical_feature (cls, text, strlen (text), NULL);
  guint i;

  if (f != NULL)
    return f;
  for (i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (aliases[i].cls == cls && g_ascii_strcasecmp (aliases[i].dict_name, text) == 0)
      return aliases[i].feature;
  return NULL;
}

static void
dict_add (CsRadiomicsDict  *dict,
          const char       *source,
          const Row        *r,
          CsRadiomicsClass  cls,
          const char       *feature,
          const char       *code,
          const char       *meaning,
          const char       *refusal)
{
  char *key = entry_key (cls, feature);
  DictEntry *e;

  if (g_hash_table_contains (dict->entries, key))
    {
      dict_note (dict, _("%s, line %u: %s %s is listed again; the first entry is kept"),
                 source, r->line, cs_radiomics_class_name (cls), feature);
      g_free (key);
      return;
    }
  e = g_new0 (DictEntry, 1);
  e->code = g_strdup (code);
  e->meaning = g_strdup (meaning);
  e->refusal = g_strdup (refusal);
  g_hash_table_insert (dict->entries, key, e);
}

static gboolean
split_tsv_line (const char  *line,
                gsize        len,
                GPtrArray   *fields)
{
  gsize start = 0, i;

  g_ptr_array_set_size (fields, 0);
  if (len > 0 && line[len - 1] == '\r')
    len--;
  for (i = 0; i <= len; i++)
    if (i == len || line[i] == '\t')
      {
        g_autofree char *raw = g_strndup (line + start, i - start);

        g_ptr_array_add (fields, g_strstrip (g_steal_pointer (&raw)));
        start = i + 1;
      }
  return TRUE;
}

CsRadiomicsDict *
cs_radiomics_dict_parse (const char  *data,
                         gsize        len,
                         const char  *source_name,
                         GError     **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  CsRadiomicsDict *dict;
  const char *source = source_name != NULL ? source_name : "featuresDict";
  int col_meaning = -1, col_code = -1, col_class = -1, col_feature = -1, col_notes = -1;
  const Family *section = NULL;
  const char *p = data, *end = data + len;
  guint line_no = 0, i;
  const char *bad;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  if (memchr (p, '\0', (gsize) (end - p)) != NULL)
    {
      g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_DICTIONARY,
                   _("%s: contains a NUL byte: not a text file"), source);
      return NULL;
    }

  if (!g_utf8_validate_len (p, (gsize) (end - p), &bad))
    {
      g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_DICTIONARY,
                   _("%s: not valid UTF-8 at byte %zu"), source, (gsize) (bad - data));
      return NULL;
    }
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      gsize n = nl ? (gsize) (nl - p) : (gsize) (end - p);
      const char *field;

      line_no++;
      split_tsv_line (p, n, fields);
      p += n + (nl ? 1 : 0);
      if (fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0')
        continue;   /* an empty line */

      if (col_code < 0)
        {
          for (i = 0; i < fields->len; i++)
            {
              field = g_ptr_array_index (fields, i);
              if (g_ascii_strcasecmp (field, "IBSI_meaning") == 0)
                col_meaning = (int) i;
              else if (g_ascii_strcasecmp (field, "IBSI_code") == 0)
                col_code = (int) i;
              else if (g_ascii_strcasecmp (field, "pyradiomics_feature_class") == 0)
                col_class = (int) i;
              else if (g_ascii_strcasecmp (field, "pyradiomics_feature_name") == 0)
                col_feature = (int) i;
              else if (g_ascii_strcasecmp (field, "pyradiomics_notes") == 0)
                col_notes = (int) i;
            }
          if (col_meaning < 0 || col_code < 0 || col_class < 0 || col_feature < 0)
            {
              g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_DICTIONARY,
                           _("%s, line %u: not an IBSI feature dictionary: the header needs the columns "
                             "IBSI_meaning, IBSI_code, pyradiomics_feature_class and pyradiomics_feature_name"),
                           source, line_no);
              return NULL;
            }
          continue;
        }

      {
        Row *r = g_new0 (Row, 1);
#define FIELD(c) ((c) >= 0 && (guint) (c) < fields->len ? g_strdup (g_ptr_array_index (fields, (c))) : g_strdup (""))
        r->line = line_no;
        r->meaning = FIELD (col_meaning);
        r->code = FIELD (col_code);
        r->cls_text = FIELD (col_class);
        r->feature_text = FIELD (col_feature);
        r->notes = FIELD (col_notes);
#undef FIELD
        if (*r->cls_text == '\0' && *r->feature_text == '\0' && family_of_code (r->code) != NULL)
          section = family_of_code (r->code);
        r->section = section;
        g_ptr_array_add (rows, r);
      }
    }
  if (col_code < 0)
    {
      g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_DICTIONARY,
                   _("%s: empty: no header row"), source);
      return NULL;
    }

  dict = g_new0 (CsRadiomicsDict, 1);
  dict->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) dict_entry_free);
  dict->notes = g_ptr_array_new_with_free_func (g_free);

  for (i = 0; i < rows->len; i++)
    {
      const Row *r = g_ptr_array_index (rows, i);
      CsRadiomicsClass cls, section_cls;
      const char *feature;
      g_autofree char *refusal = NULL;
      const char *code = r->code, *meaning = r->meaning;
      guint j;

      if (*r->cls_text == '\0' && *r->feature_text == '\0')
        continue;   /* a section or an IBSI feature pyradiomics does not compute */
      if (*r->feature_text == '\0' || *r->cls_text == '\0')
        {
          dict_note (dict, _("%s, line %u: a class without a feature name or the reverse; ignored"), source, r->line);
          continue;
        }
      cls = cs_radiomics_class_from_name (r->cls_text);
      section_cls = r->section != NULL ? r->section->cls : CS_RADIOMICS_CLASS_NONE;
      feature = cls != CS_RADIOMICS_CLASS_NONE ? resolve_feature (cls, r->feature_text) : NULL;
      if (feature == NULL && section_cls != CS_RADIOMICS_CLASS_NONE && section_cls != cls
          && (feature = resolve_feature (section_cls, r->feature_text)) != NULL)
        {
          /* e.g. GLSZM features listed under class glcm, in the GLSZM section */
          dict_note (dict, _("%s, line %u: %s is listed under class “%s” but is a %s feature in the %s section; filed under %s"),
                     source, r->line, r->feature_text, r->cls_text, cs_radiomics_class_name (section_cls),
                     r->section->family, cs_radiomics_class_name (section_cls));
          cls = section_cls;
        }
      if (cls == CS_RADIOMICS_CLASS_NONE || feature == NULL)
        {
          dict_note (dict, _("%s, line %u: “%s” is not a pyradiomics %s feature; ignored"),
                     source, r->line, r->feature_text, r->cls_text);
          continue;
        }
      if (strcmp (feature, r->feature_text) != 0)
        dict_note (dict, _("%s, line %u: “%s” read as pyradiomics' “%s”"), source, r->line, r->feature_text, feature);

      if (r->section != NULL && r->section->cls != cls)
        {
          /* listed in another IBSI family (e.g. GLSZM zone emphases in the
           * GLDZM section): use the code of the same meaning in the family
           * of the feature's class, when the dictionary has one */
          const Row *right = NULL;

          for (j = 0; j < rows->len; j++)
            {
              const Row *o = g_ptr_array_index (rows, j);

              if (o->section != NULL && o->section->cls == cls && *o->cls_text == '\0' && *o->feature_text == '\0'
                  && g_ascii_strcasecmp (o->meaning, r->meaning) == 0 && family_of_code (o->code) == NULL)
                right = o;
            }
          if (right != NULL)
            {
              dict_note (dict, _("%s, line %u: %s %s is listed with %s (%s, %s family); the %s family's code for “%s” is %s (line %u), which is used"),
                         source, r->line, cs_radiomics_class_name (cls), feature, r->code, r->meaning,
                         r->section->family, cs_radiomics_class_label (cls), r->meaning, right->code, right->line);
              code = right->code;
              meaning = right->meaning;
            }
          else
            {
              refusal = g_strdup_printf (_("the dictionary lists it with %s, a code of the IBSI %s family, not of %s"),
                                         r->code, r->section->family, cs_radiomics_class_label (cls));
              dict_note (dict, "%s, line %u: %s %s: %s", source, r->line, cs_radiomics_class_name (cls), feature, refusal);
            }
        }

      for (j = 0; kurtosis_codes[j] != NULL && refusal == NULL; j++)
        if (strcmp (code, kurtosis_codes[j]) == 0)
          {
            refusal = g_strdup_printf (_("%s is IBSI's excess kurtosis; pyradiomics %s does not subtract 3"), code, feature);
            dict_note (dict, "%s, line %u: %s", source, r->line, refusal);
          }
      if (*code == '\0' && refusal == NULL)
        refusal = g_strdup (_("the dictionary gives no IBSI code"));
      dict_add (dict, source, r, cls, feature, refusal ? NULL : code, refusal ? NULL : meaning, refusal);
    }
  return dict;
}

CsRadiomicsDict *
cs_radiomics_dict_load (const char  *path,
                        GError     **error)
{
  g_autofree char *data = NULL;
  g_autofree char *base = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, CS_RADIOMICS_ERROR, CS_RADIOMICS_ERROR_IO,
                   _("Cannot read the IBSI dictionary: %s"), local->message);
      return NULL;
    }
  base = g_path_get_basename (path);
  return cs_radiomics_dict_parse (data, len, base, error);
}

gboolean
cs_radiomics_dict_lookup (CsRadiomicsDict       *dict,
                          const CsRadiomicsName *name,
                          CsRadiomicsIbsi       *info)
{
  g_autofree char *key = NULL;
  const DictEntry *e;

  g_return_val_if_fail (dict != NULL && name != NULL && info != NULL, FALSE);
  memset (info, 0, sizeof *info);

  if (name->kind != CS_RADIOMICS_KIND_FEATURE)
    {
      info->reason = _("diagnostics are provenance, not features");
      return FALSE;
    }
  if (name->feature_class == CS_RADIOMICS_CLASS_FIRSTORDER && strcmp (name->feature, "Kurtosis") == 0)
    {
      info->reason = _("pyradiomics Kurtosis is not IBSI's (excess) kurtosis: pyradiomics does not subtract 3");
      return FALSE;
    }
  key = entry_key (name->feature_class, name->feature);
  e = g_hash_table_lookup (dict->entries, key);
  if (e == NULL)
    {
      info->reason = _("the dictionary has no IBSI code for this feature");
      return FALSE;
    }
  if (e->refusal != NULL)
    {
      info->reason = e->refusal;
      return FALSE;
    }
  info->code = e->code;
  info->meaning = e->meaning;
  return TRUE;
}
