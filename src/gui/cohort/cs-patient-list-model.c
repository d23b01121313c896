/* cs-patient-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-patient-list-model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _CsPatientRow
{
  GObject             parent_instance;
  CsStore            *store;
  guint               row;
  CsPatientListModel *model;     /* unowned; set while the model lists this row as live */
  guint               position;
};

static void cs_patient_list_model_forget_row (CsPatientListModel *self,
                                              CsPatientRow       *row);

G_DEFINE_FINAL_TYPE (CsPatientRow, cs_patient_row, G_TYPE_OBJECT)

static void
cs_patient_row_finalize (GObject *object)
{
  CsPatientRow *self = (CsPatientRow *)object;

  if (self->model != NULL)
    cs_patient_list_model_forget_row (self->model, self);
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
  GObject        parent_instance;
  CsStore       *store;
  CsBitset      *selection;   /* shown store rows, or NULL for every row */
  guint         *order;       /* every store row in sort order, or NULL for store order */
  guint         *filtered;    /* order restricted to selection (owned) */
  const guint   *view;        /* position → store row: order, filtered, selected rows or NULL */
  GArray        *selected;    /* selection as ascending rows */
  guint          n_items;
  CsPatientRow **live;        /* n_items unowned row objects by position, or NULL */
  guint         *id_order;    /* store rows by ascending patient id (ids are unique), or NULL */

  CsPatientSort      sort_by;
  const CsVariable  *sort_var;
  gint32            *level_rank;
  gboolean           descending;
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
  CsPatientRow *item;
  guint row;

  if (position >= self->n_items)
    return NULL;

  if (self->live != NULL && self->live[position] != NULL)
    return g_object_ref (self->live[position]);

  row = self->view != NULL ? self->view[position] : position;
  item = cs_patient_row_new (self->store, row);

  if (self->live == NULL)
    self->live = g_new0 (CsPatientRow *, self->n_items);
  self->live[position] = item;
  item->model = self;
  item->position = position;

  return item;
}

static void
cs_patient_list_model_forget_row (CsPatientListModel *self,
                                  CsPatientRow       *row)
{
  if (self->live != NULL && row->position < self->n_items && self->live[row->position] == row)
    self->live[row->position] = NULL;
  row->model = NULL;
}

/* Points the live row objects at their positions' new store rows (the
 * views already hold them, so GTK reuses their widgets after items-changed
 * instead of making new ones); rows past the new end are let go. */
static void
cs_patient_list_model_retarget_rows (CsPatientListModel *self,
                                     guint               old_n_items)
{
  for (guint i = 0; self->live != NULL && i < old_n_items; i++)
    {
      CsPatientRow *row = self->live[i];

      if (row == NULL)
        continue;

      if (i < self->n_items)
        {
          if (row->store != self->store)
            g_set_object (&row->store, self->store);
          row->row = self->view != NULL ? self->view[i] : i;
        }
      else
        {
          row->model = NULL;
          self->live[i] = NULL;
        }
    }

  if (self->live != NULL && self->n_items != old_n_items)
    {
      self->live = g_renew (CsPatientRow *, self->live, MAX (self->n_items, 1));
      if (self->n_items > old_n_items)
        memset (self->live + old_n_items, 0, (self->n_items - old_n_items) * sizeof (CsPatientRow *));
    }
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

  for (guint i = 0; self->live != NULL && i < self->n_items; i++)
    if (self->live[i] != NULL)
      self->live[i]->model = NULL;
  g_clear_pointer (&self->live, g_free);
  g_clear_pointer (&self->id_order, g_free);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->selected, g_array_unref);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->filtered, g_free);
  g_clear_pointer (&self->level_rank, g_free);

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

/* Recomputes view from order and selection and tells the views: one
 * items-changed for the whole list. */
static void
cs_patient_list_model_update (CsPatientListModel *self)
{
  guint old_n_items = self->n_items;
  guint n_total = cs_patient_list_model_get_n_total (self);

  g_clear_pointer (&self->filtered, g_free);

  if (self->selection == NULL)
    {
      self->view = self->order;
      self->n_items = n_total;
    }
  else if (self->order == NULL)
    {
      self->view = (const guint *)(gpointer)self->selected->data;
      self->n_items = self->selected->len;
    }
  else
    {
      guint n = 0;

      self->filtered = g_new (guint, MAX (self->selected->len, 1));
      for (guint i = 0; i < n_total && n < self->selected->len; i++)
        if (cs_bitset_get (self->selection, self->order[i]))
          self->filtered[n++] = self->order[i];
      self->view = self->filtered;
      self->n_items = n;
    }

  cs_patient_list_model_retarget_rows (self, old_n_items);

  if (old_n_items > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
}

guint
cs_patient_list_model_find_row (CsPatientListModel *self,
                                guint               row)
{
  g_return_val_if_fail (CS_IS_PATIENT_LIST_MODEL (self), G_MAXUINT);

  if (self->view == NULL)
    return row < self->n_items ? row : G_MAXUINT;

  for (guint i = 0; i < self->n_items; i++)
    if (self->view[i] == row)
      return i;

  return G_MAXUINT;
}

int
cs_patient_id_compare (const char *a,
                       const char *b)
{
  /* Digit runs compare by value so that "p9" < "p10". */
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea, *eb;
          gsize la, lb;
          int c;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          c = strncmp (a, b, la);
          if (c != 0)
            return c;
          a = ea;
          b = eb;
        }
      else
        {
          if (*a != *b)
            return (guchar)*a < (guchar)*b ? -1 : 1;
          a++;
          b++;
        }
    }

  return (*a != '\0') - (*b != '\0');
}

typedef struct
{
  const char *id;
  guint       row;
} IdKey;

static int
compare_id_keys (const void *a,
                 const void *b)
{
  const IdKey *ka = a, *kb = b;
  int c = cs_patient_id_compare (ka->id, kb->id);

  if (c != 0)
    return c;
  return ka->row < kb->row ? -1 : ka->row > kb->row;
}

/* A row with a value: key, then key2 (survival: 0 for an event, 1 for a
 * censored time), then the store row so that ties keep store order. */
typedef struct
{
  double key;
  guint  key2;
  guint  row;
} ValueKey;

static int
compare_value_keys (const void *a,
                    const void *b)
{
  const ValueKey *ka = a, *kb = b;

  if (ka->key != kb->key)
    return ka->key < kb->key ? -1 : 1;
  if (ka->key2 != kb->key2)
    return ka->key2 < kb->key2 ? -1 : 1;
  return ka->row < kb->row ? -1 : ka->row > kb->row;
}

static int
compare_value_keys_descending (const void *a,
                               const void *b)
{
  const ValueKey *ka = a, *kb = b;

  if (ka->key != kb->key)
    return ka->key > kb->key ? -1 : 1;
  if (ka->key2 != kb->key2)
    return ka->key2 > kb->key2 ? -1 : 1;
  return ka->row < kb->row ? -1 : ka->row > kb->row;
}

/* The id order never changes for a store: sorted once, then copied. */
static guint *
sort_by_id (CsPatientListModel *self,
            gboolean            descending)
{
  guint n = cs_store_get_n_patients (self->store);
  guint *order = g_new (guint, MAX (n, 1));

  if (self->id_order == NULL)
    {
      g_autofree IdKey *keys = g_new (IdKey, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        {
          const char *id = cs_store_get_patient_id (self->store, i);

          keys[i].id = id != NULL ? id : "";
          keys[i].row = i;
        }
      qsort (keys, n, sizeof (IdKey), compare_id_keys);

      self->id_order = g_new (guint, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        self->id_order[i] = keys[i].row;
    }

  for (guint i = 0; i < n; i++)
    order[i] = self->id_order[descending ? n - 1 - i : i];

  return order;
}

static guint *
sort_by_variable (const CsVariable *var,
                  const gint32     *level_rank,
                  guint             n,
                  gboolean          descending)
{
  g_autofree ValueKey *keys = g_new (ValueKey, MAX (n, 1));
  guint *order = g_new (guint, MAX (n, 1));
  guint n_levels = var->levels != NULL ? var->levels->len : 0;
  guint n_values = 0, n_missing = 0;

  /* Rows with a value first (sorted), then the missing ones in store order:
   * order[] is filled from both ends. */
  for (guint i = 0; i < n; i++)
    {
      gboolean missing;
      ValueKey key = { 0, 0, i };

      if (i >= var->n_rows)
        missing = TRUE;
      else if (var->type == CS_VARIABLE_CATEGORICAL)
        {
          gint32 level = var->cat != NULL ? var->cat[i] : -1;

          missing = level < 0 || (guint)level >= n_levels;
          if (!missing)
            key.key = level_rank != NULL ? level_rank[level] : level;
        }
      else
        {
          key.key = var->num != NULL ? var->num[i] : NAN;
          missing = isnan (key.key);
          if (var->type == CS_VARIABLE_SURVIVAL && var->event != NULL)
            key.key2 = var->event[i] != 0 ? 0 : 1;
        }

      if (missing)
        order[n - 1 - n_missing++] = i;
      else
        keys[n_values++] = key;
    }

  qsort (keys, n_values, sizeof (ValueKey),
         descending ? compare_value_keys_descending : compare_value_keys);
  for (guint i = 0; i < n_values; i++)
    order[i] = keys[i].row;

  /* The missing rows were stored backwards */
  for (guint i = n_values, j = n - 1; n_missing > 0 && i < j; i++, j--)
    {
      guint tmp = order[i];

      order[i] = order[j];
      order[j] = tmp;
    }

  return order;
}

static void
cs_patient_list_model_resort (CsPatientListModel *self)
{
  guint n = cs_patient_list_model_get_n_total (self);

  g_clear_pointer (&self->order, g_free);

  if (self->store == NULL || n == 0)
    return;

  if (self->sort_by == CS_PATIENT_SORT_ID)
    self->order = sort_by_id (self, self->descending);
  else if (self->sort_by == CS_PATIENT_SORT_VARIABLE && self->sort_var != NULL)
    self->order = sort_by_variable (self->sort_var, self->level_rank, n, self->descending);
}

void
cs_patient_list_model_sort (CsPatientListModel *self,
                            CsPatientSort       by,
                            const CsVariable   *var,
                            const gint32       *level_rank,
                            gboolean            descending)
{
  g_return_if_fail (CS_IS_PATIENT_LIST_MODEL (self));
  g_return_if_fail (by != CS_PATIENT_SORT_VARIABLE || var != NULL);

  g_clear_pointer (&self->level_rank, g_free);

  self->sort_by = by;
  self->sort_var = by == CS_PATIENT_SORT_VARIABLE ? var : NULL;
  self->descending = descending != FALSE;
  if (self->sort_var != NULL && level_rank != NULL
      && var->type == CS_VARIABLE_CATEGORICAL && var->levels != NULL && var->levels->len > 0)
    self->level_rank = g_memdup2 (level_rank, var->levels->len * sizeof (gint32));

  cs_patient_list_model_resort (self);
  cs_patient_list_model_update (self);
}

void
cs_patient_list_model_set_store (CsPatientListModel *self,
                                 CsStore            *store)
{
  g_return_if_fail (CS_IS_PATIENT_LIST_MODEL (self));
  g_return_if_fail (!store || CS_IS_STORE (store));

  if (store != self->store)
    g_clear_pointer (&self->id_order, g_free);
  g_set_object (&self->store, store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->selected, g_array_unref);

  /* A variable belongs to its store */
  if (self->sort_by == CS_PATIENT_SORT_VARIABLE)
    {
      self->sort_by = CS_PATIENT_SORT_NONE;
      self->sort_var = NULL;
      g_clear_pointer (&self->level_rank, g_free);
    }

  cs_patient_list_model_resort (self);
  cs_patient_list_model_update (self);
}

void
cs_patient_list_model_set_selection (CsPatientListModel *self,
                                     const CsBitset     *rows)
{
  guint n_total;

  g_return_if_fail (CS_IS_PATIENT_LIST_MODEL (self));

  n_total = cs_patient_list_model_get_n_total (self);
  g_return_if_fail (rows == NULL || rows->n_bits == n_total);

  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->selected, g_array_unref);

  if (rows != NULL)
    {
      self->selection = cs_bitset_copy (rows);
      self->selected = cs_bitset_to_rows (rows);
    }

  cs_patient_list_model_update (self);
}
