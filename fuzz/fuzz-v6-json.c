/* fuzz-v6-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Open mSupply central's answers (oms-v6-json.c) as the v6 client reads them, and the requests
 * omsync-central reads with the same code: each parser after the gate with its reader's limit,
 * on the same input.
 */

#include "config.h"

#include "fuzz-util.h"
#include "oms-v6-json.h"

/* Whatever the server's error is, the client files it under a sync error variant. */
static void
check_server_error (const OmsV6ServerError *server_error)
{
  if (server_error != NULL)
    (void) oms_v6_server_error_get_variant (server_error);
}

static void
parse_responses (GBytes *body)
{
  g_autoptr(OmsV6ServerError) pull_error = NULL;
  g_autoptr(OmsV6ServerError) push_error = NULL;
  g_autoptr(OmsV6ServerError) status_error = NULL;
  g_autoptr(OmsV6ServerError) upload_error = NULL;
  g_autoptr(OmsV6ServerError) download_error = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GError) error = NULL;
  gint64 records_pushed = 0;
  gboolean is_integrating = FALSE;

  batch = oms_v6_parse_pull_response (body, &pull_error, NULL);
  g_assert_true (batch == NULL || pull_error == NULL);
  check_server_error (pull_error);

  oms_v6_parse_push_response (body, &records_pushed, &push_error, NULL);
  check_server_error (push_error);

  oms_v6_parse_site_status_response (body, &is_integrating, &status_error, NULL);
  check_server_error (status_error);

  oms_v6_parse_upload_file_response (body, &upload_error, NULL);
  check_server_error (upload_error);

  /* Always an error: the server's, or why the body is not one. */
  download_error = oms_v6_parse_download_file_error (body, &error);
  g_assert_nonnull (error);
  check_server_error (download_error);
}

static void
parse_requests (GBytes *body)
{
  guint32 sync_v6_version = 0;

  oms_v6_pull_request_free (oms_v6_parse_pull_request (body, NULL));
  oms_v6_pull_request_free (oms_v6_parse_patient_pull_request (body, NULL));
  oms_v6_push_request_free (oms_v6_parse_push_request (body, NULL));
  oms_sync_api_settings_free (oms_v6_parse_site_status_request (body, &sync_v6_version, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) response = fuzz_gated_body (data, size, OMS_JSON_GATE_MAX_RESPONSE_BYTES);
  g_autoptr(GBytes) request = fuzz_gated_body (data, size,
                                               OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES);

  if (response != NULL)
    parse_responses (response);
  if (request != NULL)
    parse_requests (request);
  return 0;
}
