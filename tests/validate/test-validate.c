/* test-validate.c: the FHIR R4 model, primitive checks and the validator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "cs-fhir-model.h"
#include "cs-fhir-validate.h"
#include "cs-json.h"
#include "validate-test-util.h"

/* ---- model ------------------------------------------------------------- */

static void
test_model_find (void)
{
  const CsFhirElement *e;
  CsFhirLookup lookup;

  e = cs_fhir_model_find ("Observation", "Observation.valueQuantity.unit");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->path, ==, "Quantity.unit");
  g_assert_cmpstr (e->types[0].code, ==, "string");

  e = cs_fhir_model_find ("Observation", "status");
  g_assert_nonnull (e);
  g_assert_cmpuint (e->min, ==, 1);
  g_assert_cmpuint (e->max, ==, 1);
  g_assert_nonnull (e->binding);
  g_assert_true (cs_fhir_binding_has_code (e->binding, NULL, "final"));
  g_assert_false (cs_fhir_binding_has_code (e->binding, NULL, "done"));

  e = cs_fhir_model_find (NULL, "Observation.component[2].code.coding[0].system");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->path, ==, "Coding.system");
  g_assert_cmpint (e->types[0].primitive, ==, CS_FHIR_PRIMITIVE_URI);

  g_assert_true (cs_fhir_model_lookup ("Observation", "component.valueQuantity.value", &lookup));
  g_assert_cmpstr (lookup.element->path, ==, "Quantity.value");
  g_assert_cmpint (lookup.type->primitive, ==, CS_FHIR_PRIMITIVE_DECIMAL);
  g_assert_false (lookup.repeats);
  g_assert_true (lookup.in_array);

  g_assert_true (cs_fhir_model_lookup ("Observation", "valueQuantity", &lookup));
  g_assert_cmpstr (lookup.element->path, ==, "Observation.value[x]");
  g_assert_cmpstr (lookup.type->code, ==, "Quantity");
  g_assert_true (lookup.element->flags & CS_FHIR_ELEMENT_CHOICE);

  g_assert_true (cs_fhir_model_lookup ("Observation", "value[x]", &lookup));
  g_assert_null (lookup.type);

  g_assert_true (cs_fhir_model_lookup ("Patient", "identifier", &lookup));
  g_assert_true (lookup.repeats);

  /* references, content references, backbone elements */
  e = cs_fhir_model_find ("Observation", "subject");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->types[0].targets, ==, "|Patient|Group|Device|Location|");
  e = cs_fhir_model_find ("Bundle", "entry.link.relation");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->path, ==, "Bundle.link.relation");
  e = cs_fhir_model_find ("Observation", "component.referenceRange.low.value");
  g_assert_nonnull (e);
  e = cs_fhir_model_find ("Patient", "birthDate.extension.url");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->path, ==, "Extension.url");

  /* Resource.id is an id */
  e = cs_fhir_model_find ("Patient", "id");
  g_assert_cmpint (e->types[0].primitive, ==, CS_FHIR_PRIMITIVE_ID);

  /* misses */
  g_assert_null (cs_fhir_model_find ("Observation", "valueQuantityy"));
  g_assert_null (cs_fhir_model_find ("Observation", "value"));
  g_assert_null (cs_fhir_model_find ("Observation", "status.."));
  g_assert_null (cs_fhir_model_find ("Observation", "component[x2]"));
  g_assert_null (cs_fhir_model_find ("Observation", "component[]"));
  g_assert_null (cs_fhir_model_find ("Nonsense", "id"));
  g_assert_null (cs_fhir_model_find (NULL, "Observation"));
  g_assert_null (cs_fhir_model_find ("Observation", ""));
  g_assert_null (cs_fhir_model_find ("Bundle", "entry.resource.status"));
}

static void
test_model_names (void)
{
  guint n = 0, i;
  const char *const *types = cs_fhir_model_resource_types (&n);
  const CsFhirElement *children;
  const CsFhirElement *e;
  const char *modelled[] = {
    "Patient", "Observation", "Condition", "ImagingStudy", "BodyStructure", "Device", "Provenance",
    "ConceptMap", "Group", "Bundle", "OperationOutcome", "Specimen", "Procedure",
    "MedicationStatement", "Encounter", "DiagnosticReport",
  };
  g_autofree char *json_name = NULL;

  g_assert_cmpuint (n, ==, 146);   /* every concrete R4 resource type */
  for (i = 1; i < n; i++)
    g_assert_cmpint (strcmp (types[i - 1], types[i]), <, 0);
  g_assert_true (cs_fhir_model_is_resource_type ("ValueSet"));
  g_assert_false (cs_fhir_model_has_resource ("ValueSet"));
  g_assert_false (cs_fhir_model_is_resource_type ("patient"));
  g_assert_false (cs_fhir_model_is_resource_type ("Resource"));
  g_assert_false (cs_fhir_model_is_resource_type ("Quantity"));
  g_assert_false (cs_fhir_model_is_resource_type (""));
  g_assert_false (cs_fhir_model_is_resource_type (NULL));
  for (i = 0; i < G_N_ELEMENTS (modelled); i++)
    g_assert_true (cs_fhir_model_has_resource (modelled[i]));

  children = cs_fhir_model_children ("Observation", NULL, &n);
  g_assert_nonnull (children);
  g_assert_cmpstr (children[0].path, ==, "Observation.id");
  g_assert_cmpuint (n, >, 20);
  children = cs_fhir_model_children ("Observation", "component", &n);
  g_assert_cmpstr (children[n - 1].path, ==, "Observation.component.referenceRange");
  children = cs_fhir_model_children ("Observation", "valueQuantity", &n);
  g_assert_cmpstr (children[0].path, ==, "Quantity.id");
  g_assert_null (cs_fhir_model_children ("Observation", "nope", &n));
  g_assert_cmpuint (n, ==, 0);

  e = cs_fhir_model_find ("Patient", "deceasedBoolean");
  json_name = cs_fhir_element_json_name (e, &e->types[1]);
  g_assert_cmpstr (json_name, ==, "deceasedDateTime");
  g_assert_cmpstr (cs_fhir_element_type_for_name (e, "deceasedBoolean")->code, ==, "boolean");
  g_assert_null (cs_fhir_element_type_for_name (e, "deceasedString"));
  g_assert_null (cs_fhir_element_type_for_name (e, "deceased"));
  g_assert_true (cs_fhir_element_is_array (cs_fhir_model_find ("Patient", "name")));

  g_assert_cmpint (cs_fhir_primitive_from_name ("dateTime"), ==, CS_FHIR_PRIMITIVE_DATETIME);
  g_assert_cmpint (cs_fhir_primitive_from_name ("Quantity"), ==, CS_FHIR_PRIMITIVE_NONE);
  g_assert_cmpstr (cs_fhir_primitive_name (CS_FHIR_PRIMITIVE_UNSIGNEDINT), ==, "unsignedInt");

  /* a CodeableConcept with a required binding to code system codes */
  e = cs_fhir_model_find ("Condition", "clinicalStatus");
  g_assert_nonnull (e->binding);
  g_assert_true (cs_fhir_binding_has_code (e->binding, "http://terminology.hl7.org/CodeSystem/condition-clinical", "remission"));
  g_assert_false (cs_fhir_binding_has_code (e->binding, "http://snomed.info/sct", "remission"));
  /* mime types are a required binding we cannot list */
  e = cs_fhir_model_find ("DiagnosticReport", "presentedForm.contentType");
  g_assert_null (e->binding);
  g_assert_true (e->flags & CS_FHIR_ELEMENT_BINDING_UNCHECKED);
}

/* ---- primitives ---------------------------------------------------------- */

typedef struct
{
  const char *type;
  const char *value;
  gboolean    valid;
} PrimitiveCase;

static const PrimitiveCase primitive_cases[] = {
  { "boolean", "true", TRUE }, { "boolean", "false", TRUE }, { "boolean", "True", FALSE },
  { "boolean", "1", FALSE }, { "boolean", "", FALSE },
  { "integer", "0", TRUE }, { "integer", "-0", TRUE }, { "integer", "2147483647", TRUE },
  { "integer", "-2147483648", TRUE }, { "integer", "2147483648", FALSE },
  { "integer", "-2147483649", FALSE }, { "integer", "01", FALSE }, { "integer", "1.0", FALSE },
  { "integer", "1e3", FALSE }, { "integer", "", FALSE }, { "integer", "-", FALSE },
  { "integer", "+1", FALSE }, { "integer", "99999999999999999999999", FALSE },
  { "positiveInt", "1", TRUE }, { "positiveInt", "0", FALSE }, { "positiveInt", "-1", FALSE },
  { "positiveInt", "2147483647", TRUE }, { "positiveInt", "2147483648", FALSE },
  { "unsignedInt", "0", TRUE }, { "unsignedInt", "-1", FALSE }, { "unsignedInt", "2147483647", TRUE },
  { "unsignedInt", "2147483648", FALSE }, { "unsignedInt", "00", FALSE },
  { "decimal", "0", TRUE }, { "decimal", "-0.5", TRUE }, { "decimal", "1.50", TRUE },
  { "decimal", "1e-3", TRUE }, { "decimal", "6.02E+23", TRUE }, { "decimal", "01.5", FALSE },
  { "decimal", ".5", FALSE }, { "decimal", "1.", FALSE }, { "decimal", "1e", FALSE },
  { "decimal", "NaN", FALSE }, { "decimal", "1,5", FALSE }, { "decimal", "", FALSE },
  { "string", "a", TRUE }, { "string", "two\nlines\tand tab", TRUE }, { "string", "", FALSE },
  { "string", "bell\a", FALSE }, { "string", "café", TRUE },
  { "markdown", "# title", TRUE }, { "markdown", "", FALSE },
  { "code", "final", TRUE }, { "code", "entered-in-error", TRUE }, { "code", "a b", TRUE },
  { "code", " final", FALSE }, { "code", "final ", FALSE }, { "code", "a  b", FALSE },
  { "code", "", FALSE },
  { "id", "a", TRUE }, { "id", "LUNG1-001.v2", TRUE }, { "id", "a_b", FALSE }, { "id", "a b", FALSE },
  { "id", "", FALSE },
  { "id", "1234567890123456789012345678901234567890123456789012345678901234", TRUE },
  { "id", "12345678901234567890123456789012345678901234567890123456789012345", FALSE },
  { "uri", "http://loinc.org", TRUE }, { "uri", "urn:uuid:x", TRUE }, { "uri", "a b", FALSE },
  { "uri", "", FALSE }, { "url", "https://example.org/fhir", TRUE }, { "url", "http://a\tb", FALSE },
  { "canonical", "http://hl7.org/fhir/ValueSet/x|4.0.1", TRUE }, { "canonical", "x y", FALSE },
  { "oid", "urn:oid:1.2.840.10008", TRUE }, { "oid", "urn:oid:2.0", TRUE },
  { "oid", "urn:oid:3.1", FALSE }, { "oid", "urn:oid:1", FALSE }, { "oid", "urn:oid:1.02", FALSE },
  { "oid", "urn:oid:1..2", FALSE }, { "oid", "1.2.3", FALSE }, { "oid", "urn:oid:1.2.", FALSE },
  { "uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520", TRUE },
  { "uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", FALSE },
  { "uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f4323952", FALSE },
  { "uuid", "c757873d-ec9a-4326-a141-556f43239520", FALSE },
  { "uuid", "urn:uuid:c757873dxec9a-4326-a141-556f43239520", FALSE },
  { "date", "2019", TRUE }, { "date", "2019-02", TRUE }, { "date", "2019-02-28", TRUE },
  { "date", "2020-02-29", TRUE }, { "date", "2019-02-29", FALSE }, { "date", "1900-02-29", FALSE },
  { "date", "2000-02-29", TRUE }, { "date", "2019-04-31", FALSE }, { "date", "2019-13", FALSE },
  { "date", "2019-00", FALSE }, { "date", "0000", FALSE }, { "date", "19-01-01", FALSE },
  { "date", "2019-1-1", FALSE }, { "date", "2019-01-01T00:00:00Z", FALSE }, { "date", "", FALSE },
  { "dateTime", "2019", TRUE }, { "dateTime", "2019-07", TRUE }, { "dateTime", "2019-07-01", TRUE },
  { "dateTime", "2019-07-01T10:00:00Z", TRUE }, { "dateTime", "2019-07-01T10:00:00.123+02:00", TRUE },
  { "dateTime", "2019-07-01T23:59:60-14:00", TRUE }, { "dateTime", "2019-07-01T10:00:00", FALSE },
  { "dateTime", "2019-07-01T10:00Z", FALSE }, { "dateTime", "2019-07-01T24:00:00Z", FALSE },
  { "dateTime", "2019-07-01T10:00:00+14:01", FALSE }, { "dateTime", "2019-07-01T10:00:00+15:00", FALSE },
  { "dateTime", "2019-07-01 10:00:00Z", FALSE }, { "dateTime", "2019-07T10:00:00Z", FALSE },
  { "dateTime", "2019-07-01T10:00:00.Z", FALSE }, { "dateTime", "2019-07-01T10:00:00+0200", FALSE },
  { "instant", "2019-07-01T10:00:00Z", TRUE }, { "instant", "2019-07-01T10:00:00.5-05:00", TRUE },
  { "instant", "2019-07-01", FALSE }, { "instant", "2019-07-01T10:00:00", FALSE },
  { "time", "10:00:00", TRUE }, { "time", "23:59:59.999", TRUE }, { "time", "24:00:00", FALSE },
  { "time", "10:00", FALSE }, { "time", "10:60:00", FALSE }, { "time", "10:00:00Z", FALSE },
  { "base64Binary", "aGVsbG8=", TRUE }, { "base64Binary", "aGVs bG8=", TRUE },
  { "base64Binary", "aGVsbG8", FALSE }, { "base64Binary", "aGV=bG8=", FALSE },
  { "base64Binary", "aGVsbG8*", FALSE }, { "base64Binary", "a===", FALSE }, { "base64Binary", "", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi</p></div>", TRUE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\">a &lt; b</div>", TRUE },
  { "xhtml", "<div><p>Hi</p></div>", FALSE },
  { "xhtml", "<p xmlns=\"http://www.w3.org/1999/xhtml\">Hi</p>", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi</div>", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x</script></div>", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"x\">Hi</p></div>", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\">  </div>", FALSE },
  { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\">a&nbsp;b</div>", FALSE },
  { "Quantity", "1", FALSE }, { "nonsense", "1", FALSE },
};

static void
test_primitives (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (primitive_cases); i++)
    {
      const PrimitiveCase *c = &primitive_cases[i];
      const char *reason = NULL;
      gboolean ok = cs_fhir_primitive_check (c->type, c->value, strlen (c->value), &reason);

      if (ok != c->valid)
        g_error ("%s “%s”: expected %s, got %s (%s)", c->type, c->value, c->valid ? "valid" : "invalid",
                 ok ? "valid" : "invalid", reason ? reason : "");
      if (!ok)
        g_assert_nonnull (reason);
    }
  /* a string over 1 MB, embedded NUL, invalid UTF-8, values that are not NUL-terminated */
  {
    gsize big = 1024 * 1024 + 1;
    g_autofree char *s = g_malloc (big);

    memset (s, 'a', big);
    g_assert_false (cs_fhir_primitive_check ("string", s, big, NULL));
    g_assert_true (cs_fhir_primitive_check ("string", s, big - 1, NULL));
    g_assert_false (cs_fhir_primitive_check ("string", "a\0b", 3, NULL));
    g_assert_false (cs_fhir_primitive_check ("string", "\xff", 1, NULL));
    g_assert_true (cs_fhir_primitive_check ("date", "2019-02-28XYZ", 10, NULL));
    g_assert_true (cs_fhir_primitive_check ("integer", "12345", 2, NULL));
  }
}

/* ---- validator ------------------------------------------------------------ */

#define PATIENT_OK "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\",\"birthDate\":\"1950-03-01\"}"

static GPtrArray *
validate_text (const char *json,
               gboolean   *valid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsJsonDocument) doc = cs_json_document_parse (json, -1, &error);
  GPtrArray *problems = cs_fhir_problems_new ();

  g_assert_no_error (error);
  *valid = cs_fhir_validate_resource (cs_json_document_get_root (doc), problems);
  return problems;
}

typedef struct
{
  const char *name;
  const char *json;
  const char *path;      /* expected error path, NULL for a valid resource */
  const char *message;   /* a part of the message */
} Case;

static const Case cases[] = {
  /* valid ones */
  { "patient", PATIENT_OK, NULL, NULL },
  { "observation-quantity",
    "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
    "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"imaging\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io\",\"code\":\"original_shape_MeshVolume\"}],\"text\":\"MeshVolume\"},"
    "\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2019-01-01\","
    "\"valueQuantity\":{\"value\":5.4e4,\"unit\":\"mm3\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm3\"},"
    "\"derivedFrom\":[{\"reference\":\"ImagingStudy/s1\"}],\"bodySite\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"39607008\"}]}}",
    NULL, NULL },
  { "observation-components",
    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"bp\"},"
    "\"component\":[{\"code\":{\"text\":\"sys\"},\"valueQuantity\":{\"value\":120,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}},"
    "{\"code\":{\"text\":\"dia\"},\"dataAbsentReason\":{\"text\":\"not measured\"}}]}",
    NULL, NULL },
  { "primitive-extension",
    "{\"resourceType\":\"Patient\",\"birthDate\":\"1970\",\"_birthDate\":{\"extension\":[{\"url\":\"http://example.org/x\",\"valueString\":\"approx\"}]},"
    "\"name\":[{\"given\":[\"A\",null],\"_given\":[null,{\"extension\":[{\"url\":\"http://example.org/y\",\"valueBoolean\":true}]}]}]}",
    NULL, NULL },
  { "condition-staged",
    "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"254637007\"}]},\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"onsetAge\":{\"value\":64.5,\"unit\":\"a\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"a\"},"
    "\"stage\":[{\"summary\":{\"text\":\"IIIa\"}}]}",
    NULL, NULL },
  { "transaction",
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:c757873d-ec9a-4326-a141-556f43239520\",\"resource\":" PATIENT_OK ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}},"
    "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"subject\":{\"reference\":\"Patient?identifier=http://x|1\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}",
    NULL, NULL },
  { "contained",
    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"contained\":[{\"resourceType\":\"BodyStructure\",\"id\":\"lesion1\",\"patient\":{\"reference\":\"Patient/p1\"}}],"
    "\"focus\":[{\"reference\":\"#lesion1\"}]}",
    NULL, NULL },
  { "conceptmap",
    "{\"resourceType\":\"ConceptMap\",\"status\":\"active\",\"group\":[{\"source\":\"urn:lung1:t\",\"target\":\"http://snomed.info/sct\","
    "\"element\":[{\"code\":\"5\",\"target\":[{\"code\":\"1222604002\",\"equivalence\":\"inexact\",\"comment\":\"T5 read as TX\"}]}],"
    "\"unmapped\":{\"mode\":\"fixed\",\"code\":\"x\"}}]}",
    NULL, NULL },
  { "version-specific-reference",
    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/45/_history/2\"}}",
    NULL, NULL },
  { "absolute-reference",
    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"https://fhir.example.org/r4/Patient/45\"}}",
    NULL, NULL },
  { "resource-only-type",
    "{\"resourceType\":\"Patient\"}", NULL, NULL },

  /* invalid ones: each gives the expected problem at the expected path */
  { "unknown-element", "{\"resourceType\":\"Patient\",\"gendr\":\"male\"}", "Patient.gendr", "unknown element" },
  { "wrong-case", "{\"resourceType\":\"Patient\",\"BirthDate\":\"1970\"}", "Patient.BirthDate", "did you mean “birthDate”" },
  { "choice-without-type", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"value\":1}",
    "Observation.value", "valueQuantity" },
  { "two-choices", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueString\":\"a\",\"valueBoolean\":true}",
    "Observation.valueBoolean", "only one of Observation.value[x]" },
  { "duplicate-key", "{\"resourceType\":\"Patient\",\"gender\":\"male\",\"gender\":\"female\"}", "Patient.gender", "twice" },
  { "missing-required", "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}}", "Observation", "missing required element “status”" },
  { "missing-required-nested", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"component\":[{\"valueString\":\"a\"}]}",
    "Observation.component[0]", "missing required element “code”" },
  { "bad-code", "{\"resourceType\":\"Observation\",\"status\":\"done\",\"code\":{\"text\":\"x\"}}", "Observation.status", "not one of the codes" },
  { "bad-gender", "{\"resourceType\":\"Patient\",\"gender\":\"M\"}", "Patient.gender", "administrative-gender" },
  { "bad-date", "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-02-30\"}", "Patient.birthDate", "not a valid date" },
  { "date-with-time", "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-02-03T10:00:00Z\"}", "Patient.birthDate", "no time" },
  { "datetime-no-zone", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"effectiveDateTime\":\"2019-01-01T10:00:00\"}",
    "Observation.effectiveDateTime", "time zone" },
  { "bad-id", "{\"resourceType\":\"Patient\",\"id\":\"LUNG1_001\"}", "Patient.id", "not a valid id" },
  { "number-as-string", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":\"12\"}}",
    "Observation.valueQuantity.value", "without quotes" },
  { "boolean-as-string", "{\"resourceType\":\"Patient\",\"deceasedBoolean\":\"true\"}", "Patient.deceasedBoolean", "not a string" },
  { "integer-decimal", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueInteger\":1.5}",
    "Observation.valueInteger", "not a valid integer" },
  { "array-for-single", "{\"resourceType\":\"Patient\",\"gender\":[\"male\"]}", "Patient.gender", "not an array" },
  { "single-for-array", "{\"resourceType\":\"Patient\",\"identifier\":{\"value\":\"1\"}}", "Patient.identifier", "must be an array" },
  { "empty-array", "{\"resourceType\":\"Patient\",\"identifier\":[]}", "Patient.identifier", "empty array" },
  { "empty-object", "{\"resourceType\":\"Patient\",\"maritalStatus\":{}}", "Patient.maritalStatus", "empty object" },
  { "empty-string", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"\"}]}", "Patient.name[0].family", "empty string" },
  { "null-value", "{\"resourceType\":\"Patient\",\"gender\":null}", "Patient.gender", "null" },
  { "null-in-array", "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",null]}]}", "Patient.name[0].given[1]", "null" },
  { "object-for-string", "{\"resourceType\":\"Patient\",\"gender\":{\"code\":\"male\"}}", "Patient.gender", "must be a string" },
  { "string-for-object", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":\"1234-5\"}", "Observation.code", "must be a JSON object" },
  { "ucum-invalid", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"valueQuantity\":{\"value\":1,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mls\"}}",
    "Observation.valueQuantity.code", "not a valid UCUM code" },
  { "unit-code-without-system", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"valueQuantity\":{\"value\":1,\"code\":\"mg\"}}", "Observation.valueQuantity", "qty-3" },
  { "bad-comparator", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"valueQuantity\":{\"value\":1,\"comparator\":\"=\"}}", "Observation.valueQuantity.comparator", "quantity-comparator" },
  { "simple-quantity-comparator", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"valueRange\":{\"low\":{\"value\":1,\"comparator\":\"<\"}}}", "Observation.valueRange.low", "sqty-1" },
  { "age-not-time", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},"
    "\"onsetAge\":{\"value\":64,\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}}", "Condition.onsetAge.code", "unit of time" },
  { "age-no-code", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},\"onsetAge\":{\"value\":64}}",
    "Condition.onsetAge", "age-1" },
  { "age-zero", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},"
    "\"onsetAge\":{\"value\":0,\"system\":\"http://unitsofmeasure.org\",\"code\":\"a\"}}", "Condition.onsetAge.value", "greater than 0" },
  { "reference-format", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"LUNG1-001\"}}",
    "Observation.subject.reference", "not a valid reference" },
  { "reference-unknown-type", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patients/1\"}}",
    "Observation.subject.reference", "not a valid reference" },
  { "reference-target", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"performer\":[{\"reference\":\"Encounter/e1\"}]}",
    "Observation.performer[0]", "not allowed here" },
  { "reference-type-mismatch", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"subject\":{\"reference\":\"Patient/1\",\"type\":\"Group\"}}", "Observation.subject.type", "type says Group" },
  { "reference-bad-uuid", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"urn:uuid:1234\"}}",
    "Observation.subject.reference", "not a valid reference" },
  { "reference-missing-contained", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"focus\":[{\"reference\":\"#nope\"}]}",
    "Observation.focus[0].reference", "ref-1" },
  { "conditional-outside-transaction", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"subject\":{\"reference\":\"Patient?identifier=1\"}}", "Observation.subject.reference", "transaction or batch" },
  { "extension-both", "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x\",\"valueString\":\"a\",\"extension\":[{\"url\":\"y\",\"valueString\":\"b\"}]}]}",
    "Patient.extension[0]", "ext-1" },
  { "extension-no-url", "{\"resourceType\":\"Patient\",\"extension\":[{\"valueString\":\"a\"}]}", "Patient.extension[0]", "“url”" },
  { "primitive-extension-not-primitive", "{\"resourceType\":\"Patient\",\"_name\":{\"id\":\"a\"}}", "Patient._name", "not a primitive" },
  { "companion-length", "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",\"B\"],\"_given\":[null]}]}",
    "Patient.name[0]._given", "as many items" },
  { "obs-6", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueString\":\"a\",\"dataAbsentReason\":{\"text\":\"n\"}}",
    "Observation", "obs-6" },
  { "obs-7", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1\"}]},"
    "\"valueString\":\"b\",\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1\"}]},\"valueString\":\"a\"}]}",
    "Observation.component[0]", "obs-7" },
  { "obs-7-component-value-ok", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1\"}]},"
    "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1\"}]},\"valueString\":\"a\"}]}",
    NULL, NULL },
  { "period-equal", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2013-04-05T10:30:10+01:00\",\"end\":\"2013-04-05T10:30:10+01:00\"}}", NULL, NULL },
  { "period-zones", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2013-04-05T10:30:10+01:00\",\"end\":\"2013-04-05T09:30:11Z\"}}", NULL, NULL },
  { "period-date-time", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2013-04-05\",\"end\":\"2013-04-04T22:00:00Z\"}}", NULL, NULL },
  { "period-seconds", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2013-04-05T10:30:11+01:00\",\"end\":\"2013-04-05T10:30:10+01:00\"}}", "Encounter.period", "per-1" },
  { "outcome-resource", "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[{\"response\":{\"status\":\"200\","
    "\"outcome\":{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"warning\",\"code\":\"bogus\"}]}}}]}",
    "Bundle.entry[0].response.outcome.issue[0].code", "issue-type" },
  { "outcome-wrong-type", "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[{\"response\":{\"status\":\"200\","
    "\"outcome\":{\"resourceType\":\"Patient\"}}}]}", "Bundle.entry[0].response.outcome", "must be a OperationOutcome" },
  { "obs-3", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"referenceRange\":[{\"type\":{\"text\":\"t\"}}]}",
    "Observation.referenceRange[0]", "obs-3" },
  { "clinical-status-code", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},"
    "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"alive\"}]}}",
    "Condition.clinicalStatus.coding[0].code", "not a code of" },
  { "clinical-status-text-only", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},\"clinicalStatus\":{\"text\":\"active\"}}",
    "Condition.clinicalStatus", "required binding" },
  { "con-4", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},\"abatementString\":\"gone\","
    "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]}}",
    "Condition", "con-4" },
  { "con-1", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p\"},\"stage\":[{\"type\":{\"text\":\"TNM\"}}]}",
    "Condition.stage[0]", "con-1" },
  { "period", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2019-05-02\",\"end\":\"2019-05-01\"}}", "Encounter.period", "per-1" },
  /* a year or a month is the whole of it: December runs to the next year, February 2020 has a 29th */
  { "period-month-december", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2019-12-31T23:00:00Z\",\"end\":\"2019-12\"}}", NULL, NULL },
  { "period-month-leap", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2020-02-29\",\"end\":\"2020-02\"}}", NULL, NULL },
  { "period-year-before", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2019-01-01\",\"end\":\"2018\"}}", "Encounter.period", "per-1" },
  { "period-month-before", "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
    "\"period\":{\"start\":\"2019-03-01\",\"end\":\"2019-02\"}}", "Encounter.period", "per-1" },
  { "range", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueRange\":{\"low\":{\"value\":5},\"high\":{\"value\":1}}}",
    "Observation.valueRange", "rng-2" },
  { "ratio", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueRatio\":{\"numerator\":{\"value\":5}}}",
    "Observation.valueRatio", "rat-1" },
  { "contact-point", "{\"resourceType\":\"Patient\",\"telecom\":[{\"value\":\"555\"}]}", "Patient.telecom[0]", "cpt-2" },
  { "pat-1", "{\"resourceType\":\"Patient\",\"contact\":[{\"gender\":\"male\"}]}", "Patient.contact[0]", "pat-1" },
  { "grp-1", "{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":false,\"member\":[{\"entity\":{\"reference\":\"Patient/p\"}}]}",
    "Group.member", "grp-1" },
  { "cmd-1", "{\"resourceType\":\"ConceptMap\",\"status\":\"active\",\"group\":[{\"element\":[{\"code\":\"5\",\"target\":[{\"code\":\"x\",\"equivalence\":\"narrower\"}]}]}]}",
    "ConceptMap.group[0].element[0].target[0]", "cmd-1" },
  { "cmd-2", "{\"resourceType\":\"ConceptMap\",\"status\":\"active\",\"group\":[{\"unmapped\":{\"mode\":\"fixed\"}}]}",
    "ConceptMap.group[0].unmapped", "cmd-2" },
  { "bundle-no-request", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" PATIENT_OK "}]}",
    "Bundle.entry[0]", "bdl-3" },
  { "bundle-request-in-collection", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" PATIENT_OK ","
    "\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}}]}", "Bundle.entry[0]", "bdl-3" },
  { "bundle-total", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"total\":1}", "Bundle.total", "bdl-1" },
  { "bundle-duplicate-fullurl", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:c757873d-ec9a-4326-a141-556f43239520\",\"resource\":" PATIENT_OK "},"
    "{\"fullUrl\":\"urn:uuid:c757873d-ec9a-4326-a141-556f43239520\",\"resource\":" PATIENT_OK "}]}", "Bundle.entry[1]", "bdl-7" },
  { "bundle-fullurl-id", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"http://x.org/fhir/Patient/p2\",\"resource\":" PATIENT_OK "}]}", "Bundle.entry[0]", "does not agree" },
  { "bundle-inner-problem", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"x\"}}]}", "Bundle.entry[0].resource.gender", "not one of the codes" },
  { "bundle-bad-method", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"put\",\"url\":\"Patient/1\"}}]}",
    "Bundle.entry[0].request.method", "http-verb" },
  { "contained-nested", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
    "\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"c\",\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"d\"}]}]}",
    "Observation.contained[0]", "dom-2" },
  { "not-a-resource-type", "{\"resourceType\":\"Patients\"}", "(resource)", "not an R4 resource type" },
  { "no-resource-type", "{\"id\":\"x\"}", "(resource)", "missing resourceType" },
  { "narrative", "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<p>hi</p>\"}}", "Patient.text.div", "xhtml" },
  { "resource-type-in-element", "{\"resourceType\":\"Patient\",\"maritalStatus\":{\"resourceType\":\"X\",\"text\":\"a\"}}",
    "Patient.maritalStatus.resourceType", "unknown element" },
};

static void
test_cases (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      gboolean valid = FALSE, found = FALSE;
      g_autoptr (GPtrArray) problems = validate_text (c->json, &valid);
      g_autofree char *text = cs_fhir_problems_to_string (problems);

      if (c->path == NULL)
        {
          if (!valid)
            g_error ("%s: expected valid, got:\n%s", c->name, text);
          continue;
        }
      if (valid)
        g_error ("%s: expected an error at %s, got valid:\n%s", c->name, c->path, text);
      found = has_error_at (problems, c->path, FALSE, c->message);
      if (!found)
        g_error ("%s: expected an error at %s containing “%s”, got:\n%s", c->name, c->path, c->message, text);
    }
}

static void
test_unmodelled (void)
{
  gboolean valid = FALSE;
  g_autoptr (GPtrArray) problems = validate_text ("{\"resourceType\":\"ValueSet\",\"id\":\"v\",\"anything\":1}", &valid);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsJsonDocument) doc = NULL;
  g_autoptr (GPtrArray) strict = cs_fhir_problems_new ();
  const CsFhirProblem *p;

  g_assert_true (valid);
  g_assert_cmpuint (problems->len, ==, 1);
  p = g_ptr_array_index (problems, 0);
  g_assert_cmpint (p->severity, ==, CS_FHIR_SEVERITY_WARNING);

  doc = cs_json_document_parse ("{\"resourceType\":\"ValueSet\",\"id\":\"v_1\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_false (cs_fhir_validate_resource_full (cs_json_document_get_root (doc), CS_FHIR_VALIDATE_STRICT_TYPES, strict));
  g_assert_cmpuint (strict->len, ==, 2);
  g_ptr_array_set_size (strict, 0);
  g_assert_false (cs_fhir_validate_resource_full (cs_json_document_get_root (doc),
                                                  CS_FHIR_VALIDATE_NO_WARNINGS, strict));
  g_assert_cmpuint (strict->len, ==, 1);   /* the bad id */
  /* no problem list at all */
  g_assert_false (cs_fhir_validate_resource (cs_json_document_get_root (doc), NULL) && FALSE);
  g_assert_false (cs_fhir_validate_resource (NULL, NULL));
}

static void
test_problem_limit (void)
{
  GString *json = g_string_new ("{\"resourceType\":\"Patient\"");
  gboolean valid = TRUE;
  g_autoptr (GPtrArray) problems = NULL;
  const CsFhirProblem *last;
  guint i;

  for (i = 0; i < 300; i++)
    g_string_append_printf (json, ",\"x%u\":1", i);
  g_string_append_c (json, '}');
  problems = validate_text (json->str, &valid);
  g_assert_false (valid);
  g_assert_cmpuint (problems->len, ==, CS_FHIR_MAX_PROBLEMS + 1);
  last = g_ptr_array_index (problems, problems->len - 1);
  g_assert_nonnull (strstr (last->message, "200 more problems"));
  g_string_free (json, TRUE);
}

/* Every JSON value where an element should be, at every element: never a
 * crash, always a problem */
static void
test_odd_values (void)
{
  static const char *const odd[] = { "null", "true", "0", "-1.5e300", "\"\"", "\"x\"", "[]", "[null]", "[[]]", "{}",
                                      "{\"a\":1}", "[{}]", "\"\\u0000\"" };
  const char *elements[] = { "id", "meta", "text", "status", "code", "subject", "valueQuantity", "component",
                             "effectivePeriod", "contained", "extension", "_status", "issued", "valueSampledData" };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (elements); i++)
    for (j = 0; j < G_N_ELEMENTS (odd); j++)
      {
        g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"%s\":%s}",
                                                 elements[i], odd[j]);
        gboolean valid = TRUE;
        g_autoptr (GPtrArray) problems = NULL;

        if (strcmp (elements[i], "status") == 0 || strcmp (elements[i], "code") == 0)
          continue;   /* duplicate keys: covered elsewhere */
        problems = validate_text (json, &valid);
        if (strcmp (odd[j], "\"x\"") == 0 && strcmp (elements[i], "id") == 0)
          {
            g_assert_true (valid);
            continue;
          }
        if (valid)
          g_error ("%s accepted", json);
        g_assert_cmpuint (problems->len, >, 0);
      }
}

/* Nested extensions as deep as the JSON parser allows: no stack trouble,
 * and a problem at the bottom is found with its full path */
static void
test_deep (void)
{
  GString *json = g_string_new ("{\"resourceType\":\"Patient\",\"extension\":[");
  g_autoptr (GPtrArray) problems = NULL;
  gboolean valid = FALSE;
  const CsFhirProblem *p;
  guint depth = 120, i;

  for (i = 0; i < depth; i++)
    g_string_append (json, "{\"url\":\"http://example.org/x\",\"extension\":[");
  g_string_append (json, "{\"url\":\"http://example.org/x\",\"valueString\":\"\"}");
  for (i = 0; i < depth; i++)
    g_string_append (json, "]}");
  g_string_append (json, "]}");
  problems = validate_text (json->str, &valid);
  g_assert_false (valid);
  g_assert_cmpuint (problems->len, ==, 1);
  p = g_ptr_array_index (problems, 0);
  g_assert_true (g_str_has_suffix (p->path, "extension[0].extension[0].valueString"));
  g_assert_cmpuint (strlen (p->path), ==, strlen ("Patient") + (depth + 1) * strlen (".extension[0]") + strlen (".valueString"));
  g_string_free (json, TRUE);
}

/* No hidden state: four threads validating at once get the same problems */
static gpointer
validate_in_thread (gpointer data)
{
  const CsJsonNode *root = data;
  GString *all = g_string_new (NULL);
  guint i;

  for (i = 0; i < 200; i++)
    {
      g_autoptr (GPtrArray) problems = cs_fhir_problems_new ();
      g_autofree char *text = NULL;

      cs_fhir_validate_resource (root, problems);
      text = cs_fhir_problems_to_string (problems);
      if (i == 0)
        g_string_append (all, text);
      else
        g_assert_cmpstr (text, ==, all->str);
    }
  return g_string_free (all, FALSE);
}

static void
test_threads (void)
{
  const char *json = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                     "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"x\",\"code\":{\"text\":\"t\"},"
                     "\"valueQuantity\":{\"value\":1,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mgg\"}}},"
                     "{\"resource\":{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Group/g\"},"
                     "\"onsetAge\":{\"value\":3,\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}}}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (CsJsonDocument) doc = cs_json_document_parse (json, -1, &error);
  GThread *threads[4];
  g_autofree char *first = NULL;
  guint i;

  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("validate", validate_in_thread, (gpointer) cs_json_document_get_root (doc));
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *text = g_thread_join (threads[i]);

      g_assert_nonnull (strstr (text, "Bundle.entry[0].resource.valueQuantity.code"));
      g_assert_nonnull (strstr (text, "Bundle.entry[1].resource.onsetAge.code"));
      if (first == NULL)
        first = g_steal_pointer (&text);
      else
        g_assert_cmpstr (text, ==, first);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate/model/find", test_model_find);
  g_test_add_func ("/validate/model/names", test_model_names);
  g_test_add_func ("/validate/primitives", test_primitives);
  g_test_add_func ("/validate/cases", test_cases);
  g_test_add_func ("/validate/unmodelled", test_unmodelled);
  g_test_add_func ("/validate/problem-limit", test_problem_limit);
  g_test_add_func ("/validate/odd-values", test_odd_values);
  g_test_add_func ("/validate/deep", test_deep);
  g_test_add_func ("/validate/threads", test_threads);
  return g_test_run ();
}
