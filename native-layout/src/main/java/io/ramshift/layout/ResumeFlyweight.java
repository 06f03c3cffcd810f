package io.ramshift.layout;

import static io.ramshift.layout.ProtocolDescriptor.TYPE_RESUME;
import static io.ramshift.layout.ResumeDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the RESUME frame (see {@link ResumeDescriptor}): encodes OFFER and MAP frames and validates every
 * field of one read before a word of it is used.
 */
public final class ResumeFlyweight extends FrameFlyweight
{
    /**
     * Write an OFFER.
     *
     * @param identity  the sender's source identity.
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public ResumeFlyweight encodeOffer(final long identity, final long pageCount)
    {
        encode(KIND_OFFER, 0, FLAG_LAST, identity, pageCount, 0, 0);
        return this;
    }

    /**
     * Write a MAP frame; its words are then set with {@link #word(int, long)}.
     *
     * @param status    one of {@code STATUS_*}.
     * @param last      true on the last frame.
     * @param identity  the identity offered.
     * @param pageCount pages of the image.
     * @param firstWord index of the first word carried.
     * @param wordCount words carried.
     * @return this for a fluent API.
     */
    public ResumeFlyweight encodeMap(final int status, final boolean last, final long identity, final long pageCount,
        final long firstWord, final int wordCount)
    {
        encode(KIND_MAP, status, last ? FLAG_LAST : 0, identity, pageCount, firstWord, wordCount);
        return this;
    }

    private void encode(final int kind, final int status, final int flags, final long identity, final long pageCount,
        final long firstWord, final int wordCount)
    {
        header(WORDS_OFFSET + wordCount * 8, TYPE_RESUME);
        flags(flags);
        buffer.putByte(offset + KIND_OFFSET, (byte)kind);
        buffer.putByte(offset + STATUS_OFFSET, (byte)status);
        buffer.putShort(offset + STATUS_OFFSET + 1, (short)0, LITTLE_ENDIAN);
        buffer.putInt(offset + WORD_COUNT_OFFSET, wordCount, LITTLE_ENDIAN);
        buffer.putLong(offset + IDENTITY_OFFSET, identity, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGE_COUNT_OFFSET, pageCount, LITTLE_ENDIAN);
        buffer.putLong(offset + FIRST_WORD_OFFSET, firstWord, LITTLE_ENDIAN);
    }

    /**
     * Check an OFFER of a session of {@code pageCount} pages.
     *
     * @param pageCount pages the HELLO announced.
     * @return this for a fluent API.
     */
    public ResumeFlyweight validateOffer(final long pageCount)
    {
        checkCommon(KIND_OFFER);
        if (status() != 0 || wordCount() != 0 || firstWord() != 0 || !last())
        {
            throw new LayoutException("malformed RESUME offer: status=" + status() + " words=" + wordCount() +
                " firstWord=" + firstWord() + " flags=0x" + Integer.toHexString(flags()));
        }
        if (pageCount() != pageCount)
        {
            throw new LayoutException("RESUME offer for another image: pages=" + pageCount() + " expected=" +
                pageCount);
        }
        return this;
    }

    /**
     * Check a MAP answering an offer: its identity and page count, its words in order, none past the last page.
     *
     * @param identity     the identity offered.
     * @param pageCount    pages of the image.
     * @param expectedWord index of the next word expected (0 on the first frame).
     * @return this for a fluent API.
     */
    public ResumeFlyweight validateMap(final long identity, final long pageCount, final long expectedWord)
    {
        checkCommon(KIND_MAP);
        final int status = status();
        final long totalWords = wordsFor(pageCount);
        if (status > MAX_STATUS)
        {
            throw new LayoutException("unknown RESUME status: status=" + status);
        }
        if (identity() != identity || pageCount() != pageCount)
        {
            throw new LayoutException("RESUME map for another offer: identity=" + Long.toHexString(identity()) +
                " pages=" + pageCount() + " expected identity=" + Long.toHexString(identity) + " pages=" + pageCount);
        }
        final int words = wordCount();
        if (firstWord() != expectedWord)
        {
            throw new LayoutException("RESUME map out of order: firstWord=" + firstWord() + " expected=" +
                expectedWord);
        }
        if (status != STATUS_RESUMING)
        {
            if (words != 0 || !last() || expectedWord != 0)
            {
                throw new LayoutException("RESUME refusal with words: status=" + status + " words=" + words +
                    " firstWord=" + expectedWord);
            }
            return this;
        }
        final long end = expectedWord + words;
        if (words == 0 && totalWords > 0 || end > totalWords || last() != (end == totalWords))
        {
            throw new LayoutException("RESUME map words out of range: firstWord=" + expectedWord + " words=" +
                words + " totalWords=" + totalWords + " last=" + last());
        }
        if (end == totalWords && (pageCount & 63) != 0 && words > 0 &&
            (word(words - 1) & (-1L << (pageCount & 63))) != 0)
        {
            throw new LayoutException("RESUME map marks pages past the image end: pages=" + pageCount);
        }
        return this;
    }

    private void checkCommon(final int kind)
    {
        checkMinLength(WORDS_OFFSET);
        if (type() != TYPE_RESUME)
        {
            throw new LayoutException("unexpected frame: type=" + ProtocolDescriptor.typeName(type()) +
                " expected=RESUME");
        }
        if ((flags() & ~FLAG_LAST) != 0)
        {
            throw new LayoutException("unknown RESUME flags: flags=0x" + Integer.toHexString(flags()));
        }
        if (kind() != kind)
        {
            throw new LayoutException("unexpected RESUME kind: kind=" + kind() + " expected=" + kind);
        }
        final long words = wordCount() & 0xFFFF_FFFFL;
        if (words > MAX_WORDS || frameLength() != WORDS_OFFSET + words * 8)
        {
            throw new LayoutException("RESUME frame of the wrong length: length=" + frameLength() + " words=" +
                words + " max=" + MAX_WORDS);
        }
        if (buffer.getShort(offset + STATUS_OFFSET + 1, LITTLE_ENDIAN) != 0)
        {
            throw new LayoutException("RESUME reserved field not zero");
        }
    }

    /** @return true on the last frame of the exchange. */
    public boolean last()
    {
        return (flags() & FLAG_LAST) != 0;
    }

    /** @return the kind. */
    public int kind()
    {
        return buffer.getByte(offset + KIND_OFFSET) & 0xFF;
    }

    /** @return the status (MAP). */
    public int status()
    {
        return buffer.getByte(offset + STATUS_OFFSET) & 0xFF;
    }

    /** @return words in this frame. */
    public int wordCount()
    {
        return buffer.getInt(offset + WORD_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the source identity. */
    public long identity()
    {
        return buffer.getLong(offset + IDENTITY_OFFSET, LITTLE_ENDIAN);
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return buffer.getLong(offset + PAGE_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return index of the first word carried. */
    public long firstWord()
    {
        return buffer.getLong(offset + FIRST_WORD_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index of the word in this frame.
     * @return the word.
     */
    public long word(final int index)
    {
        return buffer.getLong(offset + WORDS_OFFSET + index * 8, LITTLE_ENDIAN);
    }

    /**
     * @param index of the word in this frame.
     * @param value the word.
     * @return this for a fluent API.
     */
    public ResumeFlyweight word(final int index, final long value)
    {
        buffer.putLong(offset + WORDS_OFFSET + index * 8, value, LITTLE_ENDIAN);
        return this;
    }
}
