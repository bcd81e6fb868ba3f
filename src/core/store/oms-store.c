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

#include "oms-store-internal.h"

/* OmsStore owns the site's sqlite file: settings and cursors (key_value_store), the changelog,
 * the sync buffer and log, the typed tables and the generic record table. It is used from the
 * thread that opened it; bulk work in other threads opens its own connection on the same path.
 *
 * Every write of a tracked row goes through oms_store_upsert_record() or
 * oms_store_delete_record(), which write the row and its changelog row inside one savepoint:
 * both land or neither does, whether or not the caller has a transaction open.
 *
 * This file holds the object, opening and migrating, transactions and savepoints; the
 * key_value_store is in oms-store-kv.c, record writes in oms-store-records.c, reads in
 * oms-store-queries.c, the schema in oms-store-schema.c.
 */

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
                 /* Translators: the database file's path, then SQLite's error message (in
                  * English). */
                 _("The omsync database “%s” is damaged (%s). It has been left as it is."),
                 self->path, sqlite3_errmsg (self->db));
  else
    g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_SQL,
                 /* Translators: %s is what omsync tried to do, e.g. “read a setting” (translated
                  * separately), then SQLite's error message (in English). */
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
gboolean
_oms_store_step_done (OmsStore      *self,
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

void
_oms_store_emit_changed_if_committed (OmsStore *self)
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
                       /* Translators: %s is a path; --data-dir is an option: keep it. */
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
                   /* Translators: the directory's path, then the reason, an error message. */
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
                       /* Translators: %s is a path; --data-dir is an option: keep it. */
                       _("“%s” is not a regular file, so omsync cannot keep its data there. "
                         "Move it aside or choose another data directory with --data-dir."),
                       path);
          return FALSE;
        }
      if (g_access (path, R_OK | W_OK) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN,
                       /* Translators: the file's path, then the reason, an error message. */
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
               /* Translators: %s is a path; --data-dir is an option: keep it. */
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
                   /* Translators: the database file's path, the version of the data, then the
                    * newest version this omsync knows, e.g. “schema version 9; this version
                    * knows up to 7”. */
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
          /* Translators: %d is a version number; the reason follows after the colon. */
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
                   /* Translators: a file's path, then the reason, an error message. */
                   _("Could not open “%s”: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  /* Before the first read: another connection's checkpoint or write must make the header
   * check wait its turn, not report the file as not an omsync database.
   */
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

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
  _oms_store_emit_changed_if_committed (self);
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
gboolean
_oms_store_savepoint_begin (OmsStore  *self,
                            gboolean  *began,
                            GError   **error)
{
  sqlite3_stmt *stmt;

  /* Prepared once: an initial sync opens one savepoint per record. */
  *began = sqlite3_get_autocommit (self->db) != 0;
  if (*began)
    {
      stmt = oms_store_prepare (self, "BEGIN IMMEDIATE", error);
      if (stmt == NULL || !_oms_store_step_done (self, stmt, _("run a statement"), error))
        return FALSE;
    }

  stmt = oms_store_prepare (self, "SAVEPOINT oms_write", error);
  if (stmt == NULL || !_oms_store_step_done (self, stmt, _("run a statement"), error))
    {
      if (*began)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

gboolean
_oms_store_savepoint_end (OmsStore  *self,
                          gboolean   began,
                          gboolean   ok,
                          GError   **error)
{
  sqlite3_stmt *stmt;

  if (ok)
    {
      stmt = oms_store_prepare (self, "RELEASE oms_write", error);
      ok = stmt != NULL && _oms_store_step_done (self, stmt, _("run a statement"), error);
      if (ok && began)
        {
          stmt = oms_store_prepare (self, "COMMIT", error);
          ok = stmt != NULL && _oms_store_step_done (self, stmt, _("save the change"), error);
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
  _oms_store_emit_changed_if_committed (self);
  return TRUE;
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
