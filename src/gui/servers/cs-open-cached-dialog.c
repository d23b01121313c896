/* cs-open-cached-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-cache.h"
#include "cs-gui-util.h"
#include "cs-json.h"
#include "cs-open-cached-dialog.h"
#include "cs-saved-servers.h"
#include "cs-server-load.h"

typedef struct
{
  char      *url;
  char      *name;
  GDateTime *date;
  guint64    n;
} CacheEntry;

static void
cache_entry_free (gpointer data)
{
  CacheEntry *e = data;

  g_free (e->url);
  g_free (e->name);
  g_clear_pointer (&e->date, g_date_time_unref);
  g_free (e);
}

static int
cache_entry_compare (gconstpointer a,
                     gconstpointer b)
{
  const CacheEntry *ea = *(const CacheEntry **)a;
  const CacheEntry *eb = *(const CacheEntry **)b;

  /* Newest first */
  return g_date_time_compare (eb->date, ea->date);
}

static char *
normalised_url (const char *url)
{
  g_autoptr(CsFhirClient) client = cs_fhir_client_new (url, NULL);

  return client != NULL ? g_strdup (cs_fhir_client_get_base_url (client)) : g_strdup (url);
}

/* The offline copies in $XDG_CACHE_HOME/cohortscope/servers, named after
 * the saved server with the same URL when there is one. */
static GPtrArray *
list_caches (GPtrArray *profiles)
{
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "cohortscope", "servers", NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  GPtrArray *entries = g_ptr_array_new_with_free_func (cache_entry_free);
  const char *leaf;

  while (dir != NULL && (leaf = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *meta = g_build_filename (root, leaf, "cohort.json", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(CsJsonDocument) doc = NULL;
      g_autoptr(GDateTime) date = NULL;
      g_autofree char *url = NULL;
      const char *doc_url;
      guint64 n = 0;
      gsize len;
      CacheEntry *e;

      if (!g_file_get_contents (meta, &contents, &len, NULL) ||
          !(doc = cs_json_document_parse (contents, len, NULL)) ||
          !(doc_url = cs_json_get_string (cs_json_document_get_root (doc), "url")))
        continue;
      url = g_strdup (doc_url);
      if (!cs_fhir_cache_get_info (url, &date, &n, NULL) || date == NULL)
        continue;

      e = g_new0 (CacheEntry, 1);
      e->url = normalised_url (url);
      e->date = g_steal_pointer (&date);
      e->n = n;
      for (guint i = 0; profiles != NULL && i < profiles->len; i++)
        {
          CsServerProfile *profile = g_ptr_array_index (profiles, i);
          g_autofree char *purl = normalised_url (cs_server_profile_get_base_url (profile));

          if (g_strcmp0 (purl, e->url) == 0)
            {
              e->name = g_strdup (cs_server_profile_get_name (profile));
              break;
            }
        }
      g_ptr_array_add (entries, e);
    }

  g_ptr_array_sort (entries, cache_entry_compare);

  return entries;
}

struct _CsOpenCachedDialog
{
  AdwWindow            parent_instance;

  /* Template */
  AdwPreferencesGroup *caches_group;
  AdwActionRow        *empty_row;

  GPtrArray           *caches;   /* CacheEntry*, one per row, newest first */
};

G_DEFINE_FINAL_TYPE (CsOpenCachedDialog, cs_open_cached_dialog, ADW_TYPE_WINDOW)

static void
on_cache_row_activated (AdwActionRow *row,
                        CacheEntry   *entry)
{
  GtkWindow *self = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (row)));

  cs_server_open_cache_in_window (CS_WINDOW (gtk_window_get_transient_for (self)), entry->url,
                                  entry->name != NULL ? entry->name : entry->url);
  gtk_window_destroy (self);
}

static void
add_rows (CsOpenCachedDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->caches->len == 0);

  for (guint i = 0; i < self->caches->len; i++)
    {
      CacheEntry *e = g_ptr_array_index (self->caches, i);
      g_autofree char *date = cs_server_format_local_date (e->date);
      g_autofree char *count = cs_gui_format_count (e->n);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow;

      /* Translators: "2026-11-28 14:05 · 12,345 resources · https://host/fhir/" */
      subtitle = g_strdup_printf (ngettext ("%s · %s resource · %s", "%s · %s resources · %s", e->n),
                                  date, count, e->url);
      gtk_widget_set_name (row, "cache-row");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name != NULL ? e->name : e->url);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      /* the entry lives as long as the dialog, which outlives its rows */
      g_signal_connect (row, "activated", G_CALLBACK (on_cache_row_activated), e);
      arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_accessible_update_state (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      adw_preferences_group_add (self->caches_group, row);
    }
}

static void
cs_open_cached_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CS_TYPE_OPEN_CACHED_DIALOG);

  G_OBJECT_CLASS (cs_open_cached_dialog_parent_class)->dispose (object);
}

static void
cs_open_cached_dialog_finalize (GObject *object)
{
  CsOpenCachedDialog *self = CS_OPEN_CACHED_DIALOG (object);

  g_clear_pointer (&self->caches, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_open_cached_dialog_parent_class)->finalize (object);
}

static void
cs_open_cached_dialog_class_init (CsOpenCachedDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_open_cached_dialog_dispose;
  object_class->finalize = cs_open_cached_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-open-cached-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsOpenCachedDialog, caches_group);
  gtk_widget_class_bind_template_child (widget_class, CsOpenCachedDialog, empty_row);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_open_cached_dialog_init (CsOpenCachedDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
cs_open_cached_dialog_new (CsWindow *window)
{
  g_autoptr(GPtrArray) profiles = NULL;
  CsOpenCachedDialog *self;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);

  self = g_object_new (CS_TYPE_OPEN_CACHED_DIALOG, "transient-for", window, NULL);
  profiles = cs_gui_load_server_profiles_or_toast (window);
  self->caches = list_caches (profiles);
  add_rows (self);

  return GTK_WINDOW (self);
}
