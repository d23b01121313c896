/* cs-explore-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cs-explore-common.h"

char *
cs_explore_var_display (const CsVariable *var)
{
  if (var->label != NULL && g_strcmp0 (var->label, var->key) != 0)
    return g_strdup_printf ("%s (%s)", var->label, var->key);
  return g_strdup (var->key);
}

const char *
cs_explore_var_name (const CsVariable *var)
{
  return var->label != NULL ? var->label : var->key;
}

char *
cs_explore_format_number (double value)
{
  if (isnan (value))
    return g_strdup (_("undefined"));
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "−∞");
  return g_strdup_printf ("%.4g", value);
}

void
cs_explore_fill_dropdown (GtkDropDown *dropdown,
                          GPtrArray   *vars,
                          const char  *none_label)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < vars->len; i++)
    {
      CsVariable *var = g_ptr_array_index (vars, i);
      g_autofree char *text = var != NULL ? cs_explore_var_display (var) : g_strdup (none_label);

      gtk_string_list_append (list, text);
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

CsVariable *
cs_explore_dropdown_var (GtkDropDown *dropdown,
                         GPtrArray   *vars)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (vars == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= vars->len)
    return NULL;
  return g_ptr_array_index (vars, pos);
}

gboolean
cs_explore_select_var (GtkDropDown *dropdown,
                       GPtrArray   *vars,
                       const char  *key)
{
  for (guint i = 0; vars != NULL && i < vars->len; i++)
    {
      CsVariable *var = g_ptr_array_index (vars, i);

      if ((var == NULL && key == NULL) || (var != NULL && key != NULL && g_str_equal (var->key, key)))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}

gpointer
cs_explore_keep (GPtrArray *owner,
                 gpointer   data)
{
  g_ptr_array_add (owner, data);
  return data;
}

void
cs_explore_csv_number (GString *out,
                       double   value)
{
  char buf[32];

  if (isnan (value))
    return;
  cs_format_double_buf (value, buf);
  g_string_append (out, buf);
}
