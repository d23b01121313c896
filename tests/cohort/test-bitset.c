/* test-bitset.c: CS_BITSET_FOREACH against a bit-by-bit reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-bitset.h"

/* The set bits of set found one bit at a time with cs_bitset_get() */
static GArray *
reference_rows (const CsBitset *set)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < set->n_bits; i++)
    if (cs_bitset_get (set, i))
      g_array_append_val (rows, i);
  return rows;
}

static GArray *
foreach_rows (const CsBitset *set)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));

  CS_BITSET_FOREACH (set, row)
    g_array_append_val (rows, row);
  return rows;
}

static void
assert_same_rows (GArray *a,
                  GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpuint (g_array_index (a, guint, i), ==, g_array_index (b, guint, i));
}

static void
test_foreach_patterns (void)
{
  static const guint sizes[] = { 0, 1, 63, 64, 65, 127, 128, 129, 1000 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint pattern = 0; pattern < 6; pattern++)
      {
        guint n = sizes[s];
        g_autoptr(CsBitset) set = cs_bitset_new (n);
        g_autoptr(GArray) expected = NULL;
        g_autoptr(GArray) got = NULL;
        g_autoptr(GArray) to_rows = NULL;

        for (guint i = 0; i < n; i++)
          {
            gboolean on;

            switch (pattern)
              {
              case 0: on = FALSE; break;                              /* empty */
              case 1: on = TRUE; break;                               /* full */
              case 2: on = i % 3 == 1; break;
              case 3: on = i % 64 == 0 || i % 64 == 63; break;        /* word edges */
              case 4: on = i == n - 1; break;                         /* only the last bit */
              default: on = (i / 64) % 2 == 1; break;                 /* every other word empty */
              }
            if (on)
              cs_bitset_set (set, i);
          }

        expected = reference_rows (set);
        got = foreach_rows (set);
        assert_same_rows (expected, got);
        to_rows = cs_bitset_to_rows (set);
        assert_same_rows (expected, to_rows);
      }
}

static void
test_foreach_break_continue (void)
{
  g_autoptr(CsBitset) set = cs_bitset_new (300);
  guint seen = 0, last = 0, sum = 0;
  guint after = 0;

  for (guint i = 5; i < 300; i += 10)
    cs_bitset_set (set, i);

  /* break leaves the loop at once, the statement after it runs once */
  CS_BITSET_FOREACH (set, row)
    {
      seen++;
      last = row;
      if (seen == 3)
        break;
    }
  after++;
  g_assert_cmpuint (seen, ==, 3);
  g_assert_cmpuint (last, ==, 25);
  g_assert_cmpuint (after, ==, 1);

  /* continue moves on to the next bit */
  seen = 0;
  CS_BITSET_FOREACH (set, row)
    {
      seen++;
      if (row % 20 == 5)
        continue;
      sum += row;
    }
  g_assert_cmpuint (seen, ==, 30);
  /* 15, 35, …, 295: 15 terms */
  g_assert_cmpuint (sum, ==, 15 * (15 + 295) / 2);
}

static void
test_foreach_nested (void)
{
  g_autoptr(CsBitset) a = cs_bitset_new (70);
  g_autoptr(CsBitset) b = cs_bitset_new (130);
  guint pairs = 0, weighted = 0;

  cs_bitset_set (a, 0);
  cs_bitset_set (a, 69);
  cs_bitset_set (b, 64);
  cs_bitset_set (b, 65);
  cs_bitset_set (b, 129);

  CS_BITSET_FOREACH (a, i)
    CS_BITSET_FOREACH (b, j)
      {
        pairs++;
        weighted += i * 1000 + j;
      }
  g_assert_cmpuint (pairs, ==, 6);
  g_assert_cmpuint (weighted, ==, (0 + 0 + 0 + 69000 * 3) + 2 * (64 + 65 + 129));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bitset/foreach/patterns", test_foreach_patterns);
  g_test_add_func ("/bitset/foreach/break-continue", test_foreach_break_continue);
  g_test_add_func ("/bitset/foreach/nested", test_foreach_nested);

  return g_test_run ();
}
