package io.ramshift.engine.verify;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.engine.image.MappedImage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The page-hash manifest of a raw image kept next to it as {@code IMAGE.rsmanifest} and trusted only while the
 * image's stamp (size, mtime ns, ctime ns, inode) is the one recorded in it; written to a temporary file in the same
 * directory and renamed over the sidecar, so a reader sees the old sidecar or the new one, never a part.
 */
public final class ManifestSidecar
{
    /** Appended to the image's file name. */
    public static final String SUFFIX = ".rsmanifest";
    /** Longest wait for an image changed in the current tick of the file system clock (FAT ticks in 2 s). */
    public static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private static final String TEMP_SUFFIX = ".tmp";
    private static final int TEMP_ATTEMPTS = 100;

    private ManifestSidecar()
    {
    }

    /**
     * @param image path of the image.
     * @return path of its sidecar: same directory, the image's name followed by {@link #SUFFIX}.
     */
    public static Path pathFor(final Path image)
    {
        return image.resolveSibling(image.getFileName() + SUFFIX);
    }

    /**
     * Open the sidecar of an image when it may be trusted: present, of this version, header and page-hash checksums
     * good, same page size and image size, and stamped with the image's stamp as it is now.
     *
     * @param image path of the image.
     * @return VALID with the open manifest, else MISSING, STALE or CORRUPT with the reason and no manifest.
     */
    public static SidecarStatus openIfValid(final Path image)
    {
        final Path sidecar = pathFor(image);
        if (!Files.exists(sidecar))
        {
            return SidecarStatus.missing(sidecar);
        }
        final ImageStamp now = ImageStamp.of(image);
        final PageManifest manifest;
        try
        {
            manifest = PageManifest.open(sidecar);
        }
        catch (final ImageException ex)
        {
            return Files.exists(sidecar) ? SidecarStatus.corrupt(sidecar, ex.getMessage()) :
                SidecarStatus.missing(sidecar);
        }
        final String changes = manifest.pageSize() != MappedImage.PAGE_SIZE ?
            "pageSize " + manifest.pageSize() + " -> " + MappedImage.PAGE_SIZE : manifest.stamp().changes(now);
        if (changes != null)
        {
            manifest.close();
            return SidecarStatus.stale(sidecar, changes);
        }
        return SidecarStatus.valid(sidecar, manifest);
    }

    /**
     * Open the sidecar of an image if it may be trusted, else rebuild it (see {@link #rebuild(Path, int)}).
     *
     * @param image   path of the image: a raw image file, all of whose bytes are described.
     * @param threads hashing threads.
     * @return VALID (not rehashed) or BUILT (with the reason it was rebuilt), with the open manifest.
     */
    public static SidecarStatus ensure(final Path image, final int threads)
    {
        final SidecarStatus status = openIfValid(image);
        if (status.state() == SidecarStatus.State.VALID)
        {
            return status;
        }
        return SidecarStatus.built(status.path(), rebuild(image, threads), status);
    }

    /**
     * Hash every page of an image (holes as zero pages without reading) into a temporary file and rename it over
     * the sidecar. The image's stamp is taken first (once its last change is in an earlier tick of the file system
     * clock), then the holes are looked up and the file is mapped and hashed, then the stamp is read again: if it
     * differs the sidecar is not installed. Mapping after the stamp means a file replaced meanwhile is caught by
     * its inode.
     *
     * @param image   path of the image: a raw image file, all of whose bytes are described.
     * @param threads hashing threads.
     * @return the new sidecar, open.
     * @throws ImageException when the image changed while hashed or cannot be mapped as an image.
     */
    public static PageManifest rebuild(final Path image, final int threads)
    {
        final Path sidecar = pathFor(image);
        final Path temp = createTemp(sidecar);
        try
        {
            final ImageStamp before = ImageStamp.settled(image, temp, SETTLE_TIMEOUT_NS);
            try (MappedImage mapped = MappedImage.openReadOnly(image))
            {
                // holes found after the stamp: a hole filled later changes the stamp
                final DataExtents extents = DataExtents.of(image, mapped.size());
                PageManifest.write(mapped, extents, temp, threads, before);
            }
            install(image, before, temp, sidecar, "image changed while hashed");
            return PageManifest.open(sidecar);
        }
        finally
        {
            deleteQuietly(temp);
        }
    }

    /**
     * Write the sidecar of an image from page hashes already held (e.g. by a receiver after a session), without
     * reading the image. The stamp is taken now: the caller guarantees the image holds exactly these pages, is
     * synced, and is not being written (a writer through a shared mapping is not seen by the stamp).
     *
     * @param image     path of the image.
     * @param pageCount pages of the image; its size must be this many pages.
     * @param hashes    the hash of every page.
     * @throws ImageException when the image size does not match or the image changed while the sidecar was written.
     */
    public static void write(final Path image, final long pageCount, final PageHashSource hashes)
    {
        final Path sidecar = pathFor(image);
        final Path temp = createTemp(sidecar);
        try
        {
            final ImageStamp stamp = ImageStamp.settled(image, temp, SETTLE_TIMEOUT_NS);
            if (pageCount <= 0 || stamp.size() != pageCount * MappedImage.PAGE_SIZE)
            {
                throw new ImageException("page hashes are for another image size: path=" + image + " size=" +
                    stamp.size() + " pages=" + pageCount + " expectedSize=" + pageCount * MappedImage.PAGE_SIZE);
            }
            PageManifest.write(hashes, stamp.size(), temp, stamp);
            install(image, stamp, temp, sidecar, "image changed while its sidecar was written");
        }
        finally
        {
            deleteQuietly(temp);
        }
    }

    private static void install(final Path image, final ImageStamp before, final Path temp, final Path sidecar,
        final String what)
    {
        final String changes = before.changes(ImageStamp.of(image));
        if (changes != null)
        {
            throw new ImageException(what + ": sidecar not installed: path=" + image + " " + changes);
        }
        try
        {
            Files.move(temp, sidecar, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot install sidecar manifest: path=" + sidecar + ": " + ex, ex);
        }
    }

    private static Path createTemp(final Path sidecar)
    {
        for (int i = 0; ; i++)
        {
            final Path temp = sidecar.resolveSibling(sidecar.getFileName() + "." +
                Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + TEMP_SUFFIX);
            try
            {
                return Files.createFile(temp);
            }
            catch (final FileAlreadyExistsException ex)
            {
                if (i >= TEMP_ATTEMPTS)
                {
                    throw new ImageException("cannot create a temporary sidecar file: path=" + temp + " exists", ex);
                }
            }
            catch (final IOException ex)
            {
                throw new ImageException("cannot create a temporary sidecar file: path=" + temp + ": " + ex, ex);
            }
        }
    }

    private static void deleteQuietly(final Path temp)
    {
        try
        {
            Files.deleteIfExists(temp);
        }
        catch (final IOException ignore)
        {
            // a leftover temporary file is never read as a sidecar; the error that matters is already thrown
        }
    }
}
