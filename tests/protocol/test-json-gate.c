/* test-json-gate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "oms-json-gate.h"

/* `{"username":` + N × `[` + N × `]` + `}`: the body that crashed the cold chain server. */
static GString *
nested_body (gsize n)
{
  GString *body = g_string_new ("{\"username\":");

  for (gsize i = 0; i < n; i++)
    g_string_append_c (body, '[');
  for (gsize i = 0; i < n; i++)
    g_string_append_c (body, ']');
  g_string_append_c (body, '}');
  return body;
}

static void
test_gate_refuses_deep_nesting (void)
{
  g_autoptr(GString) body = nested_body (75000);
  g_autoptr(GError) error = NULL;

  g_assert_false (oms_json_gate_check (body->str, body->len, G_MAXSIZE, &error));
  g_assert_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP);
}

static void
test_gate_limit_is_exact (void)
{
  /* The object counts as one level: 63 arrays inside it is 64 deep, 64 arrays is 65. */
  g_autoptr(GString) ok = nested_body (OMS_JSON_GATE_MAX_DEPTH - 1);
  g_autoptr(GString) deep = nested_body (OMS_JSON_GATE_MAX_DEPTH);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (oms_json_gate_depth (ok->str, ok->len), ==, OMS_JSON_GATE_MAX_DEPTH);
  g_assert_true (oms_json_gate_check (ok->str, ok->len, G_MAXSIZE, &error));
  g_assert_no_error (error);
  /* What passes the gate, json-glib parses. */
  g_assert_true (json_parser_load_from_data (parser, ok->str, (gssize) ok->len, &error));
  g_assert_no_error (error);

  g_assert_false (oms_json_gate_check (deep->str, deep->len, G_MAXSIZE, &error));
  g_assert_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP);
}

static void
test_gate_ignores_strings (void)
{
  /* Brackets inside strings, escaped quotes and backslashes do not count. */
  static const char body[] =
    "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\","
    "\"b\":\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\","
    "\"c\":\"\\\\\",\"d\":[1,{\"e\":[]}]}";
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (oms_json_gate_depth (body, strlen (body)), ==, 4);
  g_assert_true (oms_json_gate_check (body, strlen (body), G_MAXSIZE, &error));
  g_assert_no_error (error);
}

static void
test_gate_closers_cannot_hide_depth (void)
{
  /* Stray closers before the openers must not lower the count below zero. */
  g_autoptr(GString) body = g_string_new (NULL);

  for (guint i = 0; i < 1000; i++)
    g_string_append_c (body, ']');
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (body, '[');

  g_assert_cmpuint (oms_json_gate_depth (body->str, body->len), ==, 1000);
  g_assert_false (oms_json_gate_check (body->str, body->len, G_MAXSIZE, NULL));
}

/* json-glib 1.6 reads `{…}{…}` as its first object and leaks the second. */
static void
test_gate_refuses_several_values (void)
{
  static const char *const several[] = {
    "{\"a\":1}{\"b\":2}", "[1][2]", "{} []", "\"a\"{}", "1\n[]", "var a = {}",
    "\xef\xbb\xbf{}{}",
  };
  static const char *const one[] = {
    "{\"a\":[{},{}],\"b\":{}}", "  \r\n\t[{}]\n", "\"{}{}\"", "\xef\xbb\xbf{}", "{} ", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (several); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (oms_json_gate_check (several[i], strlen (several[i]), G_MAXSIZE, &error));
      g_assert_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_SEVERAL_VALUES);
    }
  for (guint i = 0; i < G_N_ELEMENTS (one); i++)
    g_assert_true (oms_json_gate_check (one[i], strlen (one[i]), G_MAXSIZE, NULL));
}

/* json-glib 1.6 reads `\101` as `A`, and turns a lone surrogate into bytes that are not UTF-8
 * (and drops the character after it).
 */
static void
test_gate_refuses_bad_escapes (void)
{
  static const char *const bad[] = {
    "{\"a\":\"\\ud800*\"}", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"\\ud800\"]",
    "[\"\\u12\"]", "[\"\\u12g4\"]", "[\"\\101\"]", "[\"\\x41\"]", "[\"\\'\"]", "[\"\\",
  };
  static const char *const good[] = {
    "[\"\\ud83d\\udc89 \\u00fc\\u0000\\uFFFF\"]", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    "[\"\\ud800\\udc00\",\"\\uDBFF\\uDFFF\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (oms_json_gate_check (bad[i], strlen (bad[i]), G_MAXSIZE, &error));
      g_assert_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_BAD_ESCAPE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonArray *strings;

      g_assert_true (oms_json_gate_check (good[i], strlen (good[i]), G_MAXSIZE, &error));
      g_assert_no_error (error);
      /* What passes, json-glib reads into valid UTF-8. */
      g_assert_true (json_parser_load_from_data (parser, good[i], -1, &error));
      g_assert_no_error (error);
      strings = json_node_get_array (json_parser_get_root (parser));
      for (guint j = 0; j < json_array_get_length (strings); j++)
        g_assert_true (g_utf8_validate (json_array_get_string_element (strings, j), -1, NULL));
    }
}

static void
test_gate_refuses_large_bodies (void)
{
  static const char body[] = "{\"data\":[1,2,3]}";
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_json_gate_check (body, strlen (body), strlen (body), NULL));
  g_assert_false (oms_json_gate_check (body, strlen (body), strlen (body) - 1, &error));
  g_assert_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_LARGE);
  g_assert_true (oms_json_gate_check (NULL, 0, 0, NULL));
}

static void
test_gate_passes_fixtures (void)
{
  const char *dir_name = g_getenv ("OMSYNC_FIXTURES_DIR");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir_name);
  dir = g_dir_open (dir_name, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_name, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (oms_json_gate_check (contents, length,
                                          OMS_JSON_GATE_MAX_RESPONSE_BYTES, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (oms_json_gate_depth (contents, length), <, 10);
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oms/json-gate/refuses-deep-nesting", test_gate_refuses_deep_nesting);
  g_test_add_func ("/oms/json-gate/limit-is-exact", test_gate_limit_is_exact);
  g_test_add_func ("/oms/json-gate/ignores-strings", test_gate_ignores_strings);
  g_test_add_func ("/oms/json-gate/closers-cannot-hide-depth",
                   test_gate_closers_cannot_hide_depth);
  g_test_add_func ("/oms/json-gate/refuses-several-values", test_gate_refuses_several_values);
  g_test_add_func ("/oms/json-gate/refuses-bad-escapes", test_gate_refuses_bad_escapes);
  g_test_add_func ("/oms/json-gate/refuses-large-bodies", test_gate_refuses_large_bodies);
  g_test_add_func ("/oms/json-gate/passes-fixtures", test_gate_passes_fixtures);

  return g_test_run ();
}
