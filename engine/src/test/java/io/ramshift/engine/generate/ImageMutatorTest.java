package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.DataExtents;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(ResourceLeakExtension.class)
class ImageMutatorTest
{
    private static final long SIZE = 16L << 20;
    private static final int PAGES = (int)(SIZE / PAGE_SIZE);

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameBytesForTheSameSeedAndOthersForAnother() throws IOException
    {
        final Path a = generate("a.img", GeneratorProfile.postWorkload(), SIZE);
        final Path b = Files.copy(a, dir.resolve("b.img"));
        final Path c = Files.copy(a, dir.resolve("c.img"));

        final MutateResult ra = mutate(a, 0.05, MutationLayout.CLUSTERED, 5);
        final MutateResult rb = mutate(b, 0.05, MutationLayout.CLUSTERED, 5);
        mutate(c, 0.05, MutationLayout.CLUSTERED, 6);

        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
        assertEquals(ra.pagesChanged, rb.pagesChanged);
        assertEquals(ra.movedPages, rb.movedPages);
        assertEquals(ra.compressiblePages, rb.compressiblePages);
        assertEquals(ra.lz4Bytes, rb.lz4Bytes);
        assertEquals(ra.lz4FreshBytes, rb.lz4FreshBytes);
    }

    @ParameterizedTest
    @EnumSource(MutationLayout.class)
    void shouldChangeExactlyThePlannedPagesInPlaceAndKeepTheSize(final MutationLayout layout) throws IOException
    {
        final Path image = generate("post.img", GeneratorProfile.postWorkload(), SIZE);
        final Object inode = Files.getAttribute(image, "unix:ino");
        final byte[] before = Files.readAllBytes(image);

        final MutateResult result = mutate(image, 0.1, layout, 9);

        final byte[] after = Files.readAllBytes(image);
        assertEquals(SIZE, after.length);
        assertEquals(inode, Files.getAttribute(image, "unix:ino"));
        final MutationPlan plan = MutationPlan.plan(PAGES, 0.1, layout == MutationLayout.SCATTERED ? 1 : 64, 0.1, 9);
        long changed = 0;
        for (int page = 0; page < PAGES; page++)
        {
            final boolean differs = !Arrays.equals(before, page * PAGE_SIZE, (page + 1) * PAGE_SIZE,
                after, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
            assertEquals(plan.isChanged(page), differs, "page " + page);
            changed += differs ? 1 : 0;
        }
        assertEquals(Math.round(0.1 * PAGES), changed);
        assertEquals(changed, result.pagesChanged);
        assertEquals(plan.runCount(), result.runs);
        assertEquals(result.pagesChanged, result.movedPages + result.freshPages());
        assertTrue(result.movedPages > 0, result.toString());
        assertEquals(0, result.contentRetries);
    }

    @Test
    void shouldChangeEveryPageWhenAskedToEvenWhenTheSameMutationRunsTwice() throws IOException
    {
        final Path image = generate("idle.img", GeneratorProfile.idle(), 4L << 20);
        final int pages = 1024;
        for (int round = 0; round < 2; round++)
        {
            final byte[] before = Files.readAllBytes(image);
            final MutateResult result = mutate(image, 1.0, MutationLayout.SCATTERED, 3);
            final byte[] after = Files.readAllBytes(image);
            for (int page = 0; page < pages; page++)
            {
                assertFalse(Arrays.equals(before, page * PAGE_SIZE, (page + 1) * PAGE_SIZE,
                    after, page * PAGE_SIZE, (page + 1) * PAGE_SIZE), "page " + page + " unchanged, round " + round);
                assertFalse(TestImages.isZero(Arrays.copyOfRange(after, page * PAGE_SIZE, (page + 1) * PAGE_SIZE)));
            }
            assertEquals(pages, result.pagesChanged);
            assertEquals(0, result.movedPages, "no page is left unchanged to copy from");
            assertEquals(round == 0 ? 0 : pages, result.contentRetries);
        }
    }

    @Test
    void shouldMakeMovedPagesCopiesOfPagesLeftUnchanged() throws IOException
    {
        final Path image = generate("post.img", GeneratorProfile.postWorkload(), SIZE);
        final byte[] before = Files.readAllBytes(image);
        final MutateResult result = new ImageMutator(new ImageMutator.Context().imagePath(image).fraction(0.1)
            .layout(MutationLayout.CLUSTERED).runPages(16).movedFraction(0.5).seed(11)).mutate();
        final byte[] after = Files.readAllBytes(image);

        final Set<ByteBuffer> unchanged = new HashSet<>();
        for (int page = 0; page < PAGES; page++)
        {
            if (samePage(before, after, page))
            {
                unchanged.add(ByteBuffer.wrap(after, page * PAGE_SIZE, PAGE_SIZE));
            }
        }
        long copies = 0;
        for (int page = 0; page < PAGES; page++)
        {
            if (!samePage(before, after, page) && unchanged.contains(ByteBuffer.wrap(after, page * PAGE_SIZE, PAGE_SIZE)))
            {
                copies++;
            }
        }
        assertTrue(result.movedRuns > 0 && result.movedRuns <= result.plannedMovedRuns, result.toString());
        assertEquals(Math.round(0.5 * result.runs), result.plannedMovedRuns);
        assertEquals(result.movedPages, copies);
    }

    @ParameterizedTest
    @EnumSource(MutationLayout.class)
    void shouldReportTheLz4SizeOfTheChangedPagesInBlocksOfConsecutivePages(final MutationLayout layout)
        throws IOException
    {
        final Path image = generate("post.img", GeneratorProfile.postWorkload(), SIZE);
        final byte[] before = Files.readAllBytes(image);
        final MutateResult result = mutate(image, 0.2, layout, 4);
        final byte[] after = Files.readAllBytes(image);

        final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        long expected = 0;
        long blocks = 0;
        int page = 0;
        while (page < PAGES)
        {
            if (samePage(before, after, page))
            {
                page++;
                continue;
            }
            int end = page;
            while (end < PAGES && end - page < Lz4BlockMeter.BLOCK_PAGES && !samePage(before, after, end))
            {
                end++;
            }
            final int raw = (end - page) * PAGE_SIZE;
            expected += Math.min(raw, compressor.compress(Arrays.copyOfRange(after, page * PAGE_SIZE, end * PAGE_SIZE)).length);
            blocks++;
            page = end;
        }
        assertEquals(expected, result.lz4Bytes);
        assertEquals(blocks, result.lz4Blocks);
        // fresh pages compress like generator data: compressible ~2.45x, random 1x, 65:20
        final double freshShare = (double)result.lz4FreshBytes / (result.freshPages() * PAGE_SIZE);
        assertTrue(freshShare > 0.4 && freshShare < 0.7, "fresh LZ4 share " + freshShare + " " + result);
        final double randomShare = (double)result.randomPages / result.freshPages();
        assertTrue(randomShare > 0.17 && randomShare < 0.30, "random share " + randomShare);
    }

    @Test
    void shouldMutatePagesPastFourGibibytesOfASparseImageAndAllocateOnlyThem()
    {
        final long size = 5L << 30;
        final Path image = TestImages.createSparse(dir.resolve("big.img"), size);
        final MutateResult result = mutate(image, 0.0002, MutationLayout.SCATTERED, 2);

        final MutationPlan plan = MutationPlan.plan(size / PAGE_SIZE, 0.0002, 1, 0.1, 2);
        long pastFourGiB = 0;
        for (long slot = plan.nextRun(0); slot >= 0; slot = plan.nextRun(slot + 1))
        {
            final byte[] content = TestImages.readPage(image, slot);
            assertFalse(TestImages.isZero(content), "page " + slot + " still zero");
            pastFourGiB += slot >= (4L << 30) / PAGE_SIZE ? 1 : 0;
        }
        assertEquals(Math.round(0.0002 * (size / PAGE_SIZE)), result.pagesChanged);
        assertTrue(pastFourGiB > 0);
        assertEquals(size, image.toFile().length());
        assertEquals(0, result.movedPages, "an empty image has no page to copy from");
        assertEquals(result.pagesChanged * PAGE_SIZE, DataExtents.allocatedBytes(image));
    }

    @Test
    void shouldRefuseAnImageThatIsNotWholePages() throws IOException
    {
        final Path image = Files.write(dir.resolve("odd.img"), new byte[5000]);
        final ImageException ex = assertThrows(ImageException.class,
            () -> mutate(image, 0.1, MutationLayout.SCATTERED, 1));
        assertTrue(ex.getMessage().startsWith("image size is not a multiple of the page size: path=" + image),
            ex.getMessage());
        assertEquals(5000, Files.size(image));
    }

    private Path generate(final String name, final GeneratorProfile profile, final long size)
    {
        final Path image = dir.resolve(name);
        new ImageGenerator(new ImageGenerator.Context().profile(profile).sizeBytes(size).imagePath(image).threads(1))
            .generate();
        return image;
    }

    private static MutateResult mutate(final Path image, final double fraction, final MutationLayout layout,
        final long seed)
    {
        return new ImageMutator(new ImageMutator.Context().imagePath(image).fraction(fraction).layout(layout)
            .seed(seed)).mutate();
    }

    private static boolean samePage(final byte[] a, final byte[] b, final int page)
    {
        return Arrays.equals(a, page * PAGE_SIZE, (page + 1) * PAGE_SIZE, b, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    }
}
