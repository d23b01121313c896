/* cs-mapping-page.c: the Mapping page
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
#include "cs-mapping-output.h"
#include "cs-mapping-page-private.h"
#include "cs-mapping-row-model.h"
#include "cs-window.h"

#define PREVIEW_DELAY_MS 300
#define SAMPLE_VALUES    5

typedef enum
{
  JOB_NONE,
  JOB_TABLE,
  JOB_VALIDATE,
  JOB_RUN,
} Job;

typedef enum
{
  COL_NAME,
  COL_TYPE,
  COL_MISSING,
  COL_DISTINCT,
  COL_ROLE,
  COL_SAMPLE,
  N_PROFILE_COLUMNS
} ProfileColumn;

struct _CsMappingPage
{
  GtkWidget          parent_instance;

  /* template */
  GtkStack          *stack;
  GtkLabel          *loading_label;
  GtkProgressBar    *loading_progress;
  GtkLabel          *table_label;
  GtkStack          *table_stack;
  GtkColumnView     *columns_view;
  GtkColumnView     *rows_view;
  GtkDropDown       *template_dropdown;
  GtkDropDown       *value_map_dropdown;
  GtkLabel          *coverage_label;
  GtkListBox        *values_list;
  GtkLabel          *problems_label;
  GtkListView       *problems_view;
  GtkListBox        *resources_list;
  GtkSourceView     *mapping_view;
  GtkLabel          *mapping_error;
  GtkLabel          *preview_label;
  GtkSourceView     *preview_view;
  GtkLabel          *source_label;
  GtkListBox        *row_problems_list;
  GtkProgressBar    *job_progress;
  GtkWidget         *job_cancel;

  GtkSourceBuffer   *mapping_buffer;
  GtkSourceBuffer   *preview_buffer;
  GtkTextTag        *error_tag;
  GtkTextTag        *highlight_tag;
  CsMappingRowModel *rows_model;
  GtkSingleSelection *rows_selection;
  GtkSingleSelection *columns_selection;
  CsMappingRowModel *problems_model;

  CsTableProfile    *table;
  char              *role;             /* the table's input role */
  char              *mapping_path;     /* where the mapping was read from / saved to */
  char              *pending_mapping;  /* a mapping to apply once its table is read */
  CsMappingPreview  *preview;
  gboolean           preview_stale;    /* the text changed since the preview was compiled */
  char              *error_text;
  int                error_line;
  GPtrArray         *resources;        /* CsPreviewResource of the previewed row */
  GArray            *resource_lines;   /* guint: first line of each resource in the preview */
  guint64            previewed_row;
  guint              preview_source;
  char              *source_text;
  guint              n_highlighted;

  Job                job;
  GCancellable      *cancellable;
  GMutex             job_lock;
  GPtrArray         *job_problems;     /* CsPreviewProblem, filled by the worker */
  GPtrArray         *problems;         /* CsPreviewProblem of the last validation */
  CsMappingWriter   *writer;
  char              *run_path;
  char              *output_path;
  char              *last_error;
  char              *coverage_text;
  GStrv              value_map_ids;
};

G_DEFINE_FINAL_TYPE (CsMappingPage, cs_mapping_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_OPEN_IN_COHORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_preview (CsMappingPage *self);
static void schedule_preview (CsMappingPage *self);
static void show_value_map (CsMappingPage *self);

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

  if (new_document)
    gtk_text_buffer_begin_irreversible_action (buffer);
  else
    gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_set_text (buffer, text, -1);
  if (new_document)
    gtk_text_buffer_end_irreversible_action (buffer);
  else
    gtk_text_buffer_end_user_action (buffer);
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
update_actions (CsMappingPage *self)
{
  gboolean has_table = self->table != NULL;
  gboolean idle = self->job == JOB_NONE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.validate", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.run", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.apply-template", has_table && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.cancel", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.open-output", self->output_path != NULL && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.open-table", self->job != JOB_TABLE);
  gtk_widget_set_visible (GTK_WIDGET (self->job_progress), self->job == JOB_VALIDATE || self->job == JOB_RUN);
  gtk_widget_set_visible (self->job_cancel, self->job == JOB_VALIDATE || self->job == JOB_RUN);
}

gboolean
cs_mapping_page_is_table_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".tsv")
         || g_str_has_suffix (lower, ".tab") || g_str_has_suffix (lower, ".txt");
}

/* ------------------------------------------------------------------ */
/* The column profile list and the row grid                            */

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 12);
  gtk_list_item_set_child (item, label);
}

/* The profile has few rows: labels, which screen readers read */
static void
setup_profile_label (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  ProfileColumn kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "kind"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), kind == COL_NAME ? 16 : kind == COL_ROLE ? 14 : 4);
  gtk_list_item_set_child (item, label);
}

static void
bind_profile_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   CsMappingPage            *self)
{
  ProfileColumn kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "kind"));
  guint position = gtk_list_item_get_position (item);
  const CsCsvColumnProfile *col;
  g_autofree char *text = NULL;

  if (self->table == NULL || position >= cs_csv_profile_get_n_columns (self->table->profile))
    return;
  col = cs_csv_profile_get_column (self->table->profile, position);
  switch (kind)
    {
    case COL_NAME:
      text = g_strdup (col->name);
      break;
    case COL_TYPE:
      text = g_strdup (cs_csv_type_to_string (col->type));
      break;
    case COL_MISSING:
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, col->n_missing);
      break;
    case COL_DISTINCT:
      text = g_strdup_printf (col->distinct_capped ? "≥ %u" : "%u", col->n_distinct);
      break;
    case COL_ROLE:
      {
        CsColumnRole role = cs_column_role_guess (col);

        text = g_strdup (role == CS_COLUMN_ROLE_NONE ? "" : cs_column_role_get_label (role));
      }
      break;
    case COL_SAMPLE:
      text = cs_table_profile_sample (col, SAMPLE_VALUES);
      break;
    case N_PROFILE_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), kind == COL_SAMPLE || kind == COL_NAME ? text : NULL);
}

static void
bind_row_cell (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               CsMappingPage            *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char * const *fields;

  if (self->table == NULL)
    return;
  if (column == G_MAXUINT)
    {
      g_autofree char *number = g_strdup_printf ("%u", gtk_list_item_get_position (item) + 1);

      gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), number);
      return;
    }
  fields = cs_table_profile_get_row (self->table, gtk_list_item_get_position (item));
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), fields != NULL ? fields[column] : NULL);
}

static GtkColumnViewColumn *
make_column (CsMappingPage *self,
             const char    *title,
             GCallback      bind,
             const char    *key,
             guint          value,
             gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), key, GUINT_TO_POINTER (value));
  g_signal_connect (factory, "setup",
                    bind == G_CALLBACK (bind_profile_cell) ? G_CALLBACK (setup_profile_label) : G_CALLBACK (setup_label),
                    NULL);
  g_signal_connect_object (factory, "bind", bind, self, 0);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  return column;
}

static void
remove_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (view, c);
    }
}

static void
show_table (CsMappingPage *self)
{
  guint n_columns = cs_csv_profile_get_n_columns (self->table->profile);
  g_autofree char *dialect = cs_table_profile_describe_dialect (self->table);
  g_autofree char *label = NULL;
  g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, cs_csv_profile_get_n_rows (self->table->profile));
  GtkColumnViewColumn *column;

  /* Translators: "clinical.csv — 422 rows, 10 columns — comma, UTF-8, LF" */
  label = g_strdup_printf (_("%s — %s rows, %u columns — %s%s"), self->table->name, rows, n_columns, dialect,
                           self->table->rows_capped ? _(" (only the first rows are shown)") : "");
  gtk_label_set_label (self->table_label, label);

  /* the profile: one item per column */
  gtk_single_selection_set_model (self->columns_selection, NULL);
  {
    g_autoptr(CsMappingRowModel) model = cs_mapping_row_model_new ();

    cs_mapping_row_model_set_n_items (model, n_columns);
    gtk_single_selection_set_model (self->columns_selection, G_LIST_MODEL (model));
  }
  gtk_single_selection_set_selected (self->columns_selection, GTK_INVALID_LIST_POSITION);

  /* the rows */
  remove_columns (self->rows_view);
  column = make_column (self, "#", G_CALLBACK (bind_row_cell), "column", G_MAXUINT, FALSE);
  gtk_column_view_append_column (self->rows_view, column);
  g_object_unref (column);
  for (guint i = 0; i < n_columns; i++)
    {
      column = make_column (self, cs_csv_profile_get_column (self->table->profile, i)->name,
                            G_CALLBACK (bind_row_cell), "column", i, FALSE);
      gtk_column_view_append_column (self->rows_view, column);
      g_object_unref (column);
    }
  cs_mapping_row_model_set_n_items (self->rows_model, self->table->rows != NULL ? self->table->rows->len : 0);
  self->previewed_row = 0;
  if (self->table->rows != NULL && self->table->rows->len > 0)
    gtk_single_selection_set_selected (self->rows_selection, 0);
  gtk_stack_set_visible_child_name (self->stack, "main");
}

/* ------------------------------------------------------------------ */
/* Opening a table                                                     */

static void
end_job (CsMappingPage *self)
{
  self->job = JOB_NONE;
  g_clear_object (&self->cancellable);
  update_actions (self);
}

static void
table_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  CsMappingPage *self = user_data;

  if (self->job == JOB_TABLE && total > 0)
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
  g_clear_pointer (&self->mapping_path, g_free);
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

  end_job (self);
  if (table == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, self->table != NULL ? "main" : "empty");
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot Open the Table"), error->message,
                    _("The table that was open and the mapping are kept. Fix the file (or save it as UTF-8 "
                      "CSV) and open it again."));
      g_clear_pointer (&self->pending_mapping, g_free);
      return;
    }

  g_clear_pointer (&self->preview, cs_mapping_preview_free);
  g_clear_pointer (&self->table, cs_table_profile_free);
  self->table = table;
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
  self->preview_stale = TRUE;
  show_table (self);
  update_actions (self);
  update_preview (self);
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
  self->job = JOB_TABLE;
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

static gboolean save_now (CsMappingPage *self);

static void
confirm_response (AdwMessageDialog *dialog,
                  const char       *response,
                  Confirm          *confirm)
{
  gboolean go_on = FALSE;

  if (g_str_equal (response, "discard"))
    {
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (confirm->self->mapping_buffer), FALSE);
      go_on = TRUE;
    }
  else if (g_str_equal (response, "save"))
    go_on = save_now (confirm->self);
  confirm->done (confirm->user_data, go_on);
  g_object_unref (confirm->self);
  g_free (confirm);
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
/* File choosers                                                       */

typedef void (*ChosenFunc) (CsMappingPage *self, const char *path, gpointer data);

typedef struct
{
  CsMappingPage *self;
  ChosenFunc     chosen;
  gpointer       data;
} Chooser;

static void
chooser_response (GtkNativeDialog *native,
                  int              response,
                  Chooser         *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        chooser->chosen (chooser->self, path, chooser->data);
    }
  g_object_unref (chooser->self);
  g_free (chooser);
  g_object_unref (native);
}

static void
choose_file (CsMappingPage        *self,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *suggested_name,
             const char * const   *patterns,
             const char           *filter_name,
             ChosenFunc            chosen,
             gpointer              data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  Chooser *chooser = g_new0 (Chooser, 1);

  native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action, NULL, NULL);
  if (patterns != NULL)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, filter_name);
      for (guint i = 0; patterns[i] != NULL; i++)
        gtk_file_filter_add_pattern (filter, patterns[i]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
      g_object_unref (filter);
    }
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  chooser->self = g_object_ref (self);
  chooser->chosen = chosen;
  chooser->data = data;
  g_signal_connect (native, "response", G_CALLBACK (chooser_response), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static const char * const table_patterns[] = { "*.csv", "*.tsv", "*.tab", "*.txt", "*.CSV", "*.TSV", NULL };
static const char * const json_patterns[] = { "*.json", "*.JSON", NULL };

static void
table_chosen (CsMappingPage *self,
              const char    *path,
              gpointer       data)
{
  cs_mapping_page_open_table (self, path, self->role);
}

void
cs_mapping_page_show_open_dialog (CsMappingPage *self)
{
  g_return_if_fail (CS_IS_MAPPING_PAGE (self));

  choose_file (self, GTK_FILE_CHOOSER_ACTION_OPEN, _("Open a Table"), NULL, table_patterns,
               _("CSV and TSV tables"), table_chosen, NULL);
}

/* ------------------------------------------------------------------ */
/* Mapping files                                                       */

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

      g_free (self->mapping_path);
      self->mapping_path = g_strdup (op->path);
      for (guint i = 0; op->inputs != NULL && op->inputs[i] != NULL && table_path == NULL; i++)
        {
          const char *eq = strchr (op->inputs[i], '=');

          if (eq != NULL)
            {
              table_role = g_strndup (op->inputs[i], (gsize) (eq - op->inputs[i]));
              table_path = g_strdup (eq + 1);
            }
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
              gtk_label_set_label (self->table_label, _("Open the table this mapping reads (Ctrl+O) to see "
                                                        "its preview."));
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
mapping_chosen (CsMappingPage *self,
                const char    *path,
                gpointer       data)
{
  cs_mapping_page_open_mapping (self, path, NULL);
}

gboolean
cs_mapping_page_save_to (CsMappingPage *self,
                         const char    *path,
                         GError       **error)
{
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));

  if (!g_file_set_contents (path, text, -1, error))
    return FALSE;
  if (self->mapping_path != path)
    {
      g_free (self->mapping_path);
      self->mapping_path = g_strdup (path);
    }
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->mapping_buffer), FALSE);
  return TRUE;
}

static void
save_as_chosen (CsMappingPage *self,
                const char    *path,
                gpointer       data)
{
  g_autoptr(GError) error = NULL;

  if (!cs_mapping_page_save_to (self, path, &error))
    show_error (self, _("Cannot Save the Mapping"), error->message, _("The mapping is kept in the editor."));
}

static void
save_as (CsMappingPage *self)
{
  g_autofree char *name = NULL;

  if (self->table != NULL)
    {
      g_autofree char *base = g_strdup (self->table->name);
      char *dot = strrchr (base, '.');

      if (dot != NULL)
        *dot = '\0';
      name = g_strdup_printf ("%s.mapping.json", base);
    }
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Save the Mapping"), name != NULL ? name : "mapping.json",
               json_patterns, _("Mapping files (JSON)"), save_as_chosen, NULL);
}

/* Saves to the mapping's file; without one asks where (and returns FALSE:
 * the save is not done yet). */
static gboolean
save_now (CsMappingPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->mapping_path == NULL)
    {
      save_as (self);
      return FALSE;
    }
  if (!cs_mapping_page_save_to (self, self->mapping_path, &error))
    {
      show_error (self, _("Cannot Save the Mapping"), error->message, _("The mapping is kept in the editor."));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The preview                                                         */

static void
clear_list_box (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
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

static void
update_resources_list (CsMappingPage *self)
{
  CsMapping *mapping = self->preview != NULL ? cs_mapping_preview_get_mapping (self->preview) : NULL;

  clear_list_box (self->resources_list);
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

static void
update_value_maps (CsMappingPage *self)
{
  CsMapping *mapping = self->preview != NULL ? cs_mapping_preview_get_mapping (self->preview) : NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; mapping != NULL && i < cs_mapping_get_n_concept_maps (mapping); i++)
    {
      CsConceptMap *map = cs_mapping_get_concept_map (mapping, i);
      const char *id = cs_concept_map_get_id (map) != NULL ? cs_concept_map_get_id (map) : cs_concept_map_get_url (map);

      g_ptr_array_add (ids, g_strdup (id));
      gtk_string_list_append (list, id);
    }
  g_ptr_array_add (ids, NULL);
  if (self->value_map_ids != NULL && ids->len == g_strv_length (self->value_map_ids) + 1
      && g_strv_equal ((const char * const *) ids->pdata, (const char * const *) self->value_map_ids))
    return;
  g_strfreev (self->value_map_ids);
  self->value_map_ids = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
  gtk_drop_down_set_model (self->value_map_dropdown, G_LIST_MODEL (list));
}

static void
show_mapping_error (CsMappingPage *self,
                    const char    *message,
                    const char    *text)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->mapping_buffer);
  GtkTextIter start, end;

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

static void
highlight_column (CsMappingPage *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->preview_buffer);
  guint column = gtk_single_selection_get_selected (self->columns_selection);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->highlight_tag, &start, &end);
  self->n_highlighted = 0;
  if (column == GTK_INVALID_LIST_POSITION || self->resources == NULL || self->preview == NULL)
    return;
  for (guint r = 0; r < self->resources->len; r++)
    {
      const CsPreviewResource *res = self->resources->pdata[r];
      guint first = g_array_index (self->resource_lines, guint, r);

      for (guint e = 0; e < res->elements->len; e++)
        {
          const CsPreviewElement *el = res->elements->pdata[e];

          for (guint c = 0; c < el->cells->len; c++)
            {
              const CsMappingCell *cell = &g_array_index (el->cells, CsMappingCell, c);

              if (cell->input == cs_mapping_preview_get_input (self->preview) && cell->column == column)
                {
                  gtk_text_buffer_get_iter_at_line (buffer, &start, (int) (first + el->line));
                  end = start;
                  gtk_text_iter_forward_to_line_end (&end);
                  gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
                  self->n_highlighted++;
                  break;
                }
            }
        }
    }
}

static void
update_preview (CsMappingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  g_autofree char *base_dir = mapping_base_dir (self);
  g_autoptr(GPtrArray) problems = cs_preview_problem_array_new ();
  GString *out;
  guint selected;

  g_clear_handle_id (&self->preview_source, g_source_remove);
  if (self->table == NULL)
    {
      g_autoptr(CsMapping) mapping = cs_mapping_load_data (text, -1, _("the mapping"), base_dir, &error);

      show_mapping_error (self, mapping == NULL && *text != '\0' ? error->message : NULL, text);
      return;
    }
  if (self->preview_stale || self->preview == NULL)
    {
      CsMappingPreview *preview = cs_mapping_preview_new (text, base_dir, self->role, self->table, &error);

      if (preview == NULL)
        {
          /* keep the last good preview on screen, marked as old */
          show_mapping_error (self, error->message, text);
          gtk_label_set_label (self->preview_label, _("Preview (of the last mapping that worked)"));
          return;
        }
      g_clear_pointer (&self->preview, cs_mapping_preview_free);
      self->preview = preview;
      self->preview_stale = FALSE;
      show_mapping_error (self, NULL, text);
      update_resources_list (self);
      update_value_maps (self);
      /* the coverage follows edits of the map */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->table_stack), "values") == 0)
        show_value_map (self);
    }

  selected = gtk_single_selection_get_selected (self->rows_selection);
  self->previewed_row = selected != GTK_INVALID_LIST_POSITION ? selected : 0;
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  self->resources = cs_preview_resource_array_new ();
  g_array_set_size (self->resource_lines, 0);
  clear_list_box (self->row_problems_list);
  out = g_string_new (NULL);
  if (cs_table_profile_get_row (self->table, self->previewed_row) != NULL
      && !cs_mapping_preview_row (self->preview, self->previewed_row, self->resources, problems, &error))
    g_string_append_printf (out, "%s\n", error->message);
  {
    guint line = 0;

    for (guint i = 0; i < self->resources->len; i++)
      {
        const CsPreviewResource *res = self->resources->pdata[i];

        g_array_append_val (self->resource_lines, line);
        g_string_append (out, res->json);
        for (const char *p = res->json; *p != '\0'; p++)
          if (*p == '\n')
            line++;
        if (i + 1 < self->resources->len)
          {
            g_string_append_c (out, '\n');
            line++;
          }
      }
  }
  {
    g_autofree char *label = NULL;
    g_autofree char *row = g_strdup_printf ("%" G_GUINT64_FORMAT, self->previewed_row + 1);
    guint n_errors = 0;

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
                                            n_errors), row, n_errors);
    else
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Row %s: %u resource", "Row %s: %u resources",
                                            self->resources->len), row, self->resources->len);
    gtk_label_set_label (self->preview_label, label);
  }
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->preview_buffer), out->str, (int) out->len);
  g_string_free (out, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->row_problems_list), problems->len > 0);
  highlight_column (self);
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
schedule_preview (CsMappingPage *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout, self);
}

static void
on_mapping_changed (CsMappingPage *self)
{
  self->preview_stale = TRUE;
  schedule_preview (self);
}

static void
on_row_selected (CsMappingPage *self)
{
  if (self->table != NULL && gtk_single_selection_get_selected (self->rows_selection) != self->previewed_row)
    update_preview (self);
}

/* The element at the preview's cursor: where it came from. */
static void
on_preview_cursor (CsMappingPage *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->preview_buffer);
  GtkTextIter iter;
  guint line;
  const CsPreviewResource *res = NULL;
  const CsPreviewElement *best = NULL;
  guint first = 0;

  g_clear_pointer (&self->source_text, g_free);
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  line = (guint) gtk_text_iter_get_line (&iter);
  for (guint r = 0; self->resources != NULL && r < self->resources->len; r++)
    if (g_array_index (self->resource_lines, guint, r) <= line)
      {
        res = self->resources->pdata[r];
        first = g_array_index (self->resource_lines, guint, r);
      }
  for (guint e = 0; res != NULL && e < res->elements->len; e++)
    {
      const CsPreviewElement *el = res->elements->pdata[e];

      if (first + el->line == line && el->cells->len > 0)
        best = el;
    }
  if (best != NULL)
    {
      const CsMappingCell *cell = &g_array_index (best->cells, CsMappingCell, 0);
      const char *name = cs_mapping_program_get_column_name (cs_mapping_preview_get_program (self->preview),
                                                             cell->input, cell->column);
      const char * const *fields = cell->row > 0 ? cs_table_profile_get_row (self->table, cell->row - 1) : NULL;

      g_autofree char *row = g_strdup_printf ("%" G_GUINT64_FORMAT, cell->row);

      if (fields != NULL && cell->input == cs_mapping_preview_get_input (self->preview))
        /* Translators: "Patient.gender ← row 3, column “sex”: “m”" */
        self->source_text = g_strdup_printf (_("%s ← row %s, column “%s”: “%s”"), best->path, row, name,
                                             fields[cell->column]);
      else
        self->source_text = g_strdup_printf (_("%s ← column “%s”"), best->path, name);
      /* select the source cell: its column (its row is the one shown) */
      if (cell->input == cs_mapping_preview_get_input (self->preview))
        {
          g_signal_handlers_block_matched (self->columns_selection, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
          gtk_single_selection_set_selected (self->columns_selection, cell->column);
          g_signal_handlers_unblock_matched (self->columns_selection, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
        }
    }
  gtk_label_set_label (self->source_label, self->source_text != NULL ? self->source_text : "");
}

/* ------------------------------------------------------------------ */
/* Value maps                                                          */

static void
show_value_map (CsMappingPage *self)
{
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);
  CsMapping *mapping = self->preview != NULL ? cs_mapping_preview_get_mapping (self->preview) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *column_name = NULL;
  g_autoptr(CsMappingCoverage) coverage = NULL;
  const CsCsvColumnProfile *column = NULL;

  clear_list_box (self->values_list);
  g_clear_pointer (&self->coverage_text, g_free);
  gtk_label_set_label (self->coverage_label, "");
  if (mapping == NULL || index == GTK_INVALID_LIST_POSITION || index >= cs_mapping_get_n_concept_maps (mapping))
    return;
  text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  column_name = cs_mapping_text_find_map_column (text, self->value_map_ids[index]);
  for (guint i = 0; column_name != NULL && i < cs_csv_profile_get_n_columns (self->table->profile); i++)
    if (g_str_equal (cs_csv_profile_get_column (self->table->profile, i)->name, column_name))
      column = cs_csv_profile_get_column (self->table->profile, i);
  if (column == NULL)
    {
      gtk_label_set_label (self->coverage_label, _("No column of this table uses the value map."));
      return;
    }
  coverage = cs_mapping_coverage_new (cs_mapping_get_concept_map (mapping, index), column);
  {
    g_autofree char *describe = cs_mapping_coverage_describe (coverage);

    self->coverage_text = g_strdup_printf ("%s: %s", column->name, describe);
  }
  gtk_label_set_label (self->coverage_label, self->coverage_text);
  for (guint i = 0; i < coverage->values->len; i++)
    {
      const CsValueCoverage *v = &g_array_index (coverage->values, CsValueCoverage, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, v->count);
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                             (gulong) MIN (v->count, G_MAXULONG)), number);
      g_autofree char *target = v->mapped ? g_strdup_printf ("%s%s%s", v->code, v->display != NULL ? " — " : "",
                                                             v->display != NULL ? v->display : "")
                                          : g_strdup (v->listed ? _("listed without a code") : _("unmapped"));
      g_autofree char *title = g_markup_escape_text (v->value, -1);
      g_autofree char *subtitle = g_markup_escape_text (target, -1);
      GtkWidget *count_label = gtk_label_new (count);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (!v->mapped)
        gtk_widget_add_css_class (row, "warning");
      gtk_widget_add_css_class (count_label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count_label);
      gtk_list_box_append (self->values_list, row);
    }
}

static void
import_value_map_chosen (CsMappingPage *self,
                         const char    *path,
                         gpointer       data)
{
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsValueMap) map = NULL;
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  g_autofree char *base_dir = mapping_base_dir (self);
  g_autofree char *json = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  const char *id;

  if (self->value_map_ids == NULL || index >= g_strv_length (self->value_map_ids))
    return;
  id = self->value_map_ids[index];
  if (g_str_has_suffix (lower, ".csv"))
    {
      g_autofree char *old = cs_mapping_text_get_concept_map (text, base_dir, id, NULL);
      g_autoptr(CsValueMap) old_map = old != NULL ? cs_value_map_from_concept_map (old, -1, id, NULL) : NULL;

      map = cs_value_map_from_csv (path, id, old_map != NULL ? old_map->target_system : NULL, &error);
      if (map != NULL && old_map != NULL)
        {
          map->url = g_strdup (old_map->url);
          map->source_system = g_strdup (old_map->source_system);
        }
    }
  else
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, &error))
        {
          g_autofree char *name = g_path_get_basename (path);

          map = cs_value_map_from_concept_map (contents, -1, name, &error);
        }
    }
  if (map != NULL)
    {
      json = cs_value_map_to_concept_map (map);
      replaced = cs_mapping_text_replace_concept_map (text, base_dir, id, json, &error);
    }
  if (replaced == NULL)
    {
      show_error (self, _("Cannot Import the Value Map"), error->message, _("The mapping is unchanged."));
      return;
    }
  set_mapping_text (self, replaced, FALSE);
  update_preview (self);
  show_value_map (self);
}

static void
export_value_map_chosen (CsMappingPage *self,
                         const char    *path,
                         gpointer       data)
{
  gboolean csv = GPOINTER_TO_INT (data);
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);
  g_autofree char *text = buffer_text (GTK_TEXT_BUFFER (self->mapping_buffer));
  g_autofree char *base_dir = mapping_base_dir (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;

  if (self->value_map_ids == NULL || index >= g_strv_length (self->value_map_ids))
    return;
  json = cs_mapping_text_get_concept_map (text, base_dir, self->value_map_ids[index], &error);
  if (json != NULL && csv)
    {
      g_autoptr(CsValueMap) map = cs_value_map_from_concept_map (json, -1, self->value_map_ids[index], &error);

      out = map != NULL ? cs_value_map_to_csv (map) : NULL;
    }
  else if (json != NULL)
    out = g_strdup_printf ("%s\n", json);
  if (out == NULL || !g_file_set_contents (path, out, -1, &error))
    show_error (self, _("Cannot Export the Value Map"), error->message, NULL);
}

/* ------------------------------------------------------------------ */
/* Validate and Run                                                    */

typedef struct
{
  CsMappingPage *self;       /* a reference */
  guint64        rows_done;
  guint64        bytes_done;
  guint64        bytes_total;
} ProgressUpdate;

static gboolean
job_progress_idle (gpointer user_data)
{
  ProgressUpdate *u = user_data;
  CsMappingPage *self = u->self;

  if (self->job == JOB_VALIDATE || self->job == JOB_RUN)
    {
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, u->rows_done);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                            (gulong) MIN (u->rows_done, G_MAXULONG)), rows);

      if (u->bytes_total > 0)
        gtk_progress_bar_set_fraction (self->job_progress, (double) u->bytes_done / (double) u->bytes_total);
      gtk_progress_bar_set_text (self->job_progress, text);
    }
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *u = data;

  g_object_unref (u->self);
  g_free (u);
}

static void
job_sink_progress (const CsMappingProgress *progress,
                   gpointer                 user_data)
{
  CsMappingPage *self = user_data;
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);

  u->self = g_object_ref (self);
  u->rows_done = progress->rows_done;
  u->bytes_done = progress->bytes_done;
  u->bytes_total = progress->bytes_total;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, job_progress_idle, u, progress_update_free);
}

static void
job_sink_problem (const CsMappingProblem *problem,
                  gpointer                user_data)
{
  CsMappingPage *self = user_data;
  CsPreviewProblem *p = g_new0 (CsPreviewProblem, 1);

  p->severity = problem->severity;
  p->row = problem->row;
  p->column = g_strdup (problem->column);
  p->value = g_strdup (problem->value);
  p->resource = g_strdup (problem->resource);
  p->element = g_strdup (problem->element);
  p->message = cs_mapping_problem_to_string (problem);
  g_mutex_lock (&self->job_lock);
  g_ptr_array_add (self->job_problems, p);
  g_mutex_unlock (&self->job_lock);
}

static gboolean
job_sink_resource (const CsMappingResource *resource,
                   gpointer                 user_data,
                   GError                 **error)
{
  CsMappingPage *self = user_data;

  if (self->writer == NULL)
    return TRUE;
  return cs_mapping_writer_add (self->writer, resource->resource_type, resource->id, resource->json,
                                resource->length, error);
}

static const CsMappingSink job_sink = { job_sink_resource, job_sink_problem, job_sink_progress };

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CsMappingPage) self = user_data;
  CsMappingRun *run = g_object_get_data (G_OBJECT (self), "job-run");
  g_autoptr(GError) error = NULL;
  gboolean ok = cs_mapping_run_all_finish (run, result, &error);
  CsMappingStats stats;
  g_autofree char *summary = NULL;
  Job job = self->job;

  cs_mapping_run_get_stats (run, &stats);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_mutex_lock (&self->job_lock);
  self->problems = g_steal_pointer (&self->job_problems);
  g_mutex_unlock (&self->job_lock);
  cs_mapping_row_model_set_n_items (self->problems_model, self->problems->len);

  if (job == JOB_RUN)
    {
      if (ok && !cs_mapping_writer_commit (self->writer, &error))
        ok = FALSE;
      if (!ok)
        cs_mapping_writer_abort (self->writer);
      g_clear_pointer (&self->writer, cs_mapping_writer_free);
      if (ok)
        {
          g_free (self->output_path);
          self->output_path = g_steal_pointer (&self->run_path);
        }
    }
  g_object_set_data (G_OBJECT (self), "job-run", NULL);
  end_job (self);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    summary = g_strdup (_("Cancelled: the problems found so far are listed."));
  else if (!ok)
    {
      summary = g_strdup (error->message);
      show_error (self, job == JOB_RUN ? _("The Run Failed") : _("The Validation Failed"), error->message,
                  job == JOB_RUN ? _("Nothing was written.") : NULL);
    }
  else
    {
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.rows);
      g_autofree char *rejected = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.rows_rejected);
      g_autofree char *resources = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.resources);
      g_autofree char *errors = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.errors);
      g_autofree char *warnings = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.warnings);

      /* Translators: the validation's summary */
      summary = g_strdup_printf (_("%s rows: %s resources, %s rows rejected; %s errors, %s warnings."),
                                 rows, resources, rejected, errors, warnings);
      if (job == JOB_RUN)
        {
          g_autofree char *written = g_strdup_printf (_("Wrote %s. %s"), self->output_path, summary);

          g_free (summary);
          summary = g_steal_pointer (&written);
        }
    }
  gtk_label_set_label (self->problems_label, summary);
  gtk_stack_set_visible_child_name (self->table_stack, "problems");
}

static void
start_job (CsMappingPage *self,
           Job            job,
           const char    *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  CsMappingRun *run;
  CsMapping *mapping;

  if (self->preview_stale)
    update_preview (self);
  if (self->preview == NULL || self->preview_stale)
    {
      show_error (self, _("The Mapping Has a Problem"),
                  self->error_text != NULL ? self->error_text : _("The mapping cannot be read."),
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
  if (job == JOB_RUN)
    {
      CsMappingOutputFormat format = g_str_has_suffix (output, ".ndjson") ? CS_MAPPING_OUTPUT_NDJSON
                                                                          : CS_MAPPING_OUTPUT_TRANSACTION;

      if ((self->writer = cs_mapping_writer_new (output, format, &error)) == NULL)
        {
          show_error (self, _("Cannot Write There"), error->message, NULL);
          return;
        }
      g_free (self->run_path);
      self->run_path = g_strdup (output);
    }
  run = cs_mapping_run_new (cs_mapping_preview_get_program (self->preview),
                            job == JOB_VALIDATE ? CS_MAPPING_RUN_VALIDATE_ALL : 0);
  if (!cs_mapping_run_add_input (run, self->role, g_steal_pointer (&reader), &error))
    {
      cs_mapping_run_free (run);
      g_clear_pointer (&self->writer, cs_mapping_writer_free);
      show_error (self, _("Cannot Read the Table"), error->message, NULL);
      return;
    }
  g_object_set_data_full (G_OBJECT (self), "job-run", run, (GDestroyNotify) cs_mapping_run_free);
  g_mutex_lock (&self->job_lock);
  g_clear_pointer (&self->job_problems, g_ptr_array_unref);
  self->job_problems = cs_preview_problem_array_new ();
  g_mutex_unlock (&self->job_lock);
  self->job = job;
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->job_progress, 0);
  gtk_progress_bar_set_text (self->job_progress, job == JOB_RUN ? _("Writing…") : _("Validating…"));
  update_actions (self);
  cs_mapping_run_all_async (run, &job_sink, self, self->cancellable, job_done, g_object_ref (self));
}

void
cs_mapping_page_run_to (CsMappingPage *self,
                        const char    *path)
{
  start_job (self, JOB_RUN, path);
}

static void
run_chosen (CsMappingPage *self,
            const char    *path,
            gpointer       data)
{
  start_job (self, JOB_RUN, path);
}

static void
bind_problem (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CsMappingPage            *self)
{
  guint position = gtk_list_item_get_position (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const CsPreviewProblem *p;

  if (self->problems == NULL || position >= self->problems->len)
    return;
  p = self->problems->pdata[position];
  gtk_inscription_set_text (GTK_INSCRIPTION (label), p->message);
  if (p->severity == CS_MAPPING_SEVERITY_ERROR)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

static void
setup_problem (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_list_item_set_child (item, label);
}

/* Scrolls a column view's list to a row (GTK 4.8 has no scroll_to). */
static void
scroll_to_row (GtkColumnView *view,
               guint          row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", row);
}

void
cs_mapping_page_activate_problem (CsMappingPage *self,
                                  guint          index)
{
  const CsPreviewProblem *p;

  g_return_if_fail (self->problems != NULL && index < self->problems->len);

  p = self->problems->pdata[index];
  if (p->row > 0 && self->table != NULL && p->row <= self->table->rows->len)
    {
      gtk_stack_set_visible_child_name (self->table_stack, "rows");
      gtk_single_selection_set_selected (self->rows_selection, (guint) (p->row - 1));
      scroll_to_row (self->rows_view, (guint) (p->row - 1));
    }
  if (p->column != NULL && self->table != NULL)
    for (guint i = 0; i < cs_csv_profile_get_n_columns (self->table->profile); i++)
      if (g_str_equal (cs_csv_profile_get_column (self->table->profile, i)->name, p->column))
        {
          gtk_single_selection_set_selected (self->columns_selection, i);
          break;
        }
}

static void
on_problem_activated (CsMappingPage *self,
                      guint          position)
{
  cs_mapping_page_activate_problem (self, position);
}

static void
on_resource_activated (CsMappingPage *self,
                       GtkListBoxRow *row)
{
  const char *name = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "resource-name");
  g_autofree char *needle = g_strdup_printf ("\"name\": \"%s\"", name);
  g_autofree char *needle2 = g_strdup_printf ("\"name\" : \"%s\"", name);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->mapping_buffer), &start);
  if (gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL)
      || gtk_text_iter_forward_search (&start, needle2, 0, &match_start, &match_end, NULL))
    {
      gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->mapping_buffer), &match_start);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->mapping_view), &match_start, 0.1, TRUE, 0, 0.1);
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
  choose_file (CS_MAPPING_PAGE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open a Mapping"), NULL, json_patterns,
               _("Mapping files (JSON)"), mapping_chosen, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_now (CS_MAPPING_PAGE (widget));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save_as (CS_MAPPING_PAGE (widget));
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
  start_job (CS_MAPPING_PAGE (widget), JOB_VALIDATE, NULL);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  static const char * const patterns[] = { "*.ndjson", "*.json", NULL };
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  g_autofree char *name = NULL;

  if (self->table != NULL)
    {
      g_autofree char *base = g_strdup (self->table->name);
      char *dot = strrchr (base, '.');

      if (dot != NULL)
        *dot = '\0';
      name = g_strdup_printf ("%s.ndjson", base);
    }
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Write the FHIR Resources"), name, patterns,
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
}

static void
open_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);

  if (self->output_path != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_IN_COHORT], 0, self->output_path);
}

static void
import_value_map_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  static const char * const patterns[] = { "*.json", "*.csv", NULL };

  choose_file (CS_MAPPING_PAGE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Import a Value Map"), NULL, patterns,
               _("ConceptMap (JSON) or source_code,target_code,target_display (CSV)"), import_value_map_chosen, NULL);
}

static void
export_value_map_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CsMappingPage *self = CS_MAPPING_PAGE (widget);
  gboolean csv = g_str_equal (g_variant_get_string (parameter, NULL), "csv");
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);
  g_autofree char *name = NULL;

  if (self->value_map_ids == NULL || index >= g_strv_length (self->value_map_ids))
    return;
  name = g_strdup_printf ("%s.%s", self->value_map_ids[index], csv ? "csv" : "json");
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Value Map"), name, NULL, NULL,
               export_value_map_chosen, GINT_TO_POINTER (csv));
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
          cs_mapping_page_open_table (self, path, self->role);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_PAGE);
  g_clear_object (&self->mapping_buffer);
  g_clear_object (&self->preview_buffer);
  g_clear_object (&self->rows_model);
  g_clear_object (&self->rows_selection);
  g_clear_object (&self->columns_selection);
  g_clear_object (&self->problems_model);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cs_mapping_page_parent_class)->dispose (object);
}

static void
cs_mapping_page_finalize (GObject *object)
{
  CsMappingPage *self = CS_MAPPING_PAGE (object);

  g_clear_pointer (&self->preview, cs_mapping_preview_free);
  g_clear_pointer (&self->table, cs_table_profile_free);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->resource_lines, g_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->job_problems, g_ptr_array_unref);
  g_clear_pointer (&self->writer, cs_mapping_writer_free);
  g_mutex_clear (&self->job_lock);
  g_free (self->role);
  g_free (self->mapping_path);
  g_free (self->pending_mapping);
  g_free (self->error_text);
  g_free (self->source_text);
  g_free (self->run_path);
  g_free (self->output_path);
  g_free (self->last_error);
  g_free (self->coverage_text);
  g_strfreev (self->value_map_ids);
  G_OBJECT_CLASS (cs_mapping_page_parent_class)->finalize (object);
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
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-mapping-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, table_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, table_stack);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, columns_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, rows_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, template_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, value_map_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, values_list);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, problems_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, problems_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, resources_list);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, mapping_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, mapping_error);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, source_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, row_problems_list);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, job_progress);
  gtk_widget_class_bind_template_child (widget_class, CsMappingPage, job_cancel);

  gtk_widget_class_install_action (widget_class, "mapping.open-table", NULL, open_table_action);
  gtk_widget_class_install_action (widget_class, "mapping.open-mapping", NULL, open_mapping_action);
  gtk_widget_class_install_action (widget_class, "mapping.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "mapping.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "mapping.apply-template", NULL, apply_template_action);
  gtk_widget_class_install_action (widget_class, "mapping.validate", NULL, validate_action);
  gtk_widget_class_install_action (widget_class, "mapping.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "mapping.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "mapping.open-output", NULL, open_output_action);
  gtk_widget_class_install_action (widget_class, "mapping.import-value-map", NULL, import_value_map_action);
  gtk_widget_class_install_action (widget_class, "mapping.export-value-map", "s", export_value_map_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "mapping.open-table", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "mapping.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "mapping.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "mapping.validate", NULL);
}

static void
cs_mapping_page_init (CsMappingPage *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *json = gtk_source_language_manager_get_language (languages, "json");
  static const struct { const char *title; ProfileColumn kind; gboolean expand; } profile_columns[] = {
    { N_("Column"), COL_NAME, FALSE },
    { N_("Type"), COL_TYPE, FALSE },
    { N_("Missing"), COL_MISSING, FALSE },
    { N_("Distinct"), COL_DISTINCT, FALSE },
    { N_("Suggested as"), COL_ROLE, FALSE },
    { N_("Sample"), COL_SAMPLE, TRUE },
  };
  GtkListItemFactory *factory;
  GtkDropTarget *drop;

  g_mutex_init (&self->job_lock);
  self->error_line = -1;
  self->resource_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->columns_view));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->rows_view));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->problems_view));

  /* the editor and the preview */
  self->mapping_buffer = gtk_source_buffer_new_with_language (json);
  self->preview_buffer = gtk_source_buffer_new_with_language (json);
  gtk_source_buffer_set_highlight_matching_brackets (self->mapping_buffer, TRUE);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->mapping_view), GTK_TEXT_BUFFER (self->mapping_buffer));
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->preview_view), GTK_TEXT_BUFFER (self->preview_buffer));
  self->error_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->mapping_buffer), "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "background", "rgba(224,27,36,0.15)", NULL);
  self->highlight_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->preview_buffer), "fed",
                                                    "background", "rgba(53,132,228,0.25)", NULL);
  g_signal_connect_object (self->mapping_buffer, "changed", G_CALLBACK (on_mapping_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_buffer, "notify::cursor-position", G_CALLBACK (on_preview_cursor), self,
                           G_CONNECT_SWAPPED);

  /* the column profile */
  self->columns_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->columns_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->columns_selection, TRUE);
  gtk_column_view_set_model (self->columns_view, GTK_SELECTION_MODEL (self->columns_selection));
  for (guint i = 0; i < G_N_ELEMENTS (profile_columns); i++)
    {
      GtkColumnViewColumn *column = make_column (self, _(profile_columns[i].title), G_CALLBACK (bind_profile_cell),
                                                 "kind", profile_columns[i].kind, profile_columns[i].expand);

      gtk_column_view_append_column (self->columns_view, column);
      g_object_unref (column);
    }
  g_signal_connect_object (self->columns_selection, "notify::selected", G_CALLBACK (highlight_column), self,
                           G_CONNECT_SWAPPED);

  /* the rows */
  self->rows_model = cs_mapping_row_model_new ();
  self->rows_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->rows_model)));
  gtk_column_view_set_model (self->rows_view, GTK_SELECTION_MODEL (self->rows_selection));
  g_signal_connect_object (self->rows_selection, "notify::selected", G_CALLBACK (on_row_selected), self,
                           G_CONNECT_SWAPPED);

  /* the problems of a validation */
  self->problems_model = cs_mapping_row_model_new ();
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_problem), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_problem), self, 0);
  gtk_list_view_set_factory (self->problems_view, factory);
  g_object_unref (factory);
  {
    g_autoptr(GtkSingleSelection) selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->problems_model)));

    gtk_list_view_set_model (self->problems_view, GTK_SELECTION_MODEL (selection));
  }
  g_signal_connect_object (self->problems_view, "activate", G_CALLBACK (on_problem_activated), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->resources_list, "row-activated", G_CALLBACK (on_resource_activated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->value_map_dropdown, "notify::selected", G_CALLBACK (show_value_map), self,
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
  return self->job != JOB_NONE || self->preview_source != 0;
}

GtkTextBuffer *
cs_mapping_page_get_mapping_buffer (CsMappingPage *self)
{
  return GTK_TEXT_BUFFER (self->mapping_buffer);
}

char *
cs_mapping_page_get_preview_text (CsMappingPage *self)
{
  return buffer_text (GTK_TEXT_BUFFER (self->preview_buffer));
}

const char *
cs_mapping_page_get_mapping_error (CsMappingPage *self)
{
  return self->error_text;
}

int
cs_mapping_page_get_error_line (CsMappingPage *self)
{
  return self->error_line;
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
  gtk_single_selection_set_selected (self->rows_selection, (guint) row);
}

void
cs_mapping_page_select_column (CsMappingPage *self,
                               guint          column)
{
  gtk_single_selection_set_selected (self->columns_selection, column);
}

guint
cs_mapping_page_get_n_highlighted (CsMappingPage *self)
{
  return self->n_highlighted;
}

const char *
cs_mapping_page_place_preview_cursor (CsMappingPage *self,
                                      int            line)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->preview_buffer), &iter, line);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->preview_buffer), &iter);
  return gtk_label_get_label (self->source_label);
}

guint
cs_mapping_page_get_n_problems (CsMappingPage *self)
{
  return self->problems != NULL ? self->problems->len : 0;
}

const char *
cs_mapping_page_get_problem_text (CsMappingPage *self,
                                  guint          index)
{
  return ((CsPreviewProblem *) self->problems->pdata[index])->message;
}

guint64
cs_mapping_page_get_selected_row (CsMappingPage *self)
{
  return gtk_single_selection_get_selected (self->rows_selection);
}

guint
cs_mapping_page_get_selected_column (CsMappingPage *self)
{
  return gtk_single_selection_get_selected (self->columns_selection);
}

const char *
cs_mapping_page_get_output_path (CsMappingPage *self)
{
  return self->output_path;
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
  gtk_stack_set_visible_child_name (self->table_stack, "values");
  if (gtk_drop_down_get_selected (self->value_map_dropdown) == index)
    show_value_map (self);
  else
    gtk_drop_down_set_selected (self->value_map_dropdown, index);
}

const char *
cs_mapping_page_get_coverage_text (CsMappingPage *self)
{
  return self->coverage_text;
}

GtkWidget *
cs_mapping_page_show_rows (CsMappingPage *self)
{
  gtk_stack_set_visible_child_name (self->table_stack, "rows");
  return GTK_WIDGET (self->rows_view);
}
