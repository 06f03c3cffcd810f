package io.ramshift.engine.transfer;

import io.ramshift.layout.ProtocolDescriptor;

/**
 * Settings of one transfer, shared by sender and receiver; plain fields set once before the transfer starts.
 */
public final class TransferOptions
{
    /** Data pages per RUN_BATCH (256 KiB of 4 KiB pages). */
    public int batchDataPages = 64;
    /** Runs per RUN_BATCH. */
    public int batchRuns = 512;
    /** Find holes in the source with SEEK_DATA/SEEK_HOLE and treat them as zero pages without reading. */
    public boolean detectHoles = true;
    /** Allow the receiver to change the size of an existing destination of another size. */
    public boolean resize;
    /** Skip the fsync before the receiver reports success. */
    public boolean noSync;
    /** Bytes per mapping of the source image (a power of two; smaller only to test chunk boundaries). */
    public long mappingChunkSize = io.ramshift.engine.image.MappedImage.DEFAULT_CHUNK_SIZE;
    /** For an ELF dump source: PT_LOADs ending above this guest-physical address are not RAM. */
    public long ramLimit = io.ramshift.engine.image.ElfDump.DEFAULT_RAM_LIMIT;
    /** Session id sent in HELLO; 0 picks one at random. */
    public long sessionId;

    /** @return option bits for HELLO. */
    public long helloOptions()
    {
        long options = 0;
        if (resize)
        {
            options |= ProtocolDescriptor.OPTION_RESIZE;
        }
        if (noSync)
        {
            options |= ProtocolDescriptor.OPTION_NO_SYNC;
        }
        return options;
    }
}
