/* cs-ucum.h: the part of UCUM that clinical values need, for conversions
 *
 * Parses UCUM unit codes ("mg/dL", "mmol/L", "mL/min/{1.73_m2}", "10*9/L",
 * "[lb_av]", "Cel") into a factor and a dimension, so that values in two
 * units of one dimension can be converted. What is understood is listed in
 * docs/VARIABLES.md ("Units"); anything else does not parse and is then
 * only equal to itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CS_UCUM_LENGTH,
  CS_UCUM_MASS,
  CS_UCUM_TIME,
  CS_UCUM_AMOUNT,       /* mol */
  CS_UCUM_TEMPERATURE,
  CS_UCUM_IU,           /* [IU]: arbitrary, comparable only with itself */
  CS_UCUM_EQUIVALENTS,  /* eq: not mol, whatever the valence */
  CS_UCUM_N_DIMS
} CsUcumDimension;

#define CS_UCUM_MAX_ANNOTATION 64

typedef struct
{
  double mantissa;     /* to the base units (m, g, s, mol, K): value × mantissa × 10^exp10 … */
  int    exp10;
  double offset;       /* … + offset (temperatures only: kelvin) */
  gint8  dim[CS_UCUM_N_DIMS];
  char   annotation[CS_UCUM_MAX_ANNOTATION]; /* "/{1.73_m2}": annotations count, with their side */
} CsUcumUnit;

/* FALSE when code is not a unit this parser understands. */
gboolean cs_ucum_parse         (const char       *code,
                                CsUcumUnit       *out);
/* Same dimension and the same annotations: values convert. */
gboolean cs_ucum_commensurable (const CsUcumUnit *a,
                                const CsUcumUnit *b);
/* value in from, expressed in to (commensurable units), rounded to 15
 * significant digits so that 0.95 g/L gives 95 mg/dL, not 94.99999999999999. */
double   cs_ucum_convert       (double            value,
                                const CsUcumUnit *from,
                                const CsUcumUnit *to);

G_END_DECLS
