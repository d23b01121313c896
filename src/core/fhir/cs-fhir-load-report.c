/* cs-fhir-load-report.c: what a cohort load from a server fetched, and what not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-fhir-load-report.h"
#include "cs-fhir-private.h"

struct _CsFhirLoadReport
{
  CsFhirTypeChoice  choice;
  char             *metadata_problem;
  GPtrArray        *searched;       /* char*: types asked of the server, Patient first */
  GPtrArray        *left_out;       /* char*: compartment types not searched */
  GHashTable       *refused;        /* type -> the server's answer */
  GHashTable       *counts;         /* type -> guint64* (written by the parser thread only) */
  GPtrArray        *incomplete;     /* char*, NULL-terminated */
  gboolean          cache_skipped;
};

CsFhirLoadReport *
cs_fhir_load_report_new (void)
{
  CsFhirLoadReport *report = g_new0 (CsFhirLoadReport, 1);

  report->searched = g_ptr_array_new_with_free_func (g_free);
  report->left_out = g_ptr_array_new_with_free_func (g_free);
  report->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  report->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  report->incomplete = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (report->incomplete, NULL);
  return report;
}

void
cs_fhir_load_report_free (CsFhirLoadReport *report)
{
  if (report == NULL)
    return;
  g_free (report->metadata_problem);
  g_ptr_array_unref (report->searched);
  g_ptr_array_unref (report->left_out);
  g_hash_table_unref (report->refused);
  g_hash_table_unref (report->counts);
  g_ptr_array_unref (report->incomplete);
  g_free (report);
}

void
cs_fhir_load_report_set_types (CsFhirLoadReport   *report,
                               CsFhirTypeChoice    choice,
                               const char         *metadata_problem,
                               const char * const *searched,
                               const char * const *compartment)
{
  report->choice = choice;
  g_free (report->metadata_problem);
  report->metadata_problem = g_strdup (metadata_problem);
  g_ptr_array_set_size (report->searched, 0);
  g_ptr_array_set_size (report->left_out, 0);
  g_ptr_array_add (report->searched, g_strdup ("Patient"));
  for (guint i = 0; searched[i] != NULL; i++)
    if (!g_str_equal (searched[i], "Patient"))
      g_ptr_array_add (report->searched, g_strdup (searched[i]));
  for (guint i = 0; compartment[i] != NULL; i++)
    if (!g_strv_contains (searched, compartment[i]))
      g_ptr_array_add (report->left_out, g_strdup (compartment[i]));
}

void
cs_fhir_load_report_add_count (CsFhirLoadReport *report,
                               const char       *type)
{
  guint64 *count = g_hash_table_lookup (report->counts, type);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (report->counts, g_strdup (type), count);
    }
  (*count)++;
}

void
cs_fhir_load_report_refuse (CsFhirLoadReport *report,
                            const char       *type,
                            const char       *why)
{
  if (!g_hash_table_contains (report->refused, type))
    g_hash_table_insert (report->refused, g_strdup (type), g_strdup (why));
}

gboolean
cs_fhir_load_report_is_refused (const CsFhirLoadReport *report,
                                const char             *type)
{
  return report != NULL && g_hash_table_contains (report->refused, type);
}

void
cs_fhir_load_report_add_incomplete (CsFhirLoadReport *report,
                                    char             *sentence)
{
  /* keep the array NULL-terminated */
  g_ptr_array_insert (report->incomplete, (gint) report->incomplete->len - 1, sentence);
}

void
cs_fhir_load_report_set_cache_skipped (CsFhirLoadReport *report)
{
  report->cache_skipped = TRUE;
}

CsFhirTypeChoice
cs_fhir_load_report_get_type_choice (const CsFhirLoadReport *report)
{
  g_return_val_if_fail (report != NULL, CS_FHIR_TYPES_ASKED);
  return report->choice;
}

const char *
cs_fhir_load_report_get_metadata_problem (const CsFhirLoadReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->metadata_problem;
}

static int
compare_types (gconstpointer a,
               gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;

  if (g_str_equal (x, "Patient") || g_str_equal (y, "Patient"))
    return g_str_equal (y, "Patient") - g_str_equal (x, "Patient");
  return strcmp (x, y);
}

static gboolean
has_status (const CsFhirLoadReport *report,
            const char             *type,
            gboolean                searched,
            CsFhirTypeStatus        status)
{
  gboolean refused = g_hash_table_contains (report->refused, type);

  switch (status)
    {
    case CS_FHIR_TYPE_SEARCHED:
      return searched && !refused;
    case CS_FHIR_TYPE_REFUSED:
      return searched && refused;
    case CS_FHIR_TYPE_NOT_DECLARED:
      return !searched && report->choice == CS_FHIR_TYPES_DECLARED;
    case CS_FHIR_TYPE_NOT_ASKED:
      return !searched && report->choice == CS_FHIR_TYPES_ASKED;
    default:
      return FALSE;
    }
}

GStrv
cs_fhir_load_report_dup_types (const CsFhirLoadReport *report,
                               CsFhirTypeStatus        status)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  GPtrArray *lists[] = { report->searched, report->left_out };

  g_return_val_if_fail (report != NULL, NULL);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      if (has_status (report, g_ptr_array_index (lists[l], i), l == 0, status))
        g_ptr_array_add (out, g_strdup (g_ptr_array_index (lists[l], i)));
  g_ptr_array_sort (out, compare_types);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

const char *
cs_fhir_load_report_get_refusal (const CsFhirLoadReport *report,
                                 const char             *type)
{
  g_return_val_if_fail (report != NULL, NULL);
  return g_hash_table_lookup (report->refused, type);
}

guint64
cs_fhir_load_report_get_count (const CsFhirLoadReport *report,
                               const char             *type)
{
  const guint64 *count;

  g_return_val_if_fail (report != NULL, 0);
  count = g_hash_table_lookup (report->counts, type);
  return count != NULL ? *count : 0;
}

guint64
cs_fhir_load_report_get_total (const CsFhirLoadReport *report)
{
  GHashTableIter iter;
  gpointer value;
  guint64 total = 0;

  g_return_val_if_fail (report != NULL, 0);
  g_hash_table_iter_init (&iter, report->counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += *(const guint64 *) value;
  return total;
}

gboolean
cs_fhir_load_report_is_complete (const CsFhirLoadReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->incomplete->len == 1;
}

const char * const *
cs_fhir_load_report_get_incomplete (const CsFhirLoadReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return (const char * const *) report->incomplete->pdata;
}

/* "A, B, C" */
static void
append_list (GString            *out,
             const char * const *types)
{
  for (guint i = 0; types[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", types[i]);
}

/* "HTTP 404 Not Found" of "HTTP 404 Not Found: the server's text" */
static char *
refusal_status (const char *why)
{
  const char *text = strstr (why, ": ");

  return g_strndup (why, text != NULL ? (gsize) (text - why) : strlen (why));
}

char *
cs_fhir_load_report_to_string (const CsFhirLoadReport *report)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) searched = NULL;
  g_auto(GStrv) refused = NULL;
  g_auto(GStrv) not_declared = NULL;
  g_auto(GStrv) not_asked = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GHashTable) reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (report != NULL, NULL);

  switch (report->choice)
    {
    case CS_FHIR_TYPES_ASKED:
      g_string_append (out, _("Types: the ones asked for."));
      break;
    case CS_FHIR_TYPES_DECLARED:
      g_string_append (out, _("Types: those of the Patient compartment that the server’s CapabilityStatement declares."));
      break;
    case CS_FHIR_TYPES_NONE_DECLARED:
      g_string_append (out, _("The server’s CapabilityStatement declares no type of the Patient compartment, "
                              "so every one of them was tried."));
      break;
    case CS_FHIR_TYPES_NO_METADATA:
    default:
      g_string_append_printf (out, _("The server has no usable CapabilityStatement (%s), so every type of the "
                                     "Patient compartment was tried."),
                              report->metadata_problem != NULL ? report->metadata_problem : _("no answer"));
      break;
    }

  /* every type loaded, searched for or not (a _revinclude brings its own) */
  g_hash_table_iter_init (&iter, report->counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (loaded, g_strdup (key));
  g_ptr_array_sort (loaded, compare_types);
  g_string_append_c (out, '\n');
  g_string_append (out, _("Loaded:"));
  for (guint i = 0; i < loaded->len; i++)
    {
      const char *type = g_ptr_array_index (loaded, i);

      g_string_append_printf (out, "%s %s %" G_GUINT64_FORMAT, i > 0 ? "," : "", type,
                              cs_fhir_load_report_get_count (report, type));
    }
  if (loaded->len == 0)
    g_string_append_printf (out, " %s", _("nothing"));
  g_string_append_c (out, '.');

  searched = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_SEARCHED);
  for (guint i = 0; searched[i] != NULL; i++)
    if (cs_fhir_load_report_get_count (report, searched[i]) == 0)
      g_ptr_array_add (empty, searched[i]);
  g_ptr_array_add (empty, NULL);
  if (empty->len > 1)
    {
      g_string_append_c (out, '\n');
      g_string_append (out, _("Searched, none on the server: "));
      append_list (out, (const char * const *) empty->pdata);
      g_string_append_c (out, '.');
    }

  not_declared = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_NOT_DECLARED);
  if (not_declared[0] != NULL)
    {
      g_string_append_c (out, '\n');
      g_string_append (out, _("Not fetched, the server does not declare them: "));
      append_list (out, (const char * const *) not_declared);
      g_string_append_c (out, '.');
    }
  not_asked = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_NOT_ASKED);
  if (not_asked[0] != NULL)
    {
      g_string_append_c (out, '\n');
      g_string_append (out, _("Not fetched, not asked for: "));
      append_list (out, (const char * const *) not_asked);
      g_string_append_c (out, '.');
    }

  /* refused types, one line per HTTP status (servers often name the type
   * in their text: that of the first stands for the others) */
  refused = cs_fhir_load_report_dup_types (report, CS_FHIR_TYPE_REFUSED);
  for (guint i = 0; refused[i] != NULL; i++)
    {
      const char *why = cs_fhir_load_report_get_refusal (report, refused[i]);
      const char *text = strstr (why, ": ");
      g_autofree char *status = refusal_status (why);
      g_autoptr(GPtrArray) same = NULL;
      g_autoptr(GString) list = g_string_new (NULL);

      if (g_hash_table_contains (reasons, status))
        continue;
      same = g_ptr_array_new ();
      for (guint j = i; refused[j] != NULL; j++)
        {
          g_autofree char *other = refusal_status (cs_fhir_load_report_get_refusal (report, refused[j]));

          if (g_str_equal (other, status))
            g_ptr_array_add (same, refused[j]);
        }
      g_ptr_array_add (same, NULL);
      append_list (list, (const char * const *) same->pdata);
      g_string_append_c (out, '\n');
      if (text != NULL)
        /* Translators: "Not fetched, the server refused the search with HTTP 404 Not Found: Media, Flag
         * (for Media it said “Unknown resource type”)." */
        g_string_append_printf (out, _("Not fetched, the server refused the search with %s: %s (for %s it said “%s”)."),
                                status, list->str, refused[i], text + 2);
      else
        /* Translators: "Not fetched, the server refused the search with HTTP 404 Not Found: Media, Flag." */
        g_string_append_printf (out, _("Not fetched, the server refused the search with %s: %s."), status, list->str);
      g_hash_table_add (reasons, g_steal_pointer (&status));
    }

  for (guint i = 0; i + 1 < report->incomplete->len; i++)
    {
      g_string_append_c (out, '\n');
      /* Translators: %s says which search was cut short and why */
      g_string_append_printf (out, _("Incomplete: %s."), (const char *) g_ptr_array_index (report->incomplete, i));
    }
  if (report->cache_skipped)
    {
      g_string_append_c (out, '\n');
      g_string_append (out, _("The offline copy was not updated, since the load is incomplete."));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The report of an async load rides on the store it made */
static GQuark
report_quark (void)
{
  return g_quark_from_static_string ("cs-fhir-load-report");
}

void
cs_fhir_store_set_load_report (CsStore          *store,
                               CsFhirLoadReport *report)
{
  g_object_set_qdata_full (G_OBJECT (store), report_quark (), report,
                           (GDestroyNotify) cs_fhir_load_report_free);
}

const CsFhirLoadReport *
cs_fhir_store_get_load_report (CsStore *store)
{
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  return g_object_get_qdata (G_OBJECT (store), report_quark ());
}
