/* test-sync-transport.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "oms-central-server.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

/* How omsync moves its data on a slow line (issue 12): the central compresses, a run keeps one
 * connection, the run's bytes on the wire are counted and kept, and a cut initialisation
 * resumes from its cursors.
 */

typedef OmsTestSite Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_unsetenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT");
  oms_test_site_set_up (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  oms_test_site_tear_down (fixture);
}

static void
configure (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_no_error (error);
  oms_sync_engine_refresh (fixture->engine);
}

static void
initialise (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_OPERATIONAL);
}

/*
 * The central's compression
 */

typedef struct
{
  guint   status;
  char   *encoding;
  GBytes *body;
  gboolean done;
} RawReply;

static void
raw_reply_clear (RawReply *reply)
{
  g_clear_pointer (&reply->encoding, g_free);
  g_clear_pointer (&reply->body, g_bytes_unref);
}

static void
raw_send_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawReply *reply = user_data;
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  reply->done = TRUE;
}

/* One request as it goes on the wire: no decoder, @accept_encoding as given (NULL: none). */
static void
raw_request (Fixture    *fixture,
             RawReply   *reply,
             const char *method,
             const char *path,
             const char *accept_encoding)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (oms_central_server_get_base_url (fixture->central), path,
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_message_headers_remove (headers, "Accept-Encoding");
  if (accept_encoding != NULL)
    soup_message_headers_replace (headers, "Accept-Encoding", accept_encoding);
  if (g_str_equal (method, "POST"))
    {
      g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  raw_reply_clear (reply);
  memset (reply, 0, sizeof *reply);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, raw_send_cb, reply);
  g_assert_true (oms_test_spin_until (&reply->done, 20));
  reply->status = soup_message_get_status (msg);
  reply->encoding = g_strdup (soup_message_headers_get_one (
                                soup_message_get_response_headers (msg), "Content-Encoding"));
}

static GBytes *
gunzip (GBytes *bytes)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (
                                                G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) plain = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (plain,
                                                                 G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* @path answers gzip to "gzip" exactly when @compressed, and the same body either way; never
 * to a client that does not offer it.
 */
static void
check_route_compression (Fixture    *fixture,
                         const char *method,
                         const char *path,
                         gboolean    compressed)
{
  RawReply plain = { 0 };
  RawReply offered = { 0 };
  RawReply refused = { 0 };
  RawReply identity = { 0 };

  raw_request (fixture, &plain, method, path, NULL);
  g_assert_null (plain.encoding);
  g_assert_cmpuint (g_bytes_get_size (plain.body), >, 0);

  raw_request (fixture, &offered, method, path, "gzip, deflate");
  g_assert_cmpuint (offered.status, ==, plain.status);
  if (compressed)
    {
      g_autoptr(GBytes) decoded = gunzip (offered.body);

      g_assert_cmpstr (offered.encoding, ==, "gzip");
      g_assert_true (g_bytes_equal (decoded, plain.body));
    }
  else
    {
      g_assert_null (offered.encoding);
      g_assert_true (g_bytes_equal (offered.body, plain.body));
    }

  raw_request (fixture, &refused, method, path, "gzip;q=0");
  g_assert_null (refused.encoding);
  raw_request (fixture, &identity, method, path, "identity");
  g_assert_null (identity.encoding);

  raw_reply_clear (&plain);
  raw_reply_clear (&offered);
  raw_reply_clear (&refused);
  raw_reply_clear (&identity);
}

static void
test_central_compression (Fixture       *fixture,
                          gconstpointer  user_data)
{
  /* Open mSupply's routes as Open mSupply's central: gzip when offered. */
  check_route_compression (fixture, "POST", "/central/sync/site_status", TRUE);
  check_route_compression (fixture, "POST", "/central/sync/pull", TRUE);
  /* The legacy routes only when asked to. */
  check_route_compression (fixture, "GET", "/sync/v5/site", FALSE);
  oms_central_server_set_compress_legacy (fixture->central, TRUE);
  check_route_compression (fixture, "GET", "/sync/v5/site", TRUE);
  check_route_compression (fixture, "GET", "/sync/v5/central_records?cursor=0&limit=5", TRUE);
  oms_central_server_set_compress_legacy (fixture->central, FALSE);
  check_route_compression (fixture, "GET", "/sync/v5/site", FALSE);
}

/*
 * One connection per run
 */

/* A site's first run talks to both APIs of one central (one host): one connection carries all
 * of it, the acknowledgements and the v6 pull included.
 */
static void
test_one_connection_per_run (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const OmsSyncRun *run;
  guint before;
  guint used;

  configure (fixture);
  before = oms_central_server_get_n_connections (fixture->central);
  initialise (fixture);
  used = oms_central_server_get_n_connections (fixture->central) - before;

  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_REMOTE].total, >, 0);  /* acknowledged */
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_V6].started, !=, 0);   /* v6 spoken */
  g_test_message ("connections used by the first run: %u", used);
  g_assert_cmpuint (used, >=, 1);
  g_assert_cmpuint (used, <=, 2);

  /* And an operational run, pushes and their waits included. */
  before = oms_central_server_get_n_connections (fixture->central);
  initialise (fixture);
  used = oms_central_server_get_n_connections (fixture->central) - before;
  g_test_message ("connections used by the second run: %u", used);
  g_assert_cmpuint (used, <=, 2);
}

/* A server may close a kept-alive connection while it is idle (actix does after 5 s). A POST
 * that finds its connection closed before any answer came is sent again on a new one, where
 * libsoup would only resend a GET; the run does not fail for it.
 */
static void
test_stale_connection_retried (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  guint before;
  guint used;

  configure (fixture);
  initialise (fixture);

  /* The operational run's first POST (Push V6's wait) goes on the connection GET /sync/v5/site
   * opened, which the central closes on receiving it.
   */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/site_status:refuse,times=1",
                                               &error));
  g_assert_no_error (error);
  before = oms_central_server_get_n_connections (fixture->central);
  initialise (fixture);
  used = oms_central_server_get_n_connections (fixture->central) - before;
  g_assert_cmpuint (used, ==, 2);
}

/* OMSYNC_OPEN_MSUPPLY_TRANSPORT=1, the bench's comparison: a connection per request. */
static void
test_open_msupply_transport (Fixture       *fixture,
                             gconstpointer  user_data)
{
  guint before;
  guint used;

  configure (fixture);
  g_setenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT", "1", TRUE);
  before = oms_central_server_get_n_connections (fixture->central);
  initialise (fixture);
  used = oms_central_server_get_n_connections (fixture->central) - before;
  g_unsetenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT");
  g_test_message ("connections used with Open mSupply's transport: %u", used);
  g_assert_cmpuint (used, >, 4);
}

/*
 * Data used
 */

static gint64
decoded_record_bytes (Fixture *fixture)
{
  return oms_test_query_int (fixture->store, "SELECT sum(length(data)) FROM sync_buffer");
}

/* The run's bytes are counted as they crossed the wire, kept with its row, and the same in the
 * engine and the store. Compressed, they are fewer than the records' JSON; uncompressed (the
 * legacy routes without --compress-legacy), more.
 */
static void
test_data_used (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean compress_legacy = GPOINTER_TO_INT (user_data);
  g_autoptr(OmsSyncRun) stored = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  const OmsSyncRun *run;
  gint64 records;

  oms_central_server_set_compress_legacy (fixture->central, compress_legacy);
  configure (fixture);
  initialise (fixture);

  run = oms_sync_engine_get_latest_run (fixture->engine);
  records = decoded_record_bytes (fixture);
  g_test_message ("down %" G_GINT64_FORMAT ", up %" G_GINT64_FORMAT ", records' JSON %"
                  G_GINT64_FORMAT, run->bytes_down, run->bytes_up, records);
  g_assert_cmpint (run->bytes_up, >, 0);
  if (compress_legacy)
    g_assert_cmpint (run->bytes_down, <, records / 2);
  else
    g_assert_cmpint (run->bytes_down, >, records);

  stored = oms_sync_log_get_latest (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->id, ==, run->id);
  g_assert_cmpint (stored->bytes_down, ==, run->bytes_down);
  g_assert_cmpint (stored->bytes_up, ==, run->bytes_up);

  /* Each run has its own count: an operational run with nothing new costs far less. */
  initialise (fixture);
  runs = oms_sync_log_list (fixture->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  {
    const OmsSyncRun *second = g_ptr_array_index (runs, 0);
    const OmsSyncRun *first = g_ptr_array_index (runs, 1);

    g_assert_cmpint (second->bytes_down, >, 0);
    g_assert_cmpint (second->bytes_down, <, first->bytes_down / 4);
  }
}

/*
 * Resume
 */

#define RESUME_EXTRA_RECORDS 8000
#define RESUME_CUTS          5

/* The next run's first answer to a central_records request from @cursor on is cut half-way
 * (a reset mid-transfer: the central closes the connection after half the body).
 */
static void
cut_from_cursor (OmsCentralServer *central,
                 gint64            cursor)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = g_strdup_printf ("/sync/v5/central_records:truncate,times=1,"
                                           "from-cursor=%" G_GINT64_FORMAT, cursor);

  g_assert_true (oms_central_server_add_fault (central, spec, &error));
  g_assert_no_error (error);
}

static gint64
sum_bytes_down (OmsStore *store,
                guint    *out_n_runs)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total = 0;

  runs = oms_sync_log_list (store, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    total += ((const OmsSyncRun *) g_ptr_array_index (runs, i))->bytes_down;
  *out_n_runs = runs->len;
  return total;
}

/* The same initialisation uncut, then cut five times along Pull central, with batches that
 * adapt as they do for a site (growing towards 5000 records, most of this pull in one
 * answer): the cut runs keep the whole records of each cut answer and resume from the stored
 * cursor, so all of them together download at most 10 % more.
 */
static void
test_resume_after_cuts (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uncut_dir = oms_test_make_tmp_dir ("oms-site-XXXXXX");
  g_autoptr(OmsStore) uncut_store = NULL;
  g_autoptr(OmsSyncEngine) uncut_engine = NULL;
  gint64 uncut_bytes;
  gint64 cut_bytes;
  gint64 last_cursor;
  guint n_runs = 0;

  oms_central_server_set_compress_legacy (fixture->central, TRUE);
  g_assert_true (oms_central_server_seed_demo (fixture->central, RESUME_EXTRA_RECORDS, &error));
  g_assert_no_error (error);

  /* The uncut run, by another site store against the same central. */
  uncut_store = oms_store_open (uncut_dir, &error);
  g_assert_no_error (error);
  uncut_engine = oms_sync_engine_new (uncut_store);
  oms_sync_engine_set_timing (uncut_engine, 20, 3000, 20, 3000);
  g_assert_true (oms_test_save_settings (uncut_store, fixture->central, "pass", &error));
  g_assert_no_error (error);
  g_assert_true (oms_test_run_sync (uncut_engine, &error));
  g_assert_no_error (error);
  uncut_bytes = sum_bytes_down (uncut_store, &n_runs);
  g_assert_cmpuint (n_runs, ==, 1);
  g_assert_cmpint (oms_sync_engine_get_latest_run (uncut_engine)->
                     steps[OMS_SYNC_STEP_PULL_CENTRAL].total, >, RESUME_EXTRA_RECORDS);
  last_cursor = oms_store_kv_get_int (uncut_store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0, &error);
  g_assert_no_error (error);
  g_clear_object (&uncut_engine);
  g_clear_object (&uncut_store);
  oms_test_remove_dir (uncut_dir);

  /* The same central serves its first site again from the start (a new hardware id binds
   * nothing new: the central's queue for the site is filled again by initialise).
   */
  configure (fixture);
  for (guint cut = 1; cut <= RESUME_CUTS; cut++)
    {
      gint64 cursor = oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0,
                                            NULL);

      /* Five cuts spread along the pull, in whatever batch is under way there. */
      cut_from_cursor (fixture->central, MAX (cursor, last_cursor * cut / (RESUME_CUTS + 1)));
      g_assert_false (oms_test_run_sync (fixture->engine, &error));
      g_assert_nonnull (error);
      g_test_message ("cut %u: %s", cut, error->message);
      g_clear_error (&error);
      g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0,
                                             NULL), >, cursor);
    }
  initialise (fixture);

  cut_bytes = sum_bytes_down (fixture->store, &n_runs);
  g_assert_cmpuint (n_runs, ==, RESUME_CUTS + 1);
  g_test_message ("uncut %" G_GINT64_FORMAT " bytes down; cut %u times %" G_GINT64_FORMAT
                  " (%.3f×)", uncut_bytes, RESUME_CUTS, cut_bytes,
                  (double) cut_bytes / (double) uncut_bytes);
  g_assert_cmpint (cut_bytes * 10, <=, uncut_bytes * 11);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0,
                                         NULL), ==, last_cursor);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
}

/* A v6 pull answer cut half-way: its whole records are stored with the cursor after the last
 * of them, so the next run asks only for the rest; every record arrives once.
 */
static void
test_resume_v6_cut (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 cursor;
  gint64 kept;
  gint64 total;

  g_assert_true (oms_central_server_seed_demo_v6 (fixture->central, 1200, &error));
  g_assert_no_error (error);
  configure (fixture);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/pull:truncate,times=1", &error));
  g_assert_no_error (error);

  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  cursor = oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PULL_CURSOR_V6, 0, &error);
  g_assert_no_error (error);
  kept = oms_test_query_int (fixture->store,
                             "SELECT count(*) FROM sync_buffer WHERE source_site_id IS NULL");
  g_test_message ("the cut answer left %" G_GINT64_FORMAT " records, cursor %" G_GINT64_FORMAT,
                  kept, cursor);
  g_assert_cmpint (kept, >, 0);
  g_assert_cmpint (cursor, >, 0);

  initialise (fixture);
  total = oms_sync_engine_get_latest_run (fixture->engine)->steps[OMS_SYNC_STEP_PULL_V6].total;
  g_assert_cmpint (total, >, 0);
  /* The resumed run counted only what was left. */
  g_assert_cmpint (total + kept, ==,
                   oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE source_site_id IS NULL"));
}

/*
 * No request that can only come back empty
 */

typedef struct
{
  OmsCentralServer *central;
  gboolean          fault_added;
} QueueDrained;

/* Once Pull remote has acknowledged the whole queue, any further queue request fails. */
static void
fail_after_queue_drained_cb (OmsSyncEngine *engine,
                             gpointer       user_data)
{
  QueueDrained *drained = user_data;
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
  const OmsSyncStepProgress *remote;
  g_autoptr(GError) error = NULL;

  if (drained->fault_added || run == NULL)
    return;
  remote = &run->steps[OMS_SYNC_STEP_PULL_REMOTE];
  if (remote->total <= 0 || remote->done < remote->total)
    return;

  g_assert_true (oms_central_server_add_fault (drained->central,
                                               "/sync/v5/queued_records:status=500,times=1,"
                                               "body=asked after the queue was drained",
                                               &error));
  g_assert_no_error (error);
  drained->fault_added = TRUE;
}

/* Open mSupply ends Pull central and Pull remote with a request whose answer is empty: a round
 * trip each on a far line. omsync stops when the last answer said it held everything
 * (maxCursor reached; queueLength all acknowledged), and a record added afterwards comes in
 * the next run.
 */
static void
test_no_empty_last_request (Fixture       *fixture,
                            gconstpointer  user_data)
{
  QueueDrained drained = { fixture->central, FALSE };
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  gulong handler;
  gint64 cursor;

  configure (fixture);
  handler = g_signal_connect (fixture->engine, "run-changed",
                              G_CALLBACK (fail_after_queue_drained_cb), &drained);
  initialise (fixture);
  g_clear_signal_handler (&handler, fixture->engine);
  g_assert_true (drained.fault_added);
  oms_central_server_clear_faults (fixture->central, NULL);

  /* One new central record: the next run asks from the stored cursor, gets it, and stops; a
   * request from past it fails.
   */
  cursor = oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0, &error);
  g_assert_no_error (error);
  g_assert_true (oms_central_server_add_central_record (fixture->central, "item", "NEW-ITEM",
                                                        "insert", "{\"ID\":\"NEW-ITEM\"}",
                                                        &error));
  g_assert_no_error (error);
  spec = g_strdup_printf ("/sync/v5/central_records:status=500,from-cursor=%" G_GINT64_FORMAT
                          ",body=asked past maxCursor", cursor + 1);
  g_assert_true (oms_central_server_add_fault (fixture->central, spec, &error));
  g_assert_no_error (error);
  initialise (fixture);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0,
                                         NULL), >, cursor);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'NEW-ITEM'"), ==, 1);
}

/* The bench's comparison keeps Open mSupply's last, empty request of the queue loop. */
static void
test_open_msupply_asks_until_empty (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  QueueDrained drained = { fixture->central, FALSE };
  g_autoptr(GError) error = NULL;
  gulong handler;

  configure (fixture);
  g_setenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT", "1", TRUE);
  handler = g_signal_connect (fixture->engine, "run-changed",
                              G_CALLBACK (fail_after_queue_drained_cb), &drained);
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_unsetenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT");
  g_clear_signal_handler (&handler, fixture->engine);
  g_assert_true (drained.fault_added);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "queued_records"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/oms/transport/central-compression", NULL, test_central_compression);
  ADD ("/oms/transport/one-connection-per-run", NULL, test_one_connection_per_run);
  ADD ("/oms/transport/stale-connection-retried", NULL, test_stale_connection_retried);
  ADD ("/oms/transport/open-msupply-transport", NULL, test_open_msupply_transport);
  ADD ("/oms/transport/data-used/compressed", GINT_TO_POINTER (TRUE), test_data_used);
  ADD ("/oms/transport/data-used/legacy-uncompressed", GINT_TO_POINTER (FALSE),
       test_data_used);
  ADD ("/oms/transport/resume-after-cuts", NULL, test_resume_after_cuts);
  ADD ("/oms/transport/resume-v6-cut", NULL, test_resume_v6_cut);
  ADD ("/oms/transport/no-empty-last-request", NULL, test_no_empty_last_request);
  ADD ("/oms/transport/open-msupply-asks-until-empty", NULL,
       test_open_msupply_asks_until_empty);

#undef ADD

  return g_test_run ();
}
