package io.ramshift.tools;

import io.ramshift.engine.transfer.TransferStats;
import io.ramshift.layout.HelloAckDescriptor;
import io.ramshift.layout.ResumeDescriptor;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints the figures of a transfer for people (one block) or machines ({@code --json}).
 */
final class TransferSummary
{
    private TransferSummary()
    {
    }

    static JsonWriter json(final TransferStats s)
    {
        final double seconds = s.seconds();
        return new JsonWriter()
            .field("verified", s.verified)
            .field("imageBytes", s.imageBytes)
            .field("imagePages", s.imagePages)
            .field("freePages", s.freePages)
            .field("zeroPages", s.zeroPages)
            .field("dataPages", s.dataPages)
            .field("dupPages", s.dupPages)
            .field("copyPages", s.copyPages)
            .field("unchangedPages", s.unchangedPages)
            .field("differingChunks", s.differingChunks)
            .field("resume", s.resumeStatus < 0 ? null : ResumeDescriptor.statusName(s.resumeStatus))
            .field("resumeReason", s.resumeReason)
            .field("durablePages", s.durablePages)
            .field("pagesTravelled", s.pagesSent())
            .field("checkpoints", s.checkpoints)
            .field("zeroRuns", s.zeroRuns)
            .field("dataRuns", s.dataRuns)
            .field("dupRuns", s.dupRuns)
            .field("batches", s.batches)
            .field("lz4Batches", s.lz4Batches)
            .field("rawBatches", s.rawBatches)
            .field("rawDataBytes", s.rawDataBytes)
            .field("payloadBytes", s.payloadBytes)
            .field("compressionRatio", s.compressionRatio())
            .field("streams", s.streams)
            .field("hashSeconds", s.hashNanos / 1e9)
            .field("codecSeconds", s.codecNanos / 1e9)
            .field("socketSeconds", s.socketNanos / 1e9)
            .field("fileSeconds", s.fileNanos / 1e9)
            .field("bytesSent", s.bytesSent)
            .field("bytesReceived", s.bytesReceived)
            .field("bytesWritten", s.bytesWritten)
            .field("allocatedSourceBytes", s.allocatedBytes)
            .field("destination", destinationName(s.destinationState))
            .field("digest", Long.toHexString(s.digest))
            .field("seconds", seconds)
            .field("imageGBps", s.imageBytes / seconds / 1e9)
            .field("pagesPerSecond", s.imagePages / seconds)
            .field("syncSeconds", s.syncNanos / 1e9)
            .field("tls", s.tls);
    }

    static void print(final PrintWriter out, final String title, final TransferStats s, final long wireBytes)
    {
        final double seconds = s.seconds();
        out.printf(Locale.ROOT, "%s: %s%n", title, s.verified ? "VERIFIED (digest %016x)".formatted(s.digest) :
            "NOT VERIFIED");
        out.printf(Locale.ROOT, "  image      %,d bytes, %,d pages%n", s.imageBytes, s.imagePages);
        out.printf(Locale.ROOT, "  pages      free %,d (%.1f%%)  zero %,d (%.1f%%)  data %,d (%.1f%%)  duplicate %,d (%.1f%%)%n",
            s.freePages, pct(s.freePages, s.imagePages), s.zeroPages, pct(s.zeroPages, s.imagePages),
            s.dataPages, pct(s.dataPages, s.imagePages), s.dupPages, pct(s.dupPages, s.imagePages));
        if (s.unchangedPages > 0 || s.copyPages > 0 || s.differingChunks > 0)
        {
            out.printf(Locale.ROOT, "  delta      unchanged %,d pages (not sent)  copied at the destination %,d pages  " +
                "chunks whose page hashes travelled %,d%n", s.unchangedPages, s.copyPages, s.differingChunks);
        }
        if (s.resumeStatus >= 0)
        {
            out.printf(Locale.ROOT, "  resume     %s%n", s.resumeStatus == ResumeDescriptor.STATUS_RESUMING ?
                String.format(Locale.ROOT, "resumed: %,d pages already durable at the destination (not sent, " +
                "verified again), %,d pages travelled", s.durablePages, s.pagesSent()) :
                "not resumed (" + (s.resumeReason == null ? ResumeDescriptor.statusName(s.resumeStatus) :
                s.resumeReason) + "), every page travels");
        }
        out.printf(Locale.ROOT, "  runs       zero %,d  data %,d  duplicate %,d  in %,d batches on %d stream(s)%n",
            s.zeroRuns, s.dataRuns, s.dupRuns, s.batches, s.streams);
        out.printf(Locale.ROOT, "  data       %,d bytes -> %,d on the wire (%.2fx; %,d batches LZ4, %,d raw)%n",
            s.rawDataBytes, s.payloadBytes, s.compressionRatio(), s.lz4Batches, s.rawBatches);
        out.printf(Locale.ROOT, "  wire       %,d bytes (%.2f%% of the image)%s%n", wireBytes, pct(wireBytes, s.imageBytes),
            s.tls == null ? "" : ", " + s.tls);
        out.printf(Locale.ROOT, "  time       %.3f s  %.2f GB/s of image  %,.0f pages/s%n",
            seconds, s.imageBytes / seconds / 1e9, s.imagePages / seconds);
        out.printf(Locale.ROOT, "  stages     hash %.3f s  lz4 %.3f s  socket %.3f s  file %.3f s (thread time)%n",
            s.hashNanos / 1e9, s.codecNanos / 1e9, s.socketNanos / 1e9, s.fileNanos / 1e9);
        out.flush();
    }

    static String destinationName(final int state)
    {
        switch (state)
        {
            case HelloAckDescriptor.DESTINATION_CREATED: return "created";
            case HelloAckDescriptor.DESTINATION_EXISTING: return "existing";
            default: return "unknown";
        }
    }

    private static double pct(final long part, final long whole)
    {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
