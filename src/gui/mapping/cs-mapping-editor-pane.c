/* cs-mapping-editor-pane.c: the Mapping page's editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-common.h"
#include "cs-mapping-editor-pane.h"

struct _CsMappingEditorPane
{
  GtkBox           parent_instance;

  /* template */
  GtkListBox      *resources_list;
  GtkSourceView   *mapping_view;
  GtkLabel        *mapping_error;

  GtkSourceBuffer *buffer;
  GtkTextTag      *error_tag;
  char            *error_text;
  int              error_line;
};

G_DEFINE_FINAL_TYPE (CsMappingEditorPane, cs_mapping_editor_pane, GTK_TYPE_BOX)

void
cs_mapping_editor_pane_set_buffer (CsMappingEditorPane *self,
                                   GtkSourceBuffer     *buffer)
{
  g_return_if_fail (CS_IS_MAPPING_EDITOR_PANE (self));
  g_return_if_fail (self->buffer == NULL);

  self->buffer = g_object_ref (buffer);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->mapping_view), GTK_TEXT_BUFFER (buffer));
  self->error_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (buffer), "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "background", "rgba(224,27,36,0.15)", NULL);
}

void
cs_mapping_editor_pane_set_mapping (CsMappingEditorPane *self,
                                    CsMapping           *mapping)
{
  g_return_if_fail (CS_IS_MAPPING_EDITOR_PANE (self));

  cs_mapping_clear_list_box (self->resources_list);
  for (guint i = 0; mapping != NULL && i < cs_mapping_get_n_resources (mapping); i++)
    {
      g_autofree char *escaped_name = g_markup_escape_text (cs_mapping_get_resource_name (mapping, i), -1);
      g_autofree char *escaped_type = g_markup_escape_text (cs_mapping_get_resource_type (mapping, i), -1);
      g_autofree char *markup = g_strdup_printf ("%s\n<small>%s</small>", escaped_name, escaped_type);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      g_object_set_data_full (G_OBJECT (label), "resource-name",
                              g_strdup (cs_mapping_get_resource_name (mapping, i)), g_free);
      gtk_list_box_append (self->resources_list, label);
    }
}

void
cs_mapping_editor_pane_show_error (CsMappingEditorPane *self,
                                   const char          *message,
                                   const char          *text)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  g_return_if_fail (CS_IS_MAPPING_EDITOR_PANE (self));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);
  g_clear_pointer (&self->error_text, g_free);
  self->error_line = -1;
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_error), message != NULL);
  if (message == NULL)
    return;
  self->error_text = g_strdup (message);
  self->error_line = cs_mapping_text_find_line (text, message);
  if (self->error_line >= 0)
    {
      g_autofree char *with_line = g_strdup_printf (_("Line %d: %s"), self->error_line + 1, message);

      gtk_label_set_label (self->mapping_error, with_line);
      gtk_text_buffer_get_iter_at_line (buffer, &start, self->error_line);
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag (buffer, self->error_tag, &start, &end);
    }
  else
    gtk_label_set_label (self->mapping_error, message);
}

const char *
cs_mapping_editor_pane_get_error (CsMappingEditorPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_EDITOR_PANE (self), NULL);

  return self->error_text;
}

int
cs_mapping_editor_pane_get_error_line (CsMappingEditorPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_EDITOR_PANE (self), -1);

  return self->error_line;
}

/* A resource in the side list: the cursor goes to its template. */
static void
on_resource_activated (CsMappingEditorPane *self,
                       GtkListBoxRow       *row)
{
  const char *name = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "resource-name");
  g_autofree char *needle = g_strdup_printf ("\"name\": \"%s\"", name);
  g_autofree char *needle2 = g_strdup_printf ("\"name\" : \"%s\"", name);
  GtkTextIter start, match_start, match_end;

  if (self->buffer == NULL)
    return;
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  if (gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL)
      || gtk_text_iter_forward_search (&start, needle2, 0, &match_start, &match_end, NULL))
    {
      gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &match_start);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->mapping_view), &match_start, 0.1, TRUE, 0, 0.1);
    }
}

static void
cs_mapping_editor_pane_dispose (GObject *object)
{
  CsMappingEditorPane *self = CS_MAPPING_EDITOR_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_EDITOR_PANE);
  g_clear_object (&self->buffer);
  G_OBJECT_CLASS (cs_mapping_editor_pane_parent_class)->dispose (object);
}

static void
cs_mapping_editor_pane_finalize (GObject *object)
{
  CsMappingEditorPane *self = CS_MAPPING_EDITOR_PANE (object);

  g_free (self->error_text);
  G_OBJECT_CLASS (cs_mapping_editor_pane_parent_class)->finalize (object);
}

static void
cs_mapping_editor_pane_class_init (CsMappingEditorPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mapping_editor_pane_dispose;
  object_class->finalize = cs_mapping_editor_pane_finalize;

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-editor-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingEditorPane, resources_list);
  gtk_widget_class_bind_template_child (widget_class, CsMappingEditorPane, mapping_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingEditorPane, mapping_error);
  gtk_widget_class_bind_template_callback (widget_class, on_resource_activated);
}

static void
cs_mapping_editor_pane_init (CsMappingEditorPane *self)
{
  self->error_line = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}
