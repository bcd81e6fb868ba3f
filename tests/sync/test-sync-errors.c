/* test-sync-errors.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "oms-central-server.h"
#include "oms-cli-status.h"
#include "oms-coldchain-certificate.h"
#include "oms-http-private.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-error-text.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

/* Issue 13: the common faults of a bad line or a server that is down read as what they are,
 * each with a next step, against omsync-central's faults in-process on 127.0.0.1. The variant
 * stays Open mSupply's; the technical detail names errors in words (no GLib quark names, no
 * `-> [ … ]` dump).
 */

typedef OmsTestSite Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  oms_test_site_set_up (fixture);

  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_no_error (error);
  oms_sync_engine_refresh (fixture->engine);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  oms_test_site_tear_down (fixture);
}

/* The technical detail reads as text: no GLib quark names, no Rust debug dump. */
static void
assert_readable_detail (const char *detail)
{
  g_assert_nonnull (detail);
  g_assert_null (strstr (detail, "quark"));
  g_assert_null (strstr (detail, "-> ["));
}

/* Runs a sync that must fail; returns the failed run as stored. */
static const OmsSyncRun *
run_failing (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  const OmsSyncRun *run;

  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_error (error, OMS_SYNC_ERROR, error->code);

  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_nonnull (run);
  g_assert_false (run->interrupted);
  assert_readable_detail (run->error_message);
  return run;
}

static void
add_fault (Fixture    *fixture,
           const char *spec)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_central_server_add_fault (fixture->central, spec, &error));
  g_assert_no_error (error);
}

static void
assert_describes (const OmsSyncRun *run,
                  const char       *message,
                  const char       *hint_part)
{
  g_autofree char *got_message = NULL;
  g_autofree char *got_hint = NULL;

  oms_sync_run_describe_error (run, NULL, &got_message, &got_hint);
  g_assert_cmpstr (got_message, ==, message);
  g_assert_nonnull (got_hint);
  if (hint_part != NULL && strstr (got_hint, hint_part) == NULL)
    g_error ("The hint “%s” does not say “%s”", got_hint, hint_part);
}

/* HTTP 503 with Retry-After: "the central server is unavailable", and when to try again. The
 * variant stays UNKNOWN (Open mSupply's), in the store and in `status --json`.
 */
static void
test_server_unavailable (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(OmsSyncErrorInfo) info = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) retry = NULL;
  g_autofree char *retry_time = NULL;
  const OmsSyncRun *run;
  JsonObject *error_object;
  gint64 before = g_get_real_time ();

  add_fault (fixture, "/sync/v5/site:status=503,retry-after=600,body=Down for maintenance");
  run = run_failing (fixture);

  g_assert_null (run->error_code);
  info = oms_sync_error_info_from_json (run->error_info);
  g_assert_nonnull (info);
  g_assert_cmpint (info->reason, ==, OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE);
  g_assert_cmpuint (info->http_status, ==, 503);
  g_assert_cmpint (info->retry_after, >=, before + 599 * G_USEC_PER_SEC);
  g_assert_cmpint (info->retry_after, <=, g_get_real_time () + 601 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (run->error_message, "Down for maintenance"));

  retry = g_date_time_new_from_unix_local (info->retry_after / G_USEC_PER_SEC);
  retry_time = g_date_time_format (retry, "%H:%M");
  assert_describes (run, "The central server is unavailable", retry_time);

  /* Not an alarm: nothing at the site needs fixing. */
  g_assert_true (oms_sync_run_error_is_transient (run));

  node = oms_cli_status_to_json (fixture->engine, "hw-1");
  error_object = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (node), "lastRun"), "error");
  g_assert_cmpstr (json_object_get_string_member (error_object, "variant"), ==, "UNKNOWN");
  g_assert_cmpstr (json_object_get_string_member (error_object, "message"), ==,
                   "The central server is unavailable");
  g_assert_nonnull (strstr (json_object_get_string_member (error_object, "hint"), retry_time));
}

/* A gateway's 502 without Retry-After says so and suggests waiting. */
static void
test_bad_gateway (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const OmsSyncRun *run;

  add_fault (fixture, "/sync/v5/site:status=502");
  run = run_failing (fixture);
  assert_describes (run, "The central server is unavailable", "HTTP 502");
}

/* The Open mSupply central behind a gateway that answers 504: the same words, in Pull V6. */
static void
test_v6_gateway_timeout (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const OmsSyncRun *run;

  add_fault (fixture, "/central/sync/pull:status=504");
  run = run_failing (fixture);
  g_assert_cmpint (oms_sync_run_get_open_step (run), ==, OMS_SYNC_STEP_PULL_V6);
  g_assert_null (run->error_code);
  assert_describes (run, "The central server is unavailable", "HTTP 504");
}

/* A TCP reset while Pull central waits for its answer: the connection was lost during it. */
static void
test_connection_reset (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(OmsSyncErrorInfo) info = NULL;
  const OmsSyncRun *run;

  add_fault (fixture, "/sync/v5/central_records:reset");
  run = run_failing (fixture);

  g_assert_cmpint (oms_sync_run_get_open_step (run), ==, OMS_SYNC_STEP_PULL_CENTRAL);
  info = oms_sync_error_info_from_json (run->error_info);
  g_assert_nonnull (info);
  g_assert_cmpint (info->reason, ==, OMS_SYNC_ERROR_REASON_CONNECTION_LOST);
  assert_describes (run, "The connection was lost during “Pull central”", "sync again");
  g_assert_true (oms_sync_run_error_is_transient (run));
  /* The detail names the error, and its code in words. */
  g_assert_nonnull (strstr (run->error_message, "Connection reset by peer"));
  g_assert_nonnull (strstr (run->error_message, "(input/output error: connection closed)"));
}

/* An answer cut off before its announced length: lost too, and the detail names it in words. */
static void
test_truncated (Fixture       *fixture,
                gconstpointer  user_data)
{
  const OmsSyncRun *run;

  add_fault (fixture, "/sync/v5/central_records:truncate");
  run = run_failing (fixture);
  assert_describes (run, "The connection was lost during “Pull central”", "sync again");
  g_assert_nonnull (strstr (run->error_message, "partial input"));
}

/* Nothing for the idle timeout (1 s here): the server stopped answering, CONNECTION_ERROR. */
static void
test_stopped_answering (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const OmsSyncRun *run;

  add_fault (fixture, "/sync/v5/central_records:hang");
  _oms_http_set_timeout_scale (1.0, 1.0 / OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
  run = run_failing (fixture);
  _oms_http_set_timeout_scale (1.0, 1.0);
  oms_central_server_clear_faults (fixture->central, NULL);

  g_assert_cmpstr (run->error_code, ==, "CONNECTION_ERROR");
  assert_describes (run, "The server stopped answering", "idle timeout");
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Checks the settings against @url and returns how that failed. */
static GError *
check_settings_error (OmsStore   *store,
                      const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OmsV5SiteInfo) site = NULL;
  GError *error = NULL;

  oms_sync_settings_check_async (store, url, "demo", "pass", NULL,
                                 store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  site = oms_sync_settings_check_finish (store, result, &error);
  g_assert_null (site);
  g_assert_nonnull (error);
  return error;
}

/* A self-signed certificate on a loopback HTTPS server: "not trusted", with its SHA-256. */
static void
test_certificate_untrusted (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const char * const addresses[] = { "127.0.0.1", NULL };
  g_autoptr(OmsTestTmpDir) cert_dir = oms_test_make_tmp_dir ("oms-cert-XXXXXX");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;
  g_autoptr(GString) fingerprint = g_string_new (NULL);
  const OmsSyncErrorInfo *info;
  GSList *uris;

  certificate = oms_coldchain_certificate_ensure (cert_dir, addresses, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY |
                                                      SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_object_get (certificate, "certificate", &der, NULL);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (guint i = 0; expected[i] != '\0'; i += 2)
    g_string_append_printf (fingerprint, "%s%c%c", i > 0 ? ":" : "",
                            g_ascii_toupper (expected[i]), g_ascii_toupper (expected[i + 1]));

  g_clear_error (&error);
  error = check_settings_error (fixture->store, url);
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR);
  assert_readable_detail (error->message);
  info = oms_sync_error_get_info (error);
  g_assert_nonnull (info);
  g_assert_cmpint (info->reason, ==, OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED);
  g_assert_cmpstr (info->fingerprint, ==, fingerprint->str);

  oms_sync_error_describe_error (error, -1, NULL, &message, &hint);
  g_assert_cmpstr (message, ==, "The server’s certificate is not trusted");
  g_assert_nonnull (strstr (hint, fingerprint->str));

  soup_server_disconnect (server);
}

/* A resolver that knows no name, so the test never asks a DNS server anything. */
typedef struct
{
  GResolver parent_instance;
  guint     lookups;
} FakeResolver;

typedef struct
{
  GResolverClass parent_class;
} FakeResolverClass;

static GType fake_resolver_get_type (void);
G_DEFINE_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeResolver, g_object_unref)

static GList *
fake_lookup_by_name (GResolver     *resolver,
                     const char    *hostname,
                     GCancellable  *cancellable,
                     GError       **error)
{
  ((FakeResolver *) resolver)->lookups++;
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "Error resolving “%s”: Name or service not known", hostname);
  return NULL;
}

static void
fake_lookup_by_name_async (GResolver           *resolver,
                           const char          *hostname,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;

  fake_lookup_by_name (resolver, hostname, cancellable, &error);
  g_task_return_error (task, error);
}

static void
fake_lookup_by_name_with_flags_async (GResolver                *resolver,
                                      const char               *hostname,
                                      GResolverNameLookupFlags  flags,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data)
{
  fake_lookup_by_name_async (resolver, hostname, cancellable, callback, user_data);
}

static GList *
fake_lookup_by_name_with_flags (GResolver                 *resolver,
                                const char                *hostname,
                                GResolverNameLookupFlags   flags,
                                GCancellable              *cancellable,
                                GError                   **error)
{
  return fake_lookup_by_name (resolver, hostname, cancellable, error);
}

static GList *
fake_lookup_by_name_finish (GResolver     *resolver,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = fake_lookup_by_name;
  resolver_class->lookup_by_name_async = fake_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = fake_lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags = fake_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = fake_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = fake_lookup_by_name_finish;
}

static void
fake_resolver_init (FakeResolver *self)
{
}

/* A name no resolver knows: "the server name was not found", naming it. */
static void
test_host_not_found (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GResolver) previous = g_resolver_get_default ();
  g_autoptr(FakeResolver) fake = g_object_new (fake_resolver_get_type (), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;
  const OmsSyncErrorInfo *info;

  g_resolver_set_default (G_RESOLVER (fake));
  error = check_settings_error (fixture->store, "http://central.invalid:2048/");
  g_resolver_set_default (previous);

  g_assert_cmpuint (fake->lookups, >, 0);
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR);
  assert_readable_detail (error->message);
  g_assert_nonnull (strstr (error->message, "name lookup error: not found"));
  info = oms_sync_error_get_info (error);
  g_assert_nonnull (info);
  g_assert_cmpint (info->reason, ==, OMS_SYNC_ERROR_REASON_HOST_NOT_FOUND);

  oms_sync_error_describe_error (error, -1, NULL, &message, &hint);
  g_assert_cmpstr (message, ==, "The server name was not found");
  g_assert_nonnull (strstr (hint, "central.invalid"));
}

/* The reason survives the store: a run read back tells the same story. */
static void
test_info_round_trip (void)
{
  g_autoptr(OmsSyncErrorInfo) info = oms_sync_error_info_new (OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED);
  g_autoptr(OmsSyncErrorInfo) back = NULL;
  g_autofree char *json = NULL;

  info->http_status = 0;
  info->fingerprint = g_strdup ("AB:CD");
  info->host = g_strdup ("central.example.org");
  json = oms_sync_error_info_to_json (info);
  back = oms_sync_error_info_from_json (json);
  g_assert_nonnull (back);
  g_assert_cmpint (back->reason, ==, info->reason);
  g_assert_cmpstr (back->fingerprint, ==, "AB:CD");
  g_assert_cmpstr (back->host, ==, "central.example.org");

  g_assert_null (oms_sync_error_info_from_json ("{\"reason\":\"from-the-future\"}"));
  g_assert_null (oms_sync_error_info_from_json ("not json"));
  g_assert_null (oms_sync_error_info_from_json (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/oms/sync/errors/info-round-trip", test_info_round_trip);
  ADD ("/oms/sync/errors/server-unavailable", test_server_unavailable);
  ADD ("/oms/sync/errors/bad-gateway", test_bad_gateway);
  ADD ("/oms/sync/errors/v6-gateway-timeout", test_v6_gateway_timeout);
  ADD ("/oms/sync/errors/connection-reset", test_connection_reset);
  ADD ("/oms/sync/errors/truncated", test_truncated);
  ADD ("/oms/sync/errors/stopped-answering", test_stopped_answering);
  ADD ("/oms/sync/errors/certificate-untrusted", test_certificate_untrusted);
  ADD ("/oms/sync/errors/host-not-found", test_host_not_found);

  return g_test_run ();
}
