/* cs-load-report-dialog.c: what opening a source did, in one window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-load-report.h"
#include "cs-gui-util.h"
#include "cs-load-report-dialog.h"

struct _CsLoadReportDialog
{
  AdwWindow       parent_instance;

  /* Template */
  AdwWindowTitle *window_title;
  GtkBox         *content_box;
  GtkLabel       *counts_label;

  GString        *text;      /* everything shown, for tests and copying */
  guint           n_groups;
};

G_DEFINE_FINAL_TYPE (CsLoadReportDialog, cs_load_report_dialog, ADW_TYPE_WINDOW)

/* Lines per group: more are summed up (the CLI prints them all) */
#define MAX_LINES_SHOWN 50

/* A heading and its lines, one selectable wrapped label each */
static void
add_section (CsLoadReportDialog *self,
             const char         *heading,
             const char * const *lines,
             guint               n_lines,
             const char         *note)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *list = gtk_list_box_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  g_string_append_printf (self->text, "%s%s\n", self->text->len > 0 ? "\n" : "", heading);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  for (guint i = 0; i < n_lines; i++)
    {
      GtkWidget *label = gtk_label_new (lines[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_list_box_append (GTK_LIST_BOX (list), label);
      /* one Tab stop per line is too many: the list is read, not worked */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (label)), FALSE);
      g_string_append_printf (self->text, "• %s\n", lines[i]);
    }
  gtk_box_append (GTK_BOX (box), list);
  if (note != NULL)
    {
      GtkWidget *label = gtk_label_new (note);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
      g_string_append_printf (self->text, "%s\n", note);
    }
  gtk_box_append (self->content_box, box);
}

static void
fill (CsLoadReportDialog *self,
      CsStore            *store,
      const char         *source)
{
  const CsFhirLoadReport *report = cs_fhir_store_get_load_report (store);
  GPtrArray *warnings = cs_store_get_warnings (store);
  guint n_patients = cs_store_get_n_patients (store), n_resources = cs_store_get_n_resources (store);
  g_autofree char *patients = cs_gui_format_count (n_patients);
  g_autofree char *resources = cs_gui_format_count (n_resources);
  g_autofree char *patients_part = NULL;
  g_autofree char *counts = NULL;

  adw_window_title_set_subtitle (self->window_title, source != NULL ? source : "");

  /* Translators: first part of "400 patients, 12,345 resources, 3 warnings" */
  patients_part = g_strdup_printf (ngettext ("%s patient", "%s patients", n_patients), patients);
  /* Translators: "400 patients", then the resources and warnings of a load */
  counts = g_strdup_printf (ngettext ("%s, %s resource, %u warning", "%s, %s resources, %u warnings",
                                      warnings->len),
                            patients_part, resources, warnings->len);
  gtk_label_set_text (self->counts_label, counts);
  g_string_append_printf (self->text, "%s\n", counts);

  if (report != NULL)
    {
      g_autofree char *text = cs_fhir_load_report_to_string (report);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      g_autoptr(GPtrArray) shown = g_ptr_array_new ();

      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strstrip (lines[i]) != '\0')
          g_ptr_array_add (shown, lines[i]);
      add_section (self,
                   cs_fhir_load_report_is_complete (report) ? _("From the Server")
                                                            : _("From the Server: Incomplete"),
                   (const char * const *) shown->pdata, shown->len,
                   cs_fhir_load_report_is_complete (report) ? NULL :
                   _("The table shows what was loaded, which may lack patients or values. A search "
                     "stopped early: the server’s pages kept repeating themselves, or there were more "
                     "than the limit per search. Ask the server’s administrator, or load a Group or a "
                     "search that needs fewer pages."));
    }

  /* the warnings, grouped by kind in the order of the kinds */
  for (guint kind = 0; kind < CS_STORE_N_WARNING_KINDS; kind++)
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new ();
      g_autofree char *heading = NULL;
      g_autofree char *more_text = NULL;

      for (guint i = 0; i < warnings->len; i++)
        if (cs_store_get_warning_kind (store, i) == kind)
          g_ptr_array_add (lines, g_ptr_array_index (warnings, i));
      if (lines->len == 0)
        continue;
      /* Translators: a group of warnings and how many: "Files skipped (2)" */
      heading = g_strdup_printf (_("%s (%u)"), cs_store_warning_kind_label (kind), lines->len);
      if (lines->len > MAX_LINES_SHOWN)
        {
          guint more = lines->len - MAX_LINES_SHOWN;

          /* Translators: after a list of warnings; cohortscope-cli prints every one */
          more_text = g_strdup_printf (ngettext ("…and %u more (cohortscope-cli summary prints them all)",
                                                 "…and %u more (cohortscope-cli summary prints them all)", more),
                                       more);
        }
      add_section (self, heading, (const char * const *) lines->pdata, MIN (lines->len, MAX_LINES_SHOWN),
                   more_text);
      self->n_groups++;
    }
  if (warnings->len == 0 && report == NULL)
    add_section (self, _("No Warnings"), NULL, 0,
                 _("Every resource was read and every value found a column."));
}

CsLoadReportDialog *
cs_load_report_dialog_new (GtkWindow  *parent,
                           CsStore    *store,
                           const char *source)
{
  CsLoadReportDialog *self;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  self = g_object_new (CS_TYPE_LOAD_REPORT_DIALOG, "transient-for", parent, NULL);
  fill (self, store, source);
  return self;
}

char *
cs_load_report_dialog_dup_text (CsLoadReportDialog *self)
{
  g_return_val_if_fail (CS_IS_LOAD_REPORT_DIALOG (self), NULL);

  return g_strdup (self->text->str);
}

guint
cs_load_report_dialog_get_n_groups (CsLoadReportDialog *self)
{
  g_return_val_if_fail (CS_IS_LOAD_REPORT_DIALOG (self), 0);

  return self->n_groups;
}

static void
cs_load_report_dialog_finalize (GObject *object)
{
  CsLoadReportDialog *self = CS_LOAD_REPORT_DIALOG (object);

  g_string_free (self->text, TRUE);

  G_OBJECT_CLASS (cs_load_report_dialog_parent_class)->finalize (object);
}

static void
cs_load_report_dialog_class_init (CsLoadReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cs_load_report_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-load-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsLoadReportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsLoadReportDialog, content_box);
  gtk_widget_class_bind_template_child (widget_class, CsLoadReportDialog, counts_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_load_report_dialog_init (CsLoadReportDialog *self)
{
  self->text = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
