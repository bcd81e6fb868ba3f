/* fuzz-translate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Record translation (oms-translate.c) on a buffer row: the input is the table name, a newline,
 * and the record's data, as a pulled record is kept after its body passed the gate. A record
 * that translates into a typed row is translated back for each server it is pushed to, and
 * what omsync pushes must translate again into the same row: a record omsync sends is one it
 * would take.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "oms-json-util.h"
#include "oms-translate.h"

static char *
canonical_row (JsonObject *row)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);

  return oms_json_to_canonical (node);
}

static void
push_and_pull_again (const OmsTranslation *translation,
                     OmsPushTargets        target)
{
  g_auto(OmsTranslation) again = { 0 };
  g_autofree char *table_name = NULL;
  g_autofree char *record_data = NULL;
  g_autofree char *row = NULL;
  g_autofree char *row_again = NULL;
  g_autoptr(GError) error = NULL;
  gboolean pushed;

  if ((oms_translate_push_targets (translation->table) & target) == 0)
    return;

  if (target == OMS_PUSH_TARGET_V5)
    pushed = oms_translate_push_legacy (translation->table, translation->fields, &table_name,
                                        &record_data, &error);
  else
    pushed = oms_translate_push_v6 (translation->table, translation->fields, &table_name,
                                    &record_data, &error);
  if (!pushed || record_data == NULL)
    return;

  g_assert_true (oms_json_gate_check (record_data, strlen (record_data),
                                      OMS_JSON_GATE_MAX_RESPONSE_BYTES, NULL));
  if (!oms_translate_pull (table_name, record_data, &again, &error))
    {
      g_printerr ("%s pushed as %s: %s\n%s\n", translation->table, table_name, error->message,
                  record_data);
      abort ();
    }

  g_assert_cmpstr (again.table, ==, translation->table);
  if (again.fields == NULL)
    return;

  row = canonical_row (translation->fields);
  row_again = canonical_row (again.fields);
  g_assert_cmpstr (row_again, ==, row);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto(OmsTranslation) translation = { 0 };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *local_table = NULL;
  const char *record_data;
  char *newline;

  /* Both come out of JSON strings and SQLite text: valid UTF-8 with no NUL in them. */
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate_len ((const char *) data, size, NULL))
    return 0;

  text = g_strndup ((const char *) data, size);
  newline = strchr (text, '\n');
  if (newline == NULL)
    return 0;
  *newline = '\0';
  record_data = newline + 1;

  if (!oms_json_gate_check (record_data, strlen (record_data),
                            OMS_JSON_GATE_MAX_RESPONSE_BYTES, NULL))
    return 0;

  (void) oms_translate_pull_is_generic (text);
  (void) oms_translate_pull_delete (text, &local_table);

  if (!oms_translate_pull (text, record_data, &translation, &error))
    {
      g_assert_nonnull (error);
      return 0;
    }

  if (translation.table == NULL || translation.fields == NULL)
    return 0;

  push_and_pull_again (&translation, OMS_PUSH_TARGET_V5);
  push_and_pull_again (&translation, OMS_PUSH_TARGET_V6);
  return 0;
}
