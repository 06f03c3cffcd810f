package io.ramshift.engine.verify;

import java.nio.file.Path;

/**
 * What an image's sidecar manifest was found to be, with the open manifest when it may be trusted.
 */
public final class SidecarStatus implements AutoCloseable
{
    /** The kinds of outcome. */
    public enum State
    {
        /** Present, intact and stamped with the image as it is now: opened without rehashing. */
        VALID,
        /** Was not valid ({@link #reason()} says why) and has been rebuilt by hashing the image. */
        BUILT,
        /** No sidecar file. */
        MISSING,
        /** Intact but describes the image as it was: a field of the stamp (or the size) changed. */
        STALE,
        /** Unreadable, of another version, or failing a checksum or length check. */
        CORRUPT
    }

    private final State state;
    private final Path path;
    private final PageManifest manifest;
    private final String reason;

    private SidecarStatus(final State state, final Path path, final PageManifest manifest, final String reason)
    {
        this.state = state;
        this.path = path;
        this.manifest = manifest;
        this.reason = reason;
    }

    static SidecarStatus valid(final Path path, final PageManifest manifest)
    {
        return new SidecarStatus(State.VALID, path, manifest, null);
    }

    static SidecarStatus built(final Path path, final PageManifest manifest, final SidecarStatus previous)
    {
        return new SidecarStatus(State.BUILT, path, manifest, previous.describe());
    }

    static SidecarStatus missing(final Path path)
    {
        return new SidecarStatus(State.MISSING, path, null, "no file " + path);
    }

    static SidecarStatus stale(final Path path, final String changes)
    {
        return new SidecarStatus(State.STALE, path, null, changes);
    }

    static SidecarStatus corrupt(final Path path, final String problem)
    {
        return new SidecarStatus(State.CORRUPT, path, null, problem);
    }

    /** @return the outcome. */
    public State state()
    {
        return state;
    }

    /** @return path of the sidecar file. */
    public Path path()
    {
        return path;
    }

    /** @return the open manifest when {@link #state()} is VALID or BUILT, else null; closed by {@link #close()}. */
    public PageManifest manifest()
    {
        return manifest;
    }

    /**
     * @return why the sidecar was not used: the fields that changed (STALE), the check that failed (CORRUPT), the
     * missing path (MISSING), the earlier outcome (BUILT); null when VALID.
     */
    public String reason()
    {
        return reason;
    }

    /** @return one line, e.g. {@code "valid"}, {@code "stale: mtime 1 -> 2"}, {@code "built (was missing)"}. */
    public String describe()
    {
        switch (state)
        {
            case VALID:
                return "valid";
            case BUILT:
                return "built (was " + reason + ")";
            case MISSING:
                return "missing";
            case STALE:
                return "stale: " + reason;
            default:
                return "corrupt: " + reason;
        }
    }

    /** Close the manifest, if any. */
    public void close()
    {
        if (manifest != null)
        {
            manifest.close();
        }
    }

    public String toString()
    {
        return path + ": " + describe();
    }
}
