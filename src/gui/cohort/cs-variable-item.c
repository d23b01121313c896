/* cs-variable-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-variable-item.h"

struct _CsVariableItem
{
  GObject     parent_instance;
  CsStore    *store;
  CsVariable *variable;
  char       *haystack;  /* casefolded label, key and codes */
  guint       index;
  guint       shown : 1;
};

enum {
  PROP_0,
  PROP_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CsVariableItem, cs_variable_item, G_TYPE_OBJECT)

static void
cs_variable_item_finalize (GObject *object)
{
  CsVariableItem *self = (CsVariableItem *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->haystack, g_free);

  G_OBJECT_CLASS (cs_variable_item_parent_class)->finalize (object);
}

static void
cs_variable_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CsVariableItem *self = CS_VARIABLE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SHOWN:
      g_value_set_boolean (value, self->shown);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_variable_item_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CsVariableItem *self = CS_VARIABLE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SHOWN:
      cs_variable_item_set_shown (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_variable_item_class_init (CsVariableItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_variable_item_finalize;
  object_class->get_property = cs_variable_item_get_property;
  object_class->set_property = cs_variable_item_set_property;

  properties[PROP_SHOWN] =
    g_param_spec_boolean ("shown", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_variable_item_init (CsVariableItem *self)
{
}

CsVariableItem *
cs_variable_item_new (CsStore *store,
                      guint    index)
{
  CsVariableItem *self;
  GString *str;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  self = g_object_new (CS_TYPE_VARIABLE_ITEM, NULL);
  self->store = g_object_ref (store);
  self->index = index;
  self->variable = cs_store_get_variable (store, index);

  str = g_string_new (NULL);
  if (self->variable->label != NULL)
    g_string_append (str, self->variable->label);
  g_string_append_c (str, '\n');
  if (self->variable->key != NULL)
    g_string_append (str, self->variable->key);
  for (guint i = 0; self->variable->codes != NULL && i < self->variable->codes->len; i++)
    {
      g_string_append_c (str, '\n');
      g_string_append (str, g_ptr_array_index (self->variable->codes, i));
    }
  self->haystack = g_utf8_casefold (str->str, -1);
  g_string_free (str, TRUE);

  return self;
}

CsStore *
cs_variable_item_get_store (CsVariableItem *self)
{
  g_return_val_if_fail (CS_IS_VARIABLE_ITEM (self), NULL);

  return self->store;
}

guint
cs_variable_item_get_index (CsVariableItem *self)
{
  g_return_val_if_fail (CS_IS_VARIABLE_ITEM (self), 0);

  return self->index;
}

CsVariable *
cs_variable_item_get_variable (CsVariableItem *self)
{
  g_return_val_if_fail (CS_IS_VARIABLE_ITEM (self), NULL);

  return self->variable;
}

gboolean
cs_variable_item_get_shown (CsVariableItem *self)
{
  g_return_val_if_fail (CS_IS_VARIABLE_ITEM (self), FALSE);

  return self->shown;
}

void
cs_variable_item_set_shown (CsVariableItem *self,
                            gboolean        shown)
{
  g_return_if_fail (CS_IS_VARIABLE_ITEM (self));

  shown = !!shown;

  if (self->shown != shown)
    {
      self->shown = shown;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN]);
    }
}

gboolean
cs_variable_item_matches (CsVariableItem *self,
                          const char     *needle)
{
  g_return_val_if_fail (CS_IS_VARIABLE_ITEM (self), FALSE);

  if (needle == NULL || needle[0] == '\0')
    return TRUE;

  return strstr (self->haystack, needle) != NULL;
}
