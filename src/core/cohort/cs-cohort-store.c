/* cs-filter-store.c: evaluating a filter over a store's columns
 *
 * Kept apart from cs-filter.c so the parser and the column evaluator link
 * without the store (tests, fuzzers, benchmarks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-filter.h"

CsBitset *
cs_filter_evaluate (const CsFilter  *self,
                    CsStore         *store,
                    GError         **error)
{
  g_autoptr(GPtrArray) variables = NULL;
  guint n_variables;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_variables = cs_store_get_n_variables (store);
  variables = g_ptr_array_sized_new (n_variables);
  for (guint i = 0; i < n_variables; i++)
    g_ptr_array_add (variables, cs_store_get_variable (store, i));

  return cs_filter_evaluate_columns (self, (CsVariable *const *) variables->pdata, variables->len,
                                     cs_store_get_n_patients (store), NULL, error);
}
