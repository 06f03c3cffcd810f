package io.ramshift.engine.image;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
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

@ExtendWith(ResourceLeakExtension.class)
class DataExtentsTest
{
    private static final long PAGES = 256;
    private static final long SIZE = PAGES * PAGE_SIZE;

    @TempDir
    Path dir;

    @Test
    void shouldFindTheAllocatedPagesOfASparseFile()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);
        TestImages.writePage(path, 0, 1);
        TestImages.writePages(path, 10, 3, 1);
        TestImages.writePage(path, PAGES - 1, 1);

        final DataExtents extents = DataExtents.of(path, SIZE);

        assertEquals(3, extents.count());
        assertExtent(extents, 0, 0, 1);
        assertExtent(extents, 1, 10, 13);
        assertExtent(extents, 2, PAGES - 1, PAGES);
        assertEquals(5L * PAGE_SIZE, extents.dataBytes());
        assertEquals(SIZE, extents.size());
    }

    @Test
    void shouldFindNoExtentInAFileThatIsOneHole()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);

        final DataExtents extents = DataExtents.of(path, SIZE);

        assertEquals(0, extents.count());
        assertEquals(0, extents.dataBytes());
        assertEquals(0, extents.firstEndingAfter(0));
    }

    @Test
    void shouldCountAllocatedZeroPagesAsData()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);
        TestImages.writeZeroPages(path, 100, 2);

        final DataExtents extents = DataExtents.of(path, SIZE);

        assertEquals(1, extents.count());
        assertExtent(extents, 0, 100, 102);
    }

    @Test
    void shouldWidenAPartialPageToTheWholePage() throws IOException
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 5 * PAGE_SIZE + 1000);
        }

        final DataExtents extents = DataExtents.of(path, SIZE);

        assertEquals(1, extents.count());
        assertExtent(extents, 0, 5, 6);
    }

    @Test
    void shouldStopAtTheGivenSize()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);
        TestImages.writePages(path, 0, 8, 1);

        final DataExtents extents = DataExtents.of(path, 4L * PAGE_SIZE);

        assertEquals(1, extents.count());
        assertExtent(extents, 0, 0, 4);
    }

    @Test
    void shouldFindTheFirstExtentEndingAfterAnOffset()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), SIZE);
        TestImages.writePage(path, 0, 1);
        TestImages.writePages(path, 10, 3, 1);
        TestImages.writePage(path, PAGES - 1, 1);

        final DataExtents extents = DataExtents.of(path, SIZE);

        assertEquals(0, extents.firstEndingAfter(0));
        assertEquals(0, extents.firstEndingAfter(PAGE_SIZE - 1));
        assertEquals(1, extents.firstEndingAfter(PAGE_SIZE));
        assertEquals(1, extents.firstEndingAfter(12L * PAGE_SIZE));
        assertEquals(2, extents.firstEndingAfter(13L * PAGE_SIZE));
        assertEquals(3, extents.firstEndingAfter(SIZE));
    }

    @Test
    void shouldCoverTheWholeFileWhenHolesAreNotLookedFor()
    {
        final DataExtents extents = DataExtents.whole(SIZE);

        assertEquals(1, extents.count());
        assertEquals(0, extents.start(0));
        assertEquals(SIZE, extents.end(0));
        assertEquals(SIZE, extents.dataBytes());
    }

    private static void assertExtent(final DataExtents extents, final int index, final long firstPage,
        final long endPage)
    {
        assertEquals(firstPage * PAGE_SIZE, extents.start(index), "start of extent " + index);
        assertEquals(endPage * PAGE_SIZE, extents.end(index), "end of extent " + index);
    }
}
