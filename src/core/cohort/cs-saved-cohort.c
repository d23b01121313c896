/* cs-saved-cohort.c: saved cohorts (JSON files) and FHIR R4 Group export/import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cs-date.h"
#include "cs-fhir-id.h"
#include "cs-json-doc.h"
#include "cs-saved-cohort.h"

G_DEFINE_QUARK (cs-cohort-error-quark, cs_cohort_error)

CsSavedCohort *
cs_saved_cohort_new (const char *name,
                     const char *filter)
{
  CsSavedCohort *self = g_new0 (CsSavedCohort, 1);

  self->name = g_strdup (name);
  self->filter = g_strdup (filter);
  self->created = cs_date_now_timestamp ();

  return self;
}

CsSavedCohort *
cs_saved_cohort_copy (const CsSavedCohort *self)
{
  CsSavedCohort *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (CsSavedCohort, 1);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->filter = g_strdup (self->filter);
  copy->created = g_strdup (self->created);
  copy->source = g_strdup (self->source);
  copy->id = g_strdup (self->id);
  if (self->patient_ids != NULL)
    copy->patient_ids = g_ptr_array_copy (self->patient_ids, (GCopyFunc) g_strdup, NULL);
  if (copy->patient_ids != NULL)
    g_ptr_array_set_free_func (copy->patient_ids, g_free);
  if (self->models != NULL)
    {
      copy->models = g_ptr_array_copy (self->models, (GCopyFunc) g_strdup, NULL);
      g_ptr_array_set_free_func (copy->models, g_free);
    }

  return copy;
}

void
cs_saved_cohort_free (CsSavedCohort *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->description);
  g_free (self->filter);
  g_free (self->created);
  g_free (self->source);
  g_free (self->id);
  g_clear_pointer (&self->patient_ids, g_ptr_array_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_free (self);
}

gboolean
cs_saved_cohort_equal (const CsSavedCohort *a,
                       const CsSavedCohort *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (g_strcmp0 (a->name, b->name) != 0 ||
      g_strcmp0 (a->description, b->description) != 0 ||
      g_strcmp0 (a->filter, b->filter) != 0 ||
      g_strcmp0 (a->created, b->created) != 0 ||
      g_strcmp0 (a->source, b->source) != 0 ||
      g_strcmp0 (a->id, b->id) != 0)
    return FALSE;

  if ((a->patient_ids == NULL) != (b->patient_ids == NULL))
    return FALSE;
  if (a->patient_ids != NULL)
    {
      if (a->patient_ids->len != b->patient_ids->len)
        return FALSE;
      for (guint i = 0; i < a->patient_ids->len; i++)
        if (!g_str_equal (g_ptr_array_index (a->patient_ids, i), g_ptr_array_index (b->patient_ids, i)))
          return FALSE;
    }

  if ((a->models != NULL ? a->models->len : 0) != (b->models != NULL ? b->models->len : 0))
    return FALSE;
  for (guint i = 0; a->models != NULL && i < a->models->len; i++)
    if (!g_str_equal (g_ptr_array_index (a->models, i), g_ptr_array_index (b->models, i)))
      return FALSE;

  return TRUE;
}

/* The "key" of a model's JSON, or NULL */
static char *
model_key (const char *model_json)
{
  g_autoptr(JsonNode) node = json_from_string (model_json, NULL);
  JsonNode *key;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  key = json_object_get_member (json_node_get_object (node), "key");
  if (key == NULL || !JSON_NODE_HOLDS_VALUE (key) || json_node_get_value_type (key) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (key));
}

gboolean
cs_saved_cohort_set_model (CsSavedCohort *self,
                           const char    *model_json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *key = NULL;
  char *compact;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (model_json != NULL, FALSE);

  node = json_from_string (model_json, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  compact = json_to_string (node, FALSE);
  key = model_key (compact);

  if (self->models == NULL)
    self->models = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; key != NULL && i < self->models->len; i++)
    {
      g_autofree char *other = model_key (g_ptr_array_index (self->models, i));

      if (g_strcmp0 (other, key) == 0)
        {
          g_free (g_ptr_array_index (self->models, i));
          self->models->pdata[i] = compact;
          return TRUE;
        }
    }
  g_ptr_array_add (self->models, compact);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Writing */

static char *
generate (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(GString) out = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  out = json_generator_to_gstring (generator, g_string_new (NULL));
  g_string_append_c (out, '\n');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

char *
cs_saved_cohort_to_json (const CsSavedCohort *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "format", CS_SAVED_COHORT_FORMAT);
  add_string (builder, "name", self->name);
  add_string (builder, "description", self->description);
  add_string (builder, "filter", self->filter);
  add_string (builder, "created", self->created);
  add_string (builder, "source", self->source);
  add_string (builder, "id", self->id);
  if (self->patient_ids != NULL)
    {
      json_builder_set_member_name (builder, "patients");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->patient_ids->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (self->patient_ids, i));
      json_builder_end_array (builder);
    }
  if (self->models != NULL && self->models->len > 0)
    {
      json_builder_set_member_name (builder, "models");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->models->len; i++)
        {
          JsonNode *model = json_from_string (g_ptr_array_index (self->models, i), NULL);

          /* set_model and the reader only keep objects */
          g_assert (model != NULL);
          json_builder_add_value (builder, model);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return generate (builder);
}

gboolean
cs_saved_cohort_save (const CsSavedCohort  *self,
                      const char           *path,
                      GError              **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = cs_saved_cohort_to_json (self);

  return g_file_set_contents (path, json, -1, error);
}

char *
cs_saved_cohort_make_group_id (const char *name)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (name != NULL, NULL);

  g_checksum_update (sum, (const guchar *) "cohortscope-group\n", -1);
  g_checksum_update (sum, (const guchar *) name, -1);

  return g_strdup_printf ("cs-cohort-%.40s", g_checksum_get_string (sum));
}

char *
cs_saved_cohort_dup_group_id (const CsSavedCohort *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->id != NULL && self->id[0] != '\0')
    return g_strdup (self->id);

  return cs_saved_cohort_make_group_id (self->name != NULL ? self->name : "");
}

char *
cs_saved_cohort_to_group (const CsSavedCohort *self,
                          const char *const   *member_ids,
                          guint                n_members)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  gboolean has_filter;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (member_ids != NULL || n_members == 0, NULL);

  has_filter = self->filter != NULL && self->filter[0] != '\0';

  id = cs_saved_cohort_dup_group_id (self);

  json_builder_begin_object (builder);
  add_string (builder, "resourceType", "Group");
  add_string (builder, "id", id);

  if (has_filter)
    {
      json_builder_set_member_name (builder, "extension");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string (builder, "url", CS_GROUP_FILTER_EXTENSION);
      add_string (builder, "valueString", self->filter);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  add_string (builder, "type", "person");
  json_builder_set_member_name (builder, "actual");
  json_builder_add_boolean_value (builder, TRUE);
  if (self->name != NULL && self->name[0] != '\0')
    add_string (builder, "name", self->name);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, n_members);

  if (has_filter)
    {
      /* R4 Group.characteristic: code, value[x] and exclude are required */
      json_builder_set_member_name (builder, "characteristic");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_begin_object (builder);
      add_string (builder, "text", CS_GROUP_FILTER_CODE_TEXT);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "valueCodeableConcept");
      json_builder_begin_object (builder);
      add_string (builder, "text", self->filter);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "exclude");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  /* FHIR forbids empty arrays: no member[] for an empty cohort */
  if (n_members > 0)
    {
      json_builder_set_member_name (builder, "member");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_members; i++)
        {
          g_autofree char *reference = g_strconcat ("Patient/", member_ids[i], NULL);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "entity");
          json_builder_begin_object (builder);
          add_string (builder, "reference", reference);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);

  return generate (builder);
}

/* ------------------------------------------------------------------------ */
/* Reading */

/* How the readers of this file report errors */
static CsJsonDoc
cohort_doc (const char *where)
{
  CsJsonDoc doc = { where, _("cohort"), CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID };

  return doc;
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

CsSavedCohort *
cs_saved_cohort_from_json (const char  *data,
                           gssize       length,
                           const char  *where,
                           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CsSavedCohort) self = NULL;
  CsJsonDoc doc = cohort_doc (where);
  JsonObject *object;
  JsonNode *patients;

  g_return_val_if_fail (data != NULL, NULL);

  if (!(root = cs_json_doc_parse (&doc, data, length, error)))
    return NULL;
  object = json_node_get_object (root);

  if (!cs_json_doc_check_format (&doc, object, CS_SAVED_COHORT_FORMAT, CS_COHORT_ERROR_UNSUPPORTED, error))
    return NULL;

  self = g_new0 (CsSavedCohort, 1);
  if (!cs_json_doc_get_string (&doc, object, "name", "$", TRUE, &self->name, error) ||
      !cs_json_doc_get_string (&doc, object, "description", "$", FALSE, &self->description, error) ||
      !cs_json_doc_get_string (&doc, object, "filter", "$", FALSE, &self->filter, error) ||
      !cs_json_doc_get_string (&doc, object, "created", "$", TRUE, &self->created, error) ||
      !cs_json_doc_get_string (&doc, object, "source", "$", FALSE, &self->source, error) ||
      !cs_json_doc_get_string (&doc, object, "id", "$", FALSE, &self->id, error))
    return NULL;

  if (self->id != NULL && !cs_fhir_id_check (self->id, -1, NULL))
    {
      cs_json_doc_error (&doc, error, "$.id", _("“%s” is not a FHIR id (1–64 letters, digits, “-” or “.”)"), self->id);
      return NULL;
    }

  if (self->name[0] == '\0')
    {
      cs_json_doc_error (&doc, error, "$.name", "%s", _("the name is empty"));
      return NULL;
    }

  {
    g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (self->created, NULL);

    if (created == NULL)
      {
        cs_json_doc_error (&doc, error, "$.created",
                     _("“%s” is not an ISO 8601 date and time (such as 2026-01-31T12:00:00Z)"),
                     self->created);
        return NULL;
      }
  }

  if (self->filter != NULL)
    {
      g_autoptr(GError) filter_error = NULL;
      g_autoptr(CsFilter) filter = cs_filter_parse (self->filter, NULL, &filter_error);

      if (filter == NULL)
        {
          cs_json_doc_error (&doc, error, "$.filter", "%s", filter_error->message);
          return NULL;
        }
    }

  patients = json_object_get_member (object, "patients");
  if (patients != NULL && !JSON_NODE_HOLDS_NULL (patients))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (patients))
        {
          cs_json_doc_error (&doc, error, "$.patients", _("expected an array of Patient ids but found %s"),
                       cs_json_doc_type_name (patients));
          return NULL;
        }

      array = json_node_get_array (patients);
      self->patient_ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("$.patients[%u]", i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              cs_json_doc_error (&doc, error, path, _("expected a Patient id (a string) but found %s"),
                           cs_json_doc_type_name (item));
              return NULL;
            }
          if (!cs_fhir_id_check (json_node_get_string (item), -1, NULL))
            {
              cs_json_doc_error (&doc, error, path,
                           _("“%s” is not a FHIR id (1–64 letters, digits, “-” or “.”)"),
                           json_node_get_string (item));
              return NULL;
            }
          g_ptr_array_add (self->patient_ids, g_strdup (json_node_get_string (item)));
        }
    }

  /* Models (optional): kept as they are; each has its own format, which
   * whoever uses it checks (cs-cox-model.h), so a newer model survives a
   * round trip through this version. */
  {
    JsonArray *models;

    if (!cs_json_doc_get_array (&doc, object, "models", "$", FALSE, &models, error))
      return NULL;
    for (guint i = 0; models != NULL && i < json_array_get_length (models); i++)
      {
        JsonNode *item = json_array_get_element (models, i);
        g_autofree char *path = g_strdup_printf ("$.models[%u]", i);
        g_autofree char *format = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (item))
          {
            cs_json_doc_error (&doc, error, path, _("expected a model (an object) but found %s"),
                               cs_json_doc_type_name (item));
            return NULL;
          }
        if (!cs_json_doc_get_string (&doc, json_node_get_object (item), "format", path, TRUE, &format, error))
          return NULL;
        if (!g_str_has_prefix (format, "cohortscope-model/"))
          {
            g_autofree char *format_path = g_strconcat (path, ".format", NULL);

            cs_json_doc_error (&doc, error, format_path, _("expected a Cohortscope model but found “%s”"), format);
            return NULL;
          }
        if (self->models == NULL)
          self->models = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (self->models, json_to_string (item, FALSE));
      }
  }

  if ((self->filter == NULL || self->filter[0] == '\0') && self->patient_ids == NULL)
    {
      g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY,
                   _("%s: $: the cohort has neither a “filter” nor a “patients” list"),
                   where != NULL ? where : _("cohort"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* "Patient/x", "https://server/fhir/Patient/x/_history/2", "urn:uuid:…" */
static char *
patient_id_from_reference (const char *reference)
{
  const char *p = NULL;
  const char *end;

  for (const char *s = strstr (reference, "Patient/"); s != NULL; s = strstr (s + 1, "Patient/"))
    if (s == reference || s[-1] == '/')
      p = s + strlen ("Patient/");

  if (p == NULL)
    {
      if (g_str_has_prefix (reference, "urn:uuid:"))
        p = reference + strlen ("urn:uuid:");
      else
        return NULL;
    }

  end = strchr (p, '/');
  return end != NULL ? g_strndup (p, (gsize) (end - p)) : g_strdup (p);
}

CsSavedCohort *
cs_saved_cohort_from_group (const char  *data,
                            gssize       length,
                            const char  *where,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CsSavedCohort) self = NULL;
  g_autofree char *resource_type = NULL;
  g_autofree char *id = NULL;
  CsJsonDoc doc = cohort_doc (where);
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (data != NULL, NULL);

  if (!(root = cs_json_doc_parse (&doc, data, length, error)))
    return NULL;
  object = json_node_get_object (root);

  if (!cs_json_doc_get_string (&doc, object, "resourceType", "$", TRUE, &resource_type, error))
    return NULL;
  if (!g_str_equal (resource_type, "Group"))
    {
      cs_json_doc_error (&doc, error, "$.resourceType", _("expected “Group” but found “%s”"), resource_type);
      return NULL;
    }

  self = g_new0 (CsSavedCohort, 1);
  if (!cs_json_doc_get_string (&doc, object, "name", "$", FALSE, &self->name, error) ||
      !cs_json_doc_get_string (&doc, object, "id", "$", FALSE, &id, error))
    return NULL;
  if (self->name == NULL || self->name[0] == '\0')
    {
      g_free (self->name);
      self->name = id != NULL ? g_strdup_printf ("Group/%s", id) : g_strdup (_("Imported group"));
    }
  self->created = cs_date_now_timestamp ();
  self->source = g_strdup_printf (_("FHIR Group from %s"), where != NULL ? where : _("a file"));
  /* Uploading it again updates the same Group */
  if (id != NULL && cs_fhir_id_check (id, -1, NULL))
    self->id = g_strdup (id);

  /* The filter: our extension first, else our characteristic */
  node = json_object_get_member (object, "extension");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array) && self->filter == NULL; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("$.extension[%u]", i);
          g_autofree char *url = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              cs_json_doc_error (&doc, error, path, _("expected an object but found %s"), cs_json_doc_type_name (item));
              return NULL;
            }
          if (!cs_json_doc_get_string (&doc, json_node_get_object (item), "url", path, TRUE, &url, error))
            return NULL;
          if (g_str_equal (url, CS_GROUP_FILTER_EXTENSION) &&
              !cs_json_doc_get_string (&doc, json_node_get_object (item), "valueString", path, TRUE, &self->filter, error))
            return NULL;
        }
    }

  node = json_object_get_member (object, "characteristic");
  if (self->filter == NULL && node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array) && self->filter == NULL; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          JsonObject *characteristic, *code, *value;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          characteristic = json_node_get_object (item);
          code = object_member (characteristic, "code");
          value = object_member (characteristic, "valueCodeableConcept");
          if (g_strcmp0 (string_member (code, "text"), CS_GROUP_FILTER_CODE_TEXT) == 0)
            self->filter = g_strdup (string_member (value, "text"));
        }
    }

  if (self->filter != NULL)
    {
      g_autoptr(GError) filter_error = NULL;
      g_autoptr(CsFilter) filter = cs_filter_parse (self->filter, NULL, &filter_error);

      if (filter == NULL)
        {
          cs_json_doc_error (&doc, error, _("the Cohortscope filter"), "%s", filter_error->message);
          return NULL;
        }
    }

  node = json_object_get_member (object, "member");
  if (node != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          cs_json_doc_error (&doc, error, "$.member", _("expected an array but found %s"), cs_json_doc_type_name (node));
          return NULL;
        }

      array = json_node_get_array (node);
      self->patient_ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("$.member[%u]", i);
          g_autofree char *entity_path = g_strdup_printf ("$.member[%u].entity", i);
          g_autofree char *reference = NULL;
          JsonObject *member;
          JsonNode *entity, *inactive;
          char *patient_id;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              cs_json_doc_error (&doc, error, path, _("expected an object but found %s"), cs_json_doc_type_name (item));
              return NULL;
            }
          member = json_node_get_object (item);
          inactive = json_object_get_member (member, "inactive");
          if (inactive != NULL && JSON_NODE_HOLDS_VALUE (inactive) &&
              json_node_get_value_type (inactive) == G_TYPE_BOOLEAN && json_node_get_boolean (inactive))
            continue;

          entity = json_object_get_member (member, "entity");
          if (entity == NULL || !JSON_NODE_HOLDS_OBJECT (entity))
            {
              cs_json_doc_error (&doc, error, entity_path, "%s",
                           entity == NULL ? _("missing (a member needs an entity reference)")
                                          : _("expected a Reference object"));
              return NULL;
            }
          if (!cs_json_doc_get_string (&doc, json_node_get_object (entity), "reference", entity_path, TRUE, &reference, error))
            return NULL;
          if (!(patient_id = patient_id_from_reference (reference)) || !cs_fhir_id_check (patient_id, -1, NULL))
            {
              g_free (patient_id);
              cs_json_doc_error (&doc, error, entity_path,
                           _("“%s” does not refer to a Patient (expected Patient/<id>)"), reference);
              return NULL;
            }
          g_ptr_array_add (self->patient_ids, patient_id);
        }
    }

  if (self->patient_ids == NULL && self->filter == NULL)
    {
      g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY,
                   _("%s: $: the Group has no members and no Cohortscope filter"),
                   where != NULL ? where : _("cohort"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

CsSavedCohort *
cs_saved_cohort_from_id_list (const char  *data,
                              gssize       length,
                              const char  *where,
                              GError     **error)
{
  g_autoptr(CsSavedCohort) self = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  copy = length < 0 ? g_strdup (data) : g_strndup (data, (gsize) length);
  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID,
                   _("%s: the file is not UTF-8 text"), where != NULL ? where : _("id list"));
      return NULL;
    }

  self = g_new0 (CsSavedCohort, 1);
  self->patient_ids = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (i == 0 && g_str_has_prefix (line, "\xEF\xBB\xBF"))
        line = g_strstrip (line + 3);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (g_str_has_prefix (line, "Patient/"))
        line += strlen ("Patient/");
      if (!cs_fhir_id_check (line, -1, NULL))
        {
          g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID,
                       _("%s:%u: “%s” is not a Patient id (1–64 letters, digits, “-” or “.”, one a line)"),
                       where != NULL ? where : _("id list"), i + 1, line);
          return NULL;
        }
      g_ptr_array_add (self->patient_ids, g_strdup (line));
    }

  if (self->patient_ids->len == 0)
    {
      g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY,
                   _("%s: the list holds no Patient ids"), where != NULL ? where : _("id list"));
      return NULL;
    }

  self->name = where != NULL ? g_path_get_basename (where) : g_strdup (_("Imported list"));
  self->created = cs_date_now_timestamp ();
  self->source = g_strdup_printf (_("Patient id list from %s"), where != NULL ? where : _("a file"));

  return g_steal_pointer (&self);
}

CsSavedCohort *
cs_saved_cohort_load (const char  *path,
                      GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  const char *p;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID,
                   _("%s: byte %zu: the file holds a NUL byte; expected a cohort (JSON), a FHIR Group or a list of Patient ids"),
                   path, (gsize) ((const char *) memchr (data, '\0', length) - data));
      return NULL;
    }

  p = data;
  if (g_str_has_prefix (p, "\xEF\xBB\xBF"))
    p += 3;
  while (g_ascii_isspace (*p))
    p++;

  if (*p == '{' || *p == '[')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      /* Decide by the members: "resourceType" → FHIR, else our format */
      if (json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
          json_parser_get_root (parser) != NULL &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) &&
          json_object_has_member (json_node_get_object (json_parser_get_root (parser)), "resourceType"))
        return cs_saved_cohort_from_group (data, (gssize) length, path, error);

      return cs_saved_cohort_from_json (data, (gssize) length, path, error);
    }

  return cs_saved_cohort_from_id_list (data, (gssize) length, path, error);
}

/* ------------------------------------------------------------------------ */
/* Members */

CsBitset *
cs_saved_cohort_select_columns (const CsSavedCohort *self,
                                CsVariable *const   *variables,
                                guint                n_variables,
                                const char *const   *row_ids,
                                guint                n_rows,
                                GPtrArray           *missing_ids,
                                GError             **error)
{
  g_autoptr(GHashTable) index = NULL;
  CsBitset *rows;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->patient_ids == NULL)
    {
      g_autoptr(CsFilter) filter = NULL;

      if (self->filter == NULL || self->filter[0] == '\0')
        {
          g_set_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY,
                       _("The cohort “%s” has neither a filter nor patient ids"), self->name);
          return NULL;
        }
      if (!(filter = cs_filter_parse (self->filter, NULL, error)))
        return NULL;
      return cs_filter_evaluate_columns (filter, variables, n_variables, n_rows, NULL, error);
    }

  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_rows; i++)
    if (row_ids[i] != NULL)
      g_hash_table_insert (index, (gpointer) row_ids[i], GUINT_TO_POINTER (i + 1));

  rows = cs_bitset_new (n_rows);
  for (guint i = 0; i < self->patient_ids->len; i++)
    {
      const char *id = g_ptr_array_index (self->patient_ids, i);
      guint row = GPOINTER_TO_UINT (g_hash_table_lookup (index, id));

      if (row > 0)
        cs_bitset_set (rows, row - 1);
      else if (missing_ids != NULL)
        g_ptr_array_add (missing_ids, g_strdup (id));
    }

  return rows;
}
