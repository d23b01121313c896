/* test-filter-state.c: the Cohort view's filter state (no display needed)
 *
 * Clauses ↔ text round trips (checked with cs_filter_equal against the
 * parsed original), merging of ranges, advanced clauses, edits, undo/redo
 * and grouping of a drag into one undo step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cs-filter.h"
#include "cs-filter-state.h"

static void
assert_same_filter (const char *a,
                    const char *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) fa = cs_filter_parse (a, NULL, &error);
  g_autoptr(CsFilter) fb = NULL;

  g_assert_no_error (error);
  fb = cs_filter_parse (b, NULL, &error);
  g_assert_no_error (error);
  if (!cs_filter_equal (fa, fb))
    g_error ("“%s” and “%s” differ", a, b);
}

static void
test_round_trip (void)
{
  static const char *const texts[] = {
    "age_at_diagnosis >= 50",
    "age_at_diagnosis >= 50 and age_at_diagnosis <= 70",
    "age_at_diagnosis > 50 and age_at_diagnosis < 70.5",
    "stage_group = \"IV\"",
    "stage_group in (\"IIIA\", \"IV\")",
    "stage_group in (\"IV\")",
    "smoker = true",
    "x in (1, 2, 3)",
    "`tumor volume` >= 1e-3 and `in` = 1",
    "birth_date >= \"1950-01-01\" and birth_date <= \"1960-12-31\"",
    "gender is missing and age is not missing",
    "a = 1 or b = 2",
    "a = 1 and (b = 2 or c = 3) and not d = 4",
    "a = 1 and (b = 2 and c = 3)",
    "NOT a = \"x \\\"quoted\\\"\" AND b != 2",
    "x in (1, \"a\")",
    "a >= 1 and b = 2 and a <= 3",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(CsFilterState) state = cs_filter_state_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (cs_filter_state_set_text (state, texts[i], NULL, &error));
      g_assert_no_error (error);
      g_test_message ("%s → %s", texts[i], cs_filter_state_get_text (state));
      if (i != G_N_ELEMENTS (texts) - 1)
        assert_same_filter (texts[i], cs_filter_state_get_text (state));
    }
}

static void
test_clauses (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  const CsFilterClause *clause;

  g_assert_true (cs_filter_state_set_text (state,
                                           "age >= 50 and stage in (\"I\", \"II\") and age <= 70 and "
                                           "d < \"2020-02-01\" and (a = 1 or b = 1) and g is not missing and f = false",
                                           NULL, NULL));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 6);

  clause = cs_filter_state_get_clause (state, 0);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_RANGE);
  g_assert_cmpstr (clause->key, ==, "age");
  g_assert_cmpfloat (clause->lo, ==, 50);
  g_assert_cmpfloat (clause->hi, ==, 70);
  g_assert_false (clause->is_date);

  clause = cs_filter_state_get_clause (state, 1);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_LEVELS);
  g_assert_cmpint (clause->literal, ==, CS_LITERAL_STRING);
  g_assert_cmpuint (clause->values->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (clause->values, 1), ==, "II");

  clause = cs_filter_state_get_clause (state, 2);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_RANGE);
  g_assert_true (clause->is_date);
  g_assert_true (isnan (clause->lo));
  g_assert_cmpfloat (clause->hi, ==, 18293);   /* 2020-02-01 */
  g_assert_true (clause->hi_strict);

  clause = cs_filter_state_get_clause (state, 3);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_ADVANCED);
  g_assert_cmpstr (clause->text, ==, "(a = 1 or b = 1)");

  clause = cs_filter_state_get_clause (state, 4);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_MISSING);
  g_assert_false (clause->missing);

  clause = cs_filter_state_get_clause (state, 5);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_LEVELS);
  g_assert_cmpint (clause->literal, ==, CS_LITERAL_BOOLEAN);

  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "age >= 50 and age <= 70 and stage in (\"I\", \"II\") and d < \"2020-02-01\" and "
                   "(a = 1 or b = 1) and g is not missing and f = false");

  /* A whole "or" becomes one advanced clause; another clause parenthesises it */
  g_assert_true (cs_filter_state_set_text (state, "a = 1 or b = 1", NULL, NULL));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 1);
  cs_filter_state_set_missing (state, "c", TRUE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "(a = 1 or b = 1) and c is missing");
  assert_same_filter ("(a = 1 or b = 1) and c is missing", cs_filter_state_get_text (state));
}

static void
test_syntax_error (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  g_autoptr(GError) error = NULL;
  guint column = 0;

  g_assert_true (cs_filter_state_set_text (state, "a = 1", NULL, NULL));
  g_assert_false (cs_filter_state_set_text (state, "  a = 1 and b >", &column, &error));
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX);
  g_assert_cmpuint (column, ==, 16);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "a = 1");

  /* Empty text clears */
  g_assert_true (cs_filter_state_set_text (state, "  ", NULL, NULL));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 0);
}

static void
count_changed (CsFilterState *state,
               guint         *n)
{
  (*n)++;
}

static void
test_edits_undo (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  guint n_changed = 0;

  g_signal_connect (state, "changed", G_CALLBACK (count_changed), &n_changed);
  g_assert_false (cs_filter_state_can_undo (state));

  cs_filter_state_toggle_level (state, "stage", CS_LITERAL_STRING, "IV");
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"IV\"");
  cs_filter_state_toggle_level (state, "stage", CS_LITERAL_STRING, "III");
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage in (\"IV\", \"III\")");
  g_assert_cmpuint (n_changed, ==, 2);

  /* A drag: many range edits, one undo step */
  cs_filter_state_begin_group (state);
  for (guint i = 0; i < 10; i++)
    cs_filter_state_set_range (state, "age", 40 + i, 80, FALSE);
  cs_filter_state_end_group (state);
  g_assert_cmpuint (n_changed, ==, 12);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "stage in (\"IV\", \"III\") and age >= 49 and age <= 80");

  /* Setting the same range again is no edit */
  cs_filter_state_set_range (state, "age", 49, 80, FALSE);
  g_assert_cmpuint (n_changed, ==, 12);

  cs_filter_state_set_range (state, "dx", 18293, NAN, TRUE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "stage in (\"IV\", \"III\") and age >= 49 and age <= 80 and dx >= \"2020-02-01\"");

  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "stage in (\"IV\", \"III\") and age >= 49 and age <= 80");
  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage in (\"IV\", \"III\")");
  g_assert_true (cs_filter_state_can_redo (state));
  g_assert_true (cs_filter_state_redo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "stage in (\"IV\", \"III\") and age >= 49 and age <= 80");

  /* A new edit drops the redo stack */
  cs_filter_state_toggle_level (state, "stage", CS_LITERAL_STRING, "IV");
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"III\" and age >= 49 and age <= 80");
  g_assert_false (cs_filter_state_can_redo (state));

  /* Removing the range (both sides open) and by key */
  cs_filter_state_set_range (state, "age", NAN, NAN, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"III\"");
  g_assert_true (cs_filter_state_remove_key (state, "stage"));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  g_assert_false (cs_filter_state_remove_key (state, "stage"));

  /* Undo all the way back */
  while (cs_filter_state_undo (state))
    ;
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  g_assert_false (cs_filter_state_can_undo (state));
  g_assert_true (cs_filter_state_redo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"IV\"");

  /* set_text is undoable too */
  g_assert_true (cs_filter_state_set_text (state, "a = 1 or b = 2", NULL, NULL));
  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"IV\"");
}

static void
test_dates (void)
{
  double days = 0;
  g_autofree char *text = NULL;

  g_assert_true (cs_filter_parse_date ("1970-01-01", &days));
  g_assert_cmpfloat (days, ==, 0);
  g_assert_true (cs_filter_parse_date ("2000-03-01", &days));
  g_assert_cmpfloat (days, ==, 11017);
  text = cs_filter_format_date (11017.75);
  g_assert_cmpstr (text, ==, "2000-03-01");
  g_assert_false (cs_filter_parse_date ("2001-02-29", &days));
  g_assert_false (cs_filter_parse_date ("2001-2-28", &days));
  g_assert_false (cs_filter_parse_date ("2001-02-28x", &days));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/filter-state/round-trip", test_round_trip);
  g_test_add_func ("/filter-state/clauses", test_clauses);
  g_test_add_func ("/filter-state/syntax-error", test_syntax_error);
  g_test_add_func ("/filter-state/edits-undo", test_edits_undo);
  g_test_add_func ("/filter-state/dates", test_dates);

  return g_test_run ();
}
