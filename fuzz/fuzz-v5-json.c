/* fuzz-v5-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The legacy central's answers (oms-v5-json.c): every parser the v5 client gives a response
 * body to, each after the gate with the client's limit, on the same input.
 */

#include "config.h"

#include "fuzz-util.h"
#include "oms-v5-json.h"

static void
parse_site (GBytes *body)
{
  g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, NULL);
  g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (body, NULL);

  if (info != NULL)
    g_assert_nonnull (oms_v5_initialisation_status_to_string (info->initialisation_status));
  if (status != NULL)
    g_assert_nonnull (oms_v5_site_status_code_to_string (status->code));
}

static void
parse_batches (GBytes *body)
{
  g_autoptr(OmsV5RemoteBatch) queued = oms_v5_parse_queued_records (body, NULL);
  gboolean integration_started = FALSE;

  oms_v5_remote_batch_free (oms_v5_parse_initialise_response (body, NULL));
  oms_v5_central_batch_free (oms_v5_parse_central_records (body, NULL));
  oms_v5_parse_push_response (body, &integration_started, NULL);

  if (queued != NULL)
    {
      /* What the client acknowledges after storing the batch. */
      g_auto(GStrv) sync_ids = oms_v5_remote_batch_dup_sync_ids (queued);
      g_autoptr(GBytes) acknowledgement = oms_v5_build_acknowledge_body ((const char * const *)
                                                                         sync_ids);

      g_assert_nonnull (acknowledgement);
    }
}

static void
parse_error (GBytes *body)
{
  static const guint statuses[] = { 401, 409, 503 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(OmsV5Error) error_body = NULL;
      g_autoptr(GError) error = oms_v5_error_new_for_status (statuses[i], body, &error_body);

      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = fuzz_gated_body (data, size, OMS_JSON_GATE_MAX_RESPONSE_BYTES);

  if (body == NULL)
    return 0;

  parse_site (body);
  parse_batches (body);
  parse_error (body);
  return 0;
}
