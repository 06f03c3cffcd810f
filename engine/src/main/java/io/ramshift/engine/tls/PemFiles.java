package io.ramshift.engine.tls;

import io.ramshift.engine.RamshiftException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads PEM files with the JDK alone: X.509 certificates (a chain, leaf first) and unencrypted PKCS#8 private keys
 * (RSA, EC, EdDSA), checking that a key belongs to its certificate.
 */
public final class PemFiles
{
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    private static final String CONVERT_HINT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem";

    private PemFiles()
    {
    }

    /**
     * @param path a PEM file of one or more certificates ("BEGIN CERTIFICATE"), a leaf first then its chain.
     * @return the certificates in file order, at least one.
     */
    public static X509Certificate[] certificates(final Path path)
    {
        final byte[] bytes = read(path, "certificate");
        final Collection<? extends Certificate> read;
        try
        {
            read = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        }
        catch (final CertificateException ex)
        {
            throw new RamshiftException("not a PEM certificate file: path=" + path + ": " + ex.getMessage(), ex);
        }
        if (read.isEmpty())
        {
            throw new RamshiftException("no certificate in file: path=" + path + " (expected -----BEGIN CERTIFICATE-----)");
        }
        final X509Certificate[] certificates = new X509Certificate[read.size()];
        int i = 0;
        for (final Certificate certificate : read)
        {
            certificates[i++] = (X509Certificate)certificate;
        }
        return certificates;
    }

    /**
     * @param path        a PEM file with one unencrypted PKCS#8 private key ("BEGIN PRIVATE KEY").
     * @param certificate the certificate the key must belong to (its public key gives the algorithm).
     * @return the key, checked by signing with it and verifying with the certificate.
     */
    public static PrivateKey privateKey(final Path path, final X509Certificate certificate)
    {
        final byte[] bytes = read(path, "private key");
        final String text = new String(bytes, StandardCharsets.US_ASCII);
        Arrays.fill(bytes, (byte)0);
        final int begin = text.indexOf(PKCS8_BEGIN);
        final int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin)
        {
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            {
                throw new RamshiftException("private key is encrypted: path=" + path + "; ramshift reads unencrypted " +
                    "PKCS#8 keys (keep the file readable by its owner only); " + CONVERT_HINT);
            }
            final String header = firstHeader(text);
            throw new RamshiftException("not a PKCS#8 private key: path=" + path + " found=" +
                (header == null ? "no PEM block" : header) + "; " + CONVERT_HINT);
        }
        final byte[] der;
        try
        {
            der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new RamshiftException("private key is not valid base64: path=" + path + ": " + ex.getMessage(), ex);
        }
        final PublicKey publicKey = certificate.getPublicKey();
        final String algorithm = publicKey.getAlgorithm();
        final PrivateKey key;
        try
        {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new RamshiftException("cannot read private key: path=" + path + " certificateKey=" + algorithm +
                " (the key must be of the certificate's type): " + ex.getMessage(), ex);
        }
        finally
        {
            Arrays.fill(der, (byte)0);
        }
        if (!belongsTo(key, publicKey))
        {
            throw new RamshiftException("private key does not belong to the certificate: key=" + path +
                " certificate=" + certificate.getSubjectX500Principal().getName());
        }
        return key;
    }

    private static boolean belongsTo(final PrivateKey key, final PublicKey publicKey)
    {
        final String algorithm;
        switch (publicKey.getAlgorithm())
        {
            case "RSA": algorithm = "SHA256withRSA"; break;
            case "EC": algorithm = "SHA256withECDSA"; break;
            case "RSASSA-PSS": return true;
            default: algorithm = publicKey.getAlgorithm(); break;
        }
        try
        {
            final byte[] probe = "ramshift key check".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            return false;
        }
    }

    private static String firstHeader(final String text)
    {
        final int at = text.indexOf("-----BEGIN ");
        if (at < 0)
        {
            return null;
        }
        final int end = text.indexOf("-----", at + 11);
        return end < 0 ? null : text.substring(at, end + 5);
    }

    private static byte[] read(final Path path, final String what)
    {
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot read " + what + " file: path=" + path + ": " +
                (ex instanceof java.nio.file.NoSuchFileException ? "no such file" : ex.getMessage()), ex);
        }
    }
}
