/* cs-store-keys.c: the labels and keys of variables
 *
 * Saved cohorts and scripts name variables by key, so a key must come from
 * the variable itself, never from the order of the input: the text and
 * display a code comes with are voted over the loaded patients' values,
 * and keys that two variables would share are told apart by their codes
 * (docs/VARIABLES.md, "Keys").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-store-private.h"

#define MAX_KEY_LENGTH 60
#define HASH_SUFFIX_LENGTH 6

/* ---------------------------------------------------------------- votes */

static void
count_vote (GHashTable *counts,
            const char *str,
            guint       n)
{
  if (str != NULL && n > 0)
    g_hash_table_insert (counts, (gpointer) str,
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, str)) + n));
}

/* Alphabetical ignoring case, then byte order: a total order */
static int
compare_alphabetical (const char *a,
                      const char *b)
{
  int cmp = g_ascii_strcasecmp (a, b);

  return cmp != 0 ? cmp : strcmp (a, b);
}

/* The most frequent string (interned: counted by pointer); ties: the first
 * alphabetically. NULL when there is none. */
static const char *
vote_winner (GHashTable *counts)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *best = NULL;
  guint best_n = 0;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint n = GPOINTER_TO_UINT (value);

      if (best == NULL || n > best_n || (n == best_n && compare_alphabetical (key, best) < 0))
        {
          best = key;
          best_n = n;
        }
    }
  return best;
}

static const char *
concept_code (CsConcept *concept)
{
  const char *code, *bar;

  if (concept->codes->len == 0)
    return NULL;
  code = g_ptr_array_index (concept->codes, 0);
  bar = strchr (code, '|');
  return bar != NULL ? bar + 1 : code;
}

void
cs_store_vote_names (CsStore   *self,
                     CsConcept *concept)
{
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GHashTable) displays = NULL;
  const char *text, *display, *code = concept_code (concept);

  if (concept->wk_key != NULL || concept->facts->len == 0)
    return;

  texts = g_hash_table_new (g_direct_hash, g_direct_equal);
  displays = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (concept->is_condition)
    {
      /* the display (else text) each Condition gave its code */
      for (guint i = 0; i < concept->facts->len; i++)
        count_vote (displays, g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i)).display, 1);
      if ((display = vote_winner (displays)) != NULL)
        {
          g_free (concept->label);
          concept->label = g_strdup (display);
        }
      return;
    }

  if (concept->hints != NULL)
    {
      g_autofree guint *per_hint = g_new0 (guint, concept->hints->len + 1);

      for (guint i = 0; i < concept->facts->len; i++)
        {
          guint16 hint = g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i)).hint;

          if (hint != CS_HINT_NONE)
            per_hint[hint]++;
        }
      for (guint h = 0; h < concept->hints->len; h++)
        {
          const CsHint *pair = &g_array_index (concept->hints, CsHint, h);

          count_vote (texts, pair->text, per_hint[h]);
          count_vote (displays, pair->display, per_hint[h]);
        }
    }
  text = vote_winner (texts);
  display = vote_winner (displays);
  if (text == NULL && display == NULL && code == NULL)
    return;   /* no votes: keep what the first value said */

  g_free (concept->label);
  g_free (concept->key_hint);
  concept->label = g_strdup (display != NULL ? display : text != NULL ? text : code);
  concept->key_hint = g_strdup (text != NULL ? text : display != NULL ? display : code);

  /* radiomics volume features, for the largest-lesion rollup */
  concept->is_volume = (code != NULL && (strstr (code, "MeshVolume") != NULL || strstr (code, "VoxelVolume") != NULL))
                       || strstr (concept->key_hint, "MeshVolume") != NULL
                       || strstr (concept->key_hint, "VoxelVolume") != NULL;
}

const char **
cs_store_vote_level_displays (CsStore   *self,
                              CsConcept *concept)
{
  guint n = concept->levels->len;
  const char **best = g_new0 (const char *, MAX (n, 1));
  g_autofree gboolean *differ = g_new0 (gboolean, MAX (n, 1));
  gboolean any = FALSE;

  /* most levels come with one display: vote only where they differ */
  for (guint i = 0; i < concept->facts->len; i++)
    {
      const CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));

      if (fact->kind != CS_FACT_CATEGORICAL || fact->level < 0 || fact->display == NULL)
        continue;
      if (best[fact->level] == NULL)
        best[fact->level] = fact->display;
      else if (best[fact->level] != fact->display)
        differ[fact->level] = any = TRUE;
    }
  for (guint level = 0; any && level < n; level++)
    {
      g_autoptr(GHashTable) counts = NULL;

      if (!differ[level])
        continue;
      counts = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint i = 0; i < concept->facts->len; i++)
        {
          const CsFact *fact = &g_array_index (self->facts, CsFact, g_array_index (concept->facts, guint32, i));

          if (fact->kind == CS_FACT_CATEGORICAL && fact->level == (gint32) level)
            count_vote (counts, fact->display, 1);
        }
      best[level] = vote_winner (counts);
    }
  return best;
}

/* ---------------------------------------------------------------- keys */

static void
append_slug (GString    *key,
             const char *text,
             gboolean    allow_dot,
             gsize       max_length)
{
  for (const char *p = text; p != NULL && *p != '\0' && key->len < max_length; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c) || (allow_dot && c == '.'))
        g_string_append_c (key, c);
      else if (key->len > 0 && key->str[key->len - 1] != '_')
        g_string_append_c (key, '_');
    }
  while (key->len > 0 && (key->str[key->len - 1] == '_' || key->str[key->len - 1] == '.'))
    g_string_truncate (key, key->len - 1);
}

char *
cs_store_slug (const char *text)
{
  GString *slug = g_string_new (NULL);

  append_slug (slug, text, FALSE, MAX_KEY_LENGTH);
  return g_string_free (slug, FALSE);
}

/* "Body Height" → body_height: lower case, runs of other characters than
 * a-z, 0-9 (and . for conditions) one _, none at either end, at most 60
 * characters; a leading digit gets an underscore: "8302-2" → _8302_2. */
static char *
derive_key (const char *hint,
            gboolean    allow_dot)
{
  GString *key = g_string_new (NULL);

  append_slug (key, hint, allow_dot, MAX_KEY_LENGTH);
  if (key->len == 0)
    g_string_append (key, "variable");
  if (g_ascii_isdigit (key->str[0]))
    g_string_prepend_c (key, '_');
  return g_string_free (key, FALSE);
}

static char *
wanted_key (CsConcept *concept)
{
  g_autofree char *key = NULL;

  /* a child of a child (a method's values in a second unit): each adds its suffix */
  if (concept->parent != NULL)
    {
      key = wanted_key (concept->parent);
      return g_strconcat (key, "_", concept->key_suffix, NULL);
    }
  return concept->wk_key != NULL ? g_strdup (concept->wk_key) : derive_key (concept->key_hint, concept->is_condition);
}

/* The suffix that tells a key apart from another variable's: its code, then
 * a hash of its identity. */
static char *
disambiguate (CsConcept  *concept,
              const char *key,
              guint       round)
{
  const char *code = concept_code (concept);
  g_autofree char *slug = code != NULL ? cs_store_slug (code) : NULL;
  g_autofree char *hash = NULL;

  if (round == 0 && slug != NULL && *slug != '\0' && !g_str_has_suffix (key, slug))
    return g_strconcat (key, "_", slug, NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, concept->id, -1);
  hash[HASH_SUFFIX_LENGTH] = '\0';
  return g_strconcat (key, "_", hash, NULL);
}

static int
compare_concept_ids (gconstpointer a,
                     gconstpointer b)
{
  return strcmp ((*(CsConcept * const *) a)->id, (*(CsConcept * const *) b)->id);
}

void
cs_store_assign_keys (CsStore   *self,
                      GPtrArray *built)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  /* the same concepts give the same keys in any order: walk them by id */
  g_ptr_array_sort (built, compare_concept_ids);

  for (guint i = 0; i < built->len; i++)
    {
      CsConcept *concept = g_ptr_array_index (built, i);
      CsVariable *var = concept->variable;

      if (concept->wk_key != NULL && concept->parent == NULL)
        {
          var->key = g_strdup (concept->wk_key);
          g_hash_table_add (taken, var->key);
        }
      else
        {
          var->key = wanted_key (concept);
          g_ptr_array_add (pending, concept);
        }
    }

  /* A key two variables want, or a reserved one, goes to neither: each
   * adds its code, then (still shared) a hash of its identity. */
  for (guint round = 0; pending->len > 0; round++)
    {
      g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GPtrArray) again = g_ptr_array_new ();

      for (guint i = 0; i < pending->len; i++)
        {
          CsVariable *var = ((CsConcept *) g_ptr_array_index (pending, i))->variable;

          g_hash_table_insert (wanted, var->key,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (wanted, var->key)) + 1));
        }
      for (guint i = 0; i < pending->len; i++)
        {
          CsConcept *concept = g_ptr_array_index (pending, i);
          CsVariable *var = concept->variable;

          if (round < 2 && (GPOINTER_TO_UINT (g_hash_table_lookup (wanted, var->key)) > 1
                            || g_hash_table_contains (taken, var->key) || cs_store_key_is_reserved (var->key)))
            g_ptr_array_add (again, concept);
          else if (round >= 2 && g_hash_table_contains (taken, var->key))
            g_ptr_array_add (again, concept);   /* a hash collision: number it (ordered by id) */
          else
            g_hash_table_add (taken, var->key);
        }
      for (guint i = 0; i < again->len; i++)
        {
          CsConcept *concept = g_ptr_array_index (again, i);
          CsVariable *var = concept->variable;
          char *key = round < 2 ? disambiguate (concept, var->key, round)
                                : g_strdup_printf ("%s_%u", var->key, round);

          g_free (var->key);
          var->key = key;
        }
      g_ptr_array_set_size (pending, 0);
      g_ptr_array_extend (pending, again, NULL, NULL);
    }
}
