/* cs-round-trip-dialog.h: "Compare with Table"
 *
 * Loads the FHIR a mapping wrote or uploaded into a store, runs the
 * comparison of src/core/mapping-assist (cs_mapping_round_trip()) off the
 * main thread, and shows per column of the table how many cells are equal,
 * differ or could not be compared (and why), with the first mismatches
 * (row, resource, element, the CSV value, what the mapping makes of it and
 * what the FHIR holds). Closing the dialog cancels the work.
 *
 * Widgets have names for tests: "summary", "columns", "progress".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cs-mapping-upload.h"

G_BEGIN_DECLS

#define CS_TYPE_ROUND_TRIP_DIALOG (cs_round_trip_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsRoundTripDialog, cs_round_trip_dialog, CS, ROUND_TRIP_DIALOG, AdwWindow)

/* The dialog for parent, comparing the inputs through program with the
 * FHIR in fhir_path (a Bundle or NDJSON file); shown by the caller. */
GtkWindow         *cs_round_trip_dialog_new      (GtkWindow                *parent,
                                                  CsMappingProgram         *program,
                                                  const CsMappingInputFile *inputs,
                                                  guint                     n_inputs,
                                                  const char               *fhir_path);
/* The result once the comparison is done, else NULL. */
const CsRoundTrip *cs_round_trip_dialog_get_result (CsRoundTripDialog      *self);

G_END_DECLS
