package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.ElfDump;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.live.AllSentPagesDirtySource;
import io.ramshift.engine.live.BitmapDirtySource;
import io.ramshift.engine.live.DirtyPageBitmap;
import io.ramshift.engine.live.DirtySource;
import io.ramshift.engine.live.GuestMemory;
import io.ramshift.engine.live.HashRescanDirtySource;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.live.PageWriterWorkload;

import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;

/**
 * The pieces of one live migration on the command line: where changed pages come from, the optional in-process
 * writer, and the round driver with its stop hook. Closing stops the writer and unmaps.
 */
final class LiveSession implements AutoCloseable
{
    private final LiveRounds rounds;
    private final DirtySource source;
    private final PageWriterWorkload workload;
    private final MappedImage writable;

    private LiveSession(final LiveRounds rounds, final DirtySource source, final PageWriterWorkload workload,
        final MappedImage writable)
    {
        this.rounds = rounds;
        this.source = source;
        this.workload = workload;
        this.writable = writable;
    }

    static LiveSession open(final LiveOptionsMixin live, final Path image, final long pages)
    {
        MappedImage writable = null;
        PageWriterWorkload workload = null;
        final DirtySource source;
        if (live.naive)
        {
            source = new AllSentPagesDirtySource();
        }
        else if (live.external)
        {
            source = new HashRescanDirtySource();
        }
        else
        {
            final DirtyPageBitmap dirty = new DirtyPageBitmap(pages);
            source = new BitmapDirtySource(dirty, live.dirtyLog);
            if (live.dirtyRate > 0)
            {
                if (ElfDump.isElf(image))
                {
                    throw new RamshiftException("--dirty-rate writes the source image; not an ELF dump: " + image);
                }
                writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE);
                workload = new PageWriterWorkload(new GuestMemory(writable, dirty), null, 0,
                    live.hotSet > 0 ? Math.min(live.hotSet, pages) : pages, live.dirtyRate, 1);
            }
        }
        final PageWriterWorkload writer = workload;
        final LiveRounds rounds = new LiveRounds(source, live.downtimeLimitMs * 1_000_000L, live.maxRounds,
            live.maxSeconds * 1_000_000_000L, () ->
            {
                if (writer != null)
                {
                    writer.stop();
                }
                LiveOptionsMixin.runCommand("stop command", live.stopCommand);
            }, workload);
        if (workload != null)
        {
            workload.start();
        }
        return new LiveSession(rounds, source, workload, writable);
    }

    LiveRounds rounds()
    {
        return rounds;
    }

    /**
     * After the session verified: stop the writer, run the complete command, print the rounds and write the HTML
     * report when asked.
     */
    void finish(final CommandSpec spec, final LiveOptionsMixin live, final TransferOptionsMixin transfer,
        final TransferMonitor monitor, final TransferStats stats, final TransferStats receiver, final long startNanos,
        final String title)
    {
        close();
        LiveOptionsMixin.runCommand("complete command", live.completeCommand);
        LiveReport.print(spec, transfer.json, rounds, stats, receiver, startNanos,
            source instanceof HashRescanDirtySource ? (HashRescanDirtySource)source : null);
        if (transfer.report != null)
        {
            monitor.writeReport(transfer.report, title, stats, rounds);
        }
    }

    public void close()
    {
        if (workload != null)
        {
            workload.stop();
        }
        if (writable != null)
        {
            writable.close();
        }
    }
}
