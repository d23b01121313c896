/* test-json.c: the CsJsonNode tree, accessors, serialisation and whole-document parse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-fhir-id.h"
#include "cs-json.h"
#include "cs-json-private.h"

static CsJsonDocument *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  CsJsonDocument *doc = cs_json_document_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static void
test_scalars (void)
{
  struct { const char *text; CsJsonType type; double number; } cases[] = {
    { "null", CS_JSON_NULL, 0 },
    { "true", CS_JSON_BOOLEAN, 1 },
    { " false ", CS_JSON_BOOLEAN, 0 },
    { "0", CS_JSON_NUMBER, 0 },
    { "-0", CS_JSON_NUMBER, -0.0 },
    { "12345", CS_JSON_NUMBER, 12345 },
    { "-1.5e3", CS_JSON_NUMBER, -1500 },
    { "0.1", CS_JSON_NUMBER, 0.1 },
    { "1E-2", CS_JSON_NUMBER, 0.01 },
    { "2.5e+2", CS_JSON_NUMBER, 250 },
    { "123456789012345678901234567890", CS_JSON_NUMBER, 1.2345678901234568e29 },
    { "0.30000000000000004", CS_JSON_NUMBER, 0.30000000000000004 },
    { "4.9e-324", CS_JSON_NUMBER, 4.9e-324 },
    /* subnormal: kept; the smallest double is 4.94e-324, half of it rounds up */
    { "1e-320", CS_JSON_NUMBER, 1e-320 },
    { "-2.4703282292062328e-324", CS_JSON_NUMBER, -4.9406564584124654e-324 },
    { "2.2250738585072014e-308", CS_JSON_NUMBER, 2.2250738585072014e-308 },
    /* zero written with a tiny exponent is zero, not an underflow */
    { "0e-400", CS_JSON_NUMBER, 0 },
    { "-0.000e-99999", CS_JSON_NUMBER, -0.0 },
    { "\"x\"", CS_JSON_STRING, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CsJsonDocument) doc = parse_ok (cases[i].text);
      const CsJsonNode *root = cs_json_document_get_root (doc);

      g_assert_cmpint (root->type, ==, cases[i].type);
      if (cases[i].type == CS_JSON_NUMBER)
        {
          g_assert_cmpfloat (root->v.number.value, ==, cases[i].number);
          g_assert_cmpstr (root->v.number.text, ==, cases[i].text);
        }
      if (cases[i].type == CS_JSON_BOOLEAN)
        g_assert_cmpint (root->v.boolean, ==, cases[i].number != 0);
    }
}

static void
test_number_text (void)
{
  g_autoptr(CsJsonDocument) doc = parse_ok ("[1.50, -0.0, 1e5]");
  const CsJsonNode *root = cs_json_document_get_root (doc);

  g_assert_cmpstr (cs_json_nth (root, 0)->v.number.text, ==, "1.50");
  g_assert_cmpstr (cs_json_nth (root, 1)->v.number.text, ==, "-0.0");
  g_assert_cmpfloat (cs_json_nth (root, 2)->v.number.value, ==, 100000.0);
  g_assert_true (signbit (cs_json_nth (root, 1)->v.number.value));
}

static void
test_strings (void)
{
  g_autoptr(CsJsonDocument) doc =
    parse_ok ("[\"plain\", \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\", "
              "\"\\ud83d\\ude00\", \"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\", \"nul\\u0000byte\", \"\"]");
  const CsJsonNode *root = cs_json_document_get_root (doc);
  const CsJsonNode *n;

  g_assert_cmpuint (root->n_children, ==, 7);
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 0)), ==, "plain");
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 1)), ==, "a\"b\\c/d\b\f\n\r\t");
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 2)), ==, "\xc3\xa9\xe4\xb8\xad");
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 3)), ==, "\xf0\x9f\x98\x80");
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 4)), ==, "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80");
  n = cs_json_nth (root, 5);
  g_assert_cmpuint (n->v.string.len, ==, 8);
  g_assert_cmpmem (n->v.string.str, 8, "nul\0byte", 8);
  g_assert_cmpstr (cs_json_string (cs_json_nth (root, 6)), ==, "");
  g_assert_null (cs_json_nth (root, 7));
}

static void
test_long_strings (void)
{
  /* exercise the 16- and 8-byte scanners at every alignment and position of
   * a special byte: an escape, a non-ASCII character, then (in the part after
   * the first escape) an escaped quote further on */
  static const char *kinds[][2] = {
    { "\\n", "\n" },
    { "\xc3\xa9", "\xc3\xa9" },
    { "\\\"", "\"" },
  };

  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    for (guint len = 0; len < 72; len++)
      for (guint special = 0; special <= len; special++)
        {
          g_autoptr(GString) text = g_string_new ("\"");
          g_autoptr(GString) expected = g_string_new (NULL);
          g_autoptr(CsJsonDocument) doc = NULL;

          for (guint i = 0; i < len; i++)
            {
              if (i == special || (kind == 2 && i == special + 37))
                {
                  g_string_append (text, kinds[kind][0]);
                  g_string_append (expected, kinds[kind][1]);
                }
              else
                {
                  g_string_append_c (text, (char) ('a' + i % 26));
                  g_string_append_c (expected, (char) ('a' + i % 26));
                }
            }
          g_string_append_c (text, '"');
          doc = parse_ok (text->str);
          g_assert_cmpstr (cs_json_string (cs_json_document_get_root (doc)), ==, expected->str);
        }

  /* a raw control byte is refused wherever it is */
  for (guint len = 1; len < 40; len++)
    for (guint special = 0; special < len; special++)
      {
        g_autofree char *text = g_strnfill (len + 2, 'a');
        g_autoptr(GError) error = NULL;
        g_autoptr(CsJsonDocument) doc = NULL;

        text[0] = text[len + 1] = '"';
        text[special + 1] = '\t';
        doc = cs_json_document_parse (text, -1, &error);
        g_assert_null (doc);
        g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX);
      }
}

/* cs_str_hash: equal strings hash equal at every length and alignment, and
 * the keys a load hashes (Type/id, system|code) spread out. */
static void
test_str_hash (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  char buffer[64];

  for (guint len = 0; len < 40; len++)
    for (guint shift = 0; shift < 8; shift++)
      {
        g_autofree char *a = g_strnfill (len, 'k');

        memset (buffer, 'k', len);
        buffer[shift + len] = '\0';
        memmove (buffer + shift, buffer, len);
        buffer[shift + len] = '\0';
        g_assert_cmpuint (cs_str_hash (a), ==, cs_str_hash (buffer + shift));
      }
  g_assert_cmpuint (cs_str_hash ("Patient/1"), !=, cs_str_hash ("Patient/2"));
  g_assert_cmpuint (cs_str_hash (""), !=, cs_str_hash ("\x01"));

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *key = g_strdup_printf (i % 2 ? "Observation/obs-%u" : "http://loinc.org|%u-%u", i, i % 10);

      g_hash_table_add (seen, GUINT_TO_POINTER (cs_str_hash (key)));
    }
  g_assert_cmpuint (g_hash_table_size (seen), >=, 19990);
}

static const char *patient =
  "{\n"
  "  \"resourceType\": \"Patient\",\n"
  "  \"id\": \"p1\",\n"
  "  \"active\": true,\n"
  "  \"deceasedBoolean\": false,\n"
  "  \"multipleBirthInteger\": 2,\n"
  "  \"name\": [ { \"family\": \"Chalmers\", \"given\": [\"Peter\", \"James\"] },\n"
  "              { \"family\": \"Windsor\" } ],\n"
  "  \"code\": { \"coding\": [ { \"system\": \"http://loinc.org\", \"code\": \"1234-5\" },\n"
  "                          { \"system\": \"http://snomed.info/sct\", \"code\": \"42\" } ] },\n"
  "  \"empty\": {}, \"none\": [], \"nothing\": null\n"
  "}\n";

static void
test_accessors (void)
{
  g_autoptr(CsJsonDocument) doc = parse_ok (patient);
  const CsJsonNode *root = cs_json_document_get_root (doc);
  double number = 0;
  gboolean boolean = TRUE;

  g_assert_true (cs_json_is (root, CS_JSON_OBJECT));
  g_assert_false (cs_json_is (root, CS_JSON_ARRAY));
  g_assert_false (cs_json_is (NULL, CS_JSON_NULL));
  g_assert_cmpuint (root->n_children, ==, 10);
  g_assert_cmpstr (cs_json_first (root)->key, ==, "resourceType");
  g_assert_cmpstr (cs_json_get_string (root, "resourceType"), ==, "Patient");
  g_assert_cmpstr (cs_json_get_string (root, "id"), ==, "p1");
  g_assert_null (cs_json_get_string (root, "active"));
  g_assert_null (cs_json_get_string (root, "missing"));
  g_assert_true (cs_json_get_boolean (root, "active", &boolean));
  g_assert_true (boolean);
  g_assert_true (cs_json_get_boolean (root, "deceasedBoolean", &boolean));
  g_assert_false (boolean);
  g_assert_false (cs_json_get_boolean (root, "id", &boolean));
  g_assert_true (cs_json_get_number (root, "multipleBirthInteger", &number));
  g_assert_cmpfloat (number, ==, 2);
  g_assert_false (cs_json_get_number (root, "id", &number));
  g_assert_false (cs_json_get_number (root, "nothing", &number));
  g_assert_true (cs_json_is (cs_json_get (root, "nothing"), CS_JSON_NULL));

  g_assert_cmpstr (cs_json_string (cs_json_get_path (root, "name.family")), ==, "Chalmers");
  g_assert_cmpstr (cs_json_string (cs_json_get_path (root, "name.1.family")), ==, "Windsor");
  g_assert_cmpstr (cs_json_string (cs_json_get_path (root, "name.0.given.1")), ==, "James");
  /* a path ending at an array gives the array */
  g_assert_true (cs_json_is (cs_json_get_path (root, "name.given"), CS_JSON_ARRAY));
  g_assert_true (cs_json_is (cs_json_get_path (root, "code.coding"), CS_JSON_ARRAY));
  g_assert_cmpstr (cs_json_string (cs_json_get_path (root, "code.coding.code")), ==, "1234-5");
  g_assert_cmpstr (cs_json_string (cs_json_get_path (root, "code.coding.1.code")), ==, "42");
  g_assert_null (cs_json_get_path (root, "code.coding.2.code"));
  g_assert_null (cs_json_get_path (root, "code.cod"));
  g_assert_null (cs_json_get_path (root, "id.x"));
  g_assert_null (cs_json_get_path (root, "none.x"));
  g_assert_true (cs_json_get_path (root, "empty") == cs_json_get (root, "empty"));
  g_assert_null (cs_json_first (cs_json_get (root, "empty")));
  g_assert_null (cs_json_first (cs_json_get (root, "id")));
  g_assert_null (cs_json_nth (cs_json_get (root, "none"), 0));
  g_assert_cmpstr (cs_json_nth (root, 1)->key, ==, "id");

  /* NULL-safety */
  g_assert_null (cs_json_get (NULL, "x"));
  g_assert_null (cs_json_get_path (NULL, "x"));
  g_assert_null (cs_json_first (NULL));
  g_assert_null (cs_json_nth (NULL, 0));
  g_assert_null (cs_json_get_string (NULL, "x"));
  g_assert_false (cs_json_get_number (NULL, "x", &number));
  g_assert_false (cs_json_get_boolean (NULL, "x", &boolean));
  g_assert_null (cs_json_string (NULL));
  g_assert_null (cs_json_document_get_root (NULL));
  cs_json_document_free (NULL);
}

static void
test_to_string (void)
{
  g_autoptr(CsJsonDocument) doc = parse_ok (patient);
  g_autoptr(CsJsonDocument) again = NULL;
  g_autoptr(CsJsonDocument) small = parse_ok ("{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":[]}");
  g_autofree char *compact = cs_json_to_string (cs_json_document_get_root (doc), FALSE);
  g_autofree char *pretty = cs_json_to_string (cs_json_document_get_root (doc), TRUE);
  g_autofree char *compact2 = NULL;
  g_autofree char *small_pretty = cs_json_to_string (cs_json_document_get_root (small), TRUE);
  g_autofree char *null_text = cs_json_to_string (NULL, FALSE);

  g_assert_cmpstr (compact, ==,
                   "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true,"
                   "\"deceasedBoolean\":false,\"multipleBirthInteger\":2,"
                   "\"name\":[{\"family\":\"Chalmers\",\"given\":[\"Peter\",\"James\"]},"
                   "{\"family\":\"Windsor\"}],\"code\":{\"coding\":[{\"system\":"
                   "\"http://loinc.org\",\"code\":\"1234-5\"},{\"system\":"
                   "\"http://snomed.info/sct\",\"code\":\"42\"}]},\"empty\":{},\"none\":[],"
                   "\"nothing\":null}");
  again = parse_ok (pretty);
  compact2 = cs_json_to_string (cs_json_document_get_root (again), FALSE);
  g_assert_cmpstr (compact, ==, compact2);
  g_assert_cmpstr (small_pretty, ==,
                   "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
                   "  \"c\": {},\n  \"d\": []\n}");
  g_assert_cmpstr (null_text, ==, "null");
}

static void
test_escape (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  cs_json_append_escaped (out, "a\"b\\c\n\t\x01/\xc3\xa9", -1);
  g_assert_cmpstr (out->str, ==, "\"a\\\"b\\\\c\\n\\t\\u0001/\xc3\xa9\"");

  g_string_truncate (out, 0);
  cs_json_append_escaped (out, "x\0y", 3);
  g_assert_cmpstr (out->str, ==, "\"x\\u0000y\"");

  g_string_truncate (out, 0);
  cs_json_append_escaped (out, "bad\xff\xc3(", -1);
  g_assert_cmpstr (out->str, ==, "\"bad\\ufffd\\ufffd(\"");
  g_assert_true (g_utf8_validate (out->str, -1, NULL));

  g_string_truncate (out, 0);
  cs_json_append_escaped (out, NULL, -1);
  g_assert_cmpstr (out->str, ==, "\"\"");

  /* round trip of every byte value through escape and parse */
  {
    char all[128];
    g_autoptr(CsJsonDocument) doc = NULL;
    const CsJsonNode *root;

    for (guint i = 0; i < sizeof all; i++)
      all[i] = (char) i;
    g_string_truncate (out, 0);
    cs_json_append_escaped (out, all, sizeof all);
    doc = cs_json_document_parse (out->str, out->len, NULL);
    g_assert_nonnull (doc);
    root = cs_json_document_get_root (doc);
    g_assert_cmpuint (root->v.string.len, ==, sizeof all);
    g_assert_cmpmem (root->v.string.str, sizeof all, all, sizeof all);
  }
}

static void
test_spans (void)
{
  const char *text = " {\"a\": [1, {\"b\": 2}], \"c\": {}}";
  g_autoptr(CsJsonDocument) doc = parse_ok (text);
  const CsJsonNode *root = cs_json_document_get_root (doc);
  guint64 offset, length;

  g_assert_true (cs_json_node_get_span (root, &offset, &length));
  g_assert_cmpuint (offset, ==, 1);
  g_assert_cmpuint (length, ==, strlen (text) - 1);
  g_assert_true (cs_json_node_get_span (cs_json_get_path (root, "a.1"), &offset, &length));
  g_assert_cmpint (strncmp (text + offset, "{\"b\": 2}", length), ==, 0);
  g_assert_cmpuint (length, ==, 8);
  g_assert_false (cs_json_node_get_span (cs_json_get_path (root, "a.0"), &offset, &length));
}

typedef struct
{
  const char  *text;
  CsJsonError  code;
  const char  *message;  /* substring of the error message */
} BadCase;

static void
test_errors (void)
{
  static const BadCase cases[] = {
    { "", CS_JSON_ERROR_TRUNCATED, "byte 0: the document is empty" },
    { "   ", CS_JSON_ERROR_TRUNCATED, "empty" },
    { "{", CS_JSON_ERROR_TRUNCATED, "byte 1: the input ends inside an object" },
    { "{\"a\"", CS_JSON_ERROR_TRUNCATED, "at a: the input ends after a member name" },
    { "{\"a\":", CS_JSON_ERROR_TRUNCATED, "at a: the input ends where a value is expected" },
    { "{\"a\":\"xy", CS_JSON_ERROR_TRUNCATED, "byte 8 at a: the input ends inside a string" },
    { "[1,2", CS_JSON_ERROR_TRUNCATED, "byte 4 at [1]: the input ends inside '2'" },
    { "[1,2 ", CS_JSON_ERROR_TRUNCATED, "inside an array" },
    { "[tru", CS_JSON_ERROR_TRUNCATED, "ends inside 'tru'" },
    { "{\"a\":1]", CS_JSON_ERROR_SYNTAX, "byte 6: expected ',' or '}' but found ']'" },
    { "{\"a\":{\"b\":[{\"c\":1]}}", CS_JSON_ERROR_SYNTAX,
      "byte 17 at a.b[0]: expected ',' or '}' but found ']'" },
    { "[1,]", CS_JSON_ERROR_SYNTAX, "byte 3 at [1]: expected a value but found ']'" },
    { "{,}", CS_JSON_ERROR_SYNTAX, "expected a member name or '}' but found ','" },
    { "{\"a\" 1}", CS_JSON_ERROR_SYNTAX, "at a: expected ':' but found '1'" },
    { "{a:1}", CS_JSON_ERROR_SYNTAX, "found 'a'" },
    { "01", CS_JSON_ERROR_SYNTAX, "leading zeros" },
    { "[-01]", CS_JSON_ERROR_SYNTAX, "leading zeros" },
    { "1.", CS_JSON_ERROR_SYNTAX, "expected a digit after '.'" },
    { "[1.e5]", CS_JSON_ERROR_SYNTAX, "expected a digit after '.'" },
    { "-", CS_JSON_ERROR_SYNTAX, "expected a digit after '-'" },
    { "[-]", CS_JSON_ERROR_SYNTAX, "expected a digit after '-'" },
    { "1e", CS_JSON_ERROR_SYNTAX, "exponent" },
    { "[1e+]", CS_JSON_ERROR_SYNTAX, "exponent" },
    { "[1-2]", CS_JSON_ERROR_SYNTAX, "unexpected '-' in a number" },
    { "+1", CS_JSON_ERROR_SYNTAX, "does not start with JSON" },
    { ".5", CS_JSON_ERROR_SYNTAX, "does not start with JSON" },
    { "NaN", CS_JSON_ERROR_SYNTAX, "found 'N'" },
    { "[Infinity]", CS_JSON_ERROR_SYNTAX, "found 'I'" },
    { "[nan]", CS_JSON_ERROR_SYNTAX, "found 'nan'" },
    { "[truex]", CS_JSON_ERROR_SYNTAX, "found 'truex'" },
    { "[1e400]", CS_JSON_ERROR_RANGE, "byte 1 at [0]: the number 1e400 is out of range: its magnitude is above" },
    { "[-1.7976931348623159e308]", CS_JSON_ERROR_RANGE, "above the largest double" },
    /* underflow: not zero, but would be read as 0 */
    { "{\"v\":1.0e-400}", CS_JSON_ERROR_RANGE,
      "byte 5 at v: the number 1.0e-400 is out of range: it is not zero, but its magnitude is below "
      "the smallest double (about 4.9e-324) and would be read as 0" },
    { "[-1e-400]", CS_JSON_ERROR_RANGE, "would be read as 0" },
    { "[2.4703282292062327e-324]", CS_JSON_ERROR_RANGE, "would be read as 0" },
    { "[0.0000000000000000000000000001e-300]", CS_JSON_ERROR_RANGE, "would be read as 0" },
    { "[1e-99999999999]", CS_JSON_ERROR_RANGE, "would be read as 0" },
    { "garbage{}", CS_JSON_ERROR_SYNTAX, "byte 0: the input does not start with JSON: found 'g'" },
    { "{} x", CS_JSON_ERROR_SYNTAX, "byte 3: unexpected data after the end" },
    { "{}{}", CS_JSON_ERROR_SYNTAX, "after the end" },
    { "\"a\\x\"", CS_JSON_ERROR_SYNTAX, "invalid escape" },
    { "\"a\\u12\"", CS_JSON_ERROR_UTF8, "four hexadecimal digits" },
    { "\"a\\u12G4\"", CS_JSON_ERROR_UTF8, "four hexadecimal digits" },
    { "[\"\\ud800\"]", CS_JSON_ERROR_UTF8, "at [0]: high surrogate" },
    { "\"\\ud800\\u0041\"", CS_JSON_ERROR_UTF8, "high surrogate" },
    { "\"\\udc00\"", CS_JSON_ERROR_UTF8, "lone low surrogate" },
    { "{\"k\":\"a\tb\"}", CS_JSON_ERROR_SYNTAX, "byte 7 at k: control character 0x09" },
    { "\"a\nb\"", CS_JSON_ERROR_SYNTAX, "control character 0x0A" },
    { "\"\xff\"", CS_JSON_ERROR_UTF8, "invalid UTF-8" },
    { "\"\xc3\"", CS_JSON_ERROR_UTF8, "invalid UTF-8" },
    { "\"\xc0\xaf\"", CS_JSON_ERROR_UTF8, "invalid UTF-8" },          /* overlong */
    { "\"\xed\xa0\x80\"", CS_JSON_ERROR_UTF8, "invalid UTF-8" },      /* surrogate */
    { "\"\xf4\x90\x80\x80\"", CS_JSON_ERROR_UTF8, "invalid UTF-8" },  /* > U+10FFFF */
    { "{\"\xff\":1}", CS_JSON_ERROR_UTF8, "invalid UTF-8" },
    { "\xef\xbb", CS_JSON_ERROR_SYNTAX, "does not start with JSON" },
    { "\xef\xbbx", CS_JSON_ERROR_SYNTAX, "does not start with JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (cases[i].text, -1, &error);

      if (doc != NULL || error == NULL || error->code != (int) cases[i].code ||
          strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u %s: expected error %d containing \"%s\", got %s %d \"%s\"",
                 i, cases[i].text, cases[i].code, cases[i].message,
                 doc != NULL ? "a document" : "error",
                 error != NULL ? error->code : -1, error != NULL ? error->message : "");
      g_assert_error (error, CS_JSON_ERROR, (int) cases[i].code);
    }
}

static void
test_bom (void)
{
  g_autoptr(CsJsonDocument) doc = parse_ok ("\xef\xbb\xbf{\"a\":1}");

  g_assert_true (cs_json_get_number (cs_json_document_get_root (doc), "a", NULL));
}

static void
test_depth (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(CsJsonDocument) bad = NULL;

  for (guint i = 0; i < CS_JSON_MAX_DEPTH; i++)
    g_string_append (ok, i % 2 ? "{\"k\":" : "[");
  g_string_append (ok, "1");
  for (guint i = CS_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (ok, (i - 1) % 2 ? "}" : "]");
  doc = cs_json_document_parse (ok->str, ok->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);

  /* a million levels: must fail cleanly, not overflow the stack */
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  bad = cs_json_document_parse (deep->str, deep->len, &error);
  g_assert_null (bad);
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "byte 256 at [0][0]"));
}

static void
test_too_large (void)
{
  gsize len = CS_JSON_MAX_STRING + 16;
  char *text = g_malloc (len + 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;

  memcpy (text, "{\"big\":\"", 8);
  memset (text + 8, 'x', len);
  memcpy (text + 8 + len, "\"}", 2);
  doc = cs_json_document_parse (text, (gssize) len + 10, &error);
  g_assert_null (doc);
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "byte 7 at big:"));
  g_free (text);
}

typedef struct
{
  guint    n_values;
  GString *log;
} LimitRun;

static gboolean
limit_value_cb (CsJsonStream     *stream,
                const CsJsonNode *node,
                guint64           offset,
                gpointer          user_data,
                GError          **error)
{
  LimitRun *run = user_data;

  g_string_append_printf (run->log, "value@%" G_GUINT64_FORMAT " ", offset);
  run->n_values++;
  return TRUE;
}

static gboolean
limit_stream_cb (CsJsonStream     *stream,
                 const CsJsonNode *top_object,
                 const char       *key,
                 gpointer          user_data)
{
  return strcmp (key, "entry") == 0;
}

static gboolean
limit_element_cb (CsJsonStream     *stream,
                  const CsJsonNode *element,
                  guint             index,
                  guint64           offset,
                  gpointer          user_data,
                  GError          **error)
{
  LimitRun *run = user_data;

  g_string_append_printf (run->log, "element%u@%" G_GUINT64_FORMAT " ", index, offset);
  return TRUE;
}

/* Parses text as a sequence with the given limits, whole and byte by byte
 * (which must agree); returns the log, and the error message or NULL. */
static char *
parse_limited (const char  *text,
               guint64      max_values,
               guint64      max_bytes,
               char       **message)
{
  static const CsJsonStreamFuncs funcs = { limit_value_cb, limit_stream_cb, limit_element_cb };
  char *logs[2];
  char *messages[2];
  gsize len = strlen (text);

  for (guint pass = 0; pass < 2; pass++)
    {
      LimitRun run = { 0, g_string_new (NULL) };
      g_autoptr(CsJsonStream) stream = cs_json_stream_new (CS_JSON_STREAM_SEQUENCE, &funcs, &run);
      g_autoptr(GError) error = NULL;
      gboolean ok = TRUE;
      gsize step = pass == 0 ? MAX (len, 1) : 1;

      cs_json_stream_set_limits (stream, max_values, max_bytes);
      for (gsize at = 0; ok && at < len; at += step)
        ok = cs_json_stream_feed (stream, text + at, MIN (step, len - at), &error);
      if (ok)
        ok = cs_json_stream_end (stream, &error);
      if (!ok)
        g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
      messages[pass] = ok ? NULL : g_strdup (error->message);
      logs[pass] = g_string_free (run.log, FALSE);
    }
  g_assert_cmpstr (logs[0], ==, logs[1]);
  g_assert_cmpstr (messages[0], ==, messages[1]);
  g_free (logs[1]);
  g_free (messages[1]);
  *message = messages[0];
  return logs[0];
}

/* What one value built at once may hold: values and bytes, exactly at the
 * limit and one beyond; streamed elements stop counting once reported. */
static void
test_value_limits (void)
{
  char *message = NULL;
  char *log = NULL;

  /* 5 values: the object, the members' values, the array's elements */
  log = parse_limited ("{\"a\":1,\"b\":[2,3]}", 5, 0, &message);
  g_assert_null (message);
  g_assert_cmpstr (log, ==, "value@0 ");
  g_free (log);
  log = parse_limited ("{\"a\":1,\"b\":[2,3,4]}", 5, 0, &message);
  g_assert_cmpstr (message, ==, "byte 16 at b[2]: the resource starting at byte 0 holds more than 5 "
                                "JSON values, the limit for one resource");
  g_free (log);
  g_free (message);

  /* each top-level value of a sequence has its own budget */
  log = parse_limited ("[1,2] [3,4] [5,6]", 3, 0, &message);
  g_assert_null (message);
  g_assert_cmpstr (log, ==, "value@0 value@6 value@12 ");
  g_free (log);

  /* bytes: exactly the limit passes, one more fails (at the close) */
  log = parse_limited ("[\"abcdef\"]\n[\"abcdefg\"]", 0, 10, &message);
  g_assert_cmpstr (message, ==, "byte 21: the resource starting at byte 11 is longer than 10 bytes, "
                                "the limit for one resource");
  g_assert_cmpstr (log, ==, "value@0 ");
  g_free (log);
  g_free (message);

  /* a streamed array: each element counts alone, plus what surrounds it */
  /* (the object, x's value and the array held, plus one element's 3) */
  log = parse_limited ("{\"x\":0,\"entry\":[[1,2],[3,4],[5,6]],\"y\":0}", 6, 0, &message);
  g_assert_null (message);
  g_assert_cmpstr (log, ==, "element0@16 element1@22 element2@28 value@0 ");
  g_free (log);
  log = parse_limited ("{\"x\":0,\"entry\":[[1,2],[3,4,5],[6]],\"y\":0}", 6, 0, &message);
  g_assert_cmpstr (message, ==, "byte 27 at entry[1][2]: entry[1] (from byte 22) holds more than 6 JSON "
                                "values, the limit for one resource");
  g_assert_cmpstr (log, ==, "element0@16 ");
  g_free (log);
  g_free (message);
  /* the text around the entries counts: 19 bytes up to '[' and 11 from ']' */
  log = parse_limited ("{\"x\":\"ab\",\"entry\":[\"0123456789\"],\"y\":\"cd\"}", 0, 30, &message);
  g_assert_null (message);
  g_free (log);
  log = parse_limited ("{\"x\":\"ab\",\"entry\":[\"0123456789\"],\"y\":\"cde\"}", 0, 30, &message);
  g_assert_cmpstr (message, ==, "byte 42: the resource starting at byte 0 is longer than 30 bytes, "
                                "the limit for one resource");
  g_free (log);
  g_free (message);

  /* whole documents: the document is the unit */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) big = g_string_new ("[");
    g_autoptr(CsJsonDocument) doc = NULL;

    for (guint i = 0; i < CS_JSON_MAX_VALUES; i++)
      g_string_append (big, i == 0 ? "0" : ",0");
    g_string_append_c (big, ']');
    doc = cs_json_document_parse (big->str, (gssize) big->len, &error);
    g_assert_null (doc);
    g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
    g_assert_cmpstr (error->message, ==, "byte 7999999 at [3999999]: the document holds more than "
                                         "4000000 JSON values, the limit for one document");
  }
}

/* The FHIR id rule shared by the ingest, cohorts, the upload and the validator */
static void
test_fhir_id (void)
{
  const char *reason = NULL;

  /* 1–64 letters, digits, "-" and "." */
  g_assert_true (cs_fhir_id_check ("my-cohort.1", -1, NULL));
  g_assert_true (cs_fhir_id_check ("0123456789012345678901234567890123456789012345678901234567890123", -1, NULL));
  g_assert_false (cs_fhir_id_check ("01234567890123456789012345678901234567890123456789012345678901234", -1,
                                    &reason));
  g_assert_nonnull (strstr (reason, "64"));
  g_assert_false (cs_fhir_id_check ("", -1, &reason));
  g_assert_nonnull (strstr (reason, "empty"));
  g_assert_false (cs_fhir_id_check ("Group/g1", -1, NULL));
  g_assert_false (cs_fhir_id_check ("a_b", -1, NULL));
  g_assert_false (cs_fhir_id_check ("a b", -1, &reason));
  g_assert_nonnull (strstr (reason, "only contain"));
  g_assert_false (cs_fhir_id_check ("p\xc3\xa9", -1, NULL));
  g_assert_false (cs_fhir_id_check (NULL, -1, &reason));
  g_assert_nonnull (reason);

  /* with a length: only those bytes count, and a NUL among them is not an id
   * (p\u00001 and p\u00002 must not both read as "p") */
  g_assert_true (cs_fhir_id_check ("p1/x", 2, NULL));
  g_assert_false (cs_fhir_id_check ("p\0001", 3, NULL));
  g_assert_false (cs_fhir_id_check ("p1", 0, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/scalars", test_scalars);
  g_test_add_func ("/json/number-text", test_number_text);
  g_test_add_func ("/json/strings", test_strings);
  g_test_add_func ("/json/long-strings", test_long_strings);
  g_test_add_func ("/json/str-hash", test_str_hash);
  g_test_add_func ("/json/accessors", test_accessors);
  g_test_add_func ("/json/to-string", test_to_string);
  g_test_add_func ("/json/escape", test_escape);
  g_test_add_func ("/json/spans", test_spans);
  g_test_add_func ("/json/errors", test_errors);
  g_test_add_func ("/json/bom", test_bom);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/too-large", test_too_large);
  g_test_add_func ("/json/value-limits", test_value_limits);
  g_test_add_func ("/json/fhir-id", test_fhir_id);

  return g_test_run ();
}
