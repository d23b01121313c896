/* cs-ucum.c: UCUM unit codes — syntax check and conversion
 *
 * A recursive-descent parser over the UCUM grammar (§2 of the
 * specification) computes, for a code, its factor to the base units as a
 * mantissa and a power of ten (so that units differing by powers of ten
 * convert exactly: 95 mg/dL is 0.95 g/L, not 0.9500000000000001), its
 * dimension, and its annotations with their side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-ucum.h"

G_DEFINE_QUARK (cs-ucum-error-quark, cs_ucum_error)

/* Dimensions: the seven UCUM base units, mol, eq and osm (UCUM makes them
 * numbers; a clinician does not), then one slot per arbitrary unit
 * (arbitrary units are commensurable only with themselves). */
enum { D_L, D_M, D_T, D_A, D_K, D_Q, D_F, D_N, D_EQ, D_OSM, N_BASE };

#define N_ARBITRARY 19   /* [IU] shares the slot of [iU] */
G_STATIC_ASSERT (N_BASE + N_ARBITRARY == CS_UCUM_N_DIMS);

/* Beyond these, a unit is still valid UCUM but its values are not converted
 * (and the sums below cannot overflow). */
#define MAX_DIM       1000000
#define MAX_EXP10     100000
#define MAX_NESTING   32

enum
{
  ATOM_METRIC    = 1 << 0,  /* takes prefixes */
  ATOM_SPECIAL   = 1 << 1,  /* offset scale (Cel, [degF]): convertible alone */
  ATOM_LOG       = 1 << 2,  /* logarithmic ([pH], B, Np): never converted */
  ATOM_ARBITRARY = 1 << 3,  /* its own dimension */
};

typedef struct
{
  const char *code;
  guint8      flags;
  double      mantissa;     /* in base units m, g, s, rad, K, C, cd, mol, eq, osm: */
  int         exp10;        /* mantissa × 10^exp10 */
  gint8       dims[N_BASE];
  double      offset;       /* ATOM_SPECIAL: base = value × factor + offset */
} Atom;

#define LENGTH       { [D_L] = 1 }
#define AREA         { [D_L] = 2 }
#define VOLUME       { [D_L] = 3 }
#define MASS         { [D_M] = 1 }
#define TIME         { [D_T] = 1 }
#define ANGLE        { [D_A] = 1 }
#define TEMPERATURE  { [D_K] = 1 }
#define PER_TIME     { [D_T] = -1 }
#define PRESSURE     { [D_L] = -1, [D_M] = 1, [D_T] = -2 }
#define ENERGY       { [D_L] = 2, [D_M] = 1, [D_T] = -2 }
#define DOSE         { [D_L] = 2, [D_T] = -2 }
#define NODIM        { 0 }
#define PI           G_PI
#define YEAR_J       (365.25 * 86400.0)
#define LB           453.59237
#define GAL_US       (231.0 * 16.387064)   /* 231 [in_i]3 in cm3: × 10^-6 m3 */

static const Atom atoms[] = {
  /* base units */
  { "m", ATOM_METRIC, 1, 0, LENGTH, 0 },
  { "s", ATOM_METRIC, 1, 0, TIME, 0 },
  { "g", ATOM_METRIC, 1, 0, MASS, 0 },
  { "rad", ATOM_METRIC, 1, 0, ANGLE, 0 },
  { "K", ATOM_METRIC, 1, 0, TEMPERATURE, 0 },
  { "C", ATOM_METRIC, 1, 0, { [D_Q] = 1 }, 0 },
  { "cd", ATOM_METRIC, 1, 0, { [D_F] = 1 }, 0 },
  /* amounts */
  { "mol", ATOM_METRIC, 1, 0, { [D_N] = 1 }, 0 },
  { "eq", ATOM_METRIC, 1, 0, { [D_EQ] = 1 }, 0 },
  { "osm", ATOM_METRIC, 1, 0, { [D_OSM] = 1 }, 0 },
  /* dimensionless */
  { "10*", 0, 1, 1, NODIM, 0 },
  { "10^", 0, 1, 1, NODIM, 0 },
  { "[pi]", 0, PI, 0, NODIM, 0 },
  { "%", 0, 1, -2, NODIM, 0 },
  { "[ppth]", 0, 1, -3, NODIM, 0 },
  { "[ppm]", 0, 1, -6, NODIM, 0 },
  { "[ppb]", 0, 1, -9, NODIM, 0 },
  { "[pptr]", 0, 1, -12, NODIM, 0 },
  { "sr", ATOM_METRIC, 1, 0, { [D_A] = 2 }, 0 },
  { "bit", ATOM_METRIC, 1, 0, NODIM, 0 },
  { "By", ATOM_METRIC, 8, 0, NODIM, 0 },
  { "[HPF]", 0, 1, 0, NODIM, 0 },
  { "[LPF]", 0, 1, 2, NODIM, 0 },
  /* SI derived units */
  { "Hz", ATOM_METRIC, 1, 0, PER_TIME, 0 },
  { "N", ATOM_METRIC, 1, 3, { [D_L] = 1, [D_M] = 1, [D_T] = -2 }, 0 },
  { "Pa", ATOM_METRIC, 1, 3, PRESSURE, 0 },
  { "J", ATOM_METRIC, 1, 3, ENERGY, 0 },
  { "W", ATOM_METRIC, 1, 3, { [D_L] = 2, [D_M] = 1, [D_T] = -3 }, 0 },
  { "A", ATOM_METRIC, 1, 0, { [D_T] = -1, [D_Q] = 1 }, 0 },
  { "V", ATOM_METRIC, 1, 3, { [D_L] = 2, [D_M] = 1, [D_T] = -2, [D_Q] = -1 }, 0 },
  { "F", ATOM_METRIC, 1, -3, { [D_L] = -2, [D_M] = -1, [D_T] = 2, [D_Q] = 2 }, 0 },
  { "Ohm", ATOM_METRIC, 1, 3, { [D_L] = 2, [D_M] = 1, [D_T] = -1, [D_Q] = -2 }, 0 },
  { "S", ATOM_METRIC, 1, -3, { [D_L] = -2, [D_M] = -1, [D_T] = 1, [D_Q] = 2 }, 0 },
  { "mho", ATOM_METRIC, 1, -3, { [D_L] = -2, [D_M] = -1, [D_T] = 1, [D_Q] = 2 }, 0 },
  { "Wb", ATOM_METRIC, 1, 3, { [D_L] = 2, [D_M] = 1, [D_T] = -1, [D_Q] = -1 }, 0 },
  { "T", ATOM_METRIC, 1, 3, { [D_M] = 1, [D_T] = -1, [D_Q] = -1 }, 0 },
  { "H", ATOM_METRIC, 1, 3, { [D_L] = 2, [D_M] = 1, [D_Q] = -2 }, 0 },
  { "lm", ATOM_METRIC, 1, 0, { [D_A] = 2, [D_F] = 1 }, 0 },
  { "lx", ATOM_METRIC, 1, 0, { [D_L] = -2, [D_A] = 2, [D_F] = 1 }, 0 },
  { "Bq", ATOM_METRIC, 1, 0, PER_TIME, 0 },
  { "Gy", ATOM_METRIC, 1, 0, DOSE, 0 },
  { "Sv", ATOM_METRIC, 1, 0, DOSE, 0 },
  { "kat", ATOM_METRIC, 1, 0, { [D_N] = 1, [D_T] = -1 }, 0 },
  { "U", ATOM_METRIC, 1.0 / 60.0, -6, { [D_N] = 1, [D_T] = -1 }, 0 },   /* µmol/min */
  /* temperature */
  { "Cel", ATOM_METRIC | ATOM_SPECIAL, 1, 0, TEMPERATURE, 273.15 },
  { "[degF]", ATOM_SPECIAL, 5.0 / 9.0, 0, TEMPERATURE, 459.67 * 5.0 / 9.0 },
  { "[degR]", 0, 5.0 / 9.0, 0, TEMPERATURE, 0 },
  /* angles */
  { "deg", 0, PI / 180.0, 0, ANGLE, 0 },
  { "gon", 0, 0.9 * PI / 180.0, 0, ANGLE, 0 },
  { "'", 0, PI / 180.0 / 60.0, 0, ANGLE, 0 },
  { "''", 0, PI / 180.0 / 3600.0, 0, ANGLE, 0 },
  /* time */
  { "min", 0, 60, 0, TIME, 0 },
  { "h", 0, 3600, 0, TIME, 0 },
  { "d", 0, 86400, 0, TIME, 0 },
  { "wk", 0, 7 * 86400.0, 0, TIME, 0 },
  { "a_t", 0, 365.24219 * 86400.0, 0, TIME, 0 },
  { "a_j", 0, YEAR_J, 0, TIME, 0 },
  { "a_g", 0, 365.2425 * 86400.0, 0, TIME, 0 },
  { "a", 0, YEAR_J, 0, TIME, 0 },
  { "mo_s", 0, 29.53059 * 86400.0, 0, TIME, 0 },
  { "mo_j", 0, YEAR_J / 12.0, 0, TIME, 0 },
  { "mo_g", 0, 365.2425 * 86400.0 / 12.0, 0, TIME, 0 },
  { "mo", 0, YEAR_J / 12.0, 0, TIME, 0 },                                /* 30.4375 d */
  /* volume, area, mass, length */
  { "l", ATOM_METRIC, 1, -3, VOLUME, 0 },
  { "L", ATOM_METRIC, 1, -3, VOLUME, 0 },
  { "ar", ATOM_METRIC, 1, 2, AREA, 0 },
  { "t", ATOM_METRIC, 1, 6, MASS, 0 },
  { "u", ATOM_METRIC, 1.6605402, -24, MASS, 0 },
  { "g%", ATOM_METRIC, 1, 4, { [D_L] = -3, [D_M] = 1 }, 0 },
  { "Ao", 0, 1, -10, LENGTH, 0 },
  { "AU", 0, 1.49597870691, 11, LENGTH, 0 },
  { "pc", ATOM_METRIC, 3.085678, 16, LENGTH, 0 },
  /* other metric units */
  { "bar", ATOM_METRIC, 1, 8, PRESSURE, 0 },
  { "atm", 0, 101325, 3, PRESSURE, 0 },
  { "m[Hg]", ATOM_METRIC, 133.322, 6, PRESSURE, 0 },
  { "m[H2O]", ATOM_METRIC, 9.80665, 6, PRESSURE, 0 },
  { "[in_i'Hg]", 0, 133.322 * 2.54, 4, PRESSURE, 0 },
  { "eV", ATOM_METRIC, 1.60217733, -16, ENERGY, 0 },
  { "cal", ATOM_METRIC, 4.184, 3, ENERGY, 0 },
  { "[Cal]", 0, 4.184, 6, ENERGY, 0 },
  { "erg", ATOM_METRIC, 1, -4, ENERGY, 0 },
  { "dyn", ATOM_METRIC, 1, -2, { [D_L] = 1, [D_M] = 1, [D_T] = -2 }, 0 },
  { "G", ATOM_METRIC, 1, -1, { [D_M] = 1, [D_T] = -1, [D_Q] = -1 }, 0 },
  { "Ci", ATOM_METRIC, 3.7, 10, PER_TIME, 0 },
  { "R", ATOM_METRIC, 2.58, -7, { [D_M] = -1, [D_Q] = 1 }, 0 },
  { "RAD", ATOM_METRIC, 1, -2, DOSE, 0 },
  { "REM", ATOM_METRIC, 1, -2, DOSE, 0 },
  { "[c]", ATOM_METRIC, 299792458.0, 0, { [D_L] = 1, [D_T] = -1 }, 0 },
  { "[g]", ATOM_METRIC, 9.80665, 0, { [D_L] = 1, [D_T] = -2 }, 0 },
  /* customary units */
  { "[in_i]", 0, 2.54, -2, LENGTH, 0 },
  { "[ft_i]", 0, 3.048, -1, LENGTH, 0 },
  { "[yd_i]", 0, 91.44, -2, LENGTH, 0 },
  { "[mi_i]", 0, 160934.4, -2, LENGTH, 0 },
  { "[lb_av]", 0, LB, 0, MASS, 0 },
  { "[oz_av]", 0, LB / 16.0, 0, MASS, 0 },
  { "[stone_av]", 0, 14 * LB, 0, MASS, 0 },
  { "[gr]", 0, 64.79891, -3, MASS, 0 },
  { "[gal_us]", 0, GAL_US, -6, VOLUME, 0 },
  { "[qt_us]", 0, GAL_US / 4.0, -6, VOLUME, 0 },
  { "[pt_us]", 0, GAL_US / 8.0, -6, VOLUME, 0 },
  { "[cup_us]", 0, GAL_US / 16.0, -6, VOLUME, 0 },
  { "[foz_us]", 0, GAL_US / 128.0, -6, VOLUME, 0 },
  { "[tbs_us]", 0, GAL_US / 256.0, -6, VOLUME, 0 },
  { "[tsp_us]", 0, GAL_US / 768.0, -6, VOLUME, 0 },
  { "[gal_br]", 0, 4.54609, -3, VOLUME, 0 },
  { "[pt_br]", 0, 4.54609 / 8.0, -3, VOLUME, 0 },
  { "[drp]", 0, 1.0 / 20.0, -6, VOLUME, 0 },
  /* logarithmic */
  { "[pH]", ATOM_LOG, 1, 0, NODIM, 0 },
  { "B", ATOM_METRIC | ATOM_LOG, 1, 0, NODIM, 0 },
  { "Np", ATOM_METRIC | ATOM_LOG, 1, 0, NODIM, 0 },
  /* arbitrary units: each its own dimension (slot N_BASE + index below) */
  { "[iU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[IU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[arb'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[USP'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[hnsf'U]", ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[CFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[PFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[FFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[BAU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[AU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[Lf]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[PNU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[ELU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[EU]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[GPL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[MPL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[APL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[EID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[TCID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
  { "[CCID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, 0, NODIM, 0 },
};

typedef struct
{
  const char *code;
  double      mantissa;
  int         exp10;
} Prefix;

static const Prefix prefixes[] = {
  { "Y", 1, 24 }, { "Z", 1, 21 }, { "E", 1, 18 }, { "P", 1, 15 }, { "T", 1, 12 }, { "G", 1, 9 },
  { "M", 1, 6 }, { "k", 1, 3 }, { "h", 1, 2 }, { "da", 1, 1 }, { "d", 1, -1 }, { "c", 1, -2 },
  { "m", 1, -3 }, { "u", 1, -6 }, { "n", 1, -9 }, { "p", 1, -12 }, { "f", 1, -15 }, { "a", 1, -18 },
  { "z", 1, -21 }, { "y", 1, -24 },
  { "Ki", 1024.0, 0 }, { "Mi", 1048576.0, 0 }, { "Gi", 1073741824.0, 0 }, { "Ti", 1099511627776.0, 0 },
};

static GHashTable *
atom_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
      guint i, arbitrary = 0;

      for (i = 0; i < G_N_ELEMENTS (atoms); i++)
        {
          /* the value is the index + 1 (an arbitrary unit's slot follows from its order) */
          g_hash_table_insert (t, (gpointer) atoms[i].code, GUINT_TO_POINTER (i + 1));
          if (atoms[i].flags & ATOM_ARBITRARY)
            arbitrary++;
        }
      g_assert (arbitrary == N_ARBITRARY + 1);
      g_once_init_leave (&table, t);
    }
  return table;
}

static int
arbitrary_slot (const Atom *atom)
{
  guint i;
  int slot = 0;

  /* [IU] is [iU] (UCUM: 1 [IU] = 1 [iU]), the first arbitrary atom */
  if (strcmp (atom->code, "[IU]") == 0)
    return N_BASE;
  for (i = 0; i < G_N_ELEMENTS (atoms); i++)
    {
      if (!(atoms[i].flags & ATOM_ARBITRARY) || strcmp (atoms[i].code, "[IU]") == 0)
        continue;
      if (&atoms[i] == atom)
        return N_BASE + slot;
      slot++;
    }
  g_assert_not_reached ();
  return N_BASE;
}

static const Atom *
find_atom (const char *s,
           gsize       len)
{
  char buf[64];
  gpointer v;

  if (len >= sizeof buf)
    return NULL;
  memcpy (buf, s, len);
  buf[len] = '\0';
  v = g_hash_table_lookup (atom_table (), buf);
  return v != NULL ? &atoms[GPOINTER_TO_UINT (v) - 1] : NULL;
}

/* 10^n, exact for |n| <= 22 */
static double
scale10 (double value,
         int    n)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };

  while (n > 22)
    {
      value *= powers[22];
      n -= 22;
    }
  while (n < -22)
    {
      value /= powers[22];
      n += 22;
    }
  return n >= 0 ? value * powers[n] : value / powers[-n];
}

typedef struct
{
  const char *s;
  gsize       len;
  gsize       pos;
  guint       depth;
  const char *reason;
  gsize       error_pos;
  CsUcumError error_code;
  char        annotation[CS_UCUM_MAX_ANNOTATION];
  gsize       annotation_len;
  gboolean    annotation_overflow;
} Parser;

#define PARSE_FAIL_CODE(p, code, msg) \
  G_STMT_START { if ((p)->reason == NULL) { (p)->reason = (msg); (p)->error_pos = (p)->pos; (p)->error_code = (code); } \
                 return FALSE; } G_STMT_END
#define PARSE_FAIL(p, msg) PARSE_FAIL_CODE (p, CS_UCUM_ERROR_SYNTAX, msg)

static gboolean parse_term (Parser *p, CsUcumUnit *u, int sign);

static void
unit_init (CsUcumUnit *u)
{
  memset (u, 0, sizeof *u);
  u->mantissa = 1;
  u->special_prefix = 1;
}

static gint32
clamp_sum (gint64 sum,
           gint64 limit)
{
  return (gint32) CLAMP (sum, -limit, limit);
}

/* u × v^sign */
static void
unit_combine (CsUcumUnit       *u,
              const CsUcumUnit *v,
              int               sign)
{
  guint i;

  u->mantissa = sign > 0 ? u->mantissa * v->mantissa : u->mantissa / v->mantissa;
  u->exp10 = clamp_sum ((gint64) u->exp10 + (gint64) sign * v->exp10, MAX_EXP10);
  for (i = 0; i < CS_UCUM_N_DIMS; i++)
    u->dims[i] = clamp_sum ((gint64) u->dims[i] + (gint64) sign * v->dims[i], MAX_DIM);
  if (v->special != NULL)
    {
      u->special = v->special;
      u->special_prefix = v->special_prefix;
    }
  u->n_units += v->n_units;
}

/* At '{'; the annotation is kept with its side (sign) for
 * CS_UCUM_ANNOTATIONS_MATCH. */
static gboolean
parse_annotation (Parser *p,
                  int     sign)
{
  gsize start = p->pos, n;

  p->pos++;
  while (p->pos < p->len && p->s[p->pos] != '}')
    {
      guchar c = (guchar) p->s[p->pos];

      if (c == '{')
        PARSE_FAIL (p, N_("an annotation “{…}” cannot contain “{”"));
      if (c < 33 || c > 126)
        PARSE_FAIL (p, N_("an annotation “{…}” may only hold printable ASCII without spaces"));
      p->pos++;
    }
  if (p->pos >= p->len)
    PARSE_FAIL (p, N_("an annotation “{” is not closed with “}”"));
  p->pos++;

  n = p->pos - start;
  if (p->annotation_len + n + 2 > sizeof p->annotation)
    p->annotation_overflow = TRUE;
  else
    {
      p->annotation[p->annotation_len++] = sign < 0 ? '/' : '.';
      memcpy (p->annotation + p->annotation_len, p->s + start, n);
      p->annotation_len += n;
      p->annotation[p->annotation_len] = '\0';
    }
  return TRUE;
}

static gboolean
parse_exponent (Parser *p,
                int    *exponent)
{
  gsize start = p->pos;
  int sign = 1, v = 0;

  *exponent = 1;
  if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
    {
      sign = p->s[p->pos] == '-' ? -1 : 1;
      p->pos++;
      if (p->pos >= p->len || !g_ascii_isdigit (p->s[p->pos]))
        PARSE_FAIL (p, N_("a sign must be followed by the digits of an exponent"));
    }
  if (p->pos >= p->len || !g_ascii_isdigit (p->s[p->pos]))
    {
      p->pos = start;
      return TRUE;
    }
  while (p->pos < p->len && g_ascii_isdigit (p->s[p->pos]))
    {
      v = v * 10 + (p->s[p->pos] - '0');
      if (v > 99)
        PARSE_FAIL (p, N_("the exponent is too large"));
      p->pos++;
    }
  *exponent = sign * v;
  return TRUE;
}

/* A simple unit with its exponent: [prefix]atom[exponent] */
static gboolean
parse_simple (Parser     *p,
              CsUcumUnit *u)
{
  gsize start = p->pos, len;
  const Atom *atom = NULL;
  const Prefix *prefix = NULL;
  double mantissa;
  int exponent, i;
  guint k;

  if (p->len - p->pos >= 3 && p->s[p->pos] == '1' && p->s[p->pos + 1] == '0'
      && (p->s[p->pos + 2] == '*' || p->s[p->pos + 2] == '^'))
    p->pos += 3;
  else
    {
      while (p->pos < p->len)
        {
          char c = p->s[p->pos];

          if (c == '[')
            {
              while (p->pos < p->len && p->s[p->pos] != ']')
                p->pos++;
              if (p->pos >= p->len)
                PARSE_FAIL (p, N_("“[” is not closed with “]”"));
              p->pos++;
              continue;
            }
          if (c == '.' || c == '/' || c == '(' || c == ')' || c == '{' || c == '}' || c == ']'
              || c == '+' || c == '-' || g_ascii_isdigit (c))
            break;
          if ((guchar) c <= 32 || (guchar) c >= 127)
            PARSE_FAIL (p, N_("a UCUM code has no spaces and only ASCII characters"));
          p->pos++;
        }
    }
  len = p->pos - start;
  if (len == 0)
    PARSE_FAIL (p, N_("a unit is missing here"));

  atom = find_atom (p->s + start, len);
  if (atom == NULL)
    {
      for (k = 0; k < G_N_ELEMENTS (prefixes) && atom == NULL; k++)
        {
          gsize n = strlen (prefixes[k].code);
          const Atom *a;

          if (n >= len || strncmp (p->s + start, prefixes[k].code, n) != 0)
            continue;
          a = find_atom (p->s + start + n, len - n);
          if (a != NULL && (a->flags & ATOM_METRIC))
            {
              atom = a;
              prefix = &prefixes[k];
            }
          else if (a != NULL)
            {
              p->pos = start;
              PARSE_FAIL_CODE (p, CS_UCUM_ERROR_UNKNOWN_UNIT, N_("this unit does not take a metric prefix"));
            }
        }
    }
  if (atom == NULL)
    {
      p->pos = start;
      PARSE_FAIL_CODE (p, CS_UCUM_ERROR_UNKNOWN_UNIT,
                       N_("unknown unit (UCUM is case-sensitive: e.g. “mL”, “mmol/L”, “Cel”, “[in_i]”)"));
    }
  if (!parse_exponent (p, &exponent))
    return FALSE;

  unit_init (u);
  u->n_units = 1;
  if (atom->flags & (ATOM_SPECIAL | ATOM_LOG))
    {
      u->special = atom;
      u->special_prefix = prefix != NULL ? scale10 (prefix->mantissa, prefix->exp10) : 1;
      u->special_plain = exponent == 1;
    }
  /* the mantissa multiplied out, the powers of ten added up: exact */
  mantissa = atom->mantissa * (prefix != NULL ? prefix->mantissa : 1);
  for (i = 0; i < ABS (exponent); i++)
    u->mantissa = exponent > 0 ? u->mantissa * mantissa : u->mantissa / mantissa;
  u->exp10 = (atom->exp10 + (prefix != NULL ? prefix->exp10 : 0)) * exponent;
  for (i = 0; i < N_BASE; i++)
    u->dims[i] = atom->dims[i] * exponent;
  if (atom->flags & ATOM_ARBITRARY)
    u->dims[arbitrary_slot (atom)] = exponent;
  return TRUE;
}

static gboolean
parse_component (Parser     *p,
                 CsUcumUnit *u,
                 int         sign)
{
  char c;

  if (p->pos >= p->len)
    PARSE_FAIL (p, N_("a unit is missing at the end of the code"));
  c = p->s[p->pos];
  if (c == '(')
    {
      if (p->depth >= MAX_NESTING)
        PARSE_FAIL (p, N_("parentheses are nested too deeply"));
      p->depth++;
      p->pos++;
      if (!parse_term (p, u, sign))
        return FALSE;
      if (p->pos >= p->len || p->s[p->pos] != ')')
        PARSE_FAIL (p, N_("“(” is not closed with “)”"));
      p->pos++;
      p->depth--;
      u->special_plain = FALSE;
      return TRUE;
    }
  if (c == '{')
    {
      unit_init (u);
      u->n_units = 1;
      return parse_annotation (p, sign);
    }
  if (g_ascii_isdigit (c) && !(p->len - p->pos >= 3 && c == '1' && p->s[p->pos + 1] == '0'
                               && (p->s[p->pos + 2] == '*' || p->s[p->pos + 2] == '^')))
    {
      double v = 0;

      while (p->pos < p->len && g_ascii_isdigit (p->s[p->pos]))
        v = v * 10 + (p->s[p->pos++] - '0');
      unit_init (u);
      u->mantissa = v;
      u->n_units = 1;
      if (p->pos < p->len && p->s[p->pos] == '{')
        PARSE_FAIL (p, N_("a number cannot carry an annotation (write “{beats}/min”, not “1{beats}/min”)"));
      if (p->pos < p->len && (g_ascii_isalpha (p->s[p->pos]) || p->s[p->pos] == '['))
        PARSE_FAIL (p, N_("a number must be joined to a unit with “.” (e.g. “10.L”)"));
      return TRUE;
    }
  if (!parse_simple (p, u))
    return FALSE;
  if (p->pos < p->len && p->s[p->pos] == '{')
    return parse_annotation (p, sign);
  return TRUE;
}

/* A term whose value enters the whole unit raised to sign (the side of its
 * annotations) */
static gboolean
parse_term (Parser     *p,
            CsUcumUnit *u,
            int         sign)
{
  CsUcumUnit v;

  if (!parse_component (p, u, sign))
    return FALSE;
  while (p->pos < p->len && (p->s[p->pos] == '.' || p->s[p->pos] == '/'))
    {
      int op = p->s[p->pos] == '/' ? -1 : 1;

      p->pos++;
      if (!parse_component (p, &v, sign * op))
        return FALSE;
      unit_combine (u, &v, op);
      u->special_plain = FALSE;
    }
  return TRUE;
}

static gboolean
parse_unit (const char  *code,
            gsize        len,
            CsUcumUnit  *u,
            const char **reason,
            gsize       *error_pos,
            CsUcumError *error_code)
{
  Parser p = { 0 };
  gboolean ok;

  p.s = code;
  p.len = len;
  unit_init (u);
  if (len == 0)
    {
      p.reason = N_("an empty unit is not allowed (use “1” for a unit of one)");
      ok = FALSE;
    }
  else if (code[0] == '/')
    {
      CsUcumUnit v;

      /* "/" applies to the whole term: "/min.g" is 1/(min.g) */
      p.pos = 1;
      ok = parse_term (&p, &v, -1);
      if (ok)
        {
          unit_combine (u, &v, -1);
          u->special_plain = FALSE;
        }
    }
  else
    ok = parse_term (&p, u, 1);
  if (ok && p.pos != len)
    {
      ok = FALSE;
      p.error_pos = p.pos;
      p.reason = code[p.pos] == ')' ? N_("“)” without a matching “(”")
                                    : N_("unexpected character (join units with “.” or “/”)");
    }
  if (!ok)
    {
      if (reason != NULL)
        *reason = _(p.reason);
      if (error_pos != NULL)
        *error_pos = p.error_pos;
      if (error_code != NULL)
        *error_code = p.error_code;
      return FALSE;
    }
  memcpy (u->annotation, p.annotation, sizeof u->annotation);
  u->annotation_overflow = p.annotation_overflow;
  return TRUE;
}

gboolean
cs_ucum_is_valid (const char  *code,
                  gsize        len,
                  const char **reason)
{
  CsUcumUnit u;

  if (code == NULL)
    {
      if (reason != NULL)
        *reason = _("no unit");
      return FALSE;
    }
  return parse_unit (code, len, &u, reason, NULL, NULL);
}

gboolean
cs_ucum_parse (const char  *code,
               CsUcumUnit  *out,
               GError     **error)
{
  const char *reason = NULL;
  CsUcumError code_error = CS_UCUM_ERROR_SYNTAX;
  gsize pos = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  if (code == NULL)
    code = "";
  if (!parse_unit (code, strlen (code), out, &reason, &pos, &code_error))
    {
      g_set_error (error, CS_UCUM_ERROR, code_error, _("unit “%s”, character %u: %s"), code, (guint) pos + 1, reason);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_ucum_validate (const char  *code,
                  GError     **error)
{
  CsUcumUnit u;

  return cs_ucum_parse (code, &u, error);
}

gboolean
cs_ucum_commensurable (const char *a,
                       const char *b)
{
  CsUcumUnit ua, ub;

  if (!cs_ucum_parse (a, &ua, NULL) || !cs_ucum_parse (b, &ub, NULL))
    return FALSE;
  return memcmp (ua.dims, ub.dims, sizeof ua.dims) == 0;
}

/* A special unit (Cel, [degF]) converts only alone; a logarithmic one never. */
static gboolean
special_ok (const CsUcumUnit *u)
{
  const Atom *special = u->special;

  return special == NULL || ((special->flags & ATOM_SPECIAL) && u->special_plain && u->n_units == 1);
}

static gboolean
factor_ok (const CsUcumUnit *u)
{
  return u->special != NULL
         || (isfinite (u->mantissa) && u->mantissa > 0 && ABS (u->exp10) < MAX_EXP10);
}

typedef enum
{
  CONVERTIBLE,
  INCOMMENSURABLE,
  SPECIAL,
  OUT_OF_RANGE,
  ANNOTATIONS_DIFFER,
} Convertible;

static Convertible
check_convertible (const CsUcumUnit  *from,
                   const CsUcumUnit  *to,
                   CsUcumAnnotations  annotations)
{
  if (memcmp (from->dims, to->dims, sizeof from->dims) != 0)
    return INCOMMENSURABLE;
  if (!special_ok (from) || !special_ok (to))
    return SPECIAL;
  if (!factor_ok (from) || !factor_ok (to))
    return OUT_OF_RANGE;
  if (annotations == CS_UCUM_ANNOTATIONS_MATCH
      && (from->annotation_overflow || to->annotation_overflow || strcmp (from->annotation, to->annotation) != 0))
    return ANNOTATIONS_DIFFER;
  return CONVERTIBLE;
}

gboolean
cs_ucum_unit_convertible (const CsUcumUnit  *from,
                          const CsUcumUnit  *to,
                          CsUcumAnnotations  annotations)
{
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  return check_convertible (from, to, annotations) == CONVERTIBLE;
}

static double
round_significant (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value) || value == 0)
    return value;
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  return g_ascii_strtod (buf, NULL);
}

/* value in the base units (kelvin for temperatures) */
static double
to_base (const CsUcumUnit *u,
         double            value)
{
  const Atom *special = u->special;

  if (special != NULL)
    return value * u->special_prefix * special->mantissa + special->offset;
  return scale10 (value * u->mantissa, u->exp10);
}

static double
from_base (const CsUcumUnit *u,
           double            base)
{
  const Atom *special = u->special;

  if (special != NULL)
    return (base - special->offset) / special->mantissa / u->special_prefix;
  return scale10 (base / u->mantissa, -u->exp10);
}

double
cs_ucum_unit_convert (double            value,
                      const CsUcumUnit *from,
                      const CsUcumUnit *to)
{
  g_return_val_if_fail (from != NULL && to != NULL, NAN);
  g_return_val_if_fail (check_convertible (from, to, CS_UCUM_ANNOTATIONS_IGNORE) == CONVERTIBLE, NAN);

  if (from->special != NULL || to->special != NULL)
    return round_significant (from_base (to, to_base (from, value)));
  /* the powers of ten apart and exactly: 95 / 100 is the nearest double to 0.95 */
  return round_significant (scale10 (value * from->mantissa / to->mantissa, from->exp10 - to->exp10));
}

gboolean
cs_ucum_convert (double       value,
                 const char  *from,
                 const char  *to,
                 double      *out,
                 GError     **error)
{
  CsUcumUnit uf, ut;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!cs_ucum_parse (from, &uf, error) || !cs_ucum_parse (to, &ut, error))
    return FALSE;
  if (strcmp (from, to) == 0)
    {
      *out = value;
      return TRUE;
    }
  switch (check_convertible (&uf, &ut, CS_UCUM_ANNOTATIONS_IGNORE))
    {
    case CONVERTIBLE:
      *out = cs_ucum_unit_convert (value, &uf, &ut);
      return TRUE;

    case INCOMMENSURABLE:
      g_set_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_INCOMMENSURABLE,
                   _("“%s” cannot be converted to “%s”: they measure different things"), from, to);
      return FALSE;

    case SPECIAL:
      g_set_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_NOT_CONVERTIBLE,
                   _("“%s” cannot be converted to “%s”: logarithmic units and temperatures inside compound units are not converted"),
                   from, to);
      return FALSE;

    case OUT_OF_RANGE:
    case ANNOTATIONS_DIFFER:
    default:
      g_set_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_NOT_CONVERTIBLE,
                   _("“%s” cannot be converted to “%s”: the factor between them is out of range"), from, to);
      return FALSE;
    }
}
