/* cs-cohort-store.c: filters and saved cohorts over a store
 *
 * Kept apart from cs-filter.c so the parser and the column evaluator link
 * without the store (tests, fuzzers, benchmarks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-saved-cohort.h"

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

CsBitset *
cs_saved_cohort_select (const CsSavedCohort  *self,
                        CsStore              *store,
                        GPtrArray            *missing_ids,
                        GError              **error)
{
  g_autoptr(GPtrArray) variables = NULL;
  g_autoptr(GPtrArray) row_ids = NULL;
  guint n_variables, n_rows;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_variables = cs_store_get_n_variables (store);
  variables = g_ptr_array_sized_new (n_variables);
  for (guint i = 0; i < n_variables; i++)
    g_ptr_array_add (variables, cs_store_get_variable (store, i));

  n_rows = cs_store_get_n_patients (store);
  row_ids = g_ptr_array_sized_new (n_rows);
  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (row_ids, (gpointer) cs_store_get_patient_id (store, i));

  return cs_saved_cohort_select_columns (self, (CsVariable *const *) variables->pdata, variables->len,
                                         (const char *const *) row_ids->pdata, n_rows, missing_ids, error);
}
