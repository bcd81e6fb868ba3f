/* oms-cli-hints.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-cli-hints.h"

/**
 * oms_cli_error_hint:
 * @variant: a sync error variant
 *
 * The next step for someone at the command line: the same advice as
 * oms_sync_error_variant_get_hint(), but naming the omsync-cli commands to run rather than
 * the window's buttons and settings, which a terminal does not have. Hints that name
 * neither are the window's own.
 *
 * Returns: (transfer none): the translated hint
 */
const char *
oms_cli_error_hint (OmsSyncErrorVariant variant)
{
  switch (variant)
    {
    case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
      return _("Check that this computer is connected to the network and that the central "
               "server URL is right (`omsync-cli status` shows it, `omsync-cli configure "
               "--url URL --site NAME --password-stdin` changes it), then run "
               "`omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
      return _("This data already belongs to another sync site. Run `omsync-cli configure` "
               "with the site name it was set up with, or start again with a new data "
               "folder (`--data-dir DIR`).");
    case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
      return _("Check the site name: it must match a sync site on the mSupply central "
               "server. Set it with `omsync-cli configure --url URL --site NAME "
               "--password-stdin`.");
    case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
      return _("Check the site password (your mSupply administrator can tell you or reset "
               "it), then set it with `omsync-cli configure --url URL --site NAME "
               "--password-stdin`.");
    case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
      return _("This site is registered to another computer. Ask your mSupply administrator "
               "to clear the site's hardware ID on the central server, then run "
               "`omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
      return _("Ask your mSupply administrator to give this site a store on the central "
               "server, then run `omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
      return _("The central server is busy. Wait a few minutes, then run `omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
      return _("Your records were sent and the central server is still processing them. "
               "Wait a few minutes, then run `omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
      return _("Give the full address of the central server, for example `omsync-cli "
               "configure --url https://central.example.org:2048 --site NAME "
               "--password-stdin`.");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
      return _("The records received could not be saved. Check that the disk is not full, "
               "then run `omsync-cli sync`.");
    case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
      return _("Run `omsync-cli sync` to try again. If it fails again, send the details to "
               "your support contact.");
    case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
    case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
    case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
    default:
      return oms_sync_error_variant_get_hint (variant);
    }
}

/**
 * oms_cli_error_hint_for:
 * @variant: the error's variant
 * @info: (nullable): why it failed beyond the variant, when known
 * @described_hint: (nullable): the hint oms_sync_error_describe() gave
 *
 * A reason's hint (a server down, a lost connection, an untrusted certificate…) is worded for
 * the window and the command line alike and carries what was learnt (a retry time, a
 * fingerprint); a bare variant's hint names the window's buttons, so the command line has its
 * own.
 *
 * Returns: the hint to print
 */
const char *
oms_cli_error_hint_for (OmsSyncErrorVariant     variant,
                        const OmsSyncErrorInfo *info,
                        const char             *described_hint)
{
  if (info != NULL && info->reason != OMS_SYNC_ERROR_REASON_NONE && described_hint != NULL)
    return described_hint;

  return oms_cli_error_hint (variant);
}
