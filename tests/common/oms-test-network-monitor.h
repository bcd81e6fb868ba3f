/* oms-test-network-monitor.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OMS_TYPE_TEST_NETWORK_MONITOR (oms_test_network_monitor_get_type ())

G_DECLARE_FINAL_TYPE (OmsTestNetworkMonitor, oms_test_network_monitor, OMS, TEST_NETWORK_MONITOR,
                      GObject)

OmsTestNetworkMonitor *oms_test_network_monitor_new           (void);
void                   oms_test_network_monitor_set           (OmsTestNetworkMonitor *self,
                                                               gboolean               available,
                                                               gboolean               metered);
void                   oms_test_network_monitor_set_reachable_offline
                                                              (OmsTestNetworkMonitor *self,
                                                               gboolean               reachable);

G_END_DECLS
