/* cs-fhir-capabilities.c: what a FHIR server's CapabilityStatement declares
 *
 * Per resource type: that it is there, its search parameters, its
 * _revinclude and its interactions. Cohort loading asks it which
 * Patient-compartment types to fetch, whether _has finds a Group's
 * members and whether _revinclude brings every type; "Test connection"
 * shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-fhir-client-private.h"
#include "cs-json.h"

struct _CsFhirCapabilities
{
  char       *software_name;
  char       *software_version;
  char       *fhir_version;
  char       *implementation;
  GHashTable *search_params;   /* "Type" -> GHashTable set of names */
  GHashTable *revincludes;     /* "Type" -> GHashTable set */
  GHashTable *interactions;    /* "Type" -> GHashTable set */
};

void
cs_fhir_capabilities_free (CsFhirCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_free (caps->software_name);
  g_free (caps->software_version);
  g_free (caps->fhir_version);
  g_free (caps->implementation);
  g_hash_table_unref (caps->search_params);
  g_hash_table_unref (caps->revincludes);
  g_hash_table_unref (caps->interactions);
  g_free (caps);
}

const char *
cs_fhir_capabilities_get_software_name (const CsFhirCapabilities *caps)
{
  return caps->software_name;
}

const char *
cs_fhir_capabilities_get_software_version (const CsFhirCapabilities *caps)
{
  return caps->software_version;
}

const char *
cs_fhir_capabilities_get_fhir_version (const CsFhirCapabilities *caps)
{
  return caps->fhir_version;
}

static GHashTable *
set_for (GHashTable *table,
         const char *type)
{
  GHashTable *set = g_hash_table_lookup (table, type);

  if (set == NULL)
    {
      set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (table, g_strdup (type), set);
    }
  return set;
}

static gboolean
set_has (GHashTable *table,
         const char *type,
         const char *name)
{
  GHashTable *set = g_hash_table_lookup (table, type);

  return set != NULL && g_hash_table_contains (set, name);
}

GStrv
cs_fhir_capabilities_dup_resource_types (const CsFhirCapabilities *caps)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (caps->interactions, NULL);
  guint n = g_strv_length ((char **) keys);
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = g_strdup (keys[i]);
  qsort (out, n, sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
  return out;
}

gboolean
_cs_fhir_capabilities_declares (const CsFhirCapabilities *caps,
                                const char               *type)
{
  return g_hash_table_contains (caps->interactions, type);
}

gboolean
cs_fhir_capabilities_has_search_param (const CsFhirCapabilities *caps,
                                       const char               *resource_type,
                                       const char               *param)
{
  return set_has (caps->search_params, resource_type, param);
}

gboolean
cs_fhir_capabilities_has_revinclude (const CsFhirCapabilities *caps,
                                     const char               *resource_type,
                                     const char               *revinclude)
{
  return set_has (caps->revincludes, resource_type, revinclude) ||
         set_has (caps->revincludes, resource_type, "*");
}

char *
cs_fhir_capabilities_to_string (const CsFhirCapabilities *caps)
{
  GString *s = g_string_new (NULL);
  const char *types[] = { "Patient", "Observation", "Condition", "ImagingStudy", "Group" };

  g_string_append_printf (s, _("Server: %s %s\n"),
                          caps->software_name != NULL ? caps->software_name : _("(unnamed)"),
                          caps->software_version != NULL ? caps->software_version : "");
  g_string_append_printf (s, _("FHIR version: %s\n"),
                          caps->fhir_version != NULL ? caps->fhir_version : _("(not stated)"));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GHashTable *params = g_hash_table_lookup (caps->search_params, types[i]);
      GHashTable *revs = g_hash_table_lookup (caps->revincludes, types[i]);
      g_autofree const char **names = NULL;
      g_autofree char *joined = NULL;

      if (!g_hash_table_contains (caps->interactions, types[i]))
        {
          g_string_append_printf (s, _("%s: not supported\n"), types[i]);
          continue;
        }
      if (params != NULL)
        {
          names = (const char **) g_hash_table_get_keys_as_array (params, NULL);
          qsort (names, g_hash_table_size (params), sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
          joined = g_strjoinv (", ", (char **) names);
        }
      g_string_append_printf (s, _("%s: search parameters %s"), types[i],
                              joined != NULL && *joined != '\0' ? joined : _("(none declared)"));
      if (revs != NULL && g_hash_table_size (revs) > 0)
        {
          g_autofree const char **rnames = (const char **) g_hash_table_get_keys_as_array (revs, NULL);
          g_autofree char *rjoined = NULL;

          qsort (rnames, g_hash_table_size (revs), sizeof (char *), (GCompareFunc) (void (*) (void)) g_strcmp0);
          rjoined = g_strjoinv (", ", (char **) rnames);
          g_string_append_printf (s, _("; _revinclude %s"), rjoined);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static CsFhirCapabilities *
capabilities_from_json (const CsJsonNode  *root,
                        const char        *url,
                        GError           **error)
{
  CsFhirCapabilities *caps;

  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "CapabilityStatement") != 0)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not a CapabilityStatement: is this the base URL of a FHIR server?"), url);
      return NULL;
    }

  caps = g_new0 (CsFhirCapabilities, 1);
  caps->search_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->revincludes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->interactions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  caps->software_name = g_strdup (cs_json_get_string (cs_json_get (root, "software"), "name"));
  caps->software_version = g_strdup (cs_json_get_string (cs_json_get (root, "software"), "version"));
  caps->fhir_version = g_strdup (cs_json_get_string (root, "fhirVersion"));
  caps->implementation = g_strdup (cs_json_get_string (cs_json_get (root, "implementation"), "description"));

  for (const CsJsonNode *rest = cs_json_first (cs_json_get (root, "rest")); rest != NULL; rest = rest->next)
    {
      if (g_strcmp0 (cs_json_get_string (rest, "mode"), "client") == 0)
        continue;
      for (const CsJsonNode *res = cs_json_first (cs_json_get (rest, "resource")); res != NULL; res = res->next)
        {
          const char *type = cs_json_get_string (res, "type");
          GHashTable *params, *revs, *inter;

          if (type == NULL)
            continue;
          params = set_for (caps->search_params, type);
          revs = set_for (caps->revincludes, type);
          inter = set_for (caps->interactions, type);
          for (const CsJsonNode *p = cs_json_first (cs_json_get (res, "searchParam")); p != NULL; p = p->next)
            if (cs_json_get_string (p, "name") != NULL)
              g_hash_table_add (params, g_strdup (cs_json_get_string (p, "name")));
          for (const CsJsonNode *r = cs_json_first (cs_json_get (res, "searchRevInclude")); r != NULL; r = r->next)
            if (cs_json_string (r) != NULL)
              g_hash_table_add (revs, g_strdup (cs_json_string (r)));
          for (const CsJsonNode *i = cs_json_first (cs_json_get (res, "interaction")); i != NULL; i = i->next)
            if (cs_json_get_string (i, "code") != NULL)
              g_hash_table_add (inter, g_strdup (cs_json_get_string (i, "code")));
        }
      /* Parameters for all types (e.g. _id, _count) */
      for (const CsJsonNode *p = cs_json_first (cs_json_get (rest, "searchParam")); p != NULL; p = p->next)
        if (cs_json_get_string (p, "name") != NULL)
          g_hash_table_add (set_for (caps->search_params, "*"), g_strdup (cs_json_get_string (p, "name")));
    }
  return caps;
}

CsFhirCapabilities *
_cs_fhir_read_metadata (CsFhirOp *op,
                        GError  **error)
{
  g_autofree char *url = cs_fhir_client_build_url (op->client, "metadata", NULL, FALSE);
  g_autofree char *shown = cs_fhir_redact_url (url);
  g_autoptr(CsJsonDocument) doc = NULL;

  if (!(doc = cs_fhir_op_get_json (op, url, error)))
    return NULL;
  return capabilities_from_json (cs_json_document_get_root (doc), shown, error);
}

CsFhirCapabilities *
cs_fhir_client_read_metadata (CsFhirClient  *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(CsFhirOp) op = NULL;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), NULL);

  op = cs_fhir_op_new (self, cancellable);
  return _cs_fhir_read_metadata (op, error);
}
