/* cs-mapping-preview-pane.c: the Mapping page's live preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "cs-mapping-common.h"
#include "cs-mapping-preview-pane.h"

struct _CsMappingPreviewPane
{
  GtkBox                parent_instance;

  /* template */
  GtkLabel             *preview_label;
  GtkSourceView        *preview_view;
  GtkLabel             *source_label;
  GtkListBox           *row_problems_list;

  GtkSourceBuffer      *buffer;
  GtkTextTag           *highlight_tag;
  CsMappingPreview     *preview;        /* borrowed */
  const CsTableProfile *table;          /* borrowed */
  GPtrArray            *resources;      /* CsPreviewResource of the previewed row */
  GArray               *resource_lines; /* guint: first line of each resource */
  GPtrArray            *problems;       /* CsPreviewProblem of the previewed row */
  guint64               row;
  guint                 n_highlighted;
  char                 *source_text;
};

G_DEFINE_FINAL_TYPE (CsMappingPreviewPane, cs_mapping_preview_pane, GTK_TYPE_BOX)

enum
{
  SIGNAL_SOURCE_COLUMN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
cs_mapping_preview_pane_set_preview (CsMappingPreviewPane *self,
                                     CsMappingPreview     *preview,
                                     const CsTableProfile *table)
{
  g_return_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self));

  self->preview = preview;
  self->table = table;
  if (preview == NULL)
    {
      /* the cells the shown resources point at may go */
      g_clear_pointer (&self->resources, g_ptr_array_unref);
      g_array_set_size (self->resource_lines, 0);
    }
}

static GtkWidget *
problem_row (const CsPreviewProblem *problem)
{
  GtkWidget *label = gtk_label_new (problem->message);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, problem->severity == CS_MAPPING_SEVERITY_ERROR ? "error" : "warning");
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  return label;
}

void
cs_mapping_preview_pane_show_row (CsMappingPreviewPane *self,
                                  guint64               row)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;
  g_autofree char *joined = NULL;
  g_autofree char *label = NULL;
  g_autofree char *row_text = NULL;
  GString *out;
  guint n_errors = 0;

  g_return_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self));
  g_return_if_fail (self->preview != NULL && self->table != NULL);

  self->row = row;
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  problems = self->problems = cs_preview_problem_array_new ();
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  self->resources = cs_preview_resource_array_new ();
  cs_mapping_clear_list_box (self->row_problems_list);
  out = g_string_new (NULL);
  if (cs_table_profile_get_row (self->table, row) != NULL
      && !cs_mapping_preview_row (self->preview, row, self->resources, problems, &error))
    g_string_append_printf (out, "%s\n", error->message);
  joined = cs_preview_resources_join (self->resources, self->resource_lines);
  g_string_append (out, joined);

  row_text = g_strdup_printf ("%" G_GUINT64_FORMAT, row + 1);
  for (guint i = 0; i < problems->len; i++)
    {
      const CsPreviewProblem *p = problems->pdata[i];

      if (p->severity == CS_MAPPING_SEVERITY_ERROR)
        n_errors++;
      gtk_list_box_append (self->row_problems_list, problem_row (p));
    }
  if (n_errors > 0)
    /* Translators: the preview's heading when the row is rejected */
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Row %s: rejected, %u error", "Row %s: rejected, %u errors",
                                          n_errors), row_text, n_errors);
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Row %s: %u resource", "Row %s: %u resources",
                                          self->resources->len), row_text, self->resources->len);
  gtk_label_set_label (self->preview_label, label);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), out->str, (int) out->len);
  g_string_free (out, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->row_problems_list), problems->len > 0);
}

GPtrArray *
cs_mapping_preview_pane_get_problems (CsMappingPreviewPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self), NULL);

  return self->problems;
}

guint64
cs_mapping_preview_pane_get_row (CsMappingPreviewPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self), 0);

  return self->row;
}

void
cs_mapping_preview_pane_mark_old (CsMappingPreviewPane *self)
{
  g_return_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self));

  gtk_label_set_label (self->preview_label, _("Preview (of the last mapping that worked)"));
}

void
cs_mapping_preview_pane_highlight_column (CsMappingPreviewPane *self,
                                          guint                 column)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  g_autoptr(GArray) lines = NULL;
  GtkTextIter start, end;

  g_return_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->highlight_tag, &start, &end);
  self->n_highlighted = 0;
  if (column == GTK_INVALID_LIST_POSITION || self->resources == NULL || self->preview == NULL)
    return;
  lines = g_array_new (FALSE, FALSE, sizeof (guint));
  cs_preview_resources_column_lines (self->resources, self->resource_lines,
                                     cs_mapping_preview_get_input (self->preview), column, lines);
  for (guint i = 0; i < lines->len; i++)
    {
      gtk_text_buffer_get_iter_at_line (buffer, &start, (int) g_array_index (lines, guint, i));
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
    }
  self->n_highlighted = lines->len;
}

guint
cs_mapping_preview_pane_get_n_highlighted (CsMappingPreviewPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self), 0);

  return self->n_highlighted;
}

char *
cs_mapping_preview_pane_dup_text (CsMappingPreviewPane *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self), NULL);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, FALSE);
}

const char *
cs_mapping_preview_pane_place_cursor (CsMappingPreviewPane *self,
                                      int                   line)
{
  GtkTextIter iter;

  g_return_val_if_fail (CS_IS_MAPPING_PREVIEW_PANE (self), NULL);

  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, line);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  return gtk_label_get_label (self->source_label);
}

/* The element at the cursor: where it came from. */
static void
on_cursor_moved (CsMappingPreviewPane *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  const CsPreviewElement *best = NULL;
  GtkTextIter iter;

  g_clear_pointer (&self->source_text, g_free);
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  if (self->resources != NULL && self->preview != NULL)
    best = cs_preview_resources_element_at (self->resources, self->resource_lines,
                                            (guint) gtk_text_iter_get_line (&iter));
  if (best != NULL)
    {
      const CsMappingCell *cell = &g_array_index (best->cells, CsMappingCell, 0);
      const char *name = cs_mapping_program_get_column_name (cs_mapping_preview_get_program (self->preview),
                                                             cell->input, cell->column);
      const char * const *fields = cell->row > 0 ? cs_table_profile_get_row (self->table, cell->row - 1) : NULL;
      gboolean from_table = cell->input == cs_mapping_preview_get_input (self->preview);
      g_autofree char *row = g_strdup_printf ("%" G_GUINT64_FORMAT, cell->row);

      if (fields != NULL && from_table)
        /* Translators: "Patient.gender ← row 3, column “sex”: “m”" */
        self->source_text = g_strdup_printf (_("%s ← row %s, column “%s”: “%s”"), best->path, row, name,
                                             fields[cell->column]);
      else
        self->source_text = g_strdup_printf (_("%s ← column “%s”"), best->path, name);
      /* the source cell: its column (its row is the one shown) */
      if (from_table)
        g_signal_emit (self, signals[SIGNAL_SOURCE_COLUMN], 0, cell->column);
    }
  gtk_label_set_label (self->source_label, self->source_text != NULL ? self->source_text : "");
}

static void
cs_mapping_preview_pane_dispose (GObject *object)
{
  CsMappingPreviewPane *self = CS_MAPPING_PREVIEW_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_PREVIEW_PANE);
  g_clear_object (&self->buffer);
  G_OBJECT_CLASS (cs_mapping_preview_pane_parent_class)->dispose (object);
}

static void
cs_mapping_preview_pane_finalize (GObject *object)
{
  CsMappingPreviewPane *self = CS_MAPPING_PREVIEW_PANE (object);

  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->resource_lines, g_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_free (self->source_text);
  G_OBJECT_CLASS (cs_mapping_preview_pane_parent_class)->finalize (object);
}

static void
cs_mapping_preview_pane_class_init (CsMappingPreviewPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mapping_preview_pane_dispose;
  object_class->finalize = cs_mapping_preview_pane_finalize;

  signals[SIGNAL_SOURCE_COLUMN] =
    g_signal_new ("source-column", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-preview-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingPreviewPane, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPreviewPane, preview_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPreviewPane, source_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPreviewPane, row_problems_list);
}

static void
cs_mapping_preview_pane_init (CsMappingPreviewPane *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();

  self->resource_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_widget_init_template (GTK_WIDGET (self));
  self->buffer = gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages, "json"));
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->preview_view), GTK_TEXT_BUFFER (self->buffer));
  self->highlight_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), "fed",
                                                    "background", "rgba(53,132,228,0.25)", NULL);
  g_signal_connect_object (self->buffer, "notify::cursor-position", G_CALLBACK (on_cursor_moved), self,
                           G_CONNECT_SWAPPED);
}
