/* oms-qr-code.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-qr-code"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-qr-code.h"
#include "oms-qr.h"

/* A QR code drawn as one rectangle per run of dark modules, at a whole number of pixels per
 * module, so it stays sharp and a phone (or zbarimg) reads it from the screen. It is black
 * on white whatever the theme, with the quiet zone included, because readers need the
 * contrast and the margin. GTK 4.8 has no nearest-neighbour texture scaling, hence rectangles.
 */

struct _OmsQrCode
{
  GtkWidget    parent_instance;

  char        *text;
  OmsQrMatrix *matrix;
  int          module_size;   /* the requested size; the drawn one follows the allocation */
};

G_DEFINE_FINAL_TYPE (OmsQrCode, oms_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_MODULE_SIZE,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const GdkRGBA black = { 0.0f, 0.0f, 0.0f, 1.0f };
static const GdkRGBA white = { 1.0f, 1.0f, 1.0f, 1.0f };

/* Modules on each side, quiet zone included. */
static int
oms_qr_code_get_span (OmsQrCode *self)
{
  if (self->matrix == NULL)
    return 0;

  return oms_qr_matrix_get_width (self->matrix) + 2 * OMS_QR_QUIET_ZONE;
}

static void
oms_qr_code_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  OmsQrCode *self = OMS_QR_CODE (widget);
  int span = oms_qr_code_get_span (self);

  /* One pixel a module is the least a reader can still resolve. */
  *minimum = span;
  *natural = span * self->module_size;
  *minimum_baseline = -1;
  *natural_baseline = -1;
}

/**
 * oms_qr_code_get_drawn_module_size:
 * @self: an #OmsQrCode
 * @offset_x: (out) (optional): where the quiet zone starts, from the widget's left
 * @offset_y: (out) (optional): where the quiet zone starts, from the widget's top
 *
 * Returns: the pixels per module at the current size, 0 with nothing to draw
 */
int
oms_qr_code_get_drawn_module_size (OmsQrCode *self,
                                   int       *offset_x,
                                   int       *offset_y)
{
  int width;
  int height;
  int span;
  int px;

  g_return_val_if_fail (OMS_IS_QR_CODE (self), 0);

  span = oms_qr_code_get_span (self);
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));

  if (span == 0 || MIN (width, height) < span)
    px = 0;
  else
    px = MIN (width, height) / span;

  if (offset_x != NULL)
    *offset_x = (width - span * px) / 2;
  if (offset_y != NULL)
    *offset_y = (height - span * px) / 2;

  return px;
}

static void
oms_qr_code_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  OmsQrCode *self = OMS_QR_CODE (widget);
  int n;
  int px;
  int x0;
  int y0;
  int span;

  px = oms_qr_code_get_drawn_module_size (self, &x0, &y0);
  if (px == 0)
    return;

  n = oms_qr_matrix_get_width (self->matrix);
  span = oms_qr_code_get_span (self);

  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x0, y0, span * px, span * px));

  x0 += OMS_QR_QUIET_ZONE * px;
  y0 += OMS_QR_QUIET_ZONE * px;

  for (int y = 0; y < n; y++)
    {
      int x = 0;

      while (x < n)
        {
          int run;

          if (!oms_qr_matrix_get_module (self->matrix, x, y))
            {
              x++;
              continue;
            }

          for (run = 1; x + run < n && oms_qr_matrix_get_module (self->matrix, x + run, y); run++)
            ;

          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + x * px, y0 + y * px,
                                                          run * px, px));
          x += run;
        }
    }
}

static void
oms_qr_code_update_accessible (OmsQrCode *self)
{
  g_autofree char *label = NULL;

  /* Translators: %s is the URL the QR code encodes. */
  label = g_strdup_printf (_("QR code of the server URL, %s"), self->text ? self->text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
oms_qr_code_pressed_cb (OmsQrCode       *self,
                        int              n_press,
                        double           x,
                        double           y,
                        GtkGestureClick *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
oms_qr_code_released_cb (OmsQrCode       *self,
                         int              n_press,
                         double           x,
                         double           y,
                         GtkGestureClick *gesture)
{
  if (gtk_widget_contains (GTK_WIDGET (self), x, y))
    gtk_widget_activate (GTK_WIDGET (self));
}

static void
oms_qr_code_finalize (GObject *object)
{
  OmsQrCode *self = (OmsQrCode *)object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->matrix, oms_qr_matrix_free);

  G_OBJECT_CLASS (oms_qr_code_parent_class)->finalize (object);
}

static void
oms_qr_code_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  OmsQrCode *self = OMS_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_MODULE_SIZE:
      g_value_set_int (value, self->module_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_qr_code_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  OmsQrCode *self = OMS_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      oms_qr_code_set_text (self, g_value_get_string (value));
      break;

    case PROP_MODULE_SIZE:
      oms_qr_code_set_module_size (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_qr_code_class_init (OmsQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = oms_qr_code_finalize;
  object_class->get_property = oms_qr_code_get_property;
  object_class->set_property = oms_qr_code_set_property;

  widget_class->measure = oms_qr_code_measure;
  widget_class->snapshot = oms_qr_code_snapshot;

  /**
   * OmsQrCode:text:
   *
   * What the code encodes: the cold chain server URL.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsQrCode:module-size:
   *
   * The pixels per module the code asks for; it draws at the largest whole number of pixels
   * per module that fits its allocation.
   */
  properties[PROP_MODULE_SIZE] =
    g_param_spec_int ("module-size", NULL, NULL,
                      1, 64, 2,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsQrCode::activate:
   *
   * Emitted on a click, Enter or Space: the page opens the enlarged view.
   */
  signals[ACTIVATE] =
    g_signal_new ("activate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_activate_signal (widget_class, signals[ACTIVATE]);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Return, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_ISO_Enter, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_KP_Enter, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_space, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_KP_Space, 0, "activate", NULL);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
oms_qr_code_init (OmsQrCode *self)
{
  GtkGesture *click;

  self->module_size = 2;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  /* A QR code is never mirrored: in a right-to-left window it stays as scanners read it. */
  gtk_widget_set_direction (GTK_WIDGET (self), GTK_TEXT_DIR_LTR);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (oms_qr_code_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "released", G_CALLBACK (oms_qr_code_released_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  oms_qr_code_update_accessible (self);
}

GtkWidget *
oms_qr_code_new (void)
{
  return g_object_new (OMS_TYPE_QR_CODE, NULL);
}

const char *
oms_qr_code_get_text (OmsQrCode *self)
{
  g_return_val_if_fail (OMS_IS_QR_CODE (self), NULL);

  return self->text;
}

/**
 * oms_qr_code_set_text:
 * @self: an #OmsQrCode
 * @text: (nullable): what to encode, or %NULL to draw nothing
 */
void
oms_qr_code_set_text (OmsQrCode  *self,
                      const char *text)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (OMS_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->matrix, oms_qr_matrix_free);

  if (text != NULL && *text != '\0')
    {
      self->matrix = oms_qr_matrix_new (text, &error);
      if (self->matrix == NULL)
        g_debug ("No QR code for %s: %s", text, error->message);
    }

  oms_qr_code_update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

int
oms_qr_code_get_module_size (OmsQrCode *self)
{
  g_return_val_if_fail (OMS_IS_QR_CODE (self), 0);

  return self->module_size;
}

void
oms_qr_code_set_module_size (OmsQrCode *self,
                             int        module_size)
{
  g_return_if_fail (OMS_IS_QR_CODE (self));
  g_return_if_fail (module_size >= 1);

  if (self->module_size == module_size)
    return;

  self->module_size = module_size;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODULE_SIZE]);
}

/**
 * oms_qr_code_get_n_modules:
 * @self: an #OmsQrCode
 *
 * Returns: the modules on each side of the code, quiet zone excluded; 0 with no code
 */
int
oms_qr_code_get_n_modules (OmsQrCode *self)
{
  g_return_val_if_fail (OMS_IS_QR_CODE (self), 0);

  return self->matrix != NULL ? oms_qr_matrix_get_width (self->matrix) : 0;
}

/**
 * oms_qr_code_get_module:
 * @self: an #OmsQrCode
 * @x: the column, quiet zone excluded
 * @y: the row, quiet zone excluded
 *
 * Returns: whether the module is drawn dark
 */
gboolean
oms_qr_code_get_module (OmsQrCode *self,
                        int        x,
                        int        y)
{
  g_return_val_if_fail (OMS_IS_QR_CODE (self), FALSE);

  return self->matrix != NULL && oms_qr_matrix_get_module (self->matrix, x, y);
}
