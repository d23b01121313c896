/* fuzz-filter.c: libFuzzer target for filter expressions
 *
 * Parses the input; when it parses, the canonical text must parse back to an
 * equal filter and print the same, and evaluating it over a small table
 * must either succeed with consistent true/unknown sets (and the same true
 * rows when the unknown rows are not asked for) or fail with a CS_FILTER_ERROR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cs-filter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define N_ROWS 70   /* crosses a word boundary */

static CsVariable *table[6];

static CsVariable *
make_variable (const char     *key,
               CsVariableType  type)
{
  CsVariable *var = g_new0 (CsVariable, 1);

  var->key = g_strdup (key);
  var->type = type;
  var->n_rows = N_ROWS;
  var->codes = g_ptr_array_new_with_free_func (g_free);
  if (type == CS_VARIABLE_CATEGORICAL)
    var->cat = g_new0 (gint32, N_ROWS);
  else
    var->num = g_new0 (double, N_ROWS);

  return var;
}

static void
build_table (void)
{
  static const char *codes[] = { "I", "II", "III", "IV" };

  table[0] = make_variable ("a", CS_VARIABLE_NUMERIC);
  table[1] = make_variable ("b", CS_VARIABLE_NUMERIC);
  table[2] = make_variable ("c", CS_VARIABLE_CATEGORICAL);
  table[3] = make_variable ("d", CS_VARIABLE_DATE);
  table[4] = make_variable ("e", CS_VARIABLE_BOOLEAN);
  table[5] = make_variable ("x y", CS_VARIABLE_SURVIVAL);
  g_ptr_array_add (table[2]->codes, g_strdup ("http://snomed.info/sct|123"));

  table[2]->levels = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      CsLevel *level = g_new0 (CsLevel, 1);

      level->code = g_strdup (codes[i]);
      level->display = g_strdup_printf ("Stage %s", codes[i]);
      g_ptr_array_add (table[2]->levels, level);
    }

  for (guint r = 0; r < N_ROWS; r++)
    {
      table[0]->num[r] = r % 7 == 0 ? NAN : (double) r - 20;
      table[1]->num[r] = r % 3 == 0 ? NAN : (double) (r * 37 % 11) / 4;
      table[2]->cat[r] = (gint32) (r % 5) - 1;
      table[3]->num[r] = r % 9 == 0 ? NAN : 18000 + r * 0.5;
      table[4]->num[r] = r % 4 == 0 ? NAN : r % 2;
      table[5]->num[r] = r % 6 == 0 ? NAN : r * 10.0;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsFilter) again = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *canonical2 = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(CsBitset) unknown = NULL;
  guint column = 0;

  if (table[0] == NULL)
    build_table ();

  if (size > 4096)
    return 0;
  text = g_strndup ((const char *) data, size);

  filter = cs_filter_parse (text, &column, &error);
  if (filter == NULL)
    {
      g_assert_true (error != NULL && error->domain == CS_FILTER_ERROR);
      g_assert_cmpuint (column, >=, 1);
      g_assert_cmpuint (column, <=, g_utf8_strlen (text, -1) + 1);
      return 0;
    }
  g_assert_no_error (error);

  canonical = cs_filter_to_string (filter);
  again = cs_filter_parse (canonical, NULL, &error);
  if (again == NULL)
    g_error ("canonical form “%s” of “%s” does not parse: %s", canonical, text, error->message);
  g_assert_true (cs_filter_equal (filter, again));
  canonical2 = cs_filter_to_string (again);
  g_assert_cmpstr (canonical, ==, canonical2);

  rows = cs_filter_evaluate_columns (filter, table, G_N_ELEMENTS (table), N_ROWS, &unknown, &error);
  if (rows == NULL)
    {
      g_assert_true (error != NULL && error->domain == CS_FILTER_ERROR);
      return 0;
    }

  {
    g_autoptr(CsBitset) both = cs_bitset_copy (rows);

    cs_bitset_and (both, unknown);
    g_assert_cmpuint (cs_bitset_count (both), ==, 0);    /* never true and unknown */
    g_assert_cmpuint (cs_bitset_count (rows), <=, N_ROWS);
    g_assert_cmpuint (cs_bitset_count (unknown), <=, N_ROWS);
  }

  {
    /* true-only evaluation (no unknown rows asked for) must agree */
    g_autoptr(CsBitset) rows_only = cs_filter_evaluate_columns (filter, table, G_N_ELEMENTS (table), N_ROWS,
                                                                NULL, &error);

    g_assert_no_error (error);
    g_assert_true (cs_bitset_equal (rows, rows_only));
  }

  return 0;
}
