package io.ramshift.engine.qemu;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.engine.transfer.DeviceStateSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The source side of the switch-over: the live rounds' stop hook stops the guest and starts taking its device
 * state on another thread (so it overlaps the final rescan and round), and the sender takes the state when the
 * final round is on the wire. It also decides, after a failure, whether the source guest may safely run again.
 */
public final class QemuHandOff implements Runnable, DeviceStateSource
{
    private final QemuSource source;
    private final Path socketDir;
    private final AtomicReference<ByteBuffer> state = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private Thread capture;
    private volatile boolean stopped;
    private volatile boolean stateHandedOver;
    private long captureNanos;

    /**
     * @param source    the source QEMU, prepared.
     * @param socketDir directory for the device-state socket.
     */
    public QemuHandOff(final QemuSource source, final Path socketDir)
    {
        this.source = source;
        this.socketDir = socketDir;
    }

    /**
     * Stop the guest and start taking its device state.
     */
    public void run()
    {
        source.stop();
        stopped = true;
        capture = new Thread(() ->
        {
            final long start = System.nanoTime();
            try
            {
                state.set(source.captureDeviceState(socketDir));
            }
            catch (final RuntimeException ex)
            {
                failure.set(ex);
            }
            captureNanos = System.nanoTime() - start;
        }, "ramshift-qemu-device-state");
        capture.setDaemon(true);
        capture.start();
    }

    /**
     * @return the device state, once taken.
     */
    public ByteBuffer take()
    {
        if (capture == null)
        {
            throw new QmpException("device state asked for before the guest was stopped");
        }
        try
        {
            capture.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while taking the device state", ex);
        }
        if (failure.get() != null)
        {
            throw failure.get();
        }
        stateHandedOver = true;
        return state.get();
    }

    /** @return true once the source guest was stopped. */
    public boolean stopped()
    {
        return stopped;
    }

    /** @return nanoseconds QEMU took to write its device state. */
    public long captureNanos()
    {
        return captureNanos;
    }

    /** @return the source QEMU. */
    public QemuSource source()
    {
        return source;
    }

    /**
     * After a failed migration: may the source guest run again? Yes when the device state never left, or when the
     * receiver said with an ERROR frame that it did not load it; no when the connection dropped after the state
     * was sent (the destination may be running the guest: two copies must never run).
     *
     * @param failure what the sender raised.
     * @return true when resuming the source cannot start a second copy of the guest.
     */
    public boolean safeToResume(final Throwable failure)
    {
        if (!stateHandedOver)
        {
            return true;
        }
        return saysNotLoaded(failure);
    }

    private static boolean saysNotLoaded(final Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t instanceof PeerErrorException)
            {
                return true;
            }
            for (final Throwable suppressed : t.getSuppressed())
            {
                if (saysNotLoaded(suppressed))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
