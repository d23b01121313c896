/* cs-variable-counts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-chart.h"
#include "cs-variable-counts.h"

/* The bin of a value of the column (finite, so within the table's range) */
static inline guint
bin_of (const CsVariableCounts *self,
        double                  value)
{
  int bin = (int) floor ((value - self->start) / self->width);

  return (guint) CLAMP (bin, 0, (int) self->n - 1);
}

/* Counts the rows of rows into counts (zeroed by the caller): one loop per
 * kind, the hot path of every evaluation. */
static void
count_rows (const CsVariableCounts *self,
            const CsBitset         *rows,
            double                 *counts)
{
  const CsVariable *var = self->var;
  const double *num = var->num;

  if (var->type == CS_VARIABLE_CATEGORICAL)
    {
      const gint32 *cat = var->cat;

      CS_BITSET_FOREACH (rows, row)
        if (cat[row] >= 0 && (guint) cat[row] < self->n)
          counts[cat[row]]++;
    }
  else if (self->bars)
    {
      CS_BITSET_FOREACH (rows, row)
        if (!isnan (num[row]))
          counts[num[row] != 0]++;
    }
  else
    {
      CS_BITSET_FOREACH (rows, row)
        if (!isnan (num[row]))
          counts[bin_of (self, num[row])]++;
    }
}

static gboolean
setup_bars (CsVariableCounts *self)
{
  CsVariable *var = self->var;
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();

  self->bars = TRUE;
  if (var->type == CS_VARIABLE_BOOLEAN)
    {
      self->literal = CS_LITERAL_BOOLEAN;
      self->n = 2;
      self->labels = g_strsplit (_("No|Yes"), "|", 2);
      self->values = g_strsplit ("false|true", "|", 2);
      return TRUE;
    }

  self->literal = CS_LITERAL_STRING;
  self->n = var->levels != NULL ? MIN (var->levels->len, CS_VARIABLE_COUNTS_MAX_LEVELS) : 0;
  self->n_more = var->levels != NULL ? var->levels->len - self->n : 0;
  for (guint i = 0; i < self->n; i++)
    {
      const CsLevel *level = g_ptr_array_index (var->levels, i);

      g_strv_builder_add (labels, level->display != NULL ? level->display : level->code);
      g_strv_builder_add (values, level->code != NULL ? level->code : level->display);
    }
  self->labels = g_strv_builder_end (labels);
  self->values = g_strv_builder_end (values);
  return TRUE;
}

CsVariableCounts *
cs_variable_counts_new (CsVariable *var)
{
  g_autoptr(CsVariableCounts) self = NULL;

  g_return_val_if_fail (var != NULL, NULL);

  self = g_new0 (CsVariableCounts, 1);
  self->var = var;
  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_BOOLEAN:
      setup_bars (self);
      break;

    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_DATE:
      self->is_date = var->type == CS_VARIABLE_DATE;
      if (!cs_chart_histogram_bins (var->num, var->n_rows, CS_CHART_BINS_FIXED, CS_VARIABLE_COUNTS_BINS,
                                    &self->start, &self->width, &self->n)
          || self->n == 0)
        return NULL;
      if (!(self->width > 0))
        self->width = 1;
      break;

    case CS_VARIABLE_SURVIVAL:
    default:
      return NULL;
    }

  self->all = g_new0 (double, MAX (self->n, 1));
  self->selected = g_new0 (double, MAX (self->n, 1));
  {
    g_autoptr(CsBitset) every = cs_bitset_new_full (var->n_rows);

    count_rows (self, every, self->all);
  }
  memcpy (self->selected, self->all, sizeof (double) * self->n);

  return g_steal_pointer (&self);
}

void
cs_variable_counts_free (CsVariableCounts *self)
{
  if (self == NULL)
    return;
  g_free (self->all);
  g_free (self->selected);
  g_strfreev (self->labels);
  g_strfreev (self->values);
  g_free (self);
}

void
cs_variable_counts_update (CsVariableCounts *self,
                           const CsBitset   *rows)
{
  g_return_if_fail (self != NULL);

  if (rows == NULL)
    {
      /* every patient: the whole table */
      memcpy (self->selected, self->all, sizeof (double) * self->n);
      return;
    }
  memset (self->selected, 0, sizeof (double) * self->n);
  count_rows (self, rows, self->selected);
}

int
cs_variable_counts_find (const CsVariableCounts *self,
                         const char             *level)
{
  g_return_val_if_fail (self != NULL, -1);

  for (guint i = 0; self->bars && level != NULL && i < self->n; i++)
    if (g_strcmp0 (self->values[i], level) == 0 || g_ascii_strcasecmp (self->labels[i], level) == 0)
      return (int) i;

  return -1;
}
