package io.ramshift.tools;

import io.ramshift.engine.LinkProxy;

import io.ramshift.engine.RamshiftThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code send --retry} / {@code receive --retry}: a connection cut mid-transfer (a proxy that drops the first
 * connection after a few megabytes, as a link going down would) is resumed automatically through the receiver's
 * journal, sending only the pages that were not yet written and fsynced; with nobody listening the retries are bounded and the command fails with the reason.
 */
class RetryCommandTest
{
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldResumeAfterTheConnectionIsCutMidTransfer() throws Exception
    {
        final Path source = dir.resolve("guest.ram");
        final Path destination = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "post-workload", "--size", "64M", "--seed", "4",
            "--out", source.toString()));
        final int receiverPort = freePort();
        final StringWriter receiverErr = new StringWriter();
        final AtomicInteger receiverExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiverExit.set(RamshiftMain.run(new PrintWriter(new StringWriter()),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:" + receiverPort, "--out",
            destination.toString(), "--retry", "3")), "test-receiver");
        receiver.start();
        // the proxy connects to the receiver for each client: the receiver must be listening first
        awaitListening(receiverErr, receiver);
        try (LinkProxy proxy = new LinkProxy(receiverPort).cutFirstConnectionAfter(4 << 20).start())
        {
            final CliRun send = CliRun.of("send", source.toString(), "--to", "127.0.0.1:" + proxy.port(), "--retry",
                "3", "--no-lz4", "--json");
            receiver.join(60_000);

            assertEquals(0, send.exitCode, send::toString);
            assertEquals(0, receiverExit.get(), "the receiver accepted the resumed session: " + receiverErr);
            assertTrue(send.err.contains("retry 1 of 3"), send.err);
            // resumed through the receiver's journal (no rehash, no delta): what was durable before the cut stays
            assertEquals("\"resuming\"", send.jsonField("resume"), send::toString);
            final long durable = Long.parseLong(send.jsonField("durablePages"));
            assertTrue(durable > 0, "the resumed session skips what arrived before the cut: " + send);
            assertEquals(Long.parseLong(send.jsonField("imagePages")) - durable - Long.parseLong(
                send.jsonField("freePages")), Long.parseLong(send.jsonField("pagesTravelled")), send::toString);
            assertEquals("0", send.jsonField("unchangedPages"), "not a delta session");
            assertEquals(0, RamshiftMain.run("verify", source.toString(), destination.toString()));
        }
    }

    @Test
    void shouldGiveUpAfterTheRetriesWhenNobodyListens() throws Exception
    {
        final Path source = dir.resolve("guest.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "idle", "--size", "8M", "--seed", "1", "--out",
            source.toString()));
        final long start = System.nanoTime();

        final CliRun send = CliRun.of("send", source.toString(), "--to", "127.0.0.1:" + freePort(), "--retry", "2");

        assertEquals(RamshiftMain.EXIT_FAILURE, send.exitCode, send::toString);
        assertTrue(send.err.contains("retry 2 of 2"), send.err);
        assertTrue(send.err.contains("cannot connect"), send.err);
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "retries are bounded");
    }

    @Test
    void shouldStopWaitingForTheNextAttemptAfterTheRetryWait() throws Exception
    {
        final int receiverPort = freePort();
        final StringWriter receiverErr = new StringWriter();
        final AtomicInteger receiverExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiverExit.set(RamshiftMain.run(new PrintWriter(new StringWriter()),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:" + receiverPort, "--out",
            dir.resolve("copy.ram").toString(), "--retry", "3", "--retry-wait", "1")), "test-receiver");
        receiver.start();
        awaitListening(receiverErr, receiver);
        // a sender that fails its first session (connects, closes) and never comes back
        SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiverPort)).close();
        receiver.join(20_000);

        assertEquals(RamshiftMain.EXIT_FAILURE, receiverExit.get(), receiverErr::toString);
        assertTrue(receiverErr.toString().contains("waiting for attempt 2 of 4"), receiverErr::toString);
        assertTrue(receiverErr.toString().contains("no new attempt from the sender within 1 s after: connection " +
            "closed"), receiverErr::toString);
    }

    private static void awaitListening(final StringWriter receiverErr, final Thread receiver)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!receiverErr.toString().contains("listening on"))
        {
            assertTrue(receiver.isAlive() && System.nanoTime() < deadline, "receiver not listening: " + receiverErr);
            Thread.sleep(10);
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
