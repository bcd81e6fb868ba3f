/* oms-v5-auth.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What omsync tells both central servers it is (PROTOCOL.md §0, §2.1, §3.5). */
#define OMS_SYNC_APP_NAME       "Open mSupply Desktop"
#define OMS_SYNC_APP_VERSION    "2.20.0"
#define OMS_SYNC_V5_VERSION     "14"
#define OMS_SYNC_V6_VERSION     5

/* Routes of the legacy central API (absolute paths, PROTOCOL.md §2.2). */
#define OMS_V5_ROUTE_SITE                 "/sync/v5/site"
#define OMS_V5_ROUTE_SITE_STATUS          "/sync/v5/site_status"
#define OMS_V5_ROUTE_INITIALISE           "/sync/v5/initialise"
#define OMS_V5_ROUTE_CENTRAL_RECORDS      "/sync/v5/central_records"
#define OMS_V5_ROUTE_QUEUED_RECORDS       "/sync/v5/queued_records"
#define OMS_V5_ROUTE_ACKNOWLEDGED_RECORDS "/sync/v5/acknowledged_records"

/* Routes of the OMS central API, relative to `<url>/central/sync/` (PROTOCOL.md §3.2). */
#define OMS_V6_ROUTE_PULL                 "pull"
#define OMS_V6_ROUTE_PATIENT_PULL         "patient-pull"
#define OMS_V6_ROUTE_PUSH                 "push"
#define OMS_V6_ROUTE_SITE_STATUS          "site_status"
#define OMS_V6_ROUTE_UPLOAD_FILE          "upload_file"
#define OMS_V6_ROUTE_DOWNLOAD_FILE        "download_file"

/* The credentials and identity sent with every call: as v5 headers, and as the v6
 * `syncV5Settings` object (Open mSupply's SyncApiSettings).
 */
typedef struct
{
  char *server_url;        /* the legacy central URL from the sync settings */
  char *username;          /* the sync site name */
  char *password_sha256;   /* lowercase hex SHA-256 of the password */
  char *site_uuid;         /* the hardware id (msupply-site-uuid) */
  char *app_version;
  char *app_name;
  char *sync_version;
} OmsSyncApiSettings;

OmsSyncApiSettings *oms_sync_api_settings_new        (const char                *server_url,
                                                      const char                *username,
                                                      const char                *password_sha256,
                                                      const char                *hardware_id);
OmsSyncApiSettings *oms_sync_api_settings_copy       (const OmsSyncApiSettings  *settings);
void                oms_sync_api_settings_free       (OmsSyncApiSettings        *settings);

char               *oms_v5_hash_password             (const char                *password);
char               *oms_v5_basic_auth_value          (const char                *username,
                                                      const char                *password_sha256);
gboolean            oms_v5_parse_basic_auth_value    (const char                *value,
                                                      char                     **username,
                                                      char                     **password_sha256);
void                oms_v5_apply_headers             (SoupMessageHeaders        *headers,
                                                      const OmsSyncApiSettings  *settings);
OmsSyncApiSettings *oms_v5_settings_from_headers     (SoupMessageHeaders        *headers);

GUri               *oms_v5_route_uri                 (const char                *base_url,
                                                      const char                *route,
                                                      GError                   **error);
GUri               *oms_v6_route_uri                 (const char                *central_url,
                                                      const char                *route,
                                                      GError                   **error);

char               *oms_hardware_id_read             (const char * const        *paths,
                                                      GError                   **error);
char               *oms_hardware_id_get              (GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsSyncApiSettings, oms_sync_api_settings_free)

G_END_DECLS
