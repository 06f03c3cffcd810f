package io.ramshift.engine.tls;

import io.ramshift.engine.RamshiftException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFilesTest
{
    @TempDir
    Path dir;

    private TestCertificates certs;

    @BeforeEach
    void setUp()
    {
        certs = TestCertificates.copyTo(dir.resolve("tls"));
    }

    @Test
    void shouldReadRsaAndEcKeysOfTheirCertificates()
    {
        final X509Certificate rsa = PemFiles.certificates(certs.cert("server"))[0];
        final X509Certificate ec = PemFiles.certificates(certs.cert("client"))[0];

        final PrivateKey rsaKey = PemFiles.privateKey(certs.key("server"), rsa);
        final PrivateKey ecKey = PemFiles.privateKey(certs.key("client"), ec);

        assertEquals("RSA", rsaKey.getAlgorithm());
        assertEquals("EC", ecKey.getAlgorithm());
    }

    @Test
    void shouldReadAChainLeafFirst() throws IOException
    {
        final Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(certs.cert("server")) + Files.readString(certs.cert("ca")));

        final X509Certificate[] certificates = PemFiles.certificates(chain);

        assertEquals(2, certificates.length);
        assertTrue(certificates[0].getSubjectX500Principal().getName().contains("localhost"));
        assertTrue(certificates[1].getSubjectX500Principal().getName().contains("ramshift test CA"));
    }

    @Test
    void shouldRefuseAKeyOfAnotherCertificate()
    {
        final X509Certificate client = PemFiles.certificates(certs.cert("client"))[0];

        final RamshiftException ex = assertThrows(RamshiftException.class, () ->
            PemFiles.privateKey(certs.key("server-ec"), client));

        assertTrue(ex.getMessage().startsWith("private key does not belong to the certificate: key="), ex.getMessage());
    }

    @Test
    void shouldRefuseAKeyOfAnotherType()
    {
        final X509Certificate client = PemFiles.certificates(certs.cert("client"))[0];

        final RamshiftException ex = assertThrows(RamshiftException.class, () ->
            PemFiles.privateKey(certs.key("server"), client));

        assertTrue(ex.getMessage().contains("certificateKey=EC"), ex.getMessage());
    }

    @Test
    void shouldRefuseTraditionalAndEncryptedKeysNamingTheConversion() throws IOException
    {
        final X509Certificate server = PemFiles.certificates(certs.cert("server"))[0];
        final Path pkcs1 = dir.resolve("pkcs1.key");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        final Path encrypted = dir.resolve("encrypted.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        final RamshiftException traditional = assertThrows(RamshiftException.class, () ->
            PemFiles.privateKey(pkcs1, server));
        final RamshiftException locked = assertThrows(RamshiftException.class, () ->
            PemFiles.privateKey(encrypted, server));

        assertTrue(traditional.getMessage().contains("found=-----BEGIN RSA PRIVATE KEY-----"), traditional.getMessage());
        assertTrue(traditional.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), traditional.getMessage());
        assertTrue(locked.getMessage().startsWith("private key is encrypted"), locked.getMessage());
    }

    @Test
    void shouldRefuseAFileWithoutACertificate() throws IOException
    {
        final Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "nothing here\n");

        final RamshiftException ex = assertThrows(RamshiftException.class, () -> PemFiles.certificates(empty));

        assertTrue(ex.getMessage().contains(empty.toString()), ex.getMessage());
    }

    @Test
    void shouldNameAMissingFile()
    {
        final Path missing = dir.resolve("missing.pem");

        final RamshiftException ex = assertThrows(RamshiftException.class, () -> PemFiles.certificates(missing));

        assertEquals("cannot read certificate file: path=" + missing + ": no such file", ex.getMessage());
    }

    @Test
    void shouldRequireACaForASender()
    {
        final RamshiftException ex = assertThrows(RamshiftException.class, () ->
            TlsSettings.sender(null, null, null, "localhost"));

        assertTrue(ex.getMessage().startsWith("a TLS sender needs the CA"), ex.getMessage());
    }
}
