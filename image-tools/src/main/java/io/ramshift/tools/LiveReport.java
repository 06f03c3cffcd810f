package io.ramshift.tools;

import io.ramshift.engine.live.HashRescanDirtySource;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.live.RoundFigures;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints the figures of a live migration: per round and in total, downtime measured from the stop hook to the
 * destination verified.
 */
final class LiveReport
{
    private LiveReport()
    {
    }

    static void print(final CommandSpec spec, final boolean json, final LiveRounds rounds, final TransferStats sender,
        final TransferStats receiver, final long commandStartNanos, final HashRescanDirtySource rescan)
    {
        final io.ramshift.engine.postcopy.PostcopyFigures sourcePostcopy = sender.postcopy;
        final io.ramshift.engine.postcopy.PostcopyFigures destinationPostcopy = receiver == null ? null :
            receiver.postcopy;
        final boolean switched = rounds.switchedToPostcopy() && sourcePostcopy != null;
        final double rescanSecondsPerGiB = rescan == null || rescan.rescanBytes() == 0 ? -1 :
            rescan.rescanNanos() / 1e9 / (rescan.rescanBytes() / (double)(1L << 30));
        final PrintWriter out = spec.commandLine().getOut();
        // post-copy: the guest is down from the stop until the destination starts (the switch), not until verified
        final double downtime = (switched ? (destinationPostcopy != null ? destinationPostcopy.switchNanos :
            sourcePostcopy.switchNanos) - rounds.stopNanos() : sender.endNanos - rounds.stopNanos()) / 1e9;
        final double total = sender.seconds();
        final long wire = sender.bytesSent + sender.bytesReceived;
        if (json)
        {
            final java.util.List<JsonWriter> list = new java.util.ArrayList<>();
            for (final RoundFigures r : rounds.figures())
            {
                list.add(new JsonWriter()
                    .field("round", r.round).field("pages", r.pages).field("bytes", r.bytes)
                    .field("seconds", r.nanos / 1e9).field("dirtyPagesPerSecond", r.dirtyRate).field("final", r.last));
            }
            final JsonWriter object = new JsonWriter()
                .field("verified", sender.verified)
                .field("totalSeconds", total)
                .field("downtimeSeconds", downtime)
                .field("forcedStop", rounds.forcedStop())
                .field("rounds", rounds.figures().size())
                .field("bytesOnWire", wire)
                .field("commandSeconds", (System.nanoTime() - commandStartNanos) / 1e9)
                .field("rescanSecondsPerGiB", rescanSecondsPerGiB)
                .array("roundFigures", list);
            if (switched)
            {
                object.field("switchReason", rounds.switchReason());
                object.object("postcopy", PostcopyOptionsMixin.json(sourcePostcopy, destinationPostcopy,
                    sender.startNanos));
            }
            out.println(object);
        }
        else
        {
            out.printf(Locale.ROOT, "live migration: %s, %d rounds, %s%n", sender.verified ? "VERIFIED" : "NOT VERIFIED",
                rounds.figures().size(), switched ? "switched to post-copy (" + rounds.switchReason() + ")" :
                rounds.forcedStop() ? "stop FORCED by a limit (did not converge)" : "converged");
            out.printf(Locale.ROOT, "  %-6s %12s %14s %10s %16s%n", "round", "pages", "bytes", "seconds", "dirty pages/s");
            for (final RoundFigures r : rounds.figures())
            {
                out.printf(Locale.ROOT, "  %-6s %12s %,14d %10.3f %,16.0f%n", r.last ? r.round + "*" : r.round + "",
                    r.pages < 0 ? "bulk" : String.format(Locale.ROOT, "%,d", r.pages), r.bytes, r.nanos / 1e9,
                    r.dirtyRate);
            }
            out.printf(Locale.ROOT, "  total %.3f s, downtime %.3f s (stop -> %s), %,d bytes on " +
                "the wire (%.2f%% of the image); * = %s%n", total, downtime,
                switched ? "destination started" : "destination verified", wire, 100.0 * wire / sender.imageBytes,
                switched ? "post-copy after the switch" : "final round after the stop");
            if (switched)
            {
                out.println(PostcopyOptionsMixin.summary(sourcePostcopy, destinationPostcopy, sender.startNanos));
            }
            if (rescan != null)
            {
                out.printf(Locale.ROOT, "  hash rescan of the pages sent: %,d bytes in %.3f s over all rounds (%.3f s per GiB)%n",
                    rescan.rescanBytes(), rescan.rescanNanos() / 1e9, rescanSecondsPerGiB);
            }
        }
        out.flush();
    }
}
