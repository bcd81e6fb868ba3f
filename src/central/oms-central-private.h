/* oms-central-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "oms-central-server.h"
#include "oms-json-gate.h"
#include "oms-sync-record.h"
#include "oms-v5-auth.h"

G_BEGIN_DECLS

/* The versions the servers accept (PROTOCOL.md §2.1, §3.5). */
#define OMS_CENTRAL_V5_MIN_VERSION 12
#define OMS_CENTRAL_V5_MAX_VERSION 14
#define OMS_CENTRAL_V6_MIN_VERSION 0
#define OMS_CENTRAL_V6_MAX_VERSION 5
/* The legacy central server's own site id, sent as mSupplyCentralSiteId. */
#define OMS_CENTRAL_LEGACY_SITE_ID 1

typedef struct
{
  int       site_id;
  gboolean  v5_integrating;
  gboolean  v6_integrating;
} OmsCentralSiteState;

typedef struct
{
  char      *route;
  guint      status;
  char      *body;
  guint      latency_ms;
  guint      bandwidth;
  guint      max_records;   /* pulls give at most this many records, whatever is asked */
  int        integrate_seconds;
  guint      times;
  gint64     from_cursor;   /* only requests whose query cursor is at least this; -1: all */
  guint      retry_after;   /* seconds, sent as Retry-After with a status fault; 0 for none */
  gboolean   refuse;
  gboolean   reset;         /* close the connection with a TCP reset, before answering */
  gboolean   hang;
  gboolean   truncate;
  gboolean   corrupt;
} OmsCentralFault;

/* Whether the database changed since, as far as one connection can tell: its own row
 * changes (sqlite3_total_changes64) and other connections' commits (PRAGMA data_version).
 */
typedef struct
{
  gint64 total_changes;
  gint64 data_version;
} OmsCentralDbStamp;

/* Everything the route handlers share; owned by the OmsCentralServer. */
typedef struct
{
  sqlite3    *db;
  char       *base_url;
  char       *public_url;    /* what site info calls Open mSupply's central, when not base_url */
  char       *files_dir;     /* where uploaded files are kept (oms-central-files.c) */
  GHashTable *site_states;   /* int site id -> OmsCentralSiteState */
  GHashTable *v5_in_flight;  /* site name -> count of unfinished v5 requests */
  GPtrArray  *faults;        /* OmsCentralFault */
  GPtrArray  *held;          /* SoupServerMessage kept paused by a hang fault */
  GList      *client_watches; /* of paused requests, oms-central-server.c */
  guint       integration_delay_ms;
  gboolean    compress_legacy; /* gzip the v5 routes' answers too (oms-central-server.c) */
  guint       n_connections;   /* connections accepted that carried a request */
  GHashTable *sources;       /* pending timeout ids, removed on shutdown */

  /* The last v6 pull's remaining total, so the next batch of the same pull need not count
   * the whole changelog again (which makes a long pull quadratic). Valid only while nothing
   * in the database changed since the stamp.
   */
  struct {
    int               site_id;
    gboolean          is_initialised;
    gint64            next_cursor;
    gint64            total;
    OmsCentralDbStamp stamp;
  }           v6_pull;

  /* The same for the legacy queue: the length of one site's queue, which GET queued_records
   * reports with every batch and acknowledged_records shortens by the rows it deletes.
   */
  struct {
    int               site_id;
    gint64            length;
    OmsCentralDbStamp stamp;
  }           v5_queue;
} OmsCentralContext;

typedef struct
{
  int   id;
  char *uuid;
  char *name;
  char *password_sha256;
  char *hardware_id;
  char *initialisation_status;
} OmsCentralSite;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* oms-central-db.c */
gboolean            _oms_central_db_open               (OmsCentralContext  *ctx,
                                                        const char         *path,
                                                        GError            **error);
void                _oms_central_db_close              (OmsCentralContext  *ctx);
sqlite3_stmt       *_oms_central_db_prepare            (OmsCentralContext  *ctx,
                                                        const char         *sql,
                                                        GError            **error);
gboolean            _oms_central_db_exec               (OmsCentralContext  *ctx,
                                                        const char         *sql,
                                                        GError            **error);
gboolean            _oms_central_db_step_done          (OmsCentralContext  *ctx,
                                                        sqlite3_stmt       *stmt,
                                                        GError            **error);
void                _oms_central_db_set_error          (OmsCentralContext  *ctx,
                                                        GError            **error);
gint64              _oms_central_db_query_int          (OmsCentralContext  *ctx,
                                                        const char         *sql,
                                                        gint64              arg);
char               *_oms_central_db_dup_record_data    (OmsCentralContext  *ctx,
                                                        const char         *text);
void                _oms_central_bind_record_data      (sqlite3_stmt       *stmt,
                                                        int                 column,
                                                        const OmsSyncRecord *record);
void                _oms_central_db_stamp              (OmsCentralContext  *ctx,
                                                        OmsCentralDbStamp  *stamp);
gboolean            _oms_central_db_stamp_equal        (const OmsCentralDbStamp *a,
                                                        const OmsCentralDbStamp *b);
OmsCentralSite     *_oms_central_db_find_site          (OmsCentralContext  *ctx,
                                                        const char         *name);
void                _oms_central_site_free             (OmsCentralSite     *site);
gboolean            _oms_central_db_bind_hardware_id   (OmsCentralContext  *ctx,
                                                        int                 site_id,
                                                        const char         *hardware_id,
                                                        GError            **error);
gboolean            _oms_central_db_set_init_status    (OmsCentralContext  *ctx,
                                                        int                 site_id,
                                                        const char         *status,
                                                        GError            **error);
char               *_oms_central_build_name_json       (const char         *id,
                                                        const char         *name,
                                                        const char         *code,
                                                        const char         *type,
                                                        gboolean            is_customer,
                                                        gboolean            is_supplier);
gboolean            _oms_central_db_add_site           (OmsCentralContext  *ctx,
                                                        const char         *name,
                                                        const char         *password_plain,
                                                        int                 site_id,
                                                        const char         *store_name,
                                                        GError            **error);
char               *_oms_central_db_dup_store_id       (OmsCentralContext  *ctx,
                                                        const char         *site_name);
gint64              _oms_central_db_add_central_record (OmsCentralContext  *ctx,
                                                        const char         *table_name,
                                                        const char         *record_id,
                                                        const char         *action,
                                                        const char         *data_json,
                                                        GError            **error);
gboolean            _oms_central_db_add_remote_record  (OmsCentralContext  *ctx,
                                                        const char         *table_name,
                                                        const char         *record_id,
                                                        const char         *store_id,
                                                        const char         *data_json,
                                                        GError            **error);
gint64              _oms_central_db_add_v6_record      (OmsCentralContext  *ctx,
                                                        const char         *table_name,
                                                        const char         *record_id,
                                                        const char         *action,
                                                        const char         *store_id,
                                                        int                 source_site_id,
                                                        const char         *data_json,
                                                        GError            **error);
gboolean            _oms_central_db_integrate_v5       (OmsCentralContext  *ctx,
                                                        int                 site_id,
                                                        GError            **error);
gboolean            _oms_central_db_integrate_v6       (OmsCentralContext  *ctx,
                                                        int                 site_id,
                                                        GError            **error);
JsonNode           *_oms_central_db_dup_received       (OmsCentralContext  *ctx,
                                                        const char         *site_name,
                                                        GError            **error);
char               *_oms_central_legacy_id             (const char         *seed);
char               *_oms_central_uuid                  (const char         *seed);
char               *_oms_central_sha256_hex            (const char         *text);

/* oms-central-server.c: shared runtime helpers */
OmsCentralSiteState *_oms_central_site_state           (OmsCentralContext  *ctx,
                                                        int                 site_id);
void                _oms_central_respond_json          (SoupServerMessage  *msg,
                                                        guint               status,
                                                        JsonNode           *node);
void                _oms_central_respond_json_text     (SoupServerMessage  *msg,
                                                        guint               status,
                                                        GString            *text);
void                _oms_central_respond_json_bytes    (SoupServerMessage  *msg,
                                                        guint               status,
                                                        GBytes             *body);
void                _oms_central_respond_text          (SoupServerMessage  *msg,
                                                        guint               status,
                                                        const char         *text);
GBytes             *_oms_central_request_body          (SoupServerMessage  *msg);
JsonNode           *_oms_central_parse_body            (SoupServerMessage  *msg,
                                                        GError            **error);
void                _oms_central_release_in_flight     (SoupServerMessage  *msg);
void                _oms_central_schedule_integration  (OmsCentralContext  *ctx,
                                                        int                 site_id,
                                                        gboolean            v6,
                                                        guint               delay_ms);
gboolean            _oms_central_address_is_loopback   (GSocketAddress     *address);

/* oms-central-v5.c */
void                _oms_central_v5_handle             (OmsCentralContext     *ctx,
                                                        SoupServerMessage     *msg,
                                                        const char            *path,
                                                        GHashTable            *query,
                                                        const OmsCentralFault *fault);
gboolean            _oms_central_v5_is_route           (const char            *path);
char               *_oms_central_v5_auth_name          (SoupServerMessage     *msg);
void                _oms_central_v5_respond_error      (SoupServerMessage     *msg,
                                                        guint                  status,
                                                        const char            *code,
                                                        const char            *message,
                                                        const char            *data);
OmsCentralSite     *_oms_central_authenticate          (OmsCentralContext         *ctx,
                                                        const OmsSyncApiSettings  *caller,
                                                        const char               **code,
                                                        const char               **message);

/* oms-central-v6.c */
void                _oms_central_v6_handle             (OmsCentralContext     *ctx,
                                                        SoupServerMessage     *msg,
                                                        const char            *path,
                                                        const OmsCentralFault *fault);

/* oms-central-faults.c */
OmsCentralFault    *_oms_central_fault_parse           (const char         *spec,
                                                        GError            **error);
void                _oms_central_fault_free            (OmsCentralFault    *fault);
OmsCentralFault    *_oms_central_fault_take            (OmsCentralContext  *ctx,
                                                        const char         *path,
                                                        GHashTable         *query);
void                _oms_central_faults_clear          (OmsCentralContext  *ctx,
                                                        const char         *route);
void                _oms_central_fault_apply_body      (const OmsCentralFault *fault,
                                                        SoupServerMessage  *msg);

/* oms-central-files.c */
char               *_oms_central_files_sanitize        (const char         *name);
char               *_oms_central_files_find            (OmsCentralContext  *ctx,
                                                        const char         *table_name,
                                                        const char         *record_id,
                                                        const char         *id,
                                                        char              **name);
gboolean            _oms_central_files_store           (OmsCentralContext  *ctx,
                                                        const char         *table_name,
                                                        const char         *record_id,
                                                        const char         *id,
                                                        const char         *file_name,
                                                        GBytes             *bytes,
                                                        GError            **error);

/* oms-central-admin.c */
void                _oms_central_admin_handle          (OmsCentralContext  *ctx,
                                                        SoupServerMessage  *msg,
                                                        const char         *path,
                                                        GHashTable         *query);

/* oms-central-demo.c */
gboolean            _oms_central_demo_seed_site        (OmsCentralContext  *ctx,
                                                        const char         *site_name,
                                                        GError            **error);
gboolean            _oms_central_demo_seed             (OmsCentralContext  *ctx,
                                                        guint               n_extra_records,
                                                        GError            **error);
gboolean            _oms_central_demo_seed_v6_extra    (OmsCentralContext  *ctx,
                                                        guint               n_records,
                                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsCentralSite, _oms_central_site_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsCentralFault, _oms_central_fault_free)

G_END_DECLS
