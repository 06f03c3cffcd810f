package io.ramshift.engine.transfer;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.postcopy.PostcopySettings;
import io.ramshift.layout.PostcopyBitmapFlyweight;
import io.ramshift.layout.PostcopyDemandFlyweight;
import io.ramshift.layout.PostcopyPagesDescriptor;
import io.ramshift.layout.PostcopyPagesFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted source speaking post-copy frames to a real receiver: a page that arrives twice (demand reply, then a
 * push) is applied once, the first copy wins, and the session still verifies; a page out of range or a post-copy
 * frame before the switch fails the session with a clear message.
 */
class PostcopyHostileSourceTest
{
    private static final int PAGES = 8;
    private static final long SESSION = 0x5EED_0010L;
    private static final long OPTIONS = ProtocolDescriptor.OPTION_LIVE | ProtocolDescriptor.OPTION_POSTCOPY;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldApplyTheFirstCopyOfAPageAndDropALatePushOfIt() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            // page 1 as a demand reply (content 11), acknowledged, then pushed again with other bytes (content 99)
            script.priority.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND, 1, 11));
            script.awaitAcked(1);
            script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, 1, 99));
            for (int page = 0; page < PAGES; page++)
            {
                if (page != 1)
                {
                    script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, page, 20 + page));
                }
            }
            script.awaitAcked(PAGES);
            script.done();
            long digest = 0;
            for (int page = 0; page < PAGES; page++)
            {
                digest += ImageDigest.term(page, hash(page == 1 ? 11 : 20 + page));
            }
            script.bulk.write(RawFrames.end(0, 0, 0, 0, digest));
            assertEquals(ProtocolDescriptor.TYPE_RESULT, script.bulk.readFrame("RESULT"));
            final ResultFlyweight result = new ResultFlyweight();
            result.wrap(script.bulk.in(), 0);
            assertEquals(ProtocolDescriptor.STATUS_VERIFIED, result.status());
            script.join();
            assertNull(script.failure.get());
            assertEquals(1, script.stats.postcopy.duplicatePages);
            assertArrayEquals(content(11), TestImages.readPage(script.destination, 1), "the first copy won");
            assertArrayEquals(content(25), TestImages.readPage(script.destination, 5));
        }
    }

    @Test
    void shouldRejectAPushedPagePastTheImageEnd() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, PAGES, 1));
            final PeerErrorException refused = assertThrows(PeerErrorException.class,
                () -> script.bulk.readFrame("an answer"));
            assertTrue(refused.getMessage().contains("post-copy page past image end: page=8 pages=8"),
                refused.getMessage());
            script.join();
            assertTrue(script.failure.get().getMessage().contains("post-copy page past image end"),
                script.failure.get().getMessage());
        }
    }

    @Test
    void shouldRejectAPushBeforeTheSwitch() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, 0, 1));
            assertThrows(PeerErrorException.class, () -> script.bulk.readFrame("an answer"));
            script.join();
            assertTrue(script.failure.get().getMessage().contains("expected RUN_BATCH or END, got POSTCOPY_PAGES"),
                script.failure.get().getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND, ProtocolDescriptor.POSTCOPY_ORIGIN_PREFETCH})
    void shouldRejectPriorityPagesOnTheBulkConnection(final int origin) throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            script.bulk.write(pages(origin, 0, 1));
            assertThrows(PeerErrorException.class, () -> script.bulk.readFrame("an answer"));
            script.join();
            assertTrue(script.failure.get().getMessage().contains("POSTCOPY_PAGES of origin " + origin +
                " on the bulk connection"), script.failure.get().getMessage());
        }
    }

    @Test
    void shouldRejectAnLz4PushThatDecodesToFewerBytesThanItsDataEntries() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            // two DATA entries announce 8192 bytes; the block decodes to one page
            script.bulk.write(lz4Pages(new long[] {2, 3}, compressed(content(5))));
            final PeerErrorException refused = assertThrows(PeerErrorException.class,
                () -> script.bulk.readFrame("an answer"));
            assertTrue(refused.getMessage().contains(
                "LZ4 payload decompresses to the wrong size: first page=2 decoded=4096 raw=8192"), refused.getMessage());
            script.join();
            assertTrue(script.failure.get().getMessage().contains("LZ4 payload decompresses to the wrong size"),
                script.failure.get().getMessage());
        }
    }

    @Test
    void shouldRejectAnLz4PushThatDecodesPastItsDataEntries() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            final byte[] two = new byte[8192];
            System.arraycopy(content(5), 0, two, 0, 4096);
            System.arraycopy(content(6), 0, two, 4096, 4096);
            script.bulk.write(lz4Pages(new long[] {4}, compressed(two)));
            final PeerErrorException refused = assertThrows(PeerErrorException.class,
                () -> script.bulk.readFrame("an answer"));
            assertTrue(refused.getMessage().contains("malformed LZ4 payload: first page=4"), refused.getMessage());
            script.join();
            assertTrue(script.failure.get().getMessage().contains("malformed LZ4 payload"),
                script.failure.get().getMessage());
        }
    }

    @Test
    void shouldApplyAnLz4DemandReplyAndZeroEntries() throws Exception
    {
        try (Script script = new Script())
        {
            script.connectPriority();
            script.pendingAll();
            // page 6 as an LZ4 demand reply, page 7 pushed as a ZERO entry (no payload), the rest pushed raw
            final ByteBuffer reply = lz4Pages(new long[] {6}, compressed(content(26)));
            reply.put(8, (byte)ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND);
            script.priority.write(reply);
            script.awaitAcked(1);
            for (int page = 0; page < 6; page++)
            {
                script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, page, 20 + page));
            }
            script.bulk.write(zeroPush(7));
            script.awaitAcked(PAGES);
            script.done();
            long digest = 0;
            for (int page = 0; page < PAGES; page++)
            {
                digest += ImageDigest.term(page, page == 7 ? ImageDigest.ZERO_PAGE_HASH : hash(20 + page));
            }
            script.bulk.write(RawFrames.end(0, 0, 0, 0, digest));
            assertEquals(ProtocolDescriptor.TYPE_RESULT, script.bulk.readFrame("RESULT"));
            final ResultFlyweight result = new ResultFlyweight();
            result.wrap(script.bulk.in(), 0);
            assertEquals(ProtocolDescriptor.STATUS_VERIFIED, result.status());
            script.join();
            assertNull(script.failure.get());
            assertArrayEquals(content(26), TestImages.readPage(script.destination, 6));
            assertArrayEquals(new byte[4096], TestImages.readPage(script.destination, 7));
        }
    }

    @Test
    void shouldTakeAPriorityLinkThatNeverAnswersADemandAsDeadWhilePushesStillFlow() throws Exception
    {
        final AtomicReference<Thread> reader = new AtomicReference<>();
        try (Script script = new Script(options ->
        {
            options.ioTimeoutMs = 1_500;
            // a reader misses page 7 at the switch; the source below never answers its demand
            options.postcopy.onSwitch = image ->
            {
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        image.awaitPage(7);
                    }
                    catch (final RuntimeException expected)
                    {
                        // the session fails for good: the page never arrives
                    }
                }, "test-reader");
                reader.set(thread);
                thread.start();
            };
        }))
        {
            script.connectPriority();
            script.pendingAll();
            assertEquals(ProtocolDescriptor.TYPE_POSTCOPY_DEMAND, script.priority.readFrame("POSTCOPY_DEMAND"));
            // the bulk connection stays busy (the same page pushed again and again, dropped as a duplicate), so
            // only the unanswered demand can tell the receiver that the link is dead
            boolean receiverGaveUp = false;
            for (int i = 0; i < 200 && !receiverGaveUp; i++)
            {
                try
                {
                    script.bulk.write(pages(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, 0, 20));
                    Thread.sleep(50);
                }
                catch (final RuntimeException closed)
                {
                    receiverGaveUp = true;
                }
                receiverGaveUp |= !script.receiver.isAlive();
            }
            assertTrue(receiverGaveUp, "the receiver took the silent priority link as dead while pushes flowed");
            script.join();
            assertTrue(script.failure.get().getMessage().contains(
                "post-copy link lost and the sender did not come back within the reconnect window"),
                script.failure.get().getMessage());
        }
        reader.get().join(10_000);
    }

    /** A receiver on a thread and the source's two connections, driven by hand. */
    private final class Script implements AutoCloseable
    {
        final Path destination = dir.resolve("copy.ram");
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final ServerSocketChannel server = ServerSocketChannel.open();
        final Thread receiver;
        final SocketChannel bulkSocket;
        final FrameChannel bulk;
        SocketChannel prioritySocket;
        FrameChannel priority;
        TransferStats stats;
        private long acked;

        Script() throws Exception
        {
            this(options -> { });
        }

        Script(final java.util.function.Consumer<TransferOptions> configure) throws Exception
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final TransferOptions options = new TransferOptions();
            options.noSync = true;
            options.postcopy = new PostcopySettings();
            options.postcopy.reconnectWindowMs = 300;
            options.postcopy.ackIntervalMs = 1;
            configure.accept(options);
            receiver = new Thread(() ->
            {
                try
                {
                    stats = new ImageReceiver(options).receive(server, destination);
                }
                catch (final RuntimeException ex)
                {
                    failure.set(ex);
                }
            }, "test-receiver");
            receiver.start();
            bulkSocket = SocketChannel.open(server.getLocalAddress());
            bulk = new FrameChannel(bulkSocket, "receiver", ProtocolDescriptor.MAX_FRAME_LENGTH, 10_000);
            bulk.write(RawFrames.hello((long)PAGES * 4096, OPTIONS, SESSION));
            assertEquals(ProtocolDescriptor.TYPE_HELLO_ACK, bulk.readFrame("HELLO_ACK"));
        }

        void pendingAll()
        {
            final ByteBuffer bytes = ByteBuffer.allocateDirect(40);
            final PostcopyBitmapFlyweight chunk = new PostcopyBitmapFlyweight();
            chunk.wrap(new UnsafeBuffer(bytes), 0);
            chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, PAGES).word(0, (1L << PAGES) - 1);
            bytes.limit(chunk.frameLength());
            bulk.write(bytes);
        }

        void connectPriority() throws Exception
        {
            prioritySocket = SocketChannel.open(server.getLocalAddress());
            priority = new FrameChannel(prioritySocket, "receiver", ProtocolDescriptor.MAX_FRAME_LENGTH, 10_000);
            priority.write(RawFrames.hello((long)PAGES * 4096, OPTIONS | ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY,
                SESSION));
            assertEquals(ProtocolDescriptor.TYPE_HELLO_ACK, priority.readFrame("HELLO_ACK"));
        }

        void awaitAcked(final long pages)
        {
            final io.ramshift.layout.PostcopyAckFlyweight ack = new io.ramshift.layout.PostcopyAckFlyweight();
            while (acked < pages)
            {
                final int type = priority.readFrame("POSTCOPY_ACK");
                if (type != ProtocolDescriptor.TYPE_POSTCOPY_ACK)
                {
                    continue;
                }
                ack.wrap(priority.in(), 0);
                ack.validate(PAGES);
                for (int i = 0; i < ack.runCount(); i++)
                {
                    acked += ack.pageCount(i);
                }
            }
        }

        void done()
        {
            final PostcopyDemandFlyweight done = new PostcopyDemandFlyweight();
            done.wrap(priority.out(), 0);
            done.encodeDone(PAGES);
            priority.writeControl(done.frameLength());
        }

        void join() throws InterruptedException
        {
            receiver.join(30_000);
        }

        public void close() throws Exception
        {
            bulkSocket.close();
            if (prioritySocket != null)
            {
                prioritySocket.close();
            }
            receiver.join(30_000);
            bulk.close();
            if (priority != null)
            {
                priority.close();
            }
            server.close();
        }
    }

    private static ByteBuffer pages(final int origin, final long page, final int fill)
    {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(PostcopyPagesDescriptor.frameLength(1, 1, 4096));
        final PostcopyPagesFlyweight frame = new PostcopyPagesFlyweight();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        frame.wrap(buffer, 0);
        frame.start(origin);
        frame.entry(0, page, ProtocolDescriptor.RUN_DATA);
        buffer.putBytes(frame.dataOffset(1), content(fill));
        frame.finish(1, 1, 4096);
        bytes.limit(frame.frameLength());
        return bytes;
    }

    /** A push frame of DATA entries whose payload is the given LZ4 block, whatever it decodes to. */
    private static ByteBuffer lz4Pages(final long[] dataPages, final byte[] block)
    {
        final int entries = dataPages.length;
        final ByteBuffer bytes = ByteBuffer.allocateDirect(PostcopyPagesDescriptor.lz4FrameLength(entries,
            block.length));
        final PostcopyPagesFlyweight frame = new PostcopyPagesFlyweight();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        frame.wrap(buffer, 0);
        frame.start(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH);
        for (int i = 0; i < entries; i++)
        {
            frame.entry(i, dataPages[i], ProtocolDescriptor.RUN_DATA);
        }
        buffer.putBytes(frame.dataOffset(entries), block);
        frame.finishLz4(entries, block.length);
        bytes.limit(frame.frameLength());
        return bytes;
    }

    private static ByteBuffer zeroPush(final long page)
    {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(PostcopyPagesDescriptor.frameLength(1, 0, 4096));
        final PostcopyPagesFlyweight frame = new PostcopyPagesFlyweight();
        frame.wrap(new UnsafeBuffer(bytes), 0);
        frame.start(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH);
        frame.entry(0, page, ProtocolDescriptor.RUN_ZERO);
        frame.finish(1, 0, 4096);
        bytes.limit(frame.frameLength());
        return bytes;
    }

    private static byte[] compressed(final byte[] raw)
    {
        return net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor().compress(raw);
    }

    private static byte[] content(final int fill)
    {
        final byte[] page = new byte[4096];
        java.util.Arrays.fill(page, (byte)fill);
        page[0] = (byte)(fill + 1);
        return page;
    }

    private static long hash(final int fill)
    {
        final ByteBuffer page = BufferUtil.allocateDirectAligned(4096, 64);
        page.put(content(fill)).flip();
        return ImageDigest.pageHash(BufferUtil.address(page));
    }
}
