package io.ramshift.engine.scan;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.MappedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class ZeroPageDetectorTest
{
    private static final int PAGES = 64;

    @TempDir
    Path dir;

    @Test
    void shouldCountTheLeadingZeroPagesOfASpan() throws IOException
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), PAGES * PAGE_SIZE);
        poke(path, 5L * PAGE_SIZE + PAGE_SIZE - 1);
        poke(path, 20L * PAGE_SIZE);

        try (MappedImage image = MappedImage.open(path, false, 16 * PAGE_SIZE))
        {
            final ZeroPageDetector detector = new ZeroPageDetector(image);
            assertEquals(5, detector.zeroPrefix(0, 16), "only the last byte of page 5 is set");
            assertEquals(0, detector.zeroPrefix(5, 1));
            assertEquals(10, detector.zeroPrefix(6, 10));
            assertEquals(4, detector.zeroPrefix(16, 16));
            assertEquals(16, detector.zeroPrefix(32, 16));
            assertEquals(16, detector.zeroPrefix(48, 16));
            assertTrue(detector.isZero(63));
            assertFalse(detector.isZero(20));
            assertFalse(detector.isZero(5));
            assertTrue(detector.isZero(4));
        }
    }

    private static void poke(final Path path, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] {(byte)0x80}), offset);
        }
    }
}
