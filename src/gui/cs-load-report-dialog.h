/* cs-load-report-dialog.h: what opening a source did, in one window
 *
 * Opened from the load's toast (Details) and from the Open menu (Load
 * Report): the counts, the server's report when the source is a server
 * (what was fetched, left out and cut short: cs-fhir-load-report.h), and
 * the store's warnings grouped by kind (files skipped, values skipped,
 * values in a second unit, resources of absent patients, survival).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_LOAD_REPORT_DIALOG (cs_load_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsLoadReportDialog, cs_load_report_dialog, CS, LOAD_REPORT_DIALOG, AdwWindow)

/* source names what was opened ("Demo cohort", a folder, a server) */
CsLoadReportDialog *cs_load_report_dialog_new        (GtkWindow          *parent,
                                                      CsStore            *store,
                                                      const char         *source);
/* Test hooks: the text of the whole report as shown (headings and lines),
 * and the number of warning groups */
char               *cs_load_report_dialog_dup_text   (CsLoadReportDialog *self);
guint               cs_load_report_dialog_get_n_groups (CsLoadReportDialog *self);

G_END_DECLS
