/* cs-fhir-validate.c: check a FHIR R4 resource against the generated model
 *
 * One recursive walk over the CsJsonNode tree. For each JSON object the
 * members are looked up in the structure's sorted member table (binary
 * search), recorded per element, then checked in definition order; the
 * path is kept in one GString that grows and shrinks with the walk, so a
 * valid resource costs no allocation beyond that buffer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-date.h"
#include "cs-fhir-model-private.h"
#include "cs-fhir-validate.h"
#include "cs-ucum.h"

#define UCUM_SYSTEM "http://unitsofmeasure.org"
#define CONDITION_CLINICAL "http://terminology.hl7.org/CodeSystem/condition-clinical"
#define CONDITION_VER_STATUS "http://terminology.hl7.org/CodeSystem/condition-ver-status"

typedef struct
{
  const CsFhirStructure *element;
  const CsFhirStructure *quantity;
  const CsFhirStructure *age;
  const CsFhirStructure *duration;
  const CsFhirStructure *distance;
  const CsFhirStructure *count;
  const CsFhirStructure *reference;
  const CsFhirStructure *coding;
  const CsFhirStructure *codeable_concept;
  const CsFhirStructure *extension;
  const CsFhirStructure *period;
  const CsFhirStructure *range;
  const CsFhirStructure *ratio;
  const CsFhirStructure *contact_point;
  const CsFhirStructure *attachment;
  /* backbone elements with invariants */
  const CsFhirStructure *reference_range;
  const CsFhirStructure *stage;
  const CsFhirStructure *evidence;
  const CsFhirStructure *patient_contact;
  const CsFhirStructure *map_target;
  const CsFhirStructure *map_unmapped;
} Known;

static const CsFhirStructure *
backbone (const char *resource_type,
          const char *path)
{
  CsFhirLookup lookup;

  if (!cs_fhir_model_lookup (resource_type, path, &lookup) || lookup.element->structure < 0)
    g_error ("the FHIR model lacks %s.%s", resource_type, path);
  return cs_fhir_model_structure (lookup.element->structure);
}

static const Known *
known (void)
{
  static Known k;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      k.element = cs_fhir_model_structure_by_name ("Element");
      k.quantity = cs_fhir_model_structure_by_name ("Quantity");
      k.age = cs_fhir_model_structure_by_name ("Age");
      k.duration = cs_fhir_model_structure_by_name ("Duration");
      k.distance = cs_fhir_model_structure_by_name ("Distance");
      k.count = cs_fhir_model_structure_by_name ("Count");
      k.reference = cs_fhir_model_structure_by_name ("Reference");
      k.coding = cs_fhir_model_structure_by_name ("Coding");
      k.codeable_concept = cs_fhir_model_structure_by_name ("CodeableConcept");
      k.extension = cs_fhir_model_structure_by_name ("Extension");
      k.period = cs_fhir_model_structure_by_name ("Period");
      k.range = cs_fhir_model_structure_by_name ("Range");
      k.ratio = cs_fhir_model_structure_by_name ("Ratio");
      k.contact_point = cs_fhir_model_structure_by_name ("ContactPoint");
      k.attachment = cs_fhir_model_structure_by_name ("Attachment");
      k.reference_range = backbone ("Observation", "referenceRange");
      k.stage = backbone ("Condition", "stage");
      k.evidence = backbone ("Condition", "evidence");
      k.patient_contact = backbone ("Patient", "contact");
      k.map_target = backbone ("ConceptMap", "group.element.target");
      k.map_unmapped = backbone ("ConceptMap", "group.unmapped");
      g_assert (k.element != NULL && k.quantity != NULL && k.reference != NULL);
      g_once_init_leave (&once, 1);
    }
  return &k;
}

typedef struct
{
  GPtrArray        *problems;
  GString          *path;
  guint             flags;
  guint             n_errors;
  guint             n_listed;
  guint             n_dropped;
  guint             n_dropped_errors;
  const char       *bundle_type;   /* of the innermost Bundle, or NULL */
  const CsJsonNode *container;     /* the resource whose contained[] "#id" references use */
  const Known      *k;
} Ctx;

/* ------------------------------------------------------------------------ */
/* Problems and paths                                                         */

void
cs_fhir_problem_free (CsFhirProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

GPtrArray *
cs_fhir_problems_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cs_fhir_problem_free);
}

static void problem_at (Ctx *ctx, CsFhirSeverity severity, const char *suffix, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
problem_at (Ctx            *ctx,
            CsFhirSeverity  severity,
            const char     *suffix,
            const char     *format,
            ...)
{
  CsFhirProblem *p;
  va_list args;

  if (severity == CS_FHIR_SEVERITY_ERROR)
    ctx->n_errors++;
  else if (ctx->flags & CS_FHIR_VALIDATE_NO_WARNINGS)
    return;
  if (ctx->problems == NULL)
    return;
  if (ctx->n_listed >= CS_FHIR_MAX_PROBLEMS)
    {
      ctx->n_dropped++;
      if (severity == CS_FHIR_SEVERITY_ERROR)
        ctx->n_dropped_errors++;
      return;
    }
  p = g_new0 (CsFhirProblem, 1);
  p->severity = severity;
  p->path = suffix != NULL ? g_strconcat (ctx->path->str, suffix, NULL) : g_strdup (ctx->path->str);
  va_start (args, format);
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (ctx->problems, p);
  ctx->n_listed++;
}

#define ERROR_AT(ctx, suffix, ...) problem_at ((ctx), CS_FHIR_SEVERITY_ERROR, (suffix), __VA_ARGS__)
#define ERROR(ctx, ...) problem_at ((ctx), CS_FHIR_SEVERITY_ERROR, NULL, __VA_ARGS__)
#define WARNING(ctx, ...) problem_at ((ctx), CS_FHIR_SEVERITY_WARNING, NULL, __VA_ARGS__)

static inline gsize
path_member (Ctx        *ctx,
             const char *name)
{
  gsize old = ctx->path->len;

  g_string_append_c (ctx->path, '.');
  g_string_append (ctx->path, name);
  return old;
}

static inline gsize
path_index (Ctx   *ctx,
            guint  index)
{
  gsize old = ctx->path->len;
  char buf[16];
  int n = 0;

  do
    {
      buf[n++] = (char) ('0' + index % 10);
      index /= 10;
    }
  while (index > 0);
  g_string_append_c (ctx->path, '[');
  while (n > 0)
    g_string_append_c (ctx->path, buf[--n]);
  g_string_append_c (ctx->path, ']');
  return old;
}

static inline void
path_pop (Ctx   *ctx,
          gsize  old)
{
  g_string_truncate (ctx->path, old);
}

/* A value for a message: at most 60 characters */
static char *
shorten (const char *s,
         gsize       len)
{
  const char *end;

  if (g_utf8_validate_len (s, len, &end) && g_utf8_strlen (s, (gssize) len) <= 60)
    return g_strndup (s, len);
  if (!g_utf8_validate_len (s, len, &end))
    len = (gsize) (end - s);
  end = g_utf8_offset_to_pointer (s, MIN (57, g_utf8_strlen (s, (gssize) len)));
  {
    g_autofree char *head = g_strndup (s, (gsize) (end - s));

    return g_strconcat (head, "…", NULL);
  }
}

static char *
targets_list (const char *targets)
{
  g_auto (GStrv) parts = g_strsplit (targets, "|", -1);
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, parts[i]);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_member_prefix (const CsJsonNode *object,
                   const char       *prefix)
{
  const CsJsonNode *c;
  gsize n = strlen (prefix);

  for (c = cs_json_first (object); c != NULL; c = c->next)
    if (strncmp (c->key, prefix, n) == 0 && c->key[n] >= 'A' && c->key[n] <= 'Z')
      return TRUE;
  return FALSE;
}

/* a value[x] member: valueQuantity, valueString… */
static inline gboolean
has_value_member (const CsJsonNode *object)
{
  return has_member_prefix (object, "value");
}

/* ------------------------------------------------------------------------ */
/* Walk                                                                       */

static void validate_object (Ctx *ctx, const CsJsonNode *node, const CsFhirStructure *structure, gboolean resource);
static void validate_resource (Ctx *ctx, const CsJsonNode *node, gboolean contained);

static const char *
json_type_name (CsJsonType type)
{
  switch (type)
    {
    case CS_JSON_NULL: return _("null");
    case CS_JSON_BOOLEAN: return _("a boolean");
    case CS_JSON_NUMBER: return _("a number");
    case CS_JSON_STRING: return _("a string");
    case CS_JSON_ARRAY: return _("an array");
    case CS_JSON_OBJECT: return _("an object");
    default: return "?";
    }
}

static void
validate_primitive (Ctx                 *ctx,
                    const CsJsonNode    *node,
                    const CsFhirElement *element,
                    const CsFhirType    *type)
{
  CsJsonType want;
  const char *text, *reason = NULL;
  gsize len;

  /* a primitive element without a primitive type is checked as a string */
  want = type->primitive == CS_FHIR_PRIMITIVE_NONE ? CS_JSON_STRING : cs_fhir_primitive_json_type (type->primitive);

  if (node->type != want)
    {
      if (want == CS_JSON_NUMBER && node->type == CS_JSON_STRING)
        ERROR (ctx, _("must be a JSON number (FHIR %s), not a string: write it without quotes"), type->code);
      else if (want == CS_JSON_BOOLEAN && node->type == CS_JSON_STRING)
        ERROR (ctx, _("must be a JSON boolean (true or false), not a string: write it without quotes"));
      else
        ERROR (ctx, _("must be %s (FHIR %s), not %s"), json_type_name (want), type->code,
               json_type_name (node->type));
      return;
    }
  if (want == CS_JSON_BOOLEAN)
    return;
  if (want == CS_JSON_NUMBER)
    {
      text = node->v.number.text;
      len = strlen (text);
    }
  else
    {
      text = node->v.string.str;
      len = node->v.string.len;
    }
  if (!cs_fhir_primitive_check_value (type->primitive, text, len, TRUE, &reason))
    {
      g_autofree char *shown = shorten (text, len);

      ERROR (ctx, _("“%s” is not a valid %s: %s"), shown, type->code, reason);
      return;
    }
  if (element->binding != NULL && type->primitive == CS_FHIR_PRIMITIVE_CODE
      && !cs_fhir_binding_has_code (element->binding, NULL, text))
    {
      g_autofree char *shown = shorten (text, len);
      g_autoptr (GString) codes = g_string_new (NULL);
      guint i;

      for (i = 0; i < element->binding->n_codes && i < 12; i++)
        g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "", element->binding->codes[i]);
      if (element->binding->n_codes > 12)
        g_string_append (codes, ", …");
      ERROR (ctx, _("“%s” is not one of the codes %s allows: %s"), shown, element->binding->value_set, codes->str);
    }
}

/* -- data type checks ------------------------------------------------------ */

static const char *
get_string (const CsJsonNode *object,
            const char       *key)
{
  return cs_json_get_string (object, key);
}

static void
check_quantity (Ctx                   *ctx,
                const CsJsonNode      *node,
                const CsFhirStructure *structure,
                const CsFhirType      *type)
{
  const Known *k = ctx->k;
  const char *system = get_string (node, "system");
  const char *code = get_string (node, "code");
  const CsJsonNode *value = cs_json_get (node, "value");
  const char *reason = NULL;
  gboolean ucum = system != NULL && strcmp (system, UCUM_SYSTEM) == 0;

  if (code != NULL && system == NULL)
    ERROR (ctx, _("a unit code needs a system, e.g. \"system\": \"%s\" for UCUM (qty-3)"), UCUM_SYSTEM);
  if (ucum && code != NULL && !cs_ucum_is_valid (code, strlen (code), &reason))
    {
      g_autofree char *shown = shorten (code, strlen (code));

      ERROR_AT (ctx, ".code", _("“%s” is not a valid UCUM code: %s"), shown, reason);
    }
  if (type->profile != NULL && strcmp (type->profile, "SimpleQuantity") == 0 && cs_json_get (node, "comparator") != NULL)
    ERROR (ctx, _("a comparator is not allowed here (SimpleQuantity, sqty-1)"));

  if (structure == k->age || structure == k->duration || structure == k->distance || structure == k->count)
    {
      const char *what = structure == k->age ? "Age" : structure == k->duration ? "Duration"
                         : structure == k->distance ? "Distance" : "Count";
      const char *key = structure == k->age ? "age-1" : structure == k->duration ? "drt-1"
                        : structure == k->distance ? "dis-1" : "cnt-3";

      if (value != NULL && code == NULL)
        ERROR (ctx, _("a %s with a value needs a unit code (%s)"), what, key);
      if (system != NULL && !ucum)
        ERROR_AT (ctx, ".system", _("the system of a %s must be UCUM, %s (%s)"), what, UCUM_SYSTEM, key);
      if (ucum && code != NULL && reason == NULL)
        {
          if ((structure == k->age || structure == k->duration) && !cs_ucum_commensurable (code, "s"))
            ERROR_AT (ctx, ".code", _("the unit of a %s must be a unit of time (a, mo, wk, d, h, min, s) (%s)"), what, key);
          else if (structure == k->distance && !cs_ucum_commensurable (code, "m"))
            ERROR_AT (ctx, ".code", _("the unit of a Distance must be a unit of length (dis-1)"));
          else if (structure == k->count && strcmp (code, "1") != 0)
            ERROR_AT (ctx, ".code", _("the unit code of a Count must be \"1\" (cnt-3)"));
        }
      if (structure == k->age && value != NULL && value->type == CS_JSON_NUMBER && !(value->v.number.value > 0))
        ERROR_AT (ctx, ".value", _("an Age must be greater than 0 (age-1)"));
      if (structure == k->count && value != NULL && value->type == CS_JSON_NUMBER
          && strpbrk (value->v.number.text, ".eE") != NULL)
        ERROR_AT (ctx, ".value", _("a Count must be a whole number (cnt-3)"));
    }
}

static gboolean
contained_has_id (const CsJsonNode *container,
                  const char       *id)
{
  const CsJsonNode *c;

  for (c = cs_json_first (cs_json_get (container, "contained")); c != NULL; c = c->next)
    {
      const char *cid = get_string (c, "id");

      if (cid != NULL && strcmp (cid, id) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_id (const char *s,
       gsize       len)
{
  return cs_fhir_primitive_check_kind (CS_FHIR_PRIMITIVE_ID, s, len, NULL);
}

/* Type of "Type/id" or "Type/id/_history/vid" starting at s; FALSE when s is not that */
static gboolean
parse_relative (const char *s,
                char       *type_out,
                gsize       type_size)
{
  const char *slash = strchr (s, '/'), *id, *end;

  if (slash == NULL || (gsize) (slash - s) >= type_size || slash == s)
    return FALSE;
  memcpy (type_out, s, (gsize) (slash - s));
  type_out[slash - s] = '\0';
  if (!cs_fhir_model_is_resource_type (type_out))
    return FALSE;
  id = slash + 1;
  end = strchr (id, '/');
  if (end == NULL)
    return is_id (id, strlen (id));
  if (!is_id (id, (gsize) (end - id)))
    return FALSE;
  if (!g_str_has_prefix (end, "/_history/"))
    return FALSE;
  end += strlen ("/_history/");
  return is_id (end, strlen (end));
}

/* rtype is one of "|A|B|" */
static gboolean
target_allowed (const char *targets,
                const char *rtype)
{
  gsize n = strlen (rtype);
  const char *p;

  for (p = strstr (targets, rtype); p != NULL; p = strstr (p + 1, rtype))
    if (p[-1] == '|' && p[n] == '|')
      return TRUE;
  return FALSE;
}

static void
check_reference (Ctx              *ctx,
                 const CsJsonNode *node,
                 const CsFhirType *type)
{
  const char *ref = get_string (node, "reference");
  const char *rtype_el = get_string (node, "type");
  char rtype[64] = "";

  if (ref != NULL && *ref != '\0')
    {
      gboolean ok = TRUE;

      if (ref[0] == '#')
        {
          if (ref[1] != '\0' && !contained_has_id (ctx->container, ref + 1))
            ERROR_AT (ctx, ".reference", _("no contained resource has the id “%s” (ref-1)"), ref + 1);
        }
      else if (g_str_has_prefix (ref, "urn:uuid:"))
        ok = cs_fhir_primitive_check_kind (CS_FHIR_PRIMITIVE_UUID, ref, strlen (ref), NULL);
      else if (g_str_has_prefix (ref, "urn:oid:"))
        ok = cs_fhir_primitive_check_kind (CS_FHIR_PRIMITIVE_OID, ref, strlen (ref), NULL);
      else if (strstr (ref, "://") != NULL)
        {
          /* an absolute URL; when it ends in Type/id[/_history/vid], check the type */
          const char *p;

          for (p = strchr (ref, '/'); p != NULL; p = strchr (p + 1, '/'))
            if (parse_relative (p + 1, rtype, sizeof rtype))
              break;
          if (p == NULL)
            rtype[0] = '\0';
        }
      else if (strchr (ref, '?') != NULL)
        {
          const char *q = strchr (ref, '?');

          if ((gsize) (q - ref) < sizeof rtype)
            {
              memcpy (rtype, ref, (gsize) (q - ref));
              rtype[q - ref] = '\0';
            }
          if (!cs_fhir_model_is_resource_type (rtype))
            {
              ok = FALSE;
              rtype[0] = '\0';
            }
          else if (ctx->bundle_type == NULL
                   || (strcmp (ctx->bundle_type, "transaction") != 0 && strcmp (ctx->bundle_type, "batch") != 0))
            ERROR_AT (ctx, ".reference", _("a conditional reference (“%s”) is only allowed inside a transaction or batch Bundle"), ref);
        }
      else
        ok = parse_relative (ref, rtype, sizeof rtype);

      if (!ok)
        {
          g_autofree char *shown = shorten (ref, strlen (ref));

          rtype[0] = '\0';
          ERROR_AT (ctx, ".reference",
                    _("“%s” is not a valid reference: use Type/id (e.g. Patient/123), an absolute URL, urn:uuid:…, or #id of a contained resource"),
                    shown);
        }
    }

  if (rtype_el != NULL)
    {
      if (cs_fhir_model_is_resource_type (rtype_el))
        {
          if (rtype[0] != '\0' && strcmp (rtype, rtype_el) != 0)
            ERROR_AT (ctx, ".type", _("the reference points to a %s but type says %s"), rtype, rtype_el);
          else if (rtype[0] == '\0')
            g_strlcpy (rtype, rtype_el, sizeof rtype);
        }
      else if (strstr (rtype_el, "://") == NULL)
        ERROR_AT (ctx, ".type", _("“%s” is not a resource type"), rtype_el);
    }

  if (rtype[0] != '\0' && type->targets != NULL)
    {
      if (!target_allowed (type->targets, rtype))
        {
          g_autofree char *allowed = targets_list (type->targets);

          ERROR (ctx, _("a reference to %s is not allowed here (allowed: %s)"), rtype, allowed);
        }
    }
}

static gboolean
binding_has_system (const CsFhirBinding *binding,
                    const char          *system)
{
  guint i;

  for (i = 0; i < binding->n_codes; i++)
    if (strcmp (binding->systems[i], system) == 0)
      return TRUE;
  return FALSE;
}

static void
check_coding_in (Ctx                 *ctx,
                 const CsJsonNode    *coding,
                 const CsFhirBinding *binding,
                 const char          *suffix,
                 gboolean            *found)
{
  const char *system = get_string (coding, "system");
  const char *code = get_string (coding, "code");

  if (system == NULL || code == NULL || !binding_has_system (binding, system))
    return;
  if (cs_fhir_binding_has_code (binding, system, code))
    *found = TRUE;
  else
    {
      g_autofree char *shown = shorten (code, strlen (code));
      g_autofree char *where = g_strconcat (suffix, ".code", NULL);

      ERROR_AT (ctx, where, _("“%s” is not a code of %s in %s"), shown, system, binding->value_set);
      *found = TRUE;   /* reported once, at the code */
    }
}

static void
check_coded (Ctx                 *ctx,
             const CsJsonNode    *node,
             const CsFhirBinding *binding,
             gboolean             concept)
{
  gboolean found = FALSE;

  if (concept)
    {
      const CsJsonNode *c;
      guint i = 0;

      for (c = cs_json_first (cs_json_get (node, "coding")); c != NULL; c = c->next, i++)
        {
          char suffix[32];

          g_snprintf (suffix, sizeof suffix, ".coding[%u]", i);
          check_coding_in (ctx, c, binding, suffix, &found);
        }
    }
  else
    check_coding_in (ctx, node, binding, "", &found);

  if (!found)
    ERROR (ctx, _("needs a coding with system %s and one of its codes (required binding %s)"),
           binding->systems[0], binding->value_set);
}

/* per-1: a date/dateTime/instant as the interval [lo, hi) of seconds (UTC
 * when it has a time zone; a date has none) */
static gboolean
date_interval (const char *s,
               double     *lo,
               double     *hi,
               gboolean   *zoned)
{
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, tzh = 0, tzm = 0, tzsign = 0;
  double sec = 0, span;
  gsize len = strlen (s);

  if (!cs_fhir_primitive_check_kind (CS_FHIR_PRIMITIVE_DATETIME, s, len, NULL))
    return FALSE;
  y = atoi (s);
  span = 0;
  if (len == 4)
    span = -1;   /* a year */
  else
    {
      mo = atoi (s + 5);
      if (len == 7)
        span = -2;   /* a month */
      else
        {
          d = atoi (s + 8);
          if (len == 10)
            span = 86400;
          else
            {
              const char *z;

              h = atoi (s + 11);
              mi = atoi (s + 14);
              sec = g_ascii_strtod (s + 17, NULL);
              z = s + 19;
              while (*z == '.' || g_ascii_isdigit (*z))
                z++;
              if (*z == '+' || *z == '-')
                {
                  tzsign = *z == '-' ? -1 : 1;
                  tzh = atoi (z + 1);
                  tzm = atoi (z + 4);
                }
              /* the precision of the seconds */
              span = 1;
              if (s[19] == '.')
                {
                  const char *f = s + 20;

                  while (g_ascii_isdigit (*f))
                    {
                      span /= 10;
                      f++;
                    }
                }
            }
        }
    }
  if (y < 1 || y > 9999 || d > (int) cs_date_days_in_month (y, (guint) mo) || h > 23 || mi > 59)
    return FALSE;
  /* a leap second (:60) counts as the last one of its minute */
  *lo = (double) cs_date_days_from_civil (y, (guint) mo, (guint) d) * 86400.0 + h * 3600.0 + mi * 60.0
        + floor (MIN (sec, 59.999999)) + (sec - floor (sec)) - tzsign * (tzh * 3600.0 + tzm * 60.0);
  if (span == -1)
    *hi = (double) cs_date_days_from_civil (y + 1, 1, 1) * 86400.0;
  else if (span == -2)
    *hi = (double) (mo == 12 ? cs_date_days_from_civil (y + 1, 1, 1)
                             : cs_date_days_from_civil (y, (guint) mo + 1, 1)) * 86400.0;
  else
    *hi = *lo + span;
  *zoned = len > 10;
  return TRUE;
}

static void
check_period (Ctx              *ctx,
              const CsJsonNode *node)
{
  const char *start = get_string (node, "start"), *end = get_string (node, "end");
  double slo, shi, elo, ehi;
  gboolean szone, ezone;

  if (start == NULL || end == NULL || !date_interval (start, &slo, &shi, &szone) || !date_interval (end, &elo, &ehi, &ezone))
    return;
  /* a date against a time with a zone: the date may be in any zone (±14 h) */
  if (szone && !ezone)
    ehi += 14 * 3600.0;
  else if (ezone && !szone)
    slo -= 14 * 3600.0;
  if (slo >= ehi)
    ERROR (ctx, _("the start (%s) is after the end (%s) (per-1)"), start, end);
}

static void
check_complex (Ctx                   *ctx,
               const CsJsonNode      *node,
               const CsFhirElement   *element,
               const CsFhirType      *type,
               const CsFhirStructure *structure)
{
  const Known *k = ctx->k;

  if (structure->kind == CS_FHIR_STRUCTURE_BACKBONE)
    {
      if (structure == k->reference_range)
        {
          if (!cs_json_get (node, "low") && !cs_json_get (node, "high") && !cs_json_get (node, "text"))
            ERROR (ctx, _("a reference range needs low, high or text (obs-3)"));
        }
      else if (structure == k->stage)
        {
          if (!cs_json_get (node, "summary") && !cs_json_get (node, "assessment"))
            ERROR (ctx, _("a stage needs summary or assessment (con-1)"));
        }
      else if (structure == k->evidence)
        {
          if (!cs_json_get (node, "code") && !cs_json_get (node, "detail"))
            ERROR (ctx, _("evidence needs code or detail (con-2)"));
        }
      else if (structure == k->patient_contact)
        {
          if (!cs_json_get (node, "name") && !cs_json_get (node, "telecom") && !cs_json_get (node, "address")
              && !cs_json_get (node, "organization"))
            ERROR (ctx, _("a contact needs a name, telecom, address or organization (pat-1)"));
        }
      else if (structure == k->map_target)
        {
          const char *eq = get_string (node, "equivalence");

          if (eq != NULL && (strcmp (eq, "narrower") == 0 || strcmp (eq, "inexact") == 0) && !cs_json_get (node, "comment"))
            ERROR (ctx, _("a “%s” mapping needs a comment saying why (cmd-1)"), eq);
        }
      else if (structure == k->map_unmapped)
        {
          const char *mode = get_string (node, "mode");

          if (mode != NULL && strcmp (mode, "fixed") == 0 && !cs_json_get (node, "code"))
            ERROR (ctx, _("unmapped mode “fixed” needs a code (cmd-2)"));
          if (mode != NULL && strcmp (mode, "other-map") == 0 && !cs_json_get (node, "url"))
            ERROR (ctx, _("unmapped mode “other-map” needs a url (cmd-3)"));
        }
      return;
    }

  if (structure == k->quantity || structure == k->age || structure == k->duration
      || structure == k->distance || structure == k->count)
    check_quantity (ctx, node, structure, type);
  else if (structure == k->reference)
    check_reference (ctx, node, type);
  else if (structure == k->extension)
    {
      gboolean ext = cs_json_get (node, "extension") != NULL, val = has_value_member (node);

      if (ext == val)
        ERROR (ctx, ext ? _("an extension has either nested extensions or a value, not both (ext-1)")
                        : _("an extension needs a value[x] or nested extensions (ext-1)"));
    }
  else if (structure == k->period)
    check_period (ctx, node);
  else if (structure == k->range)
    {
      double lo, hi;

      if (cs_json_get_number (cs_json_get (node, "low"), "value", &lo)
          && cs_json_get_number (cs_json_get (node, "high"), "value", &hi) && lo > hi)
        ERROR (ctx, _("low (%g) is greater than high (%g) (rng-2)"), lo, hi);
    }
  else if (structure == k->ratio)
    {
      gboolean num = cs_json_get (node, "numerator") != NULL, den = cs_json_get (node, "denominator") != NULL;

      if (num != den)
        ERROR (ctx, _("a ratio needs both numerator and denominator, or neither (rat-1)"));
      else if (!num && !cs_json_get (node, "extension"))
        ERROR (ctx, _("a ratio without numerator and denominator needs an extension (rat-1)"));
    }
  else if (structure == k->contact_point)
    {
      if (cs_json_get (node, "value") && !cs_json_get (node, "system"))
        ERROR (ctx, _("a contact point with a value needs a system (phone, email…) (cpt-2)"));
    }
  else if (structure == k->attachment)
    {
      if (cs_json_get (node, "data") && !cs_json_get (node, "contentType"))
        ERROR (ctx, _("an attachment with data needs a contentType (att-1)"));
    }

  if (element->binding != NULL && (structure == k->codeable_concept || structure == k->coding))
    check_coded (ctx, node, element->binding, structure == k->codeable_concept);
}

static void
validate_item (Ctx                 *ctx,
               const CsJsonNode    *node,
               const CsFhirElement *element,
               const CsFhirType    *type)
{
  const CsFhirStructure *structure;

  if (type->primitive != CS_FHIR_PRIMITIVE_NONE)
    {
      validate_primitive (ctx, node, element, type);
      return;
    }
  if (node->type != CS_JSON_OBJECT)
    {
      ERROR (ctx, _("must be a JSON object (FHIR %s), not %s"), type->code, json_type_name (node->type));
      return;
    }
  structure = cs_fhir_model_structure (element->structure >= 0 ? element->structure : type->structure);
  if (structure == NULL || structure->kind == CS_FHIR_STRUCTURE_RESOURCE)
    {
      /* Resource: contained[], Bundle.entry.resource; or a resource type:
       * Bundle.entry.response.outcome (OperationOutcome) */
      const char *rt = get_string (node, "resourceType");

      if (structure != NULL && rt != NULL && strcmp (rt, structure->name) != 0)
        ERROR (ctx, _("must be a %s, not a %s"), structure->name, rt);
      else
        validate_resource (ctx, node, g_str_has_suffix (element->path, ".contained"));
      return;
    }
  validate_object (ctx, node, structure, FALSE);
  check_complex (ctx, node, element, type, structure);
}

/* The "_name" companion of a primitive: an Element (id, extension) */
static void
validate_companion (Ctx                 *ctx,
                    const CsJsonNode    *companion,
                    const CsJsonNode    *value,
                    const CsFhirElement *element)
{
  const CsFhirStructure *structure = ctx->k->element;

  if (cs_fhir_element_is_array (element))
    {
      const CsJsonNode *c;
      guint i = 0;

      if (companion->type != CS_JSON_ARRAY)
        {
          ERROR (ctx, _("must be an array, like the element it extends"));
          return;
        }
      if (value != NULL && value->type == CS_JSON_ARRAY && value->n_children != companion->n_children)
        ERROR (ctx, _("must have as many items (%u) as the element it extends (%u)"),
               companion->n_children, value->n_children);
      for (c = companion->v.first_child; c != NULL; c = c->next, i++)
        {
          gsize old = path_index (ctx, i);

          if (c->type == CS_JSON_OBJECT)
            validate_object (ctx, c, structure, FALSE);
          else if (c->type != CS_JSON_NULL)
            ERROR (ctx, _("must be an object with id or extension, or null"));
          path_pop (ctx, old);
        }
    }
  else if (companion->type == CS_JSON_OBJECT)
    validate_object (ctx, companion, structure, FALSE);
  else
    ERROR (ctx, _("must be an object with id or extension"));
}

static void
validate_value (Ctx                 *ctx,
                const char          *json_name,
                const CsJsonNode    *node,
                const CsJsonNode    *companion,
                const CsFhirElement *element,
                const CsFhirType    *type)
{
  gsize old;

  if (node != NULL)
    {
      old = path_member (ctx, json_name);
      if (!cs_fhir_element_is_array (element))
        {
          if (node->type == CS_JSON_ARRAY)
            ERROR (ctx, _("must be a single value, not an array (%s has at most one)"), element->path);
          else if (node->type == CS_JSON_NULL)
            ERROR (ctx, _("null is not allowed: leave the element out"));
          else
            validate_item (ctx, node, element, type);
        }
      else if (node->type != CS_JSON_ARRAY)
        {
          ERROR (ctx, _("must be an array (%s repeats), even with one value: [ … ]"), element->path);
          if (node->type != CS_JSON_NULL)
            validate_item (ctx, node, element, type);
        }
      else if (node->n_children == 0)
        ERROR (ctx, _("an empty array is not allowed: leave the element out"));
      else
        {
          const CsJsonNode *c, *cc;
          guint i = 0;

          if (node->n_children > element->max)
            ERROR (ctx, _("has %u items; at most %u are allowed"), node->n_children, element->max);
          if (node->n_children < element->min)
            ERROR (ctx, _("has %u items; at least %u are required"), node->n_children, element->min);
          cc = companion != NULL && companion->type == CS_JSON_ARRAY ? companion->v.first_child : NULL;
          for (c = node->v.first_child; c != NULL; c = c->next, i++)
            {
              gsize o = path_index (ctx, i);

              if (c->type == CS_JSON_NULL)
                {
                  if (cc == NULL || cc->type == CS_JSON_NULL)
                    ERROR (ctx, _("null is only allowed where “_%s” has an extension for this item"), json_name);
                }
              else
                validate_item (ctx, c, element, type);
              path_pop (ctx, o);
              if (cc != NULL)
                cc = cc->next;
            }
        }
      path_pop (ctx, old);
    }
  if (companion != NULL)
    {
      g_autofree char *name = g_strconcat ("_", json_name, NULL);

      old = path_member (ctx, name);
      validate_companion (ctx, companion, node, element);
      path_pop (ctx, old);
    }
}

static void
unknown_member (Ctx                   *ctx,
                const CsFhirStructure *structure,
                const char            *key)
{
  guint i;
  g_autofree char *shown = shorten (key, strlen (key));

  /* a choice element without its type: "value" */
  for (i = 0; i < structure->n_elements; i++)
    {
      const CsFhirElement *e = &cs_fhir_model_elements[structure->first_element + i];

      if ((e->flags & CS_FHIR_ELEMENT_CHOICE) && strcmp (e->name, key) == 0)
        {
          g_autofree char *a = cs_fhir_element_json_name (e, &e->types[0]);
          g_autofree char *b = cs_fhir_element_json_name (e, &e->types[MIN (1, e->n_types - 1)]);

          ERROR_AT (ctx, NULL, _("unknown element “%s”: %s[x] needs its type in the name, e.g. %s or %s"), shown, key, a, b);
          return;
        }
    }
  for (i = 0; i < structure->n_members; i++)
    {
      const char *name = cs_fhir_model_members[structure->first_member + i].name;

      if (g_ascii_strcasecmp (name, key) == 0)
        {
          ERROR (ctx, _("unknown element “%s” (FHIR names are case-sensitive: did you mean “%s”?)"), shown, name);
          return;
        }
    }
  ERROR (ctx, _("unknown element “%s” in %s"), shown, structure->name);
}

enum { SEEN_VALUE = 1, SEEN_COMPANION = 2 };

static void
validate_object (Ctx                   *ctx,
                 const CsJsonNode      *node,
                 const CsFhirStructure *structure,
                 gboolean               resource)
{
  guint8 seen[CS_FHIR_MAX_STRUCTURE_ELEMENTS];
  const CsJsonNode *values[CS_FHIR_MAX_STRUCTURE_ELEMENTS];
  const CsJsonNode *companions[CS_FHIR_MAX_STRUCTURE_ELEMENTS];
  const CsFhirMember *chosen[CS_FHIR_MAX_STRUCTURE_ELEMENTS];
  const CsFhirElement *elements = &cs_fhir_model_elements[structure->first_element];
  const CsJsonNode *c;
  guint i, n = structure->n_elements;

  memset (seen, 0, n);

  if (node->n_children == 0 && !resource)
    {
      ERROR (ctx, _("an empty object is not allowed: leave the element out (ele-1)"));
      return;
    }

  for (c = node->v.first_child; c != NULL; c = c->next)
    {
      const char *key = c->key;
      const CsFhirMember *m;

      if (key[0] == '_')
        {
          m = cs_fhir_model_member (structure, key + 1);
          if (m == NULL || elements[m->element].types[m->type].primitive == CS_FHIR_PRIMITIVE_NONE)
            {
              gsize old = path_member (ctx, key);

              if (m == NULL)
                unknown_member (ctx, structure, key);
              else
                ERROR (ctx, _("“%s” is not a primitive element, so it cannot have “_%s”"), key + 1, key + 1);
              path_pop (ctx, old);
              continue;
            }
          if (seen[m->element] & SEEN_COMPANION)
            {
              gsize old = path_member (ctx, key);
              ERROR (ctx, _("appears twice"));
              path_pop (ctx, old);
              continue;
            }
          if ((seen[m->element] & SEEN_VALUE) && chosen[m->element] != m)
            {
              gsize old = path_member (ctx, key);
              ERROR (ctx, _("does not match the type of %s chosen by the value"), elements[m->element].path);
              path_pop (ctx, old);
              continue;
            }
          seen[m->element] |= SEEN_COMPANION;
          companions[m->element] = c;
          if (!(seen[m->element] & SEEN_VALUE))
            {
              chosen[m->element] = m;
              values[m->element] = NULL;
            }
          continue;
        }
      if (resource && strcmp (key, "resourceType") == 0)
        continue;
      m = cs_fhir_model_member (structure, key);
      if (m == NULL)
        {
          gsize old = path_member (ctx, key);
          unknown_member (ctx, structure, key);
          path_pop (ctx, old);
          continue;
        }
      if (seen[m->element] & SEEN_VALUE)
        {
          gsize old = path_member (ctx, key);

          if (chosen[m->element] != m)
            ERROR (ctx, _("only one of %s may be present (also “%s”)"), elements[m->element].path,
                   chosen[m->element]->name);
          else
            ERROR (ctx, _("appears twice"));
          path_pop (ctx, old);
          continue;
        }
      if ((seen[m->element] & SEEN_COMPANION) && chosen[m->element] != m)
        {
          gsize old = path_member (ctx, key);
          ERROR (ctx, _("only one of %s may be present (also “_%s”)"), elements[m->element].path,
                 chosen[m->element]->name);
          path_pop (ctx, old);
          continue;
        }
      if (!(seen[m->element] & SEEN_COMPANION))
        companions[m->element] = NULL;
      seen[m->element] |= SEEN_VALUE;
      values[m->element] = c;
      chosen[m->element] = m;
    }

  for (i = 0; i < n; i++)
    {
      const CsFhirElement *e = &elements[i];

      if (seen[i] == 0)
        {
          if (e->min > 0)
            {
              if (e->flags & CS_FHIR_ELEMENT_CHOICE)
                ERROR (ctx, _("missing required element %s[x]"), e->name);
              else
                ERROR (ctx, _("missing required element “%s”"), e->name);
            }
          continue;
        }
      validate_value (ctx, chosen[i]->name, (seen[i] & SEEN_VALUE) ? values[i] : NULL,
                      (seen[i] & SEEN_COMPANION) ? companions[i] : NULL, e, &e->types[chosen[i]->type]);
    }
}

/* -- resources ------------------------------------------------------------- */

static gboolean
coding_in (const CsJsonNode *concept,
           const char       *system,
           const char       *code)
{
  const CsJsonNode *c;

  for (c = cs_json_first (cs_json_get (concept, "coding")); c != NULL; c = c->next)
    {
      const char *s = get_string (c, "system"), *v = get_string (c, "code");

      if (s != NULL && v != NULL && strcmp (s, system) == 0 && strcmp (v, code) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
concepts_share_coding (const CsJsonNode *a,
                       const CsJsonNode *b)
{
  const CsJsonNode *c;

  for (c = cs_json_first (cs_json_get (a, "coding")); c != NULL; c = c->next)
    {
      const char *s = get_string (c, "system"), *v = get_string (c, "code");

      if (s != NULL && v != NULL && coding_in (b, s, v))
        return TRUE;
    }
  return FALSE;
}

static void
check_observation (Ctx              *ctx,
                   const CsJsonNode *node)
{
  const CsJsonNode *code = cs_json_get (node, "code"), *c;
  guint i = 0;

  if (!has_value_member (node))
    return;
  if (cs_json_get (node, "dataAbsentReason") != NULL)
    ERROR (ctx, _("dataAbsentReason is only allowed when there is no value[x] (obs-6)"));
  for (c = cs_json_first (cs_json_get (node, "component")); c != NULL; c = c->next, i++)
    if (concepts_share_coding (code, cs_json_get (c, "code")))
      {
        char suffix[32];

        g_snprintf (suffix, sizeof suffix, ".component[%u]", i);
        ERROR_AT (ctx, suffix, _("a component has the Observation's own code, so the Observation must not have a value[x] (obs-7)"));
      }
}

static void
check_condition (Ctx              *ctx,
                 const CsJsonNode *node)
{
  const CsJsonNode *clinical = cs_json_get (node, "clinicalStatus");
  const CsJsonNode *verification = cs_json_get (node, "verificationStatus");
  gboolean entered_in_error = coding_in (verification, CONDITION_VER_STATUS, "entered-in-error");
  const CsJsonNode *c;
  gboolean problem_list = FALSE;

  for (c = cs_json_first (cs_json_get (node, "category")); c != NULL; c = c->next)
    if (coding_in (c, "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item"))
      problem_list = TRUE;
  if (clinical == NULL && !entered_in_error && problem_list)
    WARNING (ctx, _("a problem-list Condition should have a clinicalStatus (con-3)"));
  if (has_member_prefix (node, "abatement")
      && !coding_in (clinical, CONDITION_CLINICAL, "inactive") && !coding_in (clinical, CONDITION_CLINICAL, "resolved")
      && !coding_in (clinical, CONDITION_CLINICAL, "remission"))
    ERROR (ctx, _("a Condition with an abatement needs clinicalStatus inactive, resolved or remission (con-4)"));
  if (entered_in_error && clinical != NULL)
    ERROR (ctx, _("clinicalStatus must be absent when verificationStatus is entered-in-error (con-5)"));
}

static gboolean
in_list (const char        *value,
         const char *const *list)
{
  for (; value != NULL && *list != NULL; list++)
    if (strcmp (value, *list) == 0)
      return TRUE;
  return FALSE;
}

static void
check_bundle (Ctx              *ctx,
              const CsJsonNode *node)
{
  static const char *const searches[] = { "searchset", "history", NULL };
  static const char *const requests[] = { "batch", "transaction", "history", NULL };
  static const char *const responses[] = { "batch-response", "transaction-response", "history", NULL };
  const char *type = get_string (node, "type");
  const CsJsonNode *entries = cs_json_get (node, "entry"), *e;
  g_autoptr (GHashTable) full_urls = NULL;
  guint i = 0;

  if (type == NULL)
    return;   /* reported as a missing required element */
  if (cs_json_get (node, "total") != NULL && !in_list (type, searches))
    ERROR_AT (ctx, ".total", _("total is only allowed in a searchset or history Bundle (bdl-1)"));
  if (strcmp (type, "document") == 0)
    {
      const CsJsonNode *id = cs_json_get (node, "identifier");

      if (get_string (id, "system") == NULL || get_string (id, "value") == NULL)
        ERROR (ctx, _("a document Bundle needs an identifier with system and value (bdl-9)"));
      if (cs_json_get (node, "timestamp") == NULL)
        ERROR (ctx, _("a document Bundle needs a timestamp (bdl-10)"));
      if (g_strcmp0 (get_string (cs_json_get (cs_json_first (entries), "resource"), "resourceType"), "Composition") != 0)
        ERROR (ctx, _("the first entry of a document Bundle must be a Composition (bdl-11)"));
    }
  if (strcmp (type, "message") == 0
      && g_strcmp0 (get_string (cs_json_get (cs_json_first (entries), "resource"), "resourceType"), "MessageHeader") != 0)
    ERROR (ctx, _("the first entry of a message Bundle must be a MessageHeader (bdl-12)"));

  if (entries != NULL && entries->type == CS_JSON_ARRAY && entries->n_children > 1)
    full_urls = g_hash_table_new (g_str_hash, g_str_equal);
  for (e = cs_json_first (entries); e != NULL; e = e->next, i++)
    {
      const CsJsonNode *resource = cs_json_get (e, "resource");
      const char *full_url = get_string (e, "fullUrl");
      char suffix[48];

      if (e->type != CS_JSON_OBJECT)
        continue;
      g_snprintf (suffix, sizeof suffix, ".entry[%u]", i);
      if (cs_json_get (e, "search") != NULL && strcmp (type, "searchset") != 0)
        ERROR_AT (ctx, suffix, _("search is only allowed in a searchset Bundle (bdl-2)"));
      if ((cs_json_get (e, "request") != NULL) != in_list (type, requests))
        ERROR_AT (ctx, suffix, in_list (type, requests)
                               ? _("every entry of a %s Bundle needs a request (bdl-3)")
                               : _("request is not allowed in a %s Bundle (bdl-3)"), type);
      if ((cs_json_get (e, "response") != NULL) != in_list (type, responses))
        ERROR_AT (ctx, suffix, in_list (type, responses)
                               ? _("every entry of a %s Bundle needs a response (bdl-4)")
                               : _("response is not allowed in a %s Bundle (bdl-4)"), type);
      if (resource == NULL && cs_json_get (e, "request") == NULL && cs_json_get (e, "response") == NULL)
        ERROR_AT (ctx, suffix, _("an entry needs a resource, a request or a response (bdl-5)"));
      if (full_url == NULL)
        continue;
      if (strstr (full_url, "/_history/") != NULL)
        ERROR_AT (ctx, suffix, _("fullUrl must not be version-specific (bdl-8)"));
      if (resource != NULL && strstr (full_url, "://") != NULL)
        {
          /* a RESTful fullUrl ends in Type/id, which must agree with the resource */
          const char *id = get_string (resource, "id"), *rt = get_string (resource, "resourceType");
          const char *slash = strrchr (full_url, '/');

          if (id != NULL && rt != NULL && slash != NULL && slash > full_url)
            {
              const char *prev = slash - 1;

              while (prev > full_url && *prev != '/')
                prev--;
              if (strncmp (prev + 1, rt, (gsize) (slash - prev - 1)) == 0 && strlen (rt) == (gsize) (slash - prev - 1)
                  && strcmp (slash + 1, id) != 0)
                ERROR_AT (ctx, suffix, _("fullUrl %s does not agree with the resource's id “%s”"), full_url, id);
            }
        }
      if (full_urls != NULL && strcmp (type, "history") != 0)
        {
          const char *version = get_string (cs_json_get (resource, "meta"), "versionId");
          const char *prev_version = NULL;
          gpointer orig = NULL;

          if (g_hash_table_lookup_extended (full_urls, full_url, &orig, (gpointer *) &prev_version))
            {
              if (version == NULL || prev_version == NULL || strcmp (version, prev_version) == 0)
                ERROR_AT (ctx, suffix, _("fullUrl %s appears in an earlier entry too (bdl-7)"), full_url);
            }
          else
            g_hash_table_insert (full_urls, (gpointer) full_url, (gpointer) version);
        }
    }
}

static void
check_contained (Ctx              *ctx,
                 const CsJsonNode *node)
{
  const CsJsonNode *meta = cs_json_get (node, "meta");

  if (cs_json_get (node, "contained") != NULL)
    ERROR (ctx, _("a contained resource must not contain resources itself (dom-2)"));
  if (cs_json_get (meta, "versionId") != NULL || cs_json_get (meta, "lastUpdated") != NULL)
    ERROR (ctx, _("a contained resource must not have meta.versionId or meta.lastUpdated (dom-4)"));
  if (cs_json_get (meta, "security") != NULL)
    ERROR (ctx, _("a contained resource must not have a security label (dom-5)"));
}

static void
validate_resource (Ctx              *ctx,
                   const CsJsonNode *node,
                   gboolean          contained)
{
  const char *rt = get_string (node, "resourceType");
  const CsFhirStructure *structure;
  const CsJsonNode *saved_container = ctx->container;
  const char *saved_bundle_type = ctx->bundle_type;

  if (node->type != CS_JSON_OBJECT)
    {
      ERROR (ctx, _("a resource must be a JSON object"));
      return;
    }
  if (rt == NULL)
    {
      ERROR (ctx, cs_json_get (node, "resourceType") ? _("resourceType must be a string")
                                                     : _("missing resourceType"));
      return;
    }
  if (!cs_fhir_model_is_resource_type (rt))
    {
      g_autofree char *shown = shorten (rt, strlen (rt));

      ERROR (ctx, _("“%s” is not an R4 resource type"), shown);
      return;
    }
  structure = cs_fhir_model_structure_by_name (rt);
  if (structure == NULL || structure->kind != CS_FHIR_STRUCTURE_RESOURCE)
    {
      const char *id = get_string (node, "id");
      const char *reason = NULL;

      problem_at (ctx, (ctx->flags & CS_FHIR_VALIDATE_STRICT_TYPES) ? CS_FHIR_SEVERITY_ERROR : CS_FHIR_SEVERITY_WARNING,
                  NULL, _("%s is not among the resource types Cohortscope models; only its id was checked"), rt);
      if (id != NULL && !cs_fhir_primitive_check_kind (CS_FHIR_PRIMITIVE_ID, id, strlen (id), &reason))
        ERROR_AT (ctx, ".id", _("“%s” is not a valid id: %s"), id, reason);
      return;
    }

  if (!contained)
    ctx->container = node;
  if (strcmp (rt, "Bundle") == 0)
    ctx->bundle_type = get_string (node, "type");

  validate_object (ctx, node, structure, TRUE);

  if (contained)
    check_contained (ctx, node);
  switch (rt[0])
    {
    case 'B':
      if (strcmp (rt, "Bundle") == 0)
        check_bundle (ctx, node);
      break;
    case 'C':
      if (strcmp (rt, "Condition") == 0)
        check_condition (ctx, node);
      break;
    case 'G':
      if (strcmp (rt, "Group") == 0 && cs_json_get (node, "member") != NULL)
        {
          gboolean actual = FALSE;

          if (cs_json_get_boolean (node, "actual", &actual) && !actual)
            ERROR_AT (ctx, ".member", _("only an actual Group (actual: true) can list members (grp-1)"));
        }
      break;
    case 'O':
      if (strcmp (rt, "Observation") == 0)
        check_observation (ctx, node);
      break;
    default:
      break;
    }

  ctx->container = saved_container;
  ctx->bundle_type = saved_bundle_type;
}

gboolean
cs_fhir_validate_resource_full (const CsJsonNode    *resource,
                                CsFhirValidateFlags  flags,
                                GPtrArray           *problems)
{
  Ctx ctx = { 0 };
  const char *rt;
  char buf[256];

  ctx.problems = problems;
  ctx.flags = flags;
  ctx.k = known ();
  rt = get_string (resource, "resourceType");
  ctx.path = g_string_new_len (NULL, 0);
  if (rt != NULL && cs_fhir_model_is_resource_type (rt))
    g_string_append (ctx.path, rt);
  else
    g_string_append (ctx.path, "(resource)");

  if (resource == NULL)
    ERROR (&ctx, _("no resource"));
  else
    validate_resource (&ctx, resource, FALSE);

  if (ctx.n_dropped > 0)
    {
      CsFhirProblem *p = g_new0 (CsFhirProblem, 1);

      g_string_truncate (ctx.path, 0);
      g_snprintf (buf, sizeof buf, "%s", rt != NULL ? rt : "(resource)");
      p->severity = ctx.n_dropped_errors > 0 ? CS_FHIR_SEVERITY_ERROR : CS_FHIR_SEVERITY_WARNING;
      p->path = g_strdup (buf);
      p->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more problem not listed",
                                                 "%u more problems not listed", ctx.n_dropped),
                                    ctx.n_dropped);
      g_ptr_array_add (problems, p);
    }
  g_string_free (ctx.path, TRUE);
  return ctx.n_errors == 0;
}

gboolean
cs_fhir_validate_resource (const CsJsonNode *resource,
                           GPtrArray        *problems)
{
  return cs_fhir_validate_resource_full (resource, CS_FHIR_VALIDATE_NONE, problems);
}

char *
cs_fhir_problems_to_string (GPtrArray *problems)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; problems != NULL && i < problems->len; i++)
    {
      const CsFhirProblem *p = g_ptr_array_index (problems, i);

      g_string_append_printf (out, "%s: %s: %s\n",
                              p->severity == CS_FHIR_SEVERITY_ERROR ? _("error") : _("warning"),
                              p->path, p->message);
    }
  return g_string_free (out, FALSE);
}

CsJsonType
cs_fhir_primitive_json_type (CsFhirPrimitive primitive)
{
  switch (primitive)
    {
    case CS_FHIR_PRIMITIVE_NONE:
      return CS_JSON_OBJECT;
    case CS_FHIR_PRIMITIVE_BOOLEAN:
      return CS_JSON_BOOLEAN;
    case CS_FHIR_PRIMITIVE_DECIMAL:
    case CS_FHIR_PRIMITIVE_INTEGER:
    case CS_FHIR_PRIMITIVE_POSITIVEINT:
    case CS_FHIR_PRIMITIVE_UNSIGNEDINT:
      return CS_JSON_NUMBER;
    case CS_FHIR_PRIMITIVE_BASE64BINARY:
    case CS_FHIR_PRIMITIVE_CANONICAL:
    case CS_FHIR_PRIMITIVE_CODE:
    case CS_FHIR_PRIMITIVE_DATE:
    case CS_FHIR_PRIMITIVE_DATETIME:
    case CS_FHIR_PRIMITIVE_ID:
    case CS_FHIR_PRIMITIVE_INSTANT:
    case CS_FHIR_PRIMITIVE_MARKDOWN:
    case CS_FHIR_PRIMITIVE_OID:
    case CS_FHIR_PRIMITIVE_STRING:
    case CS_FHIR_PRIMITIVE_TIME:
    case CS_FHIR_PRIMITIVE_URI:
    case CS_FHIR_PRIMITIVE_URL:
    case CS_FHIR_PRIMITIVE_UUID:
    case CS_FHIR_PRIMITIVE_XHTML:
    default:
      return CS_JSON_STRING;
    }
}
