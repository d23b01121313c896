/* cs-bitset.h: fixed-size bit sets over patient rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint    n_bits;
  guint    n_words;
  guint64 *words;
} CsBitset;

CsBitset *cs_bitset_new        (guint           n_bits);  /* all clear */
CsBitset *cs_bitset_new_full   (guint           n_bits);  /* all set */
CsBitset *cs_bitset_copy       (const CsBitset *self);
void      cs_bitset_free       (CsBitset       *self);
void      cs_bitset_set        (CsBitset       *self, guint bit);
void      cs_bitset_clear      (CsBitset       *self, guint bit);
gboolean  cs_bitset_get        (const CsBitset *self, guint bit);
void      cs_bitset_and        (CsBitset       *self, const CsBitset *other);
void      cs_bitset_or         (CsBitset       *self, const CsBitset *other);
void      cs_bitset_andnot     (CsBitset       *self, const CsBitset *other);   /* self &= ~other */
void      cs_bitset_fill       (CsBitset       *self, gboolean value);
guint     cs_bitset_count      (const CsBitset *self);
gboolean  cs_bitset_equal      (const CsBitset *a, const CsBitset *b);
GArray   *cs_bitset_to_rows    (const CsBitset *self);    /* guint row indices, ascending */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBitset, cs_bitset_free)

/* Iteration over the set bits in ascending order, a word at a time: one
 * count-trailing-zeros per set bit and a load per word. */
typedef struct
{
  const guint64 *words;
  guint          n_words;
  guint          word;
  guint64        bits;     /* the bits of words[word] not returned yet */
} CsBitsetIter;

static inline CsBitsetIter
cs_bitset_iter_make (const CsBitset *set)
{
  CsBitsetIter iter = { set->words, set->n_words, 0, set->n_words > 0 ? set->words[0] : 0 };

  return iter;
}

/* Stores the next set bit in *bit; FALSE when none is left. */
static inline gboolean
cs_bitset_iter_next (CsBitsetIter *iter,
                     guint        *bit)
{
  while (iter->bits == 0)
    {
      if (++iter->word >= iter->n_words)
        return FALSE;
      iter->bits = iter->words[iter->word];
    }
  *bit = iter->word * 64 + (guint) __builtin_ctzll (iter->bits);
  iter->bits &= iter->bits - 1;
  return TRUE;
}

/* Runs the statement that follows once per set bit of set (a CsBitset *,
 * not NULL) in ascending order, with bit (a guint the macro declares)
 * holding its index:
 *
 *   CS_BITSET_FOREACH (rows, row)
 *     sum += column[row];
 *
 * break and continue work as in a for loop. The set must not change during
 * the loop. (The outer loop only declares bit and runs once.) */
#define CS_BITSET_FOREACH(set, bit)                                               \
  for (guint bit = 0, bit##_once_ = 1; bit##_once_; bit##_once_ = 0)              \
    for (CsBitsetIter bit##_iter_ = cs_bitset_iter_make (set);                    \
         cs_bitset_iter_next (&bit##_iter_, &bit); )

G_END_DECLS
