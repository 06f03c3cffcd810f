package io.ramshift.engine.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The TLS test fixtures of {@code src/test/resources/tls} (made by its {@code make-test-certs.sh}; test-only keys)
 * copied into a directory, so that they are files wherever the test classes come from (a jar included).
 */
public final class TestCertificates
{
    /** Every fixture: {@code NAME.pem} and {@code NAME.key}. */
    private static final String[] NAMES =
        {"ca", "other-ca", "server", "server-ec", "client", "other-server", "expired", "wrong-host"};

    private final Path dir;

    private TestCertificates(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * @param dir where to copy the fixtures (a test's temporary directory).
     * @return the fixtures there.
     */
    public static TestCertificates copyTo(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
            for (final String name : NAMES)
            {
                copy(name + ".pem", dir);
                copy(name + ".key", dir);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return new TestCertificates(dir);
    }

    /**
     * @param name fixture name, e.g. {@code server}.
     * @return its certificate file.
     */
    public Path cert(final String name)
    {
        return dir.resolve(name + ".pem");
    }

    /**
     * @param name fixture name, e.g. {@code server}.
     * @return its PKCS#8 private key file.
     */
    public Path key(final String name)
    {
        return dir.resolve(name + ".key");
    }

    /**
     * @param name fixture name of the receiver's certificate.
     * @return receiver settings with that certificate, no client certificate required.
     */
    public TlsSettings receiver(final String name)
    {
        return TlsSettings.receiver(cert(name), key(name), null);
    }

    /**
     * @return sender settings trusting the test CA, checking "localhost", without a client certificate.
     */
    public TlsSettings sender()
    {
        return TlsSettings.sender(cert("ca"), null, null, "localhost");
    }

    private static void copy(final String resource, final Path dir) throws IOException
    {
        try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/" + resource))
        {
            if (in == null)
            {
                throw new IOException("missing test resource /tls/" + resource);
            }
            Files.copy(in, dir.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
