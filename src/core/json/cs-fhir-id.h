/* cs-fhir-id.h: the FHIR id rule, [A-Za-z0-9\-\.]{1,64}
 *
 * In the lowest layer (cs-json) so that every area that reads or writes
 * resource ids (the ingest, cohorts and Groups, the FHIR client's upload,
 * the validator, the mapping engine) checks the same rule without depending
 * on more than the JSON layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the len bytes of id (up to its NUL when len < 0) are a FHIR id.
 * Otherwise *reason (may be NULL) gets a translated sentence saying why.
 * A NULL id is not one. */
gboolean cs_fhir_id_check (const char  *id,
                           gssize       len,
                           const char **reason);

G_END_DECLS
