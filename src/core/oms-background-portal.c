/* oms-background-portal.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-background-portal"

#include "config.h"


#include "oms-background-portal.h"

/* Before it keeps running with no window, omsync asks the desktop's Background portal
 * (org.freedesktop.portal.Background.RequestBackground) whether it may, as GNOME asks of every
 * application that does; a sandboxed omsync also gets its "start at login" through it. Where
 * no portal answers (a desktop without one, a plain X session, a test bus) there is nobody to
 * ask and running on is allowed. The answer arrives as a Response signal on a request object
 * whose path the caller can compute from its own token, so the subscription is made first.
 */

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND  "org.freedesktop.portal.Background"
#define PORTAL_REQUEST     "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *connection;
  guint            response_id;   /* 0 once answered */
  gboolean         autostart;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  g_clear_object (&request->connection);
  g_free (request);
}

/**
 * oms_background_portal_is_sandboxed:
 *
 * Returns: whether omsync runs in a Flatpak sandbox, where only the portal can make it start
 *   at login
 */
gboolean
oms_background_portal_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean background = FALSE;

  /* Answer once, whatever arrives later. */
  g_dbus_connection_signal_unsubscribe (connection, request->response_id);
  request->response_id = 0;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  if (response == 0)
    {
      g_variant_lookup (results, "background", "b", &background);
      g_variant_lookup (results, "autostart", "b", &request->autostart);
    }

  g_debug ("The Background portal answered %u: background %s", response,
           background ? "granted" : "denied");
  g_task_return_int (task, background ? OMS_BACKGROUND_PERMISSION_GRANTED
                                      : OMS_BACKGROUND_PERMISSION_DENIED);
}

static gboolean
is_no_portal_error (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT);
}

static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL || request->response_id == 0)
    return;  /* The answer comes, or came, as the Response signal. */

  /* No Response will come: the subscription's reference to the task goes with it. */
  g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  request->response_id = 0;

  if (is_no_portal_error (error))
    {
      g_debug ("No Background portal: %s", error->message);
      g_task_return_int (task, OMS_BACKGROUND_PERMISSION_NO_PORTAL);
      return;
    }

  g_dbus_error_strip_remote_error (error);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * oms_background_portal_request_async:
 * @connection: (nullable): the session bus, or %NULL to get it
 * @reason: why omsync asks, shown by the desktop
 * @autostart: whether to ask to be started at login too
 * @commandline: (nullable): the command the desktop starts at login
 *
 * Asks the Background portal whether omsync may run with no window.
 */
void
oms_background_portal_request_async (GDBusConnection     *connection,
                                     const char          *reason,
                                     gboolean             autostart,
                                     const char * const  *commandline,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;
  Request *request;

  g_return_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (reason != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_background_portal_request_async);
  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, request_free);

  request->connection = connection != NULL ? g_object_ref (connection)
                                           : g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (request->connection == NULL)
    {
      g_debug ("No session bus, so no Background portal: %s", error->message);
      g_task_return_int (task, OMS_BACKGROUND_PERMISSION_NO_PORTAL);
      return;
    }

  /* The request's path: the caller's unique name without its colon, dots made underscores. */
  token = g_strdup_printf ("omsync%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (request->connection) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->connection, NULL, PORTAL_REQUEST, "Response",
                                        handle, NULL, G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                        response_cb, g_object_ref (task), g_object_unref);
  /* NO_MATCH_RULE: the signal is sent to us alone, so no match rule is needed on the bus. */

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  if (commandline != NULL)
    g_variant_builder_add (&options, "{sv}", "commandline",
                           g_variant_new_strv (commandline, -1));

  g_dbus_connection_call (request->connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          PORTAL_BACKGROUND, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, request_background_cb,
                          g_steal_pointer (&task));
}

/**
 * oms_background_portal_request_finish:
 * @autostart: (out) (optional): whether the portal will start omsync at login
 *
 * Returns: the answer, or %OMS_BACKGROUND_PERMISSION_UNKNOWN with @error set
 */
OmsBackgroundPermission
oms_background_portal_request_finish (GAsyncResult  *result,
                                      gboolean      *autostart,
                                      GError       **error)
{
  GTask *task = G_TASK (result);
  Request *request = g_task_get_task_data (task);
  gssize permission;

  g_return_val_if_fail (g_task_is_valid (result, NULL), OMS_BACKGROUND_PERMISSION_UNKNOWN);

  permission = g_task_propagate_int (task, error);
  if (permission < 0)
    return OMS_BACKGROUND_PERMISSION_UNKNOWN;

  if (autostart != NULL)
    *autostart = request->autostart;

  return (OmsBackgroundPermission) permission;
}
