/* cs-mapping-row-model.c: a list model of N positions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cs-mapping-row-model.h"

struct _CsMappingRowModel
{
  GObject parent_instance;
  guint   n_items;
};

static GType
row_model_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
row_model_get_n_items (GListModel *model)
{
  return CS_MAPPING_ROW_MODEL (model)->n_items;
}

static gpointer
row_model_get_item (GListModel *model,
                    guint       position)
{
  if (position >= CS_MAPPING_ROW_MODEL (model)->n_items)
    return NULL;
  return g_object_new (G_TYPE_OBJECT, NULL);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = row_model_get_item_type;
  iface->get_n_items = row_model_get_n_items;
  iface->get_item = row_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (CsMappingRowModel, cs_mapping_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
cs_mapping_row_model_class_init (CsMappingRowModelClass *klass)
{
}

static void
cs_mapping_row_model_init (CsMappingRowModel *self)
{
}

CsMappingRowModel *
cs_mapping_row_model_new (void)
{
  return g_object_new (CS_TYPE_MAPPING_ROW_MODEL, NULL);
}

void
cs_mapping_row_model_set_n_items (CsMappingRowModel *self,
                                  guint              n_items)
{
  guint old;

  g_return_if_fail (CS_IS_MAPPING_ROW_MODEL (self));

  old = self->n_items;
  self->n_items = n_items;
  if (old != n_items || old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, n_items);
}
