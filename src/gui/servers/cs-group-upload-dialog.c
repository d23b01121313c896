/* cs-group-upload-dialog.c: "Upload as FHIR Group…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-fhir-group.h"
#include "cs-group-upload-dialog.h"
#include "cs-gui-util.h"
#include "cs-server-form.h"
#include "cs-server-preferences.h"

typedef struct
{
  CsServerForm      form;          /* the dialog, servers, buttons, status, the running job */
  CsWindow         *window;
  CsStore          *store;
  GPtrArray        *cohorts;       /* CsSavedCohort*: [0] the current one, then the saved ones */
  GPtrArray        *current_ids;   /* char*: members of the current cohort */
  char             *source_url;    /* where the open cohort came from, or NULL */
  char             *source_label;

  AdwComboRow      *cohort_row;
  AdwEntryRow      *name_row;
  AdwActionRow     *id_row;
  GtkLabel         *warning;
  AdwMessageDialog *confirmation;

  gboolean          closed;
  guint             checked_missing;   /* of the last successful dry run (form.checked_key) */
  guint             checked_members;
  char             *group_url;
} GroupUpload;

typedef struct
{
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

  g_clear_object (&job->profile);
  g_clear_pointer (&job->cohort, cs_saved_cohort_free);
  g_clear_pointer (&job->ids, g_ptr_array_unref);
  g_clear_pointer (&job->missing, g_ptr_array_unref);
  g_free (job->key);
  g_free (job->url);
  g_free (job);
}

static void
group_upload_free (gpointer data)
{
  GroupUpload *up = data;

  cs_server_form_clear (&up->form);
  g_clear_object (&up->window);
  g_clear_object (&up->store);
  g_clear_pointer (&up->cohorts, g_ptr_array_unref);
  g_clear_pointer (&up->current_ids, g_ptr_array_unref);
  g_free (up->source_url);
  g_free (up->source_label);
  g_free (up->group_url);
  g_free (up);
}

static guint
selected_cohort (GroupUpload *up)
{
  guint index = adw_combo_row_get_selected (up->cohort_row);

  return index < up->cohorts->len ? index : 0;
}

/* The cohort as it will be uploaded (the current one under the typed name), or NULL without a name */
static CsSavedCohort *
dup_cohort (GroupUpload *up)
{
  guint index = selected_cohort (up);
  CsSavedCohort *cohort = cs_saved_cohort_copy (g_ptr_array_index (up->cohorts, index));

  if (index == 0)
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (up->name_row))));

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
from_server (GroupUpload     *up,
             CsServerProfile *profile)
{
  return profile != NULL && up->source_url != NULL &&
         cs_fhir_base_url_equal (up->source_url, cs_server_profile_get_base_url (profile));
}

static char *
job_key (GroupUpload *up)
{
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);
  g_autoptr(CsSavedCohort) cohort = dup_cohort (up);
  g_autofree char *id = NULL;

  if (profile == NULL || cohort == NULL)
    return NULL;
  id = cs_saved_cohort_dup_group_id (cohort);

  return g_strdup_printf ("%u\n%s\n%s\n%s", selected_cohort (up), cohort->name, id,
                          cs_server_profile_get_name (profile));
}

static const char *
source_name (GroupUpload *up)
{
  return up->source_label != NULL ? up->source_label : _("a file");
}

static void
update_warning (GroupUpload *up)
{
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);
  g_autofree char *text = NULL;
  g_autofree char *key = job_key (up);

  if (profile == NULL || from_server (up, profile))
    {
      gtk_widget_set_visible (GTK_WIDGET (up->warning), FALSE);
      return;
    }

  if (key != NULL && g_strcmp0 (key, up->form.checked_key) == 0)
    {
      g_autofree char *missing = cs_gui_format_count (up->checked_missing);
      g_autofree char *members = cs_gui_format_count (up->checked_members);

      if (up->checked_missing > 0)
        /* Translators: "3 of 40 members are not Patients on <server>: …" */
        text = g_strdup_printf (ngettext ("%s of %s member is not a Patient on %s: its reference in the Group would point nowhere. "
                                          "The cohort was loaded from %s; upload a cohort loaded from this server instead.",
                                          "%s of %s members are not Patients on %s: their references in the Group would point nowhere. "
                                          "The cohort was loaded from %s; upload a cohort loaded from this server instead.",
                                          up->checked_members),
                                missing, members, cs_server_profile_get_name (profile), source_name (up));
      else
        /* Translators: "The cohort was loaded from <file>, not from <server>, but all 40 members are Patients there." */
        text = g_strdup_printf (ngettext ("The cohort was loaded from %s, not from %s, but its %s member is a Patient there.",
                                          "The cohort was loaded from %s, not from %s, but all %s members are Patients there.",
                                          up->checked_members),
                                source_name (up), cs_server_profile_get_name (profile), members);
    }
  else
    /* Translators: "The cohort was loaded from <file>, not from <server>. …" */
    text = g_strdup_printf (_("The cohort was loaded from %s, not from %s. The Group refers to its members by "
                              "Patient id: where that server has no such Patient the reference points nowhere. "
                              "The dry run counts them."),
                            source_name (up), cs_server_profile_get_name (profile));

  gtk_label_set_text (up->warning, text);
  gtk_widget_set_visible (GTK_WIDGET (up->warning), TRUE);
}

static void
update (GroupUpload *up)
{
  g_autofree char *key = NULL;
  g_autoptr(CsSavedCohort) cohort = NULL;
  gboolean is_current = selected_cohort (up) == 0;

  if (up->closed)
    return;

  key = job_key (up);
  cohort = dup_cohort (up);

  gtk_widget_set_sensitive (GTK_WIDGET (up->name_row), is_current && !up->form.busy);
  if (cohort != NULL)
    {
      g_autofree char *id = cs_saved_cohort_dup_group_id (cohort);
      g_autofree char *subtitle = g_strconcat ("Group/", id, NULL);

      adw_action_row_set_subtitle (up->id_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (up->id_row, _("Give the cohort a name: the Group’s id is derived from it"));

  /* Upload after a dry run of the same cohort to the same server */
  cs_server_form_update (&up->form, key);
  update_warning (up);
}

static void
on_changed (GObject     *object,
            GParamSpec  *pspec,
            GroupUpload *up)
{
  if (up->closed)
    return;

  /* The saved cohort's name in the (then insensitive) name row */
  if (pspec != NULL && g_str_equal (pspec->name, "selected") && ADW_COMBO_ROW (object) == up->cohort_row)
    {
      guint index = selected_cohort (up);

      /* A copy: setting the text edits the current cohort's name on the way */
      g_autofree char *name = g_strdup (((CsSavedCohort *) g_ptr_array_index (up->cohorts, index))->name);

      gtk_editable_set_text (GTK_EDITABLE (up->name_row), name);
    }
  update (up);
}

static void
on_name_changed (GtkEditable *editable,
                 GroupUpload *up)
{
  if (up->closed)
    return;

  /* Typing a name edits the current cohort's */
  if (selected_cohort (up) == 0)
    {
      CsSavedCohort *current = g_ptr_array_index (up->cohorts, 0);

      g_free (current->name);
      current->name = g_strdup (gtk_editable_get_text (editable));
    }
  update (up);
}

/* The members (Patient ids) of cohort index */
static GPtrArray *
members_of (GroupUpload  *up,
            guint         index,
            GError      **error)
{
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GArray) list = NULL;
  GPtrArray *ids;

  if (index == 0)
    return g_ptr_array_ref (up->current_ids);

  if (!(rows = cs_saved_cohort_select (g_ptr_array_index (up->cohorts, index), up->store, NULL, error)))
    return NULL;
  list = cs_bitset_to_rows (rows);
  ids = g_ptr_array_new_full (list->len, g_free);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (ids, g_strdup (cs_store_get_patient_id (up->store, g_array_index (list, guint, i))));

  return ids;
}

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
copy_link (AdwToast *toast,
           gpointer  user_data)
{
  const char *url = g_object_get_data (G_OBJECT (toast), "cs-url");
  CsWindow *window = user_data;

  if (url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), url);
}

static void
toast_uploaded (GroupUpload *up,
                GroupJob    *job)
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
  g_object_set_data_full (G_OBJECT (toast), "cs-url", g_strdup (job->url), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (copy_link), up->window, 0);
  cs_window_add_toast_full (up->window, toast);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GroupUpload *up = user_data;
  GroupJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *members = NULL;
  g_autofree char *text = NULL;
  CsServerProfile *profile;

  g_task_propagate_boolean (G_TASK (result), &error);

  /* The dialog was closed meanwhile */
  if (up->closed || g_task_get_cancellable (G_TASK (result)) != up->form.cancellable)
    {
      g_object_unref (up->form.dialog);
      return;
    }

  cs_server_form_end (&up->form);
  profile = job->profile;
  members = cs_gui_format_count (job->ids->len);

  if (error != NULL)
    {
      if (cs_server_form_is_cancelled (error))
        text = g_strdup (_("Cancelled. Nothing was changed on the server."));
      else
        /* Translators: the error, then a hint */
        text = g_strdup_printf (_("%s\n\nCheck the server’s settings in Preferences → Servers and try again."),
                                error->message);
      cs_server_form_set_status (&up->form, text, TRUE);
      update (up);
      g_object_unref (up->form.dialog);
      return;
    }

  if (job->dry_run)
    {
      g_autofree char *id = cs_saved_cohort_dup_group_id (job->cohort);
      const char *server = cs_server_profile_get_name (profile);

      switch (job->change)
        {
        case CS_FHIR_GROUP_CREATED:
          /* Translators: "Group/<id> is not on <server> yet: uploading creates it with 12 members." */
          text = g_strdup_printf (ngettext ("Group/%s is not on %s yet: uploading creates it with %s member.",
                                            "Group/%s is not on %s yet: uploading creates it with %s members.",
                                            job->ids->len),
                                  id, server, members);
          break;
        case CS_FHIR_GROUP_UPDATED:
          text = g_strdup_printf (ngettext ("Group/%s is on %s and differs: uploading replaces it with this cohort (%s member).",
                                            "Group/%s is on %s and differs: uploading replaces it with this cohort (%s members).",
                                            job->ids->len),
                                  id, server, members);
          break;
        case CS_FHIR_GROUP_UNCHANGED:
        default:
          text = g_strdup_printf (ngettext ("Group/%s on %s is up to date (%s member): uploading sends nothing.",
                                            "Group/%s on %s is up to date (%s members): uploading sends nothing.",
                                            job->ids->len),
                                  id, server, members);
          break;
        }
      cs_server_form_set_status (&up->form, text, FALSE);
      cs_server_form_set_checked (&up->form, job->key);
      up->checked_members = job->ids->len;
      up->checked_missing = job->missing->len;
      update (up);
      g_object_unref (up->form.dialog);
      return;
    }

  /* Uploaded: a toast with the Group's URL, and the dialog closes */
  g_free (up->group_url);
  up->group_url = g_strdup (job->url);
  toast_uploaded (up, job);
  cs_server_form_set_status (&up->form, job->url, FALSE);
  update (up);
  gtk_window_destroy (up->form.dialog);
  g_object_unref (up->form.dialog);
}

static void
start_job (GroupUpload *up,
           gboolean     dry_run)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);
  CsSavedCohort *cohort;
  GPtrArray *ids;
  GroupJob *job;

  if (up->form.busy || up->closed || profile == NULL)
    return;
  if (!(cohort = dup_cohort (up)))
    return;
  if (!(ids = members_of (up, selected_cohort (up), &error)))
    {
      cs_server_form_set_status (&up->form, error->message, TRUE);
      cs_saved_cohort_free (cohort);
      return;
    }

  job = g_new0 (GroupJob, 1);
  job->profile = g_object_ref (profile);
  job->cohort = cohort;
  job->ids = ids;
  job->dry_run = dry_run;
  /* Only a cohort from elsewhere needs its members looked up */
  job->check_members = dry_run && !from_server (up, profile);
  job->missing = g_ptr_array_new_with_free_func (g_free);
  job->key = job_key (up);

  cs_server_form_begin (&up->form, dry_run ? _("Comparing the Group with the server…") : _("Uploading…"));
  update (up);

  /* The dialog stays alive (not necessarily open) until the job reports */
  task = g_task_new (NULL, up->form.cancellable, on_job_done, up);
  g_object_ref (up->form.dialog);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, group_job_free);
  g_task_run_in_thread (task, group_job_thread);
}

static void
on_dry_run_clicked (GtkButton   *button,
                    GroupUpload *up)
{
  start_job (up, TRUE);
}

static void
on_confirmation_response (AdwMessageDialog *dialog,
                          const char       *response,
                          GroupUpload      *up)
{
  up->confirmation = NULL;
  if (g_strcmp0 (response, "upload") == 0)
    start_job (up, FALSE);
}

static void
on_upload_clicked (GtkButton   *button,
                   GroupUpload *up)
{
  CsServerProfile *profile = cs_server_form_get_profile (&up->form);
  g_autofree char *body = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *members = NULL;
  GtkWidget *dialog;

  if (up->form.busy || profile == NULL)
    return;
  if (from_server (up, profile))
    {
      start_job (up, FALSE);
      return;
    }

  /* Loaded from elsewhere: ask first */
  missing = cs_gui_format_count (up->checked_missing);
  members = cs_gui_format_count (up->checked_members);
  if (up->checked_missing > 0)
    /* Translators: "… loaded from <file>, not from <server>. 3 of 40 members are not Patients there …" */
    body = g_strdup_printf (ngettext ("The cohort was loaded from %s, not from %s. %s of %s member is not a Patient there, "
                                      "so its reference in the Group would point nowhere.",
                                      "The cohort was loaded from %s, not from %s. %s of %s members are not Patients there, "
                                      "so their references in the Group would point nowhere.",
                                      up->checked_members),
                            source_name (up), cs_server_profile_get_name (profile), missing, members);
  else
    body = g_strdup_printf (_("The cohort was loaded from %s, not from %s. Its members are Patients there now, "
                              "but the Group refers to them by id only."),
                            source_name (up), cs_server_profile_get_name (profile));

  dialog = adw_message_dialog_new (up->form.dialog, _("Upload a Cohort from Another Source?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "upload", _("_Upload Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "upload",
                                              up->checked_missing > 0 ? ADW_RESPONSE_DESTRUCTIVE
                                                                      : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirmation_response), up);
  up->confirmation = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_destroy (GtkWidget   *widget,
            GroupUpload *up)
{
  up->closed = TRUE;
  cs_server_form_stop (&up->form);
  if (up->confirmation != NULL)
    {
      g_signal_handlers_disconnect_by_data (up->confirmation, up);
      gtk_window_destroy (GTK_WINDOW (up->confirmation));
      up->confirmation = NULL;
    }
}

GtkWindow *
cs_group_upload_dialog_new (CsWindow        *window,
                            CsCohortBuilder *builder,
                            int              saved_index)
{
  g_autoptr(GtkStringList) cohort_names = gtk_string_list_new (NULL);
  CsStore *store = cs_cohort_builder_get_store (builder);
  GPtrArray *saved = cs_cohort_builder_get_saved (builder);
  GtkWidget *dialog, *box, *header, *page, *group, *row;
  CsSavedCohort *current;
  GroupUpload *up;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (builder), NULL);
  g_return_val_if_fail (store != NULL, NULL);

  up = g_new0 (GroupUpload, 1);
  up->window = g_object_ref (window);
  up->store = g_object_ref (store);
  up->source_url = g_strdup (cs_window_get_source_url (window));
  up->source_label = g_strdup (cs_window_get_source_label (window));
  up->cohorts = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_saved_cohort_free);

  /* The current cohort: its members as the table shows them */
  current = cs_cohort_builder_dup_current (builder, cs_cohort_builder_get_members_name (builder) != NULL
                                                   ? cs_cohort_builder_get_members_name (builder) : "");
  up->current_ids = g_ptr_array_new_with_free_func (g_free);
  {
    const CsBitset *selection = cs_cohort_builder_get_selection (builder);
    guint n = cs_store_get_n_patients (store);

    for (guint r = 0; r < n; r++)
      if (selection == NULL || cs_bitset_get (selection, r))
        g_ptr_array_add (up->current_ids, g_strdup (cs_store_get_patient_id (store, r)));
  }
  g_ptr_array_add (up->cohorts, current);
  gtk_string_list_append (cohort_names, _("Current cohort"));
  for (guint i = 0; i < saved->len; i++)
    {
      const CsSavedCohort *cohort = g_ptr_array_index (saved, i);

      g_ptr_array_add (up->cohorts, cs_saved_cohort_copy (cohort));
      gtk_string_list_append (cohort_names, cohort->name);
    }

  /* The window */
  dialog = cs_server_form_dialog_new (GTK_WINDOW (window), _("Upload as FHIR Group"), &header);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 600, 520);
  g_object_set_data_full (G_OBJECT (dialog), "cs-group-upload", up, group_upload_free);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_destroy), up);
  box = GTK_WIDGET (cs_server_form_dialog_get_box (dialog));
  cs_server_form_init (&up->form, dialog, header, window,
                       _("Creates or updates the Group on the server; available after a dry run"),
                       G_CALLBACK (on_upload_clicked),
                       _("Finds out whether the Group would be created, updated or left unchanged"),
                       G_CALLBACK (on_dry_run_clicked),
                       up);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The cohort becomes a FHIR Group whose members refer to the server’s Patients. "
                                           "Its id comes from the cohort, so uploading it again updates the same Group."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  row = adw_combo_row_new ();
  gtk_widget_set_name (row, "cohort");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("C_ohort"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (cohort_names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  up->cohort_row = ADW_COMBO_ROW (row);

  row = adw_entry_row_new ();
  gtk_widget_set_name (row, "name");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), current->name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  up->name_row = ADW_ENTRY_ROW (row);

  row = cs_server_form_create_server_row (&up->form);
  /* By default the server the cohort came from */
  for (guint i = 0; i < up->form.profiles->len; i++)
    if (from_server (up, g_ptr_array_index (up->form.profiles, i)))
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
        break;
      }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "group-id");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Group id"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  up->id_row = ADW_ACTION_ROW (row);

  group = adw_preferences_group_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);

  up->warning = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (up->warning), "warning");
  gtk_label_set_xalign (up->warning, 0);
  gtk_label_set_wrap (up->warning, TRUE);
  gtk_label_set_selectable (up->warning, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (up->warning), "warning");
  cs_server_form_set_accessible_label (GTK_WIDGET (up->warning), _("Warning about the members"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (up->warning));

  cs_server_form_add_status (&up->form, GTK_BOX (box),
                             up->form.profiles->len == 0
                             ? _("Add a server in Preferences → Servers first.")
                             : _("Run a dry run to see whether the Group would be created, updated or left unchanged."));

  if (saved_index >= 0 && (guint) saved_index + 1 < up->cohorts->len)
    adw_combo_row_set_selected (up->cohort_row, (guint) saved_index + 1);
  if (selected_cohort (up) > 0)
    gtk_editable_set_text (GTK_EDITABLE (up->name_row),
                           ((CsSavedCohort *) g_ptr_array_index (up->cohorts, selected_cohort (up)))->name);

  g_signal_connect (up->cohort_row, "notify::selected", G_CALLBACK (on_changed), up);
  g_signal_connect (up->form.server_row, "notify::selected", G_CALLBACK (on_changed), up);
  g_signal_connect (up->name_row, "changed", G_CALLBACK (on_name_changed), up);
  update (up);

  return GTK_WINDOW (dialog);
}

gboolean
cs_group_upload_dialog_get_busy (GtkWindow *dialog)
{
  GroupUpload *up = g_object_get_data (G_OBJECT (dialog), "cs-group-upload");

  g_return_val_if_fail (up != NULL, FALSE);

  return up->form.busy;
}

AdwMessageDialog *
cs_group_upload_dialog_get_confirmation (GtkWindow *dialog)
{
  GroupUpload *up = g_object_get_data (G_OBJECT (dialog), "cs-group-upload");

  g_return_val_if_fail (up != NULL, NULL);

  return up->confirmation;
}

const char *
cs_group_upload_dialog_get_group_url (GtkWindow *dialog)
{
  GroupUpload *up = g_object_get_data (G_OBJECT (dialog), "cs-group-upload");

  g_return_val_if_fail (up != NULL, NULL);

  return up->group_url;
}
