/* cs-upload-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-gui-util.h"
#include "cs-upload-dialog.h"
#include "cs-window.h"

typedef struct
{
  /* Template */
  GtkWidget          *close_button;
  GtkWidget          *dry_run_button;
  GtkWidget          *upload_button;
  AdwPreferencesPage *page;

  /* The subclass's template */
  CsServerRow        *server_row;
  CsUploadStatus     *status;

  GCancellable       *cancellable;   /* the running job's */
  char               *checked_key;   /* what the last clean dry run was for */
  gboolean            busy;
  gboolean            closed;
} CsUploadDialogPrivate;

static void cs_upload_dialog_buildable_init (GtkBuildableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (CsUploadDialog, cs_upload_dialog, ADW_TYPE_WINDOW,
                                  G_ADD_PRIVATE (CsUploadDialog)
                                  G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, cs_upload_dialog_buildable_init))

enum
{
  PROP_0,
  PROP_SERVER_ROW,
  PROP_STATUS,
  PROP_DRY_RUN_TOOLTIP,
  PROP_UPLOAD_TOOLTIP,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable_iface;

/* ------------------------------------------------------------------------ */
/* The subclass's groups go into the page */

static void
cs_upload_dialog_add_child (GtkBuildable *buildable,
                            GtkBuilder   *builder,
                            GObject      *child,
                            const char   *type)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (CS_UPLOAD_DIALOG (buildable));

  if (priv->page != NULL && ADW_IS_PREFERENCES_GROUP (child))
    adw_preferences_page_add (priv->page, ADW_PREFERENCES_GROUP (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
cs_upload_dialog_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = cs_upload_dialog_add_child;
}

/* ------------------------------------------------------------------------ */
/* The flow */

static void
on_close_clicked (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  if (priv->busy && priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_dry_run_clicked (CsUploadDialog *self)
{
  cs_upload_dialog_run (self, TRUE);
}

static void
on_upload_clicked (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  if (priv->busy || cs_upload_dialog_get_profile (self) == NULL)
    return;
  CS_UPLOAD_DIALOG_GET_CLASS (self)->upload (self);
}

static void
cs_upload_dialog_real_upload (CsUploadDialog *self)
{
  cs_upload_dialog_run (self, FALSE);
}

static void
cs_upload_dialog_real_update (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);
  g_autofree char *key = CS_UPLOAD_DIALOG_GET_CLASS (self)->dup_key (self);

  gtk_widget_set_sensitive (priv->dry_run_button, !priv->busy && key != NULL);
  /* Upload after a dry run of the same thing to the same server */
  gtk_widget_set_sensitive (priv->upload_button,
                            !priv->busy && key != NULL && g_strcmp0 (key, priv->checked_key) == 0);
}

static void
set_busy (CsUploadDialog *self,
          gboolean        busy)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  if (priv->busy == busy)
    return;
  priv->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
cs_upload_dialog_run (CsUploadDialog *self,
                      gboolean        dry_run)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);
  CsServerProfile *profile;
  g_autofree char *key = NULL;

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));

  if (priv->busy || priv->closed || !(profile = cs_upload_dialog_get_profile (self)))
    return;
  if (!(key = CS_UPLOAD_DIALOG_GET_CLASS (self)->dup_key (self)))
    return;
  CS_UPLOAD_DIALOG_GET_CLASS (self)->start (self, profile, dry_run);
}

void
cs_upload_dialog_update (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));

  if (!priv->closed)
    CS_UPLOAD_DIALOG_GET_CLASS (self)->update (self);
}

GCancellable *
cs_upload_dialog_begin (CsUploadDialog *self,
                        const char     *text)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), NULL);
  g_return_val_if_fail (!priv->busy, NULL);

  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  cs_upload_status_begin (priv->status, text);
  set_busy (self, TRUE);
  cs_upload_dialog_update (self);

  return priv->cancellable;
}

gboolean
cs_upload_dialog_owns_job (CsUploadDialog *self,
                           GCancellable   *cancellable)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), FALSE);

  return !priv->closed && priv->busy && cancellable != NULL && cancellable == priv->cancellable;
}

gboolean
cs_upload_dialog_end (CsUploadDialog *self,
                      GCancellable   *cancellable)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  if (!cs_upload_dialog_owns_job (self, cancellable))
    return FALSE;

  g_clear_object (&priv->cancellable);
  cs_upload_status_end (priv->status);
  set_busy (self, FALSE);

  return TRUE;
}

void
cs_upload_dialog_show_push_progress (CsUploadDialog           *self,
                                     const CsFhirPushProgress *p)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));

  if (priv->closed || p->resources_total == 0)
    return;
  done = cs_gui_format_count (p->resources_done);
  total = cs_gui_format_count (p->resources_total);
  if (p->dry_run)
    /* Translators: "120 of 5,000 resources compared" (dry run) */
    text = g_strdup_printf (ngettext ("%s of %s resource compared", "%s of %s resources compared",
                                      p->resources_total), done, total);
  else
    /* Translators: "120 of 5,000 resources uploaded" */
    text = g_strdup_printf (ngettext ("%s of %s resource uploaded", "%s of %s resources uploaded",
                                      p->resources_total), done, total);
  cs_upload_status_set_progress (priv->status, (double) p->resources_done / (double) p->resources_total, text);
}

void
cs_upload_dialog_set_status (CsUploadDialog *self,
                             const char     *text,
                             gboolean        error)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));

  if (!priv->closed)
    cs_upload_status_set_text (priv->status, text, error);
}

void
cs_upload_dialog_set_checked (CsUploadDialog *self,
                              const char     *key)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));

  g_free (priv->checked_key);
  priv->checked_key = g_strdup (key);
}

gboolean
cs_upload_dialog_is_checked (CsUploadDialog *self,
                             const char     *key)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), FALSE);

  return key != NULL && g_strcmp0 (key, priv->checked_key) == 0;
}

/* ------------------------------------------------------------------------ */
/* The rest */

void
cs_upload_dialog_load_servers (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);
  GtkWindow *parent;

  g_return_if_fail (CS_IS_UPLOAD_DIALOG (self));
  g_return_if_fail (priv->server_row != NULL && priv->status != NULL);

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  cs_server_row_load (priv->server_row, CS_IS_WINDOW (parent) ? CS_WINDOW (parent) : NULL);
  if (cs_server_row_get_n_profiles (priv->server_row) == 0)
    cs_upload_status_set_text (priv->status, _("Add a server in the main menu’s FHIR Servers… first."), FALSE);
}

CsServerRow *
cs_upload_dialog_get_server_row (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), NULL);

  return priv->server_row;
}

CsUploadStatus *
cs_upload_dialog_get_status (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), NULL);

  return priv->status;
}

CsServerProfile *
cs_upload_dialog_get_profile (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), NULL);

  return priv->server_row != NULL ? cs_server_row_get_profile (priv->server_row) : NULL;
}

gboolean
cs_upload_dialog_get_busy (CsUploadDialog *self)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  g_return_val_if_fail (CS_IS_UPLOAD_DIALOG (self), FALSE);

  return priv->busy;
}

static void
cs_upload_dialog_dispose (GObject *object)
{
  CsUploadDialog *self = CS_UPLOAD_DIALOG (object);
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  /* a job still running reports to a closed dialog: its results are dropped */
  priv->closed = TRUE;
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  priv->server_row = NULL;
  priv->status = NULL;
  /* No gtk_widget_dispose_template (self, CS_TYPE_UPLOAD_DIALOG): GTK 4.8
   * asserts in it for a class whose subclass binds template children of its
   * own. The window destroys the widgets; the template's references to them
   * go when the dialog is finalized, and nothing here touches them once the
   * dialog is closed. */

  G_OBJECT_CLASS (cs_upload_dialog_parent_class)->dispose (object);
}

static void
cs_upload_dialog_finalize (GObject *object)
{
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (CS_UPLOAD_DIALOG (object));

  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->checked_key, g_free);

  G_OBJECT_CLASS (cs_upload_dialog_parent_class)->finalize (object);
}

static void
cs_upload_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CsUploadDialog *self = CS_UPLOAD_DIALOG (object);
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SERVER_ROW:
      g_value_set_object (value, priv->server_row);
      break;
    case PROP_STATUS:
      g_value_set_object (value, priv->status);
      break;
    case PROP_DRY_RUN_TOOLTIP:
      g_value_set_string (value, gtk_widget_get_tooltip_text (priv->dry_run_button));
      break;
    case PROP_UPLOAD_TOOLTIP:
      g_value_set_string (value, gtk_widget_get_tooltip_text (priv->upload_button));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, priv->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upload_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CsUploadDialog *self = CS_UPLOAD_DIALOG (object);
  CsUploadDialogPrivate *priv = cs_upload_dialog_get_instance_private (self);

  switch (prop_id)
    {
    /* both set once, by the subclass's template (a widget of it keeps them) */
    case PROP_SERVER_ROW:
      priv->server_row = g_value_get_object (value);
      break;
    case PROP_STATUS:
      priv->status = g_value_get_object (value);
      break;
    case PROP_DRY_RUN_TOOLTIP:
      gtk_widget_set_tooltip_text (priv->dry_run_button, g_value_get_string (value));
      break;
    case PROP_UPLOAD_TOOLTIP:
      gtk_widget_set_tooltip_text (priv->upload_button, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upload_dialog_class_init (CsUploadDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_upload_dialog_dispose;
  object_class->finalize = cs_upload_dialog_finalize;
  object_class->get_property = cs_upload_dialog_get_property;
  object_class->set_property = cs_upload_dialog_set_property;

  klass->upload = cs_upload_dialog_real_upload;
  klass->update = cs_upload_dialog_real_update;

  properties[PROP_SERVER_ROW] =
    g_param_spec_object ("server-row", NULL, NULL, CS_TYPE_SERVER_ROW,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_object ("status", NULL, NULL, CS_TYPE_UPLOAD_STATUS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DRY_RUN_TOOLTIP] =
    g_param_spec_string ("dry-run-tooltip", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOAD_TOOLTIP] =
    g_param_spec_string ("upload-tooltip", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_SERVER_ROW);
  g_type_ensure (CS_TYPE_UPLOAD_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-upload-dialog.ui");
  gtk_widget_class_bind_template_child_private (widget_class, CsUploadDialog, close_button);
  gtk_widget_class_bind_template_child_private (widget_class, CsUploadDialog, dry_run_button);
  gtk_widget_class_bind_template_child_private (widget_class, CsUploadDialog, upload_button);
  gtk_widget_class_bind_template_child_private (widget_class, CsUploadDialog, page);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_dry_run_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_upload_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_upload_dialog_init (CsUploadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
