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

gboolean
cs_variable_has_code (const CsVariable *var,
                      const char       *name)
{
  g_return_val_if_fail (var != NULL, FALSE);

  for (guint i = 0; var->codes != NULL && name != NULL && i < var->codes->len; i++)
    {
      const char *code = g_ptr_array_index (var->codes, i);
      const char *bar = strchr (code, '|');

      if (g_str_equal (code, name) || (bar != NULL && g_str_equal (bar + 1, name)))
        return TRUE;
    }
  return FALSE;
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
      const char *bar = strchr (code, '|');

      if (g_pattern_spec_match_string (pattern, bar != NULL ? bar + 1 : code))
        return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------ ordinal stages */

typedef enum
{
  STAGE_NONE,
  STAGE_T,
  STAGE_N,
  STAGE_M,
  STAGE_GROUP,
} StageFamily;

/* "a" → 0.1 … "d" → 0.4 after a category number; "mi" (T1mi) → 0.05 */
static gboolean
parse_stage_suffix (const char *s,
                    double     *rank)
{
  if (*s == '\0')
    return TRUE;
  if (g_ascii_strcasecmp (s, "mi") == 0)
    {
      *rank += 0.05;
      return TRUE;
    }
  if (s[1] == '\0' && g_ascii_tolower (s[0]) >= 'a' && g_ascii_tolower (s[0]) <= 'd')
    {
      *rank += 0.1 * (g_ascii_tolower (s[0]) - 'a' + 1);
      return TRUE;
    }
  return FALSE;
}

static int
parse_roman (const char **s)
{
  static const char *const numerals[] = { "IV", "III", "II", "I" };
  static const int values[] = { 4, 3, 2, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (numerals); i++)
    if (g_ascii_strncasecmp (*s, numerals[i], strlen (numerals[i])) == 0)
      {
        *s += strlen (numerals[i]);
        return values[i];
      }
  return 0;
}

/* Recognises one TNM category ("cT2", "pT1a", "Tis", "N0", "ypN1", "M1c",
 * "TX") or stage group ("IIIB", "Stage IIa", "3B", "0", "IV") and its
 * rank; NAN rank for an unknown category (TX, NX, MX). arabic_groups allows
 * "1".."4" with an optional letter as stage groups. */
static StageFamily
parse_stage (const char *text,
             gboolean    arabic_groups,
             double     *rank)
{
  g_autofree char *copy = NULL;
  const char *s;
  int roman;

  if (text == NULL)
    return STAGE_NONE;
  copy = g_strstrip (g_strdup (text));
  s = copy;
  if (*s == '\0')
    return STAGE_NONE;

  /* TNM: optional prefixes (c clinical, p pathological, y after therapy,
   * r recurrence, a autopsy), then T, N or M */
  {
    const char *p = s;
    StageFamily family = STAGE_NONE;

    while (*p != '\0' && strchr ("cpyra", *p) != NULL && p - s < 3)
      p++;
    switch (*p)
      {
      case 'T': family = STAGE_T; break;
      case 'N': family = STAGE_N; break;
      case 'M': family = STAGE_M; break;
      default: break;
      }
    if (family != STAGE_NONE)
      {
        p++;
        if (g_ascii_toupper (*p) == 'X' && p[1] == '\0')
          {
            *rank = NAN;
            return family;
          }
        if (family == STAGE_T && g_ascii_strcasecmp (p, "is") == 0)
          {
            *rank = 0.5;
            return family;
          }
        if (*p >= '0' && *p <= '4' && !(family == STAGE_M && *p > '1') && !(family == STAGE_N && *p > '3'))
          {
            *rank = *p - '0';
            if (parse_stage_suffix (p + 1, rank))
              return family;
          }
        return STAGE_NONE;
      }
  }

  /* stage group */
  if (g_ascii_strncasecmp (s, "stage", 5) == 0)
    {
      s += 5;
      while (*s == ' ')
        s++;
      arabic_groups = TRUE;
    }
  if (*s == '0' && s[1] == '\0')
    {
      *rank = 0;
      return STAGE_GROUP;
    }
  if ((roman = parse_roman (&s)) > 0)
    {
      *rank = roman;
      return parse_stage_suffix (s, rank) ? STAGE_GROUP : STAGE_NONE;
    }
  if (arabic_groups && *s >= '1' && *s <= '4')
    {
      *rank = *s - '0';
      return parse_stage_suffix (s + 1, rank) ? STAGE_GROUP : STAGE_NONE;
    }
  return STAGE_NONE;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_ascii_strdown (haystack, -1);
  return strstr (folded, needle) != NULL;
}

double *
cs_variable_get_ordinal_ranks (const CsVariable *var)
{
  g_autofree double *ranks = NULL;
  StageFamily family = STAGE_NONE;
  gboolean arabic;
  guint known = 0;

  g_return_val_if_fail (var != NULL, NULL);

  if (var->type != CS_VARIABLE_CATEGORICAL || var->levels == NULL || var->levels->len < 2)
    return NULL;

  /* bare "1".."4" are stage groups only in a variable that says so */
  arabic = contains_casefold (var->key, "stage") || contains_casefold (var->label, "stage");
  ranks = g_new (double, var->levels->len);
  for (guint i = 0; i < var->levels->len; i++)
    {
      const CsLevel *level = g_ptr_array_index (var->levels, i);
      double rank = NAN;
      StageFamily f = parse_stage (level->code, arabic, &rank);

      if (f == STAGE_NONE || (family != STAGE_NONE && f != family))
        f = parse_stage (level->display, arabic, &rank);
      if (f == STAGE_NONE || (family != STAGE_NONE && f != family))
        return NULL;
      family = f;
      ranks[i] = rank;
      if (!isnan (rank))
        known++;
    }

  return known >= 2 ? g_steal_pointer (&ranks) : NULL;
}

double
cs_level_stage_rank (const CsLevel *level)
{
  double rank = NAN;

  if (parse_stage (level->code, TRUE, &rank) == STAGE_NONE
      && parse_stage (level->display, TRUE, &rank) == STAGE_NONE)
    return NAN;
  return rank;
}

double
cs_variable_ordinal_value_at (const CsVariable *var,
                              const double     *ranks,
                              guint             row)
{
  gint32 level;

  if (ranks == NULL || var->cat == NULL)
    return NAN;
  level = var->cat[row];
  return level < 0 ? NAN : ranks[level];
}
