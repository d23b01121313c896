/* test-variable-label.c: labels that tell variables apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-variable.h"

static CsVariable *
variable (const char *key,
          const char *label,
          const char *group,
          const char *unit,
          const char *code)
{
  CsVariable *var = g_new0 (CsVariable, 1);

  var->key = g_strdup (key);
  var->label = g_strdup (label);
  var->group = g_strdup (group);
  var->unit = g_strdup (unit);
  var->type = CS_VARIABLE_NUMERIC;
  var->codes = g_ptr_array_new_with_free_func (g_free);
  if (code != NULL)
    g_ptr_array_add (var->codes, g_strdup (code));
  return var;
}

static void
test_unique (void)
{
  CsVariable *vars[] = {
    /* the pair: two "Contrast" features */
    variable ("original_glcm_contrast", "Contrast", "Radiomics", "1", "https://pyradiomics.readthedocs.io|original_glcm_Contrast"),
    variable ("original_ngtdm_contrast", "Contrast", "Radiomics", "1", "https://pyradiomics.readthedocs.io|original_ngtdm_Contrast"),
    /* a raw key as its label */
    variable ("original_glrlm_graylevelnonuniformity", NULL, "Radiomics", NULL, NULL),
    variable ("wavelet_hlh_glrlm_graylevelnonuniformity", "wavelet-HLH_glrlm_GrayLevelNonUniformity", "Radiomics", NULL, NULL),
    /* labs of one name: by unit, else by code */
    variable ("egfr", "eGFR", "Observation", "mL/min/{1.73_m2}", "http://loinc.org|33914-3"),
    variable ("egfr_2", "eGFR", "Observation", "mL/min", "http://loinc.org|69405-9"),
    variable ("ldh", "LDH", "Observation", "U/L", "http://loinc.org|14804-9"),
    variable ("ldh_2", "ldh", "Observation", "U/L", "http://loinc.org|2532-0"),
    /* no code either: the key */
    variable ("score_a", "Score", "Observation", NULL, NULL),
    variable ("score_b", "Score", "Observation", NULL, NULL),
    /* not radiomics although it looks like it: left as it is */
    variable ("age", "Age", "Patient", "a", NULL),
  };
  static const char *expected[] = {
    "GLCM Contrast", "NGTDM Contrast", "GLRLM Gray Level Non-Uniformity",
    "Wavelet HLH · GLRLM Gray Level Non-Uniformity",
    "eGFR (mL/min/1.73 m²)", "eGFR (mL/min)", "LDH · 14804-9", "ldh · 2532-0",
    "Score · score_a", "Score · score_b", "Age",
  };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  G_STATIC_ASSERT (G_N_ELEMENTS (vars) == G_N_ELEMENTS (expected));
  cs_variables_make_labels_unique (vars, G_N_ELEMENTS (vars));
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_assert_cmpstr (vars[i]->label, ==, expected[i]);
      g_assert_true (g_hash_table_add (seen, g_utf8_casefold (vars[i]->label, -1)));
    }

  /* a second pass changes nothing */
  cs_variables_make_labels_unique (vars, G_N_ELEMENTS (vars));
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_assert_cmpstr (vars[i]->label, ==, expected[i]);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    cs_variable_free (vars[i]);
}

static void
test_ellipsize_and_describe (void)
{
  g_autofree char *shortened = cs_label_ellipsize_middle ("Wavelet HLH · GLRLM Gray Level Non-Uniformity", 21);
  g_autofree char *kept = cs_label_ellipsize_middle ("GLCM Contrast", 21);
  CsVariable *var = variable ("temp", "Body temperature", "Observation", "Cel", "http://loinc.org|8310-5");
  g_autofree char *tooltip = NULL;

  g_assert_cmpstr (shortened, ==, "Wavelet HL…Uniformity");
  g_assert_cmpint (g_utf8_strlen (shortened, -1), ==, 21);
  g_assert_cmpstr (kept, ==, "GLCM Contrast");

  tooltip = cs_variable_describe (var);
  g_assert_cmpstr (tooltip, ==, "Body temperature\nKey: temp\nCode: http://loinc.org|8310-5\nUnit: °C (UCUM Cel)");
  g_assert_null (cs_variable_get_derivation (var));
  {
    CsVariable *age = variable ("age_at_diagnosis", "Age at diagnosis", "Condition", "a", NULL);
    CsVariable *condition = variable ("condition.254637007", "NSCLC", "Condition", NULL, "http://snomed.info/sct|254637007");
    CsVariable *lookalike = variable ("age_at_diagnosis", "Age at diagnosis", "Observation", "a", NULL);
    g_autofree char *age_tooltip = NULL;

    condition->type = CS_VARIABLE_BOOLEAN;
    age_tooltip = cs_variable_describe (age);
    g_assert_nonnull (strstr (age_tooltip, "\nUnit: years (UCUM a)\nDerived: years from the birth date"));
    g_assert_nonnull (strstr (cs_variable_get_derivation (condition), "no such Condition was recorded"));
    /* an observation that took the key is read as it is */
    g_assert_null (cs_variable_get_derivation (lookalike));
    cs_variable_free (age);
    cs_variable_free (condition);
    cs_variable_free (lookalike);
  }
  {
    g_autofree char *caption = cs_variable_caption ("x", var);
    g_autofree char *bare = cs_variable_caption (NULL, var);

    g_assert_cmpstr (caption, ==, "x: Body temperature (°C, UCUM Cel; key temp)");
    g_assert_cmpstr (bare, ==, "Body temperature (°C, UCUM Cel; key temp)");
  }
  cs_variable_free (var);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/labels/unique", test_unique);
  g_test_add_func ("/store/labels/ellipsize-describe", test_ellipsize_and_describe);

  return g_test_run ();
}
