package io.ramshift.engine.tls;

import io.ramshift.engine.TlsException;
import io.ramshift.layout.ProtocolDescriptor;
import tlschannel.TlsChannel;

import javax.crypto.AEADBadTagException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/**
 * One TLS connection over a socket owned by the caller: the {@link TlsChannel} to read and write frames through,
 * the bytes that crossed the socket (records included), and a one-line explanation of a failure, including a peer
 * that answered in plaintext (a ramshift frame where a TLS record was expected).
 */
public final class TlsConnection
{
    private static final int FIRST_BYTES = 8;
    /** Frame types are small numbers; where a TLS record stands, bytes 4-5 are a length byte and a message type. */
    private static final int LARGEST_FRAME_TYPE = 64;
    private static final String ALERT = "Received fatal alert: ";

    private final SocketChannel socket;
    private final boolean receiver;
    private final boolean clientCertificate;
    private final String serverName;
    private final Wire wire = new Wire();
    private final byte[] firstBytes = new byte[FIRST_BYTES];
    private int firstLength;
    private long bytesRead;
    private long bytesWritten;
    private TlsChannel channel;

    TlsConnection(final SocketChannel socket, final boolean receiver, final boolean clientCertificate,
        final String serverName)
    {
        this.socket = socket;
        this.receiver = receiver;
        this.clientCertificate = clientCertificate;
        this.serverName = serverName;
    }

    void channel(final TlsChannel channel)
    {
        this.channel = channel;
    }

    ByteChannel wire()
    {
        return wire;
    }

    /** @return the TLS channel: plaintext in and out, records on the socket. */
    public TlsChannel channel()
    {
        return channel;
    }

    /** @return the socket under the TLS channel. */
    public SocketChannel socket()
    {
        return socket;
    }

    /** @return bytes read from the socket: records, handshake included. */
    public long bytesRead()
    {
        return bytesRead;
    }

    /** @return bytes written to the socket: records, handshake included. */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /** @return the negotiated protocol, e.g. TLSv1.3, or null before the handshake completed. */
    public String protocol()
    {
        final SSLSession session = channel.getSslEngine() == null ? null : channel.getSslEngine().getSession();
        return session == null || "NONE".equals(session.getProtocol()) ? null : session.getProtocol();
    }

    /** @return the negotiated cipher suite, e.g. TLS_AES_128_GCM_SHA256, or null before the handshake completed. */
    public String cipherSuite()
    {
        final SSLSession session = channel.getSslEngine() == null ? null : channel.getSslEngine().getSession();
        return session == null || session.getCipherSuite().startsWith("SSL_NULL") ? null : session.getCipherSuite();
    }

    /**
     * @return true when the first bytes the peer sent are a ramshift frame header, not a TLS record: a peer
     * started without TLS.
     */
    public boolean peerSpokePlaintext()
    {
        if (firstLength < FIRST_BYTES)
        {
            return false;
        }
        final ByteBuffer header = ByteBuffer.wrap(firstBytes).order(ByteOrder.LITTLE_ENDIAN);
        final int length = header.getInt(0);
        final int type = header.getShort(4) & 0xFFFF;
        final int flags = header.getShort(6) & 0xFFFF;
        return length >= FIRST_BYTES && length <= ProtocolDescriptor.MAX_FRAME_LENGTH &&
            type >= ProtocolDescriptor.TYPE_HELLO && type <= LARGEST_FRAME_TYPE && flags == 0;
    }

    /**
     * Explain a failure of the handshake or of the connection in one line: whose certificate, what to change.
     *
     * @param failure the exception from the TLS channel.
     * @param peer    the peer's name for the message.
     * @param during  what was being done after the handshake, e.g. "while waiting for RESULT"; null for the
     *                handshake itself.
     * @return the exception to throw.
     */
    public TlsException failure(final IOException failure, final String peer, final String during)
    {
        if (!peerSpokePlaintext())
        {
            sendAlert();
        }
        return new TlsException((during == null ? "TLS handshake with " + peer + " failed: " :
            "TLS connection with " + peer + " failed " + during + ": ") + reason(failure), failure);
    }

    /**
     * After the engine failed, it holds the alert that tells the peer why (the TLS channel does not send it): wrap it
     * and write it, best effort, so that the peer reports the cause instead of a closed connection.
     */
    private void sendAlert()
    {
        final SSLEngine engine = channel.getSslEngine();
        if (engine == null || engine.isOutboundDone())
        {
            return;
        }
        try
        {
            final ByteBuffer alert = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++)
            {
                final SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), alert);
                if (result.bytesProduced() == 0)
                {
                    break;
                }
            }
            alert.flip();
            for (int tries = 0; alert.hasRemaining() && tries < 100; tries++)
            {
                bytesWritten += Math.max(0, socket.write(alert));
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // the peer may be gone; this end's message is what matters
        }
    }

    private String reason(final IOException failure)
    {
        final String peerRole = receiver ? "sender" : "receiver";
        if (peerSpokePlaintext())
        {
            return receiver ?
                "the sender does not use TLS and this receiver requires it (start the sender with --tls and --tls-ca)" :
                "the receiver does not use TLS (it answered in plaintext): start it with --tls --tls-cert --tls-key, " +
                "or send without --tls";
        }
        if (failure instanceof ClosedChannelException && bytesRead == 0)
        {
            return "the " + peerRole + " closed the connection without a TLS answer (not started with --tls? its own " +
                "message says why)";
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            final String message = String.valueOf(cause.getMessage());
            final String whose = receiver ? "the sender's client certificate" : "the receiver's certificate";
            if (cause instanceof CertificateExpiredException)
            {
                return whose + " has expired (" + message + ")";
            }
            if (cause instanceof CertificateNotYetValidException)
            {
                return whose + " is not valid yet (" + message + ")";
            }
            if (cause instanceof CertPathBuilderException)
            {
                return whose + " is not signed by a CA of " + (receiver ? "this receiver's" : "this sender's") +
                    " --tls-ca (" + message + ")";
            }
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching"))
            {
                return "the receiver's certificate is not for '" + serverName + "' (" + message + "; a name is " +
                    "checked against the certificate's DNS names, an IP address against its IP addresses; " +
                    "--tls-server-name checks another name)";
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof AEADBadTagException)
            {
                return "a record from the " + peerRole + " failed its integrity check: changed on the way (" +
                    cause.getMessage() + ")";
            }
        }
        final String message = String.valueOf(failure.getMessage());
        if (message.startsWith(ALERT))
        {
            final String alert = message.substring(ALERT.length());
            if ("bad_record_mac".equals(alert))
            {
                return "a record from this end failed the " + peerRole + "'s integrity check: changed on the way " +
                    "(alert " + alert + ")";
            }
            if (!receiver && !clientCertificate &&
                ("certificate_required".equals(alert) || "bad_certificate".equals(alert)))
            {
                return "the receiver requires a client certificate (mutual TLS): give the sender --tls-cert and " +
                    "--tls-key of a certificate signed by the receiver's --tls-ca (alert " + alert + ")";
            }
            if (alert.contains("certificate") || "unknown_ca".equals(alert))
            {
                return receiver ?
                    "the sender refused this receiver's certificate (alert " + alert + "): not signed by the " +
                    "sender's --tls-ca, expired, or not for the name the sender connects to; the sender says which" :
                    "the receiver refused this sender's client certificate (alert " + alert + "): not signed by the " +
                    "receiver's --tls-ca, or expired";
            }
            return "the " + peerRole + " sent alert " + alert + " and closed";
        }
        if (message.contains("Empty client certificate chain"))
        {
            return "the sender sent no client certificate and this receiver requires one (mutual TLS, --tls-ca " +
                "given): start the sender with --tls-cert and --tls-key";
        }
        if (message.contains("nrecognized SSL message") || message.contains("plaintext connection"))
        {
            return "the " + peerRole + " does not speak TLS (" + message + ")";
        }
        return message;
    }

    /**
     * Release the TLS buffers; tries to send close_notify. The socket stays open (its owner closes it).
     */
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException | RuntimeException ignore)
        {
            // the socket may be gone; the buffers are released anyway
        }
    }

    /**
     * The socket as the TLS channel sees it: counts the bytes and keeps the first few the peer sent; closing it
     * leaves the socket to its owner.
     */
    private final class Wire implements ByteChannel
    {
        public int read(final ByteBuffer destination) throws IOException
        {
            final int start = destination.position();
            final int n = socket.read(destination);
            if (n > 0)
            {
                if (firstLength < FIRST_BYTES)
                {
                    final int take = Math.min(n, FIRST_BYTES - firstLength);
                    for (int i = 0; i < take; i++)
                    {
                        firstBytes[firstLength++] = destination.get(start + i);
                    }
                }
                bytesRead += n;
            }
            return n;
        }

        public int write(final ByteBuffer source) throws IOException
        {
            final int n = socket.write(source);
            if (n > 0)
            {
                bytesWritten += n;
            }
            return n;
        }

        public boolean isOpen()
        {
            return socket.isOpen();
        }

        public void close()
        {
            // the socket belongs to the caller
        }
    }
}
