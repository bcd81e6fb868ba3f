/* oms-sync-settings.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-batch-size.h"
#include "oms-http.h"
#include "oms-protocol-error.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"

/* Sync settings live in the store's key_value_store, as Open mSupply keeps them, so a data
 * directory carries the site's whole identity. New connection settings are stored only after
 * the legacy central accepted them (GET /sync/v5/site); on any error nothing changes.
 */

void
oms_sync_settings_free (OmsSyncSettings *settings)
{
  if (settings == NULL)
    return;

  g_free (settings->url);
  g_free (settings->username);
  g_free (settings->password_sha256);
  g_free (settings);
}

/**
 * oms_sync_settings_load:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL when the site is not
 *   configured (with @error unset) or on failure
 */
OmsSyncSettings *
oms_sync_settings_load (OmsStore  *store,
                        GError   **error)
{
  g_autoptr(OmsSyncSettings) settings = g_new0 (OmsSyncSettings, 1);
  g_autoptr(GError) local_error = NULL;

  settings->url = oms_store_kv_get_string (store, OMS_KV_SYNC_URL, &local_error);
  if (local_error == NULL)
    settings->username = oms_store_kv_get_string (store, OMS_KV_SYNC_USERNAME, &local_error);
  if (local_error == NULL)
    settings->password_sha256 = oms_store_kv_get_string (store, OMS_KV_SYNC_PASSWORD_SHA256,
                                                         &local_error);
  if (local_error == NULL)
    settings->interval_seconds = oms_store_kv_get_bigint (store, OMS_KV_SYNC_INTERVAL_SECONDS,
                                                          -1, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (settings->url == NULL || settings->username == NULL ||
      settings->password_sha256 == NULL || settings->interval_seconds < 0)
    return NULL;

  return g_steal_pointer (&settings);
}

/**
 * oms_sync_settings_to_api:
 *
 * Returns: (transfer full) (nullable): what both APIs send, with this machine's hardware id
 */
OmsSyncApiSettings *
oms_sync_settings_to_api (const OmsSyncSettings  *settings,
                          GError                **error)
{
  g_autofree char *hardware_id = oms_hardware_id_get (error);

  if (hardware_id == NULL)
    return NULL;

  return oms_sync_api_settings_new (settings->url, settings->username,
                                    settings->password_sha256, hardware_id);
}

typedef struct
{
  char   *url;
  char   *username;
  char   *password_sha256;
  gint64  interval_seconds;
} SaveData;

static void
save_data_free (gpointer user_data)
{
  SaveData *data = user_data;

  g_free (data->url);
  g_free (data->username);
  g_free (data->password_sha256);
  g_free (data);
}

static gboolean
store_checked_settings (OmsStore       *store,
                        SaveData       *data,
                        OmsV5SiteInfo  *site,
                        GError        **error)
{
  if (!oms_store_begin (store, error))
    return FALSE;

  if (!oms_store_kv_set_string (store, OMS_KV_SYNC_URL, data->url, error) ||
      !oms_store_kv_set_string (store, OMS_KV_SYNC_USERNAME, data->username, error) ||
      !oms_store_kv_set_string (store, OMS_KV_SYNC_PASSWORD_SHA256, data->password_sha256,
                                error) ||
      !oms_store_kv_set_bigint (store, OMS_KV_SYNC_INTERVAL_SECONDS, data->interval_seconds,
                                error) ||
      !oms_store_kv_set_string (store, OMS_KV_SYNC_SITE_UUID, site->id, error) ||
      !oms_store_kv_set_int (store, OMS_KV_SYNC_SITE_ID, site->site_id, error) ||
      /* Open mSupply stores the site's own id here; every run then overwrites it. */
      !oms_store_kv_set_int (store, OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID, site->site_id, error) ||
      !oms_store_kv_set_string (store, OMS_KV_OMS_CENTRAL_URL,
                                site->central_server_url ? site->central_server_url : "",
                                error))
    {
      oms_store_rollback (store);
      return FALSE;
    }

  return oms_store_commit (store, error);
}

static void
save_site_info_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsStore *store = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(OmsV5SiteInfo) site = NULL;
  g_autofree char *known_uuid = NULL;
  GError *error = NULL;

  site = oms_v5_client_get_site_info_finish (OMS_V5_CLIENT (object), result, &error);
  if (site == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  known_uuid = oms_store_kv_get_string (store, OMS_KV_SYNC_SITE_UUID, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The data here belongs to one site; pointing it at another would mix two sites' data. */
  if (known_uuid != NULL && g_strcmp0 (known_uuid, site->id) != 0)
    {
      g_autofree char *top = g_strdup_printf ("Site UUID is being changed from %s to %s",
                                              known_uuid, site->id);

      g_task_return_error (task,
                           oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED,
                                               top, NULL, NULL));
      return;
    }

  if (!store_checked_settings (store, data, site, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * oms_sync_settings_save_async:
 * @password: the plain password; only its SHA-256 is kept
 *
 * Checks the connection settings against the legacy central and stores them, with the
 * site's ids, only when it accepts them. Errors are OMS_SYNC_ERROR (INVALID_URL,
 * SITE_NAME_NOT_FOUND, INCORRECT_PASSWORD, HARDWARE_ID_MISMATCH, SITE_UUID_IS_BEING_CHANGED,
 * CONNECTION_ERROR, ...).
 */
void
oms_sync_settings_save_async (OmsStore            *store,
                              const char          *url,
                              const char          *username,
                              const char          *password,
                              gint64               interval_seconds,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(OmsSyncApiSettings) api = NULL;
  g_autoptr(OmsV5Client) client = NULL;
  g_autofree char *hardware_id = NULL;
  GError *error = NULL;
  SaveData *data;

  g_return_if_fail (OMS_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_settings_save_async);

  if (username == NULL || *username == '\0')
    {
      g_task_return_error (task, oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND,
                                                     "The site name is empty", NULL, NULL));
      return;
    }
  if (interval_seconds < 1)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The sync interval must be at least one second."));
      return;
    }

  data = g_new0 (SaveData, 1);
  data->url = g_strstrip (g_strdup (url ? url : ""));
  data->username = g_strdup (username);
  data->password_sha256 = oms_v5_hash_password (password ? password : "");
  data->interval_seconds = interval_seconds;
  g_task_set_task_data (task, data, save_data_free);

  hardware_id = oms_hardware_id_get (&error);
  if (hardware_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  api = oms_sync_api_settings_new (data->url, data->username, data->password_sha256,
                                   hardware_id);
  client = oms_v5_client_new (api, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  oms_v5_client_set_idle_timeout (client, oms_sync_settings_load_idle_timeout (store));

  oms_v5_client_get_site_info_async (client, cancellable, save_site_info_cb,
                                     g_steal_pointer (&task));
}

gboolean
oms_sync_settings_save_finish (OmsStore      *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The interval is saved on its own, so changing it never needs the password again. */
gboolean
oms_sync_settings_save_interval (OmsStore  *store,
                                 gint64     interval_seconds,
                                 GError   **error)
{
  if (interval_seconds < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The sync interval must be at least one second."));
      return FALSE;
    }

  return oms_store_kv_set_bigint (store, OMS_KV_SYNC_INTERVAL_SECONDS, interval_seconds, error);
}

static gboolean
idle_timeout_is_valid (gint64 seconds)
{
  return seconds >= OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS &&
         seconds <= OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS;
}

/**
 * oms_sync_settings_load_idle_timeout:
 *
 * Returns: the idle timeout of requests to the central servers, in seconds; the default
 *   (%OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS) when it is absent or out of range
 */
guint
oms_sync_settings_load_idle_timeout (OmsStore *store)
{
  gint64 seconds = oms_store_kv_get_bigint (store, OMS_KV_IDLE_TIMEOUT_SECONDS,
                                            OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS, NULL);

  return idle_timeout_is_valid (seconds) ? (guint) seconds : OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS;
}

/**
 * oms_sync_settings_save_idle_timeout:
 * @seconds: from %OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS to %OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS
 *
 * Stores the idle timeout the next run and the next settings check use; anything out of range
 * is refused and nothing changes.
 */
gboolean
oms_sync_settings_save_idle_timeout (OmsStore  *store,
                                     gint64     seconds,
                                     GError   **error)
{
  if (!idle_timeout_is_valid (seconds))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: the smallest and the largest idle timeout, in
                                 * seconds, e.g. “The idle timeout must be from 5 to 3600
                                 * seconds.” */
                                "The idle timeout must be from %d to %d second.",
                                "The idle timeout must be from %d to %d seconds.",
                                OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS),
                   OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS, OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS);
      return FALSE;
    }

  return oms_store_kv_set_bigint (store, OMS_KV_IDLE_TIMEOUT_SECONDS, seconds, error);
}

static void
check_site_info_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsStore *store = g_task_get_source_object (task);
  g_autoptr(OmsV5SiteInfo) site = NULL;
  g_autofree char *known_uuid = NULL;
  GError *error = NULL;

  site = oms_v5_client_get_site_info_finish (OMS_V5_CLIENT (object), result, &error);
  if (site == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  known_uuid = oms_store_kv_get_string (store, OMS_KV_SYNC_SITE_UUID, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The same rule as saving: these credentials must belong to the site the data is from. */
  if (known_uuid != NULL && g_strcmp0 (known_uuid, site->id) != 0)
    {
      g_autofree char *top = g_strdup_printf ("Site UUID is being changed from %s to %s",
                                              known_uuid, site->id);

      g_task_return_error (task,
                           oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED,
                                               top, NULL, NULL));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&site), (GDestroyNotify)oms_v5_site_info_free);
}

/**
 * oms_sync_settings_check_async:
 * @password: the plain password
 *
 * Runs the check oms_sync_settings_save_async() runs (`GET /sync/v5/site` and the site UUID
 * rule) and stores nothing, so "Test connection" can try settings without keeping them.
 */
void
oms_sync_settings_check_async (OmsStore            *store,
                               const char          *url,
                               const char          *username,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(OmsSyncApiSettings) api = NULL;
  g_autoptr(OmsV5Client) client = NULL;
  g_autofree char *hardware_id = NULL;
  g_autofree char *stripped_url = NULL;
  g_autofree char *password_sha256 = NULL;
  GError *error = NULL;

  g_return_if_fail (OMS_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_settings_check_async);

  if (username == NULL || *username == '\0')
    {
      g_task_return_error (task, oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND,
                                                     "The site name is empty", NULL, NULL));
      return;
    }

  hardware_id = oms_hardware_id_get (&error);
  if (hardware_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  stripped_url = g_strstrip (g_strdup (url ? url : ""));
  password_sha256 = oms_v5_hash_password (password ? password : "");
  api = oms_sync_api_settings_new (stripped_url, username, password_sha256, hardware_id);
  client = oms_v5_client_new (api, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  oms_v5_client_set_idle_timeout (client, oms_sync_settings_load_idle_timeout (store));

  oms_v5_client_get_site_info_async (client, cancellable, check_site_info_cb,
                                     g_steal_pointer (&task));
}

/**
 * oms_sync_settings_check_finish:
 *
 * Returns: (transfer full) (nullable): what the legacy central says about the site, or
 *   %NULL with @error set
 */
OmsV5SiteInfo *
oms_sync_settings_check_finish (OmsStore      *store,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static guint
batch_size (OmsStore   *store,
            const char *key,
            guint       default_value)
{
  gint32 value = oms_store_kv_get_int (store, key, (gint32) default_value, NULL);

  /* A size the servers would refuse, or a typo, falls back to Open mSupply's. */
  return value >= 1 && value <= OMS_BATCH_SIZE_MAX_RECORDS_LIMIT ? (guint) value : default_value;
}

/**
 * oms_sync_settings_load_batch_sizes:
 *
 * Reads the batch sizes, with Open mSupply's defaults (500, 500, 1024) for absent or
 * out-of-range values; Pull V6 starts from the central pull's size until it has its own. The
 * pull sizes are where the pull steps start, never past the maximum.
 */
void
oms_sync_settings_load_batch_sizes (OmsStore          *store,
                                    OmsSyncBatchSizes *sizes)
{
  sizes->max_records = oms_sync_settings_load_max_batch_records (store);
  sizes->central_pull = batch_size (store, OMS_KV_BATCH_CENTRAL_PULL,
                                    OMS_SYNC_BATCH_CENTRAL_PULL);
  sizes->remote_pull = batch_size (store, OMS_KV_BATCH_REMOTE_PULL, OMS_SYNC_BATCH_REMOTE_PULL);
  sizes->remote_push = batch_size (store, OMS_KV_BATCH_REMOTE_PUSH, OMS_SYNC_BATCH_REMOTE_PUSH);
  sizes->v6_pull = batch_size (store, OMS_KV_BATCH_V6_PULL, sizes->central_pull);
}

/**
 * oms_sync_settings_load_max_batch_records:
 *
 * Returns: the most records one pull batch may ask for, however the line is
 */
guint
oms_sync_settings_load_max_batch_records (OmsStore *store)
{
  return batch_size (store, OMS_KV_BATCH_MAX_RECORDS, OMS_BATCH_SIZE_DEFAULT_MAX_RECORDS);
}

/**
 * oms_sync_settings_save_max_batch_records:
 * @records: from 1 to %OMS_BATCH_SIZE_MAX_RECORDS_LIMIT
 *
 * Stores the most records a pull batch may ask for; anything out of range is refused and
 * nothing changes.
 */
gboolean
oms_sync_settings_save_max_batch_records (OmsStore  *store,
                                          gint64     records,
                                          GError   **error)
{
  if (records < 1 || records > OMS_BATCH_SIZE_MAX_RECORDS_LIMIT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: %d is the largest number of records a pull batch
                                 * may ask for, e.g. “The largest batch must be from 1 to 5000
                                 * records.” */
                                "The largest batch must be from 1 to %d record.",
                                "The largest batch must be from 1 to %d records.",
                                OMS_BATCH_SIZE_MAX_RECORDS_LIMIT),
                   OMS_BATCH_SIZE_MAX_RECORDS_LIMIT);
      return FALSE;
    }

  return oms_store_kv_set_int (store, OMS_KV_BATCH_MAX_RECORDS, (gint32) records, error);
}
