/* fuzz-mapping.c: libFuzzer target for mapping files
 *
 * The input is a mapping file. What loads is compiled against a fixed set of
 * headers for each of its inputs (what does not compile is fine: the error
 * must be an error, not a crash), and what compiles is run over two rows of
 * each input, with tracing, so that the compiler and the evaluator see the
 * shapes the parser lets through. ConceptMap files are looked for in a folder
 * that does not exist: the target reads no files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cs-mapping.h"
#include "cs-mapping-output.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Columns that the seeds and many mutations use; a table has all of them. */
static const char table_text[] =
  "PatientID,Lesion,age,gender,T,Stage,f_a,f_b,original_glcm_JointEntropy,x\n"
  "P1,L1,61.5,male,2,IIIa,1.5,,0.25,a\n"
  "P2,L1,NA,female,9,,0,2e3,0,b\n";

static gboolean
on_resource (const CsMappingResource *res,
             gpointer                 user_data,
             GError                 **error)
{
  guint64 *n = user_data;

  /* what the engine writes must be JSON of the type it says */
  g_assert (res->length > 2 && res->json[0] == '{' && res->json[res->length - 1] == '}');
  g_assert (res->id != NULL && strlen (res->id) <= 64);
  (*n)++;
  return TRUE;
}

static void
on_problem (const CsMappingProblem *problem,
            gpointer                user_data)
{
  g_autofree char *text = cs_mapping_problem_to_string (problem);

  g_assert (text != NULL && problem->message != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsMappingRun) run = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (table_text, sizeof table_text - 1);
  g_autoptr(GPtrArray) readers = g_ptr_array_new ();
  g_autoptr(GArray) tables = g_array_new (FALSE, TRUE, sizeof (CsMappingTableInfo));
  const CsMappingSink sink = { on_resource, on_problem, NULL };
  guint64 n = 0;
  guint n_inputs;

  mapping = cs_mapping_load_data ((const char *) data, size, "fuzz.json", "/nonexistent-cohortscope-fuzz", &error);
  if (mapping == NULL)
    {
      g_assert (error != NULL && error->domain == CS_MAPPING_ERROR && error->message[0] != '\0');
      return 0;
    }

  n_inputs = cs_mapping_get_n_inputs (mapping);
  for (guint i = 0; i < n_inputs; i++)
    {
      CsMappingTableInfo info = { 0 };
      CsCsvReader *reader = cs_csv_reader_new_for_bytes (bytes, "table.csv",
                                                         cs_mapping_get_input_dialect (mapping, i), &error);

      if (reader == NULL)
        {
          /* a dialect the table does not fit (another delimiter, no header) */
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (readers, reader);
      info.role = cs_mapping_get_input_role (mapping, i);
      info.name = "table.csv";
      info.header = cs_csv_reader_get_header (reader);
      g_array_append_val (tables, info);
    }

  program = cs_mapping_compile (mapping, (CsMappingTableInfo *) (gpointer) tables->data, tables->len, &error);
  if (program == NULL)
    {
      g_assert (error != NULL && error->domain == CS_MAPPING_ERROR);
      for (guint i = 0; i < readers->len; i++)
        cs_csv_reader_free (readers->pdata[i]);
      return 0;
    }

  run = cs_mapping_run_new (program, CS_MAPPING_RUN_TRACE);
  for (guint i = 0; i < readers->len; i++)
    {
      const CsMappingTableInfo *info = &g_array_index (tables, CsMappingTableInfo, i);

      if (!cs_mapping_run_add_input (run, info->role, readers->pdata[i], &error))
        g_error ("a compiled input was refused: %s", error->message);
    }
  if (!cs_mapping_run_all (run, &sink, &n, NULL, &error))
    g_assert (error != NULL);
  return 0;
}
