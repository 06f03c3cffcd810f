package io.ramshift.engine.transfer;

import io.ramshift.layout.DeltaFrameDescriptor;
import io.ramshift.layout.DeltaFrameFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.BufferUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.ProtocolDescriptor.DELTA_CHUNK_PAGES;
import static io.ramshift.layout.ProtocolDescriptor.DELTA_FLAG_FROM_MANIFEST;
import static io.ramshift.layout.ProtocolDescriptor.DELTA_FLAG_HASH32;
import static io.ramshift.layout.ProtocolDescriptor.DELTA_FLAG_LAST;

/**
 * The hash exchange of a delta session, between HELLO_ACK and the first RUN_BATCH: the receiver sends the hashes
 * of its 2 MiB chunks, the sender asks for the page hashes of the chunks whose hash differs from its own, and the
 * receiver sends them. Afterwards the sender knows the hash of every destination page: a chunk whose hash is equal
 * holds the sender's own pages. For 8 GiB with 1% of pages changed at random that is 32 KiB of summary plus 4 KiB
 * per differing chunk, instead of 16 MiB of page hashes.
 */
public final class DeltaExchange
{
    private final FrameChannel frames;
    private final ByteBuffer outBytes;
    private final UnsafeBuffer out;
    private final DeltaFrameFlyweight frame = new DeltaFrameFlyweight();
    private final long pageCount;
    private final long chunkCount;

    /**
     * @param frames    the session's (only) stream.
     * @param pageCount pages of the image.
     */
    public DeltaExchange(final FrameChannel frames, final long pageCount)
    {
        this.frames = frames;
        this.pageCount = pageCount;
        this.chunkCount = (pageCount + DELTA_CHUNK_PAGES - 1) / DELTA_CHUNK_PAGES;
        final int capacity = Math.max(DeltaFrameDescriptor.SUMMARY_HASHES_OFFSET +
            DeltaFrameDescriptor.MAX_SUMMARY_HASHES * 8, DeltaFrameDescriptor.LIST_ENTRIES_OFFSET +
            DeltaFrameDescriptor.MAX_PAGE_HASH_ENTRIES * DeltaFrameDescriptor.PAGE_HASHES_ENTRY_LENGTH);
        this.outBytes = BufferUtil.allocateDirectAligned(capacity, 64).order(ByteOrder.LITTLE_ENDIAN);
        this.out = new UnsafeBuffer(outBytes);
    }

    /** @return chunks of the image. */
    public long chunkCount()
    {
        return chunkCount;
    }

    /**
     * Receiver side: send the summary of the destination, answer the sender's requests.
     *
     * @param destination  hashes of every destination page.
     * @param fromManifest true when they come from a valid manifest rather than hashing for this session.
     * @return chunks whose page hashes were asked for.
     */
    public long serve(final PageHashLedger destination, final boolean fromManifest)
    {
        for (long first = 0; first < chunkCount; first += DeltaFrameDescriptor.MAX_SUMMARY_HASHES)
        {
            final int count = (int)Math.min(DeltaFrameDescriptor.MAX_SUMMARY_HASHES, chunkCount - first);
            final int flags = (first + count == chunkCount ? DELTA_FLAG_LAST : 0) |
                (fromManifest ? DELTA_FLAG_FROM_MANIFEST : 0);
            frame.wrap(out, 0);
            frame.encodeSummary(chunkCount, first, count, flags);
            for (int i = 0; i < count; i++)
            {
                frame.summaryHash(i, destination.chunkHash(first + i, DELTA_CHUNK_PAGES));
            }
            send(frame.frameLength());
        }
        final LongArrayList requested = new LongArrayList();
        long previous = -1;
        int hashFlags = -1;
        while (true)
        {
            expect(ProtocolDescriptor.TYPE_CHUNK_REQUEST, "CHUNK_REQUEST");
            frame.wrap(frames.in(), 0);
            frame.validateRequest(chunkCount, previous);
            final int width = frame.listFlags() & DELTA_FLAG_HASH32;
            if (hashFlags >= 0 && width != hashFlags)
            {
                throw new LayoutException("CHUNK_REQUEST frames disagree on the hash width");
            }
            hashFlags = width;
            for (int i = 0, n = frame.listCount(); i < n; i++)
            {
                previous = frame.listLong(i);
                requested.addLong(previous);
            }
            if ((frame.listFlags() & DELTA_FLAG_LAST) != 0)
            {
                break;
            }
        }
        int sent = 0;
        final int total = requested.size();
        do
        {
            final int count = Math.min(DeltaFrameDescriptor.MAX_PAGE_HASH_ENTRIES, total - sent);
            frame.wrap(out, 0);
            frame.encodePageHashes(count, (sent + count == total ? DELTA_FLAG_LAST : 0) | hashFlags);
            for (int e = 0; e < count; e++)
            {
                final long chunk = requested.getLong(sent + e);
                frame.entryChunk(e, chunk);
                final long firstPage = chunk * DELTA_CHUNK_PAGES;
                for (int p = 0; p < DELTA_CHUNK_PAGES; p++)
                {
                    final long page = firstPage + p;
                    frame.entryHash(e, p, page < pageCount ? destination.hash(page) : 0);
                }
            }
            send(frame.frameLength());
            sent += count;
        }
        while (sent < total);
        return total;
    }

    /**
     * Sender side: read the summary, ask for the differing chunks' page hashes, and build the destination's
     * hashes.
     *
     * @param source hashes of every source page.
     * @param hash32 ask for 32-bit page hashes (half the bytes): a page whose low 32 bits match is taken as
     *               unchanged; a changed page that matched by chance (~2^-32 per changed page) is caught by the
     *               whole-image digest and fails the session. Only without free pages: a free page is never sent,
     *               so its destination hash must be known in full.
     * @return hashes of every destination page, preset (no digest change counted).
     */
    public PageHashLedger learn(final PageHashLedger source, final boolean hash32)
    {
        final LongArrayList differing = new LongArrayList();
        long received = 0;
        boolean fromManifest = true;
        while (true)
        {
            expect(ProtocolDescriptor.TYPE_DEST_SUMMARY, "DEST_SUMMARY");
            frame.wrap(frames.in(), 0);
            frame.validateSummary(chunkCount, received);
            final long first = frame.summaryFirstChunk();
            final int count = frame.summaryCount();
            fromManifest &= (frame.summaryFlags() & DELTA_FLAG_FROM_MANIFEST) != 0;
            for (int i = 0; i < count; i++)
            {
                if (frame.summaryHash(i) != source.chunkHash(first + i, DELTA_CHUNK_PAGES))
                {
                    differing.addLong(first + i);
                }
            }
            received += count;
            if ((frame.summaryFlags() & DELTA_FLAG_LAST) != 0)
            {
                break;
            }
        }
        destinationFromManifest = fromManifest;
        final int total = differing.size();
        int sent = 0;
        do
        {
            final int count = Math.min(DeltaFrameDescriptor.MAX_REQUEST_CHUNKS, total - sent);
            frame.wrap(out, 0);
            frame.encodeRequest(count, (sent + count == total ? DELTA_FLAG_LAST : 0) | (hash32 ? DELTA_FLAG_HASH32 : 0));
            for (int i = 0; i < count; i++)
            {
                frame.listLong(i, differing.getLong(sent + i));
            }
            send(frame.frameLength());
            sent += count;
        }
        while (sent < total);

        final PageHashLedger destination = new PageHashLedger(pageCount, true);
        for (long page = 0; page < pageCount; page++)
        {
            destination.preset(page, source.hash(page));
        }
        int answered = 0;
        while (true)
        {
            expect(ProtocolDescriptor.TYPE_PAGE_HASHES, "PAGE_HASHES");
            frame.wrap(frames.in(), 0);
            frame.validatePageHashes();
            if (frame.hash32() != hash32)
            {
                throw new LayoutException("PAGE_HASHES of another hash width than asked: hash32=" + frame.hash32());
            }
            for (int e = 0, n = frame.listCount(); e < n; e++)
            {
                final long chunk = frame.entryChunk(e);
                if (answered >= total || chunk != differing.getLong(answered))
                {
                    throw new LayoutException("PAGE_HASHES for a chunk not asked for: chunk=" + chunk + " entry=" +
                        answered + " asked=" + total);
                }
                answered++;
                final long firstPage = chunk * DELTA_CHUNK_PAGES;
                final long pages = Math.min(DELTA_CHUNK_PAGES, pageCount - firstPage);
                for (int p = 0; p < pages; p++)
                {
                    final long given = frame.entryHash(e, p);
                    if (hash32)
                    {
                        // equal low bits: the page is taken as the source's; else a value that cannot equal it
                        final long own = source.hash(firstPage + p);
                        destination.preset(firstPage + p,
                            (own & 0xFFFF_FFFFL) == given ? own : (~own & 0xFFFF_FFFF_0000_0000L) | given);
                    }
                    else
                    {
                        destination.preset(firstPage + p, given);
                    }
                }
            }
            if ((frame.listFlags() & DELTA_FLAG_LAST) != 0)
            {
                break;
            }
        }
        if (answered != total)
        {
            throw new LayoutException("PAGE_HASHES ended early: answered=" + answered + " asked=" + total);
        }
        differingChunks = total;
        return destination;
    }

    private boolean destinationFromManifest;
    private long differingChunks;

    /** @return after {@link #learn}: true when the destination's hashes came from its valid manifest. */
    public boolean destinationFromManifest()
    {
        return destinationFromManifest;
    }

    /** @return after {@link #learn}: chunks whose hash differed. */
    public long differingChunks()
    {
        return differingChunks;
    }

    private void expect(final int type, final String name)
    {
        final int actual = frames.readFrame(name);
        if (actual != type)
        {
            throw new LayoutException("expected " + name + ", got " + ProtocolDescriptor.typeName(actual));
        }
    }

    private void send(final int length)
    {
        outBytes.limit(length).position(0);
        frames.write(outBytes);
    }
}
