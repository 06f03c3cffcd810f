package io.ramshift.engine;

import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.FreePageBitmapFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Builds test images without writing more than the pages asked for: sparse files, deterministic page contents,
 * free-page bitmap files, and page-by-page comparisons.
 */
public final class TestImages
{
    /** Page size of every image. */
    public static final int PAGE_SIZE = 4096;
    /** Largest file {@link #assertSameNonFreePages} reads whole. */
    public static final long MAX_FULL_COMPARE = 64L << 20;

    private TestImages()
    {
    }

    /**
     * Create (or replace) a sparse file of a size: nothing is allocated.
     *
     * @param path of the file.
     * @param size in bytes.
     * @return {@code path}.
     */
    public static Path createSparse(final Path path, final long size)
    {
        try
        {
            Files.deleteIfExists(path);
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
            {
                file.setLength(size);
            }
            return path;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Deterministic content of a page: a function of (seed, page), never all zero, different for other pairs.
     *
     * @param seed selects the content family.
     * @param page index of the page.
     * @return {@link #PAGE_SIZE} bytes.
     */
    public static byte[] pageContent(final long seed, final long page)
    {
        final byte[] bytes = new byte[PAGE_SIZE];
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L + page).nextBytes(bytes);
        final ByteBuffer stamp = ByteBuffer.wrap(bytes);
        stamp.putLong(0, seed);
        stamp.putLong(8, page);
        bytes[16] = 1;
        return bytes;
    }

    /**
     * Write the deterministic content of one page with a positional write.
     *
     * @param path of the image.
     * @param page index of the page.
     * @param seed content family.
     */
    public static void writePage(final Path path, final long page, final long seed)
    {
        writePages(path, page, 1, seed);
    }

    /**
     * Write the deterministic content of consecutive pages with positional writes.
     *
     * @param path      of the image.
     * @param firstPage first page.
     * @param pageCount pages to write.
     * @param seed      content family.
     */
    public static void writePages(final Path path, final long firstPage, final long pageCount, final long seed)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            for (long page = firstPage; page < firstPage + pageCount; page++)
            {
                writeFully(channel, page, ByteBuffer.wrap(pageContent(seed, page)));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Write explicit zero bytes over pages, so they are allocated (not a hole) yet read as zero.
     *
     * @param path      of the image.
     * @param firstPage first page.
     * @param pageCount pages to write.
     */
    public static void writeZeroPages(final Path path, final long firstPage, final long pageCount)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            for (long page = firstPage; page < firstPage + pageCount; page++)
            {
                writeFully(channel, page, ByteBuffer.allocate(PAGE_SIZE));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Write a free-page bitmap file for an image.
     *
     * @param path      of the bitmap file.
     * @param pageCount pages of the image.
     * @param freePages pages to mark free.
     * @return {@code path}.
     */
    public static Path writeBitmap(final Path path, final long pageCount, final Collection<Long> freePages)
    {
        final int length = (int)FreePageBitmapDescriptor.lengthForPages(pageCount);
        final byte[] bytes = new byte[length];
        final FreePageBitmapFlyweight bitmap = new FreePageBitmapFlyweight()
            .wrap(new UnsafeBuffer(bytes), 0, length, pageCount);
        for (final long page : freePages)
        {
            bitmap.free(page, true);
        }
        return write(path, bytes);
    }

    /**
     * Write a free-page bitmap file from whole words (bits past the last page are kept as given).
     *
     * @param path  of the bitmap file.
     * @param words the words, little-endian on disk.
     * @return {@code path}.
     */
    public static Path writeBitmapWords(final Path path, final long... words)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(words.length * Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (final long word : words)
        {
            bytes.putLong(word);
        }
        return write(path, bytes.array());
    }

    /**
     * Read one page.
     *
     * @param path of the file.
     * @param page index of the page.
     * @return its bytes (zeros past the end of the file).
     */
    public static byte[] readPage(final Path path, final long page)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(PAGE_SIZE);
            readFully(channel, page * PAGE_SIZE, buffer);
            return buffer.array();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Invert one byte of a file in place (a corruption that never leaves the byte as it was).
     *
     * @param path   the file.
     * @param offset of the byte.
     */
    public static void flipByte(final Path path, final long offset)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte)~one.get(0)).position(0);
            channel.write(one, offset);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param bytes of a page.
     * @return true when every byte is zero.
     */
    public static boolean isZero(final byte[] bytes)
    {
        for (final byte b : bytes)
        {
            if (b != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Assert that two files hold the same bytes in the given pages.
     *
     * @param expected the reference file.
     * @param actual   the file checked.
     * @param pages    indexes of the pages to compare.
     */
    public static void assertSamePages(final Path expected, final Path actual, final long... pages)
    {
        try (FileChannel a = FileChannel.open(expected, StandardOpenOption.READ);
            FileChannel b = FileChannel.open(actual, StandardOpenOption.READ))
        {
            final ByteBuffer pageA = ByteBuffer.allocate(PAGE_SIZE);
            final ByteBuffer pageB = ByteBuffer.allocate(PAGE_SIZE);
            for (final long page : pages)
            {
                readFully(a, page * PAGE_SIZE, pageA.clear());
                readFully(b, page * PAGE_SIZE, pageB.clear());
                if (!Arrays.equals(pageA.array(), pageB.array()))
                {
                    fail("page " + page + " differs: expected " + describe(pageA.array()) + " in " + expected +
                        ", got " + describe(pageB.array()) + " in " + actual);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Assert that two files have the same size and the same bytes in every page that is not free; reads both files
     * whole, so only for images up to {@link #MAX_FULL_COMPARE}.
     *
     * @param expected the reference file.
     * @param actual   the file checked.
     * @param free     true for the pages whose content does not matter.
     * @return number of pages compared.
     */
    public static long assertSameNonFreePages(final Path expected, final Path actual, final LongPredicate free)
    {
        try (FileChannel a = FileChannel.open(expected, StandardOpenOption.READ);
            FileChannel b = FileChannel.open(actual, StandardOpenOption.READ))
        {
            assertEquals(a.size(), b.size(), "size of " + actual);
            if (a.size() > MAX_FULL_COMPARE)
            {
                throw new IllegalArgumentException("too large to compare whole: " + a.size());
            }
            final long pageCount = a.size() / PAGE_SIZE;
            final ByteBuffer pageA = ByteBuffer.allocate(PAGE_SIZE);
            final ByteBuffer pageB = ByteBuffer.allocate(PAGE_SIZE);
            long compared = 0;
            for (long page = 0; page < pageCount; page++)
            {
                if (free.test(page))
                {
                    continue;
                }
                readFully(a, page * PAGE_SIZE, pageA.clear());
                readFully(b, page * PAGE_SIZE, pageB.clear());
                if (!Arrays.equals(pageA.array(), pageB.array()))
                {
                    fail("page " + page + " differs: expected " + describe(pageA.array()) + ", got " +
                        describe(pageB.array()) + " in " + actual);
                }
                compared++;
            }
            return compared;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String describe(final byte[] page)
    {
        if (isZero(page))
        {
            return "zeros";
        }
        final ByteBuffer buffer = ByteBuffer.wrap(page);
        return "data(seed=" + buffer.getLong(0) + " page=" + buffer.getLong(8) + ")";
    }

    private static Path write(final Path path, final byte[] bytes)
    {
        try
        {
            return Files.write(path, bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeFully(final FileChannel channel, final long page, final ByteBuffer source)
        throws IOException
    {
        long position = page * PAGE_SIZE;
        while (source.hasRemaining())
        {
            position += channel.write(source, position);
        }
    }

    private static void readFully(final FileChannel channel, final long position, final ByteBuffer target)
        throws IOException
    {
        long at = position;
        while (target.hasRemaining())
        {
            final int n = channel.read(target, at);
            if (n < 0)
            {
                while (target.hasRemaining())
                {
                    target.put((byte)0);
                }
                return;
            }
            at += n;
        }
    }
}
