/*===- svg_plot.c - Line charts as SVG files ------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*/

#include "svg_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
  kPanelWidth = 520,
  kPanelHeight = 340,
  kLeft = 70,
  kRight = 20,
  kTop = 40,
  kBottom = 50,
};

static const char *const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c",
                                       "#ff7f0e", "#9467bd", "#8c564b",
                                       "#e377c2", "#7f7f7f"};

/// Writes `text` with XML's special characters escaped.
static void write_escaped(FILE *out, const char *text) {
  for (const char *c = text ? text : ""; *c; ++c) {
    switch (*c) {
    case '<':
      fputs("&lt;", out);
      break;
    case '>':
      fputs("&gt;", out);
      break;
    case '&':
      fputs("&amp;", out);
      break;
    case '"':
      fputs("&quot;", out);
      break;
    default:
      fputc(*c, out);
    }
  }
}

/// The value plotted for y: log10(y) on a log axis (NaN if y <= 0).
static double transform_y(double y, int log_y) {
  if (!log_y)
    return y;
  return y > 0 ? log10(y) : NAN;
}

static double point_x(const svg_plot_series_t *s, int i) {
  return s->x ? (double)s->x[i] : (double)i;
}

/// A tick step of 1, 2 or 5 times a power of ten, giving about 5 ticks.
static double nice_step(double span) {
  double raw = span / 5.0;
  double magnitude = pow(10.0, floor(log10(raw)));
  double fraction = raw / magnitude;
  double nice = fraction < 1.5   ? 1.0
                : fraction < 3.5 ? 2.0
                : fraction < 7.5 ? 5.0
                                 : 10.0;
  return nice * magnitude;
}

/// Widens [*lo, *hi] to a non-empty range.
static void widen(double *lo, double *hi) {
  if (!(*lo < *hi)) {
    double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
    *lo -= pad;
    *hi += pad;
  }
}

static void write_panel(FILE *out, const svg_plot_panel_t *panel,
                        double offset_x) {
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (int s = 0; s < panel->num_series; ++s) {
    const svg_plot_series_t *series = &panel->series[s];
    for (int i = 0; i < series->count; ++i) {
      double x = point_x(series, i);
      double y = transform_y(series->y[i], panel->log_y);
      if (!isfinite(x) || !isfinite(y))
        continue;
      x_lo = fmin(x_lo, x);
      x_hi = fmax(x_hi, x);
      y_lo = fmin(y_lo, y);
      y_hi = fmax(y_hi, y);
    }
  }
  if (!isfinite(x_lo)) { /* No finite point at all. */
    x_lo = 0;
    x_hi = 1;
    y_lo = 0;
    y_hi = 1;
  }
  widen(&x_lo, &x_hi);
  widen(&y_lo, &y_hi);
  double y_pad = 0.05 * (y_hi - y_lo);
  y_lo -= y_pad;
  y_hi += y_pad;

  double plot_w = kPanelWidth - kLeft - kRight;
  double plot_h = kPanelHeight - kTop - kBottom;
  double x0 = offset_x + kLeft, y0 = kTop;
#define PX(x) (x0 + ((x)-x_lo) / (x_hi - x_lo) * plot_w)
#define PY(y) (y0 + plot_h - ((y)-y_lo) / (y_hi - y_lo) * plot_h)

  /* Frame, grid and ticks. */
  fprintf(out,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
          "fill=\"white\" stroke=\"#333\"/>\n",
          x0, y0, plot_w, plot_h);
  double x_step = nice_step(x_hi - x_lo);
  for (double t = ceil(x_lo / x_step) * x_step; t <= x_hi + 1e-9 * x_step;
       t += x_step) {
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"middle\" font-size=\"11\">%g</text>\n",
            PX(t), y0, PX(t), y0 + plot_h, PX(t), y0 + plot_h + 15,
            fabs(t) < 1e-12 * x_step ? 0.0 : t);
  }
  /* Log axes label whole decades, thinned to at most about 6 labels. */
  double y_step = panel->log_y ? fmax(1.0, ceil((y_hi - y_lo) / 6.0))
                               : nice_step(y_hi - y_lo);
  for (double t = ceil(y_lo / y_step) * y_step; t <= y_hi + 1e-9 * y_step;
       t += y_step) {
    double label =
        panel->log_y ? pow(10.0, t) : (fabs(t) < 1e-12 * y_step ? 0.0 : t);
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"end\" font-size=\"11\">%g</text>\n",
            x0, PY(t), x0 + plot_w, PY(t), x0 - 5, PY(t) + 4, label);
  }

  /* Series. */
  for (int s = 0; s < panel->num_series; ++s) {
    const svg_plot_series_t *series = &panel->series[s];
    const char *color =
        series->color ? series->color
                      : kPalette[s % (sizeof(kPalette) / sizeof(kPalette[0]))];
    if (series->style == SVG_PLOT_MARKERS) {
      for (int i = 0; i < series->count; ++i) {
        double x = point_x(series, i);
        double y = transform_y(series->y[i], panel->log_y);
        if (isfinite(x) && isfinite(y))
          fprintf(out,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
                  PX(x), PY(y), color);
      }
    } else {
      fprintf(out,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s "
              "points=\"",
              color,
              series->style == SVG_PLOT_DASHED_LINE
                  ? " stroke-dasharray=\"6,4\""
                  : "");
      for (int i = 0; i < series->count; ++i) {
        double x = point_x(series, i);
        double y = transform_y(series->y[i], panel->log_y);
        if (isfinite(x) && isfinite(y))
          fprintf(out, "%.1f,%.1f ", PX(x), PY(y));
      }
      fputs("\"/>\n", out);
    }
    /* Legend entry. */
    double ly = y0 + 14 + 16 * s;
    double lx = x0 + plot_w - 150;
    if (series->style == SVG_PLOT_MARKERS)
      fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
              lx + 10, ly - 4, color);
    else
      fprintf(out,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "stroke=\"%s\" stroke-width=\"1.8\"%s/>\n",
              lx, ly - 4, lx + 20, ly - 4, color,
              series->style == SVG_PLOT_DASHED_LINE
                  ? " stroke-dasharray=\"6,4\""
                  : "");
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", lx + 26, ly);
    write_escaped(out, series->label);
    fputs("</text>\n", out);
  }
#undef PX
#undef PY

  /* Title and axis labels. */
  fprintf(out,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
          "font-size=\"14\" font-weight=\"bold\">",
          x0 + plot_w / 2, y0 - 14.0);
  write_escaped(out, panel->title);
  fprintf(out,
          "</text>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
          "font-size=\"12\">",
          x0 + plot_w / 2, y0 + plot_h + 38);
  write_escaped(out, panel->x_label);
  fprintf(out,
          "</text>\n<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
          "text-anchor=\"middle\" font-size=\"12\">",
          offset_x + 18, y0 + plot_h / 2);
  write_escaped(out, panel->y_label);
  fputs("</text>\n", out);
}

int svg_plot_write(const char *path, const svg_plot_panel_t *panels,
                   int num_panels) {
  if (!path || !panels || num_panels < 1) {
    fprintf(stderr, "error: svg_plot_write: invalid arguments\n");
    return -1;
  }
  for (int p = 0; p < num_panels; ++p)
    for (int s = 0; s < panels[p].num_series; ++s)
      if (panels[p].series[s].count < 0 ||
          (panels[p].series[s].count > 0 && !panels[p].series[s].y)) {
        fprintf(stderr,
                "error: svg_plot_write: series %d of panel %d has "
                "no data\n",
                s, p);
        return -1;
      }
  FILE *out = fopen(path, "w");
  if (!out) {
    fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  fprintf(out,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" font-family=\"sans-serif\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          kPanelWidth * num_panels, kPanelHeight);
  for (int p = 0; p < num_panels; ++p)
    write_panel(out, &panels[p], (double)p * kPanelWidth);
  fputs("</svg>\n", out);
  if (fclose(out) != 0) {
    fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}
