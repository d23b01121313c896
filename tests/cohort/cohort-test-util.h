/* cohort-test-util.h: hand-built columns for the cohort tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-filter.h"

G_BEGIN_DECLS

typedef struct _TestTable TestTable;

TestTable   *test_table_new              (guint              n_rows);
/* age, stage, smoker, dx, `tumor volume`, os, grade, snomed_code, `odd \`key\` \\` over 6 rows */
TestTable   *test_table_new_small        (void);
void         test_table_free             (TestTable         *table);
double      *test_table_add_numeric      (TestTable         *table,
                                          const char        *key,
                                          CsVariableType     type);
gint32      *test_table_add_categorical  (TestTable         *table,
                                          const char        *key,
                                          const char *const *codes,
                                          const char *const *displays,
                                          guint              n_levels);
CsVariable *const *test_table_variables  (TestTable         *table);
guint        test_table_n_variables      (TestTable         *table);
guint        test_table_n_rows           (TestTable         *table);

/* Evaluates text and checks the true rows (space-separated, NULL = none). */
void         test_expect_rows            (TestTable         *table,
                                          const char        *text,
                                          const char        *rows);
void         test_expect_error           (TestTable         *table,
                                          const char        *text,
                                          CsFilterError      code,
                                          const char        *message);
void         test_expect_filter_string   (const char        *text,
                                          const char        *canonical);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestTable, test_table_free)

G_END_DECLS
