/* test-v5-auth.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-v5-auth"

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "oms-protocol-error.h"
#include "oms-v5-auth.h"
#include "protocol-test-util.h"

#define PASSWORD_SHA256 "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"

static void
test_password_hash (void)
{
  g_autofree char *hash = oms_v5_hash_password ("password");
  g_autofree char *empty = oms_v5_hash_password ("");
  g_autofree char *unicode = oms_v5_hash_password ("pässwörd");

  g_assert_cmpstr (hash, ==, PASSWORD_SHA256);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  /* Hashed as UTF-8 bytes, lower-case hex. */
  g_assert_cmpuint (strlen (unicode), ==, 64);
  g_assert_cmpstr (unicode, ==, "46970bef70aced8123f0d5d094717e2a5cd412041e03b26376049fe65b2834a4");
}

static void
test_basic_auth_fixture (void)
{
  g_autofree char *expected = load_fixture_text ("F1.txt");
  g_autofree char *hash = oms_v5_hash_password ("password");
  g_autofree char *value = oms_v5_basic_auth_value ("username", hash);

  g_assert_cmpstr (value, ==, expected);
}

static void
test_headers (void)
{
  g_autoptr(OmsSyncApiSettings) settings = NULL;
  g_autoptr(OmsSyncApiSettings) copy = NULL;
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *expected = load_fixture_text ("F1.txt");

  settings = oms_sync_api_settings_new ("http://central:2048", "username", PASSWORD_SHA256,
                                       "machine-1");
  g_assert_cmpstr (settings->app_name, ==, "Open mSupply Desktop");
  g_assert_cmpstr (settings->app_version, ==, "2.20.0");
  g_assert_cmpstr (settings->sync_version, ==, "14");

  soup_message_headers_append (headers, "Authorization", "Bearer stale");
  oms_v5_apply_headers (headers, settings);

  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), ==, expected);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Authorization"), ==, expected);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "msupply-site-uuid"), ==, "machine-1");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "app-name"), ==,
                   "Open mSupply Desktop");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "app-version"), ==, "2.20.0");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "version"), ==, "14");
  /* v5 POSTs carry no explicit Content-Type. */
  g_assert_null (soup_message_headers_get_one (headers, "Content-Type"));

  copy = oms_sync_api_settings_copy (settings);
  g_assert_cmpstr (copy->password_sha256, ==, PASSWORD_SHA256);
  g_assert_cmpstr (copy->site_uuid, ==, "machine-1");
  g_assert_true (copy->password_sha256 != settings->password_sha256);

  soup_message_headers_unref (headers);
}

static void
test_v5_routes (void)
{
  static const struct
  {
    const char *base;
    const char *route;
    const char *expected;
  } cases[] = {
    { "https://h:2048/foo", "/sync/v5/site", "https://h:2048/sync/v5/site" },
    { "https://h:2048/foo/", "/sync/v5/site", "https://h:2048/sync/v5/site" },
    { "http://h:2048", "/sync/v5/central_records", "http://h:2048/sync/v5/central_records" },
    { "http://h:2048/", "/sync/v5/queued_records", "http://h:2048/sync/v5/queued_records" },
    { "http://h:2048/a/b?x=1#frag", "/sync/v5/site_status", "http://h:2048/sync/v5/site_status" },
    { "  http://10.0.0.5:2048  ", "/sync/v5/initialise",
      "http://10.0.0.5:2048/sync/v5/initialise" },
    { "http://[::1]:2048/x", "/sync/v5/site", "http://[::1]:2048/sync/v5/site" },
    { "HTTPS://Central.Example.org", "/sync/v5/site", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GUri) uri = oms_v5_route_uri (cases[i].base, cases[i].route, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_uri_to_string (uri);
      if (cases[i].expected != NULL)
        g_assert_cmpstr (text, ==, cases[i].expected);
      else
        g_assert_cmpstr (g_uri_get_path (uri), ==, "/sync/v5/site");
    }
}

static void
test_v6_routes (void)
{
  static const struct
  {
    const char *base;
    const char *route;
    const char *expected;
  } cases[] = {
    { "http://h:2055", "pull", "http://h:2055/central/sync/pull" },
    { "http://h:2055/", "push", "http://h:2055/central/sync/push" },
    { "http://h:2055/foo", "site_status", "http://h:2055/central/sync/site_status" },
    { "http://h:2055/foo/", "pull", "http://h:2055/foo/central/sync/pull" },
    { "https://h/a/b/", "patient-pull", "https://h/a/b/central/sync/patient-pull" },
    { "http://localhost:2000?q=1", "pull", "http://localhost:2000/central/sync/pull" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GUri) uri = oms_v6_route_uri (cases[i].base, cases[i].route, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_uri_to_string (uri);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_invalid_urls (void)
{
  static const char * const bad[] = {
    "", "   ", "localhost:2048", "central.example.org", "not a url", "ftp://h/",
    "http://", "/sync/v5", "http://h:99999999/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) v5_error = NULL;
      g_autoptr(GError) v6_error = NULL;
      g_autoptr(GUri) v5 = oms_v5_route_uri (bad[i], OMS_V5_ROUTE_SITE, &v5_error);
      g_autoptr(GUri) v6 = oms_v6_route_uri (bad[i], OMS_V6_ROUTE_PULL, &v6_error);

      g_assert_null (v5);
      g_assert_null (v6);
      g_assert_error (v5_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL);
      g_assert_error (v6_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL);
    }

  {
    /* An empty central URL is "V6 central server not configured" to the engine. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GUri) uri = oms_v6_route_uri (NULL, OMS_V6_ROUTE_PULL, &error);

    g_assert_null (uri);
    g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_INVALID_URL);
  }
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_hardware_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("oms-hwid-XXXXXX", &error);
  g_autofree char *missing = NULL;
  g_autofree char *blank = NULL;
  g_autofree char *good = NULL;
  g_autofree char *other = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  missing = g_build_filename (dir, "missing", NULL);
  blank = write_file (dir, "blank", "  \n");
  good = write_file (dir, "machine-id", "  0123456789abcdef0123456789abcdef\n");
  other = write_file (dir, "dbus-machine-id", "ffffffffffffffffffffffffffffffff\n");

  {
    const char * const paths[] = { missing, blank, good, other, NULL };

    id = oms_hardware_id_read (paths, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (id, ==, "0123456789abcdef0123456789abcdef");
    g_clear_pointer (&id, g_free);
  }

  {
    const char * const paths[] = { other, good, NULL };

    id = oms_hardware_id_read (paths, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (id, ==, "ffffffffffffffffffffffffffffffff");
    g_clear_pointer (&id, g_free);
  }

  {
    const char * const paths[] = { missing, blank, NULL };

    id = oms_hardware_id_read (paths, &error);
    g_assert_null (id);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  g_setenv ("OMSYNC_HARDWARE_ID", "  site-a-machine \n", TRUE);
  id = oms_hardware_id_get (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "site-a-machine");
  g_clear_pointer (&id, g_free);

  /* A blank override falls back to the machine id, as does no override. */
  g_setenv ("OMSYNC_HARDWARE_ID", "   ", TRUE);
  {
    const char * const system_paths[] = { "/etc/machine-id", "/var/lib/dbus/machine-id", NULL };
    g_autoptr(GError) expected_error = NULL;
    g_autofree char *expected = oms_hardware_id_read (system_paths, &expected_error);

    id = oms_hardware_id_get (&error);
    g_assert_cmpstr (id, ==, expected);
    if (expected == NULL)
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    else
      g_assert_no_error (error);
    g_clear_error (&error);
    g_clear_pointer (&id, g_free);
  }
  g_unsetenv ("OMSYNC_HARDWARE_ID");

  g_unlink (blank);
  g_unlink (good);
  g_unlink (other);
  g_rmdir (dir);
}

static void
test_variant_texts (void)
{
  static const struct
  {
    OmsSyncErrorVariant  variant;
    const char          *name;
    const char          *stored;
    const char          *message;
    const char          *hint;
  } variants[] = {
    { OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, "CONNECTION_ERROR", "CONNECTION_ERROR",
      "Unable to connect to server",
      "Check that this computer is connected to the network and that the central server URL "
      "in Synchronisation settings is right, then press Sync now." },
    { OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED, "SITE_UUID_IS_BEING_CHANGED", NULL,
      "Site mismatch", NULL },
    { OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND, "SITE_NAME_NOT_FOUND", "SITE_NAME_NOT_FOUND",
      "Site name not found", NULL },
    { OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD, "INCORRECT_PASSWORD", "INCORRECT_PASSWORD",
      "Incorrect password", NULL },
    { OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH, "HARDWARE_ID_MISMATCH",
      "HARDWARE_ID_MISMATCH", "Incorrect hardware ID", NULL },
    { OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE, "SITE_HAS_NO_STORE", "SITE_HAS_NO_STORE",
      "Site has no store", NULL },
    { OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT, "SITE_AUTH_TIMEOUT", "SITE_AUTH_TIMEOUT",
      "Site authentication timed out, please try again later", NULL },
    { OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED, "INTEGRATION_TIMEOUT_REACHED",
      "INTEGRATION_TIMEOUT_REACHED",
      "The central server took too long integrating pushed records. Please retry later.",
      NULL },
    { OMS_SYNC_ERROR_VARIANT_INVALID_URL, "INVALID_URL", NULL, "Invalid url", NULL },
    { OMS_SYNC_ERROR_VARIANT_UNKNOWN, "UNKNOWN", NULL, "Unknown sync error", NULL },
    { OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE, "API_VERSION_INCOMPATIBLE",
      "API_VERSION_INCOMPATIBLE", "Sync API version is not compatible",
      "The mSupply Central Server needs to be upgraded to a newer version before you can "
      "connect - please contact support@msupply.foundation" },
    { OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED, "CENTRAL_V6_NOT_CONFIGURED",
      "CENTRAL_V6_NOT_CONFIGURED", "V6 central server not configured",
      "Check the central server URL" },
    { OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE, "V6_API_VERSION_INCOMPATIBLE",
      "V6_API_VERSION_INCOMPATIBLE", "Sync V6 API version is not compatible",
      "The Open mSupply Central Server needs to be upgraded to a newer version before you "
      "can connect - please contact support@msupply.foundation" },
    { OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR, "INTEGRATION_ERROR", "INTEGRATION_ERROR",
      "The server experienced a problem.", NULL },
  };
  g_autoptr(GHashTable) hints = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      OmsSyncErrorVariant variant = variants[i].variant;
      const char *hint = oms_sync_error_variant_get_hint (variant);

      g_assert_cmpstr (oms_sync_error_variant_to_string (variant), ==, variants[i].name);
      g_assert_cmpstr (oms_sync_error_variant_to_error_code (variant), ==, variants[i].stored);
      g_assert_cmpstr (oms_sync_error_variant_get_message (variant), ==, variants[i].message);

      /* Stored codes read back to the same variant; unstored ones read back as UNKNOWN. */
      g_assert_cmpint (oms_sync_error_variant_from_error_code (variants[i].stored), ==,
                       variants[i].stored != NULL ? variant : OMS_SYNC_ERROR_VARIANT_UNKNOWN);

      if (variants[i].hint != NULL)
        g_assert_cmpstr (hint, ==, variants[i].hint);

      /* Every variant has its own, full-sentence hint. */
      g_assert_cmpuint (strlen (hint), >, 20);
      g_assert_false (g_hash_table_contains (hints, hint));
      g_hash_table_add (hints, (gpointer) hint);
    }

  g_assert_cmpint (oms_sync_error_variant_from_error_code ("NOT_A_CODE"), ==,
                   OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  g_assert_cmpint (oms_sync_error_variant_from_error_code (NULL), ==,
                   OMS_SYNC_ERROR_VARIANT_UNKNOWN);
}

static void
test_protocol_error_variants (void)
{
  static const struct
  {
    OmsProtocolError     code;
    const char          *v5_code;
    OmsSyncErrorVariant  variant;
  } cases[] = {
    { OMS_PROTOCOL_ERROR_CONNECTION, NULL, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR },
    { OMS_PROTOCOL_ERROR_TRANSPORT, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED, "site_incorrect_password",
      OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD },
    { OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED, "sync_is_running", OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_RESPONSE_PARSING, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_INVALID_URL, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR, "site_auth_timeout",
      OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT },
    { OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH, NULL,
      OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (OMS_PROTOCOL_ERROR, cases[i].code, "x");

      g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error, cases[i].v5_code), ==,
                       cases[i].variant);
    }

  {
    g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk");

    g_assert_cmpint (oms_sync_error_variant_from_protocol_error (other, NULL), ==,
                     OMS_SYNC_ERROR_VARIANT_UNKNOWN);
    g_assert_cmpint (oms_sync_error_variant_from_protocol_error (NULL, NULL), ==,
                     OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  }
}

static void
test_format_error_chain (void)
{
  static const char * const causes[] = { "e2", "e3 e3msg", NULL };
  static const char * const one[] = { "status: '503 Service Unavailable' text: 'a \"q\"\n\\'",
                                      NULL };
  g_autofree char *alone = oms_protocol_format_error_chain ("e1 msg e1msg", NULL, NULL);
  g_autofree char *chain = oms_protocol_format_error_chain ("e1 msg e1msg", causes, NULL);
  g_autofree char *escaped = oms_protocol_format_error_chain ("top", one, NULL);

  /* Open mSupply's util::format_error example, as omsync writes it: each cause on its own
   * line, as text, not as a Rust debug dump (issue 13).
   */
  g_assert_cmpstr (alone, ==, "e1 msg e1msg");
  g_assert_cmpstr (chain, ==, "e1 msg e1msg\ne2\ne3 e3msg");
  g_assert_cmpstr (escaped, ==, "top\nstatus: '503 Service Unavailable' text: 'a \"q\"\n\\'");
}

static void
test_redaction (void)
{
  static const char * const secrets[] = { PASSWORD_SHA256, NULL };
  static const struct
  {
    const char *text;
    const char *expected;
  } cases[] = {
    { "Authorization: Basic dXNlcm5hbWU6NWU4ODQ4OThkYTI4MDQ3\r\nversion: 14",
      "Authorization: [redacted]\r\nversion: 14" },
    { "{\"authorization\":\"Basic dXNlcm5hbWU6NWU4\",\"app-name\":\"x\"}",
      "{\"authorization\":\"[redacted]\",\"app-name\":\"x\"}" },
    { "sent Basic dXNlcm5hbWU6NWU4ODQ4 to the server",
      "sent Basic [redacted] to the server" },
    { "{\"username\":\"test\",\"passwordSha256\":\"d74ff0ee8da3b980\",\"siteUuid\":\"h\"}",
      "{\"username\":\"test\",\"passwordSha256\":\"[redacted]\",\"siteUuid\":\"h\"}" },
    { "url: 'http://site:hunter2@central:2048/sync/v5/site'",
      "url: 'http://site:[redacted]@central:2048/sync/v5/site'" },
    { "password=hunter2&user=x", "password=[redacted]&user=x" },
    { "hash " PASSWORD_SHA256 " leaked", "hash [redacted] leaked" },
    /* Words that only look like secrets stay. */
    { "Incorrect password", "Incorrect password" },
    { "{\"code\":\"site_incorrect_password\",\"message\":\"m\"}",
      "{\"code\":\"site_incorrect_password\",\"message\":\"m\"}" },
    { "Basic auth failed", "Basic auth failed" },
    { "Sync api error, url: 'http://localhost:9999/', route: '/sync/v5/initialise'",
      "Sync api error, url: 'http://localhost:9999/', route: '/sync/v5/initialise'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = oms_protocol_redact (cases[i].text, secrets);

      g_assert_cmpstr (redacted, ==, cases[i].expected);
    }

  {
    static const char * const causes[] = {
      "Authorization: Basic dXNlcm5hbWU6NWU4ODQ4OThkYTI4MDQ3",
      "{\"passwordSha256\":\"" PASSWORD_SHA256 "\"}",
      NULL,
    };
    g_autofree char *chain = oms_protocol_format_error_chain ("call to http://u:pw@h/ failed",
                                                              causes, secrets);

    g_assert_null (strstr (chain, PASSWORD_SHA256));
    g_assert_null (strstr (chain, "dXNlcm5hbWU6"));
    g_assert_null (strstr (chain, ":pw@"));
    g_assert_cmpstr (chain, ==,
                     "call to http://u:[redacted]@h/ failed\n"
                     "Authorization: [redacted]\n"
                     "{\"passwordSha256\":\"[redacted]\"}");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/protocol/v5/auth/password-hash", test_password_hash);
  g_test_add_func ("/oms/protocol/v5/auth/basic-fixture", test_basic_auth_fixture);
  g_test_add_func ("/oms/protocol/v5/auth/headers", test_headers);
  g_test_add_func ("/oms/protocol/v5/auth/routes", test_v5_routes);
  g_test_add_func ("/oms/protocol/v6/auth/routes", test_v6_routes);
  g_test_add_func ("/oms/protocol/auth/invalid-urls", test_invalid_urls);
  g_test_add_func ("/oms/protocol/auth/hardware-id", test_hardware_id);
  g_test_add_func ("/oms/protocol/errors/variant-texts", test_variant_texts);
  g_test_add_func ("/oms/protocol/errors/protocol-error-variants", test_protocol_error_variants);
  g_test_add_func ("/oms/protocol/errors/format-chain", test_format_error_chain);
  g_test_add_func ("/oms/protocol/errors/redaction", test_redaction);

  return g_test_run ();
}
