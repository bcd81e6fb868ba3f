/* oms-http-monitor.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-http-monitor"

#include "config.h"

#include "oms-http-monitor.h"

/* What the people watching a sync see of its requests: whether one of them has had no byte
 * from or to the server for a while (oms_http_session_set_monitor()). The requests of the
 * sessions it watches count themselves in and out on the main context; the monitor only turns
 * the count into a property a view can bind to.
 */

struct _OmsHttpMonitor
{
  GObject parent_instance;

  guint   n_waiting;
  gint64  bytes_received;
};

G_DEFINE_FINAL_TYPE (OmsHttpMonitor, oms_http_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WAITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
oms_http_monitor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OmsHttpMonitor *self = OMS_HTTP_MONITOR (object);

  switch (prop_id)
    {
    case PROP_WAITING:
      g_value_set_boolean (value, oms_http_monitor_get_waiting (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_http_monitor_class_init (OmsHttpMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = oms_http_monitor_get_property;

  /**
   * OmsHttpMonitor:waiting:
   *
   * Whether a request has had no byte from or to the server for a few seconds.
   */
  properties[PROP_WAITING] =
    g_param_spec_boolean ("waiting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oms_http_monitor_init (OmsHttpMonitor *self)
{
}

OmsHttpMonitor *
oms_http_monitor_new (void)
{
  return g_object_new (OMS_TYPE_HTTP_MONITOR, NULL);
}

gboolean
oms_http_monitor_get_waiting (OmsHttpMonitor *self)
{
  g_return_val_if_fail (OMS_IS_HTTP_MONITOR (self), FALSE);

  return self->n_waiting > 0;
}

void
oms_http_monitor_add_waiting (OmsHttpMonitor *self)
{
  g_return_if_fail (OMS_IS_HTTP_MONITOR (self));

  if (self->n_waiting++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

void
oms_http_monitor_remove_waiting (OmsHttpMonitor *self)
{
  g_return_if_fail (OMS_IS_HTTP_MONITOR (self));
  g_return_if_fail (self->n_waiting > 0);

  if (--self->n_waiting == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

/**
 * oms_http_monitor_get_bytes_received:
 *
 * Returns: how many bytes of answers (decoded) the requests reporting here have read since
 *   the last oms_http_monitor_reset_bytes_received()
 */
gint64
oms_http_monitor_get_bytes_received (OmsHttpMonitor *self)
{
  g_return_val_if_fail (OMS_IS_HTTP_MONITOR (self), 0);

  return self->bytes_received;
}

void
oms_http_monitor_reset_bytes_received (OmsHttpMonitor *self)
{
  g_return_if_fail (OMS_IS_HTTP_MONITOR (self));

  self->bytes_received = 0;
}

/* For oms-http.c: @n_bytes of an answer came. No notification: a view reads it with the
 * progress it redraws for, not once per 64 KiB.
 */
void
oms_http_monitor_add_bytes_received (OmsHttpMonitor *self,
                                     gsize           n_bytes)
{
  g_return_if_fail (OMS_IS_HTTP_MONITOR (self));

  self->bytes_received += (gint64) n_bytes;
}
