/* analysis-test-util.c: hand-made store columns for the analysis tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "analysis-test-util.h"

CsVariable *
test_numeric_var (const char   *key,
                  const double *values,
                  guint         n)
{
  CsVariable *var = g_new0 (CsVariable, 1);

  var->key = g_strdup (key);
  var->type = CS_VARIABLE_NUMERIC;
  var->n_rows = n;
  var->num = g_memdup2 (values, sizeof (double) * n);
  return var;
}

CsVariable *
test_boolean_var (const char   *key,
                  const double *values,
                  guint         n)
{
  CsVariable *var = test_numeric_var (key, values, n);

  var->type = CS_VARIABLE_BOOLEAN;
  return var;
}

CsVariable *
test_categorical_var (const char         *key,
                      const char * const *levels,
                      const gint32       *cat,
                      guint               n)
{
  CsVariable *var = g_new0 (CsVariable, 1);

  var->key = g_strdup (key);
  var->type = CS_VARIABLE_CATEGORICAL;
  var->n_rows = n;
  var->cat = g_memdup2 (cat, sizeof (gint32) * n);
  var->levels = g_ptr_array_new ();
  for (guint i = 0; levels[i] != NULL; i++)
    {
      CsLevel *level = g_new0 (CsLevel, 1);
      const char *eq = strchr (levels[i], '=');

      level->code = eq != NULL ? g_strndup (levels[i], eq - levels[i]) : g_strdup (levels[i]);
      level->display = eq != NULL ? g_strdup (eq + 1) : NULL;
      g_ptr_array_add (var->levels, level);
    }
  return var;
}

CsVariable *
test_survival_var (const char   *key,
                   const double *time,
                   const guint8 *event,
                   guint         n)
{
  CsVariable *var = test_numeric_var (key, time, n);

  var->type = CS_VARIABLE_SURVIVAL;
  var->event = g_memdup2 (event, n);
  return var;
}
