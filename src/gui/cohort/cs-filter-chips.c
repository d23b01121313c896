/* cs-filter-chips.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-filter-chips.h"
#include "cs-filter.h"

typedef struct
{
  GtkWidget *button;
  GtkLabel  *label;
  guint      clause;      /* index in the state; G_MAXUINT: the frozen cohort */
} Chip;

struct _CsFilterChips
{
  GtkWidget      parent_instance;

  /* Template */
  GtkWidget     *empty_label;

  CsFilterState *state;
  CsStore       *store;   /* for labels and level displays; may be NULL */
  char          *members;
  GArray        *chips;   /* Chip, in order */
};

G_DEFINE_FINAL_TYPE (CsFilterChips, cs_filter_chips, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_MEMBERS_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_chip_clicked (CsFilterChips *self,
                 GtkButton     *button)
{
  for (guint i = 0; i < self->chips->len; i++)
    {
      const Chip *chip = &g_array_index (self->chips, Chip, i);

      if (chip->button != GTK_WIDGET (button))
        continue;
      if (chip->clause == G_MAXUINT)
        g_signal_emit (self, signals[SIGNAL_MEMBERS_REMOVED], 0);
      else if (self->state != NULL && chip->clause < cs_filter_state_get_n_clauses (self->state))
        cs_filter_state_remove_clause (self->state, chip->clause);
      return;
    }
}

/* What a chip reads: a level clause with the variable's label and the
 * levels' displays, as the bars show them ("Clinical stage group: IIIA,
 * IIIB", not stage_group in ("3A", "3B")); other conditions in words. */
static char *
chip_label (CsFilterChips        *self,
            const CsFilterClause *clause,
            const char           *expression)
{
  CsVariable *var;
  GString *out;

  if (self->store != NULL && (clause->kind != CS_CLAUSE_LEVELS || clause->key == NULL))
    {
      /* a range or another condition in words, as captions say it
       * ("Age at diagnosis ≥ 50 years"); the expression in its tooltip */
      CsFilter *filter = cs_filter_parse (expression, NULL, NULL);
      char *words = filter != NULL ? cs_filter_describe (filter, self->store) : NULL;

      g_clear_pointer (&filter, cs_filter_free);
      return words != NULL ? words : g_strdup (expression);
    }
  if (self->store == NULL || clause->kind != CS_CLAUSE_LEVELS || clause->key == NULL ||
      (var = cs_store_find_variable (self->store, clause->key)) == NULL || clause->values->len == 0)
    return g_strdup (expression);

  out = g_string_new (NULL);
  /* Translators: a filter chip, "Clinical stage group: IIIA, IIIB" */
  g_string_append_printf (out, _("%s: "), var->label != NULL ? var->label : var->key);
  for (guint i = 0; i < clause->values->len; i++)
    {
      const char *value = g_ptr_array_index (clause->values, i);
      int level = var->type == CS_VARIABLE_CATEGORICAL ? cs_variable_find_level (var, value) : -1;
      const CsLevel *l = level >= 0 ? g_ptr_array_index (var->levels, level) : NULL;

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, l != NULL && l->display != NULL ? l->display : value);
    }
  return g_string_free (out, FALSE);
}

static void
chip_set (Chip       *chip,
          const char *label,
          const char *text,
          const char *accessible_name,
          guint       clause)
{
  gtk_label_set_text (chip->label, label);
  gtk_widget_set_tooltip_text (chip->button, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chip->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  chip->clause = clause;
}

static void
add_chip (CsFilterChips *self,
          const char    *label,
          const char    *text,
          const char    *accessible_name,
          guint          clause)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  Chip chip = { gtk_button_new (), GTK_LABEL (gtk_label_new (NULL)), clause };

  /* a long chip wraps (never shortened): what it filters is all there */
  gtk_label_set_wrap (chip.label, TRUE);
  gtk_label_set_wrap_mode (chip.label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (chip.label, 40);
  gtk_label_set_xalign (chip.label, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (chip.label));
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  gtk_button_set_child (GTK_BUTTON (chip.button), box);
  gtk_widget_add_css_class (chip.button, "pill");
  gtk_widget_add_css_class (chip.button, "small");
  gtk_widget_add_css_class (chip.button, "cs-filter-chip");
  g_signal_connect_object (chip.button, "clicked", G_CALLBACK (on_chip_clicked), self, G_CONNECT_SWAPPED);
  chip_set (&chip, label, text, accessible_name, clause);
  gtk_widget_insert_before (chip.button, GTK_WIDGET (self), self->empty_label);
  g_array_append_val (self->chips, chip);
}

static void
remove_chips (CsFilterChips *self)
{
  for (guint i = 0; i < self->chips->len; i++)
    gtk_widget_unparent (g_array_index (self->chips, Chip, i).button);
  g_array_set_size (self->chips, 0);
}

static char *
clause_name (const CsFilterClause *clause)
{
  return clause->key != NULL ? g_strdup_printf (_("Remove filter %s"), clause->key)
                             : g_strdup (_("Remove filter expression"));
}

/* The chips of the clauses again, in place when their number is the same
 * (a drag changes one clause's text every frame); FALSE when they must be
 * rebuilt. */
static gboolean
update_in_place (CsFilterChips *self)
{
  guint n = self->state != NULL ? cs_filter_state_get_n_clauses (self->state) : 0;
  guint n_shown = 0, next = 0;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      char *text = cs_filter_clause_to_text (cs_filter_state_get_clause (self->state, i));

      n_shown += text[0] != '\0';
      g_ptr_array_add (texts, text);
    }
  if (self->members != NULL || n_shown == 0 || n_shown != self->chips->len)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;

      if (text[0] == '\0')
        continue;
      name = clause_name (cs_filter_state_get_clause (self->state, i));
      label = chip_label (self, cs_filter_state_get_clause (self->state, i), text);
      chip_set (&g_array_index (self->chips, Chip, next++), label, text, name, i);
    }
  return TRUE;
}

static void
update (CsFilterChips *self)
{
  guint n = self->state != NULL ? cs_filter_state_get_n_clauses (self->state) : 0;

  if (!update_in_place (self))
    {
      remove_chips (self);
      for (guint i = 0; i < n; i++)
        {
          const CsFilterClause *clause = cs_filter_state_get_clause (self->state, i);
          g_autofree char *text = cs_filter_clause_to_text (clause);
          g_autofree char *name = NULL;
          g_autofree char *label = NULL;

          if (text[0] == '\0')
            continue;
          name = clause_name (clause);
          label = chip_label (self, clause, text);
          add_chip (self, label, text, name, i);
        }
      if (self->members != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Members of “%s”"), self->members);
          g_autofree char *name = g_strdup_printf (_("Remove filter members of %s"), self->members);

          add_chip (self, text, text, name, G_MAXUINT);
        }
    }
  gtk_widget_set_visible (self->empty_label, self->chips->len == 0);
}

static void
on_state_changed (CsFilterChips *self,
                  CsFilterState *state)
{
  update (self);
}

static void
cs_filter_chips_dispose (GObject *object)
{
  CsFilterChips *self = CS_FILTER_CHIPS (object);

  if (self->chips != NULL)
    remove_chips (self);
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_FILTER_CHIPS);
  g_clear_object (&self->state);
  g_clear_object (&self->store);
  g_clear_pointer (&self->members, g_free);
  g_clear_pointer (&self->chips, g_array_unref);

  G_OBJECT_CLASS (cs_filter_chips_parent_class)->dispose (object);
}

/* ------------------------------------------------------------ flow layout */

/* The chips flow like words: left to right, a new line when the next does
 * not fit, so none is cut off or scrolled out of sight. */
#define CHIP_SPACING 6
#define LINE_SPACING 4   /* between lines: compact, a long filter fits small windows */

static GtkSizeRequestMode
cs_filter_chips_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* Lays the visible children out in width (allocating them when allocate);
 * returns the height used. */
static int
flow (GtkWidget *widget,
      int        width,
      gboolean   allocate)
{
  int x = 0, y = 0, line_height = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int min_w, nat_w, child_w, child_h;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
      child_w = width > 0 ? CLAMP (nat_w, min_w, MAX (min_w, width)) : nat_w;
      if (x > 0 && x + child_w > width)
        {
          y += line_height + LINE_SPACING;
          x = 0;
          line_height = 0;
        }
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_w, &child_h, NULL, NULL, NULL);
      if (allocate)
        gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, child_w, child_h }, -1);
      x += child_w + CHIP_SPACING;
      line_height = MAX (line_height, child_h);
    }
  return y + line_height;
}

static void
cs_filter_chips_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* the widest chip at least; all on one line at best */
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int min_w, nat_w;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
          *minimum = MAX (*minimum, min_w);
          *natural += (*natural > 0 ? CHIP_SPACING : 0) + nat_w;
        }
    }
  else
    {
      int width = for_size, min_w = 0;

      /* no width given: the natural one (all on one line) */
      if (width < 0)
        cs_filter_chips_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &width, NULL, NULL);
      *minimum = *natural = flow (widget, width, FALSE);
    }
}

static void
cs_filter_chips_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  flow (widget, width, TRUE);
}

static void
cs_filter_chips_class_init (CsFilterChipsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_filter_chips_dispose;
  widget_class->get_request_mode = cs_filter_chips_get_request_mode;
  widget_class->measure = cs_filter_chips_measure;
  widget_class->size_allocate = cs_filter_chips_size_allocate;

  signals[SIGNAL_MEMBERS_REMOVED] = g_signal_new ("members-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-filter-chips.ui");
  gtk_widget_class_bind_template_child (widget_class, CsFilterChips, empty_label);
  gtk_widget_class_set_css_name (widget_class, "cs-filter-chips");
}

static void
cs_filter_chips_init (CsFilterChips *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chips = g_array_new (FALSE, FALSE, sizeof (Chip));
}

GtkWidget *
cs_filter_chips_new (void)
{
  return g_object_new (CS_TYPE_FILTER_CHIPS, NULL);
}

void
cs_filter_chips_set_store (CsFilterChips *self,
                           CsStore       *store)
{
  g_return_if_fail (CS_IS_FILTER_CHIPS (self));

  if (g_set_object (&self->store, store))
    update (self);
}

void
cs_filter_chips_set_state (CsFilterChips *self,
                           CsFilterState *state)
{
  g_return_if_fail (CS_IS_FILTER_CHIPS (self));
  g_return_if_fail (state == NULL || CS_IS_FILTER_STATE (state));

  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_set_object (&self->state, state);
  if (state != NULL)
    g_signal_connect_object (state, "changed", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  update (self);
}

void
cs_filter_chips_set_members (CsFilterChips *self,
                             const char    *name)
{
  g_return_if_fail (CS_IS_FILTER_CHIPS (self));

  if (g_strcmp0 (self->members, name) == 0)
    return;
  g_free (self->members);
  self->members = g_strdup (name);
  update (self);
}

GList *
cs_filter_chips_get_chips (CsFilterChips *self)
{
  GList *chips = NULL;

  g_return_val_if_fail (CS_IS_FILTER_CHIPS (self), NULL);

  for (guint i = self->chips->len; i > 0; i--)
    chips = g_list_prepend (chips, g_array_index (self->chips, Chip, i - 1).button);
  return chips;
}
