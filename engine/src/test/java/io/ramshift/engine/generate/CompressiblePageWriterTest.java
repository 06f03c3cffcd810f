package io.ramshift.engine.generate;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.ramshift.engine.generate.CompressiblePageWriter.*;
import static org.junit.jupiter.api.Assertions.*;

class CompressiblePageWriterTest
{
    private static final int PAGES = 3000;
    private static final double TOLERANCE = 0.15;

    @Test
    void shouldCompressLikeImagesMdSays()
    {
        final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        final ByteBuffer page = ByteBuffer.allocateDirect(4096);
        final UnsafeBuffer buffer = new UnsafeBuffer(page);
        final ByteBuffer compressed = ByteBuffer.allocateDirect(compressor.maxCompressedLength(4096));
        final CompressiblePageWriter writer = new CompressiblePageWriter(1);
        final long[] raw = new long[FLAVOUR_COUNT];
        final long[] packed = new long[FLAVOUR_COUNT];
        for (long p = 0; p < PAGES; p++)
        {
            writer.write(buffer, 0, p);
            final int flavour = flavour(1, p);
            raw[flavour] += 4096;
            packed[flavour] += compressor.compress(page, 0, 4096, compressed, 0, compressed.capacity());
        }
        assertRatio(2.0, raw[FLAVOUR_TEXT], packed[FLAVOUR_TEXT], "text");
        assertRatio(2.3, raw[FLAVOUR_STRUCTS], packed[FLAVOUR_STRUCTS], "structs");
        assertRatio(3.8, raw[FLAVOUR_SMALL_INTS], packed[FLAVOUR_SMALL_INTS], "small integers");
        assertRatio(2.45, raw[0] + raw[1] + raw[2], packed[0] + packed[1] + packed[2], "overall");
    }

    @Test
    void shouldWriteTheSameBytesForTheSamePageWhateverCameBefore()
    {
        final UnsafeBuffer first = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final UnsafeBuffer second = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final CompressiblePageWriter a = new CompressiblePageWriter(9);
        final CompressiblePageWriter b = new CompressiblePageWriter(9);
        a.write(first, 0, 42);
        b.write(second, 0, 41);
        b.write(second, 0, 42);
        assertEquals(0, first.compareTo(second));
        b.write(second, 0, 43);
        assertNotEquals(0, first.compareTo(second));
    }

    @Test
    void shouldUseEveryFlavour()
    {
        final int[] seen = new int[FLAVOUR_COUNT];
        for (long p = 0; p < 1000; p++)
        {
            seen[flavour(1, p)]++;
        }
        for (int flavour = 0; flavour < FLAVOUR_COUNT; flavour++)
        {
            assertTrue(seen[flavour] > 200, "flavour " + flavour + " pages " + seen[flavour]);
        }
    }

    private static void assertRatio(final double expected, final long raw, final long packed, final String what)
    {
        final double ratio = (double)raw / packed;
        assertEquals(expected, ratio, expected * TOLERANCE, what + " LZ4 ratio");
    }
}
