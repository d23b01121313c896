/* analysis-test-util.h: hand-made store columns for the analysis tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-variable.h"

G_BEGIN_DECLS

/* Each returns a new variable of n rows (free with cs_variable_free). */
CsVariable *test_numeric_var     (const char         *key,
                                  const double       *values,
                                  guint               n);
/* values 0/1, NAN missing */
CsVariable *test_boolean_var     (const char         *key,
                                  const double       *values,
                                  guint               n);
/* levels: "code" or "code=Display", NULL-terminated; cat: level indices, -1 missing */
CsVariable *test_categorical_var (const char         *key,
                                  const char * const *levels,
                                  const gint32       *cat,
                                  guint               n);
CsVariable *test_survival_var    (const char         *key,
                                  const double       *time,
                                  const guint8       *event,
                                  guint               n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsVariable, cs_variable_free)

G_END_DECLS
