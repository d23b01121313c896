/* cs-explore-common.h: what the pages of the Explore view share
 *
 * How they name variables, the drop-downs over a list of variables (a
 * GtkStringList parallel to a GPtrArray of CsVariable*, NULL for "none"),
 * numbers in their texts, the arrays a chart model points into (kept alive
 * by an owner array handed to the CsChartWidget), the CSV fields of their
 * exports, and the toasts they report with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_EXPLORE_EXPLORATORY_NOTE _("Exploratory — not corrected for multiple testing")

/* "Label (key)", or the key when the label is the key */
char       *cs_explore_var_display   (const CsVariable *var);
/* The label, else the key */
const char *cs_explore_var_name      (const CsVariable *var);
/* "%.4g", "undefined" for NaN, "∞"/"−∞" */
char       *cs_explore_format_number (double            value);

/* Lists vars (display names; NULL items as none_label) in dropdown. */
void        cs_explore_fill_dropdown (GtkDropDown      *dropdown,
                                      GPtrArray        *vars,
                                      const char       *none_label);
/* The variable chosen in dropdown over vars, or NULL. */
CsVariable *cs_explore_dropdown_var  (GtkDropDown      *dropdown,
                                      GPtrArray        *vars);
/* Chooses the variable with key (NULL: the none item); FALSE when vars
 * has none. */
gboolean    cs_explore_select_var    (GtkDropDown      *dropdown,
                                      GPtrArray        *vars,
                                      const char       *key);

/* Adds data to owner (which frees it with g_free) and returns it. */
gpointer    cs_explore_keep          (GPtrArray        *owner,
                                      gpointer          data);

/* A number in shortest round-trip form; nothing for NaN. */
void        cs_explore_csv_number    (GString          *out,
                                      double            value);

G_END_DECLS
