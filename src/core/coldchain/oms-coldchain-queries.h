/* oms-coldchain-queries.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* Open mSupply's AssetLogStatus values that the Cold chain page offers. */
#define OMS_ASSET_STATUS_FUNCTIONING              "FUNCTIONING"
#define OMS_ASSET_STATUS_NEEDS_ATTENTION          "FUNCTIONING_BUT_NEEDS_ATTENTION"
#define OMS_ASSET_STATUS_NOT_FUNCTIONING          "NOT_FUNCTIONING"

/* The user_id written on asset_log rows made in omsync. */
#define OMS_ASSET_LOG_USER_ID "omsync"

/* One sensor with its latest temperature log. */
typedef struct
{
  char     *id;
  char     *name;
  char     *serial;
  char     *location_name;        /* nullable */
  gboolean  has_battery_level;
  int       battery_level;
  gboolean  has_temperature;
  double    temperature;
  char     *temperature_datetime; /* nullable */
} OmsColdchainSensor;

/* One temperature breach, newest first. */
typedef struct
{
  char     *id;
  char     *type;
  char     *sensor_name;          /* nullable: the sensor is not stored */
  char     *start_datetime;
  char     *end_datetime;         /* nullable: still going */
  double    threshold_minimum;
  double    threshold_maximum;
  gboolean  unacknowledged;
  char     *comment;              /* nullable */
} OmsColdchainBreach;

/* One piece of cold chain equipment with its latest status log entry. */
typedef struct
{
  char *id;
  char *asset_number;             /* nullable */
  char *notes;                    /* nullable */
  char *serial_number;            /* nullable */
  char *status;                   /* nullable: no status logged */
  char *status_datetime;          /* nullable */
} OmsColdchainEquipment;

void        oms_coldchain_sensor_free            (OmsColdchainSensor    *sensor);
void        oms_coldchain_breach_free            (OmsColdchainBreach    *breach);
void        oms_coldchain_equipment_free         (OmsColdchainEquipment *equipment);

GPtrArray  *oms_coldchain_list_sensors           (OmsStore              *store,
                                                  GError               **error);
GPtrArray  *oms_coldchain_list_breaches          (OmsStore              *store,
                                                  GError               **error);
GPtrArray  *oms_coldchain_list_equipment         (OmsStore              *store,
                                                  GError               **error);
gboolean    oms_coldchain_acknowledge_breach     (OmsStore              *store,
                                                  const char            *breach_id,
                                                  const char            *comment,
                                                  GError               **error);
char       *oms_coldchain_add_asset_status       (OmsStore              *store,
                                                  const char            *asset_id,
                                                  const char            *status,
                                                  GError               **error);
gboolean    oms_coldchain_is_asset_status        (const char            *status);

G_END_DECLS
