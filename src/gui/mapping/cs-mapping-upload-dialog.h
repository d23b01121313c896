/* cs-mapping-upload-dialog.h: the Mapping page's "Upload…"
 *
 * Runs the mapping over its table and uploads the result to a saved server
 * (cs_mapping_upload(): the CLI's map and push, so the server gets exactly
 * what `cohortscope-cli map` writes). Dry Run shows per resource type what
 * would be created, updated or left unchanged; Upload (after a clean dry
 * run of the same mapping, table and server) sends, with progress and
 * Cancel (Close), and shows the counts per type and, readably, the
 * server's OperationOutcome for each resource it refused. Afterwards "Open
 * in Cohort View" emits ::open-in-cohort with the file of the resources as
 * the server holds them (read back), and "Compare with Table" opens the
 * round-trip comparison (CsRoundTripDialog) against that file.
 *
 * Widgets have names for tests: "server", "dry-run", "upload", "cancel",
 * "progress", "status", "types", "issues", "open-in-cohort", "compare".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-mapping-upload.h"
#include "cs-upload-dialog.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_UPLOAD_DIALOG (cs_mapping_upload_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingUploadDialog, cs_mapping_upload_dialog, CS, MAPPING_UPLOAD_DIALOG, CsUploadDialog)

/* The dialog for parent (not yet shown): program is the mapping compiled
 * against the inputs (cs_mapping_compile_files()). */
GtkWindow  *cs_mapping_upload_dialog_new             (GtkWindow                *parent,
                                                      CsMappingProgram         *program,
                                                      const CsMappingInputFile *inputs,
                                                      guint                     n_inputs);
/* After a successful upload: the resources as the server holds them
 * (NDJSON), else NULL. */
const char *cs_mapping_upload_dialog_get_server_path (CsMappingUploadDialog    *self);

G_END_DECLS
