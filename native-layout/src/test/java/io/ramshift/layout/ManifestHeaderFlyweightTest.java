package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.FrameBytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestHeaderFlyweightTest
{
    private static final int PAGES = 3;
    private static final long IMAGE_SIZE = PAGES * 4096L;
    private static final long MTIME = 0x1111_2222_3333_4444L;
    private static final long CTIME = 0x5555_6666_7777_8888L;
    private static final long INODE = 0x0102_0304_0506_0708L;
    // a stand-in checksum: this module has no hashing library; any function of the bytes covered will do
    private static final ManifestHeaderFlyweight.Checksum SUM = ManifestHeaderFlyweightTest::sum;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int)ManifestDescriptor.lengthForPages(PAGES)]);
    private final ManifestHeaderFlyweight header = new ManifestHeaderFlyweight();

    @Test
    void shouldPlaceEveryFieldAtItsDocumentedOffset()
    {
        assertEquals(0, ManifestDescriptor.MAGIC_OFFSET);
        assertEquals(8, ManifestDescriptor.VERSION_OFFSET);
        assertEquals(10, ManifestDescriptor.HASH_ALGORITHM_OFFSET);
        assertEquals(12, ManifestDescriptor.PAGE_SIZE_OFFSET);
        assertEquals(16, ManifestDescriptor.IMAGE_SIZE_OFFSET);
        assertEquals(24, ManifestDescriptor.PAGE_COUNT_OFFSET);
        assertEquals(32, ManifestDescriptor.IMAGE_MTIME_OFFSET);
        assertEquals(40, ManifestDescriptor.IMAGE_CTIME_OFFSET);
        assertEquals(48, ManifestDescriptor.IMAGE_INODE_OFFSET);
        assertEquals(56, ManifestDescriptor.CHECKSUM_OFFSET);
        assertEquals(64, ManifestDescriptor.HEADER_LENGTH);
        assertEquals(2, ManifestDescriptor.VERSION);
    }

    @Test
    void shouldEndWithTheHashesChecksumAfterTheLastPageHash()
    {
        assertEquals(64 + 8 * 3 + 8, ManifestDescriptor.lengthForPages(3));
        assertEquals(64 + 8 * 3, ManifestDescriptor.trailerOffset(3));
        assertEquals(64 + 8 * 2, ManifestDescriptor.entryOffset(2));
        assertEquals(64 + 8L * 2_097_152 + 8, ManifestDescriptor.lengthForPages(2_097_152));
    }

    @Test
    void shouldEncodeEveryFieldLittleEndianAtItsOffset()
    {
        putHashes();
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM).encodeHashesChecksum(SUM);

        final ByteBuffer expected = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(0, ascii("RSMANIFT"), 0, 8);
        expected.putShort(8, (short)2);
        expected.putShort(10, (short)1);
        expected.putInt(12, 4096);
        expected.putLong(16, IMAGE_SIZE);
        expected.putLong(24, PAGES);
        expected.putLong(32, MTIME);
        expected.putLong(40, CTIME);
        expected.putLong(48, INODE);
        expected.putLong(56, sum(buffer, 0, 56));
        assertArrayEquals(expected.array(), bytesAt(buffer, 0, 64));
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, bytesAt(buffer, 48, 8));
        assertEquals(sum(buffer, 64, 8 * PAGES), buffer.getLong(64 + 8 * PAGES, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void shouldReadBackWhatItEncodedAndValidate()
    {
        putHashes();
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM).encodeHashesChecksum(SUM)
            .validate(buffer.capacity(), SUM).validateHashes(SUM);

        assertEquals(ManifestDescriptor.MAGIC, header.magic());
        assertEquals(2, header.version());
        assertEquals(1, header.hashAlgorithm());
        assertEquals(4096, header.pageSize());
        assertEquals(IMAGE_SIZE, header.imageSize());
        assertEquals(PAGES, header.pageCount());
        assertEquals(MTIME, header.imageMtime());
        assertEquals(CTIME, header.imageCtime());
        assertEquals(INODE, header.imageInode());
        assertEquals(sum(buffer, 0, 56), header.headerChecksum());
        assertEquals(sum(buffer, 64, 8 * PAGES), header.hashesChecksum());
    }

    @Test
    void shouldRefuseVersionOneNamingItAndAskingForARebuild()
    {
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM);
        buffer.putShort(ManifestDescriptor.VERSION_OFFSET, (short)1, ByteOrder.LITTLE_ENDIAN);
        // a v1 file: 64 + 8 x pages, no trailer
        final long v1Length = 64 + 8L * PAGES;

        final LayoutException ex = assertThrows(LayoutException.class, () -> header.validate(v1Length, SUM));

        assertTrue(ex.getMessage().contains("version=1"), ex.getMessage());
        assertTrue(ex.getMessage().contains("supported=2"), ex.getMessage());
        assertTrue(ex.getMessage().contains("rebuild"), ex.getMessage());
    }

    @Test
    void shouldRefuseALengthWithoutTheTrailer()
    {
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM);

        final LayoutException ex = assertThrows(LayoutException.class,
            () -> header.validate(64 + 8L * PAGES, SUM));

        assertTrue(ex.getMessage().contains("length=" + (64 + 8 * PAGES)), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected=" + (64 + 8 * PAGES + 8)), ex.getMessage());
    }

    @Test
    void shouldRefuseAChangedStampThroughTheHeaderChecksum()
    {
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM);
        buffer.putLong(ManifestDescriptor.IMAGE_INODE_OFFSET, INODE + 1, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, () -> header.validate(buffer.capacity(), SUM));

        assertTrue(ex.getMessage().contains("header checksum mismatch"), ex.getMessage());
    }

    @Test
    void shouldRefuseAChangedPageHashThroughTheHashesChecksum()
    {
        putHashes();
        header.wrap(buffer, 0).encode(4096, IMAGE_SIZE, MTIME, CTIME, INODE, SUM).encodeHashesChecksum(SUM);
        buffer.putByte(64 + 8 + 3, (byte)(buffer.getByte(64 + 8 + 3) ^ 0x10));

        header.validate(buffer.capacity(), SUM);
        final LayoutException ex = assertThrows(LayoutException.class, () -> header.validateHashes(SUM));

        assertTrue(ex.getMessage().contains("page-hash checksum mismatch"), ex.getMessage());
        assertTrue(ex.getMessage().contains("pages=" + PAGES), ex.getMessage());
    }

    private void putHashes()
    {
        for (int page = 0; page < PAGES; page++)
        {
            buffer.putLong((int)ManifestDescriptor.entryOffset(page), 0x0123_4567_89AB_CDEFL * (page + 1),
                ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static byte[] bytesAt(final UnsafeBuffer buffer, final int at, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(at, bytes);
        return bytes;
    }

    private static long sum(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        long sum = 17;
        for (int i = 0; i < length; i++)
        {
            sum = sum * 31 + (buffer.getByte(offset + i) & 0xFF);
        }
        return sum;
    }
}
