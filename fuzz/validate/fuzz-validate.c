/* fuzz-validate.c: libFuzzer target for the FHIR validator and UCUM
 *
 * The input is parsed as JSON; when it parses, it is validated with and
 * without a problem list: both must agree, every problem must have a path
 * rooted at a resource type (or "(resource)") and a message, and the list is
 * bounded. Short inputs are also checked and converted as UCUM codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cs-fhir-model.h"
#include "cs-fhir-validate.h"
#include "cs-json.h"
#include "cs-ucum.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (CsJsonDocument) doc = cs_json_document_parse ((const char *) data, (gssize) size, NULL);

  if (doc != NULL)
    {
      const CsJsonNode *root = cs_json_document_get_root (doc);
      g_autoptr (GPtrArray) problems = cs_fhir_problems_new ();
      gboolean valid = cs_fhir_validate_resource (root, problems);
      gboolean has_error = FALSE;
      guint i;

      g_assert (valid == cs_fhir_validate_resource (root, NULL));
      g_assert (problems->len <= CS_FHIR_MAX_PROBLEMS + 1);
      for (i = 0; i < problems->len; i++)
        {
          const CsFhirProblem *p = g_ptr_array_index (problems, i);

          g_assert (p->path != NULL && p->message != NULL && *p->message != '\0');
          g_assert (g_str_has_prefix (p->path, "(resource)") || g_ascii_isupper (p->path[0]));
          if (p->severity == CS_FHIR_SEVERITY_ERROR)
            has_error = TRUE;
        }
      g_assert (valid == !has_error);
    }

  if (size < 64)
    {
      g_autofree char *code = g_strndup ((const char *) data, size);
      double out;

      if (cs_ucum_is_valid (code, strlen (code), NULL))
        {
          g_assert (cs_ucum_validate (code, NULL));
          cs_ucum_convert (1.5, code, "g", &out, NULL);
          cs_ucum_convert (1.5, "Cel", code, &out, NULL);
        }
      cs_fhir_model_find ("Observation", code);
      cs_fhir_primitive_check ("dateTime", (const char *) data, size, NULL);
      cs_fhir_primitive_check ("decimal", (const char *) data, size, NULL);
    }
  return 0;
}
