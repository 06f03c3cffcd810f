package io.ramshift.tools;

import io.ramshift.engine.tls.TlsSettings;
import io.ramshift.engine.transfer.TransferOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * The TLS options of the transfer commands: {@code --tls} and the PEM files of each end.
 */
final class TlsOptionsMixin
{
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--tls", description = "Encrypt and integrity-protect every stream with TLS 1.3 (both ends).")
    boolean tls;

    @Option(names = "--tls-cert", paramLabel = "CERT.pem", description = "TLS: this end's certificate (then its " +
        "chain), PEM. Receiver: required. Sender: a client certificate for mutual TLS.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "KEY.pem", description = "TLS: the private key of --tls-cert, " +
        "unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY), RSA or EC.")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "CA.pem", description = "TLS: sender: the CA(s) the receiver's " +
        "certificate must be signed by (required). Receiver: require a client certificate signed by these CA(s).")
    Path ca;

    @Option(names = "--tls-server-name", paramLabel = "NAME", description = "TLS sender: the name the receiver's " +
        "certificate must carry (default: the host of --to; 'localhost' for migrate). A DNS name is matched against " +
        "the certificate's DNS names, an IP address against its IP addresses.")
    String serverName;

    /**
     * @param host the host as given in {@code --to}.
     * @return the sender's settings, or null without {@code --tls}.
     */
    TlsSettings sender(final String host)
    {
        if (!enabled())
        {
            return null;
        }
        if (ca == null)
        {
            throw new ParameterException(mixee.commandLine(), "--tls on the sender needs --tls-ca CA.pem: the CA " +
                "that signed the receiver's certificate (or that certificate itself, if self-signed)");
        }
        if ((cert == null) != (key == null))
        {
            throw new ParameterException(mixee.commandLine(), "a client certificate needs both --tls-cert and " +
                "--tls-key");
        }
        return TlsSettings.sender(ca, cert, key, serverName != null ? serverName : host);
    }

    /**
     * @return the receiver's settings, or null without {@code --tls}.
     */
    TlsSettings receiver()
    {
        if (!enabled())
        {
            return null;
        }
        if (cert == null || key == null)
        {
            throw new ParameterException(mixee.commandLine(), "--tls on the receiver needs --tls-cert CERT.pem and " +
                "--tls-key KEY.pem (its identity)");
        }
        if (serverName != null)
        {
            throw new ParameterException(mixee.commandLine(), "--tls-server-name is a sender option");
        }
        return TlsSettings.receiver(cert, key, ca);
    }

    /**
     * Both ends in one process: the receiver serves {@code --tls-cert}/{@code --tls-key}, the sender checks it
     * against {@code --tls-ca} and the name {@code --tls-server-name} (default localhost).
     *
     * @param options where to set both ends.
     */
    void loopback(final TransferOptions options)
    {
        if (!enabled())
        {
            return;
        }
        if (cert == null || key == null || ca == null)
        {
            throw new ParameterException(mixee.commandLine(), "--tls over loopback needs --tls-cert and --tls-key " +
                "(the receiver's) and --tls-ca (what the sender trusts)");
        }
        options.tlsReceiver = TlsSettings.receiver(cert, key, null);
        options.tlsSender = TlsSettings.sender(ca, null, null, serverName != null ? serverName : "localhost");
    }

    private boolean enabled()
    {
        if (!tls && (cert != null || key != null || ca != null || serverName != null))
        {
            throw new ParameterException(mixee.commandLine(), "--tls-cert, --tls-key, --tls-ca and " +
                "--tls-server-name need --tls (without it nothing is encrypted)");
        }
        return tls;
    }
}
