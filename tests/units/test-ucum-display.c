/* test-ucum-display.c: UCUM codes as clinicians write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cs-ucum-display.h"

static void
test_display (void)
{
  static const struct { const char *code, *shown; } cases[] = {
    /* the examples */
    { "[in_i]", "in" }, { "[lb_av]", "lb" }, { "Cel", "°C" }, { "mm3", "mm³" },
    /* exponents, prefixes and factors */
    { "kg/m2", "kg/m²" }, { "mm2", "mm²" }, { "/mm", "/mm" }, { "s-1", "s⁻¹" }, { "g/cm-2", "g/cm⁻²" },
    { "um", "µm" }, { "ug/L", "µg/L" }, { "umol/L", "µmol/L" }, { "10*3/uL", "10³/µL" },
    { "10*9/L", "10⁹/L" }, { "10^12/L", "10¹²/L" }, { "mg/dL", "mg/dL" }, { "mmol/L", "mmol/L" },
    { "U/L", "U/L" }, { "[IU]/L", "IU/L" }, { "m[IU]/mL", "mIU/mL" }, { "kg.m2", "kg·m²" },
    /* special atoms */
    { "mm[Hg]", "mmHg" }, { "cm[H2O]", "cmH₂O" }, { "[hnsf'U]", "HU" }, { "[hnsf'U]2", "HU²" },
    { "[degF]", "°F" }, { "[ft_i]", "ft" }, { "[oz_av]", "oz" }, { "[pack_yr]", "pack-years" },
    { "[arb'U]", "arb. U" }, { "[foo_bar]", "foo" }, { "%", "%" },
    /* annotations */
    { "mL/min/{1.73_m2}", "mL/min/1.73 m²" }, { "{beats}/min", "beats/min" }, { "{score}", "" },
    { "mL{total}", "mL" },
    /* times: words alone, symbols in a compound */
    { "a", "years" }, { "mo", "months" }, { "wk", "weeks" }, { "d", "days" }, { "h", "hours" },
    { "min", "min" }, { "mg/d", "mg/d" }, { "/min", "/min" },
    /* nothing to show */
    { "1", "" }, { "", "" }, { NULL, "" },
    /* not UCUM: as written */
    { "mmHg", "mmHg" }, { "mL/min/1.73m2", "mL/min/1.73m²" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = cs_ucum_display (cases[i].code);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_label_and_describe (void)
{
  g_autofree char *label = cs_ucum_label ("Body temperature", "Cel");
  g_autofree char *bare = cs_ucum_label ("Score", "{score}");
  g_autofree char *cel = cs_ucum_describe ("Cel");
  g_autofree char *mg = cs_ucum_describe ("mg/dL");
  g_autofree char *score = cs_ucum_describe ("{score}");
  g_autofree char *none = cs_ucum_describe (NULL);

  g_assert_cmpstr (label, ==, "Body temperature (°C)");
  g_assert_cmpstr (bare, ==, "Score");
  g_assert_cmpstr (cel, ==, "°C (UCUM Cel)");
  g_assert_cmpstr (mg, ==, "mg/dL");
  g_assert_cmpstr (score, ==, "none (UCUM {score})");
  g_assert_cmpstr (none, ==, "");
}

static void
test_time_scale (void)
{
  CsTimeScale scale = CS_TIME_SCALE_DAYS;

  g_assert_true (cs_time_scale_from_string ("months", &scale));
  g_assert_cmpint (scale, ==, CS_TIME_SCALE_MONTHS);
  g_assert_true (cs_time_scale_from_string ("a", &scale));
  g_assert_cmpint (scale, ==, CS_TIME_SCALE_YEARS);
  g_assert_true (cs_time_scale_from_string ("Days", &scale));
  g_assert_cmpint (scale, ==, CS_TIME_SCALE_DAYS);
  g_assert_false (cs_time_scale_from_string ("weeks", &scale));
  g_assert_false (cs_time_scale_from_string (NULL, &scale));
  g_assert_cmpstr (cs_time_scale_to_string (CS_TIME_SCALE_YEARS), ==, "years");
  g_assert_cmpstr (cs_time_scale_ucum (CS_TIME_SCALE_MONTHS), ==, "mo");

  /* UCUM's month and year: 30.4375 and 365.25 days */
  g_assert_cmpfloat_with_epsilon (cs_time_scale_factor ("d", CS_TIME_SCALE_YEARS) * 365.25, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_time_scale_factor (NULL, CS_TIME_SCALE_MONTHS) * 30.4375, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_time_scale_factor ("a", CS_TIME_SCALE_MONTHS), 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_time_scale_factor ("wk", CS_TIME_SCALE_DAYS), 7.0, 1e-12);
  g_assert_true (isnan (cs_time_scale_factor ("mm", CS_TIME_SCALE_DAYS)));
  g_assert_true (isnan (cs_time_scale_factor ("not a unit", CS_TIME_SCALE_DAYS)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/units/ucum-display/display", test_display);
  g_test_add_func ("/units/ucum-display/label", test_label_and_describe);

  g_test_add_func ("/units/ucum-display/time-scale", test_time_scale);

  return g_test_run ();
}
