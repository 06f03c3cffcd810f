package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.engine.transfer.ImageHasher;
import io.ramshift.engine.verify.ManifestSidecar;
import io.ramshift.engine.verify.PageManifest;
import io.ramshift.engine.verify.SidecarStatus;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.PageHashProvider;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page hashes of one end of a delta session: from the image's valid manifest sidecar, else hashed now on two
 * threads with a progress bar on a terminal (and, for an image at rest, kept as its sidecar for the next time).
 */
final class SidecarPageHashes implements PageHashProvider
{
    private final String task;
    private final boolean bar;
    private final boolean keepAfterHashing;
    private volatile boolean fromManifest;

    /**
     * @param task             name on the progress bar.
     * @param bar              show a progress bar on a terminal.
     * @param keepAfterHashing write the sidecar after hashing an image that did not change meanwhile (a source;
     *                         a destination keeps its sidecar after the session instead).
     */
    SidecarPageHashes(final String task, final boolean bar, final boolean keepAfterHashing)
    {
        this.task = task;
        this.bar = bar;
        this.keepAfterHashing = keepAfterHashing;
    }

    public PageHashLedger hashes(final Path image, final long size)
    {
        fromManifest = false;
        if (java.nio.file.Files.exists(image))
        {
            try (SidecarStatus status = ManifestSidecar.openIfValid(image))
            {
                if (status.state() == SidecarStatus.State.VALID)
                {
                    fromManifest = true;
                    final PageManifest manifest = status.manifest();
                    final PageHashLedger ledger = new PageHashLedger(manifest.pageCount(), true);
                    manifest.copyHashesTo(ledger.hashesAddress());
                    return ledger;
                }
            }
        }
        final ImageStamp before = keepAfterHashing ? ImageStamp.of(image) : null;
        final PageHashLedger hashes = hash(image, size);
        if (before != null && before.matches(ImageStamp.of(image)))
        {
            keep(image, hashes);
        }
        return hashes;
    }

    private PageHashLedger hash(final Path image, final long size)
    {
        final AtomicLong done = new AtomicLong();
        final ImageHasher hasher = new ImageHasher(2, done);
        if (!bar || System.console() == null)
        {
            return hasher.hashes(image, size);
        }
        final Thread poller = new Thread(() -> TransferMonitor.follow(task, size / 4096, done::get,
            () -> Thread.currentThread().isInterrupted()), "ramshift-hash-progress");
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
        try
        {
            ManifestSidecar.write(image, hashes.pageCount(), hashes::hash);
        }
        catch (final RamshiftException ex)
        {
            // a cache only: without it the next delta hashes the destination again
        }
    }
}
