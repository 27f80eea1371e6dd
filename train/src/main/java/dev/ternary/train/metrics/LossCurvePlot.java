package dev.ternary.train.metrics;

import dev.ternary.convert.output.StagedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code loss.png}: training loss (and its moving average) and held-out loss against steps, drawn with XChart. */
public final class LossCurvePlot {
    public static final String FILE_NAME = "loss.png";
    private static final int SMOOTHING = 20;

    private LossCurvePlot() {}

    /** Draws the curves and replaces {@code dir/loss.png} atomically. */
    public static void write(Path dir, String title, List<StepMetrics> steps, List<EvalMetrics> evals)
            throws IOException {
        if (steps.isEmpty()) {
            return;
        }
        // Charts render off-screen; a server without a display must not need one.
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step")
                .yAxisTitle("loss (nats/token)").build();
        chart.getStyler().setMarkerSize(5);
        double[] x = steps.stream().mapToDouble(StepMetrics::step).toArray();
        double[] y = steps.stream().mapToDouble(StepMetrics::loss).toArray();
        XYSeries raw = chart.addSeries("train loss", x, y);
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineWidth(0.6f);
        XYSeries smooth = chart.addSeries("train loss (avg " + SMOOTHING + ")", x, movingAverage(y));
        smooth.setMarker(SeriesMarkers.NONE);
        if (!evals.isEmpty()) {
            XYSeries e = chart.addSeries("held-out loss (deployed)",
                    evals.stream().mapToDouble(EvalMetrics::step).toArray(),
                    evals.stream().mapToDouble(EvalMetrics::loss).toArray());
            e.setMarker(SeriesMarkers.CIRCLE);
        }
        StagedFile.write(dir.resolve(FILE_NAME), out -> BitmapEncoder.saveBitmap(chart, out,
                BitmapEncoder.BitmapFormat.PNG));
    }

    private static double[] movingAverage(double[] y) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= SMOOTHING) {
                sum -= y[i - SMOOTHING];
            }
            out[i] = sum / Math.min(i + 1, SMOOTHING);
        }
        return out;
    }
}
