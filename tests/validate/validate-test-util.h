/* validate-test-util.h: helpers shared by the validator tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "cs-fhir-validate.h"

/* TRUE when problems has an error whose path is path (or ends with it when
 * suffix is TRUE) and whose message contains message (any when NULL) */
static inline gboolean
has_error_at (GPtrArray  *problems,
              const char *path,
              gboolean    suffix,
              const char *message)
{
  guint i;

  for (i = 0; i < problems->len; i++)
    {
      const CsFhirProblem *p = g_ptr_array_index (problems, i);

      if (p->severity != CS_FHIR_SEVERITY_ERROR)
        continue;
      if (suffix ? !g_str_has_suffix (p->path, path) : strcmp (p->path, path) != 0)
        continue;
      if (message == NULL || strstr (p->message, message) != NULL)
        return TRUE;
    }
  return FALSE;
}
