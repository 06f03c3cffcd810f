package io.ramshift.engine.transfer;

/**
 * Counters of one side of a transfer: pages per class, runs, batches, bytes on the wire, digest and times.
 * Written by the transfer thread; read after the transfer ends.
 */
public final class TransferStats
{
    /** Figures of the post-copy phase of this end, or null when the session did not switch. */
    public io.ramshift.engine.postcopy.PostcopyFigures postcopy;

    /** Pages of the image. */
    public long imagePages;
    /** Bytes of the image. */
    public long imageBytes;
    /** Pages reported free and skipped. */
    public long freePages;
    /** Zero pages (sent as ZERO runs, no bytes). */
    public long zeroPages;
    /** Data pages (sent as bytes). */
    public long dataPages;
    /** Pages sent as DUP references (sender) or copied from earlier pages (receiver). */
    public long dupPages;
    /** DUP runs. */
    public long dupRuns;
    /** Batches whose data went as one LZ4 block. */
    public long lz4Batches;
    /** Batches whose data went raw. */
    public long rawBatches;
    /** Bytes of data pages before encoding. */
    public long rawDataBytes;
    /** Bytes of data payload on the wire after encoding. */
    public long payloadBytes;
    /** Nanoseconds hashing pages. */
    public long hashNanos;
    /** Nanoseconds probing, copying and compressing (sender) or decompressing (receiver). */
    public long codecNanos;
    /** Nanoseconds in socket writes (sender) or reads (receiver). */
    public long socketNanos;
    /** Nanoseconds writing the destination (receiver). */
    public long fileNanos;
    /** Streams of the session. */
    public int streams = 1;
    /** Zero runs. */
    public long zeroRuns;
    /** Data runs. */
    public long dataRuns;
    /** RUN_BATCH frames. */
    public long batches;
    /** Bytes this side wrote to the connection. */
    public long bytesSent;
    /** Bytes this side read from the connection. */
    public long bytesReceived;
    /** Bytes written to the destination file (receiver). */
    public long bytesWritten;
    /** Digest of the image as this side saw it. */
    public long digest;
    /** Allocated bytes of the source found with SEEK_DATA (sender), or -1 when not looked up. */
    public long allocatedBytes = -1;
    /** Destination state from HELLO_ACK. */
    public int destinationState;
    /** True when the receiver confirmed the digest and synced (sender), or checked it (receiver). */
    public boolean verified;
    /** Nanosecond clock at the start. */
    public long startNanos;
    /** Nanosecond clock at the end. */
    public long endNanos;
    /** Nanoseconds spent in fsync (receiver). */
    public long syncNanos;
    /** Pages sent as COPY runs (delta: taken from the destination's own unchanged pages). */
    public long copyPages;
    /** COPY runs sent. */
    public long copyRuns;
    /** Pages a delta session found unchanged at the destination and did not send. */
    public long unchangedPages;
    /** Delta: chunks whose hash differed, so their page hashes travelled. */
    public long differingChunks;
    /** Bytes of hypervisor device state carried after the final round. */
    public long deviceStateBytes;
    /** Nanoseconds the receiver spent reading the destination back to verify it. */
    public long readBackNanos;
    /** Nanoseconds the receiver's device state sink took (for QEMU: load the state and resume the guest). */
    public long deviceStateLoadNanos;
    /** Pages skipped because the destination's journal holds them as written and fsynced (a resumed session). */
    public long durablePages;
    /** RESUME answer: -1 not offered, else one of {@code ResumeDescriptor.STATUS_*}. */
    public int resumeStatus = -1;
    /** Receiver: why the session did not resume (no journal, another source, unreadable), or null. */
    public String resumeReason;
    /** Receiver: journal checkpoints taken (data fsynced, then pages marked durable). */
    public long checkpoints;
    /** TLS protocol and cipher suite negotiated, e.g. "TLSv1.3 TLS_AES_128_GCM_SHA256"; null in plaintext. */
    public String tls;

    /** @return seconds between start and end. */
    public double seconds()
    {
        return (endNanos - startNanos) / 1e9;
    }

    /** @return pages sent as runs (zero, data and duplicates). */
    public long pagesSent()
    {
        return zeroPages + dataPages + dupPages + copyPages;
    }

    /**
     * Add the counters of another stream of the same session (times add up as CPU time).
     *
     * @param other counters of one stream.
     */
    public void add(final TransferStats other)
    {
        if (postcopy == null)
        {
            postcopy = other.postcopy;
        }
        freePages += other.freePages;
        zeroPages += other.zeroPages;
        dataPages += other.dataPages;
        dupPages += other.dupPages;
        dupRuns += other.dupRuns;
        lz4Batches += other.lz4Batches;
        rawBatches += other.rawBatches;
        rawDataBytes += other.rawDataBytes;
        payloadBytes += other.payloadBytes;
        hashNanos += other.hashNanos;
        codecNanos += other.codecNanos;
        socketNanos += other.socketNanos;
        fileNanos += other.fileNanos;
        zeroRuns += other.zeroRuns;
        dataRuns += other.dataRuns;
        batches += other.batches;
        bytesSent += other.bytesSent;
        bytesReceived += other.bytesReceived;
        digest += other.digest;
        deviceStateBytes += other.deviceStateBytes;
        copyPages += other.copyPages;
        copyRuns += other.copyRuns;
        unchangedPages += other.unchangedPages;
        differingChunks += other.differingChunks;
        durablePages += other.durablePages;
        if (tls == null)
        {
            tls = other.tls;
        }
    }

    /** @return LZ4 ratio of the data payload (raw / on the wire). */
    public double compressionRatio()
    {
        return payloadBytes == 0 ? 1.0 : (double)rawDataBytes / payloadBytes;
    }
}
