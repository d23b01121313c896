/* test-ucum.c: UCUM syntax and conversion (src/core/units); the store's use
 * of it is tested in tests/store (/store/rules/ucum, /store/rules/units)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "cs-ucum.h"

static const char *const valid[] = {
  "1", "%", "mg", "g", "kg", "L", "l", "dL", "mL", "uL", "mmol", "umol", "mol", "[IU]", "m[IU]/mL", "[iU]/L",
  "Cel", "[degF]", "K", "mm[Hg]", "cm[H2O]", "[in_i]", "[ft_i]", "[lb_av]", "[oz_av]", "[hnsf'U]", "[hnsf'U]2",
  "a", "mo", "wk", "d", "h", "min", "s", "ms", "mm3", "mm2", "mm", "/mm", "mm-1", "cm", "m2", "kg/m2",
  "mg/dL", "mmol/L", "g/L", "10*3/uL", "10*9/L", "10^6/mL", "/min", "{beats}/min", "{score}", "mL/min/{1.73_m2}",
  "mL/(min.{1.73_m2})", "mg/(kg.d)", "umol/L", "meq/L", "mosm/kg", "U/L", "kU/L", "ng/mL", "pg/mL", "fL",
  "[ppm]", "[pi].rad", "deg", "''", "'", "Gy", "mSv", "Bq", "MBq", "kPa", "mbar", "atm", "J", "kcal", "[Cal]",
  "W", "V", "mV", "Ohm", "kat", "Hz", "cd", "lx", "rad", "sr", "[CFU]/mL", "[arb'U]", "s-1", "m.s-2", "kg.m2",
  "[hnsf'U]2.mm3", "[drp]", "[gal_us]", "[tsp_us]", "mm/h", "10*3", "2", "100", "[pH]", "dB", "By", "KiBy",
  "[HPF]", "/[HPF]", "a_j", "mo_j", "g%", "ug/dL", "mg/g{creat}", "mmol/mol", "%{HbA1c}",
};

static const struct { const char *code; const char *why; } invalid[] = {
  { "", "empty" }, { "mg ", "spaces" }, { " mg", "spaces" }, { "m g", "spaces" }, { "KG", "unknown" },
  { "mls", "unknown" }, { "kgs", "unknown" }, { "°C", "ASCII" }, { "degC", "unknown" }, { "mcg", "unknown" },
  { "cc", "unknown" }, { "mg/", "missing" }, { "/", "missing" }, { "mg//L", "missing" }, { "mg..L", "missing" },
  { "(mg", "not closed" }, { "mg)", "without a matching" }, { "{abc", "not closed" }, { "m{a{b}}", "cannot contain" },
  { "{a b}", "printable" }, { "[in_i", "not closed" }, { "k[in_i]", "prefix" }, { "kmin", "prefix" },
  { "k%", "prefix" }, { "m-", "sign" }, { "m2.", "missing" }, { "10L", "joined" }, { "1{beats}/min", "annotation" },
  { "m999", "exponent" }, { "mg*2", "unknown" }, { "xyz", "unknown" }, { "m\xc3\xa9", "ASCII" }, { "L]", "unexpected" },
};

static void
test_valid (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr (GError) error = NULL;

      if (!cs_ucum_validate (valid[i], &error))
        g_error ("“%s” rejected: %s", valid[i], error->message);
      g_assert_true (cs_ucum_is_valid (valid[i], strlen (valid[i]), NULL));
    }
}

static void
test_invalid (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;
      const char *reason = NULL;

      if (cs_ucum_validate (invalid[i].code, &error))
        g_error ("“%s” accepted", invalid[i].code);
      g_assert_true (error->domain == CS_UCUM_ERROR);
      if (strstr (error->message, invalid[i].why) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", invalid[i].code, error->message, invalid[i].why);
      g_assert_false (cs_ucum_is_valid (invalid[i].code, strlen (invalid[i].code), &reason));
      g_assert_nonnull (reason);
    }
  /* the position of the problem */
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (cs_ucum_validate ("mg/dX", &error));
    g_assert_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_UNKNOWN_UNIT);
    g_assert_nonnull (strstr (error->message, "character 4"));
  }
  g_assert_false (cs_ucum_is_valid (NULL, 0, NULL));
  g_assert_false (cs_ucum_validate (NULL, NULL));
  /* a length shorter than the string */
  g_assert_true (cs_ucum_is_valid ("mg/dXX", 2, NULL));
  /* nesting deeper than the parser goes is refused, not a stack overflow */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GString) nested = g_string_new (NULL);

    for (guint k = 0; k < 100000; k++)
      g_string_append_c (nested, '(');
    g_string_append (nested, "mg");
    for (guint k = 0; k < 100000; k++)
      g_string_append_c (nested, ')');
    g_assert_false (cs_ucum_validate (nested->str, &error));
    g_assert_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_SYNTAX);
    g_assert_nonnull (strstr (error->message, "nested"));
    g_assert_true (cs_ucum_validate ("((((mg))))", NULL));
  }
}

static void
expect (double      value,
        const char *from,
        const char *to,
        double      want)
{
  g_autoptr (GError) error = NULL;
  double out = NAN;

  if (!cs_ucum_convert (value, from, to, &out, &error))
    g_error ("%g %s → %s: %s", value, from, to, error->message);
  if (fabs (out - want) > 1e-9 * MAX (1.0, fabs (want)))
    g_error ("%g %s → %s: %.12g, expected %.12g", value, from, to, out, want);
}

static void
test_convert (void)
{
  static const struct { const char *from; const char *to; CsUcumError code; } refused[] = {
    { "mg", "mL", CS_UCUM_ERROR_INCOMMENSURABLE },
    { "mg/dL", "mmol/L", CS_UCUM_ERROR_INCOMMENSURABLE },
    { "[IU]", "[arb'U]", CS_UCUM_ERROR_INCOMMENSURABLE },
    { "Cel/h", "K/h", CS_UCUM_ERROR_NOT_CONVERTIBLE },
    { "[pH]", "1", CS_UCUM_ERROR_NOT_CONVERTIBLE },
    { "mgg", "g", CS_UCUM_ERROR_UNKNOWN_UNIT },
    /* mol, eq and osm are dimensions of their own, not numbers */
    { "meq/L", "mmol/L", CS_UCUM_ERROR_INCOMMENSURABLE },
    { "mol", "10*23", CS_UCUM_ERROR_INCOMMENSURABLE },
    { "mosm/kg", "mmol/kg", CS_UCUM_ERROR_INCOMMENSURABLE },
    /* a factor beyond a double */
    { "[mi_i]99.[mi_i]99.[mi_i]99", "m99.m99.m99", CS_UCUM_ERROR_NOT_CONVERTIBLE },
  };
  double out;

  expect (1, "g", "mg", 1000);
  expect (1, "mg/dL", "g/L", 0.01);
  expect (5.5, "mmol/L", "umol/mL", 5.5);
  expect (37, "Cel", "[degF]", 98.6);
  expect (98.6, "[degF]", "Cel", 37);
  expect (0, "Cel", "K", 273.15);
  expect (300, "K", "Cel", 26.85);
  expect (1, "a", "d", 365.25);
  expect (1, "a", "mo", 12);
  expect (2, "wk", "h", 336);
  expect (1, "[in_i]", "cm", 2.54);
  expect (1, "[lb_av]", "kg", 0.45359237);
  expect (120, "mm[Hg]", "kPa", 15.99864);
  expect (1, "L", "mm3", 1e6);
  expect (1, "mm3", "mL", 1e-3);
  expect (2, "10*3/uL", "10*9/L", 2);
  expect (1, "[IU]/mL", "[iU]/L", 1000);
  expect (3, "%", "1", 0.03);
  expect (90, "deg", "rad", G_PI / 2);
  expect (1, "kcal", "kJ", 4.184);
  expect (1, "{beats}/min", "/s", 1.0 / 60);
  expect (7, "[pH]", "[pH]", 7);
  expect (1, "[hnsf'U]2", "[hnsf'U]2", 1);
  expect (1, "U/L", "ukat/L", 1.0 / 60);
  expect (1, "mosm/kg", "osm/kg", 1e-3);

  /* rounded to 15 significant digits: exact where the units differ by powers of ten */
  g_assert_true (cs_ucum_convert (0.95, "g/L", "mg/dL", &out, NULL));
  g_assert_cmpfloat (out, ==, 95);
  g_assert_true (cs_ucum_convert (95, "mg/dL", "g/L", &out, NULL));
  g_assert_cmpfloat (out, ==, 0.95);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) why = NULL;

      if (cs_ucum_convert (1, refused[i].from, refused[i].to, &out, &why))
        g_error ("%s → %s converted", refused[i].from, refused[i].to);
      g_assert_error (why, CS_UCUM_ERROR, refused[i].code);
    }
  /* a factor beyond a double is valid, but not converted */
  g_assert_true (cs_ucum_validate ("[mi_i]99.[mi_i]99.[mi_i]99", NULL));

  g_assert_true (cs_ucum_commensurable ("mo", "s"));
  g_assert_true (cs_ucum_commensurable ("a", "min"));
  g_assert_false (cs_ucum_commensurable ("kg", "s"));
  g_assert_false (cs_ucum_commensurable ("kg", "nope"));
}

/* Parsed units: annotations ignored (UCUM) or matched (the store) */
static void
test_parsed (void)
{
  g_autoptr (GError) error = NULL;
  CsUcumUnit a, b, c;

  g_assert_true (cs_ucum_parse ("mL/min/{1.73_m2}", &a, NULL));
  g_assert_true (cs_ucum_parse ("mL/min", &b, NULL));
  g_assert_true (cs_ucum_parse ("L/h/{1.73_m2}", &c, NULL));
  g_assert_true (cs_ucum_unit_convertible (&a, &b, CS_UCUM_ANNOTATIONS_IGNORE));
  g_assert_false (cs_ucum_unit_convertible (&a, &b, CS_UCUM_ANNOTATIONS_MATCH));
  g_assert_true (cs_ucum_unit_convertible (&a, &c, CS_UCUM_ANNOTATIONS_MATCH));
  g_assert_cmpfloat (cs_ucum_unit_convert (100, &a, &c), ==, 6);

  /* the side of an annotation counts, and annotations too long to compare never match */
  g_assert_true (cs_ucum_parse ("{1.73_m2}.mL/min", &b, NULL));
  g_assert_false (cs_ucum_unit_convertible (&a, &b, CS_UCUM_ANNOTATIONS_MATCH));
  g_assert_true (cs_ucum_parse ("mL/min/{body_surface_area_in_square_metres_as_computed_with_the_formula_of_Du_Bois}", &b, NULL));
  g_assert_false (cs_ucum_unit_convertible (&b, &b, CS_UCUM_ANNOTATIONS_MATCH));
  g_assert_true (cs_ucum_unit_convertible (&b, &b, CS_UCUM_ANNOTATIONS_IGNORE));

  g_assert_false (cs_ucum_parse ("mg/dX", &a, &error));
  g_assert_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_UNKNOWN_UNIT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ucum/valid", test_valid);
  g_test_add_func ("/ucum/invalid", test_invalid);
  g_test_add_func ("/ucum/convert", test_convert);
  g_test_add_func ("/ucum/parsed", test_parsed);
  return g_test_run ();
}
