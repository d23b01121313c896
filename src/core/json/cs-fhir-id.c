/* cs-fhir-id.c: the FHIR id rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-fhir-id.h"

#define MAX_ID_LENGTH 64

static gboolean
fail (const char **reason,
      const char  *message)
{
  if (reason != NULL)
    *reason = message;
  return FALSE;
}

gboolean
cs_fhir_id_check (const char  *id,
                  gssize       len,
                  const char **reason)
{
  gsize n;

  if (id == NULL)
    return fail (reason, _("there is no id"));
  n = len < 0 ? strlen (id) : (gsize) len;
  if (n == 0)
    return fail (reason, _("an empty id is not allowed"));
  if (n > MAX_ID_LENGTH)
    return fail (reason, _("an id has at most 64 characters"));
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '.')
        return fail (reason, _("an id may only contain A–Z, a–z, 0–9, “-” and “.”"));
    }
  return TRUE;
}
