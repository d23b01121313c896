/* cs-mapping-structure-node.h: one row of the mapping's Structure view
 *
 * An input, a resource or an element of a template, with its path in the
 * mapping document ("inputs[0]", "resources[1]", "resources[1].template.code")
 * and its children (for GtkTreeListModel).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-mapping-structure.h"

G_BEGIN_DECLS

typedef enum
{
  CS_STRUCTURE_NODE_INPUT,
  CS_STRUCTURE_NODE_RESOURCE,
  CS_STRUCTURE_NODE_ELEMENT,
} CsStructureNodeKind;

#define CS_TYPE_MAPPING_STRUCTURE_NODE (cs_mapping_structure_node_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingStructureNode, cs_mapping_structure_node, CS, MAPPING_STRUCTURE_NODE, GObject)

/* name: the role, the resource's name, or the element's member name. */
CsMappingStructureNode *cs_mapping_structure_node_new        (CsStructureNodeKind     kind,
                                                              const char             *path,
                                                              const char             *name,
                                                              const char             *detail);
CsStructureNodeKind     cs_mapping_structure_node_get_kind   (CsMappingStructureNode *self);
const char             *cs_mapping_structure_node_get_path   (CsMappingStructureNode *self);
const char             *cs_mapping_structure_node_get_name   (CsMappingStructureNode *self);
const char             *cs_mapping_structure_node_get_detail (CsMappingStructureNode *self);
/* ELEMENT: the kind of its value */
CsMappingValueKind      cs_mapping_structure_node_get_value_kind (CsMappingStructureNode *self);
void                    cs_mapping_structure_node_set_value_kind (CsMappingStructureNode *self,
                                                                  CsMappingValueKind      kind);
/* NULL for a leaf */
GListModel             *cs_mapping_structure_node_get_children (CsMappingStructureNode *self);
void                    cs_mapping_structure_node_add_child  (CsMappingStructureNode *self,
                                                              CsMappingStructureNode *child);

G_END_DECLS
