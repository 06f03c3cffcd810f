package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyCommandTest
{
    private static final String[] POSTCOPY_FIELDS = {"switchSeconds", "postcopySeconds", "pagesAtSwitch",
        "pushedPages", "demandedPages", "prefetchedPages", "pushBytesPerSecond", "faults", "p50", "p90", "p99", "max",
        "mean", "readerPagesRead", "lz4PushFrames", "demandTimeouts", "reconnects"};

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldMigrateInPurePostcopyAndReportThePostcopyFigures()
    {
        final Path image = generate();
        final Path copy = dir.resolve("copy.ram");
        final CliRun run = CliRun.of("migrate", image.toString(), copy.toString(), "--live", "--dirty-rate", "50000",
            "--postcopy", "--postcopy-reader-threads", "2", "--no-sync", "--json");

        assertEquals(0, run.exitCode, run::toString);
        assertEquals("true", run.jsonField("verified"));
        assertTrue(run.out.contains("\"postcopy\":{"), run::toString);
        assertTrue(run.out.contains("\"faultLatencyMicros\":{"), run::toString);
        for (final String field : POSTCOPY_FIELDS)
        {
            run.jsonField(field);
        }
        assertEquals("2048", run.jsonField("pagesAtSwitch"), "pure post-copy: every page after the switch");
        assertEquals("0", run.jsonField("reconnects"));
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString()));
    }

    @Test
    void shouldMigrateHybridAfterNRoundsWithASequentialReader()
    {
        final Path image = generate();
        final Path copy = dir.resolve("copy.ram");
        final CliRun run = CliRun.of("migrate", image.toString(), copy.toString(), "--live", "--dirty-rate", "200000",
            "--downtime-limit", "1", "--postcopy-after", "1", "--postcopy-readers", "sequential",
            "--postcopy-prefetch", "7", "--no-sync", "--json");

        assertEquals(0, run.exitCode, run::toString);
        assertEquals("true", run.jsonField("verified"));
        assertEquals("\"round limit\"", run.jsonField("switchReason"));
        for (final String field : POSTCOPY_FIELDS)
        {
            run.jsonField(field);
        }
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString()));
    }

    @Test
    void shouldPrintTheSummaryLineWithoutJson()
    {
        final Path image = generate();
        final CliRun run = CliRun.of("migrate", image.toString(), dir.resolve("copy.ram").toString(), "--live",
            "--postcopy", "--postcopy-readers", "none", "--no-sync");

        assertEquals(0, run.exitCode, run::toString);
        assertTrue(run.out.contains("switched to post-copy (pure post-copy)"), run::toString);
        assertTrue(run.out.contains("post-copy: switch at"), run::toString);
        assertTrue(run.out.contains("faults, latency us p50"), run::toString);
    }

    @Test
    void shouldLeaveFreePagesOutOfAPurePostcopyWithAPacedReader()
    {
        final Path image = dir.resolve("guest.ram");
        final Path free = dir.resolve("guest.free");
        assertEquals(0, RamshiftMain.run("generate", "--fractions", "0.1,0.6,0.2,0.1,0", "--size", "8M", "--out",
            image.toString(), "--free-bitmap", free.toString(), "--sparse"));
        final Path copy = dir.resolve("copy.ram");
        final CliRun run = CliRun.of("migrate", image.toString(), copy.toString(), "--free-bitmap", free.toString(),
            "--live", "--dirty-rate", "50000", "--postcopy", "--postcopy-read-rate", "20000", "--no-sync", "--json");

        assertEquals(0, run.exitCode, run::toString);
        assertEquals("true", run.jsonField("verified"));
        final long pagesAtSwitch = Long.parseLong(run.jsonField("pagesAtSwitch"));
        assertTrue(pagesAtSwitch > 0 && pagesAtSwitch < 2048 * 4 / 10, "free pages are current: " + pagesAtSwitch);
        assertTrue(Long.parseLong(run.jsonField("bytesOnWire")) < (8L << 20) * 4 / 10, run::toString);
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString(), "--free-bitmap",
            free.toString()));
    }

    @Test
    void shouldRefuseANegativeReadRate()
    {
        final Path image = generate();
        final CliRun run = CliRun.of("migrate", image.toString(), dir.resolve("copy.ram").toString(), "--live",
            "--postcopy", "--postcopy-read-rate", "-1");

        assertNotEquals(0, run.exitCode);
        assertTrue(run.err.contains("--postcopy-read-rate must be 0 (unpaced) or more: -1"), run::toString);
    }

    @Test
    void shouldRefusePostcopyWithoutLive()
    {
        final Path image = generate();
        final CliRun run = CliRun.of("migrate", image.toString(), dir.resolve("copy.ram").toString(), "--postcopy");

        assertNotEquals(0, run.exitCode);
        assertTrue(run.err.contains("--postcopy and --postcopy-after need --live"), run::toString);
    }

    @Test
    void shouldSendAndReceivePostcopyAsTwoCommands() throws Exception
    {
        final Path image = generate();
        final Path copy = dir.resolve("copy.ram");
        final int port = freePort();
        final AtomicInteger receiveExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiveExit.set(RamshiftMain.run("receive", "--listen",
            "127.0.0.1:" + port, "--out", copy.toString(), "--postcopy-readers", "random", "--postcopy-reconnect",
            "5", "--no-sync")), "test-receive");
        receiver.start();
        int sendExit = -1;
        for (int attempt = 0; attempt < 50 && sendExit != 0; attempt++)
        {
            sendExit = RamshiftMain.run("send", image.toString(), "--to", "127.0.0.1:" + port, "--live",
                "--dirty-rate", "100000", "--postcopy-after", "0", "--no-sync");
            if (sendExit != 0 && receiver.isAlive())
            {
                Thread.sleep(100);
            }
        }
        receiver.join(30_000);

        assertEquals(0, sendExit);
        assertEquals(0, receiveExit.get());
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString()));
    }

    private Path generate()
    {
        final Path image = dir.resolve("guest.ram");
        assertEquals(0, RamshiftMain.run("generate", "--fractions", "0.5,0,0.4,0.1,0", "--size", "8M", "--out",
            image.toString(), "--sparse"));
        return image;
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
