/* cs-server-profile.h: saved FHIR servers and their secrets
 *
 * Profiles (name, base URL, auth kind, user name, image viewer URL
 * template) are kept as JSON in $XDG_CONFIG_HOME/cohortscope/servers.json:
 *   {"format":1,"servers":[{"name":…,"url":…,"auth":"none|basic|bearer","username":…,
 *                           "viewer":"https://…/viewer?StudyInstanceUIDs={study}"}]}
 * Passwords and tokens never go there: they live in a CsSecretBackend, by
 * default the desktop keyring through libsecret (schema
 * io.github.cohortscope.Cohortscope.Server, attributes url and username).
 * Tests use an in-memory backend (cs-server-profile-private.h) and need no
 * keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-client.h"
#include "cs-fhir-enums.h"

G_BEGIN_DECLS

typedef struct _CsSecretBackend CsSecretBackend;

struct _CsSecretBackend
{
  gboolean (*store)   (CsSecretBackend  *self,
                       const char       *url,
                       const char       *username,
                       const char       *label,
                       const char       *secret,
                       GError          **error);
  /* NULL without error when there is none */
  char    *(*lookup)  (CsSecretBackend  *self,
                       const char       *url,
                       const char       *username,
                       GError          **error);
  gboolean (*clear)   (CsSecretBackend  *self,
                       const char       *url,
                       const char       *username,
                       GError          **error);
  void     (*free)    (CsSecretBackend  *self);
};

/* The desktop keyring (libsecret); owned by the library, do not free. */
CsSecretBackend   *cs_secret_backend_get_default     (void);
/* Frees a backend made by a constructor (not the default one). */
void               cs_secret_backend_free            (CsSecretBackend *backend);

#define CS_TYPE_SERVER_PROFILE (cs_server_profile_get_type ())
G_DECLARE_FINAL_TYPE (CsServerProfile, cs_server_profile, CS, SERVER_PROFILE, GObject)

CsServerProfile   *cs_server_profile_new             (const char       *name,
                                                      const char       *base_url);
const char        *cs_server_profile_get_name        (CsServerProfile  *self);
void               cs_server_profile_set_name        (CsServerProfile  *self,
                                                      const char       *name);
const char        *cs_server_profile_get_base_url    (CsServerProfile  *self);
void               cs_server_profile_set_base_url    (CsServerProfile  *self,
                                                      const char       *base_url);
CsFhirAuthKind     cs_server_profile_get_auth_kind   (CsServerProfile  *self);
void               cs_server_profile_set_auth_kind   (CsServerProfile  *self,
                                                      CsFhirAuthKind    auth_kind);
const char        *cs_server_profile_get_username    (CsServerProfile  *self);
void               cs_server_profile_set_username    (CsServerProfile  *self,
                                                      const char       *username);
/* The image viewer of the server's studies (e.g. an OHIF viewer): a URL
 * template with {study} where a StudyInstanceUID goes; NULL: none. The
 * setter takes any text (an editor checks it first with
 * cs_viewer_template_check). */
const char        *cs_server_profile_get_viewer_template (CsServerProfile *self);
void               cs_server_profile_set_viewer_template (CsServerProfile *self,
                                                          const char      *viewer_template);

/* A viewer URL template is an absolute http(s) URL with at least one
 * {study}; CS_FHIR_ERROR_INVALID_URL says what is wrong. */
gboolean           cs_viewer_template_check          (const char       *viewer_template,
                                                      GError          **error);
/* The template with each {study} replaced by study_uid (percent-encoded
 * where a URL needs it); NULL and the error of cs_viewer_template_check
 * for a template that is not valid, or for an empty UID. */
char              *cs_viewer_template_expand         (const char       *viewer_template,
                                                      const char       *study_uid,
                                                      GError          **error);

/* Password (basic) or token (bearer) in the backend (NULL: the default). */
gboolean           cs_server_profile_store_secret    (CsServerProfile  *self,
                                                      CsSecretBackend  *backend,
                                                      const char       *secret,
                                                      GError          **error);
char              *cs_server_profile_lookup_secret   (CsServerProfile  *self,
                                                      CsSecretBackend  *backend,
                                                      GError          **error);
gboolean           cs_server_profile_clear_secret    (CsServerProfile  *self,
                                                      CsSecretBackend  *backend,
                                                      GError          **error);
/* A client for the profile, with its auth and secret applied. */
CsFhirClient      *cs_server_profile_create_client   (CsServerProfile  *self,
                                                      CsSecretBackend  *backend,
                                                      GError          **error);

/* The profile list. path NULL: $XDG_CONFIG_HOME/cohortscope/servers.json.
 * A missing file is an empty list. */
char              *cs_server_profiles_get_default_path (void);
GPtrArray         *cs_server_profiles_load           (const char       *path,
                                                      GError          **error);   /* CsServerProfile* */
gboolean           cs_server_profiles_save           (GPtrArray        *profiles,
                                                      const char       *path,
                                                      GError          **error);

G_END_DECLS
