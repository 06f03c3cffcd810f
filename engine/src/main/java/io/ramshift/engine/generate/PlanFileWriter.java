package io.ramshift.engine.generate;

import io.ramshift.engine.DestinationException;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the free-page bitmap and the page layout of a {@link PageKindPlan} to their files, replacing any previous
 * content (these small files are rewritten whole; only the image is overwritten in place).
 */
public final class PlanFileWriter
{
    private PlanFileWriter()
    {
    }

    /**
     * Write the free-page bitmap in {@link io.ramshift.layout.FreePageBitmapDescriptor} format.
     *
     * @param plan of the image.
     * @param path of the bitmap file.
     * @return bytes written.
     */
    public static long writeFreeBitmap(final PageKindPlan plan, final Path path)
    {
        return write(plan.freeBitmap(), path, "free-page bitmap");
    }

    /**
     * Write the page layout in {@link io.ramshift.layout.PageLayoutDescriptor} format.
     *
     * @param plan of the image.
     * @param path of the layout file.
     * @return bytes written.
     */
    public static long writeLayout(final PageKindPlan plan, final Path path)
    {
        return write(plan.layout(), path, "page layout");
    }

    private static long write(final DirectBuffer buffer, final Path path, final String what)
    {
        final ByteBuffer bytes = ByteBuffer.wrap(buffer.byteArray(), 0, buffer.capacity());
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            return buffer.capacity();
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot write " + what + ": path=" + path + ": " + ex, ex);
        }
    }
}
