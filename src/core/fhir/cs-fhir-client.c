/* cs-fhir-client.c: the FHIR client object: base URL, auth, settings, URLs
 *
 * Its operations live in rooms of their own (cs-fhir-client-private.h):
 * the request engine, paged searches, cohort loading and the
 * CapabilityStatement.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-fhir-client-private.h"

G_DEFINE_QUARK (cs-fhir-error-quark, cs_fhir_error)

G_DEFINE_FINAL_TYPE (CsFhirClient, cs_fhir_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TIMEOUT,
  PROP_PAGE_SIZE,
  PROP_MAX_IN_FLIGHT,
  PROP_MAX_PAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* URLs */

char *
_cs_fhir_origin_of_uri (GUri *uri)
{
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);
  g_autofree char *lower_scheme = g_ascii_strdown (scheme != NULL ? scheme : "", -1);
  g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "", -1);

  if (port < 0)
    port = g_str_equal (lower_scheme, "https") ? 443 : 80;

  return g_strdup_printf ("%s://%s:%d", lower_scheme, host, port);
}

static char *
origin_of_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (uri == NULL)
    return NULL;
  return _cs_fhir_origin_of_uri (uri);
}

char *
cs_fhir_redact_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;

  if (url == NULL)
    return g_strdup ("(null)");
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_userinfo (uri) == NULL)
    return g_strdup (url);

  clean = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                       g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                       g_uri_get_query (uri), g_uri_get_fragment (uri));
  return g_uri_to_string (clean);
}

char *
cs_fhir_client_build_url (CsFhirClient *self,
                          const char   *path,
                          const char   *query,
                          gboolean      add_count)
{
  GString *url = g_string_new (self->base_url);
  gboolean has_query = FALSE;
  gboolean has_count = FALSE;

  g_string_append (url, path);
  if (query != NULL && *query != '\0')
    {
      g_string_append_c (url, '?');
      g_string_append (url, query);
      has_query = TRUE;
      has_count = g_str_has_prefix (query, "_count=") || strstr (query, "&_count=") != NULL;
    }
  if (self->extra_query != NULL)
    {
      g_string_append_c (url, has_query ? '&' : '?');
      g_string_append (url, self->extra_query);
      has_query = TRUE;
      has_count = has_count || g_str_has_prefix (self->extra_query, "_count=") ||
                  strstr (self->extra_query, "&_count=") != NULL;
    }
  if (add_count && !has_count && self->page_size > 0)
    g_string_append_printf (url, "%c_count=%u", has_query ? '&' : '?', self->page_size);

  return g_string_free (url, FALSE);
}

/* ------------------------------------------------------------------------ */
/* GObject */

CsFhirClient *
cs_fhir_client_new (const char  *base_url,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *normalised = NULL;
  CsFhirClient *self;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_autofree char *shown = cs_fhir_redact_url (base_url);

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_INVALID_URL,
                   _("“%s” is not the http:// or https:// base URL of a FHIR server"), shown);
      return NULL;
    }

  path = g_str_has_suffix (g_uri_get_path (uri), "/") ? g_strdup (g_uri_get_path (uri))
                                                      : g_strconcat (g_uri_get_path (uri), "/", NULL);
  clean = g_uri_build (SOUP_HTTP_URI_FLAGS, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                       path, NULL, NULL);
  normalised = g_uri_to_string (clean);

  self = g_object_new (CS_TYPE_FHIR_CLIENT, "base-url", normalised, NULL);
  if (g_uri_get_query (uri) != NULL && *g_uri_get_query (uri) != '\0')
    self->extra_query = g_strdup (g_uri_get_query (uri));

  /* user:password@ in the URL means HTTP basic auth */
  if (g_uri_get_user (uri) != NULL && *g_uri_get_user (uri) != '\0')
    {
      g_autofree char *user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
      g_autofree char *password = g_uri_get_password (uri) != NULL ? g_uri_unescape_string (g_uri_get_password (uri), NULL) : NULL;

      cs_fhir_client_set_auth_basic (self, user, password);
    }
  return self;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      explicit_bzero (*secret, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static void
cs_fhir_client_finalize (GObject *object)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  clear_secret (&self->auth_header);
  g_free (self->base_url);
  g_free (self->extra_query);
  g_free (self->origin);

  G_OBJECT_CLASS (cs_fhir_client_parent_class)->finalize (object);
}

static void
cs_fhir_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_MAX_PAGES:
      g_value_set_uint (value, self->max_pages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_fhir_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CsFhirClient *self = CS_FHIR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_free (self->base_url);
      self->base_url = g_value_dup_string (value);
      g_free (self->origin);
      self->origin = self->base_url != NULL ? origin_of_url (self->base_url) : NULL;
      break;
    case PROP_TIMEOUT:
      cs_fhir_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_PAGE_SIZE:
      cs_fhir_client_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_MAX_IN_FLIGHT:
      cs_fhir_client_set_max_in_flight (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PAGES:
      cs_fhir_client_set_max_pages (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_fhir_client_class_init (CsFhirClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_fhir_client_finalize;
  object_class->get_property = cs_fhir_client_get_property;
  object_class->set_property = cs_fhir_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, 100000, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL, 1, 64, 4,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PAGES] =
    g_param_spec_uint ("max-pages", NULL, NULL, 0, G_MAXUINT, CS_FHIR_DEFAULT_MAX_PAGES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_fhir_client_init (CsFhirClient *self)
{
  self->timeout = 60;
  self->page_size = 1000;
  self->max_in_flight = 4;
  self->max_pages = CS_FHIR_DEFAULT_MAX_PAGES;
  self->max_tries = 5;
  self->base_delay_ms = 500;
  self->max_delay_ms = 60 * 1000;
}

const char *
cs_fhir_client_get_base_url (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), NULL);
  return self->base_url;
}

CsFhirAuthKind
cs_fhir_client_get_auth_kind (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), CS_FHIR_AUTH_NONE);
  return self->auth_kind;
}

void
cs_fhir_client_set_auth_none (CsFhirClient *self)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  clear_secret (&self->auth_header);
  self->auth_kind = CS_FHIR_AUTH_NONE;
}

void
cs_fhir_client_set_auth_basic (CsFhirClient *self,
                               const char   *username,
                               const char   *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  g_return_if_fail (username != NULL);

  clear_secret (&self->auth_header);
  pair = g_strdup_printf ("%s:%s", username, password != NULL ? password : "");
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  self->auth_header = g_strconcat ("Basic ", encoded, NULL);
  self->auth_kind = CS_FHIR_AUTH_BASIC;
  clear_secret (&pair);
  clear_secret (&encoded);
}

void
cs_fhir_client_set_auth_bearer (CsFhirClient *self,
                                const char   *token)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  g_return_if_fail (token != NULL);

  clear_secret (&self->auth_header);
  self->auth_header = g_strconcat ("Bearer ", token, NULL);
  self->auth_kind = CS_FHIR_AUTH_BEARER;
}

guint
cs_fhir_client_get_timeout (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->timeout;
}

void
cs_fhir_client_set_timeout (CsFhirClient *self,
                            guint         seconds)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
cs_fhir_client_get_page_size (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->page_size;
}

void
cs_fhir_client_set_page_size (CsFhirClient *self,
                              guint         page_size)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

guint
cs_fhir_client_get_max_in_flight (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->max_in_flight;
}

void
cs_fhir_client_set_max_in_flight (CsFhirClient *self,
                                  guint         n)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  n = CLAMP (n, 1, 64);
  if (self->max_in_flight == n)
    return;
  self->max_in_flight = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}

guint
cs_fhir_client_get_max_pages (CsFhirClient *self)
{
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), 0);
  return self->max_pages;
}

void
cs_fhir_client_set_max_pages (CsFhirClient *self,
                              guint         max_pages)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  if (self->max_pages == max_pages)
    return;
  self->max_pages = max_pages;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PAGES]);
}

void
cs_fhir_client_set_retry (CsFhirClient *self,
                          guint         max_tries,
                          guint         base_delay_ms,
                          guint         max_delay_ms)
{
  g_return_if_fail (CS_IS_FHIR_CLIENT (self));
  self->max_tries = MAX (max_tries, 1);
  self->base_delay_ms = MAX (base_delay_ms, 1);
  self->max_delay_ms = MAX (max_delay_ms, self->base_delay_ms);
}

void
cs_fhir_client_configure_from_env (CsFhirClient *client)
{
  const char *env;

  if ((env = g_getenv ("CS_FHIR_PAGE_SIZE")) != NULL && *env != '\0')
    cs_fhir_client_set_page_size (client, (guint) g_ascii_strtoull (env, NULL, 10));
  if ((env = g_getenv ("CS_FHIR_TIMEOUT")) != NULL && *env != '\0')
    cs_fhir_client_set_timeout (client, (guint) g_ascii_strtoull (env, NULL, 10));
  if ((env = g_getenv ("CS_FHIR_MAX_PAGES")) != NULL && *env != '\0')
    cs_fhir_client_set_max_pages (client, (guint) MIN (g_ascii_strtoull (env, NULL, 10), G_MAXUINT));
  if ((env = g_getenv ("CS_FHIR_BEARER_TOKEN")) != NULL && *env != '\0')
    cs_fhir_client_set_auth_bearer (client, env);
  else if ((env = g_getenv ("CS_FHIR_USERNAME")) != NULL && *env != '\0')
    cs_fhir_client_set_auth_basic (client, env, g_getenv ("CS_FHIR_PASSWORD"));
}
