/* oms-v5-auth.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v5-auth"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "oms-protocol-error.h"
#include "oms-v5-auth.h"

/**
 * oms_sync_api_settings_new:
 * @server_url: the legacy central URL
 * @username: the sync site name
 * @password_sha256: the hex SHA-256 of the site password, see oms_v5_hash_password()
 * @hardware_id: this machine's id, see oms_hardware_id_get()
 *
 * Fills in the app name, app version and sync version omsync presents (PROTOCOL.md §0).
 *
 * Returns: (transfer full): the settings
 */
OmsSyncApiSettings *
oms_sync_api_settings_new (const char *server_url,
                           const char *username,
                           const char *password_sha256,
                           const char *hardware_id)
{
  OmsSyncApiSettings *settings;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password_sha256 != NULL, NULL);
  g_return_val_if_fail (hardware_id != NULL, NULL);

  settings = g_new0 (OmsSyncApiSettings, 1);
  settings->server_url = g_strdup (server_url);
  settings->username = g_strdup (username);
  settings->password_sha256 = g_strdup (password_sha256);
  settings->site_uuid = g_strdup (hardware_id);
  settings->app_version = g_strdup (OMS_SYNC_APP_VERSION);
  settings->app_name = g_strdup (OMS_SYNC_APP_NAME);
  settings->sync_version = g_strdup (OMS_SYNC_V5_VERSION);

  return settings;
}

/**
 * oms_sync_api_settings_copy:
 * @settings: settings
 *
 * Returns: (transfer full): a deep copy of @settings
 */
OmsSyncApiSettings *
oms_sync_api_settings_copy (const OmsSyncApiSettings *settings)
{
  OmsSyncApiSettings *copy;

  g_return_val_if_fail (settings != NULL, NULL);

  copy = g_new0 (OmsSyncApiSettings, 1);
  copy->server_url = g_strdup (settings->server_url);
  copy->username = g_strdup (settings->username);
  copy->password_sha256 = g_strdup (settings->password_sha256);
  copy->site_uuid = g_strdup (settings->site_uuid);
  copy->app_version = g_strdup (settings->app_version);
  copy->app_name = g_strdup (settings->app_name);
  copy->sync_version = g_strdup (settings->sync_version);

  return copy;
}

/**
 * oms_sync_api_settings_free:
 * @settings: (nullable): settings
 *
 * Frees @settings, clearing the password hash first.
 */
void
oms_sync_api_settings_free (OmsSyncApiSettings *settings)
{
  if (settings == NULL)
    return;

  if (settings->password_sha256 != NULL)
    memset (settings->password_sha256, 0, strlen (settings->password_sha256));

  g_free (settings->server_url);
  g_free (settings->username);
  g_free (settings->password_sha256);
  g_free (settings->site_uuid);
  g_free (settings->app_version);
  g_free (settings->app_name);
  g_free (settings->sync_version);
  g_free (settings);
}

/**
 * oms_v5_hash_password:
 * @password: the plain password
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of @password's UTF-8 bytes
 */
char *
oms_v5_hash_password (const char *password)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (password != NULL, NULL);

  g_checksum_update (checksum, (const guchar *) password, -1);
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * oms_v5_basic_auth_value:
 * @username: the sync site name
 * @password_sha256: the hex SHA-256 of the site password
 *
 * Returns: (transfer full): the `Authorization` header value,
 *   `Basic base64(username ":" password_sha256)`
 */
char *
oms_v5_basic_auth_value (const char *username,
                         const char *password_sha256)
{
  g_autofree char *credentials = NULL;
  g_autofree char *encoded = NULL;
  char *value;

  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password_sha256 != NULL, NULL);

  credentials = g_strconcat (username, ":", password_sha256, NULL);
  encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  value = g_strconcat ("Basic ", encoded, NULL);

  memset (credentials, 0, strlen (credentials));
  return value;
}

/**
 * oms_v5_parse_basic_auth_value:
 * @value: (nullable): an `Authorization` header value
 * @username: (out) (transfer full): the sync site name
 * @password_sha256: (out) (transfer full): the password hash as sent
 *
 * The server side of oms_v5_basic_auth_value(): the name is what comes before the first
 * colon of the decoded credentials.
 *
 * Returns: %TRUE if @value is Basic credentials with a colon
 */
gboolean
oms_v5_parse_basic_auth_value (const char  *value,
                               char       **username,
                               char       **password_sha256)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  char *colon;

  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password_sha256 != NULL, FALSE);

  if (value == NULL || g_ascii_strncasecmp (value, "Basic ", 6) != 0)
    return FALSE;

  decoded = g_base64_decode (value + 6, &length);
  text = g_strndup ((const char *) decoded, length);
  if (decoded != NULL)
    memset (decoded, 0, length);

  colon = text != NULL ? strchr (text, ':') : NULL;
  if (colon == NULL)
    {
      if (text != NULL)
        memset (text, 0, strlen (text));
      return FALSE;
    }

  *username = g_strndup (text, (gsize) (colon - text));
  *password_sha256 = g_strdup (colon + 1);
  memset (text, 0, strlen (text));
  return TRUE;
}

/**
 * oms_v5_apply_headers:
 * @headers: the request headers of a v5 call
 * @settings: the credentials and identity to send
 *
 * Sets `Authorization` (pre-emptive Basic), `msupply-site-uuid`, `app-version`, `app-name`
 * and `version`, replacing any earlier values.
 */
void
oms_v5_apply_headers (SoupMessageHeaders       *headers,
                      const OmsSyncApiSettings *settings)
{
  g_autofree char *authorization = NULL;

  g_return_if_fail (headers != NULL);
  g_return_if_fail (settings != NULL);

  authorization = oms_v5_basic_auth_value (settings->username, settings->password_sha256);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "msupply-site-uuid", settings->site_uuid);
  soup_message_headers_replace (headers, "app-version", settings->app_version);
  soup_message_headers_replace (headers, "app-name", settings->app_name);
  soup_message_headers_replace (headers, "version", settings->sync_version);
}

/**
 * oms_v5_settings_from_headers:
 * @headers: the request headers of a v5 call
 *
 * The server side of oms_v5_apply_headers(): what a legacy central reads from a call. A
 * header that is missing leaves its field %NULL, and so do credentials that are not Basic;
 * `server_url` is always %NULL.
 *
 * Returns: (transfer full): the caller's credentials and identity
 */
OmsSyncApiSettings *
oms_v5_settings_from_headers (SoupMessageHeaders *headers)
{
  OmsSyncApiSettings *settings;

  g_return_val_if_fail (headers != NULL, NULL);

  settings = g_new0 (OmsSyncApiSettings, 1);
  if (!oms_v5_parse_basic_auth_value (soup_message_headers_get_one (headers, "Authorization"),
                                      &settings->username, &settings->password_sha256))
    {
      g_clear_pointer (&settings->username, g_free);
      g_clear_pointer (&settings->password_sha256, g_free);
    }
  settings->site_uuid = g_strdup (soup_message_headers_get_one (headers, "msupply-site-uuid"));
  settings->app_version = g_strdup (soup_message_headers_get_one (headers, "app-version"));
  settings->app_name = g_strdup (soup_message_headers_get_one (headers, "app-name"));
  settings->sync_version = g_strdup (soup_message_headers_get_one (headers, "version"));

  return settings;
}

/* Parses a configured server URL; only absolute http(s) URLs with a host can carry routes. */
static GUri *
parse_base_url (const char  *url,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  trimmed = g_strstrip (g_strdup (url != NULL ? url : ""));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL,
                           _("No server URL is set"));
      return NULL;
    }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL,
                   /* Translators: the address that was typed, then what is wrong with it. */
                   _("“%s” is not a valid server URL: %s"), trimmed, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      host == NULL || host[0] == '\0')
    {
      g_set_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL,
                   /* Translators: %s is the address that was typed, e.g. “central.example.org”.
                    * Keep http:// and https:// as they are. */
                   _("“%s” is not a valid server URL: it must start with http:// or https:// "
                     "and name a host"),
                   trimmed);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static GUri *
resolve (GUri        *base,
         const char  *reference,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GUri *uri = g_uri_parse_relative (base, reference, G_URI_FLAGS_ENCODED, &local_error);

  if (uri == NULL)
    g_set_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL,
                 /* Translators: a path of the protocol (e.g. “/sync/v5/site”), then the reason,
                  * an error message. */
                 _("Cannot join “%s” to a server URL: %s"), reference, local_error->message);

  return uri;
}

/**
 * oms_v5_route_uri:
 * @base_url: the legacy central URL from the sync settings
 * @route: an absolute route such as %OMS_V5_ROUTE_SITE
 * @error: return location for an OMS_PROTOCOL_ERROR_INVALID_URL error
 *
 * Joins by RFC 3986 reference resolution, so any path, query or fragment in @base_url is
 * dropped: `https://h:2048/foo` gives `https://h:2048/sync/v5/site`.
 *
 * Returns: (transfer full) (nullable): the request URI
 */
GUri *
oms_v5_route_uri (const char  *base_url,
                  const char  *route,
                  GError     **error)
{
  g_autoptr(GUri) base = NULL;

  g_return_val_if_fail (route != NULL, NULL);

  if ((base = parse_base_url (base_url, error)) == NULL)
    return NULL;

  return resolve (base, route, error);
}

/**
 * oms_v6_route_uri:
 * @central_url: the site info's `omSupplyCentralServerUrl`
 * @route: a relative route such as %OMS_V6_ROUTE_PULL
 * @error: return location for an OMS_PROTOCOL_ERROR_INVALID_URL error
 *
 * Joins `central/sync/` and then @route, as Open mSupply's `Url::join` does: the base path is
 * kept only if it ends with `/` (`http://h:2055/x/` gives `http://h:2055/x/central/sync/pull`,
 * `http://h:2055/x` gives `http://h:2055/central/sync/pull`).
 *
 * Returns: (transfer full) (nullable): the request URI
 */
GUri *
oms_v6_route_uri (const char  *central_url,
                  const char  *route,
                  GError     **error)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) sync = NULL;

  g_return_val_if_fail (route != NULL, NULL);

  if ((base = parse_base_url (central_url, error)) == NULL ||
      (sync = resolve (base, "central/sync/", error)) == NULL)
    return NULL;

  return resolve (sync, route, error);
}

/**
 * oms_hardware_id_read:
 * @paths: (array zero-terminated=1): files to try in order
 * @error: return location for a G_IO_ERROR_NOT_FOUND error
 *
 * Returns: (transfer full) (nullable): the trimmed contents of the first of @paths that exists
 *   and is not blank
 */
char *
oms_hardware_id_read (const char * const  *paths,
                      GError             **error)
{
  g_return_val_if_fail (paths != NULL, NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (paths[i], &contents, NULL, &local_error))
        {
          g_debug ("No hardware id in %s: %s", paths[i], local_error->message);
          continue;
        }

      g_strstrip (contents);
      if (contents[0] != '\0' && g_utf8_validate (contents, -1, NULL))
        return g_steal_pointer (&contents);
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("This computer has no machine id (/etc/machine-id is missing or "
                         "empty), so it cannot identify itself to the central server"));
  return NULL;
}

/**
 * oms_hardware_id_get:
 * @error: return location for a G_IO_ERROR_NOT_FOUND error
 *
 * The `msupply-site-uuid` of this machine: `OMSYNC_HARDWARE_ID` if set (so tests can run
 * several sites on one machine), else `/etc/machine-id`, else `/var/lib/dbus/machine-id`.
 * It must not change once the site has synced (HARDWARE_ID_MISMATCH).
 *
 * Returns: (transfer full) (nullable): the hardware id
 */
char *
oms_hardware_id_get (GError **error)
{
  static const char * const paths[] = {
    "/etc/machine-id",
    "/var/lib/dbus/machine-id",
    NULL,
  };
  const char *override = g_getenv ("OMSYNC_HARDWARE_ID");

  if (override != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (override));

      if (trimmed[0] != '\0')
        return g_steal_pointer (&trimmed);
    }

  return oms_hardware_id_read (paths, error);
}
