package io.ramshift.engine.transfer;

import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResumeDescriptor;
import io.ramshift.layout.ResumeFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The RESUME exchange of a resumable session, on stream 0 between HELLO_ACK and the first RUN_BATCH: the sender
 * offers its source identity, the receiver answers with the durable-page map of a journal of that source (split
 * over frames of at most {@link ResumeDescriptor#MAX_WORDS} words) or with the reason it has none.
 */
final class ResumeExchange
{
    private final FrameChannel frames;
    private final long pageCount;
    private final ResumeFlyweight frame = new ResumeFlyweight();

    ResumeExchange(final FrameChannel frames, final long pageCount)
    {
        this.frames = frames;
        this.pageCount = pageCount;
    }

    /**
     * Receiver side: read the offer, look up the journal, answer.
     *
     * @param destination the destination file.
     * @param imageSize   bytes of the image.
     * @param created     true when this session created the destination: a journal left next to it describes a
     *                    file that is gone, and is not trusted.
     * @return the offered identity and what the journal allows.
     */
    Served serve(final Path destination, final long imageSize, final boolean created)
    {
        final int type = frames.readFrame("RESUME");
        if (type != ProtocolDescriptor.TYPE_RESUME)
        {
            throw new LayoutException("expected RESUME, got " + ProtocolDescriptor.typeName(type));
        }
        frame.wrap(frames.in(), 0);
        frame.validateOffer(pageCount);
        final long identity = frame.identity();
        if (identity == 0)
        {
            throw new LayoutException("RESUME offer without a source identity");
        }
        final TransferJournal.Lookup found = TransferJournal.lookUp(destination, imageSize, pageCount, identity);
        final TransferJournal.Lookup lookup = created && found.status() == ResumeDescriptor.STATUS_RESUMING ?
            new TransferJournal.Lookup(ResumeDescriptor.STATUS_IDENTITY_DIFFERS, "the destination " + destination +
                " did not exist: its journal describes another file", null, 0, found.attempts()) : found;
        final long[] words = lookup.durable();
        final int total = words == null ? 0 : words.length;
        final int capacity = ResumeDescriptor.WORDS_OFFSET + Math.min(total, ResumeDescriptor.MAX_WORDS) * 8;
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(capacity, 64).order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer out = new UnsafeBuffer(bytes);
        int sent = 0;
        do
        {
            final int count = Math.min(ResumeDescriptor.MAX_WORDS, total - sent);
            frame.wrap(out, 0);
            frame.encodeMap(lookup.status(), sent + count == total, identity, pageCount, sent, count);
            for (int i = 0; i < count; i++)
            {
                frame.word(i, words[sent + i]);
            }
            bytes.limit(frame.frameLength()).position(0);
            frames.write(bytes);
            sent += count;
        }
        while (sent < total);
        return new Served(identity, lookup);
    }

    /**
     * @param identity the identity the sender offered.
     * @param lookup   what the journal allowed.
     */
    record Served(long identity, TransferJournal.Lookup lookup)
    {
    }

    /**
     * Sender side: offer the source, read the map.
     *
     * @param identity the source's identity.
     * @return the durable-page words (null when the receiver has none) and the status.
     */
    Answer offer(final long identity)
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(ResumeDescriptor.WORDS_OFFSET, 64)
            .order(ByteOrder.LITTLE_ENDIAN);
        frame.wrap(new UnsafeBuffer(bytes), 0);
        frame.encodeOffer(identity, pageCount);
        bytes.limit(frame.frameLength()).position(0);
        frames.write(bytes);
        final long totalWords = ResumeDescriptor.wordsFor(pageCount);
        long[] words = null;
        long next = 0;
        while (true)
        {
            final int type = frames.readFrame("RESUME");
            if (type != ProtocolDescriptor.TYPE_RESUME)
            {
                throw new LayoutException("expected RESUME, got " + ProtocolDescriptor.typeName(type));
            }
            frame.wrap(frames.in(), 0);
            frame.validateMap(identity, pageCount, next);
            if (frame.status() != ResumeDescriptor.STATUS_RESUMING)
            {
                return new Answer(frame.status(), null);
            }
            if (words == null)
            {
                // sized by this side's own page count, never by a length the peer announced
                words = new long[(int)totalWords];
            }
            for (int i = 0, n = frame.wordCount(); i < n; i++)
            {
                words[(int)next + i] = frame.word(i);
            }
            next += frame.wordCount();
            if (frame.last())
            {
                return new Answer(ResumeDescriptor.STATUS_RESUMING, words);
            }
        }
    }

    /**
     * @param status one of {@code ResumeDescriptor.STATUS_*}.
     * @param words  durable pages, or null.
     */
    record Answer(int status, long[] words)
    {
    }
}
