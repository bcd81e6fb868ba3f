/* protocol-test-util.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>
#include <json-glib/json-glib.h>

#include "oms-protocol-error.h"

/* The upstream fixtures: tests/fixtures/upstream/, a copy of ../shared/fixtures/upstream/. */
static inline char *
fixture_path (const char *name)
{
  const char *dir = g_getenv ("OMSYNC_FIXTURES_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static inline GBytes *
load_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (name);
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* A fixture's text without the final newline the files end with. */
static inline char *
load_fixture_text (const char *name)
{
  g_autoptr(GBytes) bytes = load_fixture (name);
  char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return g_strchomp (text);
}

static inline GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* A body a parser refused, and the message names @needle when given. */
static inline void
assert_protocol_parse_error (const GError *error,
                             const char   *needle)
{
  g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    {
      g_test_message ("“%s” is not in the error message “%s”", needle, error->message);
      g_assert_not_reached ();
    }
}

static inline void
assert_bytes_equal (GBytes     *bytes,
                    const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (bytes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, strlen (expected));
}

static inline JsonNode *
parse_json_bytes (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                              (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

/* Rewrites one member of a fixture's top-level object (or of the object at @parent_member):
 * @value_json NULL removes it, otherwise it becomes that JSON value.
 */
static inline GBytes *
edit_fixture_member (GBytes     *fixture,
                     const char *parent_member,
                     const char *member,
                     const char *value_json)
{
  g_autoptr(JsonNode) root = parse_json_bytes (fixture);
  JsonObject *object = json_node_get_object (root);
  char *text;

  if (parent_member != NULL)
    object = json_object_get_object_member (object, parent_member);

  g_assert_nonnull (object);

  if (value_json == NULL)
    {
      g_assert_true (json_object_has_member (object, member));
      json_object_remove_member (object, member);
    }
  else
    {
      g_autoptr(GError) error = NULL;
      JsonNode *value = json_from_string (value_json, &error);

      g_assert_no_error (error);
      json_object_set_member (object, member, value);
    }

  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static inline int
compare_key_pointers (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The member names of an object, sorted and joined with commas, to compare shapes. */
static inline char *
object_keys (JsonObject *object,
             const char *skip)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GList *members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (skip == NULL || strcmp (l->data, skip) != 0)
        g_ptr_array_add (keys, l->data);
    }
  g_list_free (members);

  g_ptr_array_sort (keys, compare_key_pointers);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (",", (char **) keys->pdata);
}
