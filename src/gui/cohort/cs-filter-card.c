/* cs-filter-card.c
 *
 * The template holds every control; a card shows the range part (histogram
 * and bounds) or the values part (check boxes) for its variable's type.
 * Edits go to the filter state, and the state's "changed" brings every
 * control back in line with the clauses (syncing guards against the
 * controls' own signals while that happens).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cs-filter-card.h"
#include "cs-gui-util.h"
#include "cs-mini-chart.h"
#include "cs-variable-counts.h"

/* The missing-values choice, in the order of the template's list */
enum
{
  MISSING_ANY,
  MISSING_PRESENT,
  MISSING_MISSING,
};

struct _CsFilterCard
{
  GtkWidget         parent_instance;

  /* Template */
  GtkLabel         *title_label;
  GtkButton        *remove_button;
  CsMiniChart      *chart;
  GtkWidget        *range_box;
  GtkEntry         *lo_entry;
  GtkEntry         *hi_entry;
  GtkLabel         *lo_strict_label;  /* ">" before the minimum when it is excluded */
  GtkLabel         *hi_strict_label;  /* "<" before the maximum when it is excluded */
  GtkWidget        *levels_scroller;
  GtkBox           *levels_box;
  GtkLabel         *more_label;
  GtkDropDown      *missing_dropdown;

  CsFilterState    *state;
  CsVariable       *var;          /* owned by the store */
  char             *key;
  CsVariableCounts *counts;       /* categorical, boolean: the check boxes' counts */
  GPtrArray        *checks;       /* GtkCheckButton per value of counts */
  gboolean          syncing;
};

G_DEFINE_FINAL_TYPE (CsFilterCard, cs_filter_card, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const CsFilterClause *
find_clause (CsFilterCard *self,
             CsClauseKind  kind)
{
  int index = cs_filter_state_find_variable_clause (self->state, self->var, kind);

  return index >= 0 ? cs_filter_state_get_clause (self->state, (guint) index) : NULL;
}

/* The key to edit a clause of kind under: the one it was written with
 * (a code, say), else the variable's */
static const char *
clause_key (CsFilterCard *self,
            CsClauseKind  kind)
{
  const CsFilterClause *clause = find_clause (self, kind);

  return clause != NULL ? clause->key : self->key;
}

static gboolean
is_date (CsFilterCard *self)
{
  return self->var->type == CS_VARIABLE_DATE;
}

/* "age = 60" on a numeric variable when there is no range: the card shows
 * it as 60 – 60, and a bound typed there takes its place. NULL otherwise. */
static const CsFilterClause *
number_equality (CsFilterCard *self)
{
  const CsFilterClause *levels;

  if (is_date (self) || find_clause (self, CS_CLAUSE_RANGE) != NULL)
    return NULL;
  levels = find_clause (self, CS_CLAUSE_LEVELS);
  return levels != NULL && cs_filter_clause_get_number_value (levels, NULL) ? levels : NULL;
}

/* ------------------------------------------------------------- the state */

static void
sync_bounds (CsFilterCard *self)
{
  const CsFilterClause *range = find_clause (self, CS_CLAUSE_RANGE);
  const CsFilterClause *equality = number_equality (self);
  GtkEntry *entries[2] = { self->lo_entry, self->hi_entry };
  GtkLabel *marks[2] = { self->lo_strict_label, self->hi_strict_label };
  double equal = NAN;

  if (equality != NULL)
    cs_filter_clause_get_number_value (equality, &equal);
  for (guint i = 0; i < 2; i++)
    {
      double value = range == NULL ? equal : i == 0 ? range->lo : range->hi;
      gboolean strict = range != NULL && !isnan (value) && (i == 0 ? range->lo_strict : range->hi_strict);
      g_autofree char *text = NULL;
      g_autofree char *tip = NULL;

      if (isnan (value))
        text = g_strdup ("");
      else if (is_date (self))
        text = cs_filter_format_date (value);
      else
        text = cs_format_double (value);
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entries[i])), text) != 0)
        gtk_editable_set_text (GTK_EDITABLE (entries[i]), text);
      gtk_widget_remove_css_class (GTK_WIDGET (entries[i]), "error");

      /* "> 50" is not "≥ 50": an excluded bound says so beside its value */
      gtk_widget_set_visible (GTK_WIDGET (marks[i]), strict);
      if (strict)
        /* Translators: beside a bound of a range filter, e.g. "More than 50, not 50 itself" */
        tip = g_strdup_printf (i == 0 ? _("More than %s, not %s itself") : _("Less than %s, not %s itself"),
                               text, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (marks[i]), tip);
      gtk_widget_set_tooltip_text (GTK_WIDGET (entries[i]), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entries[i]), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      tip != NULL ? tip : "", -1);
    }
}

static void
on_state_changed (CsFilterCard  *self,
                  CsFilterState *state)
{
  const CsFilterClause *levels = find_clause (self, CS_CLAUSE_LEVELS);
  const CsFilterClause *missing = find_clause (self, CS_CLAUSE_MISSING);

  self->syncing = TRUE;
  if (gtk_widget_get_visible (self->range_box))
    sync_bounds (self);
  /* As the evaluator reads the values: "I" ticks the level coded "1" */
  for (guint i = 0; self->checks != NULL && i < self->checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (self->checks, i),
                                 cs_filter_clause_selects_level (levels, self->var, i));
  gtk_drop_down_set_selected (self->missing_dropdown,
                              missing == NULL ? MISSING_ANY : missing->missing ? MISSING_MISSING : MISSING_PRESENT);
  self->syncing = FALSE;
}

/* -------------------------------------------------------------- controls */

/* The bound typed in entry (NAN when empty); FALSE when it does not parse */
static gboolean
parse_bound (CsFilterCard *self,
             GtkEntry     *entry,
             double       *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end = NULL;

  *value = NAN;
  if (text[0] == '\0')
    return TRUE;
  if (is_date (self))
    return cs_filter_parse_date (text, value);

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static gboolean
check_bound (CsFilterCard *self,
             GtkEntry     *entry,
             double       *value)
{
  gboolean ok = parse_bound (self, entry, value);

  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return ok;
}

static void
on_bound_activate (CsFilterCard *self,
                   GtkEntry     *entry)
{
  double lo, hi;
  gboolean lo_ok = check_bound (self, self->lo_entry, &lo);
  gboolean hi_ok = check_bound (self, self->hi_entry, &hi);

  if (!lo_ok || !hi_ok)
    {
      cs_gui_toast (GTK_WIDGET (self), is_date (self)
                    ? _("Type dates as YYYY-MM-DD, e.g. 2019-03-14")
                    : _("Type bounds as numbers, e.g. 60 or 2.5"));
      return;
    }
  /* over "age = 60" the range takes its place, under its key */
  cs_filter_state_set_range (self->state, clause_key (self, number_equality (self) != NULL ? CS_CLAUSE_LEVELS
                                                                                          : CS_CLAUSE_RANGE),
                             lo, hi, is_date (self));
}

static void
on_level_toggled (CsFilterCard   *self,
                  GtkCheckButton *check)
{
  guint index;

  if (self->syncing || !g_ptr_array_find (self->checks, check, &index))
    return;
  cs_filter_state_toggle_variable_level (self->state, self->var, index);
}

static void
on_missing_selected (CsFilterCard *self,
                     GParamSpec   *pspec,
                     GtkDropDown  *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  int index;

  if (self->syncing || self->state == NULL)   /* the template setting its model */
    return;
  if (selected == MISSING_PRESENT || selected == MISSING_MISSING)
    cs_filter_state_set_missing (self->state, clause_key (self, CS_CLAUSE_MISSING), selected == MISSING_MISSING);
  else if ((index = cs_filter_state_find_variable_clause (self->state, self->var, CS_CLAUSE_MISSING)) >= 0)
    cs_filter_state_remove_clause (self->state, (guint) index);
}

static void
on_remove_clicked (CsFilterCard *self,
                   GtkButton    *button)
{
  cs_filter_state_remove_variable (self->state, self->var);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
update_level_labels (CsFilterCard *self)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      g_autofree char *label = g_strdup_printf ("%s  (%.0f / %.0f)", self->counts->labels[i],
                                                self->counts->selected[i], self->counts->all[i]);

      gtk_check_button_set_label (g_ptr_array_index (self->checks, i), label);
    }
}

/* ---------------------------------------------------------------- set-up */

/* Names widget after the card's variable; takes name */
static void
set_accessible_label (gpointer  widget,
                      char     *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_free (name);
}

static void
setup_range (CsFilterCard *self)
{
  gtk_widget_set_visible (self->range_box, TRUE);
  /* No value to draw (a time-to-event variable): the bounds alone */
  gtk_widget_set_visible (GTK_WIDGET (self->chart),
                          cs_mini_chart_set_variable (self->chart, self->state, self->var, FALSE));
  gtk_entry_set_placeholder_text (self->lo_entry, is_date (self) ? _("From YYYY-MM-DD") : _("Minimum"));
  gtk_entry_set_placeholder_text (self->hi_entry, is_date (self) ? _("To YYYY-MM-DD") : _("Maximum"));
  set_accessible_label (self->lo_entry, g_strdup_printf (_("Minimum of %s"), self->key));
  set_accessible_label (self->hi_entry, g_strdup_printf (_("Maximum of %s"), self->key));
}

static void
setup_levels (CsFilterCard *self)
{
  self->counts = cs_variable_counts_new (self->var);
  self->checks = g_ptr_array_new ();
  gtk_widget_set_visible (self->levels_scroller, TRUE);
  for (guint i = 0; self->counts != NULL && i < self->counts->n; i++)
    {
      GtkWidget *check = gtk_check_button_new ();

      g_signal_connect_object (check, "toggled", G_CALLBACK (on_level_toggled), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->checks, check);
      gtk_box_append (self->levels_box, check);
    }
  if (self->counts != NULL && self->counts->n_more > 0)
    {
      g_autofree char *more = g_strdup_printf (_("%u more values: use the expression field"), self->counts->n_more);

      gtk_label_set_text (self->more_label, more);
      gtk_widget_set_visible (GTK_WIDGET (self->more_label), TRUE);
    }
  if (self->counts != NULL)
    update_level_labels (self);
}

/* ---------------------------------------------------------------- object */

static gboolean
cs_filter_card_grab_focus (GtkWidget *widget)
{
  /* The one control every card has */
  return gtk_widget_grab_focus (GTK_WIDGET (CS_FILTER_CARD (widget)->missing_dropdown));
}

static void
cs_filter_card_dispose (GObject *object)
{
  CsFilterCard *self = CS_FILTER_CARD (object);
  GtkWidget *child;

  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_FILTER_CARD);
  /* The template's unnamed children (the header) */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->state);
  g_clear_pointer (&self->counts, cs_variable_counts_free);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->key, g_free);

  G_OBJECT_CLASS (cs_filter_card_parent_class)->dispose (object);
}

static void
cs_filter_card_class_init (CsFilterCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_filter_card_dispose;
  widget_class->grab_focus = cs_filter_card_grab_focus;

  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CS_TYPE_MINI_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-filter-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, remove_button);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, chart);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, range_box);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, lo_entry);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, lo_strict_label);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, hi_strict_label);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, hi_entry);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, levels_scroller);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, levels_box);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, more_label);
  gtk_widget_class_bind_template_child (widget_class, CsFilterCard, missing_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_bound_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_missing_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);

  gtk_widget_class_set_css_name (widget_class, "cs-filter-card");
}

static void
cs_filter_card_init (CsFilterCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cs_filter_card_new (CsFilterState *state,
                    CsVariable    *var)
{
  CsFilterCard *self;

  g_return_val_if_fail (CS_IS_FILTER_STATE (state), NULL);
  g_return_val_if_fail (var != NULL, NULL);

  self = g_object_new (CS_TYPE_FILTER_CARD, NULL);
  self->state = g_object_ref (state);
  self->var = var;
  self->key = g_strdup (var->key);

  gtk_label_set_text (self->title_label, var->label != NULL ? var->label : var->key);
  {
    g_autofree char *tooltip = cs_variable_describe (var);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), tooltip);
  }
  set_accessible_label (self->remove_button, g_strdup_printf (_("Remove control %s"), self->key));
  set_accessible_label (self->missing_dropdown, g_strdup_printf (_("Missing values of %s"), self->key));
  switch (var->type)
    {
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
      setup_range (self);
      break;
    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_BOOLEAN:
      setup_levels (self);
      break;
    default:
      break;
    }

  g_signal_connect_object (state, "changed", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  on_state_changed (self, state);

  return GTK_WIDGET (self);
}

const char *
cs_filter_card_get_key (CsFilterCard *self)
{
  g_return_val_if_fail (CS_IS_FILTER_CARD (self), NULL);

  return self->key;
}

void
cs_filter_card_set_selection (CsFilterCard   *self,
                              const CsBitset *rows)
{
  g_return_if_fail (CS_IS_FILTER_CARD (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->chart)))
    cs_mini_chart_set_selection (self->chart, rows);
  if (self->counts != NULL)
    {
      cs_variable_counts_update (self->counts, rows);
      update_level_labels (self);
    }
}
