package io.ramshift.tools;

import io.ramshift.engine.live.RoundFigures;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the figures of moving a QEMU guest: total time, downtime (source STOP to destination RESUME by QEMU's
 * own event timestamps when both monitors are known, else source stop to the verified result), rounds, bytes on
 * the wire and the switch-over steps.
 */
final class QemuReport
{
    private QemuReport()
    {
    }

    /**
     * @param downtimeSeconds    measured downtime.
     * @param downtimeDefinition what it spans.
     * @param receiver           the receiver's counters, or null on the source host.
     */
    static void print(final CommandSpec spec, final boolean json, final QemuSourceSession source,
        final TransferStats sender, final TransferStats receiver, final double commandSeconds,
        final double downtimeSeconds, final String downtimeDefinition)
    {
        final PrintWriter out = spec.commandLine().getOut();
        final long wire = sender.bytesSent + sender.bytesReceived;
        final List<RoundFigures> rounds = source.rounds().figures();
        if (json)
        {
            final List<JsonWriter> list = new ArrayList<>();
            for (final RoundFigures r : rounds)
            {
                list.add(new JsonWriter().field("round", r.round).field("pages", r.pages).field("bytes", r.bytes)
                    .field("seconds", r.nanos / 1e9).field("final", r.last));
            }
            final JsonWriter figures = new JsonWriter()
                .field("verified", sender.verified)
                .field("guestRunningOnDestination", sender.verified)
                .field("totalSeconds", sender.seconds())
                .field("commandSeconds", commandSeconds)
                .field("downtimeSeconds", downtimeSeconds)
                .field("downtimeSpans", downtimeDefinition)
                .field("forcedStop", source.rounds().forcedStop())
                .field("rounds", rounds.size())
                .field("bytesOnWire", wire)
                .field("deviceStateBytes", sender.deviceStateBytes)
                .field("deviceStateCaptureSeconds", source.handOff().captureNanos() / 1e9)
                .field("rescanBytes", source.rescan().rescanBytes())
                .field("rescanSeconds", source.rescan().rescanNanos() / 1e9);
            if (receiver != null)
            {
                figures.field("readBackSeconds", receiver.readBackNanos / 1e9)
                    .field("deviceStateLoadSeconds", receiver.deviceStateLoadNanos / 1e9)
                    .field("bytesWritten", receiver.bytesWritten);
            }
            out.println(figures.array("roundFigures", list));
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "qemu migration: %s, guest %s, %d rounds, %s%n",
            sender.verified ? "RAM VERIFIED" : "NOT VERIFIED", sender.verified ? "RUNNING on the destination" : "?",
            rounds.size(), source.rounds().forcedStop() ? "stop FORCED by a limit" : "converged");
        out.printf(Locale.ROOT, "  %-6s %12s %14s %10s%n", "round", "pages", "bytes", "seconds");
        for (final RoundFigures r : rounds)
        {
            out.printf(Locale.ROOT, "  %-6s %12s %,14d %10.3f%n", r.last ? r.round + "*" : r.round + "",
                r.pages < 0 ? "bulk" : String.format(Locale.ROOT, "%,d", r.pages), r.bytes, r.nanos / 1e9);
        }
        out.printf(Locale.ROOT, "  total %.3f s (command %.3f s), downtime %.1f ms (%s)%n", sender.seconds(),
            commandSeconds, downtimeSeconds * 1e3, downtimeDefinition);
        out.printf(Locale.ROOT, "  wire %,d bytes (%.2f%% of %,d bytes of RAM): pages zero %,d  data %,d; " +
            "device state %,d bytes (taken in %.1f ms)%n", wire, 100.0 * wire / sender.imageBytes, sender.imageBytes,
            sender.zeroPages, sender.dataPages, sender.deviceStateBytes, source.handOff().captureNanos() / 1e6);
        out.printf(Locale.ROOT, "  hash rescans %,d bytes in %.3f s%n", source.rescan().rescanBytes(),
            source.rescan().rescanNanos() / 1e9);
        if (receiver != null)
        {
            out.printf(Locale.ROOT, "  destination: %,d bytes written in place, read back and verified in %.1f ms, " +
                "device state loaded and guest resumed in %.1f ms%n", receiver.bytesWritten,
                receiver.readBackNanos / 1e6, receiver.deviceStateLoadNanos / 1e6);
        }
        out.flush();
    }
}
