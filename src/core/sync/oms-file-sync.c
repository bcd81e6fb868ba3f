/* oms-file-sync.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-file-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-file-sync.h"
#include "oms-protocol-error.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-v6-client.h"

/* OmsFileSync moves the files attached to records to and from the Open mSupply central, as
 * Open mSupply's file_synchroniser.rs and file_sync_driver.rs do.
 *
 * Uploads. A pass takes the uploads that are due (oms_file_reference_list_due_uploads()) and
 * sends them one at a time: each is marked IN_PROGRESS, then DONE with its bytes counted, or
 * ERROR with one more retry and the time of the next one (15 minutes, doubling up to an hour;
 * one minute when the central does not know the reference yet, because it comes with the next
 * push), or PERMANENT_FAILURE once a week of attempts has failed. The error text is kept.
 *
 * Pausing. Nothing is uploaded while the engine runs a sync: the sync moves the references the
 * uploads need, and the two would compete for the link. An upload in flight when a run starts
 * is cancelled and its reference put back as it was, so it counts no failed attempt. Once
 * started, the synchroniser runs a pass after each successful run and when a retry is due.
 *
 * Downloads are fetched on demand and are never paused. They and the pass talk to the central
 * through OmsV6Client, which streams the files to and from disk.
 */

/* After a pass that could not read or write the store, wait this long before the next. */
#define RETRY_AFTER_STORE_ERROR_SECONDS 60
/* A timer set for a retry far ahead is checked again at least this often. */
#define MAX_TIMER_SECONDS 3600

struct _OmsFileSync
{
  GObject            parent_instance;

  /* owned refs */
  OmsSyncEngine     *engine;
  OmsV6Client       *client;         /* the pass's */
  GCancellable      *transfer;       /* the upload in flight */
  GCancellable      *pass_cancellable;
  GPtrArray         *waiting;        /* GTask: callers of oms_file_sync_upload_async() */
  GPtrArray         *due;            /* OmsFileReference: the pass's uploads still to do */
  OmsFileReference  *current;        /* the upload in flight, as it was before */
  GError            *pass_error;

  /* plain state */
  gulong             syncing_id;
  gulong             finished_id;
  gulong             pass_cancelled_id;
  guint              timeout_id;
  guint              next_due;
  gboolean           started;
  gboolean           paused;
  gboolean           busy;
  gboolean           in_pass;
  gboolean           pass_stopped;
  guint              pass_attempted;
  OmsFileSyncCounts  counts;
};

G_DEFINE_FINAL_TYPE (OmsFileSync, oms_file_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_PAUSED,
  PROP_BUSY,
  N_PROPS
};

enum {
  FILE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_next (OmsFileSync *self,
                           gboolean     allow_now,
                           gboolean     after_error);
static void begin_pass    (OmsFileSync *self);

static OmsStore *
get_store (OmsFileSync *self)
{
  return oms_sync_engine_get_store (self->engine);
}

static void
set_busy (OmsFileSync *self,
          gboolean     busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
stop_transfer (OmsFileSync *self)
{
  self->pass_stopped = TRUE;
  if (self->transfer != NULL)
    g_cancellable_cancel (self->transfer);
}

static void
syncing_changed_cb (OmsFileSync *self)
{
  gboolean paused = oms_sync_engine_get_is_syncing (self->engine);

  if (paused == self->paused)
    return;

  self->paused = paused;
  if (paused)
    {
      g_debug ("A sync started: file uploads pause");
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      if (self->in_pass)
        stop_transfer (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
run_finished_cb (OmsFileSync *self,
                 gboolean     success)
{
  /* The engine said it stopped syncing before it said the run finished. */
  syncing_changed_cb (self);

  /* A run the scheduler started from its own handler of this signal pauses uploads again. */
  if (!self->started || self->in_pass || self->paused)
    return;

  if (success)
    {
      g_debug ("A sync succeeded: uploading the files that are due");
      begin_pass (self);
    }
  else
    {
      schedule_next (self, FALSE, FALSE);
    }
}

static void
oms_file_sync_constructed (GObject *object)
{
  OmsFileSync *self = OMS_FILE_SYNC (object);

  G_OBJECT_CLASS (oms_file_sync_parent_class)->constructed (object);

  g_assert (OMS_IS_SYNC_ENGINE (self->engine));
  self->paused = oms_sync_engine_get_is_syncing (self->engine);
  self->syncing_id = g_signal_connect_swapped (self->engine, "notify::is-syncing",
                                               G_CALLBACK (syncing_changed_cb), self);
  self->finished_id = g_signal_connect_swapped (self->engine, "run-finished",
                                                G_CALLBACK (run_finished_cb), self);
}

static void
oms_file_sync_dispose (GObject *object)
{
  OmsFileSync *self = OMS_FILE_SYNC (object);

  /* Every call in flight holds a reference: nothing is running by now. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->engine != NULL)
    {
      g_clear_signal_handler (&self->syncing_id, self->engine);
      g_clear_signal_handler (&self->finished_id, self->engine);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->transfer);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (oms_file_sync_parent_class)->dispose (object);
}

static void
oms_file_sync_finalize (GObject *object)
{
  OmsFileSync *self = OMS_FILE_SYNC (object);

  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->due, g_ptr_array_unref);
  g_clear_pointer (&self->current, oms_file_reference_free);
  g_clear_error (&self->pass_error);

  G_OBJECT_CLASS (oms_file_sync_parent_class)->finalize (object);
}

static void
oms_file_sync_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OmsFileSync *self = OMS_FILE_SYNC (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_file_sync_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  OmsFileSync *self = OMS_FILE_SYNC (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_file_sync_class_init (OmsFileSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = oms_file_sync_constructed;
  object_class->dispose = oms_file_sync_dispose;
  object_class->finalize = oms_file_sync_finalize;
  object_class->get_property = oms_file_sync_get_property;
  object_class->set_property = oms_file_sync_set_property;

  /**
   * OmsFileSync:engine:
   *
   * The sync engine whose runs pause the uploads, and whose store holds the references.
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, OMS_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsFileSync:paused:
   *
   * Whether uploads wait because the engine is running a sync.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsFileSync:busy:
   *
   * Whether a file is being uploaded right now.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsFileSync::file-changed:
   * @id: the reference whose transfer state changed
   *
   * A transfer started, finished or failed; read the reference for its state.
   */
  signals[FILE_CHANGED] =
    g_signal_new ("file-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
oms_file_sync_init (OmsFileSync *self)
{
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * oms_file_sync_new:
 * @engine: the sync engine of the site
 *
 * Returns: (transfer full): a file synchroniser; it uploads only when asked
 *   (oms_file_sync_upload_async()) until oms_file_sync_start()
 */
OmsFileSync *
oms_file_sync_new (OmsSyncEngine *engine)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (engine), NULL);

  return g_object_new (OMS_TYPE_FILE_SYNC, "engine", engine, NULL);
}

OmsSyncEngine *
oms_file_sync_get_engine (OmsFileSync *self)
{
  g_return_val_if_fail (OMS_IS_FILE_SYNC (self), NULL);

  return self->engine;
}

gboolean
oms_file_sync_get_paused (OmsFileSync *self)
{
  g_return_val_if_fail (OMS_IS_FILE_SYNC (self), FALSE);

  return self->paused;
}

gboolean
oms_file_sync_get_busy (OmsFileSync *self)
{
  g_return_val_if_fail (OMS_IS_FILE_SYNC (self), FALSE);

  return self->busy;
}

/* The client for the site's Open mSupply central. NULL without @error when the site has none
 * (the legacy central said so, or it is central itself): there is nowhere to sync files with.
 */
static OmsV6Client *
make_client (OmsFileSync  *self,
             GError      **error)
{
  OmsStore *store = get_store (self);
  g_autoptr(OmsSyncSettings) settings = NULL;
  g_autoptr(OmsSyncApiSettings) api = NULL;
  g_autofree char *central_url = NULL;
  GError *local_error = NULL;
  OmsV6Client *client;

  settings = oms_sync_settings_load (store, &local_error);
  if (settings == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                           _("This site is not configured yet, so it has no "
                                             "central server to sync files with."));
      g_propagate_error (error, local_error);
      return NULL;
    }

  /* Learnt from the legacy central at every run (PROTOCOL.md §1 step 2). */
  central_url = oms_store_kv_get_string (store, OMS_KV_OMS_CENTRAL_URL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (central_url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("This site has not synced yet: files are synced once it has."));
      return NULL;
    }
  if (*central_url == '\0')
    return NULL;

  api = oms_sync_settings_to_api (settings, error);
  if (api == NULL)
    return NULL;

  client = oms_v6_client_new (central_url, api, error);
  if (client != NULL)
    oms_v6_client_set_idle_timeout (client, oms_sync_settings_load_idle_timeout (store));

  return client;
}

/* Whether the site may sync files now: Open mSupply waits for the first successful sync. */
static gboolean
can_sync_files (OmsFileSync *self)
{
  return oms_sync_engine_get_mode (self->engine) == OMS_SYNC_MODE_OPERATIONAL &&
         oms_sync_engine_get_has_v6 (self->engine);
}

/*
 * Automatic passes
 */

static gboolean
timeout_cb (gpointer user_data)
{
  OmsFileSync *self = user_data;

  self->timeout_id = 0;
  if (!self->in_pass && !self->paused)
    begin_pass (self);

  return G_SOURCE_REMOVE;
}

/* Sets the timer for the next automatic pass: now when uploads are due and @allow_now, else
 * when the earliest retry comes. A pass that uploaded nothing though uploads were due (the
 * central is not known yet, say) does not start another at once: the next run finishing does.
 */
static void
schedule_next (OmsFileSync *self,
               gboolean     allow_now,
               gboolean     after_error)
{
  OmsStore *store = get_store (self);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 retry_at = 0;
  gint64 seconds;

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (!self->started || self->paused || self->in_pass || !can_sync_files (self))
    return;

  if (after_error)
    {
      self->timeout_id = g_timeout_add_seconds (RETRY_AFTER_STORE_ERROR_SECONDS, timeout_cb,
                                                self);
      return;
    }

  due = oms_file_reference_list_due_uploads (store, now, &error);
  if (due == NULL || !oms_file_reference_get_next_retry (store, &retry_at, &error))
    {
      g_debug ("Could not read the file uploads to schedule: %s", error->message);
      self->timeout_id = g_timeout_add_seconds (RETRY_AFTER_STORE_ERROR_SECONDS, timeout_cb,
                                                self);
      return;
    }

  if (due->len > 0)
    {
      if (allow_now)
        self->timeout_id = g_timeout_add (0, timeout_cb, self);
      return;
    }

  if (retry_at == 0)
    return;

  seconds = CLAMP ((retry_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1, MAX_TIMER_SECONDS);
  g_debug ("Next file upload retry in %" G_GINT64_FORMAT " s", seconds);
  self->timeout_id = g_timeout_add_seconds ((guint) seconds, timeout_cb, self);
}

/**
 * oms_file_sync_start:
 * @self: a file synchroniser
 *
 * Uploads from now on without being asked: after each successful sync, when a failed upload's
 * retry time comes, and at once if uploads are due, never while a sync runs.
 */
void
oms_file_sync_start (OmsFileSync *self)
{
  g_return_if_fail (OMS_IS_FILE_SYNC (self));

  if (self->started)
    return;

  self->started = TRUE;
  schedule_next (self, TRUE, FALSE);
}

/**
 * oms_file_sync_stop:
 * @self: a file synchroniser
 *
 * Stops the automatic uploads; an upload in flight is cancelled and its reference left as it
 * was before.
 */
void
oms_file_sync_stop (OmsFileSync *self)
{
  g_return_if_fail (OMS_IS_FILE_SYNC (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->in_pass)
    stop_transfer (self);
}

/*
 * Upload passes
 */

static void
end_pass (OmsFileSync *self)
{
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;
  OmsFileSyncCounts counts = self->counts;
  gboolean allow_now;

  g_assert (self->in_pass);

  self->in_pass = FALSE;
  g_clear_pointer (&self->due, g_ptr_array_unref);
  g_clear_object (&self->client);
  if (self->pass_cancellable != NULL)
    {
      g_cancellable_disconnect (self->pass_cancellable, self->pass_cancelled_id);
      self->pass_cancelled_id = 0;
      g_clear_object (&self->pass_cancellable);
    }
  error = g_steal_pointer (&self->pass_error);
  allow_now = self->pass_attempted > 0 && !self->pass_stopped && error == NULL;

  g_debug ("File upload pass over: %u uploaded, %u failed%s%s", counts.uploaded, counts.failed,
           error != NULL ? ": " : "", error != NULL ? error->message : "");

  /* The callers may start the next pass themselves, so the state is settled first. */
  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  schedule_next (self, allow_now, error != NULL);

  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_memdup2 (&counts, sizeof counts), g_free);
    }
}

/* Backs off as Open mSupply does, and gives up after a week of attempts. */
static void
record_failure (OmsFileReference *reference,
                const GError     *error,
                gint64            now)
{
  OmsProtocolError code;
  gint64 minutes;

  g_free (reference->error);
  reference->error = g_strdup (error->message);

  if (reference->retries >= OMS_FILE_MAX_UPLOAD_ATTEMPTS)
    {
      g_free (reference->status);
      reference->status = g_strdup (OMS_FILE_STATUS_PERMANENT_FAILURE);
      return;
    }

  if (oms_sync_error_get_protocol_error (error, &code) &&
      code == OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND)
    {
      minutes = OMS_FILE_NOT_ON_CENTRAL_RETRY_MINUTES;
    }
  else
    {
      minutes = OMS_FILE_RETRY_DELAY_MINUTES;
      for (int i = 0; i < reference->retries && minutes < OMS_FILE_MAX_RETRY_DELAY_MINUTES; i++)
        minutes *= 2;
      minutes = MIN (minutes, OMS_FILE_MAX_RETRY_DELAY_MINUTES);
    }

  g_free (reference->status);
  reference->status = g_strdup (OMS_FILE_STATUS_ERROR);
  reference->retries++;
  g_free (reference->retry_at);
  reference->retry_at = oms_sync_format_timestamp (now + minutes * 60 * G_USEC_PER_SEC);
}

static void upload_next (OmsFileSync *self);

/* Saves @reference's new state; a store that cannot be written ends the pass. */
static gboolean
save_state (OmsFileSync      *self,
            OmsFileReference *reference)
{
  g_autoptr(GError) error = NULL;

  if (!oms_file_reference_save_state (get_store (self), reference, &error))
    {
      g_debug ("Could not save the state of file %s: %s", reference->id, error->message);
      if (self->in_pass && self->pass_error == NULL)
        self->pass_error = g_steal_pointer (&error);
      return FALSE;
    }

  g_signal_emit (self, signals[FILE_CHANGED], 0, reference->id);
  return TRUE;
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OmsFileSync) self = user_data;
  g_autoptr(OmsFileReference) reference = g_steal_pointer (&self->current);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->transfer);
  set_busy (self, FALSE);

  if (oms_v6_client_upload_file_finish (OMS_V6_CLIENT (object), result, &error))
    {
      g_debug ("Uploaded file %s (%s)", reference->id, reference->file_name);
      g_free (reference->status);
      reference->status = g_strdup (OMS_FILE_STATUS_DONE);
      /* The whole file goes in one request. */
      reference->uploaded_bytes = reference->total_bytes;
      g_clear_pointer (&reference->error, g_free);
      self->counts.uploaded++;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Paused or stopped: as it was, no attempt counted. */
      g_debug ("Upload of file %s cancelled", reference->id);
      self->pass_stopped = TRUE;
    }
  else
    {
      g_debug ("Upload of file %s failed: %s", reference->id, error->message);
      record_failure (reference, error, g_get_real_time ());
      self->counts.failed++;
    }

  if (!save_state (self, reference))
    {
      end_pass (self);
      return;
    }

  upload_next (self);
}

/* Whether @reference, read again now, is still an upload to do. */
static gboolean
is_due (const OmsFileReference *reference,
        gint64                  now)
{
  g_autofree char *now_text = oms_sync_format_timestamp (now);

  if (reference->deleted_datetime != NULL ||
      g_strcmp0 (reference->direction, OMS_FILE_DIRECTION_UPLOAD) != 0)
    return FALSE;

  if (g_strcmp0 (reference->status, OMS_FILE_STATUS_NEW) == 0 ||
      g_strcmp0 (reference->status, OMS_FILE_STATUS_IN_PROGRESS) == 0)
    return TRUE;

  return g_strcmp0 (reference->status, OMS_FILE_STATUS_ERROR) == 0 &&
         reference->retry_at != NULL && g_strcmp0 (reference->retry_at, now_text) <= 0;
}

static void
upload_next (OmsFileSync *self)
{
  OmsStore *store = get_store (self);

  while (!self->pass_stopped && !self->paused && self->pass_error == NULL &&
         self->next_due < self->due->len)
    {
      const OmsFileReference *listed = g_ptr_array_index (self->due, self->next_due++);
      g_autoptr(OmsFileReference) reference = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) file = NULL;
      g_autofree char *path = NULL;

      /* Another program may have moved it on since the pass listed it. */
      reference = oms_file_reference_get (store, listed->id, &error);
      if (error != NULL)
        {
          self->pass_error = g_steal_pointer (&error);
          break;
        }
      if (reference == NULL || !is_due (reference, g_get_real_time ()))
        continue;

      self->pass_attempted++;
      self->current = oms_file_reference_copy (reference);
      g_free (reference->status);
      reference->status = g_strdup (OMS_FILE_STATUS_IN_PROGRESS);
      if (!save_state (self, reference))
        break;

      path = oms_file_reference_dup_path (oms_store_get_data_dir (store), reference);
      file = g_file_new_for_path (path);
      if (!g_file_query_exists (file, NULL))
        {
          g_autoptr(OmsFileReference) failed = g_steal_pointer (&self->current);

          error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               /* Translators: %s is a path. */
                               _("The file to upload is missing: %s"), path);
          record_failure (failed, error, g_get_real_time ());
          self->counts.failed++;
          if (!save_state (self, failed))
            break;
          continue;
        }

      g_debug ("Uploading file %s (%s, %" G_GINT64_FORMAT " bytes)", reference->id,
               reference->file_name, reference->total_bytes);
      self->transfer = g_cancellable_new ();
      set_busy (self, TRUE);
      oms_v6_client_upload_file_async (self->client, reference->id, file, reference->file_name,
                                       reference->mime_type, self->transfer, upload_cb,
                                       g_object_ref (self));
      return;
    }

  end_pass (self);
}

static void
pass_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  OmsFileSync *self = user_data;

  stop_transfer (self);
}

static void
begin_pass (OmsFileSync *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (!self->in_pass);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->in_pass = TRUE;
  self->pass_stopped = FALSE;
  self->pass_attempted = 0;
  self->counts.uploaded = 0;
  self->counts.failed = 0;
  self->next_due = 0;
  g_clear_error (&self->pass_error);

  /* Like Open mSupply, files wait for the site's first successful sync. */
  if (!can_sync_files (self))
    {
      end_pass (self);
      return;
    }

  self->client = make_client (self, &error);
  if (self->client == NULL)
    {
      self->pass_error = g_steal_pointer (&error);
      end_pass (self);
      return;
    }

  self->due = oms_file_reference_list_due_uploads (get_store (self), g_get_real_time (),
                                                    &self->pass_error);
  if (self->due == NULL)
    {
      end_pass (self);
      return;
    }

  upload_next (self);
}

/**
 * oms_file_sync_upload_async:
 * @self: a file synchroniser
 * @cancellable: (nullable): a cancellable; cancelling it stops the pass it started
 * @callback: called when the pass is over
 * @user_data: data for @callback
 *
 * Uploads every file that is due, one at a time. When a pass is already going, waits for it
 * instead. Fails with %G_IO_ERROR_BUSY while the engine runs a sync: files are uploaded after
 * it. A pass that a sync interrupts ends early without error.
 */
void
oms_file_sync_upload_async (OmsFileSync         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_FILE_SYNC (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_file_sync_upload_async);

  if (self->paused)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("A sync is running: files are uploaded once it has "
                                 "finished."));
      return;
    }

  g_ptr_array_add (self->waiting, g_steal_pointer (&task));
  if (self->in_pass)
    return;

  if (cancellable != NULL)
    {
      self->pass_cancellable = g_object_ref (cancellable);
      self->pass_cancelled_id = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (pass_cancelled_cb), self,
                                                       NULL);
    }
  begin_pass (self);
}

/**
 * oms_file_sync_upload_finish:
 * @self: a file synchroniser
 * @result: the result
 * @counts: (out) (optional): what the pass did
 * @error: return location for an error
 *
 * Returns: %TRUE when the pass ran; a failed upload is counted, not an error
 */
gboolean
oms_file_sync_upload_finish (OmsFileSync        *self,
                             GAsyncResult       *result,
                             OmsFileSyncCounts  *counts,
                             GError            **error)
{
  g_autofree OmsFileSyncCounts *pass_counts = NULL;

  g_return_val_if_fail (OMS_IS_FILE_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_file_sync_upload_async,
                        FALSE);

  if (counts != NULL)
    memset (counts, 0, sizeof *counts);

  pass_counts = g_task_propagate_pointer (G_TASK (result), error);
  if (pass_counts == NULL)
    return FALSE;

  if (counts != NULL)
    *counts = *pass_counts;

  return TRUE;
}

/*
 * Downloads
 */

typedef struct
{
  OmsV6Client      *client;
  OmsFileReference *before;
  char             *path;
} DownloadData;

static void
download_data_free (gpointer user_data)
{
  DownloadData *data = user_data;

  g_clear_object (&data->client);
  g_clear_pointer (&data->before, oms_file_reference_free);
  g_free (data->path);
  g_free (data);
}

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsFileSync *self = g_task_get_source_object (task);
  DownloadData *data = g_task_get_task_data (task);
  g_autoptr(OmsFileReference) reference = oms_file_reference_copy (data->before);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;
  gint64 n_bytes = 0;
  gboolean ok;

  ok = oms_v6_client_download_file_finish (OMS_V6_CLIENT (object), result, &n_bytes, &error);

  /* An upload's state is the uploader's: fetching its file back changes nothing there. */
  if (g_strcmp0 (reference->direction, OMS_FILE_DIRECTION_DOWNLOAD) == 0)
    {
      if (ok)
        {
          g_free (reference->status);
          reference->status = g_strdup (OMS_FILE_STATUS_DONE);
          reference->downloaded_bytes = n_bytes;
          g_clear_pointer (&reference->error, g_free);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_free (reference->status);
          reference->status = g_strdup (OMS_FILE_STATUS_ERROR);
          g_free (reference->error);
          reference->error = g_strdup (error->message);
        }

      if (oms_file_reference_save_state (get_store (self), reference, &save_error))
        g_signal_emit (self, signals[FILE_CHANGED], 0, reference->id);
      else if (ok)
        {
          g_task_return_error (task, g_steal_pointer (&save_error));
          return;
        }
    }

  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Downloaded file %s: %" G_GINT64_FORMAT " bytes", reference->id, n_bytes);
  g_task_return_pointer (task, g_strdup (data->path), g_free);
}

/**
 * oms_file_sync_download_async:
 * @self: a file synchroniser
 * @file_id: the sync_file_reference to fetch
 * @cancellable: (nullable): a cancellable
 * @callback: called when the download is over
 * @user_data: data for @callback
 *
 * Fetches a file from the Open mSupply central into the store's file area, as Open mSupply's
 * download_file_from_central(): a download reference ends DONE with its bytes counted, or
 * ERROR with the error. The file is replaced only by a whole new copy.
 */
void
oms_file_sync_download_async (OmsFileSync         *self,
                              const char          *file_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OmsStore *store;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsFileReference) reference = NULL;
  g_autoptr(GFile) destination = NULL;
  DownloadData *data;

  g_return_if_fail (OMS_IS_FILE_SYNC (self));
  g_return_if_fail (file_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  store = get_store (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_file_sync_download_async);

  reference = oms_file_reference_get (store, file_id, &error);
  if (reference == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             /* Translators: %s is the id that was given, a long code. */
                             _("No file reference has the id “%s”."), file_id);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (DownloadData, 1);
  g_task_set_task_data (task, data, download_data_free);
  data->client = make_client (self, &error);
  if (data->client == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                     _("This site has no Open mSupply central server to fetch "
                                       "files from."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->before = oms_file_reference_copy (reference);
  data->path = oms_file_reference_dup_path (oms_store_get_data_dir (store), reference);
  destination = g_file_new_for_path (data->path);

  if (g_strcmp0 (reference->direction, OMS_FILE_DIRECTION_DOWNLOAD) == 0)
    {
      g_free (reference->status);
      reference->status = g_strdup (OMS_FILE_STATUS_IN_PROGRESS);
      if (!oms_file_reference_save_state (store, reference, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_signal_emit (self, signals[FILE_CHANGED], 0, reference->id);
    }

  oms_v6_client_download_file_async (data->client, reference->table_name, reference->record_id,
                                     reference->id, destination, cancellable, download_cb,
                                     g_steal_pointer (&task));
}

/**
 * oms_file_sync_download_finish:
 * @self: a file synchroniser
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the path of the downloaded file
 */
char *
oms_file_sync_download_finish (OmsFileSync   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (OMS_IS_FILE_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_file_sync_download_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
