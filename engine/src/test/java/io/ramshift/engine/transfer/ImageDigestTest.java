package io.ramshift.engine.transfer;

import io.ramshift.engine.TestImages;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ImageDigestTest
{
    private static final int PAGES = 32;

    private final ByteBuffer pages = ByteBuffer.allocateDirect(PAGES * PAGE_SIZE);
    private final ByteBuffer zeroPage = ByteBuffer.allocateDirect(PAGE_SIZE);

    ImageDigestTest()
    {
        for (int page = 0; page < PAGES; page++)
        {
            pages.put(page * PAGE_SIZE, TestImages.pageContent(5, page));
        }
    }

    @Test
    void shouldGiveTheSameDigestForTheSamePagesInAnyOrder()
    {
        final ImageDigest inOrder = new ImageDigest();
        for (int page = 0; page < PAGES; page++)
        {
            inOrder.addPage(page, hash(page));
        }
        final List<Integer> order = new ArrayList<>();
        for (int page = 0; page < PAGES; page++)
        {
            order.add(page);
        }

        for (final long seed : new long[] {1, 2, 3})
        {
            Collections.shuffle(order, new Random(seed));
            final ImageDigest shuffled = new ImageDigest();
            for (final int page : order)
            {
                shuffled.addPage(page, hash(page));
            }
            assertEquals(inOrder.value(), shuffled.value(), "order " + order);
        }
    }

    @Test
    void shouldGiveAnotherDigestWhenAPageSitsAtAnotherIndex()
    {
        final ImageDigest right = new ImageDigest();
        right.addPage(3, hash(3));
        final ImageDigest moved = new ImageDigest();
        moved.addPage(4, hash(3));

        assertNotEquals(right.value(), moved.value());
    }

    @Test
    void shouldGiveAnotherDigestWhenTwoPagesAreSwapped()
    {
        final ImageDigest right = new ImageDigest();
        right.addPage(1, hash(1));
        right.addPage(2, hash(2));
        final ImageDigest swapped = new ImageDigest();
        swapped.addPage(1, hash(2));
        swapped.addPage(2, hash(1));

        assertNotEquals(right.value(), swapped.value());
    }

    @Test
    void shouldGiveAnotherDigestWhenOneByteChanges()
    {
        final long before = hash(7);
        pages.put(7 * PAGE_SIZE + PAGE_SIZE - 1, (byte)(pages.get(7 * PAGE_SIZE + PAGE_SIZE - 1) ^ 1));

        assertNotEquals(before, hash(7));
        assertNotEquals(ImageDigest.term(7, before), ImageDigest.term(7, hash(7)));
    }

    @Test
    void shouldCountAZeroRunLikeItsZeroPagesOneByOne()
    {
        final long zeroHash = ImageDigest.pageHash(BufferUtil.address(zeroPage));
        final ImageDigest run = new ImageDigest();
        run.addZeroRun(100, 50);
        final ImageDigest perPage = new ImageDigest();
        for (long page = 100; page < 150; page++)
        {
            perPage.addPage(page, zeroHash);
        }

        assertEquals(ImageDigest.ZERO_PAGE_HASH, zeroHash, "hash of a zero page in memory");
        assertEquals(perPage.value(), run.value());
        assertNotEquals(0, run.value());
    }

    @Test
    void shouldCountAZeroRunAtItsPlace()
    {
        final ImageDigest here = new ImageDigest();
        here.addZeroRun(0, 10);
        final ImageDigest there = new ImageDigest();
        there.addZeroRun(1, 10);

        assertNotEquals(here.value(), there.value());
    }

    @Test
    void shouldAddDigestsOfDisjointPages()
    {
        final ImageDigest whole = new ImageDigest();
        final ImageDigest first = new ImageDigest();
        final ImageDigest second = new ImageDigest();
        for (int page = 0; page < PAGES; page++)
        {
            whole.addPage(page, hash(page));
            (page < PAGES / 2 ? first : second).addPage(page, hash(page));
        }
        whole.addZeroRun(PAGES, 100);
        second.addZeroRun(PAGES, 100);

        first.add(second);

        assertEquals(whole.value(), first.value());
    }

    @Test
    void shouldStartAgainFromEmptyAfterReset()
    {
        final ImageDigest digest = new ImageDigest();
        digest.addPage(1, hash(1));
        digest.addZeroRun(0, 0);

        digest.reset();

        assertEquals(0, digest.value());
    }

    private long hash(final int page)
    {
        return ImageDigest.pageHash(BufferUtil.address(pages) + (long)page * PAGE_SIZE);
    }
}
