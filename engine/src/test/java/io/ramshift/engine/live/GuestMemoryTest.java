package io.ramshift.engine.live;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.image.MappedImage;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(ResourceLeakExtension.class)
class GuestMemoryTest
{
    private static final int PAGE = 4096;
    private static final long CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldMarkEveryPageAWriteTouchesAcrossMappingChunks() throws IOException
    {
        final Path file = sparse(1 << 20);
        try (MappedImage image = MappedImage.open(file, true, CHUNK))
        {
            final DirtyPageBitmap dirty = new DirtyPageBitmap(image.pageCount());
            final GuestMemory memory = new GuestMemory(image, dirty);
            memory.putLong(0, 42);                                  // page 0
            memory.putLong(image.size() - 8, -1L);                  // the last page
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[3 * PAGE]);
            bytes.setMemory(0, bytes.capacity(), (byte)7);
            memory.putBytes(CHUNK - PAGE - 10, bytes, 0, bytes.capacity()); // pages 14..17, crossing a chunk
            memory.setMemory(40L * PAGE + 100, 10, (byte)1);       // inside page 40

            assertEquals(42, memory.getLong(0));
            assertEquals(-1L, memory.getLong(image.size() - 8));
            assertEquals(0x0707070707070707L, memory.getLong(CHUNK));
            final LongArrayList runs = new LongArrayList();
            dirty.drain((pageClass, first, count) ->
            {
                runs.addLong(first);
                runs.addLong(count);
            });
            assertEquals("[0, 1, 14, 4, 40, 1, 255, 1]", runs.toString());
        }
    }

    @Test
    void shouldRefuseAccessOutsideTheImageAndUnalignedLongs() throws IOException
    {
        final Path file = sparse(16 * PAGE);
        try (MappedImage image = MappedImage.open(file, true, CHUNK))
        {
            final GuestMemory memory = new GuestMemory(image, new DirtyPageBitmap(image.pageCount()));
            assertThrows(ImageException.class, () -> memory.putLong(16L * PAGE, 1));
            assertThrows(ImageException.class, () -> memory.putLong(4, 1));
            assertThrows(ImageException.class, () -> memory.setMemory(16L * PAGE - 1, 2, (byte)1));
            assertThrows(ImageException.class, () -> memory.getLong(-8));
            assertThrows(ImageException.class, () -> new GuestMemory(image, new DirtyPageBitmap(15)));
        }
    }

    private Path sparse(final long size) throws IOException
    {
        final Path file = dir.resolve("guest.ram");
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw"))
        {
            out.setLength(size);
        }
        return file;
    }
}
