package io.ramshift.engine.qemu;

import io.ramshift.layout.ProtocolDescriptor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The source QEMU of a migration whose RAM (a shared {@code memory-backend-file}) ramshift carries: it is told to
 * leave shared RAM out of its own stream ({@code x-ignore-shared}), stopped at convergence, and asked for its
 * device state, which it writes to a unix socket ramshift listens on (about 320 KB for a small guest).
 */
public final class QemuSource
{
    private final QmpClient qmp;
    private final long timeoutMs;
    private long stopMicros;
    private long stopNanos;

    /**
     * @param qmp       monitor of the source QEMU.
     * @param timeoutMs longest wait for any one QEMU step.
     */
    public QemuSource(final QmpClient qmp, final long timeoutMs)
    {
        this.qmp = qmp;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Check the guest runs and enable {@code x-ignore-shared}.
     *
     * @return the run state found.
     */
    public String prepare()
    {
        final String status = qmp.status(timeoutMs);
        if (!"running".equals(status) && !"paused".equals(status))
        {
            throw new QmpException("source QEMU is not running a guest: status=" + status + " monitor=" +
                qmp.socket());
        }
        qmp.execute("migrate-set-capabilities", QmpClient.capability("x-ignore-shared", true), timeoutMs);
        return status;
    }

    /**
     * Stop the guest's vCPUs and wait for QEMU to confirm.
     */
    public void stop()
    {
        qmp.clearEvents();
        stopNanos = System.nanoTime();
        qmp.execute("stop", null, timeoutMs);
        stopMicros = QmpClient.eventMicros(qmp.awaitEvent("STOP", timeoutMs));
    }

    /** @return QEMU's timestamp of the STOP event in microseconds since the epoch (0 before {@link #stop}). */
    public long stopMicros()
    {
        return stopMicros;
    }

    /** @return the nanosecond clock when {@code stop} was sent. */
    public long stopNanos()
    {
        return stopNanos;
    }

    /**
     * Take the device state of the stopped guest: {@code migrate} to a unix socket in {@code socketDir}, read to
     * the end, and wait until QEMU reports the migration completed.
     *
     * @param socketDir a directory for the socket (short path: unix socket paths are limited to 107 bytes).
     * @return the device state, position 0 to its length.
     */
    public ByteBuffer captureDeviceState(final Path socketDir)
    {
        final Path path = socketDir.resolve("rs-state-" + ProcessHandle.current().pid() + ".sock");
        final long deadline = System.currentTimeMillis() + timeoutMs;
        try
        {
            Files.deleteIfExists(path);
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open())
            {
                server.bind(UnixDomainSocketAddress.of(path));
                server.configureBlocking(false);
                qmp.execute("migrate", Map.of("uri", "unix:" + path), timeoutMs);
                server.register(selector, SelectionKey.OP_ACCEPT);
                SocketChannel connection = server.accept();
                while (connection == null)
                {
                    awaitSelect(selector, deadline, "QEMU to connect for its device state");
                    connection = server.accept();
                }
                try (SocketChannel stream = connection; Selector readSelector = Selector.open())
                {
                    stream.configureBlocking(false);
                    stream.register(readSelector, SelectionKey.OP_READ);
                    ByteBuffer state = ByteBuffer.allocate(1 << 20);
                    while (true)
                    {
                        if (!state.hasRemaining())
                        {
                            if (state.capacity() >= ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH)
                            {
                                throw new QmpException("device state larger than " +
                                    ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH + " bytes from " + qmp.socket());
                            }
                            final ByteBuffer grown = ByteBuffer.allocate(state.capacity() * 2);
                            state.flip();
                            grown.put(state);
                            state = grown;
                        }
                        final int n = stream.read(state);
                        if (n < 0)
                        {
                            break;
                        }
                        if (n == 0)
                        {
                            awaitSelect(readSelector, deadline, "the device state");
                        }
                    }
                    state.flip();
                    awaitMigration(deadline);
                    return state;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new QmpException("taking the device state of " + qmp.socket() + " failed: " + ex.getMessage(), ex);
        }
        finally
        {
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ignore)
            {
                // a stale socket file is replaced next time
            }
        }
    }

    /**
     * Let the guest run again on the source (the destination did not take over).
     */
    public void resume()
    {
        final String status = qmp.status(timeoutMs);
        if (!"running".equals(status))
        {
            qmp.execute("cont", null, timeoutMs);
        }
    }

    /** @return the monitor. */
    public QmpClient qmp()
    {
        return qmp;
    }

    private void awaitMigration(final long deadline)
    {
        while (true)
        {
            final Map<String, Object> info = qmp.query("query-migrate", null, timeoutMs);
            final Object status = info.get("status");
            if ("completed".equals(status))
            {
                return;
            }
            if ("failed".equals(status) || "cancelled".equals(status))
            {
                throw new QmpException("source QEMU's device-state migration " + status + ": " +
                    info.getOrDefault("error-desc", info));
            }
            if (System.currentTimeMillis() >= deadline)
            {
                throw new QmpException("source QEMU's device-state migration did not complete: status=" + status);
            }
            QemuDestination.pause(2);
        }
    }

    static void awaitSelect(final Selector selector, final long deadline, final String what) throws IOException
    {
        final long wait = deadline - System.currentTimeMillis();
        if (wait <= 0)
        {
            throw new QmpException("timed out waiting for " + what);
        }
        selector.select(wait);
        selector.selectedKeys().clear();
    }
}
