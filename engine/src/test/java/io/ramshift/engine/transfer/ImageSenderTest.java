package io.ramshift.engine.transfer;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.HelloAckDescriptor;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real {@link ImageSender} against a fake receiver that answers in every wrong way: the sender succeeds only on
 * RESULT VERIFIED with its own digest and page count.
 */
@ExtendWith(ResourceLeakExtension.class)
class ImageSenderTest
{
    private static final long PAGES = 128;
    private static final long SEED = 23;
    private static final long JOIN_MS = 30_000;

    @TempDir
    Path dir;

    /** How the fake receiver answers. */
    enum Answer
    {
        ECHO_VERIFIED, STATUS_MISMATCH, WRONG_DIGEST, WRONG_PAGES, CLOSE_BEFORE_RESULT, ERROR_AT_HELLO, OTHER_SESSION
    }

    @Test
    void shouldSucceedWhenTheReceiverVerifiesTheSameDigestAndPages() throws Exception
    {
        final TransferStats stats = send(Answer.ECHO_VERIFIED);

        assertTrue(stats.verified);
        assertEquals(3, stats.dataPages);
        assertEquals(PAGES - 3, stats.zeroPages);
        assertEquals(HelloAckDescriptor.DESTINATION_CREATED, stats.destinationState);
    }

    @Test
    void shouldFailWhenTheReceiverReportsADigestMismatch()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.STATUS_MISMATCH));

        assertTrue(ex.getMessage().contains("receiver did not verify the image: status=1"), ex.getMessage());
    }

    @Test
    void shouldFailWhenTheReceiverVerifiesAnotherDigest()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.WRONG_DIGEST));

        assertTrue(ex.getMessage().contains("receiver did not verify the image: status=0"), ex.getMessage());
    }

    @Test
    void shouldFailWhenTheReceiverVerifiesAnotherPageCount()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.WRONG_PAGES));

        assertTrue(ex.getMessage().contains("expectedPages=" + PAGES), ex.getMessage());
    }

    @Test
    void shouldFailWhenTheReceiverClosesBeforeTheResult()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.CLOSE_BEFORE_RESULT));

        assertTrue(ex.getMessage().contains("connection closed by fake receiver stream 0 while waiting for RESULT"),
            ex.getMessage());
    }

    @Test
    void shouldReportTheReceiversErrorMessage()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.ERROR_AT_HELLO));

        assertTrue(ex.getMessage().contains("fake receiver stream 0 reported an error: no room for this image"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseAnAcknowledgementOfAnotherSession()
    {
        final TransferException ex = assertThrows(TransferException.class, () -> send(Answer.OTHER_SESSION));

        assertTrue(ex.getMessage().contains("HELLO_ACK for another session"), ex.getMessage());
    }

    @Test
    void shouldRefuseABitmapOfAnotherImageBeforeConnecting()
    {
        final Path path = image();
        final Path bitmapPath = TestImages.writeBitmap(dir.resolve("bitmap"), PAGES * 2, List.of());

        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            final FreePageBitmap bitmap = FreePageBitmap.load(bitmapPath, PAGES * 2);
            final ImageException ex = assertThrows(ImageException.class,
                () -> new ImageSender(new TransferOptions()).send(image, bitmap, (java.nio.channels.ByteChannel)null, "nobody"));
            assertTrue(ex.getMessage().contains("bitmapPages=256 imagePages=128"), ex.getMessage());
        }
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePage(path, 0, SEED);
        TestImages.writePages(path, 60, 2, SEED);
        return path;
    }

    private TransferStats send(final Answer answer) throws IOException, InterruptedException
    {
        final Path path = image();
        try (FakeReceiver receiver = new FakeReceiver(answer);
            MappedImage image = MappedImage.openReadOnly(path);
            SocketChannel channel = SocketChannel.open(receiver.address()))
        {
            // this fake receiver keeps no journal: no RESUME exchange
            final TransferOptions options = new TransferOptions();
            options.resume = false;
            return new ImageSender(options).send(image, null, channel, "fake receiver");
        }
    }

    /** Accepts one sender, reads its frames and answers as told, in a thread named {@code ramshift-test-*}. */
    private static final class FakeReceiver implements AutoCloseable
    {
        private final ServerSocketChannel server;
        private final Answer answer;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        FakeReceiver(final Answer answer) throws IOException
        {
            this.answer = answer;
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(this::serve, "ramshift-test-fake-receiver");
            thread.start();
        }

        InetSocketAddress address() throws IOException
        {
            return (InetSocketAddress)server.getLocalAddress();
        }

        private void serve()
        {
            try (SocketChannel channel = server.accept())
            {
                final FrameChannel frames =
                    new FrameChannel(channel, "test sender", ProtocolDescriptor.MAX_FRAME_LENGTH);
                assertEquals(ProtocolDescriptor.TYPE_HELLO, frames.readFrame("HELLO"));
                final HelloFlyweight hello = new HelloFlyweight();
                hello.wrap(frames.in(), 0);
                hello.validate();
                final long pageCount = hello.pageCount();
                if (answer == Answer.ERROR_AT_HELLO)
                {
                    frames.sendError(ProtocolDescriptor.ERROR_DESTINATION, "no room for this image");
                    return;
                }
                final long session = answer == Answer.OTHER_SESSION ? hello.sessionId() + 1 : hello.sessionId();
                RawFrames.write(channel, RawFrames.helloAck(HelloAckDescriptor.DESTINATION_CREATED, session));
                final RunBatchFlyweight batch = new RunBatchFlyweight();
                long pages = 0;
                while (frames.readFrame("RUN_BATCH or END") == ProtocolDescriptor.TYPE_RUN_BATCH)
                {
                    batch.wrap(frames.in(), 0);
                    batch.validateBody(ProtocolDescriptor.MAX_FRAME_LENGTH).validateRuns(pageCount, PAGE_SIZE);
                    for (int i = 0; i < batch.runCount(); i++)
                    {
                        pages += batch.pageCount(i) & 0xFFFF_FFFFL;
                    }
                }
                final EndFlyweight end = new EndFlyweight();
                end.wrap(frames.in(), 0);
                end.validate();
                assertEquals(pageCount, pages, "a sender without bitmap sends every page");
                switch (answer)
                {
                    case ECHO_VERIFIED -> RawFrames.write(channel,
                        RawFrames.result(ProtocolDescriptor.STATUS_VERIFIED, pages, end.digest()));
                    case STATUS_MISMATCH -> RawFrames.write(channel,
                        RawFrames.result(ProtocolDescriptor.STATUS_DIGEST_MISMATCH, pages, end.digest()));
                    case WRONG_DIGEST -> RawFrames.write(channel,
                        RawFrames.result(ProtocolDescriptor.STATUS_VERIFIED, pages, end.digest() + 1));
                    case WRONG_PAGES -> RawFrames.write(channel,
                        RawFrames.result(ProtocolDescriptor.STATUS_VERIFIED, pages - 1, end.digest()));
                    default ->
                    {
                        // CLOSE_BEFORE_RESULT: hang up without a verdict
                    }
                }
            }
            catch (final IOException | RuntimeException | AssertionError ex)
            {
                failure.set(ex);
            }
        }

        public void close() throws IOException, InterruptedException
        {
            thread.join(JOIN_MS);
            server.close();
            assertFalse(thread.isAlive(), "fake receiver still running");
            final Throwable error = failure.get();
            if (error != null && answer != Answer.OTHER_SESSION)
            {
                throw new AssertionError("fake receiver failed", error);
            }
        }
    }
}
