/* cohort-test-util.c: hand-built columns for the cohort tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cohort-test-util.h"

struct _TestTable
{
  guint      n_rows;
  GPtrArray *variables;
};

static void
level_free (gpointer data)
{
  CsLevel *level = data;

  g_free (level->code);
  g_free (level->display);
  g_free (level->system);
  g_free (level);
}

static void
variable_free (gpointer data)
{
  CsVariable *var = data;

  g_free (var->key);
  g_free (var->label);
  g_free (var->unit);
  g_free (var->group);
  g_clear_pointer (&var->codes, g_ptr_array_unref);
  g_clear_pointer (&var->levels, g_ptr_array_unref);
  g_free (var->num);
  g_free (var->cat);
  g_free (var->event);
  g_free (var);
}

TestTable *
test_table_new (guint n_rows)
{
  TestTable *table = g_new0 (TestTable, 1);

  table->n_rows = n_rows;
  table->variables = g_ptr_array_new_with_free_func (variable_free);

  return table;
}

void
test_table_free (TestTable *table)
{
  g_ptr_array_unref (table->variables);
  g_free (table);
}

static CsVariable *
add_variable (TestTable      *table,
              const char     *key,
              CsVariableType  type)
{
  CsVariable *var = g_new0 (CsVariable, 1);

  var->key = g_strdup (key);
  var->label = g_strdup (key);
  var->type = type;
  var->codes = g_ptr_array_new_with_free_func (g_free);
  var->n_rows = table->n_rows;
  g_ptr_array_add (table->variables, var);

  return var;
}

double *
test_table_add_numeric (TestTable      *table,
                        const char     *key,
                        CsVariableType  type)
{
  CsVariable *var = add_variable (table, key, type);

  var->num = g_new0 (double, MAX (table->n_rows, 1));
  if (type == CS_VARIABLE_SURVIVAL)
    var->event = g_new0 (guint8, MAX (table->n_rows, 1));

  return var->num;
}

gint32 *
test_table_add_categorical (TestTable         *table,
                            const char        *key,
                            const char *const *codes,
                            const char *const *displays,
                            guint              n_levels)
{
  CsVariable *var = add_variable (table, key, CS_VARIABLE_CATEGORICAL);

  var->levels = g_ptr_array_new_with_free_func (level_free);
  for (guint i = 0; i < n_levels; i++)
    {
      CsLevel *level = g_new0 (CsLevel, 1);

      level->code = g_strdup (codes[i]);
      level->display = displays != NULL ? g_strdup (displays[i]) : NULL;
      g_ptr_array_add (var->levels, level);
    }
  var->cat = g_new0 (gint32, MAX (table->n_rows, 1));

  return var->cat;
}

CsVariable *const *
test_table_variables (TestTable *table)
{
  return (CsVariable *const *) table->variables->pdata;
}

guint
test_table_n_variables (TestTable *table)
{
  return table->variables->len;
}

guint
test_table_n_rows (TestTable *table)
{
  return table->n_rows;
}

TestTable *
test_table_new_small (void)
{
  TestTable *t = test_table_new (6);
  static const char *stage_codes[] = { "I", "II", "III", "IV" };
  static const char *stage_displays[] = { "Stage I", "Stage II", "Stage III", "Stage IV" };
  static const char *grade_codes[] = { "1", "2", "3" };
  static const char *sct_codes[] = { "254637007", "x" };
  static const char *sct_displays[] = { "Ünïcode Lével", "other" };
  const double age[] = { 70, 50, NAN, 65, 40, 80 };
  const gint32 stage[] = { 0, 2, 3, -1, 1, 3 };
  const double smoker[] = { 1, 0, 1, NAN, 0, 1 };
  const double dx[] = { 18262, 18062.5, NAN, 18689, 18262.75, 17896 };
  const double volume[] = { 10, NAN, 30, 40, 50, 60 };
  const double os[] = { 50, 200, 300, NAN, 10, 20 };
  const gint32 grade[] = { 1, 0, 1, 2, -1, 0 };
  const gint32 sct[] = { 1, 0, 1, 1, 1, -1 };
  const double odd[] = { 1, 0, 0, 0, 0, NAN };
  double *num;
  gint32 *cat;

  num = test_table_add_numeric (t, "age", CS_VARIABLE_NUMERIC);
  memcpy (num, age, sizeof age);
  cat = test_table_add_categorical (t, "stage", stage_codes, stage_displays, 4);
  memcpy (cat, stage, sizeof stage);
  num = test_table_add_numeric (t, "smoker", CS_VARIABLE_BOOLEAN);
  memcpy (num, smoker, sizeof smoker);
  num = test_table_add_numeric (t, "dx", CS_VARIABLE_DATE);
  memcpy (num, dx, sizeof dx);
  num = test_table_add_numeric (t, "tumor volume", CS_VARIABLE_NUMERIC);
  memcpy (num, volume, sizeof volume);
  num = test_table_add_numeric (t, "os", CS_VARIABLE_SURVIVAL);
  memcpy (num, os, sizeof os);
  cat = test_table_add_categorical (t, "grade", grade_codes, NULL, 3);
  memcpy (cat, grade, sizeof grade);
  cat = test_table_add_categorical (t, "snomed_code", sct_codes, sct_displays, 2);
  memcpy (cat, sct, sizeof sct);
  g_ptr_array_add (((CsVariable *) g_ptr_array_index (t->variables, t->variables->len - 1))->codes,
                   g_strdup ("http://snomed.info/sct|254637007"));
  num = test_table_add_numeric (t, "odd `key` \\", CS_VARIABLE_NUMERIC);
  memcpy (num, odd, sizeof odd);

  return t;
}

void
test_expect_rows (TestTable  *table,
                  const char *text,
                  const char *rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsBitset) result = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GString) got_text = g_string_new (NULL);

  filter = cs_filter_parse (text, NULL, &error);
  if (error != NULL)
    g_error ("“%s”: %s", text, error->message);
  result = cs_filter_evaluate_columns (filter, test_table_variables (table), test_table_n_variables (table),
                                       table->n_rows, NULL, &error);
  if (error != NULL)
    g_error ("“%s”: %s", text, error->message);

  got = cs_bitset_to_rows (result);
  for (guint i = 0; i < got->len; i++)
    g_string_append_printf (got_text, i > 0 ? " %u" : "%u", g_array_index (got, guint, i));

  if (g_strcmp0 (got_text->str, rows != NULL ? rows : "") != 0)
    g_error ("“%s”: expected rows “%s”, got “%s”", text, rows != NULL ? rows : "", got_text->str);
  g_assert_cmpuint (cs_bitset_count (result), ==, got->len);
}

void
test_expect_error (TestTable     *table,
                   const char    *text,
                   CsFilterError  code,
                   const char    *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  g_autoptr(CsBitset) result = NULL;

  filter = cs_filter_parse (text, NULL, &error);
  g_assert_no_error (error);
  result = cs_filter_evaluate_columns (filter, test_table_variables (table), test_table_n_variables (table),
                                       table->n_rows, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CS_FILTER_ERROR, (gint) code);
  g_assert_cmpstr (error->message, ==, message);
}

void
test_expect_filter_string (const char *text,
                           const char *canonical)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = cs_filter_to_string (filter);
  g_assert_cmpstr (got, ==, canonical);
}
