/* oms-coldchain-accounts.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-accounts"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "oms-background.h"
#include "oms-coldchain-accounts.h"
#include "oms-store-private.h"

/* Accounts for mSupply Cold Chain phones. Open mSupply logs phones in as its own users; omsync
 * has no user table of its own, so a site keeps dedicated phone accounts here. Passwords are
 * kept only as salted PBKDF2-HMAC-SHA256 hashes, and checks compare in constant time.
 */

#define MAX_USERNAME_LENGTH 100
#define MAX_PASSWORD_LENGTH 1024

static const char create_table_sql[] =
  "CREATE TABLE IF NOT EXISTS coldchain_account (\n"
  "  username TEXT NOT NULL PRIMARY KEY,\n"
  "  password_hash TEXT NOT NULL,\n"
  "  salt TEXT NOT NULL,\n"
  "  iterations INTEGER NOT NULL,\n"
  "  created INTEGER NOT NULL\n"
  ")";

G_DEFINE_QUARK (oms-coldchain-account-error-quark, oms_coldchain_account_error)

void
oms_coldchain_account_free (OmsColdchainAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->username);
  g_free (account);
}

/* The same with GLib's HMAC, for a GnuTLS that refuses the parameters (in FIPS mode, short
 * salts). Eight times slower: each iteration copies the keyed state.
 */
static void
pbkdf2_sha256_glib (const guint8 *password,
                    gsize         password_length,
                    const guint8 *salt,
                    gsize         salt_length,
                    guint         iterations,
                    guint8       *out,
                    gsize         out_length)
{
  g_autoptr(GHmac) keyed = NULL;
  guint32 block_index = 1;
  gsize done = 0;

  /* The key schedule is computed once; each iteration starts from a copy of it. */
  keyed = g_hmac_new (G_CHECKSUM_SHA256, password, password_length);

  while (done < out_length)
    {
      guint8 u[OMS_COLDCHAIN_HASH_LENGTH];
      guint8 t[OMS_COLDCHAIN_HASH_LENGTH];
      guint8 index_be[4];
      gsize digest_length = sizeof u;
      gsize n;
      GHmac *hmac;

      index_be[0] = (guint8) (block_index >> 24);
      index_be[1] = (guint8) (block_index >> 16);
      index_be[2] = (guint8) (block_index >> 8);
      index_be[3] = (guint8) block_index;

      hmac = g_hmac_copy (keyed);
      g_hmac_update (hmac, salt, salt_length);
      g_hmac_update (hmac, index_be, sizeof index_be);
      g_hmac_get_digest (hmac, u, &digest_length);
      g_hmac_unref (hmac);
      memcpy (t, u, sizeof t);

      for (guint i = 1; i < iterations; i++)
        {
          hmac = g_hmac_copy (keyed);
          g_hmac_update (hmac, u, sizeof u);
          digest_length = sizeof u;
          g_hmac_get_digest (hmac, u, &digest_length);
          g_hmac_unref (hmac);

          for (gsize j = 0; j < sizeof t; j++)
            t[j] ^= u[j];
        }

      n = MIN (sizeof t, out_length - done);
      memcpy (out + done, t, n);
      done += n;
      block_index++;
    }
}

/**
 * oms_coldchain_pbkdf2_sha256:
 * @out: (out caller-allocates) (array length=out_length): the derived key
 *
 * PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256 as the pseudorandom function. GnuTLS's (nettle's)
 * takes an eighth of the time of one built on GHmac: a server checking many logins at once
 * keeps its cores for the rest.
 */
void
oms_coldchain_pbkdf2_sha256 (const guint8 *password,
                             gsize         password_length,
                             const guint8 *salt,
                             gsize         salt_length,
                             guint         iterations,
                             guint8       *out,
                             gsize         out_length)
{
  gnutls_datum_t key = { (unsigned char *) password, (unsigned int) password_length };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, (unsigned int) salt_length };
  int rc;

  g_return_if_fail (iterations >= 1);
  g_return_if_fail (out != NULL || out_length == 0);

  if (password_length <= G_MAXUINT && salt_length <= G_MAXUINT)
    {
      rc = gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, out_length);
      if (rc == 0)
        return;
      g_debug ("GnuTLS's PBKDF2 refused: %s", gnutls_strerror (rc));
    }

  pbkdf2_sha256_glib (password, password_length, salt, salt_length, iterations, out,
                      out_length);
}

/**
 * oms_coldchain_memequal:
 *
 * Compares two buffers in a time that depends only on @length.
 */
gboolean
oms_coldchain_memequal (const guint8 *a,
                        const guint8 *b,
                        gsize         length)
{
  guint8 difference = 0;

  for (gsize i = 0; i < length; i++)
    difference |= a[i] ^ b[i];

  return difference == 0;
}

static gboolean
ensure_table (OmsStore  *store,
              GError   **error)
{
  return oms_store_exec (store, create_table_sql, error);
}

static gboolean
check_username (const char  *username,
                GError     **error)
{
  gsize length = strlen (username);

  if (length == 0 || !g_utf8_validate (username, -1, NULL))
    {
      g_set_error_literal (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                           OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME,
                           _("Enter a username for the phone."));
      return FALSE;
    }

  if (g_utf8_strlen (username, -1) > MAX_USERNAME_LENGTH)
    {
      g_set_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                   OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: %d is the largest number of characters a username
                                 * may have, e.g. 64. */
                                "The username is too long: use at most %d character.",
                                "The username is too long: use at most %d characters.",
                                MAX_USERNAME_LENGTH),
                   MAX_USERNAME_LENGTH);
      return FALSE;
    }

  for (const char *p = username; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        {
          g_set_error_literal (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                               OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME,
                               _("The username cannot contain control characters such as "
                                 "tabs or line breaks."));
          return FALSE;
        }
    }

  if (g_unichar_isspace (g_utf8_get_char (username))
      || g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (username + length))))
    {
      g_set_error_literal (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                           OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME,
                           _("The username cannot start or end with a space."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_password (const char  *password,
                GError     **error)
{
  gsize length = strlen (password);

  if (length == 0)
    {
      g_set_error_literal (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                           OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_PASSWORD,
                           _("Enter a password for the phone."));
      return FALSE;
    }

  if (length > MAX_PASSWORD_LENGTH)
    {
      g_set_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                   OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_PASSWORD,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: %d is the largest number of characters a password
                                 * may have, e.g. 128. */
                                "The password is too long: use at most %d character.",
                                "The password is too long: use at most %d characters.",
                                MAX_PASSWORD_LENGTH),
                   MAX_PASSWORD_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* A new account's salt and hash, computed off the main thread by add_async. */
typedef struct
{
  char   *username;
  char   *password;
  guint8  salt[OMS_COLDCHAIN_SALT_LENGTH];
  guint8  hash[OMS_COLDCHAIN_HASH_LENGTH];
  guint   iterations;
} AddData;

static void
add_data_free (AddData *data)
{
  g_free (data->username);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static gboolean
add_data_prepare (AddData  *data,
                  GError  **error)
{
  int rc = gnutls_rnd (GNUTLS_RND_RANDOM, data->salt, sizeof data->salt);

  if (rc < 0)
    {
      g_debug ("gnutls_rnd failed: %s", gnutls_strerror (rc));
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The system has no source of random numbers for the password "
                             "salt."));
      return FALSE;
    }

  data->iterations = OMS_COLDCHAIN_PBKDF2_ITERATIONS;
  return TRUE;
}

static void
add_data_hash (AddData *data)
{
  oms_coldchain_pbkdf2_sha256 ((const guint8 *) data->password, strlen (data->password),
                               data->salt, sizeof data->salt, data->iterations,
                               data->hash, sizeof data->hash);
}

static gboolean
check_new_account (OmsStore    *store,
                   const char  *username,
                   const char  *password,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!check_username (username, error) || !check_password (password, error))
    return FALSE;

  if (oms_coldchain_accounts_exists (store, username, &local_error))
    {
      g_set_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR, OMS_COLDCHAIN_ACCOUNT_ERROR_EXISTS,
                   /* Translators: %s is a cold chain account's username. */
                   _("There is already an account named “%s”. Remove it first to set a new "
                     "password."), username);
      return FALSE;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
add_data_store (OmsStore  *store,
                AddData   *data,
                GError   **error)
{
  g_autofree char *hash = g_base64_encode (data->hash, sizeof data->hash);
  g_autofree char *salt = g_base64_encode (data->salt, sizeof data->salt);
  sqlite3_stmt *stmt;
  int rc;

  if (!check_new_account (store, data->username, data->password, error))
    return FALSE;

  stmt = oms_store_prepare (store,
                            "INSERT INTO coldchain_account "
                            "(username, password_hash, salt, iterations, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, data->username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, salt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, (int) data->iterations);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    oms_store_set_sql_error (store, error, _("add the cold chain account"));
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

static AddData *
add_data_new (const char *username,
              const char *password)
{
  AddData *data = g_new0 (AddData, 1);

  data->username = g_strdup (username);
  data->password = g_strdup (password);
  return data;
}

/**
 * oms_coldchain_accounts_add:
 *
 * Adds a phone account. Hashing takes a noticeable fraction of a second, so code on a
 * window's main loop uses oms_coldchain_accounts_add_async().
 *
 * Returns: %TRUE when the account was added
 */
gboolean
oms_coldchain_accounts_add (OmsStore    *store,
                            const char  *username,
                            const char  *password,
                            GError     **error)
{
  AddData *data;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!ensure_table (store, error) || !check_new_account (store, username, password, error))
    return FALSE;

  data = add_data_new (username, password);
  ok = add_data_prepare (data, error);
  if (ok)
    {
      add_data_hash (data);
      ok = add_data_store (store, data, error);
    }
  add_data_free (data);

  return ok;
}

static void
oms_coldchain_accounts_add_thread (GTask        *task,
                                   gpointer      source_object,
                                   gpointer      task_data,
                                   GCancellable *cancellable)
{
  add_data_hash (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
oms_coldchain_accounts_add_hashed_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  OmsStore *store = OMS_STORE (object);
  AddData *data = g_task_get_task_data (G_TASK (result));

  /* The name may have been taken while the hash was computed; add_data_store checks again. */
  if (!add_data_store (store, data, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * oms_coldchain_accounts_add_async:
 *
 * Adds a phone account, hashing the password in a worker thread.
 */
void
oms_coldchain_accounts_add_async (OmsStore            *store,
                                  const char          *username,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) hash_task = NULL;
  g_autoptr(GError) error = NULL;
  AddData *data;

  g_return_if_fail (OMS_IS_STORE (store));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_coldchain_accounts_add_async);

  data = add_data_new (username, password);
  if (!ensure_table (store, &error)
      || !check_new_account (store, username, password, &error)
      || !add_data_prepare (data, &error))
    {
      add_data_free (data);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  hash_task = g_task_new (store, cancellable, oms_coldchain_accounts_add_hashed_cb,
                          g_steal_pointer (&task));
  g_task_set_source_tag (hash_task, oms_coldchain_accounts_add_async);
  g_task_set_task_data (hash_task, data, (GDestroyNotify) add_data_free);
  g_task_run_in_thread (hash_task, oms_coldchain_accounts_add_thread);
}

gboolean
oms_coldchain_accounts_add_finish (OmsStore      *store,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * oms_coldchain_accounts_remove:
 *
 * Removes a phone account. A phone logged in with it is refused from its next request on.
 */
gboolean
oms_coldchain_accounts_remove (OmsStore    *store,
                               const char  *username,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (!ensure_table (store, error))
    return FALSE;

  stmt = oms_store_prepare (store, "DELETE FROM coldchain_account WHERE username = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("remove the cold chain account"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  if (sqlite3_changes (oms_store_get_db (store)) == 0)
    {
      g_set_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR, OMS_COLDCHAIN_ACCOUNT_ERROR_NOT_FOUND,
                   /* Translators: %s is the username that was asked for. */
                   _("There is no cold chain account named “%s”."), username);
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_coldchain_accounts_list:
 *
 * Returns: (transfer container) (element-type OmsColdchainAccount) (nullable): the accounts
 *   sorted by username, or %NULL on failure
 */
GPtrArray *
oms_coldchain_accounts_list (OmsStore  *store,
                             GError   **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  if (!ensure_table (store, error))
    return NULL;

  stmt = oms_store_prepare (store,
                            "SELECT username, created FROM coldchain_account ORDER BY username",
                            error);
  if (stmt == NULL)
    return NULL;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_coldchain_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsColdchainAccount *account = g_new0 (OmsColdchainAccount, 1);

      account->username = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      account->created = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (accounts, account);
    }

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("list the cold chain accounts"));
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&accounts);
}

/**
 * oms_coldchain_accounts_exists:
 *
 * Returns: %TRUE when the account exists; %FALSE when it does not or on failure (@error set)
 */
gboolean
oms_coldchain_accounts_exists (OmsStore    *store,
                               const char  *username,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (!ensure_table (store, error))
    return FALSE;

  stmt = oms_store_prepare (store, "SELECT 1 FROM coldchain_account WHERE username = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    oms_store_set_sql_error (store, error, _("read the cold chain accounts"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* What a password check needs, read on the calling thread and hashed on a worker. */
typedef struct
{
  char    *password;
  guint8  *salt;
  gsize    salt_length;
  guint8  *hash;
  gsize    hash_length;
  guint    iterations;
  gboolean found;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data->salt);
  g_free (data->hash);
  g_free (data);
}

static VerifyData *
verify_data_load (OmsStore    *store,
                  const char  *username,
                  const char  *password,
                  GError     **error)
{
  VerifyData *data;
  sqlite3_stmt *stmt;
  int rc;

  if (!ensure_table (store, error))
    return NULL;

  stmt = oms_store_prepare (store,
                            "SELECT password_hash, salt, iterations FROM coldchain_account "
                            "WHERE username = ?1", error);
  if (stmt == NULL)
    return NULL;

  data = g_new0 (VerifyData, 1);
  data->password = g_strdup (password);

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      data->hash = g_base64_decode ((const char *) sqlite3_column_text (stmt, 0),
                                    &data->hash_length);
      data->salt = g_base64_decode ((const char *) sqlite3_column_text (stmt, 1),
                                    &data->salt_length);
      data->iterations = (guint) MAX (1, sqlite3_column_int (stmt, 2));
      data->found = data->hash_length == OMS_COLDCHAIN_HASH_LENGTH;
    }
  else if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the cold chain accounts"));
      sqlite3_reset (stmt);
      verify_data_free (data);
      return NULL;
    }
  sqlite3_reset (stmt);

  /* An unknown name costs the same work as a known one, so timing does not tell them apart. */
  if (!data->found)
    {
      g_clear_pointer (&data->salt, g_free);
      g_clear_pointer (&data->hash, g_free);
      data->salt = g_malloc0 (OMS_COLDCHAIN_SALT_LENGTH);
      data->salt_length = OMS_COLDCHAIN_SALT_LENGTH;
      data->hash = g_malloc0 (OMS_COLDCHAIN_HASH_LENGTH);
      data->hash_length = OMS_COLDCHAIN_HASH_LENGTH;
      data->iterations = OMS_COLDCHAIN_PBKDF2_ITERATIONS;
    }

  return data;
}

static gboolean
verify_data_check (VerifyData *data)
{
  guint8 computed[OMS_COLDCHAIN_HASH_LENGTH];
  gboolean same;

  oms_coldchain_pbkdf2_sha256 ((const guint8 *) data->password, strlen (data->password),
                               data->salt, data->salt_length, data->iterations,
                               computed, sizeof computed);
  same = oms_coldchain_memequal (computed, data->hash, sizeof computed);

  return same && data->found;
}

/**
 * oms_coldchain_accounts_verify:
 *
 * Checks a phone's username and password. Blocks for the hash; servers use
 * oms_coldchain_accounts_verify_async().
 *
 * Returns: %TRUE when they match an account; %FALSE when they do not, or on failure with
 *   @error set
 */
gboolean
oms_coldchain_accounts_verify (OmsStore    *store,
                               const char  *username,
                               const char  *password,
                               GError     **error)
{
  VerifyData *data;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  data = verify_data_load (store, username, password, error);
  if (data == NULL)
    return FALSE;

  ok = verify_data_check (data);
  verify_data_free (data);

  return ok;
}

static void
oms_coldchain_accounts_verify_thread (GTask        *task,
                                      gpointer      source_object,
                                      gpointer      task_data,
                                      GCancellable *cancellable)
{
  /* A flood of logins must not take the cores from the main loop and the TLS handshakes. */
  oms_background_thread_enter ();
  g_task_return_boolean (task, verify_data_check (task_data));
}

/**
 * oms_coldchain_accounts_verify_async:
 *
 * Checks a phone's username and password, hashing in a worker thread. The account is read
 * before this returns.
 */
void
oms_coldchain_accounts_verify_async (OmsStore            *store,
                                     const char          *username,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  VerifyData *data;

  g_return_if_fail (OMS_IS_STORE (store));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_coldchain_accounts_verify_async);

  data = verify_data_load (store, username, password, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);
  g_task_run_in_thread (task, oms_coldchain_accounts_verify_thread);
}

/**
 * oms_coldchain_accounts_verify_finish:
 *
 * Returns: %TRUE when the username and password match an account; %FALSE when they do not
 *   (@error unset) or on failure (@error set)
 */
gboolean
oms_coldchain_accounts_verify_finish (OmsStore      *store,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
