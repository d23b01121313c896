/* cs-server-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-group.h"
#include "cs-saved-servers.h"
#include "cs-server-row.h"

struct _CsServerRow
{
  AdwComboRow  parent_instance;

  GPtrArray   *profiles;   /* CsServerProfile*, in the order listed */
};

G_DEFINE_FINAL_TYPE (CsServerRow, cs_server_row, ADW_TYPE_COMBO_ROW)

static void
cs_server_row_finalize (GObject *object)
{
  CsServerRow *self = CS_SERVER_ROW (object);

  g_clear_pointer (&self->profiles, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_server_row_parent_class)->finalize (object);
}

static void
cs_server_row_class_init (CsServerRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_server_row_finalize;
}

static void
cs_server_row_init (CsServerRow *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_set_name (GTK_WIDGET (self), "server");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("_Server"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self), TRUE);
}

void
cs_server_row_load (CsServerRow *self,
                    CsWindow    *window)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_if_fail (CS_IS_SERVER_ROW (self));

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  self->profiles = cs_gui_load_server_profiles_or_toast (window);
  for (guint i = 0; i < self->profiles->len; i++)
    gtk_string_list_append (names, cs_server_profile_get_name (g_ptr_array_index (self->profiles, i)));
  adw_combo_row_set_model (ADW_COMBO_ROW (self), G_LIST_MODEL (names));
}

guint
cs_server_row_get_n_profiles (CsServerRow *self)
{
  g_return_val_if_fail (CS_IS_SERVER_ROW (self), 0);

  return self->profiles->len;
}

CsServerProfile *
cs_server_row_get_profile (CsServerRow *self)
{
  guint index;

  g_return_val_if_fail (CS_IS_SERVER_ROW (self), NULL);

  index = adw_combo_row_get_selected (ADW_COMBO_ROW (self));

  return index < self->profiles->len ? g_ptr_array_index (self->profiles, index) : NULL;
}

gboolean
cs_server_row_select_url (CsServerRow *self,
                          const char  *url)
{
  g_return_val_if_fail (CS_IS_SERVER_ROW (self), FALSE);

  for (guint i = 0; url != NULL && i < self->profiles->len; i++)
    if (cs_fhir_base_url_equal (url, cs_server_profile_get_base_url (g_ptr_array_index (self->profiles, i))))
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (self), i);
        return TRUE;
      }

  return FALSE;
}
