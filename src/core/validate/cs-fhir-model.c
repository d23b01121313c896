/* cs-fhir-model.c: lookups in the generated FHIR R4 table and primitive checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-date.h"
#include "cs-fhir-id.h"
#include "cs-fhir-model-private.h"

/* ------------------------------------------------------------------------ */
/* Names                                                                      */

static int
compare_name (const void *key,
              const void *item)
{
  return strcmp (key, *(const char *const *) item);
}

gboolean
cs_fhir_model_is_resource_type (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  return bsearch (name, cs_fhir_model_resource_type_names, cs_fhir_model_n_resource_type_names,
                  sizeof (const char *), compare_name) != NULL;
}

const char *const *
cs_fhir_model_resource_types (guint *n_out)
{
  if (n_out != NULL)
    *n_out = cs_fhir_model_n_resource_type_names;
  return cs_fhir_model_resource_type_names;
}

static int
compare_named (const void *key,
               const void *item)
{
  return strcmp (key, ((const CsFhirNamedStructure *) item)->name);
}

const CsFhirStructure *
cs_fhir_model_structure_by_name (const char *name)
{
  const CsFhirNamedStructure *found;

  if (name == NULL)
    return NULL;
  found = bsearch (name, cs_fhir_model_named, cs_fhir_model_n_named,
                   sizeof (CsFhirNamedStructure), compare_named);
  return found != NULL ? &cs_fhir_model_structures[found->structure] : NULL;
}

gboolean
cs_fhir_model_has_resource (const char *name)
{
  const CsFhirStructure *s = cs_fhir_model_structure_by_name (name);

  return s != NULL && s->kind == CS_FHIR_STRUCTURE_RESOURCE;
}

const CsFhirMember *
cs_fhir_model_member (const CsFhirStructure *structure,
                      const char            *name)
{
  const CsFhirMember *members;
  guint lo = 0, hi;
  guchar first = (guchar) name[0];

  if (structure == NULL)
    return NULL;
  members = &cs_fhir_model_members[structure->first_member];
  hi = structure->n_members;
  /* a binary search that compares the first byte before calling strcmp:
   * member names mostly differ there */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const char *m = members[mid].name;
      int c = (int) first - (int) (guchar) m[0];

      if (c == 0)
        c = strcmp (name, m);
      if (c == 0)
        return &members[mid];
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                      */

/* The structure below an element of a type: a BackboneElement's own
 * children, a complex type's elements, or Element (id, extension) for a
 * primitive. NULL for Resource. */
static const CsFhirStructure *
structure_below (const CsFhirElement *element,
                 const CsFhirType    *type)
{
  if (element->structure >= 0)
    return &cs_fhir_model_structures[element->structure];
  if (type->structure >= 0)
    return &cs_fhir_model_structures[type->structure];
  if (type->primitive != CS_FHIR_PRIMITIVE_NONE)
    return cs_fhir_model_structure_by_name ("Element");
  return NULL;
}

/* One step: "valueQuantity", "component[2]", "value[x]" */
static gboolean
step (const CsFhirStructure *structure,
      const char            *segment,
      gsize                  len,
      const CsFhirElement  **element_out,
      const CsFhirType     **type_out)
{
  char name[128];
  const CsFhirMember *member;
  const CsFhirElement *element;

  /* drop an array index ("component[2]"); keep "[x]" */
  if (len > 0 && segment[len - 1] == ']' && !(len > 3 && memcmp (segment + len - 3, "[x]", 3) == 0))
    {
      const char *open = memchr (segment, '[', len);
      gsize i;

      if (open == NULL || open + 1 == segment + len - 1)
        return FALSE;
      for (i = (gsize) (open - segment) + 1; i < len - 1; i++)
        if (!g_ascii_isdigit (segment[i]))
          return FALSE;
      len = (gsize) (open - segment);
    }
  if (len == 0 || len >= sizeof name)
    return FALSE;
  memcpy (name, segment, len);
  name[len] = '\0';

  if (len > 3 && strcmp (name + len - 3, "[x]") == 0)
    {
      guint i;

      name[len - 3] = '\0';
      for (i = 0; i < structure->n_elements; i++)
        {
          element = &cs_fhir_model_elements[structure->first_element + i];
          if ((element->flags & CS_FHIR_ELEMENT_CHOICE) && strcmp (element->name, name) == 0)
            {
              *element_out = element;
              *type_out = NULL;
              return TRUE;
            }
        }
      return FALSE;
    }

  member = cs_fhir_model_member (structure, name);
  if (member == NULL)
    return FALSE;
  element = &cs_fhir_model_elements[structure->first_element + member->element];
  *element_out = element;
  *type_out = &element->types[member->type];
  return TRUE;
}

gboolean
cs_fhir_model_lookup (const char   *resource_type,
                      const char   *dotted_path,
                      CsFhirLookup *out)
{
  const CsFhirStructure *structure;
  const CsFhirElement *element = NULL;
  const CsFhirType *type = NULL;
  gboolean in_array = FALSE;
  const char *p;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (dotted_path == NULL)
    return FALSE;

  if (resource_type == NULL)
    {
      const char *dot = strchr (dotted_path, '.');
      g_autofree char *first = dot ? g_strndup (dotted_path, (gsize) (dot - dotted_path)) : NULL;

      if (first == NULL)
        return FALSE;
      structure = cs_fhir_model_structure_by_name (first);
      p = dot + 1;
    }
  else
    {
      gsize n = strlen (resource_type);

      structure = cs_fhir_model_structure_by_name (resource_type);
      p = dotted_path;
      if (strncmp (p, resource_type, n) == 0 && p[n] == '.')
        p += n + 1;
    }
  if (structure == NULL || *p == '\0')
    return FALSE;

  while (*p != '\0')
    {
      const char *end = strchr (p, '.');
      gsize len = end ? (gsize) (end - p) : strlen (p);

      if (structure == NULL)
        return FALSE;   /* below Resource or a choice without a type */
      if (element != NULL && cs_fhir_element_is_array (element))
        in_array = TRUE;
      if (!step (structure, p, len, &element, &type))
        return FALSE;
      p += len;
      if (*p == '.')
        {
          p++;
          if (*p == '\0')
            return FALSE;
        }
      structure = type != NULL ? structure_below (element, type) : NULL;
    }

  out->element = element;
  out->type = type;
  out->repeats = cs_fhir_element_is_array (element);
  out->in_array = in_array;
  return TRUE;
}

const CsFhirElement *
cs_fhir_model_find (const char *resource_type,
                    const char *dotted_path)
{
  CsFhirLookup lookup;

  return cs_fhir_model_lookup (resource_type, dotted_path, &lookup) ? lookup.element : NULL;
}

const CsFhirElement *
cs_fhir_model_children (const char *resource_type,
                        const char *dotted_path,
                        guint      *n_out)
{
  const CsFhirStructure *structure = NULL;

  if (n_out != NULL)
    *n_out = 0;
  if (dotted_path == NULL || *dotted_path == '\0'
      || (resource_type != NULL && strcmp (dotted_path, resource_type) == 0))
    structure = cs_fhir_model_structure_by_name (resource_type);
  else
    {
      CsFhirLookup lookup;

      if (!cs_fhir_model_lookup (resource_type, dotted_path, &lookup) || lookup.type == NULL)
        return NULL;
      structure = structure_below (lookup.element, lookup.type);
    }
  if (structure == NULL)
    return NULL;
  if (n_out != NULL)
    *n_out = structure->n_elements;
  return &cs_fhir_model_elements[structure->first_element];
}

char *
cs_fhir_element_json_name (const CsFhirElement *element,
                           const CsFhirType    *type)
{
  g_return_val_if_fail (element != NULL, NULL);

  if ((element->flags & CS_FHIR_ELEMENT_CHOICE) && type != NULL)
    return g_strdup_printf ("%s%c%s", element->name, g_ascii_toupper (type->code[0]), type->code + 1);
  return g_strdup (element->name);
}

const CsFhirType *
cs_fhir_element_type_for_name (const CsFhirElement *element,
                               const char          *json_name)
{
  gsize n;
  guint i;

  g_return_val_if_fail (element != NULL, NULL);
  if (json_name == NULL)
    return NULL;
  if (!(element->flags & CS_FHIR_ELEMENT_CHOICE))
    return strcmp (json_name, element->name) == 0 ? &element->types[0] : NULL;
  n = strlen (element->name);
  if (strncmp (json_name, element->name, n) != 0 || json_name[n] == '\0')
    return NULL;
  for (i = 0; i < element->n_types; i++)
    {
      const char *code = element->types[i].code;

      if (g_ascii_toupper (code[0]) == json_name[n] && strcmp (code + 1, json_name + n + 1) == 0)
        return &element->types[i];
    }
  return NULL;
}

gboolean
cs_fhir_binding_has_code (const CsFhirBinding *binding,
                          const char          *system,
                          const char          *code)
{
  const char *const *found;
  gsize i;

  if (binding == NULL || code == NULL)
    return FALSE;
  found = bsearch (code, binding->codes, binding->n_codes, sizeof (const char *), compare_name);
  if (found == NULL)
    return FALSE;
  if (system == NULL)
    return TRUE;
  /* the same code may come from several systems: look at its neighbours */
  i = (gsize) (found - binding->codes);
  while (i > 0 && strcmp (binding->codes[i - 1], code) == 0)
    i--;
  for (; i < binding->n_codes && strcmp (binding->codes[i], code) == 0; i++)
    if (strcmp (binding->systems[i], system) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Primitive types                                                            */

static const char *const primitive_names[] = {
  [CS_FHIR_PRIMITIVE_NONE] = NULL,
  [CS_FHIR_PRIMITIVE_BASE64BINARY] = "base64Binary",
  [CS_FHIR_PRIMITIVE_BOOLEAN] = "boolean",
  [CS_FHIR_PRIMITIVE_CANONICAL] = "canonical",
  [CS_FHIR_PRIMITIVE_CODE] = "code",
  [CS_FHIR_PRIMITIVE_DATE] = "date",
  [CS_FHIR_PRIMITIVE_DATETIME] = "dateTime",
  [CS_FHIR_PRIMITIVE_DECIMAL] = "decimal",
  [CS_FHIR_PRIMITIVE_ID] = "id",
  [CS_FHIR_PRIMITIVE_INSTANT] = "instant",
  [CS_FHIR_PRIMITIVE_INTEGER] = "integer",
  [CS_FHIR_PRIMITIVE_MARKDOWN] = "markdown",
  [CS_FHIR_PRIMITIVE_OID] = "oid",
  [CS_FHIR_PRIMITIVE_POSITIVEINT] = "positiveInt",
  [CS_FHIR_PRIMITIVE_STRING] = "string",
  [CS_FHIR_PRIMITIVE_TIME] = "time",
  [CS_FHIR_PRIMITIVE_UNSIGNEDINT] = "unsignedInt",
  [CS_FHIR_PRIMITIVE_URI] = "uri",
  [CS_FHIR_PRIMITIVE_URL] = "url",
  [CS_FHIR_PRIMITIVE_UUID] = "uuid",
  [CS_FHIR_PRIMITIVE_XHTML] = "xhtml",
};

CsFhirPrimitive
cs_fhir_primitive_from_name (const char *fhir_type)
{
  guint i;

  if (fhir_type == NULL)
    return CS_FHIR_PRIMITIVE_NONE;
  for (i = 1; i < G_N_ELEMENTS (primitive_names); i++)
    if (strcmp (primitive_names[i], fhir_type) == 0)
      return (CsFhirPrimitive) i;
  return CS_FHIR_PRIMITIVE_NONE;
}

const char *
cs_fhir_primitive_name (CsFhirPrimitive primitive)
{
  if ((guint) primitive >= G_N_ELEMENTS (primitive_names))
    return NULL;
  return primitive_names[primitive];
}

#define FAIL(msg) G_STMT_START { if (reason != NULL) *reason = (msg); return FALSE; } G_STMT_END

/* R4: "strings SHALL NOT exceed 1MB in size" */
#define MAX_STRING_BYTES (1024u * 1024u)

/* \s of the R4 regular expressions (Java): space, \t, \n, \v, \f, \r */
static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static gboolean
check_text (const char  *value,
            gsize        len,
            gboolean     utf8_known,
            const char **reason)
{
  gsize i;

  if (len == 0)
    FAIL (_("an empty string is not allowed (leave the element out instead)"));
  if (len > MAX_STRING_BYTES)
    FAIL (_("longer than the 1 MB FHIR allows for a string"));
  if (!utf8_known && !g_utf8_validate_len (value, len, NULL))
    FAIL (_("not valid UTF-8"));
  for (i = 0; i < len; i++)
    {
      guchar c = (guchar) value[i];

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        FAIL (_("contains a control character (only tab, carriage return and line feed are allowed)"));
    }
  return TRUE;
}

/* [^\s]+(\s[^\s]+)* */
static gboolean
check_code (const char  *value,
            gsize        len,
            gboolean     utf8_known,
            const char **reason)
{
  gsize i;

  if (len == 0)
    FAIL (_("an empty code is not allowed"));
  if (is_space (value[0]) || is_space (value[len - 1]))
    FAIL (_("a code must not start or end with white space"));
  for (i = 1; i < len; i++)
    if (is_space (value[i]) && is_space (value[i - 1]))
      FAIL (_("a code must not contain two white space characters in a row"));
  return check_text (value, len, utf8_known, reason);
}

/* \S* (and not empty: JSON has no empty values) */
static gboolean
check_uri (const char  *value,
           gsize        len,
           gboolean     utf8_known,
           const char **reason)
{
  gsize i;

  if (len == 0)
    FAIL (_("an empty URI is not allowed"));
  for (i = 0; i < len; i++)
    if (is_space (value[i]))
      FAIL (_("a URI must not contain white space"));
  return check_text (value, len, utf8_known, reason);
}

/* urn:oid:[0-2](\.(0|[1-9][0-9]*))+ */
static gboolean
check_oid (const char  *value,
           gsize        len,
           const char **reason)
{
  gsize i = 8, arcs = 0;

  if (len < 8 || memcmp (value, "urn:oid:", 8) != 0)
    FAIL (_("an OID must start with “urn:oid:”"));
  if (i >= len || value[i] < '0' || value[i] > '2')
    FAIL (_("an OID must start with the arc 0, 1 or 2"));
  i++;
  while (i < len)
    {
      gsize start;

      if (value[i] != '.')
        FAIL (_("an OID is numbers separated by dots"));
      start = ++i;
      while (i < len && g_ascii_isdigit (value[i]))
        i++;
      if (i == start)
        FAIL (_("an OID has an empty arc"));
      if (value[start] == '0' && i - start > 1)
        FAIL (_("an OID arc must not have a leading zero"));
      arcs++;
    }
  if (arcs == 0)
    FAIL (_("an OID needs at least two arcs"));
  return TRUE;
}

/* urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} */
static gboolean
check_uuid (const char  *value,
            gsize        len,
            const char **reason)
{
  gsize i;

  if (len < 9 || memcmp (value, "urn:uuid:", 9) != 0)
    FAIL (_("a uuid must start with “urn:uuid:”"));
  if (len != 9 + 36)
    FAIL (_("a uuid has 36 characters after “urn:uuid:” (8-4-4-4-12 hexadecimal digits)"));
  for (i = 0; i < 36; i++)
    {
      char c = value[9 + i];

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            FAIL (_("a uuid has 36 characters after “urn:uuid:” (8-4-4-4-12 hexadecimal digits)"));
        }
      else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        FAIL (_("a uuid uses lower-case hexadecimal digits only"));
    }
  return TRUE;
}

/* -?(0|[1-9][0-9]*), returning the value when it fits in 64 bits */
static gboolean
parse_integer (const char  *value,
               gsize        len,
               gboolean     allow_sign,
               gint64      *out,
               const char **reason)
{
  gsize i = 0;
  gboolean negative = FALSE;
  gint64 v = 0;

  if (len > 0 && value[0] == '-' && allow_sign)
    {
      negative = TRUE;
      i = 1;
    }
  if (i == len)
    FAIL (_("not a whole number"));
  if (value[i] == '0' && len - i > 1)
    FAIL (_("a whole number must not have leading zeros"));
  for (; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        FAIL (_("not a whole number (no decimal point or exponent allowed)"));
      if (v > G_MAXINT64 / 16)
        FAIL (_("outside the 32-bit range FHIR allows (−2147483648 to 2147483647)"));
      v = v * 10 + (value[i] - '0');
    }
  *out = negative ? -v : v;
  return TRUE;
}

static gboolean
check_decimal (const char  *value,
               gsize        len,
               const char **reason)
{
  gsize i = 0, start;

  if (len > 0 && value[0] == '-')
    i++;
  start = i;
  while (i < len && g_ascii_isdigit (value[i]))
    i++;
  if (i == start)
    FAIL (_("not a decimal number"));
  if (value[start] == '0' && i - start > 1)
    FAIL (_("a decimal must not have leading zeros"));
  if (i < len && value[i] == '.')
    {
      start = ++i;
      while (i < len && g_ascii_isdigit (value[i]))
        i++;
      if (i == start)
        FAIL (_("a decimal point must be followed by digits"));
    }
  if (i < len && (value[i] == 'e' || value[i] == 'E'))
    {
      i++;
      if (i < len && (value[i] == '+' || value[i] == '-'))
        i++;
      start = i;
      while (i < len && g_ascii_isdigit (value[i]))
        i++;
      if (i == start)
        FAIL (_("an exponent must have digits"));
    }
  if (i != len)
    FAIL (_("not a decimal number"));
  return TRUE;
}

static gboolean
digits (const char *p,
        gsize       n,
        int        *out)
{
  int v = 0;
  gsize i;

  for (i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      v = v * 10 + (p[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* YYYY(-MM(-DD)?)? ; returns the number of bytes used in *used */
static gboolean
check_date_part (const char  *value,
                 gsize        len,
                 gboolean     full,
                 gsize       *used,
                 const char **reason)
{
  int year, month, day;

  if (len < 4 || !digits (value, 4, &year))
    FAIL (_("a date starts with a four-digit year (YYYY, YYYY-MM or YYYY-MM-DD)"));
  if (year == 0)
    FAIL (_("the year 0000 does not exist"));
  *used = 4;
  if (len == 4 || value[4] != '-')
    {
      if (full)
        FAIL (_("needs a full date (YYYY-MM-DD)"));
      return TRUE;
    }
  if (len < 7 || !digits (value + 5, 2, &month))
    FAIL (_("the month must have two digits (YYYY-MM)"));
  if (month < 1 || month > 12)
    FAIL (_("the month must be 01 to 12"));
  *used = 7;
  if (len == 7 || value[7] != '-')
    {
      if (full)
        FAIL (_("needs a full date (YYYY-MM-DD)"));
      return TRUE;
    }
  if (len < 10 || !digits (value + 8, 2, &day))
    FAIL (_("the day must have two digits (YYYY-MM-DD)"));
  if (day < 1 || day > (int) cs_date_days_in_month (year, (guint) month))
    FAIL (_("no such day in that month"));
  *used = 10;
  return TRUE;
}

/* hh:mm:ss(.s+)? */
static gboolean
check_time_part (const char  *value,
                 gsize        len,
                 gsize       *used,
                 const char **reason)
{
  int h, m, s;
  gsize i;

  if (len < 8 || !digits (value, 2, &h) || value[2] != ':' || !digits (value + 3, 2, &m)
      || value[5] != ':' || !digits (value + 6, 2, &s))
    FAIL (_("a time is written hh:mm:ss (seconds are required)"));
  if (h > 23)
    FAIL (_("the hour must be 00 to 23"));
  if (m > 59)
    FAIL (_("the minutes must be 00 to 59"));
  if (s > 60)
    FAIL (_("the seconds must be 00 to 60"));
  i = 8;
  if (i < len && value[i] == '.')
    {
      gsize start = ++i;

      while (i < len && g_ascii_isdigit (value[i]))
        i++;
      if (i == start)
        FAIL (_("a decimal point in the seconds must be followed by digits"));
    }
  *used = i;
  return TRUE;
}

/* Z | (+|-)hh:mm with hh:mm up to 14:00 */
static gboolean
check_zone (const char  *value,
            gsize        len,
            const char **reason)
{
  int h, m;

  if (len == 0)
    FAIL (_("a time of day needs a time zone (“Z” or “+hh:mm”)"));
  if (len == 1 && value[0] == 'Z')
    return TRUE;
  if (len != 6 || (value[0] != '+' && value[0] != '-') || !digits (value + 1, 2, &h)
      || value[3] != ':' || !digits (value + 4, 2, &m))
    FAIL (_("the time zone must be “Z” or “+hh:mm” / “-hh:mm”"));
  if (m > 59 || h > 14 || (h == 14 && m != 0))
    FAIL (_("the time zone offset must be between -14:00 and +14:00"));
  return TRUE;
}

static gboolean
check_date_time (const char  *value,
                 gsize        len,
                 gboolean     instant,
                 const char **reason)
{
  gsize used, more;

  if (!check_date_part (value, len, instant, &used, reason))
    return FALSE;
  if (used == len)
    {
      if (instant)
        FAIL (_("an instant needs a date, a time and a time zone"));
      return TRUE;
    }
  if (used != 10 || value[used] != 'T')
    FAIL (_("a date is YYYY, YYYY-MM or YYYY-MM-DD, then optionally “T” and a time"));
  used++;
  if (!check_time_part (value + used, len - used, &more, reason))
    return FALSE;
  used += more;
  return check_zone (value + used, len - used, reason);
}

static gboolean
check_time (const char  *value,
            gsize        len,
            const char **reason)
{
  gsize used;

  if (!check_time_part (value, len, &used, reason))
    return FALSE;
  if (used != len)
    FAIL (_("a time is hh:mm:ss with optional fractions of a second and no time zone"));
  return TRUE;
}

static inline gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

static gboolean
check_base64 (const char  *value,
              gsize        len,
              const char **reason)
{
  gsize i, n = 0, pad = 0;

  for (i = 0; i < len; i++)
    {
      char c = value[i];

      if (is_space (c))
        continue;
      if (c == '=')
        pad++;
      else if (is_base64_char (c))
        {
          if (pad > 0)
            FAIL (_("base64: “=” padding may only appear at the end"));
        }
      else
        FAIL (_("base64: only A–Z, a–z, 0–9, “+”, “/” and “=” are allowed"));
      n++;
    }
  if (n == 0)
    FAIL (_("an empty base64 value is not allowed"));
  if (n % 4 != 0)
    FAIL (_("base64: the length must be a multiple of 4 characters"));
  if (pad > 2)
    FAIL (_("base64: at most two “=” characters of padding"));
  return TRUE;
}

/* ---- xhtml: the narrative div -------------------------------------------- */

typedef struct
{
  int      depth;
  gboolean root_ok;
  gboolean has_text;
  const char *bad;
} XhtmlState;

static const char *const forbidden_elements[] = {
  "script", "form", "base", "link", "head", "body", "html", "frame", "frameset", "iframe",
  "object", "embed", "applet", "style", "input", "button", "select", "textarea", "meta",
};

static void
xhtml_start (GMarkupParseContext *context,
             const char          *element_name,
             const char         **attribute_names,
             const char         **attribute_values,
             gpointer             user_data,
             GError             **error)
{
  XhtmlState *st = user_data;
  const char *local = strchr (element_name, ':') ? strchr (element_name, ':') + 1 : element_name;
  guint i;

  if (st->depth == 0)
    {
      st->root_ok = strcmp (local, "div") == 0;
      if (st->root_ok)
        {
          st->root_ok = FALSE;
          for (i = 0; attribute_names[i] != NULL; i++)
            if (g_str_has_prefix (attribute_names[i], "xmlns")
                && strcmp (attribute_values[i], "http://www.w3.org/1999/xhtml") == 0)
              st->root_ok = TRUE;
        }
    }
  for (i = 0; i < G_N_ELEMENTS (forbidden_elements); i++)
    if (g_ascii_strcasecmp (local, forbidden_elements[i]) == 0 && st->bad == NULL)
      st->bad = N_("the narrative contains an element FHIR forbids (script, form, frames, objects, head, body…)");
  for (i = 0; attribute_names[i] != NULL; i++)
    if (g_ascii_strncasecmp (attribute_names[i], "on", 2) == 0 && st->bad == NULL)
      st->bad = N_("the narrative contains an event handler attribute (on…), which FHIR forbids");
  st->depth++;
}

static void
xhtml_end (GMarkupParseContext *context,
           const char          *element_name,
           gpointer             user_data,
           GError             **error)
{
  XhtmlState *st = user_data;

  st->depth--;
}

static void
xhtml_text (GMarkupParseContext *context,
            const char          *text,
            gsize                text_len,
            gpointer             user_data,
            GError             **error)
{
  XhtmlState *st = user_data;
  gsize i;

  for (i = 0; i < text_len && !st->has_text; i++)
    if (!is_space (text[i]))
      st->has_text = TRUE;
}

static gboolean
check_xhtml (const char  *value,
             gsize        len,
             gboolean     utf8_known,
             const char **reason)
{
  static const GMarkupParser parser = { xhtml_start, xhtml_end, xhtml_text, NULL, NULL };
  XhtmlState st = { 0 };
  GMarkupParseContext *context;
  gboolean ok;

  if (!check_text (value, len, utf8_known, reason))
    return FALSE;
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &st, NULL);
  ok = g_markup_parse_context_parse (context, value, (gssize) len, NULL)
       && g_markup_parse_context_end_parse (context, NULL);
  g_markup_parse_context_free (context);
  if (!ok)
    FAIL (_("the narrative is not well-formed XHTML (only the XML entities &lt; &gt; &amp; &quot; &apos; and numeric character references are allowed)"));
  if (!st.root_ok)
    FAIL (_("the narrative must be one <div xmlns=\"http://www.w3.org/1999/xhtml\"> element"));
  if (st.bad != NULL)
    FAIL (_(st.bad));
  if (!st.has_text)
    FAIL (_("the narrative has no text (txt-2)"));
  return TRUE;
}

gboolean
cs_fhir_primitive_check_value (CsFhirPrimitive primitive,
                               const char     *value,
                               gsize           len,
                               gboolean        utf8_known,
                               const char    **reason)
{
  gint64 v;
  gsize used;

  if (value == NULL)
    FAIL (_("no value"));

  switch (primitive)
    {
    case CS_FHIR_PRIMITIVE_BOOLEAN:
      if ((len == 4 && memcmp (value, "true", 4) == 0) || (len == 5 && memcmp (value, "false", 5) == 0))
        return TRUE;
      FAIL (_("a boolean is true or false"));

    case CS_FHIR_PRIMITIVE_INTEGER:
      if (!parse_integer (value, len, TRUE, &v, reason))
        return FALSE;
      if (v < G_MININT32 || v > G_MAXINT32)
        FAIL (_("outside the 32-bit range FHIR allows (−2147483648 to 2147483647)"));
      return TRUE;

    case CS_FHIR_PRIMITIVE_POSITIVEINT:
      if (len > 0 && value[0] == '-')
        FAIL (_("a positiveInt must be 1 or more"));
      if (!parse_integer (value, len, FALSE, &v, reason))
        return FALSE;
      if (v < 1)
        FAIL (_("a positiveInt must be 1 or more"));
      if (v > G_MAXINT32)
        FAIL (_("outside the 32-bit range FHIR allows (at most 2147483647)"));
      return TRUE;

    case CS_FHIR_PRIMITIVE_UNSIGNEDINT:
      if (len > 0 && value[0] == '-')
        FAIL (_("an unsignedInt must be 0 or more"));
      if (!parse_integer (value, len, FALSE, &v, reason))
        return FALSE;
      if (v > G_MAXINT32)
        FAIL (_("outside the 32-bit range FHIR allows (at most 2147483647)"));
      return TRUE;

    case CS_FHIR_PRIMITIVE_DECIMAL:
      return check_decimal (value, len, reason);

    case CS_FHIR_PRIMITIVE_STRING:
    case CS_FHIR_PRIMITIVE_MARKDOWN:
      return check_text (value, len, utf8_known, reason);

    case CS_FHIR_PRIMITIVE_CODE:
      return check_code (value, len, utf8_known, reason);

    case CS_FHIR_PRIMITIVE_ID:
      return cs_fhir_id_check (value, (gssize) len, reason);

    case CS_FHIR_PRIMITIVE_URI:
    case CS_FHIR_PRIMITIVE_URL:
    case CS_FHIR_PRIMITIVE_CANONICAL:
      return check_uri (value, len, utf8_known, reason);

    case CS_FHIR_PRIMITIVE_OID:
      return check_oid (value, len, reason);

    case CS_FHIR_PRIMITIVE_UUID:
      return check_uuid (value, len, reason);

    case CS_FHIR_PRIMITIVE_DATE:
      if (!check_date_part (value, len, FALSE, &used, reason))
        return FALSE;
      if (used != len)
        FAIL (_("a date is YYYY, YYYY-MM or YYYY-MM-DD (no time; use a dateTime for that)"));
      return TRUE;

    case CS_FHIR_PRIMITIVE_DATETIME:
      return check_date_time (value, len, FALSE, reason);

    case CS_FHIR_PRIMITIVE_INSTANT:
      return check_date_time (value, len, TRUE, reason);

    case CS_FHIR_PRIMITIVE_TIME:
      return check_time (value, len, reason);

    case CS_FHIR_PRIMITIVE_BASE64BINARY:
      return check_base64 (value, len, reason);

    case CS_FHIR_PRIMITIVE_XHTML:
      return check_xhtml (value, len, utf8_known, reason);

    case CS_FHIR_PRIMITIVE_NONE:
    default:
      FAIL (_("not a FHIR primitive type"));
    }
}

gboolean
cs_fhir_primitive_check_kind (CsFhirPrimitive primitive,
                              const char     *value,
                              gsize           len,
                              const char    **reason)
{
  return cs_fhir_primitive_check_value (primitive, value, len, FALSE, reason);
}

gboolean
cs_fhir_primitive_check (const char  *fhir_type,
                         const char  *value,
                         gsize        len,
                         const char **reason)
{
  return cs_fhir_primitive_check_kind (cs_fhir_primitive_from_name (fhir_type), value, len, reason);
}
