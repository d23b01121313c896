/* cs-fhir-cache.h: the offline copy of the last cohort loaded from a server
 *
 * After a successful load with CsFhirCohortSpec.write_cache, the cohort is
 * kept as NDJSON in
 *   $XDG_CACHE_HOME/cohortscope/servers/<sanitised base URL>/cohort.ndjson
 * with cohort.json beside it: {"format":1,"url":…,"date":ISO 8601,
 * "resources":n,"types":{"Patient":n,…}}. No credentials are stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-ingest.h"
#include "cs-store.h"

G_BEGIN_DECLS

/* Directory of base_url's cache (not created). */
char              *cs_fhir_cache_dir_for_url       (const char        *base_url);

/* Whether a cache exists, when it was written and how many resources it holds. */
gboolean           cs_fhir_cache_get_info          (const char        *base_url,
                                                    GDateTime        **cached_at,
                                                    guint64           *n_resources,
                                                    GError           **error);

/* Loads the cached cohort into store (not finished); cached_at gets its
 * date so the caller can mark the cohort as cached. */
gboolean           cs_fhir_cache_open              (const char        *base_url,
                                                    CsStore           *store,
                                                    GDateTime        **cached_at,
                                                    GCancellable      *cancellable,
                                                    GError           **error);

/* Writing: resources go to a temporary file that replaces the cache only on commit. */
typedef struct _CsFhirCacheWriter CsFhirCacheWriter;

CsFhirCacheWriter *cs_fhir_cache_writer_new        (const char              *base_url,
                                                    GError                 **error);
gboolean           cs_fhir_cache_writer_add        (CsFhirCacheWriter       *writer,
                                                    const CsResourceRecord  *record,
                                                    GError                 **error);
gboolean           cs_fhir_cache_writer_commit     (CsFhirCacheWriter       *writer,
                                                    GError                 **error);
void               cs_fhir_cache_writer_free       (CsFhirCacheWriter       *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFhirCacheWriter, cs_fhir_cache_writer_free)

G_END_DECLS
