/* test-file-sync.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "oms-central-server.h"
#include "oms-file-sync.h"
#include "oms-http-private.h"
#include "oms-store-private.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

/* File sync end to end: omsync's OmsFileSync against omsync-central, in-process on
 * 127.0.0.1:0, with the central's faults standing in for a network and a server that fail.
 */

typedef struct
{
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsStore         *store;
  OmsSyncEngine    *engine;
  OmsFileSync      *file_sync;
} Fixture;

static gboolean
spin_until (gboolean *done,
            guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!*done && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return *done;
}

typedef struct
{
  gboolean           done;
  gboolean           ok;
  GError            *error;
  OmsFileSyncCounts  counts;
  char              *path;
} Result;

static void
result_clear (Result *r)
{
  g_clear_error (&r->error);
  g_clear_pointer (&r->path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  if (OMS_IS_SYNC_ENGINE (object))
    r->ok = oms_sync_engine_run_finish (OMS_SYNC_ENGINE (object), result, &r->error);
  else if (OMS_IS_STORE (object))
    r->ok = oms_sync_settings_save_finish (OMS_STORE (object), result, &r->error);
  else if (g_task_get_source_tag (G_TASK (result)) == oms_file_sync_upload_async)
    r->ok = oms_file_sync_upload_finish (OMS_FILE_SYNC (object), result, &r->counts,
                                         &r->error);
  else
    {
      r->path = oms_file_sync_download_finish (OMS_FILE_SYNC (object), result, &r->error);
      r->ok = r->path != NULL;
    }
  r->done = TRUE;
}

static void
run_sync (Fixture *fixture)
{
  g_auto(Result) r = { 0 };

  oms_sync_engine_run_async (fixture->engine, NULL, result_cb, &r);
  g_assert_true (spin_until (&r.done, 60));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

static OmsFileSyncCounts
upload (Fixture *fixture)
{
  g_auto(Result) r = { 0 };

  oms_file_sync_upload_async (fixture->file_sync, NULL, result_cb, &r);
  g_assert_true (spin_until (&r.done, 60));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  return r.counts;
}

static char *
download (Fixture     *fixture,
          const char  *id,
          GError     **error)
{
  g_auto(Result) r = { 0 };

  oms_file_sync_download_async (fixture->file_sync, id, NULL, result_cb, &r);
  g_assert_true (spin_until (&r.done, 60));
  g_assert_true (r.ok == (r.error == NULL));
  if (r.error != NULL)
    g_propagate_error (error, g_steal_pointer (&r.error));
  return g_steal_pointer (&r.path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Result) r = { 0 };

  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  fixture->central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  fixture->data_dir = oms_test_make_tmp_dir ("oms-site-XXXXXX");
  fixture->central = oms_test_central_new_demo (fixture->central_dir);

  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->engine = oms_sync_engine_new (fixture->store);
  oms_sync_engine_set_timing (fixture->engine, 20, 3000, 20, 3000);
  fixture->file_sync = oms_file_sync_new (fixture->engine);

  /* Configured and initialised: files wait for the first successful sync. */
  oms_sync_settings_save_async (fixture->store, oms_central_server_get_base_url (fixture->central),
                                "demo", "pass", 300, NULL, result_cb, &r);
  g_assert_true (spin_until (&r.done, 60));
  g_assert_no_error (r.error);
  oms_sync_engine_refresh (fixture->engine);
  run_sync (fixture);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_OPERATIONAL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->file_sync);
  g_assert_finalize_object (fixture->engine);
  g_assert_finalize_object (fixture->store);
  g_assert_finalize_object (fixture->central);
  oms_test_remove_dir (fixture->central_dir);
  oms_test_remove_dir (fixture->data_dir);
  g_free (fixture->central_dir);
  g_free (fixture->data_dir);
}

/* Bytes that no text handling leaves alone: NULs, CR LF, a would-be multipart boundary. */
static GBytes *
make_content (gsize size)
{
  guint8 *data = g_malloc (size);
  GRand *rand = g_rand_new_with_seed ((guint32) size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  if (size > 64)
    memcpy (data + 10, "\r\n--omsync-\r\n\0", 14);
  g_rand_free (rand);

  return g_bytes_new_take (data, size);
}

static GFile *
write_source (Fixture    *fixture,
              const char *name,
              GBytes     *content)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->central_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL),
                                      (gssize) g_bytes_get_size (content), &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static char *
demo_asset_id (Fixture *fixture)
{
  char *id = oms_test_query_text (fixture->store, "SELECT id FROM asset ORDER BY id LIMIT 1");

  g_assert_nonnull (id);
  return id;
}

static OmsFileReference *
attach (Fixture    *fixture,
        const char *name,
        GBytes     *content)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) source = write_source (fixture, name, content);
  g_autofree char *asset_id = demo_asset_id (fixture);
  OmsFileReference *reference;

  reference = oms_file_reference_attach (fixture->store, "asset", asset_id, source, NULL,
                                         &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);
  return reference;
}

static OmsFileReference *
get_reference (Fixture    *fixture,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  OmsFileReference *reference = oms_file_reference_get (fixture->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reference);
  return reference;
}

static void
assert_file_content (const char *path,
                     GBytes     *content)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &data, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (data, size, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
}

static char *
central_file (Fixture                *fixture,
              const OmsFileReference *reference)
{
  return oms_central_server_find_file (fixture->central, reference->table_name,
                                       reference->record_id, reference->id);
}

/* Seconds from now to the reference's next retry. */
static double
retry_in_seconds (const OmsFileReference *reference)
{
  gint64 retry_at = 0;

  g_assert_nonnull (reference->retry_at);
  g_assert_true (oms_sync_parse_timestamp (reference->retry_at, &retry_at));
  return (double) (retry_at - g_get_real_time ()) / G_USEC_PER_SEC;
}

static void
make_retry_due (Fixture    *fixture,
                const char *id)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE sync_file_reference SET retry_at = "
                                          "'2000-01-01 00:00:00.000000' WHERE id = '%s'", id);

  oms_test_exec_sql (fixture->store, sql);
}

/* No half-written file is left beside the files of a record. */
static void
assert_no_partial_files (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_suffix (name, ".part"));
}

/* attach → sync → upload: the central holds the same bytes and the reference is DONE. */
static void
test_upload (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (300 * 1024 + 7);
  g_autoptr(OmsFileReference) attached = attach (fixture, "fridge photo \"1\".jpg", content);
  g_autoptr(OmsFileReference) done = NULL;
  g_autoptr(OmsFileReference) after = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *received_text = NULL;
  OmsFileSyncCounts counts;

  g_assert_cmpstr (attached->direction, ==, "UPLOAD");
  g_assert_cmpstr (attached->status, ==, "NEW");
  g_assert_cmpint (attached->total_bytes, ==, g_bytes_get_size (content));
  g_assert_cmpstr (attached->file_name, ==, "fridge photo 1.jpg");
  local = oms_file_reference_dup_path (fixture->data_dir, attached);
  g_assert_true (g_str_has_prefix (local, fixture->data_dir));
  assert_file_content (local, content);

  /* Push V6 takes the reference to the central, in Open mSupply's shape. */
  run_sync (fixture);
  received = oms_central_server_dup_received (fixture->central, "demo", &error);
  g_assert_no_error (error);
  received_text = json_to_string (received, FALSE);
  g_assert_nonnull (strstr (received_text, "\"sync_file_reference\""));
  g_assert_nonnull (strstr (received_text, attached->id));
  g_assert_null (strstr (received_text, "\"direction\""));
  g_assert_null (strstr (received_text, "\"uploaded_bytes\""));

  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded, ==, 1);
  g_assert_cmpuint (counts.failed, ==, 0);

  done = get_reference (fixture, attached->id);
  g_assert_cmpstr (done->status, ==, "DONE");
  g_assert_cmpint (done->uploaded_bytes, ==, g_bytes_get_size (content));
  g_assert_null (done->error);
  remote = central_file (fixture, attached);
  assert_file_content (remote, content);
  g_assert_true (g_str_has_suffix (remote, "fridge photo 1.jpg"));

  /* Nothing more to do. */
  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded + counts.failed, ==, 0);

  /* The central wrote the reference again; pulled back, it keeps this site's state. */
  run_sync (fixture);
  after = get_reference (fixture, attached->id);
  g_assert_cmpstr (after->direction, ==, "UPLOAD");
  g_assert_cmpstr (after->status, ==, "DONE");
  g_assert_cmpint (after->uploaded_bytes, ==, g_bytes_get_size (content));
  assert_file_content (local, content);
}

/* A reference the central has not integrated yet: syncFileNotFound, retried in a minute. */
static void
test_not_on_central (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (4096);
  g_autoptr(OmsFileReference) attached = attach (fixture, "manual.pdf", content);
  g_autoptr(OmsFileReference) failed = NULL;
  g_autoptr(OmsFileReference) done = NULL;
  g_autofree char *remote = NULL;
  OmsFileSyncCounts counts;
  double seconds;

  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded, ==, 0);
  g_assert_cmpuint (counts.failed, ==, 1);

  failed = get_reference (fixture, attached->id);
  g_assert_cmpstr (failed->status, ==, "ERROR");
  g_assert_cmpint (failed->retries, ==, 1);
  seconds = retry_in_seconds (failed);
  g_assert_cmpfloat (seconds, >, 50);
  g_assert_cmpfloat (seconds, <=, 61);
  g_assert_nonnull (failed->error);
  g_assert_nonnull (strstr (failed->error, "upload_file"));
  g_assert_nonnull (strstr (failed->error, attached->id));
  g_assert_null (central_file (fixture, attached));

  /* Not due again before its time. */
  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded + counts.failed, ==, 0);

  /* Once pushed and due, it goes. */
  run_sync (fixture);
  make_retry_due (fixture, attached->id);
  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded, ==, 1);
  done = get_reference (fixture, attached->id);
  g_assert_cmpstr (done->status, ==, "DONE");
  remote = central_file (fixture, attached);
  assert_file_content (remote, content);
}

/* The central failing with a 500 twice: ERROR, backing off 15 then 30 minutes, the file kept;
 * the third attempt succeeds.
 */
static void
test_server_fault (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (70000);
  g_autoptr(OmsFileReference) attached = attach (fixture, "log.csv", content);
  g_autoptr(GError) error = NULL;
  g_autofree char *local = oms_file_reference_dup_path (fixture->data_dir, attached);
  g_autofree char *remote = NULL;
  OmsFileSyncCounts counts;

  run_sync (fixture);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/upload_file:status=500,times=2,"
                                               "body=Internal Server Error", &error));
  g_assert_no_error (error);

  for (int attempt = 1; attempt <= 2; attempt++)
    {
      g_autoptr(OmsFileReference) failed = NULL;
      double expected = attempt == 1 ? 15 * 60 : 30 * 60;
      double seconds;

      counts = upload (fixture);
      g_assert_cmpuint (counts.failed, ==, 1);
      failed = get_reference (fixture, attached->id);
      g_assert_cmpstr (failed->status, ==, "ERROR");
      g_assert_cmpint (failed->retries, ==, attempt);
      seconds = retry_in_seconds (failed);
      g_assert_cmpfloat (seconds, >, expected - 10);
      g_assert_cmpfloat (seconds, <=, expected + 1);
      g_assert_nonnull (strstr (failed->error, "500"));
      g_assert_nonnull (strstr (failed->error, "Internal Server Error"));
      g_assert_null (central_file (fixture, attached));
      assert_file_content (local, content);
      make_retry_due (fixture, attached->id);
    }

  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded, ==, 1);
  remote = central_file (fixture, attached);
  assert_file_content (remote, content);
}

/* A week of failures is the end: PERMANENT_FAILURE, never tried again. */
static void
test_permanent_failure (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (100);
  g_autoptr(OmsFileReference) attached = attach (fixture, "x.bin", content);
  g_autoptr(OmsFileReference) given_up = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  OmsFileSyncCounts counts;

  run_sync (fixture);
  sql = g_strdup_printf ("UPDATE sync_file_reference SET status = 'ERROR', retries = %d, "
                         "retry_at = '2000-01-01 00:00:00.000000' WHERE id = '%s'",
                         OMS_FILE_MAX_UPLOAD_ATTEMPTS, attached->id);
  oms_test_exec_sql (fixture->store, sql);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/upload_file:refuse", &error));

  counts = upload (fixture);
  g_assert_cmpuint (counts.failed, ==, 1);
  given_up = get_reference (fixture, attached->id);
  g_assert_cmpstr (given_up->status, ==, "PERMANENT_FAILURE");
  g_assert_nonnull (given_up->error);

  oms_central_server_clear_faults (fixture->central, NULL);
  counts = upload (fixture);
  g_assert_cmpuint (counts.uploaded + counts.failed, ==, 0);
}

/* A file gone from the store's file area fails like any upload, with a clear error. */
static void
test_missing_local_file (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (100);
  g_autoptr(OmsFileReference) attached = attach (fixture, "gone.txt", content);
  g_autoptr(OmsFileReference) failed = NULL;
  g_autofree char *local = oms_file_reference_dup_path (fixture->data_dir, attached);
  OmsFileSyncCounts counts;

  run_sync (fixture);
  g_assert_cmpint (g_remove (local), ==, 0);
  counts = upload (fixture);
  g_assert_cmpuint (counts.failed, ==, 1);
  failed = get_reference (fixture, attached->id);
  g_assert_cmpstr (failed->status, ==, "ERROR");
  g_assert_nonnull (strstr (failed->error, "missing"));
}

/* The demo's certificate, pulled as a download not started, fetched on demand. */
static void
test_download (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *id = oms_test_query_text (fixture->store,
                                             "SELECT id FROM sync_file_reference "
                                             "WHERE direction = 'DOWNLOAD'");
  g_autoptr(OmsFileReference) before = NULL;
  g_autoptr(OmsFileReference) after = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  g_assert_nonnull (id);
  before = get_reference (fixture, id);
  g_assert_cmpstr (before->status, ==, "NEW");
  g_assert_cmpstr (before->table_name, ==, "asset");
  remote = central_file (fixture, before);
  g_assert_nonnull (remote);
  g_assert_true (g_file_get_contents (remote, &data, &size, NULL));
  content = g_bytes_new_take (g_steal_pointer (&data), size);

  path = download (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, fixture->data_dir));
  g_assert_true (g_str_has_suffix (path, "_installation-certificate.txt"));
  assert_file_content (path, content);
  after = get_reference (fixture, id);
  g_assert_cmpstr (after->status, ==, "DONE");
  g_assert_cmpint (after->downloaded_bytes, ==, size);
  g_assert_null (after->error);
  assert_no_partial_files (path);
}

/* A download cut short leaves no partial file, and the copy from before stays whole. */
static void
test_download_failure (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *id = oms_test_query_text (fixture->store,
                                             "SELECT id FROM sync_file_reference "
                                             "WHERE direction = 'DOWNLOAD'");
  g_autoptr(OmsFileReference) reference = get_reference (fixture, id);
  g_autoptr(OmsFileReference) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = oms_file_reference_dup_path (fixture->data_dir, reference);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GBytes) previous = g_bytes_new_static ("the copy from before\n", 21);

  /* The central's truncate fault sends half the answer and closes the connection. */
  /* No copy yet: a truncated answer leaves nothing at all. */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/download_file:truncate,times=1",
                                               &error));
  first = download (fixture, id, &error);
  g_assert_null (first);
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "the answer ended early"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_no_partial_files (path);
  failed = get_reference (fixture, id);
  g_assert_cmpstr (failed->status, ==, "ERROR");
  g_assert_nonnull (failed->error);
  g_clear_pointer (&failed, oms_file_reference_free);

  /* A copy from before: kept whole when the next download breaks. */
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (previous, NULL),
                                      (gssize) g_bytes_get_size (previous), NULL));
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/download_file:truncate,times=1",
                                               &error));
  second = download (fixture, id, &error);
  g_assert_null (second);
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_file_content (path, previous);
  assert_no_partial_files (path);

  /* A file the central does not have: its bare error, with the status. */
  oms_test_exec_sql (fixture->store, "INSERT INTO sync_file_reference (id, table_name, record_id, "
                                     "file_name, direction, status, created_datetime) VALUES "
                                     "('nowhere', 'asset', 'a', 'n.txt', 'DOWNLOAD', 'NEW', "
                                     "'2024-01-01T00:00:00')");
  g_assert_null (download (fixture, "nowhere", &error));
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 500);
  g_assert_nonnull (strstr (error->message, "File not found"));
  g_clear_error (&error);
  failed = get_reference (fixture, "nowhere");
  g_assert_cmpstr (failed->status, ==, "ERROR");
  g_assert_nonnull (strstr (failed->error, "File not found"));

  /* An unknown id is refused before any request. */
  g_assert_null (download (fixture, "no-such-reference", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

typedef struct
{
  Fixture  *fixture;
  gboolean  busy_while_syncing;
  guint     n_busy;
} Watch;

static void
busy_cb (OmsFileSync *file_sync,
         GParamSpec  *pspec,
         Watch       *watch)
{
  if (!oms_file_sync_get_busy (file_sync))
    return;

  watch->n_busy++;
  if (oms_sync_engine_get_is_syncing (watch->fixture->engine))
    watch->busy_while_syncing = TRUE;
}

static gboolean
reference_is (Fixture    *fixture,
              const char *id,
              const char *status)
{
  g_autoptr(OmsFileReference) reference = get_reference (fixture, id);

  return g_str_equal (reference->status, status);
}

/* Started, the synchroniser uploads after each successful sync and never during one; an
 * upload in flight when a sync starts is put back as it was.
 */
static void
test_paused_during_sync (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (2048);
  g_autoptr(OmsFileReference) attached = attach (fixture, "during.txt", content);
  g_autoptr(OmsFileReference) second = NULL;
  g_autoptr(OmsFileReference) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Result) during = { 0 };
  g_auto(Result) run = { 0 };
  g_auto(Result) interrupted = { 0 };
  g_autofree char *remote = NULL;
  Watch watch = { fixture, FALSE, 0 };
  gboolean done = FALSE;
  gulong busy_id;

  busy_id = g_signal_connect (fixture->file_sync, "notify::busy", G_CALLBACK (busy_cb), &watch);
  oms_file_sync_start (fixture->file_sync);

  /* A slow run: asked to upload meanwhile, the synchroniser says it is paused. */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/site:latency=500,times=1", &error));
  oms_sync_engine_run_async (fixture->engine, NULL, result_cb, &run);
  g_assert_true (oms_file_sync_get_paused (fixture->file_sync));
  oms_file_sync_upload_async (fixture->file_sync, NULL, result_cb, &during);
  g_assert_true (spin_until (&during.done, 10));
  g_assert_error (during.error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_true (reference_is (fixture, attached->id, "NEW"));

  /* After the run, by itself. */
  g_assert_true (spin_until (&run.done, 60));
  g_assert_no_error (run.error);
  g_assert_false (oms_file_sync_get_paused (fixture->file_sync));
  for (gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       !done && g_get_monotonic_time () < end;
       oms_test_spin_for (20))
    done = reference_is (fixture, attached->id, "DONE");
  g_assert_true (done);
  remote = central_file (fixture, attached);
  assert_file_content (remote, content);
  g_assert_cmpuint (watch.n_busy, >=, 1);

  /* An upload held up at the central when a sync starts: cancelled, put back, no attempt
   * counted; it goes after the run.
   */
  oms_file_sync_stop (fixture->file_sync);
  second = attach (fixture, "slow.txt", content);
  run_sync (fixture);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/upload_file:latency=3000,times=1",
                                               &error));
  oms_file_sync_upload_async (fixture->file_sync, NULL, result_cb, &interrupted);
  g_assert_true (oms_file_sync_get_busy (fixture->file_sync));
  g_assert_true (reference_is (fixture, second->id, "IN_PROGRESS"));
  g_clear_pointer (&run.error, g_error_free);
  run.done = FALSE;
  oms_sync_engine_run_async (fixture->engine, NULL, result_cb, &run);
  g_assert_true (spin_until (&interrupted.done, 10));
  g_assert_no_error (interrupted.error);
  g_assert_cmpuint (interrupted.counts.uploaded + interrupted.counts.failed, ==, 0);
  restored = get_reference (fixture, second->id);
  g_assert_cmpstr (restored->status, ==, "NEW");
  g_assert_cmpint (restored->retries, ==, 0);
  g_assert_true (spin_until (&run.done, 60));
  g_assert_no_error (run.error);
  g_assert_cmpuint (upload (fixture).uploaded, ==, 1);

  g_assert_false (watch.busy_while_syncing);
  g_signal_handler_disconnect (fixture->file_sync, busy_id);
}

/* Started, a failed upload is tried again when its retry time comes, without a sync. */
static void
test_retry_timer (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) content = make_content (512);
  g_autoptr(OmsFileReference) attached = attach (fixture, "retry.txt", content);
  g_autofree char *retry_at = oms_sync_format_timestamp (g_get_real_time () + G_USEC_PER_SEC);
  g_autofree char *sql = NULL;
  gboolean done = FALSE;

  run_sync (fixture);
  sql = g_strdup_printf ("UPDATE sync_file_reference SET status = 'ERROR', retries = 1, "
                         "retry_at = '%s' WHERE id = '%s'", retry_at, attached->id);
  oms_test_exec_sql (fixture->store, sql);

  oms_file_sync_start (fixture->file_sync);
  oms_test_spin_for (300);
  g_assert_true (reference_is (fixture, attached->id, "ERROR"));
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       !done && g_get_monotonic_time () < end;
       oms_test_spin_for (20))
    done = reference_is (fixture, attached->id, "DONE");
  g_assert_true (done);
  oms_file_sync_stop (fixture->file_sync);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/oms/file-sync/upload", test_upload);
  ADD ("/oms/file-sync/not-on-central", test_not_on_central);
  ADD ("/oms/file-sync/server-fault", test_server_fault);
  ADD ("/oms/file-sync/permanent-failure", test_permanent_failure);
  ADD ("/oms/file-sync/missing-local-file", test_missing_local_file);
  ADD ("/oms/file-sync/download", test_download);
  ADD ("/oms/file-sync/download-failure", test_download_failure);
  ADD ("/oms/file-sync/paused-during-sync", test_paused_during_sync);
  ADD ("/oms/file-sync/retry-timer", test_retry_timer);
#undef ADD

  return g_test_run ();
}
