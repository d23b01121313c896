/* cs-server-profile.c: saved FHIR servers and their secrets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "cs-fhir-private.h"
#include "cs-json.h"
#include "cs-server-profile-private.h"

/* ------------------------------------------------------------------------ */
/* Secret backends */

static const SecretSchema *
server_schema (void)
{
  static const SecretSchema schema = {
    "io.github.cohortscope.Cohortscope.Server", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

static gboolean
libsecret_store (CsSecretBackend  *self,
                 const char       *url,
                 const char       *username,
                 const char       *label,
                 const char       *secret,
                 GError          **error)
{
  if (!secret_password_store_sync (server_schema (), SECRET_COLLECTION_DEFAULT, label, secret, NULL, error,
                                   "url", url, "username", username != NULL ? username : "", NULL))
    {
      g_prefix_error (error, _("Cannot save the password in the keyring: "));
      return FALSE;
    }
  return TRUE;
}

static char *
libsecret_lookup (CsSecretBackend  *self,
                  const char       *url,
                  const char       *username,
                  GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret = secret_password_lookup_nonpageable_sync (server_schema (), NULL, &local_error,
                                                          "url", url, "username", username != NULL ? username : "", NULL);
  char *copy;

  if (local_error != NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Cannot read the password from the keyring: %s"), local_error->message);
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static gboolean
libsecret_clear (CsSecretBackend  *self,
                 const char       *url,
                 const char       *username,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  secret_password_clear_sync (server_schema (), NULL, &local_error,
                              "url", url, "username", username != NULL ? username : "", NULL);
  if (local_error != NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Cannot remove the password from the keyring: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

CsSecretBackend *
cs_secret_backend_get_default (void)
{
  static CsSecretBackend backend = {
    libsecret_store, libsecret_lookup, libsecret_clear, NULL,
  };
  return &backend;
}

typedef struct
{
  CsSecretBackend  parent;
  GHashTable      *secrets;  /* "url\nusername" -> secret */
} MemoryBackend;

static char *
memory_key (const char *url,
            const char *username)
{
  return g_strconcat (url, "\n", username != NULL ? username : "", NULL);
}

static gboolean
memory_store (CsSecretBackend  *self,
              const char       *url,
              const char       *username,
              const char       *label,
              const char       *secret,
              GError          **error)
{
  MemoryBackend *mb = (MemoryBackend *) self;

  g_hash_table_replace (mb->secrets, memory_key (url, username), g_strdup (secret));
  return TRUE;
}

static char *
memory_lookup (CsSecretBackend  *self,
               const char       *url,
               const char       *username,
               GError          **error)
{
  MemoryBackend *mb = (MemoryBackend *) self;
  g_autofree char *key = memory_key (url, username);

  return g_strdup (g_hash_table_lookup (mb->secrets, key));
}

static gboolean
memory_clear (CsSecretBackend  *self,
              const char       *url,
              const char       *username,
              GError          **error)
{
  MemoryBackend *mb = (MemoryBackend *) self;
  g_autofree char *key = memory_key (url, username);

  g_hash_table_remove (mb->secrets, key);
  return TRUE;
}

static void
memory_free (CsSecretBackend *self)
{
  MemoryBackend *mb = (MemoryBackend *) self;

  g_hash_table_unref (mb->secrets);
  g_free (mb);
}

CsSecretBackend *
_cs_secret_backend_new_memory (void)
{
  MemoryBackend *mb = g_new0 (MemoryBackend, 1);

  mb->parent.store = memory_store;
  mb->parent.lookup = memory_lookup;
  mb->parent.clear = memory_clear;
  mb->parent.free = memory_free;
  mb->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return &mb->parent;
}

void
cs_secret_backend_free (CsSecretBackend *backend)
{
  if (backend != NULL && backend->free != NULL)
    backend->free (backend);
}

/* ------------------------------------------------------------------------ */
/* Profiles */

struct _CsServerProfile
{
  GObject         parent_instance;
  char           *name;
  char           *base_url;
  CsFhirAuthKind  auth_kind;
  char           *username;
  char           *viewer_template;
};

G_DEFINE_FINAL_TYPE (CsServerProfile, cs_server_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_BASE_URL,
  PROP_AUTH_KIND,
  PROP_USERNAME,
  PROP_VIEWER_TEMPLATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cs_server_profile_finalize (GObject *object)
{
  CsServerProfile *self = CS_SERVER_PROFILE (object);

  g_free (self->name);
  g_free (self->base_url);
  g_free (self->username);
  g_free (self->viewer_template);
  G_OBJECT_CLASS (cs_server_profile_parent_class)->finalize (object);
}

static void
cs_server_profile_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CsServerProfile *self = CS_SERVER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_AUTH_KIND:
      g_value_set_enum (value, self->auth_kind);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_VIEWER_TEMPLATE:
      g_value_set_string (value, self->viewer_template);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_server_profile_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CsServerProfile *self = CS_SERVER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      cs_server_profile_set_name (self, g_value_get_string (value));
      break;
    case PROP_BASE_URL:
      cs_server_profile_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_AUTH_KIND:
      cs_server_profile_set_auth_kind (self, g_value_get_enum (value));
      break;
    case PROP_USERNAME:
      cs_server_profile_set_username (self, g_value_get_string (value));
      break;
    case PROP_VIEWER_TEMPLATE:
      cs_server_profile_set_viewer_template (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_server_profile_class_init (CsServerProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_server_profile_finalize;
  object_class->get_property = cs_server_profile_get_property;
  object_class->set_property = cs_server_profile_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH_KIND] =
    g_param_spec_enum ("auth-kind", NULL, NULL, CS_TYPE_FHIR_AUTH_KIND, CS_FHIR_AUTH_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEWER_TEMPLATE] =
    g_param_spec_string ("viewer-template", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_server_profile_init (CsServerProfile *self)
{
}

CsServerProfile *
cs_server_profile_new (const char *name,
                       const char *base_url)
{
  return g_object_new (CS_TYPE_SERVER_PROFILE, "name", name, "base-url", base_url, NULL);
}

static void
set_string (CsServerProfile  *self,
            char            **field,
            const char       *value,
            GParamSpec       *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

const char *
cs_server_profile_get_name (CsServerProfile *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);
  return self->name;
}

void
cs_server_profile_set_name (CsServerProfile *self,
                            const char      *name)
{
  g_return_if_fail (CS_IS_SERVER_PROFILE (self));
  set_string (self, &self->name, name, properties[PROP_NAME]);
}

const char *
cs_server_profile_get_base_url (CsServerProfile *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);
  return self->base_url;
}

void
cs_server_profile_set_base_url (CsServerProfile *self,
                                const char      *base_url)
{
  g_return_if_fail (CS_IS_SERVER_PROFILE (self));
  set_string (self, &self->base_url, base_url, properties[PROP_BASE_URL]);
}

CsFhirAuthKind
cs_server_profile_get_auth_kind (CsServerProfile *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), CS_FHIR_AUTH_NONE);
  return self->auth_kind;
}

void
cs_server_profile_set_auth_kind (CsServerProfile *self,
                                 CsFhirAuthKind   auth_kind)
{
  g_return_if_fail (CS_IS_SERVER_PROFILE (self));
  if (self->auth_kind == auth_kind)
    return;
  self->auth_kind = auth_kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH_KIND]);
}

const char *
cs_server_profile_get_username (CsServerProfile *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);
  return self->username;
}

void
cs_server_profile_set_username (CsServerProfile *self,
                                const char      *username)
{
  g_return_if_fail (CS_IS_SERVER_PROFILE (self));
  set_string (self, &self->username, username, properties[PROP_USERNAME]);
}

const char *
cs_server_profile_get_viewer_template (CsServerProfile *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);

  return self->viewer_template;
}

void
cs_server_profile_set_viewer_template (CsServerProfile *self,
                                       const char      *viewer_template)
{
  g_return_if_fail (CS_IS_SERVER_PROFILE (self));

  set_string (self, &self->viewer_template,
              viewer_template != NULL && *viewer_template != '\0' ? viewer_template : NULL,
              properties[PROP_VIEWER_TEMPLATE]);
}

#define VIEWER_PLACEHOLDER "{study}"

/* The template with {study} replaced by value (no check) */
static char *
replace_study (const char *viewer_template,
               const char *value)
{
  g_autoptr(GString) out = g_string_new (viewer_template);

  g_string_replace (out, VIEWER_PLACEHOLDER, value, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
cs_viewer_template_check (const char  *viewer_template,
                          GError     **error)
{
  g_autofree char *sample = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme, *host;

  if (viewer_template == NULL || *viewer_template == '\0')
    {
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL, _("The viewer URL is empty"));
      return FALSE;
    }
  if (strstr (viewer_template, VIEWER_PLACEHOLDER) == NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                   _("The viewer URL “%s” has no %s where the StudyInstanceUID goes"),
                   viewer_template, VIEWER_PLACEHOLDER);
      return FALSE;
    }
  for (const char *c = viewer_template; *c != '\0'; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c))
      {
        g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                     _("The viewer URL “%s” has a space or control character at byte %u: write it as %%20"),
                     viewer_template, (guint) (c - viewer_template));
        return FALSE;
      }
  /* a UID in its place must give a valid URL */
  sample = replace_study (viewer_template, "1.2.3");
  if ((uri = g_uri_parse (sample, G_URI_FLAGS_NONE, &local_error)) == NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                   _("The viewer URL “%s” is not a valid URL: %s"), viewer_template, local_error->message);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      host == NULL || *host == '\0')
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                   _("The viewer URL “%s” must start with http:// or https:// and name a host"), viewer_template);
      return FALSE;
    }
  return TRUE;
}

char *
cs_viewer_template_expand (const char  *viewer_template,
                           const char  *study_uid,
                           GError     **error)
{
  g_autofree char *escaped = NULL;

  if (!cs_viewer_template_check (viewer_template, error))
    return NULL;
  if (study_uid == NULL || *study_uid == '\0')
    {
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED, _("The study has no StudyInstanceUID"));
      return NULL;
    }
  escaped = g_uri_escape_string (study_uid, NULL, FALSE);
  return replace_study (viewer_template, escaped);
}

gboolean
cs_server_profile_store_secret (CsServerProfile  *self,
                                CsSecretBackend  *backend,
                                const char       *secret,
                                GError          **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  if (backend == NULL)
    backend = cs_secret_backend_get_default ();
  label = g_strdup_printf (_("Cohortscope: %s"), self->name != NULL ? self->name : self->base_url);
  return backend->store (backend, self->base_url, self->username, label, secret, error);
}

char *
cs_server_profile_lookup_secret (CsServerProfile  *self,
                                 CsSecretBackend  *backend,
                                 GError          **error)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);

  if (backend == NULL)
    backend = cs_secret_backend_get_default ();
  return backend->lookup (backend, self->base_url, self->username, error);
}

gboolean
cs_server_profile_clear_secret (CsServerProfile  *self,
                                CsSecretBackend  *backend,
                                GError          **error)
{
  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), FALSE);

  if (backend == NULL)
    backend = cs_secret_backend_get_default ();
  return backend->clear (backend, self->base_url, self->username, error);
}

CsFhirClient *
cs_server_profile_create_client (CsServerProfile  *self,
                                 CsSecretBackend  *backend,
                                 GError          **error)
{
  g_autoptr(CsFhirClient) client = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CS_IS_SERVER_PROFILE (self), NULL);

  if (self->base_url == NULL || !(client = cs_fhir_client_new (self->base_url, error)))
    {
      if (self->base_url == NULL)
        g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                     _("The server “%s” has no base URL"), self->name != NULL ? self->name : "");
      return NULL;
    }
  if (self->auth_kind == CS_FHIR_AUTH_NONE)
    return g_steal_pointer (&client);

  secret = cs_server_profile_lookup_secret (self, backend, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (secret == NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   self->auth_kind == CS_FHIR_AUTH_BASIC
                   ? _("No password saved for the server “%s”: enter it in the server’s settings")
                   : _("No token saved for the server “%s”: enter it in the server’s settings"),
                   self->name != NULL ? self->name : self->base_url);
      return NULL;
    }
  if (self->auth_kind == CS_FHIR_AUTH_BASIC)
    cs_fhir_client_set_auth_basic (client, self->username != NULL ? self->username : "", secret);
  else
    cs_fhir_client_set_auth_bearer (client, secret);
  explicit_bzero (secret, strlen (secret));
  return g_steal_pointer (&client);
}

/* ------------------------------------------------------------------------ */
/* The list on disk */

static const char * const auth_names[] = { "none", "basic", "bearer" };

char *
cs_server_profiles_get_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "cohortscope", "servers.json", NULL);
}

GPtrArray *
cs_server_profiles_load (const char  *path,
                         GError     **error)
{
  g_autofree char *default_path = path == NULL ? cs_server_profiles_get_default_path () : NULL;
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *contents = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  const CsJsonNode *servers;
  gsize len;
  guint i = 0;

  if (path == NULL)
    path = default_path;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&profiles);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!(doc = cs_json_document_parse (contents, len, &local_error)))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("%s: the saved servers cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  servers = cs_json_get (cs_json_document_get_root (doc), "servers");
  if (!cs_json_is (servers, CS_JSON_ARRAY))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("%s: no “servers” list"), path);
      return NULL;
    }
  for (const CsJsonNode *s = cs_json_first (servers); s != NULL; s = s->next, i++)
    {
      const char *url = cs_json_get_string (s, "url");
      const char *auth = cs_json_get_string (s, "auth");
      CsServerProfile *profile;

      if (url == NULL)
        {
          g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                       _("%s: servers[%u] has no “url”"), path, i);
          return NULL;
        }
      profile = cs_server_profile_new (cs_json_get_string (s, "name"), url);
      cs_server_profile_set_username (profile, cs_json_get_string (s, "username"));
      cs_server_profile_set_viewer_template (profile, cs_json_get_string (s, "viewer"));
      for (guint k = 0; k < G_N_ELEMENTS (auth_names); k++)
        if (g_strcmp0 (auth, auth_names[k]) == 0)
          cs_server_profile_set_auth_kind (profile, k);
      g_ptr_array_add (profiles, profile);
    }
  return g_steal_pointer (&profiles);
}

gboolean
cs_server_profiles_save (GPtrArray   *profiles,
                         const char  *path,
                         GError     **error)
{
  g_autofree char *default_path = path == NULL ? cs_server_profiles_get_default_path () : NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GString) out = g_string_new ("{\n  \"format\": 1,\n  \"servers\": [");

  if (path == NULL)
    path = default_path;

  for (guint i = 0; i < profiles->len; i++)
    {
      CsServerProfile *p = g_ptr_array_index (profiles, i);
      /* never a user:password@ from a pasted URL */
      g_autofree char *url = cs_fhir_redact_url (p->base_url != NULL ? p->base_url : "");

      g_string_append (out, i > 0 ? ",\n    {\"name\": " : "\n    {\"name\": ");
      cs_json_append_escaped (out, p->name != NULL ? p->name : "", -1);
      g_string_append (out, ", \"url\": ");
      cs_json_append_escaped (out, url, -1);
      g_string_append_printf (out, ", \"auth\": \"%s\"", auth_names[MIN (p->auth_kind, CS_FHIR_AUTH_BEARER)]);
      if (p->username != NULL)
        {
          g_string_append (out, ", \"username\": ");
          cs_json_append_escaped (out, p->username, -1);
        }
      if (p->viewer_template != NULL)
        {
          g_string_append (out, ", \"viewer\": ");
          cs_json_append_escaped (out, p->viewer_template, -1);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n  ]\n}\n");

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Cannot create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
