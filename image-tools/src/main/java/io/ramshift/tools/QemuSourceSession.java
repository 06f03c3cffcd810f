package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.live.HashRescanDirtySource;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.qemu.QemuHandOff;
import io.ramshift.engine.qemu.QemuSource;
import io.ramshift.engine.qemu.QmpClient;
import io.ramshift.engine.transfer.TransferOptions;

import java.nio.file.Path;

/**
 * The source end of moving a QEMU guest: its monitor, hash-rescan live rounds over the RAM file (QEMU's writes
 * cannot be watched from outside), the stop and device-state hand-off, and what to do with the source guest
 * after success or failure.
 */
final class QemuSourceSession implements AutoCloseable
{
    private final QmpClient qmp;
    private final QemuSource source;
    private final QemuHandOff handOff;
    private final HashRescanDirtySource rescan = new HashRescanDirtySource();
    private final LiveRounds rounds;
    private final Path socketDir;

    private QemuSourceSession(final QmpClient qmp, final QemuOptionsMixin qemu, final Path socketDir)
    {
        this.qmp = qmp;
        this.socketDir = socketDir;
        this.source = new QemuSource(qmp, qemu.qmpTimeoutMs());
        this.handOff = new QemuHandOff(source, socketDir);
        this.rounds = new LiveRounds(rescan, qemu.downtimeLimitMs * 1_000_000L, qemu.maxRounds,
            qemu.maxSeconds * 1_000_000_000L, handOff, null);
    }

    static QemuSourceSession open(final Path qmpSocket, final QemuOptionsMixin qemu)
    {
        final QmpClient qmp = QmpClient.connect(qmpSocket, qemu.qmpTimeoutMs());
        try
        {
            final QemuSourceSession session = new QemuSourceSession(qmp, qemu, QemuSocketDir.create());
            session.source.prepare();
            return session;
        }
        catch (final RuntimeException ex)
        {
            qmp.close();
            throw ex;
        }
    }

    /** Make a transfer a live pre-copy of this guest's RAM that ends with its device state. */
    void apply(final TransferOptions options)
    {
        if (options.streams > 1)
        {
            throw new RamshiftException("a QEMU guest moves on one stream: streams=" + options.streams);
        }
        options.live = rounds;
        options.deviceState = handOff;
        // guest RAM is memory, not a file to keep: the destination QEMU maps the same page cache
        options.noSync = true;
    }

    /**
     * After a failure: resume the source guest when that cannot start a second copy.
     *
     * @param failure what the transfer raised.
     * @return one line saying what became of the source guest.
     */
    String afterFailure(final Throwable failure)
    {
        if (!handOff.stopped())
        {
            return "the source guest was never stopped and keeps running";
        }
        if (handOff.safeToResume(failure))
        {
            try
            {
                source.resume();
                return "the source guest runs again (the destination did not take it)";
            }
            catch (final RuntimeException ex)
            {
                return "the source guest could not be resumed: " + ex.getMessage();
            }
        }
        return "the source guest stays PAUSED: the connection dropped after its device state was sent, so the " +
            "destination may be running it; check the destination before 'cont' on " + qmp.socket();
    }

    /** After success: quit the source QEMU when asked (it is paused in state postmigrate otherwise). */
    void afterSuccess(final boolean quit)
    {
        if (quit)
        {
            qmp.execute("quit", null, 10_000);
        }
    }

    LiveRounds rounds()
    {
        return rounds;
    }

    HashRescanDirtySource rescan()
    {
        return rescan;
    }

    QemuSource source()
    {
        return source;
    }

    QemuHandOff handOff()
    {
        return handOff;
    }

    public void close()
    {
        qmp.close();
        QemuSocketDir.delete(socketDir);
    }
}
