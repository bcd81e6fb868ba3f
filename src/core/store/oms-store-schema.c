/* oms-store-schema.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store-schema"

#include "config.h"

#include "oms-store-private.h"

/* Each migration moves the schema from version N-1 to N and runs in one transaction together
 * with the `PRAGMA user_version` bump. Statements use IF NOT EXISTS so that running one twice
 * is harmless. Tables and columns follow Open mSupply's own (PROTOCOL.md §4, §5.1, §6, §7).
 */
static const char *migrations[] = {
  /* 1: the initial schema. */
  "PRAGMA application_id = 1330467673;\n"

  "CREATE TABLE IF NOT EXISTS key_value_store (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  value_string TEXT,\n"
  "  value_int INTEGER,\n"
  "  value_bigint BIGINT,\n"
  "  value_float DOUBLE,\n"
  "  value_bool BOOLEAN\n"
  ");\n"

  /* `superseded` is omsync's own: the older rows of a record are marked as soon as a
   * newer one is written (by a trigger until migration 2), so the de-duplicating view and the push-queue count read an index
   * instead of grouping the whole changelog on every call.
   */
  "CREATE TABLE IF NOT EXISTS changelog (\n"
  "  cursor INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  table_name TEXT NOT NULL,\n"
  "  record_id TEXT NOT NULL,\n"
  "  row_action TEXT NOT NULL CHECK (row_action IN ('UPSERT', 'DELETE')),\n"
  "  name_link_id TEXT,\n"
  "  store_id TEXT,\n"
  "  is_sync_update BOOLEAN NOT NULL DEFAULT FALSE,\n"
  "  source_site_id INTEGER,\n"
  "  superseded BOOLEAN NOT NULL DEFAULT FALSE\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS changelog_latest_by_record\n"
  "  ON changelog (record_id, store_id) WHERE superseded = 0;\n"
  "CREATE INDEX IF NOT EXISTS changelog_push_queue\n"
  "  ON changelog (cursor, store_id) WHERE superseded = 0 AND is_sync_update = 0;\n"
  "CREATE TRIGGER IF NOT EXISTS changelog_supersede AFTER INSERT ON changelog\n"
  "BEGIN\n"
  "  UPDATE changelog SET superseded = 1\n"
  "   WHERE record_id = NEW.record_id AND store_id IS NEW.store_id\n"
  "     AND superseded = 0 AND cursor < NEW.cursor;\n"
  "END;\n"
  "CREATE VIEW IF NOT EXISTS changelog_deduped AS\n"
  "  SELECT cursor, table_name, record_id, row_action, name_link_id, store_id,\n"
  "         is_sync_update, source_site_id\n"
  "    FROM changelog WHERE superseded = 0;\n"

  "CREATE TABLE IF NOT EXISTS sync_buffer (\n"
  "  record_id TEXT NOT NULL PRIMARY KEY,\n"
  "  received_datetime TIMESTAMP NOT NULL,\n"
  "  integration_datetime TIMESTAMP,\n"
  "  integration_error TEXT,\n"
  "  table_name TEXT NOT NULL,\n"
  "  action TEXT NOT NULL CHECK (action IN ('UPSERT', 'DELETE', 'MERGE')),\n"
  "  data TEXT NOT NULL,\n"
  "  source_site_id INTEGER\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS sync_buffer_pending\n"
  "  ON sync_buffer (action, table_name, integration_datetime, source_site_id);\n"

  "CREATE TABLE IF NOT EXISTS sync_log (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  started_datetime TIMESTAMP NOT NULL,\n"
  "  finished_datetime TIMESTAMP,\n"
  "  prepare_initial_started_datetime TIMESTAMP,\n"
  "  prepare_initial_finished_datetime TIMESTAMP,\n"
  "  push_started_datetime TIMESTAMP,\n"
  "  push_finished_datetime TIMESTAMP,\n"
  "  push_progress_total INTEGER,\n"
  "  push_progress_done INTEGER,\n"
  "  pull_central_started_datetime TIMESTAMP,\n"
  "  pull_central_finished_datetime TIMESTAMP,\n"
  "  pull_central_progress_total INTEGER,\n"
  "  pull_central_progress_done INTEGER,\n"
  "  pull_remote_started_datetime TIMESTAMP,\n"
  "  pull_remote_finished_datetime TIMESTAMP,\n"
  "  pull_remote_progress_total INTEGER,\n"
  "  pull_remote_progress_done INTEGER,\n"
  "  pull_v6_started_datetime TIMESTAMP,\n"
  "  pull_v6_finished_datetime TIMESTAMP,\n"
  "  pull_v6_progress_total INTEGER,\n"
  "  pull_v6_progress_done INTEGER,\n"
  "  push_v6_started_datetime TIMESTAMP,\n"
  "  push_v6_finished_datetime TIMESTAMP,\n"
  "  push_v6_progress_total INTEGER,\n"
  "  push_v6_progress_done INTEGER,\n"
  "  integration_started_datetime TIMESTAMP,\n"
  "  integration_finished_datetime TIMESTAMP,\n"
  "  integration_progress_total INTEGER,\n"
  "  integration_progress_done INTEGER,\n"
  "  error_message TEXT,\n"
  "  error_code TEXT,\n"
  "  duration_in_seconds INTEGER NOT NULL DEFAULT 0,\n"
  /* omsync's own: a run that was still going when omsync stopped is closed at the next
   * start-up instead of showing as syncing forever (Open mSupply's weakness, §5.2).
   */
  "  interrupted BOOLEAN NOT NULL DEFAULT FALSE\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS sync_log_started ON sync_log (started_datetime);\n"

  /* Typed tables: Open mSupply's own rows for what the window shows. No foreign keys between
   * them: the integrator orders tables by dependency, and a phone's upload must not fail
   * because the store row has not been pulled yet.
   */
  "CREATE TABLE IF NOT EXISTS name (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  name TEXT NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  type TEXT NOT NULL,\n"
  "  is_customer BOOLEAN NOT NULL,\n"
  "  is_supplier BOOLEAN NOT NULL,\n"
  "  supplying_store_id TEXT,\n"
  "  first_name TEXT,\n"
  "  last_name TEXT,\n"
  "  gender TEXT,\n"
  "  date_of_birth DATE,\n"
  "  phone TEXT,\n"
  "  charge_code TEXT,\n"
  "  comment TEXT,\n"
  "  country TEXT,\n"
  "  address1 TEXT,\n"
  "  address2 TEXT,\n"
  "  email TEXT,\n"
  "  website TEXT,\n"
  "  is_manufacturer BOOLEAN NOT NULL,\n"
  "  is_donor BOOLEAN NOT NULL,\n"
  "  on_hold BOOLEAN NOT NULL,\n"
  "  next_of_kin_id TEXT,\n"
  "  next_of_kin_name TEXT,\n"
  "  created_datetime TIMESTAMP,\n"
  "  is_deceased BOOLEAN NOT NULL,\n"
  "  national_health_number TEXT,\n"
  "  date_of_death DATE,\n"
  "  custom_data TEXT,\n"
  "  deleted_datetime TIMESTAMP,\n"
  "  hsh_code TEXT,\n"
  "  hsh_name TEXT,\n"
  "  margin DOUBLE,\n"
  "  freight_factor DOUBLE,\n"
  "  currency_id TEXT\n"
  ");\n"

  "CREATE TABLE IF NOT EXISTS store (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  name_link_id TEXT NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  site_id INTEGER NOT NULL,\n"
  "  logo TEXT,\n"
  "  store_mode TEXT NOT NULL,\n"
  "  created_date DATE,\n"
  "  is_disabled BOOLEAN NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS store_site ON store (site_id);\n"

  "CREATE TABLE IF NOT EXISTS location (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  name TEXT NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  on_hold BOOLEAN NOT NULL,\n"
  "  store_id TEXT NOT NULL,\n"
  "  location_type_id TEXT,\n"
  "  volume DOUBLE NOT NULL\n"
  ");\n"

  "CREATE TABLE IF NOT EXISTS sensor (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  name TEXT NOT NULL,\n"
  "  serial TEXT NOT NULL,\n"
  "  location_id TEXT,\n"
  "  store_id TEXT NOT NULL,\n"
  "  battery_level INTEGER,\n"
  "  log_interval INTEGER,\n"
  "  is_active BOOLEAN NOT NULL,\n"
  "  last_connection_datetime TIMESTAMP,\n"
  "  type TEXT NOT NULL\n"
  ");\n"

  "CREATE TABLE IF NOT EXISTS temperature_log (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  temperature DOUBLE NOT NULL,\n"
  "  sensor_id TEXT NOT NULL,\n"
  "  location_id TEXT,\n"
  "  store_id TEXT NOT NULL,\n"
  "  datetime TIMESTAMP NOT NULL,\n"
  "  temperature_breach_id TEXT\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS temperature_log_sensor ON temperature_log (sensor_id, datetime);\n"

  "CREATE TABLE IF NOT EXISTS temperature_breach (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  duration_milliseconds INTEGER NOT NULL,\n"
  "  type TEXT NOT NULL,\n"
  "  sensor_id TEXT NOT NULL,\n"
  "  location_id TEXT,\n"
  "  store_id TEXT NOT NULL,\n"
  "  start_datetime TIMESTAMP NOT NULL,\n"
  "  end_datetime TIMESTAMP,\n"
  "  unacknowledged BOOLEAN NOT NULL,\n"
  "  threshold_minimum DOUBLE NOT NULL,\n"
  "  threshold_maximum DOUBLE NOT NULL,\n"
  "  threshold_duration_milliseconds INTEGER NOT NULL,\n"
  "  comment TEXT\n"
  ");\n"

  "CREATE TABLE IF NOT EXISTS asset (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  notes TEXT,\n"
  "  asset_number TEXT,\n"
  "  asset_category_id TEXT,\n"
  "  asset_class_id TEXT,\n"
  "  asset_catalogue_type_id TEXT,\n"
  "  store_id TEXT,\n"
  "  serial_number TEXT,\n"
  "  asset_catalogue_item_id TEXT,\n"
  "  installation_date DATE,\n"
  "  replacement_date DATE,\n"
  "  created_datetime TIMESTAMP NOT NULL,\n"
  "  modified_datetime TIMESTAMP NOT NULL,\n"
  "  deleted_datetime TIMESTAMP,\n"
  "  properties TEXT,\n"
  "  donor_name_id TEXT,\n"
  "  warranty_start DATE,\n"
  "  warranty_end DATE,\n"
  "  needs_replacement BOOLEAN,\n"
  "  locked_fields_json TEXT\n"
  ");\n"

  "CREATE TABLE IF NOT EXISTS asset_log (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  asset_id TEXT NOT NULL,\n"
  "  user_id TEXT NOT NULL,\n"
  "  status TEXT,\n"
  "  comment TEXT,\n"
  "  type TEXT,\n"
  "  reason_id TEXT,\n"
  "  log_datetime TIMESTAMP NOT NULL,\n"
  "  created_datetime TIMESTAMP NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS asset_log_asset ON asset_log (asset_id, log_datetime);\n"

  /* Every other table Open mSupply syncs lands here, so nothing pulled is dropped. */
  "CREATE TABLE IF NOT EXISTS record (\n"
  "  table_name TEXT NOT NULL,\n"
  "  id TEXT NOT NULL,\n"
  "  store_id TEXT,\n"
  "  data TEXT NOT NULL,\n"
  "  PRIMARY KEY (table_name, id)\n"
  ") WITHOUT ROWID;\n",

  /* 2: the writers of changelog mark the rows a new one supersedes themselves
   * (oms_store_supersede_changes()): the trigger ran a statement for every row, which an
   * initial sync writes a million times, where the integrator can do it a page at a time.
   */
  "DROP TRIGGER IF EXISTS changelog_supersede;\n",

  /* 3: the pending-rows index holds the pending rows only. Every query of sync_buffer asks for
   * pending rows, and marking a row integrated then only removes its entry, where the full
   * index moved it (about a third of the cost of marking).
   */
  "DROP INDEX IF EXISTS sync_buffer_pending;\n"
  "CREATE INDEX IF NOT EXISTS sync_buffer_pending\n"
  "  ON sync_buffer (action, table_name, source_site_id) WHERE integration_datetime IS NULL;\n",

  /* 4: Open mSupply's link tables (name_link_row.rs, item_link_row.rs, clinician_link_row.rs).
   * Records refer to a name, item or clinician through a link, and a pulled merge repoints the
   * merged record's links at the record it was merged into. Every record starts linked to
   * itself, those already stored too; a link is never overwritten, as it may be a merge's.
   * Links are not synced, so they have no changelog rows.
   */
  "CREATE TABLE IF NOT EXISTS name_link (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  name_id TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS name_link_name ON name_link (name_id);\n"
  "CREATE TABLE IF NOT EXISTS item_link (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  item_id TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS item_link_item ON item_link (item_id);\n"
  "CREATE TABLE IF NOT EXISTS clinician_link (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  clinician_id TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS clinician_link_clinician ON clinician_link (clinician_id);\n"
  "INSERT INTO name_link (id, name_id) SELECT id, id FROM name WHERE true\n"
  "  ON CONFLICT (id) DO NOTHING;\n"
  "INSERT INTO item_link (id, item_id) SELECT id, id FROM record WHERE table_name = 'item'\n"
  "  ON CONFLICT (id) DO NOTHING;\n"
  "INSERT INTO clinician_link (id, clinician_id)\n"
  "  SELECT id, id FROM record WHERE table_name = 'clinician'\n"
  "  ON CONFLICT (id) DO NOTHING;\n",

  /* 5: file attachments (Open mSupply's sync_file_reference_row.rs). The row syncs with the
   * Open mSupply central; the transfer state (bytes moved, retries, direction, status, error)
   * is this site's own, never serialised, and the file synchroniser writes it without a
   * changelog row. A pulled reference arrives as a download that has not started.
   */
  "CREATE TABLE IF NOT EXISTS sync_file_reference (\n"
  "  id TEXT NOT NULL PRIMARY KEY,\n"
  "  table_name TEXT NOT NULL,\n"
  "  record_id TEXT NOT NULL,\n"
  "  file_name TEXT NOT NULL,\n"
  "  mime_type TEXT,\n"
  "  uploaded_bytes INTEGER NOT NULL DEFAULT 0,\n"
  "  downloaded_bytes INTEGER NOT NULL DEFAULT 0,\n"
  "  total_bytes INTEGER NOT NULL DEFAULT 0,\n"
  "  retries INTEGER NOT NULL DEFAULT 0,\n"
  "  retry_at TIMESTAMP,\n"
  "  direction TEXT NOT NULL DEFAULT 'DOWNLOAD'\n"
  "    CHECK (direction IN ('UPLOAD', 'DOWNLOAD')),\n"
  "  status TEXT NOT NULL DEFAULT 'NEW'\n"
  "    CHECK (status IN ('NEW', 'IN_PROGRESS', 'ERROR', 'DONE', 'PERMANENT_FAILURE')),\n"
  "  error TEXT,\n"
  "  created_datetime TIMESTAMP NOT NULL,\n"
  "  deleted_datetime TIMESTAMP\n"
  ");\n"
  "CREATE INDEX IF NOT EXISTS sync_file_reference_record\n"
  "  ON sync_file_reference (table_name, record_id);\n"
  "CREATE INDEX IF NOT EXISTS sync_file_reference_to_upload\n"
  "  ON sync_file_reference (status, retry_at)\n"
  "  WHERE direction = 'UPLOAD' AND deleted_datetime IS NULL;\n"
  /* References an older omsync kept generically become typed, as they would arrive now. */
  "INSERT OR IGNORE INTO sync_file_reference (id, table_name, record_id, file_name,\n"
  "    mime_type, total_bytes, created_datetime, deleted_datetime)\n"
  "  SELECT id, json_extract (data, '$.table_name'), json_extract (data, '$.record_id'),\n"
  "         json_extract (data, '$.file_name'), json_extract (data, '$.mime_type'),\n"
  "         coalesce (json_extract (data, '$.total_bytes'), 0),\n"
  "         json_extract (data, '$.created_datetime'), json_extract (data, '$.deleted_datetime')\n"
  "    FROM record\n"
  "   WHERE table_name = 'sync_file_reference' AND json_valid (data)\n"
  "     AND json_type (data, '$.table_name') = 'text'\n"
  "     AND json_type (data, '$.record_id') = 'text'\n"
  "     AND json_type (data, '$.file_name') = 'text'\n"
  "     AND json_type (data, '$.created_datetime') = 'text'\n"
  "     AND coalesce (json_type (data, '$.mime_type'), 'null') IN ('text', 'null')\n"
  "     AND coalesce (json_type (data, '$.total_bytes'), 'integer') = 'integer'\n"
  "     AND coalesce (json_type (data, '$.deleted_datetime'), 'null') IN ('text', 'null');\n"
  "DELETE FROM record WHERE table_name = 'sync_file_reference'\n"
  "  AND id IN (SELECT id FROM sync_file_reference);\n",

  /* 6: omsync's own figures for a run, beside Open mSupply's sync_log row, which keeps its
   * columns (and SQLite has no idempotent ADD COLUMN): bytes on the wire each way and the batch
   * sizes the adaptive pull chose (issue 12), and why a run failed beyond Open mSupply's
   * variant — a server down for maintenance, a connection lost, an untrusted certificate… — as
   * JSON (oms_sync_error_info_to_json()), so the message people read names it after a restart
   * too. A row only for a run that has any of them.
   */
  "CREATE TABLE IF NOT EXISTS sync_log_detail (\n"
  "  sync_log_id TEXT NOT NULL PRIMARY KEY,\n"
  "  bytes_down INTEGER NOT NULL DEFAULT 0,\n"
  "  bytes_up INTEGER NOT NULL DEFAULT 0,\n"
  "  batch_sizes TEXT,\n"
  "  error_info TEXT\n"
  ");\n",

  /* 7: when each local change was made (omsync's own), so the Records page and `pending
   * --list` say how long a record has been waiting to be sent. Changes made before, and those
   * integration writes, have no row: their time is not known (and is not needed).
   */
  "CREATE TABLE IF NOT EXISTS changelog_time (\n"
  "  cursor INTEGER NOT NULL PRIMARY KEY,\n"
  "  changed_datetime TIMESTAMP NOT NULL\n"
  ");\n"
  /* The pulled records that could not be integrated, for the Records page and `omsync-cli
   * failed`, newest first, without reading every row the buffer keeps.
   */
  "CREATE INDEX IF NOT EXISTS sync_buffer_failed\n"
  "  ON sync_buffer (integration_datetime) WHERE " OMS_SYNC_BUFFER_FAILED_SQL ";\n",

  /* 8: a mark instead of an outcome per row (OMS_KV_SYNC_BUFFER_INTEGRATED): integration
   * writes back only the rows that did not integrate cleanly, and nothing indexes the pending
   * rows, which are the rows after the mark. Rows still pending move after it, in the order
   * they were received; a store that has the mark already is left as it is.
   */
  "CREATE TEMP TABLE IF NOT EXISTS oms_migrate_pending AS\n"
  "  SELECT rowid AS old_rowid, * FROM sync_buffer\n"
  "   WHERE integration_datetime IS NULL AND NOT EXISTS (SELECT 1 FROM key_value_store\n"
  "         WHERE id = '" OMS_KV_SYNC_BUFFER_INTEGRATED "');\n"
  "DELETE FROM sync_buffer WHERE rowid IN (SELECT old_rowid FROM temp.oms_migrate_pending);\n"
  "INSERT OR IGNORE INTO key_value_store (id, value_bigint)\n"
  "  SELECT '" OMS_KV_SYNC_BUFFER_INTEGRATED "', coalesce (max (rowid), 0) FROM sync_buffer;\n"
  "INSERT INTO sync_buffer (record_id, received_datetime, integration_datetime,\n"
  "    integration_error, table_name, action, data, source_site_id)\n"
  "  SELECT record_id, received_datetime, NULL, NULL, table_name, action, data, source_site_id\n"
  "    FROM temp.oms_migrate_pending ORDER BY received_datetime, old_rowid;\n"
  "DROP TABLE temp.oms_migrate_pending;\n"
  "DROP INDEX IF EXISTS sync_buffer_pending;\n",
};

#define TEXT(n)        { n, OMS_COLUMN_TEXT, OMS_COLUMN_NULLABLE }
#define TEXT_REQ(n)    { n, OMS_COLUMN_TEXT, OMS_COLUMN_REQUIRED }
#define JSON_TEXT(n)   { n, OMS_COLUMN_JSON_TEXT, OMS_COLUMN_NULLABLE }
#define INT(n)         { n, OMS_COLUMN_INTEGER, OMS_COLUMN_NULLABLE }
#define INT_REQ(n)     { n, OMS_COLUMN_INTEGER, OMS_COLUMN_REQUIRED }
#define INT_ZERO(n)    { n, OMS_COLUMN_INTEGER, OMS_COLUMN_DEFAULT_ZERO }
#define DOUBLE(n)      { n, OMS_COLUMN_DOUBLE, OMS_COLUMN_NULLABLE }
#define DOUBLE_REQ(n)  { n, OMS_COLUMN_DOUBLE, OMS_COLUMN_REQUIRED }
#define DOUBLE_ZERO(n) { n, OMS_COLUMN_DOUBLE, OMS_COLUMN_DEFAULT_ZERO }
#define BOOL(n)        { n, OMS_COLUMN_BOOL, OMS_COLUMN_NULLABLE }
#define BOOL_FALSE(n)  { n, OMS_COLUMN_BOOL, OMS_COLUMN_DEFAULT_ZERO }

static const OmsColumnInfo name_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("name"), TEXT_REQ ("code"), TEXT_REQ ("type"),
  BOOL_FALSE ("is_customer"), BOOL_FALSE ("is_supplier"), TEXT ("supplying_store_id"),
  TEXT ("first_name"), TEXT ("last_name"), TEXT ("gender"), TEXT ("date_of_birth"),
  TEXT ("phone"), TEXT ("charge_code"), TEXT ("comment"), TEXT ("country"), TEXT ("address1"),
  TEXT ("address2"), TEXT ("email"), TEXT ("website"), BOOL_FALSE ("is_manufacturer"),
  BOOL_FALSE ("is_donor"), BOOL_FALSE ("on_hold"), TEXT ("next_of_kin_id"),
  TEXT ("next_of_kin_name"), TEXT ("created_datetime"), BOOL_FALSE ("is_deceased"),
  TEXT ("national_health_number"), TEXT ("date_of_death"), JSON_TEXT ("custom_data"),
  TEXT ("deleted_datetime"), TEXT ("hsh_code"), TEXT ("hsh_name"), DOUBLE ("margin"),
  DOUBLE ("freight_factor"), TEXT ("currency_id"),
};

static const OmsColumnInfo store_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("name_link_id"), TEXT_REQ ("code"), INT_REQ ("site_id"),
  TEXT ("logo"), TEXT_REQ ("store_mode"), TEXT ("created_date"), BOOL_FALSE ("is_disabled"),
};

static const OmsColumnInfo location_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("name"), TEXT_REQ ("code"), BOOL_FALSE ("on_hold"),
  TEXT_REQ ("store_id"), TEXT ("location_type_id"), DOUBLE_ZERO ("volume"),
};

static const OmsColumnInfo sensor_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("name"), TEXT_REQ ("serial"), TEXT ("location_id"),
  TEXT_REQ ("store_id"), INT ("battery_level"), INT ("log_interval"), BOOL_FALSE ("is_active"),
  TEXT ("last_connection_datetime"), TEXT_REQ ("type"),
};

static const OmsColumnInfo temperature_log_columns[] = {
  TEXT_REQ ("id"), DOUBLE_REQ ("temperature"), TEXT_REQ ("sensor_id"), TEXT ("location_id"),
  TEXT_REQ ("store_id"), TEXT_REQ ("datetime"), TEXT ("temperature_breach_id"),
};

static const OmsColumnInfo temperature_breach_columns[] = {
  TEXT_REQ ("id"), INT_REQ ("duration_milliseconds"), TEXT_REQ ("type"),
  TEXT_REQ ("sensor_id"), TEXT ("location_id"), TEXT_REQ ("store_id"),
  TEXT_REQ ("start_datetime"), TEXT ("end_datetime"), BOOL_FALSE ("unacknowledged"),
  DOUBLE_REQ ("threshold_minimum"), DOUBLE_REQ ("threshold_maximum"),
  INT_REQ ("threshold_duration_milliseconds"), TEXT ("comment"),
};

static const OmsColumnInfo asset_columns[] = {
  TEXT_REQ ("id"), TEXT ("notes"), TEXT ("asset_number"), TEXT ("asset_category_id"),
  TEXT ("asset_class_id"), TEXT ("asset_catalogue_type_id"), TEXT ("store_id"),
  TEXT ("serial_number"), TEXT ("asset_catalogue_item_id"), TEXT ("installation_date"),
  TEXT ("replacement_date"), TEXT_REQ ("created_datetime"), TEXT_REQ ("modified_datetime"),
  TEXT ("deleted_datetime"), JSON_TEXT ("properties"), TEXT ("donor_name_id"),
  TEXT ("warranty_start"), TEXT ("warranty_end"), BOOL ("needs_replacement"),
  JSON_TEXT ("locked_fields_json"),
};

static const OmsColumnInfo sync_file_reference_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("table_name"), TEXT_REQ ("record_id"), TEXT_REQ ("file_name"),
  TEXT ("mime_type"), INT_ZERO ("uploaded_bytes"), INT_ZERO ("downloaded_bytes"),
  INT_ZERO ("total_bytes"), INT_ZERO ("retries"), TEXT ("retry_at"), TEXT_REQ ("direction"),
  TEXT_REQ ("status"), TEXT ("error"), TEXT_REQ ("created_datetime"), TEXT ("deleted_datetime"),
};

/* What a pulled reference must not overwrite: the state of this site's own transfer. */
static const char * const sync_file_reference_local_columns[] = {
  "uploaded_bytes", "downloaded_bytes", "retries", "retry_at", "direction", "status", "error",
  NULL,
};

static const OmsColumnInfo asset_log_columns[] = {
  TEXT_REQ ("id"), TEXT_REQ ("asset_id"), TEXT_REQ ("user_id"), TEXT ("status"),
  TEXT ("comment"), TEXT ("type"), TEXT ("reason_id"), TEXT_REQ ("log_datetime"),
  TEXT_REQ ("created_datetime"),
};

#define COLUMNS(c) c, G_N_ELEMENTS (c)

/* The tables whose records are reached through links (migration 4), under the name their
 * records are stored by: `name` is typed, `item` and `clinician` are kept generically.
 */
#define LINK(table, column) \
  { table, table "_link", column, \
    "INSERT INTO " table "_link (id, " column ") VALUES (?1, ?1) ON CONFLICT (id) DO NOTHING" }

static const OmsLinkInfo links[] = {
  LINK ("name", "name_id"),
  LINK ("item", "item_id"),
  LINK ("clinician", "clinician_id"),
};

#undef LINK

/* In dependency order: a table comes after the tables its rows refer to. */
static const OmsTableInfo tables[] = {
  { "name", COLUMNS (name_columns), NULL, NULL, NULL },
  { "store", COLUMNS (store_columns), NULL, NULL, NULL },
  { "location", COLUMNS (location_columns), "store_id", NULL, NULL },
  { "sensor", COLUMNS (sensor_columns), "store_id", NULL, NULL },
  { "temperature_breach", COLUMNS (temperature_breach_columns), "store_id", NULL, NULL },
  { "temperature_log", COLUMNS (temperature_log_columns), "store_id", NULL, NULL },
  { "asset", COLUMNS (asset_columns), "store_id", NULL, NULL },
  /* Open mSupply files an asset log under its asset's store. */
  { "asset_log", COLUMNS (asset_log_columns), NULL,
    "SELECT store_id FROM asset WHERE id = ?1", "asset_id" },
  /* A file reference has no store: every site may fetch it (PROTOCOL.md §3.3). */
  { "sync_file_reference", COLUMNS (sync_file_reference_columns), NULL, NULL, NULL,
    sync_file_reference_local_columns },
};

/*
 * oms_store_schema_get_migration:
 * @version: the schema version the migration produces, from 1
 *
 * Returns: (nullable): the SQL of that migration, or %NULL past the newest one.
 */
const char *
oms_store_schema_get_migration (int version)
{
  if (version < 1 || version > (int) G_N_ELEMENTS (migrations))
    return NULL;

  return migrations[version - 1];
}

const OmsTableInfo *
oms_store_schema_lookup_table (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      if (g_str_equal (tables[i].name, table_name))
        return &tables[i];
    }

  return NULL;
}

const OmsTableInfo *
oms_store_schema_get_tables (guint *n_tables)
{
  *n_tables = G_N_ELEMENTS (tables);
  return tables;
}

/*
 * oms_store_schema_lookup_link:
 * @table_name: the table a record is stored under
 *
 * Returns: (nullable): how records of @table_name are linked, or %NULL when they have no links
 */
const OmsLinkInfo *
oms_store_schema_lookup_link (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      if (g_str_equal (links[i].table_name, table_name))
        return &links[i];
    }

  return NULL;
}

const OmsLinkInfo *
oms_store_schema_get_links (guint *n_links)
{
  *n_links = G_N_ELEMENTS (links);
  return links;
}

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == OMS_STORE_SCHEMA_VERSION);
