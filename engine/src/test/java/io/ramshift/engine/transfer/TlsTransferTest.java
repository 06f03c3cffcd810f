package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.TlsException;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.tls.TestCertificates;
import io.ramshift.engine.tls.TlsSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS 1.3 sessions: the image moves encrypted on one or several streams, with LZ4 and with a pre-shared key inside;
 * an untrusted, expired or misnamed receiver certificate, a missing or foreign client certificate, and a plaintext
 * peer on either side stop the session during the handshake, with a clear message on both ends, before the receiver
 * creates its destination and before the sender sends a page.
 */
@ExtendWith(ResourceLeakExtension.class)
class TlsTransferTest
{
    private static final long IMAGE_SIZE = 24L << 20;
    private static final long IO_TIMEOUT_MS = 5_000;
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private TestCertificates certs;
    private Path image;

    @BeforeEach
    void setUp()
    {
        certs = TestCertificates.copyTo(dir.resolve("tls"));
        image = dir.resolve("guest.ram");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.byName("post-workload"))
            .sizeBytes(IMAGE_SIZE)
            .seed(5)
            .imagePath(image)
            .freeBitmapPath(dir.resolve("guest.free"))
            .sparse(true))
            .generate();
    }

    @Test
    void shouldMoveTheImageOverTlsOnOneStreamWithLz4()
    {
        final TransferOptions options = options(certs.sender(), certs.receiver("server"));
        final LoopbackMigration migration = migrate(options);

        final TransferStats sent = migration.senderStats();
        assertTrue(sent.verified);
        assertTrue(sent.lz4Batches > 0, "LZ4 batches go through TLS too");
        assertTrue(sent.tls.startsWith("TLSv1.3 TLS_AES_"), sent.tls);
        assertEquals(sent.tls, migration.receiverStats().tls);
        assertTrue(sent.bytesSent > sent.payloadBytes, "records and handshake count on the wire");
        TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), (page) -> false);
    }

    @Test
    void shouldMoveTheImageOverTlsOnThreeStreamsWithLz4()
    {
        final TransferOptions options = options(certs.sender(), certs.receiver("server"));
        options.streams = 3;
        final LoopbackMigration migration = migrate(options);

        assertTrue(migration.senderStats().verified);
        assertEquals(3, migration.receiverStats().streams);
        assertTrue(migration.senderStats().lz4Batches > 0);
        TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), (page) -> false);
    }

    @Test
    void shouldMoveTheImageWithAnEcCertificateCheckedByIpAddress()
    {
        final TlsSettings sender = TlsSettings.sender(certs.cert("ca"), null, null, "127.0.0.1");
        final LoopbackMigration migration = migrate(options(sender, certs.receiver("server-ec")));

        assertTrue(migration.senderStats().verified);
        TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), (page) -> false);
    }

    @Test
    void shouldRunThePreSharedKeyHandshakeInsideTls()
    {
        final TransferOptions options = options(certs.sender(), certs.receiver("server"));
        options.authenticator = new SessionAuthenticator(KEY);
        options.streams = 2;
        final LoopbackMigration migration = migrate(options);

        assertTrue(migration.senderStats().verified);
        assertNotNull(migration.senderStats().tls);
        TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), (page) -> false);
    }

    @Test
    void shouldRefuseAReceiverCertificateFromAnotherCaBeforeAnyPage() throws Exception
    {
        final Failures failures = fail(options(certs.sender(), certs.receiver("other-server")));

        failures.assertTls("the receiver's certificate is not signed by a CA of this sender's --tls-ca",
            "the sender refused this receiver's certificate");
    }

    @Test
    void shouldRefuseAnExpiredReceiverCertificate() throws Exception
    {
        final Failures failures = fail(options(certs.sender(), certs.receiver("expired")));

        failures.assertTls("the receiver's certificate has expired", "the sender refused this receiver's certificate");
    }

    @Test
    void shouldRefuseAReceiverCertificateForAnotherName() throws Exception
    {
        final Failures failures = fail(options(certs.sender(), certs.receiver("wrong-host")));

        failures.assertTls("the receiver's certificate is not for 'localhost'",
            "the sender refused this receiver's certificate");
    }

    @Test
    void shouldRefuseAnIpAddressThatIsNotInTheCertificate() throws Exception
    {
        final TlsSettings sender = TlsSettings.sender(certs.cert("ca"), null, null, "127.0.0.2");
        final Failures failures = fail(options(sender, certs.receiver("server")));

        failures.assertTls("the receiver's certificate is not for '127.0.0.2'", "refused this receiver's certificate");
    }

    @Test
    void shouldRefuseAPlaintextSenderAtATlsReceiverWithinTheIoTimeout() throws Exception
    {
        final Failures failures = fail(options(null, certs.receiver("server")));

        assertTrue(failures.sender.getMessage().contains("the sender does not use TLS and this receiver requires it"),
            failures.toString());
        assertInstanceOf(TlsException.class, failures.receiver, failures.toString());
        assertTrue(failures.receiver.getMessage().contains("the sender does not use TLS"), failures.toString());
        failures.assertNothingWritten();
    }

    @Test
    void shouldRefuseATlsSenderAtAPlaintextReceiverWithinTheIoTimeout() throws Exception
    {
        final Failures failures = fail(options(certs.sender(), null));

        assertInstanceOf(TlsException.class, failures.sender, failures.toString());
        assertTrue(failures.sender.getMessage().contains("the receiver does not use TLS"), failures.toString());
        assertTrue(failures.receiver.getMessage().contains("speaks TLS and this end was started without --tls"),
            failures.toString());
        failures.assertNothingWritten();
    }

    @Test
    void shouldRequireAClientCertificateWhenTheReceiverHasAClientCa() throws Exception
    {
        final TlsSettings receiver = TlsSettings.receiver(certs.cert("server"), certs.key("server"), certs.cert("ca"));
        final Failures failures = fail(options(certs.sender(), receiver));

        failures.assertTls("the receiver requires a client certificate",
            "the sender sent no client certificate and this receiver requires one");
    }

    @Test
    void shouldMoveTheImageWithMutualTls()
    {
        final TlsSettings receiver = TlsSettings.receiver(certs.cert("server"), certs.key("server"), certs.cert("ca"));
        final TlsSettings sender = TlsSettings.sender(certs.cert("ca"), certs.cert("client"), certs.key("client"),
            "localhost");
        final TransferOptions options = options(sender, receiver);
        options.streams = 2;
        final LoopbackMigration migration = migrate(options);

        assertTrue(migration.senderStats().verified);
        TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), (page) -> false);
    }

    @Test
    void shouldRefuseAClientCertificateFromAnotherCa() throws Exception
    {
        final TlsSettings receiver = TlsSettings.receiver(certs.cert("server"), certs.key("server"), certs.cert("ca"));
        final TlsSettings sender = TlsSettings.sender(certs.cert("ca"), certs.cert("other-server"),
            certs.key("other-server"), "localhost");
        final Failures failures = fail(options(sender, receiver));

        failures.assertTls("the receiver refused this sender's client certificate",
            "the sender's client certificate is not signed by a CA of this receiver's --tls-ca");
    }

    @Test
    void shouldFailAHandshakeWithASilentReceiverAfterTheIoTimeout() throws Exception
    {
        try (ServerSocketChannel server = ServerSocketChannel.open();
            MappedImage mapped = MappedImage.openReadOnly(image))
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final TransferOptions options = options(certs.sender(), null);
            options.ioTimeoutMs = 500;
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept())
            {
                final long start = System.nanoTime();
                final RuntimeException failure = assertThrows(RuntimeException.class, () ->
                    new ImageSender(options).send(mapped, null, channel, "silent receiver"));
                final long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(failure.getMessage().contains("no progress from silent receiver stream 0 for 500 ms " +
                    "while in the TLS handshake"), failure.getMessage());
                assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
                assertNotNull(accepted);
            }
        }
    }

    @Test
    void shouldFailTheSessionWhenARecordIsChangedOnTheWay() throws Exception
    {
        final TransferOptions options = options(certs.sender(), certs.receiver("server"));
        options.lz4 = false;
        final Path destination = dir.resolve("copy.ram");
        final AtomicReference<Throwable> receiverFailure = new AtomicReference<>();
        final AtomicReference<TransferStats> receiverStats = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open();
            ServerSocketChannel relayServer = ServerSocketChannel.open();
            MappedImage mapped = MappedImage.openReadOnly(image))
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            relayServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    receiverStats.set(new ImageReceiver(options).receive(server, destination));
                }
                catch (final RuntimeException ex)
                {
                    receiverFailure.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            // an on-path attacker: relays both ways and flips one bit 1 MiB into the sender's stream
            final Relay relay = new Relay(relayServer, server.getLocalAddress(), 1 << 20);
            final Throwable senderFailure;
            try (SocketChannel channel = SocketChannel.open(relayServer.getLocalAddress()))
            {
                senderFailure = assertThrows(RuntimeException.class, () ->
                    new ImageSender(options).send(mapped, null, channel, "receiver"));
            }
            receiver.join(30_000);
            relay.close();
            assertFalse(receiver.isAlive(), "receiver still running");
            assertNull(receiverStats.get(), "the receiver must not report success");
            final String message = String.valueOf(receiverFailure.get());
            assertTrue(message.contains("failed its integrity check: changed on the way"),
                "receiver: " + message + "\nsender: " + senderFailure);
        }
    }

    private LoopbackMigration migrate(final TransferOptions options)
    {
        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(image, null, dir.resolve("copy.ram"));
        return migration;
    }

    private static TransferOptions options(final TlsSettings sender, final TlsSettings receiver)
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        options.lz4Always = true;
        options.ioTimeoutMs = IO_TIMEOUT_MS;
        options.tlsSender = sender;
        options.tlsReceiver = receiver;
        return options;
    }

    /**
     * Run a receiver on a loopback port in a thread and a sender here; both must fail.
     */
    private Failures fail(final TransferOptions options) throws Exception
    {
        final Path destination = dir.resolve("copy.ram");
        final AtomicReference<Throwable> receiverFailure = new AtomicReference<>();
        final AtomicReference<TransferStats> receiverStats = new AtomicReference<>();
        final long start = System.nanoTime();
        final Throwable senderFailure;
        try (ServerSocketChannel server = ServerSocketChannel.open();
            MappedImage mapped = MappedImage.openReadOnly(image))
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    receiverStats.set(new ImageReceiver(options).receive(server, destination));
                }
                catch (final RuntimeException ex)
                {
                    receiverFailure.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress()))
            {
                senderFailure = assertThrows(RuntimeException.class, () ->
                    new ImageSender(options).send(mapped, null, channel, "receiver"));
            }
            receiver.join(30_000);
            assertFalse(receiver.isAlive(), "receiver still running");
        }
        final long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertNull(receiverStats.get(), "the receiver must not report success");
        assertNotNull(receiverFailure.get(), "the receiver must fail");
        assertTrue(tookMs < IO_TIMEOUT_MS, "refused within the io timeout, took " + tookMs + " ms");
        return new Failures(senderFailure, receiverFailure.get(), destination);
    }

    /**
     * A TCP relay between a sender and the receiver that flips one bit of the sender's stream at a given offset.
     */
    private static final class Relay
    {
        private final Thread thread;
        private volatile boolean closed;

        Relay(final ServerSocketChannel listen, final java.net.SocketAddress target, final long flipAt)
        {
            thread = new Thread(() ->
            {
                try (SocketChannel from = listen.accept(); SocketChannel to = SocketChannel.open(target))
                {
                    final Thread back = new Thread(() -> pump(to, from, -1), "ramshift-test-relay-back");
                    back.start();
                    pump(from, to, flipAt);
                    back.join(10_000);
                }
                catch (final Exception ignore)
                {
                    // the test looks at both ends
                }
            }, "ramshift-test-relay");
            thread.start();
        }

        private void pump(final SocketChannel from, final SocketChannel to, final long flipAt)
        {
            final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 << 10);
            long offset = 0;
            try
            {
                while (!closed && from.read(buffer) >= 0)
                {
                    buffer.flip();
                    if (flipAt >= offset && flipAt < offset + buffer.remaining())
                    {
                        final int at = (int)(flipAt - offset);
                        buffer.put(at, (byte)(buffer.get(at) ^ 0x10));
                    }
                    offset += buffer.remaining();
                    while (buffer.hasRemaining())
                    {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            }
            catch (final java.io.IOException ignore)
            {
                // one side closed
            }
        }

        void close() throws InterruptedException
        {
            closed = true;
            thread.join(10_000);
        }
    }

    private static final class Failures
    {
        final Throwable sender;
        final Throwable receiver;
        final Path destination;

        Failures(final Throwable sender, final Throwable receiver, final Path destination)
        {
            this.sender = sender;
            this.receiver = receiver;
            this.destination = destination;
        }

        void assertTls(final String senderSays, final String receiverSays)
        {
            assertInstanceOf(TlsException.class, sender, toString());
            assertInstanceOf(TlsException.class, receiver, toString());
            assertTrue(sender.getMessage().contains(senderSays), toString());
            assertTrue(receiver.getMessage().contains(receiverSays), toString());
            assertFalse(sender.getMessage().contains("\n") || receiver.getMessage().contains("\n"), "one line each");
            assertNothingWritten();
        }

        void assertNothingWritten()
        {
            assertFalse(Files.exists(destination), "the destination must not be created: " + destination);
        }

        public String toString()
        {
            return "sender: " + sender + "\nreceiver: " + receiver;
        }
    }
}
