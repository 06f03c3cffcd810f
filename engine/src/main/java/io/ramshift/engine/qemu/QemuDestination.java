package io.ramshift.engine.qemu;

import io.ramshift.engine.transfer.DeviceStateSink;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The destination QEMU: started with {@code -incoming defer} over its own RAM file, which ramshift fills in place
 * while it waits. Once the RAM is verified it is given the device state ({@code migrate-incoming} on a unix
 * socket it listens on, which ramshift connects to and writes), and the guest is resumed.
 */
public final class QemuDestination implements DeviceStateSink
{
    private final QmpClient qmp;
    private final Path socketDir;
    private final long timeoutMs;
    private long resumeMicros;
    private long loadNanos;

    /**
     * @param qmp       monitor of the destination QEMU.
     * @param socketDir a directory for the incoming socket (short path).
     * @param timeoutMs longest wait for any one QEMU step.
     */
    public QemuDestination(final QmpClient qmp, final Path socketDir, final long timeoutMs)
    {
        this.qmp = qmp;
        this.socketDir = socketDir;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Check QEMU waits for an incoming migration and enable {@code x-ignore-shared}.
     */
    public void prepare()
    {
        final String status = qmp.status(timeoutMs);
        if (!"inmigrate".equals(status))
        {
            throw new QmpException("destination QEMU is not waiting for a migration (start it with -incoming " +
                "defer): status=" + status + " monitor=" + qmp.socket());
        }
        qmp.execute("migrate-set-capabilities", QmpClient.capability("x-ignore-shared", true), timeoutMs);
    }

    /**
     * Load the device state and resume the guest; called by the receiver only after the RAM file verified.
     */
    public void load(final ByteBuffer state)
    {
        final long start = System.nanoTime();
        final long deadline = System.currentTimeMillis() + timeoutMs;
        final Path path = socketDir.resolve("rs-incoming-" + ProcessHandle.current().pid() + ".sock");
        try
        {
            Files.deleteIfExists(path);
            qmp.clearEvents();
            qmp.execute("migrate-incoming", Map.of("uri", "unix:" + path), timeoutMs);
            try (SocketChannel channel = connect(path, deadline); Selector selector = Selector.open())
            {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_WRITE);
                while (state.hasRemaining())
                {
                    if (channel.write(state) == 0)
                    {
                        QemuSource.awaitSelect(selector, deadline, "QEMU to read the device state");
                    }
                }
            }
            awaitLoaded(deadline);
            loadNanos = System.nanoTime() - start;
            try
            {
                resumeMicros = QmpClient.eventMicros(qmp.awaitEvent("RESUME", 2_000));
            }
            catch (final QmpException ex)
            {
                // the guest runs (query-status said so); only the timestamp for the figures is missing
                resumeMicros = 0;
            }
        }
        catch (final IOException ex)
        {
            throw new QmpException("loading the device state into " + qmp.socket() + " failed: " + ex.getMessage(),
                ex);
        }
        finally
        {
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ignore)
            {
                // QEMU removes or replaces it
            }
        }
    }

    /** @return QEMU's timestamp of the RESUME event in microseconds since the epoch (0 before a load). */
    public long resumeMicros()
    {
        return resumeMicros;
    }

    /** @return nanoseconds from {@code migrate-incoming} to the guest running. */
    public long loadNanos()
    {
        return loadNanos;
    }

    /** @return the monitor. */
    public QmpClient qmp()
    {
        return qmp;
    }

    private void awaitLoaded(final long deadline)
    {
        while (true)
        {
            final String status = qmp.status(timeoutMs);
            if ("running".equals(status))
            {
                return;
            }
            if ("paused".equals(status) || "prelaunch".equals(status))
            {
                // started with -S: the state is loaded, the vCPUs wait for cont
                final Map<String, Object> info = qmp.query("query-migrate", null, timeoutMs);
                if ("completed".equals(info.get("status")))
                {
                    qmp.execute("cont", null, timeoutMs);
                    return;
                }
            }
            if (!"inmigrate".equals(status) && !"paused".equals(status) && !"prelaunch".equals(status))
            {
                throw new QmpException("destination QEMU did not load the device state: status=" + status + " " +
                    qmp.query("query-migrate", null, timeoutMs));
            }
            if (System.currentTimeMillis() >= deadline)
            {
                throw new QmpException("destination QEMU did not load the device state in time: status=" + status);
            }
            pause(1);
        }
    }

    private static SocketChannel connect(final Path path, final long deadline) throws IOException
    {
        while (true)
        {
            final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try
            {
                channel.connect(UnixDomainSocketAddress.of(path));
                return channel;
            }
            catch (final IOException ex)
            {
                channel.close();
                if (System.currentTimeMillis() >= deadline)
                {
                    throw ex;
                }
                pause(1);
            }
        }
    }

    static void pause(final long millis)
    {
        LockSupport.parkNanos(millis * 1_000_000L);
    }
}
