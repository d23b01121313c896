/* cs-ucum.c: UCUM unit codes — syntax check and conversion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-ucum.h"

G_DEFINE_QUARK (cs-ucum-error-quark, cs_ucum_error)

/* Dimensions: the seven UCUM base units, then one slot per arbitrary unit
 * (arbitrary units are commensurable only with themselves). */
enum { D_L, D_M, D_T, D_A, D_K, D_Q, D_F, N_BASE };

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
  double      factor;       /* in base units m, g, s, rad, K, C, cd */
  gint8       dims[N_BASE]; /* L M T A K Q F */
  double      offset;       /* ATOM_SPECIAL: base = value × factor + offset */
} Atom;

#define DIM(l, m, t, a, k, q, f) { l, m, t, a, k, q, f }
#define NODIM DIM (0, 0, 0, 0, 0, 0, 0)
#define AVOGADRO 6.0221367e23
#define PI G_PI
#define INCH 0.0254
#define LB 453.59237
#define GAL_US (231.0 * INCH * INCH * INCH)
#define YEAR_J (365.25 * 86400.0)

static const Atom atoms[] = {
  /* base units */
  { "m", ATOM_METRIC, 1, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "s", ATOM_METRIC, 1, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "g", ATOM_METRIC, 1, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "rad", ATOM_METRIC, 1, DIM (0, 0, 0, 1, 0, 0, 0), 0 },
  { "K", ATOM_METRIC, 1, DIM (0, 0, 0, 0, 1, 0, 0), 0 },
  { "C", ATOM_METRIC, 1, DIM (0, 0, 0, 0, 0, 1, 0), 0 },
  { "cd", ATOM_METRIC, 1, DIM (0, 0, 0, 0, 0, 0, 1), 0 },
  /* dimensionless */
  { "10*", 0, 10, NODIM, 0 },
  { "10^", 0, 10, NODIM, 0 },
  { "[pi]", 0, PI, NODIM, 0 },
  { "%", 0, 1e-2, NODIM, 0 },
  { "[ppth]", 0, 1e-3, NODIM, 0 },
  { "[ppm]", 0, 1e-6, NODIM, 0 },
  { "[ppb]", 0, 1e-9, NODIM, 0 },
  { "[pptr]", 0, 1e-12, NODIM, 0 },
  { "mol", ATOM_METRIC, AVOGADRO, NODIM, 0 },
  { "eq", ATOM_METRIC, AVOGADRO, NODIM, 0 },
  { "osm", ATOM_METRIC, AVOGADRO, NODIM, 0 },
  { "sr", ATOM_METRIC, 1, DIM (0, 0, 0, 2, 0, 0, 0), 0 },
  { "bit", ATOM_METRIC, 1, NODIM, 0 },
  { "By", ATOM_METRIC, 8, NODIM, 0 },
  { "[HPF]", 0, 1, NODIM, 0 },
  { "[LPF]", 0, 100, NODIM, 0 },
  /* SI derived units */
  { "Hz", ATOM_METRIC, 1, DIM (0, 0, -1, 0, 0, 0, 0), 0 },
  { "N", ATOM_METRIC, 1e3, DIM (1, 1, -2, 0, 0, 0, 0), 0 },
  { "Pa", ATOM_METRIC, 1e3, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "J", ATOM_METRIC, 1e3, DIM (2, 1, -2, 0, 0, 0, 0), 0 },
  { "W", ATOM_METRIC, 1e3, DIM (2, 1, -3, 0, 0, 0, 0), 0 },
  { "A", ATOM_METRIC, 1, DIM (0, 0, -1, 0, 0, 1, 0), 0 },
  { "V", ATOM_METRIC, 1e3, DIM (2, 1, -2, 0, 0, -1, 0), 0 },
  { "F", ATOM_METRIC, 1e-3, DIM (-2, -1, 2, 0, 0, 2, 0), 0 },
  { "Ohm", ATOM_METRIC, 1e3, DIM (2, 1, -1, 0, 0, -2, 0), 0 },
  { "S", ATOM_METRIC, 1e-3, DIM (-2, -1, 1, 0, 0, 2, 0), 0 },
  { "mho", ATOM_METRIC, 1e-3, DIM (-2, -1, 1, 0, 0, 2, 0), 0 },
  { "Wb", ATOM_METRIC, 1e3, DIM (2, 1, -1, 0, 0, -1, 0), 0 },
  { "T", ATOM_METRIC, 1e3, DIM (0, 1, -1, 0, 0, -1, 0), 0 },
  { "H", ATOM_METRIC, 1e3, DIM (2, 1, 0, 0, 0, -2, 0), 0 },
  { "lm", ATOM_METRIC, 1, DIM (0, 0, 0, 2, 0, 0, 1), 0 },
  { "lx", ATOM_METRIC, 1, DIM (-2, 0, 0, 2, 0, 0, 1), 0 },
  { "Bq", ATOM_METRIC, 1, DIM (0, 0, -1, 0, 0, 0, 0), 0 },
  { "Gy", ATOM_METRIC, 1, DIM (2, 0, -2, 0, 0, 0, 0), 0 },
  { "Sv", ATOM_METRIC, 1, DIM (2, 0, -2, 0, 0, 0, 0), 0 },
  { "kat", ATOM_METRIC, AVOGADRO, DIM (0, 0, -1, 0, 0, 0, 0), 0 },
  { "U", ATOM_METRIC, AVOGADRO * 1e-6 / 60.0, DIM (0, 0, -1, 0, 0, 0, 0), 0 },
  /* temperature */
  { "Cel", ATOM_METRIC | ATOM_SPECIAL, 1, DIM (0, 0, 0, 0, 1, 0, 0), 273.15 },
  { "[degF]", ATOM_SPECIAL, 5.0 / 9.0, DIM (0, 0, 0, 0, 1, 0, 0), 459.67 * 5.0 / 9.0 },
  { "[degR]", 0, 5.0 / 9.0, DIM (0, 0, 0, 0, 1, 0, 0), 0 },
  /* angles */
  { "deg", 0, PI / 180.0, DIM (0, 0, 0, 1, 0, 0, 0), 0 },
  { "gon", 0, 0.9 * PI / 180.0, DIM (0, 0, 0, 1, 0, 0, 0), 0 },
  { "'", 0, PI / 180.0 / 60.0, DIM (0, 0, 0, 1, 0, 0, 0), 0 },
  { "''", 0, PI / 180.0 / 3600.0, DIM (0, 0, 0, 1, 0, 0, 0), 0 },
  /* time */
  { "min", 0, 60, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "h", 0, 3600, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "d", 0, 86400, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "wk", 0, 7 * 86400.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "a_t", 0, 365.24219 * 86400.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "a_j", 0, YEAR_J, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "a_g", 0, 365.2425 * 86400.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "a", 0, YEAR_J, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "mo_s", 0, 29.53059 * 86400.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "mo_j", 0, YEAR_J / 12.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "mo_g", 0, 365.2425 * 86400.0 / 12.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  { "mo", 0, YEAR_J / 12.0, DIM (0, 0, 1, 0, 0, 0, 0), 0 },
  /* volume, area, mass, length */
  { "l", ATOM_METRIC, 1e-3, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "L", ATOM_METRIC, 1e-3, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "ar", ATOM_METRIC, 100, DIM (2, 0, 0, 0, 0, 0, 0), 0 },
  { "t", ATOM_METRIC, 1e6, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "u", ATOM_METRIC, 1.6605402e-24, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "g%", ATOM_METRIC, 1e4, DIM (-3, 1, 0, 0, 0, 0, 0), 0 },
  { "Ao", 0, 1e-10, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "AU", 0, 1.49597870691e11, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "pc", ATOM_METRIC, 3.085678e16, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  /* other metric units */
  { "bar", ATOM_METRIC, 1e8, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "atm", 0, 101325e3, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "m[Hg]", ATOM_METRIC, 133.322e6, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "m[H2O]", ATOM_METRIC, 9.80665e6, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "[in_i'Hg]", 0, 133.322e6 * INCH, DIM (-1, 1, -2, 0, 0, 0, 0), 0 },
  { "eV", ATOM_METRIC, 1.60217733e-16, DIM (2, 1, -2, 0, 0, 0, 0), 0 },
  { "cal", ATOM_METRIC, 4184, DIM (2, 1, -2, 0, 0, 0, 0), 0 },
  { "[Cal]", 0, 4184e3, DIM (2, 1, -2, 0, 0, 0, 0), 0 },
  { "erg", ATOM_METRIC, 1e-4, DIM (2, 1, -2, 0, 0, 0, 0), 0 },
  { "dyn", ATOM_METRIC, 1e-2, DIM (1, 1, -2, 0, 0, 0, 0), 0 },
  { "G", ATOM_METRIC, 0.1, DIM (0, 1, -1, 0, 0, -1, 0), 0 },
  { "Ci", ATOM_METRIC, 3.7e10, DIM (0, 0, -1, 0, 0, 0, 0), 0 },
  { "R", ATOM_METRIC, 2.58e-7, DIM (0, -1, 0, 0, 0, 1, 0), 0 },
  { "RAD", ATOM_METRIC, 1e-2, DIM (2, 0, -2, 0, 0, 0, 0), 0 },
  { "REM", ATOM_METRIC, 1e-2, DIM (2, 0, -2, 0, 0, 0, 0), 0 },
  { "[c]", ATOM_METRIC, 299792458.0, DIM (1, 0, -1, 0, 0, 0, 0), 0 },
  { "[g]", ATOM_METRIC, 9.80665, DIM (1, 0, -2, 0, 0, 0, 0), 0 },
  /* customary units */
  { "[in_i]", 0, INCH, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "[ft_i]", 0, 12 * INCH, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "[yd_i]", 0, 36 * INCH, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "[mi_i]", 0, 5280 * 12 * INCH, DIM (1, 0, 0, 0, 0, 0, 0), 0 },
  { "[lb_av]", 0, LB, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "[oz_av]", 0, LB / 16.0, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "[stone_av]", 0, 14 * LB, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "[gr]", 0, 64.79891e-3, DIM (0, 1, 0, 0, 0, 0, 0), 0 },
  { "[gal_us]", 0, GAL_US, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[qt_us]", 0, GAL_US / 4.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[pt_us]", 0, GAL_US / 8.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[cup_us]", 0, GAL_US / 16.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[foz_us]", 0, GAL_US / 128.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[tbs_us]", 0, GAL_US / 256.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[tsp_us]", 0, GAL_US / 768.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[gal_br]", 0, 4.54609e-3, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[pt_br]", 0, 4.54609e-3 / 8.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  { "[drp]", 0, 1e-6 / 20.0, DIM (3, 0, 0, 0, 0, 0, 0), 0 },
  /* logarithmic */
  { "[pH]", ATOM_LOG, 1, NODIM, 0 },
  { "B", ATOM_METRIC | ATOM_LOG, 1, NODIM, 0 },
  { "Np", ATOM_METRIC | ATOM_LOG, 1, NODIM, 0 },
  /* arbitrary units: each its own dimension (slot N_BASE + index below) */
  { "[iU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[IU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[arb'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[USP'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[hnsf'U]", ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[CFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[PFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[FFU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[BAU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[AU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[Lf]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[PNU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[ELU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[EU]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[GPL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[MPL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[APL'U]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[EID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[TCID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
  { "[CCID_50]", ATOM_METRIC | ATOM_ARBITRARY, 1, NODIM, 0 },
};

#define N_ARBITRARY 19   /* [IU] shares the slot of [iU] */
#define N_DIMS (N_BASE + N_ARBITRARY)

typedef struct
{
  const char *code;
  double      factor;
} Prefix;

static const Prefix prefixes[] = {
  { "Y", 1e24 }, { "Z", 1e21 }, { "E", 1e18 }, { "P", 1e15 }, { "T", 1e12 }, { "G", 1e9 },
  { "M", 1e6 }, { "k", 1e3 }, { "h", 1e2 }, { "da", 1e1 }, { "d", 1e-1 }, { "c", 1e-2 },
  { "m", 1e-3 }, { "u", 1e-6 }, { "n", 1e-9 }, { "p", 1e-12 }, { "f", 1e-15 }, { "a", 1e-18 },
  { "z", 1e-21 }, { "y", 1e-24 },
  { "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
};

/* A parsed expression: factor × Π base^dims */
typedef struct
{
  double      factor;
  gint16      dims[N_DIMS];
  const Atom *special;        /* the special/log atom when there is one */
  double      special_prefix;
  guint       n_units;        /* atoms, factors and annotations-only terms */
  gboolean    special_plain;  /* the special atom stands alone, exponent 1 */
} Unit;

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

typedef struct
{
  const char *s;
  gsize       len;
  gsize       pos;
  const char *reason;
  gsize       error_pos;
} Parser;

#define PARSE_FAIL(p, msg) G_STMT_START { if ((p)->reason == NULL) { (p)->reason = (msg); (p)->error_pos = (p)->pos; } return FALSE; } G_STMT_END

static gboolean parse_term (Parser *p, Unit *u);

static void
unit_init (Unit *u)
{
  memset (u, 0, sizeof *u);
  u->factor = 1;
  u->special_prefix = 1;
}

static void
unit_combine (Unit       *u,
              const Unit *v,
              int         sign)
{
  guint i;

  u->factor = sign > 0 ? u->factor * v->factor : u->factor / v->factor;
  for (i = 0; i < N_DIMS; i++)
    u->dims[i] += (gint16) (sign * v->dims[i]);
  if (v->special != NULL)
    {
      u->special = v->special;
      u->special_prefix = v->special_prefix;
    }
  u->n_units += v->n_units;
}

static gboolean
parse_annotation (Parser *p)
{
  /* at '{' */
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
parse_simple (Parser *p,
              Unit   *u)
{
  gsize start = p->pos, len;
  const Atom *atom = NULL;
  double prefix = 1;
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
              prefix = prefixes[k].factor;
            }
          else if (a != NULL)
            {
              p->pos = start;
              PARSE_FAIL (p, N_("this unit does not take a metric prefix"));
            }
        }
    }
  if (atom == NULL)
    {
      p->pos = start;
      PARSE_FAIL (p, N_("unknown unit (UCUM is case-sensitive: e.g. “mL”, “mmol/L”, “Cel”, “[in_i]”)"));
    }
  if (!parse_exponent (p, &exponent))
    return FALSE;

  unit_init (u);
  u->n_units = 1;
  if (atom->flags & (ATOM_SPECIAL | ATOM_LOG))
    {
      u->special = atom;
      u->special_prefix = prefix;
      u->special_plain = exponent == 1;
    }
  u->factor = pow (atom->factor * prefix, exponent);
  if (strcmp (atom->code, "10*") == 0 || strcmp (atom->code, "10^") == 0)
    u->factor = pow (10, exponent);
  for (i = 0; i < N_BASE; i++)
    u->dims[i] = (gint16) (atom->dims[i] * exponent);
  if (atom->flags & ATOM_ARBITRARY)
    u->dims[arbitrary_slot (atom)] = (gint16) exponent;
  return TRUE;
}

static gboolean
parse_component (Parser *p,
                 Unit   *u)
{
  char c;

  if (p->pos >= p->len)
    PARSE_FAIL (p, N_("a unit is missing at the end of the code"));
  c = p->s[p->pos];
  if (c == '(')
    {
      p->pos++;
      if (!parse_term (p, u))
        return FALSE;
      if (p->pos >= p->len || p->s[p->pos] != ')')
        PARSE_FAIL (p, N_("“(” is not closed with “)”"));
      p->pos++;
      u->special_plain = FALSE;
      return TRUE;
    }
  if (c == '{')
    {
      unit_init (u);
      u->n_units = 1;
      return parse_annotation (p);
    }
  if (g_ascii_isdigit (c) && !(p->len - p->pos >= 3 && c == '1' && p->s[p->pos + 1] == '0'
                               && (p->s[p->pos + 2] == '*' || p->s[p->pos + 2] == '^')))
    {
      double v = 0;

      while (p->pos < p->len && g_ascii_isdigit (p->s[p->pos]))
        v = v * 10 + (p->s[p->pos++] - '0');
      unit_init (u);
      u->factor = v;
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
    return parse_annotation (p);
  return TRUE;
}

static gboolean
parse_term (Parser *p,
            Unit   *u)
{
  Unit v;

  if (!parse_component (p, u))
    return FALSE;
  while (p->pos < p->len && (p->s[p->pos] == '.' || p->s[p->pos] == '/'))
    {
      int sign = p->s[p->pos] == '/' ? -1 : 1;

      p->pos++;
      if (!parse_component (p, &v))
        return FALSE;
      unit_combine (u, &v, sign);
      u->special_plain = FALSE;
    }
  return TRUE;
}

static gboolean
parse_unit (const char  *code,
            gsize        len,
            Unit        *u,
            const char **reason,
            gsize       *error_pos)
{
  Parser p = { code, len, 0, NULL, 0 };
  gboolean ok;

  if (len == 0)
    {
      p.reason = N_("an empty unit is not allowed (use “1” for a unit of one)");
      ok = FALSE;
    }
  else if (code[0] == '/')
    {
      Unit v;

      p.pos = 1;
      unit_init (u);
      ok = parse_term (&p, &v);
      if (ok)
        {
          unit_combine (u, &v, -1);
          u->special_plain = FALSE;
        }
    }
  else
    ok = parse_term (&p, u);
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
    }
  return ok;
}

gboolean
cs_ucum_is_valid (const char  *code,
                  gsize        len,
                  const char **reason)
{
  Unit u;

  if (code == NULL)
    {
      if (reason != NULL)
        *reason = _("no unit");
      return FALSE;
    }
  return parse_unit (code, len, &u, reason, NULL);
}

static gboolean
parse_or_error (const char  *code,
                Unit        *u,
                GError     **error)
{
  const char *reason = NULL;
  gsize pos = 0;

  if (code == NULL)
    code = "";
  if (!parse_unit (code, strlen (code), u, &reason, &pos))
    {
      gboolean unknown = g_str_has_prefix (reason, _("unknown unit")) || g_str_has_prefix (reason, _("this unit does not take"));

      g_set_error (error, CS_UCUM_ERROR, unknown ? CS_UCUM_ERROR_UNKNOWN_UNIT : CS_UCUM_ERROR_SYNTAX,
                   _("unit “%s”, character %u: %s"), code, (guint) pos + 1, reason);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_ucum_validate (const char  *code,
                  GError     **error)
{
  Unit u;

  return parse_or_error (code, &u, error);
}

gboolean
cs_ucum_commensurable (const char *a,
                       const char *b)
{
  Unit ua, ub;

  if (!parse_or_error (a, &ua, NULL) || !parse_or_error (b, &ub, NULL))
    return FALSE;
  return memcmp (ua.dims, ub.dims, sizeof ua.dims) == 0;
}

/* value in a special unit to its base (kelvin) and back */
static gboolean
special_ok (const Unit *u)
{
  return u->special == NULL || ((u->special->flags & ATOM_SPECIAL) && u->special_plain && u->n_units == 1);
}

gboolean
cs_ucum_convert (double       value,
                 const char  *from,
                 const char  *to,
                 double      *out,
                 GError     **error)
{
  Unit uf, ut;
  double base;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!parse_or_error (from, &uf, error) || !parse_or_error (to, &ut, error))
    return FALSE;
  if (strcmp (from, to) == 0)
    {
      *out = value;
      return TRUE;
    }
  if (memcmp (uf.dims, ut.dims, sizeof uf.dims) != 0)
    {
      g_set_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_INCOMMENSURABLE,
                   _("“%s” cannot be converted to “%s”: they measure different things"), from, to);
      return FALSE;
    }
  if (!special_ok (&uf) || !special_ok (&ut))
    {
      g_set_error (error, CS_UCUM_ERROR, CS_UCUM_ERROR_NOT_CONVERTIBLE,
                   _("“%s” cannot be converted to “%s”: logarithmic units and temperatures inside compound units are not converted"),
                   from, to);
      return FALSE;
    }
  if (uf.special != NULL)
    base = value * uf.special_prefix * uf.special->factor + uf.special->offset;
  else
    base = value * uf.factor;
  if (ut.special != NULL)
    *out = (base - ut.special->offset) / ut.special->factor / ut.special_prefix;
  else
    *out = base / ut.factor;
  return TRUE;
}
