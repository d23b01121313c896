/* cs-saved-servers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-fhir-group.h"
#include "cs-saved-servers.h"

static CsSecretBackend *gui_secret_backend;

void
cs_gui_set_secret_backend (CsSecretBackend *backend)
{
  gui_secret_backend = backend;
}

CsSecretBackend *
cs_gui_get_secret_backend (void)
{
  return gui_secret_backend;
}

GPtrArray *
cs_gui_load_server_profiles (GError **error)
{
  return cs_server_profiles_load (NULL, error);
}

GPtrArray *
cs_gui_load_server_profiles_or_message (char **message)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *profiles = cs_gui_load_server_profiles (&error);

  g_return_val_if_fail (message != NULL, NULL);

  *message = NULL;
  if (profiles == NULL)
    {
      *message = g_strdup_printf (_("The saved servers could not be read: %s"), error->message);
      profiles = g_ptr_array_new_with_free_func (g_object_unref);
    }

  return profiles;
}

GPtrArray *
cs_gui_load_server_profiles_or_toast (CsWindow *window)
{
  g_autofree char *message = NULL;
  GPtrArray *profiles = cs_gui_load_server_profiles_or_message (&message);

  if (message != NULL && window != NULL)
    cs_window_add_toast (window, message);

  return profiles;
}

const char *
cs_gui_auth_kind_display (CsFhirAuthKind kind)
{
  switch (kind)
    {
    case CS_FHIR_AUTH_BASIC:
      return _("User name and password");

    case CS_FHIR_AUTH_BEARER:
      return _("Bearer token");

    case CS_FHIR_AUTH_NONE:
    default:
      return _("No authentication");
    }
}

char *
cs_gui_dup_viewer_template (const char *base_url)
{
  g_autoptr(GPtrArray) profiles = NULL;

  if (base_url == NULL || (profiles = cs_gui_load_server_profiles (NULL)) == NULL)
    return NULL;
  for (guint i = 0; i < profiles->len; i++)
    {
      CsServerProfile *profile = g_ptr_array_index (profiles, i);

      if (cs_fhir_base_url_equal (cs_server_profile_get_base_url (profile), base_url))
        return g_strdup (cs_server_profile_get_viewer_template (profile));
    }
  return NULL;
}
