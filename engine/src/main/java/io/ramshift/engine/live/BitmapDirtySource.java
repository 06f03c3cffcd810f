package io.ramshift.engine.live;

import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.RoundSender;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dirty pages from a {@link DirtyPageBitmap} marked by in-process writers ({@link GuestMemory}), optionally merged
 * with a dirty log file an external writer (a hypervisor with dirty logging) rewrites between rounds.
 */
public final class BitmapDirtySource implements DirtySource
{
    private final DirtyPageBitmap dirty;
    private final Path dirtyLog;
    private long lastGeneration = -1;

    /**
     * @param dirty    the bitmap writers mark.
     * @param dirtyLog a dirty log file read before each round when its generation changed, or null.
     */
    public BitmapDirtySource(final DirtyPageBitmap dirty, final Path dirtyLog)
    {
        this.dirty = dirty;
        this.dirtyLog = dirtyLog;
    }

    /**
     * Drain the bitmap (after merging a new dirty log).
     */
    public long collect(final RoundSender sender, final RunConsumer consumer)
    {
        if (dirtyLog != null && Files.exists(dirtyLog))
        {
            final DirtyPageBitmap fromLog = new DirtyPageBitmap(dirty.pageCount());
            final long generation = fromLog.markFromLog(dirtyLog, io.ramshift.engine.image.MappedImage.PAGE_SIZE);
            if (generation != lastGeneration)
            {
                lastGeneration = generation;
                fromLog.drain((pageClass, first, count) -> dirty.markRange(first, count));
            }
        }
        return dirty.drain(consumer);
    }
}
