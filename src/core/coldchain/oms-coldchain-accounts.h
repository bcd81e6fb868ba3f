/* oms-coldchain-accounts.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_COLDCHAIN_ACCOUNT_ERROR (oms_coldchain_account_error_quark ())

typedef enum
{
  OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME, /* empty, too long or with control characters */
  OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_PASSWORD, /* empty or too long */
  OMS_COLDCHAIN_ACCOUNT_ERROR_EXISTS,           /* add: the username is taken */
  OMS_COLDCHAIN_ACCOUNT_ERROR_NOT_FOUND,        /* remove: no such account */
} OmsColdchainAccountError;

/* PBKDF2-HMAC-SHA256 work factor for new accounts; each account keeps its own count. */
#define OMS_COLDCHAIN_PBKDF2_ITERATIONS 100000
#define OMS_COLDCHAIN_SALT_LENGTH       16
#define OMS_COLDCHAIN_HASH_LENGTH       32

/* One phone account, as listed (never with its hash). */
typedef struct
{
  char   *username;
  gint64  created;   /* unix seconds */
} OmsColdchainAccount;

void       oms_coldchain_account_free          (OmsColdchainAccount  *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsColdchainAccount, oms_coldchain_account_free)

GQuark     oms_coldchain_account_error_quark   (void);

void       oms_coldchain_pbkdf2_sha256         (const guint8         *password,
                                                gsize                 password_length,
                                                const guint8         *salt,
                                                gsize                 salt_length,
                                                guint                 iterations,
                                                guint8               *out,
                                                gsize                 out_length);
gboolean   oms_coldchain_memequal              (const guint8         *a,
                                                const guint8         *b,
                                                gsize                 length);

gboolean   oms_coldchain_accounts_add          (OmsStore             *store,
                                                const char           *username,
                                                const char           *password,
                                                GError              **error);
void       oms_coldchain_accounts_add_async    (OmsStore             *store,
                                                const char           *username,
                                                const char           *password,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean   oms_coldchain_accounts_add_finish   (OmsStore             *store,
                                                GAsyncResult         *result,
                                                GError              **error);
gboolean   oms_coldchain_accounts_remove       (OmsStore             *store,
                                                const char           *username,
                                                GError              **error);
GPtrArray *oms_coldchain_accounts_list         (OmsStore             *store,
                                                GError              **error);
gboolean   oms_coldchain_accounts_exists       (OmsStore             *store,
                                                const char           *username,
                                                GError              **error);
gboolean   oms_coldchain_accounts_verify       (OmsStore             *store,
                                                const char           *username,
                                                const char           *password,
                                                GError              **error);
void       oms_coldchain_accounts_verify_async (OmsStore             *store,
                                                const char           *username,
                                                const char           *password,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean   oms_coldchain_accounts_verify_finish (OmsStore            *store,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
