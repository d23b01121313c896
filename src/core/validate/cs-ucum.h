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
 * Conversion works between commensurable units (same dimension), with the
 * offset of Cel and [degF] for plain temperatures. Arbitrary units ([IU],
 * [hnsf'U]…) convert only to themselves with another prefix or denominator.
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

GQuark    cs_ucum_error_quark     (void);

/* TRUE when code is a valid UCUM expression of known atoms. The error names
 * the character position (1-based) of the problem. */
gboolean  cs_ucum_validate        (const char  *code,
                                   GError     **error);
/* Fast form for the validator: no GError, *reason gets a static sentence. */
gboolean  cs_ucum_is_valid        (const char  *code,
                                   gsize        len,
                                   const char **reason);

/* value in `from` expressed in `to`: cs_ucum_convert (37, "Cel", "[degF]", &out)
 * gives 98.6; (1, "mg/dL", "g/L") gives 0.01. */
gboolean  cs_ucum_convert         (double       value,
                                   const char  *from,
                                   const char  *to,
                                   double      *out,
                                   GError     **error);
/* TRUE when both codes are valid and of the same dimension ("mo" and "s"). */
gboolean  cs_ucum_commensurable   (const char  *a,
                                   const char  *b);

G_END_DECLS
