/* cs-mapping-conceptmap.c: value maps as FHIR R4 ConceptMap resources
 *
 * A ConceptMap is read as the R4 specification defines it (unknown elements
 * are errors, as they are for the FHIR validators) and indexed by source
 * code. What we do not implement (dependsOn/product, unmapped other-map,
 * modifier extensions) is refused rather than silently ignored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-mapping-private.h"

typedef struct
{
  GArray  *targets;     /* CsConceptMapTarget, usable ones (with a code) */
  gboolean listed;
} MapEntry;

static void
map_entry_free (MapEntry *entry)
{
  g_array_unref (entry->targets);
  g_free (entry);
}

void
map_concept_map_free (CsConceptMap *map)
{
  if (map == NULL)
    return;
  g_free (map->id);
  g_free (map->url);
  g_free (map->version);
  g_free (map->where);
  g_clear_pointer (&map->index, g_hash_table_unref);
  g_clear_pointer (&map->strings, g_ptr_array_unref);
  g_free (map);
}

static const char *
keep_string (CsConceptMap *map,
             const char   *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strdup (text);
  g_ptr_array_add (map->strings, copy);
  return copy;
}

static const char * const equivalences[] = {
  "relatedto", "equivalent", "equal", "wider", "subsumes", "narrower", "specializes", "inexact",
  "unmatched", "disjoint", NULL,
};

static void
parse_target (MapDiag          *diag,
              CsConceptMap     *map,
              const char       *path,
              const CsJsonNode *node,
              const char       *system,
              const char       *version,
              MapEntry         *entry)
{
  static const char * const allowed[] = { "id", "extension", "code", "display", "equivalence", "comment", NULL };
  CsConceptMapTarget target = { 0 };
  const char *code, *display, *equivalence, *comment;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("a target is an object with “code” and “equivalence”"));
      return;
    }
  if (cs_json_get (node, "dependsOn") != NULL || cs_json_get (node, "product") != NULL)
    {
      map_diag_add (diag, path, _("dependsOn and product (conditional maps) are not supported: "
                                  "use a condition in the mapping instead"));
      return;
    }
  map_check_members (diag, path, node, allowed);
  code = map_get_string (diag, path, node, "code", FALSE);
  display = map_get_string (diag, path, node, "display", FALSE);
  comment = map_get_string (diag, path, node, "comment", FALSE);
  if ((equivalence = map_get_string (diag, path, node, "equivalence", TRUE)) == NULL)
    return;
  if (!g_strv_contains (equivalences, equivalence))
    {
      g_autofree char *epath = map_path_member (path, "equivalence");
      g_autofree char *hint = map_suggest (equivalence, equivalences);

      map_diag_add (diag, epath, _("“%s” is not an R4 ConceptMap equivalence%s"), equivalence, hint);
      return;
    }
  /* cmd-1 */
  if ((g_str_equal (equivalence, "narrower") || g_str_equal (equivalence, "inexact")) && comment == NULL)
    map_diag_add (diag, path, _("a “%s” map needs a “comment” saying why (FHIR invariant cmd-1)"), equivalence);

  if (g_str_equal (equivalence, "unmatched") || g_str_equal (equivalence, "disjoint"))
    {
      if (comment == NULL)
        map_diag_add (diag, path, _("an “%s” target says the value has no code: give a “comment” saying why"),
                      equivalence);
      return;
    }
  if (code == NULL)
    {
      map_diag_add (diag, path, _("“code” is missing (use equivalence “unmatched” for a value that has no code)"));
      return;
    }
  if (system == NULL)
    {
      map_diag_add (diag, path, _("the group has no “target” system for this code"));
      return;
    }

  target.system = system;
  target.version = version;
  target.code = keep_string (map, code);
  target.display = keep_string (map, display);
  target.equivalence = keep_string (map, equivalence);
  target.comment = keep_string (map, comment);
  g_array_append_val (entry->targets, target);
}

static gboolean
parse_unmapped (MapDiag          *diag,
                CsConceptMap     *map,
                const char       *path,
                const CsJsonNode *node,
                const char       *system)
{
  static const char * const allowed[] = { "id", "extension", "mode", "code", "display", "url", NULL };
  static const char * const modes[] = { "provided", "fixed", "other-map", NULL };
  const char *mode, *code, *display;
  int policy;

  if (node->type != CS_JSON_OBJECT)
    {
      map_diag_add (diag, path, _("must be an object with “mode”"));
      return FALSE;
    }
  map_check_members (diag, path, node, allowed);
  if ((mode = map_get_string (diag, path, node, "mode", TRUE)) == NULL)
    return FALSE;
  code = map_get_string (diag, path, node, "code", FALSE);
  display = map_get_string (diag, path, node, "display", FALSE);

  if (g_str_equal (mode, "provided"))
    {
      if (system == NULL)
        {
          map_diag_add (diag, path, _("mode “provided” needs the group’s “target” system"));
          return FALSE;
        }
      policy = CS_UNMAPPED_KEEP;
    }
  else if (g_str_equal (mode, "fixed"))
    {
      if (code == NULL)
        {
          map_diag_add (diag, path, _("mode “fixed” needs a “code” (FHIR invariant cmd-2)"));
          return FALSE;
        }
      policy = CS_UNMAPPED_FIXED;
    }
  else if (g_str_equal (mode, "other-map"))
    {
      map_diag_add (diag, path, _("mode “other-map” is not supported: merge the maps into one"));
      return FALSE;
    }
  else
    {
      g_autofree char *mpath = map_path_member (path, "mode");
      g_autofree char *hint = map_suggest (mode, modes);

      map_diag_add (diag, mpath, _("“%s” is not provided, fixed or other-map%s"), mode, hint);
      return FALSE;
    }

  if (map->unmapped >= 0 &&
      (map->unmapped != policy ||
       (policy == CS_UNMAPPED_KEEP && g_strcmp0 (map->provided_system, system) != 0) ||
       (policy == CS_UNMAPPED_FIXED && g_strcmp0 (map->fixed.code, code) != 0)))
    {
      map_diag_add (diag, path, _("the groups of one ConceptMap must agree on “unmapped”"));
      return FALSE;
    }
  map->unmapped = policy;
  if (policy == CS_UNMAPPED_KEEP)
    map->provided_system = (char *) keep_string (map, system);
  else
    {
      map->fixed.system = system;
      map->fixed.code = keep_string (map, code);
      map->fixed.display = keep_string (map, display);
      map->fixed.equivalence = "equivalent";
    }
  return TRUE;
}

CsConceptMap *
map_concept_map_parse (MapDiag          *diag,
                       const char       *path,
                       const CsJsonNode *node)
{
  static const char * const allowed[] = {
    "resourceType", "id", "meta", "implicitRules", "language", "text", "contained", "extension",
    "url", "identifier", "version", "name", "title", "status", "experimental", "date", "publisher",
    "contact", "description", "useContext", "jurisdiction", "purpose", "copyright", "sourceUri",
    "sourceCanonical", "targetUri", "targetCanonical", "group", NULL,
  };
  static const char * const group_allowed[] = {
    "id", "extension", "source", "sourceVersion", "target", "targetVersion", "element", "unmapped", NULL,
  };
  static const char * const element_allowed[] = { "id", "extension", "code", "display", "target", NULL };
  static const char * const statuses[] = { "draft", "active", "retired", "unknown", NULL };
  CsConceptMap *map;
  const CsJsonNode *groups;
  const char *type, *status, *id, *reason = NULL;
  guint n_before = diag->messages->len;
  guint gi = 0;

  if (node->type != CS_JSON_OBJECT || (type = cs_json_get_string (node, "resourceType")) == NULL ||
      !g_str_equal (type, "ConceptMap"))
    {
      map_diag_add (diag, path, _("not a ConceptMap (a value map is a FHIR ConceptMap resource, "
                                  "or {\"$file\": \"map.json\"})"));
      return NULL;
    }
  if (cs_json_get (node, "modifierExtension") != NULL)
    {
      map_diag_add (diag, path, _("modifier extensions are not understood"));
      return NULL;
    }
  map_check_members (diag, path, node, allowed);

  map = g_new0 (CsConceptMap, 1);
  map->unmapped = -1;
  map->strings = g_ptr_array_new_with_free_func (g_free);
  map->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) map_entry_free);
  map->where = g_strdup_printf ("%s: %s", diag->name, path);

  id = map_get_string (diag, path, node, "id", FALSE);
  if (id != NULL && !cs_fhir_id_check (id, -1, &reason))
    {
      g_autofree char *ipath = map_path_member (path, "id");

      map_diag_add (diag, ipath, _("“%s” is not a FHIR id: %s"), id, reason);
    }
  map->id = g_strdup (id);
  map->url = g_strdup (cs_json_get_string (node, "url"));
  map->version = g_strdup (cs_json_get_string (node, "version"));
  if (map->id == NULL && map->url == NULL)
    map_diag_add (diag, path, _("a ConceptMap needs an “id” or a “url” for the mapping to name it"));

  if ((status = map_get_string (diag, path, node, "status", TRUE)) != NULL &&
      !g_strv_contains (statuses, status))
    {
      g_autofree char *spath = map_path_member (path, "status");

      map_diag_add (diag, spath, _("“%s” is not draft, active, retired or unknown"), status);
    }

  groups = cs_json_get (node, "group");
  if (groups == NULL || groups->type != CS_JSON_ARRAY || groups->n_children == 0)
    {
      g_autofree char *gpath = map_path_member (path, "group");

      map_diag_add (diag, gpath, _("must be a non-empty array of groups"));
    }

  for (const CsJsonNode *g = groups != NULL && groups->type == CS_JSON_ARRAY ? cs_json_first (groups) : NULL;
       g != NULL; g = g->next, gi++)
    {
      g_autofree char *gpath = NULL;
      g_autofree char *group_path = map_path_member (path, "group");
      const CsJsonNode *elements, *unmapped;
      const char *system, *version;
      guint ei = 0;

      gpath = map_path_index (group_path, gi);
      if (g->type != CS_JSON_OBJECT)
        {
          map_diag_add (diag, gpath, _("a group is an object"));
          continue;
        }
      map_check_members (diag, gpath, g, group_allowed);
      map_get_string (diag, gpath, g, "source", FALSE);   /* checked, not used */
      system = map_get_string (diag, gpath, g, "target", FALSE);
      version = map_get_string (diag, gpath, g, "targetVersion", FALSE);
      system = keep_string (map, system);
      version = keep_string (map, version);

      if ((unmapped = cs_json_get (g, "unmapped")) != NULL)
        {
          g_autofree char *upath = map_path_member (gpath, "unmapped");

          parse_unmapped (diag, map, upath, unmapped, system);
        }

      elements = cs_json_get (g, "element");
      if (elements == NULL || elements->type != CS_JSON_ARRAY || elements->n_children == 0)
        {
          g_autofree char *epath = map_path_member (gpath, "element");

          map_diag_add (diag, epath, _("must be a non-empty array"));
          continue;
        }
      for (const CsJsonNode *e = cs_json_first (elements); e != NULL; e = e->next, ei++)
        {
          g_autofree char *elements_path = map_path_member (gpath, "element");
          g_autofree char *epath = map_path_index (elements_path, ei);
          g_autofree char *tpath_base = NULL;
          g_autofree char *key = NULL;
          const CsJsonNode *targets;
          const char *code;
          MapEntry *entry;
          guint ti = 0;

          if (e->type != CS_JSON_OBJECT)
            {
              map_diag_add (diag, epath, _("an element is an object with “code” and “target”"));
              continue;
            }
          map_check_members (diag, epath, e, element_allowed);
          if ((code = map_get_string (diag, epath, e, "code", TRUE)) == NULL)
            continue;
          key = g_strstrip (g_strdup (code));
          if (!(entry = g_hash_table_lookup (map->index, key)))
            {
              entry = g_new0 (MapEntry, 1);
              entry->targets = g_array_new (FALSE, FALSE, sizeof (CsConceptMapTarget));
              g_hash_table_insert (map->index, g_strdup (key), entry);
            }
          entry->listed = TRUE;

          targets = cs_json_get (e, "target");
          tpath_base = map_path_member (epath, "target");
          if (targets == NULL)
            {
              map_diag_add (diag, epath, _("“target” is missing (use equivalence “unmatched” with a comment for "
                                           "a value that has no code)"));
              continue;
            }
          if (targets->type != CS_JSON_ARRAY || targets->n_children == 0)
            {
              map_diag_add (diag, tpath_base, _("must be a non-empty array"));
              continue;
            }
          for (const CsJsonNode *t = cs_json_first (targets); t != NULL; t = t->next, ti++)
            {
              g_autofree char *tpath = map_path_index (tpath_base, ti);

              parse_target (diag, map, tpath, t, system, version, entry);
            }
          map->max_targets = MAX (map->max_targets, entry->targets->len);
        }
    }

  if (diag->messages->len > n_before)
    {
      map_concept_map_free (map);
      return NULL;
    }
  return map;
}

guint
cs_concept_map_translate (CsConceptMap              *map,
                          const char                *value,
                          const CsConceptMapTarget **out_targets,
                          gboolean                  *out_listed)
{
  MapEntry *entry;

  *out_targets = NULL;
  *out_listed = FALSE;
  if (value == NULL)
    return 0;

  entry = g_hash_table_lookup (map->index, value);
  if (entry == NULL)
    {
      /* the index holds trimmed codes */
      gsize len = strlen (value);
      const char *start = value;
      g_autofree char *trimmed = NULL;

      while (len > 0 && g_ascii_isspace (*start))
        start++, len--;
      while (len > 0 && g_ascii_isspace (start[len - 1]))
        len--;
      if (len == strlen (value))
        return 0;
      trimmed = g_strndup (start, len);
      if ((entry = g_hash_table_lookup (map->index, trimmed)) == NULL)
        return 0;
    }

  *out_listed = entry->listed;
  *out_targets = (const CsConceptMapTarget *) (gpointer) entry->targets->data;
  return entry->targets->len;
}

const char *
cs_concept_map_get_id (CsConceptMap *map)
{
  return map->id;
}

const char *
cs_concept_map_get_url (CsConceptMap *map)
{
  return map->url;
}
