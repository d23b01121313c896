/* bench-validate.c: the FHIR validator over a mapping run's worth of resources
 *
 * Makes NDJSON in memory shaped like the output of a Lung1 mapping: per
 * patient a Patient, a primary-cancer Condition with stage, an ImagingStudy,
 * T/N/M/stage Observations and pyradiomics feature Observations (coded,
 * UCUM quantities, references, a filter component). The baseline is the
 * streaming ingest of that NDJSON into CsJsonNode trees (what a resource
 * costs to build anyway); the measured run validates each tree in the
 * ingest callback. Prints both, the validator's own throughput and its cost
 * relative to the parse; the best of --rounds rounds.
 *
 *   bench-validate [--mb 100] [--rounds 3]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cs-bench.h"
#include "cs-fhir-validate.h"
#include "cs-ingest.h"
#include "cs-json.h"

static void
add_patient_lines (GPtrArray *lines,
                   GRand     *rand,
                   guint      p)
{
  static const char *const features[] = {
    "original_shape_MeshVolume", "original_shape_Sphericity", "original_firstorder_Mean",
    "original_firstorder_Entropy", "original_glcm_JointEntropy", "original_glrlm_RunEntropy",
    "wavelet-HLH_glrlm_GrayLevelNonUniformity", "log-sigma-3-0-mm-3D_firstorder_Mean",
  };
  static const char *const units[] = { "mm3", "1", "[hnsf'U]", "1", "1", "1", "1", "1" };
  guint i;

  g_ptr_array_add (lines, g_strdup_printf (
    "{\"resourceType\":\"Patient\",\"id\":\"lung1-%u\",\"identifier\":[{\"system\":\"https://example.org/lung1\",\"value\":\"LUNG1-%03u\"}],"
    "\"gender\":\"%s\",\"deceasedBoolean\":%s,\"meta\":{\"source\":\"urn:cohortscope:map\"}}",
    p, p, g_rand_boolean (rand) ? "male" : "female", g_rand_boolean (rand) ? "true" : "false"));
  g_ptr_array_add (lines, g_strdup_printf (
    "{\"resourceType\":\"Condition\",\"id\":\"lung1-%u-primary\",\"clinicalStatus\":{\"coding\":[{\"system\":"
    "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},\"verificationStatus\":{\"coding\":"
    "[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"confirmed\"}]},"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"254637007\",\"display\":\"Non-small cell lung cancer\"}]},"
    "\"bodySite\":[{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"39607008\"}]}],"
    "\"subject\":{\"reference\":\"Patient/lung1-%u\"},\"onsetAge\":{\"value\":%.1f,\"unit\":\"a\",\"system\":"
    "\"http://unitsofmeasure.org\",\"code\":\"a\"},\"stage\":[{\"summary\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
    "\"code\":\"1222802001\"}]},\"assessment\":[{\"reference\":\"Observation/lung1-%u-stage\"}]}]}",
    p, p, g_rand_double_range (rand, 40, 90), p));
  g_ptr_array_add (lines, g_strdup_printf (
    "{\"resourceType\":\"ImagingStudy\",\"id\":\"lung1-%u-ct\",\"identifier\":[{\"system\":\"urn:dicom:uid\",\"value\":"
    "\"urn:oid:1.3.6.1.4.1.32722.99.99.%u\"}],\"status\":\"available\",\"subject\":{\"reference\":\"Patient/lung1-%u\"},"
    "\"modality\":[{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"CT\"}],\"started\":\"2008-05-%02uT10:00:00Z\"}",
    p, p, p, 1 + p % 28));
  for (i = 0; i < 4; i++)
    g_ptr_array_add (lines, g_strdup_printf (
      "{\"resourceType\":\"Observation\",\"id\":\"lung1-%u-tnm%u\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"exam\"}]}],\"code\":{\"coding\":[{\"system\":"
      "\"http://snomed.info/sct\",\"code\":\"39950400%u\"}]},\"subject\":{\"reference\":\"Patient/lung1-%u\"},"
      "\"focus\":[{\"reference\":\"Condition/lung1-%u-primary\"}],\"method\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
      "\"code\":\"443830009\"}]},\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"1228929004\"}]}}",
      p, i, i, p, p));
  for (i = 0; i < 100; i++)
    {
      guint f = i % G_N_ELEMENTS (features);

      g_ptr_array_add (lines, g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"id\":\"lung1-%u-f%u\",\"meta\":{\"profile\":[\"https://example.org/radiomics\"]},"
        "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
        "\"code\":\"imaging\"}]}],\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io\",\"code\":\"%s\"},"
        "{\"system\":\"https://ibsi.readthedocs.io/en/latest/\",\"code\":\"TU9B\"}],\"text\":\"%s\"},"
        "\"subject\":{\"reference\":\"Patient/lung1-%u\"},\"derivedFrom\":[{\"reference\":\"ImagingStudy/lung1-%u-ct\"}],"
        "\"effectiveDateTime\":\"2008-05-%02u\",\"device\":{\"reference\":\"Device/pyradiomics-3-1\"},"
        "\"valueQuantity\":{\"value\":%.17g,\"unit\":\"%s\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"%s\"},"
        "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io\",\"code\":\"image-filter\"}]},"
        "\"valueString\":\"wavelet-HLH\"}]}",
        p, i, features[f], features[f], p, p, 1 + p % 28, g_rand_double_range (rand, 0, 1e5), units[f], units[f]));
    }
}

static gboolean
on_resource (const CsResourceRecord *record,
             gpointer                user_data,
             GError                **error)
{
  guint *invalid = user_data;

  if (invalid != NULL && !cs_fhir_validate_resource (record->resource, NULL))
    (*invalid)++;
  return TRUE;
}

/* The streaming ingest over the NDJSON, validating each resource in its
 * callback (while the tree is in cache, as a producer would) or not */
static gboolean
run (GString  *ndjson,
     gboolean  validate,
     guint    *invalid)
{
  g_autoptr (CsIngest) ingest = cs_ingest_new (on_resource, validate ? invalid : NULL);
  g_autoptr (GError) error = NULL;

  cs_ingest_begin_source (ingest, "bench.ndjson");
  if (!cs_ingest_feed (ingest, ndjson->str, ndjson->len, &error) || !cs_ingest_end_source (ingest, &error))
    {
      g_printerr ("bench-validate: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gint mb = 100, rounds = 3;
  const GOptionEntry entries[] = {
    { "mb", 0, 0, G_OPTION_ARG_INT, &mb, "Megabytes of NDJSON", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (the best is reported)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— the FHIR validator against the parse");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  guint64 bytes = 0;
  double best_parse = G_MAXDOUBLE, best_both = G_MAXDOUBLE, validate;
  double cpu_parse = G_MAXDOUBLE, cpu_both = G_MAXDOUBLE;
  g_autoptr (GString) ndjson = g_string_new (NULL);
  guint p = 0, i, invalid = 0;
  gint r;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  while (bytes < (guint64) mb * 1000000)
    {
      guint before = lines->len;

      add_patient_lines (lines, rand, p++);
      for (i = before; i < lines->len; i++)
        {
          g_string_append (ndjson, g_ptr_array_index (lines, i));
          g_string_append_c (ndjson, '\n');
        }
      bytes = ndjson->len;
    }

  for (r = 0; r < rounds; r++)
    {
      double t0, t1, t2, c0, c1, c2;

      t0 = cs_bench_now ();
      c0 = cs_bench_cpu_now ();
      if (!run (ndjson, FALSE, NULL))
        return 1;
      t1 = cs_bench_now ();
      c1 = cs_bench_cpu_now ();
      invalid = 0;
      if (!run (ndjson, TRUE, &invalid))
        return 1;
      t2 = cs_bench_now ();
      c2 = cs_bench_cpu_now ();
      best_parse = MIN (best_parse, t1 - t0);
      best_both = MIN (best_both, t2 - t1);
      cpu_parse = MIN (cpu_parse, c1 - c0);
      cpu_both = MIN (cpu_both, c2 - c1);
    }
  if (invalid > 0)
    {
      g_printerr ("bench-validate: %u generated resources are invalid: the generator or the validator is wrong\n", invalid);
      return 1;
    }

  validate = best_both - best_parse;
  printf ("resources            %u (%u patients, %.1f MB NDJSON)\n", lines->len, p, bytes / 1e6);
  printf ("ingest (baseline)    %.3f s  %.0f MB/s\n", best_parse, bytes / 1e6 / best_parse);
  printf ("ingest + validate    %.3f s  %.0f MB/s\n", best_both, bytes / 1e6 / best_both);
  printf ("validate alone       %.3f s  %.0f MB/s  %.0f resources/s\n", validate, bytes / 1e6 / validate,
          lines->len / validate);
  printf ("ratio validate/parse %.2f\n", validate / best_parse);
  printf ("CPU seconds          ingest %.3f, ingest + validate %.3f: validate alone %.0f MB/s, ratio %.2f\n",
          cpu_parse, cpu_both, bytes / 1e6 / (cpu_both - cpu_parse), (cpu_both - cpu_parse) / cpu_parse);
  return 0;
}
