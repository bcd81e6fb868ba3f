/* fuzz-coldchain-records.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the cold chain server does with a phone's upload before it touches the store
 * (oms-coldchain-records.c): the gate with the server's limit, then the body read as
 * sensors, temperature logs and temperature breaches in turn, and each list that reads
 * validated as the handler does.
 */

#include "config.h"

#include "fuzz-util.h"
#include "oms-coldchain-records-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const OmsColdchainKind kinds[] = {
    OMS_COLDCHAIN_KIND_SENSOR,
    OMS_COLDCHAIN_KIND_TEMPERATURE_LOG,
    OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH,
  };
  g_autoptr(GBytes) body = fuzz_gated_body (data, size,
                                            OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES);
  gsize length = 0;
  const char *text;

  if (body == NULL)
    return 0;

  text = g_bytes_get_data (body, &length);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *invalid = NULL;
      g_autoptr(GPtrArray) items = oms_coldchain_request_parse_records (kinds[i], text, length,
                                                                        &error);

      /* Either records or the 400 (413) body that says why not. */
      g_assert_true ((items == NULL) != (error == NULL));
      if (items != NULL)
        invalid = _oms_coldchain_records_validate (kinds[i], items);
    }

  /* The login body, read by the same strict scan. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *username = NULL;
    g_autofree char *password = NULL;
    gboolean ok = oms_coldchain_request_parse_login (text, length, &username, &password,
                                                     &error);

    g_assert_true (ok == (error == NULL));
  }

  return 0;
}
