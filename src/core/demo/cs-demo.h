/* cs-demo.h: deterministic synthetic lung-cancer demo cohort
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CS_DEMO_DEFAULT_PATIENTS 400
#define CS_DEMO_DEFAULT_SEED     42

/* Writes a FHIR R4 Bundle (type collection) of n_patients synthetic patients.
 * The same (n_patients, seed) always gives the same bytes. */
gboolean  cs_demo_write        (GOutputStream *out,
                                guint          n_patients,
                                guint64        seed,
                                GCancellable  *cancellable,
                                GError       **error);
gboolean  cs_demo_write_file   (const char    *path,
                                guint          n_patients,
                                guint64        seed,
                                GCancellable  *cancellable,
                                GError       **error);

G_END_DECLS
