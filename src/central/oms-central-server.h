/* oms-central-server.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OMS_CENTRAL_ERROR (oms_central_error_quark ())

typedef enum
{
  OMS_CENTRAL_ERROR_FAILED,
  OMS_CENTRAL_ERROR_DATABASE,
  OMS_CENTRAL_ERROR_INVALID,
  OMS_CENTRAL_ERROR_EXISTS,
  OMS_CENTRAL_ERROR_NOT_FOUND,
} OmsCentralError;

GQuark oms_central_error_quark (void);

#define OMS_TYPE_CENTRAL_SERVER (oms_central_server_get_type ())

G_DECLARE_FINAL_TYPE (OmsCentralServer, oms_central_server, OMS, CENTRAL_SERVER, GObject)

OmsCentralServer *oms_central_server_new                   (const char        *data_dir,
                                                            GError           **error);
gboolean          oms_central_server_listen                (OmsCentralServer  *self,
                                                            const char        *address,
                                                            guint              port,
                                                            GError           **error);
const char       *oms_central_server_get_base_url          (OmsCentralServer  *self);
void              oms_central_server_set_compress_legacy   (OmsCentralServer  *self,
                                                            gboolean           compress);
void              oms_central_server_set_public_url        (OmsCentralServer  *self,
                                                            const char        *url);
guint             oms_central_server_get_n_connections     (OmsCentralServer  *self);
const char       *oms_central_server_get_data_dir          (OmsCentralServer  *self);
gboolean          oms_central_server_add_site              (OmsCentralServer  *self,
                                                            const char        *name,
                                                            const char        *password_plain,
                                                            int                site_id,
                                                            GError           **error);
char             *oms_central_server_dup_store_id          (OmsCentralServer  *self,
                                                            const char        *site_name,
                                                            GError           **error);
gboolean          oms_central_server_seed_site             (OmsCentralServer  *self,
                                                            const char        *site_name,
                                                            GError           **error);
gboolean          oms_central_server_seed_demo             (OmsCentralServer  *self,
                                                            guint              n_extra_records,
                                                            GError           **error);
gboolean          oms_central_server_seed_demo_v6          (OmsCentralServer  *self,
                                                            guint              n_extra_records,
                                                            GError           **error);
gboolean          oms_central_server_add_central_record    (OmsCentralServer  *self,
                                                            const char        *table_name,
                                                            const char        *record_id,
                                                            const char        *action,
                                                            const char        *data_json,
                                                            GError           **error);
gboolean          oms_central_server_add_remote_record     (OmsCentralServer  *self,
                                                            const char        *table_name,
                                                            const char        *record_id,
                                                            const char        *store_id,
                                                            const char        *data_json,
                                                            GError           **error);
gboolean          oms_central_server_add_v6_record         (OmsCentralServer  *self,
                                                            const char        *table_name,
                                                            const char        *record_id,
                                                            const char        *action,
                                                            const char        *store_id,
                                                            int                source_site_id,
                                                            const char        *data_json,
                                                            GError           **error);
JsonNode         *oms_central_server_dup_received          (OmsCentralServer  *self,
                                                            const char        *site_name,
                                                            GError           **error);
gboolean          oms_central_server_add_fault             (OmsCentralServer  *self,
                                                            const char        *spec,
                                                            GError           **error);
void              oms_central_server_clear_faults          (OmsCentralServer  *self,
                                                            const char        *route);
void              oms_central_server_set_integration_delay (OmsCentralServer  *self,
                                                            guint              delay_ms);
char             *oms_central_server_find_file             (OmsCentralServer  *self,
                                                            const char        *table_name,
                                                            const char        *record_id,
                                                            const char        *file_id);

G_END_DECLS
