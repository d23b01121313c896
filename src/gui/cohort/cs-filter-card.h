/* cs-filter-card.h: the control of one variable in the filter sidebar
 *
 * A numeric or date variable gets its histogram (a CsMiniChart to brush)
 * and two bound entries, a categorical or boolean one a check box per value
 * with the cohort's and the table's count ("IIIA  (64 / 82)"); every
 * variable a "missing values" choice and a button that removes the card and
 * its clauses. The card talks only to the filter state: it edits the
 * variable's clauses and shows them back whenever the state changes.
 *
 * Accessible names: "Minimum of <key>", "Maximum of <key>", "Missing values
 * of <key>", "Remove control <key>", the check boxes by their values.
 *
 * Signals: "closed" after the remove button took the variable's clauses
 * out of the filter; the owner removes the card.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-bitset.h"
#include "cs-filter-state.h"
#include "cs-variable.h"

G_BEGIN_DECLS

#define CS_TYPE_FILTER_CARD (cs_filter_card_get_type ())
G_DECLARE_FINAL_TYPE (CsFilterCard, cs_filter_card, CS, FILTER_CARD, GtkWidget)

/* var belongs to the store and must outlive the card. */
GtkWidget  *cs_filter_card_new           (CsFilterState  *state,
                                          CsVariable     *var);
const char *cs_filter_card_get_key       (CsFilterCard   *self);
/* Counts the cohort (NULL: every patient) in the histogram or check boxes. */
void        cs_filter_card_set_selection (CsFilterCard   *self,
                                          const CsBitset *rows);

G_END_DECLS
