/* cs-upload-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-upload-status.h"

struct _CsUploadStatus
{
  GtkBox          parent_instance;

  /* Template */
  GtkProgressBar *progress;
  GtkLabel       *label;

  guint           pulse;
};

G_DEFINE_FINAL_TYPE (CsUploadStatus, cs_upload_status, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_TEXT,
  PROP_SHOW_PROGRESS_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
pulse_cb (gpointer data)
{
  CsUploadStatus *self = data;

  gtk_progress_bar_pulse (self->progress);

  return G_SOURCE_CONTINUE;
}

static void
cs_upload_status_dispose (GObject *object)
{
  CsUploadStatus *self = CS_UPLOAD_STATUS (object);

  g_clear_handle_id (&self->pulse, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_UPLOAD_STATUS);

  G_OBJECT_CLASS (cs_upload_status_parent_class)->dispose (object);
}

static void
cs_upload_status_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CsUploadStatus *self = CS_UPLOAD_STATUS (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, cs_upload_status_get_text (self));
      break;
    case PROP_SHOW_PROGRESS_TEXT:
      g_value_set_boolean (value, gtk_progress_bar_get_show_text (self->progress));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upload_status_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CsUploadStatus *self = CS_UPLOAD_STATUS (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      cs_upload_status_set_text (self, g_value_get_string (value), FALSE);
      break;
    case PROP_SHOW_PROGRESS_TEXT:
      cs_upload_status_set_show_progress_text (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upload_status_class_init (CsUploadStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_upload_status_dispose;
  object_class->get_property = cs_upload_status_get_property;
  object_class->set_property = cs_upload_status_set_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_PROGRESS_TEXT] =
    g_param_spec_boolean ("show-progress-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-upload-status.ui");
  gtk_widget_class_bind_template_child (widget_class, CsUploadStatus, progress);
  gtk_widget_class_bind_template_child (widget_class, CsUploadStatus, label);
}

static void
cs_upload_status_init (CsUploadStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
cs_upload_status_get_text (CsUploadStatus *self)
{
  g_return_val_if_fail (CS_IS_UPLOAD_STATUS (self), NULL);

  return gtk_label_get_text (self->label);
}

void
cs_upload_status_set_text (CsUploadStatus *self,
                           const char     *text,
                           gboolean        error)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "error");
  if (g_strcmp0 (text, gtk_label_get_text (self->label)) == 0)
    return;
  gtk_label_set_text (self->label, text != NULL ? text : "");
  /* GTK 4.8 names a label by its text: keep the name, the text is read out
   * as the label's content */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Upload status"), -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

void
cs_upload_status_set_show_progress_text (CsUploadStatus *self,
                                         gboolean        show)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  show = !!show;
  if (show == gtk_progress_bar_get_show_text (self->progress))
    return;
  gtk_progress_bar_set_show_text (self->progress, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PROGRESS_TEXT]);
}

void
cs_upload_status_begin (CsUploadStatus *self,
                        const char     *text)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  cs_upload_status_set_text (self, text, FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  if (self->pulse == 0)
    self->pulse = g_timeout_add (100, pulse_cb, self);
}

void
cs_upload_status_set_progress (CsUploadStatus *self,
                               double          fraction,
                               const char     *text)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  cs_upload_status_stop (self);
  gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0.0, 1.0));
  if (text != NULL)
    gtk_progress_bar_set_text (self->progress, text);
}

void
cs_upload_status_set_progress_text (CsUploadStatus *self,
                                    const char     *text)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  gtk_progress_bar_set_text (self->progress, text);
}

void
cs_upload_status_stop (CsUploadStatus *self)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  g_clear_handle_id (&self->pulse, g_source_remove);
}

void
cs_upload_status_end (CsUploadStatus *self)
{
  g_return_if_fail (CS_IS_UPLOAD_STATUS (self));

  cs_upload_status_stop (self);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
}
