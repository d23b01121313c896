/* cs-store-explain.c: how each derived cell of a patient came about
 *
 * The store derives some variables (age at diagnosis, diagnosis, overall
 * survival, deceased, the condition.<code> flags) from several resources.
 * For one patient, these functions say which resources, elements and dates
 * gave the value ("Condition/c1 “NSCLC” onsetDateTime 2015-03-01 −
 * Patient/p birthDate 1950-01-01"). Nothing is recorded while loading: the
 * store keeps only the primary diagnosis per row (4 bytes) and finds the rest
 * again from its compact facts when asked, so the ingest pays nothing
 * (docs/VARIABLES.md, "How a value was derived").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"

/* "Type/id", else the fullUrl, else "Type[n]" */
static char *
resource_name (CsStore *self,
               guint32  resource)
{
  const CsResource *res = &g_array_index (self->resources, CsResource, resource);

  if (res->id != NULL)
    return g_strdup_printf ("%s/%s", res->type, res->id);
  if (res->full_url != NULL)
    return g_strdup (res->full_url);
  return g_strdup_printf ("%s[%u]", res->type, resource);
}

static char *
format_date (double days)
{
  char buf[CS_DATE_BUF_SIZE];

  cs_date_format_buf (days, buf);
  return g_strdup (buf);
}

/* "Condition/c1 “Non-small cell lung cancer” (http://snomed.info/sct|254637007)" */
static char *
condition_name (CsStore               *self,
                const CsConditionFact *c)
{
  g_autofree char *name = resource_name (self, c->resource);

  if (c->display != NULL)
    return g_strdup_printf ("%s “%s” (%s%s%s)", name, c->display, c->system != NULL ? c->system : "",
                            c->system != NULL ? "|" : "", c->code);
  return g_strdup_printf ("%s (%s%s%s)", name, c->system != NULL ? c->system : "", c->system != NULL ? "|" : "",
                          c->code);
}

/* Where the start of a Condition came from: "onsetDateTime 2015-03-01" … */
static char *
condition_start_text (const CsConditionFact *c,
                      const CsPatientRow    *p)
{
  g_autofree char *date = NULL;

  if (!isnan (c->onset_date))
    {
      date = format_date (c->onset_date);
      return g_strdup_printf ("%s %s", c->onset_is_period ? "onsetPeriod.start" : "onsetDateTime", date);
    }
  if (!isnan (c->onset_age) && !isnan (p->birth_date))
    {
      date = format_date (p->birth_date + c->onset_age * 365.25);
      /* TRANSLATORS: onsetAge, then the age in years and the date it gives */
      return g_strdup_printf (_("birthDate + onsetAge %g years = %s"), c->onset_age, date);
    }
  if (!isnan (c->recorded_date))
    {
      date = format_date (c->recorded_date);
      return g_strdup_printf ("recordedDate %s", date);
    }
  return NULL;
}

static const CsConditionFact *
primary_of (CsStore *self,
            guint    row)
{
  gint32 index = self->primary != NULL ? self->primary[row] : -1;

  return index >= 0 ? &g_array_index (self->conditions, CsConditionFact, index) : NULL;
}

/* The row's latest fact of the concept (the rule of the column, by time then
 * input order); NULL when none. */
static const CsFact *
latest_fact (CsStore   *self,
             CsConcept *concept,
             guint      row)
{
  const CsFact *best = NULL;

  if (concept == NULL || concept->facts == NULL)
    return NULL;
  for (guint i = 0; i < concept->facts->len; i++)
    {
      const CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));

      if (g_array_index (self->resources, CsResource, fact->resource).row != (gint32) row)
        continue;
      if (best == NULL || (isnan (best->time) && !isnan (fact->time))
          || (!isnan (fact->time) && fact->time >= best->time) || (isnan (fact->time) && isnan (best->time)))
        best = fact;
    }
  return best;
}

static CsConcept *
concept_of (CsStore          *self,
            const CsVariable *var)
{
  for (guint i = 0; i < self->concepts->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (self->concepts, i);

      if (concept->variable == var)
        return concept;
    }
  return NULL;
}

static char *
explain_age (CsStore *self,
             guint    row)
{
  const CsConditionFact *c = primary_of (self, row);
  const CsPatientRow *p = &g_array_index (self->rows, CsPatientRow, row);
  g_autofree char *condition = NULL;
  g_autofree char *start = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *birth = NULL;

  if (c == NULL)
    return g_strdup (_("missing: no Condition of the patient qualifies as the diagnosis"));
  condition = condition_name (self, c);
  if (!isnan (c->onset_age))
    return g_strdup_printf (_("onsetAge of %s: %g years"), condition, c->onset_age);
  patient = resource_name (self, p->resource);
  if (isnan (p->birth_date))
    return g_strdup_printf (_("missing: %s has no birthDate (diagnosis %s)"), patient, condition);
  if ((start = condition_start_text (c, p)) == NULL)
    return g_strdup_printf (_("missing: %s has no onset or recordedDate"), condition);
  birth = format_date (p->birth_date);
  /* TRANSLATORS: the Condition, where its start came from, the Patient and its birth date */
  return g_strdup_printf (_("%s %s − %s birthDate %s"), condition, start, patient, birth);
}

static char *
explain_deceased_element (CsStore *self,
                          guint    row)
{
  const CsPatientRow *p = &g_array_index (self->rows, CsPatientRow, row);
  g_autofree char *patient = resource_name (self, p->resource);
  g_autofree char *date = NULL;

  if (!isnan (p->death_date))
    {
      date = format_date (p->death_date);
      return g_strdup_printf ("%s deceasedDateTime %s", patient, date);
    }
  if (p->deceased >= 0)
    return g_strdup_printf ("%s deceasedBoolean %s", patient, p->deceased ? "true" : "false");
  return g_strdup_printf (_("%s has no deceased[x]: counted as alive"), patient);
}

static char *
explain_os (CsStore          *self,
            const CsVariable *var,
            guint             row)
{
  const CsPatientRow *p = &g_array_index (self->rows, CsPatientRow, row);
  CsVariable *time_var = g_hash_table_lookup (self->var_index, "survival_time");
  CsVariable *vital = g_hash_table_lookup (self->var_index, "vital_status");
  const CsConditionFact *c = primary_of (self, row);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *event = NULL;
  gint8 dead = -1;

  /* the event: as build_survival() takes it */
  if (vital != NULL)
    dead = cs_store_vital_status_event (cs_variable_get_level (vital, row));
  if (dead >= 0)
    {
      const CsFact *fact = latest_fact (self, concept_of (self, vital), row);
      const CsLevel *level = cs_variable_get_level (vital, row);
      g_autofree char *name = fact != NULL ? resource_name (self, fact->resource) : g_strdup ("vital_status");

      event = g_strdup_printf (_("vital_status “%s” (%s)"), level->display != NULL ? level->display : level->code,
                               name);
    }
  else
    {
      event = explain_deceased_element (self, row);
      dead = p->deceased == 1;
    }

  /* the time */
  if (time_var != NULL && !cs_variable_is_missing (time_var, row))
    {
      const CsFact *fact = latest_fact (self, concept_of (self, time_var), row);
      g_autofree char *name = fact != NULL ? resource_name (self, fact->resource) : g_strdup ("survival_time");

      g_string_append_printf (out, _("time: survival_time of %s"), name);
    }
  else if (c == NULL)
    g_string_append (out, _("missing: no survival_time and no Condition that qualifies as the diagnosis"));
  else
    {
      g_autofree char *condition = condition_name (self, c);
      g_autofree char *start = condition_start_text (c, p);

      if (start == NULL)
        g_string_append_printf (out, _("missing: %s has no onset or recordedDate"), condition);
      else if (dead && isnan (p->death_date))
        g_string_append (out, _("missing: the patient died but the date of death is unknown"));
      else if (dead)
        {
          g_autofree char *patient = resource_name (self, p->resource);
          g_autofree char *end = format_date (p->death_date);

          g_string_append_printf (out, _("time: from %s %s to %s deceasedDateTime %s"), condition, start, patient, end);
        }
      else
        {
          GArray *resources = g_ptr_array_index (self->row_resources, row);
          double end = NAN;
          guint32 last = G_MAXUINT32;

          for (guint i = 0; i < resources->len; i++)
            {
              guint index = g_array_index (resources, guint, i);
              const CsResource *res = &g_array_index (self->resources, CsResource, index);

              if (!isnan (res->event_date) && (isnan (end) || res->event_date >= end))
                {
                  end = res->event_date;
                  last = index;
                }
            }
          if (last == G_MAXUINT32 || cs_variable_is_missing (var, row))
            g_string_append_printf (out, _("missing: from %s %s, but no later date of the patient"), condition, start);
          else
            {
              g_autofree char *name = resource_name (self, last);
              g_autofree char *date = format_date (end);

              g_string_append_printf (out, _("time: from %s %s to the last follow-up, %s %s (censored)"), condition,
                                      start, name, date);
              if (end > self->load_time)
                {
                  g_autofree char *load = format_date (self->load_time);

                  g_string_append_printf (out, _(", clamped to the load date %s"), load);
                }
            }
        }
    }
  g_string_append_printf (out, _("; event: %s"), event);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
explain_condition_flag (CsStore          *self,
                        const CsVariable *var,
                        guint             row)
{
  guint n_any = 0;
  g_autoptr(GString) found = NULL;

  for (guint i = 0; i < self->conditions->len; i++)
    {
      const CsConditionFact *c = &g_array_index (self->conditions, CsConditionFact, i);
      const CsConcept *concept;

      if (g_array_index (self->resources, CsResource, c->resource).row != (gint32) row)
        continue;
      n_any++;
      concept = g_ptr_array_index (self->concepts, c->concept);
      if (concept->variable == var)
        {
          g_autofree char *name = condition_name (self, c);

          if (found == NULL)
            found = g_string_new (name);
          else
            g_string_append_printf (found, ", %s", name);
        }
    }
  if (found != NULL)
    return g_strdup_printf (_("true: %s"), found->str);
  if (n_any > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "false: the patient has %u other Condition, none with this code",
                                         "false: the patient has %u other Conditions, none with this code", n_any),
                            n_any);
  return g_strdup (_("unknown: the sources hold no Condition of the patient (false means none recorded)"));
}

char *
cs_store_explain_cell (CsStore          *self,
                       const CsVariable *var,
                       guint             row)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (var != NULL, NULL);
  g_return_val_if_fail (self->finished && row < self->rows->len, NULL);

  if (g_strcmp0 (var->group, "Condition") == 0)
    {
      if (g_str_equal (var->key, "age_at_diagnosis"))
        return explain_age (self, row);
      if (g_str_equal (var->key, "diagnosis"))
        {
          const CsConditionFact *c = primary_of (self, row);
          g_autofree char *name = c != NULL ? condition_name (self, c) : NULL;

          if (c == NULL)
            return g_strdup (_("missing: no Condition of the patient qualifies as the diagnosis"));
          return g_strdup_printf (_("the primary diagnosis: %s"), name);
        }
      if (var->type == CS_VARIABLE_BOOLEAN)
        return explain_condition_flag (self, var, row);
    }
  if (g_strcmp0 (var->group, "Patient") == 0 && g_str_equal (var->key, "deceased"))
    return explain_deceased_element (self, row);
  if (g_strcmp0 (var->group, "Survival") == 0 && g_str_equal (var->key, "os") && var->type == CS_VARIABLE_SURVIVAL)
    return explain_os (self, var, row);
  return NULL;
}

guint8 *
cs_store_dup_rows_with_conditions (CsStore *self)
{
  guint8 *has;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (self->finished, NULL);

  has = g_new0 (guint8, MAX (self->rows->len, 1));
  for (guint i = 0; i < self->conditions->len; i++)
    {
      gint32 row = g_array_index (self->resources, CsResource,
                                  g_array_index (self->conditions, CsConditionFact, i).resource).row;

      if (row >= 0)
        has[row] = 1;
    }
  return has;
}

guint
cs_store_count_patients_without_conditions (CsStore *self)
{
  g_autofree guint8 *has = NULL;
  guint n = 0;

  g_return_val_if_fail (CS_IS_STORE (self), 0);
  g_return_val_if_fail (self->finished, 0);

  has = cs_store_dup_rows_with_conditions (self);
  for (guint r = 0; r < self->rows->len; r++)
    n += !has[r];
  return n;
}
