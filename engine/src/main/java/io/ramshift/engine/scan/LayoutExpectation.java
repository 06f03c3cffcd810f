package io.ramshift.engine.scan;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.PageLayoutDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The page counts an inspection must find in a generated image, derived from the generator's layout file (one
 * byte per page: kind and "marked free"), so a test or a user can check {@link ImageInspector} exactly.
 */
public final class LayoutExpectation
{
    private static final int READ_BLOCK = 1 << 20;

    /** Pages that must be reported free (zero when no bitmap is used). */
    public final long freePages;
    /** Pages that must be reported zero. */
    public final long zeroPages;
    /** Pages that must be reported data. */
    public final long dataPages;
    /** Data pages that must be reported duplicates of an earlier page. */
    public final long duplicatePages;

    private LayoutExpectation(final long freePages, final long zeroPages, final long dataPages,
        final long duplicatePages)
    {
        this.freePages = freePages;
        this.zeroPages = zeroPages;
        this.dataPages = dataPages;
        this.duplicatePages = duplicatePages;
    }

    /**
     * Read a layout file and derive the counts.
     *
     * @param path       of the layout file.
     * @param pageCount  pages of the image.
     * @param withBitmap true when the inspection used the free-page bitmap.
     * @return the expected counts.
     */
    public static LayoutExpectation read(final Path path, final long pageCount, final boolean withBitmap)
    {
        long free = 0;
        long zero = 0;
        long data = 0;
        long duplicates = 0;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            PageLayoutDescriptor.checkLength(channel.size(), pageCount);
            final ByteBuffer block = ByteBuffer.allocateDirect(READ_BLOCK);
            long page = 0;
            while (page < pageCount)
            {
                block.clear();
                final int n = channel.read(block);
                if (n <= 0)
                {
                    throw new ImageException("layout file ended early: path=" + path + " page=" + page);
                }
                for (int i = 0; i < n; i++, page++)
                {
                    final byte entry = block.get(i);
                    PageLayoutDescriptor.checkEntry(page, entry);
                    if (withBitmap && PageLayoutDescriptor.isFree(entry))
                    {
                        free++;
                        continue;
                    }
                    final int kind = PageLayoutDescriptor.kind(entry);
                    if (kind == PageLayoutDescriptor.KIND_ZERO)
                    {
                        zero++;
                    }
                    else
                    {
                        data++;
                        if (kind == PageLayoutDescriptor.KIND_DUPLICATE)
                        {
                            duplicates++;
                        }
                    }
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("layout file not found: " + path);
        }
        catch (final LayoutException ex)
        {
            throw new ImageException(ex.getMessage() + ": path=" + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read layout file: path=" + path + ": " + ex.getMessage(), ex);
        }
        return new LayoutExpectation(free, zero, data, duplicates);
    }

    /**
     * Compare with an inspection.
     *
     * @param inspection what was found.
     * @return null when every count matches, else a line naming each count that differs.
     */
    public String mismatches(final ImageInspection inspection)
    {
        final StringBuilder out = new StringBuilder();
        check(out, "free", freePages, inspection.freePages);
        check(out, "zero", zeroPages, inspection.zeroPages);
        check(out, "data", dataPages, inspection.dataPages);
        check(out, "duplicate", duplicatePages, inspection.duplicatePages);
        return out.length() == 0 ? null : out.toString();
    }

    private static void check(final StringBuilder out, final String name, final long expected, final long found)
    {
        if (expected != found)
        {
            out.append(out.length() == 0 ? "" : " ").append(name).append(": expected=").append(expected)
                .append(" found=").append(found);
        }
    }
}
