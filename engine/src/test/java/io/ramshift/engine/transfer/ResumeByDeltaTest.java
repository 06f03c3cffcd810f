package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.layout.ProtocolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session cut off mid-stream leaves a partial destination that is never reported complete; running the copy
 * again with {@code --delta} sends only the pages that did not arrive and verifies the whole image.
 */
@ExtendWith(ResourceLeakExtension.class)
class ResumeByDeltaTest
{
    private static final long PAGES = 512;
    private static final long SEED = 9;

    @TempDir
    Path dir;

    @Test
    void shouldSendOnlyWhatDidNotArriveBeforeTheConnectionWasCut() throws Exception
    {
        final Path source = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(source, 0, 300, SEED);
        final Path destination = dir.resolve("dst.img");
        final TransferOptions plain = new TransferOptions();
        plain.noSync = true;
        try (RawReceiver receiver = new RawReceiver(plain, destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                // the first 100 pages arrive, then the sender dies
                RawFrames.write(channel, RawFrames.hello(PAGES * PAGE_SIZE, ProtocolDescriptor.OPTION_NO_SYNC, 5));
                final FrameChannel frames = new FrameChannel(channel, "receiver", ProtocolDescriptor.MAX_FRAME_LENGTH);
                assertEquals(ProtocolDescriptor.TYPE_HELLO_ACK, frames.readFrame("HELLO_ACK"));
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 0, 50));
                RawFrames.write(channel, RawFrames.dataBatch(1, SEED, 50, 50));
                channel.shutdownOutput();
            }
            final Throwable failure = receiver.awaitFailure();
            assertTrue(failure.getMessage().contains("RUN_BATCH or END"), failure.getMessage());
        }

        final String journal = TransferJournal.describe(destination);
        assertTrue(journal != null && journal.contains("INCOMPLETE") && journal.contains("1 attempt(s)"),
            "an interrupted transfer leaves its journal: " + journal);

        final TransferOptions delta = new TransferOptions();
        delta.noSync = true;
        delta.delta = true;
        final LoopbackMigration resumed = new LoopbackMigration(delta);
        resumed.migrate(source, null, destination);

        assertTrue(resumed.receiverStats().verified);
        assertEquals(200, resumed.senderStats().dataPages, "pages 100..299 travel again, 0..99 do not");
        assertEquals(PAGES - 200, resumed.senderStats().unchangedPages);
        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
        assertEquals(null, TransferJournal.describe(destination), "a verified destination has no journal");
    }
}
