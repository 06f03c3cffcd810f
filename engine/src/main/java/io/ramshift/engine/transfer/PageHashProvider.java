package io.ramshift.engine.transfer;

import java.nio.file.Path;

/**
 * Where a delta session gets the hash of every page of an image: a valid manifest sidecar, or hashing the image
 * now ({@link ImageHasher}).
 */
@FunctionalInterface
public interface PageHashProvider
{
    /**
     * @param image the image file.
     * @param size  its size in bytes.
     * @return the hash of every page, preset.
     */
    PageHashLedger hashes(Path image, long size);

    /** @return true when the last hashes came from a valid manifest rather than reading the image. */
    default boolean fromManifest()
    {
        return false;
    }
}
