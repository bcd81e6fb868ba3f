/* oms-temperature-chart.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_TEMPERATURE_CHART (oms_temperature_chart_get_type ())

G_DECLARE_FINAL_TYPE (OmsTemperatureChart, oms_temperature_chart, OMS, TEMPERATURE_CHART, GtkWidget)

GtkWidget  *oms_temperature_chart_new              (void);
OmsStore   *oms_temperature_chart_get_store        (OmsTemperatureChart *self);
void        oms_temperature_chart_set_store        (OmsTemperatureChart *self,
                                                    OmsStore            *store);
const char *oms_temperature_chart_get_sensor_id    (OmsTemperatureChart *self);
void        oms_temperature_chart_set_sensor       (OmsTemperatureChart *self,
                                                    const char          *sensor_id,
                                                    const char          *sensor_name);
guint       oms_temperature_chart_get_period_hours (OmsTemperatureChart *self);
void        oms_temperature_chart_set_period_hours (OmsTemperatureChart *self,
                                                    guint                hours);
GDateTime  *oms_temperature_chart_get_end_time     (OmsTemperatureChart *self);
void        oms_temperature_chart_set_end_time     (OmsTemperatureChart *self,
                                                    GDateTime           *end_time);
const char *oms_temperature_chart_get_summary      (OmsTemperatureChart *self);
const char *oms_temperature_chart_get_legend       (OmsTemperatureChart *self);
void        oms_temperature_chart_reload           (OmsTemperatureChart *self);
float       oms_temperature_chart_get_time_x       (OmsTemperatureChart *self,
                                                    gint64               unix_seconds);

G_END_DECLS
