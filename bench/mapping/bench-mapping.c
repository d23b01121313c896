/* bench-mapping.c: throughput and peak memory of the mapping engine
 *
 *   bench-mapping [--mb N] [--runs R] [--dir DIR] [--out-dir DIR] [--keep] [--engine-only]
 *
 * Writes a Lung1-shaped clinical table and a pyradiomics-shaped feature
 * table (PatientID, Lesion, 15 diagnostics_* columns, 710 features of 17
 * significant digits; one patient in ten has two lesions) of about N MB
 * together (default 110), and the same pair with a quarter and a sixteenth
 * of the patients.
 * Then, for the large pair, each variant runs R times (default 2) in a
 * forked child (bench/common: its own peak RSS), alternating:
 *   baseline          the child does nothing (RSS of the process itself)
 *   cs-mapping        bench-mapping.json through the engine to an NDJSON file
 *   cs-mapping (null) the same to /dev/null: the engine without the kernel's
 *                     copy of the output into the page cache
 *   json-glib         the same resources built with JsonBuilder and written
 *                     with JsonGenerator, from the same CSV reader, to a file
 *   json-glib (null)  the same to /dev/null
 *   writer alone      as many bytes as cs-mapping wrote, in lines of the same
 *                     average length, through the same writer to the same
 *                     place: what writing the output costs without mapping
 *   cs-mapping (cache), writer (cache)
 *                     the two above with CS_MAPPING_DIRECT_IO=0: the output
 *                     through the page cache instead of O_DIRECT writes
 * and prints input MB/s and resources/s (the run with the least CPU time:
 * wall, CPU, user and kernel time), the ratio to json-glib, and the peak
 * RSS of cs-mapping (null) for 1/16, 1/4 and all of the patients, with the
 * default memory limit and with CS_MAPPING_MEMORY_LIMIT=0 (the tables'
 * indexes paged through files: it must not grow with the rows).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "cs-bench.h"
#include "cs-csv.h"
#include "cs-mapping.h"
#include "cs-mapping-output.h"
#include "cs-radiomics.h"

static const char *image_types[] = {
  "original", "wavelet-LLH", "wavelet-LHL", "wavelet-LHH", "wavelet-HLL", "wavelet-HLH", "wavelet-HHL",
  "wavelet-HHH", "wavelet-LLL", "log-sigma-1-0-mm-3D", "log-sigma-2-0-mm-3D", "log-sigma-3-0-mm-3D",
};
static const char *firstorder[] = {
  "Energy", "TotalEnergy", "Entropy", "Minimum", "10Percentile", "90Percentile", "Maximum", "Mean", "Median",
  "InterquartileRange", "Range", "MeanAbsoluteDeviation", "RobustMeanAbsoluteDeviation", "RootMeanSquared",
  "Skewness", "Kurtosis", "Variance", "Uniformity",
};
static const char *glcm[] = {
  "Autocorrelation", "JointAverage", "ClusterProminence", "ClusterShade", "ClusterTendency", "Contrast",
  "Correlation", "DifferenceAverage", "DifferenceEntropy", "DifferenceVariance", "JointEnergy", "JointEntropy",
  "Imc1", "Imc2", "Idm", "Idmn", "Id", "Idn", "InverseVariance", "MaximumProbability", "SumAverage",
  "SumEntropy", "SumSquares", "MCC",
};
static const char *glrlm[] = {
  "ShortRunEmphasis", "LongRunEmphasis", "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized",
  "RunLengthNonUniformity", "RunLengthNonUniformityNormalized", "RunPercentage", "GrayLevelVariance",
  "RunVariance", "RunEntropy", "LowGrayLevelRunEmphasis", "HighGrayLevelRunEmphasis",
  "ShortRunLowGrayLevelEmphasis", "ShortRunHighGrayLevelEmphasis", "LongRunLowGrayLevelEmphasis",
  "LongRunHighGrayLevelEmphasis",
};
static const char *shape[] = {
  "Elongation", "Flatness", "LeastAxisLength", "MajorAxisLength", "Maximum2DDiameterColumn",
  "Maximum2DDiameterRow", "Maximum2DDiameterSlice", "Maximum3DDiameter", "MeshVolume", "MinorAxisLength",
  "Sphericity", "SurfaceArea", "SurfaceVolumeRatio", "VoxelVolume",
};
static const char *diagnostics[] = {
  "diagnostics_Versions_PyRadiomics", "diagnostics_Versions_Numpy", "diagnostics_Versions_SimpleITK",
  "diagnostics_Versions_PyWavelet", "diagnostics_Versions_Python", "diagnostics_Configuration_Settings",
  "diagnostics_Configuration_EnabledImageTypes", "diagnostics_Image-original_Hash",
  "diagnostics_Image-original_Dimensionality", "diagnostics_Image-original_Spacing",
  "diagnostics_Image-original_Size", "diagnostics_Image-original_Mean", "diagnostics_Mask-original_Hash",
  "diagnostics_Mask-original_BoundingBox", "diagnostics_Mask-original_VoxelNum",
};

#define NS_TEXT "https://cohortscope.github.io/fhir/bench"

typedef struct
{
  char *clinical;
  char *features;
  guint64 bytes;
  guint n_patients;
} Tables;

/* ------------------------------------------------------------------------ */
/* The tables                                                                */

static GPtrArray *
feature_names (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (shape); i++)
    g_ptr_array_add (names, g_strdup_printf ("original_shape_%s", shape[i]));
  for (guint t = 0; t < G_N_ELEMENTS (image_types); t++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (firstorder); i++)
        g_ptr_array_add (names, g_strdup_printf ("%s_firstorder_%s", image_types[t], firstorder[i]));
      for (guint i = 0; i < G_N_ELEMENTS (glcm); i++)
        g_ptr_array_add (names, g_strdup_printf ("%s_glcm_%s", image_types[t], glcm[i]));
      for (guint i = 0; i < G_N_ELEMENTS (glrlm); i++)
        g_ptr_array_add (names, g_strdup_printf ("%s_glrlm_%s", image_types[t], glrlm[i]));
    }
  return names;
}

static gboolean
write_tables (const char *dir,
              guint       n_patients,
              Tables     *out,
              GError    **error)
{
  static const char *stages[] = { "I", "II", "IIIa", "IIIb" };
  static const char *histology[] = { "adenocarcinoma", "large cell", "nos", "squamous cell carcinoma", "NA" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GPtrArray) names = feature_names ();
  g_autoptr(GString) line = g_string_new (NULL);
  FILE *clinical, *features;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  GStatBuf st;

  out->clinical = g_build_filename (dir, "clinical.csv", NULL);
  out->features = g_build_filename (dir, "features.csv", NULL);
  out->n_patients = n_patients;
  clinical = fopen (out->clinical, "we");
  features = fopen (out->features, "we");
  if (clinical == NULL || features == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }

  fputs ("PatientID,age,clinical.T.Stage,Clinical.N.Stage,Clinical.M.Stage,Overall.Stage,Histology,gender,"
         "Survival.time,deadstatus.event\n", clinical);
  g_string_assign (line, "PatientID,Lesion");
  for (guint i = 0; i < G_N_ELEMENTS (diagnostics); i++)
    g_string_append_printf (line, ",%s", diagnostics[i]);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (line, ",%s", (char *) names->pdata[i]);
  g_string_append_c (line, '\n');
  fwrite (line->str, 1, line->len, features);

  for (guint p = 0; p < n_patients; p++)
    {
      guint n_lesions = p % 10 == 9 ? 2 : 1;

      fprintf (clinical, "LUNG1-%06u,%s,%d,%d,%d,%s,%s,%s,%d,%d\n", p + 1,
               p % 20 == 7 ? "NA" : g_ascii_formatd (number, sizeof number, "%.4f",
                                                     g_rand_double_range (rand, 35, 92)),
               g_rand_int_range (rand, 1, 5), g_rand_int_range (rand, 0, 4), p % 50 == 3 ? 1 : 0,
               stages[g_rand_int_range (rand, 0, 4)], histology[g_rand_int_range (rand, 0, 5)],
               g_rand_boolean (rand) ? "male" : "female", g_rand_int_range (rand, 10, 4000),
               g_rand_int_range (rand, 0, 10) < 8 ? 1 : 0);

      for (guint l = 0; l < n_lesions; l++)
        {
          g_string_printf (line, "LUNG1-%06u,GTV-%u,v3.0.1,1.24.1,2.2.1,1.4.1,3.9.2,"
                           "\"{'minimumROIDimensions': 2, 'minimumROISize': None, 'normalize': False, "
                           "'binWidth': 25, 'resampledPixelSpacing': None, 'interpolator': 'sitkBSpline'}\","
                           "\"{'Original': {}, 'Wavelet': {}, 'LoG': {'sigma': [1.0, 2.0, 3.0]}}\","
                           "%08x%08x%08x%08x%08x,3D,\"(0.9765625, 0.9765625, 3.0)\",\"(512, 512, %u)\",%s,"
                           "%08x%08x%08x%08x%08x,\"(%u, %u, %u, %u, %u, %u)\",%u",
                           p + 1, l + 1, g_rand_int (rand), g_rand_int (rand), g_rand_int (rand),
                           g_rand_int (rand), g_rand_int (rand), 90 + p % 80,
                           g_ascii_formatd (number, sizeof number, "%.12f", g_rand_double_range (rand, -900, -100)),
                           g_rand_int (rand), g_rand_int (rand), g_rand_int (rand), g_rand_int (rand),
                           g_rand_int (rand), g_rand_int_range (rand, 100, 300), g_rand_int_range (rand, 100, 300),
                           g_rand_int_range (rand, 10, 90), g_rand_int_range (rand, 10, 90),
                           g_rand_int_range (rand, 10, 90), g_rand_int_range (rand, 3, 30),
                           g_rand_int_range (rand, 500, 90000));
          for (guint i = 0; i < names->len; i++)
            {
              g_string_append_c (line, ',');
              g_string_append (line, g_ascii_formatd (number, sizeof number, "%.17g",
                                                      g_rand_double_range (rand, -5.0, 5000.0)));
            }
          g_string_append_c (line, '\n');
          fwrite (line->str, 1, line->len, features);
        }
    }
  if (fclose (clinical) != 0 || fclose (features) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  out->bytes = 0;
  if (g_stat (out->clinical, &st) == 0)
    out->bytes += st.st_size;
  if (g_stat (out->features, &st) == 0)
    out->bytes += st.st_size;
  return TRUE;
}

static void
tables_clear (Tables *t)
{
  if (t->clinical != NULL)
    g_unlink (t->clinical);
  if (t->features != NULL)
    g_unlink (t->features);
  g_clear_pointer (&t->clinical, g_free);
  g_clear_pointer (&t->features, g_free);
}

/* ------------------------------------------------------------------------ */
/* The engine                                                                */

typedef struct
{
  CsMappingWriter *writer;
  guint64          n;
  guint64          bytes;     /* of the resources' JSON, a line each */
} EngineSink;

static gboolean
engine_resource (const CsMappingResource *res,
                 gpointer                 user_data,
                 GError                 **error)
{
  EngineSink *sink = user_data;

  sink->n++;
  sink->bytes += res->length + 1;
  return cs_mapping_writer_add (sink->writer, res->resource_type, res->id, res->json, res->length, error);
}

static gboolean
run_engine (const Tables *t,
            const char   *output,
            guint64      *count,
            double       *checksum,
            GError      **error)
{
  g_autoptr(CsMapping) mapping = cs_mapping_load_file (BENCH_MAPPING, error);
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsMappingRun) run = NULL;
  g_autoptr(CsMappingWriter) writer = NULL;
  CsCsvReader *clinical, *features;
  CsMappingTableInfo tables[2] = { { 0 } };
  const CsMappingSink sink = { engine_resource, NULL, NULL };
  EngineSink state = { NULL, 0, 0 };

  if (mapping == NULL)
    return FALSE;
  clinical = cs_csv_reader_new_for_path (t->clinical, cs_mapping_get_input_dialect (mapping, 0), error);
  if (clinical == NULL)
    return FALSE;
  features = cs_csv_reader_new_for_path (t->features, cs_mapping_get_input_dialect (mapping, 1), error);
  if (features == NULL)
    {
      cs_csv_reader_free (clinical);
      return FALSE;
    }
  tables[0] = (CsMappingTableInfo) { "clinical", "clinical.csv", cs_csv_reader_get_header (clinical) };
  tables[1] = (CsMappingTableInfo) { "features", "features.csv", cs_csv_reader_get_header (features) };
  if (!(program = cs_mapping_compile (mapping, tables, 2, error)))
    {
      cs_csv_reader_free (clinical);
      cs_csv_reader_free (features);
      return FALSE;
    }
  run = cs_mapping_run_new (program, 0);
  if (!cs_mapping_run_add_input (run, "clinical", clinical, error) ||
      !cs_mapping_run_add_input (run, "features", features, error))
    return FALSE;
  if (!(writer = cs_mapping_writer_new (output, CS_MAPPING_OUTPUT_NDJSON, error)))
    return FALSE;
  state.writer = writer;
  if (!cs_mapping_run_all (run, &sink, &state, NULL, error) || !cs_mapping_writer_commit (writer, error))
    return FALSE;
  *count = state.n;
  *checksum = (double) state.bytes;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The same resources with json-glib                                         */

typedef struct
{
  guint8  ns[16];
  FILE   *out;
  guint64 n;
  guint64 bytes;
} Glib;

static void
emit (Glib        *g,
      JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  fwrite (text, 1, length, g->out);
  fputc ('\n', g->out);
  g->n++;
  g->bytes += length + 1;
  json_builder_reset (builder);
}

static void
uuid_for (Glib       *g,
          const char *template_name,
          const char *key,
          char        out[37])
{
  g_autofree char *name = g_strdup_printf ("%s\x1f%s", template_name, key);

  cs_mapping_uuid5 (g->ns, name, strlen (name), out);
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
add_reference (JsonBuilder *b,
               const char  *member,
               const char  *type,
               const char  *id)
{
  g_autofree char *ref = g_strdup_printf ("%s/%s", type, id);

  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_add_string_value (b, ref);
  json_builder_end_object (b);
}

static void
begin_resource (JsonBuilder *b,
                const char  *type,
                const char  *id)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
}

static void
begin_observation (JsonBuilder *b,
                   const char  *id,
                   const char  *system,
                   const char  *code,
                   const char  *display,
                   const char  *patient)
{
  begin_resource (b, "Observation", id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "final");
  json_builder_set_member_name (b, "code");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  add_coding (b, system, code, display);
  json_builder_end_array (b);
  json_builder_end_object (b);
  add_reference (b, "subject", "Patient", patient);
}

static const char *
stage_code (const char *stage)
{
  if (g_str_equal (stage, "I"))
    return "1222723001";
  if (g_str_equal (stage, "II"))
    return "1222765007";
  if (g_str_equal (stage, "IIIa"))
    return "1222802001";
  return "1222805004";
}

static gboolean
glib_clinical (Glib        *g,
               const char  *path,
               GError     **error)
{
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) local = NULL;
  CsCsvRecord r;
  int id_col, stage_col, gender_col, time_col, dead_col;

  if (reader == NULL)
    return FALSE;
  id_col = cs_csv_reader_find_column (reader, "PatientID");
  stage_col = cs_csv_reader_find_column (reader, "Overall.Stage");
  gender_col = cs_csv_reader_find_column (reader, "gender");
  time_col = cs_csv_reader_find_column (reader, "Survival.time");
  dead_col = cs_csv_reader_find_column (reader, "deadstatus.event");

  while (cs_csv_reader_next (reader, &r, &local))
    {
      char patient[37], id[37];
      const char *stage = r.fields[stage_col];
      gint64 days;

      uuid_for (g, "patient", r.fields[id_col], patient);
      begin_resource (b, "Patient", patient);
      json_builder_set_member_name (b, "identifier");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "system");
      json_builder_add_string_value (b, "https://www.cancerimagingarchive.net/collection/nsclc-radiomics");
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, r.fields[id_col]);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "gender");
      json_builder_add_string_value (b, r.fields[gender_col]);
      json_builder_set_member_name (b, "deceasedBoolean");
      json_builder_add_boolean_value (b, g_str_equal (r.fields[dead_col], "1"));
      json_builder_end_object (b);
      emit (g, b);

      uuid_for (g, "stage", r.fields[id_col], id);
      begin_observation (b, id, "http://snomed.info/sct", "399537006", "Clinical TNM stage grouping", patient);
      json_builder_set_member_name (b, "valueCodeableConcept");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      add_coding (b, "http://snomed.info/sct", stage_code (stage), "American Joint Committee on Cancer stage");
      json_builder_end_array (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, stage);
      json_builder_end_object (b);
      json_builder_end_object (b);
      emit (g, b);

      uuid_for (g, "survival", r.fields[id_col], id);
      begin_observation (b, id, "http://snomed.info/sct", "445320007", "Survival time", patient);
      json_builder_set_member_name (b, "valueQuantity");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "value");
      cs_csv_parse_int64 (r.fields[time_col], &days);
      json_builder_add_int_value (b, days);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, "d");
      json_builder_set_member_name (b, "system");
      json_builder_add_string_value (b, "http://unitsofmeasure.org");
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, "d");
      json_builder_end_object (b);
      json_builder_end_object (b);
      emit (g, b);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static gboolean
glib_features (Glib        *g,
               const char  *path,
               GError     **error)
{
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new_for_path (path, NULL, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) suffixes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_radiomics_name_free);
  g_autoptr(GPtrArray) filters = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
  const char * const *header;
  CsCsvRecord r;

  if (reader == NULL)
    return FALSE;
  /* what the engine works out once per column: the pyradiomics name, its
   * filter, unit and id suffix */
  header = cs_csv_reader_get_header (reader);
  for (guint c = 0; header[c] != NULL; c++)
    if (g_str_has_prefix (header[c], "original") || g_str_has_prefix (header[c], "wavelet") ||
        g_str_has_prefix (header[c], "log"))
      {
        CsRadiomicsName *name = cs_radiomics_parse (header[c], CS_RADIOMICS_CLASS_NONE, error);
        char suffix[14];

        if (name == NULL)
          return FALSE;
        g_array_append_val (columns, c);
        cs_mapping_column_id_suffix (name->column, suffix);
        g_ptr_array_add (suffixes, g_strdup (suffix));
        g_ptr_array_add (filters, name->filter != NULL ? g_strdup_printf ("%s-%s", name->image_type, name->filter)
                                                       : g_strdup (name->image_type));
        g_ptr_array_add (names, name);
      }

  while (cs_csv_reader_next (reader, &r, &local))
    {
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", r.fields[0], r.fields[1]);
      char patient[37], base[37], id[37];

      uuid_for (g, "patient", r.fields[0], patient);
      uuid_for (g, "feature", key, base);
      g_ptr_array_set_size (members, 0);
      for (guint k = 0; k < columns->len; k++)
        {
          guint c = g_array_index (columns, guint, k);
          g_autofree char *fid = g_strdup_printf ("%s-%s", base, (char *) suffixes->pdata[k]);
          const CsRadiomicsName *name = names->pdata[k];
          const char *unit = cs_radiomics_unit (name, CS_RADIOMICS_MODALITY_CT, NULL);
          double value;

          begin_resource (b, "Observation", fid);
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, "final");
          json_builder_set_member_name (b, "category");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "coding");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "system");
          json_builder_add_string_value (b, "http://terminology.hl7.org/CodeSystem/observation-category");
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, "imaging");
          json_builder_end_object (b);
          json_builder_end_array (b);
          json_builder_end_object (b);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "code");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "coding");
          json_builder_begin_array (b);
          add_coding (b, "https://pyradiomics.readthedocs.io", name->column, name->label);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, header[c]);
          json_builder_end_object (b);
          add_reference (b, "subject", "Patient", patient);
          json_builder_set_member_name (b, "method");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "coding");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "system");
          json_builder_add_string_value (b, "https://pyradiomics.readthedocs.io");
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, filters->pdata[k]);
          json_builder_end_object (b);
          json_builder_end_array (b);
          json_builder_end_object (b);
          json_builder_set_member_name (b, "valueQuantity");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "value");
          cs_csv_parse_double (r.fields[c], FALSE, &value);
          json_builder_add_double_value (b, value);
          if (unit != NULL)
            {
              json_builder_set_member_name (b, "unit");
              json_builder_add_string_value (b, unit);
              json_builder_set_member_name (b, "system");
              json_builder_add_string_value (b, "http://unitsofmeasure.org");
              json_builder_set_member_name (b, "code");
              json_builder_add_string_value (b, unit);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
          emit (g, b);
          g_ptr_array_add (members, g_steal_pointer (&fid));
        }

      uuid_for (g, "lesion", key, id);
      begin_observation (b, id, "http://dicom.nema.org/resources/ontology/DCM", "125007", "Measurement Group",
                         patient);
      json_builder_set_member_name (b, "hasMember");
      json_builder_begin_array (b);
      for (guint k = 0; k < members->len; k++)
        {
          g_autofree char *ref = g_strdup_printf ("Observation/%s", (char *) members->pdata[k]);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "reference");
          json_builder_add_string_value (b, ref);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      emit (g, b);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_json_glib (const Tables *t,
               const char   *output,
               guint64      *count,
               double       *checksum,
               GError      **error)
{
  Glib g = { { 0 }, NULL, 0, 0 };
  g_autofree char *buffer = g_malloc (4 << 20);
  gboolean ok;

  cs_mapping_namespace_uuid (NS_TEXT, g.ns);
  if (!(g.out = fopen (output, "we")))
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", output, g_strerror (errno));
      return FALSE;
    }
  setvbuf (g.out, buffer, _IOFBF, 4 << 20);
  ok = glib_clinical (&g, t->clinical, error) && glib_features (&g, t->features, error);
  if (fclose (g.out) != 0 && ok)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", output, g_strerror (errno));
      ok = FALSE;
    }
  *count = g.n;
  *checksum = (double) g.bytes;
  return ok;
}

/* ------------------------------------------------------------------------ */

typedef enum
{
  VARIANT_BASELINE,
  VARIANT_ENGINE,
  VARIANT_ENGINE_NULL,
  VARIANT_GLIB,
  VARIANT_GLIB_NULL,
  VARIANT_WRITE_ONLY,
  VARIANT_ENGINE_CACHED,
  VARIANT_WRITE_ONLY_CACHED,
  N_VARIANTS
} Variant;

static const char *variant_names[N_VARIANTS] = {
  "baseline", "cs-mapping", "cs-mapping (null)", "json-glib", "json-glib (null)", "writer alone",
  "cs-mapping (cache)", "writer (cache)",
};

typedef struct
{
  Variant       variant;
  const Tables *tables;
  const char   *output;
  guint64       count;    /* VARIANT_WRITE_ONLY: resources and bytes the engine wrote */
  guint64       bytes;
} Job;

/* The engine's output without the engine: as many lines of the same
 * average length, through the same writer to the same place. What the
 * disk (and the kernel's copy) cost on their own. */
static gboolean
run_write_only (const Job  *job,
                guint64    *count,
                double     *checksum,
                GError    **error)
{
  g_autoptr(CsMappingWriter) writer = NULL;
  g_autofree char *line = NULL;
  guint64 length, last, written = 0;

  if (job->count == 0)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the engine wrote nothing"), FALSE;
  /* lines of the average length; the last takes what is left, so the bytes are the same */
  length = job->bytes / job->count - 1;
  last = job->bytes - (job->count - 1) * (length + 1) - 1;
  line = g_strnfill (MAX (length, last), 'x');
  if (!(writer = cs_mapping_writer_new (job->output, CS_MAPPING_OUTPUT_NDJSON, error)))
    return FALSE;
  for (guint64 i = 0; i < job->count; i++)
    {
      guint64 n = i + 1 < job->count ? length : last;

      if (!cs_mapping_writer_add (writer, "Basic", "x", line, n, error))
        return FALSE;
      written += n + 1;
    }
  if (!cs_mapping_writer_commit (writer, error))
    return FALSE;
  *count = job->count;
  *checksum = (double) written;
  return TRUE;
}

static gboolean
run_variant (gpointer   data,
             guint64   *count,
             double    *checksum,
             GError   **error)
{
  Job *job = data;
  const char *out = job->variant == VARIANT_ENGINE_NULL || job->variant == VARIANT_GLIB_NULL ? "/dev/null"
                                                                                               : job->output;
  gboolean ok;

  /* the writer as it was before direct I/O: through the page cache */
  if (job->variant == VARIANT_ENGINE_CACHED || job->variant == VARIANT_WRITE_ONLY_CACHED)
    g_setenv ("CS_MAPPING_DIRECT_IO", "0", TRUE);
  switch (job->variant)
    {
    case VARIANT_BASELINE:
      *count = 0;
      return TRUE;
    case VARIANT_ENGINE:
    case VARIANT_ENGINE_NULL:
    case VARIANT_ENGINE_CACHED:
      ok = run_engine (job->tables, out, count, checksum, error);
      break;
    case VARIANT_GLIB:
    case VARIANT_GLIB_NULL:
      ok = run_json_glib (job->tables, out, count, checksum, error);
      break;
    case VARIANT_WRITE_ONLY:
    case VARIANT_WRITE_ONLY_CACHED:
      ok = run_write_only (job, count, checksum, error);
      break;
    case N_VARIANTS:
    default:
      g_assert_not_reached ();
    }
  if (out != NULL && !g_str_equal (out, "/dev/null"))
    g_unlink (out);
  return ok;
}

static CsBenchResult
measure (Variant              variant,
         const Tables        *tables,
         const char          *output,
         const CsBenchResult *engine)
{
  Job job = { variant, tables, output, engine->count, (guint64) engine->checksum };

  return cs_bench_run_in_child (variant_names[variant], run_variant, &job);
}

static void
print_row (const char          *name,
           const CsBenchResult *r,
           const CsBenchResult *glib,
           const CsBenchResult *baseline,
           double               in_mb)
{
  if (!r->ok)
    {
      g_print ("%-18s %10s\n", name, "failed");
      return;
    }
  g_print ("%-18s %7.2f %7.2f %7.2f %7.2f %8.1f %8.1f %11.0f %7.0f", name,
           r->seconds, r->cpu_seconds, r->user_seconds, r->cpu_seconds - r->user_seconds,
           in_mb / r->seconds, in_mb / r->cpu_seconds, (double) r->count / r->cpu_seconds, r->checksum / 1e6);
  if (glib != NULL && glib->ok)
    g_print (" %7.1fx %7.1fx", glib->seconds / r->seconds, glib->cpu_seconds / r->cpu_seconds);
  else
    g_print (" %8s %8s", "-", "-");
  g_print (" %7.1f\n", (double) (r->maxrss_kib - baseline->maxrss_kib) * 1024 / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *output = NULL;
  g_autofree char *load = NULL;
  char *user_dir = NULL;
  char *out_dir = NULL;
  int mb = 110;
  int runs = 2;
  gboolean keep = FALSE;
  gboolean engine_only = FALSE;
  /* the tables: 1/16, 1/4 and all of the patients, for the peak RSS */
  static const guint divisors[] = { 16, 4, 1 };
  Tables tables[G_N_ELEMENTS (divisors)] = { { 0 } };
  Tables *large = &tables[G_N_ELEMENTS (divisors) - 1];
  CsBenchResult best[N_VARIANTS] = { { 0 } };
  CsBenchResult scaled[G_N_ELEMENTS (divisors)] = { { 0 } };
  CsBenchResult paged[G_N_ELEMENTS (divisors)] = { { 0 } };
  guint patients;
  double in_mb;
  const GOptionEntry entries[] = {
    { "mb", 0, 0, G_OPTION_ARG_INT, &mb, "Size of the two tables together, MB (default 110)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs per variant (the least CPU time is kept; default 2)", "R" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &user_dir, "Folder for the tables and the output (default: a temporary one)", "DIR" },
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder for the output (default: --dir), e.g. a tmpfs", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the tables (for profiling with cohortscope-cli map)", NULL },
    { "engine-only", 0, 0, G_OPTION_ARG_NONE, &engine_only, "Leave out the json-glib variants (no ratios)", NULL },
    { NULL }
  };

  context = g_option_context_new ("— the mapping engine against json-glib");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  dir = user_dir != NULL ? g_strdup (user_dir) : g_dir_make_tmp ("cs-bench-mapping-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  output = g_build_filename (out_dir != NULL ? out_dir : dir, "out.ndjson", NULL);
  g_free (out_dir);

  /* one patient ≈ 14.9 kB of features (1.1 lesions) + 0.07 kB of clinical data */
  patients = MAX (160, (guint) ((double) mb * 1e6 / 14950.0));
  for (guint i = 0; i < G_N_ELEMENTS (divisors); i++)
    {
      g_autofree char *sub = g_strdup_printf ("%u", divisors[i]);
      g_autofree char *sub_dir = divisors[i] == 1 ? g_strdup (dir) : g_build_filename (dir, sub, NULL);

      g_mkdir_with_parents (sub_dir, 0700);
      if (!write_tables (sub_dir, patients / divisors[i], &tables[i], &error))
        {
          g_printerr ("Cannot write the tables: %s\n", error->message);
          return 1;
        }
    }
  in_mb = (double) large->bytes / 1e6;
  g_print ("tables: %u patients, %.1f MB CSV\n", patients, in_mb);
  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("load average before: %s", load);

  for (int r = 0; r < MAX (runs, 1); r++)
    for (int v = 0; v < N_VARIANTS; v++)
      {
        CsBenchResult res;

        if (engine_only && (v == VARIANT_GLIB || v == VARIANT_GLIB_NULL))
          continue;
        res = measure ((Variant) v, large, output, &best[VARIANT_ENGINE]);
        cs_bench_keep_least_cpu (&best[v], &res);
      }
  /* the peak RSS of the engine for 1/16 and 1/4 of the rows (all: above) */
  scaled[G_N_ELEMENTS (divisors) - 1] = best[VARIANT_ENGINE_NULL];
  for (guint i = 0; i + 1 < G_N_ELEMENTS (divisors); i++)
    for (int r = 0; r < MAX (runs, 1); r++)
      {
        CsBenchResult res = measure (VARIANT_ENGINE_NULL, &tables[i], output, &best[VARIANT_ENGINE]);

        cs_bench_keep_least_cpu (&scaled[i], &res);
      }
  /* the same with everything that grows with the rows paged through files
   * (a memory limit of 0: cs-big-mem.h) */
  g_setenv ("CS_MAPPING_MEMORY_LIMIT", "0", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (divisors); i++)
    for (int r = 0; r < MAX (runs, 1); r++)
      {
        CsBenchResult res = measure (VARIANT_ENGINE_NULL, &tables[i], output, &best[VARIANT_ENGINE]);

        cs_bench_keep_least_cpu (&paged[i], &res);
      }
  g_unsetenv ("CS_MAPPING_MEMORY_LIMIT");
  g_clear_pointer (&load, g_free);
  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("load average after:  %s", load);

  g_print ("\n%-18s %7s %7s %7s %7s %8s %8s %11s %7s %8s %8s %7s\n", "variant", "wall s", "CPU s", "user s",
           "sys s", "MB/s", "MB/s CPU", "res/s CPU", "out MB", "x glib", "x CPU", "RSS MB");
  for (int v = 1; v < N_VARIANTS; v++)
    {
      int glib = v == VARIANT_ENGINE_NULL || v == VARIANT_GLIB_NULL ? VARIANT_GLIB_NULL : VARIANT_GLIB;

      if (engine_only && (v == VARIANT_GLIB || v == VARIANT_GLIB_NULL))
        continue;
      print_row (variant_names[v], &best[v],
                 v == VARIANT_WRITE_ONLY || v == VARIANT_WRITE_ONLY_CACHED || engine_only ? NULL : &best[glib],
                 &best[VARIANT_BASELINE], in_mb);
    }
  if (best[VARIANT_WRITE_ONLY].ok && best[VARIANT_ENGINE].ok)
    g_print ("cs-mapping to %s takes %.2fx the wall time of writing its %.0f MB alone (same writer, same "
             "place; %.2fx its CPU time)\n", output,
             best[VARIANT_ENGINE].seconds / best[VARIANT_WRITE_ONLY].seconds, best[VARIANT_ENGINE].checksum / 1e6,
             best[VARIANT_ENGINE].cpu_seconds / best[VARIANT_WRITE_ONLY].cpu_seconds);
  if (best[VARIANT_ENGINE_CACHED].ok && best[VARIANT_ENGINE].ok)
    g_print ("cs-mapping with direct I/O against the page cache: %.2fx the wall time, %.2fx the CPU time; "
             "writing alone: %.2fx the wall time, %.2fx the CPU time\n",
             best[VARIANT_ENGINE].seconds / best[VARIANT_ENGINE_CACHED].seconds,
             best[VARIANT_ENGINE].cpu_seconds / best[VARIANT_ENGINE_CACHED].cpu_seconds,
             best[VARIANT_WRITE_ONLY].seconds / best[VARIANT_WRITE_ONLY_CACHED].seconds,
             best[VARIANT_WRITE_ONLY].cpu_seconds / best[VARIANT_WRITE_ONLY_CACHED].cpu_seconds);
  g_print ("(MB/s: of CSV input, for the writer alone too; x glib: json-glib's time over this one's, wall and CPU, writing to the same "
           "place; resources: engine %" G_GUINT64_FORMAT ", json-glib %" G_GUINT64_FORMAT "; the run with the "
           "least CPU time of %d; baseline process RSS %.1f MB subtracted)\n",
           best[VARIANT_ENGINE].count, best[VARIANT_GLIB].count, MAX (runs, 1),
           (double) best[VARIANT_BASELINE].maxrss_kib * 1024 / 1e6);
  for (guint k = 0; k < 2; k++)
    {
      CsBenchResult *sizes = k == 0 ? scaled : paged;

      g_print (k == 0 ? "peak RSS of cs-mapping (null) above the baseline:"
                      : "the same with the tables' indexes paged (CS_MAPPING_MEMORY_LIMIT=0):");
      for (guint i = 0; i < G_N_ELEMENTS (divisors); i++)
        if (sizes[i].ok)
          g_print ("%s %.1f MB for %u patients (%.1f MB CSV, %.2f s CPU)", i > 0 ? "," : "",
                   (double) (sizes[i].maxrss_kib - best[VARIANT_BASELINE].maxrss_kib) * 1024 / 1e6,
                   tables[i].n_patients, (double) tables[i].bytes / 1e6, sizes[i].cpu_seconds);
      g_print ("\n");
    }
  {
    const CsBenchResult *all_paged = &paged[G_N_ELEMENTS (divisors) - 1];
    const CsBenchResult *all = &scaled[G_N_ELEMENTS (divisors) - 1];

    if (all_paged->ok && all->ok)
      g_print ("paged against the default limit, all rows: %.2fx the CPU time, %+.1f MB peak RSS\n",
               all_paged->cpu_seconds / all->cpu_seconds,
               ((double) all_paged->maxrss_kib - (double) all->maxrss_kib) * 1024 / 1e6);
  }

  if (keep)
    {
      g_print ("tables kept: %s, %s\n", large->clinical, large->features);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (divisors); i++)
    {
      tables_clear (&tables[i]);
      if (divisors[i] != 1)
        {
          g_autofree char *sub = g_strdup_printf ("%u", divisors[i]);
          g_autofree char *sub_dir = g_build_filename (dir, sub, NULL);

          g_rmdir (sub_dir);
        }
    }
  if (user_dir == NULL)
    g_rmdir (dir);
  g_free (user_dir);
  return 0;
}
