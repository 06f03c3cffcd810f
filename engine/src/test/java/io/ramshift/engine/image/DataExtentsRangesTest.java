package io.ramshift.engine.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DataExtentsRangesTest
{
    private static final long P = MappedImage.PAGE_SIZE;

    @Test
    void shouldWidenSortAndMergeRanges()
    {
        final long[] starts = {10 * P, 0, 3 * P + 1, 4 * P, 20 * P, 7 * P};
        final long[] ends = {12 * P, P, 3 * P + 2, 5 * P - 1, 20 * P, 10 * P};

        final DataExtents extents = DataExtents.ofRanges(starts, ends, starts.length, 64 * P);

        assertBounds(extents, 0, P, 3 * P, 5 * P, 7 * P, 12 * P);
        assertEquals(64 * P, extents.size());
    }

    @Test
    void shouldClipRangesToTheSizeAndDropEmptyOnes()
    {
        final long[] starts = {-P, 6 * P, 9 * P};
        final long[] ends = {P / 2, 12 * P, 9 * P};

        assertBounds(DataExtents.ofRanges(starts, ends, 3, 8 * P), 0, P, 6 * P, 8 * P);
        assertBounds(DataExtents.ofRanges(starts, ends, 0, 8 * P));
    }

    @Test
    void shouldMergeNestedAndTouchingRanges()
    {
        final long[] starts = {0, P, 2 * P, 10 * P};
        final long[] ends = {8 * P, 2 * P, 3 * P, 11 * P};

        assertBounds(DataExtents.ofRanges(starts, ends, 4, 16 * P), 0, 8 * P, 10 * P, 11 * P);
    }

    @Test
    void shouldShiftByAnUnalignedDeltaWideningToImagePages()
    {
        // file data at [0, 2P) and [5P, 6P); the image starts 0x498 into the file
        final DataExtents file = DataExtents.ofRanges(new long[] {0, 5 * P}, new long[] {2 * P, 6 * P}, 2, 100 * P);

        final DataExtents image = file.shift(0x498, 50 * P);

        // [-0x498, 2P - 0x498) clips to [0, 2P); [5P - 0x498, 6P - 0x498) widens to [4P, 6P)
        assertBounds(image, 0, 2 * P, 4 * P, 6 * P);
        assertEquals(50 * P, image.size());
    }

    @Test
    void shouldClipAShiftedExtentAtTheImageEnd()
    {
        final DataExtents file = DataExtents.ofRanges(new long[] {P}, new long[] {40 * P}, 1, 40 * P);

        assertBounds(file.shift(P, 8 * P), 0, 8 * P);
        assertBounds(file.shift(60 * P, 8 * P));
    }

    @Test
    void shouldIntersectTwoExtentLists()
    {
        final DataExtents a = DataExtents.ofRanges(
            new long[] {0, 10 * P, 20 * P}, new long[] {5 * P, 15 * P, 30 * P}, 3, 32 * P);
        final DataExtents b = DataExtents.ofRanges(
            new long[] {3 * P, 12 * P, 16 * P}, new long[] {11 * P, 13 * P, 25 * P}, 3, 32 * P);

        assertBounds(a.intersect(b), 3 * P, 5 * P, 10 * P, 11 * P, 12 * P, 13 * P, 20 * P, 25 * P);
        assertBounds(b.intersect(a), 3 * P, 5 * P, 10 * P, 11 * P, 12 * P, 13 * P, 20 * P, 25 * P);
        assertBounds(a.intersect(DataExtents.whole(32 * P)), 0, 5 * P, 10 * P, 15 * P, 20 * P, 30 * P);
        assertBounds(a.intersect(DataExtents.ofRanges(new long[0], new long[0], 0, 32 * P)));
    }

    private static void assertBounds(final DataExtents extents, final long... bounds)
    {
        final long[] actual = new long[extents.count() * 2];
        for (int i = 0; i < extents.count(); i++)
        {
            actual[2 * i] = extents.start(i);
            actual[2 * i + 1] = extents.end(i);
        }
        assertArrayEquals(bounds, actual);
    }
}
