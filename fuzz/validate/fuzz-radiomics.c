/* fuzz-radiomics.c: libFuzzer target for pyradiomics names and the IBSI
 * dictionary reader
 *
 * A name that parses must print a canonical column that parses back to the
 * same name; the input read as a dictionary must load or fail with a
 * CS_RADIOMICS_ERROR, and a loaded one must answer lookups.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cs-radiomics.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsRadiomicsDict) dict = NULL;
  g_autoptr (CsRadiomicsName) probe = NULL;
  CsRadiomicsClass cls;

  for (cls = CS_RADIOMICS_CLASS_NONE; cls <= CS_RADIOMICS_CLASS_NGTDM; cls++)
    {
      g_autoptr (CsRadiomicsName) name = cs_radiomics_parse (text, cls, NULL);

      if (name != NULL)
        {
          g_autoptr (CsRadiomicsName) again = cs_radiomics_parse (name->column, CS_RADIOMICS_CLASS_NONE, NULL);

          g_assert (again != NULL);
          g_assert (strcmp (again->column, name->column) == 0);
          g_assert (again->feature_class == name->feature_class);
          cs_radiomics_unit (name, CS_RADIOMICS_MODALITY_CT, NULL);
        }
    }

  dict = cs_radiomics_dict_parse ((const char *) data, size, "fuzz.tsv", &error);
  g_assert ((dict == NULL) == (error != NULL));
  if (dict == NULL)
    {
      g_assert (error->domain == CS_RADIOMICS_ERROR);
      return 0;
    }
  probe = cs_radiomics_parse ("original_glcm_JointEntropy", CS_RADIOMICS_CLASS_NONE, NULL);
  {
    CsRadiomicsIbsi info;

    if (!cs_radiomics_dict_lookup (dict, probe, &info))
      g_assert (info.reason != NULL && info.code == NULL);
    else
      g_assert (info.code != NULL);
  }
  cs_radiomics_dict_notes (dict);
  return 0;
}
