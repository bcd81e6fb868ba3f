/* oms-protocol-error.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-protocol-error"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "oms-protocol-error.h"

#define REDACTED "[redacted]"

/* Both domains are extended (G_DEFINE_EXTENDED_ERROR, GLib 2.68), written out so the quarks
 * keep their `oms-…-error-quark` names; the offset of a private part is GLib's.
 */
#define PRIVATE_OF(type, error) \
  ((type *) (((guint8 *) (error)) - ((sizeof (type) + (2 * sizeof (gsize) - 1)) & \
                                     -(2 * sizeof (gsize)))))

/* The private part of an OMS_PROTOCOL_ERROR: why a call failed, in more detail than its code. */
typedef struct
{
  OmsSyncErrorInfo *info;
} OmsProtocolErrorPrivate;

static void
oms_protocol_error_init (GError *error)
{
  PRIVATE_OF (OmsProtocolErrorPrivate, error)->info = NULL;
}

static void
oms_protocol_error_copy (const GError *src_error,
                         GError       *dest_error)
{
  const OmsSyncErrorInfo *info = PRIVATE_OF (OmsProtocolErrorPrivate, src_error)->info;

  PRIVATE_OF (OmsProtocolErrorPrivate, dest_error)->info =
    info != NULL ? oms_sync_error_info_copy (info) : NULL;
}

static void
oms_protocol_error_clear (GError *error)
{
  g_clear_pointer (&PRIVATE_OF (OmsProtocolErrorPrivate, error)->info,
                   oms_sync_error_info_free);
}

GQuark
oms_protocol_error_quark (void)
{
  static GQuark quark;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      quark = g_error_domain_register_static ("oms-protocol-error-quark",
                                              sizeof (OmsProtocolErrorPrivate),
                                              oms_protocol_error_init,
                                              oms_protocol_error_copy,
                                              oms_protocol_error_clear);
      g_once_init_leave (&initialized, 1);
    }

  return quark;
}

/* The private part of an OMS_SYNC_ERROR. */
typedef struct
{
  int               protocol_code;   /* an OmsProtocolError, or -1 when the failure was not a call */
  guint             http_status;     /* 0 when there was no answer */
  char             *v5_code;         /* the legacy `error.code`, if any */
  OmsSyncErrorInfo *info;            /* why, beyond the variant; NULL when nothing more is known */
} OmsSyncErrorPrivate;

static void
oms_sync_error_private_init (OmsSyncErrorPrivate *priv)
{
  priv->protocol_code = -1;
}

static void
oms_sync_error_private_copy (const OmsSyncErrorPrivate *src_priv,
                             OmsSyncErrorPrivate       *dest_priv)
{
  dest_priv->protocol_code = src_priv->protocol_code;
  dest_priv->http_status = src_priv->http_status;
  dest_priv->v5_code = g_strdup (src_priv->v5_code);
  dest_priv->info = src_priv->info != NULL ? oms_sync_error_info_copy (src_priv->info) : NULL;
}

static void
oms_sync_error_private_clear (OmsSyncErrorPrivate *priv)
{
  g_clear_pointer (&priv->v5_code, g_free);
  g_clear_pointer (&priv->info, oms_sync_error_info_free);
}

static inline OmsSyncErrorPrivate *
oms_sync_error_get_private (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (error->domain == oms_sync_error_quark (), NULL);

  return PRIVATE_OF (OmsSyncErrorPrivate, error);
}

static void
oms_sync_error_init (GError *error)
{
  oms_sync_error_private_init (oms_sync_error_get_private (error));
}

static void
oms_sync_error_copy (const GError *src_error,
                     GError       *dest_error)
{
  oms_sync_error_private_copy (oms_sync_error_get_private (src_error),
                               oms_sync_error_get_private (dest_error));
}

static void
oms_sync_error_clear (GError *error)
{
  oms_sync_error_private_clear (oms_sync_error_get_private (error));
}

GQuark
oms_sync_error_quark (void)
{
  static GQuark quark;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      quark = g_error_domain_register_static ("oms-sync-error-quark",
                                              sizeof (OmsSyncErrorPrivate),
                                              oms_sync_error_init,
                                              oms_sync_error_copy,
                                              oms_sync_error_clear);
      g_once_init_leave (&initialized, 1);
    }

  return quark;
}

/**
 * oms_sync_error_variant_to_string:
 * @variant: a sync error variant
 *
 * Returns: (transfer none): the variant's GraphQL name, e.g. `"CONNECTION_ERROR"`
 */
const char *
oms_sync_error_variant_to_string (OmsSyncErrorVariant variant)
{
  switch (variant)
    {
    case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
      return "CONNECTION_ERROR";
    case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
      return "SITE_UUID_IS_BEING_CHANGED";
    case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
      return "SITE_NAME_NOT_FOUND";
    case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
      return "INCORRECT_PASSWORD";
    case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
      return "HARDWARE_ID_MISMATCH";
    case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
      return "SITE_HAS_NO_STORE";
    case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
      return "SITE_AUTH_TIMEOUT";
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
      return "INTEGRATION_TIMEOUT_REACHED";
    case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
      return "INVALID_URL";
    case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
      return "API_VERSION_INCOMPATIBLE";
    case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
      return "CENTRAL_V6_NOT_CONFIGURED";
    case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
      return "V6_API_VERSION_INCOMPATIBLE";
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
      return "INTEGRATION_ERROR";
    case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
    default:
      return "UNKNOWN";
    }
}

/**
 * oms_sync_error_variant_to_error_code:
 * @variant: a sync error variant
 *
 * The value written to `sync_log.error_code`. SITE_UUID_IS_BEING_CHANGED and INVALID_URL only
 * come from checking new settings and UNKNOWN is stored as NULL, so those give %NULL.
 *
 * Returns: (transfer none) (nullable): the stored error code
 */
const char *
oms_sync_error_variant_to_error_code (OmsSyncErrorVariant variant)
{
  switch (variant)
    {
    case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
    case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
    case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
    case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
    case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
    case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
    case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
    case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
    case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
      return oms_sync_error_variant_to_string (variant);
    case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
    case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
    case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * oms_sync_error_variant_from_error_code:
 * @error_code: (nullable): a `sync_log.error_code` value
 *
 * Returns: the variant the code stands for; UNKNOWN for %NULL or a code this build does not know
 */
OmsSyncErrorVariant
oms_sync_error_variant_from_error_code (const char *error_code)
{
  static const OmsSyncErrorVariant stored[] = {
    OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR,
    OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND,
    OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD,
    OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH,
    OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE,
    OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT,
    OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED,
    OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE,
    OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED,
    OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE,
    OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR,
  };

  if (error_code == NULL)
    return OMS_SYNC_ERROR_VARIANT_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (stored); i++)
    {
      if (g_str_equal (error_code, oms_sync_error_variant_to_error_code (stored[i])))
        return stored[i];
    }

  return OMS_SYNC_ERROR_VARIANT_UNKNOWN;
}

/**
 * oms_sync_error_variant_from_v5_code:
 * @v5_code: (nullable): the `error.code` of a legacy central error body
 *
 * Maps a v5 error code as Open mSupply's `v5_to_sync_log_error_code` does: by code, never by
 * HTTP status.
 *
 * Returns: the matching variant, or UNKNOWN for any other code
 */
OmsSyncErrorVariant
oms_sync_error_variant_from_v5_code (const char *v5_code)
{
  static const struct
  {
    const char          *code;
    OmsSyncErrorVariant  variant;
  } map[] = {
    { "site_name_not_found", OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND },
    { "site_incorrect_password", OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD },
    { "site_incorrect_hardware_id", OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH },
    { "site_has_no_store", OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE },
    { "site_auth_timeout", OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT },
    { "api_version_incompatible", OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE },
  };

  if (v5_code == NULL)
    return OMS_SYNC_ERROR_VARIANT_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      if (g_str_equal (v5_code, map[i].code))
        return map[i].variant;
    }

  return OMS_SYNC_ERROR_VARIANT_UNKNOWN;
}

/**
 * oms_sync_error_variant_from_protocol_error:
 * @error: (nullable): an error from a protocol call
 * @v5_code: (nullable): the legacy `error.code`, when @error carries a v5 error body
 *   (OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED or OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR)
 *
 * Connection failures, v5 codes and the v6 version mismatch have their own variants;
 * everything else is UNKNOWN. OMS_PROTOCOL_ERROR_INVALID_URL is UNKNOWN here because its
 * variant depends on which URL it was: the caller picks INVALID_URL (settings) or
 * CENTRAL_V6_NOT_CONFIGURED (the site info's central URL).
 *
 * Returns: the variant to show and store
 */
OmsSyncErrorVariant
oms_sync_error_variant_from_protocol_error (const GError *error,
                                            const char   *v5_code)
{
  if (error == NULL || error->domain != OMS_PROTOCOL_ERROR)
    return OMS_SYNC_ERROR_VARIANT_UNKNOWN;

  switch ((OmsProtocolError) error->code)
    {
    case OMS_PROTOCOL_ERROR_CONNECTION:
      return OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR;
    case OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED:
    case OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR:
      return oms_sync_error_variant_from_v5_code (v5_code);
    case OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH:
      return OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE;
    case OMS_PROTOCOL_ERROR_TRANSPORT:
    case OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT:
    case OMS_PROTOCOL_ERROR_RESPONSE_PARSING:
    case OMS_PROTOCOL_ERROR_INVALID_URL:
    case OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER:
    case OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR:
    case OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR:
    case OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER:
    case OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR:
    case OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS:
    case OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND:
    default:
      return OMS_SYNC_ERROR_VARIANT_UNKNOWN;
    }
}

/**
 * oms_sync_error_variant_get_message:
 * @variant: a sync error variant
 *
 * Returns: (transfer none): the translated one-line message Open mSupply shows for @variant
 */
const char *
oms_sync_error_variant_get_message (OmsSyncErrorVariant variant)
{
  switch (variant)
    {
    case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
      return _("Unable to connect to server");
    case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
      /* Translators: the sync site of these settings is not the one this data belongs to. */
      return _("Site mismatch");
    case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
      return _("Site name not found");
    case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
      return _("Incorrect password");
    case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
      return _("Incorrect hardware ID");
    case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
      return _("Site has no store");
    case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
      return _("Site authentication timed out, please try again later");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
      return _("The central server took too long integrating pushed records. "
               "Please retry later.");
    case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
      return _("Invalid url");
    case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
      return _("Sync API version is not compatible");
    case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
      return _("V6 central server not configured");
    case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
      return _("Sync V6 API version is not compatible");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
      return _("The server experienced a problem.");
    case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
    default:
      return _("Unknown sync error");
    }
}

/**
 * oms_sync_error_variant_get_hint:
 * @variant: a sync error variant
 *
 * Returns: (transfer none): a translated next step for the people using the store
 */
const char *
oms_sync_error_variant_get_hint (OmsSyncErrorVariant variant)
{
  switch (variant)
    {
    case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
      return _("Check that this computer is connected to the network and that the central "
               "server URL in Synchronisation settings is right, then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
      return _("This data already belongs to another sync site. Enter the site name it was "
               "set up with, or start again with a new data folder.");
    case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
      return _("Check the site name in Synchronisation settings. It must match a sync site "
               "on the mSupply central server.");
    case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
      return _("Check the site password in Synchronisation settings. Your mSupply "
               "administrator can tell you or reset it.");
    case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
      return _("This site is registered to another computer. Ask your mSupply administrator "
               "to clear the site's hardware ID on the central server, then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
      return _("Ask your mSupply administrator to give this site a store on the central "
               "server, then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
      return _("The central server is busy. Wait a few minutes, then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
      return _("Your records were sent and the central server is still processing them. "
               "Wait a few minutes, then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
      return _("Enter the full address of the central server in Synchronisation settings, "
               "for example https://central.example.org:2048.");
    case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
      return _("The mSupply Central Server needs to be upgraded to a newer version before "
               "you can connect - please contact support@msupply.foundation");
    case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
      return _("Check the central server URL");
    case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
      return _("The Open mSupply Central Server needs to be upgraded to a newer version "
               "before you can connect - please contact support@msupply.foundation");
    case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
      return _("The records received could not be saved. Check that the disk is not full, "
               "then press Sync now.");
    case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
    default:
      return _("Press Sync now to try again. If it fails again, send the technical details "
               "to your support contact.");
    }
}

static char *
replace_secrets (const char         *text,
                 const char * const *secrets)
{
  GString *out = g_string_new (text != NULL ? text : "");

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    {
      if (secrets[i][0] != '\0')
        g_string_replace (out, secrets[i], REDACTED, 0);
    }

  return g_string_free (out, FALSE);
}

/**
 * oms_sync_error_new:
 * @variant: what to tell the user
 * @top: the outermost technical text, e.g. which call failed
 * @causes: (nullable) (array zero-terminated=1): its causes, outermost first
 * @secrets: (nullable) (array zero-terminated=1): strings that must not appear, see
 *   oms_protocol_redact()
 *
 * Returns: (transfer full): an OMS_SYNC_ERROR whose message is
 *   oms_protocol_format_error_chain() of @top and @causes
 */
GError *
oms_sync_error_new (OmsSyncErrorVariant  variant,
                    const char          *top,
                    const char * const  *causes,
                    const char * const  *secrets)
{
  g_autoptr(GPtrArray) scrubbed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *scrubbed_top = NULL;
  g_autofree char *message = NULL;

  /* Whole secrets first: oms_protocol_redact() would otherwise keep the `Basic ` of a leaked
   * Authorization value and only hide its token.
   */
  scrubbed_top = replace_secrets (top, secrets);
  for (guint i = 0; causes != NULL && causes[i] != NULL; i++)
    g_ptr_array_add (scrubbed, replace_secrets (causes[i], secrets));
  g_ptr_array_add (scrubbed, NULL);

  message = oms_protocol_format_error_chain (scrubbed_top,
                                             (const char * const *) scrubbed->pdata, secrets);
  return g_error_new_literal (OMS_SYNC_ERROR, (int) variant, message);
}

/**
 * oms_sync_error_new_for_protocol_error:
 * @variant: what to tell the user, usually from oms_sync_error_variant_from_protocol_error()
 * @protocol_error: the failure of the call, an OMS_PROTOCOL_ERROR
 * @http_status: the HTTP status of the answer, or 0
 * @v5_code: (nullable): the legacy `error.code` of the answer
 * @top: the outermost technical text, e.g. `"GET http://central:2048/sync/v5/site"`
 * @secrets: (nullable) (array zero-terminated=1): strings to hide
 *
 * Returns: (transfer full): an OMS_SYNC_ERROR with @protocol_error's message as its cause and
 *   its class, @http_status and @v5_code attached
 */
GError *
oms_sync_error_new_for_protocol_error (OmsSyncErrorVariant  variant,
                                       const GError        *protocol_error,
                                       guint                http_status,
                                       const char          *v5_code,
                                       const char          *top,
                                       const char * const  *secrets)
{
  const char *causes[2] = { NULL, NULL };
  OmsSyncErrorPrivate *priv;
  GError *error;

  g_return_val_if_fail (protocol_error != NULL, NULL);

  causes[0] = protocol_error->message;
  error = oms_sync_error_new (variant, top, causes, secrets);

  priv = oms_sync_error_get_private (error);
  if (protocol_error->domain == OMS_PROTOCOL_ERROR)
    {
      const OmsSyncErrorInfo *info = oms_protocol_error_get_info (protocol_error);

      priv->protocol_code = protocol_error->code;
      if (info != NULL)
        priv->info = oms_sync_error_info_copy (info);
    }
  priv->http_status = http_status;
  priv->v5_code = g_strdup (v5_code);

  /* A gateway or a server down for maintenance: nothing for the site to fix (issue 13). Only
   * when the answer named no error of its own (sync_is_running is a 503 too).
   */
  if (variant == OMS_SYNC_ERROR_VARIANT_UNKNOWN && v5_code == NULL &&
      (http_status == SOUP_STATUS_BAD_GATEWAY || http_status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
       http_status == SOUP_STATUS_GATEWAY_TIMEOUT))
    {
      if (priv->info == NULL)
        priv->info = oms_sync_error_info_new (OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE);
      priv->info->reason = OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE;
    }
  if (priv->info != NULL && priv->info->reason == OMS_SYNC_ERROR_REASON_NONE)
    g_clear_pointer (&priv->info, oms_sync_error_info_free);
  if (priv->info != NULL)
    priv->info->http_status = http_status;

  return error;
}

/**
 * oms_sync_error_get_variant:
 * @error: (nullable): an error
 *
 * Returns: the variant of an OMS_SYNC_ERROR, UNKNOWN for any other error
 */
OmsSyncErrorVariant
oms_sync_error_get_variant (const GError *error)
{
  if (error == NULL || error->domain != OMS_SYNC_ERROR)
    return OMS_SYNC_ERROR_VARIANT_UNKNOWN;

  return (OmsSyncErrorVariant) error->code;
}

/**
 * oms_sync_error_get_protocol_error:
 * @error: an OMS_SYNC_ERROR
 * @out_code: (out) (optional): how the call failed
 *
 * Lets a caller tell failures of the same variant apart, e.g. a timeout from an HTTP 503
 * (both UNKNOWN) when deciding whether to wait for initialisation (PROTOCOL.md §1).
 *
 * Returns: %TRUE if @error came from a failed protocol call
 */
gboolean
oms_sync_error_get_protocol_error (const GError     *error,
                                   OmsProtocolError *out_code)
{
  OmsSyncErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != OMS_SYNC_ERROR)
    return FALSE;

  priv = oms_sync_error_get_private (error);
  if (priv == NULL || priv->protocol_code < 0)
    return FALSE;

  if (out_code != NULL)
    *out_code = (OmsProtocolError) priv->protocol_code;

  return TRUE;
}

/**
 * oms_sync_error_get_http_status:
 * @error: an OMS_SYNC_ERROR
 *
 * Returns: the HTTP status of the failed call's answer, or 0 if there was none
 */
guint
oms_sync_error_get_http_status (const GError *error)
{
  OmsSyncErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != OMS_SYNC_ERROR || (priv = oms_sync_error_get_private (error)) == NULL)
    return 0;

  return priv->http_status;
}

/**
 * oms_sync_error_get_v5_code:
 * @error: an OMS_SYNC_ERROR
 *
 * Returns: (transfer none) (nullable): the legacy `error.code` of the failed call's answer
 */
const char *
oms_sync_error_get_v5_code (const GError *error)
{
  OmsSyncErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != OMS_SYNC_ERROR || (priv = oms_sync_error_get_private (error)) == NULL)
    return NULL;

  return priv->v5_code;
}

/*
 * Reasons beyond the variant
 */

static const char * const reason_names[] = {
  [OMS_SYNC_ERROR_REASON_NONE] = "none",
  [OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE] = "server-unavailable",
  [OMS_SYNC_ERROR_REASON_CONNECTION_LOST] = "connection-lost",
  [OMS_SYNC_ERROR_REASON_STOPPED_ANSWERING] = "stopped-answering",
  [OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED] = "certificate-untrusted",
  [OMS_SYNC_ERROR_REASON_TLS_FAILED] = "tls-failed",
  [OMS_SYNC_ERROR_REASON_HOST_NOT_FOUND] = "host-not-found",
};

/**
 * oms_sync_error_reason_to_string:
 *
 * Returns: (transfer none): the reason's stored name, e.g. `"server-unavailable"`
 */
const char *
oms_sync_error_reason_to_string (OmsSyncErrorReason reason)
{
  if ((guint) reason >= G_N_ELEMENTS (reason_names))
    return reason_names[OMS_SYNC_ERROR_REASON_NONE];

  return reason_names[reason];
}

OmsSyncErrorInfo *
oms_sync_error_info_new (OmsSyncErrorReason reason)
{
  OmsSyncErrorInfo *info = g_new0 (OmsSyncErrorInfo, 1);

  info->reason = reason;
  return info;
}

OmsSyncErrorInfo *
oms_sync_error_info_copy (const OmsSyncErrorInfo *info)
{
  OmsSyncErrorInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->host = g_strdup (info->host);
  copy->fingerprint = g_strdup (info->fingerprint);
  return copy;
}

void
oms_sync_error_info_free (OmsSyncErrorInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->host);
  g_free (info->fingerprint);
  g_free (info);
}

/**
 * oms_sync_error_info_to_json:
 *
 * Returns: (transfer full): @info as the JSON object stored in sync_log.error_info, e.g.
 *   `{"reason":"server-unavailable","httpStatus":503,"retryAfter":1796000000000000}`
 */
char *
oms_sync_error_info_to_json (const OmsSyncErrorInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, oms_sync_error_reason_to_string (info->reason));
  if (info->http_status > 0)
    {
      json_builder_set_member_name (builder, "httpStatus");
      json_builder_add_int_value (builder, info->http_status);
    }
  if (info->retry_after > 0)
    {
      json_builder_set_member_name (builder, "retryAfter");
      json_builder_add_int_value (builder, info->retry_after);
    }
  if (info->idle_seconds > 0)
    {
      json_builder_set_member_name (builder, "idleSeconds");
      json_builder_add_int_value (builder, info->idle_seconds);
    }
  if (info->host != NULL)
    {
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, info->host);
    }
  if (info->fingerprint != NULL)
    {
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, info->fingerprint);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * oms_sync_error_info_from_json:
 * @json: (nullable): what oms_sync_error_info_to_json() wrote
 *
 * Returns: (transfer full) (nullable): the info, or %NULL for %NULL, unreadable text or a
 *   reason this build does not know (the message then follows the variant)
 */
OmsSyncErrorInfo *
oms_sync_error_info_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(OmsSyncErrorInfo) info = NULL;
  JsonObject *object;
  const char *reason;

  if (json == NULL || *json == '\0')
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  object = json_node_get_object (json_parser_get_root (parser));
  reason = json_object_get_string_member_with_default (object, "reason", "none");
  for (guint i = 1; i < G_N_ELEMENTS (reason_names); i++)
    {
      if (g_str_equal (reason, reason_names[i]))
        {
          info = oms_sync_error_info_new (i);
          break;
        }
    }
  if (info == NULL)
    return NULL;

  info->http_status = (guint) CLAMP (json_object_get_int_member_with_default (object,
                                                                              "httpStatus", 0),
                                     0, 999);
  info->retry_after = MAX (0, json_object_get_int_member_with_default (object, "retryAfter",
                                                                       0));
  info->idle_seconds = (guint) CLAMP (json_object_get_int_member_with_default (object,
                                                                               "idleSeconds",
                                                                               0),
                                      0, G_MAXINT);
  info->host = g_strdup (json_object_get_string_member_with_default (object, "host", NULL));
  info->fingerprint = g_strdup (json_object_get_string_member_with_default (object,
                                                                            "fingerprint",
                                                                            NULL));
  return g_steal_pointer (&info);
}

/**
 * oms_protocol_error_set_info:
 * @error: an OMS_PROTOCOL_ERROR
 * @info: (nullable): why the call failed, copied
 */
void
oms_protocol_error_set_info (GError                 *error,
                             const OmsSyncErrorInfo *info)
{
  OmsProtocolErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == OMS_PROTOCOL_ERROR);

  priv = PRIVATE_OF (OmsProtocolErrorPrivate, error);
  g_clear_pointer (&priv->info, oms_sync_error_info_free);
  if (info != NULL)
    priv->info = oms_sync_error_info_copy (info);
}

/**
 * oms_protocol_error_get_info:
 *
 * Returns: (transfer none) (nullable): what oms_protocol_error_set_info() attached to an
 *   OMS_PROTOCOL_ERROR; %NULL for any other error
 */
const OmsSyncErrorInfo *
oms_protocol_error_get_info (const GError *error)
{
  if (error == NULL || error->domain != OMS_PROTOCOL_ERROR)
    return NULL;

  return PRIVATE_OF (OmsProtocolErrorPrivate, error)->info;
}

/**
 * oms_sync_error_get_info:
 *
 * Returns: (transfer none) (nullable): why an OMS_SYNC_ERROR happened, beyond its variant;
 *   %NULL when nothing more is known or for any other error
 */
const OmsSyncErrorInfo *
oms_sync_error_get_info (const GError *error)
{
  if (error == NULL || error->domain != OMS_SYNC_ERROR)
    return NULL;

  return oms_sync_error_get_private (error)->info;
}

static gboolean
has_prefix_ci (const char *p,
               const char *prefix)
{
  return g_ascii_strncasecmp (p, prefix, strlen (prefix)) == 0;
}

/* Separators between a key and its value: `Authorization: x`, `"password":"x"`, `password=x`. */
static gboolean
is_key_separator (char c)
{
  return c == ' ' || c == ':' || c == '=' || c == '"' || c == '\'' || c == '\t';
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=' || c == '.' || c == '_' ||
         c == '-';
}

static gboolean
ends_value (char c)
{
  return c == '\0' || c == '"' || c == '\'' || c == '\r' || c == '\n' || c == ',' || c == ';' ||
         c == '&' || c == '}' || c == ']';
}

/* Copies the separators after a key; returns the value's start if they hold ':' or '='. */
static const char *
copy_key_separators (GString    *out,
                     const char *p)
{
  gboolean assigned = FALSE;

  while (*p != '\0' && is_key_separator (*p))
    {
      if (*p == ':' || *p == '=')
        assigned = TRUE;
      g_string_append_c (out, *p);
      p++;
    }

  return assigned ? p : NULL;
}

/* Replaces a value up to its end (a quote, a line end or a list separator). */
static const char *
skip_value (GString    *out,
            const char *p)
{
  if (ends_value (*p))
    return p;

  /* Already hidden, e.g. text that went through here before. */
  if (g_str_has_prefix (p, REDACTED))
    {
      g_string_append (out, REDACTED);
      return p + strlen (REDACTED);
    }

  while (!ends_value (*p))
    p++;

  g_string_append (out, REDACTED);
  return p;
}

/* `scheme://user:password@host`: keeps the user, drops the password. */
static const char *
redact_userinfo (GString    *out,
                 const char *p)
{
  const char *end = p;
  const char *at = NULL;
  const char *colon = NULL;

  while (*end != '\0' && strchr ("/?#\"'<> \t\r\n", *end) == NULL)
    {
      if (*end == '@')
        at = end;
      end++;
    }

  if (at == NULL)
    return p;

  for (const char *c = p; c < at; c++)
    {
      if (*c == ':')
        {
          colon = c;
          break;
        }
    }

  if (colon == NULL)
    return p;

  g_string_append_len (out, p, colon - p);
  g_string_append (out, ":" REDACTED "@");
  return at + 1;
}

/**
 * oms_protocol_redact:
 * @text: technical text about a failed call (a message, a response body, a URL)
 * @secrets: (nullable) (array zero-terminated=1): exact strings that must not appear, such
 *   as the password hash
 *
 * Hides credentials so @text can be logged and stored: every @secrets string, the value of an
 * `Authorization` header, `Basic`/`Bearer` tokens, values of keys containing `password`
 * (`passwordSha256`, `password_sha256=`) and the password of a URL's user info.
 *
 * Returns: (transfer full): the redacted text
 */
char *
oms_protocol_redact (const char         *text,
                     const char * const *secrets)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  p = text;

  while (*p != '\0')
    {
      if (has_prefix_ci (p, "authorization"))
        {
          const char *value;

          g_string_append_len (out, p, strlen ("authorization"));
          p += strlen ("authorization");
          value = copy_key_separators (out, p);
          if (value != NULL)
            {
              p = skip_value (out, value);
            }
          else
            {
              while (*p != '\0' && is_key_separator (*p))
                p++;
            }
          continue;
        }

      if (has_prefix_ci (p, "basic ") || has_prefix_ci (p, "bearer "))
        {
          gsize word = has_prefix_ci (p, "basic ") ? strlen ("basic ") : strlen ("bearer ");
          const char *token = p + word;
          const char *end = token;

          while (is_token_char (*end))
            end++;

          g_string_append_len (out, p, word);
          p = token;
          if (end - token >= 8)
            {
              g_string_append (out, REDACTED);
              p = end;
            }
          continue;
        }

      if (has_prefix_ci (p, "password"))
        {
          const char *value;

          g_string_append_len (out, p, strlen ("password"));
          p += strlen ("password");
          while (g_ascii_isalnum (*p) || *p == '_')
            g_string_append_c (out, *p++);

          value = copy_key_separators (out, p);
          if (value != NULL)
            {
              p = skip_value (out, value);
            }
          else
            {
              while (*p != '\0' && is_key_separator (*p))
                p++;
            }
          continue;
        }

      if (g_str_has_prefix (p, "://"))
        {
          g_string_append (out, "://");
          p = redact_userinfo (out, p + 3);
          continue;
        }

      g_string_append_c (out, *p);
      p++;
    }

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    {
      if (secrets[i][0] != '\0')
        g_string_replace (out, secrets[i], REDACTED, 0);
    }

  return g_string_free (out, FALSE);
}

/**
 * oms_protocol_format_error_chain:
 * @top: the outermost error's text
 * @causes: (nullable) (array zero-terminated=1): the texts of its causes, outermost first
 * @secrets: (nullable) (array zero-terminated=1): strings to hide, see oms_protocol_redact()
 *
 * Formats an error chain for `sync_log.error_message`, the technical detail people see under
 * "Technical details": `top` alone, or `top` and each cause on a line of its own below it.
 * Open mSupply's `format_error` writes `top -> [ "cause", ]` (Rust's debug quoting), which
 * reads as a program dump (issue 13). Every part is redacted first.
 *
 * Returns: (transfer full): the technical detail of a failed run
 */
char *
oms_protocol_format_error_chain (const char         *top,
                                 const char * const *causes,
                                 const char * const *secrets)
{
  g_autofree char *valid_top = g_utf8_make_valid (top != NULL ? top : "", -1);
  g_autofree char *safe_top = oms_protocol_redact (valid_top, secrets);
  GString *out;

  if (causes == NULL || causes[0] == NULL)
    return g_steal_pointer (&safe_top);

  out = g_string_new (safe_top);

  for (guint i = 0; causes[i] != NULL; i++)
    {
      g_autofree char *safe = NULL;
      g_autofree char *valid = NULL;

      valid = g_utf8_make_valid (causes[i], -1);
      safe = oms_protocol_redact (valid, secrets);
      g_strstrip (safe);
      if (*safe == '\0')
        continue;
      g_string_append (out, "\n");
      g_string_append (out, safe);
    }

  return g_string_free (out, FALSE);
}
