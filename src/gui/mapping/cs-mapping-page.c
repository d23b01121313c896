/* cs-mapping-page.c: the Mapping page, the coordinator of its panes
 *
 * The page owns the document: the mapping's text (a GtkSourceBuffer with
 * undo and redo), its file, whether it is saved, the table and its input
 * role, and the mapping compiled against the table (CsMappingPreview). It
 * reads tables, opens and saves mappings, runs the toolbar's actions, and
 * passes what changed to the panes, each a widget with its own template:
 * CsMappingTablesPane (profile, rows, and the tabs of CsMappingValueMapsPane
 * and CsMappingProblemsPane), CsMappingEditorPane and CsMappingPreviewPane.
 * The panes do not know each other; their signals come here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "cs-gui-util.h"
#include "cs-mapping-assist.h"
#include "cs-mapping-common.h"
#include "cs-mapping-upload-dialog.h"
#include "cs-round-trip-dialog.h"
#include "cs-mapping-editor-pane.h"
#include "cs-mapping-page-private.h"
#include "cs-mapping-preview-pane.h"
#include "cs-mapping-tables-pane.h"
#include "cs-window.h"

#define PREVIEW_DELAY_MS 300

struct _CsMappingPage
{
  GtkWidget               parent_instance;

  /* template */
  GtkStack               *stack;
  GtkLabel               *loading_label;
  GtkProgressBar         *loading_progress;
  GtkDropDown            *template_dropdown;
  GtkProgressBar         *job_progress;
  GtkWidget              *job_cancel;
  CsMappingTablesPane    *tables;
  CsMappingEditorPane    *editor;
  CsMappingPreviewPane   *preview_pane;
  CsMappingValueMapsPane *value_maps;    /* in tables */
  CsMappingProblemsPane  *problems;      /* in tables */

  /* the document */
  GtkSourceBuffer        *mapping_buffer;
  char                   *mapping_path;     /* where the mapping was read from / saved to */
  CsTableProfile         *table;
  char                   *role;             /* the table's input role */
  CsMappingInputFile     *others;           /* the mapping's other inputs (--input), for joins and runs */
  guint                   n_others;
  char                   *pending_mapping;  /* a mapping to apply once its table is read */
  CsMappingPreview       *preview;          /* the mapping compiled against the table */
  gboolean                preview_stale;    /* the text changed since the preview was compiled */
  guint                   preview_source;

  GQueue                 *role_queue;       /* tables opened together, to ask "Which Input?" about */
  GPtrArray              *role_answers;     /* char* path, role, path, role…: asked and answered */
  gboolean                asking_role;      /* a "Which Input?" dialog is up */

  gboolean                checked;          /* the problems pane's are of this table */
  gboolean                loading;          /* a table is read */
  GCancellable           *cancellable;      /* of the table read */
  char                   *last_error;
};

G_DEFINE_FINAL_TYPE (CsMappingPage, cs_mapping_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_OPEN_IN_COHORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_preview (CsMappingPage *self);
static void update_roles (CsMappingPage *self);
static GtkWindow *parent_window (CsMappingPage *self);

/* The table shown now reads that role: it is no other input any more */
static void
drop_other (CsMappingPage *self,
            const char    *role)
{
  for (guint i = 0; i < self->n_others; i++)
    if (g_strcmp0 (self->others[i].role, role) == 0)
      {
        g_free ((char *) self->others[i].role);
        g_free ((char *) self->others[i].path);
        g_free ((char *) self->others[i].name);
        self->others[i] = self->others[--self->n_others];
        return;
      }
}

static void
set_others (CsMappingPage            *self,
            const CsMappingInputFile *others,
            guint                     n_others)
{
  cs_mapping_input_files_free (self->others, self->n_others);
  self->others = n_others > 0 ? cs_mapping_input_files_copy (others, n_others) : NULL;
  self->n_others = n_others;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Replaces the mapping's text; undoable unless it is a new document. */
static void
set_mapping_text (CsMappingPage *self,
                  const char    *text,
                  gboolean       new_document)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->mapping_buffer);
  GtkTextIter start, end;

  if (new_document)
    {
      /* gtk_text_buffer_set_text() is irreversible itself (GTK 4.8) */
      gtk_text_buffer_set_text (buffer, text, -1);
    }
  else
    {
      /* one undoable step: set_text() would be irreversible */
      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, text, -1);
      gtk_text_buffer_end_user_action (buffer);
    }
  if (new_document)
    gtk_text_buffer_set_modified (buffer, FALSE);
  self->preview_stale = TRUE;
}

static char *
mapping_base_dir (CsMappingPage *self)
{
  if (self->mapping_path != NULL)
    return g_path_get_dirname (self->mapping_path);
  if (self->table != NULL)
    return g_path_get_dirname (self->table->path);
  return NULL;
}

/* Tells the value maps what they need: the mapping, its table and the
 * folder of its files (after any of them changed). */
static void
sync_value_maps (CsMappingPage *self)
{
  g_autofree char *base_dir = mapping_base_dir (self);

  cs_mapping_value_maps_pane_set_mapping (self->value_maps,
                                          self->preview != NULL ? cs_mapping_preview_get_mapping (self->preview) : NULL,
                                          self->table, base_dir);
}

static void
set_mapping_path (CsMappingPage *self,
                  const char    *path)
{
  if (self->mapping_path == path)
    return;
  g_free (self->mapping_path);
  self->mapping_path = g_strdup (path);
  sync_value_maps (self);
}

/* Replaces the compiled mapping; the panes that borrow it let go first. */
static void
set_preview (CsMappingPage    *self,
             CsMappingPreview *preview)
{
  cs_mapping_preview_pane_set_preview (self->preview_pane, NULL, NULL);
  cs_mapping_value_maps_pane_set_mapping (self->value_maps, NULL, NULL, NULL);
  g_clear_pointer (&self->preview, cs_mapping_preview_free);
  self->preview = preview;
  if (preview != NULL)
    {
      cs_mapping_preview_pane_set_preview (self->preview_pane, preview, self->table);
      sync_value_maps (self);
    }
}

static void
show_error (CsMappingPage *self,
            const char    *heading,
            const char    *message,
            const char    *hint)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  cs_gui_show_error (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message, hint);
}

static void
on_pane_error (CsMappingPage *self,
               const char    *heading,
               const char    *message,
               const char    *hint)
{
  show_error (self, heading, message, hint);
}

static void
update_actions (CsMappingPage *self)
{
  gboolean has_table = self->table != NULL;
  gboolean running = cs_mapping_problems_pane_get_running (self->problems);
  gboolean idle = !self->loading && !running;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.validate", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.run", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.apply-template", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.cancel", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.open-output",
                                 cs_mapping_problems_pane_get_output_path (self->problems) != NULL && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.compare",
                                 has_table && cs_mapping_problems_pane_get_output_path (self->problems) != NULL && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.upload", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.open-table", !self->loading);
  gtk_widget_set_visible (GTK_WIDGET (self->job_progress), running);
  gtk_widget_set_visible (self->job_cancel, running);
}

gboolean
cs_mapping_page_is_table_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".tsv")
         || g_str_has_suffix (lower, ".tab") || g_str_has_suffix (lower, ".txt");
}

/* The grid marks the problems of the last validation in this table's rows
 * and those of the previewed row. */
static void
mark_problems (CsMappingPage *self)
{
  cs_mapping_tables_pane_set_problems (self->tables, self->role,
                                       self->checked ? cs_mapping_problems_pane_get_problems (self->problems) : NULL,
                                       cs_mapping_preview_pane_get_problems (self->preview_pane));
}

/* ------------------------------------------------------------------ */
/* Opening a table                                                     */

static void on_row_selected (CsMappingPage *self);

static void
show_table (CsMappingPage *self)
{
  /* the preview follows once, from table_loaded() */
  g_signal_handlers_block_by_func (self->tables, on_row_selected, self);
  cs_mapping_tables_pane_set_table (self->tables, self->table);
  g_signal_handlers_unblock_by_func (self->tables, on_row_selected, self);
  gtk_stack_set_visible_child_name (self->stack, "main");
}

static void
end_loading (CsMappingPage *self)
{
  self->loading = FALSE;
  g_clear_object (&self->cancellable);
  update_actions (self);
}

static void
table_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  CsMappingPage *self = user_data;

  if (self->loading && total > 0)
    gtk_progress_bar_set_fraction (self->loading_progress, (double) done / (double) total);
}

static void
apply_suggestion (CsMappingPage        *self,
                  CsMappingTemplateKind kind,
                  gboolean              new_document)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (self->table, self->role, kind, NULL, &error);

  if (json == NULL)
    {
      if (new_document)
        {
          /* still something to start from */
          g_autofree char *uuid = g_uuid_string_random ();
          g_autofree char *skeleton =
            g_strdup_printf ("{\n  \"format\": \"" CS_MAPPING_FORMAT "\",\n  \"id\": \"mapping\",\n"
                             "  \"version\": \"0.1.0\",\n  \"namespace\": \"%s\",\n"
                             "  \"inputs\": [{\"role\": \"%s\", \"key\": \"\"}],\n  \"resources\": []\n}\n",
                             uuid, self->role);
          set_mapping_text (self, skeleton, TRUE);
        }
      show_error (self, _("No Suggested Mapping"), error->message,
                  _("Write the mapping by hand, starting with the input’s “key”."));
      return;
    }
  set_mapping_text (self, json, new_document);
  set_mapping_path (self, NULL);
}

static void
table_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CsMappingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CsTableProfile *table = cs_table_profile_new_finish (result, &error);
  g_autofree char *role = g_object_steal_data (G_OBJECT (self), "opening-role");
  g_autoptr(CsTableProfile) old_table = NULL;

  end_loading (self);
  if (table == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, self->table != NULL ? "main" : "empty");
      /* a switch that failed: the shown table is no other input */
      drop_other (self, self->role);
      update_roles (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot Open the Table"), error->message,
                    _("The table that was open and the mapping are kept. Fix the file (or save it as UTF-8 "
                      "CSV) and open it again."));
      g_clear_pointer (&self->pending_mapping, g_free);
      return;
    }

  /* the old table goes once the panes show the new one */
  set_preview (self, NULL);
  old_table = g_steal_pointer (&self->table);
  self->table = table;
  self->checked = FALSE;
  g_free (self->role);
  self->role = g_steal_pointer (&role);
  if (self->pending_mapping != NULL)
    {
      set_mapping_text (self, self->pending_mapping, TRUE);
      g_clear_pointer (&self->pending_mapping, g_free);
    }
  else
    {
      /* keep the current mapping when it has an input for this table */
      g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
      g_autoptr(CsMapping) current = *text != '\0' ? cs_mapping_load_data (text, -1, "mapping", NULL, NULL) : NULL;

      if (current == NULL || (self->role != NULL && cs_mapping_find_input (current, self->role) < 0))
        {
          if (self->role == NULL)
            self->role = g_strdup ("clinical");
          apply_suggestion (self, CS_MAPPING_TEMPLATE_AUTO, TRUE);
        }
      else if (self->role == NULL)
        self->role = g_strdup (cs_mapping_get_input_role (current, 0));
    }
  if (self->role == NULL)
    {
      g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
      g_autoptr(CsMapping) current = cs_mapping_load_data (text, -1, "mapping", NULL, NULL);

      self->role = g_strdup (current != NULL && cs_mapping_get_n_inputs (current) > 0
                               ? cs_mapping_get_input_role (current, 0) : "clinical");
    }
  /* the role is known now (a table opened without one gets the mapping's) */
  drop_other (self, self->role);
  self->preview_stale = TRUE;
  show_table (self);
  update_roles (self);
  update_actions (self);
  update_preview (self);
}

static void open_table_now (CsMappingPage *self,
                            const char    *path,
                            const char    *role);

static int
compare_roles (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The switcher lists the shown table's role and the other inputs' */
static void
update_roles (CsMappingPage *self)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new ();

  if (self->table != NULL && self->role != NULL)
    g_ptr_array_add (roles, self->role);
  for (guint i = 0; i < self->n_others; i++)
    g_ptr_array_add (roles, (gpointer) self->others[i].role);
  g_ptr_array_sort (roles, compare_roles);
  g_ptr_array_add (roles, NULL);
  cs_mapping_tables_pane_set_roles (self->tables, (const char * const *) roles->pdata, self->role);
}

/* path is read as the input role for joins and runs (instead of any
 * table that was) */
static void
add_other (CsMappingPage *self,
           const char    *role,
           const char    *path)
{
  drop_other (self, role);
  self->others = g_renew (CsMappingInputFile, self->others, self->n_others + 1);
  self->others[self->n_others].role = g_strdup (role);
  self->others[self->n_others].path = g_strdup (path);
  self->others[self->n_others].name = NULL;
  self->n_others++;
}

/* The table shown goes to the other inputs (it is read for joins and runs) */
static void
keep_shown_as_other (CsMappingPage *self)
{
  add_other (self, self->role, self->table->path);
}

/* The user chose another input in the switcher: the shown table becomes
 * one of the others, that one is read and shown (the mapping stays) */
static void
on_switch_table (CsMappingPage *self,
                 const char    *role)
{
  g_autofree char *path = NULL;

  if (self->table == NULL || self->loading || g_strcmp0 (role, self->role) == 0)
    return;
  for (guint i = 0; i < self->n_others && path == NULL; i++)
    if (g_strcmp0 (self->others[i].role, role) == 0)
      path = g_strdup (self->others[i].path);
  if (path == NULL)
    return;
  keep_shown_as_other (self);
  open_table_now (self, path, role);
}

static void
open_table_now (CsMappingPage *self,
                const char    *path,
                const char    *role)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *label = g_strdup_printf (_("Reading %s…"), name);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  g_object_set_data_full (G_OBJECT (self), "opening-role", g_strdup (role), g_free);
  gtk_label_set_label (self->loading_label, label);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);
  cs_table_profile_new_async (path, CS_TABLE_PROFILE_KEEP_ROWS, table_progress, self, self->cancellable,
                              table_loaded, g_object_ref (self));
}

void
cs_mapping_page_open_table (CsMappingPage *self,
                            const char    *path,
                            const char    *role)
{
  g_return_if_fail (CS_IS_MAPPING_PAGE (self));
  g_return_if_fail (path != NULL);

  if (self->table != NULL && role != NULL && g_strcmp0 (role, self->role) != 0)
    {
      g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
      g_autoptr(CsMapping) mapping = *text != '\0' ? cs_mapping_load_data (text, -1, "mapping", NULL, NULL) : NULL;

      /* another input of the same mapping: the table shown stays for joins */
      if (mapping != NULL && cs_mapping_find_input (mapping, role) >= 0 && cs_mapping_find_input (mapping, self->role) >= 0)
        keep_shown_as_other (self);
    }
  open_table_now (self, path, role);
}

/* ------------------------------------------------------------------ */
/* Unsaved changes                                                     */

typedef void (*DoneFunc) (gpointer user_data, gboolean go_on);

typedef struct
{
  CsMappingPage *self;
  DoneFunc       done;
  gpointer       user_data;
} Confirm;

/* What to do once a save is done (saved) or not (cancelled, failed). */
typedef void (*SavedFunc) (CsMappingPage *self, gboolean saved, gpointer data);

static void save (CsMappingPage *self, SavedFunc done, gpointer data);

static void
confirm_finish (CsMappingPage *self,
                gboolean       go_on,
                gpointer       data)
{
  Confirm *confirm = data;

  confirm->done (confirm->user_data, go_on);
  g_object_unref (confirm->self);
  g_free (confirm);
}

static void
confirm_response (AdwMessageDialog *dialog,
                  const char       *response,
                  Confirm          *confirm)
{
  if (g_str_equal (response, "discard"))
    {
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (confirm->self->mapping_buffer), FALSE);
      confirm_finish (confirm->self, TRUE, confirm);
    }
  else if (g_str_equal (response, "save"))
    /* a mapping never saved asks where first: go on once it is saved,
     * stay when the user cancels that or the save fails */
    save (confirm->self, confirm_finish, confirm);
  else
    confirm_finish (confirm->self, FALSE, confirm);
}

void
cs_mapping_page_confirm_discard (CsMappingPage *self,
                                 GCallback      done,
                                 gpointer       user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Confirm *confirm;
  GtkWidget *dialog;

  g_return_if_fail (CS_IS_MAPPING_PAGE (self));

  if (!cs_mapping_page_get_modified (self))
    {
      ((DoneFunc) (void (*) (void)) done) (user_data, TRUE);
      return;
    }
  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->done = (DoneFunc) (void (*) (void)) done;
  confirm->user_data = user_data;
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Save Changes to the Mapping?"),
                                   _("The mapping has edits that are not saved. Without saving they are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response), confirm);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
cs_mapping_page_get_modified (CsMappingPage *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PAGE (self), FALSE);

  return gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->mapping_buffer));
}

/* ------------------------------------------------------------------ */
/* Mapping files                                                       */

static void ask_next_role (CsMappingPage *self);

static void
role_chosen (AdwMessageDialog *dialog,
             const char       *response,
             CsMappingPage    *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  gboolean batch = g_object_get_data (G_OBJECT (dialog), "batch") != NULL;

  self->asking_role = FALSE;
  if (batch)
    {
      /* one of several tables: Cancel leaves this one out */
      if (g_str_has_prefix (response, "role:"))
        {
          g_ptr_array_add (self->role_answers, g_strdup (path));
          g_ptr_array_add (self->role_answers, g_strdup (response + strlen ("role:")));
        }
      ask_next_role (self);
      return;
    }
  if (g_str_has_prefix (response, "role:"))
    cs_mapping_page_open_table (self, path, response + strlen ("role:"));
}

/* The mapping in the editor, if it reads */
static CsMapping *
current_mapping (CsMappingPage *self)
{
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));

  return *text != '\0' ? cs_mapping_load_data (text, -1, "mapping", NULL, NULL) : NULL;
}

/* Asks which of the mapping's inputs path is read as; batch: one of
 * several tables opened together (the answer waits for the others) */
static void
present_role_dialog (CsMappingPage *self,
                     CsMapping     *mapping,
                     const char    *path,
                     gboolean       batch)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->table != NULL)
    {
      g_autofree char *shown = g_path_get_basename (self->table->path);

      body = g_strdup_printf (_("The mapping reads several tables. Choose the input “%s” is read as; the table "
                                "shown now (%s) stays open for the others’ joins and runs."), name, shown);
    }
  else
    body = g_strdup_printf (_("The mapping reads several tables. Choose the input “%s” is read as."), name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), _("Which Input Is This Table?"), body));
  adw_message_dialog_add_response (dialog, "cancel", batch ? _("_Leave Out") : _("_Cancel"));
  for (guint i = 0; i < cs_mapping_get_n_inputs (mapping); i++)
    {
      const char *role = cs_mapping_get_input_role (mapping, i);
      g_autofree char *id = g_strconcat ("role:", role, NULL);
      g_auto(GStrv) parts = g_strsplit (role, "_", -1);
      g_autofree char *label = g_strjoinv ("__", parts);

      adw_message_dialog_add_response (dialog, id, label);
      if (g_strcmp0 (role, self->role) == 0)
        adw_message_dialog_set_default_response (dialog, id);
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  if (batch)
    g_object_set_data (G_OBJECT (dialog), "batch", GINT_TO_POINTER (TRUE));
  g_signal_connect_object (dialog, "response", G_CALLBACK (role_chosen), self, 0);
  self->asking_role = TRUE;
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cs_mapping_page_open_table_ask_role (CsMappingPage *self,
                                     const char    *path)
{
  g_autoptr(CsMapping) mapping = current_mapping (self);

  if (mapping == NULL || cs_mapping_get_n_inputs (mapping) < 2)
    {
      /* one input: the table is that one (NULL: whatever its role) */
      cs_mapping_page_open_table (self, path, mapping != NULL ? NULL : self->role);
      return;
    }
  /* the mapping reads several tables: which one is this? */
  present_role_dialog (self, mapping, path, FALSE);
}

/* The input of mapping a table is named after (clinical.csv, Clinical.tsv
 * for "clinical"), or NULL */
static const char *
input_named_like (CsMapping  *mapping,
                  const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  const char *found = NULL;

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (guint i = 0; i < cs_mapping_get_n_inputs (mapping) && found == NULL; i++)
    if (g_str_equal (cs_mapping_get_input_role (mapping, i), base))
      found = cs_mapping_get_input_role (mapping, i);
  for (guint i = 0; i < cs_mapping_get_n_inputs (mapping) && found == NULL; i++)
    if (g_ascii_strcasecmp (cs_mapping_get_input_role (mapping, i), base) == 0)
      found = cs_mapping_get_input_role (mapping, i);
  return found;
}

/* Every table of the batch has its input (or was left out): the one for
 * the input shown (else the last) is shown, the others are read for joins
 * and runs */
static void
open_answered_tables (CsMappingPage *self)
{
  g_autoptr(GPtrArray) answers = g_steal_pointer (&self->role_answers);
  guint shown;

  self->role_answers = g_ptr_array_new_with_free_func (g_free);
  if (answers->len == 0)
    return;
  shown = answers->len - 2;
  for (guint i = 0; i < answers->len; i += 2)
    if (g_strcmp0 (answers->pdata[i + 1], self->role) == 0)
      shown = i;
  /* first the one shown, which keeps the table shown before as another
   * input; then the others, which take the place of any table of theirs */
  cs_mapping_page_open_table (self, answers->pdata[shown], answers->pdata[shown + 1]);
  for (guint i = 0; i < answers->len; i += 2)
    if (i != shown && g_strcmp0 (answers->pdata[i + 1], answers->pdata[shown + 1]) != 0)
      add_other (self, answers->pdata[i + 1], answers->pdata[i]);
  update_roles (self);
}

static void
ask_next_role (CsMappingPage *self)
{
  g_autofree char *path = NULL;
  g_autoptr(CsMapping) mapping = NULL;

  if (self->asking_role)
    return;
  if ((path = g_queue_pop_head (self->role_queue)) == NULL)
    {
      open_answered_tables (self);
      return;
    }
  if ((mapping = current_mapping (self)) == NULL || cs_mapping_get_n_inputs (mapping) < 2)
    {
      /* the mapping changed meanwhile: nothing left to ask */
      g_queue_clear_full (self->role_queue, g_free);
      open_answered_tables (self);
      return;
    }
  present_role_dialog (self, mapping, path, TRUE);
}

void
cs_mapping_page_open_tables (CsMappingPage      *self,
                             const char * const *paths,
                             guint               n_paths)
{
  g_autoptr(CsMapping) mapping = NULL;

  g_return_if_fail (CS_IS_MAPPING_PAGE (self));

  if (n_paths == 0)
    return;
  mapping = current_mapping (self);
  if (n_paths == 1 || mapping == NULL || cs_mapping_get_n_inputs (mapping) < 2)
    {
      /* a mapping of one input reads one table: the first */
      cs_mapping_page_open_table_ask_role (self, paths[0]);
      return;
    }
  /* a table named after an input is read as that input; the others are asked about in turn */
  for (guint i = 0; i < n_paths; i++)
    {
      const char *role = input_named_like (mapping, paths[i]);

      if (role != NULL)
        {
          g_ptr_array_add (self->role_answers, g_strdup (paths[i]));
          g_ptr_array_add (self->role_answers, g_strdup (role));
        }
      else
        g_queue_push_tail (self->role_queue, g_strdup (paths[i]));
    }
  ask_next_role (self);
}

static void
table_chosen (GtkWidget  *widget,
              const char *path,
              gpointer    data)
{
  if (path == NULL)
    return;
  cs_mapping_page_open_table_ask_role (CS_MAPPING_PAGE (widget), path);
}

void
cs_mapping_page_show_open_dialog (CsMappingPage *self)
{
  g_return_if_fail (CS_IS_MAPPING_PAGE (self));

  cs_mapping_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open a Table"), NULL,
                          cs_mapping_table_patterns, _("CSV and TSV tables"), table_chosen, NULL);
}

static gboolean
read_mapping_file (CsMappingPage *self,
                   const char    *path,
                   char         **out_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &error))
    {
      show_error (self, _("Cannot Open the Mapping"), error->message, NULL);
      return FALSE;
    }
  if (length > CS_MAPPING_MAX_FILE_BYTES || !g_utf8_validate (text, (gssize) length, NULL)
      || memchr (text, '\0', length) != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("%s is not a mapping file: it is not UTF-8 text of at most "
                                                    "16 MiB."), path);

      show_error (self, _("Cannot Open the Mapping"), message, _("The mapping that was open is kept."));
      return FALSE;
    }
  *out_text = g_steal_pointer (&text);
  return TRUE;
}

typedef struct
{
  CsMappingPage *self;
  char          *path;
  GStrv          inputs;
} OpenMapping;

static void
open_mapping_go (OpenMapping *op,
                 gboolean     go_on)
{
  CsMappingPage *self = op->self;
  g_autofree char *text = NULL;

  if (go_on && read_mapping_file (self, op->path, &text))
    {
      g_autofree char *table_path = NULL;
      g_autofree char *table_role = NULL;

      g_autoptr(GArray) others = g_array_new (FALSE, TRUE, sizeof (CsMappingInputFile));

      set_mapping_path (self, op->path);
      /* the first input is shown; the others are read for its joins and by runs */
      for (guint i = 0; op->inputs != NULL && op->inputs[i] != NULL; i++)
        {
          const char *eq = strchr (op->inputs[i], '=');

          if (eq == NULL)
            continue;
          if (table_path == NULL)
            {
              table_role = g_strndup (op->inputs[i], (gsize) (eq - op->inputs[i]));
              table_path = g_strdup (eq + 1);
            }
          else
            {
              CsMappingInputFile other = { g_strndup (op->inputs[i], (gsize) (eq - op->inputs[i])),
                                           g_strdup (eq + 1) };

              g_array_append_val (others, other);
            }
        }
      set_others (self, (CsMappingInputFile *) (gpointer) others->data, others->len);
      for (guint i = 0; i < others->len; i++)
        {
          g_free ((char *) g_array_index (others, CsMappingInputFile, i).role);
          g_free ((char *) g_array_index (others, CsMappingInputFile, i).path);
        }
      if (table_path != NULL)
        {
          g_free (self->pending_mapping);
          self->pending_mapping = g_steal_pointer (&text);
          open_table_now (self, table_path, table_role);
        }
      else
        {
          set_mapping_text (self, text, TRUE);
          if (self->table == NULL)
            {
              gtk_stack_set_visible_child_name (self->stack, "main");
              cs_mapping_tables_pane_set_message (self->tables, _("Open the table this mapping reads (Ctrl+O) to "
                                                                  "see its preview."));
            }
          update_preview (self);
        }
    }
  g_object_unref (op->self);
  g_free (op->path);
  g_strfreev (op->inputs);
  g_free (op);
}

void
cs_mapping_page_open_mapping (CsMappingPage      *self,
                              const char         *path,
                              const char * const *inputs)
{
  OpenMapping *op;

  g_return_if_fail (CS_IS_MAPPING_PAGE (self));
  g_return_if_fail (path != NULL);

  op = g_new0 (OpenMapping, 1);
  op->self = g_object_ref (self);
  op->path = g_strdup (path);
  op->inputs = g_strdupv ((GStrv) inputs);
  cs_mapping_page_confirm_discard (self, G_CALLBACK (open_mapping_go), op);
}

static void
mapping_chosen (GtkWidget  *widget,
                const char *path,
                gpointer    data)
{
  if (path == NULL)
    return;
  cs_mapping_page_open_mapping (CS_MAPPING_PAGE (widget), path, NULL);
}

gboolean
cs_mapping_page_save_to (CsMappingPage *self,
                         const char    *path,
                         GError       **error)
{
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));

  if (!g_file_set_contents (path, text, -1, error))
    return FALSE;
  set_mapping_path (self, path);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->mapping_buffer), FALSE);
  return TRUE;
}

/* "clinical.csv" → "clinical<suffix>" */
static char *
name_after_table (CsMappingPage *self,
                  const char    *suffix)
{
  g_autofree char *base = NULL;
  char *dot;

  if (self->table == NULL)
    return NULL;
  base = g_strdup (self->table->name);
  dot = strrchr (base, '.');
  if (dot != NULL)
    *dot = '\0';
  return g_strconcat (base, suffix, NULL);
}

static gboolean
save_or_show_error (CsMappingPage *self,
                    const char    *path)
{
  g_autoptr(GError) error = NULL;

  if (cs_mapping_page_save_to (self, path, &error))
    return TRUE;
  show_error (self, _("Cannot Save the Mapping"), error->message, _("The mapping is kept in the editor."));
  return FALSE;
}

typedef struct
{
  SavedFunc done;
  gpointer  data;
} Saving;

static void
save_as_chosen (GtkWidget  *widget,
                const char *path,
                gpointer    data)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  Saving *saving = data;
  gboolean saved = path != NULL && save_or_show_error (self, path);

  if (saving != NULL)
    {
      saving->done (self, saved, saving->data);
      g_free (saving);
    }
}

/* Asks where to save, saves, then calls done (NULL: nothing). */
static void
save_as (CsMappingPage *self,
         SavedFunc      done,
         gpointer       data)
{
  g_autofree char *name = name_after_table (self, ".mapping.json");
  Saving *saving = NULL;

  if (done != NULL)
    {
      saving = g_new0 (Saving, 1);
      saving->done = done;
      saving->data = data;
    }
  cs_mapping_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("Save the Mapping"),
                          name != NULL ? name : "mapping.json", cs_mapping_json_patterns,
                          _("Mapping files (JSON)"), save_as_chosen, saving);
}

/* Saves to the mapping's file, or asks where first when it has none; then
 * calls done (NULL: nothing) with whether it was saved. */
static void
save (CsMappingPage *self,
      SavedFunc      done,
      gpointer       data)
{
  gboolean saved;

  if (self->mapping_path == NULL)
    {
      save_as (self, done, data);
      return;
    }
  saved = save_or_show_error (self, self->mapping_path);
  if (done != NULL)
    done (self, saved, data);
}

/* ------------------------------------------------------------------ */
/* The preview                                                         */

/* The preview shows a row: the grid marks its problems, the preview the
 * lines the selected column fed. */
static void
on_row_shown (CsMappingPage *self)
{
  mark_problems (self);
  cs_mapping_preview_pane_highlight_column (self->preview_pane, cs_mapping_tables_pane_get_selected_column (self->tables));
}

static void
update_preview (CsMappingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  g_autofree char *base_dir = mapping_base_dir (self);
  g_autoptr(GArray) selected = NULL;
  g_autoptr(GArray) rows = NULL;

  g_clear_handle_id (&self->preview_source, g_source_remove);
  cs_mapping_editor_pane_set_structure (self->editor, text, base_dir, self->table);
  if (self->table == NULL)
    {
      g_autoptr(CsMapping) mapping = cs_mapping_load_data (text, -1, _("the mapping"), base_dir, &error);

      cs_mapping_editor_pane_show_error (self->editor, mapping == NULL && *text != '\0' ? error->message : NULL,
                                         text);
      return;
    }
  if (self->preview_stale || self->preview == NULL)
    {
      CsMappingPreview *preview = cs_mapping_preview_new_full (text, base_dir, self->role, self->table,
                                                                  self->others, self->n_others, &error);

      if (preview == NULL)
        {
          /* keep the last good preview on screen, marked as old */
          cs_mapping_editor_pane_show_error (self->editor, error->message, text);
          cs_mapping_preview_pane_mark_old (self->preview_pane);
          return;
        }
      set_preview (self, preview);
      self->preview_stale = FALSE;
      cs_mapping_editor_pane_show_error (self->editor, NULL, text);
      cs_mapping_editor_pane_set_mapping (self->editor, cs_mapping_preview_get_mapping (preview));
      /* the coverage follows edits of the map */
      if (g_strcmp0 (cs_mapping_tables_pane_get_tab (self->tables), "values") == 0)
        cs_mapping_value_maps_pane_refresh (self->value_maps);
    }

  selected = cs_mapping_tables_pane_get_selected_rows (self->tables, CS_MAPPING_PREVIEW_MAX_ROWS);
  rows = g_array_sized_new (FALSE, FALSE, sizeof (guint64), MAX (selected->len, 1));
  for (guint i = 0; i < selected->len; i++)
    {
      guint64 row = g_array_index (selected, guint, i);

      g_array_append_val (rows, row);
    }
  if (rows->len == 0)
    {
      guint64 first = 0;

      g_array_append_val (rows, first);
    }
  cs_mapping_preview_pane_show_rows (self->preview_pane, (const guint64 *) (gpointer) rows->data, rows->len);
  on_row_shown (self);
}

static gboolean
preview_timeout (gpointer user_data)
{
  CsMappingPage *self = user_data;

  self->preview_source = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

static void
on_mapping_changed (CsMappingPage *self)
{
  self->preview_stale = TRUE;
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout, self);
}

static void
on_row_selected (CsMappingPage *self)
{
  if (self->table != NULL)
    update_preview (self);
}

static void
on_column_selected (CsMappingPage *self)
{
  cs_mapping_preview_pane_highlight_column (self->preview_pane,
                                            cs_mapping_tables_pane_get_selected_column (self->tables));
}

/* The element at the preview's cursor came from this column: select it
 * (its row is the one shown), leaving the highlight as it is. */
static void
on_source_column (CsMappingPage *self,
                  guint          column)
{
  g_signal_handlers_block_by_func (self->tables, on_column_selected, self);
  cs_mapping_tables_pane_set_selected_column (self->tables, column);
  g_signal_handlers_unblock_by_func (self->tables, on_column_selected, self);
}

/* ------------------------------------------------------------------ */
/* Value maps, Validate and Run                                        */

static void
on_replace_mapping (CsMappingPage *self,
                    const char    *text)
{
  set_mapping_text (self, text, FALSE);
  update_preview (self);
}

/* The table's file and the mapping's other inputs, as a run reads them
 * (free with cs_mapping_input_files_free (inputs, self->n_others + 1)). */
static CsMappingInputFile *
all_inputs (CsMappingPage *self)
{
  CsMappingInputFile *inputs = g_new0 (CsMappingInputFile, self->n_others + 1);
  CsMappingInputFile *copy;

  inputs[0].role = self->role;
  inputs[0].path = self->table->path;
  for (guint i = 0; i < self->n_others; i++)
    inputs[i + 1] = self->others[i];
  copy = cs_mapping_input_files_copy (inputs, self->n_others + 1);
  g_free (inputs);
  return copy;
}

/* The mapping as the editor holds it, compiled against the table's file
 * the way `cohortscope-cli map --mapping <saved file>` compiles it, so that
 * a Run or an Upload gives the CLI's output. NULL (after showing why) when
 * the mapping has a problem. */
static CsMappingProgram *
compile_for_run (CsMappingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  CsMappingProgram *program;
  CsMappingInputFile *inputs = all_inputs (self);

  if (self->preview_stale)
    update_preview (self);
  if (self->preview == NULL || self->preview_stale)
    {
      const char *message = cs_mapping_editor_pane_get_error (self->editor);

      show_error (self, _("The Mapping Has a Problem"), message != NULL ? message : _("The mapping cannot be read."),
                  _("Fix the line marked in the editor first."));
      return NULL;
    }
  text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  if (!(mapping = cs_mapping_load_text_for_file (text, -1, self->mapping_path, &error)) ||
      !(program = cs_mapping_compile_files (mapping, inputs, self->n_others + 1, &error)))
    {
      cs_mapping_input_files_free (inputs, self->n_others + 1);
      show_error (self, _("The Mapping Has a Problem"), error->message, NULL);
      return NULL;
    }
  cs_mapping_input_files_free (inputs, self->n_others + 1);
  return program;
}

static void
start_job (CsMappingPage *self,
           const char    *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsMapping *mapping;

  if (output != NULL)
    {
      g_autoptr(CsMappingProgram) program = compile_for_run (self);
      CsMappingInputFile *inputs;

      if (program == NULL)
        return;
      inputs = all_inputs (self);
      cs_mapping_problems_pane_start_run (self->problems, program, inputs, self->n_others + 1, output);
      cs_mapping_input_files_free (inputs, self->n_others + 1);
      return;
    }

  if (self->preview_stale)
    update_preview (self);
  if (self->preview == NULL || self->preview_stale)
    {
      const char *message = cs_mapping_editor_pane_get_error (self->editor);

      show_error (self, _("The Mapping Has a Problem"), message != NULL ? message : _("The mapping cannot be read."),
                  _("Fix the line marked in the editor first."));
      return;
    }
  mapping = cs_mapping_preview_get_mapping (self->preview);
  reader = cs_csv_reader_new_for_path (self->table->path,
                                       cs_mapping_get_input_dialect (mapping, cs_mapping_preview_get_input (self->preview)),
                                       &error);
  if (reader == NULL)
    {
      show_error (self, _("Cannot Read the Table"), error->message, NULL);
      return;
    }
  cs_mapping_problems_pane_start (self->problems, cs_mapping_preview_get_program (self->preview), self->role,
                                  g_steal_pointer (&reader), self->others, self->n_others, NULL);
}

void
cs_mapping_page_run_to (CsMappingPage *self,
                        const char    *path)
{
  start_job (self, path);
}

static void
run_chosen (GtkWidget  *widget,
            const char *path,
            gpointer    data)
{
  if (path == NULL)
    return;
  start_job (CS_MAPPING_PAGE (widget), path);
}

static void
on_job_progress (CsMappingPage *self,
                 double         fraction,
                 const char    *text)
{
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->job_progress, fraction);
  gtk_progress_bar_set_text (self->job_progress, text);
}

static void
on_job_finished (CsMappingPage *self)
{
  self->checked = TRUE;
  mark_problems (self);
  cs_mapping_tables_pane_show_tab (self->tables, "problems");
}

void
cs_mapping_page_activate_problem (CsMappingPage *self,
                                  guint          index)
{
  const CsPreviewProblem *p;

  g_return_if_fail (index < cs_mapping_problems_pane_get_n_problems (self->problems));

  p = cs_mapping_problems_pane_get_problem (self->problems, index);
  /* a problem in another input's table names its file: nothing to select here */
  if (p->input != NULL && g_strcmp0 (p->input, self->role) != 0)
    return;
  if (p->row > 0 && self->table != NULL && p->row <= self->table->rows->len)
    {
      cs_mapping_tables_pane_show_tab (self->tables, "rows");
      cs_mapping_tables_pane_set_selected_row (self->tables, (guint) (p->row - 1));
    }
  if (p->column != NULL && self->table != NULL)
    {
      int column = cs_mapping_tables_pane_find_column (self->tables, p->column);

      if (column >= 0)
        cs_mapping_tables_pane_set_selected_column (self->tables, (guint) column);
    }
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static void
open_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cs_mapping_page_show_open_dialog (CS_MAPPING_PAGE (widget));
}

static void
open_mapping_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cs_mapping_choose_file (widget, GTK_FILE_CHOOSER_ACTION_OPEN, _("Open a Mapping"), NULL, cs_mapping_json_patterns,
                          _("Mapping files (JSON)"), mapping_chosen, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (CS_MAPPING_PAGE (widget), NULL, NULL);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save_as (CS_MAPPING_PAGE (widget), NULL, NULL);
}

static void
apply_template_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  static const CsMappingTemplateKind kinds[] = {
    CS_MAPPING_TEMPLATE_AUTO, CS_MAPPING_TEMPLATE_CLINICAL, CS_MAPPING_TEMPLATE_PYRADIOMICS,
  };
  guint selected = gtk_drop_down_get_selected (self->template_dropdown);

  if (self->table == NULL)
    return;
  /* an undoable edit: Ctrl+Z brings the old mapping back */
  apply_suggestion (self, kinds[MIN (selected, G_N_ELEMENTS (kinds) - 1)], FALSE);
  update_preview (self);
}

static void
validate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_job (CS_MAPPING_PAGE (widget), NULL);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  static const char * const patterns[] = { "*.ndjson", "*.json", NULL };
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  g_autofree char *name = name_after_table (self, ".ndjson");

  cs_mapping_choose_file (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Write the FHIR Resources"), name, patterns,
                          _("NDJSON (.ndjson) or a transaction Bundle (.json)"), run_chosen, NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  cs_mapping_problems_pane_cancel (self->problems);
}

static void
open_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  const char *output = cs_mapping_problems_pane_get_output_path (self->problems);

  if (output != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_IN_COHORT], 0, output);
}

static void
on_upload_open_in_cohort (CsMappingPage *self,
                          const char    *path)
{
  g_signal_emit (self, signals[SIGNAL_OPEN_IN_COHORT], 0, path);
}

static GtkWindow *
parent_window (CsMappingPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  g_autoptr(CsMappingProgram) program = NULL;
  CsMappingInputFile *inputs;
  GtkWindow *dialog;

  if (self->table == NULL || (program = compile_for_run (self)) == NULL)
    return;
  inputs = all_inputs (self);
  dialog = cs_mapping_upload_dialog_new (parent_window (self), program, inputs, self->n_others + 1);
  cs_mapping_input_files_free (inputs, self->n_others + 1);
  g_signal_connect_object (dialog, "open-in-cohort", G_CALLBACK (on_upload_open_in_cohort), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  const char *output = cs_mapping_problems_pane_get_output_path (self->problems);
  g_autoptr(CsMappingProgram) program = NULL;
  CsMappingInputFile *inputs;

  if (self->table == NULL || output == NULL || (program = compile_for_run (self)) == NULL)
    return;
  inputs = all_inputs (self);
  gtk_window_present (cs_round_trip_dialog_new (parent_window (self), program, inputs, self->n_others + 1, output));
  cs_mapping_input_files_free (inputs, self->n_others + 1);
}

/* ------------------------------------------------------------------ */
/* Drag and drop                                                       */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CsMappingPage *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path == NULL)
        continue;
      if (cs_mapping_page_is_table_path (path))
        {
          /* every table dropped, asked about as Open Table asks: which
           * input, when the mapping reads several */
          g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);

          for (GSList *t = l; t != NULL; t = t->next)
            {
              char *table = g_file_get_path (t->data);

              if (table != NULL && cs_mapping_page_is_table_path (table))
                g_ptr_array_add (tables, table);
              else
                g_free (table);
            }
          cs_mapping_page_open_tables (self, (const char * const *) tables->pdata, tables->len);
          g_slist_free (files);
          return TRUE;
        }
      if (g_str_has_suffix (path, ".json"))
        {
          cs_mapping_page_open_mapping (self, path, NULL);
          g_slist_free (files);
          return TRUE;
        }
    }
  g_slist_free (files);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
cs_mapping_page_dispose (GObject *object)
{
  CsMappingPage *self = CS_MAPPING_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  if (self->problems != NULL)
    {
      /* a job keeps its pane alive until it ends: it must not call back */
      cs_mapping_problems_pane_cancel (self->problems);
      g_signal_handlers_disconnect_by_data (self->problems, self);
      g_signal_handlers_disconnect_by_data (self->value_maps, self);
      set_preview (self, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_PAGE);
  self->problems = NULL;
  self->value_maps = NULL;
  g_clear_object (&self->mapping_buffer);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cs_mapping_page_parent_class)->dispose (object);
}

static void
cs_mapping_page_finalize (GObject *object)
{
  CsMappingPage *self = CS_MAPPING_PAGE (object);

  g_clear_pointer (&self->preview, cs_mapping_preview_free);
  g_clear_pointer (&self->table, cs_table_profile_free);
  set_others (self, NULL, 0);
  g_queue_free_full (self->role_queue, g_free);
  g_clear_pointer (&self->role_answers, g_ptr_array_unref);
  g_free (self->role);
  g_free (self->mapping_path);
  g_free (self->pending_mapping);
  g_free (self->last_error);
  G_OBJECT_CLASS (cs_mapping_page_parent_class)->finalize (object);
}

/* Undo and redo of the mapping (Ctrl+Z, Ctrl+Shift+Z outside the JSON view):
 * a structured edit is one step. */
static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->mapping_buffer);

  if (gtk_text_buffer_get_can_undo (buffer))
    gtk_text_buffer_undo (buffer);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->mapping_buffer);

  if (gtk_text_buffer_get_can_redo (buffer))
    gtk_text_buffer_redo (buffer);
}

static void
cs_mapping_page_class_init (CsMappingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mapping_page_dispose;
  object_class->finalize = cs_mapping_page_finalize;

  signals[SIGNAL_OPEN_IN_COHORT] =
    g_signal_new ("open-in-cohort", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_source_init ();
  g_type_ensure (CS_TYPE_MAPPING_TABLES_PANE);
  g_type_ensure (CS_TYPE_MAPPING_EDITOR_PANE);
  g_type_ensure (CS_TYPE_MAPPING_PREVIEW_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-mapping-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, template_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, job_progress);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, job_cancel);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, tables);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, editor);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, preview_pane);

  gtk_widget_class_install_action (widget_class, "mapping.open-table", NULL, open_table_action);
  gtk_widget_class_install_action (widget_class, "mapping.open-mapping", NULL, open_mapping_action);
  gtk_widget_class_install_action (widget_class, "mapping.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "mapping.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "mapping.apply-template", NULL, apply_template_action);
  gtk_widget_class_install_action (widget_class, "mapping.validate", NULL, validate_action);
  gtk_widget_class_install_action (widget_class, "mapping.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "mapping.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "mapping.open-output", NULL, open_output_action);
  gtk_widget_class_install_action (widget_class, "mapping.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "mapping.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "mapping.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "mapping.redo", NULL, redo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "mapping.open-table", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "mapping.upload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "mapping.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "mapping.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "mapping.validate", NULL);
  /* the JSON view and entries undo their own text first; elsewhere (the
   * Structure view) these undo the mapping's edits */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "mapping.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "mapping.redo", NULL);
}

static void
cs_mapping_page_init (CsMappingPage *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->role_queue = g_queue_new ();
  self->role_answers = g_ptr_array_new_with_free_func (g_free);
  self->value_maps = cs_mapping_tables_pane_get_value_maps (self->tables);
  self->problems = cs_mapping_tables_pane_get_problems (self->tables);

  /* the document */
  self->mapping_buffer = gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages,
                                                                                                         "json"));
  gtk_source_buffer_set_highlight_matching_brackets (self->mapping_buffer, TRUE);
  g_signal_connect_object (self->mapping_buffer, "changed", G_CALLBACK (on_mapping_changed), self, G_CONNECT_SWAPPED);
  cs_mapping_editor_pane_set_buffer (self->editor, self->mapping_buffer);
  cs_mapping_value_maps_pane_set_buffer (self->value_maps, GTK_TEXT_BUFFER (self->mapping_buffer));

  /* the panes' signals */
  g_signal_connect_object (self->tables, "switch-table", G_CALLBACK (on_switch_table), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tables, "notify::selected-row", G_CALLBACK (on_row_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tables, "notify::selected-column", G_CALLBACK (on_column_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_pane, "source-column", G_CALLBACK (on_source_column), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_pane, "row-shown", G_CALLBACK (on_row_shown), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->value_maps, "replace-mapping", G_CALLBACK (on_replace_mapping), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->value_maps, "show-error", G_CALLBACK (on_pane_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cs_mapping_editor_pane_get_structure_pane (self->editor), "replace-mapping",
                           G_CALLBACK (on_replace_mapping), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cs_mapping_editor_pane_get_structure_pane (self->editor), "show-error",
                           G_CALLBACK (on_pane_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems, "show-error", G_CALLBACK (on_pane_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems, "notify::running", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems, "progress", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems, "finished", G_CALLBACK (on_job_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems, "problem-activated", G_CALLBACK (cs_mapping_page_activate_problem), self,
                           G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_actions (self);
}

GtkWidget *
cs_mapping_page_new (void)
{
  return g_object_new (CS_TYPE_MAPPING_PAGE, NULL);
}

/* ------------------------------------------------------------------ */
/* Test hooks (cs-mapping-page-private.h)                              */

gboolean
cs_mapping_page_get_busy (CsMappingPage *self)
{
  return self->loading || cs_mapping_problems_pane_get_running (self->problems) || self->preview_source != 0;
}

GtkDropDown *
cs_mapping_page_get_table_switcher (CsMappingPage *self)
{
  return cs_mapping_tables_pane_get_table_switcher (self->tables);
}

GtkTextBuffer *
cs_mapping_page_get_mapping_buffer (CsMappingPage *self)
{
  return GTK_TEXT_BUFFER (self->mapping_buffer);
}

char *
cs_mapping_page_get_preview_text (CsMappingPage *self)
{
  return cs_mapping_preview_pane_dup_text (self->preview_pane);
}

const char *
cs_mapping_page_get_mapping_error (CsMappingPage *self)
{
  return cs_mapping_editor_pane_get_error (self->editor);
}

int
cs_mapping_page_get_error_line (CsMappingPage *self)
{
  return cs_mapping_editor_pane_get_error_line (self->editor);
}

guint64
cs_mapping_page_get_n_rows (CsMappingPage *self)
{
  return self->table != NULL ? cs_csv_profile_get_n_rows (self->table->profile) : 0;
}

guint
cs_mapping_page_get_n_columns (CsMappingPage *self)
{
  return self->table != NULL ? cs_csv_profile_get_n_columns (self->table->profile) : 0;
}

const char *
cs_mapping_page_get_column_name (CsMappingPage *self,
                                 guint          column)
{
  return cs_csv_profile_get_column (self->table->profile, column)->name;
}

void
cs_mapping_page_select_row (CsMappingPage *self,
                            guint64        row)
{
  cs_mapping_tables_pane_set_selected_row (self->tables, (guint) row);
}

void
cs_mapping_page_select_column (CsMappingPage *self,
                               guint          column)
{
  cs_mapping_tables_pane_set_selected_column (self->tables, column);
}

guint
cs_mapping_page_get_n_highlighted (CsMappingPage *self)
{
  return cs_mapping_preview_pane_get_n_highlighted (self->preview_pane);
}

const char *
cs_mapping_page_place_preview_cursor (CsMappingPage *self,
                                      int            line)
{
  return cs_mapping_preview_pane_place_cursor (self->preview_pane, line);
}

guint
cs_mapping_page_get_n_problems (CsMappingPage *self)
{
  return cs_mapping_problems_pane_get_n_problems (self->problems);
}

const char *
cs_mapping_page_get_problem_text (CsMappingPage *self,
                                  guint          index)
{
  return cs_mapping_problems_pane_get_problem (self->problems, index)->message;
}

guint64
cs_mapping_page_get_selected_row (CsMappingPage *self)
{
  return cs_mapping_tables_pane_get_selected_row (self->tables);
}

guint
cs_mapping_page_get_selected_column (CsMappingPage *self)
{
  return cs_mapping_tables_pane_get_selected_column (self->tables);
}

const char *
cs_mapping_page_get_output_path (CsMappingPage *self)
{
  return cs_mapping_problems_pane_get_output_path (self->problems);
}

const char *
cs_mapping_page_get_last_error (CsMappingPage *self)
{
  return self->last_error;
}

void
cs_mapping_page_show_value_map (CsMappingPage *self,
                                guint          index)
{
  cs_mapping_tables_pane_show_tab (self->tables, "values");
  cs_mapping_value_maps_pane_show (self->value_maps, index);
}

const char *
cs_mapping_page_get_coverage_text (CsMappingPage *self)
{
  return cs_mapping_value_maps_pane_get_coverage (self->value_maps);
}

void
cs_mapping_page_select_rows (CsMappingPage *self,
                             guint64        first,
                             guint          n_rows)
{
  cs_mapping_tables_pane_select_rows (self->tables, (guint) first, n_rows);
}

guint
cs_mapping_page_get_n_previewed_rows (CsMappingPage *self)
{
  return cs_mapping_preview_pane_get_n_rows (self->preview_pane);
}

void
cs_mapping_page_choose_previewed_row (CsMappingPage *self,
                                      guint          index)
{
  cs_mapping_preview_pane_choose_row (self->preview_pane, index);
}

const char *
cs_mapping_page_get_cell_problem (CsMappingPage *self,
                                  guint64        row,
                                  guint          column)
{
  return cs_mapping_tables_pane_get_cell_problem (self->tables, row, column);
}

GtkWidget *
cs_mapping_page_show_rows (CsMappingPage *self)
{
  cs_mapping_tables_pane_show_tab (self->tables, "rows");
  return cs_mapping_tables_pane_get_rows_view (self->tables);
}

CsMappingStructurePane *
cs_mapping_page_show_structure (CsMappingPage *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PAGE (self), NULL);

  cs_mapping_editor_pane_set_view (self->editor, "structure");
  return cs_mapping_editor_pane_get_structure_pane (self->editor);
}

CsMappingValueMapsPane *
cs_mapping_page_get_value_maps_pane (CsMappingPage *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_PAGE (self), NULL);

  return self->value_maps;
}
