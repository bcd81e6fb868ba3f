/* oms-translate-sql.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-translate-sql"

#include "config.h"

#include <string.h>

#include "oms-store-private.h"
#include "oms-translate-private.h"
#include "oms-translate-check.h"
#include "oms-translate-sql.h"

/* The set-based form of a typed table's pull translation (PROTOCOL.md §7), derived from the
 * same field maps as oms_translate_pull(). It exists for speed: SQLite's JSON1 reads a record
 * several times faster than json-glib, and one INSERT … SELECT writes a page of records.
 *
 * The two paths must write the same rows, so every field gets two pieces of SQL:
 *
 * - a value: what pull_field() puts in the column, as the store binds it (booleans as 0/1,
 *   numbers as REAL, dates printed by the same C code through oms_pull_date());
 * - a condition under which that value is exact. Where the field holds something the C code
 *   would turn into an error, or where json-glib and JSON1 could read the text differently,
 *   the condition is false and the record is left to the per-record path, which reports the
 *   error as it always has.
 *
 * json-glib and SQLite 3.40's JSON1 agree on well-formed JSON except in a few places, which
 * the record-wide condition rules out before any field is read (oms_json_is_plain()):
 *
 * - invalid UTF-8 and lone surrogate escapes: json-glib rejects the record, JSON1 takes it;
 * - a key given twice: json-glib keeps the last value, JSON1's json_extract() the first;
 * - a key spelled with \u escapes: json-glib decodes it, json_extract() compares it raw;
 * - an integer beyond 64 bits: json-glib wraps or saturates it, JSON1 makes it a REAL (the
 *   integer conditions below ask for typeof () = 'integer');
 * - a real: json-glib uses strtod(); Debian's SQLite build does too, but SQLite's own
 *   sqlite3AtoF() rounds some literals differently, so real fields are only used when a probe
 *   shows JSON1 parses reals exactly (json_reals_are_exact()).
 */

#define SQL_FUNCTION_FLAGS (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

static gboolean derive_pull (const char      *sync_table,
                             const char      *data_sql,
                             const char      *store_key_sql,
                             OmsTranslateSql *out,
                             CheckProgram    *program);

/* oms_pull_simple (sync_table, text): the simple condition of oms_translate_sql_pull() for
 * @sync_table, run in C. The program is derived once per statement (the table is a literal)
 * and kept as the argument's auxiliary data.
 */
static void
pull_simple_func (sqlite3_context  *context,
                  int               argc,
                  sqlite3_value   **argv)
{
  CheckProgram *program = sqlite3_get_auxdata (context, 0);
  const char *text;

  if (program == NULL)
    {
      g_auto(OmsTranslateSql) sql = { 0 };
      const char *sync_table = (const char *) sqlite3_value_text (argv[0]);

      program = _oms_translate_check_program_new ();
      if (sync_table == NULL || !derive_pull (sync_table, "NULL", "NULL", &sql, program))
        {
          _oms_translate_check_program_free (program);
          sqlite3_result_error (context, "oms_pull_simple: no set-based form", -1);
          return;
        }
      sqlite3_set_auxdata (context, 0, program, _oms_translate_check_program_free);
      /* SQLite may free it at once; then the next row derives it again. */
      program = sqlite3_get_auxdata (context, 0);
      if (program == NULL)
        {
          sqlite3_result_error_nomem (context);
          return;
        }
    }

  text = (const char *) sqlite3_value_text (argv[1]);
  sqlite3_result_int (context, _oms_translate_check_program_run (program, text,
                                                                sqlite3_value_bytes (argv[1])));
}

/*
 * SQL functions
 */

/* oms_json_is_plain (text, needle, …): the text is valid UTF-8 without NULs and without \u
 * escapes, and each needle ("key", quotes included) occurs in it at most once. Without \u a
 * key made of plain characters can only be written one way, so a key read twice would show as
 * two occurrences; a needle inside a string value only costs the fast path that record.
 */
static void
json_is_plain_func (sqlite3_context  *context,
                    int               argc,
                    sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  int length = sqlite3_value_bytes (argv[0]);

  if (text == NULL || strlen (text) != (gsize) length ||
      !g_utf8_validate (text, length, NULL) || strstr (text, "\\u") != NULL)
    {
      sqlite3_result_int (context, 0);
      return;
    }

  for (int i = 1; i < argc; i++)
    {
      const char *needle = (const char *) sqlite3_value_text (argv[i]);
      const char *first = needle != NULL ? strstr (text, needle) : NULL;

      if (first != NULL && strstr (first + 1, needle) != NULL)
        {
          sqlite3_result_int (context, 0);
          return;
        }
    }

  sqlite3_result_int (context, 1);
}

static gboolean
is_date_kind (int kind)
{
  return kind == KIND_LEGACY_DATE || kind == KIND_DATE_OR_NULL || kind == KIND_DATETIME ||
         kind == KIND_DATETIME_OR_EPOCH || kind == KIND_DATETIME_OR_NULL;
}

/* oms_pull_date_ok (kind, value) and oms_pull_date (kind, value): whether pull_field()
 * accepts the json_extract() value of a date field of that kind, and the text it stores. NULL
 * is no value (absent or null); a number or a boolean is a wrong type, and an object or an
 * array comes as JSON text, which is never a date.
 */
static void
pull_date_func (sqlite3_context  *context,
                int               argc,
                sqlite3_value   **argv)
{
  gboolean want_ok = GPOINTER_TO_INT (sqlite3_user_data (context));
  int kind = sqlite3_value_int (argv[0]);
  int type = sqlite3_value_type (argv[1]);
  const char *text = (const char *) sqlite3_value_text (argv[1]);
  char buffer[OMS_TRANSLATE_DATE_SIZE];
  const char *printed = NULL;
  gboolean ok;

  if (!is_date_kind (kind))
    {
      sqlite3_result_error (context, "oms_pull_date: not a date kind", -1);
      return;
    }

  ok = (type == SQLITE_TEXT || type == SQLITE_NULL) &&
       oms_translate_pull_date_text (kind, text, want_ok ? NULL : buffer, &printed);
  if (want_ok)
    sqlite3_result_int (context, ok);
  else if (printed != NULL)
    sqlite3_result_text (context, printed, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null (context);
}

/* oms_pull_date_at (date, seconds): a legacy date field (the record's text, as for
 * oms_pull_date) at a time of day, as pull_datetime() stores it; NULL when there is no date.
 */
static void
pull_date_at_func (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  gint64 seconds = sqlite3_value_int64 (argv[1]);
  char date_buffer[OMS_TRANSLATE_DATE_SIZE];
  char buffer[OMS_TRANSLATE_DATE_SIZE];
  const char *date;

  if (seconds < 0 || seconds >= 86400)
    {
      sqlite3_result_error (context, "oms_pull_date_at: not a time of day", -1);
      return;
    }

  if (sqlite3_value_type (argv[0]) != SQLITE_TEXT ||
      !oms_translate_pull_date_text (KIND_LEGACY_DATE, text, date_buffer, &date) ||
      date == NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  oms_translate_pull_date_at (date, (int) seconds, buffer);
  sqlite3_result_text (context, buffer, -1, SQLITE_TRANSIENT);
}

/**
 * oms_translate_sql_add_functions:
 * @db: a connection that will run the SQL of oms_translate_sql_pull()
 *
 * Returns: %FALSE when SQLite refused a function
 */
gboolean
oms_translate_sql_add_functions (sqlite3 *db)
{
  static const struct
  {
    const char *name;
    int         n_args;
    gboolean    want_ok;
    void      (*func) (sqlite3_context *, int, sqlite3_value **);
  } functions[] = {
    { "oms_json_is_plain", -1, FALSE, json_is_plain_func },
    { "oms_pull_simple", 2, FALSE, pull_simple_func },
    { "oms_pull_date_ok", 2, TRUE, pull_date_func },
    { "oms_pull_date", 2, FALSE, pull_date_func },
    { "oms_pull_date_at", 2, FALSE, pull_date_at_func },
  };

  g_return_val_if_fail (db != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      if (sqlite3_create_function (db, functions[i].name, functions[i].n_args,
                                   SQL_FUNCTION_FLAGS, GINT_TO_POINTER (functions[i].want_ok),
                                   functions[i].func, NULL, NULL) != SQLITE_OK)
        return FALSE;
    }

  return TRUE;
}

/* Literals that SQLite's sqlite3AtoF() and strtod() (so json-glib's g_strtod()) round to
 * different doubles. A JSON1 built to use sqlite3AtoF() gets at least one of them wrong.
 */
static const char * const real_probes[] = {
  "-9.637683", "5.248224", "7.295404", "-5.045404", "4.314276", "-1.577681", "9.956677",
  "-1.988649", "8.643567", "5.954901", "-5.373224", "-7.923346", "1e-300", "0.1",
};

static gboolean
probe_json_reals (void)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean exact = FALSE;

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT json_extract (?1, '$.v')", -1, &stmt, NULL) != SQLITE_OK)
    goto out;

  exact = TRUE;
  for (guint i = 0; exact && i < G_N_ELEMENTS (real_probes); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"v\":%s}", real_probes[i]);
      double expected = g_ascii_strtod (real_probes[i], NULL);
      double got;

      sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
      exact = sqlite3_step (stmt) == SQLITE_ROW &&
              sqlite3_column_type (stmt, 0) == SQLITE_FLOAT;
      got = sqlite3_column_double (stmt, 0);
      exact = exact && memcmp (&got, &expected, sizeof got) == 0;
      sqlite3_reset (stmt);
    }

out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (!exact)
    g_debug ("SQLite's JSON1 does not parse reals as strtod() does: "
             "tables with real fields are integrated record by record");
  return exact;
}

static gboolean
json_reals_are_exact (void)
{
  static gsize result = 0;

  if (g_once_init_enter (&result))
    g_once_init_leave (&result, probe_json_reals () ? 1 : 2);

  return result == 1;
}

/*
 * Building the SQL
 */

typedef struct
{
  const char   *data;    /* SQL of the record's text */
  GString      *simple;  /* the conditions, joined with AND */
  GString      *needles; /* the keys read, as oms_json_is_plain() arguments */
  CheckProgram *program; /* the same conditions, for oms_pull_simple() */
} Builder;

/* Keys and enum values go into SQL literals and JSON paths as they are. */
static gboolean
is_plain_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != ' ')
        return FALSE;
    }

  return TRUE;
}

/* Returns the key's slot in the check program, or -1 when it cannot go into SQL. */
static int
read_key (Builder    *b,
          const char *key)
{
  int slot;

  if (!is_plain_name (key))
    return -1;

  g_string_append_printf (b->needles, ", '\"%s\"'", key);
  slot = find_slot (b->program, key, strlen (key));
  if (slot >= 0)
    return slot;
  if (b->program->n_keys == CHECK_MAX_KEYS)
    return -1;

  b->program->keys[b->program->n_keys] = key;
  b->program->key_lengths[b->program->n_keys] = strlen (key);
  b->program->length_mask |= length_bit (strlen (key));
  return b->program->n_keys++;
}

/* Adds a step to the check program and returns its index. */
static guint
add_step (Builder         *b,
          const CheckStep *step)
{
  g_array_append_vals (b->program->steps, step, 1);
  return b->program->steps->len - 1;
}

static CheckStep *
get_step (Builder *b,
          guint    index)
{
  return &g_array_index (b->program->steps, CheckStep, index);
}

static char *
type_of (Builder    *b,
         const char *key)
{
  return g_strdup_printf ("json_type (%s, '$.\"%s\"')", b->data, key);
}

static char *
value_of (Builder    *b,
          const char *key)
{
  return g_strdup_printf ("json_extract (%s, '$.\"%s\"')", b->data, key);
}

static void
add_condition (Builder    *b,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

static void
add_condition (Builder    *b,
               const char *format,
               ...)
{
  va_list args;

  g_string_append (b->simple, " AND (");
  va_start (args, format);
  g_string_append_vprintf (b->simple, format, args);
  va_end (args);
  g_string_append_c (b->simple, ')');
}

/* Whether the store's bind_column() accepts what pull_field() makes of @kind for @type. */
static gboolean
kind_fits_column (FieldKind     kind,
                  OmsColumnType type)
{
  switch (kind)
    {
    case KIND_STRING:
    case KIND_STRING_OR_NULL:
    case KIND_STRING_EMPTY_NULL:
    case KIND_JSON_STRING_OR_NULL:
    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
    case KIND_DATETIME:
    case KIND_DATETIME_OR_EPOCH:
    case KIND_DATETIME_OR_NULL:
    case KIND_ENUM:
    case KIND_ENUM_OR_NULL:
      return type == OMS_COLUMN_TEXT || type == OMS_COLUMN_JSON_TEXT;

    case KIND_BOOL:
    case KIND_BOOL_NOT:
    case KIND_BOOL_OR_NULL:
      return type == OMS_COLUMN_BOOL;

    case KIND_INT:
    case KIND_INT_OR_NULL:
      return type == OMS_COLUMN_INTEGER;

    case KIND_DOUBLE:
    case KIND_DOUBLE_OR_NULL:
      return type == OMS_COLUMN_DOUBLE;

    default:
      return FALSE;
    }
}

/* Whether the value of @kind can be NULL on a record that meets its condition. */
static gboolean
kind_is_nullable (FieldKind kind)
{
  switch (kind)
    {
    case KIND_STRING:
    case KIND_BOOL:
    case KIND_BOOL_NOT:
    case KIND_INT:
    case KIND_DOUBLE:
    case KIND_DATETIME:
    case KIND_DATETIME_OR_EPOCH:
    case KIND_ENUM:
      return FALSE;

    case KIND_STRING_OR_NULL:
    case KIND_STRING_EMPTY_NULL:
    case KIND_JSON_STRING_OR_NULL:
    case KIND_BOOL_OR_NULL:
    case KIND_INT_OR_NULL:
    case KIND_DOUBLE_OR_NULL:
    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
    case KIND_DATETIME_OR_NULL:
    case KIND_ENUM_OR_NULL:
    default:
      return TRUE;
    }
}

static char *
enum_list (const char * const *values)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      if (!is_plain_name (values[i]))
        {
          g_string_free (list, TRUE);
          return NULL;
        }
      g_string_append_printf (list, "%s'%s'", i > 0 ? ", " : "", values[i]);
    }

  if (list->len == 0)
    {
      g_string_free (list, TRUE);
      return NULL;
    }

  return g_string_free (list, FALSE);
}

/* One FieldMap: adds the condition under which pull_field() succeeds and the value below is
 * the one it stores; returns that value, or NULL when the kind has no SQL form.
 *
 * T is the member's JSON type (NULL when absent, 'null' for null), V its SQL value.
 */
static char *
field_sql (Builder        *b,
           const FieldMap *field,
           guint          *step)
{
  g_autofree char *t = NULL;
  g_autofree char *v = NULL;
  g_autofree char *list = NULL;
  CheckStep check = { FALSE, field->kind, field->values, 0, 0, -1, FALSE, FALSE };
  int slot = read_key (b, field->key);

  if (slot < 0)
    return NULL;
  check.slot = slot;
  *step = add_step (b, &check);

  t = type_of (b, field->key);
  v = value_of (b, field->key);

  switch (field->kind)
    {
    case KIND_STRING:
      add_condition (b, "%s = 'text'", t);
      return g_strdup (v);

    case KIND_STRING_OR_NULL:
    case KIND_JSON_STRING_OR_NULL:
      /* An object in a JSON-string field is a wrong type to pull_field(), so not simple. */
      add_condition (b, "coalesce (%s, 'null') IN ('text', 'null')", t);
      return g_strdup (v);

    case KIND_STRING_EMPTY_NULL:
      add_condition (b, "coalesce (%s, 'null') IN ('text', 'null')", t);
      return g_strdup_printf ("nullif (%s, '')", v);

    case KIND_BOOL:
      add_condition (b, "%s IN ('true', 'false')", t);
      return g_strdup (v);

    case KIND_BOOL_NOT:
      add_condition (b, "%s IN ('true', 'false')", t);
      return g_strdup_printf ("1 - %s", v);

    case KIND_BOOL_OR_NULL:
      add_condition (b, "coalesce (%s, 'null') IN ('true', 'false', 'null')", t);
      return g_strdup (v);

    case KIND_INT:
      add_condition (b, "%s = 'integer' AND %s BETWEEN %d AND %d", t, v, G_MININT32, G_MAXINT32);
      return g_strdup (v);

    case KIND_INT_OR_NULL:
      add_condition (b, "CASE coalesce (%s, 'null') WHEN 'null' THEN 1 "
                     "WHEN 'integer' THEN %s BETWEEN %d AND %d ELSE 0 END",
                     t, v, G_MININT32, G_MAXINT32);
      return g_strdup (v);

    case KIND_DOUBLE:
    case KIND_DOUBLE_OR_NULL:
      /* The store binds the double json-glib read: strtod() for a real, the integer's value
       * for an integer (SQLite makes an integer beyond 64 bits a REAL; json-glib wraps it).
       */
      if (!json_reals_are_exact ())
        return NULL;
      add_condition (b, "CASE coalesce (%s, 'null') WHEN 'null' THEN %d WHEN 'real' THEN 1 "
                     "WHEN 'integer' THEN typeof (%s) = 'integer' ELSE 0 END",
                     t, field->kind == KIND_DOUBLE_OR_NULL, v);
      return g_strdup_printf ("CAST (%s AS REAL)", v);

    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
    case KIND_DATETIME:
    case KIND_DATETIME_OR_NULL:
      /* oms_pull_date_ok() tells types apart itself: the JSON type would cost another look-up. */
      add_condition (b, "oms_pull_date_ok (%d, %s)", field->kind, v);
      return g_strdup_printf ("oms_pull_date (%d, %s)", field->kind, v);

    case KIND_DATETIME_OR_EPOCH:
      /* Absent takes the default; null is missing. */
      add_condition (b, "%s IS NOT 'null' AND oms_pull_date_ok (%d, %s)", t, field->kind, v);
      return g_strdup_printf ("oms_pull_date (%d, %s)", field->kind, v);

    case KIND_ENUM:
      list = enum_list (field->values);
      if (list == NULL)
        return NULL;
      add_condition (b, "%s = 'text' AND %s IN (%s)", t, v, list);
      return g_strdup (v);

    case KIND_ENUM_OR_NULL:
      list = enum_list (field->values);
      if (list == NULL)
        return NULL;
      add_condition (b, "CASE coalesce (%s, 'null') WHEN 'null' THEN 1 "
                     "WHEN 'text' THEN %s = '' OR %s IN (%s) ELSE 0 END", t, v, v, list);
      return g_strdup_printf ("nullif (%s, '')", v);

    default:
      return NULL;
    }
}

/* One DateTimeMap, as pull_datetime() reads it: the override when it is not empty, else the
 * legacy date at the time of day (seconds since midnight, anything else is midnight).
 */
static char *
datetime_sql (Builder           *b,
              const DateTimeMap *dtm,
              guint             *step)
{
  g_autofree char *v_override = NULL;
  g_autofree char *v_date = NULL;
  g_autofree char *seconds = NULL;
  char *value;
  CheckStep check = { TRUE, KIND_DATETIME_OR_NULL, NULL, 0, 0, -1, dtm->required, FALSE };
  int override_slot = read_key (b, dtm->override_key);
  int date_slot = read_key (b, dtm->date_key);
  int time_slot = dtm->time_key != NULL ? read_key (b, dtm->time_key) : -1;

  if (override_slot < 0 || date_slot < 0 || (dtm->time_key != NULL && time_slot < 0))
    return NULL;
  check.slot = override_slot;
  check.date_slot = date_slot;
  check.time_slot = time_slot;
  *step = add_step (b, &check);

  v_override = value_of (b, dtm->override_key);
  v_date = value_of (b, dtm->date_key);

  add_condition (b, "oms_pull_date_ok (%d, %s)", KIND_DATETIME_OR_NULL, v_override);
  add_condition (b, "oms_pull_date_ok (%d, %s)", KIND_LEGACY_DATE, v_date);

  if (dtm->time_key != NULL)
    {
      g_autofree char *t_time = type_of (b, dtm->time_key);
      g_autofree char *v_time = value_of (b, dtm->time_key);

      /* The member must be there, even null; an integer beyond 64 bits reads differently. */
      add_condition (b, "%s IS NOT NULL AND (%s <> 'integer' OR typeof (%s) = 'integer')",
                     t_time, t_time, v_time);
      seconds = g_strdup_printf ("CASE WHEN %s = 'integer' AND %s BETWEEN 0 AND 86399 "
                                 "THEN %s ELSE 0 END", t_time, v_time, v_time);
    }
  else
    {
      seconds = g_strdup ("0");
    }

  value = g_strdup_printf ("coalesce (oms_pull_date (%d, %s), oms_pull_date_at (%s, %s))",
                           KIND_DATETIME_OR_NULL, v_override, v_date, seconds);
  if (dtm->required)
    add_condition (b, "%s IS NOT NULL", value);

  return value;
}

typedef struct
{
  const char *column;
  gboolean    nullable;
  gboolean    is_text;
  FieldKind   kind;
  char       *value;
  guint       step;     /* its step in the check program */
} Producer;

static void
producer_clear (gpointer data)
{
  Producer *producer = data;

  g_free (producer->value);
}

/* The store's lookup of a record's store, with the key in place of its one parameter. */
static char *
store_lookup_sql (const char *lookup,
                  const char *key_sql)
{
  g_auto(GStrv) parts = g_strsplit (lookup, "?1", -1);

  if (g_strv_length (parts) != 2)
    return NULL;

  return g_strdup_printf ("(%s(%s)%s)", parts[0], key_sql, parts[1]);
}

/**
 * oms_translate_sql_clear:
 * @self: SQL from oms_translate_sql_pull()
 *
 * Frees what @self holds and sets its members to %NULL.
 */
void
oms_translate_sql_clear (OmsTranslateSql *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->local_table, g_free);
  g_clear_pointer (&self->simple, g_free);
  g_clear_pointer (&self->simple_json1, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->store_key, g_free);
  g_clear_pointer (&self->columns, g_free);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->updates, g_free);
  g_clear_pointer (&self->store_id, g_free);
}

/* oms_translate_sql_pull(), which also fills @program: the simple condition as steps for
 * oms_pull_simple() to run in C.
 */
static gboolean
derive_pull (const char      *sync_table,
             const char      *data_sql,
             const char      *store_key_sql,
             OmsTranslateSql *out,
             CheckProgram    *program)
{
  g_autoptr(GArray) producers = NULL;
  g_autoptr(GString) conditions = NULL;
  g_autoptr(GString) needles = NULL;
  g_autoptr(GString) columns = NULL;
  g_autoptr(GString) values = NULL;
  g_autoptr(GString) updates = NULL;
  g_autofree char *id = NULL;
  g_autofree char *store_key = NULL;
  const char *store_key_column;
  const OmsTableInfo *table;
  const TableMap *map;
  Builder b;

  memset (out, 0, sizeof *out);

  /* A hook is C code over the whole record; its tables keep the per-record path. The name
   * goes into oms_pull_simple()'s SQL literal.
   */
  map = oms_translate_lookup_pull_map (sync_table);
  if (map == NULL || map->pull_hook != NULL || !is_plain_name (sync_table))
    return FALSE;
  table = oms_store_schema_lookup_table (map->local_table);
  if (table == NULL)
    return FALSE;

  conditions = g_string_new (NULL);
  needles = g_string_new (NULL);
  b.data = data_sql;
  b.simple = conditions;
  b.needles = needles;
  b.program = program;

  g_string_append_printf (conditions, "json_type (%s) = 'object'", data_sql);

  /* Every field is checked, also those the table has no column for: pull_field() fails on
   * them all the same.
   */
  producers = g_array_new (FALSE, TRUE, sizeof (Producer));
  g_array_set_clear_func (producers, producer_clear);
  for (guint i = 0; i < map->n_fields; i++)
    {
      Producer producer = { map->fields[i].column, kind_is_nullable (map->fields[i].kind),
                            FALSE, map->fields[i].kind, NULL, 0 };

      producer.value = field_sql (&b, &map->fields[i], &producer.step);

      if (producer.value == NULL)
        return FALSE;
      g_array_append_val (producers, producer);
    }
  for (guint i = 0; i < map->n_datetimes; i++)
    {
      Producer producer = { map->datetimes[i].column, !map->datetimes[i].required, TRUE,
                            KIND_DATETIME_OR_NULL, NULL, 0 };

      producer.value = datetime_sql (&b, &map->datetimes[i], &producer.step);

      if (producer.value == NULL)
        return FALSE;
      g_array_append_val (producers, producer);
    }

  /* The row as the store's bind_column() writes it from the translated object. */
  columns = g_string_new (NULL);
  values = g_string_new (NULL);
  updates = g_string_new (NULL);
  store_key_column = table->store_column != NULL ? table->store_column : table->store_lookup_key;
  for (guint i = 0; i < table->n_columns; i++)
    {
      const OmsColumnInfo *column = &table->columns[i];
      const Producer *producer = NULL;
      g_autofree char *value = NULL;

      for (guint j = 0; j < producers->len; j++)
        {
          const Producer *p = &g_array_index (producers, Producer, j);

          if (!g_str_equal (p->column, column->name))
            continue;
          if (producer != NULL)
            return FALSE;
          producer = p;
        }

      if (producer == NULL)
        {
          if (column->presence == OMS_COLUMN_REQUIRED)
            return FALSE;
          value = g_strdup (column->presence == OMS_COLUMN_DEFAULT_ZERO ? "0" : "NULL");
        }
      else
        {
          if (producer->is_text ? (column->type != OMS_COLUMN_TEXT &&
                                   column->type != OMS_COLUMN_JSON_TEXT)
                                : !kind_fits_column (producer->kind, column->type))
            return FALSE;

          if (producer->nullable && column->presence == OMS_COLUMN_DEFAULT_ZERO)
            value = g_strdup_printf ("coalesce (%s, 0)", producer->value);
          else
            value = g_strdup (producer->value);
          if (producer->nullable && column->presence == OMS_COLUMN_REQUIRED)
            {
              add_condition (&b, "%s IS NOT NULL", value);
              get_step (&b, producer->step)->not_null = TRUE;
            }
        }

      /* oms_store_upsert_record() wants a non-empty id. */
      if (g_str_equal (column->name, "id"))
        {
          add_condition (&b, "%s <> ''", value);
          id = g_strdup (value);
          if (producer == NULL)
            return FALSE;
          get_step (&b, producer->step)->not_null = TRUE;
          get_step (&b, producer->step)->not_empty = TRUE;
        }
      if (store_key_column != NULL && g_str_equal (column->name, store_key_column))
        store_key = g_strdup (value);

      g_string_append_printf (columns, "%s\"%s\"", i > 0 ? ", " : "", column->name);
      g_string_append_printf (values, "%s%s", i > 0 ? ", " : "", value);
      /* As the store's upsert: a row's own local state stays (OmsTableInfo.local_columns). */
      if (i > 0 && !(table->local_columns != NULL &&
                     g_strv_contains (table->local_columns, column->name)))
        g_string_append_printf (updates, "%s\"%s\" = excluded.\"%s\"",
                                updates->len > 0 ? ", " : "", column->name, column->name);
    }

  if (id == NULL)
    return FALSE;

  if (table->store_column != NULL)
    {
      out->store_id = g_strdup (store_key_sql);
    }
  else if (table->store_lookup != NULL)
    {
      out->store_id = store_lookup_sql (table->store_lookup, store_key_sql);
      if (out->store_id == NULL)
        return FALSE;
    }
  else
    {
      out->store_id = g_strdup ("NULL");
    }

  out->local_table = g_strdup (map->local_table);
  out->simple = g_strdup_printf ("oms_pull_simple ('%s', %s)", sync_table, data_sql);
  out->simple_json1 = g_strdup_printf ("CASE WHEN oms_json_is_plain (%s%s) AND json_valid (%s) "
                                       "THEN %s ELSE 0 END",
                                       data_sql, needles->str, data_sql, conditions->str);
  out->id = g_steal_pointer (&id);
  out->store_key = store_key != NULL ? g_steal_pointer (&store_key) : g_strdup ("NULL");
  out->columns = g_string_free (g_steal_pointer (&columns), FALSE);
  out->values = g_string_free (g_steal_pointer (&values), FALSE);
  out->updates = g_string_free (g_steal_pointer (&updates), FALSE);

  return TRUE;
}

/**
 * oms_translate_sql_pull:
 * @sync_table: the sync table name pulled upserts come under
 * @data_sql: SQL giving a record's text, such as `b.data`
 * @store_key_sql: SQL giving the value @out's store_key had for that record
 * @out: (out caller-allocates): the SQL; clear it with oms_translate_sql_clear()
 *
 * Derives the set-based form of oms_translate_pull() followed by oms_store_upsert_record()
 * for @sync_table from its field maps and its table's columns. The statements that use it
 * need the functions of oms_translate_sql_add_functions().
 *
 * Tables kept generically, tables whose translation has a hook, and fields of a kind that has
 * no SQL form have none: their records go through the per-record path. Like the store's
 * bind_column(), the SQL takes the presence of each column (OmsColumnInfo) to match the
 * table's NOT NULL constraints: a statement that broke one would fail the whole pass.
 *
 * Returns: %TRUE when @sync_table has a set-based form
 */
gboolean
oms_translate_sql_pull (const char      *sync_table,
                        const char      *data_sql,
                        const char      *store_key_sql,
                        OmsTranslateSql *out)
{
  g_autoptr(CheckProgram) program = NULL;

  g_return_val_if_fail (sync_table != NULL, FALSE);
  g_return_val_if_fail (data_sql != NULL, FALSE);
  g_return_val_if_fail (store_key_sql != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  program = _oms_translate_check_program_new ();
  if (derive_pull (sync_table, data_sql, store_key_sql, out, program))
    return TRUE;

  oms_translate_sql_clear (out);
  return FALSE;
}
