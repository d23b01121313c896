/* cs-group-upload-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-group.h"
#include "cs-group-upload-dialog-private.h"
#include "cs-gui-util.h"
#include "cs-saved-servers.h"
#include "cs-server-load.h"

struct _CsGroupUploadDialog
{
  CsUploadDialog    parent_instance;

  /* Template */
  AdwComboRow      *cohort_row;
  AdwEntryRow      *name_row;
  CsServerRow      *server_row;
  AdwActionRow     *id_row;
  GtkLabel         *warning_label;

  CsWindow         *window;
  CsStore          *store;
  GPtrArray        *cohorts;         /* CsSavedCohort*: [0] the current one, then the saved ones */
  GPtrArray        *current_ids;     /* char*: members of the current cohort */
  char             *source_url;      /* where the open cohort came from, or NULL */
  char             *source_label;
  AdwMessageDialog *confirmation;

  guint             checked_missing; /* of the last clean dry run (cs_upload_dialog_is_checked) */
  guint             checked_members;
  char             *group_url;
};

G_DEFINE_FINAL_TYPE (CsGroupUploadDialog, cs_group_upload_dialog, CS_TYPE_UPLOAD_DIALOG)

/* A dry run or an upload, in a thread */
typedef struct
{
  GWeakRef           dialog;       /* closing it cancels the job */
  CsServerProfile   *profile;
  CsSavedCohort     *cohort;
  GPtrArray         *ids;          /* char* */
  gboolean           dry_run;
  gboolean           check_members;
  char              *key;
  /* results */
  GPtrArray         *missing;      /* char* */
  CsFhirGroupChange  change;
  char              *url;
} GroupJob;

static void
group_job_free (gpointer data)
{
  GroupJob *job = data;

  g_weak_ref_clear (&job->dialog);
  g_clear_object (&job->profile);
  g_clear_pointer (&job->cohort, cs_saved_cohort_free);
  g_clear_pointer (&job->ids, g_ptr_array_unref);
  g_clear_pointer (&job->missing, g_ptr_array_unref);
  g_free (job->key);
  g_free (job->url);
  g_free (job);
}

/* ------------------------------------------------------------------------ */
/* The cohort and the server */

static guint
selected_cohort (CsGroupUploadDialog *self)
{
  guint index = adw_combo_row_get_selected (self->cohort_row);

  return index < self->cohorts->len ? index : 0;
}

/* The cohort as it will be uploaded (the current one under the typed name), or NULL without a name */
static CsSavedCohort *
dup_cohort (CsGroupUploadDialog *self)
{
  guint index = selected_cohort (self);
  CsSavedCohort *cohort = cs_saved_cohort_copy (g_ptr_array_index (self->cohorts, index));

  if (index == 0)
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

      if (name[0] == '\0')
        {
          cs_saved_cohort_free (cohort);
          return NULL;
        }
      g_free (cohort->name);
      cohort->name = g_steal_pointer (&name);
    }

  return cohort;
}

/* Whether the open cohort came from profile's server */
static gboolean
from_server (CsGroupUploadDialog *self,
             CsServerProfile     *profile)
{
  return profile != NULL && self->source_url != NULL &&
         cs_fhir_base_url_equal (self->source_url, cs_server_profile_get_base_url (profile));
}

static const char *
source_name (CsGroupUploadDialog *self)
{
  return self->source_label != NULL ? self->source_label : _("a file");
}

/* The members (Patient ids) of cohort index */
static GPtrArray *
members_of (CsGroupUploadDialog  *self,
            guint                 index,
            GError              **error)
{
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GArray) list = NULL;
  GPtrArray *ids;

  if (index == 0)
    return g_ptr_array_ref (self->current_ids);

  if (!(rows = cs_saved_cohort_select (g_ptr_array_index (self->cohorts, index), self->store, NULL, error)))
    return NULL;
  list = cs_bitset_to_rows (rows);
  ids = g_ptr_array_new_full (list->len, g_free);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (ids, g_strdup (cs_store_get_patient_id (self->store, g_array_index (list, guint, i))));

  return ids;
}

/* ------------------------------------------------------------------------ */
/* The state on screen */

static char *
cs_group_upload_dialog_dup_key (CsUploadDialog *dialog)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (dialog);
  CsServerProfile *profile = cs_upload_dialog_get_profile (dialog);
  g_autoptr(CsSavedCohort) cohort = NULL;
  g_autofree char *id = NULL;

  /* not set up yet, or the template is gone */
  if (self->cohorts == NULL || self->name_row == NULL)
    return NULL;
  if (profile == NULL || !(cohort = dup_cohort (self)))
    return NULL;
  id = cs_saved_cohort_dup_group_id (cohort);

  return g_strdup_printf ("%u\n%s\n%s\n%s", selected_cohort (self), cohort->name, id,
                          cs_server_profile_get_name (profile));
}

static void
update_warning (CsGroupUploadDialog *self)
{
  CsServerProfile *profile = cs_upload_dialog_get_profile (CS_UPLOAD_DIALOG (self));
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;

  if (profile == NULL || from_server (self, profile))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->warning_label), FALSE);
      return;
    }

  key = cs_group_upload_dialog_dup_key (CS_UPLOAD_DIALOG (self));
  if (cs_upload_dialog_is_checked (CS_UPLOAD_DIALOG (self), key))
    {
      g_autofree char *missing = cs_gui_format_count (self->checked_missing);
      g_autofree char *members = cs_gui_format_count (self->checked_members);

      if (self->checked_missing > 0)
        /* Translators: "3 of 40 members are not Patients on <server>: …" */
        text = g_strdup_printf (ngettext ("%s of %s member is not a Patient on %s: its reference in the Group would point nowhere. "
                                          "The cohort was loaded from %s; upload a cohort loaded from this server instead.",
                                          "%s of %s members are not Patients on %s: their references in the Group would point nowhere. "
                                          "The cohort was loaded from %s; upload a cohort loaded from this server instead.",
                                          self->checked_members),
                                missing, members, cs_server_profile_get_name (profile), source_name (self));
      else
        /* Translators: "The cohort was loaded from <file>, not from <server>, but all 40 members are Patients there." */
        text = g_strdup_printf (ngettext ("The cohort was loaded from %s, not from %s, but its %s member is a Patient there.",
                                          "The cohort was loaded from %s, not from %s, but all %s members are Patients there.",
                                          self->checked_members),
                                source_name (self), cs_server_profile_get_name (profile), members);
    }
  else
    /* Translators: "The cohort was loaded from <file>, not from <server>. …" */
    text = g_strdup_printf (_("The cohort was loaded from %s, not from %s. The Group refers to its members by "
                              "Patient id: where that server has no such Patient the reference points nowhere. "
                              "The dry run counts them."),
                            source_name (self), cs_server_profile_get_name (profile));

  gtk_label_set_text (self->warning_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), TRUE);
}

static void
cs_group_upload_dialog_update (CsUploadDialog *dialog)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (dialog);
  g_autoptr(CsSavedCohort) cohort = NULL;

  if (self->cohorts == NULL || self->name_row == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row),
                            selected_cohort (self) == 0 && !cs_upload_dialog_get_busy (dialog));
  if ((cohort = dup_cohort (self)) != NULL)
    {
      g_autofree char *id = cs_saved_cohort_dup_group_id (cohort);
      g_autofree char *subtitle = g_strconcat ("Group/", id, NULL);

      adw_action_row_set_subtitle (self->id_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->id_row, _("Give the cohort a name: the Group’s id is derived from it"));

  /* Dry Run and Upload: after a dry run of the same cohort to the same server */
  CS_UPLOAD_DIALOG_CLASS (cs_group_upload_dialog_parent_class)->update (dialog);
  update_warning (self);
}

static void
on_cohort_selected (CsGroupUploadDialog *self)
{
  g_autofree char *name = NULL;

  if (self->cohorts == NULL || self->name_row == NULL)
    return;

  /* The saved cohort's name in the (then insensitive) name row; a copy:
   * setting the text edits the current cohort's name on the way */
  name = g_strdup (((CsSavedCohort *) g_ptr_array_index (self->cohorts, selected_cohort (self)))->name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
}

static void
on_name_changed (CsGroupUploadDialog *self)
{
  if (self->cohorts == NULL || self->name_row == NULL)
    return;

  /* Typing a name edits the current cohort's */
  if (selected_cohort (self) == 0)
    {
      CsSavedCohort *current = g_ptr_array_index (self->cohorts, 0);

      g_free (current->name);
      current->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
    }
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
}

/* ------------------------------------------------------------------------ */
/* The job */

static void
group_job_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GroupJob *job = task_data;
  g_autoptr(CsFhirClient) client = NULL;
  GError *error = NULL;

  /* The keyring lookup can be slow */
  if (!(client = cs_server_profile_create_client (job->profile, cs_gui_get_secret_backend (), &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->check_members &&
      !cs_fhir_client_find_missing_patients (client, (const char *const *) job->ids->pdata, job->ids->len,
                                             job->missing, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!cs_fhir_client_push_group (client, job->cohort, (const char *const *) job->ids->pdata, job->ids->len,
                                  job->dry_run, &job->change, &job->url, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
copy_link (AdwToast   *toast,
           const char *url)
{
  gdk_clipboard_set_text (gdk_display_get_clipboard (gdk_display_get_default ()), url);
}

static void
toast_uploaded (CsGroupUploadDialog *self,
                GroupJob            *job)
{
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* Translators: "Uploaded “Older men” as a FHIR Group: https://server/fhir/Group/cs-cohort-…" */
  message = g_strdup_printf (job->change == CS_FHIR_GROUP_UNCHANGED
                               ? _("“%s” is already on the server, unchanged: %s")
                               : _("Uploaded “%s” as a FHIR Group: %s"),
                             job->cohort->name, job->url);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_button_label (toast, _("_Copy Link"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (copy_link), g_strdup (job->url),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  cs_window_add_toast_full (self->window, toast);
}

static char *
describe_dry_run (GroupJob *job)
{
  g_autofree char *id = cs_saved_cohort_dup_group_id (job->cohort);
  g_autofree char *members = cs_gui_format_count (job->ids->len);
  const char *server = cs_server_profile_get_name (job->profile);

  switch (job->change)
    {
    case CS_FHIR_GROUP_CREATED:
      /* Translators: "Group/<id> is not on <server> yet: uploading creates it with 12 members." */
      return g_strdup_printf (ngettext ("Group/%s is not on %s yet: uploading creates it with %s member.",
                                        "Group/%s is not on %s yet: uploading creates it with %s members.",
                                        job->ids->len),
                              id, server, members);
    case CS_FHIR_GROUP_UPDATED:
      return g_strdup_printf (ngettext ("Group/%s is on %s and differs: uploading replaces it with this cohort (%s member).",
                                        "Group/%s is on %s and differs: uploading replaces it with this cohort (%s members).",
                                        job->ids->len),
                              id, server, members);
    case CS_FHIR_GROUP_UNCHANGED:
    default:
      return g_strdup_printf (ngettext ("Group/%s on %s is up to date (%s member): uploading sends nothing.",
                                        "Group/%s on %s is up to date (%s members): uploading sends nothing.",
                                        job->ids->len),
                              id, server, members);
    }
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GroupJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(CsGroupUploadDialog) self = g_weak_ref_get (&job->dialog);
  CsUploadDialog *dialog = CS_UPLOAD_DIALOG (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);

  /* The dialog was closed meanwhile */
  if (self == NULL || !cs_upload_dialog_end (dialog, g_task_get_cancellable (G_TASK (result))))
    return;

  if (error != NULL)
    {
      if (cs_server_error_is_cancelled (error))
        text = g_strdup (_("Cancelled. Nothing was changed on the server."));
      else
        /* Translators: the error, then a hint */
        text = g_strdup_printf (_("%s\n\nCheck the server’s settings in Preferences → Servers and try again."),
                                error->message);
      cs_upload_dialog_set_status (dialog, text, TRUE);
      cs_upload_dialog_update (dialog);
      return;
    }

  if (job->dry_run)
    {
      text = describe_dry_run (job);
      cs_upload_dialog_set_status (dialog, text, FALSE);
      cs_upload_dialog_set_checked (dialog, job->key);
      self->checked_members = job->ids->len;
      self->checked_missing = job->missing->len;
      cs_upload_dialog_update (dialog);
      return;
    }

  /* Uploaded: a toast with the Group's URL, and the dialog closes */
  g_free (self->group_url);
  self->group_url = g_strdup (job->url);
  toast_uploaded (self, job);
  cs_upload_dialog_set_status (dialog, job->url, FALSE);
  cs_upload_dialog_update (dialog);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cs_group_upload_dialog_start (CsUploadDialog  *dialog,
                              CsServerProfile *profile,
                              gboolean         dry_run)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (dialog);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  CsSavedCohort *cohort;
  GPtrArray *ids;
  GroupJob *job;

  if (!(cohort = dup_cohort (self)))
    return;
  if (!(ids = members_of (self, selected_cohort (self), &error)))
    {
      cs_upload_dialog_set_status (dialog, error->message, TRUE);
      cs_saved_cohort_free (cohort);
      return;
    }

  job = g_new0 (GroupJob, 1);
  g_weak_ref_init (&job->dialog, self);
  job->profile = g_object_ref (profile);
  job->cohort = cohort;
  job->ids = ids;
  job->dry_run = dry_run;
  /* Only a cohort from elsewhere needs its members looked up */
  job->check_members = dry_run && !from_server (self, profile);
  job->missing = g_ptr_array_new_with_free_func (g_free);
  job->key = cs_group_upload_dialog_dup_key (dialog);

  cancellable = cs_upload_dialog_begin (dialog, dry_run ? _("Comparing the Group with the server…") : _("Uploading…"));

  /* not the dialog's: it goes when it is closed, which cancels the job */
  task = g_task_new (NULL, cancellable, on_job_done, NULL);
  g_task_set_source_tag (task, cs_group_upload_dialog_start);
  g_task_set_task_data (task, job, group_job_free);
  g_task_run_in_thread (task, group_job_thread);
}

static void
on_confirmation_response (AdwMessageDialog    *confirmation,
                          const char          *response,
                          CsGroupUploadDialog *self)
{
  self->confirmation = NULL;
  if (g_strcmp0 (response, "upload") == 0)
    cs_upload_dialog_run (CS_UPLOAD_DIALOG (self), FALSE);
}

/* Upload: a cohort loaded from elsewhere is sent only after asking */
static void
cs_group_upload_dialog_upload (CsUploadDialog *dialog)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (dialog);
  CsServerProfile *profile = cs_upload_dialog_get_profile (dialog);
  g_autofree char *body = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *members = NULL;
  GtkWidget *confirmation;

  if (from_server (self, profile))
    {
      cs_upload_dialog_run (dialog, FALSE);
      return;
    }

  missing = cs_gui_format_count (self->checked_missing);
  members = cs_gui_format_count (self->checked_members);
  if (self->checked_missing > 0)
    /* Translators: "… loaded from <file>, not from <server>. 3 of 40 members are not Patients there …" */
    body = g_strdup_printf (ngettext ("The cohort was loaded from %s, not from %s. %s of %s member is not a Patient there, "
                                      "so its reference in the Group would point nowhere.",
                                      "The cohort was loaded from %s, not from %s. %s of %s members are not Patients there, "
                                      "so their references in the Group would point nowhere.",
                                      self->checked_members),
                            source_name (self), cs_server_profile_get_name (profile), missing, members);
  else
    body = g_strdup_printf (_("The cohort was loaded from %s, not from %s. Its members are Patients there now, "
                              "but the Group refers to them by id only."),
                            source_name (self), cs_server_profile_get_name (profile));

  confirmation = adw_message_dialog_new (GTK_WINDOW (self), _("Upload a Cohort from Another Source?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (confirmation),
                                    "cancel", _("_Cancel"),
                                    "upload", _("_Upload Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (confirmation), "upload",
                                              self->checked_missing > 0 ? ADW_RESPONSE_DESTRUCTIVE
                                                                        : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (confirmation), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (confirmation), "cancel");
  g_signal_connect (confirmation, "response", G_CALLBACK (on_confirmation_response), self);
  self->confirmation = ADW_MESSAGE_DIALOG (confirmation);
  gtk_window_present (GTK_WINDOW (confirmation));
}

/* ------------------------------------------------------------------------ */
/* The object */

static void
cs_group_upload_dialog_dispose (GObject *object)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (object);

  if (self->confirmation != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->confirmation, self);
      gtk_window_destroy (GTK_WINDOW (self->confirmation));
      self->confirmation = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_GROUP_UPLOAD_DIALOG);
  g_clear_object (&self->window);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_group_upload_dialog_parent_class)->dispose (object);
}

static void
cs_group_upload_dialog_finalize (GObject *object)
{
  CsGroupUploadDialog *self = CS_GROUP_UPLOAD_DIALOG (object);

  g_clear_pointer (&self->cohorts, g_ptr_array_unref);
  g_clear_pointer (&self->current_ids, g_ptr_array_unref);
  g_free (self->source_url);
  g_free (self->source_label);
  g_free (self->group_url);

  G_OBJECT_CLASS (cs_group_upload_dialog_parent_class)->finalize (object);
}

static void
cs_group_upload_dialog_class_init (CsGroupUploadDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CsUploadDialogClass *dialog_class = CS_UPLOAD_DIALOG_CLASS (klass);

  object_class->dispose = cs_group_upload_dialog_dispose;
  object_class->finalize = cs_group_upload_dialog_finalize;
  dialog_class->dup_key = cs_group_upload_dialog_dup_key;
  dialog_class->start = cs_group_upload_dialog_start;
  dialog_class->upload = cs_group_upload_dialog_upload;
  dialog_class->update = cs_group_upload_dialog_update;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-group-upload-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsGroupUploadDialog, cohort_row);
  gtk_widget_class_bind_template_child (widget_class, CsGroupUploadDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CsGroupUploadDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CsGroupUploadDialog, id_row);
  gtk_widget_class_bind_template_child (widget_class, CsGroupUploadDialog, warning_label);
  gtk_widget_class_bind_template_callback_full (widget_class, "update", G_CALLBACK (cs_upload_dialog_update));
  gtk_widget_class_bind_template_callback (widget_class, on_cohort_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
}

static void
cs_group_upload_dialog_init (CsGroupUploadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
cs_group_upload_dialog_new (CsWindow        *window,
                            CsCohortBuilder *builder,
                            int              saved_index)
{
  g_autoptr(GtkStringList) cohort_names = gtk_string_list_new (NULL);
  CsStore *store = cs_cohort_builder_get_store (builder);
  GPtrArray *saved = cs_cohort_builder_get_saved (builder);
  const CsBitset *selection = cs_cohort_builder_get_selection (builder);
  const char *members_name = cs_cohort_builder_get_members_name (builder);
  CsGroupUploadDialog *self;
  guint n;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (builder), NULL);
  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (CS_TYPE_GROUP_UPLOAD_DIALOG, "transient-for", window, NULL);
  self->window = g_object_ref (window);
  self->store = g_object_ref (store);
  self->source_url = g_strdup (cs_window_get_source_url (window));
  self->source_label = g_strdup (cs_window_get_source_label (window));
  cs_upload_dialog_load_servers (CS_UPLOAD_DIALOG (self));

  /* The current cohort, with its members as the table shows them, then the saved ones */
  self->current_ids = g_ptr_array_new_with_free_func (g_free);
  n = cs_store_get_n_patients (store);
  for (guint r = 0; r < n; r++)
    if (selection == NULL || cs_bitset_get (selection, r))
      g_ptr_array_add (self->current_ids, g_strdup (cs_store_get_patient_id (store, r)));
  self->cohorts = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_saved_cohort_free);
  g_ptr_array_add (self->cohorts, cs_cohort_builder_dup_current (builder, members_name != NULL ? members_name : ""));
  gtk_string_list_append (cohort_names, _("Current cohort"));
  for (guint i = 0; i < saved->len; i++)
    {
      const CsSavedCohort *cohort = g_ptr_array_index (saved, i);

      g_ptr_array_add (self->cohorts, cs_saved_cohort_copy (cohort));
      gtk_string_list_append (cohort_names, cohort->name);
    }
  /* selects the current cohort: its name goes into the name row */
  adw_combo_row_set_model (self->cohort_row, G_LIST_MODEL (cohort_names));

  /* By default the server the cohort came from, and the saved cohort asked for */
  cs_server_row_select_url (self->server_row, self->source_url);
  if (saved_index >= 0 && (guint) saved_index + 1 < self->cohorts->len)
    adw_combo_row_set_selected (self->cohort_row, (guint) saved_index + 1);
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));

  return GTK_WINDOW (self);
}

AdwMessageDialog *
_cs_group_upload_dialog_get_confirmation (CsGroupUploadDialog *self)
{
  g_return_val_if_fail (CS_IS_GROUP_UPLOAD_DIALOG (self), NULL);

  return self->confirmation;
}

const char *
_cs_group_upload_dialog_get_group_url (CsGroupUploadDialog *self)
{
  g_return_val_if_fail (CS_IS_GROUP_UPLOAD_DIALOG (self), NULL);

  return self->group_url;
}
