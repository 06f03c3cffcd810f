package io.ramshift.engine.qemu;

import io.ramshift.engine.RamshiftException;

/**
 * QEMU refused a QMP command, did not answer in time, or its monitor connection failed.
 */
public final class QmpException extends RamshiftException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the command, the monitor and QEMU's own error.
     */
    public QmpException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the command and the monitor.
     * @param cause   the I/O failure.
     */
    public QmpException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
