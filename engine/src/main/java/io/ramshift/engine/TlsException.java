package io.ramshift.engine;

/**
 * A TLS connection that could not be set up or broke: a failed handshake (an untrusted, expired or misnamed
 * certificate, a missing client certificate, a peer that does not speak TLS) or a record that failed its integrity
 * check.
 */
public final class TlsException extends TransferException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the peer and says what to change.
     */
    public TlsException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the peer and says what to change.
     * @param cause   the JDK's failure.
     */
    public TlsException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
