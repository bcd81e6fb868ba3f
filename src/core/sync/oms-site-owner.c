/* oms-site-owner.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-site-owner"

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "oms-site-owner.h"

/* One data directory, one owner. The window and `omsync-cli serve` may both be started on a
 * site; only one of them may run its scheduler, file synchroniser and cold chain server, or
 * two servers would fight for the port and two schedulers for the sync lock. The owner is the
 * process that holds a well-known name on the session bus derived from the data directory's
 * canonical path. Every other process queues for the name (the bus hands it to the next in
 * the queue when the owner releases it or dies, so a take-over needs no polling) and, until
 * then, views: it reads the store as the owner writes it, follows the owner's runs through a
 * small interface (a Syncing property and a Changed signal), and forwards "Sync now" to the
 * owner's Sync method.
 *
 * Without a session bus (ssh, CI) every process owns its site as before this existed; the
 * store's sync lock still keeps two runs apart.
 */

/* How often at most a viewer is told that the store changed: a pull writes in bursts. */
#define CHANGED_DELAY_MS 300

#define DBUS_NAME_FLAG_NONE              0
#define DBUS_REQUEST_NAME_PRIMARY_OWNER  1
#define DBUS_REQUEST_NAME_ALREADY_OWNER  4

static const char site_introspection[] =
  "<node>"
  "  <interface name='" OMS_SITE_INTERFACE "'>"
  "    <method name='Sync'>"
  "      <arg type='b' name='wait' direction='in'/>"
  "      <arg type='b' name='success' direction='out'/>"
  "    </method>"
  "    <method name='Activate'/>"
  "    <property name='Program' type='s' access='read'/>"
  "    <property name='Pid' type='u' access='read'/>"
  "    <property name='Syncing' type='b' access='read'/>"
  "    <signal name='Changed'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusMethodInvocation *invocation;
  int                    runs_left;   /* the runs to wait for before answering */
} WaitingSync;

struct _OmsSiteOwner
{
  GObject          parent_instance;

  /* Owned references */
  GDBusConnection *connection;
  GDBusProxy      *proxy;             /* the owner's object, while this process views */
  GCancellable    *proxy_cancellable;
  OmsSyncEngine   *engine;
  OmsScheduler    *scheduler;
  GPtrArray       *waiting;           /* WaitingSync: Sync calls that wait for a run */

  /* State */
  char            *data_dir;
  char            *program;
  char            *bus_name;
  guint            registration_id;
  guint            acquired_id;
  guint            lost_id;
  guint            changed_source;
  gulong           engine_syncing_id;
  gulong           engine_changed_id;
  gulong           engine_finished_id;
  gulong           store_changed_id;
  gboolean         is_owner;
  gboolean         has_bus;
  gboolean         started;
};

G_DEFINE_FINAL_TYPE (OmsSiteOwner, oms_site_owner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_OWNER,
  PROP_HAS_BUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
waiting_sync_free (gpointer data)
{
  WaitingSync *waiting = data;

  /* Not answered: the owner is going away. */
  if (waiting->invocation != NULL)
    g_dbus_method_invocation_return_error_literal (waiting->invocation, G_IO_ERROR,
                                                   G_IO_ERROR_CLOSED,
                                                   _("The program that syncs this site "
                                                     "stopped before the sync finished."));
  g_free (waiting);
}

/**
 * oms_site_bus_name_for_data_dir:
 * @data_dir: a data directory
 *
 * The session bus name of the process that owns @data_dir: one per canonical path, so two
 * spellings of one directory (a symbolic link, a trailing slash) have one owner.
 *
 * Returns: (transfer full): a well-known bus name
 */
char *
oms_site_bus_name_for_data_dir (const char *data_dir)
{
  g_autofree char *absolute = NULL;
  g_autofree char *real = NULL;
  g_autofree char *digest = NULL;
  const char *path;

  g_return_val_if_fail (data_dir != NULL, NULL);

  absolute = g_canonicalize_filename (data_dir, NULL);
  real = realpath (absolute, NULL);
  path = real != NULL ? real : absolute;
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  /* An element of a bus name must not start with a digit, and 128 bits are plenty. */
  digest[32] = '\0';

  return g_strconcat ("io.github.omsync.OmSync.Site.d", digest, NULL);
}

/*
 * Owning: publishing the engine's state
 */

static void
emit_property_changed (OmsSiteOwner *self,
                       const char   *name,
                       GVariant     *value)
{
  g_autoptr(GVariantBuilder) changed = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));

  g_variant_builder_add (changed, "{sv}", name, value);
  g_dbus_connection_emit_signal (self->connection, NULL, OMS_SITE_OBJECT_PATH,
                                 "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                 g_variant_new ("(sa{sv}as)", OMS_SITE_INTERFACE, changed,
                                                NULL),
                                 NULL);
}

static gboolean
changed_timeout_cb (gpointer user_data)
{
  OmsSiteOwner *self = user_data;

  self->changed_source = 0;
  if (self->is_owner && self->connection != NULL)
    g_dbus_connection_emit_signal (self->connection, NULL, OMS_SITE_OBJECT_PATH,
                                   OMS_SITE_INTERFACE, "Changed", NULL, NULL);

  return G_SOURCE_REMOVE;
}

static void
queue_changed (OmsSiteOwner *self)
{
  if (!self->is_owner || self->connection == NULL || self->changed_source != 0)
    return;

  self->changed_source = g_timeout_add (CHANGED_DELAY_MS, changed_timeout_cb, self);
}

static void
engine_is_syncing_cb (OmsSiteOwner *self)
{
  if (!self->is_owner || self->connection == NULL)
    return;

  emit_property_changed (self, "Syncing",
                         g_variant_new_boolean (oms_sync_engine_get_is_syncing (self->engine)));
  queue_changed (self);
}

/* Answers the Sync calls that waited for this run. */
static void
engine_run_finished_cb (OmsSiteOwner *self,
                        gboolean      success)
{
  for (guint i = self->waiting->len; i > 0; i--)
    {
      WaitingSync *waiting = g_ptr_array_index (self->waiting, i - 1);

      if (--waiting->runs_left > 0)
        continue;

      g_dbus_method_invocation_return_value (g_steal_pointer (&waiting->invocation),
                                             g_variant_new ("(b)", success));
      g_ptr_array_remove_index (self->waiting, i - 1);
    }
}

static void
handle_sync (OmsSiteOwner          *self,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation)
{
  gboolean wait = FALSE;
  gboolean busy;
  WaitingSync *waiting;

  g_variant_get (parameters, "(b)", &wait);

  if (!self->is_owner || self->scheduler == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_IO_ERROR,
                                                     G_IO_ERROR_NOT_SUPPORTED,
                                                     _("This program does not sync this site."));
      return;
    }

  /* The caller may have just configured the site: read the settings as they are now. */
  if (!oms_sync_engine_get_is_syncing (self->engine))
    oms_sync_engine_refresh (self->engine);

  if (oms_sync_engine_get_mode (self->engine) == OMS_SYNC_MODE_UNCONFIGURED)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_IO_ERROR,
                                                     G_IO_ERROR_NOT_INITIALIZED,
                                                     _("This site is not configured yet."));
      return;
    }

  /* "Sync now" runs at once, or once more after the run that is going. */
  busy = oms_sync_engine_get_is_syncing (self->engine);
  oms_scheduler_trigger (self->scheduler);
  g_debug ("Sync asked for over the bus by %s", g_dbus_method_invocation_get_sender (invocation));

  if (!wait)
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", TRUE));
      return;
    }

  waiting = g_new0 (WaitingSync, 1);
  waiting->invocation = invocation;
  waiting->runs_left = busy ? 2 : 1;
  g_ptr_array_add (self->waiting, waiting);
}

static void
site_method_call_cb (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  OmsSiteOwner *self = user_data;
  gboolean handled = FALSE;

  if (g_strcmp0 (method_name, "Sync") == 0)
    {
      handle_sync (self, parameters, invocation);
      return;
    }

  /* Activate: a second `omsync` asks the window's process to show its window. */
  if (self->is_owner)
    g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0, &handled);

  if (handled)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_error_literal (invocation, G_IO_ERROR,
                                                   G_IO_ERROR_NOT_SUPPORTED,
                                                   _("This program has no window."));
}

static GVariant *
site_get_property_cb (GDBusConnection  *connection,
                      const char       *sender,
                      const char       *object_path,
                      const char       *interface_name,
                      const char       *property_name,
                      GError          **error,
                      gpointer          user_data)
{
  OmsSiteOwner *self = user_data;

  if (g_strcmp0 (property_name, "Program") == 0)
    return g_variant_new_string (self->program);
  if (g_strcmp0 (property_name, "Pid") == 0)
    return g_variant_new_uint32 ((guint32) getpid ());

  return g_variant_new_boolean (self->is_owner && self->engine != NULL &&
                                oms_sync_engine_get_is_syncing (self->engine));
}

static const GDBusInterfaceVTable site_vtable = {
  site_method_call_cb,
  site_get_property_cb,
  NULL,
  { NULL },
};

/*
 * Viewing: following the owner's state
 */

static void
apply_remote_syncing (OmsSiteOwner *self)
{
  g_autoptr(GVariant) syncing = NULL;
  g_autofree char *name_owner = NULL;

  if (self->engine == NULL)
    return;

  if (self->proxy != NULL)
    {
      name_owner = g_dbus_proxy_get_name_owner (self->proxy);
      syncing = g_dbus_proxy_get_cached_property (self->proxy, "Syncing");
    }

  oms_sync_engine_set_remote_syncing (self->engine,
                                      name_owner != NULL && syncing != NULL &&
                                      g_variant_get_boolean (syncing));
}

static void
proxy_signal_cb (GDBusProxy   *proxy,
                 const char   *sender_name,
                 const char   *signal_name,
                 GVariant     *parameters,
                 OmsSiteOwner *self)
{
  if (g_strcmp0 (signal_name, "Changed") != 0 || self->engine == NULL)
    return;

  /* What the owner wrote is in the store: read it as if this process had written it. */
  oms_sync_engine_refresh (self->engine);
  oms_store_emit_changed (oms_sync_engine_get_store (self->engine));
}

static void
proxy_properties_changed_cb (OmsSiteOwner *self)
{
  apply_remote_syncing (self);
}

static void
view_owner_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OmsSiteOwner) self = user_data;
  g_autoptr(GDBusProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;

  proxy = g_dbus_proxy_new_finish (result, &error);
  if (proxy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot follow the owner of %s: %s", self->data_dir, error->message);
      return;
    }

  if (self->is_owner || self->connection == NULL)
    return;

  g_clear_object (&self->proxy);
  self->proxy = g_steal_pointer (&proxy);
  g_signal_connect_object (self->proxy, "g-signal", G_CALLBACK (proxy_signal_cb), self, 0);
  g_signal_connect_object (self->proxy, "g-properties-changed",
                           G_CALLBACK (proxy_properties_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->proxy, "notify::g-name-owner",
                           G_CALLBACK (proxy_properties_changed_cb), self, G_CONNECT_SWAPPED);
  apply_remote_syncing (self);
}

/* Follows the owner without waiting for it: a busy owner must not hold this one's start. */
static void
view_owner (OmsSiteOwner *self)
{
  g_cancellable_cancel (self->proxy_cancellable);
  g_clear_object (&self->proxy_cancellable);
  g_clear_object (&self->proxy);

  self->proxy_cancellable = g_cancellable_new ();
  g_dbus_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                    self->bus_name, OMS_SITE_OBJECT_PATH, OMS_SITE_INTERFACE,
                    self->proxy_cancellable, view_owner_cb, g_object_ref (self));
}

static void
set_is_owner (OmsSiteOwner *self,
              gboolean      is_owner)
{
  if (self->is_owner == is_owner && (is_owner || self->proxy_cancellable != NULL))
    return;

  g_debug ("%s %s", is_owner ? "Owning" : "Viewing", self->data_dir);

  if (is_owner)
    {
      g_cancellable_cancel (self->proxy_cancellable);
      g_clear_object (&self->proxy_cancellable);
      g_clear_object (&self->proxy);
      if (self->engine != NULL)
        {
          oms_sync_engine_set_remote_syncing (self->engine, FALSE);
          /* The previous owner's last writes, before this process starts its own. */
          oms_sync_engine_refresh (self->engine);
        }
    }
  else
    view_owner (self);

  if (self->is_owner != is_owner)
    {
      self->is_owner = is_owner;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_OWNER]);
    }
}

static void
name_signal_cb (GDBusConnection *connection,
                const char      *sender_name,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  OmsSiteOwner *self = user_data;

  set_is_owner (self, g_strcmp0 (signal_name, "NameAcquired") == 0);
}

static void
set_has_bus (OmsSiteOwner *self,
             gboolean      has_bus)
{
  if (self->has_bus == has_bus)
    return;

  self->has_bus = has_bus;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_BUS]);
}

/* Without a bus this process owns its site, as every process did before: the sync lock is
 * what keeps runs apart then.
 */
static void
own_without_bus (OmsSiteOwner *self,
                 const GError *error)
{
  g_debug ("No session bus for %s (%s): this process serves it on its own",
           self->data_dir, error->message);
  g_clear_object (&self->connection);
  set_has_bus (self, FALSE);
  set_is_owner (self, TRUE);
}

/*
 * GObject
 */

static void
oms_site_owner_dispose (GObject *object)
{
  OmsSiteOwner *self = OMS_SITE_OWNER (object);

  oms_site_owner_stop (self);
  oms_site_owner_set_engine (self, NULL);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (oms_site_owner_parent_class)->dispose (object);
}

static void
oms_site_owner_finalize (GObject *object)
{
  OmsSiteOwner *self = OMS_SITE_OWNER (object);

  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->program, g_free);
  g_clear_pointer (&self->bus_name, g_free);

  G_OBJECT_CLASS (oms_site_owner_parent_class)->finalize (object);
}

static void
oms_site_owner_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  OmsSiteOwner *self = OMS_SITE_OWNER (object);

  switch (prop_id)
    {
    case PROP_IS_OWNER:
      g_value_set_boolean (value, self->is_owner);
      break;

    case PROP_HAS_BUS:
      g_value_set_boolean (value, self->has_bus);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_site_owner_class_init (OmsSiteOwnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_site_owner_dispose;
  object_class->finalize = oms_site_owner_finalize;
  object_class->get_property = oms_site_owner_get_property;

  /**
   * OmsSiteOwner:is-owner:
   *
   * Whether this process runs the site's services; %FALSE while another one does.
   */
  properties[PROP_IS_OWNER] =
    g_param_spec_boolean ("is-owner", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsSiteOwner:has-bus:
   *
   * Whether ownership is settled on the session bus; without one, every process owns its
   * site and only the sync lock keeps runs apart.
   */
  properties[PROP_HAS_BUS] =
    g_param_spec_boolean ("has-bus", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsSiteOwner::activate:
   *
   * Another process asked the owner to show its window. A handler that does returns %TRUE.
   */
  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 0);
}

static void
oms_site_owner_init (OmsSiteOwner *self)
{
  self->waiting = g_ptr_array_new_with_free_func (waiting_sync_free);
}

/**
 * oms_site_owner_new:
 * @data_dir: the data directory this process opened
 * @program: how other processes name this one, e.g. "omsync-cli serve"
 *
 * Returns: (transfer full): a site owner, not started
 */
OmsSiteOwner *
oms_site_owner_new (const char *data_dir,
                    const char *program)
{
  OmsSiteOwner *self;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (program != NULL, NULL);

  self = g_object_new (OMS_TYPE_SITE_OWNER, NULL);
  self->data_dir = g_strdup (data_dir);
  self->program = g_strdup (program);
  self->bus_name = oms_site_bus_name_for_data_dir (data_dir);

  return self;
}

/**
 * oms_site_owner_start:
 * @self: an #OmsSiteOwner
 * @connection: (nullable): the bus to use, or %NULL for the session bus
 *
 * Asks for the site's name and queues for it when another process holds it. When this
 * returns, #OmsSiteOwner:is-owner says whether this process owns the site; it changes later
 * when the owner goes away.
 */
void
oms_site_owner_start (OmsSiteOwner    *self,
                      GDBusConnection *connection)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;

  g_return_if_fail (OMS_IS_SITE_OWNER (self));
  g_return_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection));

  if (self->started)
    return;
  self->started = TRUE;

  if (connection != NULL)
    self->connection = g_object_ref (connection);
  else
    self->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  if (self->connection == NULL)
    {
      own_without_bus (self, error);
      return;
    }

  info = g_dbus_node_info_new_for_xml (site_introspection, &error);
  g_assert_no_error (error);
  self->registration_id =
    g_dbus_connection_register_object (self->connection, OMS_SITE_OBJECT_PATH,
                                       info->interfaces[0], &site_vtable, self, NULL, &error);
  if (self->registration_id == 0)
    {
      own_without_bus (self, error);
      return;
    }

  /* Subscribed before asking, so no hand-over can fall between the two. */
  self->acquired_id =
    g_dbus_connection_signal_subscribe (self->connection, "org.freedesktop.DBus",
                                        "org.freedesktop.DBus", "NameAcquired",
                                        "/org/freedesktop/DBus", self->bus_name,
                                        G_DBUS_SIGNAL_FLAGS_NONE, name_signal_cb, self, NULL);
  self->lost_id =
    g_dbus_connection_signal_subscribe (self->connection, "org.freedesktop.DBus",
                                        "org.freedesktop.DBus", "NameLost",
                                        "/org/freedesktop/DBus", self->bus_name,
                                        G_DBUS_SIGNAL_FLAGS_NONE, name_signal_cb, self, NULL);

  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", self->bus_name,
                                                      DBUS_NAME_FLAG_NONE),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  if (reply == NULL)
    {
      oms_site_owner_stop (self);
      self->started = TRUE;
      own_without_bus (self, error);
      return;
    }

  g_variant_get (reply, "(u)", &result);
  set_has_bus (self, TRUE);
  set_is_owner (self, result == DBUS_REQUEST_NAME_PRIMARY_OWNER ||
                      result == DBUS_REQUEST_NAME_ALREADY_OWNER);
}

/**
 * oms_site_owner_stop:
 * @self: an #OmsSiteOwner
 *
 * Gives the site's name up, so the next process in the queue takes over at once.
 */
void
oms_site_owner_stop (OmsSiteOwner *self)
{
  g_return_if_fail (OMS_IS_SITE_OWNER (self));

  g_clear_handle_id (&self->changed_source, g_source_remove);
  g_ptr_array_set_size (self->waiting, 0);
  g_cancellable_cancel (self->proxy_cancellable);
  g_clear_object (&self->proxy_cancellable);
  g_clear_object (&self->proxy);

  if (self->connection != NULL)
    {
      if (self->acquired_id != 0)
        g_dbus_connection_signal_unsubscribe (self->connection, self->acquired_id);
      if (self->lost_id != 0)
        g_dbus_connection_signal_unsubscribe (self->connection, self->lost_id);
      if (self->registration_id != 0)
        g_dbus_connection_unregister_object (self->connection, self->registration_id);
      self->acquired_id = self->lost_id = self->registration_id = 0;

      g_dbus_connection_call (self->connection, "org.freedesktop.DBus",
                              "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReleaseName",
                              g_variant_new ("(s)", self->bus_name), NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
      g_dbus_connection_flush_sync (self->connection, NULL, NULL);
      g_clear_object (&self->connection);
    }

  if (self->engine != NULL)
    oms_sync_engine_set_remote_syncing (self->engine, FALSE);
  self->started = FALSE;
  if (self->is_owner)
    {
      self->is_owner = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_OWNER]);
    }
}

gboolean
oms_site_owner_get_is_owner (OmsSiteOwner *self)
{
  g_return_val_if_fail (OMS_IS_SITE_OWNER (self), FALSE);

  return self->is_owner;
}

gboolean
oms_site_owner_get_has_bus (OmsSiteOwner *self)
{
  g_return_val_if_fail (OMS_IS_SITE_OWNER (self), FALSE);

  return self->has_bus;
}

const char *
oms_site_owner_get_bus_name (OmsSiteOwner *self)
{
  g_return_val_if_fail (OMS_IS_SITE_OWNER (self), NULL);

  return self->bus_name;
}

/**
 * oms_site_dup_owner_description:
 * @connection: a bus connection
 * @bus_name: a site's bus name
 *
 * Returns: (transfer full) (nullable): which program owns the site, e.g. “omsync-cli serve
 *   (process 1234)”, or %NULL when none does
 */
char *
oms_site_dup_owner_description (GDBusConnection *connection,
                                const char      *bus_name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) program = NULL;
  g_autoptr(GVariant) pid = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  reply = g_dbus_connection_call_sync (connection, bus_name, OMS_SITE_OBJECT_PATH,
                                       "org.freedesktop.DBus.Properties", "GetAll",
                                       g_variant_new ("(s)", OMS_SITE_INTERFACE),
                                       G_VARIANT_TYPE ("(a{sv})"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL);
  if (reply == NULL)
    return NULL;

  {
    g_autoptr(GVariant) all = g_variant_get_child_value (reply, 0);

    program = g_variant_lookup_value (all, "Program", G_VARIANT_TYPE_STRING);
    pid = g_variant_lookup_value (all, "Pid", G_VARIANT_TYPE_UINT32);
  }
  if (program == NULL || pid == NULL)
    return NULL;

  /* Translators: which program serves a site, e.g. "omsync-cli serve (process 1234)". */
  return g_strdup_printf (_("%s (process %u)"), g_variant_get_string (program, NULL),
                          g_variant_get_uint32 (pid));
}

/**
 * oms_site_owner_dup_owner_description:
 * @self: an #OmsSiteOwner
 *
 * Returns: (transfer full) (nullable): which other program owns the site while this one
 *   views it, or %NULL
 */
char *
oms_site_owner_dup_owner_description (OmsSiteOwner *self)
{
  g_return_val_if_fail (OMS_IS_SITE_OWNER (self), NULL);

  if (self->is_owner || self->connection == NULL)
    return NULL;

  return oms_site_dup_owner_description (self->connection, self->bus_name);
}

/**
 * oms_site_owner_set_engine:
 * @self: an #OmsSiteOwner
 * @engine: (nullable): this process's engine of the site
 *
 * While this process owns the site, the engine's state is published to the viewers; while it
 * views, the owner's runs are shown through the engine.
 */
void
oms_site_owner_set_engine (OmsSiteOwner  *self,
                           OmsSyncEngine *engine)
{
  g_return_if_fail (OMS_IS_SITE_OWNER (self));
  g_return_if_fail (engine == NULL || OMS_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    {
      g_clear_signal_handler (&self->engine_syncing_id, self->engine);
      g_clear_signal_handler (&self->engine_changed_id, self->engine);
      g_clear_signal_handler (&self->engine_finished_id, self->engine);
      g_clear_signal_handler (&self->store_changed_id, oms_sync_engine_get_store (self->engine));
      g_clear_object (&self->engine);
    }

  if (engine == NULL)
    return;

  self->engine = g_object_ref (engine);
  self->engine_syncing_id = g_signal_connect_swapped (engine, "notify::is-syncing",
                                                      G_CALLBACK (engine_is_syncing_cb), self);
  self->engine_changed_id = g_signal_connect_swapped (engine, "run-changed",
                                                      G_CALLBACK (queue_changed), self);
  self->engine_finished_id = g_signal_connect_swapped (engine, "run-finished",
                                                       G_CALLBACK (engine_run_finished_cb),
                                                       self);
  self->store_changed_id = g_signal_connect_swapped (oms_sync_engine_get_store (engine),
                                                     "changed", G_CALLBACK (queue_changed),
                                                     self);
  if (!self->is_owner)
    apply_remote_syncing (self);
}

/**
 * oms_site_owner_set_scheduler:
 * @self: an #OmsSiteOwner
 * @scheduler: (nullable): the scheduler that runs this process's syncs
 *
 * Sync calls from other processes go to @scheduler while this process owns the site.
 */
void
oms_site_owner_set_scheduler (OmsSiteOwner *self,
                              OmsScheduler *scheduler)
{
  g_return_if_fail (OMS_IS_SITE_OWNER (self));
  g_return_if_fail (scheduler == NULL || OMS_IS_SCHEDULER (scheduler));

  g_set_object (&self->scheduler, scheduler);
}

static void
sync_now_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!oms_site_call_sync_finish (G_DBUS_CONNECTION (object), result, NULL, &error))
    g_debug ("The site's owner did not take the sync: %s", error->message);
}

/**
 * oms_site_owner_sync_now:
 * @self: an #OmsSiteOwner
 *
 * "Sync now": this process's scheduler runs it when this process owns the site; else the
 * owner is asked to.
 *
 * Returns: %FALSE when nothing could be asked (not configured, a run already queued)
 */
gboolean
oms_site_owner_sync_now (OmsSiteOwner *self)
{
  g_return_val_if_fail (OMS_IS_SITE_OWNER (self), FALSE);

  if (self->is_owner)
    return self->scheduler != NULL && oms_scheduler_trigger (self->scheduler);

  if (self->connection == NULL)
    return FALSE;

  oms_site_call_sync_async (self->connection, self->bus_name, FALSE, NULL, sync_now_cb, NULL);
  return TRUE;
}

/*
 * Calling an owner from another process
 */

/**
 * oms_site_call_sync_async:
 * @connection: a bus connection
 * @bus_name: the site's bus name
 * @wait: whether to finish only when the sync asked for has ended
 *
 * Asks the process that owns the site for a sync, as its Sync now would.
 */
void
oms_site_call_sync_async (GDBusConnection     *connection,
                          const char          *bus_name,
                          gboolean             wait,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (bus_name != NULL);

  g_dbus_connection_call (connection, bus_name, OMS_SITE_OBJECT_PATH, OMS_SITE_INTERFACE,
                          "Sync", g_variant_new ("(b)", wait), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, wait ? G_MAXINT : -1, cancellable,
                          callback, user_data);
}

/**
 * oms_site_call_sync_finish:
 * @success: (out) (optional): whether the sync succeeded, when waited for
 *
 * Returns: %FALSE with @error set when the owner could not be asked
 */
gboolean
oms_site_call_sync_finish (GDBusConnection  *connection,
                           GAsyncResult     *result,
                           gboolean         *success,
                           GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean succeeded = FALSE;

  reply = g_dbus_connection_call_finish (connection, result, error);
  if (reply == NULL)
    {
      if (error != NULL && *error != NULL)
        g_dbus_error_strip_remote_error (*error);
      return FALSE;
    }

  g_variant_get (reply, "(b)", &succeeded);
  if (success != NULL)
    *success = succeeded;

  return TRUE;
}

/**
 * oms_site_call_activate:
 * @data_dir: a data directory
 *
 * Asks the process that owns @data_dir, if any, to show its window, as launching omsync
 * again should.
 *
 * Returns: %TRUE when it did; %FALSE with @error set when there is no bus, no owner, or an
 *   owner with no window
 */
gboolean
oms_site_call_activate (const char  *data_dir,
                        GError     **error)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *bus_name = NULL;

  g_return_val_if_fail (data_dir != NULL, FALSE);

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (connection == NULL)
    return FALSE;

  bus_name = oms_site_bus_name_for_data_dir (data_dir);
  reply = g_dbus_connection_call_sync (connection, bus_name, OMS_SITE_OBJECT_PATH,
                                       OMS_SITE_INTERFACE, "Activate", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, error);

  return reply != NULL;
}
