package io.ramshift.tools;

import io.ramshift.engine.LinkProxy;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.transfer.TransferJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver killed with SIGKILL mid-transfer (a child JVM running {@code ramshift receive}, killed once its journal
 * records durable pages): the destination stays INCOMPLETE, and the same {@code receive} and {@code send} run again
 * resume from the journal — the durable pages do not travel — and verify the whole image.
 */
class ReceiverKilledTest
{
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldResumeFromTheJournalAfterTheReceiverWasKilled() throws Exception
    {
        final Path source = dir.resolve("guest.ram");
        final Path destination = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "post-workload", "--size", "48M", "--seed", "7",
            "--out", source.toString()));
        final int receiverPort = freePort();
        final java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the module flags this JVM runs with (Agrona, Chronicle need them)
        for (final String argument : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access"))
            {
                command.add(argument);
            }
        }
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), RamshiftMain.class.getName(),
            "receive", "--listen", "127.0.0.1:" + receiverPort, "--out", destination.toString(), "--checkpoint-every",
            "1M"));
        final Process receiver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("receiver.log").toFile()).start();
        final AtomicInteger sendExit = new AtomicInteger(-1);
        Thread sender = null;
        try (LinkProxy proxy = new LinkProxy(receiverPort).throttle(64 * 1024, 4_000_000L).start())
        {
            final Path log = dir.resolve("receiver.log");
            awaitListening(() -> readQuietly(log), receiver);
            final int proxyPort = proxy.port();
            sender = new Thread(() -> sendExit.set(RamshiftMain.run(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), "send", source.toString(), "--to", "127.0.0.1:" + proxyPort,
                "--no-lz4")), "test-sender");
            sender.start();
            // kill -9 once some pages are durable, long before the copy could finish through the slow link
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (durablePages(destination) == 0 && System.nanoTime() < deadline && receiver.isAlive())
            {
                LockSupport.parkNanos(2_000_000L);
            }
            receiver.destroyForcibly();
            assertTrue(receiver.waitFor(10, TimeUnit.SECONDS), "the receiver died");
            sender.join(30_000);
        }
        finally
        {
            receiver.destroyForcibly();
        }
        assertEquals(RamshiftMain.EXIT_FAILURE, sendExit.get(), () -> "the send must not succeed: " +
            readQuietly(dir.resolve("receiver.log")) + " journal=" + TransferJournal.describe(destination));
        final TransferJournal.State killed = TransferJournal.state(destination);
        assertNotNull(killed, "the killed receiver left its journal");
        final long durable = killed.durablePages();
        assertTrue(durable > 0 && durable < killed.pages(), "durable pages: " + durable);
        final CliRun inspect = CliRun.of("inspect", destination.toString(), "--json");
        assertEquals("true", inspect.jsonField("incomplete"), inspect::toString);
        assertEquals(Long.toString(durable), inspect.jsonField("journalDurablePages"), inspect::toString);
        assertTrue(CliRun.of("inspect", destination.toString()).out.contains("durable pages " + durable + " of "));
        final CliRun verify = CliRun.of("verify", source.toString(), destination.toString(), "--json");
        assertEquals("true", verify.jsonField("incomplete"), verify::toString);
        assertEquals(Long.toString(durable), verify.jsonField("journalDurablePages"), verify::toString);
        assertTrue(verify.err.contains("INCOMPLETE") && verify.err.contains("durable pages " + durable), verify.err);

        // the same commands again
        final int port = freePort();
        final StringWriter receiverOut = new StringWriter();
        final StringWriter receiverErr = new StringWriter();
        final AtomicInteger receiveExit = new AtomicInteger(-1);
        final Thread again = new Thread(() -> receiveExit.set(RamshiftMain.run(new PrintWriter(receiverOut),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:" + port, "--out",
            destination.toString(), "--json")), "test-receiver");
        again.start();
        awaitListening(receiverErr::toString, null);
        final CliRun send = CliRun.of("send", source.toString(), "--to", "127.0.0.1:" + port, "--no-lz4", "--json");
        again.join(30_000);

        assertEquals(0, send.exitCode, send::toString);
        assertEquals(0, receiveExit.get(), receiverOut::toString);
        assertEquals("\"resuming\"", send.jsonField("resume"), send::toString);
        assertEquals(Long.toString(durable), send.jsonField("durablePages"), "durable pages are not sent again");
        assertTrue(receiverOut.toString().contains("\"durablePages\":" + durable), receiverOut::toString);
        assertEquals(null, TransferJournal.state(destination), "verified: the journal is gone");
        assertEquals(0, RamshiftMain.run("verify", source.toString(), destination.toString()));
    }

    private static long durablePages(final Path destination)
    {
        final TransferJournal.State state = TransferJournal.state(destination);
        return state == null || !state.readable() ? 0 : state.durablePages();
    }

    private static void awaitListening(final java.util.function.Supplier<String> log, final Process process)
        throws InterruptedException
    {
        // not by connecting: a receiver takes its first connection as the session
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (process == null || process.isAlive()))
        {
            if (log.get().contains("listening on"))
            {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("receiver not listening: " + log.get());
    }

    private static String readQuietly(final Path path)
    {
        try
        {
            return java.nio.file.Files.exists(path) ? java.nio.file.Files.readString(path) : "";
        }
        catch (final IOException ex)
        {
            return "";
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
