/* oms-cli-status.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "oms-cli-hints.h"
#include "oms-cli-status.h"
#include "oms-locale.h"
#include "oms-sync-error-text.h"
#include "oms-sync-settings.h"

/* What the command line shows, as JSON for scripts and as short translated text for people.
 * Everything here reads the engine or the runs it is given and does no I/O, so the tests can
 * check it on a store they filled themselves.
 */

/**
 * oms_cli_format_iso_time:
 * @usec: UTC microseconds since the epoch, 0 for none
 *
 * Returns: (transfer full) (nullable): e.g. "2026-11-26T10:04:05Z", or %NULL for 0
 */
char *
oms_cli_format_iso_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec == 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (time == NULL)
    return NULL;

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* For people: local time to the minute, in the locale's way ("2026-11-26 10:04" in C). */
char *
oms_cli_format_local_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;

  if (usec == 0)
    /* Translators: the last sync time when there has been none: “Last sync: never”. */
    return g_strdup (_("never"));

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("?");

  return oms_locale_format_date_time (utc);
}

char *
oms_cli_format_duration (gint64 seconds)
{
  int hours, minutes, secs;

  seconds = MAX (seconds, 0);
  hours = (int) MIN (seconds / 3600, G_MAXINT);
  minutes = (int) (seconds % 3600) / 60;
  secs = (int) (seconds % 60);

  if (hours > 0 && minutes > 0)
    /* Translators: a duration in hours (h) and minutes (min), abbreviated, e.g. “1 h 20 min”. */
    return g_strdup_printf (_("%d h %d min"), hours, minutes);
  if (hours > 0)
    /* Translators: a duration in hours, abbreviated (h = hours), e.g. “2 h”. */
    return g_strdup_printf (_("%d h"), hours);
  if (minutes > 0 && secs > 0)
    /* Translators: a duration in minutes (min) and seconds (s), abbreviated, e.g. “2 min 5 s”. */
    return g_strdup_printf (_("%d min %d s"), minutes, secs);
  if (minutes > 0)
    /* Translators: a duration in minutes, abbreviated (min = minutes), e.g. “5 min”. */
    return g_strdup_printf (_("%d min"), minutes);
  /* Translators: a duration in seconds, abbreviated (s = seconds), e.g. “3 s”. */
  return g_strdup_printf (_("%d s"), secs);
}

/* Pretty-printed, with a final newline, ready for stdout. */
char *
oms_cli_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}


/* This program's run, or one another program (`serve`, the window) holds the lock for: the
 * engine closes unfinished runs only when no one holds it, so a run still open is live.
 */
static gboolean
site_is_syncing (OmsSyncEngine *engine)
{
  return oms_sync_engine_get_is_syncing (engine) ||
         oms_sync_run_is_syncing (oms_sync_engine_get_latest_run (engine));
}

/* A member holding a time in ISO 8601 UTC, or null when @usec is 0 (no time). */
void
oms_cli_json_add_time (JsonBuilder *builder,
                       const char  *member,
                       gint64       usec)
{
  g_autofree char *text = oms_cli_format_iso_time (usec);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

/* A member holding @value, or null. */
void
oms_cli_json_add_string (JsonBuilder *builder,
                         const char  *member,
                         const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* An interrupted run is not an error to show: it only did not finish. */
static gboolean
run_failed (const OmsSyncRun *run)
{
  return !run->interrupted && (run->error_message != NULL || run->error_code != NULL);
}

static void
add_run_error (JsonBuilder      *builder,
               const OmsSyncRun *run)
{
  OmsSyncErrorVariant variant;
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;

  json_builder_set_member_name (builder, "error");
  if (!run_failed (run))
    {
      json_builder_add_null_value (builder);
      return;
    }

  /* The variant is Open mSupply's; the message and hint are omsync's own words for it. */
  variant = oms_sync_error_variant_from_error_code (run->error_code);
  oms_sync_run_describe_error (run, NULL, &message, &hint);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_string_value (builder, oms_sync_error_variant_to_string (variant));
  oms_cli_json_add_string (builder, "message", message);
  {
    g_autoptr(OmsSyncErrorInfo) info = oms_sync_error_info_from_json (run->error_info);

    oms_cli_json_add_string (builder, "hint", oms_cli_error_hint_for (variant, info, hint));
  }
  oms_cli_json_add_string (builder, "detail", run->error_message);
  json_builder_end_object (builder);
}

static void
add_step (JsonBuilder      *builder,
          const OmsSyncRun *run,
          OmsSyncStep       step)
{
  const OmsSyncStepProgress *progress = &run->steps[step];

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "step");
  json_builder_add_string_value (builder, oms_sync_step_get_nick (step));
  oms_cli_json_add_time (builder, "started", progress->started);
  oms_cli_json_add_time (builder, "finished", progress->finished);
  json_builder_set_member_name (builder, "done");
  if (progress->has_total)
    json_builder_add_int_value (builder, progress->done);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "total");
  if (progress->has_total)
    json_builder_add_int_value (builder, progress->total);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* The pull batch sizes the run asked for, step nick → sizes in order; null when none. */
static void
add_batch_sizes (JsonBuilder      *builder,
                 const OmsSyncRun *run)
{
  g_autoptr(JsonNode) sizes = NULL;

  if (run->batch_sizes != NULL)
    sizes = json_from_string (run->batch_sizes, NULL);

  json_builder_set_member_name (builder, "batchSizes");
  if (sizes != NULL && JSON_NODE_HOLDS_OBJECT (sizes))
    json_builder_add_value (builder, g_steal_pointer (&sizes));
  else
    json_builder_add_null_value (builder);
}

static void
build_run (JsonBuilder      *builder,
           const OmsSyncRun *run)
{
  int step;

  json_builder_begin_object (builder);
  oms_cli_json_add_time (builder, "started", run->started);
  oms_cli_json_add_time (builder, "finished", run->finished);
  json_builder_set_member_name (builder, "durationSeconds");
  json_builder_add_int_value (builder, run->duration_seconds);
  json_builder_set_member_name (builder, "interrupted");
  json_builder_add_boolean_value (builder, run->interrupted);
  /* Data used: headers and bodies as they crossed the wire, compressed (oms-http.c). */
  json_builder_set_member_name (builder, "bytesDown");
  json_builder_add_int_value (builder, run->bytes_down);
  json_builder_set_member_name (builder, "bytesUp");
  json_builder_add_int_value (builder, run->bytes_up);
  add_run_error (builder, run);

  /* Steps that never started are listed too, with nulls, so the array always has all seven. */
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (step = 0; step < OMS_SYNC_N_STEPS; step++)
    add_step (builder, run, (OmsSyncStep) step);
  json_builder_end_array (builder);
  add_batch_sizes (builder, run);
  json_builder_end_object (builder);
}

/**
 * oms_cli_run_to_json:
 *
 * Returns: (transfer full): one run: times, duration, error and all seven steps
 */
JsonNode *
oms_cli_run_to_json (const OmsSyncRun *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (run != NULL, NULL);

  build_run (builder, run);

  return json_builder_get_root (builder);
}

/* One line per run, used by `history` and by `serve` as each run ends. */
char *
oms_cli_run_to_text (const OmsSyncRun *run)
{
  g_autofree char *when = NULL;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (run != NULL, NULL);

  when = oms_cli_format_local_time (run->started);
  duration = oms_cli_format_duration (run->duration_seconds);

  if (oms_sync_run_is_successful (run))
    /* Translators: "2026-11-26 10:04: finished in 3 s". */
    return g_strdup_printf (_("%s: finished in %s"), when, duration);

  if (run->interrupted)
    /* Translators: the run was stopped (omsync quit or was cancelled) before it ended. */
    return g_strdup_printf (_("%s: interrupted after %s"), when, duration);

  if (run_failed (run))
    {
      OmsSyncErrorVariant variant = oms_sync_error_variant_from_error_code (run->error_code);
      g_autofree char *message = NULL;

      oms_sync_run_describe_error (run, NULL, &message, NULL);
      /* Translators: "<time>: failed after <duration>: <error message> (<ERROR_VARIANT>)". */
      return g_strdup_printf (_("%s: failed after %s: %s (%s)"), when, duration, message,
                              oms_sync_error_variant_to_string (variant));
    }

  /* Translators: %s is the local date and time the sync started, e.g. “2026-01-07 23:45:
   * syncing”. */
  return g_strdup_printf (_("%s: syncing"), when);
}

static const char *
mode_label (OmsSyncMode mode)
{
  switch (mode)
    {
    case OMS_SYNC_MODE_UNCONFIGURED:
      /* Translators: the site's state, after “Mode:”. */
      return _("not configured");

    case OMS_SYNC_MODE_INITIALISING:
      /* Translators: the first sync, which downloads the site's data, has not finished yet. */
      return _("initialising");

    case OMS_SYNC_MODE_OPERATIONAL:
      /* Translators: the site's state, after “Mode:”: set up and syncing normally. */
      return _("operational");

    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * oms_cli_status_to_json:
 * @hardware_id: (nullable): this machine's hardware id, read by the caller
 *
 * Returns: (transfer full): the `status --json` object (README.md, "Command line")
 */
JsonNode *
oms_cli_status_to_json (OmsSyncEngine *engine,
                        const char    *hardware_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(OmsSyncSettings) settings = NULL;
  g_autofree char *site_uuid = NULL;
  OmsStore *store;
  OmsSyncMode mode;
  OmsPushQueueCounts counts;
  const OmsSyncRun *latest;
  const OmsSyncRun *successful;

  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (engine), NULL);

  store = oms_sync_engine_get_store (engine);
  mode = oms_sync_engine_get_mode (engine);
  settings = oms_sync_settings_load (store, NULL);
  site_uuid = oms_store_kv_get_string (store, OMS_KV_SYNC_SITE_UUID, NULL);
  oms_sync_engine_get_push_queue (engine, &counts);
  latest = oms_sync_engine_get_latest_run (engine);
  successful = oms_sync_engine_get_last_successful_run (engine);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "configured");
  json_builder_add_boolean_value (builder, settings != NULL);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, oms_sync_engine_mode_to_string (mode));

  json_builder_set_member_name (builder, "site");
  json_builder_begin_object (builder);
  oms_cli_json_add_string (builder, "name", settings != NULL ? settings->username : NULL);
  json_builder_set_member_name (builder, "id");
  if (oms_store_kv_has (store, OMS_KV_SYNC_SITE_ID, NULL))
    json_builder_add_int_value (builder, oms_store_kv_get_int (store, OMS_KV_SYNC_SITE_ID, 0,
                                                               NULL));
  else
    json_builder_add_null_value (builder);
  oms_cli_json_add_string (builder, "uuid", site_uuid);
  oms_cli_json_add_string (builder, "hardwareId", hardware_id);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "isSyncing");
  json_builder_add_boolean_value (builder, site_is_syncing (engine));

  json_builder_set_member_name (builder, "pushQueue");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, counts.total);
  json_builder_set_member_name (builder, "v5");
  json_builder_add_int_value (builder, counts.v5);
  json_builder_set_member_name (builder, "v6");
  json_builder_add_int_value (builder, counts.v6);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "intervalSeconds");
  if (settings != NULL)
    json_builder_add_int_value (builder, settings->interval_seconds);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "idleTimeoutSeconds");
  json_builder_add_int_value (builder, oms_sync_settings_load_idle_timeout (store));
  json_builder_set_member_name (builder, "maxBatchRecords");
  json_builder_add_int_value (builder, oms_sync_settings_load_max_batch_records (store));

  json_builder_set_member_name (builder, "lastRun");
  if (latest != NULL)
    build_run (builder, latest);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "lastSuccessfulSync");
  if (successful != NULL)
    {
      json_builder_begin_object (builder);
      oms_cli_json_add_time (builder, "finished", successful->finished);
      json_builder_set_member_name (builder, "durationSeconds");
      json_builder_add_int_value (builder, successful->duration_seconds);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
append_push_queue (GString                  *out,
                   const OmsPushQueueCounts *counts)
{
  if (counts->total == 0)
    {
      g_string_append_printf (out, "%s\n", _("There are no records to push"));
      return;
    }

  /* Translators: the total counts distinct records; one record can wait for both servers. */
  g_string_append_printf (out, _("Records to push: %" PRId64 " (legacy central %" PRId64
                                 ", Open mSupply central %" PRId64 ")\n"),
                          (int64_t) counts->total, (int64_t) counts->v5, (int64_t) counts->v6);
}

/* A few lines for people: who this site is, what waits, and how the last syncs went. */
char *
oms_cli_status_to_text (OmsSyncEngine *engine)
{
  g_autoptr(OmsSyncSettings) settings = NULL;
  GString *out = g_string_new (NULL);
  OmsStore *store;
  OmsSyncMode mode;
  OmsPushQueueCounts counts;
  const OmsSyncRun *latest;
  const OmsSyncRun *successful;

  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (engine), NULL);

  store = oms_sync_engine_get_store (engine);
  settings = oms_sync_settings_load (store, NULL);
  mode = oms_sync_engine_get_mode (engine);
  oms_sync_engine_get_push_queue (engine, &counts);
  latest = oms_sync_engine_get_latest_run (engine);
  successful = oms_sync_engine_get_last_successful_run (engine);

  if (settings == NULL)
    {
      g_string_append_printf (out, "%s\n", _("Site: not configured"));
      g_string_append_printf (out, "%s\n",
                              _("Set up this site with “omsync-cli configure”."));
    }
  else if (oms_store_kv_has (store, OMS_KV_SYNC_SITE_ID, NULL))
    /* Translators: %s is the site's name, %d its numeric id in mSupply, e.g. “Site: Clinic (id
     * 12)”. */
    g_string_append_printf (out, _("Site: %s (id %d)\n"), settings->username,
                            (int) oms_store_kv_get_int (store, OMS_KV_SYNC_SITE_ID, 0, NULL));
  else
    /* Translators: %s is the site's name. */
    g_string_append_printf (out, _("Site: %s\n"), settings->username);

  if (settings != NULL)
    /* Translators: %s is the site's state: “not configured”, “initialising” or “operational”. */
    g_string_append_printf (out, _("Mode: %s\n"), mode_label (mode));

  if (site_is_syncing (engine))
    g_string_append_printf (out, "%s\n", _("Syncing now"));

  append_push_queue (out, &counts);

  if (latest != NULL && !oms_sync_run_is_successful (latest) && !site_is_syncing (engine))
    {
      g_autofree char *line = oms_cli_run_to_text (latest);

      /* Translators: %s describes the latest sync, e.g. “2026-01-07 23:45: finished in 12 s”. */
      g_string_append_printf (out, _("Last sync: %s\n"), line);
    }

  if (successful != NULL)
    {
      g_autofree char *when = oms_cli_format_local_time (successful->finished);
      g_autofree char *duration = oms_cli_format_duration (successful->duration_seconds);

      /* Translators: the local date and time of the last successful sync, then how long it took,
       * e.g. “2026-01-07 23:45 (took 12 s)”. */
      g_string_append_printf (out, _("Last successful sync: %s (took %s)\n"), when, duration);
    }
  else if (settings != NULL)
    g_string_append_printf (out, "%s\n", _("Last successful sync: never"));

  if (settings != NULL)
    {
      g_autofree char *interval = oms_cli_format_duration (settings->interval_seconds);

      /* Translators: %s is a duration, e.g. “5 min”. */
      g_string_append_printf (out, _("Sync interval: %s\n"), interval);
    }

  return g_string_free (out, FALSE);
}

/**
 * oms_cli_pending_to_json:
 *
 * Returns: (transfer full): `{"total": n, "v5": n, "v6": n}`
 */
JsonNode *
oms_cli_pending_to_json (const OmsPushQueueCounts *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, counts->total);
  json_builder_set_member_name (builder, "v5");
  json_builder_add_int_value (builder, counts->v5);
  json_builder_set_member_name (builder, "v6");
  json_builder_add_int_value (builder, counts->v6);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
oms_cli_pending_to_text (const OmsPushQueueCounts *counts)
{
  GString *out = g_string_new (NULL);

  if (counts->total == 0)
    {
      g_string_append_printf (out, "%s\n", _("There are no records to push"));
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out,
                          /* Translators: a number of records stored here that the next sync
                           * sends to the central server. */
                          ngettext ("%" PRId64 " record is waiting to be pushed\n",
                                    "%" PRId64 " records are waiting to be pushed\n",
                                    (gulong) counts->total),
                          (int64_t) counts->total);
  /* Translators: a number of records; the legacy mSupply central is the older mSupply central
   * server (v5 protocol). */
  g_string_append_printf (out, _("  to the legacy mSupply central: %" PRId64 "\n"),
                          (int64_t) counts->v5);
  /* Translators: a number of records; the Open mSupply central is the newer central server (v6
   * protocol). */
  g_string_append_printf (out, _("  to the Open mSupply central: %" PRId64 "\n"),
                          (int64_t) counts->v6);

  return g_string_free (out, FALSE);
}

/**
 * oms_cli_history_to_json:
 * @runs: (element-type OmsSyncRun): newest first
 *
 * Returns: (transfer full): an array of run objects, as `lastRun` in `status --json`
 */
JsonNode *
oms_cli_history_to_json (GPtrArray *runs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint i;

  json_builder_begin_array (builder);
  for (i = 0; i < runs->len; i++)
    build_run (builder, g_ptr_array_index (runs, i));
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

char *
oms_cli_history_to_text (GPtrArray *runs)
{
  GString *out = g_string_new (NULL);
  guint i;

  if (runs->len == 0)
    g_string_append_printf (out, "%s\n", _("No sync has run yet."));

  for (i = 0; i < runs->len; i++)
    {
      g_autofree char *line = oms_cli_run_to_text (g_ptr_array_index (runs, i));

      g_string_append_printf (out, "%s\n", line);
    }

  return g_string_free (out, FALSE);
}

/* A failure for people: the variant's message and hint for sync errors, else the message. */
char *
oms_cli_error_to_text (const GError *error)
{
  return oms_cli_error_to_text_in_step (error, -1);
}

/* The same, for an error that ended a run in @step (an #OmsSyncStep, or -1). */
char *
oms_cli_error_to_text_in_step (const GError *error,
                               int           step)
{
  OmsSyncErrorVariant variant;
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != OMS_SYNC_ERROR)
    return g_strdup_printf ("%s\n", error->message);

  variant = oms_sync_error_get_variant (error);
  oms_sync_error_describe_error (error, step, NULL, &message, &hint);

  /* Translators: "<message> (<ERROR_VARIANT>)", then the hint, then the technical details. */
  return g_strdup_printf (_("%s (%s)\n%s\nDetails: %s\n"), message,
                          oms_sync_error_variant_to_string (variant),
                          oms_cli_error_hint_for (variant, oms_sync_error_get_info (error), hint),
                          error->message);
}

/**
 * oms_cli_network_wait_to_text:
 * @wait: what timed syncs wait for now
 *
 * Returns: (transfer full): the line `serve` prints when that changes
 */
char *
oms_cli_network_wait_to_text (OmsNetworkWait wait)
{
  switch (wait)
    {
    case OMS_NETWORK_WAIT_OFFLINE:
      return g_strdup (_("Offline: syncs wait until the central server can be reached.\n"));
    case OMS_NETWORK_WAIT_METERED:
      return g_strdup (_("Metered connection: syncs wait for another one (“serve "
                         "--sync-on-metered” lets them use it).\n"));
    case OMS_NETWORK_WAIT_NONE:
    default:
      return g_strdup (_("Connected: syncs go on.\n"));
    }
}
