/* cs-analysis-private.h: helpers shared inside src/core/analysis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-analysis.h"

G_BEGIN_DECLS

/* The strata variables crossed into one index per row of rows (−1 when a
 * value is missing), numbered in order of first appearance; n_out (may be
 * NULL) gets the number of strata. g_free() it. */
gint32 *cs_analysis_cross_strata (GArray                  *rows,
                                  const CsVariable *const *strata,
                                  guint                    n_strata,
                                  CsAnalysisFlags          flags,
                                  guint                   *n_out);

G_END_DECLS
