/* cs-mapping-common.c: what the Mapping page's panes share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cs-mapping-common.h"

const char * const cs_mapping_table_patterns[] = { "*.csv", "*.tsv", "*.tab", "*.txt", "*.CSV", "*.TSV", NULL };
const char * const cs_mapping_json_patterns[] = { "*.json", "*.JSON", NULL };

/* the test hook's answer */
static gboolean  test_answer_set;
static char     *test_answer;
static char     *last_title;

typedef struct
{
  GtkWidget           *widget;
  CsMappingChosenFunc  chosen;
  gpointer             data;
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

      chooser->chosen (chooser->widget, path, chooser->data);
    }
  else
    chooser->chosen (chooser->widget, NULL, chooser->data);
  g_object_unref (chooser->widget);
  g_free (chooser);
  g_object_unref (native);
}

static gboolean
test_answer_idle (gpointer user_data)
{
  Chooser *chooser = user_data;
  g_autofree char *path = g_steal_pointer (&test_answer);

  chooser->chosen (chooser->widget, path, chooser->data);
  g_object_unref (chooser->widget);
  g_free (chooser);
  return G_SOURCE_REMOVE;
}

void
_cs_mapping_answer_next_chooser (const char *path)
{
  test_answer_set = TRUE;
  g_free (test_answer);
  test_answer = g_strdup (path);
}

const char *
_cs_mapping_get_last_chooser_title (void)
{
  return last_title;
}

void
cs_mapping_choose_file (GtkWidget            *widget,
                        GtkFileChooserAction  action,
                        const char           *title,
                        const char           *suggested_name,
                        const char * const   *patterns,
                        const char           *filter_name,
                        CsMappingChosenFunc   chosen,
                        gpointer              data)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;
  Chooser *chooser = g_new0 (Chooser, 1);

  g_free (last_title);
  last_title = g_strdup (title);
  chooser->widget = g_object_ref (widget);
  chooser->chosen = chosen;
  chooser->data = data;
  if (test_answer_set)
    {
      test_answer_set = FALSE;
      g_idle_add (test_answer_idle, chooser);
      return;
    }
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
  g_signal_connect (native, "response", G_CALLBACK (chooser_response), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
cs_mapping_clear_list_box (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

guint
cs_mapping_add_error_signal (GType type)
{
  return g_signal_new ("show-error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}
