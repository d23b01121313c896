/* test-filter.c: filter grammar, three-valued logic and bitsets on hand-built columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-filter.h"
#include "cohort-test-util.h"

/* ------------------------------------------------------------------------ */
/* Bitsets */

static void
test_bitset_sizes (void)
{
  static const guint sizes[] = { 0, 1, 63, 64, 65, 128, 130 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint n = sizes[s];
      g_autoptr(CsBitset) full = cs_bitset_new_full (n);
      g_autoptr(CsBitset) empty = cs_bitset_new (n);
      g_autoptr(CsBitset) copy = NULL;
      g_autoptr(GArray) rows = NULL;

      g_assert_cmpuint (cs_bitset_count (full), ==, n);
      g_assert_cmpuint (cs_bitset_count (empty), ==, 0);
      g_assert_false (cs_bitset_get (full, n)); /* past the end */

      rows = cs_bitset_to_rows (full);
      g_assert_cmpuint (rows->len, ==, n);
      for (guint i = 0; i < rows->len; i++)
        g_assert_cmpuint (g_array_index (rows, guint, i), ==, i);

      cs_bitset_andnot (full, empty);
      g_assert_cmpuint (cs_bitset_count (full), ==, n);
      copy = cs_bitset_copy (full);
      g_assert_true (cs_bitset_equal (copy, full));
      cs_bitset_and (copy, empty);
      g_assert_true (cs_bitset_equal (copy, empty));
      cs_bitset_or (copy, full);
      g_assert_true (cs_bitset_equal (copy, full));
      cs_bitset_fill (copy, FALSE);
      g_assert_cmpuint (cs_bitset_count (copy), ==, 0);
    }
}

static void
test_bitset_ops (void)
{
  g_autoptr(CsBitset) a = cs_bitset_new (130);
  g_autoptr(CsBitset) b = cs_bitset_new (130);
  g_autoptr(GArray) rows = NULL;

  cs_bitset_set (a, 0);
  cs_bitset_set (a, 63);
  cs_bitset_set (a, 64);
  cs_bitset_set (a, 129);
  cs_bitset_set (b, 64);
  cs_bitset_set (b, 100);
  g_assert_true (cs_bitset_get (a, 129));
  g_assert_false (cs_bitset_get (a, 128));
  g_assert_cmpuint (cs_bitset_count (a), ==, 4);

  cs_bitset_andnot (a, b);
  rows = cs_bitset_to_rows (a);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpuint (g_array_index (rows, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (rows, guint, 1), ==, 63);
  g_assert_cmpuint (g_array_index (rows, guint, 2), ==, 129);

  cs_bitset_clear (a, 63);
  g_assert_false (cs_bitset_get (a, 63));
  cs_bitset_or (a, b);
  g_assert_cmpuint (cs_bitset_count (a), ==, 4);
  g_assert_false (cs_bitset_equal (a, b));
}

/* ------------------------------------------------------------------------ */
/* Filters on a tiny table */

static void
test_basic (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_rows (t, "age > 60", "0 3 5");
  test_expect_rows (t, "age >= 65", "0 3 5");
  test_expect_rows (t, "age < 65", "1 4");
  test_expect_rows (t, "age <= 65", "1 3 4");
  test_expect_rows (t, "age = 50", "1");
  test_expect_rows (t, "age != 50", "0 3 4 5");
  test_expect_rows (t, "age > -1e3", "0 1 3 4 5");
  test_expect_rows (t, "age in (40, 80, 1)", "4 5");
  test_expect_rows (t, "os > 100", "1 2");
}

static void
test_not_excludes_missing (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  /* row 2 has no age: age > 60 is unknown there, and so is its negation */
  test_expect_rows (t, "not (age > 60)", "1 4");
  test_expect_rows (t, "not age > 60", "1 4");
  test_expect_rows (t, "not not age > 60", "0 3 5");
  test_expect_rows (t, "age > 60 or not (age > 60)", "0 1 3 4 5");
  test_expect_rows (t, "age > 60 or age is missing", "0 2 3 5");
  test_expect_rows (t, "age != 50", "0 3 4 5");
}

static void
test_precedence (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  /* a or (b and c) */
  test_expect_rows (t, "smoker = false or age > 60 and stage = \"IV\"", "1 4 5");
  test_expect_rows (t, "(smoker = false or age > 60) and stage = \"IV\"", "5");
  test_expect_rows (t, "smoker = FALSE OR age > 60 AND stage = \"IV\"", "1 4 5");
  /* (not a) and b */
  test_expect_rows (t, "not smoker = true and age > 60", NULL);
  test_expect_rows (t, "not (smoker = true and age > 60)", "1 4");
  test_expect_filter_string ("a = 0 or b = 1 and not c = 2", "a = 0 or b = 1 and not c = 2");
  test_expect_filter_string ("(a = 1 or b = 1) and c = 2", "(a = 1 or b = 1) and c = 2");
  test_expect_filter_string ("a = 1 or (b = 1 and c = 2)", "a = 1 or b = 1 and c = 2");
  test_expect_filter_string ("NOT (x = 1 AND y Is Not MISSING)", "not (x = 1 and y is not missing)");
  test_expect_filter_string ("age>70 and x<=0.1 and y = -2.50 and z > 1E3", "age > 70 and x <= 0.1 and y = -2.5 and z > 1000");
}

static void
test_quoted_keys (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_rows (t, "`tumor volume` >= 40", "3 4 5");
  test_expect_rows (t, "`tumor volume` is missing", "1");
  test_expect_rows (t, "`age` > 60", "0 3 5");
  test_expect_rows (t, "`odd \\`key\\` \\\\` = 1", "0");
  test_expect_filter_string ("`tumor volume` > 1", "`tumor volume` > 1");
  test_expect_filter_string ("`age` > 1", "age > 1");
  test_expect_filter_string ("`in` = 1", "`in` = 1");
  test_expect_filter_string ("`1x` = 1", "`1x` = 1");
}

static void
test_categorical (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_rows (t, "stage = \"III\"", "1");
  test_expect_rows (t, "stage = \"stage iv\"", "2 5");
  test_expect_rows (t, "stage = \"STAGE IV\"", "2 5");
  test_expect_rows (t, "stage = \"iv\"", NULL);   /* codes match exactly */
  test_expect_rows (t, "stage != \"IV\"", "0 1 4");
  test_expect_rows (t, "stage in (\"I\", \"Stage II\")", "0 4");
  test_expect_rows (t, "not stage in (\"I\", \"Stage II\")", "1 2 5");
  test_expect_rows (t, "stage = \"no such level\"", NULL);
  test_expect_rows (t, "stage != \"no such level\"", "0 1 2 4 5");
  test_expect_rows (t, "stage is missing", "3");
  test_expect_rows (t, "stage is not missing", "0 1 2 4 5");
  test_expect_rows (t, "grade = 2", "0 2");             /* number against the code "2" */
  test_expect_rows (t, "snomed_code = \"Ünïcode Lével\"", "1");
  test_expect_rows (t, "snomed_code = \"ünïcode lével\"", "1");
  test_expect_rows (t, "`http://snomed.info/sct|254637007` = \"ünïcode lével\"", "1"); /* by code */
}

static void
test_boolean_and_date (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_rows (t, "smoker = true", "0 2 5");
  test_expect_rows (t, "smoker = TRUE", "0 2 5");
  test_expect_rows (t, "smoker = \"true\"", "0 2 5");
  test_expect_rows (t, "smoker = 1", "0 2 5");
  test_expect_rows (t, "smoker = false", "1 4");
  test_expect_rows (t, "smoker != true", "1 4");
  test_expect_rows (t, "smoker in (true, false)", "0 1 2 4 5");
  test_expect_rows (t, "smoker is missing", "3");

  /* dx: 2020-01-01, 2019-06-15 12:00, missing, 2021-03-03, 2020-01-01 18:00, 2018-12-31 */
  test_expect_rows (t, "dx = \"2020-01-01\"", "0 4");
  test_expect_rows (t, "dx != \"2020-01-01\"", "1 3 5");
  test_expect_rows (t, "dx < \"2020-01-01\"", "1 5");
  test_expect_rows (t, "dx <= \"2020-01-01\"", "0 1 4 5");
  test_expect_rows (t, "dx > \"2020-01-01\"", "3");
  test_expect_rows (t, "dx >= \"2020-01-01\"", "0 3 4");
  test_expect_rows (t, "dx in (\"2019-06-15\", \"2018-12-31\")", "1 5");
}

static void
test_in_and_missing (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_rows (t, "age is not missing", "0 1 3 4 5");
  test_expect_rows (t, "age is missing", "2");
  test_expect_rows (t, "not age is missing", "0 1 3 4 5");
  test_expect_rows (t, "age in (50)", "1");
  test_expect_rows (t, "not age in (50, 70)", "3 4 5");
}

/* ------------------------------------------------------------------------ */
/* Kleene logic, checked against a row-by-row reference */

enum { F = 0, T = 1, U = 2 };

static int
k_not (int a)
{
  return a == U ? U : !a;
}

static int
k_and (int a,
       int b)
{
  if (a == F || b == F)
    return F;
  if (a == T && b == T)
    return T;
  return U;
}

static int
k_or (int a,
      int b)
{
  if (a == T || b == T)
    return T;
  if (a == F && b == F)
    return F;
  return U;
}

static void
test_three_valued (void)
{
  /* a and b boolean over all 9 combinations of true/false/missing, repeated
   * to cross 64-bit word boundaries */
  const guint n = 9 * 17;
  g_autoptr(TestTable) t = test_table_new (n);
  double *a = test_table_add_numeric (t, "a", CS_VARIABLE_BOOLEAN);
  double *b = test_table_add_numeric (t, "b", CS_VARIABLE_BOOLEAN);
  static const struct
  {
    const char *text;
    int (*eval) (int a, int b);
  } cases[] = {
    { "a = true and b = true", NULL },
    { "a = true or b = true", NULL },
    { "not a = true", NULL },
    { "not (a = true and b = true)", NULL },
    { "not a = true or b = true", NULL },
    { "a = true and not b = true or a is missing", NULL },
  };

  for (guint i = 0; i < n; i++)
    {
      int va = (int) (i % 3), vb = (int) ((i / 3) % 3);

      a[i] = va == U ? NAN : va;
      b[i] = vb == U ? NAN : vb;
    }

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) filter = cs_filter_parse (cases[c].text, NULL, &error);
      g_autoptr(CsBitset) unknown = NULL;
      g_autoptr(CsBitset) rows = NULL;

      g_assert_no_error (error);
      rows = cs_filter_evaluate_columns (filter, test_table_variables (t), test_table_n_variables (t),
                                         n, &unknown, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < n; i++)
        {
          int va = (int) (i % 3), vb = (int) ((i / 3) % 3);
          int expect;

          switch (c)
            {
            case 0: expect = k_and (va, vb); break;
            case 1: expect = k_or (va, vb); break;
            case 2: expect = k_not (va); break;
            case 3: expect = k_not (k_and (va, vb)); break;
            case 4: expect = k_or (k_not (va), vb); break;
            case 5: expect = k_or (k_and (va, k_not (vb)), va == U ? T : F); break;
            default: g_assert_not_reached ();
            }

          if (cs_bitset_get (rows, i) != (expect == T) || cs_bitset_get (unknown, i) != (expect == U))
            g_error ("“%s” row %u (a=%d b=%d): expected %d, got true=%d unknown=%d", cases[c].text, i,
                     va, vb, expect, cs_bitset_get (rows, i), cs_bitset_get (unknown, i));
        }
    }
}

/* Random expressions over a 1000-row table (not a multiple of 64) against a
 * row-by-row interpreter. */
static double *rand_x;
static double *rand_y;
static gint32 *rand_c;

static int
rand_eval (GRand   *rand,
           GString *text,
           guint    depth,
           guint    n,
           int     *out)
{
  guint kind = depth >= 4 ? g_rand_int_range (rand, 3, 7) : g_rand_int_range (rand, 0, 7);

  if (kind == 0 || kind == 1)
    {
      g_autofree int *left = g_new (int, n);
      g_autofree int *right = g_new (int, n);

      g_string_append_c (text, '(');
      rand_eval (rand, text, depth + 1, n, left);
      g_string_append (text, kind == 0 ? " and " : " or ");
      rand_eval (rand, text, depth + 1, n, right);
      g_string_append_c (text, ')');
      for (guint i = 0; i < n; i++)
        out[i] = kind == 0 ? k_and (left[i], right[i]) : k_or (left[i], right[i]);
    }
  else if (kind == 2)
    {
      g_string_append (text, "not (");
      rand_eval (rand, text, depth + 1, n, out);
      g_string_append_c (text, ')');
      for (guint i = 0; i < n; i++)
        out[i] = k_not (out[i]);
    }
  else if (kind == 3)
    {
      double lim = g_rand_double_range (rand, -1, 1);
      static const char *ops[] = { "<", "<=", ">", ">=" };
      guint op = g_rand_int_range (rand, 0, 4);

      g_string_append_printf (text, "x %s %.3f", ops[op], lim);
      lim = g_ascii_strtod (strrchr (text->str, ' ') + 1, NULL);
      for (guint i = 0; i < n; i++)
        {
          double v = rand_x[i];
          gboolean r = op == 0 ? v < lim : op == 1 ? v <= lim : op == 2 ? v > lim : v >= lim;

          out[i] = isnan (v) ? U : r;
        }
    }
  else if (kind == 4)
    {
      gboolean negated = g_rand_boolean (rand);

      g_string_append (text, negated ? "y is not missing" : "y is missing");
      for (guint i = 0; i < n; i++)
        out[i] = isnan (rand_y[i]) != negated;
    }
  else if (kind == 5)
    {
      gint32 a = g_rand_int_range (rand, 0, 4), b = g_rand_int_range (rand, 0, 4);

      g_string_append_printf (text, "c in (\"L%d\", \"l%d\")", a, b);
      for (guint i = 0; i < n; i++)
        out[i] = rand_c[i] < 0 ? U : (rand_c[i] == a || rand_c[i] == b);
    }
  else
    {
      gint32 a = g_rand_int_range (rand, 0, 4);

      g_string_append_printf (text, "c != \"c%d\"", a);
      for (guint i = 0; i < n; i++)
        out[i] = rand_c[i] < 0 ? U : rand_c[i] != a;
    }

  return 0;
}

static void
test_random_against_reference (void)
{
  const guint n = 1000;
  g_autoptr(TestTable) t = test_table_new (n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  static const char *codes[] = { "c0", "c1", "c2", "c3" };
  static const char *displays[] = { "L0", "L1", "L2", "L3" };
  g_autofree int *expect = g_new (int, n);

  rand_x = test_table_add_numeric (t, "x", CS_VARIABLE_NUMERIC);
  rand_y = test_table_add_numeric (t, "y", CS_VARIABLE_NUMERIC);
  rand_c = test_table_add_categorical (t, "c", codes, displays, 4);
  for (guint i = 0; i < n; i++)
    {
      rand_x[i] = g_rand_int_range (rand, 0, 8) == 0 ? NAN : g_rand_double_range (rand, -1, 1);
      rand_y[i] = g_rand_boolean (rand) ? NAN : 1;
      rand_c[i] = g_rand_int_range (rand, -1, 4);
    }

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) filter = NULL;
      g_autoptr(CsFilter) again = NULL;
      g_autoptr(CsBitset) rows = NULL;
      g_autoptr(CsBitset) unknown = NULL;
      g_autofree char *canonical = NULL;

      rand_eval (rand, text, 0, n, expect);
      filter = cs_filter_parse (text->str, NULL, &error);
      g_assert_no_error (error);
      rows = cs_filter_evaluate_columns (filter, test_table_variables (t), test_table_n_variables (t),
                                         n, &unknown, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < n; i++)
        if (cs_bitset_get (rows, i) != (expect[i] == T) || cs_bitset_get (unknown, i) != (expect[i] == U))
          g_error ("“%s” row %u: expected %d", text->str, i, expect[i]);

      /* the true-only evaluation (no unknown rows asked for) gives the same rows */
      {
        g_autoptr(CsBitset) rows_only = cs_filter_evaluate_columns (filter, test_table_variables (t),
                                                                    test_table_n_variables (t), n, NULL, &error);

        g_assert_no_error (error);
        if (!cs_bitset_equal (rows, rows_only))
          g_error ("“%s”: true-only evaluation differs", text->str);
      }

      canonical = cs_filter_to_string (filter);
      again = cs_filter_parse (canonical, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (cs_filter_equal (filter, again));
    }
}

/* ------------------------------------------------------------------------ */
/* Errors */

static void
test_syntax_errors (void)
{
  static const struct
  {
    const char *text;
    guint       column;
    const char *message;
  } cases[] = {
    { "stage = \"IV\" and age >", 23, "column 23: expected a value after “>” but found end of input (a value is a number, a \"string\", true or false)" },
    { "", 1, "column 1: the filter is empty" },
    { "   ", 4, "column 4: the filter is empty" },
    { "age", 4, "column 4: expected a comparison (=, !=, <, <=, >, >=, in, is missing) after “age” but found end of input" },
    { "age > 5 5", 9, "column 9: expected “and”, “or” or the end of the filter but found “5”" },
    { "(age > 5", 9, "column 9: expected “)” to close the “(” at column 1 but found end of input" },
    { "age > 5)", 8, "column 8: found “)” without a matching “(”" },
    { "age > abc", 7, "column 7: expected a value after “>” but found the word “abc”: put text in double quotes (\"abc\")" },
    { "stage = \"IV", 9, "column 9: the string that starts here is not closed with \"" },
    { "`stage = 1", 1, "column 1: the name that starts here is not closed with `" },
    { "s = \"a\\nb\"", 7, "column 7: unknown escape after “\\” (only \\\" and \\\\ are allowed)" },
    { "age > 1.2.3", 7, "column 7: “1.2.3” is not a number" },
    { "age > 1e999", 7, "column 7: the number “1e999” is out of range" },
    { "age > 1.0e-400", 7, "column 7: the number “1.0e-400” is out of range: it is not zero but too small "
      "for a double (about 4.9e-324) and would be read as 0" },
    { "age in (0, -0.0001e-330)", 12, "column 12: the number “-0.0001e-330” is out of range: it is not zero "
      "but too small for a double (about 4.9e-324) and would be read as 0" },
    { "age > 5 and", 12, "column 12: expected a variable name but found end of input" },
    { "and > 5", 1, "column 1: expected a variable name but found the keyword “and” (write a variable with that name as `and`)" },
    { "age in 5", 8, "column 8: expected “(” after “in” but found “5”" },
    { "age in (5 6)", 11, "column 11: expected “,” or “)” in the list after “in” but found “6”" },
    { "age in ()", 9, "column 9: expected a value after “(” but found “)” (a value is a number, a \"string\", true or false)" },
    { "age is", 7, "column 7: expected “missing” or “not missing” after “is” but found end of input" },
    { "age is not 5", 12, "column 12: expected “missing” after “is not” but found “5”" },
    { "âge > 5", 1, "column 1: unexpected character “â”" },
    { "`ünï` > 5 & x", 11, "column 11: unexpected character “&”" },
    { "`` = 1", 1, "column 1: empty variable name in backquotes" },
    { "age ! 5", 5, "column 5: unexpected character “!”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) filter = NULL;
      guint column = 999;

      filter = cs_filter_parse (cases[i].text, &column, &error);
      g_assert_null (filter);
      g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (column, ==, cases[i].column);
    }
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  guint column = 0;

  filter = cs_filter_parse ("ab = \"\xff\"", &column, &error);
  g_assert_null (filter);
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX);
  g_assert_cmpuint (column, ==, 7);
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "a = 1");
  filter = cs_filter_parse (deep->str, NULL, &error);
  g_assert_null (filter);
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "nests too deeply"));
  g_clear_error (&error);

  /* long flat chains are fine */
  for (guint i = 0; i < 20000; i++)
    g_string_append (ok, i == 0 ? "a = 1" : " or a = 1");
  filter = cs_filter_parse (ok->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (filter);
}

/* docs/FILTERS.md: more than 200 levels of parentheses or "not" are
 * refused, so exactly 200 parse; the predicate inside is not a level. */
static void
check_nesting (const char *open,
               const char *close,
               guint       levels,
               guint       error_column)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = NULL;
  guint column = 0;

  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  g_string_append (text, "a = 1");
  for (guint i = 0; i < levels; i++)
    g_string_append (text, close);
  filter = cs_filter_parse (text->str, &column, &error);
  if (error_column == 0)
    {
      g_assert_no_error (error);
      g_assert_nonnull (filter);
      return;
    }
  g_assert_null (filter);
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX);
  g_assert_cmpuint (column, ==, error_column);
  g_assert_nonnull (strstr (error->message, "nests too deeply (more than 200 levels)"));
}

/* zero with a tiny exponent is zero; subnormal numbers are kept */
static void
test_tiny_numbers (void)
{
  const char *ok[] = { "a > 0e-400", "a > -0.000e-999", "a > 1e-320", "a < 4.9e-324" };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) filter = cs_filter_parse (ok[i], NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (filter);
    }
}

static void
test_nesting_limit (void)
{
  check_nesting ("(", ")", 200, 0);
  check_nesting ("(", ")", 201, 201);
  check_nesting ("not ", "", 200, 0);
  check_nesting ("not ", "", 201, 801);
  check_nesting ("not (", ")", 100, 0);
  check_nesting ("not (", ")", 101, 501);
  check_nesting ("(not ", ")", 101, 501);
}

static void
test_type_errors (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_error (t, "stage < 3", CS_FILTER_ERROR_TYPE,
                     "column 1: “stage” is categorical: “<” needs a number or a date; use =, != or in");
  test_expect_error (t, "age = 1 and stage >= \"II\"", CS_FILTER_ERROR_TYPE,
                     "column 13: “stage” is categorical: “>=” needs a number or a date; use =, != or in");
  test_expect_error (t, "age = \"old\"", CS_FILTER_ERROR_TYPE,
                     "column 7: “age” is numeric: compare it with a number");
  test_expect_error (t, "smoker > 0", CS_FILTER_ERROR_TYPE,
                     "column 1: “smoker” is boolean: “>” does not apply; use = true, = false, != or in");
  test_expect_error (t, "smoker = \"yes\"", CS_FILTER_ERROR_TYPE,
                     "column 10: “smoker” is boolean: compare it with true or false");
  test_expect_error (t, "dx > 5", CS_FILTER_ERROR_TYPE,
                     "column 6: “dx” is a date: compare it with a \"YYYY-MM-DD\" string");
  test_expect_error (t, "dx > \"2020-02-30\"", CS_FILTER_ERROR_TYPE,
                     "column 6: “2020-02-30” is not a date; “dx” needs a date written \"YYYY-MM-DD\"");
}

static void
test_unknown_variable (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();

  test_expect_error (t, "agee > 60", CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                     "column 1: unknown variable “agee” (did you mean age?)");
  test_expect_error (t, "age > 1 or Stage = \"I\"", CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                     "column 12: unknown variable “Stage” (did you mean stage?)");
  test_expect_error (t, "`tumour volume` > 1", CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                     "column 1: unknown variable “tumour volume” (did you mean `tumor volume`?)");
  test_expect_error (t, "completely_different > 1", CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                     "column 1: unknown variable “completely_different” (run “cohortscope-cli variables” to list the keys)");
}

static void
test_round_trip (void)
{
  static const char *texts[] = {
    "age > 60",
    "age>60 AND stage=\"IV\"",
    "a = 0 or b = 1 and not c = 2",
    "not not not x is missing",
    "x in (1, 2.5, -3e-7, \"a \\\"quoted\\\" \\\\ string\", true, false)",
    "`odd \\` key` = 0.1 or y >= 1e300",
    "((a = 1))",
    "(a = 1 or b = 2) or c = 3",
    "(a = 1 and b = 2) and c = 3",
    "a = 1 and (b = 2 and c = 3)",
    "not (a = 1 or b = 2)",
    "x = 0.30000000000000004",
    "x = -0",
    "x = 123456789012345678",
    "dx <= \"2020-01-01\" and `tumor volume` != 5",
    "Missing_x is not missing",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) a = cs_filter_parse (texts[i], NULL, &error);
      g_autoptr(CsFilter) b = NULL;
      g_autofree char *text_a = NULL;
      g_autofree char *text_b = NULL;

      g_assert_no_error (error);
      text_a = cs_filter_to_string (a);
      b = cs_filter_parse (text_a, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (cs_filter_equal (a, b));
      text_b = cs_filter_to_string (b);
      g_assert_cmpstr (text_a, ==, text_b);
    }

  /* different filters are not equal */
  {
    g_autoptr(CsFilter) a = cs_filter_parse ("x = 1", NULL, NULL);
    g_autoptr(CsFilter) b = cs_filter_parse ("x = \"1\"", NULL, NULL);
    g_autoptr(CsFilter) c = cs_filter_parse ("x != 1", NULL, NULL);
    g_autoptr(CsFilter) d = cs_filter_parse ("(x = 1 or y = 1) or z = 1", NULL, NULL);
    g_autoptr(CsFilter) e = cs_filter_parse ("x = 1 or y = 1 or z = 1", NULL, NULL);

    g_assert_false (cs_filter_equal (a, b));
    g_assert_false (cs_filter_equal (a, c));
    g_assert_false (cs_filter_equal (d, e));
  }
}

static void
test_variables (void)
{
  g_autoptr(CsFilter) filter = cs_filter_parse ("a = 1 or `b c` = 2 and not a is missing or d in (1)", NULL, NULL);
  GPtrArray *vars = cs_filter_get_variables (filter);

  g_assert_cmpuint (vars->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (vars, 0), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (vars, 1), ==, "b c");
  g_assert_cmpstr (g_ptr_array_index (vars, 2), ==, "d");
}

static void
test_row_count_mismatch (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();
  g_autoptr(CsFilter) filter = cs_filter_parse ("age > 1", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBitset) rows = NULL;

  rows = cs_filter_evaluate_columns (filter, test_table_variables (t), test_table_n_variables (t),
                                     7, NULL, &error);
  g_assert_null (rows);
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/bitset/sizes", test_bitset_sizes);
  g_test_add_func ("/cohort/bitset/ops", test_bitset_ops);
  g_test_add_func ("/cohort/filter/basic", test_basic);
  g_test_add_func ("/cohort/filter/not-excludes-missing", test_not_excludes_missing);
  g_test_add_func ("/cohort/filter/precedence", test_precedence);
  g_test_add_func ("/cohort/filter/quoted-keys", test_quoted_keys);
  g_test_add_func ("/cohort/filter/categorical", test_categorical);
  g_test_add_func ("/cohort/filter/boolean-and-date", test_boolean_and_date);
  g_test_add_func ("/cohort/filter/in-and-missing", test_in_and_missing);
  g_test_add_func ("/cohort/filter/three-valued", test_three_valued);
  g_test_add_func ("/cohort/filter/random-against-reference", test_random_against_reference);
  g_test_add_func ("/cohort/filter/syntax-errors", test_syntax_errors);
  g_test_add_func ("/cohort/filter/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/cohort/filter/deep-nesting", test_deep_nesting);
  g_test_add_func ("/cohort/filter/nesting-limit", test_nesting_limit);
  g_test_add_func ("/cohort/filter/tiny-numbers", test_tiny_numbers);
  g_test_add_func ("/cohort/filter/type-errors", test_type_errors);
  g_test_add_func ("/cohort/filter/unknown-variable", test_unknown_variable);
  g_test_add_func ("/cohort/filter/round-trip", test_round_trip);
  g_test_add_func ("/cohort/filter/variables", test_variables);
  g_test_add_func ("/cohort/filter/row-count-mismatch", test_row_count_mismatch);

  return g_test_run ();
}
