/* oms-coldchain-server.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-coldchain-throttle.h"
#include "oms-coldchain-url.h"
#include "oms-store.h"

G_BEGIN_DECLS

/* The port and scheme come from OMS_KV_COLDCHAIN_PORT and OMS_KV_COLDCHAIN_HTTP. */
#define OMS_COLDCHAIN_BASE_PATH          "/coldchain/v1"
#define OMS_COLDCHAIN_SESSION_SECONDS    (60 * 60)
#define OMS_COLDCHAIN_LOGIN_FAILURE_MS   6000
/* Passwords hashed at once; more logins are answered 503 until one is done. */
#define OMS_COLDCHAIN_MAX_LOGIN_CHECKS   16
/* A login's body: a username and a password. */
#define OMS_COLDCHAIN_LOGIN_BODY_LIMIT   (1024 * 1024)
/* Request bodies held at once while they arrive; past it, 503. */
#define OMS_COLDCHAIN_BODY_BUDGET        (32 * 1024 * 1024)
/* Uploads waiting for the writer, and the size of their bodies (one larger body is still
 * taken alone); more are answered 503.
 */
#define OMS_COLDCHAIN_MAX_QUEUED_UPLOADS 32
#define OMS_COLDCHAIN_MAX_QUEUED_BYTES   (4 * 1024 * 1024)
/* Requests being handled at once (a padded failure holds one for seconds); more are answered
 * 503 at once.
 */
#define OMS_COLDCHAIN_MAX_REQUESTS       128
/* The Retry-After of a 503 when too busy. */
#define OMS_COLDCHAIN_BUSY_RETRY_SECONDS 10

#define OMS_COLDCHAIN_SERVER_ERROR (oms_coldchain_server_error_quark ())

typedef enum
{
  OMS_COLDCHAIN_SERVER_ERROR_PORT_IN_USE,   /* another program listens on the port */
  OMS_COLDCHAIN_SERVER_ERROR_PERMISSION,    /* a privileged port */
  OMS_COLDCHAIN_SERVER_ERROR_LISTEN,        /* any other failure to listen */
  OMS_COLDCHAIN_SERVER_ERROR_CERTIFICATE,   /* the certificate cannot be made or read */
} OmsColdchainServerError;

#define OMS_TYPE_COLDCHAIN_SERVER (oms_coldchain_server_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainServer, oms_coldchain_server, OMS, COLDCHAIN_SERVER, GObject)

GQuark              oms_coldchain_server_error_quark       (void);
OmsColdchainServer *oms_coldchain_server_new               (OmsStore            *store);
OmsStore           *oms_coldchain_server_get_store         (OmsColdchainServer  *self);
guint               oms_coldchain_server_get_port          (OmsColdchainServer  *self);
void                oms_coldchain_server_set_port          (OmsColdchainServer  *self,
                                                            guint                port);
gboolean            oms_coldchain_server_get_use_https     (OmsColdchainServer  *self);
void                oms_coldchain_server_set_use_https     (OmsColdchainServer  *self,
                                                            gboolean             use_https);
const char         *oms_coldchain_server_get_listen_address (OmsColdchainServer *self);
void                oms_coldchain_server_set_listen_address (OmsColdchainServer *self,
                                                            const char          *address);
gboolean            oms_coldchain_server_start             (OmsColdchainServer  *self,
                                                            GError             **error);
void                oms_coldchain_server_stop              (OmsColdchainServer  *self);
gboolean            oms_coldchain_server_get_running       (OmsColdchainServer  *self);
const GError       *oms_coldchain_server_get_start_error   (OmsColdchainServer  *self);
void                oms_coldchain_server_set_not_running_reason (OmsColdchainServer *self,
                                                                 const GError       *reason);
const char * const *oms_coldchain_server_get_lan_addresses (OmsColdchainServer  *self);
gboolean            oms_coldchain_server_addresses_changed (OmsColdchainServer  *self);
guint               oms_coldchain_server_get_bound_port    (OmsColdchainServer  *self);
char               *oms_coldchain_server_dup_url           (OmsColdchainServer  *self);
char              **oms_coldchain_server_dup_urls          (OmsColdchainServer  *self);
char               *oms_coldchain_server_dup_loopback_url  (OmsColdchainServer  *self);
char               *oms_coldchain_server_dup_certificate_path (OmsColdchainServer *self);
OmsColdchainThrottle *oms_coldchain_server_get_throttle   (OmsColdchainServer  *self);
const char         *oms_coldchain_server_get_last_device   (OmsColdchainServer  *self);
GDateTime          *oms_coldchain_server_get_last_device_time (OmsColdchainServer *self);

G_END_DECLS
