/* cs-cohort-builder.c: filter sidebar, chips, advanced expression and
 * crossfilter dashboard around the Cohort view's table
 *
 * The layout is ui/cs-cohort-builder.ui. The parts are widgets of their own:
 * the filter cards (CsFilterCard), the dashboard charts (CsMiniChart), the
 * chips (CsFilterChips) and the variable picker (CsVariablePicker); they
 * edit the filter state and follow it by themselves. This file evaluates
 * the filter (at most once a frame), hands the cohort's rows to the charts,
 * the cards and the table, and keeps the saved cohorts. The actions and the
 * dialogs they open are in cs-cohort-builder-actions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-cohort-builder-private.h"
#include "cs-filter-card.h"
#include "cs-filter.h"
#include "cs-gui-util.h"
#include "cs-mini-chart.h"

#define CHART_WIDTH  230
#define CHART_HEIGHT 140
/* Evaluations closer than this are a drag: the table (which re-lays out
 * every row) follows at most every TABLE_DELAY ms while the charts and
 * the count follow every frame. */
#define RAPID_MS     120
#define TABLE_DELAY  150

static void cs_cohort_builder_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsCohortBuilder, cs_cohort_builder, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, cs_cohort_builder_buildable_init))

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static GtkBuildableIface *parent_buildable_iface;

/* ------------------------------------------------------------ evaluation */

static void
update_count_label (CsCohortBuilder *self)
{
  guint n_total = self->store != NULL ? cs_store_get_n_patients (self->store) : 0;
  guint n = self->selection != NULL ? cs_bitset_count (self->selection) : n_total;
  g_autofree char *text = NULL;

  /* Translators: "148 of 400 patients" in the filter bar */
  text = g_strdup_printf (ngettext ("%u of %u patient", "%u of %u patients", n_total), n, n_total);
  gtk_label_set_text (self->count_label, self->store != NULL ? text : "");
}

/* The charts and the cards count the new cohort */
static void
update_counts (CsCohortBuilder *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->dashboard_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cs_mini_chart_set_selection (CS_MINI_CHART (child), self->selection);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cs_filter_card_set_selection (CS_FILTER_CARD (child), self->selection);
}

static void
set_expression_error (CsCohortBuilder *self,
                      const char      *message)
{
  gtk_label_set_text (self->expression_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->expression_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->expression_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->expression_entry), "error");
}

static gboolean
push_table_timeout (gpointer user_data)
{
  CsCohortBuilder *self = user_data;

  self->push_id = 0;
  cs_cohort_view_set_selection (self->cohort_view, self->selection);

  return G_SOURCE_REMOVE;
}

static void
cancel_evaluation (CsCohortBuilder *self)
{
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static void
evaluate (CsCohortBuilder *self)
{
  const char *text = cs_filter_state_get_text (self->state);
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now;
  gboolean rapid;

  cancel_evaluation (self);
  if (self->store == NULL)
    return;

  if (text[0] != '\0')
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, &error);

      if (filter != NULL)
        rows = cs_filter_evaluate (filter, self->store, &error);
      if (rows == NULL)
        {
          set_expression_error (self, error->message);
          return;
        }
    }
  if (self->members != NULL)
    {
      if (rows == NULL)
        rows = cs_bitset_copy (self->members);
      else
        cs_bitset_and (rows, self->members);
    }

  g_clear_pointer (&self->selection, cs_bitset_free);
  self->selection = g_steal_pointer (&rows);
  update_count_label (self);
  update_counts (self);

  g_signal_emit (self, signals[SELECTION_CHANGED], 0);

  now = g_get_monotonic_time ();
  rapid = self->last_evaluation != 0 && now - self->last_evaluation < RAPID_MS * 1000;
  self->last_evaluation = now;
  if (!rapid && self->push_id == 0)
    cs_cohort_view_set_selection (self->cohort_view, self->selection);
  else if (self->push_id == 0)
    self->push_id = g_timeout_add (TABLE_DELAY, push_table_timeout, self);
}

static gboolean
evaluate_tick (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  self->tick_id = 0;
  evaluate (self);

  return G_SOURCE_REMOVE;
}

static gboolean
evaluate_idle (gpointer user_data)
{
  CsCohortBuilder *self = user_data;

  self->idle_id = 0;
  evaluate (self);

  return G_SOURCE_REMOVE;
}

/* On the next frame (or in an idle while the builder is not shown) */
static void
schedule_evaluation (CsCohortBuilder *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), evaluate_tick, NULL, NULL);
    }
  else if (self->idle_id == 0)
    self->idle_id = g_idle_add (evaluate_idle, self);
}

void
cs_cohort_builder_flush (CsCohortBuilder *self)
{
  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (self->tick_id != 0 || self->idle_id != 0)
    evaluate (self);
  if (self->push_id != 0)
    {
      g_clear_handle_id (&self->push_id, g_source_remove);
      cs_cohort_view_set_selection (self->cohort_view, self->selection);
    }
}

/* ------------------------------------------------- filter state, members */

/* The advanced text is the canonical form of the filter */
static void
update_expression (CsCohortBuilder *self)
{
  const char *text = cs_filter_state_get_text (self->state);
  g_autofree char *canonical = NULL;

  if (text[0] != '\0')
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, NULL);

      if (filter != NULL)
        canonical = cs_filter_to_string (filter);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->expression_entry), canonical != NULL ? canonical : text);
  set_expression_error (self, NULL);
}

static void
on_expression_activate (CsCohortBuilder *self,
                        GtkEntry        *entry)
{
  g_autoptr(GError) error = NULL;
  guint column = 0;

  if (!cs_filter_state_set_text (self->state, gtk_editable_get_text (GTK_EDITABLE (entry)), &column, &error))
    {
      set_expression_error (self, error->message);
      if (column > 0)
        gtk_editable_set_position (GTK_EDITABLE (entry), (int) column - 1);
    }
}

static void
on_state_changed (CsCohortBuilder *self,
                  CsFilterState   *state)
{
  update_expression (self);
  schedule_evaluation (self);
}

static void
on_undo_changed (CsCohortBuilder *self,
                 GParamSpec      *pspec,
                 CsFilterState   *state)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.undo", cs_filter_state_can_undo (state));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.redo", cs_filter_state_can_redo (state));
}

static void
set_state (CsCohortBuilder *self,
           CsFilterState   *state)
{
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_set_object (&self->state, state);
  g_signal_connect_swapped (state, "changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect_swapped (state, "notify::can-undo", G_CALLBACK (on_undo_changed), self);
  g_signal_connect_swapped (state, "notify::can-redo", G_CALLBACK (on_undo_changed), self);
  cs_filter_chips_set_state (self->chips, state);
  on_undo_changed (self, NULL, state);
}

void
_cs_cohort_builder_set_members (CsCohortBuilder *self,
                                CsBitset        *members,
                                const char      *name)
{
  g_clear_pointer (&self->members, cs_bitset_free);
  self->members = members;
  g_free (self->members_name);
  self->members_name = members != NULL ? g_strdup (name) : NULL;
  cs_filter_chips_set_members (self->chips, self->members_name);
  schedule_evaluation (self);
}

static void
on_members_removed (CsCohortBuilder *self,
                    CsFilterChips   *chips)
{
  _cs_cohort_builder_set_members (self, NULL, NULL);
}

/* -------------------------------------------------------- saved cohorts */

void
_cs_cohort_builder_apply_saved (CsCohortBuilder     *self,
                                const CsSavedCohort *cohort)
{
  g_autoptr(GError) error = NULL;

  if (cohort->patient_ids != NULL)
    {
      CsBitset *rows = cs_saved_cohort_select (cohort, self->store, NULL, &error);

      if (rows == NULL)
        {
          cs_gui_toast (GTK_WIDGET (self), error->message);
          return;
        }
      cs_filter_state_clear (self->state);
      _cs_cohort_builder_set_members (self, rows, cohort->name);
      _cs_cohort_builder_offer_models (self, cohort);
      return;
    }

  _cs_cohort_builder_set_members (self, NULL, NULL);
  if (!cs_filter_state_set_text (self->state, cohort->filter, NULL, &error))
    cs_gui_toast (GTK_WIDGET (self), error->message);
  else
    _cs_cohort_builder_offer_models (self, cohort);
}

static void
on_saved_activated (CsCohortBuilder *self,
                    GtkListBoxRow   *row,
                    GtkListBox      *list)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->saved->len)
    _cs_cohort_builder_apply_saved (self, g_ptr_array_index (self->saved, index));
}

void
_cs_cohort_builder_add_saved (CsCohortBuilder *self,
                              CsSavedCohort   *cohort)
{
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *name = g_markup_escape_text (cohort->name, -1);
  g_autofree char *detail = NULL;
  g_autofree char *markup = NULL;

  if (cohort->filter != NULL)
    detail = g_markup_escape_text (cohort->filter, -1);
  else
    detail = g_strdup_printf (ngettext ("%u patient", "%u patients", cohort->patient_ids->len),
                              cohort->patient_ids->len);
  markup = g_strdup_printf ("%s\n<small>%s</small>", name, detail);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, _("Activate to apply this cohort"));
  g_ptr_array_add (self->saved, cohort);
  gtk_list_box_append (self->saved_list, label);
}

CsSavedCohort *
_cs_cohort_builder_current_cohort (CsCohortBuilder *self,
                                   const char      *name,
                                   const char      *description)
{
  const char *text;
  CsSavedCohort *cohort;

  cs_cohort_builder_flush (self);
  text = cs_filter_state_get_text (self->state);
  cohort = cs_saved_cohort_new (name, text[0] != '\0' && self->members == NULL ? text : NULL);
  cohort->description = description != NULL && description[0] != '\0' ? g_strdup (description) : NULL;
  if (cohort->filter == NULL)
    {
      g_autoptr(CsBitset) rows = cs_cohort_builder_dup_rows (self);

      cohort->patient_ids = g_ptr_array_new_full (cs_bitset_count (rows), g_free);
      CS_BITSET_FOREACH (rows, row)
        g_ptr_array_add (cohort->patient_ids, g_strdup (cs_store_get_patient_id (self->store, row)));
    }
  /* saved again under its name, a cohort keeps the models fitted on it */
  for (guint i = self->saved->len; i-- > 0;)
    {
      const CsSavedCohort *old = g_ptr_array_index (self->saved, i);

      if (g_strcmp0 (old->name, name) == 0 && old->models != NULL)
        {
          for (guint m = 0; m < old->models->len; m++)
            cs_saved_cohort_set_model (cohort, g_ptr_array_index (old->models, m));
          break;
        }
    }

  return cohort;
}

const CsSavedCohort *
cs_cohort_builder_save_current (CsCohortBuilder *self,
                                const char      *name,
                                const char      *description)
{
  CsSavedCohort *cohort;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  cohort = _cs_cohort_builder_current_cohort (self, name, description);
  _cs_cohort_builder_add_saved (self, cohort);

  return cohort;
}

CsSavedCohort *
cs_cohort_builder_dup_current (CsCohortBuilder *self,
                               const char      *name)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  return _cs_cohort_builder_current_cohort (self, name, NULL);
}

/* ---------------------------------------------------- dashboard, cards */

GtkWidget *
_cs_cohort_builder_get_chart (CsCohortBuilder *self,
                              const char      *key)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->dashboard_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (cs_mini_chart_get_key (CS_MINI_CHART (child)), key) == 0)
      return child;

  return NULL;
}

GtkWidget *
_cs_cohort_builder_get_card (CsCohortBuilder *self,
                             const char      *key)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (cs_filter_card_get_key (CS_FILTER_CARD (child)), key) == 0)
      return child;

  return NULL;
}

/* A dashboard chart that takes the focus scrolls into view (GTK 4.8's
 * viewport scrolls to its child, the whole box, not to the chart) */
static void
on_dashboard_chart_focus (GtkEventControllerFocus *controller,
                          CsCohortBuilder         *self)
{
  GtkWidget *chart = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *scroller = gtk_widget_get_ancestor (chart, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (scroller != NULL && gtk_widget_compute_bounds (chart, GTK_WIDGET (self->dashboard_box), &bounds))
    gtk_adjustment_clamp_page (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller)),
                               bounds.origin.x - 12, bounds.origin.x + bounds.size.width + 12);
}

void
cs_cohort_builder_pin (CsCohortBuilder *self,
                       const char      *key)
{
  CsVariable *var;
  GtkWidget *chart;

  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (self->store == NULL || _cs_cohort_builder_get_chart (self, key) != NULL
      || (var = cs_store_lookup_variable (self->store, key)) == NULL)
    return;
  chart = g_object_ref_sink (cs_mini_chart_new ());
  if (cs_mini_chart_set_variable (CS_MINI_CHART (chart), self->state, var, TRUE))
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      gtk_widget_set_size_request (chart, CHART_WIDTH, CHART_HEIGHT);
      g_signal_connect (focus, "enter", G_CALLBACK (on_dashboard_chart_focus), self);
      gtk_widget_add_controller (chart, focus);
      gtk_box_append (self->dashboard_box, chart);
      cs_mini_chart_set_selection (CS_MINI_CHART (chart), self->selection);
    }
  g_object_unref (chart);
}

static void
on_card_closed (CsCohortBuilder *self,
                CsFilterCard    *card)
{
  gtk_box_remove (self->cards_box, GTK_WIDGET (card));
}

gboolean
cs_cohort_builder_add_control (CsCohortBuilder *self,
                               const char      *key)
{
  CsVariable *var;
  GtkWidget *card;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), FALSE);

  if (self->store == NULL || (var = cs_store_lookup_variable (self->store, key)) == NULL)
    return FALSE;
  if ((card = _cs_cohort_builder_get_card (self, key)) != NULL)
    {
      gtk_widget_grab_focus (card);
      return TRUE;
    }

  card = cs_filter_card_new (self->state, var);
  g_signal_connect_object (card, "closed", G_CALLBACK (on_card_closed), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->cards_box, card);
  cs_filter_card_set_selection (CS_FILTER_CARD (card), self->selection);

  return TRUE;
}

static void
on_variable_activated (CsCohortBuilder  *self,
                       const char       *key,
                       CsVariablePicker *picker)
{
  cs_cohort_builder_add_control (self, key);
}

static void
remove_children (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* A derived variable (a signature score) joined the store: the picker
 * lists it */
static void
on_variable_added (CsCohortBuilder *self)
{
  cs_variable_picker_set_store (self->variable_picker, self->store);
}

void
cs_cohort_builder_set_store (CsCohortBuilder *self,
                             CsStore         *store)
{
  static const char *const default_pins[] = {
    "stage_group", "histology", "smoking_status", "gender", "age_at_diagnosis",
  };
  g_autoptr(CsFilterState) state = NULL;

  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (store == self->store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_variable_added, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "variable-added", G_CALLBACK (on_variable_added), self, G_CONNECT_SWAPPED);
  g_clear_handle_id (&self->push_id, g_source_remove);
  self->last_evaluation = 0;
  g_clear_pointer (&self->selection, cs_bitset_free);
  remove_children (self->dashboard_box);
  remove_children (self->cards_box);

  state = cs_filter_state_new ();
  cs_filter_chips_set_store (self->chips, store);
  set_state (self, state);
  _cs_cohort_builder_set_members (self, NULL, NULL);
  update_expression (self);
  update_count_label (self);
  cs_variable_picker_set_store (self->variable_picker, store);

  for (guint i = 0; store != NULL && i < G_N_ELEMENTS (default_pins); i++)
    cs_cohort_builder_pin (self, default_pins[i]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.upload-group", store != NULL);
}

/* --------------------------------------------------------------- object */

static void
cs_cohort_builder_add_child (GtkBuildable *buildable,
                             GtkBuilder   *builder,
                             GObject      *child,
                             const char   *type)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (buildable);

  if (CS_IS_COHORT_VIEW (child))
    {
      g_return_if_fail (self->cohort_view == NULL);
      self->cohort_view = CS_COHORT_VIEW (child);
      gtk_widget_set_vexpand (GTK_WIDGET (child), TRUE);
      gtk_box_append (self->content_box, GTK_WIDGET (child));
      return;
    }

  parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
cs_cohort_builder_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = cs_cohort_builder_add_child;
}

static void
cs_cohort_builder_dispose (GObject *object)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (object);

  cancel_evaluation (self);
  g_clear_handle_id (&self->push_id, g_source_remove);
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_COHORT_BUILDER);
  self->cohort_view = NULL;
  g_clear_object (&self->state);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->members, cs_bitset_free);
  g_clear_pointer (&self->members_name, g_free);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  g_clear_pointer (&self->offered_models, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_cohort_builder_parent_class)->dispose (object);
}

static void
cs_cohort_builder_class_init (CsCohortBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_cohort_builder_dispose;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CS_TYPE_FILTER_CHIPS);
  g_type_ensure (CS_TYPE_VARIABLE_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-cohort-builder.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, flap);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, variable_picker);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, cards_box);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, saved_list);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, content_box);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, chips);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, expression_entry);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, expression_error);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, count_label);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, dashboard_box);
  gtk_widget_class_bind_template_child (widget_class, CsCohortBuilder, saved_actions);
  gtk_widget_class_bind_template_callback (widget_class, on_expression_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_saved_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_members_removed);
  gtk_widget_class_bind_template_callback (widget_class, on_variable_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cs-cohort-builder");

  _cs_cohort_builder_class_actions_init (widget_class);
}

static void
cs_cohort_builder_init (CsCohortBuilder *self)
{
  g_autoptr(CsFilterState) state = cs_filter_state_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* one Tab stop per button: the flow box's own children take none */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->saved_actions)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_saved_cohort_free);
  set_state (self, state);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.upload-group", FALSE);
}

GtkWidget *
cs_cohort_builder_new (void)
{
  return g_object_new (CS_TYPE_COHORT_BUILDER, NULL);
}

CsStore *
cs_cohort_builder_get_store (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->store;
}

CsCohortView *
cs_cohort_builder_get_cohort_view (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->cohort_view;
}

CsFilterState *
cs_cohort_builder_get_filter_state (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->state;
}

const CsBitset *
cs_cohort_builder_get_selection (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->selection;
}

CsBitset *
cs_cohort_builder_dup_rows (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  if (self->store == NULL)
    return NULL;
  return self->selection != NULL ? cs_bitset_copy (self->selection)
                                 : cs_bitset_new_full (cs_store_get_n_patients (self->store));
}

GPtrArray *
cs_cohort_builder_get_saved (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->saved;
}

const char *
cs_cohort_builder_get_members_name (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->members != NULL ? self->members_name : NULL;
}

const char *
cs_cohort_builder_get_count_text (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return gtk_label_get_text (self->count_label);
}

GList *
_cs_cohort_builder_get_chips (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return cs_filter_chips_get_chips (self->chips);
}

GtkWidget *
_cs_cohort_builder_get_dashboard (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return GTK_WIDGET (self->dashboard_box);
}

GtkEditable *
_cs_cohort_builder_get_expression_entry (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return GTK_EDITABLE (self->expression_entry);
}

const char *
_cs_cohort_builder_get_expression_error (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return gtk_label_get_text (self->expression_error);
}

AdwFlap *
_cs_cohort_builder_get_flap (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->flap;
}
