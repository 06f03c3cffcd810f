package io.ramshift.engine.postcopy;

import io.ramshift.engine.LinkProxy;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.live.BitmapDirtySource;
import io.ramshift.engine.live.DirtyPageBitmap;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.transfer.ImageReceiver;
import io.ramshift.engine.transfer.ImageSender;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.engine.transfer.TransferStats;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyLinkCutTest
{
    private static final long SIZE = 8L << 20;
    private static final int CUT_AT_FRAME = 12;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldResumeAfterTheLinkIsCutMidPostcopyWithReadersWaitingThenGoingOn() throws Exception
    {
        final Session session = new Session(10_000, 300);
        session.run();

        assertNull(session.senderFailure.get(), () -> "sender: " + session.senderFailure.get());
        assertNull(session.receiverFailure.get(), () -> "receiver: " + session.receiverFailure.get());
        assertTrue(session.senderStats.verified);
        assertTrue(session.receiverStats.verified);
        assertEquals(1, session.senderStats.postcopy.reconnects);
        assertEquals(1, session.receiverStats.postcopy.reconnects);
        assertEquals(session.senderStats.postcopy.pagesAtSwitch, session.senderStats.postcopy.ackedPages);
        assertNull(session.readers.get().failure());
        assertNull(session.mismatch.get());
        assertTrue(session.checked.get() > 0);
        // every page's content, read back from the destination file
        assertArrayEquals(Files.readAllBytes(session.image), Files.readAllBytes(session.destination));
    }

    @Test
    void shouldFailClearlyOnBothEndsWhenTheLinkStaysDownPastTheWindow() throws Exception
    {
        final Session session = new Session(600, -1);
        session.run();

        assertNotNull(session.senderFailure.get());
        assertNotNull(session.receiverFailure.get());
        assertTrue(session.senderFailure.get().getMessage().contains("reconnect window") &&
            session.senderFailure.get().getMessage().contains("pages not acknowledged="),
            session.senderFailure.get().getMessage());
        assertTrue(session.receiverFailure.get().getMessage().contains("reconnect window") &&
            session.receiverFailure.get().getMessage().contains("pages missing="),
            session.receiverFailure.get().getMessage());
        assertTrue(session.readers.get().failure() == null ||
            session.readers.get().failure().getMessage().contains("never arrived"));
        assertNull(session.mismatch.get());
    }

    /** A pure post-copy session through a proxy whose link is cut after a few push frames. */
    private final class Session
    {
        final Path image = generate();
        final Path destination = dir.resolve("copy.ram");
        final AtomicReference<RuntimeException> senderFailure = new AtomicReference<>();
        final AtomicReference<RuntimeException> receiverFailure = new AtomicReference<>();
        final AtomicReference<PostcopyReaders> readers = new AtomicReference<>();
        final AtomicReference<String> mismatch = new AtomicReference<>();
        final AtomicLong checked = new AtomicLong();
        final long windowMs;
        final long downMs;
        TransferStats senderStats;
        TransferStats receiverStats;

        /**
         * @param windowMs reconnect window of both ends.
         * @param downMs   how long the link stays down, -1 for ever.
         */
        Session(final long windowMs, final long downMs)
        {
            this.windowMs = windowMs;
            this.downMs = downMs;
        }

        void run() throws Exception
        {
            final byte[] source = Files.readAllBytes(image);
            try (ServerSocketChannel server = ServerSocketChannel.open();
                MappedImage mapped = MappedImage.openReadOnly(image))
            {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                try (LinkProxy proxy = new LinkProxy((InetSocketAddress)server.getLocalAddress()).start())
                {
                    final TransferOptions receiverOptions = new TransferOptions();
                    receiverOptions.noSync = true;
                    receiverOptions.postcopy = new PostcopySettings();
                    receiverOptions.postcopy.reconnectWindowMs = windowMs;
                    final CountDownLatch receiverSwitched = new CountDownLatch(1);
                    receiverOptions.postcopy.onSwitch = switched ->
                    {
                        readers.set(new PostcopyReaders(switched, PostcopyReaders.Pattern.RANDOM, 2, 0, 3,
                            (page, bytes) -> check(source, page, bytes)).start());
                        receiverSwitched.countDown();
                    };
                    final Thread receiver = new Thread(() ->
                    {
                        try
                        {
                            receiverStats = new ImageReceiver(receiverOptions).receive(server, destination);
                        }
                        catch (final RuntimeException ex)
                        {
                            receiverFailure.set(ex);
                        }
                    }, "test-receiver");
                    receiver.start();

                    final TransferOptions senderOptions = new TransferOptions();
                    senderOptions.noSync = true;
                    senderOptions.live = new LiveRounds(new BitmapDirtySource(new DirtyPageBitmap(mapped.pageCount()),
                        null), -1L, 30, 20_000_000_000L, () -> { }, null).postcopy(0, true, 0);
                    senderOptions.postcopy = new PostcopySettings();
                    senderOptions.postcopy.reconnectWindowMs = windowMs;
                    senderOptions.postcopy.pushFramePages = 16;
                    senderOptions.postcopy.prefetchPages = 3;
                    final InetSocketAddress via = proxy.address();
                    senderOptions.postcopy.connector = () -> SocketChannel.open(via);
                    final AtomicInteger frames = new AtomicInteger();
                    senderOptions.postcopy.afterPushFrame = () ->
                    {
                        if (frames.incrementAndGet() == CUT_AT_FRAME)
                        {
                            // cut mid post-copy, not mid switch: the frames written so far may still sit in the
                            // proxy (a loaded machine), and a link lost before the destination switched fails the
                            // session by design
                            awaitQuietly(receiverSwitched);
                            proxy.cut();
                            if (downMs >= 0)
                            {
                                final Thread restore = new Thread(() ->
                                {
                                    sleep(downMs);
                                    proxy.restore();
                                }, "test-restore");
                                restore.setDaemon(true);
                                restore.start();
                            }
                        }
                    };
                    try (SocketChannel channel = SocketChannel.open(via))
                    {
                        LoopbackMigration.configure(channel);
                        senderStats = new ImageSender(senderOptions).send(mapped, null, new ByteChannel[] {channel},
                            "proxy");
                    }
                    catch (final RuntimeException ex)
                    {
                        senderFailure.set(ex);
                    }
                    receiver.join(30_000);
                    final PostcopyReaders r = readers.get();
                    if (r != null)
                    {
                        r.close();
                    }
                }
            }
        }

        private void check(final byte[] source, final long page, final UnsafeBuffer bytes)
        {
            for (int i = 0; i < 4096; i++)
            {
                if (bytes.getByte(i) != source[(int)(page * 4096 + i)])
                {
                    mismatch.compareAndSet(null, "page " + page + " differs at byte " + i);
                    return;
                }
            }
            checked.incrementAndGet();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(20, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private Path generate()
    {
        final Path path = dir.resolve("guest.ram");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.ofFractions(0.3, 0, 0.5, 0.2, 0))
            .sizeBytes(SIZE)
            .seed(17)
            .imagePath(path)
            .sparse(true))
            .generate();
        return path;
    }

}
