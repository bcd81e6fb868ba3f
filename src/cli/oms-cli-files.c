/* oms-cli-files.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "oms-cli-files.h"
#include "oms-cli-status.h"
#include "oms-sync-log.h"

/* `files`, `attach` and `download`: the files attached to records, which sync with the Open
 * mSupply central (PROTOCOL.md §3.2). Attaching copies a file into the store's file area and
 * records it for upload; `sync` and `serve` upload it once its reference has been pushed.
 */

static gint64
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) time = NULL;
  gint64 usec = 0;

  if (text == NULL)
    return 0;

  /* The store's own timestamps, or Open mSupply's NaiveDateTime (UTC, no zone). */
  if (oms_sync_parse_timestamp (text, &usec))
    return usec;

  utc = g_time_zone_new_utc ();
  time = g_date_time_new_from_iso8601 (text, utc);
  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC : 0;
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/**
 * oms_cli_files_to_json:
 * @references: (element-type OmsFileReference): the references
 * @data_dir: the store's data directory
 *
 * Returns: (transfer full): an array of `{id, tableName, recordId, fileName, mimeType,
 *   direction, status, uploadedBytes, downloadedBytes, totalBytes, retries, retryAt, error,
 *   created, deleted, path, present}`
 */
JsonNode *
oms_cli_files_to_json (GPtrArray  *references,
                       const char *data_dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < references->len; i++)
    {
      const OmsFileReference *reference = g_ptr_array_index (references, i);
      g_autofree char *path = oms_file_reference_dup_path (data_dir, reference);

      json_builder_begin_object (builder);
      oms_cli_json_add_string (builder, "id", reference->id);
      oms_cli_json_add_string (builder, "tableName", reference->table_name);
      oms_cli_json_add_string (builder, "recordId", reference->record_id);
      oms_cli_json_add_string (builder, "fileName", reference->file_name);
      oms_cli_json_add_string (builder, "mimeType", reference->mime_type);
      oms_cli_json_add_string (builder, "direction", reference->direction);
      oms_cli_json_add_string (builder, "status", reference->status);
      add_int (builder, "uploadedBytes", reference->uploaded_bytes);
      add_int (builder, "downloadedBytes", reference->downloaded_bytes);
      add_int (builder, "totalBytes", reference->total_bytes);
      add_int (builder, "retries", reference->retries);
      oms_cli_json_add_time (builder, "retryAt", parse_time (reference->retry_at));
      oms_cli_json_add_string (builder, "error", reference->error);
      oms_cli_json_add_time (builder, "created", parse_time (reference->created_datetime));
      oms_cli_json_add_time (builder, "deleted", parse_time (reference->deleted_datetime));
      oms_cli_json_add_string (builder, "path", path);
      json_builder_set_member_name (builder, "present");
      json_builder_add_boolean_value (builder, g_file_test (path, G_FILE_TEST_IS_REGULAR));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/* An error chain on one line. */
static char *
one_line (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  g_auto(GStrv) words = g_strsplit_set (g_strdelimit (copy, "\r\n\t", ' '), " ", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * oms_cli_files_to_text:
 * @references: (element-type OmsFileReference): the references
 *
 * Returns: (transfer full): one line per reference: id, direction, status, bytes moved,
 *   table/record and file name, tab-separated; then the error and the next retry, if any,
 *   on an indented line
 */
char *
oms_cli_files_to_text (GPtrArray *references)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < references->len; i++)
    {
      const OmsFileReference *reference = g_ptr_array_index (references, i);
      gboolean upload = g_strcmp0 (reference->direction, OMS_FILE_DIRECTION_UPLOAD) == 0;
      gint64 moved = upload ? reference->uploaded_bytes : reference->downloaded_bytes;
      /* Translators: bytes moved so far of a file's size, e.g. "2048 of 4096 bytes". */
      g_autofree char *bytes = g_strdup_printf (_("%" PRId64 " of %" PRId64 " bytes"),
                                                (int64_t) moved,
                                                (int64_t) reference->total_bytes);

      g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s/%s\t%s\n", reference->id,
                              reference->direction, reference->status, bytes,
                              reference->table_name, reference->record_id,
                              reference->file_name);

      if (reference->error != NULL)
        {
          g_autofree char *error = one_line (reference->error);

          if (g_strcmp0 (reference->status, OMS_FILE_STATUS_ERROR) == 0 && upload &&
              reference->retry_at != NULL)
            {
              g_autofree char *when = oms_cli_format_local_time (parse_time (reference->retry_at));

              /* Translators: a failed upload: the next attempt's time, then the error. */
              g_string_append_printf (out, _("    retry at %s: %s\n"), when, error);
            }
          else
            {
              /* Translators: the error of a failed file transfer. */
              g_string_append_printf (out, _("    error: %s\n"), error);
            }
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * oms_cli_file_outcome_to_text:
 * @reference: a reference whose upload attempt just ended
 *
 * Returns: (transfer full) (nullable): a line saying how the upload went, or %NULL when it is
 *   not the end of an upload attempt
 */
char *
oms_cli_file_outcome_to_text (const OmsFileReference *reference)
{
  g_autofree char *error = NULL;

  if (g_strcmp0 (reference->direction, OMS_FILE_DIRECTION_UPLOAD) != 0)
    return NULL;

  if (reference->error != NULL)
    error = one_line (reference->error);

  if (g_strcmp0 (reference->status, OMS_FILE_STATUS_DONE) == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: the first %s is the file's name, the
                                          * second its id (a long code); the number is the file's
                                          * size in bytes, e.g. “File “fridge.pdf” (0f3c…):
                                          * uploaded, 200000 bytes.” */
                                         "File “%s” (%s): uploaded, %" PRId64 " byte.\n",
                                         "File “%s” (%s): uploaded, %" PRId64 " bytes.\n",
                                         (gulong) MIN (reference->uploaded_bytes, G_MAXLONG)),
                            reference->file_name, reference->id,
                            (int64_t) reference->uploaded_bytes);

  if (g_strcmp0 (reference->status, OMS_FILE_STATUS_ERROR) == 0)
    {
      g_autofree char *when = oms_cli_format_local_time (parse_time (reference->retry_at));

      /* Translators: the file's name, its id (a long code), the local date and time of the next
       * attempt (e.g. “2026-01-07 23:45”) and the reason the upload failed. */
      return g_strdup_printf (_("File “%s” (%s): upload failed, trying again at %s: %s\n"),
                              reference->file_name, reference->id, when, error);
    }

  if (g_strcmp0 (reference->status, OMS_FILE_STATUS_PERMANENT_FAILURE) == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: the file's name, its id (a long code),
                                          * the number of attempts made and the reason the last
                                          * one failed. */
                                         "File “%s” (%s): upload failed for good after %d attempt: %s\n",
                                         "File “%s” (%s): upload failed for good after %d attempts: %s\n",
                                         reference->retries + 1),
                            reference->file_name, reference->id, reference->retries + 1, error);

  return NULL;
}

static void
upload_file_changed_cb (OmsFileSync *file_sync,
                        const char  *id,
                        gpointer     user_data)
{
  OmsStore *store = oms_sync_engine_get_store (oms_file_sync_get_engine (file_sync));
  g_autoptr(OmsFileReference) reference = oms_file_reference_get (store, id, NULL);
  g_autofree char *text = reference != NULL ? oms_cli_file_outcome_to_text (reference) : NULL;

  if (text != NULL)
    oms_cli_printerr (text);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * oms_cli_upload_files:
 * @engine: the engine of a sync that has just succeeded
 * @cancellable: (nullable): cancels the uploads
 *
 * What `sync` does after a successful run: uploads the files that are due, one line per file
 * on standard error. A file that fails is retried later and does not fail the sync.
 */
void
oms_cli_upload_files (OmsSyncEngine *engine,
                      GCancellable  *cancellable)
{
  g_autoptr(OmsFileSync) file_sync = oms_file_sync_new (engine);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OmsFileSyncCounts counts;
  gulong changed_id;

  changed_id = g_signal_connect (file_sync, "file-changed",
                                 G_CALLBACK (upload_file_changed_cb), NULL);
  oms_file_sync_upload_async (file_sync, cancellable, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (file_sync, changed_id);

  if (!oms_file_sync_upload_finish (file_sync, result, &counts, &error))
    {
      /* Translators: %s is the reason, an error message. */
      g_printerr (_("Files were not uploaded: %s\n"), error->message);
      return;
    }

  if (counts.uploaded + counts.failed > 0)
    {
      /* Translators: %u is a number of files uploaded; part of “Files: 1 uploaded, 0 failed.” */
      g_autofree char *uploaded = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u uploaded",
                                                                "%u uploaded", counts.uploaded),
                                                   counts.uploaded);
      /* Translators: %u is a number of files that failed to upload; part of “Files: 1 uploaded,
       * 0 failed.” */
      g_autofree char *failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed",
                                                              "%u failed", counts.failed),
                                                 counts.failed);

      /* Translators: the summary after uploading files: the first %s is “N uploaded”, the second
       * “N failed”, e.g. “Files: 1 uploaded, 0 failed.” */
      g_printerr (_("Files: %s, %s.\n"), uploaded, failed);
    }
}

/*
 * files
 */

int
oms_cli_files (OmsCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the files as a JSON array"), NULL },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "files",
                                   _("Lists the files attached to records: the files this site "
                                     "uploads to the Open mSupply central server and those it "
                                     "can download from it, with how far each has got."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  references = oms_file_reference_list (store, &error);
  if (references == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = oms_cli_files_to_json (references,
                                                        oms_store_get_data_dir (store));
      g_autofree char *text = oms_cli_json_to_string (node);

      oms_cli_print (text);
    }
  else if (references->len == 0)
    {
      g_printerr ("%s\n", _("No files are attached to records. Attach one with “omsync-cli "
                            "attach --table TABLE --record ID FILE”."));
    }
  else
    {
      g_autofree char *text = oms_cli_files_to_text (references);

      oms_cli_print (text);
    }

  return OMS_CLI_EXIT_OK;
}

/*
 * attach
 */

int
oms_cli_attach (OmsCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  g_autoptr(OmsFileReference) reference = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *message = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "table", 0, 0, G_OPTION_ARG_STRING, &table,
      /* Translators: a placeholder in --help for a table's name (e.g. asset); write it in
       * capitals. */
      N_("The table of the record the file is about, e.g. asset"), N_("TABLE") },
    /* Translators: a placeholder in --help for a record's id (ID = identifier); write it in
     * capitals. */
    { "record", 0, 0, G_OPTION_ARG_STRING, &record, N_("The record's id"), N_("ID") },
    { "mime-type", 0, 0, G_OPTION_ARG_STRING, &mime_type,
      /* Translators: a placeholder in --help for a file's type (a MIME type such as
       * application/pdf); write it in capitals. */
      N_("The file's type (default: guessed from its name and contents)"), N_("TYPE") },
    /* Translators: a placeholder in --help for a file's path; write it in capitals. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("FILE") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "attach",
                                   _("Attaches FILE to a record: copies it into this site's "
                                     "data and records it for upload. The next sync sends the "
                                     "record of it to the Open mSupply central server, then "
                                     "uploads the file."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (table == NULL || record == NULL || *table == '\0' || *record == '\0')
    return oms_cli_usage_error (context, _("Give the record with --table and --record."));
  if (rest == NULL || rest[0] == NULL)
    return oms_cli_usage_error (context, _("Give the file to attach."));
  if (rest[1] != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Unexpected argument “%s”"), rest[1]);

      return oms_cli_usage_error (context, text);
    }

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  /* The first sync jumps the push cursors past everything already written: a file attached
   * before it would never be sent.
   */
  engine = oms_sync_engine_new (store);
  if (oms_sync_engine_get_mode (engine) != OMS_SYNC_MODE_OPERATIONAL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  _("Files can be attached once this site has finished its first sync. Run "
                    "“omsync-cli sync” first."));
      return OMS_CLI_EXIT_FAILURE;
    }

  source = g_file_new_for_commandline_arg (rest[0]);
  reference = oms_file_reference_attach (store, table, record, source, mime_type, &error);
  if (reference == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  /* Translators: the file's name, the record's table (e.g. “asset”), the record's id, and the
   * file's new id; e.g. “Attached “fridge.pdf” to asset 5A3F… as file 0F3C…”. */
  message = g_strdup_printf (_("Attached “%s” to %s %s as file %s. The next sync uploads it.\n"),
                             reference->file_name, reference->table_name, reference->record_id,
                             reference->id);
  oms_cli_print (message);
  return OMS_CLI_EXIT_OK;
}

/*
 * download
 */

static gboolean
download_signal_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

int
oms_cli_download (OmsCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  g_autoptr(OmsFileSync) file_sync = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) rest = NULL;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      /* Translators: a placeholder in --help for a path; write it in capitals. */
      N_("Also copy the file to PATH"), N_("PATH") },
    /* Translators: a placeholder in --help for a file's id; write it in capitals. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, N_("FILE-ID") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "download",
                                   _("Downloads the file FILE-ID (see “omsync-cli files”) from "
                                     "the Open mSupply central server into this site's data, "
                                     "and prints where it is."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (rest == NULL || rest[0] == NULL)
    return oms_cli_usage_error (context, _("Give the id of the file to download."));
  if (rest[1] != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Unexpected argument “%s”"), rest[1]);

      return oms_cli_usage_error (context, text);
    }

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  engine = oms_sync_engine_new (store);
  file_sync = oms_file_sync_new (engine);
  cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, download_signal_cb, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, download_signal_cb, cancellable);

  oms_file_sync_download_async (file_sync, rest[0], cancellable, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  path = oms_file_sync_download_finish (file_sync, result, &error);
  if (path == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr ("%s\n", _("The download was cancelled; nothing was changed."));
          return OMS_CLI_EXIT_FAILURE;
        }
      text = oms_cli_error_to_text (error);
      oms_cli_printerr (text);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (output != NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (path);
      g_autoptr(GFile) to = g_file_new_for_commandline_arg (output);

      if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return OMS_CLI_EXIT_FAILURE;
        }
      g_clear_pointer (&path, g_free);
      path = g_file_get_path (to);
    }

  line = g_strconcat (path, "\n", NULL);
  oms_cli_print (line);
  return OMS_CLI_EXIT_OK;
}
