package io.ramshift.tools;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.tls.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code --tls} on the command line: send/receive with mutual TLS and a pre-shared key on three streams, migrate over
 * loopback TLS, one line on each end for a refused certificate, usage errors for incomplete TLS options.
 */
@ExtendWith(ResourceLeakExtension.class)
class TlsCommandTest
{
    private static final long PAGES = 1024;

    @TempDir
    Path dir;

    private TestCertificates certs;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp()
    {
        certs = TestCertificates.copyTo(dir.resolve("tls"));
    }

    @Test
    void shouldSendWithMutualTlsAndAKeyFileOnThreeStreams() throws Exception
    {
        final Path source = image();
        final Path destination = dir.resolve("received.img");
        final Path keyFile = dir.resolve("psk");
        Files.writeString(keyFile, "0123456789abcdef0123456789abcdef\n", StandardCharsets.US_ASCII);
        final Receiver receiver = new Receiver(destination, "--tls", "--tls-cert", certs.cert("server").toString(),
            "--tls-key", certs.key("server").toString(), "--tls-ca", certs.cert("ca").toString(),
            "--key-file", keyFile.toString());

        final int exitCode = run("send", source.toString(), "--to", "localhost:" + receiver.port, "--json",
            "--streams", "3", "--key-file", keyFile.toString(), "--tls", "--tls-ca", certs.cert("ca").toString(),
            "--tls-cert", certs.cert("client").toString(), "--tls-key", certs.key("client").toString());

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains("\"tls\":\"TLSv1.3 TLS_AES_"), out.toString());
        assertEquals(0, receiver.await(), receiver::toString);
        assertTrue(receiver.out.toString().contains("\"verified\":true"), receiver::toString);
        assertTrue(receiver.out.toString().contains("\"tls\":\"TLSv1.3 TLS_AES_"), receiver::toString);
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldPrintOneLineOnEachEndForAReceiverFromAnotherCa() throws Exception
    {
        final Path destination = dir.resolve("received.img");
        final Receiver receiver = new Receiver(destination, "--tls", "--tls-cert",
            certs.cert("other-server").toString(), "--tls-key", certs.key("other-server").toString());

        final int exitCode = run("send", image().toString(), "--to", "127.0.0.1:" + receiver.port, "--tls",
            "--tls-ca", certs.cert("ca").toString());

        assertEquals(1, exitCode, () -> "stderr: " + err);
        assertEquals(1, err.toString().lines().count(), err::toString);
        assertTrue(err.toString().startsWith("ramshift send: TLS handshake with receiver"), err::toString);
        assertTrue(err.toString().contains("is not signed by a CA of this sender's --tls-ca"), err::toString);
        assertEquals(1, receiver.await(), receiver::toString);
        final List<String> failures = receiver.errorLines();
        assertEquals(1, failures.size(), receiver::toString);
        assertTrue(failures.get(0).contains("the sender refused this receiver's certificate"), receiver::toString);
        assertFalse(Files.exists(destination), "nothing is created before the handshake and HELLO");
    }

    @Test
    void shouldMigrateOverLoopbackTls()
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--json", "--no-sync",
            "--tls", "--tls-cert", certs.cert("server").toString(), "--tls-key", certs.key("server").toString(),
            "--tls-ca", certs.cert("ca").toString());

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains("\"tls\":\"TLSv1.3 TLS_AES_"), out.toString());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldExitTwoForTlsFilesWithoutTls()
    {
        final int exitCode = run("send", image().toString(), "--to", "127.0.0.1:1", "--tls-ca",
            certs.cert("ca").toString());

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("need --tls"), err.toString());
    }

    @Test
    void shouldExitTwoForATlsSenderWithoutACa()
    {
        final int exitCode = run("send", image().toString(), "--to", "127.0.0.1:1", "--tls");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--tls on the sender needs --tls-ca"), err.toString());
    }

    @Test
    void shouldExitOneForAPkcs1KeyNamingTheConversion() throws IOException
    {
        final Path pkcs1 = dir.resolve("rsa.key");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        final int exitCode = run("migrate", image().toString(), dir.resolve("dst.img").toString(), "--tls",
            "--tls-cert", certs.cert("server").toString(), "--tls-key", pkcs1.toString(), "--tls-ca",
            certs.cert("ca").toString());

        assertEquals(1, exitCode);
        assertTrue(err.toString().contains("not a PKCS#8 private key"), err.toString());
        assertTrue(err.toString().contains("openssl pkcs8 -topk8 -nocrypt"), err.toString());
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 0, 300, 7);
        TestImages.writePages(path, 700, 200, 8);
        return path;
    }

    private int run(final String... args)
    {
        return RamshiftMain.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    /** A {@code ramshift receive} on an ephemeral loopback port in a thread of this JVM. */
    private static final class Receiver
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;
        final int port;

        Receiver(final Path destination, final String... tls) throws InterruptedException
        {
            final List<String> args = new ArrayList<>(Arrays.asList("receive", "--listen", "127.0.0.1:0", "--out",
                destination.toString(), "--json", "--no-sync", "--io-timeout", "10"));
            args.addAll(Arrays.asList(tls));
            thread = new Thread(() -> exit.set(RamshiftMain.run(new PrintWriter(out), new PrintWriter(err),
                args.toArray(new String[0]))), "ramshift-test-cli-receiver");
            thread.start();
            port = awaitListeningPort();
        }

        int await() throws InterruptedException
        {
            thread.join(30_000);
            assertFalse(thread.isAlive(), "receiver still running");
            return exit.get();
        }

        List<String> errorLines()
        {
            final List<String> lines = new ArrayList<>();
            err.toString().lines().filter((line) -> !line.contains("listening on")).forEach(lines::add);
            return lines;
        }

        private int awaitListeningPort() throws InterruptedException
        {
            final Pattern listening = Pattern.compile("listening on \\S*:(\\d+),");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline)
            {
                final Matcher matcher = listening.matcher(err.toString());
                if (matcher.find())
                {
                    return Integer.parseInt(matcher.group(1));
                }
                Thread.sleep(5);
            }
            return fail("receiver did not start listening: " + err);
        }

        public String toString()
        {
            return "receiver exit " + exit.get() + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
