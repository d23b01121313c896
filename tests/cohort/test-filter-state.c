/* test-filter-state.c: the filter state of the Cohort view (src/core/cohort)
 *
 * Clauses ↔ text round trips (checked with cs_filter_equal against the
 * parsed original), merging of ranges, advanced clauses, edits, undo/redo
 * and grouping of a drag into one undo step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

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

/* What each conjunct becomes, kind by kind, and the text an advanced
 * clause keeps: exactly as written, with its parentheses */
typedef struct
{
  CsClauseKind  kind;
  const char   *key;
  const char   *detail;   /* ADVANCED: text; LEVELS: values joined by "|"; RANGE: "lo..hi" */
} Expected;

static char *
describe_clause (const CsFilterClause *clause)
{
  switch (clause->kind)
    {
    case CS_CLAUSE_ADVANCED:
      return g_strdup (clause->text);
    case CS_CLAUSE_LEVELS:
      {
        g_autoptr(GString) s = g_string_new (NULL);

        for (guint i = 0; i < clause->values->len; i++)
          g_string_append_printf (s, "%s%s", i > 0 ? "|" : "", (char *) g_ptr_array_index (clause->values, i));
        g_string_append_printf (s, " %s%s", clause->literal == CS_LITERAL_STRING ? "string"
                                            : clause->literal == CS_LITERAL_NUMBER ? "number" : "boolean",
                                clause->in_form ? " in" : "");
        return g_string_free (g_steal_pointer (&s), FALSE);
      }
    case CS_CLAUSE_RANGE:
      return g_strdup_printf ("%s%g..%g%s%s", clause->lo_strict ? "(" : "[", clause->lo, clause->hi,
                              clause->hi_strict ? ")" : "]", clause->is_date ? " date" : "");
    case CS_CLAUSE_MISSING:
      return g_strdup (clause->missing ? "missing" : "present");
    default:
      g_assert_not_reached ();
    }
}

static void
check_clauses (const char     *text,
               const Expected *expected,
               guint           n)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cs_filter_state_set_text (state, text, NULL, &error));
  g_assert_no_error (error);
  if (cs_filter_state_get_n_clauses (state) != n)
    g_error ("“%s”: %u clauses, expected %u", text, cs_filter_state_get_n_clauses (state), n);
  for (guint i = 0; i < n; i++)
    {
      const CsFilterClause *clause = cs_filter_state_get_clause (state, i);
      g_autofree char *detail = describe_clause (clause);

      if (clause->kind != expected[i].kind || g_strcmp0 (clause->key, expected[i].key) != 0 ||
          g_strcmp0 (detail, expected[i].detail) != 0)
        g_error ("“%s” clause %u: kind %d key %s “%s”, expected kind %d key %s “%s”", text, i,
                 clause->kind, clause->key, detail, expected[i].kind, expected[i].key, expected[i].detail);
    }
}

#define CHECK(text, ...) \
  G_STMT_START { \
    static const Expected e[] = { __VA_ARGS__ }; \
    check_clauses (text, e, G_N_ELEMENTS (e)); \
  } G_STMT_END

static void
test_recognize (void)
{
  /* parentheses keep a conjunct advanced, as written */
  CHECK ("(a = 1) and b > 2",
         { CS_CLAUSE_ADVANCED, NULL, "(a = 1)" }, { CS_CLAUSE_RANGE, "b", "(2..nan]" });
  CHECK ("((a = 1 or b = 2)) and c = 3",
         { CS_CLAUSE_ADVANCED, NULL, "((a = 1 or b = 2))" }, { CS_CLAUSE_LEVELS, "c", "3 number" });
  CHECK ("a = 1 and (b = 1\n or  c = 2)",
         { CS_CLAUSE_LEVELS, "a", "1 number" }, { CS_CLAUSE_ADVANCED, NULL, "(b = 1\n or  c = 2)" });
  CHECK ("(a = 1 or b = 2)", { CS_CLAUSE_ADVANCED, NULL, "(a = 1 or b = 2)" });
  CHECK ("  a = 1 or b = 2  ", { CS_CLAUSE_ADVANCED, NULL, "a = 1 or b = 2" });
  CHECK ("NOT (a = 1) and b in (1, 2.50, 3e0)",
         { CS_CLAUSE_ADVANCED, NULL, "NOT (a = 1)" }, { CS_CLAUSE_LEVELS, "b", "1|2.50|3e0 number in" });
  /* literals: booleans in any case, strings unescaped, numbers as written */
  CHECK ("x = TRUE and y in (false)",
         { CS_CLAUSE_LEVELS, "x", "true boolean" }, { CS_CLAUSE_LEVELS, "y", "false boolean in" });
  CHECK ("a = \"q\\\"uote\" and `my key` is missing and z is not missing",
         { CS_CLAUSE_LEVELS, "a", "q\"uote string" }, { CS_CLAUSE_MISSING, "my key", "missing" },
         { CS_CLAUSE_MISSING, "z", "present" });
  /* what the sidebar cannot show stays advanced */
  CHECK ("x in (1, \"a\") and x != 3 and x > true and d >= \"2020-02-30\"",
         { CS_CLAUSE_ADVANCED, NULL, "x in (1, \"a\")" }, { CS_CLAUSE_ADVANCED, NULL, "x != 3" },
         { CS_CLAUSE_ADVANCED, NULL, "x > true" }, { CS_CLAUSE_ADVANCED, NULL, "d >= \"2020-02-30\"" });
  /* ranges: signs and exponents, dates, and merging a bound into an
   * earlier range open on that side (either order: the sidebar shows one
   * range), not a second lower bound */
  CHECK ("x > -1.5e1 and x <= +7 and d >= \"2020-02-29\"",
         { CS_CLAUSE_RANGE, "x", "(-15..7]" }, { CS_CLAUSE_RANGE, "d", "[18321..nan] date" });
  CHECK ("x <= 5 and x >= 1", { CS_CLAUSE_RANGE, "x", "[1..5]" });
  CHECK ("x >= 5 and x >= 6", { CS_CLAUSE_RANGE, "x", "[5..nan]" }, { CS_CLAUSE_RANGE, "x", "[6..nan]" });
  CHECK ("x >= \"2020-01-01\" and x < 7",
         { CS_CLAUSE_RANGE, "x", "[18262..nan] date" }, { CS_CLAUSE_RANGE, "x", "[nan..7)" });
}

/* The text of a set of clauses: an "or" is put in parentheses only when it
 * has none of its own */
static void
test_clause_text (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();

  g_assert_true (cs_filter_state_set_text (state, "(a = 1 or b = 2)", NULL, NULL));
  cs_filter_state_set_missing (state, "c", TRUE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "(a = 1 or b = 2) and c is missing");

  g_assert_true (cs_filter_state_set_text (state, "not (a = 1 or b = 2) and `the key` in (\"x\")", NULL, NULL));
  cs_filter_state_set_range (state, "size", 0.1, 1e21, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "not (a = 1 or b = 2) and `the key` in (\"x\") and size >= 0.1 and size <= 1e+21");
  cs_filter_state_toggle_level (state, "or", CS_LITERAL_STRING, "say \"hi\"");
  g_assert_cmpstr (cs_filter_state_get_text (state), ==,
                   "not (a = 1 or b = 2) and `the key` in (\"x\") and size >= 0.1 and size <= 1e+21 and "
                   "`or` = \"say \\\"hi\\\"\"");
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
  /* exactly YYYY-MM-DD: no sign, no space, year 0001 on (a date the
   * filter language takes) */
  g_assert_false (cs_filter_parse_date (" 200-01-01", &days));
  g_assert_false (cs_filter_parse_date ("+200-01-01", &days));
  g_assert_false (cs_filter_parse_date ("0000-01-01", &days));
  g_assert_true (cs_filter_parse_date ("0001-01-01", &days));
  g_assert_cmpfloat (days, ==, -719162);
  g_clear_pointer (&text, g_free);
  text = cs_filter_format_date (-719162);
  g_assert_cmpstr (text, ==, "0001-01-01");
  /* and is only written when it can be read back */
  g_clear_pointer (&text, g_free);
  text = cs_filter_format_date (-719163);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  text = cs_filter_format_date (2932897);    /* 10000-01-01 */
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  text = cs_filter_format_date (NAN);
  g_assert_cmpstr (text, ==, "");
}

/* The levels of a stage variable as the demo codes them, and a boolean */
static CsLevel stage_levels[] = {
  { (char *) "1", (char *) "I", NULL, 0 },
  { (char *) "2", (char *) "II", NULL, 0 },
  { (char *) "3A", (char *) "IIIA", NULL, 0 },
  { (char *) "4", (char *) "IV", NULL, 0 },
};

static void
stage_variable (CsVariable *var,
                GPtrArray  *levels,
                GPtrArray  *codes)
{
  for (guint i = 0; i < G_N_ELEMENTS (stage_levels); i++)
    g_ptr_array_add (levels, &stage_levels[i]);
  g_ptr_array_add (codes, (char *) "http://loinc.org|21908-9");
  memset (var, 0, sizeof *var);
  var->key = (char *) "stage_group";
  var->type = CS_VARIABLE_CATEGORICAL;
  var->levels = levels;
  var->codes = codes;
}

/* Which levels a clause selects, as a string of 0 and 1 */
static char *
selected_levels (CsFilterState    *state,
                 const CsVariable *var)
{
  int index = cs_filter_state_find_variable_clause (state, var, CS_CLAUSE_LEVELS);
  const CsFilterClause *clause = index >= 0 ? cs_filter_state_get_clause (state, (guint) index) : NULL;
  guint n = var->type == CS_VARIABLE_BOOLEAN ? 2 : var->levels->len;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_c (out, cs_filter_clause_selects_level (clause, var, i) ? '1' : '0');
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *text;
  const char *selected;   /* selected_levels() */
} SelectCase;

static void
check_selected (CsFilterState    *state,
                const CsVariable *var,
                const SelectCase *cases,
                guint             n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *selected = NULL;

      g_assert_true (cs_filter_state_set_text (state, cases[i].text, NULL, NULL));
      selected = selected_levels (state, var);
      if (g_strcmp0 (selected, cases[i].selected) != 0)
        g_error ("“%s” selects %s, not %s", cases[i].text, selected, cases[i].selected);
    }
}

/* A typed filter selects levels as the evaluator reads it (a display in
 * any case, a code, a number), whatever the key names the variable by;
 * toggling a level takes every value that selects it */
static void
test_variable_levels (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  g_autoptr(GPtrArray) levels = g_ptr_array_new ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  CsVariable stage, smoker = { 0 };
  static const SelectCase cases[] = {
    { "stage_group in (\"I\", \"II\")", "1100" },
    { "stage_group = \"iiia\"", "0010" },
    { "stage_group in (\"1\", \"IV\")", "1001" },
    { "stage_group in (1, 2.0)", "1100" },
    { "stage_group = \"V\"", "0000" },
    { "`http://loinc.org|21908-9` = \"IV\"", "0001" },
    { "`21908-9` in (\"II\")", "0100" },
    { "stage_group != \"I\"", "0000" },
    { "other = \"I\"", "0000" },
  };
  static const SelectCase booleans[] = {
    { "smoker = true", "01" },
    { "smoker = 1", "01" },
    { "smoker in (0)", "10" },
    { "smoker = \"True\"", "01" },
    { "smoker = \"yes\"", "00" },
  };

  stage_variable (&stage, levels, codes);
  check_selected (state, &stage, cases, G_N_ELEMENTS (cases));
  smoker.key = (char *) "smoker";
  smoker.type = CS_VARIABLE_BOOLEAN;
  check_selected (state, &smoker, booleans, G_N_ELEMENTS (booleans));
  g_assert_false (cs_filter_clause_selects_level (NULL, &stage, 0));

  /* Unticking a typed display takes it out, ticking adds the code */
  g_assert_true (cs_filter_state_set_text (state, "stage_group in (\"I\", \"ii\") and age >= 50", NULL, NULL));
  cs_filter_state_toggle_variable_level (state, &stage, 0);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage_group in (\"ii\") and age >= 50");
  cs_filter_state_toggle_variable_level (state, &stage, 3);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage_group in (\"ii\", \"4\") and age >= 50");
  cs_filter_state_toggle_variable_level (state, &stage, 1);
  cs_filter_state_toggle_variable_level (state, &stage, 3);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age >= 50");
  /* Numbers become the text they match; the key stays as written */
  g_assert_true (cs_filter_state_set_text (state, "`21908-9` in (1, 2.0)", NULL, NULL));
  cs_filter_state_toggle_variable_level (state, &stage, 2);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "`21908-9` in (\"1\", \"2\", \"3A\")");
  cs_filter_state_toggle_variable_level (state, &stage, 0);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "`21908-9` in (\"2\", \"3A\")");
  /* Booleans: 1 is true */
  g_assert_true (cs_filter_state_set_text (state, "smoker = 1", NULL, NULL));
  cs_filter_state_toggle_variable_level (state, &smoker, 0);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "smoker in (true, false)");
  cs_filter_state_toggle_variable_level (state, &smoker, 1);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "smoker = false");
  cs_filter_state_toggle_variable_level (state, &smoker, 0);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  cs_filter_state_toggle_variable_level (state, &smoker, 1);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "smoker = true");
  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");

  /* Removing the variable takes the clauses under its codes too, in one step */
  g_assert_true (cs_filter_state_set_text (state, "`21908-9` = \"I\" and age >= 5 and stage_group is missing",
                                           NULL, NULL));
  g_assert_cmpint (cs_filter_state_find_variable_clause (state, &stage, CS_CLAUSE_MISSING), ==, 2);
  g_assert_true (cs_filter_state_remove_variable (state, &stage));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age >= 5");
  g_assert_false (cs_filter_state_remove_variable (state, &stage));
  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 3);
}

/* A range typed upper bound first is one range, as the other way round */
static void
test_range_either_order (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  const CsFilterClause *clause;

  g_assert_true (cs_filter_state_set_text (state, "age <= 70 and stage = \"I\" and age > 50", NULL, NULL));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
  clause = cs_filter_state_get_clause (state, 0);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_RANGE);
  g_assert_cmpfloat (clause->lo, ==, 50);
  g_assert_true (clause->lo_strict);
  g_assert_cmpfloat (clause->hi, ==, 70);
  g_assert_false (clause->hi_strict);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age > 50 and age <= 70 and stage = \"I\"");
  /* A bound set on the other side keeps a strict one as typed */
  cs_filter_state_set_range (state, "age", 50, 65, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age > 50 and age <= 65 and stage = \"I\"");
  cs_filter_state_set_range (state, "age", 55, 65, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age >= 55 and age <= 65 and stage = \"I\"");
  /* Two lower bounds stay two clauses (both apply) */
  g_assert_true (cs_filter_state_set_text (state, "age >= 50 and age >= 60", NULL, NULL));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
}

/* "age = 60" is the range 60 – 60 on a card: a range set for that key
 * takes its place (one undo step), any other equality does not */
static void
test_equality_as_range (void)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();
  double value = 0;

  g_assert_true (cs_filter_state_set_text (state, "age = 60 and stage = \"I\"", NULL, NULL));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
  g_assert_true (cs_filter_clause_get_number_value (cs_filter_state_get_clause (state, 0), &value));
  g_assert_cmpfloat (value, ==, 60);
  g_assert_false (cs_filter_clause_get_number_value (cs_filter_state_get_clause (state, 1), NULL));

  cs_filter_state_set_range (state, "age", 60, 70, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age >= 60 and age <= 70 and stage = \"I\"");
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
  cs_filter_state_undo (state);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age = 60 and stage = \"I\"");
  /* both bounds cleared: the condition goes */
  cs_filter_state_set_range (state, "age", NAN, NAN, FALSE);
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage = \"I\"");

  /* several numbers are no range */
  g_assert_true (cs_filter_state_set_text (state, "age in (60, 61)", NULL, NULL));
  g_assert_false (cs_filter_clause_get_number_value (cs_filter_state_get_clause (state, 0), NULL));
  cs_filter_state_set_range (state, "age", 50, 70, FALSE);
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/filter-state/round-trip", test_round_trip);
  g_test_add_func ("/filter-state/clauses", test_clauses);
  g_test_add_func ("/filter-state/recognize", test_recognize);
  g_test_add_func ("/filter-state/clause-text", test_clause_text);
  g_test_add_func ("/filter-state/syntax-error", test_syntax_error);
  g_test_add_func ("/filter-state/edits-undo", test_edits_undo);
  g_test_add_func ("/filter-state/dates", test_dates);
  g_test_add_func ("/filter-state/variable-levels", test_variable_levels);
  g_test_add_func ("/filter-state/range-either-order", test_range_either_order);
  g_test_add_func ("/filter-state/equality-as-range", test_equality_as_range);

  return g_test_run ();
}
