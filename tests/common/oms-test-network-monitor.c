/* oms-test-network-monitor.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-test-network-monitor.h"

/* A GNetworkMonitor whose state the test sets (TESTING.md §13): online or not, metered or not.
 * Offline, nothing is reachable unless the test says a central is (as GLib's own monitor says
 * of a loopback address with no network).
 */

struct _OmsTestNetworkMonitor
{
  GObject  parent_instance;

  gboolean available;
  gboolean metered;
  gboolean reachable_offline;
};

static void oms_test_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void oms_test_network_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OmsTestNetworkMonitor, oms_test_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      oms_test_network_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      oms_test_network_monitor_iface_init))

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static gboolean
oms_test_network_monitor_can_reach (GNetworkMonitor     *monitor,
                                    GSocketConnectable  *connectable,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  OmsTestNetworkMonitor *self = OMS_TEST_NETWORK_MONITOR (monitor);

  if (self->available || self->reachable_offline)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "Network unreachable");
  return FALSE;
}

static void
oms_test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = oms_test_network_monitor_can_reach;
}

static gboolean
oms_test_network_monitor_initable_init_cb (GInitable     *initable,
                                           GCancellable  *cancellable,
                                           GError       **error)
{
  return TRUE;
}

static void
oms_test_network_monitor_initable_init (GInitableIface *iface)
{
  iface->init = oms_test_network_monitor_initable_init_cb;
}

static void
oms_test_network_monitor_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  OmsTestNetworkMonitor *self = OMS_TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, self->metered);
      break;

    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_test_network_monitor_class_init (OmsTestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = oms_test_network_monitor_get_property;

  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
oms_test_network_monitor_init (OmsTestNetworkMonitor *self)
{
  self->available = TRUE;
}

/* Online and not metered, as a machine usually is. */
OmsTestNetworkMonitor *
oms_test_network_monitor_new (void)
{
  return g_object_new (OMS_TYPE_TEST_NETWORK_MONITOR, NULL);
}

/* Changes the state and tells the listeners, as GLib's monitors do. */
void
oms_test_network_monitor_set (OmsTestNetworkMonitor *self,
                              gboolean               available,
                              gboolean               metered)
{
  gboolean available_changed = self->available != available;
  gboolean metered_changed = self->metered != metered;

  self->available = available;
  self->metered = metered;

  if (available_changed)
    {
      g_object_notify (G_OBJECT (self), "network-available");
      g_object_notify (G_OBJECT (self), "connectivity");
    }
  if (metered_changed)
    g_object_notify (G_OBJECT (self), "network-metered");
  if (available_changed)
    g_signal_emit_by_name (self, "network-changed", available);
}

/* Whether a central counts as reachable while the network is down (a loopback one does). */
void
oms_test_network_monitor_set_reachable_offline (OmsTestNetworkMonitor *self,
                                                gboolean               reachable)
{
  self->reachable_offline = reachable;
}
