package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A reconnect storm against {@code receive --retry}: a bounded loop of clients that connect and close, send half
 * a HELLO and close, send a whole HELLO (the destination is opened) and vanish, or send half a HELLO and stall
 * until the receiver's I/O timeout. Each is one failed session to the receiver; within its retries a real session
 * still succeeds afterwards and the receiver holds no more file descriptors or threads than before the storm;
 * a storm longer than the retries ends the receiver with the last cause.
 */
class ReconnectStormTest
{
    private static final int STORM = 24;
    private static final int STALLERS = 2;
    private static final long IMAGE_SIZE = 4L << 20;
    /** Stalled clients still open; closed before file descriptors are counted and after each test. */
    private static final List<SocketChannel> STALLED = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldStillReceiveARealSessionAfterAStormWithoutGrowingFdsOrThreads() throws Exception
    {
        final Path source = dir.resolve("guest.ram");
        final Path destination = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "post-workload", "--size", "4M", "--seed", "3",
            "--out", source.toString()));
        final int port = freePort();
        final StringWriter receiverErr = new StringWriter();
        final StringWriter receiverOut = new StringWriter();
        final AtomicInteger receiverExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiverExit.set(RamshiftMain.run(new PrintWriter(receiverOut),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:" + port, "--out",
            destination.toString(), "--retry", String.valueOf(STORM + STALLERS), "--io-timeout", "1", "--no-sync",
            "--json")), "test-receiver");
        receiver.start();
        try
        {
            awaitText(receiverErr, "listening on", 1, receiver);
            // two rounds: the first one also opens what the receiver keeps for the life of the JVM; the second
            // must not leave anything more
            storm(port, STORM / 2, STALLERS / 2);
            awaitText(receiverErr, "session failed", STORM / 2 + STALLERS / 2, receiver);
            final long fdsBefore = openFileDescriptors();
            final int threadsBefore = Thread.activeCount();
            storm(port, STORM / 2, STALLERS / 2);
            awaitText(receiverErr, "session failed", STORM + STALLERS, receiver);
            final long fdsAfter = openFileDescriptors();
            final int threadsAfter = Thread.activeCount();

            final CliRun send = CliRun.of("send", source.toString(), "--to", "127.0.0.1:" + port, "--json");
            receiver.join(30_000);
            assertEquals(0, send.exitCode, send::toString);
            assertEquals(0, receiverExit.get(), receiverErr::toString);
            assertTrue(receiverOut.toString().contains("\"verified\":true"), receiverOut::toString);
            assertEquals(-1, Files.mismatch(source, destination));
            assertTrue(fdsAfter <= fdsBefore, "file descriptors after the storm " + fdsAfter + " before " +
                fdsBefore);
            assertTrue(threadsAfter <= threadsBefore, "threads after the storm " + threadsAfter + " before " +
                threadsBefore);
            assertTrue(receiverErr.toString().contains("no progress"), "a staller timed out: " + receiverErr);
        }
        finally
        {
            stopReceiver(receiver, port);
        }
    }

    @Test
    void shouldEndTheReceiverWithTheLastCauseWhenTheStormOutlastsItsRetries() throws Exception
    {
        final Path destination = dir.resolve("copy.ram");
        final int port = freePort();
        final StringWriter receiverErr = new StringWriter();
        final AtomicInteger receiverExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiverExit.set(RamshiftMain.run(new PrintWriter(new StringWriter()),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:" + port, "--out",
            destination.toString(), "--retry", "5", "--io-timeout", "1", "--no-sync")), "test-receiver");
        receiver.start();
        try
        {
            awaitText(receiverErr, "listening on", 1, receiver);
            storm(port, STORM, 0);
            receiver.join(30_000);
            assertFalse(receiver.isAlive(), "the receiver ended after its retries");
            assertEquals(RamshiftMain.EXIT_FAILURE, receiverExit.get(), receiverErr::toString);
            assertEquals(5, count(receiverErr.toString(), "waiting for attempt"), receiverErr::toString);
            final String[] lines = receiverErr.toString().trim().split("\n");
            assertFalse(lines[lines.length - 1].contains("waiting for attempt"), receiverErr::toString);
            assertTrue(lines[lines.length - 1].contains("sender /127.0.0.1"), receiverErr::toString);
        }
        finally
        {
            stopReceiver(receiver, port);
        }
    }

    /**
     * Connect {@code clients} times, each one closing at once, after half a HELLO, or after a whole HELLO; then
     * {@code stallers} that send half a HELLO and stay silent until the receiver gives up on them.
     */
    private static void storm(final int port, final int clients, final int stallers) throws IOException
    {
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        final ByteBuffer hello = hello();
        for (int i = 0; i < clients; i++)
        {
            final SocketChannel client;
            try
            {
                client = SocketChannel.open(address);
            }
            catch (final java.net.ConnectException ex)
            {
                // the receiver used up its retries and stopped listening
                return;
            }
            try (client)
            {
                switch (i % 3)
                {
                    case 0:
                        break;
                    case 1:
                        write(client, hello.duplicate().limit(hello.limit() / 2));
                        break;
                    default:
                        write(client, hello.duplicate());
                        break;
                }
            }
        }
        final List<SocketChannel> silent = new ArrayList<>();
        try
        {
            for (int i = 0; i < stallers; i++)
            {
                final SocketChannel client = SocketChannel.open(address);
                silent.add(client);
                write(client, hello.duplicate().limit(hello.limit() / 2));
            }
        }
        finally
        {
            // open until the receiver reaches them and times out (it closes its end; this one is let go later)
            for (final SocketChannel client : silent)
            {
                STALLED.add(client);
            }
        }
    }

    private static ByteBuffer hello()
    {
        final ByteBuffer bytes = ByteBuffer.allocate(64);
        final HelloFlyweight flyweight = new HelloFlyweight();
        flyweight.wrap(new UnsafeBuffer(bytes), 0);
        flyweight.encode(ProtocolDescriptor.DEFAULT_PAGE_SIZE, IMAGE_SIZE, ProtocolDescriptor.OPTION_NO_SYNC, 0x5707L,
            0, 1);
        return bytes.limit(flyweight.frameLength());
    }

    private static void write(final SocketChannel channel, final ByteBuffer bytes) throws IOException
    {
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
    }

    private static void awaitText(final StringWriter text, final String what, final int times, final Thread receiver)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(text.toString(), what) < times)
        {
            if (!receiver.isAlive() || System.nanoTime() > deadline)
            {
                fail("fewer than " + times + " '" + what + "' from the receiver: " + text);
            }
            Thread.sleep(10);
        }
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length()))
        {
            n++;
        }
        return n;
    }

    private static long openFileDescriptors()
    {
        // the stalled clients are this JVM's too: let them go first
        for (final SocketChannel client : STALLED)
        {
            try
            {
                client.close();
            }
            catch (final IOException ignore)
            {
                // closed
            }
        }
        STALLED.clear();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd")))
        {
            return fds.count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A receiver still waiting is released by one connection that closes, once its retries are used up. */
    private static void stopReceiver(final Thread receiver, final int port) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (receiver.isAlive() && System.nanoTime() < deadline)
        {
            try
            {
                SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).close();
            }
            catch (final IOException ignore)
            {
                // not listening any more
            }
            receiver.join(100);
        }
        for (final SocketChannel client : STALLED)
        {
            try
            {
                client.close();
            }
            catch (final IOException ignore)
            {
                // closed
            }
        }
        STALLED.clear();
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
