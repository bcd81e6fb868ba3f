/* oms-cli-records.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "oms-cli-records.h"
#include "oms-cli-status.h"
#include "oms-integrator.h"
#include "oms-record-words.h"
#include "oms-sync-buffer.h"

/* `pending --list` and `failed`: the records people can act on, as the Records page shows
 * them. Both list the newest records only (--limit) and count the rest, so a long queue is
 * as quick to show as a short one. JSON keys are camelCase, as in `status --json`.
 */

static void
add_string_member (JsonBuilder *builder,
                   const char  *member,
                   const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_table (JsonBuilder *builder,
           const char  *table_name)
{
  g_autofree char *title = oms_table_title_dup (table_name);

  add_string_member (builder, "table", table_name);
  add_string_member (builder, "tableTitle", title);
}

/**
 * oms_cli_pending_list_to_json:
 * @records: (element-type OmsPendingRecord): the newest records waiting
 *
 * Returns: (transfer full): `{"total", "v5", "v6", "records": [{"table", "tableTitle",
 *   "recordId", "action", "description", "waitingSince", "centrals"}], "more"}`, "more"
 *   counting the records waiting that are not listed
 */
JsonNode *
oms_cli_pending_list_to_json (const OmsPushQueueCounts *counts,
                              GPtrArray                *records)
{
  g_autoptr(JsonNode) node = oms_cli_pending_to_json (counts);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *root = json_node_get_object (node);

  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      const OmsPendingRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      add_table (builder, record->table_name);
      add_string_member (builder, "recordId", record->record_id);
      add_string_member (builder, "action", record->is_delete ? "DELETE" : "UPSERT");
      add_string_member (builder, "description", record->description);
      oms_cli_json_add_time (builder, "waitingSince", record->changed);
      json_builder_set_member_name (builder, "centrals");
      json_builder_begin_array (builder);
      if (record->targets & OMS_PUSH_TARGET_V5)
        json_builder_add_string_value (builder, "v5");
      if (record->targets & OMS_PUSH_TARGET_V6)
        json_builder_add_string_value (builder, "v6");
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_object_set_member (root, "records", json_builder_get_root (builder));
  json_object_set_int_member (root, "more", MAX (counts->total - (gint64) records->len, 0));

  return g_steal_pointer (&node);
}

static void
append_more (GString *out,
             gint64   total,
             guint    shown)
{
  if (total > (gint64) shown)
    g_string_append_printf (out,
                            /* Translators: the number of records not listed; --limit is an
                             * option, keep it as it is. */
                            ngettext ("… and %" PRId64 " more (see --limit)\n",
                                      "… and %" PRId64 " more (see --limit)\n",
                                      (gulong) (total - shown)),
                            (int64_t) (total - shown));
}

char *
oms_cli_pending_list_to_text (const OmsPushQueueCounts *counts,
                              GPtrArray                *records)
{
  g_autofree char *summary = oms_cli_pending_to_text (counts);
  GString *out = g_string_new (summary);

  for (guint i = 0; i < records->len; i++)
    {
      const OmsPendingRecord *record = g_ptr_array_index (records, i);
      g_autofree char *since = oms_cli_format_local_time (record->changed);
      const char *centrals;

      if (record->targets == (OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6))
        centrals = "v5+v6";
      else if (record->targets == OMS_PUSH_TARGET_V6)
        centrals = "v6";
      else
        centrals = "v5";

      /* Translators: one record waiting: what it is, what was done, since when, for which
       * central: "Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45 — added or changed, waiting
       * since 2026-01-07 23:46:02, for v5".
       */
      g_string_append_printf (out, _("%s — %s, waiting since %s, for %s\n"),
                              record->description,
                              /* Translators: what happened to a record waiting to be sent: it
                               * was deleted, or added or changed. */
                              record->is_delete ? _("deleted") : _("added or changed"),
                              since != NULL ? since : _("an unknown time"), centrals);
    }
  append_more (out, counts->total, records->len);

  return g_string_free (out, FALSE);
}

/**
 * oms_cli_failed_to_json:
 * @total: how many records could not be integrated
 * @records: (element-type OmsFailedRecord): the newest of them
 *
 * Returns: (transfer full): `{"total", "records": [{"table", "tableTitle", "recordId",
 *   "action", "description", "error", "failed"}], "more"}`
 */
JsonNode *
oms_cli_failed_to_json (gint64     total,
                        GPtrArray *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      const OmsFailedRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      add_table (builder, record->table_name);
      add_string_member (builder, "recordId", record->record_id);
      add_string_member (builder, "action", record->action);
      add_string_member (builder, "description", record->description);
      add_string_member (builder, "error", record->error);
      oms_cli_json_add_time (builder, "failed", record->failed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "more");
  json_builder_add_int_value (builder, MAX (total - (gint64) records->len, 0));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
oms_cli_failed_to_text (gint64     total,
                        GPtrArray *records)
{
  GString *out = g_string_new (NULL);

  if (total == 0)
    {
      g_string_append_printf (out, "%s\n", _("Every record received has been integrated."));
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out,
                          /* Translators: a number of records received from the central server
                           * that omsync could not store (integrate). */
                          ngettext ("%" PRId64 " record received could not be integrated\n",
                                    "%" PRId64 " records received could not be integrated\n",
                                    (gulong) total),
                          (int64_t) total);
  for (guint i = 0; i < records->len; i++)
    {
      const OmsFailedRecord *record = g_ptr_array_index (records, i);
      g_autofree char *when = oms_cli_format_local_time (record->failed);

      /* Translators: a record that could not be integrated, when, and the error. */
      g_string_append_printf (out, _("%s (%s), %s: %s\n"), record->description,
                              record->record_id, when != NULL ? when : "-", record->error);
    }
  append_more (out, total, records->len);

  return g_string_free (out, FALSE);
}

/**
 * oms_cli_records_check_limit:
 *
 * Returns: whether @limit is a number of records to list; when not, the usage error has been
 *   printed (exit with %OMS_CLI_EXIT_USAGE)
 */
gboolean
oms_cli_records_check_limit (GOptionContext *context,
                             int             limit)
{
  g_autofree char *message = NULL;

  if (limit >= 1 && limit <= OMS_CLI_RECORDS_MAX_LIMIT)
    return TRUE;

  message = g_strdup_printf (_("--limit must be between 1 and %d"), OMS_CLI_RECORDS_MAX_LIMIT);
  oms_cli_usage_error (context, message);
  return FALSE;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  gint64    n_retried;
  gint64    n_failed;
  GError   *error;
} Retry;

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Retry *retry = user_data;

  retry->ok = oms_integrator_retry_finish (result, &retry->n_retried, &retry->n_failed,
                                           &retry->error);
  retry->done = TRUE;
}

/* Integrates the failed records (or one) again; FALSE when some still fail or it could not. */
static gboolean
retry_failed (OmsStore   *store,
              const char *record_id)
{
  Retry retry = { 0 };

  oms_integrator_retry_async (oms_store_get_data_dir (store), record_id, NULL, retry_cb, &retry);
  while (!retry.done)
    g_main_context_iteration (NULL, TRUE);

  if (!retry.ok)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), retry.error->message);
      g_clear_error (&retry.error);
      return FALSE;
    }

  /* Translators: three numbers of records: tried again, integrated now (stored in the local
   * database), still failing. */
  g_printerr (ngettext ("Tried %" PRId64 " record again: %" PRId64 " integrated, %" PRId64
                        " still failing.\n",
                        "Tried %" PRId64 " records again: %" PRId64 " integrated, %" PRId64
                        " still failing.\n",
                        (gulong) retry.n_retried),
              (int64_t) retry.n_retried, (int64_t) (retry.n_retried - retry.n_failed),
              (int64_t) retry.n_failed);

  return retry.n_failed == 0;
}

/**
 * oms_cli_failed:
 *
 * `failed [--json] [--limit N] [--retry [--record ID]]`
 */
int
oms_cli_failed (OmsCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record_id = NULL;
  gboolean json = FALSE;
  gboolean retry = FALSE;
  gboolean retried_all = TRUE;
  int limit = OMS_CLI_RECORDS_DEFAULT_LIMIT;
  gint64 total;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print {\"total\", \"records\": [{\"table\", \"tableTitle\", \"recordId\", \"action\", "
         "\"description\", \"error\", \"failed\"}], \"more\"}"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("List at most N records, the latest failures first (default 50)"), N_("N") },
    { "retry", 0, 0, G_OPTION_ARG_NONE, &retry,
      N_("Integrate them again first, once their cause is fixed; exits 1 if some still fail"),
      NULL },
    { "record", 0, 0, G_OPTION_ARG_STRING, &record_id,
      N_("With --retry, only the record with this id"), N_("ID") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "failed",
                                   _("Lists the records received from the central servers that "
                                     "could not be integrated (saved here), with the error "
                                     "and when. Records Open mSupply ignores on purpose are "
                                     "not listed."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (!oms_cli_records_check_limit (context, limit))
    return OMS_CLI_EXIT_USAGE;
  if (record_id != NULL && !retry)
    return oms_cli_usage_error (context, _("--record goes with --retry"));

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  if (retry)
    retried_all = retry_failed (store, record_id);

  total = oms_sync_buffer_count_failed (store, &error);
  if (total >= 0)
    records = oms_sync_buffer_list_failed (store, (guint) limit, &error);
  if (records == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = oms_cli_failed_to_json (total, records);
      g_autofree char *text = oms_cli_json_to_string (node);

      oms_cli_print (text);
    }
  else
    {
      g_autofree char *text = oms_cli_failed_to_text (total, records);

      oms_cli_print (text);
    }

  return retried_all ? OMS_CLI_EXIT_OK : OMS_CLI_EXIT_FAILURE;
}
