/* cs-ucum.h: UCUM unit codes — syntax check and conversion
 *
 * Parses case-sensitive UCUM expressions (the grammar of the UCUM
 * specification §2: prefixes, atoms, integer exponents, "." and "/",
 * parentheses, factors such as "10*3", annotations "{…}") against a table of
 * the common atoms: the SI base and derived units, time (s min h d wk mo a),
 * volume (L l), the clinical units (mmol, [IU], [iU], [arb'U], [hnsf'U], %,
 * Cel, [degF], mm[Hg], cm[H2O], eq, osm, U, kat), customary units ([in_i],
 * [ft_i], [lb_av], [oz_av], [gal_us] …) and a set of arbitrary units. The
 * list is in docs/VALIDATION.md; a valid UCUM atom outside it is reported as
 * unknown.
 *
 * One module for the validator (is this a UCUM code?) and the store (do
 * these values convert, and to what?). Conversion works between units of the
 * same dimension, with the offset of Cel and [degF] for plain temperatures.
 * As a clinician counts, not as UCUM defines them: mol, eq and osm are
 * dimensions of their own (mmol/L is not a number per litre, meq/L is not
 * mmol/L), and each arbitrary unit ([IU], [hnsf'U] …) converts only to
 * itself with another prefix or denominator ([iU] is [IU]). Results are
 * rounded to 15 significant digits, so 0.95 g/L gives 95 mg/dL, not
 * 94.99999999999999.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_UCUM_ERROR (cs_ucum_error_quark ())

typedef enum
{
  CS_UCUM_ERROR_SYNTAX,            /* not a UCUM expression (unbalanced brackets, bad exponent, spaces…) */
  CS_UCUM_ERROR_UNKNOWN_UNIT,      /* an atom not in the table, or a prefix on a non-metric unit */
  CS_UCUM_ERROR_INCOMMENSURABLE,   /* conversion between different dimensions */
  CS_UCUM_ERROR_NOT_CONVERTIBLE,   /* special units (Cel, [degF], [pH], B) inside a compound expression */
} CsUcumError;

/* Whether annotations ("{1.73_m2}", "{beats}") must match for values to convert. */
typedef enum
{
  CS_UCUM_ANNOTATIONS_IGNORE,  /* UCUM: an annotation means 1, "{beats}/min" is "/min" */
  CS_UCUM_ANNOTATIONS_MATCH,   /* the store: "mL/min/{1.73_m2}" (per body surface) is not "mL/min" */
} CsUcumAnnotations;

/* m g s rad K C cd, mol eq osm, then one per arbitrary unit */
#define CS_UCUM_N_DIMS         29
#define CS_UCUM_MAX_ANNOTATION 64

/* A parsed unit, to convert many values without parsing again. The fields
 * are private: read them through the functions below. */
typedef struct
{
  /*< private >*/
  double        mantissa;        /* to the base units: value × mantissa × 10^exp10 */
  int           exp10;
  gint32        dims[CS_UCUM_N_DIMS];
  gconstpointer special;         /* the special or logarithmic atom (Cel, [degF], [pH]) */
  double        special_prefix;
  guint         n_units;
  gboolean      special_plain;   /* the special atom stands alone, exponent 1 */
  gboolean      annotation_overflow;
  char          annotation[CS_UCUM_MAX_ANNOTATION]; /* "/{1.73_m2}": the annotations with their side */
} CsUcumUnit;

GQuark    cs_ucum_error_quark      (void);

/* TRUE when code is a valid UCUM expression of known atoms. The error names
 * the character position (1-based) of the problem. */
gboolean  cs_ucum_validate         (const char         *code,
                                    GError            **error);
/* Fast form for the validator: no GError, *reason gets a static sentence. */
gboolean  cs_ucum_is_valid         (const char         *code,
                                    gsize               len,
                                    const char        **reason);

/* value in `from` expressed in `to`, annotations ignored:
 * cs_ucum_convert (37, "Cel", "[degF]", &out, &error) gives 98.6;
 * (1, "mg/dL", "g/L") gives 0.01. */
gboolean  cs_ucum_convert          (double              value,
                                    const char         *from,
                                    const char         *to,
                                    double             *out,
                                    GError            **error);
/* TRUE when both codes are valid and of the same dimension ("mo" and "s"). */
gboolean  cs_ucum_commensurable    (const char         *a,
                                    const char         *b);

/* Parses code into out; FALSE (with the error of cs_ucum_validate) when it
 * is not a valid UCUM code. */
gboolean  cs_ucum_parse            (const char         *code,
                                    CsUcumUnit         *out,
                                    GError            **error);
/* TRUE when values in from convert to to: the same dimension, no
 * logarithmic unit or temperature inside a compound unit, a finite factor,
 * and with CS_UCUM_ANNOTATIONS_MATCH the same annotations on the same side.
 * Identical codes always "convert"; compare the strings first. */
gboolean  cs_ucum_unit_convertible (const CsUcumUnit   *from,
                                    const CsUcumUnit   *to,
                                    CsUcumAnnotations   annotations);
/* value in from expressed in to (cs_ucum_unit_convertible units), rounded
 * to 15 significant digits. */
double    cs_ucum_unit_convert     (double              value,
                                    const CsUcumUnit   *from,
                                    const CsUcumUnit   *to);

G_END_DECLS
