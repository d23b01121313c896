/* cs-variable-label.c: labels that tell variables apart
 *
 * A label must be unique within what is shown: two radiomics features
 * called "Contrast" (GLCM and NGTDM) or two eGFR observations (different
 * units or LOINC methods) cannot share one. The store gives every variable
 * a label unique among all its variables once it is built, so the CLI
 * (`variables`, chart exports) and the GUI show the same names:
 *
 *  - radiomics features: the radiomics module's label, class + feature
 *    (+ image filter when not "original"): "GLCM Contrast", "Wavelet HLH ·
 *    GLRLM Gray Level Non-Uniformity";
 *  - labels still shared: the unit for reading ("eGFR (mL/min/1.73 m²)"),
 *    else the code ("eGFR · 62238-1"), else the key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-radiomics.h"
#include "cs-ucum-display.h"
#include "cs-variable.h"

/* The code part of "system|code" */
static const char *
code_part (const char *system_code)
{
  const char *bar = system_code != NULL ? strchr (system_code, '|') : NULL;

  return bar != NULL ? bar + 1 : system_code;
}

char *
cs_variable_radiomics_label (const CsVariable *var)
{
  g_return_val_if_fail (var != NULL, NULL);

  if (g_strcmp0 (var->group, "Radiomics") != 0)
    return NULL;

  /* the code (pyradiomics' column name), else the key, else the label */
  for (guint i = 0; i < (var->codes != NULL ? var->codes->len : 0) + 2; i++)
    {
      const char *candidate;
      CsRadiomicsName *name;
      char *label;

      if (var->codes != NULL && i < var->codes->len)
        candidate = code_part (g_ptr_array_index (var->codes, i));
      else if (i == (var->codes != NULL ? var->codes->len : 0))
        candidate = var->key;
      else
        candidate = var->label;
      if (candidate == NULL || *candidate == '\0')
        continue;
      name = cs_radiomics_parse (candidate, CS_RADIOMICS_CLASS_NONE, NULL);
      if (name == NULL)
        continue;
      label = name->kind == CS_RADIOMICS_KIND_FEATURE && name->label != NULL ? g_strdup (name->label) : NULL;
      cs_radiomics_name_free (name);
      if (label != NULL)
        return label;
    }
  return NULL;
}

/* Labels of vars[indices] made unique among themselves with suffix(var):
 * TRUE when the suffixed labels are pairwise different. */
typedef char *(*SuffixFunc) (const CsVariable *var, const char *label);

static char *
suffix_unit (const CsVariable *var,
             const char       *label)
{
  g_autofree char *shown = cs_ucum_display (var->unit);

  if (*shown == '\0')
    return NULL;
  return g_strdup_printf ("%s (%s)", label, shown);
}

static char *
suffix_code (const CsVariable *var,
             const char       *label)
{
  const char *code;

  if (var->codes == NULL || var->codes->len == 0)
    return NULL;
  code = code_part (g_ptr_array_index (var->codes, 0));
  if (code == NULL || *code == '\0')
    return NULL;
  return g_strdup_printf ("%s · %s", label, code);
}

static char *
suffix_key (const CsVariable *var,
            const char       *label)
{
  return g_strdup_printf ("%s · %s", label, var->key);
}

static gboolean
try_suffix (CsVariable **vars,
            GArray      *members,
            SuffixFunc   suffix,
            GHashTable  *taken)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < members->len; i++)
    {
      CsVariable *var = vars[g_array_index (members, guint, i)];
      char *label = suffix (var, var->label);
      g_autofree char *folded = NULL;

      if (label == NULL)
        return FALSE;
      g_ptr_array_add (labels, label);
      folded = g_utf8_casefold (label, -1);
      if (g_hash_table_contains (seen, folded) || g_hash_table_contains (taken, folded))
        return FALSE;
      g_hash_table_add (seen, g_steal_pointer (&folded));
    }
  for (guint i = 0; i < members->len; i++)
    {
      CsVariable *var = vars[g_array_index (members, guint, i)];

      g_free (var->label);
      var->label = g_strdup (g_ptr_array_index (labels, i));
      g_hash_table_add (taken, g_utf8_casefold (var->label, -1));
    }
  return TRUE;
}

void
cs_variables_make_labels_unique (CsVariable **vars,
                                 guint        n)
{
  static const SuffixFunc suffixes[] = { suffix_unit, suffix_code, suffix_key };
  g_autoptr(GHashTable) by_label = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      CsVariable *var = vars[i];
      g_autofree char *radiomics = cs_variable_radiomics_label (var);
      g_autofree char *folded = NULL;
      GArray *members;

      if (radiomics != NULL)
        {
          g_free (var->label);
          var->label = g_steal_pointer (&radiomics);
        }
      else if (var->label == NULL || *var->label == '\0')
        {
          g_free (var->label);
          var->label = g_strdup (var->key);
        }
      folded = g_utf8_casefold (var->label, -1);
      if ((members = g_hash_table_lookup (by_label, folded)) == NULL)
        {
          members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_ptr_array_add (order, g_strdup (folded));
          g_hash_table_insert (by_label, g_steal_pointer (&folded), members);
        }
      g_array_append_val (members, i);
    }

  /* labels held once are taken as they are */
  for (guint k = 0; k < order->len; k++)
    {
      GArray *members = g_hash_table_lookup (by_label, g_ptr_array_index (order, k));

      if (members->len == 1)
        g_hash_table_add (taken, g_strdup (g_ptr_array_index (order, k)));
    }
  for (guint k = 0; k < order->len; k++)
    {
      GArray *members = g_hash_table_lookup (by_label, g_ptr_array_index (order, k));

      if (members->len < 2)
        continue;
      for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
        if (try_suffix (vars, members, suffixes[s], taken))
          break;
    }
}

char *
cs_label_ellipsize_middle (const char *label,
                           guint       max_chars)
{
  glong len;
  guint head, tail;
  const char *head_end, *tail_start;

  if (label == NULL)
    return g_strdup ("");
  len = g_utf8_strlen (label, -1);
  if (max_chars < 3 || (gulong) len <= max_chars)
    return g_strdup (label);

  /* the end names the feature, the start its class: keep both */
  head = (max_chars - 1) / 2;
  tail = max_chars - 1 - head;
  head_end = g_utf8_offset_to_pointer (label, head);
  tail_start = g_utf8_offset_to_pointer (label, len - tail);
  return g_strdup_printf ("%.*s…%s", (int) (head_end - label), label, tail_start);
}

const char *
cs_variable_get_derivation (const CsVariable *var)
{
  g_return_val_if_fail (var != NULL, NULL);

  if (g_str_equal (var->key, "age_at_diagnosis") && g_strcmp0 (var->group, "Condition") == 0)
    return _("Derived: years from the birth date to the start of the primary diagnosis (the Condition’s "
             "onsetDateTime or onsetPeriod.start, else birthDate + onsetAge, else its recordedDate), or its "
             "onsetAge as given");
  if (g_str_equal (var->key, "os") && var->type == CS_VARIABLE_SURVIVAL)
    return _("Derived: survival_time when recorded, else days from the start of the primary diagnosis to "
             "the date of death (event) or to the last date anything was recorded of the patient "
             "(censored); the event from vital_status, else from Patient.deceased[x]");
  if (g_str_equal (var->key, "deceased") && g_strcmp0 (var->group, "Patient") == 0)
    return _("From Patient.deceased[x]: deceasedBoolean, or true with a deceasedDateTime; a Patient "
             "without deceased[x] counts as alive, as FHIR advises");
  if (g_str_equal (var->key, "death_date") && g_strcmp0 (var->group, "Patient") == 0)
    return _("From Patient.deceasedDateTime");
  if (g_str_equal (var->key, "birth_date") && g_strcmp0 (var->group, "Patient") == 0)
    return _("From Patient.birthDate");
  if (g_str_equal (var->key, "diagnosis") && g_strcmp0 (var->group, "Condition") == 0)
    return _("Derived: the code of the primary diagnosis, the patient’s active cancer Condition "
             "(else the first Condition)");
  if (g_str_equal (var->key, "n_imaging_studies") && g_strcmp0 (var->group, "Imaging") == 0)
    return _("Derived: the patient’s ImagingStudy resources, counted (0 when none)");
  if (var->type == CS_VARIABLE_BOOLEAN && g_strcmp0 (var->group, "Condition") == 0)
    /* the coverage of such a column counts everyone: false is "none recorded" */
    return _("Derived: true when the patient has a Condition with this code; false when the sources "
             "hold none for the patient, which means no such Condition was recorded, not that it is known "
             "to be absent");
  return NULL;
}

char *
cs_variable_describe (const CsVariable *var)
{
  GString *out;
  const char *derivation;

  g_return_val_if_fail (var != NULL, NULL);

  out = g_string_new (var->label != NULL ? var->label : var->key);
  /* Translators: the variable's key in its tooltip */
  g_string_append_printf (out, "\n%s %s", _("Key:"), var->key);
  if (var->codes != NULL && var->codes->len > 0)
    {
      g_string_append_printf (out, "\n%s ", g_dngettext (GETTEXT_PACKAGE, "Code:", "Codes:", var->codes->len));
      for (guint i = 0; i < var->codes->len; i++)
        g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (var->codes, i));
    }
  if (var->unit != NULL && *var->unit != '\0')
    {
      g_autofree char *unit = cs_ucum_describe (var->unit);

      if (*unit != '\0')
        g_string_append_printf (out, "\n%s %s", _("Unit:"), unit);
    }
  if ((derivation = cs_variable_get_derivation (var)) != NULL)
    g_string_append_printf (out, "\n%s", derivation);
  return g_string_free (out, FALSE);
}

char *
cs_variable_caption (const char       *role,
                     const CsVariable *var)
{
  g_autofree char *shown = NULL;
  g_autofree char *unit = NULL;
  const char *label;

  g_return_val_if_fail (var != NULL, NULL);

  label = var->label != NULL && *var->label != '\0' ? var->label : var->key;
  shown = var->type != CS_VARIABLE_DATE ? cs_ucum_display (var->unit) : g_strdup ("");
  if (*shown == '\0')
    unit = g_strdup ("");
  else if (g_str_equal (shown, var->unit))
    unit = g_strdup_printf ("%s; ", shown);
  else
    /* Translators: a unit for reading and its UCUM code in a chart's caption: "mm³, UCUM mm3; " */
    unit = g_strdup_printf (_("%s, UCUM %s; "), shown, var->unit);
  if (role == NULL || *role == '\0')
    /* Translators: a variable in a chart's caption: "Age (years, UCUM a; key age)" */
    return g_strdup_printf (_("%s (%skey %s)"), label, unit, var->key);
  /* Translators: a chart's variable in its caption: "x: Age (years, UCUM a; key age)" */
  return g_strdup_printf (_("%s: %s (%skey %s)"), role, label, unit, var->key);
}

/* The caption of a time variable drawn in another unit than its own (the
 * user's "Time in" choice): "time: Overall survival (days, UCUM d; key os),
 * shown in months". shown_ucum NULL or the variable's own unit: as
 * cs_variable_caption(). */
char *
cs_variable_caption_shown_in (const char       *role,
                              const CsVariable *var,
                              const char       *shown_ucum)
{
  g_autofree char *caption = cs_variable_caption (role, var);
  g_autofree char *shown = NULL;

  g_return_val_if_fail (var != NULL, NULL);

  if (shown_ucum == NULL || g_strcmp0 (shown_ucum, var->unit != NULL ? var->unit : "d") == 0)
    return g_steal_pointer (&caption);
  shown = cs_ucum_display (shown_ucum);
  /* Translators: a time variable's caption and the unit its chart uses:
   * "time: Overall survival (days, UCUM d; key os), shown in months" */
  return g_strdup_printf (_("%s, shown in %s"), caption, shown);
}
