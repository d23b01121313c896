/* cs-bitset.c: fixed-size bit sets over patient rows
 *
 * Bits past n_bits in the last word are always kept clear, so count, equal
 * and to_rows never see them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-bitset.h"

static inline guint64
last_word_mask (const CsBitset *self)
{
  guint rest = self->n_bits % 64;

  return rest == 0 ? G_MAXUINT64 : (((guint64) 1 << rest) - 1);
}

static inline void
trim_tail (CsBitset *self)
{
  if (self->n_words > 0)
    self->words[self->n_words - 1] &= last_word_mask (self);
}

CsBitset *
cs_bitset_new (guint n_bits)
{
  CsBitset *self = g_new0 (CsBitset, 1);

  self->n_bits = n_bits;
  self->n_words = (guint) (((guint64) n_bits + 63) / 64);
  self->words = g_new0 (guint64, MAX (self->n_words, 1));

  return self;
}

CsBitset *
cs_bitset_new_full (guint n_bits)
{
  CsBitset *self = cs_bitset_new (n_bits);

  cs_bitset_fill (self, TRUE);

  return self;
}

CsBitset *
cs_bitset_copy (const CsBitset *self)
{
  CsBitset *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = cs_bitset_new (self->n_bits);
  if (self->n_words > 0)
    memcpy (copy->words, self->words, self->n_words * sizeof (guint64));

  return copy;
}

void
cs_bitset_free (CsBitset *self)
{
  if (self == NULL)
    return;

  g_free (self->words);
  g_free (self);
}

void
cs_bitset_set (CsBitset *self,
               guint     bit)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (bit < self->n_bits);

  self->words[bit / 64] |= (guint64) 1 << (bit % 64);
}

void
cs_bitset_clear (CsBitset *self,
                 guint     bit)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (bit < self->n_bits);

  self->words[bit / 64] &= ~((guint64) 1 << (bit % 64));
}

gboolean
cs_bitset_get (const CsBitset *self,
               guint           bit)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (bit >= self->n_bits)
    return FALSE;

  return (self->words[bit / 64] >> (bit % 64)) & 1;
}

void
cs_bitset_and (CsBitset       *self,
               const CsBitset *other)
{
  g_return_if_fail (self != NULL && other != NULL);
  g_return_if_fail (self->n_bits == other->n_bits);

  for (guint i = 0; i < self->n_words; i++)
    self->words[i] &= other->words[i];
}

void
cs_bitset_or (CsBitset       *self,
              const CsBitset *other)
{
  g_return_if_fail (self != NULL && other != NULL);
  g_return_if_fail (self->n_bits == other->n_bits);

  for (guint i = 0; i < self->n_words; i++)
    self->words[i] |= other->words[i];
}

void
cs_bitset_andnot (CsBitset       *self,
                  const CsBitset *other)
{
  g_return_if_fail (self != NULL && other != NULL);
  g_return_if_fail (self->n_bits == other->n_bits);

  for (guint i = 0; i < self->n_words; i++)
    self->words[i] &= ~other->words[i];
}

void
cs_bitset_fill (CsBitset *self,
                gboolean  value)
{
  g_return_if_fail (self != NULL);

  if (self->n_words == 0)
    return;

  memset (self->words, value ? 0xff : 0, self->n_words * sizeof (guint64));
  trim_tail (self);
}

guint
cs_bitset_count (const CsBitset *self)
{
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->n_words; i++)
    count += (guint) __builtin_popcountll (self->words[i]);

  return count;
}

gboolean
cs_bitset_equal (const CsBitset *a,
                 const CsBitset *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->n_bits != b->n_bits)
    return FALSE;
  if (a->n_words == 0)
    return TRUE;

  return memcmp (a->words, b->words, a->n_words * sizeof (guint64)) == 0;
}

GArray *
cs_bitset_to_rows (const CsBitset *self)
{
  GArray *rows;

  g_return_val_if_fail (self != NULL, NULL);

  rows = g_array_sized_new (FALSE, FALSE, sizeof (guint), cs_bitset_count (self));
  CS_BITSET_FOREACH (self, row)
    g_array_append_val (rows, row);

  return rows;
}
