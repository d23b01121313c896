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

/* Runs the statement that follows once per set bit of set (a CsBitset *,
 * not NULL) in ascending order, with bit (a guint the macro declares)
 * holding its index:
 *
 *   CS_BITSET_FOREACH (rows, row)
 *     sum += column[row];
 *
 * break and continue work as in a for loop. The set must not change during
 * the loop; set is evaluated once per word.
 *
 * A word at a time: one count-trailing-zeros per set bit, a load per word.
 * Three nested for loops declare the word index and a flag, the bits left
 * in the word, and bit. The flag is clear while the statement runs and set
 * again when it ends normally (or continues); a break leaves it clear,
 * which ends the two outer loops. */
#define CS_BITSET_FOREACH(set, bit)                                                        \
  for (guint bit##_word_ = 0, bit##_go_ = 1; bit##_go_ && bit##_word_ < (set)->n_words; bit##_word_++) \
    for (guint64 bit##_bits_ = (set)->words[bit##_word_]; bit##_go_ && bit##_bits_ != 0; )            \
      for (guint bit = (bit##_go_ = 0, bit##_word_ * 64 + (guint) __builtin_ctzll (bit##_bits_));      \
           !bit##_go_;                                                                     \
           bit##_go_ = 1, bit##_bits_ &= bit##_bits_ - 1)

G_END_DECLS
