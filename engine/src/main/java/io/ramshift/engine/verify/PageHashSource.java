package io.ramshift.engine.verify;

/**
 * The xxh3 of each page of an image, from wherever they are already held (a manifest, a receiver's ledger).
 */
@FunctionalInterface
public interface PageHashSource
{
    /**
     * @param page index of the page.
     * @return the xxh3-64 of its 4096 bytes.
     */
    long pageHash(long page);
}
