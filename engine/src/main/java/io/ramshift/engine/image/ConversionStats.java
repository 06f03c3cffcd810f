package io.ramshift.engine.image;

/**
 * Counters of one conversion between a raw image and an ELF dump; written by the converter, read after it ends.
 */
public final class ConversionStats
{
    /** Bytes of guest RAM. */
    public long imageBytes;
    /** PT_LOADs written (raw to ELF) or RAM PT_LOADs copied (ELF to raw). */
    public int loadSegments;
    /** PT_LOADs outside RAM, not copied (ELF to raw). */
    public int skippedSegments;
    /** p_memsz total of the skipped PT_LOADs. */
    public long skippedBytes;
    /** Bytes read from the source's allocated ranges. */
    public long bytesRead;
    /** Bytes written to the output (data only: holes are never written). */
    public long bytesWritten;
    /** All-zero pages read but left as holes (ELF to raw). */
    public long zeroPagesSkipped;
    /** Bytes of ELF notes carried over (written into the ELF, or to the notes side file). */
    public long notesBytes;
    /** ELF notes carried over. */
    public int noteCount;
    /** Bytes of the output file (its length; allocated bytes are fewer). */
    public long outputBytes;
    /** Nanosecond clock at the start. */
    public long startNanos;
    /** Nanosecond clock at the end. */
    public long endNanos;

    /** @return seconds between start and end. */
    public double seconds()
    {
        return (endNanos - startNanos) / 1e9;
    }
}
