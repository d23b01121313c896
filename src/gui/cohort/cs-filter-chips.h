/* cs-filter-chips.h: the clauses of the filter as removable chips
 *
 * One chip (a pill button with its clause's text and a ×) per clause of the
 * filter state, and one for a frozen cohort ("Members of “Name”") while
 * one is applied. Clicking a chip removes its clause, or emits
 * "members-removed" for the frozen cohort. Without any chip a hint says how
 * to start. While a drag changes one clause every frame, the chips change
 * their text in place instead of being rebuilt.
 *
 * Accessible names: the row "Active filters"; the chips "Remove filter
 * <key>", "Remove filter expression", "Remove filter members of <name>".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-filter-state.h"

G_BEGIN_DECLS

#define CS_TYPE_FILTER_CHIPS (cs_filter_chips_get_type ())
G_DECLARE_FINAL_TYPE (CsFilterChips, cs_filter_chips, CS, FILTER_CHIPS, GtkWidget)

GtkWidget *cs_filter_chips_new         (void);
/* The state whose clauses the chips show and remove (followed on "changed"). */
void       cs_filter_chips_set_state   (CsFilterChips *self,
                                        CsFilterState *state);
/* The name of the applied frozen cohort, NULL for none. */
void       cs_filter_chips_set_members (CsFilterChips *self,
                                        const char    *name);
/* The chips (GtkButton), in order; free the list with g_list_free(). */
GList     *cs_filter_chips_get_chips   (CsFilterChips *self);

G_END_DECLS
