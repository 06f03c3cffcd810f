package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.AuthFlyweight;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
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

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-shared-key sessions: matching keys move the image; a wrong or missing key on either end stops the session
 * before the receiver creates or writes its destination, and before the sender sends a page.
 */
@ExtendWith(ResourceLeakExtension.class)
class AuthenticatedTransferTest
{
    private static final long PAGES = 64;
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void shouldMoveTheImageWhenBothEndsProveTheSameKeyOnEveryStream()
    {
        final Path source = image();
        final TransferOptions options = options(KEY);
        options.streams = 3;

        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(source, null, dir.resolve("dst.img"));

        assertTrue(migration.senderStats().verified);
        TestImages.assertSameNonFreePages(source, dir.resolve("dst.img"), (page) -> false);
    }

    @Test
    void shouldRefuseAWrongKeyBeforeTheDestinationIsCreated() throws Exception
    {
        final Path destination = dir.resolve("dst.img");
        final Throwable[] failures = run(options(OTHER), options(KEY), destination);

        assertTrue(failures[1].getMessage().contains("authentication failed"), String.valueOf(failures[1]));
        assertTrue(failures[0].getMessage().contains("authentication failed"), String.valueOf(failures[0]));
        assertFalse(Files.exists(destination), "nothing is created for an unauthenticated sender");
    }

    @Test
    void shouldRefuseASenderWithoutAKey() throws Exception
    {
        final Path destination = dir.resolve("dst.img");
        final Throwable[] failures = run(options(null), options(KEY), destination);

        assertTrue(failures[1].getMessage().contains("requires a key"), String.valueOf(failures[1]));
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldRefuseAKeyedSenderAtAReceiverWithoutAKey() throws Exception
    {
        final Path destination = dir.resolve("dst.img");
        final Throwable[] failures = run(options(KEY), options(null), destination);

        assertTrue(failures[1].getMessage().contains("has none"), String.valueOf(failures[1]));
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldNotSendAPageToAReceiverThatCannotProveTheKey() throws Exception
    {
        // a fake receiver: challenges, then answers with a proof made with another key
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final AtomicReference<Long> bytesAfterProof = new AtomicReference<>();
            final Thread fake = new Thread(() -> fakeReceiver(server, bytesAfterProof), "ramshift-test-fake");
            fake.start();
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress());
                MappedImage mapped = MappedImage.openReadOnly(image()))
            {
                final TransferOptions options = options(KEY);
                final RuntimeException ex = assertThrows(RuntimeException.class, () ->
                    new ImageSender(options).send(mapped, null, channel, "fake"));
                assertTrue(ex.getMessage().contains("the receiver did not prove the key"), ex.getMessage());
            }
            fake.join(10_000);
            assertEquals(0L, bytesAfterProof.get(), "no frame but ERROR may follow a failed receiver proof");
        }
    }

    private static void fakeReceiver(final ServerSocketChannel server, final AtomicReference<Long> bytesAfterProof)
    {
        try (SocketChannel channel = server.accept())
        {
            final FrameChannel frames = new FrameChannel(channel, "sender", ProtocolDescriptor.MAX_FRAME_LENGTH, 10_000);
            frames.readFrame("HELLO");
            final byte[] hello = new byte[new HelloFlyweight().wrap(frames.in(), 0).frameLength()];
            frames.in().getBytes(0, hello);
            final AuthFlyweight auth = new AuthFlyweight();
            auth.wrap(frames.out(), 0);
            auth.encodeChallenge(new byte[32]);
            frames.writeControl(auth.frameLength());
            frames.readFrame("AUTH_PROOF");
            auth.wrap(frames.out(), 0);
            auth.encodeProof(new byte[32], new byte[32]);
            frames.writeControl(auth.frameLength());
            long after = 0;
            try
            {
                final int type = frames.readFrame("anything");
                after = type == ProtocolDescriptor.TYPE_ERROR ? 0 : frames.bytesRead();
            }
            catch (final RuntimeException expected)
            {
                // ERROR (thrown as PeerErrorException) or the sender closed: nothing was sent
            }
            bytesAfterProof.set(after);
            frames.close();
        }
        catch (final Exception ex)
        {
            bytesAfterProof.set(-1L);
        }
    }

    private Throwable[] run(final TransferOptions sender, final TransferOptions receiver, final Path destination)
        throws Exception
    {
        final Path source = image();
        try (RawReceiver raw = new RawReceiver(receiver, destination))
        {
            final Throwable senderFailure;
            try (SocketChannel channel = raw.connect(); MappedImage mapped = MappedImage.openReadOnly(source))
            {
                senderFailure = assertThrows(RuntimeException.class, () -> new ImageSender(sender)
                    .send(mapped, null, channel, "receiver"));
            }
            return new Throwable[] {senderFailure, raw.awaitFailure()};
        }
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 3, 10, 7);
        return path;
    }

    private static TransferOptions options(final byte[] key)
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        options.authenticator = key == null ? null : new SessionAuthenticator(key);
        return options;
    }

}
