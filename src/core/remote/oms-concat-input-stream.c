/* oms-concat-input-stream.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-concat-input-stream"

#include "config.h"

#include "oms-concat-input-stream.h"

/* One stream that reads several in turn. An upload's multipart body is a few bytes of framing
 * around a file that may be large; reading the file through this stream lets libsoup send it
 * from disk instead of from a copy in memory. GLib 2.74 has no such stream of its own.
 *
 * Only the blocking read is implemented: GInputStream runs it in a worker thread for the
 * asynchronous reads libsoup makes, so the main loop never waits on the disk.
 */

struct _OmsConcatInputStream
{
  GInputStream  parent_instance;

  /* owned refs */
  GPtrArray    *streams;

  /* plain state */
  guint         current;
};

G_DEFINE_FINAL_TYPE (OmsConcatInputStream, oms_concat_input_stream, G_TYPE_INPUT_STREAM)

static gssize
oms_concat_input_stream_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  OmsConcatInputStream *self = OMS_CONCAT_INPUT_STREAM (stream);

  while (self->current < self->streams->len)
    {
      GInputStream *child = g_ptr_array_index (self->streams, self->current);
      gssize n = g_input_stream_read (child, buffer, count, cancellable, error);

      /* Data or an error; zero is the end of this part only. */
      if (n != 0)
        return n;

      self->current++;
    }

  return 0;
}

static gboolean
oms_concat_input_stream_close (GInputStream  *stream,
                               GCancellable  *cancellable,
                               GError       **error)
{
  OmsConcatInputStream *self = OMS_CONCAT_INPUT_STREAM (stream);
  gboolean ok = TRUE;

  /* Every part is closed, even after one fails; the first error is reported. */
  for (guint i = 0; i < self->streams->len; i++)
    {
      GInputStream *child = g_ptr_array_index (self->streams, i);

      if (!g_input_stream_close (child, cancellable, ok ? error : NULL))
        ok = FALSE;
    }

  return ok;
}

static void
oms_concat_input_stream_finalize (GObject *object)
{
  OmsConcatInputStream *self = OMS_CONCAT_INPUT_STREAM (object);

  g_clear_pointer (&self->streams, g_ptr_array_unref);

  G_OBJECT_CLASS (oms_concat_input_stream_parent_class)->finalize (object);
}

static void
oms_concat_input_stream_class_init (OmsConcatInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = oms_concat_input_stream_finalize;
  stream_class->read_fn = oms_concat_input_stream_read;
  stream_class->close_fn = oms_concat_input_stream_close;
}

static void
oms_concat_input_stream_init (OmsConcatInputStream *self)
{
  self->streams = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * oms_concat_input_stream_new:
 * @streams: (array length=n_streams): the streams to read, in order
 * @n_streams: how many
 *
 * Returns: (transfer full): a stream that reads all of @streams, one after the other, and
 *   closes them all when it is closed
 */
GInputStream *
oms_concat_input_stream_new (GInputStream * const *streams,
                             guint                 n_streams)
{
  OmsConcatInputStream *self;

  g_return_val_if_fail (streams != NULL || n_streams == 0, NULL);
  for (guint i = 0; i < n_streams; i++)
    g_return_val_if_fail (G_IS_INPUT_STREAM (streams[i]), NULL);

  self = g_object_new (OMS_TYPE_CONCAT_INPUT_STREAM, NULL);
  for (guint i = 0; i < n_streams; i++)
    g_ptr_array_add (self->streams, g_object_ref (streams[i]));

  return G_INPUT_STREAM (self);
}
