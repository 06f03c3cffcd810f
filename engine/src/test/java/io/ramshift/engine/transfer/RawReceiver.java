package io.ramshift.engine.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A real {@link ImageReceiver} on a loopback port, in a thread named {@code ramshift-test-receiver}. */
final class RawReceiver implements AutoCloseable
{
    private static final long JOIN_MS = 30_000;

    private final ServerSocketChannel server;
    private final Thread thread;
    private final AtomicReference<TransferStats> stats = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    RawReceiver(final TransferOptions options, final Path destination) throws IOException
    {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> receive(options, destination), "ramshift-test-receiver");
        thread.start();
    }

    private void receive(final TransferOptions options, final Path destination)
    {
        try (SocketChannel channel = server.accept())
        {
            stats.set(new ImageReceiver(options).receive(channel, "test sender", destination));
        }
        catch (final IOException | RuntimeException ex)
        {
            failure.set(ex);
        }
    }

    SocketChannel connect() throws IOException
    {
        return SocketChannel.open(server.getLocalAddress());
    }

    Throwable awaitFailure() throws InterruptedException
    {
        thread.join(JOIN_MS);
        assertFalse(thread.isAlive(), "receiver still running");
        assertNull(stats.get(), "the receiver must not report success");
        assertNotNull(failure.get(), "the receiver must fail");
        return failure.get();
    }

    TransferStats awaitSuccess() throws InterruptedException
    {
        thread.join(JOIN_MS);
        assertFalse(thread.isAlive(), "receiver still running");
        assertNull(failure.get(), () -> "receiver failed: " + failure.get());
        return stats.get();
    }

    public void close() throws IOException, InterruptedException
    {
        server.close();
        thread.join(JOIN_MS);
    }
}
