package io.ramshift.tools;

import io.ramshift.engine.transfer.TransferProgress;
import io.ramshift.engine.transfer.TransferStats;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Watches a transfer for the command line: a progress bar on a terminal, per-stage figures for {@code --stats}
 * and an HTML throughput chart for {@code --report}.
 */
final class TransferMonitor implements AutoCloseable
{
    private final TransferProgress progress = new TransferProgress();
    private final Thread poller;
    private volatile boolean done;

    TransferMonitor(final String task, final long totalPages, final boolean bar)
    {
        if (bar && System.console() != null)
        {
            poller = new Thread(() -> drive(task, totalPages), "ramshift-progress");
            poller.setDaemon(true);
            poller.start();
        }
        else
        {
            poller = null;
        }
    }

    TransferProgress progress()
    {
        return progress;
    }

    private void drive(final String task, final long totalPages)
    {
        follow(task, totalPages, progress::pagesDone, () -> done);
    }

    /**
     * Draw a progress bar of pages on the terminal until {@code finished} says so or the thread is interrupted.
     *
     * @param task     name on the bar.
     * @param total    pages expected.
     * @param done     pages done so far.
     * @param finished true once the work ended.
     */
    static void follow(final String task, final long total, final LongSupplier done, final BooleanSupplier finished)
    {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII).setUnit(" pages", 1).setUpdateIntervalMillis(200)
            .continuousUpdate().build())
        {
            while (!finished.getAsBoolean())
            {
                bar.stepTo(done.getAsLong());
                try
                {
                    Thread.sleep(100);
                }
                catch (final InterruptedException ex)
                {
                    break;
                }
            }
            bar.stepTo(done.getAsLong());
        }
    }

    public void close()
    {
        done = true;
        if (poller != null)
        {
            try
            {
                poller.join(2000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    void printStats(final PrintWriter out, final TransferStats sender, final TransferStats receiver)
    {
        final double wall = sender.seconds();
        final long contentBytes = (sender.dataPages + sender.dupPages) * 4096L;
        final double threadSeconds = wall * sender.streams;
        final double scanSeconds = Math.max(0, threadSeconds - (sender.hashNanos + sender.codecNanos +
            sender.socketNanos) / 1e9);
        out.printf(Locale.ROOT, "  per stage (thread seconds; rates over the time spent in the stage)%n");
        stage(out, "scan", scanSeconds, sender.imageBytes, sender.imagePages);
        stage(out, "hash", sender.hashNanos / 1e9, contentBytes, contentBytes / 4096);
        stage(out, "compress", sender.codecNanos / 1e9, sender.rawDataBytes, sender.rawDataBytes / 4096);
        stage(out, "send", sender.socketNanos / 1e9, sender.bytesSent, -1);
        if (receiver != null)
        {
            stage(out, "recv+wait", receiver.socketNanos / 1e9, receiver.bytesReceived, -1);
            stage(out, "decode", receiver.codecNanos / 1e9, receiver.rawDataBytes, receiver.rawDataBytes / 4096);
            stage(out, "write", receiver.fileNanos / 1e9, receiver.bytesWritten, receiver.bytesWritten / 4096);
            stage(out, "fsync", receiver.syncNanos / 1e9, receiver.bytesWritten, -1);
        }
        final Histogram h = progress.batchNanos();
        out.printf(Locale.ROOT, "  batch latency (scan of its first run to end of its write, %,d batches): p50 %.0f us  " +
            "p90 %.0f us  p99 %.0f us  max %.0f us%n", h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
            h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
        out.flush();
    }

    private static void stage(final PrintWriter out, final String name, final double seconds, final long bytes,
        final long pages)
    {
        final String rate = seconds <= 0 ? "-" : String.format(Locale.ROOT, "%.2f GB/s", bytes / seconds / 1e9);
        final String pageRate = pages < 0 || seconds <= 0 ? "" :
            String.format(Locale.ROOT, "  %,.0f pages/s", pages / seconds);
        out.printf(Locale.ROOT, "    %-9s %8.3f s  %,15d bytes  %12s%s%n", name, seconds, bytes, rate, pageRate);
    }

    void writeReport(final Path path, final String title, final TransferStats sender)
    {
        writeReport(path, title, sender, null);
    }

    void writeReport(final Path path, final String title, final TransferStats sender,
        final io.ramshift.engine.live.LiveRounds rounds)
    {
        final int n = progress.samples();
        final StringBuilder points = new StringBuilder();
        double maxRate = 0;
        final double[] rates = new double[n];
        final double[] times = new double[n];
        for (int i = 0; i < n; i++)
        {
            final long dt = i == 0 ? progress.sampleNanos(0) : progress.sampleNanos(i) - progress.sampleNanos(i - 1);
            final long dp = i == 0 ? progress.samplePages(0) : progress.samplePages(i) - progress.samplePages(i - 1);
            times[i] = progress.sampleNanos(i) / 1e9;
            rates[i] = dt <= 0 ? 0 : dp * 4096.0 / dt;
            maxRate = Math.max(maxRate, rates[i]);
        }
        final double maxTime = n == 0 ? 1 : Math.max(times[n - 1], 1e-3);
        for (int i = 0; i < n; i++)
        {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", 60 + 680 * times[i] / maxTime,
                310 - 280 * (maxRate == 0 ? 0 : rates[i] / maxRate)));
        }
        final Histogram h = progress.batchNanos();
        final String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>ramshift report</title>" +
            "<style>body{font-family:sans-serif}</style></head><body><h1>" + escape(title) + "</h1>" +
            String.format(Locale.ROOT, "<p>%,d bytes in %.3f s (%.2f GB/s of image); %,d bytes on the wire; " +
            "%,d batches, latency p50 %.0f us, p99 %.0f us, max %.0f us</p>", sender.imageBytes, sender.seconds(),
            sender.imageBytes / sender.seconds() / 1e9, sender.bytesSent, h.getTotalCount(),
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3) +
            "<h2>Throughput over time (GB/s of image covered)</h2>" +
            "<svg width=\"760\" height=\"340\" style=\"border:1px solid #ccc\">" +
            "<polyline fill=\"none\" stroke=\"#2a7\" stroke-width=\"2\" points=\"" + points + "\"/>" +
            String.format(Locale.ROOT, "<text x=\"5\" y=\"35\" font-size=\"12\">%.1f GB/s</text>", maxRate) +
            "<text x=\"5\" y=\"310\" font-size=\"12\">0</text>" +
            String.format(Locale.ROOT, "<text x=\"690\" y=\"330\" font-size=\"12\">%.2f s</text>", maxTime) +
            "</svg>" + roundsTable(rounds, sender) + "</body></html>";
        try
        {
            Files.writeString(path, html);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write report " + path, ex);
        }
    }

    private static String roundsTable(final io.ramshift.engine.live.LiveRounds rounds, final TransferStats sender)
    {
        if (rounds == null)
        {
            return "";
        }
        final StringBuilder html = new StringBuilder(String.format(Locale.ROOT,
            "<h2>Live rounds</h2><p>%s; downtime %.3f s (stop hook to destination verified)</p>" +
            "<table border=\"1\" cellpadding=\"3\"><tr><th>round</th><th>pages</th><th>bytes</th><th>seconds</th>" +
            "<th>dirty pages/s</th></tr>", rounds.forcedStop() ? "stop forced by a limit" : "converged",
            (sender.endNanos - rounds.stopNanos()) / 1e9));
        for (final io.ramshift.engine.live.RoundFigures r : rounds.figures())
        {
            html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%,d</td><td>%.3f</td><td>%,.0f</td></tr>",
                r.last ? r.round + " (final)" : Integer.toString(r.round), r.pages < 0 ? "bulk" : Long.toString(r.pages),
                r.bytes, r.nanos / 1e9, r.dirtyRate));
        }
        return html.append("</table>").toString();
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
