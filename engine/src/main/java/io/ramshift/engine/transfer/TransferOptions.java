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
    /** Compress batches with LZ4 when a probe of their first page shrinks and the link is the bottleneck. */
    public boolean lz4 = true;
    /** Compress every batch whose probe shrinks, even when the link is not the bottleneck. */
    public boolean lz4Always;
    /** Send pages whose content already travelled on the stream as DUP references. */
    public boolean dedup = true;
    /** Batch encoders circulating between a stream's scanning thread and its writer thread (at least 2). */
    public int pipelineDepth = 4;
    /** Parallel streams (TCP connections), each carrying its own 2 MiB-aligned slice of the image. */
    public int streams = 1;
    /** For an ELF dump source: PT_LOADs ending above this guest-physical address are not RAM. */
    public long ramLimit = io.ramshift.engine.image.ElfDump.DEFAULT_RAM_LIMIT;
    /** Longest wait without progress on a connection before the transfer fails (a stalled peer), 0 for none. */
    public long ioTimeoutMs = 120_000;
    /** How long the receiver waits for the other streams of a session after the first connected. */
    public long streamAcceptTimeoutMs = 30_000;
    /** Find holes in the source with SEEK_DATA/SEEK_HOLE and treat them as zero pages without reading. */
    public boolean detectHoles = true;
    /** Allow the receiver to change the size of an existing destination of another size. */
    public boolean resize;
    /** Skip the fsync before the receiver reports success. */
    public boolean noSync;
    /** Bytes per mapping of the source image (a power of two; smaller only to test chunk boundaries). */
    public long mappingChunkSize = io.ramshift.engine.image.MappedImage.DEFAULT_CHUNK_SIZE;
    /** Live migration: drives the rounds after the bulk round (single stream, no DUP); null for a snapshot. */
    public RoundDriver live;
    /** Where the sender records progress, batch latencies and a throughput time series; null for none. */
    public TransferProgress progress;
    /** Session id sent in HELLO; 0 picks one at random. */
    public long sessionId;
    /** Sender: device state sent after the final round (a live session of a hypervisor's guest); null for none. */
    public DeviceStateSource deviceState;
    /** Receiver: takes the device state after the image verified; a session without one is then refused. */
    public DeviceStateSink deviceStateSink;
    /** Receiver: after the last page, read the destination file back and check its digest, not only the bytes
     * received (a page changed in the file by anyone else is caught before success is reported). */
    public boolean verifyReadBack;
    /** Both ends prove this pre-shared key before any image byte moves (HELLO option AUTH); null for none. */
    public SessionAuthenticator authenticator;
    /** Sender: TLS 1.3 on every stream (this end is the TLS client: the receiver's CA and name; optionally a client
     * certificate), or null for plaintext. */
    public io.ramshift.engine.tls.TlsSettings tlsSender;
    /** Receiver: TLS 1.3 on every stream (this end is the TLS server: its certificate and key; optionally the CA of
     * the client certificates it requires), or null for plaintext. */
    public io.ramshift.engine.tls.TlsSettings tlsReceiver;
    /** A delta session (HELLO option DELTA): the destination holds an earlier copy; only differing pages travel. */
    public boolean delta;
    /** Sender of a delta session: the hash of every source page (a valid sidecar, or hashing the image now). */
    public PageHashProvider sourceHashes;
    /** Receiver of a delta session: the hash of every destination page (a valid sidecar, or hashing it now). */
    public PageHashProvider destinationHashes;
    /** Receiver of a delta session: given the destination's final page hashes once it verified and synced (to
     * keep its manifest sidecar), or null. */
    public java.util.function.BiConsumer<java.nio.file.Path, PageHashLedger> keepHashes;
    /** Receiver: bytes received between two journal checkpoints at most; 0 for the default (256 MiB). */
    public long checkpointBytes;
    /** Receiver: milliseconds between two journal checkpoints at most; 0 for the default (1 s). */
    public long checkpointIntervalMs;
    /** Sender: offer to resume from the destination's journal (a snapshot of a file; not live, not delta). */
    public boolean resume = true;
    /** Sender: called after the last page was read and before END (a fault-injection point for tests), or null. */
    public Runnable afterLastPage;
    /** Receiver: called with the destination path after the last page and before the read-back check; a
     * fault-injection point for tests, null otherwise. */
    public java.util.function.Consumer<java.nio.file.Path> beforeVerify;

    /** Post-copy (or hybrid): switch settings, prefetch, reconnect window; null for none. The sender needs
     * {@code live} too; a receiver serves post-copy with defaults when this is null. */
    public io.ramshift.engine.postcopy.PostcopySettings postcopy;

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
        if (lz4)
        {
            options |= ProtocolDescriptor.OPTION_LZ4;
        }
        if (dedup && live == null)
        {
            options |= ProtocolDescriptor.OPTION_DUP;
        }
        if (live != null)
        {
            options |= ProtocolDescriptor.OPTION_LIVE;
        }
        if (deviceState != null)
        {
            options |= ProtocolDescriptor.OPTION_DEVICE_STATE;
        }
        if (delta)
        {
            options |= ProtocolDescriptor.OPTION_DELTA;
        }
        if (authenticator != null)
        {
            options |= ProtocolDescriptor.OPTION_AUTH;
        }
        if (postcopy != null && live != null)
        {
            options |= ProtocolDescriptor.OPTION_POSTCOPY;
        }
        return options;
    }
}
