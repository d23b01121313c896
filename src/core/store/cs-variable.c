/* cs-variable.c: one column of the patient × variable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"
#include "cs-variable.h"

const char *
cs_variable_type_to_string (CsVariableType type)
{
  switch (type)
    {
    case CS_VARIABLE_NUMERIC:
      return "numeric";
    case CS_VARIABLE_CATEGORICAL:
      return "categorical";
    case CS_VARIABLE_BOOLEAN:
      return "boolean";
    case CS_VARIABLE_DATE:
      return "date";
    case CS_VARIABLE_SURVIVAL:
      return "survival";
    default:
      return "unknown";
    }
}

const char *
cs_variable_type_to_label (CsVariableType type)
{
  switch (type)
    {
    case CS_VARIABLE_NUMERIC:
      return _("numeric");
    case CS_VARIABLE_CATEGORICAL:
      return _("categorical");
    case CS_VARIABLE_BOOLEAN:
      return _("boolean");
    case CS_VARIABLE_DATE:
      return _("date");
    case CS_VARIABLE_SURVIVAL:
      return _("time to event");
    default:
      return _("unknown");
    }
}

gboolean
cs_variable_is_missing (const CsVariable *var,
                        guint             row)
{
  g_return_val_if_fail (var != NULL, TRUE);

  if (row >= var->n_rows)
    return TRUE;

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      return var->cat == NULL || var->cat[row] < 0;
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
    default:
      return var->num == NULL || isnan (var->num[row]);
    }
}

const CsLevel *
cs_variable_get_level (const CsVariable *var,
                       guint             row)
{
  g_return_val_if_fail (var != NULL, NULL);

  if (var->type != CS_VARIABLE_CATEGORICAL || cs_variable_is_missing (var, row))
    return NULL;
  if ((guint) var->cat[row] >= var->levels->len)
    return NULL;

  return g_ptr_array_index (var->levels, var->cat[row]);
}

char *
cs_variable_format_cell (const CsVariable *var,
                         guint             row,
                         gboolean          labels)
{
  char buf[32];

  g_return_val_if_fail (var != NULL, NULL);

  if (cs_variable_is_missing (var, row))
    return g_strdup ("");

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      {
        const CsLevel *level = cs_variable_get_level (var, row);

        if (level == NULL)
          return g_strdup ("");
        if (labels && level->display != NULL && *level->display != '\0')
          return g_strdup (level->display);
        return g_strdup (level->code);
      }
    case CS_VARIABLE_BOOLEAN:
      return g_strdup (var->num[row] != 0.0 ? "true" : "false");
    case CS_VARIABLE_DATE:
      cs_date_format_buf (var->num[row], buf);
      return g_strdup (buf);
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_SURVIVAL:
    default:
      cs_format_double_buf (var->num[row], buf);
      return g_strdup (buf);
    }
}

int
cs_variable_find_level (const CsVariable *var,
                        const char       *str)
{
  g_return_val_if_fail (var != NULL, -1);

  if (str == NULL || var->levels == NULL)
    return -1;

  for (guint i = 0; i < var->levels->len; i++)
    {
      const CsLevel *level = g_ptr_array_index (var->levels, i);

      if (g_strcmp0 (level->code, str) == 0)
        return (int) i;
    }

  for (guint i = 0; i < var->levels->len; i++)
    {
      const CsLevel *level = g_ptr_array_index (var->levels, i);
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      if (level->display == NULL)
        continue;
      a = g_utf8_casefold (level->display, -1);
      b = g_utf8_casefold (str, -1);
      if (g_strcmp0 (a, b) == 0)
        return (int) i;
    }

  return -1;
}

void
cs_level_free (gpointer data)
{
  CsLevel *level = data;

  g_free (level->code);
  g_free (level->display);
  g_free (level->system);
  g_free (level);
}

void
cs_variable_free (CsVariable *var)
{
  if (var == NULL)
    return;

  g_free (var->key);
  g_free (var->label);
  g_free (var->unit);
  g_clear_pointer (&var->codes, g_ptr_array_unref);
  g_free (var->group);
  g_free (var->num);
  g_free (var->cat);
  g_free (var->event);
  if (var->levels != NULL)
    {
      g_ptr_array_set_free_func (var->levels, cs_level_free);
      g_ptr_array_unref (var->levels);
    }
  g_free (var);
}

gboolean
cs_variable_is_numeric_like (const CsVariable *var)
{
  return var->type == CS_VARIABLE_NUMERIC || var->type == CS_VARIABLE_DATE;
}

gboolean
cs_variable_is_grouping (const CsVariable *var)
{
  return var->type == CS_VARIABLE_CATEGORICAL || var->type == CS_VARIABLE_BOOLEAN;
}

double
cs_variable_value_at (const CsVariable *var,
                      guint             row)
{
  if (var->num == NULL || var->type == CS_VARIABLE_CATEGORICAL)
    return NAN;
  return var->num[row];
}

gboolean
cs_variable_matches_pattern (const CsVariable *var,
                             GPatternSpec     *pattern)
{
  if (g_pattern_spec_match_string (pattern, var->key))
    return TRUE;
  for (guint i = 0; var->codes != NULL && i < var->codes->len; i++)
    {
      const char *code = g_ptr_array_index (var->codes, i);
      const char *bar = strrchr (code, '|');

      if (g_pattern_spec_match_string (pattern, bar != NULL ? bar + 1 : code))
        return TRUE;
    }
  return FALSE;
}
