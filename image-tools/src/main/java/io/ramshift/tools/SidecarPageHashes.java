package io.ramshift.tools;

import io.ramshift.engine.transfer.ImageHasher;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.PageHashProvider;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page hashes of one end of a delta session: from the image's valid manifest sidecar, else hashed now on two
 * threads with a progress bar on a terminal.
 */
final class SidecarPageHashes implements PageHashProvider
{
    private final String task;
    private final boolean bar;
    private volatile boolean fromManifest;

    SidecarPageHashes(final String task, final boolean bar)
    {
        this.task = task;
        this.bar = bar;
    }

    public PageHashLedger hashes(final Path image, final long size)
    {
        fromManifest = false;
        final AtomicLong done = new AtomicLong();
        final ImageHasher hasher = new ImageHasher(2, done);
        if (!bar || System.console() == null)
        {
            return hasher.hashes(image, size);
        }
        final Thread poller = new Thread(() -> drive(size / 4096, done), "ramshift-hash-progress");
        poller.setDaemon(true);
        poller.start();
        try
        {
            return hasher.hashes(image, size);
        }
        finally
        {
            poller.interrupt();
        }
    }

    public boolean fromManifest()
    {
        return fromManifest;
    }

    /**
     * Keep the final page hashes of a destination as its sidecar.
     *
     * @param image  the destination, synced.
     * @param hashes the hash of every page.
     */
    static void keep(final Path image, final PageHashLedger hashes)
    {
        // the sidecar format lands with the manifest work; until then the destination is hashed next time
    }

    private void drive(final long pages, final AtomicLong done)
    {
        try (ProgressBar progress = new ProgressBarBuilder().setTaskName(task).setInitialMax(pages)
            .setStyle(ProgressBarStyle.ASCII).setUnit(" pages", 1).setUpdateIntervalMillis(200)
            .continuousUpdate().build())
        {
            while (!Thread.currentThread().isInterrupted())
            {
                progress.stepTo(done.get());
                try
                {
                    Thread.sleep(100);
                }
                catch (final InterruptedException ex)
                {
                    break;
                }
            }
            progress.stepTo(done.get());
        }
    }
}
