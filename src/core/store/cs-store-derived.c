/* cs-store-derived.c: variables computed outside the store
 *
 * A derived variable is a numeric column that an analysis adds to a
 * finished store, such as the signature score of a Cox model
 * (src/core/analysis/cs-cox-model.h). It joins the table like any other
 * variable, so filters, the heat map, pair charts and survival splits can
 * use it, in the group "Derived" after every loaded variable. Its values
 * are a snapshot: a change of the lesion roll-up does not recompute them.
 * Adding one emits the store's "variable-added" signal, which lets the
 * views of a GUI list it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"

gboolean
cs_variable_key_is_valid (const char *key)
{
  if (key == NULL || !(g_ascii_isalpha (key[0]) || key[0] == '_'))
    return FALSE;
  for (const char *c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}

gboolean
cs_variable_is_derived (const CsVariable *var)
{
  return var != NULL && g_strcmp0 (var->group, CS_VARIABLE_GROUP_DERIVED) == 0;
}

CsVariable *
cs_store_add_derived_variable (CsStore       *self,
                               const char    *key,
                               const char    *label,
                               const char    *unit,
                               const double  *values,
                               GError       **error)
{
  CsVariable *var;
  guint n_rows;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!self->finished)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FINISHED,
                   _("Cannot add “%s”: the table is not built yet"), key);
      return NULL;
    }
  if (!cs_variable_key_is_valid (key))
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _("“%s” cannot be a variable key: use letters, digits, “_” and “.”, "
                     "starting with a letter or “_”"), key);
      return NULL;
    }
  if (g_hash_table_contains (self->var_index, key))
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _("Cannot add “%s”: the data already has a variable with this key"), key);
      return NULL;
    }

  n_rows = self->rows->len;
  var = g_new0 (CsVariable, 1);
  var->key = g_strdup (key);
  var->label = g_strdup (label != NULL && *label != '\0' ? label : key);
  var->type = CS_VARIABLE_NUMERIC;
  var->unit = g_strdup (unit);
  var->codes = g_ptr_array_new_with_free_func (g_free);
  var->group = g_strdup (CS_VARIABLE_GROUP_DERIVED);
  var->n_rows = n_rows;
  var->num = g_new (double, MAX (n_rows, 1));
  for (guint r = 0; r < n_rows; r++)
    {
      var->num[r] = values != NULL && isfinite (values[r]) ? values[r] : NAN;
      var->n += !isnan (var->num[r]);
    }

  g_ptr_array_add (self->variables, var);
  g_hash_table_insert (self->var_index, var->key, var);
  g_signal_emit_by_name (self, "variable-added", self->variables->len - 1);
  return var;
}

gboolean
cs_store_remove_derived_variable (CsStore    *self,
                                  const char *key)
{
  CsVariable *var;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);

  if (self->var_index == NULL || !(var = g_hash_table_lookup (self->var_index, key)) ||
      !cs_variable_is_derived (var))
    return FALSE;
  g_hash_table_remove (self->var_index, key);
  g_ptr_array_remove (self->variables, var);   /* frees it */
  return TRUE;
}
