/* cs-code-picker.c: a popover to pick a FHIR code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-code-catalogue.h"
#include "cs-code-picker.h"
#include "cs-mapping-common.h"

#define MAX_RESULTS 200

struct _CsCodePicker
{
  GtkPopover       parent_instance;

  /* template */
  GtkSearchEntry  *search_entry;
  GtkListBox      *results_list;
  GtkEntry        *typed_entry;
  GtkLabel        *message_label;

  GPtrArray       *results;   /* const CsCatalogueCode * */
};

G_DEFINE_FINAL_TYPE (CsCodePicker, cs_code_picker, GTK_TYPE_POPOVER)

enum
{
  SIGNAL_PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
cs_code_picker_new (void)
{
  return g_object_new (CS_TYPE_CODE_PICKER, NULL);
}

static void
fill (CsCodePicker *self,
      const char   *query)
{
  CsCodeCatalogue *catalogue = cs_code_catalogue_get_default ();

  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->results = cs_code_catalogue_search (catalogue, query);
  cs_mapping_clear_list_box (self->results_list);
  for (guint i = 0; i < self->results->len && i < MAX_RESULTS; i++)
    {
      const CsCatalogueCode *code = self->results->pdata[i];
      g_autofree char *code_text = g_markup_escape_text (code->code, -1);
      g_autofree char *display = g_markup_escape_text (code->display, -1);
      g_autofree char *system = g_markup_escape_text (code->system, -1);
      g_autofree char *use = g_markup_escape_text (code->use, -1);
      g_autofree char *markup = g_strdup_printf ("<b>%s</b>  %s\n<small>%s · %s</small>", code_text, display,
                                                 system, use);
      g_autofree char *accessible = g_strdup_printf ("%s %s (%s)", code->code, code->display, code->system);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_list_box_append (self->results_list, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), self->results->len == 0);
  if (self->results->len == 0)
    gtk_label_set_label (self->message_label,
                         _("No code in the catalogue matches: type it as system|code|display below."));
}

static void
on_search_changed (CsCodePicker *self)
{
  fill (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
emit_picked (CsCodePicker   *self,
             const CsCoding *coding)
{
  g_signal_emit (self, signals[SIGNAL_PICKED], 0, coding->system, coding->code, coding->display);
  gtk_popover_popdown (GTK_POPOVER (self));
}

void
cs_code_picker_search (CsCodePicker *self,
                       const char   *query)
{
  g_return_if_fail (CS_IS_CODE_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query);
  fill (self, query);
}

guint
cs_code_picker_get_n_results (CsCodePicker *self)
{
  g_return_val_if_fail (CS_IS_CODE_PICKER (self), 0);

  return self->results != NULL ? MIN (self->results->len, MAX_RESULTS) : 0;
}

void
cs_code_picker_pick (CsCodePicker *self,
                     guint         index)
{
  const CsCatalogueCode *code;
  CsCoding coding;

  g_return_if_fail (CS_IS_CODE_PICKER (self));
  g_return_if_fail (self->results != NULL && index < self->results->len);

  code = self->results->pdata[index];
  coding.system = (char *) code->system;
  coding.code = (char *) code->code;
  coding.display = (char *) code->display;
  emit_picked (self, &coding);
}

gboolean
cs_code_picker_use_typed (CsCodePicker *self,
                          const char   *typed)
{
  g_autoptr(GError) error = NULL;
  g_auto(CsCoding) coding = { NULL, NULL, NULL };

  g_return_val_if_fail (CS_IS_CODE_PICKER (self), FALSE);

  if (!cs_coding_parse (typed, &coding, &error))
    {
      gtk_label_set_label (self->message_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
      return FALSE;
    }
  emit_picked (self, &coding);
  return TRUE;
}

static void
on_row_activated (CsCodePicker  *self,
                  GtkListBoxRow *row)
{
  cs_code_picker_pick (self, (guint) gtk_list_box_row_get_index (row));
}

static void
on_typed_activate (CsCodePicker *self)
{
  cs_code_picker_use_typed (self, gtk_editable_get_text (GTK_EDITABLE (self->typed_entry)));
}

static void
on_search_activate (CsCodePicker *self)
{
  if (self->results != NULL && self->results->len > 0)
    cs_code_picker_pick (self, 0);
}

static void
on_show (CsCodePicker *self)
{
  fill (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
cs_code_picker_dispose (GObject *object)
{
  CsCodePicker *self = CS_CODE_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CODE_PICKER);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  G_OBJECT_CLASS (cs_code_picker_parent_class)->dispose (object);
}

static void
cs_code_picker_class_init (CsCodePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_code_picker_dispose;

  signals[SIGNAL_PICKED] =
    g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-code-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCodePicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CsCodePicker, results_list);
  gtk_widget_class_bind_template_child (widget_class, CsCodePicker, typed_entry);
  gtk_widget_class_bind_template_child (widget_class, CsCodePicker, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_typed_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_show);
}

static void
cs_code_picker_init (CsCodePicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
