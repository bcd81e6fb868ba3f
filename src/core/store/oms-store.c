/* oms-store.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-store-private.h"

/* OmsStore owns the site's sqlite file: settings and cursors (key_value_store), the changelog,
 * the sync buffer and log, the typed tables and the generic record table. It is used from the
 * thread that opened it; bulk work in other threads opens its own connection on the same path.
 *
 * Every write of a tracked row goes through oms_store_upsert_record() or
 * oms_store_delete_record(), which write the row and its changelog row inside one savepoint:
 * both land or neither does, whether or not the caller has a transaction open.
 */

struct _OmsStore
{
  GObject     parent_instance;

  char       *data_dir;
  char       *path;
  sqlite3    *db;
  GHashTable *statements;     /* SQL text → sqlite3_stmt, prepared once */
  GHashTable *upsert_sql;     /* OmsTableInfo → its upsert's SQL text, built once */
  int         schema_version;
  guint       in_transaction : 1;
  guint       dirty : 1;      /* something was written since the last "changed" */
  guint       relaxed : 1;    /* commits do not wait for the disk (synchronous = NORMAL) */
};

G_DEFINE_FINAL_TYPE (OmsStore, oms_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_PATH,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define STORE_FILE_NAME "omsync.sqlite"
#define BUSY_TIMEOUT_MS 5000

G_DEFINE_QUARK (oms-store-error-quark, oms_store_error)

void
oms_changelog_entry_free (OmsChangelogEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->table_name);
  g_free (entry->record_id);
  g_free (entry->name_link_id);
  g_free (entry->store_id);
  g_free (entry);
}

void
oms_table_count_free (OmsTableCount *count)
{
  if (count == NULL)
    return;

  g_free (count->table_name);
  g_free (count);
}

static void
oms_store_finalize (GObject *object)
{
  OmsStore *self = (OmsStore *)object;

  /* Statements must be finalized before the connection can close. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->upsert_sql, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (oms_store_parent_class)->finalize (object);
}

static void
oms_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  OmsStore *self = OMS_STORE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_store_class_init (OmsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = oms_store_finalize;
  object_class->get_property = oms_store_get_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsStore::changed:
   *
   * Emitted after a write made through this store has been committed, so views can refresh.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
oms_store_init (OmsStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
  self->upsert_sql = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/*
 * Errors and statements
 */

void
oms_store_set_sql_error (OmsStore    *self,
                         GError     **error,
                         const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);

  g_debug ("%s failed: %s (%d)", what, sqlite3_errmsg (self->db), code);

  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT,
                 _("The omsync database “%s” is damaged (%s). It has been left as it is."),
                 self->path, sqlite3_errmsg (self->db));
  else
    g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_SQL,
                 _("Could not %s in the omsync database: %s"),
                 what, sqlite3_errmsg (self->db));
}

sqlite3 *
oms_store_get_db (OmsStore *self)
{
  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  return self->db;
}

/*
 * oms_store_prepare:
 *
 * Returns: (transfer none) (nullable): a reset statement for @sql with no bindings, prepared
 *   once per store and kept for its lifetime.
 */
sqlite3_stmt *
oms_store_prepare (OmsStore    *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      oms_store_set_sql_error (self, error, _("prepare a statement"));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/**
 * oms_store_set_relaxed:
 * @relaxed: whether this connection's commits may return before they reach the disk
 *
 * For bookkeeping whose loss in a power cut costs nothing but repeated work (the sync log, a
 * push cursor): on the main thread an fsync can take tens of milliseconds while the disk is
 * busy, and the window would freeze for it. A relaxed commit is still atomic and in order;
 * the next durable commit or checkpoint makes it durable with everything before it. Set it
 * back as soon as the bookkeeping is written, so that nothing else is written relaxed.
 */
void
oms_store_set_relaxed (OmsStore *self,
                       gboolean  relaxed)
{
  g_return_if_fail (OMS_IS_STORE (self));

  relaxed = !!relaxed;
  /* SQLite refuses the change inside a transaction; its commit is its owner's to time. */
  if (self->relaxed == (guint) relaxed || !sqlite3_get_autocommit (self->db))
    return;

  if (sqlite3_exec (self->db, relaxed ? "PRAGMA synchronous = NORMAL"
                                      : "PRAGMA synchronous = FULL",
                    NULL, NULL, NULL) != SQLITE_OK)
    {
      /* Left as it was: FULL when relaxing failed, which is merely slower. */
      g_warning ("Could not change the store's synchronous mode: %s", sqlite3_errmsg (self->db));
      return;
    }
  self->relaxed = relaxed;
}

gboolean
oms_store_exec (OmsStore    *self,
                const char  *sql,
                GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_debug ("exec failed: %s", message ? message : "");
      oms_store_set_sql_error (self, error, _("run a statement"));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/* Runs a prepared statement that returns no rows. */
static gboolean
step_done (OmsStore      *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      oms_store_set_sql_error (self, error, what);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static void
emit_changed_if_committed (OmsStore *self)
{
  if (self->dirty && !self->in_transaction && sqlite3_get_autocommit (self->db))
    {
      self->dirty = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

/*
 * Opening and migrating
 */

/**
 * oms_store_resolve_data_dir:
 * @requested: (nullable): a directory given on the command line
 *
 * Picks the data directory: @requested, else `OMSYNC_DATA_DIR`, else `$XDG_DATA_HOME/omsync`.
 *
 * Returns: (transfer full): an absolute path
 */
char *
oms_store_resolve_data_dir (const char *requested)
{
  const char *dir = requested;

  if (dir == NULL || *dir == '\0')
    dir = g_getenv ("OMSYNC_DATA_DIR");

  if (dir == NULL || *dir == '\0')
    return g_build_filename (g_get_user_data_dir (), "omsync", NULL);

  if (g_path_is_absolute (dir))
    return g_strdup (dir);
  else
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *joined = g_build_filename (cwd, dir, NULL);

      return g_canonicalize_filename (joined, NULL);
    }
}

static gboolean
prepare_data_dir (const char  *data_dir,
                  GError     **error)
{
  if (g_file_test (data_dir, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                       _("The data directory “%s” is not a directory. Choose another one with "
                         "--data-dir."),
                       data_dir);
          return FALSE;
        }
      return TRUE;
    }

  /* The directory holds the site's password hash: only its owner may read it. */
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                   _("Could not create the data directory “%s”: %s"),
                   data_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Creates the database file with owner-only permissions before sqlite touches it, so it is
 * never readable by others, not even for a moment.
 */
static gboolean
prepare_store_file (const char  *path,
                    gboolean    *created,
                    GError     **error)
{
  int fd;

  *created = FALSE;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                       _("“%s” is not a regular file, so omsync cannot keep its data there. "
                         "Move it aside or choose another data directory with --data-dir."),
                       path);
          return FALSE;
        }
      if (g_access (path, R_OK | W_OK) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                       _("Cannot read and write “%s”: %s. Check the file’s owner and "
                         "permissions."),
                       path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                   _("Could not create “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  *created = TRUE;

  return TRUE;
}

static gboolean
query_int (OmsStore    *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      oms_store_set_sql_error (self, error, _("read the database header"));
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *value = 0;
  else
    oms_store_set_sql_error (self, error, _("read the database header"));

  sqlite3_finalize (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
not_ours_error (OmsStore  *self,
                GError   **error)
{
  g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT,
               _("“%s” is not an omsync database. It has been left as it is; move it aside "
                 "or choose another data directory with --data-dir."),
               self->path);
  return FALSE;
}

/* Reads the header before anything is written, so a file that is not ours, or damaged, is
 * reported and left exactly as it was.
 */
static gboolean
check_identity (OmsStore  *self,
                GError   **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 n_objects = 0;

  if (!query_int (self, "PRAGMA user_version", &version, error))
    {
      if (g_error_matches (*error, OMS_STORE_ERROR, OMS_STORE_ERROR_SQL))
        {
          /* A header that cannot be read at all is as bad as a damaged one. */
          g_clear_error (error);
          return not_ours_error (self, error);
        }
      return FALSE;
    }
  if (!query_int (self, "PRAGMA application_id", &application_id, error))
    return FALSE;
  if (!query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (version == 0 && application_id == 0 && n_objects == 0)
    return TRUE; /* a new, empty file */

  if (application_id != OMS_STORE_APPLICATION_ID)
    return not_ours_error (self, error);

  if (version > OMS_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_TOO_NEW,
                   _("The data in “%s” was written by a newer omsync (schema version %d; this "
                     "version knows up to %d). It has been left as it is: install the newer "
                     "omsync, or choose another data directory with --data-dir."),
                   self->path, (int) version, OMS_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  self->schema_version = (int) version;
  return TRUE;
}

static gboolean
configure_connection (OmsStore  *self,
                      GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean is_wal = FALSE;

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    is_wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);

  if (!is_wal)
    {
      oms_store_set_sql_error (self, error, _("switch to write-ahead logging"));
      return FALSE;
    }

  /* FULL: a pulled batch must be on disk before the server is told it arrived. */
  return oms_store_exec (self,
                         "PRAGMA foreign_keys = ON;"
                         "PRAGMA synchronous = FULL;",
                         error);
}

static gboolean
migrate (OmsStore  *self,
         GError   **error)
{
  for (int version = self->schema_version + 1; version <= OMS_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", version);

      g_debug ("Migrating %s to schema version %d", self->path, version);

      if (!oms_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!oms_store_exec (self, oms_store_schema_get_migration (version), error) ||
          !oms_store_exec (self, bump, error) ||
          !oms_store_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, _("Could not update the database to schema version %d: "),
                          version);
          return FALSE;
        }

      self->schema_version = version;
    }

  return TRUE;
}

/**
 * oms_store_open:
 * @data_dir: the data directory; created with mode 0700 when missing
 * @error: return location for an #OMS_STORE_ERROR
 *
 * Opens `omsync.sqlite` in @data_dir, creating it (mode 0600) when missing, and brings its
 * schema up to date. A file that is damaged, not omsync's, or from a newer omsync is refused
 * and left untouched.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
OmsStore *
oms_store_open (const char  *data_dir,
                GError     **error)
{
  g_autoptr(OmsStore) self = NULL;
  gboolean created = FALSE;
  int rc;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (OMS_TYPE_STORE, NULL);
  self->data_dir = g_strdup (data_dir);
  self->path = g_build_filename (data_dir, STORE_FILE_NAME, NULL);

  if (!prepare_data_dir (data_dir, error) ||
      !prepare_store_file (self->path, &created, error))
    return NULL;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                   _("Could not open “%s”: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  if (!check_identity (self, error) ||
      !configure_connection (self, error) ||
      !migrate (self, error))
    return NULL;

  /* A file that was copied in with looser permissions is tightened once we know it is ours. */
  if (!created)
    {
      GStatBuf st;

      if (g_stat (self->path, &st) == 0 && (st.st_mode & 077) != 0)
        g_chmod (self->path, 0600);
    }

  return g_steal_pointer (&self);
}

const char *
oms_store_get_data_dir (OmsStore *self)
{
  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  return self->data_dir;
}

const char *
oms_store_get_path (OmsStore *self)
{
  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  return self->path;
}

int
oms_store_get_schema_version (OmsStore *self)
{
  g_return_val_if_fail (OMS_IS_STORE (self), 0);

  return self->schema_version;
}

/*
 * Transactions
 */

/**
 * oms_store_begin:
 *
 * Starts a write transaction. Writes made until oms_store_commit() land together, or not at
 * all after oms_store_rollback(). Transactions do not nest.
 */
gboolean
oms_store_begin (OmsStore  *self,
                 GError   **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);

  if (self->in_transaction)
    {
      g_set_error_literal (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                           "A transaction is already open");
      return FALSE;
    }

  if (!oms_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
oms_store_commit (OmsStore  *self,
                  GError   **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (!oms_store_exec (self, "COMMIT", error))
    {
      oms_store_rollback (self);
      return FALSE;
    }

  self->in_transaction = FALSE;
  emit_changed_if_committed (self);
  return TRUE;
}

void
oms_store_rollback (OmsStore *self)
{
  g_return_if_fail (OMS_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

  self->in_transaction = FALSE;
  self->dirty = FALSE;
}

/* Savepoints make a record write and its changelog row atomic inside or outside a caller's
 * transaction.
 */
/* Opens the savepoint a write runs in. Outside a transaction (*@began) it opens an immediate
 * one first: a bare SAVEPOINT begins a deferred transaction, whose first read takes a
 * snapshot, and a write after another connection's commit (a worker's batch, the checkpoint
 * after a run) then fails at once with SQLITE_BUSY_SNAPSHOT instead of waiting its turn.
 */
static gboolean
savepoint_begin (OmsStore  *self,
                 gboolean  *began,
                 GError   **error)
{
  sqlite3_stmt *stmt;

  /* Prepared once: an initial sync opens one savepoint per record. */
  *began = sqlite3_get_autocommit (self->db) != 0;
  if (*began)
    {
      stmt = oms_store_prepare (self, "BEGIN IMMEDIATE", error);
      if (stmt == NULL || !step_done (self, stmt, _("run a statement"), error))
        return FALSE;
    }

  stmt = oms_store_prepare (self, "SAVEPOINT oms_write", error);
  if (stmt == NULL || !step_done (self, stmt, _("run a statement"), error))
    {
      if (*began)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
savepoint_end (OmsStore  *self,
               gboolean   began,
               gboolean   ok,
               GError   **error)
{
  sqlite3_stmt *stmt;

  if (ok)
    {
      stmt = oms_store_prepare (self, "RELEASE oms_write", error);
      ok = stmt != NULL && step_done (self, stmt, _("run a statement"), error);
      if (ok && began)
        {
          stmt = oms_store_prepare (self, "COMMIT", error);
          ok = stmt != NULL && step_done (self, stmt, _("save the change"), error);
        }
    }

  if (!ok)
    {
      if (began)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      else
        sqlite3_exec (self->db, "ROLLBACK TO oms_write; RELEASE oms_write", NULL, NULL, NULL);
      return FALSE;
    }

  self->dirty = TRUE;
  emit_changed_if_committed (self);
  return TRUE;
}

/*
 * key_value_store
 */

/* Returns the row's statement positioned on the row, or NULL when the key is absent (error
 * unset) or on failure (error set).
 */
static sqlite3_stmt *
kv_lookup (OmsStore    *self,
           const char  *key,
           const char  *column_sql,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self, column_sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return stmt;

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("read a setting"));

  sqlite3_reset (stmt);
  return NULL;
}

/**
 * oms_store_kv_get_string:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when absent (with @error unset)
 */
char *
oms_store_kv_get_string (OmsStore    *self,
                         const char  *key,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  char *value;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = kv_lookup (self, key, "SELECT value_string FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static gint64
kv_get_integer (OmsStore    *self,
                const char  *key,
                const char  *sql,
                gint64       default_value,
                GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 value;

  stmt = kv_lookup (self, key, sql, error);
  if (stmt == NULL)
    return default_value;

  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gint32
oms_store_kv_get_int (OmsStore    *self,
                      const char  *key,
                      gint32       default_value,
                      GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return (gint32) kv_get_integer (self, key,
                                  "SELECT value_int FROM key_value_store WHERE id = ?1",
                                  default_value, error);
}

gint64
oms_store_kv_get_bigint (OmsStore    *self,
                         const char  *key,
                         gint64       default_value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return kv_get_integer (self, key,
                         "SELECT value_bigint FROM key_value_store WHERE id = ?1",
                         default_value, error);
}

gboolean
oms_store_kv_get_bool (OmsStore    *self,
                       const char  *key,
                       gboolean     default_value,
                       GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return kv_get_integer (self, key,
                         "SELECT value_bool FROM key_value_store WHERE id = ?1",
                         default_value, error) != 0;
}

double
oms_store_kv_get_float (OmsStore    *self,
                        const char  *key,
                        double       default_value,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  double value;

  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  stmt = kv_lookup (self, key, "SELECT value_float FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return default_value;

  value = sqlite3_column_double (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gboolean
oms_store_kv_has (OmsStore    *self,
                  const char  *key,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = oms_store_prepare (self, "SELECT 1 FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("read a setting"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

typedef enum
{
  KV_STRING,
  KV_INT,
  KV_BIGINT,
  KV_FLOAT,
  KV_BOOL,
} KvColumn;

/* Replaces the whole row: a key holds one value of one type, as in Open mSupply. */
static gboolean
kv_set (OmsStore     *self,
        const char   *key,
        KvColumn      column,
        const char   *string_value,
        gint64        int_value,
        double        float_value,
        GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "INSERT OR REPLACE INTO key_value_store "
                            "(id, value_string, value_int, value_bigint, value_float, value_bool) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  switch (column)
    {
    case KV_STRING:
      sqlite3_bind_text (stmt, 2, string_value, -1, SQLITE_TRANSIENT);
      break;

    case KV_INT:
      sqlite3_bind_int64 (stmt, 3, int_value);
      break;

    case KV_BIGINT:
      sqlite3_bind_int64 (stmt, 4, int_value);
      break;

    case KV_FLOAT:
      sqlite3_bind_double (stmt, 5, float_value);
      break;

    case KV_BOOL:
      sqlite3_bind_int (stmt, 6, int_value != 0);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!step_done (self, stmt, _("save a setting"), error))
    return FALSE;

  self->dirty = TRUE;
  emit_changed_if_committed (self);
  return TRUE;
}

gboolean
oms_store_kv_set_string (OmsStore    *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return kv_set (self, key, KV_STRING, value, 0, 0, error);
}

gboolean
oms_store_kv_set_int (OmsStore    *self,
                      const char  *key,
                      gint32       value,
                      GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_INT, NULL, value, 0, error);
}

gboolean
oms_store_kv_set_bigint (OmsStore    *self,
                         const char  *key,
                         gint64       value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_BIGINT, NULL, value, 0, error);
}

gboolean
oms_store_kv_set_float (OmsStore    *self,
                        const char  *key,
                        double       value,
                        GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_FLOAT, NULL, 0, value, error);
}

gboolean
oms_store_kv_set_bool (OmsStore    *self,
                       const char  *key,
                       gboolean     value,
                       GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_BOOL, NULL, value ? 1 : 0, 0, error);
}

gboolean
oms_store_kv_delete (OmsStore    *self,
                     const char  *key,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = oms_store_prepare (self, "DELETE FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, _("delete a setting"), error))
    return FALSE;

  self->dirty = TRUE;
  emit_changed_if_committed (self);
  return TRUE;
}

/*
 * Records and the changelog
 */

gboolean
oms_store_is_typed_table (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, FALSE);

  return oms_store_schema_lookup_table (table_name) != NULL;
}

/**
 * oms_store_supersede_changes: (skip)
 * @record_id: a record
 * @store_id: (nullable): its store
 *
 * Marks every changelog row of @record_id in @store_id superseded, before the row of a newer
 * change is written: only the newest row of a record counts (changelog_deduped).
 */
gboolean
oms_store_supersede_changes (OmsStore    *self,
                             const char  *record_id,
                             const char  *store_id,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "UPDATE changelog SET superseded = 1 WHERE record_id = ?1 "
                            "AND store_id IS ?2 AND superseded = 0",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 2, store_id, -1, SQLITE_TRANSIENT);

  return step_done (self, stmt, _("record a change"), error);
}

static gboolean
append_changelog (OmsStore               *self,
                  const char             *table_name,
                  const char             *record_id,
                  OmsRowAction            action,
                  const char             *store_id,
                  const char             *name_link_id,
                  const OmsChangeOrigin  *origin,
                  GError                **error)
{
  sqlite3_stmt *stmt;

  if (!oms_store_supersede_changes (self, record_id, store_id, error))
    return FALSE;

  stmt = oms_store_prepare (self,
                            "INSERT INTO changelog (table_name, record_id, row_action, "
                            "name_link_id, store_id, is_sync_update, source_site_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, action == OMS_ROW_ACTION_DELETE ? "DELETE" : "UPSERT", -1,
                     SQLITE_STATIC);
  if (name_link_id != NULL)
    sqlite3_bind_text (stmt, 4, name_link_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 5, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, origin != NULL && origin->is_sync_update);
  if (origin != NULL && origin->has_source_site_id)
    sqlite3_bind_int64 (stmt, 7, origin->source_site_id);

  return step_done (self, stmt, _("record a change"), error);
}

static gboolean
invalid_field (const char  *table_name,
               const char  *column,
               const char  *what,
               GError     **error)
{
  g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
               _("The %s record’s field “%s” %s."), table_name, column, what);
  return FALSE;
}

static gboolean
bind_column (sqlite3_stmt         *stmt,
             int                   index,
             const char           *table_name,
             const OmsColumnInfo  *column,
             JsonObject           *fields,
             GError              **error)
{
  JsonNode *node = json_object_get_member (fields, column->name);
  GType value_type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      switch (column->presence)
        {
        case OMS_COLUMN_REQUIRED:
          return invalid_field (table_name, column->name, _("is required"), error);

        case OMS_COLUMN_DEFAULT_ZERO:
          sqlite3_bind_int (stmt, index, 0);
          return TRUE;

        case OMS_COLUMN_NULLABLE:
        default:
          sqlite3_bind_null (stmt, index);
          return TRUE;
        }
    }

  if (column->type == OMS_COLUMN_JSON_TEXT && !JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *text = json_to_string (node, FALSE);

      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid_field (table_name, column->name, _("must be a single value"), error);

  value_type = json_node_get_value_type (node);

  switch (column->type)
    {
    case OMS_COLUMN_TEXT:
    case OMS_COLUMN_JSON_TEXT:
      if (value_type != G_TYPE_STRING)
        return invalid_field (table_name, column->name, _("must be text"), error);
      sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      return TRUE;

    case OMS_COLUMN_INTEGER:
      if (value_type != G_TYPE_INT64)
        return invalid_field (table_name, column->name, _("must be a whole number"), error);
      sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      return TRUE;

    case OMS_COLUMN_DOUBLE:
      if (value_type != G_TYPE_INT64 && value_type != G_TYPE_DOUBLE)
        return invalid_field (table_name, column->name, _("must be a number"), error);
      sqlite3_bind_double (stmt, index, json_node_get_double (node));
      return TRUE;

    case OMS_COLUMN_BOOL:
      if (value_type != G_TYPE_BOOLEAN)
        return invalid_field (table_name, column->name, _("must be true or false"), error);
      sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static char *
build_upsert_sql (const OmsTableInfo *table)
{
  GString *sql = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_append_printf (sql, "INSERT INTO \"%s\" (", table->name);
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s\"%s\"", i ? ", " : "", table->columns[i].name);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s?%u", i ? ", " : "", i + 1);
  g_string_append (sql, ") ON CONFLICT (id) DO UPDATE SET ");
  for (guint i = 1; i < table->n_columns; i++)
    {
      /* This site's own state of the row (OmsTableInfo.local_columns) is not replaced. */
      if (table->local_columns != NULL &&
          g_strv_contains (table->local_columns, table->columns[i].name))
        continue;
      g_string_append_printf (sql, "%s\"%s\" = excluded.\"%s\"", first ? "" : ", ",
                              table->columns[i].name, table->columns[i].name);
      first = FALSE;
    }

  return g_string_free (sql, FALSE);
}

static const char *
string_member (JsonObject *fields,
               const char *name)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The store a record belongs to decides whether it is pushed (PROTOCOL.md §4). */
static gboolean
lookup_store_id (OmsStore            *self,
                 const OmsTableInfo  *table,
                 JsonObject          *fields,
                 char               **store_id,
                 GError             **error)
{
  sqlite3_stmt *stmt;
  const char *key;
  int rc;

  *store_id = NULL;

  if (table->store_column != NULL)
    {
      *store_id = g_strdup (string_member (fields, table->store_column));
      return TRUE;
    }

  if (table->store_lookup == NULL)
    return TRUE;

  key = string_member (fields, table->store_lookup_key);
  if (key == NULL)
    return TRUE;

  stmt = oms_store_prepare (self, table->store_lookup, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("find a record’s store"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
upsert_typed (OmsStore            *self,
              const OmsTableInfo  *table,
              JsonObject          *fields,
              GError             **error)
{
  char *sql = g_hash_table_lookup (self->upsert_sql, table);
  sqlite3_stmt *stmt;

  if (sql == NULL)
    {
      sql = build_upsert_sql (table);
      g_hash_table_insert (self->upsert_sql, (gpointer) table, sql);
    }

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < table->n_columns; i++)
    {
      if (!bind_column (stmt, (int) i + 1, table->name, &table->columns[i], fields, error))
        {
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
    }

  return step_done (self, stmt, _("save a record"), error);
}

static gboolean
upsert_generic (OmsStore     *self,
                const char   *table_name,
                const char   *record_id,
                const char   *store_id,
                JsonObject   *fields,
                GError      **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), fields);
  g_autofree char *data = json_to_string (node, FALSE);
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "INSERT INTO record (table_name, id, store_id, data) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (table_name, id) DO UPDATE "
                            "SET store_id = excluded.store_id, data = excluded.data",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 3, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_TRANSIENT);

  return step_done (self, stmt, _("save a record"), error);
}

/* As Open mSupply's repositories do on every upsert of a name, item or clinician: a record
 * without a link gets one to itself. An existing link stays as it is, since a merge may have
 * pointed it at another record.
 */
static gboolean
link_to_self (OmsStore     *self,
              const char   *table_name,
              const char   *record_id,
              GError      **error)
{
  const OmsLinkInfo *link = oms_store_schema_lookup_link (table_name);
  sqlite3_stmt *stmt;

  if (link == NULL)
    return TRUE;

  stmt = oms_store_prepare (self, link->insert_self, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);

  return step_done (self, stmt, _("save a record"), error);
}

static gboolean
check_table_name (const char  *table_name,
                  GError     **error)
{
  if (table_name[0] == '\0' || strlen (table_name) > 64 ||
      g_str_equal (table_name, "record") || g_str_equal (table_name, "changelog"))
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   _("“%s” is not a table omsync can keep records of."), table_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_store_is_generic_table_name:
 *
 * Returns: whether records of @table_name are kept in the generic record table: it is not a
 *   typed table, and it is a name omsync accepts there
 */
gboolean
oms_store_is_generic_table_name (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, FALSE);

  return !oms_store_is_typed_table (table_name) && check_table_name (table_name, NULL);
}

/**
 * oms_store_upsert_record:
 * @table_name: a typed table (see oms_store_is_typed_table()) or any other synced table
 * @fields: the row; typed tables take Open mSupply's column names, other tables any object
 *   with a string `id`
 * @origin: (nullable): %OMS_ORIGIN_LOCAL for a local edit, or where an integrated change
 *   came from
 *
 * Inserts or replaces the record and appends its changelog row, atomically.
 */
gboolean
oms_store_upsert_record (OmsStore               *self,
                         const char             *table_name,
                         JsonObject             *fields,
                         const OmsChangeOrigin  *origin,
                         GError                **error)
{
  gboolean began;
  const OmsTableInfo *table;
  g_autofree char *store_id = NULL;
  const char *record_id;
  const char *name_link_id = NULL;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;

  record_id = string_member (fields, "id");
  if (record_id == NULL || *record_id == '\0')
    return invalid_field (table_name, "id", _("is required"), error);

  table = oms_store_schema_lookup_table (table_name);

  if (!savepoint_begin (self, &began, error))
    return FALSE;

  if (table != NULL)
    {
      ok = lookup_store_id (self, table, fields, &store_id, error) &&
           upsert_typed (self, table, fields, error);
    }
  else
    {
      store_id = g_strdup (string_member (fields, "store_id"));
      name_link_id = string_member (fields, "name_link_id");
      if (name_link_id == NULL)
        name_link_id = string_member (fields, "name_id");
      ok = upsert_generic (self, table_name, record_id, store_id, fields, error);
    }

  ok = ok && link_to_self (self, table_name, record_id, error);
  ok = ok && append_changelog (self, table_name, record_id, OMS_ROW_ACTION_UPSERT,
                               store_id, name_link_id, origin, error);

  return savepoint_end (self, began, ok, error);
}

/* A generic record's delete is filed under the store its upsert was, which the record table
 * holds: a legacy record names it `store_ID`, not `store_id`.
 */
static gboolean
lookup_generic_store_id (OmsStore     *self,
                         const char   *table_name,
                         const char   *record_id,
                         char        **store_id,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self,
                            "SELECT store_id FROM record WHERE table_name = ?1 AND id = ?2",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("find a record’s store"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/**
 * oms_store_delete_record:
 *
 * Deletes the record, if present, and appends a DELETE changelog row, atomically. The
 * changelog row is written even for a record this store never held, so a pulled delete is
 * recorded like any other change.
 */
gboolean
oms_store_delete_record (OmsStore               *self,
                         const char             *table_name,
                         const char             *record_id,
                         const OmsChangeOrigin  *origin,
                         GError                **error)
{
  gboolean began;
  const OmsTableInfo *table;
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *store_id = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;

  table = oms_store_schema_lookup_table (table_name);

  if (!savepoint_begin (self, &began, error))
    return FALSE;

  existing = oms_store_get_record (self, table_name, record_id, &local_error);
  ok = local_error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));

  if (ok && existing != NULL)
    {
      if (table != NULL)
        ok = lookup_store_id (self, table, existing, &store_id, error);
      else
        ok = lookup_generic_store_id (self, table_name, record_id, &store_id, error);
    }

  if (ok)
    {
      g_autofree char *sql = NULL;

      if (table != NULL)
        sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE id = ?1", table->name);
      else
        sql = g_strdup ("DELETE FROM record WHERE id = ?1 AND table_name = ?2");

      stmt = oms_store_prepare (self, sql, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
          if (table == NULL)
            sqlite3_bind_text (stmt, 2, table_name, -1, SQLITE_TRANSIENT);
          ok = step_done (self, stmt, _("delete a record"), error);
        }
    }

  ok = ok && append_changelog (self, table_name, record_id, OMS_ROW_ACTION_DELETE,
                               store_id, NULL, origin, error);

  return savepoint_end (self, began, ok, error);
}

/**
 * oms_store_upsert_raw_record:
 * @table_name: a table that is not typed
 * @data_json: the record as received, kept byte for byte
 *
 * Stores a record of a table omsync keeps generically, with its changelog row, atomically.
 * The owning store is read from the record's `store_id` (Open mSupply shape) or `store_ID`
 * (legacy shape). Unlike oms_store_upsert_record() the JSON is not parsed in C, which keeps
 * integrating a large initial pull cheap.
 */
gboolean
oms_store_upsert_raw_record (OmsStore               *self,
                             const char             *table_name,
                             const char             *record_id,
                             const char             *data_json,
                             const OmsChangeOrigin  *origin,
                             GError                **error)
{
  gboolean began;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);
  g_return_val_if_fail (data_json != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;
  if (oms_store_is_typed_table (table_name))
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   _("%s records must be stored with their typed fields."), table_name);
      return FALSE;
    }

  if (!savepoint_begin (self, &began, error))
    return FALSE;

  stmt = oms_store_prepare (self,
                            "INSERT INTO record (table_name, id, store_id, data) "
                            "SELECT ?1, ?2, nullif (coalesce (json_extract (j, '$.store_id'), "
                            "json_extract (j, '$.store_ID')), ''), j FROM (SELECT json (?3) AS j) "
                            "WHERE true ON CONFLICT (table_name, id) DO UPDATE "
                            "SET store_id = excluded.store_id, data = excluded.data",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, data_json, -1, SQLITE_TRANSIENT);
      ok = step_done (self, stmt, _("save a record"), error);
    }

  ok = ok && link_to_self (self, table_name, record_id, error);

  if (ok)
    {
      stmt = oms_store_prepare (self,
                                "UPDATE changelog SET superseded = 1 WHERE record_id = ?2 "
                                "AND superseded = 0 AND store_id IS (SELECT store_id FROM record "
                                "WHERE table_name = ?1 AND id = ?2)",
                                error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
          ok = step_done (self, stmt, _("record a change"), error);
        }
    }

  if (ok)
    {
      stmt = oms_store_prepare (self,
                                "INSERT INTO changelog (table_name, record_id, row_action, "
                                "name_link_id, store_id, is_sync_update, source_site_id) "
                                "SELECT ?1, ?2, 'UPSERT', NULL, store_id, ?3, ?4 FROM record "
                                "WHERE table_name = ?1 AND id = ?2",
                                error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 3, origin != NULL && origin->is_sync_update);
          if (origin != NULL && origin->has_source_site_id)
            sqlite3_bind_int64 (stmt, 4, origin->source_site_id);
          ok = step_done (self, stmt, _("record a change"), error);
        }
    }

  return savepoint_end (self, began, ok, error);
}

/**
 * oms_store_emit_changed:
 *
 * Tells views that the data changed through another connection to the same file, e.g. the
 * integrator's.
 */
void
oms_store_emit_changed (OmsStore *self)
{
  g_return_if_fail (OMS_IS_STORE (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

static JsonObject *
row_to_object (sqlite3_stmt       *stmt,
               const OmsTableInfo *table)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < table->n_columns; i++)
    {
      const OmsColumnInfo *column = &table->columns[i];
      int index = (int) i;

      if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
        {
          json_object_set_null_member (object, column->name);
          continue;
        }

      switch (column->type)
        {
        case OMS_COLUMN_TEXT:
        case OMS_COLUMN_JSON_TEXT:
          json_object_set_string_member (object, column->name,
                                         (const char *) sqlite3_column_text (stmt, index));
          break;

        case OMS_COLUMN_INTEGER:
          json_object_set_int_member (object, column->name, sqlite3_column_int64 (stmt, index));
          break;

        case OMS_COLUMN_DOUBLE:
          json_object_set_double_member (object, column->name,
                                         sqlite3_column_double (stmt, index));
          break;

        case OMS_COLUMN_BOOL:
          json_object_set_boolean_member (object, column->name,
                                          sqlite3_column_int (stmt, index) != 0);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return object;
}

static char *
build_select_sql (const OmsTableInfo *table)
{
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s\"%s\"", i ? ", " : "", table->columns[i].name);
  g_string_append_printf (sql, " FROM \"%s\" WHERE id = ?1", table->name);

  return g_string_free (sql, FALSE);
}

/**
 * oms_store_get_record:
 *
 * Returns: (transfer full) (nullable): the record's fields, or %NULL when there is no such
 *   record (with @error unset) or on failure
 */
JsonObject *
oms_store_get_record (OmsStore    *self,
                      const char  *table_name,
                      const char  *record_id,
                      GError     **error)
{
  const OmsTableInfo *table;
  JsonObject *object = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);

  table = oms_store_schema_lookup_table (table_name);
  if (table != NULL)
    sql = build_select_sql (table);
  else
    sql = g_strdup ("SELECT data FROM record WHERE id = ?1 AND table_name = ?2");

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (table == NULL)
    sqlite3_bind_text (stmt, 2, table_name, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && table != NULL)
    {
      object = row_to_object (stmt, table);
    }
  else if (rc == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 0),
                                                   NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        object = json_object_ref (json_node_get_object (node));
      else
        g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT,
                     _("The stored %s record “%s” is not valid JSON."), table_name, record_id);
    }
  else if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("read a record"));
    }
  sqlite3_reset (stmt);

  return object;
}

/**
 * oms_store_list_changelog:
 * @from_cursor: the first cursor to include
 * @deduplicated: read `changelog_deduped` (the newest change per record) instead of every row
 * @limit: the most rows to return, 0 for all
 *
 * Returns: (transfer full) (element-type OmsChangelogEntry) (nullable): the rows in cursor
 *   order
 */
GPtrArray *
oms_store_list_changelog (OmsStore    *self,
                          gint64       from_cursor,
                          gboolean     deduplicated,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  const char *sql;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  if (deduplicated)
    sql = "SELECT cursor, table_name, record_id, row_action, name_link_id, store_id, "
          "is_sync_update, source_site_id FROM changelog_deduped "
          "WHERE cursor >= ?1 ORDER BY cursor LIMIT ?2";
  else
    sql = "SELECT cursor, table_name, record_id, row_action, name_link_id, store_id, "
          "is_sync_update, source_site_id FROM changelog "
          "WHERE cursor >= ?1 ORDER BY cursor LIMIT ?2";

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, from_cursor);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_changelog_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsChangelogEntry *entry = g_new0 (OmsChangelogEntry, 1);

      entry->cursor = sqlite3_column_int64 (stmt, 0);
      entry->table_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->action = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "DELETE") == 0
                        ? OMS_ROW_ACTION_DELETE : OMS_ROW_ACTION_UPSERT;
      entry->name_link_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      entry->is_sync_update = sqlite3_column_int (stmt, 6) != 0;
      entry->has_source_site_id = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
      entry->source_site_id = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("read the changelog"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&entries);
}

/**
 * oms_store_get_max_changelog_cursor:
 *
 * Returns: the newest changelog cursor, 0 when the changelog is empty, or -1 on failure
 */
gint64
oms_store_get_max_changelog_cursor (OmsStore  *self,
                                    GError   **error)
{
  sqlite3_stmt *stmt;
  gint64 cursor = -1;

  g_return_val_if_fail (OMS_IS_STORE (self), -1);

  stmt = oms_store_prepare (self, "SELECT coalesce(max(cursor), 0) FROM changelog", error);
  if (stmt == NULL)
    return -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = sqlite3_column_int64 (stmt, 0);
  else
    oms_store_set_sql_error (self, error, _("read the changelog"));
  sqlite3_reset (stmt);

  return cursor;
}

static gboolean
add_count (OmsStore    *self,
           GPtrArray   *counts,
           const char  *sql,
           const char  *table_name,
           gboolean     typed,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsTableCount *count = g_new0 (OmsTableCount, 1);

      count->table_name = g_strdup (table_name ? table_name
                                               : (const char *) sqlite3_column_text (stmt, 1));
      count->n_rows = sqlite3_column_int64 (stmt, 0);
      count->is_typed = typed;
      g_ptr_array_add (counts, count);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("count records"));
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_store_list_table_counts:
 *
 * Counts the rows of every typed table (including empty ones) and of every other table
 * held in the generic record table.
 *
 * Returns: (transfer full) (element-type OmsTableCount) (nullable): typed tables first, in
 *   dependency order, then the others by name
 */
GPtrArray *
oms_store_list_table_counts (OmsStore  *self,
                             GError   **error)
{
  g_autoptr(GPtrArray) counts = NULL;
  const OmsTableInfo *tables;
  guint n_tables;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  counts = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_table_count_free);
  tables = oms_store_schema_get_tables (&n_tables);

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", tables[i].name);

      if (!add_count (self, counts, sql, tables[i].name, TRUE, error))
        return NULL;
    }

  if (!add_count (self, counts,
                  "SELECT count(*), table_name FROM record GROUP BY table_name ORDER BY table_name",
                  NULL, FALSE, error))
    return NULL;

  return g_steal_pointer (&counts);
}
