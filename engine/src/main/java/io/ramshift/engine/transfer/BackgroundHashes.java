package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftException;

import java.nio.file.Path;

/**
 * The hashes of an image being computed on a thread of their own, so a delta sender hashes its image while the
 * receiver hashes its copy.
 */
final class BackgroundHashes implements Runnable
{
    private final PageHashProvider provider;
    private final Path image;
    private final long size;
    private final Thread thread;
    private volatile PageHashLedger hashes;
    private volatile RuntimeException failure;

    BackgroundHashes(final PageHashProvider provider, final Path image, final long size)
    {
        this.provider = provider;
        this.image = image;
        this.size = size;
        this.thread = new Thread(this, "ramshift-source-hashes");
        this.thread.setDaemon(true);
    }

    BackgroundHashes start()
    {
        thread.start();
        return this;
    }

    public void run()
    {
        try
        {
            hashes = provider.hashes(image, size);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
    }

    /** @return the hashes once computed; rethrows the provider's failure. */
    PageHashLedger join()
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RamshiftException("interrupted while hashing " + image, ex);
        }
        if (failure != null)
        {
            throw failure;
        }
        return hashes;
    }
}
