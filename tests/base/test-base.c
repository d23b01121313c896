/* test-base.c: dates and numbers as text (src/core/base)
 *
 * Dates: the day numbers agree with GLib's GDate over its whole range
 * (years 1 to 9999 here), round-trip over ±8,000 years, and every parser
 * refuses malformed text. Numbers: the shortest form reads back as the same
 * double, for chosen and for random values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cs-big-mem.h"
#include "cs-date.h"
#include "cs-io.h"
#include "cs-number.h"
#include "cs-sha256.h"

static void
test_civil (void)
{
  GDate epoch;

  g_date_clear (&epoch, 1);
  g_date_set_dmy (&epoch, 1, G_DATE_JANUARY, 1970);

  g_assert_cmpint (cs_date_days_from_civil (1970, 1, 1), ==, 0);
  g_assert_cmpint (cs_date_days_from_civil (2000, 3, 1), ==, 11017);
  g_assert_cmpint (cs_date_days_from_civil (1, 1, 1), ==, -719162);
  /* a day past the month's end runs on */
  g_assert_cmpint (cs_date_days_from_civil (2023, 2, 29), ==, cs_date_days_from_civil (2023, 3, 1));

  /* every day of years 1 to 9999 as GDate counts it, and back */
  for (gint64 days = -719162; days <= 2932896; days++)
    {
      gint64 y;
      guint m, d;
      GDate date;

      cs_date_civil_from_days (days, &y, &m, &d);
      if ((days + 719162) % 997 == 0)
        {
          g_date_clear (&date, 1);
          g_date_set_julian (&date, (guint32) (days + g_date_get_julian (&epoch)));
          g_assert_cmpint (y, ==, g_date_get_year (&date));
          g_assert_cmpuint (m, ==, g_date_get_month (&date));
          g_assert_cmpuint (d, ==, g_date_get_day (&date));
        }
      g_assert_cmpuint (d, <=, cs_date_days_in_month (y, m));
      g_assert_cmpint (cs_date_days_from_civil (y, m, d), ==, days);
    }
  /* and before year 1 and after 9999, where GDate stops */
  for (gint64 days = -3650000; days <= 3650000; days += 7919)
    {
      gint64 y;
      guint m, d;

      cs_date_civil_from_days (days, &y, &m, &d);
      g_assert_cmpint (cs_date_days_from_civil (y, m, d), ==, days);
    }

  g_assert_true (cs_date_is_leap_year (2000));
  g_assert_true (cs_date_is_leap_year (2024));
  g_assert_false (cs_date_is_leap_year (1900));
  g_assert_false (cs_date_is_leap_year (2023));
  g_assert_cmpuint (cs_date_days_in_month (2024, 2), ==, 29);
  g_assert_cmpuint (cs_date_days_in_month (2100, 2), ==, 28);
  g_assert_cmpuint (cs_date_days_in_month (2023, 12), ==, 31);
  g_assert_cmpuint (cs_date_days_in_month (2023, 4), ==, 30);
}

static void
test_parse (void)
{
  static const char *const bad[] = {
    "", "2019-", "2019-1", "2019-1-01", "2019-13-01", "2019-00-10", "2019-02-30", "2023-02-29",
    "2019-05-01T10", "2019-05-01T10:", "2019-05-01T10:5", "2019-05-01T25:00", "2019-05-01T10:60",
    "2019-05-01T10:00:00.", "2019-05-01T10:00+1:00", "2019-05-01T10:00+15:00", "2019-05-01 ",
    " 2019", "yesterday", "19-05-01", "2019/05/01", "2019-05-01Z", "２０１９",
  };
  double days = 0;

  g_assert_true (cs_date_parse ("1970-01-01", &days));
  g_assert_cmpfloat (days, ==, 0);
  g_assert_true (cs_date_parse ("2019", &days));
  g_assert_cmpfloat (days, ==, 17897);
  g_assert_true (cs_date_parse ("2019-05", &days));
  g_assert_cmpfloat (days, ==, 18017);
  g_assert_true (cs_date_parse ("1970-01-02T12:00:00Z", &days));
  g_assert_cmpfloat (days, ==, 1.5);
  g_assert_true (cs_date_parse ("1970-01-02T12:00:00+12:00", &days));
  g_assert_cmpfloat (days, ==, 1.0);
  g_assert_true (cs_date_parse ("1970-01-01T06:00-06:00", &days));
  g_assert_cmpfloat (days, ==, 0.5);
  g_assert_true (cs_date_parse ("1968-10-11T10:10:39.5+00:00", &days));
  g_assert_cmpfloat_with_epsilon (days, -447 + (10 * 3600 + 10 * 60 + 39.5) / 86400.0, 1e-9);
  g_assert_true (cs_date_parse ("2024-02-29", &days));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (cs_date_parse (bad[i], &days))
      g_error ("cs_date_parse accepted “%s”", bad[i]);
  g_assert_false (cs_date_parse (NULL, &days));
}

static void
test_parse_day (void)
{
  static const char *const bad[] = {
    "", "2020", "2020-01", "2020-01-01T00:00", " 200-01-01", "+200-01-01", "-200-01-01",
    "0000-01-01", "2020-1-01", "2020-01-1", "2020-02-30", "2021-02-29", "2020-13-01", "2020-00-01",
    "2020-01-00", "2020-01-01 ", "2020_01_01", "20200101", "99999-01-01",
  };
  double days = 0;

  g_assert_true (cs_date_parse_day ("2020-02-29", &days));
  g_assert_cmpfloat (days, ==, 18321);
  g_assert_true (cs_date_parse_day ("0001-01-01", &days));
  g_assert_cmpfloat (days, ==, -719162);
  g_assert_true (cs_date_parse_day ("9999-12-31", &days));
  g_assert_cmpfloat (days, ==, 2932896);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (cs_date_parse_day (bad[i], &days))
      g_error ("cs_date_parse_day accepted “%s”", bad[i]);
  g_assert_false (cs_date_parse_day (NULL, &days));
}

static void
test_format (void)
{
  char buf[CS_DATE_BUF_SIZE];
  g_autofree char *text = NULL;

  cs_date_format_buf (0, buf);
  g_assert_cmpstr (buf, ==, "1970-01-01");
  /* the day a date-time falls in, also before 1970 */
  cs_date_format_buf (-0.25, buf);
  g_assert_cmpstr (buf, ==, "1969-12-31");
  cs_date_format_buf (18321.999, buf);
  g_assert_cmpstr (buf, ==, "2020-02-29");
  cs_date_format_buf (-719162, buf);
  g_assert_cmpstr (buf, ==, "0001-01-01");
  cs_date_format_buf (NAN, buf);
  g_assert_cmpstr (buf, ==, "");
  cs_date_format_buf (INFINITY, buf);
  g_assert_cmpstr (buf, ==, "");
  cs_date_format_buf (1.5e9, buf);
  g_assert_cmpstr (buf, ==, "");
  text = cs_date_format (11017.75);
  g_assert_cmpstr (text, ==, "2000-03-01");
}

static void
check_number (double      value,
              const char *expected)
{
  char buf[CS_NUMBER_BUF_SIZE];

  cs_format_double_buf (value, buf);
  g_assert_cmpstr (buf, ==, expected);
}

/* The "created" stamp: UTC to the second, and read back as a FHIR instant */
static void
test_timestamp (void)
{
  double before = floor (g_get_real_time () / (double) G_USEC_PER_SEC) / 86400.0;
  g_autofree char *stamp = cs_date_now_timestamp ();
  double after = g_get_real_time () / (double) G_USEC_PER_SEC / 86400.0;
  double days = NAN;

  g_assert_cmpuint (strlen (stamp), ==, 20);
  g_assert_true (g_ascii_isdigit (stamp[0]) && stamp[4] == '-' && stamp[7] == '-');
  g_assert_true (stamp[10] == 'T' && stamp[13] == ':' && stamp[16] == ':' && stamp[19] == 'Z');
  g_assert_true (cs_date_parse (stamp, &days));
  g_assert_cmpfloat (days, >=, before - 1e-9);
  g_assert_cmpfloat (days, <=, after + 1e-9);
}

static void
test_numbers (void)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autofree char *text = NULL;
  GRand *rand = g_rand_new_with_seed (20240607);

  check_number (0.1, "0.1");
  check_number (0.1 + 0.2, "0.30000000000000004");
  check_number (1.5, "1.5");
  check_number (177, "177");
  check_number (-0.0, "-0");
  check_number (1e300, "1e+300");
  check_number (1.5e21, "1.5e+21");
  check_number (2.5e-300, "2.5e-300");
  check_number (123456789012, "123456789012");
  check_number (4.9406564584124654e-324, "4.94065645841247e-324");
  check_number (NAN, "nan");
  check_number (INFINITY, "inf");
  check_number (-INFINITY, "-inf");

  /* random doubles of every magnitude read back exactly */
  for (guint i = 0; i < 20000; i++)
    {
      union { guint64 bits; double value; } u;
      char buf[CS_NUMBER_BUF_SIZE];

      u.bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      if (!isfinite (u.value))
        continue;
      cs_format_double_buf (u.value, buf);
      g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, u.value);
    }
  g_rand_free (rand);

  text = cs_format_double (2.25);
  g_assert_cmpstr (text, ==, "2.25");

  cs_format_json_number (json, 0.5);
  g_string_append_c (json, ',');
  cs_format_json_number (json, NAN);
  g_string_append_c (json, ',');
  cs_format_json_number (json, -INFINITY);
  g_assert_cmpstr (json->str, ==, "0.5,null,null");
}

static char *
sha256_of (const guint8 *data,
           gsize         length,
           gboolean      hardware,
           gsize         piece)
{
  CsSha256 sha;
  char hex[65];

  if (hardware)
    cs_sha256_init (&sha);
  else
    cs_sha256_init_portable (&sha);
  for (gsize done = 0; done < length; done += MIN (piece, length - done))
    cs_sha256_update (&sha, data + done, MIN (piece, length - done));
  if (length == 0)
    cs_sha256_update (&sha, data, 0);
  cs_sha256_finish_hex (&sha, hex);
  return g_strdup (hex);
}

/* The SHA extensions' path against FIPS 180-4's examples and against
 * GLib's GChecksum, for every length around the block and padding
 * boundaries and in uneven pieces; an unfinished digest frees all. */
static void
test_sha256 (void)
{
  static const struct { const char *text; const char *digest; } fips[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  };
  g_autofree guint8 *data = g_malloc (3 << 20);
  GRand *rand = g_rand_new_with_seed (180);
  gboolean hardware = cs_sha256_hardware_available ();

  for (gsize i = 0; i < (3 << 20); i++)
    data[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);

  for (guint i = 0; i < G_N_ELEMENTS (fips); i++)
    for (int hw = 0; hw <= 1; hw++)
      {
        g_autofree char *hex = sha256_of ((const guint8 *) fips[i].text, strlen (fips[i].text), hw, 7);

        g_assert_cmpstr (hex, ==, fips[i].digest);
      }

  for (gsize length = 0; length <= 300; length++)
    {
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
      g_autofree char *portable = sha256_of (data, length, FALSE, length + 1);
      g_autofree char *hw = sha256_of (data, length, TRUE, length + 1);
      g_autofree char *pieces = sha256_of (data, length, TRUE, 1 + length % 70);

      g_assert_cmpstr (portable, ==, expected);
      g_assert_cmpstr (hw, ==, expected);
      g_assert_cmpstr (pieces, ==, expected);
    }

  {
    g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, 3 << 20);
    g_autofree char *portable = sha256_of (data, 3 << 20, FALSE, 65536);
    g_autofree char *hw = sha256_of (data, 3 << 20, TRUE, 100003);

    g_assert_cmpstr (portable, ==, expected);
    g_assert_cmpstr (hw, ==, expected);
  }
  {
    g_auto(CsSha256) unfinished = { { 0 } };
    g_auto(CsSha256) unfinished_portable = { { 0 } };

    cs_sha256_init (&unfinished);
    cs_sha256_update (&unfinished, data, 1000);
    cs_sha256_init_portable (&unfinished_portable);
    cs_sha256_update (&unfinished_portable, data, 1000);
  }

  if (!hardware)
    g_test_skip ("this processor has no SHA extensions: only GChecksum's SHA-256 ran");
}

/* Resident memory of this process in bytes (Linux), or 0. */
static gsize
resident_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmRSS:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + 7, NULL, 10) * 1024;
}

static void
test_big_mem_heap (void)
{
  g_autoptr(CsBigMem) mem = cs_big_mem_new (1 << 20);
  CsBigArray *a = cs_big_array_new (mem, 1000);

  /* a quarter is the window, the rest the heap's */
  g_assert_cmpuint (cs_big_mem_get_window (mem), ==, 256 << 10);
  g_assert_false (cs_big_array_is_in_file (a));
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (*cs_big_array_read (a, i), ==, 0);
  memset (cs_big_array_write (a, 0), 7, 1000);
  cs_big_array_resize (a, 3000);
  g_assert_cmpuint (*cs_big_array_read (a, 999), ==, 7);
  g_assert_cmpuint (*cs_big_array_read (a, 1000), ==, 0);
  g_assert_cmpuint (*cs_big_array_read (a, 2999), ==, 0);
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 3000);
  cs_big_array_resize (a, 10);
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 10);
  cs_big_array_resize (a, 20);
  g_assert_cmpuint (*cs_big_array_read (a, 9), ==, 7);
  g_assert_cmpuint (*cs_big_array_read (a, 10), ==, 0);
  cs_big_array_free (a);
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 0);
  g_assert_cmpuint (cs_big_mem_get_misses (mem), ==, 0);
  /* freed with the pool */
  cs_big_array_new (mem, 100);
  cs_big_array_new (mem, 0);
}

/* An array in a file, or NULL (the test skipped) where $TMPDIR cannot hold
 * one. */
static CsBigArray *
file_array (CsBigMem *mem,
            gsize     size)
{
  CsBigArray *a = cs_big_array_new (mem, size);

  if (!cs_big_array_is_in_file (a))
    {
      g_test_skip ("$TMPDIR's file system cannot reserve space for a file (fallocate)");
      cs_big_array_free (a);
      return NULL;
    }
  return a;
}

static void
test_big_mem_file (void)
{
  g_autoptr(CsBigMem) mem = cs_big_mem_new (0);
  g_autoptr(GError) error = NULL;
  const gsize big = (gsize) 64 << 20;
  CsBigArray *a = file_array (mem, 3 * 4096 + 5);
  gsize before, peak = 0;

  if (a == NULL)
    return;
  g_assert_cmpuint (cs_big_mem_get_window (mem), ==, 64 << 10);
  for (gsize i = 0; i < 3 * 4096 + 5; i++)
    g_assert_cmpuint (*cs_big_array_read (a, i), ==, 0);
  for (gsize i = 0; i < 3 * 4096 + 5; i++)
    CS_BIG_ARRAY_SET (a, guint8, i, (guint8) (i * 7 + 1));
  cs_big_array_resize (a, big);
  g_assert_true (cs_big_array_is_in_file (a));
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 0);
  g_assert_cmpuint (cs_big_mem_get_file_size (mem), >=, big);
  for (gsize i = 0; i < 3 * 4096 + 5; i++)
    g_assert_cmpuint (*cs_big_array_read (a, i), ==, (guint8) (i * 7 + 1));
  for (gsize i = 3 * 4096 + 5; i < big; i += 4093)
    g_assert_cmpuint (*cs_big_array_read (a, i), ==, 0);

  /* 64 MiB written and read back through a 64 KiB window: the process
   * holds about the window */
  before = resident_bytes ();
  for (gsize i = 0; i < big / 8; i++)
    {
      CS_BIG_ARRAY_SET (a, guint64, i, i * 13 + 3);
      if (i % 65536 == 0)
        peak = MAX (peak, resident_bytes ());
    }
  for (gsize i = 0; i < big / 8; i++)
    if (CS_BIG_ARRAY_GET (a, guint64, i) != i * 13 + 3)
      g_assert_cmpuint (CS_BIG_ARRAY_GET (a, guint64, i), ==, i * 13 + 3);
  peak = MAX (peak, resident_bytes ());
  g_test_message ("resident %" G_GSIZE_FORMAT " KB, at most %" G_GSIZE_FORMAT " KB writing 64 MiB",
                  before >> 10, peak >> 10);
  if (before > 0)
    g_assert_cmpuint (peak, <=, before + ((gsize) 4 << 20));
  g_assert_cmpuint (cs_big_mem_get_misses (mem), >=, 2 * big / 4096);
  g_assert_true (cs_big_mem_check (mem, &error));

  /* shrinking, then growing, reads zeros past the cut */
  cs_big_array_resize (a, 100);
  cs_big_array_resize (a, 3 * 8192);
  g_assert_cmpuint (*cs_big_array_read (a, 96), ==, 12 * 13 + 3);   /* the low byte of element 12 */
  g_assert_cmpuint (*cs_big_array_read (a, 100), ==, 0);
  g_assert_cmpuint (*cs_big_array_read (a, 8191), ==, 0);
  g_assert_cmpuint (*cs_big_array_read (a, 3 * 8192 - 1), ==, 0);
  cs_big_array_free (a);
  g_assert_cmpuint (cs_big_mem_get_file_size (mem), ==, 0);
}

/* Random pages of several arrays, a pointer kept while three others are
 * reached: every byte stays where it was written. */
static void
test_big_mem_random (void)
{
  g_autoptr(CsBigMem) mem = cs_big_mem_new (0);
  const gsize n = 1 << 20;
  CsBigArray *arrays[3];
  guint64 *shadow[3];

  for (guint k = 0; k < 3; k++)
    {
      if (!(arrays[k] = file_array (mem, n * sizeof (guint64))))
        return;
      shadow[k] = g_new0 (guint64, n);
    }
  for (guint i = 0; i < 200000; i++)
    {
      guint k = g_test_rand_int_range (0, 3);
      gsize at = (gsize) g_test_rand_int_range (0, (gint32) n);
      guint64 *kept = (guint64 *) (gpointer) cs_big_array_write (arrays[k], at * sizeof (guint64));

      /* three other pages, then the kept pointer is still good */
      for (guint o = 0; o < 3; o++)
        {
          guint k2 = (k + 1 + o) % 3;
          gsize at2 = (gsize) g_test_rand_int_range (0, (gint32) n);

          g_assert_cmpuint (CS_BIG_ARRAY_GET (arrays[k2], guint64, at2), ==, shadow[k2][at2]);
        }
      *kept = shadow[k][at] = i + 1;
    }
  for (guint k = 0; k < 3; k++)
    {
      for (gsize i = 0; i < n; i++)
        if (CS_BIG_ARRAY_GET (arrays[k], guint64, i) != shadow[k][i])
          g_assert_cmpuint (CS_BIG_ARRAY_GET (arrays[k], guint64, i), ==, shadow[k][i]);
      g_free (shadow[k]);
    }
}

static void
test_big_mem_budget (void)
{
  g_autoptr(CsBigMem) mem = cs_big_mem_new (128 << 10);   /* 64 KiB of heap, a 64 KiB window */
  CsBigArray *a = cs_big_array_new (mem, 32 << 10);
  CsBigArray *b = cs_big_array_new (mem, 16 << 10);
  CsBigArray *c;

  g_assert_false (cs_big_array_is_in_file (a));
  g_assert_false (cs_big_array_is_in_file (b));
  for (gsize i = 0; i < 32 << 10; i++)
    CS_BIG_ARRAY_SET (a, guint8, i, (guint8) i);
  /* past the budget: a moves into a file with its bytes */
  cs_big_array_resize (a, 128 << 10);
  if (!cs_big_array_is_in_file (a))
    {
      g_test_skip ("$TMPDIR's file system cannot reserve space for a file (fallocate)");
      return;
    }
  for (gsize i = 0; i < 32 << 10; i++)
    g_assert_cmpuint (*cs_big_array_read (a, i), ==, (guint8) i);
  g_assert_cmpuint (*cs_big_array_read (a, (128 << 10) - 1), ==, 0);
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 16 << 10);
  /* a new array that fits stays on the heap, one that does not goes to a file */
  c = cs_big_array_new (mem, 16 << 10);
  g_assert_false (cs_big_array_is_in_file (c));
  cs_big_array_resize (c, 64 << 10);
  g_assert_true (cs_big_array_is_in_file (c));
}

/* TRUE in the subprocess a test runs its body in (a file size limit is for
 * it alone); FALSE in the test itself, once that subprocess passed. */
static gboolean
in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  return FALSE;
}

/* Files of this process may not grow past 1 MiB: EFBIG, as a full disk. */
static void
limit_file_size (void)
{
  struct rlimit limit = { 1 << 20, 1 << 20 };

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

/* A file that cannot grow (a file size limit, as a full disk): the array
 * comes back to the heap with its bytes. */
static void
test_big_mem_full (void)
{
#ifdef __linux__
  if (in_subprocess ())
    {
      g_autoptr(CsBigMem) mem = cs_big_mem_new (0);
      CsBigArray *a;

      limit_file_size ();
      a = cs_big_array_new (mem, 512 << 10);
      if (!cs_big_array_is_in_file (a))
        return;
      for (gsize i = 0; i < (512 << 10) / 8; i++)
        CS_BIG_ARRAY_SET (a, guint64, i, i);
      cs_big_array_resize (a, 4 << 20);
      g_assert_false (cs_big_array_is_in_file (a));
      for (gsize i = 0; i < (512 << 10) / 8; i++)
        g_assert_cmpuint (CS_BIG_ARRAY_GET (a, guint64, i), ==, i);
      g_assert_cmpuint (CS_BIG_ARRAY_GET (a, guint64, (4 << 20) / 8 - 1), ==, 0);
      g_assert_cmpuint (cs_big_mem_get_file_size (mem), ==, 0);
      g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 4 << 20);
      g_assert_true (cs_big_mem_check (mem, NULL));
    }
#else
  g_test_skip ("arrays live in files on Linux only");
#endif
}

/* A page that cannot be written back (a file size limit set after the file
 * was reserved, as an I/O error would): the pool says so. */
static void
test_big_mem_write_error (void)
{
#ifdef __linux__
  if (in_subprocess ())
    {
      g_autoptr(CsBigMem) mem = cs_big_mem_new (0);
      g_autoptr(GError) error = NULL;
      CsBigArray *a = cs_big_array_new (mem, 4 << 20);

      if (!cs_big_array_is_in_file (a))
        return;
      limit_file_size ();
      g_assert_true (cs_big_mem_check (mem, NULL));
      for (gsize i = 0; i < (4 << 20) / 8; i++)
        CS_BIG_ARRAY_SET (a, guint64, i, i);
      g_assert_false (cs_big_mem_check (mem, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "Cannot write a table's index to its temporary file"));
    }
#else
  g_test_skip ("arrays live in files on Linux only");
#endif
}

static void
test_write_all (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = g_malloc (3 << 20);
  g_autofree char *back = NULL;
  gsize written = 1, length;
  int fd = g_file_open_tmp ("cs-write-all-XXXXXX", &path, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < 3 << 20; i++)
    data[i] = (char) (i * 31);
  /* at the position, then at an offset */
  g_assert_true (cs_write_all (fd, data, 1000, -1, &written));
  g_assert_cmpuint (written, ==, 1000);
  g_assert_true (cs_write_all (fd, data + 1000, (3 << 20) - 1000, 1000, NULL));
  g_assert_true (cs_write_all (fd, data, 0, 5, &written));
  g_assert_cmpuint (written, ==, 0);
  g_assert_true (g_file_get_contents (path, &back, &length, &error));
  g_assert_cmpuint (length, ==, 3 << 20);
  g_assert_true (memcmp (back, data, length) == 0);
  g_assert_cmpint (close (fd), ==, 0);
  /* a closed descriptor: FALSE, errno said, nothing written */
  errno = 0;
  g_assert_false (cs_write_all (fd, data, 10, -1, &written));
  g_assert_cmpint (errno, ==, EBADF);
  g_assert_cmpuint (written, ==, 0);
  g_unlink (path);

#ifdef __linux__
  /* a file size limit: the first write is short, the next fails; how much
   * went out is told */
  if (in_subprocess ())
    {
      g_autofree char *child_path = NULL;
      int child_fd = g_file_open_tmp ("cs-write-all-XXXXXX", &child_path, NULL);

      limit_file_size ();
      g_assert_false (cs_write_all (child_fd, data, 3 << 20, 0, &written));
      g_assert_cmpint (errno, ==, EFBIG);
      g_assert_cmpuint (written, ==, 1 << 20);
      g_unlink (child_path);
    }
#endif
}

/* A file no name reaches: nothing in its folder, readable and writable; a
 * folder that does not exist gives -1 with errno. */
static void
test_open_unlinked (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("cs-unlinked-XXXXXX", &error);
  g_autofree char *missing = NULL;
  g_autoptr(GDir) dir = NULL;
  char back[6] = { 0 };
  int fd;

  g_assert_no_error (error);
  fd = cs_open_unlinked (folder, "cs-test");
  g_assert_cmpint (fd, >=, 0);
  dir = g_dir_open (folder, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (dir));
  g_assert_true (cs_write_all (fd, "hello", 5, 0, NULL));
  g_assert_cmpint (pread (fd, back, 5, 0), ==, 5);
  g_assert_cmpstr (back, ==, "hello");
  g_assert_cmpint (close (fd), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);

  missing = g_build_filename (folder, "no-such-folder", NULL);
  errno = 0;
  g_assert_cmpint (cs_open_unlinked (missing, "cs-test"), ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);
}

static void
test_big_mem_no_file (void)
{
  g_autoptr(CsBigMem) mem = cs_big_mem_new (0);
  g_autofree char *folder = g_build_filename (g_get_tmp_dir (), "cohortscope-no-such-folder", "x", NULL);
  CsBigArray *a;

  _cs_big_mem_set_folder (mem, folder);
  a = cs_big_array_new (mem, 10000);
  g_assert_false (cs_big_array_is_in_file (a));
  CS_BIG_ARRAY_SET (a, guint8, 9999, 5);
  cs_big_array_resize (a, 20000);
  g_assert_cmpuint (*cs_big_array_read (a, 9999), ==, 5);
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 20000);
  g_assert_cmpuint (cs_big_mem_get_file_size (mem), ==, 0);
}

static void
test_big_mem_parse_size (void)
{
  gsize size = 1;

  g_assert_true (cs_big_mem_parse_size ("0", &size));
  g_assert_cmpuint (size, ==, 0);
  g_assert_true (cs_big_mem_parse_size ("16M", &size));
  g_assert_cmpuint (size, ==, 16 << 20);
  g_assert_true (cs_big_mem_parse_size ("512KiB", &size));
  g_assert_cmpuint (size, ==, 512 << 10);
  g_assert_true (cs_big_mem_parse_size ("2g", &size));
  g_assert_cmpuint (size, ==, (gsize) 2 << 30);
  g_assert_true (cs_big_mem_parse_size ("4096", &size));
  g_assert_cmpuint (size, ==, 4096);
  g_assert_false (cs_big_mem_parse_size ("", &size));
  g_assert_false (cs_big_mem_parse_size ("-1", &size));
  g_assert_false (cs_big_mem_parse_size ("16 M", &size));
  g_assert_false (cs_big_mem_parse_size ("16T", &size));
  g_assert_false (cs_big_mem_parse_size ("99999999999999999999", &size));
  g_assert_false (cs_big_mem_parse_size (NULL, &size));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/base/date/civil", test_civil);
  g_test_add_func ("/base/date/parse", test_parse);
  g_test_add_func ("/base/date/parse-day", test_parse_day);
  g_test_add_func ("/base/date/format", test_format);
  g_test_add_func ("/base/date/timestamp", test_timestamp);
  g_test_add_func ("/base/numbers", test_numbers);
  g_test_add_func ("/base/sha256", test_sha256);
  g_test_add_func ("/base/write-all", test_write_all);
  g_test_add_func ("/base/open-unlinked", test_open_unlinked);
  g_test_add_func ("/base/big-mem/heap", test_big_mem_heap);
  g_test_add_func ("/base/big-mem/file", test_big_mem_file);
  g_test_add_func ("/base/big-mem/budget", test_big_mem_budget);
  g_test_add_func ("/base/big-mem/random", test_big_mem_random);
  g_test_add_func ("/base/big-mem/full", test_big_mem_full);
  g_test_add_func ("/base/big-mem/write-error", test_big_mem_write_error);
  g_test_add_func ("/base/big-mem/no-file", test_big_mem_no_file);
  g_test_add_func ("/base/big-mem/parse-size", test_big_mem_parse_size);

  return g_test_run ();
}
