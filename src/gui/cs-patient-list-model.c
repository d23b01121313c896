/* cs-patient-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-patient-list-model.h"

struct _CsPatientRow
{
  GObject  parent_instance;
  CsStore *store;
  guint    row;
};

G_DEFINE_FINAL_TYPE (CsPatientRow, cs_patient_row, G_TYPE_OBJECT)

static void
cs_patient_row_finalize (GObject *object)
{
  CsPatientRow *self = (CsPatientRow *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_patient_row_parent_class)->finalize (object);
}

static void
cs_patient_row_class_init (CsPatientRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_patient_row_finalize;
}

static void
cs_patient_row_init (CsPatientRow *self)
{
}

CsPatientRow *
cs_patient_row_new (CsStore *store,
                    guint    row)
{
  CsPatientRow *self = g_object_new (CS_TYPE_PATIENT_ROW, NULL);

  g_set_object (&self->store, store);
  self->row = row;

  return self;
}

CsStore *
cs_patient_row_get_store (CsPatientRow *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_ROW (self), NULL);

  return self->store;
}

guint
cs_patient_row_get_row (CsPatientRow *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_ROW (self), 0);

  return self->row;
}

struct _CsPatientListModel
{
  GObject  parent_instance;
  CsStore *store;
  GArray  *rows;      /* guint store rows, or NULL when every row is shown */
  guint    n_items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsPatientListModel, cs_patient_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
cs_patient_list_model_get_item_type (GListModel *model)
{
  return CS_TYPE_PATIENT_ROW;
}

static guint
cs_patient_list_model_get_n_items (GListModel *model)
{
  return CS_PATIENT_LIST_MODEL (model)->n_items;
}

static gpointer
cs_patient_list_model_get_item (GListModel *model,
                                guint       position)
{
  CsPatientListModel *self = CS_PATIENT_LIST_MODEL (model);
  guint row;

  if (position >= self->n_items)
    return NULL;

  row = self->rows != NULL ? g_array_index (self->rows, guint, position) : position;

  return cs_patient_row_new (self->store, row);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cs_patient_list_model_get_item_type;
  iface->get_n_items = cs_patient_list_model_get_n_items;
  iface->get_item = cs_patient_list_model_get_item;
}

static void
cs_patient_list_model_finalize (GObject *object)
{
  CsPatientListModel *self = (CsPatientListModel *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (cs_patient_list_model_parent_class)->finalize (object);
}

static void
cs_patient_list_model_class_init (CsPatientListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_patient_list_model_finalize;
}

static void
cs_patient_list_model_init (CsPatientListModel *self)
{
}

CsPatientListModel *
cs_patient_list_model_new (void)
{
  return g_object_new (CS_TYPE_PATIENT_LIST_MODEL, NULL);
}

CsStore *
cs_patient_list_model_get_store (CsPatientListModel *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_LIST_MODEL (self), NULL);

  return self->store;
}

guint
cs_patient_list_model_get_n_total (CsPatientListModel *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_LIST_MODEL (self), 0);

  return self->store != NULL ? cs_store_get_n_patients (self->store) : 0;
}

static void
cs_patient_list_model_replace (CsPatientListModel *self,
                               GArray             *rows,
                               guint               n_items)
{
  guint old_n_items = self->n_items;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;
  self->n_items = n_items;

  if (old_n_items > 0 || n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, n_items);
}

void
cs_patient_list_model_set_store (CsPatientListModel *self,
                                 CsStore            *store)
{
  g_return_if_fail (CS_IS_PATIENT_LIST_MODEL (self));
  g_return_if_fail (!store || CS_IS_STORE (store));

  g_set_object (&self->store, store);
  cs_patient_list_model_replace (self, NULL, store != NULL ? cs_store_get_n_patients (store) : 0);
}

void
cs_patient_list_model_set_selection (CsPatientListModel *self,
                                     const CsBitset     *rows)
{
  guint n_total;

  g_return_if_fail (CS_IS_PATIENT_LIST_MODEL (self));

  n_total = cs_patient_list_model_get_n_total (self);

  if (rows == NULL)
    {
      cs_patient_list_model_replace (self, NULL, n_total);
      return;
    }

  g_return_if_fail (rows->n_bits == n_total);

  {
    GArray *array = cs_bitset_to_rows (rows);

    cs_patient_list_model_replace (self, array, array->len);
  }
}
