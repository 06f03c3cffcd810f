package io.ramshift.tools;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.qemu.QemuDestination;
import io.ramshift.engine.qemu.QmpClient;
import io.ramshift.engine.transfer.TransferOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The destination end of moving a QEMU guest: its monitor and the QEMU that waits with {@code -incoming defer}
 * over the RAM file ramshift writes in place.
 */
final class QemuDestinationSession implements AutoCloseable
{
    private final QmpClient qmp;
    private final QemuDestination destination;
    private final Path socketDir;

    private QemuDestinationSession(final QmpClient qmp, final QemuDestination destination, final Path socketDir)
    {
        this.qmp = qmp;
        this.destination = destination;
        this.socketDir = socketDir;
    }

    static QemuDestinationSession open(final Path qmpSocket, final Path ramFile, final QemuOptionsMixin qemu)
    {
        if (!Files.isRegularFile(ramFile))
        {
            // QEMU creates its RAM file at start; ramshift never creates or truncates one QEMU may map
            throw new DestinationException("destination RAM file does not exist (start the destination QEMU " +
                "first, with -incoming defer): " + ramFile);
        }
        final QmpClient qmp = QmpClient.connect(qmpSocket, qemu.qmpTimeoutMs());
        final Path socketDir = QemuSocketDir.create();
        try
        {
            final QemuDestination destination = new QemuDestination(qmp, socketDir, qemu.qmpTimeoutMs());
            destination.prepare();
            return new QemuDestinationSession(qmp, destination, socketDir);
        }
        catch (final RuntimeException ex)
        {
            qmp.close();
            QemuSocketDir.delete(socketDir);
            throw ex;
        }
    }

    /** Make the receiver verify the RAM file by reading it back and then hand the device state to QEMU. */
    void apply(final TransferOptions options)
    {
        options.deviceStateSink = destination;
        options.verifyReadBack = true;
        options.noSync = true;
    }

    QemuDestination destination()
    {
        return destination;
    }

    public void close()
    {
        qmp.close();
        QemuSocketDir.delete(socketDir);
    }
}
