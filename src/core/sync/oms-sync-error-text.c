/* oms-sync-error-text.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-error-text"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-sync-error-text.h"

/* What a person reads of a failed sync: a message saying what happened and a hint saying what
 * to do next (issue 13). The variant stays Open mSupply's (stored, and in `status --json`);
 * the common faults of a bad line or a server that is down have words of their own, from the
 * reason the run stored with its error (OmsSyncErrorInfo). Anything else reads as the
 * variant's message and hint.
 */

/* "14:05", or "8 Dec 14:05" when not today: when the server asked to be tried again. */
static char *
format_retry_time (gint64 when,
                   gint64 now)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (when / G_USEC_PER_SEC);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);

  if (at == NULL || today == NULL)
    return g_strdup ("?");

  if (g_date_time_get_year (at) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (at) == g_date_time_get_day_of_year (today))
    /* Translators: a time of day, as g_date_time_format() writes it */
    return g_date_time_format (at, _("%H:%M"));

  /* Translators: a day and a time, as g_date_time_format() writes it */
  return g_date_time_format (at, _("%e %b %H:%M"));
}

static char *
server_unavailable_hint (const OmsSyncErrorInfo *info,
                         gint64                  now)
{
  if (info->retry_after > now)
    {
      g_autofree char *at = format_retry_time (info->retry_after, now);
      gint64 minutes = (info->retry_after - now + 59 * G_USEC_PER_SEC) / (60 * G_USEC_PER_SEC);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           /* Translators: %s is a time such as “14:05”; %d a
                                            * number of minutes from now. The server sent HTTP
                                            * Retry-After. */
                                           "The server asked to be tried again after %s "
                                           "(in %d minute). Nothing needs changing here: "
                                           "sync then, or let the next scheduled sync do "
                                           "it.",
                                           "The server asked to be tried again after %s "
                                           "(in %d minutes). Nothing needs changing here: "
                                           "sync then, or let the next scheduled sync do "
                                           "it.",
                                           (gulong) minutes),
                              at, (int) minutes);
    }

  if (info->retry_after > 0)
    return g_strdup (_("The time the server asked to wait for has passed: sync again."));

  /* Translators: %u is an HTTP status such as 503 */
  return g_strdup_printf (_("It answered HTTP %u: it may be down for maintenance or "
                            "overloaded. Nothing needs changing here: wait a few minutes, "
                            "then sync again. If it lasts, tell your mSupply "
                            "administrator."),
                          info->http_status > 0 ? info->http_status : 503);
}

/**
 * oms_sync_error_describe:
 * @variant: Open mSupply's variant of the error
 * @info: (nullable): omsync's reason, when known
 * @step: the #OmsSyncStep the run failed in, or -1
 * @unknown_message: (nullable): the message for an UNKNOWN error without a reason, in place
 *   of "Unknown sync error" (e.g. "Unable to initialise")
 * @now: the time now, UTC µs (a Retry-After is told relative to it)
 * @out_message: (out) (transfer full): what went wrong
 * @out_hint: (out) (transfer full) (optional) (nullable): what to do next
 */
void
oms_sync_error_describe (OmsSyncErrorVariant     variant,
                         const OmsSyncErrorInfo *info,
                         int                     step,
                         const char             *unknown_message,
                         gint64                  now,
                         char                  **out_message,
                         char                  **out_hint)
{
  OmsSyncErrorReason reason = info != NULL ? info->reason : OMS_SYNC_ERROR_REASON_NONE;
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;

  g_return_if_fail (out_message != NULL);

  switch (reason)
    {
    case OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE:
      message = g_strdup (_("The central server is unavailable"));
      hint = server_unavailable_hint (info, now);
      break;

    case OMS_SYNC_ERROR_REASON_CONNECTION_LOST:
      if (step >= 0 && step < OMS_SYNC_N_STEPS)
        /* Translators: %s is a step of the sync, such as "Pull central" */
        message = g_strdup_printf (_("The connection was lost during “%s”"),
                                   oms_sync_step_get_label (step));
      else
        message = g_strdup (_("The connection to the server was lost"));
      hint = g_strdup (_("Check this computer’s network connection, then sync again: the "
                         "sync goes on from where it stopped, nothing received is lost."));
      break;

    case OMS_SYNC_ERROR_REASON_STOPPED_ANSWERING:
      message = g_strdup (_("The server stopped answering"));
      if (info->idle_seconds > 0)
        /* Translators: %u is a number of seconds */
        hint = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             /* Translators: %u is a number of seconds. */
                                             "It took the request, then sent nothing for %u "
                                             "second. Check the network and sync again; "
                                             "on a very slow line, raise the idle timeout "
                                             "(omsync-cli configure --idle-timeout).",
                                             "It took the request, then sent nothing for %u "
                                             "seconds. Check the network and sync again; "
                                             "on a very slow line, raise the idle timeout "
                                             "(omsync-cli configure --idle-timeout).",
                                             info->idle_seconds),
                                info->idle_seconds);
      else
        hint = g_strdup (_("It took the request, then sent nothing. Check the network and "
                           "sync again."));
      break;

    case OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED:
      message = g_strdup (_("The server’s certificate is not trusted"));
      if (info->fingerprint != NULL)
        /* Translators: %s is a SHA-256 fingerprint, "AB:CD:…" */
        hint = g_strdup_printf (_("Its SHA-256 fingerprint is %s. Ask your mSupply "
                                  "administrator whether that is their server’s certificate: "
                                  "if it is, this computer needs the authority that signed it "
                                  "installed; if not, the connection may be intercepted, so "
                                  "do not sync."), info->fingerprint);
      else
        hint = g_strdup (_("Ask your mSupply administrator which certificate their server "
                           "uses: this computer does not trust the one it was shown."));
      break;

    case OMS_SYNC_ERROR_REASON_TLS_FAILED:
      message = g_strdup (_("A secure connection to the server could not be made"));
      hint = g_strdup (_("Check that the central server URL is right (https:// or http://) "
                         "and that the computer’s date and time are correct, then sync "
                         "again."));
      break;

    case OMS_SYNC_ERROR_REASON_HOST_NOT_FOUND:
      message = g_strdup (_("The server name was not found"));
      if (info->host != NULL)
        /* Translators: %s is a server name such as central.example.org */
        hint = g_strdup_printf (_("No server called “%s” could be found. Check the central "
                                  "server URL for typing "
                                  "mistakes, and that this computer is connected to the "
                                  "network."), info->host);
      else
        hint = g_strdup (_("Check the central server URL for "
                           "typing mistakes, and that this computer is connected to the "
                           "network."));
      break;

    case OMS_SYNC_ERROR_REASON_NONE:
    default:
      if (variant == OMS_SYNC_ERROR_VARIANT_UNKNOWN && unknown_message != NULL)
        message = g_strdup (unknown_message);
      else
        message = g_strdup (oms_sync_error_variant_get_message (variant));
      hint = g_strdup (oms_sync_error_variant_get_hint (variant));
      break;
    }

  *out_message = g_steal_pointer (&message);
  if (out_hint != NULL)
    *out_hint = g_steal_pointer (&hint);
}

/**
 * oms_sync_error_describe_error:
 * @error: an error, usually an OMS_SYNC_ERROR
 * @step: the #OmsSyncStep it happened in, or -1
 *
 * As oms_sync_error_describe(), for an error in hand (a settings check, `omsync-cli sync`).
 * Another domain's error reads as its own message, with no hint.
 */
void
oms_sync_error_describe_error (const GError  *error,
                               int            step,
                               const char    *unknown_message,
                               char         **out_message,
                               char         **out_hint)
{
  g_return_if_fail (error != NULL);
  g_return_if_fail (out_message != NULL);

  if (error->domain != OMS_SYNC_ERROR)
    {
      *out_message = g_strdup (error->message);
      if (out_hint != NULL)
        *out_hint = NULL;
      return;
    }

  oms_sync_error_describe (oms_sync_error_get_variant (error), oms_sync_error_get_info (error),
                           step, unknown_message, g_get_real_time (), out_message, out_hint);
}

/**
 * oms_sync_run_describe_error:
 * @run: a run that failed
 *
 * As oms_sync_error_describe(), for a run read from sync_log (or the engine's live one).
 */
void
oms_sync_run_describe_error (const OmsSyncRun  *run,
                             const char        *unknown_message,
                             char             **out_message,
                             char             **out_hint)
{
  g_autoptr(OmsSyncErrorInfo) info = NULL;

  g_return_if_fail (run != NULL);

  info = oms_sync_error_info_from_json (run->error_info);
  oms_sync_error_describe (oms_sync_error_variant_from_error_code (run->error_code), info,
                           oms_sync_run_get_open_step (run), unknown_message,
                           g_get_real_time (), out_message, out_hint);
}

/**
 * oms_sync_run_error_is_transient:
 * @run: (nullable): a run
 *
 * Whether @run failed the way a bad line or a server down for a while makes it fail: the
 * connection was refused, lost or silent, or the server said it was unavailable. Nothing at
 * the site needs fixing, so views show it as a connection problem, not as an alarm.
 */
gboolean
oms_sync_run_error_is_transient (const OmsSyncRun *run)
{
  g_autoptr(OmsSyncErrorInfo) info = NULL;

  if (run == NULL || (run->error_message == NULL && run->error_code == NULL))
    return FALSE;

  if (oms_sync_error_variant_from_error_code (run->error_code) ==
      OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR)
    return TRUE;

  info = oms_sync_error_info_from_json (run->error_info);
  return info != NULL && (info->reason == OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE ||
                          info->reason == OMS_SYNC_ERROR_REASON_CONNECTION_LOST ||
                          info->reason == OMS_SYNC_ERROR_REASON_STOPPED_ANSWERING);
}
