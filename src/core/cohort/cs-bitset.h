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

G_END_DECLS
