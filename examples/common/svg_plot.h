/*===- svg_plot.h - Line charts as SVG files --------------------*- C -*-===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * A small writer of line and scatter charts as standalone SVG files, so the
 * examples can draw their loss curves and predictions without a plotting
 * library (Debian has none for C that is worth the dependency). A figure has
 * one or more panels side by side; each panel has axes with ticks, a title,
 * axis labels and a legend.
 *
 *===-----------------------------------------------------------------------===*/

#ifndef RNNC_EXAMPLES_SVG_PLOT_H
#define RNNC_EXAMPLES_SVG_PLOT_H

#ifdef __cplusplus
extern "C" {
#endif

/// How a series is drawn.
typedef enum svg_plot_style_t {
  SVG_PLOT_LINE,        /* a solid polyline */
  SVG_PLOT_DASHED_LINE, /* a dashed polyline */
  SVG_PLOT_MARKERS,     /* a circle at each point */
} svg_plot_style_t;

/// One series: `count` points (x[i], y[i]). `x` may be NULL for 0, 1, ...
/// Non-finite points are skipped. `color` is any SVG color ("#1f77b4");
/// NULL picks one from a fixed palette by the series' index.
typedef struct svg_plot_series_t {
  const char *label;
  const float *x;
  const float *y;
  int count;
  svg_plot_style_t style;
  const char *color;
} svg_plot_series_t;

/// One panel of a figure.
typedef struct svg_plot_panel_t {
  const char *title;
  const char *x_label;
  const char *y_label;
  const svg_plot_series_t *series;
  int num_series;
  /// Nonzero: a logarithmic y axis (non-positive values are skipped).
  int log_y;
} svg_plot_panel_t;

/// Writes `num_panels` panels side by side to `path` as an SVG file.
/// Returns 0, or -1 (after printing why to stderr) if the file cannot be
/// written or an argument is invalid.
int svg_plot_write(const char *path, const svg_plot_panel_t *panels,
                   int num_panels);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNC_EXAMPLES_SVG_PLOT_H
