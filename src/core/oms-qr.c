/* oms-qr.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-qr"

#include "config.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "oms-qr.h"

/* The module matrix of a QR code, without its quiet zone, so the window and the command line
 * draw the same code. Error correction M survives a scuffed or glary screen.
 */

struct _OmsQrMatrix
{
  int     width;
  guint8 *modules;   /* width × width, row by row, 1 = dark */
};

/**
 * oms_qr_matrix_new:
 * @text: what the code encodes, as 8-bit data
 * @error: return location for a G_IO_ERROR
 *
 * Returns: (transfer full) (nullable): the matrix, or %NULL when @text cannot be encoded
 */
OmsQrMatrix *
oms_qr_matrix_new (const char  *text,
                   GError     **error)
{
  OmsQrMatrix *matrix;
  QRcode *code;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is nothing to encode in a QR code."));
      return NULL;
    }

  errno = 0;
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      int saved_errno = errno != 0 ? errno : EINVAL;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is the reason, an error message. */
                   _("Cannot make a QR code of this text: %s"), g_strerror (saved_errno));
      return NULL;
    }

  matrix = g_new0 (OmsQrMatrix, 1);
  matrix->width = code->width;
  n = (gsize)code->width * (gsize)code->width;
  matrix->modules = g_new (guint8, n);
  for (gsize i = 0; i < n; i++)
    matrix->modules[i] = code->data[i] & 1;

  QRcode_free (code);

  return matrix;
}

void
oms_qr_matrix_free (OmsQrMatrix *matrix)
{
  if (matrix == NULL)
    return;

  g_free (matrix->modules);
  g_free (matrix);
}

/**
 * oms_qr_matrix_get_width:
 * @matrix: a matrix
 *
 * Returns: the number of modules on each side, without the quiet zone
 */
int
oms_qr_matrix_get_width (const OmsQrMatrix *matrix)
{
  g_return_val_if_fail (matrix != NULL, 0);

  return matrix->width;
}

/**
 * oms_qr_matrix_get_module:
 * @matrix: a matrix
 * @x: the column, from 0
 * @y: the row, from 0
 *
 * Returns: whether the module is dark; outside the matrix (the quiet zone) it is light
 */
gboolean
oms_qr_matrix_get_module (const OmsQrMatrix *matrix,
                          int                x,
                          int                y)
{
  g_return_val_if_fail (matrix != NULL, FALSE);

  if (x < 0 || y < 0 || x >= matrix->width || y >= matrix->width)
    return FALSE;

  return matrix->modules[y * matrix->width + x] != 0;
}
