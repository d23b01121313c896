/* cs-ucum-display.h: UCUM codes as clinicians write them
 *
 * UCUM codes are made for machines: "[in_i]", "[lb_av]", "Cel", "mm3",
 * "10*9/L", "mL/min/{1.73_m2}". Labels, axes, legends and tooltips show
 * them as people write them ("in", "lb", "°C", "mm³", "10⁹/L",
 * "mL/min/1.73 m²"); the code itself stays in tooltips and every export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The unit for reading: "Cel" → "°C", "[in_i]" → "in", "[lb_av]" → "lb",
 * "mm3" → "mm³", "kg/m2" → "kg/m²", "um" → "µm", "ug/L" → "µg/L",
 * "[hnsf'U]" → "HU", "10*9/L" → "10⁹/L", "mm[Hg]" → "mmHg",
 * "mL/min/{1.73_m2}" → "mL/min/1.73 m²", "{beats}/min" → "beats/min";
 * alone, the times read as words ("a" → "years", "mo" → "months", "d" →
 * "days"). "" for no unit: NULL, "", "1" or an annotation alone
 * ("{score}"). A code it does not know is shown as it is. */
char     *cs_ucum_display       (const char *code);
/* "Label (unit)" with the unit for reading, the label alone when there is
 * no unit to show. */
char     *cs_ucum_label         (const char *label,
                                 const char *code);
/* The unit for reading with its code where they differ, for tooltips:
 * "°C (UCUM Cel)", "mg/dL"; "" for no unit. */
char     *cs_ucum_describe      (const char *code);

/* The time scale a user chooses for survival times and medians (the GUI's
 * "time-unit" setting, the CLI's --time-unit). */
typedef enum
{
  CS_TIME_SCALE_DAYS,
  CS_TIME_SCALE_MONTHS,
  CS_TIME_SCALE_YEARS,
} CsTimeScale;

/* "days", "months", "years" (also "d", "mo", "a"); FALSE otherwise. */
gboolean     cs_time_scale_from_string (const char  *text,
                                        CsTimeScale *scale);
/* "days", "months", "years" (the setting's and the option's values) */
const char  *cs_time_scale_to_string   (CsTimeScale  scale);
/* "d", "mo", "a": the UCUM code of the scale */
const char  *cs_time_scale_ucum        (CsTimeScale  scale);
/* The factor from a time in the UCUM unit from (NULL: days) to the scale,
 * as UCUM defines them (a month is a twelfth of a Julian year, 30.4375
 * days); NAN when from is not a unit of time. */
double       cs_time_scale_factor      (const char  *from,
                                        CsTimeScale  scale);

G_END_DECLS
