/* oms-site-owner.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-scheduler.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

#define OMS_SITE_INTERFACE   "io.github.omsync.OmSync.Site"
#define OMS_SITE_OBJECT_PATH "/io/github/omsync/OmSync/Site"

#define OMS_TYPE_SITE_OWNER (oms_site_owner_get_type ())

G_DECLARE_FINAL_TYPE (OmsSiteOwner, oms_site_owner, OMS, SITE_OWNER, GObject)

OmsSiteOwner *oms_site_owner_new                   (const char          *data_dir,
                                                    const char          *program);
void          oms_site_owner_start                 (OmsSiteOwner        *self,
                                                    GDBusConnection     *connection);
void          oms_site_owner_stop                  (OmsSiteOwner        *self);
gboolean      oms_site_owner_get_is_owner          (OmsSiteOwner        *self);
gboolean      oms_site_owner_get_has_bus           (OmsSiteOwner        *self);
const char   *oms_site_owner_get_bus_name          (OmsSiteOwner        *self);
char         *oms_site_owner_dup_owner_description (OmsSiteOwner        *self);
void          oms_site_owner_set_engine            (OmsSiteOwner        *self,
                                                    OmsSyncEngine       *engine);
void          oms_site_owner_set_scheduler         (OmsSiteOwner        *self,
                                                    OmsScheduler        *scheduler);
gboolean      oms_site_owner_sync_now              (OmsSiteOwner        *self);

char         *oms_site_bus_name_for_data_dir       (const char          *data_dir);
char         *oms_site_dup_owner_description       (GDBusConnection     *connection,
                                                    const char          *bus_name);
void          oms_site_call_sync_async             (GDBusConnection     *connection,
                                                    const char          *bus_name,
                                                    gboolean             wait,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean      oms_site_call_sync_finish            (GDBusConnection     *connection,
                                                    GAsyncResult        *result,
                                                    gboolean            *success,
                                                    GError             **error);
gboolean      oms_site_call_activate               (const char          *data_dir,
                                                    GError             **error);

G_END_DECLS
