/* cs-variable-picker.c
 *
 * A GtkListView over a GtkFilterListModel of CsVariableItem: typing only
 * re-runs the filter, and only the rows in view have widgets, so a store
 * with thousands of radiomics features costs nothing per keystroke.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-gui-util.h"
#include "cs-variable-item.h"
#include "cs-variable-picker.h"

struct _CsVariablePicker
{
  GtkPopover          parent_instance;

  /* Template */
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;

  GListStore         *variables;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  char               *needle;     /* casefolded search, NULL: every variable */
};

G_DEFINE_FINAL_TYPE (CsVariablePicker, cs_variable_picker, GTK_TYPE_POPOVER)

enum
{
  SIGNAL_VARIABLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
matches (gpointer item,
         gpointer user_data)
{
  CsVariablePicker *self = user_data;

  return cs_variable_item_matches (item, self->needle);
}

static void
on_search_changed (CsVariablePicker *self,
                   GtkSearchEntry   *entry)
{
  g_autofree char *stripped = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  g_clear_pointer (&self->needle, g_free);
  if (stripped[0] != '\0')
    self->needle = g_utf8_casefold (stripped, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
activate_position (CsVariablePicker *self,
                   guint             position)
{
  g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (item == NULL)
    return;
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[SIGNAL_VARIABLE_ACTIVATED], 0, cs_variable_item_get_variable (item)->key);
}

static void
on_row_activated (CsVariablePicker *self,
                  guint             position,
                  GtkListView      *list_view)
{
  activate_position (self, position);
}

static void
on_search_activate (CsVariablePicker *self,
                    GtkSearchEntry   *entry)
{
  activate_position (self, 0);
}

/* A row: "Label  key · type" with the key and type dimmed */
static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (list_item, label);
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  const CsVariable *var = cs_variable_item_get_variable (gtk_list_item_get_item (list_item));
  g_autofree char *label = g_markup_escape_text (var->label != NULL ? var->label : var->key, -1);
  g_autofree char *key = g_markup_escape_text (var->key, -1);
  g_autofree char *markup = g_strdup_printf ("%s  <span alpha=\"60%%\">%s · %s</span>", label, key,
                                             cs_variable_type_to_label (var->type));

  g_autofree char *tooltip = cs_variable_describe (var);

  gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (list_item)), markup);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (list_item), tooltip);
}

static void
cs_variable_picker_dispose (GObject *object)
{
  CsVariablePicker *self = CS_VARIABLE_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_VARIABLE_PICKER);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->variables);
  g_clear_pointer (&self->needle, g_free);

  G_OBJECT_CLASS (cs_variable_picker_parent_class)->dispose (object);
}

static void
cs_variable_picker_class_init (CsVariablePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_variable_picker_dispose;

  signals[SIGNAL_VARIABLE_ACTIVATED] =
    g_signal_new ("variable-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-variable-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, CsVariablePicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CsVariablePicker, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
cs_variable_picker_init (CsVariablePicker *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->list_view));

  self->variables = g_list_store_new (CS_TYPE_VARIABLE_ITEM);
  self->filter = gtk_custom_filter_new (matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->variables)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
cs_variable_picker_new (void)
{
  return g_object_new (CS_TYPE_VARIABLE_PICKER, NULL);
}

void
cs_variable_picker_set_store (CsVariablePicker *self,
                              CsStore          *store)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CS_IS_VARIABLE_PICKER (self));
  g_return_if_fail (store == NULL || CS_IS_STORE (store));

  for (guint i = 0; store != NULL && i < cs_store_get_n_variables (store); i++)
    if (cs_store_get_variable (store, i)->type != CS_VARIABLE_SURVIVAL)
      g_ptr_array_add (items, cs_variable_item_new (store, i));
  g_list_store_splice (self->variables, 0, g_list_model_get_n_items (G_LIST_MODEL (self->variables)),
                       items->pdata, items->len);
}

GListModel *
cs_variable_picker_get_model (CsVariablePicker *self)
{
  g_return_val_if_fail (CS_IS_VARIABLE_PICKER (self), NULL);

  return G_LIST_MODEL (self->filtered);
}
