package io.ramshift.engine.tls;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.TransferException;
import tlschannel.ClientTlsChannel;
import tlschannel.DirectBufferAllocator;
import tlschannel.ServerTlsChannel;
import tlschannel.TlsChannel;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * TLS 1.3 for the connections of a transfer, from PEM files: the receiver is the TLS server (its certificate and
 * key; with a CA it requires and checks a client certificate), the sender the TLS client (the CA that must have
 * signed the receiver's certificate, the name that certificate must carry; optionally its own certificate and key
 * for mutual TLS). No session resumption; every connection makes a full handshake.
 */
public final class TlsSettings
{
    /** The only protocol version offered or accepted. */
    public static final String PROTOCOL = "TLSv1.3";

    private final SSLContext context;
    private final boolean receiver;
    private final boolean clientCertificate;
    private final String serverName;
    private final String description;

    private TlsSettings(final SSLContext context, final boolean receiver, final boolean clientCertificate,
        final String serverName, final String description)
    {
        this.context = context;
        this.receiver = receiver;
        this.clientCertificate = clientCertificate;
        this.serverName = serverName;
        this.description = description;
    }

    /**
     * The receiver's end: the TLS server.
     *
     * @param certificate PEM file: this receiver's certificate, then its chain.
     * @param key         PEM file: the certificate's PKCS#8 private key.
     * @param clientCa    PEM file of the CA(s) a sender's client certificate must be signed by (mutual TLS), or
     *                    null to accept senders without a certificate.
     * @return the settings.
     */
    public static TlsSettings receiver(final Path certificate, final Path key, final Path clientCa)
    {
        if (certificate == null || key == null)
        {
            throw new RamshiftException("a TLS receiver needs its certificate and private key: --tls-cert " +
                (certificate == null ? "missing" : certificate) + " --tls-key " + (key == null ? "missing" : key));
        }
        final SSLContext context = context(keyManagers(certificate, key),
            clientCa == null ? null : trustManagers(clientCa));
        return new TlsSettings(context, true, clientCa != null, null, "TLS 1.3 receiver, certificate " + certificate +
            (clientCa == null ? "" : ", client certificates signed by " + clientCa + " required"));
    }

    /**
     * The sender's end: the TLS client.
     *
     * @param ca          PEM file of the CA(s) the receiver's certificate must be signed by.
     * @param certificate PEM file of this sender's client certificate (mutual TLS), or null.
     * @param key         PEM file of its PKCS#8 private key, or null.
     * @param serverName  the name the receiver's certificate must carry: a DNS name (matched against its DNS
     *                    subject alternative names) or an IP address (matched against its IP address names).
     * @return the settings.
     */
    public static TlsSettings sender(final Path ca, final Path certificate, final Path key, final String serverName)
    {
        if (ca == null)
        {
            throw new RamshiftException("a TLS sender needs the CA that signed the receiver's certificate: --tls-ca " +
                "CA.pem (or the receiver's self-signed certificate itself)");
        }
        if ((certificate == null) != (key == null))
        {
            throw new RamshiftException("a sender's client certificate needs both --tls-cert and --tls-key: " +
                "--tls-cert " + (certificate == null ? "missing" : certificate) + " --tls-key " +
                (key == null ? "missing" : key));
        }
        if (serverName == null || serverName.isEmpty())
        {
            throw new RamshiftException("a TLS sender needs the receiver's name to check in its certificate");
        }
        final SSLContext context = context(certificate == null ? null : keyManagers(certificate, key),
            trustManagers(ca));
        return new TlsSettings(context, false, certificate != null, serverName, "TLS 1.3 sender, receiver '" +
            serverName + "' signed by " + ca + (certificate == null ? "" : ", client certificate " + certificate));
    }

    /** @return true for the receiver's end (the TLS server). */
    public boolean isReceiver()
    {
        return receiver;
    }

    /** @return the name checked in the receiver's certificate (sender), null for a receiver. */
    public String serverName()
    {
        return serverName;
    }

    /**
     * @return for a receiver, whether senders must present a certificate; for a sender, whether it has one.
     */
    public boolean clientCertificate()
    {
        return clientCertificate;
    }

    /**
     * Start TLS on a connected socket (the handshake runs on the first read or write).
     *
     * @param socket connected; stays owned by the caller, blocking or not.
     * @return the TLS connection over it.
     */
    public TlsConnection open(final SocketChannel socket)
    {
        final SSLEngine engine;
        if (receiver)
        {
            engine = context.createSSLEngine();
            engine.setUseClientMode(false);
        }
        else
        {
            engine = context.createSSLEngine(serverName, remotePort(socket));
            engine.setUseClientMode(true);
        }
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        // the JDK's TLS 1.3 suites in its order: AES-256-GCM, AES-128-GCM (both ~3 GB/s per core with AES-NI
        // here), ChaCha20-Poly1305 (~0.2 GB/s on JDK 17: no intrinsic)
        if (receiver)
        {
            parameters.setNeedClientAuth(clientCertificate);
        }
        else
        {
            // RFC 2818 / RFC 6125 host name check: DNS names against DNS SANs, IP literals against IP SANs
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        final TlsConnection connection = new TlsConnection(socket, receiver, clientCertificate, serverName);
        // direct buffers for the records (written to and read from the socket without a copy), kept for the
        // connection's life instead of being released and allocated again between writes
        final DirectBufferAllocator direct = new DirectBufferAllocator();
        final TlsChannel channel = receiver ?
            ServerTlsChannel.newBuilder(connection.wire(), context)
                .withEngineFactory((ignored) -> engine)
                .withEncryptedBufferAllocator(direct)
                .withPlainBufferAllocator(direct)
                .withReleaseBuffers(false)
                .build() :
            ClientTlsChannel.newBuilder(connection.wire(), engine)
                .withEncryptedBufferAllocator(direct)
                .withPlainBufferAllocator(direct)
                .withReleaseBuffers(false)
                .build();
        connection.channel(channel);
        return connection;
    }

    public String toString()
    {
        return description;
    }

    private static int remotePort(final SocketChannel socket)
    {
        try
        {
            final java.net.SocketAddress remote = socket.getRemoteAddress();
            return remote instanceof InetSocketAddress ? ((InetSocketAddress)remote).getPort() : -1;
        }
        catch (final IOException ex)
        {
            throw new TransferException("connection is not open: " + ex.getMessage(), ex);
        }
    }

    private static SSLContext context(final KeyManager[] keyManagers, final TrustManager[] trustManagers)
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keyManagers, trustManagers, null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new RamshiftException("TLS 1.3 unavailable in this JDK: " + ex.getMessage(), ex);
        }
    }

    private static KeyManager[] keyManagers(final Path certificatePath, final Path keyPath)
    {
        final X509Certificate[] chain = PemFiles.certificates(certificatePath);
        return new KeyManager[] {new IdentityKeyManager(chain, PemFiles.privateKey(keyPath, chain[0]))};
    }

    private static TrustManager[] trustManagers(final Path caPath)
    {
        final X509Certificate[] authorities = PemFiles.certificates(caPath);
        try
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.length; i++)
            {
                store.setCertificateEntry("ca-" + i, authorities[i]);
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers();
        }
        catch (final GeneralSecurityException | IOException ex)
        {
            throw new RamshiftException("cannot use CA file: path=" + caPath + ": " + ex.getMessage(), ex);
        }
    }
}
