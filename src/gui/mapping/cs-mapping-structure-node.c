/* cs-mapping-structure-node.c: one row of the mapping's Structure view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cs-mapping-structure-node.h"

struct _CsMappingStructureNode
{
  GObject              parent_instance;

  CsStructureNodeKind  kind;
  CsMappingValueKind   value_kind;
  char                *path;
  char                *name;
  char                *detail;
  GListStore          *children;
};

G_DEFINE_FINAL_TYPE (CsMappingStructureNode, cs_mapping_structure_node, G_TYPE_OBJECT)

CsMappingStructureNode *
cs_mapping_structure_node_new (CsStructureNodeKind  kind,
                               const char          *path,
                               const char          *name,
                               const char          *detail)
{
  CsMappingStructureNode *self = g_object_new (CS_TYPE_MAPPING_STRUCTURE_NODE, NULL);

  self->kind = kind;
  self->path = g_strdup (path);
  self->name = g_strdup (name != NULL ? name : "");
  self->detail = g_strdup (detail != NULL ? detail : "");
  return self;
}

CsStructureNodeKind
cs_mapping_structure_node_get_kind (CsMappingStructureNode *self)
{
  return self->kind;
}

const char *
cs_mapping_structure_node_get_path (CsMappingStructureNode *self)
{
  return self->path;
}

const char *
cs_mapping_structure_node_get_name (CsMappingStructureNode *self)
{
  return self->name;
}

const char *
cs_mapping_structure_node_get_detail (CsMappingStructureNode *self)
{
  return self->detail;
}

CsMappingValueKind
cs_mapping_structure_node_get_value_kind (CsMappingStructureNode *self)
{
  return self->value_kind;
}

void
cs_mapping_structure_node_set_value_kind (CsMappingStructureNode *self,
                                          CsMappingValueKind      kind)
{
  self->value_kind = kind;
}

GListModel *
cs_mapping_structure_node_get_children (CsMappingStructureNode *self)
{
  return self->children != NULL ? G_LIST_MODEL (self->children) : NULL;
}

void
cs_mapping_structure_node_add_child (CsMappingStructureNode *self,
                                     CsMappingStructureNode *child)
{
  if (self->children == NULL)
    self->children = g_list_store_new (CS_TYPE_MAPPING_STRUCTURE_NODE);
  g_list_store_append (self->children, child);
}

static void
cs_mapping_structure_node_finalize (GObject *object)
{
  CsMappingStructureNode *self = CS_MAPPING_STRUCTURE_NODE (object);

  g_free (self->path);
  g_free (self->name);
  g_free (self->detail);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (cs_mapping_structure_node_parent_class)->finalize (object);
}

static void
cs_mapping_structure_node_class_init (CsMappingStructureNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_mapping_structure_node_finalize;
}

static void
cs_mapping_structure_node_init (CsMappingStructureNode *self)
{
}
